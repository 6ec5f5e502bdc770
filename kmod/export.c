// SPDX-License-Identifier: GPL-2.0
/*
 * Export and import of a port's state: VTL_CMD_PORT_EXPORT and
 * VTL_CMD_PORT_IMPORT (uapi/linux/vtl.h has the format).
 *
 * Export is a dump: a header, then each service's chunks (service.h's
 * @port_export, in the order of services.h, as many chunks and messages as
 * its state takes), then the connections, each as a &struct
 * vtl_export_model and the regions of the services that have something to
 * say about it (@conn_export), keyed by the small id each service's chunks
 * declare.
 *
 * Import is one request holding all of that, applied all or nothing: it
 * parses everything and stages it off to the side (each service's state in
 * an object of its own, @import_parse; the connections allocated but in no
 * table), then, under RTNL, checks that it fits the port (mode, room) and
 * lets every service prepare what may fail (@import_prepare); only then
 * does it commit: each service's state replaced (@import_commit) and the
 * port's connections replaced in one step (vtl_conntable_replace()).  Any
 * failure before frees what was staged and leaves the port as it was.
 *
 * Bounds.  The request is as large as the socket's send buffer lets its
 * sender (CAP_NET_ADMIN) make it; what it makes VTL allocate is bounded by
 * what the port may hold: its max_conns connections (checked before any
 * is allocated, and counted toward VTL's global limit from their
 * allocation on), and each service's own bounds on its state of a port,
 * the same its configuration commands keep (service.h, @import_parse), all
 * charged to the importing process.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <uapi/linux/vtl.h>

#include "conntable.h"
#include "export.h"
#include "netlink.h"
#include "port.h"
#include "service.h"

static_assert(sizeof(struct vtl_export_ep) == 72);
static_assert(sizeof(struct vtl_export_model) == 200);

/* A chunk or a connection region: who it is and its data. */
static const struct nla_policy vtl_export_svc_policy[VTL_EXPORT_SVC_A_MAX + 1] = {
	[VTL_EXPORT_SVC_A_NAME] = { .type = NLA_NUL_STRING, .len = 31 },
	[VTL_EXPORT_SVC_A_ID] = NLA_POLICY_MIN(NLA_U8, 1),
	[VTL_EXPORT_SVC_A_DATA] = { .type = NLA_NESTED },
};

static const struct nla_policy vtl_export_conn_policy[VTL_EXPORT_CONN_A_MAX + 1] = {
	[VTL_EXPORT_CONN_A_MODEL] =
		NLA_POLICY_EXACT_LEN(sizeof(struct vtl_export_model)),
	[VTL_EXPORT_CONN_A_SVC] = NLA_POLICY_NESTED(vtl_export_svc_policy),
};

const struct nla_policy vtl_export_policy[VTL_EXPORT_A_MAX + 1] = {
	[VTL_EXPORT_A_PAD] = { .type = NLA_REJECT },
	[VTL_EXPORT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTL_EXPORT_A_VERSION] = { .type = NLA_U32 },
	[VTL_EXPORT_A_MODE] = NLA_POLICY_RANGE(NLA_U32,
					       VTL_PORT_MODE_HOST_ONLY,
					       VTL_PORT_MODE_MAX),
	[VTL_EXPORT_A_MAX_CONNS] = { .type = NLA_U32 },
	[VTL_EXPORT_A_SERVICE] = NLA_POLICY_NESTED(vtl_export_svc_policy),
	[VTL_EXPORT_A_CONN] = NLA_POLICY_NESTED(vtl_export_conn_policy),
};

#ifndef NETLINK_MAX_FMTMSG_LEN
/*
 * Kernels without extack's own buffer (before 6.2): the family's
 * operations are serialised, but the ACK that copies the message is sent
 * after the lock is dropped; a ring of buffers keeps each message until
 * many more requests have failed, far longer than its ACK takes.
 */
#define VTL_IMPORT_MSGS	16
static char vtl_import_msgs[VTL_IMPORT_MSGS][80];
static atomic_t vtl_import_msg_next = ATOMIC_INIT(0);

static char *vtl_import_msg_buf(void)
{
	u32 i = atomic_inc_return(&vtl_import_msg_next);

	return vtl_import_msgs[i % VTL_IMPORT_MSGS];
}
#endif

