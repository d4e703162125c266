#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Several remotes for one multicast MAC: `bridge fdb append` and `kvxlan
# fdb append` give the MAC its own replication list, as with the in-tree
# driver: frames to it are copied to exactly those remotes, not to the
# flood list; `fdb del MAC dst IP` removes one remote.
#
#  +------------------------------------+     +----------------------------+
#  | h1                                 |     | h2 (no VTEP: the capture)  |
#  |  vx0 kvxlan vni 5000, learning off |     |                            |
#  |      remote 10.0.0.5: the flood    |     |  tcpdump: udp port 4789    |
#  |      list is .5 alone              |     |  counted per outer dst     |
#  |  M = 01:00:5e:01:02:03 -> .2 .3 .4 |     |                            |
#  |  frame_send to M / ff:.. on vx0    |     |                            |
#  |  `bridge monitor fdb`, `kvxlan     |     |                            |
#  |   monitor` > files                 |     |                            |
#  |  veth0 10.0.0.1/24 ----------------+-----+- veth1 10.0.0.2/24, .3, .4, |
#  |       (fd00::1/64)                 |     |         .5 (fd00::2 ...)   |
#  +------------------------------------+     +----------------------------+
#
# 1. bridge fdb append M dst .2, dst .3; kvxlan fdb append M dst .4: both
#    `bridge fdb show` and `kvxlan fdb show` list M once per remote, in
#    that order; a second append of .2 is refused (EEXIST); a unicast MAC's
#    append is refused with kvxlan's message (the in-tree driver ignores it
#    silently; the old module refused every append).
# 2. 5 frames to M and 2 broadcasts: on h2's wire, exactly 5 copies to
#    each of .2, .3, .4 and none to .5; the broadcasts to .5 alone.
# 3. kvxlan fdb del M dst .3: M lists .2 and .4; 5 more frames to M:
#    .2 and .4 get 5 more, .3 and .5 none.
# 4. bridge fdb del M dst .2: M lists .4 alone; then dst .4: M is gone
#    with its last remote, and a frame to M is flooded (.5 gets it).
# 5. What the monitors printed: `bridge monitor fdb` one line per remote
#    appended or deleted (the kernel's own dst-less line after each bridge
#    command), `kvxlan monitor` added, appended x2, removed x2, deleted.
# 6. BIG (600) remotes appended to M (kvxlan -b): `bridge fdb show` and
#    `kvxlan fdb show` list each once, in order, though their messages
#    take several dump parts (a part ends within M's remotes and the next
#    one goes on after the last remote sent); a flush of one address
#    takes it out of the list; `kvxlan save` writes the list back as
#    `fdb append` lines, in order.
# 7. M's list filled up to KVXLAN_FDB_REMOTES_MAX (uapi/, 1024) remotes
#    with one more kvxlan -b; the next append is refused: E2BIG with the
#    extack message (genl_raw.py shows both), and the same message through
#    `kvxlan fdb append` and `bridge fdb append`; the list keeps its 1024.
#
# Also run over an IPv6 underlay (fdb_append.sh-ipv6: fd00::N remotes).
#
# The old module refused the appends (a kvxlan FDB entry had one remote)
# and flooded every multicast frame: every step fails on it.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip bridge tcpdump
require_python_module socket
require_frames
require_kvxlan

M=01:00:5e:01:02:03
U=02:00:00:00:00:09
SENTINEL=02:00:00:00:ff:ff
TMP=$(mktemp -d)
defer rm -rf "$TMP"
BMON=$TMP/bridge.txt
KMON=$TMP/kvxlan.txt
A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3 4 5 250; do
	A[i]=$(ul "10.0.0.$i")
done

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
for i in 3 4 5; do
	addr_add "$h2" veth1 "$(ul "10.0.0.$i/24")"
done
kvx_add "$h1" vx0 vni 5000 local "${A[1]}" remote "${A[5]}" dev veth0 \
	learning off
