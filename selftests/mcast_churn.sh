#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Multicast membership accounting under churn.
#
#  +-------------------------------------------------------+
#  | h                                                     |
#  |  vx0 vni 100 port 4789 -+                             |
#  |  vx1 vni 101 port 4789 -+- groups from 239.1.1.1-3,   |
#  |  vx2 vni 102 port 4790 -+  on e0 or e1                |
#  |  e0 10.0.0.1/24 (veth, peer e0p)                      |
#  |  e1 10.0.1.1/24 (veth, peer e1p)                      |
#  +-------------------------------------------------------+
#  +-------------------------------------------------------+
#  | n2 (deleted and recreated every 50 cycles)            |
#  |  vx0 vni 100 port 4789: 239.1.1.1, 239.1.1.2 on e0    |
#  |  vx1 vni 101 port 4790: 239.1.1.2 on e0               |
#  +-------------------------------------------------------+
#
# 200 cycles, each one operation on a random device of h (seeded, see
# MCAST_CHURN_SEED): up or down; a new set of groups (`kvxlan flood
# replace`, sometimes with a unicast remote); a new first group (`kvxlan
# link set DEV group G`, the link attribute); one group added or deleted
# (`kvxlan group add/del`); the underlay switched between e0 and e1
# (`kvxlan link set DEV dev E`); the device deleted and created again.
# Every 50th cycle n2 is deleted with its devices up and created again.  The
# operations go through `kvxlan -b` (no traffic, few processes: this runs
# under emulation).  The test keeps a model of what is configured; after
# every 25 cycles and at the end, /proc/net/igmp and `ip maddr` of both
# namespaces must list exactly the model's memberships: one per (underlay,
# group) that an up device uses, with one "user" per UDP socket (port)
# sharing it.  Deleting every device leaves none.
#
# mcast_churn.sh-ipv6: the same over IPv6 (e0 fd00::1/64, e1 fd00:0:1::1/64,
# groups ff0e::1:1:1-3, /proc/net/igmp6 and `ip -6 maddr`; the devices have
# no local address, so they are dual stack, and join with MLD).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip
require_kvxlan

CYCLES=200
SEGMENT=25		# operations per batch, then the memberships are checked
NS_EVERY=50		# cycles between two deletions of n2
mapfile -t POOL < <(ul 239.1.1.1 239.1.1.2 239.1.1.3)
UNICAST=$(ul 10.0.0.9)
E0=$(ul 10.0.0.1/24)	# the underlay addresses of e0 and e1
E1=$(ul 10.0.1.1/24)
NODAD=
[ "$KVX_FAMILY" = 6 ] && NODAD=nodad
SEED=${MCAST_CHURN_SEED:-22}
RANDOM=$SEED
IGMP=/proc/net/igmp
[ "$KVX_FAMILY" = 6 ] && IGMP=/proc/net/igmp6
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# the model: per device
DEVS=(vx0 vx1 vx2)
declare -A VNI=([vx0]=100 [vx1]=101 [vx2]=102)
declare -A PORT=([vx0]=4789 [vx1]=4789 [vx2]=4790)
declare -A UP=([vx0]=1 [vx1]=1 [vx2]=1)
declare -A UNDER=([vx0]=e0 [vx1]=e1 [vx2]=e0)
declare -A FLOOD=([vx0]="${POOL[0]} ${POOL[1]}" [vx1]="${POOL[1]}"
	[vx2]="${POOL[0]} ${POOL[2]}")

# The checks run 17 times: they read the kernel's state with as few
# processes as they can (each costs under emulation), and compare it in
# bash with the model, as "DEV GROUP" keys of associative arrays whose
# values are the users.

# want_model: WANT[DEV GROUP] = users, for the model: one membership per
# (underlay, group) that an up device uses, one user per UDP port
want_model()
{
	local d g
	local -A seen=()
	declare -gA WANT=()
	for d in "${DEVS[@]}"; do
		[ "${UP[$d]}" = 1 ] || continue
		for g in ${FLOOD[$d]}; do
			[ "$g" = "$UNICAST" ] && continue
			[ -n "${seen[${UNDER[$d]} $g ${PORT[$d]}]-}" ] && continue
			seen[${UNDER[$d]} $g ${PORT[$d]}]=1
			WANT[${UNDER[$d]} $g]=$((${WANT[${UNDER[$d]} $g]-0} + 1))
		done
	done
	return 0
}

