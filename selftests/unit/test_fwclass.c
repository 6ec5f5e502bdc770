// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kmod/lib/fwclass.c, in userspace.  TAP output: one "ok N name"
 * or "not ok N name" per test, diagnostics as "# ..." lines, and a last line
 * "N passed, N failed".  Exit status 0 if all passed, 1 if not.
 *
 * The classifier is checked field by field, then against ref_lookup(), a
 * linear reference matcher written from the rule semantics in fwclass.h,
 * on random sets and keys.  Its cost is checked by counting the 64-bit
 * words a lookup reads (VTL_FW_TEST_HOOKS), not by timing it; times are
 * only printed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwclass.h"
#include "../tap.h"


/* xorshift32: reproducible "random" values */
static u32 rnd_state = 2463534242u;

static u32 rnd(void)
{
	u32 x = rnd_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rnd_state = x;
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A rule that matches everything, with @id and ACCEPT. */
static struct vtl_fw_rule any_rule(u32 id)
{
	struct vtl_fw_rule r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.sport_hi = 0xffff;
	r.dport_hi = 0xffff;
	r.action = VTL_FW_ACCEPT;
	return r;
}

static void ip4(u8 *a, u32 v)
{
	memset(a, 0, 16);
	a[0] = v >> 24;
	a[1] = v >> 16;
	a[2] = v >> 8;
	a[3] = v;
}

/* An IPv6 address from two 64-bit halves. */
static void ip6(u8 *a, u64 hi, u64 lo)
{
	int i;

	for (i = 0; i < 8; i++) {
		a[i] = hi >> (56 - 8 * i);
		a[8 + i] = lo >> (56 - 8 * i);
	}
}

static struct vtl_fw_match_key key4(u8 proto, u32 src, u32 dst, u16 sport,
				    u16 dport)
{
	struct vtl_fw_match_key k;

	memset(&k, 0, sizeof(k));
	k.family = 4;
	k.proto = proto;
	k.state = VTL_FW_STATE_NEW;
	ip4(k.src, src);
	ip4(k.dst, dst);
	k.sport = sport;
	k.dport = dport;
	return k;
}

/* The reference: rule semantics, one rule after another. */
static bool ref_prefix(const u8 *rule, const u8 *addr, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		u8 bit = 0x80 >> (i % 8);

		if ((rule[i / 8] & bit) != (addr[i / 8] & bit))
			return false;
	}
	return true;
}

static bool ref_match(const struct vtl_fw_rule *r,
		      const struct vtl_fw_match_key *k)
{
	if (k->family != 4 && k->family != 6)
		return false;
	if (k->state == 0 || (k->state & (k->state - 1)) ||
	    (k->state & ~VTL_FW_STATE_ALL))
		return false;
	if (r->family && r->family != k->family)
		return false;
	if (r->proto && r->proto != k->proto)
		return false;
	if (!ref_prefix(r->src, k->src, r->src_len) ||
	    !ref_prefix(r->dst, k->dst, r->dst_len))
		return false;
	if (k->sport < r->sport_lo || k->sport > r->sport_hi ||
	    k->dport < r->dport_lo || k->dport > r->dport_hi)
		return false;
	return !r->state || (r->state & k->state);
}

static long ref_lookup(const struct vtl_fw_rule *rules, u32 n,
		       const struct vtl_fw_match_key *k)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (ref_match(&rules[i], k))
			return i;
	return -1;
}

/* The index vtl_fw_lookup() finds, or -1; checks the rule it returns. */
static long lookup(const struct vtl_fw_set *set,
		   const struct vtl_fw_match_key *k)
{
	const struct vtl_fw_rule *r;
	u32 idx = ~0u;

	r = vtl_fw_lookup(set, k, &idx);
	if (!r)
		return -1;
	if (vtl_fw_lookup(set, k, NULL) != r)
		return -2;
	return idx;
}

static struct vtl_fw_set *compile_ok(const struct vtl_fw_rule *rules, u32 n)
{
	struct vtl_fw_set *set;
	int err = 1;

	set = vtl_fw_compile(rules, n, &err);
	EXPECT(set);
	EXPECT_EQ(err, 0);
	if (set)
		EXPECT_EQ(vtl_fw_count(set), n);
	return set;
}

static int compile_err(const struct vtl_fw_rule *rules, u32 n)
{
	struct vtl_fw_set *set;
	int err = 0;

	set = vtl_fw_compile(rules, n, &err);
	if (set) {
		vtl_fw_free(set);
		return 0;
	}
	return err;
}

