#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FDB learning, the seed's section 2.2, with head-end replication instead
# of a multicast group: each VTEP floods to the two others.
#
#                    +------------------------------------+
#                    | sw: br0 (Linux bridge, underlay)   |
#                    |    p1          p2          p3      |
#                    +----+-----------+-----------+-------+
#                         |           |           |
#  +----------------------+-+ +-------+---------+ +-------+---------+
#  | h1  e0 10.0.0.1/24     | | h2  e0 10.0.0.2 | | h3  e0 10.0.0.3 |
#  |  vx0 00:00:00:00:00:01 | |  vx0 ..:00:02   | |  vx0 ..:00:03   |
#  |      192.168.1.1/24    | |      .1.2/24    | |      .1.3/24    |
#  |  flood: .2, .3         | |  flood: .1, .3  | |  flood: .1, .2  |
#  +------------------------+ +-----------------+ +-----------------+
#    (fdb_learning.sh-ipv6: e0 fd00::1/64, fd00::2, fd00::3)
#
# kvxlan vni 5000 everywhere, learning on, no static entry.  h1 pings h2:
# the ARP request is flooded (one copy to each of h2 and h3); h2 and h3
# learn MAC1 -> 10.0.0.1 from it, h1 learns MAC2 -> 10.0.0.2 from the
# unicast ARP reply.  A second ping then sends no flood copy at all
# (per-remote flood_copies unchanged), and h3 sees none of it: its vx0
# rx_packets do not move and a capture on its underlay port sees no VXLAN
# packet (positive control: a ping to h3 afterwards is seen).  `fdb show`
# lists exactly the learned entries, with kind "learned".

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump ethtool
require_kvxlan

N=5
A=("" "$(ul 10.0.0.1)" "$(ul 10.0.0.2)" "$(ul 10.0.0.3)")	# A[i]: hi's VTEP
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# flood_copies NS: "DST=COPIES ..." for every remote of NS's vx0
flood_copies()
{
	kvx "$1" -j stats dev vx0 remotes |
		jq -r 'sort_by(.dst) | map("\(.dst)=\(.flood_copies)") | join(" ")'
}

log_step "setup"
setup_ns sw h1 h2 h3
switch_add "$sw" br0
hosts=("$h1" "$h2" "$h3")
for i in 1 2 3; do
	ns=${hosts[$((i - 1))]}
	switch_port "$sw" br0 "p$i" "$ns" e0 "$(ul "10.0.0.$i/24")"
	kvx_add "$ns" vx0 vni 5000 local "${A[i]}" dev e0
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		kvx "$ns" flood add dev vx0 dst "${A[j]}" ||
			fail "h$i: kvxlan flood add ${A[j]}"
	done
	ip -n "$ns" link set vx0 address "00:00:00:00:00:0$i"
	# the packet counts hold exactly one ARP exchange per resolution: no
	# reachability probe (a unicast ARP and its answer) and no second
	# request. On the debug kernel more than delay_first_probe_time (5 s)
	# can pass between a neighbour's use and the next count, and an ARP
	# reply can take longer than retrans_time (1 s).
	ip netns exec "$ns" sysctl -qw \
		net.ipv4.neigh.vx0.delay_first_probe_time=3600 \
		net.ipv4.neigh.vx0.base_reachable_time_ms=3600000 \
		net.ipv4.neigh.vx0.retrans_time_ms=10000
	overlay_up "$ns" vx0 "192.168.1.$i/24"
done
# the switch learns every underlay MAC, so that no unicast is flooded
wait_underlay "$h1" "${A[2]}"
wait_underlay "$h1" "${A[3]}"
wait_underlay "$h2" "${A[3]}"
for i in 1 2 3; do
	ns=${hosts[$((i - 1))]}
	check_eq "h$i flood list" \
		"$(kvx "$ns" -j flood show dev vx0 | jq -r 'map(.dst) | join(" ")')" \
		"$(printf '%s\n' "${A[@]:1}" | grep -vxF "${A[i]}" | paste -sd' ')"
	check_eq "h$i fdb is empty" "$(fdb_of "$ns")" ""
	check_eq "h$i vx0 rx_packets" "$(dev_stat "$ns" vx0 rx_packets)" 0
done

log_step "first ping h1 -> h2: the ARP request is flooded, everyone learns"
check_ok "ping -c 1 192.168.1.2" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.1.2
# The neighbours just resolved, pinned at once: no reachability probe (a
# unicast ARP, 5 s after first use) may add to the counts below, however
# slow the VM is.
static_neigh "$h2" vx0 192.168.1.1 00:00:00:00:00:01
static_neigh "$h1" vx0 192.168.1.2 00:00:00:00:00:02
check_eq "h1 flood copies (the ARP request, once to each)" \
	"$(flood_copies "$h1")" "${A[2]}=1 ${A[3]}=1"
check_eq "h2 flood copies (its ARP reply went unicast)" \
	"$(flood_copies "$h2")" "${A[1]}=0 ${A[3]}=0"
