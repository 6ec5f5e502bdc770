// SPDX-License-Identifier: GPL-2.0
/*
 * The SOCKS service's netlink commands, VTL_CMD_SOCKS_*, and its
 * notifications to the "config" multicast group.
 */
#include <linux/capability.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "netlink.h"
#include "netns.h"
#include "port.h"
#include "socks.h"

static const struct nla_policy vtl_socks_nl_policy[VTL_SOCKS_A_MAX + 1] = {
	[VTL_SOCKS_A_PAD] = { .type = NLA_REJECT },
	[VTL_SOCKS_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_SOCKS_A_IFNAME] = {
		.type = NLA_REJECT,
		.reject_message = "the device name is returned, not taken: give its ifindex",
	},
	VTL_SOCKS_SETTINGS_POLICY,
	[VTL_SOCKS_A_MAC ... VTL_SOCKS_A_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "returned, not taken",
	},
};

/* The largest message vtl_socks_nl_put() fills. */
static size_t vtl_socks_nl_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* IFINDEX */
	       nla_total_size(IFNAMSIZ) +		/* IFNAME */
	       nla_total_size(16) +			/* PROXY_ADDR */
	       nla_total_size(sizeof(u16)) +		/* PROXY_PORT */
	       2 * nla_total_size(VTL_SOCKS_NAME_MAX + 1) + /* USER, PASSWORD */
	       4 * nla_total_size(sizeof(u8)) +		/* VERSION, DNS, */
							/* PREFIX_LEN, IPV6 */
	       nla_total_size(sizeof(__be32)) +		/* DNS_PREFIX */
	       nla_total_size(ETH_ALEN) +		/* MAC */
	       nla_total_size(0) +			/* STATS */
	       VTL_SOCKS_C_COUNT * nla_total_size_64bit(sizeof(u64));
}

/*
 * Bumped under RTNL on every change of a configuration: with the
 * namespace's port generation, a dump's consistency check.
 */
static u32 vtl_socks_genid;

/* The port of VTL_SOCKS_A_IFINDEX.  Context: RTNL. */
static struct vtl_port *vtl_socks_nl_port(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VTL_SOCKS_A_IFINDEX];
	struct vtl_port *port;

	port = vtl_port_find(vtl_net(genl_info_net(info)), nla_get_u32(attr));
	if (!port)
		vtl_nl_err(info->extack, attr, "device is not attached");
	return port;
}

/* The proxy's address: IPv4 or IPv6, unicast. */
static int vtl_socks_nl_proxy(struct nlattr **attrs,
			      struct vtl_socks_conf *c,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[VTL_SOCKS_A_PROXY_ADDR];
	const struct in6_addr *a6;
	__be32 a4;

	if (nla_len(a) == 4) {
		a4 = nla_get_in_addr(a);
		if (ipv4_is_zeronet(a4) || ipv4_is_multicast(a4) ||
		    ipv4_is_lbcast(a4))
			goto bad;
		c->family = 4;
	} else if (nla_len(a) == 16) {
		a6 = nla_data(a);
		if (ipv6_addr_any(a6) || ipv6_addr_is_multicast(a6))
			goto bad;
		c->family = 6;
	} else {
		vtl_nl_err(extack, a,
			   "the proxy address is of 4 (IPv4) or 16 bytes (IPv6)");
		return -EINVAL;
	}
	memcpy(c->proxy_addr, nla_data(a), nla_len(a));
	c->proxy_port = nla_get_u16(attrs[VTL_SOCKS_A_PROXY_PORT]);
	return 0;

bad:
	vtl_nl_err(extack, a, "the proxy address is not a unicast one");
	return -EINVAL;
}

/* The credentials: both or neither, and only for SOCKS5. */
static int vtl_socks_nl_auth(struct nlattr **attrs, struct vtl_socks_conf *c,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *user = attrs[VTL_SOCKS_A_USER];
	struct nlattr *pass = attrs[VTL_SOCKS_A_PASSWORD];

	if (!user && !pass)
		return 0;
	if (!user || !pass) {
		vtl_nl_err(extack, user ?: pass,
			   user ? "a user needs a password" :
				  "a password needs a user");
		return -EINVAL;
	}
	if (c->version != VTL_SOCKS_V5) {
		vtl_nl_err(extack, user,
			   "SOCKS4a takes no credentials: they need version 5");
		return -EINVAL;
	}
	if (!*(char *)nla_data(user) || !*(char *)nla_data(pass)) {
		vtl_nl_err(extack, *(char *)nla_data(user) ? pass : user,
			   "empty user name or password");
		return -EINVAL;
	}
	nla_strscpy(c->user, user, sizeof(c->user));
	nla_strscpy(c->password, pass, sizeof(c->password));
	return 0;
}

