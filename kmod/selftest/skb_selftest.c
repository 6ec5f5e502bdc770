// SPDX-License-Identifier: GPL-2.0
/*
 * Self-tests of the skb glue, #included by skb.c in a VTL_SELFTEST build and
 * run at module load.  The pure parser and setters are tested in userspace
 * (selftests/unit); these check what only a kernel has: skbs with the MAC
 * header before skb->data as in an rx_handler, non-linear skbs whose headers
 * must be pulled, cloned heads, CHECKSUM_PARTIAL completed by
 * skb_checksum_help(), CHECKSUM_COMPLETE, GSO, hardware-accelerated VLAN
 * tags, the skbs the builders allocate, and ICMP errors quoting paged data.
 */

#include <linux/etherdevice.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#define ST_FRAME_MAX	256
#define ST_PAYLOAD	64

#define ST_CHECK(cond) do {						\
	if (!(cond)) {							\
		pr_err("packet self-test %s:%d: %s: FAIL\n",		\
		       __func__, __LINE__, #cond);			\
		ok = false;						\
	}								\
} while (0)

static const u8 st_mac_vm[ETH_ALEN] __initconst = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56
};

static const u8 st_mac_gw[ETH_ALEN] __initconst = {
	0x52, 0x54, 0x00, 0xab, 0xcd, 0xef
};

/* A TCP segment from the VM, 64 bytes of payload, with timestamps. */
static int __init st_tcp_frame(u8 *buf, bool ipv6)
{
	struct vtl_pkt_tcp t = {
		.ipv6 = ipv6,
		.ttl = 64,
		.ip_id = 4321,
		.seq = 1000000,
		.ack = 2000000,
		.flags = VTL_TCP_ACK | VTL_TCP_PSH,
		.window = 502,
		.opts = VTL_PKT_TCP_TS,
		.tsval = 111,
		.tsecr = 222,
		.payload_len = ST_PAYLOAD,
	};
	u8 payload[ST_PAYLOAD];
	unsigned int i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i * 7 + 1;
	t.payload = payload;
	memcpy(t.eth_dst, st_mac_gw, ETH_ALEN);
	memcpy(t.eth_src, st_mac_vm, ETH_ALEN);
	t.sport = htons(43210);
	t.dport = htons(80);
	if (ipv6) {
		t.saddr.ip6[0] = 0xfd;
		t.saddr.ip6[15] = 2;
		t.daddr.ip6[0] = 0xfd;
		t.daddr.ip6[15] = 1;
	} else {
		t.saddr.ip4 = htonl(0x0a000002);
		t.daddr.ip4 = htonl(0x0a000001);
	}
	return vtl_pkt_build_tcp(buf, ST_FRAME_MAX, &t);
}

/* An ARP request from the VM for 10.0.0.1. */
static int __init st_arp_frame(u8 *buf)
{
	static const u8 req[] __initconst = {
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 0, 2,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
	};

	eth_broadcast_addr(buf);
	memcpy(buf + ETH_ALEN, st_mac_vm, ETH_ALEN);
	*(__be16 *)(buf + 2 * ETH_ALEN) = htons(ETH_P_ARP);
	memcpy(buf + ETH_HLEN, req, sizeof(req));
	return ETH_HLEN + sizeof(req);
}

/*
 * An skb holding @frame as an rx_handler sees it: skb->data at the network
 * header, the Ethernet header before it.  Only the first @linear bytes are in
 * the head; the rest is in a page fragment.
 */
static struct sk_buff *__init st_skb(const u8 *frame, int len, int linear)
{
	struct sk_buff *skb;
	struct page *page;

	if (linear > len)
		linear = len;
	skb = alloc_skb(NET_SKB_PAD + linear, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb_put_data(skb, frame, linear);
	if (len > linear) {
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		memcpy(page_address(page), frame + linear, len - linear);
		skb_fill_page_desc(skb, 0, page, 0, len - linear);
		skb->len += len - linear;
		skb->data_len += len - linear;
		skb->truesize += PAGE_SIZE;
	}
	skb_reset_mac_header(skb);
	skb->protocol = *(__be16 *)(frame + 2 * ETH_ALEN);
	skb_pull(skb, ETH_HLEN);
	return skb;
}

/* Are @skb's IPv4 header and L4 checksums right, summed from scratch? */
static bool __init st_csum_ok(struct sk_buff *skb)
{
	int mac_len = skb->data - skb_mac_header(skb);
	struct vtl_pkt pkt;
	__wsum sum;

	if (vtl_skb_parse(skb, &pkt) || !(pkt.flags & VTL_PKT_L4))
		return false;
	if ((pkt.flags & VTL_PKT_IPV4) && vtl_pkt_ip4_csum_check(&pkt))
		return false;
	sum = skb_checksum(skb, pkt.l4_off - mac_len, pkt.l4_end - pkt.l4_off,
			   (__force __wsum)vtl_pkt_l4_pseudo_sum(&pkt));
	return !csum_fold(sum);
}

/* The edits a NAT-like service makes, and a check that they took. */
static bool __init st_edit(struct sk_buff *skb, struct vtl_pkt *pkt)
{
	static const u8 addr6[16] __initconst = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
						  0, 0, 0, 0, 0, 0, 0, 0x99 };
	bool ok = true;

