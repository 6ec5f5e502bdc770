#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The two ends of tcpep.sh's transfers: one program, a server (upstream,
# beside tap-proxy) or a client (in the VM), each connection reporting one
# JSON line: {"sent", "sent_sha", "recv", "recv_sha"} (sha256 of the bytes
# each way), so the script compares what one end sent with what the other
# received.
#
#   peer.py serve ADDR PORT [--count N] [OPTIONS]    N connections, then exit
#   peer.py connect ADDR PORT [--conns N] [OPTIONS]  N at once
#
# --send N       bytes to send (random)
# --order O      send-recv: send, shut down writing, read to EOF;
#                recv-send: read to EOF, then send and close
# --echo         send back what was received (recv-send)
# --pause FILE   wait for FILE to exist before reading (a stalled reader)
# --out FILE     where the JSON lines go (default stdout)
import argparse
import hashlib
import json
import os
import socket
import sys
import threading
import time

lock = threading.Lock()


def run(sock, args, out):
    # The kernel's random bytes: far faster than Python's under emulation.
    data = os.urandom(args.send)
    h = hashlib.sha256()
    got = bytearray() if args.echo else None
    nrecv = 0

    def recv_all():
        nonlocal nrecv
        if args.pause:
            while not os.path.exists(args.pause):
                time.sleep(0.05)
        while True:
            d = sock.recv(262144)
            if not d:
                break
            h.update(d)
            nrecv += len(d)
            if got is not None:
                got.extend(d)

    def send_all(buf):
        sock.sendall(buf)
        sock.shutdown(socket.SHUT_WR)

    if args.order == "send-recv":
        send_all(data)
        recv_all()
    else:
        recv_all()
        if got is not None:
            data = bytes(got)
        send_all(data)
    sock.close()
    line = json.dumps({"sent": len(data),
                       "sent_sha": hashlib.sha256(data).hexdigest(),
                       "recv": nrecv, "recv_sha": h.hexdigest()})
    with lock:
        out.write(line + "\n")
        out.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["serve", "connect"])
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--send", type=int, default=0)
    ap.add_argument("--order", default="send-recv",
                    choices=["send-recv", "recv-send"])
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--pause")
    ap.add_argument("--out")
    args = ap.parse_args()
    out = open(args.out, "w") if args.out else sys.stdout
    threads = []

    if args.role == "serve":
        s = socket.socket(socket.AF_INET6 if ":" in args.addr
                          else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((args.addr, args.port))
        s.listen(128)
        for i in range(args.count):
            c, _ = s.accept()
            t = threading.Thread(target=run, args=(c, args, out))
            t.start()
            threads.append(t)
    else:
        for i in range(args.conns):
            c = socket.create_connection((args.addr, args.port), timeout=120)
            t = threading.Thread(target=run, args=(c, args, out))
            t.start()
            threads.append(t)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
