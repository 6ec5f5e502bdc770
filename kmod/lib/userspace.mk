# SPDX-License-Identifier: GPL-2.0
#
# libvtl.a: kmod/lib/, the pure C shared with the kernel, built for
# userspace.  A userspace Makefile sets
#   VTL_LIB_DIR     where the objects and the archive go: a directory of its
#                   own (kmod/ is kbuild's, which builds lib/*.o there)
# and, to build a flavour of its own (the sanitizers, libFuzzer), maybe
#   VTL_LIB_CC      the compiler (default: its $(CC))
#   VTL_LIB_CFLAGS  the flags (default: its $(CFLAGS))
# then includes this file, which gives it
#   VTL_LIB         the archive: a prerequisite of what links it, linked
#                   after the objects that use it
#   VTL_LIB_INC     the -I of kmod/lib/'s headers
#   VTL_LIB_HDRS    the headers, for prerequisites
# and leaves its default goal as it was.

VTL_LIB_SRC := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
VTL_LIB_SRCS := $(wildcard $(VTL_LIB_SRC)/*.c)
VTL_LIB_HDRS := $(wildcard $(VTL_LIB_SRC)/*.h)
VTL_LIB_OBJS := $(patsubst $(VTL_LIB_SRC)/%.c,$(VTL_LIB_DIR)/%.o, \
	$(VTL_LIB_SRCS))
VTL_LIB := $(VTL_LIB_DIR)/libvtl.a
VTL_LIB_INC := -I$(VTL_LIB_SRC)
VTL_LIB_CC ?= $(CC)
VTL_LIB_CFLAGS ?= $(CFLAGS)

ifeq ($(VTL_LIB_DIR),)
$(error VTL_LIB_DIR is not set: where should libvtl.a be built?)
endif

vtl_lib_goal := $(.DEFAULT_GOAL)

$(VTL_LIB): $(VTL_LIB_OBJS)
	$(RM) $@
	$(AR) rcs $@ $^

$(VTL_LIB_OBJS): $(VTL_LIB_DIR)/%.o: $(VTL_LIB_SRC)/%.c $(VTL_LIB_HDRS)
	@mkdir -p $(@D)
	$(VTL_LIB_CC) $(VTL_LIB_CFLAGS) -c -o $@ $<

.DEFAULT_GOAL := $(vtl_lib_goal)
