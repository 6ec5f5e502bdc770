// SPDX-License-Identifier: GPL-2.0
/*
 * proxy: the relay core, one VM's TCP connections relayed to their far
 * ends, each an upstream (upstream.h) of the kind the configuration names
 * (see proxy.h).  A sealed proxy's DNS is proxy_dns.c's.
 */
#define _GNU_SOURCE	/* POLLRDHUP */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>

#include "../../kmod/lib/pkt.h"
#include "../../kmod/lib/model.h"
#include "dns.h"
#include "proxy.h"
#include "proxy_int.h"

uint64_t proxy_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void __attribute__((format(printf, 2, 3)))
plog(struct proxy *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!p->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->cfg.log(p->cfg.arg, line);
}

/* "ADDR:PORT -> ADDR:PORT" of @c, for the logs. */
static const char *conn_name(const struct tcpep_conn *c, char *buf,
			     size_t len)
{
	const struct vtl_flow_key *k = tcpep_conn_key(c);
	int af = k->family == 6 ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	inet_ntop(af, k->vm_addr, a, sizeof(a));
	inet_ntop(af, k->peer_addr, b, sizeof(b));
	snprintf(buf, len, "%s%s%s:%u -> %s%s%s:%u", af == AF_INET6 ? "[" : "",
		 a, af == AF_INET6 ? "]" : "", ntohs(k->vm_port),
		 af == AF_INET6 ? "[" : "", b, af == AF_INET6 ? "]" : "",
		 ntohs(k->peer_port));
	return buf;
}

/* A failure to reach the far end itself: worth a line, once in 10 s. */
void log_upstream(struct proxy *p, int err)
{
	uint64_t now = proxy_now();

	if (p->last_upstream_log &&
	    now - p->last_upstream_log < 10 * 1000000000ULL)
		return;
	p->last_upstream_log = now;
	plog(p, "cannot reach the %s: %s", p->cfg.upstream->far,
	     strerror(err));
}

/* A new upstream of the configured kind, not yet connected, or NULL. */
struct vtl_upstream *upstream_new(struct proxy *p)
{
	const struct vtl_upstream_ops *ops = p->cfg.upstream;
	struct vtl_upstream *up = calloc(1, ops->size);

	if (!up)
		return NULL;
	up->ops = ops;
	up->cfg = p->up_cfg;
	up->fd = -1;
	return up;
}

void upstream_free(struct vtl_upstream *up, bool abort)
{
	if (!up)
		return;
	up->ops->close(up, abort);
	free(up);
}

/*
 * Start @r's far end toward where the VM dialled: an automap address by
 * the name it stands for, or by nothing at all.  -errno when it could not
 * even start (@why: for the log), else the upstream's state.
 */
static int relay_connect(struct relay *r, enum vtl_upstream_state *st)
{
	struct proxy *p = r->p;
	const struct vtl_flow_key *key = tcpep_conn_key(r->c);
	struct vtl_upstream_dst dst = {
		.port = ntohs(key->peer_port),
		.family = key->family == 6 ? AF_INET6 : AF_INET,
	};
	uint32_t a;

	memcpy(dst.addr, key->peer_addr, dst.family == AF_INET ? 4 : 16);
	if (dst.family == AF_INET && p->automap) {
		memcpy(&a, dst.addr, 4);
		a = ntohl(a);
	}
	if (dst.family == AF_INET && p->automap &&
	    dns_automap_contains(p->automap, a)) {
		dst.name = dns_automap_hold(p->automap, a);
		if (!dst.name) {
			p->n.unmapped++;
			return -EHOSTUNREACH;
		}
		r->automap_addr = a;
		p->n.automapped++;
	}
	r->up = upstream_new(p);
	if (!r->up)
		return -ENOMEM;
	if (p->cfg.upstream->negotiates)
		r->deadline = proxy_now() + p->cfg.up_timeout;
	*st = r->up->ops->connect(r->up, &dst);
	return 0;
}

static void relay_link(struct relay *r)
{
	struct proxy *p = r->p;

	tcpep_conn_set_user(r->c, r);
	r->next = p->relays;
	p->relays = r;
	p->nr_relays++;
	p->n.relays_opened++;
}

/* Release what a relay holds besides its connection and socket. */
static void relay_release(struct relay *r)
{
	struct proxy *p = r->p;

	if (r->automap_addr)
		dns_automap_put(p->automap, r->automap_addr);
	proxy_dns_forget(p, r);
}

