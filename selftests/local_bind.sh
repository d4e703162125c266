#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The UDP socket's binding: kvxlan binds its socket of a port to the local
# address its devices share, and to the wildcard when one of them has
# another local address or none, or a group is joined on it.
#
#  +--------------------------+          +--------------------------------+
#  | h1                       |          | h2                             |
#  |  vx0 vni 5000 -> .2      |          |  vx0 vni 5000 local .2         |
#  |  vx1 vni 5001 -> .3      |          |  vx1 vni 5001 local .2         |
#  |   local 10.0.0.1         |          |  vx2 vni 5002, no local        |
#  |                          |          |   (steps 3 and 5)              |
#  |  veth0 10.0.0.1/24 ------+----------+- veth1 10.0.0.2/24, 10.0.0.3/24 |
#  +--------------------------+          +--------------------------------+
#
# h1's vx1 sends VNI 5001 to h2's other address, 10.0.0.3 (IPv6: fd00::3),
# always: it does not learn that h2's vx1 answers from 10.0.0.2.
#
# 1. h2's socket on 4789 is bound to 10.0.0.2 (/proc/net/kvxlan, ss), and
#    vx0 pings across.
# 2. vx1's pings to 10.0.0.3 reach no kvxlan socket: exactly one UDP
#    NoPorts each on h2, nothing on h2's vx1.  A program can bind
#    10.0.0.3:4789 on h2.
# 3. vx2 (no local address) goes up: the socket is on the wildcard
#    ("any") and vx1's pings to 10.0.0.3 cross; vx2 down: bound to
#    10.0.0.2 again.
# 4. A group on vx1 (`kvxlan group add`): the wildcard; group deleted:
#    10.0.0.2 again.  A join that fails (IPv4: igmp_max_memberships 0)
#    leaves it on 10.0.0.2.
# 5. A program holds 10.0.0.3:4789: vx2 cannot go up (EADDRINUSE, the
#    reason in the kernel's log), the group cannot be joined and vx1's
#    local address cannot become 10.0.0.3 (EADDRINUSE, the reason in the
#    extack), and nothing changes; once the program exits, vx2 goes up.
#
# local_bind.sh-ipv6 is the same over an IPv6 underlay.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping ss python3
require_kvxlan

N=3
H3_UL=$(ul 10.0.0.3)
GROUP=$(ul 239.1.1.1)

# sock_addr: the address h2's kvxlan socket on 4789 is bound to, or "any"
sock_addr()
{
	kvx_proc "$h2" | awk -v f="$UL_INET" '
		$1 == "socket" && $2 == f && $3 == 4789 { print $7 }'
}

# no_ports: h2's UDP NoPorts counter of the underlay family
no_ports()
{
	if [ "$KVX_FAMILY" = 4 ]; then
		in_ns "$h2" awk '$1 == "Udp:" && !h { for (i = 1; i <= NF; i++)
			c[$i] = i; h = 1; next }
			$1 == "Udp:" { print $c["NoPorts"] }' /proc/net/snmp
	else
		in_ns "$h2" awk '$1 == "Udp6NoPorts" { print $2 }' /proc/net/snmp6
	fi
}

# BIND_PY ADDR SECONDS: binds ADDR:4789 (UDP), prints "bound", holds it
# for SECONDS
BIND_PY='
import socket, sys, time
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET,
                  socket.SOCK_DGRAM)
s.bind((a, 4789))
print("bound", flush=True)
time.sleep(float(sys.argv[2]))'

# on_h2 CMD...: CMD in h2; it execs, so only in a subshell, whose PID
# (a background one's $!) then is CMD's
on_h2() { exec nsenter --net="$KVX_NETNS_DIR/$h2" -- "$@"; }

# ping_vx1 EXPECT: vx1's N pings h1 -> h2, EXPECT "cross" (all answered)
# or "lost" (none)
ping_vx1()
{
	if [ "$1" = cross ]; then
		check_ok "vx1: $N pings to 192.168.101.2 cross" \
			in_ns "$h1" ping -c "$N" -i 0.1 -W 5 -q 192.168.101.2
	else
		check_fail_msg "vx1: $N pings to 192.168.101.2 are lost" \
			" 0 received" in_ns "$h1" ping -c "$N" -i 0.1 -W 1 -q \
			192.168.101.2
	fi
}

log_step "setup"
p2p_setup
addr_add "$h2" veth1 "$(ul 10.0.0.3/24)"
kvx_add "$h1" vx1 vni 5001 local "$H1_UL" remote "$H3_UL" dev veth0 \
	learning off
