#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU through a router whose far link is narrower than the VTEPs'
# own, and transmit hygiene.  pmtu.sh-ipv6: the same over an IPv6
# underlay, plus a dual-stack device's IPv6 copies at its boundary sizes.
#
#  +---------------------+    +---------------------------+    +-------------------+
#  | h1                  |    | r (router)                |    | h2                |
#  |  vx0 vni 5000 df set|    |  vx1 vni 5001 (-ipv6:     |    |  vx0 vni 5000     |
#  |   192.168.100.1     |    |   dual stack, mtu 1450)   |    |   192.168.100.2   |
#  |  vx1 vni 5001 (-ipv6)|   |   192.168.101.2           |    |   192.168.100.12  |
#  |   192.168.101.1     |    |                           |    |   df set          |
#  |  veth0 10.0.1.1/24 -+----+- veth1 10.0.1.2  veth2    -+----+- veth3 10.0.2.1  |
#  |   mtu 1500          |    |   mtu 1500  10.0.2.2 1400 |    |   mtu 1400        |
#  |  veth4              |    +---------------------------+    +-------------------+
#  +---+-----------------+
#      | routed: veth4 192.168.200.1/24, s 192.168.200.2/24 via h1
#      | bridged: br0 (vx0, veth4), s 192.168.100.3/24
#  +---+-------+
#  | s  veth5  |
#  +-----------+
#
# The path h1 -> h2 carries 1400-byte outer packets: 1350-byte inner ones
# over IPv4, 1330 over IPv6, while vx0's MTU is 1450 (1430).
#
# 1. Scrub: conntrack state of the inner flow (tc act_ct on h1's vx0) must
#    not ride on the outer packet: a flower ct_state +trk+est match on the
#    outer UDP packets leaving veth0 stays at 0 (the IPv6 transmit path
#    did not scrub: 4 of 5 matched).
# 2. Routed, local sender: ping -M do -s 1400 from h1 reports mtu 1350
#    (1330) and nothing else; a packet of exactly that size gets its echo;
#    2 MB of TCP from h1 to .12 (a destination with no path MTU yet)
#    arrive whole.
# 3. Routed, forwarded sender s: the same error from h1 (mtu 1350/1330).
#    3b. A local IPv6 sender whose route through vx0 is in a policy
#    table (ip rule uidrange): the same error, which needs the sender's
#    own route (netif_keep_dst()).
# 4. Bridged sender s (vx0 a bridge port): the ICMP error, and for IPv6 the
#    "packet too big", built by kvxlan and delivered through br0 (mtu
#    1350/1330); 2 MB of TCP from s arrive whole.
#    Each frame answered in 2.-4. is counted once in vx0's tx_dropped.
# 5. -ipv6 only: vx1 is dual stack with mtu 1450 (the underlay less 50) and
#    an IPv6 remote (70 bytes of encapsulation).  df unset: frames of
#    1430, 1431, 1440, 1450 bytes all arrive (the outer IPv6 packet is
#    fragmented by h1); df set: the 1431..1450 ones are answered with mtu
#    1430, and 1430 still arrives.  None vanishes.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping nc ss tc setpriv
require_kvxlan

INNER=$((1400 - UL_OVERHEAD))	# the usable inner MTU through r
N=5

H1_UL=$(ul 10.0.1.1)
R1_UL=$(ul 10.0.1.2)
R2_UL=$(ul 10.0.2.2)
H2_UL=$(ul 10.0.2.1)
if [ "$KVX_FAMILY" = 4 ]; then
	TC_PROTO=ip
else
	TC_PROTO=ipv6
fi

