#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan-vtep: the seed's first lab driven through the hardware_vtep
# database with the stock vtep-ctl, kvxlan-vtep in place of ovs-vtep.
#
#  +-------------+ +-------------+        +-------------+ +-------------+
#  | vm1         | | t1          |        | vm2         | | t2          |
#  | eth0        | | eth0 . v10  |        | eth0        | | eth0 . v10  |
#  | 192.168.1.1 | | (VLAN 10)   |        | 192.168.1.2 | | (VLAN 10)   |
#  | 00:..:00:01 | | 192.168.2.1 |        | 00:..:00:02 | | 192.168.2.2 |
#  |             | | 00:..:00:11 |        |             | | 00:..:00:12 |
#  +---+---------+ +---+---------+        +---+---------+ +---+---------+
#      |               |                      |               |
#  +---+---------------+-------------+  +-----+---------------+----------+
#  | h1  vm1 (port)  vm10 (port)     |  | h2  vm1           vm10         |
#  |     br0 (Linux bridge) =        |  |     br0 (Linux bridge) =       |
#  |       Physical_Switch br0       |  |       Physical_Switch br0      |
#  |     kvtep5000 (kvxlan, made by  |  |     kvtep5000, kvtep5001       |
#  |       kvxlan-vtep for ls0),     |  |                                |
#  |     kvtep5001 (ls1)             |  |                                |
#  |     ovsdb-server (vtep schema), |  |     ovsdb-server, kvxlan-vtep  |
#  |       kvxlan-vtep               |  |                                |
#  |     eth0 10.0.0.1/8 ------------+--+---- eth0 10.1.0.1/8            |
#  +---------------------------------+  +--------------------------------+
#
# On each hypervisor, the seed's commands in its order: add-ps br0,
# tunnel_ips, the agent, add-ls ls0, tunnel_key=5000, bind-ls br0 vm1 0
# ls0, add-ucast-remote (the other VM's MAC), add-mcast-remote unknown-dst
# (the other VTEP).  Then: VM1 pings VM2 over VNI 5000; the kernel holds
# exactly what the database holds; VM1's MAC is published as a local MAC;
# both hypervisors move to IPv6 tunnel IPs (fd00::1, fd00:1::1 on eth0):
# the devices are re-created with an IPv6 local, VNI 5000 crosses an IPv6
# underlay, the local MACs move to the new locator, an IPv4 locator is
# skipped, and back to IPv4; the agent is killed with -9, the database
# changed meanwhile, and the restarted agent converges (one device, the new
# state); rows with a bad locator IP, a malformed or a multicast MAC and a
# port that is not in the bridge are logged and skipped, the rest applied;
# a second logical switch ls1 (VNI 5001) bound to port vm10's VLAN 10
# (tagged) carries t1-t2 and is isolated from ls0, as vm10 was while
# unbound (each logical switch is a VLAN of br0); del-mcast-remote and
# del-ucast-remote remove their kernel state; after clear-local-macs the
# agent publishes again what the bridge knows; unbind-ls removes the device
# and its local MACs; the database restarts under the other agent, which
# reconnects; --cleanup removes what the agent made.
#
# ovsdb-server runs in the root namespace (its socket and files under the
# guest's /run: sockets cannot live on the directory shared from the host);
# each agent runs in its hypervisor's namespace.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_vtep.sh"
set -e

vtep_require

