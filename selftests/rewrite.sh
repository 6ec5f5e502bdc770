#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL rewrite and subnet tunneling selftests: the paper's Figure 6 (two VMs
# on two subnets behind a slow routed path talk directly once their ports
# have a rewrite rule each, and neither VM notices), a TCP transfer over the
# shortcut, destination NAT with TCP and UDP checksums kept right, a rule
# without "out" that only changes MAC addresses, every error case, the out
# port going away, automatic tunneling (tunnel auto), and unloading with
# rules in place.  Runs as root inside the test VM (selftests/vm/run.sh)
# with vtl.ko loaded; kselftest TAP output.
#
# The Figure 6 topology, in namespaces named per run (bridge mode):
#
#   $vma                 $host                                   $vmb
#  +-----------+   +--------------------------------------+   +-----------+
#  | eth0      |---| tapA (VTL)            (VTL) tapB     |---| eth0      |
#  | 10.1.0.2  |   |  |  brA                   brB  |     |   | 10.2.0.2  |
#  | gw .1     |   | lanA                         lanB    |   | gw .1     |
#  +-----------+   +--|---------------------------|-------+   +-----------+
#                  +--|--------+             +----|-------+
#           $ra    | eth0      |   slow path | eth0       |    $rb
#                  | 10.1.0.1  |   50 ms     | 10.2.0.1   |
#                  | wan0      |-------------| wan0       |
#                  | 10.99.0.1 |   each way  | 10.99.0.2  |
#                  +-----------+             +------------+
#
# Routed, vmA's frames to vmB go to its gateway rA, over the slow path to rB
# and down to vmB: a round trip of at least 100 ms.  A rule on tapA
# ("match dst 10.2.0.0/24 set dmac <vmB's MAC> out tapB") and its mirror on
# tapB send them straight from one port into the other.
#
# The standalone tests use lib.sh's topology: $vm -- vmif =VTL= up0 -- $remote.
#
# Environment: see lib.sh.  RW_DELAY: the slow path's delay each way in ms
# (default 50).  RW_TESTS: the tests to run (default: all, in order: fig6
# nat no_out errors out_gone auto unload).

NS_TAG=r
. "$(dirname "$0")/lib.sh"

