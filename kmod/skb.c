// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access on skbs: the kernel glue of the packet library (lib/pkt.h).
 *
 * Where the frame is.  In an rx_handler (and in the bridge netfilter hooks)
 * skb->data is at the network header and the Ethernet header lies before it,
 * at skb_mac_header(); in an skb VTL builds, skb->data is at the Ethernet
 * header.  Either way the parser's view starts at the MAC header and ends
 * with the linear data: nothing past skb_headlen() is read, and the parser
 * says how much more it needs, which is pulled exactly.
 *
 * Checksums.  The setters keep every checksum right incrementally.  How
 * that maps to skb->ip_summed:
 * - CHECKSUM_NONE and CHECKSUM_UNNECESSARY: the full checksums in the
 *   packet are updated; a checksum that was right stays right, so
 *   CHECKSUM_UNNECESSARY stays true.
 * - CHECKSUM_PARTIAL: the L4 check field holds the pseudo-header sum that
 *   the device (or skb_checksum_help()) completes from csum_start, so only
 *   pseudo-header fields touch it (partial mode).  This needs csum_start and
 *   csum_offset to be our L4 header's checksum; other offloads (an inner
 *   header of a tunnel, SCTP's CRC) are refused.
 * - CHECKSUM_COMPLETE: skb->csum is the sum of everything from skb->data.
 *   Rather than downgrading to CHECKSUM_NONE, which would make the stack
 *   checksum the whole packet again, the edit sums the headers from
 *   skb->data before and after and moves skb->csum by the difference: the
 *   headers are a few dozen bytes, and this stays right whatever the
 *   setters changed (a pseudo-header field changes the L4 check with no
 *   compensating change, as inet_proto_csum_replace4() accounts for).
 *
 * GSO.  A GSO packet is CHECKSUM_PARTIAL, and segmentation rewrites per
 * segment the IP total length (IPv6 payload length), the IPv4 ID (counting
 * up from ours) and header checksum, the TCP sequence number (counting up
 * from ours), FIN, PSH and CWR, the UDP length, and completes each L4
 * checksum from the seed after adjusting it for that segment's length.  The
 * setters never touch a length, and partial mode changes the seed only for
 * addresses, so all of that stays right; setting SYN or RST, which would
 * be copied to every segment, is refused (vtl_pkt_set_tcp_flags()).  A GSO
 * packet that is not CHECKSUM_PARTIAL is refused outright.  BIG TCP GSO
 * packets, whose IP length field is 0, fail to parse (-EINVAL or -EPROTO):
 * pass them on untouched.
 *
 * Other L4 protocols with a pseudo-header checksum (DCCP, UDP-Lite, ...)
 * are not fixed up when an IP address changes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/if_vlan.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/checksum.h>

#include "skb.h"

/* Bytes of Ethernet header before skb->data: 0, or more at rx time. */
static int vtl_skb_mac_len(const struct sk_buff *skb)
{
	return skb->data - skb_mac_header(skb);
}

/**
 * vtl_skb_parse - parse the Ethernet frame of an skb
 * @skb: the frame, not shared (skb_share_check() first); its MAC header
 *	must be set and lie at or before skb->data
 * @pkt: the result, a view into @skb's linear data
 *
 * Pulls into the linear area exactly the headers the parser asks for, so
 * the view holds every header @pkt->flags announces; for an ICMP error,
 * also the headers of the packet it quotes, as far as the quote holds them
 * (vtl_pkt_parse_icmp_quote(), for vtl_model_key_icmp_error()).  Sets
 * %VTL_PKT_CSUM_PARTIAL for CHECKSUM_PARTIAL and %VTL_PKT_GSO for GSO.
 * The view is valid until @skb's head changes: after anything that may
 * reallocate it other than vtl_skb_edit_begin(), parse again.
 *
 * Return: 0; -ENOMEM if pulling failed; -EINVAL without a usable MAC
 * header; else as vtl_pkt_parse().
 */
