#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# uapi/kvxlan.yaml drives the kernel's own YNL library
# (tools/net/ynl/lib, from Debian's linux-source-6.12, extracted by
# scripts/check into build/ynl) to the same answers as `kvxlan -j`.
#
#  +-----------------------------------------------+
#  | h1                                            |
#  |  vx0 kvxlan vni 5000, flood 10.0.0.2, ::      |
#  |  3 static FDB entries (one with port + vni)   |
#  |  YNL + uapi/kvxlan.yaml        vs  kvxlan -j  |
#  |  veth0 10.0.0.1/24 ------------- (h2 peer)    |
#  +-----------------------------------------------+
#
# All the requests go through one python process, ynl_batch.py: YNL's
# YnlFamily built once from the spec, one request a line on its stdin, one
# JSON document a line back (what `cli.py --output-json` prints, with its
# encoder); under emulation each cli.py run costs seconds of python start
# and spec parsing.
#
# 1. dev-get (do) and the device in dev-get (dump): vni, port, learning,
#    ageing, max-learned and the FDB counts equal `kvxlan -j link show` and
#    the table's size.
# 2. fdb-get (dump): the same (mac, addr, kind, port, vni) set as
#    `kvxlan -j fdb show`; fdb-get (do) of one MAC, the same entry.
# 3. flood-get: the same addresses as `kvxlan -j flood show`, through the
#    do form and the dump (in list order).
# 4. fdb-add and fdb-del through YNL (binary attributes in hex) are seen
#    by `kvxlan fdb show`; a duplicate fdb-add is rejected with EEXIST,
#    which YNL reports as a netlink error.
# 5. events: YNL, subscribed to "events", receives exactly the fdb-ntf
#    notifications of what `kvxlan fdb add/del` did, in order: "added"
#    for three entries, "deleted" for one.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq
require_python_module yaml
require_kvxlan

YNL_DIR=${KVX_YNL_DIR:-$KVX_TOP/build/ynl}
[ -f "$YNL_DIR/tools/net/ynl/cli.py" ] ||
	skip "YNL CLI not found in $YNL_DIR (scripts/check extracts it from linux-source-6.12)"
SPEC=$KVX_TOP/uapi/kvxlan.yaml
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# ynl_req MODE OP [JSON]: one request to ynl_batch.py (see there), its
# answer line in $ynl_ans.  No subshell: the coprocess's descriptors are
# this shell's.
ynl_req()
{
	[ -n "${YNL[1]-}" ] ||
		fail "ynl_batch.py is gone, before '$*': $(tail -n 5 "$TMP/ynl.err")"
	printf '%s\n' "$*" >&"${YNL[1]}"
	IFS= read -r -t 300 ynl_ans <&"${YNL[0]}" ||
		fail "ynl_batch.py: no answer to '$*': $(tail -n 5 "$TMP/ynl.err")"
}

# ynl MODE OP [JSON]: ynl_req, and fail if the kernel rejected it
ynl()
{
	ynl_req "$@"
	[[ $ynl_ans == '{"reply": '* ]] || fail "ynl $*: $ynl_ans"
}

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
ip -n "$h1" link set vx0 up
kvx "$h1" flood add dev vx0 dst 10.0.0.3
kvx "$h1" fdb add 02:00:00:00:00:01 dev vx0 dst 10.0.0.2
kvx "$h1" fdb add 02:00:00:00:00:02 dev vx0 dst 10.0.0.3 port 4790 vni 77
kvx "$h1" fdb add 02:00:00:00:00:03 dev vx0 dst 10.0.0.4
IDX=$(ip -n "$h1" -j link show vx0 | jq '.[0].ifindex')
log "    vx0 is ifindex $IDX"
coproc YNL { ip netns exec "$h1" "$PYTHON" "$KSFT_DIR/ynl_batch.py" \
	"$YNL_DIR/tools/net/ynl" "$SPEC" 2>"$TMP/ynl.err"; }
ynl_pid=$YNL_PID
defer kill "$ynl_pid"

# ------------------------------------------------------------ 1. dev-get
log_step "dev-get"
# both sides as "vni port ageing max-learned learning" (+ the FDB counts)
ynl do dev-get "{\"ifindex\": $IDX}"
read -r y_vni y_port y_ageing y_max y_learning y_static y_learned <<<"$(
	jq -r '.reply | [.vni, .port, .ageing, ."max-learned", .learning,
		."fdb-static", ."fdb-learned"] | map(tostring) | join(" ")' \
		<<<"$ynl_ans")"
read -r k_vni k_port k_ageing k_max k_learning <<<"$(
	kvx "$h1" -j link show vx0 |
	jq -r '.[0] | [.id, .port, .ageing, .max_learned,
		(if .learning == true then 1 else 0 end)]
		| map(tostring) | join(" ")')"
check_eq "vni" "$y_vni" "$k_vni"
check_eq "port" "$y_port" "$k_port"
check_eq "ageing" "$y_ageing" "$k_ageing"
check_eq "max-learned" "$y_max" "$k_max"
check_eq "learning" "$y_learning" "$k_learning"
check_eq "fdb-static" "$y_static" 3
check_eq "fdb-learned" "$y_learned" 0
ynl dump dev-get
check_eq "dev-get dump: vx0's vni" \
	"$(jq -r ".reply[] | select(.ifindex == $IDX) | .vni" <<<"$ynl_ans")" 5000

