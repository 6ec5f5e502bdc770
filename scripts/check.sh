#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the whole test suite.  Installs what it needs, then runs the
# userspace unit tests and a fuzz run, the static checks, and the kernel
# selftests in qemu on Debian's 6.1 and 6.12 kernels and on a debug kernel
# (KASAN, UBSAN, kmemleak, lockdep) built once from linux-source-6.1 and
# cached.  Every stage prints TAP lines; the last line counts them all.
#
# Environment: FUZZ_SECONDS (default 60), VTL_SKIP_DEBUG=1 skips the debug
# kernel, VTL_CACHE (where the debug kernel is cached).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed_stages=0

# stage NAME CMD...: run CMD, keep its TAP lines, and add one for the stage.
stage() {
	local name=$1 rc start=$SECONDS

	shift
	echo "# ==== $name"
	"$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ]; then
		echo "ok - $name ($((SECONDS - start))s)" | tee -a "$log"
	else
		echo "not ok - $name (exit $rc)" | tee -a "$log"
		failed_stages=$((failed_stages + 1))
	fi
	return "$rc"
}

# build_ko KDIR OUT [ARGS]: W=1 + sparse clean build, the module kept in OUT.
build_ko() {
	scripts/kbuild-clean.sh "$1" "${@:3}" &&
	mkdir -p "$2" && cp kmod/vtl.ko "$2/vtl.ko" &&
	echo "# $(modinfo -F vermagic "$2/vtl.ko")"
}

stage "install dependencies" scripts/install-deps.sh || exit 1

# The debug kernel builds (niced, or found in the cache) while the stages
# below run: those are mostly one emulated CPU, so the build takes the other
# one and CI does not wait for it.  Its output is shown when it is needed.
debug_log=$(mktemp)
trap 'rm -f "$log" "$debug_log"' EXIT
debug_pid=
if [ "${VTL_SKIP_DEBUG:-0}" != 1 ]; then
	selftests/vm/debug/build.sh </dev/null >"$debug_log" 2>&1 &
	debug_pid=$!
fi

# debug_build: that build's verdict, once waited for (stage() runs its
# command in a subshell, which cannot wait for this shell's children).
debug_rc=
debug_build() {
	cat "$debug_log"
	return "$debug_rc"
}
stage "build vtlctl" make -s vtlctl
stage "unit tests" make -s -C selftests/unit check
stage "fuzz packet parser" make -s -C selftests/fuzz run \
	FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
stage "vtlctl unit and command-line tests" make -s -C vtlctl check
stage "build the selftests' programs" \
	sh -c 'for d in tcpep ring socks-svc; do
		make -s -C selftests/$d || exit; done'
stage "checkpatch --strict" make -s checkpatch
stage "kernel log detector" selftests/vm/kernel-log-check-test.sh

# For CI time: the firewall's tests run whole on the first kernel and in
# their quick form (one port mode, fewer rounds) on the others; the
# persistence tests are split between the two kernels; tcpep.sh and
# socks.sh (userspace only) and daemon.sh (with smaller transfers) run
# once, on the second.
quick=(--env "PERSIST_TESTS=control stream:standalone stream:standalone:hard nd:standalone errors")
tests=(netns conn fw rewrite ring persist socks-svc)
while read -r series kver; do
	kdir=/lib/modules/$kver/build
	if stage "build vtl.ko for $kver (W=1, sparse)" \
		build_ko "$kdir" "build/$kver"; then
		stage "selftests on $kver" selftests/vm/run.sh --kernel "$kver" \
			--timeout 2400 "${quick[@]}" \
			-- selftests/vm-tests.sh "build/$kver/vtl.ko" "${tests[@]}"
	fi
	quick=(--env FW_QUICK=1
		--env "PERSIST_TESTS=control stream:bridge keepalive nd:bridge errors"
		--env TCPEP_MB=10 --env SOCKS_MB=8
		--env DAEMON_MB=20 --env DAEMON_CONNS=200)
	tests=(netns conn fw rewrite ring persist socks-svc tcpep socks daemon)
done < <(scripts/kernels.sh)

if [ "${VTL_SKIP_DEBUG:-0}" = 1 ]; then
	echo "ok - debug kernel # SKIP VTL_SKIP_DEBUG=1" | tee -a "$log"
else
	wait_start=$SECONDS
	wait "$debug_pid"
	debug_rc=$?
	echo "# waited $((SECONDS - wait_start))s for the debug kernel"
fi
if [ "${VTL_SKIP_DEBUG:-0}" != 1 ] &&
	stage "build the debug kernel (cached)" debug_build; then
	kdir=$(selftests/vm/debug/build.sh --print-kdir)
	if stage "build vtl.ko for the debug kernel" \
		build_ko "$kdir" build/debug VTL_SELFTEST=y; then
		# KASAN and lockdep under emulation: everything is slower.
		# For CI time: the firewall's kernel paths once each (reject
		# both ways, related/invalid, the RCU swap of 10k rules, port
		# deletion, unload); rewrite.sh on the release kernels only;
		# ring.sh and socks-svc.sh whole.  persist.sh's keep-alives
		# and errors were clean there by hand; they would add 5
		# minutes.
		stage "selftests on the debug kernel" selftests/vm/run.sh --debug \
			--timeout 2700 --env FW_QUICK=1 \
			--env "FW_ONLY=test_tcp:standalone test_tcp:bridge test_related test_invalid test_load test_port_del test_unload" \
			-- selftests/vm-tests.sh build/debug/vtl.ko netns conn fw ring socks-svc
	fi
fi
make -s -C "/lib/modules/$(scripts/kernels.sh | tail -n1 | cut -d' ' -f2)/build" \
	M="$top" clean >/dev/null 2>&1

pass=$(grep -cE '^ok\b' "$log")
# kselftest: a "not ok ... # TODO" is a known bug, not a failure.
fail=$(grep -E '^not ok\b' "$log" | grep -cv '# TODO')
skipped=$(grep -cE '^ok\b.*# SKIP' "$log")
echo "$((pass - skipped)) passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ] && [ "$failed_stages" = 0 ]