static void test_validation(void)
{
	struct vtl_fw_rule r, rs[2];

	tap_begin();
	r = any_rule(1);
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.family = 5;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	tap_end("validation: unknown family");

	tap_begin();
	r = any_rule(1);
	r.family = 4;
	r.src_len = 32;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.src_len = 33;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.src_len = 0;
	r.dst_len = 33;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.family = 6;
	r.dst_len = 128;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.dst_len = 129;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.dst_len = 0;
	r.src_len = 129;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.src_len = 255;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	tap_end("validation: prefix longer than the family allows");

	tap_begin();
	r = any_rule(1);
	r.src_len = 1;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.src_len = 0;
	r.dst_len = 8;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r = any_rule(1);
	r.family = 6;
	r.proto = IPPROTO_ICMP;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.family = 4;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.proto = IPPROTO_ICMPV6;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.family = 6;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.family = 0;
	EXPECT_EQ(compile_err(&r, 1), 0);
	tap_end("validation: address family mismatch");

	tap_begin();
	r = any_rule(1);
	r.proto = IPPROTO_TCP;
	r.sport_lo = 10;
	r.sport_hi = 9;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.sport_hi = 10;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.dport_lo = 0xffff;
	r.dport_hi = 0xfffe;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.dport_hi = 0xffff;
	EXPECT_EQ(compile_err(&r, 1), 0);
	tap_end("validation: port range lo > hi");

	tap_begin();
	r = any_rule(1);
	r.proto = IPPROTO_ICMP;
	r.dport_hi = 80;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.proto = IPPROTO_ICMPV6;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.proto = 0;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r = any_rule(1);
	r.proto = IPPROTO_ICMP;
	r.sport_lo = 1;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.proto = IPPROTO_UDP;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.proto = IPPROTO_SCTP;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.proto = IPPROTO_UDPLITE;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.proto = IPPROTO_DCCP;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.proto = IPPROTO_GRE;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	tap_end("validation: port range on a portless protocol");

	tap_begin();
	r = any_rule(1);
	r.state = VTL_FW_STATE_ALL;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.state = 0x10;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.state = 0x80 | VTL_FW_STATE_NEW;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	tap_end("validation: unknown state bits");

	tap_begin();
	r = any_rule(1);
	r.action = 0;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.action = VTL_FW_REJECT + 1;
	EXPECT_EQ(compile_err(&r, 1), -EINVAL);
	r.action = VTL_FW_DROP;
	EXPECT_EQ(compile_err(&r, 1), 0);
	r.action = VTL_FW_REJECT;
	EXPECT_EQ(compile_err(&r, 1), 0);
	tap_end("validation: unknown action");

	tap_begin();
	rs[0] = any_rule(1);
	rs[1] = any_rule(2);
	rs[1].action = 9;
	EXPECT_EQ(compile_err(rs, 2), -EINVAL);
	EXPECT_EQ(compile_err(NULL, 1), -EINVAL);
	EXPECT_EQ(compile_err(rs, VTL_FW_MAX_RULES + 1), -E2BIG);
	/* No err pointer: still NULL, no crash. */
	EXPECT(!vtl_fw_compile(rs, 2, NULL));
	tap_end("validation: a bad rule anywhere, NULL rules, too many rules");
}

static void test_too_big(void)
{
	u32 n = 20000, i;
	struct vtl_fw_rule *rs = calloc(n, sizeof(*rs));

	tap_begin();
	EXPECT(rs);
	if (!rs)
		goto out;
	/* Four fields distinct per rule: ~4 * 40001 rows of 318 words. */
	for (i = 0; i < n; i++) {
		rs[i] = any_rule(i);
		rs[i].family = 4;
		rs[i].proto = IPPROTO_TCP;
		rs[i].src_len = 32;
		rs[i].dst_len = 32;
		ip4(rs[i].src, 0x0a000000 + i * 2);
		ip4(rs[i].dst, 0x0b000000 + i * 2);
		rs[i].sport_lo = i * 3;
		rs[i].sport_hi = i * 3;
		rs[i].dport_lo = i * 3;
		rs[i].dport_hi = i * 3;
	}
	EXPECT_EQ(compile_err(rs, n), -E2BIG);
	/* Half of it, two fields distinct per rule: ~50 MiB, fits. */
	for (i = 0; i < n / 2; i++) {
		rs[i].src_len = 0;
		rs[i].sport_lo = 0;
		rs[i].sport_hi = 0xffff;
	}
	EXPECT_EQ(compile_err(rs, n / 2), 0);
	EXPECT_EQ(compile_err(rs, 0), 0);
	EXPECT_EQ(compile_err(NULL, 0), 0);
	free(rs);
out:
	tap_end("compile: over VTL_FW_MAX_BYTES is -E2BIG; 10000 distinct /32s and ports fit; empty sets");
}

