// SPDX-License-Identifier: GPL-2.0
/*
 * socks_client: the SOCKS client state machine (socks_client.h).  Requests
 * go one step at a time, never pipelined: some proxies (dante) read the
 * greeting alone and drop what followed it in the same segment.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "socks_client.h"

enum {
	ST_V5_METHOD,	/* greeting sent, waiting for the chosen method */
	ST_V5_AUTH,	/* RFC 1929 request sent, waiting for its status */
	ST_V5_REPLY,	/* request sent, waiting for the reply */
	ST_V4_REPLY,	/* SOCKS4a request sent, waiting for the reply */
	ST_DONE,
};

#define V5_AUTH_NONE	0x00
#define V5_AUTH_USER	0x02
#define V5_AUTH_REFUSED	0xff
#define V5_ATYP_IP4	0x01
#define V5_ATYP_NAME	0x03
#define V5_ATYP_IP6	0x04
#define V4_GRANTED	0x5a

static void put(struct socks_client *s, const void *p, size_t n)
{
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
}

static void put8(struct socks_client *s, uint8_t v)
{
	put(s, &v, 1);
}

static void put16(struct socks_client *s, uint16_t v)
{
	put8(s, v >> 8);
	put8(s, v & 0xff);
}

/* The SOCKS5 request: VER CMD RSV ATYP DST.ADDR DST.PORT. */
static void queue_v5_request(struct socks_client *s)
{
	const struct socks_req *r = &s->req;

	put8(s, 5);
	put8(s, r->cmd == SOCKS_RESOLVE ? SOCKS_CMD_RESOLVE : 1);
	put8(s, 0);
	if (r->family == AF_INET) {
		put8(s, V5_ATYP_IP4);
		put(s, r->addr, 4);
	} else if (r->family == AF_INET6) {
		put8(s, V5_ATYP_IP6);
		put(s, r->addr, 16);
	} else {
		put8(s, V5_ATYP_NAME);
		put8(s, strlen(s->host));
		put(s, s->host, strlen(s->host));
	}
	put16(s, r->port);
	s->state = ST_V5_REPLY;
}

/*
 * SOCKS4a: VN CD DSTPORT DSTIP USERID NUL [HOST NUL]; a DSTIP of 0.0.0.x
 * (x != 0) says a hostname follows.
 */
static void queue_v4_request(struct socks_client *s)
{
	static const uint8_t name_ip[4] = { 0, 0, 0, 1 };
	const struct socks_req *r = &s->req;

	put8(s, 4);
	put8(s, r->cmd == SOCKS_RESOLVE ? SOCKS_CMD_RESOLVE : 1);
	put16(s, r->port);
	put(s, r->family == AF_INET ? r->addr : name_ip, 4);
	put(s, s->user, strlen(s->user) + 1);
	if (r->family != AF_INET)
		put(s, s->host, strlen(s->host) + 1);
	s->state = ST_V4_REPLY;
}

static int copy_str(char *dst, const char *src, size_t max, bool need)
{
	size_t n = src ? strlen(src) : 0;

	if (n > max || (need && !n))
		return -EINVAL;
	memcpy(dst, src ? src : "", n + 1);
	return 0;
}

/**
 * socks_client_init() - start a request: queue its first bytes
 * @s: the state to set up
 * @req: what to ask (copied: its strings need not outlive the call)
 *
 * Return: 0, -EINVAL for a malformed request (no hostname for RESOLVE, a
 * string too long, a bad family), -EAFNOSUPPORT for IPv6 over SOCKS4a.
 */
