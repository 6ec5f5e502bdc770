/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SOCKS service: a port's VM proxied through a SOCKS proxy by the
 * userspace daemon, its TCP segments and DNS queries handed up the port's
 * ring, nothing else of it reaching the network.  Its netlink commands are
 * VTL_CMD_SOCKS_*, notified to the "config" multicast group.
 */
#ifndef _VTL_SOCKS_H
#define _VTL_SOCKS_H

#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <uapi/linux/vtl.h>

#include "service.h"

#define VTL_SOCKS_NAME_MAX	255	/* RFC 1929: user name and password */

/**
 * struct vtl_socks_conf - a port's SOCKS settings, never changed once
 *	published (a new one replaces it, as the firewall's rule sets are)
 * @rcu: frees it after the data path's grace period
 * @family: 4 or 6, of @proxy_addr
 * @proxy_addr: the proxy's address, 4 or 16 bytes used
 * @proxy_port: its TCP port
 * @version: &enum vtl_socks_version
 * @user: RFC 1929 user name, "" if none
 * @password: its password, "" if none
 * @dns: &enum vtl_socks_dns
 * @dns_prefix: the automap prefix, no host bits
 * @dns_prefix_len: its length
 * @ipv6: &enum vtl_socks_ipv6
 */
struct vtl_socks_conf {
	struct rcu_head rcu;
	u8 family;
	u8 proxy_addr[16];
	u16 proxy_port;
	u8 version;
	char user[VTL_SOCKS_NAME_MAX + 1];
	char password[VTL_SOCKS_NAME_MAX + 1];
	u8 dns;
	__be32 dns_prefix;
	u8 dns_prefix_len;
	u8 ipv6;
};

/* The service's counters: see &enum vtl_socks_stats_attr. */
enum vtl_socks_counter {
	VTL_SOCKS_C_UP,
	VTL_SOCKS_C_ARP_REPLIES,
	VTL_SOCKS_C_RESETS,
	VTL_SOCKS_C_FAIL_CLOSED,
	VTL_SOCKS_C_FILTERED,
	VTL_SOCKS_C_TO_VM_DROPPED,
	VTL_SOCKS_C_COUNT
};

struct vtl_port;

const struct vtl_socks_conf *vtl_socks_conf(const struct vtl_port *port);
void vtl_socks_set(struct vtl_port *port, struct vtl_socks_conf *conf);
void vtl_socks_read(const struct vtl_port *port, u64 *c);

void vtl_socks_nl_notify(const struct vtl_port *port, u8 cmd);
void vtl_socks_nl_changed(const struct vtl_port *port, bool had);
struct vtl_socks_conf *vtl_socks_nl_conf(struct nlattr **attrs,
					 struct netlink_ext_ack *extack);
int vtl_socks_nl_put_conf(struct sk_buff *msg, const struct vtl_socks_conf *c,
			  bool password);

/*
 * The policy of a SOCKS service's settings, entries of an &enum
 * vtl_socks_attr policy: those %VTL_CMD_SOCKS_NEW takes, and those of a
 * port's export.
 */
#define VTL_SOCKS_SETTINGS_POLICY					\
	[VTL_SOCKS_A_PROXY_ADDR] = { .type = NLA_BINARY, .len = 16 },	\
	[VTL_SOCKS_A_PROXY_PORT] = NLA_POLICY_MIN(NLA_U16, 1),		\
	[VTL_SOCKS_A_VERSION] = NLA_POLICY_RANGE(NLA_U8, VTL_SOCKS_V4A,	\
						 VTL_SOCKS_V5),		\
	[VTL_SOCKS_A_USER] = { .type = NLA_NUL_STRING,			\
			       .len = VTL_SOCKS_NAME_MAX },		\
	[VTL_SOCKS_A_PASSWORD] = { .type = NLA_NUL_STRING,		\
				   .len = VTL_SOCKS_NAME_MAX },		\
	[VTL_SOCKS_A_DNS] = NLA_POLICY_RANGE(NLA_U8, VTL_SOCKS_DNS_AUTOMAP, \
					     VTL_SOCKS_DNS_MAX),	\
	[VTL_SOCKS_A_DNS_PREFIX] = NLA_POLICY_EXACT_LEN(4),		\
	[VTL_SOCKS_A_DNS_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 30),	\
	[VTL_SOCKS_A_IPV6] = NLA_POLICY_RANGE(NLA_U8, VTL_SOCKS_IPV6_DROP, \
					      VTL_SOCKS_IPV6_MAX)

/* Its export and import (socks_export.c), for the service's definition. */
extern const struct nla_policy vtl_socks_export_policy[VTL_SOCKS_A_MAX + 1];
int vtl_socks_port_export(struct vtl_export_chunk *ch,
			  const struct vtl_port *port);
int vtl_socks_import_parse(void **staged, const struct nlattr *data,
			   struct netlink_ext_ack *extack);
void vtl_socks_import_commit(void *staged, struct vtl_port *port);
void vtl_socks_import_abort(void *staged);
/* Its netlink commands (socks_netlink.c). */
#define VTL_SOCKS_N_OPS	3
extern const struct genl_ops vtl_socks_genl_ops[];

#endif /* _VTL_SOCKS_H */
