#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ARP and ND suppression (proxy on): requests the device's neighbour table
# can answer are answered on the near side and never cross the tunnel.
#
#  +-----------------+   +------------------------------+   +------------------+
#  | vm1             |   | h1                           |   | h2 (far VTEP)    |
#  |  eth0 ----------+---+- vmp -- br0 -- vx0           |   |  vx0 vni 5000    |
#  |  192.168.10.1/24|   |               kvxlan vni 5000|   |  (no address:    |
#  |  2001:db8::1/64 |   |               proxy on       |   |   never answers) |
#  +-----------------+   |  neigh on vx0:               |   |                  |
#                        |   .10.20, ::20 -> 02:..:20   |   |                  |
#                        |     (permanent)              |   |                  |
#                        |   .10.4 -> 02:..:04 (stale)  |   |                  |
#                        |  veth0 10.0.0.1/24 ----------+---+- veth1 10.0.0.2  |
#                        +------------------------------+   |  tcpdump: what   |
#                                                           |  crosses         |
#                                                           +------------------+
#
# 192.168.10.20 / 2001:db8::20 (MAC 02:00:00:00:00:20) is a VM the control
# plane knows of but which is silent: only h1's vx0 can answer for it.
# 1. `proxy on` at link add: `kvxlan link show` (text and JSON) says so.
# 2. arping and ndisc6 from vm1 get 02:00:00:00:00:20: proxy_answered 2,
#    every answer came up vx0 (rx_packets) and reached vm1.
# 3. Requests the table cannot answer (no entry, a stale entry, an NS for
#    an unknown target) are flooded: they cross, and proxy_flooded counts
#    3. Once they have crossed, h2's capture holds none of the answered
#    requests.
# 4. Hostile frames (frame_send): truncated ARP and NS, a wrong ARP
#    address length, a broadcast sender MAC, a gratuitous ARP, an NS with
#    hop limit 64, options of length 0, past the payload or with bytes
#    trailing, a payload length past the frame, a DAD NS with a source
#    link-layer option: none answered, each crosses, and exactly the
#    well-formed requests among them count as flooded. A DAD NS (from ::)
#    is answered, to all nodes.
# 5. A `link set ... proxy off` that fails (local family change) leaves
#    proxy on (all or nothing).
# 6. `link set vx0 proxy off`: the requests for .20 / ::20 cross again,
#    unanswered, and no counter moves.
# Every assertion of steps 1-4 and 6 fails on a module without the proxy
# (no attribute shown, no answer, the requests cross, no counters).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq arping ndisc6 tcpdump ethtool
require_kvxlan
require_frames

PMAC=02:00:00:00:00:20		# the silent VM's MAC
STALE_MAC=02:00:00:00:00:04
TMP=$(mktemp -d)
defer rm -rf "$TMP"
CAP=$TMP/h2.pcap

# check_counters ANSWERED FLOODED: the proxy's counters, from kvxlan stats
# (JSON and text) and ethtool -S
check_counters()
{
	local want="proxy_answered=$1 proxy_flooded=$2 "
	check_eq "kvxlan -j stats: proxy_answered, proxy_flooded" \
		"$(kvx "$h1" -j stats dev vx0 |
		   jq -c '[.counters.proxy_answered, .counters.proxy_flooded]')" \
		"[$1,$2]"
	check_eq "kvxlan stats" "$(kvx "$h1" stats dev vx0 | proxy_lines)" \
		"$want"
	check_eq "ethtool -S" "$(in_ns "$h1" ethtool -S vx0 | proxy_lines)" \
		"$want"
}
proxy_lines()
{
	awk '{ sub(":", "", $1) } $1 ~ /^proxy_/ { printf "%s=%s ", $1, $2 }'
}

# step TEXT: log_step with the time since the start, in seconds
T0=${EPOCHREALTIME/./}
step()
{
	local t=$((${EPOCHREALTIME/./} - T0))
	log_step "$* (at $((t / 1000000)).$(printf '%03d' $((t / 1000 % 1000))) s)"
}

