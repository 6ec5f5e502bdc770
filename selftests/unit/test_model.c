// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/lib/model.c, in userspace.  TAP output: one "ok N name" or
 * "not ok N name" per test, diagnostics as "# ..." lines, and a last line
 * "N passed, N failed".  Exit status 0 if all passed, 1 if not.
 *
 * Segments are made by frames.c (not by pkt_build.c), then given their
 * addresses, ports, sequence numbers, flags, window and options here, with
 * checksums from frames.c's reference code.  The VM is 10.0.0.1 (2001::1)
 * port 1234, MAC 02:00:00:00:00:02; the peer 10.0.0.2 (2001::2) port 80,
 * MAC 02:00:00:00:00:01.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "model.h"
#include "../tap.h"


#define VM	VTL_EP_VM
#define PEER	VTL_EP_PEER

#define SYN	VTL_TCP_SYN
#define ACK	VTL_TCP_ACK
#define FIN	VTL_TCP_FIN
#define RST	VTL_TCP_RST
#define PSH	VTL_TCP_PSH

#define NO_WS	(-1)

/* SYN options of one side; the options block is frames.c's (40-byte TCP
 * header): NOP, MSS at 1, SACK-permitted at 5, TS at 7, NOP+WS at 17.
 */
struct side_opts {
	bool on;		/* any options at all */
	u16 mss;
	int ws;			/* NO_WS: no window scale option */
	bool sack;
	bool ts;
};

/* A connection being driven: the model and what each side has sent. */
struct conn {
	bool v6;
	struct vtl_model m;
	u32 nxt[2];		/* next sequence number of VM, PEER */
	u32 tsval[2];
	struct side_opts so[2];
	struct tf f;
	struct vtl_pkt pkt;
	u64 now;
};

/*
 * Make a segment from @side in c->f / c->pkt.  @len bytes of payload.
 * Options ride on SYNs as c->so says, and TS on every segment when both
 * sides use it (or on the SYN of a side that does).
 */
static void mk_seg(struct conn *c, int side, u8 flags, u32 seq, u32 ack,
		   u16 win, u32 len)
{
	const struct side_opts *so = &c->so[side];
	bool syn = flags & SYN;
	bool ts = syn ? so->on && so->ts :
		  c->so[0].on && c->so[0].ts && c->so[1].on && c->so[1].ts;
	struct tf_opts o = {
		.v6 = c->v6, .proto = IPPROTO_TCP, .payload = len,
		.tcp_flags = flags ? flags : ACK,
		.tcp_opts = syn ? so->on : ts,
	};
	struct tf *f = &c->f;
	u8 *p, *opt;
	int err;

	tf_build(f, &o);
	f->b[f->l4 + 13] = flags;
	if (side == PEER) {
		u8 tmp[16];
		u32 off = c->v6 ? 8 : 12, alen = c->v6 ? 16 : 4;

		memcpy(tmp, f->b, 6);
		memcpy(f->b, f->b + 6, 6);
		memcpy(f->b + 6, tmp, 6);
		p = f->b + f->l3 + off;
		memcpy(tmp, p, alen);
		memcpy(p, p + alen, alen);
		memcpy(p + alen, tmp, alen);
		p = f->b + f->l4;
		wr16(p, 80);
		wr16(p + 2, 1234);
	}
	p = f->b + f->l4;
	wr32(p + 4, seq);
	wr32(p + 8, ack);
	wr16(p + 14, win);
	opt = p + 20;
	if (o.tcp_opts) {
		if (syn) {
			wr16(opt + 3, so->mss);
			if (!so->sack)
				memset(opt + 5, 1, 2);
			if (!so->ts)
				memset(opt + 7, 1, 10);
			if (so->ws == NO_WS)
				memset(opt + 17, 1, 3);
			else
				opt[19] = (u8)so->ws;
		} else {
			memset(opt, 1, 20);
		}
		if (ts) {
			opt[7] = 8;
			opt[8] = 10;
			wr32(opt + 9, ++c->tsval[side]);
			wr32(opt + 13, c->tsval[!side]);
		}
	}
	if (!c->v6)
		wr16(f->b + f->l3 + 10, ref_ip4_csum(f));
	wr16(f->b + f->check, ref_l4_csum(f));
	err = vtl_pkt_parse(&c->pkt, f->b, f->len, f->len);
	if (err)
		printf("# %s: parse: %d\n", __func__, err);
}

/* Send a segment and return the verdict; INVALID must change nothing. */
static int xmit(struct conn *c, int side, u8 flags, u32 seq, u32 ack,
		u16 win, u32 len)
{
	struct vtl_model before = c->m;
	int v;

	mk_seg(c, side, flags, seq, ack, win, len);
	c->now += 1000;
	v = vtl_model_update(&c->m, &c->pkt, side == VM, c->now);
	if (v == VTL_MODEL_INVALID)
		EXPECT(!memcmp(&before, &c->m, sizeof(before)));
	return v;
}

/* Send the next segment of @side in sequence, acking all of the other. */
static int send_seg(struct conn *c, int side, u8 flags, u16 win, u32 len)
{
	u32 seq = c->nxt[side];
	int v;

	v = xmit(c, side, flags, seq, flags & ACK ? c->nxt[!side] : 0, win,
		 len);
	if (v == VTL_MODEL_VALID) {
		u32 end = seq + len + !!(flags & SYN) + !!(flags & FIN);

		if ((s32)(end - c->nxt[side]) > 0)
			c->nxt[side] = end;
	}
	return v;
}

static void conn_init(struct conn *c, bool v6, u32 isn_vm, u32 isn_peer)
{
	memset(c, 0, sizeof(*c));
	c->v6 = v6;
	c->nxt[VM] = isn_vm;
	c->nxt[PEER] = isn_peer;
	c->tsval[VM] = 1000;
	c->tsval[PEER] = 50000;
	c->now = 1000000;
}

