/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet access: parse an Ethernet frame once into a small struct of
 * offsets, then read and write its fields through typed getters and setters
 * that keep the checksums right.
 *
 * This is pure code over a byte view (no skb) shared by the kernel module
 * and userspace; skb.c is the kernel glue.  pkt_parse.c holds the parser,
 * pkt_csum.c the checksums, pkt_set.c the field setters and pkt_build.c
 * the builders.
 *
 * Byte order: addresses, ports and EtherTypes are big endian (__be16,
 * __be32, or byte arrays) as in the kernel's own headers; numbers a service
 * computes with (sequence numbers, windows, lengths, TTL, IP ID, MSS) are in
 * host order.
 */
#ifndef _VTL_PKT_H
#define _VTL_PKT_H

#include "compat.h"

/* Header sizes, as the parser reads them. */
#define VTL_PKT_VLAN_HLEN	4
#define VTL_PKT_MAX_VLAN	2
#define VTL_PKT_ARP_LEN		28	/* Ethernet/IPv4 ARP */
#define VTL_PKT_ND_SOLICIT_LEN	24	/* ND solicitation, to its target */
#define VTL_PKT_IP4_HLEN	20
#define VTL_PKT_IP6_HLEN	40
#define VTL_PKT_TCP_HLEN	20
#define VTL_PKT_UDP_HLEN	8
#define VTL_PKT_ICMP_HLEN	8	/* ICMP and ICMPv6 */
#define VTL_PKT_IP6_MAX_EXT	8	/* extension headers walked, at most */

/*
 * ICMP errors: the largest datagram each family's error may be, quote
 * included (RFC 1812 4.3.2.3, RFC 4443 2.4(c)), the quote it leaves room
 * for, and the largest frame vtl_pkt_build_icmp_unreach() writes.
 */
#define VTL_PKT_ICMP4_ERR_MAX	576
#define VTL_PKT_ICMP6_ERR_MAX	1280
#define VTL_PKT_ICMP4_QUOTE_MAX	(VTL_PKT_ICMP4_ERR_MAX - VTL_PKT_IP4_HLEN - \
				 VTL_PKT_ICMP_HLEN)
#define VTL_PKT_ICMP6_QUOTE_MAX	(VTL_PKT_ICMP6_ERR_MAX - VTL_PKT_IP6_HLEN - \
				 VTL_PKT_ICMP_HLEN)
#define VTL_PKT_ICMP_ERR_BUILD_MAX (ETH_HLEN + \
				 VTL_PKT_MAX_VLAN * VTL_PKT_VLAN_HLEN + \
				 VTL_PKT_ICMP6_ERR_MAX)
/* The bytes of the offending packet's L4 header an ICMP error must quote */
#define VTL_PKT_QUOTE_L4_LEN	8

/* The largest frame the TCP builders write before the payload. */
#define VTL_PKT_TCP_BUILD_HLEN	(ETH_HLEN + \
				 VTL_PKT_MAX_VLAN * VTL_PKT_VLAN_HLEN + \
				 VTL_PKT_IP6_HLEN + VTL_PKT_TCP_HLEN + 40)

#define VTL_PKT_ARP_REQUEST	1
#define VTL_PKT_ARP_REPLY	2

/* TCP flags, as in the 14th byte of the TCP header. */
#define VTL_TCP_FIN		0x01
#define VTL_TCP_SYN		0x02
#define VTL_TCP_RST		0x04
#define VTL_TCP_PSH		0x08
#define VTL_TCP_ACK		0x10
#define VTL_TCP_URG		0x20
#define VTL_TCP_ECE		0x40
#define VTL_TCP_CWR		0x80

/**
 * enum vtl_pkt_flags - what the parser found, and how the caller wants it
 * @VTL_PKT_ARP: an Ethernet/IPv4 ARP packet (other ARP is left unparsed)
 * @VTL_PKT_IPV4: an IPv4 header, its options and total length checked
 * @VTL_PKT_IPV6: an IPv6 header and its extension headers
 * @VTL_PKT_TCP: a TCP header, with its options
 * @VTL_PKT_UDP: a UDP header
 * @VTL_PKT_ICMP: an ICMP header (over IPv4)
 * @VTL_PKT_ICMPV6: an ICMPv6 header (over IPv6)
 * @VTL_PKT_FRAG: the IP packet is a fragment; its L4 checksum covers the
 *	reassembled datagram, so it can be updated but not computed
 * @VTL_PKT_FRAG_LATER: a fragment other than the first: no L4 header
 * @VTL_PKT_RTHDR: an IPv6 routing header with segments left: the L4
 *	pseudo-header holds the final destination, not the IPv6 destination
 * @VTL_PKT_TCP_MSS: the TCP MSS option is present
 * @VTL_PKT_TCP_WSCALE: the TCP window scale option is present
 * @VTL_PKT_TCP_SACKOK: the TCP SACK-permitted option is present
 * @VTL_PKT_TCP_TS: the TCP timestamps option is present
 * @VTL_PKT_CSUM_PARTIAL: set by the caller after parsing: the L4 check
 *	field holds only the pseudo-header sum, to be completed by the
 *	device or the stack (CHECKSUM_PARTIAL, and every GSO packet)
 * @VTL_PKT_GSO: set by the caller after parsing: the packet will be
 *	segmented, so setters refuse what segmentation would get wrong
 */
