#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The contract of the "kvxlan" generic netlink family (uapi/linux/kvxlan.h).
#
#  +-----------------------------------------------+
#  | h1                                            |
#  |  vx0 kvxlan vni 5000, flood 10.0.0.2          |
#  |  genl_raw.py: hand-packed requests            |
#  |  setpriv --reuid=65534: an unprivileged user  |
#  |  veth0 10.0.0.1/24 ------------- (h2 peer)    |
#  +-----------------------------------------------+
#
# 1. Every command, sent malformed by genl_raw.py: a missing required
#    attribute, a wrong type or length, an out-of-range value, an unknown
#    attribute, and the module's own checks.  Each must fail with the
#    expected errno and an extack message (NLMSGERR_ATTR_MSG); when the
#    ack names an attribute (NLMSGERR_ATTR_OFFS) it must be the offending
#    one, and from kernel 6.1 on a missing attribute must be named
#    (_MISS_TYPE, and _MISS_NEST when it is missing inside a nest).
#    Positive controls: the same commands well formed.  Every case runs;
#    the failures are listed at the end.
# 2. The CLI reports the kernel's message for what it can send; the
#    link attribute IFLA_KVXLAN_AGEING stops at KVXLAN_AGEING_MAX.
# 3. An unprivileged user may read (get, dump) but gets EPERM for every
#    change and for joining the "events" group; the table is unchanged.
# 4. Dump filters (dst, static|learned, vni).
# 5. A dump of BIG entries (4000; 100000 with KVX_STRESS=1), inserted with
#    `kvxlan -b`, returns each entry exactly once, through the kvxlan
#    family and `bridge fdb show`
#    (which resumes where it stopped, not by walking from the start);
#    the same entries go in through `bridge -batch` (ndo_fdb_add) too;
#    insert, dump and flush times and the entry size are printed as
#    figures.
# 6. A flood list of KVXLAN_FLOOD_MAX (4096) remotes: FLOOD_GET and
#    GROUP_GET are dumps, in parts of at most 32 KiB, and the CLI shows
#    the whole list in order; the one-message FLOOD_GET (do) still works.
#
# Errnos: the uapi header promises EINVAL for unknown attributes and wrong
# types; out-of-range values are rejected by the family's policies, and the
# kernel's policy code answers ERANGE for those (as IFLA_KVXLAN_VNI does).
# A binary attribute of the wrong length gets EINVAL from 6.12's policy code
# and ERANGE from 6.1's: either is accepted there ($LEN).  On 6.1 a dump's
# start callback has no extack, so a dump request's error comes in
# NLMSG_DONE (done=1) with its message but no attribute offset.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq setpriv bridge
require_python_module socket
require_kvxlan

RANGE=ERANGE
LEN=EINVAL/ERANGE
# 6.1: a dump request's errors come in NLMSG_DONE (no offset); later: ACK
DONE_OK=no
[[ "$(uname -r)" == 6.1.* ]] && DONE_OK=yes
# The big dump's size (KVX_CONTRACT_ENTRIES; make check-stress, KVX_STRESS=1:
# 100000, for the insert, dump and flush figures).  make check's 4000 still
# crosses every boundary the step is for:
# - many parts: a dump part is at most one skb of SKB_WITH_OVERHEAD(32768)
#   bytes (netlink_recvmsg() caps max_recvmsg_len there, whatever the
#   reader's buffer), the first one NLMSG_GOODSIZE (about 3.7 KiB).  An FDB
#   entry is a 120-byte message (nlmsghdr 16 + genlmsghdr 4, IFINDEX 8, the
#   FDB nest 4 with MAC 12, an IPv4 ADDR 8, KIND 8 and five u64 of 12: no
#   pad on x86-64), at most 270 a part; a bridge RTM_NEWNEIGH is 68 bytes
#   (nlmsghdr 16, ndmsg 12, NDA_LLADDR 12, NDA_DST 8, NDA_CACHEINFO 20), at
#   most 477 a part.  4000 entries are at least 15 parts of `kvxlan fdb
#   show` and 9 of `bridge fdb show`, each resumed at its (bucket, index)
#   or (cb->args) mark;
# - table resizes: the FDB rhashtable (fdb.c: no nelem_hint, so 64 buckets
#   first) doubles when it holds more than 3/4 of its size (48, 96, ...,
#   3072 entries): 4000 entries grow it 7 times, to 8192 buckets, through
#   `kvxlan -b` and again through `bridge -batch`, and each flush shrinks
#   it (automatic_shrinking, under 30 %).
if [ "${KVX_STRESS:-0}" = 1 ]; then
	BIG=${KVX_CONTRACT_ENTRIES:-100000}
else
	BIG=${KVX_CONTRACT_ENTRIES:-4000}
fi
TMP=$(mktemp -d)
defer rm -rf "$TMP"

soft_failures=()
soft_fail()
{
	printf '[FAIL] %s\n' "$*"
	soft_failures+=("$*")
}