# want_n2: WANT for n2 (fixed)
want_n2() { declare -gA WANT=(["e0 ${POOL[0]}"]=1 ["e0 ${POOL[1]}"]=2); }

# want_none
want_none() { declare -gA WANT=(); }

# hex6_text HEX32: REPLY = the IPv6 address, compressed as ip prints it
# (lib.sh's ip6_compress, which starts no process)
hex6_text()
{
	local g=() i
	for ((i = 0; i < 32; i += 4)); do
		g+=("${1:$i:4}")
	done
	ip6_compress "${g[@]}" >/dev/null
}

# igmp_read NS: GOT[DEV GROUP] = users, from $IGMP, without the groups
# the stack holds by itself (as mc_groups: 224.0.0.1; ff01::/16, ff02::/16)
igmp_read()
{
	local out dev a b c
	declare -gA GOT=()
	out=$(in_ns "$1" cat "$IGMP")
	if [ "$KVX_FAMILY" = 6 ]; then
		# idx dev group users ...
		while read -r a dev b c _; do
			case $b in ff01* | ff02* | "") continue ;; esac
			hex6_text "$b"
			GOT[$dev $REPLY]=$c
		done <<<"$out"
		return 0
	fi
	# "idx dev : ..." lines, then the device's "group users ..." lines,
	# the group a host-order (little endian) u32 in hex
	while read -r a b c _; do
		if [[ $a =~ ^[0-9A-F]{8}$ && $b =~ ^[0-9]+$ ]]; then
			[ "$a" = 010000E0 ] && continue
			printf -v a '%d.%d.%d.%d' "0x${a:6:2}" "0x${a:4:2}" \
				"0x${a:2:2}" "0x${a:0:2}"
			GOT[$dev $a]=$b
		elif [[ $a =~ ^[0-9]+$ ]]; then
			dev=$b
		fi
	done <<<"$out"
	return 0
}

# maddr_read NS: MADDR[DEV GROUP] = 1, from one `ip maddr` of NS, e0 and e1
# only, the same groups left out (as mc_maddr)
maddr_read()
{
	local out dev a b
	declare -gA MADDR=()
	out=$(ip -n "$1" maddr show)
	while read -r a b _; do
		if [[ $a =~ ^[0-9]+:$ ]]; then
			dev=$b
		elif [ "$a" = "$UL_INET" ] && { [ "$dev" = e0 ] || [ "$dev" = e1 ]; } &&
		     [ "$b" != 224.0.0.1 ] && [[ $b != ff0[12]:* ]]; then
			MADDR[$dev $b]=1
		fi
	done <<<"$out"
	return 0
}

# same_arrays A B [values]: the associative arrays named A and B have the
# same keys (and, with "values", the same values)
same_arrays()
{
	local -n x=$1 y=$2
	local k
	[ "${#x[@]}" = "${#y[@]}" ] || return 1
	for k in "${!x[@]}"; do
		[ -n "${y[$k]+set}" ] || return 1
		[ "${3-}" != values ] || [ "${x[$k]}" = "${y[$k]}" ] || return 1
	done
}

# lines A [values]: the sorted "KEY[ VALUE]" lines of associative array A
# (for the messages)
lines()
{
	local -n x=$1
	local k
	for k in "${!x[@]}"; do
		if [ "${2-}" = values ]; then
			echo "$k ${x[$k]}"
		else
			echo "$k"
		fi
	done | sort
}

