#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SOCKS selftests: tap-proxy --socks (selftests/tcpep/) sends every TCP
# connection a VM opens through a real SOCKS proxy of the host namespace
# (microsocks, dante, tor) with vtlctl's SOCKS client
# (vtlctl/daemon/socks_client.c), and answers the VM's DNS itself
# (vtlctl/daemon/dns.c), so that no DNS packet leaves.
# No module is needed.  Runs as root, in the test VM (selftests/vm/run.sh);
# kselftest TAP output.
#
#       $vm (the VM)                      root namespace (the host)
#  +------------------------+      +----------------------------------------+
#  | tapN 10.77.0.2/24      |-fd---| tap-proxy --socks 127.0.0.1:SP         |
#  | default via 10.77.0.1  |      |   (tcpep, socks, dns)  -> proxy on SP  |
#  | peer.py connect        |      |   microsocks | danted | tor           |
#  |   198.51.100.7:PORT    |      | peer.py serve 198.51.100.7:PORT (lo)   |
#  |   somename.example     |      |   or 127.0.0.1:PORT (by hostname)      |
#  +------------------------+      +----------------------------------------+
#
# The VM dials 198.51.100.7, an address the host has on lo, so that the
# proxy reaches the server the VM named.  Hostnames: the proxies run in a
# mount namespace of their own whose /etc/hosts says somename.example is
# 127.0.0.1, and the VM's clients in one whose /etc/resolv.conf names the
# fake gateway: nothing of the system's /etc is written.
#
# Environment: TAP_PROXY (default selftests/tcpep/tap-proxy), SOCKS_MB
# (transfer size, default 20), SOCKS_ONLY (the tests to run, by name:
# microsocks dante auth automap refused concurrent tor).

NS_TAG=s
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcpep/peer.sh"
RESOLVER=10.77.0.1

PROXY=${TAP_PROXY:-$top/selftests/tcpep/tap-proxy}
PEER=$top/selftests/tcpep/peer.py
MB=${SOCKS_MB:-20}
ONLY=${SOCKS_ONLY:-}
BIG=$((MB * 1024 * 1024))
REMOTE=198.51.100.7
NAME=somename.example
tap=
proxy_pid=
server_pid=
socks_pid=
ntopo=0
lo_addr=

cleanup_socks() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	[ -n "$socks_pid" ] && kill "$socks_pid" 2>/dev/null
	[ -n "$lo_addr" ] && ip addr del "$REMOTE/32" dev lo 2>/dev/null
	cleanup
}
trap cleanup_socks EXIT

proxy_stop() {
	[ -n "$proxy_pid" ] || return 0
	kill -TERM "$proxy_pid" 2>/dev/null
	wait "$proxy_pid" 2>/dev/null
	proxy_pid=
	echo "# tap-proxy: $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' \
		"$tmp/proxy-$ntopo")"
}

# proxy_idle: tap-proxy has freed every connection (SIGUSR1 makes it print
# its counters, asynchronously: poll this with busywait).
proxy_idle() {
	kill -USR1 "$proxy_pid" 2>/dev/null
	[ "$(counter conns)" = 0 ]
}

# socks_start NAME CMD...: a SOCKS proxy in the background, in a mount
# namespace whose /etc/hosts knows $NAME; returns once $sport listens.
socks_start() {
	local name=$1

	shift
	socks_stop
	sport=$((10000 + ntopo + 1))
	printf '127.0.0.1 localhost\n127.0.0.1 %s\n' "$NAME" >"$tmp/hosts"
	unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' \
		"$tmp/hosts" "$@" </dev/null >"$tmp/$name.log" 2>&1 &
	socks_pid=$!
	busywait 20000 sh -c "ss -ltn | grep -q '127.0.0.1:$sport '"
}

