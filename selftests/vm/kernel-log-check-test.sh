#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of kernel-log-check.sh on canned kernel logs (testdata/): clean boots
# of each kernel and harmless noise must pass, and every kind of report
# run.sh promises to catch must fail, showing the report's own line.
# TAP output, exit 0 when all pass.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=$here/testdata
check=$here/kernel-log-check.sh

# file: expected verdict and, for a report, a line it must show.
cases=(
	"clean-6.1.log|clean|"
	"clean-6.12.log|clean|"
	"benign-spectre.log|clean|"
	"benign-fault-injection.log|clean|"
	"warn-on.log|report|WARNING: CPU: 1 PID: 312 at kmod/port.c:123"
	"kasan.log|report|BUG: KASAN: use-after-free in vtl_ring_pop"
	"ubsan.log|report|UBSAN: shift-out-of-bounds in kmod/ring.c:88:20"
	"lockdep-circular.log|report|WARNING: possible circular locking dependency detected"
	"lockdep-recursive.log|report|WARNING: possible recursive locking detected"
	"lockdep-inconsistent.log|report|WARNING: inconsistent lock state"
	"lockdep-rcu.log|report|WARNING: suspicious RCU usage"
	"atomic-sleep.log|report|BUG: sleeping function called from invalid context"
	"refcount.log|report|refcount_t: underflow; use-after-free."
	"kmemleak.log|report|unreferenced object 0xffff888003a1c000 (size 1024):"
	"kmemleak-report-only.log|report|vtl_port_create+0x34/0x200 [vtl]"
	"hung-task.log|report|INFO: task vtlctl:301 blocked for more than 120 seconds."
	"netdev-leak.log|report|waiting for vtl0 to become free"
	"ref-tracker.log|report|ref_tracker: vtl0@ffff888005c6c5e8 has 1/1 users at"
	"rcu-stall.log|report|rcu: INFO: rcu_preempt detected stalls"
	"soft-lockup.log|report|BUG: soft lockup - CPU#0 stuck for 22s!"
	"gpf.log|report|general protection fault"
	"oops.log|report|Oops: 0000 [#1]"
	"kernel-bug.log|report|kernel BUG at kmod/ring.c:144!"
	"odebug.log|report|ODEBUG: free active"
	"list-corruption.log|report|list_del corruption."
)

echo "TAP version 13"
echo "1..${#cases[@]}"
n=0 passed=0 failed=0
for c in "${cases[@]}"; do
	IFS='|' read -r file want needle <<<"$c"
	n=$((n + 1))
	verdict=clean
	out=$("$check" "$data/$file") || verdict=report
	why=
	if [[ $verdict != "$want" ]]; then
		why="expected $want, got $verdict"
	elif [[ -n $needle ]] && ! grep -qF -- "$needle" <<<"$out"; then
		why="report does not show '$needle'"
	fi
	if [[ -z $why ]]; then
		echo "ok $n $file: $want"
		passed=$((passed + 1))
	else
		echo "not ok $n $file: $why"
		sed 's/^/# /' <<<"$out"
		failed=$((failed + 1))
	fi
done
echo "kernel-log-check: $passed passed, $failed failed"
((failed == 0))
