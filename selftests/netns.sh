#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VTL port selftests: the three attach modes, counters, every error case,
# device removal and netns moves under traffic, namespace isolation, EPERM
# for a user namespace, and unload under traffic.  Runs as root inside the
# test VM (selftests/vm/run.sh) with vtl.ko loaded; kselftest TAP output.
#
# Each test builds this topology from scratch, in namespaces named per run:
#
#   $vm                   $host (plays the KVM host)                $remote
#  +-----------+       +-----------------------------------+      +-----------+
#  | eth0      |-veth--| vmif            VTL           up0 |-veth-| eth0      |
#  | 10.9.0.1  |       |  (the VM's tap)    (uplink)       |      | 10.9.0.2  |
#  +-----------+       +-----------------------------------+      +-----------+
#
# Bridge-mode tests put vmif and up0 into a bridge br0 of $host instead.
#
# Environment: see lib.sh; NETNS_TESTS, the tests to run (default: all,
# in the order below).

NS_TAG=""
. "$(dirname "$0")/lib.sh"

# nports NETNS: how many ports vtlctl shows there.
nports() {
	"$VTLCTL" -n "$1" -j port show | jq length
}

# Predicates for busywait, evaluated afresh on every poll.
rx_above() { [ "$(port_stat vmif .stats.rx_packets)" -gt "$1" ]; }
nports_is() { [ "$(nports "$1")" = "$2" ]; }


ping_ok() { pvm ping -q -c "${2:-3}" -i 0.2 -W 2 "$1" >/dev/null 2>&1; }

# iperf_through: a short iperf3 run from the VM to the remote; prints the
# bytes the receiver got, fails when the transfer failed.
iperf_through() {
	premote iperf3 -s -1 -p 5201 </dev/null >"$tmp/iperf-s" 2>&1 &
	busywait 5000 premote sh -c 'ss -ltn | grep -q ":5201 "' || return 1
	pvm iperf3 -c 10.9.0.2 -p 5201 -t 2 -J </dev/null >"$tmp/iperf-c" 2>&1 ||
		return 1
	wait
	jq '.end.sum_received.bytes | floor' "$tmp/iperf-c"
}

# expect_err WHAT PATTERN CMD...: CMD must fail and say PATTERN, and the
# number of ports in $host must not change.
expect_err() {
	local what=$1 pattern=$2 before after

	shift 2
	before=$(nports "$host")
	if "$@" >"$tmp/out" 2>&1; then
		fail "$what: succeeded"
		diag <"$tmp/out"
		return
	fi
	after=$(nports "$host")
	if ! grep -q -- "$pattern" "$tmp/out"; then
		fail "$what: message"
		{ echo "expected: $pattern"; cat "$tmp/out"; } | diag
	elif [ "$before" != "$after" ]; then
		fail "$what: ports changed from $before to $after"
	else
		ok "$what"
	fi
}

# ---- tests ---------------------------------------------------------------

# standalone_counters RX0: both devices' counters show five pings through
# the port (and its rx_packets five more than RX0).
standalone_counters() {
	[ "$(port_stat vmif .stats.rx_packets)" -ge $(($1 + 5)) ] &&
	[ "$(port_stat vmif .stats.tx_packets)" -ge 5 ] &&
	"$VTLCTL" -n "$host" -j -s port show | jq -e '.[0] |
		.peer_stats.tx_packets >= 5 and .peer_stats.rx_packets >= 5 and
		.stats.rx_bytes >= 5 * 98' >/dev/null
}