# tap_topo [TAP-PROXY OPTIONS]: a fresh $vm behind a fresh tap-proxy
# (--socks 127.0.0.1:$sport unless given), $port new for its server.
tap_topo() {
	proxy_stop
	cleanup_ns
	ntopo=$((ntopo + 1))
	port=$((9000 + ntopo))
	tap=vtls$$x$ntopo
	ip netns add "$vm" || return 1
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$vm" link set lo up
	"$PROXY" "$@" "$tap" </dev/null >"$tmp/proxy-$ntopo" 2>&1 &
	proxy_pid=$!
	busywait 10000 ip link show "$tap" >/dev/null 2>&1 || return 1
	ip link set "$tap" netns "$vm" &&
	ip -n "$vm" addr add 10.77.0.2/24 dev "$tap" &&
	ip -n "$vm" link set "$tap" up &&
	ip -n "$vm" route add default via 10.77.0.1
}

# server OUT ADDR [PEER OPTIONS]: the server on ADDR:$port.
server() {
	local out=$1 addr=$2

	shift 2
	python3 -S "$PEER" serve "$addr" "$port" --out "$out" "$@" \
		</dev/null 2>"$out.err" &
	server_pid=$!
	busywait 30000 sh -c "ss -ltn | grep -q '$addr:$port '"
}

# peer.sh's transfer: the server on $REMOTE, which the host has on lo.
server_at() { server "$1" "$REMOTE" "${@:2}"; }
transfer_diag() { :; }

# ---- tests ---------------------------------------------------------------

test_microsocks() {
	socks_start microsocks microsocks -i 127.0.0.1 -p $((10000 + ntopo + 1)) ||
		{ fail "microsocks: proxy"; return; }
	tap_topo --socks "127.0.0.1:$sport" ||
		{ fail "microsocks: topology"; return; }
	transfer microsocks
	proxy_stop
	[ "$(counter socks_granted)" = 2 ] && [ "$(counter conns_closed)" = 2 ] &&
		[ "$(counter conns_reset)" = 0 ] &&
		ok "microsocks: 2 granted, closed in order" ||
		{ fail "microsocks: 2 granted, closed in order"
		  show "$tmp/proxy-$ntopo"; }
}

test_dante() {
	local p=$((10000 + ntopo + 1))

	dante_conf "$tmp/danted.conf" "$p" 127.0.0.1
	socks_start danted danted -f "$tmp/danted.conf" ||
		{ fail "dante: proxy"; show "$tmp/danted.log"; return; }
	tap_topo --socks "127.0.0.1:$sport" ||
		{ fail "dante: topology"; return; }
	transfer dante
	proxy_stop
	[ "$(counter socks_granted)" = 2 ] && [ "$(counter conns_reset)" = 0 ] &&
		ok "dante: 2 granted, nothing reset" ||
		{ fail "dante: 2 granted, nothing reset"
		  show "$tmp/proxy-$ntopo"; }
	# SOCKS4a to an address, through the same dante
	tap_topo --socks "127.0.0.1:$sport" --socks-version 4a ||
		{ fail "dante: topology"; return; }
	server "$tmp/s" "$REMOTE" --order recv-send ||
		{ fail "dante: server"; return; }
	client "$tmp/c" "$REMOTE" --send 100000 --order send-recv
	server_wait
	up_ok 100000 && ok "dante: SOCKS4a CONNECT carries the VM's bytes" ||
		{ fail "dante: SOCKS4a CONNECT carries the VM's bytes"
		  show "$tmp/c.err" "$tmp/danted.log"; }
	proxy_stop
}

