// SPDX-License-Identifier: GPL-2.0
/*
 * The service API's framework side: the table of services (services.h),
 * their per-port state and counters, their netlink operations and port
 * attributes, their regions of each connection, and the way back for the
 * frames they answer with.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "conntable.h"
#include "datapath.h"
#include "port.h"
#include "service.h"
#include "skb.h"

struct workqueue_struct *vtl_wq __read_mostly;
unsigned long vtl_services_tracking[2] __ro_after_init;

/* In the order of enum vtl_svc_id, as both follow services.h. */
#define VTL_SERVICE(name) (&vtl_##name##_service),
static const struct vtl_service * const vtl_services[VTL_SVC_COUNT] = {
#include "services.h"
};

#undef VTL_SERVICE

/*
 * Where each service's region starts in a connection (vtl_conn_ext()), 0
 * for none, and where the regions end: set once at load time.
 */
static u16 vtl_conn_ext_off[VTL_SVC_COUNT] __ro_after_init;
static u16 vtl_conn_ext_start __ro_after_init;
static u16 vtl_conn_ext_end __ro_after_init;

/**
 * vtl_services_conn_layout() - lay out the services' regions of a connection
 * @base: the size of &struct vtl_conn itself
 * @size: set to the size of a connection with every region, @base if no
 *	service asked for one
 *
 * Each region is 8-byte aligned, in the order of services.h, after @base.
 *
 * Context: module init, before the first connection.
 * Return: 0, or -EINVAL if the regions would take more than a page.
 */
int __init vtl_services_conn_layout(size_t base, size_t *size)
{
	size_t end = ALIGN(base, 8);
	int i;

	vtl_conn_ext_start = end;
	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_services[i]->conn_size)
			continue;
		if (end + ALIGN(vtl_services[i]->conn_size, 8) > PAGE_SIZE) {
			pr_err("%s: a connection would take more than a page\n",
			       vtl_services[i]->name);
			return -EINVAL;
		}
		vtl_conn_ext_off[i] = end;
		end += ALIGN(vtl_services[i]->conn_size, 8);
	}
	vtl_conn_ext_end = end;
	*size = end > vtl_conn_ext_start ? end : base;
	return 0;
}

/**
 * vtl_services_conn_init() - zero the services' regions of a new connection
 * @c: the connection, not yet published
 */
void vtl_services_conn_init(struct vtl_conn *c)
{
	memset((u8 *)c + vtl_conn_ext_start, 0,
	       vtl_conn_ext_end - vtl_conn_ext_start);
}

/**
 * vtl_services_conn_destroy() - let the services release a connection's
 * regions
 * @c: the connection, which no reader holds any more
 *
 * Context: any; does not sleep.
 */
void vtl_services_conn_destroy(struct vtl_conn *c)
{
	int i;

	for (i = 0; i < VTL_SVC_COUNT; i++)
		if (vtl_conn_ext_off[i] && vtl_services[i]->conn_destroy)
			vtl_services[i]->conn_destroy(c, vtl_conn_ext(c, i));
}

/**
 * vtl_conn_ext() - a service's region of a connection
 * @c: the connection
 * @id: the service, which asked for a region (&struct vtl_service.conn_size)
 *
 * Context: the region is guarded by @c's lock (vtl_conn_lock()).
 * Return: the region, or NULL if the service has none.
 */
void *vtl_conn_ext(struct vtl_conn *c, enum vtl_svc_id id)
{
	return vtl_conn_ext_off[id] ? (u8 *)c + vtl_conn_ext_off[id] : NULL;
}

/**
 * vtl_service() - a service, by its index
 * @id: the index, below %VTL_SVC_COUNT
 *
 * Return: the service.
 */
const struct vtl_service *vtl_service(enum vtl_svc_id id)
{
	return vtl_services[id];
}

/**
 * vtl_service_by_name() - a service's index, from its name
 * @name: the name
 *
 * Return: the index, or -ENOENT if the module has no such service.
 */
int vtl_service_by_name(const char *name)
{
	int i;

	for (i = 0; i < VTL_SVC_COUNT; i++)
		if (!strcmp(vtl_services[i]->name, name))
			return i;
	return -ENOENT;
}

/**
 * vtl_services_net_init() - set up every service's state of a namespace
 * @vn: the new instance
 *
 * Return: 0 or a negative errno, after undoing what was done.
 */
