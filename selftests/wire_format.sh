#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What kvxlan puts on the wire, read back by tshark's VXLAN dissector.
#
#  h1: vx0 192.168.100.1 (kvxlan vni 5000)   h2: vx0 192.168.100.2
#      veth0 10.0.0.1/24 ---------------------- veth1 10.0.0.2/24
#           (fd00::1/64)                             (fd00::2/64)
#            ^ tcpdump -w
#
# 1. Outer header: UDP destination port 4789, VXLAN flags 0x08 with every
#    reserved field zero, VNI 5000, the inner Ethernet/IPv4/ICMP frame.
# 2. With `srcport 40000 40100`, 40 inner UDP flows leave with several
#    distinct outer source ports, all in [40000, 40100].
# 3. `ttl 17 tos 0x20 df set` appear in the outer IPv4 header; with `tos
#    inherit` the outer TOS is the inner packet's (ping -Q 0x28).
#
# wire_format.sh-ipv6, over IPv6: the outer IPv6 header's addresses; flow
# label 0 by default (1.); with `flowlabel auto` (2.) the 40 flows have
# several distinct labels and one flow a single one; ttl and tos become the
# hop limit and the traffic class, and `flowlabel 0x12345` is on every
# packet (3.).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump tshark
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup

# fields FILE FIELD...: one line per packet from h1 (outer source
# H1_UL), the FIELDs separated by "|" (empty ones kept); a field that
# occurs more than once (outer and inner Ethernet, IPv4) gives all
# occurrences joined by ",", outer first.  One tshark run per capture:
# under TCG each costs seconds.  A field may be asked for once only.
fields()
{
	local file=$1 args=() f
	shift
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark_vxlan "$file" -Y "$UL_TS.src == $H1_UL && vxlan" -T fields \
		-E separator='|' -E occurrence=a -E aggregator=, "${args[@]}"
}
outer() { printf "%s" "${1%%,*}"; }
inner() { printf "%s" "${1##*,}"; }
# outer6 V6 V4: the outer header's value: V6 (an ipv6.* field) over IPv6,
# else the first occurrence of V4 (an ip.* field)
outer6() { if [ -n "$1" ]; then printf "%s" "$1"; else outer "$2"; fi; }

log_step "1. VXLAN header of an ICMP echo request"
capture_start "$h1" veth0 "$TMP/icmp.pcap" udp port 4789
check_ok "ping" ip netns exec "$h1" ping -c 3 -i 0.05 -W 5 -q 192.168.100.2
slowwait 10 value_ge 6 capture_count "$TMP/icmp.pcap" >/dev/null ||
	fail "expected 6 packets in the capture"
capture_stop
fields "$TMP/icmp.pcap" vxlan.vni vxlan.flags udp.dstport udp.srcport \
	udp.length udp.payload eth.src eth.dst ip.src ip.dst icmp.type \
	ipv6.src ipv6.dst ipv6.flow >"$TMP/icmp.txt"
cut -d'|' -f1-5,7- "$TMP/icmp.txt" | sed 's/^/    /'
check_eq "encapsulated echo requests" "$(wc -l <"$TMP/icmp.txt")" 3
IFS='|' read -r vni flags dport sport ulen payload esrc edst isrc idst itype \
	src6 dst6 flow <"$TMP/icmp.txt"
check_eq "VNI" "$vni" 5000
# tshark 4.x shows VXLAN flags as a 16-bit field (I flag = 0x0800), older
# ones as the 8-bit flags byte.
case "$flags" in
0x0800 | 0x08 | 0x00000800) log_ok "VXLAN flags ($flags: I set, nothing else)" ;;
*) fail "VXLAN flags: got '$flags', expected 0x0800 (tshark 4) / 0x08" ;;
esac
check_eq "UDP destination port" "$dport" 4789
read -r lo hi < <(ip netns exec "$h1" sysctl -n net.ipv4.ip_local_port_range)
check_range "UDP source port in ip_local_port_range" "$sport" "$lo" "$hi"
# 8 UDP + 8 VXLAN + 98 inner frame (14 + 20 + 8 + 56)
check_eq "UDP length" "$ulen" 114
# The 8 bytes after the UDP header, independently of the dissector:
# flags 08, 24 reserved bits 0, VNI 5000 = 0x001388, reserved byte 0.
hdr=$(tr -d ':' <<<"$payload" | cut -c1-16)
check_eq "raw VXLAN header" "$hdr" 0800000000138800
check_eq "outer IPv$KVX_FAMILY source" "$(outer6 "$src6" "$isrc")" "$H1_UL"
check_eq "outer IPv$KVX_FAMILY destination" "$(outer6 "$dst6" "$idst")" "$H2_UL"
if [ "$KVX_FAMILY" = 6 ]; then
	check_eq "flow labels (default 0)" \
		"$(cut -d'|' -f14 "$TMP/icmp.txt" | sort -u | paste -sd' ')" 0x000000
fi
check_eq "inner Ethernet source" "$(inner "$esrc")" "$H1_MAC"
check_eq "inner Ethernet destination" "$(inner "$edst")" "$H2_MAC"
check_eq "inner IPv4 source" "$(inner "$isrc")" 192.168.100.1
check_eq "inner IPv4 destination" "$(inner "$idst")" 192.168.100.2
check_eq "inner ICMP type (echo request)" "$itype" 8