# as_nobody CMD...: CMD in h1 as uid/gid 65534 without capabilities
as_nobody()
{
	ip netns exec "$h1" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$@"
}

genl_raw() { ip netns exec "$h1" "$PYTHON" "$KSFT_DIR/genl_raw.py" "$@"; }

log_step "setup"
setup_ns h1 h2
veth_pair "$h1" veth0 10.0.0.1/24 "$h2" veth1 10.0.0.2/24
kvx_add "$h1" vx0 vni 5000 local 10.0.0.1 remote 10.0.0.2 dev veth0
overlay_up "$h1" vx0 192.168.100.1/24
kvx "$h1" fdb add 02:00:00:00:00:01 dev vx0 dst 10.0.0.2 ||
	fail "kvxlan fdb add 02:00:00:00:00:01"

# ------------------------------------------------------------ 1. contract
log_step "malformed requests, every command"
# Attribute numbers for MISS: the top level (KVXLAN_A_*), and nests
declare -A ATTR=([ifindex]=2 [fdb]=10 [remote]=11 [fdb.mac]=2 [fdb.addr]=3
	[remote.addr]=2)
M=mac:02:00:00:00:00:09
A=ip:10.0.0.2
# EXPECT MISS REQUEST: EXPECT is ok or an errno name; MISS names the
# attribute that is missing, or "-".  In REQUEST, "!" marks the attribute
# the kernel must point at (NLMSGERR_ATTR_OFFS, or _MISS_NEST for a MISS
# inside a nest).
cat >"$TMP/cases" <<EOF
# positive controls
ok     -        DEV_GET ifindex=dev:vx0
ok     -        --dump DEV_GET
ok     -        FDB_GET ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01 }
ok     -        --dump FDB_GET ifindex=dev:vx0
ok     -        --dump FDB_GET ifindex=dev:vx0 fdb{ kind=u8:1 vni=u32:77 }
ok     -        FLOOD_GET ifindex=dev:vx0
ok     -        GROUP_GET ifindex=dev:vx0
ok     -        --dump FLOOD_GET ifindex=dev:vx0
ok     -        --dump GROUP_GET ifindex=dev:vx0
ok     -        --dump REMOTE_GET ifindex=dev:vx0
# missing: IFINDEX
EINVAL ifindex  DEV_GET
EINVAL ifindex  FDB_ADD fdb{ mac=$M addr=$A }
EINVAL ifindex  FDB_REPLACE fdb{ mac=$M addr=$A }
EINVAL ifindex  FDB_DEL fdb{ mac=$M }
EINVAL ifindex  FDB_GET fdb{ mac=$M }
EINVAL ifindex  --dump FDB_GET
EINVAL ifindex  FDB_FLUSH
EINVAL ifindex  FLOOD_ADD remote{ addr=ip:10.0.0.3 }
EINVAL ifindex  FLOOD_DEL remote{ addr=$A }
EINVAL ifindex  FLOOD_GET
EINVAL ifindex  --dump FLOOD_GET
EINVAL ifindex  --dump GROUP_GET
EINVAL ifindex  FLOOD_REPLACE remote{ addr=$A }
EINVAL ifindex  --dump REMOTE_GET
EINVAL ifindex  GROUP_ADD remote{ addr=ip:239.1.1.1 }
EINVAL ifindex  GROUP_DEL remote{ addr=ip:239.1.1.1 }
EINVAL ifindex  GROUP_GET
# missing: the FDB or REMOTE nest, or what they must hold
EINVAL fdb      FDB_ADD ifindex=dev:vx0
EINVAL fdb      FDB_REPLACE ifindex=dev:vx0
EINVAL fdb      FDB_DEL ifindex=dev:vx0
EINVAL fdb      FDB_GET ifindex=dev:vx0
EINVAL fdb.mac  FDB_ADD ifindex=dev:vx0 !fdb{ addr=$A }
EINVAL fdb.addr FDB_ADD ifindex=dev:vx0 !fdb{ mac=$M }
EINVAL fdb.mac  FDB_REPLACE ifindex=dev:vx0 !fdb{ addr=$A }
EINVAL fdb.addr FDB_REPLACE ifindex=dev:vx0 !fdb{ mac=$M }
EINVAL fdb.mac  FDB_DEL ifindex=dev:vx0 !fdb{ }
EINVAL fdb.mac  FDB_GET ifindex=dev:vx0 !fdb{ }
EINVAL remote   FLOOD_ADD ifindex=dev:vx0
EINVAL remote   FLOOD_DEL ifindex=dev:vx0
EINVAL remote   GROUP_ADD ifindex=dev:vx0
EINVAL remote   GROUP_DEL ifindex=dev:vx0
EINVAL remote.addr FLOOD_ADD ifindex=dev:vx0 !remote{ port=u16:4789 }
EINVAL remote.addr FLOOD_DEL ifindex=dev:vx0 !remote{ port=u16:4789 }
EINVAL remote.addr FLOOD_REPLACE ifindex=dev:vx0 !remote{ port=u16:4789 }
EINVAL remote.addr GROUP_ADD ifindex=dev:vx0 !remote{ port=u16:4789 }
EINVAL remote.addr GROUP_DEL ifindex=dev:vx0 !remote{ port=u16:4789 }
# wrong length: IFINDEX as a u16
EINVAL -        DEV_GET !ifindex=u16:1
EINVAL -        FDB_ADD !ifindex=u16:1 fdb{ mac=$M addr=$A }
EINVAL -        FDB_REPLACE !ifindex=u16:1 fdb{ mac=$M addr=$A }
EINVAL -        FDB_DEL !ifindex=u16:1 fdb{ mac=$M }
EINVAL -        FDB_GET !ifindex=u16:1 fdb{ mac=$M }
EINVAL -        --dump FDB_GET !ifindex=u16:1
EINVAL -        FDB_FLUSH !ifindex=u16:1
EINVAL -        FLOOD_ADD !ifindex=u16:1 remote{ addr=ip:10.0.0.3 }
EINVAL -        FLOOD_DEL !ifindex=u16:1 remote{ addr=$A }
EINVAL -        FLOOD_GET !ifindex=u16:1
EINVAL -        FLOOD_REPLACE !ifindex=u16:1 remote{ addr=$A }
EINVAL -        --dump REMOTE_GET !ifindex=u16:1
EINVAL -        GROUP_ADD !ifindex=u16:1 remote{ addr=ip:239.1.1.1 }
EINVAL -        GROUP_DEL !ifindex=u16:1 remote{ addr=ip:239.1.1.1 }
EINVAL -        GROUP_GET !ifindex=u16:1
# wrong length inside the nests
$LEN -        FDB_ADD ifindex=dev:vx0 fdb{ !mac=hex:0200000000 addr=$A }
$LEN -        FDB_ADD ifindex=dev:vx0 fdb{ !mac=hex:02000000000901 addr=$A }
$LEN -        FDB_DEL ifindex=dev:vx0 fdb{ !mac=hex:0200000000 }
$LEN -        FDB_GET ifindex=dev:vx0 fdb{ !mac=hex:0200000000 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M !addr=hex:0a000002ff }
$LEN -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M !addr=hex:0a000002000000000000000000000000ff }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !port=u32:4789 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !vni=u16:7 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !kind=u32:1 }
EINVAL -        --dump FDB_GET ifindex=dev:vx0 fdb{ !addr=hex:0a0000 }
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ !addr=hex:0a000003ff }
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 !port=u8:1 }
EINVAL -        GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 !ifindex=u16:2 }
# wrong type: a nest without NLA_F_NESTED, a u32 with it
EINVAL -        FDB_ADD ifindex=dev:vx0 !fdb~{ mac=$M addr=$A }
EINVAL -        FDB_ADD ifindex=dev:vx0 !fdb=u32:1
EINVAL -        --dump FDB_GET ifindex=dev:vx0 !fdb=u32:1
EINVAL -        FDB_FLUSH ifindex=dev:vx0 !fdb=u32:1
EINVAL -        FLOOD_ADD ifindex=dev:vx0 !remote~{ addr=ip:10.0.0.3 }
EINVAL -        FLOOD_REPLACE ifindex=dev:vx0 !remote=u32:1
EINVAL -        GROUP_ADD ifindex=dev:vx0 !remote=u32:1
EINVAL -        FDB_GET !ifindex{ 1=empty } fdb{ mac=$M }
# out of range
$RANGE -        DEV_GET !ifindex=u32:0
$RANGE -        FDB_ADD !ifindex=u32:0 fdb{ mac=$M addr=$A }
$RANGE -        FDB_GET !ifindex=u32:0 fdb{ mac=$M }
$RANGE -        --dump FDB_GET !ifindex=u32:0
$RANGE -        FLOOD_GET !ifindex=u32:0
$RANGE -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !vni=u32:16777216 }
$RANGE -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !port=u16:0 }
$RANGE -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !kind=u8:3 }
$RANGE -        FDB_REPLACE ifindex=dev:vx0 fdb{ mac=$M addr=$A !vni=u32:16777216 }
$RANGE -        FDB_REPLACE ifindex=dev:vx0 fdb{ mac=$M addr=$A !port=u16:0 }
$RANGE -        FDB_REPLACE ifindex=dev:vx0 fdb{ mac=$M addr=$A !kind=u8:3 }
$RANGE -        --dump FDB_GET ifindex=dev:vx0 fdb{ !kind=u8:3 }
$RANGE -        --dump FDB_GET ifindex=dev:vx0 fdb{ !kind=u8:0 }
$RANGE -        --dump FDB_GET ifindex=dev:vx0 fdb{ !vni=u32:16777216 }
$RANGE -        FDB_FLUSH ifindex=dev:vx0 fdb{ !kind=u8:3 }
$RANGE -        FDB_FLUSH ifindex=dev:vx0 fdb{ !vni=u32:16777216 }
$RANGE -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 !vni=u32:16777216 }
$RANGE -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 !port=u16:0 }
$RANGE -        FLOOD_REPLACE ifindex=dev:vx0 remote{ addr=$A !vni=u32:16777216 }
$RANGE -        GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 !vni=u32:16777216 }
$RANGE -        GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 !port=u16:0 }
# unknown attributes, and attributes that only answers carry
EINVAL -        DEV_GET ifindex=dev:vx0 !200=u32:1
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A } !200=u32:1
EINVAL -        FDB_REPLACE ifindex=dev:vx0 fdb{ mac=$M addr=$A } !200=u32:1
EINVAL -        FDB_DEL ifindex=dev:vx0 fdb{ mac=$M } !200=u32:1
EINVAL -        FDB_GET ifindex=dev:vx0 fdb{ mac=$M } !200=u32:1
EINVAL -        --dump FDB_GET ifindex=dev:vx0 !200=u32:1
EINVAL -        FDB_FLUSH ifindex=dev:vx0 !200=u32:1
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 } !200=u32:1
EINVAL -        FLOOD_DEL ifindex=dev:vx0 remote{ addr=$A } !200=u32:1
EINVAL -        FLOOD_GET ifindex=dev:vx0 !200=u32:1
EINVAL -        FLOOD_REPLACE ifindex=dev:vx0 remote{ addr=$A } !200=u32:1
EINVAL -        --dump REMOTE_GET ifindex=dev:vx0 !200=u32:1
EINVAL -        GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 } !200=u32:1
EINVAL -        GROUP_DEL ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 } !200=u32:1
EINVAL -        GROUP_GET ifindex=dev:vx0 !200=u32:1
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !50=u32:1 }
EINVAL -        FDB_DEL ifindex=dev:vx0 fdb{ mac=$M !50=u32:1 }
EINVAL -        --dump FDB_GET ifindex=dev:vx0 fdb{ !50=u32:1 }
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 !50=u32:1 }
EINVAL -        FLOOD_REPLACE ifindex=dev:vx0 remote{ addr=$A !50=u32:1 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A } !vni=u32:5000
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !created=u64:1 }
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 !tx_packets=u64:1 }
# the module's own checks
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ !mac=mac:01:00:5e:00:00:01 addr=$A }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ !mac=mac:00:00:00:00:00:00 addr=$A }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M !addr=ip:239.1.1.1 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M !addr=ip:0.0.0.0 }
EINVAL -        FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A !kind=u8:2 }
EINVAL -        GROUP_ADD ifindex=dev:vx0 remote{ !addr=ip:10.0.0.5 }
EINVAL -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.5 !ifindex=dev:veth0 }
EINVAL -        FDB_GET !ifindex=dev:veth0 fdb{ mac=$M }
EINVAL -        FLOOD_GET !ifindex=dev:lo
EINVAL -        --dump FLOOD_GET !ifindex=dev:lo
EINVAL -        --dump GROUP_GET !ifindex=dev:veth0
EINVAL -        --dump FDB_GET !ifindex=dev:veth0
EINVAL -        --dump REMOTE_GET !ifindex=dev:veth0
ENODEV -        FDB_GET !ifindex=u32:99999 fdb{ mac=$M }
ENODEV -        --dump FDB_GET !ifindex=u32:99999
ENODEV -        GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 !ifindex=u32:99999 }
EINVAL -        --dump FDB_GET ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01 }
EEXIST -        FDB_ADD ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01 addr=$A }
EEXIST -        FLOOD_ADD ifindex=dev:vx0 remote{ addr=$A }
ENOENT -        FDB_DEL ifindex=dev:vx0 fdb{ mac=$M }
ENOENT -        FDB_GET ifindex=dev:vx0 fdb{ mac=$M }
ENOENT -        FLOOD_DEL ifindex=dev:vx0 remote{ addr=ip:10.0.0.99 }
EINVAL -        FLOOD_REPLACE ifindex=dev:vx0 remote{ addr=$A } remote{ addr=$A }
# a new family's strict header (resv_start_op 0), on every command: the
# genlmsghdr's reserved field is 0, and no nlmsg_flags but REQUEST, ACK,
# ECHO and DUMP (here NLM_F_CREATE 0x400, NLM_F_REPLACE 0x100 alone)
EINVAL -        --reserved=1 DEV_GET ifindex=dev:vx0
EINVAL -        --reserved=0x100 --dump FDB_GET ifindex=dev:vx0
EINVAL -        --reserved=1 FLOOD_GET ifindex=dev:vx0
EINVAL -        --flags=0x400 FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A }
EINVAL -        --flags=0x100 FDB_REPLACE ifindex=dev:vx0 fdb{ mac=$M addr=$A }
EINVAL -        --flags=0x400 FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 }
EOF
grep -v '^#' "$TMP/cases" | awk '{ $1 = $2 = ""; print }' >"$TMP/requests"
genl_raw - <"$TMP/requests" >"$TMP/results" ||
	fail "genl_raw.py failed: $(tail -n 3 "$TMP/results")"
