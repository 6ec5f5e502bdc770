/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A port's firewall configuration: its rules, rule sets and policies, and
 * the changes netlink makes to them.  See firewall.c for the design.
 */
#ifndef _VTL_FW_RULES_H
#define _VTL_FW_RULES_H

#include <linux/netlink.h>
#include <linux/refcount.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <uapi/linux/vtl.h>

#include "stats.h"

#include "fwclass.h"

/* Directions, as indexes: enum vtl_fw_dir - 1. */
#define VTL_FW_NDIR	2

/**
 * struct vtl_fw_entry - one configured rule
 * @rule: its match and action; @rule.id is its id
 * @dir: &enum vtl_fw_dir
 * @ref: chains holding it
 * @hits: its counters
 */
struct vtl_fw_entry {
	struct vtl_fw_rule rule;
	u8 dir;
	refcount_t ref;
	struct vtl_pcpu_hits __percpu *hits;
};

/**
 * struct vtl_fw_chain - the rules of one direction, compiled
 * @ref: configurations holding it
 * @n: rules
 * @cls: their classifier
 * @e: the rules in order; @cls's index i is @e[i]
 */
struct vtl_fw_chain {
	refcount_t ref;
	u32 n;
	struct vtl_fw_set *cls;
	struct vtl_fw_entry *e[];
};

/**
 * struct vtl_fw_conf - a port's firewall as one packet sees it
 * @rwork: frees it after a grace period once replaced
 * @policy: per direction, &enum vtl_fw_verdict accept or drop
 * @chain: per direction, its rules; NULL for none
 */
struct vtl_fw_conf {
	struct rcu_work rwork;
	u8 policy[VTL_FW_NDIR];
	struct vtl_fw_chain *chain[VTL_FW_NDIR];
};

/* A port's firewall counters (stats.h's, per CPU), by index. */
enum {
	VTL_FW_C_ACCEPTED,
	VTL_FW_C_DROPPED,
	VTL_FW_C_REJECTED,
	VTL_FW_C_POLICY,	/* VTL_FW_NDIR of them, by direction */
	VTL_FW_C_COUNT = VTL_FW_C_POLICY + VTL_FW_NDIR
};

/* The same, summed. */
struct vtl_fw_stats {
	u64 accepted;
	u64 dropped;
	u64 rejected;
	u64 policy[VTL_FW_NDIR];
};

/**
 * struct vtl_fw_port - a port's firewall
 * @conf: what packets see; NULL until first configured (accept all).
 *	RTNL for writers, RCU for the data path.
 * @next_id: the id the next rule gets
 * @genid: changes with every change of @conf, for dumps
 * @stats: the counters (the framework's: vtl_port_counters())
 * @port: the port it belongs to
 */
struct vtl_fw_port {
	struct vtl_fw_conf __rcu *conf;
	u32 next_id;
	u32 genid;
	struct vtl_pcpu_counters __percpu *stats;
	struct vtl_port *port;
};

/**
 * struct vtl_fw_spec - a rule as asked for
 * @rule: match and action (@rule.id is ignored)
 * @dir: &enum vtl_fw_dir
 */
struct vtl_fw_spec {
	struct vtl_fw_rule rule;
	u8 dir;
};

void vtl_fw_conf_release(struct vtl_fw_conf *conf);
u8 vtl_fw_conf_policy(const struct vtl_fw_conf *conf, u8 dir);
u32 vtl_fw_conf_rules(const struct vtl_fw_conf *conf, u8 dir);
void vtl_fw_read_stats(const struct vtl_fw_port *fp, struct vtl_fw_stats *sum);

int vtl_fw_rule_add(struct vtl_fw_port *fp, const struct vtl_fw_spec *spec,
		    u32 *id, struct netlink_ext_ack *extack);
int vtl_fw_rule_del(struct vtl_fw_port *fp, u32 id);
int vtl_fw_rules_flush(struct vtl_fw_port *fp, u8 dir);
int vtl_fw_policy_set(struct vtl_fw_port *fp, u8 dir, u8 policy);
struct vtl_fw_conf *vtl_fw_conf_build(const struct vtl_fw_port *fp,
				      const struct vtl_fw_spec *specs, u32 n,
				      const u8 *policy, u32 *next_id,
				      struct netlink_ext_ack *extack);
void vtl_fw_conf_set(struct vtl_fw_port *fp, struct vtl_fw_conf *conf,
		     u32 next_id);
int vtl_fw_rules_load(struct vtl_fw_port *fp, const struct vtl_fw_spec *specs,
		      u32 n, const u8 *policy, struct netlink_ext_ack *extack);

#endif /* _VTL_FW_RULES_H */
