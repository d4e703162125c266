# SPDX-License-Identifier: GPL-2.0
#
# kvxlan: module, CLI, tests.
#
#   make                 module + CLI for the running kernel (or KERNELRELEASE=
#                        / KDIR=)
#   make check           build for every supported kernel, run the selftests
#                        in one VM per kernel
#   make demo            the seed's lab in a VM
#   make bench           kvxlan against the in-tree vxlan driver and the bare
#                        underlay in one VM (KERNELS=, BENCH_*: scripts/bench)
#   make style           checkpatch; make sparse: C=2 build

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
VERSION := $(shell cat VERSION)
W ?= 1
PWD := $(shell pwd)

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

demo: deps
	scripts/demo

bench: deps
	scripts/bench

style:
	scripts/checkpatch

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || rm -rf module/*.o module/.*.cmd *.ko *.mod* modules.order Module.symvers .*.cmd
	$(MAKE) -C tools clean
	rm -rf build

.PHONY: all module sparse tools deps check demo bench style clean
