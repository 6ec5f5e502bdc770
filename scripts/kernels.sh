#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the newest installed Debian kernel of each series VTL is tested on,
# one "<series> <version>" line each, e.g.
#
#   6.1 6.1.0-56-amd64
#   6.12 6.12.117+deb12-amd64
#
# A kernel counts as installed when its image, its module tree and its
# headers (build/Makefile) are all present: we must be able to both build
# vtl.ko for it and boot it. With a SERIES argument (6.1, 6.12), print only
# that kernel's version, and exit 1 if it is not installed.

set -euo pipefail

newest() {
	local series=$1 v best=
	for img in /boot/vmlinuz-"$series".*-amd64; do
		[[ -e $img ]] || continue
		v=${img#/boot/vmlinuz-}
		# 6.1.0-56-amd64 is series 6.1; do not let 6.1 match 6.12.
		[[ $v =~ ^${series//./\\.}\.[0-9]+[-+] ]] || continue
		[[ -e /lib/modules/$v/modules.dep ]] || continue
		[[ -e /lib/modules/$v/build/Makefile ]] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n1)
	done
	[[ -n $best ]] && echo "$best"
}

if (($# > 0)); then
	newest "$1" || { echo "kernels.sh: no complete Debian $1 kernel installed" >&2; exit 1; }
	exit 0
fi

found=0
for series in 6.1 6.12; do
	if v=$(newest "$series"); then
		echo "$series $v"
		found=1
	fi
done
((found)) || { echo "kernels.sh: no Debian 6.1 or 6.12 kernel installed (run scripts/install-deps.sh)" >&2; exit 1; }
