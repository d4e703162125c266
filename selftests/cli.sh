#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kvxlan CLI as a new user tries it (issue 20, "The CLI as people
# expect it"): every defect of the issue's list, one case each.
#
#  +------------------------------------------------+
#  | h1                                             |
#  |  ul0 (dummy) 10.0.0.1/24                       |
#  |  vx0 kvxlan vni 5000 local 10.0.0.1 dev ul0    |
#  |      tos inherit flowlabel auto ...  (JSON)    |
#  |  vxa, vxc: made and unmade by batches          |
#  +------------------------------------------------+
#
# 1. Words the CLI refuses itself, before anything is sent (no device
#    needed): a 16-character and a 20-character name, vni 99999999,
#    port 0, srcport 5 2, fdb/flood vni and port out of range, "up down",
#    MACs written 001122334455 and 00-11-22-33-44-55; `group`, `group add
#    10.0.0.1`, `group bogus` point at "kvxlan group help"; `monitor`,
#    `stats` and `save` with a missing argument or an unknown keyword at
#    their own help.
# 2. Help: `-h` after an object (or a command) prints that object's
#    usage, `-h OBJECT` too; `-V extra` is refused; output to /dev/full
#    fails.
# 3. Names as ip takes them: `delete`, `list`, `append` (flood), and
#    unambiguous prefixes (`l sh`, `fl sh`); an ambiguous one (`f`, `link
#    s`) is refused naming the candidates.
# 4. `link add` without the module: the kernel's "Unknown device type."
#    and a hint to load it (the module is unloaded for this step and
#    inserted again from KVXLAN_KO; not run when the module is installed,
#    since the kernel then loads it itself).
# 5. A batch stops at a line the CLI refuses, before it is sent: lines
#    after it are not applied (the FDB adds of a batch are pipelined, so
#    before this the kernel had applied them by the time it refused the
#    bad line).
# 6. `link show` text and JSON agree field by field (one print call per
#    field), with the in-tree driver's JSON keys: id, port_range, ttl
#    "auto", tos "inherit", label "auto" / "0x...", udp_csum, ...
# 7. -n NETNS: the device is seen in its namespace only; a missing
#    namespace is an error.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq rmmod insmod
require_kvxlan

TMP=$(mktemp -d)
defer rm -rf "$TMP"
K=$KVXLAN

# ---------------------------------------------------------------- 1.
log_step "1. refused by the CLI, before anything is sent"
check_fail_msg "16-character name" 'Invalid device name .*longer than 15' \
	"$K" link add abcdefghijklmnop vni 1
check_fail_msg "20-character name" 'Invalid device name .*longer than 15' \
	"$K" link add abcdefghijklmnopqrst vni 1
check_fail_msg "name with a /" 'Invalid device name' "$K" link add a/b vni 1
check_fail_msg "vni 99999999" 'Invalid vni "99999999": out of range, expected 0\.\.16777215' \
	"$K" link add vxq vni 99999999
check_fail_msg "port 0" 'Invalid port "0": out of range, expected 1\.\.65535' \
	"$K" link add vxq vni 1 port 0
check_fail_msg "srcport 5 2" 'Invalid srcport HIGH "2": out of range, expected 5\.\.65535' \
	"$K" link add vxq vni 1 srcport 5 2
check_fail_msg "srcport 0 10" 'Invalid srcport LOW "0": out of range' \
	"$K" link add vxq vni 1 srcport 0 10
check_fail_msg "dampen-window 0" 'Invalid dampen-window "0": out of range, expected 1\.\.3600' \
	"$K" link add vxq vni 1 dampen-window 0
check_fail_msg "set up down" 'Only one of "up" and "down" may be given' \
	"$K" link set vxq up down
check_fail_msg "fdb vni 16777216" 'Invalid vni "16777216"' \
	"$K" fdb add 00:11:22:33:44:55 vni 16777216 dev lo dst 10.0.0.2
check_fail_msg "fdb port 0" 'Invalid port "0": out of range, expected 1\.\.65535' \
	"$K" fdb add 00:11:22:33:44:55 port 0 dev lo dst 10.0.0.2
check_fail_msg "flood vni 16777216" 'Invalid vni "16777216"' \
	"$K" flood add dev lo dst 10.0.0.2 vni 16777216
check_fail_msg "MAC 001122334455" 'Invalid MAC address "001122334455"' \
	"$K" fdb add 001122334455 dev lo dst 10.0.0.2
check_fail_msg "MAC 00-11-22-33-44-55" 'Invalid MAC address "00-11-22-33-44-55"' \
	"$K" fdb add 00-11-22-33-44-55 dev lo dst 10.0.0.2
check_fail_msg "group" 'Try "kvxlan group help"' "$K" group
check_fail_msg "group add 10.0.0.1" 'Try "kvxlan group help"' \
	"$K" group add 10.0.0.1
check_fail_msg "group bogus" 'Unknown group command "bogus". Try "kvxlan group help"' \
	"$K" group bogus