check_eq "h3 flood copies" "$(flood_copies "$h3")" "${A[1]}=0 ${A[2]}=0"
check_eq "h1 learned MAC2 -> h2's VTEP" "$(fdb_of "$h1")" \
	"00:00:00:00:00:02>${A[2]}/learned"
check_eq "h2 learned MAC1 -> h1's VTEP" "$(fdb_of "$h2")" \
	"00:00:00:00:00:01>${A[1]}/learned"
check_eq "h3 learned MAC1 -> h1's VTEP (from the flooded request)" \
	"$(fdb_of "$h3")" "00:00:00:00:00:01>${A[1]}/learned"
for i in 1 2 3; do
	ns=${hosts[$((i - 1))]}
	check_eq "h$i learned counter" "$(ethtool_stat "$ns" vx0 fdb_learned)" 1
	check_eq "h$i fdb_learned (entries)" \
		"$(kvx "$ns" -j stats dev vx0 | jq .fdb_learned)" 1
done
check_eq "h3 vx0 rx_packets (the ARP request only)" \
	"$(dev_stat "$h3" vx0 rx_packets)" 1

log_step "second ping h1 -> h2 ($N): unicast only, h3 sees nothing"
h3_rx=$(dev_stat "$h3" vx0 rx_packets)
h1_tx2=$(remote_stat "$h1" "${A[2]}" tx_packets)
h1_tx3=$(remote_stat "$h1" "${A[3]}" tx_packets)
hits=$(kvx "$h1" -j fdb get 00:00:00:00:00:02 dev vx0 | jq .hits)
capture_start "$h3" e0 "$TMP/h3.pcap" udp port 4789
check_ok "ping -c $N 192.168.1.2" \
	ip netns exec "$h1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.2
check_eq "h1 flood copies unchanged" \
	"$(flood_copies "$h1")" "${A[2]}=1 ${A[3]}=1"
check_eq "h2 flood copies unchanged" \
	"$(flood_copies "$h2")" "${A[1]}=0 ${A[3]}=0"
check_eq "h1 tx to ${A[2]} (the echo requests)" \
	"$(remote_stat "$h1" "${A[2]}" tx_packets)" $((h1_tx2 + N))
check_eq "h1 tx to ${A[3]} unchanged" \
	"$(remote_stat "$h1" "${A[3]}" tx_packets)" "$h1_tx3"
check_eq "h3 vx0 rx_packets unchanged" "$(dev_stat "$h3" vx0 rx_packets)" "$h3_rx"
check_eq "VXLAN packets captured on h3's underlay" \
	"$(capture_packets "$TMP/h3.pcap")" 0
check_eq "hits of h1's learned entry for MAC2 (the echo requests)" \
	"$(kvx "$h1" -j fdb get 00:00:00:00:00:02 dev vx0 | jq .hits)" $((hits + N))

log_step "positive control: a ping to h3 is flooded, h3's capture sees it"
check_ok "ping -c 1 192.168.1.3" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.1.3
slowwait 10 value_ge 1 capture_packets "$TMP/h3.pcap" >/dev/null ||
	fail "the capture on h3's underlay saw nothing"
capture_stop
check_eq "VXLAN packets on h3's underlay (ARP both ways + echo both ways)" \
	"$(capture_packets "$TMP/h3.pcap")" 4
check_eq "h1 flood copies (one more ARP request)" \
	"$(flood_copies "$h1")" "${A[2]}=2 ${A[3]}=2"

log_step "fdb show: kind and table"
kvx "$h1" fdb show dev vx0 | sed 's/^/    h1: /'
check_eq "h1 fdb" "$(fdb_of "$h1")" \
	"00:00:00:00:00:02>${A[2]}/learned 00:00:00:00:00:03>${A[3]}/learned"
check_eq "h1 fdb show learned" \
	"$(kvx "$h1" fdb show dev vx0 learned | awk 'NR > 1 { print $1 }' | sort | paste -sd' ')" \
	"00:00:00:00:00:02 00:00:00:00:00:03"
check_eq "h1 fdb show static is empty" \
	"$(kvx "$h1" -j fdb show dev vx0 static | jq length)" 0
out=$(kvx "$h1" fdb show dev vx0)
awk -v a="${A[2]}" '$1 == "00:00:00:00:00:02" && $2 == a && $3 == 5000 &&
	$4 == "learned" { f = 1 } END { exit !f }' <<<"$out" ||
	fail "fdb show: no '00:00:00:00:00:02 ${A[2]} 5000 learned' line"
log_ok "text output: MAC, remote VTEP, VNI, kind"
check_eq "h2 fdb" "$(fdb_of "$h2")" "00:00:00:00:00:01>${A[1]}/learned"
check_eq "h3 fdb" "$(fdb_of "$h3")" "00:00:00:00:00:01>${A[1]}/learned"
check_eq "h2 remote ${A[1]} fdb_refs" "$(remote_stat "$h2" "${A[1]}" fdb_refs)" 1
check_eq "h2 remote ${A[3]} fdb_refs" "$(remote_stat "$h2" "${A[3]}" fdb_refs)" 0

exit "$ksft_pass"
