#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Device and module lifecycle.
#
#  +--------------------------------+        +----------------------+
#  | h1                             |        | h2                   |
#  |  vx0 .. vx<N-1> (VNI 1000 + i) |        |  vx0 vni 5000        |
#  |  vx0 vni 5000 192.168.100.1    |        |  192.168.100.2       |
#  |  veth0 10.0.0.1/24 ------------+--------+- veth1 10.0.0.2/24   |
#  +--------------------------------+        +----------------------+
#
# 1. 100 devices (1000 with KVX_STRESS=1) with distinct VNIs are created,
#    brought up (one shared socket, a user each), brought down and
#    deleted, half by kvxlan, half by `ip link del`; nothing is left.
# 2. A device is deleted while a ping floods through it.
# 3. rmmod with no device; insmod; rmmod with devices present in two
#    namespaces (one up, one down): rmmod succeeds and the devices are gone.
# 4. insmod again: a device can be created and passes traffic.
# 5. The underlay device is deleted under an up kvxlan device bound to it:
#    the delete completes (no reference left behind) and, as in-tree, the
#    kvxlan device goes with it (kvxlan's netdevice notifier), its socket
#    too.
# 6. Namespaces are deleted with kvxlan devices in them; rmmod still works.
#
# The module is always loaded again when the test ends (KVXLAN_KO, set by
# the runner, is the .ko to load).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping rmmod insmod
require_kvxlan
[ -n "$KVXLAN_KO" ] && [ -f "$KVXLAN_KO" ] ||
	fail "KVXLAN_KO must name the built kvxlan.ko (got '$KVXLAN_KO')"

mod_loaded() { [ -d /sys/module/kvxlan ]; }
mod_unloaded() { ! mod_loaded; }
reload()
{
	mod_loaded || insmod "$KVXLAN_KO" || fail "insmod $KVXLAN_KO"
}
defer reload

# Devices of step 1 (KVX_LIFECYCLE_DEVICES; 1000 with KVX_STRESS=1).
# Nothing in the module grows with them (the device and VNI hashes have a
# fixed 256 buckets; limits.sh fills those), so make check needs only a
# shared socket with many users, brought up and down in one batch, and two
# halves deleted two ways: 100.
if [ "${KVX_STRESS:-0}" = 1 ]; then
	N=${KVX_LIFECYCLE_DEVICES:-1000}
else
	N=${KVX_LIFECYCLE_DEVICES:-100}
fi
TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "1. $N devices"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
for i in $(seq 0 $((N - 1))); do
	echo "link add vx$i vni $((1000 + i)) local 10.0.0.1 remote 10.0.0.2 dev veth0"
done >"$TMP/add"
check_ok "kvxlan -b: $N link add" kvx "$h1" -b "$TMP/add"
check_eq "kvxlan devices" "$(kvx_count "$h1")" "$N"
check_eq "-j link show entries" "$(kvx "$h1" -j link show | jq length)" "$N"
check_eq "distinct VNIs" \
	"$(kvx "$h1" -j link show | jq '[.[].id] | unique | length')" "$N"
for i in $(seq 0 $((N - 1))); do
	echo "link set vx$i up"
done | ip -n "$h1" -batch - || fail "bringing $N devices up"
check_eq "socket users on 4789" "$(kvx_sock_users "$h1" 4789)" "$N"
for i in $(seq 0 $((N - 1))); do
	echo "link set vx$i down"
done | ip -n "$h1" -batch - || fail "bringing $N devices down"
check_eq "socket users after down" "$(kvx_sock_users "$h1" 4789)" 0
for i in $(seq 0 $((N / 2 - 1))); do
	echo "link del vx$i"
done >"$TMP/del"
check_ok "kvxlan -b: $((N / 2)) link del" kvx "$h1" -b "$TMP/del"
# the other half through rtnetlink's generic delete
for i in $(seq $((N / 2)) $((N - 1))); do
	echo "link del vx$i"
done | ip -n "$h1" -batch - || fail "ip link del of $((N / 2)) devices"
check_eq "kvxlan devices after delete" "$(kvx_count "$h1")" 0
check_eq "-j link show after delete" "$(kvx "$h1" -j link show | jq length)" 0