static void test_empty_and_copy(void)
{
	struct vtl_fw_match_key k = key4(IPPROTO_TCP, 1, 2, 3, 4);
	struct vtl_fw_rule r[2];
	struct vtl_fw_set *set;
	u32 idx = 77;

	tap_begin();
	set = compile_ok(NULL, 0);
	if (set) {
		EXPECT(!vtl_fw_lookup(set, &k, &idx));
		EXPECT_EQ(idx, 77);
		vtl_fw_free(set);
	}
	vtl_fw_free(NULL);
	tap_end("empty set matches nothing; vtl_fw_free(NULL)");

	tap_begin();
	r[0] = any_rule(5);
	r[0].proto = IPPROTO_UDP;
	r[1] = any_rule(6);
	set = compile_ok(r, 2);
	memset(r, 0xff, sizeof(r));
	if (set) {
		const struct vtl_fw_rule *m = vtl_fw_lookup(set, &k, &idx);

		EXPECT(m);
		EXPECT_EQ(idx, 1);
		EXPECT_EQ(m ? m->id : 0, 6);
		EXPECT_EQ(m ? m->action : 0, VTL_FW_ACCEPT);
		vtl_fw_free(set);
	}
	tap_end("compile copies the rules; lookup returns the set's copy");
}

static void test_order(void)
{
	struct vtl_fw_match_key k = key4(IPPROTO_TCP, 0x0a000001, 0x0a000002,
					 1234, 80);
	struct vtl_fw_rule r[4];
	struct vtl_fw_set *set;

	tap_begin();
	r[0] = any_rule(10);
	r[0].proto = IPPROTO_TCP;
	r[0].dport_lo = 80;
	r[0].dport_hi = 80;
	r[0].action = VTL_FW_DROP;
	r[1] = any_rule(11);
	r[1].family = 4;
	r[1].dst_len = 8;
	ip4(r[1].dst, 0x0a000000);
	r[2] = any_rule(12);
	r[2].action = VTL_FW_REJECT;
	r[3] = r[0];
	r[3].id = 13;
	set = compile_ok(r, 4);
	if (set) {
		EXPECT_EQ(lookup(set, &k), 0);
		k.dport = 81;
		EXPECT_EQ(lookup(set, &k), 1);
		k.dst[0] = 11;
		EXPECT_EQ(lookup(set, &k), 2);
		vtl_fw_free(set);
	}
	/* The same rules, another order: the first in that order wins. */
	r[0].id = 99;
	r[3] = r[2];
	r[2] = r[0];
	r[0] = r[3];
	set = compile_ok(r, 4);
	k = key4(IPPROTO_TCP, 0x0a000001, 0x0a000002, 1234, 80);
	if (set) {
		EXPECT_EQ(lookup(set, &k), 0);
		vtl_fw_free(set);
	}
	tap_end("first match wins, in the order given");
}

/* One rule, and whether each key matches it. */
static void one_rule(const struct vtl_fw_rule *r,
		     const struct vtl_fw_match_key *keys, const bool *want,
		     unsigned int nr)
{
	struct vtl_fw_set *set = compile_ok(r, 1);
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < nr; i++) {
		long got = lookup(set, &keys[i]);

		if (got != (want[i] ? 0 : -1) ||
		    ref_lookup(r, 1, &keys[i]) != got) {
			printf("# key %u: got %ld, want %d\n", i, got,
			       want[i] ? 0 : -1);
			tap_group_ok = false;
		}
	}
	vtl_fw_free(set);
}

static void test_prefix4(void)
{
	static const struct {
		u32 addr;
		unsigned int len;
		u32 key;
		bool want;
	} cases[] = {
		{ 0x0a010200, 24, 0x0a0101ff, false },
		{ 0x0a010200, 24, 0x0a010200, true },
		{ 0x0a010200, 24, 0x0a0102ff, true },
		{ 0x0a010200, 24, 0x0a010300, false },
		{ 0x0a0102ff, 24, 0x0a010280, true },	/* host bits ignored */
		{ 0x0a010203, 32, 0x0a010202, false },
		{ 0x0a010203, 32, 0x0a010203, true },
		{ 0x0a010203, 32, 0x0a010204, false },
		{ 0x00000000, 32, 0x00000000, true },
		{ 0x00000000, 32, 0x00000001, false },
		{ 0xffffffff, 32, 0xffffffff, true },
		{ 0xffffffff, 32, 0xfffffffe, false },
		{ 0x00000000, 0, 0x00000000, true },
		{ 0x12345678, 0, 0xffffffff, true },
		{ 0x80000000, 1, 0x7fffffff, false },
		{ 0x80000000, 1, 0x80000000, true },
		{ 0x80000000, 1, 0xffffffff, true },
		{ 0x00000000, 1, 0x7fffffff, true },
		{ 0x00000000, 1, 0x80000000, false },
	};
	struct vtl_fw_match_key k[3];
	struct vtl_fw_rule r;
	unsigned int i, dir;
	bool want[3];

	for (dir = 0; dir < 2; dir++) {
		tap_begin();
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			r = any_rule(1);
			r.family = 4;
			if (dir) {
				r.dst_len = cases[i].len;
				ip4(r.dst, cases[i].addr);
			} else {
				r.src_len = cases[i].len;
				ip4(r.src, cases[i].addr);
			}
			k[0] = key4(IPPROTO_TCP, 0x01010101, 0x01010101, 1,
				    1);
			ip4(dir ? k[0].dst : k[0].src, cases[i].key);
			want[0] = cases[i].want;
			/* The same bytes as IPv6 never match a family 4 rule. */
			k[1] = k[0];
			k[1].family = 6;
			want[1] = false;
			/* Nor does a key of no family. */
			k[2] = k[0];
			k[2].family = 0;
			want[2] = false;
			one_rule(&r, k, want, 3);
		}
		tap_end("IPv4 %s prefix: /0, /1, /24, /32, edges of the space",
		    dir ? "destination" : "source");
	}
}

