#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcpep selftests: vtlctl's userspace TCP endpoint (vtlctl/daemon/tcpep.c) plays
# the remote end of every TCP connection a VM opens, against the Linux TCP
# stack of a network namespace standing in for the VM.  tap-proxy
# (selftests/tcpep/) runs tcpep on a TAP device and relays each connection
# to one upstream server, whatever address the VM dialled.  No module is
# needed.  Runs as root, in the test VM (selftests/vm/run.sh); kselftest
# TAP output.
#
# Each test builds this from scratch (the namespace is per run, the TAP
# device per test):
#
#       $vm (the VM)                      root namespace (the host)
#  +------------------------+      +-------------------------------------+
#  | tapN 10.77.0.2/24      |-fd---| tap-proxy -> 127.0.0.1:PORT         |
#  | default via 10.77.0.1  |      |   (tcpep)      peer.py serve (upstream)
#  | peer.py connect        |      |                                     |
#  |   198.51.100.7:80      |      |                                     |
#  +------------------------+      +-------------------------------------+
#
# tap-proxy opens tapN in the root namespace, then tapN moves into $vm:
# its file descriptor stays with the proxy.  tcpep answers ARP for any
# address, so the fake gateway 10.77.0.1 and every remote address reach it.
#
# Environment: TAP_PROXY (default selftests/tcpep/tap-proxy), TCPEP_MB
# (transfer size, default 20), TCPEP_LOSS_MB (the same under loss, which
# takes longer: default half of it), TCPEP_ONLY (the tests to run, by name:
# upload download loss slow_reader half_close refused concurrent).

NS_TAG=t
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcpep/peer.sh"

PROXY=${TAP_PROXY:-$top/selftests/tcpep/tap-proxy}
PEER=$top/selftests/tcpep/peer.py
MB=${TCPEP_MB:-20}
LOSS_MB=${TCPEP_LOSS_MB:-$((MB / 2))}
ONLY=${TCPEP_ONLY:-}
BIG=$((MB * 1024 * 1024))
REMOTE=198.51.100.7
tap=
proxy_pid=
server_pid=
ntopo=0

# Processes of the root namespace are ours to stop; lib.sh's cleanup does
# the namespaces.
cleanup_tcpep() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
	cleanup
}
trap cleanup_tcpep EXIT

# proxy_stop: SIGTERM tap-proxy (its TAP device goes with it); its
# counters are in $tmp/proxy-N.
proxy_stop() {
	[ -n "$proxy_pid" ] || return 0
	kill -TERM "$proxy_pid" 2>/dev/null
	wait "$proxy_pid" 2>/dev/null
	proxy_pid=
	echo "# tcpep: $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' \
		"$tmp/proxy-$ntopo")"
}

# counter_now NAME: the counter while tap-proxy runs: SIGUSR1 makes it
# print them (asynchronously: poll this with busywait).
counter_now() {
	kill -USR1 "$proxy_pid" 2>/dev/null
	counter "$1"
}

# proxy_zero_window: tcpep has advertised a zero window.
proxy_zero_window() {
	[ "$(counter_now zero_windows)" -gt 0 ] 2>/dev/null
}

# tap_topo [TAP-PROXY OPTIONS]: a fresh $vm behind a fresh tap-proxy whose
# upstream is 127.0.0.1:$port ($port is new each time).
tap_topo() {
	proxy_stop
	cleanup_ns
	ntopo=$((ntopo + 1))
	port=$((9000 + ntopo))
	tap=vtlt$$x$ntopo
	ip netns add "$vm" || return 1
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$vm" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$vm" link set lo up
	"$PROXY" "$@" "$tap" "127.0.0.1:$port" </dev/null \
		>"$tmp/proxy-$ntopo" 2>&1 &
	proxy_pid=$!
	busywait 10000 ip link show "$tap" >/dev/null 2>&1 || return 1
	ip link set "$tap" netns "$vm" &&
	ip -n "$vm" addr add 10.77.0.2/24 dev "$tap" &&
	ip -n "$vm" link set "$tap" up &&
	ip -n "$vm" route add default via 10.77.0.1
}

