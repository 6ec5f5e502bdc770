#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL stateful firewall selftests: accept, drop and reject of TCP, UDP and
# ICMP, IPv4 and IPv6, both directions, in standalone and bridge mode; port
# ranges, address prefixes, connection states (new, established, related,
# invalid), default policies, per-rule and per-port counters; fw del, flush
# and an atomic fw load of 10,000 rules under a running flow; bad input that
# changes nothing; the guest's namespace cannot see or touch the rules;
# rules go with their port and with the module, and survive being flushed
# under a flood.  Runs as root inside the test VM (selftests/vm/run.sh) with
# vtl.ko loaded; kselftest TAP output.
#
# Each test builds this topology from scratch, in namespaces named per run:
#
#   $vm                   $host (plays the KVM host)                $remote
#  +-----------+       +-----------------------------------+      +-----------+
#  | eth0      |-veth--| vmif            VTL           up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |  (the VM's tap)    (uplink)       |      | 10.9.0.2  |
#  | 10.9.0.33 |       |   "out": from the VM              |      | 10.9.0.66 |
#  | fd00::1   |       |   "in":  toward the VM            |      | fd00::2,3 |
#  +-----------+       +-----------------------------------+      +-----------+
#
# In bridge mode vmif and up0 are ports of a bridge br0 of $host and VTL
# watches vmif.  Every verdict is checked by what the ends see: an answer
# ("ok"), ECONNREFUSED from a TCP RST or an ICMP unreachable ("refused"),
# or nothing ("timeout").
#
# Environment: see lib.sh.  FW_TIMEOUT: seconds a probe waits for an
# answer that a drop withholds (default 2).  FW_QUICK=1 (for slow debug
# kernels): bridge mode only for TCP and UDP; no policy, counter, range,
# prefix and error tests; 2 loads under the flow instead of 6, 3 rounds of
# churn instead of 10: every kernel path, fewer repeats.  FW_ONLY: run only
# these tests, e.g. FW_ONLY="test_tcp:bridge test_load".  FW_RULES: the
# drop rules of test_load's and test_unload's big sets (default 10000;
# at least 1000): the same kernel paths (a load in many netlink messages,
# one RCU swap) with any count past a few hundred.

NS_TAG=f
. "$(dirname "$0")/lib.sh"

FW_TIMEOUT=${FW_TIMEOUT:-2}
FW_QUICK=${FW_QUICK:-0}
FW_RULES=${FW_RULES:-10000}
[ "$FW_RULES" -ge 1000 ] 2>/dev/null || { echo "fw.sh: FW_RULES=$FW_RULES: at least 1000" >&2; exit 2; }
# The big sets' size, with their two accept rules.
big=$((FW_RULES + 2))
# The interpreter itself: a version manager's shim costs seconds a start
# under emulation, and the peers start a hundred times.
PY=$(python3 -S -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=python3
mode=standalone

# ---- the peers, in Python -------------------------------------------------

# peer.py serve PORT...: TCP and UDP echo servers on every PORT, IPv4 and
# IPv6; touches $tmp/served-PORT1 when all listen.
# peer.py tcp|udp ADDR PORT [SRC [SPORT]]: one exchange; prints "ok" for
# the echo, "refused" for ECONNREFUSED, "timeout", or the errno's name.
# peer.py ack SRC DST DPORT: a TCP ACK for no connection, from a raw
# socket; prints "rst" when DST answers it with a RST, else "none".
# peer.py flow ADDR PORT STOP: one UDP exchange every 10 ms until the file
# STOP exists; prints "SENT LOST" (no answer within 3 s is lost).
cat >"$tmp/peer.py" <<'EOF'
import errno, os, random, select, socket, struct, sys, threading, time
T = float(os.environ.get("FW_TIMEOUT", "2"))

def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)

# A UDP answer from the address the question went to, not the one routing
# would pick (the remote has several).
def answer(s, d, anc, a):
    out = []
    for lvl, typ, data in anc:
        if lvl == socket.IPPROTO_IP and typ == IP_PKTINFO:
            out = [(lvl, typ, struct.pack("I4s4s", 0, data[8:12], bytes(4)))]
        elif lvl == socket.IPPROTO_IPV6 and typ == socket.IPV6_PKTINFO:
            out = [(lvl, typ, data[:16] + struct.pack("I", 0))]
    s.sendmsg([d], out, 0, a)

def serve(ports):
    socks = []
    for p in ports:
        for f, a in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(f, t)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if f == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    if t == socket.SOCK_DGRAM:
                        s.setsockopt(socket.IPPROTO_IPV6,
                                     socket.IPV6_RECVPKTINFO, 1)
                elif t == socket.SOCK_DGRAM:
                    s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
                s.bind((a, p))
                if t == socket.SOCK_STREAM:
                    s.listen(64)
                socks.append(s)
    open(os.path.join(os.path.dirname(sys.argv[0]),
                      "served-%d" % ports[0]), "w").close()
    def echo(c):
        try:
            while True:
                d = c.recv(65536)
                if not d:
                    break
                c.sendall(d)
        except OSError:
            pass
        c.close()
    while True:
        for s in select.select(socks, [], [])[0]:
            try:
                if s.type == socket.SOCK_STREAM:
                    c, _ = s.accept()
                    threading.Thread(target=echo, args=(c,), daemon=True).start()
                else:
                    d, anc, _, a = s.recvmsg(65536, 256)
                    answer(s, d, anc, a)
            except OSError:
                pass

def probe(kind, addr, port, src=None, sport=0):
    s = socket.socket(fam(addr), socket.SOCK_STREAM if kind == "tcp"
                      else socket.SOCK_DGRAM)
    s.settimeout(T)
    if src or sport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((src or "", sport))
    try:
        s.connect((addr, port))
        s.send(b"hello")
        d = s.recv(100)
        return "ok" if d == b"hello" else "short"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return "refused" if e.errno == errno.ECONNREFUSED else \
            errno.errorcode.get(e.errno, str(e))

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ack(src, dst, dport):
    sport = random.randint(40000, 49999)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32),
                      random.getrandbits(32), 5 << 4, 0x10, 8192, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(hdr))
    hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
    r.sendto(hdr, (dst, 0))
    end = time.time() + T
    while time.time() < end:
        if not select.select([r], [], [], max(0, end - time.time()))[0]:
            break
        d = r.recv(2048)
        ihl = (d[0] & 15) * 4
        sp, dp = struct.unpack("!HH", d[ihl:ihl + 4])
        if sp == dport and dp == sport and d[ihl + 13] & 0x04:
            return "rst"
    return "none"

