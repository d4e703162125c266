#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Dual stack: one VNI, one VTEP without a local address reaching an IPv4
# VTEP and an IPv6 VTEP (a migration from an IPv4 to an IPv6 underlay).
#
#                   +---------------------------------------------+
#                   | sw: br0 (Linux bridge, underlay)            |
#                   |    p1               p2               p3     |
#                   +----+----------------+----------------+------+
#                        |                |                |
#  +---------------------+----+ +---------+--------+ +-----+------------+
#  | h1  e0 10.0.0.1/24       | | h2  e0 10.0.0.2  | | h3  e0 fd00::3   |
#  |        fd00::1/64        | |     (IPv4 only)  | |     (IPv6 only)  |
#  |  vx0 vni 5000, NO local: | |  vx0 vni 5000    | |  vx0 vni 5000    |
#  |      dual stack          | |   local 10.0.0.2 | |   local fd00::3  |
#  |   flood 10.0.0.2 fd00::3 | |   flood 10.0.0.1 | |   flood fd00::1  |
#  |  MAC1 192.168.1.1/24     | |  MAC2 .2         | |  MAC3 .3         |
#  +--------------------------+ +------------------+ +------------------+
#
# h1's vx0 has an IPv4 and an IPv6 UDP socket, an MTU of underlay - 70 (the
# larger overhead of the two), and takes IPv4 and IPv6 remotes; h2 and h3,
# whose local address pins their family, refuse remotes of the other one.
# h1 pings h2, then h3: each ARP request (a broadcast) is flooded once to
# each remote, over IPv4 to h2 and over IPv6 to h3, and both receive it;
# h1 learns MAC2 behind 10.0.0.2 and MAC3 behind fd00::3 from the unicast
# replies, h2 learns MAC1 behind 10.0.0.1 and h3 behind fd00::1.  Then
# unicast pings to each and one broadcast ping, captured on h1's e0 and
# read by tshark: every echo request to h2 leaves in IPv4 for 10.0.0.2,
# every one to h3 in IPv6 for fd00::3, the replies come back the same way,
# and the broadcast leaves once in each family, nothing else.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping bridge tcpdump tshark
require_kvxlan

N=4
MAC1=00:00:00:00:00:01
MAC2=00:00:00:00:00:02
MAC3=00:00:00:00:00:03
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# flood_copies: "DST=COPIES ..." for h1's remotes, in flood list order
flood_copies()
{
	kvx "$h1" -j stats dev vx0 remotes |
		jq -r 'map("\(.dst)=\(.flood_copies)") | join(" ")'
}

mtu_of() { ip -n "$1" -j link show vx0 | jq '.[0].mtu'; }

log_step "setup"
setup_ns sw h1 h2 h3
switch_add "$sw" br0
switch_port "$sw" br0 p1 "$h1" e0 10.0.0.1/24
addr_add "$h1" e0 fd00::1/64
switch_port "$sw" br0 p2 "$h2" e0 10.0.0.2/24
switch_port "$sw" br0 p3 "$h3" e0 fd00::3/64
kvx_add "$h1" vx0 vni 5000 dev e0
kvx "$h1" flood add dev vx0 dst 10.0.0.2 || fail "h1: flood add 10.0.0.2"
kvx "$h1" flood add dev vx0 dst fd00::3 || fail "h1: flood add fd00::3"
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 dev e0
kvx "$h2" flood add dev vx0 dst 10.0.0.1 || fail "h2: flood add 10.0.0.1"
kvx_add "$h3" vx0 vni 5000 local fd00::3 dev e0
kvx "$h3" flood add dev vx0 dst fd00::1 || fail "h3: flood add fd00::1"
hosts=("$h1" "$h2" "$h3")
for i in 1 2 3; do
	ns=${hosts[$((i - 1))]}
	ip -n "$ns" link set vx0 address "00:00:00:00:00:0$i"
	overlay_up "$ns" vx0 "192.168.1.$i/24"
	# one ARP request per resolution: the flood counts are exact
	ip netns exec "$ns" sysctl -qw net.ipv4.neigh.vx0.mcast_solicit=1
done
wait_underlay "$h1" 10.0.0.2
wait_underlay "$h1" fd00::3

log_step "configuration: h1 is dual stack, h2 and h3 are pinned"
kvx "$h1" link show vx0 | sed 's/^/    /'
check_eq "h1 vx0 local (none)" \
	"$(kvx "$h1" -j link show vx0 | jq -r '.[0].local // "none"')" none
