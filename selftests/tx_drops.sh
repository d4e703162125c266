#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Frames kvxlan cannot send are dropped and counted once, under their reason.
#
#  +------------------------------------------------+        +--------------+
#  | h1                                             |        | h2           |
#  |  vx0 vni 5000 192.168.100.1  (no remote,      |        |  vx0 vni 5000|
#  |      learning off)                             |        |              |
#  |  vx1 vni 5001 192.168.101.1  remote 10.9.9.9   |        |  .100.2      |
#  |      (no dev, and no route to 10.9.9.9)        |        |              |
#  |  vx2 vni 5002 192.168.102.1  remote .102.2     |        |              |
#  |      (no dev: the route to the remote is vx2)  |        |              |
#  |  veth0 10.0.0.1/24 ----------------------------+--------+- veth1 .2/24 |
#  +------------------------------------------------+        +--------------+
#
# N pings on each: tx_drop_no_remote, tx_drop_no_route, tx_drop_loop = N
# exactly, tx_packets 0, `ip -s link` tx_dropped = N.  Then vx0 gets a
# remote and works: the positive control.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool ping
require_kvxlan

N=3

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
# learning off: a learned FDB entry would (rightly) still reach h2 after
# `remote none`; this test is about the default remote alone.
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 dev veth0 learning off
# Not bound to veth0: a lookup bound to an interface treats any address
# as on-link, so only an unbound device can lack a route.
kvx_add "$h1" vx1 vni 5001 local 10.0.0.1 remote 10.9.9.9
kvx_add "$h1" vx2 vni 5002 remote 192.168.102.2
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h1" vx1 192.168.101.1/24
overlay_up "$h1" vx2 192.168.102.1/24
overlay_up "$h2" vx0 192.168.100.2/24
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vx0)"
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
static_neigh "$h1" vx1 192.168.101.2 02:00:00:00:01:02
static_neigh "$h1" vx2 192.168.102.2 02:00:00:00:02:02
wait_underlay "$h1" 10.0.0.2

check_eq "vx0 -j: no remote" \
	"$(kvx "$h1" -j link show vx0 | jq -r '.[0].remote // "none"')" none

# drops DEV DST KEY: N pings from DEV to DST are all dropped under KEY
drops()
{
	local dev=$1 dst=$2 key=$3 k v
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 1 -q "$dst" >/dev/null 2>&1 &&
		fail "ping $dst through $dev succeeded"
	ip netns exec "$h1" ethtool -S "$dev" | sed 's/^/    /'
	for k in tx_drop_short tx_drop_no_remote tx_drop_no_route \
		tx_drop_loop tx_drop_nomem; do
		v=$(ethtool_stat "$h1" "$dev" "$k") || fail "ethtool -S $dev lacks $k"
		if [ "$k" = "$key" ]; then
			check_eq "$dev $k" "$v" "$N"
		else
			check_eq "$dev $k" "$v" 0
		fi
	done
	check_eq "$dev tx_packets" "$(dev_stat "$h1" "$dev" tx_packets)" 0
	check_eq "$dev tx_dropped (ip -s link)" \
		"$(dev_stat "$h1" "$dev" tx_dropped)" "$N"
}

log_step "no remote"
drops vx0 192.168.100.2 tx_drop_no_remote

log_step "no route to the remote"
drops vx1 192.168.101.2 tx_drop_no_route

log_step "the route to the remote leads back into the device"
drops vx2 192.168.102.2 tx_drop_loop

log_step "positive control: vx0 gets a remote"
kvx "$h1" link set vx0 remote 10.0.0.2 || fail "link set vx0 remote 10.0.0.2"
check_eq "vx0 -j: remote" "$(kvx "$h1" -j link show vx0 | jq -r '.[0].remote')" 10.0.0.2
check_ok "ping through vx0" \
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 5 -q 192.168.100.2
check_eq "vx0 tx_packets" "$(dev_stat "$h1" vx0 tx_packets)" "$N"
check_eq "vx0 tx_drop_no_remote unchanged" \
	"$(ethtool_stat "$h1" vx0 tx_drop_no_remote)" "$N"

log_step "remote none removes it again"
kvx "$h1" link set vx0 remote none || fail "link set vx0 remote none"
check_eq "vx0 -j: no remote" \
	"$(kvx "$h1" -j link show vx0 | jq -r '.[0].remote // "none"')" none
ip netns exec "$h1" ping -c 1 -W 1 -q 192.168.100.2 >/dev/null 2>&1 &&
	fail "ping through vx0 without a remote succeeded"
check_eq "vx0 tx_drop_no_remote" \
	"$(ethtool_stat "$h1" vx0 tx_drop_no_remote)" $((N + 1))

exit "$ksft_pass"