/* An extended ACK message with the details, pointing at @attr. */
static __printf(3, 4) void vtl_import_err(struct netlink_ext_ack *extack,
					  const struct nlattr *attr,
					  const char *fmt, ...)
{
	va_list ap;

	if (!extack)
		return;
	va_start(ap, fmt);
#ifdef NETLINK_MAX_FMTMSG_LEN
	vsnprintf(extack->_msg_buf, sizeof(extack->_msg_buf), fmt, ap);
	extack->_msg = extack->_msg_buf;
#else
	{
		char *buf = vtl_import_msg_buf();

		vsnprintf(buf, sizeof(vtl_import_msgs[0]), fmt, ap);
		extack->_msg = buf;
	}
#endif
	va_end(ap);
	extack->bad_attr = attr;
}

/* Does service @i take part in exports? */
static bool vtl_export_svc(int i)
{
	return vtl_service(i)->export_policy;
}

/* What changes with any change of what an export of @port says. */
static u32 vtl_export_genid(const struct vtl_port *port)
{
	u32 genid = port->vn->genid;
	int i;

	for (i = 0; i < VTL_SVC_COUNT; i++)
		if (vtl_service(i)->export_genid)
			genid += vtl_service(i)->export_genid(port);
	return genid;
}

/* ------------------------------------------------------------------ */
/* Export */

static void vtl_export_ep_put(struct vtl_export_ep *o, const struct vtl_ep *e)
{
	memcpy(o->mac, e->mac, ETH_ALEN);
	o->wscale = e->wscale;
	o->flags = (e->wscale_ok ? VTL_EXPORT_EP_WSCALE_OK : 0) |
		   (e->sack_ok ? VTL_EXPORT_EP_SACK_OK : 0) |
		   (e->ts_ok ? VTL_EXPORT_EP_TS_OK : 0) |
		   (e->fin ? VTL_EXPORT_EP_FIN : 0);
	o->isn = e->isn;
	o->snd_nxt = e->snd_nxt;
	o->ack = e->ack;
	o->window = e->window;
	o->mss = e->mss;
	o->ip_id = e->ip_id;
	o->ttl = e->ttl;
	o->tsval = e->tsval;
	o->tsecr = e->tsecr;
	o->syn_opts = e->syn_opts;
	o->max_end = e->max_end;
	o->max_win = e->max_win;
	o->packets = e->packets;
	o->bytes = e->bytes;
}

static void vtl_export_model_put(struct vtl_export_model *o,
				 const struct vtl_model *m, u64 now)
{
	int i;

	memset(o, 0, sizeof(*o));
	memcpy(o->vm_addr, m->key.vm_addr, sizeof(o->vm_addr));
	memcpy(o->peer_addr, m->key.peer_addr, sizeof(o->peer_addr));
	o->vm_port = m->key.vm_port;
	o->peer_port = m->key.peer_port;
	o->family = m->key.family;
	o->proto = m->key.proto;
	o->state = m->state;
	o->initiator = m->initiator;
	for (i = 0; i < VTL_EP_COUNT; i++)
		vtl_export_ep_put(&o->ep[i], &m->ep[i]);
	o->age_ns = (s64)(now - m->created) > 0 ? now - m->created : 0;
	o->idle_ns = (s64)(now - m->last_seen) > 0 ? now - m->last_seen : 0;
}

/* What an export dump is at, for vtl_export_conn(). */
struct vtl_export_dump {
	struct sk_buff *skb;
};

