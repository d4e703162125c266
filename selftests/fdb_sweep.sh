#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Learning over time: the MAC-move dampening window expiring, and an ageing
# sweep over more learned entries than one run of it visits.
#
#  +--------------------------------+          +-----------------------------+
#  | h1                             |          | h2 (no VXLAN device)        |
#  |  vx0 kvxlan vni 5000           |          |  frame_send: VXLAN frames   |
#  |      learning on, dampen-moves |          |  from 10.0.0.2 and 10.0.0.3 |
#  |      2, dampen-window 3,       |          |  with chosen inner source   |
#  |      dampen-hold 600           |          |  MACs, on veth1             |
#  |  veth0 10.0.0.1/24 ------------+----------+- veth1 10.0.0.2/24, .3/24   |
#  +--------------------------------+          +-----------------------------+
#
# 1. Dampening window (module/learn.c, kvx_fdb_move): a learned entry's window
#    starts when it is learned; more than dampen-moves moves inside it are
#    refused (fdb_learn_dampened) and start a hold; once the window is over
#    the next move starts a new one and is counted from 1 again.
#    MAC X from .2, .3, .2, .3 in one burst: learned, moved twice, the third
#    move dampened (X stays on .2, moves 2), all inside its window (X's
#    last move, updated_ms, less than 3000 ms after its creation,
#    created_ms: ages, so the time the test takes to read them does not
#    count).  MAC Y from .2, .3, .2: learned,
#    moved twice.  Once the kernel says Y is older than the window
#    (created_ms, polled; step 2's learning fills the wait), Y from .3,
#    .2, .3: two moves in the new window (fdb_moved +2, Y moves 4), the
#    third dampened.  Without the window expiring, the first of them would
#    have been Y's third move in one window, and dampened.  dampen-hold
#    600: no hold ends within the test, so nothing here is the hold
#    expiring (fdb_limits.sh tests that).
# 2. Ageing sweep (kvx_fdb_age): each run, once a second, looks at no more
#    than KVX_AGE_BUDGET (16384) learned entries.  SWEEP = 16500 random
#    MACs from .2 are learned (ageing 300; fdb_learned 16502 with X and
#    Y), then, all of them idle for over 1 s, ageing becomes 1 s: the
#    first run ages exactly 16384 (fdb_learned 118 when first seen at or
#    below that, polled), the next the 118 left, and fdb_aged is exactly
#    16502 with none left.  A sweep that visited every entry would show 0
#    at once; one that did not come back for the rest would leave 118.
#    (frames.py's AGE_BUDGET follows module/learn.c: a new budget means a
#    new SWEEP.)
# IPv4 underlay only.  The frames are fdb_inject.py's, built on the host
# (frames.py, at `make -C selftests` time: fdb_sweep.frames) and replayed
# by frame_send: no python starts in the guest.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq
require_kvxlan
require_frames fdb_sweep

WINDOW=3
X=02:00:00:00:77:11
Y=02:00:00:00:77:12
SWEEP=$(awk '$1 == "count" && $2 == "sweep4" { print $3 }' "$FRAMES")
BUDGET=$(awk '$1 == "count" && $2 == "budget" { print $3 }' "$FRAMES")
LAST=$(awk '$1 == "last" && $2 == "sweep4" { print $3 }' "$FRAMES")
[ "${SWEEP:-0}" -gt "${BUDGET:-0}" ] ||
	fail "$FRAMES: sweep4 ($SWEEP frames) must exceed the budget ($BUDGET)"

