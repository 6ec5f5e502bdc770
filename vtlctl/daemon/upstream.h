/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upstream: the far end of a relayed connection, as the relay core
 * (proxy.c) sees it.  The VM's side of every connection is tcpep, over the
 * port's ring; the other side is one of these: a connection through a
 * SOCKS proxy (upstream_socks.c), a plain TCP connection to one address
 * (upstream_fixed.c), and next a split TCP connection or a UDT one.  Each
 * is a &struct vtl_upstream_ops and a file of its own; the relay core
 * knows none of them by name.
 *
 * The life of one: the relay core allocates @ops->size bytes (zeroed; a
 * &struct vtl_upstream first), sets @ops, @cfg and @fd = -1, and calls
 * connect() with the VM's destination.  While it is %VTL_UP_PENDING, the
 * caller polls @fd for events() and calls handshake() when it wakes (and
 * at the relay's deadline, which fails it).  Once %VTL_UP_READY, the relay
 * accepts the VM's connection and moves bytes with send() and recv(),
 * half-closes with shutdown(), and ends with close(), then frees it.  All
 * of it non-blocking, on one thread.
 *
 * Readiness is a descriptor to poll(): a kernel socket for those that are
 * one; an upstream whose I/O is not a kernel descriptor (UDT's sockets
 * live in its library, with its own epoll) gives one that becomes readable
 * when it has something to say (an eventfd or its epoll's), and asks for
 * the events of that descriptor in events() and in the relay's POLLIN and
 * POLLOUT wishes alike.
 */
#ifndef VTLCTL_UPSTREAM_H
#define VTLCTL_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct vtl_upstream_dst - where the VM's connection goes
 * @family: AF_INET or AF_INET6 of @addr; 0: by @name only
 * @addr: the destination address the VM dialled (network order)
 * @port: its port (host order)
 * @name: the hostname the destination stands for (an address DNS automap
 *	handed out), or NULL; an upstream that can, connects by it
 * @resolve: no connection, only @name's address (Tor's RESOLVE): the
 *	answer in the upstream's @addr once %VTL_UP_READY
 */
struct vtl_upstream_dst {
	int family;
	uint8_t addr[16];
	uint16_t port;
	const char *name;
	bool resolve;
};

/**
 * enum vtl_upstream_state - where connect() or handshake() left it
 * @VTL_UP_PENDING: connecting or negotiating: poll @fd for events()
 * @VTL_UP_READY: bytes may flow (or, with @resolve, the answer is in)
 * @VTL_UP_REFUSED: the far end said no (@why says how)
 * @VTL_UP_UNREACHABLE: the far end could not be reached (@error): the
 *	relay logs it, at most once in 10 s, as "cannot reach the @far"
 * @VTL_UP_ERROR: the request could not be made, or the far end closed or
 *	made no sense before it was ready (@why, @error)
 */
enum vtl_upstream_state {
	VTL_UP_PENDING,
	VTL_UP_READY,
	VTL_UP_REFUSED,
	VTL_UP_UNREACHABLE,
	VTL_UP_ERROR,
};

/**
 * struct vtl_upstream - what the relay core reads of one far end
 * @ops: its implementation
 * @cfg: its configuration (the relay's copy of @ops->cfg_size bytes)
 * @fd: the descriptor to poll, -1 before connect() or without one
 * @error: an errno for a failure, 0
 * @why: a failure in words, for the logs ("the proxy refused"), or NULL
 * @family: with @resolve, AF_INET or AF_INET6 of the answer, else 0
 * @addr: the answer (network order)
 *
 * An implementation puts this first in its own structure.
 */
struct vtl_upstream {
	const struct vtl_upstream_ops *ops;
	const void *cfg;
	int fd;
	int error;
	const char *why;
	int family;
	uint8_t addr[16];
};

/**
 * struct vtl_upstream_ops - one kind of far end
 * @name: for the logs and the code ("socks", "fixed")
 * @far: what it reaches, for "cannot reach the @far" ("SOCKS proxy")
 * @size: bytes of its per-connection structure, a &struct vtl_upstream first
 * @cfg_size: bytes of its configuration, copied by proxy_create()
 * @negotiates: the far end grants each connection (SOCKS): the relay
 *	counts what handshake() ends in (granted, refused, failed) and gives
 *	it the proxy's @up_timeout, after which it is reset as @timeout;
 *	false: a connection is ready as soon as it is connected
 * @timeout: a handshake that took too long, in words ("SOCKS timeout")
 * @check: whether @cfg is usable, 0 or -EINVAL (by proxy_create())
 * @connect: start connecting to @dst (or, with @dst->resolve, ask for it):
 *	%VTL_UP_PENDING, or a failure with @error set
 * @handshake: go on as far as it goes without blocking: the state now
 * @events: while %VTL_UP_PENDING, the poll() events it waits for on @fd
 * @stream_fd: a kernel stream socket whose receive queue holds the bytes
 *	toward the VM, for a relay whose output names them there
 *	(&struct proxy_config's @output_sock; the relay then peeks,
 *	counts and drops them on it itself), or -1; NULL: never, the relay
 *	copies them out with recv()
 * @send: up to @len bytes toward the far end: how many, or -errno
 *	(-EAGAIN: none now; the relay polls @fd for POLLOUT)
 * @recv: up to @len bytes from the far end into @buf: how many, 0 at the
 *	end of its stream, or -errno (-EAGAIN: none now)
 * @shutdown: nothing more goes toward the far end (a FIN, half-close)
 * @close: release the connection and what it holds (@abort: with a reset
 *	the far end sees, if it can tell); the relay frees the structure
 */
struct vtl_upstream_ops {
	const char *name;
	const char *far;
	size_t size;
	size_t cfg_size;
	bool negotiates;
	const char *timeout;
	int (*check)(const void *cfg);
	enum vtl_upstream_state (*connect)(struct vtl_upstream *up,
					   const struct vtl_upstream_dst *dst);
	enum vtl_upstream_state (*handshake)(struct vtl_upstream *up);
	short (*events)(const struct vtl_upstream *up);
	int (*stream_fd)(const struct vtl_upstream *up);
	ssize_t (*send)(struct vtl_upstream *up, const void *buf, size_t len);
	ssize_t (*recv)(struct vtl_upstream *up, void *buf, size_t len);
	int (*shutdown)(struct vtl_upstream *up);
	void (*close)(struct vtl_upstream *up, bool abort);
};

#endif /* VTLCTL_UPSTREAM_H */
