// SPDX-License-Identifier: GPL-2.0
/*
 * Connection state models; see model.h.
 *
 * TCP is tracked the way nf_conntrack_proto_tcp.c does it: a state machine
 * over the flags, and Guido van Rooij's window bounds ("Real Stateful TCP
 * Packet Filtering in IP Filter") on every segment after the SYN.  For a
 * segment [seq, end) from the sender S to the receiver R, with ack and a
 * window win:
 *
 *   I   seq <= S.max_end              it starts in the window R offered
 *                                     (an empty one: or at S.snd_nxt)
 *   II  end >= S.snd_nxt - R.max_win  it is not older than R's largest window
 *   III ack <= R.snd_nxt              it acknowledges nothing R did not send
 *   IV  ack >= R.snd_nxt - max(S.max_win, MAXACKWINDOW)
 *
 * Unlike conntrack, an empty segment (a pure ACK) is checked at its own
 * sequence number rather than at S.snd_nxt: real stacks send pure ACKs at
 * snd_nxt (keepalives at snd_nxt - 1), well inside the bounds.
 */
#include "model.h"

/* Conntrack's MAXACKWINCONST: the least lag allowed for an ACK (IV). */
#define MODEL_MAXACKWIN		66000
/* The largest window TCP can advertise: 65535 << 14, below 2^30. */
#define MODEL_MAX_WIN		0x40000000U

#define MODEL_ICMP_ECHO_REPLY	0
#define MODEL_ICMP_ECHO		8
#define MODEL_ICMPV6_ECHO	128
#define MODEL_ICMPV6_ECHO_REPLY	129

#define MODEL_TCP_FLAGS		(VTL_TCP_SYN | VTL_TCP_ACK | VTL_TCP_FIN | \
				 VTL_TCP_RST)
#define MODEL_SYN_OPTS		(VTL_PKT_TCP_MSS | VTL_PKT_TCP_WSCALE | \
				 VTL_PKT_TCP_SACKOK | VTL_PKT_TCP_TS)

/* Sequence number comparisons modulo 2^32, as the kernel's before(). */
static bool seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool seq_after(u32 a, u32 b)
{
	return seq_before(b, a);
}

/* Is an ICMP (ICMPv6 if @v6) message of @type an echo request or reply? */
static bool model_echo_type(bool v6, u8 type, bool *request)
{
	u8 echo = v6 ? MODEL_ICMPV6_ECHO : MODEL_ICMP_ECHO;
	u8 reply = v6 ? MODEL_ICMPV6_ECHO_REPLY : MODEL_ICMP_ECHO_REPLY;

	*request = type == echo;
	return type == echo || type == reply;
}

static bool model_is_echo(const struct vtl_pkt *pkt, bool *request)
{
	if (!(pkt->flags & (VTL_PKT_ICMP | VTL_PKT_ICMPV6)))
		return false;
	return model_echo_type(pkt->flags & VTL_PKT_ICMPV6,
			       vtl_pkt_icmp_type(pkt), request);
}

/*
 * The key of an IP packet whose L4 header's first 8 bytes are readable at
 * @pkt->l4_off, parsed (a frame) or not (a quote in an ICMP error).  Writes
 * only the fields it sets, and only on success.
 */
static int model_key_l4(const struct vtl_pkt *pkt, bool from_vm,
			struct vtl_flow_key *key)
{
	bool v6 = pkt->flags & VTL_PKT_IPV6, request;
	u32 l4 = pkt->l4_off, alen = v6 ? 16 : 4;
	__be16 vm_port, peer_port;
	const u8 *vm_addr, *peer_addr;

	switch (pkt->l4_proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		vm_port = vtl_pkt_get_be16(pkt, l4 + (from_vm ? 0 : 2));
		peer_port = vtl_pkt_get_be16(pkt, l4 + (from_vm ? 2 : 0));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* ICMP over IPv6 or ICMPv6 over IPv4 is not tracked. */
		if (pkt->l4_proto != (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP) ||
		    !model_echo_type(v6, pkt->data[l4], &request))
			return -EPROTONOSUPPORT;
		vm_port = vtl_pkt_get_be16(pkt, l4 + 4);
		peer_port = 0;
		break;
	default:
		return -EPROTONOSUPPORT;
	}