/* The VM's SYN starts the model; the handshake follows. */
static void handshake(struct conn *c, u16 win_vm, u16 win_peer)
{
	mk_seg(c, VM, SYN, c->nxt[VM], 0, win_vm, 0);
	EXPECT(vtl_model_starts(&c->pkt));
	vtl_model_init(&c->m, &c->pkt, true, c->now);
	c->nxt[VM]++;
	EXPECT_EQ(c->m.state, VTL_CONN_NEW);
	EXPECT_EQ(c->m.initiator, VTL_EP_VM);
	EXPECT_EQ(send_seg(c, PEER, SYN | ACK, win_peer, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c->m.state, VTL_CONN_SYN_RECV);
	EXPECT_EQ(send_seg(c, VM, ACK, win_vm, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c->m.state, VTL_CONN_ESTABLISHED);
}

static void check_ends(struct conn *c)
{
	EXPECT_EQ(c->m.ep[VM].snd_nxt, c->nxt[VM]);
	EXPECT_EQ(c->m.ep[PEER].snd_nxt, c->nxt[PEER]);
}

static void test_lifecycle(bool v6, bool vm_closes_first)
{
	static const u8 vm_mac[6] = { 2, 0, 0, 0, 0, 2 };
	static const u8 peer_mac[6] = { 2, 0, 0, 0, 0, 1 };
	int first = vm_closes_first ? VM : PEER;
	struct conn c;

	tap_begin();
	conn_init(&c, v6, 1000, 900000);
	handshake(&c, 29200, 28960);
	EXPECT_EQ(c.m.ep[VM].isn, 1000);
	EXPECT_EQ(c.m.ep[PEER].isn, 900000);
	EXPECT(!memcmp(c.m.ep[VM].mac, vm_mac, 6));
	EXPECT(!memcmp(c.m.ep[PEER].mac, peer_mac, 6));
	EXPECT_EQ(c.m.key.family, v6 ? 6 : 4);
	EXPECT_EQ(c.m.key.proto, IPPROTO_TCP);
	EXPECT_EQ(c.m.key.vm_port, htobe16(1234));
	EXPECT_EQ(c.m.key.peer_port, htobe16(80));
	EXPECT_EQ(c.m.created, 1000000);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_ESTABLISHED);

	EXPECT_EQ(send_seg(&c, VM, ACK | PSH, 29200, 100), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 28960, 0), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, PEER, ACK | PSH, 28960, 1000), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, VM, ACK, 29200, 0), VTL_MODEL_VALID);
	check_ends(&c);
	EXPECT_EQ(c.m.ep[VM].ack, c.nxt[PEER]);
	EXPECT_EQ(c.m.ep[PEER].ack, c.nxt[VM]);
	EXPECT_EQ(c.m.ep[VM].packets, 4);
	EXPECT_EQ(c.m.ep[PEER].packets, 3);
	EXPECT_EQ(c.m.last_seen, c.now);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);

	EXPECT_EQ(send_seg(&c, first, FIN | ACK, 29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_FIN_WAIT);
	EXPECT(c.m.ep[first].fin);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_FIN_WAIT);
	/* no data after a FIN */
	EXPECT_EQ(xmit(&c, first, ACK, c.nxt[first], c.nxt[!first], 29200, 10),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(send_seg(&c, !first, ACK, 29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_FIN_WAIT);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_CLOSE_WAIT);
	/* the other side may still send */
	EXPECT_EQ(send_seg(&c, !first, ACK | PSH, 29200, 50), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, first, ACK, 29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, !first, FIN | ACK, 29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSING);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_LAST_ACK);
	/* a retransmitted FIN changes nothing */
	EXPECT_EQ(xmit(&c, !first, FIN | ACK, c.nxt[!first] - 1, c.nxt[first],
		      29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSING);
	EXPECT_EQ(send_seg(&c, first, ACK, 29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_TIME_WAIT);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_TIME_WAIT);
	check_ends(&c);
	/* retransmissions in TIME_WAIT: valid, no regression */
	EXPECT_EQ(xmit(&c, !first, FIN | ACK, c.nxt[!first] - 1, c.nxt[first],
		      29200, 0), VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, first, ACK, c.nxt[first], c.nxt[!first], 29200, 0),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_TIME_WAIT);
	/* a new SYN reopens the connection */
	c.nxt[VM] += 100000;
	mk_seg(&c, VM, SYN, c.nxt[VM], 0, 1000, 0);
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, true, 5), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_NEW);
	EXPECT_EQ(c.m.ep[VM].isn, c.nxt[VM]);
	EXPECT_EQ(c.m.ep[VM].packets, 1);
	tap_end("tcp %s lifecycle, %s closes first", v6 ? "ipv6" : "ipv4",
	    vm_closes_first ? "vm" : "peer");
}

/* FIN and ACK of the other FIN in one segment; the peer opens. */
static void test_peer_opens(void)
{
	struct conn c;

	tap_begin();
	conn_init(&c, false, 77, 5555);
	mk_seg(&c, PEER, SYN, c.nxt[PEER], 0, 8000, 0);
	EXPECT(vtl_model_starts(&c.pkt));
	vtl_model_init(&c.m, &c.pkt, false, 1);
	c.nxt[PEER]++;
	EXPECT_EQ(c.m.initiator, VTL_EP_PEER);
	/* a SYN-ACK from the initiator makes no sense */
	EXPECT_EQ(xmit(&c, PEER, SYN | ACK, 5555, 0, 8000, 0),
		 VTL_MODEL_INVALID);
	/* SYN-ACK acking the wrong number */
	EXPECT_EQ(xmit(&c, VM, SYN | ACK, 77, 5555, 8000, 0),
		 VTL_MODEL_INVALID);
	/* data before the handshake */
	EXPECT_EQ(xmit(&c, PEER, ACK, 5556, 0, 8000, 10), VTL_MODEL_INVALID);
	/* a retransmitted SYN */
	EXPECT_EQ(xmit(&c, PEER, SYN, 5555, 0, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_NEW);
	EXPECT_EQ(send_seg(&c, VM, SYN | ACK, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_SYN_RECV);
	/* the responder may not send data before the handshake is done */
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM], c.nxt[PEER], 8000, 10),
		 VTL_MODEL_INVALID);
	/* the initiator's ACK must ack the SYN-ACK */
	EXPECT_EQ(xmit(&c, PEER, ACK, c.nxt[PEER], c.nxt[VM] - 1, 8000, 0),
		 VTL_MODEL_INVALID);
	/* a retransmitted SYN-ACK */
	EXPECT_EQ(xmit(&c, VM, SYN | ACK, 77, 5556, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_SYN_RECV);
	/* the third ACK with data */
	EXPECT_EQ(send_seg(&c, PEER, ACK | PSH, 8000, 300), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	/* the SYN-ACK repeated once more: valid, no regression */
	EXPECT_EQ(xmit(&c, VM, SYN | ACK, 77, 5556, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	/* a SYN now is not */
	EXPECT_EQ(xmit(&c, PEER, SYN, 5555, 0, 8000, 0), VTL_MODEL_INVALID);
	/* no ACK flag after the handshake */
	EXPECT_EQ(xmit(&c, PEER, PSH, c.nxt[PEER], 0, 8000, 5),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(send_seg(&c, VM, FIN | ACK, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, PEER, FIN | ACK, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSING);
	EXPECT_EQ(send_seg(&c, VM, ACK, 8000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_TIME_WAIT);
	check_ends(&c);
	tap_end("tcp peer opens, combined FIN-ACK, bad flags invalid");
}

static void test_rst(void)
{
	struct conn c;

	tap_begin();
	/* RST|ACK answering the SYN */
	conn_init(&c, false, 10, 20);
	mk_seg(&c, VM, SYN, 10, 0, 1000, 0);
	vtl_model_init(&c.m, &c.pkt, true, 1);
	EXPECT_EQ(xmit(&c, PEER, RST | ACK, 0, 99, 0, 0), VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, PEER, RST, 0, 0, 0, 0), VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, PEER, RST | ACK, 0, 11, 0, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSED);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_CLOSE);
	EXPECT_EQ(xmit(&c, VM, ACK, 11, 0, 1000, 0), VTL_MODEL_INVALID);

	/* RST in an established connection: in window only */
	conn_init(&c, false, 0x7ffffff0, 0xfffffff0);
	handshake(&c, 1000, 2000);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 2000, 500), VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, PEER, RST, c.nxt[PEER] + 100000, 0, 0, 0),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, PEER, RST, c.nxt[PEER] - 100000, 0, 0, 0),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, VM, RST | ACK, c.nxt[VM], c.nxt[PEER] + 1, 0, 0),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	EXPECT_EQ(xmit(&c, PEER, RST, c.nxt[PEER], 0, 0, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSED);
	EXPECT_EQ(xmit(&c, VM, RST, c.nxt[VM], 0, 0, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSED);
	/* after a RST, a SYN starts over */
	mk_seg(&c, VM, SYN, 4242, 0, 1000, 0);
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, true, 9), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_NEW);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, 4243);
	tap_end("tcp rst: answering the syn, in window only, closes");
}