ncases=$(wc -l <"$TMP/requests")
check_eq "answers" "$(wc -l <"$TMP/results")" "$ncases"

# field NAME RESULT: FIELD = the value of NAME=... in a result line, or ""
# (bash only: a process per check would cost minutes under emulation)
field()
{
	FIELD=""
	if [[ " $2" =~ \ $1=([^ ]*) ]]; then
		FIELD=${BASH_REMATCH[1]}
	fi
}

# errno_is RESULT A[/B...]: RESULT is an error with one of these errnos
errno_is()
{
	local e
	for e in ${2//\// }; do
		[[ "$1" == "error errno=$e("* ]] && return 0
	done
	return 1
}

# Missing attributes: since 6.1 (NL_REQ_ATTR_CHECK, which kvxlan uses for
# every required attribute of a request) the ack of a request that lacks
# one names it (NLMSGERR_ATTR_MISS_TYPE) and, for one missing inside a
# nest, the nest (_MISS_NEST, the "!"-marked attribute; none without a
# mark).  Decided by the kernel's version: absent on such a kernel, they
# are a failure.  Dump requests are the exception: kvxlan's dump start
# reports a missing IFINDEX by message only, on every kernel.
krel=${KVX_KERNEL:-$(uname -r)}
[[ $krel =~ ^([0-9]+)\.([0-9]+) ]] || fail "kernel version: '$krel'"
MISS_ATTRS=no
((BASH_REMATCH[1] > 6 || (BASH_REMATCH[1] == 6 && BASH_REMATCH[2] >= 1))) &&
	MISS_ATTRS=yes
log "# kernel $krel: missing-attribute reports (MISS_TYPE, MISS_NEST): $MISS_ATTRS"

case_fail=0
while IFS= read -r line <&3 && IFS= read -r res <&4; do
	read -r exp miss req <<<"$line"
	why=""
	field want_offs "$res"
	want=$FIELD
	if [ "$exp" = ok ]; then
		[[ "$res" == ok* ]] || why="expected success"
	elif ! errno_is "$res" "$exp"; then
		why="expected $exp"
	elif [[ "$res" != *' msg="'* ]]; then
		why="no extack message (NLMSGERR_ATTR_MSG)"
	elif [ "$miss" != - ]; then
		field miss_type "$res"
		mt=$FIELD
		field miss_nest "$res"
		mn=$FIELD
		if [ "$MISS_ATTRS" = no ] || [[ "$req" == --dump* ]]; then
			[ -z "$mt$mn" ] ||
				why="MISS_TYPE '$mt' MISS_NEST '$mn', expected neither"
			if [[ "$res" == *" done=1"* ]] && [ "$DONE_OK" = no ]; then
				why="error in NLMSG_DONE, not in the ACK of the request"
			fi
		elif [ "$mt" != "${ATTR[$miss]}" ]; then
			why="MISS_TYPE '$mt', expected ${ATTR[$miss]} ($miss)"
		elif [ "$mn" != "$want" ]; then
			why="MISS_NEST '$mn', expected '$want'"
		fi
	elif [[ "$res" == *" done=1"* ]]; then
		[ "$DONE_OK" = yes ] ||
			why="error in NLMSG_DONE, not in the ACK of the request"
	elif [ -n "$want" ]; then
		field offs "$res"
		[ "$FIELD" = "$want" ] ||
			why="ATTR_OFFS '$FIELD', expected $want (the marked attribute)"
	fi
	if [ -n "$why" ]; then
		soft_fail "$req: $why; got: $res"
		case_fail=$((case_fail + 1))
	else
		log_ok "$req: $res"
	fi
done 3< <(grep -v '^#' "$TMP/cases") 4<"$TMP/results"
log "# $case_fail of $ncases malformed-request cases failed"
check_eq "the table is as it was" \
	"$(kvx "$h1" -j fdb show dev vx0 | jq -c 'map(.mac)')" \
	'["02:00:00:00:00:01"]'
check_eq "the flood list is as it was" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -c 'map(.dst)')" '["10.0.0.2"]'

