# SPDX-License-Identifier: GPL-2.0
# Sourced by demo.sh and bench.sh: install what is needed, build vtlctl and
# vtl.ko for the Debian kernel the VM boots, and set $kver and $ko.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh >/dev/null || { echo "installing dependencies failed" >&2; exit 1; }
kver=${KVER:-$(scripts/kernels.sh | head -n1 | cut -d' ' -f2)}
make -s vtlctl || exit 1
make -s KVER="$kver" module 2>&1 | grep -v "Skipping BTF" || true
mkdir -p "build/$kver" && cp kmod/vtl.ko "build/$kver/vtl.ko" || exit 1
ko=build/$kver/vtl.ko
