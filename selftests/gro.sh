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
# With TSO off on veth0, h1's TCP super-packets are segmented before the
# veth, and with GRO on veth1 each segment goes through h2's NAPI GRO: UDP
# finds kvxlan's socket and hands the VXLAN packets to kvx_gro_receive,
# which merges the inner TCP segments of one flow.  What vx0 delivers in h2
# (seen by tcpdump on vx0) are then frames longer than the MTU, GSO
# packets of SKB_GSO_UDP_TUNNEL's inner flow, and the data arrives intact.
#
# 1. GRO on veth1: a 2 MiB TCP transfer h1 -> h2 arrives intact and h2's
#    vx0 delivers frames longer than its MTU.
# 2. GRO off on veth1 (the control): the same transfer, and not one
#    frame on vx0 is longer than the MTU.
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

log_step "1. GRO on veth1"
ip netns exec "$h2" ethtool -K veth1 gro on >/dev/null
capture_start "$h2" vx0 "$TMP/on.pcap" tcp
tcp_transfer "$h1" "$h2" 192.168.100.2 2048
slowwait 10 value_ge 1 big_frames "$TMP/on.pcap" >/dev/null || true
capture_stop
log "    $(capture_count "$TMP/on.pcap") TCP frames on h2's vx0, $(big_frames "$TMP/on.pcap") longer than the MTU"
check_ge "merged frames delivered on vx0" "$(big_frames "$TMP/on.pcap")" 1

log_step "2. GRO off on veth1 (control)"
ip netns exec "$h2" ethtool -K veth1 gro off >/dev/null
capture_start "$h2" vx0 "$TMP/off.pcap" tcp
tcp_transfer "$h1" "$h2" 192.168.100.2 2048
capture_stop
log "    $(capture_count "$TMP/off.pcap") TCP frames on h2's vx0"
check_ge "frames seen" "$(capture_count "$TMP/off.pcap")" 100
check_eq "frames longer than the MTU" "$(big_frames "$TMP/off.pcap")" 0

exit "$ksft_pass"
