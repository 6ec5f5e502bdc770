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

#endif /* _VTL_FIREWALL_H */
