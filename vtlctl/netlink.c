// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel transport, over libnl-genl-3: resolve the "vtl" family, send
 * a request, collect its replies, and bring back the kernel's verdict.
 *
 * libnl (3.7 at least) neither turns on extended ACKs nor reads them, so
 * this file does both: NETLINK_EXT_ACK is set on the socket, and the
 * NLMSGERR_ATTR_MSG of an error, of an ACK (a warning) or of the NLMSG_DONE
 * ending a dump is parsed here.  A dump that raced with a change
 * (NLM_F_DUMP_INTR) is redone from scratch, a bounded number of times, so
 * what is printed is one consistent picture.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "netlink.h"
#include "parse.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct vtl_nl {
	struct nl_sock *sk;
	int family;
	/* why the last request failed: the kernel's extack, or our words */
	char msg[256];
	/* where in the request the extack points (NLMSGERR_ATTR_OFFS), or 0 */
	uint32_t bad_offs;
};

/* One request and its replies. */
struct transaction {
	struct vtl_nl *nl;
	int (*parse)(struct nl_msg *msg, void *arg);	/* per reply */
	void *arg;
	int err;	/* first failure, negative errno */
	bool done;	/* the ACK, error or NLMSG_DONE has come */
	bool intr;	/* a dump raced with a change */
};

static void set_msg(struct vtl_nl *nl, const char *msg)
{
	snprintf(nl->msg, sizeof(nl->msg), "%s", msg);
}

/*
 * The extended ACK attributes follow @hlen bytes of payload of @nlh (an
 * NLMSG_ERROR or NLMSG_DONE); return their NLMSGERR_ATTR_MSG, or NULL, and
 * set @offs to their NLMSGERR_ATTR_OFFS (0 without one) if @offs.
 */
static const char *extack_msg(const struct nlmsghdr *nlh, size_t hlen,
			      uint32_t *offs)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);

	if (offs)
		*offs = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= off)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, policy) < 0)
		return NULL;
	if (offs && tb[NLMSGERR_ATTR_OFFS])
		*offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	return tb[NLMSGERR_ATTR_MSG] ? nla_get_string(tb[NLMSGERR_ATTR_MSG]) :
				       NULL;
}

/* Where the extack of an NLMSG_ERROR starts: after the echoed request. */
static size_t nlmsgerr_hlen(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t hlen = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > NLMSG_HDRLEN)
		hlen += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return hlen;
}

static void fail(struct transaction *t, int err, const char *msg)
{
	if (t->err)
		return;
	t->err = err;
	if (msg)
		set_msg(t->nl, msg);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;
	int err;

	if (t->err || !t->parse)
		return NL_OK;
	err = t->parse(msg, t->arg);
	if (err == -EBADMSG)
		fail(t, err, "the kernel's reply is malformed");
	else if (err)
		fail(t, err, NULL);
	return NL_OK;
}

/* NLMSG_ERROR with an error: libnl hands us the payload only. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (void *)((char *)e - NLMSG_HDRLEN);
	struct transaction *t = arg;
	const char *msg = extack_msg(nlh, nlmsgerr_hlen(nlh),
				     &t->nl->bad_offs);

	(void)nla;
	fail(t, e->error < 0 ? e->error : -EPROTO, msg);
	t->done = true;
	return NL_STOP;
}

/* NLMSG_ERROR with error 0: the request is done; a message is a warning. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transaction *t = arg;
	const char *warning = NULL;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		warning = extack_msg(nlh, nlmsgerr_hlen(nlh), NULL);
	if (warning)
		vtl_warn("%s%s", warning,
			 warning[strlen(warning) - 1] == '.' ? "" : ".");
	t->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; a dump that failed midway says so in it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transaction *t = arg;
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0)
			fail(t, err, extack_msg(nlh, sizeof(err), NULL));
	}
	t->done = true;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->intr = true;
	return NL_OK;
}

/*
 * Send @msg and read until the kernel has answered it in full.  The
 * callbacks start from the socket's, so that libnl's NLCB=debug shows the
 * messages.  Return 0 or a negative errno; @intr tells of NLM_F_DUMP_INTR.
 */
static int transact(struct vtl_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct nl_msg *, void *), void *arg,
		    bool *intr)
{
	struct transaction t = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *base, *cb;
	int ret;

	nl->msg[0] = '\0';
	nl->bad_offs = 0;
	base = nl_socket_get_cb(nl->sk);
	cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		fail(&t, -EIO, nl_geterror(ret));
		t.done = true;
	}
	/* read to the end even after a bad reply: the socket stays usable */
	while (!t.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !t.done) {
			fail(&t, -EIO, nl_geterror(ret));
			break;
		}
	}
	nl_cb_put(cb);
	if (intr)
		*intr = t.intr;
	return t.err;
}

/* A request of @size bytes of attributes at most (0: a page). */
static struct nl_msg *vtl_msg_size(const struct vtl_nl *nl, uint8_t cmd,
				   int flags, size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN) +
						     size) :
				    nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, VTL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *vtl_msg(const struct vtl_nl *nl, uint8_t cmd, int flags)
{
	return vtl_msg_size(nl, cmd, flags, 0);
}

/* A request with a u32 ifindex attribute @attr, if @ifindex is not 0. */
static struct nl_msg *ifindex_msg(struct vtl_nl *nl, uint8_t cmd, int flags,
				  int attr, uint32_t ifindex)
{
	struct nl_msg *msg = vtl_msg(nl, cmd, flags);

	if (msg && ifindex && nla_put_u32(msg, attr, ifindex) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * A list of the model (struct vtl_port_list, ...) that a dump fills, an
 * element per reply, each parsed by @parse.
 */
struct dump_list {
	void **items;
	size_t *len;
	size_t *cap;
	size_t size;
	int (*parse)(struct nl_msg *msg, void *item);
};

#define DUMP_LIST(list, field, fn) {					\
	(void **)&(list)->field, &(list)->len, &(list)->cap,		\
	sizeof(*(list)->field), fn					\
}

static int parse_list(struct nl_msg *msg, void *arg)
{
	struct dump_list *l = arg;

	if (vtl_grow(l->items, l->cap, *l->len, l->size))
		return -ENOMEM;
	if (l->parse(msg, (char *)*l->items + *l->len * l->size))
		return -EBADMSG;
	(*l->len)++;
	return 0;
}

/*
 * Dump @cmd (of the port @ifindex, in attribute @attr, if not 0) into
 * @list, redone from an emptied list while the kernel flags it
 * NLM_F_DUMP_INTR; @what says what kept changing, if it always does.
 */
static int dump(struct vtl_nl *nl, uint8_t cmd, int attr, uint32_t ifindex,
		struct dump_list *list, const char *what)
{
	struct nl_msg *msg;
	bool intr;
	int tries, err;

	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		vtl_array_free(list->items, list->len, list->cap);
		msg = ifindex_msg(nl, cmd, NLM_F_DUMP, attr, ifindex);
		if (!msg)
			return -ENOMEM;
		err = transact(nl, msg, parse_list, list, &intr);
		nlmsg_free(msg);
		if (err || !intr)
			return err;
	}
	vtl_array_free(list->items, list->len, list->cap);
	snprintf(nl->msg, sizeof(nl->msg),
		 "the %s kept changing while they were listed, try again",
		 what);
	return -EAGAIN;
}

/* An attribute of type @type (NLA_U8, NLA_U32 or NLA_U64, validated). */
static uint64_t get_scalar(struct nlattr *attr, int type)
{
	if (type == NLA_U8)
		return nla_get_u8(attr);
	if (type == NLA_U32)
		return nla_get_u32(attr);
	return nla_get_u64(attr);
}

/*
 * A nest of scalars (@max of them at most), each as wide as @policy says,
 * into @val, indexed by attribute; bit n of @present set: val[n] came.
 */
static int parse_scalars(struct nlattr *nest, int max,
			 const struct nla_policy *policy, uint64_t *val,
			 uint32_t *present)
{
	struct nlattr *tb[max + 1];
	int i;

	if (nla_parse_nested(tb, max, nest, policy) < 0)
		return -EBADMSG;
	*present = 0;
	for (i = 0; i <= max; i++) {
		val[i] = 0;
		if (!tb[i] || policy[i].type == NLA_UNSPEC)
			continue;
		val[i] = get_scalar(tb[i], policy[i].type);
		*present |= 1u << i;
	}
	return 0;
}

