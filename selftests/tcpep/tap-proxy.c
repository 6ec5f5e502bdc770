// SPDX-License-Identifier: GPL-2.0
/*
 * tap-proxy: the test harness of tcpep (vtlctl/tcpep.c), the userspace TCP
 * endpoint, with a TAP device standing in for the kernel's ring.
 *
 *   tap-proxy [--drop-rate P] [--mtu N] [--seed N] TAPDEV HOST:PORT
 *   tap-proxy [--drop-rate P] [--mtu N] [--seed N] --socks HOST:PORT
 *	[--socks-version 5|4a] [--user U --password P]
 *	[--dns automap:PREFIX|resolve|drop] [--ipv6 proxy|drop]
 *	[--socks-timeout SECONDS] TAPDEV
 *
 * Every TCP connection the VM behind TAPDEV opens, to any address, is
 * played by tcpep and relayed, both directions, to a new TCP connection to
 * HOST:PORT.  The VM's connection is accepted only once the upstream one
 * is: a refused upstream refuses the VM's (RST), as a SOCKS proxy would.
 * Backpressure: bytes from the VM are read from tcpep only while the
 * upstream socket takes them, so a slow upstream reader closes the window
 * tcpep advertises to the VM; bytes toward the VM are read from upstream
 * only while tcpep's send buffer has room.
 *
 * With --socks, each VM connection is opened instead through the SOCKS
 * proxy at HOST:PORT (vtlctl/socks.c) to where the VM dialled: by address,
 * or by hostname when that is an address automap handed out.  The VM's SYN
 * is answered once the proxy granted the request; a refusal, a protocol
 * error or no answer within --socks-timeout (10 s) resets it.  The VM's
 * DNS queries, UDP and TCP port 53, never leave: vtlctl/dns.c answers them
 * (automap, the default, from 10.192.0.0/10; resolve: through the proxy's
 * RESOLVE command, cached 60 s; drop: REFUSED).  Everything else the VM
 * sends (other UDP, ICMP, IPv6 unless --ipv6 proxy) is dropped and
 * counted ("filtered").
 *
 * --drop-rate P drops each frame toward the VM with probability P (0 to
 * 1), to exercise tcpep's retransmissions.  On SIGTERM or SIGINT it prints
 * its counters, "name value" a line, and exits 0; on SIGUSR1 it prints
 * them and goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../kmod/pkt.h"
#include "../../kmod/model.h"
#include "../../vtlctl/dns.h"
#include "../../vtlctl/socks.h"
#include "../../vtlctl/tcpep.h"

#define UPBUF		(64 * 1024)
#define MAX_BATCH	64
#define FRAME_MAX	65536
#define AUTOMAP_MAX	65536
/* RESOLVEs in flight at once: a VM's retries must not take every fd. */
#define RJOBS_MAX	64
#define DNS_PORT	53

enum dns_mode {
	DNS_AUTOMAP,
	DNS_RESOLVE,
	DNS_DROP,
};

/* One VM connection and its upstream socket. */
struct relay {
	struct relay *next;
	struct tcpep_conn *c;
	int fd;
	bool connecting;	/* upstream connect() in progress */
	bool vm_eof;		/* tcpep_read() said end of stream */
	bool shut_wr;		/* and upstream was told */
	bool up_eof;		/* upstream said end of stream */
	bool vm_closed;		/* TCPEP_EV_CLOSED */
	bool vm_reset;		/* TCPEP_EV_RESET */
	bool dns;		/* a DNS-over-TCP connection, answered here */
	struct socks_client *socks;	/* the handshake, while it goes on */
	uint64_t deadline;	/* of the handshake */
	uint32_t automap_addr;	/* the automapped address it holds, or 0 */
	size_t up_len;		/* bytes from the VM not yet upstream */
	unsigned char up[UPBUF];
};

