// SPDX-License-Identifier: GPL-2.0
/*
 * Connection persistence while a VM is suspended or migrating (the paper's
 * section 3.5).  While a port is suspended, VTL answers for its VM:
 *
 * - a TCP segment of one of the VM's tracked connections gets the ACK the
 *   VM would send if its receive buffer were full: it acknowledges only
 *   what the VM had acknowledged and advertises a zero window.  The peer
 *   keeps its unacknowledged data and goes into persist mode; its
 *   zero-window probes and keep-alives are answered the same way, and each
 *   answer tells it the VM is alive, so its retransmission limit
 *   (tcp_retries2) never runs out;
 * - an ARP request for one of the VM's IPv4 addresses, or a neighbour
 *   solicitation for one of its IPv6 addresses, is answered with the VM's
 *   MAC, so the peer's (or gateway's) neighbour entry stays valid; as the
 *   VM would, VTL answers another host's duplicate address detection for
 *   them too, so that no other host takes them while the VM is away;
 * - everything else toward the VM is dropped: new connections, segments of
 *   connections VTL does not track, other protocols.
 *
 * Resuming gives every connection that was told "zero window" the window
 * the VM had advertised before (kept in persistence's region of the
 * connection, struct vtl_persist_conn) in a window update from the VM, so
 * its peer goes on at once instead of waiting for its next probe; a
 * window the VM had closed itself stays closed until the VM opens it.
 * VTL learns the VM's MAC and its IPv4 and IPv6 addresses from what the
 * VM sends, suspended or not, while the port tracks its connections: what
 * a port must keep to be suspended is its connections and its addresses,
 * and the port's "track" setting says to keep them.
 *
 * The answers are built from the connection's state model (model.h) and
 * go out with vtl_frame_reply(), which also keeps the model in step.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/netlink.h>

#include "port.h"
#include "skb.h"

#include "persist.h"

static struct vtl_persist *vtl_persist(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_persist_id);
}

static bool vtl_persist_known(const struct vtl_persist_addrs *s,
			      const struct in6_addr *addr)
{
	int i, w;

	/* :: marks an unused slot: never one of the VM's */
	if (ipv6_addr_any(addr))
		return false;
	for (i = 0; i < VTL_PERSIST_MAX_ADDRS; i++) {
		for (w = 0; w < 4; w++)
			if (READ_ONCE(s->a[i].s6_addr32[w]) !=
			    addr->s6_addr32[w])
				break;
		if (w == 4)
			return true;
	}
	return false;
}

static u32 vtl_persist_count(const struct vtl_persist_addrs *s)
{
	u32 n = 0;
	int i, w;

	for (i = 0; i < VTL_PERSIST_MAX_ADDRS; i++)
		for (w = 0; w < 4; w++)
			if (READ_ONCE(s->a[i].s6_addr32[w])) {
				n++;
				break;
			}
	return n;
}

/* Remember the VM's MAC, and @addr in @s (from a frame the VM sent). */
static void vtl_persist_learn(struct vtl_persist *p,
			      struct vtl_persist_addrs *s, const u8 *mac,
			      const struct in6_addr *addr)
{
	u64 m = ether_addr_to_u64(mac);
	int w;

	if (!is_valid_ether_addr(mac))
		return;
	/* The common case: nothing new, and no lock. */
	if (READ_ONCE(p->mac) == m && vtl_persist_known(s, addr))
		return;
	spin_lock_bh(&p->lock);
	WRITE_ONCE(p->mac, m);
	if (!vtl_persist_known(s, addr)) {
		for (w = 0; w < 4; w++)
			WRITE_ONCE(s->a[s->next].s6_addr32[w],
				   addr->s6_addr32[w]);
		s->next = (s->next + 1) % VTL_PERSIST_MAX_ADDRS;
	}
	spin_unlock_bh(&p->lock);
}

/* The VM's own addresses only: not 0/8, multicast or broadcast. */
static void vtl_persist_learn4(struct vtl_persist *p, const u8 *mac,
			       __be32 addr)
{
	struct in6_addr a;

	if (ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
	    ipv4_is_lbcast(addr))
		return;
	ipv6_addr_set_v4mapped(addr, &a);
	vtl_persist_learn(p, &p->addrs4, mac, &a);
}

/* Not ::, the loopback address or multicast. */
static void vtl_persist_learn6(struct vtl_persist *p, const u8 *mac,
			       const u8 *addr)
{
	struct in6_addr a;

	memcpy(&a, addr, sizeof(a));
	if (ipv6_addr_any(&a) || ipv6_addr_loopback(&a) ||
	    a.s6_addr[0] == 0xff)
		return;
	vtl_persist_learn(p, &p->addrs6, mac, &a);
}

