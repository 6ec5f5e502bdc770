// SPDX-License-Identifier: GPL-2.0
/*
 * Rewrite's and tunnel auto's netlink commands: VTL_CMD_REWRITE_* and
 * VTL_CMD_TUNNEL_*.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "port.h"

#include "rewrite.h"
#include "rw_rules.h"
#include "tunnel.h"

static const struct nla_policy vtl_rw_nl_policy[VTL_REWRITE_A_MAX + 1] = {
	[VTL_REWRITE_A_PAD] = { .type = NLA_REJECT },
	[VTL_REWRITE_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	VTL_RW_RULE_POLICY,
	[VTL_REWRITE_A_AUTO ... VTL_REWRITE_A_BYTES] = {
		.type = NLA_REJECT,
		.reject_message = "returned, not taken",
	},
};

const struct nla_policy vtl_tunnel_nl_policy[VTL_TUNNEL_A_MAX + 1] = {
	[VTL_TUNNEL_A_PAD] = { .type = NLA_REJECT },
	[VTL_TUNNEL_A_AUTO] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTL_TUNNEL_A_IFINDEX ... VTL_TUNNEL_A_AGE_MS] = {
		.type = NLA_REJECT,
		.reject_message = "returned, not taken",
	},
};

static struct vtl_rw_port *vtl_rw_nl_rw(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_rewrite_id);
}

/* The port of @attr.  Context: RTNL. */
static struct vtl_port *vtl_rw_nl_port(struct genl_info *info,
				       struct nlattr *attr, const char *msg)
{
	struct vtl_port *port;

	port = vtl_port_find(vtl_net(genl_info_net(info)), nla_get_u32(attr));
	if (!port)
		vtl_nl_err(info->extack, attr, msg);
	return port;
}

/* The rule's prefix: family, 16 bytes, length; 0 or -EINVAL. */
static int vtl_rw_nl_prefix(struct genl_info *info, struct vtl_rw_rule *r)
{
	if (GENL_REQ_ATTR_CHECK(info, VTL_REWRITE_A_DST))
		return -EINVAL;
	return vtl_nl_prefix(info->attrs[VTL_REWRITE_A_DST],
			     info->attrs[VTL_REWRITE_A_DST_LEN], &r->family,
			     r->dst, &r->dst_len, info->extack);
}

static int vtl_rw_nl_addr(const struct nlattr *a, u8 family, u8 *addr,
			  u8 *flags, u8 flag, struct netlink_ext_ack *extack)
{
	if (!a)
		return 0;
	if (nla_len(a) != (family == 4 ? 4 : 16)) {
		vtl_nl_err(extack, a,
			   "the new address is of another family than the prefix");
		return -EINVAL;
	}
	memcpy(addr, nla_data(a), nla_len(a));
	*flags |= flag;
	return 0;
}

static int vtl_rw_nl_mac(const struct nlattr *a, u8 *mac,
			 struct netlink_ext_ack *extack)
{
	memcpy(mac, nla_data(a), ETH_ALEN);
	if (!is_valid_ether_addr(mac)) {
		vtl_nl_err(extack, a, "not a unicast MAC address");
		return -EINVAL;
	}
	return 0;
}

/**
 * vtl_rw_nl_spec() - a rule from the attributes %VTL_CMD_REWRITE_NEW takes
 * @tb: the attributes, &enum vtl_rewrite_attr, validated by a policy with
 *	%VTL_RW_RULE_POLICY
 * @nest: their nest, for a missing attribute's message; NULL for a
 *	request's own
 * @r: the rule, zeroed: its prefix, MAC and addresses are filled in, not
 *	its out port
 * @extack: for the reason of a failure
 *
 * Also a rule of a port's export (rw_export.c).
 *
 * Return: 0 or -EINVAL.
 */
int vtl_rw_nl_spec(struct nlattr **tb, const struct nlattr *nest,
		   struct vtl_rw_rule *r, struct netlink_ext_ack *extack)
{
	int ret;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTL_REWRITE_A_DMAC) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VTL_REWRITE_A_DST))
		return -EINVAL;
	ret = vtl_nl_prefix(tb[VTL_REWRITE_A_DST], tb[VTL_REWRITE_A_DST_LEN],
			    &r->family, r->dst, &r->dst_len, extack) ?:
	      vtl_rw_nl_mac(tb[VTL_REWRITE_A_DMAC], r->dmac, extack) ?:
	      vtl_rw_nl_addr(tb[VTL_REWRITE_A_SADDR], r->family, r->saddr,
			     &r->flags, VTL_RW_SADDR, extack) ?:
	      vtl_rw_nl_addr(tb[VTL_REWRITE_A_DADDR], r->family, r->daddr,
			     &r->flags, VTL_RW_DADDR, extack);
	if (ret || !tb[VTL_REWRITE_A_SMAC])
		return ret;
	r->flags |= VTL_RW_SMAC;
	return vtl_rw_nl_mac(tb[VTL_REWRITE_A_SMAC], r->smac, extack);
}

