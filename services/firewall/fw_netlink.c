// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall's netlink commands, VTL_CMD_FW_*: parsing rules into
 * &struct vtl_fw_spec, with an extended ACK naming the attribute at fault,
 * and returning rules with their counters.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "port.h"

#include "firewall.h"
#include "rules.h"

/* What one rule may say, in %VTL_FW_A_RULE and in %VTL_CMD_FW_NEW. */
#define VTL_FW_RULE_POLICY						\
	[VTL_FW_A_PAD] = { .type = NLA_REJECT },			\
	[VTL_FW_A_DIR] = NLA_POLICY_RANGE(NLA_U8, VTL_FW_DIR_IN,	\
					  VTL_FW_DIR_OUT),		\
	[VTL_FW_A_FAMILY] = NLA_POLICY_RANGE(NLA_U8, 4, 6),		\
	[VTL_FW_A_PROTO] = { .type = NLA_U8 },				\
	[VTL_FW_A_SRC] = { .type = NLA_BINARY, .len = 16 },		\
	[VTL_FW_A_SRC_LEN] = NLA_POLICY_MAX(NLA_U8, 128),		\
	[VTL_FW_A_DST] = { .type = NLA_BINARY, .len = 16 },		\
	[VTL_FW_A_DST_LEN] = NLA_POLICY_MAX(NLA_U8, 128),		\
	[VTL_FW_A_SPORT_MIN] = { .type = NLA_U16 },			\
	[VTL_FW_A_SPORT_MAX] = { .type = NLA_U16 },			\
	[VTL_FW_A_DPORT_MIN] = { .type = NLA_U16 },			\
	[VTL_FW_A_DPORT_MAX] = { .type = NLA_U16 },			\
	[VTL_FW_A_CT_STATE] = NLA_POLICY_MASK(NLA_U8, VTL_FW_STATE_ALL), \
	[VTL_FW_A_ACTION] = NLA_POLICY_RANGE(NLA_U8, VTL_FW_VERDICT_ACCEPT, \
					     VTL_FW_VERDICT_REJECT),	\
	[VTL_FW_A_PACKETS] = {						\
		.type = NLA_REJECT,					\
		.reject_message = "counters are read-only",		\
	},								\
	[VTL_FW_A_BYTES] = {						\
		.type = NLA_REJECT,					\
		.reject_message = "counters are read-only",		\
	}

const struct nla_policy vtl_fw_rule_policy[VTL_FW_A_MAX + 1] = {
	VTL_FW_RULE_POLICY,
	[VTL_FW_A_IFINDEX] = {
		.type = NLA_REJECT,
		.reject_message = "a loaded rule takes no ifindex of its own",
	},
	[VTL_FW_A_ID] = {
		.type = NLA_REJECT,
		.reject_message = "rule ids are given by VTL",
	},
	[VTL_FW_A_POLICY ... VTL_FW_A_POLICY_OUT] = {
		.type = NLA_REJECT,
		.reject_message = "not part of a rule",
	},
};

static const struct nla_policy vtl_fw_nl_policy[VTL_FW_A_MAX + 1] = {
	VTL_FW_RULE_POLICY,
	[VTL_FW_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_FW_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_FW_A_POLICY] = NLA_POLICY_RANGE(NLA_U8, VTL_FW_VERDICT_ACCEPT,
					     VTL_FW_VERDICT_DROP),
	[VTL_FW_A_RULES] = {
		.type = NLA_REJECT,
		.reject_message = "give each rule as a top-level VTL_FW_A_RULE",
	},
	[VTL_FW_A_RULE] = NLA_POLICY_NESTED(vtl_fw_rule_policy),
	[VTL_FW_A_POLICY_IN] = NLA_POLICY_RANGE(NLA_U8, VTL_FW_VERDICT_ACCEPT,
						VTL_FW_VERDICT_DROP),
	[VTL_FW_A_POLICY_OUT] = NLA_POLICY_RANGE(NLA_U8, VTL_FW_VERDICT_ACCEPT,
						 VTL_FW_VERDICT_DROP),
};

/* The top-level attributes each command takes, beyond its required ones. */
#define VTL_FW_RULE_ATTRS	(BIT(VTL_FW_A_DIR) | BIT(VTL_FW_A_FAMILY) | \
				 BIT(VTL_FW_A_PROTO) | BIT(VTL_FW_A_SRC) | \
				 BIT(VTL_FW_A_SRC_LEN) | BIT(VTL_FW_A_DST) | \
				 BIT(VTL_FW_A_DST_LEN) | \
				 BIT(VTL_FW_A_SPORT_MIN) | \
				 BIT(VTL_FW_A_SPORT_MAX) | \
				 BIT(VTL_FW_A_DPORT_MIN) | \
				 BIT(VTL_FW_A_DPORT_MAX) | \
				 BIT(VTL_FW_A_CT_STATE) | BIT(VTL_FW_A_ACTION))

