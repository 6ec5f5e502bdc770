/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's neighbours: tcpep answers every ARP request and IPv6 neighbour
 * solicitation from the VM with its own MAC address, whatever the address
 * asked for, because it plays every host (and the gateway) the VM talks to.
 */
#ifndef VTLCTL_TCPEP_ND_H
#define VTLCTL_TCPEP_ND_H

#include "../../kmod/lib/pkt.h"

/* The largest frame tcpep_nd_answer() writes. */
#define TCPEP_ND_MAX	(ETH_HLEN + VTL_PKT_MAX_VLAN * VTL_PKT_VLAN_HLEN + \
			 VTL_PKT_IP6_HLEN + 32)

int tcpep_nd_answer(const struct vtl_pkt *pkt, const u8 *mac, u8 *buf,
		    u32 size);

#endif /* VTLCTL_TCPEP_ND_H */
