#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL shared ring selftests (<linux/vtl_ring.h>): a daemon (ringtest, on
# vtlctl/common/ring_map.c) attached to a standalone port in owned mode
# answers the VM's pings itself while the network sees nothing; a batch of
# 10,000 frames up is all handed up or counted lost, a batch down all
# arrives; GSO frames go up segmented with good checksums; a killed daemon
# fails closed and a new one reattaches; CAP_NET_ADMIN, the attach errors,
# nonsense written into the shared memory, the port deleted under the ring,
# the module held by an open ring.  Runs as root inside the test VM
# (selftests/vm/run.sh) with vtl.ko loaded; kselftest TAP output.
#
#   $vm                   $host (plays the KVM host)                $remote
#  +-----------+       +-----------------------------------+      +-----------+
#  | eth0      |-veth--| vmif            VTL           up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |  (the VM's tap)    (uplink)       |      | 10.9.0.2  |
#  +-----------+       |        |                          |      +-----------+
#                      |   /dev/vtl: ringtest (the daemon) |
#                      +-----------------------------------+
#
# Environment: see lib.sh; RINGTEST (default selftests/ring/ringtest, built
# if missing); RING_ONLY runs only the test functions named; RING_UP and
# RING_DOWN, the frames sent up in a batch (default 10000) and down in
# each of the three payload modes (default 3000): both well past a ring
# of slots, so that any count far smaller still fills and wraps rings.

NS_TAG=r
. "$(dirname "$0")/lib.sh"

RING_UP=${RING_UP:-10000}
RING_DOWN=${RING_DOWN:-3000}
DMAC=02:00:00:00:00:02		# the MAC ringtest echo answers ARP with

# topo: the topology, vmif patched to up0 through VTL, IPv4 only (so that
# nothing but the test's traffic crosses); sets $ifindex (vmif's).
topo() {
	veth_topo && vtlctl port add dev vmif peer up0 || return 1
	ifindex=$(ifindex_of "$host" vmif)
	[ -n "$ifindex" ]
}

rt() { ip netns exec "$host" "$RINGTEST" "$@"; }

# remote_rx: frames the network's end has received.
remote_rx() { premote cat /sys/class/net/eth0/statistics/rx_packets; }

# start NAME ARGS...: ringtest ARGS in $host, in the background, its output
# in $tmp/NAME.out and its pid in $pid_NAME; waits for its "ready".
start() {
	local name=$1

	shift
	: >"$tmp/$name.out"
	ip netns exec "$host" "$RINGTEST" "$@" >"$tmp/$name.out" 2>&1 &
	eval "pid_$name=$!"
	busywait 5000 grep -q ready "$tmp/$name.out"
}


stop_all() {
	stop echo KILL; stop sink KILL; stop hold KILL; stop hostile KILL
	stop recv KILL
}

test_echo() {
	local rx0 up0

	topo || { fail "echo: topology"; return; }
	start echo echo "$ifindex" || { fail "echo: daemon attached"; return; }
	ok "echo: daemon attached, owned"
	check "echo: counters say attached and owned" \
		[ "$(ring_stat attached) $(ring_stat owned)" = "1 1" ]
	rx0=$(remote_rx)
	up0=$(ring_stat up)
	check "echo: the VM's ping is answered by the daemon" \
		pvm ping -q -c 3 -i 0.2 -W 2 10.9.0.2
	check "echo: the VM learned the daemon's MAC" \
		bash -c "ip -n '$vm' neigh show 10.9.0.2 | grep -qi '$DMAC'"
	check "echo: the network saw none of it" [ "$(remote_rx)" = "$rx0" ]
	check "echo: ARP and echo requests went up, answers came down" \
		[ "$(($(ring_stat up) - up0))" -ge 4 -a "$(ring_stat down)" -ge 4 ]
	check "echo: the network cannot reach the owned VM" \
		bash -c "! ip netns exec '$remote' ping -q -c 2 -i 0.2 -W 1 10.9.0.1"
	stop echo
}

vm_mac() { ip -n "$vm" -o link show eth0 | sed 's/.*ether \([^ ]*\).*/\1/'; }

# inject_to_vm PORT [ref]: "ringtest inject" $RING_DOWN UDP frames down the ring
# to the VM's "ringtest udprecv" on PORT (with ref, payloads by reference,
# each checked); their outputs in $tmp/inject.out and $tmp/recv.out.
inject_to_vm() {
	: >"$tmp/recv.out"
	ip netns exec "$vm" "$RINGTEST" udprecv "$1" "$RING_DOWN" 2000 ${2:+"$2"} \
		>"$tmp/recv.out" &
	pid_recv=$!
	busywait 3000 grep -q ready "$tmp/recv.out"
	rt inject "$ifindex" "$RING_DOWN" "$(vm_mac)" "$DMAC" 10.9.0.1 10.9.0.2 "$1" \
		${2:+"$2"} >"$tmp/inject.out"
	wait "$pid_recv"
	pid_recv=
	cat "$tmp/recv.out" | diag
}

