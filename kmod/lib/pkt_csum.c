// SPDX-License-Identifier: GPL-2.0
/*
 * Packet access, the checksums: one's complement arithmetic as the
 * kernel's csum_*() helpers do it, the IPv4 header and L4 checksums filled
 * and checked from scratch, and their incremental update (RFC 1624) for the
 * setters, also of CHECKSUM_PARTIAL packets.  Part of the packet library
 * (pkt.h), pure code compiled into the module and into userspace alike.
 */

#include "pkt_internal.h"

#define VTL_CSUM_MANGLED_0	((__force __sum16)0xffff)

/**
 * vtl_pkt_csum_add - one's complement addition of two 32-bit sums
 * @sum: a sum
 * @addend: another
 *
 * Return: their sum, with end-around carry, as the kernel's csum_add().
 */
u32 vtl_pkt_csum_add(u32 sum, u32 addend)
{
	sum += addend;
	return sum + (sum < addend);
}

/**
 * vtl_pkt_csum_bytes - add bytes to a one's complement sum
 * @buf: the bytes
 * @len: their number
 * @sum: the sum so far, of bytes ending at an even offset
 *
 * 16-bit words are added as they lie in memory, as the kernel's
 * csum_partial() does, so the result is a __wsum in the kernel's sense.
 *
 * Return: the new sum, unfolded.
 */
u32 vtl_pkt_csum_bytes(const void *buf, u32 len, u32 sum)
{
	const u8 *p = buf;
	u16 w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, sizeof(w));
		sum = vtl_pkt_csum_add(sum, w);
	}
	if (len) {
		/* The odd byte is the first of a zero-padded word. */
		w = 0;
		memcpy(&w, p, 1);
		sum = vtl_pkt_csum_add(sum, w);
	}
	return sum;
}

