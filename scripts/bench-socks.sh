#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SOCKS benchmark, inside the VM (run by bench-vm.sh, vtl.ko loaded):
# a guest's TCP sent through microsocks by redsocks (an nft redirect to it,
# the usual way to proxy a VM transparently) and by VTL (the SOCKS service
# and `vtlctl daemon`), measured in the same boot, interleaved round by
# round.
#
#   g (guest) 10.10.0.2 --vmif-- h (host) 10.11.0.1 --up0-- r 10.11.0.2
#                                microsocks 127.0.0.1:1080
#   redsocks  h: nft redirects vmif's TCP to redsocks :12345 -> microsocks
#   vtl       h: vmif is a VTL port with "socks add ... proxy microsocks";
#                the daemon plays every TCP peer of the guest
#
# Figures: iperf3 throughput each way (guest to r and back), connections
# per second (8 clients each opening a connection, one byte each way,
# closing, for BENCH_SECS), the CPU time the proxying process (redsocks
# or the daemon) and microsocks spent per megabyte moved, and how much of
# the download microsocks spent on a CPU and waiting for one.  Emulated
# timings are not hardware numbers: read the ratios.  Two are shown: the
# best round's figures against each other, and the median of the rounds'
# own ratios.  A round runs the two modes back to back, so the median is
# the one the machine's drift (up to 2x between rounds here) disturbs
# least.
set -eu
vtlctl=$PWD/vtlctl/vtlctl
# shellcheck source=scripts/lib-bench.sh
. "$(dirname "$0")/lib-bench.sh"
secs=${BENCH_SECS:-5}
rounds=${BENCH_ROUNDS:-3}
modes=${BENCH_SOCKS_MODES:-redsocks vtl}
REMOTE=10.11.0.2
declare -A up down cps cpu scpu son swait all_up all_down all_cps
declare -A all_path all_pdl all_ceil all_busy
pids=()

modprobe -a veth nf_tables nft_redir nf_nat 2>/dev/null || true
conf=$(mktemp)
out=$(mktemp)
cat >"$conf" <<EOF
base { log_info = off; log = stderr; daemon = off; redirector = iptables; }
redsocks {
	local_ip = 0.0.0.0; local_port = 12345;
	ip = 127.0.0.1; port = 1080; type = socks5;
}
EOF

stop_all() {
	local p

	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	for ns in g h r; do ip netns del $ns 2>/dev/null || true; done
}
trap 'stop_all; rm -f "$conf" "$out"' EXIT

# wait_for CMD...: poll until CMD succeeds (10 s).
wait_for() {
	for _ in $(seq 200); do "$@" && return 0; sleep 0.05; done
	echo "# timed out waiting for: $*" >&2
	return 1
}

listening() { ip netns exec "$1" ss -ltnH "sport = :$2" | grep -q .; }
ring_attached() {
	$vtlctl -n h -j -s port show dev vmif |
		python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[0]["ring"]["attached"] else 1)'
}

# setup MODE: the namespaces, microsocks, and redsocks or VTL; prints the
# proxying process's pid.
setup() {
	stop_all
	for ns in g h r; do ip netns add $ns; ip -n $ns link set lo up; done
	ip -n h link add vmif type veth peer name eth0 netns g
	ip -n h link add up0 type veth peer name eth0 netns r
	ip -n g addr add 10.10.0.2/24 dev eth0
	ip -n h addr add 10.10.0.1/24 dev vmif
	ip -n h addr add 10.11.0.1/24 dev up0
	ip -n r addr add $REMOTE/24 dev eth0
	for l in "g eth0" "h vmif" "h up0" "r eth0"; do
		# shellcheck disable=SC2086
		ip -n ${l% *} link set ${l#* } up
	done
	ip -n g route add default via 10.10.0.1
	ip netns exec h microsocks -i 127.0.0.1 -p 1080 </dev/null >/dev/null 2>&1 &
	pids+=($!)
	socks_pid=$!
	wait_for listening h 1080
	case $1 in
	redsocks)
		ip netns exec h nft -f - <<-EOF
		table ip bench {
			chain pre {
				type nat hook prerouting priority dstnat;
				iifname "vmif" ip protocol tcp redirect to :12345
			}
		}
		EOF
		ip netns exec h redsocks -c "$conf" </dev/null >/dev/null 2>&1 &
		pids+=($!)
		wait_for listening h 12345
		;;
	vtl)
		$vtlctl -n h port add dev vmif
		$vtlctl -n h socks add dev vmif proxy 127.0.0.1:1080
		$vtlctl -n h daemon </dev/null 2>/dev/null &
		pids+=($!)
		wait_for ring_attached
		;;
	esac
	proxy_pid=${pids[-1]}
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# sample PROXY SOCKS: in one read, so that the figures are of one moment
# even on a VM too busy to start a process quickly: the uptime and the
# VM's CPUs' busy time (not idle or iowait) in ticks, PROXY's CPU ticks,
# the bytes vmif has sent the guest (PROXY runs in its namespace), then
# "TID ON WAITING" for each of SOCKS's threads (schedstat, ns).
sample() {
	awk -v hz="$tick" '
		FILENAME == "/proc/uptime" { up = $1 * hz }
		FILENAME == "/proc/stat" && /^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9 }
		FILENAME ~ /^\/proc\/[0-9]+\/stat$/ { pt = $14 + $15 }
		FILENAME ~ /net\/dev$/ { sub(/:/, " "); if ($1 == "vmif") tx = $10 }
		FILENAME ~ /schedstat$/ { split(FILENAME, f, "/"); ts = ts " " f[5] " " $1 " " $2 }
		END { printf "%.0f %d %d %d%s\n", up, busy, pt, tx, ts }' \
		/proc/uptime /proc/stat "/proc/$1/stat" "/proc/$1/net/dev" \
		/proc/"$2"/task/*/schedstat
}