log_step "2. delete while pinging"
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h2" vx0 192.168.100.2/24
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vx0)"
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
wait_underlay "$h1" 10.0.0.2
ip netns exec "$h1" ping -q -i 0.002 192.168.100.2 >/dev/null 2>&1 &
ping1=$!
defer kill "$ping1"
ip netns exec "$h2" ping -q -i 0.002 192.168.100.1 >/dev/null 2>&1 &
ping2=$!
defer kill "$ping2"
v=$(wait_counter 30 100 dev_stat "$h1" vx0 rx_packets) ||
	fail "h1 vx0 rx_packets only $v while pinging"
log_ok "traffic flowing (h1 vx0 rx_packets $v)"
kvx "$h1" link del vx0 || fail "link del vx0 under traffic"
log_ok "h1 vx0 deleted under traffic"
ip -n "$h2" link del vx0 || fail "ip link del vx0 under traffic (h2)"
log_ok "h2 vx0 deleted under traffic"
kill "$ping1" "$ping2" 2>/dev/null || true
wait "$ping1" "$ping2" 2>/dev/null || true
check_eq "no kvxlan device in h1" "$(kvx_count "$h1")" 0
check_eq "no kvxlan device in h2" "$(kvx_count "$h2")" 0
check_eq "h1 socket closed" "$(kvx_sock_users "$h1" 4789)" 0

log_step "3. rmmod"
check_ok "rmmod with no device" rmmod kvxlan
check_ok "module gone" slowwait 10 mod_unloaded
check_ok "insmod" insmod "$KVXLAN_KO"
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
kvx_add "$h1" vx1 vni 5001 local 10.0.0.1 remote 10.0.0.2 dev veth0
overlay_up "$h1" vx0 192.168.100.1/24
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h2" vx0 192.168.100.2/24
# traffic in flight while unloading
ip netns exec "$h1" ping -q -i 0.01 192.168.100.2 >/dev/null 2>&1 &
ping1=$!
defer kill "$ping1"
wait_counter 30 10 dev_stat "$h1" vx0 rx_packets >/dev/null ||
	fail "no traffic before rmmod"
check_ok "rmmod with 3 devices in 2 namespaces" rmmod kvxlan
kill "$ping1" 2>/dev/null || true
wait "$ping1" 2>/dev/null || true
check_ok "module gone" slowwait 10 mod_unloaded
for ns in "$h1" "$h2"; do
	check_eq "no vx device left in ${ns%-*}" \
		"$(ip -n "$ns" -j link show | jq '[.[] | select(.ifname | startswith("vx"))] | length')" 0
done

log_step "4. insmod again"
check_ok "insmod" insmod "$KVXLAN_KO"
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h2" vx0 192.168.100.2/24
check_ok "ping after reload" \
	ip netns exec "$h1" ping -c 3 -i 0.05 -W 5 -q 192.168.100.2
check_eq "socket users after reload" "$(kvx_sock_users "$h1" 4789)" 1

log_step "5. the underlay device is deleted under an up kvxlan device"
check_ok "ip link del veth0 (vx0 is bound to it)" \
	timeout 60 ip -n "$h1" link del veth0
check_eq "veth1 went with its peer" \
	"$(ip -n "$h2" -j link show | jq '[.[] | select(.ifname == "veth1")] | length')" 0
ip netns exec "$h1" ping -c 1 -W 1 -q 192.168.100.2 >/dev/null 2>&1 &&
	fail "ping succeeded without an underlay"
log_ok "no traffic without the underlay"
# as in-tree, a device bound to an underlay is deleted with it: no device
# keeps an ifindex a new underlay could be given
check_eq "kvxlan devices in h1 after the underlay's delete" \
	"$(kvx_count "$h1")" 0
check_eq "socket users in h1 after the underlay's delete" \
	"$(kvx_sock_users "$h1" 4789)" 0

log_step "6. namespace deleted with devices in it"
cleanup_all_ns
check_ok "module still unloads" rmmod kvxlan
check_ok "insmod" insmod "$KVXLAN_KO"

exit "$ksft_pass"