/* Refuse the attributes a command does not take. */
static int vtl_fw_nl_only(struct genl_info *info, u32 allowed)
{
	int i;

	for (i = VTL_FW_A_IFINDEX; i <= VTL_FW_A_MAX; i++) {
		if (info->attrs[i] && !(allowed & BIT(i))) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[i],
					    "attribute not valid for this command");
			return -EINVAL;
		}
	}
	return 0;
}

/* The port of %VTL_FW_A_IFINDEX.  Context: RTNL. */
static struct vtl_port *vtl_fw_nl_port(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VTL_FW_A_IFINDEX];
	struct vtl_port *port;

	port = vtl_port_find(vtl_net(genl_info_net(info)), nla_get_u32(attr));
	if (!port)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "device is not attached");
	return port;
}

static struct vtl_fw_port *vtl_fw_nl_fw(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_firewall_id);
}

/* An address prefix: its family, bytes and length; 0 or -EINVAL. */
static int vtl_fw_nl_prefix(struct nlattr **tb, int addr_attr, int len_attr,
			    u8 *family, u8 *addr, u8 *plen,
			    struct netlink_ext_ack *extack)
{
	if (tb[addr_attr])
		return vtl_nl_prefix(tb[addr_attr], tb[len_attr], family, addr,
				     plen, extack);
	if (tb[len_attr]) {
		vtl_nl_err(extack, tb[len_attr],
			   "a prefix length needs its address");
		return -EINVAL;
	}
	return 0;
}

static int vtl_fw_nl_ports(struct nlattr **tb, int min_attr, int max_attr,
			   u16 *lo, u16 *hi, struct netlink_ext_ack *extack)
{
	*lo = 0;
	*hi = 0xffff;
	if (!tb[min_attr]) {
		if (tb[max_attr]) {
			vtl_nl_err(extack, tb[max_attr],
				   "a port range needs its lowest port");
			return -EINVAL;
		}
		return 0;
	}
	*lo = nla_get_u16(tb[min_attr]);
	*hi = tb[max_attr] ? nla_get_u16(tb[max_attr]) : *lo;
	return 0;
}

/*
 * A rule from its attributes @tb, the top level's or a %VTL_FW_A_RULE
 * nest's (@nest, for errors about a missing attribute).
 */
static int vtl_fw_nl_parse_rule(struct nlattr **tb, const struct nlattr *nest,
				struct vtl_fw_spec *spec,
				struct netlink_ext_ack *extack)
{
	struct vtl_fw_rule *r = &spec->rule;
	const char *why;
	int ret;

	memset(spec, 0, sizeof(*spec));
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTL_FW_A_DIR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VTL_FW_A_ACTION))
		return -EINVAL;
	spec->dir = nla_get_u8(tb[VTL_FW_A_DIR]);
	r->action = nla_get_u8(tb[VTL_FW_A_ACTION]);
	if (tb[VTL_FW_A_FAMILY]) {
		r->family = nla_get_u8(tb[VTL_FW_A_FAMILY]);
		if (r->family != 4 && r->family != 6) {
			vtl_nl_err(extack, tb[VTL_FW_A_FAMILY],
				   "family must be 4 or 6");
			return -EINVAL;
		}
	}
	if (tb[VTL_FW_A_PROTO])
		r->proto = nla_get_u8(tb[VTL_FW_A_PROTO]);
	if (tb[VTL_FW_A_CT_STATE])
		r->state = nla_get_u8(tb[VTL_FW_A_CT_STATE]);
	ret = vtl_fw_nl_prefix(tb, VTL_FW_A_SRC, VTL_FW_A_SRC_LEN, &r->family,
			       r->src, &r->src_len, extack) ?:
	      vtl_fw_nl_prefix(tb, VTL_FW_A_DST, VTL_FW_A_DST_LEN, &r->family,
			       r->dst, &r->dst_len, extack) ?:
	      vtl_fw_nl_ports(tb, VTL_FW_A_SPORT_MIN, VTL_FW_A_SPORT_MAX,
			      &r->sport_lo, &r->sport_hi, extack) ?:
	      vtl_fw_nl_ports(tb, VTL_FW_A_DPORT_MIN, VTL_FW_A_DPORT_MAX,
			      &r->dport_lo, &r->dport_hi, extack);
	if (ret)
		return ret;
	/* ICMP is IPv4's and ICMPv6 IPv6's: the family follows. */
	if (!r->family && r->proto == IPPROTO_ICMP)
		r->family = 4;
	if (!r->family && r->proto == IPPROTO_ICMPV6)
		r->family = 6;
	if (vtl_fw_rule_check(r, &why)) {
		vtl_nl_err(extack, nest, why);
		return -EINVAL;
	}
	return 0;
}

