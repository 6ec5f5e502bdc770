// SPDX-License-Identifier: GPL-2.0
/*
 * proxy_dns: a sealed proxy's DNS, answered here and never forwarded (see
 * proxy.h): UDP and TCP port 53 from the VM, by automap, by a RESOLVE
 * through the far end (an upstream with @resolve), or REFUSED; and the
 * sorting of the VM's frames that sends them here and drops the rest.
 * The SOCKS service's policy, beside the relay core (proxy.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "proxy_int.h"

static void dns_answer(struct proxy *p, const struct dns_query *q,
		       struct relay *r, const uint8_t *frame,
		       size_t frame_len);

/*
 * Send @msg to the VM as the answer to the UDP query in @qframe (its
 * Ethernet, IPv4 or IPv6 and UDP headers, @qlen bytes up to the payload, as
 * vtl_pkt_parse() found them): the addresses and ports swapped, the
 * checksums computed by pkt.c, as its builders do.
 */
static void udp_reply(struct proxy *p, const uint8_t *qframe, size_t qlen,
		      const uint8_t *msg, size_t len)
{
	uint8_t frame[ETH_HLEN + VTL_PKT_IP6_HLEN + VTL_PKT_UDP_HLEN +
		      DNS_REPLY_MAX];
	const uint8_t *qip = qframe + ETH_HLEN;
	bool v6 = qlen > ETH_HLEN && qip[0] >> 4 == 6;
	size_t iplen = v6 ? VTL_PKT_IP6_HLEN : VTL_PKT_IP4_HLEN;
	uint8_t *ip = frame + ETH_HLEN, *udp = ip + iplen;
	size_t ulen = VTL_PKT_UDP_HLEN + len, n = ETH_HLEN + iplen + ulen;
	struct vtl_pkt pkt;

	if (len > DNS_REPLY_MAX || qlen < ETH_HLEN + iplen + VTL_PKT_UDP_HLEN)
		return;
	memcpy(frame, qframe + 6, 6);		/* to the VM's MAC */
	memcpy(frame + 6, p->cfg.mac, 6);
	frame[12] = v6 ? 0x86 : 0x08;
	frame[13] = v6 ? 0xdd : 0x00;
	memset(ip, 0, iplen);
	if (v6) {
		ip[0] = 0x60;
		ip[4] = ulen >> 8;
		ip[5] = ulen & 0xff;
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, qip + 24, 16);	/* from where it went */
		memcpy(ip + 24, qip + 8, 16);
	} else {
		ip[0] = 0x45;
		ip[2] = (VTL_PKT_IP4_HLEN + ulen) >> 8;
		ip[3] = (VTL_PKT_IP4_HLEN + ulen) & 0xff;
		ip[6] = 0x40;			/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		memcpy(ip + 12, qip + 16, 4);	/* from where it went */
		memcpy(ip + 16, qip + 12, 4);
	}
	/* the query's UDP header is right before its payload */
	memcpy(udp, qframe + qlen - VTL_PKT_UDP_HLEN + 2, 2);
	memcpy(udp + 2, qframe + qlen - VTL_PKT_UDP_HLEN, 2);
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	udp[6] = udp[7] = 0;
	memcpy(udp + VTL_PKT_UDP_HLEN, msg, len);
	if (vtl_pkt_parse(&pkt, frame, n, n) ||
	    (!v6 && vtl_pkt_ip4_csum_fill(&pkt)) || vtl_pkt_l4_csum_fill(&pkt))
		return;
	p->cfg.output(p->cfg.arg, frame, n, NULL);
}

/* Send a reply to the VM: over UDP (@frame) or its TCP connection (@r). */
static void dns_send(struct proxy *p, const struct dns_query *q,
		     struct relay *r, const uint8_t *frame, size_t frame_len,
		     uint8_t rcode, int family, const uint8_t *addr)
{
	uint8_t msg[2 + DNS_REPLY_MAX];
	ssize_t n = dns_build_reply(q, rcode, family, addr, DNS_TTL, msg + 2,
				    DNS_REPLY_MAX);

	if (n < 0)
		return;
	if (rcode == DNS_RCODE_NOERROR && family)
		p->n.dns_answers++;
	else if (rcode == DNS_RCODE_REFUSED)
		p->n.dns_refused++;
	else if (rcode)
		p->n.dns_failed++;
	if (r) {
		msg[0] = n >> 8;
		msg[1] = n & 0xff;
		tcpep_write(r->c, msg, n + 2, proxy_now());
	} else {
		udp_reply(p, frame, frame_len, msg + 2, n);
	}
}