/* A new connection from the VM: connect upstream, decide when that does. */
static void relay_new(struct proxy *p, struct tcpep_conn *c)
{
	const struct vtl_flow_key *key = tcpep_conn_key(c);
	bool dns = p->cfg.sealed && ntohs(key->peer_port) == DNS_PORT;
	struct relay *r = calloc(1, sizeof(*r) + (dns ? UPBUF : 0));
	enum vtl_upstream_state st = VTL_UP_ERROR;
	char name[128];
	int err;

	if (!r) {
		tcpep_abort(c, proxy_now());
		return;
	}
	r->p = p;
	r->c = c;
	if (dns) {
		/* DNS over TCP: answered here, like UDP. */
		if (tcpep_accept(c, proxy_now())) {
			free(r);
			tcpep_abort(c, proxy_now());
			return;
		}
		r->dns = true;
		p->n.dns_tcp++;
		relay_link(r);
		return;
	}
	err = relay_connect(r, &st);
	if (!err && st == VTL_UP_ERROR)
		err = -r->up->error;
	if (err) {
		if (p->cfg.verbose)
			plog(p, "%s: refused: %s",
			     conn_name(c, name, sizeof(name)), strerror(-err));
		if (p->cfg.upstream->negotiates)
			p->n.socks_errors++;
	} else if (st == VTL_UP_UNREACHABLE) {
		log_upstream(p, r->up->error);
	}
	if (err || st != VTL_UP_PENDING) {
		upstream_free(r->up, false);
		relay_release(r);
		free(r);
		p->n.refused++;
		tcpep_abort(c, proxy_now());
		return;
	}
	relay_link(r);
}

static void event(void *arg, struct tcpep_conn *c, enum tcpep_event ev)
{
	struct relay *r = tcpep_conn_user(c);

	switch (ev) {
	case TCPEP_EV_NEW:
		relay_new(arg, c);
		break;
	case TCPEP_EV_CLOSED:
		r->vm_closed = true;
		break;
	case TCPEP_EV_RESET:
		r->vm_reset = true;
		break;
	default:
		break;	/* proxy_handle() pumps every relay anyway */
	}
}

/* Unlink and free @r, releasing its tcpep connection (@abort: with RST). */
static void relay_free(struct relay *r, bool abort, const char *why)
{
	struct proxy *p = r->p;
	struct relay **pp;
	char name[128];

	for (pp = &p->relays; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	p->nr_relays--;
	if (p->cfg.verbose && !r->dns)
		plog(p, "%s: %s%s, %llu bytes up, %llu down",
		     conn_name(r->c, name, sizeof(name)),
		     abort ? "reset: " : "closed", abort ? why : "",
		     (unsigned long long)r->bytes_up,
		     (unsigned long long)r->bytes_down);
	relay_release(r);
	if (abort) {
		tcpep_abort(r->c, proxy_now());
		p->n.reset++;
	} else {
		tcpep_close(r->c, proxy_now());
		p->n.closed++;
	}
	/* Frames not yet sent may name its bytes: by this fd, not another. */
	if (r->ext)
		p->cfg.sync(p->cfg.arg);
	/* A RST upstream too, if @abort. */
	upstream_free(r->up, abort);
	free(r);
}

/*
 * Accept the VM's connection, upstream being ready.  The stream toward the
 * VM stays in the upstream socket if the output can name it there (urgent
 * bytes inline, so that they are in it too).
 */
static int relay_accept(struct relay *r, uint64_t now)
{
	const struct vtl_upstream_ops *ops = r->up->ops;
	struct proxy *p = r->p;
	int one = 1;

	r->ready = true;
	r->sfd = p->cfg.output_sock && ops->stream_fd ?
		 ops->stream_fd(r->up) : -1;
	if (r->sfd >= 0 &&
	    !setsockopt(r->sfd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)) &&
	    !tcpep_set_external(r->c))
		r->ext = true;
	return tcpep_accept(r->c, now);
}

/* The VM's connection @r is refused (not yet accepted): counted, reset. */
static void relay_refuse(struct relay *r, const char *why)
{
	r->p->n.refused++;
	relay_free(r, true, why);
}

