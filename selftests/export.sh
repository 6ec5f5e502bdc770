#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL export and import selftests: "vtlctl port export" of a standalone
# port with firewall rules and policies, rewrite rules, what persistence
# learned and tracked TCP (with data), UDP and ICMP connections, imported
# into a fresh port of another namespace: the listings (connections,
# firewall rules, rewrite rules, port settings) are the same, sorted, but
# for what an import gives anew (rule ids, counters, ages).  An imported
# TCP connection is established on a fresh port whose firewall drops
# everything new inbound: its segments pass.  Every failure (another
# format version, a truncated file, a flipped byte, another mode, too
# small a max-conns, a service this module lacks, a port that is not
# attached, bad arguments) says why and leaves the port as it was.  Then
# EXPORT_N connections and EXPORT_N firewall rules (default 10000) are
# exported and imported, and the time it took is reported (not asserted:
# under emulation it is not the hardware's).  Runs as root inside the test
# VM (selftests/vm/run.sh) with vtl.ko loaded; kselftest TAP output.
#
#   $vm                   $host                            $remote
#  +-----------+       +-----------------------------+      +-----------+
#  | eth0      |-veth--| vmif       VTL          up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |                             |      | 10.9.0.2  |
#  +-----------+       +-----------------------------+      +-----------+
#
#   $other: vmif and up0 again (veth pairs to nowhere), a fresh port.
#
# Environment: see lib.sh; EXPORT_N (default 10000, 0 skips the large
# case), EXPORT_TESTS (default: all, in order: roundtrip errors
# established large).

NS_TAG=x
. "$(dirname "$0")/lib.sh"

EXPORT_N=${EXPORT_N:-10000}
xvtl() { "$VTLCTL" -n "$other" "$@"; }

# topo: the shared topology, IPv4 only, VTL patching vmif to up0.
topo() {
	veth_topo && vtlctl port add dev vmif peer up0 track on
}

# other_port [ARGS...]: $other afresh, with vmif and up0 in it and a port
# on vmif (standalone to up0 unless ARGS say otherwise).
other_port() {
	ns_del "$other"
	ipb <<-EOF || return 1
		netns add $other
		netns exec $other sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		link add vmif netns $other type veth peer name vmpeer netns $other
		link add up0 netns $other type veth peer name uppeer netns $other
	EOF
	ipb "$other" <<-EOF || return 1
		link set vmif up
		link set up0 up
		link set vmpeer up
		link set uppeer up
	EOF
	if [ $# -gt 0 ]; then
		xvtl port add dev vmif track on "$@"
	else
		xvtl port add dev vmif peer up0 track on
	fi
}

# listing NETNS [stable]: what a port's export must carry over, as sorted
# JSON: its connections, firewall, rewrite rules and settings, without what
# an import gives anew (rule ids, counters, ages, ifindexes).  With
# "stable", only what does not expire while a test runs (the TCP
# connections, not the UDP and ICMP ones, which the debug kernel is slow
# enough to see time out).
listing() {
	local v=("$VTLCTL" -n "$1" -j) keep=true

	[ "${2:-}" != stable ] || keep='.proto == "tcp"'
	{
		"${v[@]}" conn show dev vmif |
			jq "map(select($keep) | del(.age_ms, .idle_ms, .ifindex)) | sort"
		"${v[@]}" fw show dev vmif |
			jq 'map(del(.ifindex, .accepted, .dropped, .rejected,
				.policy_in_packets, .policy_out_packets)
				| .rules |= map(del(.id, .packets, .bytes, .ifindex)))'
		"${v[@]}" rewrite show dev vmif |
			jq 'map(del(.ifindex, .packets, .bytes)) | sort'
		"${v[@]}" -s port show dev vmif |
			jq 'map({dev, mode, max_conns, suspended,
				fw: (.fw | {policy_in, policy_out, rules_in,
					    rules_out}),
				rewrite: (.rewrite | {rules}),
				persist: (.persist | {vm_addrs, vm_addrs6,
						      vm_mac})})'
	} 2>&1
}