check_fail_msg "monitor dev" 'Missing argument for "dev"\. Try "kvxlan monitor help"' \
	"$K" monitor dev
check_fail_msg "monitor bogus" 'Unknown keyword "bogus"\. Try "kvxlan monitor help"' \
	"$K" monitor bogus
check_fail_msg "stats dev" 'Missing argument for "dev"\. Try "kvxlan stats help"' \
	"$K" stats dev
check_fail_msg "stats remotes bogus" 'Unknown keyword "bogus"\. Try "kvxlan stats help"' \
	"$K" stats remotes bogus
check_fail_msg "save dev" 'Missing argument for "dev"\. Try "kvxlan save help"' \
	"$K" save dev
check_fail_msg "save dev x y" 'Unknown keyword "y"\. Try "kvxlan save help"' \
	"$K" save dev x y

# ---------------------------------------------------------------- 2.
log_step "2. help, -V, a full disk"
# usage_of DESC OBJECT ARGS...: ARGS print OBJECT's usage, exit 0
usage_of()
{
	local desc=$1 obj=$2 out
	shift 2
	out=$("$K" "$@" 2>&1) || fail "$desc: '$K $*' exited non-zero: $out"
	check_eq "$desc" "$(head -n1 <<<"$out" | awk '{print $2, $3}')" \
		"kvxlan $obj"
}
usage_of "link -h" link link -h
usage_of "link show -h" link link show -h
usage_of "link add vx9 vni 1 -h" link link add vx9 vni 1 -h
usage_of "fdb -h" fdb fdb -h
usage_of "fdb show dev lo --help" fdb fdb show dev lo --help
usage_of "flood -h" flood flood -h
usage_of "group -h" group group -h
usage_of "group help" group group help
usage_of "stats -h" stats stats -h
usage_of "-h fdb" fdb -h fdb
check_fail_msg "-V extra" 'Nothing may follow "-V"' "$K" -V extra
check_fail_msg "help > /dev/full" 'Cannot write the output' \
	bash -c '"$0" help >/dev/full' "$K"
check_fail_msg "-V > /dev/full" 'Cannot write the output' \
	bash -c '"$0" -V >/dev/full' "$K"

# ---------------------------------------------------------------- 4.
# (before any device exists: the module can be unloaded)
log_step "4. link add without the module"
if modinfo kvxlan >/dev/null 2>&1; then
	log "the module is installed: the kernel loads it itself, no hint to give"
elif [ -n "$KVXLAN_KO" ] && [ -f "$KVXLAN_KO" ]; then
	defer insmod "$KVXLAN_KO"
	rmmod kvxlan || fail "rmmod kvxlan"
	check_fail_msg "link add: the kernel's answer" 'Unknown device type' \
		"$K" link add vxq vni 1
	check_fail_msg "link add: the hint" 'Hint: .*modprobe kvxlan' \
		"$K" link add vxq vni 1
	insmod "$KVXLAN_KO" || fail "insmod $KVXLAN_KO"
else
	fail "KVXLAN_KO must name the built kvxlan.ko (got '$KVXLAN_KO')"
fi

setup_ns h1
ip -n "$h1" link add ul0 type dummy
ip -n "$h1" addr add 10.0.0.1/24 dev ul0
ip -n "$h1" link set ul0 up
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 dev ul0 tos inherit \
	flowlabel auto srcport 40000 40100 ttl 9 df inherit learning off \
	udpcsum on dampen-moves 3 peers-only on

# ---------------------------------------------------------------- 3.
log_step "3. ip's names and prefixes"
check_ok "link list" kvx "$h1" link list
check_eq "l sh vx0" "$(kvx "$h1" l sh vx0 | cut -d: -f1)" vx0
check_ok "flood append" kvx "$h1" flood append dev vx0 dst 10.0.0.2
check_ok "flood app (a prefix)" kvx "$h1" flood app dev vx0 dst 10.0.0.3
check_eq "fl sh dev vx0" "$(kvx "$h1" fl sh dev vx0 | tr '\n' ' ')" \
	"dst 10.0.0.2 dst 10.0.0.3 "
check_ok "flood delete" kvx "$h1" flood delete dev vx0 dst 10.0.0.3
check_ok "fdb a (add)" kvx "$h1" fdb a 00:00:00:00:00:01 dev vx0 dst 10.0.0.2
check_eq "fdb list" "$(kvx "$h1" -j fdb list dev vx0 | jq -r '.[0].mac')" \
	00:00:00:00:00:01
check_ok "fdb delete" kvx "$h1" fdb delete 00:00:00:00:00:01 dev vx0
check_fail_msg "f (fdb or flood)" '"f" is ambiguous: fdb, flood' kvx "$h1" f
check_fail_msg "link s (set or show)" '"s" is ambiguous: set, show' \
	kvx "$h1" link s vx0
kvx_add "$h1" vxd vni 5009 dev ul0
check_ok "link delete" kvx "$h1" link delete vxd