/*
 * The far end's connect and handshake, as far as they go; once it is
 * ready, accept the VM's connection.  false if @r was freed.
 */
static bool relay_handshake(struct relay *r, uint64_t now)
{
	struct proxy *p = r->p;
	const struct vtl_upstream_ops *ops = r->up->ops;
	enum vtl_upstream_state st = ops->handshake(r->up);

	switch (st) {
	case VTL_UP_PENDING:
		return true;
	case VTL_UP_READY:
		break;
	case VTL_UP_REFUSED:
		p->n.socks_refused++;
		relay_refuse(r, r->up->why);
		return false;
	case VTL_UP_UNREACHABLE:
		log_upstream(p, r->up->error);
		relay_refuse(r, r->up->why ? r->up->why :
			     strerror(r->up->error));
		return false;
	default:
		p->n.socks_errors++;
		relay_refuse(r, r->up->why ? r->up->why : "upstream failed");
		return false;
	}
	if (ops->negotiates)
		p->n.socks_granted++;
	if (relay_accept(r, now)) {
		relay_free(r, true, "VM gone");
		return false;
	}
	if (p->cfg.verbose && ops->negotiates) {
		char name[128];

		plog(p, "%s: open", conn_name(r->c, name, sizeof(name)));
	}
	return true;
}

/*
 * Upstream -> VM with the bytes left in the socket: tcpep learns of those
 * that came (SIOCINQ counts them), as many as it takes; frames name them
 * there (output_sock), and proxy_output_done() drops them once the VM has
 * them.  Unread bytes fill the socket's receive buffer, so its window
 * closes toward the server as tcpep's does toward the VM.  With nothing
 * new, the end of the stream or an error.  false if @r was freed.
 */
static bool relay_down_ext(struct relay *r, uint64_t now)
{
	struct pollfd pfd = { .fd = r->sfd, .events = POLLRDHUP };
	struct proxy *p = r->p;
	bool eof = false;
	uint64_t end;
	ssize_t n;
	int inq;

	if (r->up_eof)
		return true;
	for (;;) {
		if (ioctl(r->sfd, SIOCINQ, &inq) || inq < 0) {
			relay_free(r, true, "upstream failed");
			return false;
		}
		end = r->dropped + (unsigned int)inq;
		if (end > r->given) {
			n = tcpep_write_ext(r->c, end - r->given, now);
			if (n > 0) {
				r->given += n;
				p->n.bytes_down += n;
				r->bytes_down += n;
			}
			return true;
		}
		/*
		 * Nothing new.  The end of the stream, once polled, says
		 * every byte is in: the bytes that came with it since
		 * SIOCINQ first, if any, then the end.
		 */
		if (eof)
			break;
		if (poll(&pfd, 1, 0) <= 0)
			return true;
		if (pfd.revents & POLLERR) {
			relay_free(r, true, "upstream reset");
			return false;
		}
		if (!(pfd.revents & (POLLRDHUP | POLLHUP)))
			return true;
		eof = true;
	}
	r->up_eof = true;
	tcpep_shutdown(r->c, now);
	return true;
}

