// SPDX-License-Identifier: GPL-2.0
/*
 * The SOCKS service's part of a port's export and import (kmod/export.c):
 * its settings, as %VTL_CMD_SOCKS_NEW takes them (&enum vtl_socks_attr),
 * the password included (exporting and importing need CAP_NET_ADMIN, as
 * %VTL_CMD_SOCKS_GET does to return it).  A chunk without data: the port
 * had no SOCKS service.  An import that adds, replaces or removes it
 * notifies the "config" group as %VTL_CMD_SOCKS_DEL and _NEW do.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "export.h"
#include "port.h"

#include "socks.h"

const struct nla_policy vtl_socks_export_policy[VTL_SOCKS_A_MAX + 1] = {
	VTL_SOCKS_SETTINGS_POLICY,
	[VTL_SOCKS_A_PAD] = { .type = NLA_REJECT },
	[VTL_SOCKS_A_IFINDEX] = {
		.type = NLA_REJECT,
		.reject_message = "exported settings are the port's",
	},
	[VTL_SOCKS_A_IFNAME] = { .type = NLA_REJECT },
	[VTL_SOCKS_A_MAC ... VTL_SOCKS_A_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "not exported",
	},
};

/* One chunk, empty without a SOCKS service. */
int vtl_socks_port_export(struct vtl_export_chunk *ch,
			  const struct vtl_port *port)
{
	const struct vtl_socks_conf *c = vtl_socks_conf(port);

	if (c && vtl_socks_nl_put_conf(ch->msg, c, true))
		return -EMSGSIZE;
	ch->cursor = 1;
	return 0;
}

/* The staged object is the new configuration itself. */
int vtl_socks_import_parse(void **staged, const struct nlattr *data,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_SOCKS_A_MAX + 1];
	struct vtl_socks_conf *c;
	int ret;

	if (!data || !nla_len(data))
		return 0;
	if (*staged) {
		NL_SET_ERR_MSG_ATTR(extack, data,
				    "socks: a port has one SOCKS service");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, VTL_SOCKS_A_MAX, data,
			       vtl_socks_export_policy, extack);
	if (ret)
		return ret;
	c = vtl_socks_nl_conf(tb, extack);
	if (IS_ERR(c))
		return PTR_ERR(c);
	*staged = c;
	return 0;
}

void vtl_socks_import_abort(void *staged)
{
	kfree_sensitive(staged);
}

void vtl_socks_import_commit(void *staged, struct vtl_port *port)
{
	bool had = vtl_socks_conf(port);

	if (!had && !staged)
		return;
	vtl_socks_set(port, staged);
	vtl_socks_nl_changed(port, had);
}
