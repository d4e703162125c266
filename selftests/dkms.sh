#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS-installed module, loaded by alias as a user's system would.
#
#  +-------------------------+          +-------------------------+
#  | h1                      |          | h2                      |
#  |  vx0 192.168.100.1/24   |          |  vx0 192.168.100.2/24   |
#  |  kvxlan vni 5000        |          |  kvxlan vni 5000        |
#  |  remote 10.0.0.2        |          |  remote 10.0.0.1        |
#  |        |                |          |        |                |
#  |  veth0 10.0.0.1/24 -----+----------+- veth1 10.0.0.2/24      |
#  +-------------------------+          +-------------------------+
#
# On the host, scripts/check ran scripts/test-install setup, whose `make
# dkms-install DESTDIR=build/test-install/dkms` put kvxlan.ko in that
# private tree's lib/modules/KREL/updates/dkms, and which kept depmod's
# index of KREL's modules with it in build/test-install/modules/KREL; the
# runner loaded the build tree's module at boot.
#
# 0. A read-only overlay puts both over this guest's /lib/modules/KREL (the
#    host's): this guest's modules are then those of a machine where `make
#    dkms-install` ran, and modprobe resolves kvxlan to
#    /lib/modules/KREL/updates/dkms/kvxlan.ko*, the file DKMS installed.  It
#    is unmounted at the end.
# 1. The build tree's module is unloaded; modprobe resolves the link kind's
#    and the genl family's aliases to the DKMS module, version VERSION.
# 2. `ip link add vx0 type kvxlan` loads it: the module now in the kernel
#    is the DKMS file (same build ID), not the build tree's, and says so in
#    /sys/module/kvxlan (version, srcversion).
# 3. rmmod; `kvxlan link add` (RTM_NEWLINK, kind kvxlan) loads it again
#    and the point-to-point lab pings both ways through it.
# 4. rmmod; the first genl command (`kvxlan stats`, a device dump) loads
#    it again.
# 5. `modprobe -r kvxlan` unloads it.
# 6. The build tree's module (KVXLAN_KO) is loaded again, for the tests
#    that follow.
#
# Without a DKMS module for this kernel the test skips, and under CI fails.

source "$(dirname "$0")/lib.sh"
set -e

require_cmd ip jq ping modprobe modinfo rmmod insmod readelf od mount umount
require_kvxlan
[ -n "$KVXLAN_KO" ] && [ -f "$KVXLAN_KO" ] ||
	fail "KVXLAN_KO must name the built kvxlan.ko (got '$KVXLAN_KO')"

# scripts/check runs the host's setup beside the VMs: KVX_HOST_SETUP names
# the file that gets its exit status when it ends.
if [ -n "${KVX_HOST_SETUP:-}" ]; then
	slowwait 900 test -f "$KVX_HOST_SETUP" ||
		fail "scripts/test-install setup did not end on the host within 900 s"
	[ "$(cat "$KVX_HOST_SETUP")" = 0 ] ||
		fail "scripts/test-install setup failed on the host (exit $(cat "$KVX_HOST_SETUP"))"
	log_ok "scripts/test-install setup ended on the host"
fi

krel=$(uname -r)
version=$(cat "$KVX_TOP/VERSION")
modules=/lib/modules/$krel
staged=$KVX_TOP/build/test-install/dkms/lib/modules/$krel
index=$KVX_TOP/build/test-install/modules/$krel
[ -d "$staged/updates/dkms" ] && [ -f "$index/modules.dep.bin" ] ||
	skip "no DKMS kvxlan staged for $krel in $staged, $index: scripts/test-install setup"
# shellcheck disable=SC2206
staged_ko=($staged/updates/dkms/kvxlan.ko*)
[ "${#staged_ko[@]}" = 1 ] && [ -f "${staged_ko[0]}" ] ||
	fail "not one kvxlan.ko* in $staged/updates/dkms: ${staged_ko[*]}"
dkms_ko=$modules/updates/dkms/${staged_ko[0]##*/}

log_step "0. DKMS's modules and depmod's index over $modules"
check_ok "mount the overlay" mount -t overlay kvxlan-dkms \
	-o "lowerdir=$index:$staged:$modules" "$modules"
defer umount "$modules"
check_eq "modinfo -n kvxlan" "$(modinfo -n kvxlan 2>&1)" "$dkms_ko"
check_eq "$dkms_ko: the staged file's contents" \
	"$(cksum <"$dkms_ko")" "$(cksum <"${staged_ko[0]}")"

# ko_build_id FILE: the GNU build ID of a module file, compressed or not
ko_build_id()
{
	local f=$1 tmp
	case "$f" in
	*.xz) tmp=$(mktemp) && xz -dc "$f" >"$tmp" ;;
	*.zst) tmp=$(mktemp) && zstd -q -dc "$f" >"$tmp" ;;
	*.gz) tmp=$(mktemp) && gzip -dc "$f" >"$tmp" ;;
	*) tmp=$f ;;
	esac
	readelf -n "$tmp" | sed -n 's/^ *Build ID: *//p'
	[ "$tmp" = "$f" ] || rm -f "$tmp"
}

