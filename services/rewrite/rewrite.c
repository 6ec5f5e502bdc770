// SPDX-License-Identifier: GPL-2.0
/*
 * Rewrite: the data path.  Each IP frame a VM sends is looked up by its
 * destination address in its port's rules (longest prefix first); a match
 * rewrites its MAC addresses, and its IP addresses where the rule says so
 * (skb.h keeps every checksum right), then either lets it go its way or
 * sends it straight into another port's VM.  This is the paper's subnet
 * tunneling (Figure 6): two VMs on different subnets behind a slow routed
 * path talk directly, and neither notices.
 *
 * Frames to a VM are not rewritten: the rules act where a VM's traffic
 * enters the network, as the paper's VTL does.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "port.h"
#include "skb.h"

#include "rewrite.h"
#include "rw_rules.h"
#include "tunnel.h"

static struct vtl_rw_port *vtl_rw_port(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_rewrite_id);
}

enum vtl_rw_counter {
	VTL_RW_REWRITTEN,
	VTL_RW_FORWARDED,
	VTL_RW_FAILED,
	VTL_RW_COUNTERS
};

static void vtl_rw_count(struct vtl_rw_port *rp, enum vtl_rw_counter which)
{
	vtl_counter_inc(rp->stats, which);
}

/* The frame's destination address, 16 bytes (IPv4 in the first 4). */
static void vtl_rw_daddr(const struct vtl_pkt *pkt, u8 *daddr)
{
	memset(daddr, 0, 16);
	if (pkt->flags & VTL_PKT_IPV4) {
		__be32 a = vtl_pkt_ip4_daddr(pkt);

		memcpy(daddr, &a, 4);
	} else {
		memcpy(daddr, vtl_pkt_ip6_daddr(pkt), 16);
	}
}

/* Apply @r to @f's frame; 0 or a negative errno, the frame unchanged. */
static int vtl_rw_apply(struct vtl_frame *f, const struct vtl_rw_rule *r)
{
	struct vtl_pkt *pkt = &f->pkt;
	__be32 a;
	int ret;

	ret = vtl_skb_edit_begin(f->skb, pkt);
	if (ret)
		return ret;
	if (r->flags & VTL_RW_SADDR) {
		memcpy(&a, r->saddr, 4);
		ret = r->family == 4 ? vtl_pkt_set_ip4_saddr(pkt, a) :
				       vtl_pkt_set_ip6_saddr(pkt, r->saddr);
	}
	if (!ret && (r->flags & VTL_RW_DADDR)) {
		memcpy(&a, r->daddr, 4);
		ret = r->family == 4 ? vtl_pkt_set_ip4_daddr(pkt, a) :
				       vtl_pkt_set_ip6_daddr(pkt, r->daddr);
	}
	/*
	 * Addresses first: the IP setters are the ones that may refuse (an
	 * IPv6 routing header, say), and then no MAC has changed.
	 */
	if (!ret)
		ret = vtl_pkt_set_eth_dst(pkt, r->dmac);
	if (!ret && (r->flags & VTL_RW_SMAC))
		ret = vtl_pkt_set_eth_src(pkt, r->smac);
	vtl_skb_edit_end(f->skb, pkt);
	return ret;
}

static enum vtl_verdict vtl_rw_frame(struct vtl_frame *f)
{
	struct vtl_rw_port *rp = vtl_rw_port(f->port);
	const struct vtl_rw_conf *conf;
	const struct vtl_rw_rule *r;
	struct vtl_port *out = NULL;
	u8 daddr[16];

	if (!f->from_vm || !(f->pkt.flags & VTL_PKT_IP))
		return VTL_PASS;
	vtl_tunnel_learn(f);
	conf = rcu_dereference(rp->conf);
	r = NULL;
	if (conf) {
		vtl_rw_daddr(&f->pkt, daddr);
		r = vtl_rw_lookup(conf, f->pkt.flags & VTL_PKT_IPV4 ? 4 : 6,
				  daddr);
	}
	if (!r) {
		vtl_tunnel_detect(f);
		return VTL_PASS;
	}
	if (r->out_ifindex) {
		out = vtl_port_find_rcu(f->port->vn, r->out_ifindex);
		/* Gone (for now): the frame goes the long way. */
		if (!out || out == f->port) {
			vtl_rw_count(rp, VTL_RW_FAILED);
			return VTL_PASS;
		}
	}
	if (vtl_rw_apply(f, r)) {
		vtl_rw_count(rp, VTL_RW_FAILED);
		return VTL_PASS;
	}
	vtl_hits_add(r->hits, f->len);
	vtl_rw_count(rp, VTL_RW_REWRITTEN);
	if (!out)
		return VTL_PASS;
	if (vtl_frame_redirect(f, out)) {
		vtl_rw_count(rp, VTL_RW_FORWARDED);
		return VTL_STOLEN;
	}
	vtl_rw_count(rp, VTL_RW_FAILED);
	return VTL_PASS;
}

