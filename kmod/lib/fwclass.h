/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firewall's rule classifier: an ordered list of rules, compiled once
 * into an immutable set, then asked per packet for the first rule that
 * matches.  Pure code shared by the kernel module and the userspace tests
 * and fuzzer; the per-port, per-direction rule sets, the default policy,
 * the per-CPU hit counters and the RCU swap of a new set are the caller's.
 *
 * Algorithm: per-field bit vectors (Lakshman and Stiliadis, SIGCOMM '98),
 * with an aggregate bit per 64-bit word (Baboescu and Varghese, SIGCOMM
 * '01).  Each range field (IPv4 and IPv6 source and destination, source and
 * destination port, protocol) splits its value space at every rule's range
 * boundaries into at most 2n + 1 elementary intervals; each interval keeps a
 * bitmap of the n rules whose range covers it, and the state field keeps one
 * bitmap per state bit.  A lookup binary-searches each of the six fields it
 * needs, ANDs six bitmaps and takes the lowest set bit: the first rule in
 * order that matches every field.  The AND first runs over the aggregates
 * (one bit per bitmap word, nonzero or not), so only words that may hold a
 * common bit are read.  Cost of a lookup, at worst: 6 binary searches of
 * at most log2(2n + 2) steps and 6 * (n/64 + n/4096) words of AND; for
 * 10,000 rules that is about 1,000 word operations instead of 10,000 rule
 * comparisons, and with sparse fields far fewer.  Chosen over tries or
 * decision trees (HiCuts, HyperCuts) because its lookup cost is bounded for
 * every rule set, not just typical ones, and the code is short enough to
 * check against a linear reference.
 *
 * Memory: about (I + 4) * (n/64 + n/4096 + 2) 64-bit words, where I is the
 * number of elementary intervals over all seven range fields (at most
 * 7 * (2n + 1)), plus the rules themselves.  Realistic sets vary in one or
 * two fields: 10,000 rules with a destination /32 each and a thousand
 * ports take about 27 MiB, with a distinct /32 and port each about 50 MiB.
 * A set whose compiled size would exceed %VTL_FW_MAX_BYTES is refused with
 * -E2BIG rather than allocated; compile time is linear in that size plus
 * O(n log n) for sorting the boundaries.
 *
 * A compiled set is never written after vtl_fw_compile() returns, so any
 * number of readers may call vtl_fw_lookup() on it concurrently; replace it
 * by publishing a new set and freeing the old one after a grace period.
 */
#ifndef _VTL_FWCLASS_H
#define _VTL_FWCLASS_H

#include "compat.h"

/* Compiled sets larger than this are refused with -E2BIG. */
#define VTL_FW_MAX_BYTES	(64 * 1024 * 1024)
/* More rules than this are refused with -E2BIG. */
#define VTL_FW_MAX_RULES	65536

/**
 * enum vtl_fw_action - what to do with a packet a rule matches
 * @VTL_FW_ACCEPT: let it through
 * @VTL_FW_DROP: discard it silently
 * @VTL_FW_REJECT: discard it and tell the sender (TCP RST, ICMP error)
 *
 * 0 is no action, so a rule left zeroed does not compile.
 */
enum vtl_fw_action {
	VTL_FW_ACCEPT = 1,
	VTL_FW_DROP,
	VTL_FW_REJECT,
};

/**
 * enum vtl_fw_state - connection state bits, as conntrack names them
 * @VTL_FW_STATE_NEW: the packet starts a connection
 * @VTL_FW_STATE_ESTABLISHED: part of a known connection
 * @VTL_FW_STATE_RELATED: related to one (an ICMP error about it)
 * @VTL_FW_STATE_INVALID: belongs to no connection and cannot start one
 */
enum vtl_fw_state {
	VTL_FW_STATE_NEW		= BIT(0),
	VTL_FW_STATE_ESTABLISHED	= BIT(1),
	VTL_FW_STATE_RELATED		= BIT(2),
	VTL_FW_STATE_INVALID		= BIT(3),
};

#define VTL_FW_STATE_ALL	(VTL_FW_STATE_NEW | VTL_FW_STATE_ESTABLISHED | \
				 VTL_FW_STATE_RELATED | VTL_FW_STATE_INVALID)

/**
 * struct vtl_fw_rule - one firewall rule
 * @id: the caller's name for the rule; not interpreted
 * @family: 4 or 6, or 0 for both (and then both prefix lengths are 0)
 * @proto: IPPROTO_*, or 0 for any
 * @src_len: source prefix length: at most 32 for IPv4, 128 for IPv6
 * @dst_len: destination prefix length, likewise
 * @src: source prefix, network order (IPv4 in the first 4 bytes); bits
 *	past @src_len are ignored
 * @dst: destination prefix, likewise
 * @sport_lo: lowest source port matched, host order
 * @sport_hi: highest source port matched; 0..65535 is any port, the only
 *	range allowed unless @proto is TCP, UDP, UDP-Lite, SCTP or DCCP
 * @dport_lo: lowest destination port matched
 * @dport_hi: highest destination port matched, likewise
 * @state: &enum vtl_fw_state bits the packet's state must be one of, or 0
 *	for any
 * @action: &enum vtl_fw_action
 *
 * A rule matches a packet when every field does.  ICMP requires family 4
 * or 0, ICMPv6 family 6 or 0.
 */
struct vtl_fw_rule {
	u32 id;
	u8 family;
	u8 proto;
	u8 src_len;
	u8 dst_len;
	u8 src[16];
	u8 dst[16];
	u16 sport_lo;
	u16 sport_hi;
	u16 dport_lo;
	u16 dport_hi;
	u8 state;
	u8 action;
};

/**
 * struct vtl_fw_match_key - what a packet is matched on
 * @family: 4 or 6
 * @proto: IPPROTO_* of its L4 header
 * @state: exactly one &enum vtl_fw_state bit
 * @src: source address, network order (IPv4 in the first 4 bytes)
 * @dst: destination address, likewise
 * @sport: source port, host order; 0 for a protocol without ports
 * @dport: destination port, likewise
 *
 * A key with another family or state value matches no rule.
 */
struct vtl_fw_match_key {
	u8 family;
	u8 proto;
	u8 state;
	u8 src[16];
	u8 dst[16];
	u16 sport;
	u16 dport;
};

struct vtl_fw_set;

int vtl_fw_rule_check(const struct vtl_fw_rule *r, const char **why);
struct vtl_fw_set *vtl_fw_compile(const struct vtl_fw_rule *rules, u32 n,
				  int *err);
const struct vtl_fw_rule *vtl_fw_lookup(const struct vtl_fw_set *set,
					const struct vtl_fw_match_key *key,
					u32 *index);
u32 vtl_fw_count(const struct vtl_fw_set *set);
void vtl_fw_free(struct vtl_fw_set *set);

#ifdef VTL_FW_TEST_HOOKS
/* Userspace tests only: 64-bit words read by lookups, added up. */
extern unsigned long vtl_fw_test_words;
#endif

#endif /* _VTL_FWCLASS_H */
