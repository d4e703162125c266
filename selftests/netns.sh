#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kvxlan device in one namespace, its underlay in another (issue 20: the
# Docker overlay / CNI pattern), as with the in-tree driver: the device is
# created beside the underlay and moved into the container, or created
# there directly; its UDP socket, routes, memberships and FDB stay in the
# namespace it was created in, its link namespace.
#
#  +---------------------------+              +---------------------------+
#  | c1 (container)            |              | c2 (container)            |
#  |  vx0 192.168.100.1/24     |              |  vx0 192.168.100.2/24     |
#  |  link-netns u1            |              |  link-netns u2            |
#  +-------------^-------------+              +-------------^-------------+
#                | ip link set vx0 netns c1                 | kvxlan link add vx0
#                |                                          |   ... netns c2 up
#  +-------------+-------------+              +-------------+-------------+
#  | u1 (underlay)             |              | u2 (underlay)             |
#  |  UDP socket :4789         |              |  UDP socket :4789         |
#  |  veth0 10.0.0.1/24 -------+--------------+- veth1 10.0.0.2/24        |
#  |        (fd00::1/64)       |              |        (fd00::2/64)       |
#  +---------------------------+              +---------------------------+
#
#  userns: a namespace owned by a user namespace of its own (an
#  unprivileged container), where u1's vx1 (VNI 5001) is moved
#
# 1. u1's vx0 moves into c1 (`ip link set ... netns`); u2's is created
#    straight into c2 (`kvxlan link add ... netns c2 up`).
# 2. c1 pings c2 over the tunnel: exact counters on both vx0, and c1's vx0
#    learns c2's MAC behind u2's address (its FDB is read from c1).
# 3. `ss -uln`: the 4789 socket is in u1 and u2 only, never in c1 or c2;
#    /proc/net/kvxlan counts its users there.  `ip -d link show` in c1
#    (c2) shows link-netns u1 (u2); `kvxlan link show` in c1 its id, and
#    its dev as u1's ifindex; `bridge fdb show` the id beside each dst.
# 4. In the user namespace's container (root there, nobody over u1), vx1
#    can be brought up (its socket is u1's: two users) and read, but not
#    changed: `kvxlan fdb add` (genl), `bridge fdb add` and `kvxlan link
#    set` (rtnl) need CAP_NET_ADMIN over u1 too.  When that namespace goes, vx1 is deleted
#    (not moved to the initial namespace) and u1's socket loses its user.
# 5. u1 is deleted: c1's vx0 goes with its link namespace, and c2's vx0
#    with its underlay veth1 (veth0's peer), an unregister in u2 that
#    kvxlan's notifier catches while the device lives in c2.
# 6. rmmod with a device (link namespace u2) living in c1: the module
#    unloads and the device is gone.
#
# netns.sh-ipv6 is the same over an IPv6 underlay.
#
# The old module flagged its devices NETNS_LOCAL (netns_immutable on 6.12):
# step 1's move failed with EINVAL, and a device created into c2 had its
# socket in c2.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip bridge jq ping ss unshare nsenter rmmod insmod
require_kvxlan
[ -n "$KVXLAN_KO" ] && [ -f "$KVXLAN_KO" ] ||
	fail "KVXLAN_KO must name the built kvxlan.ko (got '$KVXLAN_KO')"

mod_loaded() { [ -d /sys/module/kvxlan ]; }
mod_unloaded() { ! mod_loaded; }
reload() { mod_loaded || insmod "$KVXLAN_KO" || fail "insmod $KVXLAN_KO"; }
defer reload

N=10
H1_UL=$(ul 10.0.0.1)
H2_UL=$(ul 10.0.0.2)

# udp_socks NS: the UDP sockets listening on 4789 in NS, as ss lists them
udp_socks() { in_ns "$1" ss -Hlun 'sport = :4789' | wc -l; }
# init_kvx_count: kvxlan devices in the initial namespace (the test's own)
init_kvx_count()
{
	ip -d -j link show |
		jq '[.[] | select(.linkinfo.info_kind == "kvxlan")] | length'
}
# link_netns NS DEV: what `ip -d link show` says DEV's link namespace is
link_netns()
{
	ip -n "$1" -d link show dev "$2" |
		grep -o 'link-netns[a-z]* [^ ]*' || echo none
}

