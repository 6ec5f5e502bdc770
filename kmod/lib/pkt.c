// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access: the parser, checksum arithmetic, setters and builders.
 *
 * Pure code over a byte view, compiled into the module and into the
 * userspace tests and fuzzer alike; see pkt.h for the model.
 *
 * Two rules keep it safe on anything a guest sends.  The parser reads a
 * header only after pkt_want() has checked that it lies within the readable
 * bytes, and sets a header's flag only once the header is validated; every
 * getter and setter checks that flag before touching the header.  And a
 * setter writes only bytes inside headers the parser validated, below
 * @payload_off, so the skb glue need make only the headers writable.
 */

#include "pkt.h"

#define VTL_CSUM_MANGLED_0	((__force __sum16)0xffff)

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

/* IPv6 neighbour discovery (RFC 4861) */
#define PKT_ND_SOLICIT		135
#define PKT_ND_ADVERT		136
#define PKT_ND_HOP_LIMIT	255
#define PKT_ND_TARGET_OFF	8	/* in the ICMPv6 message */
#define PKT_ND_ADVERT_LEN	32	/* with a target link-layer address */
#define PKT_ND_OPT_TARGET_LL	2
#define PKT_ND_ADVERT_FLAGS	0x60	/* Solicited, Override */
#define PKT_ND_ADVERT_OVERRIDE	0x20

/* The TTL and hop limit of the answers we build, as Linux's default */
#define PKT_DEFAULT_TTL		64

/* IPv4 TOS of an ICMP error, as Linux's icmp_send() */
#define PKT_IPTOS_TOS_MASK	0x1e
#define PKT_IPTOS_PREC_INTERNETCONTROL 0xc0

#define VTL_PKT_TCP_OPTS	(VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE | \
				 VTL_PKT_TCP_SACKOK | VTL_PKT_TCP_TS)

static u16 pkt_get16(const struct vtl_pkt *pkt, u32 off)
{
	return be16_to_cpu(vtl_pkt_get_be16(pkt, off));
}

static u32 pkt_get32(const struct vtl_pkt *pkt, u32 off)
{
	return be32_to_cpu(vtl_pkt_get_be32(pkt, off));
}

static void pkt_put_be16(u8 *p, __be16 v)
{
	memcpy(p, &v, sizeof(v));
}

static void pkt_put16(u8 *p, u16 v)
{
	pkt_put_be16(p, cpu_to_be16(v));
}

static void pkt_put32(u8 *p, u32 v)
{
	__be32 b = cpu_to_be32(v);

	memcpy(p, &b, sizeof(b));
}

/*
 * Check that the bytes up to @end (from the frame start) exist within
 * @limit (the frame, or the IP datagram) and are readable.  A header running
 * past its container is truncated: -EPROTO.  One that exists but is not
 * readable yet asks the caller to make @end bytes readable: -ENODATA.
 */
static int pkt_want(struct vtl_pkt *pkt, u32 end, u32 limit)
{
	if (end > limit)
		return -EPROTO;
	if (end > pkt->len) {
		pkt->need = end;
		return -ENODATA;
	}
	return 0;
}

static int pkt_parse_tcp_opts(struct vtl_pkt *pkt, u32 off, u32 end)
{
	const u8 *d = pkt->data;
	u32 flags = 0;
	u8 kind, len;

	while (off < end) {
		kind = d[off];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 2 > end)
			return -EINVAL;
		len = d[off + 1];
		if (len < 2 || off + len > end)
			return -EINVAL;
		/* As Linux does, an option of the wrong length is ignored. */
		if (kind == TCPOPT_MSS && len == 4) {
			pkt->tcp_mss_off = off + 2;
			pkt->tcp_mss = pkt_get16(pkt, off + 2);
			flags |= VTL_PKT_TCP_MSS;
		} else if (kind == TCPOPT_WSCALE && len == 3) {
			pkt->tcp_wscale = d[off + 2];
			flags |= VTL_PKT_TCP_WSCALE;
		} else if (kind == TCPOPT_SACKOK && len == 2) {
			flags |= VTL_PKT_TCP_SACKOK;
		} else if (kind == TCPOPT_TS && len == 10) {
			pkt->tcp_ts_off = off + 2;
			pkt->tcp_tsval = pkt_get32(pkt, off + 2);
			pkt->tcp_tsecr = pkt_get32(pkt, off + 6);
			flags |= VTL_PKT_TCP_TS;
		}
		off += len;
	}
	pkt->flags |= flags;
	return 0;
}

static int pkt_parse_l4(struct vtl_pkt *pkt)
{
	u32 off = pkt->l4_off, end = pkt->l3_end, hlen;
	int err;

	switch (pkt->l4_proto) {
	case IPPROTO_TCP:
		err = pkt_want(pkt, off + VTL_PKT_TCP_HLEN, end);
		if (err)
			return err;
		hlen = (pkt->data[off + 12] >> 4) * 4;
		if (hlen < VTL_PKT_TCP_HLEN)
			return -EINVAL;
		err = pkt_want(pkt, off + hlen, end);
		if (err)
			return err;
		err = pkt_parse_tcp_opts(pkt, off + VTL_PKT_TCP_HLEN,
					 off + hlen);
		if (err)
			return err;
		pkt->payload_off = off + hlen;
		pkt->flags |= VTL_PKT_TCP;
		return 0;
	case IPPROTO_UDP:
		err = pkt_want(pkt, off + VTL_PKT_UDP_HLEN, end);
		if (err)
			return err;
		/*
		 * The UDP length bounds what the checksum covers; a fragment's
		 * is that of the whole datagram, which we cannot check.
		 */
		if (!(pkt->flags & VTL_PKT_FRAG)) {
			hlen = pkt_get16(pkt, off + 4);
			if (hlen < VTL_PKT_UDP_HLEN)
				return -EINVAL;
			if (off + hlen > end)
				return -EPROTO;
			pkt->l4_end = off + hlen;
		}
		pkt->payload_off = off + VTL_PKT_UDP_HLEN;
		pkt->flags |= VTL_PKT_UDP;
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (pkt->l4_proto != (pkt->flags & VTL_PKT_IPV4 ?
				      IPPROTO_ICMP : IPPROTO_ICMPV6))
			return 0;
		err = pkt_want(pkt, off + VTL_PKT_ICMP_HLEN, end);
		if (err)
			return err;
		pkt->payload_off = off + VTL_PKT_ICMP_HLEN;
		pkt->flags |= pkt->flags & VTL_PKT_IPV4 ? VTL_PKT_ICMP :
							  VTL_PKT_ICMPV6;
		return 0;
	}
	return 0;
}

static int pkt_parse_ip4(struct vtl_pkt *pkt)
{
	u32 off = pkt->l3_off, ihl, tot;
	u16 frag;
	int err;

	err = pkt_want(pkt, off + VTL_PKT_IP4_HLEN, pkt->frame_len);
	if (err)
		return err;
	if (pkt->data[off] >> 4 != 4)
		return -EINVAL;
	ihl = (pkt->data[off] & 0xf) * 4;
	if (ihl < VTL_PKT_IP4_HLEN)
		return -EINVAL;
	err = pkt_want(pkt, off + ihl, pkt->frame_len);
	if (err)
		return err;
	tot = pkt_get16(pkt, off + 2);
	if (tot < ihl)
		return -EINVAL;
	if (off + tot > pkt->frame_len)
		return -EPROTO;

	pkt->l3_end = off + tot;
	pkt->l4_end = pkt->l3_end;
	pkt->l4_proto = pkt->data[off + 9];
	pkt->l4_off = off + ihl;
	pkt->payload_off = pkt->l4_off;
	frag = pkt_get16(pkt, off + 6);
	if (frag & IP4_FRAG_MASK)
		pkt->flags |= VTL_PKT_FRAG;
	if (frag & IP4_OFFSET_MASK)
		pkt->flags |= VTL_PKT_FRAG_LATER;
	pkt->flags |= VTL_PKT_IPV4;
	return 0;
}

static bool pkt_ip6_is_ext(u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_FRAGMENT || nexthdr == IPPROTO_DSTOPTS ||
	       nexthdr == IPPROTO_AH;
}