enum vtl_pkt_flags {
	VTL_PKT_ARP		= BIT(0),
	VTL_PKT_IPV4		= BIT(1),
	VTL_PKT_IPV6		= BIT(2),
	VTL_PKT_TCP		= BIT(3),
	VTL_PKT_UDP		= BIT(4),
	VTL_PKT_ICMP		= BIT(5),
	VTL_PKT_ICMPV6		= BIT(6),
	VTL_PKT_FRAG		= BIT(7),
	VTL_PKT_FRAG_LATER	= BIT(8),
	VTL_PKT_RTHDR		= BIT(9),
	VTL_PKT_TCP_MSS		= BIT(10),
	VTL_PKT_TCP_WSCALE	= BIT(11),
	VTL_PKT_TCP_SACKOK	= BIT(12),
	VTL_PKT_TCP_TS		= BIT(13),
	VTL_PKT_CSUM_PARTIAL	= BIT(14),
	VTL_PKT_GSO		= BIT(15),
};

#define VTL_PKT_IP		(VTL_PKT_IPV4 | VTL_PKT_IPV6)
#define VTL_PKT_L4		(VTL_PKT_TCP | VTL_PKT_UDP | VTL_PKT_ICMP | \
				 VTL_PKT_ICMPV6)

/**
 * struct vtl_pkt - a parsed Ethernet frame: a byte view and header offsets
 * @data: the frame, from the Ethernet destination address
 * @len: bytes readable at @data; every header the flags announce lies
 *	within them
 * @frame_len: bytes in the whole frame (more than @len when the rest is
 *	not linear); IP lengths are checked against it
 * @need: after -ENODATA, how many bytes from @data must be readable for
 *	the parser to go on
 * @flags: &enum vtl_pkt_flags
 * @eth_proto: the EtherType after the VLAN tags
 * @nr_vlan: in-band 802.1Q/802.1ad tags, at most %VTL_PKT_MAX_VLAN
 * @l4_proto: IPPROTO_* after the IPv6 extension headers; 0 without IP
 * @l3_off: offset of the ARP or IP header (or of the payload of an
 *	unknown EtherType)
 * @l4_off: offset of the L4 header, or of fragment data; 0 without IP
 * @payload_off: end of the last header parsed: where the L4 payload starts
 * @tcp_mss_off: offset of the MSS option's value, with %VTL_PKT_TCP_MSS
 * @tcp_ts_off: offset of the timestamp values, with %VTL_PKT_TCP_TS
 * @tcp_mss: the MSS option, host order
 * @tcp_wscale: the window scale option's shift count
 * @tcp_tsval: the timestamp value, host order
 * @tcp_tsecr: the timestamp echo reply, host order
 * @l3_end: end of the ARP packet or IP datagram (from the IP length field;
 *	Ethernet padding lies after it), else @frame_len
 * @l4_end: end of the L4 datagram the L4 checksum covers: the UDP length
 *	field for UDP, else @l3_end
 * @csum_saved: private to the skb glue
 *
 * Every offset counts from @data.  Only the headers whose flag is set are
 * valid: getters return 0 (or NULL) and setters -EINVAL for the others.
 */
struct vtl_pkt {
	u8 *data;
	u32 len;
	u32 frame_len;
	u32 need;
	u32 flags;
	__be16 eth_proto;
	u8 nr_vlan;
	u8 l4_proto;
	u16 l3_off;
	u16 l4_off;
	u16 payload_off;
	u16 tcp_mss_off;
	u16 tcp_ts_off;
	u16 tcp_mss;
	u8 tcp_wscale;
	u32 tcp_tsval;
	u32 tcp_tsecr;
	u32 l3_end;
	u32 l4_end;
	u32 csum_saved;
};

