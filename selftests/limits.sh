#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resource limits: many devices on one port, a long flood list.
#
#  +----------------------------------+        +------------------------------+
#  | h1                               |        | h2                           |
#  |  vk0 .. vk<N-1>: VNI 10000 + i   |        |  vx0 vni 10000 + N - 1       |
#  |    local 10.0.0.1, one socket    |        |    192.168.200.2             |
#  |  vk<N-1> 192.168.200.1           |        |                              |
#  |  vxf vni 5000 192.168.100.1      |        |  (10.1.0.0/16 routed here:   |
#  |    flood list: 1000, then 4096   |        |   the flood remotes' copies  |
#  |    remotes 10.1.x.y              |        |   arrive and are dropped)    |
#  |  veth0 10.0.0.1/24 --------------+--------+- veth1 10.0.0.2/24           |
#  +----------------------------------+        +------------------------------+
#
# 1. NDEV kvxlan devices (1000, or 10000 with KVX_STRESS=1; VNIs from
#    10000) on port 4789, created with one `kvxlan -b` and brought up with
#    one `ip -batch`: one socket with NDEV users; `kvxlan stats` (a
#    DEV_GET dump of many parts) lists each once; the last one talks to
#    h2; all deleted at once (ip link del group), no socket is left.
# 2. A flood list of 1000 remotes: 3 broadcast frames make exactly 3 copies
#    to every remote (per-remote flood_copies), 3000 in all, each counted
#    in vxf's tx_packets, none dropped.  The list grows to KVXLAN_FLOOD_MAX (4096) entries
#    and no further: the next add is refused with a message, and a broadcast
#    frame still makes exactly 4096 copies.
# (A learning storm against max-learned: fdb_limits.sh.)

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping
require_kvxlan

# Devices on one port (KVX_LIMIT_DEVICES; make check-stress, KVX_STRESS=1:
# 10000, for the create, up and delete figures).  make check's 1000 still
# crosses every boundary step 1 is for:
# - hash chains: the namespace's (VNI, port) device hash and the socket's
#   VNI hash have 256 buckets each (KVX_DEV_HASH_BITS, KVX_VNI_HASH_BITS,
#   fixed: no resize); hash_32() spreads consecutive VNIs so evenly that
#   100 of them share no bucket, 610 are the fewest that put 2 in every
#   bucket of both, and 1000 (VNIs 10000..10999) put 3 to 6 in each, so
#   every lookup, add and delete walks a chain;
# - a DEV_GET dump of many parts: a device is a 328-byte message
#   (nlmsghdr and genlmsghdr 20, eleven u8..u32 attributes of 8, the STATS
#   nest of 18 u64 counters, 220), and a dump part is at most
#   SKB_WITH_OVERHEAD(32768) bytes (netlink_recvmsg() caps the reader's
#   max_recvmsg_len there), so at most 98 devices a part: 1000 devices
#   are at least 11 parts, each resumed by position in the device list.
if [ "${KVX_STRESS:-0}" = 1 ]; then
	NDEV=${KVX_LIMIT_DEVICES:-10000}
else
	NDEV=${KVX_LIMIT_DEVICES:-1000}
fi
NFLOOD=1000
FLOOD_MAX=$(uapi_define KVXLAN_FLOOD_MAX)
TMP=$(mktemp -d)
defer rm -rf "$TMP"
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
wait_underlay "$h1" 10.0.0.2

log_step "1. $NDEV devices on one port"
# no IPv6 on them: each would autoconfigure and send MLD and DAD packets
ip netns exec "$h1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
for i in $(seq 0 $((NDEV - 1))); do
	echo "link add vk$i vni $((10000 + i)) local 10.0.0.1 remote 10.0.0.2 dev veth0"
done >"$TMP/add"
t=$(date +%s%N)
check_ok "kvxlan -b: $NDEV link add" kvx "$h1" -b "$TMP/add"
log "# figure: devices_created $NDEV in $(ms "$t") ms"
check_eq "kvxlan devices" "$(kvx_count "$h1")" "$NDEV"
for i in $(seq 0 $((NDEV - 1))); do
	echo "link set vk$i up"
done >"$TMP/up"
t=$(date +%s%N)
check_ok "ip -batch: $NDEV link set up" ip -n "$h1" -batch "$TMP/up"
log "# figure: devices_up $NDEV in $(ms "$t") ms"
check_eq "socket users on 4789" "$(kvx_sock_users "$h1" 4789)" "$NDEV"
check_eq "kvxlan stats (a DEV_GET dump of many parts): devices, each once" \
	"$(kvx "$h1" -j stats | jq '[.[].ifname] | unique | length')" "$NDEV"