static int pkt_parse_ip6(struct vtl_pkt *pkt)
{
	u32 off = pkt->l3_off, end, cur, hlen, flags = 0;
	const u8 *d = pkt->data;
	unsigned int i;
	u16 frag;
	u8 nh;
	int err;

	err = pkt_want(pkt, off + VTL_PKT_IP6_HLEN, pkt->frame_len);
	if (err)
		return err;
	if (d[off] >> 4 != 6)
		return -EINVAL;
	/*
	 * A payload length of 0 is taken literally: jumbograms and BIG TCP
	 * GSO packets then fail as truncated.
	 */
	end = off + VTL_PKT_IP6_HLEN + pkt_get16(pkt, off + 4);
	if (end > pkt->frame_len)
		return -EPROTO;

	nh = d[off + 6];
	cur = off + VTL_PKT_IP6_HLEN;
	for (i = 0; pkt_ip6_is_ext(nh); i++) {
		if (i == VTL_PKT_IP6_MAX_EXT)
			return -ELOOP;
		err = pkt_want(pkt, cur + 8, end);
		if (err)
			return err;
		if (nh == IPPROTO_FRAGMENT) {
			hlen = 8;
			frag = pkt_get16(pkt, cur + 2);
			if (frag & IP6_FRAG_MASK)
				flags |= VTL_PKT_FRAG;
			if (frag & IP6_OFFSET_MASK)
				flags |= VTL_PKT_FRAG_LATER;
		} else if (nh == IPPROTO_AH) {
			hlen = (d[cur + 1] + 2) * 4;
		} else {
			/* RFC 8200 4.1: hop-by-hop options come first */
			if (nh == IPPROTO_HOPOPTS && i)
				return -EINVAL;
			if (nh == IPPROTO_ROUTING && d[cur + 3])
				flags |= VTL_PKT_RTHDR;
			hlen = (d[cur + 1] + 1) * 8;
		}
		err = pkt_want(pkt, cur + hlen, end);
		if (err)
			return err;
		nh = d[cur];
		cur += hlen;
		if (flags & VTL_PKT_FRAG_LATER)
			break;
	}

	pkt->l3_end = end;
	pkt->l4_end = end;
	pkt->l4_proto = nh;
	pkt->l4_off = cur;
	pkt->payload_off = cur;
	pkt->flags |= VTL_PKT_IPV6 | flags;
	return 0;
}

static int pkt_parse_arp(struct vtl_pkt *pkt)
{
	u32 off = pkt->l3_off;
	int err;

	err = pkt_want(pkt, off + 8, pkt->frame_len);
	if (err)
		return err;
	/* Only Ethernet/IPv4 ARP is parsed; other ARP is left as payload. */
	if (vtl_pkt_get_be16(pkt, off) != cpu_to_be16(1) ||
	    vtl_pkt_get_be16(pkt, off + 2) != cpu_to_be16(ETH_P_IP) ||
	    pkt->data[off + 4] != ETH_ALEN || pkt->data[off + 5] != 4)
		return 0;
	err = pkt_want(pkt, off + VTL_PKT_ARP_LEN, pkt->frame_len);
	if (err)
		return err;
	pkt->l3_end = off + VTL_PKT_ARP_LEN;
	pkt->l4_end = pkt->l3_end;
	pkt->payload_off = pkt->l3_end;
	pkt->flags |= VTL_PKT_ARP;
	return 0;
}

/**
 * vtl_pkt_parse - parse an Ethernet frame into header offsets
 * @pkt: the result; entirely overwritten
 * @data: the frame, from the Ethernet destination address
 * @len: bytes readable at @data (more than @frame_len counts as @frame_len)
 * @frame_len: bytes in the whole frame
 *
 * Parses Ethernet with up to two 802.1Q/802.1ad tags, Ethernet/IPv4 ARP,
 * IPv4 with options and fragments, IPv6 with up to %VTL_PKT_IP6_MAX_EXT
 * extension headers, then TCP with its options, UDP, ICMP or ICMPv6.
 * Unknown EtherTypes and L4 protocols are not errors: parsing stops there.
 * Nothing past @len is ever read.
 *
 * The caller sets %VTL_PKT_CSUM_PARTIAL and %VTL_PKT_GSO, if it needs them,
 * after a successful parse.
 *
 * Return: 0; -ENODATA if a header lies past @len but within the frame,
 * with @pkt->need set to the bytes to make readable before parsing again;
 * -EPROTO if a header, or the IP datagram, runs past the end of the frame
 * (or a header past the end of its IP datagram); -EINVAL if a header field
 * is invalid (IP version, header or option length); -ELOOP if the IPv6
 * extension headers go on past the limit.  On error, the flags still
 * describe the headers parsed before the one that failed.
 */
int vtl_pkt_parse(struct vtl_pkt *pkt, u8 *data, u32 len, u32 frame_len)
{
	u32 off = 2 * ETH_ALEN;
	__be16 proto;
	int err;

	memset(pkt, 0, sizeof(*pkt));
	pkt->data = data;
	pkt->len = len < frame_len ? len : frame_len;
	pkt->frame_len = frame_len;
	pkt->l3_end = frame_len;
	pkt->l4_end = frame_len;

	err = pkt_want(pkt, ETH_HLEN, frame_len);
	if (err)
		return err;
	proto = vtl_pkt_get_be16(pkt, off);
	while ((proto == cpu_to_be16(ETH_P_8021Q) ||
		proto == cpu_to_be16(ETH_P_8021AD)) &&
	       pkt->nr_vlan < VTL_PKT_MAX_VLAN) {
		err = pkt_want(pkt, off + VTL_PKT_VLAN_HLEN + 2, frame_len);
		if (err)
			return err;
		off += VTL_PKT_VLAN_HLEN;
		proto = vtl_pkt_get_be16(pkt, off);
		pkt->nr_vlan++;
	}
	pkt->eth_proto = proto;
	pkt->l3_off = off + 2;
	pkt->payload_off = pkt->l3_off;

	switch (be16_to_cpu(proto)) {
	case ETH_P_ARP:
		return pkt_parse_arp(pkt);
	case ETH_P_IP:
		err = pkt_parse_ip4(pkt);
		break;
	case ETH_P_IPV6:
		err = pkt_parse_ip6(pkt);
		break;
	default:
		return 0;
	}
	if (err || (pkt->flags & VTL_PKT_FRAG_LATER))
		return err;
	return pkt_parse_l4(pkt);
}

/* An ICMP error type whose message quotes the offending packet. */
static bool pkt_icmp_quotes(const struct vtl_pkt *pkt)
{
	u8 type = vtl_pkt_icmp_type(pkt);

	if (pkt->flags & VTL_PKT_ICMP)
		return type == PKT_ICMP_DEST_UNREACH ||
		       type == PKT_ICMP_SOURCE_QUENCH ||
		       type == PKT_ICMP_REDIRECT ||
		       type == PKT_ICMP_TIME_EXCEEDED ||
		       type == PKT_ICMP_PARAMETERPROB;
	if (pkt->flags & VTL_PKT_ICMPV6)
		return type >= PKT_ICMPV6_DEST_UNREACH &&
		       type <= PKT_ICMPV6_PARAMPROB;
	return false;
}

/**
 * vtl_pkt_parse_icmp_quote - parse the packet an ICMP error quotes
 * @quote: the result; entirely overwritten
 * @pkt: a parsed ICMP error: ICMP destination unreachable, source quench,
 *	redirect, time exceeded or parameter problem, or ICMPv6 destination
 *	unreachable, packet too big, time exceeded or parameter problem
 *
 * The quote is an IP packet of @pkt's own family, with no Ethernet header,
 * from @pkt->payload_off to the end of @pkt's ICMP message.  Its IP header
 * (with options, or with the extension headers walked as vtl_pkt_parse()
 * walks them) is parsed into @quote, whose offsets count from @pkt->data
 * as @pkt's do, so the getters work on it.  Its L4 header is not parsed,
 * since a quote may hold only its first %VTL_PKT_QUOTE_L4_LEN bytes
 * (RFC 792): no L4 flag is set and @quote->payload_off is @quote->l4_off,
 * but unless %VTL_PKT_FRAG_LATER is set, those first bytes are readable.
 * @quote->l3_end and @quote->l4_end come from the quoted IP length, which
 * may run past the quote's end (@quote->frame_len is ~0: no IP length is
 * too long): only @quote->len bytes are readable.
 *
 * Return: 0; -EINVAL if @pkt is not such an ICMP error, or a quoted header
 * field is invalid (as vtl_pkt_parse()); -EPROTO if the quote ends before
 * its headers do; -ENODATA (with @quote->need) if they lie within @pkt's
 * ICMP message but past @pkt->len; -ELOOP as vtl_pkt_parse().
 */
int vtl_pkt_parse_icmp_quote(struct vtl_pkt *quote, const struct vtl_pkt *pkt)
{
	u32 end = pkt->len < pkt->l4_end ? pkt->len : pkt->l4_end;
	int err;

	memset(quote, 0, sizeof(*quote));
	if (!pkt_icmp_quotes(pkt))
		return -EINVAL;
	quote->data = pkt->data;
	quote->len = end;
	/* The quoted packet's length is not bounded by what is quoted. */
	quote->frame_len = ~0U;
	quote->eth_proto = pkt->eth_proto;
	quote->nr_vlan = pkt->nr_vlan;
	quote->l3_off = pkt->payload_off;
	quote->payload_off = pkt->payload_off;
	if (pkt->flags & VTL_PKT_IPV4)
		err = pkt_parse_ip4(quote);
	else
		err = pkt_parse_ip6(quote);
	if (!err && !(quote->flags & VTL_PKT_FRAG_LATER))
		err = pkt_want(quote, quote->l4_off + VTL_PKT_QUOTE_L4_LEN,
			       quote->frame_len);
	if (err == -ENODATA && quote->need > pkt->l4_end)
		return -EPROTO;
	return err;
}

