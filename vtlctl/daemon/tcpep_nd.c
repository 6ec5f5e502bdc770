// SPDX-License-Identifier: GPL-2.0
/*
 * ARP and IPv6 neighbour discovery answers for tcpep; see tcpep_nd.h.
 */
#include "tcpep_nd.h"

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
	/* Not duplicate address detection: we play every host but the VM. */
	if (!vtl_pkt_nd_target(pkt, false))
		return 0;
	return vtl_pkt_build_nd_advert(buf, size, pkt, mac);
}