static struct {
	struct tcpep *ep;
	int tap;
	struct sockaddr_storage up_addr;
	socklen_t up_len;
	double drop_rate;
	struct relay *relays;
	unsigned int nr_relays;
	struct rjob *rjobs;
	unsigned int nr_rjobs;
	/* --socks */
	bool socks;
	struct socks_req req;	/* version and credentials */
	uint64_t socks_timeout;
	enum dns_mode dns_mode;
	struct dns_automap *automap;
	struct dns_cache cache;
	bool ipv6;
	uint8_t mac[ETH_ALEN];
	unsigned long long dropped, tap_errors, relays_opened, refused,
		closed, reset, bytes_up, bytes_down;
	unsigned long long socks_granted, socks_refused, socks_errors,
		socks_timeouts, filtered, dns_queries, dns_bad, dns_answers,
		dns_refused, dns_failed, dns_tcp, resolves, automapped,
		unmapped;
} P;

/*
 * A RESOLVE request to the proxy for a query of the VM's, and where its
 * answer goes: back as UDP (the query's frame, kept), or to a DNS-over-TCP
 * relay.
 */
struct rjob {
	struct rjob *next;
	int fd;
	bool connecting;
	uint64_t deadline;
	struct socks_client sc;
	struct dns_query q;
	struct relay *relay;	/* TCP: its relay, NULL when it went */
	uint8_t frame[128];	/* UDP: the query's headers */
	size_t frame_len;
};

static volatile sig_atomic_t stop, dump;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void output(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	if (P.drop_rate > 0 && drand48() < P.drop_rate) {
		P.dropped++;
		return;
	}
	if (write(P.tap, frame, len) != (ssize_t)len)
		P.tap_errors++;
}

static void dns_answer(const struct dns_query *q, struct relay *r,
		       const uint8_t *frame, size_t frame_len);
static void dns_tcp_input(struct relay *r);

/* The SOCKS request for @c's destination; 0 or -errno. */
static int socks_start(struct relay *r)
{
	const struct vtl_flow_key *key = tcpep_conn_key(r->c);
	struct socks_req req = P.req;
	uint32_t a;

	req.cmd = SOCKS_CONNECT;
	req.port = ntohs(key->peer_port);
	req.family = key->family == 6 ? AF_INET6 : AF_INET;
	memcpy(req.addr, key->peer_addr, req.family == AF_INET ? 4 : 16);
	if (req.family == AF_INET && P.automap &&
	    dns_automap_contains(P.automap, a = ntohl(*(uint32_t *)req.addr))) {
		/* Ours: by the name it stands for, or by nothing at all. */
		req.host = dns_automap_hold(P.automap, a);
		if (!req.host) {
			P.unmapped++;
			return -EHOSTUNREACH;
		}
		r->automap_addr = a;
		req.family = 0;
		P.automapped++;
	}
	r->socks = malloc(sizeof(*r->socks));
	if (!r->socks)
		return -ENOMEM;
	r->deadline = now_ns() + P.socks_timeout;
	return socks_client_init(r->socks, &req);
}

static void relay_link(struct relay *r)
{
	tcpep_conn_set_user(r->c, r);
	r->next = P.relays;
	P.relays = r;
	P.nr_relays++;
	P.relays_opened++;
}

/* Release what a relay holds besides its connection and socket. */
static void relay_release(struct relay *r)
{
	struct rjob *j;

	if (r->automap_addr)
		dns_automap_put(P.automap, r->automap_addr);
	free(r->socks);
	for (j = P.rjobs; j; j = j->next)
		if (j->relay == r)
			j->relay = NULL;
}

/* A new connection from the VM: connect upstream, decide when that does. */
static void relay_new(struct tcpep_conn *c)
{
	const struct vtl_flow_key *key = tcpep_conn_key(c);
	struct relay *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		tcpep_abort(c, now_ns());
		return;
	}
	r->c = c;
	r->fd = -1;
	if (P.socks && ntohs(key->peer_port) == DNS_PORT) {
		/* DNS over TCP: answered here, like UDP. */
		if (tcpep_accept(c, now_ns())) {
			free(r);
			tcpep_abort(c, now_ns());
			return;
		}
		r->dns = true;
		P.dns_tcp++;
		relay_link(r);
		return;
	}
	if (P.socks) {
		err = socks_start(r);
		if (err) {
			relay_release(r);
			free(r);
			P.refused++;
			P.socks_errors++;
			tcpep_abort(c, now_ns());
			return;
		}
	}
	r->fd = socket(P.up_addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0 ||
	    (connect(r->fd, (struct sockaddr *)&P.up_addr, P.up_len) &&
	     errno != EINPROGRESS)) {
		if (r->fd >= 0)
			close(r->fd);
		relay_release(r);
		free(r);
		P.refused++;
		tcpep_abort(c, now_ns());
		return;
	}
	r->connecting = true;
	relay_link(r);
}