int vtl_skb_parse(struct sk_buff *skb, struct vtl_pkt *pkt)
{
	struct vtl_pkt quote;
	int mac_len, err;

	if (!skb_mac_header_was_set(skb))
		return -EINVAL;
	mac_len = vtl_skb_mac_len(skb);
	if (mac_len < 0)
		return -EINVAL;

	/*
	 * Each -ENODATA asks for more than is linear, within the frame; once
	 * pulled, the parser gets past that point.  So this ends, after at
	 * most one pull per header (and per quoted header).
	 */
	for (;;) {
		err = vtl_pkt_parse(pkt, skb_mac_header(skb),
				    skb_headlen(skb) + mac_len,
				    skb->len + mac_len);
		/* An ICMP error's quote: its headers too, for its key. */
		if (!err && vtl_pkt_parse_icmp_quote(&quote, pkt) == -ENODATA) {
			err = -ENODATA;
			pkt->need = quote.need;
		}
		if (err != -ENODATA)
			break;
		if (!pskb_may_pull(skb, pkt->need - mac_len))
			return -ENOMEM;
	}
	if (err)
		return err;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		pkt->flags |= VTL_PKT_CSUM_PARTIAL;
	if (skb_is_gso(skb))
		pkt->flags |= VTL_PKT_GSO;
	return 0;
}

/**
 * vtl_skb_parse_more - parse an skb again with more of it in the view
 * @skb: the frame @pkt was parsed from with vtl_skb_parse()
 * @pkt: its parse, updated
 * @len: bytes of the frame, from its Ethernet header, the view must hold
 *	(no more than the frame has)
 *
 * For a service that reads past the headers, a neighbour solicitation's
 * target for instance.  The view is @skb's linear data, as before.
 *
 * Return: 0; -EINVAL if the frame is shorter than @len; -ENOMEM if pulling
 * failed; else as vtl_skb_parse().
 */
int vtl_skb_parse_more(struct sk_buff *skb, struct vtl_pkt *pkt, u32 len)
{
	int mac_len = vtl_skb_mac_len(skb);

	if (pkt->len >= len)
		return 0;
	if (len > skb->len + mac_len)
		return -EINVAL;
	if (!pskb_may_pull(skb, len - mac_len))
		return -ENOMEM;
	return vtl_skb_parse(skb, pkt);
}

/* Can the setters' checksum model describe this skb? */
static int vtl_skb_csum_supported(const struct sk_buff *skb,
				  const struct vtl_pkt *pkt)
{
	int mac_len = vtl_skb_mac_len(skb);
	u32 check = vtl_pkt_l4_csum_off(pkt);

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return skb_is_gso(skb) ? -EOPNOTSUPP : 0;
	/* The offload must be that of our L4 header's own checksum. */
	if (!check || skb_checksum_start_offset(skb) + mac_len != pkt->l4_off ||
	    skb->csum_offset != check - pkt->l4_off)
		return -EOPNOTSUPP;
	return 0;
}

/**
 * vtl_skb_edit_begin - make the headers of a parsed skb writable
 * @skb: the skb @pkt was parsed from
 * @pkt: its parse
 *
 * Makes every header up to @pkt->payload_off writable, unsharing a cloned
 * head (skb_ensure_writable()), and points @pkt at the new head.  Then the
 * vtl_pkt_set_*() and vtl_pkt_swap_*() setters may be called on @pkt, and
 * vtl_skb_edit_end() must follow before @skb goes anywhere.  See the top of
 * this file for how each ip_summed value and GSO are handled.
 *
 * Return: 0; -ENOMEM; -EOPNOTSUPP if @skb's checksum offload is not that
 * of its own L4 header, or it is GSO without CHECKSUM_PARTIAL.
 */