int vtl_services_net_init(struct vtl_net *vn)
{
	int i, ret;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_services[i]->net_init)
			continue;
		ret = vtl_services[i]->net_init(vn);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		if (vtl_services[i]->net_exit)
			vtl_services[i]->net_exit(vn);
	return ret;
}

/**
 * vtl_services_net_exit() - free every service's state of a namespace
 * @vn: the instance, without ports
 */
void vtl_services_net_exit(struct vtl_net *vn)
{
	int i;

	for (i = VTL_SVC_COUNT - 1; i >= 0; i--)
		if (vtl_services[i]->net_exit)
			vtl_services[i]->net_exit(vn);
}

/* Free what the framework allocated for service @i of @port. */
static void vtl_service_port_release(struct vtl_port *port, int i)
{
	kfree(port->svc[i]);
	port->svc[i] = NULL;
	free_percpu(port->counters[i]);
	port->counters[i] = NULL;
}

/* Set up service @i's state of @port: its slot, its counters, its init. */
static int vtl_service_port_init(struct vtl_port *port, int i)
{
	const struct vtl_service *svc = vtl_services[i];
	int ret;

	if (svc->port_size) {
		port->svc[i] = kzalloc(svc->port_size, GFP_KERNEL_ACCOUNT);
		if (!port->svc[i])
			return -ENOMEM;
	}
	if (svc->n_counters) {
		port->counters[i] = vtl_counters_alloc();
		if (!port->counters[i]) {
			ret = -ENOMEM;
			goto err;
		}
	}
	if (svc->port_init) {
		ret = svc->port_init(port);
		if (ret)
			goto err;
	}
	return 0;

err:
	vtl_service_port_release(port, i);
	return ret;
}

/* Free service @i's state of @port: what its init set up, then the rest. */
static void vtl_service_port_free(struct vtl_port *port, int i)
{
	if (vtl_services[i]->port_free)
		vtl_services[i]->port_free(port);
	vtl_service_port_release(port, i);
}

/**
 * vtl_services_port_init() - set up every service's state of a new port
 * @port: the port, not yet seen by the data path
 *
 * Context: process, RTNL.
 * Return: 0 or a negative errno, after undoing what was done.
 */
int vtl_services_port_init(struct vtl_port *port)
{
	int i, ret;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		ret = vtl_service_port_init(port, i);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		vtl_service_port_free(port, i);
	return ret;
}

/**
 * vtl_services_port_uninit() - tell every service a port is going
 * @port: the port, detached from the data path
 *
 * Context: process, RTNL.
 */
void vtl_services_port_uninit(struct vtl_port *port)
{
	int i;

	for (i = VTL_SVC_COUNT - 1; i >= 0; i--)
		if (vtl_services[i]->port_uninit)
			vtl_services[i]->port_uninit(port);
}

/**
 * vtl_services_port_free() - free every service's state of a port
 * @port: the port, which the data path no longer holds
 *
 * Context: any; does not sleep.
 */
void vtl_services_port_free(struct vtl_port *port)
{
	int i;

	for (i = VTL_SVC_COUNT - 1; i >= 0; i--)
		vtl_service_port_free(port, i);
}

/**
 * vtl_services_frame() - hand a frame to the services that see it
 * @f: the frame
 * @svcs: those services, one bit each by &enum vtl_svc_id, as the data
 *	path read them once from @f->port->svc_frames
 *
 * Context: softirq, RCU read side.
 * Return: the first verdict other than %VTL_PASS, else %VTL_PASS.
 */
enum vtl_verdict vtl_services_frame(struct vtl_frame *f, unsigned long svcs)
{
	enum vtl_verdict v;
	unsigned int i;

	/* In the order of services.h: the lowest bit first. */
	while (svcs) {
		i = __ffs(svcs);
		svcs &= svcs - 1;
		v = vtl_services[i]->frame(f);
		if (v != VTL_PASS)
			return v;
	}
	return VTL_PASS;
}

/**
 * vtl_service_frames() - say which of a port's frames a service sees
 * @port: the port
 * @id: the service
 * @dirs: %VTL_SVC_TO_VM, %VTL_SVC_FROM_VM, both or 0
 *
 * A service calls it when its configuration of @port changes: the frames
 * of the directions in @dirs meet its &struct vtl_service.frame, the
 * others pass it by.  A frame already on its way may still see the old
 * set: a service must take (and pass) any frame whatever it said, as a
 * frame that arrived just before the change.
 *
 * Context: any.
 */
