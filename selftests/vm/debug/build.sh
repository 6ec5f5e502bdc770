#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the VTL debug kernel: Debian's linux-source-6.1, allnoconfig
# plus config.fragment (KASAN, UBSAN, kmemleak, lockdep, refcount trackers),
# everything the test VM needs built in.
#
#   build.sh                 build if needed, print nothing but progress
#   build.sh --print-kdir    print the prepared tree (make -C <tree> M=...)
#   build.sh --print-image   print the bzImage path
#   build.sh --print-kver    print the kernel release (uname -r in the VM)
#
# The result is cached outside the repository, in
# ${VTL_CACHE:-/var/cache/vtl}/debug-<key>/, where <key> hashes the fragment,
# the linux-source package version and this script's recipe version; a fresh
# clone on the same machine reuses it. Concurrent builds serialise on a flock
# and build into a temporary directory renamed into place when complete, so a
# reader never sees a half-built tree.
#
# Progress goes to stderr; the full build log is kept as build.log beside the
# tree. Environment: VTL_CACHE, VTL_JOBS (default: nproc), VTL_NICE (default 19).

set -euo pipefail

# Bump when the steps below change in a way that changes the output.
readonly RECIPE=1
readonly SRC_PKG=linux-source-6.1
readonly SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/config.fragment
cache=${VTL_CACHE:-/var/cache/vtl}
jobs=${VTL_JOBS:-$(nproc)}
niceness=${VTL_NICE:-19}

die() { echo "debug/build.sh: $*" >&2; exit 1; }
say() { echo "debug/build.sh: $*" >&2; }

print=
case "${1:-}" in
"") ;;
--print-kdir) print=kdir ;;
--print-image) print=image ;;
--print-kver) print=kver ;;
-h|--help) sed -n '4,22s/^# \{0,1\}//p' "$0"; exit 0 ;;
*) die "unknown argument '$1' (try --help)" ;;
esac

src_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "$SRC_PKG is not installed (scripts/install-deps.sh installs it)"
[[ -r $SRC_TARBALL ]] || die "$SRC_TARBALL missing: reinstall $SRC_PKG"

key=$({ echo "recipe $RECIPE"; echo "$SRC_PKG $src_version"; cat "$fragment"; } |
	sha256sum | cut -c1-16)
out=$cache/debug-$key

emit() {
	case $print in
	kdir) echo "$out/linux" ;;
	image) echo "$out/bzImage" ;;
	kver) cat "$out/kernelrelease" ;;
	esac
}

# Fast path, no lock: the directory only ever appears complete (rename).
if [[ -e $out/.complete ]]; then
	emit
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/debug-$key.lock"
if ! flock -n 9; then
	say "another build of debug-$key is running; waiting for it"
	flock 9
fi
if [[ -e $out/.complete ]]; then
	emit
	exit 0
fi
# Under the lock, a directory without .complete (an interrupted rename) or a
# temporary one (a killed build) is a leftover.
rm -rf "$out" "$cache/.debug-$key".*

tmp=$(mktemp -d "$cache/.debug-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log=$tmp/build.log
start=$SECONDS

say "building debug kernel $key ($SRC_PKG $src_version) in $tmp"
say "full log: $log (expect ~15-20 min on 2 cores)"

kmake() {
	nice -n "$niceness" make -C "$tmp/linux" ARCH=x86_64 "$@" >>"$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "make $* failed (log: $log)"; }
}

say "unpacking $SRC_TARBALL"
nice -n "$niceness" tar -C "$tmp" -xf "$SRC_TARBALL"
mv "$tmp/linux-source-6.1" "$tmp/linux"

say "configuring: allnoconfig + config.fragment + olddefconfig"
kmake allnoconfig
(cd "$tmp/linux" && scripts/kconfig/merge_config.sh -m .config "$fragment") \
	>>"$log" 2>&1 || die "merge_config.sh failed (log: $log)"
kmake olddefconfig

# Kconfig silently drops what it cannot satisfy: check every promise.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		if ! grep -qxF -- "$line" "$tmp/linux/.config"; then
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$tmp/linux/.config" ||
				echo "absent")
			say "fragment option not applied: $line (got: $got)"
			missing=1
		fi
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$tmp/linux/.config"; then
			say "fragment option not applied: $line (got: $(grep -E "^$sym=" "$tmp/linux/.config"))"
			missing=1
		fi
		;;
	esac
done <"$fragment"
((missing == 0)) || die "config.fragment not fully applied; fix its dependencies"
cp "$tmp/linux/.config" "$tmp/config"

say "compiling with $jobs jobs at nice $niceness"
# bzImage and modules: the latter runs modpost, which writes Module.symvers,
# so the tree is ready for `make -C <tree> M=<dir> modules`.
kmake -j"$jobs" bzImage modules
cp "$tmp/linux/arch/x86/boot/bzImage" "$tmp/bzImage"
make -s -C "$tmp/linux" ARCH=x86_64 kernelrelease >"$tmp/kernelrelease"
[[ -s $tmp/linux/Module.symvers ]] || die "no Module.symvers in the tree"
[[ -s $tmp/linux/modules.builtin ]] || die "no modules.builtin in the tree"

echo "$key $SRC_PKG $src_version built in $((SECONDS - start))s" >"$tmp/.complete"
chmod 755 "$tmp"
mv "$tmp" "$out"
trap - EXIT
say "done in $((SECONDS - start))s: $out ($(cat "$out/kernelrelease"))"
emit
