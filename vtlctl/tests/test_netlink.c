// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vtlctl's kernel transport, netlink.c, which is #included
 * here so that its connect and family lookup can be swapped for a fake
 * kernel: libnl's send and receive are overridden on the socket, requests
 * are decoded, and replies are built the way the kernel builds them (an
 * NLMSG_ERROR with extended ACK attributes, an NLMSG_DONE carrying a dump's
 * error, NLM_F_DUMP_INTR, ...).  The last tests run "port show" end to end
 * against the fake and compare the text and JSON output.  One test talks to
 * the real kernel's "nlctrl" family, to check the extended ACK parsing on
 * what a kernel really sends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "tap.h"

static int fake_genl_connect(struct nl_sock *sk);
static int fake_genl_ctrl_resolve(struct nl_sock *sk, const char *name);

#define genl_connect fake_genl_connect
#define genl_ctrl_resolve fake_genl_ctrl_resolve
#include "../netlink.c"
#undef genl_connect
#undef genl_ctrl_resolve

#include "port.h"
#include "vtlctl.h"

#define FAKE_FAMILY 0x42
#define FAKE_QUEUE 32

/* The fake kernel: the request it last got, and the datagrams it queued. */
static struct {
	bool on;		/* else: the real libnl functions */
	bool no_family;
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
};

static void put_stats(struct nl_msg *m, int type, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(m, type);
	int i;

	for (i = VTL_STATS_A_RX_PACKETS; i <= VTL_STATS_A_DROPPED; i++)
		nla_put_u64(m, i, base + i - VTL_STATS_A_RX_PACKETS);
	nla_nest_end(m, nest);
}

static struct nl_msg *mk_port(const struct fake_port *p, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, req_hdr()->nlmsg_seq, FAKE_FAMILY, 0, flags,
		    VTL_CMD_PORT_GET, VTL_GENL_VERSION);
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
	/* an attribute from a newer kernel, to be ignored */
	nla_put_u32(m, VTL_PORT_A_MAX + 1, 7);
	return m;
}

/* NLMSG_ERROR as netlink_ack() builds it; @capped: no echoed payload. */
static struct nl_msg *mk_err(int error, const char *extack, bool capped)
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
		nla_put_u32(m, NLMSGERR_ATTR_OFFS, 20);
	}
	return m;
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
	{ 3, "vmif0", VTL_PORT_MODE_STANDALONE, 4, "up0", 10, true },
	{ 5, "vmif1", VTL_PORT_MODE_HOST_ONLY, 0, NULL, 20, true },
	{ 6, "vmif2", VTL_PORT_MODE_BRIDGE, 0, NULL, 30, false },
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
	struct vtl_port_req req = { .ifindex = 3, .peer_ifindex = 4,
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

	req = (struct vtl_port_req){ .ifindex = 3 };
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
	struct vtl_port port;
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
	struct vtl_port_list list = { 0 };
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

/* vtlctl [opts] port show [dev lo], against the fake kernel. */
static int run_show(bool json, bool pretty, bool stats, bool dev,
		    void (*respond)(void), struct capture *out,
		    struct capture *err)
{
	struct vtl_opts opts = { .json = json, .pretty = pretty,
				 .stats = stats };
	char *argv_dev[] = { "port", "show", "dev", "lo", NULL };
	char *argv_all[] = { "port", "show", NULL };
	int ret;

	drain();
	fk.on = true;
	fk.respond = respond;
	fk.dumps = 0;
	capture_begin(err, 2);
	capture_begin(out, 1);
	ret = port_main(&opts, dev ? 4 : 2, dev ? argv_dev : argv_all);
	capture_end(out);
	capture_end(err);
	return ret;
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
	struct vtl_port port;
	struct vtl_port_list list = { 0 };
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

int main(void)
{
	printf("# test_netlink\n");
	test_open();
	test_new();
	test_del();
	test_get();
	test_dump();
	test_show();
	test_real_kernel();
	drain();
	free(fk.req);
	return tap_done();
}
