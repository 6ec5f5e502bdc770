// SPDX-License-Identifier: GPL-2.0
/*
 * The SOCKS service: a port's VM reaches the network only through a SOCKS
 * proxy, by way of the userspace daemon at the other end of the port's
 * ring (ring.c).  With a configuration set on the port:
 *
 * - the VM's TCP segments and DNS queries (UDP to port 53), IPv4, and with
 *   "ipv6 proxy" IPv6 too, with its neighbour solicitations, go up the
 *   ring, and no further: the daemon answers them, down the ring, as the
 *   remote ends would;
 * - the VM's ARP requests are answered here with %VTL_SOCKS_FAKE_MAC, the
 *   proxy's side of the VM's link, so every address the VM sends to is
 *   reached through the daemon; its probes and announcements (RFC 5227:
 *   sender 0.0.0.0, or asking for its own address) are not, or the VM
 *   would think its own address taken;
 * - everything else from the VM is dropped, and nothing from the network
 *   reaches the VM: the daemon's frames come down the ring straight to the
 *   VM's device (vtl_frame_reply()), not through here.
 *
 * The daemon attaches the ring without VTL_RING_F_OWN, so this service is
 * what keeps the VM off the network: it fails closed when no daemon is
 * attached, and answers the VM's TCP segments with a RST then, so that its
 * connections fail at once rather than time out.
 *
 * The configuration is an immutable &struct vtl_socks_conf behind one RCU
 * pointer, set and cleared under RTNL and freed after a grace period.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ndisc.h>

#include "port.h"
#include "ring.h"
#include "skb.h"
#include "socks.h"

static_assert(VTL_SOCKS_C_COUNT <= VTL_COUNTERS_MAX);

static const u8 vtl_socks_mac[ETH_ALEN] = VTL_SOCKS_FAKE_MAC;

/**
 * struct vtl_socks_port - the SOCKS service's state of a port
 * @conf: the configuration, or NULL; RTNL for writers, RCU for readers
 * @stats: the VTL_SOCKS_C_* counters, for the port's life
 */
struct vtl_socks_port {
	struct vtl_socks_conf __rcu *conf;
	struct vtl_pcpu_counters __percpu *stats;
};

static struct vtl_socks_port *vtl_socks_port(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_socks_id);
}

/* The password does not outlive its configuration in freed memory. */
static void vtl_socks_conf_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct vtl_socks_conf, rcu));
}

/**
 * vtl_socks_conf() - a port's SOCKS configuration
 * @port: the port
 *
 * Context: RTNL.
 * Return: the configuration, or NULL if the port has none.
 */
const struct vtl_socks_conf *vtl_socks_conf(const struct vtl_port *port)
{
	return rtnl_dereference(vtl_socks_port(port)->conf);
}

/**
 * vtl_socks_set() - set or clear a port's SOCKS configuration
 * @port: the port
 * @conf: the new configuration (the port's from now on), or NULL
 *
 * The old configuration, if any, is freed after the data path's grace
 * period.
 *
 * Context: RTNL.
 */
void vtl_socks_set(struct vtl_port *port, struct vtl_socks_conf *conf)
{
	struct vtl_socks_port *sp = vtl_socks_port(port);
	struct vtl_socks_conf *old = rtnl_dereference(sp->conf);

	if (conf)
		vtl_service_frames(port, vtl_socks_id, VTL_SVC_BOTH);
	rcu_assign_pointer(sp->conf, conf);
	if (!conf)
		vtl_service_frames(port, vtl_socks_id, 0);
	if (old)
		call_rcu(&old->rcu, vtl_socks_conf_free_rcu);
}

/**
 * vtl_socks_read() - a port's SOCKS counters
 * @port: the port
 * @c: %VTL_SOCKS_C_COUNT sums, indexed by &enum vtl_socks_counter
 */
void vtl_socks_read(const struct vtl_port *port, u64 *c)
{
	vtl_counters_read(vtl_socks_port(port)->stats, c, VTL_SOCKS_C_COUNT);
}

/*
 * An ARP request of the VM: every address is the proxy's side of the
 * link.  Probes and announcements get no answer.
 */
static enum vtl_verdict vtl_socks_arp(struct vtl_socks_port *sp,
				      struct vtl_frame *f)
{
	const struct vtl_pkt *pkt = &f->pkt;
	__be32 spa = vtl_pkt_arp_spa(pkt);
	struct sk_buff *reply;

	if (vtl_pkt_arp_op(pkt) != VTL_PKT_ARP_REQUEST || !spa ||
	    spa == vtl_pkt_arp_tpa(pkt))
		goto filtered;
	reply = vtl_skb_build_arp_reply(f->skb, pkt, vtl_socks_mac);
	if (IS_ERR(reply))
		goto filtered;
	vtl_frame_reply(f, reply);
	vtl_counter_inc(sp->stats, VTL_SOCKS_C_ARP_REPLIES);
	consume_skb(f->skb);
	return VTL_STOLEN;

filtered:
	vtl_counter_inc(sp->stats, VTL_SOCKS_C_FILTERED);
	return VTL_DROP;
}