# loaded_build_id: the build ID of the kvxlan in the kernel (the note's
# 16-byte header, then the ID)
loaded_build_id()
{
	od -An -v -tx1 /sys/module/kvxlan/notes/.note.gnu.build-id |
		tr -d ' \n' | cut -c33-
}

mod_loaded() { [ -d /sys/module/kvxlan ]; }
mod_unloaded() { ! mod_loaded; }

tree_id=$(ko_build_id "$KVXLAN_KO")
dkms_id=$(ko_build_id "$dkms_ko")
[ -n "$tree_id" ] && [ -n "$dkms_id" ] || fail "no build ID in $KVXLAN_KO or $dkms_ko"
[ "$tree_id" != "$dkms_id" ] ||
	fail "$KVXLAN_KO and $dkms_ko have the same build ID: cannot tell them apart"

# Whatever happens, leave the build tree's module loaded.
reload()
{
	if mod_loaded && [ "$(loaded_build_id)" != "$tree_id" ]; then
		rmmod kvxlan
	fi
	if mod_unloaded; then
		# modprobe -r took the dependencies too
		# shellcheck disable=SC2046
		modprobe -a $(modinfo -F depends "$KVXLAN_KO" | tr , ' ')
		insmod "$KVXLAN_KO"
	fi
}
defer reload

log_step "1. modprobe resolves kvxlan to the DKMS module"
log "    $dkms_ko (build ID $dkms_id)"
log "    $KVXLAN_KO (build ID $tree_id)"
check_eq "loaded at boot: the build tree's module" "$(loaded_build_id)" "$tree_id"
check_ok "rmmod kvxlan" rmmod kvxlan
check_ok "module gone" slowwait 10 mod_unloaded
check_eq "alias rtnl-link-kvxlan" "$(modprobe -R rtnl-link-kvxlan)" kvxlan
check_eq "alias of the genl family" \
	"$(modprobe -R net-pf-16-proto-16-family-kvxlan)" kvxlan
check_eq "modinfo version of $dkms_ko" "$(modinfo -F version "$dkms_ko")" "$version"
for f in license description author; do
	check_ne "modinfo $f" "$(modinfo -F "$f" "$dkms_ko")" ""
done

log_step "2. ip link add type kvxlan loads it"
setup_ns h1 h2
check_fail_msg "ip link add vx0 type kvxlan (no VNI: stock iproute2)" \
	"VNI is required" ip -n "$h1" link add vx0 type kvxlan
check_ok "module loaded" mod_loaded
check_eq "build ID of the loaded module: the DKMS file's" \
	"$(loaded_build_id)" "$dkms_id"
check_eq "/sys/module/kvxlan/version" "$(cat /sys/module/kvxlan/version)" "$version"
check_eq "/sys/module/kvxlan/srcversion" \
	"$(cat /sys/module/kvxlan/srcversion)" "$(modinfo -F srcversion "$dkms_ko")"
cleanup_all_ns

log_step "3. kvxlan link add loads it; point to point through it"
check_ok "rmmod kvxlan" rmmod kvxlan
check_ok "module gone" slowwait 10 mod_unloaded
p2p_setup
check_eq "build ID after kvxlan link add: the DKMS file's" \
	"$(loaded_build_id)" "$dkms_id"
check_ok "ping h1 -> h2" \
	ip netns exec "$h1" ping -c 5 -i 0.05 -W 5 -q 192.168.100.2
check_ok "ping h2 -> h1" \
	ip netns exec "$h2" ping -c 5 -i 0.05 -W 5 -q 192.168.100.1
check_eq "h1 vx0 tx_packets" "$(dev_stat "$h1" vx0 tx_packets)" 10
check_eq "h1 vx0 rx_packets" "$(dev_stat "$h1" vx0 rx_packets)" 10
check_eq "still the DKMS module" "$(loaded_build_id)" "$dkms_id"
cleanup_all_ns

log_step "4. the first kvxlan genl command loads it"
check_ok "rmmod kvxlan" rmmod kvxlan
check_ok "module gone" slowwait 10 mod_unloaded
check_ok "kvxlan stats (a DEV_GET dump)" "$KVXLAN" stats
check_ok "module loaded" mod_loaded
check_eq "build ID: the DKMS file's" "$(loaded_build_id)" "$dkms_id"

log_step "5. modprobe -r"
check_ok "modprobe -r kvxlan" modprobe -r kvxlan
check_ok "module gone" slowwait 10 mod_unloaded

log_step "6. the build tree's module again"
reload
check_ok "module loaded" mod_loaded
check_eq "build ID: the build tree's" "$(loaded_build_id)" "$tree_id"

exit "$ksft_pass"
