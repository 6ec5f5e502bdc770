#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vtlctl daemon selftests: a VM's TCP proxied through a SOCKS proxy by the
# kernel's SOCKS service (services/socks/) and `vtlctl daemon`, over the
# port's shared ring; the VM's DNS answered by the daemon; nothing of the
# VM's on the uplink.  Runs as root, in the test VM (selftests/vm/run.sh),
# with vtl.ko loaded; kselftest TAP output.
#
#  $vm (the VM)          root namespace (the host)            $remote ("net")
# +-----------------+   +-------------------------------+   +----------------+
# | eth0 10.77.0.2  |---| vtldN: VTL port (host-only),  |   |                |
# | default via     |   |   socks -> 127.0.0.1:SP       |   |                |
# |   10.77.0.1     |   | vtlctl daemon (the ring)      |   | peer.py serve  |
# | resolver        |   | microsocks | danted | tor :SP |   |  192.0.2.2:P   |
# |   192.0.2.2     |   | up0 192.0.2.1/24 -------------+---| eth0 192.0.2.2 |
# +-----------------+   +-------------------------------+   +----------------+
#
# The host forwards and the net namespace routes 10.77.0.0/24 back, so
# that without VTL the VM does reach the net namespace: there is an uplink
# to leak to.  tcpdump on up0 watches it until the leak test: every packet
# on it must be TCP between the proxies (192.0.2.1) and the servers
# (192.0.2.2), or ARP.  Then IPv6 comes up (the VM fd00:77::2, up0
# 2001:db8:77::1, the server 2001:db8:77::2) for "ipv6 proxy".  Hostnames:
# the proxies run in a mount namespace whose /etc/hosts says
# somename.example is 192.0.2.2.
#
# Environment: VTLCTL, DAEMON_MB (transfer size, default 100), DAEMON_CONNS
# (connections at once, default 200), DAEMON_ONLY (tests by name),
# DAEMON_RST_MS (how soon a killed or stopped daemon's VM connections must
# be reset, default 5000), DAEMON_GSO_DIV (large segments: how many times
# fewer frames than full-sized segments, default 4).

NS_TAG=d
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcpep/peer.sh"

PEER=$top/selftests/tcpep/peer.py
MB=${DAEMON_MB:-100}
CONNS=${DAEMON_CONNS:-200}
# How soon the VM must see its connections reset when the daemon is killed
# or stopped (ms).
RST_MS=${DAEMON_RST_MS:-5000}
# Fewer frames than one a full-sized segment by this factor, each way.
GSO_DIV=${DAEMON_GSO_DIV:-4}
ONLY=${DAEMON_ONLY:-}
BIG=$((MB * 1024 * 1024))
REMOTE=192.0.2.2
# peer.sh's client: the VM's resolver, a transfer's time limit
RESOLVER=$REMOTE
CLIENT_TIMEOUT=600
UPADDR=192.0.2.1
NAME=somename.example
port_if=vtld$$
ntopo=0
port=9000
daemon_pid=
server_pid=
socks_pid=
dump_pid=
sport=

cleanup_daemon() {
	local p

	for p in "$server_pid" "$daemon_pid" "$socks_pid" "$dump_pid"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	ip link del "$port_if" 2>/dev/null
	ip link del up0 2>/dev/null
	cleanup
}
trap cleanup_daemon EXIT

# counter NAME is peer.sh's over tap-proxy's counters: here the daemon has
# none of its own, and its log is $tmp/daemon.log.
dlog_has() { grep -qE "$1" "$tmp/daemon.log"; }

# daemon_start [VAR=VALUE...]: the daemon, with those in its environment.
daemon_start() {
	env "$@" "$VTLCTL_DAEMON" daemon verbose </dev/null >>"$tmp/daemon.log" 2>&1 &
	daemon_pid=$!
	busywait 60000 dlog_has "running \\(pid $daemon_pid\\)"
}

