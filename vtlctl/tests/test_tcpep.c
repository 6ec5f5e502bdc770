// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of tcpep, the userspace TCP endpoint: generated frames play
 * the VM, a fake clock drives the timers, and every frame tcpep sends is
 * parsed and checked (sequence and acknowledgment numbers, windows,
 * options, flags).
 */
#include <endian.h>
#include <stdlib.h>
#include <linux/virtio_net.h>

#include "../../kmod/lib/pkt.h"
#include "../../kmod/lib/model.h"
#include "../../selftests/tap.h"
#include "../daemon/tcpep.h"

#define MS		1000000ULL
#define MAX_FRAMES	512

static const u8 vm_mac[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 1 };
static const u8 ep_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0xfe };
static const u8 vm_ip6[16] = { 0xfd, 0, [15] = 1 };
static const u8 peer_ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };

/* The world of one test: the endpoint, its frames, the VM's side. */
static struct {
	struct tcpep *ep;
	u64 now;
	u8 frames[MAX_FRAMES][2048];
	u8 big[8][70000];		/* frames over 2048 bytes (offload), */
					/* reused in turn: 8 unread at most */
	unsigned int nbig;
	u8 *fp[MAX_FRAMES];		/* where each frame is */
	u32 lens[MAX_FRAMES];
	struct virtio_net_hdr vh[MAX_FRAMES];
	bool has_vh[MAX_FRAMES];
	unsigned int nf, rd;
	struct vtl_pkt pkt;		/* the last frame popped */
	struct tcpep_conn *conn;
	unsigned int ev[TCPEP_EV_RESET + 1];
	u8 place[70000];		/* frame_buf's, with in_place */
	unsigned int placed;		/* frames output from there */
	/* with by_ref: payloads named by output_ref, copied at a "kick" */
	const u8 *ref_src[MAX_FRAMES];
	u32 ref_hlen[MAX_FRAMES];
	unsigned int kicked;		/* frames up to here complete */
	unsigned int refs, syncs;
	/* with external: the stream the application holds, from byte 0 */
	const u8 *ext_src;
	u64 ext_off[MAX_FRAMES];
	bool is_ext[MAX_FRAMES];
	u64 ext_put;			/* bytes of it given to tcpep */
	unsigned int exts, ext_bad;	/* frames; those naming bytes gone */
	bool refuse;
	bool manual;			/* leave NEW connections pending */
	u32 isn;
	/* the VM */
	bool v6;
	u16 port;
	u32 seq;			/* its next sequence number */
	u32 ack;			/* what it has received from us */
} T;

/* Keep frame @i's first @len bytes of @total; the rest is the caller's. */
static void store(const uint8_t *frame, size_t len, size_t total,
		  const struct virtio_net_hdr *vh)
{
	if (T.nf == MAX_FRAMES || total > sizeof(T.big[0]))
		abort();
	T.fp[T.nf] = total > sizeof(T.frames[0]) ? T.big[T.nbig++ % 8] :
		     T.frames[T.nf];
	memcpy(T.fp[T.nf], frame, len);
	T.placed += frame == T.place;
	T.has_vh[T.nf] = vh;
	if (vh)
		T.vh[T.nf] = *vh;
	T.lens[T.nf++] = total;
}

static void out_cb(void *arg, const uint8_t *frame, size_t len,
		   const struct virtio_net_hdr *vh)
{
	(void)arg;
	store(frame, len, len, vh);
}

/*
 * A frame with its payload by reference: the headers copied now, the
 * payload only at the next kick(), as the kernel copies it.
 */
static void out_ref_cb(void *arg, const uint8_t *frame, size_t len,
		       const uint8_t *payload, size_t plen,
		       const struct virtio_net_hdr *vh)
{
	(void)arg;
	T.ref_src[T.nf] = payload;
	T.ref_hlen[T.nf] = len;
	store(frame, len, len + plen, vh);
	T.refs++;
}

/* What the kernel does at a kick: read the payloads named so far. */
static void kick(void)
{
	for (; T.kicked < T.nf; T.kicked++) {
		unsigned int i = T.kicked;

		if (T.ref_src[i])
			memcpy(T.fp[i] + T.ref_hlen[i], T.ref_src[i],
			       T.lens[i] - T.ref_hlen[i]);
		if (T.is_ext[i])
			memcpy(T.fp[i] + T.ref_hlen[i], T.ext_src +
			       T.ext_off[i], T.lens[i] - T.ref_hlen[i]);
		T.ref_src[i] = NULL;
		T.is_ext[i] = false;
	}
}

/*
 * A frame whose payload the application holds: read at the next kick(),
 * as the kernel reads a socket's.  It must name bytes the application
 * still has: acknowledged ones it may have dropped, and it has none past
 * what it gave tcpep.
 */
static void out_ext_cb(void *arg, struct tcpep_conn *c, const uint8_t *frame,
		       size_t len, uint64_t off, size_t plen,
		       const struct virtio_net_hdr *vh)
{
	(void)arg;
	T.ext_bad += c != T.conn || off < tcpep_acked(c) ||
		     off + plen > T.ext_put;
	T.is_ext[T.nf] = true;
	T.ext_off[T.nf] = off;
	T.ref_hlen[T.nf] = len;
	store(frame, len, len + plen, vh);
	T.exts++;
}

static void sync_cb(void *arg)
{
	(void)arg;
	T.syncs++;
	kick();
}

static bool external;

static void ev_cb(void *arg, struct tcpep_conn *c, enum tcpep_event ev)
{
	(void)arg;
	T.ev[ev]++;
	if (ev != TCPEP_EV_NEW)
		return;
	T.conn = c;
	if (external && tcpep_set_external(c))
		abort();
	if (T.manual)
		return;
	if (T.refuse)
		tcpep_abort(c, T.now);
	else
		tcpep_accept(c, T.now);
}

static uint32_t isn_cb(void *arg, const struct vtl_flow_key *key)
{
	(void)arg;
	(void)key;
	return T.isn;
}

static bool trust_csum;
static bool delay_acks;
static bool offload;
static bool in_place;
static bool by_ref;

static uint8_t *place_cb(void *arg, size_t len, size_t ref)
{
	(void)arg;
	(void)ref;
	return len <= sizeof(T.place) ? T.place : NULL;
}

static void setup(u32 rcvbuf, u32 sndbuf, u32 isn)
{
	struct tcpep_config cfg = {
		.rcvbuf = rcvbuf, .sndbuf = sndbuf,
		.output = out_cb, .event = ev_cb, .isn = isn_cb,
		.trust_csum = trust_csum, .delay_acks = delay_acks,
		.offload = offload, .frame_buf = in_place ? place_cb : NULL,
		.output_ref = by_ref ? out_ref_cb : NULL,
		.sync = by_ref ? sync_cb : NULL,
		.output_ext = external ? out_ext_cb : NULL,
	};

	if (T.ep)
		tcpep_destroy(T.ep);
	memset(&T, 0, sizeof(T));
	memcpy(cfg.mac, ep_mac, ETH_ALEN);
	T.ep = tcpep_create(&cfg);
	T.isn = isn;
	T.now = 1000 * MS;
	T.port = 40000;
}