/* A SYN with data (TCP Fast Open): the SYN-ACK may ack it or not. */
static void test_syn_data(void)
{
	struct conn c;
	int acked;

	tap_begin();
	for (acked = 0; acked < 2; acked++) {
		conn_init(&c, false, 1000, 2000);
		mk_seg(&c, VM, SYN, 1000, 0, 1000, 20);
		vtl_model_init(&c.m, &c.pkt, true, 1);
		EXPECT_EQ(c.m.ep[VM].snd_nxt, 1021);
		EXPECT_EQ(xmit(&c, PEER, SYN | ACK, 2000, 1022, 1000, 0),
			 VTL_MODEL_INVALID);
		EXPECT_EQ(xmit(&c, PEER, SYN | ACK, 2000, 1000, 1000, 0),
			 VTL_MODEL_INVALID);
		EXPECT_EQ(xmit(&c, PEER, SYN | ACK, 2000, acked ? 1021 : 1001,
			      1000, 0), VTL_MODEL_VALID);
		EXPECT_EQ(c.m.state, VTL_CONN_SYN_RECV);
		/* the data again, if it was not taken, with the third ACK */
		EXPECT_EQ(xmit(&c, VM, ACK, 1001, 2001, 1000, acked ? 0 : 20),
			 VTL_MODEL_VALID);
		EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
		EXPECT_EQ(c.m.ep[VM].snd_nxt, 1021);
		EXPECT_EQ(xmit(&c, PEER, ACK, 2001, 1021, 1000, 0),
			 VTL_MODEL_VALID);
	}
	tap_end("tcp syn with data, acked or not by the syn-ack");
}

static void test_retrans_reorder(void)
{
	struct vtl_model saved;
	struct conn c;
	u32 s0;

	tap_begin();
	conn_init(&c, false, 100, 200);
	handshake(&c, 60000, 60000);
	s0 = c.nxt[VM];
	EXPECT_EQ(send_seg(&c, VM, ACK, 60000, 1000), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, VM, ACK, 60000, 1000), VTL_MODEL_VALID);
	saved = c.m;
	/* retransmit the first: valid, nothing moves back */
	EXPECT_EQ(xmit(&c, VM, ACK, s0, c.nxt[PEER], 60000, 1000),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, saved.ep[VM].snd_nxt);
	EXPECT_EQ(c.m.ep[VM].packets, saved.ep[VM].packets + 1);
	/* an old ACK from the peer (reordered): valid, ack stays highest */
	EXPECT_EQ(send_seg(&c, PEER, ACK, 60000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, PEER, ACK, c.nxt[PEER], s0 + 1000, 60000, 0),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[PEER].ack, c.nxt[VM]);
	/* reordering: the third and fourth segments swapped */
	s0 = c.nxt[VM];
	EXPECT_EQ(xmit(&c, VM, ACK, s0 + 1000, c.nxt[PEER], 60000, 1000),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, s0 + 2000);
	EXPECT_EQ(xmit(&c, VM, ACK, s0, c.nxt[PEER], 60000, 1000),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, s0 + 2000);
	c.nxt[VM] = s0 + 2000;
	EXPECT_EQ(send_seg(&c, PEER, ACK, 60000, 0), VTL_MODEL_VALID);
	check_ends(&c);
	/* keepalives: an ACK at snd_nxt - 1, empty or with the old byte */
	saved = c.m;
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM] - 1, c.nxt[PEER], 60000, 0),
		 VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM] - 1, c.nxt[PEER], 60000, 1),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, saved.ep[VM].snd_nxt);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	/* a zero window, then a one-byte probe beyond it */
	EXPECT_EQ(send_seg(&c, PEER, ACK, 0, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[PEER].window, 0);
	EXPECT_EQ(send_seg(&c, VM, ACK, 60000, 1), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 60000, 0), VTL_MODEL_VALID);
	check_ends(&c);
	tap_end("tcp retransmission, reordering, keepalive, zero window probe");
}

static void test_out_of_window(void)
{
	struct conn c;
	u32 edge;

	tap_begin();
	conn_init(&c, false, 0xabcdef00, 0x12345678);
	handshake(&c, 10000, 5000);
	EXPECT_EQ(send_seg(&c, VM, ACK, 10000, 1000), VTL_MODEL_VALID);
	/* the peer acked nothing yet: its window ends at its ack + 5000 */
	edge = c.m.ep[VM].max_end;
	EXPECT_EQ(edge, c.nxt[VM] - 1000 + 5000);
	EXPECT_EQ(xmit(&c, VM, ACK, edge + 1, c.nxt[PEER], 10000, 100),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM] + 1000000, c.nxt[PEER], 10000,
		      100), VTL_MODEL_INVALID);
	/* far behind: older than the receiver's largest window */
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM] - 20000, c.nxt[PEER], 10000,
		      100), VTL_MODEL_INVALID);
	/* right at the edge: valid (reordered; the hole comes later) */
	EXPECT_EQ(xmit(&c, VM, ACK, edge, c.nxt[PEER], 10000, 100),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, edge + 100);
	c.nxt[VM] = edge + 100;
	/* ACK of data never sent */
	EXPECT_EQ(xmit(&c, PEER, ACK, c.nxt[PEER], c.nxt[VM] + 1, 5000, 0),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, PEER, ACK, c.nxt[PEER], c.nxt[VM] + 0x40000000,
		      5000, 0), VTL_MODEL_INVALID);
	/* an ACK far behind */
	EXPECT_EQ(xmit(&c, PEER, ACK, c.nxt[PEER], c.nxt[VM] - 0x40000000,
		      5000, 0), VTL_MODEL_INVALID);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 5000, 0), VTL_MODEL_VALID);
	check_ends(&c);
	tap_end("tcp out-of-window data and ack of unsent data: invalid, unchanged");
}

static void test_wscale(int ws_vm, int ws_peer)
{
	bool on = ws_vm != NO_WS && ws_peer != NO_WS;
	struct conn c;
	u32 peer_win, edge;

	tap_begin();
	conn_init(&c, false, 1, 0x80000000);
	c.so[VM] = (struct side_opts){ .on = true, .mss = 1460, .ws = ws_vm };
	c.so[PEER] = (struct side_opts){ .on = true, .mss = 1400,
					 .ws = ws_peer };
	handshake(&c, 64240, 65160);
	EXPECT_EQ(c.m.ep[VM].wscale_ok, on);
	EXPECT_EQ(c.m.ep[PEER].wscale_ok, on);
	if (ws_vm != NO_WS)
		EXPECT_EQ(c.m.ep[VM].wscale, ws_vm);
	if (ws_peer != NO_WS)
		EXPECT_EQ(c.m.ep[PEER].wscale, ws_peer);
	/* the SYN-ACK's window is never scaled */
	EXPECT_EQ(c.m.ep[PEER].max_win, 65160);
	EXPECT_EQ(c.m.ep[VM].window, on ? 64240u << ws_vm : 64240);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 3, 0), VTL_MODEL_VALID);
	peer_win = on ? 3u << ws_peer : 3;
	EXPECT_EQ(c.m.ep[PEER].window, peer_win);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 1000, 0), VTL_MODEL_VALID);
	peer_win = on ? 1000u << ws_peer : 1000;
	EXPECT_EQ(c.m.ep[PEER].window, peer_win);
	/* the right edge never moves left: the SYN-ACK offered 65160 */
	edge = c.nxt[VM] + (peer_win > 65160 ? peer_win : 65160);
	EXPECT_EQ(c.m.ep[VM].max_end, edge);
	EXPECT_EQ(xmit(&c, VM, ACK, edge - 10, c.nxt[PEER], 100, 10),
		 VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, VM, ACK, edge + 1, c.nxt[PEER], 100, 10),
		 VTL_MODEL_INVALID);
	/* a window probe: one byte at the edge, ending past it */
	EXPECT_EQ(xmit(&c, VM, ACK, edge, c.nxt[PEER], 100, 1),
		 VTL_MODEL_VALID);
	c.nxt[VM] = edge + 1;
	/* past the edge, an ACK at snd_nxt is valid, data is not */
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM], c.nxt[PEER], 100, 0),
		 VTL_MODEL_VALID);
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM] + 1, c.nxt[PEER], 100, 0),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(xmit(&c, VM, ACK, c.nxt[VM], c.nxt[PEER], 100, 1),
		 VTL_MODEL_INVALID);
	EXPECT_EQ(c.m.ep[VM].mss, 1460);
	EXPECT_EQ(c.m.ep[PEER].mss, 1400);
	tap_end("tcp window scale vm %d peer %d", ws_vm, ws_peer);
}