/**
 * vtl_pkt_csum_add - one's complement addition of two 32-bit sums
 * @sum: a sum
 * @addend: another
 *
 * Return: their sum, with end-around carry, as the kernel's csum_add().
 */
u32 vtl_pkt_csum_add(u32 sum, u32 addend)
{
	sum += addend;
	return sum + (sum < addend);
}

/**
 * vtl_pkt_csum_bytes - add bytes to a one's complement sum
 * @buf: the bytes
 * @len: their number
 * @sum: the sum so far, of bytes ending at an even offset
 *
 * 16-bit words are added as they lie in memory, as the kernel's
 * csum_partial() does, so the result is a __wsum in the kernel's sense.
 *
 * Return: the new sum, unfolded.
 */
u32 vtl_pkt_csum_bytes(const void *buf, u32 len, u32 sum)
{
	const u8 *p = buf;
	u16 w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, sizeof(w));
		sum = vtl_pkt_csum_add(sum, w);
	}
	if (len) {
		/* The odd byte is the first of a zero-padded word. */
		w = 0;
		memcpy(&w, p, 1);
		sum = vtl_pkt_csum_add(sum, w);
	}
	return sum;
}

static u16 pkt_fold16(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/**
 * vtl_pkt_csum_fold - fold a 32-bit sum into a checksum field's value
 * @sum: the sum
 *
 * Return: the complement of the folded sum, as the kernel's csum_fold().
 */
__sum16 vtl_pkt_csum_fold(u32 sum)
{
	return (__force __sum16)(u16)~pkt_fold16(sum);
}

static __sum16 pkt_get_sum16(const u8 *p)
{
	__sum16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void pkt_put_sum16(u8 *p, __sum16 v)
{
	memcpy(p, &v, sizeof(v));
}

/* One's complement has two zeros; a checksum field may hold either. */
static bool pkt_csum16_equal(__sum16 a, __sum16 b)
{
	u16 x = (__force u16)a, y = (__force u16)b;

	return x == y || ((x == 0 || x == 0xffff) && (y == 0 || y == 0xffff));
}

/**
 * vtl_pkt_ip4_csum_fill - compute the IPv4 header checksum from scratch
 * @pkt: parsed frame
 *
 * Return: 0, or -EINVAL without an IPv4 header.
 */
int vtl_pkt_ip4_csum_fill(struct vtl_pkt *pkt)
{
	u8 *iph = pkt->data + pkt->l3_off;
	u32 ihl = pkt->l4_off - pkt->l3_off;

	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	pkt_put_sum16(iph + 10, 0);
	pkt_put_sum16(iph + 10,
		      vtl_pkt_csum_fold(vtl_pkt_csum_bytes(iph, ihl, 0)));
	return 0;
}

/**
 * vtl_pkt_ip4_csum_check - verify the IPv4 header checksum
 * @pkt: parsed frame
 *
 * Return: 0 if it is right, -EBADMSG if not, -EINVAL without IPv4.
 */
int vtl_pkt_ip4_csum_check(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	if (vtl_pkt_csum_fold(vtl_pkt_csum_bytes(pkt->data + pkt->l3_off,
						 pkt->l4_off - pkt->l3_off, 0)))
		return -EBADMSG;
	return 0;
}

/**
 * vtl_pkt_l4_pseudo_sum - sum of the L4 pseudo-header
 * @pkt: parsed frame with a TCP, UDP or ICMPv6 header
 *
 * Addresses, protocol and L4 length (RFC 793, RFC 8200 8.1); with an IPv6
 * routing header the result is wrong, see %VTL_PKT_RTHDR.
 *
 * Return: the unfolded sum, or 0 for ICMP and frames without IP.
 */
u32 vtl_pkt_l4_pseudo_sum(const struct vtl_pkt *pkt)
{
	u32 len = pkt->l4_end - pkt->l4_off, sum;

	if (pkt->flags & VTL_PKT_ICMP)
		return 0;
	if (pkt->flags & VTL_PKT_IPV4) {
		sum = vtl_pkt_csum_bytes(pkt->data + pkt->l3_off + 12, 8, 0);
		sum = vtl_pkt_csum_add(sum, (__force u16)cpu_to_be16(len));
	} else if (pkt->flags & VTL_PKT_IPV6) {
		sum = vtl_pkt_csum_bytes(pkt->data + pkt->l3_off + 8, 32, 0);
		sum = vtl_pkt_csum_add(sum, (__force u32)cpu_to_be32(len));
	} else {
		return 0;
	}
	return vtl_pkt_csum_add(sum, (__force u16)cpu_to_be16(pkt->l4_proto));
}

static int pkt_l4_csum_usable(const struct vtl_pkt *pkt)
{
	if (!vtl_pkt_l4_csum_off(pkt))
		return -EINVAL;
	/*
	 * A fragment's checksum covers the reassembled datagram; with a
	 * routing header the pseudo-header holds the final destination.
	 */
	if (pkt->flags & (VTL_PKT_FRAG | VTL_PKT_RTHDR))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * vtl_pkt_l4_csum_fill - compute the L4 checksum from scratch
 * @pkt: parsed frame with a TCP, UDP, ICMP or ICMPv6 header
 *
 * In partial mode (%VTL_PKT_CSUM_PARTIAL) this writes the pseudo-header
 * sum the device completes, as the stack does for CHECKSUM_PARTIAL; else
 * the full checksum over the L4 datagram, which must then be readable.
 * A UDP checksum computed as 0 is sent as 0xffff (RFC 768).
 *
 * Return: 0; -EINVAL without such a header; -EOPNOTSUPP for a fragment or
 * with an IPv6 routing header; -ENODATA (with @pkt->need) if the L4
 * datagram is not all readable.
 */
int vtl_pkt_l4_csum_fill(struct vtl_pkt *pkt)
{
	u8 *check = pkt->data + vtl_pkt_l4_csum_off(pkt);
	__sum16 sum;
	int err;

	err = pkt_l4_csum_usable(pkt);
	if (err)
		return err;
	if (pkt->flags & VTL_PKT_CSUM_PARTIAL) {
		sum = (__force __sum16)pkt_fold16(vtl_pkt_l4_pseudo_sum(pkt));
		pkt_put_sum16(check, sum);
		return 0;
	}
	if (pkt->l4_end > pkt->len) {
		pkt->need = pkt->l4_end;
		return -ENODATA;
	}
	pkt_put_sum16(check, 0);
	sum = vtl_pkt_csum_fold(vtl_pkt_csum_bytes(pkt->data + pkt->l4_off,
						   pkt->l4_end - pkt->l4_off,
						   vtl_pkt_l4_pseudo_sum(pkt)));
	if ((pkt->flags & VTL_PKT_UDP) && !sum)
		sum = VTL_CSUM_MANGLED_0;
	pkt_put_sum16(check, sum);
	return 0;
}

/**
 * vtl_pkt_l4_csum_check - verify the L4 checksum
 * @pkt: parsed frame with a TCP, UDP, ICMP or ICMPv6 header
 *
 * In partial mode, checks that the field holds the pseudo-header sum.
 * A zero UDP checksum over IPv4 means "none" and passes; over IPv6 it fails.
 *
 * Return: 0 if right, -EBADMSG if not, else as vtl_pkt_l4_csum_fill().
 */
int vtl_pkt_l4_csum_check(const struct vtl_pkt *pkt)
{
	const u8 *check = pkt->data + vtl_pkt_l4_csum_off(pkt);
	u32 sum;
	int err;

	err = pkt_l4_csum_usable(pkt);
	if (err)
		return err;
	if (pkt->flags & VTL_PKT_CSUM_PARTIAL) {
		sum = pkt_fold16(vtl_pkt_l4_pseudo_sum(pkt));
		if (!pkt_csum16_equal(pkt_get_sum16(check),
				      (__force __sum16)sum))
			return -EBADMSG;
		return 0;
	}
	if (pkt->l4_end > pkt->len)
		return -ENODATA;
	if ((pkt->flags & VTL_PKT_UDP) && !pkt_get_sum16(check))
		return pkt->flags & VTL_PKT_IPV4 ? 0 : -EBADMSG;
	sum = vtl_pkt_csum_bytes(pkt->data + pkt->l4_off,
				 pkt->l4_end - pkt->l4_off,
				 vtl_pkt_l4_pseudo_sum(pkt));
	return vtl_pkt_csum_fold(sum) ? -EBADMSG : 0;
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), with m and m' the sums of the old
 * and new bytes.  In partial mode the field holds a plain (uncomplemented)
 * sum, so HC' = HC + ~m + m', as inet_proto_csum_replace4() does.
 */
static void pkt_csum_replace(u8 *field, u32 from, u32 to, bool partial)
{
	u32 sum = (__force u16)pkt_get_sum16(field);

	if (!partial)
		sum = ~sum & 0xffff;
	sum = vtl_pkt_csum_add(sum, ~from);
	sum = vtl_pkt_csum_add(sum, to);
	if (partial)
		pkt_put_sum16(field, (__force __sum16)pkt_fold16(sum));
	else
		pkt_put_sum16(field, vtl_pkt_csum_fold(sum));
}

static void pkt_l4_csum_replace(struct vtl_pkt *pkt, u32 from, u32 to,
				bool pseudo)
{
	bool partial = pkt->flags & VTL_PKT_CSUM_PARTIAL;
	u32 off = vtl_pkt_l4_csum_off(pkt);
	u8 *check = pkt->data + off;

	if (!off)
		return;
	/* ICMP has no pseudo-header. */
	if (pseudo && (pkt->flags & VTL_PKT_ICMP))
		return;
	/* The device sums the L4 bytes: only the pseudo-header is ours. */
	if (partial && !pseudo)
		return;
	if (pkt->flags & VTL_PKT_UDP) {
		/* UDP over IPv4 without a checksum stays without one. */
		if (!partial && (pkt->flags & VTL_PKT_IPV4) &&
		    !pkt_get_sum16(check))
			return;
		pkt_csum_replace(check, from, to, partial);
		if (!pkt_get_sum16(check))
			pkt_put_sum16(check, VTL_CSUM_MANGLED_0);
		return;
	}
	pkt_csum_replace(check, from, to, partial);
}

#define COVER_IP	BIT(0)	/* under the IPv4 header checksum */
#define COVER_L4	BIT(1)	/* under the L4 checksum, as data */
#define COVER_PSEUDO	BIT(2)	/* in the L4 pseudo-header */

/*
 * Write @n bytes at @off and fix the checksums covering them.  Headers start
 * at even offsets (14 + 4 * VLAN tags, then multiples of 4), so summing the
 * even-aligned words around the field gives the delta for every checksum,
 * the pseudo-header included.  The words never reach a checksum field.
 */
static void pkt_rewrite(struct vtl_pkt *pkt, u32 off, const void *val, u32 n,
			unsigned int cover)
{
	u32 start = off & ~1U, end = (off + n + 1) & ~1U, from, to;
	u8 *d = pkt->data;

	from = vtl_pkt_csum_bytes(d + start, end - start, 0);
	memcpy(d + off, val, n);
	if (!cover)
		return;
	to = vtl_pkt_csum_bytes(d + start, end - start, 0);
	if ((cover & COVER_IP) && (pkt->flags & VTL_PKT_IPV4))
		pkt_csum_replace(d + pkt->l3_off + 10, from, to, false);
	if (cover & (COVER_L4 | COVER_PSEUDO))
		pkt_l4_csum_replace(pkt, from, to, cover & COVER_PSEUDO);
}

static void pkt_swap(u8 *a, u8 *b, u32 n)
{
	u8 t;

	while (n--) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/**
 * vtl_pkt_set_eth_dst - set the destination MAC address
 * @pkt: parsed frame
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or -EINVAL if the frame has no Ethernet header.
 */
int vtl_pkt_set_eth_dst(struct vtl_pkt *pkt, const u8 *mac)
{
	if (pkt->len < ETH_HLEN)
		return -EINVAL;
	memcpy(pkt->data, mac, ETH_ALEN);
	return 0;
}

/**
 * vtl_pkt_set_eth_src - set the source MAC address
 * @pkt: parsed frame
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or -EINVAL if the frame has no Ethernet header.
 */
int vtl_pkt_set_eth_src(struct vtl_pkt *pkt, const u8 *mac)
{
	if (pkt->len < ETH_HLEN)
		return -EINVAL;
	memcpy(pkt->data + ETH_ALEN, mac, ETH_ALEN);
	return 0;
}

/**
 * vtl_pkt_swap_eth - exchange the source and destination MAC addresses
 * @pkt: parsed frame
 *
 * Return: 0, or -EINVAL if the frame has no Ethernet header.
 */
int vtl_pkt_swap_eth(struct vtl_pkt *pkt)
{
	if (pkt->len < ETH_HLEN)
		return -EINVAL;
	pkt_swap(pkt->data, pkt->data + ETH_ALEN, ETH_ALEN);
	return 0;
}

/**
 * vtl_pkt_set_arp_op - set the ARP operation
 * @pkt: parsed Ethernet/IPv4 ARP frame
 * @op: %VTL_PKT_ARP_REQUEST, %VTL_PKT_ARP_REPLY, ..., host order
 *
 * Return: 0, or -EINVAL without an Ethernet/IPv4 ARP header.
 */
int vtl_pkt_set_arp_op(struct vtl_pkt *pkt, u16 op)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return -EINVAL;
	pkt_put16(pkt->data + pkt->l3_off + 6, op);
	return 0;
}

/**
 * vtl_pkt_set_arp_sha - set the ARP sender hardware address
 * @pkt: parsed Ethernet/IPv4 ARP frame
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or -EINVAL without an Ethernet/IPv4 ARP header.
 */
int vtl_pkt_set_arp_sha(struct vtl_pkt *pkt, const u8 *mac)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return -EINVAL;
	memcpy(pkt->data + pkt->l3_off + 8, mac, ETH_ALEN);
	return 0;
}

/**
 * vtl_pkt_set_arp_tha - set the ARP target hardware address
 * @pkt: parsed Ethernet/IPv4 ARP frame
 * @mac: ETH_ALEN bytes
 *
 * Return: 0, or -EINVAL without an Ethernet/IPv4 ARP header.
 */
int vtl_pkt_set_arp_tha(struct vtl_pkt *pkt, const u8 *mac)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return -EINVAL;
	memcpy(pkt->data + pkt->l3_off + 18, mac, ETH_ALEN);
	return 0;
}

/**
 * vtl_pkt_set_arp_spa - set the ARP sender protocol address
 * @pkt: parsed Ethernet/IPv4 ARP frame
 * @addr: IPv4 address
 *
 * Return: 0, or -EINVAL without an Ethernet/IPv4 ARP header.
 */
int vtl_pkt_set_arp_spa(struct vtl_pkt *pkt, __be32 addr)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return -EINVAL;
	memcpy(pkt->data + pkt->l3_off + 14, &addr, sizeof(addr));
	return 0;
}