/* Send a TCP segment from the VM. */
static int vm_seg_opts(u8 flags, u32 seq, u32 ack, u16 win, const void *data,
		       u32 len, u32 opts, u8 wscale)
{
	static u8 buf[70000];
	struct vtl_pkt_tcp t = {
		.ttl = 64, .flags = flags, .seq = seq, .ack = ack,
		.window = win, .opts = opts, .mss = 1000, .wscale = wscale,
		.payload = data, .payload_len = len, .ipv6 = T.v6,
	};
	int n;

	memcpy(t.eth_src, vm_mac, ETH_ALEN);
	memcpy(t.eth_dst, ep_mac, ETH_ALEN);
	if (T.v6) {
		memcpy(t.saddr.ip6, vm_ip6, 16);
		memcpy(t.daddr.ip6, peer_ip6, 16);
	} else {
		t.saddr.ip4 = htobe32(0x0a000002);
		t.daddr.ip4 = htobe32(0xc6336407);	/* 198.51.100.7 */
	}
	t.sport = htobe16(T.port);
	t.dport = htobe16(80);
	n = vtl_pkt_build_tcp(buf, sizeof(buf), &t);
	if (n < 0)
		abort();
	return tcpep_input(T.ep, buf, n, T.now);
}

static int vm_seg(u8 flags, u32 seq, u32 ack, u16 win, const void *data,
		  u32 len)
{
	return vm_seg_opts(flags, seq, ack, win, data, len, 0, 0);
}

/* The VM sends @len bytes of @data in order, acking what it has. */
static void vm_data(const void *data, u32 len)
{
	vm_seg(VTL_TCP_ACK | VTL_TCP_PSH, T.seq, T.ack, 1000, data, len);
	T.seq += len;
}

/* Pop the next frame tcpep sent; NULL if none. */
static struct vtl_pkt *pop(void)
{
	kick();
	if (T.rd == T.nf)
		return NULL;
	if (vtl_pkt_parse(&T.pkt, T.fp[T.rd], T.lens[T.rd], T.lens[T.rd]))
		abort();
	T.rd++;
	return &T.pkt;
}

static unsigned int pending(void)
{
	return T.nf - T.rd;
}

static u32 seq_of(const struct vtl_pkt *p) { return vtl_pkt_tcp_seq(p); }
static u32 ack_of(const struct vtl_pkt *p) { return vtl_pkt_tcp_ack(p); }
static u8 flags_of(const struct vtl_pkt *p) { return vtl_pkt_tcp_flags(p); }
static u32 plen(const struct vtl_pkt *p) { return vtl_pkt_payload_len(p); }

/*
 * Handshake: SYN (VM isn @vm_isn, window scale 7 and SACK-permitted if
 * @opts), SYN-ACK checked, ACK.  The VM's window is 1000 << 7 (scaled).
 */
static bool handshake(u32 vm_isn, bool opts)
{
	struct vtl_pkt *p;
	u32 o = VTL_PKT_TCP_MSS | (opts ? VTL_PKT_TCP_WSCALE |
				   VTL_PKT_TCP_SACKOK : 0);

	vm_seg_opts(VTL_TCP_SYN, vm_isn, 0, 65535, NULL, 0, o, 7);
	p = pop();
	if (!p || flags_of(p) != (VTL_TCP_SYN | VTL_TCP_ACK) ||
	    seq_of(p) != T.isn || ack_of(p) != vm_isn + 1)
		return false;
	T.seq = vm_isn + 1;
	T.ack = T.isn + 1;
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, 1000, NULL, 0);
	return T.ev[TCPEP_EV_ESTABLISHED] == 1;
}

static void test_handshake(void)
{
	struct vtl_pkt *p;
	u32 o;

	setup(0, 0, 12345);
	o = VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE | VTL_PKT_TCP_SACKOK |
	    VTL_PKT_TCP_TS;
	vm_seg_opts(VTL_TCP_SYN, 1000, 0, 65535, NULL, 0, o, 7);
	CHECK(T.ev[TCPEP_EV_NEW] == 1 && T.conn, "SYN: a new connection");
	CHECK(tcpep_conn_key(T.conn)->peer_port == htobe16(80) &&
	      tcpep_conn_key(T.conn)->family == 4 &&
	      !memcmp(tcpep_conn_key(T.conn)->peer_addr, "\xc6\x33\x64\x07", 4),
	      "the key has the original destination");
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_SYN | VTL_TCP_ACK) &&
	      seq_of(p) == 12345 && ack_of(p) == 1001,
	      "SYN-ACK with our ISN, acking the SYN");
	CHECK(p && (p->flags & VTL_PKT_TCP_MSS) && p->tcp_mss == 1460,
	      "SYN-ACK: MSS from the MTU (%u)", p ? p->tcp_mss : 0);
	CHECK(p && (p->flags & VTL_PKT_TCP_WSCALE) && p->tcp_wscale == 3,
	      "SYN-ACK: window scale 3 for 256 KiB");
	CHECK(p && (p->flags & VTL_PKT_TCP_SACKOK), "SYN-ACK: SACK-permitted");
	CHECK(p && !(p->flags & VTL_PKT_TCP_TS), "SYN-ACK: no timestamps");
	CHECK(p && vtl_pkt_tcp_window(p) == 65535, "SYN-ACK: window 65535");
	CHECK(p && !memcmp(vtl_pkt_eth_src(p), ep_mac, 6) &&
	      !memcmp(vtl_pkt_eth_dst(p), vm_mac, 6),
	      "SYN-ACK: from our MAC to the VM's");
	CHECK(p && !vtl_pkt_l4_csum_check(p) && !vtl_pkt_ip4_csum_check(p),
	      "SYN-ACK: checksums");
	/* A retransmitted SYN gets the SYN-ACK again. */
	vm_seg_opts(VTL_TCP_SYN, 1000, 0, 65535, NULL, 0, o, 7);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_SYN | VTL_TCP_ACK) &&
	      seq_of(p) == 12345, "SYN again: SYN-ACK again");
	CHECK(T.ev[TCPEP_EV_NEW] == 1, "SYN again: no second connection");
	vm_seg(VTL_TCP_ACK, 1001, 12346, 1000, NULL, 0);
	CHECK(T.ev[TCPEP_EV_ESTABLISHED] == 1 && !pending(),
	      "ACK: established, nothing sent");
	CHECK(tcpep_get_stats(T.ep)->conns == 1, "one connection");

	/* Without the options: none echoed, no scaling. */
	setup(0, 0, 777);
	vm_seg_opts(VTL_TCP_SYN, 5, 0, 65535, NULL, 0, VTL_PKT_TCP_MSS, 0);
	p = pop();
	CHECK(p && (p->flags & VTL_PKT_TCP_MSS) &&
	      !(p->flags & (VTL_PKT_TCP_WSCALE | VTL_PKT_TCP_SACKOK)),
	      "SYN without options: SYN-ACK with MSS only");
	T.seq = 6;
	T.ack = 778;
	vm_data("hello", 5);
	p = pop();
	CHECK(p && ack_of(p) == 11 && vtl_pkt_tcp_window(p) == 65535,
	      "no scaling: the window field is bytes, capped (%u)",
	      p ? vtl_pkt_tcp_window(p) : 0);

	/* The SYN-ACK is retransmitted on a timer, then given up. */
	setup(0, 0, 1);
	handshake(100, true);
	setup(0, 0, 1);
	vm_seg_opts(VTL_TCP_SYN, 100, 0, 65535, NULL, 0, VTL_PKT_TCP_MSS, 0);
	pop();
	CHECK(tcpep_next_deadline(T.ep) == T.now + 1000 * MS,
	      "SYN-ACK: RTO 1 s before any sample");
	T.now += 1000 * MS;
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_SYN | VTL_TCP_ACK),
	      "SYN-ACK retransmitted after 1 s");
	CHECK(tcpep_next_deadline(T.ep) == T.now + 2000 * MS,
	      "then after 2 s (backoff)");
}