static void test_wrap(bool v6)
{
	struct conn c;
	int i;

	tap_begin();
	conn_init(&c, v6, 0xfffffc00, 0xffffffff);
	handshake(&c, 30000, 30000);
	EXPECT_EQ(c.m.ep[PEER].snd_nxt, 0);
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(send_seg(&c, VM, ACK | PSH, 30000, 333),
			 VTL_MODEL_VALID);
		EXPECT_EQ(send_seg(&c, PEER, ACK | PSH, 30000, 222),
			 VTL_MODEL_VALID);
	}
	EXPECT_EQ(c.nxt[VM], 0xfffffc01u + 6 * 333);
	check_ends(&c);
	/* a retransmission from before the wrap is still valid */
	EXPECT_EQ(xmit(&c, VM, ACK, 0xfffffc01, c.nxt[PEER], 30000, 333),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[VM].snd_nxt, c.nxt[VM]);
	EXPECT_EQ(send_seg(&c, VM, FIN | ACK, 30000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, PEER, FIN | ACK, 30000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(send_seg(&c, VM, ACK, 30000, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_TIME_WAIT);
	tap_end("tcp %s sequence wraparound", v6 ? "ipv6" : "ipv4");
}

static void test_options(void)
{
	struct conn c;

	tap_begin();
	conn_init(&c, true, 5, 6);
	c.so[VM] = (struct side_opts){ .on = true, .mss = 1440, .ws = 7,
				       .sack = true, .ts = true };
	c.so[PEER] = (struct side_opts){ .on = true, .mss = 1220, .ws = 9,
					 .sack = true, .ts = true };
	handshake(&c, 64800, 64800);
	EXPECT_EQ(c.m.ep[VM].mss, 1440);
	EXPECT_EQ(c.m.ep[PEER].mss, 1220);
	EXPECT(c.m.ep[VM].sack_ok && c.m.ep[PEER].sack_ok);
	EXPECT(c.m.ep[VM].ts_ok && c.m.ep[PEER].ts_ok);
	EXPECT_EQ(c.m.ep[VM].tsval, c.tsval[VM]);
	EXPECT_EQ(c.m.ep[VM].tsecr, c.tsval[PEER]);
	EXPECT_EQ(send_seg(&c, PEER, ACK, 500, 10), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[PEER].tsval, c.tsval[PEER]);
	EXPECT_EQ(c.m.ep[PEER].tsecr, c.tsval[VM]);
	EXPECT_EQ(c.m.ep[PEER].window, 500u << 9);
	EXPECT_EQ(c.m.ep[VM].ttl, 64);

	/* only one side with TS and SACK */
	conn_init(&c, false, 5, 6);
	c.so[VM] = (struct side_opts){ .on = true, .mss = 1460, .ws = 7,
				       .sack = true, .ts = true };
	c.so[PEER] = (struct side_opts){ .on = true, .mss = 536,
					 .ws = NO_WS };
	handshake(&c, 64800, 64800);
	EXPECT(c.m.ep[VM].sack_ok);
	EXPECT(!c.m.ep[PEER].sack_ok);
	EXPECT(!c.m.ep[VM].ts_ok && !c.m.ep[PEER].ts_ok);
	EXPECT(!c.m.ep[VM].wscale_ok);
	EXPECT_EQ(c.m.ep[PEER].mss, 536);
	EXPECT_EQ(c.m.ep[VM].ip_id, 0x1234);
	tap_end("tcp mss, sack, timestamps negotiated");
}

static void mk_other(struct conn *c, int side, u8 proto, u8 icmp_type)
{
	struct tf_opts o = { .v6 = c->v6, .proto = proto, .payload = 20 };
	struct tf *f = &c->f;

	tf_build(f, &o);
	if (icmp_type != 0xff) {
		f->b[f->l4] = icmp_type;
		wr16(f->b + f->check, ref_l4_csum(f));
	}
	if (side == PEER) {
		struct vtl_pkt p;

		vtl_pkt_parse(&p, f->b, f->len, f->len);
		vtl_pkt_swap_eth(&p);
		vtl_pkt_swap_ip(&p);
		if (proto == IPPROTO_UDP)
			vtl_pkt_swap_ports(&p);
	}
	EXPECT_EQ(vtl_pkt_parse(&c->pkt, f->b, f->len, f->len), 0);
}

static void test_udp_icmp(bool v6)
{
	u8 icmp = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	u8 req = v6 ? 128 : 8, rep = v6 ? 129 : 0;
	struct vtl_flow_key k1, k2;
	struct conn c;
	u8 buf[256];

	tap_begin();
	conn_init(&c, v6, 0, 0);
	mk_other(&c, VM, IPPROTO_UDP, 0xff);
	EXPECT(vtl_model_starts(&c.pkt));
	vtl_model_init(&c.m, &c.pkt, true, 7);
	EXPECT_EQ(c.m.state, VTL_CONN_NEW);
	EXPECT_EQ(c.m.key.proto, IPPROTO_UDP);
	EXPECT_EQ(c.m.key.vm_port, htobe16(5353));
	EXPECT_EQ(c.m.key.peer_port, htobe16(53));
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_UDP);
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, true, 8), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_NEW);
	EXPECT_EQ(c.m.ep[VM].packets, 2);
	EXPECT_EQ(c.m.ep[VM].bytes, 2 * c.f.len);
	mk_other(&c, PEER, IPPROTO_UDP, 0xff);
	EXPECT(vtl_model_match(&c.m, &c.pkt, false));
	EXPECT(!vtl_model_match(&c.m, &c.pkt, true));
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, true, 9), VTL_MODEL_INVALID);
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, false, 9), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_UDP_REPLIED);
	EXPECT_EQ(c.m.last_seen, 9);
	EXPECT_EQ(vtl_model_build(&c.m, VTL_EP_VM, ACK, 0, NULL, 0, buf,
				 sizeof(buf)), -EOPNOTSUPP);

	/* ICMP echo: the identifier is the VM's port */
	mk_other(&c, VM, icmp, rep);
	EXPECT(!vtl_model_starts(&c.pkt));
	mk_other(&c, VM, icmp, req);
	EXPECT(vtl_model_starts(&c.pkt));
	vtl_model_init(&c.m, &c.pkt, true, 7);
	EXPECT_EQ(c.m.key.vm_port, htobe16(0x4242));
	EXPECT_EQ(c.m.key.peer_port, 0);
	EXPECT_EQ(c.m.key.proto, icmp);
	EXPECT_EQ(vtl_model_timeout(&c.m), VTL_MODEL_TIMEOUT_ICMP);
	vtl_model_key(&c.pkt, true, &k1);
	mk_other(&c, PEER, icmp, rep);
	vtl_model_key(&c.pkt, false, &k2);
	EXPECT(!memcmp(&k1, &k2, sizeof(k1)));
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, false, 9), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	EXPECT_EQ(c.m.ep[PEER].packets, 1);

	/* other ICMP types, and no L4 at all, have no key */
	mk_other(&c, VM, icmp, 3);
	EXPECT_EQ(vtl_model_key(&c.pkt, true, &k1), -EPROTONOSUPPORT);
	EXPECT(!vtl_model_starts(&c.pkt));
	EXPECT(!vtl_model_match(&c.m, &c.pkt, true));
	EXPECT_EQ(vtl_model_update(&c.m, &c.pkt, true, 9), VTL_MODEL_INVALID);
	mk_other(&c, VM, 47, 0xff);
	EXPECT_EQ(vtl_model_key(&c.pkt, true, &k1), -EPROTONOSUPPORT);
	tap_end("%s udp and icmp echo: new, then established", v6 ? "ipv6" : "ipv4");
}

