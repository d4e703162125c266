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
# Exit codes follow kselftest: 0 pass, 1 fail, 4 skip.

ksft_pass=0
ksft_fail=1
ksft_xfail=2
ksft_skip=4

KSFT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KVX_TOP=$(cd "$KSFT_DIR/.." && pwd)
: "${KVXLAN:=$KVX_TOP/tools/kvxlan}"
# python3 with scapy (the system one: pyenv shims may shadow it)
: "${PYTHON:=$(for p in /usr/bin/python3 python3; do command -v "$p" && break; done)}"
# The built module, for tests that unload and reload it (lifecycle.sh).
: "${KVXLAN_KO:=}"

NS_LIST=()
DEFER_LIST=()
TEST_NAME=$(basename "$0" .sh)

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

require_kvxlan()
{
	[ -x "$KVXLAN" ] || fail "kvxlan CLI not built: $KVXLAN (make -C tools)"
	[ -d /sys/module/kvxlan ] || fail "kvxlan module is not loaded"
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
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		printf '%s\n' "$out" | sed 's/^/    /'
		fail "$desc: '$*' succeeded, expected failure"
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out"; then
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
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		slowwait 10 ns_gone "$ns" || log "warning: netns $ns still present"
	done
}

ns_gone() { ! ip netns list | grep -qw -- "$1"; }

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

# dev_stat NS DEV KEY: interface statistic, KEY one of
# rx_packets tx_packets rx_bytes tx_bytes rx_dropped tx_dropped rx_errors ...
dev_stat()
{
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# ethtool_stat NS DEV KEY: one `ethtool -S` counter (empty if absent).
ethtool_stat()
{
	ip netns exec "$1" ethtool -S "$2" 2>/dev/null |
		awk -v k="$3:" '$1 == k { print $2; found = 1 }
				END { exit !found }'
}

# kvx_proc NS: the namespace's /proc/net/kvxlan
kvx_proc() { ip netns exec "$1" cat /proc/net/kvxlan; }

# kvx_proc_stat NS KEY: one "KEY VALUE" line of /proc/net/kvxlan
kvx_proc_stat()
{
	kvx_proc "$1" | awk -v k="$2" '$1 == k { print $2; found = 1 }
				      END { exit !found }'
}

# kvx_sock_users NS PORT [FAMILY]: users of the kvxlan UDP socket on PORT,
# 0 if no socket is open.
kvx_sock_users()
{
	kvx_proc "$1" | awk -v p="$2" -v f="${3:-inet}" '
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
veth_pair()
{
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" ||
		fail "veth pair $1/$2 - $4/$5"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# kvx_add NS ARGS...: `kvxlan link add ARGS` in NS, failing the test on error
kvx_add()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$KVXLAN" link add "$@" ||
		fail "kvxlan link add $* (in $ns)"
}

# kvx NS ARGS...: the CLI in NS
kvx() { local ns=$1; shift; ip netns exec "$ns" "$KVXLAN" "$@"; }

# overlay_up NS DEV ADDR/PLEN: disable IPv6 (no autoconf chatter in the
# counters), address the overlay device and bring it up.
overlay_up()
{
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
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
	slowwait 20 ip netns exec "$1" ping -c1 -W1 -q "$2" >/dev/null ||
		fail "underlay: $1 cannot reach $2"
}

# p2p_setup [KVXLAN ARGS...]: the two-host lab most tests start from.
#
#   h1: vx0 192.168.100.1/24           h2: vx0 192.168.100.2/24
#       veth0 10.0.0.1/24 ------------------ veth1 10.0.0.2/24
#
# vx0 is kvxlan VNI 5000 on both, pointing at the other host, with IPv6 off
# and static neighbours so that every counted frame is one the test sent.
# Extra arguments are added to both `kvxlan link add` lines.
# Sets h1, h2, H1_MAC, H2_MAC (the vx0 addresses).
p2p_setup()
{
	setup_ns h1 h2
	veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
	kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0 "$@"
	kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1 "$@"
	overlay_up "$h1" vx0 192.168.100.1/24
	overlay_up "$h2" vx0 192.168.100.2/24
	H1_MAC=$(link_mac "$h1" vx0)
	H2_MAC=$(link_mac "$h2" vx0)
	static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
	static_neigh "$h2" vx0 192.168.100.1 "$H1_MAC"
	wait_underlay "$h1" 10.0.0.2
}

# tcp_listening NS PORT: something listens on TCP PORT in NS
tcp_listening()
{
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
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
	ip -n "$ns" addr add "$addr" dev "$dev"
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
