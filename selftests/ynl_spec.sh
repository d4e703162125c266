#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# uapi/kvxlan.yaml drives the kernel's own YNL CLI (tools/net/ynl/cli.py,
# from Debian's linux-source-6.12, extracted by scripts/check into
# build/ynl) to the same answers as `kvxlan -j`.
#
#  +-----------------------------------------------+
#  | h1                                            |
#  |  vx0 kvxlan vni 5000, flood 10.0.0.2, ::      |
#  |  3 static FDB entries (one with port + vni)   |
#  |  ynl --spec uapi/kvxlan.yaml   vs  kvxlan -j  |
#  |  veth0 10.0.0.1/24 ------------- (h2 peer)    |
#  +-----------------------------------------------+
#
# 1. dev-get (do) and the device in dev-get (dump): vni, port, learning,
#    ageing, max-learned and the FDB counts equal `kvxlan -j link show` and
#    the table's size.
# 2. fdb-get (dump): the same (mac, addr, kind, port, vni) set as
#    `kvxlan -j fdb show`; fdb-get (do) of one MAC, the same entry.
# 3. flood-get: the same addresses as `kvxlan -j flood show`.
# 4. fdb-add and fdb-del through YNL (binary attributes in hex) are seen
#    by `kvxlan fdb show`; a request the kernel rejects makes YNL fail.
# 5. --subscribe events: YNL receives the fdb-ntf "added" of an entry that
#    `kvxlan fdb add` creates.

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

# ynl ARGS...: the YNL CLI in h1, JSON output
ynl()
{
	ip netns exec "$h1" "$PYTHON" "$YNL_DIR/tools/net/ynl/cli.py" \
		--spec "$SPEC" --no-schema --output-json "$@"
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

# ------------------------------------------------------------ 1. dev-get
log_step "dev-get"
ynl --do dev-get --json "{\"ifindex\": $IDX}" >"$TMP/dev" ||
	fail "ynl --do dev-get: $(cat "$TMP/dev")"
kvx "$h1" -j link show vx0 >"$TMP/link"
kv() { jq -r ".[0].$1" "$TMP/link"; }
yv() { jq -r ".\"$1\"" "$TMP/dev"; }
check_eq "vni" "$(yv vni)" "$(kv vni)"
check_eq "port" "$(yv port)" "$(kv port)"
check_eq "ageing" "$(yv ageing)" "$(kv ageing)"
check_eq "max-learned" "$(yv max-learned)" "$(kv max_learned)"
check_eq "learning" "$(yv learning)" "$([ "$(kv learning)" = true ] && echo 1 || echo 0)"
check_eq "fdb-static" "$(yv fdb-static)" 3
check_eq "fdb-learned" "$(yv fdb-learned)" 0
ynl --dump dev-get >"$TMP/devs" || fail "ynl --dump dev-get: $(cat "$TMP/devs")"
check_eq "dev-get dump: vx0's vni" \
	"$(jq -r ".[] | select(.ifindex == $IDX) | .vni" "$TMP/devs")" 5000

# ------------------------------------------------------------ 2. fdb-get
log_step "fdb-get"
# Both sides as sorted "mac addr kind port vni" lines (port/vni "-": the
# device's).
ynl --dump fdb-get --json "{\"ifindex\": $IDX}" >"$TMP/fdb_ynl" ||
	fail "ynl --dump fdb-get: $(cat "$TMP/fdb_ynl")"
jq -r '.[] | .fdb | [.mac, .addr, .kind, (.port // "-"), (.vni // "-")]
	| map(tostring) | join(" ")' "$TMP/fdb_ynl" | sort >"$TMP/a"
kvx "$h1" -j fdb show dev vx0 |
	jq -r '.[] | [.mac, .dst, .kind, (.port // "-"),
		(if .vni == 5000 then "-" else .vni end)]
		| map(tostring) | join(" ")' | sort >"$TMP/b"
log "    ynl:    $(paste -sd, "$TMP/a")"
log "    kvxlan: $(paste -sd, "$TMP/b")"
check_eq "fdb-get dump entries" "$(wc -l <"$TMP/a")" 3
check_eq "fdb-get dump = kvxlan -j fdb show" "$(cat "$TMP/a")" "$(cat "$TMP/b")"
ynl --do fdb-get \
	--json "{\"ifindex\": $IDX, \"fdb\": {\"mac\": \"020000000002\"}}" \
	>"$TMP/one" || fail "ynl --do fdb-get: $(cat "$TMP/one")"