	/* IPv4 and IPv6 sources and destinations are both 8 bytes apart. */
	vm_addr = pkt->data + pkt->l3_off + (v6 ? 8 : 12);
	peer_addr = vm_addr + alen;
	if (!from_vm) {
		const u8 *tmp = vm_addr;

		vm_addr = peer_addr;
		peer_addr = tmp;
	}
	memcpy(key->vm_addr, vm_addr, alen);
	memcpy(key->peer_addr, peer_addr, alen);
	key->vm_port = vm_port;
	key->peer_port = peer_port;
	key->family = v6 ? 6 : 4;
	key->proto = pkt->l4_proto;
	return 0;
}

/**
 * vtl_model_key - the flow a packet belongs to, seen from the VM
 * @pkt: parsed frame
 * @from_vm: the frame came out of the VM (its source is the VM)
 * @key: where to write the key; every byte is written
 *
 * Both directions of a flow give the same key.  For an ICMP echo request or
 * reply the VM's "port" is the echo identifier and the peer's is 0.  An
 * ICMP error has no key of its own: it neither creates nor matches a flow
 * by its header; vtl_model_key_icmp_error() gives the flow it is about.
 *
 * Return: 0; -EPROTONOSUPPORT for a frame that is not TCP, UDP or ICMP
 * echo over IPv4 or IPv6 (ARP, other ICMP types, ICMP errors included,
 * fragments other than the first, other protocols).
 */
int vtl_model_key(const struct vtl_pkt *pkt, bool from_vm,
		  struct vtl_flow_key *key)
{
	memset(key, 0, sizeof(*key));
	/* A fragment other than the first has no L4 header. */
	if (!(pkt->flags & VTL_PKT_IP) || !(pkt->flags & VTL_PKT_L4))
		return -EPROTONOSUPPORT;
	return model_key_l4(pkt, from_vm, key);
}

/**
 * vtl_model_key_icmp_error - the flow an ICMP error is about
 * @pkt: parsed frame
 * @from_vm: the error came out of the VM
 * @key: where to write the key; every byte is written
 *
 * An ICMP error (destination unreachable, source quench, redirect, time
 * exceeded, parameter problem) or ICMPv6 error (destination unreachable,
 * packet too big, time exceeded, parameter problem) quotes the packet that
 * caused it, which travelled the other way: an error going to the VM is
 * about a packet the VM sent.  The key is the one vtl_model_key() gives
 * that packet in its own direction, !@from_vm, so it is the key of the
 * connection the error is related to.  The quote is parsed by
 * vtl_pkt_parse_icmp_quote(): its IP header complete (options, extension
 * headers) and the first 8 bytes of its L4 header, which is all a key
 * needs; its IP length may exceed what was quoted.
 *
 * Return: 0; -EINVAL if @pkt is not such an error, or its quote is
 * malformed or truncated (or not readable within @pkt->len), of the other
 * IP family, a fragment other than the first, or neither TCP, UDP nor an
 * ICMP echo request or reply.
 */
int vtl_model_key_icmp_error(const struct vtl_pkt *pkt, bool from_vm,
			     struct vtl_flow_key *key)
{
	struct vtl_pkt quote;

	memset(key, 0, sizeof(*key));
	if (vtl_pkt_parse_icmp_quote(&quote, pkt) ||
	    (quote.flags & VTL_PKT_FRAG_LATER))
		return -EINVAL;
	if (model_key_l4(&quote, !from_vm, key))
		return -EINVAL;
	return 0;
}

/**
 * vtl_model_starts - may this packet create a model?
 * @pkt: parsed frame
 *
 * TCP: only a SYN without ACK, RST or FIN.  A connection is never picked
 * up in mid-stream: without its SYNs the window scale, and so every window
 * bound, is unknown.  UDP: any datagram.  ICMP: an echo request.
 *
 * Return: true if vtl_model_init() may be called with @pkt.
 */
bool vtl_model_starts(const struct vtl_pkt *pkt)
{
	struct vtl_flow_key key;
	bool request;

	if (vtl_model_key(pkt, true, &key))
		return false;
	if (pkt->flags & VTL_PKT_TCP)
		return (vtl_pkt_tcp_flags(pkt) & MODEL_TCP_FLAGS) ==
		       VTL_TCP_SYN;
	if (pkt->flags & VTL_PKT_UDP)
		return true;
	return model_is_echo(pkt, &request) && request;
}

/* @ep's window scale shift, 0 if not in use; a service may write @wscale. */
static u8 model_wscale(const struct vtl_ep *ep)
{
	if (!ep->wscale_ok)
		return 0;
	return ep->wscale > VTL_MODEL_MAX_WSCALE ? VTL_MODEL_MAX_WSCALE :
						   ep->wscale;
}