# ------------------------------------------------------------ 2. CLI
log_step "IFLA_KVXLAN_AGEING stops at KVXLAN_AGEING_MAX"
# The link attribute's policy maximum (10^6 s): the CLI sends any u32,
# the kernel refuses one more (ERANGE, the policy's extack message) and
# takes the maximum itself.
check_fail_msg "link set ageing KVXLAN_AGEING_MAX + 1" "out of range" \
	kvx "$h1" link set vx0 ageing 1000001
check_eq "ageing unchanged by the refused set" \
	"$(kvx "$h1" -j link show vx0 | jq '.[0].ageing')" 300
kvx "$h1" link set vx0 ageing 1000000 ||
	fail "link set ageing KVXLAN_AGEING_MAX refused"
check_eq "ageing at KVXLAN_AGEING_MAX" \
	"$(kvx "$h1" -j link show vx0 | jq '.[0].ageing')" 1000000
kvx "$h1" link set vx0 ageing 300

log_step "the CLI prints the kernel's messages"
check_fail_msg "fdb add vni 16777216" "out of range" \
	kvx "$h1" fdb add 02:00:00:00:00:09 dev vx0 dst 10.0.0.2 vni 16777216
check_fail_msg "fdb add port 0" "out of range" \
	kvx "$h1" fdb add 02:00:00:00:00:09 dev vx0 dst 10.0.0.2 port 0
