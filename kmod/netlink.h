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

struct vtl_port;

/**
 * typedef vtl_nl_dump_fill_t - put a port's entries into a dump
 * @skb: the dump's message
 * @cb: the dump, for vtl_nl_dump_msg()
 * @port: the port, under RTNL
 * @cursor: %VTL_NL_DUMP_CURSOR longs, zero when the port starts: where
 *	its entries go on; moved past each entry put
 *
 * Return: 0 once the port's last entry is in, -EMSGSIZE when @skb is
 * full (the dump goes on from @cursor in the next message).
 */
typedef int (*vtl_nl_dump_fill_t)(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct vtl_port *port, unsigned long *cursor);

/* Longs of a per-port dump's cursor for its fill function. */
#define VTL_NL_DUMP_CURSOR	4

int vtl_nl_dump_start(struct netlink_callback *cb,
		      const struct nla_policy *policy, unsigned int maxattr,
		      unsigned int ifindex_attr, bool required);
int vtl_nl_dump_ports(struct sk_buff *skb, struct netlink_callback *cb,
		      vtl_nl_dump_fill_t fill,
		      u32 (*genid)(const struct vtl_port *port));
void *vtl_nl_dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd);

int vtl_nl_prefix(const struct nlattr *addr, const struct nlattr *len,
		  u8 *family, u8 *prefix, u8 *plen,
		  struct netlink_ext_ack *extack);

void vtl_genl_notify(struct net *net, struct sk_buff *msg);

int vtl_genl_init(void);
void vtl_genl_uninit(void);

#endif /* _VTL_NETLINK_H */
