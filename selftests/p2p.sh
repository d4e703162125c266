#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Point-to-point tunnel between two hosts, the seed's second lab.
#
#  +-------------------------+          +-------------------------+
#  | h1                      |          | h2                      |
#  |  vx0 192.168.100.1/24   |          |  vx0 192.168.100.2/24   |
#  |  kvxlan vni 5000        |          |  kvxlan vni 5000        |
#  |  remote 10.0.0.2        |          |  remote 10.0.0.1        |
#  |         (fd00::2)       |          |         (fd00::1)       |
#  |        |                |          |        |                |
#  |  veth0 10.0.0.1/24 -----+----------+- veth1 10.0.0.2/24      |
#  |       (fd00::1/64)      |          |       (fd00::2/64)      |
#  +-------------------------+          +-------------------------+
#
# Pings both ways over the overlay and checks that the interface counters
# count exactly the frames sent, that the MTU defaults to underlay - 50
# (IPv6 underlay, p2p.sh-ipv6: underlay - 70), that full-MTU packets and
# bulk TCP (GSO) cross intact with no drop counted, and that `kvxlan link
# show` (text and JSON) reports the configuration.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping nc ss ethtool
require_kvxlan

N=10
MTU=$((1500 - UL_OVERHEAD))

log_step "setup"
p2p_setup

log_step "MTU default"
check_eq "h1 vx0 mtu" "$(ip -n "$h1" -j link show vx0 | jq '.[0].mtu')" "$MTU"
check_eq "h2 vx0 mtu" "$(ip -n "$h2" -j link show vx0 | jq '.[0].mtu')" "$MTU"
check_eq "h1 vx0 max_mtu" \
	"$(ip -n "$h1" -d -j link show vx0 | jq '.[0].max_mtu')" "$MTU"

log_step "counters start at zero"
for ns in "$h1" "$h2"; do
	for k in rx_packets tx_packets; do
		check_eq "${ns%-*} vx0 $k" "$(dev_stat "$ns" vx0 $k)" 0
	done
done

log_step "ping h1 -> h2 ($N)"
check_ok "ping 192.168.100.2 from h1" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "h1 vx0 tx_packets" "$(dev_stat "$h1" vx0 tx_packets)" "$N"
check_eq "h1 vx0 rx_packets" "$(dev_stat "$h1" vx0 rx_packets)" "$N"
check_eq "h2 vx0 rx_packets" "$(dev_stat "$h2" vx0 rx_packets)" "$N"
check_eq "h2 vx0 tx_packets" "$(dev_stat "$h2" vx0 tx_packets)" "$N"

log_step "ping h2 -> h1 ($N, 1000-byte payload)"
check_ok "ping 192.168.100.1 from h2" \
	ip netns exec "$h2" ping -c "$N" -i 0.05 -W 5 -q -s 1000 192.168.100.1
for ns in "$h1" "$h2"; do
	for k in rx_packets tx_packets; do
		check_eq "${ns%-*} vx0 $k" "$(dev_stat "$ns" vx0 $k)" $((2 * N))
	done
done
# Inner frames: 14 (Ethernet) + 20 (IPv4) + 8 (ICMP) + payload.  kvxlan
# counts bytes from the inner network header, as the in-tree driver does
# (iptunnel_xmit stats on tx, after eth_type_trans() on rx): the Ethernet
# header is not counted, on either end.
l3bytes=$((N * (28 + 56) + N * (28 + 1000)))
txb=$(dev_stat "$h1" vx0 tx_bytes)
check_eq "h1 vx0 tx_bytes (inner frames from the network header)" "$txb" \
	"$l3bytes"
check_eq "h2 vx0 rx_bytes (= h1 tx_bytes)" "$(dev_stat "$h2" vx0 rx_bytes)" "$txb"
check_eq "h1 vx0 rx_bytes (= h2 tx_bytes)" "$(dev_stat "$h1" vx0 rx_bytes)" \
	"$(dev_stat "$h2" vx0 tx_bytes)"
check_eq "h1 vx0 tx_bytes = rx_bytes (same frames each way)" \
	"$(dev_stat "$h1" vx0 rx_bytes)" "$txb"
for ns in "$h1" "$h2"; do
	for k in rx_dropped tx_dropped rx_errors tx_errors; do
		check_eq "${ns%-*} vx0 $k" "$(dev_stat "$ns" vx0 $k)" 0
	done
done

log_step "a full-MTU packet passes, DF set, without fragmentation"
check_ok "ping -s $((MTU - 28)) -M do" \
	ip netns exec "$h1" ping -c 1 -W 5 -q -s $((MTU - 28)) -M do 192.168.100.2

log_step "bulk TCP both ways"
tcp_transfer "$h1" "$h2" 192.168.100.2 2048
tcp_transfer "$h2" "$h1" 192.168.100.1 2048
for ns in "$h1" "$h2"; do
	# only the *_drop_* keys: ethtool -S also has event counters (fdb_*)
	drops=$(ip netns exec "$ns" ethtool -S vx0 |
		awk -F: '$1 ~ /_drop_/ { s += $2 } END { print s + 0 }')
	[ "$drops" = 0 ] || ip netns exec "$ns" ethtool -S vx0 | sed 's/^/    /'
	check_eq "${ns%-*} vx0: sum of ethtool -S *_drop_* counters" "$drops" 0