static void test_keys(void)
{
	struct vtl_flow_key k1, k2;
	struct tf_opts o = { .proto = IPPROTO_TCP, .payload = 8 };
	struct conn c;
	struct tf f;
	struct vtl_pkt pkt;
	int v6;

	tap_begin();
	for (v6 = 0; v6 < 2; v6++) {
		conn_init(&c, v6, 1, 2);
		mk_seg(&c, VM, ACK, 1, 2, 100, 0);
		memset(&k1, 0xaa, sizeof(k1));
		EXPECT_EQ(vtl_model_key(&c.pkt, true, &k1), 0);
		mk_seg(&c, PEER, ACK, 1, 2, 100, 0);
		memset(&k2, 0x55, sizeof(k2));
		EXPECT_EQ(vtl_model_key(&c.pkt, false, &k2), 0);
		EXPECT(!memcmp(&k1, &k2, sizeof(k1)));
		EXPECT_EQ(k1.family, v6 ? 6 : 4);
		EXPECT_EQ(k1.vm_addr[v6 ? 15 : 3], 1);
		EXPECT_EQ(k1.peer_addr[v6 ? 15 : 3], 2);
		EXPECT_EQ(k1.vm_addr[v6 ? 0 : 4], v6 ? 0x20 : 0);
		EXPECT_EQ(k1.pad[0] | k1.pad[1], 0);
		/* the wrong direction gives another key */
		EXPECT_EQ(vtl_model_key(&c.pkt, true, &k2), 0);
		EXPECT(memcmp(&k1, &k2, sizeof(k1)));
	}
	/* ARP and later fragments have none */
	memset(&f, 0, sizeof(f));
	o.ip4_frag = 0x0001;
	tf_build(&f, &o);
	EXPECT_EQ(vtl_pkt_parse(&pkt, f.b, f.len, f.len), 0);
	EXPECT(pkt.flags & VTL_PKT_FRAG_LATER);
	EXPECT_EQ(vtl_model_key(&pkt, true, &k1), -EPROTONOSUPPORT);
	EXPECT(!vtl_model_starts(&pkt));
	memset(f.b, 0, 64);
	memset(f.b, 0xff, 6);
	wr16(f.b + 12, ETH_P_ARP);
	wr16(f.b + 14, 1);
	wr16(f.b + 16, ETH_P_IP);
	f.b[18] = 6;
	f.b[19] = 4;
	wr16(f.b + 20, 1);
	EXPECT_EQ(vtl_pkt_parse(&pkt, f.b, 60, 60), 0);
	EXPECT(pkt.flags & VTL_PKT_ARP);
	EXPECT_EQ(vtl_model_key(&pkt, true, &k1), -EPROTONOSUPPORT);
	/* only a bare SYN starts a TCP model */
	conn_init(&c, false, 1, 2);
	mk_seg(&c, VM, SYN | ACK, 1, 2, 100, 0);
	EXPECT(!vtl_model_starts(&c.pkt));
	mk_seg(&c, VM, ACK, 1, 2, 100, 0);
	EXPECT(!vtl_model_starts(&c.pkt));
	mk_seg(&c, VM, SYN | VTL_TCP_ECE | VTL_TCP_CWR, 1, 0, 100, 0);
	EXPECT(vtl_model_starts(&c.pkt));
	tap_end("keys: one per flow from both directions; unsupported frames");
}

/* Build from @from, check the frame, and feed it back. */
static int build_check(struct vtl_model *m, int from, u8 flags, u32 win,
		       u32 len, u64 now)
{
	static u8 payload[1500];
	struct vtl_model before = *m;
	u8 buf[2048];
	struct vtl_pkt pkt;
	u32 other_tsval = m->ep[!from].tsval;
	int n, v;
	u32 i;

	for (i = 0; i < len; i++)
		payload[i] = (u8)(i * 13 + flags);
	n = vtl_model_build(m, from, flags, win, payload, len, buf,
			    sizeof(buf));
	EXPECT(n > 0);
	if (n <= 0)
		return -1;
	EXPECT(!memcmp(&before, m, sizeof(before)));
	EXPECT_EQ(vtl_model_build(m, from, flags, win, payload, len, NULL, 0),
		 n);
	EXPECT_EQ(vtl_model_build(m, from, flags, win, payload, len, buf,
				 n - 1), -ENOSPC);
	EXPECT_EQ(vtl_pkt_parse(&pkt, buf, n, n), 0);
	EXPECT(pkt.flags & VTL_PKT_TCP);
	if (pkt.flags & VTL_PKT_IPV4)
		EXPECT_EQ(vtl_pkt_ip4_csum_check(&pkt), 0);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
	EXPECT(vtl_model_match(m, &pkt, from == VM));
	EXPECT(!vtl_model_match(m, &pkt, from != VM));
	EXPECT(!memcmp(vtl_pkt_eth_src(&pkt), m->ep[from].mac, 6));
	EXPECT(!memcmp(vtl_pkt_eth_dst(&pkt), m->ep[!from].mac, 6));
	EXPECT_EQ(vtl_pkt_tcp_flags(&pkt), flags);
	EXPECT_EQ(vtl_pkt_tcp_seq(&pkt),
		 flags & SYN ? m->ep[from].isn : m->ep[from].snd_nxt);
	EXPECT_EQ(vtl_pkt_tcp_ack(&pkt),
		 flags & ACK ? m->ep[!from].snd_nxt : 0);
	EXPECT_EQ(vtl_pkt_payload_len(&pkt), len);
	EXPECT(!memcmp(buf + pkt.payload_off, payload, len));
	EXPECT_EQ(vtl_pkt_ip_ttl(&pkt),
		 m->ep[from].ttl ? m->ep[from].ttl : VTL_MODEL_DEFAULT_TTL);
	if (m->ep[from].ts_ok ||
	    ((flags & SYN) && (m->ep[from].syn_opts & VTL_PKT_TCP_TS))) {
		EXPECT(pkt.flags & VTL_PKT_TCP_TS);
		EXPECT_EQ(pkt.tcp_tsval, m->ep[from].tsval + 1);
		EXPECT_EQ(pkt.tcp_tsecr, other_tsval);
	} else {
		EXPECT(!(pkt.flags & VTL_PKT_TCP_TS));
	}
	v = vtl_model_update(m, &pkt, from == VM, now);
	EXPECT_EQ(v, VTL_MODEL_VALID);
	EXPECT_EQ(m->ep[from].snd_nxt,
		 (flags & SYN ? before.ep[from].isn + 1 :
		  before.ep[from].snd_nxt) + len + !!(flags & FIN));
	if (flags & ACK)
		EXPECT_EQ(m->ep[from].ack, before.ep[!from].snd_nxt);
	if (!(flags & RST)) {
		u8 ws = m->ep[from].wscale_ok && !(flags & SYN) ?
			m->ep[from].wscale : 0;
		u32 field = win >> ws > 0xffff ? 0xffff : win >> ws;

		EXPECT_EQ(vtl_pkt_tcp_window(&pkt), field);
		EXPECT_EQ(m->ep[from].window, field << ws);
	}
	if (!m->key.family || m->key.family == 4)
		EXPECT_EQ(m->ep[from].ip_id, (u16)(before.ep[from].ip_id + 1));
	EXPECT_EQ(m->ep[from].packets, before.ep[from].packets + 1);
	return v;
}

