#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults under traffic: churn, concurrency, and the underlay changing
# under a device.
#
#  +----------------------------------+        +------------------------------+
#  | h1                               |        | h2                           |
#  |  vx0 vni 5000 192.168.100.1      |        |  vx0 vni 5000 192.168.100.2  |
#  |    local 10.0.0.1 (then .11)     |        |    remote 10.0.0.1 (then .11)|
#  |    remote 10.0.0.2, learning     |        |                              |
#  |  vxc: created and deleted N times|        |  fdb_inject.py: learning     |
#  |  4 CLI workers: fdb add/replace/ |        |  traffic for the same 64 MACs|
#  |    del/flush on 64 MACs          |        |  from 10.0.0.2 and 10.0.0.3  |
#  |  veth0 (renamed ul0) ------------+--------+- veth1 10.0.0.2/24, .3/24    |
#  |    10.0.0.1/24, .11/24           |        |                              |
#  +----------------------------------+        +------------------------------+
#
# 1. 100 (1000 with KVX_STRESS=1) create / up / delete cycles of a second
#    device through one `kvxlan -b`, every other one on a port of its own
#    (a socket created and destroyed each time): afterwards only vx0 is
#    left, vx0's socket has one user and no socket remains on the other
#    port.
# 2. Four processes add, replace, delete and flush FDB entries for the same
#    64 MACs while h2 sends frames from 8 of those MACs (learning, moves
#    between two VTEPs) and h1 transmits to 4 of them.  Every operation is
#    accounted for: each replace and flush succeeds, an add fails only
#    because the MAC has an entry, a delete only because it has none.
#    vx0 sent or dropped exactly the echo requests the 4 pingers sent.
#    Then the table is consistent: the dump has fdb_static + fdb_learned
#    entries, each remote's fdb_refs is the number of entries naming it, a
#    flush empties it and leaves only the flood remote.
# 3. vx0 taken down and up 20 times, then deleted and recreated, while ping
#    floods cross it in both directions: both floods get replies, h2's vx0
#    receives at least every echo the two pingers got back, and the floods
#    cross the new vx0.
# 4. The underlay device is taken down, renamed and brought up under vx0
#    (bound by ifindex; 6.1 cannot rename a device that is up): traffic
#    still flows and `link show` names the new device.
# 5. vx0's local address changes to 10.0.0.11: traffic flows, and the outer
#    source address on the wire is the new one.
# 6. vx0 moves to another namespace, is brought up there (its socket is
#    h1's, netns.sh has the rest), and back: it passes traffic again.
# 7. h2's namespace is deleted while h1 floods it (100 replies first): the
#    veth pair dies with it, and h1's vx0, bound to its end, goes with it
#    (as in-tree), its socket too.
# After each step, and at the end, the kernel must not be tainted by a
# warning and dmesg must have no WARNING/BUG/Oops line from this test.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping tcpdump
require_python_module socket
require_kvxlan

# Create/delete cycles of step 1 (KVX_FAULT_CYCLES; make check-stress,
# KVX_STRESS=1: 1000, for the figure).  Nothing in the module grows with
# them: each cycle makes and frees the same objects (a device in a
# 256-bucket hash, every other cycle a socket on port 4790 that must be
# released before the next bind), so the count only gives races with
# the RCU-deferred frees of earlier cycles more chances.  100 cycles are
# 50 sockets created and destroyed on the same port.
if [ "${KVX_STRESS:-0}" = 1 ]; then
	CYCLES=${KVX_FAULT_CYCLES:-1000}
else
	CYCLES=${KVX_FAULT_CYCLES:-100}
fi
WORKERS=4
OPS=${KVX_FAULT_OPS:-80}	# per worker
TMP=$(mktemp -d)
defer rm -rf "$TMP"
dmesg_start=$(dmesg | wc -l)

# kernel_clean STEP: no warning taint, no splat in dmesg since the start
kernel_clean()
{
	local splat
	splat=$(dmesg | tail -n +$((dmesg_start + 1)) |
		grep -E "WARNING:|BUG:|Oops|KASAN|UBSAN|refcount_t|lockdep|suspicious RCU" || true)
	if [ -n "$splat" ] || [ "$(taint_bad)" != 0 ]; then
		dmesg | tail -n +$((dmesg_start + 1)) | tail -60 | sed 's/^/    /'
		fail "$1: kernel splat or taint $(taint_bad)"
	fi
	log_ok "$1: no splat, no taint"
}

pings() { ip netns exec "$1" ping -c 2 -i 0.2 -W 5 -q "$2" >/dev/null; }