int vtl_skb_edit_begin(struct sk_buff *skb, struct vtl_pkt *pkt)
{
	int end = pkt->payload_off - vtl_skb_mac_len(skb);
	int err;

	err = vtl_skb_csum_supported(skb, pkt);
	if (err)
		return err;
	/*
	 * With @end <= 0 only the Ethernet header, in the headroom, is
	 * written: skb_ensure_writable(skb, 0) still unshares a cloned head.
	 */
	err = skb_ensure_writable(skb, max(end, 0));
	if (err)
		return err;
	pkt->data = skb_mac_header(skb);

	if (skb->ip_summed == CHECKSUM_COMPLETE && end > 0)
		pkt->csum_saved = (__force u32)csum_partial(skb->data, end, 0);
	return 0;
}

/**
 * vtl_skb_edit_end - finish the edits begun by vtl_skb_edit_begin()
 * @skb: the edited skb
 * @pkt: its parse
 *
 * For CHECKSUM_COMPLETE, moves skb->csum by what the edits changed in the
 * headers it covers.
 */
void vtl_skb_edit_end(struct sk_buff *skb, struct vtl_pkt *pkt)
{
	int end = pkt->payload_off - vtl_skb_mac_len(skb);
	__wsum now;

	if (skb->ip_summed != CHECKSUM_COMPLETE || end <= 0)
		return;
	now = csum_partial(skb->data, end, 0);
	skb->csum = csum_add(csum_sub(skb->csum,
				      (__force __wsum)pkt->csum_saved), now);
}

static struct sk_buff *vtl_skb_alloc(int len)
{
	struct sk_buff *skb;

	if (len < 0)
		return ERR_PTR(len);
	skb = alloc_skb(NET_SKB_PAD + NET_IP_ALIGN + len, GFP_ATOMIC);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put(skb, len);
	return skb;
}

/*
 * Set the metadata of a frame a builder wrote (returning @len) at @skb->data,
 * taking the hardware-accelerated VLAN tag of the skb answered, if any.
 */
static struct sk_buff *vtl_skb_finish(struct sk_buff *skb, int len,
				      const struct sk_buff *orig)
{
	struct vtl_pkt pkt;
	int err = len;

	if (len >= 0)
		err = vtl_pkt_parse(&pkt, skb->data, skb->len, skb->len);
	if (err) {
		kfree_skb(skb);
		return ERR_PTR(err < 0 ? err : -EINVAL);
	}
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, pkt.l3_off);
	skb_reset_mac_len(skb);
	if (pkt.flags & VTL_PKT_L4)
		skb_set_transport_header(skb, pkt.l4_off);
	/* The outer EtherType, as eth_type_trans() would have it. */
	skb->protocol = vtl_pkt_get_be16(&pkt, 2 * ETH_ALEN);
	/* Every checksum in the frame is complete. */
	skb->ip_summed = CHECKSUM_NONE;
	if (orig && skb_vlan_tag_present(orig))
		__vlan_hwaccel_put_tag(skb, orig->vlan_proto,
				       skb_vlan_tag_get(orig));
	return skb;
}

/**
 * vtl_skb_build_tcp - build a TCP segment from explicit fields
 * @tcp: the fields, see vtl_pkt_build_tcp()
 *
 * The new skb has skb->data at the Ethernet header, mac, network and
 * transport headers set, skb->protocol set to the outer EtherType and
 * complete checksums (CHECKSUM_NONE): set skb->dev and dev_queue_xmit() it,
 * or eth_type_trans() it first to hand it to a receive path.
 *
 * Return: the skb, or an ERR_PTR(): -ENOMEM, or as vtl_pkt_build_tcp().
 */
struct sk_buff *vtl_skb_build_tcp(const struct vtl_pkt_tcp *tcp)
{
	struct sk_buff *skb = vtl_skb_alloc(vtl_pkt_build_tcp(NULL, 0, tcp));