# client.py ADDR PORT: 10000 bytes out, 5000 back; again once $tmp/go
# appears; $tmp/ready-N says round N is done.
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
tmp = os.path.dirname(sys.argv[0])
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
def round(n):
    s.sendall(b"q" * 10000)
    got = 0
    while got < 5000:
        got += len(s.recv(65536))
    open(os.path.join(tmp, "ready-%d" % n), "w").close()
round(1)
while not os.path.exists(os.path.join(tmp, "go")):
    time.sleep(0.05)
round(2)
time.sleep(3600)
EOF
cat >"$tmp/udp_echo.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(d, a)
EOF
# udp_once.py ADDR PORT: one answered exchange from port 30000.
cat >"$tmp/udp_once.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 30000))
s.settimeout(5)
s.sendto(b"hello", (sys.argv[1], int(sys.argv[2])))
s.recvfrom(2048)
EOF
# udp_many.py ADDR N: a datagram to each of N ports: N flows.
cat >"$tmp/udp_many.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"x", (sys.argv[1], 1 + i % 60000 + i // 60000))
EOF
# patch.py FILE OUT WHAT: a copy of an export with a valid header but
# edited payload: "version" sets the format version attribute to 99,
# "service" renames the rewrite service.
cat >"$tmp/patch.py" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
hdr, p = bytearray(d[:24]), bytearray(d[24:])
if sys.argv[3] == "version":
    off = 0
    while off < len(p):
        ln, ty = struct.unpack_from("=HH", p, off)
        if ty == 3:  # VTL_EXPORT_A_VERSION
            struct.pack_into("=I", p, off + 4, 99)
            break
        off += (ln + 3) & ~3
else:
    i = p.index(b"rewrite\0")
    p[i:i + 8] = b"rewritx\0"
struct.pack_into("<I", hdr, 12, zlib.crc32(bytes(p)) & 0xffffffff)
open(sys.argv[2], "wb").write(bytes(hdr) + bytes(p))
EOF

# traffic: a TCP connection after its first round, an answered UDP
# exchange, a ping; the firewall, rewrite rules.
setup_source() {
	local i

	vtlctl fw policy dev vmif dir in drop &&
	vtlctl fw add dev vmif dir in state established,related \
		action accept >/dev/null &&
	vtlctl fw add dev vmif dir in proto tcp dport 22 state new \
		action accept >/dev/null &&
	vtlctl fw add dev vmif dir out proto udp dst 10.8.0.0/16 \
		dport 53-60 action reject >/dev/null || return 1
	for i in 1 2 3 4 5; do
		vtlctl fw add dev vmif dir out src 10.9.$i.0/24 action drop \
			>/dev/null || return 1
	done
	vtlctl rewrite add dev vmif match dst 10.7.0.0/24 \
		set dmac 02:00:00:00:00:07 &&
	vtlctl rewrite add dev vmif match dst 10.7.1.0/24 \
		set dmac 02:00:00:00:00:08 smac 02:00:00:00:00:09 \
		saddr 10.9.0.100 || return 1
	premote python3 -S "$top/selftests/answer.py" 5555 </dev/null >/dev/null 2>&1 &
	premote python3 -S "$tmp/udp_echo.py" 6000 </dev/null >/dev/null 2>&1 &
	busywait 30000 premote sh -c "ss -ltn | grep -q ':5555 '" &&
	busywait 30000 premote sh -c "ss -lun | grep -q ':6000 '" || return 1
	pvm python3 -S "$tmp/client.py" 10.9.0.2 5555 </dev/null \
		>"$tmp/client.out" 2>&1 &
	busywait 30000 test -e "$tmp/ready-1" || return 1
	pvm python3 -S "$tmp/udp_once.py" 10.9.0.2 6000 &&
	pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null
}