check_eq "fdb-get do: addr" "$(jq -r .fdb.addr "$TMP/one")" 10.0.0.3
check_eq "fdb-get do: port, vni" \
	"$(jq -r '"\(.fdb.port) \(.fdb.vni)"' "$TMP/one")" "4790 77"

# ------------------------------------------------------------ 3. flood-get
log_step "flood-get"
ynl --do flood-get --json "{\"ifindex\": $IDX}" >"$TMP/flood" ||
	fail "ynl --do flood-get: $(cat "$TMP/flood")"
check_eq "flood-get = kvxlan -j flood show" \
	"$(jq -r '.remote | if type == "array" then .[] else . end | .addr' \
		"$TMP/flood" | sort | paste -sd,)" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r '.[].dst' | sort | paste -sd,)"

# ------------------------------------------------------------ 4. changes
log_step "fdb-add and fdb-del through YNL"
check_ok "ynl --do fdb-add 02:00:00:00:00:09 -> 10.0.0.9" \
	ynl --do fdb-add --json "{\"ifindex\": $IDX, \"fdb\":
		{\"mac\": \"020000000009\", \"addr\": \"0a000009\"}}"
check_eq "kvxlan fdb show sees it" \
	"$(kvx "$h1" -j fdb show dev vx0 |
		jq -r '.[] | select(.mac == "02:00:00:00:00:09") | .dst')" 10.0.0.9
if ynl --do fdb-add --json "{\"ifindex\": $IDX, \"fdb\":
		{\"mac\": \"020000000009\", \"addr\": \"0a000009\"}}" \
		>"$TMP/dup" 2>&1; then
	fail "a duplicate fdb-add through YNL succeeded"
fi
log_ok "a duplicate fdb-add through YNL fails: $(tail -n 1 "$TMP/dup")"
check_ok "ynl --do fdb-del 02:00:00:00:00:09" \
	ynl --do fdb-del --json "{\"ifindex\": $IDX, \"fdb\":
		{\"mac\": \"020000000009\"}}"
check_eq "kvxlan fdb show no longer has it" \
	"$(kvx "$h1" -j fdb show dev vx0 |
		jq '[.[] | select(.mac == "02:00:00:00:00:09")] | length')" 0

# ------------------------------------------------------------ 5. events
log_step "events through YNL"
ynl --subscribe events --sleep 10 >"$TMP/ev" 2>&1 &
ynl_pid=$!
defer kill "$ynl_pid" 2>/dev/null
# YNL prints what it received when it exits, 10 s after it subscribed
# (after a python start that takes seconds here): add an entry a second
# for as long as it runs, so that some land while it listens.
n=0
while kill -0 "$ynl_pid" 2>/dev/null && [ $n -lt 90 ]; do
	n=$((n + 1))
	kvx "$h1" fdb add "$(printf '02:00:00:aa:%02x:%02x' $((n / 256)) $((n % 256)))" \
		dev vx0 dst 10.0.0.2
	sleep 1
done
wait "$ynl_pid" || fail "ynl --subscribe events: $(tail -n 3 "$TMP/ev")"
log "    $(head -c 400 "$TMP/ev")"
got=$(jq -r '.[] | select(.name == "fdb-ntf") | .msg |
	"\(.event) \(.fdb.mac) \(.fdb.addr)"' "$TMP/ev" | sort -u)
log "    $(echo "$got" | paste -sd,)"
check_ge "fdb-ntf \"added\" events YNL received for the added MACs" \
	"$(echo "$got" | grep -c '^added 02:00:00:aa:0[0-9a-f]:[0-9a-f][0-9a-f] 10.0.0.2$')" 1
check_eq "events YNL received that were not those" \
	"$(echo "$got" | grep -vc '^added 02:00:00:aa:0[0-9a-f]:[0-9a-f][0-9a-f] 10.0.0.2$' || true)" 0

log "ynl_spec: ok"
exit "$ksft_pass"