done

log_step "kvxlan link show"
out=$(kvx "$h1" link show vx0)
log "$out" | sed 's/^/    /'
for word in vx0 5000 "$H1_UL" "$H2_UL" veth0 4789; do
	grep -qFw -- "$word" <<<"$out" || fail "'link show vx0' lacks '$word'"
done
log_ok "text output names vx0, vni, local, remote, dev, port"
out=$(kvx "$h1" link show dev vx0)
grep -qw 5000 <<<"$out" || fail "'link show dev vx0' lacks the vni"
log_ok "'link show dev vx0' works"

log_step "kvxlan -j link show"
json=$(kvx "$h1" -j link show)
log "$json" | sed 's/^/    /'
jq -e 'type == "array"' <<<"$json" >/dev/null || fail "-j: not a JSON array"
check_eq "-j: one device" "$(jq length <<<"$json")" 1
dev=$(jq '.[0]' <<<"$json")
f() { jq -r "$1" <<<"$dev"; }
check_eq "ifname" "$(f .ifname)" vx0
check_eq "id (the VNI)" "$(f .id)" 5000
check_eq "local" "$(f .local)" "$H1_UL"
check_eq "remote" "$(f .remote)" "$H2_UL"
veth0_idx=$(ip -n "$h1" -j link show veth0 | jq '.[0].ifindex')
case "$(f .link)" in
veth0 | "$veth0_idx") log_ok "link ($(f .link))" ;;
*) fail "link: got '$(f .link)', expected veth0 or $veth0_idx" ;;
esac
check_eq "port" "$(f .port)" 4789
read -r lo hi < <(ip netns exec "$h1" sysctl -n net.ipv4.ip_local_port_range)
check_eq "srcport.low (ip_local_port_range)" "$(f .port_range.low)" "$lo"
check_eq "srcport.high (ip_local_port_range)" "$(f .port_range.high)" "$hi"
check_eq "ttl" "$(f .ttl)" auto
check_eq "tos" "$(f .tos)" 0
case "$(f .learning)" in
true | on | 1) log_ok "learning ($(f .learning))" ;;
*) fail "learning: got '$(f .learning)', expected on" ;;
esac
check_eq "ageing (KVXLAN_DEFAULT_AGEING)" "$(f .ageing)" \
	"$(uapi_define KVXLAN_DEFAULT_AGEING)"
check_eq "max_learned (KVXLAN_DEFAULT_MAX_LEARNED, else 0)" \
	"$(f .max_learned)" "$(uapi_define KVXLAN_DEFAULT_MAX_LEARNED || echo 0)"
check_eq "mtu" "$(f .mtu)" "$MTU"
case "$(f .operstate)" in
UNKNOWN | UP | unknown | up) log_ok "operstate ($(f .operstate))" ;;
*) fail "operstate: got '$(f .operstate)', expected UP or UNKNOWN" ;;
esac
jq -e 'has("df")' <<<"$dev" >/dev/null || fail "-j lacks key df"
log_ok "df present ($(f .df))"
if [ "$KVX_FAMILY" = 4 ]; then
	check_eq "udpcsum (IPv4: off by default)" "$(f .udp_csum)" false
else
	check_eq "udp6zerocsumtx (off by default)" "$(f .udp_zero_csum6_tx)" false
	check_eq "udp6zerocsumrx (off by default)" "$(f .udp_zero_csum6_rx)" false
	check_eq "label (0 by default)" "$(f .label)" 0
fi

log_step "kvxlan link set, reflected by -j"
kvx "$h1" link set vx0 ttl 17 tos 0x20 learning off ageing 60 max-learned 100 \
	srcport 40000 40100 df set || fail "kvxlan link set"
dev=$(kvx "$h1" -j link show vx0 | jq '.[0]')
check_eq "ttl after set" "$(f .ttl)" 17
check_eq "tos after set" "$(f .tos)" 0x20
case "$(f .learning)" in
false | off | 0) log_ok "learning after set ($(f .learning))" ;;
*) fail "learning after set: got '$(f .learning)', expected off" ;;
esac
check_eq "ageing after set" "$(f .ageing)" 60
check_eq "max_learned after set" "$(f .max_learned)" 100
check_eq "srcport.low after set" "$(f .port_range.low)" 40000
check_eq "srcport.high after set" "$(f .port_range.high)" 40100
case "$(f .df)" in
set | 1 | true) log_ok "df after set ($(f .df))" ;;
*) fail "df after set: got '$(f .df)', expected set" ;;
esac
check_eq "id unchanged by set" "$(f .id)" 5000
check_eq "remote unchanged by set" "$(f .remote)" "$H2_UL"
check_ok "still pings after set" \
	ip netns exec "$h1" ping -c 2 -i 0.05 -W 5 -q 192.168.100.2

log_step "kvxlan link del"
kvx "$h1" link del vx0 || fail "kvxlan link del vx0"
check_eq "no kvxlan device left in h1" "$(kvx_count "$h1")" 0
check_eq "-j is an empty array" "$(kvx "$h1" -j link show | jq length)" 0

exit "$ksft_pass"
