#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Learning limits: max-learned under a storm of source MACs, and MAC-move
# dampening.
#
#  +--------------------------------+          +-----------------------------+
#  | h1                             |          | h2 (no VXLAN device)        |
#  |  vx0 kvxlan vni 5000           |          |  fdb_inject.py: VXLAN frames|
#  |      learning on, max-learned  |          |  from 10.0.0.2 and 10.0.0.3 |
#  |      500                       |          |  with chosen inner source   |
#  |                                |          |  MACs, on veth1             |
#  |  veth0 10.0.0.1/24 ------------+----------+- veth1 10.0.0.2/24, .3/24   |
#  |       (fd00::1/64)             |          |       (fd00::2/64, ::3/64)  |
#  +--------------------------------+          +-----------------------------+
#
# Storm: 2000 frames with distinct random unicast inner source MACs.  All
# are delivered (the limit stops learning, not traffic), exactly 500 are
# learned (the first 500 sent), learn_limit counts the other 1500, and
# static `kvxlan fdb add`s made during and after the storm succeed and do
# not count against the limit.
#
# Moves (the default dampen-moves 5 and dampen-window 10, dampen-hold 600):
# one MAC from 10.0.0.2, 10.0.0.3, 10.0.0.2, ... (10 frames).  The
# first frame learns it, the next five move it (fdb_moved 5, more than
# KVXLAN_DAMPEN_MOVES = 5 moves within KVXLAN_DAMPEN_WINDOW stops
# relearning), the sixth would-be move and every later frame from the other
# VTEP are dampened (learn_dampened), and the entry stays on 10.0.0.3.
#
# Configured dampening: out-of-range dampen-moves / -window / -hold are
# refused with the policy's extack; `dampen-moves 2 dampen-window 60
# dampen-hold 3` shows in `link show` and `stats`; a second MAC sent from
# .2, .3, .2, .3, .2, .3 moves twice and frames 4 and 6 are dampened; once
# the hold is over (polled: a frame from .3 every 200 ms) it moves once
# more.  With `dampen-moves 0` (off) a third MAC moves on every frame.
# fdb_limits.sh-ipv6: the same over IPv6 (fdb_inject.py then writes IPv6
# with valid UDP checksums).
# The frames are fdb_inject.py's, built on the host (frames.py, at `make -C
# selftests` time: fdb.frames) and replayed by frame_send: no python starts
# in the guest.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool
require_kvxlan
require_frames fdb

MAX=500
STORM=2000
MOVER=02:00:00:00:77:01
TMP=$(mktemp -d)
defer rm -rf "$TMP"
A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3 9; do
	A[i]=$(ul "10.0.0.$i")
done

counter() { kvx "$h1" -j stats dev vx0 | jq -e ".counters.$1"; }
fdb_count() { kvx "$h1" -j stats dev vx0 | jq -e ".fdb_$1"; }

# inject SET [REPEAT]: the frames of SET (fdb.frames, frames.py's fdb())
# over the underlay family, from h2 to h1's vx0, REPEAT times:
#   storm       STORM random MACs (seed 1; .macs: the "macs storm" line)
#   storm2      MAX more (seed 2)
#   moveN       MOVERN from A[2], then from A[3]
#   moveN-aK-   MOVERN from A[K]
inject()
{
	in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" \
		"$1$KVX_FAMILY" "${2:-1}"
}

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
addr_add "$h2" veth1 "$(ul 10.0.0.3/24)"
kvx_add "$h1" vx0 vni 5000 local "${A[1]}" dev veth0 max-learned "$MAX"
overlay_up "$h1" vx0 192.168.100.1/24
VETH0_MAC=$(link_mac "$h1" veth0)
wait_underlay "$h2" "${A[1]}"
check_eq "max_learned" "$(kvx "$h1" -j link show vx0 | jq '.[0].max_learned')" "$MAX"

log_step "storm: $STORM distinct source MACs, static adds meanwhile"
rx0=$(dev_stat "$h1" vx0 rx_packets)
awk '$1 == "macs" && $2 == "storm" { for (i = 3; i <= NF; i++) print $i }' \
	"$FRAMES" >"$TMP/macs"
check_eq "$FRAMES: storm MACs" "$(sort -u "$TMP/macs" | wc -l)" "$STORM"
inject storm >"$TMP/inject.log" 2>&1 &
INJ_PID=$!
n_static=0
while :; do
	running=0
	kill -0 "$INJ_PID" 2>/dev/null && running=1
	n_static=$((n_static + 1))
	kvx "$h1" fdb add "02:00:00:00:5a:$(printf %02x "$n_static")" dev vx0 \
		dst "${A[9]}" || fail "static fdb add #$n_static during the storm"
	[ "$running" = 1 ] || break
