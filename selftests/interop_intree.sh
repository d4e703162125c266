#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan against the in-tree Linux vxlan driver.
#
#  +---------------------------+          +---------------------------+
#  | h1                        |          | h2                        |
#  |  vx0 192.168.100.1/24     |          |  vxl0 192.168.100.2/24    |
#  |  kvxlan vni 5000          |          |  type vxlan id 5000       |
#  |  remote 10.0.0.2          |          |  remote 10.0.0.1          |
#  |        |                  |          |  dstport 4789             |
#  |  veth0 10.0.0.1/24 -------+----------+- veth1 10.0.0.2/24        |
#  |       (fd00::1/64)        |          |       (fd00::2/64)        |
#  +---------------------------+          +---------------------------+
#
# Pings both ways with the overlay neighbours pinned (static, so that every
# counted frame is one the test sent; interop_linux.sh resolves ARP between
# the two drivers), checks the exact counters on both ends and that the
# capture shows exactly those packets, with VNI 5000, both ways, then moves
# 2 MiB of TCP each way intact.  interop_intree.sh-ipv6 does the same
# over IPv6 (fd00::1, fd00::2; both drivers' defaults: UDP checksums
# computed, MTU underlay - 70).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump tshark nc ss
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"
N=5
MTU=$((1500 - UL_OVERHEAD))
A1=$(ul 10.0.0.1)
A2=$(ul 10.0.0.2)

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
kvx_add "$h1" vx0 vni 5000 local "$A1" remote "$A2" dev veth0
if ! ip -n "$h2" link add vxl0 type vxlan id 5000 remote "$A1" \
	local "$A2" dstport 4789 dev veth1 2>"$TMP/err"; then
	cat "$TMP/err"
	# The peer is the point of this test: its absence is a skip, never
	# silently (skip() fails under CI).
	skip "the in-tree vxlan driver is not available"
fi
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h2" vxl0 192.168.100.2/24
check_eq "in-tree vxl0 mtu" "$(ip -n "$h2" -j link show vxl0 | jq '.[0].mtu')" "$MTU"
check_eq "kvxlan vx0 mtu" "$(ip -n "$h1" -j link show vx0 | jq '.[0].mtu')" "$MTU"
H1_MAC=$(link_mac "$h1" vx0)
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vxl0)"
static_neigh "$h2" vxl0 192.168.100.1 "$H1_MAC"
wait_underlay "$h1" "$A2"

capture_start "$h1" veth0 "$TMP/cap.pcap" udp port 4789

log_step "ping kvxlan -> in-tree"
check_ok "ping 192.168.100.2 from h1" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2

log_step "ping in-tree -> kvxlan"
check_ok "ping 192.168.100.1 from h2" \
	ip netns exec "$h2" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.1

log_step "large packets both ways (1400-byte ICMP payload)"
check_ok "ping -s 1400 from h1" \
	ip netns exec "$h1" ping -c 2 -i 0.05 -W 5 -q -s 1400 192.168.100.2
check_ok "ping -s 1400 from h2" \
	ip netns exec "$h2" ping -c 2 -i 0.05 -W 5 -q -s 1400 192.168.100.1

# each way: N echo requests and their replies, then 2 large ones and theirs
ICMP=$((2 * N + 4))
slowwait 10 value_ge $((2 * ICMP)) capture_count "$TMP/cap.pcap" >/dev/null ||
	fail "capture has $(capture_count "$TMP/cap.pcap") packets, expected $((2 * ICMP))"
capture_stop
check_eq "VXLAN packets on h1's underlay" "$(capture_count "$TMP/cap.pcap")" \
	$((2 * ICMP))

log_step "counters: exactly the ICMP frames each way"
check_eq "kvxlan vx0 tx_packets" "$(dev_stat "$h1" vx0 tx_packets)" "$ICMP"
check_eq "kvxlan vx0 rx_packets" "$(dev_stat "$h1" vx0 rx_packets)" "$ICMP"
check_eq "in-tree vxl0 rx_packets" "$(dev_stat "$h2" vxl0 rx_packets)" "$ICMP"
check_eq "in-tree vxl0 tx_packets" "$(dev_stat "$h2" vxl0 tx_packets)" "$ICMP"
check_eq "kvxlan vx0 rx_dropped" "$(dev_stat "$h1" vx0 rx_dropped)" 0
check_eq "in-tree vxl0 rx_dropped" "$(dev_stat "$h2" vxl0 rx_dropped)" 0

log_step "capture: VNI 5000 in both directions"
# one tshark run (seconds each under emulation): outer source, VNI, inner
# protocol of every VXLAN packet
tshark_vxlan "$TMP/cap.pcap" -Y "vxlan" -T fields -E occurrence=f \
	-e "$UL_TS.src" -e vxlan.vni -e icmp.type >"$TMP/cap.txt"
for src in "$A1" "$A2"; do
	vnis=$(awk -F'\t' -v s="$src" '$1 == s { print $2 }' "$TMP/cap.txt" |
		sort -u)
	check_eq "VNIs sent by $src" "$(tr '\n' ' ' <<<"$vnis" | sed 's/ $//')" 5000
	icmp=$(awk -F'\t' -v s="$src" '$1 == s && $3 != ""' "$TMP/cap.txt" | wc -l)
	check_eq "encapsulated ICMP packets from $src" "$icmp" "$ICMP"
done

log_step "bulk TCP both ways"
tcp_transfer "$h1" "$h2" 192.168.100.2 2048
tcp_transfer "$h2" "$h1" 192.168.100.1 2048

log_step "the in-tree driver learned kvxlan's inner MAC behind $A1"
fdb=$(bridge -n "$h2" fdb show dev vxl0)
log "$fdb" | sed 's/^/    /'
awk -v m="$H1_MAC" -v a="$A1" '$1 == m && $2 == "dst" && $3 == a { f = 1 }
	END { exit !f }' <<<"$fdb" ||
	fail "in-tree fdb has no entry $H1_MAC dst $A1"
log_ok "in-tree fdb: $H1_MAC dst $A1"

exit "$ksft_pass"