test_standalone() {
	local rx0 bytes

	veth_topo || { fail "standalone: topology"; return; }
	if ping_ok 10.9.0.2 1; then
		fail "standalone: the VM reaches the remote with nothing attached"
		return
	fi
	vtlctl port add dev vmif peer up0 || { fail "standalone: attach"; return; }
	# The probe above left the remote's neighbour entry failed: pings
	# sent before it resolves again end as errors, and ping -c 5 counts
	# them among its five.
	pvm ip neigh flush dev eth0
	[ "$(port_stat vmif .mode "")" = standalone ] &&
	[ "$(port_stat vmif .peer "")" = up0 ] ||
		{ fail "standalone: show mode and peer"; return; }
	rx0=$(port_stat vmif .stats.rx_packets)
	if ping_ok 10.9.0.2 5; then
		ok "standalone: ping through VTL"
	else
		fail "standalone: ping through VTL"
	fi
	# Polled: ping's exit says one reply came, not all five, and on a
	# loaded host the last replies may still be on their way.
	if busywait 10000 standalone_counters "$rx0"; then
		ok "standalone: counters move on both devices"
	else
		fail "standalone: counters move on both devices"
		"$VTLCTL" -n "$host" -j -s port show | diag
	fi
	bytes=$(iperf_through) && [ "$bytes" -gt 100000 ] &&
		ok "standalone: iperf3 through VTL ($bytes bytes)" ||
		fail "standalone: iperf3 through VTL"
	[ "$(port_stat vmif .stats.rx_bytes)" -gt "${bytes:-0}" ] &&
		ok "standalone: rx_bytes counts the transfer" ||
		fail "standalone: rx_bytes counts the transfer"
	vtlctl port del dev vmif && [ "$(nports "$host")" = 0 ] &&
		! ping_ok 10.9.0.2 1 &&
		ok "standalone: detach cuts the cable" ||
		fail "standalone: detach cuts the cable"
}

test_host_only() {
	local drop0

	veth_topo || { fail "host-only: topology"; return; }
	ip -n "$host" addr add 10.9.0.254/24 dev vmif
	ping_ok 10.9.0.254 1 || { fail "host-only: VM reaches host before"; return; }
	vtlctl port add dev vmif || { fail "host-only: attach"; return; }
	[ "$(port_stat vmif .mode "")" = host-only ] ||
		fail "host-only: show mode"
	pvm ip neigh flush dev eth0
	drop0=$(port_stat vmif .stats.dropped)
	if ping_ok 10.9.0.254 3; then
		fail "host-only: frames reach the host stack"
	else
		ok "host-only: VTL is the sole recipient"
	fi
	[ "$(port_stat vmif .stats.dropped)" -ge $((drop0 + 3)) ] &&
	[ "$(port_stat vmif .stats.rx_packets)" -ge 3 ] &&
	[ "$(port_stat vmif .stats.tx_packets)" = 0 ] &&
		ok "host-only: unclaimed frames dropped and counted" ||
		fail "host-only: unclaimed frames dropped and counted"
	vtlctl port del dev vmif && ping_ok 10.9.0.254 3 &&
		ok "host-only: detach gives the device back" ||
		fail "host-only: detach gives the device back"
}

test_bridge() {
	local bytes

	veth_topo bridge || { fail "bridge: topology"; return; }
	vtlctl port add dev vmif mode bridge || { fail "bridge: attach"; return; }
	[ "$(port_stat vmif .mode "")" = bridge ] || fail "bridge: show mode"
	ping_ok 10.9.0.2 5 && ok "bridge: ping across the bridge" ||
		fail "bridge: ping across the bridge"
	[ "$(port_stat vmif .stats.rx_packets)" -ge 5 ] &&
	[ "$(port_stat vmif .stats.tx_packets)" -ge 5 ] &&
	[ "$(port_stat vmif .stats.tx_bytes)" -ge $((5 * 98)) ] &&
		ok "bridge: counters see both directions" ||
		fail "bridge: counters see both directions"
	bytes=$(iperf_through) && [ "$bytes" -gt 100000 ] &&
		ok "bridge: iperf3 across the bridge ($bytes bytes)" ||
		fail "bridge: iperf3 across the bridge"
	ip -n "$host" link set vmif nomaster
	busywait 2000 nports_is "$host" 0 &&
		ok "bridge: leaving the bridge detaches" ||
		fail "bridge: leaving the bridge detaches"
}