static int parse_stats(struct nlattr *nest, struct vtl_stats *stats)
{
	static const struct nla_policy policy[VTL_STATS_A_MAX + 1] = {
		[VTL_STATS_A_RX_PACKETS]	= { .type = NLA_U64 },
		[VTL_STATS_A_RX_BYTES]		= { .type = NLA_U64 },
		[VTL_STATS_A_TX_PACKETS]	= { .type = NLA_U64 },
		[VTL_STATS_A_TX_BYTES]		= { .type = NLA_U64 },
		[VTL_STATS_A_DROPPED]		= { .type = NLA_U64 },
	};

	return parse_scalars(nest, VTL_STATS_A_MAX, policy, stats->counter,
			     &stats->present);
}

/* VTL_PORT_A_FW: its scalars, each of the width the contract says. */
static int parse_fw_port(struct nlattr *nest, struct vtl_fw_port *fw)
{
	static const struct nla_policy policy[VTL_FW_PORT_A_MAX + 1] = {
		[VTL_FW_PORT_A_POLICY_IN]	   = { .type = NLA_U8 },
		[VTL_FW_PORT_A_POLICY_OUT]	   = { .type = NLA_U8 },
		[VTL_FW_PORT_A_RULES_IN]	   = { .type = NLA_U32 },
		[VTL_FW_PORT_A_RULES_OUT]	   = { .type = NLA_U32 },
		[VTL_FW_PORT_A_ACCEPTED]	   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_DROPPED]		   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_REJECTED]	   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_POLICY_IN_PACKETS]  = { .type = NLA_U64 },
		[VTL_FW_PORT_A_POLICY_OUT_PACKETS] = { .type = NLA_U64 },
	};

	return parse_scalars(nest, VTL_FW_PORT_A_MAX, policy, fw->val,
			     &fw->present);
}

/* VTL_PORT_A_REWRITE: the number of rules, then 64-bit counters. */
static int parse_rw_port(struct nlattr *nest, struct vtl_rw_port *rw)
{
	static const struct nla_policy policy[VTL_REWRITE_PORT_A_MAX + 1] = {
		[VTL_REWRITE_PORT_A_RULES]	= { .type = NLA_U32 },
		[VTL_REWRITE_PORT_A_REWRITTEN]	= { .type = NLA_U64 },
		[VTL_REWRITE_PORT_A_FORWARDED]	= { .type = NLA_U64 },
		[VTL_REWRITE_PORT_A_FAILED]	= { .type = NLA_U64 },
	};

	return parse_scalars(nest, VTL_REWRITE_PORT_A_MAX, policy, rw->val,
			     &rw->present);
}

/* VTL_PORT_A_PERSIST: 64-bit counters, the number of addresses, the MAC. */
static int parse_persist_port(struct nlattr *nest, struct vtl_persist_port *ps)
{
	static const struct nla_policy policy[VTL_PERSIST_A_MAX + 1] = {
		[VTL_PERSIST_A_ACKS]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_ARP_REPLIES]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_DROPPED]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_UPDATES]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_SUSPENSIONS]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_ADDRS]		= { .type = NLA_U32 },
		[VTL_PERSIST_A_ND_REPLIES]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_ADDRS6]		= { .type = NLA_U32 },
	};
	struct nlattr *mac;

	if (parse_scalars(nest, VTL_PERSIST_A_MAX, policy, ps->val,
			  &ps->present))
		return -EBADMSG;
	mac = nla_find(nla_data(nest), nla_len(nest), VTL_PERSIST_A_MAC);
	ps->has_mac = false;
	if (mac) {
		if (nla_len(mac) != sizeof(ps->mac))
			return -EBADMSG;
		memcpy(ps->mac, nla_data(mac), sizeof(ps->mac));
		ps->has_mac = true;
	}
	return 0;
}

/* VTL_PORT_A_RING: flags, the slot count, 64-bit counters. */
static int parse_ring_port(struct nlattr *nest, struct vtl_ring_port *ring)
{
	static const struct nla_policy policy[VTL_RING_PORT_A_MAX + 1] = {
		[VTL_RING_PORT_A_ATTACHED]	= { .type = NLA_U8 },
		[VTL_RING_PORT_A_OWNED]		= { .type = NLA_U8 },
		[VTL_RING_PORT_A_SLOTS]		= { .type = NLA_U32 },
		[VTL_RING_PORT_A_UP]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_DOWN]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_LOST]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_FAIL_CLOSED]	= { .type = NLA_U64 },
		[VTL_RING_PORT_A_DOWN_ERRORS]	= { .type = NLA_U64 },
	};

	return parse_scalars(nest, VTL_RING_PORT_A_MAX, policy, ring->val,
			     &ring->present);
}

/*
 * One VTL_CMD_PORT_GET reply into @port.  Attributes newer than this
 * program are ignored; a known one of the wrong size is an error.
 */
static int parse_port(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_PORT_A_MAX + 1] = {
		[VTL_PORT_A_IFINDEX]	  = { .type = NLA_U32 },
		[VTL_PORT_A_IFNAME]	  = { .type = NLA_STRING,
					      .maxlen = IF_NAMESIZE },
		[VTL_PORT_A_MODE]	  = { .type = NLA_U32 },
		[VTL_PORT_A_PEER_IFINDEX] = { .type = NLA_U32 },
		[VTL_PORT_A_PEER_IFNAME]  = { .type = NLA_STRING,
					      .maxlen = IF_NAMESIZE },
		[VTL_PORT_A_STATS]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_PEER_STATS]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_MAX_CONNS]	  = { .type = NLA_U32 },
		[VTL_PORT_A_TRACK]	  = { .type = NLA_U8 },
		[VTL_PORT_A_CONNS]	  = { .type = NLA_U32 },
		[VTL_PORT_A_CONN_DROPPED] = { .type = NLA_U64 },
		[VTL_PORT_A_FW]		  = { .type = NLA_NESTED },
		[VTL_PORT_A_REWRITE]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_SUSPENDED]	  = { .type = NLA_U8 },
		[VTL_PORT_A_PERSIST]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_RING]	  = { .type = NLA_NESTED },
	};
	struct nlattr *tb[VTL_PORT_A_MAX + 1];
	struct vtl_port *port = item;

	memset(port, 0, sizeof(*port));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_PORT_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_PORT_A_IFINDEX] || !tb[VTL_PORT_A_MODE])
		return -EBADMSG;
	port->ifindex = nla_get_u32(tb[VTL_PORT_A_IFINDEX]);
	port->mode = nla_get_u32(tb[VTL_PORT_A_MODE]);
	if (tb[VTL_PORT_A_IFNAME])
		nla_strlcpy(port->ifname, tb[VTL_PORT_A_IFNAME],
			    sizeof(port->ifname));
	if (tb[VTL_PORT_A_PEER_IFINDEX]) {
		port->has_peer = true;
		port->peer_ifindex = nla_get_u32(tb[VTL_PORT_A_PEER_IFINDEX]);
	}
	if (tb[VTL_PORT_A_PEER_IFNAME]) {
		port->has_peer = true;
		nla_strlcpy(port->peer_ifname, tb[VTL_PORT_A_PEER_IFNAME],
			    sizeof(port->peer_ifname));
	}
	if (tb[VTL_PORT_A_STATS]) {
		if (parse_stats(tb[VTL_PORT_A_STATS], &port->stats))
			return -EBADMSG;
		port->has_stats = true;
	}
	if (tb[VTL_PORT_A_PEER_STATS]) {
		if (parse_stats(tb[VTL_PORT_A_PEER_STATS], &port->peer_stats))
			return -EBADMSG;
		port->has_peer_stats = true;
	}
	if (tb[VTL_PORT_A_MAX_CONNS]) {
		port->has_max_conns = true;
		port->max_conns = nla_get_u32(tb[VTL_PORT_A_MAX_CONNS]);
	}
	if (tb[VTL_PORT_A_TRACK]) {
		port->has_track = true;
		port->track = nla_get_u8(tb[VTL_PORT_A_TRACK]);
	}
	if (tb[VTL_PORT_A_CONNS]) {
		port->has_conns = true;
		port->conns = nla_get_u32(tb[VTL_PORT_A_CONNS]);
	}
	if (tb[VTL_PORT_A_CONN_DROPPED]) {
		port->has_conn_dropped = true;
		port->conn_dropped = nla_get_u64(tb[VTL_PORT_A_CONN_DROPPED]);
	}
	if (tb[VTL_PORT_A_FW]) {
		if (parse_fw_port(tb[VTL_PORT_A_FW], &port->fw))
			return -EBADMSG;
		port->has_fw = true;
	}
	if (tb[VTL_PORT_A_REWRITE]) {
		if (parse_rw_port(tb[VTL_PORT_A_REWRITE], &port->rewrite))
			return -EBADMSG;
		port->has_rewrite = true;
	}
	if (tb[VTL_PORT_A_SUSPENDED]) {
		port->has_suspended = true;
		port->suspended = nla_get_u8(tb[VTL_PORT_A_SUSPENDED]);
	}
	if (tb[VTL_PORT_A_PERSIST]) {
		if (parse_persist_port(tb[VTL_PORT_A_PERSIST], &port->persist))
			return -EBADMSG;
		port->has_persist = true;
	}
	if (tb[VTL_PORT_A_RING]) {
		if (parse_ring_port(tb[VTL_PORT_A_RING], &port->ring))
			return -EBADMSG;
		port->has_ring = true;
	}
	return 0;
}

