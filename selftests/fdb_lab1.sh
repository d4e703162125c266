#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's first lab (OVS VTEP emulator): static unicast remotes, and the
# "unknown-dst" flood remote that the first ARP request needs.
#
#  +--------------------------------+      +--------------------------------+
#  | hv1                            |      | hv2                            |
#  |  vx0 = VM1  00:00:00:00:00:01  |      |  vx0 = VM2  00:00:00:00:00:02  |
#  |       192.168.1.1/24           |      |       192.168.1.2/24           |
#  |       kvxlan vni 5000,         |      |       kvxlan vni 5000,         |
#  |       learning off, no remote  |      |       learning off, no remote  |
#  |  fdb: 00:..:02 -> 10.1.0.1     |      |  fdb: 00:..:01 -> 10.0.0.1     |
#  |  eth0 10.0.0.1/8 --------------+------+- eth0 10.1.0.1/8               |
#  |      (fd00::1/16)              |      |      (fd00:1::1/16)            |
#  +--------------------------------+      +--------------------------------+
#
# Each vx0 plays the seed's VM port (its MAC and address).  With only the
# static entry for the far MAC (vtep-ctl add-ucast-remote) the first ping
# fails: ARP is broadcast and there is no flood remote, so the request is
# dropped and counted as tx_drop_no_remote.  `kvxlan flood add` of the far
# VTEP (add-mcast-remote unknown-dst) makes it work, with one flood copy (the
# ARP request) and the echoes sent through the static entry; `kvxlan flood
# del` does not break it (the neighbour is cached and unicast goes through
# the static entry), until the neighbour cache is flushed.  Then the same
# table through `bridge fdb add/append/replace/del/show`, as for the in-tree
# driver, compared with `kvxlan fdb show` and `kvxlan flood show`; a
# replace of the flood list (MAC 00:..:00) replaces the whole list, through
# bridge as through `kvxlan flood replace`.  In
# fdb_lab1.sh-ipv6 every underlay address is IPv6 (10.1.0.N -> fd00:1::N).

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping bridge tcpdump ethtool
require_kvxlan

VM1_MAC=00:00:00:00:00:01
VM2_MAC=00:00:00:00:00:02
N=3
HV1=$(ul 10.0.0.1)	# hv1's underlay address
HV2=$(ul 10.1.0.1)	# hv2's
R=()			# more remotes: R[3] = 10.1.0.3 ... R[9] = 10.1.0.9
for i in 3 4 5 6 7 8 9; do
	R[i]=$(ul "10.1.0.$i")
done

TMP=$(mktemp -d)
defer rm -rf "$TMP"

# one VXLAN hypervisor: HV EADDR/PLEN VM_MAC VM_ADDR/PLEN
hypervisor()
{
	kvx_add "$1" vx0 vni 5000 local "${2%/*}" dev eth0 learning off
	ip -n "$1" link set vx0 address "$3"
	# one ARP request per resolution, so that drops can be counted exactly
	ip netns exec "$1" sysctl -qw net.ipv4.neigh.vx0.mcast_solicit=1
	# and no reachability probe (a unicast ARP through the static entry)
	# before the test pins the neighbours: on the debug kernel the time
	# from the ping's ARP to the pinning passed delay_first_probe_time
	# (5 s), and the probe's answer added one tx packet to hv2
	ip netns exec "$1" sysctl -qw net.ipv4.neigh.vx0.delay_first_probe_time=3600 \
		net.ipv4.neigh.vx0.base_reachable_time_ms=3600000
	overlay_up "$1" vx0 "$4"
}

# fdb_hits NS MAC
fdb_hits() { kvx "$1" -j fdb get "$2" dev vx0 | jq -e '.hits'; }

neigh_failed()
{
	ip -n "$hv1" neigh show 192.168.1.2 dev vx0 | grep -q FAILED
}

