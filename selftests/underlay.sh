#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The underlay's lifecycle and all-or-nothing changes (issue 19).
#
#  h1                                         h2
#  vx0 VNI 100, 192.168.1.1/24                vx0 VNI 100, 192.168.1.2/24
#      local 10.0.0.1 group 239.1.1.1 dev e0      local 10.0.0.2 group 239.1.1.1
#  e0 10.0.0.1/24 ------------------------------- e0 10.0.0.2/24
#
#  h3                                         h4
#  vx0 VNI 7, 192.168.3.3/24                  vx0 VNI 7, 192.168.3.4/24
#      local fd00:3::3 remote fd00:3::4           local fd00:3::4 remote fd00:3::3
#  e0 fd00:3::3/64 ------------------------------ e0 fd00:3::4/64
#  e1 fd00:3::13/64 ----------------------------- e1 fd00:3::14/64
#
# 1. Deleting h1's e0 (which takes h2's with it) deletes the kvxlan devices
#    bound to it in both namespaces and their memberships; a new e0 with
#    the same ifindex and new devices work, with exactly one membership.
#    e0's MTU lowered to 1400 lowers vx0's to 1350 (max 1350 too); raised
#    again it lets vx0 be set back to 1450.  A rename of e0 keeps vx0 and
#    its traffic.
# 2. With net.ipv4.igmp_max_memberships=1 (per namespace), `kvxlan group
#    add` of a second group fails with the extack message and changes
#    nothing (flood list, memberships); `ip link set up` of a device whose
#    group cannot be joined fails and leaves it down, as in-tree.
# 3. `kvxlan link set vx0 port 4790 ttl 9 group 239.1.1.5` while 4790 is
#    held by a plain UDP socket fails and changes nothing: port, TTL,
#    group, flood list, membership, socket, traffic.  Once the port is free
#    the same port change (and a VNI change) on the running device works.
# 4. h3's vx0 (IPv6 underlay) sends through e0 (its route is cached), then
#    `dev e1`, and h3's neighbour entry of fd00:3::4 on e0 gets a MAC
#    nobody has: pings still pass, through e1 (the remote's cached route
#    was reset; the old module kept sending into e0).
#
# No -ipv6 variant: the failed join is induced with igmp_max_memberships,
# which has no MLD counterpart; part 4 is over IPv6.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping ss
require_kvxlan
[ -n "$PYTHON" ] || skip "python3 not found"

G1=239.1.1.1
IGMP_ERR='Cannot join the multicast group'

setup_ns h1 h2 h3 h4
for ns in "$h1" "$h2" "$h3" "$h4"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done

# link_field NS DEV JQ: a field of `kvxlan -j link show DEV`
link_field()
{
	kvx "$1" -j link show dev "$2" |
		jq -r "if type == \"array\" then .[0] else . end | $3"
}

# underlay_e0: the e0 pair between h1 and h2 (ARGS: extra `ip link add`
# arguments, e.g. "index N")
underlay_e0()
{
	# shellcheck disable=SC2086
	ip -n "$h1" link add e0 $1 type veth peer name e0 netns "$h2"
	ip -n "$h1" -b - <<-EOF
		addr add 10.0.0.1/24 dev e0
		link set e0 up
	EOF
	ip -n "$h2" -b - <<-EOF
		addr add 10.0.0.2/24 dev e0
		link set e0 up
	EOF
}

# vteps_12: vx0 in group $G1 on e0 in h1 and h2, up and addressed
vteps_12()
{
	local i ns
	for i in 1 2; do
		ns=h$i
		ns=${!ns}
		kvx "$ns" link add vx0 vni 100 local 10.0.0.$i group $G1 dev e0
		ip -n "$ns" -b - <<-EOF
			addr add 192.168.1.$i/24 dev vx0
			link set vx0 up
		EOF
	done
}

overlay_ping()
{
	slowwait 10 in_ns "$1" ping -c1 -W1 -q "$2" >/dev/null
}

# ------------------------------------------------------------ 1. lifecycle
log_step "underlay deleted: its devices go with it"
underlay_e0
vteps_12
check_ok "ping over the group" overlay_ping "$h1" 192.168.1.2
check_eq "h1 membership" "$(mc_groups "$h1" 4)" "e0 $G1 1"
E0_IDX=$(ip -n "$h1" -j link show dev e0 | jq '.[0].ifindex')