struct one_port {
	struct vtl_port *port;
	bool found;
};

static int parse_one_port(struct nl_msg *msg, void *arg)
{
	struct one_port *one = arg;
	int err;

	if (one->found)		/* a doit answers once */
		return -EBADMSG;
	err = parse_port(msg, one->port);
	if (!err)
		one->found = true;
	return err;
}

/* Send a command that takes only the port's ifindex (and more, from @req). */
static int port_request(struct vtl_nl *nl, uint8_t cmd,
			const struct vtl_port_req *req,
			int (*parse)(struct nl_msg *, void *), void *arg)
{
	struct nl_msg *msg = vtl_msg(nl, cmd, 0);
	int err = -EMSGSIZE;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, VTL_PORT_A_IFINDEX, req->ifindex) < 0)
		goto out;
	if (req->mode && nla_put_u32(msg, VTL_PORT_A_MODE, req->mode) < 0)
		goto out;
	if (req->peer_ifindex &&
	    nla_put_u32(msg, VTL_PORT_A_PEER_IFINDEX, req->peer_ifindex) < 0)
		goto out;
	if (req->has_max_conns &&
	    nla_put_u32(msg, VTL_PORT_A_MAX_CONNS, req->max_conns) < 0)
		goto out;
	if (req->has_suspended &&
	    nla_put_u8(msg, VTL_PORT_A_SUSPENDED, req->suspended) < 0)
		goto out;
	if (req->has_track && nla_put_u8(msg, VTL_PORT_A_TRACK, req->track) < 0)
		goto out;
	err = transact(nl, msg, parse, arg, NULL);
out:
	nlmsg_free(msg);
	return err;
}

int vtl_nl_port_new(struct vtl_nl *nl, const struct vtl_port_req *req)
{
	return port_request(nl, VTL_CMD_PORT_NEW, req, NULL, NULL);
}

int vtl_nl_port_del(struct vtl_nl *nl, uint32_t ifindex)
{
	struct vtl_port_req req = { .ifindex = ifindex };

	return port_request(nl, VTL_CMD_PORT_DEL, &req, NULL, NULL);
}

int vtl_nl_port_get(struct vtl_nl *nl, uint32_t ifindex,
		    struct vtl_port *port)
{
	struct vtl_port_req req = { .ifindex = ifindex };
	struct one_port one = { .port = port };
	int err;

	err = port_request(nl, VTL_CMD_PORT_GET, &req, parse_one_port, &one);
	if (!err && !one.found) {
		set_msg(nl, "the kernel sent no port");
		err = -EBADMSG;
	}
	return err;
}

/* Every port of the namespace into @list (emptied first), consistently. */
int vtl_nl_port_dump(struct vtl_nl *nl, struct vtl_port_list *list)
{
	struct dump_list dl = DUMP_LIST(list, ports, parse_port);

	return dump(nl, VTL_CMD_PORT_GET, VTL_PORT_A_IFINDEX, 0, &dl, "ports");
}

int vtl_nl_port_set(struct vtl_nl *nl, const struct vtl_port_req *req)
{
	return port_request(nl, VTL_CMD_PORT_SET, req, NULL, NULL);
}

static int parse_conn_ep(struct nlattr *nest, struct vtl_conn_ep *ep)
{
	static const struct nla_policy policy[VTL_CONN_EP_A_MAX + 1] = {
		[VTL_CONN_EP_A_SEQ]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_ACK]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_WINDOW]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_PACKETS]	= { .type = NLA_U64 },
		[VTL_CONN_EP_A_BYTES]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_CONN_EP_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, VTL_CONN_EP_A_MAX, nest, policy) < 0)
		return -EBADMSG;
	if (tb[VTL_CONN_EP_A_SEQ])
		ep->seq = nla_get_u32(tb[VTL_CONN_EP_A_SEQ]);
	if (tb[VTL_CONN_EP_A_ACK])
		ep->ack = nla_get_u32(tb[VTL_CONN_EP_A_ACK]);
	if (tb[VTL_CONN_EP_A_WINDOW])
		ep->window = nla_get_u32(tb[VTL_CONN_EP_A_WINDOW]);
	if (tb[VTL_CONN_EP_A_PACKETS])
		ep->packets = nla_get_u64(tb[VTL_CONN_EP_A_PACKETS]);
	if (tb[VTL_CONN_EP_A_BYTES])
		ep->bytes = nla_get_u64(tb[VTL_CONN_EP_A_BYTES]);
	return 0;
}

/* An address of the connection's family, of exactly its length. */
static int parse_addr(struct nlattr *attr, uint8_t family, uint8_t *addr)
{
	int len = family == 4 ? 4 : 16;

	if (!attr || nla_len(attr) != len)
		return -EBADMSG;
	memcpy(addr, nla_data(attr), len);
	return 0;
}

/* One VTL_CMD_CONN_GET reply into @conn. */
static int parse_conn(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_CONN_A_MAX + 1] = {
		[VTL_CONN_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_CONN_A_FAMILY]	= { .type = NLA_U8 },
		[VTL_CONN_A_PROTO]	= { .type = NLA_U8 },
		[VTL_CONN_A_SRC]	= { .type = NLA_UNSPEC },
		[VTL_CONN_A_DST]	= { .type = NLA_UNSPEC },
		[VTL_CONN_A_SPORT]	= { .type = NLA_U16 },
		[VTL_CONN_A_DPORT]	= { .type = NLA_U16 },
		[VTL_CONN_A_STATE]	= { .type = NLA_U8 },
		[VTL_CONN_A_ORIG]	= { .type = NLA_NESTED },
		[VTL_CONN_A_REPLY]	= { .type = NLA_NESTED },
		[VTL_CONN_A_AGE_MS]	= { .type = NLA_U64 },
		[VTL_CONN_A_IDLE_MS]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_CONN_A_MAX + 1];
	struct vtl_conn *conn = item;

	memset(conn, 0, sizeof(*conn));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_CONN_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_CONN_A_IFINDEX] || !tb[VTL_CONN_A_FAMILY] ||
	    !tb[VTL_CONN_A_PROTO] || !tb[VTL_CONN_A_STATE])
		return -EBADMSG;
	conn->ifindex = nla_get_u32(tb[VTL_CONN_A_IFINDEX]);
	conn->family = nla_get_u8(tb[VTL_CONN_A_FAMILY]);
	if (conn->family != 4 && conn->family != 6)
		return -EBADMSG;
	conn->proto = nla_get_u8(tb[VTL_CONN_A_PROTO]);
	conn->state = nla_get_u8(tb[VTL_CONN_A_STATE]);
	if (parse_addr(tb[VTL_CONN_A_SRC], conn->family, conn->src) ||
	    parse_addr(tb[VTL_CONN_A_DST], conn->family, conn->dst) ||
	    parse_conn_ep(tb[VTL_CONN_A_ORIG], &conn->orig) ||
	    parse_conn_ep(tb[VTL_CONN_A_REPLY], &conn->reply))
		return -EBADMSG;
	if (tb[VTL_CONN_A_SPORT])
		conn->sport = nla_get_u16(tb[VTL_CONN_A_SPORT]);
	if (tb[VTL_CONN_A_DPORT])
		conn->dport = nla_get_u16(tb[VTL_CONN_A_DPORT]);
	if (tb[VTL_CONN_A_AGE_MS])
		conn->age_ms = nla_get_u64(tb[VTL_CONN_A_AGE_MS]);
	if (tb[VTL_CONN_A_IDLE_MS])
		conn->idle_ms = nla_get_u64(tb[VTL_CONN_A_IDLE_MS]);
	return 0;
}