/**
 * vtl_pkt_set_arp_tpa - set the ARP target protocol address
 * @pkt: parsed Ethernet/IPv4 ARP frame
 * @addr: IPv4 address
 *
 * Return: 0, or -EINVAL without an Ethernet/IPv4 ARP header.
 */
int vtl_pkt_set_arp_tpa(struct vtl_pkt *pkt, __be32 addr)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return -EINVAL;
	memcpy(pkt->data + pkt->l3_off + 24, &addr, sizeof(addr));
	return 0;
}

/**
 * vtl_pkt_set_ip4_saddr - set the IPv4 source address
 * @pkt: parsed IPv4 frame
 * @addr: the address
 *
 * Updates the IPv4 header checksum and, through the pseudo-header, the
 * TCP or UDP checksum, in partial mode too.
 *
 * Return: 0, or -EINVAL without an IPv4 header.
 */
int vtl_pkt_set_ip4_saddr(struct vtl_pkt *pkt, __be32 addr)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l3_off + 12, &addr, sizeof(addr),
		    COVER_IP | COVER_PSEUDO);
	return 0;
}

/**
 * vtl_pkt_set_ip4_daddr - set the IPv4 destination address
 * @pkt: parsed IPv4 frame
 * @addr: the address
 *
 * Return: 0, or -EINVAL without an IPv4 header.
 */
int vtl_pkt_set_ip4_daddr(struct vtl_pkt *pkt, __be32 addr)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l3_off + 16, &addr, sizeof(addr),
		    COVER_IP | COVER_PSEUDO);
	return 0;
}

/**
 * vtl_pkt_set_ip4_id - set the IPv4 identification
 * @pkt: parsed IPv4 frame
 * @id: host order; GSO numbers the segments from it
 *
 * Return: 0, or -EINVAL without an IPv4 header.
 */
int vtl_pkt_set_ip4_id(struct vtl_pkt *pkt, u16 id)
{
	__be16 v = cpu_to_be16(id);

	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l3_off + 4, &v, sizeof(v), COVER_IP);
	return 0;
}

/**
 * vtl_pkt_set_ip6_saddr - set the IPv6 source address
 * @pkt: parsed IPv6 frame
 * @addr: 16 bytes
 *
 * Return: 0, or -EINVAL without an IPv6 header.
 */
int vtl_pkt_set_ip6_saddr(struct vtl_pkt *pkt, const u8 *addr)
{
	if (!(pkt->flags & VTL_PKT_IPV6))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l3_off + 8, addr, 16, COVER_PSEUDO);
	return 0;
}

/**
 * vtl_pkt_set_ip6_daddr - set the IPv6 destination address
 * @pkt: parsed IPv6 frame
 * @addr: 16 bytes
 *
 * With a routing header (%VTL_PKT_RTHDR) the destination is not in the
 * pseudo-header, and the L4 checksum is left alone.
 *
 * Return: 0, or -EINVAL without an IPv6 header.
 */