static void test_prefix6(void)
{
	static const struct {
		u64 hi, lo;
		unsigned int len;
		u64 khi, klo;
		bool want;
	} cases[] = {
		{ 0x20010db800000000, 0, 64, 0x20010db7ffffffff, ~0ULL,
		  false },
		{ 0x20010db800000000, 0, 64, 0x20010db800000000, 0, true },
		{ 0x20010db800000000, 0, 64, 0x20010db800000000, ~0ULL,
		  true },
		{ 0x20010db800000000, 0, 64, 0x20010db800000001, 0, false },
		{ 0x20010db800000000, 1, 128, 0x20010db800000000, 1, true },
		{ 0x20010db800000000, 1, 128, 0x20010db800000000, 0, false },
		{ 0x20010db800000000, 1, 128, 0x20010db800000000, 2, false },
		{ ~0ULL, ~0ULL, 128, ~0ULL, ~0ULL, true },
		{ ~0ULL, ~0ULL, 128, ~0ULL, ~0ULL - 1, false },
		{ 0, 0, 128, 0, 0, true },
		{ 0, 0, 128, 0, 1, false },
		{ 0, 0, 0, ~0ULL, ~0ULL, true },
		{ 0x20010db800000000, 0x8000000000000000, 65,
		  0x20010db800000000, 0x7fffffffffffffff, false },
		{ 0x20010db800000000, 0x8000000000000000, 65,
		  0x20010db800000000, 0x8000000000000000, true },
		{ 0x20010db800000000, 0x8000000000000000, 65,
		  0x20010db800000000, ~0ULL, true },
		{ 0x20010db800000000, 0x8000000000000000, 65,
		  0x20010db800000001, 0, false },
		{ 0x8000000000000000, 0, 1, 0x7fffffffffffffff, ~0ULL, false },
		{ 0x8000000000000000, 0, 1, 0x8000000000000000, 0, true },
		{ 0x20010db800000000, 0, 63, 0x20010db800000001, 0, true },
		{ 0x20010db800000000, 0, 63, 0x20010db800000002, 0, false },
	};
	struct vtl_fw_match_key k[2];
	struct vtl_fw_rule r;
	unsigned int i, dir;
	bool want[2];

	for (dir = 0; dir < 2; dir++) {
		tap_begin();
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			r = any_rule(1);
			r.family = 6;
			if (dir) {
				r.dst_len = cases[i].len;
				ip6(r.dst, cases[i].hi, cases[i].lo);
			} else {
				r.src_len = cases[i].len;
				ip6(r.src, cases[i].hi, cases[i].lo);
			}
			k[0] = key4(IPPROTO_UDP, 0, 0, 1, 1);
			k[0].family = 6;
			ip6(dir ? k[0].dst : k[0].src, cases[i].khi,
			    cases[i].klo);
			want[0] = cases[i].want;
			k[1] = k[0];
			k[1].family = 4;
			want[1] = false;
			one_rule(&r, k, want, 2);
		}
		tap_end("IPv6 %s prefix: /0, /1, /63, /64, /65, /128, edges",
		    dir ? "destination" : "source");
	}
}

