// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vtlctl's kernel transport, common/genl.c, which is
 * #included here so that its connect and family lookup can be swapped for a
 * fake kernel: libnl's send and receive are overridden on the socket,
 * requests are decoded, and replies are built the way the kernel builds
 * them (an NLMSG_ERROR with extended ACK attributes, an NLMSG_DONE carrying
 * a dump's error, NLM_F_DUMP_INTR, ...); the objects' requests (port_cmd.c,
 * rewrite_cmd.c, common/socks_nl.c, ...) are linked, on it.  The last tests
 * run "port show" end to end against the fake and compare the text and JSON
 * output.  One test talks to the real kernel's "nlctrl" family, to check the
 * extended ACK parsing on what a kernel really sends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "../../selftests/tap.h"

static int fake_genl_connect(struct nl_sock *sk);
static int fake_genl_ctrl_resolve(struct nl_sock *sk, const char *name);
static int fake_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *name,
				      const char *grp);
static int fake_add_membership(struct nl_sock *sk, int group, ...);
static int fake_set_nonblocking(const struct nl_sock *sk);

#define genl_connect fake_genl_connect
#define genl_ctrl_resolve fake_genl_ctrl_resolve
#define genl_ctrl_resolve_grp fake_genl_ctrl_resolve_grp
#define nl_socket_add_membership fake_add_membership
#define nl_socket_set_nonblocking fake_set_nonblocking
#include "../common/genl.c"
#include "../common/socks_nl.h"
#undef genl_connect
#undef genl_ctrl_resolve
#undef genl_ctrl_resolve_grp
#undef nl_socket_add_membership
#undef nl_socket_set_nonblocking

#include "../port_cmd.h"
#include "../rewrite_cmd.h"
#include "../socks_cmd.h"
#include "../vtlctl.h"
#include <arpa/inet.h>

#define FAKE_FAMILY 0x42
#define FAKE_GROUP 0x17
#define FAKE_QUEUE 32

/* The fake kernel: the request it last got, and the datagrams it queued. */
static struct {
	bool on;		/* else: the real libnl functions */
	bool no_family;
	bool no_group;		/* the family has no "config" group */
	int group;		/* the group joined, 0: none */
	bool nonblocking;
	int recv_errno;		/* the next recv fails with this errno */
	void (*respond)(void);	/* builds the replies to a request */
	int requests;
	unsigned char *req;	/* copy of the last request */
	uint8_t cmd;
	uint16_t flags;
	uint32_t ifindex, mode, peer;
	bool has_mode, has_peer;
	int dumps;		/* dumps answered so far */
	unsigned char *queue[FAKE_QUEUE];
	size_t len[FAKE_QUEUE];
	int head, tail;
	unsigned char cur[16384];	/* datagram being built */
	size_t curlen;
} fk;

static const struct nlmsghdr *req_hdr(void)
{
	return (const struct nlmsghdr *)fk.req;
}

static int fake_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[VTL_PORT_A_MAX + 1];

	(void)sk;
	fk.requests++;
	free(fk.req);
	fk.req = malloc(nlh->nlmsg_len);
	memcpy(fk.req, nlh, nlh->nlmsg_len);
	fk.cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	fk.flags = nlh->nlmsg_flags;
	fk.ifindex = fk.mode = fk.peer = 0;
	fk.has_mode = fk.has_peer = false;
	if (genlmsg_parse(nlh, 0, tb, VTL_PORT_A_MAX, NULL) == 0) {
		if (tb[VTL_PORT_A_IFINDEX])
			fk.ifindex = nla_get_u32(tb[VTL_PORT_A_IFINDEX]);
		fk.has_mode = tb[VTL_PORT_A_MODE];
		if (fk.has_mode)
			fk.mode = nla_get_u32(tb[VTL_PORT_A_MODE]);
		fk.has_peer = tb[VTL_PORT_A_PEER_IFINDEX];
		if (fk.has_peer)
			fk.peer = nla_get_u32(tb[VTL_PORT_A_PEER_IFINDEX]);
	}
	if (fk.respond)
		fk.respond();
	return nlh->nlmsg_len;
}

static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
		     unsigned char **buf, struct ucred **creds)
{
	size_t len;

	(void)sk;
	(void)creds;
	if (fk.recv_errno) {
		/* as libnl's nl_recv() reports a failed recvmsg() */
		errno = fk.recv_errno;
		fk.recv_errno = 0;
		return -nl_syserr2nlerr(errno);
	}
	if (fk.head == fk.tail)
		return -NLE_AGAIN;	/* the real one would block forever */
	len = fk.len[fk.head];
	*buf = fk.queue[fk.head];
	fk.head = (fk.head + 1) % FAKE_QUEUE;
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	return len;
}

static int fake_genl_connect(struct nl_sock *sk)
{
	struct nl_cb *cb;

	if (!fk.on)
		return genl_connect(sk);
	cb = nl_socket_get_cb(sk);
	nl_cb_overwrite_send(cb, fake_send);
	nl_cb_overwrite_recv(cb, fake_recv);
	nl_cb_put(cb);
	return 0;
}

static int fake_genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	if (!fk.on)
		return genl_ctrl_resolve(sk, name);
	return fk.no_family ? -NLE_OBJ_NOTFOUND : FAKE_FAMILY;
}

static int fake_genl_ctrl_resolve_grp(struct nl_sock *sk, const char *name,
				      const char *grp)
{
	if (!fk.on)
		return genl_ctrl_resolve_grp(sk, name, grp);
	if (fk.no_family || fk.no_group || strcmp(name, VTL_GENL_NAME) ||
	    strcmp(grp, VTL_MCGRP_CONFIG))
		return -NLE_OBJ_NOTFOUND;
	return FAKE_GROUP;
}

static int fake_add_membership(struct nl_sock *sk, int group, ...)
{
	(void)sk;
	fk.group = group;
	return 0;
}

static int fake_set_nonblocking(const struct nl_sock *sk)
{
	(void)sk;
	fk.nonblocking = true;
	return 0;
}

/* Append @m to the datagram being built, and free it. */
static void add(struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (fk.curlen + len <= sizeof(fk.cur)) {
		memcpy(fk.cur + fk.curlen, nlh, len);
		fk.curlen += len;
	}
	nlmsg_free(m);
}

/* Queue the datagram built so far. */
static void send_dgram(void)
{
	fk.queue[fk.tail] = malloc(fk.curlen);
	memcpy(fk.queue[fk.tail], fk.cur, fk.curlen);
	fk.len[fk.tail] = fk.curlen;
	fk.tail = (fk.tail + 1) % FAKE_QUEUE;
	fk.curlen = 0;
}

static void drain(void)
{
	while (fk.head != fk.tail) {
		free(fk.queue[fk.head]);
		fk.head = (fk.head + 1) % FAKE_QUEUE;
	}
}

struct fake_port {
	uint32_t ifindex;
	const char *name;
	uint32_t mode;
	uint32_t peer;
	const char *peer_name;
	uint64_t base;		/* counters are base, base+1, ... */
	bool stats;
	bool fw;		/* with a VTL_PORT_A_FW nest */
};

static void put_stats(struct nl_msg *m, int type, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(m, type);
	int i;

	for (i = VTL_STATS_A_RX_PACKETS; i <= VTL_STATS_A_DROPPED; i++)
		nla_put_u64(m, i, base + i - VTL_STATS_A_RX_PACKETS);
	nla_nest_end(m, nest);
}

/* A reply of the family to the last request, its attributes to come. */
static struct nl_msg *mk_reply(uint8_t cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, req_hdr()->nlmsg_seq, FAKE_FAMILY, 0, flags, cmd,
		    VTL_GENL_VERSION);
	return m;
}

/* The firewall of a port: policies accept and drop, counters 50, 51... */
static void put_fw(struct nl_msg *m)
{
	struct nlattr *nest = nla_nest_start(m, VTL_PORT_A_FW);
	int i;

	nla_put_u8(m, VTL_FW_PORT_A_POLICY_IN, VTL_FW_VERDICT_ACCEPT);
	nla_put_u8(m, VTL_FW_PORT_A_POLICY_OUT, VTL_FW_VERDICT_DROP);
	nla_put_u32(m, VTL_FW_PORT_A_RULES_IN, 2);
	nla_put_u32(m, VTL_FW_PORT_A_RULES_OUT, 2);
	for (i = VTL_FW_PORT_A_ACCEPTED; i <= VTL_FW_PORT_A_MAX; i++)
		nla_put_u64(m, i, 50 + i - VTL_FW_PORT_A_ACCEPTED);
	/* from a newer kernel, to be ignored */
	nla_put_u32(m, VTL_FW_PORT_A_MAX + 1, 7);
	nla_nest_end(m, nest);
}

static struct nl_msg *mk_port(const struct fake_port *p, int flags)
{
	struct nl_msg *m = mk_reply(VTL_CMD_PORT_GET, flags);

	nla_put_u32(m, VTL_PORT_A_IFINDEX, p->ifindex);
	nla_put_string(m, VTL_PORT_A_IFNAME, p->name);
	nla_put_u32(m, VTL_PORT_A_MODE, p->mode);
	if (p->peer) {
		nla_put_u32(m, VTL_PORT_A_PEER_IFINDEX, p->peer);
		nla_put_string(m, VTL_PORT_A_PEER_IFNAME, p->peer_name);
	}
	if (p->stats) {
		put_stats(m, VTL_PORT_A_STATS, p->base);
		if (p->peer)
			put_stats(m, VTL_PORT_A_PEER_STATS, p->base + 100);
	}
	if (p->fw)
		put_fw(m);
	/* an attribute from a newer kernel, to be ignored */
	nla_put_u32(m, VTL_PORT_A_MAX + 1, 7);
	return m;
}

/*
 * NLMSG_ERROR as netlink_ack() builds it; @capped: no echoed payload;
 * @offs: where in the request the error is (0: nowhere).
 */
static struct nl_msg *mk_err_at(int error, const char *extack, bool capped,
				uint32_t offs)
{
	const struct nlmsghdr *req = req_hdr();
	size_t payload = sizeof(struct nlmsgerr);
	struct nl_msg *m = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	if (!capped)
		payload += req->nlmsg_len - NLMSG_HDRLEN;
	nlh = nlmsg_put(m, 0, req->nlmsg_seq, NLMSG_ERROR, payload,
			capped ? NLM_F_CAPPED : 0);
	e = nlmsg_data(nlh);
	e->error = error;
	memcpy(&e->msg, req, capped ? NLMSG_HDRLEN : req->nlmsg_len);
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		nla_put_string(m, NLMSGERR_ATTR_MSG, extack);
		if (offs)
			nla_put_u32(m, NLMSGERR_ATTR_OFFS, offs);
	}
	return m;
}

/* ... pointing at the request's first attribute, as a policy error does. */
static struct nl_msg *mk_err(int error, const char *extack, bool capped)
{
	return mk_err_at(error, extack, capped, NLMSG_HDRLEN + GENL_HDRLEN);
}

static struct nl_msg *mk_done(int error, const char *extack, int flags)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlmsghdr *nlh;

	nlh = nlmsg_put(m, 0, req_hdr()->nlmsg_seq, NLMSG_DONE, sizeof(int),
			NLM_F_MULTI | flags);
	memcpy(nlmsg_data(nlh), &error, sizeof(error));
	if (extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		nla_put_string(m, NLMSGERR_ATTR_MSG, extack);
	}
	return m;
}

static const struct fake_port ports[] = {
	{ 3, "vmif0", VTL_PORT_MODE_STANDALONE, 4, "up0", 10, true, false },
	{ 5, "vmif1", VTL_PORT_MODE_HOST_ONLY, 0, NULL, 20, true, false },
	{ 6, "vmif2", VTL_PORT_MODE_BRIDGE, 0, NULL, 30, false, false },
};

/* --- responders: one per behaviour of the kernel ------------------------ */

static void ack_ok(void)
{
	add(mk_err(0, NULL, true));
	send_dgram();
}

static void ack_warning(void)
{
	add(mk_err(0, "mode ignored", true));
	send_dgram();
}

static void err_eexist(void)
{
	add(mk_err(-EEXIST, "device is already attached", true));
	send_dgram();
}

static void err_uncapped(void)
{
	add(mk_err(-EBUSY, "device belongs to a bridge.", false));
	send_dgram();
}

static void err_eperm(void)
{
	add(mk_err(-EPERM, NULL, false));
	send_dgram();
}

static void get_ok(void)
{
	add(mk_port(&ports[0], 0));
	send_dgram();
	add(mk_err(0, NULL, true));
	send_dgram();
}

static void get_malformed(void)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, req_hdr()->nlmsg_seq, FAKE_FAMILY, 0, 0,
		    VTL_CMD_PORT_GET, VTL_GENL_VERSION);
	nla_put_u16(m, VTL_PORT_A_IFINDEX, 3);	/* u32 in the contract */
	nla_put_u32(m, VTL_PORT_A_MODE, 1);
	add(m);
	send_dgram();
	add(mk_err(0, NULL, true));
	send_dgram();
}