static void vtl_persist_learn_frame(struct vtl_persist *p,
				    const struct vtl_frame *f)
{
	const struct vtl_pkt *pkt = &f->pkt;

	if (pkt->flags & VTL_PKT_ARP)
		vtl_persist_learn4(p, vtl_pkt_arp_sha(pkt),
				   vtl_pkt_arp_spa(pkt));
	else if (pkt->flags & VTL_PKT_IPV4)
		vtl_persist_learn4(p, eth_hdr(f->skb)->h_source,
				   vtl_pkt_ip4_saddr(pkt));
	else if (pkt->flags & VTL_PKT_IPV6)
		vtl_persist_learn6(p, eth_hdr(f->skb)->h_source,
				   vtl_pkt_ip6_saddr(pkt));
}

typedef struct sk_buff *(*vtl_persist_builder)(const struct sk_buff *skb,
					       const struct vtl_pkt *req,
					       const u8 *mac);

/*
 * A request for the hardware address of @target, one of the VM's
 * addresses if it is in @s: answer with the VM's MAC, the answer written
 * by @build, and count it in @counter.
 */
static enum vtl_verdict vtl_persist_answer(struct vtl_persist *p,
					   const struct vtl_frame *f,
					   const struct vtl_persist_addrs *s,
					   const struct in6_addr *target,
					   vtl_persist_builder build,
					   int counter)
{
	u64 m = READ_ONCE(p->mac);
	struct sk_buff *reply;
	u8 mac[ETH_ALEN];

	if (!m || !vtl_persist_known(s, target))
		return VTL_DROP;
	u64_to_ether_addr(m, mac);
	reply = build(f->skb, &f->pkt, mac);
	if (IS_ERR(reply))
		return VTL_DROP;
	vtl_frame_reply(f, reply);
	vtl_counter_inc(p->stats, counter);
	consume_skb(f->skb);
	return VTL_STOLEN;
}

static enum vtl_verdict vtl_persist_arp(struct vtl_persist *p,
					const struct vtl_frame *f)
{
	struct in6_addr a;

	if (vtl_pkt_arp_op(&f->pkt) != VTL_PKT_ARP_REQUEST)
		return VTL_DROP;
	ipv6_addr_set_v4mapped(vtl_pkt_arp_tpa(&f->pkt), &a);
	return vtl_persist_answer(p, f, &p->addrs4, &a,
				  vtl_skb_build_arp_reply,
				  PERSIST_ARP_REPLIES);
}

/* A neighbour solicitation, its target read even from paged data. */
static enum vtl_verdict vtl_persist_nd(struct vtl_persist *p,
				       struct vtl_frame *f)
{
	const u8 *target;
	struct in6_addr a;

	if (vtl_pkt_icmp_type(&f->pkt) != NDISC_NEIGHBOUR_SOLICITATION ||
	    vtl_skb_parse_more(f->skb, &f->pkt,
			       f->pkt.l4_off + VTL_PKT_ND_SOLICIT_LEN))
		return VTL_DROP;
	target = vtl_pkt_nd_target(&f->pkt, true);
	if (!target)
		return VTL_DROP;
	memcpy(&a, target, sizeof(a));
	return vtl_persist_answer(p, f, &p->addrs6, &a,
				  vtl_skb_build_nd_advert,
				  PERSIST_ND_REPLIES);
}

/*
 * The segment the VM would send for @m with @window: acknowledging what
 * the VM last acknowledged, not what the peer sent since.  NULL if the
 * connection is not one to answer for: not past its handshake, closed, or
 * the VM never acknowledged anything.
 */
static struct sk_buff *vtl_persist_build(struct vtl_model *m, u32 window,
					 const struct sk_buff *orig)
{
	struct sk_buff *skb;

	if (m->key.proto != IPPROTO_TCP || !m->ep[VTL_EP_VM].ack ||
	    (m->state != VTL_CONN_ESTABLISHED &&
	     m->state != VTL_CONN_FIN_WAIT && m->state != VTL_CONN_CLOSING))
		return NULL;
	m->ep[VTL_EP_PEER].snd_nxt = m->ep[VTL_EP_VM].ack;
	/*
	 * A peer takes a window that shrinks only from a segment later
	 * than the one that set it (RFC 793's SND.WL1 test; Linux takes no
	 * other): the first zero window comes one past the VM's last
	 * sequence number.  A zero-length segment there is no data, and
	 * the peer keeps expecting the VM's next byte where it was.  The
	 * model, which sees the answer go out, then starts from there, so
	 * the later answers and the window update on resume pass the test
	 * too.
	 */
	if (!window && m->ep[VTL_EP_VM].window)
		m->ep[VTL_EP_VM].snd_nxt++;
	skb = vtl_skb_build_model(m, VTL_EP_VM, VTL_TCP_ACK, window, orig);
	return IS_ERR(skb) ? NULL : skb;
}