	ST_CHECK(!vtl_skb_edit_begin(skb, pkt));
	if (pkt->flags & VTL_PKT_IPV4)
		ST_CHECK(!vtl_pkt_set_ip4_daddr(pkt, htonl(0xc0a80063)));
	else
		ST_CHECK(!vtl_pkt_set_ip6_daddr(pkt, addr6));
	ST_CHECK(!vtl_pkt_set_dport(pkt, htons(8080)));
	ST_CHECK(!vtl_pkt_set_ip_ttl(pkt, 63));
	ST_CHECK(!vtl_pkt_set_tcp_seq(pkt, 0xfffffff0));
	ST_CHECK(!vtl_pkt_set_tcp_window(pkt, 0));
	ST_CHECK(!vtl_pkt_set_tcp_ts(pkt, 333, 444));
	ST_CHECK(!vtl_pkt_swap_eth(pkt));
	vtl_skb_edit_end(skb, pkt);

	ST_CHECK(!vtl_skb_parse(skb, pkt));
	ST_CHECK(vtl_pkt_dport(pkt) == htons(8080));
	ST_CHECK(vtl_pkt_tcp_seq(pkt) == 0xfffffff0);
	ST_CHECK(ether_addr_equal(vtl_pkt_eth_src(pkt), st_mac_gw));
	ST_CHECK(pkt->tcp_tsval == 333 && pkt->tcp_tsecr == 444);
	if (pkt->flags & VTL_PKT_IPV4)
		ST_CHECK(vtl_pkt_ip4_daddr(pkt) == htonl(0xc0a80063));
	else
		ST_CHECK(!memcmp(vtl_pkt_ip6_daddr(pkt), addr6, 16));
	return ok;
}

/* Linear and non-linear skbs, with skb->data at the network header. */
static bool __init st_parse_edit(u8 *frame, bool ipv6, int linear)
{
	int len = st_tcp_frame(frame, ipv6);
	struct vtl_pkt pkt;
	const u8 *last;
	struct sk_buff *skb;
	bool ok = true;

	skb = st_skb(frame, len, linear);
	if (!skb)
		return false;
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(pkt.flags & VTL_PKT_TCP);
	ST_CHECK(pkt.flags & (ipv6 ? VTL_PKT_IPV6 : VTL_PKT_IPV4));
	ST_CHECK(vtl_pkt_payload_len(&pkt) == ST_PAYLOAD);
	ST_CHECK(vtl_pkt_tcp_ack(&pkt) == 2000000);
	ST_CHECK(pkt.data == skb_mac_header(skb));
	/* exactly the headers were pulled, and skb->data did not move */
	if (linear < pkt.payload_off)
		ST_CHECK(skb_headlen(skb) + ETH_HLEN == pkt.payload_off);
	ST_CHECK(skb->data == skb_mac_header(skb) + ETH_HLEN);
	ST_CHECK(st_csum_ok(skb));

	ST_CHECK(st_edit(skb, &pkt));
	ST_CHECK(st_csum_ok(skb));
	ST_CHECK(skb->data == skb_mac_header(skb) + ETH_HLEN);
	/* the payload is untouched */
	last = skb_header_pointer(skb, skb->len - 1, 1, frame);
	ST_CHECK(last && *last == ((ST_PAYLOAD - 1) * 7 + 1) % 256);
	kfree_skb(skb);
	return ok;
}