test_auth() {
	local size=$((1024 * 1024))

	socks_start microsocks-auth microsocks -i 127.0.0.1 \
		-p $((10000 + ntopo + 1)) -u vtl -P s3cret ||
		{ fail "auth: proxy"; return; }
	tap_topo --socks "127.0.0.1:$sport" --user vtl --password s3cret ||
		{ fail "auth: topology"; return; }
	server "$tmp/s" "$REMOTE" --order recv-send ||
		{ fail "auth: server"; return; }
	client "$tmp/c" "$REMOTE" --send "$size" --order send-recv
	server_wait
	up_ok "$size" && ok "auth: the right password: 1 MB through, intact" ||
		{ fail "auth: the right password: 1 MB through, intact"
		  show "$tmp/c.err" "$tmp/proxy-$ntopo"; }
	tap_topo --socks "127.0.0.1:$sport" --user vtl --password wrong ||
		{ fail "auth: topology"; return; }
	server "$tmp/s" "$REMOTE" ||
		{ fail "auth: server"; return; }
	refused_fast "auth: a wrong password" 2000 "$REMOTE"
	proxy_stop
	kill "$server_pid" 2>/dev/null
	server_wait
	[ "$(counter socks_refused)" = 1 ] && [ "$(counter socks_granted)" = 0 ] &&
		ok "auth: refused by the proxy, counted" ||
		{ fail "auth: refused by the proxy, counted"
		  show "$tmp/proxy-$ntopo"; }
	proxy_stop
	tap_topo --socks "127.0.0.1:$sport" ||
		{ fail "auth: topology"; return; }
	refused_fast "auth: no credentials for a proxy that wants them" 2000 \
		"$REMOTE"
	proxy_stop
}

test_automap() {
	local size=$((1024 * 1024)) addr dump_pid

	tcpdump -ni any -w "$tmp/dns.pcap" udp port 53 or tcp port 53 \
		2>"$tmp/tcpdump.err" &
	dump_pid=$!
	busywait 10000 grep -qs "listening on" "$tmp/tcpdump.err" ||
		{ fail "automap: tcpdump"; kill "$dump_pid"; return; }
	socks_start microsocks microsocks -i 127.0.0.1 -p $((10000 + ntopo + 1)) ||
		{ fail "automap: proxy"; return; }
	tap_topo --socks "127.0.0.1:$sport" --dns automap:10.192.0.0/10 ||
		{ fail "automap: topology"; return; }
	addr=$(vm_run timeout 10 getent ahostsv4 "$NAME" | awk 'NR == 1 { print $1 }')
	case "$addr" in
	10.19[2-9].*|10.2[0-4][0-9].*|10.25[0-5].*)
		ok "automap: getent in the VM: $NAME is $addr" ;;
	*)	fail "automap: getent in the VM: $NAME is in 10.192.0.0/10 (got '$addr')"
		addr=10.192.0.1 ;;
	esac
	[ "$(vm_run timeout 10 getent ahostsv4 "$NAME" | awk 'NR == 1 { print $1 }')" = "$addr" ] &&
		ok "automap: asked again, the same address" ||
		fail "automap: asked again, the same address"
	# TCP 53 (dig +tcp if there is dig; else python's socket)
	vm_run timeout 10 python3 -S -c '
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x4242, 0x100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in sys.argv[1].split("."))
q += b"\0\0\1\0\1"
s = socket.create_connection(("10.77.0.1", 53), timeout=5)
s.sendall(struct.pack(">H", len(q)) + q)
n = struct.unpack(">H", s.recv(2))[0]
r = b""
while len(r) < n:
    r += s.recv(n - len(r))