# pmtu_ping NS DST SIZE COUNT [PING ARGS...]: COUNT pings with DF and a
# SIZE-byte payload (as uid $PING_AS if set); sets MTUS to the MTUs the
# errors reported (each once, in order of appearance) and PING_OUT to
# ping's output
pmtu_ping()
{
	local ns=$1 dst=$2 size=$3 count=$4 re='mtu ?= ?([0-9]+)' out m
	shift 4
	PING_OUT=$(in_ns "$ns" ${PING_AS:+setpriv --reuid="$PING_AS" \
		--regid="$PING_AS" --clear-groups} ping "$@" -c "$count" \
		-i 0.3 -W 1 -M do -s "$size" "$dst" 2>&1) || true
	printf '%s\n' "$PING_OUT" | sed 's/^/    /'
	MTUS=" "
	out=$PING_OUT
	while [[ $out =~ $re ]]; do
		m=${BASH_REMATCH[1]}
		[[ $MTUS == *" $m "* ]] || MTUS+="$m "
		out=${out#*"${BASH_REMATCH[0]}"}
	done
	MTUS=${MTUS# }
	MTUS=${MTUS% }
}

# tx_dropped_delta NS DEV BEFORE: DEV's tx_dropped less BEFORE
tx_dropped_delta()
{
	echo $(($(dev_stat "$1" "$2" tx_dropped) - $3))
}

log_step "setup"
setup_ns h1 r h2 s
veth_pair "$h1" veth0 "$(ul 10.0.1.1/24)" "$r" veth1 "$(ul 10.0.1.2/24)"
veth_pair "$r" veth2 "$(ul 10.0.2.2/24)" "$h2" veth3 "$(ul 10.0.2.1/24)"
ip -n "$r" link set veth2 mtu 1400
ip -n "$h2" link set veth3 mtu 1400
in_ns "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$h1" route add "$(ul 10.0.2.0/24)" via "$R1_UL"
ip -n "$h2" route add "$(ul 10.0.1.0/24)" via "$R2_UL"
kvx_add "$h1" vx0 vni 5000 local "$H1_UL" remote "$H2_UL" dev veth0 df set
kvx_add "$h2" vx0 vni 5000 local "$H2_UL" remote "$H1_UL" dev veth3 df set
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h2" vx0 192.168.100.2/24
ip -n "$h2" addr add 192.168.100.12/24 dev vx0
H1_MAC=$(link_mac "$h1" vx0)
H2_MAC=$(link_mac "$h2" vx0)
static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
static_neigh "$h1" vx0 192.168.100.12 "$H2_MAC"
static_neigh "$h2" vx0 192.168.100.1 "$H1_MAC"
# s, routed through h1
ip link add veth4 netns "$h1" type veth peer name veth5 netns "$s"
ip -n "$h1" addr add 192.168.200.1/24 dev veth4
ip -n "$h1" link set veth4 up
ip -n "$s" addr add 192.168.200.2/24 dev veth5
ip -n "$s" link set veth5 up
ip -n "$s" route add default via 192.168.200.1
in_ns "$h1" sysctl -qw net.ipv4.ip_forward=1
ip -n "$h2" route add 192.168.200.0/24 via 192.168.100.1
S_MAC=$(link_mac "$s" veth5)
static_neigh "$h1" veth4 192.168.200.2 "$S_MAC"
static_neigh "$s" veth5 192.168.200.1 "$(link_mac "$h1" veth4)"
wait_underlay "$h1" "$H2_UL"
check_eq "h1 vx0 mtu" "$(ip -n "$h1" -j link show vx0 | jq '.[0].mtu')" \
	$((1500 - UL_OVERHEAD))

log_step "1. scrub: the inner flow's conntrack stays off the outer packet"
tc -n "$h1" qdisc add dev vx0 clsact
tc -n "$h1" filter add dev vx0 egress protocol ip pref 1 matchall \
	action ct commit
tc -n "$h1" filter add dev vx0 ingress protocol ip pref 1 matchall action ct
tc -n "$h1" qdisc add dev veth0 clsact
tc -n "$h1" filter add dev veth0 egress protocol "$TC_PROTO" pref 1 flower \
	ip_proto udp dst_port 4789 ct_state +trk+est action continue
tc -n "$h1" filter add dev veth0 egress protocol "$TC_PROTO" pref 2 flower \
	ip_proto udp dst_port 4789 action continue
check_ok "ping 192.168.100.2 from h1 ($N)" \
	in_ns "$h1" ping -c "$N" -i 0.2 -W 2 -q 192.168.100.2
declare -A hits=()
while read -r pref n; do
	hits[$pref]=$n
done < <(tc -n "$h1" -s -j filter show dev veth0 egress |
	jq -r '.[] | select(.options.actions) |
		"\(.pref) \(.options.actions[0].stats.packets)"')
check_eq "outer packets leaving veth0 (pref 2, all)" "${hits[2]-}" "$N"
check_eq "outer packets with the inner flow's established conntrack (pref 1)" \
	"${hits[1]-}" 0
tc -n "$h1" qdisc del dev vx0 clsact
tc -n "$h1" qdisc del dev veth0 clsact

log_step "2. routed, local sender: ping -M do -s 1400 from h1"
d0=$(dev_stat "$h1" vx0 tx_dropped)
# the first packet leaves whole and r answers h1's underlay (the outer
# path MTU); the next is answered by h1's vx0; the rest fail locally
pmtu_ping "$h1" 192.168.100.2 1400 3
check_eq "MTUs reported to h1's ping" "$MTUS" "$INNER"
check_eq "h1 vx0 tx_dropped (the one answered)" \
	"$(tx_dropped_delta "$h1" vx0 "$d0")" 1
check_ok "ping of exactly $INNER bytes from h1" \
	in_ns "$h1" ping -c 1 -W 2 -M do -s $((INNER - 28)) -q 192.168.100.2
tcp_transfer "$h1" "$h2" 192.168.100.12 2048

log_step "3. routed, forwarded sender s"
d0=$(dev_stat "$h1" vx0 tx_dropped)
pmtu_ping "$s" 192.168.100.2 1400 2
check_eq "MTUs reported to s's ping" "$MTUS" "$INNER"
[[ $PING_OUT == *"From 192.168.200.1 "* ]] ||
	fail "s's error does not come from h1 (192.168.200.1)"
log_ok "the error comes from h1"
check_eq "h1 vx0 tx_dropped (the one answered)" \
	"$(tx_dropped_delta "$h1" vx0 "$d0")" 1

log_step "3b. routed, local sender on a policy route"
# h1 reaches fd00:300::12 only through table 100, for uid 65534: a route
# that a lookup of kvxlan's own (towards the inner destination through
# vx0, as no user) does not find.  The error needs the route the sender
# used, which the frame keeps only because vx0's setup calls
# netif_keep_dst(); without it the frame was dropped without a word
# (ping: no mtu, tx_dropped +2).  (A rule on the source address would
# not tell: the lookup picks vx0's address as its source.)
# (overlay_up disabled IPv6 on vx0; no link-local address, no autoconf)
for ns in "$h1" "$h2"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.vx0.addr_gen_mode=1 \
		net.ipv6.conf.vx0.accept_ra=0 net.ipv6.conf.vx0.disable_ipv6=0
done
ip -n "$h1" -6 addr add fd00:100::1/64 dev vx0 nodad
ip -n "$h2" -6 addr add fd00:100::2/64 dev vx0 nodad
ip -n "$h2" -6 addr add fd00:300::12/128 dev vx0 nodad
static_neigh "$h1" vx0 fd00:100::2 "$H2_MAC"
static_neigh "$h2" vx0 fd00:100::1 "$H1_MAC"
ip -n "$h1" -6 route add fd00:300::/64 via fd00:100::2 dev vx0 table 100
ip -n "$h1" -6 rule add uidrange 65534-65534 lookup 100 pref 100
in_ns "$h1" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
check_ok "ping fd00:300::12 as uid 65534 (table 100)" \
	in_ns "$h1" setpriv --reuid=65534 --regid=65534 --clear-groups \
	ping -6 -c 1 -W 2 -q fd00:300::12
d0=$(dev_stat "$h1" vx0 tx_dropped)
# $INNER bytes of payload: an IPv6 packet over the path, under vx0's MTU
PING_AS=65534 pmtu_ping "$h1" fd00:300::12 "$INNER" 2 -6
check_eq "MTUs reported to h1's ping (policy route)" "$MTUS" "$INNER"
check_eq "h1 vx0 tx_dropped (the one answered)" \
	"$(tx_dropped_delta "$h1" vx0 "$d0")" 1
ip -n "$h1" -6 rule del uidrange 65534-65534 lookup 100 pref 100

log_step "4. bridged sender s"
ip -n "$h1" addr flush dev veth4
ip -n "$h1" addr flush dev vx0
ip -n "$h1" link add br0 type bridge
ip -n "$h1" link set vx0 master br0
ip -n "$h1" link set veth4 master br0
ip -n "$h1" link set br0 up
ip -n "$s" addr flush dev veth5
# a bridge port no larger than the bridge: GSO packets still exceed it
ip -n "$s" link set veth5 mtu $((1500 - UL_OVERHEAD))
ip -n "$s" addr add 192.168.100.3/24 dev veth5
static_neigh "$s" veth5 192.168.100.2 "$H2_MAC"
static_neigh "$h2" vx0 192.168.100.3 "$S_MAC"
d0=$(dev_stat "$h1" vx0 tx_dropped)
r0=$(dev_stat "$h1" vx0 rx_packets)
pmtu_ping "$s" 192.168.100.2 1400 2
check_eq "MTUs reported to s's ping (IPv4)" "$MTUS" "$INNER"
[[ $PING_OUT == *"From 192.168.100.2 "*"Frag needed"* ]] ||
	fail "no ICMP fragmentation needed in the name of 192.168.100.2"
log_ok "ICMP fragmentation needed, as from 192.168.100.2"
check_eq "h1 vx0 tx_dropped (the one answered)" \
	"$(tx_dropped_delta "$h1" vx0 "$d0")" 1
check_eq "h1 vx0 rx_packets (the error, up through vx0)" \
	$(($(dev_stat "$h1" vx0 rx_packets) - r0)) 1
# IPv6 inside (h2's MLD reports now reach h1: rx_packets is not exact)
in_ns "$s" sysctl -qw net.ipv6.conf.veth5.disable_ipv6=0
in_ns "$h2" sysctl -qw net.ipv6.conf.vx0.disable_ipv6=0
ip -n "$s" addr add fd99::3/64 dev veth5 nodad
ip -n "$h2" addr add fd99::2/64 dev vx0 nodad
static_neigh "$s" veth5 fd99::2 "$H2_MAC"
static_neigh "$h2" vx0 fd99::3 "$S_MAC"
d0=$(dev_stat "$h1" vx0 tx_dropped)
# 1408 bytes: over the path's MTU, within s's
pmtu_ping "$s" fd99::2 1360 2 -6
check_eq "MTUs reported to s's ping (IPv6)" "$MTUS" "$INNER"
[[ $PING_OUT == *"From fd99::2 "*"Packet too big"* ]] ||
	fail "no ICMPv6 packet too big in the name of fd99::2"
log_ok "ICMPv6 packet too big, as from fd99::2"
check_eq "h1 vx0 tx_dropped (the one answered)" \
	"$(tx_dropped_delta "$h1" vx0 "$d0")" 1
tcp_transfer "$s" "$h2" 192.168.100.2 2048

if [ "$KVX_FAMILY" = 6 ]; then
	log_step "5. dual stack, IPv6 remote: frames of MTU - 70 .. MTU - 50"
	kvx_add "$h1" vx1 vni 5001 remote "$R1_UL" dev veth0 mtu 1450
	kvx_add "$r" vx1 vni 5001 remote "$H1_UL" dev veth1 mtu 1450
	overlay_up "$h1" vx1 192.168.101.1/24
	overlay_up "$r" vx1 192.168.101.2/24
	static_neigh "$h1" vx1 192.168.101.2 "$(link_mac "$r" vx1)"
	static_neigh "$r" vx1 192.168.101.1 "$(link_mac "$h1" vx1)"
	for l3 in 1430 1431 1440 1450; do
		check_ok "df unset: $l3 bytes arrive" in_ns "$h1" ping -c 1 \
			-W 2 -M do -s $((l3 - 28)) -q 192.168.101.2
	done
	kvx "$h1" link set vx1 df set || fail "kvxlan link set vx1 df set"
	d0=$(dev_stat "$h1" vx1 tx_dropped)
	for l3 in 1431 1440 1450; do
		pmtu_ping "$h1" 192.168.101.2 $((l3 - 28)) 1
		check_eq "df set: $l3 bytes answered with" "$MTUS" 1430
	done
	# the first reached vx1; the inner route knew 1430 for the others
	check_eq "h1 vx1 tx_dropped (the one answered)" \
		"$(tx_dropped_delta "$h1" vx1 "$d0")" 1
	check_ok "df set: 1430 bytes arrive" in_ns "$h1" ping -c 1 -W 2 \
		-M do -s 1402 -q 192.168.101.2
else
	log_step "5. dual-stack boundary sizes: in pmtu.sh-ipv6"
fi

log_ok "pmtu"