check_eq "sockets on 4789" \
	"$(kvx_proc "$h1" | awk '$1 == "socket" && $3 == 4789' | wc -l)" 1
last=vk$((NDEV - 1))
kvx_add "$h2" vx0 vni $((10000 + NDEV - 1)) local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h2" vx0 192.168.200.2/24
ip netns exec "$h1" sysctl -qw "net.ipv6.conf.$last.disable_ipv6=1"
ip -n "$h1" addr add 192.168.200.1/24 dev "$last"
check_ok "$last (VNI $((10000 + NDEV - 1))) pings h2" \
	ip netns exec "$h1" ping -c 2 -i 0.2 -W 5 -q 192.168.200.2
# One by one each delete waits for an RCU grace period: as a group, one
# unregister_netdevice_many() for all.
for i in $(seq 0 $((NDEV - 1))); do
	echo "link set vk$i group 77"
done >"$TMP/group"
check_ok "ip -batch: $NDEV link set group 77" ip -n "$h1" -batch "$TMP/group"
t=$(date +%s%N)
check_ok "ip link del group 77" ip -n "$h1" link del group 77
log "# figure: devices_deleted $NDEV in $(ms "$t") ms"
check_eq "kvxlan devices left" "$(kvx_count "$h1")" 0
check_eq "socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 0
kvx "$h2" link del vx0

log_step "2. a flood list of $NFLOOD remotes"
ip -n "$h1" route add 10.1.0.0/16 via 10.0.0.2 dev veth0
kvx_add "$h1" vxf vni 5000 local 10.0.0.1 dev veth0
overlay_up "$h1" vxf 192.168.100.1/24
# flood_lines FROM TO: flood add lines for remotes FROM..TO-1
flood_lines()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		for (i = a; i < b; i++)
			printf "flood add dev vxf dst 10.1.%d.%d\n", int(i / 250), 1 + i % 250
	}'
}
flood_lines 0 "$NFLOOD" >"$TMP/flood"
check_ok "kvxlan -b: $NFLOOD flood add" kvx "$h1" -b "$TMP/flood"
check_eq "flood show entries" "$(kvx "$h1" -j flood show dev vxf | jq length)" "$NFLOOD"
tx0=$(dev_stat "$h1" vxf tx_packets)
# nothing answers: ping exits 1
ip netns exec "$h1" ping -b -c 3 -i 0.2 -W 1 -q 192.168.100.255 >/dev/null 2>&1 ||
	true
# copies: the per-remote counters, once all 3 frames are counted
copies() { kvx "$h1" -j stats dev vxf remotes | jq '[.[].flood_copies] | add // 0'; }
v=$(wait_counter 20 $((3 * NFLOOD)) copies) ||
	fail "flood copies $v, expected $((3 * NFLOOD))"
check_eq "flood copies in all" "$v" $((3 * NFLOOD))
check_eq "remotes with exactly 3 copies" \
	"$(kvx "$h1" -j stats dev vxf remotes | jq '[.[] | select(.flood_copies == 3)] | length')" \
	"$NFLOOD"
check_eq "vxf tx_packets: every copy, as the in-tree driver counts" \
	$(($(dev_stat "$h1" vxf tx_packets) - tx0)) $((3 * NFLOOD))
check_eq "vxf tx_dropped" "$(dev_stat "$h1" vxf tx_dropped)" 0

log_step "  grow to KVXLAN_FLOOD_MAX ($FLOOD_MAX) and no further"
flood_lines "$NFLOOD" "$FLOOD_MAX" >"$TMP/flood2"
check_ok "kvxlan -b: $((FLOOD_MAX - NFLOOD)) more" kvx "$h1" -b "$TMP/flood2"
check_eq "flood show entries" "$(kvx "$h1" -j flood show dev vxf | jq length)" "$FLOOD_MAX"
check_fail_msg "flood add number $((FLOOD_MAX + 1))" "." \
	kvx "$h1" flood add dev vxf dst 10.2.0.1
check_eq "flood show entries" "$(kvx "$h1" -j flood show dev vxf | jq length)" "$FLOOD_MAX"
before=$(copies)
ip netns exec "$h1" ping -b -c 1 -W 1 -q 192.168.100.255 >/dev/null 2>&1 || true
v=$(wait_counter 30 $((before + FLOOD_MAX)) copies) ||
	fail "flood copies $v, expected $((before + FLOOD_MAX))"
check_eq "copies of one broadcast frame" $((v - before)) "$FLOOD_MAX"
check_ok "delete vxf" kvx "$h1" link del vxf
check_eq "no socket left" "$(kvx_sock_users "$h1" 4789)" 0

exit "$ksft_pass"
