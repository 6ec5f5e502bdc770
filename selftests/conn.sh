#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL connection tracking selftests: TCP (IPv4 and IPv6), UDP and ICMP flows
# through a standalone port appear in "vtlctl conn show" with their state
# and counters; flush; the per-port bound and its drop counter; port del and
# unload with live entries; namespace isolation.  Runs as root inside the
# test VM (selftests/vm/run.sh) with vtl.ko loaded; kselftest TAP output.
#
# Each test builds this topology from scratch, in namespaces named per run:
#
#   $vm                   $host (plays the KVM host)                $remote
#  +-----------+       +-----------------------------------+      +-----------+
#  | eth0      |-veth--| vmif            VTL           up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |  (the VM's tap)    (uplink)       |      | 10.9.0.2  |
#  | fd00::1   |       |                                   |      | fd00::2   |
#  +-----------+       +-----------------------------------+      +-----------+
#
# Environment: see lib.sh; CONN_TESTS, the tests to run (default: all, in
# order: tcp tcp6 udp_icmp bridge max_conns errors isolation teardown).

NS_TAG=c
. "$(dirname "$0")/lib.sh"

# conns EXPR [NETNS]: is the jq EXPR true of the array that
# "vtlctl -j conn show" prints?  Helpers: tcp, udp, icmp (the connections
# of that protocol), t1, u1, i1 (the only one of them, or null).
conns() {
	"$VTLCTL" -n "${2:-$host}" -j conn show 2>/dev/null | jq -e '
def tcp: map(select(.proto == "tcp"));
def udp: map(select(.proto == "udp"));
def icmp: map(select(.proto == "icmp" or .proto == "icmpv6"));
def only: if length == 1 then .[0] else null end;
def t1: tcp | only;
def u1: udp | only;
def i1: icmp | only;
'"$1" >/dev/null
}

# topo [bridge] [max-conns N]: the topology, vmif patched to up0 through
# VTL, IPv4 and IPv6 on the two ends; with "bridge", vmif and up0 are ports
# of a bridge br0 and VTL watches vmif in bridge mode.
topo() {
	local bridge=

	[ "${1:-}" = bridge ] && { bridge=1; shift; }
	cleanup_ns
	rm -f "$tmp"/go* "$tmp"/ready*
	dual_topo &&
	ipb "$vm" <<-EOF &&
		link set lo up
		addr add 10.9.0.1/24 dev eth0
		addr add fd00::1/64 dev eth0 nodad
		link set eth0 up
	EOF
	ipb "$remote" <<-EOF &&
		link set lo up
		addr add 10.9.0.2/24 dev eth0
		addr add fd00::2/64 dev eth0 nodad
		link set eth0 up
	EOF
	ipb "$host" <<<"$topo_host" || return 1
	if [ -n "$bridge" ]; then
		ipb "$host" <<<"$topo_bridge" &&
		vtlctl port add dev vmif mode bridge track on "$@"
	else
		vtlctl port add dev vmif peer up0 track on "$@"
	fi
}

# The peers, in Python.  The server is answer.py PORT [6] (each 10000
# bytes answered with 5000 until EOF).  client.py ADDR PORT TAG: sends
# 10000 bytes and reads 5000, again when $tmp/go-TAG-2 appears, and closes
# when $tmp/go-TAG-close does; $tmp/ready-TAG-N says round N is done.
cat >"$tmp/client.py" <<'EOF'
import os, socket, sys, time
addr, port, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tmp = os.path.dirname(sys.argv[0])
s = socket.create_connection((addr, port), timeout=60)
def wait(name):
    while not os.path.exists(os.path.join(tmp, name)):
        time.sleep(0.05)
def round(n):
    s.sendall(b"q" * 10000)
    got = 0
    while got < 5000:
        got += len(s.recv(65536))
    open(os.path.join(tmp, "ready-%s-%d" % (tag, n)), "w").close()