MAC1=00:00:00:00:00:01
MAC2=00:00:00:00:00:02
TMAC1=00:00:00:00:00:11
TMAC2=00:00:00:00:00:12
# hypervisor H NS UL VM_NS VM_MAC VM_IP T_NS T_MAC T_IP: br0 with port
# vm1 to the VM, and port vm10 to a VM on VLAN 10 (v10 on its eth0)
hypervisor()
{
	local h=$1 ns=$2 vm=$4 t=$7
	# no IPv6 on the hypervisor's own interfaces: what a port sends is
	# then only what the bridge forwards (exact tx counters)
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link add br0 type bridge
	ip -n "$ns" link set br0 up
	ip link add vm1 netns "$ns" type veth peer name eth0 netns "$vm"
	ip -n "$ns" link set vm1 master br0 up
	ip -n "$vm" link set eth0 address "$5"
	overlay_up "$vm" eth0 "$6"
	ip link add vm10 netns "$ns" type veth peer name eth0 netns "$t"
	ip -n "$ns" link set vm10 master br0 up
	ip -n "$t" link set eth0 address "$8"
	in_ns "$t" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip -n "$t" link set eth0 up
	ip -n "$t" link add link eth0 name v10 type vlan id 10
	overlay_up "$t" v10 "$9"
	db_start "$h"
	vctl "$h" add-ps br0
	vctl "$h" set Physical_Switch br0 tunnel_ips="$3"
	agent_start "$h" "$ns"
}

# br_vlans NS PORT: PORT's bridge VLANs as "VID:FLAGS" words
br_vlans()
{
	bridge -n "$1" -j vlan show dev "$2" |
		jq -r '.[0].vlans // [] | map("\(.vlan):\(.flags // [] | join(","))") | join(" ")'
}
step "setup: two hypervisors, br0 + vm1 on each, ovsdb-server and kvxlan-vtep"
setup_ns h1 h2 vm1 vm2 t1 t2
veth_pair "$h1" eth0 10.0.0.1/8 "$h2" eth0 10.1.0.1/8
hypervisor hv1 "$h1" 10.0.0.1 "$vm1" "$MAC1" 192.168.1.1/24 \
	"$t1" "$TMAC1" 192.168.2.1/24
hypervisor hv2 "$h2" 10.1.0.1 "$vm2" "$MAC2" 192.168.1.2/24 \
	"$t2" "$TMAC2" 192.168.2.2/24
wait_underlay "$h1" 10.1.0.1

expect "hv1: list-ports br0 (published by the agent)" "vm1
vm10" vctl hv1 list-ports br0
expect "hv2: list-ports br0" "vm1
vm10" vctl hv2 list-ports br0

step "the seed's logical network: ls0, VNI 5000, vm1 bound, remotes"
for spec in "hv1 10.1.0.1 $MAC2" "hv2 10.0.0.1 $MAC1"; do
	read -r hv peer mac <<<"$spec"
	vctl "$hv" add-ls ls0
	vctl "$hv" set Logical_Switch ls0 tunnel_key=5000
	vctl "$hv" bind-ls br0 vm1 0 ls0
	vctl "$hv" add-ucast-remote ls0 "$mac" "$peer"
	vctl "$hv" add-mcast-remote ls0 unknown-dst "$peer"
done

expect "h1: one kvxlan device" kvtep5000 kvx_devs "$h1"
expect "h2: one kvxlan device" kvtep5000 kvx_devs "$h2"
expect "h1: kvtep5000 in br0" br0 \
	eval "ip -n $h1 -j link show kvtep5000 | jq -r '.[0].master'"
check_eq "h1: kvtep5000 vni, local, learning" \
	"$(kvx "$h1" -j link show kvtep5000 | jq -r '.[0] | "\(.id) \(.local) \(.learning)"')" \
	"5000 10.0.0.1 false"
expect "h1: static FDB = Ucast_Macs_Remote" "$MAC2>10.1.0.1" static_fdb "$h1"
expect "h2: static FDB = Ucast_Macs_Remote" "$MAC1>10.0.0.1" static_fdb "$h2"
expect "h1: flood list = Mcast_Macs_Remote unknown-dst" 10.1.0.1 flood_list "$h1"
expect "h2: flood list" 10.0.0.1 flood_list "$h2"
# each logical switch is a VLAN of br0 (the lowest free: 2); vm10, bound
# to nothing, has none
for h in "$h1" "$h2"; do
	expect "${h%%-*}: vm1 and kvtep5000 in VLAN 2, untagged PVID" \
		"2:PVID,Egress Untagged 2:PVID,Egress Untagged" \
		eval "echo \$(br_vlans $h vm1) \$(br_vlans $h kvtep5000)"
	check_eq "${h%%-*}: vm10 in no VLAN" "$(br_vlans "$h" vm10)" ""