/* A segment for the VM: answer it with a zero window. */
static enum vtl_verdict vtl_persist_tcp(struct vtl_persist *p,
					const struct vtl_frame *f)
{
	struct vtl_persist_conn *pc;
	struct sk_buff *ack;
	struct vtl_model m;
	struct vtl_conn *c;

	if (vtl_pkt_tcp_flags(&f->pkt) & (VTL_TCP_SYN | VTL_TCP_RST))
		return VTL_DROP;
	c = vtl_frame_conn(f);
	if (!c)
		return VTL_DROP;
	vtl_conn_lock(c);
	m = c->m;
	ack = vtl_persist_build(&m, 0, f->skb);
	/* The first answer: keep the window the VM had, for the resume. */
	pc = vtl_conn_ext(c, vtl_persist_id);
	if (ack && !pc->told_zero) {
		pc->window = c->m.ep[VTL_EP_VM].window;
		pc->told_zero = true;
	}
	vtl_conn_unlock(c);
	if (!ack)
		return VTL_DROP;
	vtl_frame_reply(f, ack);
	vtl_counter_inc(p->stats, PERSIST_ACKS);
	consume_skb(f->skb);
	return VTL_STOLEN;
}

static enum vtl_verdict vtl_persist_frame(struct vtl_frame *f)
{
	struct vtl_persist *p = vtl_persist(f->port);
	enum vtl_verdict v;

	if (f->from_vm) {
		vtl_persist_learn_frame(p, f);
		return VTL_PASS;
	}
	if (!READ_ONCE(p->suspended))
		return VTL_PASS;
	if (f->pkt.flags & VTL_PKT_ARP)
		v = vtl_persist_arp(p, f);
	else if (f->pkt.flags & VTL_PKT_ICMPV6)
		v = vtl_persist_nd(p, f);
	else if (f->pkt.flags & VTL_PKT_TCP)
		v = vtl_persist_tcp(p, f);
	else
		v = VTL_DROP;
	if (v == VTL_DROP)
		vtl_counter_inc(p->stats, PERSIST_DROPPED);
	return v;
}

struct vtl_persist_resume {
	struct vtl_frame f;
	struct vtl_persist *p;
};

/* On resume: the VM's window again, for a connection told "zero". */
static int vtl_persist_update(const struct vtl_model *cm, struct vtl_conn *c,
			      u64 now, void *arg)
{
	struct vtl_persist_resume *r = arg;
	struct vtl_persist_conn *pc;
	struct sk_buff *skb;
	struct vtl_model m;
	bool told;
	u32 window;

	vtl_conn_lock(c);
	pc = vtl_conn_ext(c, vtl_persist_id);
	told = pc->told_zero;
	window = pc->window;
	pc->told_zero = false;
	m = c->m;
	vtl_conn_unlock(c);
	/* A VM whose window was zero already opens it itself. */
	if (!told || !window)
		return 0;
	skb = vtl_persist_build(&m, window, NULL);
	if (!skb)
		return 0;
	vtl_frame_reply(&r->f, skb);
	vtl_counter_inc(r->p->stats, PERSIST_UPDATES);
	return 0;
}

/**
 * vtl_persist_suspend() - suspend a port, or resume it
 * @port: the port
 * @suspend: true to answer for its VM from now on, false to stop
 *
 * Suspending a suspended port or resuming a running one does nothing.
 *
 * Context: process, RTNL.
 */
static void vtl_persist_suspend(struct vtl_port *port, bool suspend)
{
	struct vtl_persist_resume r = {
		.f = { .port = port, .from_vm = false },
		.p = vtl_persist(port),
	};
	struct vtl_conntable_cursor cur = {};

	ASSERT_RTNL();
	if (READ_ONCE(r.p->suspended) == suspend)
		return;
	WRITE_ONCE(r.p->suspended, suspend);
	if (suspend) {
		vtl_persist_use(port);
		r.p->suspensions++;
		return;
	}
	/*
	 * No zero-window answer may overtake the window updates: wait for
	 * the data path to see the port running.
	 */
	synchronize_net();
	rcu_read_lock();
	local_bh_disable();
	vtl_conntable_walk(port->conns, &cur, vtl_persist_update, &r);
	local_bh_enable();
	rcu_read_unlock();
	/* Only now may the connections go, were the port's own "track" off. */
	vtl_persist_use(port);
}

/*
 * VTL_CMD_PORT_SET's VTL_PORT_A_SUSPENDED: suspend or resume.  A port that
 * does not track its connections has none to keep, nor the VM's
 * addresses: suspending it would keep nothing alive, so it is refused.
 */