round(1)
wait("go-%s-2" % tag)
round(2)
wait("go-%s-close" % tag)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
open(os.path.join(tmp, "ready-%s-closed" % tag), "w").close()
EOF
# udp_echo.py: echo every datagram on PORT (IPv4).
cat >"$tmp/udp_echo.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(d, a)
EOF
# udp_flows.py ADDR PORT N: one exchange from each of N source ports.
cat >"$tmp/udp_flows.py" <<'EOF'
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
answered = 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", 30000 + i))
    s.settimeout(2)
    s.sendto(b"hello %d" % i, (addr, port))
    try:
        s.recvfrom(2048)
        answered += 1
    except socket.timeout:
        pass
    s.close()
print(answered)
EOF

# tcp_start ADDR PORT TAG [6]: a server on the remote, a client in the VM,
# after the first round.
tcp_start() {
	local addr=$1 port=$2 tag=$3

	premote python3 -S "$top/selftests/answer.py" "$port" ${4:-} </dev/null \
		>/dev/null 2>&1 &
	busywait 30000 premote sh -c "ss -ltn | grep -q ':$port '" || return 1
	pvm python3 -S "$tmp/client.py" "$addr" "$port" "$tag" </dev/null \
		>"$tmp/client-$tag.out" 2>&1 &
	busywait 30000 test -e "$tmp/ready-$tag-1" ||
		{ diag <"$tmp/client-$tag.out"; return 1; }
}

# ---- tests ---------------------------------------------------------------

test_tcp() {
	local ex

	topo || { fail "tcp: topology"; return; }
	tcp_start 10.9.0.2 5555 t4 || { fail "tcp: connection"; return; }
	ex='t1 | .src == "10.9.0.1" and .dst == "10.9.0.2" and .dport == 5555'
	ex+=' and .sport > 1023 and .family == 4 and .dev == "vmif"'
	check "tcp: the connection is tracked with its addresses and ports" \
		conns "$ex"
	check "tcp: established" conns 't1.state == "established"'
	ex='t1 | .orig.bytes > 10000 and .reply.bytes > 5000'
	ex+=' and .orig.packets >= 3 and .reply.packets >= 2'
	check "tcp: packets and bytes both ways" conns "$ex"
	ex='t1 | .orig.ack == .reply.seq and .reply.ack == .orig.seq'
	ex+=' and .orig.window > 0 and .reply.window > 0'
	check "tcp: each side acknowledges what the other sent" \
		busywait 10000 conns "$ex"
	vtlctl -j conn show >"$tmp/before"
	touch "$tmp/go-t4-2"
	busywait 30000 test -e "$tmp/ready-t4-2" ||
		fail "tcp: second round"
	ex='t1 | .orig.bytes > 20000 and .reply.bytes > 10000'
	ex+=' and .age_ms >= 0 and .idle_ms < 10000'
	check "tcp: the counters grow with the traffic" busywait 10000 conns "$ex"
	touch "$tmp/go-t4-close"
	busywait 30000 test -e "$tmp/ready-t4-closed" ||
		fail "tcp: close"
	check "tcp: a normal close ends in time-wait" busywait 10000 conns \
		't1.state == "time-wait" or t1.state == "closed"'
	vtlctl conn show >"$tmp/text" &&
		grep -q "vmif: tcp 10.9.0.1:[0-9]* -> 10.9.0.2:5555" "$tmp/text" &&
		ok "tcp: text output" ||
		{ fail "tcp: text output"; diag <"$tmp/text"; }
}

test_tcp6() {
	local ex

	topo || { fail "tcp6: topology"; return; }
	tcp_start fd00::2 5556 t6 6 || { fail "tcp6: connection"; return; }
	ex='t1 | .family == 6 and .src == "fd00::1" and .dst == "fd00::2"'
	ex+=' and .dport == 5556 and .state == "established"'
	ex+=' and .orig.bytes > 10000 and .reply.bytes > 5000'
	check "tcp6: an IPv6 connection is tracked, established" conns "$ex"
	touch "$tmp/go-t6-2" "$tmp/go-t6-close"
}