static void test_build(bool v6, bool opts)
{
	struct conn c;
	int from;

	tap_begin();
	conn_init(&c, v6, 0xfffff000, 0x10);
	if (opts) {
		c.so[VM] = (struct side_opts){ .on = true, .mss = 1460,
					       .ws = 7, .sack = true,
					       .ts = true };
		c.so[PEER] = (struct side_opts){ .on = true, .mss = 1460,
						 .ws = 10, .sack = true,
						 .ts = true };
	}
	handshake(&c, 64000, 64000);
	for (from = 0; from < 2; from++) {
		build_check(&c.m, from, ACK, 65535, 0, 10);
		build_check(&c.m, from, ACK | PSH, 200000, 1200, 11);
		build_check(&c.m, !from, ACK, 200000, 0, 11);
		/* a window update */
		build_check(&c.m, from, ACK, 300000, 0, 12);
		build_check(&c.m, from, ACK | PSH, 300000, 1, 13);
		EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	}
	/* mixed with segments made elsewhere: still in step */
	c.nxt[VM] = c.m.ep[VM].snd_nxt;
	c.nxt[PEER] = c.m.ep[PEER].snd_nxt;
	c.tsval[VM] = c.m.ep[VM].tsval;
	c.tsval[PEER] = c.m.ep[PEER].tsval;
	EXPECT_EQ(send_seg(&c, PEER, ACK | PSH, 500, 100), VTL_MODEL_VALID);
	build_check(&c.m, VM, ACK, 100000, 0, 14);
	build_check(&c.m, VM, FIN | ACK, 100000, 0, 15);
	EXPECT_EQ(c.m.state, VTL_CONN_FIN_WAIT);
	build_check(&c.m, PEER, ACK, 100000, 0, 16);
	build_check(&c.m, PEER, FIN | ACK, 100000, 0, 17);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSING);
	build_check(&c.m, VM, ACK, 100000, 0, 18);
	EXPECT_EQ(c.m.state, VTL_CONN_TIME_WAIT);
	tap_end("%s build%s: ack, data, window update, fin from both ends",
	    v6 ? "ipv6" : "ipv4", opts ? " with options" : "");

	tap_begin();
	conn_init(&c, v6, 7, 0x7fffffff);
	handshake(&c, 1000, 1000);
	build_check(&c.m, PEER, ACK | PSH, 1000, 10, 1);
	build_check(&c.m, VM, RST | ACK, 0, 0, 2);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSED);
	conn_init(&c, v6, 7, 0x7fffffff);
	handshake(&c, 1000, 1000);
	build_check(&c.m, PEER, RST, 0, 0, 2);
	EXPECT_EQ(c.m.state, VTL_CONN_CLOSED);
	tap_end("%s build: rst from each end", v6 ? "ipv6" : "ipv4");
}

/* A connection made from explicit endpoint states, then driven by build. */
static void test_init_tcp(void)
{
	struct vtl_flow_key key = { .family = 4, .proto = IPPROTO_TCP };
	struct vtl_ep vm = {
		.mac = { 2, 0, 0, 0, 0, 0xa }, .isn = 1000, .snd_nxt = 1001,
		.ack = 0x90000001, .window = 65535 << 2, .wscale = 2,
		.wscale_ok = true, .ts_ok = true, .tsval = 100, .ttl = 64,
	};
	struct vtl_ep peer = {
		.mac = { 2, 0, 0, 0, 0, 0xb }, .isn = 0x90000000,
		.snd_nxt = 0x90000001, .ack = 1001, .window = 1000 << 3,
		.wscale = 3, .wscale_ok = true, .ts_ok = true, .tsval = 7,
		.ttl = 57,
	};
	struct vtl_model m;
	u8 buf[256];
	int n;

	tap_begin();
	key.vm_addr[0] = 192;
	key.vm_addr[3] = 2;
	key.peer_addr[0] = 198;
	key.peer_addr[3] = 51;
	key.vm_port = htobe16(40000);
	key.peer_port = htobe16(9050);
	vtl_model_init_tcp(&m, &key, &vm, &peer, VTL_CONN_ESTABLISHED, 42);
	EXPECT_EQ(m.state, VTL_CONN_ESTABLISHED);
	EXPECT_EQ(m.created, 42);
	EXPECT_EQ(m.ep[VM].max_end, 1001 + (1000 << 3));
	build_check(&m, VM, ACK | PSH, 65535 << 2, 100, 43);
	build_check(&m, PEER, ACK | PSH, 8000, 300, 44);
	build_check(&m, VM, ACK, 65535 << 2, 0, 45);
	build_check(&m, PEER, FIN | ACK, 8000, 0, 46);
	EXPECT_EQ(m.state, VTL_CONN_FIN_WAIT);
	/* a SYN from the endpoint's own state */
	vtl_model_init_tcp(&m, &key, &vm, &peer, VTL_CONN_NEW, 42);
	m.ep[VM].syn_opts = VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE;
	m.ep[VM].mss = 1360;
	n = vtl_model_build(&m, VM, SYN, 5000, NULL, 0, buf, sizeof(buf));
	EXPECT(n > 0);
	if (n > 0) {
		struct vtl_pkt pkt;
		struct vtl_model m2;

		EXPECT_EQ(vtl_pkt_parse(&pkt, buf, n, n), 0);
		EXPECT_EQ(vtl_pkt_tcp_seq(&pkt), 1000);
		EXPECT_EQ(vtl_pkt_tcp_window(&pkt), 5000);
		EXPECT_EQ(pkt.tcp_mss, 1360);
		EXPECT_EQ(pkt.tcp_wscale, 2);
		EXPECT(vtl_model_starts(&pkt));
		vtl_model_init(&m2, &pkt, true, 1);
		EXPECT(!memcmp(&m2.key, &key, sizeof(key)));
		EXPECT_EQ(m2.ep[VM].snd_nxt, 1001);
	}
	/* UDP, bad endpoint, unknown state */
	key.proto = IPPROTO_UDP;
	vtl_model_init_tcp(&m, &key, &vm, &peer, 200, 0);
	EXPECT_EQ(m.state, VTL_CONN_CLOSED);
	EXPECT_EQ(vtl_model_build(&m, VM, ACK, 0, NULL, 0, buf, sizeof(buf)),
		 -EOPNOTSUPP);
	key.proto = IPPROTO_TCP;
	vtl_model_init_tcp(&m, &key, &vm, &peer, VTL_CONN_ESTABLISHED, 0);
	EXPECT_EQ(vtl_model_build(&m, 2, ACK, 0, NULL, 0, buf, sizeof(buf)),
		 -EINVAL);
	tap_end("init_tcp from endpoint states, driven by build");
}