static void get_nothing(void)
{
	add(mk_err(0, NULL, true));
	send_dgram();
}

static void dump_ok(void)
{
	fk.dumps++;
	add(mk_port(&ports[0], NLM_F_MULTI));
	add(mk_port(&ports[1], NLM_F_MULTI));
	send_dgram();
	add(mk_port(&ports[2], NLM_F_MULTI));
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* The first dump races with a change; the second one does not. */
static void dump_intr_once(void)
{
	if (fk.dumps++ == 0) {
		add(mk_port(&ports[0], NLM_F_MULTI));
		add(mk_port(&ports[1], NLM_F_MULTI | NLM_F_DUMP_INTR));
		send_dgram();
		add(mk_done(0, NULL, NLM_F_DUMP_INTR));
		send_dgram();
		return;
	}
	add(mk_port(&ports[2], NLM_F_MULTI));
	add(mk_done(0, NULL, 0));
	send_dgram();
}

static void dump_intr_always(void)
{
	fk.dumps++;
	add(mk_port(&ports[0], NLM_F_MULTI | NLM_F_DUMP_INTR));
	add(mk_done(0, NULL, NLM_F_DUMP_INTR));
	send_dgram();
}

static void dump_error(void)
{
	fk.dumps++;
	add(mk_port(&ports[0], NLM_F_MULTI));
	send_dgram();
	add(mk_done(-ENOBUFS, "out of room", 0));
	send_dgram();
}

static void dump_empty(void)
{
	fk.dumps++;
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* --- tests --------------------------------------------------------------- */

static struct vtl_nl *open_fake(void (*respond)(void))
{
	struct vtl_nl *nl = NULL;

	drain();
	fk.on = true;
	fk.no_family = false;
	fk.respond = respond;
	fk.dumps = 0;
	fk.requests = 0;
	if (vtl_nl_open(&nl))
		return NULL;
	return nl;
}

static void test_open(void)
{
	struct capture cap;
	struct vtl_nl *nl = NULL;
	int err;

	fk.on = true;
	fk.no_family = true;
	capture_begin(&cap, 2);
	err = vtl_nl_open(&nl);
	CHECK_STR(capture_end(&cap),
		  "Error: the vtl kernel module is not loaded.\n",
		  "no family: message");
	CHECK(err == -ENOENT && !nl, "no family: -ENOENT");
	fk.no_family = false;
}

static void test_new(void)
{
	struct vtlctl_port_req req = { .ifindex = 3, .peer_ifindex = 4,
				    .mode = VTL_PORT_MODE_STANDALONE };
	struct vtl_nl *nl = open_fake(ack_ok);
	struct capture cap;
	int err;

	err = vtl_nl_port_new(nl, &req);
	CHECK(!err, "new: acked");
	CHECK(fk.cmd == VTL_CMD_PORT_NEW && fk.ifindex == 3 &&
	      fk.has_mode && fk.mode == VTL_PORT_MODE_STANDALONE &&
	      fk.has_peer && fk.peer == 4, "new: attributes sent");
	CHECK(fk.flags & NLM_F_ACK, "new: asks for an ACK");

	req = (struct vtlctl_port_req){ .ifindex = 3 };
	err = vtl_nl_port_new(nl, &req);
	CHECK(!err && !fk.has_mode && !fk.has_peer,
	      "new: no mode, no peer sent when not given");

	fk.respond = ack_warning;
	capture_begin(&cap, 2);
	err = vtl_nl_port_new(nl, &req);
	CHECK_STR(capture_end(&cap), "Warning: mode ignored.\n",
		  "new: an ACK's message is a warning");
	CHECK(!err, "new: a warning is no failure");

	fk.respond = err_eexist;
	err = vtl_nl_port_new(nl, &req);
	CHECK(err == -EEXIST, "new: kernel error");
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, "vmif0", err);
	CHECK_STR(capture_end(&cap),
		  "Error: vmif0: device is already attached.\n",
		  "new: extack, with the device and a full stop");

	fk.respond = err_uncapped;
	err = vtl_nl_port_new(nl, &req);
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, "vmif0", err);
	CHECK_STR(capture_end(&cap),
		  "Error: vmif0: device belongs to a bridge.\n",
		  "new: extack after an echoed request, one full stop");

	fk.respond = err_eperm;
	err = vtl_nl_port_new(nl, &req);
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, NULL, err);
	CHECK_STR(capture_end(&cap), "Error: Operation not permitted.\n",
		  "new: no extack: strerror");

	fk.respond = NULL;	/* the kernel never answers */
	err = vtl_nl_port_new(nl, &req);
	CHECK(err == -EIO, "new: a transport failure is -EIO");
	vtl_nl_close(nl);
}

static void test_del(void)
{
	struct vtl_nl *nl = open_fake(ack_ok);
	int err;

	err = vtl_nl_port_del(nl, 9);
	CHECK(!err && fk.cmd == VTL_CMD_PORT_DEL && fk.ifindex == 9 &&
	      !fk.has_mode && !fk.has_peer, "del: sends the ifindex only");
	vtl_nl_close(nl);
}

static void test_get(void)
{
	struct vtl_nl *nl = open_fake(get_ok);
	struct vtlctl_port port;
	struct capture cap;
	int err;

	err = vtl_nl_port_get(nl, 3, &port);
	CHECK(!err, "get: ok");
	CHECK(fk.cmd == VTL_CMD_PORT_GET && fk.ifindex == 3 &&
	      !(fk.flags & NLM_F_DUMP), "get: a doit with the ifindex");
	CHECK(port.ifindex == 3 && !strcmp(port.ifname, "vmif0") &&
	      port.mode == VTL_PORT_MODE_STANDALONE, "get: port parsed");
	CHECK(port.has_peer && port.peer_ifindex == 4 &&
	      !strcmp(port.peer_ifname, "up0"), "get: peer parsed");
	CHECK(port.has_stats &&
	      port.stats.counter[VTL_STATS_A_RX_PACKETS] == 10 &&
	      port.stats.counter[VTL_STATS_A_DROPPED] == 14 &&
	      vtl_stats_has(&port.stats, VTL_STATS_A_TX_BYTES) &&
	      !vtl_stats_has(&port.stats, VTL_STATS_A_PAD),
	      "get: stats parsed");
	CHECK(port.has_peer_stats &&
	      port.peer_stats.counter[VTL_STATS_A_RX_PACKETS] == 110,
	      "get: peer stats parsed");

	fk.respond = get_malformed;
	err = vtl_nl_port_get(nl, 3, &port);
	CHECK(err == -EBADMSG, "get: a malformed reply is -EBADMSG");
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, "vmif0", err);
	CHECK_STR(capture_end(&cap),
		  "Error: vmif0: the kernel's reply is malformed.\n",
		  "get: malformed: message");
	CHECK(fk.head == fk.tail, "get: read to the ACK after a bad reply");

	fk.respond = get_nothing;
	err = vtl_nl_port_get(nl, 3, &port);
	CHECK(err == -EBADMSG, "get: an ACK without a port is an error");
	vtl_nl_close(nl);
}

static void test_dump(void)
{
	struct vtlctl_port_list list = { 0 };
	struct vtl_nl *nl = open_fake(dump_ok);
	struct capture cap;
	int err;

	err = vtl_nl_port_dump(nl, &list);
	CHECK(!err && list.len == 3, "dump: three ports");
	CHECK(fk.flags & NLM_F_DUMP, "dump: NLM_F_DUMP");
	CHECK(list.len == 3 && list.ports[2].ifindex == 6 &&
	      !list.ports[2].has_stats && !list.ports[2].has_peer,
	      "dump: a port without stats or peer");

	fk.respond = dump_intr_once;
	fk.dumps = 0;
	err = vtl_nl_port_dump(nl, &list);
	CHECK(!err && fk.dumps == 2, "dump: redone after NLM_F_DUMP_INTR");
	CHECK(list.len == 1 && list.ports[0].ifindex == 6,
	      "dump: only the consistent dump is kept");

	fk.respond = dump_intr_always;
	fk.dumps = 0;
	err = vtl_nl_port_dump(nl, &list);
	CHECK(err == -EAGAIN && fk.dumps == VTL_NL_DUMP_TRIES && !list.len,
	      "dump: gives up after %d tries", VTL_NL_DUMP_TRIES);

	fk.respond = dump_error;
	err = vtl_nl_port_dump(nl, &list);
	CHECK(err == -ENOBUFS, "dump: error in NLMSG_DONE");
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, NULL, err);
	CHECK_STR(capture_end(&cap), "Error: out of room.\n",
		  "dump: extack of NLMSG_DONE");

	fk.respond = dump_empty;
	err = vtl_nl_port_dump(nl, &list);
	CHECK(!err && !list.len, "dump: empty");
	vtl_port_list_free(&list);
	vtl_nl_close(nl);
}

/* vtlctl @opts @argv (an object's words), against the fake kernel. */
static int run_cmd(int (*obj)(const struct vtl_opts *, int, char **),
		   const struct vtl_opts *opts, char *argv[],
		   void (*respond)(void), struct capture *out,
		   struct capture *err)
{
	int argc = 0, ret;

	while (argv[argc])
		argc++;
	drain();
	fk.on = true;
	fk.respond = respond;
	fk.dumps = 0;
	fk.requests = 0;
	clearerr(stdout);	/* after the test of a full stdout */
	capture_begin(err, 2);
	capture_begin(out, 1);
	ret = obj(opts, argc, argv);
	capture_end(out);
	capture_end(err);
	return ret;
}

/* vtlctl [opts] port show [dev lo], against the fake kernel. */
static int run_show(bool json, bool pretty, bool stats, bool dev,
		    void (*respond)(void), struct capture *out,
		    struct capture *err)
{
	struct vtl_opts opts = { .json = json, .pretty = pretty,
				 .stats = stats };
	char *argv_dev[] = { "port", "show", "dev", "lo", NULL };
	char *argv_all[] = { "port", "show", NULL };

	return run_cmd(port_main, &opts, dev ? argv_dev : argv_all, respond,
		       out, err);
}

static void test_show(void)
{
	struct capture out, err;
	int ret;

	ret = run_show(false, false, false, false, dump_ok, &out, &err);
	CHECK(ret == 0, "show: exit 0");
	CHECK_STR(out.buf,
		  "vmif0: mode standalone peer up0\n"
		  "vmif1: mode host-only\n"
		  "vmif2: mode bridge\n", "show: text");

	ret = run_show(false, false, true, false, dump_ok, &out, &err);
	CHECK_STR(out.buf,
		  "vmif0: mode standalone peer up0\n"
		  "    RX: packets 10 bytes 11 dropped 14\n"
		  "    TX: packets 12 bytes 13\n"
		  "    peer RX: packets 110 bytes 111 dropped 114\n"
		  "    peer TX: packets 112 bytes 113\n"
		  "\n"
		  "vmif1: mode host-only\n"
		  "    RX: packets 20 bytes 21 dropped 24\n"
		  "    TX: packets 22 bytes 23\n"
		  "\n"
		  "vmif2: mode bridge\n", "show -s: text");

	ret = run_show(true, false, false, false, dump_ok, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":3,\"dev\":\"vmif0\",\"mode\":\"standalone\","
		  "\"peer_ifindex\":4,\"peer\":\"up0\"},"
		  "{\"ifindex\":5,\"dev\":\"vmif1\",\"mode\":\"host-only\"},"
		  "{\"ifindex\":6,\"dev\":\"vmif2\",\"mode\":\"bridge\"}]\n",
		  "show -j: JSON");

	ret = run_show(true, false, true, true, get_ok, &out, &err);
	CHECK(ret == 0 && fk.ifindex == 1, "show dev lo -j -s: a doit for lo");
	CHECK_STR(out.buf,
		  "[{\"ifindex\":3,\"dev\":\"vmif0\",\"mode\":\"standalone\","
		  "\"peer_ifindex\":4,\"peer\":\"up0\","
		  "\"stats\":{\"rx_packets\":10,\"rx_bytes\":11,\"dropped\":14,"
		  "\"tx_packets\":12,\"tx_bytes\":13},"
		  "\"peer_stats\":{\"rx_packets\":110,\"rx_bytes\":111,"
		  "\"dropped\":114,\"tx_packets\":112,\"tx_bytes\":113}}]\n",
		  "show dev -j -s: JSON with stats");

	ret = run_show(true, true, false, false, dump_empty, &out, &err);
	CHECK(ret == 0, "show -j -p, no port: exit 0");
	CHECK_STR(out.buf, "[]\n", "show -j -p, no port: []");

	ret = run_show(true, true, false, false, dump_ok, &out, &err);
	CHECK(ret == 0 && strstr(out.buf, "\n  {\n    \"ifindex\": 3,\n"),
	      "show -j -p: indented");

	/* stdout that cannot be written: an error, not a silent success */
	drain();
	fk.respond = dump_ok;
	{
		struct vtl_opts opts = { .json = true };
		char *argv[] = { "port", "show", NULL };
		int saved, full = open("/dev/full", O_WRONLY);

		if (full < 0) {
			printf("ok %d - # SKIP no /dev/full\n", ++tap_count);
		} else {
			fflush(stdout);
			saved = dup(1);
			dup2(full, 1);
			capture_begin(&err, 2);
			ret = port_main(&opts, 2, argv);
			capture_end(&err);
			dup2(saved, 1);
			close(saved);
			close(full);
			CHECK(ret == 1, "show -j > /dev/full: exit 1");
			CHECK_STR(err.buf,
				  "Error: cannot write the output: No space left on device.\n",
				  "show -j > /dev/full: message");
		}
	}

	ret = run_show(true, false, false, false, dump_error, &out, &err);
	CHECK(ret == 1, "show -j, failing dump: exit 1");
	CHECK_STR(out.buf, "", "show -j, failing dump: nothing on stdout");
	CHECK_STR(err.buf, "Error: out of room.\n",
		  "show -j, failing dump: error on stderr");

	ret = run_show(true, false, false, true, err_eperm, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "show dev, EPERM: exit 1, no output");
	CHECK_STR(err.buf, "Error: lo: Operation not permitted.\n",
		  "show dev, EPERM: message");
}

