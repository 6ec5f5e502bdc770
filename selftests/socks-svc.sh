#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL's SOCKS service in the kernel (services/socks/, vtlctl socks): on a
# port with a SOCKS configuration, the VM's ARP requests get the fake MAC
# (not its probes and announcements); with no daemon its TCP connections
# are refused at once (a RST) and nothing else goes anywhere; UDP other
# than DNS, ICMP and (with "ipv6 drop") IPv6 are filtered; nothing from the
# network reaches the VM; with a daemon attached to the ring its TCP and
# DNS go up, not out; "socks del" gives the VM its network back; every
# error case; the password shown only to CAP_NET_ADMIN; a configuration
# gone with its port and with the module; the "config" group's
# notifications as the daemon hears them (selftests/socks-svc/socksmon).
# Runs as root inside the test VM
# (selftests/vm/run.sh) with vtl.ko loaded; kselftest TAP output.
#
#   $vm                   $host (plays the KVM host)                $remote
#  +-----------+       +-----------------------------------+      +-----------+
#  | eth0      |-veth--| vmif            VTL           up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |  (the VM's tap)    (uplink)       |      | 10.9.0.2  |
#  +-----------+       |    socks add dev vmif ...         |      +-----------+
#                      |   /dev/vtl: ringtest sink (daemon)|
#                      +-----------------------------------+
#
# Environment: see lib.sh; RINGTEST (default selftests/ring/ringtest, built
# if missing); SOCKSMON (default selftests/socks-svc/socksmon, built if
# missing); SOCKS_ONLY runs only the test functions named.

NS_TAG=s
. "$(dirname "$0")/lib.sh"

SOCKSMON=${SOCKSMON:-$top/selftests/socks-svc/socksmon}
FAKE_MAC=02:56:54:4c:00:01
PROXY=192.0.2.1:1080

# topo: vmif patched to up0 through VTL, IPv4 only, with a SOCKS service;
# sets $ifindex (vmif's).
topo() {
	veth_topo && vtlctl port add dev vmif peer up0 &&
		vtlctl socks add dev vmif proxy "$PROXY" || return 1
	ifindex=$(ifindex_of "$host" vmif)
	[ -n "$ifindex" ]
}

# grown KEY BASE: has counter KEY grown past BASE?
grown() { [ "$(socks_stat "$1")" -gt "$2" ]; }

# both_up SBASE RBASE: have two frames gone up since the bases, counted
# by both the socks service and the ring?
both_up() {
	[ "$(socks_stat up)" -ge $(($1 + 2)) ] && [ "$(ring_stat up)" -ge $(($2 + 2)) ]
}

# up0_tx: frames VTL sent out of the uplink, toward the network.
up0_tx() { phost cat /sys/class/net/up0/statistics/tx_packets; }

# vm_neigh ADDR: the VM's neighbour entry for ADDR.
vm_neigh() { ip -n "$vm" neigh show "$1" dev eth0; }

# arp_send SPA TPA: an ARP request from the VM's eth0, its own MAC as sender.
arp_send() {
	pvm python3 -S - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mac = s.getsockname()[4]
req = (b"\xff" * 6 + mac + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x01" +
       mac + socket.inet_aton(sys.argv[1]) + b"\x00" * 6 +
       socket.inet_aton(sys.argv[2]))
s.send(req)
PY
}

# start NAME ARGS...: ringtest ARGS in $host, in the background, its pid in
# $pid_NAME; waits for its "ready" (NAME sink: for it to be attached).
start() {
	local name=$1

	shift
	: >"$tmp/$name.out"
	ip netns exec "$host" "$RINGTEST" "$@" >"$tmp/$name.out" 2>&1 &
	eval "pid_$name=$!"
	busywait 5000 attached_is 1
}
attached_is() { [ "$(ring_stat attached)" = "$1" ]; }