static int vtl_rw_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *out = info->attrs[VTL_REWRITE_A_OUT_IFINDEX];
	struct vtl_rw_rule r = {};
	struct vtl_port *port;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_REWRITE_A_IFINDEX))
		return -EINVAL;
	ret = vtl_rw_nl_spec(info->attrs, NULL, &r, info->extack);
	if (ret)
		return ret;

	rtnl_lock();
	ret = -ENODEV;
	port = vtl_rw_nl_port(info, info->attrs[VTL_REWRITE_A_IFINDEX],
			      "device is not attached");
	if (!port)
		goto out;
	if (out) {
		if (!vtl_rw_nl_port(info, out, "out device is not attached"))
			goto out;
		ret = -EINVAL;
		if (nla_get_u32(out) == port->dev->ifindex) {
			vtl_nl_err(info->extack, out,
				   "out device is the port itself");
			goto out;
		}
		r.out_ifindex = nla_get_u32(out);
	}
	ret = vtl_rw_rule_add(vtl_rw_nl_rw(port), &r, info->extack);
out:
	rtnl_unlock();
	return ret;
}

static int vtl_rw_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_rw_rule r = {};
	struct vtl_port *port;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_REWRITE_A_IFINDEX))
		return -EINVAL;
	ret = vtl_rw_nl_prefix(info, &r);
	if (ret)
		return ret;
	rtnl_lock();
	ret = -ENODEV;
	port = vtl_rw_nl_port(info, info->attrs[VTL_REWRITE_A_IFINDEX],
			      "device is not attached");
	if (port) {
		ret = vtl_rw_rule_del(vtl_rw_nl_rw(port), r.family, r.dst,
				      r.dst_len, false);
		if (ret == -ENOENT)
			vtl_nl_err(info->extack,
				   info->attrs[VTL_REWRITE_A_DST],
				   "the port has no rule for this prefix");
	}
	rtnl_unlock();
	return ret;
}

static int vtl_rw_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VTL_REWRITE_A_IFINDEX];
	struct vtl_net *vn = vtl_net(genl_info_net(info));
	struct vtl_port *port;
	int ret = 0;

	rtnl_lock();
	if (attr) {
		port = vtl_rw_nl_port(info, attr, "device is not attached");
		ret = port ? vtl_rw_rules_flush(vtl_rw_nl_rw(port), false, 0) :
			     -ENODEV;
	} else {
		list_for_each_entry(port, &vn->ports, list)
			ret = min(ret, vtl_rw_rules_flush(vtl_rw_nl_rw(port),
							  false, 0));
	}
	rtnl_unlock();
	return min(ret, 0);
}

/**
 * vtl_rw_nl_put_spec() - a rule's attributes as %VTL_CMD_REWRITE_NEW takes
 *	them
 * @msg: the message
 * @r: the rule
 *
 * Also a rule of a port's export (rw_export.c).
 *
 * Return: 0 or -EMSGSIZE.
 */
int vtl_rw_nl_put_spec(struct sk_buff *msg, const struct vtl_rw_rule *r)
{
	unsigned int alen = r->family == 4 ? 4 : 16;

	if (nla_put(msg, VTL_REWRITE_A_DST, alen, r->dst) ||
	    nla_put_u8(msg, VTL_REWRITE_A_DST_LEN, r->dst_len) ||
	    nla_put(msg, VTL_REWRITE_A_DMAC, ETH_ALEN, r->dmac) ||
	    ((r->flags & VTL_RW_SMAC) &&
	     nla_put(msg, VTL_REWRITE_A_SMAC, ETH_ALEN, r->smac)) ||
	    ((r->flags & VTL_RW_SADDR) &&
	     nla_put(msg, VTL_REWRITE_A_SADDR, alen, r->saddr)) ||
	    ((r->flags & VTL_RW_DADDR) &&
	     nla_put(msg, VTL_REWRITE_A_DADDR, alen, r->daddr)) ||
	    (r->out_ifindex &&
	     nla_put_u32(msg, VTL_REWRITE_A_OUT_IFINDEX, r->out_ifindex)))
		return -EMSGSIZE;
	return 0;
}

