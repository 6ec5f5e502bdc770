#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the test VM: load vtl.ko and run the kernel selftests against it.
# Usage: selftests/vm-tests.sh PATH/TO/vtl.ko
set -u

ko=${1:?usage: vm-tests.sh vtl.ko}
top=$(cd "$(dirname "$0")/.." && pwd)

# The kernel's own module autoload cannot see the test root: load what the
# tests use up front (built-in on the debug kernel, hence the 2>/dev/null).
modprobe -a veth bridge dummy tun sch_netem 2>/dev/null

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

VTL_KO=$ko "$top/selftests/netns.sh"
rc=$?
grep -q '^vtl ' /proc/modules && ! rmmod vtl && {
	echo "not ok - rmmod vtl"
	rc=1
}
exit $rc