/* Tor-VTL: the VM's SYN answered by a SYN-ACK built as the peer. */
static void test_impersonate(void)
{
	struct conn c;
	int i;

	tap_begin();
	conn_init(&c, false, 0x01020304, 0xfffffff0);
	c.so[VM] = (struct side_opts){ .on = true, .mss = 1460, .ws = 7,
				       .sack = true, .ts = true };
	c.so[PEER] = c.so[VM];
	mk_seg(&c, VM, SYN, c.nxt[VM], 0, 64240, 0);
	EXPECT(vtl_model_starts(&c.pkt));
	vtl_model_init(&c.m, &c.pkt, true, 1);
	c.nxt[VM]++;
	/* SYN retransmissions while the proxy connects */
	EXPECT_EQ(xmit(&c, VM, SYN, c.nxt[VM] - 1, 0, 64240, 0),
		 VTL_MODEL_VALID);
	EXPECT_EQ(c.m.ep[PEER].packets, 0);
	c.m.ep[PEER].isn = c.nxt[PEER];
	c.m.ep[PEER].syn_opts = VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE |
				VTL_PKT_TCP_SACKOK | VTL_PKT_TCP_TS;
	c.m.ep[PEER].mss = 1400;
	c.m.ep[PEER].wscale = 8;
	build_check(&c.m, PEER, SYN | ACK, 65535, 0, 2);
	EXPECT_EQ(c.m.state, VTL_CONN_SYN_RECV);
	EXPECT_EQ(c.m.ep[PEER].ttl, VTL_MODEL_DEFAULT_TTL);
	EXPECT(c.m.ep[VM].wscale_ok && c.m.ep[PEER].wscale_ok);
	EXPECT(c.m.ep[VM].ts_ok && c.m.ep[PEER].ts_ok);
	EXPECT_EQ(c.m.ep[PEER].mss, 1400);
	EXPECT_EQ(c.m.ep[PEER].snd_nxt, c.nxt[PEER] + 1);
	c.nxt[PEER]++;
	c.tsval[PEER] = c.m.ep[PEER].tsval;
	EXPECT_EQ(send_seg(&c, VM, ACK, 502, 0), VTL_MODEL_VALID);
	EXPECT_EQ(c.m.state, VTL_CONN_ESTABLISHED);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(send_seg(&c, VM, ACK | PSH, 502, 200), VTL_MODEL_VALID);
		build_check(&c.m, PEER, ACK, 1 << 20, 0, 3 + i);
		build_check(&c.m, PEER, ACK | PSH, 1 << 20, c.m.ep[VM].mss,
			    3 + i);
		c.nxt[PEER] = c.m.ep[PEER].snd_nxt;
		c.tsval[PEER] = c.m.ep[PEER].tsval;
		EXPECT_EQ(send_seg(&c, VM, ACK, 502, 0), VTL_MODEL_VALID);
	}
	EXPECT_EQ(c.m.ep[PEER].window, (1u << 20 >> 8) << 8);
	check_ends(&c);
	tap_end("impersonating the peer: syn-ack, acks and data built, in step");
}

static void test_names(void)
{
	static const char * const names[] = {
		"new", "syn-recv", "established", "fin-wait", "closing",
		"time-wait", "closed",
	};
	unsigned int i;

	tap_begin();
	for (i = 0; i < VTL_CONN_STATE_COUNT; i++)
		EXPECT(!strcmp(vtl_model_state_name(i), names[i]));
	EXPECT(!strcmp(vtl_model_state_name(VTL_CONN_STATE_COUNT), "unknown"));
	EXPECT_EQ(VTL_MODEL_TIMEOUT_ESTABLISHED, 432000ULL * 1000000000ULL);
	EXPECT_EQ(VTL_MODEL_TIMEOUT_SYN_RECV, 60ULL * 1000000000ULL);
	tap_end("state names, timeouts");
}

/* A packet from @side in c->f and c->pkt: TCP, UDP or an ICMP echo. */
static void mk_flow_pkt(struct conn *c, int side, u8 proto)
{
	bool icmp = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
	u8 echo = c->v6 ? 128 : 8, reply = c->v6 ? 129 : 0;

	if (proto == IPPROTO_TCP)
		mk_seg(c, side, ACK, 1000, 2000, 100, 20);
	else
		mk_other(c, side, proto, !icmp ? 0xff :
					 side == VM ? echo : reply);
}

static bool key_zero(const struct vtl_flow_key *k)
{
	static const struct vtl_flow_key zero;

	return !memcmp(k, &zero, sizeof(zero));
}

/* The error about @orig (from @side) with @quote bytes: its key, or not. */
static int error_key(const struct tf *orig, bool v6, u8 type, u32 quote,
		     int side, struct vtl_flow_key *k)
{
	struct vtl_pkt pkt;
	struct tf e;
	int err;

	tf_icmp_error(&e, orig, v6, type, 0, quote);
	EXPECT_EQ(vtl_pkt_parse(&pkt, e.b, e.len, e.len), 0);
	/* an error has no key of its own and starts nothing */
	if (v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 ||
	    type == 5 || type == 11 || type == 12) {
		EXPECT_EQ(vtl_model_key(&pkt, side != VM, k),
			 -EPROTONOSUPPORT);
		EXPECT(!vtl_model_starts(&pkt));
	}
	memset(k, 0xaa, sizeof(*k));
	/* it travels back toward the quoted packet's sender */
	err = vtl_model_key_icmp_error(&pkt, side != VM, k);
	if (err)
		EXPECT(key_zero(k));
	return err;
}

static void test_icmp_error_keys(bool v6)
{
	static const u8 types4[] = { 3, 4, 5, 11, 12 }, types6[] = { 1, 2, 3, 4 };
	const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP,
			      v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP };
	const u8 *types = v6 ? types6 : types4;
	unsigned int nr_types = v6 ? sizeof(types6) : sizeof(types4);
	struct vtl_flow_key want, k;
	unsigned int p, t;
	struct conn c;
	u32 hl;
	int side;

	tap_begin();
	conn_init(&c, v6, 1, 2);
	for (p = 0; p < sizeof(protos); p++) {
		for (side = VM; side <= PEER; side++) {
			mk_flow_pkt(&c, side, protos[p]);
			EXPECT_EQ(vtl_model_key(&c.pkt, side == VM, &want), 0);
			hl = c.f.l4 - c.f.l3;
			for (t = 0; t < nr_types; t++) {
				/* all of it, and only what RFC 792 asks */
				EXPECT_EQ(error_key(&c.f, v6, types[t], 9999,
						   side, &k), 0);
				EXPECT(!memcmp(&k, &want, sizeof(k)));
				EXPECT_EQ(error_key(&c.f, v6, types[t], hl + 8,
						   side, &k), 0);
				EXPECT(!memcmp(&k, &want, sizeof(k)));
				/* one byte short */
				EXPECT_EQ(error_key(&c.f, v6, types[t], hl + 7,
						   side, &k), -EINVAL);
			}
			/* seen the wrong way, it is another connection */
			EXPECT_EQ(error_key(&c.f, v6, types[0], 9999, !side,
					   &k), 0);
			EXPECT(memcmp(&k, &want, sizeof(k)));
		}
	}
	tap_end("%s icmp errors: the key of the quoted tcp, udp and echo",
	    v6 ? "ipv6" : "ipv4");
}

