#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-test.sh [--kernel KVER | --debug]: end-to-end tests of run.sh itself.
# Each case boots a VM (about 15 s under TCG), so this takes a few minutes:
#
#   - the command's exit status, stdout and stderr come out; arguments,
#     --env and the working directory go in intact; stdin is not needed
#   - writes inside the VM do not reach the host
#   - the kernel's own module autoload (ip link add type veth) works
#   - a timeout, a kernel panic are failures with a clear message
#   - a kernel WARNING from a test module makes the log "not ok"
#   - on the debug kernel: kmemleak catches a leaking module, and an
#     out-of-tree module builds against the cached tree and loads
#
# Test modules are built in a temporary directory, never in the repository.
# TAP output; exit 0 when all pass.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run=$here/run.sh

kopt=()
debug=0
case "${1:-}" in
"") ;;
--debug) kopt=(--debug); debug=1 ;;
--kernel) kopt=(--kernel "${2:?--kernel needs a value}") ;;
*) echo "usage: run-test.sh [--kernel KVER | --debug]" >&2; exit 2 ;;
esac

if ((debug)); then
	kdir=$("$here/debug/build.sh" --print-kdir)
else
	kver=${kopt[1]:-6.1}
	case $kver in
	[0-9].[0-9]|[0-9].[0-9][0-9]) kver=$("$here/../../scripts/kernels.sh" "$kver") ;;
	esac
	kdir=/lib/modules/$kver/build
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vtl-run-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

n=0 passed=0 failed=0
out=$tmp/out
status=0

# vm [RUN.SH ARGS...] -- COMMAND...: run it, keep output in $out, status.
vm() {
	status=0
	"$run" "${kopt[@]}" "$@" </dev/null >"$out" 2>&1 || status=$?
}

# check NAME CONDITION...: one TAP line; the VM's output on failure.
check() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $name"
		passed=$((passed + 1))
	else
		echo "not ok $n $name"
		sed 's/^/# /' "$out"
		failed=$((failed + 1))
	fi
}
has() { grep -qF -- "$1" "$out"; }
lacks() { ! grep -qF -- "$1" "$out"; }
status_is() { [[ $status == "$1" ]]; }

# A module whose init does $1; built against $kdir in $tmp/<name>.
build_module() {
	local name=$1 body=$2
	mkdir -p "$tmp/$name"
	cat >"$tmp/$name/$name.c" <<-EOF
		// SPDX-License-Identifier: GPL-2.0
		#include <linux/module.h>
		#include <linux/slab.h>
		static void *keep;
		static int __init t_init(void)
		{
			$body
			return 0;
		}
		static void __exit t_exit(void)
		{
		}
		module_init(t_init);
		module_exit(t_exit);
		MODULE_LICENSE("GPL");
	EOF
	echo "obj-m := $name.o" >"$tmp/$name/Kbuild"
	make -s -C "$kdir" M="$tmp/$name" modules >"$tmp/$name/build.log" 2>&1 || {
		cat "$tmp/$name/build.log" >&2
		return 1
	}
}

echo "TAP version 13"

cd "$tmp"
mkdir -p "cwd with space"
cd "cwd with space"
vm --env 'GREETING=a b $c' -- bash -c \
	'echo "out:$GREETING:$1:$2:$PWD"; echo err >&2; touch written; exit 3' \
	x 'one two' "it's"
cd "$tmp"
check "exit status comes out" status_is 3
check "stdout, stderr, arguments, --env and cwd" has "out:a b \$c:one two:it's:$tmp/cwd with space"
check "stderr comes out" has err
check "a clean log is ok" has "ok - kernel log clean"
check "writes inside the VM stay there" test ! -e "$tmp/cwd with space/written"

vm -- sh -c 'ip link add va type veth peer name vb && ip link show vb && grep -qw ^veth /proc/modules || grep -q veth /lib/modules/$(uname -r)/modules.builtin'
check "module autoload (ip link add type veth)" status_is 0

vm --timeout 20 -- sleep 600
check "a timeout fails with 124" status_is 124
check "a timeout says so" has "timed out after 20s"

vm -- sh -c 'echo c >/proc/sysrq-trigger; sleep 60'
check "a kernel panic fails" status_is 1
check "a kernel panic says so" has "kernel panic"

build_module t_warn 'WARN_ON(1);'
vm -- sh -c "insmod $tmp/t_warn/t_warn.ko && rmmod t_warn"
check "a kernel WARNING fails" status_is 1
check "a kernel WARNING is shown" has "WARNING: CPU:"
check "a kernel WARNING makes the log not ok" has "not ok - kernel log clean"

if ((debug)); then
	vm -- cat /sys/kernel/debug/kmemleak
	check "debug: kmemleak is readable, log clean" status_is 0

	build_module t_hello 'pr_info("t_hello: hello from %s\n", KBUILD_MODNAME);'
	vm -- sh -c "insmod $tmp/t_hello/t_hello.ko && rmmod t_hello && dmesg | grep 't_hello: hello'"
	check "debug: an out-of-tree module builds, loads and unloads" status_is 0

	build_module t_leak 'keep = kmalloc(4096, GFP_KERNEL); keep = NULL;'
	vm -- sh -c "insmod $tmp/t_leak/t_leak.ko"
	check "debug: kmemleak catches a leak" has "unreferenced object"
	check "debug: a leak fails" status_is 1
fi

echo "1..$n"
echo "run-test: $passed passed, $failed failed"
((failed == 0))