test_arp() {
	local ar0 f0

	topo || { fail "arp: topology"; return; }
	ar0=$(socks_stat arp_replies)
	pvm ping -q -c 1 -W 1 10.9.0.2 >/dev/null 2>&1
	check "arp: the VM's ARP request is answered with the fake MAC" \
		bash -c "ip -n '$vm' neigh show 10.9.0.2 dev eth0 | grep -qi '$FAKE_MAC'"
	check "arp: counted (arp_replies)" [ "$(socks_stat arp_replies)" -gt "$ar0" ]
	pvm ping -q -c 1 -W 1 10.9.0.77 >/dev/null 2>&1
	check "arp: any address gets it" \
		bash -c "ip -n '$vm' neigh show 10.9.0.77 dev eth0 | grep -qi '$FAKE_MAC'"

	ar0=$(socks_stat arp_replies)
	f0=$(socks_stat filtered)
	arp_send 0.0.0.0 10.9.0.1
	arp_send 10.9.0.1 10.9.0.1
	busywait 2000 grown filtered $((f0 + 1))
	check "arp: a probe and an announcement are not answered, filtered" \
		[ "$(socks_stat arp_replies) $(($(socks_stat filtered) - f0))" = "$ar0 2" ]
	arp_send 10.9.0.1 10.9.0.99
	busywait 2000 grown arp_replies "$ar0"
	check "arp: a crafted request is (the probes were sent right)" \
		[ "$(socks_stat arp_replies)" = $((ar0 + 1)) ]
}

test_no_daemon() {
	local r0 fc0 f0 tx0 t0 t1 out

	topo || { fail "no daemon: topology"; return; }
	r0=$(socks_stat resets)
	fc0=$(socks_stat fail_closed)
	tx0=$(up0_tx)
	t0=$(now_ms)
	out=$(pvm timeout 10 bash -c 'exec 3<>/dev/tcp/10.9.0.2/80' 2>&1)
	t1=$(now_ms)
	echo "$out ($((t1 - t0)) ms)" | diag
	check "no daemon: a TCP connect is refused" \
		grep -q 'Connection refused' <<<"$out"
	# Its first SYN got the RST: no retransmission was needed.
	check "no daemon: at once: one SYN, one RST (resets, fail_closed)" \
		[ "$(($(socks_stat resets) - r0)) $(($(socks_stat fail_closed) - fc0))" = "1 1" ]

	fc0=$(socks_stat fail_closed)
	r0=$(socks_stat resets)
	pvm bash -c 'echo q > /dev/udp/10.9.0.2/53'
	busywait 2000 grown fail_closed "$fc0"
	check "no daemon: a DNS query fails closed, without a RST" \
		[ "$(socks_stat fail_closed)" -gt "$fc0" -a "$(socks_stat resets)" = "$r0" ]

	f0=$(socks_stat filtered)
	pvm bash -c 'echo x > /dev/udp/10.9.0.2/9'
	pvm ping -q -c 2 -i 0.2 -W 1 10.9.0.2 >/dev/null 2>&1
	busywait 2000 grown filtered $((f0 + 2))
	check "no daemon: UDP to port 9 and ICMP are filtered" \
		[ "$(($(socks_stat filtered) - f0))" -ge 3 ]
	check "no daemon: nothing went out of the uplink" [ "$(up0_tx)" = "$tx0" ]
}

test_to_vm() {
	local d0

	topo || { fail "to vm: topology"; return; }
	d0=$(socks_stat to_vm_dropped)
	check "to vm: the network cannot reach the VM" \
		bash -c "! ip netns exec '$remote' ping -q -c 2 -i 0.2 -W 1 10.9.0.1"
	check "to vm: its frames were dropped, counted (to_vm_dropped)" \
		[ "$(($(socks_stat to_vm_dropped) - d0))" -ge 2 ]
}

test_ring() {
	local up0 rup0 tx0 r0 conn

	topo || { fail "ring: topology"; return; }
	if [ ! -x "$RINGTEST" ]; then
		skip "ring: $RINGTEST not built"
		return
	fi
	start sink sink "$ifindex" $((60 * VTL_WAIT_SCALE)) || { fail "ring: daemon attached"; return; }
	pvm ping -q -c 1 -W 1 10.9.0.2 >/dev/null 2>&1
	up0=$(socks_stat up)
	rup0=$(ring_stat up)
	r0=$(socks_stat resets)
	tx0=$(up0_tx)
	# The connect waits for an answer that never comes: in the
	# background, so that a slow start (seconds on the debug kernel)
	# cannot cut it off before its SYN is sent.
	pvm timeout $((10 * VTL_WAIT_SCALE)) \
		bash -c 'exec 3<>/dev/tcp/10.9.0.2/80' 2>/dev/null &
	conn=$!
	pvm bash -c 'echo q > /dev/udp/10.9.0.2/53'
	busywait 3000 both_up "$up0" "$rup0"
	kill "$conn" 2>/dev/null
	wait "$conn" 2>/dev/null
	echo "socks up $(($(socks_stat up) - up0)) ring up $(($(ring_stat up) - rup0))" |
		diag
	check "ring: the SYN and the DNS query went up" \
		[ "$(($(socks_stat up) - up0))" -ge 2 -a "$(($(ring_stat up) - rup0))" -ge 2 ]
	check "ring: no RST with a daemon" [ "$(socks_stat resets)" = "$r0" ]
	check "ring: nothing went out of the uplink" [ "$(up0_tx)" = "$tx0" ]
	stop sink
	busywait 3000 attached_is 0
	r0=$(socks_stat resets)
	pvm timeout 3 bash -c 'exec 3<>/dev/tcp/10.9.0.2/80' 2>/dev/null
	check "ring: the daemon gone, TCP is reset again" \
		[ "$(socks_stat resets)" -gt "$r0" ]
}

