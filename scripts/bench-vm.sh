#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM.  Seven ways from a VM's tap to an uplink,
# measured in the same boot, interleaved round by round so that noise hits
# them alike:
#
#   limit       pktgen straight into a bare veth pair
#   bridge      vmif and up0 in a Linux bridge
#   vtl         VTL standalone: vmif patched to up0
#   vtl-bridge  the bridge, with VTL attached to vmif in bridge mode
#   fw-10       VTL standalone with 10 firewall rules from the VM
#   fw-state    the same 10 and one rule that needs connection state
#   fw-10k      the same with 10,000 rules (BENCH_FW_RULES)
#
# Then bench-socks.sh: a guest's TCP through a SOCKS proxy, VTL's SOCKS
# service and daemon against redsocks (BENCH_SOCKS=0 skips it).
#
# Two sinks at the far end of up0, one after the other in each round:
#
#   ip  the remote namespace's IP stack: 10.9.0.2 is its address, and
#       each frame goes up to UDP, which finds no socket on port 9
#   l2  the same namespace with no address on its device: each frame
#       dies as soon as IP finds no route for it, so that what it cost
#       before the sink shows more
#
# Each round gives each path's packet rate a ratio to the bridge's in the
# same round and sink; the table prints the rounds' ratios, their median
# and their spread (min-max).  The medians are the result, not the best
# round.
#
# No firewall rule matches the traffic: every packet is looked up in the
# whole set and ends at the accept policy.  The rules are built to be the
# classifier's hard case rather than its easy one: each agrees with the
# traffic on every field but one (its protocol and either the destination
# address or the destination port), and neighbours disagree on different
# fields, so no field alone rules a packet out and the lookup must AND the
# bitmaps of all the rules (fwclass.h).  fw-state's extra rule (TCP to the
# VM's port 22, established) matches nothing either, but it makes the
# port track connections: fw-state against fw-10 is what tracking costs.
#
# pktgen sends 60-byte frames from the guest end of vmif; the figure is
# what arrives at the far end of up0, per second.  iperf3 measures TCP from
# a guest namespace to a remote one over the same paths (ip sink only).
# Emulated timings are not hardware numbers: read the ratios.
set -eu
ko=$1
vtlctl=$PWD/vtlctl/vtlctl
# shellcheck source=scripts/lib-bench.sh
. "$(dirname "$0")/lib-bench.sh"
pkts=${BENCH_PKTS:-150000}
secs=${BENCH_SECS:-5}
rounds=${BENCH_ROUNDS:-5}
fw_rules=${BENCH_FW_RULES:-10000}
modes="limit bridge vtl vtl-bridge fw-10 fw-state fw-10k"
sinks="ip l2"
# per mode and sink (pps[vtl.l2]): the rounds' figures, in order
declare -A pps tput

modprobe -a veth bridge pktgen 2>/dev/null || true
insmod "$ko"

# gen_fw_rules N: N "out" rules, none matching pktgen's UDP to 10.9.0.2:9 nor
# iperf3's TCP to 10.9.0.2:5201 (see the top).
gen_fw_rules() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			p = i % 4 < 2 ? "udp" : "tcp"
			if (i % 2 == 0)
				printf "dir out proto %s dst 172.16.%d.%d/32 dport %d action drop\n",
					p, int(i / 256) % 256, i % 256, p == "udp" ? 9 : 5201
			else
				printf "dir out proto %s dst 10.9.0.2 dport %d action drop\n",
					p, 10000 + i % 50000
		}
	}'
}
gen_fw_rules 10 >/tmp/fw-10
gen_fw_rules "$fw_rules" >/tmp/fw-10k
{ cat /tmp/fw-10; echo "dir in proto tcp dport 22 state established action accept"; } >/tmp/fw-state

# setup MODE: namespaces g (guest), h (host), r (remote).
setup() {
	for ns in g h r; do ip netns del $ns 2>/dev/null || true; done
	for ns in g h r; do ip netns add $ns; ip -n $ns link set lo up; done
	if [ "$1" = limit ]; then
		ip -n g link add eth0 type veth peer name eth0 netns r
	else
		ip -n h link add vmif type veth peer name eth0 netns g
		ip -n h link add up0 type veth peer name eth0 netns r
		ip -n h link set vmif up
		ip -n h link set up0 up
	fi
	ip -n g addr add 10.9.0.1/24 dev eth0
	ip -n r addr add 10.9.0.2/24 dev eth0
	ip -n g link set eth0 up
	ip -n r link set eth0 up
	case $1 in
	bridge|vtl-bridge)
		ip -n h link add br0 type bridge
		ip -n h link set vmif master br0
		ip -n h link set up0 master br0
		ip -n h link set br0 up
		;;
	esac
	case $1 in
	vtl) $vtlctl -n h port add dev vmif peer up0 ;;
	vtl-bridge) $vtlctl -n h port add dev vmif mode bridge ;;
	fw-*)
		$vtlctl -n h port add dev vmif peer up0
		$vtlctl -n h fw load dev vmif "/tmp/$1"
		;;
	esac
	ip netns exec g ping -q -c 1 -W 5 10.9.0.2 >/dev/null
}