def flow(addr, port, stop):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.connect((addr, port))
    sent = lost = 0
    while not os.path.exists(stop):
        sent += 1
        s.send(b"%d" % sent)
        end = time.time() + 3
        got = False
        while not got and time.time() < end:
            if not select.select([s], [], [], max(0, end - time.time()))[0]:
                break
            try:
                got = s.recv(100) == b"%d" % sent
            except OSError:
                break
        if not got:
            lost += 1
        if sent == 1:
            open(stop + ".started", "w").close()
        time.sleep(0.01)
    print(sent, lost)

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "serve":
    serve([int(p) for p in a])
elif cmd in ("tcp", "udp"):
    print(probe(cmd, a[0], int(a[1]), a[2] if len(a) > 2 else None,
                int(a[3]) if len(a) > 3 else 0))
elif cmd == "ack":
    print(ack(a[0], a[1], int(a[2])))
elif cmd == "flow":
    flow(a[0], int(a[1]), a[2])
EOF

# ---- helpers --------------------------------------------------------------

# serve NETNS PORT...: echo servers on every PORT in NETNS.
serve() {
	local ns=$1

	shift
	rm -f "$tmp/served-$1"
	# In a subshell, so that cleanup_ns's kill -9 is not reported.
	(ip netns exec "$ns" env FW_TIMEOUT="$FW_TIMEOUT" \
		"$PY" -S "$tmp/peer.py" serve "$@" </dev/null >/dev/null 2>&1 &)
	busywait 30000 test -e "$tmp/served-$1"
}

# probe NETNS tcp|udp ADDR PORT [SRC [SPORT]]: prints what came back.
probe() {
	local ns=$1

	shift
	ip netns exec "$ns" env FW_TIMEOUT="$FW_TIMEOUT" \
		"$PY" -S "$tmp/peer.py" "$@" </dev/null 2>&1
}

# expect WHAT RESULT NETNS ARGS...: a probe must print RESULT.
expect() {
	local what=$1 want=$2 got

	shift 2
	got=$(probe "$@")
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		fail "$what: got '$got', expected '$want'"
	fi
}

# ping_from NETNS ADDR: prints ok, unreachable (an ICMP error came back,
# "Destination ... Unreachable" or "... Prohibited") or timeout.
ping_from() {
	local out

	if out=$(ip netns exec "$1" ping -n -c 1 -W "$FW_TIMEOUT" "$2" 2>&1); then
		echo ok
	elif grep -Eqi 'unreachable|prohibited' <<<"$out"; then
		echo unreachable
	else
		echo timeout
	fi
}

expect_ping() {
	local what=$1 want=$2 got

	got=$(ping_from "$3" "$4")
	if [ "$got" = "$want" ]; then
		ok "$what"
	else
		fail "$what: got '$got', expected '$want'"
	fi
}

fw() { vtlctl fw "$@"; }

# rules [DEV]: the rules in "vtlctl -j -s fw show" of DEV (vmif): an array,
# "in" first, each with id, dir, action, its match keys (sport and dport
# as {min, max}, state as an array) and packets and bytes.
rules() {
	vtlctl -j -s fw show dev "${1:-vmif}" | jq '.[0].rules'
}

# rules_are EXPR [DEV]: is the jq EXPR true of that array?
rules_are() {
	rules "${2:-vmif}" 2>/dev/null | jq -e "$1" >/dev/null
}

nrules() { rules | jq length; }

# last_id DIR: the id of the last rule of direction DIR.
last_id() {
	rules | jq -r --arg d "$1" 'map(select(.dir == $d)) | last | .id'
}

# hits ID [bytes]: packets (or bytes) rule ID matched.
hits() {
	rules | jq -r --argjson i "$1" --arg k "${2:-packets}" \
		'(map(select(.id == $i))[0][$k]) // -1'
}

# Predicates for busywait.
rx_above() {
	[ "$(vtlctl -j -s port show | jq '.[0].stats.rx_packets')" -gt "$1" ]
}
no_rules_of() { ! fw show dev "$1" >/dev/null 2>&1; }

# add ARGS...: fw add dev vmif ARGS, quietly; fails as fw add does.
add() { fw add dev vmif "$@" >/dev/null; }

# topo [bridge]: the topology, vmif patched to up0 through VTL (or both in
# br0, VTL in bridge mode); IPv6 neighbours are static so that a policy
# that drops ICMPv6 does not break address resolution (ARP is never
# filtered).
topo() {
	local vmac rmac

	mode=${1:-standalone}
	cleanup_ns
	rm -f "$tmp"/served-* "$tmp"/stop*
	dual_topo net.ipv6.conf.default.router_solicitations=0 &&
	ipb "$vm" <<-EOF &&
		link set lo up
		addr add 10.9.0.1/24 dev eth0
		addr add 10.9.0.33/24 dev eth0
		addr add fd00::1/64 dev eth0 nodad
		link set eth0 up
	EOF
	ipb "$remote" <<-EOF &&
		link set lo up
		addr add 10.9.0.2/24 dev eth0
		addr add 10.9.0.66/24 dev eth0
		addr add fd00::2/64 dev eth0 nodad
		addr add fd00::3/64 dev eth0 nodad
		link set eth0 up
	EOF
	ipb "$host" <<<"$topo_host" || return 1
	vmac=$(mac_of "$vm" eth0)
	rmac=$(mac_of "$remote" eth0)
	ipb "$vm" <<-EOF &&
		neigh replace fd00::2 lladdr $rmac dev eth0 nud permanent
		neigh replace fd00::3 lladdr $rmac dev eth0 nud permanent
	EOF
	ip -n "$remote" neigh replace fd00::1 lladdr "$vmac" dev eth0 nud permanent ||
		return 1
	if [ "$mode" = bridge ]; then
		ipb "$host" <<<"$topo_bridge
link set br0 type bridge mcast_snooping 0" &&
		vtlctl port add dev vmif mode bridge
	else
		vtlctl port add dev vmif peer up0
	fi
}

# ---- tests ----------------------------------------------------------------

