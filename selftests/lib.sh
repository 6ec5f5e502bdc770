# SPDX-License-Identifier: GPL-2.0
#
# Sourced by VTL's kernel selftests (netns.sh, conn.sh): TAP counters,
# namespace wrappers, polling and cleanup.  The sourcing script sets
# NS_TAG (a few letters, so that two scripts' namespaces never collide) and
# then names its topology's namespaces $vm, $host, $remote and $other.
#
# Environment: VTLCTL (default vtlctl/vtlctl), VTL_KO (the module, for the
# unload tests; skipped without it), VTL_STATIC (below).

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
# VTL_STATIC=1: the tests' commands run vtlctl/vtlctl-static, the same
# tool linked statically.  On the debug kernel, under emulation, a
# dynamically linked program spends half a second to a second being loaded
# (KASAN, lockdep and kmemleak on every mmap and page fault), about five
# times what a static one costs, and the tests poll vtlctl throughout (jq
# is gojq in the VMs for the same reason: see vm-tests.sh).  The daemon of
# daemon.sh stays the dynamic vtlctl: one of its tests preloads a library
# into it.
VTLCTL=${VTLCTL:-$top/vtlctl/vtlctl${VTL_STATIC:+-static}}
VTLCTL_DAEMON=${VTLCTL_DAEMON:-${VTLCTL%-static}}
VTL_KO=${VTL_KO:-}
RINGTEST=${RINGTEST:-$top/selftests/ring/ringtest}
vm=vtl-${NS_TAG}vm-$$
host=vtl-${NS_TAG}host-$$
remote=vtl-${NS_TAG}remote-$$
other=vtl-${NS_TAG}other-$$
tmp=$(mktemp -d)
# How many times longer than on a release kernel the tests wait for what
# must happen (busywait, a sink's lifetime): 10 on the debug kernel.
VTL_WAIT_SCALE=${VTL_WAIT_SCALE:-1}
ntest=0
npass=0
nfail=0
nskip=0