RW_DELAY=${RW_DELAY:-50}
# The interpreter itself: a version manager's shim costs seconds a start
# under emulation.
PY=$(python3 -S -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=python3
vma=vtl-rvma-$$
vmb=vtl-rvmb-$$
ra=vtl-rra-$$
rb=vtl-rrb-$$

# lib.sh's cleanup_ns, with this topology's namespaces too.
cleanup_ns() { ns_del "$vm" "$host" "$remote" "$other" "$vma" "$vmb" "$ra" "$rb"; }

# ---- the peers, in Python -------------------------------------------------

# peer.py sink PORT OUT: accept one TCP connection on PORT, write the
# sha256 of all it receives to OUT; "ready" in OUT.ready when listening.
# peer.py send ADDR PORT FILE: send FILE to ADDR PORT.
# peer.py uecho PORT: echo UDP datagrams on PORT; touches PORT.ready.
# peer.py uprobe ADDR PORT SIZE...: one datagram of each SIZE, of varied
# bytes; prints "ok" if each echo came back identical, else what failed.
# peer.py sniff IF ADDR OUT: the first IPv4 frame on IF to ADDR: writes
# "DMAC SMAC" to OUT.
cat >"$tmp/peer.py" <<'EOF'
import hashlib, os, socket, struct, sys, time

def sink(port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    s.listen(1)
    open(out + ".ready", "w").close()
    c, _ = s.accept()
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    c.close()
    with open(out, "w") as f:
        f.write("%s %d\n" % (h.hexdigest(), n))

def send(addr, port, path):
    s = socket.create_connection((addr, port), timeout=30)
    with open(path, "rb") as f:
        s.sendall(f.read())
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()

def uecho(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", port))
    open("%s/%d.ready" % (os.path.dirname(sys.argv[0]), port), "w").close()
    while True:
        d, a = s.recvfrom(65536)
        s.sendto(d, a)

def uprobe(addr, port, sizes):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((addr, port))
    for i, n in enumerate(sizes):
        d = bytes((i * 7 + j * 13) & 0xff for j in range(n))
        s.send(d)
        try:
            r = s.recv(65536)
        except OSError as e:
            return "size %d: %s" % (n, e)
        if r != d:
            return "size %d: echo differs" % n
    return "ok"

def sniff(ifname, addr, out):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifname, 0))
    open(out + ".ready", "w").close()
    want = socket.inet_aton(addr)
    while True:
        d = s.recv(2048)
        if len(d) >= 34 and d[12:14] == b"\x08\x00" and d[30:34] == want:
            mac = lambda b: ":".join("%02x" % x for x in b)
            with open(out, "w") as f:
                f.write("%s %s\n" % (mac(d[0:6]), mac(d[6:12])))
            return

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "sink":
    sink(int(a[0]), a[1])
elif cmd == "send":
    send(a[0], int(a[1]), a[2])
elif cmd == "uecho":
    uecho(int(a[0]))
elif cmd == "uprobe":
    print(uprobe(a[0], int(a[1]), [int(x) for x in a[2:]]))
elif cmd == "sniff":
    sniff(a[0], a[1], a[2])
EOF

# ---- helpers --------------------------------------------------------------

rw() { vtlctl rewrite "$@"; }

# rules [DEV]: "vtlctl -j -s rewrite show [dev DEV]": an array of rules,
# each with ifindex, dev, dst ("PREFIX/LEN"), dmac, smac, saddr, daddr,
# out, out_ifindex (what the rule sets), auto (a boolean), packets, bytes.
rules() { vtlctl -j -s rewrite show ${1:+dev "$1"}; }

# rules_are EXPR [DEV]: is the jq EXPR true of that array?
rules_are() {
	rules "${2:-}" 2>/dev/null | jq -e "$1" >/dev/null
}

# rule DEV PREFIX [KEY]: one field (default: packets) of DEV's rule for
# PREFIX, or -1 without such a rule.
rule() {
	rules "$1" | jq -r --arg p "$2" --arg k "${3:-packets}" \
		'(map(select(.dst == $p))[0][$k]) // -1'
}

# tunnel_hosts: the learned addresses of "vtlctl -j tunnel show", an array
# of {dev, ifindex, addr, mac, age_ms}.
tunnel_hosts() { vtlctl -j tunnel show | jq -c '.hosts'; }

# mac_of NETNS DEV: see lib.sh.

# rtt NETNS ADDR [COUNT]: ping ADDR COUNT times (default 10), 0.2 s apart;
# prints "MIN MEDIAN MAX" in ms, fails unless every ping was answered.  The
# median, not the mean: an emulated guest on a busy host stalls now and then.
rtt() {
	ip netns exec "$1" ping -n -c "${3:-10}" -i 0.2 -W 3 "$2" 2>&1 |
		grep -v DUP | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' | sort -g |
		awk -v n="${3:-10}" '{ t[NR] = $1 }
			END {
				if (NR != n)
					exit 1
				m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
				print t[1], m, t[NR]
			}'
}

# lt A B, ge A B: float comparisons.
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

# vm_view NETNS: what a VM knows of the network: its routes and its
# neighbours' addresses and MACs (not their states).
vm_view() {
	ip -n "$1" -4 route show
	ip -n "$1" -4 neigh show | awk '{ print $1, $5 }' | sort
}

# transfer FROM TO ADDR PORT: send $tmp/data over TCP from NETNS FROM to
# ADDR PORT in NETNS TO; succeeds if TO received it whole (same sha256).
transfer() {
	local from=$1 to=$2 addr=$3 port=$4 want got

	rm -f "$tmp/sink" "$tmp/sink.ready"
	(ip netns exec "$to" "$PY" -S "$tmp/peer.py" sink "$port" "$tmp/sink" \
		</dev/null >/dev/null 2>&1 &)
	busywait 30000 test -e "$tmp/sink.ready" ||
		{ echo "transfer: the receiver does not listen" | diag; return 1; }
	ip netns exec "$from" timeout 120 "$PY" -S "$tmp/peer.py" send "$addr" \
		"$port" "$tmp/data" </dev/null >"$tmp/send.out" 2>&1 ||
		{ echo "transfer: the sender failed:" | diag; diag <"$tmp/send.out"; return 1; }
	busywait 30000 test -s "$tmp/sink" ||
		{ echo "transfer: the receiver got no end" | diag; return 1; }
	want="$(sha256sum <"$tmp/data" | cut -d' ' -f1) $(stat -c %s "$tmp/data")"
	got=$(cat "$tmp/sink")
	[ "$got" = "$want" ] || { echo "sent $want, received $got" | diag; return 1; }
}

# uecho NETNS PORT: a UDP echo server.
uecho() {
	rm -f "$tmp/$2.ready"
	(ip netns exec "$1" "$PY" -S "$tmp/peer.py" uecho "$2" \
		</dev/null >/dev/null 2>&1 &)
	busywait 30000 test -e "$tmp/$2.ready"
}

# fig6: the Figure 6 topology, ports tapA and tapB attached in bridge mode,
# no rules.  Sets amac, bmac (the VMs' MACs) and ramac, rbmac (their
# gateways').
fig6() {
	local v6off="net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"

	cleanup_ns
	ipb <<-EOF &&
		netns add $vma
		netns add $vmb
		netns add $host
		netns add $ra
		netns add $rb
		netns exec $vma sysctl -qw $v6off
		netns exec $vmb sysctl -qw $v6off
		netns exec $host sysctl -qw $v6off
		netns exec $ra sysctl -qw $v6off net.ipv4.ip_forward=1
		netns exec $rb sysctl -qw $v6off net.ipv4.ip_forward=1
		link add tapA netns $host type veth peer name eth0 netns $vma
		link add tapB netns $host type veth peer name eth0 netns $vmb
		link add lanA netns $host type veth peer name eth0 netns $ra
		link add lanB netns $host type veth peer name eth0 netns $rb
		link add wan0 netns $ra type veth peer name wan0 netns $rb
	EOF
	ipb "$host" <<-EOF &&
		link set lo up
		link add brA type bridge
		link add brB type bridge
		link set brA type bridge mcast_snooping 0
		link set tapA master brA
		link set lanA master brA
		link set tapA up
		link set lanA up
		link set brA up
		link set brB type bridge mcast_snooping 0
		link set tapB master brB
		link set lanB master brB
		link set tapB up
		link set lanB up
		link set brB up
	EOF
	ipb "$vma" <<-EOF &&
		link set lo up
		addr add 10.1.0.2/24 dev eth0
		link set eth0 up
		route add default via 10.1.0.1
	EOF
	ipb "$vmb" <<-EOF &&
		link set lo up
		addr add 10.2.0.2/24 dev eth0
		link set eth0 up
		route add default via 10.2.0.1
	EOF
	ipb "$ra" <<-EOF &&
		link set lo up
		addr add 10.1.0.1/24 dev eth0
		addr add 10.99.0.1/30 dev wan0
		link set eth0 up
		link set wan0 up
		route add 10.2.0.0/24 via 10.99.0.2
	EOF
	ipb "$rb" <<-EOF || return 1
		link set lo up
		addr add 10.2.0.1/24 dev eth0
		addr add 10.99.0.2/30 dev wan0
		link set eth0 up
		link set wan0 up
		route add 10.1.0.0/24 via 10.99.0.1
	EOF
	tc -n "$ra" qdisc add dev wan0 root netem delay "${RW_DELAY}ms" limit 10000 &&
	tc -n "$rb" qdisc add dev wan0 root netem delay "${RW_DELAY}ms" limit 10000 ||
		return 1
	amac=$(mac_of "$vma" eth0)
	bmac=$(mac_of "$vmb" eth0)
	ramac=$(mac_of "$ra" eth0)
	rbmac=$(mac_of "$rb" eth0)
	vtlctl port add dev tapA mode bridge &&
	vtlctl port add dev tapB mode bridge &&
	# The VMs know their gateways before anything is measured.
	busywait 20000 ip netns exec "$vma" ping -n -q -c 1 -W 2 10.2.0.2 \
		>/dev/null 2>&1
}

# shortcut: the Figure 6 rules, one on each port.
shortcut() {
	rw add dev tapA match dst 10.2.0.0/24 set dmac "$bmac" out tapB &&
	rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" out tapA
}

# standalone: lib.sh's topology, vmif patched to up0 through VTL; the
# remote also has a macvlan mv0 on its eth0, with its own MAC.
standalone() {
	veth_topo &&
	# Only eth0 answers ARP for 10.9.0.2: the VM knows eth0's MAC alone
	# (it asks once VTL patches it through, below).
	nssysctl "$remote" net.ipv4.conf.all.arp_ignore=1 &&
	ipb "$remote" <<-EOF &&
		link add mv0 link eth0 type macvlan mode bridge
		link set mv0 up
	EOF
	vtlctl port add dev vmif peer up0
}

# ---- tests ----------------------------------------------------------------

# Figure 6: routed, then the shortcut; the VMs see nothing change.
test_fig6() {
	local routed short view0 view1 path

	fig6 || { fail "fig6: topology"; return; }
	view0=$(vm_view "$vma"; vm_view "$vmb")
	routed=$(rtt "$vma" 10.2.0.2) ||
		{ fail "fig6: vmA reaches vmB over the routed path"; return; }
	path=$((2 * RW_DELAY))
	set -- $routed
	if ge "$1" "$path"; then
		ok "fig6: routed, the RTT is at least the path's $path ms (min/median/max $1/$2/$3 ms)"
	else
		fail "fig6: routed, the RTT is at least the path's $path ms (min/median/max $1/$2/$3 ms)"
	fi
	routed=$2
	shortcut || { fail "fig6: rewrite add"; return; }
	ok "fig6: a rule on each port"
	short=$(rtt "$vma" 10.2.0.2) ||
		{ fail "fig6: vmA reaches vmB over the shortcut"; return; }
	set -- $short
	if lt "$2" "$(awk -v r="$routed" 'BEGIN { print r / 10 }')"; then
		ok "fig6: over the shortcut the RTT is under a tenth of the routed one (min/median/max $1/$2/$3 ms, routed median $routed ms)"
	else
		fail "fig6: over the shortcut the RTT is under a tenth of the routed one (min/median/max $1/$2/$3 ms, routed median $routed ms)"
	fi
	echo "fig6 rtt: routed median $routed ms, shortcut min/median/max $1/$2/$3 ms" | diag
	short=$(rtt "$vmb" 10.1.0.2 5) && set -- $short && lt "$2" "$((path / 10))" &&
		ok "fig6: from vmB to vmA too (median $2 ms)" ||
		fail "fig6: from vmB to vmA too ($short)"
	view1=$(vm_view "$vma"; vm_view "$vmb")
	if [ "$view0" = "$view1" ] &&
	   ! grep -q "$bmac" <<<"$(vm_view "$vma")" &&
	   ! grep -q "$amac" <<<"$(vm_view "$vmb")"; then
		ok "fig6: no route or neighbour changed in either VM"
	else
		fail "fig6: no route or neighbour changed in either VM"
		{ echo "before:"; echo "$view0"; echo "after:"; echo "$view1"; } | diag
	fi
	[ "$(rule tapA 10.2.0.0/24)" -ge 15 ] &&
	[ "$(rule tapB 10.1.0.0/24)" -ge 15 ] &&
	[ "$(rule tapA 10.2.0.0/24 bytes)" -ge $((15 * 98)) ] &&
		ok "fig6: each rule counts its frames ($(rule tapA 10.2.0.0/24), $(rule tapB 10.1.0.0/24))" ||
		fail "fig6: each rule counts its frames ($(rule tapA 10.2.0.0/24), $(rule tapB 10.1.0.0/24))"
	[ "$(port_stat tapA .rewrite.rules)" = 1 ] &&
	[ "$(port_stat tapA .rewrite.forwarded)" -ge 15 ] &&
	[ "$(port_stat tapA .rewrite.rewritten)" -ge "$(port_stat tapA .rewrite.forwarded)" ] &&
	[ "$(port_stat tapB .rewrite.forwarded)" -ge 15 ] &&
	[ "$(port_stat tapA .rewrite.failed)" = 0 ] &&
		ok "fig6: port counters: rules 1, rewritten and forwarded move, none failed" ||
		fail "fig6: port counters: $(vtlctl -j -s port show | jq -c 'map({dev, rewrite})')"

	# A TCP transfer over the shortcut, its content checked.
	head -c $((4 << 20)) /dev/urandom >"$tmp/data"
	local fw0
	fw0=$(port_stat tapA .rewrite.forwarded)
	if transfer "$vma" "$vmb" 10.2.0.2 5001; then
		ok "fig6: 4 MiB over TCP from vmA to vmB arrive intact"
	else
		fail "fig6: 4 MiB over TCP from vmA to vmB arrive intact"
	fi
	[ "$(port_stat tapA .rewrite.forwarded)" -gt $((fw0 + 50)) ] &&
	[ "$(port_stat tapA .rewrite.failed)" = 0 ] &&
		ok "fig6: the transfer went over the shortcut ($(($(port_stat tapA .rewrite.forwarded) - fw0)) frames)" ||
		fail "fig6: the transfer went over the shortcut ($(($(port_stat tapA .rewrite.forwarded) - fw0)) frames, $(port_stat tapA .rewrite.failed) failed)"
	transfer "$vmb" "$vma" 10.1.0.2 5002 &&
		ok "fig6: and from vmB to vmA" ||
		fail "fig6: and from vmB to vmA"

	# Deleted, the rules leave the routed path.
	rw del dev tapA match dst 10.2.0.0/24 &&
	rw del dev tapB match dst 10.1.0.0/24 &&
	rules_are 'length == 0' && [ "$(port_stat tapA .rewrite.rules)" = 0 ] ||
		fail "fig6: rewrite del"
	routed=$(rtt "$vma" 10.2.0.2 3) && set -- $routed && ge "$1" "$path" &&
		ok "fig6: rules deleted, the routed path again (min $1 ms)" ||
		fail "fig6: rules deleted, the routed path again ($routed)"
}

# Destination NAT over the shortcut: vmA talks to 10.2.0.100, which is
# vmB; vmB sees vmA, vmA sees 10.2.0.100 answer.  TCP and UDP arrive
# intact, so every checksum was right.
test_nat() {
	local out

	fig6 || { fail "nat: topology"; return; }
	rw add dev tapA match dst 10.2.0.100/32 set dmac "$bmac" \
		daddr 10.2.0.2 out tapB &&
	rw add dev tapB match dst 10.1.0.2/32 set dmac "$amac" \
		saddr 10.2.0.100 out tapA ||
		{ fail "nat: rewrite add"; return; }
	rules_are 'map(select(.dst == "10.2.0.100/32"))[0].daddr == "10.2.0.2"' &&
	rules_are 'map(select(.dst == "10.1.0.2/32"))[0].saddr == "10.2.0.100"' &&
		ok "nat: show lists the new addresses" ||
		fail "nat: show lists the new addresses: $(rules)"
	ip netns exec "$vma" ping -n -q -c 3 -i 0.2 -W 3 10.2.0.100 >/dev/null 2>&1 &&
		ok "nat: vmA pings 10.2.0.100, answered by vmB" ||
		fail "nat: vmA pings 10.2.0.100, answered by vmB"
	head -c $((2 << 20)) /dev/urandom >"$tmp/data"
	transfer "$vma" "$vmb" 10.2.0.100 5003 &&
		ok "nat: 2 MiB over TCP to 10.2.0.100 arrive intact" ||
		fail "nat: 2 MiB over TCP to 10.2.0.100 arrive intact"
	uecho "$vmb" 6000 || { fail "nat: UDP echo server"; return; }
	out=$(ip netns exec "$vma" "$PY" -S "$tmp/peer.py" uprobe 10.2.0.100 \
		6000 1 100 1400 1472 8000 30000 2>&1)
	[ "$out" = ok ] &&
		ok "nat: UDP datagrams of 1 to 30000 bytes (fragmented too) echo intact" ||
		fail "nat: UDP datagrams of 1 to 30000 bytes (fragmented too) echo intact: $out"
	[ "$(rule tapA 10.2.0.100/32)" -gt 20 ] &&
	[ "$(rule tapB 10.1.0.2/32)" -gt 20 ] &&
		ok "nat: both rules count ($(rule tapA 10.2.0.100/32), $(rule tapB 10.1.0.2/32))" ||
		fail "nat: both rules count ($(rule tapA 10.2.0.100/32), $(rule tapB 10.1.0.2/32))"
	# Other destinations behind tapB take the routed path.
	out=$(rtt "$vma" 10.2.0.1 2) && set -- $out && ge "$1" $((2 * RW_DELAY)) &&
		ok "nat: other addresses still take the routed path (min $1 ms)" ||
		fail "nat: other addresses still take the routed path ($out)"
}

# Without "out": in standalone mode the frame gets its new MACs and goes
# on through the uplink as before.
test_no_out() {
	local mv rmac

	standalone || { fail "no out: topology"; return; }
	mv=$(mac_of "$remote" mv0)
	rmac=$(mac_of "$remote" eth0)
	rm -f "$tmp/sniff" "$tmp/sniff.ready"
	rw add dev vmif match dst 10.9.0.2/32 set dmac "$mv" smac 02:00:00:00:00:42 ||
		{ fail "no out: rewrite add"; return; }
	(ip netns exec "$remote" timeout 30 "$PY" -S "$tmp/peer.py" sniff eth0 \
		10.9.0.2 "$tmp/sniff" </dev/null >/dev/null 2>&1 &)
	busywait 30000 test -e "$tmp/sniff.ready" || fail "no out: sniffer"
	ip netns exec "$vm" ping -n -q -c 3 -i 0.2 -W 3 10.9.0.2 >/dev/null 2>&1 &&
		ok "no out: the VM still reaches the remote" ||
		fail "no out: the VM still reaches the remote"
	busywait 5000 test -s "$tmp/sniff"
	[ "$(cat "$tmp/sniff" 2>/dev/null)" = "$mv 02:00:00:00:00:42" ] &&
		ok "no out: the remote receives the frames with the new MACs" ||
		fail "no out: the remote receives '$(cat "$tmp/sniff" 2>/dev/null)', expected '$mv 02:00:00:00:00:42' (eth0 is $rmac)"
	[ "$(rule vmif 10.9.0.2/32)" -ge 3 ] &&
	[ "$(port_stat vmif .rewrite.rewritten)" -ge 3 ] &&
	[ "$(port_stat vmif .rewrite.forwarded)" = 0 ] &&
	[ "$(port_stat vmif .rewrite.failed)" = 0 ] &&
		ok "no out: rewritten, none forwarded to another port" ||
		fail "no out: counters $(vtlctl -j -s port show | jq -c 'map(.rewrite)')"
	# The ARP exchange is not IP: it was never rewritten.
	ip -n "$vm" neigh show 10.9.0.2 | grep -q "$rmac" &&
		ok "no out: the VM's neighbour entry is the remote's own MAC" ||
		fail "no out: the VM's neighbour entry: $(ip -n "$vm" neigh show 10.9.0.2)"
}

# expect_rw_err WHAT PATTERN CMD...: CMD must fail and say PATTERN, and
# no rule may change.
expect_rw_err() {
	local what=$1 pattern=$2 before after

	shift 2
	before=$(rules | jq -c 'map(del(.packets, .bytes))')
	if "$@" >"$tmp/out" 2>&1; then
		fail "$what: succeeded"
		diag <"$tmp/out"
		return
	fi
	after=$(rules | jq -c 'map(del(.packets, .bytes))')
	if ! grep -Eqi -- "$pattern" "$tmp/out"; then
		fail "$what: message"
		{ echo "expected: $pattern"; cat "$tmp/out"; } | diag
	elif [ "$before" != "$after" ]; then
		fail "$what: the rules changed"
		{ echo "before: $before"; echo "after: $after"; } | diag
	else
		ok "$what ($(head -n1 "$tmp/out"))"
	fi
}

test_errors() {
	fig6 || { fail "errors: topology"; return; }
	ip -n "$host" link add d0 type dummy && ip -n "$host" link set d0 up
	rw add dev tapA match dst 10.2.0.0/24 set dmac "$bmac" out tapB ||
		{ fail "errors: rewrite add"; return; }
	expect_rw_err "errors: unattached device" "not attached" \
		rw add dev d0 match dst 10.2.0.0/24 set dmac "$bmac"
	expect_rw_err "errors: out device not attached" "not attached" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" out d0
	expect_rw_err "errors: out device is the port itself" "itself|same" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" out tapB
	expect_rw_err "errors: missing device" 'nosuch0' \
		rw add dev nosuch0 match dst 10.1.0.0/24 set dmac "$amac"
	expect_rw_err "errors: prefix too long" "10.1.0.0/33" \
		rw add dev tapB match dst 10.1.0.0/33 set dmac "$amac"
	expect_rw_err "errors: not an address" "10.1.0.300" \
		rw add dev tapB match dst 10.1.0.300 set dmac "$amac"
	expect_rw_err "errors: bits past the prefix length" "10.1.0.2/24|prefix|past" \
		rw add dev tapB match dst 10.1.0.2/24 set dmac "$amac"
	expect_rw_err "errors: multicast dmac" "01:00:5e:00:00:01|unicast|multicast" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac 01:00:5e:00:00:01
	expect_rw_err "errors: broadcast dmac" "ff:ff:ff:ff:ff:ff|unicast|broadcast" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac ff:ff:ff:ff:ff:ff
	expect_rw_err "errors: zero dmac" "00:00:00:00:00:00|unicast|zero" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac 00:00:00:00:00:00
	expect_rw_err "errors: multicast smac" "03:00:00:00:00:01|unicast|multicast" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" smac 03:00:00:00:00:01
	expect_rw_err "errors: not a MAC" "02:00:00:00:00|MAC|mac" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac 02:00:00:00:00
	expect_rw_err "errors: no dmac" "dmac" \
		rw add dev tapB match dst 10.1.0.0/24 out tapA
	expect_rw_err "errors: same prefix twice" "conflict|exist" \
		rw add dev tapA match dst 10.2.0.0/24 set dmac "$amac"
	[ "$(rule tapA 10.2.0.0/24 dmac)" = "$bmac" ] &&
	[ "$(rule tapA 10.2.0.0/24 out)" = tapB ] &&
		ok "errors: the first rule is still there, unchanged" ||
		fail "errors: the first rule is still there, unchanged: $(rules)"
	expect_rw_err "errors: IPv6 daddr for an IPv4 prefix" "famil|fd00::1" \
		rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" daddr fd00::1
	expect_rw_err "errors: IPv4 saddr for an IPv6 prefix" "famil|10.1.0.9" \
		rw add dev tapB match dst fd00::/64 set dmac "$amac" saddr 10.1.0.9
	expect_rw_err "errors: del of a missing prefix" "no rule|not found|no such|10.3.0.0" \
		rw del dev tapA match dst 10.3.0.0/24
	expect_rw_err "errors: del of a prefix of another length" "no rule|not found|no such|10.2.0.0/16" \
		rw del dev tapA match dst 10.2.0.0/16
	expect_rw_err "errors: del on an unattached device" "not attached" \
		rw del dev d0 match dst 10.2.0.0/24
	expect_rw_err "errors: show of an unattached device" "not attached" \
		rw show dev d0
	expect_rw_err "errors: tunnel auto maybe" "maybe|on.*off" \
		vtlctl tunnel auto maybe
	# The guest's namespace sees no port and no rule.
	"$VTLCTL" -n "$vma" rewrite flush >/dev/null 2>&1
	"$VTLCTL" -n "$vma" rewrite add dev eth0 match dst 10.2.0.0/24 \
		set dmac "$bmac" >/dev/null 2>&1 &&
		fail "errors: a rule on the guest's eth0 from its namespace" ||
		ok "errors: a rule on the guest's eth0 from its namespace fails"
	[ "$("$VTLCTL" -n "$vma" -j rewrite show 2>/dev/null | jq length)" = 0 ] &&
	[ "$(rules | jq length)" = 1 ] &&
		ok "errors: the guest's namespace sees no rule and flushes none" ||
		fail "errors: the guest's namespace sees no rule and flushes none"
	rw flush dev tapA && rules_are 'length == 0' &&
		ok "errors: flush dev tapA" || fail "errors: flush dev tapA"
}

# The out port goes: matching frames take the routed path again, counted
# as failed; back, the rule works again.
test_out_gone() {
	local out f0

	fig6 || { fail "out gone: topology"; return; }
	shortcut || { fail "out gone: rewrite add"; return; }
	out=$(rtt "$vma" 10.2.0.2 3) && set -- $out && lt "$2" $((RW_DELAY / 5)) ||
		{ fail "out gone: the shortcut ($out)"; return; }
	(ip netns exec "$vma" ping -n -q -i 0.05 10.2.0.2 </dev/null >/dev/null 2>&1 &)
	busywait 60000 rule_above tapA 10.2.0.0/24 20
	vtlctl port del dev tapB || { fail "out gone: port del"; return; }
	f0=$(port_stat tapA .rewrite.failed)
	out=$(rtt "$vma" 10.2.0.2 5) && set -- $out && ge "$1" $((2 * RW_DELAY)) &&
		ok "out gone: tapB detached, vmA still reaches vmB, the long way (min $1 ms)" ||
		fail "out gone: tapB detached, vmA still reaches vmB, the long way ($out)"
	[ "$(port_stat tapA .rewrite.failed)" -ge $((f0 + 5)) ] &&
	[ "$(rule tapA 10.2.0.0/24 out)" = tapB ] &&
		ok "out gone: the rule stays and counts its frames as failed ($(port_stat tapA .rewrite.failed))" ||
		fail "out gone: failed $(port_stat tapA .rewrite.failed), rules $(rules)"
	vtlctl port add dev tapB mode bridge &&
		rw add dev tapB match dst 10.1.0.0/24 set dmac "$amac" out tapA ||
		{ fail "out gone: re-attach"; return; }
	out=$(rtt "$vma" 10.2.0.2 3) && set -- $out && lt "$2" $((RW_DELAY / 5)) &&
		ok "out gone: tapB back, the shortcut again (median $2 ms)" ||
		fail "out gone: tapB back, the shortcut again ($out)"
	# The device itself goes, under the flood.
	ip -n "$host" link del tapB
	out=$(rtt "$vma" 10.1.0.1 3) &&
		ok "out gone: tapB deleted under traffic, vmA still reaches its gateway" ||
		fail "out gone: tapB deleted under traffic, vmA still reaches its gateway"
	ns_kill "$vma"
}

# longest_wins: vmA reaches 10.2.0.2 over the shortcut (its /32 rule), not
# through tapA's /24 rule; sets out.
longest_wins() {
	out=$(rtt "$vma" 10.2.0.2 3) && set -- $out &&
		lt "$2" $((RW_DELAY / 5)) && [ "$(rule tapA 10.2.0.0/24)" = 0 ]
}

rule_above() { [ "$(rule "$1" "$2")" -gt "$3" ]; }

# auto_rule DEV ADDR: DEV has the automatic shortcut for ADDR/32.
auto_rule() {
	rules_are "map(select(.dst == \"$2/32\" and .auto == true)) | length == 1" "$1"
}
no_auto_rule() { rules_are 'map(select(.auto == true)) | length == 0'; }
no_rule_for() { rules_are "map(select(.dst == \"$1\")) | length == 0"; }

# Automatic tunneling: traffic between the VMs installs the shortcuts; they
# go with their port and when auto is turned off.
test_auto() {
	local out hosts

	fig6 || { fail "auto: topology"; return; }
	vtlctl tunnel show >"$tmp/out" 2>&1 && grep -qx "auto off" "$tmp/out" &&
		ok "auto: off by default" ||
		{ fail "auto: off by default"; diag <"$tmp/out"; }
	ip netns exec "$vma" ping -n -q -c 3 -i 0.2 -W 3 10.2.0.2 >/dev/null 2>&1
	rules_are 'length == 0' &&
		ok "auto: off, traffic installs nothing" ||
		fail "auto: off, traffic installs nothing: $(rules)"
	vtlctl tunnel auto on || { fail "auto: tunnel auto on"; return; }
	[ "$(vtlctl -j tunnel show | jq -r .auto)" = true ] &&
		ok "auto: tunnel show -j says on" ||
		fail "auto: tunnel show -j: $(vtlctl -j tunnel show)"
	# A manual rule of its own, which auto must leave alone.
	rw add dev tapA match dst 10.3.0.0/16 set dmac 02:00:00:00:00:33 ||
		fail "auto: a manual rule"
	(ip netns exec "$vma" ping -n -q -i 0.2 10.2.0.2 </dev/null >/dev/null 2>&1 &)
	if busywait 10000 auto_rule tapA 10.2.0.2 &&
	   busywait 10000 auto_rule tapB 10.1.0.2; then
		ok "auto: the shortcuts appear by themselves, flagged auto"
	else
		fail "auto: the shortcuts appear by themselves, flagged auto: $(rules)"
	fi
	[ "$(rule tapA 10.2.0.2/32 dmac)" = "$bmac" ] &&
	[ "$(rule tapA 10.2.0.2/32 out)" = tapB ] &&
	[ "$(rule tapB 10.1.0.2/32 dmac)" = "$amac" ] &&
	[ "$(rule tapB 10.1.0.2/32 out)" = tapA ] &&
		ok "auto: each sends to the other VM's MAC and port" ||
		fail "auto: each sends to the other VM's MAC and port: $(rules)"
	out=$(rtt "$vma" 10.2.0.2) && set -- $out && lt "$2" $((RW_DELAY / 5)) &&
		ok "auto: the RTT drops (min/median/max $1/$2/$3 ms)" ||
		fail "auto: the RTT drops ($out)"
	echo "auto rtt: min/median/max $out ms" | diag
	hosts=$(tunnel_hosts)
	jq -e --arg a "$amac" --arg b "$bmac" '
		(map(select(.addr == "10.1.0.2"))[0] | .dev == "tapA" and .mac == $a) and
		(map(select(.addr == "10.2.0.2"))[0] | .dev == "tapB" and .mac == $b)' \
		<<<"$hosts" >/dev/null &&
		ok "auto: tunnel show lists the VMs' addresses behind their ports" ||
		fail "auto: tunnel show: $(vtlctl -j tunnel show)"
	jq -e 'map(select(.addr == "10.1.0.1" or .addr == "10.2.0.1" or
		(.addr | startswith("10.99.")))) | length == 0' <<<"$hosts" >/dev/null &&
		ok "auto: the routers are not learned" ||
		fail "auto: the routers are learned: $hosts"

	# vmB's port goes: the shortcut into it goes too.
	vtlctl port del dev tapB || fail "auto: port del"
	busywait 5000 no_rule_for 10.2.0.2/32 &&
		ok "auto: tapB detached, the shortcut to it is gone" ||
		fail "auto: tapB detached, the shortcut to it is still there: $(rules)"
	out=$(rtt "$vma" 10.2.0.2 3) && set -- $out && ge "$1" $((2 * RW_DELAY)) &&
		ok "auto: vmA reaches vmB the long way (min $1 ms)" ||
		fail "auto: vmA reaches vmB the long way ($out)"
	tunnel_hosts | jq -e 'map(select(.dev == "tapB")) | length == 0' >/dev/null &&
		ok "auto: tapB's addresses are forgotten" ||
		fail "auto: tapB's addresses: $(tunnel_hosts)"

	# Back: learned again, shortcuts again.
	vtlctl port add dev tapB mode bridge || fail "auto: port add"
	if busywait 10000 auto_rule tapA 10.2.0.2 &&
	   busywait 10000 auto_rule tapB 10.1.0.2; then
		ok "auto: tapB re-attached, the shortcuts come back"
	else
		fail "auto: tapB re-attached, the shortcuts come back: $(rules)"
	fi

	# A rule the user adds for the same prefix takes the automatic one's
	# place; a wider one added before it does not hide it.
	rw add dev tapA match dst 10.2.0.0/24 set dmac 02:00:00:00:00:24 ||
		fail "auto: a wider manual rule"
	rw add dev tapA match dst 10.2.0.2/32 set dmac "$bmac" out tapB &&
	rules_are 'map(select(.dst == "10.2.0.2/32"))[0].auto == false' tapA &&
		ok "auto: a manual rule replaces the automatic one of its prefix" ||
		fail "auto: a manual rule replaces the automatic one of its prefix: $(rules tapA)"
	if longest_wins; then
		ok "auto: the longest prefix still wins (/32 over /24)"
	else
		fail "auto: the longest prefix still wins (/32 over /24)"
		echo "rtt '$out', /24 hits $(rule tapA 10.2.0.0/24), order $(rules tapA | jq -c 'map(.dst)')" | diag
	fi
	rw del dev tapA match dst 10.2.0.0/24 || fail "auto: del of the /24"

	# Off: every automatic rule goes, the manual ones stay.
	vtlctl tunnel auto off || fail "auto: tunnel auto off"
	rules_are 'map(select(.auto == true)) | length == 0' &&
	rules_are 'map(select(.dst == "10.3.0.0/16" or .dst == "10.2.0.2/32")) | length == 2' &&
		ok "auto: off removes every automatic rule, keeps the manual ones" ||
		fail "auto: off removes every automatic rule, keeps the manual ones: $(rules)"
	[ "$(tunnel_hosts | jq length)" = 0 ] &&
		ok "auto: off forgets the learned addresses" ||
		fail "auto: off forgets the learned addresses: $(tunnel_hosts)"
	sleep 1.5 # longer than the 1 s between two requests for a shortcut
	rules_are 'map(select(.auto == true)) | length == 0' &&
		ok "auto: off, traffic installs nothing again" ||
		fail "auto: off, traffic installs nothing again: $(rules)"
	rw flush && rules_are 'length == 0' &&
		ok "auto: flush of every port" || fail "auto: flush of every port"
	ns_kill "$vma"
}