log_step "2. outer source port from the inner flow, within srcport 40000 40100"
kvx "$h1" link set vx0 srcport 40000 40100 || fail "link set srcport"
if [ "$KVX_FAMILY" = 6 ]; then
	log "    and the flow label from the inner flow: flowlabel auto"
	kvx "$h1" link set vx0 flowlabel auto || fail "link set flowlabel auto"
fi
capture_start "$h1" veth0 "$TMP/flows.pcap" udp port 4789 and src host "$H1_UL"
# 40 inner UDP flows (one socket, so one source port, per destination port)
ip netns exec "$h1" bash -c '
	for p in $(seq 1001 1040); do
		echo x >/dev/udp/192.168.100.2/$p
	done' 2>/dev/null || true
# then one ICMP flow: the echo requests of one ping
check_ok "ping" ip netns exec "$h1" ping -c 5 -i 0.05 -W 5 -q 192.168.100.2
slowwait 10 value_ge 45 capture_count "$TMP/flows.pcap" >/dev/null ||
	fail "expected 45 packets in the capture"
capture_stop
fields "$TMP/flows.pcap" udp.srcport ip.proto icmp.type ipv6.flow \
	>"$TMP/flows.txt"
# inner UDP: the last ip.proto is 17 (over IPv4, the outer one is 17 too)
udp_ports=$(awk -F'|' '$2 ~ /(^|,)17$/ { split($1, p, ","); print p[1] }' \
	"$TMP/flows.txt" | sort -n)
check_eq "encapsulated inner UDP packets" "$(wc -l <<<"$udp_ports")" 40
check_ge "distinct outer source ports of 40 flows" \
	"$(sort -u <<<"$udp_ports" | wc -l)" 5
check_range "lowest source port" "$(head -n1 <<<"$udp_ports")" 40000 40100
check_range "highest source port" "$(tail -n1 <<<"$udp_ports")" 40000 40100
icmp_ports=$(awk -F'|' '$3 == "8" { print $1 }' "$TMP/flows.txt" | sort -u)
check_eq "one ping flow, one outer source port" "$(wc -l <<<"$icmp_ports")" 1
check_range "its port" "$icmp_ports" 40000 40100
if [ "$KVX_FAMILY" = 6 ]; then
	labels=$(awk -F'|' '$2 ~ /^17$/ { print $4 }' "$TMP/flows.txt" | sort -u)
	# 40 random 20-bit labels: all but surely more than 5 distinct ones
	# (with the default flowlabel 0, step 1 saw one: 0)
	check_ge "flowlabel auto: distinct labels of 40 flows" \
		"$(grep -cv '^0x000000$' <<<"$labels")" 5
	check_eq "flowlabel auto: one label for the ping flow" \
		"$(awk -F'|' '$3 == "8" { print $4 }' "$TMP/flows.txt" | sort -u | wc -l)" 1
fi

if [ "$KVX_FAMILY" = 4 ]; then
	log_step "3. ttl 17 tos 0x20 df set, then tos inherit"
	kvx "$h1" link set vx0 ttl 17 tos 0x20 df set || fail "link set ttl tos df"
else
	log_step "3. ttl 17 tos 0x20 flowlabel 0x12345, then tos inherit"
	kvx "$h1" link set vx0 ttl 17 tos 0x20 flowlabel 0x12345 ||
		fail "link set ttl tos flowlabel"
fi
capture_start "$h1" veth0 "$TMP/ttl.pcap" udp port 4789 and src host "$H1_UL"
check_ok "ping" ip netns exec "$h1" ping -c 2 -i 0.05 -W 5 -q 192.168.100.2
kvx "$h1" link set vx0 tos inherit || fail "link set tos inherit"
check_ok "ping -Q 0x28" \
	ip netns exec "$h1" ping -c 2 -i 0.05 -W 5 -q -Q 0x28 192.168.100.2
slowwait 10 value_ge 4 capture_count "$TMP/ttl.pcap" >/dev/null ||
	fail "expected 4 packets in the capture"
capture_stop
# one line per echo request
fields "$TMP/ttl.pcap" ip.ttl ip.dsfield ip.flags.df ipv6.hlim ipv6.tclass \
	ipv6.flow >"$TMP/ttl.txt"
sed 's/^/    /' "$TMP/ttl.txt"
check_eq "echo requests captured" "$(wc -l <"$TMP/ttl.txt")" 4
n=0
while IFS='|' read -r ttl ds df hlim tclass flow; do
	n=$((n + 1))
	check_eq "#$n outer TTL (hop limit)" "$(outer6 "$hlim" "$ttl")" 17
	check_eq "#$n inner TTL untouched" "$(inner "$ttl")" 64
	otos=$(($(outer6 "$tclass" "$ds")))
	if [ "$n" -le 2 ]; then
		check_eq "#$n outer TOS (tos 0x20)" "$otos" 32
	else
		check_eq "#$n inner TOS (ping -Q 0x28)" "$(($(inner "$ds")))" 40
		check_eq "#$n outer TOS (tos inherit)" "$otos" 40
	fi
	if [ "$KVX_FAMILY" = 4 ]; then
		case "$(outer "$df")" in
		1 | True) log_ok "#$n outer DF ($(outer "$df"))" ;;
		*) fail "#$n outer DF: got '$df', expected 1" ;;
		esac
	else
		check_eq "#$n flow label" "$flow" 0x012345
	fi
done <"$TMP/ttl.txt"

exit "$ksft_pass"