/*
 * The real kernel: a GET of the nlctrl family (command 3, like ours) whose
 * attribute 2, CTRL_ATTR_FAMILY_NAME, is our u32 ifindex "AAAA", with no
 * NUL: the kernel's policy check refuses it, with an extended ACK.
 */
static void test_real_kernel(void)
{
	struct vtl_nl *nl = NULL;
	struct vtlctl_port port;
	struct vtlctl_port_list list = { 0 };
	struct capture cap;
	int err;

	fk.on = false;
	capture_begin(&cap, 2);
	err = vtl_nl_open(&nl);
	capture_end(&cap);
	if (err == 0) {
		/* vtl itself is there: nothing to learn from nlctrl */
		printf("ok %d - # SKIP the vtl family exists\n", ++tap_count);
		vtl_nl_close(nl);
		return;
	}
	nl = calloc(1, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (genl_connect(nl->sk) < 0 ||
	    (nl->family = genl_ctrl_resolve(nl->sk, "nlctrl")) < 0) {
		printf("ok %d - # SKIP no generic netlink here\n", ++tap_count);
		vtl_nl_close(nl);
		return;
	}
	set_flag(nl->sk, NETLINK_EXT_ACK);
	set_flag(nl->sk, NETLINK_CAP_ACK);
	err = vtl_nl_port_get(nl, 0x41414141, &port);
	CHECK(err == -EINVAL, "real kernel: EINVAL (%d)", err);
	CHECK(nl->msg[0] != '\0', "real kernel: an extack message: \"%s\"",
	      nl->msg);
	/* a dump of the families: any answer, as long as it ends */
	err = vtl_nl_port_dump(nl, &list);
	CHECK(err == 0 || err == -EBADMSG, "real kernel: a dump ends (%d)",
	      err);
	vtl_port_list_free(&list);
	vtl_nl_close(nl);
}

/* --- the firewall -------------------------------------------------------- */

/* lo, which every test machine has, attached with a firewall. */
static const struct fake_port fw_port = {
	1, "lo", VTL_PORT_MODE_HOST_ONLY, 0, NULL, 40, true, true,
};

struct fake_rule {
	uint32_t id;
	uint8_t dir, family, proto;
	const char *src, *dst;		/* NULL: none */
	uint8_t src_len, dst_len;
	uint16_t sport[2], dport[2];	/* {0, 0}: none */
	uint8_t state, action;
	uint64_t packets, bytes;
};

/* As the kernel returns them: family with ICMP too, "in" first. */
static const struct fake_rule fw_rules[] = {
	{ 1, VTL_FW_DIR_IN, 4, IPPROTO_TCP, "10.0.0.0", NULL, 8, 0,
	  { 0, 0 }, { 22, 22 }, VTL_FW_CT_NEW | VTL_FW_CT_ESTABLISHED,
	  VTL_FW_VERDICT_ACCEPT, 3, 180 },
	{ 2, VTL_FW_DIR_IN, 4, IPPROTO_ICMP, NULL, NULL, 0, 0,
	  { 0, 0 }, { 0, 0 }, 0, VTL_FW_VERDICT_ACCEPT, 0, 0 },
	{ 5, VTL_FW_DIR_OUT, 6, IPPROTO_UDP, NULL, "2001:db8::", 0, 32,
	  { 1024, 65535 }, { 0, 0 }, 0, VTL_FW_VERDICT_REJECT, 1, 90 },
	{ 6, VTL_FW_DIR_OUT, 6, 99, NULL, NULL, 0, 0,
	  { 0, 0 }, { 0, 0 }, 0, VTL_FW_VERDICT_DROP, 7, 700 },
};

static void put_addr(struct nl_msg *m, int attr, uint8_t family,
		     const char *addr, uint8_t len)
{
	uint8_t buf[16];

	if (!addr)
		return;
	inet_pton(family == 4 ? AF_INET : AF_INET6, addr, buf);
	nla_put(m, attr, family == 4 ? 4 : 16, buf);
	nla_put_u8(m, attr + 1, len);
}

static void put_ports(struct nl_msg *m, int attr, const uint16_t *ports)
{
	if (!ports[1])
		return;
	nla_put_u16(m, attr, ports[0]);
	nla_put_u16(m, attr + 1, ports[1]);
}

static struct nl_msg *mk_rule(const struct fake_rule *r, int flags)
{
	struct nl_msg *m = mk_reply(VTL_CMD_FW_GET, flags);

	nla_put_u32(m, VTL_FW_A_IFINDEX, 1);
	nla_put_u8(m, VTL_FW_A_DIR, r->dir);
	nla_put_u32(m, VTL_FW_A_ID, r->id);
	if (r->family)
		nla_put_u8(m, VTL_FW_A_FAMILY, r->family);
	nla_put_u8(m, VTL_FW_A_PROTO, r->proto);
	put_addr(m, VTL_FW_A_SRC, r->family, r->src, r->src_len);
	put_addr(m, VTL_FW_A_DST, r->family, r->dst, r->dst_len);
	put_ports(m, VTL_FW_A_SPORT_MIN, r->sport);
	put_ports(m, VTL_FW_A_DPORT_MIN, r->dport);
	if (r->state)
		nla_put_u8(m, VTL_FW_A_CT_STATE, r->state);
	nla_put_u8(m, VTL_FW_A_ACTION, r->action);
	nla_put_u64(m, VTL_FW_A_PACKETS, r->packets);
	nla_put_u64(m, VTL_FW_A_BYTES, r->bytes);
	return m;
}

/* The attributes of the last request, as enum vtl_fw_attr. */
static void req_attrs(struct nlattr **tb, int max)
{
	memset(tb, 0, (max + 1) * sizeof(*tb));
	genlmsg_parse((struct nlmsghdr *)fk.req, 0, tb, max, NULL);
}

static void req_fw(struct nlattr **tb)
{
	req_attrs(tb, VTL_FW_A_MAX);
}

static bool has_u8(struct nlattr *a, uint8_t v)
{
	return a && nla_len(a) == 1 && nla_get_u8(a) == v;
}

static bool has_u16(struct nlattr *a, uint16_t v)
{
	return a && nla_len(a) == 2 && nla_get_u16(a) == v;
}

static bool has_u32(struct nlattr *a, uint32_t v)
{
	return a && nla_len(a) == 4 && nla_get_u32(a) == v;
}

static void fw_new_ok(void)
{
	struct nl_msg *m = mk_reply(VTL_CMD_FW_NEW, 0);

	nla_put_u32(m, VTL_FW_A_ID, 7);
	nla_put_u8(m, VTL_FW_A_DIR, VTL_FW_DIR_IN);
	nla_put_u8(m, VTL_FW_A_ACTION, VTL_FW_VERDICT_ACCEPT);
	add(m);
	send_dgram();
	ack_ok();
}

static void err_enodev(void)
{
	add(mk_err(-ENODEV, "device is not attached", true));
	send_dgram();
}

/* "fw show": the port, then the dump of its rules. */
static void fw_show_ok(void)
{
	size_t i;

	if (fk.cmd == VTL_CMD_PORT_GET) {
		add(mk_port(&fw_port, 0));
		send_dgram();
		ack_ok();
		return;
	}
	fk.dumps++;
	for (i = 0; i < ARRAY_SIZE(fw_rules); i++) {
		add(mk_rule(&fw_rules[i], NLM_F_MULTI));
		if (i == 1)
			send_dgram();
	}
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* The port is there, its rules are not what the contract says. */
static void fw_show_malformed(void)
{
	struct nl_msg *m;

	if (fk.cmd == VTL_CMD_PORT_GET) {
		fw_show_ok();
		return;
	}
	m = mk_reply(VTL_CMD_FW_GET, NLM_F_MULTI);
	nla_put_u8(m, VTL_FW_A_DIR, VTL_FW_DIR_IN);	/* no id */
	nla_put_u8(m, VTL_FW_A_ACTION, VTL_FW_VERDICT_ACCEPT);
	add(m);
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* FW_LOAD refused, the extack pointing into the second rule's nest. */
static void load_bad_rule(void)
{
	struct nlattr *rule;
	uint32_t offs = 0;
	int rem, i = 0;

	nlmsg_for_each_attr(rule, (struct nlmsghdr *)fk.req, GENL_HDRLEN, rem) {
		if (nla_type(rule) == VTL_FW_A_RULE && i++ == 1)
			offs = (char *)nla_data(rule) - (char *)fk.req;
	}
	add(mk_err_at(-EINVAL, "a rule that can never match", true, offs));
	send_dgram();
}

static void load_refused(void)
{
	add(mk_err_at(-E2BIG, "the rules take too much memory", true, 0));
	send_dgram();
}

/* Write @text to a temporary file; its name, until the next call. */
static const char *tmp_file(const char *text)
{
	static char path[] = "/tmp/vtlctl-test-XXXXXX";
	int fd;

	strcpy(path, "/tmp/vtlctl-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	return path;
}

static void test_fw_requests(void)
{
	char *add_argv[] = { "fw", "add", "dev", "lo", "dir", "in", "proto",
			     "tcp", "src", "10.0.0.0/8", "dport", "22-23",
			     "state", "new,established", "action", "accept",
			     NULL };
	char *add6_argv[] = { "fw", "add", "dev", "lo", "dir", "out", "dst",
			      "2001:db8::/32", "action", "reject", NULL };
	char *bad_argv[] = { "fw", "add", "dev", "lo", "dir", "in", "proto",
			     "gre", "dport", "1", "action", "drop", NULL };
	char *del_argv[] = { "fw", "del", "dev", "lo", "id", "9", NULL };
	char *flush_argv[] = { "fw", "flush", "dev", "lo", NULL };
	char *flush_out_argv[] = { "fw", "flush", "dev", "lo", "dir", "out",
				   NULL };
	char *policy_argv[] = { "fw", "policy", "dev", "lo", "dir", "in",
				"drop", NULL };
	static const uint8_t net10[4] = { 10 };
	struct nlattr *tb[VTL_FW_A_MAX + 1];
	struct vtl_opts opts = { 0 }, json = { .json = true };
	struct capture out, err;
	int ret;

	ret = run_cmd(fw_main, &opts, add_argv, fw_new_ok, &out, &err);
	CHECK(ret == 0 && !err.buf[0], "fw add: exit 0");
	CHECK_STR(out.buf, "id 7\n", "fw add: prints the new rule's id");
	req_fw(tb);
	CHECK(fk.cmd == VTL_CMD_FW_NEW && (fk.flags & NLM_F_ACK) &&
	      has_u32(tb[VTL_FW_A_IFINDEX], 1), "fw add: FW_NEW for lo");
	CHECK(has_u8(tb[VTL_FW_A_DIR], VTL_FW_DIR_IN) &&
	      has_u8(tb[VTL_FW_A_ACTION], VTL_FW_VERDICT_ACCEPT) &&
	      has_u8(tb[VTL_FW_A_PROTO], IPPROTO_TCP) &&
	      has_u8(tb[VTL_FW_A_CT_STATE],
		     VTL_FW_CT_NEW | VTL_FW_CT_ESTABLISHED),
	      "fw add: dir, action, proto, state");
	CHECK(has_u8(tb[VTL_FW_A_FAMILY], 4) && tb[VTL_FW_A_SRC] &&
	      nla_len(tb[VTL_FW_A_SRC]) == 4 &&
	      !memcmp(nla_data(tb[VTL_FW_A_SRC]), net10, 4) &&
	      has_u8(tb[VTL_FW_A_SRC_LEN], 8) && !tb[VTL_FW_A_DST] &&
	      !tb[VTL_FW_A_DST_LEN], "fw add: family, src and its length");
	CHECK(has_u16(tb[VTL_FW_A_DPORT_MIN], 22) &&
	      has_u16(tb[VTL_FW_A_DPORT_MAX], 23) &&
	      !tb[VTL_FW_A_SPORT_MIN] && !tb[VTL_FW_A_SPORT_MAX],
	      "fw add: the dport range, no sport");
	CHECK(!tb[VTL_FW_A_ID] && !tb[VTL_FW_A_PACKETS] &&
	      !tb[VTL_FW_A_RULES], "fw add: nothing else");

	ret = run_cmd(fw_main, &json, add6_argv, fw_new_ok, &out, &err);
	CHECK(ret == 0, "fw add -j: exit 0");
	CHECK_STR(out.buf, "{\"id\":7}\n", "fw add -j: {\"id\":7}");
	req_fw(tb);
	CHECK(has_u8(tb[VTL_FW_A_FAMILY], 6) && tb[VTL_FW_A_DST] &&
	      nla_len(tb[VTL_FW_A_DST]) == 16 &&
	      has_u8(tb[VTL_FW_A_DST_LEN], 32) && !tb[VTL_FW_A_PROTO] &&
	      !tb[VTL_FW_A_CT_STATE] &&
	      has_u8(tb[VTL_FW_A_ACTION], VTL_FW_VERDICT_REJECT),
	      "fw add: IPv6 dst, nothing not given");

	ret = run_cmd(fw_main, &opts, add_argv, err_enodev, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "fw add, not attached: exit 1, no id");
	CHECK_STR(err.buf, "Error: lo: device is not attached.\n",
		  "fw add, not attached: the kernel's words");
	ret = run_cmd(fw_main, &opts, add_argv, get_nothing, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "fw add, no id: exit 1");
	CHECK_STR(err.buf, "Error: lo: the kernel sent no rule id.\n",
		  "fw add, no id: message");
	ret = run_cmd(fw_main, &opts, bad_argv, fw_new_ok, &out, &err);
	CHECK(ret == 2 && !fk.requests, "fw add, bad line: exit 2, nothing sent");
	CHECK_STR(err.buf,
		  "Error: ports need proto tcp, udp, udplite, sctp or dccp\n",
		  "fw add, bad line: message");

	ret = run_cmd(fw_main, &opts, del_argv, ack_ok, &out, &err);
	req_fw(tb);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_FW_DEL &&
	      has_u32(tb[VTL_FW_A_IFINDEX], 1) && has_u32(tb[VTL_FW_A_ID], 9) &&
	      !tb[VTL_FW_A_DIR], "fw del: FW_DEL with ifindex and id, silent");
	ret = run_cmd(fw_main, &opts, del_argv, err_enodev, &out, &err);
	CHECK(ret == 1, "fw del, refused: exit 1");

	ret = run_cmd(fw_main, &opts, flush_argv, ack_ok, &out, &err);
	req_fw(tb);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_FW_FLUSH &&
	      has_u32(tb[VTL_FW_A_IFINDEX], 1) && !tb[VTL_FW_A_DIR],
	      "fw flush: both directions");
	ret = run_cmd(fw_main, &opts, flush_out_argv, ack_ok, &out, &err);
	req_fw(tb);
	CHECK(ret == 0 && has_u8(tb[VTL_FW_A_DIR], VTL_FW_DIR_OUT),
	      "fw flush dir out: the direction");

	ret = run_cmd(fw_main, &opts, policy_argv, ack_ok, &out, &err);
	req_fw(tb);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_FW_POLICY &&
	      has_u32(tb[VTL_FW_A_IFINDEX], 1) &&
	      has_u8(tb[VTL_FW_A_DIR], VTL_FW_DIR_IN) &&
	      has_u8(tb[VTL_FW_A_POLICY], VTL_FW_VERDICT_DROP),
	      "fw policy: FW_POLICY with dir and verdict");
}

static void test_fw_show(void)
{
	char *argv[] = { "fw", "show", "dev", "lo", NULL };
	struct vtl_opts opts = { 0 }, stats = { .stats = 1 };
	struct vtl_opts json = { .json = true };
	struct vtl_opts json_stats = { .json = true, .stats = 1 };
	struct capture out, err;
	int ret;

	ret = run_cmd(fw_main, &opts, argv, fw_show_ok, &out, &err);
	CHECK(ret == 0 && !err.buf[0] && fk.requests == 2,
	      "fw show: the port, then its rules");
	CHECK(fk.cmd == VTL_CMD_FW_GET && (fk.flags & NLM_F_DUMP) &&
	      fk.ifindex == 1, "fw show: a dump of lo's rules");
	CHECK_STR(out.buf,
		  "lo: policy in accept out drop rules in 2 out 2\n"
		  "    id 1 dir in proto tcp src 10.0.0.0/8 dport 22 state new,established action accept\n"
		  "    id 2 dir in proto icmp action accept\n"
		  "    id 5 dir out proto udp dst 2001:db8::/32 sport 1024-65535 action reject\n"
		  "    id 6 dir out family 6 proto 99 action drop\n",
		  "fw show: text");

	ret = run_cmd(fw_main, &stats, argv, fw_show_ok, &out, &err);
	CHECK_STR(out.buf,
		  "lo: policy in accept out drop rules in 2 out 2\n"
		  "    accepted 50 dropped 51 rejected 52 policy-in 53 policy-out 54\n"
		  "    id 1 dir in proto tcp src 10.0.0.0/8 dport 22 state new,established action accept packets 3 bytes 180\n"
		  "    id 2 dir in proto icmp action accept packets 0 bytes 0\n"
		  "    id 5 dir out proto udp dst 2001:db8::/32 sport 1024-65535 action reject packets 1 bytes 90\n"
		  "    id 6 dir out family 6 proto 99 action drop packets 7 bytes 700\n",
		  "fw show -s: text with counters");

	ret = run_cmd(fw_main, &json, argv, fw_show_ok, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":1,\"dev\":\"lo\",\"policy_in\":\"accept\","
		  "\"policy_out\":\"drop\",\"rules_in\":2,\"rules_out\":2,"
		  "\"rules\":["
		  "{\"id\":1,\"dir\":\"in\",\"family\":4,\"proto\":\"tcp\","
		  "\"src\":\"10.0.0.0/8\",\"dport\":{\"min\":22,\"max\":22},"
		  "\"state\":[\"new\",\"established\"],\"action\":\"accept\"},"
		  "{\"id\":2,\"dir\":\"in\",\"family\":4,\"proto\":\"icmp\","
		  "\"action\":\"accept\"},"
		  "{\"id\":5,\"dir\":\"out\",\"family\":6,\"proto\":\"udp\","
		  "\"dst\":\"2001:db8::/32\","
		  "\"sport\":{\"min\":1024,\"max\":65535},"
		  "\"action\":\"reject\"},"
		  "{\"id\":6,\"dir\":\"out\",\"family\":6,\"proto\":\"99\","
		  "\"action\":\"drop\"}]}]\n",
		  "fw show -j: JSON");

	ret = run_cmd(fw_main, &json_stats, argv, fw_show_ok, &out, &err);
	CHECK(ret == 0 &&
	      strstr(out.buf, "\"rules_out\":2,\"accepted\":50,\"dropped\":51,"
			      "\"rejected\":52,\"policy_in_packets\":53,"
			      "\"policy_out_packets\":54,\"rules\":[") &&
	      strstr(out.buf, "\"action\":\"accept\",\"packets\":3,"
			      "\"bytes\":180}"),
	      "fw show -j -s: the port's and the rules' counters");

	ret = run_cmd(fw_main, &json, argv, err_enodev, &out, &err);
	CHECK(ret == 1 && !out.buf[0] && fk.requests == 1,
	      "fw show, not attached: exit 1, no output, no dump");
	CHECK_STR(err.buf, "Error: lo: device is not attached.\n",
		  "fw show, not attached: message");

	ret = run_cmd(fw_main, &json, argv, fw_show_malformed, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "fw show, malformed rule: exit 1");
	CHECK_STR(err.buf, "Error: lo: the kernel's reply is malformed.\n",
		  "fw show, malformed rule: message");
}

static void port_fw(void)
{
	add(mk_port(&fw_port, 0));
	send_dgram();
	ack_ok();
}

static void test_port_show_fw(void)
{
	char *argv[] = { "port", "show", "dev", "lo", NULL };
	struct vtl_opts opts = { 0 }, stats = { .stats = 1 };
	struct vtl_opts json_stats = { .json = true, .stats = 1 };
	struct capture out, err;

	run_cmd(port_main, &opts, argv, port_fw, &out, &err);
	CHECK_STR(out.buf, "lo: mode host-only\n",
		  "port show: the firewall with -s only");
	run_cmd(port_main, &stats, argv, port_fw, &out, &err);
	CHECK_STR(out.buf,
		  "lo: mode host-only\n"
		  "    fw: policy in accept out drop rules in 2 out 2\n"
		  "    fw: accepted 50 dropped 51 rejected 52 policy-in 53 policy-out 54\n"
		  "    RX: packets 40 bytes 41 dropped 44\n"
		  "    TX: packets 42 bytes 43\n",
		  "port show -s: the firewall's lines");
	run_cmd(port_main, &json_stats, argv, port_fw, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":1,\"dev\":\"lo\",\"mode\":\"host-only\","
		  "\"fw\":{\"policy_in\":\"accept\",\"policy_out\":\"drop\","
		  "\"rules_in\":2,\"rules_out\":2,\"accepted\":50,"
		  "\"dropped\":51,\"rejected\":52,\"policy_in_packets\":53,"
		  "\"policy_out_packets\":54},"
		  "\"stats\":{\"rx_packets\":40,\"rx_bytes\":41,\"dropped\":44,"
		  "\"tx_packets\":42,\"tx_bytes\":43}}]\n",
		  "port show -j -s: the firewall's object");
}

/* The VTL_FW_A_RULE nests of the last request. */
static int req_rules(struct nlattr **first, struct nlattr **last)
{
	struct nlattr *rule;
	int rem, n = 0;

	*first = *last = NULL;
	/* top-level nests, among the request's other attributes */
	nlmsg_for_each_attr(rule, (struct nlmsghdr *)fk.req, GENL_HDRLEN, rem) {
		if (nla_type(rule) != VTL_FW_A_RULE)
			continue;
		if (!n++)
			*first = rule;
		*last = rule;
	}
	return rem ? -1 : n;
}

/* A file of @n rules "dir in proto tcp dport N action accept". */
static char *many_rules(int n)
{
	static const char *fmt = "dir in proto tcp dport %d action accept\n";
	char *text = malloc(n * 48 + 1), *p = text;
	int i;

	*p = '\0';
	for (i = 0; i < n; i++)
		p += sprintf(p, fmt, i);
	return text;
}

static void test_fw_load(void)
{
	char *argv[] = { "fw", "load", "dev", "lo", NULL, NULL };
	struct nlattr *tb[VTL_FW_A_MAX + 1], *rtb[VTL_FW_A_MAX + 1];
	struct nlattr *first, *last;
	struct vtl_opts opts = { 0 };
	struct capture out, err;
	char want[256], *text;
	int ret;

	argv[4] = (char *)tmp_file("# two policies, three rules\n"
				   "policy dir in drop\n"
				   "policy dir out accept\n"
				   "dir in proto tcp dport 22 state new action accept\n"
				   "\n"
				   "dir in proto icmp action accept  # ping\n"
				   "dir out dst 2001:db8::/32 action reject\n");
	ret = run_cmd(fw_main, &opts, argv, ack_ok, &out, &err);
	CHECK(ret == 0 && !out.buf[0] && !err.buf[0], "fw load: exit 0, silent");
	req_fw(tb);
	CHECK(fk.cmd == VTL_CMD_FW_LOAD && fk.requests == 1 &&
	      has_u32(tb[VTL_FW_A_IFINDEX], 1) &&
	      has_u8(tb[VTL_FW_A_POLICY_IN], VTL_FW_VERDICT_DROP) &&
	      has_u8(tb[VTL_FW_A_POLICY_OUT], VTL_FW_VERDICT_ACCEPT),
	      "fw load: one FW_LOAD with the policies");
	CHECK(req_rules(&first, &last) == 3, "fw load: three VTL_FW_A_RULE");
	nla_parse_nested(rtb, VTL_FW_A_MAX, first, NULL);
	CHECK(has_u8(rtb[VTL_FW_A_DIR], VTL_FW_DIR_IN) &&
	      has_u8(rtb[VTL_FW_A_PROTO], IPPROTO_TCP) &&
	      has_u16(rtb[VTL_FW_A_DPORT_MIN], 22) &&
	      has_u8(rtb[VTL_FW_A_CT_STATE], VTL_FW_CT_NEW) &&
	      has_u8(rtb[VTL_FW_A_ACTION], VTL_FW_VERDICT_ACCEPT) &&
	      !rtb[VTL_FW_A_IFINDEX], "fw load: the first rule, in its nest");
	nla_parse_nested(rtb, VTL_FW_A_MAX, last, NULL);
	CHECK(has_u8(rtb[VTL_FW_A_DIR], VTL_FW_DIR_OUT) &&
	      has_u8(rtb[VTL_FW_A_FAMILY], 6) &&
	      has_u8(rtb[VTL_FW_A_DST_LEN], 32) &&
	      has_u8(rtb[VTL_FW_A_ACTION], VTL_FW_VERDICT_REJECT),
	      "fw load: the last rule");

	ret = run_cmd(fw_main, &opts, argv, load_bad_rule, &out, &err);
	snprintf(want, sizeof(want),
		 "Error: %s:6: a rule that can never match.\n", argv[4]);
	CHECK(ret == 1, "fw load, a rule refused: exit 1");
	CHECK_STR(err.buf, want, "fw load, a rule refused: names its line");
	ret = run_cmd(fw_main, &opts, argv, load_refused, &out, &err);
	CHECK_STR(err.buf, "Error: lo: the rules take too much memory.\n",
		  "fw load, refused as a whole: names the device");

	argv[4] = (char *)tmp_file("");
	ret = run_cmd(fw_main, &opts, argv, ack_ok, &out, &err);
	req_fw(tb);
	CHECK(ret == 0 && fk.cmd == VTL_CMD_FW_LOAD && !tb[VTL_FW_A_RULES] &&
	      !tb[VTL_FW_A_POLICY_IN] && !tb[VTL_FW_A_POLICY_OUT],
	      "fw load, empty file: no rules, policies unchanged");

	argv[4] = (char *)tmp_file("dir in action accept\nfoo\n");
	ret = run_cmd(fw_main, &opts, argv, ack_ok, &out, &err);
	snprintf(want, sizeof(want), "Error: %s:2: unknown keyword \"foo\".\n",
		 argv[4]);
	CHECK(ret == 1 && !fk.requests, "fw load, bad file: exit 1, nothing sent");
	CHECK_STR(err.buf, want, "fw load, bad file: FILE:LINE");

	/* 10,000 rules: far more than one nest's 16-bit length would hold */
	text = many_rules(10000);
	argv[4] = (char *)tmp_file(text);
	free(text);
	ret = run_cmd(fw_main, &opts, argv, ack_ok, &out, &err);
	CHECK(ret == 0 && req_rules(&first, &last) == 10000 &&
	      req_hdr()->nlmsg_len > 400000, "fw load: 10000 rules, %u bytes",
	      req_hdr()->nlmsg_len);
	nla_parse_nested(rtb, VTL_FW_A_MAX, last, NULL);
	CHECK(has_u16(rtb[VTL_FW_A_DPORT_MIN], 9999), "fw load: in order");
	unlink(argv[4]);
}

/* --- rewriting and tunnel auto ---------------------------------------- */

static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };

