// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access, the builders: whole frames written from scratch or
 * derived from a parsed one (a TCP segment, the ACK or RST answering one,
 * an ARP reply, an ICMP or ICMPv6 port unreachable, a neighbour
 * advertisement), with their checksums complete, and the neighbour
 * solicitations there is one to answer.  Part of the packet library
 * (pkt.h), pure code compiled into the module and into userspace alike.
 */

#include "pkt_internal.h"

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
		if (vtl_pkt_icmp_quotes(pkt))
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