/* Ask the far end to RESOLVE @q's name; the answer comes in rjob_pump(). */
static void rjob_start(struct proxy *p, const struct dns_query *q,
		       struct relay *r, const uint8_t *frame,
		       size_t frame_len)
{
	struct vtl_upstream_dst dst = { .name = q->name, .resolve = true };
	struct rjob *j = calloc(1, sizeof(*j));
	enum vtl_upstream_state st;

	if (!j || p->nr_rjobs >= PROXY_RJOBS_MAX ||
	    frame_len > sizeof(j->frame))
		goto fail;
	j->up = upstream_new(p);
	if (!j->up)
		goto fail;
	st = j->up->ops->connect(j->up, &dst);
	if (st == VTL_UP_UNREACHABLE)
		log_upstream(p, j->up->error);
	if (st != VTL_UP_PENDING)
		goto fail;
	j->deadline = proxy_now() + p->cfg.up_timeout;
	j->q = *q;
	j->relay = r;
	memcpy(j->frame, frame, frame_len);
	j->frame_len = frame_len;
	j->next = p->rjobs;
	p->rjobs = j;
	p->nr_rjobs++;
	p->n.resolves++;
	return;
fail:
	if (j)
		upstream_free(j->up, false);
	free(j);
	dns_send(p, q, r, frame, frame_len, DNS_RCODE_SERVFAIL, 0, NULL);
}

/* Send the answer of @j, if its asker is still there, and free it. */
static void rjob_done(struct proxy *p, struct rjob *j, bool ok)
{
	struct rjob **pp;

	if (ok)
		dns_cache_put(&p->cache, j->q.name, AF_INET, j->up->addr,
			      DNS_TTL, proxy_now());
	if (j->relay || j->frame_len)
		dns_send(p, &j->q, j->relay, j->frame, j->frame_len,
			 ok ? DNS_RCODE_NOERROR : DNS_RCODE_SERVFAIL,
			 ok ? AF_INET : 0, j->up->addr);
	for (pp = &p->rjobs; *pp != j; pp = &(*pp)->next)
		;
	*pp = j->next;
	p->nr_rjobs--;
	upstream_free(j->up, false);
	free(j);
}

static void rjob_pump(struct proxy *p, struct rjob *j, uint64_t now)
{
	enum vtl_upstream_state st;

	if (now >= j->deadline) {
		rjob_done(p, j, false);
		return;
	}
	st = j->up->ops->handshake(j->up);
	if (st == VTL_UP_PENDING)
		return;
	if (st == VTL_UP_UNREACHABLE)
		log_upstream(p, j->up->error);
	rjob_done(p, j, st == VTL_UP_READY && j->up->family == AF_INET);
}

/* A parsed query of the VM's: answer it, now or once the proxy has. */
static void dns_answer(struct proxy *p, const struct dns_query *q,
		       struct relay *r, const uint8_t *frame,
		       size_t frame_len)
{
	uint8_t a[4];
	uint32_t addr;

	p->n.dns_queries++;
	if (p->cfg.dns == PROXY_DNS_DROP || q->qclass != DNS_CLASS_IN ||
	    (q->qtype != DNS_TYPE_A && q->qtype != DNS_TYPE_AAAA) ||
	    !q->name[0]) {
		dns_send(p, q, r, frame, frame_len, DNS_RCODE_REFUSED, 0,
			 NULL);
		return;
	}
	/*
	 * AAAA: no data, so that the resolver goes on with A; the proxy
	 * reaches IPv6 hosts by name anyway.
	 */
	if (q->qtype == DNS_TYPE_AAAA) {
		dns_send(p, q, r, frame, frame_len, DNS_RCODE_NOERROR, 0,
			 NULL);
		return;
	}
	if (p->cfg.dns == PROXY_DNS_AUTOMAP) {
		if (dns_automap_map(p->automap, q->name, &addr)) {
			dns_send(p, q, r, frame, frame_len,
				 DNS_RCODE_SERVFAIL, 0, NULL);
			return;
		}
		addr = htonl(addr);
		memcpy(a, &addr, 4);
		dns_send(p, q, r, frame, frame_len, DNS_RCODE_NOERROR,
			 AF_INET, a);
		return;
	}
	if (dns_cache_get(&p->cache, q->name, AF_INET, proxy_now(), a)) {
		dns_send(p, q, r, frame, frame_len, DNS_RCODE_NOERROR,
			 AF_INET, a);
		return;
	}
	rjob_start(p, q, r, frame, frame_len);
}

