// SPDX-License-Identifier: GPL-2.0
/*
 * The service API's framework side: the table of services, their per-port
 * state, and the way back for the frames they answer with.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "conntable.h"
#include "datapath.h"
#include "port.h"
#include "service.h"
#include "skb.h"

#include "ring.h"
#include "../services/firewall/firewall.h"
#include "../services/persist/persist.h"
#include "../services/rewrite/rewrite.h"
#include "../services/socks/socks.h"

struct workqueue_struct *vtl_wq __read_mostly;

static const struct vtl_service * const vtl_services[VTL_SVC_COUNT] = {
	[VTL_SVC_FIREWALL] = &vtl_firewall_service,
	[VTL_SVC_PERSIST] = &vtl_persist_service,
	[VTL_SVC_REWRITE] = &vtl_rewrite_service,
	[VTL_SVC_SOCKS] = &vtl_socks_service,
	[VTL_SVC_RING] = &vtl_ring_service,
};

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
		ret = vtl_services[i]->port_init(port);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		vtl_services[i]->port_free(port);
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
		vtl_services[i]->port_free(port);
}

/**
 * vtl_services_frame() - hand a frame to every service in turn
 * @f: the frame
 *
 * Context: softirq, RCU read side.
 * Return: the first verdict other than %VTL_PASS, else %VTL_PASS.
 */
enum vtl_verdict vtl_services_frame(struct vtl_frame *f)
{
	enum vtl_verdict v;
	int i;

	for (i = 0; i < VTL_SVC_COUNT; i++) {
		v = vtl_services[i]->frame(f);
		if (v != VTL_PASS)
			return v;
	}
	return VTL_PASS;
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
	if (!vtl_skb_parse(reply, &pkt))
		vtl_conntable_track(port->conns, &pkt, !f->from_vm);
	if (f->from_vm)
		vtl_frame_xmit(reply, port->dev, port->stats);
	else
		vtl_frame_xmit(reply, port->peer, port->peer_stats);
}

/**
 * vtl_frame_model() - a copy of the state model of a frame's connection
 * @f: the frame
 * @m: set to the model, the frame included
 *
 * Context: softirq, RCU read side.
 * Return: true if the port tracks the frame's connection, else false.
 */
bool vtl_frame_model(const struct vtl_frame *f, struct vtl_model *m)
{
	return f->ct && vtl_conntable_get(f->port->conns, f->ct, m);
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
	vtl_wq = alloc_workqueue("vtl", WQ_UNBOUND, 0);
	return vtl_wq ? 0 : -ENOMEM;
}

/* Context: after every port is freed and rcu_barrier(); drains the queue. */
void vtl_services_uninit(void)
{
	destroy_workqueue(vtl_wq);
}
