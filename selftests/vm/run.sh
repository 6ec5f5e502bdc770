#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [OPTIONS] -- COMMAND [ARGS...]
#
# Boot a kernel in qemu (TCG, no KVM needed) and run COMMAND inside it as
# root, in the current directory. The guest's / is the host's /, read-only
# over virtio-9p under a tmpfs overlay: everything installed on the host is
# there, writes succeed and are thrown away. COMMAND's output (stdout and
# stderr) streams to stdout; its exit status becomes run.sh's.
#
# Then the kernel log is checked for WARN/BUG/Oops, KASAN, UBSAN, lockdep,
# refcount, kmemleak, hung task and stall reports (see kernel-log-check.sh),
# and one TAP line says whether it was clean:
#
#   ok - kernel log clean (<kver>)
#   not ok - kernel log clean (<kver>)
#
# Options:
#   --kernel KVER     a Debian kernel: a full version (6.12.117+deb12-amd64)
#                     or a series (6.1, 6.12). Default: the newest 6.1.
#   --debug           the VTL debug kernel (debug/build.sh builds it once)
#   --timeout SECONDS wall-clock limit for the whole VM (default 600)
#   --mem MB          guest memory (default 1024; kmemleak scans of the
#                     debug kernel take longer the more memory it has)
#   --cpus N          guest CPUs (default 2)
#   --env NAME=VALUE  set NAME in COMMAND's environment (repeatable); the
#                     host's environment does not reach the guest otherwise
#   -h, --help
#
# Exit status: COMMAND's when it failed; 1 when it passed but the kernel log
# was not clean, or the VM failed (panic, no exit report); 124 on timeout;
# 2 on bad usage.  A kernel that panics while booting, before COMMAND runs,
# is booted once more (an emulation fault seen under TCG, see boot below).
#
# Environment: VTL_BOOT_LIMIT (seconds a boot may take before it counts as
# stalled and is tried once more, default 300), VTL_CACHE (debug kernel
# cache), VTL_CMDLINE (more kernel parameters, for experiments), VTL_KEEP=1 keeps the work
# directory (console log, result channel, initramfs) and prints its path.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
me=${0##*/}

usage() { sed -n '3,36s/^# \{0,1\}//p' "$0"; }
die() { echo "$me: $*" >&2; exit 2; }

kernel=
debug=0
timeout=600
mem=1024
cpus=2
envs=()
while (($#)); do
	case $1 in
	--kernel) (($# >= 2)) || die "--kernel needs a value"; kernel=$2; shift 2 ;;
	--kernel=*) kernel=${1#*=}; shift ;;
	--debug) debug=1; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs a value"; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--mem) (($# >= 2)) || die "--mem needs a value"; mem=$2; shift 2 ;;
	--mem=*) mem=${1#*=}; shift ;;
	--cpus) (($# >= 2)) || die "--cpus needs a value"; cpus=$2; shift 2 ;;
	--cpus=*) cpus=${1#*=}; shift ;;
	--env) (($# >= 2)) || die "--env needs NAME=VALUE"; envs+=("$2"); shift 2 ;;
	--env=*) envs+=("${1#*=}"); shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (try --help)" ;;
	*) break ;;
	esac
done
(($#)) || die "no command given (usage: $me [OPTIONS] -- COMMAND [ARGS...])"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout: '$timeout' is not a number of seconds"
[[ $mem =~ ^[1-9][0-9]*$ ]] || die "--mem: '$mem' is not a number of MB"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus: '$cpus' is not a number"
((debug == 0 || ${#kernel} == 0)) || die "--kernel and --debug exclude each other"
for e in "${envs[@]}"; do
	[[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env: '$e' is not NAME=VALUE"
done
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 missing (scripts/install-deps.sh installs it)"
[[ -x /bin/busybox ]] || die "/bin/busybox missing (install busybox-static)"

# --- The kernel ---------------------------------------------------------

kdir=
if ((debug)); then
	image=$("$here/debug/build.sh" --print-image) || die "debug kernel build failed"
	kdir=$("$here/debug/build.sh" --print-kdir)
	kver=$("$here/debug/build.sh" --print-kver)
else
	case $kernel in
	"") kver=$("$repo/scripts/kernels.sh" 6.1) || die "no Debian 6.1 kernel installed" ;;
	[0-9].[0-9]|[0-9].[0-9][0-9]) kver=$("$repo/scripts/kernels.sh" "$kernel") ||
		die "no Debian $kernel kernel installed" ;;
	*) kver=$kernel ;;
	esac
	image=/boot/vmlinuz-$kver
	[[ -r $image ]] || die "no readable kernel image $image"
	[[ -e /lib/modules/$kver/modules.dep ]] || die "no /lib/modules/$kver/modules.dep"
fi

# --- The initramfs: busybox, the modules the root fs needs, /init ------

work=$(mktemp -d "${TMPDIR:-/tmp}/vtl-vm.XXXXXX")
cleanup() {
	if [[ ${VTL_KEEP:-0} == 1 ]]; then
		echo "$me: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
initrd=$work/initrd
mkdir -p "$initrd"/{bin,dev,proc,sys,mnt,vtl,lib/modules}
cp /bin/busybox "$initrd/bin/busybox"
ln -s busybox "$initrd/bin/sh"
cp "$here/guest-init.sh" "$initrd/init"
chmod 755 "$initrd/init"
: >"$initrd/vtl/modules"

# Modules, dependencies first, that this kernel needs to mount the root:
# whatever of these is not built in, each after the modules it depends on.
declare -A loaded=()
depmap=
add_module() {
	local name=$1 path deps dep file
	path=$(awk -F: -v n="$name" '{
		m = $1; sub(/.*\//, "", m); sub(/\.ko(\.(xz|zst|gz))?$/, "", m)
		gsub(/-/, "_", m)
		if (m == n) { print $1; exit }
	}' <<<"$depmap")
	if [[ -z $path ]]; then
		grep -qE "/${name//_/[-_]}\.ko\$" "/lib/modules/$kver/modules.builtin" ||
			die "$kver has no module $name, built in or not"
		return 0
	fi
	[[ -z ${loaded[$path]:-} ]] || return 0
	loaded[$path]=1
	deps=$(awk -F: -v p="$path" '$1 == p { print $2; exit }' <<<"$depmap")
	for dep in $deps; do
		dep=${dep##*/}
		dep=${dep%%.ko*}
		add_module "${dep//-/_}"
	done
	file=${path##*/}
	case $file in
	*.ko.xz) xz -dc "/lib/modules/$kver/$path" >"$initrd/lib/modules/${file%.xz}" ;;
	*.ko.zst) zstd -qdc "/lib/modules/$kver/$path" >"$initrd/lib/modules/${file%.zst}" ;;
	*.ko.gz) gzip -dc "/lib/modules/$kver/$path" >"$initrd/lib/modules/${file%.gz}" ;;
	*) cp "/lib/modules/$kver/$path" "$initrd/lib/modules/$file" ;;
	esac
	echo "${file%.ko*}.ko" >>"$initrd/vtl/modules"
}
if [[ -z $kdir ]]; then
	depmap=$(cat "/lib/modules/$kver/modules.dep")
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		add_module "$m"
	done
fi

printf 'VTL_CWD=%q\nVTL_KDIR=%q\n' "$PWD" "$kdir" >"$initrd/vtl/params"
{
	echo "# Generated by run.sh: COMMAND, run by bash inside the VM."
	printf 'cd -- %q || exit 125\n' "$PWD"
	for e in "${envs[@]}"; do
		printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
	done
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$initrd/vtl/cmd.sh"

(cd "$initrd" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$work/initrd.cpio" ||
	die "cannot build the initramfs"

# --- Boot --------------------------------------------------------------

# ttyS0: kernel console, kept in a file for when things go wrong.
# ttyS1: the command's output, on qemu's stdout, piped through cat so that
#        qemu cannot leave our own stdout non-blocking.
# ttyS2: the result channel (see guest-init.sh).
console=$work/console.log
result=$work/result.log
# no_timer_check: on a loaded host the emulated timer can miss the boot's
# IO-APIC timer check, which then panics ("IO-APIC + timer doesn't work").
cmdline="console=ttyS0 panic=-1 oops=panic log_buf_len=8M mitigations=off no_timer_check"
cmdline+=" rdinit=/init${VTL_CMDLINE:+ $VTL_CMDLINE}"
qemu=(
	qemu-system-x86_64
	-nodefaults -no-user-config -display none
	-machine q35 -accel tcg -cpu max -smp "$cpus" -m "$mem"
	-no-reboot
	-kernel "$image" -initrd "$work/initrd.cpio" -append "$cmdline"
	-virtfs local,path=/,mount_tag=hostroot,readonly=on,security_model=none,multidevs=remap
	-serial "file:$console"
	-serial stdio
	-serial "file:$result"
)

# boot: run the VM once; sets qemu_status and elapsed.
# boot_watch: stop qemu when the command has not started within
# $boot_limit seconds (an emulated boot that stalled), and say so in
# $work/stalled.
boot_limit=${VTL_BOOT_LIMIT:-300}
boot_watch() {
	local waited=0

	while ((waited < boot_limit)); do
		sleep 5
		waited=$((waited + 5))
		grep -aq 'vtl-init: running the command' "$console" && return 0
	done
	: >"$work/stalled"
	pkill -f -- "$work/initrd.cpio"
}

boot() {
	local watch

	: >"$console"
	: >"$result"
	rm -f "$work/stalled"
	start=$SECONDS
	boot_watch &
	watch=$!
	set +e
	timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null 2>"$work/qemu.err" | cat
	qemu_status=${PIPESTATUS[0]}
	kill "$watch" 2>/dev/null
	wait "$watch" 2>/dev/null
	set -e
	elapsed=$((SECONDS - start))
}

boot
# A panic while the kernel boots, before guest-init.sh ran anything, is
# emulation's, not a result: TCG has been seen to take a stale int3 at a
# static-key site the boot was live-patching (sched_clock_cpu, with no
# module loaded).  It gets one more boot; a panic once the command runs
# never does.
if ! grep -aq 'vtl-init: running the command' "$console" &&
	grep -aq 'Kernel panic' "$console"; then
	echo "# the kernel panicked while booting, before the command ran; booting again:"
	grep -a -m3 -E 'Oops|RIP:|Kernel panic' "$console" | sed 's/\r$//; s/^/#   /'
	boot
elif [[ -e $work/stalled ]]; then
	# Seen on a loaded host: the debug kernel stuck for minutes in its
	# boot-time RCU self-tests, its timer miscalibrated.  Emulation's
	# too; one more boot.
	echo "# the kernel had not started the command after ${boot_limit}s; booting again:"
	tail -n 3 "$console" | sed 's/\r$//; s/^/#   /'
	boot
fi

vm_failed() {
	echo "# $*"
	echo "# ---- last lines of the kernel console ($kver) ----"
	tail -n 60 "$console" | sed 's/\r$//; s/^/# /'
	if [[ -s $work/qemu.err ]]; then
		echo "# ---- qemu stderr ----"
		sed 's/^/# /' "$work/qemu.err"
	fi
	echo "not ok - kernel log clean ($kver)"
}

if ((qemu_status == 124 || qemu_status == 137)); then
	vm_failed "VM timed out after ${timeout}s (qemu killed)"
	exit 124
fi
if grep -q '^VTL-VM-INIT-FAILED' "$result"; then
	vm_failed "VM init failed: $(grep -m1 '^VTL-VM-INIT-FAILED' "$result" | cut -d' ' -f2-)"
	exit 1
fi
exit_line=$(grep -a -m1 '^VTL-VM-EXIT=[0-9]*$' "$result" || true)
if [[ -z $exit_line ]]; then
	if grep -aq 'Kernel panic' "$console"; then
		vm_failed "kernel panic before the command finished"
	else
		vm_failed "VM stopped (qemu status $qemu_status) without reporting an exit status"
	fi
	exit 1
fi
status=${exit_line#VTL-VM-EXIT=}
if ! grep -aq '^VTL-VM-DONE$' "$result"; then
	if grep -aq 'Kernel panic' "$console"; then
		vm_failed "kernel panic after the command exited with $status"
	else
		vm_failed "VM stopped before reporting the kernel log (command exited with $status)"
	fi
	exit 1
fi

# The kernel log and kmemleak's report, without the channel's markers.
awk '/^VTL-VM-(KMEMLEAK|DMESG)-BEGIN$/ { on = 1; next }
	/^VTL-VM-(KMEMLEAK|DMESG)-END$/ { on = 0; next }
	on' "$result" >"$work/kernel.log"
clean=1
"$here/kernel-log-check.sh" "$work/kernel.log" || clean=0
if ((clean)); then
	echo "ok - kernel log clean ($kver)"
else
	echo "not ok - kernel log clean ($kver)"
fi
echo "# $me: $kver: command exited with $status after ${elapsed}s in the VM" >&2

if ((status != 0)); then
	exit "$status"
fi
((clean)) || exit 1
exit 0