test_udp_icmp() {
	local ex

	topo || { fail "udp: topology"; return; }
	premote python3 -S "$tmp/udp_echo.py" 6000 </dev/null >/dev/null 2>&1 &
	busywait 30000 premote sh -c "ss -lun | grep -q ':6000 '" ||
		{ fail "udp: echo server"; return; }
	[ "$(pvm python3 -S "$tmp/udp_flows.py" 10.9.0.2 6000 1)" = 1 ] ||
		fail "udp: exchange"
	ex='u1 | .src == "10.9.0.1" and .sport == 30000 and .dport == 6000'
	ex+=' and .state == "established"'
	ex+=' and .orig.packets == 1 and .reply.packets == 1'
	check "udp: an exchange is tracked, answered" conns "$ex"
	pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null 2>&1 ||
		fail "icmp: ping"
	ex='i1 | .proto == "icmp" and .src == "10.9.0.1"'
	ex+=' and .orig.packets >= 2 and .reply.packets >= 2'
	check "icmp: a ping is tracked" conns "$ex"
	pvm ping -q -c 1 -W 2 fd00::2 >/dev/null 2>&1 ||
		fail "icmpv6: ping"
	check "icmpv6: an IPv6 ping is tracked" conns \
		'icmp | any(.proto == "icmpv6" and .src == "fd00::1")'
	[ "$(port_stat vmif .conns "")" -ge 3 ] &&
		ok "udp: port show counts the connections" ||
		fail "udp: port show counts the connections"

	vtlctl conn flush dev vmif &&
		check "flush: dev vmif empties the table" conns 'length == 0'
	pvm ping -q -c 1 -W 2 10.9.0.2 >/dev/null 2>&1
	conns 'length == 1' && vtlctl conn flush &&
		check "flush: without dev, every port" conns 'length == 0'
}

test_bridge() {
	local ex

	topo bridge || { fail "bridge: topology"; return; }
	pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null 2>&1 ||
		fail "bridge: ping"
	ex='i1 | .src == "10.9.0.1" and .state == "established"'
	ex+=' and .orig.packets >= 2 and .reply.packets >= 2'
	check "bridge: both hooks track, from and to the VM" conns "$ex"
	premote ping -q -c 1 -W 2 10.9.0.1 >/dev/null 2>&1 ||
		fail "bridge: ping from the remote"
	check "bridge: a connection from the network has the remote as source" \
		conns 'icmp | any(.src == "10.9.0.2")'
}

test_max_conns() {
	local answered

	topo max-conns 10 || { fail "max-conns: topology"; return; }
	[ "$(port_stat vmif .max_conns "")" = 10 ] &&
		ok "max-conns: port add sets it, port show shows it" ||
		fail "max-conns: port add sets it, port show shows it"
	premote python3 -S "$tmp/udp_echo.py" 6000 </dev/null >/dev/null 2>&1 &
	busywait 30000 premote sh -c "ss -lun | grep -q ':6000 '" ||
		{ fail "max-conns: echo server"; return; }
	answered=$(pvm python3 -S "$tmp/udp_flows.py" 10.9.0.2 6000 50)
	[ "$answered" = 50 ] &&
		ok "max-conns: every flow passes, tracked or not" ||
		fail "max-conns: every flow passes, tracked or not ($answered)"
	conns 'length == 10' && [ "$(port_stat vmif .conns "")" = 10 ] &&
		ok "max-conns: at most 10 tracked" ||
		fail "max-conns: at most 10 tracked"
	[ "$(port_stat vmif .conn_dropped "")" -ge 40 ] &&
		ok "max-conns: the rest counted as dropped ($(port_stat vmif .conn_dropped ""))" ||
		fail "max-conns: the rest counted as dropped ($(port_stat vmif .conn_dropped ""))"
	pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null 2>&1 &&
		ok "max-conns: ping passes with a full table" ||
		fail "max-conns: ping passes with a full table"
	vtlctl port set dev vmif max-conns 100 &&
	[ "$(port_stat vmif .max_conns "")" = 100 ] &&
	[ "$(pvm python3 -S "$tmp/udp_flows.py" 10.9.0.2 6000 50)" = 50 ] &&
	conns 'udp | length == 50' &&
		ok "max-conns: port set raises it" ||
		fail "max-conns: port set raises it"
}