/* Window bytes a segment from @ep advertises. */
static u32 model_window(const struct vtl_ep *ep, const struct vtl_pkt *pkt)
{
	u32 win = vtl_pkt_tcp_window(pkt);

	if (!(vtl_pkt_tcp_flags(pkt) & VTL_TCP_SYN))
		win <<= model_wscale(ep);
	return win;
}

/* What any packet tells about its sender, TCP or not. */
static void model_note(struct vtl_model *m, struct vtl_ep *ep,
		       const struct vtl_pkt *pkt, u64 now)
{
	memcpy(ep->mac, vtl_pkt_eth_src(pkt), ETH_ALEN);
	if (pkt->flags & VTL_PKT_IPV4)
		ep->ip_id = vtl_pkt_ip4_id(pkt);
	ep->ttl = vtl_pkt_ip_ttl(pkt);
	if ((pkt->flags & VTL_PKT_TCP_TS) &&
	    (!ep->packets || !seq_before(pkt->tcp_tsval, ep->tsval))) {
		ep->tsval = pkt->tcp_tsval;
		ep->tsecr = pkt->tcp_tsecr;
	}
	ep->packets++;
	ep->bytes += pkt->frame_len;
	m->last_seen = now;
}

/* The options of a SYN or SYN-ACK from @ep. */
static void model_syn_opts(struct vtl_ep *ep, const struct vtl_pkt *pkt)
{
	ep->syn_opts = pkt->flags & MODEL_SYN_OPTS;
	ep->mss = pkt->flags & VTL_PKT_TCP_MSS ? pkt->tcp_mss : 0;
	ep->wscale = 0;
	if (pkt->flags & VTL_PKT_TCP_WSCALE)
		ep->wscale = pkt->tcp_wscale > VTL_MODEL_MAX_WSCALE ?
			     VTL_MODEL_MAX_WSCALE : pkt->tcp_wscale;
	ep->wscale_ok = false;
	ep->sack_ok = !!(pkt->flags & VTL_PKT_TCP_SACKOK);
	ep->ts_ok = !!(pkt->flags & VTL_PKT_TCP_TS);
}

/* Both SYNs seen: window scaling and timestamps need both sides' option. */
static void model_negotiate(struct vtl_model *m)
{
	struct vtl_ep *a = &m->ep[VTL_EP_VM], *b = &m->ep[VTL_EP_PEER];
	bool ws = !!(a->syn_opts & b->syn_opts & VTL_PKT_TCP_WSCALE);
	bool ts = !!(a->syn_opts & b->syn_opts & VTL_PKT_TCP_TS);

	a->wscale_ok = ws;
	b->wscale_ok = ws;
	a->ts_ok = ts;
	b->ts_ok = ts;
}

/**
 * vtl_model_init - start a model from the flow's first packet
 * @m: the model to fill; every byte is written
 * @pkt: a parsed frame for which vtl_model_starts() is true
 * @from_vm: the frame came out of the VM
 * @now: the time of the packet
 *
 * The sender becomes the initiator, state %VTL_CONN_NEW.  The other
 * endpoint's MAC address is taken from the frame's destination until that
 * endpoint speaks.
 */
void vtl_model_init(struct vtl_model *m, const struct vtl_pkt *pkt,
		    bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;
	struct vtl_ep *snd = &m->ep[s];

	memset(m, 0, sizeof(*m));
	vtl_model_key(pkt, from_vm, &m->key);
	m->state = VTL_CONN_NEW;
	m->initiator = s;
	m->created = now;
	memcpy(m->ep[!s].mac, vtl_pkt_eth_dst(pkt), ETH_ALEN);
	if (pkt->flags & VTL_PKT_TCP) {
		u32 seq = vtl_pkt_tcp_seq(pkt);

		model_syn_opts(snd, pkt);
		snd->isn = seq;
		snd->snd_nxt = seq + vtl_pkt_tcp_seg_len(pkt);
		snd->max_end = snd->snd_nxt;
		snd->window = vtl_pkt_tcp_window(pkt);
		snd->max_win = snd->window ? snd->window : 1;
	}
	model_note(m, snd, pkt, now);
}

