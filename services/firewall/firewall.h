/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stateful firewall (the paper's section 3.4): per port and direction,
 * an ordered rule set matched by fwclass.h's classifier, a default policy,
 * hit counters, and its netlink commands (VTL_CMD_FW_*).
 */
#ifndef _VTL_FIREWALL_H
#define _VTL_FIREWALL_H

#include <net/genetlink.h>
#include <uapi/linux/vtl.h>

#include "service.h"

extern const struct vtl_service vtl_firewall_service;
extern const struct nla_policy vtl_fw_nl_policy[VTL_FW_A_MAX + 1];

int vtl_fw_nl_new(struct sk_buff *skb, struct genl_info *info);
int vtl_fw_nl_del(struct sk_buff *skb, struct genl_info *info);
int vtl_fw_nl_flush(struct sk_buff *skb, struct genl_info *info);
int vtl_fw_nl_policy_set(struct sk_buff *skb, struct genl_info *info);
int vtl_fw_nl_load(struct sk_buff *skb, struct genl_info *info);
int vtl_fw_nl_dump_start(struct netlink_callback *cb);
int vtl_fw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VTL_FIREWALL_H */