# daemon_stop: SIGTERM, and its exit status.
daemon_stop() {
	local rc=0

	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" || rc=$?
	daemon_pid=
	return "$rc"
}

# socks_start NAME CMD...: a SOCKS proxy in the background on $sport (new),
# in a mount namespace whose /etc/hosts knows $NAME.
socks_start() {
	local name=$1

	shift
	socks_stop
	printf '127.0.0.1 localhost\n%s %s\n' "$REMOTE" "$NAME" >"$tmp/hosts"
	unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' \
		"$tmp/hosts" "$@" </dev/null >"$tmp/$name.log" 2>&1 &
	socks_pid=$!
	busywait 120000 sh -c "ss -ltn | grep -q '127.0.0.1:$sport '"
}

microsocks_start() {
	sport=$((sport + 1))
	socks_start microsocks microsocks -i 127.0.0.1 -p "$sport"
}

# socks_set [OPTIONS]: the port's SOCKS service (again) on $sport; the
# daemon, if running, says it started the port.
socks_set() {
	local n

	"$VTLCTL" socks del dev "$port_if" 2>/dev/null
	n=$(grep -c "$port_if: started" "$tmp/daemon.log")
	"$VTLCTL" socks add dev "$port_if" proxy "127.0.0.1:$sport" "$@" ||
		return 1
	[ -z "$daemon_pid" ] ||
		busywait 60000 sh -c "[ \$(grep -c '$port_if: started' '$tmp/daemon.log') -gt $n ]"
}

# topo: $vm behind the VTL port $port_if of the root namespace, the net
# namespace $remote behind up0; the port not attached yet.
topo() {
	local v6off="net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"

	cleanup_ns
	[ ! -e "/sys/class/net/$port_if" ] || ip link del "$port_if"
	[ ! -e /sys/class/net/up0 ] || ip link del up0
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=1
	ipb <<-EOF &&
		netns add $vm
		netns add $remote
		netns exec $vm sysctl -qw $v6off
		netns exec $remote sysctl -qw $v6off
		link add $port_if type veth peer name eth0 netns $vm
		link add up0 type veth peer name eth0 netns $remote
		addr add 10.77.0.1/24 dev $port_if
		addr add $UPADDR/24 dev up0
		link set $port_if up
		link set up0 up
	EOF
	ipb "$vm" <<-EOF &&
		link set lo up
		addr add 10.77.0.2/24 dev eth0
		link set eth0 up
		route add default via 10.77.0.1
	EOF
	ipb "$remote" <<-EOF
		link set lo up
		addr add $REMOTE/24 dev eth0
		link set eth0 up
		route add 10.77.0.0/24 via $UPADDR
	EOF
}

# server OUT [PEER OPTIONS]: a server in the net namespace on a new $port.
server() {
	local out=$1

	shift
	port=$((port + 1))
	ip netns exec "$remote" python3 -S "$PEER" serve "$REMOTE" "$port" \
		--out "$out" "$@" </dev/null 2>"$out.err" &
	server_pid=$!
	# Polled for up to 2 minutes: on the loaded debug kernel the peer's
	# Python took more than 30 s to listen.  The script's other waits are
	# a minute or two for the same reason; they end as soon as the thing
	# waited for is there.
	busywait 120000 sh -c "ip netns exec '$remote' ss -ltn | grep -q '$REMOTE:$port '"
}

# diag_port: the port's ring and SOCKS counters and the daemon's last
# lines, for a failure's diagnosis.
diag_port() {
	"$VTLCTL" -s port show dev "$port_if" 2>&1 | diag
	"$VTLCTL" -s socks show dev "$port_if" 2>&1 | diag
	tail -n 5 "$tmp/daemon.log" | diag
}

# peer.sh's transfer: the server in the net namespace; a failure shows
# the port's counters.
server_at() { server "$@"; }
transfer_diag() { diag_port; }

