#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan-vtep against the stock Open vSwitch VTEP emulator: the seed's
# first lab with hv1 on kvxlan-vtep (a Linux bridge and kvxlan) and hv2 on
# ovs-vtep (an OVS bridge, the seed's own setup), both configured by the
# seed's vtep-ctl commands, each through its own database.
#
#  +-------------+                          +-------------+
#  | vm1         |                          | vm2         |
#  | eth0        |                          | eth0        |
#  | 192.168.1.1 |                          | 192.168.1.2 |
#  | 00:..:00:01 |                          | 00:..:00:02 |
#  +---+---------+                          +---+---------+
#      |                                        |
#  +---+-----------------------------+  +-------+------------------------+
#  | h1  vm1 (port)                  |  | h2  vm1 (port)                 |
#  |     br0 (Linux bridge) =        |  |     br0 (OVS bridge) =         |
#  |       Physical_Switch br0       |  |       Physical_Switch br0      |
#  |     kvtep5000 (kvxlan, made by  |  |     br0_vtep_ls1 (OVS, made by |
#  |       kvxlan-vtep for ls0)      |  |       ovs-vtep for ls0), its   |
#  |                                 |  |       vxlan port key=5000      |
#  |     ovsdb-server (vtep schema), |  |     ovsdb-server (vtep and     |
#  |       kvxlan-vtep               |  |       vswitch schemas),        |
#  |                                 |  |       ovs-vswitchd, ovs-vtep   |
#  |     eth0 10.0.0.1/8 ------------+--+---- eth0 10.1.0.1/8            |
#  +---------------------------------+  +--------------------------------+
#
# On each hypervisor, the seed's commands in its order: add-ps br0,
# tunnel_ips, the agent (kvxlan-vtep or ovs-vtep), add-ls ls0,
# tunnel_key=5000, bind-ls br0 vm1 0 ls0, add-ucast-remote (the other VM's
# MAC), add-mcast-remote unknown-dst (the other VTEP).  Then: both agents
# publish port vm1; VM1 pings VM2 and VM2 pings VM1, every packet on the
# underlay with VNI 5000; each VM's MAC is a local MAC of its own
# database (published by kvxlan-vtep on hv1, by ovs-vtep on hv2).
#
# The daemons' files (databases, sockets, pid and log files) are in a
# private directory per hypervisor under the guest's /run; each daemon
# runs in its hypervisor's namespace (ovs-vswitchd's datapath and tunnel
# device are there).

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_vtep.sh"
set -e

EMULATOR=/usr/share/openvswitch/scripts/ovs-vtep
vtep_require
require_cmd ovs-vswitchd ovs-vsctl ovs-ofctl ovs-appctl
[ -x "$EMULATOR" ] || skip "the Open vSwitch VTEP emulator not found: $EMULATOR"
[ -r "$VSWITCH_SCHEMA" ] || skip "Open vSwitch schema not found: $VSWITCH_SCHEMA"
modprobe openvswitch 2>"$D/err" ||
	skip "the openvswitch kernel datapath is not available: $(cat "$D/err")"

MAC1=00:00:00:00:00:01
MAC2=00:00:00:00:00:02
IP1=$(ul 10.0.0.1)
IP2=$(ul 10.1.0.1)

# vm_port NS VM MAC IP: VM's eth0 (MAC, IP) paired with port vm1 in NS
vm_port()
{
	ip link add vm1 netns "$1" type veth peer name eth0 netns "$2"
	ip -n "$2" link set eth0 address "$3"
	overlay_up "$2" eth0 "$4"
	ip -n "$1" link set vm1 up
}

step "setup: hv1 (Linux bridge, kvxlan-vtep), hv2 (OVS bridge, ovs-vtep)"
setup_ns h1 h2 vm1 vm2
veth_pair "$h1" eth0 "$(ul 10.0.0.1/8)" "$h2" eth0 "$(ul 10.1.0.1/8)"
# no IPv6 on the ports of the switches (only the VMs' frames)
for h in "$h1" "$h2"; do
	in_ns "$h" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done

# hv2: Open vSwitch and the emulator, one ovsdb-server with both databases
db_start hv2 "$SCHEMA" "$VSWITCH_SCHEMA"
ovs_start hv2 "$h2"
ovsctl hv2 add-br br0
vm_port "$h2" "$vm2" "$MAC2" 192.168.1.2/24
ovsctl hv2 add-port br0 vm1
vctl hv2 add-ps br0
vctl hv2 set Physical_Switch br0 tunnel_ips="$IP2"
daemon_start "$D/hv2" ovs-vtep ovs-vtep in_ns "$h2" env OVS_RUNDIR="$D/hv2" \
	OVS_DBDIR="$D/hv2" OVS_LOGDIR="$D/hv2" "$EMULATOR" br0
