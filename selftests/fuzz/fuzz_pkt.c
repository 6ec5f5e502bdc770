// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the packet library, kmod/lib/pkt_*.c.
 *
 * Input: one control byte, then an Ethernet frame.  Control bits: 0x01
 * partial checksum mode, 0x02 GSO, 0xfc where to cut a short view of the
 * frame (0: no short view).
 *
 * The frame is copied to a heap buffer of exactly its size, so that
 * AddressSanitizer catches any read past it, and then:
 * - parsed whole, and parsed from a short view, pulling what the parser
 *   asks for as the kernel glue does: both must end the same way;
 * - every getter is called;
 * - every setter is applied to a copy; the parse must not change, and if
 *   the input's checksums were right they must stay right, equal (up to
 *   the sign of zero) to checksums computed from scratch;
 * - every builder answers it, and what they write must parse and carry
 *   right checksums; the ICMP port unreachable also quotes it, and is the
 *   same written over the frame;
 * - an ICMP error's quote is parsed, whole and pulled from a short view
 *   as the skb glue pulls it, with the same result; the quote of the
 *   port unreachable parses as the frame did.
 * Any broken invariant aborts, which libFuzzer reports as a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static volatile u32 sink;

static u32 seed;

static u32 next_value(void)
{
	seed = seed * 1103515245 + 12345;
	return seed >> 1 ^ seed << 17;
}

static u16 rd_check(const struct vtl_pkt *pkt)
{
	return (u16)(pkt->data[vtl_pkt_l4_csum_off(pkt)] << 8 |
		     pkt->data[vtl_pkt_l4_csum_off(pkt) + 1]);
}