check_fail_msg "flood add vni 16777216" "out of range" \
	kvx "$h1" flood add dev vx0 dst 10.0.0.3 vni 16777216
check_fail_msg "fdb add of a multicast MAC" "unicast" \
	kvx "$h1" fdb add 01:00:5e:00:00:01 dev vx0 dst 10.0.0.2
check_fail_msg "fdb add of an existing MAC" "exists" \
	kvx "$h1" fdb add 02:00:00:00:00:01 dev vx0 dst 10.0.0.2
check_fail_msg "fdb show on a device that is not kvxlan" "not a kvxlan" \
	kvx "$h1" fdb show dev veth0
check_fail_msg "flood replace with a remote twice" "twice" \
	kvx "$h1" flood replace dev vx0 dst 10.0.0.3 dst 10.0.0.3
check_fail_msg "group add of a unicast address" "multicast" \
	kvx "$h1" group add 10.0.0.5 dev vx0
check_fail_msg "group del of a group the device does not have" "not in" \
	kvx "$h1" group del 239.1.1.1 dev vx0

# ------------------------------------------------------------ 3. privileges
log_step "an unprivileged user reads, but changes nothing"
before=$(kvx "$h1" -j fdb show dev vx0 | jq -c 'map([.mac, .dst, .kind])')
cat >"$TMP/nobody" <<EOF
DEV_GET ifindex=dev:vx0
--dump FDB_GET ifindex=dev:vx0
FLOOD_GET ifindex=dev:vx0
GROUP_GET ifindex=dev:vx0
--dump FLOOD_GET ifindex=dev:vx0
--dump GROUP_GET ifindex=dev:vx0
--dump REMOTE_GET ifindex=dev:vx0
FDB_ADD ifindex=dev:vx0 fdb{ mac=$M addr=$A }
FDB_REPLACE ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01 addr=ip:10.0.0.3 }
FDB_DEL ifindex=dev:vx0 fdb{ mac=mac:02:00:00:00:00:01 }
FDB_FLUSH ifindex=dev:vx0
FLOOD_ADD ifindex=dev:vx0 remote{ addr=ip:10.0.0.3 }
FLOOD_DEL ifindex=dev:vx0 remote{ addr=$A }
FLOOD_REPLACE ifindex=dev:vx0
GROUP_ADD ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 }
GROUP_DEL ifindex=dev:vx0 remote{ addr=ip:239.1.1.1 }
--join events
EOF
as_nobody "$PYTHON" "$KSFT_DIR/genl_raw.py" - <"$TMP/nobody" >"$TMP/nobody.out" ||
	fail "genl_raw.py as nobody failed: $(cat "$TMP/nobody.out")"