done
expect "hv1: Mcast_Macs_Local unknown-dst = own tunnel IP" \
	"unknown-dst->vxlan_over_ipv4/10.0.0.1" mcast_local hv1

step "VM1 pings VM2 over VNI 5000"
tx10=$(dev_stat "$h1" vm10 tx_packets)
capture_start "$h1" eth0 "$D/ul.pcap" udp port 4789
check_ok "vm1 pings vm2 (192.168.1.2)" \
	ip netns exec "$vm1" ping -c 3 -i 0.2 -W 5 -q 192.168.1.2
capture_stop
check_ge "VXLAN packets hv1 -> hv2 with I flag and VNI 5000" \
	"$(capture_packets "$D/ul.pcap" src host 10.0.0.1 and \
	'udp[8:4] = 0x08000000 and udp[12:4] = 0x00138800')" 4
check_ge "VXLAN packets hv2 -> hv1 with I flag and VNI 5000" \
	"$(capture_packets "$D/ul.pcap" src host 10.1.0.1 and \
	'udp[8:4] = 0x08000000 and udp[12:4] = 0x00138800')" 4
check_eq "VXLAN packets with another header" \
	"$(capture_packets "$D/ul.pcap" 'udp[8:4] != 0x08000000 or udp[12:4] != 0x00138800')" 0
check_eq "h1: nothing reached the unbound port vm10 (isolated)" \
	"$(dev_stat "$h1" vm10 tx_packets)" "$tx10"
expect "hv1: list-local-macs ls0 has VM1's MAC" "$MAC1>10.0.0.1" local_macs hv1
expect "hv2: list-local-macs ls0 has VM2's MAC" "$MAC2>10.1.0.1" local_macs hv2
check_eq "h1: nothing learned from the wire" \
	"$(kvx "$h1" -j fdb show dev kvtep5000 learned | jq length)" 0

step "tunnel_ips IPv6 on both: an IPv6 underlay, then back to IPv4"
# the hypervisors' eth0 gets IPv6 back (and fd00::1/16, fd00:1::1/16);
# each hypervisor changes its tunnel IP and its remotes in one transaction
for spec in "$h1 fd00::1" "$h2 fd00:1::1"; do
	read -r ns addr <<<"$spec"
	in_ns "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	addr_add "$ns" eth0 "$addr/16"
done
wait_underlay "$h1" fd00:1::1
# to_family H OWN PEER_MAC PEER OLD_PEER: H's tunnel IP OWN, its remotes at PEER
to_family()
{
	vctl "$1" set Physical_Switch br0 tunnel_ips="\"$2\"" \
		-- add-ucast-remote ls0 "$3" "$4" \
		-- del-mcast-remote ls0 unknown-dst "$5" \
		-- add-mcast-remote ls0 unknown-dst "$4"
}
to_family hv1 fd00::1 "$MAC2" fd00:1::1 10.1.0.1
to_family hv2 fd00:1::1 "$MAC1" fd00::1 10.0.0.1
expect "h1: kvtep5000 re-created with the IPv6 local" fd00::1 \
	eval "kvx $h1 -j link show kvtep5000 | jq -r '.[0].local'"
expect "h1: static FDB at the IPv6 locator" "$MAC2>fd00:1::1" static_fdb "$h1"
expect "h1: flood list IPv6" fd00:1::1 flood_list "$h1"
expect "h2: static FDB at the IPv6 locator" "$MAC1>fd00::1" static_fdb "$h2"
expect "h2: flood list IPv6" fd00::1 flood_list "$h2"
expect "hv1: VM1's MAC republished at the IPv6 tunnel IP" "$MAC1>fd00::1" \
	local_macs hv1
expect "hv1: Mcast_Macs_Local unknown-dst = the IPv6 tunnel IP" \
	"unknown-dst->vxlan_over_ipv4/fd00::1" mcast_local hv1
