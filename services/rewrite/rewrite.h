/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rewrite and subnet tunneling (the paper's section 3.2): frames a VM
 * sends to a destination prefix get new MAC (and optionally IP) addresses
 * and may go straight into another port's VM, skipping the routed path.
 * Its netlink commands are VTL_CMD_REWRITE_* and VTL_CMD_TUNNEL_*.
 */
#ifndef _VTL_REWRITE_H
#define _VTL_REWRITE_H

#include <net/genetlink.h>
#include <uapi/linux/vtl.h>

#include "service.h"

extern const struct nla_policy vtl_tunnel_nl_policy[VTL_TUNNEL_A_MAX + 1];

/* Its netlink commands (rw_netlink.c), the tunnel's among them. */
#define VTL_RW_N_OPS	6
extern const struct genl_ops vtl_rw_genl_ops[];
extern const struct nla_policy vtl_rw_port_policy[VTL_PORT_A_MAX + 1];
struct vtl_rw_rule;
int vtl_rw_nl_put_spec(struct sk_buff *msg, const struct vtl_rw_rule *r);
int vtl_rw_nl_spec(struct nlattr **tb, const struct nlattr *nest,
		   struct vtl_rw_rule *r, struct netlink_ext_ack *extack);

/*
 * The policy of a rule's attributes, entries of an &enum vtl_rewrite_attr
 * policy: those %VTL_CMD_REWRITE_NEW takes, and a rule of a port's export.
 */
#define VTL_RW_RULE_POLICY						\
	[VTL_REWRITE_A_DST] = { .type = NLA_BINARY, .len = 16 },	\
	[VTL_REWRITE_A_DST_LEN] = NLA_POLICY_MAX(NLA_U8, 128),		\
	[VTL_REWRITE_A_DMAC] = NLA_POLICY_ETH_ADDR,			\
	[VTL_REWRITE_A_SMAC] = NLA_POLICY_ETH_ADDR,			\
	[VTL_REWRITE_A_SADDR] = { .type = NLA_BINARY, .len = 16 },	\
	[VTL_REWRITE_A_DADDR] = { .type = NLA_BINARY, .len = 16 },	\
	[VTL_REWRITE_A_OUT_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1)

/* Its export and import (rw_export.c), for the service's definition. */
extern const struct nla_policy
	vtl_rw_export_policy[VTL_REWRITE_EXPORT_A_MAX + 1];
int vtl_rw_port_export(struct vtl_export_chunk *ch,
		       const struct vtl_port *port);
int vtl_rw_import_parse(void **staged, const struct nlattr *data,
			struct netlink_ext_ack *extack);
int vtl_rw_import_prepare(void *staged, struct vtl_port *port,
			  struct netlink_ext_ack *extack);
void vtl_rw_import_commit(void *staged, struct vtl_port *port);
void vtl_rw_import_abort(void *staged);
u32 vtl_rw_export_genid(const struct vtl_port *port);

int vtl_tunnel_nl_set(struct sk_buff *skb, struct genl_info *info);
int vtl_tunnel_nl_get(struct sk_buff *skb, struct genl_info *info);
int vtl_tunnel_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VTL_REWRITE_H */
