#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan among in-tree vxlan VTEPs: one VXLAN segment (VNI 5000) over three
# hosts, one kvxlan VTEP and two in-tree `vxlan` VTEPs, learning on
# everywhere.  The segment is built twice:
#
#   1. flood by head-end replication lists: kvxlan `kvxlan flood add dev vx0
#      dst IP`, in-tree `bridge fdb append 00:00:00:00:00:00 dev vxlan0
#      dst IP`, each VTEP listing the two others;
#   2. flood by a multicast group: kvxlan `kvxlan link add ... group
#      239.1.1.1 dev e0`, in-tree `ip link add ... group 239.1.1.1 dev e0`.
#
#                +----------------------------------------------+
#                | sw: br0 (mcast_snooping 0: floods multicast) |
#                |      p1              p2              p3       |
#                +------+---------------+---------------+-------+
#                       |               |               |
#  +--------------------+--+ +----------+-----------+ +-+--------------------+
#  | h1  e0 10.0.0.1/24    | | h2  e0 10.0.0.2/24   | | h3  e0 10.0.0.3/24   |
#  |  vx0: kvxlan vni 5000 | |  vxlan0: in-tree     | |  vxlan0: in-tree     |
#  |  00:00:00:00:00:01    | |  id 5000 dstport 4789| |  id 5000 dstport 4789|
#  |  192.168.100.1/24     | |  00:00:00:00:00:02   | |  00:00:00:00:00:03   |
#  |                       | |  192.168.100.2/24    | |  192.168.100.3/24    |
#  +-----------------------+ +----------------------+ +----------------------+
#
# In each mode, nothing static but the flood lists or the group:
#  - h2 pings h3: h2's ARP broadcast also reaches kvxlan, which learns
#    MAC2 -> 10.0.0.2 from it;
#  - h1 pings h2: kvxlan's ARP broadcast also reaches h3, which learns
#    MAC1 -> 10.0.0.1; h1's underlay shows the broadcast replicated once per
#    list entry (mode 1) or sent once to the group with TTL 1 (mode 2);
#  - then every other ordered pair pings; ARP resolved every overlay
#    address to the right MAC; every VTEP learned exactly the two others'
#    MACs, each behind its unicast underlay address;
#  - TCP transfers arrive intact (every ordered pair in mode 1, around the
#    ring h1 -> h2 -> h3 -> h1 in mode 2), and the learned tables have not
#    changed;
#  - no VTEP dropped a frame or counted a receive error, kvxlan none as
#    its own MAC.

source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_interop.sh"
set -e

require_cmd ip bridge jq ping nc ss tcpdump
require_kvxlan

GROUP=239.1.1.1
VNI=5000
TCP_KB=256
TMP=$(mktemp -d)
defer rm -rf "$TMP"

mac() { echo "00:00:00:00:00:0$1"; }
oaddr() { echo "192.168.100.$1"; }
uaddr() { echo "10.0.0.$1"; }
dev_of() { if [ "$1" = 1 ]; then echo vx0; else echo vxlan0; fi; }
ns_of() { echo "${HOSTS[$(($1 - 1))]}"; }
others()
{
	local j
	for j in 1 2 3; do
		if [ "$j" != "$1" ]; then printf '%s ' "$j"; fi
	done
}

# learned_of I: the MAC>VTEP words VTEP I learned (kvxlan or in-tree)
learned_of()
{
	if [ "$1" = 1 ]; then
		kvx_learned "$h1" vx0
	else
		intree_learned "$(ns_of "$1")" vxlan0
	fi
}

# expect_learned I J...: the words VTEP I should hold for hosts J...
expect_learned()
{
	local j out=()
	shift
	for j in "$@"; do out+=("$(mac "$j")>$(uaddr "$j")"); done
	printf '%s\n' "${out[@]}" | sort | paste -sd' '
}

# vteps_add MODE: the three VTEPs, MODE "list" (head-end replication
# lists) or "group" (multicast group)
vteps_add()
{
	local mode=$1 i j ns grp=()
	[ "$mode" = group ] && grp=(group "$GROUP")
	kvx_add "$h1" vx0 vni "$VNI" local "$(uaddr 1)" "${grp[@]}" dev e0
	for i in 2 3; do
		ns=$(ns_of "$i")
		if ! ip -n "$ns" link add vxlan0 type vxlan id "$VNI" \
			local "$(uaddr "$i")" "${grp[@]}" dstport 4789 dev e0 \
			2>"$TMP/err"; then
			cat "$TMP/err"
			# The peer is the point of this test (skip fails in CI).
			skip "the in-tree vxlan driver is not available"
		fi
	done
	if [ "$mode" = list ]; then
		for j in 2 3; do
			kvx "$h1" flood add dev vx0 dst "$(uaddr "$j")" ||
				fail "kvxlan flood add dev vx0 dst $(uaddr "$j")"
		done
		for i in 2 3; do
			for j in $(others "$i"); do
				bridge -n "$(ns_of "$i")" fdb append \
					00:00:00:00:00:00 dev vxlan0 \
					dst "$(uaddr "$j")" ||
					fail "bridge fdb append ... dst $(uaddr "$j") (h$i)"
			done
		done
	fi
	for i in 1 2 3; do
		ns=$(ns_of "$i")
		ip -n "$ns" link set "$(dev_of "$i")" address "$(mac "$i")"
		overlay_up "$ns" "$(dev_of "$i")" "$(oaddr "$i")/24"
	done
}