# uplost_ge N: have frames handed up and lost reached N together?
uplost_ge() { [ "$(($(ring_stat up) + $(ring_stat lost)))" -ge "$1" ]; }
up_ge() { [ "$(ring_stat up)" -ge "$1" ]; }

test_batch() {
	local up0 lost0 fc0 dn0 sent up lost

	topo || { fail "batch: topology"; return; }
	start sink sink "$ifindex" $((60 * VTL_WAIT_SCALE)) || { fail "batch: sink attached"; return; }
	pvm ip neigh replace 10.9.0.2 lladdr "$DMAC" dev eth0
	up0=$(ring_stat up); lost0=$(ring_stat lost); fc0=$(ring_stat fail_closed)
	sent=$(pvm "$RINGTEST" udpsend 10.9.0.2 9 "$RING_UP" | awk '{ print $2 }')
	check "batch: the VM sent $RING_UP datagrams" [ "$sent" = "$RING_UP" ]
	busywait 10000 uplost_ge $((up0 + lost0 + RING_UP))
	up=$(($(ring_stat up) - up0))
	lost=$(($(ring_stat lost) - lost0))
	echo "up $up lost $lost" | diag
	check "batch: up + lost == $RING_UP sent" [ "$((up + lost))" = "$RING_UP" ]
	check "batch: none failed closed with a daemon" \
		[ "$(ring_stat fail_closed)" = "$fc0" ]

	# One GSO datagram of 10 segments: 10 frames up, none too big, each
	# with a good checksum.
	up0=$(ring_stat up)
	lost0=$(ring_stat lost)
	pvm "$RINGTEST" udpgso 10.9.0.2 9 1400 10 >/dev/null
	busywait 10000 up_ge $((up0 + 10))
	echo "GSO: up $(($(ring_stat up) - up0)) lost $(($(ring_stat lost) - lost0))" |
		diag
	check "batch: a GSO frame goes up as its 10 segments" \
		[ "$(($(ring_stat up) - up0))" = 10 ]
	stop sink
	cat "$tmp/sink.out" | diag
	check "batch: the daemon read every frame handed up" \
		grep -q "^up $(ring_stat up) " "$tmp/sink.out"
	check "batch: no frame over 1514 bytes, every UDP checksum right" \
		grep -q " big 0 badcsum 0$" "$tmp/sink.out"

	# Down: $RING_DOWN frames into the VM, in batches of a ring.
	dn0=$(ring_stat down)
	inject_to_vm 5555
	check "batch: $RING_DOWN frames sent down" grep -q "^sent $RING_DOWN\$" "$tmp/inject.out"
	check "batch: the VM received all $RING_DOWN" \
		grep -q "^received $RING_DOWN\$" "$tmp/recv.out"
	check "batch: counted down" [ "$(($(ring_stat down) - dn0))" = "$RING_DOWN" ]
	check "batch: attaching without own gave the port back" \
		[ "$(ring_stat owned)" = 0 ]
}

# payloads WHAT PORT MODE HOW: "inject MODE" sends $RING_DOWN frames down, their
# payloads HOW; the VM receives them all intact, and they are counted.
payloads() {
	local dn0

	dn0=$(ring_stat down)
	inject_to_vm "$2" "$3"
	check "$1: $RING_DOWN frames sent down, payloads $4" \
		grep -q "^sent $RING_DOWN\\( \\|\$\\)" "$tmp/inject.out"
	check "$1: the VM received all $RING_DOWN, every payload intact" \
		grep -q "^received $RING_DOWN bad 0\$" "$tmp/recv.out"
	check "$1: counted down" [ "$(($(ring_stat down) - dn0))" = "$RING_DOWN" ]
}

# bad_names WHAT CMD WANT DESC N: ringtest CMD sends frames naming payloads
# the kernel must refuse, then a good one, and prints WANT: each bad one
# is a down error (N of them), and only the good one is sent.
bad_names() {
	local dn0 de0

	dn0=$(ring_stat down)
	de0=$(ring_stat down_errors)
	check "$1: $4" \
		[ "$(rt "$2" "$ifindex" "$(vm_mac)" "$DMAC" 10.9.0.1 10.9.0.2)" = "$3" ]
	check "$1: each bad one a down error" \
		[ "$(($(ring_stat down_errors) - de0))" = "$5" ]
	check "$1: only the good one sent" [ "$(($(ring_stat down) - dn0))" = 1 ]
}

