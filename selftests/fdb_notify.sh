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
#
# The kernel (6.1 and 6.12) follows every `bridge fdb add/del` on a device
# with a message of its own that has no dst (6.13's ndo_fdb_add "notified"
# argument lets a driver stop that; these kernels have none). The lines of
# added, learned and replaced entries are also the lines `bridge fdb show`
# prints for them then (one fill function). The old module sent nothing
# to the neighbour group: only the kernel's own two lines were printed.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip bridge ping
require_kvxlan

AGEING=3
S=02:00:00:00:0a:01
B=02:00:00:00:0b:01
F1=02:00:00:00:0f:01
F2=02:00:00:00:0f:02
SENTINEL=02:00:00:00:ff:ff
TMP=$(mktemp -d)
defer rm -rf "$TMP"
MON=$TMP/monitor.txt
A=()		# A[N]: the underlay address 10.0.0.N (fd00::N)
for i in 1 2 3 6 7 8 9 250; do
	A[i]=$(ul "10.0.0.$i")
done

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 "$(ul 10.0.0.1/24)" "$h2" veth1 "$(ul 10.0.0.2/24)"
addr_add "$h2" veth1 "$(ul 10.0.0.3/24)"
kvx_add "$h1" vx0 vni 5000 local "${A[1]}" remote "${A[2]}" dev veth0
kvx_add "$h2" vx0 vni 5000 local "${A[2]}" remote "${A[1]}" dev veth1
overlay_up "$h1" vx0 192.168.100.1/24
overlay_up "$h2" vx0 192.168.100.2/24
MAC2=$(link_mac "$h2" vx0)
static_neigh "$h1" vx0 192.168.100.2 "$MAC2"
static_neigh "$h2" vx0 192.168.100.1 "$(link_mac "$h1" vx0)"
wait_underlay "$h1" "${A[2]}"
wait_underlay "$h2" "${A[1]}"

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
	"Deleted $MAC2 dev vx0 dst ${A[3]} self")
if [ "$got" != "$want" ]; then
	diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
	fail "bridge monitor fdb differs from the sequence (- expected, + got)"
fi
log_ok "added, learned, moved, replaced, deleted, bridge add/del, flushed, aged: in order, once each"

log_step "the same lines as bridge fdb show"
# `bridge fdb show dev vx0` leaves out "dev vx0"
check_eq "added entry: monitor line = bridge fdb show line" \
	"$(sed -n 1p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$added_show")"
check_eq "learned entry: monitor line = bridge fdb show line" \
	"$(sed -n 2p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$learned_show")"
check_eq "replaced entry: monitor line = bridge fdb show line" \
	"$(sed -n 4p <<<"$got" | sed 's/ dev vx0//')" "$(sed 's/ *$//' <<<"$replaced_show")"

exit "$ksft_pass"