done
wait "$INJ_PID" || fail "frame_send: $(cat "$TMP/inject.log")"
sed 's/^/    /' "$TMP/inject.log"
log_ok "$n_static static adds during and right after the storm succeeded"
v=$(wait_counter 20 $((rx0 + STORM)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx0 + STORM))"
check_eq "every storm frame was delivered (vx0 rx_packets)" "$v" $((rx0 + STORM))
check_eq "vx0 rx_dropped" "$(dev_stat "$h1" vx0 rx_dropped)" 0
check_eq "fdb_learned (entries)" "$(fdb_count learned)" "$MAX"
check_eq "learned counter" "$(counter learned)" "$MAX"
check_eq "learn_limit counter" "$(counter learn_limit)" $((STORM - MAX))
check_eq "ethtool -S fdb_learn_limit" \
	"$(ethtool_stat "$h1" vx0 fdb_learn_limit)" $((STORM - MAX))
kvx "$h1" -j fdb show dev vx0 learned | jq -r '.[].mac' | sort >"$TMP/learned"
head -n "$MAX" "$TMP/macs" | sort >"$TMP/first"
check_eq "fdb show learned: entries" "$(wc -l <"$TMP/learned")" "$MAX"
cmp -s "$TMP/learned" "$TMP/first" ||
	fail "the learned MACs are not the first $MAX sent"
log_ok "the learned MACs are the first $MAX sent"

check_ok "a static add after the storm" \
	kvx "$h1" fdb add 02:00:00:00:5b:01 dev vx0 dst "${A[9]}"
n_static=$((n_static + 1))
check_eq "fdb_static (entries)" "$(fdb_count static)" "$n_static"
check_eq "fdb_learned still (entries)" "$(fdb_count learned)" "$MAX"
check_eq "static entries listed as static" \
	"$(kvx "$h1" -j fdb show dev vx0 static | jq '[.[] | select(.kind == "static")] | length')" \
	"$n_static"

log_step "a second storm of $MAX new MACs learns nothing"
inject storm2 | sed 's/^/    /'
v=$(wait_counter 20 $((rx0 + STORM + MAX)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx0 + STORM + MAX))"
check_eq "fdb_learned (entries)" "$(fdb_count learned)" "$MAX"
check_eq "learn_limit counter" "$(counter learn_limit)" "$STORM"

log_step "MAC move dampening"
# The default moves and window, a hold long enough for a loaded emulated VM
check_ok "link set dampen-hold 600" kvx "$h1" link set vx0 dampen-hold 600
check_ok "flush learned entries" kvx "$h1" fdb flush dev vx0 learned
check_eq "fdb_learned after flush" "$(fdb_count learned)" 0
check_eq "static entries survive the flush" "$(fdb_count static)" "$n_static"
rx1=$(dev_stat "$h1" vx0 rx_packets)
inject move1 5 | sed 's/^/    /'
v=$(wait_counter 20 $((rx1 + 10)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx1 + 10))"
ent=$(kvx "$h1" -j fdb get "$MOVER" dev vx0) || fail "$MOVER was not learned"
log "    $ent"
check_eq "fdb_moved" "$(counter moved)" 5
check_eq "ethtool -S fdb_moved" "$(ethtool_stat "$h1" vx0 fdb_moved)" 5
check_eq "learn_dampened (frames 7 and 9, from ${A[2]})" \
	"$(counter learn_dampened)" 2
check_eq "entry moves" "$(jq .moves <<<"$ent")" 5
check_eq "entry stays on the remote it had" "$(jq -r .dst <<<"$ent")" "${A[3]}"
check_eq "entry kind" "$(jq -r .kind <<<"$ent")" learned

log_step "the hold lasts: more frames from ${A[2]} do not move it"
inject move1-a2- 4 | sed 's/^/    /'
v=$(wait_counter 20 $((rx1 + 14)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx1 + 14))"
check_eq "learn_dampened" "$(counter learn_dampened)" 6
check_eq "fdb_moved unchanged" "$(counter moved)" 5
check_eq "entry still on ${A[3]}" \
	"$(kvx "$h1" -j fdb get "$MOVER" dev vx0 | jq -r .dst)" "${A[3]}"
