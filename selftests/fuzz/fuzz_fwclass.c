// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kmod/lib/fwclass.c.
 *
 * Input: byte 0 the number of rules, then 16 bytes per rule, then 12 bytes
 * per key (a short tail is ignored).
 *   rule byte 0: bits 0-1 family 0, 4, 6, or (3) the whole byte as the
 *		  family; bit 2/3: the source/destination address's bytes
 *		  past the fourth are 0xff, else 0
 *   rule byte 1: below 0x80 a protocol from a pool, else itself
 *   rule bytes 2, 3: source, destination prefix length: below 0x80 taken
 *		  modulo the family's longest plus one, else itself
 *   rule bytes 4-7, 8-11: source, destination address's first bytes
 *   rule byte 12: bit 0 a source, bit 1 a destination port range (else
 *		  0..65535); bit 2 the ranges may be backwards
 *   rule bytes 13, 14: source, destination range: nibbles index a port pool
 *   rule byte 15: bits 0-4 state mask, bits 5-6 the action (0 invalid)
 *   key byte 0: bit 0 IPv6, bit 1 no family; bits 2/3 address fill
 *   key byte 1: as rule byte 1
 *   key byte 2: below 0x80 one state bit (bits 0-1), else itself
 *   key bytes 3-6, 7-10: source, destination address's first bytes
 *   key byte 11: nibbles index the port pool for source, destination port
 *
 * Invariants, any broken one an abort: a set compiles exactly when a
 * rule-by-rule reading of fwclass.h says it is valid, and then every key
 * finds the same first rule as a linear reference matcher, and the rule
 * returned is the set's copy of the one at the index returned.  Compile
 * errors must not leak (ASan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwclass.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define RULE_LEN	16
#define KEY_LEN		12

static const u8 protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
			     IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_GRE,
			     IPPROTO_UDPLITE };
static const u16 ports[16] = { 0, 1, 21, 22, 23, 79, 80, 81, 443, 1000,
			       1023, 1024, 2000, 8080, 65534, 65535 };

static u8 proto_of(u8 b)
{
	return b < 0x80 ? protos[b % sizeof(protos)] : b;
}

static void addr_of(u8 *a, const u8 *in, bool fill)
{
	memcpy(a, in, 4);
	memset(a + 4, fill ? 0xff : 0, 12);
}

static void rule_of(struct vtl_fw_rule *r, const u8 *in, u32 id)
{
	static const u8 families[] = { 0, 4, 6 };
	unsigned int max;
	u16 a, b;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->family = (in[0] & 3) == 3 ? in[0] : families[in[0] & 3];
	r->proto = proto_of(in[1]);
	max = r->family == 4 ? 32 : r->family == 6 ? 128 : 0;
	r->src_len = in[2] < 0x80 ? in[2] % (max + 1) : in[2];
	r->dst_len = in[3] < 0x80 ? in[3] % (max + 1) : in[3];
	addr_of(r->src, in + 4, in[0] & 4);
	addr_of(r->dst, in + 8, in[0] & 8);
	r->sport_hi = 0xffff;
	r->dport_hi = 0xffff;
	if (in[12] & 1) {
		a = ports[in[13] >> 4];
		b = ports[in[13] & 15];
		r->sport_lo = (in[12] & 4) || a < b ? a : b;
		r->sport_hi = (in[12] & 4) || a < b ? b : a;
	}
	if (in[12] & 2) {
		a = ports[in[14] >> 4];
		b = ports[in[14] & 15];
		r->dport_lo = (in[12] & 4) || a < b ? a : b;
		r->dport_hi = (in[12] & 4) || a < b ? b : a;
	}
	r->state = in[15] & 0x1f;
	r->action = (in[15] >> 5) & 3;
}

static void key_of(struct vtl_fw_match_key *k, const u8 *in)
{
	memset(k, 0, sizeof(*k));
	k->family = in[0] & 2 ? 0 : in[0] & 1 ? 6 : 4;
	k->proto = proto_of(in[1]);
	k->state = in[2] < 0x80 ? 1 << (in[2] & 3) : in[2];
	addr_of(k->src, in + 3, in[0] & 4);
	addr_of(k->dst, in + 7, in[0] & 8);
	if (k->family == 4) {
		memset(k->src + 4, 0, 12);
		memset(k->dst + 4, 0, 12);
	}
	k->sport = ports[in[11] >> 4];
	k->dport = ports[in[11] & 15];
}

