// SPDX-License-Identifier: GPL-2.0
/*
 * tcpep: the remote end of the VM's TCP connections; see tcpep.h.
 *
 * Each connection keeps two things.  Its &struct vtl_model, the kernel's
 * state model, sees every segment both ways: it decides whether a segment
 * from the VM is part of the connection (its window bounds are conntrack's),
 * tracks the handshake's options, the VM's window and acknowledgments, and
 * gives the fields of our segments (vtl_model_tcp(), which we build and
 * then pass back through vtl_model_update() as if seen on the wire).  Next to it, a small TCB has
 * what only an endpoint needs: the bytes (send and receive buffers), what
 * the VM has acknowledged and what we have received in order (the model's
 * sequence numbers are the highest seen, holes included), and the
 * retransmission timer.  A segment therefore gets its sequence and
 * acknowledgment numbers from the TCB, set before it is built.
 *
 * Simplifications, fine for a VM on the same host: no congestion control
 * beyond a fixed %TCPEP_MAX_FLIGHT segments in flight (with offload,
 * %TCPEP_MAX_FLIGHT_GSO); no timestamps (our SYN-ACK does not offer them); no SACK blocks sent, and the VM's are
 * ignored; recovery is NewReno's (retransmit the first unacknowledged
 * segment after three duplicate ACKs, a timeout, or a partial ACK); an ACK
 * for every segment with data (no delayed ACK); up to %TCPEP_OOO_MAX
 * out-of-order ranges are kept, more are dropped (the VM retransmits).
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/virtio_net.h>

#include "../../kmod/lib/model.h"
#include "tcpep.h"
#include "tcpep_buf.h"
#include "tcpep_nd.h"

#define TCPEP_OOO_MAX		8
#define TCPEP_HASH_MIN		256
/* Room past the receive buffer for the window's rounding to its scale. */
#define TCPEP_RCV_SLACK		(2 << VTL_MODEL_MAX_WSCALE)
/* MSS to assume when the VM's SYN has none (RFC 879, RFC 8200 5). */
#define TCPEP_MSS_V4_DEFAULT	536
#define TCPEP_MSS_V6_DEFAULT	1220
#define TCPEP_HDR_V4		40
#define TCPEP_HDR_V6		60
#define TCPEP_DUPACKS		3
/* Payload of a large segment: an IP packet of 64 KiB at most, options too. */
#define TCPEP_GSO_MAX		(0xffff - TCPEP_HDR_V6 - 40)
#define TCPEP_CLOCK_GRANULARITY	TCPEP_MS

enum conn_phase {
	PH_PENDING,	/* SYN seen; the application has not decided */
	PH_SYN_RECV,	/* SYN-ACK sent */
	PH_OPEN,	/* established, possibly half-closed either way */
	PH_TIME_WAIT,	/* both closed, we first: re-ACK the VM's FIN */
	PH_DONE,	/* closed or reset, unhashed; waits for release */
};

struct ooo_range {
	u32 start;
	u32 end;
};

struct tcpep_conn {
	struct tcpep *ep;
	struct tcpep_conn *hnext;	/* hash chain */
	struct tcpep_conn *prev, *next;	/* all connections */
	struct tcpep_conn *dnext;	/* to be freed */
	struct vtl_model m;
	void *user;
	u8 phase;
	bool released;
	bool dead;
	bool want_write;
	int error;

	/*
	 * Toward the VM: snd holds the bytes from snd_una on; or only counts
	 * them (no storage) if the application holds them (@ext).
	 */
	struct tcpep_buf snd;
	bool ext;
	u64 snd_acked;		/* bytes of the stream the VM acknowledged */
	u32 isn;
	u32 snd_una;
	u32 snd_nxt;
	u32 mss;
	u32 seg_max;		/* payload of a frame: the MSS, or more */
	bool fin_queued;
	bool fin_sent;
	bool fin_acked;
	bool fin_first;		/* our FIN went before the VM's */
	bool in_recovery;
	u32 recover;
	u8 dupacks;

	/* From the VM: rcv holds the bytes from rd_seq on. */
	struct tcpep_buf rcv;
	u32 rd_seq;
	u32 rcv_nxt;
	u32 rcv_adv;		/* right edge of the window we advertised */
	bool fin_rcvd;
	u8 nr_ooo;
	struct ooo_range ooo[TCPEP_OOO_MAX];

	/* Retransmission (RFC 6298) and persist timer. */
	u64 srtt;
	u64 rttvar;
	u64 rto;
	bool rtt_valid;
	bool rtt_timing;
	u32 rtt_seq;
	u64 rtt_time;
	u8 backoff;
	u8 retries;
	bool persist;
	u64 rto_at;		/* 0: not armed */
	u64 tw_at;
	/*
	 * A window update that reopened a window the VM saw (nearly) shut
	 * is sent again until the VM sends anything: lost on its way (a full
	 * queue toward the VM), the VM would learn of it only from its
	 * zero-window probes, whose interval backs off to minutes.
	 */
	u64 wupd_at;		/* 0: not armed */
	u8 wupd_tries;
	bool ack_pending;	/* in-order data not yet acknowledged */
};

struct tcpep {
	struct tcpep_config cfg;
	struct tcpep_conn **hash;
	u32 nr_buckets;
	struct tcpep_conn *conns;	/* all of them, for the timers */
	struct tcpep_conn *dead;
	unsigned int depth;		/* entry points on the stack */
	u64 next_deadline;		/* never later than the earliest */
	struct tcpep_stats stats;
	u8 frame[VTL_PKT_TCP_BUILD_HLEN + 65536];
};

static bool seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool seq_after(u32 a, u32 b)
{
	return seq_before(b, a);
}

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

/* ---- the connection table ---------------------------------------------- */