/* A rewrite rule of lo as the kernel returns it. */
struct fake_rw {
	uint8_t family;
	const char *dst;
	uint8_t len;
	const uint8_t *smac;		/* NULL: none */
	const char *saddr, *daddr;	/* NULL: none */
	uint32_t out;
	bool is_auto;
	uint64_t packets, bytes;
};

static const struct fake_rw rw_rules[] = {
	{ 4, "10.2.0.0", 24, mac_c, "10.1.0.1", "10.2.0.9", 1, false, 3, 300 },
	{ 4, "10.3.0.7", 32, NULL, NULL, NULL, 4000000, true, 0, 0 },
	{ 6, "2001:db8::", 32, NULL, NULL, "2001:db8::9", 0, false, 1, 100 },
};

static void put_ip(struct nl_msg *m, int attr, uint8_t family,
		   const char *addr)
{
	uint8_t buf[16];

	inet_pton(family == 4 ? AF_INET : AF_INET6, addr, buf);
	nla_put(m, attr, family == 4 ? 4 : 16, buf);
}

static struct nl_msg *mk_rw(const struct fake_rw *r, int flags)
{
	struct nl_msg *m = mk_reply(VTL_CMD_REWRITE_GET, flags);

	nla_put_u32(m, VTL_REWRITE_A_IFINDEX, 1);
	put_ip(m, VTL_REWRITE_A_DST, r->family, r->dst);
	nla_put_u8(m, VTL_REWRITE_A_DST_LEN, r->len);
	nla_put(m, VTL_REWRITE_A_DMAC, 6, mac_b);
	if (r->smac)
		nla_put(m, VTL_REWRITE_A_SMAC, 6, r->smac);
	if (r->saddr)
		put_ip(m, VTL_REWRITE_A_SADDR, r->family, r->saddr);
	if (r->daddr)
		put_ip(m, VTL_REWRITE_A_DADDR, r->family, r->daddr);
	if (r->out)
		nla_put_u32(m, VTL_REWRITE_A_OUT_IFINDEX, r->out);
	nla_put_u8(m, VTL_REWRITE_A_AUTO, r->is_auto);
	nla_put_u64(m, VTL_REWRITE_A_PACKETS, r->packets);
	nla_put_u64(m, VTL_REWRITE_A_BYTES, r->bytes);
	/* from a newer kernel, to be ignored */
	nla_put_u32(m, VTL_REWRITE_A_MAX + 1, 7);
	return m;
}