/* Move bytes both ways as far as they go; false if @r was freed. */
static bool relay_pump(struct relay *r, uint64_t now)
{
	struct proxy *p = r->p;
	ssize_t n, room;
	void *dst;

	if (r->vm_reset) {
		relay_free(r, true, "by the VM");
		return false;
	}
	if (r->dns) {
		proxy_dns_tcp_input(r);
		if (r->vm_eof || tcpep_eof(r->c)) {
			relay_free(r, false, NULL);
			return false;
		}
		return true;
	}
	if (!r->ready && r->deadline && now >= r->deadline) {
		p->n.socks_timeouts++;
		relay_refuse(r, r->up->ops->timeout);
		return false;
	}
	if (!r->ready)
		return relay_handshake(r, now);
	/*
	 * VM -> upstream, straight from tcpep's receive buffer, only as fast
	 * as upstream takes it: until upstream would block (POLLOUT wakes
	 * us) or tcpep has nothing more (a frame from the VM does).
	 */
	r->up_blocked = false;
	while (!r->vm_eof) {
		const void *src;

		n = tcpep_read_peek(r->c, &src);
		if (n == -EAGAIN || n == -ENOTCONN)
			break;
		if (n < 0) {
			relay_free(r, true, "tcpep error");
			return false;
		}
		if (!n) {
			r->vm_eof = true;
			break;
		}
		n = r->up->ops->send(r->up, src, n);
		if (n < 0) {
			if (n == -EAGAIN) {
				r->up_blocked = true;
				break;
			}
			relay_free(r, true, "upstream send failed");
			return false;
		}
		p->n.bytes_up += n;
		r->bytes_up += n;
		tcpep_read_done(r->c, n, now);
	}
	if (r->vm_eof && !r->shut_wr) {
		r->up->ops->shutdown(r->up);
		r->shut_wr = true;
	}
	if (r->ext) {
		if (!relay_down_ext(r, now))
			return false;
	}
	/*
	 * Upstream -> VM, only as fast as tcpep's send buffer drains: read
	 * straight into it.
	 */
	while (!r->ext && !r->up_eof &&
	       (room = tcpep_write_space(r->c, &dst)) > 0) {
		n = r->up->ops->recv(r->up, dst, room);
		if (n < 0) {
			if (n == -EAGAIN)
				break;
			relay_free(r, true, "upstream reset");
			return false;
		}
		if (!n) {
			r->up_eof = true;
			tcpep_shutdown(r->c, now);
			break;
		}
		p->n.bytes_down += n;
		r->bytes_down += n;
		tcpep_write_done(r->c, n, now);
	}
	if (r->vm_closed && r->shut_wr && r->up_eof) {
		relay_free(r, false, NULL);
		return false;
	}
	return true;
}

void proxy_handle(struct proxy *p)
{
	struct relay *r, *next;
	uint64_t now = proxy_now();

	for (r = p->relays; r; r = next) {
		next = r->next;
		relay_pump(r, now);
	}
	proxy_dns_handle(p, now);
}

void proxy_input(struct proxy *p, uint8_t *frame, size_t len)
{
	if (p->cfg.sealed && !proxy_dns_filter(p, frame, len))
		return;
	tcpep_input(p->ep, frame, len, proxy_now());
}

/* ---- the instance ----------------------------------------------------- */

static void ep_output(void *arg, const uint8_t *frame, size_t len,
		      const struct virtio_net_hdr *vh)
{
	struct proxy *p = arg;

	p->cfg.output(p->cfg.arg, frame, len, vh);
}

static uint8_t *ep_frame_buf(void *arg, size_t len, size_t ref)
{
	struct proxy *p = arg;

	return p->cfg.frame_buf(p->cfg.arg, len, ref);
}

static void ep_output_ref(void *arg, const uint8_t *frame, size_t len,
			  const uint8_t *payload, size_t plen,
			  const struct virtio_net_hdr *vh)
{
	struct proxy *p = arg;

	p->cfg.output_ref(p->cfg.arg, frame, len, payload, plen, vh);
}

static void ep_output_ext(void *arg, struct tcpep_conn *c,
			  const uint8_t *frame, size_t len, uint64_t off,
			  size_t plen, const struct virtio_net_hdr *vh)
{
	struct proxy *p = arg;
	struct relay *r = tcpep_conn_user(c);

	p->cfg.output_sock(p->cfg.arg, frame, len, r->sfd, off - r->dropped,
			   plen, vh);
}

static void ep_sync(void *arg)
{
	struct proxy *p = arg;

	p->cfg.sync(p->cfg.arg);
}

struct proxy *proxy_create(const struct proxy_config *cfg)
{
	struct tcpep_config tc = {
		.mtu = cfg->mtu, .output = ep_output, .event = event,
		.trust_csum = cfg->trust_csum, .delay_acks = true,
		.offload = cfg->offload,
		.sndbuf = cfg->offload ? 1024 * 1024 : 0,
		.frame_buf = cfg->frame_buf ? ep_frame_buf : NULL,
		.output_ref = cfg->output_ref ? ep_output_ref : NULL,
		.sync = cfg->sync ? ep_sync : NULL,
		.output_ext = cfg->output_sock ? ep_output_ext : NULL,
	};
	struct proxy *p;