# crossed_read: what crossed to h2 so far, from one read of the capture,
# in CROSSED[KEY]: "arp" ARP frames, "arp_TIP" ARP requests for TIP (hex),
# "ns" ICMPv6 type 135 messages, "ns_LOW" those whose target ends in LOW
# (its last 32 bits, hex).  The inner frame starts after the outer
# Ethernet (14), IP, UDP (8) and VXLAN (8) headers: tcpdump -xx shows the
# whole frame (-x leaves out the Ethernet header, but not when it cannot
# decode the inner one).
INNER=$((KVX_FAMILY == 4 ? 50 : 70))
crossed_read()
{
	local k n
	declare -gA CROSSED=()
	while read -r n k; do
		CROSSED[$k]=$n
	done < <(tcpdump -nn -xx -r "$CAP" 2>/dev/null | awk -v off="$INNER" '
		function b(o, n) { return substr(hex, 2 * (off + o) + 1, 2 * n) }
		function classify() {
			if (b(12, 2) == "0806") {
				c["arp"]++
				if (b(20, 2) == "0001")
					c["arp_" b(38, 4)]++
			} else if (b(12, 2) == "86dd" && b(20, 1) == "3a" &&
				   b(54, 1) == "87") {
				c["ns"]++
				c["ns_" b(74, 4)]++
			}
		}
		/^\t0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) hex = hex $i; next }
		{ if (hex != "") classify(); hex = "" }
		END { if (hex != "") classify(); for (k in c) print c[k], k }')
}
# crossed KEY: CROSSED[KEY], 0 if absent
crossed() { echo "${CROSSED[$1]:-0}"; }
# crossed_is KEY N: N of KEY have crossed
crossed_is() { crossed_read; [ "$(crossed "$1")" = "$2" ]; }
# wait_crossed KEY N WHAT: wait until N of KEY have crossed, then read
wait_crossed()
{
	slowwait 10 crossed_is "$1" "$2" || fail "$3 never reached h2"
	crossed_read
	log_ok "$3 crossed"
}

# arp_ask IP: arping's answer from vm1, the MAC (lower case), empty if none
arp_ask()
{
	in_ns "$vm1" arping -c 1 -w 1 -I eth0 "$1" 2>/dev/null |
		sed -nE 's/.*reply from [0-9.]+ \[([0-9A-Fa-f:]+)\].*/\1/p' |
		tr 'A-F' 'a-f' || true
}

# nd_ask IP6: ndisc6's answer from vm1, empty if none
nd_ask()
{
	in_ns "$vm1" ndisc6 -q -n -r 1 -w 1000 -s 2001:db8::1 "$1" eth0 \
		2>/dev/null | tr 'A-F' 'a-f' || true
}

# ask_none CMD TARGET...: CMD (arp_ask or nd_ask) for each TARGET at once;
# none may be answered
ask_none()
{
	local cmd=$1 t pids=() i=0
	shift
	for t; do
		"$cmd" "$t" >"$TMP/ask.$i" &
		pids+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}"
	i=0
	for t; do
		check_eq "$cmd $t: no answer" "$(<"$TMP/ask.$i")" ""
		i=$((i + 1))
	done
}

step "setup"
setup_ns vm1 h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
kvx_add "$h1" vx0 vni 5000 local "$(ul 10.0.0.1)" remote "$(ul 10.0.0.2)" \
	dev veth0 proxy on
kvx_add "$h2" vx0 vni 5000 local "$(ul 10.0.0.2)" remote "$(ul 10.0.0.1)" \
	dev veth1