# TCP: drop times out, reject is refused (a RST), both directions, IPv4
# and IPv6; the rule's counter moves.
test_tcp() {
	local m=$1 id

	topo "$m" || { fail "$m tcp: topology"; return; }
	serve "$remote" 5001 5002 && serve "$vm" 7001 ||
		{ fail "$m tcp: servers"; return; }
	expect "$m tcp: VM to remote with no rules" ok "$vm" tcp 10.9.0.2 5001
	add dir out proto tcp dport 5001 action drop ||
		{ fail "$m tcp: fw add"; return; }
	id=$(last_id out)
	expect "$m tcp: out drop: connect() times out" timeout \
		"$vm" tcp 10.9.0.2 5001
	[ "$(hits "$id")" -ge 1 ] &&
		ok "$m tcp: the drop rule counts the SYNs ($(hits "$id"))" ||
		fail "$m tcp: the drop rule counts the SYNs ($(hits "$id"))"
	expect "$m tcp: other ports still pass" ok "$vm" tcp 10.9.0.2 5002
	add dir out proto tcp dport 5002 action reject
	expect "$m tcp: out reject: connect() is refused (RST)" refused \
		"$vm" tcp 10.9.0.2 5002
	expect "$m tcp6: out drop: connect() times out" timeout \
		"$vm" tcp fd00::2 5001
	expect "$m tcp6: out reject: connect() is refused (RST)" refused \
		"$vm" tcp fd00::2 5002
	add dir in proto tcp dport 7001 action reject
	expect "$m tcp: in reject: the remote's connect() is refused" refused \
		"$remote" tcp 10.9.0.1 7001
	expect "$m tcp6: in reject: the remote's connect() is refused" \
		refused "$remote" tcp fd00::1 7001
	fw flush dev vmif dir in && add dir in proto tcp dport 7001 action drop
	expect "$m tcp: in drop: the remote's connect() times out" timeout \
		"$remote" tcp 10.9.0.1 7001
	add dir in proto tcp src 10.9.0.2 dport 7001 action accept &&
		fw flush dev vmif dir out
	expect "$m tcp: the first matching rule decides" timeout \
		"$remote" tcp 10.9.0.1 7001
	fw flush dev vmif
	expect "$m tcp: flushed, both directions pass" ok "$remote" tcp 10.9.0.1 7001
}

# UDP: drop times out, reject brings an ICMP port unreachable
# (ECONNREFUSED on the connected socket), IPv4 and IPv6, both ways.
test_udp() {
	local m=$1

	topo "$m" || { fail "$m udp: topology"; return; }
	serve "$remote" 6000 && serve "$vm" 7000 ||
		{ fail "$m udp: servers"; return; }
	expect "$m udp: VM to remote with no rules" ok "$vm" udp 10.9.0.2 6000
	add dir out proto udp dport 6000 action drop ||
		{ fail "$m udp: fw add"; return; }
	expect "$m udp: out drop: no answer" timeout "$vm" udp 10.9.0.2 6000
	expect "$m udp6: out drop: no answer" timeout "$vm" udp fd00::2 6000
	fw flush dev vmif && add dir out proto udp dport 6000 action reject
	expect "$m udp: out reject: ICMP port unreachable" refused \
		"$vm" udp 10.9.0.2 6000
	expect "$m udp6: out reject: ICMPv6 port unreachable" refused \
		"$vm" udp fd00::2 6000
	expect "$m udp: TCP to the same port still passes" ok \
		"$vm" tcp 10.9.0.2 6000
	add dir in proto udp dport 7000 action reject
	expect "$m udp: in reject: the remote gets port unreachable" refused \
		"$remote" udp 10.9.0.1 7000
	add dir in proto udp action drop
	expect "$m udp6: in reject before drop: first match wins" refused \
		"$remote" udp fd00::1 7000
	fw flush dev vmif
	expect "$m udp: flushed, passes again" ok "$vm" udp 10.9.0.2 6000
}

# ICMP: echo requests dropped or rejected (an ICMP unreachable comes back),
# IPv4 (proto icmp) and IPv6 (proto icmpv6), both ways.
test_icmp() {
	local m=$1

	topo "$m" || { fail "$m icmp: topology"; return; }
	expect_ping "$m icmp: ping with no rules" ok "$vm" 10.9.0.2
	add dir out proto icmp action drop || { fail "$m icmp: fw add"; return; }
	expect_ping "$m icmp: out drop: ping times out" timeout "$vm" 10.9.0.2
	expect_ping "$m icmp: IPv6 ping is not ICMP" ok "$vm" fd00::2
	fw flush dev vmif && add dir out proto icmp action reject
	expect_ping "$m icmp: out reject: an ICMP unreachable answers" \
		unreachable "$vm" 10.9.0.2
	fw flush dev vmif && add dir out proto icmpv6 action reject
	expect_ping "$m icmpv6: out reject: an ICMPv6 unreachable answers" \
		unreachable "$vm" fd00::2
	fw flush dev vmif && add dir out proto icmpv6 action drop
	expect_ping "$m icmpv6: out drop: ping times out" timeout "$vm" fd00::2
	expect_ping "$m icmpv6: IPv4 ping still passes" ok "$vm" 10.9.0.2
	fw flush dev vmif && add dir in proto icmp action drop
	expect_ping "$m icmp: in drop: the remote's ping times out" timeout \
		"$remote" 10.9.0.1
	expect_ping "$m icmp: in drop: the VM's ping gets no reply" timeout \
		"$vm" 10.9.0.2
	add dir in proto icmpv6 action reject
	expect_ping "$m icmpv6: in reject: the remote gets an unreachable" \
		unreachable "$remote" fd00::1
	fw flush dev vmif
}

# Port ranges, source and destination.
test_ranges() {
	topo || { fail "ranges: topology"; return; }
	serve "$remote" 5999 6000 6009 6010 || { fail "ranges: servers"; return; }
	add dir out proto udp dport 6000-6009 action reject ||
		{ fail "ranges: fw add"; return; }
	expect "ranges: dport below the range passes" ok "$vm" udp 10.9.0.2 5999
	expect "ranges: dport at its start is rejected" refused \
		"$vm" udp 10.9.0.2 6000
	expect "ranges: dport at its end is rejected" refused \
		"$vm" udp 10.9.0.2 6009
	expect "ranges: dport above it passes" ok "$vm" udp 10.9.0.2 6010
	fw flush dev vmif && add dir out proto tcp sport 40000-40010 action reject
	expect "ranges: sport in the range is rejected" refused \
		"$vm" tcp 10.9.0.2 5999 10.9.0.1 40005
	expect "ranges: sport past it passes" ok \
		"$vm" tcp 10.9.0.2 5999 10.9.0.1 40011
	fw flush dev vmif && add dir in proto udp sport 6009 action drop
	expect "ranges: a single sport, direction in" timeout \
		"$vm" udp 10.9.0.2 6009
	expect "ranges: another sport, direction in" ok "$vm" udp 10.9.0.2 6010
	fw flush dev vmif
}