static void test_ports(void)
{
	static const struct {
		u16 lo, hi, key;
		bool want;
	} cases[] = {
		{ 0, 0, 0, true },
		{ 0, 0, 1, false },
		{ 0xffff, 0xffff, 0xffff, true },
		{ 0xffff, 0xffff, 0xfffe, false },
		{ 1000, 2000, 999, false },
		{ 1000, 2000, 1000, true },
		{ 1500, 1500, 1500, true },
		{ 1000, 2000, 2000, true },
		{ 1000, 2000, 2001, false },
		{ 0, 1023, 1023, true },
		{ 0, 1023, 1024, false },
		{ 1024, 0xffff, 1023, false },
		{ 1024, 0xffff, 0xffff, true },
		{ 0, 0xffff, 12345, true },
	};
	struct vtl_fw_match_key k[2];
	struct vtl_fw_rule r;
	unsigned int i, dir;
	bool want[2];

	for (dir = 0; dir < 2; dir++) {
		tap_begin();
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			r = any_rule(1);
			r.proto = IPPROTO_TCP;
			if (dir) {
				r.dport_lo = cases[i].lo;
				r.dport_hi = cases[i].hi;
			} else {
				r.sport_lo = cases[i].lo;
				r.sport_hi = cases[i].hi;
			}
			k[0] = key4(IPPROTO_TCP, 1, 2, 7, 7);
			if (dir)
				k[0].dport = cases[i].key;
			else
				k[0].sport = cases[i].key;
			want[0] = cases[i].want;
			/* Same ports, UDP: the rule is TCP only. */
			k[1] = k[0];
			k[1].proto = IPPROTO_UDP;
			want[1] = false;
			one_rule(&r, k, want, 2);
		}
		tap_end("%s port ranges: 0, 65535, edges of a range",
		    dir ? "destination" : "source");
	}
}

static void test_proto_state(void)
{
	static const u8 protos[] = { 0, IPPROTO_ICMP, IPPROTO_TCP,
				     IPPROTO_UDP, IPPROTO_ICMPV6, 255 };
	struct vtl_fw_match_key k[6];
	struct vtl_fw_rule r;
	unsigned int i, j;
	bool want[6];

	tap_begin();
	for (i = 0; i < 6; i++) {
		r = any_rule(1);
		r.proto = protos[i];
		for (j = 0; j < 6; j++) {
			k[j] = key4(protos[j], 1, 2, 0, 0);
			want[j] = !protos[i] || i == j;
		}
		one_rule(&r, k, want, 6);
	}
	tap_end("protocol: any, or one (0 in a key matches only \"any\")");

	tap_begin();
	for (i = 0; i < 16; i++) {
		r = any_rule(1);
		r.state = i;
		for (j = 0; j < 6; j++) {
			k[j] = key4(IPPROTO_TCP, 1, 2, 3, 4);
			k[j].state = j < 4 ? 1 << j : j == 4 ? 0 : 3;
			want[j] = j < 4 && (!i || (i & (1 << j)));
		}
		one_rule(&r, k, want, 6);
	}
	tap_end("state: each mask against each state; keys of 0 or 2 bits match nothing");

	tap_begin();
	r = any_rule(1);
	for (j = 0; j < 3; j++) {
		k[j] = key4(IPPROTO_TCP, 1, 2, 3, 4);
		want[j] = true;
	}
	k[1].family = 6;
	k[2].family = 5;
	want[2] = false;
	one_rule(&r, k, want, 3);
	tap_end("family 0 matches IPv4 and IPv6, never a key of another family");
}

static void test_mixed(void)
{
	struct vtl_fw_match_key k;
	struct vtl_fw_rule r[5];
	struct vtl_fw_set *set;

	tap_begin();
	r[0] = any_rule(1);		/* IPv6 2001:db8::/32 -> drop */
	r[0].family = 6;
	r[0].src_len = 32;
	ip6(r[0].src, 0x20010db800000000, 0);
	r[0].action = VTL_FW_DROP;
	r[1] = any_rule(2);		/* IPv4 10/8 -> reject */
	r[1].family = 4;
	r[1].src_len = 8;
	ip4(r[1].src, 0x0a000000);
	r[1].action = VTL_FW_REJECT;
	r[2] = any_rule(3);		/* ICMPv6, any family */
	r[2].proto = IPPROTO_ICMPV6;
	r[3] = any_rule(4);		/* IPv4 0/0 TCP 22 */
	r[3].family = 4;
	r[3].proto = IPPROTO_TCP;
	r[3].dport_lo = 22;
	r[3].dport_hi = 22;
	r[4] = any_rule(5);		/* IPv6 ::/0 established */
	r[4].family = 6;
	r[4].state = VTL_FW_STATE_ESTABLISHED;
	set = compile_ok(r, 5);
	if (!set)
		goto out;
	/* 0x20010db8 as an IPv4 source is not 2001:db8::/32. */
	k = key4(IPPROTO_TCP, 0x20010db8, 1, 1, 22);
	EXPECT_EQ(lookup(set, &k), 3);
	k.family = 6;
	EXPECT_EQ(lookup(set, &k), 0);
	k.src[3] = 0xb9;
	EXPECT_EQ(lookup(set, &k), -1);
	k.state = VTL_FW_STATE_ESTABLISHED;
	EXPECT_EQ(lookup(set, &k), 4);
	k.proto = IPPROTO_ICMPV6;
	EXPECT_EQ(lookup(set, &k), 2);
	k = key4(IPPROTO_ICMPV6, 0x0a000001, 1, 0, 0);
	EXPECT_EQ(lookup(set, &k), 1);
	k.src[0] = 11;
	EXPECT_EQ(lookup(set, &k), 2);
	k.proto = IPPROTO_TCP;
	EXPECT_EQ(lookup(set, &k), -1);
	vtl_fw_free(set);
out:
	tap_end("IPv4 and IPv6 rules in one set");
}

