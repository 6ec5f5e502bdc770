// SPDX-License-Identifier: GPL-2.0
/*
 * upstream_fixed: a plain TCP connection to one address (see
 * upstream_fixed.h), on upstream_sock.c.
 */
#include <errno.h>
#include <poll.h>

#include "upstream_fixed.h"
#include "upstream_sock.h"

static int fixed_check(const void *cfg)
{
	const struct upstream_fixed_config *c = cfg;

	return c->addr_len ? 0 : -EINVAL;
}

static enum vtl_upstream_state fixed_connect(struct vtl_upstream *up,
					     const struct vtl_upstream_dst *dst)
{
	const struct upstream_fixed_config *c = up->cfg;

	(void)dst;
	return upstream_sock_connect(up, (const struct sockaddr *)&c->addr,
				     c->addr_len);
}

static short fixed_events(const struct vtl_upstream *up)
{
	(void)up;
	return POLLOUT;		/* connecting */
}

const struct vtl_upstream_ops upstream_fixed_ops = {
	.name		= "fixed",
	.far		= "upstream",
	.size		= sizeof(struct vtl_upstream),
	.cfg_size	= sizeof(struct upstream_fixed_config),
	.timeout	= "connect timeout",
	.check		= fixed_check,
	.connect	= fixed_connect,
	.handshake	= upstream_sock_connected,
	.events		= fixed_events,
	.stream_fd	= upstream_sock_stream_fd,
	.send		= upstream_sock_send,
	.recv		= upstream_sock_recv,
	.shutdown	= upstream_sock_shutdown,
	.close		= upstream_sock_close,
};
