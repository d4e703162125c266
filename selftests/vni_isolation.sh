#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two VNIs on one UDP port: traffic of one never reaches the other.
#
#  +-----------------------------+        +-----------------------------+
#  | h1                          |        | h2                          |
#  |  vx0 vni 5000 192.168.100.1 |        |  vx0 vni 5000 192.168.100.2 |
#  |  vx1 vni 5001 192.168.101.1 |        |  vx1 vni 5001 192.168.101.2 |
#  |     (both port 4789, one    |        |                             |
#  |      shared UDP socket)     |        |                             |
#  |  veth0 10.0.0.1/24 ---------+--------+- veth1 10.0.0.2/24          |
#  |       (fd00::1/64)          |        |       (fd00::2/64)          |
#  +-----------------------------+        +-----------------------------+
#
# Pings on vx0 leave vx1's counters at exactly 0 on both hosts and vice
# versa; the shared socket has 2 users (and there is none of the other
# address family: the local address pins it); deleting vx1 on h1 drops it to 1,
# vx0 keeps working and h2's VNI 5001 frames are counted as unknown VNI.
# Then the VNI and the port of an up device are changed (`kvxlan link set`):
# traffic follows, the old VNI becomes unknown, sockets move ports.
# Last, a second device on the same socket changes its VNI 200 times (one
# `kvxlan -b` batch) while h2 floods pings at vx0: every frame of vx0's
# VNI is still delivered (none counted as unknown VNI), the flipping
# device ends hashed under its last VNI and receives there. A re-hash that
# moved the hash node without a grace period could send a concurrent
# lookup into the wrong chain; on a one-vCPU guest the writer cannot run
# beside a receive, so there this is the regression test of the re-hash's
# result (socket.c: the device's two VNI nodes), not of the race.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping
require_kvxlan

N=5

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup
kvx_add "$h1" vx1 vni 5001 local "$H1_UL" remote "$H2_UL" dev veth0
kvx_add "$h2" vx1 vni 5001 local "$H2_UL" remote "$H1_UL" dev veth1
overlay_up "$h1" vx1 192.168.101.1/24
overlay_up "$h2" vx1 192.168.101.2/24
static_neigh "$h1" vx1 192.168.101.2 "$(link_mac "$h2" vx1)"
static_neigh "$h2" vx1 192.168.101.1 "$(link_mac "$h1" vx1)"

check_eq "h1 socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 2
check_eq "h2 socket users on 4789" "$(kvx_sock_users "$h2" 4789)" 2
# a local address pins the underlay family: no socket of the other one
other=$([ "$UL_INET" = inet ] && echo inet6 || echo inet)
check_eq "h1 $other socket users on 4789" "$(kvx_sock_users "$h1" 4789 "$other")" 0
kvx_proc "$h1" | sed 's/^/    /'

counters()
{
	local ns dev k
	for ns in "$h1" "$h2"; do
		for dev in vx0 vx1; do
			for k in rx_packets tx_packets; do
				printf '%s/%s/%s=%s ' "${ns%-*}" "$dev" "$k" \
					"$(dev_stat "$ns" "$dev" "$k")"
			done
		done
	done
}

log_step "VNI 5000 traffic"
check_ok "ping on vx0" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
log "    $(counters)"
for ns in "$h1" "$h2"; do
	for k in rx_packets tx_packets; do
		check_eq "${ns%-*} vx0 $k" "$(dev_stat "$ns" vx0 $k)" "$N"
		check_eq "${ns%-*} vx1 $k" "$(dev_stat "$ns" vx1 $k)" 0
	done
done

log_step "VNI 5001 traffic"
check_ok "ping on vx1" \
	ip netns exec "$h2" ping -c "$N" -i 0.05 -W 5 -q 192.168.101.1
log "    $(counters)"
for ns in "$h1" "$h2"; do
	for k in rx_packets tx_packets; do
		check_eq "${ns%-*} vx0 $k" "$(dev_stat "$ns" vx0 $k)" "$N"
		check_eq "${ns%-*} vx1 $k" "$(dev_stat "$ns" vx1 $k)" "$N"
	done