/* Fill in what an endpoint given whole did not say about the window. */
static void model_init_bounds(struct vtl_ep *e, const struct vtl_ep *o)
{
	u32 owin = o->window ? o->window : 1;

	if (e->wscale > VTL_MODEL_MAX_WSCALE)
		e->wscale = VTL_MODEL_MAX_WSCALE;
	if (!e->max_win)
		e->max_win = e->window ? e->window : 1;
	if (e->max_win > MODEL_MAX_WIN)
		e->max_win = MODEL_MAX_WIN;
	if (!e->max_end) {
		e->max_end = o->ack + owin;
		if (seq_before(e->max_end, e->snd_nxt))
			e->max_end = e->snd_nxt + owin;
	}
}

/**
 * vtl_model_init_tcp - start a TCP model from explicit endpoint states
 * @m: the model to fill; every byte is written
 * @key: the flow (@key->proto should be IPPROTO_TCP)
 * @vm: the VM's endpoint
 * @peer: the peer's endpoint
 * @state: &enum vtl_conn_state; an unknown value is taken as closed
 * @now: the time of creation
 *
 * For services that create connections themselves (through netlink or the
 * daemon).  The VM is taken as the initiator.  An endpoint's @max_win and
 * @max_end left at 0 are derived from the windows and acknowledgments:
 * @max_win from its own window, @max_end from the other side's ack and
 * window.
 */
void vtl_model_init_tcp(struct vtl_model *m, const struct vtl_flow_key *key,
			const struct vtl_ep *vm, const struct vtl_ep *peer,
			u8 state, u64 now)
{
	memset(m, 0, sizeof(*m));
	m->key = *key;
	memset(m->key.pad, 0, sizeof(m->key.pad));
	m->state = state < VTL_CONN_STATE_COUNT ? state : VTL_CONN_CLOSED;
	m->initiator = VTL_EP_VM;
	m->ep[VTL_EP_VM] = *vm;
	m->ep[VTL_EP_PEER] = *peer;
	model_init_bounds(&m->ep[VTL_EP_VM], peer);
	model_init_bounds(&m->ep[VTL_EP_PEER], vm);
	m->created = now;
	m->last_seen = now;
}

/* The van Rooij bounds I-IV of the comment on top of this file. */
static bool model_in_window(const struct vtl_ep *snd, const struct vtl_ep *rcv,
			    u32 seq, u32 end, u32 ack)
{
	u32 ackwin = snd->max_win > MODEL_MAXACKWIN ? snd->max_win :
						       MODEL_MAXACKWIN;

	/*
	 * An empty segment (an ACK, a RST) may also start at snd_nxt when
	 * that lies beyond the window: after a window probe, say.
	 */
	u32 max_seq = seq == end && seq_after(snd->snd_nxt, snd->max_end) ?
		      snd->snd_nxt : snd->max_end;

	return !seq_after(seq, max_seq) &&
	       !seq_before(end, snd->snd_nxt - rcv->max_win) &&
	       !seq_after(ack, rcv->snd_nxt) &&
	       !seq_before(ack, rcv->snd_nxt - ackwin);
}

/* Apply a segment that passed model_in_window(), as tcp_in_window() does. */
static void model_tcp_apply(struct vtl_ep *snd, struct vtl_ep *rcv,
			    const struct vtl_pkt *pkt, u32 end, u32 ack)
{
	u8 flags = vtl_pkt_tcp_flags(pkt);
	u32 win = model_window(snd, pkt);

	if (snd->max_win < win)
		snd->max_win = win;
	if (seq_after(end, snd->snd_nxt))
		snd->snd_nxt = end;
	if ((flags & VTL_TCP_ACK) && (!snd->ack || seq_after(ack, snd->ack)))
		snd->ack = ack;
	if (rcv->max_win && seq_after(end, snd->max_end))
		rcv->max_win += end - snd->max_end;
	/* Keep the bounds within half the sequence space (RFC 7323 2.3). */
	if (rcv->max_win > MODEL_MAX_WIN)
		rcv->max_win = MODEL_MAX_WIN;
	if (snd->max_win > MODEL_MAX_WIN)
		snd->max_win = MODEL_MAX_WIN;
	if (seq_after(ack + win, rcv->max_end - 1)) {
		rcv->max_end = ack + win;
		if (!win)
			rcv->max_end++;
	}
	if (!(flags & VTL_TCP_RST))
		snd->window = win;
	if (flags & VTL_TCP_FIN)
		snd->fin = true;
}

/* After the handshake, the state follows from the FINs and their ACKs. */
static u8 model_closing_state(const struct vtl_model *m)
{
	const struct vtl_ep *a = &m->ep[VTL_EP_VM], *b = &m->ep[VTL_EP_PEER];

	if (!a->fin && !b->fin)
		return VTL_CONN_ESTABLISHED;
	if (!a->fin || !b->fin)
		return VTL_CONN_FIN_WAIT;
	if (a->ack == b->snd_nxt && b->ack == a->snd_nxt)
		return VTL_CONN_TIME_WAIT;
	return VTL_CONN_CLOSING;
}

