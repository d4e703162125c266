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
# Moves: one MAC from 10.0.0.2, 10.0.0.3, 10.0.0.2, ... (10 frames).  The
# first frame learns it, the next five move it (fdb_moved 5, more than
# KVXLAN_DAMPEN_MOVES = 5 moves within KVXLAN_DAMPEN_WINDOW stops
# relearning), the sixth would-be move and every later frame from the other
# VTEP are dampened (learn_dampened), and the entry stays on 10.0.0.3.
# fdb_limits.sh-ipv6: the same over IPv6 (fdb_inject.py then writes IPv6
# with valid UDP checksums).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool
require_python_module socket
require_kvxlan

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

# inject ARGS...: fdb_inject.py from h2 to h1's vx0
inject()
{
	ip netns exec "$h2" "$PYTHON" "$KSFT_DIR/fdb_inject.py" --iface veth1 \
		--dst "${A[1]}" --dst-mac "$VETH0_MAC" "$@"
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
inject --src "${A[2]}" --random-macs "$STORM" --macs-file "$TMP/macs" \
	>"$TMP/inject.log" 2>&1 &
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
wait "$INJ_PID" || fail "fdb_inject.py: $(cat "$TMP/inject.log")"
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
inject --src "${A[2]}" --random-macs "$MAX" --seed 2 | sed 's/^/    /'
v=$(wait_counter 20 $((rx0 + STORM + MAX)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx0 + STORM + MAX))"
check_eq "fdb_learned (entries)" "$(fdb_count learned)" "$MAX"
check_eq "learn_limit counter" "$(counter learn_limit)" "$STORM"

log_step "MAC move dampening"
check_ok "flush learned entries" kvx "$h1" fdb flush dev vx0 learned
check_eq "fdb_learned after flush" "$(fdb_count learned)" 0
check_eq "static entries survive the flush" "$(fdb_count static)" "$n_static"
rx1=$(dev_stat "$h1" vx0 rx_packets)
inject --src "${A[2]},${A[3]}" --mac "$MOVER" --count 10 | sed 's/^/    /'
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
inject --src "${A[2]}" --mac "$MOVER" --count 4 | sed 's/^/    /'
v=$(wait_counter 20 $((rx1 + 14)) dev_stat "$h1" vx0 rx_packets) ||
	fail "vx0 rx_packets $v, expected $((rx1 + 14))"
check_eq "learn_dampened" "$(counter learn_dampened)" 6
check_eq "fdb_moved unchanged" "$(counter moved)" 5
check_eq "entry still on ${A[3]}" \
	"$(kvx "$h1" -j fdb get "$MOVER" dev vx0 | jq -r .dst)" "${A[3]}"
check_eq "ethtool -S fdb_learn_dampened" \
	"$(ethtool_stat "$h1" vx0 fdb_learn_dampened)" 6

exit "$ksft_pass"