/**
 * vtl_rw_use() - let a port's frames from its VM meet rewriting, or not
 * @rp: the port's rewriting
 *
 * They do while the port has rules or the namespace tunnels automatically
 * (which learns from each of them).
 *
 * Context: RTNL.
 */
void vtl_rw_use(struct vtl_rw_port *rp)
{
	bool on = rtnl_dereference(rp->conf) || vtl_tunnel_auto(rp->port->vn);

	vtl_service_frames(rp->port, vtl_rewrite_id, on ? VTL_SVC_FROM_VM : 0);
}

static int vtl_rw_port_init(struct vtl_port *port)
{
	struct vtl_rw_port *rp = vtl_rw_port(port);

	rp->stats = vtl_port_counters(port, vtl_rewrite_id);
	rp->genid = vtl_tunnel_genid(port->vn);
	rp->port = port;
	vtl_rw_use(rp);
	return 0;
}

/* Rules into a port that goes: automatic ones go with it. */
static void vtl_rw_port_uninit(struct vtl_port *port)
{
	struct vtl_port *other;

	list_for_each_entry(other, &port->vn->ports, list)
		vtl_rw_rules_flush(vtl_rw_port(other), true,
				   port->dev->ifindex);
	vtl_tunnel_forget_port(port);
}

static void vtl_rw_port_free(struct vtl_port *port)
{
	struct vtl_rw_port *rp = vtl_rw_port(port);

	vtl_rw_conf_release(rcu_dereference_protected(rp->conf, 1));
}

static int vtl_rw_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	const struct vtl_rw_port *rp = vtl_rw_port(port);
	const struct vtl_rw_conf *conf = rtnl_dereference(rp->conf);
	u64 c[VTL_RW_COUNTERS];
	struct nlattr *nest;

	vtl_counters_read(rp->stats, c, VTL_RW_COUNTERS);
	nest = nla_nest_start(msg, VTL_PORT_A_REWRITE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, VTL_REWRITE_PORT_A_RULES, conf ? conf->n : 0) ||
	    nla_put_u64_64bit(msg, VTL_REWRITE_PORT_A_REWRITTEN,
			      c[VTL_RW_REWRITTEN], VTL_REWRITE_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_REWRITE_PORT_A_FORWARDED,
			      c[VTL_RW_FORWARDED], VTL_REWRITE_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_REWRITE_PORT_A_FAILED,
			      c[VTL_RW_FAILED], VTL_REWRITE_PORT_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

const struct vtl_service vtl_rewrite_service = {
	.name = "rewrite",
	.port_size = sizeof(struct vtl_rw_port),
	.n_counters = VTL_RW_COUNTERS,
	.ops = vtl_rw_genl_ops,
	.n_ops = VTL_RW_N_OPS,
	.port_policy = vtl_rw_port_policy,
	.port_init = vtl_rw_port_init,
	.port_uninit = vtl_rw_port_uninit,
	.port_free = vtl_rw_port_free,
	.net_init = vtl_tunnel_net_init,
	.net_exit = vtl_tunnel_net_exit,
	.frame = vtl_rw_frame,
	.fill_port = vtl_rw_fill_port,
	.export_policy = vtl_rw_export_policy,
	.export_maxattr = VTL_REWRITE_EXPORT_A_MAX,
	.port_export = vtl_rw_port_export,
	.import_parse = vtl_rw_import_parse,
	.import_prepare = vtl_rw_import_prepare,
	.import_commit = vtl_rw_import_commit,
	.import_abort = vtl_rw_import_abort,
	.export_genid = vtl_rw_export_genid,
};
