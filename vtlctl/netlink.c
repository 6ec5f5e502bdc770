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
 * NLMSG_ERROR or NLMSG_DONE); return their NLMSGERR_ATTR_MSG, or NULL.
 */
static const char *extack_msg(const struct nlmsghdr *nlh, size_t hlen)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= off)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, policy) < 0)
		return NULL;
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
	const char *msg = extack_msg(nlh, nlmsgerr_hlen(nlh));
	struct transaction *t = arg;

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
		warning = extack_msg(nlh, nlmsgerr_hlen(nlh));
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
			fail(t, err, extack_msg(nlh, sizeof(err)));
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

static struct nl_msg *vtl_msg(const struct vtl_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, VTL_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
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
	struct nlattr *tb[VTL_STATS_A_MAX + 1];
	int i;

	if (nla_parse_nested(tb, VTL_STATS_A_MAX, nest, policy) < 0)
		return -EBADMSG;
	memset(stats, 0, sizeof(*stats));
	for (i = VTL_STATS_A_PAD + 1; i <= VTL_STATS_A_MAX; i++) {
		if (!tb[i])
			continue;
		stats->counter[i] = nla_get_u64(tb[i]);
		stats->present |= 1u << i;
	}
	return 0;
}

/*
 * One VTL_CMD_PORT_GET reply into @port.  Attributes newer than this
 * program are ignored; a known one of the wrong size is an error.
 */
static int parse_port(struct nl_msg *msg, struct vtl_port *port)
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
		[VTL_PORT_A_CONNS]	  = { .type = NLA_U32 },
		[VTL_PORT_A_CONN_DROPPED] = { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_PORT_A_MAX + 1];

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
	if (tb[VTL_PORT_A_CONNS]) {
		port->has_conns = true;
		port->conns = nla_get_u32(tb[VTL_PORT_A_CONNS]);
	}
	if (tb[VTL_PORT_A_CONN_DROPPED]) {
		port->has_conn_dropped = true;
		port->conn_dropped = nla_get_u64(tb[VTL_PORT_A_CONN_DROPPED]);
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

static int parse_port_list(struct nl_msg *msg, void *arg)
{
	struct vtl_port_list *list = arg;
	struct vtl_port *ports;
	size_t cap;

	if (list->len == list->cap) {
		cap = list->cap ? 2 * list->cap : 16;
		ports = realloc(list->ports, cap * sizeof(*ports));
		if (!ports)
			return -ENOMEM;
		list->ports = ports;
		list->cap = cap;
	}
	if (parse_port(msg, &list->ports[list->len]))
		return -EBADMSG;
	list->len++;
	return 0;
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
	struct nl_msg *msg;
	bool intr;
	int tries, err;

	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		vtl_port_list_free(list);
		msg = vtl_msg(nl, VTL_CMD_PORT_GET, NLM_F_DUMP);
		if (!msg)
			return -ENOMEM;
		err = transact(nl, msg, parse_port_list, list, &intr);
		nlmsg_free(msg);
		if (err || !intr)
			return err;
	}
	vtl_port_list_free(list);
	set_msg(nl, "the ports kept changing while they were listed, try again");
	return -EAGAIN;
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
static int parse_conn(struct nl_msg *msg, struct vtl_conn *conn)
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

static int parse_conn_list(struct nl_msg *msg, void *arg)
{
	struct vtl_conn_list *list = arg;
	struct vtl_conn *conns;
	size_t cap;

	if (list->len == list->cap) {
		cap = list->cap ? 2 * list->cap : 64;
		conns = realloc(list->conns, cap * sizeof(*conns));
		if (!conns)
			return -ENOMEM;
		list->conns = conns;
		list->cap = cap;
	}
	if (parse_conn(msg, &list->conns[list->len]))
		return -EBADMSG;
	list->len++;
	return 0;
}

/* A connection command with an optional ifindex; NLM_F_DUMP in @flags. */
static struct nl_msg *conn_msg(struct vtl_nl *nl, uint8_t cmd, int flags,
			       uint32_t ifindex)
{
	struct nl_msg *msg = vtl_msg(nl, cmd, flags);

	if (msg && ifindex &&
	    nla_put_u32(msg, VTL_CONN_A_IFINDEX, ifindex) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * The connections of one port (@ifindex) or all, into @list (emptied
 * first).  Connections change all the time; only a change of the ports
 * makes the kernel flag the dump, and then it is redone.
 */
int vtl_nl_conn_dump(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtl_conn_list *list)
{
	struct nl_msg *msg;
	bool intr;
	int tries, err;

	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		vtl_conn_list_free(list);
		msg = conn_msg(nl, VTL_CMD_CONN_GET, NLM_F_DUMP, ifindex);
		if (!msg)
			return -ENOMEM;
		err = transact(nl, msg, parse_conn_list, list, &intr);
		nlmsg_free(msg);
		if (err || !intr)
			return err;
	}
	vtl_conn_list_free(list);
	set_msg(nl, "the ports kept changing while they were listed, try again");
	return -EAGAIN;
}

int vtl_nl_conn_flush(struct vtl_nl *nl, uint32_t ifindex)
{
	struct nl_msg *msg = conn_msg(nl, VTL_CMD_CONN_FLUSH, 0, ifindex);
	int err;

	if (!msg)
		return -ENOMEM;
	err = transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return err;
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

/* Connect and find the family; reports its own failures. */
int vtl_nl_open(struct vtl_nl **nlp)
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

void vtl_nl_close(struct vtl_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}
