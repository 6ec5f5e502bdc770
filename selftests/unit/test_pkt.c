// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the packet library (kmod/lib/pkt_*.c), in userspace.  TAP
 * output: one "ok N name" or "not ok N name" per test, diagnostics as
 * "# ..." lines, and a last line "N passed, N failed".  Exit status 0 if all
 * passed, 1 if not.
 *
 * Frames come from frames.c, built without the packet library, and every
 * checksum is compared with one computed from scratch by frames.c's
 * reference code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "../tap.h"


/* xorshift32: reproducible "random" field values */
static u32 rnd_state = 2463534242u;

static u32 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static const struct tf_opts frames[] = {
	{ .name = "ipv4-tcp", .proto = IPPROTO_TCP, .payload = 37 },
	{ .name = "ipv4-tcp-opts-vlan", .nr_vlan = 1, .proto = IPPROTO_TCP,
	  .tcp_opts = true, .payload = 100 },
	{ .name = "ipv4-tcp-qinq-ipopts", .nr_vlan = 2, .proto = IPPROTO_TCP,
	  .ip4_optlen = 12, .tcp_opts = true, .payload = 1 },
	{ .name = "ipv4-tcp-syn-padded", .proto = IPPROTO_TCP,
	  .tcp_flags = VTL_TCP_SYN, .tcp_opts = true, .pad = 6 },
	{ .name = "ipv4-udp", .proto = IPPROTO_UDP, .payload = 33 },
	{ .name = "ipv4-udp-nocsum", .proto = IPPROTO_UDP, .payload = 20,
	  .udp_nocsum = true },
	{ .name = "ipv4-udp-empty-padded", .proto = IPPROTO_UDP, .pad = 18 },
	{ .name = "ipv4-icmp", .proto = IPPROTO_ICMP, .payload = 56 },
	{ .name = "ipv4-gre", .proto = 47, .payload = 24 },
	{ .name = "ipv6-tcp", .v6 = true, .proto = IPPROTO_TCP, .payload = 64 },
	{ .name = "ipv6-tcp-opts-ext", .v6 = true, .proto = IPPROTO_TCP,
	  .tcp_opts = true, .v6_ext = TF_EXT_HBH | TF_EXT_DST | TF_EXT_RT |
	  TF_EXT_FRAG | TF_EXT_AH, .payload = 11 },
	{ .name = "ipv6-udp-vlan", .nr_vlan = 1, .v6 = true,
	  .proto = IPPROTO_UDP, .payload = 48 },
	{ .name = "ipv6-icmpv6-hbh", .v6 = true, .proto = IPPROTO_ICMPV6,
	  .v6_ext = TF_EXT_HBH, .payload = 32 },
	{ .name = "ipv6-none", .v6 = true, .proto = IPPROTO_NONE },
};

#define NR_FRAMES (sizeof(frames) / sizeof(frames[0]))

/* Parse @f whole, checking the result against what frames.c knows. */
static int parse_tf(struct vtl_pkt *pkt, struct tf *f)
{
	return vtl_pkt_parse(pkt, f->b, f->len, f->len);
}

static void check_parse(const struct tf_opts *o, struct tf *f,
			const struct vtl_pkt *pkt)
{
	u32 l4flag = 0;

	switch (o->proto) {
	case IPPROTO_TCP:
		l4flag = VTL_PKT_TCP;
		break;
	case IPPROTO_UDP:
		l4flag = VTL_PKT_UDP;
		break;
	case IPPROTO_ICMP:
		l4flag = VTL_PKT_ICMP;
		break;
	case IPPROTO_ICMPV6:
		l4flag = VTL_PKT_ICMPV6;
		break;
	}
	EXPECT_EQ(pkt->flags & (VTL_PKT_IP | VTL_PKT_L4 | VTL_PKT_ARP),
		 (o->v6 ? VTL_PKT_IPV6 : VTL_PKT_IPV4) | l4flag);
	EXPECT_EQ(pkt->nr_vlan, o->nr_vlan);
	EXPECT_EQ(pkt->eth_proto,
		 cpu_to_be16(o->v6 ? ETH_P_IPV6 : ETH_P_IP));
	EXPECT_EQ(pkt->l3_off, f->l3);
	EXPECT_EQ(pkt->l4_off, f->l4);
	EXPECT_EQ(pkt->payload_off, f->payload);
	EXPECT_EQ(pkt->l3_end, f->l3_end);
	EXPECT_EQ(pkt->l4_proto, o->proto);
	EXPECT_EQ(vtl_pkt_payload_len(pkt), o->payload);
	EXPECT_EQ(vtl_pkt_l4_csum_off(pkt), f->check);
	EXPECT_EQ(vtl_pkt_ip_ttl(pkt), 64);
	EXPECT(!memcmp(vtl_pkt_eth_dst(pkt), f->b, 6));
	EXPECT(!memcmp(vtl_pkt_eth_src(pkt), f->b + 6, 6));
	if (o->nr_vlan) {
		EXPECT_EQ(vtl_pkt_vlan_tci(pkt, 0), 100);
		EXPECT_EQ(vtl_pkt_vlan_proto(pkt, 0),
			 cpu_to_be16(o->nr_vlan == 2 ? ETH_P_8021AD :
						       ETH_P_8021Q));
	}
	if (o->nr_vlan == 2)
		EXPECT_EQ(vtl_pkt_vlan_tci(pkt, 1), 101);
	EXPECT_EQ(vtl_pkt_vlan_tci(pkt, o->nr_vlan), 0);
	if (o->v6) {
		EXPECT(vtl_pkt_ip6_saddr(pkt) == f->b + f->l3 + 8);
		EXPECT(vtl_pkt_ip6_daddr(pkt) == f->b + f->l3 + 24);
		EXPECT_EQ(vtl_pkt_ip4_saddr(pkt), 0);
	} else {
		EXPECT_EQ(vtl_pkt_ip4_saddr(pkt), cpu_to_be32(0x0a000001));
		EXPECT_EQ(vtl_pkt_ip4_daddr(pkt), cpu_to_be32(0x0a000002));
		EXPECT_EQ(vtl_pkt_ip4_id(pkt), 0x1234);
		EXPECT(!vtl_pkt_ip6_saddr(pkt));
		EXPECT_EQ(vtl_pkt_ip4_csum_check(pkt), 0);
	}
	if (o->proto == IPPROTO_TCP) {
		EXPECT_EQ(vtl_pkt_sport(pkt), cpu_to_be16(1234));
		EXPECT_EQ(vtl_pkt_dport(pkt), cpu_to_be16(80));
		EXPECT_EQ(vtl_pkt_tcp_seq(pkt), 0x11223344);
		EXPECT_EQ(vtl_pkt_tcp_ack(pkt), 0x55667788);
		EXPECT_EQ(vtl_pkt_tcp_flags(pkt),
			 o->tcp_flags ? o->tcp_flags :
					VTL_TCP_ACK | VTL_TCP_PSH);
		EXPECT_EQ(vtl_pkt_tcp_window(pkt), 0x1000);
		EXPECT_EQ(vtl_pkt_tcp_seg_len(pkt),
			 o->payload + !!(o->tcp_flags & VTL_TCP_SYN));
		if (o->tcp_opts) {
			EXPECT_EQ(pkt->flags & (VTL_PKT_TCP_MSS |
					       VTL_PKT_TCP_WSCALE |
					       VTL_PKT_TCP_SACKOK |
					       VTL_PKT_TCP_TS),
				 VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE |
				 VTL_PKT_TCP_SACKOK | VTL_PKT_TCP_TS);
			EXPECT_EQ(pkt->tcp_mss, 1460);
			EXPECT_EQ(pkt->tcp_wscale, 7);
			EXPECT_EQ(pkt->tcp_tsval, 7);
			EXPECT_EQ(pkt->tcp_tsecr, 9);
		} else {
			EXPECT(!(pkt->flags & (VTL_PKT_TCP_MSS |
					      VTL_PKT_TCP_TS)));
		}
	} else {
		EXPECT_EQ(vtl_pkt_tcp_seq(pkt), 0);
		EXPECT_EQ(vtl_pkt_tcp_seg_len(pkt), 0);
	}
	if (o->proto == IPPROTO_UDP) {
		EXPECT_EQ(vtl_pkt_sport(pkt), cpu_to_be16(5353));
		EXPECT_EQ(vtl_pkt_dport(pkt), cpu_to_be16(53));
	}
	if (o->proto == IPPROTO_ICMP || o->proto == IPPROTO_ICMPV6) {
		EXPECT_EQ(vtl_pkt_icmp_type(pkt),
			 o->proto == IPPROTO_ICMP ? 8 : 128);
		EXPECT_EQ(vtl_pkt_icmp_code(pkt), 0);
	}
	if (f->check)
		EXPECT_EQ(vtl_pkt_l4_csum_check(pkt), 0);
	else
		EXPECT_EQ(vtl_pkt_l4_csum_check(pkt), -EINVAL);
}

static void test_parse(void)
{
	struct vtl_pkt pkt;
	struct tf f;
	unsigned int i;

	for (i = 0; i < NR_FRAMES; i++) {
		tap_begin();
		tf_build(&f, &frames[i]);
		EXPECT_EQ(parse_tf(&pkt, &f), 0);
		check_parse(&frames[i], &f, &pkt);
		tap_end("parse %s", frames[i].name);
	}
}

/*
 * Every truncation of a frame, as a buffer of exactly that many bytes (so
 * that AddressSanitizer catches any read past it): as a whole frame it is
 * truncated (-EPROTO) until the IP datagram is whole; as a view of the
 * whole frame it asks for more (-ENODATA), and pulling what it asks for
 * gets to the end in a few steps.
 */
static void test_truncation(void)
{
	struct vtl_pkt pkt;
	unsigned int i, steps;
	struct tf f;
	u32 len, need;
	int err;
	u8 *buf;

	for (i = 0; i < NR_FRAMES; i++) {
		tap_begin();
		tf_build(&f, &frames[i]);
		for (len = 0; len <= f.len; len++) {
			buf = malloc(len ? len : 1);
			memcpy(buf, f.b, len);
			err = vtl_pkt_parse(&pkt, buf, len, len);
			if (len < f.l3_end)
				EXPECT_EQ(err, -EPROTO);
			else
				EXPECT_EQ(err, 0);

			err = vtl_pkt_parse(&pkt, buf, len, f.len);
			if (len < f.payload) {
				EXPECT_EQ(err, -ENODATA);
				EXPECT(pkt.need > len && pkt.need <= f.payload);
			} else {
				EXPECT_EQ(err, 0);
			}
			free(buf);
		}

		/* the glue's loop: pull exactly what is asked, parse again */
		need = 0;
		for (steps = 0; steps < 30; steps++) {
			buf = malloc(need ? need : 1);
			memcpy(buf, f.b, need);
			err = vtl_pkt_parse(&pkt, buf, need, f.len);
			free(buf);
			if (err != -ENODATA)
				break;
			EXPECT(pkt.need > need);
			need = pkt.need;
		}
		EXPECT_EQ(err, 0);
		EXPECT_EQ(need, f.payload);
		EXPECT(steps <= 14);
		tap_end("truncation %s", frames[i].name);
	}
}

static void frame_with(struct tf *f, const struct tf_opts *o,
		       void (*edit)(struct tf *f))
{
	tf_build(f, o);
	edit(f);
}