static void rw_dump_ok(void)
{
	size_t i;

	fk.dumps++;
	for (i = 0; i < ARRAY_SIZE(rw_rules); i++)
		add(mk_rw(&rw_rules[i], NLM_F_MULTI));
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* A rule without its dmac. */
static void rw_dump_malformed(void)
{
	struct nl_msg *m = mk_reply(VTL_CMD_REWRITE_GET, NLM_F_MULTI);

	nla_put_u32(m, VTL_REWRITE_A_IFINDEX, 1);
	put_ip(m, VTL_REWRITE_A_DST, 4, "10.0.0.0");
	add(m);
	add(mk_done(0, NULL, 0));
	send_dgram();
}

static void rw_dump_enodev(void)
{
	add(mk_done(-ENODEV, "device is not attached", 0));
	send_dgram();
}

static void rw_eexist(void)
{
	add(mk_err(-EEXIST,
		   "conflicting rule: the port has a rule for this prefix",
		   true));
	send_dgram();
}

static void rw_out_enodev(void)
{
	add(mk_err(-ENODEV, "out device is not attached", true));
	send_dgram();
}

static void rw_enoent(void)
{
	add(mk_err(-ENOENT, "the port has no rule for this prefix", true));
	send_dgram();
}

static bool has_bytes(struct nlattr *a, const void *v, int len)
{
	return a && nla_len(a) == len && !memcmp(nla_data(a), v, len);
}

static void test_rw_requests(void)
{
	char *add_argv[] = { "rewrite", "add", "dev", "lo", "match", "dst",
			     "10.2.0.0/24", "set", "dmac", "02:00:00:00:00:0b",
			     "smac", "2:0:0:0:0:c", "saddr", "10.1.0.1",
			     "daddr", "10.2.0.9", NULL };
	char *add6_argv[] = { "rewrite", "add", "dev", "lo", "match", "dst",
			      "2001:db8::9", "set", "dmac", "2:0:0:0:0:b",
			      NULL };
	char *out_argv[] = { "rewrite", "add", "dev", "lo", "match", "dst",
			     "10.0.0.0/8", "set", "dmac", "2:0:0:0:0:b", "out",
			     "nonexistent0", NULL };
	char *bad_argv[] = { "rewrite", "add", "dev", "lo", "match", "dst",
			     "10.0.0.0/8", "set", "dmac", "ff:ff:ff:ff:ff:ff",
			     NULL };
	char *del_argv[] = { "rewrite", "del", "dev", "lo", "match", "dst",
			     "10.2.0.0/24", NULL };
	char *flush_argv[] = { "rewrite", "flush", "dev", "lo", NULL };
	char *flush_all_argv[] = { "rewrite", "flush", NULL };
	static const uint8_t net[4] = { 10, 2 }, sa[4] = { 10, 1, 0, 1 };
	static const uint8_t da[4] = { 10, 2, 0, 9 };
	uint8_t host6[16];
	struct vtlctl_rw_rule rule = { .ifindex = 3, .family = 4, .dst_len = 8,
				    .dst = { 10 }, .dmac = { 2, 0, 0, 0, 0, 1 },
				    .out_ifindex = 7 };
	struct nlattr *tb[VTL_REWRITE_A_MAX + 1];
	struct vtl_opts opts = { 0 };
	struct capture out, err;
	struct vtl_nl *nl;
	int ret;

	ret = run_cmd(rewrite_main, &opts, add_argv, ack_ok, &out, &err);
	CHECK(ret == 0 && !out.buf[0] && !err.buf[0],
	      "rewrite add: exit 0, silent");
	req_attrs(tb, VTL_REWRITE_A_MAX);
	CHECK(fk.cmd == VTL_CMD_REWRITE_NEW && (fk.flags & NLM_F_ACK) &&
	      fk.requests == 1 && has_u32(tb[VTL_REWRITE_A_IFINDEX], 1),
	      "rewrite add: one REWRITE_NEW for lo");
	CHECK(has_bytes(tb[VTL_REWRITE_A_DST], net, 4) &&
	      has_u8(tb[VTL_REWRITE_A_DST_LEN], 24) &&
	      has_bytes(tb[VTL_REWRITE_A_DMAC], mac_b, 6) &&
	      has_bytes(tb[VTL_REWRITE_A_SMAC], mac_c, 6) &&
	      has_bytes(tb[VTL_REWRITE_A_SADDR], sa, 4) &&
	      has_bytes(tb[VTL_REWRITE_A_DADDR], da, 4),
	      "rewrite add: prefix, MACs, addresses");
	CHECK(!tb[VTL_REWRITE_A_OUT_IFINDEX] && !tb[VTL_REWRITE_A_AUTO] &&
	      !tb[VTL_REWRITE_A_PACKETS], "rewrite add: nothing else");

	ret = run_cmd(rewrite_main, &opts, add6_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_REWRITE_A_MAX);
	inet_pton(AF_INET6, "2001:db8::9", host6);
	CHECK(ret == 0 && has_bytes(tb[VTL_REWRITE_A_DST], host6, 16) &&
	      has_u8(tb[VTL_REWRITE_A_DST_LEN], 128) &&
	      !tb[VTL_REWRITE_A_SMAC] && !tb[VTL_REWRITE_A_SADDR] &&
	      !tb[VTL_REWRITE_A_DADDR],
	      "rewrite add: an IPv6 host, nothing not given");

	ret = run_cmd(rewrite_main, &opts, add_argv, rw_eexist, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "rewrite add, EEXIST: exit 1");
	CHECK_STR(err.buf,
		  "Error: lo: conflicting rule: the port has a rule for this prefix.\n",
		  "rewrite add, EEXIST: the kernel's words");
	ret = run_cmd(rewrite_main, &opts, add_argv, err_enodev, &out, &err);
	CHECK(ret == 1, "rewrite add, not attached: exit 1");
	CHECK_STR(err.buf, "Error: lo: device is not attached.\n",
		  "rewrite add, not attached: message");
	ret = run_cmd(rewrite_main, &opts, add_argv, rw_out_enodev, &out, &err);
	CHECK(ret == 1, "rewrite add, out not attached: exit 1");
	CHECK_STR(err.buf, "Error: lo: out device is not attached.\n",
		  "rewrite add, out not attached: message");
	ret = run_cmd(rewrite_main, &opts, out_argv, ack_ok, &out, &err);
	CHECK(ret == 1 && !fk.requests,
	      "rewrite add, no out device: exit 1, nothing sent");
	CHECK_STR(err.buf, "Cannot find device \"nonexistent0\"\n",
		  "rewrite add, no out device: message");
	ret = run_cmd(rewrite_main, &opts, bad_argv, ack_ok, &out, &err);
	CHECK(ret == 2 && !fk.requests,
	      "rewrite add, bad line: exit 2, nothing sent");
	CHECK_STR(err.buf,
		  "Error: invalid dmac \"ff:ff:ff:ff:ff:ff\": a multicast address, not a unicast one\n",
		  "rewrite add, bad line: message");

	/* out: the request, as the command would send it after its lookup */
	nl = open_fake(ack_ok);
	ret = vtl_nl_rw_new(nl, &rule);
	req_attrs(tb, VTL_REWRITE_A_MAX);
	CHECK(!ret && has_u32(tb[VTL_REWRITE_A_IFINDEX], 3) &&
	      has_u32(tb[VTL_REWRITE_A_OUT_IFINDEX], 7) &&
	      has_u8(tb[VTL_REWRITE_A_DST_LEN], 8),
	      "rewrite add out: OUT_IFINDEX");
	vtl_nl_close(nl);

	ret = run_cmd(rewrite_main, &opts, del_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_REWRITE_A_MAX);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_REWRITE_DEL &&
	      has_u32(tb[VTL_REWRITE_A_IFINDEX], 1) &&
	      has_bytes(tb[VTL_REWRITE_A_DST], net, 4) &&
	      has_u8(tb[VTL_REWRITE_A_DST_LEN], 24) &&
	      !tb[VTL_REWRITE_A_DMAC],
	      "rewrite del: REWRITE_DEL with the port and prefix only");
	ret = run_cmd(rewrite_main, &opts, del_argv, rw_enoent, &out, &err);
	CHECK(ret == 1, "rewrite del, no such rule: exit 1");
	CHECK_STR(err.buf, "Error: lo: the port has no rule for this prefix.\n",
		  "rewrite del, no such rule: message");

	ret = run_cmd(rewrite_main, &opts, flush_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_REWRITE_A_MAX);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_REWRITE_FLUSH &&
	      has_u32(tb[VTL_REWRITE_A_IFINDEX], 1),
	      "rewrite flush dev: REWRITE_FLUSH of lo");
	ret = run_cmd(rewrite_main, &opts, flush_all_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_REWRITE_A_MAX);
	CHECK(ret == 0 && fk.cmd == VTL_CMD_REWRITE_FLUSH &&
	      !tb[VTL_REWRITE_A_IFINDEX], "rewrite flush: every port");
	ret = run_cmd(rewrite_main, &opts, flush_all_argv, err_eperm, &out,
		      &err);
	CHECK(ret == 1, "rewrite flush, refused: exit 1");
	CHECK_STR(err.buf, "Error: Operation not permitted.\n",
		  "rewrite flush, refused: no device to name");
}

