/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test frames built independently of the packet library, and reference checksums
 * computed the textbook way (RFC 1071, big-endian words), so that the unit
 * tests compare the packet library against something it does not share code with.
 */
#ifndef _VTL_TEST_FRAMES_H
#define _VTL_TEST_FRAMES_H

#include "pkt.h"

/* IPv6 extension headers a test frame may carry, in this order. */
enum {
	TF_EXT_HBH	= 1 << 0,
	TF_EXT_DST	= 1 << 1,
	TF_EXT_RT	= 1 << 2,	/* segments left 0 */
	TF_EXT_RT_LEFT	= 1 << 3,	/* segments left 1 */
	TF_EXT_FRAG	= 1 << 4,	/* an atomic fragment: offset 0, no M */
	TF_EXT_AH	= 1 << 5,
};

struct tf_opts {
	const char *name;
	int nr_vlan;
	bool v6;
	u8 proto;		/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, other */
	int ip4_optlen;		/* bytes of IPv4 options, a multiple of 4 */
	unsigned int v6_ext;	/* TF_EXT_* */
	bool tcp_opts;		/* MSS, SACK-permitted, TS, WS, oddly aligned */
	u8 tcp_flags;		/* 0: ACK|PSH */
	u32 payload;
	u32 pad;		/* Ethernet padding after the IP datagram */
	bool udp_nocsum;	/* a UDP checksum of 0 */
	u16 ip4_frag;		/* the IPv4 flags/fragment offset field; 0: DF */
};

/* A frame and the truth about it. */
struct tf {
	u8 b[2048];
	u32 len;
	u32 l3, l4, payload, l3_end;
	u32 check;		/* offset of the L4 checksum, 0 if none */
	bool v6;
	u8 proto;
};

void tf_build(struct tf *f, const struct tf_opts *o);

/*
 * An ICMP error (ICMPv6 if @v6) of @type and @code about @orig, as a
 * router (192.0.2.1, 2001::fe, MAC 02:00:00:00:00:fe) sends it back to
 * @orig's sender, quoting @quote bytes of @orig from its IP header on, or
 * all it has if fewer.  The addresses are @orig's only if it is of the
 * same family.
 */
void tf_icmp_error(struct tf *e, const struct tf *orig, bool v6, u8 type,
		   u8 code, u32 quote);

u16 rd16(const u8 *p);
u32 rd32(const u8 *p);
void wr16(u8 *p, u16 v);
void wr32(u8 *p, u32 v);

u32 ref_sum(const u8 *p, u32 n, u32 sum);
u16 ref_fold(u32 sum);
bool ref_eq16(u16 a, u16 b);
u16 ref_ip4_csum(const struct tf *f);
u32 ref_pseudo(const struct tf *f);
u16 ref_l4_csum(const struct tf *f);
u16 ref_l4_seed(const struct tf *f);

#endif /* _VTL_TEST_FRAMES_H */
