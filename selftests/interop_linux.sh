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

require_cmd ip bridge ping nc ss tcpdump
require_kvxlan

GROUP=239.1.1.1
VNI=5000
TCP_KB=256
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# per VTEP I (1..3): its namespace, device, MACs and addresses (arrays, not
# functions: a $(function) forks, and forks are slow under emulation)
MAC=("" 00:00:00:00:00:01 00:00:00:00:00:02 00:00:00:00:00:03)
OADDR=("" 192.168.100.1 192.168.100.2 192.168.100.3)
UADDR=("" 10.0.0.1 10.0.0.2 10.0.0.3)
DEV=("" vx0 vxlan0 vxlan0)
OTHERS=("" "2 3" "1 3" "1 2")

# The forwarding tables are read from the tools' text output and parsed in
# bash: the words are those of lib_interop.sh's kvx_learned, kvx_static,
# intree_learned, intree_flood and kvx_flood, without their jq process
# (each process costs under emulation; these run some 40 times).

# (sorted: lib.sh's)

# kvx_words I KIND: kvxlan's KIND (learned, static) entries, from the
# table of `kvxlan fdb show` (MAC, REMOTE VTEP, ...): "MAC>DST[:PORT]"
# words for learned (kvx_learned), "MAC>DST" for static (kvx_static)
kvx_words()
{
	local out mac remote words=()
	out=$(kvx "${NS[$1]}" fdb show dev "${DEV[$1]}" "$2") || return 1
	while read -r mac remote _; do
		[ -n "$mac" ] && [ "$mac" != MAC ] || continue
		if [[ $remote == \[*\]:* ]]; then	# [IPv6]:PORT
			[ "$2" = static ] && remote=${remote%:*}
			remote=${remote#[}
			remote=${remote/]/}
		elif [[ $remote == *.*:* ]] && [ "$2" = static ]; then
			remote=${remote%:*}
		fi
		words+=("$mac>$remote")
	done <<<"$out"
	sorted "${words[@]}"
}

# intree_words I: the in-tree driver's learned entries (intree_learned:
# a dst, and no state: `bridge` ends a line with the state, empty for the
# NUD_REACHABLE entries learning creates) or, with "flood", its default
# destinations (intree_flood: the all-zeros entries)
intree_words()
{
	local out f words=()
	out=$(bridge -n "${NS[$1]}" fdb show dev "${DEV[$1]}") || return 1
	while read -ra f; do
		[ "${f[1]-}" = dst ] || continue
		if [ "${2-}" = flood ]; then
			[ "${f[0]}" = 00:00:00:00:00:00 ] && words+=("${f[2]}")
			continue
		fi
		case ${f[-1]} in
		permanent | static | stale | state=*) continue ;;
		esac
		words+=("${f[0]}>${f[2]}")
	done <<<"$out"
	sorted "${words[@]}"
}

# flood_of I: VTEP I's flood list (kvx_flood) or default destinations
# (intree_flood), sorted
flood_of()
{
	local out w d words=()
	if [ "$1" != 1 ]; then
		intree_words "$1" flood
		return
	fi
	out=$(kvx "$h1" flood show dev vx0) || return 1
	while read -r w d _; do
		[ "$w" = dst ] && words+=("$d")
	done <<<"$out"
	sorted "${words[@]}"
}

# learned_of I: the MAC>VTEP words VTEP I learned (kvxlan or in-tree)
learned_of()
{
	if [ "$1" = 1 ]; then
		kvx_words 1 learned
	else
		intree_words "$1"
	fi
}

# expect_learned I J...: the words VTEP I should hold for hosts J...
expect_learned()
{
	local j out=()
	shift
	for j in "$@"; do out+=("${MAC[j]}>${UADDR[j]}"); done
	printf '%s\n' "${out[@]}" | sort | paste -sd' '
}

