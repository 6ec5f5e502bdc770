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

/* Its netlink commands (fw_netlink.c). */
#define VTL_FW_N_OPS	6
extern const struct genl_ops vtl_fw_genl_ops[];
extern const struct nla_policy vtl_fw_port_policy[VTL_PORT_A_MAX + 1];
extern const struct nla_policy vtl_fw_rule_policy[VTL_FW_A_MAX + 1];

struct vtl_fw_entry;
struct vtl_fw_spec;
int vtl_fw_nl_put_match(struct sk_buff *msg, const struct vtl_fw_entry *e);
int vtl_fw_nl_rule_nest(const struct nlattr *nla, struct vtl_fw_spec *spec,
			struct netlink_ext_ack *extack);

/* Its export and import (fw_export.c), for the service's definition. */
extern const struct nla_policy vtl_fw_export_policy[VTL_FW_EXPORT_A_MAX + 1];
int vtl_fw_port_export(struct vtl_export_chunk *ch,
		       const struct vtl_port *port);
int vtl_fw_import_parse(void **staged, const struct nlattr *data,
			struct netlink_ext_ack *extack);
int vtl_fw_import_prepare(void *staged, struct vtl_port *port,
			  struct netlink_ext_ack *extack);
void vtl_fw_import_commit(void *staged, struct vtl_port *port);
void vtl_fw_import_abort(void *staged);
u32 vtl_fw_export_genid(const struct vtl_port *port);

#endif /* _VTL_FIREWALL_H */