/* Random sets: values from small pools, so that rules overlap. */
static const u32 pool4[] = { 0, 0x0a000000, 0x0a000100, 0x0a0000ff,
			     0xc0a80000, 0xffffffff, 0x7fffffff, 0x80000000 };
static const u64 pool6[] = { 0, 0x20010db800000000, 0x20010db800010000,
			     0xfe80000000000000, ~0ULL, 0x8000000000000000 };
static const u16 pool_port[] = { 0, 1, 22, 53, 80, 443, 1023, 1024, 8080,
				 65534, 65535 };
static const u8 pool_proto[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
				 IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_GRE };

#define PICK(a) ((a)[rnd() % ARRAY_SIZE(a)])

static void rand_addr(u8 *a, u8 family)
{
	if (family == 4) {
		ip4(a, rnd() % 4 ? PICK(pool4) ^ (rnd() % 4 ? 0 : rnd())
			: rnd());
	} else {
		ip6(a, PICK(pool6), rnd() % 2 ? 0 : (u64)rnd() << 32 | rnd());
		if (rnd() % 4 == 0)
			a[rnd() % 16] ^= 1 << (rnd() % 8);
	}
}

static unsigned int rand_len(u8 family)
{
	static const u8 lens4[] = { 0, 1, 8, 16, 24, 31, 32 };
	static const u8 lens6[] = { 0, 1, 32, 48, 63, 64, 65, 127, 128 };

	if (rnd() % 4 == 0)
		return rnd() % (family == 4 ? 33 : 129);
	return family == 4 ? PICK(lens4) : PICK(lens6);
}

static void rand_range(u16 *lo, u16 *hi)
{
	u16 a, b;

	switch (rnd() % 4) {
	case 0:
		*lo = 0;
		*hi = 0xffff;
		return;
	case 1:
		*lo = PICK(pool_port);
		*hi = *lo;
		return;
	default:
		a = rnd() % 2 ? PICK(pool_port) : rnd();
		b = rnd() % 2 ? PICK(pool_port) : rnd();
		*lo = a < b ? a : b;
		*hi = a < b ? b : a;
	}
}

static void rand_rule(struct vtl_fw_rule *r, u32 id)
{
	static const u8 families[] = { 0, 4, 4, 6, 6 };

	*r = any_rule(id);
	r->family = PICK(families);
	r->proto = PICK(pool_proto);
	if ((r->proto == IPPROTO_ICMP && r->family == 6) ||
	    (r->proto == IPPROTO_ICMPV6 && r->family == 4))
		r->proto = 0;
	if (r->family) {
		rand_addr(r->src, r->family);
		rand_addr(r->dst, r->family);
		if (rnd() % 2)
			r->src_len = rand_len(r->family);
		if (rnd() % 2)
			r->dst_len = rand_len(r->family);
	}
	if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP ||
	    r->proto == IPPROTO_SCTP) {
		if (rnd() % 2)
			rand_range(&r->sport_lo, &r->sport_hi);
		if (rnd() % 3)
			rand_range(&r->dport_lo, &r->dport_hi);
	}
	if (rnd() % 3 == 0)
		r->state = rnd() & VTL_FW_STATE_ALL;
	r->action = VTL_FW_ACCEPT + rnd() % 3;
}

/* Add @d to a big-endian address of @bytes bytes. */
static void addr_add(u8 *a, unsigned int bytes, int d)
{
	int i;

	for (i = bytes - 1; i >= 0; i--) {
		int v = a[i] + d;

		a[i] = v;
		if (v >= 0 && v <= 255)
			break;
		d = v < 0 ? -1 : 1;
	}
}

/* A prefix's lowest or highest address, maybe one past it. */
static void rand_edge(u8 *a, const u8 *prefix, unsigned int len,
		      unsigned int bytes)
{
	bool high = rnd() % 2;
	unsigned int i;

	memcpy(a, prefix, 16);
	for (i = len; i < bytes * 8; i++) {
		u8 bit = 0x80 >> (i % 8);

		a[i / 8] = high ? a[i / 8] | bit : a[i / 8] & ~bit;
	}
	if (rnd() % 2)
		addr_add(a, bytes, high ? 1 : -1);
}

