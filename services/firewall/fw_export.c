// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall's part of a port's export and import (kmod/export.c): its
 * policies and rules, as %VTL_CMD_FW_LOAD takes them (&enum
 * vtl_fw_export_attr).  An import builds the new configuration off to the
 * side and swaps it in with the same RCU pointer swap as a load.  Rule ids
 * are given anew, in order, as a load gives them; counters start at 0.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "export.h"
#include "port.h"

#include "firewall.h"
#include "rules.h"

const struct nla_policy vtl_fw_export_policy[VTL_FW_EXPORT_A_MAX + 1] = {
	[VTL_FW_EXPORT_A_POLICY_IN] = NLA_POLICY_RANGE(NLA_U8,
						       VTL_FW_VERDICT_ACCEPT,
						       VTL_FW_VERDICT_DROP),
	[VTL_FW_EXPORT_A_POLICY_OUT] = NLA_POLICY_RANGE(NLA_U8,
							VTL_FW_VERDICT_ACCEPT,
							VTL_FW_VERDICT_DROP),
	[VTL_FW_EXPORT_A_RULE] = NLA_POLICY_NESTED(vtl_fw_rule_policy),
};

static struct vtl_fw_port *vtl_fw_export_fw(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_firewall_id);
}

u32 vtl_fw_export_genid(const struct vtl_port *port)
{
	return vtl_fw_export_fw(port)->genid;
}

/*
 * The cursor: 0 before the policies, then 1 + the index of the next rule,
 * "in" rules first.
 */
int vtl_fw_port_export(struct vtl_export_chunk *ch, const struct vtl_port *port)
{
	const struct vtl_fw_conf *conf;
	const struct vtl_fw_chain *chain;
	struct sk_buff *msg = ch->msg;
	unsigned long i;
	struct nlattr *nest;
	unsigned int d;

	conf = rtnl_dereference(vtl_fw_export_fw(port)->conf);
	if (!ch->cursor) {
		if (nla_put_u8(msg, VTL_FW_EXPORT_A_POLICY_IN,
			       vtl_fw_conf_policy(conf, VTL_FW_DIR_IN)) ||
		    nla_put_u8(msg, VTL_FW_EXPORT_A_POLICY_OUT,
			       vtl_fw_conf_policy(conf, VTL_FW_DIR_OUT)))
			return -EMSGSIZE;
		ch->cursor = 1;
	}
	for (;;) {
		i = ch->cursor - 1;
		chain = NULL;
		for (d = 0; conf && d < VTL_FW_NDIR; d++) {
			chain = conf->chain[d];
			if (chain && i < chain->n)
				break;
			i -= chain ? chain->n : 0;
			chain = NULL;
		}
		if (!chain)
			return 0;
		if (vtl_export_chunk_full(ch))
			return -EMSGSIZE;
		nest = nla_nest_start(msg, VTL_FW_EXPORT_A_RULE);
		if (!nest)
			return -EMSGSIZE;
		if (vtl_fw_nl_put_match(msg, chain->e[i])) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(msg, nest);
		ch->cursor++;
	}
}

/**
 * struct vtl_fw_import - a firewall import, staged
 * @specs: the rules, in order
 * @n: how many
 * @room: how many @specs holds
 * @policy: per direction
 * @conf: built from them for the port, by vtl_fw_import_prepare()
 * @next_id: the port's next rule id once @conf is its
 */
struct vtl_fw_import {
	struct vtl_fw_spec *specs;
	u32 n;
	u32 room;
	u8 policy[VTL_FW_NDIR];
	struct vtl_fw_conf *conf;
	u32 next_id;
};

/* Make room for @more rules; bounded by %VTL_FW_MAX_RULES. */
static int vtl_fw_import_grow(struct vtl_fw_import *fi, u32 more,
			      struct netlink_ext_ack *extack)
{
	struct vtl_fw_spec *specs;
	u32 room;

	if (fi->n + more <= fi->room)
		return 0;
	if (fi->n + more > VTL_FW_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "firewall: too many rules for one port");
		return -E2BIG;
	}
	room = min_t(u32, max(fi->n + more, 2 * fi->room), VTL_FW_MAX_RULES);
	specs = kvmalloc_array(room, sizeof(*specs), GFP_KERNEL_ACCOUNT);
	if (!specs)
		return -ENOMEM;
	if (fi->n)
		memcpy(specs, fi->specs, fi->n * sizeof(*specs));
	kvfree(fi->specs);
	fi->specs = specs;
	fi->room = room;
	return 0;
}

int vtl_fw_import_parse(void **staged, const struct nlattr *data,
			struct netlink_ext_ack *extack)
{
	struct vtl_fw_import *fi = *staged;
	const struct nlattr *a;
	int rem, ret;
	u32 more = 0;

	if (!fi) {
		fi = kzalloc(sizeof(*fi), GFP_KERNEL_ACCOUNT);
		if (!fi)
			return -ENOMEM;
		fi->policy[VTL_FW_DIR_IN - 1] = VTL_FW_VERDICT_ACCEPT;
		fi->policy[VTL_FW_DIR_OUT - 1] = VTL_FW_VERDICT_ACCEPT;
		*staged = fi;
	}
	if (!data)
		return 0;
	nla_for_each_nested(a, data, rem)
		more += nla_type(a) == VTL_FW_EXPORT_A_RULE;
	ret = vtl_fw_import_grow(fi, more, extack);
	if (ret)
		return ret;
	nla_for_each_nested(a, data, rem) {
		switch (nla_type(a)) {
		case VTL_FW_EXPORT_A_POLICY_IN:
			fi->policy[VTL_FW_DIR_IN - 1] = nla_get_u8(a);
			break;
		case VTL_FW_EXPORT_A_POLICY_OUT:
			fi->policy[VTL_FW_DIR_OUT - 1] = nla_get_u8(a);
			break;
		case VTL_FW_EXPORT_A_RULE:
			ret = vtl_fw_nl_rule_nest(a, &fi->specs[fi->n], extack);
			if (ret)
				return ret;
			fi->n++;
			break;
		}
	}
	return 0;
}

int vtl_fw_import_prepare(void *staged, struct vtl_port *port,
			  struct netlink_ext_ack *extack)
{
	struct vtl_fw_port *fp = vtl_fw_export_fw(port);
	struct vtl_fw_import *fi = staged;
	struct vtl_fw_conf *conf;

	if (!fi)
		return 0;
	fi->next_id = fp->next_id;
	conf = vtl_fw_conf_build(fp, fi->specs, fi->n, fi->policy,
				 &fi->next_id, extack);
	if (IS_ERR(conf))
		return PTR_ERR(conf);
	fi->conf = conf;
	return 0;
}

void vtl_fw_import_abort(void *staged)
{
	struct vtl_fw_import *fi = staged;

	vtl_fw_conf_release(fi->conf);
	kvfree(fi->specs);
	kfree(fi);
}

void vtl_fw_import_commit(void *staged, struct vtl_port *port)
{
	struct vtl_fw_port *fp = vtl_fw_export_fw(port);
	struct vtl_fw_import *fi = staged;

	if (!fi) {
		/* No firewall in the export: the defaults. */
		vtl_fw_conf_set(fp, NULL, fp->next_id);
		return;
	}
	vtl_fw_conf_set(fp, fi->conf, fi->next_id);
	fi->conf = NULL;
	vtl_fw_import_abort(fi);
}