/**
 * vtl_fw_nl_put_match() - a rule's direction, match and action
 * @msg: the message
 * @e: the rule
 *
 * As %VTL_FW_A_RULE of %VTL_CMD_FW_LOAD takes them: for replies, dumps
 * and exports.
 *
 * Return: 0 or -EMSGSIZE.
 */
int vtl_fw_nl_put_match(struct sk_buff *msg, const struct vtl_fw_entry *e)
{
	const struct vtl_fw_rule *r = &e->rule;
	unsigned int alen = r->family == 6 ? 16 : 4;

	if (nla_put_u8(msg, VTL_FW_A_DIR, e->dir) ||
	    (r->family && nla_put_u8(msg, VTL_FW_A_FAMILY, r->family)) ||
	    (r->proto && nla_put_u8(msg, VTL_FW_A_PROTO, r->proto)) ||
	    (r->src_len && (nla_put(msg, VTL_FW_A_SRC, alen, r->src) ||
			    nla_put_u8(msg, VTL_FW_A_SRC_LEN, r->src_len))) ||
	    (r->dst_len && (nla_put(msg, VTL_FW_A_DST, alen, r->dst) ||
			    nla_put_u8(msg, VTL_FW_A_DST_LEN, r->dst_len))) ||
	    ((r->sport_lo || r->sport_hi != 0xffff) &&
	     (nla_put_u16(msg, VTL_FW_A_SPORT_MIN, r->sport_lo) ||
	      nla_put_u16(msg, VTL_FW_A_SPORT_MAX, r->sport_hi))) ||
	    ((r->dport_lo || r->dport_hi != 0xffff) &&
	     (nla_put_u16(msg, VTL_FW_A_DPORT_MIN, r->dport_lo) ||
	      nla_put_u16(msg, VTL_FW_A_DPORT_MAX, r->dport_hi))) ||
	    (r->state && nla_put_u8(msg, VTL_FW_A_CT_STATE, r->state)) ||
	    nla_put_u8(msg, VTL_FW_A_ACTION, r->action))
		return -EMSGSIZE;
	return 0;
}

/* A rule's attributes, without a header: shared by replies and dumps. */
static int vtl_fw_nl_put_rule(struct sk_buff *msg, int ifindex,
			      const struct vtl_fw_entry *e)
{
	u64 packets, bytes;

	vtl_hits_read(e->hits, &packets, &bytes);
	if (nla_put_u32(msg, VTL_FW_A_IFINDEX, ifindex) ||
	    nla_put_u32(msg, VTL_FW_A_ID, e->rule.id) ||
	    vtl_fw_nl_put_match(msg, e) ||
	    nla_put_u64_64bit(msg, VTL_FW_A_PACKETS, packets, VTL_FW_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_FW_A_BYTES, bytes, VTL_FW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The entry of rule @id of a port.  Context: RTNL. */
static const struct vtl_fw_entry *vtl_fw_nl_find(const struct vtl_fw_port *fp,
						 u32 id)
{
	const struct vtl_fw_conf *conf = rtnl_dereference(fp->conf);
	const struct vtl_fw_chain *chain;
	unsigned int d;
	u32 i;

	for (d = 0; conf && d < VTL_FW_NDIR; d++) {
		chain = conf->chain[d];
		for (i = 0; chain && i < chain->n; i++)
			if (chain->e[i]->rule.id == id)
				return chain->e[i];
	}
	return NULL;
}

static int vtl_fw_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_fw_spec spec;
	struct vtl_port *port;
	struct sk_buff *msg;
	void *hdr;
	int ret;
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, VTL_FW_A_IFINDEX) ||
	    vtl_fw_nl_only(info, BIT(VTL_FW_A_IFINDEX) | VTL_FW_RULE_ATTRS))
		return -EINVAL;
	ret = vtl_fw_nl_parse_rule(info->attrs, NULL, &spec, info->extack);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vtl_genl_family, 0,
				VTL_CMD_FW_NEW);
	ret = -EMSGSIZE;
	if (!hdr)
		goto err_free;

	rtnl_lock();
	port = vtl_fw_nl_port(info);
	ret = -ENODEV;
	if (port)
		ret = vtl_fw_rule_add(vtl_fw_nl_fw(port), &spec, &id,
				      info->extack);
	if (!ret)
		ret = vtl_fw_nl_put_rule(msg, port->dev->ifindex,
					 vtl_fw_nl_find(vtl_fw_nl_fw(port),
							id));
	rtnl_unlock();
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static int vtl_fw_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_port *port;
	int ret = -ENODEV;

	if (GENL_REQ_ATTR_CHECK(info, VTL_FW_A_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, VTL_FW_A_ID) ||
	    vtl_fw_nl_only(info, BIT(VTL_FW_A_IFINDEX) | BIT(VTL_FW_A_ID)))
		return -EINVAL;
	rtnl_lock();
	port = vtl_fw_nl_port(info);
	if (port) {
		ret = vtl_fw_rule_del(vtl_fw_nl_fw(port),
				      nla_get_u32(info->attrs[VTL_FW_A_ID]));
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[VTL_FW_A_ID],
					    "the port has no rule with this id");
	}
	rtnl_unlock();
	return ret;
}