/* How DNS is answered; the automap prefix, only for automap. */
static int vtl_socks_nl_dns(struct nlattr **attrs, struct vtl_socks_conf *c,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *prefix = attrs[VTL_SOCKS_A_DNS_PREFIX];
	struct nlattr *len = attrs[VTL_SOCKS_A_DNS_PREFIX_LEN];
	u32 p;

	c->dns = attrs[VTL_SOCKS_A_DNS] ?
		 nla_get_u8(attrs[VTL_SOCKS_A_DNS]) :
		 VTL_SOCKS_DNS_AUTOMAP;
	if (c->dns == VTL_SOCKS_DNS_RESOLVE && c->version != VTL_SOCKS_V5) {
		vtl_nl_err(extack, attrs[VTL_SOCKS_A_DNS],
			   "dns resolve needs SOCKS5 (Tor's RESOLVE)");
		return -EINVAL;
	}
	c->dns_prefix = htonl(VTL_SOCKS_AUTOMAP_PREFIX);
	c->dns_prefix_len = VTL_SOCKS_AUTOMAP_LEN;
	if (!prefix && !len)
		return 0;
	if (c->dns != VTL_SOCKS_DNS_AUTOMAP) {
		vtl_nl_err(extack, prefix ?: len,
			   "a DNS prefix is for dns automap only");
		return -EINVAL;
	}
	if (!prefix || !len) {
		vtl_nl_err(extack, prefix ?: len,
			   "the DNS prefix and its length go together");
		return -EINVAL;
	}
	c->dns_prefix = nla_get_in_addr(prefix);
	c->dns_prefix_len = nla_get_u8(len);
	p = ntohl(c->dns_prefix);
	if (p & ~(~0U << (32 - c->dns_prefix_len))) {
		vtl_nl_err(extack, prefix,
			   "the DNS prefix has bits set past its length");
		return -EINVAL;
	}
	return 0;
}

/**
 * vtl_socks_nl_conf() - a new configuration from its attributes
 * @attrs: &enum vtl_socks_attr, of a %VTL_CMD_SOCKS_NEW request or of an
 *	export, validated
 * @extack: for the reason of a failure
 *
 * Return: the configuration, or an ERR_PTR().
 */
struct vtl_socks_conf *vtl_socks_nl_conf(struct nlattr **attrs,
					 struct netlink_ext_ack *extack)
{
	struct vtl_socks_conf *c;
	int ret;

	if (NL_REQ_ATTR_CHECK(extack, NULL, attrs, VTL_SOCKS_A_PROXY_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, NULL, attrs, VTL_SOCKS_A_PROXY_PORT))
		return ERR_PTR(-EINVAL);
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return ERR_PTR(-ENOMEM);
	c->version = attrs[VTL_SOCKS_A_VERSION] ?
		     nla_get_u8(attrs[VTL_SOCKS_A_VERSION]) :
		     VTL_SOCKS_V5;
	c->ipv6 = attrs[VTL_SOCKS_A_IPV6] ?
		  nla_get_u8(attrs[VTL_SOCKS_A_IPV6]) :
		  VTL_SOCKS_IPV6_DROP;
	ret = vtl_socks_nl_proxy(attrs, c, extack) ?:
	      vtl_socks_nl_auth(attrs, c, extack) ?:
	      vtl_socks_nl_dns(attrs, c, extack);
	if (ret) {
		kfree_sensitive(c);
		return ERR_PTR(ret);
	}
	return c;
}