defer kill "$(cat "$D/hv2/ovs-vtep.pid")"

# hv1: the seed's commands with kvxlan-vtep
ip -n "$h1" link add br0 type bridge
ip -n "$h1" link set br0 up
vm_port "$h1" "$vm1" "$MAC1" 192.168.1.1/24
ip -n "$h1" link set vm1 master br0
db_start hv1
vctl hv1 add-ps br0
vctl hv1 set Physical_Switch br0 tunnel_ips="$IP1"
agent_start hv1 "$h1"
wait_underlay "$h1" "$IP2"

# seed_ls H PEER_MAC PEER_IP: the seed's logical network on H once its
# agent has published port vm1 (bind-ls needs the Physical_Port row)
seed_ls()
{
	local hv=$1 mac=$2 peer=$3
	vctl "$hv" add-ls ls0
	vctl "$hv" set Logical_Switch ls0 tunnel_key=5000
	vctl "$hv" bind-ls br0 vm1 0 ls0
	vctl "$hv" add-ucast-remote ls0 "$mac" "$peer"
	vctl "$hv" add-mcast-remote ls0 unknown-dst "$peer"
}

# (the emulator, which runs one process per database or flow access, is
# much slower to act than kvxlan-vtep: hv1 first, while hv2 starts)
step "the seed's logical network: ls0, VNI 5000, vm1 bound, remotes"
expect "hv1: list-ports br0 (published by kvxlan-vtep)" vm1 vctl hv1 list-ports br0
seed_ls hv1 "$MAC2" "$IP2"
EXPECT_WAIT=60 expect "hv2: list-ports br0 (published by ovs-vtep)" vm1 \
	vctl hv2 list-ports br0
seed_ls hv2 "$MAC1" "$IP1"
# ovs-vtep publishes the MACs its OpenFlow learning holds (15 s idle
# timeout) at its next pass: VM2 sends from now on, so that the emulator
# learns its MAC as soon as its flows are there
in_ns "$vm2" ping -i 0.5 -q 192.168.1.1 >/dev/null 2>&1 &
ping_pid=$!
defer kill "$ping_pid"

expect "h1: kvtep5000, the remote MAC in its static FDB" "$MAC2>$IP2" \
	static_fdb "$h1"
expect "h1: flood list = the emulator's tunnel IP" "$IP2" flood_list "$h1"
# the emulator's logical switch: an OVS bridge with a VXLAN port per remote
# VTEP (ovs-vtep's Logical_Switch.add_tunnel)
EXPECT_WAIT=60 expect "h2: ovs-vtep's VXLAN port to hv1, key 5000" \
	"key=5000 remote_ip=$IP1" \
	ovsctl hv2 --bare --columns=options find Interface type=vxlan options:key=5000
expect "hv1: Mcast_Macs_Local unknown-dst = own tunnel IP" \
	"unknown-dst->vxlan_over_ipv4/$IP1" mcast_local hv1
expect "hv2: Mcast_Macs_Local unknown-dst (ovs-vtep)" \
	"unknown-dst->vxlan_over_ipv4/$IP2" mcast_local hv2

step "VM1 pings VM2 and VM2 pings VM1 over VNI 5000"
capture_start "$h1" eth0 "$D/ul.pcap" udp port 4789
# each way: the ARP request or reply, 3 requests and 3 replies (and VM2's
# background ping)
vms_ping_over ovs-vtep 5000 7
check_eq "h1: nothing learned from the wire" \
	"$(kvx "$h1" -j fdb show dev kvtep5000 learned | jq length)" 0

step "each VM's MAC is a local MAC of its hypervisor's database"
expect "hv1: list-local-macs ls0 has VM1's MAC (kvxlan-vtep)" \
	"$MAC1>$IP1" local_macs hv1
EXPECT_WAIT=90 expect "hv2: list-local-macs ls0 has VM2's MAC (ovs-vtep)" \
	"$MAC2>$IP2" local_macs hv2
kill "$ping_pid"
check_eq "hv1: the remote MAC as configured" "$(remote_macs hv1)" "$MAC2>$IP2"
check_eq "hv2: the remote MAC as configured" "$(remote_macs hv2)" "$MAC1>$IP1"
step "done"

exit "$ksft_pass"
