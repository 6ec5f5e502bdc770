#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vtlctl's command line, checked without the vtl module: help at every
# level, prefixes, the message and exit status of every wrong argument and
# of a wrong firewall rule file, of a wrong rewrite rule, of a wrong socks
# line,
# -n, device lookup, the "not loaded" error, and that a failing show writes
# no half JSON document.  What needs the module absent is skipped when it
# is loaded; what needs root, ip(8) or valgrind is skipped without them.
#
# TAP output; exit 0 on success, 1 on failure.
#
#   selftests/vtlctl-cli.sh               (VTLCTL=path overrides the binary)

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
VTLCTL=${VTLCTL:-$root/vtlctl/vtlctl}
tmp=$(mktemp -d)
netns=vtlctl-cli-$$
missing_netns=vtlctl-cli-missing-$$
created_netns=

cleanup()
{
	[[ -n $created_netns ]] && ip netns del "$created_netns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

count=0 passed=0 failed=0 skipped=0

ok()
{
	count=$((count + 1)) passed=$((passed + 1))
	echo "ok $count $1"
}

not_ok()
{
	count=$((count + 1)) failed=$((failed + 1))
	echo "not ok $count $1"
	shift
	local line
	for line in "$@"; do
		echo "#   $line"
	done
}

skip()
{
	count=$((count + 1)) skipped=$((skipped + 1))
	echo "ok $count $1 # SKIP $2"
}

# run CMD...: sets rc, out (stdout) and err (stderr)
run()
{
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(<"$tmp/out")
	err=$(<"$tmp/err")
}

# expect RC STDERR DESC CMD...: exit status and all of stderr, exactly
expect()
{
	local want_rc=$1 want_err=$2 desc=$3
	shift 3
	run "$@"
	if ((rc == want_rc)) && [[ $err == "$want_err" ]]; then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "exit $rc, want $want_rc" \
			"stderr: $err" "want:   $want_err"
	fi
}

# expect_usage DESC PATTERN CMD...: exit 0, stdout starts with PATTERN
expect_usage()
{
	local desc=$1 want=$2
	shift 2
	run "$@"
	if ((rc == 0)) && [[ -z $err && $out == "$want"* ]]; then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "exit $rc" "stdout: ${out%%$'\n'*}" \
			"stderr: $err"
	fi
}

echo "TAP version 13"
echo "# vtlctl command line, without the kernel module"

if [[ ! -x $VTLCTL ]]; then
	make -s -C "$root/vtlctl" >"$tmp/build" 2>&1 ||
		echo "# $(tail -1 "$tmp/build")"
fi
if [[ ! -x $VTLCTL ]]; then
	not_ok "vtlctl is built" "no $VTLCTL"
	echo "1..$count"
	echo "$passed passed, $failed failed"
	exit 1
fi
V=$VTLCTL

NOT_LOADED="Error: the vtl kernel module is not loaded."
run "$V" port show
module_absent=
[[ $err == "$NOT_LOADED" ]] && module_absent=1

# --- help at every level ------------------------------------------------
main_usage="Usage: vtlctl [ OPTIONS ] OBJECT"
port_usage="Usage: vtlctl [ OPTIONS ] port add"
expect_usage "vtlctl help" "$main_usage" "$V" help
expect_usage "vtlctl -h" "$main_usage" "$V" -h
expect_usage "vtlctl --help" "$main_usage" "$V" --help
expect_usage "vtlctl -help port show (help first)" "$main_usage" \
	"$V" -help port show
expect_usage "vtlctl help port" "$port_usage" "$V" help port
expect_usage "vtlctl port help" "$port_usage" "$V" port help
expect_usage "vtlctl port add help" "$port_usage" "$V" port add help
expect_usage "vtlctl port add dev x help" "$port_usage" \
	"$V" port add dev x help
expect_usage "vtlctl port del help" "$port_usage" "$V" port del help
expect_usage "vtlctl port show help" "$port_usage" "$V" port show help
conn_usage="Usage: vtlctl [ OPTIONS ] conn show"
expect_usage "vtlctl help conn" "$conn_usage" "$V" help conn
expect_usage "vtlctl conn help" "$conn_usage" "$V" conn help
expect_usage "vtlctl conn show help" "$conn_usage" "$V" conn show help
expect_usage "vtlctl conn flush help" "$conn_usage" "$V" conn flush help
expect_usage "vtlctl port set help" "$port_usage" "$V" port set help
fw_usage="Usage: vtlctl [ OPTIONS ] fw add"
expect_usage "vtlctl help fw" "$fw_usage" "$V" help fw
expect_usage "vtlctl fw help" "$fw_usage" "$V" fw help
expect_usage "vtlctl fw add help" "$fw_usage" "$V" fw add dev lo help
expect_usage "vtlctl fw load help" "$fw_usage" "$V" fw load help
expect_usage "vtlctl fw policy help" "$fw_usage" "$V" fw policy help
expect_usage "prefixes: vtlctl f p h" "$fw_usage" "$V" f p h
expect_usage "prefixes: vtlctl c f h" "$conn_usage" "$V" c f h
rw_usage="Usage: vtlctl [ OPTIONS ] rewrite add"
expect_usage "vtlctl help rewrite" "$rw_usage" "$V" help rewrite
expect_usage "vtlctl rewrite help" "$rw_usage" "$V" rewrite help
expect_usage "vtlctl rewrite add help" "$rw_usage" \
	"$V" rewrite add dev lo match help
expect_usage "vtlctl rewrite del help" "$rw_usage" "$V" rewrite del help
expect_usage "vtlctl rewrite show help" "$rw_usage" "$V" rewrite show help
expect_usage "vtlctl rewrite flush help" "$rw_usage" "$V" rewrite flush help
tunnel_usage="Usage: vtlctl [ OPTIONS ] tunnel auto"
expect_usage "vtlctl help tunnel" "$tunnel_usage" "$V" help tunnel
expect_usage "vtlctl tunnel help" "$tunnel_usage" "$V" tunnel help
expect_usage "vtlctl tunnel auto help" "$tunnel_usage" "$V" tunnel auto help
expect_usage "vtlctl tunnel show help" "$tunnel_usage" "$V" tunnel show help
expect_usage "prefixes: vtlctl r a h" "$rw_usage" "$V" r a h
expect_usage "prefixes: vtlctl t a h" "$tunnel_usage" "$V" t a h
expect_usage "vtlctl -V" "vtlctl 0" "$V" -V
expect_usage "vtlctl -Version" "vtlctl 0" "$V" -Version
run "$V"
if ((rc == 2)) && [[ -z $out && $err == "$main_usage"* ]]; then
	ok "vtlctl alone: usage on stderr, exit 2"
else
	not_ok "vtlctl alone: usage on stderr, exit 2" "exit $rc" "stderr: $err"
fi

# --- prefixes -----------------------------------------------------------
expect_usage "prefixes: vtlctl p h" "$port_usage" "$V" p h
expect_usage "prefixes: vtlctl he p" "$port_usage" "$V" he p
expect_usage "prefixes: vtlctl p a he" "$port_usage" "$V" p a he
expect_usage "prefixes: vtlctl p delete help" "$port_usage" \
	"$V" p delete help
expect_usage "prefixes: vtlctl p l h (list)" "$port_usage" "$V" p l h
expect 2 'Error: "dev" is required' "prefixes: vtlctl p d (del)" "$V" p d
expect 2 'Error: duplicate "dev"' "prefixes: keyword prefixes" \
	"$V" port add d lo m b de lo
expect 2 'Error: "peer" needs a value' "prefixes: keyword p is peer" \
	"$V" port add dev lo p
expect 2 'Error: "max-conns" is required' "port set needs max-conns" \
	"$V" port set dev lo
expect 2 'Error: "dev" is required' "port suspend needs dev" \
	"$V" port suspend
expect 2 'Error: unknown keyword "max-conns"' "port resume takes only dev" \
	"$V" port resume dev lo max-conns 3
expect_usage "vtlctl port suspend help" "$port_usage" "$V" port suspend help
expect 2 'Error: invalid max-conns "x"' "max-conns takes a number" \
	"$V" port add dev lo max-conns x
expect 2 'Error: unknown keyword "peer"' "conn show takes only dev" \
	"$V" conn show peer lo
expect 2 'Error: unknown command "foo", try "vtlctl conn help"' \
	"conn: unknown command" "$V" conn foo

# --- fw: wrong rules, exit 2; wrong rule files, exit 1 ----------------------
expect 2 'Error: "dev" is required' "fw alone is fw show, which needs dev" \
	"$V" fw
expect 2 'Error: "action" is required' "fw add needs action" \
	"$V" fw add dev lo dir in
expect 2 'Error: "dir" is required' "fw add needs dir" \
	"$V" fw add dev lo action drop
expect 2 'Error: invalid src "10.0.0.1/8": host bits set (the prefix is 10.0.0.0/8)' \
	"fw add: host bits set" "$V" fw add dev lo dir in src 10.0.0.1/8 action drop
expect 2 'Error: invalid dst "::/129": the prefix length is at most 128' \
	"fw add: prefix too long" "$V" fw add dev lo dir in dst ::/129 action drop
expect 2 'Error: invalid src "nohost"' "fw add: bad address" \
	"$V" fw add dev lo dir in src nohost action drop
expect 2 'Error: src and dst must be of the same family' \
	"fw add: two families" \
	"$V" fw add dev lo dir in src 10.0.0.0/8 dst ::1 action drop
expect 2 'Error: proto icmp needs IPv4 addresses' "fw add: icmp and IPv6" \
	"$V" fw add dev lo dir in proto icmp dst ::1 action drop
expect 2 'Error: ports need proto tcp, udp, udplite, sctp or dccp' \
	"fw add: ports without proto" "$V" fw add dev lo dir in dport 22 action drop
expect 2 'Error: invalid dport "30-20": the first port is above the last' \
	"fw add: empty port range" \
	"$V" fw add dev lo dir in proto tcp dport 30-20 action drop
expect 2 'Error: invalid state "foo"' "fw add: unknown state" \
	"$V" fw add dev lo dir in state new,foo action drop
expect 2 'Error: invalid proto "300"' "fw add: proto number too big" \
	"$V" fw add dev lo dir in proto 300 action drop
expect 2 'Error: invalid action "allow"' "fw add: unknown action" \
	"$V" fw add dev lo dir in action allow
expect 2 'Error: "id" is required' "fw del needs id" "$V" fw del dev lo
expect 2 'Error: invalid id "x"' "fw del: bad id" "$V" fw del dev lo id x
expect 2 'Error: invalid policy "reject"' "fw policy: reject is no policy" \
	"$V" fw policy dev lo dir in reject
expect 2 'Error: "accept" or "drop" is required' "fw policy needs a verdict" \
	"$V" fw policy dev lo dir in
expect 2 'Error: invalid dir "up"' "fw flush: bad dir" \
	"$V" fw flush dev lo dir up
expect 2 'Error: a FILE is required' "fw load needs a file" "$V" fw load dev lo
expect 1 'Error: cannot open "/nonexistent/rules": No such file or directory.' \
	"fw load: missing file" "$V" fw load dev lo /nonexistent/rules
printf '# rules\npolicy dir in drop\n\ndir in proto tcp dport 22 action accept\ndir in proto tcp dport x action accept\n' \
	>"$tmp/rules"
expect 1 "Error: $tmp/rules:5: invalid dport \"x\"." \
	"fw load: a bad line names FILE:LINE" "$V" fw load dev lo "$tmp/rules"
run "$V" fw load dev lo - <<<"dir in action drop
policy dir out reject"
if ((rc == 1)) && [[ $err == 'Error: <stdin>:2: invalid policy "reject".' ]]; then
	ok "fw load -: reads stdin"
else
	not_ok "fw load -: reads stdin" "exit $rc" "stderr: $err"
fi
# the file is checked before the device is looked up
expect 1 "Error: $tmp/rules:5: invalid dport \"x\"." \
	"fw load: the file before the device" \
	"$V" fw load dev nonexistent0 "$tmp/rules"
expect 1 'Cannot find device "nonexistent0"' "fw add: nonexistent device" \
	"$V" fw add dev nonexistent0 dir in action drop
expect 1 'Cannot find device "nonexistent0"' "fw show: nonexistent device" \
	"$V" -j fw show dev nonexistent0

# --- rewrite and tunnel: wrong lines, exit 2, nothing looked up -------------
mac=02:00:00:00:00:0b
expect 2 'Error: "dev" is required' "rewrite add needs dev" \
	"$V" rewrite add match dst 10.0.0.0/8 set dmac $mac
expect 2 'Error: "match dst" is required' "rewrite add needs match dst" \
	"$V" rewrite add dev lo set dmac $mac
expect 2 'Error: "set dmac" is required' "rewrite add needs set dmac" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8
expect 2 'Error: "set dmac" is required' "rewrite add: smac is no dmac" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set smac $mac
expect 2 'Error: "dst" comes after "match"' "rewrite add: dst without match" \
	"$V" rewrite add dev lo dst 10.0.0.0/8 set dmac $mac
expect 2 'Error: "dmac" comes after "set"' "rewrite add: dmac without set" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 dmac $mac
expect 2 'Error: invalid dst "10.2.0.1/24": host bits set (the prefix is 10.2.0.0/24)' \
	"rewrite add: host bits set" \
	"$V" rewrite add dev lo match dst 10.2.0.1/24 set dmac $mac
expect 2 'Error: invalid dst "10.0.0.0/33": the prefix length is at most 32' \
	"rewrite add: prefix too long" \
	"$V" rewrite add dev lo match dst 10.0.0.0/33 set dmac $mac
expect 2 'Error: invalid dst "vmB"' "rewrite add: bad prefix" \
	"$V" rewrite add dev lo match dst vmB set dmac $mac
expect 2 'Error: invalid dmac "02:00:00:00:0b"' "rewrite add: malformed MAC" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac 02:00:00:00:0b
expect 2 'Error: invalid dmac "ff:ff:ff:ff:ff:ff": a multicast address, not a unicast one' \
	"rewrite add: broadcast MAC" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac ff:ff:ff:ff:ff:ff
expect 2 'Error: invalid smac "0:0:0:0:0:0": the zero address, not a unicast one' \
	"rewrite add: zero smac" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac smac 0:0:0:0:0:0
expect 2 'Error: saddr and dst must be of the same family' \
	"rewrite add: saddr of another family" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac saddr ::1
expect 2 'Error: daddr and dst must be of the same family' \
	"rewrite add: daddr of another family" \
	"$V" rewrite add dev lo match dst 2001:db8::/32 set dmac $mac daddr 10.0.0.1
expect 2 'Error: invalid daddr "10.0.0.0/8"' "rewrite add: daddr is no prefix" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac daddr 10.0.0.0/8
expect 2 'Error: out device is the port itself' "rewrite add: out is dev" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac out lo
expect 2 'Error: duplicate "set"' "rewrite add: set twice" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac set
expect 2 'Error: ambiguous keyword "s"' "rewrite add: s is ambiguous" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set s $mac
expect 2 'Error: "match dst" is required' "rewrite del needs match dst" \
	"$V" rewrite del dev lo
expect 2 'Error: unknown keyword "set"' "rewrite del takes no set" \
	"$V" rewrite del dev lo match dst 10.0.0.0/8 set dmac $mac
expect 2 'Error: unknown keyword "match"' "rewrite show takes only dev" \
	"$V" rewrite show match dst 10.0.0.0/8
expect 2 'Error: unknown keyword "out"' "rewrite flush takes only dev" \
	"$V" rewrite flush out lo
expect 2 'Error: unknown command "foo", try "vtlctl rewrite help"' \
	"rewrite: unknown command" "$V" rewrite foo
expect 2 'Error: "on" or "off" is required' "tunnel auto needs on or off" \
	"$V" tunnel auto
expect 2 'Error: invalid auto "yes"' "tunnel auto: yes is no on" \
	"$V" tunnel auto yes
expect 2 'Error: duplicate auto "off"' "tunnel auto on off" \
	"$V" tunnel auto on off
expect 2 'Error: unknown keyword "dev"' "tunnel show takes nothing" \
	"$V" tunnel show dev lo
expect 2 'Error: unknown command "foo", try "vtlctl tunnel help"' \
	"tunnel: unknown command" "$V" tunnel foo
expect 1 'Cannot find device "nonexistent0"' "rewrite add: nonexistent device" \
	"$V" rewrite add dev nonexistent0 match dst 10.0.0.0/8 set dmac $mac
expect 1 'Cannot find device "nonexistent0"' \
	"rewrite add: nonexistent out device, before the module" \
	"$V" rewrite add dev lo match dst 10.0.0.0/8 set dmac $mac out nonexistent0
expect 1 'Cannot find device "nonexistent0"' "rewrite show: nonexistent device" \
	"$V" -j rewrite show dev nonexistent0

# --- socks: help, wrong lines, exit 2, nothing looked up -------------------
socks_usage="Usage: vtlctl [ OPTIONS ] socks add"
expect_usage "vtlctl help socks" "$socks_usage" "$V" help socks
expect_usage "vtlctl socks help" "$socks_usage" "$V" socks help
expect_usage "vtlctl socks add help" "$socks_usage" "$V" socks add dev lo help
expect_usage "vtlctl socks del help" "$socks_usage" "$V" socks del help
expect_usage "vtlctl socks show help" "$socks_usage" "$V" socks show help
P=192.0.2.1:1080
expect 2 'Error: "proxy" is required' "socks add needs proxy" \
	"$V" socks add dev lo
expect 2 'Error: "dev" is required' "socks add needs dev" \
	"$V" socks add proxy $P
expect 2 'Error: invalid proxy "tor.example:9050": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT' \
	"socks add: a name is no proxy address" \
	"$V" socks add dev lo proxy tor.example:9050
expect 2 'Error: invalid proxy "::1:9050": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT' \
	"socks add: IPv6 without brackets" "$V" socks add dev lo proxy ::1:9050
expect 2 'Error: invalid version "4": 5 or 4a' "socks add: version 4" \
	"$V" socks add dev lo proxy $P version 4
expect 2 'Error: a user needs a password' "socks add: user alone" \
	"$V" socks add dev lo proxy $P user alice
expect 2 'Error: SOCKS4a takes no credentials: they need version 5' \
	"socks add: credentials with 4a" \
	"$V" socks add dev lo proxy $P version 4a user a password b
expect 2 'Error: invalid dns automap prefix "10.0.0.0/31": an IPv4 PREFIX/LEN, LEN from 1 to 30' \
	"socks add: automap prefix too long" \
	"$V" socks add dev lo proxy $P dns automap 10.0.0.0/31
expect 2 'Error: invalid ipv6 "on"' "socks add: ipv6 on" \
	"$V" socks add dev lo proxy $P ipv6 on
expect 2 'Error: unknown keyword "proxy"' "socks del takes only dev" \
	"$V" socks del dev lo proxy $P
expect 2 'Error: "dev" is required' "socks del needs dev" "$V" socks del
expect 2 'Error: unknown command "foo", try "vtlctl socks help"' \
	"socks: unknown command" "$V" socks foo
expect 1 'Cannot find device "nonexistent0"' "socks add: nonexistent device" \
	"$V" socks add dev nonexistent0 proxy $P

# --- wrong arguments: the message names them, exit 2 --------------------
long=$(printf 'x%.0s' {1..5000})
expect 2 'Error: unknown object "foo", try "vtlctl help"' \
	"unknown object" "$V" foo
expect 2 'Error: unknown object "foo", try "vtlctl help"' \
	"unknown object after help" "$V" help foo
expect 2 'Error: unknown command "foo", try "vtlctl port help"' \
	"unknown command" "$V" port foo
expect 2 'Error: unknown option "-x", try "vtlctl help"' \
	"unknown option" "$V" -x port show
expect 2 'Error: ambiguous option "-", try "vtlctl help"' \
	"ambiguous option" "$V" - port show
expect 2 'Error: unknown keyword "foo"' "unknown keyword" \
	"$V" port add dev lo foo bar
expect 2 'Error: unknown keyword "peer"' "keyword of another command" \
	"$V" port show peer lo
expect 2 'Error: unknown keyword "mode"' "del takes no mode" \
	"$V" port del dev lo mode bridge
expect 2 'Error: "mode" needs a value' "keyword without value" \
	"$V" port add dev lo mode
expect 2 'Error: "dev" needs a value' "dev without value" \
	"$V" port add dev
expect 2 'Error: invalid mode "x"' "invalid mode" \
	"$V" port add dev lo mode x
expect 2 'Error: duplicate "dev"' "duplicate keyword" \
	"$V" port add dev lo dev lo
expect 2 'Error: duplicate "mode"' "duplicate mode" \
	"$V" port add dev lo mode bridge mode bridge
expect 2 'Error: "dev" is required' "add without dev" \
	"$V" port add peer lo
expect 2 'Error: "dev" is required' "del without dev" "$V" port del
expect 2 'Error: invalid device name "a/b"' "device name with a slash" \
	"$V" port add dev a/b
expect 2 'Error: invalid device name "1234567890123456"' \
	"device name too long" "$V" port add dev 1234567890123456
expect 2 'Error: invalid device name ""' "empty device name" \
	"$V" port del dev ""
expect 2 "Error: invalid device name \"$long\"" "5000-byte device name" \
	"$V" port add dev "$long"
expect 2 "Error: unknown object \"$long\", try \"vtlctl help\"" \
	"5000-byte object" "$V" "$long"
expect 2 'Error: "-n" needs a value' "-n without value" "$V" -n
expect 2 'Error: duplicate "-netns"' "-netns twice" \
	"$V" -n a -netns b port show
# usage errors come before any lookup: the netns is not even opened
expect 2 'Error: invalid mode "x"' "usage checked before -n" \
	"$V" -n "$missing_netns" port add dev lo mode x

# --- lookups: netns, devices ------------------------------------------------
expect 1 "Cannot open network namespace \"$missing_netns\": No such file or directory" \
	"missing netns" "$V" -n "$missing_netns" port show
expect 1 "Cannot open network namespace \"/nonexistent/ns\": No such file or directory" \
	"missing netns path" "$V" -n /nonexistent/ns port show
expect 1 'Cannot find device "nonexistent0"' "nonexistent device" \
	"$V" port add dev nonexistent0
expect 1 'Cannot find device "nonexistent0"' "nonexistent peer" \
	"$V" port add dev lo peer nonexistent0
expect 1 'Cannot find device "nonexistent0"' "nonexistent device (del)" \
	"$V" port del dev nonexistent0
expect 1 'Cannot find device "nonexistent0"' "nonexistent device (show)" \
	"$V" -j port show dev nonexistent0

# --- the module is absent -------------------------------------------------
if [[ -n $module_absent ]]; then
	expect 1 "$NOT_LOADED" "not loaded: port show" "$V" port show
	expect 1 "$NOT_LOADED" "not loaded: vtlctl port" "$V" port
	expect 1 "$NOT_LOADED" "not loaded: prefixes p sh" "$V" p sh
	expect 1 "$NOT_LOADED" "not loaded: show dev lo" \
		"$V" port show dev lo
	expect 1 "$NOT_LOADED" "not loaded: add host-only" \
		"$V" port add dev lo
	expect 1 "$NOT_LOADED" "not loaded: add with mode and peer" \
		"$V" port add dev lo mode standalone peer lo
	expect 1 "$NOT_LOADED" "not loaded: del" "$V" port del dev lo
	expect 1 "$NOT_LOADED" "not loaded: fw add" \
		"$V" fw add dev lo dir in proto tcp dport 22 action accept
	expect 1 "$NOT_LOADED" "not loaded: fw show" "$V" -j fw show dev lo
	printf 'policy dir in drop\ndir in proto tcp dport 22 action accept\n' \
		>"$tmp/good.rules"
	expect 1 "$NOT_LOADED" "not loaded: fw load" \
		"$V" fw load dev lo "$tmp/good.rules"
	expect 1 "$NOT_LOADED" "not loaded: rewrite add" \
		"$V" rewrite add dev lo match dst 10.2.0.0/24 set dmac $mac
	expect 1 "$NOT_LOADED" "not loaded: rewrite del" \
		"$V" rewrite del dev lo match dst 10.2.0.0/24
	expect 1 "$NOT_LOADED" "not loaded: rewrite flush" "$V" rewrite flush
	expect 1 "$NOT_LOADED" "not loaded: rewrite" "$V" -j rewrite
	expect 1 "$NOT_LOADED" "not loaded: tunnel auto on" \
		"$V" tunnel auto on
	expect 1 "$NOT_LOADED" "not loaded: tunnel" "$V" -j tunnel
	if [[ -z $out ]]; then
		ok "failing -j tunnel show writes nothing to stdout"
	else
		not_ok "failing -j tunnel show writes nothing to stdout" \
			"stdout: $out"
	fi
	expect 1 "$NOT_LOADED" "not loaded: -j -p -s show" \
		"$V" -j -p -s port show
	if [[ -z $out ]]; then
		ok "failing -j show writes nothing to stdout"
	else
		not_ok "failing -j show writes nothing to stdout" "stdout: $out"
	fi
	run "$V" -j port show dev lo
	if ((rc == 1)) && [[ -z $out ]]; then
		ok "failing -j show dev writes nothing to stdout"
	else
		not_ok "failing -j show dev writes nothing to stdout" \
			"exit $rc" "stdout: $out"
	fi
else
	skip "module-absent checks" "the vtl module is loaded"
fi

# --- -n NETNS: the switch happens before lookups ----------------------------
host_dev=
for d in /sys/class/net/*; do
	[[ ${d##*/} != lo ]] && host_dev=${d##*/} && break
done
if ((EUID != 0)); then
	skip "-n into a namespace" "not root"
elif ! command -v ip >/dev/null; then
	skip "-n into a namespace" "no ip(8)"
elif ! ip netns add "$netns" 2>/dev/null; then
	skip "-n into a namespace" "cannot create a namespace"
else
	created_netns=$netns
	if [[ -n $host_dev ]]; then
		expect 1 "Cannot find device \"$host_dev\"" \
			"-n: device names are looked up in the namespace" \
			"$V" -n "$netns" port add dev "$host_dev"
	else
		skip "-n: device names are looked up in the namespace" \
			"no device besides lo"
	fi
	if [[ -n $module_absent ]]; then
		expect 1 "$NOT_LOADED" "-n: reaches the kernel from the namespace" \
			"$V" -n "$netns" port add dev lo
		expect 1 "$NOT_LOADED" "-n: path of the namespace" \
			"$V" -n "/run/netns/$netns" port show
	fi
	if command -v setpriv >/dev/null; then
		expect 1 "setting the network namespace \"$netns\" failed: Operation not permitted" \
			"-n as an unprivileged user" \
			setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$V" -n "$netns" port show
	else
		skip "-n as an unprivileged user" "no setpriv"
	fi
fi

# --- no crash, no leak: a few cases under valgrind ------------------------
if ! command -v valgrind >/dev/null; then
	skip "valgrind" "no valgrind"
else
	VG=(valgrind -q --error-exitcode=99 --leak-check=full
	    --errors-for-leak-kinds=definite,indirect
	    --show-leak-kinds=definite,indirect)
	expect_usage "valgrind: help" "$main_usage" "${VG[@]}" "$V" help
	expect_usage "valgrind: port help" "$port_usage" "${VG[@]}" "$V" port help
	expect 2 'Error: unknown keyword "foo"' "valgrind: unknown keyword" \
		"${VG[@]}" "$V" port add dev lo foo bar
	expect 2 'Error: invalid mode "x"' "valgrind: invalid mode" \
		"${VG[@]}" "$V" port add dev lo mode x
	expect 2 'Error: invalid src "10.0.0.1/8": host bits set (the prefix is 10.0.0.0/8)' \
		"valgrind: fw add, host bits" \
		"${VG[@]}" "$V" fw add dev lo dir in src 10.0.0.1/8 action drop
	expect 1 "Error: $tmp/rules:5: invalid dport \"x\"." \
		"valgrind: fw load, bad line" \
		"${VG[@]}" "$V" fw load dev lo "$tmp/rules"
	expect 2 'Error: invalid dmac "01:00:5e:00:00:01": a multicast address, not a unicast one' \
		"valgrind: rewrite add, multicast MAC" \
		"${VG[@]}" "$V" rewrite add dev lo match dst 10.0.0.0/8 \
		set dmac 01:00:5e:00:00:01
	expect 2 'Error: invalid auto "x"' "valgrind: tunnel auto x" \
		"${VG[@]}" "$V" tunnel auto x
	expect 1 'Cannot find device "nonexistent0"' \
		"valgrind: nonexistent device" \
		"${VG[@]}" "$V" port add dev nonexistent0
	expect 1 "Cannot open network namespace \"$missing_netns\": No such file or directory" \
		"valgrind: missing netns" \
		"${VG[@]}" "$V" -n "$missing_netns" port show
	if [[ -n $module_absent ]]; then
		expect 1 "$NOT_LOADED" "valgrind: not loaded, -j -s show" \
			"${VG[@]}" "$V" -j -s port show
		expect 1 "$NOT_LOADED" "valgrind: not loaded, add" \
			"${VG[@]}" "$V" port add dev lo peer lo mode standalone
		expect 1 "$NOT_LOADED" "valgrind: not loaded, fw load" \
			"${VG[@]}" "$V" fw load dev lo "$tmp/good.rules"
		expect 1 "$NOT_LOADED" "valgrind: not loaded, rewrite add" \
			"${VG[@]}" "$V" rewrite add dev lo match dst \
			2001:db8::/32 set dmac $mac smac $mac daddr 2001:db8::9
		expect 1 "$NOT_LOADED" "valgrind: not loaded, -j -s rewrite" \
			"${VG[@]}" "$V" -j -s rewrite
		expect 1 "$NOT_LOADED" "valgrind: not loaded, -j tunnel" \
			"${VG[@]}" "$V" -j tunnel
		expect 1 "$NOT_LOADED" "valgrind: not loaded, fw add" \
			"${VG[@]}" "$V" fw add dev lo dir out proto udp \
			src 2001:db8::/32 sport 1-2 state new,est action reject
	fi
fi

echo "1..$count"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
