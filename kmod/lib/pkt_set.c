// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access, the field setters: Ethernet and ARP addresses, IPv4 and
 * IPv6 addresses, TTL and ID, ports, TCP sequence numbers, flags, window
 * and options, each written with every checksum covering it kept right.
 * Part of the packet library (pkt.h), pure code compiled into the module
 * and into userspace alike.
 *
 * A setter writes only bytes inside headers the parser validated, below
 * @payload_off, so the skb glue need make only the headers writable.
 */

#include "pkt_internal.h"

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
		vtl_pkt_csum_replace(d + pkt->l3_off + 10, from, to, false);
	if (cover & (COVER_L4 | COVER_PSEUDO))
		vtl_pkt_l4_csum_replace(pkt, from, to, cover & COVER_PSEUDO);
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