rx_packets() {
	ip netns exec r cat /sys/class/net/eth0/statistics/rx_packets
}

# pktgen in the guest namespace: 60-byte UDP frames to the remote's MAC.
run_pktgen() {
	local mac t0 t1 r0 r1 pg=/proc/net/pktgen

	mac=$(ip netns exec r cat /sys/class/net/eth0/address)
	ip netns exec g sh -c "
		echo rem_device_all > $pg/kpktgend_0
		echo add_device eth0 > $pg/kpktgend_0
		for c in 'count $pkts' 'pkt_size 60' 'delay 0' 'burst 1' \
			'dst 10.9.0.2' 'dst_mac $mac' 'udp_dst_min 9' \
			'udp_dst_max 9'; do echo \"\$c\" > $pg/eth0; done"
	r0=$(rx_packets)
	t0=$(date +%s%N)
	ip netns exec g sh -c "echo start > $pg/pgctrl"
	t1=$(date +%s%N)
	r1=$(rx_packets)
	echo $(( (r1 - r0) * 1000000000 / (t1 - t0) ))
}

run_iperf() {
	ip netns exec r iperf3 -s -1 </dev/null >/dev/null 2>&1 &
	until ip netns exec r ss -ltn | grep -q ':5201 '; do sleep 0.05; done
	ip netns exec g iperf3 -c 10.9.0.2 -t "$secs" -J </dev/null |
		python3 -c 'import json,sys
print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'
	wait
}

t_start=$(date +%s)
for round in $(seq "$rounds"); do
	for m in $modes; do
		setup "$m"
		p=$(run_pktgen)
		t=$(run_iperf)
		# The l2 sink: the remote's device loses its address.
		ip -n r addr flush dev eth0
		l=$(run_pktgen)
		echo "# round $round/$rounds $m: ip $p pps, l2 $l pps, TCP $t bit/s" \
			"($(( $(date +%s) - t_start )) s)"
		pps[$m.ip]+="$p "
		pps[$m.l2]+="$l "
		tput[$m]+="$t "
	done
	el=$(( $(date +%s) - t_start ))
	echo "# round $round/$rounds done in $el s; about $(( el * (rounds - round) / round )) s to go"
done
for ns in g h r; do ip netns del $ns; done

# med R, spread R: the median and the spread of what ratios() printed
med() { local x=${1#*| }; echo "${x% *}"; }
spread() { echo "${1##* }"; }

# table SINK LABEL BASE MODES: each mode's rounds against BASE's
table() {
	local m r
	printf '%-11s %9s  %-32s %6s %11s\n' "$2" "pps" "vs $3, round by round" median spread
	for m in $4; do
		r=$(ratios "${pps[$m.$1]}" "${pps[$3.$1]}")
		printf '%-11s %9d  %-32s %6s %11s\n' "$m" "$(median "${pps[$m.$1]}")" \
			"${r% |*}" "$(med "$r")" "$(spread "$r")"
	done
}

for sink in $sinks; do
	echo
	echo "== sink $sink: 60-byte frames per second (median of $rounds rounds)"
	table "$sink" path bridge "$modes"
	echo
	table "$sink" firewall vtl "fw-10 fw-state fw-10k"
	echo
	table "$sink" tracking fw-10 "fw-state"
	table "$sink" rules fw-10 "fw-10k"
done
echo
echo "== TCP (ip sink), Mbit/s (median of $rounds rounds)"
printf '%-11s %9s  %-32s %6s %11s\n' path Mbit/s "vs bridge, round by round" median spread
for m in $modes; do
	r=$(ratios "${tput[$m]}" "${tput[bridge]}")
	printf '%-11s %9s  %-32s %6s %11s\n' "$m" "$(mbit "$(median "${tput[$m]}")")" \
		"${r% |*}" "$(med "$r")" "$(spread "$r")"
done
echo
echo "targets (medians): vtl >= 1.00x bridge, vtl-bridge >= 0.95x, both sinks;"
echo "         fw-state >= 0.90x fw-10 (tracking costs at most 10%);"
echo "         fw-10k near fw-10 (lookup cost does not grow with the rules)"
echo "bench: $(( $(date +%s) - t_start )) s"

# The SOCKS peer comparison: VTL and its daemon against redsocks.
[ "${BENCH_SOCKS:-1}" = 0 ] || scripts/bench-socks.sh
rmmod vtl