static void set_ip_version(struct tf *f)
{
	f->b[f->l3] = 0x55;
}

static void set_ihl_4(struct tf *f)
{
	f->b[f->l3] = 0x44;
}

static void set_totlen_short(struct tf *f)
{
	wr16(f->b + f->l3 + 2, 19);
}

static void set_totlen_long(struct tf *f)
{
	wr16(f->b + f->l3 + 2, f->len - f->l3 + 1);
}

static void set_doff_4(struct tf *f)
{
	f->b[f->l4 + 12] = 0x40;
}

static void set_doff_15(struct tf *f)
{
	f->b[f->l4 + 12] = 0xf0;
}

static void set_tcpopt_len_0(struct tf *f)
{
	f->b[f->l4 + 22] = 0;
}

static void set_tcpopt_len_1(struct tf *f)
{
	f->b[f->l4 + 22] = 1;
}

static void set_tcpopt_overrun(struct tf *f)
{
	f->b[f->l4 + 37] = 8;		/* TS, 10 bytes from 3 before the end */
	f->b[f->l4 + 38] = 10;
}

static void set_tcpopt_kind_at_end(struct tf *f)
{
	f->b[f->l4 + 37] = 1;
	f->b[f->l4 + 38] = 1;
	f->b[f->l4 + 39] = 8;		/* no room for its length */
}

static void set_udplen_7(struct tf *f)
{
	wr16(f->b + f->l4 + 4, 7);
}

static void set_udplen_long(struct tf *f)
{
	wr16(f->b + f->l4 + 4, f->l3_end - f->l4 + 1);
}

static void set_ip6_version(struct tf *f)
{
	f->b[f->l3] = 0x40;
}

static void set_ip6_plen_long(struct tf *f)
{
	wr16(f->b + f->l3 + 4, f->len - f->l3 - 40 + 1);
}

static void set_ip6_exthdr_long(struct tf *f)
{
	f->b[f->l3 + 40 + 1] = 200;	/* the hop-by-hop header's length */
}

static void set_ip6_hbh_second(struct tf *f)
{
	/* the second header (destination options) claims to be hop-by-hop */
	f->b[f->l3 + 40] = IPPROTO_HOPOPTS;
}

static void set_arp_short(struct tf *f)
{
	wr16(f->b + 12, ETH_P_ARP);
	wr16(f->b + 14, 1);
	wr16(f->b + 16, ETH_P_IP);
	f->b[18] = 6;
	f->b[19] = 4;
	f->len = 14 + 27;
}

static void test_malformed(void)
{
	static const struct tf_opts tcp4 = {
		.proto = IPPROTO_TCP, .tcp_opts = true, .payload = 10 };
	static const struct tf_opts udp4 = {
		.proto = IPPROTO_UDP, .payload = 10 };
	static const struct tf_opts tcp6 = {
		.v6 = true, .proto = IPPROTO_TCP,
		.v6_ext = TF_EXT_HBH | TF_EXT_DST, .payload = 10 };
	static const struct {
		const char *name;
		const struct tf_opts *o;
		void (*edit)(struct tf *f);
		int err;
	} cases[] = {
		{ "ipv4 version 5", &tcp4, set_ip_version, -EINVAL },
		{ "ipv4 ihl 4", &tcp4, set_ihl_4, -EINVAL },
		{ "ipv4 tot_len < ihl", &tcp4, set_totlen_short, -EINVAL },
		{ "ipv4 tot_len past frame", &tcp4, set_totlen_long, -EPROTO },
		{ "tcp doff 4", &tcp4, set_doff_4, -EINVAL },
		{ "tcp doff past datagram", &tcp4, set_doff_15, -EPROTO },
		{ "tcp option length 0", &tcp4, set_tcpopt_len_0, -EINVAL },
		{ "tcp option length 1", &tcp4, set_tcpopt_len_1, -EINVAL },
		{ "tcp option overrun", &tcp4, set_tcpopt_overrun, -EINVAL },
		{ "tcp option kind at end", &tcp4, set_tcpopt_kind_at_end,
		  -EINVAL },
		{ "udp length 7", &udp4, set_udplen_7, -EINVAL },
		{ "udp length past datagram", &udp4, set_udplen_long, -EPROTO },
		{ "ipv6 version 4", &tcp6, set_ip6_version, -EINVAL },
		{ "ipv6 payload past frame", &tcp6, set_ip6_plen_long, -EPROTO },
		{ "ipv6 ext header past datagram", &tcp6, set_ip6_exthdr_long,
		  -EPROTO },
		{ "ipv6 hop-by-hop not first", &tcp6, set_ip6_hbh_second,
		  -EINVAL },
		{ "arp truncated", &udp4, set_arp_short, -EPROTO },
	};
	struct vtl_pkt pkt;
	unsigned int i;
	struct tf f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tap_begin();
		frame_with(&f, cases[i].o, cases[i].edit);
		EXPECT_EQ(parse_tf(&pkt, &f), cases[i].err);
		/* what was parsed before the error is still usable */
		if (cases[i].o->proto == IPPROTO_TCP &&
		    cases[i].edit != set_ip_version &&
		    cases[i].edit != set_ihl_4 &&
		    cases[i].edit != set_totlen_short &&
		    cases[i].edit != set_totlen_long &&
		    !cases[i].o->v6) {
			EXPECT(pkt.flags & VTL_PKT_IPV4);
			EXPECT(!(pkt.flags & VTL_PKT_TCP));
			EXPECT_EQ(vtl_pkt_tcp_seq(&pkt), 0);
			EXPECT_EQ(vtl_pkt_set_tcp_seq(&pkt, 1), -EINVAL);
		}
		tap_end("malformed: %s", cases[i].name);
	}
}

/* A frame of @ext_count destination options headers, then TCP. */
static void test_ip6_ext_limit(void)
{
	struct vtl_pkt pkt;
	struct tf f;
	unsigned int n, i;
	u32 off;

	for (n = VTL_PKT_IP6_MAX_EXT; n <= VTL_PKT_IP6_MAX_EXT + 1; n++) {
		static const struct tf_opts o = { .v6 = true,
			.proto = IPPROTO_TCP, .payload = 0 };

		tap_begin();
		tf_build(&f, &o);
		/* move the TCP header and insert n empty headers */
		memmove(f.b + f.l4 + 8 * n, f.b + f.l4, 20);
		f.b[f.l3 + 6] = IPPROTO_DSTOPTS;
		for (i = 0, off = f.l4; i < n; i++, off += 8) {
			memset(f.b + off, 0, 8);
			f.b[off] = i + 1 < n ? IPPROTO_DSTOPTS : IPPROTO_TCP;
			f.b[off + 2] = 1;	/* PadN */
			f.b[off + 3] = 4;
		}
		f.len += 8 * n;
		wr16(f.b + f.l3 + 4, f.len - f.l3 - 40);
		if (n == VTL_PKT_IP6_MAX_EXT) {
			EXPECT_EQ(parse_tf(&pkt, &f), 0);
			EXPECT(pkt.flags & VTL_PKT_TCP);
			EXPECT_EQ(pkt.l4_off, f.l4 + 8 * n);
			/* the pseudo-header length is that of TCP alone */
			EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), 0);
			f.l4 += 8 * n;
			f.l3_end = f.len;
			f.check = f.l4 + 16;
			EXPECT(ref_eq16(rd16(f.b + f.check), ref_l4_csum(&f)));
		} else {
			EXPECT_EQ(parse_tf(&pkt, &f), -ELOOP);
		}
		tap_end("ipv6 %u extension headers", n);
	}
}

static void test_ip6_special(void)
{
	static const struct tf_opts rt = { .v6 = true, .proto = IPPROTO_TCP,
		.v6_ext = TF_EXT_RT_LEFT, .payload = 5 };
	static const struct tf_opts frag = { .v6 = true, .proto = IPPROTO_UDP,
		.v6_ext = TF_EXT_FRAG, .payload = 5 };
	static const u8 addr[16] = { 0xfe, 0x80, [15] = 9 };
	struct vtl_pkt pkt;
	struct tf f;
	u16 check;

	tap_begin();
	tf_build(&f, &rt);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(pkt.flags & VTL_PKT_RTHDR);
	EXPECT(pkt.flags & VTL_PKT_TCP);
	EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_swap_ip(&pkt), -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_build_tcp_rst(NULL, 0, &pkt), -EOPNOTSUPP);
	check = rd16(f.b + f.check);
	EXPECT_EQ(vtl_pkt_set_ip6_daddr(&pkt, addr), 0);
	EXPECT_EQ(rd16(f.b + f.check), check);
	EXPECT(!memcmp(vtl_pkt_ip6_daddr(&pkt), addr, 16));
	tap_end("ipv6 routing header with segments left");

	tap_begin();
	tf_build(&f, &frag);
	/* offset 0 with M set: the first fragment */
	wr16(f.b + f.l3 + 40 + 2, 1);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.flags & (VTL_PKT_FRAG | VTL_PKT_FRAG_LATER | VTL_PKT_UDP),
		 VTL_PKT_FRAG | VTL_PKT_UDP);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -EOPNOTSUPP);
	/* a later fragment: no UDP header */
	wr16(f.b + f.l3 + 40 + 2, 8);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.flags & (VTL_PKT_FRAG | VTL_PKT_FRAG_LATER | VTL_PKT_UDP),
		 VTL_PKT_FRAG | VTL_PKT_FRAG_LATER);
	EXPECT_EQ(pkt.l4_proto, IPPROTO_UDP);
	EXPECT_EQ(pkt.l4_off, f.l4);
	EXPECT_EQ(pkt.payload_off, f.l4);
	EXPECT_EQ(vtl_pkt_sport(&pkt), 0);
	/* an atomic fragment is no fragment */
	wr16(f.b + f.l3 + 40 + 2, 0);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(!(pkt.flags & VTL_PKT_FRAG));
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
	tap_end("ipv6 fragments");
}

static void test_ip4_frag(void)
{
	static const struct tf_opts first = { .proto = IPPROTO_TCP,
		.ip4_frag = 0x2000, .payload = 16 };
	static const struct tf_opts later = { .proto = IPPROTO_TCP,
		.ip4_optlen = 4, .ip4_frag = 0x2000 | 185, .payload = 16 };
	struct vtl_pkt pkt;
	struct tf f;
	u16 check;

	tap_begin();
	tf_build(&f, &first);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.flags & (VTL_PKT_FRAG | VTL_PKT_FRAG_LATER | VTL_PKT_TCP),
		 VTL_PKT_FRAG | VTL_PKT_TCP);
	EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_build_tcp_ack(NULL, 0, &pkt, 0, 0), -EINVAL);
	/* setters still update the checksum of the whole datagram */
	check = rd16(f.b + f.check);
	EXPECT_EQ(vtl_pkt_set_ip4_daddr(&pkt, cpu_to_be32(0xc0a80001)), 0);
	EXPECT_EQ(vtl_pkt_set_dport(&pkt, cpu_to_be16(8080)), 0);
	EXPECT(rd16(f.b + f.check) != check);
	EXPECT(ref_eq16(rd16(f.b + f.check), ref_l4_csum(&f)));
	EXPECT_EQ(rd16(f.b + f.l3 + 10), ref_ip4_csum(&f));
	tap_end("ipv4 first fragment");

	tap_begin();
	tf_build(&f, &later);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.flags & (VTL_PKT_FRAG | VTL_PKT_FRAG_LATER | VTL_PKT_TCP),
		 VTL_PKT_FRAG | VTL_PKT_FRAG_LATER);
	EXPECT_EQ(pkt.l4_off, f.l3 + 24);
	EXPECT_EQ(pkt.payload_off, f.l3 + 24);
	EXPECT_EQ(vtl_pkt_tcp_seq(&pkt), 0);
	check = rd16(f.b + f.check);
	EXPECT_EQ(vtl_pkt_set_ip4_saddr(&pkt, cpu_to_be32(0x01020304)), 0);
	EXPECT_EQ(vtl_pkt_ip4_csum_check(&pkt), 0);
	EXPECT_EQ(rd16(f.b + f.l3 + 10), ref_ip4_csum(&f));
	/* the bytes where a TCP header would be are data: untouched */
	EXPECT_EQ(rd16(f.b + f.check), check);
	tap_end("ipv4 later fragment");
}