# Source and destination prefixes, IPv4 and IPv6.
test_prefixes() {
	topo || { fail "prefixes: topology"; return; }
	serve "$remote" 6000 || { fail "prefixes: servers"; return; }
	add dir out proto udp src 10.9.0.32/27 action reject ||
		{ fail "prefixes: fw add"; return; }
	expect "prefixes: src in the prefix is rejected" refused \
		"$vm" udp 10.9.0.2 6000 10.9.0.33
	expect "prefixes: src outside it passes" ok \
		"$vm" udp 10.9.0.2 6000 10.9.0.1
	fw flush dev vmif && add dir out proto udp dst 10.9.0.64/26 action reject
	expect "prefixes: dst in the prefix is rejected" refused \
		"$vm" udp 10.9.0.66 6000
	expect "prefixes: dst outside it passes" ok "$vm" udp 10.9.0.2 6000
	fw flush dev vmif && add dir out dst fd00::3/128 action reject
	expect "prefixes: IPv6 dst /128 is rejected" refused \
		"$vm" udp fd00::3 6000
	expect "prefixes: the IPv6 neighbour passes" ok "$vm" udp fd00::2 6000
	expect "prefixes: an IPv6 rule leaves IPv4 alone" ok \
		"$vm" udp 10.9.0.66 6000
	fw flush dev vmif && add dir in src fd00::/120 action drop
	expect "prefixes: IPv6 src prefix, direction in" timeout \
		"$vm" udp fd00::3 6000
	add dir in src 10.9.0.0/24 action drop
	expect "prefixes: IPv4 src prefix, direction in" timeout \
		"$vm" udp 10.9.0.2 6000
	fw flush dev vmif
}

# Policy in drop with "state established,related accept": the VM's own
# connections work, the network cannot open one to it.
test_state() {
	local m=$1 p0

	topo "$m" || { fail "$m state: topology"; return; }
	serve "$remote" 5001 && serve "$vm" 7001 || { fail "$m state: servers"; return; }
	fw policy dev vmif dir in drop &&
		add dir in state established,related action accept ||
		{ fail "$m state: fw policy / add"; return; }
	[ "$(port_stat vmif .fw.policy_in)" = drop ] && [ "$(port_stat vmif .fw.policy_out)" = accept ] &&
		ok "$m state: port show says policy in drop, out accept" ||
		fail "$m state: port show says policy in drop, out accept"
	expect "$m state: the VM's TCP connection works" ok "$vm" tcp 10.9.0.2 5001
	expect "$m state: IPv6 too" ok "$vm" tcp fd00::2 5001
	expect "$m state: the VM's UDP exchange works" ok "$vm" udp 10.9.0.2 5001
	expect_ping "$m state: the VM's ping works" ok "$vm" 10.9.0.2
	p0=$(port_stat vmif .fw.policy_in_packets)
	expect "$m state: the remote cannot connect to the VM" timeout \
		"$remote" tcp 10.9.0.1 7001
	expect "$m state: nor send it UDP" timeout "$remote" udp 10.9.0.1 7001
	expect_ping "$m state: nor ping it" timeout "$remote" 10.9.0.1
	[ "$(port_stat vmif .fw.policy_in_packets)" -ge $((p0 + 3)) ] &&
		ok "$m state: the in policy counts what it dropped" ||
		fail "$m state: the in policy counts ($p0 -> $(port_stat vmif .fw.policy_in_packets))"
	add dir in proto tcp dport 7001 state new action accept
	expect "$m state: state new opens one port" ok "$remote" tcp 10.9.0.1 7001
	expect "$m state: and only that one" timeout "$remote" udp 10.9.0.1 7001
	fw policy dev vmif dir in accept && fw flush dev vmif
	[ "$(port_stat vmif .fw.policy_in)" = accept ] && ok "$m state: policy back to accept" ||
		fail "$m state: policy back to accept"
}

# An ICMP error about an allowed flow is "related": policy in drop lets it
# through only with a "state related" rule.
test_related() {
	topo || { fail "related: topology"; return; }
	fw policy dev vmif dir in drop || { fail "related: fw policy"; return; }
	expect "related: port unreachable dropped by the in policy" timeout \
		"$vm" udp 10.9.0.2 6999
	add dir in state established action accept
	expect "related: is not established" timeout "$vm" udp 10.9.0.2 6999
	add dir in state related action accept
	expect "related: passes with state related" refused \
		"$vm" udp 10.9.0.2 6999
	expect "related: IPv6 too" refused "$vm" udp fd00::2 6999
	[ "$(hits "$(last_id in)")" -ge 2 ] &&
		ok "related: the related rule counts them ($(hits "$(last_id in)"))" ||
		fail "related: the related rule counts them ($(hits "$(last_id in)"))"
	expect_ping "related: a new ping from the remote stays out" timeout \
		"$remote" 10.9.0.1
	fw policy dev vmif dir in accept
}

# A TCP segment of no connection is "invalid": a stray ACK from the VM is
# answered by the remote's RST, unless a "state invalid" rule drops it; real
# connections are not invalid.
test_invalid() {
	local id

	topo || { fail "invalid: topology"; return; }
	serve "$remote" 5001 || { fail "invalid: servers"; return; }
	[ "$(probe "$vm" ack 10.9.0.1 10.9.0.2 5001)" = rst ] &&
		ok "invalid: a stray ACK reaches the remote, which resets it" ||
		fail "invalid: a stray ACK reaches the remote, which resets it"
	add dir out proto tcp state invalid action drop ||
		{ fail "invalid: fw add"; return; }
	id=$(last_id out)
	[ "$(probe "$vm" ack 10.9.0.1 10.9.0.2 5001)" = none ] &&
		ok "invalid: state invalid drops it" ||
		fail "invalid: state invalid drops it"
	[ "$(hits "$id")" = 1 ] &&
		ok "invalid: the rule counted exactly that segment" ||
		fail "invalid: the rule counted $(hits "$id") segments, not 1"
	expect "invalid: a real connection is not invalid" ok \
		"$vm" tcp 10.9.0.2 5001
	[ "$(hits "$id")" = 1 ] &&
		ok "invalid: none of its segments hit the rule" ||
		fail "invalid: its segments hit the rule ($(hits "$id"))"
	fw flush dev vmif
}