/* CHECKSUM_PARTIAL, completed by skb_checksum_help() as a device would. */
static bool __init st_partial(u8 *frame, bool ipv6, bool gso)
{
	int len = st_tcp_frame(frame, ipv6);
	struct vtl_pkt pkt;
	struct sk_buff *skb;
	bool ok = true;

	skb = st_skb(frame, len, ETH_HLEN + 4);
	if (!skb)
		return false;
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(!(pkt.flags & VTL_PKT_CSUM_PARTIAL));
	/* what the guest's stack hands over: the pseudo-header seed */
	skb->ip_summed = CHECKSUM_PARTIAL;
	ST_CHECK(skb_partial_csum_set(skb, pkt.l4_off - ETH_HLEN, 16));
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(pkt.flags & VTL_PKT_CSUM_PARTIAL);
	ST_CHECK(!vtl_pkt_l4_csum_fill(&pkt));
	if (gso) {
		skb_shinfo(skb)->gso_size = 16;
		skb_shinfo(skb)->gso_type = ipv6 ? SKB_GSO_TCPV6 :
						   SKB_GSO_TCPV4;
		ST_CHECK(!vtl_skb_parse(skb, &pkt));
		ST_CHECK(pkt.flags & VTL_PKT_GSO);
		ST_CHECK(!vtl_skb_edit_begin(skb, &pkt));
		ST_CHECK(vtl_pkt_set_tcp_flags(&pkt, VTL_TCP_SYN) ==
			 -EOPNOTSUPP);
		vtl_skb_edit_end(skb, &pkt);
	}

	ST_CHECK(st_edit(skb, &pkt));
	ST_CHECK(!vtl_pkt_l4_csum_check(&pkt));

	if (gso) {
		/* GSO without CHECKSUM_PARTIAL is refused */
		skb->ip_summed = CHECKSUM_NONE;
		ST_CHECK(!vtl_skb_parse(skb, &pkt));
		ST_CHECK(vtl_skb_edit_begin(skb, &pkt) == -EOPNOTSUPP);
		skb_shinfo(skb)->gso_size = 0;
		skb_shinfo(skb)->gso_type = 0;
		skb->ip_summed = CHECKSUM_PARTIAL;
	}
	ST_CHECK(!skb_checksum_help(skb));
	ST_CHECK(skb->ip_summed == CHECKSUM_NONE);
	ST_CHECK(st_csum_ok(skb));

	/* an offload that is not our L4 header's own checksum is refused */
	skb->ip_summed = CHECKSUM_PARTIAL;
	ST_CHECK(skb_partial_csum_set(skb, 0, 10));
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(vtl_skb_edit_begin(skb, &pkt) == -EOPNOTSUPP);
	kfree_skb(skb);
	return ok;
}

/* CHECKSUM_COMPLETE: skb->csum follows the edits. */
static bool __init st_complete(u8 *frame, bool ipv6)
{
	int len = st_tcp_frame(frame, ipv6);
	struct vtl_pkt pkt;
	struct sk_buff *skb;
	bool ok = true;

	skb = st_skb(frame, len, ETH_HLEN + 30);
	if (!skb)
		return false;
	skb->csum = skb_checksum(skb, 0, skb->len, 0);
	skb->ip_summed = CHECKSUM_COMPLETE;
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(st_edit(skb, &pkt));
	ST_CHECK(csum_fold(skb->csum) ==
		 csum_fold(skb_checksum(skb, 0, skb->len, 0)));
	ST_CHECK(st_csum_ok(skb));
	kfree_skb(skb);
	return ok;
}

/* Editing a clone leaves the original alone. */
static bool __init st_clone(u8 *frame)
{
	int len = st_tcp_frame(frame, false);
	struct sk_buff *skb, *clone;
	struct vtl_pkt pkt;
	bool ok = true;

	skb = st_skb(frame, len, len);
	if (!skb)
		return false;
	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone) {
		kfree_skb(skb);
		return false;
	}
	ST_CHECK(!vtl_skb_parse(clone, &pkt));
	ST_CHECK(st_edit(clone, &pkt));
	ST_CHECK(st_csum_ok(clone));
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(vtl_pkt_ip4_daddr(&pkt) == htonl(0x0a000001));
	ST_CHECK(vtl_pkt_dport(&pkt) == htons(80));
	ST_CHECK(st_csum_ok(skb));
	kfree_skb(clone);
	kfree_skb(skb);
	return ok;
}

/*
 * A segment to answer: only its Ethernet header linear, a hardware VLAN tag
 * 42, parsed into @pkt.
 */
static struct sk_buff *__init st_tagged_skb(const u8 *frame, int len,
					    struct vtl_pkt *pkt)
{
	struct sk_buff *skb = st_skb(frame, len, ETH_HLEN);

	if (!skb)
		return NULL;
	__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), 42);
	if (vtl_skb_parse(skb, pkt)) {
		pr_err("packet self-test %s: parse: FAIL\n", __func__);
		kfree_skb(skb);
		return NULL;
	}
	return skb;
}

