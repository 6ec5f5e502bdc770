#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, with apt, everything VTL needs on a fresh Debian 12: compilers and
# libraries for vtlctl, what Kbuild needs, the two Debian kernels the module
# is tested on (6.1 and the newest 6.12 whose headers are also published),
# Debian's linux-source-6.1 for the debug kernel, and qemu/busybox to boot
# them. Idempotent: when everything is installed it asks dpkg only, never apt,
# and returns at once. Prints the kernel versions it settled on.
#
# Must run as root (CI does). Environment: APT_LOCK_TIMEOUT (seconds to wait
# for another apt/dpkg to finish, default 900). --dry-run: take the apt path
# (update, pick the 6.12 kernel) but only simulate the install.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

packages=(
	# vtlctl and tests
	build-essential gcc clang make pkg-config
	libnl-3-dev libnl-genl-3-dev libjson-c-dev zlib1g-dev
	sparse valgrind groff-base
	# Kbuild, and the debug kernel build
	libelf-dev bc flex bison libssl-dev dwarves cpio xz-utils zstd kmod
	linux-source-6.1
	# Kernels to build against and boot, and what boots them
	linux-headers-amd64 linux-image-amd64
	qemu-system-x86 busybox-static
	# Inside the VM: the host's userspace is the guest's
	iproute2 iperf3 ethtool tcpdump iputils-ping python3 util-linux jq
	# jq in Go: vm-tests.sh has it answer to jq, as it starts faster
	gojq
	# SOCKS proxies for selftests/socks.sh (run by hand there, never as
	# services: nothing starts services in the VM)
	microsocks dante-server tor
	# make bench's peer for the SOCKS comparison: redsocks behind an nft
	# redirect
	redsocks nftables
)

dry_run=0
case "${1:-}" in
"") ;;
--dry-run) dry_run=1 ;;	# take the apt path, but only simulate the install
*) echo "usage: install-deps.sh [--dry-run]" >&2; exit 2 ;;
esac

# One dpkg-query for everything: "<status> <package>" for each known one.
status=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${packages[@]}" \
	'linux-image-6.12.*+deb12-amd64' 'linux-headers-6.12.*+deb12-amd64' \
	2>/dev/null || true)
installed() { grep -qxF -- "ii  $1" <<<"$status"; }

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
# The newest installed 6.12 kernel that has its headers installed too.
k612=
for pkg in $(awk '$1 == "ii" && $2 ~ /^linux-image-6\.12\./ { print $2 }' <<<"$status" | sort -rV); do
	if installed "linux-headers-${pkg#linux-image-}"; then
		k612=${pkg#linux-image-}
		break
	fi
done
((dry_run == 0)) || k612=

if ((${#missing[@]} == 0)) && [[ -n $k612 ]]; then
	echo "install-deps: all packages already installed"
	"$here/kernels.sh"
	exit 0
fi

((EUID == 0)) || { echo "install-deps: must run as root to install: ${missing[*]} ${k612:-linux-image-6.12}" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -q -o DPkg::Lock::Timeout="${APT_LOCK_TIMEOUT:-900}")

echo "install-deps: apt-get update"
"${apt[@]}" update

if [[ -z $k612 ]]; then
	# The newest 6.12 image whose matching headers are also in the archive.
	for pkg in $(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{ print $1 }' | sort -rV); do
		ver=${pkg#linux-image-}
		if apt-cache show "linux-headers-$ver" >/dev/null 2>&1; then
			k612=$ver
			break
		fi
	done
	[[ -n $k612 ]] || { echo "install-deps: no linux-image-6.12.*+deb12-amd64 with headers in apt's lists" >&2; exit 1; }
	missing+=("linux-image-$k612" "linux-headers-$k612")
fi

echo "install-deps: installing ${missing[*]}"
if ((dry_run)); then
	"${apt[@]}" install -s -y --no-install-recommends "${missing[@]}" | grep -E '^(Inst|Conf) ' || true
	echo "install-deps: dry run, nothing installed"
	exit 0
fi
"${apt[@]}" install -y --no-install-recommends "${missing[@]}"

"$here/kernels.sh"