static int vtl_export_conn(const struct vtl_model *m, struct vtl_conn *c,
			   u64 now, void *arg)
{
	struct vtl_export_dump *d = arg;
	struct sk_buff *skb = d->skb;
	struct nlattr *nest, *svc, *data;
	struct vtl_export_model *o;
	struct nlattr *model;
	unsigned int len;
	int i, ret = 0;

	nest = nla_nest_start(skb, VTL_EXPORT_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	model = nla_reserve(skb, VTL_EXPORT_CONN_A_MODEL, sizeof(*o));
	if (!model)
		goto err;
	o = nla_data(model);
	vtl_export_model_put(o, m, now);
	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_service(i)->conn_export)
			continue;
		svc = nla_nest_start(skb, VTL_EXPORT_CONN_A_SVC);
		if (!svc || nla_put_u8(skb, VTL_EXPORT_SVC_A_ID, i + 1))
			goto err;
		data = nla_nest_start(skb, VTL_EXPORT_SVC_A_DATA);
		if (!data)
			goto err;
		len = skb->len;
		vtl_conn_lock(c);
		ret = vtl_service(i)->conn_export(skb, c, vtl_conn_ext(c, i));
		vtl_conn_unlock(c);
		if (ret)
			goto err;
		if (skb->len == len) {
			/* Nothing to say. */
			nla_nest_cancel(skb, svc);
			continue;
		}
		nla_nest_end(skb, data);
		nla_nest_end(skb, svc);
	}
	nla_nest_end(skb, nest);
	return 0;

err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * One chunk of service @i, from @cursor on.  Return: 0 when the service is
 * done, -EAGAIN when the chunk is full (the service goes on in another),
 * -EMSGSIZE when the message is (the chunk kept if the cursor moved).
 */
static int vtl_export_chunk(struct sk_buff *skb, const struct vtl_port *port,
			    int i, unsigned long *cursor)
{
	const struct vtl_service *svc = vtl_service(i);
	struct vtl_export_chunk ch = {
		.msg = skb,
		.cursor = *cursor,
	};
	struct nlattr *nest, *data;
	int ret = 0;

	nest = nla_nest_start(skb, VTL_EXPORT_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, VTL_EXPORT_SVC_A_NAME, svc->name) ||
	    nla_put_u8(skb, VTL_EXPORT_SVC_A_ID, i + 1))
		goto err;
	if (svc->port_export) {
		data = nla_nest_start(skb, VTL_EXPORT_SVC_A_DATA);
		if (!data)
			goto err;
		ch.start = skb->len;
		ret = svc->port_export(&ch, port);
		if (ret && ch.cursor == *cursor)
			goto err;
		/* Nothing to say: a chunk without data. */
		if (skb->len == ch.start)
			nla_nest_cancel(skb, data);
		else
			nla_nest_end(skb, data);
		if (ret && vtl_export_chunk_full(&ch))
			ret = -EAGAIN;
	}
	nla_nest_end(skb, nest);
	*cursor = ch.cursor;
	return ret;

err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* The dump's phases, in cb->args[1]. */
enum {
	VTL_EXPORT_HEADER,
	VTL_EXPORT_SERVICES,
	VTL_EXPORT_CONNS,
	VTL_EXPORT_DONE,
};

/* The port's ifindex into cb->args[0]: the only attribute a dump takes. */
int vtl_export_dump_start(struct netlink_callback *cb)
{
	struct nlattr *tb[VTL_EXPORT_A_MAX + 1];
	int ret, i;

	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, VTL_EXPORT_A_MAX,
			  vtl_export_policy, cb->extack);
	if (ret)
		return ret;
	for (i = VTL_EXPORT_A_VERSION; i <= VTL_EXPORT_A_MAX; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(cb->extack, tb[i],
					    "an export request takes the port's ifindex only");
			return -EINVAL;
		}
	}
	if (!tb[VTL_EXPORT_A_IFINDEX]) {
		NL_SET_ERR_MSG(cb->extack, "give the port's ifindex");
		return -EINVAL;
	}
	cb->args[0] = nla_get_u32(tb[VTL_EXPORT_A_IFINDEX]);
	return 0;
}

/*
 * The cursor: cb->args[0] the port's ifindex, [1] the phase, [2] the
 * service, [3] its own cursor, [4] and [5] the connection table's.  One
 * message per call, with as much as fits.  The namespace's and the
 * services' generation numbers go into cb->seq: a dump that spans a change
 * of ports or of the port's configuration is flagged NLM_F_DUMP_INTR.
 */