static u16 rand_port_edge(u16 lo, u16 hi)
{
	switch (rnd() % 5) {
	case 0:
		return lo;
	case 1:
		return hi;
	case 2:
		return lo - 1;
	case 3:
		return hi + 1;
	default:
		return PICK(pool_port);
	}
}

/* A key near the boundaries of some rule of @rules, or anywhere. */
static void rand_key(struct vtl_fw_match_key *k, const struct vtl_fw_rule *rules,
		     u32 n)
{
	const struct vtl_fw_rule *r = &rules[rnd() % n];
	unsigned int bytes;

	memset(k, 0, sizeof(*k));
	k->family = r->family ? r->family : rnd() % 2 ? 4 : 6;
	if (rnd() % 8 == 0)
		k->family = 10 - k->family;
	bytes = k->family == 4 ? 4 : 16;
	k->proto = rnd() % 4 ? r->proto : PICK(pool_proto);
	k->state = 1 << (rnd() % 4);
	if (r->family == k->family && rnd() % 4) {
		rand_edge(k->src, r->src, r->src_len, bytes);
		rand_edge(k->dst, r->dst, r->dst_len, bytes);
	} else {
		rand_addr(k->src, k->family);
		rand_addr(k->dst, k->family);
	}
	k->sport = rand_port_edge(r->sport_lo, r->sport_hi);
	k->dport = rand_port_edge(r->dport_lo, r->dport_hi);
}

static void test_differential(void)
{
	struct vtl_fw_rule *rules = calloc(2000, sizeof(*rules));
	unsigned long keys = 0, hits = 0, misses = 0;
	struct vtl_fw_match_key k;
	unsigned int s, i, bad = 0;
	struct vtl_fw_set *set;
	u32 n;

	tap_begin();
	rnd_state = 0x5eed1234;
	for (s = 0; s < 200 && rules; s++) {
		/* Mostly small sets, some up to 2000 rules. */
		n = 1 + rnd() % (s % 4 == 3 ? 2000 : s % 4 == 2 ? 200 : 20);
		for (i = 0; i < n; i++)
			rand_rule(&rules[i], i);
		set = compile_ok(rules, n);
		if (!set)
			continue;
		for (i = 0; i < 1000; i++) {
			long got, want;

			rand_key(&k, rules, n);
			got = lookup(set, &k);
			want = ref_lookup(rules, n, &k);
			keys++;
			if (want < 0)
				misses++;
			else
				hits++;
			if (got != want && bad++ < 5) {
				printf("# set %u (%u rules) key %u: got %ld, want %ld\n",
				       s, n, i, got, want);
				tap_group_ok = false;
			}
		}
		vtl_fw_free(set);
	}
	EXPECT(rules);
	EXPECT_EQ(bad, 0);
	printf("# %lu keys: %lu matched a rule, %lu none\n", keys, hits,
	       misses);
	/* The keys are worth something only if both outcomes are common. */
	EXPECT(hits > keys / 10 && misses > keys / 10);
	free(rules);
	tap_end("differential: 200 random sets x 1000 keys against a linear reference");
}

/*
 * A realistic large set: per-host /30s and one service port each, TCP or
 * UDP, some IPv6; rule n - 1 catches the rest of 10/8 established.
 */
static void big_rule(struct vtl_fw_rule *r, u32 i, u32 n)
{
	*r = any_rule(i);
	r->proto = i % 3 ? IPPROTO_TCP : IPPROTO_UDP;
	r->dport_lo = 1 + i % 1000;
	r->dport_hi = r->dport_lo;
	if (i % 10 == 9) {
		r->family = 6;
		r->dst_len = 64;
		ip6(r->dst, 0x20010db800000000 | i, 0);
	} else {
		r->family = 4;
		r->dst_len = 30;
		ip4(r->dst, 0x0a000000 + i * 4);
	}
	if (i % 7 == 0)
		r->state = VTL_FW_STATE_NEW;
	if (i == n - 1) {
		*r = any_rule(i);
		r->family = 4;
		r->src_len = 8;
		ip4(r->src, 0x0a000000);
		r->state = VTL_FW_STATE_ESTABLISHED;
	}
	r->action = i % 2 ? VTL_FW_ACCEPT : VTL_FW_DROP;
}

#define NR_TIMED_KEYS	4096