int socks_client_init(struct socks_client *s, const struct socks_req *req)
{
	memset(s, 0, sizeof(*s));
	s->req = *req;
	if (req->family != 0 && req->family != AF_INET &&
	    req->family != AF_INET6)
		return -EINVAL;
	if (req->family == AF_INET6 && req->version == SOCKS_V4A)
		return -EAFNOSUPPORT;
	if (req->cmd == SOCKS_RESOLVE && req->family)
		return -EINVAL;
	if (copy_str(s->host, req->host, SOCKS_HOST_MAX, !req->family) ||
	    copy_str(s->user, req->user, SOCKS_CRED_MAX, false) ||
	    copy_str(s->password, req->password, SOCKS_CRED_MAX, false))
		return -EINVAL;
	s->req.host = s->host;
	s->req.user = s->user;
	s->req.password = s->password;
	if (req->version == SOCKS_V4A) {
		queue_v4_request(s);
		return 0;
	}
	if (req->version != SOCKS_V5)
		return -EINVAL;
	/* Offer username/password only with credentials to give. */
	put8(s, 5);
	if (req->user) {
		put8(s, 2);
		put8(s, V5_AUTH_NONE);
		put8(s, V5_AUTH_USER);
	} else {
		put8(s, 1);
		put8(s, V5_AUTH_NONE);
	}
	s->state = ST_V5_METHOD;
	return 0;
}

/* What to write to the proxy now: its length, and @buf set to it. */
size_t socks_client_output(const struct socks_client *s, const uint8_t **buf)
{
	*buf = s->out + s->out_off;
	return s->out_len - s->out_off;
}

/* @n bytes of socks_client_output() were written. */
void socks_client_sent(struct socks_client *s, size_t n)
{
	s->out_off += n;
	if (s->out_off >= s->out_len)
		s->out_off = s->out_len = 0;
}

/**
 * socks_reply_errno() - an errno for a proxy's reply code
 * @version: the protocol that carried it
 * @reply: SOCKS5's REP, or SOCKS4's CD
 *
 * Return: 0 for success, else a positive errno.
 */
int socks_reply_errno(enum socks_version version, uint8_t reply)
{
	if (version == SOCKS_V4A) {
		switch (reply) {
		case V4_GRANTED:
			return 0;
		case 0x5c:	/* identd unreachable */
		case 0x5d:	/* identd disagrees */
			return EACCES;
		default:	/* 0x5b: rejected or failed */
			return ECONNREFUSED;
		}
	}
	switch (reply) {
	case 0x00:
		return 0;
	case 0x02:	/* not allowed by the ruleset */
		return EACCES;
	case 0x03:
		return ENETUNREACH;
	case 0x04:
		return EHOSTUNREACH;
	case 0x06:	/* TTL expired: Tor's timeout */
		return ETIMEDOUT;
	case 0x07:
		return EOPNOTSUPP;
	case 0x08:
		return EAFNOSUPPORT;
	case 0x01:	/* general failure: Tor's "could not connect" too */
	case 0x05:
		return ECONNREFUSED;
	default:	/* Tor's 0xf0-0xf7: onion service failures */
		return EHOSTUNREACH;
	}
}

static enum socks_result finish(struct socks_client *s, enum socks_result r,
				int error)
{
	s->state = ST_DONE;
	s->result = r;
	s->error = error;
	return r;
}

/*
 * How many bytes of reply the current state needs in all, given what is
 * in @s->in so far.
 */
static size_t need(const struct socks_client *s)
{
	switch (s->state) {
	case ST_V5_METHOD:
	case ST_V5_AUTH:
		return 2;
	case ST_V4_REPLY:
		return 8;
	case ST_V5_REPLY:
		if (s->in_len < 4)
			return 4;
		switch (s->in[3]) {
		case V5_ATYP_IP4:
			return 4 + 4 + 2;
		case V5_ATYP_IP6:
			return 4 + 16 + 2;
		case V5_ATYP_NAME:
			return s->in_len < 5 ? 5 : 5 + s->in[4] + 2;
		}
		return 4;	/* a bad ATYP: step() rejects it */
	}
	return 0;
}

/* A whole reply of the current state is in @s->in: act on it. */
static enum socks_result step(struct socks_client *s)
{
	const uint8_t *in = s->in;
	int err;