log_step "setup"
setup_ns hv1 hv2
veth_pair "$hv1" eth0 "$(ul 10.0.0.1/8)" "$hv2" eth0 "$(ul 10.1.0.1/8)"
hypervisor "$hv1" "$(ul 10.0.0.1/8)" "$VM1_MAC" 192.168.1.1/24
hypervisor "$hv2" "$(ul 10.1.0.1/8)" "$VM2_MAC" 192.168.1.2/24
wait_underlay "$hv1" "$HV2"
check_eq "hv1 flood list is empty" "$(kvx "$hv1" -j flood show dev vx0)" "[]"

log_step "add-ucast-remote: static entries for the far VM"
check_ok "hv1: kvxlan fdb add $VM2_MAC dst $HV2" \
	kvx "$hv1" fdb add "$VM2_MAC" dev vx0 dst "$HV2"
check_ok "hv2: kvxlan fdb add $VM1_MAC dst $HV1" \
	kvx "$hv2" fdb add "$VM1_MAC" dev vx0 dst "$HV1"
kvx "$hv1" fdb show dev vx0 | sed 's/^/    /'
check_eq "hv1 fdb" \
	"$(kvx "$hv1" -j fdb show dev vx0 | jq -c '[.[] | [.mac, .dst, .vni, .kind]]')" \
	"[[\"$VM2_MAC\",\"$HV2\",5000,\"static\"]]"

log_step "the first ping fails: the ARP request has no flood remote"
capture_start "$hv1" vx0 "$TMP/arp.pcap" arp
ip netns exec "$hv1" ping -c 1 -W 1 -q 192.168.1.2 >/dev/null 2>&1 &&
	fail "ping succeeded without a flood remote"
log_ok "ping 192.168.1.2 fails"
slowwait 10 neigh_failed || fail "hv1: neighbour 192.168.1.2 never FAILED"
capture_stop
arps=$(capture_packets "$TMP/arp.pcap" 'arp[6:2] = 1')
check_eq "ARP requests sent on hv1 vx0" "$arps" 1
check_eq "hv1 tx_drop_no_remote (one per ARP request)" \
	"$(ethtool_stat "$hv1" vx0 tx_drop_no_remote)" "$arps"
check_eq "hv1 vx0 tx_packets" "$(dev_stat "$hv1" vx0 tx_packets)" 0
check_eq "hv1 vx0 tx_dropped" "$(dev_stat "$hv1" vx0 tx_dropped)" "$arps"
check_eq "hv2 vx0 rx_packets" "$(dev_stat "$hv2" vx0 rx_packets)" 0
ip -n "$hv1" neigh flush dev vx0

log_step "add-mcast-remote unknown-dst: flood to hv2, the ping works"
check_ok "kvxlan flood add dev vx0 dst $HV2" \
	kvx "$hv1" flood add dev vx0 dst "$HV2"
check_eq "hv1 flood list" "$(kvx "$hv1" -j flood show dev vx0)" \
	"[{\"dst\":\"$HV2\"}]"
capture_start "$hv1" eth0 "$TMP/underlay.pcap" udp port 4789
check_ok "ping -c $N 192.168.1.2" \
	ip netns exec "$hv1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.2
capture_stop
# Keep the answer the VM cached: pinned, no later reachability probe
# (a unicast ARP) can blur the counts below.
static_neigh "$hv1" vx0 192.168.1.2 "$VM2_MAC"
static_neigh "$hv2" vx0 192.168.1.1 "$VM1_MAC"
# the seed's "traffic analysis": ARP request and reply, then the echoes
check_eq "VXLAN packets on hv1 eth0 (ARP + $N echoes, both ways)" \
	"$(capture_packets "$TMP/underlay.pcap")" $((2 + 2 * N))
check_eq "flood copies to $HV2 (the ARP request)" \
	"$(remote_stat "$hv1" "$HV2" flood_copies)" 1
check_eq "tx packets to $HV2" \
	"$(remote_stat "$hv1" "$HV2" tx_packets)" $((1 + N))
check_eq "hits of the static entry (the echo requests)" \
	"$(fdb_hits "$hv1" "$VM2_MAC")" "$N"
check_eq "hv1 tx_drop_no_remote unchanged" \
	"$(ethtool_stat "$hv1" vx0 tx_drop_no_remote)" "$arps"
check_eq "hv2 learned nothing (learning off)" \
	"$(kvx "$hv2" -j fdb show dev vx0 learned | jq length)" 0