static void test_rw_show(void)
{
	char *argv[] = { "rewrite", "show", "dev", "lo", NULL };
	char *all_argv[] = { "rewrite", NULL };
	struct vtl_opts opts = { 0 }, stats = { .stats = 1 };
	struct vtl_opts json = { .json = true };
	struct vtl_opts json_stats = { .json = true, .stats = 1 };
	struct capture out, err;
	int ret;

	ret = run_cmd(rewrite_main, &opts, argv, rw_dump_ok, &out, &err);
	CHECK(ret == 0 && !err.buf[0] && fk.requests == 1 &&
	      fk.cmd == VTL_CMD_REWRITE_GET && (fk.flags & NLM_F_DUMP) &&
	      fk.ifindex == 1, "rewrite show dev lo: a dump of lo's rules");
	CHECK_STR(out.buf,
		  "lo: match dst 10.2.0.0/24 set dmac 02:00:00:00:00:0b smac 02:00:00:00:00:0c saddr 10.1.0.1 daddr 10.2.0.9 out lo\n"
		  "lo: match dst 10.3.0.7/32 set dmac 02:00:00:00:00:0b out if4000000 auto\n"
		  "lo: match dst 2001:db8::/32 set dmac 02:00:00:00:00:0b daddr 2001:db8::9\n",
		  "rewrite show: text");
	ret = run_cmd(rewrite_main, &stats, all_argv, rw_dump_ok, &out, &err);
	CHECK(ret == 0 && fk.cmd == VTL_CMD_REWRITE_GET && !fk.ifindex,
	      "rewrite: shows every port's rules");
	CHECK_STR(out.buf,
		  "lo: match dst 10.2.0.0/24 set dmac 02:00:00:00:00:0b smac 02:00:00:00:00:0c saddr 10.1.0.1 daddr 10.2.0.9 out lo packets 3 bytes 300\n"
		  "lo: match dst 10.3.0.7/32 set dmac 02:00:00:00:00:0b out if4000000 auto packets 0 bytes 0\n"
		  "lo: match dst 2001:db8::/32 set dmac 02:00:00:00:00:0b daddr 2001:db8::9 packets 1 bytes 100\n",
		  "rewrite show -s: text with counters");
	ret = run_cmd(rewrite_main, &json, argv, rw_dump_ok, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":1,\"dev\":\"lo\",\"dst\":\"10.2.0.0/24\","
		  "\"dmac\":\"02:00:00:00:00:0b\",\"smac\":\"02:00:00:00:00:0c\","
		  "\"saddr\":\"10.1.0.1\",\"daddr\":\"10.2.0.9\",\"out\":\"lo\","
		  "\"out_ifindex\":1,\"auto\":false},"
		  "{\"ifindex\":1,\"dev\":\"lo\",\"dst\":\"10.3.0.7/32\","
		  "\"dmac\":\"02:00:00:00:00:0b\",\"out\":\"if4000000\","
		  "\"out_ifindex\":4000000,\"auto\":true},"
		  "{\"ifindex\":1,\"dev\":\"lo\",\"dst\":\"2001:db8::/32\","
		  "\"dmac\":\"02:00:00:00:00:0b\",\"daddr\":\"2001:db8::9\","
		  "\"auto\":false}]\n",
		  "rewrite show -j: JSON");
	ret = run_cmd(rewrite_main, &json_stats, argv, rw_dump_ok, &out, &err);
	CHECK(ret == 0 &&
	      strstr(out.buf, "\"auto\":false,\"packets\":3,\"bytes\":300}") &&
	      strstr(out.buf, "\"auto\":true,\"packets\":0,\"bytes\":0}"),
	      "rewrite show -j -s: the rules' counters");
	ret = run_cmd(rewrite_main, &json, argv, dump_empty, &out, &err);
	CHECK(ret == 0 && !strcmp(out.buf, "[]\n"), "rewrite show -j: []");
	ret = run_cmd(rewrite_main, &opts, argv, dump_empty, &out, &err);
	CHECK(ret == 0 && !out.buf[0], "rewrite show: no rule, no line");

	ret = run_cmd(rewrite_main, &json, argv, rw_dump_enodev, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "rewrite show, not attached: exit 1");
	CHECK_STR(err.buf, "Error: lo: device is not attached.\n",
		  "rewrite show, not attached: message");
	ret = run_cmd(rewrite_main, &json, argv, rw_dump_malformed, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "rewrite show, malformed rule: exit 1");
	CHECK_STR(err.buf, "Error: lo: the kernel's reply is malformed.\n",
		  "rewrite show, malformed rule: message");
}

/* "tunnel show": auto on, then the dump of two learned addresses. */
static void tunnel_show_ok(void)
{
	static const uint8_t a4[4] = { 10, 1, 0, 2 };
	uint8_t a6[16];
	struct nl_msg *m;

	if (!(fk.flags & NLM_F_DUMP)) {
		m = mk_reply(VTL_CMD_TUNNEL_GET, 0);
		nla_put_u8(m, VTL_TUNNEL_A_AUTO, 1);
		add(m);
		send_dgram();
		ack_ok();
		return;
	}
	fk.dumps++;
	m = mk_reply(VTL_CMD_TUNNEL_GET, NLM_F_MULTI);
	nla_put_u32(m, VTL_TUNNEL_A_IFINDEX, 1);
	nla_put(m, VTL_TUNNEL_A_ADDR, 4, a4);
	nla_put(m, VTL_TUNNEL_A_MAC, 6, mac_b);
	nla_put_u64(m, VTL_TUNNEL_A_AGE_MS, 12345);
	add(m);
	inet_pton(AF_INET6, "fd00::2", a6);
	m = mk_reply(VTL_CMD_TUNNEL_GET, NLM_F_MULTI);
	nla_put_u32(m, VTL_TUNNEL_A_IFINDEX, 4000000);
	nla_put(m, VTL_TUNNEL_A_ADDR, 16, a6);
	nla_put(m, VTL_TUNNEL_A_MAC, 6, mac_c);
	nla_put_u64(m, VTL_TUNNEL_A_AGE_MS, 999);
	add(m);
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* Off, and nothing learned. */
static void tunnel_show_off(void)
{
	struct nl_msg *m;

	if (fk.flags & NLM_F_DUMP) {
		dump_empty();
		return;
	}
	m = mk_reply(VTL_CMD_TUNNEL_GET, 0);
	nla_put_u8(m, VTL_TUNNEL_A_AUTO, 0);
	add(m);
	send_dgram();
	ack_ok();
}

/* A learned address of 5 bytes. */
static void tunnel_show_malformed(void)
{
	struct nl_msg *m;

	if (!(fk.flags & NLM_F_DUMP)) {
		tunnel_show_ok();
		return;
	}
	m = mk_reply(VTL_CMD_TUNNEL_GET, NLM_F_MULTI);
	nla_put_u32(m, VTL_TUNNEL_A_IFINDEX, 1);
	nla_put(m, VTL_TUNNEL_A_ADDR, 5, "abcde");
	nla_put(m, VTL_TUNNEL_A_MAC, 6, mac_b);
	add(m);
	add(mk_done(0, NULL, 0));
	send_dgram();
}

static void test_tunnel(void)
{
	char *on_argv[] = { "tunnel", "auto", "on", NULL };
	char *off_argv[] = { "tunnel", "auto", "off", NULL };
	char *show_argv[] = { "tunnel", NULL };
	struct vtl_opts opts = { 0 }, json = { .json = true };
	struct nlattr *tb[VTL_TUNNEL_A_MAX + 1];
	struct capture out, err;
	int ret;

	ret = run_cmd(tunnel_main, &opts, on_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_TUNNEL_A_MAX);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_TUNNEL_SET &&
	      (fk.flags & NLM_F_ACK) && has_u8(tb[VTL_TUNNEL_A_AUTO], 1) &&
	      !tb[VTL_TUNNEL_A_IFINDEX], "tunnel auto on: TUNNEL_SET, AUTO 1");
	ret = run_cmd(tunnel_main, &opts, off_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_TUNNEL_A_MAX);
	CHECK(ret == 0 && has_u8(tb[VTL_TUNNEL_A_AUTO], 0),
	      "tunnel auto off: AUTO 0");
	ret = run_cmd(tunnel_main, &opts, off_argv, err_eperm, &out, &err);
	CHECK(ret == 1, "tunnel auto, refused: exit 1");
	CHECK_STR(err.buf, "Error: Operation not permitted.\n",
		  "tunnel auto, refused: message");

	ret = run_cmd(tunnel_main, &opts, show_argv, tunnel_show_ok, &out,
		      &err);
	CHECK(ret == 0 && !err.buf[0] && fk.requests == 2 && fk.dumps == 1 &&
	      fk.cmd == VTL_CMD_TUNNEL_GET,
	      "tunnel show: a TUNNEL_GET doit, then its dump");
	CHECK_STR(out.buf,
		  "auto on\n"
		  "dev lo addr 10.1.0.2 mac 02:00:00:00:00:0b age 12s\n"
		  "dev if4000000 addr fd00::2 mac 02:00:00:00:00:0c age 0s\n",
		  "tunnel show: text");
	ret = run_cmd(tunnel_main, &json, show_argv, tunnel_show_ok, &out,
		      &err);
	CHECK_STR(out.buf,
		  "{\"auto\":true,\"hosts\":["
		  "{\"dev\":\"lo\",\"ifindex\":1,\"addr\":\"10.1.0.2\","
		  "\"mac\":\"02:00:00:00:00:0b\",\"age_ms\":12345},"
		  "{\"dev\":\"if4000000\",\"ifindex\":4000000,"
		  "\"addr\":\"fd00::2\",\"mac\":\"02:00:00:00:00:0c\","
		  "\"age_ms\":999}]}\n", "tunnel show -j: JSON");
	ret = run_cmd(tunnel_main, &opts, show_argv, tunnel_show_off, &out,
		      &err);
	CHECK(ret == 0, "tunnel show, off: exit 0");
	CHECK_STR(out.buf, "auto off\n", "tunnel show, off: text");
	ret = run_cmd(tunnel_main, &json, show_argv, tunnel_show_off, &out,
		      &err);
	CHECK_STR(out.buf, "{\"auto\":false,\"hosts\":[]}\n",
		  "tunnel show -j, off: JSON");
	ret = run_cmd(tunnel_main, &json, show_argv, get_nothing, &out, &err);
	CHECK(ret == 1 && !out.buf[0] && fk.requests == 1,
	      "tunnel show, no AUTO: exit 1, no dump");
	CHECK_STR(err.buf,
		  "Error: the kernel did not say whether tunnel auto is on.\n",
		  "tunnel show, no AUTO: message");
	ret = run_cmd(tunnel_main, &json, show_argv, tunnel_show_malformed,
		      &out, &err);
	CHECK(ret == 1 && !out.buf[0], "tunnel show, malformed: exit 1");
	CHECK_STR(err.buf, "Error: the kernel's reply is malformed.\n",
		  "tunnel show, malformed: message");
	ret = run_cmd(tunnel_main, &json, show_argv, err_eperm, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "tunnel show, refused: exit 1");
}