test_roundtrip() {
	topo && setup_source || { fail "roundtrip: topology and traffic"; return; }
	vtlctl -j conn show | jq -e '(map(.proto) | sort) == ["icmp", "tcp", "udp"]
		and (map(select(.proto == "tcp"))[0] | .state == "established"
		     and .orig.bytes > 10000)' >/dev/null &&
		ok "roundtrip: TCP with data, UDP and ICMP tracked" ||
		fail "roundtrip: TCP with data, UDP and ICMP tracked"
	check "roundtrip: export to a file" \
		vtlctl port export dev vmif "$tmp/a.vtlx"
	check "roundtrip: the file starts with its magic" \
		test "$(head -c 4 "$tmp/a.vtlx")" = VTLX
	vtlctl port export dev vmif - >"$tmp/b.vtlx" &&
		test "$(head -c 4 "$tmp/b.vtlx")" = VTLX &&
		ok "roundtrip: export to standard output" ||
		fail "roundtrip: export to standard output"
	other_port || { fail "roundtrip: a fresh port in another namespace"; return; }
	check "roundtrip: import into a fresh port of another namespace" \
		xvtl port import dev vmif "$tmp/a.vtlx"
	listing "$host" >"$tmp/l-host"
	listing "$other" >"$tmp/l-other"
	if cmp -s "$tmp/l-host" "$tmp/l-other" &&
	   jq -se '.[0] | length == 3' "$tmp/l-other" >/dev/null; then
		ok "roundtrip: connections, fw rules and policies, rewrite rules, settings identical"
	else
		fail "roundtrip: connections, fw rules and policies, rewrite rules, settings identical"
		diff "$tmp/l-host" "$tmp/l-other" | head -40 | diag
	fi
	xvtl port import dev vmif - <"$tmp/b.vtlx" &&
		listing "$other" | cmp -s - "$tmp/l-host" &&
		ok "roundtrip: import from standard input replaces, not merges" ||
		fail "roundtrip: import from standard input replaces, not merges"
	vtlctl port suspend dev vmif &&
		vtlctl port export dev vmif "$tmp/s.vtlx" &&
		vtlctl port resume dev vmif &&
		xvtl port import dev vmif "$tmp/s.vtlx" &&
		xvtl -j port show dev vmif | jq -e '.[0].suspended' >/dev/null &&
		ok "roundtrip: the suspended flag moves" ||
		fail "roundtrip: the suspended flag moves"
	xvtl port import dev vmif "$tmp/a.vtlx" &&
		xvtl -j port show dev vmif | jq -e '.[0].suspended | not' \
			>/dev/null &&
		ok "roundtrip: and goes with the next import" ||
		fail "roundtrip: and goes with the next import"
}

# bad_import WHAT PATTERN ARGS...: "port import ARGS" in $other fails with
# an error matching PATTERN, and the port's listing is as it was.
bad_import() {
	local what=$1 pat=$2 rc=0

	shift 2
	listing "$other" stable >"$tmp/before"
	xvtl port import "$@" >"$tmp/out" 2>&1 || rc=$?
	listing "$other" stable >"$tmp/after"
	if [ "$rc" != 0 ] && grep -q -- "$pat" "$tmp/out" &&
	   cmp -s "$tmp/before" "$tmp/after"; then
		ok "errors: $what: refused, the port unchanged"
	else
		fail "errors: $what: refused, the port unchanged (exit $rc)"
		diag <"$tmp/out"
		diff "$tmp/before" "$tmp/after" | head -20 | diag
	fi
}