/* FNV-1a: the key is zero-padded (vtl_model_key()), so hash all of it. */
static u32 key_hash(const struct vtl_flow_key *key)
{
	const u8 *p = (const u8 *)key;
	u32 h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct tcpep_conn *conn_lookup(struct tcpep *ep,
				      const struct vtl_flow_key *key)
{
	struct tcpep_conn *c = ep->hash[key_hash(key) & (ep->nr_buckets - 1)];

	for (; c; c = c->hnext)
		if (!memcmp(&c->m.key, key, sizeof(*key)))
			return c;
	return NULL;
}

/* Double the buckets when there are more connections than buckets. */
static void hash_grow(struct tcpep *ep)
{
	u32 n = ep->nr_buckets * 2, i;
	struct tcpep_conn **h = calloc(n, sizeof(*h)), *c, *next;

	if (!h)
		return;	/* longer chains, still correct */
	for (i = 0; i < ep->nr_buckets; i++)
		for (c = ep->hash[i]; c; c = next) {
			struct tcpep_conn **b = &h[key_hash(&c->m.key) & (n - 1)];

			next = c->hnext;
			c->hnext = *b;
			*b = c;
		}
	free(ep->hash);
	ep->hash = h;
	ep->nr_buckets = n;
}

static void conn_hash(struct tcpep_conn *c)
{
	struct tcpep *ep = c->ep;
	struct tcpep_conn **b;

	if (ep->stats.conns > ep->nr_buckets)
		hash_grow(ep);
	b = &ep->hash[key_hash(&c->m.key) & (ep->nr_buckets - 1)];
	c->hnext = *b;
	*b = c;
}

static void conn_unhash(struct tcpep_conn *c)
{
	struct tcpep *ep = c->ep;
	struct tcpep_conn **p;

	p = &ep->hash[key_hash(&c->m.key) & (ep->nr_buckets - 1)];
	for (; *p; p = &(*p)->hnext)
		if (*p == c) {
			*p = c->hnext;
			return;
		}
}

/*
 * Entry points nest (a callback may call tcpep_close()), and the timer
 * walks the list of connections: a connection is only freed when the
 * outermost entry point returns, never under anyone's feet.
 */
static void ep_enter(struct tcpep *ep)
{
	ep->depth++;
}

static void conn_free(struct tcpep_conn *c)
{
	struct tcpep *ep = c->ep;

	if (c->prev)
		c->prev->next = c->next;
	else
		ep->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	/* Frames sent by reference may point into it. */
	if (ep->cfg.output_ref && c->snd.data)
		ep->cfg.sync(ep->cfg.arg);
	tcpep_buf_free(&c->snd);
	tcpep_buf_free(&c->rcv);
	ep->stats.conns--;
	free(c);
}

static void ep_exit(struct tcpep *ep)
{
	struct tcpep_conn *c;

	if (--ep->depth)
		return;
	while ((c = ep->dead)) {
		ep->dead = c->dnext;
		conn_free(c);
	}
}

/* Queue a connection for freeing once both sides are done with it. */
static void conn_check_free(struct tcpep_conn *c)
{
	if (!c->released || c->phase != PH_DONE || c->dead)
		return;
	c->dead = true;
	c->dnext = c->ep->dead;
	c->ep->dead = c;
}

static void conn_event(struct tcpep_conn *c, enum tcpep_event ev)
{
	if (!c->released && c->ep->cfg.event)
		c->ep->cfg.event(c->ep->cfg.arg, c, ev);
}

/* The protocol is done with @c: no more segments reach it. */
static void conn_finish(struct tcpep_conn *c)
{
	if (c->phase == PH_DONE)
		return;
	conn_unhash(c);
	c->phase = PH_DONE;
	c->rto_at = 0;
	c->tw_at = 0;
	conn_check_free(c);
}

static void conn_arm(struct tcpep_conn *c, u64 at)
{
	c->rto_at = at;
	if (at && at < c->ep->next_deadline)
		c->ep->next_deadline = at;
}

/* ---- sending ----------------------------------------------------------- */

/*
 * The window we advertise: the free space of the receive buffer, in units
 * of our window scale.  Its right edge never moves left (RFC 7323 2.4):
 * rounding down to the scale could, so it is then rounded up, which the
 * buffer's slack absorbs.
 */
static u32 rcv_window(const struct tcpep_conn *c)
{
	const struct vtl_ep *us = &c->m.ep[VTL_EP_PEER];
	u32 ws = us->wscale_ok ? us->wscale : 0, unit = 1U << ws;
	u32 bufsz = c->ep->cfg.rcvbuf, used = c->rcv.len, win;

	win = used < bufsz ? (bufsz - used) & ~(unit - 1) : 0;
	if (win > 0xffffU << ws)
		win = 0xffffU << ws;
	if (seq_before(c->rcv_nxt + win, c->rcv_adv))
		win = (c->rcv_adv - c->rcv_nxt + unit - 1) & ~(unit - 1);
	return win;
}

/*
 * The virtio_net_hdr of a frame leaving with its checksum partial: it is
 * cut into segments of the MSS on the way if it carries more.
 */
static void conn_vnet_hdr(const struct tcpep_conn *c, const struct vtl_pkt *pkt,
			  u32 len, struct virtio_net_hdr *vh)
{
	memset(vh, 0, sizeof(*vh));
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->csum_start = htole16(pkt->l4_off);
	vh->csum_offset = htole16(vtl_pkt_l4_csum_off(pkt) - pkt->l4_off);
	if (len > c->mss) {
		vh->gso_type = c->m.key.family == 6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
						      VIRTIO_NET_HDR_GSO_TCPV4;
		vh->gso_size = htole16(c->mss);
		vh->hdr_len = htole16(pkt->payload_off);
	}
}

/*
 * Build a segment from us with the model, its numbers from the TCB, show
 * it to the model and send it.  A SYN's numbers are the model's.
 */
static void conn_xmit(struct tcpep_conn *c, u8 flags, u32 seq, u32 len,
		      u64 now)
{
	struct tcpep *ep = c->ep;
	u32 win = flags & VTL_TCP_RST ? 0 : rcv_window(c);
	struct virtio_net_hdr vh;
	struct vtl_pkt_tcp tcp;
	const u8 *ref = NULL;
	struct vtl_pkt pkt;
	u8 *frame = NULL;
	bool ext = false;
	u32 hlen;
	int n;

	c->ack_pending = false;	/* whatever goes, it acknowledges all */
	if (flags & VTL_TCP_SYN)
		win = min_u32(ep->cfg.rcvbuf, 0xffff);
	if (vtl_model_tcp(&c->m, VTL_EP_PEER, flags, win, &tcp))
		return;
	if (!(flags & VTL_TCP_SYN))
		tcp.seq = seq;
	if (flags & VTL_TCP_ACK)
		tcp.ack = c->rcv_nxt;
	tcp.csum_partial = ep->cfg.offload;
	/*
	 * An external stream's payload is the application's: the frame is
	 * its headers.  So is it if the payload goes by reference, which it
	 * does if the output takes it so and it is in one piece.  Else the
	 * frame is built where the output wants it if it says, the payload
	 * copied there from the send buffer first: one copy.
	 */
	if (len && c->ext) {
		/* The application's bytes: not after it let go of them. */
		if (c->released)
			return;
		ext = true;
	} else if (len && ep->cfg.offload && ep->cfg.output_ref) {
		ref = tcpep_buf_span(&c->snd, seq - c->snd_una, len);
	}
	tcp.payload_ext = ref || ext;
	n = vtl_pkt_build_tcp(NULL, 0, &tcp);	/* the headers */
	if (n < 0 || len > sizeof(ep->frame) - n)
		return;
	hlen = n;
	n += tcp.payload_ext ? 0 : len;
	if (ep->cfg.frame_buf)
		frame = ep->cfg.frame_buf(ep->cfg.arg, n,
					  tcp.payload_ext ? len : 0);
	if (!frame)
		frame = ep->frame;
	tcp.payload_len = len;
	if (len && !tcp.payload_ext) {
		tcpep_buf_get(&c->snd, seq - c->snd_una, frame + n - len, len);
		tcp.payload = frame + n - len;
	}
	n = vtl_pkt_build_tcp(frame, n, &tcp);
	if (n < 0 ||
	    vtl_pkt_parse(&pkt, frame, tcp.payload_ext ? hlen : (u32)n, n))
		return;
	if (vtl_model_update(&c->m, &pkt, false, now) != VTL_MODEL_VALID)
		ep->stats.invalid++;
	if (!(flags & VTL_TCP_RST)) {
		u32 ws = c->m.ep[VTL_EP_PEER].wscale_ok ?
			 c->m.ep[VTL_EP_PEER].wscale : 0;
		u32 adv = (u32)vtl_pkt_tcp_window(&pkt) << ws;

		if (flags & VTL_TCP_SYN)
			adv = win;

		if (!adv)
			ep->stats.zero_windows++;
		if (seq_after(c->rcv_nxt + adv, c->rcv_adv))
			c->rcv_adv = c->rcv_nxt + adv;
	}
	ep->stats.frames_out++;
	if (ep->cfg.offload)
		conn_vnet_hdr(c, &pkt, len, &vh);
	if (ext)
		ep->cfg.output_ext(ep->cfg.arg, c, frame, hlen,
				   c->snd_acked + (seq - c->snd_una), len, &vh);
	else if (ref)
		ep->cfg.output_ref(ep->cfg.arg, frame, hlen, ref, len, &vh);
	else
		ep->cfg.output(ep->cfg.arg, frame, n,
			       ep->cfg.offload ? &vh : NULL);
}

static void conn_send_ack(struct tcpep_conn *c, u64 now)
{
	conn_xmit(c, VTL_TCP_ACK, c->snd_nxt, 0, now);
}

/* @len bytes of the send buffer from sequence @seq, with FIN if @fin. */
static void conn_send_data(struct tcpep_conn *c, u32 seq, u32 len, bool fin,
			   u64 now)
{
	u8 flags = VTL_TCP_ACK | (fin ? VTL_TCP_FIN : 0);

	if (len)
		flags |= VTL_TCP_PSH;
	conn_xmit(c, flags, seq, len, now);
}

static u64 conn_rto(const struct tcpep_conn *c)
{
	u64 rto = c->rto << c->backoff;

	return rto > TCPEP_RTO_MAX || rto < c->rto ? TCPEP_RTO_MAX : rto;
}

/* The right edge of the VM's window, as the model last saw it. */
static u32 snd_edge(const struct tcpep_conn *c)
{
	const struct vtl_ep *vm = &c->m.ep[VTL_EP_VM];

	return vm->ack + vm->window;
}

/* Send what the VM's window and our flight limit allow. */
static void conn_push(struct tcpep_conn *c, u64 now)
{
	if (c->phase != PH_OPEN)
		return;
	for (;;) {
		u32 flight = c->snd_nxt - c->snd_una;
		u32 cap = c->ep->cfg.offload ? TCPEP_MAX_FLIGHT_GSO * c->mss :
					       TCPEP_MAX_FLIGHT * c->mss;
		u32 unsent, room, len;
		bool fin;

		if (c->fin_sent)
			return;
		unsent = c->snd.len - flight;
		if (!unsent) {
			if (!c->fin_queued)
				return;
			/* A FIN takes no window space. */
			conn_send_data(c, c->snd_nxt, 0, true, now);
			c->fin_sent = true;
			c->fin_first = !c->fin_rcvd;
			c->snd_nxt++;
			if (!c->rto_at || c->persist)
				conn_arm(c, now + conn_rto(c));
			c->persist = false;
			return;
		}
		room = seq_after(snd_edge(c), c->snd_nxt) ?
		       snd_edge(c) - c->snd_nxt : 0;
		len = min_u32(min_u32(unsent, c->seg_max),
			      min_u32(room, cap > flight ? cap - flight : 0));
		/* A large segment is cut to the MSS: no runt in mid-stream. */
		if (len > c->mss && len < unsent)
			len -= len % c->mss;
		if (!len || (len < min_u32(unsent, c->mss) && flight)) {
			/*
			 * Silly window avoidance: wait for room for a full
			 * segment while some are in flight; with none in
			 * flight and a closed window, probe it.
			 */
			if (!flight && !room && !c->rto_at) {
				c->persist = true;
				conn_arm(c, now + conn_rto(c));
			}
			return;
		}
		fin = c->fin_queued && len == unsent;
		conn_send_data(c, c->snd_nxt, len, fin, now);
		if (fin) {
			c->fin_sent = true;
			c->fin_first = !c->fin_rcvd;
		}
		if (!c->rtt_timing) {
			c->rtt_timing = true;
			c->rtt_seq = c->snd_nxt + len;
			c->rtt_time = now;
		}
		c->snd_nxt += len + fin;
		c->ep->stats.bytes_out += len;
		if (!c->rto_at || c->persist) {
			c->persist = false;
			conn_arm(c, now + conn_rto(c));
		}
		if (fin)
			return;
	}
}

/* Send the first unacknowledged segment again. */
static void conn_retransmit(struct tcpep_conn *c, u64 now)
{
	u32 flight = c->snd_nxt - c->snd_una;
	u32 len = min_u32(min_u32(c->snd.len, flight), c->mss);
	bool fin = flight > c->snd.len && len == c->snd.len;

	c->ep->stats.retransmits++;
	c->rtt_timing = false;	/* Karn: no sample from a retransmission */
	conn_send_data(c, c->snd_una, len, fin, now);
}

static void conn_send_synack(struct tcpep_conn *c, u64 now)
{
	conn_xmit(c, VTL_TCP_SYN | VTL_TCP_ACK, c->isn, 0, now);
}

/* Reset @c: tell the VM (if @send) and the application. */
static void conn_reset(struct tcpep_conn *c, int err, bool send, u64 now)
{
	if (c->phase == PH_DONE)
		return;
	if (send)
		conn_xmit(c, VTL_TCP_RST | VTL_TCP_ACK, c->snd_nxt, 0, now);
	c->error = err;
	c->ep->stats.conns_reset++;
	conn_finish(c);
	conn_event(c, TCPEP_EV_RESET);
}

/* ---- timers ------------------------------------------------------------ */

/* RFC 6298 2.2 and 2.3, with Linux's 200 ms floor. */
static void conn_rtt_sample(struct tcpep_conn *c, u64 r)
{
	if (!c->rtt_valid) {
		c->srtt = r;
		c->rttvar = r / 2;
		c->rtt_valid = true;
	} else {
		u64 d = c->srtt > r ? c->srtt - r : r - c->srtt;

		c->rttvar = (3 * c->rttvar + d) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	c->rto = c->srtt + (4 * c->rttvar > TCPEP_CLOCK_GRANULARITY ?
			    4 * c->rttvar : TCPEP_CLOCK_GRANULARITY);
	if (c->rto < TCPEP_RTO_MIN)
		c->rto = TCPEP_RTO_MIN;
	if (c->rto > TCPEP_RTO_MAX)
		c->rto = TCPEP_RTO_MAX;
}

static void conn_timeout(struct tcpep_conn *c, u64 now)
{
	struct tcpep_stats *st = &c->ep->stats;

	c->rto_at = 0;
	if (c->persist) {
		/*
		 * Zero-window probe, as Linux sends it: an old sequence
		 * number, which the VM must answer with an ACK carrying its
		 * window.  Probing goes on as long as the VM answers.
		 */
		st->window_probes++;
		conn_xmit(c, VTL_TCP_ACK, c->snd_una - 1, 0, now);
		if (c->backoff < 16)
			c->backoff++;
		conn_arm(c, now + conn_rto(c));
		return;
	}
	if (c->phase != PH_SYN_RECV &&
	    (c->phase != PH_OPEN || c->snd_nxt == c->snd_una))
		return;
	st->timeouts++;
	if (++c->retries > TCPEP_MAX_RETRIES) {
		conn_reset(c, ETIMEDOUT, true, now);
		return;
	}
	if (c->backoff < 16)
		c->backoff++;
	if (c->phase == PH_SYN_RECV) {
		st->retransmits++;
		c->rtt_timing = false;
		conn_send_synack(c, now);
	} else {
		c->in_recovery = true;
		c->recover = c->snd_nxt;
		c->dupacks = 0;
		conn_retransmit(c, now);
	}
	conn_arm(c, now + conn_rto(c));
}

/* Arm the window update's re-send, @tries sent so far. */
static void conn_arm_wupd(struct tcpep_conn *c, u8 tries, u64 now)
{
	c->wupd_tries = tries;
	c->wupd_at = now + (c->rto << tries);
	if (c->wupd_at < c->ep->next_deadline)
		c->ep->next_deadline = c->wupd_at;
}

static void conn_timer(struct tcpep_conn *c, u64 now)
{
	if (c->tw_at && c->tw_at <= now) {
		conn_finish(c);
		return;
	}
	if (c->rto_at && c->rto_at <= now)
		conn_timeout(c, now);
	if (c->wupd_at && c->wupd_at <= now) {
		c->wupd_at = 0;
		if (c->phase == PH_OPEN && !c->fin_rcvd) {
			c->ep->stats.window_resends++;
			conn_send_ack(c, now);
			if (c->wupd_tries < TCPEP_WUPD_TRIES)
				conn_arm_wupd(c, c->wupd_tries + 1, now);
		}
	}
}

/**
 * tcpep_timer - run the timers that are due
 * @ep: the endpoint
 * @now: the time
 *
 * Retransmissions, zero-window probes, the end of time-wait.  Call it when
 * tcpep_next_deadline() has passed; calling it earlier is harmless.
 */
void tcpep_timer(struct tcpep *ep, uint64_t now)
{
	struct tcpep_conn *c;
	u64 next = UINT64_MAX;

	if (now < ep->next_deadline)
		return;
	ep_enter(ep);
	/* Timers armed while this runs lower next_deadline: start high. */
	ep->next_deadline = UINT64_MAX;
	for (c = ep->conns; c; c = c->next) {
		if (c->dead)
			continue;
		conn_timer(c, now);
		if (c->rto_at && c->rto_at < next)
			next = c->rto_at;
		if (c->tw_at && c->tw_at < next)
			next = c->tw_at;
		if (c->wupd_at && c->wupd_at < next)
			next = c->wupd_at;
	}
	if (next < ep->next_deadline)
		ep->next_deadline = next;
	ep_exit(ep);
}

/**
 * tcpep_flush - acknowledge the data the last frames brought
 * @ep: the endpoint
 * @now: the time
 *
 * With &tcpep_config.delay_acks, in-order data is acknowledged here, once
 * per connection for a whole batch of frames, unless a segment toward the
 * VM carried the ACK first.  Call it after each batch of tcpep_input().
 */
void tcpep_flush(struct tcpep *ep, uint64_t now)
{
	struct tcpep_conn *c;

	ep_enter(ep);
	for (c = ep->conns; c; c = c->next)
		if (c->ack_pending && !c->dead && c->phase == PH_OPEN)
			conn_send_ack(c, now);
	ep_exit(ep);
}

/**
 * tcpep_next_deadline - when tcpep_timer() is next due
 * @ep: the endpoint
 *
 * Return: a time no later than the earliest armed timer (it may be earlier:
 * a timer stopped since is noticed only when it would have run), or
 * UINT64_MAX with none armed.
 */
uint64_t tcpep_next_deadline(const struct tcpep *ep)
{
	return ep->next_deadline;
}

/* ---- receiving --------------------------------------------------------- */

/* Both FINs are through: closed, or time-wait if we closed first. */
static void conn_check_closed(struct tcpep_conn *c, u64 now)
{
	if (c->phase != PH_OPEN || !c->fin_rcvd || !c->fin_acked)
		return;
	c->ep->stats.conns_closed++;
	c->rto_at = 0;
	if (c->fin_first) {
		c->phase = PH_TIME_WAIT;
		c->tw_at = now + TCPEP_TIME_WAIT;
		if (c->tw_at < c->ep->next_deadline)
			c->ep->next_deadline = c->tw_at;
	} else {
		conn_finish(c);
	}
	conn_event(c, TCPEP_EV_CLOSED);
}

/* The ACK field of a segment from the VM the model found valid. */
static void conn_ack(struct tcpep_conn *c, const struct vtl_pkt *pkt,
		     u32 prev_edge, u64 now)
{
	u32 ack = vtl_pkt_tcp_ack(pkt), acked, data;
	bool dup;

	if (!(vtl_pkt_tcp_flags(pkt) & VTL_TCP_ACK))
		return;
	if (seq_after(ack, c->snd_una) && !seq_after(ack, c->snd_nxt)) {
		acked = ack - c->snd_una;
		data = min_u32(acked, c->snd.len);
		tcpep_buf_consume(&c->snd, data);
		c->snd_acked += data;
		if (acked > data)
			c->fin_acked = true;
		c->snd_una = ack;
		c->dupacks = 0;
		c->retries = 0;
		c->backoff = 0;
		if (c->rtt_timing && !seq_before(ack, c->rtt_seq)) {
			c->rtt_timing = false;
			conn_rtt_sample(c, now - c->rtt_time);
		}
		if (c->in_recovery) {
			if (seq_before(ack, c->recover))
				conn_retransmit(c, now);	/* NewReno */
			else
				c->in_recovery = false;
		}
		c->persist = false;
		conn_arm(c, c->snd_una == c->snd_nxt ? 0 :
			 now + conn_rto(c));
		if (data && c->want_write) {
			c->want_write = false;
			conn_event(c, TCPEP_EV_WRITABLE);
		}
		return;
	}
	dup = ack == c->snd_una && !vtl_pkt_payload_len(pkt) &&
	      !(vtl_pkt_tcp_flags(pkt) & VTL_TCP_FIN) &&
	      c->snd_nxt != c->snd_una && snd_edge(c) == prev_edge;
	if (dup && ++c->dupacks == TCPEP_DUPACKS && !c->in_recovery) {
		c->in_recovery = true;
		c->recover = c->snd_nxt;
		conn_retransmit(c, now);
		conn_arm(c, now + conn_rto(c));
	}
	/* A window opening ends the probing: conn_push() sends. */
	if (c->persist && seq_after(snd_edge(c), c->snd_nxt)) {
		c->persist = false;
		c->backoff = 0;
		conn_arm(c, 0);
	}
}

/* Note [start, end) as received out of order; false if no room. */
static bool ooo_add(struct tcpep_conn *c, u32 start, u32 end)
{
	struct ooo_range *r = c->ooo;
	u8 i, j;

	for (i = 0; i < c->nr_ooo && seq_before(r[i].end, start); i++)
		;
	if (i < c->nr_ooo && !seq_after(r[i].start, end)) {
		/* Overlaps or touches r[i]: grow it, swallow the next ones. */
		if (seq_before(start, r[i].start))
			r[i].start = start;
		if (seq_after(end, r[i].end))
			r[i].end = end;
		for (j = i + 1; j < c->nr_ooo &&
		     !seq_after(r[j].start, r[i].end); j++)
			if (seq_after(r[j].end, r[i].end))
				r[i].end = r[j].end;
		memmove(&r[i + 1], &r[j], (c->nr_ooo - j) * sizeof(*r));
		c->nr_ooo -= j - i - 1;
		return true;
	}
	if (c->nr_ooo == TCPEP_OOO_MAX)
		return false;
	memmove(&r[i + 1], &r[i], (c->nr_ooo - i) * sizeof(*r));
	r[i].start = start;
	r[i].end = end;
	c->nr_ooo++;
	return true;
}

/* rcv_nxt moved: take in the out-of-order ranges it reached. */
static void ooo_merge(struct tcpep_conn *c)
{
	while (c->nr_ooo && !seq_after(c->ooo[0].start, c->rcv_nxt)) {
		if (seq_after(c->ooo[0].end, c->rcv_nxt))
			c->rcv_nxt = c->ooo[0].end;
		memmove(&c->ooo[0], &c->ooo[1], --c->nr_ooo * sizeof(c->ooo[0]));
	}
}

/*
 * The payload and FIN of a valid segment from the VM.  Return: whether to
 * answer with an ACK (anything but a pure ACK in sequence).
 */
static bool conn_data(struct tcpep_conn *c, const struct vtl_pkt *pkt,
		      u64 now)
{
	u32 seq = vtl_pkt_tcp_seq(pkt), len = vtl_pkt_payload_len(pkt);
	bool fin = vtl_pkt_tcp_flags(pkt) & VTL_TCP_FIN;
	const u8 *data = pkt->data + pkt->payload_off;
	u32 fin_seq = seq + len, limit, skip;
	u32 old_nxt = c->rcv_nxt;

	if (!len && !fin)
		return seq != c->rcv_nxt;	/* probes, keepalives */
	if (c->fin_rcvd)
		return true;	/* a retransmission: say again where we are */
	if (len && c->released) {
		/* Nobody will read it: tell the VM, as close() does. */
		conn_reset(c, 0, true, now);
		return false;
	}
	if (seq_before(seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - seq;
		if (skip >= len) {
			len = 0;
			seq = c->rcv_nxt;
		} else {
			seq += skip;
			data += skip;
			len -= skip;
		}
	}
	/*
	 * Never past the window we advertised, which the buffer (with its
	 * slack) holds: what is beyond is dropped, FIN included.
	 */
	limit = c->rcv_adv;
	if (seq_after(seq + len, limit)) {
		len = seq_after(limit, seq) ? limit - seq : 0;
		fin = false;
	}
	if (len) {
		tcpep_buf_put(&c->rcv, seq - c->rd_seq, data, len);
		if (seq == c->rcv_nxt) {
			c->rcv_nxt += len;
			ooo_merge(c);
		} else if (ooo_add(c, seq, seq + len)) {
			c->ep->stats.ooo_queued++;
		} else {
			c->ep->stats.ooo_dropped++;
		}
	}
	if (c->rcv_nxt != old_nxt) {
		c->ep->stats.bytes_in += c->rcv_nxt - old_nxt;
		tcpep_buf_commit(&c->rcv, c->rcv_nxt - old_nxt);
	}
	if (fin && fin_seq == c->rcv_nxt) {
		c->fin_rcvd = true;
		c->rcv_nxt++;
	}
	if (c->rcv_nxt != old_nxt)
		conn_event(c, TCPEP_EV_READABLE);
	return true;
}

static void conn_input(struct tcpep_conn *c, const struct vtl_pkt *pkt,
		       u64 now)
{
	u8 flags = vtl_pkt_tcp_flags(pkt);
	enum vtl_model_verdict v;
	u32 prev_edge = snd_edge(c);
	bool ack, delay;

	v = vtl_model_update(&c->m, pkt, true, now);
	/* Whatever it sent, the VM is answered with the window now. */
	c->wupd_at = 0;
	if (flags & VTL_TCP_RST) {
		if (v == VTL_MODEL_VALID)
			conn_reset(c, ECONNRESET, false, now);
		return;
	}
	if (v != VTL_MODEL_VALID) {
		/* RFC 793: an unacceptable segment gets an ACK. */
		c->ep->stats.invalid++;
		if (c->phase == PH_OPEN || c->phase == PH_TIME_WAIT)
			conn_send_ack(c, now);
		return;
	}
	if (flags & VTL_TCP_SYN) {
		/* The VM's SYN again: our SYN-ACK was lost, or is late. */
		if (c->phase == PH_SYN_RECV)
			conn_send_synack(c, now);
		return;
	}
	if (c->phase == PH_SYN_RECV) {
		/* The model took it: it acknowledges our SYN. */
		c->phase = PH_OPEN;
		c->rto_at = 0;
		c->retries = 0;
		c->backoff = 0;
		if (c->rtt_timing) {
			c->rtt_timing = false;
			conn_rtt_sample(c, now - c->rtt_time);
		}
		conn_event(c, TCPEP_EV_ESTABLISHED);
		if (c->phase != PH_OPEN)
			return;
	}
	if (c->phase == PH_TIME_WAIT) {
		if (flags & VTL_TCP_FIN)
			conn_send_ack(c, now);
		return;
	}
	conn_ack(c, pkt, prev_edge, now);
	if (c->phase != PH_OPEN)
		return;
	/* In-order data alone may wait for tcpep_flush(): one ACK a batch. */
	delay = c->ep->cfg.delay_acks && vtl_pkt_payload_len(pkt) &&
		vtl_pkt_tcp_seq(pkt) == c->rcv_nxt && !(flags & VTL_TCP_FIN);
	ack = conn_data(c, pkt, now);
	if (c->phase != PH_OPEN)
		return;
	if (ack && delay)
		c->ack_pending = true;
	else if (ack)
		conn_send_ack(c, now);
	conn_push(c, now);
	conn_check_closed(c, now);
}

/* A SYN for no connection: a new one, for the application to decide. */
static void conn_new(struct tcpep *ep, const struct vtl_pkt *pkt, u64 now)
{
	struct tcpep_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return;	/* the VM retransmits its SYN */
	c->ep = ep;
	vtl_model_init(&c->m, pkt, true, now);
	c->phase = PH_PENDING;
	c->rto = TCPEP_RTO_INIT;
	ep->stats.conns++;
	ep->stats.conns_opened++;
	conn_hash(c);
	c->next = ep->conns;
	if (ep->conns)
		ep->conns->prev = c;
	ep->conns = c;
	ep->cfg.event(ep->cfg.arg, c, TCPEP_EV_NEW);
}

/* A segment of no connection gets a RST (RFC 793 "Reset Generation"). */
static void send_rst_unknown(struct tcpep *ep, const struct vtl_pkt *pkt)
{
	int n = vtl_pkt_build_tcp_rst(ep->frame, sizeof(ep->frame), pkt);

	if (n <= 0)
		return;
	/* Our own MAC, whatever the segment was sent to. */
	memcpy(ep->frame + ETH_ALEN, ep->cfg.mac, ETH_ALEN);
	ep->stats.rst_unknown++;
	ep->stats.frames_out++;
	ep->cfg.output(ep->cfg.arg, ep->frame, n, NULL);
}

static void input_tcp(struct tcpep *ep, const struct vtl_pkt *pkt, u64 now)
{
	u8 flags = vtl_pkt_tcp_flags(pkt);
	struct vtl_flow_key key;
	struct tcpep_conn *c;

	if (vtl_model_key(pkt, true, &key))
		return;
	c = conn_lookup(ep, &key);
	/* A new SYN on ports in time-wait reopens them, as Linux allows. */
	if (c && c->phase == PH_TIME_WAIT &&
	    (flags & (VTL_TCP_SYN | VTL_TCP_ACK)) == VTL_TCP_SYN) {
		conn_finish(c);
		c = NULL;
	}
	if (c) {
		conn_input(c, pkt, now);
		return;
	}
	if (vtl_model_starts(pkt))
		conn_new(ep, pkt, now);
	else if (!(flags & VTL_TCP_RST))
		send_rst_unknown(ep, pkt);
}

/**
 * tcpep_input - take a frame the VM sent
 * @ep: the endpoint
 * @frame: the Ethernet frame (it may be written to)
 * @len: its length
 * @now: the time it arrived
 *
 * TCP over IPv4 or IPv6 is played; ARP requests and neighbour
 * solicitations are answered; the rest is counted and ignored.
 *
 * Return: 0; -EINVAL for a frame that does not parse or whose checksum is
 * wrong (unless the configuration trusts them).
 */
int tcpep_input(struct tcpep *ep, uint8_t *frame, size_t len, uint64_t now)
{
	struct vtl_pkt pkt;
	int n;

	ep->stats.frames_in++;
	if (len > UINT32_MAX || vtl_pkt_parse(&pkt, frame, len, len)) {
		ep->stats.bad_frames++;
		return -EINVAL;
	}
	if (pkt.flags & (VTL_PKT_ARP | VTL_PKT_ICMPV6)) {
		n = tcpep_nd_answer(&pkt, ep->cfg.mac, ep->frame,
				    sizeof(ep->frame));
		if (n > 0) {
			if (pkt.flags & VTL_PKT_ARP)
				ep->stats.arp_replies++;
			else
				ep->stats.nd_replies++;
			ep->stats.frames_out++;
			ep->cfg.output(ep->cfg.arg, ep->frame, n, NULL);
			return 0;
		}
	}
	if (!(pkt.flags & VTL_PKT_TCP) || (pkt.flags & VTL_PKT_FRAG)) {
		ep->stats.ignored++;
		return 0;
	}
	if (!ep->cfg.trust_csum &&
	    (((pkt.flags & VTL_PKT_IPV4) && vtl_pkt_ip4_csum_check(&pkt)) ||
	     vtl_pkt_l4_csum_check(&pkt))) {
		ep->stats.bad_frames++;
		return -EINVAL;
	}
	ep_enter(ep);
	input_tcp(ep, &pkt, now);
	ep_exit(ep);
	return 0;
}

/* ---- the application's side -------------------------------------------- */

/**
 * tcpep_accept - take a connection the VM asked for (%TCPEP_EV_NEW)
 * @c: the connection
 * @now: the time
 *
 * Answers the SYN with a SYN-ACK: our MSS from the MTU, window scaling and
 * SACK-permitted if the VM offered them.
 *
 * Return: 0; -EINVAL if @c is not waiting for a decision; -ENOMEM.
 */
int tcpep_accept(struct tcpep_conn *c, uint64_t now)
{
	struct tcpep *ep = c->ep;
	struct vtl_ep *us = &c->m.ep[VTL_EP_PEER];
	const struct vtl_ep *vm = &c->m.ep[VTL_EP_VM];
	bool v6 = c->m.key.family == 6;
	u32 hdr = v6 ? TCPEP_HDR_V6 : TCPEP_HDR_V4;
	u8 ws = 0;

	if (c->phase != PH_PENDING || c->released)
		return -EINVAL;
	if (c->ext)
		c->snd.size = ep->cfg.sndbuf;	/* a count, no storage */
	else if (tcpep_buf_init(&c->snd, ep->cfg.sndbuf))
		return -ENOMEM;
	if (tcpep_buf_init(&c->rcv, ep->cfg.rcvbuf + TCPEP_RCV_SLACK)) {
		tcpep_buf_free(&c->snd);
		return -ENOMEM;
	}
	ep_enter(ep);
	/* The smallest scale that lets the window cover the buffer. */
	while (ws < VTL_MODEL_MAX_WSCALE && (0xffffU << ws) < ep->cfg.rcvbuf)
		ws++;
	c->isn = ep->cfg.isn ? ep->cfg.isn(ep->cfg.arg, &c->m.key) : 0;
	if (!ep->cfg.isn && getrandom(&c->isn, sizeof(c->isn), 0) < 0)
		c->isn = (u32)random();
	us->isn = c->isn;
	us->syn_opts = VTL_PKT_TCP_MSS |
		       (vm->syn_opts & (VTL_PKT_TCP_WSCALE |
					VTL_PKT_TCP_SACKOK));
	us->mss = ep->cfg.mtu - hdr;
	us->wscale = ws;
	c->mss = vm->mss ? vm->mss :
		 v6 ? TCPEP_MSS_V6_DEFAULT : TCPEP_MSS_V4_DEFAULT;
	c->mss = min_u32(c->mss, ep->cfg.mtu - hdr);
	c->seg_max = ep->cfg.offload ? TCPEP_GSO_MAX / c->mss * c->mss : c->mss;
	c->snd_una = c->isn + 1;
	c->snd_nxt = c->isn + 1;
	c->rcv_nxt = vm->isn + 1;
	c->rd_seq = c->rcv_nxt;
	c->rcv_adv = c->rcv_nxt;
	c->phase = PH_SYN_RECV;
	conn_send_synack(c, now);
	c->rtt_timing = true;
	c->rtt_time = now;
	conn_arm(c, now + conn_rto(c));
	ep_exit(ep);
	return 0;
}

/* Why @c has no bytes of the VM to read, or 0. */
static int conn_read_err(const struct tcpep_conn *c)
{
	if (c->error)
		return -c->error;
	if (c->phase == PH_PENDING || c->phase == PH_SYN_RECV)
		return -ENOTCONN;
	return 0;
}

/* Nothing to read: 0 at the end of the VM's stream, else -EAGAIN. */
static int conn_read_empty(const struct tcpep_conn *c)
{
	return c->fin_rcvd || c->phase == PH_DONE ? 0 : -EAGAIN;
}

/**
 * tcpep_read - take bytes the VM sent
 * @c: the connection
 * @buf: where to copy them
 * @len: at most this many
 * @now: the time
 *
 * Space freed in the receive buffer reopens the window; when it had
 * shrunk below half and a segment of the VM's fits again, the VM is told
 * at once.
 *
 * Return: bytes read; 0 at the end of the stream (the VM's FIN);
 * -EAGAIN with nothing to read yet; -ECONNRESET or -ETIMEDOUT after a
 * reset; -ENOTCONN before the handshake.
 */
ssize_t tcpep_read(struct tcpep_conn *c, void *buf, size_t len,
		   uint64_t now)
{
	int err = conn_read_err(c);
	u32 n;

	if (err)
		return err;
	n = len < c->rcv.len ? len : c->rcv.len;
	if (!n)
		return conn_read_empty(c);
	tcpep_buf_get(&c->rcv, 0, buf, n);
	tcpep_read_done(c, n, now);
	return n;
}

/**
 * tcpep_read_peek - the bytes the VM sent, in place
 * @c: the connection
 * @buf: set to where they are
 *
 * For a send() straight from the receive buffer, saving tcpep_read()'s
 * copy; tcpep_read_done() then takes what was used.
 *
 * Return: how many bytes are at @buf (up to the end of the buffer's ring:
 * more may follow); else as tcpep_read().
 */
ssize_t tcpep_read_peek(struct tcpep_conn *c, const void **buf)
{
	int err = conn_read_err(c);
	u32 n;

	if (err)
		return err;
	*buf = tcpep_buf_head(&c->rcv, &n);
	if (!n)
		return conn_read_empty(c);
	return n;
}

/**
 * tcpep_read_done - take bytes tcpep_read_peek() showed
 * @c: the connection
 * @len: how many, no more than it said
 * @now: the time
 */
void tcpep_read_done(struct tcpep_conn *c, size_t len, uint64_t now)
{
	struct tcpep *ep = c->ep;
	u32 bufsz = ep->cfg.rcvbuf;

	tcpep_buf_consume(&c->rcv, len);
	c->rd_seq += len;
	ep_enter(ep);
	if (c->phase == PH_OPEN && !c->fin_rcvd &&
	    c->rcv_adv - c->rcv_nxt < bufsz / 2 &&
	    seq_after(c->rd_seq + bufsz, c->rcv_adv) &&
	    c->rd_seq + bufsz - c->rcv_adv >= c->mss) {
		bool shut = c->rcv_adv - c->rcv_nxt < c->mss;

		conn_send_ack(c, now);	/* window update */
		if (shut)
			conn_arm_wupd(c, 0, now);
	}
	ep_exit(ep);
}

/* Why @c takes no bytes for the VM now, or 0. */
static int conn_write_err(const struct tcpep_conn *c)
{
	if (c->error)
		return -c->error;
	if (c->phase == PH_PENDING)
		return -ENOTCONN;
	if (c->fin_queued ||
	    (c->phase != PH_OPEN && c->phase != PH_SYN_RECV))
		return -EPIPE;
	return 0;
}

/**
 * tcpep_write - queue bytes for the VM
 * @c: the connection
 * @buf: the bytes
 * @len: their number
 * @now: the time
 *
 * As much as the send buffer takes; after a short write, %TCPEP_EV_WRITABLE
 * comes when the VM has acknowledged some of it.  Bytes written before the
 * handshake completes are sent when it does.
 *
 * Return: bytes queued; -EAGAIN if none fit; -EPIPE after tcpep_shutdown();
 * -ECONNRESET or -ETIMEDOUT after a reset; -ENOTCONN before tcpep_accept().
 */
ssize_t tcpep_write(struct tcpep_conn *c, const void *buf, size_t len,
		    uint64_t now)
{
	int err = conn_write_err(c);
	u32 room, n;

	if (c->ext)
		return -EINVAL;
	if (err)
		return err;
	room = c->snd.size - c->snd.len;
	n = len < room ? len : room;
	if (n < len)
		c->want_write = true;
	if (!n)
		return -EAGAIN;
	tcpep_buf_put(&c->snd, c->snd.len, buf, n);
	tcpep_write_done(c, n, now);
	return n;
}

/**
 * tcpep_write_space - where bytes for the VM can be put in place
 * @c: the connection
 * @buf: set to where they go
 *
 * For a recv() straight into the send buffer, saving tcpep_write()'s copy;
 * tcpep_write_done() then queues what was put there.
 *
 * Return: how many bytes fit at @buf (the free space up to the end of the
 * buffer's ring); else as tcpep_write().
 */
ssize_t tcpep_write_space(struct tcpep_conn *c, void **buf)
{
	int err = conn_write_err(c);
	u32 room;

	if (c->ext)
		return -EINVAL;
	if (err)
		return err;
	*buf = tcpep_buf_tail(&c->snd, &room);
	if (!room) {
		c->want_write = true;
		return -EAGAIN;
	}
	return room;
}

/**
 * tcpep_write_done - queue bytes put where tcpep_write_space() said
 * @c: the connection
 * @len: how many, no more than it said
 * @now: the time
 */
void tcpep_write_done(struct tcpep_conn *c, size_t len, uint64_t now)
{
	tcpep_buf_commit(&c->snd, len);
	if (c->snd.len == c->snd.size)
		c->want_write = true;
	ep_enter(c->ep);
	conn_push(c, now);
	ep_exit(c->ep);
}

/**
 * tcpep_shutdown - end our direction: FIN after the queued bytes
 * @c: the connection
 * @now: the time
 *
 * The VM may go on sending (half-close).
 *
 * Return: 0; -ENOTCONN before tcpep_accept() or after the end.
 */
int tcpep_shutdown(struct tcpep_conn *c, uint64_t now)
{
	if (c->phase != PH_OPEN && c->phase != PH_SYN_RECV)
		return -ENOTCONN;
	if (c->fin_queued)
		return 0;
	c->fin_queued = true;
	ep_enter(c->ep);
	conn_push(c, now);
	ep_exit(c->ep);
	return 0;
}

/**
 * tcpep_abort - reset a connection, or refuse one, and release it
 * @c: the connection; not to be used after this
 * @now: the time
 *
 * A connection not yet accepted is refused with a RST: the VM's connect()
 * fails with ECONNREFUSED.
 */
void tcpep_abort(struct tcpep_conn *c, uint64_t now)
{
	struct tcpep *ep = c->ep;

	ep_enter(ep);
	c->released = true;
	if (c->phase == PH_PENDING) {
		ep->stats.conns_refused++;
		/* RST|ACK acking the SYN, from sequence 0: what Linux sends. */
		c->rcv_nxt = c->m.ep[VTL_EP_VM].snd_nxt;
		conn_xmit(c, VTL_TCP_RST | VTL_TCP_ACK, 0, 0, now);
		conn_finish(c);
	} else if (c->phase == PH_DONE) {
		conn_check_free(c);
	} else if (c->phase == PH_TIME_WAIT) {
		conn_finish(c);
	} else {
		conn_reset(c, ECONNABORTED, true, now);
	}
	ep_exit(ep);
}

/**
 * tcpep_close - release a connection, closing our direction in order
 * @c: the connection; not to be used after this
 * @now: the time
 *
 * The queued bytes and a FIN go on being sent; the library frees @c when
 * the VM has closed too.  As close() on a socket: unread bytes, or bytes
 * arriving later, reset the connection instead.
 */
void tcpep_close(struct tcpep_conn *c, uint64_t now)
{
	struct tcpep *ep = c->ep;

	/* An external stream goes with the application: all of it sent? */
	if (c->phase == PH_PENDING || c->rcv.len || (c->ext && c->snd.len)) {
		tcpep_abort(c, now);
		return;
	}
	ep_enter(ep);
	c->released = true;
	if (c->phase == PH_OPEN || c->phase == PH_SYN_RECV) {
		c->fin_queued = true;
		conn_push(c, now);
	}
	conn_check_free(c);
	ep_exit(ep);
}

/**
 * tcpep_set_external - have the application hold the stream to the VM
 * @c: the connection, before tcpep_accept()
 *
 * tcpep then keeps no copy of the bytes toward the VM, only counts them:
 * the application holds every byte from the first the VM has not yet
 * acknowledged (tcpep_acked() counts those before it) until it is, queues
 * more with tcpep_write_ext(), and gets frames to send with @output_ext of
 * &struct tcpep_config, which names their payload by its offset in the
 * stream.  tcpep_close() with bytes unacknowledged resets the connection,
 * since they go with the application.
 *
 * Return: 0; -EINVAL after tcpep_accept(), or without @output_ext.
 */
int tcpep_set_external(struct tcpep_conn *c)
{
	if (c->phase != PH_PENDING || c->released || !c->ep->cfg.output_ext)
		return -EINVAL;
	c->ext = true;
	return 0;
}

/**
 * tcpep_write_ext - queue bytes the application holds for the VM
 * @c: an external connection (tcpep_set_external())
 * @len: how many more bytes of the stream, after those queued before
 * @now: the time
 *
 * Return: as tcpep_write(): the bytes queued, as many as tcpep_writable()
 * said at most; -EINVAL for a connection that is not external.
 */
ssize_t tcpep_write_ext(struct tcpep_conn *c, size_t len, uint64_t now)
{
	int err = conn_write_err(c);
	u32 room = c->snd.size - c->snd.len, n;

	if (!c->ext)
		return -EINVAL;
	if (err)
		return err;
	n = len < room ? len : room;
	if (n < len)
		c->want_write = true;
	if (!n)
		return -EAGAIN;
	tcpep_write_done(c, n, now);
	return n;
}

/* Bytes of the stream toward the VM that it has acknowledged. */
uint64_t tcpep_acked(const struct tcpep_conn *c)
{
	return c->snd_acked;
}

/* Bytes tcpep_read() would return now. */
size_t tcpep_readable(const struct tcpep_conn *c)
{
	return c->rcv.len;
}

/* Bytes tcpep_write() would take now. */
size_t tcpep_writable(const struct tcpep_conn *c)
{
	return conn_write_err(c) ? 0 : c->snd.size - c->snd.len;
}

/* The VM has closed its direction and every byte of it has been read. */
bool tcpep_eof(const struct tcpep_conn *c)
{
	return c->fin_rcvd && !c->rcv.len;
}

/* 0, or why the connection was reset: ECONNRESET (by the VM), ETIMEDOUT. */
int tcpep_conn_error(const struct tcpep_conn *c)
{
	return c->error;
}

/*
 * The connection's addresses: vm_addr/vm_port the VM's, peer_addr/
 * peer_port where it wanted to go (the proxy's destination).
 */
const struct vtl_flow_key *tcpep_conn_key(const struct tcpep_conn *c)
{
	return &c->m.key;
}

void tcpep_conn_set_user(struct tcpep_conn *c, void *user)
{
	c->user = user;
}

void *tcpep_conn_user(const struct tcpep_conn *c)
{
	return c->user;
}

/* ---- the endpoint ------------------------------------------------------ */

/**
 * tcpep_create - a new endpoint, with no connections
 * @cfg: its configuration (copied); @output and @event are required, and
 *	@sync with @output_ref
 *
 * Return: the endpoint, or NULL with errno set (EINVAL for a bad
 * configuration, ENOMEM).
 */
struct tcpep *tcpep_create(const struct tcpep_config *cfg)
{
	struct tcpep *ep;

	if (!cfg->output || !cfg->event || (cfg->output_ref && !cfg->sync) ||
	    ((cfg->output_ref || cfg->output_ext) && !cfg->offload) ||
	    (cfg->mtu && (cfg->mtu < 1280 || cfg->mtu > 65535)) ||
	    cfg->rcvbuf > TCPEP_MAX_BUF || cfg->sndbuf > TCPEP_MAX_BUF) {
		errno = EINVAL;
		return NULL;
	}
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return NULL;
	ep->cfg = *cfg;
	if (!ep->cfg.mtu)
		ep->cfg.mtu = TCPEP_DEFAULT_MTU;
	if (!ep->cfg.rcvbuf)
		ep->cfg.rcvbuf = TCPEP_DEFAULT_RCVBUF;
	if (!ep->cfg.sndbuf)
		ep->cfg.sndbuf = TCPEP_DEFAULT_SNDBUF;
	ep->nr_buckets = TCPEP_HASH_MIN;
	ep->hash = calloc(ep->nr_buckets, sizeof(*ep->hash));
	if (!ep->hash) {
		free(ep);
		return NULL;
	}
	ep->next_deadline = UINT64_MAX;
	return ep;
}

/* Free the endpoint and every connection, sending nothing. */
void tcpep_destroy(struct tcpep *ep)
{
	if (!ep)
		return;
	ep->dead = NULL;
	while (ep->conns)
		conn_free(ep->conns);
	free(ep->hash);
	free(ep);
}

const struct tcpep_stats *tcpep_get_stats(const struct tcpep *ep)
{
	return &ep->stats;
}