static void test_vlan(void)
{
	static const struct tf_opts o = { .nr_vlan = 2,
		.proto = IPPROTO_UDP, .payload = 4 };
	struct vtl_pkt pkt;
	struct tf f;

	/* a third tag is not parsed: what follows is payload */
	tap_begin();
	tf_build(&f, &o);
	memmove(f.b + 24, f.b + 20, f.len - 20);
	wr16(f.b + 20, ETH_P_8021Q);
	wr16(f.b + 22, 102);
	f.len += 4;
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.nr_vlan, 2);
	EXPECT_EQ(pkt.eth_proto, cpu_to_be16(ETH_P_8021Q));
	EXPECT_EQ(pkt.flags, 0);
	EXPECT_EQ(pkt.l3_off, 22);
	EXPECT_EQ(vtl_pkt_payload_len(&pkt), f.len - 22);
	tap_end("vlan: a third tag is payload");

	/* 802.3 length instead of an EtherType */
	tap_begin();
	tf_build(&f, &o);
	wr16(f.b + 12, 46);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(pkt.flags, 0);
	EXPECT_EQ(pkt.nr_vlan, 0);
	EXPECT_EQ(pkt.l3_off, 14);
	EXPECT_EQ(vtl_pkt_set_ip_ttl(&pkt, 1), -EINVAL);
	EXPECT_EQ(vtl_pkt_swap_eth(&pkt), 0);
	EXPECT_EQ(f.b[5], 2);
	tap_end("802.3 frame");
}

/*
 * Setters.  Each applies one change with a random value, checks the getter
 * sees it, and returns whether it applied (the header was there).
 */
struct setter {
	const char *name;
	int (*apply)(struct vtl_pkt *pkt, u32 v);
	bool (*applies)(const struct vtl_pkt *pkt);
};

static bool has_eth(const struct vtl_pkt *pkt)
{
	return pkt->len >= ETH_HLEN;
}

static bool has_ip4(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_IPV4;
}

static bool has_ip6(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_IPV6;
}

static bool has_ip(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_IP;
}

static bool has_ports(const struct vtl_pkt *pkt)
{
	return pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP);
}

static bool has_tcp(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_TCP;
}

static bool has_mss(const struct vtl_pkt *pkt)
{
	return (pkt->flags & VTL_PKT_TCP) && (pkt->flags & VTL_PKT_TCP_MSS);
}

static bool has_ts(const struct vtl_pkt *pkt)
{
	return (pkt->flags & VTL_PKT_TCP) && (pkt->flags & VTL_PKT_TCP_TS);
}

static void mac_of(u8 *mac, u32 v)
{
	mac[0] = 2;
	mac[1] = 0x42;
	wr32(mac + 2, v);
}

static int set_eth_dst(struct vtl_pkt *pkt, u32 v)
{
	u8 mac[6];
	int err;

	mac_of(mac, v);
	err = vtl_pkt_set_eth_dst(pkt, mac);
	EXPECT(err || !memcmp(vtl_pkt_eth_dst(pkt), mac, 6));
	return err;
}

static int set_eth_src(struct vtl_pkt *pkt, u32 v)
{
	u8 mac[6];
	int err;

	mac_of(mac, v);
	err = vtl_pkt_set_eth_src(pkt, mac);
	EXPECT(err || !memcmp(vtl_pkt_eth_src(pkt), mac, 6));
	return err;
}

static int swap_eth(struct vtl_pkt *pkt, u32 v)
{
	u8 dst[6];
	int err;

	(void)v;
	memcpy(dst, pkt->data, 6);
	err = vtl_pkt_swap_eth(pkt);
	EXPECT(err || !memcmp(vtl_pkt_eth_src(pkt), dst, 6));
	return err;
}

static int set_ip4_saddr(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_ip4_saddr(pkt, cpu_to_be32(v));

	EXPECT(err || vtl_pkt_ip4_saddr(pkt) == cpu_to_be32(v));
	return err;
}

static int set_ip4_daddr(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_ip4_daddr(pkt, cpu_to_be32(v));

	EXPECT(err || vtl_pkt_ip4_daddr(pkt) == cpu_to_be32(v));
	return err;
}

static int set_ip4_id(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_ip4_id(pkt, (u16)v);

	EXPECT(err || vtl_pkt_ip4_id(pkt) == (u16)v);
	return err;
}

static void addr6_of(u8 *a, u32 v)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	wr32(a + 4, v);
	wr32(a + 12, ~v);
}

static int set_ip6_saddr(struct vtl_pkt *pkt, u32 v)
{
	u8 a[16];
	int err;

	addr6_of(a, v);
	err = vtl_pkt_set_ip6_saddr(pkt, a);
	EXPECT(err || !memcmp(vtl_pkt_ip6_saddr(pkt), a, 16));
	return err;
}

static int set_ip6_daddr(struct vtl_pkt *pkt, u32 v)
{
	u8 a[16];
	int err;

	addr6_of(a, v);
	err = vtl_pkt_set_ip6_daddr(pkt, a);
	EXPECT(err || !memcmp(vtl_pkt_ip6_daddr(pkt), a, 16));
	return err;
}

static int set_ttl(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_ip_ttl(pkt, (u8)v);

	EXPECT(err || vtl_pkt_ip_ttl(pkt) == (u8)v);
	return err;
}

static int swap_ip(struct vtl_pkt *pkt, u32 v)
{
	__be32 s = vtl_pkt_ip4_saddr(pkt);
	int err;

	(void)v;
	err = vtl_pkt_swap_ip(pkt);
	EXPECT(err || !(pkt->flags & VTL_PKT_IPV4) ||
	      vtl_pkt_ip4_daddr(pkt) == s);
	return err;
}

static int set_sport(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_sport(pkt, cpu_to_be16((u16)v));

	EXPECT(err || vtl_pkt_sport(pkt) == cpu_to_be16((u16)v));
	return err;
}

static int set_dport(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_dport(pkt, cpu_to_be16((u16)v));

	EXPECT(err || vtl_pkt_dport(pkt) == cpu_to_be16((u16)v));
	return err;
}

static int swap_ports(struct vtl_pkt *pkt, u32 v)
{
	__be16 s = vtl_pkt_sport(pkt);
	int err;

	(void)v;
	err = vtl_pkt_swap_ports(pkt);
	EXPECT(err || vtl_pkt_dport(pkt) == s);
	return err;
}

static int set_seq(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_seq(pkt, v);

	EXPECT(err || vtl_pkt_tcp_seq(pkt) == v);
	return err;
}

static int set_ack(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_ack(pkt, v);

	EXPECT(err || vtl_pkt_tcp_ack(pkt) == v);
	return err;
}

static int set_flags(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_flags(pkt, (u8)v);

	EXPECT(err || vtl_pkt_tcp_flags(pkt) == (u8)v);
	return err;
}

static int set_window(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_window(pkt, (u16)v);

	EXPECT(err || vtl_pkt_tcp_window(pkt) == (u16)v);
	return err;
}

static int set_mss(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_mss(pkt, (u16)v);

	EXPECT(err || rd16(pkt->data + pkt->tcp_mss_off) == (u16)v);
	return err;
}

static int set_ts(struct vtl_pkt *pkt, u32 v)
{
	int err = vtl_pkt_set_tcp_ts(pkt, v, ~v);

	EXPECT(err || (rd32(pkt->data + pkt->tcp_ts_off) == v &&
		      rd32(pkt->data + pkt->tcp_ts_off + 4) == ~v));
	return err;
}

static const struct setter setters[] = {
	{ "eth_dst", set_eth_dst, has_eth },
	{ "eth_src", set_eth_src, has_eth },
	{ "swap_eth", swap_eth, has_eth },
	{ "ip4_saddr", set_ip4_saddr, has_ip4 },
	{ "ip4_daddr", set_ip4_daddr, has_ip4 },
	{ "ip4_id", set_ip4_id, has_ip4 },
	{ "ip6_saddr", set_ip6_saddr, has_ip6 },
	{ "ip6_daddr", set_ip6_daddr, has_ip6 },
	{ "ip_ttl", set_ttl, has_ip },
	{ "swap_ip", swap_ip, has_ip },
	{ "sport", set_sport, has_ports },
	{ "dport", set_dport, has_ports },
	{ "swap_ports", swap_ports, has_ports },
	{ "tcp_seq", set_seq, has_tcp },
	{ "tcp_ack", set_ack, has_tcp },
	{ "tcp_flags", set_flags, has_tcp },
	{ "tcp_window", set_window, has_tcp },
	{ "tcp_mss", set_mss, has_mss },
	{ "tcp_ts", set_ts, has_ts },
};

#define NR_SETTERS (sizeof(setters) / sizeof(setters[0]))

/*
 * Apply every setter, many times with random values, to every frame, in
 * full and in partial mode, and compare each checksum with one computed
 * from scratch.
 */
static void test_setters(bool partial)
{
	struct vtl_pkt pkt;
	unsigned int i, s, round;
	u16 before, udp0;
	struct tf f;
	int err;

	for (i = 0; i < NR_FRAMES; i++) {
		tap_begin();
		tf_build(&f, &frames[i]);
		if (partial && f.check)
			wr16(f.b + f.check, ref_l4_seed(&f));
		udp0 = frames[i].udp_nocsum;
		for (round = 0; round < 40; round++) {
			for (s = 0; s < NR_SETTERS; s++) {
				EXPECT_EQ(parse_tf(&pkt, &f), 0);
				if (partial)
					pkt.flags |= VTL_PKT_CSUM_PARTIAL;
				before = f.check ? rd16(f.b + f.check) : 0;
				err = setters[s].apply(&pkt, rnd());
				if (!setters[s].applies(&pkt)) {
					EXPECT_EQ(err, -EINVAL);
					continue;
				}
				EXPECT_EQ(err, 0);
				if (err)
					continue;
				if (!f.v6 && rd16(f.b + f.l3 + 10) !=
					     ref_ip4_csum(&f)) {
					printf("# %s: ip checksum\n",
					       setters[s].name);
					tap_group_ok = false;
				}
				if (!f.check)
					continue;
				if (udp0 && !partial) {
					EXPECT_EQ(rd16(f.b + f.check), 0);
				} else if (partial && f.proto == IPPROTO_ICMP) {
					EXPECT_EQ(rd16(f.b + f.check), before);
				} else if (partial) {
					if (!ref_eq16(rd16(f.b + f.check),
						      ref_l4_seed(&f))) {
						printf("# %s: seed %#x != %#x\n",
						       setters[s].name,
						       rd16(f.b + f.check),
						       ref_l4_seed(&f));
						tap_group_ok = false;
					}
				} else if (!ref_eq16(rd16(f.b + f.check),
						     ref_l4_csum(&f))) {
					printf("# %s: l4 %#x != %#x\n",
					       setters[s].name,
					       rd16(f.b + f.check),
					       ref_l4_csum(&f));
					tap_group_ok = false;
				}
				if (!(udp0 && !partial))
					EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt),
						 0);
			}
		}
		tap_end("setters %s mode: %s", partial ? "partial" : "full",
		    frames[i].name);
	}
}

