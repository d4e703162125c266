#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP checksums of the outer header: over IPv6 computed, and a zero one
# dropped and counted, unless configured (RFC 6935, 6936); over IPv4 zero
# unless `udpcsum on` (RFC 7348).
#
#  +--------------------------------+          +--------------------------------+
#  | h1                             |          | h2                             |
#  |  vx0 192.168.100.1/24          |          |  vx0 192.168.100.2/24          |
#  |   kvxlan vni 5000              |          |   kvxlan vni 5000              |
#  |   local fd00::1 remote fd00::2 |          |   local fd00::2 remote fd00::1 |
#  |  vx4 192.168.104.1/24          |          |  vx4 192.168.104.2/24          |
#  |   kvxlan vni 5004              |          |   kvxlan vni 5004              |
#  |   local 10.0.0.1 remote .2     |          |   local 10.0.0.2 remote .1     |
#  |                                |          |  scapy's frames: frame_send    |
#  |  veth0 fd00::1/64 10.0.0.1/24 -+----------+- veth1 fd00::2/64 10.0.0.2/24   |
#  |   (tx checksum offload off)    |          |   ^ tcpdump -w                 |
#  +--------------------------------+          +--------------------------------+
#
# 1. Receive: h2 sends h1 three IPv6 VXLAN packets with UDP checksum 0,
#    then one with its checksum, that scapy (an independent writer) built
#    on the host (frames.py, at `make -C selftests` time: the set zeros of
#    udp6_zero_csum.frames, replayed by frame_send; h1's vx0 gets the MAC
#    they carry as inner destination).  While
#    udp6zerocsumrx is off (the default) the three are dropped and counted
#    exactly in h1 vx0's rx_drop_udp6_zero_csum, the last one is delivered;
#    with `udp6zerocsumrx on` all four are delivered and nothing is counted.
# 2. Transmit, captured on h2's veth1 and checked by tshark: h1's vx0
#    computes the IPv6 UDP checksum (non-zero, valid) by default, and sends
#    0 with `udp6zerocsumtx on`, which h2 drops and counts until it turns
#    udp6zerocsumrx on.  h1's veth0 computes checksums in software: on a
#    veth with offload the stack would leave them partial, never filled.
# 3. IPv4 (vx4): checksum 0 by default, computed and valid with `udpcsum
#    on`.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping ethtool tcpdump tshark
require_kvxlan
require_frames udp6_zero_csum

N=3
ZEROS=3		# the zero_csum packets of the set zeros (frames.py)
check_eq "$FRAMES: the set zeros" \
	"$(sed -n 's/^#zeros \([^ ]*\) .*/\1/p' "$FRAMES" | paste -sd' ')" \
	"$(printf 'zero_csum %.0s' $(seq "$ZEROS"))valid"
TMP=$(mktemp -d)
defer rm -rf "$TMP"

zero_drops() { ethtool_stat "$1" vx0 rx_drop_udp6_zero_csum; }

# check_flag DESC NS DEV KEY on|off: a boolean of `kvxlan -j link show`
check_flag()
{
	local v
	v=$(kvx "$2" -j link show "$3" | jq -r ".[0].$4")
	case "$5:$v" in
	on:true | on:on | on:1 | off:false | off:off | off:0) log_ok "$1 ($v)" ;;
	*) fail "$1: $4 is '$v', expected $5" ;;
	esac
}

# inject: the set zeros (zero_csum x ZEROS, valid) from h2's veth1 to h1
# fd00::1
inject()
{
	sed -n 's/^#zeros /    /p' "$FRAMES"
	in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" zeros |
		sed 's/^/    /'
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "frame_send failed"
}

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 fd00::1/64 "$h2" veth1 fd00::2/64
addr_add "$h1" veth0 10.0.0.1/24
addr_add "$h2" veth1 10.0.0.2/24
in_ns "$h1" ethtool -K veth0 tx off >/dev/null ||
	fail "ethtool -K veth0 tx off"