static void event(void *arg, struct tcpep_conn *c, enum tcpep_event ev)
{
	struct relay *r = tcpep_conn_user(c);

	(void)arg;
	switch (ev) {
	case TCPEP_EV_NEW:
		relay_new(c);
		break;
	case TCPEP_EV_CLOSED:
		r->vm_closed = true;
		break;
	case TCPEP_EV_RESET:
		r->vm_reset = true;
		break;
	default:
		break;	/* every relay is pumped after each batch anyway */
	}
}

/* Unlink and free @r, releasing its tcpep connection (@abort: with RST). */
static void relay_free(struct relay *r, bool abort)
{
	struct relay **p;

	for (p = &P.relays; *p != r; p = &(*p)->next)
		;
	*p = r->next;
	P.nr_relays--;
	relay_release(r);
	if (abort) {
		/* A RST upstream too: SO_LINGER 0. */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		if (r->fd >= 0)
			setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &l,
				   sizeof(l));
		tcpep_abort(r->c, now_ns());
		P.reset++;
	} else {
		tcpep_close(r->c, now_ns());
		P.closed++;
	}
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

/*
 * The SOCKS handshake: write what the client has, read what the proxy
 * says; once granted, accept the VM's connection and hand it what the
 * proxy sent past its reply.  false if @r was freed.
 */
static bool relay_handshake(struct relay *r, uint64_t now)
{
	struct socks_client *s = r->socks;
	enum socks_result res;
	const uint8_t *out;
	uint8_t buf[UPBUF];
	size_t n, used;
	ssize_t got;

	while ((n = socks_client_output(s, &out))) {
		got = send(r->fd, out, n, MSG_NOSIGNAL);
		if (got < 0) {
			if (errno == EAGAIN)
				return true;
			goto fail;
		}
		socks_client_sent(s, got);
	}
	got = recv(r->fd, buf, sizeof(buf), 0);
	if (got < 0 && errno == EAGAIN)
		return true;
	if (got <= 0)
		goto fail;
	res = socks_client_input(s, buf, got, &used);
	if (res == SOCKS_PENDING)
		return relay_handshake(r, now);	/* the next step's bytes */
	if (res != SOCKS_GRANTED) {
		if (res == SOCKS_REFUSED)
			P.socks_refused++;
		else
			P.socks_errors++;
		P.refused++;
		relay_free(r, true);
		return false;
	}
	P.socks_granted++;
	free(r->socks);
	r->socks = NULL;
	if (tcpep_accept(r->c, now)) {
		relay_free(r, true);
		return false;
	}
	if (got > (ssize_t)used) {
		tcpep_write(r->c, buf + used, got - used, now);
		P.bytes_down += got - used;
	}
	return true;
fail:
	P.socks_errors++;
	P.refused++;
	relay_free(r, true);
	return false;
}

