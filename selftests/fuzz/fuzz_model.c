// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kmod/lib/model.c.
 *
 * Input: a sequence of records, each a two-byte header and a body:
 *   byte 0: 0x80 the record is from the VM; 0x78 (>> 3) the operation;
 *	     0x07 the high bits of the body length
 *   byte 1: the low bits of the body length (a body is cut at the input's
 *	     end)
 * Operation 15 builds a segment from the model: body byte 0 bit 0 the
 * endpoint, byte 1 the TCP flags, bytes 2-5 the window, the rest payload.
 * Operation 14 builds one likewise, with bytes 6-7 and 8-9 (signed) added
 * to its sequence and acknowledgment numbers and the rest payload, to
 * probe the window bounds near valid segments.
 * Operation 13 remakes a TCP model with vtl_model_init_tcp() from its own
 * key and endpoints, with byte 0 the state and bytes 1-24 overriding each
 * endpoint's snd_nxt, ack, window (4 bytes each, VM first).
 * Any other operation makes the body an Ethernet frame, which is parsed,
 * keyed and given to the model (the first that may start one creates it;
 * with an odd operation, one that may start a model and is invalid in the
 * current one replaces it).
 *
 * Invariants, any broken one an abort that libFuzzer reports as a crash:
 * - an INVALID update leaves the model's bytes unchanged, and a VALID one
 *   is of a packet that matches the model;
 * - a model created from a packet matches it;
 * - a built frame parses as TCP, its checksums verify, it matches the model
 *   from its endpoint, and its length is what a NULL buffer says;
 * - once the handshake is done, a pure ACK built from either endpoint is
 *   VALID and moves neither the state back nor snd_nxt;
 * - an ICMP error has no key of its own, and vtl_model_key_icmp_error()
 *   gives it one of its family or none (a zeroed key); the ICMP port
 *   unreachable answering a frame with a key has that key as the key of
 *   the error, unless the frame's headers do not fit in its quote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define OP_BUILD	15
#define OP_SKEW		14
#define OP_INIT_TCP	13

static volatile u64 sink;

static struct vtl_model model;
static bool have_model;
static bool explicit_state;	/* from vtl_model_init_tcp(), maybe odd */

static void check_model(const struct vtl_model *m)
{
	FUZZ_ASSERT(m->state < VTL_CONN_STATE_COUNT);
	FUZZ_ASSERT(m->initiator < VTL_EP_COUNT);
	FUZZ_ASSERT(vtl_model_timeout(m) > 0);
	FUZZ_ASSERT(strcmp(vtl_model_state_name(m->state), "unknown"));
}

/* Update the model with a parsed packet; check the verdict's promise. */
static int update(const struct vtl_pkt *pkt, bool from_vm, u64 now)
{
	struct vtl_model before;
	bool match = vtl_model_match(&model, pkt, from_vm);
	int v;

	memcpy(&before, &model, sizeof(before));
	v = vtl_model_update(&model, pkt, from_vm, now);
	if (v == VTL_MODEL_INVALID)
		FUZZ_ASSERT(!memcmp(&before, &model, sizeof(before)));
	else
		FUZZ_ASSERT(v == VTL_MODEL_VALID && match);
	check_model(&model);
	return v;
}

static bool key_zero(const struct vtl_flow_key *k)
{
	static const struct vtl_flow_key zero;

	return !memcmp(k, &zero, sizeof(zero));
}

/*
 * An ICMP error's key: of the quoted packet, never of the error itself.
 * And the port unreachable answering a packet of a flow (a firewall's
 * reject) is related to that flow, if it quotes its headers.
 */