/* Quoted IPv4 options and IPv6 extension headers, cut anywhere. */
static void test_icmp_error_headers(void)
{
	static const struct tf_opts pkts[] = {
		{ .proto = IPPROTO_TCP, .ip4_optlen = 20, .payload = 40 },
		{ .v6 = true, .proto = IPPROTO_UDP, .v6_ext = TF_EXT_HBH |
		  TF_EXT_DST | TF_EXT_RT | TF_EXT_FRAG | TF_EXT_AH,
		  .payload = 40 },
		{ .v6 = true, .proto = IPPROTO_ICMPV6,
		  .v6_ext = TF_EXT_DST, .payload = 40 },
	};
	struct vtl_flow_key want, k;
	struct vtl_pkt pkt;
	unsigned int i;
	struct tf f;
	u32 hl, q;

	tap_begin();
	for (i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		tf_build(&f, &pkts[i]);
		EXPECT_EQ(vtl_pkt_parse(&pkt, f.b, f.len, f.len), 0);
		EXPECT_EQ(vtl_model_key(&pkt, true, &want), 0);
		hl = f.l4 - f.l3;
		for (q = 0; q < f.l3_end - f.l3 + 2; q++) {
			int err = error_key(&f, f.v6, 3, q, VM, &k);

			EXPECT_EQ(err, q < hl + 8 ? -EINVAL : 0);
			if (!err)
				EXPECT(!memcmp(&k, &want, sizeof(k)));
		}
	}
	tap_end("icmp errors: quoted ip options and extension headers, cut short");
}

static void test_icmp_error_refused(void)
{
	static const u8 not4[] = { 0, 8, 13, 14, 17, 42 };
	static const u8 not6[] = { 0, 5, 127, 128, 129, 135 };
	struct tf_opts o = { .proto = IPPROTO_TCP, .payload = 10 };
	struct vtl_flow_key k;
	struct vtl_pkt pkt;
	struct tf f, e;
	unsigned int i;
	int v6;

	tap_begin();
	for (v6 = 0; v6 < 2; v6++) {
		o.v6 = v6;
		tf_build(&f, &o);
		/* not an error */
		for (i = 0; i < sizeof(not4); i++)
			EXPECT_EQ(error_key(&f, v6, v6 ? not6[i] : not4[i],
					   9999, VM, &k), -EINVAL);
		EXPECT_EQ(vtl_pkt_parse(&pkt, f.b, f.len, f.len), 0);
		memset(&k, 0xaa, sizeof(k));
		EXPECT_EQ(vtl_model_key_icmp_error(&pkt, false, &k), -EINVAL);
		EXPECT(key_zero(&k));
		/* the quote of the other family */
		EXPECT_EQ(error_key(&f, !v6, v6 ? 3 : 1, 9999, VM, &k),
			 -EINVAL);
		/* only readable within the view */
		tf_icmp_error(&e, &f, v6, v6 ? 1 : 3, 0, 9999);
		EXPECT_EQ(vtl_pkt_parse(&pkt, e.b, e.payload + 20, e.len), 0);
		EXPECT_EQ(vtl_model_key_icmp_error(&pkt, false, &k), -EINVAL);
		EXPECT_EQ(vtl_pkt_parse(&pkt, e.b, e.payload + 28 + 20 * v6,
				       e.len), 0);
		EXPECT_EQ(vtl_model_key_icmp_error(&pkt, false, &k), 0);
	}
	tap_end("icmp errors: other types, families, unreadable quotes");

	tap_begin();
	for (v6 = 0; v6 < 2; v6++) {
		/* untracked protocols */
		o.v6 = v6;
		o.proto = 47;
		tf_build(&f, &o);
		EXPECT_EQ(error_key(&f, v6, v6 ? 1 : 3, 9999, VM, &k),
			 -EINVAL);
		o.proto = v6 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
		tf_build(&f, &o);
		EXPECT_EQ(error_key(&f, v6, v6 ? 1 : 3, 9999, VM, &k),
			 -EINVAL);
		/* ICMP other than echo: an error about an error, too */
		o.proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		tf_build(&f, &o);
		EXPECT_EQ(error_key(&f, v6, v6 ? 1 : 3, 9999, VM, &k), 0);
		tf_icmp_error(&e, &f, v6, v6 ? 1 : 3, 0, 9999);
		EXPECT_EQ(error_key(&e, v6, v6 ? 3 : 11, 9999, VM, &k),
			 -EINVAL);
		f.b[f.l4] = v6 ? 135 : 13;
		EXPECT_EQ(error_key(&f, v6, v6 ? 1 : 3, 9999, VM, &k),
			 -EINVAL);
	}
	/* a fragment other than the first has no ports to quote */
	o.v6 = false;
	o.proto = IPPROTO_UDP;
	o.ip4_frag = 0x0001;
	tf_build(&f, &o);
	EXPECT_EQ(error_key(&f, false, 3, 9999, VM, &k), -EINVAL);
	o.ip4_frag = 0x2000;
	tf_build(&f, &o);
	EXPECT_EQ(error_key(&f, false, 3, 9999, VM, &k), 0);
	tap_end("icmp errors: untracked quotes");
}

/* The reject's answer relates back to the connection it refuses. */
static void test_icmp_error_reject(void)
{
	static u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_flow_key want, k;
	struct vtl_pkt out;
	unsigned int p;
	struct conn c;
	int v6, side, len;

	tap_begin();
	for (v6 = 0; v6 < 2; v6++) {
		const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP,
				      v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP };

		conn_init(&c, v6, 1, 2);
		for (p = 0; p < sizeof(protos); p++) {
			for (side = VM; side <= PEER; side++) {
				mk_flow_pkt(&c, side, protos[p]);
				EXPECT_EQ(vtl_model_key(&c.pkt, side == VM,
						       &want), 0);
				len = vtl_pkt_build_icmp_unreach(buf,
								 sizeof(buf),
								 &c.pkt);
				EXPECT(len > 0);
				EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len),
					 0);
				EXPECT_EQ(vtl_model_key_icmp_error(&out,
								  side != VM,
								  &k), 0);
				EXPECT(!memcmp(&k, &want, sizeof(k)));
			}
		}
	}
	tap_end("icmp errors: a reject's answer keys to what it refuses");
}

int main(void)
{
	printf("TAP version 13\n");
	test_lifecycle(false, true);
	test_lifecycle(false, false);
	test_lifecycle(true, true);
	test_lifecycle(true, false);
	test_peer_opens();
	test_rst();
	test_syn_data();
	test_retrans_reorder();
	test_out_of_window();
	test_wscale(7, 14);
	test_wscale(14, 7);
	test_wscale(7, NO_WS);
	test_wscale(NO_WS, 14);
	test_wscale(0, 0);
	test_wrap(false);
	test_wrap(true);
	test_options();
	test_udp_icmp(false);
	test_udp_icmp(true);
	test_keys();
	test_build(false, false);
	test_build(false, true);
	test_build(true, true);
	test_init_tcp();
	test_impersonate();
	test_names();
	test_icmp_error_keys(false);
	test_icmp_error_keys(true);
	test_icmp_error_headers();
	test_icmp_error_refused();
	test_icmp_error_reject();
	return tap_done();
}
