#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed VXLAN packets are dropped and counted once, under their reason.
#
#  +------------------------------+          +---------------------------+
#  | h1                           |          | h2 (no VXLAN device)      |
#  |  vx0 192.168.100.1/24        |          |  scapy's frames:          |
#  |  kvxlan vni 5000, mtu 1500   |          |  frame_send on veth1      |
#  |  remote 10.0.0.2, learning   |          |                           |
#  |  vx1 kvxlan vni 5001, down   |          |                           |
#  |  veth0 10.0.0.1/24 ----------+----------+- veth1 10.0.0.2/24        |
#  |    (fd00::1/64) mtu 9000     |          |   (fd00::2/64) mtu 9000   |
#  +------------------------------+          +---------------------------+
#
# h2 sends one packet per case to 10.0.0.1:4789, all the malformed ones
# first, then a valid one, as scapy (an independent writer of the wire
# format) built them on the host: frames.py, at `make -C selftests` time,
# writes malformed.frames with vxlan_inject.py, frame_send replays them
# (no python starts in the guest), and h1's vx0 gets the MAC they carry as
# inner destination.
# Once the valid one has arrived (vx0 rx_packets + 2: the positive controls,
# a plain valid packet and one whose outer CE mark must be copied onto its
# ECT(0) inner packet, RFC 6040) every /proc/net/kvxlan and `ethtool -S`
# counter must have moved by exactly the number of packets of its kind,
# `ip -s link` must show the device's drops, and no malformed inner frame
# may have been delivered or learned.
#
# The cases (vxlan_inject.py has the details): I flag clear; each of the
# 7 reserved flag bits, 24 reserved bits before the VNI and 8 after it
# set, one packet per bit (and the GBP G bit); UDP payload shorter than the
# VXLAN header, and empty; unknown VNI; the VNI of a device that is down;
# inner frame shorter than an Ethernet header; outer CE on a Not-ECT inner
# packet; inner source MAC multicast, zero, or the device's own; an inner
# frame longer than the MTU (veths at 9000 bytes let it reach kvxlan).
# (IPv6 with a zero UDP checksum: udp6_zero_csum.sh.)
#
# A second round sends every packet again as 8-byte IP fragments (the
# UDP header, then the VXLAN header, then the inner frame 8 bytes at a
# time): reassembled, each is a non-linear skb whose headers cross
# fragments.  Every counter must move again by exactly the same amount.
#
# malformed.sh-ipv6: the same packets over an IPv6 underlay (KVX_FAMILY=6,
# from fd00::2 to fd00::1, valid UDP checksums; frames.py fragments them
# with IPv6 fragment headers), the same exact counters, Ip6ReasmOKs for
# the second round.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool bridge tcpdump
require_kvxlan
require_frames malformed

F=$KVX_FAMILY		# the frames' sets: plain4, frag4, plain6, frag6
A1=$(ul 10.0.0.1)
A2=$(ul 10.0.0.2)

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
ip -n "$h1" link set veth0 mtu 9000
ip -n "$h2" link set veth1 mtu 9000
kvx_add "$h1" vx0 vni 5000 local "$A1" remote "$A2" dev veth0 mtu 1500
kvx_add "$h1" vx1 vni 5001 local "$A1" dev veth0
VX0_MAC=$(awk '$1 == "mac" && $2 == "vx0" { print $3 }' "$FRAMES")
ip -n "$h1" link set dev vx0 address "$VX0_MAC" ||
	fail "ip link set vx0 address $VX0_MAC"
overlay_up "$h1" vx0 192.168.100.1/24
check_eq "h1 vx0 MAC (the frames' inner destination)" \
	"$(link_mac "$h1" vx0)" "$VX0_MAC"
VETH0_MAC=$(link_mac "$h1" veth0)
wait_underlay "$h2" "$A1"

proc_keys="rx_drop_short_header rx_drop_no_vni_flag rx_drop_reserved_bits rx_drop_unknown_vni"
eth_keys="rx_drop_short_inner rx_drop_ecn rx_drop_bad_src_mac rx_drop_own_mac rx_drop_oversize"
TMP=$(mktemp -d)
defer rm -rf "$TMP"

kvx_proc "$h1" | sed 's/^/    /'
declare -A before
for k in $proc_keys; do
	before[$k]=$(kvx_proc_stat "$h1" "$k") || fail "/proc/net/kvxlan lacks $k"