i=0
while IFS= read -r req <&3 && IFS= read -r res <&4; do
	i=$((i + 1))
	if [ "$i" -le 7 ]; then
		want="ok*"
	else
		want="error errno=EPERM(*"
	fi
	# shellcheck disable=SC2053
	if [[ "$res" == $want ]]; then
		log_ok "nobody: $req: $res"
	else
		soft_fail "nobody: $req: got '$res', expected ${want%\*}"
	fi
done 3<"$TMP/nobody" 4<"$TMP/nobody.out"
check_fail_msg "CLI as nobody: fdb add" "Operation not permitted" \
	as_nobody "$KVXLAN" fdb add 02:00:00:00:00:09 dev vx0 dst 10.0.0.2
check_fail_msg "CLI as nobody: flood del" "Operation not permitted" \
	as_nobody "$KVXLAN" flood del dev vx0 dst 10.0.0.2
check_fail_msg "CLI as nobody: group add" "Operation not permitted" \
	as_nobody "$KVXLAN" group add 239.1.1.1 dev vx0
check_fail_msg "CLI as nobody: monitor (joining events)" "Operation not permitted" \
	as_nobody timeout 20 "$KVXLAN" monitor
check_ok "CLI as nobody: fdb show" as_nobody "$KVXLAN" fdb show dev vx0
check_ok "CLI as nobody: stats" as_nobody "$KVXLAN" stats dev vx0
check_eq "the table is unchanged" \
	"$(kvx "$h1" -j fdb show dev vx0 | jq -c 'map([.mac, .dst, .kind])')" \
	"$before"
check_eq "the flood list is unchanged" \
	"$(kvx "$h1" -j flood show dev vx0 | jq -c 'map(.dst)')" '["10.0.0.2"]'

