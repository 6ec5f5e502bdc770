// SPDX-License-Identifier: GPL-2.0
/*
 * Test frames and reference checksums; see frames.h.
 */
#include <assert.h>
#include <string.h>

#include "frames.h"

u16 rd16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

u32 rd32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

void wr16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void wr32(u8 *p, u32 v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

u32 ref_sum(const u8 *p, u32 n, u32 sum)
{
	u32 i;

	for (i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (u32)p[n - 1] << 8;
	return sum;
}

u16 ref_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/* 0 and 0xffff are the same number in one's complement. */
bool ref_eq16(u16 a, u16 b)
{
	return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

u16 ref_ip4_csum(const struct tf *f)
{
	u8 h[60];
	u32 ihl = f->l4 - f->l3;

	memcpy(h, f->b + f->l3, ihl);
	wr16(h + 10, 0);
	return (u16)~ref_fold(ref_sum(h, ihl, 0));
}

static u32 l4_len(const struct tf *f)
{
	if (f->proto == IPPROTO_UDP)
		return rd16(f->b + f->l4 + 4);
	return f->l3_end - f->l4;
}

u32 ref_pseudo(const struct tf *f)
{
	u32 len = l4_len(f);

	if (f->proto == IPPROTO_ICMP)
		return 0;
	if (!f->v6)
		return ref_sum(f->b + f->l3 + 12, 8, 0) + f->proto + len;
	return ref_sum(f->b + f->l3 + 8, 32, 0) + (len >> 16) +
	       (len & 0xffff) + f->proto;
}

u16 ref_l4_csum(const struct tf *f)
{
	u8 l4[2048];
	u32 len = l4_len(f);
	u16 c;

	memcpy(l4, f->b + f->l4, len);
	wr16(l4 + f->check - f->l4, 0);
	c = (u16)~ref_fold(ref_sum(l4, len, ref_pseudo(f)));
	if (f->proto == IPPROTO_UDP && !c)
		c = 0xffff;
	return c;
}

u16 ref_l4_seed(const struct tf *f)
{
	return ref_fold(ref_pseudo(f));
}

static u32 put_ext(struct tf *f, u32 off, u8 nh, u8 type, u32 len)
{
	memset(f->b + off, 0, len);
	f->b[off] = nh;
	if (type == IPPROTO_AH) {
		f->b[off + 1] = len / 4 - 2;
	} else if (type == IPPROTO_FRAGMENT) {
		wr32(f->b + off + 4, 0xabcdef01);
	} else {
		f->b[off + 1] = len / 8 - 1;
		if (type == IPPROTO_HOPOPTS || type == IPPROTO_DSTOPTS) {
			/* a PadN option filling the header */
			f->b[off + 2] = 1;
			f->b[off + 3] = len - 4;
		}
	}
	return off + len;
}

void tf_build(struct tf *f, const struct tf_opts *o)
{
	static const u8 dst[6] = { 2, 0, 0, 0, 0, 1 };
	static const u8 src[6] = { 2, 0, 0, 0, 0, 2 };
	static const struct { unsigned int bit; u8 type; u32 len; } ext[] = {
		{ TF_EXT_HBH, IPPROTO_HOPOPTS, 8 },
		{ TF_EXT_DST, IPPROTO_DSTOPTS, 16 },
		{ TF_EXT_RT, IPPROTO_ROUTING, 24 },
		{ TF_EXT_RT_LEFT, IPPROTO_ROUTING, 24 },
		{ TF_EXT_FRAG, IPPROTO_FRAGMENT, 8 },
		{ TF_EXT_AH, IPPROTO_AH, 24 },
	};
	u32 off = 12, l4len, hl = 0, i;
	u8 *p;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	for (i = 0; i < (u32)o->nr_vlan; i++, off += 4) {
		wr16(f->b + off, o->nr_vlan == 2 && !i ? ETH_P_8021AD :
							ETH_P_8021Q);
		wr16(f->b + off + 2, 100 + i);
	}
	wr16(f->b + off, o->v6 ? ETH_P_IPV6 : ETH_P_IP);
	f->l3 = off + 2;
	f->v6 = o->v6;
	f->proto = o->proto;

	/* IP header, its length fields filled in below */
	p = f->b + f->l3;
	if (o->v6) {
		u8 nh = o->proto;
		u32 cur = f->l3 + 40;
		int j;

		p[0] = 0x60;
		p[7] = 64;
		for (i = 0; i < 16; i++) {
			p[8 + i] = i == 0 ? 0x20 : i == 1 ? 0x01 : 0;
			p[24 + i] = p[8 + i];
		}
		p[8 + 15] = 1;
		p[24 + 15] = 2;
		/* walk backwards so each header names the next */
		for (j = (int)(sizeof(ext) / sizeof(ext[0])) - 1; j >= 0; j--)
			if (o->v6_ext & ext[j].bit)
				hl += ext[j].len;
		cur = f->l3 + 40 + hl;
		f->l4 = cur;
		for (j = (int)(sizeof(ext) / sizeof(ext[0])) - 1; j >= 0; j--) {
			if (!(o->v6_ext & ext[j].bit))
				continue;
			cur -= ext[j].len;
			put_ext(f, cur, nh, ext[j].type, ext[j].len);
			if (ext[j].bit == TF_EXT_RT_LEFT)
				f->b[cur + 3] = 1;
			nh = ext[j].type;
		}
		p[6] = nh;
	} else {
		u32 ihl = 20 + o->ip4_optlen;

		p[0] = 0x40 | ihl / 4;
		wr16(p + 4, 0x1234);
		wr16(p + 6, o->ip4_frag ? o->ip4_frag : 0x4000);
		p[8] = 64;
		p[9] = o->proto;
		wr32(p + 12, 0x0a000001);
		wr32(p + 16, 0x0a000002);
		memset(p + 20, 1, o->ip4_optlen);	/* NOPs */
		if (o->ip4_optlen)
			p[ihl - 1] = 0;			/* EOL */
		f->l4 = f->l3 + ihl;
	}

	/* L4 header */
	p = f->b + f->l4;
	switch (o->proto) {
	case IPPROTO_TCP: {
		static const u8 opts[20] = {
			1, 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7,
			0, 0, 0, 9, 3, 3, 7,
		};
		u32 thl = o->tcp_opts ? 40 : 20;

		wr16(p, 1234);
		wr16(p + 2, 80);
		wr32(p + 4, 0x11223344);
		wr32(p + 8, 0x55667788);
		p[12] = thl / 4 << 4;
		p[13] = o->tcp_flags ? o->tcp_flags : VTL_TCP_ACK | VTL_TCP_PSH;
		wr16(p + 14, 0x1000);
		if (o->tcp_opts)
			memcpy(p + 20, opts, sizeof(opts));
		f->payload = f->l4 + thl;
		f->check = f->l4 + 16;
		break;
	}
	case IPPROTO_UDP:
		wr16(p, 5353);
		wr16(p + 2, 53);
		f->payload = f->l4 + 8;
		f->check = f->l4 + 6;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p[0] = o->proto == IPPROTO_ICMP ? 8 : 128;
		wr16(p + 4, 0x4242);
		wr16(p + 6, 1);
		f->payload = f->l4 + 8;
		f->check = f->l4 + 2;
		break;
	default:
		f->payload = f->l4;
		break;
	}
	for (i = 0; i < o->payload; i++)
		f->b[f->payload + i] = (u8)(i * 7 + 3);
	f->l3_end = f->payload + o->payload;
	f->len = f->l3_end + o->pad;
	assert(f->len <= sizeof(f->b));

	/* lengths, then checksums */
	l4len = f->l3_end - f->l4;
	if (o->proto == IPPROTO_UDP)
		wr16(p + 4, l4len);
	if (o->v6) {
		wr16(f->b + f->l3 + 4, f->l3_end - f->l3 - 40);
	} else {
		wr16(f->b + f->l3 + 2, f->l3_end - f->l3);
		wr16(f->b + f->l3 + 10, ref_ip4_csum(f));
	}
	if (f->check && !(o->proto == IPPROTO_UDP && o->udp_nocsum))
		wr16(f->b + f->check, ref_l4_csum(f));
}

void tf_icmp_error(struct tf *e, const struct tf *orig, bool v6, u8 type,
		   u8 code, u32 quote)
{
	static const u8 router_mac[6] = { 2, 0, 0, 0, 0, 0xfe };
	struct tf_opts o = {
		.v6 = v6, .proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
	};
	u32 have = orig->l3_end - orig->l3, src_off, alen;
	u8 *ip;

	if (quote > have)
		quote = have;
	o.payload = quote;
	tf_build(e, &o);
	ip = e->b + e->l3;
	e->b[e->l4] = type;
	e->b[e->l4 + 1] = code;
	wr32(e->b + e->l4 + 4, type == 2 && v6 ? 1280 : 0);
	memcpy(e->b + e->payload, orig->b + orig->l3, quote);

	/* to the sender's MAC and IP address, from the router's */
	memcpy(e->b, orig->b + 6, 6);
	memcpy(e->b + 6, router_mac, 6);
	if (orig->v6 == v6) {
		src_off = v6 ? 8 : 12;
		alen = v6 ? 16 : 4;
		memcpy(ip + src_off + alen, orig->b + orig->l3 + src_off, alen);
	}
	if (v6)
		ip[8 + 15] = 0xfe;
	else
		wr32(ip + 12, 0xc0000201);

	if (!v6)
		wr16(ip + 10, ref_ip4_csum(e));
	wr16(e->b + e->check, ref_l4_csum(e));
}