done
for k in $eth_keys; do
	before[$k]=$(ethtool_stat "$h1" vx0 "$k") || fail "ethtool -S vx0 lacks $k"
done
rx_before=$(dev_stat "$h1" vx0 rx_packets)
rxdrop_before=$(dev_stat "$h1" vx0 rx_dropped)

# case -> the counter it must move
declare -A expect=(
	[no_i_flag]=rx_drop_no_vni_flag
	[flag_bit]=rx_drop_reserved_bits
	[gbp_bit]=rx_drop_reserved_bits
	[reserved1]=rx_drop_reserved_bits
	[reserved2]=rx_drop_reserved_bits
	[short_header]=rx_drop_short_header
	[empty]=rx_drop_short_header
	[unknown_vni]=rx_drop_unknown_vni
	[short_inner]=rx_drop_short_inner
	[ecn_ce_not_ect]=rx_drop_ecn
	[down_vni]=rx_drop_unknown_vni
	[src_mcast]=rx_drop_bad_src_mac
	[src_zero]=rx_drop_bad_src_mac
	[src_own]=rx_drop_own_mac
	[oversize]=rx_drop_oversize
)
cases="no_i_flag flag_bit gbp_bit reserved1 reserved2 short_header empty unknown_vni short_inner ecn_ce_not_ect down_vni src_mcast src_zero src_own oversize"
for b in 0 1 2 4 5 6 7; do
	cases+=" flagbit:$b"
	expect[flagbit:$b]=rx_drop_reserved_bits
done
for b in $(seq 0 23); do
	cases+=" res1bit:$b"
	expect[res1bit:$b]=rx_drop_reserved_bits
done
for b in $(seq 0 7); do
	cases+=" res2bit:$b"
	expect[res2bit:$b]=rx_drop_reserved_bits
done
log "    $(wc -w <<<"$cases") malformed packets per round"
# the frames were built from the same cases, then ecn_ce_ect0 and valid
check_eq "$FRAMES: the cases of the set plain$F" \
	"$(sed -n "s/^#plain$F \([^ ]*\) .*/\1/p" "$FRAMES" | paste -sd' ')" \
	"$cases ecn_ce_ect0 valid"
# delivered: ecn_ce_ect0 and valid

log_step "send: $cases, then ecn_ce_ect0 and valid"
capture_start "$h1" vx0 "$TMP/vx0.pcap" icmp and src host 192.168.100.2
sed -n "s/^#plain$F /    /p" "$FRAMES"
in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" "plain$F" | sed 's/^/    /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "frame_send failed"

log_step "positive controls: the two valid packets are delivered"
v=$(wait_counter 20 $((rx_before + 2)) dev_stat "$h1" vx0 rx_packets) ||
	fail "valid VXLAN packets not delivered: vx0 rx_packets $v, expected $((rx_before + 2))"
check_eq "vx0 rx_packets" "$v" $((rx_before + 2))
slowwait 10 value_ge 2 capture_count "$TMP/vx0.pcap" >/dev/null ||
	fail "expected 2 ICMP echo requests on vx0, got $(capture_count "$TMP/vx0.pcap")"
capture_stop
tcpdump -nv -r "$TMP/vx0.pcap" 2>/dev/null | sed 's/^/    /'
check_eq "inner packets delivered on vx0" "$(capture_count "$TMP/vx0.pcap")" 2
check_eq "outer CE copied onto the ECT(0) inner packet" \
	"$(capture_count "$TMP/vx0.pcap" 'ip[1] & 3 == 3')" 1
check_eq "the plain packet stays Not-ECT" \
	"$(capture_count "$TMP/vx0.pcap" 'ip[1] & 3 == 0')" 1

log_step "each malformed packet counted once, under its reason"
kvx_proc "$h1" | sed 's/^/    /'
in_ns "$h1" ethtool -S vx0 | sed 's/^/    /'
declare -A want
for k in $proc_keys $eth_keys; do
	want[$k]=${before[$k]}
done
for c in $cases; do
	k=${expect[$c]}
	want[$k]=$((want[$k] + 1))
done
for k in $proc_keys; do
	check_eq "/proc/net/kvxlan $k" "$(kvx_proc_stat "$h1" "$k")" "${want[$k]}"
done
for k in $eth_keys; do
	check_eq "ethtool -S vx0 $k" "$(ethtool_stat "$h1" vx0 "$k")" "${want[$k]}"