	if (IS_ERR(skb))
		return skb;
	return vtl_skb_finish(skb, vtl_pkt_build_tcp(skb->data, skb->len, tcp),
			      NULL);
}

/**
 * vtl_skb_build_model - build a segment of a modelled TCP connection
 * @m: the connection's model
 * @from: the endpoint it comes from
 * @tcp_flags: VTL_TCP_* flags
 * @window: the window to advertise, in bytes (scaled as @from scales)
 * @orig: a frame of the connection, for its hardware-accelerated VLAN
 *	tag; may be NULL
 *
 * A segment without payload, as vtl_model_build() makes it.
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * or as vtl_model_build().
 */
struct sk_buff *vtl_skb_build_model(const struct vtl_model *m,
				    enum vtl_ep_id from, u8 tcp_flags,
				    u32 window, const struct sk_buff *orig)
{
	struct sk_buff *skb;
	int len;

	skb = vtl_skb_alloc(vtl_model_build(m, from, tcp_flags, window, NULL,
					    0, NULL, 0));
	if (IS_ERR(skb))
		return skb;
	len = vtl_model_build(m, from, tcp_flags, window, NULL, 0, skb->data,
			      skb->len);
	return vtl_skb_finish(skb, len, orig);
}

/**
 * vtl_skb_build_tcp_ack - build a pure ACK answering a TCP segment
 * @skb: the segment's skb, for its hardware-accelerated VLAN tag
 * @seg: its parse
 * @window: the window field to advertise, see vtl_pkt_build_tcp_ack()
 * @tsval: timestamp value, if @seg carries timestamps
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * or as vtl_pkt_build_tcp_ack().
 */
struct sk_buff *vtl_skb_build_tcp_ack(const struct sk_buff *skb,
				      const struct vtl_pkt *seg, u16 window,
				      u32 tsval)
{
	struct sk_buff *nskb;
	int len;

	nskb = vtl_skb_alloc(vtl_pkt_build_tcp_ack(NULL, 0, seg, window,
						   tsval));
	if (IS_ERR(nskb))
		return nskb;
	len = vtl_pkt_build_tcp_ack(nskb->data, nskb->len, seg, window, tsval);
	return vtl_skb_finish(nskb, len, skb);
}

/**
 * vtl_skb_build_tcp_rst - build the RST answering a TCP segment
 * @skb: the segment's skb, for its hardware-accelerated VLAN tag
 * @seg: its parse
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * or as vtl_pkt_build_tcp_rst().
 */
struct sk_buff *vtl_skb_build_tcp_rst(const struct sk_buff *skb,
				      const struct vtl_pkt *seg)
{
	struct sk_buff *nskb;

	nskb = vtl_skb_alloc(vtl_pkt_build_tcp_rst(NULL, 0, seg));
	if (IS_ERR(nskb))
		return nskb;
	return vtl_skb_finish(nskb, vtl_pkt_build_tcp_rst(nskb->data,
							  nskb->len, seg),
			      skb);
}

/* An answer to @req written by @build, one of lib/pkt_build.c's builders. */
static struct sk_buff *
vtl_skb_build_answer(const struct sk_buff *skb, const struct vtl_pkt *req,
		     const u8 *mac,
		     int (*build)(u8 *buf, u32 size, const struct vtl_pkt *req,
				  const u8 *mac))
{
	struct sk_buff *nskb;

	nskb = vtl_skb_alloc(build(NULL, 0, req, mac));
	if (IS_ERR(nskb))
		return nskb;
	return vtl_skb_finish(nskb, build(nskb->data, nskb->len, req, mac),
			      skb);
}

/**
 * vtl_skb_build_arp_reply - build the ARP reply to an ARP request
 * @skb: the request's skb, for its hardware-accelerated VLAN tag
 * @req: its parse
 * @mac: the hardware address that answers for the requested address
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * or as vtl_pkt_build_arp_reply().
 */