check_eq "hv2 fdb_learned counter" \
	"$(ethtool_stat "$hv2" vx0 fdb_learned)" 0

log_step "del-mcast-remote: the cached neighbour and the static entry suffice"
check_ok "kvxlan flood del dev vx0 dst $HV2" \
	kvx "$hv1" flood del dev vx0 dst "$HV2"
check_eq "hv1 flood list" "$(kvx "$hv1" -j flood show dev vx0)" "[]"
check_ok "ping -c $N 192.168.1.2" \
	ip netns exec "$hv1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.2
check_eq "flood copies unchanged" \
	"$(remote_stat "$hv1" "$HV2" flood_copies)" 1
check_eq "hits of the static entry" "$(fdb_hits "$hv1" "$VM2_MAC")" $((2 * N))
check_eq "the remote stays while the static entry uses it (fdb_refs)" \
	"$(remote_stat "$hv1" "$HV2" fdb_refs)" 1
check_eq "hv1 tx_drop_no_remote unchanged" \
	"$(ethtool_stat "$hv1" vx0 tx_drop_no_remote)" "$arps"

log_step "without the cached neighbour, ARP has nowhere to go again"
ip -n "$hv1" neigh del 192.168.1.2 dev vx0
ip netns exec "$hv1" ping -c 1 -W 1 -q 192.168.1.2 >/dev/null 2>&1 &&
	fail "ping succeeded with an empty flood list and no neighbour"
slowwait 10 neigh_failed || fail "hv1: neighbour 192.168.1.2 never FAILED"
check_eq "hv1 tx_drop_no_remote" \
	"$(ethtool_stat "$hv1" vx0 tx_drop_no_remote)" $((arps + 1))

log_step "bridge fdb: the same table as kvxlan fdb / flood"
# "MAC DST PORT VNI KIND" lines, sorted, for the unicast entries; "DST
# PORT VNI" lines, in order, for the flood list (bridge: MAC 00:..:00)
bridge_fdb()
{
	bridge -n "$hv1" -j fdb show dev vx0 | jq -r '.[] |
		select(.mac != "00:00:00:00:00:00") |
		"\(.mac) \(.dst) \(.port // "-") \(.vni // 5000) \(
			if .state == "permanent" then "static" else .state end)"' |
		sort
}
kvx_fdb()
{
	kvx "$hv1" -j fdb show dev vx0 | jq -r '.[] |
		"\(.mac) \(.dst) \(.port // "-") \(.vni) \(.kind)"' | sort
}
bridge_flood()
{
	bridge -n "$hv1" -j fdb show dev vx0 | jq -r '.[] |
		select(.mac == "00:00:00:00:00:00") |
		"\(.dst) \(.port // "-") \(.vni // 5000)"'
}
kvx_flood()
{
	kvx "$hv1" -j flood show dev vx0 | jq -r '.[] |
		"\(.dst) \(.port // "-") \(.vni // 5000)"'
}
compare_tables()
{
	local want_fdb=$1 want_flood=$2
	bridge -n "$hv1" fdb show dev vx0 | sed 's/^/    bridge: /'
	check_eq "$3: kvxlan fdb show" "$(kvx_fdb | paste -sd,)" "$want_fdb"
	check_eq "$3: bridge fdb show (unicast)" "$(bridge_fdb | paste -sd,)" \
		"$want_fdb"
	check_eq "$3: kvxlan flood show" "$(kvx_flood | paste -sd,)" \
		"$want_flood"
	check_eq "$3: bridge fdb show (00:00:00:00:00:00)" \
		"$(bridge_flood | paste -sd,)" "$want_flood"
}

b() { bridge -n "$hv1" fdb "$@" || fail "bridge fdb $*"; }
b add 00:00:00:00:00:03 dev vx0 dst "${R[3]}"
b add 00:00:00:00:00:04 dev vx0 dst "${R[4]}" port 4790 vni 5004
b append 00:00:00:00:00:00 dev vx0 dst "$HV2"
b append 00:00:00:00:00:00 dev vx0 dst "${R[5]}" port 4790 vni 5005
kvx "$hv1" fdb add 00:00:00:00:00:06 dev vx0 dst "${R[6]}" ||
	fail "kvxlan fdb add 00:00:00:00:00:06"
