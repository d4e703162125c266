#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast underlay, the seed's section 2.1: VTEPs join the VNI's group
# with IGMP, an IGMP-snooping switch delivers the group's packets to the
# members only, and the VTEPs learn each other's unicast address from them.
#
#        +--------------------------------------------------------+
#        | sw: br0 10.0.0.254/24, mcast_snooping 1, mcast_querier 1 |
#        |     mcast_query_use_ifaddr 1                           |
#        |    p1            p2            p3            p4        |
#        +----+-------------+-------------+-------------+---------+
#             |             |             |             |
#  +----------+-----+ +-----+------+ +-----+------+ +---+------------+
#  | h1 e0 10.0.0.1 | | h2 e0 .2   | | h3 e0 .3   | | h4 e0 10.0.0.4 |
#  |  vx0 vni 5001  | |  (no VTEP  | |  (no VTEP  | |  vx0 vni 5001  |
#  |  group         | |  in 5001)  | |  in 5001)  | |  group         |
#  |  239.1.1.100   | |            | |            | |  239.1.1.100   |
#  |  MAC1          | |            | |            | |  MAC4          |
#  |  192.168.1.1   | |            | |            | |  192.168.1.4   |
#  +----------------+ +------------+ +------------+ +----------------+
#
# Once the switch's MDB lists p1 and p4 as the group's members and its own
# querier has been up longer than its maximum response delay (until then a
# Linux bridge floods all multicast), h1 pings h4: the ARP request, a
# broadcast, goes to 239.1.1.100 and reaches h4, while the underlay ports of
# h2 and h3 see no packet for the group.  h4 learns MAC1 -> 10.0.0.1 and h1
# learns MAC4 -> 10.0.0.4 (unicast addresses, though the request came through
# the group), and the ARP reply and every echo go unicast.  Then vx1 (VNI
# 5002) joins the same group on h1 and h4: one shared membership; deleting
# h4's vx1 keeps h4's vx0 a member and receiving, and `kvxlan group del` on
# h4's vx0 makes h4 leave.  The group is configured four ways: `kvxlan
# link add ... group` (h1 vx0), `kvxlan group add` (h4 vx0), `kvxlan group
# add ... via e0` (h1 vx1) and `bridge fdb append 00:00:00:00:00:00`
# (h4 vx1).
#
# mcast_underlay.sh-ipv6: the same with MLD over an IPv6 underlay: e0
# fd00::I/64, group ff0e::1:1:100; br0 fd00::254/64 and the link-local
# fe80::254, the source of its MLD queries; /proc/net/igmp6, `ip -6 maddr`.
# In both, the group's packets leave with TTL (hop limit) 1.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping bridge tcpdump
require_kvxlan

GROUP=$(ul 239.1.1.100)
A=()		# A[i]: hi's underlay address, 10.0.0.i (fd00::i)
for i in 1 2 3 4; do
	A[i]=$(ul "10.0.0.$i")
done
N=3
RESP_CS=100		# the querier's maximum response delay, 1/100 s
IGMP=/proc/net/igmp
[ "$KVX_FAMILY" = 6 ] && IGMP=/proc/net/igmp6
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# vtep NS I VNI DEV NET HOW: a kvxlan device in group $GROUP on e0, MAC
# 00:00:00:00:00:0I, address NET.I/24.  HOW the group is configured:
#   link     kvxlan link add ... group G dev e0 (the link attribute)
#   group    kvxlan group add G dev DEV
#   via      kvxlan group add G dev DEV via e0
#   bridge   bridge fdb append 00:00:00:00:00:00 dev DEV dst G (in-tree style)
# One kvxlan batch and one ip batch (each process costs under emulation);
# the device gets no IPv6 (net.ipv6.conf.default.disable_ipv6, set in the
# setup): no autoconf chatter in the counters.
vtep()
{
	local ns=$1 i=$2 vni=$3 dev=$4 net=$5 how=$6
	{
		if [ "$how" = link ]; then
			echo "link add $dev vni $vni local ${A[i]} group $GROUP dev e0"
		else
			echo "link add $dev vni $vni local ${A[i]} dev e0"
		fi
		case $how in
		group) echo "group add $GROUP dev $dev" ;;
		via) echo "group add $GROUP dev $dev via e0" ;;
		esac
	} | kvx "$ns" -b - || fail "$how: $dev, group $GROUP (in $ns)"
	if [ "$how" = bridge ]; then
		bridge -n "$ns" fdb append 00:00:00:00:00:00 dev "$dev" \
			dst "$GROUP" || fail "$how: group $GROUP on $dev (in $ns)"
	fi
	ip -n "$ns" -b - <<-EOF || fail "$dev: address and up (in $ns)"
		link set $dev address 00:00:00:00:00:0$i
		addr add $net.$i/24 dev $dev
		link set $dev up
	EOF
}

