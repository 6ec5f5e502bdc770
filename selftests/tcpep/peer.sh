# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tcpep.sh, socks.sh and daemon.sh after lib.sh: what they need
# of tap-proxy's counters ($tmp/proxy-$ntopo) and of peer.py's reports
# ($tmp/c from the client, $tmp/s from the server; $server_pid, $BIG), and
# the VM's side of their transfers ($vm, $port; $RESOLVER the VM's DNS
# server, $CLIENT_TIMEOUT a client's time limit, default 150 s).

# counter NAME: one of tap-proxy's counters, after proxy_stop (or the
# latest it printed).
counter() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$tmp/proxy-$ntopo"
}

# server_wait: the server has handled its connections and exited; after
# its client is done, that takes moments: a server still waiting after
# 30 s lost its client, and is stopped.
server_wait() {
	local pid=$server_pid

	server_pid=
	timeout 30 tail --pid="$pid" -f /dev/null || kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# same A KEYA B KEYB: field KEYA of A's (only) line equals KEYB of B's,
# and neither is empty.
same() {
	local a b

	a=$(jq -r ".$2" "$1" 2>/dev/null)
	b=$(jq -r ".$4" "$3" 2>/dev/null)
	[ -n "$a" ] && [ "$a" != null ] && [ "$a" = "$b" ]
}

# show FILE...: the files as TAP diagnostics.
show() {
	local f

	for f; do
		[ -s "$f" ] && { echo "$f:"; cat "$f"; } | diag
	done
	return 0
}

# up_ok, down_ok [SIZE]: the client's bytes reached the server whole, or
# the server's the client; SIZE bytes ($BIG by default).
up_ok() {
	same "$tmp/c" sent_sha "$tmp/s" recv_sha &&
		[ "$(jq -r .recv "$tmp/s")" = "${1:-$BIG}" ]
}

down_ok() {
	same "$tmp/s" sent_sha "$tmp/c" recv_sha &&
		[ "$(jq -r .recv "$tmp/c")" = "${1:-$BIG}" ]
}

# socks_stop: the SOCKS proxy socks_start (in the sourcing script) started.
# dante_conf FILE PORT EXTERNAL: a danted.conf listening on 127.0.0.1:PORT,
# no authentication, for clients on loopback, going out from EXTERNAL.
dante_conf() {
	cat >"$1" <<-EOC
	logoutput: stderr
	internal: 127.0.0.1 port = $2
	external: $3
	clientmethod: none
	socksmethod: none
	user.privileged: root
	user.notprivileged: nobody
	client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
	socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
	EOC
}

socks_stop() {
	[ -n "$socks_pid" ] || return 0
	kill "$socks_pid" 2>/dev/null
	wait "$socks_pid" 2>/dev/null
	socks_pid=
}

# vm_run CMD...: CMD in the VM, its resolv.conf naming $RESOLVER.
vm_run() {
	echo "nameserver $RESOLVER" >"$tmp/resolv.conf"
	ip netns exec "$vm" unshare -m sh -c \
		'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
		"$tmp/resolv.conf" "$@"
}

# client OUT DST [PEER OPTIONS]: a client in the VM, to DST:$port.
client() {
	local out=$1 dst=$2

	shift 2
	vm_run timeout "${CLIENT_TIMEOUT:-150}" python3 -S "$PEER" connect \
		"$dst" "$port" --out "$out" "$@" </dev/null 2>"$out.err"
}

# refused_fast WHAT LIMIT-MS DST: the VM's connect() to DST:$port fails
# (refused or reset) in under LIMIT-MS, never hangs or connects.
refused_fast() {
	local what=$1 limit=$2 dst=$3 rc=0 t secs=$(($2 / 1000 + 5))

	vm_run timeout "$secs" bash -c "s=\$EPOCHREALTIME
		if : 3<>/dev/tcp/$dst/$port; then exit 2; fi
		echo \$s \$EPOCHREALTIME" >"$tmp/t" 2>"$tmp/err" || rc=$?
	t=$(awk '{ printf "%.0f", ($2 - $1) * 1000 }' "$tmp/t")
	if [ "$rc" = 0 ] &&
	   grep -qE "Connection (refused|reset)" "$tmp/err" &&
	   [ "${t:-999999}" -lt "$limit" ]; then
		ok "$what: the VM's connect fails (in $t ms)"
	else
		fail "$what: the VM's connect fails in under $limit ms (rc $rc, ${t:-?} ms)"
		show "$tmp/err"
	fi
}

# transfer WHAT: $MB up and $MB down through the current topology, each
# compared by sha256 and timed; the sourcing script's server_at OUT
# [PEER OPTIONS] starts the server, transfer_diag says more on a failure.
transfer() {
	local what=$1 t0

	t0=$(date +%s%3N)
	server_at "$tmp/s" --order recv-send ||
		{ fail "$what: server"; return; }
	client "$tmp/c" "$REMOTE" --send "$BIG" --order send-recv
	server_wait
	up_ok && ok "$what: $MB MB from the VM reach the server intact (sha256, $(($(date +%s%3N) - t0)) ms)" ||
		{ fail "$what: $MB MB from the VM reach the server intact (sha256)"
		  show "$tmp/c" "$tmp/c.err" "$tmp/s" "$tmp/s.err"; transfer_diag; }
	t0=$(date +%s%3N)
	server_at "$tmp/s" --send "$BIG" --order send-recv ||
		{ fail "$what: server"; return; }
	client "$tmp/c" "$REMOTE" --order recv-send
	server_wait
	down_ok && ok "$what: $MB MB from the server reach the VM intact (sha256, $(($(date +%s%3N) - t0)) ms)" ||
		{ fail "$what: $MB MB from the server reach the VM intact (sha256)"
		  show "$tmp/c" "$tmp/c.err" "$tmp/s" "$tmp/s.err"; transfer_diag; }
}