# Default policies, each direction, and their counters.
test_policy() {
	local m=$1 p0

	topo "$m" || { fail "$m policy: topology"; return; }
	serve "$remote" 6000 || { fail "$m policy: servers"; return; }
	[ "$(port_stat vmif .fw.policy_in)" = accept ] && [ "$(port_stat vmif .fw.policy_out)" = accept ] &&
		ok "$m policy: accept both ways by default" ||
		fail "$m policy: accept both ways by default"
	fw policy dev vmif dir out drop || { fail "$m policy: fw policy"; return; }
	p0=$(port_stat vmif .fw.policy_out_packets)
	expect_ping "$m policy: out drop: the VM's ping is dropped" timeout \
		"$vm" 10.9.0.2
	expect "$m policy: out drop: the VM's UDP is dropped" timeout \
		"$vm" udp fd00::2 6000
	[ "$(port_stat vmif .fw.policy_out_packets)" -ge $((p0 + 2)) ] &&
	[ "$(port_stat vmif .fw.dropped)" -ge 2 ] &&
		ok "$m policy: counted as the out policy's, and dropped" ||
		fail "$m policy: counted ($p0 -> $(port_stat vmif .fw.policy_out_packets), dropped $(port_stat vmif .fw.dropped))"
	add dir out proto icmp action accept
	expect_ping "$m policy: a rule accepts before the policy" ok "$vm" 10.9.0.2
	fw policy dev vmif dir out accept && fw policy dev vmif dir in drop
	expect_ping "$m policy: in drop: the remote's ping is dropped" \
		timeout "$remote" 10.9.0.1
	expect "$m policy: in drop: answers to the VM are dropped too" timeout \
		"$vm" udp 10.9.0.2 6000
	fw policy dev vmif dir in accept
	expect "$m policy: accept again" ok "$vm" udp 10.9.0.2 6000
	fw flush dev vmif
}

# Per-rule counters count exactly what they matched; port show's firewall
# counters add up both directions.
test_counters() {
	local m=$1 id a0 r0 out

	topo "$m" || { fail "$m counters: topology"; return; }
	add dir out proto icmp action accept && add dir in proto icmp action accept ||
		{ fail "$m counters: fw add"; return; }
	id=$(last_id out)
	a0=$(port_stat vmif .fw.accepted)
	ip netns exec "$vm" ping -q -c 5 -i 0.2 -W 2 10.9.0.2 >/dev/null ||
		fail "$m counters: ping"
	[ "$(hits "$id")" = 5 ] && [ "$(hits "$id" bytes)" = $((5 * 98)) ] &&
		ok "$m counters: 5 pings, 5 packets and 490 bytes on the out rule" ||
		fail "$m counters: out rule $(hits "$id") packets, $(hits "$id" bytes) bytes"
	[ "$(hits "$(last_id in)")" = 5 ] &&
		ok "$m counters: 5 replies on the in rule" ||
		fail "$m counters: in rule $(hits "$(last_id in)") packets"
	[ "$(port_stat vmif .fw.accepted)" -ge $((a0 + 10)) ] &&
	[ "$(port_stat vmif .fw.rules_in)" = 1 ] && [ "$(port_stat vmif .fw.rules_out)" = 1 ] &&
		ok "$m counters: port show: accepted +$(($(port_stat vmif .fw.accepted) - a0)), 1 rule each way" ||
		fail "$m counters: port show: accepted $a0 -> $(port_stat vmif .fw.accepted)"
	fw flush dev vmif && add dir out proto icmp action reject
	r0=$(port_stat vmif .fw.rejected)
	ping_from "$vm" 10.9.0.2 >/dev/null
	[ "$(port_stat vmif .fw.rejected)" = $((r0 + 1)) ] &&
		ok "$m counters: a reject counts as rejected" ||
		fail "$m counters: rejected $r0 -> $(port_stat vmif .fw.rejected)"
	out=$(vtlctl -s port show)
	grep -qi "fw\|firewall" <<<"$out" &&
		ok "$m counters: vtlctl -s port show prints the firewall" ||
		{ fail "$m counters: vtlctl -s port show prints the firewall"; diag <<<"$out"; }
	fw flush dev vmif
}

# fw del removes one rule by id, fw flush every rule (one direction or
# both), and the policies stay.
test_del_flush() {
	local ids out

	topo || { fail "del: topology"; return; }
	serve "$remote" 6000 6001 6002 || { fail "del: servers"; return; }
	add dir out proto udp dport 6000 action reject &&
	add dir out proto udp dport 6001 action reject &&
	add dir out proto udp dport 6002 action reject &&
	add dir in proto udp sport 6002 action drop || { fail "del: fw add"; return; }
	read -r -a ids <<<"$(rules | jq -r 'map(.id) | join(" ")')"
	[ "${#ids[@]}" = 4 ] && rules_are 'map(.id) | unique | length == 4' &&
	rules_are '.[0].dir == "in" and .[1].dir == "out"' &&
	rules_are 'map(select(.dir == "out") | .dport.min) == [6000, 6001, 6002]' &&
		ok "del: show lists 4 rules, in first, each with its own id" ||
		{ fail "del: show lists 4 rules"; rules | diag; }
	fw del dev vmif id "$(rules | jq '.[2].id')" &&
	rules_are 'length == 3' &&
	rules_are "map(.id) == [${ids[0]}, ${ids[1]}, ${ids[3]}]" &&
		ok "del: the rule's id disappears, the others stay" ||
		{ fail "del: the rule's id disappears"; rules | diag; }
	expect "del: its traffic passes" ok "$vm" udp 10.9.0.2 6001
	expect "del: the others still reject" refused "$vm" udp 10.9.0.2 6000
	if out=$(fw del dev vmif id "${ids[2]}" 2>&1); then
		fail "del: deleting it again succeeds"
	else
		rules_are 'length == 3' &&
			ok "del: deleting it again fails ($out)" ||
			fail "del: deleting it again changed the rules"
	fi
	fw policy dev vmif dir out drop
	fw flush dev vmif dir in && rules_are 'length == 2 and all(.dir == "out")' &&
		ok "del: flush dir in leaves out" || fail "del: flush dir in leaves out"
	fw flush dev vmif && rules_are 'length == 0' && [ "$(port_stat vmif .fw.policy_out)" = drop ] &&
		ok "del: flush empties the set, the policy stays" ||
		fail "del: flush empties the set, the policy stays"
	expect "del: and is in force" timeout "$vm" udp 10.9.0.2 6000
	fw policy dev vmif dir out accept
	expect "del: flushed and accept: passes" ok "$vm" udp 10.9.0.2 6000
}