# ---- tests ---------------------------------------------------------------

test_setup() {
	topo || { fail "setup: topology"; return 1; }
	ip netns exec "$vm" ping -c 1 -W 5 "$REMOTE" >/dev/null &&
		ok "setup: without VTL the VM reaches the net namespace (an uplink to leak to)" ||
		{ fail "setup: without VTL the VM reaches the net namespace"; return 1; }
	"$VTLCTL" port add dev "$port_if" ||
		{ fail "setup: port add"; return 1; }
	ip -n "$vm" neigh flush all
	# headers are enough, and reading back 100s of MB is slow under TCG
	tcpdump -ni up0 -s 96 -w "$tmp/up0.pcap" 2>"$tmp/tcpdump.err" &
	dump_pid=$!
	busywait 60000 grep -qs "listening on" "$tmp/tcpdump.err" ||
		{ fail "setup: tcpdump on up0"; return 1; }
	microsocks_start || { fail "setup: microsocks"; return 1; }
	"$VTLCTL" socks add dev "$port_if" proxy "127.0.0.1:$sport" ||
		{ fail "setup: socks add"; return 1; }
	# before the daemon: the kernel resets the VM's connections
	server "$tmp/s" || { fail "setup: server"; return 1; }
	refused_fast "no daemon" 3000 "$REMOTE"
	kill "$server_pid" 2>/dev/null
	server_wait
	daemon_start && dlog_has "$port_if: started" &&
		ok "daemon: started the port configured before it" ||
		{ fail "daemon: started the port configured before it"
		  show "$tmp/daemon.log"; return 1; }
}

test_microsocks() {
	local u0 d0 e0 up down

	u0=$(port_stat -n "" "$port_if" .ring.up)
	d0=$(port_stat -n "" "$port_if" .ring.down)
	e0=$(port_stat -n "" "$port_if" .ring.down_errors)
	transfer microsocks
	# The download's payloads went from the upstream sockets, every one
	# taken.
	dlog_has "$port_if: started: .*payloads to the VM from the upstream sockets" &&
	[ "$(port_stat -n "" "$port_if" .ring.down_errors)" = "$e0" ] &&
		ok "microsocks: payloads to the VM from the upstream sockets, no frame refused" ||
		{ fail "microsocks: payloads to the VM from the upstream sockets, no frame refused"
		  diag_port; }
	# Both ways, data in large segments (up to 64 KiB); the ACKs the other
	# way one a batch.  One frame a segment would be $MB * 718 each way;
	# a quarter of that (DAEMON_GSO_DIV) leaves room for a slow kernel's
	# batches; the loaded debug kernel's are smaller still.
	up=$(($(port_stat -n "" "$port_if" .ring.up) - u0))
	down=$(($(port_stat -n "" "$port_if" .ring.down) - d0))
	[ "$up" -lt $((MB * 1048576 / 1460 / GSO_DIV)) ] &&
	[ "$down" -lt $((MB * 1048576 / 1460 / GSO_DIV)) ] &&
		ok "microsocks: large segments: $up frames up, $down down for $MB MB each way" ||
		{ fail "microsocks: large segments: $up frames up, $down down for $MB MB each way"
		  diag_port; }
	grep -q "$port_if: 10.77.0.2:[0-9]* -> $REMOTE:$port: closed" \
		"$tmp/daemon.log" &&
		ok "microsocks: verbose: the connection's line in the log" ||
		{ fail "microsocks: verbose: the connection's line in the log"
		  show "$tmp/daemon.log"; }
}

test_dante() {
	sport=$((sport + 1))
	dante_conf "$tmp/danted.conf" "$sport" "$UPADDR"
	socks_start danted danted -f "$tmp/danted.conf" ||
		{ fail "dante: proxy"; show "$tmp/danted.log"; return; }
	socks_set && ok "dante: socks add while the daemon runs: picked up" ||
		{ fail "dante: socks add while the daemon runs: picked up"
		  show "$tmp/daemon.log"; return; }
	transfer dante
}

