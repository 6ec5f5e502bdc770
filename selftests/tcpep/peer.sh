# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tcpep.sh and socks.sh after lib.sh: what both need of
# tap-proxy's counters ($tmp/proxy-$ntopo) and of peer.py's reports
# ($tmp/c from the client, $tmp/s from the server; $server_pid, $BIG).

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