static void test_data_in(void)
{
	char buf[4000], got[4000];
	struct vtl_pkt *p;
	ssize_t n;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	setup(0, 0, 5000);
	CHECK(handshake(1000, true), "handshake");
	vm_data(buf, 1000);
	p = pop();
	CHECK(p && flags_of(p) == VTL_TCP_ACK && ack_of(p) == 2001 &&
	      seq_of(p) == 5001 && !plen(p), "in order: ACK of the data");
	CHECK(p && vtl_pkt_tcp_window(p) == (256 * 1024 - 1000) >> 3,
	      "the window shrinks by what is buffered (%u)",
	      p ? vtl_pkt_tcp_window(p) : 0);
	CHECK(T.ev[TCPEP_EV_READABLE] == 1 && tcpep_readable(T.conn) == 1000,
	      "readable: 1000 bytes");
	n = tcpep_read(T.conn, got, sizeof(got), T.now);
	CHECK(n == 1000 && !memcmp(got, buf, 1000), "read: the bytes");
	CHECK(tcpep_read(T.conn, got, sizeof(got), T.now) == -EAGAIN,
	      "read: then EAGAIN");

	/* Out of order: the second segment first is kept, and acked dup. */
	vm_seg(VTL_TCP_ACK, T.seq + 1000, T.ack, 1000, buf + 2000, 1000);
	p = pop();
	CHECK(p && ack_of(p) == T.seq, "out of order: duplicate ACK");
	CHECK(tcpep_readable(T.conn) == 0, "out of order: nothing readable");
	vm_seg(VTL_TCP_ACK, T.seq + 2500, T.ack, 1000, buf + 3500, 500);
	pop();
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, 1000, buf + 1000, 1000);
	p = pop();
	CHECK(p && ack_of(p) == T.seq + 2000,
	      "hole filled: ACK up to the next hole");
	vm_seg(VTL_TCP_ACK, T.seq + 2000, T.ack, 1000, buf + 3000, 600);
	p = pop();
	CHECK(p && ack_of(p) == T.seq + 3000, "second hole filled: ACK all");
	T.seq += 3000;
	n = tcpep_read(T.conn, got, sizeof(got), T.now);
	CHECK(n == 3000 && !memcmp(got, buf + 1000, 3000),
	      "read: the bytes in order");
	/* An old segment is acked again, not delivered again. */
	vm_seg(VTL_TCP_ACK, T.seq - 500, T.ack, 1000, buf, 500);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && !tcpep_readable(T.conn),
	      "retransmitted old data: re-ACK only");
	/* A keepalive gets an ACK. */
	vm_seg(VTL_TCP_ACK, T.seq - 1, T.ack, 1000, NULL, 0);
	p = pop();
	CHECK(p && ack_of(p) == T.seq, "keepalive answered");
	/* A pure ACK in sequence gets nothing. */
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, 1000, NULL, 0);
	CHECK(!pending(), "pure ACK: no answer");
	/* Bad checksum: dropped. */
	CHECK(tcpep_get_stats(T.ep)->bytes_in == 4000, "4000 bytes in");
}

/* The VM acks everything it got, with window @win (unscaled field). */
static void vm_ack_all(u16 win)
{
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, win, NULL, 0);
}

static void test_data_out(void)
{
	static char buf[300000];
	struct vtl_pkt *p;
	unsigned int segs = 0;
	u32 expect;
	ssize_t n;
	bool ok = true;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i * 7;
	setup(0, 0, 70000);
	CHECK(handshake(1, true), "handshake");
	n = tcpep_write(T.conn, buf, 2500, T.now);
	CHECK(n == 2500, "write 2500");
	expect = T.ack;
	while ((p = pop())) {
		ok &= seq_of(p) == expect && plen(p) <= 1000 &&
		      ack_of(p) == T.seq &&
		      !memcmp(T.fp[T.rd - 1] + p->payload_off,
			      buf + (expect - T.ack), plen(p));
		expect += plen(p);
		segs++;
	}
	CHECK(ok && segs == 3 && expect == T.ack + 2500,
	      "3 segments of the VM's MSS, in order, the right bytes");
	T.ack = expect;
	vm_ack_all(1000);
	/* The deadline is lazy: it may stay, and then finds nothing to do. */
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	CHECK(!pending() && tcpep_next_deadline(T.ep) == UINT64_MAX,
	      "all acked: timer stopped");

	/* The VM's window is respected: 2048 bytes (16 << 7). */
	vm_ack_all(16);
	n = tcpep_write(T.conn, buf, 300000, T.now);
	CHECK(n == 256 * 1024, "write: the send buffer takes 256 KiB (%zd)", n);
	expect = 0;
	while ((p = pop()))
		expect += plen(p);
	/* Two full segments; the 48 bytes left wait for a full one. */
	CHECK(expect == 2000, "window 2048: 2000 bytes sent (%u)", expect);
	/* The flight cap: 64 segments. */
	T.ack += expect;
	vm_ack_all(65535);
	expect = 0;
	segs = 0;
	while ((p = pop())) {
		expect += plen(p);
		segs++;
	}
	CHECK(segs == 64 && expect == 64000, "64 segments in flight at most");
	T.ack += expect;
	vm_ack_all(65535);
	CHECK(T.ev[TCPEP_EV_WRITABLE] == 1,
	      "writable once after a short write (%u)", T.ev[TCPEP_EV_WRITABLE]);
	while (pop())
		;
}