int vtl_export_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtl_net *vn = vtl_net(sock_net(skb->sk));
	struct vtl_export_dump d = { .skb = skb };
	struct vtl_conntable_cursor cur;
	struct vtl_port *port;
	int ret = 0;
	void *hdr;

	if (cb->args[1] == VTL_EXPORT_DONE)
		return 0;
	rtnl_lock();
	port = vtl_port_find(vn, cb->args[0]);
	if (!port) {
		rtnl_unlock();
		NL_SET_ERR_MSG(cb->extack, "device is not attached");
		return -ENODEV;
	}
	cb->seq = vtl_export_genid(port);
	hdr = vtl_nl_dump_msg(skb, cb, VTL_CMD_PORT_EXPORT);
	if (!hdr) {
		rtnl_unlock();
		return -EMSGSIZE;
	}
	if (cb->args[1] == VTL_EXPORT_HEADER) {
		if (nla_put_u32(skb, VTL_EXPORT_A_VERSION, VTL_EXPORT_VERSION) ||
		    nla_put_u32(skb, VTL_EXPORT_A_MODE, port->mode) ||
		    nla_put_u32(skb, VTL_EXPORT_A_MAX_CONNS,
				vtl_conntable_max(port->conns))) {
			ret = -EMSGSIZE;
			goto out;
		}
		cb->args[1] = VTL_EXPORT_SERVICES;
	}
	while (cb->args[1] == VTL_EXPORT_SERVICES) {
		if (cb->args[2] >= VTL_SVC_COUNT) {
			cb->args[1] = VTL_EXPORT_CONNS;
			break;
		}
		do {
			ret = vtl_export_svc(cb->args[2]) ?
			      vtl_export_chunk(skb, port, cb->args[2],
					       &cb->args[3]) : 0;
		} while (ret == -EAGAIN);
		if (ret)
			goto out;
		cb->args[2]++;
		cb->args[3] = 0;
	}
	cur.bucket = cb->args[4];
	cur.pos = cb->args[5];
	ret = vtl_conntable_walk(port->conns, &cur, vtl_export_conn, &d);
	cb->args[4] = cur.bucket;
	cb->args[5] = cur.pos;
	if (!ret)
		cb->args[1] = VTL_EXPORT_DONE;
out:
	rtnl_unlock();
	/* Nothing fitted an empty message: it never will. */
	if (ret && skb->len <= nlmsg_total_size(GENL_HDRLEN)) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
}

/* ------------------------------------------------------------------ */
/* Import */

/**
 * struct vtl_import - an import being staged
 * @staged: each service's staged state, from its @import_parse
 * @svc_of: the service of each id the export declared, + 1; 0 for none
 * @id_of: the id each service was declared with; 0 for none
 * @conns: the new connections, in no table yet
 * @n: how many of @conns are filled in
 * @max: how many @conns has room for
 */
struct vtl_import {
	void *staged[VTL_SVC_COUNT];
	u8 svc_of[256];
	u8 id_of[VTL_SVC_COUNT];
	struct vtl_conn **conns;
	u32 n;
	u32 max;
};

static void vtl_import_free(struct vtl_import *im)
{
	u32 i;

	for (i = 0; i < VTL_SVC_COUNT; i++)
		if (im->staged[i])
			vtl_service(i)->import_abort(im->staged[i]);
	for (i = 0; im->conns && i < im->n; i++)
		vtl_conntable_conn_free(im->conns[i]);
	kvfree(im->conns);
}

/* Validate a service's data nest against its own policy. */
static int vtl_import_validate(int i, const struct nlattr *data,
			       struct netlink_ext_ack *extack)
{
	const struct vtl_service *svc = vtl_service(i);

	return nla_validate_nested(data, svc->export_maxattr,
				   svc->export_policy, extack);
}

