/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "vtl".
 */
#ifndef _VTL_NETLINK_H
#define _VTL_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family vtl_genl_family;

int vtl_genl_init(void);
void vtl_genl_uninit(void);

#endif /* _VTL_NETLINK_H */