static u16 pkt_fold16(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/**
 * vtl_pkt_csum_fold - fold a 32-bit sum into a checksum field's value
 * @sum: the sum
 *
 * Return: the complement of the folded sum, as the kernel's csum_fold().
 */
__sum16 vtl_pkt_csum_fold(u32 sum)
{
	return (__force __sum16)(u16)~pkt_fold16(sum);
}

static __sum16 pkt_get_sum16(const u8 *p)
{
	__sum16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void pkt_put_sum16(u8 *p, __sum16 v)
{
	memcpy(p, &v, sizeof(v));
}

/* One's complement has two zeros; a checksum field may hold either. */
static bool pkt_csum16_equal(__sum16 a, __sum16 b)
{
	u16 x = (__force u16)a, y = (__force u16)b;

	return x == y || ((x == 0 || x == 0xffff) && (y == 0 || y == 0xffff));
}

/**
 * vtl_pkt_ip4_csum_fill - compute the IPv4 header checksum from scratch
 * @pkt: parsed frame
 *
 * Return: 0, or -EINVAL without an IPv4 header.
 */
int vtl_pkt_ip4_csum_fill(struct vtl_pkt *pkt)
{
	u8 *iph = pkt->data + pkt->l3_off;
	u32 ihl = pkt->l4_off - pkt->l3_off;

	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	pkt_put_sum16(iph + 10, 0);
	pkt_put_sum16(iph + 10,
		      vtl_pkt_csum_fold(vtl_pkt_csum_bytes(iph, ihl, 0)));
	return 0;
}

/**
 * vtl_pkt_ip4_csum_check - verify the IPv4 header checksum
 * @pkt: parsed frame
 *
 * Return: 0 if it is right, -EBADMSG if not, -EINVAL without IPv4.
 */
int vtl_pkt_ip4_csum_check(const struct vtl_pkt *pkt)
{
	if (!(pkt->flags & VTL_PKT_IPV4))
		return -EINVAL;
	if (vtl_pkt_csum_fold(vtl_pkt_csum_bytes(pkt->data + pkt->l3_off,
						 pkt->l4_off - pkt->l3_off, 0)))
		return -EBADMSG;
	return 0;
}

/**
 * vtl_pkt_l4_pseudo_sum - sum of the L4 pseudo-header
 * @pkt: parsed frame with a TCP, UDP or ICMPv6 header
 *
 * Addresses, protocol and L4 length (RFC 793, RFC 8200 8.1); with an IPv6
 * routing header the result is wrong, see %VTL_PKT_RTHDR.
 *
 * Return: the unfolded sum, or 0 for ICMP and frames without IP.
 */
u32 vtl_pkt_l4_pseudo_sum(const struct vtl_pkt *pkt)
{
	u32 len = pkt->l4_end - pkt->l4_off, sum;

	if (pkt->flags & VTL_PKT_ICMP)
		return 0;
	if (pkt->flags & VTL_PKT_IPV4) {
		sum = vtl_pkt_csum_bytes(pkt->data + pkt->l3_off + 12, 8, 0);
		sum = vtl_pkt_csum_add(sum, (__force u16)cpu_to_be16(len));
	} else if (pkt->flags & VTL_PKT_IPV6) {
		sum = vtl_pkt_csum_bytes(pkt->data + pkt->l3_off + 8, 32, 0);
		sum = vtl_pkt_csum_add(sum, (__force u32)cpu_to_be32(len));
	} else {
		return 0;
	}
	return vtl_pkt_csum_add(sum, (__force u16)cpu_to_be16(pkt->l4_proto));
}

static int pkt_l4_csum_usable(const struct vtl_pkt *pkt)
{
	if (!vtl_pkt_l4_csum_off(pkt))
		return -EINVAL;
	/*
	 * A fragment's checksum covers the reassembled datagram; with a
	 * routing header the pseudo-header holds the final destination.
	 */
	if (pkt->flags & (VTL_PKT_FRAG | VTL_PKT_RTHDR))
		return -EOPNOTSUPP;
	return 0;
}

/**
 * vtl_pkt_l4_csum_fill - compute the L4 checksum from scratch
 * @pkt: parsed frame with a TCP, UDP, ICMP or ICMPv6 header
 *
 * In partial mode (%VTL_PKT_CSUM_PARTIAL) this writes the pseudo-header
 * sum the device completes, as the stack does for CHECKSUM_PARTIAL; else
 * the full checksum over the L4 datagram, which must then be readable.
 * A UDP checksum computed as 0 is sent as 0xffff (RFC 768).
 *
 * Return: 0; -EINVAL without such a header; -EOPNOTSUPP for a fragment or
 * with an IPv6 routing header; -ENODATA (with @pkt->need) if the L4
 * datagram is not all readable.
 */
int vtl_pkt_l4_csum_fill(struct vtl_pkt *pkt)
{
	u8 *check = pkt->data + vtl_pkt_l4_csum_off(pkt);
	__sum16 sum;
	int err;

	err = pkt_l4_csum_usable(pkt);
	if (err)
		return err;
	if (pkt->flags & VTL_PKT_CSUM_PARTIAL) {
		sum = (__force __sum16)pkt_fold16(vtl_pkt_l4_pseudo_sum(pkt));
		pkt_put_sum16(check, sum);
		return 0;
	}
	if (pkt->l4_end > pkt->len) {
		pkt->need = pkt->l4_end;
		return -ENODATA;
	}
	pkt_put_sum16(check, 0);
	sum = vtl_pkt_csum_fold(vtl_pkt_csum_bytes(pkt->data + pkt->l4_off,
						   pkt->l4_end - pkt->l4_off,
						   vtl_pkt_l4_pseudo_sum(pkt)));
	if ((pkt->flags & VTL_PKT_UDP) && !sum)
		sum = VTL_CSUM_MANGLED_0;
	pkt_put_sum16(check, sum);
	return 0;
}

/**
 * vtl_pkt_l4_csum_check - verify the L4 checksum
 * @pkt: parsed frame with a TCP, UDP, ICMP or ICMPv6 header
 *
 * In partial mode, checks that the field holds the pseudo-header sum.
 * A zero UDP checksum over IPv4 means "none" and passes; over IPv6 it fails.
 *
 * Return: 0 if right, -EBADMSG if not, else as vtl_pkt_l4_csum_fill().
 */
int vtl_pkt_l4_csum_check(const struct vtl_pkt *pkt)
{
	const u8 *check = pkt->data + vtl_pkt_l4_csum_off(pkt);
	u32 sum;
	int err;

	err = pkt_l4_csum_usable(pkt);
	if (err)
		return err;
	if (pkt->flags & VTL_PKT_CSUM_PARTIAL) {
		sum = pkt_fold16(vtl_pkt_l4_pseudo_sum(pkt));
		if (!pkt_csum16_equal(pkt_get_sum16(check),
				      (__force __sum16)sum))
			return -EBADMSG;
		return 0;
	}
	if (pkt->l4_end > pkt->len)
		return -ENODATA;
	if ((pkt->flags & VTL_PKT_UDP) && !pkt_get_sum16(check))
		return pkt->flags & VTL_PKT_IPV4 ? 0 : -EBADMSG;
	sum = vtl_pkt_csum_bytes(pkt->data + pkt->l4_off,
				 pkt->l4_end - pkt->l4_off,
				 vtl_pkt_l4_pseudo_sum(pkt));
	return vtl_pkt_csum_fold(sum) ? -EBADMSG : 0;
}

/*
 * RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), with m and m' the sums of the old
 * and new bytes.  In partial mode the field holds a plain (uncomplemented)
 * sum, so HC' = HC + ~m + m', as inet_proto_csum_replace4() does.
 */
void vtl_pkt_csum_replace(u8 *field, u32 from, u32 to, bool partial)
{
	u32 sum = (__force u16)pkt_get_sum16(field);

	if (!partial)
		sum = ~sum & 0xffff;
	sum = vtl_pkt_csum_add(sum, ~from);
	sum = vtl_pkt_csum_add(sum, to);
	if (partial)
		pkt_put_sum16(field, (__force __sum16)pkt_fold16(sum));
	else
		pkt_put_sum16(field, vtl_pkt_csum_fold(sum));
}

void vtl_pkt_l4_csum_replace(struct vtl_pkt *pkt, u32 from, u32 to,
			     bool pseudo)
{
	bool partial = pkt->flags & VTL_PKT_CSUM_PARTIAL;
	u32 off = vtl_pkt_l4_csum_off(pkt);
	u8 *check = pkt->data + off;

	if (!off)
		return;
	/* ICMP has no pseudo-header. */
	if (pseudo && (pkt->flags & VTL_PKT_ICMP))
		return;
	/* The device sums the L4 bytes: only the pseudo-header is ours. */
	if (partial && !pseudo)
		return;
	if (pkt->flags & VTL_PKT_UDP) {
		/* UDP over IPv4 without a checksum stays without one. */
		if (!partial && (pkt->flags & VTL_PKT_IPV4) &&
		    !pkt_get_sum16(check))
			return;
		vtl_pkt_csum_replace(check, from, to, partial);
		if (!pkt_get_sum16(check))
			pkt_put_sum16(check, VTL_CSUM_MANGLED_0);
		return;
	}
	vtl_pkt_csum_replace(check, from, to, partial);
}