static void test_retransmit(void)
{
	struct vtl_pkt *p;
	u64 rto, t0;
	int i;

	setup(0, 0, 9);
	handshake(50, true);
	T.now += 10 * MS;
	tcpep_write(T.conn, "0123456789", 10, T.now);
	p = pop();
	CHECK(p && plen(p) == 10, "data sent");
	/* The handshake's sample: RTT 0, so RTO is the 200 ms floor. */
	rto = tcpep_next_deadline(T.ep) - T.now;
	CHECK(rto == 200 * MS, "RTO 200 ms after a fast handshake (%llu ms)",
	      (unsigned long long)(rto / MS));
	T.now += rto - 1;
	tcpep_timer(T.ep, T.now);
	CHECK(!pending(), "nothing before the RTO");
	T.now += 1;
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && seq_of(p) == T.ack && plen(p) == 10 &&
	      !memcmp(T.fp[T.rd - 1] + p->payload_off, "0123456789", 10),
	      "retransmitted at the RTO");
	CHECK(tcpep_next_deadline(T.ep) == T.now + 400 * MS,
	      "backoff: next in 400 ms");
	T.ack += 10;
	vm_ack_all(1000);
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	CHECK(!pending() && tcpep_next_deadline(T.ep) == UINT64_MAX,
	      "acked: timer off");

	/* Fast retransmit on three duplicate ACKs. */
	tcpep_write(T.conn, "abcdefghij", 10, T.now);
	tcpep_write(T.conn, "klmnopqrst", 10, T.now);
	while (pop())
		;
	vm_data("x", 1);
	pop();
	for (i = 0; i < 3; i++)
		vm_ack_all(1000);
	p = pop();
	CHECK(p && seq_of(p) == T.ack && plen(p) == 20,
	      "three duplicate ACKs: fast retransmit");
	T.ack += 20;
	vm_ack_all(1000);

	/* Give up after the retries: RST and a reset event. */
	tcpep_write(T.conn, "z", 1, T.now);
	pop();
	t0 = T.now;
	for (i = 0; i < 30 && !T.ev[TCPEP_EV_RESET]; i++) {
		T.now = tcpep_next_deadline(T.ep);
		tcpep_timer(T.ep, T.now);
	}
	while ((p = pop()) && !(flags_of(p) & VTL_TCP_RST))
		;
	CHECK(T.ev[TCPEP_EV_RESET] == 1 &&
	      tcpep_conn_error(T.conn) == ETIMEDOUT,
	      "after %d retransmissions: reset, ETIMEDOUT", TCPEP_MAX_RETRIES);
	CHECK(p && seq_of(p) == T.ack + 1, "and a RST to the VM");
	CHECK(T.now - t0 > 60000 * MS, "after backing off (%llu s)",
	      (unsigned long long)((T.now - t0) / 1000 / MS));
	CHECK(tcpep_read(T.conn, NULL, 0, T.now) == -ETIMEDOUT,
	      "read: ETIMEDOUT");
	tcpep_close(T.conn, T.now);
	CHECK(tcpep_get_stats(T.ep)->conns == 0, "released: freed");
}

/*
 * Is the retransmission timeout @ms (nothing is retransmitted a
 * nanosecond before, something at it)?  Time moves on by @ms.
 */
static bool rto_is(u64 ms)
{
	u64 t0 = T.now;
	struct vtl_pkt *p;

	T.now = t0 + ms * MS - 1;
	tcpep_timer(T.ep, T.now);
	if (pending())
		return false;
	T.now = t0 + ms * MS;
	tcpep_timer(T.ep, T.now);
	p = pop();
	return p && plen(p);
}

/* RFC 6298: the first sample R gives SRTT R, RTTVAR R/2, RTO R + 4 R/2. */
static void test_rtt(void)
{
	setup(0, 0, 1);
	vm_seg_opts(VTL_TCP_SYN, 1, 0, 65535, NULL, 0, VTL_PKT_TCP_MSS, 0);
	pop();
	T.now += 300 * MS;
	T.seq = 2;
	T.ack = 2;
	vm_ack_all(1000);
	tcpep_write(T.conn, "rtt", 3, T.now);
	pop();
	CHECK(rto_is(900), "a 300 ms handshake: RTO 900 ms");
	/* Acked after a retransmission: no sample (Karn), no backoff. */
	T.ack += 3;
	vm_ack_all(1000);
	tcpep_write(T.conn, "rtt", 3, T.now);
	pop();
	T.now += 100 * MS;
	T.ack += 3;
	vm_ack_all(1000);
	/* A sample of 100 ms: SRTT 275, RTTVAR 162.5, RTO 925. */
	tcpep_write(T.conn, "rtt", 3, T.now);
	pop();
	CHECK(rto_is(925), "then a 100 ms sample: RTO 925 ms");
}

static void test_zero_window(void)
{
	char buf[8192], got[8192];
	struct vtl_pkt *p;
	u32 w;

	memset(buf, 'w', sizeof(buf));
	/* Ours: a 4 KiB buffer fills, the window closes, then reopens. */
	setup(4096, 0, 1);
	handshake(1, true);
	vm_data(buf, 1000);
	p = pop();
	w = p ? vtl_pkt_tcp_window(p) : 0;
	CHECK(w == 3096, "window 3096 after 1000 of 4096 (%u)", w);
	vm_data(buf, 1000);
	vm_data(buf, 1000);
	vm_data(buf, 1096);
	while ((p = pop()))
		w = vtl_pkt_tcp_window(p);
	CHECK(w == 0, "buffer full: zero window");
	CHECK(tcpep_get_stats(T.ep)->zero_windows >= 1, "counted");
	/* Data beyond the window is dropped and acked. */
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, 1000, buf, 100);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && !vtl_pkt_tcp_window(p),
	      "data into a zero window: dropped, re-ACKed");
	/* The VM's zero-window probe (Linux's: seq - 1, no data). */
	vm_seg(VTL_TCP_ACK, T.seq - 1, T.ack, 1000, NULL, 0);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && !vtl_pkt_tcp_window(p),
	      "zero-window probe answered, window still 0");
	tcpep_read(T.conn, got, 1000, T.now);
	p = pop();
	CHECK(p && vtl_pkt_tcp_window(p) == 1000,
	      "read: window update of 1000 (%u)", p ? vtl_pkt_tcp_window(p) : 0);
	/* That update lost: sent again until the VM is heard from. */
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && vtl_pkt_tcp_window(p) == 1000 &&
	      !plen(p), "window update sent again after an RTO");
	CHECK(tcpep_get_stats(T.ep)->window_resends == 1, "counted");
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	CHECK((p = pop()) && vtl_pkt_tcp_window(p) == 1000 && !pending(),
	      "and again, backing off");
	vm_data(buf, 1000);
	while (pop())
		;
	CHECK(tcpep_readable(T.conn) == 4096, "and the VM sends into it");
	T.now += 300 * TCPEP_RTO_MAX;
	tcpep_timer(T.ep, T.now);
	CHECK(!pending() && tcpep_get_stats(T.ep)->window_resends == 2,
	      "heard from the VM: no more re-sends");

	/* Theirs: no data into a zero window; probes; reopening. */
	setup(0, 0, 1);
	handshake(1, true);
	vm_ack_all(0);
	tcpep_write(T.conn, buf, 5000, T.now);
	CHECK(!pending(), "the VM's zero window: nothing sent");
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && seq_of(p) == T.ack - 1 && !plen(p),
	      "persist timer: a zero-window probe");
	vm_ack_all(0);
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && seq_of(p) == T.ack - 1,
	      "probes go on while the window stays shut");
	CHECK(tcpep_get_stats(T.ep)->window_probes == 2, "2 probes");
	vm_ack_all(8);	/* 1024 bytes */
	w = 0;
	while ((p = pop()))
		w += plen(p);
	/* A full segment; the 24 bytes left wait (silly window avoidance). */
	CHECK(w == 1000, "window reopened: a segment sent (%u)", w);
}