overlay_up "$h1" vx0 192.168.100.1/24
for i in 2 3 4 5; do
	wait_underlay "$h1" "${A[i]}"
done
# One 60-byte frame (frame_send fills in both MACs).
printf 'one %s88b5%s\n' "$(printf '0%.0s' {1..24})" \
	"$(printf '0%.0s' {1..92})" >"$TMP/frames"
send() { ip netns exec "$h1" "$FRAME_SEND" vx0 "$1" "$TMP/frames" one "$2" \
	>/dev/null || fail "frame_send to $1"; }
capture_start "$h2" veth1 "$TMP/cap" udp dst port 4789
# copies NAME: outer packets captured so far to the underlay address NAME
copies() { capture_count "$TMP/cap" dst host "${A[$1]}"; }
total() { capture_count "$TMP/cap"; }

ip netns exec "$h1" bridge monitor fdb >"$BMON" 2>&1 &
BMON_PID=$!
defer kill "$BMON_PID"
ip netns exec "$h1" "$KVXLAN" monitor dev vx0 >"$KMON" 2>&1 &
KMON_PID=$!
defer kill "$KMON_PID"
# Both subscribed once a line shows up in each: a sentinel entry replaced
# (the kernel's own message for the bridge monitor), then added by kvxlan.
sentinel_seen()
{
	bridge -n "$h1" fdb replace "$SENTINEL" dev vx0 dst "${A[250]}" \
		>/dev/null 2>&1 && grep -q "$SENTINEL" "$BMON" &&
		grep -q "$SENTINEL" "$KMON"
}
slowwait 20 sentinel_seen ||
	fail "the monitors printed nothing: $(cat "$BMON" "$KMON")"
bridge -n "$h1" fdb del "$SENTINEL" dev vx0 || fail "bridge fdb del $SENTINEL"
log_ok "the monitors are subscribed"

log_step "1. three remotes appended to $M"
check_ok "bridge fdb append $M dst ${A[2]}" \
	bridge -n "$h1" fdb append "$M" dev vx0 dst "${A[2]}"
check_ok "bridge fdb append $M dst ${A[3]}" \
	bridge -n "$h1" fdb append "$M" dev vx0 dst "${A[3]}"
check_ok "kvxlan fdb append $M dst ${A[4]}" \
	kvx "$h1" fdb append "$M" dev vx0 dst "${A[4]}"
check_eq "bridge fdb show: $M once per remote" \
	"$(bridge -n "$h1" fdb show dev vx0 | grep "^$M " | sed 's/ *$//')" \
	"$(printf "$M dst %s self permanent\n" "${A[2]}" "${A[3]}" "${A[4]}")"
check_eq "kvxlan fdb show: $M once per remote" \
	"$(kvx "$h1" -j fdb show dev vx0 |
		jq -r --arg m "$M" '.[] | select(.mac == $m) | "\(.dst) \(.kind)"')" \
	"$(printf '%s static\n' "${A[2]}" "${A[3]}" "${A[4]}")"
check_fail_msg "a second append of ${A[2]} is refused" \
	"in the MAC's list already" \
	bridge -n "$h1" fdb append "$M" dev vx0 dst "${A[2]}"
check_fail_msg "bridge fdb append on a unicast MAC is refused" \
	"a unicast MAC has one remote" \
	bridge -n "$h1" fdb append "$U" dev vx0 dst "${A[2]}"
check_fail_msg "kvxlan fdb append on a unicast MAC is refused" \
	"a unicast MAC has one remote" \
	kvx "$h1" fdb append "$U" dev vx0 dst "${A[2]}"

log_step "2. frames to $M go to its three remotes, broadcasts to the flood list"
send "$M" 5
send ff:ff:ff:ff:ff:ff 2
wait_counter 10 17 total >/dev/null || true
check_eq "copies to ${A[2]}" "$(copies 2)" 5
check_eq "copies to ${A[3]}" "$(copies 3)" 5
check_eq "copies to ${A[4]}" "$(copies 4)" 5
check_eq "copies to ${A[5]} (the flood list: the broadcasts alone)" \
	"$(copies 5)" 2

