#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wire format both ways: what kvxlan sends, read back by tshark's VXLAN
# dissector, and what kvxlan does with packets that scapy (an independent
# writer) builds field by field.
#
#  +-------------------------------------+        +---------------------------+
#  | h1                                  |        | h2                        |
#  |  vx0 192.168.100.1 kvxlan vni 5000  |        |  vx0 192.168.100.2        |
#  |      remote 10.0.0.2  (learning on) |        |   kvxlan vni 5000         |
#  |  vx1 192.168.101.1 vni 16777215     |        |  vx2 192.168.102.2        |
#  |      (learning off)                 |        |   vni 5000 port 4790      |
#  |  vx2 192.168.102.1 vni 5000         |        |                           |
#  |      port 4790 remote 10.0.0.2      |        |  scapy's frames (step 4): |
#  |   ^ tcpdump -w (step 4, on each vx) |        |   frame_send on veth1     |
#  |  veth0 10.0.0.1/24 -----------------+--------+- veth1 10.0.0.2/24        |
#  |   (fd00::1/64)  ^ tcpdump -w        |        |   (fd00::2/64)            |
#  +-------------------------------------+        +---------------------------+
#
# Sending (h1's vx0, one capture on veth0 for steps 1 to 3, decoded by one
# tshark run):
# 1. Outer header: UDP destination port 4789, VXLAN flags 0x08 with every
#    reserved field zero, VNI 5000, the inner Ethernet/IPv4/ICMP frame.
# 2. With `srcport 40000 40100`, 40 inner UDP flows leave with several
#    distinct outer source ports, all in [40000, 40100].
# 3. `ttl 17 tos 0x20 df set` appear in the outer IPv4 header; with `tos
#    inherit` the outer TOS is the inner packet's (ping -Q 0x28).
#
# Receiving (step 4): h1 gets vx1 (VNI 16777215, learning off) and vx2 (VNI
# 5000 again, on port 4790); vx2 sends one frame, which h2's vx2 on port
# 4790 receives (and h2's vx0, same VNI on 4789, does not).  Then h2 sends
# h1, in one burst, packets that scapy built (on the host, at `make -C
# selftests` time: frames.py writes wire_format.frames with
# vxlan_inject.py, frame_send replays them), whose fields are set one at a
# time to explicit values (frames.py's table wire_format_cases), each with
# its own inner source MAC and ICMP sequence number; h1's vx0, vx1, vx2
# get the fixed MACs the frames carry as inner destination:
#    dropped and counted once in /proc/net/kvxlan: I flag clear
#    (rx_drop_no_vni_flag); every reserved bit, one at a time, with the I
#    flag: the 7 other flag bits, the 24 bits before the VNI, the 8 after it
#    (rx_drop_reserved_bits, 39 packets); VNIs 0, 4999, 5001, 0x011388 (5000
#    with a bit of the top byte), and 16777215 on port 4790
#    (rx_drop_unknown_vni);
#    to no kvxlan socket: ports 4788, 4791, 8472 (the stack's UDP NoPorts);
#    delivered: VNI 5000 on port 4789 to vx0 with TTL 1, 255, TOS 0xb8,
#    outer ECT(0) over a Not-ECT inner packet, CE over CE, source ports 0,
#    1, 4789, 65535, an inner UDP datagram, an outer source other than the
#    remote (10.0.0.3), DF set and clear and a zero UDP checksum (IPv4),
#    flow labels 1, 0x12345, 0xfffff (IPv6); VNI 16777215 to vx1; VNI 5000
#    on port 4790 to vx2.
# Then, exactly: each device's rx_packets grew by its cases, each counter
# by its cases, nothing else moved (no device drop, no UDP error); the
# inner frames tcpdump saw arrive on vx0, vx1, vx2 are byte for byte the
# ones scapy wrapped (each carries 48 bytes of its own payload); vx0 and
# vx2 learned each inner source MAC with the packet's outer source address
# as its remote, vx1 (learning off) none, and no dropped packet's MAC.
#
# Decisions, as the in-tree driver (vxlan_core.c, without GBP or GPE): a
# reserved bit set drops the packet, where RFC 7348 says receivers MUST
# ignore them (malformed.sh: the same reasons over IPv4, with the short and
# truncated packets); RFC 6040 decapsulation: outer ECT over a Not-ECT inner
# packet is delivered unchanged, CE over ECT is marked CE (malformed.sh),
# CE over Not-ECT dropped (malformed.sh).  Zero UDP checksums over IPv6:
# udp6_zero_csum.sh.
#
# wire_format.sh-ipv6, over IPv6: the outer IPv6 header's addresses; flow
# label 0 by default (1.); with `flowlabel auto` (2.) the 40 flows have
# several distinct labels and one flow a single one; ttl and tos become the
# hop limit and the traffic class, and `flowlabel 0x12345` is on every
# packet (3.); step 4 the same, with IPv6 outer headers (hop limit,
# traffic class, flow label; no DF, no zero checksum).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump tshark
require_kvxlan
# scapy's packets, written on the host by make -C selftests (frames.py),
# sent by frame_send
require_frames wire_format

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup

# fields FILE FIELD...: one line per packet from h1 (outer source
# H1_UL), the FIELDs separated by "|" (empty ones kept); a field that
# occurs more than once (outer and inner Ethernet, IPv4) gives all
# occurrences joined by ",", outer first.  Under TCG each tshark run costs
# seconds: steps 1 to 3 share one capture and one run.  A field may be
# asked for once only.
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
# step FIRST LAST COLUMN...: the lines of $TMP/all.txt (one per packet,
# ALL_FIELDS) of the frames FIRST to LAST of the capture, their COLUMNs
# (numbers in ALL_FIELDS), in that order, separated by "|"
ALL_FIELDS=(vxlan.vni vxlan.flags udp.dstport udp.srcport udp.length
	udp.payload eth.src eth.dst ip.src ip.dst icmp.type ipv6.src ipv6.dst
	ipv6.flow ip.proto ip.ttl ip.dsfield ip.flags.df ipv6.hlim ipv6.tclass
	frame.number)
step()
{
	local first=$1 last=$2
	shift 2
	awk -F'|' -v OFS='|' -v first="$first" -v last="$last" -v cols="$*" '
		BEGIN { n = split(cols, c, " ") }
		$21 >= first && $21 <= last {
			out = $c[1]
			for (i = 2; i <= n; i++) out = out OFS $c[i]
			print out
		}' "$TMP/all.txt"
}
outer() { printf "%s" "${1%%,*}"; }
inner() { printf "%s" "${1##*,}"; }
# outer6 V6 V4: the outer header's value: V6 (an ipv6.* field) over IPv6,
# else the first occurrence of V4 (an ip.* field)
outer6() { if [ -n "$1" ]; then printf "%s" "$1"; else outer "$2"; fi; }

# Steps 1 to 3 send, one capture on veth0 records h1's packets; the
# frames of each step are those captured between its start and its end,
# each step waiting for its own packets; then one tshark run decodes them.
capture_start "$h1" veth0 "$TMP/all.pcap" udp port 4789 and src host "$H1_UL"
log_step "1. send: ICMP echo requests"
check_ok "ping" in_ns "$h1" ping -c 3 -i 0.05 -W 5 -q 192.168.100.2
slowwait 10 value_ge 3 capture_count "$TMP/all.pcap" >/dev/null ||
	fail "expected 3 packets in the capture"
end1=$(capture_count "$TMP/all.pcap")

log_step "2. outer source port from the inner flow, within srcport 40000 40100"
kvx "$h1" link set vx0 srcport 40000 40100 || fail "link set srcport"
if [ "$KVX_FAMILY" = 6 ]; then
	log "    and the flow label from the inner flow: flowlabel auto"
	kvx "$h1" link set vx0 flowlabel auto || fail "link set flowlabel auto"
fi
# 40 inner UDP flows (one socket, so one source port, per destination port)
in_ns "$h1" bash -c '
	for p in $(seq 1001 1040); do
		echo x >/dev/udp/192.168.100.2/$p
	done' 2>/dev/null || true
# then one ICMP flow: the echo requests of one ping
check_ok "ping" in_ns "$h1" ping -c 5 -i 0.05 -W 5 -q 192.168.100.2
slowwait 10 value_ge $((end1 + 45)) capture_count "$TMP/all.pcap" >/dev/null ||
	fail "expected 45 more packets in the capture"
end2=$(capture_count "$TMP/all.pcap")

if [ "$KVX_FAMILY" = 4 ]; then
	log_step "3. ttl 17 tos 0x20 df set, then tos inherit"
	kvx "$h1" link set vx0 ttl 17 tos 0x20 df set || fail "link set ttl tos df"
else
	log_step "3. ttl 17 tos 0x20 flowlabel 0x12345, then tos inherit"
	kvx "$h1" link set vx0 ttl 17 tos 0x20 flowlabel 0x12345 ||
		fail "link set ttl tos flowlabel"