int vtl_pkt_set_ip6_daddr(struct vtl_pkt *pkt, const u8 *addr)
{
	if (!(pkt->flags & VTL_PKT_IPV6))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l3_off + 24, addr, 16,
		    pkt->flags & VTL_PKT_RTHDR ? 0 : COVER_PSEUDO);
	return 0;
}

/**
 * vtl_pkt_set_ip_ttl - set the IPv4 TTL or the IPv6 hop limit
 * @pkt: parsed IP frame
 * @ttl: the value
 *
 * Return: 0, or -EINVAL without an IP header.
 */
int vtl_pkt_set_ip_ttl(struct vtl_pkt *pkt, u8 ttl)
{
	if (pkt->flags & VTL_PKT_IPV4)
		pkt_rewrite(pkt, pkt->l3_off + 8, &ttl, 1, COVER_IP);
	else if (pkt->flags & VTL_PKT_IPV6)
		pkt_rewrite(pkt, pkt->l3_off + 7, &ttl, 1, 0);
	else
		return -EINVAL;
	return 0;
}

/**
 * vtl_pkt_swap_ip - exchange the source and destination IP addresses
 * @pkt: parsed IP frame
 *
 * One's complement sums do not depend on the order of their words: no
 * checksum changes.
 *
 * Return: 0, -EINVAL without IP, -EOPNOTSUPP with an IPv6 routing header
 * (the pseudo-header destination is elsewhere).
 */
int vtl_pkt_swap_ip(struct vtl_pkt *pkt)
{
	u8 *d = pkt->data + pkt->l3_off;

	if (pkt->flags & VTL_PKT_IPV4) {
		pkt_swap(d + 12, d + 16, 4);
	} else if (pkt->flags & VTL_PKT_IPV6) {
		if (pkt->flags & VTL_PKT_RTHDR)
			return -EOPNOTSUPP;
		pkt_swap(d + 8, d + 24, 16);
	} else {
		return -EINVAL;
	}
	return 0;
}

/**
 * vtl_pkt_set_sport - set the TCP or UDP source port
 * @pkt: parsed TCP or UDP frame
 * @port: the port
 *
 * Return: 0, or -EINVAL without a TCP or UDP header.
 */
int vtl_pkt_set_sport(struct vtl_pkt *pkt, __be16 port)
{
	if (!(pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l4_off, &port, sizeof(port), COVER_L4);
	return 0;
}

/**
 * vtl_pkt_set_dport - set the TCP or UDP destination port
 * @pkt: parsed TCP or UDP frame
 * @port: the port
 *
 * Return: 0, or -EINVAL without a TCP or UDP header.
 */
int vtl_pkt_set_dport(struct vtl_pkt *pkt, __be16 port)
{
	if (!(pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l4_off + 2, &port, sizeof(port), COVER_L4);
	return 0;
}

/**
 * vtl_pkt_swap_ports - exchange the TCP or UDP ports
 * @pkt: parsed TCP or UDP frame
 *
 * Return: 0, or -EINVAL without a TCP or UDP header.
 */
int vtl_pkt_swap_ports(struct vtl_pkt *pkt)
{
	u8 *d = pkt->data + pkt->l4_off;

	if (!(pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)))
		return -EINVAL;
	pkt_swap(d, d + 2, 2);
	return 0;
}

/**
 * vtl_pkt_set_tcp_seq - set the TCP sequence number
 * @pkt: parsed TCP frame
 * @seq: host order; GSO numbers the segments from it
 *
 * Return: 0, or -EINVAL without a TCP header.
 */
int vtl_pkt_set_tcp_seq(struct vtl_pkt *pkt, u32 seq)
{
	__be32 v = cpu_to_be32(seq);

	if (!(pkt->flags & VTL_PKT_TCP))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l4_off + 4, &v, sizeof(v), COVER_L4);
	return 0;
}

/**
 * vtl_pkt_set_tcp_ack - set the TCP acknowledgment number
 * @pkt: parsed TCP frame
 * @ack: host order
 *
 * Return: 0, or -EINVAL without a TCP header.
 */
int vtl_pkt_set_tcp_ack(struct vtl_pkt *pkt, u32 ack)
{
	__be32 v = cpu_to_be32(ack);

	if (!(pkt->flags & VTL_PKT_TCP))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l4_off + 8, &v, sizeof(v), COVER_L4);
	return 0;
}

/**
 * vtl_pkt_set_tcp_flags - set the TCP flags
 * @pkt: parsed TCP frame
 * @flags: VTL_TCP_* flags
 *
 * Segmentation puts FIN and PSH on the last segment only and CWR on the
 * first only, which is right; but it would copy SYN and RST to every
 * segment, so changing those on a GSO packet is refused.
 *
 * Return: 0, -EINVAL without a TCP header, -EOPNOTSUPP as above.
 */
int vtl_pkt_set_tcp_flags(struct vtl_pkt *pkt, u8 flags)
{
	if (!(pkt->flags & VTL_PKT_TCP))
		return -EINVAL;
	if ((pkt->flags & VTL_PKT_GSO) &&
	    ((flags ^ vtl_pkt_tcp_flags(pkt)) & (VTL_TCP_SYN | VTL_TCP_RST)))
		return -EOPNOTSUPP;
	pkt_rewrite(pkt, pkt->l4_off + 13, &flags, 1, COVER_L4);
	return 0;
}

/**
 * vtl_pkt_set_tcp_window - set the TCP window field
 * @pkt: parsed TCP frame
 * @window: host order, as sent (unscaled)
 *
 * Return: 0, or -EINVAL without a TCP header.
 */
int vtl_pkt_set_tcp_window(struct vtl_pkt *pkt, u16 window)
{
	__be16 v = cpu_to_be16(window);

	if (!(pkt->flags & VTL_PKT_TCP))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->l4_off + 14, &v, sizeof(v), COVER_L4);
	return 0;
}

/**
 * vtl_pkt_set_tcp_mss - rewrite the TCP MSS option (MSS clamping)
 * @pkt: parsed TCP frame with %VTL_PKT_TCP_MSS
 * @mss: host order
 *
 * Return: 0, or -EINVAL without a TCP header with an MSS option.
 */
int vtl_pkt_set_tcp_mss(struct vtl_pkt *pkt, u16 mss)
{
	__be16 v = cpu_to_be16(mss);

	if (!(pkt->flags & VTL_PKT_TCP) || !(pkt->flags & VTL_PKT_TCP_MSS))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->tcp_mss_off, &v, sizeof(v), COVER_L4);
	pkt->tcp_mss = mss;
	return 0;
}

/**
 * vtl_pkt_set_tcp_ts - rewrite the TCP timestamps option
 * @pkt: parsed TCP frame with %VTL_PKT_TCP_TS
 * @tsval: timestamp value, host order
 * @tsecr: timestamp echo reply, host order
 *
 * Return: 0, or -EINVAL without a TCP header with timestamps.
 */
int vtl_pkt_set_tcp_ts(struct vtl_pkt *pkt, u32 tsval, u32 tsecr)
{
	__be32 v[2] = { cpu_to_be32(tsval), cpu_to_be32(tsecr) };

	if (!(pkt->flags & VTL_PKT_TCP) || !(pkt->flags & VTL_PKT_TCP_TS))
		return -EINVAL;
	pkt_rewrite(pkt, pkt->tcp_ts_off, v, sizeof(v), COVER_L4);
	pkt->tcp_tsval = tsval;
	pkt->tcp_tsecr = tsecr;
	return 0;
}

static u32 pkt_tcp_opts_len(u32 opts)
{
	u32 len = 0;

	if (opts & VTL_PKT_TCP_MSS)
		len += 4;
	if (opts & VTL_PKT_TCP_TS)
		len += 12;	/* with SACK-permitted, or two NOPs */
	else if (opts & VTL_PKT_TCP_SACKOK)
		len += 4;
	if (opts & VTL_PKT_TCP_WSCALE)
		len += 4;
	return len;
}

/* The options in the order and alignment Linux uses. */
static void pkt_tcp_opts_write(u8 *p, const struct vtl_pkt_tcp *tcp)
{
	if (tcp->opts & VTL_PKT_TCP_MSS) {
		p[0] = TCPOPT_MSS;
		p[1] = 4;
		pkt_put16(p + 2, tcp->mss);
		p += 4;
	}
	if (tcp->opts & VTL_PKT_TCP_TS) {
		if (tcp->opts & VTL_PKT_TCP_SACKOK) {
			p[0] = TCPOPT_SACKOK;
			p[1] = 2;
		} else {
			p[0] = TCPOPT_NOP;
			p[1] = TCPOPT_NOP;
		}
		p[2] = TCPOPT_TS;
		p[3] = 10;
		pkt_put32(p + 4, tcp->tsval);
		pkt_put32(p + 8, tcp->tsecr);
		p += 12;
	} else if (tcp->opts & VTL_PKT_TCP_SACKOK) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_NOP;
		p[2] = TCPOPT_SACKOK;
		p[3] = 2;
		p += 4;
	}
	if (tcp->opts & VTL_PKT_TCP_WSCALE) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_WSCALE;
		p[2] = 3;
		p[3] = tcp->wscale;
	}
}