# The tables below are read from the tools' text output and parsed in
# bash: one process each, no jq (each process costs under emulation).

# (sorted: lib.sh's)

# groups_of NS DEV: `kvxlan group show` ("dst G [port P] [vni V] [via D]"
# lines), as "DST[@VIA]" words, in its order
groups_of()
{
	local out f k via words=()
	out=$(kvx "$1" group show dev "$2") || return 1
	while read -ra f; do
		[ "${f[0]-}" = dst ] || continue
		via=
		for ((k = 2; k + 1 < ${#f[@]}; k++)); do
			[ "${f[k]}" = via ] && via=${f[k + 1]}
		done
		words+=("${f[1]}${via:+@$via}")
	done <<<"$out"
	echo "${words[*]}"
}

# members: the switch ports the MDB lists for $GROUP ("dev br0 port P
# grp G ..." lines of `bridge mdb show`), sorted, comma separated
members()
{
	local out f k port grp
	local -A seen=()
	out=$(bridge -n "$sw" mdb show dev br0) || return 1
	while read -ra f; do
		[ "${f[0]-}" = dev ] || continue
		port= grp=
		for ((k = 0; k + 1 < ${#f[@]}; k++)); do
			case ${f[k]} in
			port) port=${f[k + 1]} ;;
			grp) grp=${f[k + 1]} ;;
			esac
		done
		[ "$grp" = "$GROUP" ] && [ -n "$port" ] && seen[$port]=1
	done <<<"$out"
	out=$(sorted "${!seen[@]}")
	echo "${out// /,}"
}
members_are() { [ "$(members)" = "$1" ]; }

# joined NS: does NS's e0 hold a membership of $GROUP (ip maddr)?
joined()
{
	local out a b
	out=$(ip -n "$1" maddr show dev e0)
	while read -r a b _; do
		[ "$a" = "$UL_INET" ] && [ "$b" = "$GROUP" ] && return 0
	done <<<"$out"
	return 1
}

# GROUP_HEX: $GROUP as $IGMP writes it: a host-order (little endian) u32
# in hex (igmp), 32 hex digits (igmp6)
if [ "$KVX_FAMILY" = 6 ]; then
	head=${GROUP%%::*} tail=${GROUP#*::}
	IFS=: read -ra hw <<<"$head"
	IFS=: read -ra tw <<<"$tail"
	GROUP_HEX=
	for w in "${hw[@]}"; do printf -v w '%04x' "0x$w"; GROUP_HEX+=$w; done
	for ((k = ${#hw[@]} + ${#tw[@]}; k < 8; k++)); do GROUP_HEX+=0000; done
	for w in "${tw[@]}"; do printf -v w '%04x' "0x$w"; GROUP_HEX+=$w; done
else
	IFS=. read -r o1 o2 o3 o4 <<<"$GROUP"
	printf -v GROUP_HEX '%02X%02X%02X%02X' "$o4" "$o3" "$o2" "$o1"
fi

# igmp_users NS: "Users" of $GROUP on e0 in /proc/net/igmp (igmp6; empty:
# none)
igmp_users()
{
	local out a b c d dev=
	out=$(in_ns "$1" cat "$IGMP")
	while read -r a b c d _; do
		if [ "$KVX_FAMILY" = 6 ]; then
			# idx dev group users ...
			if [ "$b" = e0 ] && [ "$c" = "$GROUP_HEX" ]; then
				echo "$d"
			fi
			continue
		fi
		# "idx dev : ..." lines, then the device's "group users" lines
		if [[ $a =~ ^[0-9A-F]{8}$ && $b =~ ^[0-9]+$ ]]; then
			if [ "$dev" = e0 ] && [ "$a" = "$GROUP_HEX" ]; then
				echo "$b"
			fi
		elif [[ $a =~ ^[0-9]+$ ]]; then
			dev=$b
		fi
	done <<<"$out"
	return 0
}

# fdb_of NS: vx0's entries, "MAC>DST/KIND" words, sorted, from the table
# of `kvxlan fdb show` (MAC, REMOTE VTEP [with :PORT], VNI, KIND, ...)
fdb_of()
{
	local out mac remote vni kind words=()
	out=$(kvx "$1" fdb show dev vx0) || return 1
	while read -r mac remote vni kind _; do
		[ -n "$mac" ] && [ "$mac" != MAC ] || continue
		if [[ $remote == \[* ]]; then		# [IPv6]:PORT
			remote=${remote#[}
			remote=${remote%%]*}
		elif [[ $remote == *.*:* ]]; then	# IPv4:PORT
			remote=${remote%:*}
		fi
		words+=("$mac>$remote/$kind")
	done <<<"$out"
	sorted "${words[@]}"
}

past() { [ "$(date +%s%3N)" -ge "$1" ]; }

log_step "setup: an IGMP/MLD-snooping switch with a querier, four hosts"
setup_ns sw h1 h2 h3 h4
hosts=("$h1" "$h2" "$h3" "$h4")
NODAD=	# IPv6 addresses without DAD, usable at once
[ "$KVX_FAMILY" = 6 ] && NODAD=nodad
# The switch in one ip batch, each host's e0 in another.  A member that
# leaves is dropped from the MDB once the querier's group-specific queries
# (mcast_last_member_count 2, each mcast_last_member_interval) go
# unanswered: 0.1 s each here, not 1 s.
{
	echo "link add br0 type bridge mcast_snooping 1 mcast_query_use_ifaddr 1" \
		"mcast_query_response_interval $RESP_CS mcast_last_member_interval 10"
	echo "link set br0 up"
	echo "addr add $(ul 10.0.0.254/24) dev br0 $NODAD"
	# the source address of the MLD querier: a link-local one, usable
	# at once
	[ "$KVX_FAMILY" = 6 ] && echo "addr add fe80::254/64 dev br0 nodad"
	for i in 1 2 3 4; do
		echo "link add p$i type veth peer name e0 netns ${hosts[$((i - 1))]}"
		echo "link set p$i master br0"
		echo "link set p$i up"
	done
} | ip -n "$sw" -b - || fail "the switch br0 and its ports"
for i in 1 2 3 4; do
	ip -n "${hosts[$((i - 1))]}" -b - <<-EOF || fail "h$i: e0"
		addr add $(ul "10.0.0.$i/24") dev e0 $NODAD
		link set e0 up
	EOF
done
# after e0: the VTEPs' devices, created later, get no IPv6
in_ns "$h1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
in_ns "$h4" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
ip -n "$sw" link set br0 type bridge mcast_querier 1
querier_ready=$(($(date +%s%3N) + RESP_CS * 10 + 500))
vtep "$h1" 1 5001 vx0 192.168.1 link
vtep "$h4" 4 5001 vx0 192.168.1 group
wait_underlay "$h1" "${A[4]}"
wait_underlay "$h2" "${A[1]}"
wait_underlay "$h3" "${A[1]}"

check_eq "h1 vx0 group (link add ... group)" \
	"$(kvx "$h1" -j link show vx0 | jq -r '.[0].group')" "$GROUP"
check_eq "h1 group show" "$(groups_of "$h1" vx0)" "$GROUP"
check_eq "h4 group show" "$(groups_of "$h4" vx0)" "$GROUP"

log_step "IGMP (MLD): h1 and h4 joined, the switch knows"
for i in 1 2 3 4; do
	ns=${hosts[$((i - 1))]}
	if [ "$i" = 1 ] || [ "$i" = 4 ]; then
		joined "$ns" || fail "h$i e0 is not a member of $GROUP"
		check_eq "h$i $IGMP: users of $GROUP on e0" "$(igmp_users "$ns")" 1
	else
		joined "$ns" && fail "h$i e0 is a member of $GROUP"
		check_eq "h$i $IGMP: $GROUP on e0" "$(igmp_users "$ns")" ""
	fi
done
slowwait 30 members_are p1,p4 || fail "MDB members of $GROUP: '$(members)', expected p1,p4"
bridge -n "$sw" mdb show dev br0 | sed 's/^/    /'
check_eq "MDB members of $GROUP" "$(members)" p1,p4
slowwait 30 past "$querier_ready"
log_ok "the switch's querier is past its maximum response delay"

log_step "h1 pings h4: the ARP broadcast goes through the group"
capture_start "$h2" e0 "$TMP/h2.pcap" dst host "$GROUP"
cap2=$CAPTURE_PID
capture_start "$h3" e0 "$TMP/h3.pcap" dst host "$GROUP"
cap3=$CAPTURE_PID
capture_start "$h4" e0 "$TMP/h4.pcap" udp port 4789
check_ok "ping -c $N 192.168.1.4 from h1" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.1.4
# h4 resolved h1 from the ARP request; pinned at once, so that no
# reachability probe (5 s after first use) adds a frame to the counts
static_neigh "$h4" vx0 192.168.1.1 00:00:00:00:00:01
rx4=$(dev_stat "$h4" vx0 rx_packets)
capture_stop
tcpdump -n -r "$TMP/h4.pcap" 2>/dev/null | sed 's/^/    h4 e0: /'
check_eq "h4 e0: packets to $GROUP (the ARP request)" \
	"$(capture_packets "$TMP/h4.pcap" dst host "$GROUP")" 1
check_eq "h4 e0: ... with TTL (hop limit) 1" \
	"$(capture_packets "$TMP/h4.pcap" dst host "$GROUP" and "$UL_TTL = 1")" 1
check_eq "h4 vx0 rx_packets (ARP request + echo requests)" "$rx4" $((1 + N))
check_eq "h4 learned MAC1 -> h1's unicast address" "$(fdb_of "$h4")" \
	"00:00:00:00:00:01>${A[1]}/learned"
check_eq "h1 learned MAC4 -> h4's unicast address" "$(fdb_of "$h1")" \
	"00:00:00:00:00:04>${A[4]}/learned"
# inner frame in the UDP payload: VXLAN at udp[8], Ethernet at udp[16]
# (EtherType udp[28:2]), IPv4 at udp[30] (protocol udp[39], ICMP type
# udp[50]), ARP at udp[30] (operation udp[36:2]); udp_at: the same over IPv6
arp_reply="$(udp_at 28:2) = 0x0806 and $(udp_at 36:2) = 2"
icmp="$(udp_at 28:2) = 0x0800 and $(udp_at 39) = 1"
check_eq "h4 e0: ARP reply, unicast to ${A[1]}" \
	"$(capture_packets "$TMP/h4.pcap" dst host "${A[1]}" and "$arp_reply")" 1
check_eq "h4 e0: echo requests, unicast to ${A[4]}" \
	"$(capture_packets "$TMP/h4.pcap" dst host "${A[4]}" and "$icmp and $(udp_at 50) = 8")" "$N"
check_eq "h4 e0: echo replies, unicast to ${A[1]}" \
	"$(capture_packets "$TMP/h4.pcap" dst host "${A[1]}" and "$icmp and $(udp_at 50) = 0")" "$N"
check_eq "h4 e0: no echo went to the group" \
	"$(capture_packets "$TMP/h4.pcap" dst host "$GROUP" and "$icmp")" 0

log_step "two VNIs share the group: one membership"
vtep "$h1" 1 5002 vx1 192.168.2 via
vtep "$h4" 4 5002 vx1 192.168.2 bridge
check_eq "h1 vx1 group show" "$(groups_of "$h1" vx1)" "$GROUP@e0"
check_eq "h4 vx1 group show (added with bridge fdb append)" \
	"$(groups_of "$h4" vx1)" "$GROUP"
check_eq "h4 $IGMP: users of $GROUP on e0" "$(igmp_users "$h4")" 1
check_ok "ping over vx1 (VNI 5002)" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.2.4

log_step "deleting h4's vx1 keeps vx0 receiving the group"
kvx "$h4" link del vx1 || fail "kvxlan link del vx1 (h4)"
joined "$h4" || fail "h4 left $GROUP when one of its two devices was deleted"
check_eq "h4 $IGMP: users of $GROUP on e0" "$(igmp_users "$h4")" 1
ip -n "$h1" neigh flush dev vx0
rx4=$(dev_stat "$h4" vx0 rx_packets)
check_ok "ping over vx0 again, ARP through the group" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.1.4
check_eq "h4 vx0 rx_packets (ARP request + echo request)" \
	"$(dev_stat "$h4" vx0 rx_packets)" $((rx4 + 2))
unknown=$(kvx_proc_stat "$h4" rx_drop_unknown_vni)
ip -n "$h1" neigh flush dev vx1
ip netns exec "$h1" ping -c 1 -W 1 -q 192.168.2.4 >/dev/null 2>&1 &&
	fail "ping over vx1 answered after h4's vx1 was deleted"
v=$(wait_counter 10 $((unknown + 1)) kvx_proc_stat "$h4" rx_drop_unknown_vni) ||
	fail "h4 rx_drop_unknown_vni $v: h1's VNI 5002 ARP did not reach h4"
log_ok "h1's VNI 5002 broadcast still reaches h4 (rx_drop_unknown_vni $v)"

log_step "non-members saw nothing"
kill -INT "$cap2" "$cap3" 2>/dev/null
wait "$cap2" "$cap3" 2>/dev/null || true
seen2=$(capture_packets "$TMP/h2.pcap")
seen3=$(capture_packets "$TMP/h3.pcap")
log "# figure: mcast_nonmember_packets $((seen2 + seen3))"
check_eq "h2 e0: packets to $GROUP" "$seen2" 0
check_eq "h3 e0: packets to $GROUP" "$seen3" 0
check_eq "MDB members of $GROUP" "$(members)" p1,p4

log_step "kvxlan group del on h4's vx0: h4 leaves"
check_ok "kvxlan group del $GROUP dev vx0" kvx "$h4" group del "$GROUP" dev vx0
check_eq "h4 group show" "$(groups_of "$h4" vx0)" ""
joined "$h4" && fail "h4 is still a member of $GROUP with no device using it"
check_eq "h4 $IGMP: $GROUP on e0" "$(igmp_users "$h4")" ""
slowwait 20 members_are p1 || fail "MDB members of $GROUP: '$(members)', expected p1"
log_ok "MDB members of $GROUP: p1"
joined "$h1" || fail "h1 left $GROUP"
check_eq "h1 $IGMP: users of $GROUP on e0 (vx0 and vx1)" \
	"$(igmp_users "$h1")" 1

exit "$ksft_pass"
