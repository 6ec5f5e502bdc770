// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel transport's core, over libnl-genl-3: resolve the "vtl"
 * family, send a request, collect its replies, and bring back the kernel's
 * verdict.  What each object asks and how its replies read is the object's
 * own (port_cmd.c, fw_cmd.c, ..., common/socks_nl.c); this file knows no
 * object, only the attributes they share (addresses, prefixes, counters).
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

#include "genl.h"
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

void vtl_nl_set_msg(struct vtl_nl *nl, const char *msg)
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
		vtl_nl_set_msg(t->nl, msg);
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
int vtl_nl_transact(struct vtl_nl *nl, struct nl_msg *msg,
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
struct nl_msg *vtl_nl_msg_size(const struct vtl_nl *nl, uint8_t cmd,
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

struct nl_msg *vtl_nl_msg(const struct vtl_nl *nl, uint8_t cmd, int flags)
{
	return vtl_nl_msg_size(nl, cmd, flags, 0);
}

/* A request with a u32 ifindex attribute @attr, if @ifindex is not 0. */
struct nl_msg *vtl_nl_ifindex_msg(struct vtl_nl *nl, uint8_t cmd, int flags,
				  int attr, uint32_t ifindex)
{
	struct nl_msg *msg = vtl_nl_msg(nl, cmd, flags);

	if (msg && ifindex && nla_put_u32(msg, attr, ifindex) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int parse_list(struct nl_msg *msg, void *arg)
{
	struct vtl_nl_list *l = arg;

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
int vtl_nl_dump(struct vtl_nl *nl, uint8_t cmd, int attr, uint32_t ifindex,
		struct vtl_nl_list *list, const char *what)
{
	struct nl_msg *msg;
	bool intr;
	int tries, err;

	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		vtl_array_free(list->items, list->len, list->cap);
		msg = vtl_nl_ifindex_msg(nl, cmd, NLM_F_DUMP, attr, ifindex);
		if (!msg)
			return -ENOMEM;
		err = vtl_nl_transact(nl, msg, parse_list, list, &intr);
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
uint64_t vtl_nl_scalar(struct nlattr *attr, int type)
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
int vtl_nl_parse_scalars(struct nlattr *nest, int max,
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
		val[i] = vtl_nl_scalar(tb[i], policy[i].type);
		*present |= 1u << i;
	}
	return 0;
}

int vtl_nl_parse_stats(struct nlattr *nest, struct vtlctl_stats *stats)
{
	static const struct nla_policy policy[VTL_STATS_A_MAX + 1] = {
		[VTL_STATS_A_RX_PACKETS]	= { .type = NLA_U64 },
		[VTL_STATS_A_RX_BYTES]		= { .type = NLA_U64 },
		[VTL_STATS_A_TX_PACKETS]	= { .type = NLA_U64 },
		[VTL_STATS_A_TX_BYTES]		= { .type = NLA_U64 },
		[VTL_STATS_A_DROPPED]		= { .type = NLA_U64 },
	};

	return vtl_nl_parse_scalars(nest, VTL_STATS_A_MAX, policy,
				    stats->counter, &stats->present);
}

/* An address of the connection's family, of exactly its length. */
int vtl_nl_get_addr(struct nlattr *attr, uint8_t family, uint8_t *addr)
{
	int len = family == 4 ? 4 : 16;

	if (!attr || nla_len(attr) != len)
		return -EBADMSG;
	memcpy(addr, nla_data(attr), len);
	return 0;
}

int vtl_nl_put_prefix(struct nl_msg *msg, int attr, int len_attr,
		      uint8_t family, const uint8_t *addr, uint8_t len)
{
	if (nla_put(msg, attr, family == 4 ? 4 : 16, addr) < 0 ||
	    nla_put_u8(msg, len_attr, len) < 0)
		return -EMSGSIZE;
	return 0;
}

/* A prefix of a rule the kernel returned: of its family, not too long. */
int vtl_nl_get_prefix(struct nlattr *attr, struct nlattr *len_attr,
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

/* A MAC address the kernel returned, if @attr: 6 bytes exactly. */
int vtl_nl_get_mac(struct nlattr *attr, bool *has, uint8_t *mac)
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
int vtl_nl_get_ip(struct nlattr *attr, uint8_t family, bool *has,
		  uint8_t *addr)
{
	if (!attr)
		return 0;
	if (vtl_nl_get_addr(attr, family, addr))
		return -EBADMSG;
	*has = true;
	return 0;
}

/* The family of a 4- or 16-byte address, or 0. */
uint8_t vtl_nl_addr_family(struct nlattr *attr)
{
	if (!attr)
		return 0;
	return nla_len(attr) == 4 ? 4 : nla_len(attr) == 16 ? 6 : 0;
}

/* Send @msg, which needs no answer but the ACK, and free it. */
int vtl_nl_simple(struct vtl_nl *nl, struct nl_msg *msg)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = vtl_nl_transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

static int parse_one_scalar(struct nl_msg *msg, void *arg)
{
	struct vtl_nl_one *one = arg;
	struct nlattr *tb[one->max + 1];

	/* a doit answers once */
	if (one->found ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, one->max, one->policy) < 0 ||
	    !tb[one->attr])
		return -EBADMSG;
	one->val = vtl_nl_scalar(tb[one->attr], one->policy[one->attr].type);
	one->found = true;
	return 0;
}

/* Send @msg (and free it), whose answer is @one; @missing: if it is not. */
int vtl_nl_transact_one(struct vtl_nl *nl, struct nl_msg *msg,
			struct vtl_nl_one *one, const char *missing)
{
	int err;

	if (!msg)
		return -ENOMEM;
	err = vtl_nl_transact(nl, msg, parse_one_scalar, one, NULL);
	nlmsg_free(msg);
	if (!err && !one->found) {
		vtl_nl_set_msg(nl, missing);
		err = -EBADMSG;
	}
	return err;
}

/*
 * A request larger than the socket's send buffer fails with EMSGSIZE:
 * grow it, past net.core.wmem_max if we may (we have CAP_NET_ADMIN, or the
 * kernel refuses us anyway).  Best effort: the send says if it failed.
 */
void vtl_nl_fit_sndbuf(struct vtl_nl *nl, size_t len)
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
uint32_t vtl_nl_tail_offset(struct nl_msg *msg)
{
	return (char *)nlmsg_tail(nlmsg_hdr(msg)) - (char *)nlmsg_hdr(msg);
}

/*
 * Read what is pending on a monitor socket, without blocking, and give
 * each notification to @parse (which returns NL_OK or NL_SKIP).  Return 0,
 * or -ENOBUFS when notifications were lost (the socket's buffer overran),
 * -EIO when the socket failed.
 */
int vtl_nl_monitor_recv(struct vtl_nl *nl,
			int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct nl_cb *base, *ncb;
	int ret;

	nl->msg[0] = '\0';
	base = nl_socket_get_cb(nl->sk);
	ncb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
	for (;;) {
		errno = 0;
		ret = nl_recvmsgs(nl->sk, ncb);
		if (ret >= 0)
			continue;
		if (ret == -NLE_AGAIN || ret == -NLE_INTR) {
			ret = 0;
		} else if (ret == -NLE_NOMEM && errno == ENOBUFS) {
			/* recvmsg()'s ENOBUFS: the kernel dropped some */
			vtl_nl_set_msg(nl, "notifications were lost: the socket's buffer overran");
			ret = -ENOBUFS;
		} else {
			vtl_nl_set_msg(nl, nl_geterror(ret));
			ret = -EIO;
		}
		break;
	}
	nl_cb_put(ncb);
	return ret;
}

int vtl_nl_monitor_fd(const struct vtl_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int vtl_nl_family(const struct vtl_nl *nl)
{
	return nl->family;
}

struct nl_sock *vtl_nl_sock(const struct vtl_nl *nl)
{
	return nl->sk;
}

uint32_t vtl_nl_bad_offs(const struct vtl_nl *nl)
{
	return nl->bad_offs;
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