capture_start "$h1" eth0 "$D/ul6.pcap" udp port 4789
check_ok "vm1 pings vm2 over the IPv6 underlay" \
	in_ns "$vm1" ping -c 3 -i 0.2 -W 5 -q 192.168.1.2
capture_stop
# VXLAN header at ip6[48] (no extension header)
check_ge "IPv6 VXLAN packets hv1 -> hv2, flags I and VNI 5000" \
	"$(capture_packets "$D/ul6.pcap" ip6 src fd00::1 and \
	'ip6[48:4] = 0x08000000 and ip6[52:4] = 0x00138800')" 3
check_ge "IPv6 VXLAN packets hv2 -> hv1, flags I and VNI 5000" \
	"$(capture_packets "$D/ul6.pcap" ip6 src fd00:1::1 and \
	'ip6[48:4] = 0x08000000 and ip6[52:4] = 0x00138800')" 3
check_eq "VXLAN packets over IPv4 meanwhile" \
	"$(capture_packets "$D/ul6.pcap" ip)" 0
# a locator of the other family is skipped (logged): hv1 is IPv6 now
vctl hv1 add-ucast-remote ls0 00:00:00:00:00:06 10.1.0.6
check_ok "agent log names the IPv4 locator of an IPv6 switch" \
	slowwait 10 grep -q "00:00:00:00:00:06 in ls0: bad locator IP 10.1.0.6 (not an IPv6 address)" "$D/hv1/agent.log"
check_eq "h1: the IPv4 locator skipped" "$(static_fdb "$h1")" "$MAC2>fd00:1::1"
vctl hv1 del-ucast-remote ls0 00:00:00:00:00:06
to_family hv1 10.0.0.1 "$MAC2" 10.1.0.1 fd00:1::1
to_family hv2 10.1.0.1 "$MAC1" 10.0.0.1 fd00::1
expect "h1: back to IPv4: local" 10.0.0.1 \
	eval "kvx $h1 -j link show kvtep5000 | jq -r '.[0].local'"
expect "h1: back to IPv4: static FDB" "$MAC2>10.1.0.1" static_fdb "$h1"
expect "h2: back to IPv4: flood list" 10.0.0.1 flood_list "$h2"
expect "hv1: VM1's MAC at the IPv4 tunnel IP again" "$MAC1>10.0.0.1" \
	local_macs hv1
idx2=$(ifindex "$h2" kvtep5000)

step "kill -9 the agent on hv1, change the database, restart it"
idx=$(ifindex "$h1" kvtep5000)
# traffic throughout: the restart must not disturb the data path
ip netns exec "$vm1" ping -c 25 -i 0.2 -W 5 -q 192.168.1.2 >"$D/ping.out" 2>&1 &
ping_pid=$!
kill -9 "$(cat "$D/hv1/agent.pid")"
vctl hv1 add-ucast-remote ls0 00:00:00:00:00:03 10.1.0.3
agent_start hv1 "$h1"
expect "h1 after restart: static FDB has the new row" \
	"$MAC2>10.1.0.1 00:00:00:00:00:03>10.1.0.3" static_fdb "$h1"
check_eq "h1 after restart: still one kvxlan device" "$(kvx_devs "$h1")" kvtep5000
check_eq "h1 after restart: the same device (ifindex), not re-created" \
	"$(ifindex "$h1" kvtep5000)" "$idx"
check_eq "h1 after restart: flood list" "$(flood_list "$h1")" 10.1.0.1
wait "$ping_pid" || true
check_eq "ping across the restart: every echo answered" \
	"$(grep -o '[0-9]* received' "$D/ping.out")" "25 received"

