#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GRO through kvxlan's udp_tunnel gro_receive / gro_complete hooks.
#
#  h1: vx0 192.168.100.1 (kvxlan vni 5000)    h2: vx0 192.168.100.2
#      veth0 10.0.0.1/24 ------------------------- veth1 10.0.0.2/24
#      (fd00::1/64) TSO off                         (fd00::2/64) GRO on/off
#      step 4: qdisc plug, frame_send               ^ tcpdump on vx0
#                                                  vx1 vni 5001 (step 4)
#
# Inner TCP segments can be merged in two places on h2: in the underlay's
# NAPI GRO, where UDP hands the VXLAN packets of kvxlan's socket to
# kvx_gro_receive (this needs veth1's NAPI: GRO on veth1 and, on the
# sender, TSO off on veth0, else veth skips NAPI), and after decapsulation
# in vx0's gro_cells (GRO on vx0).  Merged frames show up on h2's vx0
# (tcpdump) longer than its MTU.  Each path is checked with the other off:
#
# 1. GRO on veth1, off on vx0: the udp_tunnel hooks merge.
# 2. GRO off on veth1, on on vx0: gro_cells merge.
# 3. GRO off on both (the control): no frame longer than the MTU.
# Each time a 2 MiB TCP transfer h1 -> h2 must arrive intact.
# 4. A burst of prebuilt frames (frames.py, gro.frames: scapy on the host,
#    replayed by frame_send from h1's veth0, h1's vx0 down): 8 TCP segments
#    of one inner flow for VNI 5000 (1000 bytes each) and 8 for VNI 5001
#    (600 bytes), interleaved, all from one outer UDP port and with the
#    same inner headers (only the VNI tells them apart), and after each of
#    the first four pairs a malformed VXLAN packet from the same port: a
#    reserved flag bit, the I flag clear, an unknown VNI (777), a reserved
#    bit after the VNI.  A plug qdisc on veth0 holds the burst and releases
#    it at once, so that veth1's NAPI sees it in one poll.
#    a. GRO on veth1 (vx0, vx1 GRO off): kvx_gro_receive keeps the two
#       VNIs apart and merges each flow whole: vx0 receives exactly 1
#       packet of 40 + 8 * 1000 bytes, vx1 exactly 1 of 40 + 8 * 600 (the
#       device counts bytes from the inner IP header); the malformed
#       headers are not merged but flushed to kvxlan's receive, which drops
#       and counts each once (/proc/net/kvxlan rx_drop_reserved_bits 2,
#       rx_drop_no_vni_flag 1, rx_drop_unknown_vni 1: the unknown VNI's
#       packet is a flow of its own in GRO, dropped after it).
#    b. GRO off on veth1 (the control): no NAPI, no merging: 8 packets of
#       1040 and 8 of 640 bytes, the same drops once more.
#    c. GRO on veth1: the 8 segments of VNI 5000's flow alone, in order,
#       their inner source MAC alternating between two (frames.py
#       burstmac): kvx_gro_receive compares the inner Ethernet headers
#       as well, so no two are merged: exactly 8 packets of 1040 bytes
#       on vx0 (merged, they would be 1 of 8040), no drop.
# gro.sh-ipv6: the same over an IPv6 underlay (udp6 GRO).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip ethtool tcpdump nc
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup
ip netns exec "$h1" ethtool -K veth0 tso off gso on >/dev/null
MTU=$(ip -n "$h2" -j link show vx0 | jq '.[0].mtu')
log "    vx0 MTU $MTU"

# big_frames FILE: frames on vx0 longer than the MTU plus the Ethernet header
big_frames() { capture_count "$1" "greater $((MTU + 15))"; }

# transfer NAME: a TCP transfer h1 -> h2 captured on h2's vx0
transfer()
{
	capture_start "$h2" vx0 "$TMP/$1.pcap" tcp
	tcp_transfer "$h1" "$h2" 192.168.100.2 2048
	capture_stop
	log "    $(capture_count "$TMP/$1.pcap") TCP frames on h2's vx0, $(big_frames "$TMP/$1.pcap") longer than the MTU"
}
gro() { ip netns exec "$h2" ethtool -K "$1" gro "$2" >/dev/null; }

log_step "1. GRO on veth1 (kvx_gro_receive), off on vx0"
gro veth1 on
gro vx0 off
transfer tunnel
check_ge "merged frames delivered on vx0" "$(big_frames "$TMP/tunnel.pcap")" 1

log_step "2. GRO off on veth1, on on vx0 (gro_cells)"
gro veth1 off
gro vx0 on
transfer cells
check_ge "merged frames delivered on vx0" "$(big_frames "$TMP/cells.pcap")" 1

log_step "3. GRO off on both (control)"
gro vx0 off
transfer none
check_ge "frames seen" "$(capture_count "$TMP/none.pcap")" 100
check_eq "frames longer than the MTU" "$(big_frames "$TMP/none.pcap")" 0