check_eq "h1 vx0 mtu (no local: underlay - 70)" "$(mtu_of "$h1")" 1430
check_eq "h2 vx0 mtu (IPv4 local: underlay - 50)" "$(mtu_of "$h2")" 1450
check_eq "h3 vx0 mtu (IPv6 local: underlay - 70)" "$(mtu_of "$h3")" 1430
kvx_proc "$h1" | grep '^socket' | sed 's/^/    h1: /'
check_eq "h1 inet socket users on 4789" "$(kvx_sock_users "$h1" 4789 inet)" 1
check_eq "h1 inet6 socket users on 4789" "$(kvx_sock_users "$h1" 4789 inet6)" 1
check_eq "h2 inet socket users on 4789" "$(kvx_sock_users "$h2" 4789 inet)" 1
check_eq "h2 inet6 socket users on 4789" "$(kvx_sock_users "$h2" 4789 inet6)" 0
check_eq "h3 inet socket users on 4789" "$(kvx_sock_users "$h3" 4789 inet)" 0
check_eq "h3 inet6 socket users on 4789" "$(kvx_sock_users "$h3" 4789 inet6)" 1
check_eq "h1 flood list" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r 'map(.dst) | join(" ")')" \
	"10.0.0.2 fd00::3"
check_ok "h1: fdb add of an IPv4 remote" \
	kvx "$h1" fdb add 02:00:00:00:00:44 dev vx0 dst 10.0.0.9
check_ok "h1: fdb add of an IPv6 remote" \
	kvx "$h1" fdb add 02:00:00:00:00:66 dev vx0 dst fd00::9
check_eq "h1 static entries, both families" \
	"$(fdb_of "$h1")" \
	"02:00:00:00:00:44>10.0.0.9/static 02:00:00:00:00:66>fd00::9/static"
kvx "$h1" fdb del 02:00:00:00:00:44 dev vx0 || fail "h1: fdb del"
kvx "$h1" fdb del 02:00:00:00:00:66 dev vx0 || fail "h1: fdb del"
check_fail_msg "h2 (IPv4 local): fdb add of an IPv6 remote" "[Aa]ddress famil" \
	kvx "$h2" fdb add 02:00:00:00:00:66 dev vx0 dst fd00::9
check_fail_msg "h2 (IPv4 local): flood add of an IPv6 remote" "[Aa]ddress famil" \
	kvx "$h2" flood add dev vx0 dst fd00::9
check_fail_msg "h3 (IPv6 local): fdb add of an IPv4 remote" "[Aa]ddress famil" \
	kvx "$h3" fdb add 02:00:00:00:00:44 dev vx0 dst 10.0.0.9
check_fail_msg "h3 (IPv6 local): flood add of an IPv4 remote" "[Aa]ddress famil" \
	kvx "$h3" flood add dev vx0 dst 10.0.0.9
check_eq "h2 fdb still empty" "$(fdb_of "$h2")" ""
check_eq "h3 fdb still empty" "$(fdb_of "$h3")" ""
check_eq "h2 flood list" "$(kvx "$h2" -j flood show dev vx0 | jq -c 'map(.dst)')" \
	'["10.0.0.1"]'
check_eq "h3 flood list" "$(kvx "$h3" -j flood show dev vx0 | jq -c 'map(.dst)')" \
	'["fd00::1"]'

log_step "h1 pings h2: the ARP broadcast reaches h2 (IPv4) and h3 (IPv6)"
check_ok "ping -c 1 192.168.1.2" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.1.2
# pinned at once: no later unicast ARP probe may blur the counts
static_neigh "$h1" vx0 192.168.1.2 "$MAC2"
static_neigh "$h2" vx0 192.168.1.1 "$MAC1"
check_eq "h1 flood copies (the ARP request, once to each)" \
	"$(flood_copies)" "10.0.0.2=1 fd00::3=1"
check_eq "h3 vx0 rx_packets (the ARP request)" "$(dev_stat "$h3" vx0 rx_packets)" 1
check_eq "h2 learned MAC1 behind h1's IPv4 address" "$(fdb_of "$h2")" \
	"$MAC1>10.0.0.1/learned"
check_eq "h3 learned MAC1 behind h1's IPv6 address" "$(fdb_of "$h3")" \
	"$MAC1>fd00::1/learned"
check_eq "h1 learned MAC2 behind 10.0.0.2 (the ARP reply)" "$(fdb_of "$h1")" \
	"$MAC2>10.0.0.2/learned"

log_step "h1 pings h3: the reply comes over IPv6, h1 learns it so"
check_ok "ping -c 1 192.168.1.3" \
	ip netns exec "$h1" ping -c 1 -W 5 -q 192.168.1.3
static_neigh "$h1" vx0 192.168.1.3 "$MAC3"
static_neigh "$h3" vx0 192.168.1.1 "$MAC1"
check_eq "h1 flood copies" "$(flood_copies)" "10.0.0.2=2 fd00::3=2"
check_eq "h1 fdb: each remote with its own family" "$(fdb_of "$h1")" \
	"$MAC2>10.0.0.2/learned $MAC3>fd00::3/learned"
check_eq "h1 learned counter" "$(ethtool_stat "$h1" vx0 fdb_learned)" 2
bridge -n "$h1" fdb show dev vx0 | sed 's/^/    bridge: /'
check_eq "bridge fdb show: the learned entries" \
	"$(bridge -n "$h1" -j fdb show dev vx0 |
		jq -r 'map(select(.mac != "00:00:00:00:00:00") |
			"\(.mac)>\(.dst)") | sort | join(" ")')" \
	"$MAC2>10.0.0.2 $MAC3>fd00::3"