done
dev_drops=0
for k in $eth_keys; do
	dev_drops=$((dev_drops + want[$k] - before[$k]))
done
check_eq "ip -s link: vx0 rx_dropped counts the device's drops" \
	"$(dev_stat "$h1" vx0 rx_dropped)" $((rxdrop_before + dev_drops))

log_step "nothing malformed was learned"
# Both listings must work (a failed one would list nothing) and show the
# positive controls' source MAC, learned behind h2.
fdb=$(bridge -n "$h1" fdb show dev vx0) || fail "bridge fdb show dev vx0 failed"
log "$fdb" | sed 's/^/    /'
if grep -qi "02:00:00:00:bb:" <<<"$fdb"; then
	fail "bridge fdb show lists a MAC from a malformed packet"
fi
log_ok "bridge fdb show: no 02:00:00:00:bb:* entry"
grep -qiE "^02:00:00:00:aa:01 .*dst ${A2//./\\.}( |$)" <<<"$fdb" ||
	fail "bridge fdb show lacks the valid packets' 02:00:00:00:aa:01 dst $A2"
log_ok "bridge fdb show: 02:00:00:00:aa:01 dst $A2 (the positive controls)"
fdb=$(kvx "$h1" fdb show dev vx0) || fail "kvxlan fdb show dev vx0 failed"
log "$fdb" | sed 's/^/    /'
if grep -qi "02:00:00:00:bb:" <<<"$fdb"; then
	fail "kvxlan fdb show lists a MAC from a malformed packet"
fi
log_ok "kvxlan fdb show: no 02:00:00:00:bb:* entry"
fdb=$(kvx "$h1" -j fdb show dev vx0 learned) ||
	fail "kvxlan -j fdb show dev vx0 learned failed"
check_eq "kvxlan fdb show: learned entries (the positive controls' MAC only)" \
	"$(jq -r 'map("\(.mac)>\(.dst)") | sort | join(" ")' <<<"$fdb")" \
	"02:00:00:00:aa:01>$A2"

# reasm_ok: h1's IPv4 ReasmOKs or Ip6ReasmOKs (datagrams reassembled)
reasm_ok()
{
	if [ "$F" = 6 ]; then
		in_ns "$h1" awk '$1 == "Ip6ReasmOKs" { print $2 }' /proc/net/snmp6
		return
	fi
	in_ns "$h1" awk '$1 == "Ip:" && !n { for (i = 2; i <= NF; i++) k[i] = $i; n = 1; next }
		$1 == "Ip:" { for (i = 2; i <= NF; i++) if (k[i] == "ReasmOKs") print $i }' /proc/net/snmp
}
log_step "a second round, in 8-byte IP fragments, moves every counter again by the same amount"
frag_before=$(reasm_ok)
check_eq "$FRAMES: the cases of the set frag$F" \
	"$(sed -n "s/^#frag$F \([^ ]*\) .*/\1/p" "$FRAMES" | paste -sd' ')" \
	"$cases ecn_ce_ect0 valid"
sed -nE "s/^#frag$F ((empty|short_header|valid|oversize) )/    \1/p" "$FRAMES"
in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" "frag$F" >"$TMP/frag.log" ||
	fail "frame_send failed: $(cat "$TMP/frag.log")"
v=$(wait_counter 20 $((rx_before + 4)) dev_stat "$h1" vx0 rx_packets) ||
	fail "second round of valid packets not delivered: rx_packets $v"
check_eq "vx0 rx_packets" "$v" $((rx_before + 4))
frag_after=$(reasm_ok)
# every case but "empty" (8 bytes of IP payload: one fragment, no reassembly)
check_eq "IPv$F datagrams reassembled (Ip${F/4/}ReasmOKs)" \
	$((frag_after - frag_before)) $(($(wc -w <<<"$cases") + 2 - 1))
for k in $proc_keys; do
	check_eq "/proc/net/kvxlan $k" "$(kvx_proc_stat "$h1" "$k")" \
		$((2 * want[$k] - before[$k]))
done
for k in $eth_keys; do
	check_eq "ethtool -S vx0 $k" "$(ethtool_stat "$h1" vx0 "$k")" \
		$((2 * want[$k] - before[$k]))
done

log_step "counters are per namespace"
for k in $proc_keys; do
	check_eq "h2 /proc/net/kvxlan $k" "$(kvx_proc_stat "$h2" "$k")" 0
done

exit "$ksft_pass"
