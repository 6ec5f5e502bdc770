// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "vtl": the only way to configure VTL.
 *
 * Every operation acts on the namespace of the requesting socket, needs
 * CAP_NET_ADMIN in the initial user namespace and is validated strictly
 * against its own policy (one attribute space per object, as ethtool's
 * netlink does).  Requests run under RTNL, which orders them against device
 * events.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <uapi/linux/vtl.h>

#include "conntable.h"
#include "export.h"
#include "netlink.h"
#include "port.h"
#include "service.h"

static struct netlink_range_validation vtl_max_conns_range = {
	.max = VTL_CONN_LIMIT_MAX,
};

/* The framework's attributes; the services add theirs at load time. */
static struct nla_policy vtl_port_policy[VTL_PORT_A_MAX + 1] __ro_after_init = {
	[VTL_PORT_A_PAD] = { .type = NLA_REJECT },
	[VTL_PORT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_PORT_A_IFNAME] = {
		.type = NLA_REJECT,
		.reject_message = "the device name is returned, not taken: give its ifindex",
	},
	[VTL_PORT_A_MODE] = NLA_POLICY_RANGE(NLA_U32, VTL_PORT_MODE_HOST_ONLY,
					     VTL_PORT_MODE_MAX),
	[VTL_PORT_A_PEER_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_PORT_A_PEER_IFNAME] = {
		.type = NLA_REJECT,
		.reject_message = "the peer name is returned, not taken: give its ifindex",
	},
	[VTL_PORT_A_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "counters are read-only",
	},
	[VTL_PORT_A_PEER_STATS] = {
		.type = NLA_REJECT,
		.reject_message = "counters are read-only",
	},
	[VTL_PORT_A_MAX_CONNS] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &vtl_max_conns_range),
	[VTL_PORT_A_CONNS] = {
		.type = NLA_REJECT,
		.reject_message = "counters are read-only",
	},
	[VTL_PORT_A_CONN_DROPPED] = {
		.type = NLA_REJECT,
		.reject_message = "counters are read-only",
	},
	[VTL_PORT_A_TRACK] = NLA_POLICY_MAX(NLA_U8, 1),
	/* The services' attributes: vtl_services_port_policy(). */
};

static const struct nla_policy vtl_conn_policy[VTL_CONN_A_MAX + 1] = {
	[VTL_CONN_A_PAD] = { .type = NLA_REJECT },
	[VTL_CONN_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_CONN_A_FAMILY ... VTL_CONN_A_IDLE_MS] = {
		.type = NLA_REJECT,
		.reject_message = "connections are returned, not taken: give only an ifindex",
	},
};

/**
 * vtl_nl_prefix() - an address prefix from its attributes
 * @addr: binary, 4 bytes (IPv4) or 16 (IPv6), bits past the length zero
 * @len: u8, its length in bits, or NULL for the whole address
 * @family: 0, or the family the prefix must have; set to 4 or 6
 * @prefix: set to the address (16 bytes, IPv4 in the first 4)
 * @plen: set to the length
 * @extack: for the reason of a failure, pointing at the attribute
 *
 * Return: 0 or -EINVAL.
 */
int vtl_nl_prefix(const struct nlattr *addr, const struct nlattr *len,
		  u8 *family, u8 *prefix, u8 *plen,
		  struct netlink_ext_ack *extack)
{
	unsigned int alen = nla_len(addr), i;
	u8 fam = alen == 4 ? 4 : 6;

	if (alen != 4 && alen != 16) {
		vtl_nl_err(extack, addr,
			   "an address is 4 bytes (IPv4) or 16 (IPv6)");
		return -EINVAL;
	}
	if (*family && *family != fam) {
		vtl_nl_err(extack, addr,
			   "address family differs from the rule's family");
		return -EINVAL;
	}
	*plen = len ? nla_get_u8(len) : alen * 8;
	if (*plen > alen * 8) {
		vtl_nl_err(extack, len, "prefix longer than the address");
		return -EINVAL;
	}
	for (i = *plen; i < alen * 8; i++) {
		if (((const u8 *)nla_data(addr))[i / 8] & (0x80 >> (i % 8))) {
			vtl_nl_err(extack, addr,
				   "address has bits set past its prefix length");
			return -EINVAL;
		}
	}
	*family = fam;
	memcpy(prefix, nla_data(addr), alen);
	return 0;
}