/*
 * The connections of one port (@ifindex) or all, into @list (emptied
 * first).  Connections change all the time; only a change of the ports
 * makes the kernel flag the dump, and then it is redone.
 */
int vtl_nl_conn_dump(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtl_conn_list *list)
{
	struct dump_list dl = DUMP_LIST(list, conns, parse_conn);

	return dump(nl, VTL_CMD_CONN_GET, VTL_CONN_A_IFINDEX, ifindex, &dl,
		    "ports");
}

/* Send @msg, which needs no answer but the ACK, and free it. */
static int simple_request(struct vtl_nl *nl, struct nl_msg *msg)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

int vtl_nl_conn_flush(struct vtl_nl *nl, uint32_t ifindex)
{
	return simple_request(nl, ifindex_msg(nl, VTL_CMD_CONN_FLUSH, 0,
					      VTL_CONN_A_IFINDEX, ifindex));
}

/* --- the firewall ----------------------------------------------------- */

/* Room for the largest rule put_rule() writes, in its VTL_FW_A_RULE nest. */
#define RULE_SPACE (NLA_HDRLEN + 5 * NLA_ALIGN(NLA_HDRLEN + 1) + \
		    2 * (NLA_HDRLEN + 16 + NLA_ALIGN(NLA_HDRLEN + 1)) + \
		    4 * NLA_ALIGN(NLA_HDRLEN + 2))

static int put_prefix(struct nl_msg *msg, int attr, int len_attr,
		      uint8_t family, const uint8_t *addr, uint8_t len)
{
	if (nla_put(msg, attr, family == 4 ? 4 : 16, addr) < 0 ||
	    nla_put_u8(msg, len_attr, len) < 0)
		return -EMSGSIZE;
	return 0;
}

static int put_range(struct nl_msg *msg, int min_attr, uint16_t min,
		     uint16_t max)
{
	/* the _MAX attribute follows its _MIN one in enum vtl_fw_attr */
	if (nla_put_u16(msg, min_attr, min) < 0 ||
	    nla_put_u16(msg, min_attr + 1, max) < 0)
		return -EMSGSIZE;
	return 0;
}

/* The direction, verdict and matches of @r, as attributes of @msg. */
static int put_rule(struct nl_msg *msg, const struct vtl_fw_rule *r)
{
	if (nla_put_u8(msg, VTL_FW_A_DIR, r->dir) < 0 ||
	    nla_put_u8(msg, VTL_FW_A_ACTION, r->action) < 0)
		return -EMSGSIZE;
	if (r->family && nla_put_u8(msg, VTL_FW_A_FAMILY, r->family) < 0)
		return -EMSGSIZE;
	if (r->has_proto && nla_put_u8(msg, VTL_FW_A_PROTO, r->proto) < 0)
		return -EMSGSIZE;
	if (r->has_src && put_prefix(msg, VTL_FW_A_SRC, VTL_FW_A_SRC_LEN,
				     r->family, r->src, r->src_len))
		return -EMSGSIZE;
	if (r->has_dst && put_prefix(msg, VTL_FW_A_DST, VTL_FW_A_DST_LEN,
				     r->family, r->dst, r->dst_len))
		return -EMSGSIZE;
	if (r->has_sport && put_range(msg, VTL_FW_A_SPORT_MIN, r->sport_min,
				      r->sport_max))
		return -EMSGSIZE;
	if (r->has_dport && put_range(msg, VTL_FW_A_DPORT_MIN, r->dport_min,
				      r->dport_max))
		return -EMSGSIZE;
	if (r->state && nla_put_u8(msg, VTL_FW_A_CT_STATE, r->state) < 0)
		return -EMSGSIZE;
	return 0;
}

/* A prefix of a rule the kernel returned: of its family, not too long. */
static int get_prefix(struct nlattr *attr, struct nlattr *len_attr,
		      uint8_t family, bool *has, uint8_t *addr, uint8_t *len)
{
	int bytes = family == 4 ? 4 : 16;

	if (!attr)
		return 0;
	if (!family || nla_len(attr) != bytes)
		return -EBADMSG;
	memcpy(addr, nla_data(attr), bytes);
	*len = len_attr ? nla_get_u8(len_attr) : 8 * bytes;
	if (*len > 8 * bytes)
		return -EBADMSG;
	*has = true;
	return 0;
}

static void get_range(struct nlattr *min, struct nlattr *max, bool *has,
		      uint16_t *lo, uint16_t *hi)
{
	if (!min)
		return;
	*has = true;
	*lo = nla_get_u16(min);
	*hi = max ? nla_get_u16(max) : *lo;
}

/* One VTL_CMD_FW_GET (or _NEW) reply into @r. */
static int parse_rule(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_FW_A_MAX + 1] = {
		[VTL_FW_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_FW_A_DIR]		= { .type = NLA_U8 },
		[VTL_FW_A_ID]		= { .type = NLA_U32 },
		[VTL_FW_A_FAMILY]	= { .type = NLA_U8 },
		[VTL_FW_A_PROTO]	= { .type = NLA_U8 },
		[VTL_FW_A_SRC]		= { .type = NLA_UNSPEC },
		[VTL_FW_A_SRC_LEN]	= { .type = NLA_U8 },
		[VTL_FW_A_DST]		= { .type = NLA_UNSPEC },
		[VTL_FW_A_DST_LEN]	= { .type = NLA_U8 },
		[VTL_FW_A_SPORT_MIN]	= { .type = NLA_U16 },
		[VTL_FW_A_SPORT_MAX]	= { .type = NLA_U16 },
		[VTL_FW_A_DPORT_MIN]	= { .type = NLA_U16 },
		[VTL_FW_A_DPORT_MAX]	= { .type = NLA_U16 },
		[VTL_FW_A_CT_STATE]	= { .type = NLA_U8 },
		[VTL_FW_A_ACTION]	= { .type = NLA_U8 },
		[VTL_FW_A_PACKETS]	= { .type = NLA_U64 },
		[VTL_FW_A_BYTES]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_FW_A_MAX + 1];
	struct vtl_fw_rule *r = item;

	memset(r, 0, sizeof(*r));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_FW_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_FW_A_ID] || !tb[VTL_FW_A_DIR] || !tb[VTL_FW_A_ACTION])
		return -EBADMSG;
	r->id = nla_get_u32(tb[VTL_FW_A_ID]);
	r->dir = nla_get_u8(tb[VTL_FW_A_DIR]);
	r->action = nla_get_u8(tb[VTL_FW_A_ACTION]);
	if (tb[VTL_FW_A_FAMILY]) {
		r->family = nla_get_u8(tb[VTL_FW_A_FAMILY]);
		if (r->family != 4 && r->family != 6)
			return -EBADMSG;
	}
	if (tb[VTL_FW_A_PROTO]) {
		r->has_proto = true;
		r->proto = nla_get_u8(tb[VTL_FW_A_PROTO]);
	}
	if (get_prefix(tb[VTL_FW_A_SRC], tb[VTL_FW_A_SRC_LEN], r->family,
		       &r->has_src, r->src, &r->src_len) ||
	    get_prefix(tb[VTL_FW_A_DST], tb[VTL_FW_A_DST_LEN], r->family,
		       &r->has_dst, r->dst, &r->dst_len))
		return -EBADMSG;
	get_range(tb[VTL_FW_A_SPORT_MIN], tb[VTL_FW_A_SPORT_MAX],
		  &r->has_sport, &r->sport_min, &r->sport_max);
	get_range(tb[VTL_FW_A_DPORT_MIN], tb[VTL_FW_A_DPORT_MAX],
		  &r->has_dport, &r->dport_min, &r->dport_max);
	if (tb[VTL_FW_A_CT_STATE])
		r->state = nla_get_u8(tb[VTL_FW_A_CT_STATE]);
	r->has_counters = tb[VTL_FW_A_PACKETS] || tb[VTL_FW_A_BYTES];
	if (tb[VTL_FW_A_PACKETS])
		r->packets = nla_get_u64(tb[VTL_FW_A_PACKETS]);
	if (tb[VTL_FW_A_BYTES])
		r->bytes = nla_get_u64(tb[VTL_FW_A_BYTES]);
	return 0;
}