/* Move bytes both ways as far as they go; false if @r was freed. */
static bool relay_pump(struct relay *r)
{
	static unsigned char buf[UPBUF];
	uint64_t now = now_ns();
	ssize_t n;
	size_t room;

	if (r->vm_reset) {
		relay_free(r, true);
		return false;
	}
	if (r->socks && now >= r->deadline) {
		P.socks_timeouts++;
		P.refused++;
		relay_free(r, true);
		return false;
	}
	if (r->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);
		struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };

		if (poll(&pfd, 1, 0) <= 0)
			return true;
		getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			/* Refused: the VM's connect() gets a RST. */
			P.refused++;
			relay_free(r, true);
			return false;
		}
		r->connecting = false;
		if (r->socks)
			return relay_handshake(r, now);
		if (tcpep_accept(r->c, now)) {
			relay_free(r, true);
			return false;
		}
		return true;
	}
	if (r->socks)
		return relay_handshake(r, now);
	if (r->dns) {
		dns_tcp_input(r);
		if (r->vm_eof || tcpep_eof(r->c)) {
			relay_free(r, false);
			return false;
		}
		return true;
	}
	/*
	 * VM -> upstream, only as fast as upstream takes it: until upstream
	 * would block (POLLOUT wakes us) or tcpep has nothing more (a frame
	 * from the VM does).
	 */
	for (;;) {
		while (!r->vm_eof && r->up_len < UPBUF) {
			n = tcpep_read(r->c, r->up + r->up_len,
				       UPBUF - r->up_len, now);
			if (n == -EAGAIN || n == -ENOTCONN)
				break;
			if (n < 0) {
				relay_free(r, true);
				return false;
			}
			if (!n)
				r->vm_eof = true;
			r->up_len += n;
		}
		if (!r->up_len)
			break;
		n = send(r->fd, r->up, r->up_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			relay_free(r, true);
			return false;
		}
		P.bytes_up += n;
		memmove(r->up, r->up + n, r->up_len - n);
		r->up_len -= n;
	}
	if (r->vm_eof && !r->up_len && !r->shut_wr) {
		shutdown(r->fd, SHUT_WR);
		r->shut_wr = true;
	}
	/* Upstream -> VM, only as fast as tcpep's send buffer drains. */
	while (!r->up_eof && (room = tcpep_writable(r->c)) > 0) {
		n = recv(r->fd, buf, room < sizeof(buf) ? room : sizeof(buf),
			 0);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			relay_free(r, true);
			return false;
		}
		if (!n) {
			r->up_eof = true;
			tcpep_shutdown(r->c, now);
			break;
		}
		P.bytes_down += n;
		tcpep_write(r->c, buf, n, now);
	}
	if (r->vm_closed && r->shut_wr && r->up_eof) {
		relay_free(r, false);
		return false;
	}
	return true;
}

static void rjob_pump(struct rjob *j, uint64_t now);

static void pump_all(void)
{
	struct relay *r, *next;

	struct rjob *j, *jnext;
	uint64_t now = now_ns();

	for (r = P.relays; r; r = next) {
		next = r->next;
		relay_pump(r);
	}
	for (j = P.rjobs; j; j = jnext) {
		jnext = j->next;
		rjob_pump(j, now);
	}
}

/* ---- DNS: answered here, never forwarded ------------------------------ */

static uint16_t csum(const void *buf, size_t len, uint32_t sum)
{
	return (uint16_t)vtl_pkt_csum_fold(vtl_pkt_csum_bytes(buf, len, sum));
}

/*
 * Send @msg to the VM as the answer to the UDP query in @qframe (its
 * Ethernet, IPv4 and UDP headers, as vtl_pkt_parse() found them): the
 * addresses and ports swapped, the checksums computed.
 */
static void udp_reply(const uint8_t *qframe, size_t qlen, const uint8_t *msg,
		      size_t len)
{
	uint8_t frame[ETH_HLEN + VTL_PKT_IP4_HLEN + VTL_PKT_UDP_HLEN +
		      DNS_REPLY_MAX];
	uint8_t *ip = frame + ETH_HLEN, *udp = ip + VTL_PKT_IP4_HLEN;
	const uint8_t *qip = qframe + ETH_HLEN;
	size_t ulen = VTL_PKT_UDP_HLEN + len;
	uint8_t pseudo[12];
	uint16_t sum;

	if (len > DNS_REPLY_MAX || qlen < ETH_HLEN + VTL_PKT_IP4_HLEN)
		return;
	memcpy(frame, qframe + 6, 6);		/* to the VM's MAC */
	memcpy(frame + 6, P.mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memset(ip, 0, VTL_PKT_IP4_HLEN);
	ip[0] = 0x45;
	ip[2] = (VTL_PKT_IP4_HLEN + ulen) >> 8;
	ip[3] = (VTL_PKT_IP4_HLEN + ulen) & 0xff;
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, qip + 16, 4);		/* from where it went */
	memcpy(ip + 16, qip + 12, 4);
	sum = csum(ip, VTL_PKT_IP4_HLEN, 0);
	memcpy(ip + 10, &sum, 2);
	/* the query's UDP header is right after its IP header */
	memcpy(udp, qframe + qlen - VTL_PKT_UDP_HLEN + 2, 2);
	memcpy(udp + 2, qframe + qlen - VTL_PKT_UDP_HLEN, 2);
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	udp[6] = udp[7] = 0;
	memcpy(udp + VTL_PKT_UDP_HLEN, msg, len);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = udp[4];
	pseudo[11] = udp[5];
	sum = csum(udp, ulen, vtl_pkt_csum_bytes(pseudo, sizeof(pseudo), 0));
	if (!sum)
		sum = 0xffff;			/* 0 means "none" in UDP */
	memcpy(udp + 6, &sum, 2);
	output(NULL, frame, ETH_HLEN + VTL_PKT_IP4_HLEN + ulen);
}

