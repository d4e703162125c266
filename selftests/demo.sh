#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's lab with kvxlan: two hosts behind a switch, one VXLAN segment.
#
#        +------------------------+          +------------------------+
#        | h1                     |          | h2                     |
#        |  vx0 192.168.100.1/24  |          |  vx0 192.168.100.2/24  |
#        |  kvxlan vni 5000       |          |  kvxlan vni 5000       |
#        |  local 10.0.0.1        |          |  local 10.0.0.2        |
#        |  remote 10.0.0.2       |          |  remote 10.0.0.1       |
#        |         |              |          |         |              |
#        |  eth0 10.0.0.1/24      |          |  eth0 10.0.0.2/24      |
#        +---------+--------------+          +---------+--------------+
#                  |                                   |
#        +---------+-----------------------------------+--------------+
#        | sw       p1 ----------- br0 (switch) ---------- p2          |
#        +------------------------------------------------------------+
#
# Run inside the test VM (scripts/demo).  Each step is narrated; the script
# exits non-zero as soon as one fails.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip ping tcpdump tshark
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

step() { printf '\n== step: %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
# on NS CMD...: show and run CMD in namespace NS
on() { local ns=$1; shift; printf '%s$ %s\n' "$ns" "${*//$KVXLAN/kvxlan}"; ip netns exec "$ns" "$@"; }

for ns in h1 h2 sw; do
	ip netns list | grep -qw "$ns" && fail "namespace $ns already exists"
done

step "the underlay: a switch namespace with a Linux bridge, two hosts"
for ns in sw h1 h2; do
	show ip netns add "$ns"
	NS_LIST+=("$ns")
	ip -n "$ns" link set lo up
done
on sw ip link add br0 type bridge
on sw ip link set br0 up
for i in 1 2; do
	show ip link add eth0 netns "h$i" type veth peer name "p$i" netns sw
	on sw ip link set "p$i" master br0 up
	on "h$i" ip addr add "10.0.0.$i/24" dev eth0
	on "h$i" ip link set eth0 up
done
on h1 ping -c 2 -W 5 10.0.0.2

step "a kvxlan device on each host: VNI 5000, pointing at the other VTEP"
on h1 "$KVXLAN" link add vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev eth0
on h2 "$KVXLAN" link add vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev eth0
for i in 1 2; do
	on "h$i" ip addr add "192.168.100.$i/24" dev vx0
	on "h$i" ip link set vx0 up
done

step "kvxlan link show on each host"
on h1 "$KVXLAN" link show
on h2 "$KVXLAN" link show
on h1 "$KVXLAN" -j -p link show vx0
on h1 ip -d link show vx0

step "capture the underlay on h1 eth0 while the overlay pings"
capture_start h1 eth0 "$TMP/underlay.pcap" udp port 4789
echo "tcpdump -i eth0 -w underlay.pcap udp port 4789 (running in h1)"
on h1 ping -c 4 -i 0.2 -W 5 192.168.100.2
on h2 ping -c 4 -i 0.2 -W 5 192.168.100.1
slowwait 10 value_ge 16 capture_count "$TMP/underlay.pcap" >/dev/null ||
	fail "expected 16 encapsulated ICMP packets, got $(capture_count "$TMP/underlay.pcap")"
capture_stop
show tcpdump -n -r "$TMP/underlay.pcap" 2>/dev/null | head -n 20

step "decode one packet: outer IPv4/UDP 4789, VXLAN header, inner Ethernet/ICMP"
# -V prints a blank line after each packet: keep the first one.
decode=$(tshark -r "$TMP/underlay.pcap" -V -d udp.port==4789,vxlan \
	-Y "icmp.type == 8" 2>/dev/null | awk -v RS= 'NR == 1')
echo "\$ tshark -r underlay.pcap -V -d udp.port==4789,vxlan -Y 'icmp.type == 8'  # the first one"
printf '%s\n' "$decode"
grep -q "VXLAN Network Identifier (VNI): 5000" <<<"$decode" ||
	fail "tshark shows no VNI 5000"
grep -q "Echo (ping) request" <<<"$decode" || fail "tshark shows no inner ICMP"
grep -q "Dst Port: 4789" <<<"$decode" || fail "tshark shows no UDP 4789"

step "the forwarding table each VTEP learned: far VM's MAC -> far VTEP"
on h1 "$KVXLAN" fdb show dev vx0
on h2 "$KVXLAN" fdb show dev vx0
[ "$(ip netns exec h1 "$KVXLAN" -j fdb show dev vx0 learned | jq length)" -ge 1 ] || {
	echo "demo: h1 learned nothing" >&2
	exit 1
}

step "counters"
on h1 ip -s link show vx0
on h2 ip -s link show vx0
on h1 cat /proc/net/kvxlan

step "done: VNI 5000 carries 192.168.100.0/24 between h1 and h2"
exit 0