/*
 * A SYN (without ACK).  From the initiator before the handshake is done,
 * a retransmission; with a new ISN in state NEW, or from either side once
 * the connection is over, a new connection on the same ports, as conntrack
 * reopens one.  Simultaneous open is not tracked.
 */
static enum vtl_model_verdict model_tcp_syn(struct vtl_model *m,
					    const struct vtl_pkt *pkt,
					    bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;
	struct vtl_ep *snd = &m->ep[s];
	u8 flags = vtl_pkt_tcp_flags(pkt);

	if (flags & (VTL_TCP_RST | VTL_TCP_FIN))
		return VTL_MODEL_INVALID;
	if (m->state == VTL_CONN_TIME_WAIT || m->state == VTL_CONN_CLOSED ||
	    (m->state == VTL_CONN_NEW && s == m->initiator &&
	     vtl_pkt_tcp_seq(pkt) != snd->isn)) {
		vtl_model_init(m, pkt, from_vm, now);
		return VTL_MODEL_VALID;
	}
	if (s != m->initiator || vtl_pkt_tcp_seq(pkt) != snd->isn ||
	    m->state > VTL_CONN_SYN_RECV)
		return VTL_MODEL_INVALID;
	model_note(m, snd, pkt, now);
	return VTL_MODEL_VALID;
}

/* A SYN-ACK: the responder's answer, or its retransmission. */
static enum vtl_model_verdict model_tcp_synack(struct vtl_model *m,
					       const struct vtl_pkt *pkt,
					       bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;
	struct vtl_ep *snd = &m->ep[s], *rcv = &m->ep[!s];
	u32 seq = vtl_pkt_tcp_seq(pkt), ack = vtl_pkt_tcp_ack(pkt);
	u32 win = vtl_pkt_tcp_window(pkt);

	if ((vtl_pkt_tcp_flags(pkt) & (VTL_TCP_RST | VTL_TCP_FIN)) ||
	    s == m->initiator)
		return VTL_MODEL_INVALID;
	if (m->state == VTL_CONN_NEW) {
		/* It may ack less than a SYN's data (TCP Fast Open refused). */
		if (seq_before(ack, rcv->isn + 1) ||
		    seq_after(ack, rcv->snd_nxt) || vtl_pkt_payload_len(pkt))
			return VTL_MODEL_INVALID;
		model_syn_opts(snd, pkt);
		model_negotiate(m);
		snd->isn = seq;
		snd->snd_nxt = seq + 1;
		snd->max_end = snd->snd_nxt;
		snd->window = win;
		snd->max_win = win ? win : 1;
		snd->ack = ack;
		rcv->max_end = ack + (win ? win : 1);
		m->state = VTL_CONN_SYN_RECV;
		model_note(m, snd, pkt, now);
		return VTL_MODEL_VALID;
	}
	/* A retransmission: the initiator's ACK was lost or is late. */
	if ((m->state == VTL_CONN_SYN_RECV ||
	     m->state == VTL_CONN_ESTABLISHED) &&
	    seq == snd->isn && ack == rcv->isn + 1) {
		model_note(m, snd, pkt, now);
		return VTL_MODEL_VALID;
	}
	return VTL_MODEL_INVALID;
}

/* RST before the responder spoke: RFC 793 SYN-SENT rules. */
static enum vtl_model_verdict model_tcp_new_rst(struct vtl_model *m,
						const struct vtl_pkt *pkt,
						bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;
	struct vtl_ep *snd = &m->ep[s], *rcv = &m->ep[!s];
	u8 flags = vtl_pkt_tcp_flags(pkt);

	if (s == m->initiator) {
		if (vtl_pkt_tcp_seq(pkt) != snd->snd_nxt)
			return VTL_MODEL_INVALID;
	} else if (!(flags & VTL_TCP_ACK) ||
		   vtl_pkt_tcp_ack(pkt) != rcv->snd_nxt) {
		return VTL_MODEL_INVALID;
	}
	m->state = VTL_CONN_CLOSED;
	model_note(m, snd, pkt, now);
	return VTL_MODEL_VALID;
}

