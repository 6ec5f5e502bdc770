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
# ratios "A1 A2 .." "B1 B2 ..": the round-by-round ratios Ai / Bi, then
# their median and spread, as "0.91 0.95 1.02 | 0.95 0.91-1.02"
ratios() {
	python3 -c 'import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
r = [x / y if y else 0.0 for x, y in zip(a, b)]
print(" ".join(f"{x:.2f}" for x in r), "|",
      f"{statistics.median(r):.2f} {min(r):.2f}-{max(r):.2f}")' "$1" "$2"
}
# median "A1 A2 ..": the median of integers, as an integer
median() {
	python3 -c 'import statistics, sys
print(int(statistics.median(int(x) for x in sys.argv[1].split())))' "$1"
}