# Tor with no network: its SOCKS port answers the handshake, and refuses
# the CONNECT once SocksTimeout passes.
test_tor() {
	sport=$((sport + 1))
	mkdir -p "$tmp/tor"
	chmod 700 "$tmp/tor"
	: >"$tmp/torrc"
	socks_start tor tor --defaults-torrc "$tmp/torrc" -f "$tmp/torrc" \
		--SocksPort "127.0.0.1:$sport" \
		--DataDirectory "$tmp/tor" --ClientOnly 1 --SocksTimeout 5 \
		--Log "notice stderr" --RunAsDaemon 0 ||
		{ fail "tor: proxy"; show "$tmp/tor.log"; return; }
	socks_set || { fail "tor: socks add"; return; }
	server "$tmp/s" || { fail "tor: server"; return; }
	refused_fast "tor: no network" 20000 "$REMOTE"
	kill "$server_pid" 2>/dev/null
	server_wait
	grep -q "$port_if: 10.77.0.2:[0-9]* -> $REMOTE:$port: reset: the proxy refused" \
		"$tmp/daemon.log" &&
		ok "tor: the handshake completed, the CONNECT was refused" ||
		{ fail "tor: the handshake completed, the CONNECT was refused"
		  show "$tmp/daemon.log" "$tmp/tor.log"; }
}

test_automap() {
	local addr size=$((1024 * 1024))

	microsocks_start || { fail "automap: microsocks"; return; }
	socks_set dns automap || { fail "automap: socks add"; return; }
	addr=$(vm_run timeout 10 getent ahostsv4 "$NAME" | awk 'NR == 1 { print $1 }')
	case "$addr" in
	10.19[2-9].*|10.2[0-4][0-9].*|10.25[0-5].*)
		ok "automap: getent in the VM: $NAME is $addr" ;;
	*)	fail "automap: getent in the VM: $NAME is in 10.192.0.0/10 (got '$addr')"
		addr=10.192.0.1 ;;
	esac
	server "$tmp/s" --order recv-send || { fail "automap: server"; return; }
	client "$tmp/c" "$addr" --send "$size" --order send-recv
	server_wait
	up_ok "$size" &&
		ok "automap: a connection to $addr reaches $NAME's server by name" ||
		{ fail "automap: a connection to $addr reaches $NAME's server by name"
		  show "$tmp/c.err" "$tmp/microsocks.log" "$tmp/daemon.log"; }
}

# IPv6 with "ipv6 proxy": the VM resolves a name over IPv6 UDP (automap),
# and connects to an IPv6 server, which microsocks reaches over the
# uplink's IPv6.  After the leak capture, which is IPv4-only.
V6_VM=fd00:77::2
V6_DNS=fd00:77::53
V6_UP=2001:db8:77::1
V6_REMOTE=2001:db8:77::2