static int vtl_socks_nl_put_stats(struct sk_buff *msg,
				  const struct vtl_port *port)
{
	static const int attr[VTL_SOCKS_C_COUNT] = {
		[VTL_SOCKS_C_UP] = VTL_SOCKS_STATS_A_UP,
		[VTL_SOCKS_C_ARP_REPLIES] = VTL_SOCKS_STATS_A_ARP_REPLIES,
		[VTL_SOCKS_C_RESETS] = VTL_SOCKS_STATS_A_RESETS,
		[VTL_SOCKS_C_FAIL_CLOSED] = VTL_SOCKS_STATS_A_FAIL_CLOSED,
		[VTL_SOCKS_C_FILTERED] = VTL_SOCKS_STATS_A_FILTERED,
		[VTL_SOCKS_C_TO_VM_DROPPED] = VTL_SOCKS_STATS_A_TO_VM_DROPPED,
	};
	u64 c[VTL_SOCKS_C_COUNT];
	struct nlattr *nest;
	int i;

	vtl_socks_read(port, c);
	nest = nla_nest_start(msg, VTL_SOCKS_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < VTL_SOCKS_C_COUNT; i++) {
		if (nla_put_u64_64bit(msg, attr[i], c[i],
				      VTL_SOCKS_STATS_A_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * vtl_socks_nl_put_conf() - the attributes of a configuration
 * @msg: the message
 * @c: the configuration
 * @password: with the password
 *
 * As %VTL_CMD_SOCKS_NEW takes them: for replies, notifications and exports.
 *
 * Return: 0 or -EMSGSIZE.
 */
int vtl_socks_nl_put_conf(struct sk_buff *msg, const struct vtl_socks_conf *c,
			  bool password)
{
	if (nla_put(msg, VTL_SOCKS_A_PROXY_ADDR, c->family == 4 ? 4 : 16,
		    c->proxy_addr) ||
	    nla_put_u16(msg, VTL_SOCKS_A_PROXY_PORT, c->proxy_port) ||
	    nla_put_u8(msg, VTL_SOCKS_A_VERSION, c->version) ||
	    (c->user[0] &&
	     nla_put_string(msg, VTL_SOCKS_A_USER, c->user)) ||
	    (password && c->password[0] &&
	     nla_put_string(msg, VTL_SOCKS_A_PASSWORD, c->password)) ||
	    nla_put_u8(msg, VTL_SOCKS_A_DNS, c->dns) ||
	    (c->dns == VTL_SOCKS_DNS_AUTOMAP &&
	     (nla_put_in_addr(msg, VTL_SOCKS_A_DNS_PREFIX, c->dns_prefix) ||
	      nla_put_u8(msg, VTL_SOCKS_A_DNS_PREFIX_LEN,
			 c->dns_prefix_len))) ||
	    nla_put_u8(msg, VTL_SOCKS_A_IPV6, c->ipv6))
		return -EMSGSIZE;
	return 0;
}

/*
 * The attributes of @port's configuration @c; the password with
 * @password, the counters with @stats.
 */
static int vtl_socks_nl_put(struct sk_buff *msg, const struct vtl_port *port,
			    const struct vtl_socks_conf *c, bool password,
			    bool stats)
{
	static const u8 mac[ETH_ALEN] = VTL_SOCKS_FAKE_MAC;

	if (nla_put_u32(msg, VTL_SOCKS_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(msg, VTL_SOCKS_A_IFNAME, port->dev->name) ||
	    vtl_socks_nl_put_conf(msg, c, password) ||
	    nla_put(msg, VTL_SOCKS_A_MAC, ETH_ALEN, mac))
		return -EMSGSIZE;
	return stats ? vtl_socks_nl_put_stats(msg, port) : 0;
}

/**
 * vtl_socks_nl_changed() - a port's configuration changed: tell whom it
 *	concerns
 * @port: the port, whose configuration (vtl_socks_conf()) is the new one
 * @had: it had one before, now gone or replaced
 *
 * A daemon hears the old one end and the new one start.
 *
 * Context: process, RTNL.
 */
void vtl_socks_nl_changed(const struct vtl_port *port, bool had)
{
	vtl_socks_genid++;
	if (had)
		vtl_socks_nl_notify(port, VTL_CMD_SOCKS_DEL);
	if (vtl_socks_conf(port))
		vtl_socks_nl_notify(port, VTL_CMD_SOCKS_NEW);
}

/**
 * vtl_socks_nl_notify() - tell the "config" group of a port's change
 * @port: the port
 * @cmd: %VTL_CMD_SOCKS_NEW, with its configuration, or %VTL_CMD_SOCKS_DEL
 *
 * The password goes only to a namespace of the initial user namespace,
 * whose group members, like GET's callers, have CAP_NET_ADMIN there.
 * Best effort: a listener that misses one sees its socket overrun.
 *
 * Context: process, RTNL.
 */
void vtl_socks_nl_notify(const struct vtl_port *port, u8 cmd)
{
	const struct vtl_socks_conf *c = vtl_socks_conf(port);
	struct net *net = dev_net(port->dev);
	struct sk_buff *msg;
	void *hdr;
	int ret;

	/* Sized to fit: a listener's buffer holds more of them. */
	msg = genlmsg_new(vtl_socks_nl_size(), GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vtl_genl_family, 0, cmd);
	if (!hdr)
		goto err_free;
	if (cmd == VTL_CMD_SOCKS_NEW)
		ret = vtl_socks_nl_put(msg, port, c,
				       net->user_ns == &init_user_ns, false);
	else
		ret = nla_put_u32(msg, VTL_SOCKS_A_IFINDEX,
				  port->dev->ifindex);
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	vtl_genl_notify(net, msg);
	return;

err_free:
	nlmsg_free(msg);
}

static int vtl_socks_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_socks_conf *c;
	struct vtl_port *port;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, VTL_SOCKS_A_IFINDEX))
		return -EINVAL;
	c = vtl_socks_nl_conf(info->attrs, info->extack);
	if (IS_ERR(c))
		return PTR_ERR(c);
	rtnl_lock();
	port = vtl_socks_nl_port(info);
	if (!port) {
		ret = -ENODEV;
	} else if (vtl_socks_conf(port)) {
		vtl_nl_err(info->extack, info->attrs[VTL_SOCKS_A_IFINDEX],
			   "the port already has a SOCKS service: delete it first");
		ret = -EEXIST;
	} else {
		vtl_socks_set(port, c);
		c = NULL;
		vtl_socks_genid++;
		vtl_socks_nl_notify(port, VTL_CMD_SOCKS_NEW);
	}
	rtnl_unlock();
	kfree_sensitive(c);
	return ret;
}

static int vtl_socks_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_port *port;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, VTL_SOCKS_A_IFINDEX))
		return -EINVAL;
	rtnl_lock();
	port = vtl_socks_nl_port(info);
	if (!port) {
		ret = -ENODEV;
	} else if (!vtl_socks_conf(port)) {
		vtl_nl_err(info->extack, info->attrs[VTL_SOCKS_A_IFINDEX],
			   "the port has no SOCKS service");
		ret = -ENOENT;
	} else {
		vtl_socks_set(port, NULL);
		vtl_socks_genid++;
		vtl_socks_nl_notify(port, VTL_CMD_SOCKS_DEL);
	}
	rtnl_unlock();
	return ret;
}