ip -n "$h1" link del e0
check_eq "h1 kvxlan devices after e0 deleted" "$(kvx_count "$h1")" 0
check_eq "h2 kvxlan devices after e0 deleted" "$(kvx_count "$h2")" 0
check_eq "h1 memberships after e0 deleted" "$(mc_groups "$h1" 4)" ""
check_eq "h1 kvxlan sockets after e0 deleted" "$(kvx_sock_users "$h1" 4789)" 0

log_step "a new underlay with the same ifindex"
underlay_e0 "index $E0_IDX"
check_eq "new e0 reuses the ifindex" \
	"$(ip -n "$h1" -j link show dev e0 | jq '.[0].ifindex')" "$E0_IDX"
vteps_12
check_ok "ping over the new underlay" overlay_ping "$h1" 192.168.1.2
check_eq "h1 /proc/net/igmp: one membership" "$(mc_groups "$h1" 4)" \
	"e0 $G1 1"
check_eq "h1 ip maddr: one membership" "$(mc_maddr "$h1" e0)" "e0 $G1"

log_step "underlay MTU changes"
check_eq "vx0 MTU before" "$(ip -n "$h1" -j link show dev vx0 | jq '.[0].mtu')" 1450
ip -n "$h1" link set e0 mtu 1400
check_eq "vx0 MTU clamped" \
	"$(ip -n "$h1" -j -d link show dev vx0 | jq -r '.[0] | "\(.mtu) \(.max_mtu)"')" \
	"1350 1350"
check_eq "h2 vx0 MTU (its e0 unchanged)" \
	"$(ip -n "$h2" -j link show dev vx0 | jq '.[0].mtu')" 1450
ip -n "$h1" link set e0 mtu 1500
check_eq "vx0 MTU not raised by itself" \
	"$(ip -n "$h1" -j -d link show dev vx0 | jq -r '.[0] | "\(.mtu) \(.max_mtu)"')" \
	"1350 1450"
check_ok "vx0 MTU back to 1450" ip -n "$h1" link set vx0 mtu 1450

log_step "underlay renamed"
ip -n "$h1" -b - <<-EOF
	link set e0 down
	link set e0 name u0
	link set u0 up
EOF
check_eq "h1 kvxlan devices after the rename" "$(kvx_count "$h1")" 1
check_ok "ping after the rename" overlay_ping "$h1" 192.168.1.2
check_eq "h1 membership after the rename" "$(mc_groups "$h1" 4)" "u0 $G1 1"
ip -n "$h1" -b - <<-EOF
	link set u0 down
	link set u0 name e0
	link set e0 up
EOF

# ------------------------------------------------------------ 2. failed join
log_step "a join that fails fails the request"
in_ns "$h1" sysctl -qw net.ipv4.igmp_max_memberships=1
check_fail_msg "group add beyond igmp_max_memberships" "$IGMP_ERR" \
	kvx "$h1" group add 239.1.1.2 dev vx0
check_eq "flood list unchanged" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r 'map(.dst) | join(" ")')" "$G1"
check_eq "memberships unchanged" "$(mc_groups "$h1" 4)" "e0 $G1 1"
check_fail_msg "link set group beyond igmp_max_memberships" "$IGMP_ERR" \
	kvx "$h1" link set vx0 group 239.1.1.4
check_eq "group unchanged" "$(link_field "$h1" vx0 .group)" "$G1"

kvx "$h1" link add vx1 vni 101 local 10.0.0.1 group 239.1.1.3 dev e0
check_fail_msg "up with a group that cannot be joined" "No buffer space" \
	ip -n "$h1" link set vx1 up
check_eq "vx1 stays down" \
	"$(ip -n "$h1" -j link show dev vx1 | jq -r '.[0].flags | index("UP") != null')" \
	false
check_eq "memberships after the failed up" "$(mc_groups "$h1" 4)" "e0 $G1 1"
check_eq "socket users after the failed up" "$(kvx_sock_users "$h1" 4789)" 1
in_ns "$h1" sysctl -qw net.ipv4.igmp_max_memberships=20
kvx "$h1" link del vx1

# ------------------------------------------------------ 3. changelink rollback
log_step "changelink that cannot open its new port changes nothing"
# the holder: its own process (exec), which the test kills
(
	trap - ERR
	exec nsenter --net="$KVX_NETNS_DIR/$h1" -- "$PYTHON" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 4790))