vteps_del()
{
	kvx "$h1" link del vx0 || fail "kvxlan link del vx0"
	ip -n "$h2" link del vxlan0
	ip -n "$h3" link del vxlan0
}

# ping_pair I J: VTEP I's host pings J's overlay address
ping_pair()
{
	check_ok "h$1 pings h$2 ($(oaddr "$2"))" ip netns exec "$(ns_of "$1")" \
		ping -c 2 -i 0.2 -W 5 -q "$(oaddr "$2")"
}

# arp_requests FILE FILTER...: encapsulated broadcast ARP requests in FILE
# matching FILTER (inner destination MAC at udp[16:6], EtherType at
# udp[28:2], ARP operation at udp[36:2]).  Not the unicast ones: a
# neighbour's reachability probe may add one when a slow VM takes more than
# 5 s between a ping and the end of the capture.
arp_requests()
{
	local file=$1
	shift
	capture_packets "$file" "$@" and \
		'udp[16:4] = 0xffffffff and udp[20:2] = 0xffff' and \
		'udp[28:2] = 0x0806 and udp[36:2] = 1'
}

# step MSG: a log step with the seconds elapsed since the start
step() { log_step "$* (at ${SECONDS}s)"; }

# segment MODE: build the segment one way and check everything over it
segment()
{
	local mode=$1 i j ns cap=$TMP/h1-$1.pcap

	step "$mode: three VTEPs"
	vteps_add "$mode"
	if [ "$mode" = list ]; then
		check_eq "h1 kvxlan flood list" "$(kvx_flood "$h1" vx0)" \
			"$(uaddr 2) $(uaddr 3)"
		check_eq "h2 in-tree flood list" "$(intree_flood "$h2" vxlan0)" \
			"$(uaddr 1) $(uaddr 3)"
		check_eq "h3 in-tree flood list" "$(intree_flood "$h3" vxlan0)" \
			"$(uaddr 1) $(uaddr 2)"
	else
		check_eq "h1 kvxlan flood list (the group)" \
			"$(kvx_flood "$h1" vx0)" "$GROUP"
		check_eq "h2 in-tree default destination" \
			"$(intree_flood "$h2" vxlan0)" "$GROUP"
		check_eq "h3 in-tree default destination" \
			"$(intree_flood "$h3" vxlan0)" "$GROUP"
	fi
	for i in 1 2 3; do
		check_eq "h$i learned nothing yet" "$(learned_of "$i")" ""
	done

	capture_start "$h1" e0 "$cap" udp port 4789

	step "$mode: h2 pings h3; its ARP broadcast reaches kvxlan too"
	ping_pair 2 3
	check_poll "h1 (kvxlan) learned MAC2 from h2's broadcast" 10 \
		"$(expect_learned 1 2)" learned_of 1

	step "$mode: h1 pings h2; kvxlan's ARP broadcast reaches h3 too"
	ping_pair 1 2
	check_poll "h3 (in-tree) learned MAC1 from kvxlan's broadcast" 10 \
		"$(expect_learned 3 1 2)" learned_of 3
	check_poll "h2 (in-tree) learned MAC1 and MAC3" 10 \
		"$(expect_learned 2 1 3)" learned_of 2
	capture_stop

	step "$mode: how the broadcasts crossed h1's underlay"
	tcpdump -n -r "$cap" 2>/dev/null | sed 's/^/    h1 e0: /'
	local to2 to3 tog from2
	to2=$(arp_requests "$cap" src host "$(uaddr 1)" and dst host "$(uaddr 2)")
	to3=$(arp_requests "$cap" src host "$(uaddr 1)" and dst host "$(uaddr 3)")
	tog=$(arp_requests "$cap" src host "$(uaddr 1)" and dst host "$GROUP")
	from2=$(arp_requests "$cap" src host "$(uaddr 2)")
	if [ "$mode" = list ]; then
		check_ge "h1's ARP broadcasts to h2" "$to2" 1
		check_eq "h1's ARP broadcasts: one copy per list entry (to h3)" \
			"$to3" "$to2"
		check_eq "h1's ARP broadcasts to the group" "$tog" 0
		check_ge "h2's ARP broadcast received by h1, unicast" \
			"$(arp_requests "$cap" src host "$(uaddr 2)" and \
				dst host "$(uaddr 1)")" 1
	else
		check_ge "h1's ARP broadcasts to $GROUP" "$tog" 1
		check_eq "h1's ARP broadcasts unicast to h2 and h3" \
			"$((to2 + to3))" 0
		check_ge "h2's ARP broadcast received by h1 through $GROUP" \
			"$(arp_requests "$cap" src host "$(uaddr 2)" and \
				dst host "$GROUP")" 1
		check_eq "h2's ARP broadcasts unicast to h1" \
			"$(arp_requests "$cap" src host "$(uaddr 2)" and \
				dst host "$(uaddr 1)")" 0
		check_eq "packets to $GROUP with a TTL other than 1 (either side)" \
			"$(capture_packets "$cap" dst host "$GROUP" and 'ip[8] != 1')" 0
	fi
	check_ge "h2's ARP broadcasts seen by h1" "$from2" 1
	# the echo requests and replies went unicast, VTEP to VTEP
	check_eq "ICMP to anything but a VTEP's unicast address" \
		"$(capture_packets "$cap" 'udp[28:2] = 0x0800 and udp[39] = 1' and not dst net 10.0.0.0/24)" 0

	step "$mode: every other ordered pair"
	ping_pair 1 3
	ping_pair 2 1
	ping_pair 3 1
	ping_pair 3 2

	step "$mode: ARP resolved every overlay address"
	for i in 1 2 3; do
		ns=$(ns_of "$i")
		for j in $(others "$i"); do
			check_eq "h$i: $(oaddr "$j") is at" \
				"$(neigh_lladdr "$ns" "$(dev_of "$i")" "$(oaddr "$j")")" \
				"$(mac "$j")"
		done
	done

	step "$mode: every VTEP learned the two others"
	for i in 1 2 3; do
		# shellcheck disable=SC2046
		check_poll "h$i learned" 10 "$(expect_learned "$i" $(others "$i"))" \
			learned_of "$i"
	done
	check_eq "h1 kvxlan static entries" "$(kvx_static "$h1" vx0)" ""

	# Every ordered pair over the lists; a ring (1 -> 2 -> 3 -> 1, each
	# VTEP sends once and receives once) over the group, where unicast
	# takes the same path: it keeps the test within its time on TCG.
	if [ "$mode" = list ]; then
		step "$mode: TCP between every ordered pair"
		for i in 1 2 3; do
			for j in $(others "$i"); do
				tcp_transfer "$(ns_of "$i")" "$(ns_of "$j")" \
					"$(oaddr "$j")" "$TCP_KB"
			done
		done
	else
		step "$mode: TCP around the ring h1 -> h2 -> h3 -> h1"
		for i in 1 2 3; do
			j=$((i % 3 + 1))
			tcp_transfer "$(ns_of "$i")" "$(ns_of "$j")" \
				"$(oaddr "$j")" "$TCP_KB"
		done
	fi
	for i in 1 2 3; do
		# shellcheck disable=SC2046
		check_eq "h$i learned table after TCP" "$(learned_of "$i")" \
			"$(expect_learned "$i" $(others "$i"))"
	done
	step "$mode: receive drops and errors"
	# None anywhere.  No VTEP gets its own frames back: the head-end lists
	# are unicast, and a UDP tunnel socket has multicast loopback off
	# (setup_udp_tunnel_sock()), so not even the group echoes them.
	check_eq "h1 vx0 rx_drop_own_mac" \
		"$(ethtool_stat "$h1" vx0 rx_drop_own_mac)" 0
	check_eq "h1 vx0 rx_dropped" "$(dev_stat "$h1" vx0 rx_dropped)" 0
	check_eq "h1 vx0 rx_errors" "$(dev_stat "$h1" vx0 rx_errors)" 0
	for i in 2 3; do
		ns=$(ns_of "$i")
		check_eq "h$i vxlan0 rx_dropped" "$(dev_stat "$ns" vxlan0 rx_dropped)" 0
		check_eq "h$i vxlan0 rx_errors" "$(dev_stat "$ns" vxlan0 rx_errors)" 0
	done

	vteps_del
}

step "setup: a switch and three hosts"
setup_ns sw h1 h2 h3
HOSTS=("$h1" "$h2" "$h3")
switch_add "$sw" br0 mcast_snooping 0
for i in 1 2 3; do
	switch_port "$sw" br0 "p$i" "$(ns_of "$i")" e0 "$(uaddr "$i")/24"
done
wait_underlay "$h1" "$(uaddr 2)"
wait_underlay "$h1" "$(uaddr 3)"
wait_underlay "$h2" "$(uaddr 3)"

segment list
segment group

exit "$ksft_pass"