ip link add eth0 netns "$vm1" type veth peer name vmp netns "$h1"
# No IPv6 address on h1's and h2's devices (no DAD, RS or MLD of their
# own); vx0 keeps IPv6 on: its neighbour table needs it.
ip -n "$h1" -b - <<EOF
link add br0 type bridge mcast_snooping 0
link set br0 addrgenmode none
link set vx0 addrgenmode none
link set vmp addrgenmode none
link set vx0 master br0
link set vmp master br0
link set br0 up
link set vx0 up
link set vmp up
neigh add 192.168.10.20 lladdr $PMAC dev vx0 nud permanent
neigh add 2001:db8::20 lladdr $PMAC dev vx0 nud permanent
neigh add 192.168.10.4 lladdr $STALE_MAC dev vx0 nud stale
EOF
ip -n "$vm1" -b - <<EOF
link set eth0 addrgenmode none
addr add 192.168.10.1/24 dev eth0
addr add 2001:db8::1/64 dev eth0 nodad
link set eth0 up
EOF
ip -n "$h2" -b - <<EOF
link set vx0 addrgenmode none
link set vx0 up
EOF
VM_MAC=$(link_mac "$vm1" eth0)
wait_underlay "$h1" "$(ul 10.0.0.2)"
capture_start "$h2" veth1 "$CAP" udp dst port 4789

step "1. proxy on at link add"
check_eq "kvxlan link show" \
	"$(kvx "$h1" link show vx0 | grep -oE ' proxy (on|off)')" " proxy on"
check_eq "kvxlan -j link show: proxy" \
	"$(kvx "$h1" -j link show vx0 | jq -c '.[0].proxy')" true
check_eq "h2's vx0: proxy off" \
	"$(kvx "$h2" -j link show vx0 | jq -c '.[0].proxy')" false

step "2. answerable requests are answered by h1's vx0"
check_eq "arping 192.168.10.20" "$(arp_ask 192.168.10.20)" "$PMAC"
check_eq "ndisc6 2001:db8::20" "$(nd_ask 2001:db8::20)" "$PMAC"
check_counters 2 0
check_eq "h1 vx0 rx_packets (the answers, up the device)" \
	"$(dev_stat "$h1" vx0 rx_packets)" 2

step "3. unanswerable requests are flooded"
ask_none arp_ask 192.168.10.3 192.168.10.4	# no entry, a stale entry
ask_none nd_ask 2001:db8::3			# no entry
wait_crossed arp_c0a80a03 1 "the ARP request for .3"
wait_crossed arp_c0a80a04 1 "the ARP request for .4"
wait_crossed ns_00000003 1 "the NS for ::3"
# they went after the answered ones, the same way
check_eq "ARP requests for .20 that crossed" "$(crossed arp_c0a80a14)" 0
check_eq "NSs for ::20 that crossed" "$(crossed ns_00000020)" 0
check_eq "ARP frames that crossed" "$(crossed arp)" 2
check_eq "NSs that crossed" "$(crossed ns)" 1
check_counters 2 3