/**
 * struct vtl_pkt_tcp - every field of a TCP segment to build
 * @eth_dst: destination MAC address
 * @eth_src: source MAC address
 * @nr_vlan: in-band VLAN tags to write, at most %VTL_PKT_MAX_VLAN
 * @vlan_proto: their TPIDs (ETH_P_8021Q or ETH_P_8021AD), outer first
 * @vlan_tci: their tag control information
 * @ipv6: IPv6 if true, else IPv4
 * @saddr: source address: 4 bytes for IPv4, 16 for IPv6
 * @daddr: destination address, likewise
 * @ttl: IPv4 TTL or IPv6 hop limit
 * @tos: IPv4 TOS or IPv6 traffic class
 * @ip_id: IPv4 identification, host order (DF is always set)
 * @sport: source port
 * @dport: destination port
 * @seq: sequence number, host order
 * @ack: acknowledgment number, host order
 * @flags: VTL_TCP_* flags
 * @window: the window field as sent (unscaled), host order
 * @opts: which options to write: %VTL_PKT_TCP_MSS, %VTL_PKT_TCP_WSCALE,
 *	%VTL_PKT_TCP_SACKOK, %VTL_PKT_TCP_TS
 * @mss: MSS option, host order
 * @wscale: window scale shift count
 * @tsval: timestamp value, host order
 * @tsecr: timestamp echo reply, host order
 * @payload: bytes to carry, or NULL when @payload_len is 0 or with
 *	@payload_ext; they may be in place already, at the end of the frame
 *	being built
 * @payload_len: their number
 * @csum_partial: leave only the pseudo-header sum in the TCP checksum field
 *	(%VTL_PKT_CSUM_PARTIAL), for a device or the stack to complete
 * @payload_ext: write the headers only: the caller sends the
 *	@payload_len bytes after them from elsewhere; needs @csum_partial
 */
struct vtl_pkt_tcp {
	u8 eth_dst[ETH_ALEN];
	u8 eth_src[ETH_ALEN];
	u8 nr_vlan;
	__be16 vlan_proto[VTL_PKT_MAX_VLAN];
	__be16 vlan_tci[VTL_PKT_MAX_VLAN];
	bool ipv6;
	union {
		__be32 ip4;
		u8 ip6[16];
	} saddr, daddr;
	u8 ttl;
	u8 tos;
	u16 ip_id;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack;
	u8 flags;
	u16 window;
	u32 opts;
	u16 mss;
	u8 wscale;
	u32 tsval;
	u32 tsecr;
	const void *payload;
	u32 payload_len;
	bool csum_partial;
	bool payload_ext;
};

/* Parsing */
int vtl_pkt_parse(struct vtl_pkt *pkt, u8 *data, u32 len, u32 frame_len);
int vtl_pkt_parse_icmp_quote(struct vtl_pkt *quote, const struct vtl_pkt *pkt);

/* Checksum arithmetic: 32-bit one's complement sums, as the kernel's __wsum */
u32 vtl_pkt_csum_add(u32 sum, u32 addend);
u32 vtl_pkt_csum_bytes(const void *buf, u32 len, u32 sum);
__sum16 vtl_pkt_csum_fold(u32 sum);

/* Checksums from scratch */
int vtl_pkt_ip4_csum_fill(struct vtl_pkt *pkt);
int vtl_pkt_ip4_csum_check(const struct vtl_pkt *pkt);
u32 vtl_pkt_l4_pseudo_sum(const struct vtl_pkt *pkt);
int vtl_pkt_l4_csum_fill(struct vtl_pkt *pkt);
int vtl_pkt_l4_csum_check(const struct vtl_pkt *pkt);