/* Send a reply to the VM: over UDP (@frame) or its TCP connection (@r). */
static void dns_send(const struct dns_query *q, struct relay *r,
		     const uint8_t *frame, size_t frame_len, uint8_t rcode,
		     int family, const uint8_t *addr)
{
	uint8_t msg[2 + DNS_REPLY_MAX];
	ssize_t n = dns_build_reply(q, rcode, family, addr, DNS_TTL, msg + 2,
				    DNS_REPLY_MAX);

	if (n < 0)
		return;
	if (rcode == DNS_RCODE_NOERROR && family)
		P.dns_answers++;
	else if (rcode == DNS_RCODE_REFUSED)
		P.dns_refused++;
	else if (rcode)
		P.dns_failed++;
	if (r) {
		msg[0] = n >> 8;
		msg[1] = n & 0xff;
		tcpep_write(r->c, msg, n + 2, now_ns());
	} else {
		udp_reply(frame, frame_len, msg + 2, n);
	}
}

/* Ask the proxy to RESOLVE @q's name; the answer comes in rjob_pump(). */
static void rjob_start(const struct dns_query *q, struct relay *r,
		       const uint8_t *frame, size_t frame_len)
{
	struct socks_req req = P.req;
	struct rjob *j = calloc(1, sizeof(*j));

	req.cmd = SOCKS_RESOLVE;
	req.family = 0;
	req.host = q->name;
	if (!j || P.nr_rjobs >= RJOBS_MAX || frame_len > sizeof(j->frame) ||
	    socks_client_init(&j->sc, &req))
		goto fail;
	j->fd = socket(P.up_addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		goto fail;
	if (connect(j->fd, (struct sockaddr *)&P.up_addr, P.up_len) &&
	    errno != EINPROGRESS) {
		close(j->fd);
		goto fail;
	}
	j->connecting = true;
	j->deadline = now_ns() + P.socks_timeout;
	j->q = *q;
	j->relay = r;
	memcpy(j->frame, frame, frame_len);
	j->frame_len = frame_len;
	j->next = P.rjobs;
	P.rjobs = j;
	P.nr_rjobs++;
	P.resolves++;
	return;
fail:
	free(j);
	dns_send(q, r, frame, frame_len, DNS_RCODE_SERVFAIL, 0, NULL);
}

/* Send the answer of @j (NULL: it failed), if its asker is still there. */
static void rjob_done(struct rjob *j, bool ok)
{
	struct rjob **p;

	if (ok)
		dns_cache_put(&P.cache, j->q.name, AF_INET, j->sc.bound,
			      DNS_TTL, now_ns());
	if (j->relay || j->frame_len)
		dns_send(&j->q, j->relay, j->frame, j->frame_len,
			 ok ? DNS_RCODE_NOERROR : DNS_RCODE_SERVFAIL,
			 ok ? AF_INET : 0, j->sc.bound);
	for (p = &P.rjobs; *p != j; p = &(*p)->next)
		;
	*p = j->next;
	P.nr_rjobs--;
	close(j->fd);
	free(j);
}

static void rjob_pump(struct rjob *j, uint64_t now)
{
	enum socks_result res;
	const uint8_t *out;
	uint8_t buf[512];
	size_t n, used;
	ssize_t got;

	if (now >= j->deadline)
		goto fail;
	if (j->connecting) {
		struct pollfd pfd = { .fd = j->fd, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		if (poll(&pfd, 1, 0) <= 0)
			return;
		getsockopt(j->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err)
			goto fail;
		j->connecting = false;
	}
	for (;;) {
		while ((n = socks_client_output(&j->sc, &out))) {
			got = send(j->fd, out, n, MSG_NOSIGNAL);
			if (got < 0 && errno == EAGAIN)
				return;
			if (got < 0)
				goto fail;
			socks_client_sent(&j->sc, got);
		}
		got = recv(j->fd, buf, sizeof(buf), 0);
		if (got < 0 && errno == EAGAIN)
			return;
		if (got <= 0)
			goto fail;
		res = socks_client_input(&j->sc, buf, got, &used);
		if (res == SOCKS_GRANTED && j->sc.bound_family == AF_INET) {
			rjob_done(j, true);
			return;
		}
		if (res != SOCKS_PENDING)
			goto fail;
	}
fail:
	rjob_done(j, false);
}

/* A parsed query of the VM's: answer it, now or once the proxy has. */
static void dns_answer(const struct dns_query *q, struct relay *r,
		       const uint8_t *frame, size_t frame_len)
{
	uint8_t a[4];
	uint32_t addr;

	P.dns_queries++;
	if (P.dns_mode == DNS_DROP || q->qclass != DNS_CLASS_IN ||
	    (q->qtype != DNS_TYPE_A && q->qtype != DNS_TYPE_AAAA) ||
	    !q->name[0]) {
		dns_send(q, r, frame, frame_len, DNS_RCODE_REFUSED, 0, NULL);
		return;
	}
	/*
	 * AAAA: no data, so that the resolver goes on with A; the proxy
	 * reaches IPv6 hosts by name anyway.
	 */
	if (q->qtype == DNS_TYPE_AAAA) {
		dns_send(q, r, frame, frame_len, DNS_RCODE_NOERROR, 0, NULL);
		return;
	}
	if (P.dns_mode == DNS_AUTOMAP) {
		if (dns_automap_map(P.automap, q->name, &addr)) {
			dns_send(q, r, frame, frame_len, DNS_RCODE_SERVFAIL, 0,
				 NULL);
			return;
		}
		addr = htonl(addr);
		memcpy(a, &addr, 4);
		dns_send(q, r, frame, frame_len, DNS_RCODE_NOERROR, AF_INET,
			 a);
		return;
	}
	if (dns_cache_get(&P.cache, q->name, AF_INET, now_ns(), a)) {
		dns_send(q, r, frame, frame_len, DNS_RCODE_NOERROR, AF_INET,
			 a);
		return;
	}
	rjob_start(q, r, frame, frame_len);
}

/* A UDP datagram to port 53 from the VM (parsed by vtl_pkt_parse()). */
static void dns_udp_input(const struct vtl_pkt *pkt)
{
	struct dns_query q;

	if (dns_parse_query(pkt->data + pkt->payload_off,
			    pkt->l4_end - pkt->payload_off, &q)) {
		P.dns_bad++;
		return;
	}
	dns_answer(&q, NULL, pkt->data, pkt->payload_off);
}

/* DNS over TCP: every whole message the VM has sent, answered. */
static void dns_tcp_input(struct relay *r)
{
	const uint8_t *msg;
	struct dns_query q;
	size_t len;
	ssize_t n;

	for (;;) {
		n = tcpep_read(r->c, r->up + r->up_len, UPBUF - r->up_len,
			       now_ns());
		if (n == 0)
			r->vm_eof = true;
		if (n <= 0)
			break;
		r->up_len += n;
	}
	while ((n = dns_tcp_message(r->up, r->up_len, &msg, &len)) > 0) {
		if (dns_parse_query(msg, len, &q))
			P.dns_bad++;
		else
			dns_answer(&q, r, NULL, 0);
		memmove(r->up, r->up + n, r->up_len - n);
		r->up_len -= n;
	}
	/* An empty message, or one that cannot fit: nothing sane follows. */
	if (n < 0 || r->up_len == UPBUF) {
		P.dns_bad++;
		r->vm_eof = true;
	}
}

/*
 * In SOCKS mode the VM's frames are sorted before tcpep sees them: TCP
 * (and IPv6 only with --ipv6 proxy), ARP and neighbour discovery go on;
 * UDP to port 53 is answered here; everything else is dropped.
 */
static bool socks_filter(uint8_t *frame, size_t len)
{
	struct vtl_pkt pkt;

	if (vtl_pkt_parse(&pkt, frame, len, len))
		return true;	/* tcpep counts it as bad */
	if (pkt.flags & VTL_PKT_ARP)
		return true;
	if (pkt.flags & VTL_PKT_IPV6) {
		if (P.ipv6 && (pkt.flags & (VTL_PKT_TCP | VTL_PKT_ICMPV6)))
			return true;
	} else if (pkt.flags & VTL_PKT_TCP) {
		return true;
	} else if ((pkt.flags & VTL_PKT_UDP) && !(pkt.flags & VTL_PKT_FRAG) &&
		   !pkt.nr_vlan && ntohs(vtl_pkt_dport(&pkt)) == DNS_PORT) {
		dns_udp_input(&pkt);
		return false;
	}
	P.filtered++;
	return false;
}

static void read_tap(void)
{
	static uint8_t frame[FRAME_MAX];
	int i;

	for (i = 0; i < MAX_BATCH; i++) {
		ssize_t n = read(P.tap, frame, sizeof(frame));

		if (n <= 0)
			return;
		if (P.socks && !socks_filter(frame, n))
			continue;
		tcpep_input(P.ep, frame, n, now_ns());
	}
}

static int open_tap(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* HOST:PORT, or [V6]:PORT. */
static int parse_addr(const char *arg)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char host[256];
	const char *colon = strrchr(arg, ':');
	size_t len;

	if (!colon || colon == arg)
		return -1;
	len = colon - arg;
	if (arg[0] == '[' && arg[len - 1] == ']') {
		arg++;
		len -= 2;
	}
	if (len >= sizeof(host))
		return -1;
	memcpy(host, arg, len);
	host[len] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	memcpy(&P.up_addr, ai->ai_addr, ai->ai_addrlen);
	P.up_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void print_stats(void)
{
	const struct tcpep_stats *s = tcpep_get_stats(P.ep);

#define S(f) printf("%s %llu\n", #f, (unsigned long long)s->f)
	S(frames_in); S(frames_out); S(bad_frames); S(ignored);
	S(arp_replies); S(nd_replies); S(conns_opened); S(conns_refused);
	S(conns_closed); S(conns_reset); S(rst_unknown); S(invalid);
	S(bytes_in); S(bytes_out); S(retransmits); S(timeouts);
	S(ooo_queued); S(ooo_dropped); S(zero_windows); S(window_probes);
	S(conns);
#undef S
#define S(f) printf("%s %llu\n", #f, P.f)
	S(dropped); S(tap_errors); S(relays_opened); S(refused); S(closed);
	S(reset); S(bytes_up); S(bytes_down);
	if (P.socks) {
		S(socks_granted); S(socks_refused); S(socks_errors);
		S(socks_timeouts); S(filtered); S(dns_queries); S(dns_bad);
		S(dns_answers); S(dns_refused); S(dns_failed); S(dns_tcp);
		S(resolves); S(automapped); S(unmapped);
		printf("cache_hits %llu\n", (unsigned long long)P.cache.hits);
	}
#undef S
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: tap-proxy [--drop-rate P] [--mtu N] "
		"[--seed N] TAPDEV HOST:PORT\n"
		"       tap-proxy [--drop-rate P] [--mtu N] [--seed N] "
		"--socks HOST:PORT\n"
		"\t[--socks-version 5|4a] [--user U --password P]\n"
		"\t[--dns automap:PREFIX|resolve|drop] [--ipv6 proxy|drop]\n"
		"\t[--socks-timeout SECONDS] TAPDEV\n");
	exit(2);
}

/* --dns MODE */
static int parse_dns(const char *arg, uint32_t *prefix, unsigned int *plen)
{
	if (!strcmp(arg, "resolve"))
		P.dns_mode = DNS_RESOLVE;
	else if (!strcmp(arg, "drop"))
		P.dns_mode = DNS_DROP;
	else if (!strncmp(arg, "automap:", 8))
		return dns_parse_prefix(arg + 8, prefix, plen);
	else if (strcmp(arg, "automap"))
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct tcpep_config cfg = {
		.mac = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		.output = output, .event = event,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	/* Tor's default VirtualAddrNetworkIPv4 */
	uint32_t prefix = 0x0ac00000;
	unsigned int plen = 10;
	const char *socks = NULL;
	double timeout_s = 10;
	long seed = 1;
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--drop-rate"))
			P.drop_rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--mtu"))
			cfg.mtu = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--socks"))
			socks = argv[i + 1];
		else if (!strcmp(argv[i], "--socks-version") &&
			 !strcmp(argv[i + 1], "5"))
			P.req.version = SOCKS_V5;
		else if (!strcmp(argv[i], "--socks-version") &&
			 !strcmp(argv[i + 1], "4a"))
			P.req.version = SOCKS_V4A;
		else if (!strcmp(argv[i], "--user"))
			P.req.user = argv[i + 1];
		else if (!strcmp(argv[i], "--password"))
			P.req.password = argv[i + 1];
		else if (!strcmp(argv[i], "--socks-timeout"))
			timeout_s = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--ipv6") &&
			 !strcmp(argv[i + 1], "proxy"))
			P.ipv6 = true;
		else if (!strcmp(argv[i], "--ipv6") &&
			 !strcmp(argv[i + 1], "drop"))
			P.ipv6 = false;
		else if (!strcmp(argv[i], "--dns") &&
			 !parse_dns(argv[i + 1], &prefix, &plen))
			;
		else
			usage();
	}
	if (argc - i != (socks ? 1 : 2) || P.drop_rate < 0 ||
	    P.drop_rate >= 1 || timeout_s <= 0 ||
	    (P.req.password && !P.req.user))
		usage();
	srand48(seed);
	if (parse_addr(socks ? socks : argv[i + 1])) {
		fprintf(stderr, "tap-proxy: bad address %s\n",
			socks ? socks : argv[i + 1]);
		return 1;
	}
	P.socks = socks;
	P.socks_timeout = timeout_s * 1e9;
	memcpy(P.mac, cfg.mac, ETH_ALEN);
	if (P.socks && P.dns_mode == DNS_AUTOMAP) {
		P.automap = dns_automap_create(prefix, plen, AUTOMAP_MAX);
		if (!P.automap) {
			perror("tap-proxy: automap");
			return 1;
		}
	}
	P.tap = open_tap(argv[i]);
	if (P.tap < 0) {
		perror("tap-proxy: open tap");
		return 1;
	}
	P.ep = tcpep_create(&cfg);
	if (!P.ep) {
		perror("tap-proxy: tcpep_create");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	while (!stop) {
		struct pollfd *pfd = calloc(P.nr_relays + P.nr_rjobs + 1,
					    sizeof(*pfd));
		struct relay *r;
		struct rjob *j;
		uint64_t now = now_ns(), next = tcpep_next_deadline(P.ep);
		int timeout = -1, n = 1;

		if (!pfd)
			break;
		/* SOCKS handshakes and RESOLVEs have deadlines too. */
		for (r = P.relays; r; r = r->next)
			if (r->socks && r->deadline < next)
				next = r->deadline;
		for (j = P.rjobs; j; j = j->next)
			if (j->deadline < next)
				next = j->deadline;
		if (next != UINT64_MAX)
			timeout = next <= now ? 0 :
				  (int)((next - now + 999999) / 1000000);
		pfd[0].fd = P.tap;
		pfd[0].events = POLLIN;
		for (r = P.relays; r; r = r->next, n++) {
			pfd[n].fd = r->fd;
			if (r->socks && !r->connecting) {
				const uint8_t *out;

				pfd[n].events = POLLIN;
				if (socks_client_output(r->socks, &out))
					pfd[n].events |= POLLOUT;
				continue;
			}
			if (r->connecting || r->up_len)
				pfd[n].events |= POLLOUT;
			if (!r->connecting && !r->up_eof &&
			    tcpep_writable(r->c))
				pfd[n].events |= POLLIN;
		}
		for (j = P.rjobs; j; j = j->next, n++) {
			const uint8_t *out;

			pfd[n].fd = j->fd;
			pfd[n].events = POLLIN;
			if (j->connecting || socks_client_output(&j->sc, &out))
				pfd[n].events |= POLLOUT;
		}
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			free(pfd);
			break;
		}
		free(pfd);
		if (stop)
			break;
		if (dump) {
			dump = 0;
			print_stats();
		}
		read_tap();
		tcpep_timer(P.ep, now_ns());
		pump_all();
	}
	print_stats();
	tcpep_destroy(P.ep);
	dns_automap_destroy(P.automap);
	return 0;
}