test_errors() {
	local f=$tmp/a.vtlx sz rc

	[ -e "$f" ] && [ -e "/var/run/netns/$other" ] || test_roundtrip
	# A state of its own, unlike the file's: what a failed import must
	# leave.
	xvtl conn flush dev vmif &&
		xvtl fw policy dev vmif dir in accept &&
		xvtl fw add dev vmif dir out proto icmp action drop >/dev/null &&
		xvtl rewrite add dev vmif match dst 10.6.0.0/16 \
			set dmac 02:00:00:00:00:06 ||
		fail "errors: the target port's own state"
	python3 -S "$tmp/patch.py" "$f" "$tmp/ver.vtlx" version
	bad_import "another format version" \
		"version 99, and this vtl.ko reads version 1" dev vmif "$tmp/ver.vtlx"
	sz=$(stat -c %s "$f")
	head -c $((sz - 100)) "$f" >"$tmp/trunc.vtlx"
	bad_import "a truncated file" "truncated" dev vmif "$tmp/trunc.vtlx"
	head -c 10 "$f" >"$tmp/short.vtlx"
	bad_import "a file shorter than its header" "truncated" \
		dev vmif "$tmp/short.vtlx"
	cp "$f" "$tmp/flip.vtlx"
	printf '\xff' | dd of="$tmp/flip.vtlx" bs=1 seek=$((sz / 2)) \
		conv=notrunc status=none
	bad_import "a flipped byte" "checksum" dev vmif "$tmp/flip.vtlx"
	printf 'JUNK' | cat - "$f" >"$tmp/junk.vtlx"
	bad_import "not an export" "no VTLX header" dev vmif "$tmp/junk.vtlx"
	python3 -S "$tmp/patch.py" "$f" "$tmp/svc.vtlx" service
	bad_import "a service this vtl.ko lacks" \
		"service 'rewritx' is not in this vtl.ko" dev vmif "$tmp/svc.vtlx"
	xvtl port set dev vmif max-conns 2
	bad_import "max-conns too small" "max-conns is 2" dev vmif "$f"
	xvtl port set dev vmif max-conns 65536
	ip -n "$other" link add d0 type dummy
	ip -n "$other" link set d0 up
	bad_import "a device that is not attached" "not attached" dev d0 "$f"
	xvtl port add dev d0 mode host-only
	listing "$other" stable >"$tmp/keep"
	xvtl port import dev d0 "$f" >"$tmp/out" 2>&1 && rc=0 || rc=$?
	[ "$rc" != 0 ] &&
		grep -q "exported from a standalone port, not a host-only one" "$tmp/out" &&
		xvtl -j fw show dev d0 | jq -e '.[0].rules == [] or .[0].rules == null' >/dev/null &&
		xvtl -j conn show dev d0 | jq -e 'length == 0' >/dev/null &&
		listing "$other" stable | cmp -s - "$tmp/keep" &&
		ok "errors: a port of another mode: refused, the port unchanged" ||
		{ fail "errors: a port of another mode: refused, the port unchanged"; diag <"$tmp/out"; }
	bad_import "a file that does not exist" "No such file" \
		dev vmif "$tmp/nonexistent"
	for args in "dev vmif" "$f" "dev vmif $f extra" "dev" "dev vmif dev vmif $f"; do
		# shellcheck disable=SC2086
		xvtl port import $args >"$tmp/out" 2>&1 && rc=0 || rc=$?
		[ "$rc" = 2 ] && ok "errors: import $args: usage (exit 2)" ||
			{ fail "errors: import $args: usage (exit 2, got $rc)"; diag <"$tmp/out"; }
	done
	xvtl port export >"$tmp/out" 2>&1 && rc=0 || rc=$?
	check "errors: export without dev: usage (exit 2)" test "$rc" = 2
	xvtl port export dev d1 "$tmp/x" >"$tmp/out" 2>&1 && rc=0 || rc=$?
	[ "$rc" = 1 ] && grep -q "Cannot find device" "$tmp/out" &&
		ok "errors: export of a missing device" ||
		fail "errors: export of a missing device"
	ip -n "$other" link add d1 type dummy
	xvtl port export dev d1 "$tmp/x" >"$tmp/out" 2>&1 && rc=0 || rc=$?
	[ "$rc" = 1 ] && grep -q "not attached" "$tmp/out" &&
		ok "errors: export of a device that is not attached" ||
		{ fail "errors: export of a device that is not attached"; diag <"$tmp/out"; }
}