static int vtl_import_service(struct vtl_import *im, const struct nlattr *nla,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_EXPORT_SVC_A_MAX + 1];
	const char *name;
	int i, ret;
	u8 id;

	ret = nla_parse_nested(tb, VTL_EXPORT_SVC_A_MAX, nla,
			       vtl_export_svc_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nla, tb, VTL_EXPORT_SVC_A_NAME) ||
	    NL_REQ_ATTR_CHECK(extack, nla, tb, VTL_EXPORT_SVC_A_ID))
		return -EINVAL;
	name = nla_data(tb[VTL_EXPORT_SVC_A_NAME]);
	id = nla_get_u8(tb[VTL_EXPORT_SVC_A_ID]);
	i = vtl_service_by_name(name);
	if (i < 0) {
		vtl_import_err(extack, tb[VTL_EXPORT_SVC_A_NAME],
			       "service '%s' is not in this vtl.ko", name);
		return -EOPNOTSUPP;
	}
	if (!vtl_export_svc(i)) {
		vtl_import_err(extack, tb[VTL_EXPORT_SVC_A_NAME],
			       "service '%s' of this vtl.ko imports no state",
			       name);
		return -EOPNOTSUPP;
	}
	if ((im->svc_of[id] && im->svc_of[id] != i + 1) ||
	    (im->id_of[i] && im->id_of[i] != id)) {
		vtl_import_err(extack, tb[VTL_EXPORT_SVC_A_ID],
			       "service '%s' declared with two ids, or its id with two services",
			       name);
		return -EINVAL;
	}
	im->svc_of[id] = i + 1;
	im->id_of[i] = id;
	if (tb[VTL_EXPORT_SVC_A_DATA]) {
		ret = vtl_import_validate(i, tb[VTL_EXPORT_SVC_A_DATA], extack);
		if (ret)
			return ret;
	}
	if (!vtl_service(i)->import_parse)
		return 0;
	return vtl_service(i)->import_parse(&im->staged[i],
					    tb[VTL_EXPORT_SVC_A_DATA], extack);
}

/* An endpoint, checked: 0 or -EINVAL. */
static int vtl_import_ep(struct vtl_ep *e, const struct vtl_export_ep *o)
{
	if ((o->flags & ~VTL_EXPORT_EP_FLAGS) ||
	    o->wscale > VTL_MODEL_MAX_WSCALE || o->pad[0] || o->pad[1] ||
	    o->pad[2] || o->pad2)
		return -EINVAL;
	memcpy(e->mac, o->mac, ETH_ALEN);
	e->wscale = o->wscale;
	e->wscale_ok = o->flags & VTL_EXPORT_EP_WSCALE_OK;
	e->sack_ok = o->flags & VTL_EXPORT_EP_SACK_OK;
	e->ts_ok = o->flags & VTL_EXPORT_EP_TS_OK;
	e->fin = o->flags & VTL_EXPORT_EP_FIN;
	e->isn = o->isn;
	e->snd_nxt = o->snd_nxt;
	e->ack = o->ack;
	e->window = o->window;
	e->mss = o->mss;
	e->ip_id = o->ip_id;
	e->ttl = o->ttl;
	e->tsval = o->tsval;
	e->tsecr = o->tsecr;
	e->syn_opts = o->syn_opts;
	e->max_end = o->max_end;
	e->max_win = o->max_win;
	e->packets = o->packets;
	e->bytes = o->bytes;
	return 0;
}

/* A model, checked as vtl_model_key() would have made it: 0 or -EINVAL. */
static int vtl_import_model(struct vtl_model *m,
			    const struct vtl_export_model *o, u64 now)
{
	static const u8 zero[12];
	struct vtl_flow_key *k = &m->key;
	int i;

	switch (o->family) {
	case 4:
		if (memcmp(o->vm_addr + 4, zero, 12) ||
		    memcmp(o->peer_addr + 4, zero, 12) ||
		    o->proto == IPPROTO_ICMPV6)
			return -EINVAL;
		break;
	case 6:
		if (o->proto == IPPROTO_ICMP)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	switch (o->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (o->peer_port)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (o->state >= VTL_CONN_STATE_COUNT || o->initiator >= VTL_EP_COUNT)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	memcpy(k->vm_addr, o->vm_addr, sizeof(k->vm_addr));
	memcpy(k->peer_addr, o->peer_addr, sizeof(k->peer_addr));
	k->vm_port = o->vm_port;
	k->peer_port = o->peer_port;
	k->family = o->family;
	k->proto = o->proto;
	m->state = o->state;
	m->initiator = o->initiator;
	for (i = 0; i < VTL_EP_COUNT; i++)
		if (vtl_import_ep(&m->ep[i], &o->ep[i]))
			return -EINVAL;
	m->created = now - o->age_ns;
	m->last_seen = now - o->idle_ns;
	return 0;
}

/* A service's region of connection @c. */
static int vtl_import_region(struct vtl_import *im, struct vtl_conn *c,
			     const struct nlattr *nla,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_EXPORT_SVC_A_MAX + 1];
	int i, ret;

	ret = nla_parse_nested(tb, VTL_EXPORT_SVC_A_MAX, nla,
			       vtl_export_svc_policy, extack);
	if (ret)
		return ret;
	if (tb[VTL_EXPORT_SVC_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTL_EXPORT_SVC_A_NAME],
				    "a connection's region names its service by id");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nla, tb, VTL_EXPORT_SVC_A_ID) ||
	    NL_REQ_ATTR_CHECK(extack, nla, tb, VTL_EXPORT_SVC_A_DATA))
		return -EINVAL;
	i = im->svc_of[nla_get_u8(tb[VTL_EXPORT_SVC_A_ID])] - 1;
	if (i < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTL_EXPORT_SVC_A_ID],
				    "a connection's region of a service no chunk declared");
		return -EINVAL;
	}
	if (!vtl_service(i)->conn_import) {
		vtl_import_err(extack, tb[VTL_EXPORT_SVC_A_ID],
			       "service '%s' has no region of a connection",
			       vtl_service(i)->name);
		return -EINVAL;
	}
	ret = vtl_import_validate(i, tb[VTL_EXPORT_SVC_A_DATA], extack);
	if (ret)
		return ret;
	return vtl_service(i)->conn_import(vtl_conn_ext(c, i),
					   tb[VTL_EXPORT_SVC_A_DATA], extack);
}