fi
check_ok "ping" in_ns "$h1" ping -c 2 -i 0.05 -W 5 -q 192.168.100.2
kvx "$h1" link set vx0 tos inherit || fail "link set tos inherit"
check_ok "ping -Q 0x28" \
	in_ns "$h1" ping -c 2 -i 0.05 -W 5 -q -Q 0x28 192.168.100.2
slowwait 10 value_ge $((end2 + 4)) capture_count "$TMP/all.pcap" >/dev/null ||
	fail "expected 4 more packets in the capture"
capture_stop
fields "$TMP/all.pcap" "${ALL_FIELDS[@]}" >"$TMP/all.txt"
# 1.: vxlan.vni ... ipv6.flow; 2.: udp.srcport ip.proto icmp.type
# ipv6.flow; 3.: ip.ttl ip.dsfield ip.flags.df ipv6.hlim ipv6.tclass
# ipv6.flow (one line per echo request)
step 1 "$end1" $(seq 14) >"$TMP/icmp.txt"
step $((end1 + 1)) "$end2" 4 15 11 14 >"$TMP/flows.txt"
step $((end2 + 1)) 1000000 16 17 18 19 20 14 >"$TMP/ttl.txt"

log_step "1. VXLAN header of an ICMP echo request"
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
read -r lo hi < <(in_ns "$h1" sysctl -n net.ipv4.ip_local_port_range)
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

log_step "2. outer source ports (and flow labels) of the inner flows"
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

log_step "3. outer TTL, TOS (hop limit, traffic class, flow label)"
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

log_step "4. receive: scapy's packets, field by field"
# ageing 0: under TCG this step can outlast the default 300 s, and no entry
# may age out while the counters and the FDB are compared
kvx "$h1" link set vx0 ageing 0 || fail "link set vx0 ageing 0"
kvx_add "$h1" vx1 vni 16777215 local "$H1_UL" dev veth0 learning off
kvx_add "$h1" vx2 vni 5000 local "$H1_UL" remote "$H2_UL" port 4790 \
	dev veth0 ageing 0
# The devices get the MACs that scapy's frames carry as inner destination
# (built on the host: frames.py, the mac lines of wire_format.frames).
# vx0's change flushes its neighbours, the static one too: set again.
declare -A MAC
while read -r k d m _; do
	[ "$k" = mac ] && MAC[$d]=$m
done <"$FRAMES"
for d in vx0 vx1 vx2; do
	[ -n "${MAC[$d]}" ] || fail "$FRAMES: no MAC for $d"
	ip -n "$h1" link set dev "$d" address "${MAC[$d]}" ||
		fail "ip link set $d address ${MAC[$d]}"
done
static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
overlay_up "$h1" vx1 192.168.101.1/24
overlay_up "$h1" vx2 192.168.102.1/24
VETH0_MAC=$(link_mac "$h1" veth0)

log "    vx2 sends to port 4790: h2's vx2 (VNI 5000, port 4790) gets it"
kvx_add "$h2" vx2 vni 5000 local "$H2_UL" port 4790 dev veth1 learning off
overlay_up "$h2" vx2 192.168.102.2/24
static_neigh "$h1" vx2 192.168.102.2 02:00:00:00:dd:02
rx=$(dev_stat "$h2" vx2 rx_packets)
rx0=$(dev_stat "$h2" vx0 rx_packets)
in_ns "$h1" ping -c 1 -W 1 -q 192.168.102.2 >/dev/null 2>&1 || true
v=$(wait_counter 20 $((rx + 1)) dev_stat "$h2" vx2 rx_packets) ||
	fail "h2 vx2 rx_packets $v: vx2's frame did not reach port 4790"
check_eq "h2 vx2 (port 4790) rx_packets" "$v" $((rx + 1))
check_eq "h2 vx0 (port 4789, same VNI) rx_packets" \
	"$(dev_stat "$h2" vx0 rx_packets)" "$rx0"

# The cases (frames.py's wire_format_cases, vxlan_inject.py's syntax):
# "caseF N EXPECT ISRC OSRC INNER_HEX CASE[,KEY=VALUE...]" lines of the
# family F.  EXPECT is the device that must deliver the packet, a
# /proc/net/kvxlan counter that must count it, or noport (no kvxlan socket
# on its port: UDP NoPorts); ISRC its inner source MAC (02:00:00:00:aa:NN
# delivered, bb:NN dropped, NN = N in hex), OSRC its outer source address,
# INNER_HEX its inner frame, with the device's MAC as inner destination.
# Dropped ones first, so that once the last delivered packet has arrived
# every one has been handled.
declare -A want_n=() want_src=() CAPTURE=()
EXPECT=()
n=0 inner_udp=0
while read -r k i exp mac osrc hex spec; do
	[ "$k" = "case$KVX_FAMILY" ] || continue
	n=$((n + 1))
	[ "$i" = "$n" ] || fail "$FRAMES: case $i where $n was expected"
	want_n[$exp]=$((${want_n[$exp]:-0} + 1))
	case $exp in
	vx*) want_src[$exp]+="$mac $osrc"$'\n' ;;
	esac
	[[ $spec == *,proto=udp* ]] && inner_udp=$((inner_udp + 1))
	EXPECT[n]=$exp
	printf '%s %s\n' "$n" "$hex"