step "4. hostile frames: none answered, every one crosses"
vm=${VM_MAC//:/}
Z12=000000000000000000000000		# frame_send's MACs go here
IP_1=c0a80a01 IP_20=c0a80a14
ARP=08060001080006040001		# type; hrd pro hln pln op
V6_1=20010db8000000000000000000000001
V6_20=20010db8000000000000000000000020
V6_ANY=00000000000000000000000000000000
SNM_20=ff0200000000000000000001ff000020	# ::20's solicited-node group
# ns VAR HOPLIMIT SRC DST PAYLOAD_LEN TAIL: in VAR, an NS for ::20 whose
# TAIL (options, junk) follows the target; PAYLOAD_LEN "": the right one
ns()
{
	# type 135, code 0, checksum (not checked), reserved, the target
	local icmp=8700000000000000$V6_20$6 plen=$5
	[ -n "$plen" ] || printf -v plen '%04x' $((${#icmp} / 2))
	printf -v "$1" '%s86dd60000000%s3a%s%s%s%s' "$Z12" "$plen" "$2" \
		"$3" "$4" "$icmp"
}
F=()
# ARP: sha sip tha tip follow the header.  Truncated (21 bytes of 28):
# not a request
F+=("arp $Z12$ARP$vm${IP_1}000000")
# hln 8: not Ethernet/IPv4 ARP
F+=("arp $Z12${ARP:0:12}0804${ARP:16}$vm${IP_1}000000000000$IP_20")
# sender MAC broadcast: flooded
F+=("arp $Z12${ARP}ffffffffffff${IP_1}000000000000$IP_20")
# gratuitous (sip == tip): flooded
F+=("arp $Z12$ARP$vm${IP_20}000000000000$IP_20")
# hop limit 64: flooded
ns f 40 $V6_1 $SNM_20 "" "0101$vm" && F+=("ns $f")
# an option of length 0: flooded
ns f ff $V6_1 $SNM_20 "" "0100$vm" && F+=("ns $f")
# an option running past the payload: flooded
ns f ff $V6_1 $SNM_20 "" "0102$vm" && F+=("ns $f")
# three bytes after the last option: flooded
ns f ff $V6_1 $SNM_20 "" "0101${vm}010203" && F+=("ns $f")
# a payload length past the frame: flooded
ns f ff $V6_1 $SNM_20 00c8 "0101$vm" && F+=("ns $f")
# DAD with a source link-layer option: flooded
ns f ff $V6_ANY $SNM_20 "" "0101$vm" && F+=("ns $f")
# ICMPv6 type 135 cut short (12 bytes): not a request
F+=("ns ${Z12}86dd60000000000c3aff$V6_1${SNM_20}8700000000000000${V6_20:0:8}")
# DAD (from ::): answered, to all nodes
ns f ff $V6_ANY $SNM_20 "" "" && F+=("dad $f")
printf '%s\n' "${F[@]}" >"$TMP/hostile.frames"
check_ok "send the ARP frames" in_ns "$vm1" "$FRAME_SEND" eth0 \
	ff:ff:ff:ff:ff:ff "$TMP/hostile.frames" arp
check_ok "send the NS frames" in_ns "$vm1" "$FRAME_SEND" eth0 \
	33:33:ff:00:00:20 "$TMP/hostile.frames" ns
check_ok "send a DAD NS" in_ns "$vm1" "$FRAME_SEND" eth0 \
	33:33:ff:00:00:20 "$TMP/hostile.frames" dad
# one more request that must cross, after them all
ask_none arp_ask 192.168.10.5
wait_crossed arp_c0a80a05 1 "the ARP request for .5"
check_eq "ARP frames that crossed (2 requests, 4 hostile, .5)" \
	"$(crossed arp)" 7
check_eq "... for .20 (hln 8, broadcast sender, gratuitous)" \
	"$(crossed arp_c0a80a14)" 3
check_eq "NSs that crossed (::3, 7 hostile)" "$(crossed ns)" 8
check_eq "... for ::20 (all hostile but the short one)" \
	"$(crossed ns_00000020)" 6
check_counters 3 12
check_eq "h1 vx0 rx_packets (3 answers)" "$(dev_stat "$h1" vx0 rx_packets)" 3
check_eq "vm1 eth0 rx_packets (every answer reached it)" \
	"$(dev_stat "$vm1" eth0 rx_packets)" 3

step "5. a failed change keeps proxy on"
check_fail_msg "link set vx0 proxy off local fd00::1" "family" \
	kvx "$h1" link set vx0 proxy off local fd00::1
check_eq "still proxy on" \
	"$(kvx "$h1" -j link show vx0 | jq -c '.[0].proxy')" true

step "6. proxy off: the requests cross again"
check_ok "kvxlan link set vx0 proxy off" kvx "$h1" link set vx0 proxy off
check_eq "kvxlan link show" \
	"$(kvx "$h1" link show vx0 | grep -oE ' proxy (on|off)')" " proxy off"
ask_none arp_ask 192.168.10.20
ask_none nd_ask 2001:db8::20
wait_crossed arp_c0a80a14 4 "the ARP request for .20"
wait_crossed ns_00000020 7 "the NS for ::20"
check_counters 3 12
exit "$ksft_pass"