/* fwclass.h's rule semantics, read independently. */
static bool ref_valid(const struct vtl_fw_rule *r)
{
	unsigned int max = r->family == 4 ? 32 : 128;
	bool any_ports = r->sport_lo == 0 && r->sport_hi == 65535 &&
			 r->dport_lo == 0 && r->dport_hi == 65535;

	if (r->family != 0 && r->family != 4 && r->family != 6)
		return false;
	if (r->family == 0 && (r->src_len || r->dst_len))
		return false;
	if (r->src_len > max || r->dst_len > max)
		return false;
	if (r->proto == IPPROTO_ICMP && r->family == 6)
		return false;
	if (r->proto == IPPROTO_ICMPV6 && r->family == 4)
		return false;
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
		return false;
	if (!any_ports && r->proto != IPPROTO_TCP &&
	    r->proto != IPPROTO_UDP && r->proto != IPPROTO_UDPLITE &&
	    r->proto != IPPROTO_SCTP && r->proto != IPPROTO_DCCP)
		return false;
	if (r->state & ~VTL_FW_STATE_ALL)
		return false;
	return r->action >= VTL_FW_ACCEPT && r->action <= VTL_FW_REJECT;
}

static bool ref_prefix(const u8 *p, const u8 *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if ((p[i / 8] ^ a[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

static long ref_lookup(const struct vtl_fw_rule *rules, u32 n,
		       const struct vtl_fw_match_key *k)
{
	u32 i;

	if (k->family != 4 && k->family != 6)
		return -1;
	if (__builtin_popcount(k->state) != 1 ||
	    (k->state & ~VTL_FW_STATE_ALL))
		return -1;
	for (i = 0; i < n; i++) {
		const struct vtl_fw_rule *r = &rules[i];

		if (r->family && r->family != k->family)
			continue;
		if (r->proto && r->proto != k->proto)
			continue;
		if (!ref_prefix(r->src, k->src, r->src_len) ||
		    !ref_prefix(r->dst, k->dst, r->dst_len))
			continue;
		if (k->sport < r->sport_lo || k->sport > r->sport_hi ||
		    k->dport < r->dport_lo || k->dport > r->dport_hi)
			continue;
		if (r->state && !(r->state & k->state))
			continue;
		return i;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vtl_fw_rule *rules;
	struct vtl_fw_match_key key;
	struct vtl_fw_set *set;
	bool valid = true;
	size_t pos;
	u32 n, i;
	int err;

	if (size < 1)
		return 0;
	n = data[0];
	if (size - 1 < (size_t)n * RULE_LEN)
		n = (size - 1) / RULE_LEN;
	rules = malloc((n ? n : 1) * sizeof(*rules));
	FUZZ_ASSERT(rules);
	for (i = 0; i < n; i++) {
		rule_of(&rules[i], data + 1 + i * RULE_LEN, i);
		valid = valid && ref_valid(&rules[i]);
	}
	set = vtl_fw_compile(rules, n, &err);
	if (!set) {
		FUZZ_ASSERT(!valid && err == -EINVAL);
		goto out;
	}
	FUZZ_ASSERT(valid && !err);
	FUZZ_ASSERT(vtl_fw_count(set) == n);
	for (pos = 1 + n * RULE_LEN; pos + KEY_LEN <= size; pos += KEY_LEN) {
		const struct vtl_fw_rule *r;
		long want;
		u32 idx;

		key_of(&key, data + pos);
		want = ref_lookup(rules, n, &key);
		r = vtl_fw_lookup(set, &key, &idx);
		if (want < 0) {
			FUZZ_ASSERT(!r);
			continue;
		}
		FUZZ_ASSERT(r && idx == want);
		FUZZ_ASSERT(!memcmp(r, &rules[idx], sizeof(*r)));
		FUZZ_ASSERT(r != &rules[idx]);
	}
	vtl_fw_free(set);
out:
	free(rules);
	return 0;
}