done

log_step "an address of the other overlay is unreachable"
# 192.168.101.2 through vx0 (VNI 5000): h2 vx0 receives the frame but h2
# answers only if it wrongly hands VNI 5000 frames to vx1; vx1 sees nothing.
ip -n "$h1" route add 192.168.102.0/24 dev vx0
static_neigh "$h1" vx0 192.168.102.2 "$(link_mac "$h2" vx1)"
ip netns exec "$h1" ping -c 2 -i 0.05 -W 1 -q 192.168.102.2 >/dev/null 2>&1 &&
	fail "a frame for h2's vx1 MAC sent on VNI 5000 was answered"
check_eq "h2 vx1 rx_packets unchanged" "$(dev_stat "$h2" vx1 rx_packets)" "$N"
log_ok "no answer from the other VNI"

log_step "delete vx1 on h1"
before_unknown=$(kvx_proc_stat "$h1" rx_drop_unknown_vni)
kvx "$h1" link del vx1 || fail "kvxlan link del vx1"
check_eq "h1 socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 1
check_ok "vx0 still pings" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "h1 vx0 rx_packets" "$(dev_stat "$h1" vx0 rx_packets)" $((2 * N))

log_step "h2 still sends VNI 5001: counted as unknown VNI on h1"
ip netns exec "$h2" ping -c 3 -i 0.05 -W 1 -q 192.168.101.1 >/dev/null 2>&1 &&
	fail "ping to the deleted vx1 succeeded"
v=$(wait_counter 10 $((before_unknown + 3)) kvx_proc_stat "$h1" rx_drop_unknown_vni) ||
	fail "rx_drop_unknown_vni: got $v, expected $((before_unknown + 3))"
check_eq "h1 rx_drop_unknown_vni" "$v" $((before_unknown + 3))
check_eq "h1 vx0 rx_packets unchanged" "$(dev_stat "$h1" vx0 rx_packets)" $((2 * N))

log_step "vx0 down: the last user closes the socket"
ip -n "$h1" link set vx0 down
check_eq "h1 socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 0
ip -n "$h1" link set vx0 up
check_eq "h1 socket users on 4789 after up" "$(kvx_sock_users "$h1" 4789)" 1
# Taking a device down flushes its neighbours, permanent ones included:
# restore h2's, or the next pings would ARP (a timing-dependent count).
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vx0)"

log_step "change the VNI of an up device: 5000 -> 5002 on both hosts"
kvx "$h1" link set vx0 vni 5002 || fail "link set vx0 vni 5002 (h1)"
check_eq "h1 vx0 vni" "$(kvx "$h1" -j link show vx0 | jq '.[0].id')" 5002
before_unknown=$(kvx_proc_stat "$h2" rx_drop_unknown_vni)
# h1 now sends VNI 5002, which h2 does not know yet
ip netns exec "$h1" ping -c 2 -i 0.05 -W 1 -q 192.168.100.2 >/dev/null 2>&1 &&
	fail "ping with mismatched VNIs succeeded"
v=$(wait_counter 10 $((before_unknown + 2)) kvx_proc_stat "$h2" rx_drop_unknown_vni) ||
	fail "h2 rx_drop_unknown_vni: got $v, expected $((before_unknown + 2))"
check_eq "h2 rx_drop_unknown_vni (VNI 5002 not there yet)" "$v" $((before_unknown + 2))
kvx "$h2" link set vx0 vni 5002 || fail "link set vx0 vni 5002 (h2)"
check_ok "ping on VNI 5002" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "h1 socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 1

