#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build vtl.ko against KDIR with W=1 and sparse on every file (C=2), and fail
# on any compiler or sparse warning.  Usage: kbuild-clean.sh KDIR [ARGS...]
# VTL_SRC: the tree to build (default: this one).
set -euo pipefail

kdir=$1
shift
top=${VTL_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

command -v sparse >/dev/null || { echo "sparse is not installed" >&2; exit 1; }
make -s -C "$kdir" M="$top" clean >/dev/null
if ! make -C "$kdir" M="$top" W=1 C=2 "$@" modules >"$log" 2>&1; then
	cat "$log"
	echo "build against $kdir failed" >&2
	exit 1
fi
if grep -E '(warning|error):' "$log"; then
	echo "build against $kdir is not warning-free (W=1, sparse)" >&2
	exit 1
fi
exit 0