# ipv6_on: IPv6 in the VM, fd00::1/64 without DAD.
ipv6_on() {
	pvm sysctl -qw net.ipv6.conf.all.disable_ipv6=0 &&
	pvm sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0 &&
	ip -n "$vm" addr add fd00::1/64 dev eth0 nodad
}

test_ipv6() {
	local f0 fc0 up0

	topo && ipv6_on || { fail "ipv6: topology"; return; }
	f0=$(socks_stat filtered)
	fc0=$(socks_stat fail_closed)
	pvm ping -6 -q -c 2 -i 0.2 -W 1 fd00::2 >/dev/null 2>&1
	check "ipv6 drop: the VM's IPv6 is filtered, none handed up" \
		[ "$(socks_stat filtered)" -gt "$f0" -a "$(socks_stat fail_closed)" = "$fc0" ]

	vtlctl socks del dev vmif
	vtlctl socks add dev vmif proxy "$PROXY" ipv6 proxy
	check "ipv6 proxy: shown" \
		bash -c "$VTLCTL -n $host socks show dev vmif | grep -q 'ipv6 proxy'"
	fc0=$(socks_stat fail_closed)
	pvm ping -6 -q -c 2 -i 0.2 -W 1 fd00::2 >/dev/null 2>&1
	pvm timeout 3 bash -c 'exec 3<>/dev/tcp/fd00::2/80' 2>/dev/null
	check "ipv6 proxy, no daemon: solicitations and TCP fail closed" \
		[ "$(socks_stat fail_closed)" -gt "$fc0" ]
	if [ -x "$RINGTEST" ]; then
		start sink sink "$ifindex" $((60 * VTL_WAIT_SCALE)) ||
			{ fail "ipv6: daemon attached"; return; }
		up0=$(socks_stat up)
		pvm ping -6 -q -c 1 -W 1 fd00::2 >/dev/null 2>&1
		busywait 2000 grown up "$up0"
		check "ipv6 proxy: neighbour solicitations go up" \
			[ "$(socks_stat up)" -gt "$up0" ]
		stop sink
	fi
}

test_del() {
	topo || { fail "del: topology"; return; }
	pvm ping -q -c 1 -W 1 10.9.0.2 >/dev/null 2>&1
	check "del: socks del" vtlctl socks del dev vmif
	check "del: gone from socks show" \
		[ -z "$(vtlctl socks show)" ]
	ip -n "$vm" neigh flush dev eth0
	check "del: the VM reaches the network again" \
		pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2
	check "del: and the network the VM" \
		premote ping -q -c 2 -i 0.2 -W 2 10.9.0.1
}

# err WHAT STATUS MESSAGE ARGS...: "vtlctl ARGS" exits STATUS, saying
# MESSAGE on stderr.
err() {
	local what=$1 status=$2 msg=$3 out rc=0

	shift 3
	out=$(vtlctl "$@" 2>&1) || rc=$?
	echo "$out" | diag
	check "errors: $what" \
		bash -c "[ $rc = $status ] && grep -qF -- \"\$1\" <<<\"\$2\"" \
		_ "$msg" "$out"
}