log_step "unicast to each by its family, one broadcast to both"
tx2=$(remote_stat "$h1" 10.0.0.2 tx_packets)
tx3=$(remote_stat "$h1" fd00::3 tx_packets)
rx2=$(dev_stat "$h2" vx0 rx_packets)
rx3=$(dev_stat "$h3" vx0 rx_packets)
capture_start "$h1" e0 "$TMP/h1.pcap" udp port 4789
check_ok "ping -c $N 192.168.1.2" \
	ip netns exec "$h1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.2
check_ok "ping -c $N 192.168.1.3" \
	ip netns exec "$h1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.3
# to ff:ff:ff:ff:ff:ff; the hosts ignore broadcast echoes (no reply)
ip netns exec "$h1" ping -b -c 1 -W 1 -q 192.168.1.255 >/dev/null 2>&1 || true
slowwait 10 value_ge $((4 * N + 2)) capture_packets "$TMP/h1.pcap" >/dev/null ||
	fail "capture: $(capture_packets "$TMP/h1.pcap") packets, expected $((4 * N + 2))"
capture_stop
check_eq "h1 flood copies (the broadcast, once to each)" \
	"$(flood_copies)" "10.0.0.2=3 fd00::3=3"
check_eq "h1 tx to 10.0.0.2 (echo requests + broadcast)" \
	"$(remote_stat "$h1" 10.0.0.2 tx_packets)" $((tx2 + N + 1))
check_eq "h1 tx to fd00::3 (echo requests + broadcast)" \
	"$(remote_stat "$h1" fd00::3 tx_packets)" $((tx3 + N + 1))
check_eq "h2 vx0 rx_packets (echo requests + broadcast)" \
	"$(dev_stat "$h2" vx0 rx_packets)" $((rx2 + N + 1))
check_eq "h3 vx0 rx_packets (echo requests + broadcast)" \
	"$(dev_stat "$h3" vx0 rx_packets)" $((rx3 + N + 1))

# one line per VXLAN packet: "FAMILY OUTER_SRC OUTER_DST INNER_DST_MAC
# INNER_DST_IP ICMP_TYPE", whatever the outer family (tshark: one run)
tshark_vxlan "$TMP/h1.pcap" -Y vxlan -T fields -E occurrence=a \
	-E aggregator=, -e ipv6.src -e ipv6.dst -e ip.src -e ip.dst -e eth.dst \
	-e icmp.type | awk -F'\t' '{
		n = split($4, d, ","); split($3, s, ","); m = split($5, e, ",")
		if ($1 != "")
			print 6, $1, $2, e[m], d[n], $6
		else
			print 4, s[1], d[1], e[m], d[n], $6
	}' >"$TMP/h1.txt"
sort "$TMP/h1.txt" | uniq -c | sed 's/^/    /'
count() { grep -cxF "$1" "$TMP/h1.txt" || true; }
check_eq "VXLAN packets decoded" "$(wc -l <"$TMP/h1.txt")" $((4 * N + 2))
check_eq "echo requests to h2: IPv4 10.0.0.1 -> 10.0.0.2" \
	"$(count "4 10.0.0.1 10.0.0.2 $MAC2 192.168.1.2 8")" "$N"
check_eq "echo replies from h2: IPv4 10.0.0.2 -> 10.0.0.1" \
	"$(count "4 10.0.0.2 10.0.0.1 $MAC1 192.168.1.1 0")" "$N"
check_eq "echo requests to h3: IPv6 fd00::1 -> fd00::3" \
	"$(count "6 fd00::1 fd00::3 $MAC3 192.168.1.3 8")" "$N"
check_eq "echo replies from h3: IPv6 fd00::3 -> fd00::1" \
	"$(count "6 fd00::3 fd00::1 $MAC1 192.168.1.1 0")" "$N"
check_eq "the broadcast to h2: IPv4" \
	"$(count "4 10.0.0.1 10.0.0.2 ff:ff:ff:ff:ff:ff 192.168.1.255 8")" 1
check_eq "the broadcast to h3: IPv6" \
	"$(count "6 fd00::1 fd00::3 ff:ff:ff:ff:ff:ff 192.168.1.255 8")" 1

log_step "nothing dropped"
for i in 1 2 3; do
	ns=${hosts[$((i - 1))]}
	drops=$(ip netns exec "$ns" ethtool -S vx0 |
		awk -F: '$1 ~ /_drop_/ { s += $2 } END { print s + 0 }')
	[ "$drops" = 0 ] || ip netns exec "$ns" ethtool -S vx0 | sed 's/^/    /'
	check_eq "h$i vx0: sum of ethtool -S *_drop_* counters" "$drops" 0
done

exit "$ksft_pass"