static void test_delay_acks(void)
{
	char buf[3000];
	struct vtl_pkt *p;

	memset(buf, 'd', sizeof(buf));
	delay_acks = true;
	setup(65536, 0, 1);
	handshake(1, true);
	vm_data(buf, 1000);
	vm_data(buf, 1000);
	CHECK(!pending(), "delay_acks: in-order data, no ACK yet");
	tcpep_flush(T.ep, T.now);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && !pending(),
	      "tcpep_flush: one ACK for both segments");
	tcpep_flush(T.ep, T.now);
	CHECK(!pending(), "nothing more to flush");
	/* Out of order: at once, for the VM's fast retransmit. */
	vm_seg(VTL_TCP_ACK, T.seq + 1000, T.ack, 1000, buf, 1000);
	p = pop();
	CHECK(p && ack_of(p) == T.seq, "out-of-order data: a duplicate ACK at once");
	/* Data toward the VM carries the pending ACK. */
	vm_data(buf, 1000);
	tcpep_write(T.conn, buf, 100, T.now);
	p = pop();
	CHECK(p && plen(p) == 100 && ack_of(p) == T.seq + 1000,
	      "data toward the VM acknowledges it");
	tcpep_flush(T.ep, T.now);
	CHECK(!pending(), "and the flush has nothing left");
	delay_acks = false;
}

/* Was the frame just popped sent with a partial checksum, cut to @gso? */
static bool offloaded(u16 gso)
{
	const struct virtio_net_hdr *vh = &T.vh[T.rd - 1];
	struct vtl_pkt p = T.pkt;

	p.flags |= VTL_PKT_CSUM_PARTIAL;
	return T.has_vh[T.rd - 1] &&
	       vh->flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	       le16toh(vh->csum_start) == p.l4_off &&
	       le16toh(vh->csum_offset) == 16 &&
	       !vtl_pkt_l4_csum_check(&p) &&
	       vh->gso_type == (gso ? T.v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
					   VIRTIO_NET_HDR_GSO_TCPV4 :
				     VIRTIO_NET_HDR_GSO_NONE) &&
	       le16toh(vh->gso_size) == gso &&
	       (!gso || le16toh(vh->hdr_len) == p.payload_off);
}

static void test_offload(void)
{
	static char buf[300000];
	struct vtl_pkt *p;
	u32 sent = 0;
	int i, v6;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i * 13;
	offload = true;
	for (v6 = 0; v6 < 2; v6++) {
		setup(0, 0, 5);
		T.v6 = v6;
		CHECK(handshake(1, true), "offload %s: handshake",
		      v6 ? "v6" : "v4");
		p = pop();
		CHECK(!p, "offload: nothing sent unasked");
		tcpep_write(T.conn, buf, sizeof(buf), T.now);
		/* The VM's window (128000) in frames of 65 segments at most. */
		p = pop();
		CHECK(p && plen(p) == 65000 && seq_of(p) == T.ack &&
		      offloaded(1000) &&
		      !memcmp(T.fp[T.rd - 1] + p->payload_off, buf, 65000),
		      "offload %s: a frame of 65 segments, partial checksum, "
		      "cut to the MSS", v6 ? "v6" : "v4");
		p = pop();
		CHECK(p && plen(p) == 63000 && seq_of(p) == T.ack + 65000 &&
		      offloaded(1000) && !pending() &&
		      !memcmp(T.fp[T.rd - 1] + p->payload_off, buf + 65000,
			      63000),
		      "offload: then the rest of the window, 63 segments");
		/* Room for 2.048 segments: two, in one frame. */
		T.ack += 64000;
		vm_ack_all(16 + 64000 / 128);
		p = pop();
		CHECK(p && plen(p) == 2000 && offloaded(1000) && !pending(),
		      "offload: a window of 2048 bytes takes 2 segments");
		sent += 2000;
		/* A retransmission is one segment, its checksum partial. */
		T.now = tcpep_next_deadline(T.ep);
		tcpep_timer(T.ep, T.now);
		p = pop();
		CHECK(p && plen(p) == 1000 && seq_of(p) == T.ack &&
		      offloaded(0) &&
		      !memcmp(T.fp[T.rd - 1] + p->payload_off, buf + 64000,
			      1000),
		      "offload: a retransmission: one segment, no GSO");
		while (pop())
			;
		T.ack += 66000;
		vm_ack_all(0);
		tcpep_write(T.conn, buf, sizeof(buf), T.now);
		vm_ack_all(65535);
		sent = 0;
		while ((p = pop()))
			sent += plen(p) * offloaded(plen(p) > 1000 ? 1000 : 0);
		/* The flight cap: 176 segments. */
		CHECK(sent == 176000, "offload: 176 segments in flight (%u)",
		      sent);
	}
	T.v6 = false;
	offload = false;
}

/*
 * Push @len bytes of @buf through the connection's send buffer, written in
 * place in pieces of 30000 at most, the VM acking each batch with window
 * @win: the data frames it took (*@frames).  The stream must arrive
 * intact, in order: else false.
 */
static bool push_through(const char *buf, u32 len, u16 win, u32 *frames)
{
	u32 put = 0, sent = 0, isn = T.ack;
	struct vtl_pkt *p;
	ssize_t room = 0;
	bool ok = true;
	void *dst;

	*frames = 0;
	while (sent < len && ok) {
		while (external && put < len) {
			/* The application has them before tcpep hears. */
			T.ext_put = put + (len - put < 30000 ? len - put :
					   30000);
			room = tcpep_write_ext(T.conn, T.ext_put - put, T.now);
			T.ext_put = put + (room > 0 ? room : 0);
			if (room <= 0)
				break;
			put += room;
		}
		while (!external && put < len &&
		       (room = tcpep_write_space(T.conn, &dst)) > 0) {
			room = room < 30000 ? room : 30000;
			memcpy(dst, buf + put, room);
			tcpep_write_done(T.conn, room, T.now);
			put += room;
		}
		ok = put == len || room == -EAGAIN;
		while (ok && (p = pop())) {
			ok = seq_of(p) - isn == sent && plen(p) &&
			     sent + plen(p) <= put &&
			     !memcmp(T.fp[T.rd - 1] + p->payload_off,
				     buf + sent, plen(p));
			sent += plen(p);
			(*frames)++;
		}
		T.ack = isn + sent;
		vm_ack_all(win);
	}
	return ok && sent == len && put == len;
}