struct sk_buff *vtl_skb_build_arp_reply(const struct sk_buff *skb,
					const struct vtl_pkt *req,
					const u8 *mac)
{
	return vtl_skb_build_answer(skb, req, mac, vtl_pkt_build_arp_reply);
}

/**
 * vtl_skb_build_nd_advert - build the neighbour advertisement answering a
 *	neighbour solicitation
 * @skb: the solicitation's skb, for its hardware-accelerated VLAN tag
 * @ns: its parse
 * @mac: the hardware address that answers for its target
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * or as vtl_pkt_build_nd_advert().
 */
struct sk_buff *vtl_skb_build_nd_advert(const struct sk_buff *skb,
					const struct vtl_pkt *ns,
					const u8 *mac)
{
	return vtl_skb_build_answer(skb, ns, mac, vtl_pkt_build_nd_advert);
}

/**
 * vtl_skb_build_icmp_unreach - build the ICMP port unreachable answering an
 *	IP packet
 * @skb: the packet's skb, for the quote and its hardware-accelerated VLAN
 *	tag; it is not changed
 * @pkt: its parse, unchanged since vtl_skb_parse()
 *
 * As vtl_pkt_build_icmp_unreach(), quoting the packet as far as it may,
 * from its paged data too (not only the headers @pkt's view holds); and,
 * for IPv4, with a random IP ID, as Linux's icmp_send() sends its
 * non-DF errors with an unpredictable one.
 *
 * Return: a new skb as from vtl_skb_build_tcp(), or an ERR_PTR(): -ENOMEM,
 * -EFAULT if @skb is shorter than @pkt says, or as
 * vtl_pkt_build_icmp_unreach().
 */
struct sk_buff *vtl_skb_build_icmp_unreach(const struct sk_buff *skb,
					   const struct vtl_pkt *pkt)
{
	int mac_len = vtl_skb_mac_len(skb), len;
	struct sk_buff *nskb;
	struct vtl_pkt copy;
	u32 want, max;

	len = vtl_pkt_build_icmp_unreach(NULL, 0, pkt);
	if (len < 0)
		return ERR_PTR(len);
	/*
	 * Copy the frame into the new skb up to the end of the longest quote
	 * (and at least up to the end of @pkt's headers, to parse it again),
	 * then answer it in place.
	 */
	max = pkt->flags & VTL_PKT_IPV6 ? VTL_PKT_ICMP6_QUOTE_MAX :
					  VTL_PKT_ICMP4_QUOTE_MAX;
	want = min_t(u32, pkt->l3_end, pkt->l3_off + max);
	want = max_t(u32, want, pkt->payload_off);
	if (mac_len < 0 || want < (u32)mac_len ||
	    want - mac_len > skb->len)
		return ERR_PTR(-EFAULT);
	nskb = vtl_skb_alloc(want + VTL_PKT_IP6_HLEN + VTL_PKT_ICMP_HLEN);
	if (IS_ERR(nskb))
		return nskb;
	memcpy(nskb->data, skb_mac_header(skb), mac_len);
	len = skb_copy_bits(skb, 0, nskb->data + mac_len, want - mac_len);
	if (!len)
		len = vtl_pkt_parse(&copy, nskb->data, want, pkt->frame_len);
	if (!len)
		len = vtl_pkt_build_icmp_unreach(nskb->data, nskb->len, &copy);
	if (len < 0) {
		kfree_skb(nskb);
		return ERR_PTR(len);
	}
	skb_trim(nskb, len);
	nskb = vtl_skb_finish(nskb, len, skb);
	if (!IS_ERR(nskb) && (pkt->flags & VTL_PKT_IPV4) &&
	    !vtl_pkt_parse(&copy, nskb->data, nskb->len, nskb->len))
		vtl_pkt_set_ip4_id(&copy, (u16)get_random_u32());
	return nskb;
}

#ifdef VTL_SELFTEST
#include "selftest/skb_selftest.c"
#endif
