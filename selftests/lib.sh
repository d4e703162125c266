# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the kvxlan selftests.  Source it from a test:
#
#	source "$(dirname "$0")/lib.sh"
#
# It provides namespaces that clean themselves up, a defer stack run on exit,
# polling helpers (never sleep to wait for a state: poll for it), assertions
# that fail loudly, and readers for every counter the module exposes:
# interface statistics, `ethtool -S` drop reasons and the per-namespace
# /proc/net/kvxlan file.
#
# Entering a namespace: the tests run under emulation, where every exec
# costs milliseconds, and the helpers below run hundreds of times per test,
# so each uses the cheapest way that reads the same thing:
#
#	"$KVXLAN" -n NS, ip -n NS   the tool enters NS itself: no extra exec
#	in_ns NS CMD...             nsenter: only the network namespace, then
#	                            CMD; for what reads /proc/net/*, writes
#	                            /proc/sys/net/* (resolved in the opener's
#	                            namespace) or uses sockets: cat, ethtool,
#	                            ping, ss, sysctl -w net.*
#	ip netns exec NS CMD...     also a new mount namespace with NS's /sys
#	                            and /etc/netns/NS: for /sys/class/net and
#	                            programs that read it (tcpdump)
#
# Interface statistics come from `ip -s -s -j link show` (IFLA_STATS64, the
# same dev_get_stats() as /sys/class/net/DEV/statistics): dev_stat NS DEV KEY
# for one, dev_stats NS DEV for all of them at once, one checkpoint per
# call:
#
#	declare -A st
#	while read -r k v; do st[$k]=$v; done < <(dev_stats "$h1" vx0)
#	check_eq "h1 vx0 rx_packets" "${st[rx_packets]}" "$N"
#
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

KSFT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KVX_TOP=$(cd "$KSFT_DIR/.." && pwd)
# An installed copy (make -C selftests install, a kselftest tree) carries
# what the tests read from the checkout in top/ (selftests/Makefile).
if [ -d "$KSFT_DIR/top" ]; then KVX_TOP=$KSFT_DIR/top; fi
: "${KVXLAN:=$KVX_TOP/tools/kvxlan}"
# else one on PATH
[ -x "$KVXLAN" ] || KVXLAN=$(command -v kvxlan || echo "$KVXLAN")
# python3 with scapy (the system one: pyenv shims may shadow it)
: "${PYTHON:=$(for p in /usr/bin/python3 python3; do command -v "$p" && break; done)}"
# The built module, for tests that unload and reload it (lifecycle.sh).
: "${KVXLAN_KO:=}"
# Where `ip netns add` binds namespaces (iproute2's NETNS_RUN_DIR).
: "${KVX_NETNS_DIR:=/var/run/netns}"

# The underlay family: 4 (default) or 6.  The runner sets KVX_FAMILY=6 for
# a test's IPv6 variant ("p2p.sh-ipv6"); see "underlay family" below.
: "${KVX_FAMILY:=4}"

NS_LIST=()
DEFER_LIST=()
TEST_NAME=$(basename "$0" .sh)
[ "$KVX_FAMILY" = 6 ] && TEST_NAME+=-ipv6

# ---------------------------------------------------------------- logging

log() { printf '%s\n' "$*"; }
log_step() { printf '== %s\n' "$*"; }

# Print a passed check.  Checks that fail call fail(), which exits.
log_ok() { printf '[ OK ] %s\n' "$*"; }

fail()
{
	printf '[FAIL] %s\n' "$*"
	printf '[FAIL] %s: called from %s\n' "$TEST_NAME" \
		"$(caller_chain)"
	exit "$ksft_fail"
}

