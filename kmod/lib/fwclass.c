// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall's rule classifier: see fwclass.h for the algorithm and its
 * bounds.
 *
 * A compiled set is one allocation: the set header, a copy of the rules,
 * then for each table its interval starts and its rows.  A row is the
 * aggregate words (bit w: data word w is nonzero) followed by the data words
 * (bit r: rule r covers the interval).
 */
#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>

#define fw_zalloc(size)		kvzalloc(size, GFP_KERNEL)
#define fw_free(p)		kvfree(p)
#define fw_sort(base, n, size, cmp)	sort(base, n, size, cmp, NULL)
#define fw_ffs64(x)		((u32)__ffs64(x))
#else
#include <stdlib.h>

#define fw_zalloc(size)		calloc(1, size)
#define fw_free(p)		free(p)
#define fw_sort(base, n, size, cmp)	qsort(base, n, size, cmp)
#define fw_ffs64(x)		((u32)__builtin_ctzll(x))
#endif

#include "fwclass.h"

#ifdef VTL_FW_TEST_HOOKS
unsigned long vtl_fw_test_words;
#define fw_count_words(n)	(vtl_fw_test_words += (n))
#else
#define fw_count_words(n)	do { } while (0)
#endif

/* An address, port or protocol number, as one 128-bit unsigned number. */
struct fw_u128 {
	u64 hi;
	u64 lo;
};

/*
 * The tables: the range fields, then the state bits.  A lookup uses one
 * source and one destination address table (by family) and all the others.
 */
enum fw_table_id {
	FW_SRC4,
	FW_DST4,
	FW_SRC6,
	FW_DST6,
	FW_SPORT,
	FW_DPORT,
	FW_PROTO,
	FW_NR_RANGE,
	FW_STATE = FW_NR_RANGE,
	FW_NR_TABLES
};

#define FW_NR_STATES	4	/* bits of VTL_FW_STATE_ALL */
#define FW_NR_MATCH	6	/* tables one lookup reads */

/**
 * struct fw_table - one field's elementary intervals and their bitmaps
 * @nr: intervals; at least 1, as @start[0] is 0
 * @start: the lowest value of each interval, ascending
 * @bits: @nr rows of &vtl_fw_set.stride words
 */
struct fw_table {
	u32 nr;
	struct fw_u128 *start;
	u64 *bits;
};

/**
 * struct vtl_fw_set - a compiled rule set; never written once compiled
 * @nr_rules: rules in @rules
 * @words: data words per row: one bit per rule
 * @sum_words: aggregate words per row: one bit per data word
 * @stride: @sum_words + @words
 * @tab: the tables, indexed by &enum fw_table_id
 * @rules: a copy of the rules, in order
 */
struct vtl_fw_set {
	u32 nr_rules;
	u32 words;
	u32 sum_words;
	u32 stride;
	struct fw_table tab[FW_NR_TABLES];
	struct vtl_fw_rule *rules;
};

static u64 fw_align8(u64 x)
{
	return (x + 7) & ~(u64)7;
}

static int fw_cmp(const struct fw_u128 *a, const struct fw_u128 *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int fw_sort_cmp(const void *a, const void *b)
{
	return fw_cmp(a, b);
}

static u64 fw_be64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static u32 fw_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* An address as a number: IPv4 in the low 32 bits. */
static struct fw_u128 fw_addr(const u8 *addr, bool ipv4)
{
	struct fw_u128 v;

	if (ipv4) {
		v.hi = 0;
		v.lo = fw_be32(addr);
	} else {
		v.hi = fw_be64(addr);
		v.lo = fw_be64(addr + 8);
	}
	return v;
}

/* The range a prefix of @plen bits covers in a 128-bit space. */
static void fw_prefix(struct fw_u128 v, unsigned int plen, struct fw_u128 *lo,
		      struct fw_u128 *hi)
{
	u64 mhi, mlo;

	if (plen >= 64)
		mhi = ~0ULL;
	else
		mhi = plen ? ~0ULL << (64 - plen) : 0;
	mlo = plen <= 64 ? 0 : ~0ULL << (128 - plen);
	lo->hi = v.hi & mhi;
	lo->lo = v.lo & mlo;
	hi->hi = v.hi | ~mhi;
	hi->lo = v.lo | ~mlo;
}

static bool fw_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

/**
 * vtl_fw_rule_check - can a rule be compiled?
 * @r: the rule
 * @why: if not NULL, set to what is wrong with it (a string literal)
 *
 * Return: 0, or -EINVAL for a rule vtl_fw_compile() refuses.
 */
int vtl_fw_rule_check(const struct vtl_fw_rule *r, const char **why)
{
	const char *msg = NULL;
	unsigned int max_len;

	switch (r->family) {
	case 0:
		max_len = 0;
		break;
	case 4:
		max_len = 32;
		break;
	case 6:
		max_len = 128;
		break;
	default:
		msg = "family must be 4 or 6";
		goto err;
	}
	if (r->src_len > max_len || r->dst_len > max_len) {
		msg = r->family ? "prefix longer than the address" :
				  "a prefix needs a family";
		goto err;
	}
	if ((r->proto == IPPROTO_ICMP && r->family == 6) ||
	    (r->proto == IPPROTO_ICMPV6 && r->family == 4)) {
		msg = "ICMP is IPv4 only and ICMPv6 IPv6 only";
		goto err;
	}
	if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi) {
		msg = "port range ends below its start";
		goto err;
	}
	if ((r->sport_lo || r->sport_hi != 0xffff ||
	     r->dport_lo || r->dport_hi != 0xffff) && !fw_has_ports(r->proto)) {
		msg = "ports need proto tcp, udp, udplite, sctp or dccp";
		goto err;
	}
	if (r->state & ~VTL_FW_STATE_ALL) {
		msg = "unknown connection state";
		goto err;
	}
	if (r->action < VTL_FW_ACCEPT || r->action > VTL_FW_REJECT) {
		msg = "action must be accept, drop or reject";
		goto err;
	}
	return 0;

err:
	if (why)
		*why = msg;
	return -EINVAL;
}