log_step "3. kvxlan fdb del $M dst ${A[3]}: two remotes left"
check_ok "kvxlan fdb del $M dst ${A[3]}" \
	kvx "$h1" fdb del "$M" dev vx0 dst "${A[3]}"
check_eq "bridge fdb show: $M's remotes" \
	"$(bridge -n "$h1" fdb show dev vx0 | grep "^$M " | sed 's/ *$//')" \
	"$(printf "$M dst %s self permanent\n" "${A[2]}" "${A[4]}")"
send "$M" 5
wait_counter 10 27 total >/dev/null || true
check_eq "copies to ${A[2]}" "$(copies 2)" 10
check_eq "copies to ${A[3]} (removed)" "$(copies 3)" 5
check_eq "copies to ${A[4]}" "$(copies 4)" 10
check_eq "copies to ${A[5]}" "$(copies 5)" 2

log_step "4. the last remotes deleted: $M goes, its frames are flooded"
check_ok "bridge fdb del $M dst ${A[2]}" \
	bridge -n "$h1" fdb del "$M" dev vx0 dst "${A[2]}"
check_eq "bridge fdb show: $M's last remote" \
	"$(bridge -n "$h1" fdb show dev vx0 | grep "^$M " | sed 's/ *$//')" \
	"$M dst ${A[4]} self permanent"
check_ok "bridge fdb del $M dst ${A[4]}" \
	bridge -n "$h1" fdb del "$M" dev vx0 dst "${A[4]}"
send "$M" 1
wait_counter 10 28 total >/dev/null || true
check_eq "copies to ${A[5]} (flooded)" "$(copies 5)" 3
check_eq "copies in all" "$(total)" 28

log_step "5. the monitors"
kvx_mon_done() { grep -q "^deleted $M " "$KMON"; }
slowwait 5 kvx_mon_done || true
capture_stop
kill "$BMON_PID" "$KMON_PID" 2>/dev/null || true
wait "$BMON_PID" "$KMON_PID" 2>/dev/null || true
sed 's/^/    /' "$BMON" "$KMON"
got=$(grep -v "$SENTINEL" "$BMON" | sed 's/ *$//' || true)
want=$(printf '%s\n' \
	"$M dev vx0 dst ${A[2]} self permanent" \
	"$M dev vx0 self permanent" \
	"$M dev vx0 dst ${A[3]} self permanent" \
	"$M dev vx0 self permanent" \
	"$M dev vx0 dst ${A[4]} self permanent" \
	"Deleted $M dev vx0 dst ${A[3]} self permanent" \
	"Deleted $M dev vx0 dst ${A[2]} self permanent" \
	"Deleted $M dev vx0 self permanent" \
	"Deleted $M dev vx0 dst ${A[4]} self permanent" \
	"Deleted $M dev vx0 self permanent")
if [ "$got" != "$want" ]; then
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fail "bridge monitor fdb differs (- expected, + got)"
fi
log_ok "bridge monitor fdb: each remote appended and deleted, once"
got=$(grep -v "$SENTINEL" "$KMON" || true)
want=$(printf '%s\n' \
	"added $M dev vx0 dst ${A[2]}" \
	"appended $M dev vx0 dst ${A[3]}" \
	"appended $M dev vx0 dst ${A[4]}" \
	"removed $M dev vx0 dst ${A[3]}" \
	"removed $M dev vx0 dst ${A[2]}" \
	"deleted $M dev vx0 dst ${A[4]}")
if [ "$got" != "$want" ]; then
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fail "kvxlan monitor differs (- expected, + got)"
fi
log_ok "kvxlan monitor: added, appended, removed, deleted"

