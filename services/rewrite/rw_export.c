// SPDX-License-Identifier: GPL-2.0
/*
 * Rewrite's part of a port's export and import (kmod/export.c): the
 * port's rules as %VTL_CMD_REWRITE_NEW takes them (&enum
 * vtl_rewrite_export_attr).  Rules tunnel auto installed are not
 * exported, and an import replaces all the port's rules, automatic ones
 * included: they are the namespace's, learned again while tunnel auto is
 * on (a namespace-wide setting, not the port's, and not exported).  An
 * out port is named by its ifindex, which must be an attached port of the
 * importing namespace.  Counters start at 0.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "export.h"
#include "netlink.h"
#include "port.h"

#include "rewrite.h"
#include "rw_rules.h"

static const struct nla_policy vtl_rw_export_rule_policy[VTL_REWRITE_A_MAX + 1] = {
	VTL_RW_RULE_POLICY,
	[VTL_REWRITE_A_PAD] = { .type = NLA_REJECT },
	[VTL_REWRITE_A_IFINDEX] = {
		.type = NLA_REJECT,
		.reject_message = "an exported rule is the port's",
	},
	[VTL_REWRITE_A_AUTO ... VTL_REWRITE_A_BYTES] = {
		.type = NLA_REJECT,
		.reject_message = "not exported",
	},
};

const struct nla_policy vtl_rw_export_policy[VTL_REWRITE_EXPORT_A_MAX + 1] = {
	[VTL_REWRITE_EXPORT_A_RULE] =
		NLA_POLICY_NESTED(vtl_rw_export_rule_policy),
};

static struct vtl_rw_port *vtl_rw_export_rw(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_rewrite_id);
}

static int vtl_rw_export_rule(struct sk_buff *msg, const struct vtl_rw_rule *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, VTL_REWRITE_EXPORT_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (vtl_rw_nl_put_spec(msg, r)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Bumped with any port's rules: a superset of this port's changes. */
u32 vtl_rw_export_genid(const struct vtl_port *port)
{
	return *vtl_rw_export_rw(port)->genid;
}

/* The cursor: the index of the next rule. */
int vtl_rw_port_export(struct vtl_export_chunk *ch, const struct vtl_port *port)
{
	const struct vtl_rw_conf *conf;

	conf = rtnl_dereference(vtl_rw_export_rw(port)->conf);
	for (; conf && ch->cursor < conf->n; ch->cursor++) {
		if (conf->r[ch->cursor]->flags & VTL_RW_AUTO)
			continue;
		if (vtl_export_chunk_full(ch) ||
		    vtl_rw_export_rule(ch->msg, conf->r[ch->cursor]))
			return -EMSGSIZE;
	}
	return 0;
}

/**
 * struct vtl_rw_import - rewrite's import, staged
 * @r: the rules, as templates
 * @n: how many
 * @room: how many @r holds
 * @conf: built from them by vtl_rw_import_prepare()
 */
struct vtl_rw_import {
	struct vtl_rw_rule *r;
	u32 n;
	u32 room;
	struct vtl_rw_conf *conf;
};

/* Room for one more rule; bounded by %VTL_REWRITE_MAX_RULES. */
static int vtl_rw_import_grow(struct vtl_rw_import *ri,
			      const struct nlattr *nla,
			      struct netlink_ext_ack *extack)
{
	struct vtl_rw_rule *r;
	u32 room;

	if (ri->n < ri->room)
		return 0;
	if (ri->n >= VTL_REWRITE_MAX_RULES) {
		vtl_nl_err(extack, nla,
			   "rewrite: more rules than a port may have");
		return -E2BIG;
	}
	room = min_t(u32, ri->room ? 2 * ri->room : 16,
		     VTL_REWRITE_MAX_RULES);
	r = kvmalloc_array(room, sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	if (ri->n)
		memcpy(r, ri->r, ri->n * sizeof(*r));
	kvfree(ri->r);
	ri->r = r;
	ri->room = room;
	return 0;
}

static int vtl_rw_import_rule(struct vtl_rw_import *ri, const struct nlattr *nla,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_REWRITE_A_MAX + 1];
	struct vtl_rw_rule *r;
	u32 i;
	int ret;

	ret = vtl_rw_import_grow(ri, nla, extack);
	if (ret)
		return ret;
	r = &ri->r[ri->n];
	memset(r, 0, sizeof(*r));
	ret = nla_parse_nested(tb, VTL_REWRITE_A_MAX, nla,
			       vtl_rw_export_rule_policy, extack);
	if (ret)
		return ret;
	ret = vtl_rw_nl_spec(tb, nla, r, extack);
	if (ret)
		return ret;
	if (tb[VTL_REWRITE_A_OUT_IFINDEX])
		r->out_ifindex = nla_get_u32(tb[VTL_REWRITE_A_OUT_IFINDEX]);
	for (i = 0; i < ri->n; i++) {
		if (ri->r[i].family == r->family &&
		    ri->r[i].dst_len == r->dst_len &&
		    !memcmp(ri->r[i].dst, r->dst, sizeof(r->dst))) {
			vtl_nl_err(extack, nla,
				   "rewrite: two rules for one prefix");
			return -EINVAL;
		}
	}
	ri->n++;
	return 0;
}

int vtl_rw_import_parse(void **staged, const struct nlattr *data,
			struct netlink_ext_ack *extack)
{
	struct vtl_rw_import *ri = *staged;
	const struct nlattr *a;
	int rem, ret;

	if (!ri) {
		ri = kzalloc(sizeof(*ri), GFP_KERNEL_ACCOUNT);
		if (!ri)
			return -ENOMEM;
		*staged = ri;
	}
	if (!data)
		return 0;
	nla_for_each_nested(a, data, rem) {
		ret = vtl_rw_import_rule(ri, a, extack);
		if (ret)
			return ret;
	}
	return 0;
}

int vtl_rw_import_prepare(void *staged, struct vtl_port *port,
			  struct netlink_ext_ack *extack)
{
	struct vtl_rw_import *ri = staged;
	struct vtl_rw_conf *conf;
	int out;
	u32 i;

	for (i = 0; ri && i < ri->n; i++) {
		out = ri->r[i].out_ifindex;
		if (out && (out == port->dev->ifindex ||
			    !vtl_port_find(port->vn, out))) {
			NL_SET_ERR_MSG(extack,
				       "rewrite: a rule's out port is not another attached port here");
			return -ENODEV;
		}
	}
	if (!ri)
		return 0;
	conf = vtl_rw_conf_new(ri->r, ri->n);
	if (IS_ERR(conf))
		return PTR_ERR(conf);
	ri->conf = conf;
	return 0;
}

void vtl_rw_import_abort(void *staged)
{
	struct vtl_rw_import *ri = staged;

	vtl_rw_conf_release(ri->conf);
	kvfree(ri->r);
	kfree(ri);
}

void vtl_rw_import_commit(void *staged, struct vtl_port *port)
{
	struct vtl_rw_import *ri = staged;

	vtl_rw_conf_set(vtl_rw_export_rw(port), ri ? ri->conf : NULL);
	if (!ri)
		return;
	ri->conf = NULL;
	vtl_rw_import_abort(ri);
}
