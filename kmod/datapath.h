/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data path: how frames reach VTL and leave it.
 */
#ifndef _VTL_DATAPATH_H
#define _VTL_DATAPATH_H

#include <linux/netlink.h>

struct sk_buff;
struct vtl_port;

int vtl_dp_attach(struct vtl_port *port, struct netlink_ext_ack *extack);
void vtl_dp_detach(struct vtl_port *port);
void vtl_dp_deliver(struct vtl_port *port, struct sk_buff *skb);

#endif /* _VTL_DATAPATH_H */