check_eq "ethtool -S fdb_learn_dampened" \
	"$(ethtool_stat "$h1" vx0 fdb_learn_dampened)" 6

log_step "configured dampening: values out of range are refused"
check_eq "default dampen-hold (a new device)" \
	"$(kvx_add "$h1" vxd vni 5999 && kvx "$h1" -j link show vxd | jq '.[0].dampen_hold')" \
	"$(uapi_define KVXLAN_DAMPEN_HOLD)"
kvx "$h1" link del vxd
check_fail_msg "dampen-window 0" "out of range|range" \
	kvx "$h1" link set vx0 dampen-window 0
check_fail_msg "dampen-hold 86401" "out of range|range" \
	kvx "$h1" link set vx0 dampen-hold 86401
check_fail_msg "dampen-moves 65536" "out of range|range" \
	kvx "$h1" link set vx0 dampen-moves 65536
lj() { kvx "$h1" -j link show vx0 | jq ".[0].$1"; }
check_eq "defaults unchanged: dampen-moves" "$(lj dampen_moves)" \
	"$(uapi_define KVXLAN_DAMPEN_MOVES)"
check_eq "defaults unchanged: dampen-window" "$(lj dampen_window)" \
	"$(uapi_define KVXLAN_DAMPEN_WINDOW)"
check_eq "dampen-hold as set" "$(lj dampen_hold)" 600

log_step "configured dampening: 2 moves in 60 s, then a 3 s hold"
check_ok "link set dampen-moves 2 dampen-window 60 dampen-hold 3" \
	kvx "$h1" link set vx0 dampen-moves 2 dampen-window 60 dampen-hold 3
check_eq "link show dampen_moves" "$(lj dampen_moves)" 2
check_eq "link show dampen_window" "$(lj dampen_window)" 60
check_eq "link show dampen_hold" "$(lj dampen_hold)" 3
st=$(kvx "$h1" -j stats dev vx0)
check_eq "stats (genl) dampen_moves/window/hold" \
	"$(jq -c '[.dampen_moves, .dampen_window, .dampen_hold]' <<<"$st")" "[2,60,3]"
MOVER2=02:00:00:00:77:02
moved0=$(counter moved) damp0=$(counter learn_dampened)
rx2=$(dev_stat "$h1" vx0 rx_packets)
inject move2 3 | sed 's/^/    /'
v=$(wait_counter 20 $((rx2 + 6)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx2 + 6))"
check_eq "fdb_moved: 2 more" "$(counter moved)" $((moved0 + 2))
check_eq "learn_dampened: frames 4 and 6" "$(counter learn_dampened)" \
	$((damp0 + 2))
ent=$(kvx "$h1" -j fdb get "$MOVER2" dev vx0)
check_eq "entry moves" "$(jq .moves <<<"$ent")" 2
check_eq "entry held on ${A[2]}" "$(jq -r .dst <<<"$ent")" "${A[2]}"

# on_a3: one frame from .3; succeeds once the entry has moved there
on_a3()
{
	inject move2-a3- >/dev/null &&
	sleep 0.2 &&
	[ "$(kvx "$h1" -j fdb get "$MOVER2" dev vx0 | jq -r .dst)" = "${A[3]}" ]
}
slowwait 20 on_a3 || fail "$MOVER2 did not move to ${A[3]} after the hold"
log_ok "after the hold $MOVER2 moved to ${A[3]}"
check_eq "fdb_moved: one more" "$(counter moved)" $((moved0 + 3))
check_eq "entry moves" \
	"$(kvx "$h1" -j fdb get "$MOVER2" dev vx0 | jq .moves)" 3

log_step "dampen-moves 0: every move is learned"
check_ok "link set dampen-moves 0" kvx "$h1" link set vx0 dampen-moves 0
MOVER3=02:00:00:00:77:03
moved0=$(counter moved) damp0=$(counter learn_dampened)
rx3=$(dev_stat "$h1" vx0 rx_packets)
inject move3 6 | sed 's/^/    /'
v=$(wait_counter 20 $((rx3 + 12)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx3 + 12))"
check_eq "fdb_moved: 11 more" "$(counter moved)" $((moved0 + 11))
check_eq "learn_dampened unchanged" "$(counter learn_dampened)" "$damp0"
check_eq "entry moves" \
	"$(kvx "$h1" -j fdb get "$MOVER3" dev vx0 | jq .moves)" 11

exit "$ksft_pass"
