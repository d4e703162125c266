#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kvxlan save: a configuration saved, deleted and replayed with kvxlan -b
# comes back the same (issue 20, "A configuration that survives a reboot").
#
#  +------------------------------------------------------------------+
#  | h1                                                               |
#  |  ul0 10.0.0.1/24 fd00::1/64 ---- ul0p    (veth, both in h1)      |
#  |  ul1 10.1.0.1/24            ---- ul1p                            |
#  |                                                                  |
#  |  vx0 vni 5000 local 10.0.0.1 dev ul0, every IPv4 option set, up  |
#  |      flood: 10.0.0.2, 10.0.0.3 port 4791 vni 77, 239.1.1.1 via ul1|
#  |      fdb: three static entries (with port, with vni)             |
#  |  vx1 vni 5001 local fd00::1 group ff0e::1 dev ul0, IPv6 options  |
#  |  vx2 vni 5002 dual stack, remote 10.0.0.2, flowlabel auto, down  |
#  +------------------------------------------------------------------+
#
# 1. save prints the batch: one "link add" per device with its options,
#    one "flood replace" per non-empty flood list (remote and groups
#    included), one "fdb add" per static entry.
# 2. save dev vx1 prints only vx1's lines.
# 3. Every device deleted, the batch replayed with kvxlan -b: save prints
#    the same text again, and link show, flood show, group show and the
#    static FDB are as before.
# 4. The saved file as the "kvxlan-conf" of an ifupdown stanza: the hook
#    (tools/kvxlan-ifupdown) run as ifupdown runs it, with a fake IF_*
#    environment: post-down deletes the file's devices, pre-up makes them
#    again (a second pre-up, as an inet6 stanza gives, changes nothing);
#    then kvxlan@.service's ExecStop and ExecStart command lines.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"

setup_ns h1
ip -n "$h1" link add ul0 type veth peer name ul0p
ip -n "$h1" link add ul1 type veth peer name ul1p
in_ns "$h1" sysctl -qw net.ipv6.conf.ul0.accept_dad=0
ip -n "$h1" addr add 10.0.0.1/24 dev ul0
ip -n "$h1" addr add fd00::1/64 dev ul0 nodad
ip -n "$h1" addr add 10.1.0.1/24 dev ul1
for d in ul0 ul0p ul1 ul1p; do ip -n "$h1" link set "$d" up; done

kvx "$h1" -b - <<EOF || fail "configuring the state to save"
link add vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev ul0 port 4790 srcport 40000 40100 ttl 9 tos inherit df set learning off ageing 60 max-learned 100 udpcsum on dampen-moves 3 dampen-window 20 dampen-hold 40 peers-only on proxy on mtu 1400 up
flood add dev vx0 dst 10.0.0.3 port 4791 vni 77
group add 239.1.1.1 dev vx0 via ul1
fdb add 00:00:00:00:00:01 dev vx0 dst 10.0.0.2
fdb add 00:00:00:00:00:02 dev vx0 dst 10.0.0.3 port 4799
fdb add 00:00:00:00:00:03 dev vx0 dst 10.0.0.4 vni 5100
link add vx1 vni 5001 local fd00::1 group ff0e::1 dev ul0 flowlabel 0x12345 udp6zerocsumtx on udp6zerocsumrx on tos 0x10 up
fdb add 00:00:00:00:01:01 dev vx1 dst fd00::2
link add vx2 vni 5002 remote 10.0.0.2 flowlabel auto ttl auto
fdb add 00:00:00:00:02:01 dev vx2 dst fd00::9 port 4800 vni 9
EOF

# state: what must come back (everything but ifindexes, ages, counters),
# from one batch: link show, and each device's flood list, groups and
# static entries
state()
{
	local d
	for d in vx0 vx1 vx2; do
		echo "flood show dev $d"
		echo "group show dev $d"
		echo "fdb show dev $d static"
	done | kvx "$h1" -j -b - | jq -c 'walk(if type == "object" then
		del(.ifindex, .created_ms, .updated_ms, .used_ms, .hits, .moves)
		else . end)'
	kvx "$h1" link show
}

# ---------------------------------------------------------------- 1.
log_step "1. save"
kvx "$h1" save >"$TMP/s1" || fail "kvxlan save"
sed 's/^/    /' "$TMP/s1"
check_eq "link add lines" "$(grep -c '^link add ' "$TMP/s1")" 3
check_eq "vx0's line: every option, up" "$(grep '^link add vx0 ' "$TMP/s1")" \
	"link add vx0 vni 5000 local 10.0.0.1 dev ul0 port 4790 srcport 40000 40100 ttl 9 tos inherit df set learning off ageing 60 max-learned 100 udpcsum on udp6zerocsumtx off udp6zerocsumrx off flowlabel 0 dampen-moves 3 dampen-window 20 dampen-hold 40 peers-only on proxy on mtu 1400 up"
check_eq "vx0's flood list, remote and group included" \
	"$(grep '^flood replace dev vx0 ' "$TMP/s1")" \
	"flood replace dev vx0 dst 10.0.0.2 dst 10.0.0.3 port 4791 vni 77 dst 239.1.1.1 via ul1"
check_eq "vx1's flood list: its group" "$(grep '^flood replace dev vx1 ' "$TMP/s1")" \
	"flood replace dev vx1 dst ff0e::1"
check_eq "static entries" "$(grep -c '^fdb add ' "$TMP/s1")" 5
check_eq "an entry with a port" "$(grep '00:00:00:00:00:02' "$TMP/s1")" \
	"fdb add 00:00:00:00:00:02 dev vx0 dst 10.0.0.3 port 4799"
