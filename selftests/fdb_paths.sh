#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The FDB and transmit paths no other test reached: each is driven by a
# packet and checked by an exact count, in one two-host lab.
#
#  +------------- h1 --------------+          +------------- h2 -------------+
#  |  vx0 192.168.100.1/24          |          |  vx0 192.168.100.2/24        |
#  |  kvxlan vni 5000, learning on  |          |  kvxlan vni 5000             |
#  |  remote 10.0.0.2               |          |  remote 10.0.0.1             |
#  |  veth0 10.0.0.1/24 ------------+----------+- veth1 10.0.0.2/24          |
#  |  (capture: tcpdump)            |          |                              |
#  +--------------------------------+          +------------------------------+
#
#  1. A static entry is never moved by learning: h1 has MAC2 (h2's vx0) as
#     static behind 10.0.0.9; frames from MAC2 arriving from 10.0.0.2 are
#     delivered, MAC2 stays where it was, nothing is learned or moved; the
#     per-remote receive counters of 10.0.0.2 count them, packets and bytes.
#  2. REPLACE turns a learned entry into a static one (kind, counters).
#  3. max-learned 1 stops learning at one entry (counted as
#     fdb_learn_limit, traffic goes on), max-learned 0 lifts the cap.
#  4. ageing 0: a learned entry outlives several sweeps; set to 2 s, the
#     same entry ages.
#  5. An FDB entry's own port and VNI, and a flood entry's, are what the
#     packet carries on the wire (one capture).
#  6. df inherit (IPv4 underlay): the outer DF bit follows the inner one.
#  7. A flush reports one "deleted" event per entry it removes.
#
# IPv4 underlay only: the paths are the family's common code, and the IPv6
# ones of transmit are covered by wire_format.sh-ipv6.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump ethtool
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup
MAC_A=02:00:00:00:aa:01
MAC_B=02:00:00:00:aa:02

# fdb_kind MAC: "DST KIND" of h1's entry for MAC
fdb_kind() { kvx "$h1" -j fdb get "$1" dev vx0 | jq -r '"\(.dst) \(.kind)"'; }
# stats: h1's vx0 statistics document, read once per checkpoint
stats() { kvx "$h1" -j stats dev vx0; }
# remote_rx DST: "PACKETS BYTES" received from remote DST (h1)
remote_rx()
{
	kvx "$h1" -j stats dev vx0 remotes |
		jq -r --arg d "$1" '.[] | select(.dst == $d) | "\(.rx_packets) \(.rx_bytes)"'
}
# h2_mac MAC: h2's vx0 takes MAC, and h1's neighbour entry follows it
h2_mac()
{
	ip -n "$h2" link set vx0 address "$1"
	static_neigh "$h1" vx0 192.168.100.2 "$1"
}
# ping_h1 COUNT: COUNT pings from h2 to h1, which must be answered
ping_h1() { in_ns "$h2" ping -c "$1" -i 0.1 -W 5 -q 192.168.100.1 >/dev/null; }

log_step "1. a static entry is not moved by learning"
check_ok "fdb add MAC2 (h2's vx0) static behind 10.0.0.9" \
	kvx "$h1" fdb add "$H2_MAC" dev vx0 dst 10.0.0.9
rx0=$(dev_stat "$h1" vx0 rx_packets)
rxb0=$(dev_stat "$h1" vx0 rx_bytes)
# h1's answers go to 10.0.0.9, where nobody is: the pings are not answered
if in_ns "$h2" ping -c 3 -i 0.1 -W 1 -q 192.168.100.1 >/dev/null; then
	fail "h2's pings were answered: h1 sent its replies to 10.0.0.2"
fi
check_eq "h1 vx0 delivered the 3 echo requests" \
	"$(($(dev_stat "$h1" vx0 rx_packets) - rx0))" 3
check_eq "MAC2 still static behind 10.0.0.9" "$(fdb_kind "$H2_MAC")" \
	"10.0.0.9 static"
st=$(stats)
check_eq "counter learned" "$(jq .counters.learned <<<"$st")" 0
check_eq "counter moved" "$(jq .counters.moved <<<"$st")" 0
check_eq "per-remote rx from 10.0.0.2: the 3 frames, as vx0 counted them" \
	"$(remote_rx "$H2_UL")" "3 $(($(dev_stat "$h1" vx0 rx_bytes) - rxb0))"