# gen_rules FILE N TAG: N rules of direction out that match none of the
# test's traffic (TCP to 172.16.0.0/16), then accept rules for the flow's
# UDP port 6000 both ways; with TAG "first", the accept rules come first.
gen_rules() {
	awk -v n="$2" -v tag="$3" 'BEGIN {
		acc = "dir out proto udp dport 6000 action accept\n" \
			"dir in proto udp sport 6000 action accept"
		if (tag == "first")
			print acc
		for (i = 0; i < n; i++)
			printf "dir out proto tcp dst 172.16.%d.%d/32 dport %d action drop\n",
				int(i / 256) % 256, i % 256, 1 + i % 1000
		if (tag != "first")
			print acc
	}' >"$1"
}

# fw load: FW_RULES (10,000) rules replace the set in one step, again and
# again, while a UDP flow that both sets allow (the policies drop everything
# else) runs without losing a packet; a bad file names its line and changes
# nothing.
test_load() {
	local i res t0 t1 n loads sent lost

	topo || { fail "load: topology"; return; }
	serve "$remote" 6000 || { fail "load: servers"; return; }
	local l1=$((FW_RULES / 2)) l2=$((FW_RULES * 7 / 10))

	gen_rules "$tmp/setA" "$FW_RULES" last
	gen_rules "$tmp/setB" "$FW_RULES" first
	fw policy dev vmif dir out drop && fw policy dev vmif dir in drop
	t0=$(now_ms)
	if fw load dev vmif "$tmp/setA" >"$tmp/out" 2>&1; then
		t1=$(now_ms)
		ok "load: $big rules in $((t1 - t0)) ms"
	else
		fail "load: $big rules"
		diag <"$tmp/out"
		return
	fi
	n=$(nrules)
	[ "$n" = "$big" ] && [ "$(port_stat vmif .fw.rules_out)" = $((big - 1)) ] &&
	[ "$(port_stat vmif .fw.rules_in)" = 1 ] &&
		ok "load: show lists them all, port show counts them" ||
		fail "load: show lists $n rules, port show $(port_stat vmif .fw.rules_out) out, $(port_stat vmif .fw.rules_in) in"
	expect "load: the set is in force" ok "$vm" udp 10.9.0.2 6000
	expect "load: and its policy too" timeout "$vm" tcp 10.9.0.2 6000

	ip netns exec "$vm" "$PY" -S "$tmp/peer.py" flow 10.9.0.2 6000 \
		"$tmp/stop" </dev/null >"$tmp/flow" 2>&1 &
	if ! busywait 30000 test -e "$tmp/stop.started"; then
		fail "load: the flow does not start"
		touch "$tmp/stop"
		wait
		return
	fi
	res=0
	loads=6
	[ "$FW_QUICK" = 1 ] && loads=2
	for i in $(seq $loads); do
		if [ $((i % 2)) = 1 ]; then
			fw load dev vmif "$tmp/setB" || res=1
		else
			fw load dev vmif "$tmp/setA" || res=1
		fi
	done
	touch "$tmp/stop"
	wait
	read -r sent lost <"$tmp/flow"
	[ "$res" = 0 ] && [ "${lost:-x}" = 0 ] && [ "${sent:-0}" -gt 10 ] &&
		ok "load: $loads loads under a flow: $sent exchanges, none lost" ||
		fail "load: $loads loads under a flow: $(cat "$tmp/flow"), loads ok: $res"
	rules_are "length == $big and (map(.id) | unique | length) == $big" &&
		ok "load: the last set is there, each rule with its own id" ||
		fail "load: the last set is there ($(nrules) rules)"

	# A bad line in the middle: a parse error, then one the kernel refuses.
	rules | jq -c 'map(.id)' >"$tmp/ids-before"
	{ head -n $((l1 - 1)) "$tmp/setB"; echo "dir out proto udp dst 10.0.0.300/32 action drop";
	  tail -n +"$l1" "$tmp/setB"; } >"$tmp/bad1"
	if fw load dev vmif "$tmp/bad1" >"$tmp/out" 2>&1; then
		fail "load: a bad prefix on line $l1 is accepted"
	else
		grep -qE "(^|[^0-9])$l1([^0-9]|\$)" "$tmp/out" &&
			ok "load: a bad prefix is refused, naming line $l1" ||
			{ fail "load: the error names line $l1"; diag <"$tmp/out"; }
	fi
	{ head -n $((l2 - 1)) "$tmp/setB"; echo "dir in proto icmp dport 80 action drop";
	  tail -n +"$l2" "$tmp/setB"; } >"$tmp/bad2"
	if fw load dev vmif "$tmp/bad2" >"$tmp/out" 2>&1; then
		fail "load: ports with icmp on line $l2 are accepted"
	else
		grep -qE "(^|[^0-9])$l2([^0-9]|\$)" "$tmp/out" &&
			ok "load: ports with icmp are refused, naming line $l2" ||
			{ fail "load: the error names line $l2"; diag <"$tmp/out"; }
	fi
	rules | jq -c 'map(.id)' | cmp -s - "$tmp/ids-before" &&
		ok "load: the old set is still listed, same ids" ||
		fail "load: the old set is still listed, same ids"
	expect "load: and still in force" ok "$vm" udp 10.9.0.2 6000
	expect "load: with its policies" timeout "$vm" tcp 10.9.0.2 6000

	: >"$tmp/empty"
	fw load dev vmif "$tmp/empty" && rules_are 'length == 0' &&
	[ "$(port_stat vmif .fw.policy_out)" = drop ] &&
		ok "load: an empty file empties the set, policies stay" ||
		fail "load: an empty file empties the set, policies stay"
	printf '%s\n' "# policies and a rule" "policy dir in accept" \
		"policy dir out accept" "dir out proto icmp action drop" \
		>"$tmp/small"
	fw load dev vmif "$tmp/small" && rules_are 'length == 1' &&
	[ "$(port_stat vmif .fw.policy_in)" = accept ] && [ "$(port_stat vmif .fw.policy_out)" = accept ] &&
	[ "$(ping_from "$vm" 10.9.0.2)" = timeout ] &&
	[ "$(probe "$vm" udp 10.9.0.2 6000)" = ok ] &&
		ok "load: a file sets the policies too" ||
		fail "load: a file sets the policies too"
	fw policy dev vmif dir out accept && fw policy dev vmif dir in accept
}

