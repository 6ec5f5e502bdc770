#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: VTL against the kernel bridge, five interleaved rounds and two
# sinks (bench-vm.sh), and its firewall with 10 and
# 10,000 rules, and VTL's SOCKS proxying against redsocks, side by side in
# one VM boot.
set -eu
. "$(dirname "$0")/lib-vm.sh"
exec selftests/vm/run.sh --kernel "$kver" --timeout 1800 \
	--env "BENCH_PKTS=${BENCH_PKTS:-150000}" \
	--env "BENCH_SECS=${BENCH_SECS:-5}" \
	--env "BENCH_ROUNDS=${BENCH_ROUNDS:-5}" \
	--env "BENCH_SOCKS=${BENCH_SOCKS:-1}" \
	--env "BENCH_FW_RULES=${BENCH_FW_RULES:-10000}" -- \
	scripts/bench-vm.sh "$ko"