/* A doit's reply of which one scalar attribute matters. */
struct one_scalar {
	int max;			/* of the command's attributes */
	int attr;
	const struct nla_policy *policy; /* of @attr: its width */
	uint64_t val;
	bool found;
};

static int parse_one_scalar(struct nl_msg *msg, void *arg)
{
	struct one_scalar *one = arg;
	struct nlattr *tb[one->max + 1];

	/* a doit answers once */
	if (one->found ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, one->max, one->policy) < 0 ||
	    !tb[one->attr])
		return -EBADMSG;
	one->val = get_scalar(tb[one->attr], one->policy[one->attr].type);
	one->found = true;
	return 0;
}

/* Send @msg (and free it), whose answer is @one; @missing: if it is not. */
static int transact_one(struct vtl_nl *nl, struct nl_msg *msg,
			struct one_scalar *one, const char *missing)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(nl, msg, parse_one_scalar, one, NULL);
	nlmsg_free(msg);
	if (!err && !one->found) {
		set_msg(nl, missing);
		err = -EBADMSG;
	}
	return err;
}

/* Append @rule to its direction of the port @ifindex; its new id in @id. */
int vtl_nl_fw_new(struct vtl_nl *nl, uint32_t ifindex,
		  const struct vtl_fw_rule *rule, uint32_t *id)
{
	static const struct nla_policy policy[VTL_FW_A_MAX + 1] = {
		[VTL_FW_A_ID] = { .type = NLA_U32 },
	};
	struct nl_msg *msg = ifindex_msg(nl, VTL_CMD_FW_NEW, 0,
					 VTL_FW_A_IFINDEX, ifindex);
	struct one_scalar one = { .max = VTL_FW_A_MAX, .attr = VTL_FW_A_ID,
				  .policy = policy };
	int err;

	if (msg && put_rule(msg, rule)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = transact_one(nl, msg, &one, "the kernel sent no rule id");
	*id = one.val;
	return err;
}

int vtl_nl_fw_del(struct vtl_nl *nl, uint32_t ifindex, uint32_t id)
{
	struct nl_msg *msg = ifindex_msg(nl, VTL_CMD_FW_DEL, 0,
					 VTL_FW_A_IFINDEX, ifindex);

	if (msg && nla_put_u32(msg, VTL_FW_A_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

/* The rules of the port @ifindex, both directions, into @list. */
int vtl_nl_fw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtl_fw_rule_list *list)
{
	struct dump_list dl = DUMP_LIST(list, rules, parse_rule);

	return dump(nl, VTL_CMD_FW_GET, VTL_FW_A_IFINDEX, ifindex, &dl,
		    "rules");
}

/* Delete the rules of direction @dir of the port, or (0) of both. */
int vtl_nl_fw_flush(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir)
{
	struct nl_msg *msg = ifindex_msg(nl, VTL_CMD_FW_FLUSH, 0,
					 VTL_FW_A_IFINDEX, ifindex);

	if (msg && dir && nla_put_u8(msg, VTL_FW_A_DIR, dir) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

int vtl_nl_fw_policy(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir,
		     uint8_t verdict)
{
	struct nl_msg *msg = ifindex_msg(nl, VTL_CMD_FW_POLICY, 0,
					 VTL_FW_A_IFINDEX, ifindex);

	if (msg && (nla_put_u8(msg, VTL_FW_A_DIR, dir) < 0 ||
		    nla_put_u8(msg, VTL_FW_A_POLICY, verdict) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

/*
 * A request larger than the socket's send buffer fails with EMSGSIZE:
 * grow it, past net.core.wmem_max if we may (we have CAP_NET_ADMIN, or the
 * kernel refuses us anyway).  Best effort: the send says if it failed.
 */
static void fit_sndbuf(struct vtl_nl *nl, size_t len)
{
	int fd = nl_socket_get_fd(nl->sk), size = 0;
	socklen_t optlen = sizeof(size);

	if (fd < 0 || len > INT_MAX / 2)
		return;
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &optlen) &&
	    (size_t)size >= len + 1024)
		return;
	/* the kernel doubles it, for its own overhead */
	size = len + 1024;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* Where the next attribute of @msg goes, from the start of the request. */
static uint32_t tail_offset(struct nl_msg *msg)
{
	return (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)nlmsg_hdr(msg);
}

static int put_load(struct nl_msg *msg, uint32_t ifindex,
		    const struct vtl_fw_load *load, uint32_t *offs)
{
	const struct vtl_fw_rule_list *list = &load->list;
	struct nlattr *rule;
	size_t i;

	if (nla_put_u32(msg, VTL_FW_A_IFINDEX, ifindex) < 0 ||
	    (load->policy_in &&
	     nla_put_u8(msg, VTL_FW_A_POLICY_IN, load->policy_in) < 0) ||
	    (load->policy_out &&
	     nla_put_u8(msg, VTL_FW_A_POLICY_OUT, load->policy_out) < 0))
		return -EMSGSIZE;
	/* top-level nests: one nest's 16-bit length holds too few rules */
	for (i = 0; i < list->len; i++) {
		offs[i] = tail_offset(msg);
		rule = nla_nest_start(msg, VTL_FW_A_RULE);
		if (!rule || put_rule(msg, &list->rules[i]) ||
		    nla_nest_end(msg, rule) < 0)
			return -EMSGSIZE;
	}
	offs[i] = tail_offset(msg);
	return 0;
}

/*
 * Replace the rules (and the policies given) of the port @ifindex by
 * @load, in one request.  If the kernel refuses a rule and says which (its
 * extended ACK's offset falls into the rule's nest), @bad is its index;
 * else SIZE_MAX.
 */
int vtl_nl_fw_load(struct vtl_nl *nl, uint32_t ifindex,
		   const struct vtl_fw_load *load, size_t *bad)
{
	size_t n = load->list.len, i;
	struct nl_msg *msg;
	uint32_t *offs;
	int err;

	*bad = SIZE_MAX;
	offs = calloc(n + 1, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	msg = vtl_msg_size(nl, VTL_CMD_FW_LOAD, 0,
			   4 * NLA_ALIGN(NLA_HDRLEN + 4) + NLA_HDRLEN +
			   n * RULE_SPACE);
	if (!msg) {
		free(offs);
		return -ENOMEM;
	}
	err = put_load(msg, ifindex, load, offs);
	if (!err) {
		fit_sndbuf(nl, nlmsg_hdr(msg)->nlmsg_len);
		err = transact(nl, msg, NULL, NULL, NULL);
	}
	for (i = 0; err && nl->bad_offs && i < n; i++) {
		if (nl->bad_offs >= offs[i] && nl->bad_offs < offs[i + 1])
			*bad = i;
	}
	nlmsg_free(msg);
	free(offs);
	return err;
}

/* --- export and import of a port ------------------------------------------ */

/* Append the attributes of one message of the export to the blob. */
static int parse_export(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	int len = genlmsg_attrlen(gnlh, 0);
	struct vtl_blob *b = arg;
	size_t cap;
	void *p;

	if (len <= 0)
		return 0;
	if (b->len + len > b->cap) {
		cap = b->cap ? 2 * b->cap : 65536;
		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, genlmsg_attrdata(gnlh, 0), len);
	b->len += len;
	return 0;
}

int vtl_nl_port_export(struct vtl_nl *nl, uint32_t ifindex,
		       struct vtl_blob *out)
{
	struct nl_msg *msg;
	int tries, err;
	bool intr;

	/* the kernel fills dump messages as large as we read them */
	nl_socket_set_msg_buf_size(nl->sk, 32768);
	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		out->len = 0;
		msg = ifindex_msg(nl, VTL_CMD_PORT_EXPORT, NLM_F_DUMP,
				  VTL_EXPORT_A_IFINDEX, ifindex);
		if (!msg)
			return -ENOMEM;
		err = transact(nl, msg, parse_export, out, &intr);
		nlmsg_free(msg);
		if (err || !intr)
			return err;
	}
	set_msg(nl, "the ports kept changing while the port was exported, try again");
	return -EAGAIN;
}

int vtl_nl_port_import(struct vtl_nl *nl, uint32_t ifindex,
		       const void *attrs, size_t len)
{
	struct nl_msg *msg;
	int err;

	if (len > INT_MAX / 2) {
		set_msg(nl, "the export is too large for one request");
		return -E2BIG;
	}
	msg = vtl_msg_size(nl, VTL_CMD_PORT_IMPORT, 0,
			   NLA_ALIGN(NLA_HDRLEN + 4) + len);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, VTL_EXPORT_A_IFINDEX, ifindex) < 0 ||
	    nlmsg_append(msg, (void *)attrs, len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/* one request, applied whole: as large as the export */
	fit_sndbuf(nl, nlmsg_hdr(msg)->nlmsg_len);
	err = transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

/* --- rewriting and tunnel auto ----------------------------------------- */

/* The port and prefix of @r; with @all, what the rule sets too. */
static int put_rw_rule(struct nl_msg *msg, const struct vtl_rw_rule *r,
		       bool all)
{
	int alen = r->family == 4 ? 4 : 16;

	if (nla_put_u32(msg, VTL_REWRITE_A_IFINDEX, r->ifindex) < 0 ||
	    put_prefix(msg, VTL_REWRITE_A_DST, VTL_REWRITE_A_DST_LEN,
		       r->family, r->dst, r->dst_len))
		return -EMSGSIZE;
	if (!all)
		return 0;
	if (nla_put(msg, VTL_REWRITE_A_DMAC, 6, r->dmac) < 0 ||
	    (r->has_smac && nla_put(msg, VTL_REWRITE_A_SMAC, 6, r->smac) < 0) ||
	    (r->has_saddr &&
	     nla_put(msg, VTL_REWRITE_A_SADDR, alen, r->saddr) < 0) ||
	    (r->has_daddr &&
	     nla_put(msg, VTL_REWRITE_A_DADDR, alen, r->daddr) < 0) ||
	    (r->out_ifindex &&
	     nla_put_u32(msg, VTL_REWRITE_A_OUT_IFINDEX, r->out_ifindex) < 0))
		return -EMSGSIZE;
	return 0;
}

static int rw_request(struct vtl_nl *nl, uint8_t cmd,
		      const struct vtl_rw_rule *rule, bool all)
{
	struct nl_msg *msg = vtl_msg(nl, cmd, 0);

	if (msg && put_rw_rule(msg, rule, all)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

/* Add @rule to its port (@rule->ifindex). */
int vtl_nl_rw_new(struct vtl_nl *nl, const struct vtl_rw_rule *rule)
{
	return rw_request(nl, VTL_CMD_REWRITE_NEW, rule, true);
}

/* Delete the rule of @rule's port with @rule's prefix. */
int vtl_nl_rw_del(struct vtl_nl *nl, const struct vtl_rw_rule *rule)
{
	return rw_request(nl, VTL_CMD_REWRITE_DEL, rule, false);
}

/* A MAC address the kernel returned, if @attr: 6 bytes exactly. */
static int get_mac(struct nlattr *attr, bool *has, uint8_t *mac)
{
	if (!attr)
		return 0;
	if (nla_len(attr) != 6)
		return -EBADMSG;
	memcpy(mac, nla_data(attr), 6);
	*has = true;
	return 0;
}

/* An IP address of @family, if @attr. */
static int get_ip(struct nlattr *attr, uint8_t family, bool *has,
		  uint8_t *addr)
{
	if (!attr)
		return 0;
	if (parse_addr(attr, family, addr))
		return -EBADMSG;
	*has = true;
	return 0;
}

/* The family of a 4- or 16-byte address, or 0. */
static uint8_t addr_family(struct nlattr *attr)
{
	if (!attr)
		return 0;
	return nla_len(attr) == 4 ? 4 : nla_len(attr) == 16 ? 6 : 0;
}

/* One VTL_CMD_REWRITE_GET reply into @r. */
static int parse_rw_rule(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_REWRITE_A_MAX + 1] = {
		[VTL_REWRITE_A_IFINDEX]	    = { .type = NLA_U32 },
		[VTL_REWRITE_A_DST]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_DST_LEN]	    = { .type = NLA_U8 },
		[VTL_REWRITE_A_DMAC]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_SMAC]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_SADDR]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_DADDR]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_OUT_IFINDEX] = { .type = NLA_U32 },
		[VTL_REWRITE_A_AUTO]	    = { .type = NLA_U8 },
		[VTL_REWRITE_A_PACKETS]	    = { .type = NLA_U64 },
		[VTL_REWRITE_A_BYTES]	    = { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_REWRITE_A_MAX + 1];
	struct vtl_rw_rule *r = item;
	bool has_dst = false, has_dmac = false;

	memset(r, 0, sizeof(*r));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_REWRITE_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_REWRITE_A_IFINDEX])
		return -EBADMSG;
	r->ifindex = nla_get_u32(tb[VTL_REWRITE_A_IFINDEX]);
	r->family = addr_family(tb[VTL_REWRITE_A_DST]);
	if (get_prefix(tb[VTL_REWRITE_A_DST], tb[VTL_REWRITE_A_DST_LEN],
		       r->family, &has_dst, r->dst, &r->dst_len) ||
	    get_mac(tb[VTL_REWRITE_A_DMAC], &has_dmac, r->dmac) ||
	    get_mac(tb[VTL_REWRITE_A_SMAC], &r->has_smac, r->smac) ||
	    get_ip(tb[VTL_REWRITE_A_SADDR], r->family, &r->has_saddr,
		   r->saddr) ||
	    get_ip(tb[VTL_REWRITE_A_DADDR], r->family, &r->has_daddr,
		   r->daddr) ||
	    !has_dst || !has_dmac)
		return -EBADMSG;
	if (tb[VTL_REWRITE_A_OUT_IFINDEX])
		r->out_ifindex = nla_get_u32(tb[VTL_REWRITE_A_OUT_IFINDEX]);
	if (tb[VTL_REWRITE_A_AUTO])
		r->is_auto = nla_get_u8(tb[VTL_REWRITE_A_AUTO]);
	r->has_counters = tb[VTL_REWRITE_A_PACKETS] || tb[VTL_REWRITE_A_BYTES];
	if (tb[VTL_REWRITE_A_PACKETS])
		r->packets = nla_get_u64(tb[VTL_REWRITE_A_PACKETS]);
	if (tb[VTL_REWRITE_A_BYTES])
		r->bytes = nla_get_u64(tb[VTL_REWRITE_A_BYTES]);
	return 0;
}

/* The rewrite rules of the port @ifindex, or (0) of every port. */
int vtl_nl_rw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtl_rw_rule_list *list)
{
	struct dump_list dl = DUMP_LIST(list, rules, parse_rw_rule);

	return dump(nl, VTL_CMD_REWRITE_GET, VTL_REWRITE_A_IFINDEX, ifindex,
		    &dl, "ports");
}

/* Delete the rewrite rules of the port @ifindex, or (0) of every port. */
int vtl_nl_rw_flush(struct vtl_nl *nl, uint32_t ifindex)
{
	return simple_request(nl, ifindex_msg(nl, VTL_CMD_REWRITE_FLUSH, 0,
					      VTL_REWRITE_A_IFINDEX, ifindex));
}

/* Turn tunnel auto of the namespace on or off. */
int vtl_nl_tunnel_set(struct vtl_nl *nl, bool on)
{
	struct nl_msg *msg = vtl_msg(nl, VTL_CMD_TUNNEL_SET, 0);

	if (msg && nla_put_u8(msg, VTL_TUNNEL_A_AUTO, on) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

/* Whether tunnel auto of the namespace is on. */
int vtl_nl_tunnel_get(struct vtl_nl *nl, bool *on)
{
	static const struct nla_policy policy[VTL_TUNNEL_A_MAX + 1] = {
		[VTL_TUNNEL_A_AUTO] = { .type = NLA_U8 },
	};
	struct one_scalar one = { .max = VTL_TUNNEL_A_MAX,
				  .attr = VTL_TUNNEL_A_AUTO, .policy = policy };
	int err;

	err = transact_one(nl, vtl_msg(nl, VTL_CMD_TUNNEL_GET, 0), &one,
			   "the kernel did not say whether tunnel auto is on");
	*on = one.val;
	return err;
}

/* One reply of a VTL_CMD_TUNNEL_GET dump into @h. */
static int parse_tunnel_host(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_TUNNEL_A_MAX + 1] = {
		[VTL_TUNNEL_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_TUNNEL_A_ADDR]	= { .type = NLA_UNSPEC },
		[VTL_TUNNEL_A_MAC]	= { .type = NLA_UNSPEC },
		[VTL_TUNNEL_A_AGE_MS]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_TUNNEL_A_MAX + 1];
	struct vtl_tunnel_host *h = item;
	bool has_addr = false, has_mac = false;

	memset(h, 0, sizeof(*h));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_TUNNEL_A_MAX, policy) < 0 ||
	    !tb[VTL_TUNNEL_A_IFINDEX])
		return -EBADMSG;
	h->ifindex = nla_get_u32(tb[VTL_TUNNEL_A_IFINDEX]);
	h->family = addr_family(tb[VTL_TUNNEL_A_ADDR]);
	if (!h->family ||
	    get_ip(tb[VTL_TUNNEL_A_ADDR], h->family, &has_addr, h->addr) ||
	    get_mac(tb[VTL_TUNNEL_A_MAC], &has_mac, h->mac) || !has_mac)
		return -EBADMSG;
	if (tb[VTL_TUNNEL_A_AGE_MS])
		h->age_ms = nla_get_u64(tb[VTL_TUNNEL_A_AGE_MS]);
	return 0;
}

/* The VM addresses tunnel auto has learned, into @list. */
int vtl_nl_tunnel_dump(struct vtl_nl *nl, struct vtl_tunnel_host_list *list)
{
	struct dump_list dl = DUMP_LIST(list, hosts, parse_tunnel_host);

	return dump(nl, VTL_CMD_TUNNEL_GET, 0, 0, &dl, "learned addresses");
}

/* --- the SOCKS service and the "config" group -------------------------- */

static int put_socks(struct nl_msg *msg, const struct vtl_socks *s)
{
	int alen = s->family == AF_INET6 ? 16 : 4;

	if (nla_put_u32(msg, VTL_SOCKS_A_IFINDEX, s->ifindex) < 0 ||
	    nla_put(msg, VTL_SOCKS_A_PROXY_ADDR, alen, s->proxy_addr) < 0 ||
	    nla_put_u16(msg, VTL_SOCKS_A_PROXY_PORT, s->proxy_port) < 0)
		return -EMSGSIZE;
	if (s->version && nla_put_u8(msg, VTL_SOCKS_A_VERSION, s->version) < 0)
		return -EMSGSIZE;
	if (s->user[0] &&
	    nla_put_string(msg, VTL_SOCKS_A_USER, s->user) < 0)
		return -EMSGSIZE;
	if (s->password[0] &&
	    nla_put_string(msg, VTL_SOCKS_A_PASSWORD, s->password) < 0)
		return -EMSGSIZE;
	if (s->dns && nla_put_u8(msg, VTL_SOCKS_A_DNS, s->dns) < 0)
		return -EMSGSIZE;
	if (s->dns_prefix_len &&
	    (nla_put(msg, VTL_SOCKS_A_DNS_PREFIX, 4, &s->dns_prefix) < 0 ||
	     nla_put_u8(msg, VTL_SOCKS_A_DNS_PREFIX_LEN,
			s->dns_prefix_len) < 0))
		return -EMSGSIZE;
	if (s->ipv6 && nla_put_u8(msg, VTL_SOCKS_A_IPV6, s->ipv6) < 0)
		return -EMSGSIZE;
	return 0;
}

/* Proxy the VM of port @s->ifindex through the proxy @s names. */
int vtl_nl_socks_new(struct vtl_nl *nl, const struct vtl_socks *s)
{
	struct nl_msg *msg = vtl_msg(nl, VTL_CMD_SOCKS_NEW, 0);

	if (msg && put_socks(msg, s)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return simple_request(nl, msg);
}

int vtl_nl_socks_del(struct vtl_nl *nl, uint32_t ifindex)
{
	return simple_request(nl, ifindex_msg(nl, VTL_CMD_SOCKS_DEL, 0,
					      VTL_SOCKS_A_IFINDEX, ifindex));
}

static int parse_socks_stats(struct nlattr *nest, struct vtl_socks_stats *st)
{
	static const struct nla_policy policy[VTL_SOCKS_STATS_A_MAX + 1] = {
		[VTL_SOCKS_STATS_A_UP]		  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_ARP_REPLIES]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_RESETS]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_FAIL_CLOSED]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_FILTERED]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_TO_VM_DROPPED] = { .type = NLA_U64 },
	};
	uint64_t val[VTL_SOCKS_STATS_A_MAX + 1];
	uint32_t present;

	if (parse_scalars(nest, VTL_SOCKS_STATS_A_MAX, policy, val, &present))
		return -EBADMSG;
	st->present = true;
	st->up = val[VTL_SOCKS_STATS_A_UP];
	st->arp_replies = val[VTL_SOCKS_STATS_A_ARP_REPLIES];
	st->resets = val[VTL_SOCKS_STATS_A_RESETS];
	st->fail_closed = val[VTL_SOCKS_STATS_A_FAIL_CLOSED];
	st->filtered = val[VTL_SOCKS_STATS_A_FILTERED];
	st->to_vm_dropped = val[VTL_SOCKS_STATS_A_TO_VM_DROPPED];
	return 0;
}