/* Whether the daemon takes the VM's frame @f of @conf's port. */
static bool vtl_socks_proxied(const struct vtl_socks_conf *conf,
			      const struct vtl_frame *f)
{
	u32 flags = f->pkt.flags;

	if (!(flags & VTL_PKT_IPV4) &&
	    !((flags & VTL_PKT_IPV6) && conf->ipv6 == VTL_SOCKS_IPV6_PROXY))
		return false;
	if (flags & VTL_PKT_TCP)
		return true;
	if (flags & VTL_PKT_UDP)
		return vtl_pkt_dport(&f->pkt) == htons(53);
	return (flags & VTL_PKT_ICMPV6) &&
	       vtl_pkt_icmp_type(&f->pkt) == NDISC_NEIGHBOUR_SOLICITATION;
}

/* Up the ring; with no daemon, fail closed, and reset TCP at once. */
static enum vtl_verdict vtl_socks_up(struct vtl_socks_port *sp,
				     struct vtl_frame *f)
{
	struct sk_buff *rst;

	/* The ring copies the frame: the caller frees it. */
	if (vtl_ring_up(f->port, f->skb, true)) {
		vtl_counter_inc(sp->stats, VTL_SOCKS_C_UP);
		return VTL_DROP;
	}
	vtl_counter_inc(sp->stats, VTL_SOCKS_C_FAIL_CLOSED);
	if (!(f->pkt.flags & VTL_PKT_TCP) ||
	    (vtl_pkt_tcp_flags(&f->pkt) & VTL_TCP_RST))
		return VTL_DROP;
	/* The firewall's reject: nothing for a broadcast, a fragment, ... */
	rst = vtl_skb_build_tcp_rst(f->skb, &f->pkt);
	if (!IS_ERR_OR_NULL(rst)) {
		vtl_frame_reply(f, rst);
		vtl_counter_inc(sp->stats, VTL_SOCKS_C_RESETS);
	}
	return VTL_DROP;
}

static enum vtl_verdict vtl_socks_frame(struct vtl_frame *f)
{
	struct vtl_socks_port *sp = vtl_socks_port(f->port);
	const struct vtl_socks_conf *conf = rcu_dereference(sp->conf);

	if (likely(!conf))
		return VTL_PASS;
	if (!f->from_vm) {
		vtl_counter_inc(sp->stats, VTL_SOCKS_C_TO_VM_DROPPED);
		return VTL_DROP;
	}
	if (f->pkt.flags & VTL_PKT_ARP)
		return vtl_socks_arp(sp, f);
	if (vtl_socks_proxied(conf, f))
		return vtl_socks_up(sp, f);
	vtl_counter_inc(sp->stats, VTL_SOCKS_C_FILTERED);
	return VTL_DROP;
}

static int vtl_socks_port_init(struct vtl_port *port)
{
	vtl_socks_port(port)->stats = vtl_port_counters(port, vtl_socks_id);
	return 0;
}

/* The daemon hears that the port, and its configuration, are gone. */
static void vtl_socks_port_uninit(struct vtl_port *port)
{
	if (vtl_socks_conf(port))
		vtl_socks_nl_notify(port, VTL_CMD_SOCKS_DEL);
}

static void vtl_socks_port_free(struct vtl_port *port)
{
	struct vtl_socks_port *sp = vtl_socks_port(port);

	/* The data path is done with the port: no grace period to wait. */
	kfree_sensitive(rcu_dereference_protected(sp->conf, true));
}

/* The counters are VTL_CMD_SOCKS_GET's, not the port's. */
static int vtl_socks_fill_port(struct sk_buff *msg,
			       const struct vtl_port *port)
{
	return 0;
}

const struct vtl_service vtl_socks_service = {
	.name = "socks",
	.port_size = sizeof(struct vtl_socks_port),
	.n_counters = VTL_SOCKS_C_COUNT,
	.ops = vtl_socks_genl_ops,
	.n_ops = VTL_SOCKS_N_OPS,
	.port_init = vtl_socks_port_init,
	.port_uninit = vtl_socks_port_uninit,
	.port_free = vtl_socks_port_free,
	.frame = vtl_socks_frame,
	.fill_port = vtl_socks_fill_port,
	.export_policy = vtl_socks_export_policy,
	.export_maxattr = VTL_SOCKS_A_MAX,
	.port_export = vtl_socks_port_export,
	.import_parse = vtl_socks_import_parse,
	.import_commit = vtl_socks_import_commit,
	.import_abort = vtl_socks_import_abort,
};
