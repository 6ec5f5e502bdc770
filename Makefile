# SPDX-License-Identifier: GPL-2.0
#
# VTL: make builds kmod/vtl.ko and vtlctl/vtlctl.
#   make KVER=<version>   build the module against /lib/modules/<version>/build
#   make KDIR=<tree>      build it against any prepared kernel build tree
#   make check            the whole test suite (installs what it needs)
#   make unit             the fast tier: unit tests, a 10 s fuzz run and
#                         vtlctl's tests; no root, no VM (FUZZ_SECONDS=)
#   make demo             the main job, in a VM
#   make bench            VTL against the kernel bridge, in a VM

# The running kernel when its headers are there, else the newest installed.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /lib/modules/*/build 2>/dev/null | cut -d/ -f4 | \
	sort -V | tail -n1; fi)
KDIR ?= /lib/modules/$(KVER)/build
# Extra Kbuild arguments, such as W=1 C=2 or VTL_SELFTEST=y.
KBUILD_ARGS ?=

KSRC := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h kmod/lib/*.c \
	kmod/lib/*.h kmod/selftest/*.c \
	services/*/*.c services/*/*.h)) \
	uapi/linux/vtl.h uapi/linux/vtl_ring.h

.PHONY: all module vtlctl clean install checkpatch sparse check unit demo \
	bench help

all: module vtlctl

module:
	@test -d "$(KDIR)" || { echo "No kernel build tree at $(KDIR):" \
		"install linux-headers-$(KVER) or give KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS) modules

vtlctl:
	$(MAKE) -C vtlctl

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	$(MAKE) -C vtlctl install

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C vtlctl clean
	-$(MAKE) -C selftests/unit clean
	-$(MAKE) -C selftests/fuzz clean
	-$(MAKE) -C selftests/tcpep clean
	-$(MAKE) -C selftests/ring clean
	rm -rf build

checkpatch:
	scripts/checkpatch.sh $(KSRC)

# W=1 and sparse (C=2) on every kernel file; any warning fails.
sparse:
	scripts/kbuild-clean.sh "$(KDIR)"

check:
	scripts/check.sh

FUZZ_SECONDS ?= 10
unit:
	$(MAKE) -C selftests/unit check
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)
	$(MAKE) -C vtlctl check

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

help:
	@sed -n '3,11s/^# \{0,1\}//p' Makefile
