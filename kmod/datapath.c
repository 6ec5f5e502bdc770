// SPDX-License-Identifier: GPL-2.0
/*
 * The data path.
 *
 * Host-only and standalone ports own their devices' rx_handler: every frame
 * the VM sends (and, standalone, every frame the uplink receives) is VTL's.
 * A bridge-mode port leaves the rx_handler to the bridge and sees the VM's
 * frames through netfilter bridge hooks registered in its namespace while it
 * has at least one bridge-mode port.
 *
 * Every frame through a port, either way, is parsed once, its connection
 * state taken from the port's table, and handed to the services
 * (service.h), which may drop it; a frame they pass then creates the
 * connection it starts.  Each step only if the port uses it: the
 * services that asked for the frame's direction, the table while the port
 * tracks; a frame with nothing to meet is not parsed.
 *
 * Everything here runs in softirq context under RCU and never sleeps.
 */
#include <linux/etherdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "conntable.h"
#include "datapath.h"
#include "port.h"
#include "service.h"
#include "skb.h"

/* Bytes of a frame as it is on the wire, from the Ethernet header on. */
static unsigned int vtl_frame_len(const struct sk_buff *skb)
{
	if (unlikely(!skb_mac_header_was_set(skb)))
		return skb->len;
	return skb->len - skb_mac_offset(skb);
}

/*
 * Run a frame through the port's pipeline: parse, connection state, the
 * services, then the connection it starts.  @skb must not be shared:
 * parsing may pull headers into its linear area, which changes no byte of
 * the frame.
 */
static enum vtl_verdict vtl_dp_process(struct vtl_port *port,
				       struct sk_buff *skb, bool from_vm)
{
	unsigned long svcs = READ_ONCE(port->svc_frames[from_vm]);
	bool track = vtl_port_tracks(port);
	struct vtl_frame f;
	enum vtl_verdict verdict;
	struct vtl_ct ct;

	if (track)
		svcs |= vtl_services_tracking[from_vm];
	else if (!svcs)
		return VTL_PASS;
	f = (struct vtl_frame){
		.port = port,
		.skb = skb,
		.from_vm = from_vm,
		.len = vtl_frame_len(skb),
	};
	if (vtl_skb_parse(skb, &f.pkt))
		f.pkt.flags = 0;
	track = track && (f.pkt.flags & VTL_PKT_IP);
	if (track) {
		f.ct_state = vtl_conntable_classify(port->conns, &f.pkt,
						    from_vm, &ct);
		f.ct = &ct;
	}
	verdict = svcs ? vtl_services_frame(&f, svcs) : VTL_PASS;
	if (verdict != VTL_DROP && track)
		vtl_conntable_confirm(port->conns, &ct, &f.pkt, from_vm);
	return verdict;
}

/*
 * Send a frame VTL took in from @in (counted in @in_stats) out of @out: the
 * patch cable of a standalone port, or a service's redirect.  skb->data is
 * at the Ethernet header.
 */
static void vtl_dp_forward(struct sk_buff *skb, struct net_device *out,
			   struct vtl_pcpu_stats __percpu *in_stats,
			   struct vtl_pcpu_stats __percpu *out_stats)
{
	unsigned int len;
	int ret;

	if (unlikely(!netif_running(out) || !netif_carrier_ok(out)))
		goto drop;
	if (unlikely(!is_skb_forwardable(out, skb)))
		goto drop;
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb->dev = out;
	len = skb->len;
	ret = dev_queue_xmit(skb);
	if (likely(net_xmit_eval(ret) == NET_XMIT_SUCCESS))
		vtl_stats_tx(out_stats, len);
	else
		vtl_stats_drop(in_stats);
	return;

drop:
	vtl_stats_drop(in_stats);
	kfree_skb(skb);
}