static int vtl_nl_put_stats(struct sk_buff *skb, int attr,
			    struct vtl_pcpu_stats __percpu *pcpu)
{
	struct vtl_stats st;
	struct nlattr *nest;

	vtl_stats_read(pcpu, &st);
	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VTL_STATS_A_RX_PACKETS, st.rx_packets,
			      VTL_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_STATS_A_RX_BYTES, st.rx_bytes,
			      VTL_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_STATS_A_TX_PACKETS, st.tx_packets,
			      VTL_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_STATS_A_TX_BYTES, st.tx_bytes,
			      VTL_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_STATS_A_DROPPED, st.dropped,
			      VTL_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vtl_nl_fill_port(struct sk_buff *skb, const struct vtl_port *port,
			    u32 portid, u32 seq, int flags,
			    struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &vtl_genl_family, flags,
			  VTL_CMD_PORT_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, VTL_PORT_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, VTL_PORT_A_IFNAME, port->dev->name) ||
	    nla_put_u32(skb, VTL_PORT_A_MODE, port->mode) ||
	    nla_put_u32(skb, VTL_PORT_A_MAX_CONNS,
			vtl_conntable_max(port->conns)) ||
	    nla_put_u32(skb, VTL_PORT_A_CONNS,
			vtl_conntable_count(port->conns)) ||
	    nla_put_u64_64bit(skb, VTL_PORT_A_CONN_DROPPED,
			      vtl_conntable_dropped(port->conns),
			      VTL_PORT_A_PAD) ||
	    nla_put_u8(skb, VTL_PORT_A_TRACK,
		       !!(port->ct_users & BIT(VTL_CT_USER_PORT))) ||
	    vtl_nl_put_stats(skb, VTL_PORT_A_STATS, port->stats) ||
	    vtl_services_fill_port(skb, port))
		goto err_cancel;
	if (port->peer &&
	    (nla_put_u32(skb, VTL_PORT_A_PEER_IFINDEX, port->peer->ifindex) ||
	     nla_put_string(skb, VTL_PORT_A_PEER_IFNAME, port->peer->name) ||
	     vtl_nl_put_stats(skb, VTL_PORT_A_PEER_STATS, port->peer_stats)))
		goto err_cancel;
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static struct net_device *vtl_nl_get_dev(struct net *net,
					 struct genl_info *info, int attr)
{
	struct net_device *dev;

	dev = __dev_get_by_index(net, nla_get_u32(info->attrs[attr]));
	if (dev)
		return dev;
	if (attr == VTL_PORT_A_PEER_IFINDEX)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no such peer device in this namespace");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no such device in this namespace");
	return NULL;
}

static int vtl_nl_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	u32 max_conns = VTL_CONN_DEFAULT_MAX;
	const struct nlattr *setting;
	struct net_device *dev, *peer = NULL;
	enum vtl_port_mode mode;
	struct vtl_port *port;
	int ret = -ENODEV;

	if (GENL_REQ_ATTR_CHECK(info, VTL_PORT_A_IFINDEX))
		return -EINVAL;
	setting = vtl_services_port_setting(info->attrs);
	if (setting) {
		NL_SET_ERR_MSG_ATTR(info->extack, setting,
				    "a new port starts with the services' defaults: change them with VTL_CMD_PORT_SET");
		return -EINVAL;
	}

	rtnl_lock();
	dev = vtl_nl_get_dev(net, info, VTL_PORT_A_IFINDEX);
	if (!dev)
		goto out_unlock;
	if (info->attrs[VTL_PORT_A_PEER_IFINDEX]) {
		peer = vtl_nl_get_dev(net, info, VTL_PORT_A_PEER_IFINDEX);
		if (!peer)
			goto out_unlock;
	}
	if (info->attrs[VTL_PORT_A_MODE])
		mode = nla_get_u32(info->attrs[VTL_PORT_A_MODE]);
	else
		mode = peer ? VTL_PORT_MODE_STANDALONE :
			      VTL_PORT_MODE_HOST_ONLY;
	if (info->attrs[VTL_PORT_A_MAX_CONNS])
		max_conns = nla_get_u32(info->attrs[VTL_PORT_A_MAX_CONNS]);

	port = vtl_port_create(vtl_net(net), dev, peer, mode, max_conns,
			       info->extack);
	ret = PTR_ERR_OR_ZERO(port);
	if (!ret && info->attrs[VTL_PORT_A_TRACK])
		vtl_port_track(port, VTL_CT_USER_PORT,
			       nla_get_u8(info->attrs[VTL_PORT_A_TRACK]));