static bool eq16(u16 a, u16 b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

static void same_parse(const struct vtl_pkt *a, const struct vtl_pkt *b)
{
	FUZZ_ASSERT(a->flags == b->flags);
	FUZZ_ASSERT(a->eth_proto == b->eth_proto);
	FUZZ_ASSERT(a->nr_vlan == b->nr_vlan);
	FUZZ_ASSERT(a->l4_proto == b->l4_proto);
	FUZZ_ASSERT(a->l3_off == b->l3_off);
	FUZZ_ASSERT(a->l4_off == b->l4_off);
	FUZZ_ASSERT(a->payload_off == b->payload_off);
	FUZZ_ASSERT(a->l3_end == b->l3_end);
	FUZZ_ASSERT(a->l4_end == b->l4_end);
}

static void call_getters(const struct vtl_pkt *pkt)
{
	u32 s = 0;
	const u8 *p;

	p = vtl_pkt_eth_dst(pkt);
	s += p[0] + p[5];
	p = vtl_pkt_eth_src(pkt);
	s += p[0] + p[5];
	s += vtl_pkt_vlan_tci(pkt, 0) + vtl_pkt_vlan_tci(pkt, 1) +
	     vtl_pkt_vlan_tci(pkt, 2);
	s += (__force u16)vtl_pkt_vlan_proto(pkt, 0) +
	     (__force u16)vtl_pkt_vlan_proto(pkt, 1);
	s += vtl_pkt_arp_op(pkt);
	p = vtl_pkt_arp_sha(pkt);
	s += p ? p[5] : 0;
	p = vtl_pkt_arp_tha(pkt);
	s += p ? p[5] : 0;
	s += (__force u32)vtl_pkt_arp_spa(pkt) + (__force u32)vtl_pkt_arp_tpa(pkt);
	s += (__force u32)vtl_pkt_ip4_saddr(pkt) +
	     (__force u32)vtl_pkt_ip4_daddr(pkt) + vtl_pkt_ip4_id(pkt);
	p = vtl_pkt_ip6_saddr(pkt);
	s += p ? p[15] : 0;
	p = vtl_pkt_ip6_daddr(pkt);
	s += p ? p[15] : 0;
	s += vtl_pkt_ip_ttl(pkt);
	s += (__force u16)vtl_pkt_sport(pkt) + (__force u16)vtl_pkt_dport(pkt);
	s += vtl_pkt_tcp_seq(pkt) + vtl_pkt_tcp_ack(pkt) +
	     vtl_pkt_tcp_flags(pkt) + vtl_pkt_tcp_window(pkt);
	s += vtl_pkt_icmp_type(pkt) + vtl_pkt_icmp_code(pkt);
	s += vtl_pkt_payload_len(pkt) + vtl_pkt_tcp_seg_len(pkt);
	s += vtl_pkt_l4_csum_off(pkt) + vtl_pkt_l4_pseudo_sum(pkt);
	if (vtl_pkt_l4_csum_off(pkt))
		s += rd_check(pkt);
	sink += s;

	/* every header the flags announce lies within the view */
	FUZZ_ASSERT(pkt->payload_off <= pkt->len);
	FUZZ_ASSERT(pkt->l3_end <= pkt->frame_len);
	FUZZ_ASSERT(pkt->l4_end <= pkt->l3_end);
	FUZZ_ASSERT(pkt->payload_off <= pkt->l4_end);
	if (pkt->flags & VTL_PKT_L4)
		FUZZ_ASSERT(pkt->l4_off >= pkt->l3_off);
}

/*
 * Parse from a view of @view bytes, pulling as the skb glue does, for an
 * ICMP error the headers of its quote too (*@qerr and @quote: how that
 * parsed, with a dangling data pointer).
 */
static int parse_pulling(struct vtl_pkt *pkt, struct vtl_pkt *quote,
			 int *qerr, const u8 *frame, u32 len, u32 view)
{
	u8 *buf;
	int err;

	for (;;) {
		buf = malloc(view ? view : 1);
		memcpy(buf, frame, view);
		err = vtl_pkt_parse(pkt, buf, view, len);
		*qerr = -EINVAL;
		if (!err) {
			*qerr = vtl_pkt_parse_icmp_quote(quote, pkt);
			if (*qerr == -ENODATA) {
				err = -ENODATA;
				pkt->need = quote->need;
			}
		}
		free(buf);
		if (err != -ENODATA)
			return err;
		FUZZ_ASSERT(pkt->need > view && pkt->need <= len);
		view = pkt->need;
	}
}

/* The quote of an ICMP error: what the parser makes of its headers. */
static int check_quote(const struct vtl_pkt *pkt, struct vtl_pkt *quote)
{
	int err = vtl_pkt_parse_icmp_quote(quote, pkt);

	/* the whole frame is readable: never -ENODATA */
	FUZZ_ASSERT(err == 0 || err == -EINVAL || err == -EPROTO ||
		    err == -ELOOP);
	if (err)
		return err;
	FUZZ_ASSERT(quote->data == pkt->data);
	FUZZ_ASSERT(quote->l3_off == pkt->payload_off);
	FUZZ_ASSERT(!(quote->flags & VTL_PKT_L4));
	FUZZ_ASSERT((quote->flags & VTL_PKT_IP) == (pkt->flags & VTL_PKT_IP));
	FUZZ_ASSERT(quote->len <= pkt->l4_end);
	if (!(quote->flags & VTL_PKT_FRAG_LATER))
		FUZZ_ASSERT(quote->l4_off + VTL_PKT_QUOTE_L4_LEN <=
			    quote->len);
	FUZZ_ASSERT(quote->payload_off == quote->l4_off);
	call_getters(quote);
	return 0;
}

/* Are the checksums of @pkt right as its mode has them? */
static bool ip_ok(const struct vtl_pkt *pkt)
{
	return (pkt->flags & VTL_PKT_IPV4) && !vtl_pkt_ip4_csum_check(pkt);
}

static bool l4_ok(const struct vtl_pkt *pkt)
{
	return vtl_pkt_l4_csum_off(pkt) && !vtl_pkt_l4_csum_check(pkt);
}

static bool udp4_nocsum(const struct vtl_pkt *pkt)
{
	return (pkt->flags & VTL_PKT_UDP) && (pkt->flags & VTL_PKT_IPV4) &&
	       !(pkt->flags & VTL_PKT_CSUM_PARTIAL) && !rd_check(pkt);
}

/* After a setter: the same parse, and checksums as right as before. */
static void check_after(struct vtl_pkt *pkt, const struct vtl_pkt *before,
			bool ip_good, bool l4_good, bool nocsum)
{
	struct vtl_pkt again, scratch;
	u8 *copy;

	FUZZ_ASSERT(!vtl_pkt_parse(&again, pkt->data, pkt->len,
				   pkt->frame_len));
	again.flags |= pkt->flags & (VTL_PKT_CSUM_PARTIAL | VTL_PKT_GSO);
	same_parse(&again, before);

	if (ip_good)
		FUZZ_ASSERT(ip_ok(pkt));
	if (nocsum)
		FUZZ_ASSERT(!rd_check(pkt));
	if (!l4_good || nocsum)
		return;
	FUZZ_ASSERT(l4_ok(pkt));
	copy = malloc(pkt->len);
	memcpy(copy, pkt->data, pkt->len);
	FUZZ_ASSERT(!vtl_pkt_parse(&scratch, copy, pkt->len, pkt->frame_len));
	scratch.flags |= pkt->flags & VTL_PKT_CSUM_PARTIAL;
	FUZZ_ASSERT(!vtl_pkt_l4_csum_fill(&scratch));
	FUZZ_ASSERT(eq16(rd_check(&scratch), rd_check(pkt)));
	free(copy);
}

static void mac_of(u8 *mac, u32 v)
{
	memcpy(mac, &v, 4);
	mac[4] = (u8)(v >> 3);
	mac[5] = (u8)(v >> 11);
}

static void apply_setters(struct vtl_pkt *pkt)
{
	bool ip_good = ip_ok(pkt), l4_good = l4_ok(pkt);
	bool nocsum = vtl_pkt_l4_csum_off(pkt) && udp4_nocsum(pkt);
	struct vtl_pkt before = *pkt;
	unsigned int i;
	u8 addr[16];
	int err;
	u32 v;

	for (i = 0; i < 24; i++) {
		v = next_value();
		mac_of(addr, v);
		memcpy(addr + 6, addr, 6);
		memcpy(addr + 12, &v, 4);
		switch (i) {
		case 0:
			err = vtl_pkt_set_eth_dst(pkt, addr);
			break;
		case 1:
			err = vtl_pkt_set_eth_src(pkt, addr);
			break;
		case 2:
			err = vtl_pkt_swap_eth(pkt);
			break;
		case 3:
			err = vtl_pkt_set_arp_op(pkt, (u16)v);
			break;
		case 4:
			err = vtl_pkt_set_arp_sha(pkt, addr);
			break;
		case 5:
			err = vtl_pkt_set_arp_tha(pkt, addr);
			break;
		case 6:
			err = vtl_pkt_set_arp_spa(pkt, (__force __be32)v);
			break;
		case 7:
			err = vtl_pkt_set_arp_tpa(pkt, (__force __be32)v);
			break;
		case 8:
			err = vtl_pkt_set_ip4_saddr(pkt, (__force __be32)v);
			break;
		case 9:
			err = vtl_pkt_set_ip4_daddr(pkt, (__force __be32)v);
			break;
		case 10:
			err = vtl_pkt_set_ip4_id(pkt, (u16)v);
			break;
		case 11:
			err = vtl_pkt_set_ip6_saddr(pkt, addr);
			break;
		case 12:
			err = vtl_pkt_set_ip6_daddr(pkt, addr);
			break;
		case 13:
			err = vtl_pkt_set_ip_ttl(pkt, (u8)v);
			break;
		case 14:
			err = vtl_pkt_swap_ip(pkt);
			break;
		case 15:
			err = vtl_pkt_set_sport(pkt, (__force __be16)(u16)v);
			break;
		case 16:
			err = vtl_pkt_set_dport(pkt, (__force __be16)(u16)v);
			break;
		case 17:
			err = vtl_pkt_swap_ports(pkt);
			break;
		case 18:
			err = vtl_pkt_set_tcp_seq(pkt, v);
			break;
		case 19:
			err = vtl_pkt_set_tcp_ack(pkt, v);
			break;
		case 20:
			err = vtl_pkt_set_tcp_flags(pkt, (u8)v);
			break;
		case 21:
			err = vtl_pkt_set_tcp_window(pkt, (u16)v);
			break;
		case 22:
			err = vtl_pkt_set_tcp_mss(pkt, (u16)v);
			break;
		default:
			err = vtl_pkt_set_tcp_ts(pkt, v, ~v);
			break;
		}
		FUZZ_ASSERT(err == 0 || err == -EINVAL || err == -EOPNOTSUPP);
		check_after(pkt, &before, ip_good, l4_good, nocsum);
	}
}

/* What a builder wrote parses, with right checksums. */
static void check_built(u8 *buf, int len, u32 want_flags)
{
	struct vtl_pkt out;

	FUZZ_ASSERT(len > 0);
	FUZZ_ASSERT(!vtl_pkt_parse(&out, buf, len, len));
	FUZZ_ASSERT((out.flags & want_flags) == want_flags);
	if (out.flags & VTL_PKT_IPV4)
		FUZZ_ASSERT(!vtl_pkt_ip4_csum_check(&out));
	if (out.flags & (VTL_PKT_TCP | VTL_PKT_ICMPV6))
		FUZZ_ASSERT(!vtl_pkt_l4_csum_check(&out));
}

static void run_builder(const struct vtl_pkt *pkt, int kind)
{
	u8 mac[ETH_ALEN];
	int len, got;
	u8 *buf;

	mac_of(mac, next_value());
	switch (kind) {
	case 0:
		len = vtl_pkt_build_tcp_ack(NULL, 0, pkt, (u16)next_value(),
					    next_value());
		break;
	case 1:
		len = vtl_pkt_build_tcp_rst(NULL, 0, pkt);
		break;
	case 2:
		len = vtl_pkt_build_arp_reply(NULL, 0, pkt, mac);
		break;
	default:
		len = vtl_pkt_build_nd_advert(NULL, 0, pkt, mac);
		FUZZ_ASSERT((len > 0) == !!vtl_pkt_nd_target(pkt, true));
		break;
	}
	if (len < 0) {
		FUZZ_ASSERT(len == -EINVAL || len == -EOPNOTSUPP);
		return;
	}
	buf = malloc(len);
	switch (kind) {
	case 0:
		got = vtl_pkt_build_tcp_ack(buf, len, pkt, 7, 9);
		break;
	case 1:
		got = vtl_pkt_build_tcp_rst(buf, len, pkt);
		break;
	case 2:
		got = vtl_pkt_build_arp_reply(buf, len, pkt, mac);
		break;
	default:
		got = vtl_pkt_build_nd_advert(buf, len, pkt, mac);
		break;
	}
	FUZZ_ASSERT(got == len);
	check_built(buf, len, kind == 2 ? VTL_PKT_ARP :
			      kind == 3 ? VTL_PKT_ICMPV6 : VTL_PKT_TCP);
	free(buf);
}

/*
 * The ICMP port unreachable answering the frame: its length is what a NULL
 * buffer says, a byte less is -ENOSPC, it parses with right checksums and
 * quotes the frame; written over a copy of the frame it is the same; and
 * its quote parses as the frame did.
 */
static void run_icmp_unreach(const struct vtl_pkt *pkt)
{
	u32 hl, qlen, max, l3 = pkt->l3_off;
	struct vtl_pkt out, quote, again;
	u8 *buf, *copy;
	int len, err;

	len = vtl_pkt_build_icmp_unreach(NULL, 0, pkt);
	if (len < 0) {
		FUZZ_ASSERT(len == -EINVAL || len == -EOPNOTSUPP);
		return;
	}
	hl = pkt->flags & VTL_PKT_IPV6 ? VTL_PKT_IP6_HLEN : VTL_PKT_IP4_HLEN;
	max = pkt->flags & VTL_PKT_IPV6 ? VTL_PKT_ICMP6_QUOTE_MAX :
					  VTL_PKT_ICMP4_QUOTE_MAX;
	qlen = pkt->l3_end - l3;
	if (qlen > max)
		qlen = max;
	FUZZ_ASSERT((u32)len == l3 + hl + VTL_PKT_ICMP_HLEN + qlen);
	FUZZ_ASSERT(len <= VTL_PKT_ICMP_ERR_BUILD_MAX);

	buf = malloc(len);
	FUZZ_ASSERT(vtl_pkt_build_icmp_unreach(buf, len - 1, pkt) == -ENOSPC);
	FUZZ_ASSERT(vtl_pkt_build_icmp_unreach(buf, len, pkt) == len);
	FUZZ_ASSERT(!vtl_pkt_parse(&out, buf, len, len));
	FUZZ_ASSERT(out.l3_end == (u32)len);
	FUZZ_ASSERT(out.nr_vlan == pkt->nr_vlan);
	FUZZ_ASSERT(!memcmp(buf, pkt->data + ETH_ALEN, ETH_ALEN));
	if (pkt->flags & VTL_PKT_IPV4) {
		FUZZ_ASSERT(out.flags & VTL_PKT_ICMP);
		FUZZ_ASSERT(vtl_pkt_icmp_type(&out) == 3);
		FUZZ_ASSERT(vtl_pkt_icmp_code(&out) == 3);
		FUZZ_ASSERT(!vtl_pkt_ip4_csum_check(&out));
		FUZZ_ASSERT(vtl_pkt_ip4_saddr(&out) == vtl_pkt_ip4_daddr(pkt));
	} else {
		FUZZ_ASSERT(out.flags & VTL_PKT_ICMPV6);
		FUZZ_ASSERT(vtl_pkt_icmp_type(&out) == 1);
		FUZZ_ASSERT(vtl_pkt_icmp_code(&out) == 4);
		FUZZ_ASSERT(!memcmp(vtl_pkt_ip6_saddr(&out),
				    vtl_pkt_ip6_daddr(pkt), 16));
	}
	FUZZ_ASSERT(!vtl_pkt_l4_csum_check(&out));
	FUZZ_ASSERT(vtl_pkt_payload_len(&out) == qlen);
	FUZZ_ASSERT(!memcmp(buf + out.payload_off, pkt->data + l3, qlen));

	/* The quote's headers parse as the frame's did, if all quoted. */
	err = check_quote(&out, &quote);
	FUZZ_ASSERT(err == 0 || err == -EPROTO);
	if (!err) {
		FUZZ_ASSERT(quote.l4_proto == pkt->l4_proto);
		FUZZ_ASSERT(quote.l4_off - quote.l3_off == pkt->l4_off - l3);
		FUZZ_ASSERT(!((quote.flags ^ pkt->flags) &
			      (VTL_PKT_IP | VTL_PKT_FRAG | VTL_PKT_FRAG_LATER |
			       VTL_PKT_RTHDR)));
	} else {
		FUZZ_ASSERT(qlen < pkt->l4_off - l3 + VTL_PKT_QUOTE_L4_LEN);
	}

	/* Over the frame itself. */
	copy = malloc(pkt->len > (u32)len ? pkt->len : (u32)len);
	memcpy(copy, pkt->data, pkt->len);
	FUZZ_ASSERT(!vtl_pkt_parse(&again, copy, pkt->len, pkt->frame_len));
	FUZZ_ASSERT(vtl_pkt_build_icmp_unreach(copy, len, &again) == len);
	FUZZ_ASSERT(!memcmp(copy, buf, len));
	free(copy);
	free(buf);
}

/* A segment from explicit fields drawn from the input. */
static void build_from_fields(const u8 *data, size_t size)
{
	struct vtl_pkt_tcp t;
	struct vtl_pkt out;
	int len, got;
	u8 *buf, *copy, ipv6, partial;

	/* raw bytes into the struct, but a bool must hold 0 or 1 */
	memset(&t, 0, sizeof(t));
	memcpy(&t, data, size < sizeof(t) ? size : sizeof(t));
	memcpy(&ipv6, &t.ipv6, 1);
	t.ipv6 = ipv6 & 1;
	memcpy(&partial, &t.csum_partial, 1);
	t.csum_partial = false;
	t.payload_ext = false;
	t.payload = data;
	t.payload_len = size;
	t.nr_vlan %= VTL_PKT_MAX_VLAN + 1;
	len = vtl_pkt_build_tcp(NULL, 0, &t);
	if (t.nr_vlan && len == -EINVAL) {
		t.vlan_proto[0] = cpu_to_be16(ETH_P_8021Q);
		t.vlan_proto[1] = cpu_to_be16(ETH_P_8021AD);
	}
	t.opts &= VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE | VTL_PKT_TCP_SACKOK |
		  VTL_PKT_TCP_TS;
	len = vtl_pkt_build_tcp(NULL, 0, &t);
	FUZZ_ASSERT(len > 0);
	buf = malloc(len);
	FUZZ_ASSERT(vtl_pkt_build_tcp(buf, len - 1, &t) == -ENOSPC);
	got = vtl_pkt_build_tcp(buf, len, &t);
	FUZZ_ASSERT(got == len);
	check_built(buf, len, VTL_PKT_TCP);
	if (partial & 1) {
		/* the same frame, its TCP checksum the pseudo-header's sum */
		t.csum_partial = true;
		FUZZ_ASSERT(vtl_pkt_build_tcp(buf, len, &t) == len);
		FUZZ_ASSERT(!vtl_pkt_parse(&out, buf, len, len));
		out.flags |= VTL_PKT_CSUM_PARTIAL;
		FUZZ_ASSERT(!vtl_pkt_l4_csum_check(&out));
		/* the headers alone: the same bytes, nothing past them */
		copy = malloc(len);
		memset(copy, 0xa5, len);
		t.payload_ext = true;
		FUZZ_ASSERT(vtl_pkt_build_tcp(copy, out.payload_off, &t) ==
			    len);
		FUZZ_ASSERT(!memcmp(copy, buf, out.payload_off));
		FUZZ_ASSERT(out.payload_off == (u32)len || copy[out.payload_off] == 0xa5);
		free(copy);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vtl_pkt pkt, pulled, quote, qpulled;
	int err, err2, qerr, qerr2;
	u32 len, view;
	u8 ctl, *buf;
	int kind;

	if (size < 1 || size > 0x20000)
		return 0;
	ctl = data[0];
	data++;
	len = size - 1;
	seed = len * 2654435761u ^ ctl;
	if (len)
		seed ^= data[len / 2] << 8 | data[len - 1];

	buf = malloc(len ? len : 1);
	memcpy(buf, data, len);

	err = vtl_pkt_parse(&pkt, buf, len, len);
	FUZZ_ASSERT(err == 0 || err == -EINVAL || err == -EPROTO ||
		    err == -ELOOP);

	qerr = err ? -EINVAL : check_quote(&pkt, &quote);

	view = (ctl >> 2) * len / 63;
	if (view < len) {
		err2 = parse_pulling(&pulled, &qpulled, &qerr2, data, len,
				     view);
		FUZZ_ASSERT(err2 == err);
		FUZZ_ASSERT(qerr2 == qerr);
		if (!err)
			same_parse(&pulled, &pkt);
		if (!qerr)
			same_parse(&qpulled, &quote);
	}

	if (!err) {
		pkt.flags |= ctl & 1 ? VTL_PKT_CSUM_PARTIAL : 0;
		pkt.flags |= ctl & 2 ? VTL_PKT_GSO : 0;
		call_getters(&pkt);
		for (kind = 0; kind < 4; kind++)
			run_builder(&pkt, kind);
		run_icmp_unreach(&pkt);
		/* in partial mode, start from a right seed */
		if ((ctl & 1) && vtl_pkt_l4_csum_off(&pkt))
			FUZZ_ASSERT(!vtl_pkt_l4_csum_fill(&pkt) ||
				    (pkt.flags & (VTL_PKT_FRAG |
						  VTL_PKT_RTHDR)));
		apply_setters(&pkt);
		call_getters(&pkt);
	}
	free(buf);

	build_from_fields(data, len > 1500 ? 1500 : len);
	return 0;
}
