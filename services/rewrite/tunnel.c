// SPDX-License-Identifier: GPL-2.0
/*
 * Automatic subnet tunneling ("vtlctl tunnel auto"), beyond the paper.
 *
 * While on, every IP frame a VM sends teaches VTL one of the VM's
 * addresses: its source address and MAC, behind its port.  A frame from one
 * VM to a learned address of a VM on another port whose destination MAC is
 * not that VM's (so it is on its way to a gateway) asks for a shortcut: the
 * rewrite rule "dst ADDR/32 (/128) set dmac <that VM's MAC> out <its port>",
 * flagged automatic.  Rules need RTNL, so a work item installs them; the
 * frame that asked goes the long way, the next ones the short one.  A
 * shortcut goes when its VM's port goes (rewrite.c) or its address shows
 * up behind another port or MAC, and every one goes when auto is turned
 * off.
 *
 * A guest must not be able to exhaust the host through this: a port's VM
 * is learned at most VTL_TUNNEL_MAX_PER_PORT addresses, a namespace at most
 * VTL_TUNNEL_MAX_HOSTS, and a host asks for a shortcut at most once a
 * second.  Learned addresses are forgotten after VTL_TUNNEL_MAX_AGE of
 * silence (their shortcuts stay until the port or the address moves).
 */
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "port.h"

#include "rw_rules.h"
#include "tunnel.h"

#define VTL_TUNNEL_HASH_BITS	8
#define VTL_TUNNEL_MAX_HOSTS	4096
#define VTL_TUNNEL_MAX_PER_PORT	32
#define VTL_TUNNEL_MAX_AGE	(600 * HZ)
#define VTL_TUNNEL_NR_REQ	64

/* A learned address of a VM. */
struct vtl_tunnel_host {
	struct hlist_node node;
	struct rcu_head rcu;
	int ifindex;
	u8 family;
	u8 addr[16];
	u8 mac[ETH_ALEN];
	unsigned long seen;
	unsigned long asked;
};

enum vtl_tunnel_op {
	VTL_TUNNEL_INSTALL,
	VTL_TUNNEL_REMOVE,
};

/* What the work item is to do, queued by the data path. */
struct vtl_tunnel_req {
	u8 op;
	u8 family;
	int from;
	int to;
	u8 addr[16];
	u8 mac[ETH_ALEN];
};

/**
 * struct vtl_tunnel - a namespace's automatic tunneling
 * @vn: the namespace instance
 * @on: auto is on; READ_ONCE() in the data path
 * @lock: for @hosts' writers and @req (softirq-safe)
 * @hosts: learned addresses; RCU for readers
 * @nhosts: how many
 * @genid: bumped by every change of any port's rewrite rules (RTNL), so a
 *	rule dump can tell it changed underneath
 * @work: applies @req
 * @nreq: requests in @req
 * @req: what to do
 */
struct vtl_tunnel {
	struct vtl_net *vn;
	bool on;
	spinlock_t lock;	/* @hosts' writers, @req */
	DECLARE_HASHTABLE(hosts, VTL_TUNNEL_HASH_BITS);
	u32 nhosts;
	u32 genid;
	struct work_struct work;
	u32 nreq;
	struct vtl_tunnel_req req[VTL_TUNNEL_NR_REQ];
};

static struct vtl_tunnel *vtl_tunnel(const struct vtl_net *vn)
{
	return vn->svc[vtl_rewrite_id];
}

static u32 vtl_tunnel_hash(u8 family, const u8 *addr)
{
	return jhash(addr, 16, family);
}

static struct vtl_tunnel_host *vtl_tunnel_find(struct vtl_tunnel *t,
					       u8 family, const u8 *addr)
{
	struct vtl_tunnel_host *h;

	hash_for_each_possible_rcu(t->hosts, h, node,
				   vtl_tunnel_hash(family, addr))
		if (h->family == family && !memcmp(h->addr, addr, 16))
			return h;
	return NULL;
}

/* Queue a request for the work item; dropped if the queue is full. */
static void vtl_tunnel_ask(struct vtl_tunnel *t,
			   const struct vtl_tunnel_req *req)
{
	spin_lock_bh(&t->lock);
	if (t->nreq < VTL_TUNNEL_NR_REQ)
		t->req[t->nreq++] = *req;
	spin_unlock_bh(&t->lock);
	queue_work(vtl_wq, &t->work);
}