# A fresh port on the same devices, its state imported: the TCP
# connection's next round passes a firewall that drops new inbound
# connections and whatever it does not track.
test_established() {
	[ -e "$tmp/a.vtlx" ] && [ -e "$tmp/ready-1" ] ||
		{ topo && setup_source && vtlctl port export dev vmif "$tmp/a.vtlx"; } ||
		{ fail "established: topology"; return; }
	vtlctl port del dev vmif &&
		vtlctl port add dev vmif peer up0 track on &&
		check "established: import into the port added again" \
			vtlctl port import dev vmif "$tmp/a.vtlx"
	vtlctl -j fw show dev vmif | jq -e '.[0].policy_in == "drop"' \
		>/dev/null || fail "established: the in policy is drop"
	touch "$tmp/go"
	if busywait 30000 test -e "$tmp/ready-2"; then
		ok "established: the imported TCP connection's segments pass"
	else
		fail "established: the imported TCP connection's segments pass"
		vtlctl -j -s fw show dev vmif | diag
		vtlctl conn show dev vmif | diag
	fi
	vtlctl -j conn show dev vmif |
		jq -e 'map(select(.proto == "tcp"))[0] | .state == "established"
			and .orig.bytes > 20000' >/dev/null &&
		ok "established: and the imported model follows them" ||
		fail "established: and the imported model follows them"
	# The same firewall drops what the table does not know.
	pvm python3 -S "$top/selftests/answer.py" 7777 </dev/null >/dev/null 2>&1 &
	busywait 30000 pvm sh -c "ss -ltn | grep -q ':7777 '" ||
		fail "established: a server in the VM"
	premote timeout 3 python3 -S -c 'import socket
socket.create_connection(("10.9.0.1", 7777), timeout=2)' 2>/dev/null &&
		fail "established: a new inbound connection is dropped" ||
		ok "established: a new inbound connection is dropped"
}

test_large() {
	local n=$EXPORT_N t0 t1 t2 conns rules sz

	if [ "$n" = 0 ]; then
		skip "large: EXPORT_N=0"
		return
	fi
	topo || { fail "large: topology"; return; }
	for ((i = 0; i < n; i++)); do
		echo "dir in proto tcp dport $((1 + i % 60000)) src 10.$((i / 60000)).0.0/16 action accept"
	done >"$tmp/rules"
	t0=$(now_ms)
	vtlctl fw load dev vmif "$tmp/rules" ||
		{ fail "large: fw load of $n rules"; return; }
	echo "# for comparison, fw load of $n rules: $(($(now_ms) - t0)) ms"
	pvm ping -q -c 1 -W 2 10.9.0.2 >/dev/null 2>&1
	pvm python3 -S "$tmp/udp_many.py" 10.9.0.2 "$n" ||
		{ fail "large: $n flows"; return; }
	busywait 20000 sh -c "[ \"\$($VTLCTL -n $host -j -s port show dev vmif |
		jq '.[0].conns')\" -ge $n ]" ||
		{ fail "large: $n connections tracked"; return; }
	other_port || { fail "large: a fresh port"; return; }
	t0=$(now_ms)
	vtlctl port export dev vmif "$tmp/big.vtlx" || fail "large: export"
	t1=$(now_ms)
	xvtl port import dev vmif "$tmp/big.vtlx" || fail "large: import"
	t2=$(now_ms)
	sz=$(stat -c %s "$tmp/big.vtlx")
	echo "# export+import of $n conns and $n rules: $((t2 - t0)) ms" \
		"(export $((t1 - t0)) ms, import $((t2 - t1)) ms, $sz bytes)"
	conns=$(xvtl -j -s port show dev vmif | jq '.[0].conns')
	rules=$(xvtl -j -s port show dev vmif | jq '.[0].fw.rules_in')
	[ "$conns" -ge "$n" ] && [ "$rules" = "$n" ] &&
		ok "large: $conns connections and $rules rules arrive" ||
		fail "large: $n connections and $n rules arrive ($conns, $rules)"
}

tap_start
for t in ${EXPORT_TESTS:-roundtrip errors established large}; do
	"test_$t"
done
tap_done