static rx_handler_result_t vtl_dp_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct vtl_port *port = rcu_dereference(skb->dev->rx_handler_data);
	bool from_vm = skb->dev == port->dev;
	struct vtl_pcpu_stats __percpu *in_stats;

	/* Our own transmissions looped back by a packet socket. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	in_stats = from_vm ? port->stats : port->peer_stats;
	vtl_stats_rx(in_stats, vtl_frame_len(skb));

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		vtl_stats_drop(in_stats);
		return RX_HANDLER_CONSUMED;
	}
	/* From the uplink of a standalone port is to the VM. */
	switch (vtl_dp_process(port, skb, from_vm)) {
	case VTL_PASS:
		break;
	case VTL_DROP:
		vtl_stats_drop(in_stats);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	case VTL_STOLEN:
		return RX_HANDLER_CONSUMED;
	}
	skb_push(skb, skb->mac_len);

	switch (port->mode) {
	case VTL_PORT_MODE_STANDALONE:
		if (from_vm)
			vtl_dp_forward(skb, port->peer, in_stats,
				       port->peer_stats);
		else
			vtl_dp_forward(skb, port->dev, in_stats, port->stats);
		break;
	default:
		/*
		 * Host-only: nothing leaves unless a service produces it, and
		 * no service claimed this frame.
		 */
		vtl_stats_drop(in_stats);
		kfree_skb(skb);
		break;
	}
	return RX_HANDLER_CONSUMED;
}

/**
 * vtl_dp_deliver() - send a frame into a port's VM through its pipeline
 * @port: the port
 * @skb: a whole frame, not shared, its MAC header set at or before
 *	skb->data; consumed
 *
 * The frame meets @port's services and table as a frame to the VM, then
 * leaves through @port's device, counted there (or dropped, and counted).
 *
 * Context: softirq, RCU read side.
 */
void vtl_dp_deliver(struct vtl_port *port, struct sk_buff *skb)
{
	skb_push(skb, skb->data - skb_mac_header(skb));
	switch (vtl_dp_process(port, skb, false)) {
	case VTL_PASS:
		vtl_dp_forward(skb, port->dev, port->stats, port->stats);
		break;
	case VTL_DROP:
		vtl_stats_drop(port->stats);
		kfree_skb(skb);
		break;
	case VTL_STOLEN:
		break;
	}
}

/*
 * Run a frame of a bridge-mode port through its pipeline: the netfilter
 * verdict.  The bridge hands each port an skb of its own (it unshares what
 * it receives and clones what it floods); a shared one is let through.
 */
static unsigned int vtl_dp_br_process(struct vtl_port *port,
				      struct sk_buff *skb, bool from_vm)
{
	if (unlikely(skb_shared(skb)))
		return NF_ACCEPT;
	switch (vtl_dp_process(port, skb, from_vm)) {
	case VTL_DROP:
		vtl_stats_drop(port->stats);
		return NF_DROP;
	case VTL_STOLEN:
		return NF_STOLEN;
	default:
		return NF_ACCEPT;
	}
}

/*
 * The bridge-mode port of @dev, or NULL: the hooks see every frame of
 * every bridge port of the namespace, most of them not VTL's, so this is
 * the namespace's hash of ports looked up inline, by the device itself
 * (vtl_port_find_rcu() compares each port's device's ifindex: a read of
 * another device for every entry of the bucket).
 */
static struct vtl_port *vtl_dp_br_port(struct vtl_net *vn,
				       const struct net_device *dev)
{
	struct vtl_port *port;

	hash_for_each_possible_rcu(vn->port_hash, port, hnode, dev->ifindex)
		if (port->dev == dev)
			return port->mode == VTL_PORT_MODE_BRIDGE ? port : NULL;
	return NULL;
}

/* A frame from a bridge-mode port's VM, entering the bridge. */
static unsigned int vtl_dp_br_from_vm(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct vtl_port *port = vtl_dp_br_port(priv, state->in);

	if (!port)
		return NF_ACCEPT;
	vtl_stats_rx(port->stats, vtl_frame_len(skb));
	return vtl_dp_br_process(port, skb, true);
}