static void vtl_tunnel_host_del(struct vtl_tunnel *t,
				struct vtl_tunnel_host *h)
{
	lockdep_assert_held(&t->lock);
	hash_del_rcu(&h->node);
	t->nhosts--;
	kfree_rcu(h, rcu);
}

static u32 vtl_tunnel_port_hosts(struct vtl_tunnel *t, int ifindex)
{
	struct vtl_tunnel_host *h;
	u32 n = 0;
	int bkt;

	lockdep_assert_held(&t->lock);
	hash_for_each(t->hosts, bkt, h, node)
		n += h->ifindex == ifindex;
	return n;
}

/* A frame from a VM: learn (or refresh) its source address. */
static void vtl_tunnel_learn_addr(struct vtl_tunnel *t, int ifindex,
				  u8 family, const u8 *addr, const u8 *mac)
{
	struct vtl_tunnel_req req = { .op = VTL_TUNNEL_REMOVE };
	struct vtl_tunnel_host *h;
	bool moved = false;

	h = vtl_tunnel_find(t, family, addr);
	if (likely(h && h->ifindex == ifindex && ether_addr_equal(h->mac, mac))) {
		if (time_after(jiffies, READ_ONCE(h->seen)))
			WRITE_ONCE(h->seen, jiffies);
		return;
	}
	spin_lock_bh(&t->lock);
	h = vtl_tunnel_find(t, family, addr);
	if (h) {
		/* It moved: shortcuts to where it was are wrong now. */
		moved = true;
		req.family = family;
		req.to = h->ifindex;
		memcpy(req.addr, addr, 16);
		vtl_tunnel_host_del(t, h);
	}
	if (t->nhosts >= VTL_TUNNEL_MAX_HOSTS ||
	    vtl_tunnel_port_hosts(t, ifindex) >= VTL_TUNNEL_MAX_PER_PORT)
		goto out;
	h = kzalloc(sizeof(*h), GFP_ATOMIC | __GFP_NOWARN);
	if (!h)
		goto out;
	h->ifindex = ifindex;
	h->family = family;
	memcpy(h->addr, addr, 16);
	ether_addr_copy(h->mac, mac);
	h->seen = jiffies;
	h->asked = jiffies - HZ;
	hash_add_rcu(t->hosts, &h->node, vtl_tunnel_hash(family, addr));
	t->nhosts++;
out:
	spin_unlock_bh(&t->lock);
	if (moved)
		vtl_tunnel_ask(t, &req);
}

/* The frame's source (@src) or destination address, 16 bytes. */
static bool vtl_tunnel_addr(const struct vtl_pkt *pkt, bool src, u8 *addr,
			    u8 *family)
{
	__be32 a;

	memset(addr, 0, 16);
	if (pkt->flags & VTL_PKT_IPV4) {
		a = src ? vtl_pkt_ip4_saddr(pkt) : vtl_pkt_ip4_daddr(pkt);
		memcpy(addr, &a, 4);
		*family = 4;
		return !ipv4_is_zeronet(a) && !ipv4_is_multicast(a) &&
		       !ipv4_is_lbcast(a) && !ipv4_is_loopback(a);
	}
	memcpy(addr, src ? vtl_pkt_ip6_saddr(pkt) : vtl_pkt_ip6_daddr(pkt),
	       16);
	*family = 6;
	/* Unspecified, multicast or link-local: never behind a gateway. */
	return !ipv6_addr_any((struct in6_addr *)addr) && addr[0] != 0xff &&
	       !(addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80);
}

/**
 * vtl_tunnel_learn() - learn a VM's address from a frame it sent
 * @f: the frame, with IP, from the VM
 *
 * Context: softirq, RCU read side.
 */
void vtl_tunnel_learn(const struct vtl_frame *f)
{
	struct vtl_tunnel *t = vtl_tunnel(f->port->vn);
	u8 addr[16], family;

	if (!READ_ONCE(t->on) ||
	    !vtl_tunnel_addr(&f->pkt, true, addr, &family))
		return;
	vtl_tunnel_learn_addr(t, f->port->dev->ifindex, family, addr,
			      vtl_pkt_eth_src(&f->pkt));
}

