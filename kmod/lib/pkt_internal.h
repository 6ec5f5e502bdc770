/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pieces of the packet library (pkt_parse.c, pkt_csum.c,
 * pkt_set.c, pkt_build.c) share and nobody else uses: protocol numbers,
 * byte writers, and the checksum updates the setters make.  pkt.h is the
 * library's interface.
 */
#ifndef _VTL_PKT_INTERNAL_H
#define _VTL_PKT_INTERNAL_H

#include "pkt.h"

/* IPv4: DF, MF and the fragment offset; IPv6 fragment header: offset, M */
#define IP4_DF			0x4000
#define IP4_FRAG_MASK		0x3fff
#define IP4_OFFSET_MASK		0x1fff
#define IP6_FRAG_MASK		0xfff9
#define IP6_OFFSET_MASK		0xfff8

/* TCP option kinds */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WSCALE		3
#define TCPOPT_SACKOK		4
#define TCPOPT_TS		8

/* ICMP and ICMPv6 types and codes */
#define PKT_ICMP_DEST_UNREACH	3
#define PKT_ICMP_PORT_UNREACH	3	/* a code of PKT_ICMP_DEST_UNREACH */
#define PKT_ICMP_SOURCE_QUENCH	4
#define PKT_ICMP_REDIRECT	5
#define PKT_ICMP_TIME_EXCEEDED	11
#define PKT_ICMP_PARAMETERPROB	12
#define PKT_ICMPV6_DEST_UNREACH	1
#define PKT_ICMPV6_PORT_UNREACH	4	/* a code of PKT_ICMPV6_DEST_UNREACH */
#define PKT_ICMPV6_PARAMPROB	4
#define PKT_ICMPV6_INFO_MSG	128	/* the first informational type */

static inline void pkt_put_be16(u8 *p, __be16 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void pkt_put16(u8 *p, u16 v)
{
	pkt_put_be16(p, cpu_to_be16(v));
}

static inline void pkt_put32(u8 *p, u32 v)
{
	__be32 b = cpu_to_be32(v);

	memcpy(p, &b, sizeof(b));
}

/* pkt_parse.c: is @pkt an ICMP error whose message quotes a packet? */
bool vtl_pkt_icmp_quotes(const struct vtl_pkt *pkt);

/*
 * pkt_csum.c: update the checksum at @field, or @pkt's L4 checksum, for
 * bytes whose sum went from @from to @to (@pseudo: in the pseudo-header).
 */
void vtl_pkt_csum_replace(u8 *field, u32 from, u32 to, bool partial);
void vtl_pkt_l4_csum_replace(struct vtl_pkt *pkt, u32 from, u32 to,
			     bool pseudo);

#endif /* _VTL_PKT_INTERNAL_H */