test_ipv6() {
	local addr size=$((1024 * 1024))

	ip netns exec "$vm" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
	ip netns exec "$remote" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
	sysctl -qw net.ipv6.conf.up0.disable_ipv6=0 &&
	ip -n "$vm" addr add "$V6_VM/64" dev eth0 nodad &&
	ip -n "$vm" -6 route add default dev eth0 &&
	ip -n "$remote" addr add "$V6_REMOTE/64" dev eth0 nodad &&
	ip addr add "$V6_UP/64" dev up0 nodad || { fail "ipv6: addresses"; return; }
	microsocks_start || { fail "ipv6: microsocks"; return; }
	socks_set ipv6 proxy || { fail "ipv6: socks add ... ipv6 proxy"; return; }
	addr=$(RESOLVER=$V6_DNS vm_run timeout 10 getent ahostsv4 "$NAME" |
	       awk 'NR == 1 { print $1 }')
	case "$addr" in
	10.19[2-9].*|10.2[0-4][0-9].*|10.25[0-5].*)
		ok "ipv6: a query over IPv6 UDP answered: $NAME is $addr" ;;
	*)	fail "ipv6: a query over IPv6 UDP answered: $NAME is in 10.192.0.0/10 (got '$addr')"
		diag_port ;;
	esac
	port=$((port + 1))
	ip netns exec "$remote" python3 -S "$PEER" serve "$V6_REMOTE" "$port" \
		--out "$tmp/s" --order recv-send </dev/null 2>"$tmp/s.err" &
	server_pid=$!
	busywait 120000 sh -c "ip netns exec '$remote' ss -ltn | grep -q '$port '" ||
		{ fail "ipv6: server"; return; }
	client "$tmp/c" "$V6_REMOTE" --send "$size" --order send-recv
	server_wait
	up_ok "$size" &&
		ok "ipv6: 1 MB from the VM over IPv6 reach an IPv6 server intact" ||
		{ fail "ipv6: 1 MB from the VM over IPv6 reach an IPv6 server intact"
		  show "$tmp/c.err" "$tmp/s.err" "$tmp/microsocks.log"; diag_port; }
}

# microsocks closes both ways at the first EOF: each connection is a
# download.
test_concurrent() {
	local size=$((64 * 1024))

	server "$tmp/s" --order send-recv --send "$size" --count "$CONNS" ||
		{ fail "concurrent: server"; return; }
	client "$tmp/c" "$REMOTE" --order recv-send --conns "$CONNS"
	server_wait
	jq -r .sent_sha "$tmp/s" | sort >"$tmp/sent"
	jq -r 'select(.recv == '"$size"') | .recv_sha' "$tmp/c" | sort >"$tmp/got"
	[ "$(wc -l <"$tmp/sent")" = "$CONNS" ] && cmp -s "$tmp/sent" "$tmp/got" &&
		ok "concurrent: $CONNS connections at once, each intact (sha256)" ||
		{ fail "concurrent: $CONNS connections at once, each intact (sha256)"
		  show "$tmp/c.err" "$tmp/s.err"; }
}

# The daemon killed mid-upload: the kernel resets the VM's next segment.
# The VM sends without end, so that it is still sending whenever the kill
# comes (a sized upload may be all acknowledged by then, and a VM that
# only waits sends nothing to reset).
test_kill() {
	local rc=0 t0 t cpid

	server "$tmp/s" --order recv-send || { fail "kill: server"; return; }
	vm_run timeout 120 bash -c \
		"exec 3<>/dev/tcp/$REMOTE/$port && cat /dev/zero >&3" \
		>/dev/null 2>"$tmp/kill.err" &
	cpid=$!
	# 100 kB acknowledged: the upload goes through the daemon (the
	# debug kernel moves about 60 kB/s there).
	busywait 60000 sh -c "ip netns exec '$vm' ss -tin dst $REMOTE | grep -qE 'bytes_acked:[0-9]{6,}'" ||
		{ fail "kill: the upload got going"; kill "$cpid"; return; }
	t0=$(now_ms)
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
	wait "$cpid" || rc=$?
	t=$(($(now_ms) - t0))
	[ "$rc" != 0 ] && [ "$rc" != 124 ] &&
		grep -q "Connection reset by peer" "$tmp/kill.err" &&
		[ "$t" -lt "$RST_MS" ] &&
		ok "kill: SIGKILLed mid-upload, the VM's transfer reset (in $t ms)" ||
		{ fail "kill: SIGKILLed mid-upload, the VM's transfer reset in under 5 s (rc $rc, $t ms)"
		  show "$tmp/kill.err"; }
	kill "$server_pid" 2>/dev/null
	server_wait
	daemon_start || { fail "kill: restarted"; return; }
	server "$tmp/s" --order recv-send || { fail "kill: server"; return; }
	client "$tmp/c" "$REMOTE" --send 100000 --order send-recv
	server_wait
	up_ok 100000 && ok "kill: a restarted daemon serves new connections" ||
		{ fail "kill: a restarted daemon serves new connections"
		  show "$tmp/c.err" "$tmp/daemon.log"; }
}