# server OUT [PEER OPTIONS]: the upstream server on $port, in the
# background; returns once it listens.
server() {
	local out=$1

	shift
	python3 -S "$PEER" serve 127.0.0.1 "$port" --out "$out" "$@" \
		</dev/null 2>"$out.err" &
	server_pid=$!
	busywait 30000 sh -c "ss -ltn | grep -q '127.0.0.1:$port '"
}

# client OUT [PEER OPTIONS]: a client in the VM, to $REMOTE:80.
client() {
	local out=$1

	shift
	timeout 150 ip netns exec "$vm" python3 -S "$PEER" connect "$REMOTE" 80 \
		--out "$out" "$@" </dev/null 2>"$out.err"
}

# ---- tests ---------------------------------------------------------------

test_upload() {
	tap_topo || { fail "upload: topology"; return; }
	server "$tmp/s" --order recv-send || { fail "upload: server"; return; }
	client "$tmp/c" --send "$BIG" --order send-recv
	server_wait
	if up_ok; then
		ok "upload: $MB MB from the VM reach upstream intact (sha256)"
	else
		fail "upload: $MB MB from the VM reach upstream intact (sha256)"
		show "$tmp/c" "$tmp/c.err" "$tmp/s" "$tmp/s.err"
	fi
	proxy_stop
	[ "$(counter conns_closed)" = 1 ] && [ "$(counter conns_reset)" = 0 ] &&
		[ "$(counter bytes_in)" = "$BIG" ] &&
		ok "upload: closed in order, every byte counted once" ||
		{ fail "upload: closed in order, every byte counted once"
		  show "$tmp/proxy-$ntopo"; }
}

test_download() {
	tap_topo || { fail "download: topology"; return; }
	server "$tmp/s" --send "$BIG" --order send-recv ||
		{ fail "download: server"; return; }
	client "$tmp/c" --order recv-send
	server_wait
	if down_ok; then
		ok "download: $MB MB from upstream reach the VM intact (sha256)"
	else
		fail "download: $MB MB from upstream reach the VM intact (sha256)"
		show "$tmp/c" "$tmp/c.err" "$tmp/s" "$tmp/s.err"
	fi
	proxy_stop
	[ "$(counter bytes_out)" = "$BIG" ] &&
		[ "$(counter conns_closed)" = 1 ] &&
		ok "download: closed in order, every byte sent once" ||
		{ fail "download: closed in order, every byte sent once"
		  show "$tmp/proxy-$ntopo"; }
}

test_loss() {
	local netem=1 what size=$((LOSS_MB * 1024 * 1024))

	tap_topo --drop-rate 0.02 || { fail "loss: topology"; return; }
	if ! ip netns exec "$vm" tc qdisc add dev "$tap" root netem loss 2% \
		2>"$tmp/tc.err"; then
		netem=
		skip "loss: netem on the VM's transmits: $(head -1 "$tmp/tc.err")"
	fi
	what="loss (2% tap-proxy${netem:+, 2% netem})"
	server "$tmp/s" --order recv-send || { fail "$what: server"; return; }
	client "$tmp/c" --send "$size" --order send-recv
	server_wait
	up_ok "$size" && ok "$what: upload of $LOSS_MB MB intact" ||
		{ fail "$what: upload of $LOSS_MB MB intact"
		  show "$tmp/c" "$tmp/s"; }
	server "$tmp/s" --send "$size" --order send-recv ||
		{ fail "$what: server"; return; }
	client "$tmp/c" --order recv-send
	server_wait
	down_ok "$size" && ok "$what: download of $LOSS_MB MB intact" ||
		{ fail "$what: download of $LOSS_MB MB intact"
		  show "$tmp/c" "$tmp/s"; }
	proxy_stop
	[ "$(counter retransmits)" -gt 0 ] && [ "$(counter dropped)" -gt 0 ] &&
		[ "$(counter conns_reset)" = 0 ] &&
		ok "loss: tcpep retransmitted ($(counter retransmits), $(counter timeouts) on timeout; $(counter dropped) dropped, $(counter ooo_queued) out of order kept)" ||
		{ fail "loss: tcpep retransmitted"; show "$tmp/proxy-$ntopo"; }
}

