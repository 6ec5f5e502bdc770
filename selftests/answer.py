#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
#
# answer.py PORT [6]: a TCP server for the selftests (conn.sh, export.sh):
# one connection, each 10000 bytes it receives answered with 5000, until
# EOF; IPv6 with a second argument.
import socket, sys
fam = socket.AF_INET6 if len(sys.argv) > 2 else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
s.listen(1)
c, _ = s.accept()
got = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    got += len(d)
    while got >= 10000:
        got -= 10000
        c.sendall(b"r" * 5000)
c.close()
