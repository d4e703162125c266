#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FDB replace is atomic for the transmit path: a frame leaves with the
# (remote, port, VNI) of one replace, never a mix of two.
#
#  +------------------- h1 --------------------+    +-------- h2 ---------+
#  |  vx0 192.168.100.1/24, kvxlan vni 5000     |    |  (no VTEP: only     |
#  |  192.168.100.9 -> MAC_T (static neighbour) |    |   the capture)      |
#  |  MAC_T: replaced REPLACES times, in turn   |    |                     |
#  |    A = dst 10.0.0.2 port 4789 vni 100      |    |  veth1 10.0.0.2/24  |
#  |    B = dst 10.0.0.3 port 4790 vni 200      |    |        10.0.0.3/24  |
#  |  frame_send to MAC_T on vx0 meanwhile      |    |  tcpdump: udp to    |
#  |  veth0 10.0.0.1/24 ------------------------+----+- 4789 and 4790      |
#  +--------------------------------------------+    +---------------------+
#
# 1. A `kvxlan -b` batch of REPLACES (10000) `fdb replace` of MAC_T,
#    alternating A and B, runs while frame_send sends frames to MAC_T on
#    vx0 as fast as it can; h2 captures (up to CAPTURE, 30000) the outer
#    packets. Every captured packet carries A's or B's triple (tshark,
#    once): zero packets with a mixed (remote, port, VNI); and both
#    triples were seen often enough for the capture to have overlapped
#    the storm.
# 2. After the storm: the entry is B, static; the remotes hold what they
#    should (10.0.0.3: one FDB reference; 10.0.0.2: gone with its last
#    entry), fdb_static is 1, and a replace keeps the entry's history
#    (hits did not start over).
#
# The old module wrote the remote, then the port, then the VNI of the
# entry in place: on a machine with more than one CPU a concurrent
# transmit could read the new remote with the old VNI. On a one-vCPU guest
# the writer's section (spin_lock_bh) cannot be interrupted by a
# transmit, so there step 1 passes on the old module too; it is the
# regression test of the published-whole entry (fdb.c: kvx_fdb_swap()).
#
# IPv4 underlay only: the entry's publication is the family's common code.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump tshark
require_kvxlan

REPLACES=${KVX_REPLACES:-10000}
FRAMES=200000	# more than the storm lasts: stopped after it
CAPTURE=30000	# packets at most: tshark reads them in seconds
require_frames
MAC_T=02:00:00:00:cc:01
TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
ip -n "$h2" addr add 10.0.0.3/24 dev veth1
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 dev veth0
overlay_up "$h1" vx0 192.168.100.1/24
static_neigh "$h1" vx0 192.168.100.9 "$MAC_T"
wait_underlay "$h1" 10.0.0.2
wait_underlay "$h1" 10.0.0.3
check_ok "fdb add MAC_T (A)" \
	kvx "$h1" fdb add "$MAC_T" dev vx0 dst 10.0.0.2 port 4789 vni 100
# hits before the storm: a replace must carry them over
in_ns "$h1" ping -c 3 -i 0.1 -W 1 -q 192.168.100.9 >/dev/null || true
hits0=$(kvx "$h1" -j fdb get "$MAC_T" dev vx0 | jq .hits)
check_eq "hits of MAC_T before the storm" "$hits0" 3

log_step "1. $REPLACES replaces of MAC_T under traffic"
awk -v n="$REPLACES" -v m="$MAC_T" 'BEGIN {
	for (i = 0; i < n; i++)
		if (i % 2)
			printf "fdb replace %s dev vx0 dst 10.0.0.2 port 4789 vni 100\n", m
		else
			printf "fdb replace %s dev vx0 dst 10.0.0.3 port 4790 vni 200\n", m
}' >"$TMP/batch"
# One 60-byte frame (frame_send fills in both MACs), sent FRAMES times.
printf 'burst %s88b5%s\n' "$(printf '0%.0s' {1..24})" \
	"$(printf '0%.0s' {1..92})" >"$TMP/frames"
capture_start "$h2" veth1 "$TMP/cap" -s 96 -c "$CAPTURE" \
	udp and '(dst port 4789 or dst port 4790)'
# The sender and the batch side by side: on a one-vCPU guest the
# scheduler switches between them every few milliseconds.
# (ip netns exec execs frame_send: $! is the sender itself)
ip netns exec "$h1" "$FRAME_SEND" vx0 "$MAC_T" "$TMP/frames" burst "$FRAMES" \
	>"$TMP/send.log" 2>&1 &
send_pid=$!
defer kill "$send_pid"
t=$(date +%s%N)
kvx "$h1" -b "$TMP/batch" || fail "kvxlan -b: $REPLACES fdb replace"
storm_ms=$((($(date +%s%N) - t) / 1000000))
kill "$send_pid" 2>/dev/null || true
wait "$send_pid" 2>/dev/null && rc=0 || rc=$?
# 143: stopped by the kill above; anything else but 0 is its own error
[ "$rc" = 0 ] || [ "$rc" = 143 ] ||
	fail "frame_send (exit $rc): $(cat "$TMP/send.log")"
capture_stop
log "# figure: fdb_replace_storm_seconds $(awk -v m="$storm_ms" 'BEGIN { printf "%.2f", m / 1000 }')"

# One tshark pass: "dst port vni" per outer packet.
# (the first ip.dst: the outer header's, not the inner packet's)
tshark -n -r "$TMP/cap" -d udp.port==4789,vxlan -d udp.port==4790,vxlan \
	-T fields -E occurrence=f -e ip.dst -e udp.dstport -e vxlan.vni \
	2>/dev/null |
	sort | uniq -c >"$TMP/triples"
log "# (count, dst, port, vni) on the wire:"
sed 's/^/#   /' "$TMP/triples"
count_of() { awk -v d="$1" -v p="$2" -v v="$3" \
	'$2 == d && $3 == p && $4 == v { n += $1 } END { print n + 0 }' \
	"$TMP/triples"; }
n_a=$(count_of 10.0.0.2 4789 100)
n_b=$(count_of 10.0.0.3 4790 200)
total=$(awk '{ n += $1 } END { print n + 0 }' "$TMP/triples")
check_eq "packets with a mixed (remote, port, VNI)" $((total - n_a - n_b)) 0
check_ge "packets of triple A (the storm overlapped the traffic)" "$n_a" 50
check_ge "packets of triple B (the storm overlapped the traffic)" "$n_b" 50

log_step "2. the table after the storm"
e=$(kvx "$h1" -j fdb get "$MAC_T" dev vx0)
# the batch's last line (REPLACES even) is A
if [ $((REPLACES % 2)) = 0 ]; then
	want="10.0.0.2 4789 100 static"
else
	want="10.0.0.3 4790 200 static"
fi
check_eq "MAC_T is the last replace's" \
	"$(jq -r '"\(.dst) \(.port) \(.vni) \(.kind)"' <<<"$e")" "$want"
# (the frames captured, less a tenth: a transmit that looked the entry up
# just before a replace counts its frame in the replaced entry)
check_ge "hits of MAC_T went on from before the storm" \
	"$(jq .hits <<<"$e")" $((hits0 + (n_a + n_b) * 9 / 10))
check_eq "fdb_static" "$(kvx "$h1" -j stats dev vx0 | jq .fdb_static)" 1
check_eq "remotes: the last replace's, with one FDB reference" \
	"$(kvx "$h1" -j stats dev vx0 remotes |
		jq -c '[.[] | [.dst, .fdb_refs]]')" \
	"[[\"${want%% *}\",1]]"

exit "$ksft_pass"