/* The in-band VLAN tags of @pkt, as pkt_eth_write() takes them. */
static void pkt_vlan_get(const struct vtl_pkt *pkt, __be16 *vlan_proto,
			 __be16 *vlan_tci)
{
	unsigned int i;

	for (i = 0; i < pkt->nr_vlan; i++) {
		vlan_proto[i] = vtl_pkt_vlan_proto(pkt, i);
		vlan_tci[i] = cpu_to_be16(vtl_pkt_vlan_tci(pkt, i));
	}
}

/* Ethernet header with @nr_vlan tags; returns the L3 offset. */
static u32 pkt_eth_write(u8 *buf, const u8 *dst, const u8 *src, u8 nr_vlan,
			 const __be16 *vlan_proto, const __be16 *vlan_tci,
			 u16 proto)
{
	u32 off = 2 * ETH_ALEN;
	unsigned int i;

	memmove(buf, dst, ETH_ALEN);
	memmove(buf + ETH_ALEN, src, ETH_ALEN);
	for (i = 0; i < nr_vlan; i++, off += VTL_PKT_VLAN_HLEN) {
		pkt_put_be16(buf + off, vlan_proto[i]);
		pkt_put_be16(buf + off + 2, vlan_tci[i]);
	}
	pkt_put16(buf + off, proto);
	return off + 2;
}

/**
 * vtl_pkt_build_tcp - write a TCP segment from explicit fields
 * @buf: where to write the frame, or NULL to learn its length
 * @size: bytes available at @buf
 * @tcp: the fields; its payload must not overlap @buf
 *
 * Writes Ethernet (with in-band VLAN tags), IPv4 (DF set) or IPv6, and TCP
 * with the options @tcp->opts asks for, with full checksums (the TCP one
 * partial if @tcp->csum_partial).  With @tcp->payload_ext only the headers
 * are written, and @size need only hold them.
 *
 * Return: the frame length, the payload counted; -EINVAL for too many VLAN
 * tags, a TPID other than ETH_P_8021Q or ETH_P_8021AD, unknown options, a
 * missing payload or @tcp->payload_ext without @tcp->csum_partial;
 * -EMSGSIZE if the payload does not fit in an IP packet; -ENOSPC if @size
 * is too small.
 */
int vtl_pkt_build_tcp(u8 *buf, u32 size, const struct vtl_pkt_tcp *tcp)
{
	u32 l3, l4, thl, total, max, written;
	struct vtl_pkt pkt;
	unsigned int i;
	u8 *p;
	int err;

	if (tcp->nr_vlan > VTL_PKT_MAX_VLAN ||
	    (tcp->opts & ~VTL_PKT_TCP_OPTS) ||
	    (tcp->payload_ext ? !tcp->csum_partial :
				tcp->payload_len && !tcp->payload))
		return -EINVAL;
	for (i = 0; i < tcp->nr_vlan; i++)
		if (tcp->vlan_proto[i] != cpu_to_be16(ETH_P_8021Q) &&
		    tcp->vlan_proto[i] != cpu_to_be16(ETH_P_8021AD))
			return -EINVAL;
	thl = VTL_PKT_TCP_HLEN + pkt_tcp_opts_len(tcp->opts);
	max = 0xffff - thl - (tcp->ipv6 ? 0 : VTL_PKT_IP4_HLEN);
	if (tcp->payload_len > max)
		return -EMSGSIZE;
	l3 = ETH_HLEN + tcp->nr_vlan * VTL_PKT_VLAN_HLEN;
	l4 = l3 + (tcp->ipv6 ? VTL_PKT_IP6_HLEN : VTL_PKT_IP4_HLEN);
	total = l4 + thl + tcp->payload_len;
	written = tcp->payload_ext ? l4 + thl : total;
	if (!buf)
		return total;
	if (size < written)
		return -ENOSPC;

	memset(buf + l3, 0, l4 + thl - l3);
	pkt_eth_write(buf, tcp->eth_dst, tcp->eth_src, tcp->nr_vlan,
		      tcp->vlan_proto, tcp->vlan_tci,
		      tcp->ipv6 ? ETH_P_IPV6 : ETH_P_IP);

	p = buf + l3;
	if (tcp->ipv6) {
		p[0] = 0x60 | tcp->tos >> 4;
		p[1] = tcp->tos << 4;
		pkt_put16(p + 4, thl + tcp->payload_len);
		p[6] = IPPROTO_TCP;
		p[7] = tcp->ttl;
		memcpy(p + 8, tcp->saddr.ip6, 16);
		memcpy(p + 24, tcp->daddr.ip6, 16);
	} else {
		p[0] = 0x45;
		p[1] = tcp->tos;
		pkt_put16(p + 2, l4 - l3 + thl + tcp->payload_len);
		pkt_put16(p + 4, tcp->ip_id);
		pkt_put16(p + 6, IP4_DF);
		p[8] = tcp->ttl;
		p[9] = IPPROTO_TCP;
		memcpy(p + 12, &tcp->saddr.ip4, 4);
		memcpy(p + 16, &tcp->daddr.ip4, 4);
	}

	p = buf + l4;
	pkt_put_be16(p, tcp->sport);
	pkt_put_be16(p + 2, tcp->dport);
	pkt_put32(p + 4, tcp->seq);
	pkt_put32(p + 8, tcp->ack);
	p[12] = thl / 4 << 4;
	p[13] = tcp->flags;
	pkt_put16(p + 14, tcp->window);
	pkt_tcp_opts_write(p + VTL_PKT_TCP_HLEN, tcp);
	/* A payload already in place at the frame's end stays there. */
	if (!tcp->payload_ext && tcp->payload_len && tcp->payload != p + thl)
		memcpy(p + thl, tcp->payload, tcp->payload_len);

	/* Parse what we wrote: the checksums see what a reader will. */
	err = vtl_pkt_parse(&pkt, buf, written, total);
	if (err)
		return err;
	if (!tcp->ipv6)
		vtl_pkt_ip4_csum_fill(&pkt);
	if (tcp->csum_partial)
		pkt.flags |= VTL_PKT_CSUM_PARTIAL;
	err = vtl_pkt_l4_csum_fill(&pkt);
	if (err)
		return err;
	return total;
}

/* The reply's addresses and ports: the segment's, swapped. */
static int pkt_tcp_reply_init(struct vtl_pkt_tcp *tcp,
			      const struct vtl_pkt *seg)
{
	if (!(seg->flags & VTL_PKT_TCP) || (seg->flags & VTL_PKT_FRAG))
		return -EINVAL;
	if (seg->flags & VTL_PKT_RTHDR)
		return -EOPNOTSUPP;
	/* RFC 793: a RST is never answered. */
	if (vtl_pkt_tcp_flags(seg) & VTL_TCP_RST)
		return -EINVAL;

	memset(tcp, 0, sizeof(*tcp));
	memcpy(tcp->eth_dst, vtl_pkt_eth_src(seg), ETH_ALEN);
	memcpy(tcp->eth_src, vtl_pkt_eth_dst(seg), ETH_ALEN);
	tcp->nr_vlan = seg->nr_vlan;
	pkt_vlan_get(seg, tcp->vlan_proto, tcp->vlan_tci);
	if (seg->flags & VTL_PKT_IPV6) {
		tcp->ipv6 = true;
		memcpy(tcp->saddr.ip6, vtl_pkt_ip6_daddr(seg), 16);
		memcpy(tcp->daddr.ip6, vtl_pkt_ip6_saddr(seg), 16);
	} else {
		tcp->saddr.ip4 = vtl_pkt_ip4_daddr(seg);
		tcp->daddr.ip4 = vtl_pkt_ip4_saddr(seg);
	}
	tcp->ttl = PKT_DEFAULT_TTL;
	tcp->sport = vtl_pkt_dport(seg);
	tcp->dport = vtl_pkt_sport(seg);
	return 0;
}

/**
 * vtl_pkt_build_tcp_ack - write a pure ACK answering a TCP segment
 * @buf: where to write the frame, or NULL to learn its length; it may be
 *	the segment's own buffer
 * @size: bytes available at @buf
 * @seg: the parsed segment, which must carry ACK
 * @window: the window field to advertise, as sent (unscaled)
 * @tsval: timestamp value to send if @seg carries timestamps (its own
 *	value is echoed)
 *
 * The ACK goes from the segment's receiver to its sender, with the
 * sequence number the sender expects (its acknowledgment number) and
 * acknowledging all of the segment.
 *
 * Return: the frame length; -EINVAL if @seg is not a whole TCP segment,
 * is a RST or lacks ACK; -EOPNOTSUPP with an IPv6 routing header; -ENOSPC.
 */