# The VM's socket to $REMOTE is established, its window probe timer
# backing off (ss shows the probes' backoff; kernels from 6.2 on also show
# snd_wnd:0, which Debian 12's ss does not print).
vm_probing() {
	ip netns exec "$vm" ss -tin state established dst "$REMOTE" |
		grep -q 'backoff:[1-9]'
}

test_slow_reader() {
	local cpid

	tap_topo || { fail "slow reader: topology"; return; }
	rm -f "$tmp/go"
	server "$tmp/s" --order recv-send --pause "$tmp/go" ||
		{ fail "slow reader: server"; return; }
	client "$tmp/c" --send "$BIG" --order send-recv &
	cpid=$!
	busywait 60000 proxy_zero_window &&
		ok "slow reader: tcpep advertises a zero window to the VM" ||
		fail "slow reader: tcpep advertises a zero window to the VM"
	if busywait 60000 vm_probing; then
		ok "slow reader: the VM's connection stays up, probing the window"
	else
		fail "slow reader: the VM's connection stays up, probing the window"
		ip netns exec "$vm" ss -tin | diag
	fi
	touch "$tmp/go"
	wait "$cpid"
	server_wait
	up_ok && ok "slow reader: resumed, $MB MB intact" ||
		{ fail "slow reader: resumed, $MB MB intact"
		  show "$tmp/c" "$tmp/c.err" "$tmp/s" "$tmp/s.err"; }
	proxy_stop
	[ "$(counter zero_windows)" -gt 0 ] && [ "$(counter conns_reset)" = 0 ] &&
		ok "slow reader: tcpep advertised zero windows ($(counter zero_windows)), reset nothing" ||
		{ fail "slow reader: tcpep advertised zero windows"
		  show "$tmp/proxy-$ntopo"; }
}

test_half_close() {
	local size=$((1024 * 1024))

	tap_topo || { fail "half-close: topology"; return; }
	# The VM sends and closes its side; upstream reads to EOF, then
	# answers, then closes: the VM reads to EOF.
	server "$tmp/s" --order recv-send --send "$size" ||
		{ fail "half-close: server"; return; }
	client "$tmp/c" --order send-recv --send "$size"
	server_wait
	same "$tmp/c" sent_sha "$tmp/s" recv_sha &&
		ok "half-close: upstream reads the VM's bytes, then EOF" ||
		{ fail "half-close: upstream reads the VM's bytes, then EOF"
		  show "$tmp/c" "$tmp/s" "$tmp/s.err"; }
	same "$tmp/s" sent_sha "$tmp/c" recv_sha &&
		[ "$(jq -r .recv "$tmp/c")" = "$size" ] &&
		ok "half-close: after its FIN the VM still receives, then EOF" ||
		{ fail "half-close: after its FIN the VM still receives, then EOF"
		  show "$tmp/c" "$tmp/c.err" "$tmp/s"; }
	busywait 10000 sh -c "! ip netns exec '$vm' ss -tn state established dst $REMOTE | grep -q ':80'" &&
		ok "half-close: nothing left established in the VM" ||
		fail "half-close: nothing left established in the VM"
	proxy_stop
	[ "$(counter conns_closed)" = 1 ] && [ "$(counter conns_reset)" = 0 ] &&
		[ "$(counter conns)" = 0 ] &&
		ok "half-close: tcpep closed it in order and freed it" ||
		{ fail "half-close: tcpep closed it in order and freed it"
		  show "$tmp/proxy-$ntopo"; }
}

