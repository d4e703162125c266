#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap_runner.sh TEST...: run each test in order and print KTAP.
#
#   KTAP version 1
#   1..N
#   # <the test's own output>
#   ok 1 p2p.sh
#   ok 2 p2p.sh-ipv6
#   not ok 3 reject.sh # exit=1
#   ok 4 malformed.sh # SKIP
#   not ok 5 lifecycle.sh # TIMEOUT 600 seconds
#
# A TEST named SCRIPT-ipv6 is a variant: SCRIPT run with KVX_FAMILY=6 (an
# IPv6 underlay, see lib.sh), reported under its own name.  SCRIPT-ipv4 is
# SCRIPT with KVX_FAMILY=4, the default.
# Exit code 4 from a test is a skip, except under CI=true (CI installs every
# peer a test needs, so a skip there means something is missing): then it
# is reported as "not ok N TEST # SKIP under CI" and counts as a failure.
# The per-test limit comes from the `timeouts` file beside this script
# (default=SECONDS, and SCRIPT=SECONDS for SCRIPT and its variants), or
# $KSFT_TIMEOUT for every test.  KVX_TIMEOUT_SCALE=N multiplies every limit
# by N (make check-debug: a debug kernel is several times slower).
# A test also fails if the kernel logged a warning, BUG or oops while it ran
# (taint flags or the kernel log), whatever its own exit code.
# Exits 1 if any test failed.

cd "$(dirname "$0")" || exit 1

timeout_s=${KSFT_TIMEOUT:-$(sed -n 's/^default=//p' timeouts 2>/dev/null)}
timeout_s=${timeout_s:-600}
ci=0
[ "${CI:-}" = true ] || [ "${CI:-}" = 1 ] && ci=1

bad_taint=$((32 | 128 | 512 | 16384)) # B (bad page), D (oops), W, L
bad_log='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kernel BUG|refcount_t:|unregister_netdevice: waiting|RCU stall|soft lockup|hung_task'

taint() { echo $(($(cat /proc/sys/kernel/tainted) & bad_taint)); }
klog_lines() { dmesg 2>/dev/null | wc -l; }

echo "KTAP version 1"
echo "1..$#"

n=0 pass=0 fail=0 skip=0
for t in "$@"; do
	n=$((n + 1))
	taint_before=$(taint)
	log_before=$(klog_lines)
	start=$(date +%s)

	case $t in
	*.sh-ipv6) prog=${t%-ipv6} family=6 ;;
	*.sh-ipv4) prog=${t%-ipv4} family=4 ;;
	*) prog=$t family=4 ;;
	esac
	limit=
	[ -n "${KSFT_TIMEOUT:-}" ] || limit=$(sed -n "s/^$prog=//p" timeouts 2>/dev/null)
	limit=$((${limit:-$timeout_s} * ${KVX_TIMEOUT_SCALE:-1}))
	if [ -x "./$prog" ]; then
		KVX_FAMILY=$family timeout -k 10 "$limit" "./$prog" 2>&1 |
			sed -u 's/^/# /'
		rc=${PIPESTATUS[0]}
	else
		echo "# $t: no test ./$prog"
		rc=127
	fi

	secs=$(($(date +%s) - start))
	new_log=$(dmesg 2>/dev/null | tail -n +"$((log_before + 1))")
	if [ -n "$new_log" ]; then
		printf '%s\n' "$new_log" | tail -n 40 | sed 's/^/# kernel: /'
	fi
	note=""
	if [ "$(taint)" != "$taint_before" ]; then
		note="kernel tainted $(cat /proc/sys/kernel/tainted)"
	elif grep -Eq "$bad_log" <<<"$new_log"; then
		note="kernel log: $(grep -E "$bad_log" <<<"$new_log" | head -n1)"
	fi

	echo "# $t: exit $rc in ${secs}s"
	if [ -n "$note" ] && [ "$rc" -ne 124 ]; then
		echo "# $t: $note"
		echo "not ok $n $t # exit=$rc, $note"
		fail=$((fail + 1))
	elif [ "$rc" -eq 0 ]; then
		echo "ok $n $t"
		pass=$((pass + 1))
	elif [ "$rc" -eq 4 ] && [ "$ci" = 1 ]; then
		echo "not ok $n $t # SKIP under CI"
		fail=$((fail + 1))
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n $t # SKIP"
		skip=$((skip + 1))
	elif [ "$rc" -eq 124 ]; then
		echo "not ok $n $t # TIMEOUT $limit seconds"
		fail=$((fail + 1))
	else
		echo "not ok $n $t # exit=$rc"
		fail=$((fail + 1))
	fi
done

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
