# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by bench-vm.sh and bench-socks.sh: the arithmetic of their tables.

# best A B: the larger of two integers (B may be unset: 0)
best() { [ "${1:-0}" -gt "${2:-0}" ] && echo "$1" || echo "${2:-0}"; }
# lowest A B: the smaller, B unset or 0 meaning none yet
lowest() { [ "${2:-0}" = 0 ] || [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
# ratio A B: A / B as "1.23x"
ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
# mbit BITS: in Mbit/s, one decimal
mbit() { python3 -c "print(f'{$1 / 1e6:.1f}')"; }