test_errors() {
	local out

	topo || { fail "errors: topology"; return; }
	ip -n "$host" link add dummy0 type dummy
	err "a second add: EEXIST" 1 \
		"Error: vmif: the port already has a SOCKS service: delete it first." \
		socks add dev vmif proxy "$PROXY"
	err "a device not attached: ENODEV" 1 \
		"Error: dummy0: device is not attached." \
		socks add dev dummy0 proxy "$PROXY"
	err "no such device" 1 'Cannot find device "nosuch0"' \
		socks add dev nosuch0 proxy "$PROXY"
	err "del of a device not attached: ENODEV" 1 \
		"Error: dummy0: device is not attached." socks del dev dummy0
	vtlctl socks del dev vmif
	err "del twice: ENOENT" 1 \
		"Error: vmif: the port has no SOCKS service." socks del dev vmif
	err "show of a port without one: ENOENT" 1 \
		"Error: vmif: the port has no SOCKS service." socks show dev vmif
	err "a prefix longer than 30 bits" 2 "LEN from 1 to 30" \
		socks add dev vmif proxy "$PROXY" dns automap 10.0.0.0/31
	err "a prefix with host bits" 2 "Error:" \
		socks add dev vmif proxy "$PROXY" dns automap 10.0.0.1/8
	err "a user without a password" 2 "a user needs a password" \
		socks add dev vmif proxy "$PROXY" user alice
	err "credentials with 4a" 2 "SOCKS4a takes no credentials" \
		socks add dev vmif proxy "$PROXY" version 4a user a password b
	err "a proxy without a port" 2 "invalid proxy" \
		socks add dev vmif proxy 192.0.2.1
	err "an unbracketed IPv6 proxy" 2 "invalid proxy" \
		socks add dev vmif proxy 2001:db8::1:1080
	err "no proxy" 2 "" socks add dev vmif
	err "a multicast proxy: the kernel says no" 1 \
		"Error: vmif: the proxy address is not a unicast one." \
		socks add dev vmif proxy 224.0.0.1:1080
	check "errors: nothing was set" [ -z "$(vtlctl socks show)" ]

	vtlctl socks add dev vmif proxy "[2001:db8::1]:9050" user alice \
		password s3cret dns automap 10.200.0.0/16 ipv6 proxy
	out=$(vtlctl -j -s socks show)
	echo "$out" | diag
	check "show -j: every field" python3 -S -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d) == 1, d
s = d[0]
assert s["dev"] == "vmif" and s["ifindex"] == int(sys.argv[2]), s
assert s["proxy"] == "[2001:db8::1]:9050" and s["version"] == "5", s
assert s["user"] == "alice" and s["password"] == "s3cret", s
assert s["dns"] == "automap" and s["dns_prefix"] == "10.200.0.0/16", s
assert s["ipv6"] == "proxy" and s["mac"] == "02:56:54:4c:00:01", s
assert set(s["stats"]) == {"up", "arp_replies", "resets", "fail_closed",
                           "filtered", "to_vm_dropped"}, s
' "$out" "$ifindex"
	check "show: the password as *" \
		bash -c "$VTLCTL -n $host socks show | grep -q 'user alice password \* dns automap 10.200.0.0/16'"
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$VTLCTL" -j socks show 2>&1)
	echo "$out" | diag
	check "show as nobody: the service, not its password" \
		bash -c "grep -q '\"user\":\"alice\"' <<<'$out' && ! grep -q password <<<'$out'"
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$VTLCTL" socks del dev vmif 2>&1)
	check "del as nobody: EPERM ($out)" \
		grep -q "Operation not permitted" <<<"$out"
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$VTLCTL" socks add dev vmif \
		proxy "$PROXY" 2>&1)
	check "add as nobody: EPERM ($out)" \
		grep -q "Operation not permitted" <<<"$out"
	check "errors: still set" [ -n "$(vtlctl socks show dev vmif)" ]
	out=$(ip netns exec "$vm" "$VTLCTL" socks show 2>&1)
	check "errors: another namespace sees none ($out)" [ -z "$out" ]
}

test_teardown() {
	topo || { fail "teardown: topology"; return; }
	vtlctl port del dev vmif
	check "teardown: the service went with its port" \
		[ -z "$(vtlctl socks show)" ]
	vtlctl port add dev vmif peer up0
	check "teardown: a port added again has none" \
		[ -z "$(vtlctl socks show)" ]
	ip -n "$vm" neigh flush dev eth0
	check "teardown: and forwards" pvm ping -q -c 1 -W 2 10.9.0.2
	vtlctl socks add dev vmif proxy "$PROXY" user a password b
	ip -n "$host" link del vmif
	check "teardown: the device deleted, the service went too" \
		[ -z "$(vtlctl socks show)" ]
	if [ -z "$VTL_KO" ]; then
		skip "teardown: unload: VTL_KO not set"
		return
	fi
	ip -n "$host" link add vmif type veth peer name eth1 netns "$vm"
	ip -n "$host" link set vmif up
	vtlctl port add dev vmif peer up0
	vtlctl socks add dev vmif proxy "$PROXY" user a password b
	check "teardown: rmmod with a service set" rmmod vtl
	check "teardown: insmod again" insmod "$VTL_KO"
	check "teardown: nothing left" [ -z "$(vtlctl socks show 2>&1)" ]
}