log_step "1. a device moved into c1, one created into c2"
setup_ns u1 u2 c1 c2
for ns in "$c1" "$c2"; do
	# no IPv6 chatter on the overlay devices, moved or created there
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
veth_pair "$u1" veth0 "$(ul 10.0.0.1/24)" "$u2" veth1 "$(ul 10.0.0.2/24)"
kvx_add "$u1" vx0 vni 5000 local "$H1_UL" remote "$H2_UL" dev veth0
check_ok "ip link set vx0 netns c1 (from u1)" \
	ip -n "$u1" link set vx0 netns "$c1"
check_ok "kvxlan link add vx0 ... netns c2 up (in u2)" \
	kvx "$u2" link add vx0 vni 5000 local "$H2_UL" remote "$H1_UL" \
	dev veth1 netns "$c2" up
check_eq "kvxlan devices in u1, c1, u2, c2" \
	"$(kvx_count "$u1") $(kvx_count "$c1") $(kvx_count "$u2") $(kvx_count "$c2")" \
	"0 1 0 1"
check_eq "c2's vx0 is up" \
	"$(ip -n "$c2" -j link show vx0 | jq -r '.[0].flags | index("UP") != null')" \
	true
overlay_up "$c1" vx0 192.168.100.1/24
overlay_up "$c2" vx0 192.168.100.2/24
C1_MAC=$(link_mac "$c1" vx0)
C2_MAC=$(link_mac "$c2" vx0)
static_neigh "$c1" vx0 192.168.100.2 "$C2_MAC"
static_neigh "$c2" vx0 192.168.100.1 "$C1_MAC"
wait_underlay "$u1" "$H2_UL"

log_step "2. c1 pings c2 across the tunnel ($N)"
check_ok "ping 192.168.100.2 from c1" \
	in_ns "$c1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
for ns in "$c1" "$c2"; do
	dev_stats_read "$ns" vx0
	for k in tx_packets rx_packets; do
		check_eq "${ns%-*} vx0 $k" "${DEV_STATS[$k]}" "$N"
	done
	check_eq "${ns%-*} vx0 tx_dropped" "${DEV_STATS[tx_dropped]}" 0
done
check_eq "c1's vx0 learned c2's MAC behind u2's address (read in c1)" \
	"$(kvx "$c1" -j fdb show dev vx0 learned |
		jq -r --arg m "$C2_MAC" '.[] | select(.mac == $m) | .dst')" \
	"$H2_UL"

log_step "3. the sockets stay in the link namespaces"
check_eq "UDP :4789 sockets in u1, c1, u2, c2 (ss -uln)" \
	"$(udp_socks "$u1") $(udp_socks "$c1") $(udp_socks "$u2") $(udp_socks "$c2")" \
	"1 0 1 0"
check_eq "kvxlan socket users in u1, u2" \
	"$(kvx_sock_users "$u1" 4789) $(kvx_sock_users "$u2" 4789)" "1 1"
check_eq "c1's vx0: link namespace (ip -d link show)" \
	"$(link_netns "$c1" vx0)" "link-netns $u1"
check_eq "c2's vx0: link namespace (ip -d link show)" \
	"$(link_netns "$c2" vx0)" "link-netns $u2"
nsid=$(ip -n "$c1" -d -j link show vx0 | jq '.[0].link_netnsid')
idx=$(ip -n "$u1" -j link show veth0 | jq '.[0].ifindex')
check_eq "kvxlan -j link show in c1: link_netnsid, and dev as u1's ifindex" \
	"$(kvx "$c1" -j link show vx0 | jq -r '.[0] | "\(.link_netnsid) \(.link)"')" \
	"$nsid if$idx"