/**
 * vtl_tunnel_detect() - ask for a shortcut if a frame deserves one
 * @f: a frame from a VM that no rewrite rule matched
 *
 * Context: softirq, RCU read side.
 */
void vtl_tunnel_detect(const struct vtl_frame *f)
{
	struct vtl_tunnel *t = vtl_tunnel(f->port->vn);
	struct vtl_tunnel_req req = { .op = VTL_TUNNEL_INSTALL };
	struct vtl_tunnel_host *h;
	u8 addr[16], family;

	if (!READ_ONCE(t->on) ||
	    !vtl_tunnel_addr(&f->pkt, false, addr, &family))
		return;
	h = vtl_tunnel_find(t, family, addr);
	if (!h || h->ifindex == f->port->dev->ifindex ||
	    ether_addr_equal(h->mac, vtl_pkt_eth_dst(&f->pkt)) ||
	    time_before(jiffies, READ_ONCE(h->asked) + HZ))
		return;
	WRITE_ONCE(h->asked, jiffies);
	req.family = family;
	req.from = f->port->dev->ifindex;
	req.to = h->ifindex;
	memcpy(req.addr, h->addr, 16);
	ether_addr_copy(req.mac, h->mac);
	vtl_tunnel_ask(t, &req);
}

static void vtl_tunnel_apply(struct vtl_tunnel *t,
			     const struct vtl_tunnel_req *req)
{
	u8 len = req->family == 4 ? 32 : 128;
	struct vtl_rw_rule tmpl = {};
	struct vtl_port *port;

	ASSERT_RTNL();
	if (req->op == VTL_TUNNEL_REMOVE) {
		list_for_each_entry(port, &t->vn->ports, list)
			vtl_rw_rule_del(vtl_port_svc(port, vtl_rewrite_id),
					req->family, req->addr, len, true);
		return;
	}
	port = vtl_port_find(t->vn, req->from);
	/* Either end may have gone since; then there is nothing to do. */
	if (!port || !vtl_port_find(t->vn, req->to))
		return;
	tmpl.family = req->family;
	tmpl.dst_len = len;
	memcpy(tmpl.dst, req->addr, 16);
	ether_addr_copy(tmpl.dmac, req->mac);
	tmpl.out_ifindex = req->to;
	tmpl.flags = VTL_RW_AUTO;
	/* -EEXIST: a rule of the user's, or an earlier request's, is there. */
	vtl_rw_rule_add(vtl_port_svc(port, vtl_rewrite_id), &tmpl, NULL);
}

/* Take the oldest request; false if there is none. */
static bool vtl_tunnel_pop(struct vtl_tunnel *t, struct vtl_tunnel_req *req)
{
	bool ret = false;

	spin_lock_bh(&t->lock);
	if (t->nreq) {
		*req = t->req[0];
		memmove(&t->req[0], &t->req[1], --t->nreq * sizeof(*req));
		ret = true;
	}
	spin_unlock_bh(&t->lock);
	return ret;
}

static void vtl_tunnel_work(struct work_struct *work)
{
	struct vtl_tunnel *t = container_of(work, struct vtl_tunnel, work);
	struct vtl_tunnel_host *h;
	struct vtl_tunnel_req req;
	struct hlist_node *tmp;
	int bkt;

	/* Forget what has been silent too long, while here. */
	spin_lock_bh(&t->lock);
	hash_for_each_safe(t->hosts, bkt, tmp, h, node)
		if (time_after(jiffies, READ_ONCE(h->seen) + VTL_TUNNEL_MAX_AGE))
			vtl_tunnel_host_del(t, h);
	spin_unlock_bh(&t->lock);

	rtnl_lock();
	/* Turned off since: requests to install are stale. */
	while (vtl_tunnel_pop(t, &req))
		if (READ_ONCE(t->on) || req.op == VTL_TUNNEL_REMOVE)
			vtl_tunnel_apply(t, &req);
	rtnl_unlock();
}