# check_memberships NS WHEN: $IGMP and `ip maddr` of NS list exactly WANT
check_memberships()
{
	local k desc=""
	igmp_read "$1"
	if ! same_arrays WANT GOT values; then
		log "    $IGMP:"
		in_ns "$1" cat "$IGMP" | sed 's/^/        /'
		diff <(lines WANT values) <(lines GOT values) | sed 's/^/    /'
		fail "$2: $IGMP differs from the configuration (- expected, + got)"
	fi
	maddr_read "$1"
	if ! same_arrays WANT MADDR; then
		diff <(lines WANT) <(lines MADDR) | sed 's/^/    /'
		fail "$2: ip maddr differs from the configuration (- expected, + got)"
	fi
	for k in "${!WANT[@]}"; do
		desc+="${desc:+, }$k x${WANT[$k]}"
	done
	log_ok "$2: ${#WANT[@]} memberships, as configured ($desc)"
}

# RANDOM is only read here, never in a subshell (a subshell would get its
# own seed), so that a seed gives one sequence of operations.

# pick ITEMS...: REPLY = one of ITEMS
pick() { local a=("$@"); REPLY=${a[$((RANDOM % $#))]}; }

# random_flood: REPLY = a random flood list: up to three groups of the
# pool, sometimes with the unicast remote too
random_flood()
{
	local n=$((RANDOM % 4)) out=()
	while [ ${#out[@]} -lt "$n" ]; do
		pick "${POOL[@]}"
		[[ " ${out[*]} " == *" $REPLY "* ]] || out+=("$REPLY")
	done
	[ $((RANDOM % 4)) = 0 ] && out+=("$UNICAST")
	REPLY="${out[*]}"
}

flood_line()
{
	local g line="flood replace dev $1"
	for g in $2; do
		line+=" dst $g"
	done
	echo "$line"
}

# one_op: print one random operation for the batch, and apply it to the
# model
one_op()
{
	local d g new x
	pick "${DEVS[@]}"
	d=$REPLY
	case $((RANDOM % 6)) in
	0)
		if [ "${UP[$d]}" = 1 ]; then
			echo "link set $d down"
			UP[$d]=0
		else
			echo "link set $d up"
			UP[$d]=1
		fi
		;;
	1)
		random_flood
		FLOOD[$d]=$REPLY
		flood_line "$d" "${FLOOD[$d]}"
		;;
	2)
		# the link attribute: the group replaces the first flood entry
		pick "${POOL[@]}"
		g=$REPLY
		echo "link set $d group $g"
		# shellcheck disable=SC2086
		set -- ${FLOOD[$d]}
		if [ "${1:-}" != "$g" ]; then
			[ $# -gt 0 ] && shift
			new=$g
			for x; do
				[ "$x" = "$g" ] || new+=" $x"
			done
			FLOOD[$d]=$new
		fi
		;;
	3)
		[ "${UNDER[$d]}" = e0 ] && new=e1 || new=e0
		echo "link set $d dev $new"
		UNDER[$d]=$new
		;;
	4)
		pick e0 e1
		UNDER[$d]=$REPLY
		UP[$d]=$((RANDOM % 4 != 0))
		random_flood
		FLOOD[$d]=$REPLY
		echo "link del $d"
		if [ "${UP[$d]}" = 1 ]; then
			echo "link add $d vni ${VNI[$d]} dev ${UNDER[$d]} port ${PORT[$d]} up"
		else
			echo "link add $d vni ${VNI[$d]} dev ${UNDER[$d]} port ${PORT[$d]}"
		fi
		flood_line "$d" "${FLOOD[$d]}"
		;;
	5)
		pick "${POOL[@]}"
		g=$REPLY
		if [[ " ${FLOOD[$d]} " == *" $g "* ]]; then
			echo "group del $g dev $d"
			new=
			for x in ${FLOOD[$d]}; do
				[ "$x" = "$g" ] || new+="${new:+ }$x"
			done
			FLOOD[$d]=$new
		else
			echo "group add $g dev $d"
			FLOOD[$d]="${FLOOD[$d]:+${FLOOD[$d]} }$g"
		fi
		;;
	esac
}

# forget_ns NS: NS is gone; the cleanup on exit need not delete it again
forget_ns()
{
	local keep=() ns
	for ns in "${NS_LIST[@]}"; do
		[ "$ns" = "$1" ] || keep+=("$ns")
	done
	NS_LIST=("${keep[@]}")
}


# n2_create: the second namespace and its two devices, up
n2_create()
{
	setup_ns n2
	ip -n "$n2" -b - <<-EOF || fail "n2 underlay"
		link add e0 type veth peer name e0p
		addr add $E0 dev e0 $NODAD
		link set e0 up
		link set e0p up
	EOF
	kvx "$n2" -b - <<-EOF || fail "n2 devices"
		link add vx0 vni 100 group ${POOL[0]} dev e0 port 4789 up
		group add ${POOL[1]} dev vx0
		link add vx1 vni 101 group ${POOL[1]} dev e0 port 4790 up
	EOF
}

log_step "setup (seed $SEED)"
setup_ns h
ip -n "$h" -b - <<EOF || fail "h underlay"
link add e0 type veth peer name e0p
link add e1 type veth peer name e1p
addr add $E0 dev e0 $NODAD
addr add $E1 dev e1 $NODAD
link set e0 up
link set e0p up
link set e1 up
link set e1p up
EOF
{
	for d in "${DEVS[@]}"; do
		echo "link add $d vni ${VNI[$d]} dev ${UNDER[$d]} port ${PORT[$d]} up"
		flood_line "$d" "${FLOOD[$d]}"
	done
} >"$TMP/setup"
kvx "$h" -b "$TMP/setup" || fail "kvxlan -b: the initial devices"
n2_create
want_model
check_memberships "$h" "initial, h"
want_n2
check_memberships "$n2" "initial, n2"

log_step "$CYCLES cycles"
start=$(date +%s)
cycle=0
while [ "$cycle" -lt "$CYCLES" ]; do
	: >"$TMP/batch"
	for ((i = 0; i < SEGMENT && cycle < CYCLES; i++, cycle++)); do
		one_op >>"$TMP/batch"
	done
	if ! kvx "$h" -b "$TMP/batch" >"$TMP/batch.out" 2>&1; then
		sed 's/^/    batch: /' "$TMP/batch"
		sed 's/^/    /' "$TMP/batch.out"
		fail "kvxlan -b failed in the cycles before $cycle"
	fi
	want_model
	check_memberships "$h" "after $cycle cycles, h"
	[ $((cycle % NS_EVERY)) = 0 ] || continue
	# namespace churn: delete n2 with its memberships held, create again
	# (no process runs in n2: `ip netns del` is all cleanup_ns would do)
	ip netns del "$n2" || fail "ip netns del $n2"
	forget_ns "$n2"
	n2_create
	want_n2
	check_memberships "$n2" "after $cycle cycles, new n2"
done
secs=$(($(date +%s) - start))
log "    the last operations:"
tail -n 8 "$TMP/batch" | sed 's/^/        /'

log_step "what remains"
want_model
lines WANT values | sed 's/^/    /'
check_memberships "$h" "after $CYCLES cycles, h"
left=${#WANT[@]}
log "# figure: mcast_churn_cycles $CYCLES"
log "# figure: mcast_churn_seconds $secs"
log "# figure: mcast_memberships_left $left"

log_step "deleting every device leaves no membership"
printf 'link del %s\n' "${DEVS[@]}" | kvx "$h" -b - || fail "kvxlan link del"
kvx "$n2" -b - <<EOF || fail "kvxlan link del vx0, vx1 (n2)"
link del vx0
link del vx1
EOF
want_none
check_memberships "$h" "no device, h"
check_memberships "$n2" "no device, n2"
# kvx_sock_users, four times from one read of /proc/net/kvxlan
declare -A SOCK=()
out=$(kvx_proc "$h")
while read -r a b c _ e _; do
	[ "$a" = socket ] && SOCK[$b $c]+="${SOCK[$b $c]:+ }$e"
done <<<"$out"
for fam in inet inet6; do
	check_eq "h: kvxlan $fam sockets on 4789" "${SOCK[$fam 4789]-0}" 0
	check_eq "h: kvxlan $fam sockets on 4790" "${SOCK[$fam 4790]-0}" 0
done

exit "$ksft_pass"
