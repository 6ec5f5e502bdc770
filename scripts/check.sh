#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the whole test suite.  Installs what it needs; builds
# vtlctl, the selftests' programs and vtl.ko for the first release
# kernel of selftests/kernels.conf (W=1 + sparse clean); then runs, at once:
#
#   - the builds of vtl.ko for the other release kernels, whose VMs queue
#     once their module is there;
#   - the userspace checks (make unit: unit tests, a fuzz run, vtlctl's
#     tests; then checkpatch and the kernel log detector's tests);
#   - the kernel selftests in qemu VMs, as selftests/kernels.conf lays them
#     out, VTL_VMS at a time;
#   - the build of the debug kernel (KASAN, UBSAN, kmemleak, lockdep), or
#     its copy from the cache; its VMs start once it is there, ahead of
#     the release VMs still waiting, and until then only two VMs run.
#
# Every stage prints TAP lines and ends with one that gives its wall time;
# a VM's output comes as one block when the VM ends.  Last come each
# stage's time, the ten slowest tests, and one line counting them all.
#
# Environment:
#   VTL_TESTS="fw ring"  only these selftests (names of TEST_PROGS), on
#                        each kernel that kernels.conf runs them on, and
#                        none of the userspace checks
#   VTL_VMS              VMs at once (default 2: one a core; more at once
#                        cost more CPU each under TCG, see the README)
#   VTL_SKIP_DEBUG=1     no debug kernel
#   VTL_CACHE            where the debug kernel is cached
#   FUZZ_SECONDS         the fuzz run (default 60)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
work=$(mktemp -d "${TMPDIR:-/tmp}/vtl-check.XXXXXX")
cleanup() {
	local pids

	pids=$(jobs -pr)
	[ -z "$pids" ] || kill $pids 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/vm" "$work/ko"
log=$work/main.tap		# the TAP lines of the stages run here
times=$work/stages		# "SECONDS<TAB>NAME" of every stage
vms=${VTL_VMS:-2}
only=${VTL_TESTS:-}
skip_debug=${VTL_SKIP_DEBUG:-0}
[[ $vms =~ ^[1-9][0-9]*$ ]] || { echo "check.sh: VTL_VMS='$vms' is not a number" >&2; exit 2; }

# result NAME RC SECONDS [WHY]: the TAP line that ends a stage.
result() {
	if [ "$2" = 0 ]; then
		echo "ok - $1 ($3 s)"
	else
		echo "not ok - $1 (${4:-exit $2}, $3 s)"
	fi | tee -a "$log"
	printf '%s\t%s\n' "$3" "$1" >>"$times"
}

# stage NAME CMD...: run CMD here, keep its TAP lines, end with its line.
stage() {
	local name=$1 rc start=$SECONDS

	shift
	echo "# ==== $name"
	"$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	result "$name" "$rc" $((SECONDS - start))
	return "$rc"
}

# build_ko KDIR OUT [ARGS]: vtl.ko, W=1 + sparse clean, built in a copy of
# the sources under OUT and kept as OUT/vtl.ko.  A copy, because Kbuild's
# clean deletes every *.ko and *.o under the module's tree: builds for
# several kernels, and the userspace builds, must not share one.
build_ko() {
	rm -rf "$2" && mkdir -p "$2/src" &&
	cp -r Kbuild kmod services uapi "$2/src/" &&
	VTL_SRC=$2/src scripts/kbuild-clean.sh "$1" "${@:3}" &&
	cp "$2/src/kmod/vtl.ko" "$2/vtl.ko" &&
	echo "# $(modinfo -F vermagic "$2/vtl.ko")"
}

# ---- the plan: selftests/kernels.conf -----------------------------------

all_tests=$(make -s --no-print-directory -C selftests list) || exit 1
kernel_tests=$(make -s --no-print-directory -C selftests list-kernel) || exit 1
for t in $only; do
	grep -qxF -- "$t" <<<"$all_tests" || {
		echo "check.sh: VTL_TESTS: no selftest '$t' (selftests/Makefile has: $(echo $all_tests))" >&2
		exit 2
	}
done

# Job i: job_kernel[i], job_tests[i] (space-separated), and the arguments
# for vm/run.sh in $work/vm/i.args, one a line.
job_kernel=()
job_tests=()
whole=" "	# release kernels' tests that a VM runs without narrowing
on_debug=" "
plan_errors=0
plan_error() { echo "check.sh: selftests/kernels.conf:$1: $2" >&2; plan_errors=1; }
lineno=0
while read -r kernel tests rest; do
	lineno=$((lineno + 1))
	case $kernel in "" | "#"*) continue ;; esac
	case $kernel in
	6.1 | 6.12 | debug) ;;
	*) plan_error $lineno "unknown kernel '$kernel' (6.1, 6.12 or debug)"; continue ;;
	esac
	i=${#job_kernel[@]}
	args=(--cpus 1 --timeout 1800)
	narrowed=0
	for tok in $rest; do
		case $tok in
		--cpus=* | --timeout=*) args+=("${tok%%=*}" "${tok#*=}") ;;
		[A-Za-z_]*=*)
			args+=(--env "${tok%%=*}=${tok#*=}")
			args[-1]=${args[-1]//,/ }
			[[ ${tok%%=*} =~ _(ONLY|TESTS|QUICK)$ ]] && narrowed=1 ;;
		*) plan_error $lineno "'$tok' is neither --cpus=, --timeout= nor NAME=VALUE" ;;
		esac
	done
	sel=()
	for t in ${tests//,/ }; do
		grep -qxF -- "$t" <<<"$all_tests" ||
			{ plan_error $lineno "no selftest '$t' in selftests/Makefile"; continue; }
		if [ "$kernel" = debug ]; then
			on_debug+="$t "
		elif ((narrowed == 0)); then
			whole+="$t "
		fi
		[ -z "$only" ] || [[ " $only " == *" $t "* ]] || continue
		sel+=("$t")
	done
	((${#sel[@]})) || continue
	[ "$kernel" != debug ] || [ "$skip_debug" != 1 ] || continue
	job_kernel[i]=$kernel
	job_tests[i]=${sel[*]}
	printf '%s\n' "${args[@]}" >"$work/vm/$i.args"
done <selftests/kernels.conf
((plan_errors == 0)) || exit 2

# The plan's two rules (see kernels.conf).
check_plan() {
	local t rc=0

	for t in $all_tests; do
		[[ $whole == *" $t "* ]] ||
			{ echo "# $t: not run whole on any release kernel"; rc=1; }
	done
	for t in $kernel_tests; do
		[[ $on_debug == *" $t "* ]] ||
			{ echo "# $t: tests kernel code but is not run on the debug kernel"; rc=1; }
	done
	return $rc
}

# ---- the jobs that run beside this shell --------------------------------

# Background jobs by pid: what each is ("vm I", "debug", "user").
declare -A bg=()
running_vms=0
queue=()	# VM jobs ready to start, in order

# stamp OUT TIMED: copy stdin to OUT, and to TIMED with each line's time.
stamp() {
	local line

	exec 3>>"$1" 4>>"$2"
	while IFS= read -r line; do
		printf '%s\n' "$line" >&3
		printf '%s %s\n' "$EPOCHREALTIME" "$line" >&4
	done
}

# vm_job I: boot job I's kernel and run its tests (a subshell's work).
vm_job() {
	local i=$1 kernel=${job_kernel[$1]} kopt args

	mapfile -t args <"$work/vm/$i.args"
	if [ "$kernel" = debug ]; then
		kopt=(--debug)
	else
		kopt=(--kernel "$kernel")
	fi
	printf '%s %s\n' "$EPOCHREALTIME" "# selftests: vtl: start" >"$work/vm/$i.tim"
	selftests/vm/run.sh "${kopt[@]}" "${args[@]}" -- \
		selftests/vm-tests.sh "$work/ko/$kernel/vtl.ko" ${job_tests[$i]} \
		</dev/null 2>&1 | stamp "$work/vm/$i.out" "$work/vm/$i.tim"
	return "${PIPESTATUS[0]}"
}

# vm_name I: job I's stage name.
vm_name() { echo "selftests on ${job_kernel[$1]}: ${job_tests[$1]} (VM $1)"; }

start_vm() {
	local i=$1

	vm_job "$i" &
	bg[$!]="vm $i"
	running_vms=$((running_vms + 1))
	vm_started[i]=$SECONDS
	echo "# started VM $i: ${job_kernel[$i]}: ${job_tests[$i]}"
}

# vm_done I RC: its output, then its line.
vm_done() {
	local i=$1 rc=$2 name why= last

	name=$(vm_name "$i")
	echo "# ==== $name"
	cat "$work/vm/$i.out"
	grep -E '^(not )?ok\b' "$work/vm/$i.out" >>"$log"
	if [ "$rc" = 124 ]; then
		last=$(grep -E '^# selftests: vtl: [^ ]+\.sh$' "$work/vm/$i.out" | tail -n1)
		why="out of time in ${last##* }"
		[ -n "$last" ] || why="out of time before its first test"
		last=$(grep -E '^(not )?ok ' "$work/vm/$i.out" | tail -n1)
		[ -z "$last" ] || why+=", after \"$last\""
	fi
	result "$name" "$rc" $((SECONDS - vm_started[i])) "$why"
}

# ---- install and build --------------------------------------------------

t0=$SECONDS
# cpu_ticks: the machine's busy and total CPU ticks so far (/proc/stat).
cpu_ticks() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i
		print t - $5 - $6, t }' /proc/stat
}
cpu0=$(cpu_ticks)
stage "install dependencies" scripts/install-deps.sh || exit 1
kernels=$(scripts/kernels.sh) || exit 1

debug_needed=0
if [ "$skip_debug" != 1 ]; then
	for k in "${job_kernel[@]}"; do
		[ "$k" = debug ] && debug_needed=1
	done
fi
building=0
if ((debug_needed)); then
	# The debug kernel's VMs are the longest and can only start once it
	# is built: its build gets its share of the CPU (not niced), and
	# only two release VMs run beside it.
	debug_start=$SECONDS
	VTL_NICE=${VTL_NICE:-0} selftests/vm/debug/build.sh </dev/null \
		>"$work/debug-build.out" 2>&1 &
	bg[$!]=debug
	building=1
fi

# vtlctl-static too when a VM asks for it (VTL_STATIC=1: see lib.sh).
if grep -q '^[^#].*[[:space:]]VTL_STATIC=1' selftests/kernels.conf; then
	stage "build vtlctl" make -s -C vtlctl vtlctl vtlctl-static
else
	stage "build vtlctl" make -s vtlctl
fi
stage "build the selftests' programs" make -s -C selftests

# The first release VM's vtl.ko now; the other kernels' beside the first
# VMs, which then wait for nothing but their own kernel's module.
first=
for i in "${!job_kernel[@]}"; do
	[ "${job_kernel[$i]}" = debug ] || { first=${job_kernel[$i]}; break; }
done
later=()
while read -r series kver; do
	if [ "$series" = "$first" ]; then
		stage "build vtl.ko for $kver (W=1, sparse)" \
			build_ko "/lib/modules/$kver/build" "$work/ko/$series"
	else
		later+=("$series $kver")
	fi
done <<<"$kernels"
if ((${#later[@]})); then
	(
		log=$work/ko.tap
		times=$work/ko.stages
		for l in "${later[@]}"; do
			stage "build vtl.ko for ${l#* } (W=1, sparse)" \
				build_ko "/lib/modules/${l#* }/build" "$work/ko/${l%% *}"
		done
	) >"$work/ko.out" 2>&1 &
	bg[$!]=ko
fi

if [ -z "$only" ]; then
	stage "kernels.conf: every test whole on a release kernel, and those of kernel code on debug" \
		check_plan
	(
		log=$work/user.tap
		times=$work/user.stages
		stage "unit tests" make -s -C selftests/unit check
		stage "fuzz packet parser" make -s -C selftests/fuzz run \
			FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
		stage "vtlctl unit and command-line tests" make -s -C vtlctl check
		stage "checkpatch --strict" make -s checkpatch
		stage "kernel log detector" selftests/vm/kernel-log-check-test.sh
	) >"$work/user.out" 2>&1 &
	bg[$!]=user
	user_start=$SECONDS
fi

# ---- run: release VMs now, the debug kernel's once it is built ----------

declare -a vm_started=()

# release_ready first|later: queue the release VMs of the first kernel, or
# those of the others, now that their vtl.ko is built (or say it is not).
release_ready() {
	local i

	for i in "${!job_kernel[@]}"; do
		[ "${job_kernel[$i]}" != debug ] || continue
		if [ "$1" = first ]; then
			[ "${job_kernel[$i]}" = "$first" ] || continue
		else
			[ "${job_kernel[$i]}" != "$first" ] || continue
		fi
		if [ -e "$work/ko/${job_kernel[$i]}/vtl.ko" ]; then
			queue+=("$i")
		else
			result "$(vm_name "$i")" 1 0 \
				"no vtl.ko for ${job_kernel[$i]}"
		fi
	done
}
release_ready first

debug_ready() {
	local kdir i

	kdir=$(selftests/vm/debug/build.sh --print-kdir) &&
	stage "build vtl.ko for the debug kernel (W=1, sparse)" \
		build_ko "$kdir" "$work/ko/debug" VTL_SELFTEST=y || return
	# Ahead of the release VMs still waiting: they are the longest, and
	# the last to be able to start.
	local q=()
	for i in "${!job_kernel[@]}"; do
		[ "${job_kernel[$i]}" = debug ] && q+=("$i")
	done
	queue=("${q[@]}" "${queue[@]}")
}

while ((${#bg[@]} > 0 || ${#queue[@]} > 0)); do
	limit=$vms
	((building == 0 || limit <= 2)) || limit=2
	while ((running_vms < limit && ${#queue[@]} > 0)); do
		start_vm "${queue[0]}"
		queue=("${queue[@]:1}")
	done
	((${#bg[@]} > 0)) || break
	pid=
	wait -n -p pid "${!bg[@]}"
	rc=$?
	[ -n "$pid" ] || continue
	what=${bg[$pid]}
	unset "bg[$pid]"
	case $what in
	vm\ *)
		running_vms=$((running_vms - 1))
		vm_done "${what#vm }" "$rc"
		;;
	debug)
		building=0
		echo "# ==== build the debug kernel"
		cat "$work/debug-build.out"
		result "build the debug kernel (or take it from the cache)" "$rc" \
			$((SECONDS - debug_start))
		if [ "$rc" != 0 ] || ! debug_ready; then
			for i in "${!job_kernel[@]}"; do
				[ "${job_kernel[$i]}" = debug ] &&
				result "$(vm_name "$i")" 1 0 \
					"no debug kernel or no vtl.ko for it"
			done
		fi
		;;
	ko)
		cat "$work/ko.out"
		cat "$work/ko.tap" >>"$log" 2>/dev/null
		cat "$work/ko.stages" >>"$times" 2>/dev/null
		release_ready later
		;;
	user)
		cat "$work/user.out"
		cat "$work/user.tap" >>"$log" 2>/dev/null
		cat "$work/user.stages" >>"$times" 2>/dev/null
		printf '%s\t%s\n' $((SECONDS - user_start)) \
			"userspace checks, one after another" >>"$times"
		;;
	esac
done
total=$((SECONDS - t0))

# ---- what it cost -------------------------------------------------------

echo "# ---- wall time of each stage"
sort -t"$(printf '\t')" -k1,1nr "$times" | awk -F'\t' '{ printf "# %6d s  %s\n", $1, $2 }'
echo "# $total s in all"
# How busy the machine was: the VMs are CPU-bound under TCG, so this says
# whether more VMs at once could have helped (idle time) or not.
read -r busy1 all1 <<<"$(cpu_ticks)"
read -r busy0 all0 <<<"$cpu0"
echo "# CPU busy $(((busy1 - busy0) * 100 / (all1 - all0 + 1)))% of $(nproc) cores," \
	"$(((busy1 - busy0) / $(getconf CLK_TCK))) CPU-seconds"

# The ten slowest tests (a script on one kernel), and the ten slowest test
# cases: from the time each line of a VM's output reached the host.
slowest() {
	local f i

	for f in "$work"/vm/*.tim; do
		[ -e "$f" ] || continue
		i=${f##*/}
		i=${i%.tim}
		awk -v k="${job_kernel[$i]}" -v what="$1" '
		/^[0-9.]+ # selftests: vtl: [^ ]+\.sh$/ {
			script = $NF; t0 = $1; prev = $1; next
		}
		/^[0-9.]+ # selftests: vtl: [^ ]+\.sh: / {
			if (what == "tests")
				printf "%8.1f s  %-6s %s\n", $1 - t0, k, script
			script = ""; next
		}
		script != "" && /^[0-9.]+ (not )?ok [0-9]/ {
			if (what == "cases") {
				line = $0; sub(/^[0-9.]+ /, "", line)
				printf "%8.1f s  %-6s %-13s %s\n", $1 - prev, k, script, substr(line, 1, 90)
			}
			prev = $1
		}' "$f"
	done | sort -rn | head -n 10 | sed 's/^/# /'
}
echo "# ---- the ten slowest tests"
slowest tests
echo "# ---- the ten slowest test cases (time since the case before)"
slowest cases

pass=$(grep -cE '^ok\b' "$log")
# kselftest: a "not ok ... # TODO" is a known bug, not a failure.
fail=$(grep -E '^not ok\b' "$log" | grep -cv '# TODO')
skipped=$(grep -cE '^ok\b.*# SKIP' "$log")
echo "$((pass - skipped)) passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