# Payload by reference: bytes the daemon names in its own memory reach the
# VM intact; every bad reference is a counted error, and the kernel stays up.
test_ref() {
	topo || { fail "ref: topology"; return; }
	payloads ref 5556 ref "by reference"
	bad_names ref refbad "refbad 8" \
		"7 bad references and a good one take 8 slots" 7
	check "ref: the port still carries traffic" \
		ip netns exec "$vm" ping -q -c 2 -i 0.2 -W 2 10.9.0.2
}

# Payload from a socket: bytes a TCP socket of the daemon has received
# reach the VM, copied by the kick and left in the socket until the daemon
# drops them; each bad name is an error.
test_sock() {
	topo || { fail "sock: topology"; return; }
	ip -n "$host" link set lo up
	payloads sock 5557 sock "named in a TCP socket"
	check "sock: after each kick the socket still held what it named" \
		grep -q ' kept all$' "$tmp/inject.out"
	bad_names sock sockbad "sockbad 12 kept 1000" \
		"11 bad names and a good one take 12 slots, 1000 bytes kept" 11
}

attached_is() { [ "$(ring_stat attached)" = "$1" ]; }

test_fail_closed() {
	local rx0 fc0

	topo || { fail "fail closed: topology"; return; }
	start echo echo "$ifindex" || { fail "fail closed: daemon"; return; }
	check "fail closed: ping through the daemon" \
		pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2
	stop echo KILL
	busywait 3000 attached_is 0
	check "fail closed: the daemon killed, the port stays owned" \
		[ "$(ring_stat attached) $(ring_stat owned)" = "0 1" ]
	rx0=$(remote_rx)
	fc0=$(ring_stat fail_closed)
	check "fail closed: the VM's ping goes nowhere" \
		bash -c "! ip netns exec '$vm' ping -q -c 3 -i 0.2 -W 1 10.9.0.2"
	check "fail closed: its frames were dropped and counted" \
		[ "$(($(ring_stat fail_closed) - fc0))" -ge 3 ]
	check "fail closed: the network saw none of them" \
		[ "$(remote_rx)" = "$rx0" ]
	start echo echo "$ifindex" || { fail "fail closed: reattach"; return; }
	check "fail closed: a new daemon reattaches and answers" \
		pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2
	stop echo
	check "fail closed: attaching without own gives the port back" \
		[ "$(rt attach "$ifindex")" = OK -a "$(ring_stat owned)" = 0 ]
	# The VM still has the daemon's ARP answer.
	ip -n "$vm" neigh flush dev eth0
	check "fail closed: then the VM reaches the network again" \
		pvm ping -q -c 2 -i 0.2 -W 2 10.9.0.2
}

test_perm() {
	local out

	topo || { fail "perm: topology"; return; }
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$RINGTEST" attach "$ifindex")
	check "perm: nobody cannot open /dev/vtl ($out)" \
		[ "$out" = EACCES -o "$out" = EPERM ]
	out=$(ip netns exec "$host" setpriv --inh-caps=-net_admin \
		--bounding-set=-net_admin "$RINGTEST" attach "$ifindex")
	check "perm: root without CAP_NET_ADMIN gets EPERM ($out)" \
		[ "$out" = EPERM ]
	if unshare -U -r true 2>/dev/null; then
		out=$(ip netns exec "$host" unshare -U -r "$RINGTEST" attach "$ifindex")
		check "perm: a user namespace's root gets EPERM ($out)" \
			[ "$out" = EPERM ]
	else
		skip "perm: no user namespaces"
	fi
	check "perm: nothing was attached" [ "$(ring_stat attached)" = 0 ]
}

test_errors() {
	local up0ifindex

	topo || { fail "errors: topology"; return; }
	up0ifindex=$(ifindex_of "$host" up0)
	check "errors: unknown ifindex: ENODEV" [ "$(rt attach 99999)" = ENODEV ]
	check "errors: ifindex 0: ENODEV" [ "$(rt attach 0)" = ENODEV ]
	check "errors: lo is not a port: ENOENT" [ "$(rt attach 1)" = ENOENT ]
	check "errors: a peer is not a port: ENOENT" \
		[ "$(rt attach "$up0ifindex")" = ENOENT ]
	check "errors: vmif from another namespace: ENODEV or ENOENT" \
		bash -c "ip netns exec '$vm' '$RINGTEST' attach $ifindex | grep -Eq '^(ENODEV|ENOENT)$'"
	check "errors: second attach of a port, second of an fd: EBUSY" \
		[ "$(rt attach2 "$ifindex")" = "EBUSY EBUSY" ]
	check "errors: 3 slots: EINVAL" [ "$(rt attach "$ifindex" 3)" = EINVAL ]
	check "errors: 4 slots: EINVAL" [ "$(rt attach "$ifindex" 4)" = EINVAL ]
	check "errors: 2^20 slots: EINVAL" \
		[ "$(rt attach "$ifindex" 1048576)" = EINVAL ]
	check "errors: unknown flags: EOPNOTSUPP" \
		[ "$(rt attach "$ifindex" 0 0x100) $(rt attach "$ifindex" 0 16)" = "EOPNOTSUPP EOPNOTSUPP" ]
	check "errors: VTL_RING_F_VNET_HDR attaches" \
		[ "$(rt attach "$ifindex" 0 2)" = OK ]
	check "errors: VTL_RING_F_USER_PAYLOAD attaches" \
		[ "$(rt attach "$ifindex" 0 4)" = OK ]
	check "errors: 8 and 16384 slots attach" \
		[ "$(rt attach "$ifindex" 8) $(rt attach "$ifindex" 16384)" = "OK OK" ]
	check "errors: nothing left attached" [ "$(ring_stat attached)" = 0 ]
}