ok() { ntest=$((ntest + 1)); npass=$((npass + 1)); echo "ok $ntest $*"; }
fail() { ntest=$((ntest + 1)); nfail=$((nfail + 1)); echo "not ok $ntest $*"; }
skip() { ntest=$((ntest + 1)); nskip=$((nskip + 1)); echo "ok $ntest # SKIP $*"; }
diag() { sed 's/^/# /'; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

pvm() { ip netns exec "$vm" "$@"; }
phost() { ip netns exec "$host" "$@"; }
premote() { ip netns exec "$remote" "$@"; }
vtlctl() { "$VTLCTL" -n "$host" "$@"; }

# now_ms: the wall clock in milliseconds, without a fork (bash 5's
# EPOCHREALTIME): under emulation each `date` costs a tenth of a second or
# more, more than the 50 ms a poll waits.
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}

	echo $((10#$t / 1000))
}

# busywait MS CMD...: poll CMD until it succeeds or MS pass: after 50 ms,
# then twice as long each time up to 400 ms.  A poll that reads counters
# starts vtlctl and jq, and under emulation each costs a tenth of a second
# of CPU or more: a long wait must not spend it twenty times a second.
# VTL_WAIT_SCALE multiplies MS: on the debug kernel a poll itself takes
# seconds (kernels.conf sets it there).
busywait() {
	local deadline=$(($(now_ms) + $1 * VTL_WAIT_SCALE)) pause=50

	shift
	while :; do
		"$@" && return 0
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep "0.$(printf '%03d' "$pause")"
		[ "$pause" -ge 400 ] || pause=$((pause * 2))
	done
}

# ns_kill NETNS...: SIGKILL every process in those namespaces, without a
# fork (a process costs half a second or more on the debug kernel): a
# process is in a namespace when its /proc/PID/ns/net and the namespace's
# file are the same inode, what "ip netns pids" compares and bash's -ef
# tells.
ns_kill() {
	local ns p

	for ns in "$@"; do
		[ -e "/var/run/netns/$ns" ] || continue
		for p in /proc/[0-9]*; do
			[ "$p/ns/net" -ef "/var/run/netns/$ns" ] &&
				kill -9 "${p#/proc/}" 2>/dev/null
		done
	done
	return 0
}

# ns_del NETNS...: ns_kill them, then delete those that exist, in one
# process.
ns_del() {
	local ns del=

	ns_kill "$@"
	for ns in "$@"; do
		[ ! -e "/var/run/netns/$ns" ] || del+="netns del $ns"$'\n'
	done
	[ -z "$del" ] || ip -force -batch - <<<"$del" 2>/dev/null
	return 0
}

# cleanup_ns: the topology's namespaces gone; every topology starts here.
cleanup_ns() { ns_del "$vm" "$host" "$remote" "$other"; }

cleanup() {
	cleanup_ns
	rm -rf "$tmp"
}
trap cleanup EXIT

# ipb [NETNS]: the ip commands on stdin, one a line, in one ip process
# (ip -batch), in NETNS or in this one; stops at the first that fails,
# and fails then.  A topology takes dozens of ip commands, and a process
# costs half a second or more on the debug kernel.  In this namespace,
# "netns add" lines create namespaces, "link add NAME netns NS ..."
# creates a device straight into one, and "netns exec NS CMD" runs CMD
# there (sysctls) in a child of that one ip.
ipb() { ip ${1:+-n "$1"} -batch -; }

# nssysctl NETNS NAME=VALUE...: sysctls in NETNS, in one process.
nssysctl() { local ns=$1; shift; ip netns exec "$ns" sysctl -qw "$@"; }

# word_after KEY TEXT: the word after the first KEY in TEXT, for tools
# that print counters as "key value" pairs; without a process (an awk
# would be one, and polls read counters many times).
word_after() {
	local -a w
	local i

	read -r -d '' -a w <<<"$2"
	for ((i = 0; i + 1 < ${#w[@]}; i++)); do
		[ "${w[i]}" != "$1" ] || { echo "${w[i + 1]}"; return 0; }
	done
	return 1
}

# port_stat [-n NETNS] DEV PATH [DEFAULT]: the value at the jq PATH of DEV's
# object in "vtlctl -j -s port show" (.stats.rx_packets, .peer_stats.dropped,
# .fw.accepted, .rewrite.forwarded, .ring.up, .conns, .mode...), or DEFAULT
# (-1) when DEV is not a port or the value is not there.  NETNS defaults to
# $host; -n "" is the namespace the test runs in.  The one reader of a
# port's counters and fields for every test.
port_stat() {
	local ns=$host out

	if [ "$1" = -n ]; then
		ns=$2
		shift 2
	fi
	out=$("$VTLCTL" ${ns:+-n "$ns"} -j -s port show dev "$1" 2>/dev/null) ||
		out='[]'
	jq -r --arg d "${3--1}" "(.[0]$2) // \$d" <<<"$out"
}

# socks_stat [DEV] KEY: one of DEV's (vmif's) SOCKS counters ("vtlctl -s
# socks show"), in $host.
socks_stat() {
	[ $# -gt 1 ] || set -- vmif "$1"
	word_after "$2" "$("$VTLCTL" -n "$host" -s socks show dev "$1")"
}

# ring_stat KEY: one of the ring counters of the port with ifindex
# $ifindex in $host ("ringtest stats").
ring_stat() {
	word_after "$1" "$(ip netns exec "$host" "$RINGTEST" stats "$ifindex")"
}

# mac_of NETNS DEV: DEV's MAC address, from ip alone (ip netns exec
# would set up a mount namespace for a cat of sysfs).
mac_of() {
	local l

	l=$(ip -n "$1" -o link show dev "$2") || return 1
	l=${l#*link/ether }
	echo "${l%% *}"
}

# ifindex_of NETNS DEV: DEV's ifindex.
ifindex_of() {
	local l

	l=$(ip -n "$1" -o link show dev "$2") || return 1
	echo "${l%%:*}"
}

# The topology most tests share, as ip -batch lines (see ipb): $vm's
# eth0 patched to $host's vmif (the VM's tap), $remote's eth0 to $host's
# up0 (the uplink), and, for bridge mode, vmif and up0 ports of br0.
topo_netns="netns add $vm
netns add $host
netns add $remote"
topo_links="link add vmif netns $host type veth peer name eth0 netns $vm
link add up0 netns $host type veth peer name eth0 netns $remote"
topo_host="link set lo up
link set vmif up
link set up0 up"
topo_bridge="link add br0 type bridge
link set vmif master br0
link set up0 master br0
link set br0 up"

# dual_topo [NAME=VALUE...]: the shared topology's namespaces and veth
# pairs, all links down, with IPv6 on the two ends only and without DAD,
# and the sysctls NAME=VALUE in all three.  The sysctls are "default"
# ones, which reach only devices created after them: they are set before
# the links exist.
dual_topo() {
	local ns v6off lines=$topo_netns

	for ns in "$vm" "$host" "$remote"; do
		v6off=0
		[ "$ns" != "$host" ] || v6off=1
		lines+=$'\n'"netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=$v6off net.ipv6.conf.default.accept_dad=0 $*"
	done
	ipb <<<"$lines
$topo_links"
}

# veth_topo [bridge]: $vm's eth0 (10.9.0.1/24) patched to $host's vmif (the
# VM's tap), $remote's eth0 (10.9.0.2/24) to $host's up0 (the uplink), IPv4
# only; with "bridge", vmif and up0 join br0.  VTL is not attached yet.
veth_topo() {
	local ns lines

	cleanup_ns
	# IPv6 off before any link is up: no chatter (DAD, router
	# solicitations) to muddy counters.
	lines="$topo_netns
$topo_links"
	for ns in "$vm" "$host" "$remote"; do
		lines+=$'\n'"netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
	done
	ipb <<<"$lines" || return 1
	ipb "$vm" <<-EOF &&
		link set lo up
		addr add 10.9.0.1/24 dev eth0
		link set eth0 up
	EOF
	ipb "$remote" <<-EOF &&
		link set lo up
		addr add 10.9.0.2/24 dev eth0
		link set eth0 up
	EOF
	if [ "${1:-}" = bridge ]; then
		ipb "$host" <<<"$topo_host
$topo_bridge"
	else
		ipb "$host" <<<"$topo_host"
	fi
}

# tap_start: the TAP header, or a skip of everything when VTL is not there.
tap_start() {
	echo "TAP version 13"
	if [ ! -x "$VTLCTL" ]; then
		echo "1..0 # SKIP $VTLCTL not built"
		exit 4
	fi
	if ! grep -q '^vtl ' /proc/modules; then
		echo "1..0 # SKIP vtl.ko is not loaded"
		exit 4
	fi
	echo "# kernel $(uname -r)"
}

# tap_done: the plan and the counts; the exit status says whether all passed.
tap_done() {
	cleanup_ns
	# A selector (CONN_TESTS, RING_ONLY, ...) that names nothing runs
	# nothing: that is a failure, not a pass.
	[ "$ntest" -gt 0 ] || fail "no test ran: does a *_TESTS or *_ONLY variable name a test?"
	echo "1..$ntest"
	echo "# $npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" = 0 ]
}

# todo WHAT WHY CMD...: a check that a known bug makes fail, as a TAP TODO:
# "not ok N WHAT # TODO WHY" is not counted as a failure; "ok N WHAT # TODO
# WHY" says the bug may be gone (then make it a plain check).  Returns
# CMD's status.
todo() {
	local what=$1 why=$2 rc=0

	shift 2
	ntest=$((ntest + 1))
	"$@" || rc=$?
	if [ "$rc" = 0 ]; then
		npass=$((npass + 1))
		echo "ok $ntest $what # TODO $why"
	else
		echo "not ok $ntest $what # TODO $why"
	fi
	return "$rc"
}

# stop NAME [SIG]: end the background process whose pid is in $pid_NAME
# (SIGTERM by default) and wait for it; nothing if none.
stop() {
	local pid

	eval "pid=\${pid_$1:-}"
	[ -n "$pid" ] || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "pid_$1="
	return 0
}
