#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM.  A guest (a namespace standing in for an
# unmodified VM) reaches a remote host through VTL, attached in standalone
# mode between the guest's tap and the host's uplink:
#
#   guest 10.9.0.1 --veth-- [vmif  VTL  up0] --veth-- remote 10.9.0.2
#
# Then the same guest confined to a SOCKS proxy of the host (microsocks,
# as Tor's SocksPort would be): VTL's SOCKS service and `vtlctl daemon`
# carry its TCP through the proxy; nothing else of it gets out.
set -eu
ko=$1
vtlctl=vtlctl/vtlctl

say() { printf '\n== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

modprobe -a veth 2>/dev/null || true
insmod "$ko"
for ns in guest host remote; do ip netns add $ns; ip -n $ns link set lo up; done
ip -n host link add vmif type veth peer name eth0 netns guest
ip -n host link add up0 type veth peer name eth0 netns remote
ip -n guest addr add 10.9.0.1/24 dev eth0
ip -n remote addr add 10.9.0.2/24 dev eth0
for ns in guest remote; do ip -n $ns link set eth0 up; done
ip -n host link set vmif up
ip -n host link set up0 up

say "Without VTL the guest's tap leads nowhere"
ip netns exec guest ping -c 1 -W 1 10.9.0.2 || true

say "Attach VTL: the guest's tap, patched to the uplink"
run $vtlctl -n host port add dev vmif peer up0
run $vtlctl -n host -s port show

say "The guest reaches the remote host through VTL, unmodified"
run ip netns exec guest ping -c 3 -i 0.2 10.9.0.2
ip netns exec remote iperf3 -s -1 </dev/null >/dev/null 2>&1 &
until ip netns exec remote ss -ltn | grep -q ':5201 '; do sleep 0.1; done
run ip netns exec guest iperf3 -c 10.9.0.2 -t 2 </dev/null
wait

say "Counters after"
run $vtlctl -n host -s port show
run $vtlctl -n host -j -p -s port show

say "Detach"
run $vtlctl -n host port del dev vmif
ip netns exec guest ping -c 1 -W 1 10.9.0.2 || echo "(cut off again)"

say "Confine the guest to a SOCKS proxy on the host (microsocks here)"
ip -n host addr add 10.9.0.3/24 dev up0
ip netns exec host microsocks -i 127.0.0.1 -p 1080 </dev/null >/dev/null 2>&1 &
socks_pid=$!
run $vtlctl -n host port add dev vmif
run $vtlctl -n host socks add dev vmif proxy 127.0.0.1:1080
$vtlctl -n host daemon </dev/null 2>/tmp/vtl-daemon.log &
daemon_pid=$!
echo "\$ vtlctl -n host daemon &"
until $vtlctl -n host -j -s port show dev vmif | grep -q '"attached":true'; do
	sleep 0.1
done

say "The guest connects to the remote host as before; the remote sees the proxy"
ip netns exec remote python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080))
s.listen()
c, a = s.accept()
print("remote: a connection from", a[0])
c.sendall(b"hello, whoever you are\n")
c.close()' </dev/null &
server_pid=$!
until ip netns exec remote ss -ltn | grep -q ':8080 '; do sleep 0.1; done
run ip netns exec guest python3 -c '
import socket
print("guest:", socket.create_connection(("10.9.0.2", 8080)).recv(100).decode(), end="")'
wait $server_pid
say "Nothing but its TCP gets out: ping is dropped and counted"
ip netns exec guest ping -c 1 -W 1 10.9.0.2 || echo "(no answer)"
run $vtlctl -n host -s socks show

say "Stop the daemon (SIGTERM): it resets the guest's connections and says what it did"
kill -TERM $daemon_pid
wait $daemon_pid
cat /tmp/vtl-daemon.log
kill $socks_pid
run $vtlctl -n host port del dev vmif
rmmod vtl
