/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet access on skbs: pkt.h's parser, setters and builders applied to
 * socket buffers.  Typical use, in an rx_handler:
 *
 *	struct vtl_pkt pkt;
 *
 *	if (vtl_skb_parse(skb, &pkt) || !(pkt.flags & VTL_PKT_TCP))
 *		return pass(skb);
 *	if (vtl_skb_edit_begin(skb, &pkt))
 *		return pass(skb);
 *	vtl_pkt_set_ip4_daddr(&pkt, new_daddr);
 *	vtl_pkt_set_dport(&pkt, new_dport);
 *	vtl_skb_edit_end(skb, &pkt);
 */
#ifndef _VTL_SKB_H
#define _VTL_SKB_H

#include "model.h"
#include "pkt.h"

struct sk_buff;

int vtl_skb_parse(struct sk_buff *skb, struct vtl_pkt *pkt);
int vtl_skb_parse_more(struct sk_buff *skb, struct vtl_pkt *pkt, u32 len);
int vtl_skb_edit_begin(struct sk_buff *skb, struct vtl_pkt *pkt);
void vtl_skb_edit_end(struct sk_buff *skb, struct vtl_pkt *pkt);

struct sk_buff *vtl_skb_build_tcp(const struct vtl_pkt_tcp *tcp);
struct sk_buff *vtl_skb_build_model(const struct vtl_model *m,
				    enum vtl_ep_id from, u8 tcp_flags,
				    u32 window, const struct sk_buff *orig);
struct sk_buff *vtl_skb_build_tcp_ack(const struct sk_buff *skb,
				      const struct vtl_pkt *seg, u16 window,
				      u32 tsval);
struct sk_buff *vtl_skb_build_tcp_rst(const struct sk_buff *skb,
				      const struct vtl_pkt *seg);
struct sk_buff *vtl_skb_build_arp_reply(const struct sk_buff *skb,
					const struct vtl_pkt *req,
					const u8 *mac);
struct sk_buff *vtl_skb_build_nd_advert(const struct sk_buff *skb,
					const struct vtl_pkt *ns,
					const u8 *mac);
struct sk_buff *vtl_skb_build_icmp_unreach(const struct sk_buff *skb,
					   const struct vtl_pkt *pkt);

#ifdef VTL_SELFTEST
bool vtl_pkt_selftest(void);
#else
static inline bool vtl_pkt_selftest(void)
{
	return true;
}
#endif

#endif /* _VTL_SKB_H */
