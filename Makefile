# SPDX-License-Identifier: GPL-2.0
#
# kvxlan: module, CLI, tests.
#
#   make                 module + CLI for the running kernel (or KERNELRELEASE=
#                        / KDIR=)
#   make check           build for every supported kernel, run the selftests
#                        in one VM per kernel
#   make check-debug     the selftests on the debug kernel, booted with
#                        panic_on_warn, then a kmemleak scan and a search
#                        of the kernel log for splats; several times
#                        slower than make check, too slow for .ci/run
#   make check-stress    the sizes that only give figures (10 000 devices,
#                        100 000-entry dumps, 1 000 lifecycle cycles, the
#                        full fuzz budget): not part of .ci/run
#   make debug-kernel    build, once per machine, the debug kernel (KASAN,
#                        lockdep, kmemleak, UBSAN; long: hours on a busy
#                        2-core machine)
#   make demo            the seed's lab in a VM
#   make bench           kvxlan against the in-tree vxlan driver and the bare
#                        underlay: first the deterministic per-packet costs
#                        (make bench-icount: one vCPU under qemu's
#                        instruction counting, scripts/bench-icount), then
#                        the wall-clock matrix (KERNELS=, BENCH_*:
#                        scripts/bench)
#   make style           checkpatch; make sparse: C=2 build
#
#   make install         build, then install the module for KERNELRELEASE
#                        (/lib/modules/KERNELRELEASE/updates, then depmod:
#                        install-module) and the CLI, kvxlan-vtep, their man
#                        pages and the uapi header under PREFIX (/usr/local:
#                        install-tools), with kvxlan-conf, the unit
#                        kvxlan@.service (PREFIX/lib/systemd/system), the
#                        bash completion and the ifupdown hooks
#                        (SYSCONFDIR/network/if-{pre-up,post-down}.d);
#                        DESTDIR= stages (no depmod)
#   make uninstall       remove exactly those files (uninstall-module,
#                        uninstall-tools)
#   make dkms-install    the sources to /usr/src/kvxlan-VERSION, dkms add,
#                        dkms install for KERNELS= (default: every
#                        installed kernel that dkms.conf accepts)
#   make dkms-uninstall  dkms remove, and /usr/src/kvxlan-VERSION

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
VERSION := $(shell cat VERSION)
W ?= 1
PWD := $(shell pwd)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
MODDIR ?= /lib/modules/$(KERNELRELEASE)/updates

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(PWD) W=$(W) modules

sparse:
	$(MAKE) -C $(KDIR) M=$(PWD) W=$(W) C=2 CF="-D__CHECK_ENDIAN__" modules

tools:
	$(MAKE) -C tools

deps:
	@scripts/need-deps

check: deps
	scripts/check

check-debug: deps
	scripts/check --debug

check-stress: deps
	scripts/check --stress

debug-kernel: deps
	scripts/debug-kernel

demo: deps
	scripts/demo

bench: deps
	scripts/bench-icount
	scripts/bench

bench-icount: deps
	scripts/bench-icount

style:
	scripts/checkpatch

# install = install-module + install-tools (the CLI, its man page, the
# uapi header: what a DKMS install also needs).  The module must have been
# built for the kernel it is installed for.
install: install-module install-tools

install-module: module
	@vermagic=$$(modinfo -F vermagic kvxlan.ko | cut -d' ' -f1); \
	if [ "$$vermagic" != "$(KERNELRELEASE)" ]; then \
		echo "install: kvxlan.ko is built for $$vermagic, not $(KERNELRELEASE): set KERNELRELEASE=" >&2; \
		exit 1; \
	fi
	install -D -m 0644 kvxlan.ko $(DESTDIR)$(MODDIR)/kvxlan.ko
	$(if $(DESTDIR),,depmod -a $(KERNELRELEASE))