kvx_add "$h1" vx0 vni 5000 local fd00::1 remote fd00::2 dev veth0
kvx_add "$h2" vx0 vni 5000 local fd00::2 remote fd00::1 dev veth1
kvx_add "$h1" vx4 vni 5004 local 10.0.0.1 remote 10.0.0.2 dev veth0
kvx_add "$h2" vx4 vni 5004 local 10.0.0.2 remote 10.0.0.1 dev veth1
VX0_MAC=$(awk '$1 == "mac" && $2 == "vx0" { print $3 }' "$FRAMES")
ip -n "$h1" link set dev vx0 address "$VX0_MAC" ||
	fail "ip link set vx0 address $VX0_MAC"
for i in 1 2; do
	ns=$h1
	[ "$i" = 2 ] && ns=$h2
	overlay_up "$ns" vx0 "192.168.100.$i/24"
	overlay_up "$ns" vx4 "192.168.104.$i/24"
done
check_eq "h1 vx0 MAC" "$(link_mac "$h1" vx0)" "$VX0_MAC"
VETH0_MAC=$(link_mac "$h1" veth0)
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vx0)"
static_neigh "$h2" vx0 192.168.100.1 "$VX0_MAC"
static_neigh "$h1" vx4 192.168.104.2 "$(link_mac "$h2" vx4)"
static_neigh "$h2" vx4 192.168.104.1 "$(link_mac "$h1" vx4)"
wait_underlay "$h1" fd00::2
wait_underlay "$h1" 10.0.0.2

kvx "$h1" -j link show vx0 | jq -c '.[0]' | sed 's/^/    /'
check_flag "h1 vx0 udp6zerocsumtx off by default" "$h1" vx0 udp_zero_csum6_tx off
check_flag "h1 vx0 udp6zerocsumrx off by default" "$h1" vx0 udp_zero_csum6_rx off
check_flag "h1 vx4 udpcsum off by default" "$h1" vx4 udp_csum off
check_eq "h1 vx0 rx_drop_udp6_zero_csum" "$(zero_drops "$h1")" 0

log_step "1. receive: $ZEROS zero checksums, then a valid one (udp6zerocsumrx off)"
rx=$(dev_stat "$h1" vx0 rx_packets)
rxdrop=$(dev_stat "$h1" vx0 rx_dropped)
inject
v=$(wait_counter 20 $((rx + 1)) dev_stat "$h1" vx0 rx_packets) ||
	fail "h1 vx0 rx_packets $v: the valid packet did not arrive"
check_eq "h1 vx0 rx_packets (the valid one only)" "$v" $((rx + 1))
check_eq "h1 vx0 rx_drop_udp6_zero_csum" "$(zero_drops "$h1")" "$ZEROS"
check_eq "h1 vx0 rx_dropped" "$(dev_stat "$h1" vx0 rx_dropped)" \
	$((rxdrop + ZEROS))
for i in $(seq "$ZEROS"); do
	kvx "$h1" fdb get "02:00:00:00:bb:0$i" dev vx0 >/dev/null 2>&1 &&
		fail "a zero-checksum frame was learned (02:00:00:00:bb:0$i)"
done
log_ok "no zero-checksum frame learned"

log_step "1. receive, udp6zerocsumrx on: all delivered"
check_ok "link set vx0 udp6zerocsumrx on" \
	kvx "$h1" link set vx0 udp6zerocsumrx on
check_flag "h1 vx0 udp6zerocsumrx" "$h1" vx0 udp_zero_csum6_rx on
rx=$(dev_stat "$h1" vx0 rx_packets)
inject
v=$(wait_counter 20 $((rx + ZEROS + 1)) dev_stat "$h1" vx0 rx_packets) ||
	fail "h1 vx0 rx_packets $v, expected $((rx + ZEROS + 1))"
check_eq "h1 vx0 rx_packets (all of them)" "$v" $((rx + ZEROS + 1))
check_eq "h1 vx0 rx_drop_udp6_zero_csum unchanged" "$(zero_drops "$h1")" "$ZEROS"
kvx "$h1" link set vx0 udp6zerocsumrx off || fail "udp6zerocsumrx off"