static int vtl_persist_port_set(struct vtl_port *port, struct nlattr **attrs,
				struct netlink_ext_ack *extack)
{
	struct nlattr *a = attrs[VTL_PORT_A_SUSPENDED];

	if (!a)
		return 0;
	if (nla_get_u8(a) && !vtl_port_tracks(port)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "the port does not track its connections, so none would be kept: set track on while the VM runs");
		return -EINVAL;
	}
	vtl_persist_suspend(port, nla_get_u8(a));
	return 0;
}

/**
 * vtl_persist_use() - what persistence needs of a port, as it is now
 * @port: the port
 *
 * While the port is suspended, its frames to the VM meet persistence, and
 * its connections stay tracked whatever its own "track" says (a "track
 * off" then keeps them until the port resumes).  Frames from the VM meet
 * it while the port tracks (&struct vtl_service.track_frames), to learn
 * its addresses.
 *
 * Context: RTNL; may sleep (vtl_service_conns()) once the port resumes.
 */
void vtl_persist_use(struct vtl_port *port)
{
	bool suspended = READ_ONCE(vtl_persist(port)->suspended);

	vtl_service_frames(port, vtl_persist_id,
			   suspended ? VTL_SVC_TO_VM : 0);
	vtl_service_conns(port, vtl_persist_id, suspended);
}

static int vtl_persist_port_init(struct vtl_port *port)
{
	struct vtl_persist *p = vtl_persist(port);

	p->stats = vtl_port_counters(port, vtl_persist_id);
	spin_lock_init(&p->lock);
	return 0;
}

static int vtl_persist_fill_port(struct sk_buff *msg,
				 const struct vtl_port *port)
{
	const struct vtl_persist *p = vtl_persist(port);
	u64 c[PERSIST_COUNTERS], m = READ_ONCE(p->mac);
	struct nlattr *nest;
	u8 mac[ETH_ALEN];

	vtl_counters_read(p->stats, c, PERSIST_COUNTERS);
	u64_to_ether_addr(m, mac);
	if (nla_put_u8(msg, VTL_PORT_A_SUSPENDED, READ_ONCE(p->suspended)))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, VTL_PORT_A_PERSIST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, VTL_PERSIST_A_ACKS, c[PERSIST_ACKS],
			      VTL_PERSIST_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_PERSIST_A_ARP_REPLIES,
			      c[PERSIST_ARP_REPLIES], VTL_PERSIST_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_PERSIST_A_DROPPED, c[PERSIST_DROPPED],
			      VTL_PERSIST_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_PERSIST_A_UPDATES, c[PERSIST_UPDATES],
			      VTL_PERSIST_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_PERSIST_A_SUSPENSIONS, p->suspensions,
			      VTL_PERSIST_A_PAD) ||
	    (m && nla_put(msg, VTL_PERSIST_A_MAC, ETH_ALEN, mac)) ||
	    nla_put_u64_64bit(msg, VTL_PERSIST_A_ND_REPLIES,
			      c[PERSIST_ND_REPLIES], VTL_PERSIST_A_PAD) ||
	    nla_put_u32(msg, VTL_PERSIST_A_ADDRS,
			vtl_persist_count(&p->addrs4)) ||
	    nla_put_u32(msg, VTL_PERSIST_A_ADDRS6,
			vtl_persist_count(&p->addrs6))) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static const struct nla_policy vtl_persist_port_policy[VTL_PORT_A_MAX + 1] = {
	[VTL_PORT_A_SUSPENDED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTL_PORT_A_PERSIST] = {
		.type = NLA_REJECT,
		.reject_message = "counters are read-only",
	},
};

const struct vtl_service vtl_persist_service = {
	.name = "persist",
	.port_size = sizeof(struct vtl_persist),
	.n_counters = PERSIST_COUNTERS,
	.conn_size = sizeof(struct vtl_persist_conn),
	.port_policy = vtl_persist_port_policy,
	.port_set = vtl_persist_port_set,
	.port_init = vtl_persist_port_init,
	.frame = vtl_persist_frame,
	.track_frames = VTL_SVC_FROM_VM,
	.fill_port = vtl_persist_fill_port,
	.export_policy = vtl_persist_export_policy,
	.export_maxattr = VTL_PERSIST_EXPORT_A_MAX,
	.port_export = vtl_persist_port_export,
	.import_parse = vtl_persist_import_parse,
	.import_commit = vtl_persist_import_commit,
	.import_abort = vtl_persist_import_abort,
	.conn_export = vtl_persist_conn_export,
	.conn_import = vtl_persist_conn_import,
};