install-tools: tools
	install -D -m 0755 tools/kvxlan $(DESTDIR)$(SBINDIR)/kvxlan
	install -D -m 0644 tools/kvxlan.8 $(DESTDIR)$(MANDIR)/man8/kvxlan.8
	install -D -m 0755 tools/kvxlan-vtep $(DESTDIR)$(SBINDIR)/kvxlan-vtep
	install -D -m 0644 tools/kvxlan-vtep.8 $(DESTDIR)$(MANDIR)/man8/kvxlan-vtep.8
	install -D -m 0644 uapi/linux/kvxlan.h $(DESTDIR)$(INCLUDEDIR)/linux/kvxlan.h
	install -D -m 0755 tools/kvxlan-conf $(DESTDIR)$(SBINDIR)/kvxlan-conf
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	$(call subst_paths,tools/systemd/kvxlan@.service.in) >$(DESTDIR)$(SYSTEMDUNITDIR)/kvxlan@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/kvxlan@.service
	install -d $(DESTDIR)$(SYSCONFDIR)/network/if-pre-up.d $(DESTDIR)$(SYSCONFDIR)/network/if-post-down.d
	$(call subst_paths,tools/kvxlan-ifupdown) >$(DESTDIR)$(SYSCONFDIR)/network/if-pre-up.d/kvxlan
	$(call subst_paths,tools/kvxlan-ifupdown) >$(DESTDIR)$(SYSCONFDIR)/network/if-post-down.d/kvxlan
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/network/if-pre-up.d/kvxlan $(DESTDIR)$(SYSCONFDIR)/network/if-post-down.d/kvxlan
	install -D -m 0644 tools/kvxlan.bash-completion $(DESTDIR)$(BASHCOMPDIR)/kvxlan

# The installed paths in the unit and the ifupdown hook.
subst_paths = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $(1)

# Directories go too if that leaves them empty: install created them (only
# PREFIX's own directories and /lib/modules/KERNELRELEASE must exist).
rmdir_empty = for d in $(1); do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; \
	done

uninstall: uninstall-module uninstall-tools

uninstall-module:
	rm -f $(DESTDIR)$(MODDIR)/kvxlan.ko
	@$(call rmdir_empty,$(DESTDIR)$(MODDIR))
	$(if $(DESTDIR),,depmod -a $(KERNELRELEASE))

uninstall-tools:
	rm -f $(DESTDIR)$(SBINDIR)/kvxlan
	rm -f $(DESTDIR)$(MANDIR)/man8/kvxlan.8
	rm -f $(DESTDIR)$(SBINDIR)/kvxlan-vtep
	rm -f $(DESTDIR)$(MANDIR)/man8/kvxlan-vtep.8
	rm -f $(DESTDIR)$(INCLUDEDIR)/linux/kvxlan.h
	rm -f $(DESTDIR)$(SBINDIR)/kvxlan-conf
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/kvxlan@.service
	rm -f $(DESTDIR)$(SYSCONFDIR)/network/if-pre-up.d/kvxlan
	rm -f $(DESTDIR)$(SYSCONFDIR)/network/if-post-down.d/kvxlan
	rm -f $(DESTDIR)$(BASHCOMPDIR)/kvxlan
	@$(call rmdir_empty,$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(dir $(DESTDIR)$(SYSTEMDUNITDIR)) \
		$(DESTDIR)$(SYSCONFDIR)/network/if-pre-up.d \
		$(DESTDIR)$(SYSCONFDIR)/network/if-post-down.d \
		$(DESTDIR)$(SYSCONFDIR)/network \
		$(DESTDIR)$(BASHCOMPDIR) $(dir $(DESTDIR)$(BASHCOMPDIR)))

dkms-install:
	scripts/dkms install

dkms-uninstall:
	scripts/dkms uninstall

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || rm -rf module/*.o module/.*.cmd *.ko *.mod* modules.order Module.symvers .*.cmd
	$(MAKE) -C tools clean
	if [ -d selftests ]; then $(MAKE) -C selftests clean; fi
	rm -rf build

.PHONY: all module sparse tools deps check check-debug check-stress debug-kernel demo \
	bench-icount \
	bench style clean install \
	install-module install-tools uninstall uninstall-module uninstall-tools \
	dkms-install dkms-uninstall