/* A UDP checksum that comes out as 0 is sent as 0xffff. */
static void test_udp_mangled_zero(void)
{
	static const struct tf_opts o = { .proto = IPPROTO_UDP, .payload = 9 };
	struct vtl_pkt pkt;
	struct tf f;
	u32 port;

	tap_begin();
	tf_build(&f, &o);
	for (port = 0; port < 0x10000; port++) {
		wr16(f.b + f.l4, port);
		wr16(f.b + f.check, 0);
		if (ref_fold(ref_sum(f.b + f.l4, f.l3_end - f.l4,
				     ref_pseudo(&f))) == 0xffff)
			break;
	}
	EXPECT(port < 0x10000);
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(vtl_pkt_set_sport(&pkt, cpu_to_be16(port)), 0);
	EXPECT_EQ(rd16(f.b + f.check), 0xffff);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
	/* and from scratch */
	EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), 0);
	EXPECT_EQ(rd16(f.b + f.check), 0xffff);
	tap_end("udp: a computed 0 is sent as 0xffff");

	tap_begin();
	tf_build(&f, &frames[5]);	/* ipv4-udp-nocsum */
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
	EXPECT_EQ(vtl_pkt_set_ip4_daddr(&pkt, cpu_to_be32(0x08080808)), 0);
	EXPECT_EQ(vtl_pkt_set_dport(&pkt, cpu_to_be16(5)), 0);
	EXPECT_EQ(rd16(f.b + f.check), 0);
	tap_end("udp over ipv4 without checksum stays without");

	tap_begin();
	tf_build(&f, &frames[11]);	/* ipv6-udp-vlan */
	wr16(f.b + f.check, 0);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -EBADMSG);
	tap_end("udp over ipv6 without checksum is bad");
}

/* Full checksum computation and verification against the reference. */
static void test_csum_fill(void)
{
	struct vtl_pkt pkt;
	unsigned int i;
	struct tf f;
	u16 good;

	for (i = 0; i < NR_FRAMES; i++) {
		tap_begin();
		tf_build(&f, &frames[i]);
		if (!f.check || frames[i].udp_nocsum) {
			tap_end("checksum fill/check: %s # SKIP no checksum",
			    frames[i].name);
			continue;
		}
		good = rd16(f.b + f.check);
		EXPECT_EQ(parse_tf(&pkt, &f), 0);
		wr16(f.b + f.check, good ^ 0x1234);
		EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -EBADMSG);
		EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), 0);
		EXPECT(ref_eq16(rd16(f.b + f.check), good));
		EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
		if (!f.v6) {
			f.b[f.l3 + 10] ^= 0x40;
			EXPECT_EQ(vtl_pkt_ip4_csum_check(&pkt), -EBADMSG);
			EXPECT_EQ(vtl_pkt_ip4_csum_fill(&pkt), 0);
			EXPECT_EQ(rd16(f.b + f.l3 + 10), ref_ip4_csum(&f));
			EXPECT_EQ(vtl_pkt_ip4_csum_check(&pkt), 0);
		} else {
			EXPECT_EQ(vtl_pkt_ip4_csum_fill(&pkt), -EINVAL);
		}
		/* partial mode: the seed */
		pkt.flags |= VTL_PKT_CSUM_PARTIAL;
		EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -EBADMSG);
		EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), 0);
		EXPECT_EQ(rd16(f.b + f.check), ref_l4_seed(&f));
		EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), 0);
		/* not all readable */
		pkt.flags &= ~VTL_PKT_CSUM_PARTIAL;
		if (pkt.l4_end > pkt.payload_off) {
			pkt.len = pkt.l4_end - 1;
			EXPECT_EQ(vtl_pkt_l4_csum_check(&pkt), -ENODATA);
			EXPECT_EQ(vtl_pkt_l4_csum_fill(&pkt), -ENODATA);
			EXPECT_EQ(pkt.need, pkt.l4_end);
		}
		tap_end("checksum fill/check: %s", frames[i].name);
	}

	/* the arithmetic itself, on odd lengths and offsets too */
	tap_begin();
	for (i = 0; i < 2000; i++) {
		u8 buf[301];
		u32 len = rnd() % sizeof(buf), j, sum;

		for (j = 0; j < len; j++)
			buf[j] = (u8)rnd();
		sum = vtl_pkt_csum_bytes(buf, len, 0);
		EXPECT_EQ(be16_to_cpu((__force __be16)vtl_pkt_csum_fold(sum)),
			 (u16)~ref_fold(ref_sum(buf, len, 0)));
	}
	EXPECT_EQ(vtl_pkt_csum_add(0xffffffff, 1), 1);
	EXPECT_EQ(vtl_pkt_csum_add(0x80000000, 0x80000000), 1);
	tap_end("checksum arithmetic");
}

static void test_gso(void)
{
	static const struct tf_opts o = { .proto = IPPROTO_TCP,
		.payload = 1000 };
	struct vtl_pkt pkt;
	struct tf f;

	tap_begin();
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	pkt.flags |= VTL_PKT_CSUM_PARTIAL | VTL_PKT_GSO;
	EXPECT_EQ(vtl_pkt_set_tcp_flags(&pkt, VTL_TCP_ACK | VTL_TCP_SYN),
		 -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_set_tcp_flags(&pkt, VTL_TCP_ACK | VTL_TCP_RST),
		 -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_set_tcp_flags(&pkt, VTL_TCP_ACK | VTL_TCP_FIN), 0);
	EXPECT_EQ(vtl_pkt_tcp_flags(&pkt), VTL_TCP_ACK | VTL_TCP_FIN);
	tap_end("gso: SYN and RST are refused, FIN is fine");
}

/*
 * A built frame, parsed as @out, as a struct tf for frames.c's reference
 * checksums: its L4 protocol @proto, its checksum @check bytes into L4.
 */
static void tf_of_built(struct tf *f, const u8 *buf, int len,
			const struct vtl_pkt *out, u8 proto, u32 check)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, buf, len);
	f->len = len;
	f->l3 = out->l3_off;
	f->l4 = out->l4_off;
	f->l3_end = out->l3_end;
	f->check = out->l4_off + check;
	f->v6 = out->flags & VTL_PKT_IPV6;
	f->proto = proto;
}

/* Parse a built frame and check what every builder guarantees. */
static void check_built(u8 *buf, int len, struct vtl_pkt *out)
{
	struct tf f;

	EXPECT(len > 0);
	if (len <= 0)
		return;
	EXPECT_EQ(vtl_pkt_parse(out, buf, len, len), 0);
	if (!(out->flags & VTL_PKT_TCP))
		return;
	/* check against the reference, through a struct tf */
	tf_of_built(&f, buf, len, out, IPPROTO_TCP, 16);
	EXPECT_EQ(rd16(f.b + f.check), ref_l4_csum(&f));
	if (!f.v6) {
		EXPECT_EQ(rd16(f.b + f.l3 + 10), ref_ip4_csum(&f));
		EXPECT_EQ(rd16(f.b + f.l3 + 6), 0x4000);
	}
	EXPECT_EQ(vtl_pkt_l4_csum_check(out), 0);
}

/*
 * Headers only (payload_ext), the payload to follow from elsewhere: the
 * same headers as the whole frame's, with its lengths and partial checksum,
 * and not a byte written past them.
 */
static void test_build_tcp_ext(struct vtl_pkt_tcp *t, const char *payload,
			       u32 plen)
{
	u8 whole[VTL_PKT_TCP_BUILD_HLEN + 64], hdrs[VTL_PKT_TCP_BUILD_HLEN + 64];
	struct vtl_pkt out;
	unsigned int v6;
	int len, hlen;

	for (v6 = 0; v6 < 2; v6++) {
		tap_begin();
		t->ipv6 = v6;
		t->nr_vlan = v6;
		t->vlan_proto[0] = cpu_to_be16(ETH_P_8021Q);
		t->opts = VTL_PKT_TCP_TS;
		t->flags = VTL_TCP_ACK | VTL_TCP_PSH;
		t->csum_partial = true;
		t->payload = payload;
		t->payload_len = plen;
		t->payload_ext = false;
		len = vtl_pkt_build_tcp(whole, sizeof(whole), t);
		EXPECT(len > 0);
		hlen = len - (int)plen;
		t->payload = NULL;
		t->payload_ext = true;
		EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, t), len);
		EXPECT_EQ(vtl_pkt_build_tcp(hdrs, hlen - 1, t), -ENOSPC);
		memset(hdrs, 0xa5, sizeof(hdrs));
		EXPECT_EQ(vtl_pkt_build_tcp(hdrs, hlen, t), len);
		EXPECT(!memcmp(hdrs, whole, hlen));
		EXPECT_EQ(hdrs[hlen], 0xa5);
		EXPECT_EQ(vtl_pkt_parse(&out, hdrs, hlen, len), 0);
		EXPECT_EQ(out.payload_off, (u32)hlen);
		EXPECT_EQ(vtl_pkt_payload_len(&out), plen);
		t->csum_partial = false;
		EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, t), -EINVAL);
		t->payload_ext = false;
		tap_end("build tcp %s: headers only, the payload elsewhere",
		    v6 ? "ipv6" : "ipv4");
	}
}