log_step "setup"
p2p_setup learning on
addr_add "$h2" veth1 10.0.0.3/24
wait_underlay "$h2" 10.0.0.1
check_ok "ping h1 -> h2" pings "$h1" 192.168.100.2

log_step "1. $CYCLES create/up/delete cycles"
for i in $(seq 1 "$CYCLES"); do
	if [ $((i % 2)) = 0 ]; then
		echo "link add vxc vni 7000 local 10.0.0.1 remote 10.0.0.2 dev veth0 up"
	else
		echo "link add vxc vni 7000 local 10.0.0.1 remote 10.0.0.2 dev veth0 port 4790 up"
	fi
	echo "link del vxc"
done >"$TMP/cycles"
t=$(date +%s%N)
check_ok "kvxlan -b: $CYCLES cycles" kvx "$h1" -b "$TMP/cycles"
log "# figure: create_delete_cycles $CYCLES in $((($(date +%s%N) - t) / 1000000)) ms"
check_eq "kvxlan devices left" "$(kvx_count "$h1")" 1
check_eq "socket users on 4789 (vx0)" "$(kvx_sock_users "$h1" 4789)" 1
check_eq "socket users on 4790" "$(kvx_sock_users "$h1" 4790)" 0
check_ok "vx0 still passes traffic" pings "$h1" 192.168.100.2
kernel_clean "cycles"

log_step "2. $WORKERS concurrent FDB writers, learning and transmit on the same MACs"
MACS=()
for i in $(seq 0 63); do
	MACS+=("$(printf '02:00:00:00:cc:%02x' "$i")")
done
for i in $(seq 0 7); do
	static_neigh "$h1" vx0 "192.168.100.$((10 + i))" "${MACS[i]}"
done
# worker N: OPS random operations, each its own CLI process; a line per
# operation in $TMP/worker.N: "VERB ok" or "VERB failed: MESSAGE"
worker()
{
	local n=$1 i op mac dst verb out
	RANDOM=$n
	for i in $(seq 1 "$OPS"); do
		mac=${MACS[RANDOM % 64]}
		dst=10.0.0.$((2 + RANDOM % 2))
		op=$((RANDOM % 10))
		case $op in
		0 | 1 | 2) verb=add; set -- fdb add "$mac" dev vx0 dst "$dst" ;;
		3 | 4 | 5) verb=replace; set -- fdb replace "$mac" dev vx0 dst "$dst" ;;
		6 | 7 | 8) verb=del; set -- fdb del "$mac" dev vx0 ;;
		9) verb=flush; set -- fdb flush dev vx0 ;;
		esac
		if out=$(kvx "$h1" "$@" 2>&1); then
			echo "$verb ok"
		else
			echo "$verb failed: $(tr '\n' ' ' <<<"$out")"
		fi
	done >"$TMP/worker.$n"
}
# ops VERB [ok|failed]: operations of the workers with that verb (and result)
ops() { cat "$TMP"/worker.* | awk -v v="$1" -v r="${2:-}" \
	'$1 == v && (r == "" || $2 ~ "^" r) { n++ } END { print n + 0 }'; }