# vteps_add MODE: the three VTEPs, MODE "list" (head-end replication
# lists) or "group" (multicast group).  One batch per tool and namespace:
# each process costs under emulation.  Their overlay devices get no IPv6
# (net.ipv6.conf.default.disable_ipv6, set in setup): no autoconf chatter.
vteps_add()
{
	local mode=$1 i j ns grp=()
	[ "$mode" = group ] && grp=(group "$GROUP")
	{
		echo "link add vx0 vni $VNI local ${UADDR[1]} ${grp[*]} dev e0"
		if [ "$mode" = list ]; then
			for j in 2 3; do
				echo "flood add dev vx0 dst ${UADDR[j]}"
			done
		fi
	} | kvx "$h1" -b - || fail "kvxlan: h1's vx0 ($mode)"
	ip -n "$h1" -b - <<-EOF || fail "h1: vx0 address and up"
		link set vx0 address ${MAC[1]}
		addr add ${OADDR[1]}/24 dev vx0
		link set vx0 up
	EOF
	for i in 2 3; do
		ns=${NS[i]}
		if ! ip -n "$ns" -b - >"$TMP/err" 2>&1 <<-EOF; then
			link add vxlan0 type vxlan id $VNI local ${UADDR[i]} ${grp[*]} dstport 4789 dev e0
			link set vxlan0 address ${MAC[i]}
			addr add ${OADDR[i]}/24 dev vxlan0
			link set vxlan0 up
		EOF
			cat "$TMP/err"
			# The peer is the point of this test (skip fails in CI).
			ip -n "$ns" link show vxlan0 >/dev/null 2>&1 ||
				skip "the in-tree vxlan driver is not available"
			fail "h$i: vxlan0 address and up"
		fi
		[ "$mode" = list ] || continue
		for j in ${OTHERS[i]}; do
			echo "fdb append 00:00:00:00:00:00 dev vxlan0 dst ${UADDR[j]}"
		done | bridge -n "$ns" -b - ||
			fail "bridge fdb append ... (h$i)"
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
	check_ok "h$1 pings h$2 (${OADDR[$2]})" ip netns exec "${NS[$1]}" \
		ping -c 2 -i 0.05 -W 5 -q "${OADDR[$2]}"
}

# neigh_read I: LLADDR[IP] = the link-layer address ARP resolved for IP on
# VTEP I's device (one `ip neigh` for all of them)
neigh_read()
{
	local out a w ll
	declare -gA LLADDR=()
	out=$(ip -n "${NS[$1]}" neigh show dev "${DEV[$1]}")
	while read -r a w ll _; do
		[ "$w" = lladdr ] && LLADDR[$a]=$ll
	done <<<"$out"
	return 0
}

