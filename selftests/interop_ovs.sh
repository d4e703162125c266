#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan against Open vSwitch, the seed's second lab: host A runs an OVS
# bridge with a VM port and a `type=vxlan options:remote_ip=` port (the
# kernel datapath, whose tunnel device OVS creates in the namespace of
# ovs-vswitchd), host B runs kvxlan.
#
#  +-------------+    +--------------------------------+    +------------------+
#  | vm          |    | a (ovsdb-server, ovs-vswitchd) |    | b                |
#  |             |    |  br0 (OVS, NORMAL: learning)   |    |  vx0: kvxlan     |
#  | eth0 -------+----+- vm0                          |    |  192.168.100.2   |
#  | 192.168.    |    |   vxl0 type=vxlan              |    |  00:..:00:02     |
#  |  100.1/24   |    |   options:remote_ip=10.0.0.2   |    |  remote 10.0.0.1 |
#  | 00:..:00:01 |    |   (vxlan_sys_PORT in a)        |    |                  |
#  +-------------+    |  eth0 10.0.0.1/24 -------------+----+- eth0 10.0.0.2/24|
#                     +--------------------------------+    +------------------+
#
# Three cases, each pinging both ways with nothing static (ARP over the
# tunnel), checking the VXLAN header of every packet on B's underlay both
# ways, and that each side learned the other's MAC: kvxlan the VM's MAC
# behind A's address, OVS kvxlan's MAC on its vxlan port.
#
#   OVS options                 kvxlan
#   key=5000                    vni 5000
#   (no key: VNI 0)             vni 0
#   key=5000 dst_port=4790      vni 5000 port 4790
#
# ovsdb-server and ovs-vswitchd run inside namespace a, with their database,
# sockets, pid and log files in a private directory under /run.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_interop.sh"
set -e

require_cmd ip jq ping tcpdump ovsdb-tool ovsdb-server ovs-vswitchd \
	ovs-vsctl ovs-appctl
require_kvxlan

SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
N=3
VM_MAC=00:00:00:00:00:01
B_MAC=00:00:00:00:00:02
TMP=$(mktemp -d)
defer rm -rf "$TMP"

[ -r "$SCHEMA" ] || skip "Open vSwitch schema not found: $SCHEMA"
modprobe openvswitch 2>"$TMP/err" ||
	skip "the openvswitch kernel datapath is not available: $(cat "$TMP/err")"

# The daemons' files: sockets cannot live on a directory shared from the
# host, so under the guest's /run.
OVS_DIR=$(mktemp -d /run/kvx-ovs.XXXXXX)
defer rm -rf "$OVS_DIR"
export OVS_RUNDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR \
	OVS_SYSCONFDIR=$OVS_DIR OVS_PKGDATADIR=/usr/share/openvswitch

vsctl() { ovs-vsctl --timeout=60 "$@"; }

# ovs_start NS: ovsdb-server and ovs-vswitchd in NS, stopped on exit
ovs_start()
{
	local ns=$1
	ovsdb-tool create "$OVS_DIR/conf.db" "$SCHEMA" ||
		fail "ovsdb-tool create"
	ip netns exec "$ns" ovsdb-server "$OVS_DIR/conf.db" \
		--remote="punix:$OVS_DIR/db.sock" --pidfile --detach \
		--log-file -vconsole:off </dev/null >>"$OVS_DIR/daemons.out" 2>&1 ||
		fail "ovsdb-server did not start: $(tail -5 "$OVS_DIR/daemons.out")"
	defer ovs-appctl -t ovsdb-server exit
	vsctl --no-wait init || fail "ovs-vsctl init"
	ip netns exec "$ns" ovs-vswitchd "unix:$OVS_DIR/db.sock" \
		--pidfile --detach --log-file -vconsole:off </dev/null \
		>>"$OVS_DIR/daemons.out" 2>&1 ||
		fail "ovs-vswitchd did not start: $(tail -5 "$OVS_DIR/ovs-vswitchd.log")"
	# --cleanup: remove the datapath and its ports as it exits
	defer ovs-appctl -t ovs-vswitchd exit --cleanup
}

# ovs_ofport PORT: the OpenFlow port number of an OVS interface
ovs_ofport() { vsctl get interface "$1" ofport; }

# ovs_mac_port MAC: the OpenFlow port OVS's br0 learned MAC on
ovs_mac_port()
{
	ovs-appctl fdb/show br0 |
		awk -v m="$1" '$3 == m { print $1; found = 1 } END { exit !found }'
}

# vxlan_hdr_ok FILE SRC PORT VNI: packets from SRC to PORT whose VXLAN
# header is exactly flags 0x08 (I), reserved 0, VNI
vxlan_hdr() { printf '0x%08x' $(($1 << 8)); }
vxlan_good()
{
	capture_packets "$1" src host "$2" and udp dst port "$3" and \
		"udp[8:4] = 0x08000000 and udp[12:4] = $(vxlan_hdr "$4")"
}
vxlan_bad()
{
	capture_packets "$1" src host "$2" and udp dst port "$3" and \
		"(udp[8:4] != 0x08000000 or udp[12:4] != $(vxlan_hdr "$4"))"
}