/* Setters */
int vtl_pkt_set_eth_dst(struct vtl_pkt *pkt, const u8 *mac);
int vtl_pkt_set_eth_src(struct vtl_pkt *pkt, const u8 *mac);
int vtl_pkt_swap_eth(struct vtl_pkt *pkt);
int vtl_pkt_set_arp_op(struct vtl_pkt *pkt, u16 op);
int vtl_pkt_set_arp_sha(struct vtl_pkt *pkt, const u8 *mac);
int vtl_pkt_set_arp_tha(struct vtl_pkt *pkt, const u8 *mac);
int vtl_pkt_set_arp_spa(struct vtl_pkt *pkt, __be32 addr);
int vtl_pkt_set_arp_tpa(struct vtl_pkt *pkt, __be32 addr);
int vtl_pkt_set_ip4_saddr(struct vtl_pkt *pkt, __be32 addr);
int vtl_pkt_set_ip4_daddr(struct vtl_pkt *pkt, __be32 addr);
int vtl_pkt_set_ip4_id(struct vtl_pkt *pkt, u16 id);
int vtl_pkt_set_ip6_saddr(struct vtl_pkt *pkt, const u8 *addr);
int vtl_pkt_set_ip6_daddr(struct vtl_pkt *pkt, const u8 *addr);
int vtl_pkt_set_ip_ttl(struct vtl_pkt *pkt, u8 ttl);
int vtl_pkt_swap_ip(struct vtl_pkt *pkt);
int vtl_pkt_set_sport(struct vtl_pkt *pkt, __be16 port);
int vtl_pkt_set_dport(struct vtl_pkt *pkt, __be16 port);
int vtl_pkt_swap_ports(struct vtl_pkt *pkt);
int vtl_pkt_set_tcp_seq(struct vtl_pkt *pkt, u32 seq);
int vtl_pkt_set_tcp_ack(struct vtl_pkt *pkt, u32 ack);
int vtl_pkt_set_tcp_flags(struct vtl_pkt *pkt, u8 flags);
int vtl_pkt_set_tcp_window(struct vtl_pkt *pkt, u16 window);
int vtl_pkt_set_tcp_mss(struct vtl_pkt *pkt, u16 mss);
int vtl_pkt_set_tcp_ts(struct vtl_pkt *pkt, u32 tsval, u32 tsecr);

/* Builders: the frame length, or -errno; with a NULL @buf, only the length */
int vtl_pkt_build_tcp(u8 *buf, u32 size, const struct vtl_pkt_tcp *tcp);
int vtl_pkt_build_tcp_ack(u8 *buf, u32 size, const struct vtl_pkt *seg,
			  u16 window, u32 tsval);
int vtl_pkt_build_tcp_rst(u8 *buf, u32 size, const struct vtl_pkt *seg);
int vtl_pkt_build_arp_reply(u8 *buf, u32 size, const struct vtl_pkt *req,
			    const u8 *mac);
int vtl_pkt_build_icmp_unreach(u8 *buf, u32 size, const struct vtl_pkt *pkt);
int vtl_pkt_build_nd_advert(u8 *buf, u32 size, const struct vtl_pkt *ns,
			    const u8 *mac);
const u8 *vtl_pkt_nd_target(const struct vtl_pkt *pkt, bool dad);

/*
 * Getters.  Each reads a header the flags announce, so it never reads past
 * @len; for an absent header it returns 0 (NULL for an address).
 */

static inline __be16 vtl_pkt_get_be16(const struct vtl_pkt *pkt, u32 off)
{
	__be16 v;

	memcpy(&v, pkt->data + off, sizeof(v));
	return v;
}

static inline __be32 vtl_pkt_get_be32(const struct vtl_pkt *pkt, u32 off)
{
	__be32 v;

	memcpy(&v, pkt->data + off, sizeof(v));
	return v;
}

/* Ethernet: valid after any successful parse. */
static inline u8 *vtl_pkt_eth_dst(const struct vtl_pkt *pkt)
{
	return pkt->data;
}

static inline u8 *vtl_pkt_eth_src(const struct vtl_pkt *pkt)
{
	return pkt->data + ETH_ALEN;
}

/**
 * vtl_pkt_vlan_tci - tag control information of an in-band VLAN tag
 * @pkt: parsed frame
 * @i: 0 for the outer tag, 1 for the inner one
 *
 * Return: the TCI in host order, 0 if there is no such tag.
 */
static inline u16 vtl_pkt_vlan_tci(const struct vtl_pkt *pkt, unsigned int i)
{
	if (i >= pkt->nr_vlan)
		return 0;
	return be16_to_cpu(vtl_pkt_get_be16(pkt, 2 * ETH_ALEN + 2 +
					    i * VTL_PKT_VLAN_HLEN));
}

static inline __be16 vtl_pkt_vlan_proto(const struct vtl_pkt *pkt,
					unsigned int i)
{
	if (i >= pkt->nr_vlan)
		return 0;
	return vtl_pkt_get_be16(pkt, 2 * ETH_ALEN + i * VTL_PKT_VLAN_HLEN);
}

/* ARP, Ethernet/IPv4 only */
static inline u16 vtl_pkt_arp_op(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return 0;
	return be16_to_cpu(vtl_pkt_get_be16(pkt, pkt->l3_off + 6));
}

static inline u8 *vtl_pkt_arp_sha(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_ARP ? pkt->data + pkt->l3_off + 8 : NULL;
}

static inline __be32 vtl_pkt_arp_spa(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return 0;
	return vtl_pkt_get_be32(pkt, pkt->l3_off + 14);
}