/* A UDP datagram to port 53 from the VM (parsed by vtl_pkt_parse()). */
static void dns_udp_input(struct proxy *p, const struct vtl_pkt *pkt)
{
	struct dns_query q;

	if (dns_parse_query(pkt->data + pkt->payload_off,
			    pkt->l4_end - pkt->payload_off, &q)) {
		p->n.dns_bad++;
		return;
	}
	dns_answer(p, &q, NULL, pkt->data, pkt->payload_off);
}

/* DNS over TCP: every whole message the VM has sent, answered. */
void proxy_dns_tcp_input(struct relay *r)
{
	struct proxy *p = r->p;
	const uint8_t *msg;
	struct dns_query q;
	size_t len;
	ssize_t n;

	for (;;) {
		n = tcpep_read(r->c, r->dns_buf + r->dns_len,
			       UPBUF - r->dns_len, proxy_now());
		if (n == 0)
			r->vm_eof = true;
		if (n <= 0)
			break;
		r->dns_len += n;
	}
	while ((n = dns_tcp_message(r->dns_buf, r->dns_len, &msg, &len)) > 0) {
		if (dns_parse_query(msg, len, &q))
			p->n.dns_bad++;
		else
			dns_answer(p, &q, r, NULL, 0);
		memmove(r->dns_buf, r->dns_buf + n, r->dns_len - n);
		r->dns_len -= n;
	}
	/* An empty message, or one that cannot fit: nothing sane follows. */
	if (n < 0 || r->dns_len == UPBUF) {
		p->n.dns_bad++;
		r->vm_eof = true;
	}
}

/*
 * Sealed (the SOCKS service), the VM's frames are sorted before tcpep sees
 * them: TCP (and IPv6 only with @ipv6), ARP and neighbour discovery go on;
 * UDP to port 53 is answered here; everything else is dropped.
 */
bool proxy_dns_filter(struct proxy *p, uint8_t *frame, size_t len)
{
	struct vtl_pkt pkt;

	if (vtl_pkt_parse(&pkt, frame, len, len))
		return true;	/* tcpep counts it as bad */
	if (pkt.flags & VTL_PKT_ARP)
		return true;
	if ((pkt.flags & VTL_PKT_IPV6) && !p->cfg.ipv6) {
		/* filtered */
	} else if (pkt.flags & (VTL_PKT_TCP | VTL_PKT_ICMPV6)) {
		return true;
	} else if ((pkt.flags & VTL_PKT_UDP) && !(pkt.flags & VTL_PKT_FRAG) &&
		   !pkt.nr_vlan && ntohs(vtl_pkt_dport(&pkt)) == DNS_PORT) {
		dns_udp_input(p, &pkt);
		return false;
	}
	p->n.filtered++;
	return false;
}

void proxy_dns_handle(struct proxy *p, uint64_t now)
{
	struct rjob *j, *jnext;

	for (j = p->rjobs; j; j = jnext) {
		jnext = j->next;
		rjob_pump(p, j, now);
	}
}

unsigned int proxy_dns_pollfds(const struct proxy *p, struct pollfd *pfd,
			       unsigned int n, unsigned int max)
{
	struct rjob *j;

	for (j = p->rjobs; j && n < max; j = j->next, n++) {
		pfd[n].fd = j->up->fd;
		pfd[n].events = j->up->ops->events(j->up);
		pfd[n].revents = 0;
	}
	return n;
}

uint64_t proxy_dns_deadline(const struct proxy *p, uint64_t next)
{
	struct rjob *j;

	for (j = p->rjobs; j; j = j->next)
		if (j->deadline < next)
			next = j->deadline;
	return next;
}

/* @r goes: a RESOLVE for it answers nobody. */
void proxy_dns_forget(struct proxy *p, const struct relay *r)
{
	struct rjob *j;

	for (j = p->rjobs; j; j = j->next)
		if (j->relay == r)
			j->relay = NULL;
}

void proxy_dns_destroy(struct proxy *p)
{
	struct rjob *j;

	while ((j = p->rjobs)) {
		p->rjobs = j->next;
		upstream_free(j->up, false);
		free(j);
	}
}