out_unlock:
	rtnl_unlock();
	return ret;
}

static struct vtl_port *vtl_nl_get_port(struct net *net,
					struct genl_info *info)
{
	struct vtl_port *port;

	port = vtl_port_find(vtl_net(net),
			     nla_get_u32(info->attrs[VTL_PORT_A_IFINDEX]));
	if (!port)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VTL_PORT_A_IFINDEX],
				    "device is not attached");
	return port;
}

static int vtl_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_port *port;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, VTL_PORT_A_IFINDEX))
		return -EINVAL;
	rtnl_lock();
	port = vtl_nl_get_port(genl_info_net(info), info);
	if (port)
		vtl_port_destroy(port);
	else
		ret = -ENODEV;
	rtnl_unlock();
	return ret;
}

static int vtl_nl_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *max = info->attrs[VTL_PORT_A_MAX_CONNS];
	struct nlattr *track = info->attrs[VTL_PORT_A_TRACK];
	struct vtl_port *port;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_PORT_A_IFINDEX))
		return -EINVAL;
	if (info->attrs[VTL_PORT_A_MODE] ||
	    info->attrs[VTL_PORT_A_PEER_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VTL_PORT_A_MODE] ?:
				    info->attrs[VTL_PORT_A_PEER_IFINDEX],
				    "mode and peer are fixed for a port's life: delete and add it again");
		return -EINVAL;
	}
	if (!max && !track && !vtl_services_port_setting(info->attrs)) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to set: give max-conns, track or a service's setting");
		return -EINVAL;
	}
	rtnl_lock();
	port = vtl_nl_get_port(genl_info_net(info), info);
	if (!port) {
		ret = -ENODEV;
		goto out;
	}
	/* The services first: only they can fail. */
	ret = vtl_services_port_set(port, info->attrs, info->extack);
	if (!ret && max)
		vtl_conntable_set_max(port->conns, nla_get_u32(max));
	if (!ret && track)
		vtl_port_track(port, VTL_CT_USER_PORT, nla_get_u8(track));
out:
	rtnl_unlock();
	return ret;
}

static int vtl_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_port *port;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_PORT_A_IFINDEX))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	port = vtl_nl_get_port(genl_info_net(info), info);
	if (port)
		ret = vtl_nl_fill_port(msg, port, info->snd_portid,
				       info->snd_seq, 0, NULL);
	else
		ret = -ENODEV;
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* ------------------------------------------------------------------ */
/* Dumps of the ports' things: the cursor handling, once */

/* Attributes of a command whose dump names its port: at most this many. */
#define VTL_NL_DUMP_MAXATTR	32

/**
 * vtl_nl_dump_start() - the .start of a per-port dump: which port
 * @cb: the dump
 * @policy: the command's policy
 * @maxattr: its last attribute
 * @ifindex_attr: the u32 attribute that names the port (its ifindex)
 * @required: the dump is of one port: @ifindex_attr must be there;
 *	else it is a filter, and without it every port is dumped
 *
 * Return: 0, or a negative errno with cb->extack set.
 */
int vtl_nl_dump_start(struct netlink_callback *cb,
		      const struct nla_policy *policy, unsigned int maxattr,
		      unsigned int ifindex_attr, bool required)
{
	struct nlattr *tb[VTL_NL_DUMP_MAXATTR + 1];
	int ret;

	if (WARN_ON_ONCE(maxattr > VTL_NL_DUMP_MAXATTR))
		return -EINVAL;
	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, maxattr, policy,
			  cb->extack);
	if (ret)
		return ret;
	if (tb[ifindex_attr]) {
		cb->args[0] = nla_get_u32(tb[ifindex_attr]);
	} else if (required) {
		NL_SET_ERR_MSG(cb->extack, "give the port's ifindex");
		return -EINVAL;
	}
	return 0;
}