static inline u8 *vtl_pkt_arp_tha(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_ARP ? pkt->data + pkt->l3_off + 18 : NULL;
}

static inline __be32 vtl_pkt_arp_tpa(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_ARP))
		return 0;
	return vtl_pkt_get_be32(pkt, pkt->l3_off + 24);
}

/* IPv4 */
static inline __be32 vtl_pkt_ip4_saddr(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return 0;
	return vtl_pkt_get_be32(pkt, pkt->l3_off + 12);
}

static inline __be32 vtl_pkt_ip4_daddr(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return 0;
	return vtl_pkt_get_be32(pkt, pkt->l3_off + 16);
}

static inline u16 vtl_pkt_ip4_id(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return 0;
	return be16_to_cpu(vtl_pkt_get_be16(pkt, pkt->l3_off + 4));
}

/* IPv6: the 16 address bytes in the frame */
static inline u8 *vtl_pkt_ip6_saddr(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_IPV6 ? pkt->data + pkt->l3_off + 8 : NULL;
}

static inline u8 *vtl_pkt_ip6_daddr(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_IPV6 ? pkt->data + pkt->l3_off + 24 : NULL;
}

/* IPv4 TTL or IPv6 hop limit */
static inline u8 vtl_pkt_ip_ttl(const struct vtl_pkt *pkt)
{
	if (pkt->flags & VTL_PKT_IPV4)
		return pkt->data[pkt->l3_off + 8];
	if (pkt->flags & VTL_PKT_IPV6)
		return pkt->data[pkt->l3_off + 7];
	return 0;
}

/* TCP and UDP ports */
static inline __be16 vtl_pkt_sport(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)))
		return 0;
	return vtl_pkt_get_be16(pkt, pkt->l4_off);
}

static inline __be16 vtl_pkt_dport(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)))
		return 0;
	return vtl_pkt_get_be16(pkt, pkt->l4_off + 2);
}

/* TCP */
static inline u32 vtl_pkt_tcp_seq(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_TCP))
		return 0;
	return be32_to_cpu(vtl_pkt_get_be32(pkt, pkt->l4_off + 4));
}

static inline u32 vtl_pkt_tcp_ack(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_TCP))
		return 0;
	return be32_to_cpu(vtl_pkt_get_be32(pkt, pkt->l4_off + 8));
}

static inline u8 vtl_pkt_tcp_flags(const struct vtl_pkt *pkt)
{
	return pkt->flags & VTL_PKT_TCP ? pkt->data[pkt->l4_off + 13] : 0;
}

static inline u16 vtl_pkt_tcp_window(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_TCP))
		return 0;
	return be16_to_cpu(vtl_pkt_get_be16(pkt, pkt->l4_off + 14));
}

/* ICMP and ICMPv6 */
static inline u8 vtl_pkt_icmp_type(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & (VTL_PKT_ICMP | VTL_PKT_ICMPV6)))
		return 0;
	return pkt->data[pkt->l4_off];
}

static inline u8 vtl_pkt_icmp_code(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & (VTL_PKT_ICMP | VTL_PKT_ICMPV6)))
		return 0;
	return pkt->data[pkt->l4_off + 1];
}

/* Offset of the L4 checksum field, or 0 without a TCP/UDP/ICMP header */
static inline u32 vtl_pkt_l4_csum_off(const struct vtl_pkt *pkt)
{
	if (pkt->flags & VTL_PKT_TCP)
		return pkt->l4_off + 16;
	if (pkt->flags & VTL_PKT_UDP)
		return pkt->l4_off + 6;
	if (pkt->flags & (VTL_PKT_ICMP | VTL_PKT_ICMPV6))
		return pkt->l4_off + 2;
	return 0;
}

/*
 * Bytes of L4 payload (or of fragment data, or of whatever follows the last
 * header parsed), without Ethernet padding; they need not be readable.
 */
static inline u32 vtl_pkt_payload_len(const struct vtl_pkt *pkt)
{
	return pkt->l4_end - pkt->payload_off;
}

/*
 * Sequence space a TCP segment occupies: its payload, plus one for SYN and
 * one for FIN.
 */
static inline u32 vtl_pkt_tcp_seg_len(const struct vtl_pkt *pkt)
{
	u8 flags = vtl_pkt_tcp_flags(pkt);

	if (!(pkt->flags & VTL_PKT_TCP))
		return 0;
	return vtl_pkt_payload_len(pkt) + !!(flags & VTL_TCP_SYN) +
	       !!(flags & VTL_TCP_FIN);
}

#endif /* _VTL_PKT_H */