# fw_state: vmif's policies and rule ids, in one line.
fw_state() {
	vtlctl -j fw show dev vmif |
		jq -c '.[0] | [.policy_in, .policy_out, (.rules | map(.id))]'
}

# expect_fw_err WHAT PATTERN CMD...: CMD must fail and say PATTERN, and
# vmif's rules (ids included) and policies must not change.
expect_fw_err() {
	local what=$1 pattern=$2 before after

	shift 2
	before=$(fw_state)
	if "$@" >"$tmp/out" 2>&1; then
		fail "$what: succeeded"
		diag <"$tmp/out"
		return
	fi
	after=$(fw_state)
	if ! grep -Eqi -- "$pattern" "$tmp/out"; then
		fail "$what: message"
		{ echo "expected: $pattern"; cat "$tmp/out"; } | diag
	elif [ "$before" != "$after" ]; then
		fail "$what: the rules changed"
	else
		ok "$what ($(head -n1 "$tmp/out"))"
	fi
}

test_errors() {
	topo || { fail "errors: topology"; return; }
	ip -n "$host" link add d0 type dummy
	add dir out proto udp dport 53 action drop && add dir in action accept ||
		{ fail "errors: fw add"; return; }
	expect_fw_err "errors: rule on an unattached device" "d0.*not attached|not attached" \
		fw add dev d0 dir in action drop
	expect_fw_err "errors: show of an unattached device" "not attached" \
		fw show dev d0
	expect_fw_err "errors: missing device" 'Cannot find device "nosuch0"' \
		fw add dev nosuch0 dir in action drop
	expect_fw_err "errors: prefix too long" "10.0.0.1/33" \
		fw add dev vmif dir in src 10.0.0.1/33 action drop
	expect_fw_err "errors: not an address" "10.0.0.300" \
		fw add dev vmif dir in dst 10.0.0.300 action drop
	expect_fw_err "errors: IPv6 prefix too long" "fd00::/129" \
		fw add dev vmif dir in dst fd00::/129 action drop
	expect_fw_err "errors: host bits past the prefix" "10.0.0.1/8|prefix|host" \
		fw add dev vmif dir in src 10.0.0.1/8 action drop
	expect_fw_err "errors: reversed port range" "200-100" \
		fw add dev vmif dir in proto tcp dport 200-100 action drop
	expect_fw_err "errors: port out of range" "70000" \
		fw add dev vmif dir in proto tcp dport 70000 action drop
	expect_fw_err "errors: ports with icmp" "port|icmp" \
		fw add dev vmif dir in proto icmp dport 80 action drop
	expect_fw_err "errors: ports without a protocol" "port|proto" \
		fw add dev vmif dir in sport 80 action drop
	expect_fw_err "errors: IPv4 and IPv6 prefixes in one rule" "famil|conflict|fd00|10.0.0.1" \
		fw add dev vmif dir in src 10.0.0.1 dst fd00::1 action drop
	expect_fw_err "errors: icmp with an IPv6 prefix" "famil|conflict|icmp|fd00" \
		fw add dev vmif dir in proto icmp dst fd00::1 action drop
	expect_fw_err "errors: unknown state" "bogus" \
		fw add dev vmif dir in state new,bogus action accept
	expect_fw_err "errors: unknown protocol" "nosuchproto" \
		fw add dev vmif dir in proto nosuchproto action accept
	expect_fw_err "errors: no action" "action" \
		fw add dev vmif dir in proto tcp
	expect_fw_err "errors: bad direction" "sideways" \
		fw add dev vmif dir sideways action drop
	expect_fw_err "errors: policy reject" "reject|accept.*drop" \
		fw policy dev vmif dir in reject
	expect_fw_err "errors: del of a missing id" "no rule|no such|not found|99999" \
		fw del dev vmif id 99999
	expect_fw_err "errors: load of a missing file" "nosuchfile" \
		fw load dev vmif "$tmp/nosuchfile"
	expect "errors: the rules are still in force" timeout \
		"$vm" udp 10.9.0.2 53
}

# The guest's namespace cannot read or change the rules: its vtlctl sees
# no port, and a user namespace made in it gets EPERM.
test_guest() {
	local before

	topo || { fail "guest: topology"; return; }
	add dir out proto icmp action drop || { fail "guest: fw add"; return; }
	before=$(rules | jq -c 'map(.id)')
	"$VTLCTL" -n "$vm" fw show dev eth0 >"$tmp/out" 2>&1 &&
		fail "guest: fw show of its eth0 succeeds" ||
		ok "guest: fw show of its eth0 fails ($(head -n1 "$tmp/out"))"
	"$VTLCTL" -n "$vm" fw show dev vmif >/dev/null 2>&1 &&
		fail "guest: fw show dev vmif succeeds" ||
		ok "guest: fw show dev vmif fails"
	"$VTLCTL" -n "$vm" fw flush dev eth0 >/dev/null 2>&1
	"$VTLCTL" -n "$vm" fw del dev eth0 id "$(last_id out)" >/dev/null 2>&1
	"$VTLCTL" -n "$vm" fw policy dev eth0 dir out accept >/dev/null 2>&1
	"$VTLCTL" -n "$vm" fw add dev eth0 dir out action accept >/dev/null 2>&1
	"$VTLCTL" -n "$vm" port show | grep -q . &&
		fail "guest: port show lists something" ||
		ok "guest: port show lists nothing"
	[ "$(rules | jq -c 'map(.id)')" = "$before" ] &&
	[ "$(ping_from "$vm" 10.9.0.2)" = timeout ] &&
		ok "guest: flush, del, policy, add from the guest change nothing" ||
		fail "guest: flush, del, policy, add from the guest change nothing"
	if command -v unshare >/dev/null; then
		ip netns exec "$vm" unshare -U -r "$VTLCTL" fw flush dev eth0 \
			>"$tmp/out" 2>&1
		grep -q "Operation not permitted" "$tmp/out" &&
			ok "guest: a user namespace's root gets EPERM" ||
			{ fail "guest: a user namespace's root gets EPERM"; diag <"$tmp/out"; }
	else
		skip "guest: no unshare"
	fi
}