static int vtl_import_conn(struct vtl_import *im, const struct nlattr *nla,
			   u64 now, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTL_EXPORT_CONN_A_MAX + 1];
	struct vtl_export_model o;
	struct vtl_conn *c;
	struct nlattr *a;
	int rem, ret;

	ret = nla_parse_nested(tb, VTL_EXPORT_CONN_A_MAX, nla,
			       vtl_export_conn_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nla, tb, VTL_EXPORT_CONN_A_MODEL))
		return -EINVAL;
	c = vtl_conntable_conn_alloc();
	if (IS_ERR(c)) {
		if (PTR_ERR(c) == -ENOSPC)
			vtl_import_err(extack, nla,
				       "VTL's global limit of connections leaves room for %u of them",
				       im->n);
		return PTR_ERR(c);
	}
	im->conns[im->n++] = c;
	/* Unaligned, in a netlink attribute: copied out. */
	memcpy(&o, nla_data(tb[VTL_EXPORT_CONN_A_MODEL]), sizeof(o));
	if (vtl_import_model(&c->m, &o, now)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTL_EXPORT_CONN_A_MODEL],
				    "not a connection VTL could track");
		return -EINVAL;
	}
	nla_for_each_nested(a, nla, rem) {
		if (nla_type(a) != VTL_EXPORT_CONN_A_SVC)
			continue;
		ret = vtl_import_region(im, c, a, extack);
		if (ret)
			return ret;
	}
	return 0;
}

static int vtl_import_cmp(const void *a, const void *b)
{
	const struct vtl_conn *x = *(const struct vtl_conn * const *)a;
	const struct vtl_conn *y = *(const struct vtl_conn * const *)b;

	return memcmp(&x->m.key, &y->m.key, sizeof(x->m.key));
}

/* The port's max_conns, for a first check before anything is staged. */
static int vtl_import_room(struct genl_info *info, u32 *max)
{
	struct nlattr *ifindex = info->attrs[VTL_EXPORT_A_IFINDEX];
	struct vtl_port *port;

	rtnl_lock();
	port = vtl_port_find(vtl_net(genl_info_net(info)),
			     nla_get_u32(ifindex));
	if (port)
		*max = vtl_conntable_max(port->conns);
	rtnl_unlock();
	if (port)
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, ifindex, "device is not attached");
	return -ENODEV;
}

/*
 * Parse and stage the whole request: as many connections as it holds,
 * if the port's max_conns lets it hold them, and VTL's global limit.
 */