caller_chain()
{
	local i out=""
	for ((i = 2; i < ${#FUNCNAME[@]}; i++)); do
		out+="${FUNCNAME[$i]}:${BASH_LINENO[$((i - 1))]} "
	done
	printf '%s' "$out"
}

# skip REASON: a peer program the test needs is missing.  Under CI a missing
# peer is a failure, never a skip.
skip()
{
	if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
		fail "CI is set and the test would skip: $*"
	fi
	printf '[SKIP] %s\n' "$*"
	exit "$ksft_skip"
}

require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "command not found: $c"
	done
}

# require_frames [NAME]: FRAME_SEND, the replayer of prebuilt frames
# (frame_send), and with NAME also FRAMES, NAME.frames (frames.py's, on
# the host): both built by make -C selftests; a test fails without them.
require_frames()
{
	FRAME_SEND=$KSFT_DIR/frame_send
	[ -x "$FRAME_SEND" ] ||
		fail "$FRAME_SEND missing: make -C selftests builds it"
	[ $# -gt 0 ] || return 0
	FRAMES=$KSFT_DIR/$1.frames
	[ -f "$FRAMES" ] || fail "$FRAMES missing: make -C selftests builds it"
}

require_kvxlan()
{
	[ -x "$KVXLAN" ] || fail "kvxlan CLI not built: $KVXLAN (make -C tools)"
	# Under the kernel's own kselftest runner nothing loads it first:
	# the build's .ko (KVXLAN_KO), else the installed module by name.
	if [ ! -d /sys/module/kvxlan ]; then
		modprobe -q -a udp_tunnel ip6_udp_tunnel 2>/dev/null || true
		if [ -n "$KVXLAN_KO" ] && [ -f "$KVXLAN_KO" ]; then
			insmod "$KVXLAN_KO" 2>/dev/null || true
		else
			modprobe -q kvxlan 2>/dev/null || true
		fi
		[ -d /sys/module/kvxlan ] ||
			skip "kvxlan module not loaded, and neither KVXLAN_KO (${KVXLAN_KO:-unset}) nor modprobe kvxlan loads it"
	fi
}

require_python_module()
{
	"$PYTHON" -c "import $1" >/dev/null 2>&1 ||
		skip "python3 module not found: $1 ($PYTHON)"
}

# ---------------------------------------------------------------- KTAP
# For a test that reports subtests: their lines are indented two spaces
# under the runner's `ok N test.sh` line (KTAP nesting).
KTAP_N=0
KTAP_FAILED=0
ktap_print_header() { echo "  KTAP version 1"; }
ktap_set_plan() { echo "  1..$1"; }
ktap_test_pass() { KTAP_N=$((KTAP_N + 1)); echo "  ok $KTAP_N $*"; }
ktap_test_skip() { KTAP_N=$((KTAP_N + 1)); echo "  ok $KTAP_N $* # SKIP"; }
ktap_test_fail()
{
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	echo "  not ok $KTAP_N $*"
}
# ktap_test_result DESC CMD...: one subtest from CMD's exit status
ktap_test_result()
{
	local desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$desc"
	else
		ktap_test_fail "$desc"
	fi
}
# ktap_finished: exit with the subtests' verdict
ktap_finished() { [ "$KTAP_FAILED" -eq 0 ] && exit "$ksft_pass"; exit "$ksft_fail"; }

# ---------------------------------------------------------------- asserts

# check_eq DESC ACTUAL EXPECTED
check_eq()
{
	if [ "$2" == "$3" ]; then
		log_ok "$1 ($2)"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

check_ne()
{
	if [ "$2" != "$3" ]; then
		log_ok "$1 ($2)"
	else
		fail "$1: got '$2', expected anything else"
	fi
}

# check_ge DESC ACTUAL MIN
check_ge()
{
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		log_ok "$1 ($2 >= $3)"
	else
		fail "$1: got '$2', expected >= $3"
	fi
}

# check_range DESC VALUE LOW HIGH
check_range()
{
	if [ "$2" -ge "$3" ] 2>/dev/null && [ "$2" -le "$4" ]; then
		log_ok "$1 ($2 in [$3, $4])"
	else
		fail "$1: got '$2', expected within [$3, $4]"
	fi
}

# check_ok DESC CMD...: CMD must succeed.  Its output is shown on failure.
check_ok()
{
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		log_ok "$desc"
	else
		printf '%s\n' "$out" | sed 's/^/    /'
		fail "$desc: '$*' exited $rc"
	fi
}

# check_fail_msg DESC PATTERN CMD...: CMD must exit non-zero and print
# something matching the extended regex PATTERN (stdout or stderr).
check_fail_msg()
{
	local desc=$1 pat=$2 out rc
	shift 2
	# a refusal is checked by what it says, not only by its exit status
	[ -n "$pat" ] || fail "$desc: check_fail_msg without a pattern"
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '%s\n' "$out" | sed 's/^/    /'
		fail "$desc: '$*' succeeded, expected failure"
	fi
	if ! grep -Eq -- "$pat" <<<"$out"; then
		printf '%s\n' "$out" | sed 's/^/    /'
		fail "$desc: exit $rc but message does not match /$pat/"
	fi
	log_ok "$desc (exit $rc: $(head -n1 <<<"$out"))"
}

# ---------------------------------------------------------------- cleanup

# defer CMD...: run CMD when the test exits, last deferred first.
defer()
{
	local q="" a
	for a in "$@"; do
		q+="$(printf '%q' "$a") "
	done
	DEFER_LIST+=("$q")
}

run_defers()
{
	local i
	for ((i = ${#DEFER_LIST[@]} - 1; i >= 0; i--)); do
		eval "${DEFER_LIST[$i]}" >/dev/null 2>&1 || true
	done
	DEFER_LIST=()
}

cleanup()
{
	local rc=$?
	# what fails while tearing down is not the test's failure
	trap - ERR
	set +e
	run_defers
	cleanup_all_ns
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Under `set -e`, name the command that failed.
set -E
trap 'printf "[FAIL] %s:%s: %s exited %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" "$?"' ERR

# ---------------------------------------------------------------- namespaces

# setup_ns NAME...: for each NAME create the namespace NAME-<random>, bring
# its lo up and set the shell variable NAME to the namespace's name.
setup_ns()
{
	local name ns
	for name in "$@"; do
		ns="$name-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || fail "ip netns add $ns"
		NS_LIST+=("$ns")
		ip -n "$ns" link set lo up || fail "lo up in $ns"
		eval "$name=\$ns"
	done
}

cleanup_ns()
{
	local ns pids
	for ns in "$@"; do
		# the test may have deleted the namespace itself: not a failure
		pids=$(ip netns pids "$ns" 2>/dev/null) || pids=""
		# shellcheck disable=SC2086
		# a process may have exited since: not a failure
		if [ -n "$pids" ]; then
			kill -9 $pids 2>/dev/null || true
		fi
		ip netns del "$ns" 2>/dev/null || true
		slowwait 10 ns_gone "$ns" || log "warning: netns $ns still present"
	done
}

ns_gone() { ! ip netns list | grep -qw -- "$1"; }

# in_ns NS CMD...: CMD in network namespace NS, and no other namespace
# (see "Entering a namespace" above): /proc/net and /proc/sys/net are NS's,
# /sys is not.
in_ns()
{
	local ns=$1
	shift
	nsenter --net="$KVX_NETNS_DIR/$ns" -- "$@"
}

cleanup_all_ns()
{
	[ ${#NS_LIST[@]} -gt 0 ] && cleanup_ns "${NS_LIST[@]}"
	NS_LIST=()
}

# ---------------------------------------------------------------- polling

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds, at most TIMEOUT_MS.
# Prints CMD's last output; returns CMD's last status.
busywait()
{
	local timeout_ms=$1 start now out rc
	shift
	start=$(date +%s%3N)
	while :; do
		out=$("$@") && rc=0 || rc=$?
		if [ "$rc" -eq 0 ]; then
			[ -n "$out" ] && printf '%s\n' "$out"
			return 0
		fi
		now=$(date +%s%3N)
		if ((now - start > timeout_ms)); then
			[ -n "$out" ] && printf '%s\n' "$out"
			return "$rc"
		fi
		sleep 0.02
	done
}

# slowwait TIMEOUT_S CMD...: like busywait, polling every 100 ms.
slowwait()
{
	local timeout_s=$1 deadline out rc
	shift
	deadline=$(($(date +%s) + timeout_s))
	while :; do
		out=$("$@") && rc=0 || rc=$?
		if [ "$rc" -eq 0 ]; then
			[ -n "$out" ] && printf '%s\n' "$out"
			return 0
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			[ -n "$out" ] && printf '%s\n' "$out"
			return "$rc"
		fi
		sleep 0.1
	done
}

# value_ge MIN CMD...: succeeds when CMD prints a number >= MIN.
value_ge()
{
	local min=$1 v
	shift
	v=$("$@" 2>/dev/null)
	printf '%s' "$v"
	[ -n "$v" ] && [ "$v" -ge "$min" ] 2>/dev/null
}

# wait_counter TIMEOUT_S MIN CMD...: poll until the counter that CMD prints
# reaches MIN; prints the last value seen.
wait_counter()
{
	local t=$1 min=$2
	shift 2
	slowwait "$t" value_ge "$min" "$@"
}

# ---------------------------------------------------------------- counters

# The names of /sys/class/net/DEV/statistics, in the order dev_stats prints
# them.  ip's JSON names them without the rx_/tx_ prefix
# ("stats64":{"rx":{"packets":...},"tx":{...}}), and multicast, collisions
# sit in "rx" and "tx"; compressed (rx and tx) and nohandler it prints only
# when they are not 0.
DEV_STAT_KEYS=(rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors
	rx_dropped tx_dropped multicast collisions rx_length_errors
	rx_over_errors rx_crc_errors rx_frame_errors rx_fifo_errors
	rx_missed_errors tx_aborted_errors tx_carrier_errors tx_fifo_errors
	tx_heartbeat_errors tx_window_errors rx_compressed tx_compressed
	rx_nohandler)

# dev_stats_read NS DEV: fill the array DEV_STATS (KEY -> value, the keys
# of DEV_STAT_KEYS) from one `ip -s -s -j link show dev DEV` in NS
dev_stats_read()
{
	local js kv k
	declare -gA DEV_STATS=()
	js=$(ip -n "$1" -s -s -j link show dev "$2") || return 1
	if ! [[ $js =~ \"stats64\":\{\"rx\":\{([^{}]*)\},\"tx\":\{([^{}]*)\} ]]; then
		echo "dev_stats: no statistics for $2 in $1" >&2
		return 1
	fi
	for kv in ${BASH_REMATCH[1]//,/ }; do
		k=${kv%%:*}
		k=${k//\"/}
		DEV_STATS[rx_$k]=${kv#*:}
	done
	for kv in ${BASH_REMATCH[2]//,/ }; do
		k=${kv%%:*}
		k=${k//\"/}
		DEV_STATS[tx_$k]=${kv#*:}
	done
	DEV_STATS[multicast]=${DEV_STATS[rx_multicast]-}
	DEV_STATS[collisions]=${DEV_STATS[tx_collisions]-}
	for k in rx_compressed tx_compressed rx_nohandler; do
		DEV_STATS[$k]=${DEV_STATS[$k]-0}
	done
	for k in "${DEV_STAT_KEYS[@]}"; do
		if [ -z "${DEV_STATS[$k]-}" ]; then
			echo "dev_stats: ip shows no $k for $2 in $1" >&2
			return 1
		fi
	done
}

# dev_stats NS DEV: every interface statistic of DEV, one "KEY VALUE" line
# each, KEY as in /sys/class/net/DEV/statistics (see DEV_STAT_KEYS); all
# read at the same time
dev_stats()
{
	local k
	dev_stats_read "$1" "$2" || return 1
	for k in "${DEV_STAT_KEYS[@]}"; do
		printf '%s %s\n' "$k" "${DEV_STATS[$k]}"
	done
}

# dev_stat NS DEV KEY: interface statistic, KEY one of DEV_STAT_KEYS:
# rx_packets tx_packets rx_bytes tx_bytes rx_dropped tx_dropped rx_errors ...
dev_stat()
{
	dev_stats_read "$1" "$2" || return 1
	if [ -z "${DEV_STATS[$3]-}" ]; then
		echo "dev_stat: no statistic $3" >&2
		return 1
	fi
	printf '%s\n' "${DEV_STATS[$3]}"
}

# ethtool_stat NS DEV KEY: one `ethtool -S` counter (empty if absent).
ethtool_stat()
{
	in_ns "$1" ethtool -S "$2" 2>/dev/null |
		awk -v k="$3:" '$1 == k { print $2; found = 1 }
				END { exit !found }'
}

# kvx_proc NS: the namespace's /proc/net/kvxlan
kvx_proc() { in_ns "$1" cat /proc/net/kvxlan; }

# kvx_proc_stat NS KEY: one "KEY VALUE" line of /proc/net/kvxlan
kvx_proc_stat()
{
	kvx_proc "$1" | awk -v k="$2" '$1 == k { print $2; found = 1 }
				      END { exit !found }'
}

# kvx_sock_users NS PORT [FAMILY]: users of the kvxlan UDP socket on PORT
# of FAMILY (inet or inet6, default the underlay's), 0 if none is open.
kvx_sock_users()
{
	kvx_proc "$1" | awk -v p="$2" -v f="${3:-$UL_INET}" '
		$1 == "socket" && $2 == f && $3 == p { print $5; found = 1 }
		END { if (!found) print 0 }'
}

# uapi_define NAME: the value of "#define NAME VALUE" in the uapi header,
# the contract defaults come from (KVXLAN_DEFAULT_AGEING, ...)
uapi_define()
{
	awk -v n="$1" '$1 == "#define" && $2 == n { print $3; found = 1 }
		       END { exit !found }' "$KVX_TOP/uapi/linux/kvxlan.h"
}

# ---------------------------------------------------------------- underlay family
# A test is written once, with IPv4 underlay addresses, and runs over the
# underlay family KVX_FAMILY by passing every underlay address through ul:
#
#	KVX_FAMILY=4                    KVX_FAMILY=6
#	10.A.B.C                        fd00:A:B::C    (unique local)
#	10.A.B.C/8, /16, /24, /32       .../16, /32, /64, /128
#	239.A.B.C                       ff0e::A:B:C    (global scope group)
#
# (A, B, C written as they are, read as hex: 10.0.0.254 -> fd00::254.)
# Overlay addresses (192.168.x.y on the kvxlan devices) never change.
#
#	UL_IP       ip | ip6       pcap protocol (tcpdump filters)
#	UL_TS       ip | ipv6      tshark's field prefix (ip.src, ipv6.src)
#	UL_INET     inet | inet6   `ip maddr`, /proc/net/kvxlan socket family
#	UL_OVERHEAD 50 | 70        bytes kvxlan adds with a local of the family
#	UL_TTL      ip[8] | ip6[7] the outer TTL / hop limit, in a pcap filter

case "$KVX_FAMILY" in
4)
	UL_IP=ip UL_TS=ip UL_INET=inet UL_OVERHEAD=50 UL_TTL='ip[8]'
	;;
6)
	UL_IP=ip6 UL_TS=ipv6 UL_INET=inet6 UL_OVERHEAD=70 UL_TTL='ip6[7]'
	;;
*)
	printf '[FAIL] KVX_FAMILY=%s: must be 4 or 6\n' "$KVX_FAMILY"
	exit "$ksft_fail"
	;;
esac

# ip6_compress G0 ... G7: the eight groups (hex text) as inet_ntop prints
# them (RFC 5952: leading zeros dropped, the longest run of two or more zero
# groups, the first of equals, as "::"); also left in REPLY.  No process
# is started (tests call it in loops).
ip6_compress()
{
	local g=() i best=-1 blen=0 run=0 start out="" x
	for i in "$@"; do
		printf -v x '%x' "0x$i"
		g+=("$x")
	done
	for ((i = 0; i <= 8; i++)); do
		if [ "$i" -lt 8 ] && [ "${g[$i]}" = 0 ]; then
			[ "$run" = 0 ] && start=$i
			run=$((run + 1))
		else
			if [ "$run" -gt "$blen" ] && [ "$run" -ge 2 ]; then
				best=$start blen=$run
			fi
			run=0
		fi
	done
	for ((i = 0; i < 8; i++)); do
		if [ "$i" = "$best" ]; then
			out+="::"
			i=$((i + blen - 1))
			continue
		fi
		[ -n "$out" ] && [ "${out: -1}" != : ] && out+=":"
		out+=${g[$i]}
	done
	REPLY=$out
	printf '%s\n' "$out"
}

# sorted WORD...: the words sorted in byte order (as jq's sort), space
# separated, without a process
sorted()
{
	local LC_ALL=C out=() w i
	for w; do
		i=${#out[@]}
		while ((i > 0)) && [[ ${out[i - 1]} > $w ]]; do
			out[i]=${out[i - 1]}
			i=$((i - 1))
		done
		out[i]=$w
	done
	echo "${out[*]}"
}

# ul ADDR[/PLEN]...: each IPv4 template address of the underlay, in
# KVX_FAMILY (one per line).  IPv6 addresses pass unchanged.
ul()
{
	local a addr plen p6 o1 o2 o3 o4
	for a in "$@"; do
		if [ "$KVX_FAMILY" = 4 ] || [[ $a == *:* ]]; then
			printf '%s\n' "$a"
			continue
		fi
		addr=${a%%/*}
		plen=
		[[ $a == */* ]] && plen=${a#*/}
		IFS=. read -r o1 o2 o3 o4 <<<"$addr"
		case $o1 in
		10) addr=$(ip6_compress fd00 "$o2" "$o3" 0 0 0 0 "$o4") ;;
		239) addr=$(ip6_compress ff0e 0 0 0 0 "$o2" "$o3" "$o4") ;;
		*)
			echo "ul: no IPv6 equivalent for $a (10.x or 239.x)" >&2
			return 1
			;;
		esac
		if [ -n "$plen" ]; then
			if [ "$plen" -le 8 ]; then p6=16
			elif [ "$plen" -le 16 ]; then p6=32
			elif [ "$plen" -le 24 ]; then p6=64
			else p6=128
			fi
			addr+=/$p6
		fi
		printf '%s\n' "$addr"
	done
}

# udp_at OFFSET[:SIZE]: a pcap expression for the bytes of the outer UDP
# header (and what follows) at OFFSET: udp[OFFSET] over IPv4; over IPv6
# (which pcap cannot index by "udp") ip6[40 + OFFSET], no extension header
udp_at()
{
	local off=${1%%:*} size=
	[[ $1 == *:* ]] && size=:${1#*:}
	if [ "$KVX_FAMILY" = 4 ]; then
		printf 'udp[%s%s]' "$off" "$size"
	else
		printf 'ip6[%s%s]' "$((40 + off))" "$size"
	fi
}

# addr_add NS DEV ADDR/PLEN: an underlay address; IPv6 ones without DAD, so
# they are usable at once
addr_add()
{
	if [[ $3 == *:* ]]; then
		ip -n "$1" addr add "$3" dev "$2" nodad
	else
		ip -n "$1" addr add "$3" dev "$2"
	fi || fail "ip addr add $3 dev $2 (in $1)"
}

# mc_groups NS [FAMILY]: the multicast memberships of NS's devices as
# "DEV GROUP USERS" lines, sorted, from /proc/net/igmp (FAMILY 4) or
# /proc/net/igmp6 (6; default KVX_FAMILY), leaving out the ones the stack
# holds by itself: 224.0.0.1, and every IPv6 interface- and link-local
# group (ff01::/16, ff02::/16: all-nodes, solicited-node).
mc_groups()
{
	local fam=${2:-$KVX_FAMILY}
	if [ "$fam" = 4 ]; then
		in_ns "$1" cat /proc/net/igmp | awk '
			function hex(s,   i, v) {
				v = 0
				for (i = 1; i <= length(s); i++)
					v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
				return v
			}
			/^[0-9]/ { dev = $2; next }
			dev != "" && $1 ~ /^[0-9A-F]+$/ && $1 != "010000E0" {
				# a host-order (little endian) u32
				printf "%s %d.%d.%d.%d %s\n", dev, hex(substr($1, 7, 2)),
					hex(substr($1, 5, 2)), hex(substr($1, 3, 2)),
					hex(substr($1, 1, 2)), $2
			}' | sort
		return
	fi
	local idx dev grp users rest g i
	in_ns "$1" cat /proc/net/igmp6 |
		while read -r idx dev grp users rest; do
			case $grp in ff01* | ff02*) continue ;; esac
			g=()
			for ((i = 0; i < 32; i += 4)); do
				g+=("${grp:$i:4}")
			done
			printf '%s %s %s\n' "$dev" "$(ip6_compress "${g[@]}")" "$users"
		done | sort
}

# mc_maddr NS DEV...: "DEV GROUP" lines from `ip maddr` for the family,
# with the same groups left out as mc_groups
mc_maddr()
{
	local ns=$1 dev
	shift
	for dev in "$@"; do
		ip -n "$ns" maddr show dev "$dev" 2>/dev/null |
			awk -v d="$dev" -v f="$UL_INET" '
				$1 == f && $2 != "224.0.0.1" &&
				$2 !~ /^ff0[12]:/ { print d, $2 }'
	done | sort
}

# ---------------------------------------------------------------- topology

# link_mac NS DEV
link_mac() { ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'; }

# kvx_count NS: number of kvxlan devices in NS, by link kind
kvx_count()
{
	ip -n "$1" -d -j link show |
		jq '[.[] | select(.linkinfo.info_kind == "kvxlan")] | length'
}

# veth_pair NS1 DEV1 ADDR1 NS2 DEV2 ADDR2: a veth underlay between two hosts
# (IPv6 addresses without DAD)
veth_pair()
{
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
		fail "veth pair $1/$2 - $4/$5"
	addr_add "$1" "$2" "$3"
	addr_add "$4" "$5" "$6"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# kvx_add NS ARGS...: `kvxlan link add ARGS` in NS, failing the test on error
kvx_add()
{
	local ns=$1
	shift
	"$KVXLAN" -n "$ns" link add "$@" ||
		fail "kvxlan link add $* (in $ns)"
}

# kvx NS ARGS...: the CLI in NS
kvx() { local ns=$1; shift; "$KVXLAN" -n "$ns" "$@"; }

# remote_stat NS DST KEY: one per-remote counter of NS's vx0 (`kvxlan stats
# remotes`); fails if DST is no remote
remote_stat()
{
	kvx "$1" -j stats dev vx0 remotes |
		jq -e --arg d "$2" --arg k "$3" '.[] | select(.dst == $d) | .[$k]'
}

# fdb_of NS: the FDB of NS's vx0 as "MAC>DST/KIND" words, sorted
fdb_of()
{
	kvx "$1" -j fdb show dev vx0 |
		jq -r 'map("\(.mac)>\(.dst)/\(.kind)") | sort | join(" ")'
}

# overlay_up NS DEV ADDR/PLEN: disable IPv6 (no autoconf chatter in the
# counters), address the overlay device and bring it up.
overlay_up()
{
	in_ns "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up || fail "ip link set $2 up (in $1)"
}

# static_neigh NS DEV IP MAC: a permanent neighbour, so no ARP is counted
static_neigh()
{
	ip -n "$1" neigh replace "$3" lladdr "$4" dev "$2" nud permanent
}

# wait_underlay NS ADDR: resolve the underlay neighbour before counting
wait_underlay()
{
	slowwait 20 in_ns "$1" ping -c1 -W1 -q "$2" >/dev/null ||
		fail "underlay: $1 cannot reach $2"
}

# p2p_setup [KVXLAN ARGS...]: the two-host lab most tests start from.
#
#   h1: vx0 192.168.100.1/24           h2: vx0 192.168.100.2/24
#       veth0 10.0.0.1/24 ------------------ veth1 10.0.0.2/24
#             (fd00::1/64)                         (fd00::2/64)
#
# vx0 is kvxlan VNI 5000 on both, local its own underlay address, remote the
# other host's, with IPv6 off on the overlay and static neighbours so that
# every counted frame is one the test sent.  Extra arguments are added to
# both `kvxlan link add` lines.  Sets h1, h2, H1_UL, H2_UL (the underlay
# addresses, of KVX_FAMILY), H1_MAC, H2_MAC (the vx0 addresses).
p2p_setup()
{
	H1_UL=$(ul 10.0.0.1)
	H2_UL=$(ul 10.0.0.2)
	setup_ns h1 h2
	veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
	kvx_add "$h1" vx0 vni 5000 local "$H1_UL" remote "$H2_UL" dev veth0 "$@"
	kvx_add "$h2" vx0 vni 5000 local "$H2_UL" remote "$H1_UL" dev veth1 "$@"
	overlay_up "$h1" vx0 192.168.100.1/24
	overlay_up "$h2" vx0 192.168.100.2/24
	H1_MAC=$(link_mac "$h1" vx0)
	H2_MAC=$(link_mac "$h2" vx0)
	static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
	static_neigh "$h2" vx0 192.168.100.1 "$H1_MAC"
	wait_underlay "$h1" "$H2_UL"
}

# tcp_listening NS PORT: something listens on TCP PORT in NS
tcp_listening()
{
	in_ns "$1" ss -Hltn "sport = :$2" | grep -q .
}

# tcp_transfer SRC_NS DST_NS DST_IP KBYTES: send KBYTES of random data over
# TCP from SRC_NS to DST_IP:5201 (a listener in DST_NS) and check that it
# arrives intact.  Over a tunnel this exercises GSO/GRO and checksums.
tcp_transfer()
{
	local src=$1 dst=$2 ip=$3 kb=$4 port=5201 dir pid rc
	dir=$(mktemp -d)
	head -c $((kb * 1024)) /dev/urandom >"$dir/in"
	ip netns exec "$dst" timeout 120 nc -l "$port" >"$dir/out" </dev/null &
	pid=$!
	slowwait 20 tcp_listening "$dst" "$port" ||
		fail "nc did not listen on $port in $dst"
	ip netns exec "$src" timeout 120 nc -N "$ip" "$port" <"$dir/in" &&
		rc=0 || rc=$?
	wait "$pid" || true
	if [ "$rc" -ne 0 ]; then
		rm -rf "$dir"
		fail "TCP transfer to $ip: nc exited $rc"
	fi
	if ! cmp -s "$dir/in" "$dir/out"; then
		log "sent $(stat -c %s "$dir/in") bytes, received $(stat -c %s "$dir/out")"
		rm -rf "$dir"
		fail "TCP transfer of ${kb} KiB to $ip: data differs"
	fi
	rm -rf "$dir"
	log_ok "TCP: ${kb} KiB to $ip arrived intact"
}

# ---------------------------------------------------------------- capture

# capture_start NS DEV FILE [FILTER...]: tcpdump in the background writing
# FILE; returns once tcpdump is listening.  Sets CAPTURE_PID.
capture_start()
{
	local ns=$1 dev=$2 file=$3
	shift 3
	: >"$file.log"
	ip netns exec "$ns" tcpdump -Z root -i "$dev" -U --immediate-mode \
		-n -w "$file" "$@" 2>"$file.log" &
	CAPTURE_PID=$!
	defer kill "$CAPTURE_PID"
	slowwait 30 grep -q "listening on" "$file.log" ||
		fail "tcpdump on $dev did not start: $(cat "$file.log")"
}

# capture_count FILE [FILTER...]: packets in FILE so far (tcpdump --count:
# counting lines would count VXLAN packets twice, outer and inner line)
capture_count()
{
	local file=$1
	shift
	tcpdump -n --count -r "$file" "$@" 2>/dev/null | awk '{ print $1 + 0 }'
}

# capture_stop: stop tcpdump and wait for it to flush
capture_stop()
{
	kill -INT "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	CAPTURE_PID=
}

# tshark_vxlan FILE ARGS...: tshark decoding UDP 4789 as VXLAN
tshark_vxlan()
{
	local file=$1
	shift
	tshark -n -r "$file" -d udp.port==4789,vxlan "$@" 2>/dev/null
}

# ---------------------------------------------------------------- kernel

# taint_bad: the taint bits a test must never set (bad page, died, warning,
# soft lockup)
taint_bad()
{
	echo $(($(cat /proc/sys/kernel/tainted) & (32 | 128 | 512 | 16384)))
}

# ---------------------------------------------------------------- switch

# switch_add NS BR [OPTIONS...]: a Linux bridge BR in NS, up, as the
# underlay switch of several hosts; OPTIONS go to `ip link add ... type
# bridge` (mcast_snooping 1, ...).
switch_add()
{
	local ns=$1 br=$2
	shift 2
	ip -n "$ns" link add "$br" type bridge "$@" ||
		fail "bridge $br in $ns"
	ip -n "$ns" link set "$br" up
}

# switch_port SW_NS BR PORT NS DEV ADDR/PLEN: connect host NS to the switch:
# a veth pair with DEV (addressed, up) in NS and PORT (a port of BR) in SW_NS
switch_port()
{
	local sw=$1 br=$2 port=$3 ns=$4 dev=$5 addr=$6
	ip link add "$dev" netns "$ns" type veth peer name "$port" \
		netns "$sw" || fail "veth $ns/$dev - $sw/$port"
	ip -n "$sw" link set "$port" master "$br"
	ip -n "$sw" link set "$port" up
	addr_add "$ns" "$dev" "$addr"
	ip -n "$ns" link set "$dev" up
}

# capture_packets FILE [FILTER...]: packets in FILE so far.  Unlike
# capture_count (lines of tcpdump's output), right for tunnel packets,
# which tcpdump prints on two lines (outer, then inner).
capture_packets()
{
	local file=$1
	shift
	tcpdump -n --count -r "$file" "$@" 2>/dev/null | awk '{ print $1 + 0 }'
}

# ul_reply ADDR: ul for one address, without a process: the address in
# REPLY (for loops that make hundreds of them: a fork costs tens of
# milliseconds under emulation)
ul_reply()
{
	local o1 o2 o3 o4
	if [ "$KVX_FAMILY" = 4 ] || [[ $1 == *:* ]]; then
		REPLY=$1
		return
	fi
	IFS=. read -r o1 o2 o3 o4 <<<"$1"
	case $o1 in
	10) ip6_compress fd00 "$o2" "$o3" 0 0 0 0 "$o4" >/dev/null ;;
	239) ip6_compress ff0e 0 0 0 0 "$o2" "$o3" "$o4" >/dev/null ;;
	*) fail "ul_reply: no IPv6 equivalent for $1 (10.x or 239.x)" ;;
	esac
}

# fdb_pair_setup: the lab of the FDB event tests (fdb_ageing.sh,
# fdb_notify.sh): p2p_setup, and a second underlay address on h2, 10.0.0.3
# (fd00::3), for h2's VTEP to move to; h1 reaches both, h2 reaches h1.
#
#   h1: vx0 192.168.100.1/24           h2: vx0 192.168.100.2/24 (MAC2)
#       veth0 10.0.0.1/24 ------------------ veth1 10.0.0.2/24, .3/24
#
# Sets what p2p_setup sets, and MAC2 (h2's vx0 address, H2_MAC).
fdb_pair_setup()
{
	p2p_setup
	addr_add "$h2" veth1 "$(ul 10.0.0.3/24)"
	MAC2=$H2_MAC
	wait_underlay "$h1" "$(ul 10.0.0.3)"
	wait_underlay "$h2" "$H1_UL"
}