# iperf DIR: "BITS-PER-SECOND BYTES" received.
iperf() {
	local j

	ip netns exec r iperf3 -s -1 </dev/null >/dev/null 2>&1 &
	wait_for listening r 5201
	j=$(ip netns exec g iperf3 -c $REMOTE -t "$secs" -J ${1:+"$1"} </dev/null)
	wait $! || true
	python3 -c 'import json,sys
e = json.loads(sys.argv[1])["end"]["sum_received"]
print(int(e["bits_per_second"]), int(e["bytes"]))' "$j"
}

# Connections per second: 8 clients, each a loop of connect, one byte each
# way, close.
CPS_PY='
import socket, sys, threading, time
mode, addr, port, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
if mode == "serve":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(512)
    def one(c):
        with c:
            if c.recv(1): c.sendall(b"y")
    while True:
        c, _ = s.accept(); threading.Thread(target=one, args=(c,), daemon=True).start()
n = [0] * 8
end = time.monotonic() + secs
def client(i):
    while time.monotonic() < end:
        with socket.create_connection((addr, port), timeout=10) as c:
            c.sendall(b"x")
            if c.recv(1) != b"y": raise SystemExit("bad reply")
        n[i] += 1
ts = [threading.Thread(target=client, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print(int(sum(n) / secs))
'
run_cps() {
	local server r

	ip netns exec r python3 -c "$CPS_PY" serve 0.0.0.0 7000 0 </dev/null &
	server=$!
	wait_for listening r 7000
	r=$(ip netns exec g python3 -c "$CPS_PY" connect $REMOTE 7000 "$secs" </dev/null)
	kill $server
	wait $server 2>/dev/null || true
	echo "$r"
}

tick=$(getconf CLK_TCK)
# microsocks is looked at in the download from its second second to two
# before its end (its thread for the connection goes with the connection).
window=$((secs > 4 ? secs - 3 : 1))
for round in $(seq "$rounds"); do
	for m in $modes; do
		setup "$m"
		t0=$(cpu_ticks "$proxy_pid")
		s0=$(cpu_ticks "$socks_pid")
		read -r u ub <<<"$(iperf "")"
		# The download, with a look at microsocks inside it.
		iperf -R >"$out" &
		dl=$!
		sleep 1
		x0=$(sample "$proxy_pid" "$socks_pid")
		sleep "$window"
		x1=$(sample "$proxy_pid" "$socks_pid")
		# On a machine slow enough for the window to outlast the
		# download, its figures take in the download's end: say so.
		late=
		kill -0 "$dl" 2>/dev/null ||
			late=" (the window outlasted the download)"
		read -r u0 b0 p0 g0 q0 <<<"$x0"
		read -r u1 b1 p1 g1 q1 <<<"$x1"
		wait "$dl"
		read -r d db <"$out"
		# In the same window: the VM's CPUs' busy share, and the CPU
		# per MB downloaded of the whole path and of the proxying
		# process; from these, how much faster the download could go
		# were the proxying free and nothing else changed.
		# Nothing sent to the guest in the window (a stalled
		# download) gives per-MB figures of 0, not a division by 0.
		read -r busy path pdl ceil <<<"$(awk -v b=$((b1 - b0)) \
			-v p=$((p1 - p0)) -v t=$((u1 - u0)) -v g=$((g1 - g0)) \
			-v hz="$tick" -v n="$(nproc)" 'BEGIN {
			mb = g / 1048576
			path = mb ? b * 1000 / hz / mb : 0
			pdl = mb ? p * 1000 / hz / mb : 0
			printf "%d %.1f %.1f %.2f", t ? b / t / n * 100 : 0,
				path, pdl, (path > pdl ? path / (path - pdl) : 0) }')"
		s1=$(cpu_ticks "$socks_pid")
		t1=$(cpu_ticks "$proxy_pid")
		c=$(run_cps)
		# CPU milliseconds per MB moved by the two transfers: the
		# proxying process's, and microsocks'.
		mspm=$(( (t1 - t0) * 1000 * 1048576 / tick / (ub + db) ))
		smspm=$(( (s1 - s0) * 1000 * 1048576 / tick / (ub + db) ))
		# microsocks' time on a CPU and waiting for one, in % of the
		# window: its threads' at the end less what they had at the
		# start (nothing for one born in the window).
		read -r on waiting <<<"$(awk -v a="$q0" -v b="$q1" \
			-v ns=$(((u1 - u0) * 1000000000 / tick)) 'BEGIN {
			n = split(a, x, " ")
			for (i = 1; i + 2 <= n; i += 3) { o[x[i]] = x[i + 1]; w[x[i]] = x[i + 2] }
			n = split(b, y, " ")
			for (i = 1; i + 2 <= n; i += 3) { so += y[i + 1] - o[y[i]]; sw += y[i + 2] - w[y[i]] }
			printf "%d %d", ns ? so * 100 / ns : 0, ns ? sw * 100 / ns : 0 }')"
		echo "# round $round $m: up $u bit/s, down $d bit/s, $c conn/s," \
			"CPU ms/MB $mspm proxy $smspm microsocks; downloading," \
			"microsocks on a CPU $on%, waiting for one $waiting%;" \
			"CPUs $busy% busy, CPU ms/MB $path path $pdl proxy$late"
		if [ "$d" -gt "${down[$m]:-0}" ]; then
			son[$m]=$on
			swait[$m]=$waiting
		fi
		scpu[$m]=$(lowest "$smspm" "${scpu[$m]:-0}")
		all_up[$m]+=" $u"
		all_down[$m]+=" $d"
		all_cps[$m]+=" $c"
		all_path[$m]+=" $path"
		all_pdl[$m]+=" $pdl"
		all_ceil[$m]+=" $ceil"
		all_busy[$m]+=" $busy"
		up[$m]=$(best "$u" "${up[$m]:-0}")
		down[$m]=$(best "$d" "${down[$m]:-0}")
		cps[$m]=$(best "$c" "${cps[$m]:-0}")
		cpu[$m]=$(lowest "$mspm" "${cpu[$m]:-0}")
	done