static void test_build_tcp(void)
{
	static const char payload[] = "GET / HTTP/1.0\r\n\r\n";
	struct vtl_pkt_tcp t = {
		.eth_dst = { 2, 0, 0, 0, 0, 0xa },
		.eth_src = { 2, 0, 0, 0, 0, 0xb },
		.ttl = 63,
		.tos = 0x10,
		.ip_id = 777,
		.seq = 0xfffffff0,
		.ack = 12345,
		.flags = VTL_TCP_SYN | VTL_TCP_ACK,
		.window = 29200,
		.opts = VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE |
			VTL_PKT_TCP_SACKOK | VTL_PKT_TCP_TS,
		.mss = 1400,
		.wscale = 9,
		.tsval = 0xdeadbeef,
		.tsecr = 42,
	};
	u8 buf[VTL_PKT_TCP_BUILD_HLEN + sizeof(payload)];
	struct vtl_pkt out;
	unsigned int v6, opts;
	int len;

	t.sport = cpu_to_be16(40000);
	t.dport = cpu_to_be16(443);
	t.saddr.ip4 = cpu_to_be32(0xc0000201);
	t.daddr.ip4 = cpu_to_be32(0xc6336402);
	for (v6 = 0; v6 < 2; v6++) {
		for (opts = 0; opts < 16; opts++) {
			tap_begin();
			t.ipv6 = v6;
			if (v6) {
				addr6_of(t.saddr.ip6, 1);
				addr6_of(t.daddr.ip6, 2);
			}
			t.opts = (opts & 1 ? VTL_PKT_TCP_MSS : 0) |
				 (opts & 2 ? VTL_PKT_TCP_WSCALE : 0) |
				 (opts & 4 ? VTL_PKT_TCP_SACKOK : 0) |
				 (opts & 8 ? VTL_PKT_TCP_TS : 0);
			t.nr_vlan = opts % 3;
			t.vlan_proto[0] = cpu_to_be16(ETH_P_8021AD);
			t.vlan_proto[1] = cpu_to_be16(ETH_P_8021Q);
			t.vlan_tci[0] = cpu_to_be16(7);
			t.vlan_tci[1] = cpu_to_be16(8);
			t.payload = opts & 1 ? payload : NULL;
			t.payload_len = opts & 1 ? sizeof(payload) : 0;

			len = vtl_pkt_build_tcp(NULL, 0, &t);
			EXPECT(len > 0 && (u32)len <= sizeof(buf));
			EXPECT_EQ(vtl_pkt_build_tcp(buf, len - 1, &t),
				 -ENOSPC);
			memset(buf, 0xa5, sizeof(buf));
			EXPECT_EQ(vtl_pkt_build_tcp(buf, sizeof(buf), &t), len);
			check_built(buf, len, &out);
			EXPECT_EQ(out.nr_vlan, t.nr_vlan);
			if (t.nr_vlan)
				EXPECT_EQ(vtl_pkt_vlan_tci(&out, 0), 7);
			if (t.nr_vlan > 1)
				EXPECT_EQ(vtl_pkt_vlan_proto(&out, 1),
					 cpu_to_be16(ETH_P_8021Q));
			EXPECT(!memcmp(vtl_pkt_eth_dst(&out), t.eth_dst, 6));
			EXPECT(!memcmp(vtl_pkt_eth_src(&out), t.eth_src, 6));
			if (v6) {
				EXPECT(!memcmp(vtl_pkt_ip6_saddr(&out),
					      t.saddr.ip6, 16));
				EXPECT_EQ(out.data[out.l3_off + 1], 0);
				EXPECT_EQ(out.data[out.l3_off], 0x61);
			} else {
				EXPECT_EQ(vtl_pkt_ip4_saddr(&out), t.saddr.ip4);
				EXPECT_EQ(vtl_pkt_ip4_daddr(&out), t.daddr.ip4);
				EXPECT_EQ(vtl_pkt_ip4_id(&out), 777);
				EXPECT_EQ(out.data[out.l3_off + 1], 0x10);
			}
			EXPECT_EQ(vtl_pkt_ip_ttl(&out), 63);
			EXPECT_EQ(vtl_pkt_sport(&out), t.sport);
			EXPECT_EQ(vtl_pkt_dport(&out), t.dport);
			EXPECT_EQ(vtl_pkt_tcp_seq(&out), t.seq);
			EXPECT_EQ(vtl_pkt_tcp_ack(&out), t.ack);
			EXPECT_EQ(vtl_pkt_tcp_flags(&out), t.flags);
			EXPECT_EQ(vtl_pkt_tcp_window(&out), t.window);
			EXPECT_EQ(out.flags & (VTL_PKT_TCP_MSS |
					      VTL_PKT_TCP_WSCALE |
					      VTL_PKT_TCP_SACKOK |
					      VTL_PKT_TCP_TS), t.opts);
			if (t.opts & VTL_PKT_TCP_MSS)
				EXPECT_EQ(out.tcp_mss, 1400);
			if (t.opts & VTL_PKT_TCP_WSCALE)
				EXPECT_EQ(out.tcp_wscale, 9);
			if (t.opts & VTL_PKT_TCP_TS) {
				EXPECT_EQ(out.tcp_tsval, 0xdeadbeef);
				EXPECT_EQ(out.tcp_tsecr, 42);
			}
			EXPECT_EQ(vtl_pkt_payload_len(&out), t.payload_len);
			if (t.payload_len)
				EXPECT(!memcmp(out.data + out.payload_off,
					      payload, sizeof(payload)));
			tap_end("build tcp %s opts %#x", v6 ? "ipv6" : "ipv4",
			    opts);
		}
	}

	tap_begin();
	t.nr_vlan = 3;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), -EINVAL);
	t.nr_vlan = 2;
	t.vlan_proto[1] = cpu_to_be16(ETH_P_IP);
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), -EINVAL);
	t.nr_vlan = 0;
	t.opts = VTL_PKT_ARP;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), -EINVAL);
	t.opts = 0;
	t.payload = NULL;
	t.payload_len = 1;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), -EINVAL);
	t.payload = payload;
	t.ipv6 = false;
	t.payload_len = 0xffff - 40 + 1;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), -EMSGSIZE);
	t.payload_len = 0xffff - 40;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), 14 + 0xffff);
	t.ipv6 = true;
	t.payload_len = 0xffff - 20;
	EXPECT_EQ(vtl_pkt_build_tcp(NULL, 0, &t), 14 + 40 + 0xffff);
	tap_end("build tcp: bad arguments");

	test_build_tcp_ext(&t, payload, sizeof(payload));
}

static void test_build_replies(void)
{
	static const struct {
		const char *name;
		struct tf_opts o;
	} segs[] = {
		{ "ipv4 ack+data+ts qinq", { .nr_vlan = 2,
			.proto = IPPROTO_TCP, .tcp_opts = true,
			.payload = 100 } },
		{ "ipv6 ack+fin", { .v6 = true, .proto = IPPROTO_TCP,
			.v6_ext = TF_EXT_DST,
			.tcp_flags = VTL_TCP_ACK | VTL_TCP_FIN,
			.payload = 10 } },
		{ "ipv4 syn", { .proto = IPPROTO_TCP, .tcp_opts = true,
			.tcp_flags = VTL_TCP_SYN } },
		{ "ipv4 rst", { .proto = IPPROTO_TCP,
			.tcp_flags = VTL_TCP_RST | VTL_TCP_ACK } },
	};
	u8 buf[VTL_PKT_TCP_BUILD_HLEN];
	struct vtl_pkt seg, out;
	unsigned int i;
	struct tf f;
	u8 flags;
	int len;

	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		tap_begin();
		tf_build(&f, &segs[i].o);
		EXPECT_EQ(parse_tf(&seg, &f), 0);
		flags = vtl_pkt_tcp_flags(&seg);

		/* ACK */
		len = vtl_pkt_build_tcp_ack(buf, sizeof(buf), &seg, 512,
					    0x1234);
		if (!(flags & VTL_TCP_ACK) || (flags & VTL_TCP_RST)) {
			EXPECT_EQ(len, -EINVAL);
		} else {
			EXPECT_EQ(vtl_pkt_build_tcp_ack(NULL, 0, &seg, 0, 0),
				 len);
			EXPECT_EQ(vtl_pkt_build_tcp_ack(buf, len - 1, &seg, 0,
						       0), -ENOSPC);
			check_built(buf, len, &out);
			EXPECT(!memcmp(vtl_pkt_eth_dst(&out), f.b + 6, 6));
			EXPECT(!memcmp(vtl_pkt_eth_src(&out), f.b, 6));
			EXPECT_EQ(out.nr_vlan, seg.nr_vlan);
			EXPECT_EQ(vtl_pkt_vlan_tci(&out, 1),
				 vtl_pkt_vlan_tci(&seg, 1));
			EXPECT_EQ(vtl_pkt_vlan_proto(&out, 0),
				 vtl_pkt_vlan_proto(&seg, 0));
			EXPECT_EQ(vtl_pkt_sport(&out), vtl_pkt_dport(&seg));
			EXPECT_EQ(vtl_pkt_dport(&out), vtl_pkt_sport(&seg));
			if (f.v6)
				EXPECT(!memcmp(vtl_pkt_ip6_saddr(&out),
					      vtl_pkt_ip6_daddr(&seg), 16));
			else
				EXPECT_EQ(vtl_pkt_ip4_saddr(&out),
					 vtl_pkt_ip4_daddr(&seg));
			EXPECT_EQ(vtl_pkt_tcp_seq(&out), vtl_pkt_tcp_ack(&seg));
			EXPECT_EQ(vtl_pkt_tcp_ack(&out),
				 vtl_pkt_tcp_seq(&seg) + segs[i].o.payload +
				 !!(flags & VTL_TCP_FIN));
			EXPECT_EQ(vtl_pkt_tcp_flags(&out), VTL_TCP_ACK);
			EXPECT_EQ(vtl_pkt_tcp_window(&out), 512);
			EXPECT_EQ(vtl_pkt_payload_len(&out), 0);
			if (seg.flags & VTL_PKT_TCP_TS) {
				EXPECT(out.flags & VTL_PKT_TCP_TS);
				EXPECT_EQ(out.tcp_tsval, 0x1234);
				EXPECT_EQ(out.tcp_tsecr, seg.tcp_tsval);
			} else {
				EXPECT(!(out.flags & VTL_PKT_TCP_TS));
			}
		}

		/* RST */
		len = vtl_pkt_build_tcp_rst(buf, sizeof(buf), &seg);
		if (flags & VTL_TCP_RST) {
			EXPECT_EQ(len, -EINVAL);
		} else {
			check_built(buf, len, &out);
			EXPECT_EQ(vtl_pkt_sport(&out), vtl_pkt_dport(&seg));
			EXPECT_EQ(vtl_pkt_payload_len(&out), 0);
			EXPECT(!(out.flags & VTL_PKT_TCP_TS));
			if (flags & VTL_TCP_ACK) {
				EXPECT_EQ(vtl_pkt_tcp_flags(&out), VTL_TCP_RST);
				EXPECT_EQ(vtl_pkt_tcp_seq(&out),
					 vtl_pkt_tcp_ack(&seg));
			} else {
				EXPECT_EQ(vtl_pkt_tcp_flags(&out),
					 VTL_TCP_RST | VTL_TCP_ACK);
				EXPECT_EQ(vtl_pkt_tcp_seq(&out), 0);
				EXPECT_EQ(vtl_pkt_tcp_ack(&out),
					 vtl_pkt_tcp_seq(&seg) +
					 vtl_pkt_tcp_seg_len(&seg));
				EXPECT_EQ(vtl_pkt_tcp_seg_len(&seg), 1);
			}
		}

		/* in place, over the segment itself */
		if (!(flags & VTL_TCP_RST)) {
			int want = vtl_pkt_build_tcp_rst(NULL, 0, &seg);

			len = vtl_pkt_build_tcp_rst(f.b, sizeof(f.b), &seg);
			EXPECT_EQ(len, want);
			EXPECT(len <= 0 || !memcmp(buf, f.b, len));
		}
		tap_end("build replies: %s", segs[i].name);
	}

	tap_begin();
	tf_build(&f, &frames[4]);	/* udp */
	EXPECT_EQ(parse_tf(&seg, &f), 0);
	EXPECT_EQ(vtl_pkt_build_tcp_ack(NULL, 0, &seg, 0, 0), -EINVAL);
	EXPECT_EQ(vtl_pkt_build_tcp_rst(NULL, 0, &seg), -EINVAL);
	tap_end("build replies: not tcp");
}

