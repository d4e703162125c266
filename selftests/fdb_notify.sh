#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The FDB on the kernel's neighbour channel: every change of a kvxlan
# device's FDB is an RTM_NEWNEIGH or RTM_DELNEIGH on RTNLGRP_NEIGH, in the
# format of `bridge fdb show`, so that `bridge monitor fdb` (and any
# daemon listening there) sees the table move, as with the in-tree driver.
#
#  +-----------------------------+        +-------------------------------+
#  | h1                          |        | h2                            |
#  |  vx0 192.168.100.1/24       |        |  vx0 192.168.100.2/24 (MAC2)  |
#  |  kvxlan vni 5000, learning  |        |  kvxlan vni 5000              |
#  |  on, remote 10.0.0.2        |        |  local 10.0.0.2 (then .3)     |
#  |  `bridge monitor fdb` > file|        |  remote 10.0.0.1              |
#  |  veth0 10.0.0.1/24 ---------+--------+- veth1 10.0.0.2/24, .3/24     |
#  |       (fd00::1/64)          |        |       (fd00::2/64, ::3/64)    |
#  +-----------------------------+        +-------------------------------+
#
# With `bridge monitor fdb` running in h1 in the background (its output
# polled in a file), a scripted sequence must print exactly these lines,
# in this order (trailing blanks stripped; A = 10.0.0.N or fd00::N):
#
#   S dev vx0 dst A9 port 4790 vni 77 self permanent    kvxlan fdb add
#   MAC2 dev vx0 dst A2 self                             learned: h2 pings h1
#   MAC2 dev vx0 dst A3 self                             moved: h2 on .3
#   S dev vx0 dst A8 self permanent                      kvxlan fdb replace
#   Deleted S dev vx0 dst A8 self permanent              kvxlan fdb del
#   B dev vx0 dst A7 self permanent                      bridge fdb add ...
#   B dev vx0 self permanent                               and the kernel's own
#   Deleted B dev vx0 dst A7 self permanent              bridge fdb del ...
#   Deleted B dev vx0 self permanent                       and the kernel's own
#   F1 dev vx0 dst A6 self permanent                     kvxlan fdb add
#   F2 dev vx0 dst A6 vni 99 self permanent              kvxlan fdb add
#   Deleted F1 dev vx0 dst A6 self permanent             kvxlan fdb flush static
#   Deleted F2 dev vx0 dst A6 vni 99 self permanent
#   Deleted MAC2 dev vx0 dst A3 self                     aged: ageing 3
#   Z dev vx0 dst A5 self permanent                      kvxlan flood add
#   Z dev vx0 dst A4 port 4790 self permanent            kvxlan flood replace
#   Deleted Z dev vx0 dst A5 self permanent                (A2 A5 -> A2 A4)
#   Z dev vx0 dst A5 self permanent                      bridge fdb append Z
#   Z dev vx0 self permanent                               and the kernel's own
#   Deleted Z dev vx0 dst A4 port 4790 self permanent    bridge fdb del Z dst
#   Deleted Z dev vx0 self permanent                       and the kernel's own
#   Deleted Z dev vx0 dst A5 self permanent              kvxlan flood del
#   Z dev vx0 dst A2 port 4790 vni 7 self permanent      kvxlan flood replace
#                                                          (A2's port, VNI)
#   Z dev vx0 dst A3 self permanent                      kvxlan link set vx0
#   Deleted Z dev vx0 dst A2 port 4790 vni 7 self ...      remote A3
#   Z dev vx0 dst G1 via veth0 self permanent            kvxlan group add G1
#                                                          via veth0
#   Z dev vx0 dst G2 via veth0 self permanent            bridge fdb append Z
#   Z dev vx0 self permanent                               dst G2 via veth0
#   Deleted Z dev vx0 dst G2 via veth0 self permanent    bridge fdb del Z
#   Deleted Z dev vx0 self permanent                       dst G2 via veth0
#   Deleted Z dev vx0 dst A3 self permanent              bridge fdb del Z
#   Deleted Z dev vx0 dst G1 via veth0 self permanent
#   Deleted Z dev vx0 self permanent                       and the kernel's own
#   S dev vx0 dst A9 self permanent                      kvxlan fdb add,
#   M dev vx0 dst A7 self permanent                        append x2,
#   M dev vx0 dst A8 self permanent
#   Z dev vx0 dst A6 self permanent                        flood add
#   Deleted S dev vx0 dst A9 self permanent              kvxlan link del vx0:
#   Deleted M dev vx0 dst A7 self permanent                every remote of
#   Deleted M dev vx0 dst A8 self permanent                every entry, then
#   Deleted Z dev vx0 dst A6 self permanent                the flood list's
#
# (Z = 00:00:00:00:00:00, the flood list, as in-tree shows its default
# entry's remotes; M a multicast MAC with its own list.) Each flood list
# change is the in-tree driver's message for that remote of its all-zeros
# entry: a new remote or one whose port or VNI changes RTM_NEWNEIGH (a
# replace, no RTM_DELNEIGH of the old values, as in-tree replaces a
# remote), a remote that goes RTM_DELNEIGH. Deleting the device sends, as
# in-tree's dellink (vxlan_flush(), then vxlan_uninit()'s all-zeros
# entry), an RTM_DELNEIGH for every remote of every entry, then for each
# flood remote. Until the flood list and dellink were reported (the
# commit that added these lines) the module sent nothing for either: every
# line from "kvxlan flood add" on but the kernel's own was missing.
#
# A group with an underlay device of its own (G1, G2 = 239.1.1.1, .2 or
# ff0e::1:1:1, :2) is "dst G via veth0", in the monitor as in `bridge fdb
# show` (NDA_IFINDEX, as in-tree's vxlan_fdb_info()), and `bridge fdb
# append/del ... via veth0` reaches it as `kvxlan group add/del ... via`;
# `via` with a unicast dst, or on another MAC than Z, is refused. Before
# the commit that added those lines the module sent no NDA_IFINDEX (the
# lines had no "via veth0") and refused every NDA_IFINDEX ("NDA_IFINDEX,
# NDA_SRC_VNI and NDA_NH_ID are not supported").
#
# The kernel (6.1 and 6.12) follows every `bridge fdb add/del` on a device
# with a message of its own that has no dst (6.13's ndo_fdb_add "notified"
# argument lets a driver stop that; these kernels have none). The lines of
# added, learned and replaced entries and of an added flood remote are
# also the lines `bridge fdb show` prints for them then (one fill
# function). Before 322da0d the module sent nothing to the neighbour
# group: only the kernel's own lines were printed.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip bridge ping
require_kvxlan

