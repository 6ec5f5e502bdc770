// SPDX-License-Identifier: GPL-2.0
/*
 * ARP and IPv6 neighbour discovery answers for tcpep; see tcpep_nd.h.
 */
#include "tcpep_nd.h"

#define ND_SOLICIT		135
#define ND_ADVERT		136
#define ND_OPT_TARGET_LLADDR	2
/* Solicited and Override (RFC 4861 4.4): we are the authority. */
#define ND_ADVERT_FLAGS		0x60
#define ND_HOP_LIMIT		255

/*
 * ARP: not probes (sender address 0, RFC 5227) nor gratuitous ARP (sender
 * and target the same): answering those would tell the VM that its own
 * address is taken.
 */
static int nd_arp(const struct vtl_pkt *pkt, const u8 *mac, u8 *buf,
		  u32 size)
{
	if (vtl_pkt_arp_op(pkt) != VTL_PKT_ARP_REQUEST ||
	    !vtl_pkt_arp_spa(pkt) ||
	    vtl_pkt_arp_spa(pkt) == vtl_pkt_arp_tpa(pkt))
		return 0;
	return vtl_pkt_build_arp_reply(buf, size, pkt, mac);
}

/*
 * A neighbour solicitation (RFC 4861 4.3): hop limit 255, code 0, at least
 * the 24 bytes up to the target.  Duplicate address detection (source ::)
 * is not answered, for the reason ARP probes are not.
 */
static int nd_solicit(const struct vtl_pkt *pkt, const u8 *mac, u8 *buf,
		      u32 size)
{
	static const u8 unspec[16];
	u32 l4 = pkt->l4_off, off, total, i;
	struct vtl_pkt na;
	u8 *p;

	if (vtl_pkt_icmp_type(pkt) != ND_SOLICIT || vtl_pkt_icmp_code(pkt) ||
	    vtl_pkt_ip_ttl(pkt) != ND_HOP_LIMIT ||
	    pkt->l4_end < l4 + 24 || pkt->len < l4 + 24 ||
	    !memcmp(vtl_pkt_ip6_saddr(pkt), unspec, 16))
		return 0;
	off = pkt->l3_off;
	total = off + VTL_PKT_IP6_HLEN + 32;
	if (size < total)
		return -ENOSPC;
	memset(buf, 0, total);
	/* Ethernet, with the solicitation's VLAN tags, back to its sender. */
	memcpy(buf, vtl_pkt_eth_src(pkt), ETH_ALEN);
	memcpy(buf + ETH_ALEN, mac, ETH_ALEN);
	for (i = 2 * ETH_ALEN; i < off; i++)
		buf[i] = pkt->data[i];
	p = buf + off;
	p[0] = 0x60;
	p[5] = 32;
	p[6] = IPPROTO_ICMPV6;
	p[7] = ND_HOP_LIMIT;
	memcpy(p + 8, pkt->data + l4 + 8, 16);	/* from the target */
	memcpy(p + 24, vtl_pkt_ip6_saddr(pkt), 16);
	p += VTL_PKT_IP6_HLEN;
	p[0] = ND_ADVERT;
	p[4] = ND_ADVERT_FLAGS;
	memcpy(p + 8, pkt->data + l4 + 8, 16);
	p[24] = ND_OPT_TARGET_LLADDR;
	p[25] = 1;
	memcpy(p + 26, mac, ETH_ALEN);
	if (vtl_pkt_parse(&na, buf, total, total) ||
	    vtl_pkt_l4_csum_fill(&na))
		return -EINVAL;
	return total;
}

/**
 * tcpep_nd_answer - the answer to an ARP request or neighbour solicitation
 * @pkt: a parsed frame from the VM
 * @mac: the MAC address to answer with
 * @buf: where to write the answer
 * @size: bytes at @buf (%TCPEP_ND_MAX is enough)
 *
 * Return: the answer's length; 0 if @pkt is not one to answer; -errno.
 */
int tcpep_nd_answer(const struct vtl_pkt *pkt, const u8 *mac, u8 *buf,
		    u32 size)
{
	if (pkt->flags & VTL_PKT_ARP)
		return nd_arp(pkt, mac, buf, size);
	if (pkt->flags & VTL_PKT_ICMPV6)
		return nd_solicit(pkt, mac, buf, size);
	return 0;
}