/*
 * Both copies saved: bytes put straight into the send buffer, round its
 * end, and frames built where frame_buf says; the stream arrives intact.
 */
static void test_in_place(void)
{
	static char buf[300000];
	u32 frames;
	void *dst;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i * 7 + i / 251;
	offload = in_place = true;
	setup(0, 100000, 5);
	CHECK(handshake(1, true), "in place: handshake");
	CHECK(push_through(buf, sizeof(buf), 1000, &frames),
	      "in place: 300000 bytes through a 100000-byte buffer, intact");
	CHECK(frames && T.placed == T.nf,
	      "in place: all %u frames built where frame_buf said (%u)",
	      T.nf, T.placed);
	CHECK(tcpep_write_space(T.conn, &dst) == 100000,
	      "in place: all acked, the whole buffer free");
	tcpep_shutdown(T.conn, T.now);
	CHECK(tcpep_write_space(T.conn, &dst) == -EPIPE,
	      "write_space after shutdown: EPIPE");
	offload = in_place = false;
}

/*
 * Payloads by reference: each frame names its bytes in the send buffer,
 * read only at the next kick; one that runs round the buffer's end is
 * copied instead.  The stream arrives intact, and frames still unread when
 * the connection goes are read (sync) before its buffer is freed.
 */
static void test_by_ref(void)
{
	static char buf[300000];
	u32 frames, isn, unread;
	struct vtl_pkt *p;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i * 11 + i / 241;
	offload = in_place = by_ref = true;
	setup(0, 100000, 5);
	CHECK(handshake(1, true), "by reference: handshake");
	isn = T.ack;
	/* A window of 12800 bytes: frames cut anywhere, some round the end. */
	CHECK(push_through(buf, sizeof(buf), 100, &frames),
	      "by reference: 300000 bytes through a 100000-byte buffer, "
	      "intact");
	CHECK(T.refs && T.refs < frames && T.placed == T.nf,
	      "by reference: %u of %u data frames, the rest round the "
	      "buffer's end; all built in place", T.refs, frames);

	tcpep_write(T.conn, buf, 5000, T.now);
	unread = T.nf - T.kicked;
	tcpep_destroy(T.ep);
	T.ep = NULL;
	CHECK(unread && T.syncs == 1 && T.kicked == T.nf,
	      "by reference: %u frames unread when the connection went, "
	      "read before its buffer was freed", unread);
	for (i = 0; (p = pop()); )
		i += plen(p) && !memcmp(T.fp[T.rd - 1] + p->payload_off,
					buf + (seq_of(p) - isn - sizeof(buf)),
					plen(p));
	CHECK(i == (int)unread, "by reference: and they were intact (%d)", i);
	offload = in_place = by_ref = false;
}

/*
 * An external stream: tcpep keeps no copy, each frame names its payload by
 * its offset in the application's stream, read only at the next kick, and
 * never bytes the VM already acknowledged (which the application may have
 * dropped); a retransmission names them again.
 */
static void test_external(void)
{
	static char buf[300000];
	struct vtl_pkt *p;
	u32 frames, isn;
	void *dst;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i * 5 + i / 239;
	offload = in_place = external = true;
	setup(0, 100000, 5);
	T.ext_src = (const u8 *)buf;
	CHECK(handshake(1, true), "external: handshake");
	isn = T.ack;
	CHECK(tcpep_write(T.conn, buf, 10, T.now) == -EINVAL &&
	      tcpep_write_space(T.conn, &dst) == -EINVAL &&
	      tcpep_set_external(T.conn) == -EINVAL,
	      "external: tcpep_write(), write_space() and set_external() "
	      "after accept: EINVAL");
	CHECK(push_through(buf, sizeof(buf) - 5000, 100, &frames),
	      "external: 295000 bytes through a 100000-byte window, intact");
	CHECK(T.exts == frames && !T.refs && T.placed == T.nf && !T.ext_bad,
	      "external: all %u data frames named their bytes in the "
	      "stream (%u), none gone yet (%u bad)", frames, T.exts,
	      T.ext_bad);
	CHECK(tcpep_acked(T.conn) == sizeof(buf) - 5000,
	      "external: acked counts the stream (%llu)",
	      (unsigned long long)tcpep_acked(T.conn));
	/* The last 5000 bytes, not acked: retransmitted from the stream. */
	T.ext_put += 5000;
	CHECK(tcpep_write_ext(T.conn, 5000, T.now) == 5000,
	      "external: 5000 more queued");
	p = pop();
	CHECK(p && plen(p) == 5000 && seq_of(p) - isn == sizeof(buf) - 5000,
	      "external: sent");
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && plen(p) == 1000 && seq_of(p) - isn == sizeof(buf) - 5000 &&
	      T.ext_off[T.rd - 1] == sizeof(buf) - 5000 &&
	      !memcmp(T.fp[T.rd - 1] + p->payload_off,
		      buf + sizeof(buf) - 5000, 1000) && !T.ext_bad,
	      "external: a retransmission names the same bytes again");
	/* Closing with bytes unacknowledged: they go, so the VM gets a RST. */
	tcpep_close(T.conn, T.now);
	while ((p = pop()) && !(flags_of(p) & VTL_TCP_RST))
		;
	CHECK(p, "external: closed with bytes unacknowledged: RST");
	offload = in_place = external = false;
}

