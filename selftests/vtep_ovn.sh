#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# OVN drives kvxlan: ovn-controller-vtep binds an OVN logical switch to the
# kvxlan-vtep physical switch br0, and an OVN chassis (ovn-controller and
# Open vSwitch, VXLAN encapsulation) reaches the VM behind br0 through it.
#
#  +-------------+                          +-------------------------+
#  | vm1         |                          | vm2 (OVN port vm2)      |
#  | eth0        |                          | eth0 192.168.1.2        |
#  | 192.168.1.1 |                          |      00:..:00:02        |
#  | 00:..:00:01 |                          +---+---------------------+
#  +---+---------+                              |
#      |                                        |
#  +---+-----------------------------+  +-------+------------------------+
#  | h1  vm1 (port)                  |  | h2  vm2 (port of br-int,       |
#  |     br0 (Linux bridge) =        |  |       iface-id=vm2)            |
#  |       Physical_Switch br0,      |  |     br-int (OVS), ovs-vswitchd |
#  |       OVN chassis br0 (a VTEP)  |  |     ovn-controller: chassis    |
#  |     kvtep<K> (kvxlan, VNI K:    |  |       hv2, encap vxlan         |
#  |       ls0's datapath key)       |  |       10.1.0.1                 |
#  |     kvxlan-vtep                 |  |                                |
#  |     eth0 10.0.0.1/8 ------------+--+---- eth0 10.1.0.1/8            |
#  +---------------------------------+  +--------------------------------+
#
#  databases: hv1 (hardware_vtep: kvxlan-vtep, ovn-controller-vtep),
#  nb (OVN_Northbound), sb (OVN_Southbound: ovn-northd, ovn-controller,
#  ovn-controller-vtep), hv2 (Open_vSwitch: ovs-vswitchd, ovn-controller)
#
# The VTEP side is configured as a hardware switch is (add-ps, tunnel_ips,
# add-ls ls0, bind-ls br0 vm1 0 ls0: no tunnel key, no remote MAC); the
# OVN side as a CMS does (ls0 with the VM port vm2 and the vtep port vtep0,
# type vtep, vtep-physical-switch=br0, vtep-logical-switch=ls0, addresses
# unknown).  Then ovn-controller-vtep gives ls0 in hardware_vtep the
# datapath's tunnel key K (OVN's VNI towards a VTEP), vm2's MAC as a
# Ucast_Macs_Remote at hv2's encap IP and hv2 as the unknown-dst locator;
# kvxlan-vtep makes them kvtep<K>, its FDB and flood list; vm1 and vm2 ping
# each other, every packet on the underlay with VNI K; vm1's MAC is a
# Ucast_Macs_Local; in the Southbound database vm2 is bound to hv2 with its
# MAC, vtep0 to the VTEP chassis br0, which carries ls0.
#
# Every daemon's files are in a private directory per database under the
# guest's /run; ovs-vswitchd and kvxlan-vtep run in their hypervisor's
# namespace (the others only use Unix sockets).

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_vtep.sh"
set -e

vtep_require
require_cmd ovs-vswitchd ovs-vsctl ovs-appctl ovsdb-tool ovn-northd \
	ovn-controller ovn-controller-vtep ovn-nbctl ovn-sbctl
OVN_SCHEMAS=/usr/share/ovn
for s in ovn-nb ovn-sb; do
	[ -r "$OVN_SCHEMAS/$s.ovsschema" ] ||
		skip "OVN schema not found: $OVN_SCHEMAS/$s.ovsschema (ovn-central)"
done
[ -r "$VSWITCH_SCHEMA" ] || skip "Open vSwitch schema not found: $VSWITCH_SCHEMA"
modprobe openvswitch 2>"$D/err" ||
	skip "the openvswitch kernel datapath is not available: $(cat "$D/err")"

MAC1=00:00:00:00:00:01
MAC2=00:00:00:00:00:02
IP1=10.0.0.1
IP2=10.1.0.1

nbctl() { ovn-nbctl --db="unix:$D/nb/db.sock" --timeout=30 "$@"; }
sbctl() { ovn-sbctl --db="unix:$D/sb/db.sock" --timeout=30 "$@"; }
# sb_get TABLE COLUMN CONDITION...: one column of the rows found, bare
sb_get() { local t=$1 c=$2; shift 2; sbctl --bare --columns="$c" find "$t" "$@"; }
# sb_chassis_of PORT: the name of the chassis PORT is bound to
sb_chassis_of()
{
	local uuid
	uuid=$(sb_get Port_Binding chassis logical_port="$1")
	[ -n "$uuid" ] && sbctl get Chassis "$uuid" name | tr -d '"'
}
# ovn_daemon NAME ARGS...: start OVN daemon NAME (its unixctl, pid and log
# files in $D/ovn), stopped on exit
ovn_daemon()
{
	local name=$1
	shift
	daemon_start "$D/ovn" "$name" "$name" ovs_env ovn "$name" "$@"
	defer kill "$(cat "$D/ovn/$name.pid")"
}

step "setup: OVN central, the VTEP hypervisor hv1, the chassis hv2"
setup_ns h1 h2 vm1 vm2
veth_pair "$h1" eth0 "$IP1/8" "$h2" eth0 "$IP2/8"
for h in "$h1" "$h2"; do
	in_ns "$h" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
mkdir -p "$D/ovn"
db_start nb "$OVN_SCHEMAS/ovn-nb.ovsschema"
db_start sb "$OVN_SCHEMAS/ovn-sb.ovsschema"
ovn_daemon ovn-northd --ovnnb-db="unix:$D/nb/db.sock" \
	--ovnsb-db="unix:$D/sb/db.sock"

