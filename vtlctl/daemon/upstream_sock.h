/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upstream_sock: what every upstream over a kernel TCP socket shares (see
 * upstream.h): a non-blocking connect, its completion, and the socket's
 * send, recv, shutdown and close.  @up->fd is the socket.
 */
#ifndef VTLCTL_UPSTREAM_SOCK_H
#define VTLCTL_UPSTREAM_SOCK_H

#include <sys/socket.h>

#include "upstream.h"

/* %VTL_UP_PENDING, or %VTL_UP_UNREACHABLE with @up->error (no socket). */
enum vtl_upstream_state upstream_sock_connect(struct vtl_upstream *up,
					      const struct sockaddr *sa,
					      socklen_t len);
/*
 * Whether the connect() went through: %VTL_UP_PENDING, %VTL_UP_READY, or
 * %VTL_UP_UNREACHABLE with @up->error and @up->why (the socket's error).
 */
enum vtl_upstream_state upstream_sock_connected(struct vtl_upstream *up);

int upstream_sock_stream_fd(const struct vtl_upstream *up);
ssize_t upstream_sock_send(struct vtl_upstream *up, const void *buf,
			   size_t len);
ssize_t upstream_sock_recv(struct vtl_upstream *up, void *buf, size_t len);
int upstream_sock_shutdown(struct vtl_upstream *up);
void upstream_sock_close(struct vtl_upstream *up, bool abort);

#endif /* VTLCTL_UPSTREAM_SOCK_H */