static enum vtl_model_verdict model_tcp_update(struct vtl_model *m,
					       const struct vtl_pkt *pkt,
					       bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;
	u8 flags = vtl_pkt_tcp_flags(pkt) & MODEL_TCP_FLAGS;
	u32 seq = vtl_pkt_tcp_seq(pkt), ack = vtl_pkt_tcp_ack(pkt);
	u32 end = seq + vtl_pkt_tcp_seg_len(pkt);
	struct vtl_model n;
	struct vtl_ep *snd, *rcv;

	if (flags & VTL_TCP_SYN)
		return flags & VTL_TCP_ACK ?
		       model_tcp_synack(m, pkt, from_vm, now) :
		       model_tcp_syn(m, pkt, from_vm, now);
	if (flags & VTL_TCP_RST) {
		if (m->state == VTL_CONN_NEW)
			return model_tcp_new_rst(m, pkt, from_vm, now);
		/* A RST without ACK (or acking 0) acknowledges nothing. */
		if (!(flags & VTL_TCP_ACK) || !ack)
			ack = m->ep[!s].snd_nxt;
	} else if (!(flags & VTL_TCP_ACK)) {
		/* After the SYN, every segment carries ACK (RFC 793). */
		return VTL_MODEL_INVALID;
	}

	switch (m->state) {
	case VTL_CONN_NEW:
		/* Data, ACK or FIN before the responder's SYN-ACK. */
		return VTL_MODEL_INVALID;
	case VTL_CONN_SYN_RECV:
		/* The responder may only repeat its SYN-ACK, or reset. */
		if (s != m->initiator && !(flags & VTL_TCP_RST))
			return VTL_MODEL_INVALID;
		/* The initiator's ACK completes the handshake: it must ack. */
		if (s == m->initiator && !(flags & VTL_TCP_RST) &&
		    ack != m->ep[!s].snd_nxt)
			return VTL_MODEL_INVALID;
		break;
	case VTL_CONN_CLOSED:
		/* Further RSTs are harmless; anything else is stray. */
		if (!(flags & VTL_TCP_RST))
			return VTL_MODEL_INVALID;
		model_note(m, &m->ep[s], pkt, now);
		return VTL_MODEL_VALID;
	default:
		break;
	}

	/* Work on a copy: an INVALID segment must leave @m untouched. */
	memcpy(&n, m, sizeof(n));
	snd = &n.ep[s];
	rcv = &n.ep[!s];
	if (!model_in_window(snd, rcv, seq, end, ack))
		return VTL_MODEL_INVALID;
	/* Nothing may follow a FIN, and a repeated FIN ends where it did. */
	if (snd->fin && (seq_after(end, snd->snd_nxt) ||
			 ((flags & VTL_TCP_FIN) && end != snd->snd_nxt)))
		return VTL_MODEL_INVALID;
	model_tcp_apply(snd, rcv, pkt, end, ack);
	model_note(&n, snd, pkt, now);
	if (flags & VTL_TCP_RST)
		n.state = VTL_CONN_CLOSED;
	else
		n.state = model_closing_state(&n);
	memcpy(m, &n, sizeof(n));
	return VTL_MODEL_VALID;
}

/**
 * vtl_model_match - does a packet belong to the model's flow?
 * @m: the model
 * @pkt: parsed frame
 * @from_vm: the frame came out of the VM
 *
 * Return: true if the packet's key, seen in that direction, is the model's.
 */
bool vtl_model_match(const struct vtl_model *m, const struct vtl_pkt *pkt,
		     bool from_vm)
{
	struct vtl_flow_key key;

	return !vtl_model_key(pkt, from_vm, &key) &&
	       !memcmp(&key, &m->key, sizeof(key));
}

/**
 * vtl_model_update - keep a model in step with a packet of its flow
 * @m: the model
 * @pkt: parsed frame
 * @from_vm: the frame came out of the VM
 * @now: the time of the packet
 *
 * TCP follows conntrack's state machine and window tracking: see the
 * comment on top of this file.  Retransmitted and reordered segments within
 * the window are valid and never move the state back.  UDP and ICMP are
 * always valid (if they match); they move from %VTL_CONN_NEW to
 * %VTL_CONN_ESTABLISHED when the other side first answers.
 *
 * A SYN on a connection that is over (time-wait or closed), or from the
 * initiator with a new ISN before the handshake is done, starts the model
 * afresh from it.
 *
 * Return: %VTL_MODEL_VALID, the model updated; %VTL_MODEL_INVALID, for a
 * packet not of this flow or not valid in it, the model unchanged.
 */
