#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peers-only: packets are accepted only from the remote VTEPs that the FDB
# or the flood list names.
#
#  +--------------------------------+          +-----------------------------+
#  | h1                             |          | h2 (no VXLAN device)        |
#  |  vx0 kvxlan vni 5000           |          |  fdb_inject.py: VXLAN frames|
#  |      remote 10.0.0.2 (flood)   |          |  from 10.0.0.2 (a peer) and |
#  |      learning on, peers-only on|          |  10.0.0.3 (not one)         |
#  |  veth0 10.0.0.1/24 ------------+----------+- veth1 10.0.0.2/24, .3/24   |
#  |       (fd00::1/64)             |          |       (fd00::2/64, ::3/64)  |
#  +--------------------------------+          +-----------------------------+
#
# 1. 10 frames from 10.0.0.3: none delivered, none learned, exactly 10
#    counted as rx_drop_unknown_peer (ethtool -S, kvxlan stats) and in
#    rx_dropped.
# 2. 5 frames from 10.0.0.2, the flood remote: delivered, their source MAC
#    learned behind 10.0.0.2.
# 3. A static FDB entry names 10.0.0.3: its frames are delivered and their
#    source learned.  Static entry deleted and learned entries flushed:
#    10.0.0.3 is unknown again and its frames are dropped.
# 4. peers-only off: frames from 10.0.0.3 are delivered again; the drop
#    counter stays where it was.
# peers_only.sh-ipv6: the same over IPv6.
# The frames are fdb_inject.py's, built on the host (frames.py, at `make -C
# selftests` time: fdb.frames) and replayed by frame_send: no python starts
# in the guest.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ethtool
require_kvxlan
require_frames fdb

A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3; do
	A[i]=$(ul "10.0.0.$i")
done
M2=02:00:00:00:22:01
M3=02:00:00:00:33:01
STATIC=02:00:00:00:99:01

counter() { kvx "$h1" -j stats dev vx0 | jq -e ".counters.$1"; }
fdb_count() { kvx "$h1" -j stats dev vx0 | jq -e ".fdb_$1"; }
rx() { dev_stat "$h1" vx0 rx_packets; }

# inject N MAC COUNT: COUNT frames from A[N] with inner source MAC (the
# set aN-MAC-FAMILY of fdb.frames)
inject()
{
	in_ns "$h2" "$FRAME_SEND" veth1 "$VETH0_MAC" "$FRAMES" \
		"a$1-$2-$KVX_FAMILY" "$3" >/dev/null
}

# dropped N: wait for rx_drop_unknown_peer to reach N, then check it, the
# ethtool -S copy and that nothing else moved (rx_packets RX0)
dropped()
{
	local v
	v=$(wait_counter 20 "$1" counter rx_drop_unknown_peer) ||
		fail "rx_drop_unknown_peer $v, expected $1"
	check_eq "rx_drop_unknown_peer" "$v" "$1"
	check_eq "ethtool -S rx_drop_unknown_peer" \
		"$(ethtool_stat "$h1" vx0 rx_drop_unknown_peer)" "$1"
	check_eq "vx0 rx_dropped" "$(dev_stat "$h1" vx0 rx_dropped)" "$1"
	check_eq "vx0 rx_packets unchanged" "$(rx)" "$RX0"
}

# delivered N: wait for rx_packets to reach RX0 + N
delivered()
{
	local v
	v=$(wait_counter 20 $((RX0 + $1)) rx) ||
		fail "vx0 rx_packets $v, expected $((RX0 + $1))"
	check_eq "vx0 rx_packets: $1 delivered" "$v" $((RX0 + $1))
	RX0=$v
}

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
addr_add "$h2" veth1 "$(ul 10.0.0.3/24)"
kvx_add "$h1" vx0 vni 5000 local "${A[1]}" remote "${A[2]}" dev veth0 \
	peers-only on
overlay_up "$h1" vx0 192.168.100.1/24
VETH0_MAC=$(link_mac "$h1" veth0)
wait_underlay "$h2" "${A[1]}"
check_eq "link show peers_only" \
	"$(kvx "$h1" -j link show vx0 | jq '.[0].peers_only')" true
RX0=$(rx)

log_step "1. frames from ${A[3]}, not a peer, are dropped"
inject 3 "$M3" 10
dropped 10
check_eq "nothing learned" "$(fdb_count learned)" 0

log_step "2. frames from ${A[2]}, the flood remote, are accepted"
inject 2 "$M2" 5
delivered 5
check_eq "$M2 learned behind ${A[2]}" \
	"$(kvx "$h1" -j fdb get "$M2" dev vx0 | jq -r .dst)" "${A[2]}"
check_eq "rx_drop_unknown_peer unchanged" "$(counter rx_drop_unknown_peer)" 10

log_step "3. a static entry makes ${A[3]} a peer; removing it does not"
check_ok "fdb add $STATIC dst ${A[3]}" \
	kvx "$h1" fdb add "$STATIC" dev vx0 dst "${A[3]}"
inject 3 "$M3" 5
delivered 5
check_eq "$M3 learned behind ${A[3]}" \
	"$(kvx "$h1" -j fdb get "$M3" dev vx0 | jq -r .dst)" "${A[3]}"
check_ok "fdb del $STATIC" kvx "$h1" fdb del "$STATIC" dev vx0
check_ok "fdb flush learned" kvx "$h1" fdb flush dev vx0 learned
inject 3 "$M3" 7
dropped 17
check_eq "$M3 not learned again" "$(fdb_count learned)" 0

log_step "4. peers-only off: ${A[3]} is accepted"
check_ok "link set peers-only off" kvx "$h1" link set vx0 peers-only off
check_eq "link show peers_only" \
	"$(kvx "$h1" -j link show vx0 | jq '.[0].peers_only')" false
inject 3 "$M3" 4
delivered 4
check_eq "rx_drop_unknown_peer unchanged" "$(counter rx_drop_unknown_peer)" 17

exit "$ksft_pass"