# The "config" group, as the daemon hears it: socksmon prints each
# notification of its namespace.

# mon_start NS NAME [RCVBUF]: socksmon in NS, its output in $tmp/NAME.out; waits for
# its "ready".
mon_start() {
	: >"$tmp/$2.out"
	ip netns exec "$1" "$SOCKSMON" ${3:-} >"$tmp/$2.out" 2>&1 &
	eval "pid_$2=$!"
	busywait 3000 grep -q ready "$tmp/$2.out"
}

test_monitor() {
	local new out

	if [ ! -x "$SOCKSMON" ]; then
		skip "monitor: $SOCKSMON not built"
		return
	fi
	veth_topo && vtlctl port add dev vmif peer up0 ||
		{ fail "monitor: topology"; return; }
	ifindex=$(ifindex_of "$host" vmif)
	mon_start "$host" mon || { fail "monitor: joins the group"; return; }
	mon_start "$vm" mon2 || { fail "monitor: joins in another namespace"; return; }
	vtlctl socks add dev vmif proxy "$PROXY" user alice password s3cret \
		dns drop ipv6 proxy
	new="new $ifindex 192.0.2.1 1080 version 5 user alice password s3cret dns 3 ipv6 2"
	check "monitor: socks add is heard, the whole configuration" \
		busywait 3000 grep -qx "$new" "$tmp/mon.out"
	vtlctl socks del dev vmif
	check "monitor: socks del is heard" \
		busywait 3000 grep -qx "del $ifindex" "$tmp/mon.out"
	vtlctl socks add dev vmif proxy "$PROXY"
	vtlctl port del dev vmif
	check "monitor: a port deleted with its service is heard as a del" \
		busywait 3000 bash -c "[ \$(grep -cx 'del $ifindex' '$tmp/mon.out') = 2 ]"
	vtlctl port add dev vmif peer up0
	vtlctl socks del dev vmif 2>/dev/null
	cat "$tmp/mon.out" | diag
	check "monitor: nothing else was heard" \
		[ "$(grep -vc ready "$tmp/mon.out")" = 4 ]
	check "monitor: another namespace heard nothing" \
		[ "$(cat "$tmp/mon2.out")" = ready ]
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$SOCKSMON" 2>/dev/null)
	check "monitor: nobody cannot join the group ($out)" [ "$out" = EPERM ]
	stop mon KILL
	stop mon2 KILL
}

# A listener too slow for its buffer: told to dump again.
test_overrun() {
	local i

	if [ ! -x "$SOCKSMON" ]; then
		skip "overrun: $SOCKSMON not built"
		return
	fi
	veth_topo && vtlctl port add dev vmif peer up0 ||
		{ fail "overrun: topology"; return; }
	mon_start "$host" mon 1024 || { fail "overrun: joins"; return; }
	kill -STOP "$pid_mon"
	for i in $(seq 20); do
		vtlctl socks add dev vmif proxy "$PROXY"
		vtlctl socks del dev vmif
	done
	kill -CONT "$pid_mon"
	check "overrun: the listener is told it lost notifications" \
		busywait 3000 grep -qx overrun "$tmp/mon.out"
	vtlctl socks add dev vmif proxy "$PROXY"
	check "overrun: and hears the next ones" \
		busywait 3000 bash -c "tail -n1 '$tmp/mon.out' | grep -q '^new '"
	stop mon KILL
}

cleanup_socks() { stop sink KILL; stop mon KILL; stop mon2 KILL; cleanup; }
trap cleanup_socks EXIT

tap_start
if [ ! -x "$RINGTEST" ]; then
	make -s -C "$top/selftests/ring" >/dev/null 2>&1
fi
if [ ! -x "$SOCKSMON" ]; then
	make -s -C "$top/selftests/socks-svc" >/dev/null 2>&1
fi

for t in ${SOCKS_ONLY:-test_arp test_no_daemon test_to_vm test_ring \
	test_ipv6 test_del test_errors test_monitor test_overrun \
	test_teardown}; do
	"$t"
	stop sink KILL; stop mon KILL; stop mon2 KILL
done
tap_done