static void vtl_tunnel_forget(struct vtl_tunnel *t, int ifindex)
{
	struct vtl_tunnel_host *h;
	struct hlist_node *tmp;
	int bkt;

	spin_lock_bh(&t->lock);
	hash_for_each_safe(t->hosts, bkt, tmp, h, node)
		if (!ifindex || h->ifindex == ifindex)
			vtl_tunnel_host_del(t, h);
	spin_unlock_bh(&t->lock);
}

/**
 * vtl_tunnel_forget_port() - forget the addresses learned behind a port
 * @port: the port, going
 *
 * Context: RTNL.
 */
void vtl_tunnel_forget_port(struct vtl_port *port)
{
	vtl_tunnel_forget(vtl_tunnel(port->vn), port->dev->ifindex);
}

/**
 * vtl_tunnel_auto() - is automatic tunneling on in a namespace?
 * @vn: the namespace instance
 *
 * Return: true if it is.
 */
bool vtl_tunnel_auto(const struct vtl_net *vn)
{
	return READ_ONCE(vtl_tunnel(vn)->on);
}

/**
 * vtl_tunnel_genid() - the namespace's count of rewrite rule changes
 * @vn: the namespace instance
 *
 * Return: where it is kept (RTNL).
 */
u32 *vtl_tunnel_genid(const struct vtl_net *vn)
{
	return &vtl_tunnel(vn)->genid;
}

/**
 * vtl_tunnel_set_auto() - turn automatic tunneling on or off
 * @vn: the namespace instance
 * @on: on
 *
 * Off forgets what was learned and removes every automatic rule.
 *
 * Context: RTNL.
 * Return: 0 or -ENOMEM.
 */
int vtl_tunnel_set_auto(struct vtl_net *vn, bool on)
{
	struct vtl_tunnel *t = vtl_tunnel(vn);
	struct vtl_port *port;
	int ret = 0, err;

	ASSERT_RTNL();
	WRITE_ONCE(t->on, on);
	if (!on)
		vtl_tunnel_forget(t, 0);
	list_for_each_entry(port, &vn->ports, list) {
		struct vtl_rw_port *rp = vtl_port_svc(port, vtl_rewrite_id);

		if (!on) {
			err = vtl_rw_rules_flush(rp, true, 0);
			if (err < 0)
				ret = err;
		}
		/* Every frame from a VM teaches the tunnel while it is on. */
		vtl_rw_use(rp);
	}
	return ret;
}

/**
 * vtl_tunnel_walk() - call @fn on each learned address
 * @vn: the namespace instance
 * @pos: where to start (0 first); where to go on after @fn failed
 * @fn: gets the address; non-zero stops the walk there
 * @arg: for @fn
 *
 * The table changes with the traffic: a walk in several parts may miss or
 * repeat an address learned or forgotten in between.
 *
 * Context: process; @fn runs under RCU.
 * Return: 0 at the end, else what @fn returned.
 */
int vtl_tunnel_walk(struct vtl_net *vn, unsigned long *pos,
		    int (*fn)(int ifindex, u8 family, const u8 *addr,
			      const u8 *mac, u64 age_ms, void *arg),
		    void *arg)
{
	struct vtl_tunnel *t = vtl_tunnel(vn);
	struct vtl_tunnel_host *h;
	unsigned long i = 0;
	int bkt, ret = 0;

	rcu_read_lock();
	hash_for_each_rcu(t->hosts, bkt, h, node) {
		if (i++ < *pos)
			continue;
		ret = fn(h->ifindex, h->family, h->addr, h->mac,
			 jiffies_to_msecs(jiffies - READ_ONCE(h->seen)), arg);
		if (ret)
			break;
		(*pos)++;
	}
	rcu_read_unlock();
	return ret;
}

int vtl_tunnel_net_init(struct vtl_net *vn)
{
	struct vtl_tunnel *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->vn = vn;
	spin_lock_init(&t->lock);
	hash_init(t->hosts);
	INIT_WORK(&t->work, vtl_tunnel_work);
	vn->svc[vtl_rewrite_id] = t;
	return 0;
}

void vtl_tunnel_net_exit(struct vtl_net *vn)
{
	struct vtl_tunnel *t = vtl_tunnel(vn);

	/* No port is left to queue it again. */
	cancel_work_sync(&t->work);
	vtl_tunnel_forget(t, 0);
	kfree(t);
}