enum vtl_model_verdict vtl_model_update(struct vtl_model *m,
					const struct vtl_pkt *pkt,
					bool from_vm, u64 now)
{
	enum vtl_ep_id s = from_vm ? VTL_EP_VM : VTL_EP_PEER;

	if (!vtl_model_match(m, pkt, from_vm))
		return VTL_MODEL_INVALID;
	if (pkt->flags & VTL_PKT_TCP)
		return model_tcp_update(m, pkt, from_vm, now);
	if (s != m->initiator && m->state == VTL_CONN_NEW)
		m->state = VTL_CONN_ESTABLISHED;
	model_note(m, &m->ep[s], pkt, now);
	return VTL_MODEL_VALID;
}

/**
 * vtl_model_timeout - how long the model may stay idle
 * @m: the model
 *
 * nf_conntrack's default timeouts.  Its CLOSE_WAIT (the one FIN sent has
 * been acknowledged) and LAST_ACK (both FINs sent, the last ACK pending)
 * are told apart from our fin-wait and closing states.
 *
 * Return: nanoseconds after @m->last_seen when the model may be dropped.
 */
u64 vtl_model_timeout(const struct vtl_model *m)
{
	const struct vtl_ep *a = &m->ep[VTL_EP_VM], *b = &m->ep[VTL_EP_PEER];

	if (m->key.proto == IPPROTO_UDP)
		return m->state == VTL_CONN_NEW ? VTL_MODEL_TIMEOUT_UDP :
						  VTL_MODEL_TIMEOUT_UDP_REPLIED;
	if (m->key.proto != IPPROTO_TCP)
		return VTL_MODEL_TIMEOUT_ICMP;
	switch (m->state) {
	case VTL_CONN_NEW:
		return VTL_MODEL_TIMEOUT_SYN_SENT;
	case VTL_CONN_SYN_RECV:
		return VTL_MODEL_TIMEOUT_SYN_RECV;
	case VTL_CONN_ESTABLISHED:
		return VTL_MODEL_TIMEOUT_ESTABLISHED;
	case VTL_CONN_FIN_WAIT:
		if ((a->fin && b->ack == a->snd_nxt) ||
		    (b->fin && a->ack == b->snd_nxt))
			return VTL_MODEL_TIMEOUT_CLOSE_WAIT;
		return VTL_MODEL_TIMEOUT_FIN_WAIT;
	case VTL_CONN_CLOSING:
		return VTL_MODEL_TIMEOUT_LAST_ACK;
	case VTL_CONN_TIME_WAIT:
		return VTL_MODEL_TIMEOUT_TIME_WAIT;
	default:
		return VTL_MODEL_TIMEOUT_CLOSE;
	}
}

/**
 * vtl_model_build - write a TCP segment of the connection
 * @m: the model
 * @from: the endpoint the segment is to seem to come from
 * @tcp_flags: VTL_TCP_* flags
 * @window: the window to advertise, in bytes: scaled down by the
 *	endpoint's window scale when scaling is in use (not on a SYN), and
 *	capped at what the field can carry
 * @payload: bytes to carry, or NULL when @payload_len is 0
 * @payload_len: their number
 * @buf: where to write the frame, or NULL to learn its length
 * @size: bytes available at @buf
 *
 * Ethernet from @from's MAC address to the other endpoint's (no VLAN tag),
 * IP with the endpoints' addresses, @from's TTL (%VTL_MODEL_DEFAULT_TTL if
 * it has not spoken) and next IPv4 ID, and TCP
 * with seq = @from's snd_nxt (its ISN for a SYN) and, with ACK, ack = the
 * other endpoint's snd_nxt: exactly what the model has seen the other side
 * send.  With timestamps in use, tsval is @from's last one plus one and
 * tsecr the other side's last one.  A SYN carries the options @from's
 * own SYN did.  Checksums are full.
 *
 * The model is not changed.  Whoever sends the frame passes it to
 * vtl_model_update() too, as if it had been seen on the wire; the model
 * then accepts it as valid and moves on (seq, IP ID, timestamps, state).
 *
 * To answer a SYN as the endpoint that has not spoken (impersonating the
 * peer, as Tor-VTL does), set that endpoint's @isn, and @syn_opts, @mss
 * and @wscale for the options to offer, then build SYN|ACK from it and
 * feed it back: the model moves to %VTL_CONN_SYN_RECV with the options
 * negotiated.
 *
 * Return: the frame length; -EOPNOTSUPP for a flow that is not TCP;
 * -EINVAL for an unknown endpoint; -ENOSPC if @size is too small; else as
 * vtl_pkt_build_tcp().
 */