# ------------------------------------------------------------ 4. filters
log_step "dump filters"
kvx "$h1" -b - <<EOF || fail "kvxlan -b (filter entries)"
fdb add 02:00:00:00:00:02 dev vx0 dst 10.0.0.5
fdb add 02:00:00:00:00:03 dev vx0 dst 10.0.0.5 vni 77
fdb add 02:00:00:00:00:04 dev vx0 dst 10.0.0.6 port 4790
EOF
show() { kvx "$h1" -j fdb show dev vx0 "$@" | jq -r 'map(.mac) | sort | join(" ")'; }
check_eq "fdb show dst 10.0.0.5" "$(show dst 10.0.0.5)" \
	"02:00:00:00:00:02 02:00:00:00:00:03"
check_eq "fdb show vni 77" "$(show vni 77)" "02:00:00:00:00:03"
check_eq "fdb show static" "$(show static)" \
	"02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:03 02:00:00:00:00:04"
check_eq "fdb show learned" "$(show learned)" ""
check_eq "fdb show dst 10.0.0.5 vni 77 static" \
	"$(show dst 10.0.0.5 vni 77 static)" "02:00:00:00:00:03"
# the device's VNI is every entry's VNI unless one was given: the JSON
# says "vni": 5000 for them, and the filter must agree
got=$(show vni 5000)
if [ "$got" = "02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:04" ]; then
	log_ok "fdb show vni 5000 (the device's VNI): $got"
else
	soft_fail "fdb show vni 5000 lists '$got', expected the three entries on the device's VNI (-j shows \"vni\":5000 for them)"
fi
check_ok "fdb flush dst 10.0.0.5" kvx "$h1" fdb flush dev vx0 dst 10.0.0.5
check_eq "fdb show after the filtered flush" "$(show)" \
	"02:00:00:00:00:01 02:00:00:00:00:04"

# ------------------------------------------------------------ 5. big dump
log_step "a dump of $BIG entries"
kvx "$h1" fdb flush dev vx0 || fail "kvxlan fdb flush"
awk -v n="$BIG" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "fdb add 02:00:%02x:%02x:%02x:%02x dev vx0 dst 10.1.%d.%d\n",
			int(i / 16777216), int(i / 65536) % 256,
			int(i / 256) % 256, i % 256, i % 4, 1 + i % 250
}' >"$TMP/batch"
awk '{ print $3 }' "$TMP/batch" | sort >"$TMP/want"
t=$(date +%s%N)
kvx "$h1" -b "$TMP/batch" || fail "kvxlan -b: $BIG fdb add"
insert_ms=$((($(date +%s%N) - t) / 1000000))
check_eq "fdb_static after the batch" \
	"$(kvx "$h1" -j stats dev vx0 | jq .fdb_static)" "$BIG"
t=$(date +%s%N)
kvx "$h1" fdb show dev vx0 >"$TMP/dump" || fail "kvxlan fdb show"
dump_ms=$((($(date +%s%N) - t) / 1000000))
awk 'NR > 1 { print $1 }' "$TMP/dump" | sort >"$TMP/got"
check_eq "entries dumped" "$(wc -l <"$TMP/got")" "$BIG"
check_eq "entries dumped twice" "$(uniq -d "$TMP/got" | wc -l)" 0
check_eq "entries missing from the dump" "$(comm -23 "$TMP/want" "$TMP/got" | wc -l)" 0
check_eq "entries in the dump that were not added" \
	"$(comm -13 "$TMP/want" "$TMP/got" | wc -l)" 0
t=$(date +%s%N)
bridge -n "$h1" fdb show dev vx0 >"$TMP/brdump" || fail "bridge fdb show"
bridge_ms=$((($(date +%s%N) - t) / 1000000))
check_eq "bridge fdb show: entries (and the flood entry)" \
	"$(wc -l <"$TMP/brdump")" $((BIG + 1))
awk '$1 != "00:00:00:00:00:00" { print $1 }' "$TMP/brdump" | sort >"$TMP/brgot"
check_eq "bridge fdb show: entries twice" "$(uniq -d "$TMP/brgot" | wc -l)" 0
check_eq "bridge fdb show: entries missing" \
	"$(comm -23 "$TMP/want" "$TMP/brgot" | wc -l)" 0
t=$(date +%s%N)
kvx "$h1" fdb flush dev vx0 || fail "kvxlan fdb flush"
flush_ms=$((($(date +%s%N) - t) / 1000000))
check_eq "fdb_static after the flush" \
	"$(kvx "$h1" -j stats dev vx0 | jq .fdb_static)" 0
# The same lines are bridge batch commands: the same table through
# ndo_fdb_add, for comparison.
t=$(date +%s%N)
bridge -n "$h1" -batch "$TMP/batch" || fail "bridge -batch: $BIG fdb add"
bridge_insert_ms=$((($(date +%s%N) - t) / 1000000))
check_eq "fdb_static after bridge -batch" \
	"$(kvx "$h1" -j stats dev vx0 | jq .fdb_static)" "$BIG"