/* A frame the bridge sends out of a bridge-mode port, to its VM. */
static unsigned int vtl_dp_br_to_vm(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct vtl_port *port = vtl_dp_br_port(priv, state->out);
	unsigned int verdict;

	if (!port)
		return NF_ACCEPT;
	verdict = vtl_dp_br_process(port, skb, false);
	if (verdict == NF_ACCEPT)
		vtl_stats_tx(port->stats, vtl_frame_len(skb));
	return verdict;
}

static const struct nf_hook_ops vtl_dp_br_ops[] = {
	{
		.hook = vtl_dp_br_from_vm,
		.pf = NFPROTO_BRIDGE,
		.hooknum = NF_BR_PRE_ROUTING,
		.priority = VTL_BR_PRI_FROM_VM,
	},
	{
		.hook = vtl_dp_br_to_vm,
		.pf = NFPROTO_BRIDGE,
		.hooknum = NF_BR_POST_ROUTING,
		.priority = VTL_BR_PRI_TO_VM,
	},
};

static int vtl_dp_br_get(struct vtl_net *vn)
{
	struct nf_hook_ops *ops;
	int ret;
	int i;

	if (vn->nbridge++)
		return 0;
	ops = kmemdup(vtl_dp_br_ops, sizeof(vtl_dp_br_ops), GFP_KERNEL);
	if (!ops) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < ARRAY_SIZE(vtl_dp_br_ops); i++)
		ops[i].priv = vn;
	ret = nf_register_net_hooks(vn->net, ops, ARRAY_SIZE(vtl_dp_br_ops));
	if (ret) {
		kfree(ops);
		goto err;
	}
	vn->br_ops = ops;
	return 0;

err:
	vn->nbridge--;
	return ret;
}

static void vtl_dp_br_put(struct vtl_net *vn)
{
	if (--vn->nbridge)
		return;
	/* Waits for every hook in flight: nobody uses the ops after. */
	nf_unregister_net_hooks(vn->net, vn->br_ops,
				ARRAY_SIZE(vtl_dp_br_ops));
	kfree(vn->br_ops);
	vn->br_ops = NULL;
}

/**
 * vtl_dp_attach() - start taking a port's frames
 * @port: the port, fully set up; it is not yet in its namespace's table
 * @extack: for the reason of a failure
 *
 * Context: RTNL.
 * Return: 0 or a negative errno.
 */
int vtl_dp_attach(struct vtl_port *port, struct netlink_ext_ack *extack)
{
	int ret;

	ASSERT_RTNL();
	if (port->mode == VTL_PORT_MODE_BRIDGE) {
		ret = vtl_dp_br_get(port->vn);
		if (ret)
			NL_SET_ERR_MSG(extack, "cannot register bridge hooks");
		return ret;
	}

	ret = netdev_rx_handler_register(port->dev, vtl_dp_rx_handler, port);
	if (ret) {
		NL_SET_ERR_MSG(extack, "device rx_handler is busy");
		return ret;
	}
	if (port->peer) {
		ret = netdev_rx_handler_register(port->peer, vtl_dp_rx_handler,
						 port);
		if (ret) {
			NL_SET_ERR_MSG(extack, "peer rx_handler is busy");
			netdev_rx_handler_unregister(port->dev);
			return ret;
		}
	}
	return 0;
}

/**
 * vtl_dp_detach() - stop taking a port's frames
 * @port: the port
 *
 * Context: RTNL.  When it returns no rx_handler runs for the port any more;
 * a bridge hook may still hold it until the next RCU grace period.
 */
void vtl_dp_detach(struct vtl_port *port)
{
	ASSERT_RTNL();
	if (port->mode == VTL_PORT_MODE_BRIDGE) {
		vtl_dp_br_put(port->vn);
		return;
	}
	if (port->peer)
		netdev_rx_handler_unregister(port->peer);
	netdev_rx_handler_unregister(port->dev);
}
