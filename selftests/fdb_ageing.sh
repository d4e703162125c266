#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Ageing of learned FDB entries, and the "events" multicast group.
#
#  +-----------------------------+        +-------------------------------+
#  | h1                          |        | h2                            |
#  |  vx0 192.168.100.1/24       |        |  vx0 192.168.100.2/24 (MAC2)  |
#  |  kvxlan vni 5000, learning  |        |  kvxlan vni 5000              |
#  |  on, flood 10.0.0.2,        |        |  local 10.0.0.2 (then .3)     |
#  |  ageing 300 (then 3)        |        |  remote 10.0.0.1              |
#  |  `kvxlan -j monitor` > file |        |                               |
#  |  veth0 10.0.0.1/24 ---------+--------+- veth1 10.0.0.2/24, .3/24     |
#  |       (fd00::1/64)          |        |       (fd00::2/64, ::3/64)    |
#  +-----------------------------+        +-------------------------------+
#
# With `kvxlan -j monitor dev vx0` running in the background (one JSON
# object per line), a scripted sequence must produce exactly these events,
# in this order:
#
#   added     02:00:00:00:0a:01 -> 10.0.0.9  static   kvxlan fdb add
#   learned   MAC2 -> 10.0.0.2               learned  h2 pings h1
#   moved     MAC2 -> 10.0.0.3               learned  h2's vx0 recreated on .3
#   replaced  02:00:00:00:0a:01 -> 10.0.0.8  static   kvxlan fdb replace
#   deleted   02:00:00:00:0a:01 -> 10.0.0.8  static   kvxlan fdb del
#   aged      MAC2 -> 10.0.0.3               learned  ageing 3, h2 silent
#
# Ageing becomes 3 s while h2 pings h1 (MAC2 stays fresh); once h2 stops,
# the learned entry must disappear between 3 s and 10 s later, while a
# static entry older than that stays; counters learned, moved and aged are
# 1 each.  All of it with 300000 more static entries in h1's FDB: the sweep
# visits learned entries only (a sweep over the whole table, 16384 entries
# a second, would reach MAC2 up to 18 s late).  The sweep stops with the
# last learned entry: MAC2, learned again afterwards (ageing now 10 s),
# must age again.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping ethtool
require_kvxlan

AGEING=3
AGEING2=10	# the second round (below)
STATIC=02:00:00:00:0a:01
KEEP=02:00:00:00:0a:02
SENTINEL=02:00:00:00:ff:ff
BULK=300000
TMP=$(mktemp -d)
defer rm -rf "$TMP"
MON=$TMP/monitor.json
A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3 7 8 9 250; do
	A[i]=$(ul "10.0.0.$i")
done

log_step "setup"
fdb_pair_setup
awk -v n="$BULK" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "fdb add 02:01:00:%02x:%02x:%02x dev vx0 dst 10.0.0.9\n",
			int(i / 65536), int(i / 256) % 256, i % 256
}' | sed "s/10\.0\.0\.9/${A[9]}/" >"$TMP/bulk"
check_ok "$BULK static entries (kvxlan -b)" kvx "$h1" -b "$TMP/bulk"
check_eq "fdb_static" "$(kvx "$h1" -j stats dev vx0 | jq .fdb_static)" "$BULK"

log_step "kvxlan -j monitor in the background"
ip netns exec "$h1" "$KVXLAN" -j monitor dev vx0 >"$MON" 2>&1 &
MON_PID=$!
defer kill "$MON_PID"
# Subscribed once an event shows up: replace a sentinel until one does.
sentinel_seen()
{
	kvx "$h1" fdb replace "$SENTINEL" dev vx0 dst "${A[250]}" >/dev/null &&
		grep -q "$SENTINEL" "$MON"
}
slowwait 20 sentinel_seen || fail "kvxlan monitor printed nothing: $(cat "$MON")"
kvx "$h1" fdb del "$SENTINEL" dev vx0 || fail "kvxlan fdb del $SENTINEL"
log_ok "the monitor is subscribed"
check_ok "static entry that must not age" \
	kvx "$h1" fdb add "$KEEP" dev vx0 dst "${A[7]}"

log_step "the scripted sequence"
check_ok "kvxlan fdb add $STATIC dst ${A[9]}" \
	kvx "$h1" fdb add "$STATIC" dev vx0 dst "${A[9]}"
check_ok "h2 pings h1: h1 learns MAC2 -> ${A[2]}" \
	ip netns exec "$h2" ping -c 1 -W 5 -q 192.168.100.1
check_eq "h1 fdb entry for MAC2" \
	"$(kvx "$h1" -j fdb get "$MAC2" dev vx0 | jq -r '"\(.dst) \(.kind)"')" \
	"${A[2]} learned"
log "    MAC2 moves behind another VTEP address: vx0 recreated on h2 with local ${A[3]}"
kvx "$h2" link del vx0 || fail "kvxlan link del vx0 (h2)"
kvx_add "$h2" vx0 vni 5000 local "${A[3]}" remote "${A[1]}" dev veth1
ip -n "$h2" link set vx0 address "$MAC2"
overlay_up "$h2" vx0 192.168.100.2/24
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
check_ok "h2 pings h1 from ${A[3]}: MAC2 moves" \
	ip netns exec "$h2" ping -c 1 -W 5 -q 192.168.100.1
check_eq "h1 fdb entry for MAC2" \
	"$(kvx "$h1" -j fdb get "$MAC2" dev vx0 | jq -r '"\(.dst) \(.kind) \(.moves)"')" \
	"${A[3]} learned 1"