step "rows with a bad locator IP or a bad MAC are logged and skipped"
nfail=$(grep -c "batch failed" "$D/hv1/agent.log" || true)
vctl hv1 add-ucast-remote ls0 00:00:00:00:00:04 10.1.0.300
# MACs vtep-ctl would refuse, written as a controller could: malformed,
# multicast; with a good row in the same transaction
ls0=$(vctl hv1 get Logical_Switch ls0 _uuid)
vctl hv1 -- --id=@l create Physical_Locator dst_ip=10.1.0.7 \
	encapsulation_type=vxlan_over_ipv4 \
	-- create Ucast_Macs_Remote MAC='"00:00:00:00:00:zz"' logical_switch="$ls0" locator=@l \
	-- create Ucast_Macs_Remote MAC='"01:00:5e:00:00:01"' logical_switch="$ls0" locator=@l \
	-- create Ucast_Macs_Remote MAC='"00:00:00:00:00:07"' logical_switch="$ls0" locator=@l \
	>/dev/null
vctl hv1 del-ucast-remote ls0 00:00:00:00:00:03
expect "h1: the bad rows skipped, the good one and the delete applied" \
	"$MAC2>10.1.0.1 00:00:00:00:00:07>10.1.0.7" static_fdb "$h1"
check_ok "agent log names the bad locator IP" \
	grep -q "00:00:00:00:00:04 in ls0: bad locator IP 10.1.0.300" "$D/hv1/agent.log"
check_ok "agent log names the malformed MAC" \
	grep -q "ucast remote 00:00:00:00:00:zz in ls0: bad MAC, skipped" "$D/hv1/agent.log"
check_ok "agent log names the multicast MAC" \
	grep -q "ucast remote 01:00:5e:00:00:01 in ls0: bad MAC, skipped" "$D/hv1/agent.log"
check_eq "agent log: no kernel batch failed meanwhile" \
	"$(grep -c "batch failed" "$D/hv1/agent.log" || true)" "$nfail"
for mac in 00:00:00:00:00:zz 01:00:5e:00:00:01 00:00:00:00:00:07 \
	00:00:00:00:00:04; do
	vctl hv1 destroy Ucast_Macs_Remote \
		"$(vctl hv1 --bare --columns=_uuid find Ucast_Macs_Remote MAC="\"$mac\"")"
done
expect "h1: the rows removed" "$MAC2>10.1.0.1" static_fdb "$h1"
# a Physical_Port that is no port of the bridge, bound in the same
# transaction: logged, its row removed, the rest untouched
vctl hv1 add-port br0 ghost -- bind-ls br0 ghost 0 ls0
expect "hv1: the ghost port's row removed" "vm1
vm10" vctl hv1 list-ports br0
check_ok "agent log names the ghost port" \
	grep -q "port ghost is not a member of bridge br0" "$D/hv1/agent.log"
check_eq "h1: static FDB unchanged" "$(static_fdb "$h1")" "$MAC2>10.1.0.1"

step "a second logical switch: ls1, VNI 5001, bound to vm10 VLAN 10 (tagged)"
# (one vtep-ctl transaction per hypervisor, as a controller would)
for spec in "hv1 10.1.0.1 $TMAC2" "hv2 10.0.0.1 $TMAC1"; do
	read -r hv peer mac <<<"$spec"
	vctl "$hv" add-ls ls1 -- set Logical_Switch ls1 tunnel_key=5001 \
		-- bind-ls br0 vm10 10 ls1 \
		-- add-ucast-remote ls1 "$mac" "$peer" \
		-- add-mcast-remote ls1 unknown-dst "$peer"
done
expect "h1: two kvxlan devices" "kvtep5000 kvtep5001" kvx_devs "$h1"
expect "h2: two kvxlan devices" "kvtep5000 kvtep5001" kvx_devs "$h2"
expect "h1: vm10 carries VLAN 10, tagged" "10:" br_vlans "$h1" vm10
expect "h1: kvtep5001 is VLAN 10, untagged PVID" "10:PVID,Egress Untagged" \
	br_vlans "$h1" kvtep5001
# what of ls1 reaches ls0's port vm1 (ls0's own ARP probes may)
capture_start "$h1" vm1 "$D/vm1.pcap" \
	ether host "$TMAC1" or ether host "$TMAC2" or vlan
check_ok "t1 pings t2 (192.168.2.2) over VLAN 10 and VNI 5001" \
	ip netns exec "$t1" ping -c 3 -i 0.2 -W 5 -q 192.168.2.2