# A vtl.ko from before payloads from sockets, or from before payloads by
# reference as well (oldring.so plays them), refuses the attach flags: the
# daemon attaches without them, says so, and names the payloads in its
# memory or copies them into the ring; data goes both ways intact, nothing
# refused.
test_oldring() {
	local so=$top/selftests/ring/oldring.so n e0 old how
	local mb=$((MB < 4 ? MB : 4))	# 4 MB at most each way

	[ -e "$so" ] || { skip "oldring: $so is not built"; return; }
	for old in sock user; do
		how="copied into the ring"
		[ "$old" = sock ] && how="by reference"
		daemon_stop
		n=$(wc -l <"$tmp/daemon.log")
		daemon_start LD_PRELOAD="$so" OLDRING="$old" ||
			{ fail "oldring: daemon"; return; }
		busywait 60000 sh -c "tail -n +$((n + 1)) '$tmp/daemon.log' |
			grep -q '$port_if: started: .*payloads to the VM $how'" &&
			ok "oldring: a vtl.ko without $old payloads: payloads to the VM $how" ||
			{ fail "oldring: a vtl.ko without $old payloads: payloads to the VM $how"
			  show "$tmp/daemon.log"; }
		e0=$(port_stat -n "" "$port_if" .ring.down_errors)
		MB=$mb BIG=$((mb << 20)) transfer "oldring-$old"
		check "oldring ($old): no frame refused" \
			test "$(port_stat -n "" "$port_if" .ring.down_errors)" = "$e0"
	done
	daemon_stop
	daemon_start || fail "oldring: the daemon back without it"
}

# The uplink saw the proxies' TCP and ARP, nothing else.
test_leaks() {
	kill "$dump_pid" 2>/dev/null
	wait "$dump_pid" 2>/dev/null
	dump_pid=
	tcpdump -nr "$tmp/up0.pcap" -w "$tmp/proxied.pcap" \
		"tcp and host $UPADDR and host $REMOTE" 2>/dev/null
	tcpdump -nr "$tmp/up0.pcap" \
		"not arp and not (tcp and host $UPADDR and host $REMOTE)" \
		2>/dev/null >"$tmp/leak.txt"
	[ -s "$tmp/proxied.pcap" ] &&
		[ "$(stat -c %s "$tmp/proxied.pcap")" -gt 100000 ] &&
		[ ! -s "$tmp/leak.txt" ] &&
		ok "leaks: on the uplink only proxy traffic ($(stat -c %s "$tmp/proxied.pcap") bytes of it captured)" ||
		{ fail "leaks: on the uplink only proxy traffic"; show "$tmp/leak.txt"; }
	tcpdump -nr "$tmp/up0.pcap" "net 10.77.0.0/24 or net 10.192.0.0/10 or port 53" \
		2>/dev/null >"$tmp/leak.txt"
	[ ! -s "$tmp/leak.txt" ] &&
		ok "leaks: nothing with the VM's addresses, no DNS on the uplink" ||
		{ fail "leaks: nothing with the VM's addresses, no DNS on the uplink"
		  show "$tmp/leak.txt"; }
}