/*
 * A VTL_CMD_SOCKS_* message of the kernel into @s: a GET reply or a NEW
 * notification (@full: the proxy is required), a DEL notification (the
 * ifindex only).  Attributes newer than this program are ignored.
 */
static int parse_socks_hdr(struct nlmsghdr *nlh, struct vtl_socks *s,
			   bool full)
{
	static const struct nla_policy policy[VTL_SOCKS_A_MAX + 1] = {
		[VTL_SOCKS_A_IFINDEX]	     = { .type = NLA_U32 },
		[VTL_SOCKS_A_IFNAME]	     = { .type = NLA_STRING,
						 .maxlen = IF_NAMESIZE },
		[VTL_SOCKS_A_PROXY_ADDR]     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_PROXY_PORT]     = { .type = NLA_U16 },
		[VTL_SOCKS_A_VERSION]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_USER]	     = { .type = NLA_STRING,
						 .maxlen = 256 },
		[VTL_SOCKS_A_PASSWORD]	     = { .type = NLA_STRING,
						 .maxlen = 256 },
		[VTL_SOCKS_A_DNS]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_DNS_PREFIX]     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_DNS_PREFIX_LEN] = { .type = NLA_U8 },
		[VTL_SOCKS_A_IPV6]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_MAC]	     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_STATS]	     = { .type = NLA_NESTED },
	};
	struct nlattr *tb[VTL_SOCKS_A_MAX + 1], *a;
	bool has_mac = false;

	memset(s, 0, sizeof(*s));
	if (genlmsg_parse(nlh, 0, tb, VTL_SOCKS_A_MAX, policy) < 0 ||
	    !tb[VTL_SOCKS_A_IFINDEX])
		return -EBADMSG;
	s->ifindex = nla_get_u32(tb[VTL_SOCKS_A_IFINDEX]);
	if (!full)
		return 0;
	a = tb[VTL_SOCKS_A_PROXY_ADDR];
	if (!a || !tb[VTL_SOCKS_A_PROXY_PORT] ||
	    (nla_len(a) != 4 && nla_len(a) != 16))
		return -EBADMSG;
	s->family = nla_len(a) == 4 ? AF_INET : AF_INET6;
	memcpy(s->proxy_addr, nla_data(a), nla_len(a));
	s->proxy_port = nla_get_u16(tb[VTL_SOCKS_A_PROXY_PORT]);
	if (tb[VTL_SOCKS_A_IFNAME])
		nla_strlcpy(s->ifname, tb[VTL_SOCKS_A_IFNAME],
			    sizeof(s->ifname));
	s->version = tb[VTL_SOCKS_A_VERSION] ?
		     nla_get_u8(tb[VTL_SOCKS_A_VERSION]) : VTL_SOCKS_V5;
	if (tb[VTL_SOCKS_A_USER])
		nla_strlcpy(s->user, tb[VTL_SOCKS_A_USER], sizeof(s->user));
	if (tb[VTL_SOCKS_A_PASSWORD])
		nla_strlcpy(s->password, tb[VTL_SOCKS_A_PASSWORD],
			    sizeof(s->password));
	s->dns = tb[VTL_SOCKS_A_DNS] ? nla_get_u8(tb[VTL_SOCKS_A_DNS]) :
				       VTL_SOCKS_DNS_AUTOMAP;
	a = tb[VTL_SOCKS_A_DNS_PREFIX];
	if (a) {
		if (nla_len(a) != 4)
			return -EBADMSG;
		memcpy(&s->dns_prefix, nla_data(a), 4);
	}
	if (tb[VTL_SOCKS_A_DNS_PREFIX_LEN])
		s->dns_prefix_len = nla_get_u8(tb[VTL_SOCKS_A_DNS_PREFIX_LEN]);
	if (s->dns_prefix_len > 32)
		return -EBADMSG;
	s->ipv6 = tb[VTL_SOCKS_A_IPV6] ? nla_get_u8(tb[VTL_SOCKS_A_IPV6]) :
					 VTL_SOCKS_IPV6_DROP;
	if (get_mac(tb[VTL_SOCKS_A_MAC], &has_mac, s->mac) ||
	    (tb[VTL_SOCKS_A_STATS] &&
	     parse_socks_stats(tb[VTL_SOCKS_A_STATS], &s->stats)))
		return -EBADMSG;
	return 0;
}

