// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access, the parser: an Ethernet frame (VLAN tags, ARP, IPv4, IPv6
 * and its extension headers, TCP and its options, UDP, ICMP and ICMPv6)
 * into the offsets and flags of a &struct vtl_pkt, and the packet an ICMP
 * error quotes.  Part of the packet library (pkt.h), pure code over a byte
 * view compiled into the module and into userspace alike.
 *
 * What keeps it safe on anything a guest sends: the parser reads a header
 * only after pkt_want() has checked that it lies within the readable bytes,
 * and sets a header's flag only once the header is validated; every getter
 * and setter checks that flag before touching the header.
 */

#include "pkt_internal.h"

static u16 pkt_get16(const struct vtl_pkt *pkt, u32 off)
{
	return be16_to_cpu(vtl_pkt_get_be16(pkt, off));
}

static u32 pkt_get32(const struct vtl_pkt *pkt, u32 off)
{
	return be32_to_cpu(vtl_pkt_get_be32(pkt, off));
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
bool vtl_pkt_icmp_quotes(const struct vtl_pkt *pkt)
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
	if (!vtl_pkt_icmp_quotes(pkt))
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
