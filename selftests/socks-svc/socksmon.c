// SPDX-License-Identifier: GPL-2.0
/*
 * socksmon: what a daemon hears of SOCKS configurations, for
 * selftests/socks-svc.sh, on vtlctl/common/socks_nl.c's monitor.  Joins the
 * "config" group of its namespace, prints "ready", then a line per
 * notification until killed:
 *
 *   new IFINDEX PROXY PORT version V user U password P dns D ipv6 I
 *   del IFINDEX
 *   overrun
 *
 * ("-" for a user or password not sent).  If the group cannot be joined
 * it prints the errno's name (EPERM, ENOENT, ...) and exits 1.  With an
 * argument, the socket's receive buffer is that small (SO_RCVBUFFORCE), so
 * that a test can overrun it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../vtlctl/common/socks_nl.h"

static void on_config(uint8_t cmd, const struct vtlctl_socks *s, void *arg)
{
	char addr[INET6_ADDRSTRLEN];

	(void)arg;
	if (cmd == VTL_CMD_SOCKS_DEL) {
		printf("del %u\n", s->ifindex);
		return;
	}
	inet_ntop(s->family, s->proxy_addr, addr, sizeof(addr));
	printf("new %u %s %u version %u user %s password %s dns %u ipv6 %u\n",
	       s->ifindex, addr, s->proxy_port, s->version,
	       s->user[0] ? s->user : "-",
	       s->password[0] ? s->password : "-", s->dns, s->ipv6);
}

int main(int argc, char *argv[])
{
	struct pollfd pfd = { .events = POLLIN };
	struct vtl_nl *nl;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	err = vtl_nl_monitor_open(&nl);
	if (err) {
		printf("%s\n", err == -EPERM ? "EPERM" :
			       err == -ENOENT ? "ENOENT" : strerror(-err));
		return 1;
	}
	pfd.fd = vtl_nl_monitor_fd(nl);
	if (argc > 1) {
		int size = atoi(argv[1]);

		if (setsockopt(pfd.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
			       sizeof(size))) {
			perror("SO_RCVBUFFORCE");
			return 1;
		}
	}
	printf("ready\n");
	for (;;) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		err = vtl_nl_monitor_read(nl, on_config, NULL);
		if (err == -ENOBUFS) {
			printf("overrun\n");
		} else if (err) {
			vtl_nl_perror(nl, NULL, err);
			break;
		}
	}
	vtl_nl_close(nl);
	return 1;
}