static u32 arp_frame(u8 *b, int nr_vlan, u16 op)
{
	static const u8 sha[6] = { 2, 0, 0, 0, 0, 0x11 };
	u32 off = 12;
	int i;

	memset(b, 0xff, 6);
	memcpy(b + 6, sha, 6);
	for (i = 0; i < nr_vlan; i++, off += 4) {
		wr16(b + off, ETH_P_8021Q);
		wr16(b + off + 2, 5 + i);
	}
	wr16(b + off, ETH_P_ARP);
	off += 2;
	wr16(b + off, 1);
	wr16(b + off + 2, ETH_P_IP);
	b[off + 4] = 6;
	b[off + 5] = 4;
	wr16(b + off + 6, op);
	memcpy(b + off + 8, sha, 6);
	wr32(b + off + 14, 0x0a000005);
	memset(b + off + 18, 0, 6);
	wr32(b + off + 24, 0x0a000001);
	/* padded to the Ethernet minimum */
	memset(b + off + 28, 0, 60 - (off + 28) > 0 ? 60 - (off + 28) : 0);
	return off + 28 > 60 ? off + 28 : 60;
}

static void test_arp(void)
{
	static const u8 mac[6] = { 2, 0, 0, 0, 0, 0x22 };
	struct vtl_pkt req, out;
	u8 b[80], buf[80];
	int nr_vlan, len;
	u32 flen;

	for (nr_vlan = 0; nr_vlan <= 2; nr_vlan++) {
		tap_begin();
		flen = arp_frame(b, nr_vlan, VTL_PKT_ARP_REQUEST);
		EXPECT_EQ(vtl_pkt_parse(&req, b, flen, flen), 0);
		EXPECT_EQ(req.flags, VTL_PKT_ARP);
		EXPECT_EQ(req.l3_off, 14 + 4 * nr_vlan);
		EXPECT_EQ(req.l3_end, req.l3_off + 28);
		EXPECT_EQ(vtl_pkt_payload_len(&req), 0);
		EXPECT_EQ(vtl_pkt_arp_op(&req), VTL_PKT_ARP_REQUEST);
		EXPECT_EQ(vtl_pkt_arp_spa(&req), cpu_to_be32(0x0a000005));
		EXPECT_EQ(vtl_pkt_arp_tpa(&req), cpu_to_be32(0x0a000001));
		EXPECT(!memcmp(vtl_pkt_arp_sha(&req), b + 6, 6));

		len = vtl_pkt_build_arp_reply(buf, sizeof(buf), &req, mac);
		EXPECT_EQ(len, (int)req.l3_off + 28);
		EXPECT_EQ(vtl_pkt_build_arp_reply(NULL, 0, &req, mac), len);
		EXPECT_EQ(vtl_pkt_build_arp_reply(buf, len - 1, &req, mac),
			 -ENOSPC);
		EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len), 0);
		EXPECT_EQ(out.flags, VTL_PKT_ARP);
		EXPECT_EQ(out.nr_vlan, nr_vlan);
		EXPECT_EQ(vtl_pkt_vlan_tci(&out, 0), nr_vlan ? 5 : 0);
		EXPECT(!memcmp(vtl_pkt_eth_dst(&out), b + 6, 6));
		EXPECT(!memcmp(vtl_pkt_eth_src(&out), mac, 6));
		EXPECT_EQ(vtl_pkt_arp_op(&out), VTL_PKT_ARP_REPLY);
		EXPECT(!memcmp(vtl_pkt_arp_sha(&out), mac, 6));
		EXPECT_EQ(vtl_pkt_arp_spa(&out), cpu_to_be32(0x0a000001));
		EXPECT(!memcmp(vtl_pkt_arp_tha(&out), b + 6, 6));
		EXPECT_EQ(vtl_pkt_arp_tpa(&out), cpu_to_be32(0x0a000005));

		/* in place, with @mac inside the request */
		EXPECT_EQ(vtl_pkt_build_arp_reply(b, sizeof(b), &req,
						  b + req.l3_off + 18), len);
		EXPECT_EQ(vtl_pkt_parse(&out, b, len, len), 0);
		EXPECT_EQ(vtl_pkt_arp_tpa(&out), cpu_to_be32(0x0a000005));
		EXPECT(!memcmp(vtl_pkt_arp_sha(&out), "\0\0\0\0\0\0", 6));

		/* the setters */
		EXPECT_EQ(vtl_pkt_set_arp_op(&out, 7), 0);
		EXPECT_EQ(vtl_pkt_arp_op(&out), 7);
		EXPECT_EQ(vtl_pkt_set_arp_sha(&out, mac), 0);
		EXPECT_EQ(vtl_pkt_set_arp_tha(&out, mac), 0);
		EXPECT(!memcmp(vtl_pkt_arp_tha(&out), mac, 6));
		EXPECT_EQ(vtl_pkt_set_arp_spa(&out, cpu_to_be32(1)), 0);
		EXPECT_EQ(vtl_pkt_set_arp_tpa(&out, cpu_to_be32(2)), 0);
		EXPECT_EQ(vtl_pkt_arp_spa(&out), cpu_to_be32(1));
		EXPECT_EQ(vtl_pkt_arp_tpa(&out), cpu_to_be32(2));
		EXPECT_EQ(vtl_pkt_build_arp_reply(NULL, 0, &out, mac), -EINVAL);
		tap_end("arp request and reply, %d vlan tags", nr_vlan);
	}

	tap_begin();
	flen = arp_frame(b, 0, VTL_PKT_ARP_REQUEST);
	b[18] = 8;	/* not Ethernet/IPv4: left unparsed */
	EXPECT_EQ(vtl_pkt_parse(&req, b, flen, flen), 0);
	EXPECT_EQ(req.flags, 0);
	EXPECT_EQ(vtl_pkt_arp_op(&req), 0);
	EXPECT(!vtl_pkt_arp_sha(&req));
	EXPECT_EQ(vtl_pkt_set_arp_op(&req, 1), -EINVAL);
	EXPECT_EQ(vtl_pkt_build_arp_reply(NULL, 0, &req, mac), -EINVAL);
	tap_end("arp: other hardware types are left alone");
}

/*
 * A neighbour solicitation from fe80::11 (MAC 02:..:11) for 2001:db8::1,
 * with @nr_vlan tags, hop limit @hop, code @code, source @src (NULL: the
 * default) and the source link-layer address option; its checksum is the
 * textbook one.  Only @icmp_len bytes of the ICMPv6 message are counted in
 * the IPv6 payload length.
 */
static u32 ns_frame(u8 *b, int nr_vlan, u8 hop, u8 code, const u8 *src,
		    u32 icmp_len)
{
	static const u8 sha[6] = { 2, 0, 0, 0, 0, 0x11 };
	static const u8 from[16] = { 0xfe, 0x80, [15] = 0x11 };
	static const u8 target[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	u32 off = 12, l4, sum;
	u8 *ip;
	int i;

	/* to the solicited-node multicast address's MAC */
	memcpy(b, "\x33\x33\xff\x00\x00\x01", 6);
	memcpy(b + 6, sha, 6);
	for (i = 0; i < nr_vlan; i++, off += 4) {
		wr16(b + off, ETH_P_8021Q);
		wr16(b + off + 2, 5 + i);
	}
	wr16(b + off, ETH_P_IPV6);
	ip = b + off + 2;
	memset(ip, 0, 40 + 32);
	ip[0] = 0x60;
	wr16(ip + 4, icmp_len);
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = hop;
	memcpy(ip + 8, src ? src : from, 16);
	memcpy(ip + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\0\0\x01", 16);
	l4 = off + 2 + 40;
	b[l4] = 135;
	b[l4 + 1] = code;
	memcpy(b + l4 + 8, target, 16);
	b[l4 + 24] = 1;		/* source link-layer address */
	b[l4 + 25] = 1;
	memcpy(b + l4 + 26, sha, 6);
	sum = ref_sum(ip + 8, 32, icmp_len + IPPROTO_ICMPV6);
	wr16(b + l4 + 2, (u16)~ref_fold(ref_sum(b + l4, icmp_len, sum)));
	return l4 + icmp_len;
}

static void test_nd(void)
{
	static const u8 mac[6] = { 2, 0, 0, 0, 0, 0x22 };
	static const u8 unspec[16];
	struct vtl_pkt ns, out;
	u8 b[128], buf[128];
	const u8 *ip, *icmp;
	int nr_vlan, len;
	u32 flen, sum;

	for (nr_vlan = 0; nr_vlan <= 2; nr_vlan++) {
		tap_begin();
		flen = ns_frame(b, nr_vlan, 255, 0, NULL, 32);
		EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
		EXPECT(ns.flags & VTL_PKT_ICMPV6);
		EXPECT(vtl_pkt_nd_target(&ns, false) == b + ns.l4_off + 8);
		EXPECT(vtl_pkt_nd_target(&ns, true) == b + ns.l4_off + 8);

		len = vtl_pkt_build_nd_advert(buf, sizeof(buf), &ns, mac);
		EXPECT_EQ(len, (int)ns.l3_off + 40 + 32);
		EXPECT_EQ(vtl_pkt_build_nd_advert(NULL, 0, &ns, mac), len);
		EXPECT_EQ(vtl_pkt_build_nd_advert(buf, len - 1, &ns, mac),
			 -ENOSPC);
		EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len), 0);
		EXPECT_EQ(out.flags, VTL_PKT_IPV6 | VTL_PKT_ICMPV6);
		EXPECT_EQ(out.nr_vlan, nr_vlan);
		EXPECT_EQ(vtl_pkt_vlan_tci(&out, 0), nr_vlan ? 5 : 0);
		EXPECT(!memcmp(vtl_pkt_eth_dst(&out), b + 6, 6));
		EXPECT(!memcmp(vtl_pkt_eth_src(&out), mac, 6));
		ip = buf + out.l3_off;
		icmp = buf + out.l4_off;
		EXPECT_EQ(rd16(ip + 4), 32);
		EXPECT_EQ(ip[7], 255);
		EXPECT(!memcmp(ip + 8, b + ns.l4_off + 8, 16));
		EXPECT(!memcmp(ip + 24, b + ns.l3_off + 8, 16));
		EXPECT_EQ(icmp[0], 136);
		EXPECT_EQ(icmp[1], 0);
		EXPECT_EQ(icmp[4], 0x60);	/* Solicited, Override */
		EXPECT(!memcmp(icmp + 8, b + ns.l4_off + 8, 16));
		EXPECT_EQ(icmp[24], 2);		/* target link-layer address */
		EXPECT_EQ(icmp[25], 1);
		EXPECT(!memcmp(icmp + 26, mac, 6));
		sum = ref_sum(ip + 8, 32, 32 + IPPROTO_ICMPV6);
		EXPECT_EQ(ref_fold(ref_sum(icmp, 32, sum)), 0xffff);

		/* in place, with @mac inside the solicitation */
		memcpy(buf, b, flen);
		EXPECT_EQ(vtl_pkt_build_nd_advert(b, sizeof(b), &ns,
						  b + ns.l4_off + 26), len);
		EXPECT_EQ(vtl_pkt_parse(&out, b, len, len), 0);
		EXPECT(!memcmp(vtl_pkt_eth_dst(&out), buf + 6, 6));
		EXPECT(!memcmp(vtl_pkt_eth_src(&out), buf + 6, 6));
		EXPECT(!memcmp(b + out.l3_off + 24, buf + ns.l3_off + 8, 16));
		EXPECT(!memcmp(b + out.l4_off + 8, buf + ns.l4_off + 8, 16));
		/* an advertisement is not a solicitation */
		EXPECT(!vtl_pkt_nd_target(&out, true));
		EXPECT_EQ(vtl_pkt_build_nd_advert(NULL, 0, &out, mac), -EINVAL);
		tap_end("nd: solicitation and advertisement, %d vlan tags",
		    nr_vlan);
	}

	tap_begin();
	flen = ns_frame(b, 0, 64, 0, NULL, 32);	/* routed: forged */
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	EXPECT_EQ(vtl_pkt_build_nd_advert(NULL, 0, &ns, mac), -EINVAL);
	flen = ns_frame(b, 0, 255, 1, NULL, 32);
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	flen = ns_frame(b, 0, 255, 0, NULL, 20);	/* cut inside the target */
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(ns.flags & VTL_PKT_ICMPV6);
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	flen = ns_frame(b, 0, 255, 0, NULL, 32);
	EXPECT_EQ(vtl_pkt_parse(&ns, b, 14 + 40 + 20, flen), 0);	/* view */
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	flen = ns_frame(b, 0, 255, 0, NULL, 32);
	b[14 + 40 + 8] = 0xff;				/* multicast target */
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	EXPECT_EQ(vtl_pkt_build_nd_advert(NULL, 0, &ns, mac), -EINVAL);
	flen = arp_frame(b, 0, VTL_PKT_ARP_REQUEST);
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	tap_end("nd: forged, short and multicast solicitations unanswered");

	/*
	 * Duplicate address detection: answered by the address's owner only,
	 * to all nodes, not solicited; only to a solicited-node address.
	 */
	tap_begin();
	flen = ns_frame(b, 1, 255, 0, unspec, 32);
	EXPECT_EQ(vtl_pkt_parse(&ns, b, flen, flen), 0);
	EXPECT(!vtl_pkt_nd_target(&ns, false));
	EXPECT(vtl_pkt_nd_target(&ns, true) == b + ns.l4_off + 8);
	len = vtl_pkt_build_nd_advert(buf, sizeof(buf), &ns, mac);
	EXPECT_EQ(len, (int)ns.l3_off + 40 + 32);
	EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len), 0);
	EXPECT_EQ(out.flags, VTL_PKT_IPV6 | VTL_PKT_ICMPV6);
	EXPECT_EQ(vtl_pkt_vlan_tci(&out, 0), 5);
	EXPECT(!memcmp(vtl_pkt_eth_dst(&out), "\x33\x33\0\0\0\x01", 6));
	EXPECT(!memcmp(vtl_pkt_eth_src(&out), mac, 6));
	ip = buf + out.l3_off;
	icmp = buf + out.l4_off;
	EXPECT(!memcmp(ip + 8, b + ns.l4_off + 8, 16));
	EXPECT(!memcmp(ip + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16));
	EXPECT_EQ(icmp[0], 136);
	EXPECT_EQ(icmp[4], 0x20);	/* Override only */
	EXPECT(!memcmp(icmp + 26, mac, 6));
	sum = ref_sum(ip + 8, 32, 32 + IPPROTO_ICMPV6);
	EXPECT_EQ(ref_fold(ref_sum(icmp, 32, sum)), 0xffff);
	b[ns.l3_off + 24 + 12] = 0xfe;	/* not to a solicited-node address */
	EXPECT(!vtl_pkt_nd_target(&ns, true));
	EXPECT_EQ(vtl_pkt_build_nd_advert(NULL, 0, &ns, mac), -EINVAL);
	tap_end("nd: duplicate address detection answered only when asked");
}