done <"$FRAMES" >"$TMP/inner.hex"
[ "$n" -gt 0 ] || fail "$FRAMES: no case of IPv$KVX_FAMILY"
[ "$n" -le 255 ] || fail "more than 255 cases: inner MACs would repeat"

# counters NS: one checkpoint of NS's counters, "KEY VALUE" lines: UDP's
# NoPorts, InErrors, InCsumErrors as 4KEY (the Udp: line of
# /proc/net/snmp) and 6KEY (Udp6KEY of /proc/net/snmp6), then every line
# of /proc/net/kvxlan; one read of the three files
counters()
{
	in_ns "$1" cat /proc/net/snmp /proc/net/snmp6 /proc/net/kvxlan | awk '
		$1 == "Udp:" && !hdr { for (i = 2; i <= NF; i++) col[i] = $i; hdr = 1; next }
		$1 == "Udp:" && hdr {
			for (i = 2; i <= NF; i++)
				if (col[i] ~ /^(NoPorts|InErrors|InCsumErrors)$/)
					print 4 col[i], $i
			next
		}
		$1 ~ /^Udp6(NoPorts|InErrors|InCsumErrors)$/ { print 6 substr($1, 5), $2; next }
		$1 ~ /^rx_drop_/ { print $1, $2 }'
}
# dev_counters NS DEV: "KEY VALUE" lines, every counter of `kvxlan -j stats`
dev_counters()
{
	kvx "$1" -j stats dev "$2" |
		jq -r '.counters | to_entries[] | "\(.key) \(.value)"'
}

proc_keys="rx_drop_short_header rx_drop_no_vni_flag rx_drop_reserved_bits rx_drop_unknown_vni"
declare -A before after
counters "$h1" >"$TMP/before.counters"
while read -r k v; do before[$k]=$v; done <"$TMP/before.counters"
for k in $proc_keys; do
	[ -n "${before[$k]}" ] || fail "/proc/net/kvxlan lacks $k"
done
for k in NoPorts InErrors InCsumErrors; do
	for f in 4 6; do
		[ -n "${before[$f$k]}" ] || fail "no UDP (IPv$f) counter $k"
	done
done
for d in vx0 vx1 vx2; do
	dev_stats_read "$h1" "$d" || fail "ip -s link show $d"
	before[$d]=${DEV_STATS[rx_packets]}
	before[$d.dropped]=${DEV_STATS[rx_dropped]}
	dev_counters "$h1" "$d" >"$TMP/$d.counters" ||
		fail "kvxlan -j stats dev $d"
	# the frames from h2 with inner source 02:00:00:00:aa:*: pcap's
	# "inbound" would do, but libpcap 1.10 in immediate mode loses the
	# first packet with it (filtered in user space, where it is false)
	capture_start "$h1" "$d" "$TMP/rx-$d.pcap" \
		"ether[6:4] = 0x02000000 and ether[10] = 0xaa"
	CAPTURE[$d]=$CAPTURE_PID
done

log "    $n packets from h2's veth1"
sed -n "s/^#rx$KVX_FAMILY /    /p" "$FRAMES"
in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" "rx$KVX_FAMILY" |
	sed 's/^/    /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "frame_send failed"

log_step "4. each packet delivered or counted once, where it belongs"
for d in vx0 vx1 vx2; do
	want=$((before[$d] + ${want_n[$d]:-0}))
	v=$(wait_counter 20 "$want" dev_stat "$h1" "$d" rx_packets) ||
		fail "$d rx_packets $v, expected $want"
	check_eq "$d rx_packets (+${want_n[$d]:-0})" "$v" "$want"
done
counters "$h1" >"$TMP/after.counters"
while read -r k v; do after[$k]=$v; done <"$TMP/after.counters"
for k in $proc_keys; do
	check_eq "/proc/net/kvxlan $k (+${want_n[$k]:-0})" \
		"${after[$k]}" $((before[$k] + ${want_n[$k]:-0}))