/**
 * vtl_nl_dump_msg() - start the next message of a dump
 * @skb: the dump's buffer
 * @cb: the dump
 * @cmd: the message's command
 *
 * Return: the message's header, for genlmsg_end() or genlmsg_cancel(), or
 * NULL when @skb has no room for it.
 */
void *vtl_nl_dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vtl_genl_family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/**
 * vtl_nl_dump_ports() - the .dumpit of a per-port dump
 * @skb: the dump's buffer
 * @cb: the dump: cb->args[0] the port asked for (its ifindex; 0 for
 *	every port, vtl_nl_dump_start()), [1] how many ports are done, and
 *	from [2] on, %VTL_NL_DUMP_CURSOR longs of @fill's cursor
 * @fill: puts a port's entries, from its cursor on
 * @genid: the port's generation number, or NULL: summed over the ports
 *	dumped, with the namespace's (which moves when ports come and go),
 *	into cb->seq, so that a dump that spans a change is flagged
 *	NLM_F_DUMP_INTR and userspace can ask again
 *
 * Context: takes RTNL, for each message.
 * Return: as a .dumpit: the length of what @skb holds, 0 at the end, or a
 * negative errno (-ENODEV: the port asked for is not attached).
 */
int vtl_nl_dump_ports(struct sk_buff *skb, struct netlink_callback *cb,
		      vtl_nl_dump_fill_t fill,
		      u32 (*genid)(const struct vtl_port *port))
{
	struct vtl_net *vn = vtl_net(sock_net(skb->sk));
	unsigned long *cursor = &cb->args[2];
	unsigned long ifindex = cb->args[0];
	unsigned long idx = 0;
	struct vtl_port *port;
	bool found = false;
	int ret = 0;
	u32 seq;

	BUILD_BUG_ON(2 + VTL_NL_DUMP_CURSOR > ARRAY_SIZE(cb->args));
	rtnl_lock();
	seq = vn->genid;
	list_for_each_entry(port, &vn->ports, list)
		if (genid && (!ifindex || port->dev->ifindex == ifindex))
			seq += genid(port);
	cb->seq = seq;
	list_for_each_entry(port, &vn->ports, list) {
		if (ifindex && port->dev->ifindex != ifindex)
			continue;
		found = true;
		if (idx++ < cb->args[1])
			continue;
		ret = fill(skb, cb, port, cursor);
		if (ret) {
			idx--;
			break;
		}
		memset(cursor, 0, VTL_NL_DUMP_CURSOR * sizeof(*cursor));
	}
	rtnl_unlock();
	if (ifindex && !found) {
		NL_SET_ERR_MSG(cb->extack, "device is not attached");
		return -ENODEV;
	}
	cb->args[1] = idx;
	/* An entry that does not fit an empty message never will. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/* A port dump's entry: the port itself. */
static int vtl_nl_dump_port(struct sk_buff *skb, struct netlink_callback *cb,
			    struct vtl_port *port, unsigned long *cursor)
{
	return vtl_nl_fill_port(skb, port, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
}

static int vtl_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vtl_nl_dump_ports(skb, cb, vtl_nl_dump_port, NULL);
}

static int vtl_nl_put_ep(struct sk_buff *skb, int attr,
			 const struct vtl_ep *ep)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTL_CONN_EP_A_SEQ, ep->snd_nxt) ||
	    nla_put_u32(skb, VTL_CONN_EP_A_ACK, ep->ack) ||
	    nla_put_u32(skb, VTL_CONN_EP_A_WINDOW, ep->window) ||
	    nla_put_u64_64bit(skb, VTL_CONN_EP_A_PACKETS, ep->packets,
			      VTL_CONN_EP_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_CONN_EP_A_BYTES, ep->bytes,
			      VTL_CONN_EP_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Nanoseconds from @then to @now, in milliseconds; 0 if @then is later. */
static u64 vtl_nl_ms_since(u64 then, u64 now)
{
	return (s64)(now - then) > 0 ? div_u64(now - then, NSEC_PER_MSEC) : 0;
}

/* What a connection dump is at, for vtl_nl_fill_conn(). */
struct vtl_nl_conn_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	int ifindex;
};

