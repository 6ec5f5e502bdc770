#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl --strict on the given files.  The script
# comes from Debian's linux-source-6.1 (the headers packages do not ship it)
# and is cached outside the tree.
set -euo pipefail

cache=${VTL_CACHE:-/var/cache/vtl}/checkpatch
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1 || true)
if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
	if [ -z "$tarball" ]; then
		echo "checkpatch: linux-source-6.1 is not installed (scripts/install-deps.sh)" >&2
		exit 1
	fi
	tmp=$(mktemp -d "${cache%/*}/checkpatch.XXXXXX" 2>/dev/null ||
	      { mkdir -p "${cache%/*}"; mktemp -d "${cache%/*}/checkpatch.XXXXXX"; })
	tar -C "$tmp" --strip-components=1 --wildcards -xf "$tarball" \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	rm -rf "$cache"
	mv "$tmp" "$cache"
fi
# Out of tree: no kernel tree to check includes against, and the SPDX tag
# style of a kernel tree is what we follow anyway.
exec perl "$cache/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types --ignore FILE_PATH_CHANGES -f "$@"