log_step "2. and 3. transmit: captured on h2"
capture_start "$h2" veth1 "$TMP/csum.pcap" udp port 4789 and \
	'(src host fd00::1 or src host 10.0.0.1)'
check_ok "IPv6: ping -c $N (udp6zerocsumtx off)" \
	in_ns "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_ok "IPv4: ping -c $N (udpcsum off)" \
	in_ns "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.104.2
check_ok "link set vx4 udpcsum on" kvx "$h1" link set vx4 udpcsum on
check_ok "IPv4: ping -c $N (udpcsum on)" \
	in_ns "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.104.2
check_ok "link set vx0 udp6zerocsumtx on" \
	kvx "$h1" link set vx0 udp6zerocsumtx on
rx2=$(dev_stat "$h2" vx0 rx_packets)
in_ns "$h1" ping -c "$N" -i 0.05 -W 1 -q 192.168.100.2 >/dev/null 2>&1 &&
	fail "ping answered: h2 accepted zero UDP checksums with udp6zerocsumrx off"
v=$(wait_counter 10 "$N" zero_drops "$h2") ||
	fail "h2 rx_drop_udp6_zero_csum $v, expected $N"
check_eq "h2 vx0 rx_drop_udp6_zero_csum (h1's zero checksums)" "$v" "$N"
check_eq "h2 vx0 rx_packets unchanged" "$(dev_stat "$h2" vx0 rx_packets)" "$rx2"
check_ok "h2: link set vx0 udp6zerocsumrx on" \
	kvx "$h2" link set vx0 udp6zerocsumrx on
check_ok "IPv6: ping -c $N (udp6zerocsumtx on, h2 udp6zerocsumrx on)" \
	in_ns "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "h2 vx0 rx_drop_udp6_zero_csum unchanged" "$(zero_drops "$h2")" "$N"
slowwait 10 value_ge $((5 * N)) capture_packets "$TMP/csum.pcap" >/dev/null ||
	fail "capture: $(capture_packets "$TMP/csum.pcap") packets, expected $((5 * N))"
capture_stop

# one line per packet from h1, in order: "FAMILY CHECKSUM STATUS"
# (status: 0 bad, 1 good, 2 unverified, 3 not present, 4 illegal)
tshark_vxlan "$TMP/csum.pcap" -o udp.check_checksum:TRUE -Y vxlan \
	-T fields -E occurrence=f -e ipv6.src -e udp.checksum \
	-e udp.checksum.status | awk -F'\t' '{
		print ($1 != "" ? 6 : 4), $2, $3 }' >"$TMP/csum.txt"
sed 's/^/    /' "$TMP/csum.txt" | uniq -c
v6=$(awk '$1 == 6' "$TMP/csum.txt")
v4=$(awk '$1 == 4' "$TMP/csum.txt")
check_eq "IPv6 packets captured" "$(grep -c . <<<"$v6")" $((3 * N))
check_eq "IPv4 packets captured" "$(grep -c . <<<"$v4")" $((2 * N))
check_eq "IPv6, udp6zerocsumtx off: valid non-zero checksums" \
	"$(head -n "$N" <<<"$v6" | awk '$2 != "0x0000" && $3 == 1' | wc -l)" "$N"
check_eq "IPv6, udp6zerocsumtx on: checksum 0" \
	"$(tail -n $((2 * N)) <<<"$v6" | awk '$2 == "0x0000"' | wc -l)" $((2 * N))
check_eq "IPv4, udpcsum off: checksum 0" \
	"$(head -n "$N" <<<"$v4" | awk '$2 == "0x0000"' | wc -l)" "$N"
check_eq "IPv4, udpcsum on: valid non-zero checksums" \
	"$(tail -n "$N" <<<"$v4" | awk '$2 != "0x0000" && $3 == 1' | wc -l)" "$N"

exit "$ksft_pass"