time.sleep(300)'
) &
HOLDER=$!
port_held() { [ -n "$(in_ns "$h1" ss -Hlun 'sport = :4790')" ]; }
port_free() { ! port_held; }
slowwait 60 port_held || fail "no socket on 4790"

check_fail_msg "port held by another socket" "Cannot open the IPv4 UDP socket" \
	kvx "$h1" link set vx0 port 4790 ttl 9 group 239.1.1.5
check_eq "port, ttl, group unchanged" \
	"$(link_field "$h1" vx0 '"\(.port) \(.ttl) \(.group)"')" "4789 auto $G1"
check_eq "flood list unchanged" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r 'map(.dst) | join(" ")')" "$G1"
check_eq "membership unchanged" "$(mc_groups "$h1" 4)" "e0 $G1 1"
check_eq "socket 4789 users" "$(kvx_sock_users "$h1" 4789)" 1
check_eq "no socket on 4790" "$(kvx_sock_users "$h1" 4790)" 0
check_ok "ping after the failed change" overlay_ping "$h1" 192.168.1.2

kill "$HOLDER"
wait "$HOLDER" 2>/dev/null || true
slowwait 60 port_free || fail "4790 still held"
log_step "port and VNI changes of running devices"
for ns in "$h1" "$h2"; do
	kvx "$ns" link set vx0 port 4790
done
check_eq "socket users after the port change" \
	"$(kvx_sock_users "$h1" 4789) $(kvx_sock_users "$h1" 4790)" "0 1"
check_eq "membership on the new socket" "$(mc_groups "$h1" 4)" "e0 $G1 1"
check_ok "ping on port 4790" overlay_ping "$h1" 192.168.1.2
for ns in "$h1" "$h2"; do
	kvx "$ns" link set vx0 vni 300
done
check_ok "ping on VNI 300" overlay_ping "$h1" 192.168.1.2

# ---------------------------------------------------------- 4. route cache
# Over IPv6: a change of an IPv4 device flushes the namespace's IPv4 routes
# anyway (NETDEV_CHANGE, rt_cache_flush()), an IPv6 cached route outlives it.
log_step "dev change resets the remote's cached route (IPv6 underlay)"
ip -n "$h3" link add e0 type veth peer name e0 netns "$h4"
ip -n "$h3" link add e1 type veth peer name e1 netns "$h4"
for i in 3 4; do
	ns=h$i
	ns=${!ns}
	o=$((7 - i))
	in_ns "$ns" sysctl -qw net.ipv6.conf.e0.disable_ipv6=0 \
		net.ipv6.conf.e1.disable_ipv6=0
	ip -n "$ns" -b - <<-EOF
		addr add fd00:3::$i/64 dev e0 nodad
		addr add fd00:3::1$i/64 dev e1 nodad
		link set e0 up
		link set e1 up
	EOF
	kvx "$ns" link add vx0 vni 7 local fd00:3::$i remote fd00:3::$o dev e0
	ip -n "$ns" -b - <<-EOF
		addr add 192.168.3.$i/24 dev vx0
		link set vx0 up
	EOF
done
static_neigh "$h3" e0 fd00:3::4 "$(link_mac "$h4" e0)"
static_neigh "$h3" e1 fd00:3::4 "$(link_mac "$h4" e1)"
static_neigh "$h4" e0 fd00:3::3 "$(link_mac "$h3" e0)"
static_neigh "$h3" vx0 192.168.3.4 "$(link_mac "$h4" vx0)"
static_neigh "$h4" vx0 192.168.3.3 "$(link_mac "$h3" vx0)"
check_ok "ping through e0 (the route is cached)" \
	in_ns "$h3" ping -c2 -i0.2 -W2 -q 192.168.3.4

tx_e1=$(dev_stat "$h3" e1 tx_packets)
kvx "$h3" link set vx0 dev e1
# a packet that still took the cached route through e0 goes nowhere
static_neigh "$h3" e0 fd00:3::4 02:00:00:00:00:99
check_ok "ping after dev e1 (e0's neighbour poisoned)" \
	in_ns "$h3" ping -c3 -i0.2 -W2 -q 192.168.3.4
check_ge "packets out of e1 after dev e1" \
	"$(($(dev_stat "$h3" e1 tx_packets) - tx_e1))" 3

exit "$ksft_pass"