static int vtl_nl_fill_conn(const struct vtl_model *m, struct vtl_conn *c,
			    u64 now, void *arg)
{
	struct vtl_nl_conn_dump *d = arg;
	const struct vtl_flow_key *k = &m->key;
	bool vm_first = m->initiator == VTL_EP_VM;
	int alen = k->family == 4 ? 4 : 16;
	struct sk_buff *skb = d->skb;
	void *hdr;

	hdr = vtl_nl_dump_msg(skb, d->cb, VTL_CMD_CONN_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTL_CONN_A_IFINDEX, d->ifindex) ||
	    nla_put_u8(skb, VTL_CONN_A_FAMILY, k->family) ||
	    nla_put_u8(skb, VTL_CONN_A_PROTO, k->proto) ||
	    nla_put(skb, VTL_CONN_A_SRC, alen,
		    vm_first ? k->vm_addr : k->peer_addr) ||
	    nla_put(skb, VTL_CONN_A_DST, alen,
		    vm_first ? k->peer_addr : k->vm_addr) ||
	    nla_put_u16(skb, VTL_CONN_A_SPORT,
			be16_to_cpu(vm_first ? k->vm_port : k->peer_port)) ||
	    nla_put_u16(skb, VTL_CONN_A_DPORT,
			be16_to_cpu(vm_first ? k->peer_port : k->vm_port)) ||
	    nla_put_u8(skb, VTL_CONN_A_STATE, m->state) ||
	    vtl_nl_put_ep(skb, VTL_CONN_A_ORIG, &m->ep[m->initiator]) ||
	    vtl_nl_put_ep(skb, VTL_CONN_A_REPLY, &m->ep[!m->initiator]) ||
	    nla_put_u64_64bit(skb, VTL_CONN_A_AGE_MS,
			      vtl_nl_ms_since(m->created, now),
			      VTL_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, VTL_CONN_A_IDLE_MS,
			      vtl_nl_ms_since(m->last_seen, now),
			      VTL_CONN_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A connection dump's entries: the port's table, from the cursor on. */
static int vtl_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb,
			     struct vtl_port *port, unsigned long *cursor)
{
	struct vtl_nl_conn_dump d = {
		.skb = skb,
		.cb = cb,
		.ifindex = port->dev->ifindex,
	};
	struct vtl_conntable_cursor cur = {
		.bucket = cursor[0],
		.pos = cursor[1],
	};
	int ret;

	ret = vtl_conntable_walk(port->conns, &cur, vtl_nl_fill_conn, &d);
	cursor[0] = cur.bucket;
	cursor[1] = cur.pos;
	return ret;
}

static int vtl_nl_conn_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vtl_nl_dump_ports(skb, cb, vtl_nl_dump_conns, NULL);
}

/* The filter, a port or none. */
static int vtl_nl_conn_dump_start(struct netlink_callback *cb)
{
	return vtl_nl_dump_start(cb, vtl_conn_policy, VTL_CONN_A_MAX,
				 VTL_CONN_A_IFINDEX, false);
}

static int vtl_nl_conn_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vtl_net *vn = vtl_net(genl_info_net(info));
	struct nlattr *attr = info->attrs[VTL_CONN_A_IFINDEX];
	struct vtl_port *port;
	int ret = 0;

	rtnl_lock();
	if (attr) {
		port = vtl_port_find(vn, nla_get_u32(attr));
		if (port) {
			vtl_conntable_flush(port->conns);
		} else {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "device is not attached");
			ret = -ENODEV;
		}
	} else {
		list_for_each_entry(port, &vn->ports, list)
			vtl_conntable_flush(port->conns);
	}
	rtnl_unlock();
	return ret;
}