/* The builders' skbs, answering a segment with a hardware VLAN tag. */
static bool __init st_replies(u8 *frame, bool ipv6)
{
	int len = st_tcp_frame(frame, ipv6);
	struct sk_buff *skb, *reply;
	struct vtl_pkt pkt, out;
	bool ok = true;

	skb = st_tagged_skb(frame, len, &pkt);
	if (!skb)
		return false;

	reply = vtl_skb_build_tcp_ack(skb, &pkt, 1000, 555);
	ST_CHECK(!IS_ERR(reply));
	if (!IS_ERR(reply)) {
		ST_CHECK(skb_vlan_tag_present(reply));
		ST_CHECK(skb_vlan_tag_get(reply) == 42);
		ST_CHECK(skb_mac_header(reply) == reply->data);
		ST_CHECK(skb_network_offset(reply) == ETH_HLEN);
		ST_CHECK(reply->protocol ==
			 htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP));
		ST_CHECK(!vtl_skb_parse(reply, &out));
		ST_CHECK(skb_transport_offset(reply) == out.l4_off);
		ST_CHECK(vtl_pkt_tcp_flags(&out) == VTL_TCP_ACK);
		ST_CHECK(vtl_pkt_tcp_seq(&out) == 2000000);
		ST_CHECK(vtl_pkt_tcp_ack(&out) == 1000000 + ST_PAYLOAD);
		ST_CHECK(vtl_pkt_tcp_window(&out) == 1000);
		ST_CHECK(out.tcp_tsval == 555 && out.tcp_tsecr == 111);
		ST_CHECK(ether_addr_equal(vtl_pkt_eth_dst(&out), st_mac_vm));
		ST_CHECK(st_csum_ok(reply));
		kfree_skb(reply);
	}

	reply = vtl_skb_build_tcp_rst(skb, &pkt);
	ST_CHECK(!IS_ERR(reply));
	if (!IS_ERR(reply)) {
		ST_CHECK(!vtl_skb_parse(reply, &out));
		ST_CHECK(vtl_pkt_tcp_flags(&out) == VTL_TCP_RST);
		ST_CHECK(vtl_pkt_tcp_seq(&out) == 2000000);
		ST_CHECK(st_csum_ok(reply));
		kfree_skb(reply);
	}
	kfree_skb(skb);

	len = st_arp_frame(frame);
	skb = st_skb(frame, len, len);
	if (!skb)
		return false;
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(pkt.flags & VTL_PKT_ARP);
	ST_CHECK(IS_ERR(vtl_skb_build_tcp_rst(skb, &pkt)));
	ST_CHECK(PTR_ERR(vtl_skb_build_icmp_unreach(skb, &pkt)) == -EINVAL);
	reply = vtl_skb_build_arp_reply(skb, &pkt, st_mac_gw);
	ST_CHECK(!IS_ERR(reply));
	if (!IS_ERR(reply)) {
		ST_CHECK(reply->protocol == htons(ETH_P_ARP));
		ST_CHECK(!skb_vlan_tag_present(reply));
		ST_CHECK(!vtl_skb_parse(reply, &out));
		ST_CHECK(vtl_pkt_arp_op(&out) == VTL_PKT_ARP_REPLY);
		ST_CHECK(vtl_pkt_arp_spa(&out) == htonl(0x0a000001));
		ST_CHECK(vtl_pkt_arp_tpa(&out) == htonl(0x0a000002));
		ST_CHECK(ether_addr_equal(vtl_pkt_arp_sha(&out), st_mac_gw));
		ST_CHECK(ether_addr_equal(vtl_pkt_eth_dst(&out), st_mac_vm));
		kfree_skb(reply);
	}
	kfree_skb(skb);
	return ok;
}

/*
 * The ICMP port unreachable answering a non-linear segment with a hardware
 * VLAN tag quotes all of it, paged data too; an skb of that error, parsed,
 * has its quote's headers pulled.
 */