# ------------------------------------------------------------ 2. fdb-get
log_step "fdb-get"
# Both sides as sorted "mac addr kind port vni" lines (port/vni "-": the
# device's).
ynl dump fdb-get "{\"ifindex\": $IDX}"
a=$(jq -r '[.reply[] | .fdb | [.mac, .addr, .kind, (.port // "-"),
	(.vni // "-")] | map(tostring) | join(" ")] | sort | .[]' <<<"$ynl_ans")
b=$(kvx "$h1" -j fdb show dev vx0 |
	jq -r '[.[] | [.mac, .dst, .kind, (.port // "-"),
		(if .vni == 5000 then "-" else .vni end)]
		| map(tostring) | join(" ")] | sort | .[]')
log "    ynl:    ${a//$'\n'/,}"
log "    kvxlan: ${b//$'\n'/,}"
mapfile -t lines <<<"$a"
check_eq "fdb-get dump entries" "${#lines[@]}" 3
check_eq "fdb-get dump = kvxlan -j fdb show" "$a" "$b"
ynl do fdb-get "{\"ifindex\": $IDX, \"fdb\": {\"mac\": \"020000000002\"}}"
read -r addr port vni <<<"$(
	jq -r '.reply.fdb | "\(.addr) \(.port) \(.vni)"' <<<"$ynl_ans")"
check_eq "fdb-get do: addr" "$addr" 10.0.0.3
check_eq "fdb-get do: port, vni" "$port $vni" "4790 77"

# ------------------------------------------------------------ 3. flood-get
log_step "flood-get"
ynl do flood-get "{\"ifindex\": $IDX}"
check_eq "flood-get = kvxlan -j flood show" \
	"$(jq -r '[.reply.remote | if type == "array" then .[] else . end
		| .addr] | sort | join(",")' <<<"$ynl_ans")" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r '[.[].dst] | sort | join(",")')"
ynl dump flood-get "{\"ifindex\": $IDX}"
check_eq "flood-get dump = kvxlan -j flood show, in order" \
	"$(jq -r '[.reply[] | .remote | if type == "array" then .[] else . end
		| .addr] | join(",")' <<<"$ynl_ans")" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r '[.[].dst] | join(",")')"

# ------------------------------------------------------------ 4. changes
log_step "fdb-add and fdb-del through YNL"
ynl do fdb-add "{\"ifindex\": $IDX, \"fdb\": {\"mac\": \"020000000009\", \"addr\": \"0a000009\"}}"
check_eq "ynl do fdb-add 02:00:00:00:00:09 -> 10.0.0.9: no reply" \
	"$ynl_ans" '{"reply": null}'
check_eq "kvxlan fdb show sees it" \
	"$(kvx "$h1" -j fdb show dev vx0 |
		jq -r '.[] | select(.mac == "02:00:00:00:00:09") | .dst')" 10.0.0.9
ynl_req do fdb-add "{\"ifindex\": $IDX, \"fdb\": {\"mac\": \"020000000009\", \"addr\": \"0a000009\"}}"
[[ $ynl_ans =~ ^\{\"error\":\ ([0-9]+), ]] ||
	fail "a duplicate fdb-add through YNL: $ynl_ans"
check_eq "a duplicate fdb-add through YNL fails with EEXIST" \
	"${BASH_REMATCH[1]}" 17
ynl do fdb-del "{\"ifindex\": $IDX, \"fdb\": {\"mac\": \"020000000009\"}}"
check_eq "ynl do fdb-del 02:00:00:00:00:09: no reply" \
	"$ynl_ans" '{"reply": null}'
check_eq "kvxlan fdb show no longer has it" \
	"$(kvx "$h1" -j fdb show dev vx0 |
		jq '[.[] | select(.mac == "02:00:00:00:00:09")] | length')" 0

# ------------------------------------------------------------ 5. events
log_step "events through YNL"
# The kernel multicasts a notification while it handles the request, so
# it is queued on YNL's socket when `kvxlan` returns: no waiting.
ynl subscribe events
for n in 1 2 3; do
	kvx "$h1" fdb add "02:00:00:aa:00:0$n" dev vx0 dst 10.0.0.2
done
kvx "$h1" fdb del 02:00:00:aa:00:02 dev vx0
ynl ntf
got=$(jq -r '.reply[] | .msg as $m
	| "\(.name) \($m.ifindex) \($m.event) \($m.fdb.mac) \($m.fdb.addr)"' \
	<<<"$ynl_ans")
log "    ${got//$'\n'/,}"
check_eq "the notifications YNL received" "$got" \
	"fdb-ntf $IDX added 02:00:00:aa:00:01 10.0.0.2
fdb-ntf $IDX added 02:00:00:aa:00:02 10.0.0.2
fdb-ntf $IDX added 02:00:00:aa:00:03 10.0.0.2
fdb-ntf $IDX deleted 02:00:00:aa:00:02 10.0.0.2"

ynl_in=${YNL[1]}
exec {ynl_in}>&-
wait "$ynl_pid" || fail "ynl_batch.py exited $?: $(tail -n 5 "$TMP/ynl.err")"
[ ! -s "$TMP/ynl.err" ] || log "    YNL printed: $(cat "$TMP/ynl.err")"

log "ynl_spec: ok"
exit "$ksft_pass"