# Unload with rules and automatic shortcuts in place, under traffic.
test_unload() {
	if [ -z "$VTL_KO" ]; then
		skip "unload: VTL_KO not set"
		return
	fi
	fig6 || { fail "unload: topology"; return; }
	shortcut && vtlctl tunnel auto on &&
		rw add dev tapA match dst 10.5.0.0/16 set dmac 02:00:00:00:00:05 \
			smac 02:00:00:00:00:06 saddr 10.1.0.9 daddr 10.5.0.9 ||
		{ fail "unload: rules"; return; }
	(ip netns exec "$vma" ping -n -q -i 0.05 10.2.0.2 </dev/null >/dev/null 2>&1 &)
	busywait 60000 rule_above tapA 10.2.0.0/24 20 ||
		fail "unload: no traffic over the shortcut"
	if rmmod vtl; then
		ok "unload: rmmod with rules and tunnel auto under traffic"
	else
		fail "unload: rmmod with rules and tunnel auto under traffic"
	fi
	ns_kill "$vma"
	insmod "$VTL_KO" && vtlctl port add dev tapA mode bridge &&
		rules_are 'length == 0' &&
		vtlctl tunnel show | grep -qx "auto off" &&
		ok "unload: reloaded, no rules and auto off" ||
		fail "unload: reloaded, no rules and auto off"
}

# ---- main -----------------------------------------------------------------

run() {
	local t0=$SECONDS

	"$@"
	echo "# $*: $((SECONDS - t0)) s"
}

tap_start
if ! command -v python3 >/dev/null || ! command -v jq >/dev/null ||
   ! command -v tc >/dev/null; then
	echo "1..0 # SKIP python3, jq and tc are needed"
	exit 4
fi
if ! "$VTLCTL" rewrite help >/dev/null 2>&1; then
	echo "1..0 # SKIP $VTLCTL has no rewrite command"
	exit 4
fi
modprobe -q -a sch_netem macvlan 2>/dev/null
for t in ${RW_TESTS:-fig6 nat no_out errors out_gone auto unload}; do
	cleanup_ns
	run "test_$t"
done
tap_done
