#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM, run by busybox.
#
# Stage 1, from the initramfs that run.sh builds: load the modules the root
# file system needs, mount the host's / (read only, over virtio-9p) under a
# tmpfs-backed overlay, and switch_root into it, so that the kernel's own
# helpers (modprobe on a module autoload) see the same / as the test.
#
# Stage 2, in that root (with the host's /bin/busybox): run /run/vtl/cmd.sh
# with Debian's bash and report on the result channel (ttyS2):
#
#   VTL-VM-EXIT=<status>          the command's exit status
#   VTL-VM-KMEMLEAK-BEGIN/END     kmemleak's report, when the kernel has it
#   VTL-VM-DMESG-BEGIN/END        the whole kernel log
#   VTL-VM-DONE
#
# or "VTL-VM-INIT-FAILED: <why>" if it cannot get that far. The command's
# own output goes to ttyS1, the kernel console to ttyS0. Then it reboots,
# which qemu's -no-reboot turns into qemu exiting.

result=/dev/ttyS2

# say MESSAGE: into the kernel log, which the console shows with a
# timestamp (how long the boot, the command and the leak scan took);
# straight to the console before /dev exists.
say() {
	echo "vtl-init: $*" >/dev/kmsg 2>/dev/null ||
		echo "vtl-init: $*" >/dev/console
}

die() {
	say "$*"
	echo "VTL-VM-INIT-FAILED: $*" >"$result"
	$bb reboot -f
	$bb sleep 5
	echo b >/proc/sysrq-trigger
}

stage1() {
	bb=
	export PATH=/bin
	root=/mnt/root
	. /vtl/params

	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s /bin
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	exec </dev/null >/dev/console 2>&1

	while read -r mod; do
		[ -n "$mod" ] || continue
		insmod "/lib/modules/$mod" || die "insmod $mod failed"
	done </vtl/modules

	mkdir -p /mnt/lower /mnt/rw "$root"
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
		hostroot /mnt/lower || die "cannot mount the host's / over 9p"
	mount -t tmpfs -o mode=0755 tmpfs /mnt/rw || die "cannot mount tmpfs"
	mkdir -p /mnt/rw/upper /mnt/rw/work
	mount -t overlay overlay \
		-o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
		"$root" || die "cannot mount the overlay"
	[ -x "$root/bin/busybox" ] || die "no /bin/busybox on the host"

	mount -t proc proc "$root/proc" || die "cannot mount /proc"
	mount -t sysfs sysfs "$root/sys" || die "cannot mount /sys"
	mount -t devtmpfs devtmpfs "$root/dev" || die "cannot mount /dev"
	mkdir -p "$root/dev/pts" "$root/dev/shm"
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
	mount -t tmpfs tmpfs "$root/dev/shm"
	# The host's /run and /tmp come through the overlay (writable,
	# discarded), so a working directory under them stays visible; /run
	# only gets a fresh tmpfs when it does not hide the working directory.
	case "$VTL_CWD/" in
	/run/*) ;;
	*) mount -t tmpfs -o mode=0755 tmpfs "$root/run" ;;
	esac
	if [ -d "$root/sys/kernel/debug" ]; then
		mount -t debugfs debugfs "$root/sys/kernel/debug" 2>/dev/null
	fi
	if [ -d "$root/sys/fs/cgroup" ]; then
		mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup" 2>/dev/null
	fi

	mkdir -p "$root/run/vtl"
	cp /init /vtl/params /vtl/cmd.sh "$root/run/vtl/" || die "cannot copy /vtl"
	umount /proc /sys
	exec switch_root "$root" /bin/busybox sh /run/vtl/init vtl-stage2
	die "switch_root failed"
}

stage2() {
	bb=/bin/busybox
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin
	. /run/vtl/params
	exec </dev/null >/dev/console 2>&1

	# Nothing may turn \n into \r\n or echo: both channels are read as
	# files on the host.
	$bb stty -F /dev/ttyS1 raw -echo || die "stty ttyS1"
	$bb stty -F "$result" raw -echo || die "stty ttyS2"

	$bb hostname vtl-vm
	$bb ip link set lo up

	kver=$($bb uname -r)
	# A kernel with everything built in (the debug kernel) has no module
	# tree: give it one made of modules.builtin, so that `modprobe veth`
	# succeeds, and a build link, so that out-of-tree modules find it.
	if [ ! -e "/lib/modules/$kver/modules.dep" ] && [ -n "$VTL_KDIR" ]; then
		$bb mkdir -p "/lib/modules/$kver"
		for f in modules.builtin modules.builtin.modinfo modules.order; do
			if [ -e "$VTL_KDIR/$f" ]; then
				$bb cp "$VTL_KDIR/$f" "/lib/modules/$kver/"
			fi
		done
		$bb ln -s "$VTL_KDIR" "/lib/modules/$kver/build"
		/sbin/depmod "$kver" || die "depmod $kver failed"
	fi

	say "running the command"
	$bb env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TERM=dumb \
		LANG=C.UTF-8 /bin/bash --noprofile --norc /run/vtl/cmd.sh \
		</dev/null >/dev/ttyS1 2>&1
	status=$?
	echo "VTL-VM-EXIT=$status" >"$result"
	say "command exited with $status"

	leaks=/sys/kernel/debug/kmemleak
	if [ -e "$leaks" ]; then
		say "scanning for memory leaks"
		# Let RCU callbacks and deferred frees run, and let every
		# object the command left behind pass kmemleak's minimum age
		# (5 s, younger ones are not reported), then scan once: the
		# report lists what the last scan found unreferenced, and a
		# scan of the debug kernel costs about 10 s under emulation.
		$bb sleep 6
		echo scan >"$leaks"
		{
			echo VTL-VM-KMEMLEAK-BEGIN
			$bb cat "$leaks"
			echo VTL-VM-KMEMLEAK-END
		} >"$result"
	fi

	{
		echo VTL-VM-DMESG-BEGIN
		$bb dmesg
		echo VTL-VM-DMESG-END
		echo VTL-VM-DONE
	} >"$result"

	$bb reboot -f
	$bb sleep 5
	echo b >/proc/sysrq-trigger
}

case "${1:-}" in
vtl-stage2) stage2 ;;
*) stage1 ;;
esac