# one `kvxlan -j stats` per checkpoint: ST_COUNTERS[NAME], ST_FDB_LEARNED
stats_read()
{
	local js
	js=$(kvx "$h1" -j stats dev vx0) || fail "kvxlan stats dev vx0"
	ST_FDB_LEARNED=$(jq -e .fdb_learned <<<"$js")
	declare -gA ST_COUNTERS=()
	eval "$(jq -r '.counters | to_entries[] |
		"ST_COUNTERS[\(.key)]=\(.value)"' <<<"$js")"
}
# fdb_learned_now: the number of learned entries, one process (no jq)
fdb_learned_now()
{
	local js
	js=$(kvx "$h1" -j stats dev vx0) || return 1
	[[ $js =~ \"fdb_learned\":([0-9]+) ]] || return 1
	echo "${BASH_REMATCH[1]}"
}
# at_most MAX CMD...: succeeds when CMD prints a number <= MAX
at_most()
{
	local max=$1 v
	shift
	v=$("$@") || return 1
	echo "$v"
	[ "$v" -le "$max" ]
}
# entry MAC KEY: KEY of MAC's FDB entry (dst, moves, created_ms)
entry() { kvx "$h1" -j fdb get "$1" dev vx0 | jq -r ".$2"; }
# inject SET: the frames of SET (fdb_sweep.frames) from h2 to h1's vx0
inject()
{
	in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" "$1" |
		sed 's/^/    /'
	[ "${PIPESTATUS[0]}" = 0 ] || fail "frame_send $1"
}
# delivered N: wait until vx0 has received N frames in all
delivered()
{
	local v
	v=$(wait_counter "${2:-20}" "$1" dev_stat "$h1" vx0 rx_packets) ||
		fail "vx0 rx_packets $v, expected $1"
	check_eq "vx0 rx_packets" "$v" "$1"
}
# older_than MAC KEY MS: MAC's entry's KEY (created_ms, updated_ms) is more
# than MS
older_than() { [ "$(entry "$1" "$2")" -gt "$3" ]; }

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
addr_add "$h2" veth1 10.0.0.3/24
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 dev veth0 \
	dampen-moves 2 dampen-window "$WINDOW" dampen-hold 600
overlay_up "$h1" vx0 192.168.100.1/24
VETH0_MAC=$(link_mac "$h1" veth0)
wait_underlay "$h2" 10.0.0.1
rx=$(dev_stat "$h1" vx0 rx_packets)

log_step "1. inside the window: a third move is dampened"
inject dampx4
rx=$((rx + 4))
delivered "$rx"
stats_read
check_eq "fdb_moved (X: 2 moves)" "${ST_COUNTERS[moved]}" 2
check_eq "fdb_learn_dampened (X's third move)" \
	"${ST_COUNTERS[learn_dampened]}" 1
ent=$(kvx "$h1" -j fdb get "$X" dev vx0) || fail "$X was not learned"
log "    $ent"
check_eq "X stays on 10.0.0.2" "$(jq -r .dst <<<"$ent")" 10.0.0.2
check_eq "X moves" "$(jq .moves <<<"$ent")" 2
# the burst's span, from X's creation to its last move (both ages, so
# however late they are read): inside the window
check_range "X's last move (ms after it was learned): inside its $WINDOW s window" \
	"$(jq '.created_ms - .updated_ms' <<<"$ent")" 0 $((WINDOW * 1000 - 1))
inject dampy4
rx=$((rx + 3))
delivered "$rx"
check_eq "fdb_moved (Y: 2 more)" "$(kvx "$h1" -j stats dev vx0 |
	jq .counters.moved)" 4
check_eq "Y on 10.0.0.2" "$(entry "$Y" dst)" 10.0.0.2

log_step "2. $SWEEP more learned entries, more than one sweep's $BUDGET"
stats_read
learned0=${ST_COUNTERS[learned]} aged0=${ST_COUNTERS[aged]}
check_eq "fdb_learned before: X and Y" "$ST_FDB_LEARNED" 2
TOTAL=$((SWEEP + 2))
t0=$(date +%s%3N)
inject sweep4
rx=$((rx + SWEEP))
delivered "$rx" 120
log "    $SWEEP frames delivered in $(($(date +%s%3N) - t0)) ms"
stats_read
check_eq "fdb_learned (entries)" "$ST_FDB_LEARNED" "$TOTAL"
check_eq "learned counter" "${ST_COUNTERS[learned]}" $((learned0 + SWEEP))
check_eq "learn_limit counter" "${ST_COUNTERS[learn_limit]}" 0
check_eq "aged counter" "${ST_COUNTERS[aged]}" "$aged0"

log_step "1. after Y's window (spent learning the above): moves count afresh"
slowwait 20 older_than "$Y" created_ms $((WINDOW * 1000 + 100)) ||
	fail "$Y not older than ${WINDOW} s after 20 s"
log_ok "Y's window is over (created_ms $(entry "$Y" created_ms))"
inject dampy-post4
rx=$((rx + 3))
delivered "$rx"
stats_read
check_eq "fdb_moved: Y moved twice more in its new window" \
	"${ST_COUNTERS[moved]}" 6
check_eq "fdb_learn_dampened: Y's third move in the new window" \
	"${ST_COUNTERS[learn_dampened]}" 2
ent=$(kvx "$h1" -j fdb get "$Y" dev vx0)
log "    $ent"
check_eq "Y moves" "$(jq .moves <<<"$ent")" 4
check_eq "Y held on 10.0.0.2" "$(jq -r .dst <<<"$ent")" 10.0.0.2

log_step "2. ageing 1: the first sweep ages $BUDGET, the next the rest"
# every entry idle for more than 1 s before ageing becomes 1 s: the first
# sweep with it finds all it visits expired (Y and the last MAC sent were
# the last ones updated)
slowwait 20 older_than "$LAST" updated_ms 1100 ||
	fail "$LAST: updated less than 1.1 s ago after 20 s"
slowwait 20 older_than "$Y" updated_ms 1100 ||
	fail "$Y: updated less than 1.1 s ago after 20 s"
check_ok "link set vx0 ageing 1" kvx "$h1" link set vx0 ageing 1
v=$(busywait 20000 at_most $((TOTAL - BUDGET)) fdb_learned_now) ||
	fail "fdb_learned $v after 20 s, expected at most $((TOTAL - BUDGET))"
check_eq "fdb_learned after the first sweep" "$v" $((TOTAL - BUDGET))
v=$(slowwait 20 at_most 0 fdb_learned_now) ||
	fail "fdb_learned $v: not all aged out after 20 s"
stats_read
check_eq "fdb_learned (entries)" "$ST_FDB_LEARNED" 0
check_eq "aged counter: every one of them" "${ST_COUNTERS[aged]}" \
	$((aged0 + TOTAL))
check_eq "fdb show learned: none" \
	"$(kvx "$h1" -j fdb show dev vx0 learned | jq length)" 0

exit "$ksft_pass"