done
stop_all

echo
printf '%-12s %10s %10s %8s   %-17s   %s\n' "" "up" "down" "" "CPU ms per MB" \
	"microsocks downloading"
printf '%-12s %10s %10s %8s   %8s %8s   %8s %8s\n' "SOCKS path" "Mbit/s" "Mbit/s" "conn/s" \
	"proxy" "socks" "on CPU" "waiting"
for m in $modes; do
	printf '%-12s %10s %10s %8d   %8d %8d   %7d%% %7d%%\n' "$m" "$(mbit "${up[$m]}")" \
		"$(mbit "${down[$m]}")" "${cps[$m]}" "${cpu[$m]}" "${scpu[$m]}" \
		"${son[$m]}" "${swait[$m]}"
done
# median A B: the median of the rounds' ratios, A's figures over B's.
median() {
	python3 -c 'import statistics, sys
a, b = (list(map(int, v.split())) for v in sys.argv[1:])
print(f"{statistics.median(x / y for x, y in zip(a, b)):.2f}x")' "$1" "$2"
}
if [ "$modes" = "redsocks vtl" ]; then
	printf '%-12s %10s %10s %8s   best round against best round\n' "vtl/redsocks" \
		"$(ratio "${up[vtl]}" "${up[redsocks]}")" \
		"$(ratio "${down[vtl]}" "${down[redsocks]}")" \
		"$(ratio "${cps[vtl]}" "${cps[redsocks]}")"
	printf '%-12s %10s %10s %8s   median of the %d rounds\047 own ratios\n' "vtl/redsocks" \
		"$(median "${all_up[vtl]}" "${all_up[redsocks]}")" \
		"$(median "${all_down[vtl]}" "${all_down[redsocks]}")" \
		"$(median "${all_cps[vtl]}" "${all_cps[redsocks]}")" "$rounds"
fi
# med LIST: the median of a list of numbers
med() { python3 -c 'import statistics, sys
print(statistics.median(map(float, sys.argv[1].split())))' "$1"; }
echo
echo "downloading, medians of the rounds:"
printf '%-12s %10s %12s %12s   %s\n' "SOCKS path" "CPUs busy" "path ms/MB" \
	"proxy ms/MB" "free proxying"
for m in $modes; do
	printf '%-12s %9.0f%% %12.1f %12.1f   %.2fx\n' "$m" "$(med "${all_busy[$m]}")" \
		"$(med "${all_path[$m]}")" "$(med "${all_pdl[$m]}")" \
		"$(med "${all_ceil[$m]}")"
done
cat <<'TEXT'
CPU ms per MB over both transfers (the lowest round's): proxy is the proxying
process (the daemon for vtl, redsocks), socks is microsocks, which both go through.
microsocks downloading (the best download's round): its time on a CPU and waiting
for one (schedstat), in % of wall time, in the middle of the download.  Waiting
means the VM's CPUs are all busy: the figures are set by the CPU each byte costs on
the whole path, microsocks' included.
downloading: the VM's CPUs' busy share, and the CPU per MB of the whole path
(every process and softirq in the VM) and of the proxying process, in the same
window.  "free proxying" is path / (path - proxy): how much faster that download
could go were the proxying process to cost nothing and the rest stay as it is.
For redsocks it bounds what any proxy can reach against it here.
targets: vtl >= 1.00x redsocks throughput and conn/s, aiming at 1.5x throughput
TEXT