check_eq "bridge -j fdb show in c1: c2's MAC, u2's address, link-netnsid" \
	"$(bridge -n "$c1" -j fdb show dev vx0 |
		jq -r --arg m "$C2_MAC" '.[] | select(.mac == $m) | "\(.dst) \(.linkNetNsId)"')" \
	"$H2_UL $nsid"

log_step "4. a container in a user namespace of its own"
kvx_add "$u1" vx1 vni 5001 local "$H1_UL"
unshare --user --map-root-user --net sleep 300 &
upid=$!
defer kill "$upid"
userns_ready() { [ "$(readlink "/proc/$upid/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
slowwait 10 userns_ready || fail "unshare did not set up its namespaces"
check_ok "kvxlan link set vx1 netns PID (from u1)" \
	kvx "$u1" link set vx1 netns "$upid"
in_user() { nsenter -t "$upid" -U -n -- "$@"; }
check_ok "vx1 up, from the container" in_user ip link set vx1 up
check_eq "u1's socket users (vx0, vx1)" "$(kvx_sock_users "$u1" 4789)" 2
check_ok "kvxlan fdb show, from the container" \
	in_user "$KVXLAN" fdb show dev vx1
check_fail_msg "kvxlan fdb add, from the container: CAP_NET_ADMIN over u1" \
	'link namespace' \
	in_user "$KVXLAN" fdb add 00:00:5e:00:53:01 dev vx1 dst "$H2_UL"
check_fail_msg "bridge fdb add, from the container: CAP_NET_ADMIN over u1" \
	'link namespace' \
	in_user bridge fdb add 00:00:5e:00:53:01 dev vx1 dst "$H2_UL"
check_fail_msg "kvxlan link set, from the container: CAP_NET_ADMIN over u1" \
	'not permitted|link namespace' \
	in_user "$KVXLAN" link set vx1 ttl 9
check_eq "vx1's FDB, read in the container" \
	"$(in_user "$KVXLAN" -j fdb show dev vx1 | jq length)" 0
users=$(kvx_sock_users "$u1" 4789)
kill "$upid"
wait "$upid" 2>/dev/null || true
users_are() { [ "$(kvx_sock_users "$1" 4789)" = "$2" ]; }
slowwait 10 users_are "$u1" 1 || true
check_eq "u1's socket users with vx1 up in the container, once it ended" \
	"$users $(kvx_sock_users "$u1" 4789)" "2 1"
check_eq "kvxlan devices in the initial namespace and u1 (vx1 deleted)" \
	"$(init_kvx_count) $(kvx_count "$u1")" "0 0"

log_step "5. u1 deleted"
before="$(kvx_count "$c1") $(kvx_count "$c2") $(kvx_sock_users "$u2" 4789)"
ip netns del "$u1"
dev_gone() { [ "$(kvx_count "$1")" = 0 ]; }
slowwait 10 dev_gone "$c1" || true
slowwait 10 dev_gone "$c2" || true
after="$(kvx_count "$c1") $(kvx_count "$c2") $(kvx_sock_users "$u2" 4789)"
check_eq "c1's vx0 before and after: gone with its link namespace u1" \
	"${before%% *} ${after%% *}" "1 0"
before=${before#* } after=${after#* }
check_eq "c2's vx0 before and after: gone with its underlay veth1 (in u2)" \
	"${before%% *} ${after%% *}" "1 0"
check_eq "u2's socket users before and after" \
	"${before#* } ${after#* }" "1 0"

log_step "6. rmmod with a device in another namespace than its link's"
kvx_add "$u2" vx2 vni 5002 local "$H2_UL" netns "$c1"
ip -n "$c1" link set vx2 up
before="$(kvx_count "$c1") $(kvx_sock_users "$u2" 4789)"
check_ok "rmmod" rmmod kvxlan
check_ok "module gone" slowwait 10 mod_unloaded
check_eq "c1's vx2 (up) and u2's socket users, before and after rmmod" \
	"$before -> $(kvx_count "$c1")" "1 1 -> 0"
check_ok "insmod" insmod "$KVXLAN_KO"

exit "$ksft_pass"