kvx "$hv1" flood add dev vx0 dst "${R[7]}" || fail "kvxlan flood add ${R[7]}"
compare_tables "$(printf '%s\n' \
	"$VM2_MAC $HV2 - 5000 static" \
	"00:00:00:00:00:03 ${R[3]} - 5000 static" \
	"00:00:00:00:00:04 ${R[4]} 4790 5004 static" \
	"00:00:00:00:00:06 ${R[6]} - 5000 static" | sort | paste -sd,)" \
	"$HV2 - 5000,${R[5]} 4790 5005,${R[7]} - 5000" "after adds"

check_fail_msg "bridge fdb add of an existing MAC" "exist" \
	bridge -n "$hv1" fdb add 00:00:00:00:00:03 dev vx0 dst "${R[8]}"
check_fail_msg "bridge fdb append of a flood remote already there" "already" \
	bridge -n "$hv1" fdb append 00:00:00:00:00:00 dev vx0 dst "$HV2"
b replace 00:00:00:00:00:03 dev vx0 dst "${R[9]}"
b del 00:00:00:00:00:04 dev vx0
b del 00:00:00:00:00:00 dev vx0 dst "${R[5]}"
kvx "$hv1" fdb del 00:00:00:00:00:06 dev vx0 || fail "kvxlan fdb del 00:..:06"
kvx "$hv1" flood del dev vx0 dst "$HV2" || fail "kvxlan flood del $HV2"
compare_tables "$(printf '%s\n' \
	"$VM2_MAC $HV2 - 5000 static" \
	"00:00:00:00:00:03 ${R[9]} - 5000 static" | sort | paste -sd,)" \
	"${R[7]} - 5000" "after replace and deletes"
check_fail_msg "bridge fdb del of a MAC that has no entry" "No FDB entry for this MAC" \
	bridge -n "$hv1" fdb del 00:00:00:00:00:04 dev vx0
check_fail_msg "kvxlan fdb del of a MAC bridge fdb deleted" "No FDB entry" \
	kvx "$hv1" fdb del 00:00:00:00:00:04 dev vx0

# A replace of the flood list means one thing through both control planes:
# the whole list becomes what the request names, with each remote's port
# and VNI (bridge: the one remote of MAC 00:..:00, as kvxlan flood replace
# with one dst).  bridge once replaced the first remote alone, without its
# port and VNI ("R5 - 5000,R8 - 5000" here).
kvx "$hv1" flood add dev vx0 dst "${R[8]}" || fail "kvxlan flood add ${R[8]}"
b replace 00:00:00:00:00:00 dev vx0 dst "${R[5]}" port 4790 vni 5005
UNICAST="$(printf '%s\n' "$VM2_MAC $HV2 - 5000 static" \
	"00:00:00:00:00:03 ${R[9]} - 5000 static" | sort | paste -sd,)"
compare_tables "$UNICAST" "${R[5]} 4790 5005" \
	"after bridge fdb replace 00:00:00:00:00:00"
kvx "$hv1" flood replace dev vx0 dst "${R[7]}" dst "${R[8]}" port 4790 ||
	fail "kvxlan flood replace"
compare_tables "$UNICAST" "${R[7]} - 5000,${R[8]} 4790 5000" \
	"after kvxlan flood replace"

log_step "the entry added with bridge fdb carries traffic"
kvx "$hv1" fdb del "$VM2_MAC" dev vx0 || fail "kvxlan fdb del $VM2_MAC"
b add "$VM2_MAC" dev vx0 dst "$HV2"
static_neigh "$hv1" vx0 192.168.1.2 "$VM2_MAC"
check_ok "ping through the bridge-fdb entry" \
	ip netns exec "$hv1" ping -c "$N" -i 0.1 -W 5 -q 192.168.1.2
check_eq "hits of the bridge-fdb entry" "$(fdb_hits "$hv1" "$VM2_MAC")" "$N"

exit "$ksft_pass"
