# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the interoperability tests (interop_linux.sh,
# interop_ovs.sh).  Source it after lib.sh:
#
#	source "$(dirname "$0")/lib.sh"
#	source "$(dirname "$0")/lib_interop.sh"
#
# Forwarding tables are printed as sorted words "MAC>VTEP", so that a test
# compares a whole table with one exact string.

# kvx_learned NS DEV: kvxlan's learned entries, "MAC>DST[:PORT]" words (an
# entry with its own UDP port shows it)
kvx_learned()
{
	kvx "$1" -j fdb show dev "$2" learned |
		jq -r 'map("\(.mac)>\(.dst)\(if .port then ":\(.port)" else "" end)")
		       | sort | join(" ")'
}

# kvx_static NS DEV: kvxlan's static entries, "MAC>DST" words
kvx_static()
{
	kvx "$1" -j fdb show dev "$2" static |
		jq -r 'map("\(.mac)>\(.dst)") | sort | join(" ")'
}

# intree_learned NS DEV: the in-tree vxlan driver's learned entries (state
# neither permanent nor static: `bridge` prints an empty state for the
# NUD_REACHABLE ones learning creates), "MAC>DST" words
intree_learned()
{
	bridge -n "$1" -j fdb show dev "$2" |
		jq -r 'map(select(.dst != null and .state == ""))
		       | map("\(.mac)>\(.dst)") | sort | join(" ")'
}

# intree_flood NS DEV: the in-tree driver's default destinations (the
# all-zeros entries), sorted, space separated
intree_flood()
{
	bridge -n "$1" -j fdb show dev "$2" |
		jq -r 'map(select(.mac == "00:00:00:00:00:00") | .dst)
		       | sort | join(" ")'
}

# kvx_flood NS DEV: kvxlan's flood list, sorted, space separated
kvx_flood()
{
	kvx "$1" -j flood show dev "$2" | jq -r 'map(.dst) | sort | join(" ")'
}

# neigh_lladdr NS DEV IP: the link-layer address ARP resolved for IP
neigh_lladdr()
{
	ip -n "$1" -j neigh show dev "$2" to "$3" |
		jq -r '.[0].lladdr // empty'
}

# wait_eq TIMEOUT_S EXPECTED CMD...: poll until CMD prints EXPECTED
wait_eq()
{
	local t=$1 want=$2
	shift 2
	slowwait "$t" _prints "$want" "$@"
}
_prints() { local want=$1; shift; [ "$("$@")" = "$want" ]; }

# check_poll DESC TIMEOUT_S EXPECTED CMD...: poll until CMD prints EXPECTED,
# then log it; fail with what it printed last otherwise
check_poll()
{
	local desc=$1 t=$2 want=$3
	shift 3
	if wait_eq "$t" "$want" "$@"; then
		log_ok "$desc ($want)"
	else
		fail "$desc: got '$("$@")', expected '$want'"
	fi
}