log_step "change the port of an up device: 4789 -> 4790 on both hosts"
kvx "$h1" link set vx0 port 4790 || fail "link set vx0 port 4790 (h1)"
kvx "$h2" link set vx0 port 4790 || fail "link set vx0 port 4790 (h2)"
kvx_proc "$h1" | grep '^socket' | sed 's/^/    /'
check_eq "h1 socket users on 4789" "$(kvx_sock_users "$h1" 4789)" 0
check_eq "h1 socket users on 4790" "$(kvx_sock_users "$h1" 4790)" 1
check_eq "h2 socket users on 4789 (vx1)" "$(kvx_sock_users "$h2" 4789)" 1
check_eq "h2 socket users on 4790" "$(kvx_sock_users "$h2" 4790)" 1
rx=$(dev_stat "$h1" vx0 rx_packets)
check_ok "ping on port 4790" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "h1 vx0 rx_packets" "$(dev_stat "$h1" vx0 rx_packets)" $((rx + N))
check_eq "h1 UDP 4790 bound" \
	"$(ip netns exec "$h1" ss -Hlun 'sport = :4790' | wc -l)" 1
check_eq "h1 UDP 4789 released" \
	"$(ip netns exec "$h1" ss -Hlun 'sport = :4789' | wc -l)" 0

log_step "re-hash under traffic: vx2 flips its VNI 200 times beside vx0"
FLIPS=200
kvx_add "$h1" vx2 vni 6000 port 4790 local "$H1_UL" remote "$H2_UL" dev veth0
kvx_add "$h2" vx2 vni 6000 port 4790 local "$H2_UL" remote "$H1_UL" dev veth1
overlay_up "$h1" vx2 192.168.103.1/24
overlay_up "$h2" vx2 192.168.103.2/24
static_neigh "$h1" vx2 192.168.103.2 "$(link_mac "$h2" vx2)"
static_neigh "$h2" vx2 192.168.103.1 "$(link_mac "$h1" vx2)"
check_eq "h1 socket users on 4790" "$(kvx_sock_users "$h1" 4790)" 2
for i in $(seq 1 $((FLIPS / 2))); do
	echo "link set vx2 vni 6001"
	echo "link set vx2 vni 6000"
done >"$TMP/flips"
unknown0=$(kvx_proc_stat "$h1" rx_drop_unknown_vni)
rx0=$(dev_stat "$h1" vx0 rx_packets)
tx0=$(dev_stat "$h2" vx0 tx_packets)
ip netns exec "$h2" ping -f -w 60 -q 192.168.100.1 >/dev/null 2>&1 &
ping_pid=$!
wait_counter 20 $((rx0 + 20)) dev_stat "$h1" vx0 rx_packets >/dev/null ||
	fail "the flood ping did not start"
rx1=$(dev_stat "$h1" vx0 rx_packets)
kvx "$h1" -b "$TMP/flips" || fail "kvxlan -b: $FLIPS VNI changes of vx2"
rx2=$(dev_stat "$h1" vx0 rx_packets)
kill -INT "$ping_pid" 2>/dev/null || true
wait "$ping_pid" || true
log "    vx0 received $((rx2 - rx1)) frames during the $FLIPS VNI changes"
[ "$rx2" -gt "$rx1" ] || fail "no vx0 frame arrived during the VNI changes"
# every frame h2's vx0 sent arrives (poll: the last ones may be in flight)
tx=$(dev_stat "$h2" vx0 tx_packets)
v=$(wait_counter 10 $((rx0 + tx - tx0)) dev_stat "$h1" vx0 rx_packets) || true
check_eq "h1 vx0 rx_packets = h2 vx0 tx_packets (delta)" "$v" \
	$((rx0 + tx - tx0))
check_eq "h1 rx_drop_unknown_vni" "$(kvx_proc_stat "$h1" rx_drop_unknown_vni)" \
	"$unknown0"
check_eq "h1 vx2 vni" "$(kvx "$h1" -j link show vx2 | jq '.[0].id')" 6000
check_eq "h1 socket users on 4790" "$(kvx_sock_users "$h1" 4790)" 2
check_ok "ping on vx2 (VNI 6000)" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.103.2

exit "$ksft_pass"