log_step "2. REPLACE turns a learned entry into a static one"
check_ok "fdb del MAC2" kvx "$h1" fdb del "$H2_MAC" dev vx0
check_ok "h2 pings h1: MAC2 learned behind 10.0.0.2" ping_h1 1
check_eq "MAC2 learned" "$(fdb_kind "$H2_MAC")" "$H2_UL learned"
check_ok "fdb replace MAC2 dst 10.0.0.2" \
	kvx "$h1" fdb replace "$H2_MAC" dev vx0 dst "$H2_UL"
check_eq "MAC2 now static" "$(fdb_kind "$H2_MAC")" "$H2_UL static"
st=$(stats)
check_eq "fdb_learned (entries)" "$(jq .fdb_learned <<<"$st")" 0
check_eq "fdb_static (entries)" "$(jq .fdb_static <<<"$st")" 1
check_eq "counter learned" "$(jq .counters.learned <<<"$st")" 1

log_step "3. max-learned 1 stops learning at one entry; 0 lifts the cap"
check_ok "link set max-learned 1" kvx "$h1" link set vx0 max-learned 1
h2_mac "$MAC_A"
check_ok "h2 as $MAC_A pings h1" ping_h1 1
check_eq "$MAC_A learned" "$(fdb_kind "$MAC_A")" "$H2_UL learned"
h2_mac "$MAC_B"
rx0=$(dev_stat "$h1" vx0 rx_packets)
check_ok "h2 as $MAC_B pings h1: answered though not learned" ping_h1 2
kvx "$h1" fdb get "$MAC_B" dev vx0 >/dev/null 2>&1 &&
	fail "$MAC_B learned beyond max-learned 1"
log_ok "$MAC_B not learned"
# every frame h1 received since came from MAC_B (the echo requests, and
# whatever else h2's stack sent after its address changed)
limit=$(ethtool_stat "$h1" vx0 fdb_learn_limit)
check_eq "fdb_learn_limit: one per frame received from $MAC_B" "$limit" \
	"$(($(dev_stat "$h1" vx0 rx_packets) - rx0))"
check_ge "  at least the 2 echo requests" "$limit" 2
check_ok "link set max-learned 0" kvx "$h1" link set vx0 max-learned 0
check_eq "max_learned 0" "$(kvx "$h1" -j link show vx0 | jq '.[0].max_learned')" 0
check_ok "h2 as $MAC_B pings h1" ping_h1 1
check_eq "$MAC_B learned" "$(fdb_kind "$MAC_B")" "$H2_UL learned"
st=$(stats)
check_eq "fdb_learned (entries)" "$(jq .fdb_learned <<<"$st")" 2
check_eq "fdb_learn_limit unchanged" "$(ethtool_stat "$h1" vx0 fdb_learn_limit)" "$limit"

log_step "4. ageing 0 keeps learned entries; ageing 2 then ages them"
check_ok "link set ageing 0" kvx "$h1" link set vx0 ageing 0
# Several sweeps' worth of time (a sweep runs every second while entries
# are learned): nothing may age.
mac_b_gone() { ! kvx "$h1" fdb get "$MAC_B" dev vx0 >/dev/null 2>&1; }
if slowwait 4 mac_b_gone; then
	fail "$MAC_B aged with ageing 0"
fi
check_eq "counter aged" "$(stats | jq .counters.aged)" 0
check_ok "link set ageing 2" kvx "$h1" link set vx0 ageing 2
slowwait 15 mac_b_gone || fail "$MAC_B did not age with ageing 2"
mac_a_gone() { ! kvx "$h1" fdb get "$MAC_A" dev vx0 >/dev/null 2>&1; }
slowwait 5 mac_a_gone || fail "$MAC_A did not age with ageing 2"
st=$(stats)
check_eq "counter aged" "$(jq .counters.aged <<<"$st")" 2
check_eq "fdb_learned (entries)" "$(jq .fdb_learned <<<"$st")" 0
check_eq "MAC2 (static) stays" "$(fdb_kind "$H2_MAC")" "$H2_UL static"
check_ok "link set ageing 300, learning off" \
	kvx "$h1" link set vx0 ageing 300 learning off