	if (!cfg->output || (cfg->output_sock && !cfg->sync) ||
	    !cfg->upstream || !cfg->upstream_cfg ||
	    (cfg->upstream->check && cfg->upstream->check(cfg->upstream_cfg))) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->cfg = *cfg;
	if (!p->cfg.up_timeout)
		p->cfg.up_timeout = PROXY_UP_TIMEOUT;
	p->up_cfg = malloc(cfg->upstream->cfg_size);
	if (!p->up_cfg)
		goto err_free;
	memcpy(p->up_cfg, cfg->upstream_cfg, cfg->upstream->cfg_size);
	p->cfg.upstream_cfg = NULL;	/* the caller's */
	if (cfg->sealed && cfg->dns == PROXY_DNS_AUTOMAP) {
		p->automap = dns_automap_create(cfg->dns_prefix,
						cfg->dns_prefix_len,
						PROXY_AUTOMAP_MAX);
		if (!p->automap)
			goto err_free;
	}
	memcpy(tc.mac, cfg->mac, sizeof(tc.mac));
	tc.arg = p;
	p->ep = tcpep_create(&tc);
	if (!p->ep)
		goto err_automap;
	return p;

err_automap:
	dns_automap_destroy(p->automap);
err_free:
	free(p->up_cfg);
	free(p);
	return NULL;
}

void proxy_destroy(struct proxy *p, bool reset_vm)
{
	struct relay *r;
	int err = errno;

	if (!p)
		return;
	while ((r = p->relays)) {
		if (reset_vm) {
			relay_free(r, true, "shutting down");
		} else {
			/* no word to the VM: only our side goes */
			p->relays = r->next;
			p->nr_relays--;
			relay_release(r);
			upstream_free(r->up, false);
			free(r);
		}
	}
	proxy_dns_destroy(p);
	tcpep_destroy(p->ep);
	dns_automap_destroy(p->automap);
	free(p->up_cfg);
	free(p);
	errno = err;
}

unsigned int proxy_nr_pollfds(const struct proxy *p)
{
	return p->nr_relays + p->nr_rjobs;
}

unsigned int proxy_pollfds(const struct proxy *p, struct pollfd *pfd,
			   unsigned int max)
{
	struct relay *r;
	unsigned int n = 0;

	for (r = p->relays; r && n < max; r = r->next) {
		if (!r->up || r->up->fd < 0)
			continue;	/* DNS over TCP: no far end */
		pfd[n].fd = r->up->fd;
		pfd[n].events = 0;
		pfd[n].revents = 0;
		if (!r->ready) {
			pfd[n].events = r->up->ops->events(r->up);
		} else {
			if (r->up_blocked)
				pfd[n].events |= POLLOUT;
			/*
			 * An external stream's socket is readable as long as
			 * it holds bytes the VM has not acknowledged: new
			 * ones are looked for when the VM's ACKs (or tcpep's
			 * timers) wake us, and poll()ed for only once it
			 * holds none.
			 */
			if (!r->up_eof && tcpep_writable(r->c) &&
			    (!r->ext || r->given == r->dropped))
				pfd[n].events |= POLLIN;
		}
		n++;
	}
	return proxy_dns_pollfds(p, pfd, n, max);
}

uint64_t proxy_next_deadline(const struct proxy *p)
{
	uint64_t next = tcpep_next_deadline(p->ep);
	struct relay *r;

	/* Negotiating upstreams' handshakes and RESOLVEs have deadlines too. */
	for (r = p->relays; r; r = r->next)
		if (!r->ready && r->deadline && r->deadline < next)
			next = r->deadline;
	return proxy_dns_deadline(p, next);
}

void proxy_output_done(struct proxy *p)
{
	struct relay *r;
	uint64_t n;
	ssize_t got;

	for (r = p->relays; r; r = r->next) {
		if (!r->ext)
			continue;
		n = tcpep_acked(r->c) - r->dropped;
		if (!n)
			continue;
		/* TCP drops them without a copy. */
		got = recv(r->sfd, NULL, n, MSG_TRUNC | MSG_DONTWAIT);
		if (got > 0)
			r->dropped += got;
	}
}

void proxy_timer(struct proxy *p)
{
	tcpep_timer(p->ep, proxy_now());
	proxy_handle(p);
	/* The frames' data is in: one ACK each for what is left unacked. */
	tcpep_flush(p->ep, proxy_now());
}

void proxy_counters(const struct proxy *p, struct proxy_counters *c)
{
	*c = p->n;
	c->tcpep = *tcpep_get_stats(p->ep);
	c->cache_hits = p->cache.hits;
	c->relays = p->nr_relays;
}