int vtl_model_build(const struct vtl_model *m, enum vtl_ep_id from,
		    u8 tcp_flags, u32 window, const void *payload,
		    u32 payload_len, u8 *buf, u32 size)
{
	struct vtl_pkt_tcp tcp;
	int err;

	err = vtl_model_tcp(m, from, tcp_flags, window, &tcp);
	if (err)
		return err;
	tcp.payload = payload;
	tcp.payload_len = payload_len;
	return vtl_pkt_build_tcp(buf, size, &tcp);
}

/**
 * vtl_model_tcp - the fields of a TCP segment of the connection
 * @m: the model
 * @from: the endpoint the segment is to seem to come from
 * @tcp_flags: VTL_TCP_* flags
 * @window: the window to advertise, in bytes, as for vtl_model_build()
 * @out: set to what vtl_model_build() writes, without payload, for a
 *	caller to change (its checksum, say) before vtl_pkt_build_tcp()
 *
 * Return: 0; -EOPNOTSUPP for a flow that is not TCP; -EINVAL for an
 * unknown endpoint.
 */
int vtl_model_tcp(const struct vtl_model *m, enum vtl_ep_id from,
		  u8 tcp_flags, u32 window, struct vtl_pkt_tcp *out)
{
	const struct vtl_ep *ep, *other;
	struct vtl_pkt_tcp tcp;
	u32 alen;

	if (m->key.proto != IPPROTO_TCP)
		return -EOPNOTSUPP;
	if (from != VTL_EP_VM && from != VTL_EP_PEER)
		return -EINVAL;
	ep = &m->ep[from];
	other = &m->ep[!from];

	memset(&tcp, 0, sizeof(tcp));
	memcpy(tcp.eth_src, ep->mac, ETH_ALEN);
	memcpy(tcp.eth_dst, other->mac, ETH_ALEN);
	tcp.ipv6 = m->key.family == 6;
	alen = tcp.ipv6 ? 16 : 4;
	if (from == VTL_EP_VM) {
		memcpy(&tcp.saddr, m->key.vm_addr, alen);
		memcpy(&tcp.daddr, m->key.peer_addr, alen);
		tcp.sport = m->key.vm_port;
		tcp.dport = m->key.peer_port;
	} else {
		memcpy(&tcp.saddr, m->key.peer_addr, alen);
		memcpy(&tcp.daddr, m->key.vm_addr, alen);
		tcp.sport = m->key.peer_port;
		tcp.dport = m->key.vm_port;
	}
	tcp.ttl = ep->ttl ? ep->ttl : VTL_MODEL_DEFAULT_TTL;
	tcp.ip_id = ep->ip_id + 1;
	tcp.flags = tcp_flags;
	tcp.seq = tcp_flags & VTL_TCP_SYN ? ep->isn : ep->snd_nxt;
	if (tcp_flags & VTL_TCP_ACK)
		tcp.ack = other->snd_nxt;
	if (!(tcp_flags & VTL_TCP_SYN))
		window >>= model_wscale(ep);
	tcp.window = window > 0xffff ? 0xffff : window;
	if (tcp_flags & VTL_TCP_SYN) {
		tcp.opts = ep->syn_opts & MODEL_SYN_OPTS;
		tcp.mss = ep->mss;
		tcp.wscale = ep->wscale;
	}
	if (ep->ts_ok)
		tcp.opts |= VTL_PKT_TCP_TS;
	tcp.tsval = ep->tsval + 1;
	tcp.tsecr = other->tsval;
	*out = tcp;
	return 0;
}

/**
 * vtl_model_state_name - a state's name, for logs and netlink dumps
 * @state: &enum vtl_conn_state
 *
 * Return: "new", "syn-recv", "established", "fin-wait", "closing",
 * "time-wait", "closed", or "unknown".
 */
const char *vtl_model_state_name(u8 state)
{
	static const char * const names[VTL_CONN_STATE_COUNT] = {
		[VTL_CONN_NEW] = "new",
		[VTL_CONN_SYN_RECV] = "syn-recv",
		[VTL_CONN_ESTABLISHED] = "established",
		[VTL_CONN_FIN_WAIT] = "fin-wait",
		[VTL_CONN_CLOSING] = "closing",
		[VTL_CONN_TIME_WAIT] = "time-wait",
		[VTL_CONN_CLOSED] = "closed",
	};

	return state < VTL_CONN_STATE_COUNT ? names[state] : "unknown";
}