BIG=600
log_step "6. $BIG remotes for $M: dumps in several parts"
for ((i = 0; i < BIG; i++)); do
	ul_reply "10.0.$((2 + i / 250)).$((1 + i % 250))"
	echo "fdb append $M dev vx0 dst $REPLY"
done >"$TMP/big"
check_ok "kvxlan -b: $BIG appends" kvx "$h1" -b "$TMP/big"
# (the lists compared by their checksum and length: 600 lines each)
digest() { printf '%s\n' "$1" | cksum; }
want=$(sed 's/.* dst //' "$TMP/big")
check_eq "bridge fdb show: $M's $BIG remotes, each once, in order" \
	"$(digest "$(bridge -n "$h1" fdb show dev vx0 |
		awk -v m="$M" '$1 == m { print $3 }')")" "$(digest "$want")"
check_eq "kvxlan fdb show: $M's $BIG remotes, each once, in order" \
	"$(digest "$(kvx "$h1" -j fdb show dev vx0 |
		jq -r --arg m "$M" '.[] | select(.mac == $m) | .dst')")" \
	"$(digest "$want")"
first=$(head -n1 <<<"$want")
check_ok "kvxlan fdb flush dev vx0 dst $first" \
	kvx "$h1" fdb flush dev vx0 dst "$first"
check_eq "kvxlan fdb show: $M's remotes after the flush" \
	"$(digest "$(kvx "$h1" -j fdb show dev vx0 |
		jq -r --arg m "$M" '.[] | select(.mac == $m) | .dst')")" \
	"$(digest "$(tail -n +2 <<<"$want")")"
check_eq "kvxlan save: an fdb append per remote, in order" \
	"$(digest "$(kvx "$h1" save dev vx0 | grep "^fdb [a-z]* $M ")")" \
	"$(digest "$(tail -n +2 "$TMP/big")")"

MAX=$(uapi_define KVXLAN_FDB_REMOTES_MAX)
log_step "7. $M's list full at KVXLAN_FDB_REMOTES_MAX ($MAX)"
# addresses after those of step 6 (which left BIG - 1 on the list)
# (ul_reply: no process per address)
for ((i = BIG - 1; i < MAX; i++)); do
	ul_reply "10.1.$((1 + i / 250)).$((1 + i % 250))"
	echo "fdb append $M dev vx0 dst $REPLY"
done >"$TMP/fill"
ul_reply "10.1.$((1 + MAX / 250)).$((1 + MAX % 250))"
over=$REPLY		# the (MAX + 1)th remote, the one refused
check_ok "kvxlan -b: $((MAX - BIG + 1)) appends, $MAX remotes" \
	kvx "$h1" -b "$TMP/fill"
count() { kvx "$h1" -j fdb show dev vx0 |
	jq --arg m "$M" '[.[] | select(.mac == $m)] | length'; }
check_eq "kvxlan fdb show: $M's remotes" "$(count)" "$MAX"
# (16: KVXLAN_CMD_FDB_APPEND, a number the uapi never changes, which
# genl_raw.py's table of names does not have)
check_eq "the ${MAX}th + 1 append (genl): E2BIG and the extack message" \
	"$(ip netns exec "$h1" "$PYTHON" "$KSFT_DIR/genl_raw.py" 16 \
		ifindex=dev:vx0 fdb{ mac=mac:"$M" addr=ip:"$over" } |
		sed 's/" .*/"/')" \
	"error errno=E2BIG(7) msg=\"kvxlan: A multicast MAC has at most $MAX remotes\""
check_fail_msg "kvxlan fdb append: refused" "at most $MAX remotes" \
	kvx "$h1" fdb append "$M" dev vx0 dst "$over"
check_fail_msg "bridge fdb append: refused" "at most $MAX remotes" \
	bridge -n "$h1" fdb append "$M" dev vx0 dst "$over"
check_eq "kvxlan fdb show: still $MAX remotes" "$(count)" "$MAX"

exit "$ksft_pass"