/* The largest value in table @t. */
static struct fw_u128 fw_table_max(enum fw_table_id t)
{
	struct fw_u128 v = { 0, 0 };

	switch (t) {
	case FW_SRC4:
	case FW_DST4:
		v.lo = 0xffffffff;
		break;
	case FW_SRC6:
	case FW_DST6:
		v.hi = ~0ULL;
		v.lo = ~0ULL;
		break;
	case FW_SPORT:
	case FW_DPORT:
		v.lo = 0xffff;
		break;
	default:
		v.lo = 0xff;
		break;
	}
	return v;
}

/*
 * The range rule @r matches in range table @t, in @lo..@hi; false if the
 * rule is of the other family and so in no interval of @t.
 */
static bool fw_rule_range(const struct vtl_fw_rule *r, enum fw_table_id t,
			  struct fw_u128 *lo, struct fw_u128 *hi)
{
	bool ipv4 = t == FW_SRC4 || t == FW_DST4;
	bool src = t == FW_SRC4 || t == FW_SRC6;

	lo->hi = 0;
	hi->hi = 0;
	switch (t) {
	case FW_SRC4:
	case FW_DST4:
	case FW_SRC6:
	case FW_DST6:
		if (r->family && r->family != (ipv4 ? 4 : 6))
			return false;
		fw_prefix(fw_addr(src ? r->src : r->dst, ipv4),
			  (ipv4 ? 96 : 0) + (src ? r->src_len : r->dst_len),
			  lo, hi);
		break;
	case FW_SPORT:
		lo->lo = r->sport_lo;
		hi->lo = r->sport_hi;
		break;
	case FW_DPORT:
		lo->lo = r->dport_lo;
		hi->lo = r->dport_hi;
		break;
	default:
		lo->lo = r->proto;
		hi->lo = r->proto ? r->proto : 0xff;
		break;
	}
	return true;
}

/*
 * Write the interval starts of range table @t to @start (room for 2n + 1)
 * and return their number.
 */
static u32 fw_starts(const struct vtl_fw_rule *rules, u32 n,
		     enum fw_table_id t, struct fw_u128 *start)
{
	struct fw_u128 max = fw_table_max(t), lo, hi;
	u32 i, m = 0, k;

	start[m].hi = 0;
	start[m++].lo = 0;
	for (i = 0; i < n; i++) {
		if (!fw_rule_range(&rules[i], t, &lo, &hi))
			continue;
		start[m++] = lo;
		if (fw_cmp(&hi, &max)) {
			hi.lo++;
			if (!hi.lo)
				hi.hi++;
			start[m++] = hi;
		}
	}
	fw_sort(start, m, sizeof(*start), fw_sort_cmp);
	for (i = 1, k = 1; i < m; i++)
		if (fw_cmp(&start[i], &start[k - 1]))
			start[k++] = start[i];
	return k;
}