test_refused() {
	local rc=0 t

	tap_topo || { fail "refused: topology"; return; }
	# Nothing listens on $port.  bash's /dev/tcp connects and reports;
	# the shell's start is not timed, only its connect(): exit 0 and the
	# times around connect() if refused, 2 if it connected, 124 if it
	# hung.
	ip netns exec "$vm" timeout 5 bash -c "s=\$EPOCHREALTIME
		if : 3<>/dev/tcp/$REMOTE/80; then exit 2; fi
		echo \$s \$EPOCHREALTIME" >"$tmp/t" 2>"$tmp/err" || rc=$?
	t=$(awk '{ printf "%.1f", ($2 - $1) * 1000 }' "$tmp/t")
	if [ "$rc" = 0 ] && grep -q "Connection refused" "$tmp/err" &&
	   awk -v t="${t:-1000}" 'BEGIN { exit !(t < 500) }'; then
		ok "refused: no upstream: the VM's connect gets ECONNREFUSED (in $t ms)"
	else
		fail "refused: no upstream: the VM's connect gets ECONNREFUSED in under 500 ms (rc $rc, ${t:-?} ms)"
		show "$tmp/err"
	fi
	proxy_stop
	[ "$(counter conns_refused)" = 1 ] && [ "$(counter conns)" = 0 ] &&
		ok "refused: counted and freed" ||
		{ fail "refused: counted and freed"; show "$tmp/proxy-$ntopo"; }
}

test_concurrent() {
	local n=50 size=$((100 * 1024)) ex

	tap_topo || { fail "concurrent: topology"; return; }
	server "$tmp/s" --order recv-send --echo --count "$n" ||
		{ fail "concurrent: server"; return; }
	client "$tmp/c" --order send-recv --send "$size" --conns "$n"
	server_wait
	ex="length == $n and all(.[]; .recv == $size and .recv_sha == .sent_sha)"
	jq -se "$ex" "$tmp/c" >/dev/null &&
		ok "concurrent: $n connections at once, each echoed intact" ||
		{ fail "concurrent: $n connections at once, each echoed intact"
		  show "$tmp/c.err" "$tmp/s.err"; }
	proxy_stop
	[ "$(counter conns_opened)" = "$n" ] &&
		[ "$(counter conns_closed)" = "$n" ] && [ "$(counter conns)" = 0 ] &&
		ok "concurrent: $n opened, closed and freed" ||
		{ fail "concurrent: $n opened, closed and freed"
		  show "$tmp/proxy-$ntopo"; }
}

# ---- main ----------------------------------------------------------------

echo "TAP version 13"
for t in python3 jq ss; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t is needed"
		exit 4
	fi
done
if [ ! -x "$PROXY" ]; then
	echo "1..0 # SKIP $PROXY not built (make -C selftests/tcpep)"
	exit 4
fi
# A fresh VM has not loaded tun yet; a minimal /dev may lack its node.
if [ ! -c /dev/net/tun ]; then
	modprobe tun 2>/dev/null
	[ -c /dev/net/tun ] || { mkdir -p /dev/net &&
		mknod /dev/net/tun c 10 200; } 2>/dev/null
fi
if [ ! -c /dev/net/tun ]; then
	echo "1..0 # SKIP no /dev/net/tun"
	exit 4
fi
echo "# kernel $(uname -r)"
start=$(date +%s)
for t in upload download loss slow_reader half_close refused concurrent; do
	[ -z "$ONLY" ] || [[ " $ONLY " == *" $t "* ]] || continue
	t0=$(date +%s)
	"test_$t"
	echo "# $t: $(($(date +%s) - t0)) s"
done
proxy_stop
echo "# $(($(date +%s) - start)) s"
tap_done