# ping_sent FILE, ping_received FILE: from a ping's summary
ping_sent() { sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1"; }
ping_received() { sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"; }
# stop_ping PID...: SIGINT (ping then prints its summary), wait
stop_ping()
{
	kill -INT "$@" 2>/dev/null || true
	wait "$@" 2>/dev/null || true
}
# vx_tx NS: what vx0 in NS sent or dropped
vx_tx() { echo $(($(dev_stat "$1" vx0 tx_packets) + $(dev_stat "$1" vx0 tx_dropped))); }
learner()
{
	local round mac
	for round in 1 2; do
		for mac in "${MACS[@]:0:8}"; do
			ip netns exec "$h2" "$PYTHON" "$KSFT_DIR/fdb_inject.py" \
				--iface veth1 --dst 10.0.0.1 --dst-mac "$VETH0_MAC" \
				--src 10.0.0.2,10.0.0.3 --mac "$mac" --count 4 \
				>/dev/null || return 1
		done
	done
}
VETH0_MAC=$(link_mac "$h1" veth0)
# vx0 has no IPv6 and static neighbours: the pingers' echo requests are
# all it sends until they stop
tx0=$(vx_tx "$h1")
PINGS=()
for i in $(seq 0 3); do
	ip netns exec "$h1" ping -q -i 0.1 -w 600 "192.168.100.$((10 + i))" \
		>"$TMP/ping.$i" 2>&1 &
	PINGS+=($!)
done
learner &
LEARNER=$!
WPIDS=()
for n in $(seq 1 "$WORKERS"); do
	worker "$n" &
	WPIDS+=($!)
done
for p in "${WPIDS[@]}"; do
	wait "$p"
done
wait "$LEARNER" || fail "fdb_inject.py failed"
stop_ping "${PINGS[@]}"
log "# figure: concurrent_fdb_ops $((WORKERS * OPS)) with 64 learning frames"
log "    add $(ops add ok)/$(ops add), replace $(ops replace ok)/$(ops replace), del $(ops del ok)/$(ops del), flush $(ops flush ok)/$(ops flush) succeeded"
check_eq "operations the workers ran" "$(cat "$TMP"/worker.* | wc -l)" $((WORKERS * OPS))
# a replace or a flush cannot fail: they are the floor
check_ge "operations that succeeded" \
	$(($(ops add ok) + $(ops replace ok) + $(ops del ok) + $(ops flush ok))) \
	$(($(ops replace) + $(ops flush)))
check_eq "replaces that failed" "$(ops replace failed)" 0
check_eq "flushes that failed" "$(ops flush failed)" 0
check_eq "adds that failed other than with 'An FDB entry for this MAC exists'" \
	"$(grep -h '^add failed' "$TMP"/worker.* | grep -vc 'An FDB entry for this MAC exists' || true)" 0
check_eq "deletes that failed other than with 'No FDB entry for this MAC'" \
	"$(grep -h '^del failed' "$TMP"/worker.* | grep -vc 'No FDB entry for this MAC' || true)" 0
sent=0
for i in $(seq 0 3); do
	n=$(ping_sent "$TMP/ping.$i")
	check_ge "echo requests pinger $i sent" "${n:-0}" 1
	sent=$((sent + n))
done
check_eq "vx0 tx_packets + tx_dropped: the pingers' echo requests" \
	$(($(vx_tx "$h1") - tx0)) "$sent"
st=$(kvx "$h1" -j stats dev vx0)
n_static=$(jq .fdb_static <<<"$st")
n_learned=$(jq .fdb_learned <<<"$st")
kvx "$h1" -j fdb show dev vx0 >"$TMP/fdb.json"
log "    $n_static static, $n_learned learned; moved $(jq .counters.moved <<<"$st"), learned $(jq .counters.learned <<<"$st")"
check_eq "dump entries = fdb_static + fdb_learned" "$(jq length "$TMP/fdb.json")" \
	$((n_static + n_learned))
check_eq "static entries in the dump" \
	"$(jq '[.[] | select(.kind == "static")] | length' "$TMP/fdb.json")" "$n_static"
kvx "$h1" -j stats dev vx0 remotes >"$TMP/remotes.json"
for dst in 10.0.0.2 10.0.0.3; do
	check_eq "fdb_refs of $dst = entries naming it" \
		"$(jq --arg d "$dst" '[.[] | select(.dst == $d) | .fdb_refs] | add // 0' "$TMP/remotes.json")" \
		"$(jq --arg d "$dst" '[.[] | select(.dst == $d)] | length' "$TMP/fdb.json")"
done
check_ok "fdb flush" kvx "$h1" fdb flush dev vx0
check_eq "entries after the flush" "$(kvx "$h1" -j fdb show dev vx0 | jq length)" 0
check_eq "remotes left: the flood remote, no FDB reference" \
	"$(kvx "$h1" -j stats dev vx0 remotes | jq -c '[.[] | [.dst, .fdb_refs]]')" \
	'[["10.0.0.2",0]]'
check_ok "vx0 still passes traffic" pings "$h1" 192.168.100.2
kernel_clean "concurrent FDB"

log_step "3. down/up 20 times, delete and recreate, under ping floods both ways"
rx0=$(dev_stat "$h2" vx0 rx_packets)
ip netns exec "$h1" ping -f -q -w 600 192.168.100.2 >"$TMP/flood1" 2>&1 &
F1=$!
ip netns exec "$h2" ping -f -q -w 600 192.168.100.1 >"$TMP/flood2" 2>&1 &
F2=$!
v=$(wait_counter 30 $((rx0 + 100)) dev_stat "$h2" vx0 rx_packets) ||
	fail "the floods did not start: h2 vx0 rx_packets $v"
for i in $(seq 1 20); do
	ip -n "$h1" link set vx0 down
	ip -n "$h1" link set vx0 up
done
H1_MAC=$(link_mac "$h1" vx0)
check_ok "delete vx0 under the floods" kvx "$h1" link del vx0
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
ip -n "$h1" link set vx0 address "$H1_MAC"
overlay_up "$h1" vx0 192.168.100.1/24
static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
check_ok "the new vx0 passes traffic (floods still running)" \
	pings "$h1" 192.168.100.2
v=$(wait_counter 30 100 dev_stat "$h1" vx0 rx_packets) ||
	fail "the floods do not cross the new vx0: rx_packets $v"
log_ok "the floods cross the new vx0 (rx_packets $v)"
stop_ping "$F1" "$F2"
r1=$(ping_received "$TMP/flood1")
r2=$(ping_received "$TMP/flood2")
log "    h1's flood: $(ping_sent "$TMP/flood1") sent, $r1 answered; h2's: $(ping_sent "$TMP/flood2") sent, $r2 answered"
check_ge "echo replies to h1's flood" "${r1:-0}" 1
check_ge "echo replies to h2's flood" "${r2:-0}" 1
check_ge "h2 vx0 rx_packets: at least every request it answered and every reply" \
	$(($(dev_stat "$h2" vx0 rx_packets) - rx0)) $((r1 + r2))
kernel_clean "down/up/delete under floods"

log_step "4. the underlay device is renamed"
# 6.1 refuses to rename a device that is up (EBUSY)
ip -n "$h1" link set veth0 down
ip -n "$h1" link set veth0 name ul0
ip -n "$h1" link set ul0 up
wait_underlay "$h1" 10.0.0.2
check_eq "link show: dev" "$(kvx "$h1" -j link show vx0 | jq -r '.[0].link')" ul0
check_ok "traffic after the rename" pings "$h1" 192.168.100.2

log_step "5. the local address changes"
addr_add "$h1" ul0 10.0.0.11/24
check_ok "link set vx0 local 10.0.0.11" kvx "$h1" link set vx0 local 10.0.0.11
check_ok "h2: link set vx0 remote 10.0.0.11" \
	kvx "$h2" link set vx0 remote 10.0.0.11
wait_underlay "$h2" 10.0.0.11
capture_start "$h2" veth1 "$TMP/local.pcap" udp port 4789
check_ok "traffic with the new local address" pings "$h1" 192.168.100.2
slowwait 10 value_ge 2 capture_count "$TMP/local.pcap" "src host 10.0.0.11" \
	>/dev/null || true
capture_stop
check_ge "packets from 10.0.0.11 on the wire" \
	"$(capture_count "$TMP/local.pcap" "src host 10.0.0.11")" 2
check_eq "packets from the old address" \
	"$(capture_count "$TMP/local.pcap" "src host 10.0.0.1")" 0

log_step "6. vx0 moves to another namespace and back"
setup_ns h3
check_ok "ip link set vx0 netns h3" ip -n "$h1" link set vx0 netns "$h3"
ip -n "$h3" link set vx0 up
check_eq "vx0 up in h3: socket users in h1, h3" \
	"$(kvx_sock_users "$h1" 4789) $(kvx_sock_users "$h3" 4789)" "1 0"
check_ok "ip link set vx0 netns h1 (back)" \
	ip -n "$h3" link set vx0 netns "$h1"
# addresses and neighbours do not move with a device
overlay_up "$h1" vx0 192.168.100.1/24
static_neigh "$h1" vx0 192.168.100.2 "$H2_MAC"
check_ok "vx0 back in h1 passes traffic again" pings "$h1" 192.168.100.2

log_step "7. h2's namespace is deleted while h1 floods it"
# h2 sends nothing else now: what h1's vx0 receives are the echo replies
rx0=$(dev_stat "$h1" vx0 rx_packets)
ip netns exec "$h1" ping -f -q -w 600 192.168.100.2 >"$TMP/flood1" 2>&1 &
F1=$!
v=$(wait_counter 30 $((rx0 + 100)) dev_stat "$h1" vx0 rx_packets) ||
	fail "the flood did not start: h1 vx0 rx_packets $v"
cleanup_ns "$h2"
check_eq "h1's vx0 went with its underlay" "$(kvx_count "$h1")" 0
stop_ping "$F1"
log "    the flood: $(ping_sent "$TMP/flood1") sent, $(ping_received "$TMP/flood1") answered"
check_ge "echo replies to the flood" "$(ping_received "$TMP/flood1")" 100
check_eq "no socket left in h1" "$(kvx_sock_users "$h1" 4789)" 0
kernel_clean "end"

exit "$ksft_pass"