/*
 * Check an ICMP port unreachable built for @f (parsed as @pkt, whose view
 * is @view bytes): parse it, compare every field with @f, and its checksums
 * with frames.c's reference.  @out is the parse.
 */
static void check_unreach(const u8 *buf, int len, const struct tf *f,
			  u32 view, struct vtl_pkt *out)
{
	u32 have = (view < f->l3_end ? view : f->l3_end) - f->l3;
	u32 max = f->v6 ? 1232 : 548, q = have < max ? have : max;
	const u8 *ip, *oip = f->b + f->l3;
	struct tf r;

	EXPECT_EQ(len, f->l3 + (f->v6 ? 40 : 20) + 8 + q);
	if (len <= 0)
		return;
	EXPECT_EQ(vtl_pkt_parse(out, (u8 *)buf, len, len), 0);
	EXPECT(out->flags & (f->v6 ? VTL_PKT_ICMPV6 : VTL_PKT_ICMP));
	EXPECT_EQ(out->l3_off, f->l3);
	EXPECT_EQ(out->l3_end, (u32)len);
	/* Ethernet swapped, the same tags */
	EXPECT(!memcmp(buf, f->b + 6, 6));
	EXPECT(!memcmp(buf + 6, f->b, 6));
	EXPECT(!memcmp(buf + 12, f->b + 12, f->l3 - 12));
	ip = buf + f->l3;
	if (f->v6) {
		EXPECT_EQ(rd32(ip), 0x60000000);	/* class and label 0 */
		EXPECT_EQ(rd16(ip + 4), 8 + q);
		EXPECT_EQ(ip[6], IPPROTO_ICMPV6);
		EXPECT_EQ(ip[7], 64);
		EXPECT(!memcmp(ip + 8, oip + 24, 16));
		EXPECT(!memcmp(ip + 24, oip + 8, 16));
		EXPECT_EQ(vtl_pkt_icmp_type(out), 1);
		EXPECT_EQ(vtl_pkt_icmp_code(out), 4);
	} else {
		EXPECT_EQ(ip[0], 0x45);
		EXPECT_EQ(ip[1], (oip[1] & 0x1e) | 0xc0);
		EXPECT_EQ(rd16(ip + 2), 28 + q);
		EXPECT_EQ(rd16(ip + 4), 0);	/* ID */
		EXPECT_EQ(rd16(ip + 6), 0);	/* DF clear, no fragment */
		EXPECT_EQ(ip[8], 64);
		EXPECT_EQ(ip[9], IPPROTO_ICMP);
		EXPECT_EQ(rd32(ip + 12), rd32(oip + 16));
		EXPECT_EQ(rd32(ip + 16), rd32(oip + 12));
		EXPECT_EQ(vtl_pkt_icmp_type(out), 3);
		EXPECT_EQ(vtl_pkt_icmp_code(out), 3);
		EXPECT_EQ(vtl_pkt_ip4_csum_check(out), 0);
	}
	EXPECT_EQ(rd32(buf + out->l4_off + 4), 0);	/* unused */
	EXPECT(!memcmp(buf + out->payload_off, oip, q));
	EXPECT_EQ(vtl_pkt_payload_len(out), q);
	EXPECT_EQ(vtl_pkt_l4_csum_check(out), 0);

	/* and against the reference */
	tf_of_built(&r, buf, len, out, f->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
		    2);
	EXPECT_EQ(rd16(r.b + r.check), ref_l4_csum(&r));
	if (!r.v6)
		EXPECT_EQ(rd16(r.b + r.l3 + 10), ref_ip4_csum(&r));
}

static void test_icmp_unreach(void)
{
	static const struct tf_opts pkts[] = {
		{ .name = "ipv4 tcp syn", .proto = IPPROTO_TCP,
		  .tcp_opts = true, .tcp_flags = VTL_TCP_SYN },
		{ .name = "ipv4 udp qinq ip options padded", .nr_vlan = 2,
		  .proto = IPPROTO_UDP, .ip4_optlen = 12, .payload = 30,
		  .pad = 10 },
		{ .name = "ipv4 icmp echo vlan", .nr_vlan = 1,
		  .proto = IPPROTO_ICMP, .payload = 56 },
		{ .name = "ipv4 gre first fragment", .proto = 47,
		  .ip4_frag = 0x2000, .payload = 3 },
		{ .name = "ipv6 tcp vlan", .nr_vlan = 1, .v6 = true,
		  .proto = IPPROTO_TCP, .payload = 100 },
		{ .name = "ipv6 udp qinq ext", .nr_vlan = 2, .v6 = true,
		  .proto = IPPROTO_UDP, .v6_ext = TF_EXT_HBH | TF_EXT_DST |
		  TF_EXT_RT | TF_EXT_FRAG | TF_EXT_AH, .payload = 20 },
		{ .name = "ipv6 icmpv6 echo", .v6 = true,
		  .proto = IPPROTO_ICMPV6, .payload = 8 },
	};
	static u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX], big[3000];
	struct vtl_pkt pkt, out;
	unsigned int i, shift;
	struct tf f;
	int len;

	for (i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		tap_begin();
		tf_build(&f, &pkts[i]);
		/* a TOS whose precedence bits are replaced */
		if (!f.v6) {
			f.b[f.l3 + 1] = 0x2f;
			wr16(f.b + f.l3 + 10, ref_ip4_csum(&f));
		}
		EXPECT_EQ(parse_tf(&pkt, &f), 0);
		len = vtl_pkt_build_icmp_unreach(NULL, 0, &pkt);
		EXPECT_EQ(vtl_pkt_build_icmp_unreach(buf, len - 1, &pkt),
			 -ENOSPC);
		EXPECT_EQ(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt),
			 len);
		check_unreach(buf, len, &f, f.len, &out);
		if (!f.v6)
			EXPECT_EQ(buf[f.l3 + 1], 0xce);

		/* over the packet, and overlapping it either way */
		for (shift = 0; shift < 3; shift++) {
			u32 at = shift == 1 ? 40 : 0;
			u32 to = shift == 2 ? 40 : 0;

			memcpy(big + at, f.b, f.len);
			EXPECT_EQ(vtl_pkt_parse(&pkt, big + at, f.len, f.len),
				 0);
			EXPECT_EQ(vtl_pkt_build_icmp_unreach(big + to,
							    sizeof(big) - to,
							    &pkt), len);
			EXPECT(!memcmp(big + to, buf, len));
		}

		/* the quote ends with the readable bytes */
		EXPECT_EQ(vtl_pkt_parse(&pkt, f.b, f.payload, f.len), 0);
		len = vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt);
		check_unreach(buf, len, &f, f.payload, &out);
		tap_end("icmp unreachable: %s", pkts[i].name);
	}
}

/* A packet bigger than an ICMP error may quote. */
static void test_icmp_unreach_big(void)
{
	static u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_pkt pkt, out;
	int v6, len, d;
	struct tf f;

	for (v6 = 0; v6 < 2; v6++) {
		struct tf_opts o = { .v6 = v6, .nr_vlan = 2,
				     .proto = IPPROTO_UDP, .payload = 1900 };

		tap_begin();
		tf_build(&f, &o);
		EXPECT_EQ(parse_tf(&pkt, &f), 0);
		len = vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt);
		check_unreach(buf, len, &f, f.len, &out);
		EXPECT_EQ(len - f.l3, v6 ? 1280 : 576);
		EXPECT_EQ(vtl_pkt_payload_len(&out), v6 ? 1232 : 548);
		if (v6)
			EXPECT_EQ(len, VTL_PKT_ICMP_ERR_BUILD_MAX);
		EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), len);
		EXPECT_EQ(vtl_pkt_build_icmp_unreach(buf, len - 1, &pkt),
			 -ENOSPC);
		/* around the limit, to the byte */
		for (d = -1; d <= 1; d++) {
			o.payload = (v6 ? 1232 - 48 : 548 - 28) + d;
			tf_build(&f, &o);
			EXPECT_EQ(parse_tf(&pkt, &f), 0);
			len = vtl_pkt_build_icmp_unreach(buf, sizeof(buf),
							 &pkt);
			check_unreach(buf, len, &f, f.len, &out);
			EXPECT_EQ(len - f.l3,
				 (v6 ? 1280 : 576) + (d < 0 ? d : 0));
		}
		tap_end("icmp unreachable: %s quote within %d bytes",
		    v6 ? "ipv6" : "ipv4", v6 ? 1280 : 576);
	}
}