log_step "4. two VNIs interleaved, with malformed packets"
require_frames gro
require_cmd tc
# gro vni VNI SEGS PAYLOAD: what the burst carries per VNI
read -r _ _ _ SEGS PAY0 < <(grep '^gro vni 5000 ' "$FRAMES")
read -r _ _ _ SEGS1 PAY1 < <(grep '^gro vni 5001 ' "$FRAMES")
[ -n "$SEGS" ] && [ "$SEGS" = "$SEGS1" ] || fail "$FRAMES: no gro vni lines"
declare -A BAD=()
while read -r _ _ k; do
	BAD[$k]=$((${BAD[$k]:-0} + 1))
done < <(grep '^gro bad ' "$FRAMES")
check_eq "malformed packets in the burst" \
	"${BAD[reserved_bits]:-0} ${BAD[no_vni_flag]:-0} ${BAD[unknown_vni]:-0}" "2 1 1"
INNER_MAC=$(awk '$1 == "mac" && $2 == "vx0" { print $3 }' "$FRAMES")
ip -n "$h1" link set vx0 down	# nothing else reaches h2's devices
kvx_add "$h2" vx1 vni 5001 local "$H2_UL" dev veth1
for d in vx0 vx1; do
	ip -n "$h2" link set "$d" address "$INNER_MAC" ||
		fail "ip link set $d address $INNER_MAC"
done
overlay_up "$h2" vx1 192.168.101.2/24
gro vx1 off
VETH1_MAC=$(link_mac "$h2" veth1)

# state: vx0 and vx1 rx_packets and rx_bytes, and h2's malformed-packet
# counters, on one line
state()
{
	local s="" d k p
	for d in vx0 vx1; do
		dev_stats_read "$h2" "$d" || return 1
		s+="${DEV_STATS[rx_packets]} ${DEV_STATS[rx_bytes]} "
	done
	p=$(kvx_proc "$h2") || return 1
	for k in reserved_bits no_vni_flag unknown_vni; do
		[[ $p =~ rx_drop_$k\ ([0-9]+) ]] || return 1
		s+="${BASH_REMATCH[1]} "
	done
	echo "${s% }"
}
# reached WANT: every field of state is at least WANT's
reached()
{
	local s have i
	s=$(state) || return 1
	read -ra have <<<"$s"
	echo "${have[*]}"
	for i in "${!WANT[@]}"; do
		[ "${have[i]:-0}" -ge "${WANT[i]}" ] || return 1
	done
}
# burst PKTS0 BYTES0 PKTS1 BYTES1 [SET]: send the burst (or the frames'
# SET, without malformed packets) in one release; vx0 and vx1 must receive
# exactly that much more, each drop counter move by its malformed packets
burst()
{
	local s before set=${5:-burst} bad=1
	[ "$set" = burst ] || bad=0
	s=$(state) || fail "reading h2's counters"
	read -ra before <<<"$s"
	WANT=($((before[0] + $1)) $((before[1] + $2))
	      $((before[2] + $3)) $((before[3] + $4))
	      $((before[4] + bad * BAD[reserved_bits]))
	      $((before[5] + bad * BAD[no_vni_flag]))
	      $((before[6] + bad * BAD[unknown_vni])))
	tc -n "$h1" qdisc add dev veth0 root plug ||
		fail "tc qdisc add dev veth0 root plug"
	in_ns "$h1" "$FRAME_SEND" veth0 "$VETH1_MAC" "$FRAMES" \
		"$set$KVX_FAMILY" | sed 's/^/    /'
	[ "${PIPESTATUS[0]}" = 0 ] || fail "frame_send $set$KVX_FAMILY"
	tc -n "$h1" qdisc change dev veth0 root plug release_indefinite ||
		fail "tc qdisc change dev veth0 root plug release_indefinite"
	# what reached read last: the burst is handled in one softirq, the
	# first reading at or past WANT is the final one
	s=$(slowwait 10 reached) || true
	tc -n "$h1" qdisc del dev veth0 root
	check_eq "vx0 rx_packets rx_bytes, vx1 rx_packets rx_bytes, h2's rx_drop_reserved_bits no_vni_flag unknown_vni" \
		"$s" "${WANT[*]}"
}

log_step "4a. GRO on veth1: each VNI's flow merged whole"
gro veth1 on
gro vx0 off
burst 1 $((40 + SEGS * PAY0)) 1 $((40 + SEGS * PAY1))

log_step "4b. GRO off on veth1: nothing merged"
gro veth1 off
burst "$SEGS" $((SEGS * (40 + PAY0))) "$SEGS" $((SEGS * (40 + PAY1)))

log_step "4c. GRO on veth1: one flow from two inner MACs in turn, not merged"
gro veth1 on
burst "$SEGS" $((SEGS * (40 + PAY0))) 0 0 burstmac

exit "$ksft_pass"
