# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the hardware_vtep tests (vtep.sh, vtep_mixed.sh,
# vtep_ovn.sh): each hypervisor H has its own ovsdb-server with the
# hardware_vtep schema (and, for one that runs Open vSwitch, the
# Open_vSwitch schema beside it) in a private directory $D/H under the
# guest's /run (sockets cannot live on the directory shared from the
# host).  Source it after lib.sh.

SCHEMA=/usr/share/openvswitch/vtep.ovsschema
VSWITCH_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

# vtep_require: skip unless the hardware_vtep tools and the agent are there;
# sets AGENT (the build tree's kvxlan-vtep, else an installed one) and D
# (the daemons' directory, removed on exit)
vtep_require()
{
	require_cmd ip bridge jq ping tcpdump ovsdb-tool ovsdb-server vtep-ctl
	require_kvxlan
	[ -r "$SCHEMA" ] ||
		skip "hardware_vtep schema not found: $SCHEMA (openvswitch-vtep)"
	require_python_module ovs.db.idl
	AGENT=$KVX_TOP/tools/kvxlan-vtep
	[ -x "$AGENT" ] || AGENT=$(command -v kvxlan-vtep) ||
		fail "kvxlan-vtep not found: $KVX_TOP/tools/kvxlan-vtep, nor on PATH"
	D=$(mktemp -d /run/kvx-vtep.XXXXXX)
	defer rm -rf "$D"
}

# vctl H ARGS...: vtep-ctl on hypervisor H's database
vctl() { local h=$1; shift; vtep-ctl --db="unix:$D/$h/db.sock" --timeout=30 "$@"; }

# ovs_env H CMD...: CMD with H's directory as Open vSwitch's and OVN's
# run, database, log and configuration directory (ovs-vsctl, ovs-ofctl,
# ovs-appctl, ovs-vswitchd, ovs-vtep, the OVN daemons find each other's
# sockets there)
ovs_env()
{
	local h=$1
	shift
	OVS_RUNDIR=$D/$h OVS_DBDIR=$D/$h OVS_LOGDIR=$D/$h \
		OVS_SYSCONFDIR=$D/$h OVS_PKGDATADIR=/usr/share/openvswitch \
		OVN_RUNDIR=$D/$h OVN_DBDIR=$D/$h OVN_LOGDIR=$D/$h \
		OVN_SYSCONFDIR=$D/$h "$@"
}

# daemon_start DIR NAME WHAT CMD...: CMD, an Open vSwitch style daemon
# (the agent is one too), detached, with its pid and log files DIR/NAME.pid
# and DIR/NAME.log; fails, with the end of the daemons' output, if WHAT
# did not start
daemon_start()
{
	local dir=$1 name=$2 what=$3
	shift 3
	"$@" --pidfile="$dir/$name.pid" --detach --log-file="$dir/$name.log" \
		-vconsole:off </dev/null >>"$D/daemons.out" 2>&1 ||
		fail "$what did not start: $(tail -5 "$D/daemons.out")"
}