/* Build for @f, changed by @at[0..n) = @val; expect @err, or success. */
static void unreach_refused(struct tf *f, u32 at, const u8 *val, u32 n,
			    int err)
{
	u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_pkt pkt;
	int len;

	memcpy(f->b + at, val, n);
	EXPECT_EQ(parse_tf(&pkt, f), 0);
	len = vtl_pkt_build_icmp_unreach(NULL, 0, &pkt);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt), len);
	if (err)
		EXPECT_EQ(len, err);
	else
		EXPECT(len > 0);
}

static void test_icmp_unreach_refused(void)
{
	static const struct {
		const char *name;
		bool v6;
		u32 off;	/* from the IP header */
		u8 val[4];
		u32 n;
		int err;
	} cases[] = {
		{ "ipv4 source 0.0.0.0", false, 12, { 0, 0, 0, 0 }, 4,
		  -EINVAL },
		{ "ipv4 source 0.1.2.3", false, 12, { 0, 1, 2, 3 }, 4,
		  -EINVAL },
		{ "ipv4 source 127.0.0.1", false, 12, { 127, 0, 0, 1 }, 4,
		  -EINVAL },
		{ "ipv4 source 224.0.0.1", false, 12, { 224, 0, 0, 1 }, 4,
		  -EINVAL },
		{ "ipv4 source 239.1.1.1", false, 12, { 239, 1, 1, 1 }, 4,
		  -EINVAL },
		{ "ipv4 source 240.0.0.1", false, 12, { 240, 0, 0, 1 }, 4,
		  -EINVAL },
		{ "ipv4 source 255.255.255.255", false, 12,
		  { 255, 255, 255, 255 }, 4, -EINVAL },
		{ "ipv4 destination 224.0.0.251", false, 16,
		  { 224, 0, 0, 251 }, 4, -EINVAL },
		{ "ipv4 destination 255.255.255.255", false, 16,
		  { 255, 255, 255, 255 }, 4, -EINVAL },
		{ "ipv4 destination 10.0.0.255", false, 16,
		  { 10, 0, 0, 255 }, 4, 0 },
		{ "ipv6 source ::", true, 8, { 0, 0 }, 2, -EINVAL },
		{ "ipv6 source ff02::1", true, 8, { 0xff, 2 }, 2, -EINVAL },
		{ "ipv6 destination ff02::1", true, 24, { 0xff, 2 }, 2,
		  -EINVAL },
		{ "ipv6 destination fe80::2", true, 24, { 0xfe, 0x80 }, 2, 0 },
	};
	static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const u8 mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct tf_opts o = { .proto = IPPROTO_UDP, .payload = 10 };
	static u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_pkt pkt;
	unsigned int i;
	struct tf f;
	int type;

	tap_begin();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.v6 = cases[i].v6;
		tf_build(&f, &o);
		if (cases[i].v6 && cases[i].off == 8 && !cases[i].val[0])
			memset(f.b + f.l3 + 8, 0, 16);
		unreach_refused(&f, f.l3 + cases[i].off, cases[i].val,
				cases[i].n, cases[i].err);
		if (!tap_group_ok) {
			printf("# %s\n", cases[i].name);
			break;
		}
	}
	tap_end("icmp unreachable: source and destination addresses");

	tap_begin();
	for (i = 0; i < 2; i++) {
		o.v6 = i;
		tf_build(&f, &o);
		unreach_refused(&f, 0, bcast, 6, -EINVAL);
		tf_build(&f, &o);
		unreach_refused(&f, 0, mcast, 6, -EINVAL);
		tf_build(&f, &o);
		unreach_refused(&f, 6, mcast, 6, -EINVAL);
	}
	tap_end("icmp unreachable: ethernet multicast and broadcast");

	tap_begin();
	o.v6 = false;
	o.proto = IPPROTO_ICMP;
	for (type = 0; type < 256; type++) {
		u8 t = type;
		bool error = t == 3 || t == 4 || t == 5 || t == 11 || t == 12;

		tf_build(&f, &o);
		unreach_refused(&f, f.l4, &t, 1, error ? -EINVAL : 0);
	}
	o.v6 = true;
	o.proto = IPPROTO_ICMPV6;
	for (type = 0; type < 256; type++) {
		u8 t = type;

		tf_build(&f, &o);
		unreach_refused(&f, f.l4, &t, 1, t < 128 ? -EINVAL : 0);
	}
	tap_end("icmp unreachable: never about an icmp error");

	tap_begin();
	o.v6 = false;
	o.proto = IPPROTO_UDP;
	o.ip4_frag = 0x0001;		/* offset 8 */
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(pkt.flags & VTL_PKT_FRAG_LATER);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), -EINVAL);
	o.ip4_frag = 0x2000;		/* MF: the first */
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt) > 0);
	o.ip4_frag = 0;
	o.v6 = true;
	o.v6_ext = TF_EXT_FRAG;
	tf_build(&f, &o);
	wr16(f.b + f.l4 - 8 + 2, 0x0009);	/* offset 8, M */
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(pkt.flags & VTL_PKT_FRAG_LATER);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), -EINVAL);
	wr16(f.b + f.l4 - 8 + 2, 0x0001);	/* offset 0, M */
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt) > 0);
	tap_end("icmp unreachable: not about a fragment other than the first");

	tap_begin();
	o.v6_ext = TF_EXT_RT_LEFT;
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), -EOPNOTSUPP);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt),
		 -EOPNOTSUPP);
	o.v6_ext = TF_EXT_RT;
	tf_build(&f, &o);
	EXPECT_EQ(parse_tf(&pkt, &f), 0);
	EXPECT(vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt) > 0);
	/* not IP */
	EXPECT_EQ(vtl_pkt_parse(&pkt, buf, arp_frame(buf, 1, 1), 60), 0);
	EXPECT(pkt.flags & VTL_PKT_ARP);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), -EINVAL);
	wr16(buf + 12, 0x88b5);
	EXPECT_EQ(vtl_pkt_parse(&pkt, buf, 60, 60), 0);
	EXPECT_EQ(vtl_pkt_build_icmp_unreach(NULL, 0, &pkt), -EINVAL);
	tap_end("icmp unreachable: routing header, not ip");
}

/* The quote of an ICMP error, parsed with the parser's own code. */
static void test_icmp_quote(void)
{
	static const struct tf_opts pkts[] = {
		{ .proto = IPPROTO_TCP, .ip4_optlen = 8, .payload = 50 },
		{ .v6 = true, .proto = IPPROTO_UDP, .v6_ext = TF_EXT_HBH |
		  TF_EXT_DST | TF_EXT_FRAG, .payload = 50 },
	};
	static u8 buf[VTL_PKT_ICMP_ERR_BUILD_MAX];
	struct vtl_pkt pkt, out, q;
	unsigned int i;
	u32 hl, cut, len, qend;
	struct tf f;

	for (i = 0; i < 2; i++) {
		tap_begin();
		tf_build(&f, &pkts[i]);
		EXPECT_EQ(parse_tf(&pkt, &f), 0);
		EXPECT_EQ(vtl_pkt_parse_icmp_quote(&q, &pkt), -EINVAL);
		len = vtl_pkt_build_icmp_unreach(buf, sizeof(buf), &pkt);
		EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len), 0);
		EXPECT_EQ(vtl_pkt_parse_icmp_quote(&q, &out), 0);
		hl = f.l4 - f.l3;
		EXPECT_EQ(q.flags & ~(VTL_PKT_FRAG), f.v6 ? VTL_PKT_IPV6 :
							   VTL_PKT_IPV4);
		EXPECT(q.data == out.data);
		EXPECT_EQ(q.l3_off, out.payload_off);
		EXPECT_EQ(q.l4_off, out.payload_off + hl);
		EXPECT_EQ(q.payload_off, q.l4_off);
		EXPECT_EQ(q.l4_proto, f.proto);
		EXPECT_EQ(q.l3_end, out.payload_off + f.l3_end - f.l3);
		EXPECT_EQ(q.len, len);
		EXPECT_EQ(vtl_pkt_sport(&q), 0);	/* no L4 flags */
		if (f.v6)
			EXPECT(!memcmp(vtl_pkt_ip6_saddr(&q), f.b + f.l3 + 8,
				      16));
		else
			EXPECT_EQ(vtl_pkt_ip4_saddr(&q),
				 vtl_pkt_ip4_saddr(&pkt));

		/* readable later: -ENODATA asks for just the headers */
		qend = q.l4_off + 8;
		for (cut = out.payload_off; cut < qend; cut++) {
			EXPECT_EQ(vtl_pkt_parse(&out, buf, cut, len), 0);
			EXPECT_EQ(vtl_pkt_parse_icmp_quote(&q, &out), -ENODATA);
			EXPECT(q.need > cut && q.need <= qend);
		}
		EXPECT_EQ(vtl_pkt_parse(&out, buf, cut, len), 0);
		EXPECT_EQ(vtl_pkt_parse_icmp_quote(&q, &out), 0);

		/* cut short: -EPROTO; the IP length past the quote is fine */
		for (cut = out.payload_off; cut <= qend; cut++) {
			wr16(buf + out.l3_off + (f.v6 ? 4 : 2),
			     cut - out.l3_off - (f.v6 ? 40 : 0));
			EXPECT_EQ(vtl_pkt_parse(&out, buf, len, len), 0);
			EXPECT_EQ(vtl_pkt_parse_icmp_quote(&q, &out),
				 cut < qend ? -EPROTO : 0);
		}
		tap_end("icmp quote: %s", f.v6 ? "ipv6 with extension headers" :
					     "ipv4 with options");
	}
}

int main(void)
{
	struct vtl_pkt pkt;
	u8 small[10] = { 0 };

	printf("TAP version 13\n");

	tap_begin();
	EXPECT_EQ(vtl_pkt_parse(&pkt, small, sizeof(small), sizeof(small)),
		 -EPROTO);
	EXPECT_EQ(vtl_pkt_set_eth_dst(&pkt, small), -EINVAL);
	EXPECT_EQ(vtl_pkt_swap_eth(&pkt), -EINVAL);
	EXPECT_EQ(vtl_pkt_parse(&pkt, small, sizeof(small), 100), -ENODATA);
	EXPECT_EQ(pkt.need, ETH_HLEN);
	tap_end("runt frame");

	test_parse();
	test_truncation();
	test_malformed();
	test_ip6_ext_limit();
	test_ip6_special();
	test_ip4_frag();
	test_vlan();
	test_setters(false);
	test_setters(true);
	test_udp_mangled_zero();
	test_csum_fill();
	test_gso();
	test_build_tcp();
	test_build_replies();
	test_arp();
	test_nd();
	test_icmp_unreach();
	test_icmp_unreach_big();
	test_icmp_unreach_refused();
	test_icmp_quote();

	return tap_done();
}