static bool __init st_icmp_unreach(u8 *frame, bool ipv6)
{
	int len = st_tcp_frame(frame, ipv6), hl = ipv6 ? 40 : 20;
	struct sk_buff *skb, *reply;
	struct vtl_pkt pkt, out, quote;
	bool ok = true;

	skb = st_tagged_skb(frame, len, &pkt);
	if (!skb)
		return false;
	ST_CHECK(skb_headlen(skb) + ETH_HLEN < len);

	reply = vtl_skb_build_icmp_unreach(skb, &pkt);
	ST_CHECK(!IS_ERR(reply));
	if (IS_ERR(reply)) {
		kfree_skb(skb);
		return false;
	}
	ST_CHECK(skb_vlan_tag_present(reply));
	ST_CHECK(skb_vlan_tag_get(reply) == 42);
	ST_CHECK(skb_mac_header(reply) == reply->data);
	ST_CHECK(reply->protocol == htons(ipv6 ? ETH_P_IPV6 : ETH_P_IP));
	ST_CHECK(reply->len == len + hl + 8);
	ST_CHECK(!vtl_skb_parse(reply, &out));
	ST_CHECK(skb_transport_offset(reply) == out.l4_off);
	ST_CHECK(out.flags & (ipv6 ? VTL_PKT_ICMPV6 : VTL_PKT_ICMP));
	ST_CHECK(vtl_pkt_icmp_type(&out) == (ipv6 ? 1 : 3));
	ST_CHECK(vtl_pkt_icmp_code(&out) == (ipv6 ? 4 : 3));
	ST_CHECK(ether_addr_equal(vtl_pkt_eth_dst(&out), st_mac_vm));
	ST_CHECK(ether_addr_equal(vtl_pkt_eth_src(&out), st_mac_gw));
	ST_CHECK(vtl_pkt_ip_ttl(&out) == 64);
	if (!ipv6)
		ST_CHECK(vtl_pkt_ip4_daddr(&out) == htonl(0x0a000002));
	ST_CHECK(!memcmp(out.data + out.payload_off, frame + ETH_HLEN,
			 len - ETH_HLEN));
	ST_CHECK(st_csum_ok(reply));
	ST_CHECK(!vtl_pkt_parse_icmp_quote(&quote, &out));
	ST_CHECK(quote.l4_proto == IPPROTO_TCP);
	ST_CHECK(IS_ERR(vtl_skb_build_icmp_unreach(reply, &out)));
	kfree_skb(skb);

	/* the error as it arrives: only its Ethernet header linear */
	len = reply->len;
	memcpy(frame, reply->data, len);
	kfree_skb(reply);
	skb = st_skb(frame, len, ETH_HLEN);
	if (!skb)
		return false;
	ST_CHECK(!vtl_skb_parse(skb, &pkt));
	ST_CHECK(!vtl_pkt_parse_icmp_quote(&quote, &pkt));
	ST_CHECK(skb_headlen(skb) + ETH_HLEN ==
		 quote.l4_off + VTL_PKT_QUOTE_L4_LEN);
	kfree_skb(skb);
	return ok;
}

/* Frames that must be refused. */
static bool __init st_bad(u8 *frame)
{
	int len = st_tcp_frame(frame, false);
	struct vtl_pkt pkt;
	struct sk_buff *skb;
	bool ok = true;

	/* the IPv4 total length runs past the skb */
	skb = st_skb(frame, len - 1, ETH_HLEN);
	if (!skb)
		return false;
	ST_CHECK(vtl_skb_parse(skb, &pkt) == -EPROTO);
	kfree_skb(skb);

	/* no MAC header */
	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb)
		return false;
	skb_put_data(skb, frame, len);
	ST_CHECK(vtl_skb_parse(skb, &pkt) == -EINVAL);
	kfree_skb(skb);
	return ok;
}

/**
 * vtl_pkt_selftest - run the skb glue's self-tests
 *
 * Return: true if every test passed; each failure is logged.
 */
bool __init vtl_pkt_selftest(void)
{
	bool ok = true;
	unsigned int v6;
	u8 *frame;

	frame = kmalloc(ST_FRAME_MAX, GFP_KERNEL);
	if (!frame)
		return false;
	for (v6 = 0; v6 < 2; v6++) {
		ST_CHECK(st_parse_edit(frame, v6, ST_FRAME_MAX));
		ST_CHECK(st_parse_edit(frame, v6, ETH_HLEN));
		ST_CHECK(st_parse_edit(frame, v6, ETH_HLEN + 21));
		ST_CHECK(st_partial(frame, v6, false));
		ST_CHECK(st_partial(frame, v6, true));
		ST_CHECK(st_complete(frame, v6));
		ST_CHECK(st_replies(frame, v6));
		ST_CHECK(st_icmp_unreach(frame, v6));
	}
	ST_CHECK(st_clone(frame));
	ST_CHECK(st_bad(frame));
	kfree(frame);

	if (ok)
		pr_info("packet self-tests: pass\n");
	return ok;
}