test_errors() {
	veth_topo || { fail "errors: topology"; return; }
	ip -n "$host" link add br0 type bridge
	ip -n "$host" link add bp0 type veth peer name bp1
	ip -n "$host" link set bp0 master br0
	ip netns add "$other"
	ip -n "$other" link add onlythere type dummy

	vtlctl port add dev vmif peer up0 || { fail "errors: attach"; return; }
	expect_err "error: attach twice" "vmif.*already attached" \
		vtlctl port add dev vmif
	expect_err "error: the peer of a port, as a port" "already attached" \
		vtlctl port add dev up0
	expect_err "error: loopback" "lo.*loopback" vtlctl port add dev lo
	expect_err "error: bridge master" "br0.*bridge" vtlctl port add dev br0
	expect_err "error: missing device" 'Cannot find device "nosuch0"' \
		vtlctl port add dev nosuch0
	expect_err "error: device of another namespace" \
		'Cannot find device "onlythere"' vtlctl port add dev onlythere
	expect_err "error: bridge port in host-only mode" "bp0.*bridge port" \
		vtlctl port add dev bp0
	expect_err "error: bridge mode on a non-port" "bp1.*not a bridge port" \
		vtlctl port add dev bp1 mode bridge
	expect_err "error: standalone without a peer" "needs a peer" \
		vtlctl port add dev bp1 mode standalone
	expect_err "error: peer in host-only mode" "standalone" \
		vtlctl port add dev bp1 mode host-only peer bp0
	expect_err "error: delete what is not attached" "not attached" \
		vtlctl port del dev bp1
	expect_err "error: delete by the peer's name" "not attached" \
		vtlctl port del dev up0
	expect_err "error: unknown keyword" "foo" \
		vtlctl port add dev bp1 foo bar
	expect_err "error: missing netns" "nosuchns" \
		"$VTLCTL" -n nosuchns port show
	[ "$(port_stat vmif .mode "")" = standalone ] && ping_ok 10.9.0.2 2 &&
		ok "errors: the port survives every bad request" ||
		fail "errors: the port survives every bad request"
}

# Traffic that runs until killed: a flood ping from the VM.  Fails when it
# does not reach VTL, so that "under traffic" is a checked claim.
start_flood() {
	pvm ping -f -q -W 1 10.9.0.2 </dev/null >/dev/null 2>&1 &
	flood=$!
	busywait 10000 rx_above 50
}

# A real TAP device, as KVM gives a guest, attaches; a TUN (no Ethernet)
# does not.
test_tap() {
	veth_topo || { fail "tap: topology"; return; }
	if ! ip -n "$host" tuntap add dev tap0 mode tap 2>/dev/null; then
		skip "tap: no tun/tap support"
		return
	fi
	ip -n "$host" link set tap0 up
	vtlctl port add dev tap0 peer up0 &&
	[ "$(port_stat tap0 .mode "")" = standalone ] &&
	vtlctl port del dev tap0 && vtlctl port add dev tap0 &&
	[ "$(port_stat tap0 .mode "")" = host-only ] &&
		ok "tap: a TAP device attaches in both modes" ||
		fail "tap: a TAP device attaches in both modes"
	ip -n "$host" tuntap add dev tun0 mode tun
	expect_err "error: a TUN device" "tun0.*not an Ethernet device" \
		vtlctl port add dev tun0
}

stop_flood() {
	kill "$flood" 2>/dev/null
	wait "$flood" 2>/dev/null
}

# under_traffic NAME CMD...: with a standalone port and a flood through it,
# CMD must make the port go away from $host.
under_traffic() {
	local name=$1

	shift
	veth_topo || { fail "$name: topology"; return; }
	ip netns add "$other"
	vtlctl port add dev vmif peer up0 || { fail "$name: attach"; return; }
	start_flood || fail "$name: no traffic through VTL"
	"$@"
	busywait 2000 nports_is "$host" 0 &&
		ok "$name under traffic detaches" ||
		fail "$name under traffic detaches"
	stop_flood
}

