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
#  |  vx3 vni 5003 192.168.103.1  remote 10.0.0.2   |        |              |
#  |  tun0 (L3) --tc mirred--> vx3                  |        |              |
#  |  veth0 10.0.0.1/24 ----------------------------+--------+- veth1 .2/24 |
#  +------------------------------------------------+        +--------------+
#
# N pings on each of vx0..vx2: tx_drop_no_remote, tx_drop_no_route,
# tx_drop_loop = N exactly; N 5-byte packets written to tun0, an L3 device
# whose ingress tc redirects them to vx3's egress with no Ethernet header
# (the way a frame shorter than one reaches a driver): tx_drop_short = N
# exactly.  Each time tx_packets 0, `ip -s link` tx_dropped = N, and every
# other tx_drop_* counter 0 (counted once).  Then vx0 gets a remote and
# works: the positive control.
#
# Two counters are NOT triggered here; their zeros only show that no drop
# is counted twice:
# - tx_drop_nomem (module/xmit.c: skb_cow_head(), iptunnel_handle_offloads()
#   or a flood skb_clone() failing) needs an allocation to fail, and
#   Debian's kernels (/boot/config-6.1.0-57-amd64, -6.12.118+deb12-amd64)
#   have CONFIG_FAULT_INJECTION and CONFIG_FUNCTION_ERROR_INJECTION unset:
#   no failslab, no fail_function.
# - tx_drop_down counts a frame in ndo_start_xmit while the device has no
#   UDP socket for it (none at all, or none of the remote's family and no
#   IPv4 one).  A running device always has its sockets, and a remote of
#   the other family is refused at configuration, so only a transmit
#   racing ndo_stop (which clears the sockets before IFF_UP goes) gets
#   there: not a count a test can make exact.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool ping tc
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
kvx_add "$h1" vx3 vni 5003 local 10.0.0.1 remote 10.0.0.2 dev veth0
kvx_add "$h2" vx0 vni 5000 local 10.0.0.2 remote 10.0.0.1 dev veth1
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h1" vx1 192.168.101.1/24
overlay_up "$h1" vx2 192.168.102.1/24
overlay_up "$h1" vx3 192.168.103.1/24
overlay_up "$h2" vx0 192.168.100.2/24
static_neigh "$h1" vx0 192.168.100.2 "$(link_mac "$h2" vx0)"
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
static_neigh "$h1" vx1 192.168.101.2 02:00:00:00:01:02
static_neigh "$h1" vx2 192.168.102.2 02:00:00:00:02:02
wait_underlay "$h1" 10.0.0.2

check_eq "vx0 -j: no remote" \
	"$(kvx "$h1" -j link show vx0 | jq -r '.[0].remote // "none"')" none

# dropped DEV KEY: the N frames just sent through DEV were all dropped,
# counted once, under KEY
dropped()
{
	local dev=$1 key=$2 k v
	ip netns exec "$h1" ethtool -S "$dev" | sed 's/^/    /'
	for k in tx_drop_short tx_drop_no_remote tx_drop_no_route \
		tx_drop_loop tx_drop_nomem tx_drop_down; do
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

# drops DEV DST KEY: N pings from DEV to DST are all dropped under KEY
drops()
{
	ip netns exec "$h1" ping -c "$N" -i 0.05 -W 1 -q "$2" >/dev/null 2>&1 &&
		fail "ping $2 through $1 succeeded"
	dropped "$1" "$3"
}

log_step "no remote"
drops vx0 192.168.100.2 tx_drop_no_remote

log_step "no route to the remote"
drops vx1 192.168.101.2 tx_drop_no_route

log_step "the route to the remote leads back into the device"
drops vx2 192.168.102.2 tx_drop_loop

log_step "frames shorter than an Ethernet header"
# tun0 without packet information: each write is one IPv4 "packet" (the
# version nibble is all tun reads) that its ingress hands to vx3 as is.
# (the guest's /dev/net/tun appears with the module)
[ -c /dev/net/tun ] || modprobe tun || fail "modprobe tun"
ip -n "$h1" tuntap add dev tun0 mode tun || fail "ip tuntap add dev tun0 mode tun"
ip -n "$h1" link set tun0 up
tc -n "$h1" qdisc add dev tun0 clsact || fail "tc qdisc add dev tun0 clsact"
tc -n "$h1" filter add dev tun0 ingress matchall \
	action mirred egress redirect dev vx3 ||
	fail "tc filter: tun0 ingress -> mirred egress redirect dev vx3"
ip netns exec "$h1" "$PYTHON" - "$N" <<'EOF' || fail "writing to tun0 failed"
import fcntl, os, struct, sys
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tun0", IFF_TUN | IFF_NO_PI))
for _ in range(int(sys.argv[1])):
    assert os.write(fd, b"\x45\x00\x00\x05\x00") == 5
EOF
slowwait 10 value_ge "$N" ethtool_stat "$h1" vx3 tx_drop_short >/dev/null ||
	fail "vx3 tx_drop_short: $(ethtool_stat "$h1" vx3 tx_drop_short), expected $N"
check_eq "tun0 rx_packets (what tc redirected)" \
	"$(dev_stat "$h1" tun0 rx_packets)" "$N"
dropped vx3 tx_drop_short

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