static void test_fin(void)
{
	struct vtl_pkt *p;
	char got[100];

	/* The VM closes first, we go on sending, then close. */
	setup(0, 0, 1);
	handshake(1, true);
	vm_data("req", 3);
	pop();
	vm_seg(VTL_TCP_ACK | VTL_TCP_FIN, T.seq, T.ack, 1000, NULL, 0);
	T.seq++;
	p = pop();
	CHECK(p && ack_of(p) == T.seq, "VM's FIN acked");
	CHECK(tcpep_read(T.conn, got, sizeof(got), T.now) == 3 &&
	      tcpep_read(T.conn, got, sizeof(got), T.now) == 0 &&
	      tcpep_eof(T.conn), "read: the data, then EOF");
	CHECK(tcpep_write(T.conn, "resp", 4, T.now) == 4,
	      "half-closed: we can still send");
	p = pop();
	CHECK(p && plen(p) == 4 && ack_of(p) == T.seq, "data after their FIN");
	T.ack += 4;
	vm_ack_all(1000);
	tcpep_shutdown(T.conn, T.now);
	p = pop();
	CHECK(p && (flags_of(p) & VTL_TCP_FIN) && seq_of(p) == T.ack,
	      "our FIN");
	CHECK(tcpep_write(T.conn, "x", 1, T.now) == -EPIPE,
	      "write after shutdown: EPIPE");
	T.ack++;
	vm_ack_all(1000);
	CHECK(T.ev[TCPEP_EV_CLOSED] == 1, "FIN acked: closed");
	CHECK(tcpep_get_stats(T.ep)->conns == 1, "held until released");
	tcpep_close(T.conn, T.now);
	CHECK(tcpep_get_stats(T.ep)->conns == 0, "released: freed");

	/* We close first: FIN after the data; the VM sends, then closes. */
	setup(0, 0, 1);
	handshake(1, true);
	tcpep_write(T.conn, "bye", 3, T.now);
	tcpep_shutdown(T.conn, T.now);
	p = pop();
	CHECK(p && plen(p) == 3 && !(flags_of(p) & VTL_TCP_FIN),
	      "data sent at once");
	p = pop();
	CHECK(p && !plen(p) && (flags_of(p) & VTL_TCP_FIN) &&
	      seq_of(p) == T.ack + 3, "then FIN after it");
	T.ack += 4;
	vm_ack_all(1000);
	CHECK(!T.ev[TCPEP_EV_CLOSED], "our FIN acked: not closed yet");
	vm_data("more", 4);
	p = pop();

	CHECK(p && ack_of(p) == T.seq && tcpep_readable(T.conn) == 4,
	      "half-closed: the VM still sends");
	vm_seg(VTL_TCP_ACK | VTL_TCP_FIN, T.seq, T.ack, 1000, NULL, 0);
	T.seq++;
	p = pop();
	CHECK(p && ack_of(p) == T.seq && T.ev[TCPEP_EV_CLOSED] == 1,
	      "their FIN: acked, closed");
	tcpep_read(T.conn, got, sizeof(got), T.now);
	tcpep_close(T.conn, T.now);
	vm_seg(VTL_TCP_ACK | VTL_TCP_FIN, T.seq - 1, T.ack, 1000, NULL, 0);
	p = pop();
	CHECK(p && ack_of(p) == T.seq && flags_of(p) == VTL_TCP_ACK,
	      "time-wait: a retransmitted FIN is acked again");
	CHECK(tcpep_get_stats(T.ep)->conns == 1, "time-wait holds it");
	T.now += TCPEP_TIME_WAIT;
	tcpep_timer(T.ep, T.now);
	CHECK(tcpep_get_stats(T.ep)->conns == 0, "then frees it");

	/* tcpep_close() with nothing unread: FIN, and freed at the end. */
	setup(0, 0, 1);
	handshake(1, true);
	tcpep_close(T.conn, T.now);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_ACK | VTL_TCP_FIN), "close: FIN");
	T.ack++;
	vm_seg(VTL_TCP_ACK | VTL_TCP_FIN, T.seq, T.ack, 1000, NULL, 0);
	pop();
	T.now += TCPEP_TIME_WAIT;
	tcpep_timer(T.ep, T.now);
	CHECK(tcpep_get_stats(T.ep)->conns == 0 && !T.ev[TCPEP_EV_CLOSED],
	      "closed and freed, no events after release");
}

static void test_rst(void)
{
	struct vtl_pkt *p;

	/* From the VM. */
	setup(0, 0, 1);
	handshake(1, true);
	vm_seg(VTL_TCP_RST, T.seq + 100000, 0, 0, NULL, 0);
	CHECK(!T.ev[TCPEP_EV_RESET], "RST out of window: ignored");
	vm_seg(VTL_TCP_RST, T.seq, 0, 0, NULL, 0);
	CHECK(T.ev[TCPEP_EV_RESET] == 1 &&
	      tcpep_conn_error(T.conn) == ECONNRESET, "VM's RST: reset event");
	CHECK(tcpep_write(T.conn, "x", 1, T.now) == -ECONNRESET,
	      "write: ECONNRESET");
	CHECK(!pending(), "no answer to a RST");
	vm_seg(VTL_TCP_ACK, T.seq, T.ack, 1000, "late", 4);
	p = pop();
	CHECK(p && flags_of(p) == VTL_TCP_RST && seq_of(p) == T.ack,
	      "a segment after the reset: RST (the connection is gone)");
	tcpep_close(T.conn, T.now);
	CHECK(tcpep_get_stats(T.ep)->conns == 0, "released: freed");

	/* From the application. */
	setup(0, 0, 1);
	handshake(1, true);
	tcpep_write(T.conn, "abc", 3, T.now);
	pop();
	tcpep_abort(T.conn, T.now);
	p = pop();
	CHECK(p && (flags_of(p) & VTL_TCP_RST) && seq_of(p) == T.ack + 3,
	      "abort: RST at snd_nxt");
	CHECK(!T.ev[TCPEP_EV_RESET] && tcpep_get_stats(T.ep)->conns == 0,
	      "abort: no event, freed");

	/* Refused: RST|ACK to the SYN, the VM's connect() gets ECONNREFUSED. */
	setup(0, 0, 1);
	T.refuse = true;
	vm_seg_opts(VTL_TCP_SYN, 4242, 0, 65535, NULL, 0, VTL_PKT_TCP_MSS, 0);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_RST | VTL_TCP_ACK) &&
	      ack_of(p) == 4243 && !seq_of(p), "refused: RST|ACK of the SYN");
	CHECK(tcpep_get_stats(T.ep)->conns == 0 &&
	      tcpep_get_stats(T.ep)->conns_refused == 1, "refused: freed");

	/* Decided later. */
	setup(0, 0, 1);
	T.manual = true;
	vm_seg_opts(VTL_TCP_SYN, 10, 0, 65535, NULL, 0, VTL_PKT_TCP_MSS, 0);
	CHECK(!pending() && T.conn, "pending: nothing sent yet");
	CHECK(tcpep_write(T.conn, "x", 1, T.now) == -ENOTCONN,
	      "pending: write ENOTCONN");
	tcpep_accept(T.conn, T.now);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_SYN | VTL_TCP_ACK) &&
	      ack_of(p) == 11, "accepted later: SYN-ACK");

	/* For no connection. */
	setup(0, 0, 1);
	T.port = 1234;
	vm_seg(VTL_TCP_ACK, 100, 5555, 1000, "data", 4);
	p = pop();
	CHECK(p && flags_of(p) == VTL_TCP_RST && seq_of(p) == 5555 &&
	      vtl_pkt_dport(p) == htobe16(1234) &&
	      !memcmp(vtl_pkt_eth_src(p), ep_mac, 6),
	      "unknown connection: RST from its ACK number");
	vm_seg(VTL_TCP_FIN, 100, 0, 1000, NULL, 0);
	p = pop();
	CHECK(p && flags_of(p) == (VTL_TCP_RST | VTL_TCP_ACK) &&
	      ack_of(p) == 101, "no ACK: RST|ACK past the segment");
	vm_seg(VTL_TCP_RST, 100, 0, 0, NULL, 0);
	CHECK(!pending(), "a RST is never answered");
	CHECK(tcpep_get_stats(T.ep)->rst_unknown == 2 &&
	      tcpep_get_stats(T.ep)->conns == 0, "counted, no connection");
}