static void icmp_error_keys(const struct vtl_pkt *pkt, bool from_vm)
{
	static u8 out[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_flow_key key, want;
	struct vtl_pkt err;
	u32 max;
	int n;

	n = vtl_model_key_icmp_error(pkt, from_vm, &key);
	FUZZ_ASSERT(n == 0 || n == -EINVAL);
	if (n) {
		FUZZ_ASSERT(key_zero(&key));
	} else {
		FUZZ_ASSERT(key.family == (pkt->flags & VTL_PKT_IPV4 ? 4 : 6));
		FUZZ_ASSERT(vtl_model_key(pkt, from_vm, &want) ==
			    -EPROTONOSUPPORT);
		FUZZ_ASSERT(!vtl_model_starts(pkt));
	}

	if (vtl_model_key(pkt, from_vm, &want))
		return;
	n = vtl_pkt_build_icmp_unreach(out, sizeof(out), pkt);
	if (n < 0)
		return;
	FUZZ_ASSERT(!vtl_pkt_parse(&err, out, n, n));
	max = pkt->flags & VTL_PKT_IPV6 ? VTL_PKT_ICMP6_QUOTE_MAX :
					  VTL_PKT_ICMP4_QUOTE_MAX;
	if (pkt->l4_off - pkt->l3_off + VTL_PKT_QUOTE_L4_LEN > max)
		return;
	FUZZ_ASSERT(!vtl_model_key_icmp_error(&err, !from_vm, &key));
	FUZZ_ASSERT(!memcmp(&key, &want, sizeof(key)));
}

static void frame(const u8 *body, u32 len, bool from_vm, u8 op, u64 now)
{
	struct vtl_flow_key key;
	struct vtl_pkt pkt;
	u8 *buf = malloc(len ? len : 1);
	int v = VTL_MODEL_INVALID;

	FUZZ_ASSERT(buf);
	memcpy(buf, body, len);
	if (vtl_pkt_parse(&pkt, buf, len, len))
		goto out;
	icmp_error_keys(&pkt, from_vm);
	if (vtl_model_key(&pkt, from_vm, &key)) {
		FUZZ_ASSERT(!vtl_model_starts(&pkt));
		FUZZ_ASSERT(!have_model ||
			    !vtl_model_match(&model, &pkt, from_vm));
	}
	if (have_model)
		v = update(&pkt, from_vm, now);
	if ((!have_model || (v == VTL_MODEL_INVALID && (op & 1))) &&
	    vtl_model_starts(&pkt)) {
		vtl_model_init(&model, &pkt, from_vm, now);
		have_model = true;
		explicit_state = false;
		FUZZ_ASSERT(vtl_model_match(&model, &pkt, from_vm));
		FUZZ_ASSERT(!memcmp(&model.key, &key, sizeof(key)));
		FUZZ_ASSERT(model.state == VTL_CONN_NEW);
		check_model(&model);
	}
out:
	free(buf);
}

/*
 * Build from @from; check the frame; return its verdict when fed back,
 * after adding @dseq and @dack to its numbers.
 */
static int build(enum vtl_ep_id from, u8 flags, u32 window,
		 const u8 *payload, u32 plen, s16 dseq, s16 dack, u64 now)
{
	static u8 out[VTL_PKT_TCP_BUILD_HLEN + 2048];
	struct vtl_model before;
	struct vtl_pkt pkt;
	u8 *buf;
	int n, v;

	memcpy(&before, &model, sizeof(before));
	n = vtl_model_build(&model, from, flags, window, payload, plen, out,
			    sizeof(out));
	FUZZ_ASSERT(!memcmp(&before, &model, sizeof(before)));
	if (model.key.proto != IPPROTO_TCP) {
		FUZZ_ASSERT(n == -EOPNOTSUPP);
		return -1;
	}
	FUZZ_ASSERT(n > 0);
	FUZZ_ASSERT(vtl_model_build(&model, from, flags, window, payload,
				    plen, NULL, 0) == n);
	FUZZ_ASSERT(vtl_model_build(&model, from, flags, window, payload,
				    plen, out, n - 1) == -ENOSPC);
	buf = malloc(n);
	FUZZ_ASSERT(buf);
	memcpy(buf, out, n);
	FUZZ_ASSERT(!vtl_pkt_parse(&pkt, buf, n, n));
	FUZZ_ASSERT(pkt.flags & VTL_PKT_TCP);
	FUZZ_ASSERT(!(pkt.flags & VTL_PKT_IPV4) ||
		    !vtl_pkt_ip4_csum_check(&pkt));
	FUZZ_ASSERT(!vtl_pkt_l4_csum_check(&pkt));
	FUZZ_ASSERT(vtl_pkt_payload_len(&pkt) == plen);
	FUZZ_ASSERT(vtl_model_match(&model, &pkt, from == VTL_EP_VM));
	FUZZ_ASSERT(vtl_pkt_tcp_flags(&pkt) == flags);
	if (dseq || dack) {
		FUZZ_ASSERT(!vtl_pkt_set_tcp_seq(&pkt, vtl_pkt_tcp_seq(&pkt) +
						 dseq));
		FUZZ_ASSERT(!vtl_pkt_set_tcp_ack(&pkt, vtl_pkt_tcp_ack(&pkt) +
						 dack));
		FUZZ_ASSERT(!vtl_pkt_l4_csum_check(&pkt));
	}
	v = update(&pkt, from == VTL_EP_VM, now);
	free(buf);
	return v;
}

static bool handshake_done(u8 state)
{
	return state >= VTL_CONN_ESTABLISHED && state <= VTL_CONN_TIME_WAIT;
}

static void build_op(const u8 *body, u32 len, bool skew, u64 now)
{
	u32 window = 0, hlen = skew ? 10 : 6;
	s16 dseq = 0, dack = 0;
	enum vtl_ep_id from;
	u8 flags = 0;
	u8 state;

	if (!have_model)
		return;
	from = len > 0 && (body[0] & 1) ? VTL_EP_PEER : VTL_EP_VM;
	if (len > 1)
		flags = body[1];
	if (len > 5)
		window = (u32)body[2] << 24 | (u32)body[3] << 16 |
			 (u32)body[4] << 8 | body[5];
	if (skew && len >= hlen) {
		dseq = (s16)(body[6] << 8 | body[7]);
		dack = (s16)(body[8] << 8 | body[9]);
	}
	build(from, flags, window, len > hlen ? body + hlen : NULL,
	      len > hlen ? len - hlen : 0, dseq, dack, now);

	/* A pure ACK from either side is always in step. */
	state = model.state;
	if (model.key.proto == IPPROTO_TCP && handshake_done(state)) {
		u32 nxt = model.ep[from].snd_nxt;

		FUZZ_ASSERT(build(from, VTL_TCP_ACK, window, NULL, 0, 0, 0,
				  now) ==
			    VTL_MODEL_VALID);
		FUZZ_ASSERT(model.ep[from].snd_nxt == nxt);
		FUZZ_ASSERT(handshake_done(model.state));
		FUZZ_ASSERT(explicit_state || model.state >= state);
	}
}

static u32 rd32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void init_tcp_op(const u8 *body, u32 len, u64 now)
{
	struct vtl_ep ep[VTL_EP_COUNT];
	struct vtl_flow_key key;
	unsigned int i;

	if (!have_model || model.key.proto != IPPROTO_TCP || len < 1)
		return;
	key = model.key;
	memcpy(ep, model.ep, sizeof(ep));
	for (i = 0; i < VTL_EP_COUNT; i++) {
		if (len >= 1 + 12 * (i + 1)) {
			ep[i].snd_nxt = rd32(body + 1 + 12 * i);
			ep[i].ack = rd32(body + 5 + 12 * i);
			ep[i].window = rd32(body + 9 + 12 * i);
		}
		ep[i].max_end = 0;
		ep[i].max_win = 0;
	}
	vtl_model_init_tcp(&model, &key, &ep[VTL_EP_VM], &ep[VTL_EP_PEER],
			   body[0], now);
	explicit_state = true;
	FUZZ_ASSERT(!memcmp(&model.key, &key, sizeof(key)));
	check_model(&model);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t pos = 0;
	u64 now = 0;

	have_model = false;
	explicit_state = false;
	memset(&model, 0, sizeof(model));
	while (pos + 2 <= size) {
		u8 b0 = data[pos], op = (b0 >> 3) & 0xf;
		bool from_vm = b0 & 0x80;
		u32 len = (u32)(b0 & 7) << 8 | data[pos + 1];

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		now += 1000;
		if (op == OP_INIT_TCP)
			init_tcp_op(data + pos, len, now);
		else if (op == OP_BUILD || op == OP_SKEW)
			build_op(data + pos, len, op == OP_SKEW, now);
		else
			frame(data + pos, len, from_vm, op, now);
		pos += len;
	}
	if (have_model)
		sink += vtl_model_timeout(&model) + model.ep[0].bytes;
	return 0;
}
