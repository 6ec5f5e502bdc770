#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the test VM: load vtl.ko and run the kernel selftests against it.
# Usage: selftests/vm-tests.sh PATH/TO/vtl.ko [TEST...]
# TEST: a name of selftests/Makefile's TEST_PROGS (netns, fw, ...); all of
# them by default, in that order.  Before each test a line
# "# selftests: vtl: TEST.sh" says which one runs (a VM that runs out of
# time is reported in it), and after it one with its wall time.
set -u

ko=${1:?usage: vm-tests.sh vtl.ko [TEST...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
tests=${*:-$(make -s --no-print-directory -C "$top/selftests" list)}

# Load what the tests use up front, so that a missing module shows here
# (built-in on the debug kernel).
modprobe -a veth bridge dummy tun sch_netem

if ! insmod "$ko"; then
	echo "not ok - insmod $ko"
	exit 1
fi
echo "ok - insmod $ko ($(uname -r))"
if dmesg | grep -q "vtl: .*self-tests: FAIL"; then
	echo "not ok - in-kernel self-tests"
	exit 1
elif dmesg | grep -q "vtl: .*self-tests: pass"; then
	echo "ok - in-kernel self-tests"
fi

# Hold the kernel's timestamp static key (netstamp_needed_key) on for the
# whole run.  Every ping that starts or exits otherwise flips it, and the
# kernel live-patches the receive path (text_poke_bp) while other CPUs run
# it; under TCG that once oopsed in __netif_receive_skb_core, RIP one byte
# into the key's NOP, as ping was killed in rewrite.sh's unload test (vtl
# already unloaded).  The tests are about vtl, not the emulator.
python3 -S -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP
time.sleep(1e9)' </dev/null >/dev/null 2>&1 &
stamp_pid=$!
trap 'kill $stamp_pid 2>/dev/null' EXIT

# jq 1.6 compiles its builtins at every start: under emulation that is
# half a second, and the tests start it thousands of times to read
# counters.  Where gojq (the same language, in Go) is installed, it answers
# to jq here.
if command -v gojq >/dev/null; then
	shim=$(mktemp -d)
	ln -s "$(command -v gojq)" "$shim/jq"
	export PATH=$shim:$PATH
fi

rc=0
for t in $tests; do
	# A test that failed to load vtl.ko again (an unload test) must not
	# turn the ones after it into skips.
	if ! grep -q '^vtl ' /proc/modules && ! insmod "$ko"; then
		echo "not ok - insmod $ko before $t.sh"
		rc=1
		continue
	fi
	echo "# selftests: vtl: $t.sh"
	start=$SECONDS
	VTL_KO=$ko "$top/selftests/$t.sh"
	st=$?
	echo "# selftests: vtl: $t.sh: $((SECONDS - start)) s, exit $st"
	# 4 is kselftest's "skipped"
	case $st in 0 | 4) ;; *) rc=1 ;; esac
done
grep -q '^vtl ' /proc/modules && ! rmmod vtl && {
	echo "not ok - rmmod vtl"
	rc=1
}
exit $rc