check_eq "an IPv6 entry with port and vni" "$(grep '00:00:00:00:02:01' "$TMP/s1")" \
	"fdb add 00:00:00:00:02:01 dev vx2 dst fd00::9 port 4800 vni 9"
state >"$TMP/state1"

# ---------------------------------------------------------------- 2.
log_step "2. save dev vx1"
check_eq "only vx1" "$(kvx "$h1" save dev vx1 | tr '\n' ';')" \
	"$(grep ' vx1 \|dev vx1' "$TMP/s1" | tr '\n' ';')"
check_fail_msg "save dev ul0: not kvxlan" 'is not a kvxlan device' \
	kvx "$h1" save dev ul0

# ---------------------------------------------------------------- 3.
log_step "3. delete everything, replay, save again"
for d in vx0 vx1 vx2; do kvx "$h1" link del "$d"; done
check_eq "no kvxlan device left" "$(kvx_count "$h1")" 0
check_eq "save of nothing is empty" "$(kvx "$h1" save | wc -c)" 0
check_ok "kvxlan -b the saved file" kvx "$h1" -b "$TMP/s1"
kvx "$h1" save >"$TMP/s2" || fail "kvxlan save (after the replay)"
if cmp -s "$TMP/s1" "$TMP/s2"; then
	log_ok "save after the replay: identical text ($(wc -l <"$TMP/s1") lines)"
else
	diff "$TMP/s1" "$TMP/s2" | sed 's/^/    /'
	fail "save after the replay differs"
fi
state >"$TMP/state2"
if cmp -s "$TMP/state1" "$TMP/state2"; then
	log_ok "link, flood, group and static FDB as before"
else
	diff "$TMP/state1" "$TMP/state2" | sed 's/^/    /'
	fail "the replayed state differs"
fi
check_eq "vx0 up again" \
	"$(ip -n "$h1" -j link show vx0 | jq -r '.[0].flags | index("UP") != null')" true
check_eq "vx2 still down" \
	"$(ip -n "$h1" -j link show vx2 | jq -r '.[0].flags | index("UP") != null')" false

# ---------------------------------------------------------------- 4.
log_step "4. the ifupdown hook and the unit's commands"
# the build tree's hook and unit, their paths pointed at it
HOOK=$KVX_TOP/tools/kvxlan-ifupdown
UNIT=$KVX_TOP/tools/systemd/kvxlan@.service.in
CONF_PROG=$KVX_TOP/tools/kvxlan-conf
[ -f "$HOOK" ] && [ -f "$UNIT" ] && [ -x "$CONF_PROG" ] ||
	fail "$HOOK, $UNIT or $CONF_PROG missing"
# hook PHASE MODE: the hook as ifupdown runs it for "iface vx0" with
# "kvxlan-conf FILE" (IF_KVXLAN_CONF), in h1
hook()
{
	in_ns "$h1" env IFACE=vx0 LOGICAL=vx0 ADDRFAM=inet METHOD=static \
		PHASE="$1" MODE="$2" IF_KVXLAN_CONF="$TMP/s1" \
		IF_ADDRESS=192.168.100.1/24 KVXLAN="$KVXLAN" \
		KVXLAN_CONF_PROG="$CONF_PROG" sh "$HOOK"
}
check_ok "if-post-down.d/kvxlan (post-down, stop)" hook post-down stop
check_eq "post-down: the file's devices deleted" "$(kvx_count "$h1")" 0
check_ok "if-post-down.d/kvxlan again: nothing to delete" hook post-down stop
check_ok "if-pre-up.d/kvxlan (pre-up, start)" hook pre-up start
check_eq "pre-up: save after the hook" "$(kvx "$h1" save | md5sum)" \
	"$(md5sum <"$TMP/s1")"
check_ok "if-pre-up.d/kvxlan again (an inet6 stanza): nothing to do" \
	hook pre-up start
check_eq "still the same devices" "$(kvx_count "$h1")" 3
check_ok "a stanza without kvxlan-conf: left alone" \
	in_ns "$h1" env IFACE=eth9 PHASE=post-down MODE=stop \
	KVXLAN_CONF_PROG=/bin/false sh "$HOOK"
check_eq "... the devices stay" "$(kvx_count "$h1")" 3

# the unit's ExecStop and ExecStart, as systemd would run them for
# kvxlan@s1.service, with SBINDIR the build tree and the file in $TMP
unit_cmd()
{
	sed -n "s|^$1=||p" "$UNIT" |
		sed -e "s|@SBINDIR@/kvxlan-conf|$CONF_PROG|" \
			-e "s|@SBINDIR@/kvxlan|$KVXLAN|" \
			-e "s|@SYSCONFDIR@/kvxlan/%i.conf|$TMP/s1|"
}
log "ExecStop: $(unit_cmd ExecStop)"
log "ExecStart: $(unit_cmd ExecStart)"
# shellcheck disable=SC2046
check_ok "the unit's ExecStop" in_ns "$h1" env KVXLAN="$KVXLAN" $(unit_cmd ExecStop)
check_eq "ExecStop: the file's devices deleted" "$(kvx_count "$h1")" 0
# shellcheck disable=SC2046
check_ok "the unit's ExecStart" in_ns "$h1" $(unit_cmd ExecStart)
check_eq "ExecStart: save as before" "$(kvx "$h1" save | md5sum)" \
	"$(md5sum <"$TMP/s1")"

log "save.sh: all checks passed"
exit "$ksft_pass"