static int vtl_socks_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct vtl_socks_conf *c;
	struct vtl_port *port;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_SOCKS_A_IFINDEX))
		return -EINVAL;
	msg = genlmsg_new(vtl_socks_nl_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	port = vtl_socks_nl_port(info);
	if (!port) {
		ret = -ENODEV;
		goto err_unlock;
	}
	c = vtl_socks_conf(port);
	if (!c) {
		vtl_nl_err(info->extack, info->attrs[VTL_SOCKS_A_IFINDEX],
			   "the port has no SOCKS service");
		ret = -ENOENT;
		goto err_unlock;
	}
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &vtl_genl_family, 0,
				VTL_CMD_SOCKS_GET);
	if (!hdr ||
	    vtl_socks_nl_put(msg, port, c,
			     netlink_capable(skb, CAP_NET_ADMIN), true))
		goto err_unlock;
	rtnl_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return ret;
}

/* The cursor: cb->args[0] the ports of the namespace done. */
static int vtl_socks_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtl_net *vn = vtl_net(sock_net(skb->sk));
	bool password = netlink_capable(cb->skb, CAP_NET_ADMIN);
	const struct vtl_socks_conf *c;
	unsigned long idx = 0;
	struct vtl_port *port;
	int ret = 0;
	void *hdr;

	rtnl_lock();
	/* Flagged NLM_F_DUMP_INTR if ports or configurations changed. */
	cb->seq = vn->genid + vtl_socks_genid;
	list_for_each_entry(port, &vn->ports, list) {
		if (idx++ < cb->args[0])
			continue;
		c = vtl_socks_conf(port);
		if (!c)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vtl_genl_family,
				  NLM_F_MULTI, VTL_CMD_SOCKS_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			idx--;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		ret = vtl_socks_nl_put(skb, port, c, password, true);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			idx--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rtnl_unlock();
	cb->args[0] = idx;
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

const struct genl_ops vtl_socks_genl_ops[] = {
	{
		.cmd = VTL_CMD_SOCKS_NEW,
		.doit = vtl_socks_nl_new,
		.policy = vtl_socks_nl_policy,
		.maxattr = VTL_SOCKS_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_SOCKS_DEL,
		.doit = vtl_socks_nl_del,
		.policy = vtl_socks_nl_policy,
		.maxattr = VTL_SOCKS_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	/* Open to all: the password is returned to CAP_NET_ADMIN only. */
	{
		.cmd = VTL_CMD_SOCKS_GET,
		.doit = vtl_socks_nl_get,
		.dumpit = vtl_socks_nl_dump,
		.policy = vtl_socks_nl_policy,
		.maxattr = VTL_SOCKS_A_MAX,
	},
};

static_assert(ARRAY_SIZE(vtl_socks_genl_ops) == VTL_SOCKS_N_OPS);