static int vtl_rw_nl_put_rule(struct sk_buff *msg, int ifindex,
			      const struct vtl_rw_rule *r)
{
	u64 packets, bytes;

	vtl_hits_read(r->hits, &packets, &bytes);
	if (nla_put_u32(msg, VTL_REWRITE_A_IFINDEX, ifindex) ||
	    vtl_rw_nl_put_spec(msg, r) ||
	    nla_put_u8(msg, VTL_REWRITE_A_AUTO, !!(r->flags & VTL_RW_AUTO)) ||
	    nla_put_u64_64bit(msg, VTL_REWRITE_A_PACKETS, packets,
			      VTL_REWRITE_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_REWRITE_A_BYTES, bytes,
			      VTL_REWRITE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The filter, a port or none. */
static int vtl_rw_nl_dump_start(struct netlink_callback *cb)
{
	return vtl_nl_dump_start(cb, vtl_rw_nl_policy, VTL_REWRITE_A_MAX,
				 VTL_REWRITE_A_IFINDEX, false);
}

/* The port's rules, from cursor[0] on. */
static int vtl_rw_nl_dump_rules(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct vtl_port *port, unsigned long *cursor)
{
	const struct vtl_rw_conf *conf;
	void *hdr;
	int ret;

	conf = rtnl_dereference(vtl_rw_nl_rw(port)->conf);
	for (; conf && cursor[0] < conf->n; cursor[0]++) {
		hdr = vtl_nl_dump_msg(skb, cb, VTL_CMD_REWRITE_GET);
		if (!hdr)
			return -EMSGSIZE;
		ret = vtl_rw_nl_put_rule(skb, port->dev->ifindex,
					 conf->r[cursor[0]]);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			return ret;
		}
		genlmsg_end(skb, hdr);
	}
	return 0;
}

static int vtl_rw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	/* The namespace's count of rule changes, the same for every port. */
	return vtl_nl_dump_ports(skb, cb, vtl_rw_nl_dump_rules,
				 vtl_rw_export_genid);
}

int vtl_tunnel_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_TUNNEL_A_AUTO))
		return -EINVAL;
	rtnl_lock();
	ret = vtl_tunnel_set_auto(vtl_net(genl_info_net(info)),
				  nla_get_u8(info->attrs[VTL_TUNNEL_A_AUTO]));
	rtnl_unlock();
	return ret;
}

int vtl_tunnel_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vtl_genl_family, 0,
				VTL_CMD_TUNNEL_GET);
	if (!hdr ||
	    nla_put_u8(msg, VTL_TUNNEL_A_AUTO,
		       vtl_tunnel_auto(vtl_net(genl_info_net(info))))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

struct vtl_tunnel_nl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int vtl_tunnel_nl_fill(int ifindex, u8 family, const u8 *addr,
			      const u8 *mac, u64 age_ms, void *arg)
{
	struct vtl_tunnel_nl_dump *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &vtl_genl_family,
			  NLM_F_MULTI, VTL_CMD_TUNNEL_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(d->skb, VTL_TUNNEL_A_IFINDEX, ifindex) ||
	    nla_put(d->skb, VTL_TUNNEL_A_ADDR, family == 4 ? 4 : 16, addr) ||
	    nla_put(d->skb, VTL_TUNNEL_A_MAC, ETH_ALEN, mac) ||
	    nla_put_u64_64bit(d->skb, VTL_TUNNEL_A_AGE_MS, age_ms,
			      VTL_TUNNEL_A_PAD)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* cb->args[0]: learned addresses already returned. */
int vtl_tunnel_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtl_tunnel_nl_dump d = { .skb = skb, .cb = cb };
	int ret;

	ret = vtl_tunnel_walk(vtl_net(sock_net(skb->sk)), &cb->args[0],
			      vtl_tunnel_nl_fill, &d);
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

const struct genl_ops vtl_rw_genl_ops[] = {
	{
		.cmd = VTL_CMD_REWRITE_NEW,
		.doit = vtl_rw_nl_new,
		.policy = vtl_rw_nl_policy,
		.maxattr = VTL_REWRITE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_REWRITE_DEL,
		.doit = vtl_rw_nl_del,
		.policy = vtl_rw_nl_policy,
		.maxattr = VTL_REWRITE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_REWRITE_GET,
		.start = vtl_rw_nl_dump_start,
		.dumpit = vtl_rw_nl_dump,
		.policy = vtl_rw_nl_policy,
		.maxattr = VTL_REWRITE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_REWRITE_FLUSH,
		.doit = vtl_rw_nl_flush,
		.policy = vtl_rw_nl_policy,
		.maxattr = VTL_REWRITE_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_TUNNEL_SET,
		.doit = vtl_tunnel_nl_set,
		.policy = vtl_tunnel_nl_policy,
		.maxattr = VTL_TUNNEL_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_TUNNEL_GET,
		.doit = vtl_tunnel_nl_get,
		.dumpit = vtl_tunnel_nl_dump,
		.policy = vtl_tunnel_nl_policy,
		.maxattr = VTL_TUNNEL_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static_assert(ARRAY_SIZE(vtl_rw_genl_ops) == VTL_RW_N_OPS);

/* A port's rewrite rules' counters, as VTL_CMD_PORT_GET returns them. */
const struct nla_policy vtl_rw_port_policy[VTL_PORT_A_MAX + 1] = {
	[VTL_PORT_A_REWRITE] = {
		.type = NLA_REJECT,
		.reject_message = "rewriting is configured with VTL_CMD_REWRITE_*",
	},
};