capture_stop
expect "hv1: list-local-macs ls1 has t1's MAC" "$TMAC1>10.0.0.1" local_macs hv1 ls1
check_eq "hv1: ls0's local MACs unchanged" "$(local_macs hv1)" "$MAC1>10.0.0.1"
check_eq "h1: frames of ls1 sent to vm1 (ls0's port)" \
	"$(capture_packets "$D/vm1.pcap")" 0

step "del-mcast-remote: the flood list empties, the ping still works"
vctl hv1 del-mcast-remote ls0 unknown-dst 10.1.0.1
expect "h1: flood list empty" "" flood_list "$h1"
check_ok "vm1 still pings vm2 (both MACs known)" \
	ip netns exec "$vm1" ping -c 2 -i 0.2 -W 5 -q 192.168.1.2

step "del-ucast-remote: no FDB entry left for VM2's MAC"
vctl hv1 del-ucast-remote ls0 "$MAC2"
expect "h1: static FDB empty" "" static_fdb "$h1"
check_eq "h1: kvtep5000 FDB (bridge fdb show) has no $MAC2" \
	"$(bridge -n "$h1" fdb show dev kvtep5000 | grep -c "^$MAC2 .*dst" || true)" 0

step "clear-local-macs: the agent publishes what the bridge still knows"
vctl hv1 clear-local-macs ls0
expect "hv1: VM1's MAC published again" "$MAC1>10.0.0.1" local_macs hv1
expect "hv1: and the unknown-dst locator" \
	"unknown-dst->vxlan_over_ipv4/10.0.0.1" mcast_local hv1

step "unbind-ls: the device and the local MACs go"
vctl hv1 unbind-ls br0 vm1 0
expect "h1: ls0's device gone, ls1's kept" kvtep5001 kvx_devs "$h1"
expect "hv1: no local MACs in ls0" "" local_macs hv1
expect "hv1: no Mcast_Macs_Local in ls0" "" mcast_local hv1
check_eq "hv1: ls1's local MACs kept" "$(local_macs hv1 ls1)" "$TMAC1>10.0.0.1"
vctl hv1 clear-remote-macs ls1
expect "h1: clear-remote-macs ls1 empties kvtep5001's FDB" "" \
	static_fdb "$h1" kvtep5001
expect "h1: and its flood list" "" flood_list "$h1" kvtep5001
vctl hv1 unbind-ls br0 vm10 10
expect "h1: no kvxlan device" "" kvx_devs "$h1"
expect "hv1: no local MACs in ls1" "" local_macs hv1 ls1
vctl hv1 del-ls ls0
vctl hv1 del-ls ls1
check_eq "hv1: no logical switch" "$(vctl hv1 list-ls)" ""

step "hv2's database restarted: the agent reconnects and applies changes"
kill "$(cat "$D/hv2/ovsdb.pid")"
slowwait 10 test ! -e "$D/hv2/ovsdb.pid" || fail "ovsdb-server hv2 did not exit"
db_run hv2 "$D/hv2/vtep.db"
defer kill "$(cat "$D/hv2/ovsdb.pid")"
vctl hv2 add-ucast-remote ls0 00:00:00:00:00:05 10.0.0.5
expect "h2: the change after the restart applied" \
	"$MAC1>10.0.0.1 00:00:00:00:00:05>10.0.0.5" static_fdb "$h2"
check_eq "h2: the same kvxlan devices" \
	"$(kvx_devs "$h2") $(ifindex "$h2" kvtep5000)" "kvtep5000 kvtep5001 $idx2"

step "--cleanup removes what the agent made"
kill "$(cat "$D/hv2/agent.pid")"
check_eq "h2: devices kept while the agent is stopped" "$(kvx_devs "$h2")" \
	"kvtep5000 kvtep5001"
check_ok "kvxlan-vtep --cleanup br0" in_ns "$h2" "$AGENT" --cleanup br0
check_eq "h2: no kvxlan device after --cleanup" "$(kvx_devs "$h2")" ""
step "done"

exit "$ksft_pass"