kvx_add "$h2" vx1 vni 5001 local "$H2_UL" remote "$H1_UL" dev veth1
overlay_up "$h1" vx1 192.168.101.1/24
overlay_up "$h2" vx1 192.168.101.2/24
static_neigh "$h1" vx1 192.168.101.2 "$(link_mac "$h2" vx1)"
static_neigh "$h2" vx1 192.168.101.1 "$(link_mac "$h1" vx1)"
kvx_add "$h2" vx2 vni 5002 remote "$H1_UL" dev veth1
wait_underlay "$h1" "$H3_UL"

log_step "1. the socket is bound to the devices' local address"
check_eq "h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" "$H2_UL"
ss_out=$(in_ns "$h2" ss -Hlun 'sport = :4789')
log "$ss_out" | sed 's/^/    /'
check_eq "ss: sockets on 4789" "$(wc -l <<<"$ss_out")" 1
grep -qF -- "$H2_UL" <<<"$ss_out" ||
	fail "ss: the 4789 socket is not on $H2_UL"
log_ok "ss: the 4789 socket is on $H2_UL"
check_ok "vx0: ping 192.168.100.2" \
	in_ns "$h1" ping -c "$N" -i 0.1 -W 5 -q 192.168.100.2

log_step "2. nothing is received on h2's other address"
np=$(no_ports)
ping_vx1 lost
check_eq "h2 UDP NoPorts (+$N)" "$(no_ports)" $((np + N))
check_eq "h2 vx1 rx_packets" "$(dev_stat "$h2" vx1 rx_packets)" 0
check_eq "a program binds $H3_UL:4789 on h2" \
	"$(on_h2 python3 -c "$BIND_PY" "$H3_UL" 0)" bound

log_step "3. a device without a local address widens it"
ip -n "$h2" link set vx2 up || fail "vx2 up"
check_eq "h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" any
ping_vx1 cross
check_eq "h2 vx1 rx_packets" "$(dev_stat "$h2" vx1 rx_packets)" "$N"
ip -n "$h2" link set vx2 down
check_eq "vx2 down: h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" "$H2_UL"
ping_vx1 lost

log_step "4. a group widens it"
kvx "$h2" group add "$GROUP" dev vx1 || fail "group add $GROUP dev vx1"
check_eq "h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" any
ping_vx1 cross
kvx "$h2" group del "$GROUP" dev vx1 || fail "group del $GROUP dev vx1"
check_eq "group deleted: h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" \
	"$H2_UL"
# a join that fails (IPv4: no IGMP membership allowed in h2) undoes the
# widening it made; IPv6 has no such per-namespace limit
if [ "$KVX_FAMILY" = 4 ]; then
	in_ns "$h2" sysctl -qw net.ipv4.igmp_max_memberships=0
	check_fail_msg "the join fails" "IGMP/MLD join failed" \
		kvx "$h2" group add "$GROUP" dev vx1
	in_ns "$h2" sysctl -qw net.ipv4.igmp_max_memberships=20
	check_eq "join failed: h2 kvxlan $UL_INET socket on 4789" \
		"$(sock_addr)" "$H2_UL"
fi

log_step "5. another socket on the port keeps it bound"
hold=$(mktemp)
defer rm -f "$hold"
(on_h2 python3 -c "$BIND_PY" "$H3_UL" 120 >"$hold") &
hold_pid=$!
defer kill "$hold_pid"
busywait 10000 grep -qx bound "$hold" ||
	fail "the program did not bind $H3_UL:4789"
log_ok "a program holds $H3_UL:4789"
# ndo_open has no extack: the reason is in the kernel's log
check_fail_msg "vx2 cannot go up" "Address already in use" \
	ip -n "$h2" link set vx2 up
dmesg | tail -n 20 | grep -q "vx2: cannot go up: another socket holds UDP port 4789" ||
	fail "the kernel's log does not say why vx2 cannot go up"
log_ok "the kernel's log says why"
check_fail_msg "vx1 cannot join $GROUP" "another socket has the UDP port" \
	kvx "$h2" group add "$GROUP" dev vx1
check_fail_msg "vx1 cannot move to local $H3_UL" \
	"Another socket has the UDP port" \
	kvx "$h2" link set vx1 local "$H3_UL"
check_eq "vx1's local" "$(kvx "$h2" -j link show vx1 | jq -r '.[0].local')" \
	"$H2_UL"
check_eq "h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" "$H2_UL"
check_eq "its users" "$(kvx_sock_users "$h2" 4789)" 2
check_eq "vx1's groups" "$(mc_groups "$h2")" ""
kill "$hold_pid"
wait "$hold_pid" || :
check_ok "the program gone, vx2 goes up" ip -n "$h2" link set vx2 up
check_eq "h2 kvxlan $UL_INET socket on 4789" "$(sock_addr)" any

exit "$ksft_pass"