/* Keys 0..nr_keys - 1 over and over; a linear reference if !set. */
static double ns_per_lookup(const struct vtl_fw_set *set,
			    const struct vtl_fw_rule *rules, u32 n,
			    const struct vtl_fw_match_key *keys,
			    unsigned int nr_keys)
{
	unsigned int i, nr = set ? 4 * NR_TIMED_KEYS : NR_TIMED_KEYS / 4;
	volatile uintptr_t sink = 0;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < nr; i++)
		sink += set ? (uintptr_t)vtl_fw_lookup(set, &keys[i % nr_keys],
						       NULL) :
			      (uintptr_t)ref_lookup(rules, n,
						    &keys[i % nr_keys]);
	clock_gettime(CLOCK_MONOTONIC, &b);
	(void)sink;
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / nr;
}

static unsigned int log2_up(u32 x)
{
	unsigned int l = 0;

	while ((1ULL << l) < x)
		l++;
	return l;
}

static void test_cost(void)
{
	static const u32 sizes[] = { 10, 10000 };
	struct vtl_fw_match_key *keys = calloc(NR_TIMED_KEYS, sizeof(*keys));
	struct vtl_fw_rule *rules[2];
	struct vtl_fw_set *set[2];
	unsigned long most[2] = { 0, 0 }, total[2] = { 0, 0 }, bound[2];
	unsigned int j, i, bad = 0;
	double ns[2], hot[2], ns_linear;

	tap_begin();
	for (j = 0; j < 2; j++) {
		u32 n = sizes[j], words = (n + 63) / 64;

		rules[j] = calloc(n, sizeof(*rules[j]));
		set[j] = NULL;
		if (!rules[j] || !keys)
			continue;
		for (i = 0; i < n; i++)
			big_rule(&rules[j][i], i, n);
		set[j] = compile_ok(rules[j], n);
		/*
		 * Six binary searches over at most 2n + 1 intervals (2 words
		 * a step), six aggregate words and six data words per word
		 * of rules.
		 */
		bound[j] = 6 * 2 * log2_up(2 * n + 2) +
			   6 * ((words + 63) / 64) + 6 * words;
	}
	if (!set[0] || !set[1])
		goto out;
	rnd_state = 0xc0570001;
	for (i = 0; i < NR_TIMED_KEYS; i++) {
		rand_key(&keys[i], rules[1], sizes[1]);
		if (i % 4 == 0)		/* some 10/8 sources */
			keys[i].src[0] = 10;
	}
	for (j = 0; j < 2; j++) {
		for (i = 0; i < NR_TIMED_KEYS; i++) {
			unsigned long before = vtl_fw_test_words, used;

			if (lookup(set[j], &keys[i]) !=
			    ref_lookup(rules[j], sizes[j], &keys[i]))
				bad++;
			used = (vtl_fw_test_words - before) / 2;
			total[j] += used;
			if (used > most[j])
				most[j] = used;
		}
		printf("# %u rules: words read per lookup: mean %.1f, most %lu, bound %lu\n",
		       sizes[j], (double)total[j] / NR_TIMED_KEYS, most[j],
		       bound[j]);
		EXPECT(most[j] <= bound[j]);
	}
	EXPECT_EQ(bad, 0);
	/* Far below one comparison per rule, at worst. */
	EXPECT(most[1] <= sizes[1] / 8);
	EXPECT(bound[1] <= sizes[1] / 8);
	/* Measured side by side; printed, not asserted (a busy machine). */
	for (i = 0; i < 2; i++) {
		ns[0] = ns_per_lookup(set[0], rules[0], sizes[0], keys,
				      NR_TIMED_KEYS);
		ns[1] = ns_per_lookup(set[1], rules[1], sizes[1], keys,
				      NR_TIMED_KEYS);
		hot[0] = ns_per_lookup(set[0], rules[0], sizes[0], keys, 64);
		hot[1] = ns_per_lookup(set[1], rules[1], sizes[1], keys, 64);
	}
	ns_linear = ns_per_lookup(NULL, rules[1], sizes[1], keys,
				  NR_TIMED_KEYS);
	printf("# ns per lookup, %u keys: %.0f for 10 rules, %.0f for 10000 rules (bit-by-bit linear reference: %.0f)\n",
	       NR_TIMED_KEYS, ns[0], ns[1], ns_linear);
	printf("# ns per lookup, 64 keys (cache-hot): %.0f for 10 rules, %.0f for 10000 rules\n",
	       hot[0], hot[1]);
out:
	for (j = 0; j < 2; j++) {
		vtl_fw_free(set[j]);
		free(rules[j]);
	}
	free(keys);
	tap_end("cost: a 10000-rule lookup reads O(n/64 * fields + log n) words, far below n");
}

int main(void)
{
	test_validation();
	test_too_big();
	test_empty_and_copy();
	test_order();
	test_prefix4();
	test_prefix6();
	test_ports();
	test_proto_state();
	test_mixed();
	test_differential();
	test_cost();
	return tap_done();
}
