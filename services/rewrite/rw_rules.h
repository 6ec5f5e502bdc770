/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A port's rewrite rules: an immutable array, longest prefix first,
 * swapped under RCU on every change (RTNL); rules and their counters are
 * shared between successive arrays.
 */
#ifndef _VTL_RW_RULES_H
#define _VTL_RW_RULES_H

#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/u64_stats_sync.h>

#include "stats.h"

enum vtl_rw_flags {
	VTL_RW_SMAC	= BIT(0),
	VTL_RW_SADDR	= BIT(1),
	VTL_RW_DADDR	= BIT(2),
	VTL_RW_AUTO	= BIT(3),
};

/**
 * struct vtl_rw_rule - one rewrite rule
 * @family: 4 or 6
 * @dst_len: prefix length of @dst
 * @flags: &enum vtl_rw_flags: which of the optional fields apply, and
 *	whether tunnel auto installed it
 * @dst: the destination prefix, bits past @dst_len zero
 * @dmac: the new destination MAC
 * @smac: the new source MAC, with %VTL_RW_SMAC
 * @saddr: the new source address, with %VTL_RW_SADDR
 * @daddr: the new destination address, with %VTL_RW_DADDR
 * @out_ifindex: the port to send rewritten frames into, or 0
 * @ref: arrays holding it
 * @hits: frames it rewrote
 */
struct vtl_rw_rule {
	u8 family;
	u8 dst_len;
	u8 flags;
	u8 dst[16];
	u8 dmac[ETH_ALEN];
	u8 smac[ETH_ALEN];
	u8 saddr[16];
	u8 daddr[16];
	int out_ifindex;
	refcount_t ref;
	struct vtl_pcpu_hits __percpu *hits;
};

struct vtl_rw_conf {
	struct rcu_head rcu;
	u32 n;
	struct vtl_rw_rule *r[];
};

/**
 * struct vtl_rw_port - a port's rewriting
 * @conf: its rules; NULL for none.  RTNL for writers, RCU for readers.
 * @genid: the namespace's count of rule changes, bumped with each; RTNL
 * @stats: its counters, &enum vtl_rw_counter (the framework's:
 *	vtl_port_counters())
 * @port: the port it belongs to
 */
struct vtl_rw_port {
	struct vtl_rw_conf __rcu *conf;
	u32 *genid;
	struct vtl_pcpu_counters __percpu *stats;
	struct vtl_port *port;
};

void vtl_rw_use(struct vtl_rw_port *rp);

bool vtl_rw_prefix_match(const u8 *addr, const u8 *prefix, u8 len);
const struct vtl_rw_rule *vtl_rw_lookup(const struct vtl_rw_conf *conf,
					u8 family, const u8 *daddr);
void vtl_rw_conf_release(struct vtl_rw_conf *conf);
int vtl_rw_rule_add(struct vtl_rw_port *rp, const struct vtl_rw_rule *tmpl,
		    struct netlink_ext_ack *extack);
int vtl_rw_rule_del(struct vtl_rw_port *rp, u8 family, const u8 *dst,
		    u8 dst_len, bool auto_only);
struct vtl_rw_conf *vtl_rw_conf_new(const struct vtl_rw_rule *tmpl, u32 n);
void vtl_rw_conf_set(struct vtl_rw_port *rp, struct vtl_rw_conf *conf);
int vtl_rw_rules_flush(struct vtl_rw_port *rp, bool auto_only,
		       int out_ifindex);

#endif /* _VTL_RW_RULES_H */