# hv1: a hardware VTEP (kvxlan-vtep), bound to OVN by ovn-controller-vtep
ip -n "$h1" link add br0 type bridge
ip -n "$h1" link set br0 up
ip link add vm1 netns "$h1" type veth peer name eth0 netns "$vm1"
ip -n "$vm1" link set eth0 address "$MAC1"
overlay_up "$vm1" eth0 192.168.1.1/24
ip -n "$h1" link set vm1 master br0 up
db_start hv1
vctl hv1 add-ps br0
vctl hv1 set Physical_Switch br0 tunnel_ips="$IP1"
agent_start hv1 "$h1"
ovn_daemon ovn-controller-vtep --vtep-db="unix:$D/hv1/db.sock" \
	--ovnsb-db="unix:$D/sb/db.sock"

# hv2: an OVN chassis, VXLAN encapsulation from 10.1.0.1, vm2 on br-int
db_start hv2 "$VSWITCH_SCHEMA"
ovs_start hv2 "$h2"
ovsctl hv2 add-br br-int -- set Bridge br-int fail-mode=secure \
	other-config:disable-in-band=true -- \
	set Open_vSwitch . external_ids:system-id=hv2 \
	external_ids:ovn-remote="unix:$D/sb/db.sock" \
	external_ids:ovn-encap-type=vxlan external_ids:ovn-encap-ip="$IP2"
ip link add vm2 netns "$h2" type veth peer name eth0 netns "$vm2"
ip -n "$vm2" link set eth0 address "$MAC2"
overlay_up "$vm2" eth0 192.168.1.2/24
ip -n "$h2" link set vm2 up
ovsctl hv2 add-port br-int vm2 -- set Interface vm2 external_ids:iface-id=vm2
daemon_start "$D/hv2" ovn-controller ovn-controller \
	in_ns "$h2" env OVS_RUNDIR="$D/hv2" OVN_RUNDIR="$D/hv2" \
	ovn-controller "unix:$D/hv2/db.sock"
defer kill "$(cat "$D/hv2/ovn-controller.pid")"
wait_underlay "$h1" "$IP2"

step "the VTEP's logical switch: ls0 bound to vm1, no tunnel key"
vctl hv1 add-ls ls0
# (the agent publishes vm1 as a Physical_Port: bind-ls needs the row)
expect "hv1: list-ports br0 (published by kvxlan-vtep)" vm1 vctl hv1 list-ports br0
vctl hv1 bind-ls br0 vm1 0 ls0
EXPECT_WAIT=30 expect "sb: the VTEP chassis br0 carries ls0 (ovn-controller-vtep)" \
	ls0 sb_get Chassis vtep_logical_switches name=br0
# (ovn-controller-vtep gives a logical switch no OVN port binds key 0)
expect "hv1: ls0's tunnel_key 0 while OVN does not bind it" 0 \
	vctl hv1 get Logical_Switch ls0 tunnel_key
expect "h1: ls0 carried as VNI 0 meanwhile" kvtep0 kvx_devs "$h1"

step "the OVN logical switch ls0: vm2, and vtep0 bound to br0/ls0"
nbctl ls-add ls0 \
	-- lsp-add ls0 vm2 -- lsp-set-addresses vm2 "$MAC2 192.168.1.2" \
	-- lsp-add ls0 vtep0 -- lsp-set-type vtep0 vtep \
	-- lsp-set-options vtep0 vtep-physical-switch=br0 vtep-logical-switch=ls0 \
	-- lsp-set-addresses vtep0 unknown
EXPECT_WAIT=60 expect "sb: vm2 bound to chassis hv2 (ovn-controller)" hv2 \
	sb_chassis_of vm2
EXPECT_WAIT=30 expect "sb: vtep0 bound to the VTEP chassis br0" br0 \
	sb_chassis_of vtep0
KEY=$(sb_get Datapath_Binding tunnel_key external_ids:name=ls0)
check_ne "sb: ls0's datapath tunnel key" "$KEY" ""
DEV=kvtep$KEY
expect "hv1: ls0's tunnel_key = the datapath's (ovn-controller-vtep)" "$KEY" \
	vctl hv1 get Logical_Switch ls0 tunnel_key
expect "hv1: Ucast_Macs_Remote = vm2's MAC at hv2's encap IP" "$MAC2>$IP2" \
	remote_macs hv1
expect "h1: $DEV, the only kvxlan device" "$DEV" kvx_devs "$h1"
expect "h1: $DEV's static FDB = Ucast_Macs_Remote" "$MAC2>$IP2" \
	static_fdb "$h1" "$DEV"
expect "h1: $DEV's flood list = the unknown-dst locators (hv2)" "$IP2" \
	flood_list "$h1" "$DEV"

step "vm1 (behind kvxlan) and vm2 (OVN) ping each other over VNI $KEY"
capture_start "$h1" eth0 "$D/ul.pcap" udp port 4789
# (OVN installs its flows for the tunnel a moment after binding vm2)
slowwait 30 in_ns "$vm1" ping -c 1 -W 1 -q 192.168.1.2 >/dev/null || true
vms_ping_over "OVN chassis" "$KEY" 6

step "the MACs in both databases"
expect "hv1: Ucast_Macs_Local = vm1's MAC (kvxlan-vtep)" "$MAC1>$IP1" \
	local_macs hv1
check_eq "sb: vm2's Port_Binding MAC" \
	"$(sb_get Port_Binding mac logical_port=vm2)" "$MAC2 192.168.1.2"
check_eq "sb: the VTEP chassis' VXLAN encap IP = tunnel_ips" \
	"$(sb_get Encap ip chassis_name=br0 type=vxlan)" "$IP1"
check_eq "h1: nothing learned from the wire" \
	"$(kvx "$h1" -j fdb show dev "$DEV" learned | jq length)" 0
step "done"

exit "$ksft_pass"