/* lo with its rewrite counters: 3 rules, 100, 40 and 2 frames. */
static void port_rw(void)
{
	struct nl_msg *m = mk_port(&ports[2], 0);
	struct nlattr *nest = nla_nest_start(m, VTL_PORT_A_REWRITE);

	nla_put_u32(m, VTL_REWRITE_PORT_A_RULES, 3);
	nla_put_u64(m, VTL_REWRITE_PORT_A_REWRITTEN, 100);
	nla_put_u64(m, VTL_REWRITE_PORT_A_FORWARDED, 40);
	nla_put_u64(m, VTL_REWRITE_PORT_A_FAILED, 2);
	nla_put_u64(m, VTL_REWRITE_PORT_A_MAX + 1, 9);	/* newer: ignored */
	nla_nest_end(m, nest);
	add(m);
	send_dgram();
	ack_ok();
}

/* The same nest, its rule count a u16 instead of the contract's u32. */
static void port_rw_malformed(void)
{
	struct nl_msg *m = mk_port(&ports[2], 0);
	struct nlattr *nest = nla_nest_start(m, VTL_PORT_A_REWRITE);

	nla_put_u16(m, VTL_REWRITE_PORT_A_RULES, 3);
	nla_nest_end(m, nest);
	add(m);
	send_dgram();
	ack_ok();
}

static void test_port_show_rw(void)
{
	char *argv[] = { "port", "show", "dev", "lo", NULL };
	struct vtl_opts opts = { 0 }, stats = { .stats = 1 };
	struct vtl_opts json = { .json = true };
	struct vtl_opts json_stats = { .json = true, .stats = 1 };
	struct capture out, err;
	int ret;

	run_cmd(port_main, &opts, argv, port_rw, &out, &err);
	CHECK_STR(out.buf, "vmif2: mode bridge\n",
		  "port show: the rewrite counters with -s only");
	run_cmd(port_main, &json, argv, port_rw, &out, &err);
	CHECK(!strstr(out.buf, "rewrite"), "port show -j: no rewrite without -s");
	run_cmd(port_main, &stats, argv, port_rw, &out, &err);
	CHECK_STR(out.buf,
		  "vmif2: mode bridge\n"
		  "    rewrite: rules 3 rewritten 100 forwarded 40 failed 2\n",
		  "port show -s: the rewrite line");
	run_cmd(port_main, &json_stats, argv, port_rw, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":6,\"dev\":\"vmif2\",\"mode\":\"bridge\","
		  "\"rewrite\":{\"rules\":3,\"rewritten\":100,\"forwarded\":40,"
		  "\"failed\":2}}]\n", "port show -j -s: the rewrite object");
	ret = run_cmd(port_main, &json_stats, argv, port_rw_malformed, &out,
		      &err);
	CHECK(ret == 1 && !out.buf[0], "port show, malformed rewrite: exit 1");
}

/* --- the SOCKS service and the "config" group -------------------------- */

/* A SOCKS service of port 7 as the kernel sends it (@seq 0: notified). */
static struct nl_msg *mk_socks(uint8_t cmd, uint32_t seq, int flags,
			       bool full)
{
	static const uint8_t proxy[4] = { 192, 0, 2, 1 };
	static const uint8_t prefix[4] = { 10, 192, 0, 0 };
	static const uint8_t mac[6] = VTL_SOCKS_FAKE_MAC;
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(m, 0, seq, FAKE_FAMILY, 0, flags, cmd, VTL_GENL_VERSION);
	nla_put_u32(m, VTL_SOCKS_A_IFINDEX, 7);
	if (!full)
		return m;
	nla_put_string(m, VTL_SOCKS_A_IFNAME, "vm7");
	nla_put(m, VTL_SOCKS_A_PROXY_ADDR, 4, proxy);
	nla_put_u16(m, VTL_SOCKS_A_PROXY_PORT, 1080);
	nla_put_u8(m, VTL_SOCKS_A_VERSION, VTL_SOCKS_V5);
	nla_put_string(m, VTL_SOCKS_A_USER, "alice");
	nla_put_string(m, VTL_SOCKS_A_PASSWORD, "secret");
	nla_put_u8(m, VTL_SOCKS_A_DNS, VTL_SOCKS_DNS_AUTOMAP);
	nla_put(m, VTL_SOCKS_A_DNS_PREFIX, 4, prefix);
	nla_put_u8(m, VTL_SOCKS_A_DNS_PREFIX_LEN, 10);
	nla_put_u8(m, VTL_SOCKS_A_IPV6, VTL_SOCKS_IPV6_PROXY);
	nla_put(m, VTL_SOCKS_A_MAC, 6, mac);
	if (cmd == VTL_CMD_SOCKS_GET) {
		nest = nla_nest_start(m, VTL_SOCKS_A_STATS);
		nla_put_u64(m, VTL_SOCKS_STATS_A_UP, 1);
		nla_put_u64(m, VTL_SOCKS_STATS_A_ARP_REPLIES, 2);
		nla_put_u64(m, VTL_SOCKS_STATS_A_RESETS, 3);
		nla_put_u64(m, VTL_SOCKS_STATS_A_FAIL_CLOSED, 4);
		nla_put_u64(m, VTL_SOCKS_STATS_A_FILTERED, 5);
		nla_put_u64(m, VTL_SOCKS_STATS_A_TO_VM_DROPPED, 6);
		nla_put_u64(m, VTL_SOCKS_STATS_A_MAX + 1, 9);	/* newer */
		nla_nest_end(m, nest);
	}
	nla_put_u32(m, VTL_SOCKS_A_MAX + 1, 7);	/* newer: ignored */
	return m;
}

static void socks_get_ok(void)
{
	add(mk_socks(VTL_CMD_SOCKS_GET, req_hdr()->nlmsg_seq, 0, true));
	send_dgram();
	ack_ok();
}

static void socks_dump_ok(void)
{
	fk.dumps++;
	add(mk_socks(VTL_CMD_SOCKS_GET, req_hdr()->nlmsg_seq, NLM_F_MULTI,
		     true));
	add(mk_socks(VTL_CMD_SOCKS_GET, req_hdr()->nlmsg_seq, NLM_F_MULTI,
		     true));
	add(mk_done(0, NULL, 0));
	send_dgram();
}

/* A reply without the proxy's port. */
static void socks_get_malformed(void)
{
	static const uint8_t proxy[4] = { 192, 0, 2, 1 };
	struct nl_msg *m = mk_reply(VTL_CMD_SOCKS_GET, 0);

	nla_put_u32(m, VTL_SOCKS_A_IFINDEX, 7);
	nla_put(m, VTL_SOCKS_A_PROXY_ADDR, 4, proxy);
	add(m);
	send_dgram();
	ack_ok();
}

static void socks_eexist(void)
{
	add(mk_err(-EEXIST, "the port already has a SOCKS service", true));
	send_dgram();
}

static bool is_socks7(const struct vtlctl_socks *s, bool stats)
{
	static const uint8_t mac[6] = VTL_SOCKS_FAKE_MAC;

	return s->ifindex == 7 && !strcmp(s->ifname, "vm7") &&
	       s->family == AF_INET && s->proxy_addr[0] == 192 &&
	       s->proxy_addr[3] == 1 && s->proxy_port == 1080 &&
	       s->version == VTL_SOCKS_V5 && !strcmp(s->user, "alice") &&
	       !strcmp(s->password, "secret") &&
	       s->dns == VTL_SOCKS_DNS_AUTOMAP &&
	       s->dns_prefix == htonl(0x0ac00000) && s->dns_prefix_len == 10 &&
	       s->ipv6 == VTL_SOCKS_IPV6_PROXY && !memcmp(s->mac, mac, 6) &&
	       s->stats.present == stats &&
	       (!stats || (s->stats.up == 1 && s->stats.arp_replies == 2 &&
			   s->stats.resets == 3 && s->stats.fail_closed == 4 &&
			   s->stats.filtered == 5 &&
			   s->stats.to_vm_dropped == 6));
}

static void test_socks_requests(void)
{
	struct vtlctl_socks s = { .ifindex = 7, .family = AF_INET,
			       .proxy_addr = { 192, 0, 2, 1 },
			       .proxy_port = 9050, .version = VTL_SOCKS_V5,
			       .user = "alice", .password = "secret",
			       .dns = VTL_SOCKS_DNS_AUTOMAP,
			       .dns_prefix = htonl(0x0a000000),
			       .dns_prefix_len = 8,
			       .ipv6 = VTL_SOCKS_IPV6_PROXY };
	static const uint8_t proxy[4] = { 192, 0, 2, 1 };
	static const uint8_t prefix[4] = { 10 };
	struct nlattr *tb[VTL_SOCKS_A_MAX + 1];
	struct vtlctl_socks_list list = { 0 };
	struct vtl_nl *nl = open_fake(ack_ok);
	struct vtlctl_socks got;
	struct capture cap;
	uint8_t v6[16];
	int err;

	err = vtl_nl_socks_new(nl, &s);
	req_attrs(tb, VTL_SOCKS_A_MAX);
	CHECK(!err && fk.cmd == VTL_CMD_SOCKS_NEW && (fk.flags & NLM_F_ACK) &&
	      has_u32(tb[VTL_SOCKS_A_IFINDEX], 7) &&
	      has_bytes(tb[VTL_SOCKS_A_PROXY_ADDR], proxy, 4) &&
	      has_u16(tb[VTL_SOCKS_A_PROXY_PORT], 9050) &&
	      has_u8(tb[VTL_SOCKS_A_VERSION], VTL_SOCKS_V5),
	      "socks new: port, proxy, version");
	CHECK(has_bytes(tb[VTL_SOCKS_A_USER], "alice", 6) &&
	      has_bytes(tb[VTL_SOCKS_A_PASSWORD], "secret", 7) &&
	      has_u8(tb[VTL_SOCKS_A_DNS], VTL_SOCKS_DNS_AUTOMAP) &&
	      has_bytes(tb[VTL_SOCKS_A_DNS_PREFIX], prefix, 4) &&
	      has_u8(tb[VTL_SOCKS_A_DNS_PREFIX_LEN], 8) &&
	      has_u8(tb[VTL_SOCKS_A_IPV6], VTL_SOCKS_IPV6_PROXY) &&
	      !tb[VTL_SOCKS_A_MAC] && !tb[VTL_SOCKS_A_STATS],
	      "socks new: credentials, DNS, IPv6, nothing returned-only");

	inet_pton(AF_INET6, "2001:db8::1", v6);
	s = (struct vtlctl_socks){ .ifindex = 7, .family = AF_INET6,
				.proxy_port = 1080 };
	memcpy(s.proxy_addr, v6, 16);
	err = vtl_nl_socks_new(nl, &s);
	req_attrs(tb, VTL_SOCKS_A_MAX);
	CHECK(!err && has_bytes(tb[VTL_SOCKS_A_PROXY_ADDR], v6, 16) &&
	      !tb[VTL_SOCKS_A_VERSION] && !tb[VTL_SOCKS_A_USER] &&
	      !tb[VTL_SOCKS_A_PASSWORD] && !tb[VTL_SOCKS_A_DNS] &&
	      !tb[VTL_SOCKS_A_DNS_PREFIX] && !tb[VTL_SOCKS_A_DNS_PREFIX_LEN] &&
	      !tb[VTL_SOCKS_A_IPV6],
	      "socks new: an IPv6 proxy; nothing not given is sent");

	fk.respond = socks_eexist;
	err = vtl_nl_socks_new(nl, &s);
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, "vm7", err);
	CHECK_STR(capture_end(&cap),
		  "Error: vm7: the port already has a SOCKS service.\n",
		  "socks new, EEXIST: the kernel's words");
	CHECK(err == -EEXIST, "socks new, EEXIST: -EEXIST");

	fk.respond = ack_ok;
	err = vtl_nl_socks_del(nl, 7);
	req_attrs(tb, VTL_SOCKS_A_MAX);
	CHECK(!err && fk.cmd == VTL_CMD_SOCKS_DEL &&
	      has_u32(tb[VTL_SOCKS_A_IFINDEX], 7) &&
	      !tb[VTL_SOCKS_A_PROXY_ADDR], "socks del: the ifindex only");

	fk.respond = socks_get_ok;
	err = vtl_nl_socks_get(nl, 7, &got);
	CHECK(!err && fk.cmd == VTL_CMD_SOCKS_GET && fk.ifindex == 7 &&
	      !(fk.flags & NLM_F_DUMP), "socks get: a doit for port 7");
	CHECK(is_socks7(&got, true), "socks get: every field parsed");

	fk.respond = socks_get_malformed;
	err = vtl_nl_socks_get(nl, 7, &got);
	CHECK(err == -EBADMSG && fk.head == fk.tail,
	      "socks get: no proxy port: -EBADMSG, read to the ACK");
	fk.respond = get_nothing;
	err = vtl_nl_socks_get(nl, 7, &got);
	CHECK(err == -EBADMSG, "socks get: no reply: -EBADMSG");

	fk.respond = socks_dump_ok;
	err = vtl_nl_socks_dump(nl, &list);
	CHECK(!err && (fk.flags & NLM_F_DUMP) && !fk.ifindex &&
	      list.len == 2 && is_socks7(&list.socks[1], true),
	      "socks dump: two services");
	fk.respond = dump_empty;
	err = vtl_nl_socks_dump(nl, &list);
	CHECK(!err && !list.len, "socks dump: none");
	vtl_socks_list_free(&list);
	vtl_nl_close(nl);
}

