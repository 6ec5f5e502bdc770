/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "vtl".
 */
#ifndef _VTL_NETLINK_H
#define _VTL_NETLINK_H

int vtl_genl_init(void);
void vtl_genl_uninit(void);

#endif /* _VTL_NETLINK_H */
