#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot the test VM and show VTL's main job there.
set -eu
. "$(dirname "$0")/lib-vm.sh"
exec selftests/vm/run.sh --kernel "$kver" --timeout 600 -- \
	scripts/demo-vm.sh "$ko"
