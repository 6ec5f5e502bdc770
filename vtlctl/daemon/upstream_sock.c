// SPDX-License-Identifier: GPL-2.0
/*
 * upstream_sock: a kernel TCP socket as a far end, the pieces of the
 * upstreams that are one (see upstream_sock.h).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "upstream_sock.h"

enum vtl_upstream_state upstream_sock_connect(struct vtl_upstream *up,
					      const struct sockaddr *sa,
					      socklen_t len)
{
	up->fd = socket(sa->sa_family,
			SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (up->fd < 0 || (connect(up->fd, sa, len) && errno != EINPROGRESS)) {
		up->error = errno;
		if (up->fd >= 0)
			close(up->fd);
		up->fd = -1;
		return VTL_UP_UNREACHABLE;
	}
	return VTL_UP_PENDING;
}

enum vtl_upstream_state upstream_sock_connected(struct vtl_upstream *up)
{
	struct pollfd pfd = { .fd = up->fd, .events = POLLOUT };
	socklen_t len = sizeof(up->error);

	if (poll(&pfd, 1, 0) <= 0)
		return VTL_UP_PENDING;
	up->error = 0;
	getsockopt(up->fd, SOL_SOCKET, SO_ERROR, &up->error, &len);
	if (up->error) {
		/* Refused: the VM's connect() gets a RST. */
		up->why = strerror(up->error);
		return VTL_UP_UNREACHABLE;
	}
	return VTL_UP_READY;
}

int upstream_sock_stream_fd(const struct vtl_upstream *up)
{
	return up->fd;
}

ssize_t upstream_sock_send(struct vtl_upstream *up, const void *buf,
			   size_t len)
{
	ssize_t n = send(up->fd, buf, len, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

ssize_t upstream_sock_recv(struct vtl_upstream *up, void *buf, size_t len)
{
	ssize_t n = recv(up->fd, buf, len, 0);

	return n < 0 ? -errno : n;
}

int upstream_sock_shutdown(struct vtl_upstream *up)
{
	return shutdown(up->fd, SHUT_WR) ? -errno : 0;
}

void upstream_sock_close(struct vtl_upstream *up, bool abort)
{
	/* A RST upstream too: SO_LINGER 0. */
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (up->fd < 0)
		return;
	if (abort)
		setsockopt(up->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(up->fd);
	up->fd = -1;
}