	switch (s->state) {
	case ST_V5_METHOD:
		if (in[0] != 5)
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		if (in[1] == V5_AUTH_NONE) {
			queue_v5_request(s);
		} else if (in[1] == V5_AUTH_USER && s->req.user[0]) {
			/* RFC 1929: VER=1 ULEN UNAME PLEN PASSWD */
			put8(s, 1);
			put8(s, strlen(s->user));
			put(s, s->user, strlen(s->user));
			put8(s, strlen(s->password));
			put(s, s->password, strlen(s->password));
			s->state = ST_V5_AUTH;
		} else if (in[1] == V5_AUTH_REFUSED) {
			s->reply = in[1];
			return finish(s, SOCKS_REFUSED, EACCES);
		} else {
			/* a method we did not offer */
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		}
		break;
	case ST_V5_AUTH:
		if (in[0] != 1)
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		if (in[1]) {
			s->reply = in[1];
			return finish(s, SOCKS_REFUSED, EPERM);
		}
		queue_v5_request(s);
		break;
	case ST_V5_REPLY:
		if (in[0] != 5 || (in[3] != V5_ATYP_IP4 &&
				   in[3] != V5_ATYP_IP6 &&
				   in[3] != V5_ATYP_NAME))
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		s->reply = in[1];
		err = socks_reply_errno(SOCKS_V5, in[1]);
		if (err)
			return finish(s, SOCKS_REFUSED, err);
		if (in[3] == V5_ATYP_IP4) {
			s->bound_family = AF_INET;
			memcpy(s->bound, in + 4, 4);
			s->bound_port = in[8] << 8 | in[9];
		} else if (in[3] == V5_ATYP_IP6) {
			s->bound_family = AF_INET6;
			memcpy(s->bound, in + 4, 16);
			s->bound_port = in[20] << 8 | in[21];
		}
		/* A RESOLVE must answer with an address. */
		if (s->req.cmd == SOCKS_RESOLVE && !s->bound_family)
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		return finish(s, SOCKS_GRANTED, 0);
	case ST_V4_REPLY:
		/* VN is 0 (Tor and some others send 4: accept it too) */
		if (in[0] != 0 && in[0] != 4)
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		s->reply = in[1];
		if (in[1] < 0x5a || in[1] > 0x5d)
			return finish(s, SOCKS_PROTO_ERROR, EPROTO);
		err = socks_reply_errno(SOCKS_V4A, in[1]);
		if (err)
			return finish(s, SOCKS_REFUSED, err);
		s->bound_family = AF_INET;
		memcpy(s->bound, in + 4, 4);
		s->bound_port = in[2] << 8 | in[3];
		return finish(s, SOCKS_GRANTED, 0);
	}
	s->in_len = 0;
	return SOCKS_PENDING;
}

/**
 * socks_client_input() - bytes read from the proxy
 * @s: the request
 * @buf, @len: the bytes
 * @used: set to how many of them were the proxy's replies; the rest (once
 *	granted) is the stream's
 *
 * Bytes before the previous step's output was written are a protocol
 * error only if they do not parse: the proxy cannot have answered what it
 * has not read.
 *
 * Return: the result so far; after the first non-pending one, the same
 * one, using nothing.
 */
enum socks_result socks_client_input(struct socks_client *s,
				     const uint8_t *buf, size_t len,
				     size_t *used)
{
	size_t off = 0;

	while (s->state != ST_DONE && off < len) {
		size_t want = need(s), n;

		n = want - s->in_len;
		if (n > len - off)
			n = len - off;
		memcpy(s->in + s->in_len, buf + off, n);
		s->in_len += n;
		off += n;
		/* ST_V5_REPLY learns its length in steps. */
		if (s->in_len == want && need(s) == want)
			step(s);
	}
	*used = off;
	return s->result;
}

enum socks_result socks_client_result(const struct socks_client *s)
{
	return s->result;
}

const char *socks_result_name(enum socks_result r)
{
	switch (r) {
	case SOCKS_PENDING:
		return "pending";
	case SOCKS_GRANTED:
		return "granted";
	case SOCKS_REFUSED:
		return "refused";
	case SOCKS_PROTO_ERROR:
		return "protocol error";
	}
	return "?";
}