static int parse_socks(struct nl_msg *msg, void *item)
{
	return parse_socks_hdr(nlmsg_hdr(msg), item, true);
}

struct one_socks {
	struct vtl_socks *s;
	bool found;
};

static int parse_one_socks(struct nl_msg *msg, void *arg)
{
	struct one_socks *one = arg;
	int err;

	if (one->found)		/* a doit answers once */
		return -EBADMSG;
	err = parse_socks(msg, one->s);
	if (!err)
		one->found = true;
	return err;
}

/* The SOCKS service of the port @ifindex, with its counters. */
int vtl_nl_socks_get(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtl_socks *s)
{
	struct nl_msg *msg = ifindex_msg(nl, VTL_CMD_SOCKS_GET, 0,
					 VTL_SOCKS_A_IFINDEX, ifindex);
	struct one_socks one = { .s = s };
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(nl, msg, parse_one_socks, &one, NULL);
	nlmsg_free(msg);
	if (!err && !one.found) {
		set_msg(nl, "the kernel sent no SOCKS service");
		err = -EBADMSG;
	}
	return err;
}

/* The SOCKS service of every port of the namespace that has one. */
int vtl_nl_socks_dump(struct vtl_nl *nl, struct vtl_socks_list *list)
{
	struct dump_list dl = DUMP_LIST(list, socks, parse_socks);

	return dump(nl, VTL_CMD_SOCKS_GET, 0, 0, &dl, "ports");
}