static int vtl_import_stage(struct vtl_import *im, struct genl_info *info)
{
	u64 now = ktime_get_coarse_ns();
	struct nlattr *nla;
	int rem, ret;
	u32 i, max;

	ret = vtl_import_room(info, &max);
	if (ret)
		return ret;
	im->max = 0;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == VTL_EXPORT_A_CONN)
			im->max++;
	if (im->max > max) {
		vtl_import_err(info->extack, NULL,
			       "%u connections, and the port's max-conns is %u",
			       im->max, max);
		return -ENOSPC;
	}
	im->conns = kvmalloc_array(im->max, sizeof(*im->conns),
				   GFP_KERNEL_ACCOUNT);
	if (!im->conns)
		return -ENOMEM;
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		switch (nla_type(nla)) {
		case VTL_EXPORT_A_SERVICE:
			if (im->n) {
				NL_SET_ERR_MSG_ATTR(info->extack, nla,
						    "the services' chunks come before the connections");
				return -EINVAL;
			}
			ret = vtl_import_service(im, nla, info->extack);
			break;
		case VTL_EXPORT_A_CONN:
			ret = vtl_import_conn(im, nla, now, info->extack);
			break;
		default:
			ret = 0;
		}
		if (ret)
			return ret;
		cond_resched();
	}
	/* Two connections of one flow: a table could not hold them. */
	sort(im->conns, im->n, sizeof(*im->conns), vtl_import_cmp, NULL);
	for (i = 1; i < im->n; i++) {
		if (!vtl_import_cmp(&im->conns[i - 1], &im->conns[i])) {
			NL_SET_ERR_MSG(info->extack,
				       "the same connection twice");
			return -EINVAL;
		}
	}
	return 0;
}

/* Does the staged import fit @port?  Context: RTNL. */
static int vtl_import_fits(struct vtl_import *im, struct vtl_port *port,
			   struct genl_info *info)
{
	struct nlattr *mode = info->attrs[VTL_EXPORT_A_MODE];
	u32 max = vtl_conntable_max(port->conns);

	if (nla_get_u32(mode) != port->mode) {
		vtl_import_err(info->extack, mode,
			       "exported from a %s port, not a %s one",
			       vtl_port_mode_name(nla_get_u32(mode)),
			       vtl_port_mode_name(port->mode));
		return -EINVAL;
	}
	if (im->n > max) {
		vtl_import_err(info->extack, NULL,
			       "%u connections, and the port's max-conns is %u",
			       im->n, max);
		return -ENOSPC;
	}
	return 0;
}

/**
 * vtl_import_doit() - %VTL_CMD_PORT_IMPORT
 * @skb: the request
 * @info: its attributes
 *
 * Context: process; takes RTNL.
 * Return: 0, or a negative errno with the port as it was.
 */
int vtl_import_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ver = info->attrs[VTL_EXPORT_A_VERSION];
	struct vtl_import im = {};
	struct vtl_port *port;
	int i, ret;

	if (GENL_REQ_ATTR_CHECK(info, VTL_EXPORT_A_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, VTL_EXPORT_A_VERSION) ||
	    GENL_REQ_ATTR_CHECK(info, VTL_EXPORT_A_MODE))
		return -EINVAL;
	if (nla_get_u32(ver) != VTL_EXPORT_VERSION) {
		vtl_import_err(info->extack, ver,
			       "export format version %u, and this vtl.ko reads version %u",
			       nla_get_u32(ver), VTL_EXPORT_VERSION);
		return -EPROTONOSUPPORT;
	}
	ret = vtl_import_stage(&im, info);
	if (ret)
		goto out;

	rtnl_lock();
	port = vtl_port_find(vtl_net(genl_info_net(info)),
			     nla_get_u32(info->attrs[VTL_EXPORT_A_IFINDEX]));
	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VTL_EXPORT_A_IFINDEX],
				    "device is not attached");
		ret = -ENODEV;
		goto out_unlock;
	}
	ret = vtl_import_fits(&im, port, info);
	for (i = 0; !ret && i < VTL_SVC_COUNT; i++)
		if (vtl_export_svc(i) && vtl_service(i)->import_prepare)
			ret = vtl_service(i)->import_prepare(im.staged[i], port,
							     info->extack);
	if (ret)
		goto out_unlock;
	/* Nothing fails from here on. */
	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_export_svc(i))
			continue;
		vtl_service(i)->import_commit(im.staged[i], port);
		im.staged[i] = NULL;
	}
	vtl_conntable_replace(port->conns, im.conns, im.n);
	im.n = 0;
out_unlock:
	rtnl_unlock();
out:
	vtl_import_free(&im);
	return ret;
}