assert r[:2] == b"\x42\x42" and r[7] == 1, r
print(".".join(str(b) for b in r[-4:]))' "$NAME" >"$tmp/tcp53" 2>&1
	[ "$(cat "$tmp/tcp53")" = "$addr" ] &&
		ok "automap: over TCP port 53, the same answer" ||
		{ fail "automap: over TCP port 53, the same answer"
		  show "$tmp/tcp53"; }
	server "$tmp/s" 127.0.0.1 --order recv-send ||
		{ fail "automap: server"; return; }
	client "$tmp/c" "$addr" --send "$size" --order send-recv
	server_wait
	up_ok "$size" &&
		ok "automap: a connection to $addr reaches $NAME's server by name" ||
		{ fail "automap: a connection to $addr reaches $NAME's server by name"
		  show "$tmp/c.err" "$tmp/microsocks.log"; }
	refused_fast "automap: an address of the prefix never handed out" \
		2000 10.255.255.254
	kill "$dump_pid" 2>/dev/null
	wait "$dump_pid" 2>/dev/null
	proxy_stop
	[ "$(counter automapped)" = 1 ] && [ "$(counter unmapped)" = 1 ] &&
		[ "$(counter dns_answers)" -ge 3 ] && [ "$(counter dns_tcp)" = 1 ] &&
		ok "automap: counted ($(counter dns_queries) queries, $(counter dns_answers) answers)" ||
		{ fail "automap: counted"; show "$tmp/proxy-$ntopo"; }
	tcpdump -nr "$tmp/dns.pcap" 2>/dev/null >"$tmp/dns.txt"
	[ -s "$tmp/dns.pcap" ] && [ ! -s "$tmp/dns.txt" ] &&
		ok "automap: no DNS packet on the host side (tcpdump -i any)" ||
		{ fail "automap: no DNS packet on the host side (tcpdump -i any)"
		  show "$tmp/dns.txt" "$tmp/tcpdump.err"; }
	# Other UDP and ICMP: dropped and counted.
	tap_topo --socks "127.0.0.1:$sport" --dns drop ||
		{ fail "automap: topology"; return; }
	vm_run timeout 5 getent ahostsv4 "$NAME" >/dev/null &&
		fail "dns drop: getent fails" || ok "dns drop: getent fails"
	ip netns exec "$vm" ping -c 1 -W 1 "$REMOTE" >/dev/null 2>&1
	echo x | ip netns exec "$vm" timeout 2 \
		bash -c "cat >/dev/udp/$REMOTE/9999" 2>/dev/null
	proxy_stop
	[ "$(counter dns_refused)" -ge 1 ] && [ "$(counter filtered)" -ge 2 ] &&
		ok "dns drop: REFUSED; ping and other UDP filtered ($(counter filtered))" ||
		{ fail "dns drop: REFUSED; ping and other UDP filtered"
		  show "$tmp/proxy-$ntopo"; }
}

test_refused() {
	socks_stop
	tap_topo --socks "127.0.0.1:1" || { fail "refused: topology"; return; }
	refused_fast "refused: no proxy listening" 500 "$REMOTE"
	proxy_stop
	[ "$(counter refused)" = 1 ] && [ "$(counter conns)" = 0 ] &&
		ok "refused: counted and freed" ||
		{ fail "refused: counted and freed"; show "$tmp/proxy-$ntopo"; }
}

# microsocks closes both sides at the first EOF (no half-close), so each
# connection is a download: the server sends, then closes; the client
# reads to EOF.
test_concurrent() {
	local n=50 size=$((100 * 1024))

	socks_start microsocks microsocks -i 127.0.0.1 -p $((10000 + ntopo + 1)) ||
		{ fail "concurrent: proxy"; return; }
	tap_topo --socks "127.0.0.1:$sport" ||
		{ fail "concurrent: topology"; return; }
	server "$tmp/s" "$REMOTE" --order send-recv --send "$size" \
		--count "$n" || { fail "concurrent: server"; return; }
	client "$tmp/c" "$REMOTE" --order recv-send --conns "$n"
	server_wait
	jq -r .sent_sha "$tmp/s" | sort >"$tmp/sent"
	jq -r 'select(.recv == '"$size"') | .recv_sha' "$tmp/c" | sort >"$tmp/got"
	[ "$(wc -l <"$tmp/sent")" = "$n" ] && cmp -s "$tmp/sent" "$tmp/got" &&
		ok "concurrent: $n connections through microsocks at once, each intact (sha256)" ||
		{ fail "concurrent: $n connections through microsocks at once, each intact (sha256)"
		  show "$tmp/c.err" "$tmp/s.err"; }
	busywait 10000 proxy_idle
	proxy_stop
	[ "$(counter socks_granted)" = "$n" ] &&
		[ "$(counter conns_closed)" = "$n" ] && [ "$(counter conns)" = 0 ] &&
		ok "concurrent: $n granted, closed and freed" ||
		{ fail "concurrent: $n granted, closed and freed"
		  show "$tmp/proxy-$ntopo"; }
}