log_step "5. an entry's own port and VNI are on the wire"
MAC_P=02:00:00:00:bb:01
check_ok "fdb add $MAC_P dst 10.0.0.2 port 4790 vni 5001" \
	kvx "$h1" fdb add "$MAC_P" dev vx0 dst "$H2_UL" port 4790 vni 5001
static_neigh "$h1" vx0 192.168.100.3 "$MAC_P"
check_ok "flood replace: 10.0.0.2 port 4791 vni 5002" \
	kvx "$h1" flood replace dev vx0 dst "$H2_UL" port 4791 vni 5002
check_eq "flood list" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -c '[.[] | [.dst, .port, .vni]]')" \
	"[[\"$H2_UL\",4791,5002]]"
capture_start "$h1" veth0 "$TMP/ports.pcap" udp
# nobody answers on 4790/4791: the pings fail, what was sent is counted
in_ns "$h1" ping -c 2 -i 0.1 -W 1 -q 192.168.100.3 >/dev/null && true
# an unknown unicast destination: flooded
static_neigh "$h1" vx0 192.168.100.4 02:00:00:00:bb:02
in_ns "$h1" ping -c 3 -i 0.1 -W 1 -q 192.168.100.4 >/dev/null && true
capture_stop
vni_is() { printf '%s & 0xffffff00 = %d' "$(udp_at 12:4)" $(($1 << 8)); }
check_eq "to $MAC_P: port 4790, VNI 5001" \
	"$(capture_packets "$TMP/ports.pcap" "udp dst port 4790 and $(vni_is 5001)")" 2
check_eq "flooded: port 4791, VNI 5002" \
	"$(capture_packets "$TMP/ports.pcap" "udp dst port 4791 and $(vni_is 5002)")" 3
check_eq "nothing else" "$(capture_packets "$TMP/ports.pcap")" 5

log_step "6. df inherit: the outer DF bit is the inner one's"
if [ "$KVX_FAMILY" = 4 ]; then
	check_ok "link set df inherit" kvx "$h1" link set vx0 df inherit
	capture_start "$h1" veth0 "$TMP/df.pcap" udp
	in_ns "$h1" ping -c 2 -i 0.1 -W 1 -q -M do 192.168.100.4 >/dev/null && true
	in_ns "$h1" ping -c 3 -i 0.1 -W 1 -q -M dont 192.168.100.4 >/dev/null && true
	capture_stop
	check_eq "inner DF set: outer DF set" \
		"$(capture_packets "$TMP/df.pcap" 'ip[6] & 0x40 != 0')" 2
	check_eq "inner DF clear: outer DF clear" \
		"$(capture_packets "$TMP/df.pcap" 'ip[6] & 0x40 = 0')" 3
fi

log_step "7. a flush reports every entry it deletes"
MON=$TMP/monitor.json
ip netns exec "$h1" "$KVXLAN" -j monitor dev vx0 >"$MON" 2>&1 &
MON_PID=$!
defer kill "$MON_PID"
SENTINEL=02:00:00:00:ee:ee
sentinel_seen()
{
	kvx "$h1" fdb replace "$SENTINEL" dev vx0 dst "$H2_UL" >/dev/null &&
		grep -q "$SENTINEL" "$MON"
}
slowwait 20 sentinel_seen || fail "kvxlan monitor printed nothing: $(cat "$MON")"
n=$(stats | jq '.fdb_static + .fdb_learned')
check_eq "entries before the flush (MAC2, $MAC_P, the sentinel)" "$n" 3
check_ok "fdb flush dev vx0" kvx "$h1" fdb flush dev vx0
check_eq "entries after" "$(stats | jq '.fdb_static + .fdb_learned')" 0
deleted() { [ "$(jq -r 'select(.event == "deleted") | .mac' "$MON" | wc -l)" -ge "$n" ]; }
slowwait 10 deleted || fail "not $n deleted events: $(cat "$MON")"
kill "$MON_PID"
wait "$MON_PID" 2>/dev/null || true
check_eq "deleted events, one per entry" \
	"$(jq -r 'select(.event == "deleted") | .mac' "$MON" | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$H2_MAC" "$MAC_P" "$SENTINEL" | sort | tr '\n' ' ')"

exit "$ksft_pass"