test_hostile() {
	local de0 lost0 out

	topo || { fail "hostile: topology"; return; }
	de0=$(ring_stat down_errors)
	lost0=$(ring_stat lost)
	start hostile hostile "$ifindex" ||
		{ fail "hostile: nonsense written and kicked"; return; }
	out=$(tr '\n' ' ' <"$tmp/hostile.out")
	echo "$out" | diag
	check "hostile: kicks consumed 0, 1024, 0 slots" \
		[ "${out%% vnet*}" = "far 0 bad 1024 again 0" ]
	check "hostile: bad virtio_net_hdrs and a frame past the producer: 15 slots" \
		[ "${out#* vnet }" = "15 ready " ]
	check "hostile: 1 + 1024 + 5 down errors counted" \
		[ "$(($(ring_stat down_errors) - de0))" = 1030 ]
	check "hostile: nothing was sent down" [ "$(ring_stat down)" = 0 ]
	pvm ip neigh replace 10.9.0.2 lladdr "$DMAC" dev eth0
	pvm ping -q -c 3 -i 0.2 -W 1 10.9.0.2 >/dev/null
	echo "lost $(($(ring_stat lost) - lost0))" | diag
	check "hostile: a nonsense consumer index: frames up are lost, counted" \
		[ "$(($(ring_stat lost) - lost0))" -ge 3 ]
	stop hostile
	ip -n "$vm" neigh del 10.9.0.2 dev eth0
	check "hostile: the port given back, traffic flows" \
		bash -c "[ \"\$(ip netns exec '$host' '$RINGTEST' attach $ifindex)\" = OK ] && ip netns exec '$vm' ping -q -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null"
}

test_teardown() {
	local out

	topo || { fail "teardown: topology"; return; }
	start hold hold "$ifindex" || { fail "teardown: hold"; return; }
	vtlctl port del dev vmif
	busywait 3000 grep -q gone "$tmp/hold.out"
	out=$(grep gone "$tmp/hold.out")
	check "teardown: port deleted: poll errs, kick ENODEV ($out)" \
		[ "$out" = "gone EPIPE kick ENODEV" ]
	stop hold

	vtlctl port add dev vmif peer up0
	start hold hold "$ifindex" || { fail "teardown: hold 2"; return; }
	ip -n "$host" link del vmif
	busywait 3000 grep -q gone "$tmp/hold.out"
	check "teardown: device deleted: poll errs, kick ENODEV" \
		grep -q "gone EPIPE kick ENODEV" "$tmp/hold.out"
	stop hold

	if [ -z "$VTL_KO" ]; then
		skip "teardown: unload: VTL_KO not set"
		return
	fi
	ip -n "$host" link add vmif type veth peer name eth1 netns "$vm"
	ip -n "$host" link set vmif up
	vtlctl port add dev vmif peer up0
	ifindex=$(ifindex_of "$host" vmif)
	start hold hold "$ifindex" || { fail "teardown: hold 3"; return; }
	check "teardown: rmmod refused while a ring is open" \
		bash -c "! rmmod vtl 2>/dev/null"
	stop hold KILL
	check "teardown: rmmod once it is closed, with the port attached" \
		rmmod vtl
	check "teardown: insmod again" insmod "$VTL_KO"
}

cleanup_ring() { stop_all; cleanup; }
trap cleanup_ring EXIT

tap_start
if [ ! -x "$RINGTEST" ]; then
	make -s -C "$top/selftests/ring" >/dev/null 2>&1
fi
if [ ! -x "$RINGTEST" ]; then
	echo "1..0 # SKIP $RINGTEST not built"
	exit 4
fi
if [ ! -c /dev/vtl ]; then
	busywait 2000 test -c /dev/vtl
fi
check "/dev/vtl is there, mode 0600" \
	[ "$(stat -c %a /dev/vtl 2>/dev/null)" = 600 ]

for t in ${RING_ONLY:-test_echo test_batch test_ref test_sock test_fail_closed test_perm \
	test_errors test_hostile test_teardown}; do
	"$t"
	stop_all
done
tap_done