log_step "setup: hosts a (OVS) and b (kvxlan), the VM behind a's OVS bridge"
setup_ns vm a b
veth_pair "$a" eth0 10.0.0.1/24 "$b" eth0 10.0.0.2/24
ovs_start "$a"
vsctl add-br br0 || fail "ovs-vsctl add-br br0: $(tail -5 "$OVS_DIR/ovs-vswitchd.log")"
ip link add vm0 netns "$a" type veth peer name eth0 netns "$vm"
ip -n "$a" link set vm0 up
ip -n "$vm" link set eth0 address "$VM_MAC" mtu 1450
overlay_up "$vm" eth0 192.168.100.1/24
vsctl add-port br0 vm0 || fail "ovs-vsctl add-port br0 vm0"
check_eq "OVS datapath in a" \
	"$(ip -n "$a" -j link show ovs-system | jq -r '.[0].ifname')" ovs-system
wait_underlay "$a" 10.0.0.2

# ovs_case DESC VNI PORT OVS_OPTIONS...: one case, as the table above
ovs_case()
{
	local desc=$1 vni=$2 port=$3 sys=vxlan_sys_$3 cap kargs=()
	shift 3
	cap=$TMP/b-$vni-$port.pcap
	[ "$port" != 4789 ] && kargs=(port "$port")

	log_step "$desc: OVS vxl0 type=vxlan${*:+ $*}; kvxlan vni $vni${kargs[*]:+ ${kargs[*]}}"
	vsctl add-port br0 vxl0 -- set interface vxl0 type=vxlan \
		options:remote_ip=10.0.0.2 "$@" ||
		fail "ovs-vsctl add-port br0 vxl0 $*"
	check_eq "OVS vxl0 error" "$(vsctl get interface vxl0 error)" "[]"
	check_ne "OVS vxl0 ofport" "$(ovs_ofport vxl0)" -1
	# the kernel datapath's tunnel device, in ovs-vswitchd's namespace
	check_eq "$sys in namespace a" \
		"$(ip -n "$a" -j -d link show "$sys" | jq -r '.[0].linkinfo.info_kind')" vxlan
	check_eq "$sys UDP port" \
		"$(ip -n "$a" -j -d link show "$sys" | jq -r '.[0].linkinfo.info_data.port')" "$port"
	kvx_add "$b" vx0 vni "$vni" local 10.0.0.2 remote 10.0.0.1 dev eth0 \
		"${kargs[@]}"
	ip -n "$b" link set vx0 address "$B_MAC"
	overlay_up "$b" vx0 192.168.100.2/24

	capture_start "$b" eth0 "$cap" udp port "$port"
	check_ok "vm pings b (192.168.100.2), ARP over the tunnel" \
		ip netns exec "$vm" ping -c "$N" -i 0.2 -W 5 -q 192.168.100.2
	check_ok "b pings vm (192.168.100.1)" \
		ip netns exec "$b" ping -c "$N" -i 0.2 -W 5 -q 192.168.100.1
	check_ok "vm pings b with 1400-byte payloads" \
		ip netns exec "$vm" ping -c 2 -i 0.2 -W 5 -q -s 1400 192.168.100.2
	check_ok "b pings vm with 1400-byte payloads" \
		ip netns exec "$b" ping -c 2 -i 0.2 -W 5 -q -s 1400 192.168.100.1
	# ARP request and reply, N + 2 echo requests and N + 2 replies each
	# way: at least 2 * N + 5 packets from each side
	wait_counter 10 $((2 * N + 5)) vxlan_good "$cap" 10.0.0.1 "$port" "$vni" \
		>/dev/null || true
	capture_stop

	check_ge "packets from OVS, VXLAN header I flag + VNI $vni" \
		"$(vxlan_good "$cap" 10.0.0.1 "$port" "$vni")" $((2 * N + 5))
	check_eq "packets from OVS, any other header" \
		"$(vxlan_bad "$cap" 10.0.0.1 "$port" "$vni")" 0
	check_ge "packets from kvxlan, VXLAN header I flag + VNI $vni" \
		"$(vxlan_good "$cap" 10.0.0.2 "$port" "$vni")" $((2 * N + 5))
	check_eq "packets from kvxlan, any other header" \
		"$(vxlan_bad "$cap" 10.0.0.2 "$port" "$vni")" 0

	check_eq "vm: ARP resolved 192.168.100.2" \
		"$(neigh_lladdr "$vm" eth0 192.168.100.2)" "$B_MAC"
	check_eq "b: ARP resolved 192.168.100.1" \
		"$(neigh_lladdr "$b" vx0 192.168.100.1)" "$VM_MAC"
	check_eq "kvxlan learned the VM's MAC behind OVS's VTEP" \
		"$(kvx_learned "$b" vx0)" "$VM_MAC>10.0.0.1"
	check_eq "OVS learned kvxlan's MAC on its vxlan port" \
		"$(ovs_mac_port "$B_MAC")" "$(ovs_ofport vxl0)"
	check_eq "OVS learned the VM's MAC on vm0" \
		"$(ovs_mac_port "$VM_MAC")" "$(ovs_ofport vm0)"
	check_eq "kvxlan vx0 rx_dropped" "$(dev_stat "$b" vx0 rx_dropped)" 0
	check_eq "kvxlan vx0 rx_errors" "$(dev_stat "$b" vx0 rx_errors)" 0

	kvx "$b" link del vx0 || fail "kvxlan link del vx0"
	vsctl del-port br0 vxl0 || fail "ovs-vsctl del-port br0 vxl0"
	ovs-appctl fdb/flush br0 >/dev/null
	ip -n "$vm" neigh flush dev eth0
}

ovs_case "key set" 5000 4789 options:key=5000
ovs_case "key unset (VNI 0)" 0 4789
ovs_case "non-default port" 5000 4790 options:key=5000 options:dst_port=4790

exit "$ksft_pass"