/* What vtl_nl_monitor_read() reads into, and passes on. */
struct monitor {
	struct vtl_nl *nl;
	void (*cb)(uint8_t cmd, const struct vtl_socks *s, void *arg);
	void *arg;
	int err;
};

static int on_notification(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct monitor *m = arg;
	struct genlmsghdr *g;
	struct vtl_socks s;

	if (nlh->nlmsg_type != m->nl->family ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NL_SKIP;
	g = nlmsg_data(nlh);
	if (g->cmd != VTL_CMD_SOCKS_NEW && g->cmd != VTL_CMD_SOCKS_DEL)
		return NL_SKIP;		/* newer than us */
	if (parse_socks_hdr(nlh, &s, g->cmd == VTL_CMD_SOCKS_NEW)) {
		if (!m->err) {
			m->err = -EBADMSG;
			set_msg(m->nl, "the kernel's notification is malformed");
		}
		return NL_SKIP;
	}
	m->cb(g->cmd, &s, m->arg);
	return NL_OK;
}

int vtl_nl_monitor_read(struct vtl_nl *nl,
			void (*cb)(uint8_t cmd, const struct vtl_socks *s,
				   void *arg),
			void *arg)
{
	struct monitor m = { .nl = nl, .cb = cb, .arg = arg };
	struct nl_cb *base, *ncb;
	int ret;

	nl->msg[0] = '\0';
	base = nl_socket_get_cb(nl->sk);
	ncb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_notification, &m);
	for (;;) {
		errno = 0;
		ret = nl_recvmsgs(nl->sk, ncb);
		if (ret >= 0)
			continue;
		if (ret == -NLE_AGAIN || ret == -NLE_INTR) {
			ret = 0;
		} else if (ret == -NLE_NOMEM && errno == ENOBUFS) {
			/* recvmsg()'s ENOBUFS: the kernel dropped some */
			set_msg(nl, "notifications were lost: the socket's buffer overran");
			ret = -ENOBUFS;
		} else {
			set_msg(nl, nl_geterror(ret));
			ret = -EIO;
		}
		break;
	}
	nl_cb_put(ncb);
	return ret ? ret : m.err;
}

int vtl_nl_monitor_fd(const struct vtl_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

/* Print "Error: [@what: ]<why>." for a failure of a request. */
void vtl_nl_perror(const struct vtl_nl *nl, const char *what, int err)
{
	const char *why = nl && nl->msg[0] ? nl->msg : strerror(-err);
	size_t len = strlen(why);

	fprintf(stderr, "Error: %s%s%s%s\n", what ? what : "",
		what ? ": " : "", why, len && why[len - 1] == '.' ? "" : ".");
}

static void set_flag(struct nl_sock *sk, int opt)
{
	int one = 1;

	/* best effort: an old kernel just does not explain its errors */
	(void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, opt, &one,
			 sizeof(one));
}

/*
 * Join the family's "config" group, and make the socket a listener's:
 * non-blocking, no sequence numbers (notifications have none).
 */
static int join_config(struct vtl_nl *nl)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(nl->sk, VTL_GENL_NAME, VTL_MCGRP_CONFIG);
	if (grp < 0) {
		if (grp == -NLE_OBJ_NOTFOUND) {
			vtl_err("the vtl kernel module has no \"%s\" multicast group: it is older than this vtlctl.",
				VTL_MCGRP_CONFIG);
			return -ENOENT;
		}
		vtl_err("cannot find the \"%s\" multicast group: %s.",
			VTL_MCGRP_CONFIG, nl_geterror(grp));
		return -EIO;
	}
	err = nl_socket_add_membership(nl->sk, grp);
	if (err < 0) {
		/* libnl's code says less than setsockopt()'s errno */
		err = errno ? -errno : -EIO;
		vtl_err("cannot join the \"%s\" multicast group: %s.",
			VTL_MCGRP_CONFIG, strerror(-err));
		return err;
	}
	nl_socket_disable_seq_check(nl->sk);
	err = nl_socket_set_nonblocking(nl->sk);
	if (err < 0) {
		vtl_err("cannot make the netlink socket non-blocking: %s.",
			nl_geterror(err));
		return -EIO;
	}
	return 0;
}

/* Connect and find the family (and join the "config" group if @monitor). */
static int nl_open(struct vtl_nl **nlp, bool monitor)
{
	struct vtl_nl *nl;
	int err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		goto err_nomem;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		goto err_free_nl;
	err = genl_connect(nl->sk);
	if (err < 0) {
		vtl_err("cannot open a generic netlink socket: %s.",
			nl_geterror(err));
		err = -EIO;
		goto err_free_sk;
	}
	set_flag(nl->sk, NETLINK_EXT_ACK);
	/* do not echo our request back in errors; we know what we sent */
	set_flag(nl->sk, NETLINK_CAP_ACK);

	nl->family = genl_ctrl_resolve(nl->sk, VTL_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family;
		if (err == -NLE_OBJ_NOTFOUND) {
			vtl_err("the vtl kernel module is not loaded.");
			err = -ENOENT;
		} else {
			vtl_err("cannot find the generic netlink family \"%s\": %s.",
				VTL_GENL_NAME, nl_geterror(err));
			err = -EIO;
		}
		goto err_free_sk;
	}
	if (monitor) {
		err = join_config(nl);
		if (err)
			goto err_free_sk;
	}
	*nlp = nl;
	return 0;

err_free_sk:
	nl_socket_free(nl->sk);
	free(nl);
	return err;
err_free_nl:
	free(nl);
err_nomem:
	vtl_err("%s.", strerror(ENOMEM));
	return -ENOMEM;
}

/* Connect and find the family; reports its own failures. */
int vtl_nl_open(struct vtl_nl **nlp)
{
	return nl_open(nlp, false);
}

/* The same, subscribed to the "config" group, for vtl_nl_monitor_read(). */
int vtl_nl_monitor_open(struct vtl_nl **nlp)
{
	return nl_open(nlp, true);
}

void vtl_nl_close(struct vtl_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}