static const struct genl_ops vtl_genl_ops[] = {
	{
		.cmd = VTL_CMD_PORT_NEW,
		.doit = vtl_nl_port_new,
		.policy = vtl_port_policy,
		.maxattr = VTL_PORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_PORT_DEL,
		.doit = vtl_nl_port_del,
		.policy = vtl_port_policy,
		.maxattr = VTL_PORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_PORT_GET,
		.doit = vtl_nl_port_get,
		.dumpit = vtl_nl_port_dump,
		.policy = vtl_port_policy,
		.maxattr = VTL_PORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_PORT_SET,
		.doit = vtl_nl_port_set,
		.policy = vtl_port_policy,
		.maxattr = VTL_PORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_CONN_GET,
		.start = vtl_nl_conn_dump_start,
		.dumpit = vtl_nl_conn_dump,
		.policy = vtl_conn_policy,
		.maxattr = VTL_CONN_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_CONN_FLUSH,
		.doit = vtl_nl_conn_flush,
		.policy = vtl_conn_policy,
		.maxattr = VTL_CONN_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_PORT_EXPORT,
		.start = vtl_export_dump_start,
		.dumpit = vtl_export_dump,
		.policy = vtl_export_policy,
		.maxattr = VTL_EXPORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = VTL_CMD_PORT_IMPORT,
		.doit = vtl_import_doit,
		.policy = vtl_export_policy,
		.maxattr = VTL_EXPORT_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

enum vtl_genl_mcgrp {
	VTL_GENL_MCGRP_CONFIG,
};

/* What a daemon acts on; it carries secrets: CAP_NET_ADMIN to listen. */
static const struct genl_multicast_group vtl_genl_mcgrps[] = {
	[VTL_GENL_MCGRP_CONFIG] = {
		.name = VTL_MCGRP_CONFIG,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/*
 * Whether the family is registered: notifications stop before it goes
 * (module unload detaches the ports after).  Written and read under RTNL.
 */
static bool vtl_genl_live;

/**
 * vtl_genl_notify() - send a notification to the "config" group
 * @net: the namespace whose listeners hear it
 * @msg: the message, finished; consumed
 *
 * Context: process, RTNL.
 */
void vtl_genl_notify(struct net *net, struct sk_buff *msg)
{
	ASSERT_RTNL();
	if (!vtl_genl_live) {
		nlmsg_free(msg);
		return;
	}
	/* -ESRCH: nobody listens, which is no failure */
	genlmsg_multicast_netns(&vtl_genl_family, net, msg, 0,
				VTL_GENL_MCGRP_CONFIG, GFP_KERNEL);
}

/* The operations are the framework's and the services' (vtl_genl_init()). */
struct genl_family vtl_genl_family __ro_after_init = {
	.name = VTL_GENL_NAME,
	.version = VTL_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = false,
	/* Every operation is new: validate strictly, reserved fields too. */
	.resv_start_op = VTL_CMD_PORT_NEW,
	.mcgrps = vtl_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vtl_genl_mcgrps),
	.module = THIS_MODULE,
};

/* The family's operations: vtl_genl_ops, then each service's, in order. */
static struct genl_ops *vtl_genl_all_ops;

int __init vtl_genl_init(void)
{
	unsigned int n = ARRAY_SIZE(vtl_genl_ops) + vtl_services_n_ops();
	int ret;

	vtl_genl_all_ops = kmalloc_array(n, sizeof(*vtl_genl_all_ops),
					 GFP_KERNEL);
	if (!vtl_genl_all_ops)
		return -ENOMEM;
	memcpy(vtl_genl_all_ops, vtl_genl_ops, sizeof(vtl_genl_ops));
	vtl_services_copy_ops(vtl_genl_all_ops + ARRAY_SIZE(vtl_genl_ops));
	vtl_genl_family.ops = vtl_genl_all_ops;
	vtl_genl_family.n_ops = n;
	vtl_services_port_policy(vtl_port_policy);

	ret = genl_register_family(&vtl_genl_family);
	if (ret) {
		kfree(vtl_genl_all_ops);
		return ret;
	}
	rtnl_lock();
	vtl_genl_live = true;
	rtnl_unlock();
	return 0;
}

void vtl_genl_uninit(void)
{
	rtnl_lock();
	vtl_genl_live = false;
	rtnl_unlock();
	genl_unregister_family(&vtl_genl_family);
	kfree(vtl_genl_all_ops);
}