check_ok "kvxlan fdb replace $STATIC dst ${A[8]}" \
	kvx "$h1" fdb replace "$STATIC" dev vx0 dst "${A[8]}"
check_ok "kvxlan fdb del $STATIC" kvx "$h1" fdb del "$STATIC" dev vx0
# Only now the short ageing time (the steps above may take seconds in an
# emulated VM), under traffic that keeps MAC2 fresh: from when it stops,
# MAC2 must age in time.  The sweep uses the time configured when it runs.
ip netns exec "$h2" ping -i 0.2 -q 192.168.100.1 >/dev/null 2>&1 &
PING_PID=$!
defer kill "$PING_PID"
mac2_fresh()
{
	kvx "$h1" -j fdb get "$MAC2" dev vx0 | jq -e '.updated_ms < 1000' >/dev/null
}
slowwait 20 mac2_fresh || fail "h2's pings do not refresh MAC2"
check_ok "kvxlan link set vx0 ageing $AGEING" \
	kvx "$h1" link set vx0 ageing "$AGEING"
check_eq "h1 ageing" "$(kvx "$h1" -j link show vx0 | jq '.[0].ageing')" "$AGEING"
kvx "$h1" fdb get "$MAC2" dev vx0 >/dev/null ||
	fail "MAC2 aged out while h2 was pinging"
kill "$PING_PID"
wait "$PING_PID" 2>/dev/null || true
t0=$(date +%s%3N)

log_step "MAC2 ages out within ${AGEING}..10 s"
mac2_gone() { ! kvx "$h1" fdb get "$MAC2" dev vx0 >/dev/null 2>&1; }
slowwait 12 mac2_gone || fail "MAC2 still in h1's FDB $(($(date +%s%3N) - t0)) ms after its last frame"
aged_ms=$(($(date +%s%3N) - t0))
check_range "ms from MAC2's last frame until it was gone" "$aged_ms" \
	$((AGEING * 1000 - 300)) 10000
log "# figure: fdb_aged_after_ms $aged_ms"
keep=$(kvx "$h1" -j fdb get "$KEEP" dev vx0) ||
	fail "the static entry $KEEP aged out"
check_eq "static entry still there" "$(jq -r .kind <<<"$keep")" static
check_ge "  and older than the ageing time (created_ms)" \
	"$(jq .created_ms <<<"$keep")" $((AGEING * 1000))
for k in learned:1 moved:1 aged:1; do
	check_eq "counter ${k%:*}" \
		"$(kvx "$h1" -j stats dev vx0 | jq ".counters.${k%:*}")" "${k#*:}"
done
check_eq "ethtool -S fdb_aged" "$(ethtool_stat "$h1" vx0 fdb_aged)" 1
check_eq "fdb_learned (entries)" "$(kvx "$h1" -j stats dev vx0 | jq .fdb_learned)" 0

log_step "the events, in order"
aged_event() { grep -q '"aged"' "$MON"; }
slowwait 10 aged_event || fail "no aged event: $(cat "$MON")"
kill "$MON_PID"
wait "$MON_PID" 2>/dev/null || true
sed 's/^/    /' "$MON"
jq -e . "$MON" >/dev/null || fail "monitor output is not JSON lines"
got=$(jq -r --arg s "$SENTINEL" --arg k "$KEEP" \
	'select(.mac != $s and .mac != $k) |
	 "\(.event) \(.ifname) \(.mac) \(.dst) \(.kind)"' "$MON")
want=$(printf '%s\n' \
	"added vx0 $STATIC ${A[9]} static" \
	"learned vx0 $MAC2 ${A[2]} learned" \
	"moved vx0 $MAC2 ${A[3]} learned" \
	"replaced vx0 $STATIC ${A[8]} static" \
	"deleted vx0 $STATIC ${A[8]} static" \
	"aged vx0 $MAC2 ${A[3]} learned")
if [ "$got" != "$want" ]; then
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fail "events differ from the sequence (- expected, + got)"
fi
log_ok "added, learned, moved, replaced, deleted, aged: in order, once each"
check_eq "sentinel events: replaced/added then deleted" \
	"$(jq -r --arg s "$SENTINEL" 'select(.mac == $s) | .event' "$MON" |
		tail -n 1)" deleted

# The sweep stops with the last learned entry (an idle device has no timer
# running) and the next entry learned starts it again.  Ageing is longer
# here so that the entry is surely still there when it is counted: with
# 3 s, a ping and one CLI call on the debug kernel took longer than that.
log_step "learned again after the table emptied: MAC2 ages again"
check_ok "kvxlan link set vx0 ageing $AGEING2" \
	kvx "$h1" link set vx0 ageing "$AGEING2"
check_ok "h2 pings h1 again: h1 learns MAC2" \
	ip netns exec "$h2" ping -c 1 -W 5 -q 192.168.100.1
t0=$(date +%s%3N)
check_eq "fdb_learned (entries)" "$(kvx "$h1" -j stats dev vx0 | jq .fdb_learned)" 1
check_eq "counter learned" "$(kvx "$h1" -j stats dev vx0 | jq .counters.learned)" 2
slowwait $((AGEING2 + 10)) mac2_gone ||
	fail "MAC2 still in h1's FDB $(($(date +%s%3N) - t0)) ms after its last frame"
aged_ms=$(($(date +%s%3N) - t0))
check_range "ms from MAC2's last frame until it was gone" "$aged_ms" \
	$((AGEING2 * 1000 - 300)) $((AGEING2 * 1000 + 7000))
log "# figure: fdb_aged_again_after_ms $aged_ms"
check_eq "counter aged" "$(kvx "$h1" -j stats dev vx0 | jq .counters.aged)" 2

exit "$ksft_pass"