int vtl_pkt_build_tcp_ack(u8 *buf, u32 size, const struct vtl_pkt *seg,
			  u16 window, u32 tsval)
{
	struct vtl_pkt_tcp tcp;
	int err;

	err = pkt_tcp_reply_init(&tcp, seg);
	if (err)
		return err;
	if (!(vtl_pkt_tcp_flags(seg) & VTL_TCP_ACK))
		return -EINVAL;
	tcp.seq = vtl_pkt_tcp_ack(seg);
	tcp.ack = vtl_pkt_tcp_seq(seg) + vtl_pkt_tcp_seg_len(seg);
	tcp.flags = VTL_TCP_ACK;
	tcp.window = window;
	if (seg->flags & VTL_PKT_TCP_TS) {
		tcp.opts = VTL_PKT_TCP_TS;
		tcp.tsval = tsval;
		tcp.tsecr = seg->tcp_tsval;
	}
	return vtl_pkt_build_tcp(buf, size, &tcp);
}

/**
 * vtl_pkt_build_tcp_rst - write a RST answering a TCP segment
 * @buf: where to write the frame, or NULL to learn its length; it may be
 *	the segment's own buffer
 * @size: bytes available at @buf
 * @seg: the parsed segment
 *
 * RFC 793 "Reset Generation": if the segment carries ACK, the RST takes its
 * sequence number from the segment's acknowledgment number; otherwise it
 * has sequence number 0 and is a RST|ACK acknowledging the whole segment.
 *
 * Return: the frame length; -EINVAL if @seg is not a whole TCP segment or
 * is itself a RST; -EOPNOTSUPP with an IPv6 routing header; -ENOSPC.
 */
int vtl_pkt_build_tcp_rst(u8 *buf, u32 size, const struct vtl_pkt *seg)
{
	struct vtl_pkt_tcp tcp;
	int err;

	err = pkt_tcp_reply_init(&tcp, seg);
	if (err)
		return err;
	if (vtl_pkt_tcp_flags(seg) & VTL_TCP_ACK) {
		tcp.seq = vtl_pkt_tcp_ack(seg);
		tcp.flags = VTL_TCP_RST;
	} else {
		tcp.ack = vtl_pkt_tcp_seq(seg) + vtl_pkt_tcp_seg_len(seg);
		tcp.flags = VTL_TCP_RST | VTL_TCP_ACK;
	}
	return vtl_pkt_build_tcp(buf, size, &tcp);
}

/**
 * vtl_pkt_build_arp_reply - write the ARP reply to an ARP request
 * @buf: where to write the frame, or NULL to learn its length; it may be
 *	the request's own buffer
 * @size: bytes available at @buf
 * @req: the parsed request
 * @mac: the hardware address that answers for the requested address
 *
 * The reply goes to the requester's hardware address, with the request's
 * VLAN tags, and is not padded to the Ethernet minimum (the device does).
 *
 * Return: the frame length; -EINVAL if @req is not an Ethernet/IPv4 ARP
 * request; -ENOSPC.
 */
int vtl_pkt_build_arp_reply(u8 *buf, u32 size, const struct vtl_pkt *req,
			    const u8 *mac)
{
	__be16 vlan_proto[VTL_PKT_MAX_VLAN], vlan_tci[VTL_PKT_MAX_VLAN];
	u8 sha[ETH_ALEN], src[ETH_ALEN];
	__be32 spa, tpa;
	u32 off, total;
	u8 *p;

	if (!(req->flags & VTL_PKT_ARP) ||
	    vtl_pkt_arp_op(req) != VTL_PKT_ARP_REQUEST)
		return -EINVAL;
	total = req->l3_off + VTL_PKT_ARP_LEN;
	if (!buf)
		return total;
	if (size < total)
		return -ENOSPC;

	/* Copy the request's fields first: @buf may be the request. */
	memcpy(sha, vtl_pkt_arp_sha(req), ETH_ALEN);
	memcpy(src, mac, ETH_ALEN);
	spa = vtl_pkt_arp_spa(req);
	tpa = vtl_pkt_arp_tpa(req);
	pkt_vlan_get(req, vlan_proto, vlan_tci);

	off = pkt_eth_write(buf, sha, src, req->nr_vlan, vlan_proto,
			    vlan_tci, ETH_P_ARP);
	p = buf + off;
	pkt_put16(p, 1);
	pkt_put16(p + 2, ETH_P_IP);
	p[4] = ETH_ALEN;
	p[5] = 4;
	pkt_put16(p + 6, VTL_PKT_ARP_REPLY);
	memcpy(p + 8, src, ETH_ALEN);
	memcpy(p + 14, &tpa, 4);
	memcpy(p + 18, sha, ETH_ALEN);
	memcpy(p + 24, &spa, 4);
	return off + VTL_PKT_ARP_LEN;
}

/* IPv4: is @a (network order) in 0/8, "this network" as a source? */
static bool pkt_ip4_this_net(const u8 *a)
{
	return a[0] == 0;
}

static bool pkt_ip6_unspecified(const u8 *a)
{
	static const u8 zero[16];

	return !memcmp(a, zero, sizeof(zero));
}

/*
 * May an ICMP error answer @pkt?  Not an ICMP error, a fragment other than
 * the first, a link-layer multicast or broadcast, nor a packet to a
 * multicast or broadcast address or from an address that is not one host's
 * (RFC 1122 3.2.2, RFC 4443 2.4(e)).
 */