# Rules go with their port: deleted, re-attached, it starts empty.
test_port_del() {
	topo || { fail "port del: topology"; return; }
	add dir out proto icmp action drop && fw policy dev vmif dir in drop ||
		{ fail "port del: fw add"; return; }
	vtlctl port del dev vmif || fail "port del: port del"
	fw show dev vmif >"$tmp/out" 2>&1 &&
		fail "port del: fw show of a deleted port succeeds" ||
		ok "port del: fw show of a deleted port fails ($(head -n1 "$tmp/out"))"
	vtlctl port add dev vmif peer up0 && rules_are 'length == 0' &&
	[ "$(port_stat vmif .fw.policy_in)" = accept ] &&
	[ "$(ping_from "$vm" 10.9.0.2)" = ok ] &&
		ok "port del: re-attached, no rules and accept" ||
		fail "port del: re-attached, no rules and accept"
	add dir out proto icmp action drop
	ip -n "$host" link del vmif
	busywait 2000 no_rules_of vmif &&
		ok "port del: deleting the device takes the rules" ||
		fail "port del: deleting the device takes the rules"
}

# Heavy traffic both ways while the set is loaded, flushed, edited and its
# policies flipped, over and over (the VM harness fails on any kernel
# report); then the port still works.
test_churn() {
	local m=$1 i rounds

	topo "$m" || { fail "$m churn: topology"; return; }
	gen_rules "$tmp/churn" 2000 last
	(ip netns exec "$vm" ping -f -q 10.9.0.2 </dev/null >/dev/null 2>&1 &)
	(ip netns exec "$remote" ping -f -q fd00::1 </dev/null >/dev/null 2>&1 &)
	busywait 10000 rx_above 100 || fail "$m churn: no traffic through VTL"
	rounds=10
	[ "$FW_QUICK" = 1 ] && rounds=3
	for i in $(seq $rounds); do
		fw load dev vmif "$tmp/churn" &&
		fw policy dev vmif dir out drop &&
		add dir in proto icmpv6 action reject &&
		fw del dev vmif id "$(last_id in)" &&
		fw flush dev vmif dir out &&
		fw policy dev vmif dir out accept &&
		add dir out proto icmp action drop &&
		fw flush dev vmif || break
	done
	[ "$i" = $rounds ] &&
		ok "$m churn: $rounds rounds of load, edit, flush under floods" ||
		fail "$m churn: round $i failed"
	ns_kill "$vm" "$remote"
	rules_are 'length == 0' && [ "$(ping_from "$vm" 10.9.0.2)" = ok ] &&
		ok "$m churn: the port works afterwards" ||
		fail "$m churn: the port works afterwards"
}

test_unload() {
	if [ -z "$VTL_KO" ]; then
		skip "unload: VTL_KO not set"
		return
	fi
	topo || { fail "unload: topology"; return; }
	gen_rules "$tmp/setA" "$FW_RULES" last
	fw load dev vmif "$tmp/setA" && fw policy dev vmif dir in drop &&
	[ "$(nrules)" = "$big" ] || { fail "unload: fw load"; return; }
	(ip netns exec "$vm" ping -f -q 10.9.0.2 </dev/null >/dev/null 2>&1 &)
	busywait 10000 rx_above 100 || fail "unload: no traffic through VTL"
	if rmmod vtl; then
		ok "unload: rmmod with $big rules under traffic"
	else
		fail "unload: rmmod with $big rules under traffic"
	fi
	ns_kill "$vm" "$remote"
	insmod "$VTL_KO" && vtlctl port add dev vmif peer up0 &&
		rules_are 'length == 0' &&
		ok "unload: reloaded, the port starts without rules" ||
		fail "unload: reloaded, the port starts without rules"
}

# ---- main -----------------------------------------------------------------

# run TEST [ARGS]: the test, and how long it took.
run() {
	local t0=$SECONDS

	"$@"
	echo "# $*: $((SECONDS - t0)) s"
}


tap_start
if ! command -v python3 >/dev/null || ! command -v jq >/dev/null; then
	echo "1..0 # SKIP python3 and jq are needed"
	exit 4
fi
if ! "$VTLCTL" fw help >/dev/null 2>&1; then
	echo "1..0 # SKIP $VTLCTL has no fw command"
	exit 4
fi
# A vtl.ko without the firewall returns no firewall with a port.
ip netns add "$other" && ip -n "$other" link add a0 type veth peer name a1 &&
	"$VTLCTL" -n "$other" port add dev a0 ||
	{ echo "1..0 # SKIP cannot attach a port"; exit 4; }
if ! "$VTLCTL" -n "$other" -j -s port show | jq -e '.[0].fw' >/dev/null; then
	echo "1..0 # SKIP this vtl.ko has no firewall"
	exit 4
fi
ip netns del "$other"
if [ -n "${FW_ONLY:-}" ]; then
	for t in $FW_ONLY; do
		run ${t//:/ }
	done
	tap_done
	exit
fi
for m in standalone bridge; do
	run test_tcp $m
	run test_udp $m
	[ "$FW_QUICK" = 1 ] && [ $m = bridge ] && continue
	run test_icmp $m
	run test_state $m
	[ "$FW_QUICK" = 1 ] && continue
	run test_policy $m
	run test_counters $m
done
if [ "$FW_QUICK" != 1 ]; then
	# The classifier's logic, which unit tests and the fuzzer cover too,
	# and errors vtlctl finds before the kernel sees them.
	run test_ranges
	run test_prefixes
	run test_errors
fi
run test_related
run test_invalid
run test_del_flush
run test_load
run test_guest
run test_port_del
run test_churn standalone
run test_churn bridge
cleanup_ns
run test_unload
tap_done