AGEING=3
S=02:00:00:00:0a:01
B=02:00:00:00:0b:01
F1=02:00:00:00:0f:01
F2=02:00:00:00:0f:02
M=01:00:5e:00:00:07
Z=00:00:00:00:00:00
G1=$(ul 239.1.1.1)
G2=$(ul 239.1.1.2)
SENTINEL=02:00:00:00:ff:ff
TMP=$(mktemp -d)
defer rm -rf "$TMP"
MON=$TMP/monitor.txt
A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3 4 5 6 7 8 9 250; do
	A[i]=$(ul "10.0.0.$i")
done

log_step "setup"
fdb_pair_setup

log_step "bridge monitor fdb in the background"
ip netns exec "$h1" bridge monitor fdb >"$MON" 2>&1 &
MON_PID=$!
defer kill "$MON_PID"
# Subscribed once a line shows up: the kernel's own message after a
# `bridge fdb replace` (the old module too) comes whatever the driver does.
sentinel_seen()
{
	bridge -n "$h1" fdb replace "$SENTINEL" dev vx0 dst "${A[250]}" \
		>/dev/null 2>&1 && grep -q "$SENTINEL" "$MON"
}
slowwait 20 sentinel_seen || fail "bridge monitor printed nothing: $(cat "$MON")"
bridge -n "$h1" fdb del "$SENTINEL" dev vx0 || fail "bridge fdb del $SENTINEL"
log_ok "the monitor is subscribed"

log_step "the scripted sequence"
check_ok "kvxlan fdb add $S dst ${A[9]} port 4790 vni 77" \
	kvx "$h1" fdb add "$S" dev vx0 dst "${A[9]}" port 4790 vni 77
added_show=$(bridge -n "$h1" fdb show dev vx0 | grep "^$S ")
check_ok "h2 pings h1: h1 learns MAC2 -> ${A[2]}" \
	ip netns exec "$h2" ping -c 1 -W 5 -q 192.168.100.1
learned_show=$(bridge -n "$h1" fdb show dev vx0 | grep "^$MAC2 ")
log "    MAC2 moves behind another VTEP address: vx0 recreated on h2 with local ${A[3]}"
kvx "$h2" link del vx0 || fail "kvxlan link del vx0 (h2)"
kvx_add "$h2" vx0 vni 5000 local "${A[3]}" remote "${A[1]}" dev veth1
ip -n "$h2" link set vx0 address "$MAC2"
overlay_up "$h2" vx0 192.168.100.2/24
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
check_ok "h2 pings h1 from ${A[3]}: MAC2 moves" \
	ip netns exec "$h2" ping -c 1 -W 5 -q 192.168.100.1
