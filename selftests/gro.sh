#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GRO through kvxlan's udp_tunnel gro_receive / gro_complete hooks.
#
#  h1: vx0 192.168.100.1 (kvxlan vni 5000)    h2: vx0 192.168.100.2
#      veth0 10.0.0.1/24 ------------------------- veth1 10.0.0.2/24
#      (fd00::1/64) TSO off                         (fd00::2/64) GRO on/off
#                                                    ^ tcpdump on vx0
#
# Inner TCP segments can be merged in two places on h2: in the underlay's
# NAPI GRO, where UDP hands the VXLAN packets of kvxlan's socket to
# kvx_gro_receive (this needs veth1's NAPI: GRO on veth1 and, on the
# sender, TSO off on veth0, else veth skips NAPI), and after decapsulation
# in vx0's gro_cells (GRO on vx0).  Merged frames show up on h2's vx0
# (tcpdump) longer than its MTU.  Each path is checked with the other off:
#
# 1. GRO on veth1, off on vx0: the udp_tunnel hooks merge.
# 2. GRO off on veth1, on on vx0: gro_cells merge.
# 3. GRO off on both (the control): no frame longer than the MTU.
# Each time a 2 MiB TCP transfer h1 -> h2 must arrive intact.
# gro.sh-ipv6: the same over an IPv6 underlay (udp6 GRO).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip ethtool tcpdump nc
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

log_step "setup"
p2p_setup
ip netns exec "$h1" ethtool -K veth0 tso off gso on >/dev/null
MTU=$(ip -n "$h2" -j link show vx0 | jq '.[0].mtu')
log "    vx0 MTU $MTU"

# big_frames FILE: frames on vx0 longer than the MTU plus the Ethernet header
big_frames() { capture_count "$1" "greater $((MTU + 15))"; }

# transfer NAME: a TCP transfer h1 -> h2 captured on h2's vx0
transfer()
{
	capture_start "$h2" vx0 "$TMP/$1.pcap" tcp
	tcp_transfer "$h1" "$h2" 192.168.100.2 2048
	capture_stop
	log "    $(capture_count "$TMP/$1.pcap") TCP frames on h2's vx0, $(big_frames "$TMP/$1.pcap") longer than the MTU"
}
gro() { ip netns exec "$h2" ethtool -K "$1" gro "$2" >/dev/null; }

log_step "1. GRO on veth1 (kvx_gro_receive), off on vx0"
gro veth1 on
gro vx0 off
transfer tunnel
check_ge "merged frames delivered on vx0" "$(big_frames "$TMP/tunnel.pcap")" 1

log_step "2. GRO off on veth1, on on vx0 (gro_cells)"
gro veth1 off
gro vx0 on
transfer cells
check_ge "merged frames delivered on vx0" "$(big_frames "$TMP/cells.pcap")" 1

log_step "3. GRO off on both (control)"
gro vx0 off
transfer none
check_ge "frames seen" "$(capture_count "$TMP/none.pcap")" 100
check_eq "frames longer than the MTU" "$(big_frames "$TMP/none.pcap")" 0

exit "$ksft_pass"