# Tor with no network to reach: its SOCKS port speaks, but no circuit is
# ever built, so every request fails once SocksTimeout passes.
test_tor() {
	local p=$((10000 + ntopo + 1))

	mkdir -p "$tmp/tor"
	chmod 700 "$tmp/tor"
	: >"$tmp/torrc"
	socks_start tor tor --defaults-torrc "$tmp/torrc" -f "$tmp/torrc" \
		--SocksPort "127.0.0.1:$p" \
		--DataDirectory "$tmp/tor" --ClientOnly 1 --SocksTimeout 5 \
		--Log "notice stderr" --RunAsDaemon 0 ||
		{ fail "tor: proxy"; show "$tmp/tor.log"; return; }
	tap_topo --socks "127.0.0.1:$sport" --socks-timeout 30 ||
		{ fail "tor: topology"; return; }
	refused_fast "tor: no network: CONNECT by address" 20000 "$REMOTE"
	proxy_stop
	[ "$(counter socks_refused)" = 1 ] && [ "$(counter socks_timeouts)" = 0 ] &&
		ok "tor: it answered the handshake and refused the CONNECT" ||
		{ fail "tor: it answered the handshake and refused the CONNECT"
		  show "$tmp/proxy-$ntopo"; }
	tap_topo --socks "127.0.0.1:$sport" --socks-version 4a \
		--socks-timeout 30 --dns resolve ||
		{ fail "tor: topology"; return; }
	if vm_run timeout 25 getent ahostsv4 "$NAME" >/dev/null; then
		fail "tor: dns resolve: RESOLVE fails, getent fails"
	else
		ok "tor: dns resolve: RESOLVE fails, getent fails"
	fi
	refused_fast "tor: SOCKS4a CONNECT" 20000 "$REMOTE"
	proxy_stop
	[ "$(counter resolves)" -ge 1 ] && [ "$(counter dns_failed)" -ge 1 ] &&
		[ "$(counter socks_refused)" = 1 ] &&
		ok "tor: RESOLVE asked ($(counter resolves)), SERVFAIL answered" ||
		{ fail "tor: RESOLVE asked, SERVFAIL answered"
		  show "$tmp/proxy-$ntopo" "$tmp/tor.log"; }
	socks_stop
}

# ---- main ----------------------------------------------------------------

echo "TAP version 13"
for t in python3 jq ss unshare tcpdump getent; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t is needed"
		exit 4
	fi
done
if [ ! -x "$PROXY" ]; then
	echo "1..0 # SKIP $PROXY not built (make -C selftests/tcpep)"
	exit 4
fi
if [ ! -c /dev/net/tun ]; then
	modprobe tun 2>/dev/null
	[ -c /dev/net/tun ] || { mkdir -p /dev/net &&
		mknod /dev/net/tun c 10 200; } 2>/dev/null
fi
if [ ! -c /dev/net/tun ]; then
	echo "1..0 # SKIP no /dev/net/tun"
	exit 4
fi
ip link set lo up
if ip addr add "$REMOTE/32" dev lo 2>/dev/null; then
	lo_addr=1
fi
echo "# kernel $(uname -r)"
start=$(date +%s)
for t in microsocks dante auth automap refused concurrent tor; do
	[ -z "$ONLY" ] || [[ " $ONLY " == *" $t "* ]] || continue
	case $t in
	microsocks|auth|automap|concurrent) bin=microsocks ;;
	dante) bin=danted ;;
	tor) bin=tor ;;
	*) bin= ;;
	esac
	if [ -n "$bin" ] && ! command -v "$bin" >/dev/null; then
		skip "$t: $bin is not installed"
		continue
	fi
	t0=$(date +%s)
	"test_$t"
	echo "# $t: $(($(date +%s) - t0)) s"
done
proxy_stop
socks_stop
echo "# $(($(date +%s) - start)) s"
tap_done