done
# The inner UDP datagrams (IPv4, to port 9) reach h1's UDP too: NoPorts
declare -A noports=([4]=$inner_udp [6]=0)
noports[$KVX_FAMILY]=$((noports[$KVX_FAMILY] + want_n[noport]))
for f in 4 6; do
	check_eq "UDP (IPv$f) NoPorts (+${noports[$f]})" \
		"${after[${f}NoPorts]}" $((before[${f}NoPorts] + noports[$f]))
	for k in InErrors InCsumErrors; do
		check_eq "UDP (IPv$f) $k" "${after[$f$k]}" "${before[$f$k]}"
	done
done
for d in vx0 vx1 vx2; do
	check_eq "$d rx_dropped" "$(dev_stat "$h1" "$d" rx_dropped)" \
		"${before[$d.dropped]}"
	# learned: one per delivered packet (its own MAC) where learning is on
	nl=${want_n[$d]:-0}
	[ "$d" = vx1 ] && nl=0
	awk -v n="$nl" '$1 == "learned" { $2 += n } 1' "$TMP/$d.counters" \
		>"$TMP/$d.want"
	dev_counters "$h1" "$d" >"$TMP/$d.after" || fail "kvxlan -j stats dev $d"
	if ! diff -u "$TMP/$d.want" "$TMP/$d.after" >"$TMP/$d.diff"; then
		sed 's/^/    /' "$TMP/$d.diff"
		fail "$d: a device counter moved (or learned did not move by $nl)"
	fi
	log_ok "$d: learned +$nl, every other counter unchanged ($(wc -l <"$TMP/$d.after") counters)"
done

log_step "4. the inner frames arrived byte for byte"
# pcap_hex FILE: each frame of FILE in hex, one line per frame
pcap_hex()
{
	tcpdump -n -xx -r "$1" 2>/dev/null | awk '
		/^\t0x/ { for (i = 2; i <= NF; i++) h = h $i; next }
		{ if (h != "") print h; h = "" }
		END { if (h != "") print h }'
}
for d in vx0 vx1 vx2; do
	slowwait 20 value_ge "${want_n[$d]:-0}" \
		capture_count "$TMP/rx-$d.pcap" >/dev/null || true
	kill -INT "${CAPTURE[$d]}" 2>/dev/null
	wait "${CAPTURE[$d]}" 2>/dev/null || true
	awk -v d="$d" 'NR == FNR { to[$1] = $2; next }
		       to[$1] == d { print $2 }' \
		<(for i in "${!EXPECT[@]}"; do echo "$i ${EXPECT[$i]}"; done) \
		"$TMP/inner.hex" | sort >"$TMP/$d.sent"
	pcap_hex "$TMP/rx-$d.pcap" | sort >"$TMP/$d.got"
	if ! diff "$TMP/$d.sent" "$TMP/$d.got" >"$TMP/$d.diff"; then
		sed 's/^/    /' "$TMP/$d.diff" "$TMP/rx-$d.pcap.log"
		fail "$d: the inner frames delivered differ from those sent"
	fi
	check_eq "$d: frames captured" "$(wc -l <"$TMP/$d.got")" "${want_n[$d]:-0}"
	log_ok "$d: inner frames identical to scapy's ($(wc -l <"$TMP/$d.got"))"
done

log_step "4. learning: inner source MAC -> outer source address"
for d in vx0 vx1 vx2; do
	kvx "$h1" -j fdb show dev "$d" >"$TMP/$d.fdb" ||
		fail "kvxlan fdb show dev $d"
	got=$(jq -r '.[] | select(.mac | test("^02:00:00:00:(aa|bb):")) |
		    "\(.mac) \(.dst) \(.kind)"' "$TMP/$d.fdb" | sort)
	if [ "$d" = vx1 ]; then
		want=""
	else
		want=$(printf '%s' "${want_src[$d]}" | sed '/^$/d; s/$/ learned/' | sort)
	fi
	if [ "$got" != "$want" ]; then
		log "    got:"; sed 's/^/      /' <<<"$got"
		log "    expected:"; sed 's/^/      /' <<<"$want"
		fail "$d: learned entries differ"
	fi
	log_ok "$d: $(awk 'NF { n++ } END { print n + 0 }' <<<"$got") learned entries, each from its outer source"
done
check_eq "the outer source 10.0.0.3 learned" \
	"$(jq -r --arg s "$(ul 10.0.0.3)" '[.[] | select(.dst == $s)] | length' "$TMP/vx0.fdb")" 1

exit "$ksft_pass"