check_ok "kvxlan fdb replace $S dst ${A[8]}" \
	kvx "$h1" fdb replace "$S" dev vx0 dst "${A[8]}"
replaced_show=$(bridge -n "$h1" fdb show dev vx0 | grep "^$S ")
check_ok "kvxlan fdb del $S" kvx "$h1" fdb del "$S" dev vx0
check_ok "bridge fdb add $B dst ${A[7]}" \
	bridge -n "$h1" fdb add "$B" dev vx0 dst "${A[7]}"
check_ok "bridge fdb del $B" bridge -n "$h1" fdb del "$B" dev vx0
check_ok "kvxlan fdb add $F1" kvx "$h1" fdb add "$F1" dev vx0 dst "${A[6]}"
check_ok "kvxlan fdb add $F2" \
	kvx "$h1" fdb add "$F2" dev vx0 dst "${A[6]}" vni 99
check_ok "kvxlan fdb flush dev vx0 static" kvx "$h1" fdb flush dev vx0 static
# MAC2 last heard of at the ping above: it ages within seconds now.
check_ok "kvxlan link set vx0 ageing $AGEING" \
	kvx "$h1" link set vx0 ageing "$AGEING"
aged_line() { grep -q "^Deleted $MAC2 " "$MON"; }
slowwait 15 aged_line || log "    (no line for MAC2 ageing out)"
check_ok "kvxlan flood add dev vx0 dst ${A[5]}" \
	kvx "$h1" flood add dev vx0 dst "${A[5]}"
flood_show=$(bridge -n "$h1" fdb show dev vx0 | grep "^$Z dst ${A[5]} ")
check_ok "kvxlan flood replace dev vx0 dst ${A[2]} dst ${A[4]} port 4790" \
	kvx "$h1" flood replace dev vx0 dst "${A[2]}" dst "${A[4]}" port 4790
check_ok "bridge fdb append $Z dst ${A[5]}" \
	bridge -n "$h1" fdb append "$Z" dev vx0 dst "${A[5]}"
check_ok "bridge fdb del $Z dst ${A[4]}" \
	bridge -n "$h1" fdb del "$Z" dev vx0 dst "${A[4]}"
check_ok "kvxlan flood del dev vx0 dst ${A[5]}" \
	kvx "$h1" flood del dev vx0 dst "${A[5]}"
check_ok "kvxlan flood replace dev vx0 dst ${A[2]} port 4790 vni 7" \
	kvx "$h1" flood replace dev vx0 dst "${A[2]}" port 4790 vni 7
check_ok "kvxlan link set vx0 remote ${A[3]}" \
	kvx "$h1" link set vx0 remote "${A[3]}"
check_ok "kvxlan group add $G1 dev vx0 via veth0" \
	kvx "$h1" group add "$G1" dev vx0 via veth0
group_show=$(bridge -n "$h1" fdb show dev vx0 | grep "^$Z dst $G1 ")
check_eq "bridge fdb show: the group's underlay device" \
	"$(sed 's/ *$//' <<<"$group_show")" "$Z dst $G1 via veth0 self permanent"
check_ok "bridge fdb append $Z dst $G2 via veth0" \
	bridge -n "$h1" fdb append "$Z" dev vx0 dst "$G2" via veth0
check_eq "kvxlan group show: $G2 via veth0, from bridge fdb append" \
	"$(kvx "$h1" group show dev vx0 | sed 's/ *$//' | paste -sd,)" \
	"dst $G1 via veth0,dst $G2 via veth0"
check_fail_msg "bridge fdb append $Z dst ${A[5]} via veth0 (unicast)" \
	"Only a group has its own underlay device" \
	bridge -n "$h1" fdb append "$Z" dev vx0 dst "${A[5]}" via veth0
check_fail_msg "bridge fdb add $S dst ${A[9]} via veth0" \
	"Only a group has its own underlay device" \
	bridge -n "$h1" fdb add "$S" dev vx0 dst "${A[9]}" via veth0
check_ok "bridge fdb del $Z dst $G2 via veth0" \
	bridge -n "$h1" fdb del "$Z" dev vx0 dst "$G2" via veth0
check_ok "bridge fdb del $Z (the whole list)" \
	bridge -n "$h1" fdb del "$Z" dev vx0
check_ok "kvxlan fdb add $S dst ${A[9]}" \
	kvx "$h1" fdb add "$S" dev vx0 dst "${A[9]}"
check_ok "kvxlan fdb append $M dst ${A[7]}" \
	kvx "$h1" fdb append "$M" dev vx0 dst "${A[7]}"
check_ok "kvxlan fdb append $M dst ${A[8]}" \
	kvx "$h1" fdb append "$M" dev vx0 dst "${A[8]}"