# db_start H [SCHEMA...]: an ovsdb-server with an empty database of each
# SCHEMA (default: the hardware_vtep one) on one socket, $D/H/db.sock
db_start()
{
	local h=$1 s dbs=()
	shift
	[ $# -gt 0 ] || set -- "$SCHEMA"
	mkdir -p "$D/$h"
	for s in "$@"; do
		dbs+=("$D/$h/$(basename "$s" .ovsschema).db")
		ovsdb-tool create "${dbs[-1]}" "$s" || fail "ovsdb-tool create $s"
	done
	db_run "$h" "${dbs[@]}"
	defer kill "$(cat "$D/$h/ovsdb.pid")"
}
# db_run H DB...: ovsdb-server serving DB... on H's socket
db_run()
{
	local h=$1
	shift
	daemon_start "$D/$h" ovsdb ovsdb-server ovsdb-server "$@" \
		--remote="punix:$D/$h/db.sock" --unixctl="$D/$h/ovsdb.ctl"
}

# ovs_start H NS: ovs-vswitchd in NS on H's database (which db_start H
# made with the vswitch schema), stopped on exit with its datapath
ovs_start()
{
	local h=$1 ns=$2
	ovs_env "$h" ovs-vsctl --no-wait init || fail "ovs-vsctl init"
	daemon_start "$D/$h" ovs-vswitchd ovs-vswitchd \
		in_ns "$ns" env OVS_RUNDIR="$D/$h" ovs-vswitchd "unix:$D/$h/db.sock"
	# --cleanup: the datapath and its ports go with it
	defer ovs_env "$h" ovs-appctl -t ovs-vswitchd exit --cleanup
}
# ovsctl H ARGS...: ovs-vsctl on H's Open vSwitch
ovsctl() { local h=$1; shift; ovs_env "$h" ovs-vsctl --timeout=60 "$@"; }

# agent_start H NS: kvxlan-vtep br0 in NS on H's database
agent_start()
{
	local h=$1 ns=$2
	daemon_start "$D/$h" agent kvxlan-vtep \
		in_ns "$ns" "$AGENT" --db="unix:$D/$h/db.sock" br0
	defer kill "$(cat "$D/$h/agent.pid")"
}

# static_fdb NS [DEV]: the static FDB of DEV (kvtep5000) as "MAC>DST"
# words (fails if there is no DEV); flood_list NS [DEV]: its flood list
static_fdb()
{
	local out
	out=$(kvx "$1" -j fdb show dev "${2:-kvtep5000}" static) || return 1
	jq -r '[.[] | "\(.mac)>\(.dst)"] | join(" ")' <<<"$out"
}
flood_list()
{
	local out
	out=$(kvx "$1" -j flood show dev "${2:-kvtep5000}") || return 1
	jq -r '[.[].dst] | join(" ")' <<<"$out"
}
ifindex() { ip -n "$1" -j link show dev "$2" | jq -r '.[0].ifindex'; }
kvx_devs()
{
	ip -n "$1" -d -j link show |
		jq -r '[.[] | select(.linkinfo.info_kind == "kvxlan") | .ifname] | join(" ")'
}
# expect DESC WANT CMD...: poll CMD until it prints WANT (10 s, or
# EXPECT_WAIT), then check
expect()
{
	local desc=$1 want=$2 got
	shift 2
	got=$(slowwait "${EXPECT_WAIT:-10}" out_is "$want" "$@") || true
	[ "$got" = "$want" ] || vtep_logs
	check_eq "$desc" "$got" "$want"
}
# vtep_logs: the last lines of every daemon's log (before a failure)
vtep_logs()
{
	local f
	for f in "$D"/daemons.out "$D"/*/*.log; do
		[ -s "$f" ] || continue
		log "--- ${f#"$D"/}"
		tail -n 25 "$f"
	done
}
out_is() { local want=$1 got; shift; got=$("$@"); printf '%s\n' "$got"; [ "$got" = "$want" ]; }
# local_macs H [LS]: Ucast_Macs_Local of LS (ls0) as "MAC>IP" words;
# remote_macs H [LS]: its Ucast_Macs_Remote
local_macs() { vctl "$1" list-local-macs "${2:-ls0}" | ucast_words; }
remote_macs() { vctl "$1" list-remote-macs "${2:-ls0}" | ucast_words; }
ucast_words()
{
	awk '/^ucast/ { u = 1; next } /^mcast/ { u = 0 }
	     u && NF == 3 { sub(".*/", "", $3); printf "%s%s>%s", s, $1, $3; s = " " }'
}
# mcast_local H: Mcast_Macs_Local of ls0, one "MAC->LOCATOR" per line
mcast_local()
{
	vctl "$1" list-local-macs ls0 |
		awk '/^mcast/ { m = 1; next } m && NF == 3 { print $1 $2 $3 }'
}
# vxlan_vni_pkts FILE VNI [FILTER...]: VXLAN packets in FILE whose header
# is exactly flags I and VNI; vxlan_other_pkts FILE VNI: any other header
vxlan_vni_pkts()
{
	local file=$1 vni=$2
	shift 2
	capture_packets "$file" "$@" ${1:+and} \
		"udp[8:4] = 0x08000000 and udp[12:4] = $(printf '0x%08x' $((vni << 8)))"
}
vxlan_other_pkts()
{
	capture_packets "$1" \
		"udp[8:4] != 0x08000000 or udp[12:4] != $(printf '0x%08x' $(($2 << 8)))"
}

# vms_ping_over PEER VNI MIN: vm1 and vm2 ping each other (3 requests each
# way) and the capture of h1's eth0 into $D/ul.pcap (capture_start) stops;
# then at least MIN VXLAN packets with flags I and VNI each way between
# kvxlan ($IP1) and PEER ($IP2) in it, and none with another header
vms_ping_over()
{
	local peer=$1 vni=$2 min=$3
	check_ok "vm1 pings vm2 (192.168.1.2)" \
		in_ns "$vm1" ping -c 3 -i 0.2 -W 5 -q 192.168.1.2
	check_ok "vm2 pings vm1 (192.168.1.1)" \
		in_ns "$vm2" ping -c 3 -i 0.2 -W 5 -q 192.168.1.1
	capture_stop
	check_ge "VXLAN packets kvxlan -> $peer, flags I and VNI $vni" \
		"$(vxlan_vni_pkts "$D/ul.pcap" "$vni" src host "$IP1")" "$min"
	check_ge "VXLAN packets $peer -> kvxlan, flags I and VNI $vni" \
		"$(vxlan_vni_pkts "$D/ul.pcap" "$vni" src host "$IP2")" "$min"
	check_eq "VXLAN packets with another header" \
		"$(vxlan_other_pkts "$D/ul.pcap" "$vni")" 0
}

# step TEXT: log_step with the milliseconds since the start (where the
# test's time goes)
T0=$(date +%s%3N)
step() { log_step "$* (+$(($(date +%s%3N) - T0)) ms)"; }