test_errors() {
	local out

	topo || { fail "errors: topology"; return; }
	ip -n "$host" link add d0 type dummy
	if vtlctl conn show dev d0 >"$tmp/out" 2>&1; then
		fail "errors: conn show of a device that is not attached"
	else
		grep -q "not attached" "$tmp/out" &&
			ok "errors: conn show of a device that is not attached" ||
			{ fail "errors: conn show message"; diag <"$tmp/out"; }
	fi
	out=$(vtlctl conn flush dev d0 2>&1)
	[[ $out == *"not attached"* ]] &&
		ok "errors: conn flush of a device that is not attached" ||
		fail "errors: conn flush of a device that is not attached: $out"
	out=$(vtlctl port set dev d0 max-conns 5 2>&1)
	[[ $out == *"not attached"* ]] &&
		ok "errors: port set of a device that is not attached" ||
		fail "errors: port set of a device that is not attached: $out"
	out=$(vtlctl port set dev vmif max-conns 99999999 2>&1)
	[ $? != 0 ] && [[ $out == *"max-conns"* || $out == *"range"* ]] &&
		ok "errors: max-conns out of range" ||
		fail "errors: max-conns out of range: $out"
	out=$(vtlctl port set dev vmif 2>&1)
	[[ $out == *'"max-conns" is required'* ]] &&
		ok "errors: port set without a setting" ||
		fail "errors: port set without a setting: $out"
}

test_isolation() {
	topo || { fail "isolation: topology"; return; }
	ip netns add "$other"
	pvm ping -q -c 1 -W 2 10.9.0.2 >/dev/null 2>&1
	# Polled: on a slow kernel the ping may give up before its request,
	# queued behind ARP, has left.
	busywait 30000 conns 'icmp | length == 1' && conns 'length == 0' "$other" &&
		ok "isolation: another netns does not see the connections" ||
		fail "isolation: another netns does not see the connections"
	"$VTLCTL" -n "$other" conn flush && conns 'icmp | length == 1' &&
		ok "isolation: another netns cannot flush them" ||
		fail "isolation: another netns cannot flush them"
}

test_teardown() {
	topo || { fail "teardown: topology"; return; }
	premote python3 -S "$tmp/udp_echo.py" 6000 </dev/null >/dev/null 2>&1 &
	busywait 30000 premote sh -c "ss -lun | grep -q ':6000 '"
	pvm python3 -S "$tmp/udp_flows.py" 10.9.0.2 6000 20 >/dev/null
	# The ping last: on the debug kernel starting the echo server took
	# longer than an ICMP flow lives, and the flow was gone.
	pvm ping -q -c 1 -W 2 10.9.0.2 >/dev/null 2>&1
	busywait 30000 conns '(udp | length) == 20 and (icmp | length) == 1' &&
	vtlctl port del dev vmif &&
	[ "$(vtlctl -j port show)" = "[]" ] &&
		ok "teardown: port del with live connections" ||
		fail "teardown: port del with live connections"
	if [ -z "$VTL_KO" ]; then
		skip "teardown: unload: VTL_KO not set"
		return
	fi
	vtlctl port add dev vmif peer up0 track on &&
	pvm python3 -S "$tmp/udp_flows.py" 10.9.0.2 6000 20 >/dev/null &&
	busywait 30000 conns 'udp | length == 20' && rmmod vtl && insmod "$VTL_KO" &&
		ok "teardown: unload with live connections" ||
		fail "teardown: unload with live connections"
}

# ---- main ----------------------------------------------------------------

tap_start
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed"
	exit 4
fi
for t in ${CONN_TESTS:-tcp tcp6 udp_icmp bridge max_conns errors isolation teardown}; do
	"test_$t"
done
tap_done