static void test_wrap(void)
{
	char buf[3000], got[3000];
	struct vtl_pkt *p;
	u32 expect = 0;
	bool ok = true;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = i;
	setup(0, 0, 0xfffffc00);
	CHECK(handshake(0xfffffa00, true), "handshake near 2^32");
	vm_data(buf, 1000);
	vm_data(buf + 1000, 1000);
	vm_data(buf + 2000, 1000);
	while ((p = pop()))
		expect = ack_of(p);
	CHECK(expect == 0xfffffa01 + 3000 && T.seq == expect,
	      "VM's data across 2^32 acked (ack %#x)", expect);
	CHECK(tcpep_read(T.conn, got, sizeof(got), T.now) == 3000 &&
	      !memcmp(got, buf, 3000), "and read whole");
	tcpep_write(T.conn, buf, 3000, T.now);
	expect = T.ack;
	while ((p = pop())) {
		ok &= seq_of(p) == expect;
		expect += plen(p);
	}
	CHECK(ok && expect == 0xfffffc01 + 3000,
	      "our data across 2^32 (seq %#x)", expect);
	T.ack = expect - 1000;
	vm_ack_all(1000);
	T.now = tcpep_next_deadline(T.ep);
	tcpep_timer(T.ep, T.now);
	p = pop();
	CHECK(p && seq_of(p) == expect - 1000 && plen(p) == 1000,
	      "retransmission after the wrap");
	T.ack = expect;
	vm_seg(VTL_TCP_ACK | VTL_TCP_FIN, T.seq, T.ack, 1000, NULL, 0);
	T.seq++;
	tcpep_shutdown(T.conn, T.now);
	while ((p = pop()))
		;
	T.ack++;
	vm_ack_all(1000);
	CHECK(T.ev[TCPEP_EV_CLOSED] == 1, "closed across the wrap");
}

static void test_ipv6_nd(void)
{
	static u8 f[128];
	struct vtl_pkt *p;
	u8 *ip;

	setup(0, 0, 1);
	T.v6 = true;
	vm_seg_opts(VTL_TCP_SYN, 1, 0, 65535, NULL, 0,
		    VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE, 7);
	p = pop();
	CHECK(p && (p->flags & VTL_PKT_IPV6) && p->tcp_mss == 1440 &&
	      !memcmp(vtl_pkt_ip6_saddr(p), peer_ip6, 16) &&
	      !vtl_pkt_l4_csum_check(p), "IPv6: SYN-ACK, MSS 1440");
	T.seq = 2;
	T.ack = 2;
	vm_data("six", 3);
	p = pop();
	CHECK(p && ack_of(p) == 5 && tcpep_readable(T.conn) == 3,
	      "IPv6: data acked");

	/* ARP: a request for any address is answered with our MAC. */
	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x08; f[13] = 0x06;
	ip = f + 14;
	ip[1] = 1; ip[2] = 8; ip[4] = 6; ip[5] = 4; ip[7] = 1;
	memcpy(ip + 8, vm_mac, 6);
	memcpy(ip + 14, "\x0a\x00\x00\x02", 4);
	memcpy(ip + 24, "\x0a\x00\x00\x01", 4);
	tcpep_input(T.ep, f, 60, T.now);
	p = pop();
	CHECK(p && vtl_pkt_arp_op(p) == VTL_PKT_ARP_REPLY &&
	      !memcmp(vtl_pkt_arp_sha(p), ep_mac, 6) &&
	      vtl_pkt_arp_spa(p) == htobe32(0x0a000001) &&
	      !memcmp(vtl_pkt_eth_dst(p), vm_mac, 6), "ARP: answered");
	memcpy(ip + 24, "\x0a\x00\x00\x02", 4);
	tcpep_input(T.ep, f, 60, T.now);
	CHECK(!pending(), "gratuitous ARP: not answered");

	/* Neighbour solicitation. */
	memset(f, 0, sizeof(f));
	memcpy(f, "\x33\x33\xff\x00\x00\x01", 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x86; f[13] = 0xdd;
	ip = f + 14;
	ip[0] = 0x60; ip[5] = 32; ip[6] = IPPROTO_ICMPV6; ip[7] = 255;
	memcpy(ip + 8, vm_ip6, 16);
	memcpy(ip + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\0\0\x01", 16);
	ip[40] = 135;
	memcpy(ip + 48, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	ip[64] = 1; ip[65] = 1;
	memcpy(ip + 66, vm_mac, 6);
	{
		struct vtl_pkt ns;

		vtl_pkt_parse(&ns, f, 86, 86);
		vtl_pkt_l4_csum_fill(&ns);
	}
	tcpep_input(T.ep, f, 86, T.now);
	p = pop();
	CHECK(p && (p->flags & VTL_PKT_ICMPV6) && vtl_pkt_icmp_type(p) == 136 &&
	      !vtl_pkt_l4_csum_check(p) &&
	      !memcmp(T.fp[T.rd - 1] + p->l4_off + 8, ip + 48, 16) &&
	      !memcmp(T.fp[T.rd - 1] + p->l4_off + 26, ep_mac, 6) &&
	      !memcmp(vtl_pkt_ip6_daddr(p), vm_ip6, 16),
	      "neighbour solicitation: advertisement with our MAC");

	/* A corrupted segment is dropped. */
	T.v6 = false;
	T.port = 999;
	{
		struct vtl_pkt_tcp t = {
			.ttl = 64, .flags = VTL_TCP_SYN, .seq = 1,
			.window = 100, .sport = htobe16(9), .dport = htobe16(9),
		};
		int n = vtl_pkt_build_tcp(f, sizeof(f), &t);

		f[n - 1] ^= 1;
		CHECK(tcpep_input(T.ep, f, n, T.now) == -EINVAL && !pending(),
		      "bad checksum: dropped");
		trust_csum = true;
		setup(0, 0, 1);
		trust_csum = false;
		CHECK(!tcpep_input(T.ep, f, n, T.now) && T.ev[TCPEP_EV_NEW] == 1,
		      "trust_csum: taken as it is");
	}
}

int main(void)
{
	/* tap.h's output capture is for the command-line tests. */
	(void)capture_begin;
	(void)capture_end;
	test_handshake();
	test_data_in();
	test_data_out();
	test_retransmit();
	test_rtt();
	test_zero_window();
	test_delay_acks();
	test_offload();
	test_in_place();
	test_by_ref();
	test_external();
	test_fin();
	test_rst();
	test_wrap();
	test_ipv6_nd();
	tcpep_destroy(T.ep);
	return tap_done();
}