check_ok "kvxlan flood add dev vx0 dst ${A[6]}" \
	kvx "$h1" flood add dev vx0 dst "${A[6]}"
check_ok "kvxlan link del vx0" kvx "$h1" link del vx0
gone_line() { grep -q "^Deleted $Z dev vx0 dst ${A[6]} " "$MON"; }
slowwait 10 gone_line || log "    (no line for the flood list at link del)"

log_step "the lines, in order"
kill "$MON_PID"
wait "$MON_PID" 2>/dev/null || true
sed 's/^/    /' "$MON"
got=$(grep -v "$SENTINEL" "$MON" | sed 's/ *$//')
want=$(printf '%s\n' \
	"$S dev vx0 dst ${A[9]} port 4790 vni 77 self permanent" \
	"$MAC2 dev vx0 dst ${A[2]} self" \
	"$MAC2 dev vx0 dst ${A[3]} self" \
	"$S dev vx0 dst ${A[8]} self permanent" \
	"Deleted $S dev vx0 dst ${A[8]} self permanent" \
	"$B dev vx0 dst ${A[7]} self permanent" \
	"$B dev vx0 self permanent" \
	"Deleted $B dev vx0 dst ${A[7]} self permanent" \
	"Deleted $B dev vx0 self permanent" \
	"$F1 dev vx0 dst ${A[6]} self permanent" \
	"$F2 dev vx0 dst ${A[6]} vni 99 self permanent" \
	"Deleted $F1 dev vx0 dst ${A[6]} self permanent" \
	"Deleted $F2 dev vx0 dst ${A[6]} vni 99 self permanent" \
	"Deleted $MAC2 dev vx0 dst ${A[3]} self" \
	"$Z dev vx0 dst ${A[5]} self permanent" \
	"$Z dev vx0 dst ${A[4]} port 4790 self permanent" \
	"Deleted $Z dev vx0 dst ${A[5]} self permanent" \
	"$Z dev vx0 dst ${A[5]} self permanent" \
	"$Z dev vx0 self permanent" \
	"Deleted $Z dev vx0 dst ${A[4]} port 4790 self permanent" \
	"Deleted $Z dev vx0 self permanent" \
	"Deleted $Z dev vx0 dst ${A[5]} self permanent" \
	"$Z dev vx0 dst ${A[2]} port 4790 vni 7 self permanent" \
	"$Z dev vx0 dst ${A[3]} self permanent" \
	"Deleted $Z dev vx0 dst ${A[2]} port 4790 vni 7 self permanent" \
	"$Z dev vx0 dst $G1 via veth0 self permanent" \
	"$Z dev vx0 dst $G2 via veth0 self permanent" \
	"$Z dev vx0 self permanent" \
	"Deleted $Z dev vx0 dst $G2 via veth0 self permanent" \
	"Deleted $Z dev vx0 self permanent" \
	"Deleted $Z dev vx0 dst ${A[3]} self permanent" \
	"Deleted $Z dev vx0 dst $G1 via veth0 self permanent" \
	"Deleted $Z dev vx0 self permanent" \
	"$S dev vx0 dst ${A[9]} self permanent" \
	"$M dev vx0 dst ${A[7]} self permanent" \
	"$M dev vx0 dst ${A[8]} self permanent" \
	"$Z dev vx0 dst ${A[6]} self permanent" \
	"Deleted $S dev vx0 dst ${A[9]} self permanent" \
	"Deleted $M dev vx0 dst ${A[7]} self permanent" \
	"Deleted $M dev vx0 dst ${A[8]} self permanent" \
	"Deleted $Z dev vx0 dst ${A[6]} self permanent")
if [ "$got" != "$want" ]; then
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fail "bridge monitor fdb differs from the sequence (- expected, + got)"
fi
log_ok "added, learned, moved, replaced, deleted, bridge add/del, flushed, aged, the flood list, groups via veth0, link del: in order, once each"

log_step "the same lines as bridge fdb show"
# `bridge fdb show dev vx0` leaves out "dev vx0"
check_eq "added entry: monitor line = bridge fdb show line" \
	"$(sed -n 1p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$added_show")"
check_eq "learned entry: monitor line = bridge fdb show line" \
	"$(sed -n 2p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$learned_show")"
check_eq "replaced entry: monitor line = bridge fdb show line" \
	"$(sed -n 4p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$replaced_show")"
check_eq "flood remote added: monitor line = bridge fdb show line" \
	"$(sed -n 15p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$flood_show")"
check_eq "group via veth0 added: monitor line = bridge fdb show line" \
	"$(sed -n 26p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$group_show")"

exit "$ksft_pass"