# tcp_check SRC DST: TCP_KB KiB ($TMP/tcp.in, made once) from VTEP SRC's
# host to DST's overlay address, port 5201, arrive intact (tcp_transfer
# without its per-call set-up)
tcp_check()
{
	local src=${NS[$1]} dst=${NS[$2]} ip=${OADDR[$2]} port=5201 pid rc
	ip netns exec "$dst" timeout 120 nc -l "$port" >"$TMP/tcp.out" </dev/null &
	pid=$!
	slowwait 20 tcp_listening "$dst" "$port" ||
		fail "nc did not listen on $port in $dst"
	ip netns exec "$src" timeout 120 nc -N "$ip" "$port" <"$TMP/tcp.in" &&
		rc=0 || rc=$?
	wait "$pid" || true
	[ "$rc" -eq 0 ] || fail "TCP transfer to $ip: nc exited $rc"
	if ! cmp -s "$TMP/tcp.in" "$TMP/tcp.out"; then
		log "sent $(stat -c %s "$TMP/tcp.in") bytes, received $(stat -c %s "$TMP/tcp.out")"
		fail "TCP transfer of $TCP_KB KiB to $ip: data differs"
	fi
	log_ok "TCP: $TCP_KB KiB to $ip arrived intact"
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
		check_eq "h1 kvxlan flood list" "$(flood_of 1)" \
			"${UADDR[2]} ${UADDR[3]}"
		check_eq "h2 in-tree flood list" "$(flood_of 2)" \
			"${UADDR[1]} ${UADDR[3]}"
		check_eq "h3 in-tree flood list" "$(flood_of 3)" \
			"${UADDR[1]} ${UADDR[2]}"
	else
		check_eq "h1 kvxlan flood list (the group)" "$(flood_of 1)" "$GROUP"
		check_eq "h2 in-tree default destination" "$(flood_of 2)" "$GROUP"
		check_eq "h3 in-tree default destination" "$(flood_of 3)" "$GROUP"
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
	to2=$(arp_requests "$cap" src host "${UADDR[1]}" and dst host "${UADDR[2]}")
	to3=$(arp_requests "$cap" src host "${UADDR[1]}" and dst host "${UADDR[3]}")
	tog=$(arp_requests "$cap" src host "${UADDR[1]}" and dst host "$GROUP")
	from2=$(arp_requests "$cap" src host "${UADDR[2]}")
	if [ "$mode" = list ]; then
		check_ge "h1's ARP broadcasts to h2" "$to2" 1
		check_eq "h1's ARP broadcasts: one copy per list entry (to h3)" \
			"$to3" "$to2"
		check_eq "h1's ARP broadcasts to the group" "$tog" 0
		check_ge "h2's ARP broadcast received by h1, unicast" \
			"$(arp_requests "$cap" src host "${UADDR[2]}" and \
				dst host "${UADDR[1]}")" 1
	else
		check_ge "h1's ARP broadcasts to $GROUP" "$tog" 1
		check_eq "h1's ARP broadcasts unicast to h2 and h3" \
			"$((to2 + to3))" 0
		check_ge "h2's ARP broadcast received by h1 through $GROUP" \
			"$(arp_requests "$cap" src host "${UADDR[2]}" and \
				dst host "$GROUP")" 1
		check_eq "h2's ARP broadcasts unicast to h1" \
			"$(arp_requests "$cap" src host "${UADDR[2]}" and \
				dst host "${UADDR[1]}")" 0
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
		neigh_read "$i"
		for j in ${OTHERS[i]}; do
			check_eq "h$i: ${OADDR[j]} is at" \
				"${LLADDR[${OADDR[j]}]-}" "${MAC[j]}"
		done
	done

	step "$mode: every VTEP learned the two others"
	for i in 1 2 3; do
		# shellcheck disable=SC2046
		check_poll "h$i learned" 10 "$(expect_learned "$i" ${OTHERS[i]})" \
			learned_of "$i"
	done
	check_eq "h1 kvxlan static entries" "$(kvx_words 1 static)" ""

	# Every ordered pair over the lists; a ring (1 -> 2 -> 3 -> 1, each
	# VTEP sends once and receives once) over the group, where unicast
	# takes the same path: it keeps the test within its time on TCG.
	if [ "$mode" = list ]; then
		step "$mode: TCP between every ordered pair"
		for i in 1 2 3; do
			for j in ${OTHERS[i]}; do
				tcp_check "$i" "$j"
			done
		done
	else
		step "$mode: TCP around the ring h1 -> h2 -> h3 -> h1"
		for i in 1 2 3; do
			j=$((i % 3 + 1))
			tcp_check "$i" "$j"
		done
	fi
	for i in 1 2 3; do
		# shellcheck disable=SC2046
		check_eq "h$i learned table after TCP" "$(learned_of "$i")" \
			"$(expect_learned "$i" ${OTHERS[i]})"
	done
	step "$mode: receive drops and errors"
	# None anywhere.  No VTEP gets its own frames back: the head-end lists
	# are unicast, and a UDP tunnel socket has multicast loopback off
	# (setup_udp_tunnel_sock()), so not even the group echoes them.
	check_eq "h1 vx0 rx_drop_own_mac" \
		"$(ethtool_stat "$h1" vx0 rx_drop_own_mac)" 0
	for i in 1 2 3; do
		# both counters from one read
		dev_stats_read "${NS[i]}" "${DEV[i]}" ||
			fail "h$i ${DEV[i]}: no statistics"
		check_eq "h$i ${DEV[i]} rx_dropped" "${DEV_STATS[rx_dropped]}" 0
		check_eq "h$i ${DEV[i]} rx_errors" "${DEV_STATS[rx_errors]}" 0
	done

	vteps_del
}

step "setup: a switch and three hosts"
setup_ns sw h1 h2 h3
NS=("" "$h1" "$h2" "$h3")
# the switch in one batch, each host's underlay in another
{
	echo "link add br0 type bridge mcast_snooping 0"
	echo "link set br0 up"
	for i in 1 2 3; do
		echo "link add p$i type veth peer name e0 netns ${NS[i]}"
		echo "link set p$i master br0"
		echo "link set p$i up"
	done
} | ip -n "$sw" -b - || fail "the switch br0 and its ports"
for i in 1 2 3; do
	ip -n "${NS[i]}" -b - <<-EOF || fail "h$i: e0"
		addr add ${UADDR[i]}/24 dev e0
		link set e0 up
	EOF
	# after e0: the overlay devices, created later, get no IPv6
	in_ns "${NS[i]}" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
head -c $((TCP_KB * 1024)) /dev/urandom >"$TMP/tcp.in"
wait_underlay "$h1" "${UADDR[2]}"
wait_underlay "$h1" "${UADDR[3]}"
wait_underlay "$h2" "${UADDR[3]}"

segment list
segment group

exit "$ksft_pass"
