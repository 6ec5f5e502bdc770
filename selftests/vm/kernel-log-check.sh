#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-log-check.sh [FILE...]: read a kernel log (dmesg, plus kmemleak's
# report) and print every report of a kernel bug found in it, each with the
# lines that follow it, as TAP diagnostics ("# ..."). Exit 0 when the log is
# clean, 1 when it is not.
#
# A report is any of: WARN/WARN_ON splats, BUG:, kernel BUG at, Oops,
# general protection faults, KASAN and UBSAN reports, lockdep reports (they
# are all "WARNING: <what>" headers), refcount_t: saturation reports,
# debugobjects (ODEBUG:), kmemleak's unreferenced objects, netdev/netns
# reference tracker reports, a device that never became free, hung tasks,
# soft lockups, RCU stalls and panics.
#
# run.sh feeds it the VM's log; kernel-log-check-test.sh feeds it canned ones.

set -euo pipefail

# Extended regexps, matched against each line. Keep them narrow enough that
# a clean boot of every kernel we test on does not match.
readonly REPORTS='WARNING:|------------\[ cut here \]------------|BUG:|kernel BUG at|Oops|general protection|KASAN|UBSAN|refcount_t:|ODEBUG:|unreferenced object|kmemleak: [0-9]+ new suspected memory leak|ref_tracker:|leaked reference|waiting for .* to become free|blocked for more than [0-9]+ seconds|soft lockup|hard LOCKUP|rcu: INFO:|detected stalls? on CPU|self-detected stall|Kernel panic|list_(add|del) corruption|Unable to handle kernel'

# Lines that match the above but are not bug reports, seen on clean boots.
readonly BENIGN='Spectre V2 : WARNING: Unprivileged eBPF|kmemleak: Kernel memory leak detector initialized|KernelAddressSanitizer initialized|UBSAN: .* is not supported'

# How many lines of a report to show: enough for a stack trace.
readonly CONTEXT=40

cat -- "$@" | awk -v reports="$REPORTS" -v benign="$BENIGN" -v context="$CONTEXT" '
	# A report runs to its end-of-trace line or for $context lines; a
	# match inside one extends it rather than counting as a new one.
	function finding(line) {
		return line ~ reports && line !~ benign
	}
	{
		sub(/\r$/, "")
		if (finding($0)) {
			if (left == 0) {
				found++
				print "# ---- kernel log report " found " ----"
			}
			left = context
		}
		if (left > 0) {
			print "# " $0
			left--
			if ($0 ~ /---\[ end trace/)
				left = 0
		}
	}
	END {
		if (found)
			print "# " found " kernel log report(s)"
		exit found ? 1 : 0
	}'