# ---------------------------------------------------------------- 5.
log_step "5. a batch stops before the line the CLI refuses"
cat >"$TMP/b1" <<EOF
fdb add 00:00:00:00:00:11 dev vx0 dst 10.0.0.2
fdb add 00:00:00:00:00:12 dev vx0 dst 10.0.0.2 vni 99999999
fdb add 00:00:00:00:00:13 dev vx0 dst 10.0.0.2
EOF
rc=0
out=$(kvx "$h1" -b "$TMP/b1" 2>&1) || rc=$?
check_eq "batch: exit status 1 (refused by the CLI)" "$rc" 1
check_eq "batch: line 2's error, then its line" "$out" \
	"Error: Invalid vni \"99999999\": out of range, expected 0..16777215.
Command failed $TMP/b1:2"
check_eq "batch: line 1 applied, line 3 not" \
	"$(kvx "$h1" -j fdb show dev vx0 | jq -r '[.[].mac] | join(" ")')" \
	00:00:00:00:00:11
cat >"$TMP/b2" <<EOF
link add vxa vni 5001 dev ul0
link add vxbbbbbbbbbbbbbbbbbb vni 5002 dev ul0
link add vxc vni 5003 dev ul0
EOF
check_fail_msg "batch: a 20-character name refused" 'Invalid device name' \
	kvx "$h1" -b "$TMP/b2"
check_eq "batch: vxa made, vxc not" \
	"$(kvx "$h1" -j link show | jq -r '[.[].ifname] | sort | join(" ")')" \
	"vx0 vxa"

# ---------------------------------------------------------------- 6.
log_step "6. link show: text and JSON from the same calls"
kvx "$h1" link set vxa flowlabel 0x12345 tos 0x10 port 4790
# text_pairs DEV: "key value" per field of the text line (srcport's two
# values as srcport.low, srcport.high)
text_pairs()
{
	local -a w
	read -r -a w <<<"$(kvx "$h1" link show "$1")"
	local i=1
	while [ "$i" -lt "${#w[@]}" ]; do
		if [ "${w[i]}" = srcport ]; then
			echo "srcport.low ${w[i + 1]}"
			echo "srcport.high ${w[i + 2]}"
			i=$((i + 3))
		else
			echo "${w[i]} ${w[i + 1]}"
			i=$((i + 2))
		fi
	done
}
# json_pairs DEV: the same, from -j, under the text's names
json_pairs()
{
	kvx "$h1" -j link show "$1" | jq -r '.[0] | del(.ifname, .ifindex) |
		to_entries[] |
		if (.value | type) == "object" then
			.key as $k | .value | to_entries[] |
			"\($k).\(.key) \(.value)"
		else "\(.key) \(.value | if . == true then "on"
			elif . == false then "off" else . end)" end' |
	sed -e 's/^id /vni /' -e 's/^link /dev /' -e 's/^port_range\./srcport./' \
		-e 's/^udp_csum /udpcsum /' -e 's/^udp_zero_csum6_tx /udp6zerocsumtx /' \
		-e 's/^udp_zero_csum6_rx /udp6zerocsumrx /' -e 's/^label /flowlabel /' \
		-e 's/^max_learned /max-learned /' -e 's/^dampen_/dampen-/' \
		-e 's/^peers_only /peers-only /' -e 's/^operstate /state /'
}
for d in vx0 vxa; do
	check_eq "$d: text and JSON, field by field" \
		"$(json_pairs "$d" | sort | tr '\n' ';')" \
		"$(text_pairs "$d" | sort | tr '\n' ';')"
done
j=$(kvx "$h1" -j link show vx0 | jq -c '.[0] | [.id, .port_range.low,
	.port_range.high, .ttl, .tos, .label, .udp_csum, .df, .learning]')
check_eq "vx0 JSON: in-tree keys and text's values" "$j" \
	'[5000,40000,40100,9,"inherit","auto",true,"inherit",false]'
j=$(kvx "$h1" -j link show vxa | jq -c '.[0] | [.id, .port, .ttl, .tos, .label]')
check_eq "vxa JSON" "$j" '[5001,4790,"auto","0x10","0x12345"]'
check_eq "vxa text" \
	"$(kvx "$h1" link show vxa | grep -o 'ttl [^ ]* tos [^ ]*\|flowlabel [^ ]*' | tr '\n' ' ')" \
	"ttl auto tos 0x10 flowlabel 0x12345 "
check_eq "flood show: text and JSON" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -r '.[] | "dst \(.dst)"')" \
	"$(kvx "$h1" flood show dev vx0)"

# ---------------------------------------------------------------- 7.
log_step "7. -n NETNS"
check_eq "-n: vx0 in h1" "$("$K" -n "$h1" link show vx0 | cut -d: -f1)" vx0
check_fail_msg "-n: not in the test's own namespace" 'Cannot find device "vx0"' \
	"$K" link show vx0
check_fail_msg "-n: a namespace that does not exist" \
	'Cannot open network namespace "kvx-none-[0-9]+"' \
	"$K" -n "kvx-none-$$" link show

log "cli.sh: all checks passed"
exit "$ksft_pass"