test_delete_under_traffic() {
	under_traffic "deleting the VM's device" ip -n "$host" link del vmif
	under_traffic "deleting the uplink" ip -n "$host" link del up0
	under_traffic "moving the device to another netns" \
		ip -n "$host" link set vmif netns "$other"
	[ "$(nports "$other")" = 0 ] && ip -n "$other" link show vmif >/dev/null &&
		ok "move: the moved device arrives unattached" ||
		fail "move: the moved device arrives unattached"
}

test_isolation() {
	veth_topo || { fail "isolation: topology"; return; }
	ip netns add "$other"
	ip -n "$other" link add vmif type veth peer name x
	vtlctl port add dev vmif peer up0 || { fail "isolation: attach"; return; }
	[ "$(nports "$other")" = 0 ] &&
		ok "isolation: another netns does not see the port" ||
		fail "isolation: another netns does not see the port"
	"$VTLCTL" -n "$other" port del dev vmif >/dev/null 2>&1
	[ "$(nports "$host")" = 1 ] && ping_ok 10.9.0.2 2 &&
		ok "isolation: another netns cannot delete the port" ||
		fail "isolation: another netns cannot delete the port"
	"$VTLCTL" -n "$other" port add dev vmif >/dev/null 2>&1 &&
	[ "$(nports "$other")" = 1 ] && [ "$(nports "$host")" = 1 ] &&
		ok "isolation: same name, own port, in each netns" ||
		fail "isolation: same name, own port, in each netns"
}

test_userns() {
	if ! command -v unshare >/dev/null; then
		skip "userns: no unshare"
		return
	fi
	veth_topo || { fail "userns: topology"; return; }
	vtlctl port add dev vmif peer up0 || { fail "userns: attach"; return; }
	if unshare -U -r -n "$VTLCTL" port show >"$tmp/out" 2>&1; then
		fail "userns: a user namespace's root may read VTL"
	elif grep -q "Operation not permitted" "$tmp/out"; then
		ok "userns: a user namespace's root gets EPERM"
	else
		fail "userns: EPERM message"
		diag <"$tmp/out"
	fi
	if unshare -U -r -n sh -c 'ip link add v0 type veth peer name v1 &&
		"$0" port add dev v0' "$VTLCTL" >"$tmp/out" 2>&1; then
		fail "userns: a user namespace's root may attach"
	else
		grep -q "Operation not permitted" "$tmp/out" &&
			ok "userns: attach from a user namespace gets EPERM" ||
			{ fail "userns: attach EPERM message"; diag <"$tmp/out"; }
	fi
}

test_unload() {
	if [ -z "$VTL_KO" ]; then
		skip "unload: VTL_KO not set"
		return
	fi
	veth_topo || { fail "unload: topology"; return; }
	vtlctl port add dev vmif peer up0 || { fail "unload: attach"; return; }
	ip netns add "$other"
	ip -n "$other" link add a0 type veth peer name a1
	"$VTLCTL" -n "$other" port add dev a0
	start_flood || fail "unload: no traffic through VTL"
	if rmmod vtl; then
		ok "unload: rmmod under traffic"
	else
		fail "unload: rmmod under traffic"
	fi
	stop_flood
	ip -n "$host" link add brx type bridge &&
	ip -n "$host" link set vmif master brx &&
		ok "unload: the device's rx_handler is free again" ||
		fail "unload: the device's rx_handler is free again"
	insmod "$VTL_KO" && [ "$(nports "$host")" = 0 ] &&
	[ "$(nports "$other")" = 0 ] &&
		ok "unload: reload starts empty" ||
		fail "unload: reload starts empty"
}

# Every "attached" in the kernel log has its "detached".
test_kmsg_balance() {
	local a d

	a=$(dmesg | grep -c "vtl: attached")
	d=$(dmesg | grep -c "vtl: detached")
	[ "$a" = "$d" ] && [ "$a" -gt 0 ] &&
		ok "kmsg: every attach ($a) has its detach ($d)" ||
		fail "kmsg: every attach ($a) has its detach ($d)"
}

# ---- main ----------------------------------------------------------------

tap_start
for t in ${NETNS_TESTS:-standalone host_only bridge errors tap \
	delete_under_traffic isolation userns unload kmsg_balance}; do
	"test_$t"
done
tap_done