/* What a monitor's callback was given. */
static struct {
	int calls;
	uint8_t cmd[4];
	struct vtlctl_socks s[4];
} seen;

static void on_config(uint8_t cmd, const struct vtlctl_socks *s, void *arg)
{
	(void)arg;
	if (seen.calls < 4) {
		seen.cmd[seen.calls] = cmd;
		seen.s[seen.calls] = *s;
	}
	seen.calls++;
}

static void test_monitor(void)
{
	struct vtl_nl *nl = NULL;
	struct capture cap;
	struct nl_msg *m;
	int err;

	drain();
	fk.on = true;
	fk.no_family = false;
	fk.no_group = true;
	fk.respond = NULL;
	capture_begin(&cap, 2);
	err = vtl_nl_monitor_open(&nl);
	CHECK_STR(capture_end(&cap),
		  "Error: the vtl kernel module has no \"config\" multicast group: it is older than this vtlctl.\n",
		  "monitor: no group: message");
	CHECK(err == -ENOENT && !nl, "monitor: no group: -ENOENT");

	fk.no_group = false;
	fk.group = 0;
	fk.nonblocking = false;
	err = vtl_nl_monitor_open(&nl);
	CHECK(!err && nl && fk.group == FAKE_GROUP && fk.nonblocking,
	      "monitor: joins the group, non-blocking");
	if (!nl)
		return;
	CHECK(vtl_nl_monitor_fd(nl) == nl_socket_get_fd(nl->sk),
	      "monitor: its fd");

	memset(&seen, 0, sizeof(seen));
	err = vtl_nl_monitor_read(nl, on_config, NULL);
	CHECK(!err && !seen.calls, "monitor: nothing pending: 0, no call");

	add(mk_socks(VTL_CMD_SOCKS_NEW, 0, 0, true));
	send_dgram();
	/* another command of the family, from a newer kernel: skipped */
	add(mk_socks(VTL_CMD_SOCKS_GET, 0, 0, true));
	send_dgram();
	add(mk_socks(VTL_CMD_SOCKS_DEL, 0, 0, false));
	send_dgram();
	err = vtl_nl_monitor_read(nl, on_config, NULL);
	CHECK(!err && seen.calls == 2 && fk.head == fk.tail,
	      "monitor: a NEW and a DEL, all read");
	CHECK(seen.cmd[0] == VTL_CMD_SOCKS_NEW &&
	      is_socks7(&seen.s[0], false), "monitor: NEW: the config");
	CHECK(seen.cmd[1] == VTL_CMD_SOCKS_DEL && seen.s[1].ifindex == 7 &&
	      !seen.s[1].family && !seen.s[1].proxy_port,
	      "monitor: DEL: the ifindex only");

	/* a NEW without its proxy, then a good DEL */
	memset(&seen, 0, sizeof(seen));
	m = mk_reply(VTL_CMD_SOCKS_NEW, 0);
	nla_put_u32(m, VTL_SOCKS_A_IFINDEX, 7);
	add(m);
	add(mk_socks(VTL_CMD_SOCKS_DEL, 0, 0, false));
	send_dgram();
	err = vtl_nl_monitor_read(nl, on_config, NULL);
	CHECK(err == -EBADMSG && seen.calls == 1 &&
	      seen.cmd[0] == VTL_CMD_SOCKS_DEL,
	      "monitor: a malformed NEW: -EBADMSG, the rest passed on");

	memset(&seen, 0, sizeof(seen));
	fk.recv_errno = ENOBUFS;
	add(mk_socks(VTL_CMD_SOCKS_DEL, 0, 0, false));
	send_dgram();
	err = vtl_nl_monitor_read(nl, on_config, NULL);
	CHECK(err == -ENOBUFS && !seen.calls, "monitor: overrun: -ENOBUFS");
	capture_begin(&cap, 2);
	vtl_nl_perror(nl, NULL, err);
	CHECK_STR(capture_end(&cap),
		  "Error: notifications were lost: the socket's buffer overran.\n",
		  "monitor: overrun: message");
	err = vtl_nl_monitor_read(nl, on_config, NULL);
	CHECK(!err && seen.calls == 1, "monitor: reads on after an overrun");
	vtl_nl_close(nl);
}

/* An IPv6 proxy, no credentials returned, dns resolve. */
static void socks_dump_v6(void)
{
	uint8_t v6[16];
	struct nl_msg *m = mk_reply(VTL_CMD_SOCKS_GET, NLM_F_MULTI);
	static const uint8_t mac[6] = VTL_SOCKS_FAKE_MAC;

	fk.dumps++;
	inet_pton(AF_INET6, "2001:db8::1", v6);
	nla_put_u32(m, VTL_SOCKS_A_IFINDEX, 1);
	nla_put(m, VTL_SOCKS_A_PROXY_ADDR, 16, v6);
	nla_put_u16(m, VTL_SOCKS_A_PROXY_PORT, 9050);
	nla_put_u8(m, VTL_SOCKS_A_VERSION, VTL_SOCKS_V5);
	nla_put_u8(m, VTL_SOCKS_A_DNS, VTL_SOCKS_DNS_RESOLVE);
	nla_put_u8(m, VTL_SOCKS_A_IPV6, VTL_SOCKS_IPV6_DROP);
	nla_put(m, VTL_SOCKS_A_MAC, 6, mac);
	add(m);
	add(mk_done(0, NULL, 0));
	send_dgram();
}

static void test_socks_show(void)
{
	char *all_argv[] = { "socks", NULL };
	char *dev_argv[] = { "socks", "show", "dev", "lo", NULL };
	char *add_argv[] = { "socks", "add", "dev", "lo", "proxy",
			     "[2001:db8::1]:9050", "dns", "resolve", NULL };
	char *del_argv[] = { "socks", "del", "dev", "lo", NULL };
	struct vtl_opts opts = { 0 }, stats = { .stats = 1 };
	struct vtl_opts json_stats = { .json = true, .stats = 1 };
	struct vtl_opts json = { .json = true };
	struct nlattr *tb[VTL_SOCKS_A_MAX + 1];
	struct capture out, err;
	int ret;

	ret = run_cmd(socks_main, &opts, all_argv, socks_dump_ok, &out, &err);
	CHECK(ret == 0 && !err.buf[0] && fk.cmd == VTL_CMD_SOCKS_GET &&
	      (fk.flags & NLM_F_DUMP), "socks: a dump of every port");
	CHECK_STR(out.buf,
		  "vm7: proxy 192.0.2.1:1080 version 5 user alice password * dns automap 10.192.0.0/10 ipv6 proxy mac 02:56:54:4c:00:01\n"
		  "vm7: proxy 192.0.2.1:1080 version 5 user alice password * dns automap 10.192.0.0/10 ipv6 proxy mac 02:56:54:4c:00:01\n",
		  "socks show: text, the password hidden");
	ret = run_cmd(socks_main, &stats, dev_argv, socks_get_ok, &out, &err);
	CHECK(ret == 0 && !(fk.flags & NLM_F_DUMP) && fk.ifindex == 1,
	      "socks show dev lo: a doit for lo");
	CHECK_STR(out.buf,
		  "vm7: proxy 192.0.2.1:1080 version 5 user alice password * dns automap 10.192.0.0/10 ipv6 proxy mac 02:56:54:4c:00:01\n"
		  "    stats: up 1 arp_replies 2 resets 3 fail_closed 4 filtered 5 to_vm_dropped 6\n",
		  "socks show -s: text with counters");
	ret = run_cmd(socks_main, &json_stats, dev_argv, socks_get_ok, &out,
		      &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":7,\"dev\":\"vm7\",\"proxy\":\"192.0.2.1:1080\","
		  "\"version\":\"5\",\"user\":\"alice\",\"password\":\"secret\","
		  "\"dns\":\"automap\",\"dns_prefix\":\"10.192.0.0/10\","
		  "\"ipv6\":\"proxy\",\"mac\":\"02:56:54:4c:00:01\","
		  "\"stats\":{\"up\":1,\"arp_replies\":2,\"resets\":3,"
		  "\"fail_closed\":4,\"filtered\":5,\"to_vm_dropped\":6}}]\n",
		  "socks show -j -s: JSON");
	ret = run_cmd(socks_main, &json, all_argv, socks_dump_v6, &out, &err);
	CHECK_STR(out.buf,
		  "[{\"ifindex\":1,\"dev\":\"lo\",\"proxy\":\"[2001:db8::1]:9050\","
		  "\"version\":\"5\",\"dns\":\"resolve\",\"ipv6\":\"drop\","
		  "\"mac\":\"02:56:54:4c:00:01\"}]\n",
		  "socks show -j: an IPv6 proxy, no credentials, no prefix");
	ret = run_cmd(socks_main, &json, all_argv, dump_empty, &out, &err);
	CHECK(ret == 0 && !strcmp(out.buf, "[]\n"), "socks show -j: []");
	ret = run_cmd(socks_main, &json, dev_argv, rw_dump_enodev, &out, &err);
	CHECK(ret == 1 && !out.buf[0], "socks show, refused: exit 1, nothing");

	ret = run_cmd(socks_main, &opts, add_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_SOCKS_A_MAX);
	CHECK(ret == 0 && !out.buf[0] && fk.cmd == VTL_CMD_SOCKS_NEW &&
	      has_u32(tb[VTL_SOCKS_A_IFINDEX], 1) &&
	      has_u16(tb[VTL_SOCKS_A_PROXY_PORT], 9050) &&
	      tb[VTL_SOCKS_A_PROXY_ADDR] &&
	      nla_len(tb[VTL_SOCKS_A_PROXY_ADDR]) == 16 &&
	      has_u8(tb[VTL_SOCKS_A_DNS], VTL_SOCKS_DNS_RESOLVE),
	      "socks add: SOCKS_NEW for lo");
	ret = run_cmd(socks_main, &opts, add_argv, socks_eexist, &out, &err);
	CHECK(ret == 1, "socks add, EEXIST: exit 1");
	CHECK_STR(err.buf,
		  "Error: lo: the port already has a SOCKS service.\n",
		  "socks add, EEXIST: the kernel's words");
	ret = run_cmd(socks_main, &opts, del_argv, ack_ok, &out, &err);
	req_attrs(tb, VTL_SOCKS_A_MAX);
	CHECK(ret == 0 && fk.cmd == VTL_CMD_SOCKS_DEL &&
	      has_u32(tb[VTL_SOCKS_A_IFINDEX], 1) &&
	      !tb[VTL_SOCKS_A_PROXY_ADDR], "socks del: SOCKS_DEL for lo");
}

/* A real socket's send buffer grows to what a large fw load needs. */
static void test_sndbuf(void)
{
	struct vtl_nl nl = { 0 };
	socklen_t len = sizeof(int);
	int size = 0;

	nl.sk = nl_socket_alloc();
	if (genl_connect(nl.sk) < 0) {
		printf("ok %d - # SKIP no generic netlink here\n", ++tap_count);
		nl_socket_free(nl.sk);
		return;
	}
	vtl_nl_fit_sndbuf(&nl, 4 << 20);
	getsockopt(nl_socket_get_fd(nl.sk), SOL_SOCKET, SO_SNDBUF, &size, &len);
	if (size < 4 << 20 && geteuid())
		printf("ok %d - # SKIP SO_SNDBUFFORCE needs CAP_NET_ADMIN\n",
		       ++tap_count);
	else
		CHECK(size >= 4 << 20, "sndbuf: raised for 4 MiB (%d)", size);
	nl_socket_free(nl.sk);
}

int main(void)
{
	printf("# test_genl\n");
	test_open();
	test_new();
	test_del();
	test_get();
	test_dump();
	test_show();
	test_fw_requests();
	test_fw_show();
	test_port_show_fw();
	test_fw_load();
	test_rw_requests();
	test_rw_show();
	test_tunnel();
	test_port_show_rw();
	test_socks_requests();
	test_monitor();
	test_socks_show();
	test_sndbuf();
	test_real_kernel();
	drain();
	free(fk.req);
	return tap_done();
}
