// SPDX-License-Identifier: GPL-2.0
/*
 * upstream_socks: a connection through a SOCKS proxy (see
 * upstream_socks.h), on upstream_sock.c and socks_client.c.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "upstream_sock.h"
#include "upstream_socks.h"

struct upstream_socks {
	struct vtl_upstream up;
	bool connecting;	/* to the proxy, connect() in progress */
	struct socks_client sc;	/* the handshake */
};

int upstream_socks_config(struct upstream_socks_config *c,
			  const struct sockaddr *proxy, socklen_t len,
			  enum socks_version version, const char *user,
			  const char *password)
{
	memset(c, 0, sizeof(*c));
	if (len > sizeof(c->proxy) ||
	    (user && strlen(user) > SOCKS_CRED_MAX) ||
	    (password && strlen(password) > SOCKS_CRED_MAX))
		return -EINVAL;
	memcpy(&c->proxy, proxy, len);
	c->proxy_len = len;
	c->version = version;
	if (user && user[0]) {
		strcpy(c->user, user);
		if (password)
			strcpy(c->password, password);
	}
	return 0;
}

static int socks_check(const void *cfg)
{
	const struct upstream_socks_config *c = cfg;

	return c->proxy_len ? 0 : -EINVAL;
}

static enum vtl_upstream_state socks_connect(struct vtl_upstream *up,
					     const struct vtl_upstream_dst *dst)
{
	const struct upstream_socks_config *c = up->cfg;
	struct upstream_socks *u = (struct upstream_socks *)up;
	struct socks_req req = {
		.version = c->version,
		.cmd = dst->resolve ? SOCKS_RESOLVE : SOCKS_CONNECT,
		.port = dst->port,
	};
	enum vtl_upstream_state st;
	int err;

	if (c->user[0]) {
		req.user = c->user;
		req.password = c->password[0] ? c->password : NULL;
	}
	if (dst->name) {
		req.host = dst->name;
	} else {
		req.family = dst->family;
		memcpy(req.addr, dst->addr, dst->family == AF_INET ? 4 : 16);
	}
	err = socks_client_init(&u->sc, &req);
	if (err) {
		up->error = -err;
		return VTL_UP_ERROR;
	}
	st = upstream_sock_connect(up, (const struct sockaddr *)&c->proxy,
				   c->proxy_len);
	u->connecting = st == VTL_UP_PENDING;
	return st;
}

static enum vtl_upstream_state socks_handshake(struct vtl_upstream *up)
{
	struct upstream_socks *u = (struct upstream_socks *)up;
	struct socks_client *s = &u->sc;
	enum vtl_upstream_state st;
	enum socks_result res;
	const uint8_t *out;
	uint8_t buf[512];	/* more than a reply takes */
	size_t n, used;
	ssize_t got;

	if (u->connecting) {
		st = upstream_sock_connected(up);
		if (st != VTL_UP_READY)
			return st;
		u->connecting = false;
	}
	for (;;) {
		while ((n = socks_client_output(s, &out))) {
			got = send(up->fd, out, n, MSG_NOSIGNAL);
			if (got < 0) {
				if (errno == EAGAIN)
					return VTL_UP_PENDING;
				goto closed;
			}
			socks_client_sent(s, got);
		}
		got = recv(up->fd, buf, sizeof(buf), MSG_PEEK);
		if (got < 0 && errno == EAGAIN)
			return VTL_UP_PENDING;
		if (got <= 0)
			goto closed;
		res = socks_client_input(s, buf, got, &used);
		if (used &&
		    recv(up->fd, NULL, used, MSG_TRUNC) != (ssize_t)used)
			goto closed;
		if (res != SOCKS_PENDING)
			break;
		/* the next step's bytes */
	}
	if (res == SOCKS_REFUSED) {
		up->error = s->error;
		up->why = "the proxy refused";
		return VTL_UP_REFUSED;
	}
	if (res != SOCKS_GRANTED) {
		up->error = EPROTO;
		up->why = "SOCKS protocol error";
		return VTL_UP_ERROR;
	}
	if (s->req.cmd == SOCKS_RESOLVE) {
		up->family = s->bound_family;
		memcpy(up->addr, s->bound, sizeof(up->addr));
	}
	return VTL_UP_READY;
closed:
	up->error = errno ? errno : ECONNRESET;
	up->why = "the proxy closed";
	return VTL_UP_ERROR;
}

static short socks_events(const struct vtl_upstream *up)
{
	const struct upstream_socks *u = (const struct upstream_socks *)up;
	const uint8_t *out;

	if (u->connecting)
		return POLLOUT;
	return POLLIN | (socks_client_output(&u->sc, &out) ? POLLOUT : 0);
}

const struct vtl_upstream_ops upstream_socks_ops = {
	.name		= "socks",
	.far		= "SOCKS proxy",
	.size		= sizeof(struct upstream_socks),
	.cfg_size	= sizeof(struct upstream_socks_config),
	.negotiates	= true,
	.timeout	= "SOCKS timeout",
	.check		= socks_check,
	.connect	= socks_connect,
	.handshake	= socks_handshake,
	.events		= socks_events,
	.stream_fd	= upstream_sock_stream_fd,
	.send		= upstream_sock_send,
	.recv		= upstream_sock_recv,
	.shutdown	= upstream_sock_shutdown,
	.close		= upstream_sock_close,
};