void vtl_service_frames(struct vtl_port *port, enum vtl_svc_id id,
			unsigned int dirs)
{
	assign_bit(id, &port->svc_frames[0], dirs & VTL_SVC_TO_VM);
	assign_bit(id, &port->svc_frames[1], dirs & VTL_SVC_FROM_VM);
}

/**
 * vtl_service_conns() - say whether a service needs a port's connections
 * @port: the port
 * @id: the service
 * @need: it needs the state of the port's frames' connections
 *	(&struct vtl_frame.ct_state, vtl_frame_conn()); else it no longer
 *	does
 *
 * See vtl_port_track().  A service that starts needing them says so before
 * its configuration that does is published, and stops after.
 *
 * Context: process, RTNL; may sleep.
 */
void vtl_service_conns(struct vtl_port *port, enum vtl_svc_id id, bool need)
{
	vtl_port_track(port, id, need);
}

/**
 * vtl_services_fill_port() - every service's attributes of a port
 * @msg: the netlink message being built
 * @port: the port
 *
 * Context: RTNL.
 * Return: 0 or -EMSGSIZE.
 */
int vtl_services_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	int i, ret;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		ret = vtl_services[i]->fill_port(msg, port);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vtl_services_port_set() - hand a %VTL_CMD_PORT_SET request to the services
 * @port: the port
 * @attrs: the request's attributes, validated against the port policy
 * @extack: for the reason of a failure
 *
 * Each service applies its own settings.  A failure stops there: the
 * services before have applied theirs (the policy validates every value,
 * so only resources can fail).
 *
 * Context: process, RTNL.
 * Return: 0 or a negative errno.
 */
int vtl_services_port_set(struct vtl_port *port, struct nlattr **attrs,
			  struct netlink_ext_ack *extack)
{
	int i, ret;

	ASSERT_RTNL();
	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_services[i]->port_set)
			continue;
		ret = vtl_services[i]->port_set(port, attrs, extack);
		if (ret)
			return ret;
	}
	return 0;
}

/* The port attributes the services take in %VTL_CMD_PORT_SET: set at load. */
static DECLARE_BITMAP(vtl_port_settings, VTL_PORT_A_MAX + 1) __ro_after_init;

/**
 * vtl_services_port_policy() - merge the services' port attributes' policy
 * @policy: the port policy, &enum vtl_port_attr
 *
 * Also notes which of them are settings (the attributes a service's policy
 * takes, not those it rejects), for vtl_services_port_setting().
 *
 * Context: module init, before the family is registered.
 */
void __init vtl_services_port_policy(struct nla_policy *policy)
{
	const struct nla_policy *p;
	unsigned int i, a;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		p = vtl_services[i]->port_policy;
		for (a = 0; p && a <= VTL_PORT_A_MAX; a++) {
			if (!memchr_inv(&p[a], 0, sizeof(p[a])))
				continue;
			memcpy(&policy[a], &p[a], sizeof(p[a]));
			if (p[a].type != NLA_REJECT)
				__set_bit(a, vtl_port_settings);
		}
	}
}

/**
 * vtl_services_port_setting() - a service's setting in a request
 * @attrs: the request's attributes, &enum vtl_port_attr
 *
 * A service's settings go with %VTL_CMD_PORT_SET: a new port starts with
 * none.
 *
 * Return: the first such attribute in @attrs, or NULL.
 */
const struct nlattr *vtl_services_port_setting(struct nlattr **attrs)
{
	unsigned int a;

	for_each_set_bit(a, vtl_port_settings, VTL_PORT_A_MAX + 1)
		if (attrs[a])
			return attrs[a];
	return NULL;
}

/* How many generic netlink operations the services bring. */
unsigned int __init vtl_services_n_ops(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VTL_SVC_COUNT; i++)
		n += vtl_services[i]->n_ops;
	return n;
}

/**
 * vtl_services_copy_ops() - the services' operations, one after another
 * @to: room for vtl_services_n_ops() of them
 *
 * Context: module init, before the family is registered.
 */
void __init vtl_services_copy_ops(struct genl_ops *to)
{
	unsigned int i;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (!vtl_services[i]->n_ops)
			continue;
		memcpy(to, vtl_services[i]->ops,
		       vtl_services[i]->n_ops * sizeof(*to));
		to += vtl_services[i]->n_ops;
	}
}

static void vtl_frame_xmit(struct sk_buff *skb, struct net_device *dev,
			   struct vtl_pcpu_stats __percpu *stats)
{
	unsigned int len = skb->len;
	int ret;

