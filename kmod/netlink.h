/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "vtl".
 */
#ifndef _VTL_NETLINK_H
#define _VTL_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family vtl_genl_family;

/*
 * NL_SET_ERR_MSG_ATTR() for a message chosen at run time; @msg must still
 * be a string literal (or have static storage), as extack keeps the
 * pointer.
 */
static inline void vtl_nl_err(struct netlink_ext_ack *extack,
			      const struct nlattr *attr, const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

int vtl_nl_prefix(const struct nlattr *addr, const struct nlattr *len,
		  u8 *family, u8 *prefix, u8 *plen,
		  struct netlink_ext_ack *extack);

void vtl_genl_notify(struct net *net, struct sk_buff *msg);

int vtl_genl_init(void);
void vtl_genl_uninit(void);

#endif /* _VTL_NETLINK_H */