/* The interval of @tab holding @v: the last one starting at or below it. */
static u32 fw_search(const struct fw_table *tab, const struct fw_u128 *v)
{
	u32 lo = 0, hi = tab->nr, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		fw_count_words(2);
		if (fw_cmp(&tab->start[mid], v) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static u64 *fw_row(const struct vtl_fw_set *set, enum fw_table_id t, u32 k)
{
	return set->tab[t].bits + (size_t)k * set->stride;
}

static void fw_toggle(u64 *row, u32 sum_words, u32 r)
{
	row[sum_words + r / 64] ^= 1ULL << (r % 64);
}

/*
 * Set the rows of range table @t.  Each rule toggles its bit in the row of
 * its first interval and in the row after its last; an XOR running down
 * the rows then leaves the bit set exactly in the rows the rule covers.
 */
static void fw_fill_range(struct vtl_fw_set *set, enum fw_table_id t)
{
	const struct fw_table *tab = &set->tab[t];
	u32 s = set->sum_words, r, i, j, w;
	struct fw_u128 lo, hi;
	u64 *row, *prev;

	for (r = 0; r < set->nr_rules; r++) {
		if (!fw_rule_range(&set->rules[r], t, &lo, &hi))
			continue;
		i = fw_search(tab, &lo);
		j = fw_search(tab, &hi);
		fw_toggle(fw_row(set, t, i), s, r);
		if (j + 1 < tab->nr)
			fw_toggle(fw_row(set, t, j + 1), s, r);
	}
	for (i = 1; i < tab->nr; i++) {
		row = fw_row(set, t, i);
		prev = fw_row(set, t, i - 1);
		for (w = 0; w < set->words; w++)
			row[s + w] ^= prev[s + w];
	}
}

static void fw_fill_state(struct vtl_fw_set *set)
{
	struct fw_table *tab = &set->tab[FW_STATE];
	u32 r, k;
	u8 mask;

	for (k = 0; k < FW_NR_STATES; k++) {
		tab->start[k].lo = k;
		for (r = 0; r < set->nr_rules; r++) {
			mask = set->rules[r].state ?: VTL_FW_STATE_ALL;
			if (mask & BIT(k))
				fw_toggle(fw_row(set, FW_STATE, k),
					  set->sum_words, r);
		}
	}
}

static void fw_fill_aggregates(struct vtl_fw_set *set, enum fw_table_id t)
{
	u32 s = set->sum_words, k, w;
	u64 *row;

	for (k = 0; k < set->tab[t].nr; k++) {
		row = fw_row(set, t, k);
		for (w = 0; w < set->words; w++)
			if (row[s + w])
				row[w / 64] |= 1ULL << (w % 64);
	}
}

/**
 * vtl_fw_compile - validate rules and compile them into a set
 * @rules: the rules, first match first; copied, so the caller may free them
 * @n: their number (0 is a set that matches nothing)
 * @err: set to 0, or to the error when NULL is returned
 *
 * Sleeps (allocates with GFP_KERNEL); the result is never written again,
 * so it may be published to RCU readers as is.
 *
 * Return: the set, or NULL with *@err -EINVAL for an invalid rule (see
 * &struct vtl_fw_rule), -E2BIG for more than %VTL_FW_MAX_RULES rules or a
 * set larger than %VTL_FW_MAX_BYTES, -ENOMEM.
 */
struct vtl_fw_set *vtl_fw_compile(const struct vtl_fw_rule *rules, u32 n,
				  int *err)
{
	u32 nr[FW_NR_TABLES], words, sum_words, stride, i;
	struct fw_u128 *scratch;
	struct vtl_fw_set *set;
	u64 size, row_size;
	u8 *p;
	int ret;

	ret = -E2BIG;
	if (n > VTL_FW_MAX_RULES)
		goto err;
	ret = -EINVAL;
	if (n && !rules)
		goto err;
	for (i = 0; i < n; i++) {
		ret = vtl_fw_rule_check(&rules[i], NULL);
		if (ret)
			goto err;
	}

	words = (n + 63) / 64;
	sum_words = (words + 63) / 64;
	stride = sum_words + words;
	row_size = sizeof(struct fw_u128) + (u64)stride * sizeof(u64);
	size = fw_align8(sizeof(*set)) + fw_align8((u64)n * sizeof(*rules)) +
	       FW_NR_STATES * row_size;
	/* Each range table has at least one row: fail early if even that. */
	ret = -E2BIG;
	if (size + FW_NR_RANGE * row_size > VTL_FW_MAX_BYTES)
		goto err;

	ret = -ENOMEM;
	scratch = fw_zalloc(((size_t)n * 2 + 1) * sizeof(*scratch));
	if (!scratch)
		goto err;
	for (i = 0; i < FW_NR_RANGE; i++) {
		nr[i] = fw_starts(rules, n, i, scratch);
		size += nr[i] * row_size;
	}
	nr[FW_STATE] = FW_NR_STATES;
	ret = -E2BIG;
	if (size > VTL_FW_MAX_BYTES)
		goto err_free_scratch;

	ret = -ENOMEM;
	set = fw_zalloc((size_t)size);
	if (!set)
		goto err_free_scratch;
	set->nr_rules = n;
	set->words = words;
	set->sum_words = sum_words;
	set->stride = stride;
	p = (u8 *)set + fw_align8(sizeof(*set));
	set->rules = (struct vtl_fw_rule *)p;
	if (n)
		memcpy(set->rules, rules, (size_t)n * sizeof(*rules));
	p += fw_align8((u64)n * sizeof(*rules));
	for (i = 0; i < FW_NR_TABLES; i++) {
		set->tab[i].nr = nr[i];
		set->tab[i].start = (struct fw_u128 *)p;
		p += (size_t)nr[i] * sizeof(struct fw_u128);
		set->tab[i].bits = (u64 *)p;
		p += (size_t)nr[i] * stride * sizeof(u64);
	}
	for (i = 0; i < FW_NR_RANGE; i++) {
		/* The same starts as counted above: fw_starts() is pure. */
		fw_starts(rules, n, i, scratch);
		memcpy(set->tab[i].start, scratch,
		       (size_t)nr[i] * sizeof(*scratch));
		fw_fill_range(set, i);
	}
	fw_fill_state(set);
	for (i = 0; i < FW_NR_TABLES; i++)
		fw_fill_aggregates(set, i);
	fw_free(scratch);
	if (err)
		*err = 0;
	return set;

err_free_scratch:
	fw_free(scratch);
err:
	if (err)
		*err = ret;
	return NULL;
}

/**
 * vtl_fw_lookup - the first rule of a set that matches a packet
 * @set: compiled set
 * @key: the packet's fields
 * @index: if not NULL, set to the rule's index in the set (for the
 *	caller's hit counters) when one matches
 *
 * Reads @set only: safe under rcu_read_lock() alone, from any context.
 *
 * Return: the rule, in the set's copy, or NULL if none matches (the
 * default policy applies).
 */
const struct vtl_fw_rule *vtl_fw_lookup(const struct vtl_fw_set *set,
					const struct vtl_fw_match_key *key,
					u32 *index)
{
	bool ipv4 = key->family == 4;
	const u64 *row[FW_NR_MATCH];
	u32 s = set->sum_words, i, w, b;
	struct fw_u128 v;
	u64 sum, data;

	if (key->family != 4 && key->family != 6)
		return NULL;
	if (!key->state || (key->state & (key->state - 1)) ||
	    (key->state & ~VTL_FW_STATE_ALL))
		return NULL;

	v = fw_addr(key->src, ipv4);
	i = ipv4 ? FW_SRC4 : FW_SRC6;
	row[0] = fw_row(set, i, fw_search(&set->tab[i], &v));
	v = fw_addr(key->dst, ipv4);
	i = ipv4 ? FW_DST4 : FW_DST6;
	row[1] = fw_row(set, i, fw_search(&set->tab[i], &v));
	v.hi = 0;
	v.lo = key->sport;
	row[2] = fw_row(set, FW_SPORT, fw_search(&set->tab[FW_SPORT], &v));
	v.lo = key->dport;
	row[3] = fw_row(set, FW_DPORT, fw_search(&set->tab[FW_DPORT], &v));
	v.lo = key->proto;
	row[4] = fw_row(set, FW_PROTO, fw_search(&set->tab[FW_PROTO], &v));
	row[5] = fw_row(set, FW_STATE, fw_ffs64(key->state));

	for (i = 0; i < s; i++) {
		fw_count_words(FW_NR_MATCH);
		sum = row[0][i] & row[1][i] & row[2][i] & row[3][i] &
		      row[4][i] & row[5][i];
		while (sum) {
			w = s + i * 64 + fw_ffs64(sum);
			sum &= sum - 1;
			fw_count_words(FW_NR_MATCH);
			data = row[0][w] & row[1][w] & row[2][w] & row[3][w] &
			       row[4][w] & row[5][w];
			if (!data)
				continue;
			b = (w - s) * 64 + fw_ffs64(data);
			if (index)
				*index = b;
			return &set->rules[b];
		}
	}
	return NULL;
}

/**
 * vtl_fw_count - the number of rules in a compiled set
 * @set: compiled set
 *
 * Return: its rules, the size the caller's hit counter arrays need.
 */
u32 vtl_fw_count(const struct vtl_fw_set *set)
{
	return set->nr_rules;
}

/**
 * vtl_fw_free - free a compiled set
 * @set: compiled set, or NULL
 *
 * Any context but NMI (kvfree()); after an RCU grace period if readers may
 * still hold @set.
 */
void vtl_fw_free(struct vtl_fw_set *set)
{
	fw_free(set);
}