	skb->dev = dev;
	/* net_xmit_eval() evaluates its argument twice. */
	ret = dev_queue_xmit(skb);
	if (net_xmit_eval(ret) == NET_XMIT_SUCCESS)
		vtl_stats_tx(stats, len);
}

/**
 * vtl_frame_reply() - send a frame back to where @f came from
 * @f: the frame being answered
 * @reply: a whole Ethernet frame at skb->data (as skb.h's builders make
 *	them), addressed to @f's sender; consumed
 *
 * To the VM, @reply goes out of the port's device; to the network, out of
 * a standalone port's uplink or, in bridge mode, into the bridge as if the
 * VM had sent it, so the bridge delivers it wherever @f came from, the
 * host included.  In host-only mode nothing reaches the VM from the
 * network, so nothing is answered that way.  A reply sent out of a device
 * is tracked like a frame passing the port; one handed to the bridge is
 * tracked on its way in.
 *
 * Context: softirq, RCU read side.
 */
void vtl_frame_reply(const struct vtl_frame *f, struct sk_buff *reply)
{
	struct vtl_port *port = f->port;
	struct vtl_pkt pkt;

	if (!f->from_vm && port->mode == VTL_PORT_MODE_BRIDGE) {
		reply->protocol = eth_type_trans(reply, port->dev);
		netif_rx(reply);
		return;
	}
	if (!f->from_vm && port->mode != VTL_PORT_MODE_STANDALONE) {
		kfree_skb(reply);
		return;
	}
	if (vtl_port_tracks(port) && !vtl_skb_parse(reply, &pkt))
		vtl_conntable_track(port->conns, &pkt, !f->from_vm);
	if (f->from_vm)
		vtl_frame_xmit(reply, port->dev, port->stats);
	else
		vtl_frame_xmit(reply, port->peer, port->peer_stats);
}

/**
 * vtl_frame_conn() - a frame's connection
 * @f: the frame
 *
 * The caller reads and writes the connection's model (@c->m) and the
 * services' regions (vtl_conn_ext()) under vtl_conn_lock(); it must not
 * send a frame of the port while holding it, as sending one updates the
 * model under the same lock.
 *
 * Context: softirq, RCU read side, which keeps the connection.
 * Return: the connection, or NULL if the port does not track it.
 */
struct vtl_conn *vtl_frame_conn(const struct vtl_frame *f)
{
	return f->ct ? vtl_conntable_find(f->port->conns, f->ct) : NULL;
}

/**
 * vtl_frame_redirect() - send a frame into another port's VM
 * @f: the frame, from @f->port's VM
 * @out: another port of the namespace
 *
 * The frame enters @out as a frame to its VM: @out's services and
 * connection table see it, then it goes out of @out's device.  On success
 * the frame is gone and the caller returns %VTL_STOLEN.
 *
 * Context: softirq, RCU read side.
 * Return: true if the frame was taken (sent, or dropped by @out's
 * services or on the way out and counted there); false if @out cannot take
 * it (its device is down), and the frame is still the caller's.
 */
bool vtl_frame_redirect(struct vtl_frame *f, struct vtl_port *out)
{
	if (unlikely(!netif_running(out->dev) || !netif_carrier_ok(out->dev)))
		return false;
	vtl_dp_deliver(out, f->skb);
	return true;
}

int __init vtl_services_init(void)
{
	int i;

	/* A port's services are bits of a word, and so is its own tracking. */
	BUILD_BUG_ON(VTL_CT_USER_PORT >= BITS_PER_LONG);
	for (i = 0; i < VTL_SVC_COUNT; i++) {
		if (vtl_services[i]->n_counters > VTL_COUNTERS_MAX) {
			pr_err("%s: more than %d counters a port\n",
			       vtl_services[i]->name, VTL_COUNTERS_MAX);
			return -EINVAL;
		}
		if (vtl_services[i]->track_frames & VTL_SVC_TO_VM)
			__set_bit(i, &vtl_services_tracking[0]);
		if (vtl_services[i]->track_frames & VTL_SVC_FROM_VM)
			__set_bit(i, &vtl_services_tracking[1]);
	}
	vtl_wq = alloc_workqueue("vtl", WQ_UNBOUND, 0);
	return vtl_wq ? 0 : -ENOMEM;
}

/* Context: after every port is freed and rcu_barrier(); drains the queue. */
void vtl_services_uninit(void)
{
	destroy_workqueue(vtl_wq);
}