static int vtl_fw_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dir = info->attrs[VTL_FW_A_DIR];
	struct vtl_port *port;
	int ret = -ENODEV;

	if (GENL_REQ_ATTR_CHECK(info, VTL_FW_A_IFINDEX) ||
	    vtl_fw_nl_only(info, BIT(VTL_FW_A_IFINDEX) | BIT(VTL_FW_A_DIR)))
		return -EINVAL;
	rtnl_lock();
	port = vtl_fw_nl_port(info);
	if (port)
		ret = vtl_fw_rules_flush(vtl_fw_nl_fw(port),
					 dir ? nla_get_u8(dir) : 0);
	rtnl_unlock();
	return ret;
}

static int vtl_fw_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_port *port;
	int ret = -ENODEV;

	if (GENL_REQ_ATTR_CHECK(info, VTL_FW_A_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, VTL_FW_A_DIR) ||
	    GENL_REQ_ATTR_CHECK(info, VTL_FW_A_POLICY) ||
	    vtl_fw_nl_only(info, BIT(VTL_FW_A_IFINDEX) | BIT(VTL_FW_A_DIR) |
				 BIT(VTL_FW_A_POLICY)))
		return -EINVAL;
	rtnl_lock();
	port = vtl_fw_nl_port(info);
	if (port)
		ret = vtl_fw_policy_set(vtl_fw_nl_fw(port),
					nla_get_u8(info->attrs[VTL_FW_A_DIR]),
					nla_get_u8(info->attrs[VTL_FW_A_POLICY]));
	rtnl_unlock();
	return ret;
}

/**
 * vtl_fw_nl_rule_nest() - a rule from a %VTL_FW_A_RULE nest
 * @nla: the nest, validated against vtl_fw_rule_policy
 * @spec: the rule
 * @extack: for the reason of a failure
 *
 * Return: 0 or -EINVAL.
 */
int vtl_fw_nl_rule_nest(const struct nlattr *nla, struct vtl_fw_spec *spec,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_FW_A_MAX + 1];

	return nla_parse_nested(tb, VTL_FW_A_MAX, nla, vtl_fw_rule_policy,
				extack) ?:
	       vtl_fw_nl_parse_rule(tb, nla, spec, extack);
}

/* The %VTL_FW_A_RULE nests of a request, in a kvmalloc()ed array. */
static struct vtl_fw_spec *vtl_fw_nl_parse_rules(struct genl_info *info,
						 u32 *n)
{
	struct nlattr *tb[VTL_FW_A_MAX + 1];
	struct vtl_fw_spec *specs;
	struct nlattr *nla;
	int rem, ret;
	u32 i = 0;

	*n = 0;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == VTL_FW_A_RULE)
			(*n)++;
	if (*n > VTL_FW_MAX_RULES) {
		NL_SET_ERR_MSG(info->extack, "too many rules for one port");
		return ERR_PTR(-E2BIG);
	}
	specs = kvmalloc_array(*n, sizeof(*specs), GFP_KERNEL);
	if (!specs)
		return ERR_PTR(-ENOMEM);
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != VTL_FW_A_RULE)
			continue;
		/* Validated with the request: this only splits it up. */
		ret = nla_parse_nested(tb, VTL_FW_A_MAX, nla,
				       vtl_fw_rule_policy, info->extack) ?:
		      vtl_fw_nl_parse_rule(tb, nla, &specs[i++], info->extack);
		if (ret) {
			kvfree(specs);
			return ERR_PTR(ret);
		}
	}
	return specs;
}