kvx "$h1" fdb flush dev vx0 || fail "kvxlan fdb flush"
# The size of an entry: the object size of the kvx_fdb slab cache (the
# remote it points to is shared by every entry naming that VTEP).
entry_bytes=$(cat /sys/kernel/slab/kvx_fdb/object_size 2>/dev/null ||
	awk '$1 == "kvx_fdb" { print $4 }' /proc/slabinfo)
log "# figure: fdb_entry_bytes ${entry_bytes:-unknown}"
log "# figure: bridge_batch_insert_seconds $(awk -v m="$bridge_insert_ms" 'BEGIN { printf "%.2f", m / 1000 }')"
log "# figure: bridge_batch_insert_rate_per_s $(awk -v m="$bridge_insert_ms" -v n="$BIG" 'BEGIN { printf "%d", n * 1000 / (m ? m : 1) }')"
log "# figure: fdb_insert_entries $BIG"
log "# figure: fdb_insert_seconds $(awk -v m="$insert_ms" 'BEGIN { printf "%.2f", m / 1000 }')"
log "# figure: fdb_insert_rate_per_s $(awk -v m="$insert_ms" -v n="$BIG" 'BEGIN { printf "%d", n * 1000 / (m ? m : 1) }')"
log "# figure: fdb_dump_seconds $(awk -v m="$dump_ms" 'BEGIN { printf "%.2f", m / 1000 }')"
log "# figure: bridge_fdb_dump_seconds $(awk -v m="$bridge_ms" 'BEGIN { printf "%.2f", m / 1000 }')"
log "# figure: fdb_flush_seconds $(awk -v m="$flush_ms" 'BEGIN { printf "%.2f", m / 1000 }')"

# ------------------------------------------------------------ 6. flood dump
log_step "a flood list of KVXLAN_FLOOD_MAX entries, dumped"
FLOOD_MAX=$(uapi_define KVXLAN_FLOOD_MAX)
awk -v n="$FLOOD_MAX" 'BEGIN {
	printf "FLOOD_REPLACE ifindex=dev:vx0"
	for (i = 0; i < n; i++)
		printf " remote{ addr=ip:10.2.%d.%d }", int(i / 250), 1 + i % 250
	printf "\n"
	for (i = 0; i < n; i++)
		printf "10.2.%d.%d\n", int(i / 250), 1 + i % 250 >"/dev/stderr"
}' >"$TMP/flood_req" 2>"$TMP/flood_want"
cat >>"$TMP/flood_req" <<EOF
--dump FLOOD_GET ifindex=dev:vx0
FLOOD_GET ifindex=dev:vx0
--dump GROUP_GET ifindex=dev:vx0
EOF
genl_raw - <"$TMP/flood_req" >"$TMP/flood_res" ||
	fail "genl_raw.py (flood) failed: $(tail -n 3 "$TMP/flood_res")"
mapfile -t fres <"$TMP/flood_res"
log "# FLOOD_REPLACE: ${fres[0]}; FLOOD_GET dump: ${fres[1]}; FLOOD_GET: ${fres[2]}; GROUP_GET dump: ${fres[3]}"
check_eq "FLOOD_REPLACE of $FLOOD_MAX remotes" "${fres[0]%% *}" ok
# A dump part is at most one skb of SKB_WITH_OVERHEAD(32768) bytes: a
# list of $FLOOD_MAX IPv4 remotes (12 bytes each) takes at least 2 parts.
[[ "${fres[1]}" =~ ^ok\ replies=([0-9]+)\ max_len=([0-9]+)$ ]] ||
	fail "FLOOD_GET dump of $FLOOD_MAX remotes: ${fres[1]}"
check_ge "FLOOD_GET dump: messages" "${BASH_REMATCH[1]}" 2
check_range "FLOOD_GET dump: longest message (bytes)" "${BASH_REMATCH[2]}" \
	1 32768
check_eq "FLOOD_GET (do, one message) still answers" "${fres[2]%% *}" ok
check_eq "GROUP_GET dump of a list without groups" "${fres[3]}" \
	"ok replies=0 max_len=0"
kvx "$h1" -j flood show dev vx0 | jq -r '.[].dst' >"$TMP/flood_got" ||
	fail "kvxlan flood show ($FLOOD_MAX remotes)"
check_eq "kvxlan flood show: remotes" "$(wc -l <"$TMP/flood_got")" \
	"$FLOOD_MAX"
check_eq "kvxlan flood show: the list, in order" \
	"$(cmp -s "$TMP/flood_want" "$TMP/flood_got" && echo same)" same
check_ok "flood replace back to 10.0.0.2" \
	kvx "$h1" flood replace dev vx0 dst 10.0.0.2

if [ ${#soft_failures[@]} -gt 0 ]; then
	log "failed checks:"
	printf '    %s\n' "${soft_failures[@]}"
	fail "${#soft_failures[@]} contract checks failed (listed above)"
fi
exit "$ksft_pass"