static int pkt_icmp_err_allowed(const struct vtl_pkt *pkt)
{
	const u8 *ip = pkt->data + pkt->l3_off;

	if (!(pkt->flags & VTL_PKT_IP) || (pkt->flags & VTL_PKT_FRAG_LATER))
		return -EINVAL;
	if ((vtl_pkt_eth_dst(pkt)[0] & 1) || (vtl_pkt_eth_src(pkt)[0] & 1))
		return -EINVAL;
	if (pkt->flags & VTL_PKT_IPV4) {
		/* 224/4 multicast, 240/4 reserved, 255.255.255.255 */
		if (pkt_ip4_this_net(ip + 12) || ip[12] == 127 ||
		    ip[12] >= 224 || ip[16] >= 224)
			return -EINVAL;
		if (pkt_icmp_quotes(pkt))
			return -EINVAL;
		return 0;
	}
	/* ff00::/8 multicast */
	if (pkt_ip6_unspecified(ip + 8) || ip[8] == 0xff || ip[24] == 0xff)
		return -EINVAL;
	if ((pkt->flags & VTL_PKT_ICMPV6) &&
	    vtl_pkt_icmp_type(pkt) < PKT_ICMPV6_INFO_MSG)
		return -EINVAL;
	/* The answer would come from the final destination. */
	if (pkt->flags & VTL_PKT_RTHDR)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * vtl_pkt_build_icmp_unreach - write the ICMP port unreachable answering
 *	an IP packet
 * @buf: where to write the frame, or NULL to learn its length; it may be
 *	the packet's own buffer, or overlap it in any way
 * @size: bytes available at @buf
 * @pkt: the parsed packet
 *
 * What a firewall's reject sends, as iptables' REJECT does by default: for
 * IPv4 an ICMP destination unreachable, code 3 (port unreachable), for IPv6
 * an ICMPv6 destination unreachable, code 4 (port unreachable).  It goes
 * from the packet's destination to its source, Ethernet addresses swapped,
 * with the packet's VLAN tags.  As Linux's icmp_send() and icmp6_send():
 * IPv4 with TTL 64, TOS the packet's TOS bits with precedence "internetwork
 * control" (0xc0), DF clear and, here, ID 0 (vtl_pkt_set_ip4_id() may
 * change it; the skb glue does); IPv6 with hop limit 64, traffic class
 * and flow label 0.  Checksums are complete.
 *
 * It quotes the packet from its IP header on, as much as it has (up to
 * the IP datagram's end and within @pkt->len, the readable bytes) but no
 * more than keeps the ICMP datagram within %VTL_PKT_ICMP4_ERR_MAX bytes
 * (576, RFC 1812 4.3.2.3) or %VTL_PKT_ICMP6_ERR_MAX (1280, RFC 4443
 * 2.4(c)).  The quote is copied as it is, checksums included (a
 * CHECKSUM_PARTIAL packet's L4 check field holds only the seed, as in
 * Linux's own errors about such packets).  The frame is at most
 * %VTL_PKT_ICMP_ERR_BUILD_MAX bytes and not padded.
 *
 * Return: the frame length; -EINVAL if @pkt is not IP, is an ICMP error
 * (ICMP types 3, 4, 5, 11, 12, ICMPv6 types below 128) or a fragment other
 * than the first, was sent to an Ethernet multicast or broadcast address
 * or from a multicast Ethernet address, or has a source address that is
 * not one host's (IPv4 0/8, 127/8, 224/4 and 240/4, IPv6 :: and ff00::/8)
 * or a multicast or broadcast destination (IPv4 224/4, 240/4, IPv6
 * ff00::/8); -EOPNOTSUPP with an IPv6 routing header; -ENOSPC.
 */
int vtl_pkt_build_icmp_unreach(u8 *buf, u32 size, const struct vtl_pkt *pkt)
{
	__be16 vlan_proto[VTL_PKT_MAX_VLAN], vlan_tci[VTL_PKT_MAX_VLAN];
	u8 dst[ETH_ALEN], src[ETH_ALEN], saddr[16], daddr[16];
	bool v6 = pkt->flags & VTL_PKT_IPV6;
	u32 l3 = pkt->l3_off, l4, qlen, max, total, alen;
	const u8 *ip = pkt->data + l3;
	struct vtl_pkt out;
	u8 tos = 0, *p;
	int err;

	err = pkt_icmp_err_allowed(pkt);
	if (err)
		return err;
	qlen = (pkt->len < pkt->l3_end ? pkt->len : pkt->l3_end) - l3;
	max = v6 ? VTL_PKT_ICMP6_QUOTE_MAX : VTL_PKT_ICMP4_QUOTE_MAX;
	if (qlen > max)
		qlen = max;
	l4 = l3 + (v6 ? VTL_PKT_IP6_HLEN : VTL_PKT_IP4_HLEN);
	total = l4 + VTL_PKT_ICMP_HLEN + qlen;
	if (!buf)
		return total;
	if (size < total)
		return -ENOSPC;

	/*
	 * Copy the packet's fields, then move the quote, before writing
	 * anything else: @buf may be the packet.
	 */
	memcpy(dst, vtl_pkt_eth_src(pkt), ETH_ALEN);
	memcpy(src, vtl_pkt_eth_dst(pkt), ETH_ALEN);
	pkt_vlan_get(pkt, vlan_proto, vlan_tci);
	alen = v6 ? 16 : 4;
	memcpy(saddr, ip + (v6 ? 24 : 16), alen);
	memcpy(daddr, ip + (v6 ? 8 : 12), alen);
	if (!v6)
		tos = (ip[1] & PKT_IPTOS_TOS_MASK) |
		      PKT_IPTOS_PREC_INTERNETCONTROL;
	memmove(buf + l4 + VTL_PKT_ICMP_HLEN, ip, qlen);

	memset(buf + l3, 0, l4 + VTL_PKT_ICMP_HLEN - l3);
	pkt_eth_write(buf, dst, src, pkt->nr_vlan, vlan_proto, vlan_tci,
		      v6 ? ETH_P_IPV6 : ETH_P_IP);
	p = buf + l3;
	if (v6) {
		p[0] = 0x60;
		pkt_put16(p + 4, VTL_PKT_ICMP_HLEN + qlen);
		p[6] = IPPROTO_ICMPV6;
		p[7] = PKT_DEFAULT_TTL;
	} else {
		/* ID 0 and DF clear: the flags and offset stay zero */
		p[0] = 0x45;
		p[1] = tos;
		pkt_put16(p + 2, total - l3);
		p[8] = PKT_DEFAULT_TTL;
		p[9] = IPPROTO_ICMP;
	}
	memcpy(p + (v6 ? 8 : 12), saddr, alen);
	memcpy(p + (v6 ? 24 : 16), daddr, alen);
	buf[l4] = v6 ? PKT_ICMPV6_DEST_UNREACH : PKT_ICMP_DEST_UNREACH;
	buf[l4 + 1] = v6 ? PKT_ICMPV6_PORT_UNREACH : PKT_ICMP_PORT_UNREACH;

	err = vtl_pkt_parse(&out, buf, total, total);
	if (err)
		return err;
	if (!v6)
		vtl_pkt_ip4_csum_fill(&out);
	err = vtl_pkt_l4_csum_fill(&out);
	if (err)
		return err;
	return total;
}

/* ff02::1:ff00:0/104, the solicited-node multicast prefix (RFC 4291 2.7.1) */
static const u8 pkt_ip6_solicited_node[13] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff
};

/**
 * vtl_pkt_nd_target - the target of a neighbour solicitation to answer
 * @pkt: a parsed frame
 * @dad: duplicate address detection too
 *
 * A neighbour solicitation is valid (RFC 4861 7.1.1) with hop limit 255,
 * code 0, at least the 24 bytes up to its target, readable, and a target
 * that is not multicast.  One from :: is duplicate address detection, and
 * valid only to a solicited-node multicast address.  Only the address's
 * owner answers that: one that plays every host, as the daemon does the
 * VM's peers, must not (@dad false), or the VM could take no address.
 *
 * Return: the target (16 bytes in @pkt's data), or NULL if @pkt is not a
 * valid neighbour solicitation or is duplicate address detection and
 * @dad is false.
 */
const u8 *vtl_pkt_nd_target(const struct vtl_pkt *pkt, bool dad)
{
	u32 l4 = pkt->l4_off;
	const u8 *target;

	if (!(pkt->flags & VTL_PKT_ICMPV6) ||
	    vtl_pkt_icmp_type(pkt) != PKT_ND_SOLICIT ||
	    vtl_pkt_icmp_code(pkt) || vtl_pkt_ip_ttl(pkt) != PKT_ND_HOP_LIMIT ||
	    pkt->l4_end < l4 + VTL_PKT_ND_SOLICIT_LEN ||
	    pkt->len < l4 + VTL_PKT_ND_SOLICIT_LEN)
		return NULL;
	if (pkt_ip6_unspecified(vtl_pkt_ip6_saddr(pkt)) &&
	    (!dad || memcmp(vtl_pkt_ip6_daddr(pkt), pkt_ip6_solicited_node,
			    sizeof(pkt_ip6_solicited_node))))
		return NULL;
	target = pkt->data + l4 + PKT_ND_TARGET_OFF;
	return target[0] == 0xff ? NULL : target;
}

/**
 * vtl_pkt_build_nd_advert - write the neighbour advertisement answering a
 *	neighbour solicitation
 * @buf: where to write the frame, or NULL to learn its length; it may be
 *	the solicitation's own buffer
 * @size: bytes available at @buf
 * @ns: the parsed solicitation
 * @mac: the hardware address that answers for its target
 *
 * The advertisement (RFC 4861 4.4, 7.2.4) goes from the target to the
 * solicitation's source and hardware address, with its VLAN tags, hop
 * limit 255, the Solicited and Override flags set (the answer is
 * authoritative) and @mac as the target link-layer address option; or,
 * answering duplicate address detection, to all nodes (ff02::1) with
 * only the Override flag.  The checksum is complete.
 *
 * Return: the frame length; -EINVAL if vtl_pkt_nd_target() finds no
 * solicitation to answer, duplicate address detection included; -ENOSPC.
 */
int vtl_pkt_build_nd_advert(u8 *buf, u32 size, const struct vtl_pkt *ns,
			    const u8 *mac)
{
	__be16 vlan_proto[VTL_PKT_MAX_VLAN], vlan_tci[VTL_PKT_MAX_VLAN];
	u8 dst[ETH_ALEN], src[ETH_ALEN], target[16], to[16];
	static const u8 all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	const u8 *t = vtl_pkt_nd_target(ns, true);
	u32 l3 = ns->l3_off, l4, total;
	struct vtl_pkt out;
	u8 flags, *p;
	bool dad;
	int err;

	if (!t)
		return -EINVAL;
	l4 = l3 + VTL_PKT_IP6_HLEN;
	total = l4 + PKT_ND_ADVERT_LEN;
	if (!buf)
		return total;
	if (size < total)
		return -ENOSPC;

	/* Copy the solicitation's fields first: @buf may be the solicitation. */
	memcpy(target, t, sizeof(target));
	dad = pkt_ip6_unspecified(vtl_pkt_ip6_saddr(ns));
	memcpy(to, dad ? all_nodes : vtl_pkt_ip6_saddr(ns), sizeof(to));
	if (dad)	/* 33:33 and the low 32 bits (RFC 2464 7) */
		memcpy(dst, "\x33\x33\x00\x00\x00\x01", ETH_ALEN);
	else
		memcpy(dst, vtl_pkt_eth_src(ns), ETH_ALEN);
	flags = dad ? PKT_ND_ADVERT_OVERRIDE : PKT_ND_ADVERT_FLAGS;
	memcpy(src, mac, ETH_ALEN);
	pkt_vlan_get(ns, vlan_proto, vlan_tci);

	memset(buf + l3, 0, total - l3);
	pkt_eth_write(buf, dst, src, ns->nr_vlan, vlan_proto, vlan_tci,
		      ETH_P_IPV6);
	p = buf + l3;
	p[0] = 0x60;
	pkt_put16(p + 4, PKT_ND_ADVERT_LEN);
	p[6] = IPPROTO_ICMPV6;
	p[7] = PKT_ND_HOP_LIMIT;
	memcpy(p + 8, target, sizeof(target));
	memcpy(p + 24, to, sizeof(to));
	p = buf + l4;
	p[0] = PKT_ND_ADVERT;
	p[4] = flags;
	memcpy(p + PKT_ND_TARGET_OFF, target, sizeof(target));
	p[VTL_PKT_ND_SOLICIT_LEN] = PKT_ND_OPT_TARGET_LL;
	p[VTL_PKT_ND_SOLICIT_LEN + 1] = 1;	/* in units of 8 bytes */
	memcpy(p + VTL_PKT_ND_SOLICIT_LEN + 2, src, ETH_ALEN);

	err = vtl_pkt_parse(&out, buf, total, total);
	if (err)
		return err;
	err = vtl_pkt_l4_csum_fill(&out);
	if (err)
		return err;
	return total;
}