static int vtl_fw_nl_load(struct sk_buff *skb, struct genl_info *info)
{
	u8 policy[VTL_FW_NDIR] = {};
	struct vtl_fw_spec *specs;
	struct vtl_port *port;
	int ret = -ENODEV;
	u32 n;

	if (GENL_REQ_ATTR_CHECK(info, VTL_FW_A_IFINDEX) ||
	    vtl_fw_nl_only(info, BIT(VTL_FW_A_IFINDEX) | BIT(VTL_FW_A_RULE) |
				 BIT(VTL_FW_A_POLICY_IN) |
				 BIT(VTL_FW_A_POLICY_OUT)))
		return -EINVAL;
	if (info->attrs[VTL_FW_A_POLICY_IN])
		policy[VTL_FW_DIR_IN - 1] =
			nla_get_u8(info->attrs[VTL_FW_A_POLICY_IN]);
	if (info->attrs[VTL_FW_A_POLICY_OUT])
		policy[VTL_FW_DIR_OUT - 1] =
			nla_get_u8(info->attrs[VTL_FW_A_POLICY_OUT]);
	specs = vtl_fw_nl_parse_rules(info, &n);
	if (IS_ERR(specs))
		return PTR_ERR(specs);
	rtnl_lock();
	port = vtl_fw_nl_port(info);
	if (port)
		ret = vtl_fw_rules_load(vtl_fw_nl_fw(port), specs, n, policy,
					info->extack);
	rtnl_unlock();
	kvfree(specs);
	return ret;
}

static int vtl_fw_nl_dump_start(struct netlink_callback *cb)
{
	return vtl_nl_dump_start(cb, vtl_fw_nl_policy, VTL_FW_A_MAX,
				 VTL_FW_A_IFINDEX, true);
}

/* The port's rules, from cursor[0] the direction, [1] the rule in it. */
static int vtl_fw_nl_dump_rules(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct vtl_port *port, unsigned long *cursor)
{
	const struct vtl_fw_conf *conf;
	const struct vtl_fw_chain *chain;
	void *hdr;
	int ret;

	conf = rtnl_dereference(vtl_fw_nl_fw(port)->conf);
	for (; conf && cursor[0] < VTL_FW_NDIR; cursor[0]++, cursor[1] = 0) {
		chain = conf->chain[cursor[0]];
		for (; chain && cursor[1] < chain->n; cursor[1]++) {
			hdr = vtl_nl_dump_msg(skb, cb, VTL_CMD_FW_GET);
			if (!hdr)
				return -EMSGSIZE;
			ret = vtl_fw_nl_put_rule(skb, port->dev->ifindex,
						 chain->e[cursor[1]]);
			if (ret) {
				genlmsg_cancel(skb, hdr);
				return ret;
			}
			genlmsg_end(skb, hdr);
		}
	}
	return 0;
}

/* A dump that spans a change of the port's rules is flagged. */
static u32 vtl_fw_nl_genid(const struct vtl_port *port)
{
	return vtl_fw_nl_fw(port)->genid;
}

static int vtl_fw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vtl_nl_dump_ports(skb, cb, vtl_fw_nl_dump_rules,
				 vtl_fw_nl_genid);
}

const struct genl_ops vtl_fw_genl_ops[] = {
	{
		.cmd = VTL_CMD_FW_NEW,
		.doit = vtl_fw_nl_new,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_FW_DEL,
		.doit = vtl_fw_nl_del,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_FW_GET,
		.start = vtl_fw_nl_dump_start,
		.dumpit = vtl_fw_nl_dump,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_FW_FLUSH,
		.doit = vtl_fw_nl_flush,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_FW_POLICY,
		.doit = vtl_fw_nl_policy_set,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_FW_LOAD,
		.doit = vtl_fw_nl_load,
		.policy = vtl_fw_nl_policy,
		.maxattr = VTL_FW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static_assert(ARRAY_SIZE(vtl_fw_genl_ops) == VTL_FW_N_OPS);

/* A port's firewall, as VTL_CMD_PORT_GET returns it. */
const struct nla_policy vtl_fw_port_policy[VTL_PORT_A_MAX + 1] = {
	[VTL_PORT_A_FW] = {
		.type = NLA_REJECT,
		.reject_message = "the firewall is configured with VTL_CMD_FW_*",
	},
};