# SIGTERM with a connection open: exit 0, the VM's connection reset.
test_term() {
	local rc=0 crc=0 t0 t

	server "$tmp/s" --order recv-send || { fail "term: server"; return; }
	vm_run timeout 60 bash -c "exec 3<>/dev/tcp/$REMOTE/$port && cat <&3" \
		>/dev/null 2>"$tmp/term.err" &
	local cpid=$!
	busywait 60000 sh -c "ip netns exec '$vm' ss -tn state established dst $REMOTE | grep -q ':$port'" ||
		{ fail "term: connected"; return; }
	t0=$(now_ms)
	daemon_stop || rc=$?
	wait "$cpid" || crc=$?
	t=$(($(now_ms) - t0))
	[ "$rc" = 0 ] && ok "term: SIGTERM: exit status 0" ||
		{ fail "term: SIGTERM: exit status 0 (got $rc)"; show "$tmp/daemon.log"; }
	[ "$crc" != 0 ] && grep -qi "reset" "$tmp/term.err" && [ "$t" -lt "$RST_MS" ] &&
		ok "term: the VM's open connection reset (in $t ms)" ||
		{ fail "term: the VM's open connection reset (rc $crc, $t ms)"
		  show "$tmp/term.err"; }
	dlog_has "$port_if: stopped: [0-9]+ bytes up, [0-9]+ bytes down, [0-9]+ connections" &&
		dlog_has "CPU time: [0-9.]+ s" &&
		ok "term: per-port bytes, connections and CPU time logged" ||
		{ fail "term: per-port bytes, connections and CPU time logged"
		  show "$tmp/daemon.log"; }
	kill "$server_pid" 2>/dev/null
	server_wait
}

test_del() {
	daemon_start || { fail "del: daemon"; return; }
	"$VTLCTL" socks del dev "$port_if" &&
		busywait 60000 dlog_has "$port_if: stopped \\(socks del\\)" &&
		ok "del: socks del stops the port's proxy" ||
		{ fail "del: socks del stops the port's proxy"; show "$tmp/daemon.log"; }
	socks_set || { fail "del: socks add"; return; }
	"$VTLCTL" port del dev "$port_if" &&
		busywait 60000 dlog_has "$port_if: stopped \\((port gone|socks del)\\)" &&
		kill -0 "$daemon_pid" &&
		ok "del: port del while running: stopped, the daemon goes on" ||
		{ fail "del: port del while running: stopped, the daemon goes on"
		  show "$tmp/daemon.log"; }
	daemon_stop && ok "del: then SIGTERM: exit status 0" ||
		fail "del: then SIGTERM: exit status 0"
}

# ---- main ----------------------------------------------------------------

tap_start
for t in python3 jq ss unshare tcpdump getent microsocks; do
	if ! command -v "$t" >/dev/null; then
		echo "1..0 # SKIP $t is needed"
		exit 4
	fi
done
if ! "$VTLCTL" socks help >/dev/null 2>&1; then
	echo "1..0 # SKIP vtlctl has no socks command"
	exit 4
fi
: >"$tmp/daemon.log"
sport=$((11000 + $$ % 1000 * 10))
start=$(date +%s)
t0=$(date +%s)
test_setup || { show "$tmp/daemon.log"; tap_done; exit; }
echo "# setup: $(($(date +%s) - t0)) s"
for t in microsocks dante tor automap concurrent oldring kill leaks ipv6 term del; do
	[ -z "$ONLY" ] || [[ " $ONLY " == *" $t "* ]] || continue
	case $t in
	dante) bin=danted ;;
	tor) bin=tor ;;
	*) bin= ;;
	esac
	if [ -n "$bin" ] && ! command -v "$bin" >/dev/null; then
		skip "$t: $bin is not installed"
		continue
	fi
	# the later tests want microsocks back
	case $t in
	concurrent|oldring|kill|term)
		grep -q microsocks /proc/"$socks_pid"/cmdline 2>/dev/null ||
			{ microsocks_start && socks_set; } ;;
	esac
	t0=$(date +%s)
	"test_$t"
	echo "# $t: $(($(date +%s) - t0)) s"
done
daemon_stop
socks_stop
echo "# daemon log, but the lines of each connection:"
grep -vE ': (open|closed, .*)$' "$tmp/daemon.log" | diag
echo "# $(($(date +%s) - start)) s"
tap_done
