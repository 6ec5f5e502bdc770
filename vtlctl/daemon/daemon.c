// SPDX-License-Identifier: GPL-2.0
/*
 * vtlctl daemon [ verbose ]: the userspace side of VTL's SOCKS service.
 *
 * For every port with a SOCKS configuration (vtlctl socks add) the kernel
 * hands the VM's TCP segments and DNS queries up the port's ring; this
 * daemon attaches the ring (not owning the port: the kernel's SOCKS
 * service decides what comes up) and runs one proxy instance on it
 * (proxy.c: tcpep, a SOCKS upstream, DNS), whose frames toward the VM go
 * down the same ring.
 *
 * Configuration follows the kernel: subscribed to the "config" multicast
 * group first, then one dump, so that no change falls between the two;
 * SOCKS_NEW starts an instance, SOCKS_DEL stops it, a lost notification
 * (ENOBUFS) means dump again and reconcile, and a ring reporting POLLERR
 * (its port is gone) stops its instance.
 *
 * One thread, one ppoll() over the netlink socket, every ring and every
 * upstream socket.  Per wakeup a ring is drained in batches, every frame
 * fed to its proxy, and the frames the proxy answers with are published
 * with one ring_kick().  SIGTERM and SIGINT are blocked but in ppoll(), so
 * a signal can never slip between the check and the sleep.
 *
 * Shutdown (SIGTERM, SIGINT): each port's counters and the process's CPU
 * time are logged, every VM connection is reset (so that the VM does not
 * wait on a connection nobody plays), every upstream socket closed, every
 * ring released; exit 0.  Killed outright, the kernel resets the VM's
 * connections itself once no ring is attached.
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <linux/vtl.h>

#include "../common/genl.h"
#include "../common/host.h"
#include "../common/parse.h"
#include "../common/socks_nl.h"
#include "../common/ring_map.h"
#include "../vtlctl.h"
#include "proxy.h"
#include "upstream_socks.h"

/* Ring frames fed to a proxy per wakeup at most, before others' turn. */
#define DAEMON_BATCH		64
#define DAEMON_DRAIN_MAX	1024

struct daemon;

/* One proxied port: its ring, its proxy instance, its configuration. */
struct port {
	struct port *next;
	struct daemon *d;
	struct vtlctl_socks cfg;
	struct ring ring;
	struct proxy *proxy;
	uint64_t down_full;	/* frames toward the VM lost: ring full */
	uint64_t down_errors;	/* frames the ring would not take */
	uint64_t started;	/* CLOCK_MONOTONIC ns */
	bool seen;		/* in the last dump (reconcile) */
	bool gone;		/* POLLERR: the port went */
	bool ref;		/* the ring takes payloads by reference */
	bool sock;		/* and from sockets */
	unsigned int pfd;	/* its ring's index in the pollfds */
	unsigned int nfds;	/* and its proxy's sockets after it */
};

struct daemon {
	struct vtl_nl *mon;	/* the "config" group */
	struct vtl_nl *ctl;	/* dumps and gets */
	struct port *ports;
	bool verbose;
	bool resync;		/* notifications were lost: dump again */
	struct pollfd *pfd;
	unsigned int cap;
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void __attribute__((format(printf, 1, 2))) dlog(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(stderr, "vtlctl daemon %s.%03ld: ", when,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void port_log(void *arg, const char *line)
{
	struct port *pt = arg;

	dlog("%s: %s", pt->cfg.ifname, line);
}

/*
 * Where a frame's payload is when it is not in the frame: at @addr in our
 * memory, or else @off bytes into what the socket @fd has received.
 */
struct payload {
	const uint8_t *addr;
	int fd;
	uint64_t off;
	size_t len;
};

/* Put a frame in the ring, with its payload where @pl says if not NULL. */
static int port_send(struct port *pt, const struct virtio_net_hdr *vh,
		     const uint8_t *frame, size_t len,
		     const struct payload *pl)
{
	if (!pl)
		return ring_send_vnet(&pt->ring, vh, frame, len, 0);
	if (pl->addr)
		return ring_send_ref(&pt->ring, vh, frame, len, pl->addr,
				     pl->len, 0);
	return ring_send_sock(&pt->ring, vh, frame, len, pl->fd, pl->off,
			      pl->len, 0);
}

/*
 * A frame for the VM, down the ring; a full ring is kicked once first.
 * With @pl, its last bytes stay where they are, in tcpep's send buffer
 * (VTL_RING_F_USER_PAYLOAD) or in an upstream socket
 * (VTL_RING_F_SOCK_PAYLOAD): the kick copies them from there.
 */
static void port_down(struct port *pt, const struct virtio_net_hdr *vh,
		      const uint8_t *frame, size_t len,
		      const struct payload *pl)
{
	int err;

	if (pt->gone)
		return;
	err = port_send(pt, vh, frame, len, pl);
	if (err == -ENOBUFS) {
		ring_kick(&pt->ring);
		err = port_send(pt, vh, frame, len, pl);
	}
	if (err == -ENOBUFS)
		pt->down_full++;	/* tcpep retransmits what matters */
	else if (err)
		pt->down_errors++;
}

static void port_output(void *arg, const uint8_t *frame, size_t len,
			const struct virtio_net_hdr *vh)
{
	port_down(arg, vh, frame, len, NULL);
}

static void port_output_ref(void *arg, const uint8_t *frame, size_t len,
			    const uint8_t *payload, size_t plen,
			    const struct virtio_net_hdr *vh)
{
	struct payload pl = { .addr = payload, .len = plen };

	port_down(arg, vh, frame, len, &pl);
}

static void port_output_sock(void *arg, const uint8_t *frame, size_t len,
			     int fd, uint64_t off, size_t plen,
			     const struct virtio_net_hdr *vh)
{
	struct payload pl = { .fd = fd, .off = off, .len = plen };

	port_down(arg, vh, frame, len, &pl);
}

/* Have the kernel take what port_output_ref() named before it goes. */
static void port_sync(void *arg)
{
	struct port *pt = arg;

	if (!pt->gone && ring_down_pending(&pt->ring))
		ring_kick(&pt->ring);
}

/* Where to build a frame for port_output*(): in place in the ring. */
static uint8_t *port_frame_buf(void *arg, size_t len, size_t ref)
{
	struct port *pt = arg;

	if (pt->gone)
		return NULL;
	return ref ? ring_reserve_ref(&pt->ring, len, true, ref) :
		     ring_reserve(&pt->ring, len, true);
}

static const char *proxy_name(const struct vtlctl_socks *s, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(s->family, s->proxy_addr, a, sizeof(a));
	snprintf(buf, len, s->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 s->proxy_port);
	return buf;
}

static const char *dns_name(const struct vtlctl_socks *s, char *buf,
			    size_t len)
{
	char a[INET_ADDRSTRLEN];

	switch (s->dns) {
	case VTL_SOCKS_DNS_RESOLVE:
		return "resolve";
	case VTL_SOCKS_DNS_DROP:
		return "drop";
	default:
		inet_ntop(AF_INET, &s->dns_prefix, a, sizeof(a));
		snprintf(buf, len, "automap %s/%u", a, s->dns_prefix_len);
		return buf;
	}
}

/*
 * The proxy configuration of a port's SOCKS service: the relay sealed, its
 * far end a SOCKS upstream (configured in @up).
 */
static int proxy_config(struct port *pt, struct proxy_config *cfg,
			struct upstream_socks_config *up)
{
	const struct vtlctl_socks *s = &pt->cfg;
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, s->mac, sizeof(cfg->mac));
	/* the kernel checked them, or they come from a local VM unfinished */
	cfg->trust_csum = true;
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(s->proxy_port);
		memcpy(&sin->sin_addr, s->proxy_addr, 4);
		len = sizeof(*sin);
	} else if (s->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(s->proxy_port);
		memcpy(&sin6->sin6_addr, s->proxy_addr, 16);
		len = sizeof(*sin6);
	} else {
		return -EAFNOSUPPORT;
	}
	err = upstream_socks_config(up, (struct sockaddr *)&ss, len,
				    s->version == VTL_SOCKS_V4A ? SOCKS_V4A :
								  SOCKS_V5,
				    s->user, s->password);
	if (err)
		return err;
	cfg->upstream = &upstream_socks_ops;
	cfg->upstream_cfg = up;
	cfg->sealed = true;
	switch (s->dns) {
	case VTL_SOCKS_DNS_RESOLVE:
		cfg->dns = PROXY_DNS_RESOLVE;
		break;
	case VTL_SOCKS_DNS_DROP:
		cfg->dns = PROXY_DNS_DROP;
		break;
	default:
		cfg->dns = PROXY_DNS_AUTOMAP;
		break;
	}
	cfg->dns_prefix = ntohl(s->dns_prefix);
	cfg->dns_prefix_len = s->dns_prefix_len;
	if (!cfg->dns_prefix_len) {
		cfg->dns_prefix = VTL_SOCKS_AUTOMAP_PREFIX;
		cfg->dns_prefix_len = VTL_SOCKS_AUTOMAP_LEN;
	}
	cfg->ipv6 = s->ipv6 == VTL_SOCKS_IPV6_PROXY;
	cfg->verbose = pt->d->verbose;
	cfg->output = port_output;
	cfg->frame_buf = port_frame_buf;
	if (pt->ref) {
		cfg->output_ref = port_output_ref;
		cfg->sync = port_sync;
	}
	if (pt->sock)
		cfg->output_sock = port_output_sock;
	cfg->offload = true;
	cfg->log = port_log;
	cfg->arg = pt;
	return 0;
}

static struct port *port_find(struct daemon *d, uint32_t ifindex)
{
	struct port *pt;

	for (pt = d->ports; pt; pt = pt->next)
		if (pt->cfg.ifindex == ifindex)
			return pt;
	return NULL;
}

/* Same settings: what the proxy was made of (not the counters). */
static bool socks_same(const struct vtlctl_socks *a,
		       const struct vtlctl_socks *b)
{
	return a->family == b->family &&
	       !memcmp(a->proxy_addr, b->proxy_addr, sizeof(a->proxy_addr)) &&
	       a->proxy_port == b->proxy_port && a->version == b->version &&
	       !strcmp(a->user, b->user) &&
	       !strcmp(a->password, b->password) && a->dns == b->dns &&
	       a->dns_prefix == b->dns_prefix &&
	       a->dns_prefix_len == b->dns_prefix_len && a->ipv6 == b->ipv6 &&
	       !memcmp(a->mac, b->mac, sizeof(a->mac));
}

/* Attach @s's port's ring and start its proxy; failures are logged. */
static void port_start(struct daemon *d, const struct vtlctl_socks *s)
{
	struct upstream_socks_config up;
	struct proxy_config cfg;
	struct port *pt = calloc(1, sizeof(*pt));
	char pn[64], dn[64];
	int err;

	if (!pt) {
		dlog("%s: cannot start: %s", s->ifname, strerror(ENOMEM));
		return;
	}
	pt->d = d;
	pt->cfg = *s;
	memset(&pt->cfg.stats, 0, sizeof(pt->cfg.stats));
	if (!pt->cfg.ifname[0])
		vtl_dev_name(NULL, s->ifindex, pt->cfg.ifname);
	/*
	 * Without VTL_RING_F_OWN: the kernel's SOCKS service chooses what
	 * comes up, and without a daemon it resets the VM's connections.
	 */
	err = ring_open(&pt->ring, s->ifindex, 0,
			VTL_RING_F_VNET_HDR | VTL_RING_F_USER_PAYLOAD |
			VTL_RING_F_SOCK_PAYLOAD);
	pt->ref = pt->sock = !err;
	if (err == -EOPNOTSUPP) {	/* an older vtl.ko */
		err = ring_open(&pt->ring, s->ifindex, 0,
				VTL_RING_F_VNET_HDR | VTL_RING_F_USER_PAYLOAD);
		pt->ref = !err;
	}
	if (err == -EOPNOTSUPP)
		err = ring_open(&pt->ring, s->ifindex, 0, VTL_RING_F_VNET_HDR);
	if (err) {
		dlog("%s: cannot attach its ring: %s%s", pt->cfg.ifname,
		     strerror(-err),
		     err == -EBUSY ? " (another daemon has it)" : "");
		free(pt);
		return;
	}
	err = proxy_config(pt, &cfg, &up);
	if (!err) {
		pt->proxy = proxy_create(&cfg);
		if (!pt->proxy)
			err = -errno;
	}
	if (err) {
		dlog("%s: cannot start its proxy: %s", pt->cfg.ifname,
		     strerror(-err));
		ring_close(&pt->ring);
		free(pt);
		return;
	}
	pt->started = proxy_now();
	pt->seen = true;
	pt->next = d->ports;
	d->ports = pt;
	dlog("%s: started: SOCKS%s proxy %s%s%s, dns %s, ipv6 %s, "
	     "payloads to the VM %s",
	     pt->cfg.ifname, pt->cfg.version == VTL_SOCKS_V4A ? "4a" : "5",
	     proxy_name(&pt->cfg, pn, sizeof(pn)),
	     pt->cfg.user[0] ? " as " : "", pt->cfg.user,
	     dns_name(&pt->cfg, dn, sizeof(dn)),
	     pt->cfg.ipv6 == VTL_SOCKS_IPV6_PROXY ? "proxy" : "drop",
	     pt->sock ? "from the upstream sockets" :
	     pt->ref ? "by reference" : "copied into the ring");
}

/* One line of a port's traffic so far. */
static void port_report(const struct port *pt, const char *what)
{
	struct proxy_counters c;

	proxy_counters(pt->proxy, &c);
	dlog("%s: %s: %llu bytes up, %llu bytes down, %llu connections "
	     "(%llu refused, %llu reset, %llu open), %llu DNS queries, "
	     "%llu filtered, %llu frames lost to a full ring, "
	     "%llu segments sent again (%llu timeouts), %.1f s",
	     pt->cfg.ifname, what, (unsigned long long)c.bytes_up,
	     (unsigned long long)c.bytes_down,
	     (unsigned long long)c.tcpep.conns_opened,
	     (unsigned long long)c.refused, (unsigned long long)c.reset,
	     (unsigned long long)c.relays,
	     (unsigned long long)c.dns_queries,
	     (unsigned long long)c.filtered,
	     (unsigned long long)pt->down_full,
	     (unsigned long long)c.tcpep.retransmits,
	     (unsigned long long)c.tcpep.timeouts,
	     (proxy_now() - pt->started) / 1e9);
}

/*
 * Stop @pt: reset the VM's connections (if its port is still there to
 * take the RSTs), close the upstream sockets, release the ring.
 */
static void port_stop(struct daemon *d, struct port *pt, const char *why)
{
	struct port **pp;

	for (pp = &d->ports; *pp != pt; pp = &(*pp)->next)
		;
	*pp = pt->next;
	port_report(pt, why);
	proxy_destroy(pt->proxy, !pt->gone);
	if (!pt->gone)
		ring_kick(&pt->ring);
	ring_close(&pt->ring);
	free(pt);
}

/* Feed what the ring holds to the proxy: how many frames. */
static unsigned int port_drain(struct port *pt)
{
	struct ring_frame fr[DAEMON_BATCH];
	unsigned int n, i, total = 0;

	while (total < DAEMON_DRAIN_MAX &&
	       (n = ring_recv(&pt->ring, fr, DAEMON_BATCH))) {
		for (i = 0; i < n; i++)
			proxy_input(pt->proxy, (uint8_t *)fr[i].data,
				    fr[i].len);
		ring_release(&pt->ring, n);
		total += n;
	}
	return total;
}

/* The port's configuration now, from a notification or a dump. */
static void port_update(struct daemon *d, const struct vtlctl_socks *s)
{
	struct port *pt = port_find(d, s->ifindex);

	if (pt) {
		pt->seen = true;
		if (socks_same(&pt->cfg, s))
			return;
		port_stop(d, pt, "reconfigured");
	}
	port_start(d, s);
}

/* Dump every SOCKS configuration and make the ports follow it. */
static int reconcile(struct daemon *d)
{
	struct vtlctl_socks_list list = { 0 };
	struct port *pt, *next;
	size_t i;
	int err;

	d->resync = false;
	err = vtl_nl_socks_dump(d->ctl, &list);
	if (err) {
		vtl_nl_perror(d->ctl, "socks dump", err);
		return err;
	}
	for (pt = d->ports; pt; pt = pt->next)
		pt->seen = false;
	for (i = 0; i < list.len; i++)
		port_update(d, &list.socks[i]);
	for (pt = d->ports; pt; pt = next) {
		next = pt->next;
		if (!pt->seen)
			port_stop(d, pt, "stopped (no longer configured)");
	}
	vtl_socks_list_free(&list);
	return 0;
}

static void on_config(uint8_t cmd, const struct vtlctl_socks *s, void *arg)
{
	struct daemon *d = arg;
	struct vtlctl_socks full;
	struct port *pt;
	int err;

	if (cmd == VTL_CMD_SOCKS_DEL) {
		pt = port_find(d, s->ifindex);
		if (pt)
			port_stop(d, pt, "stopped (socks del)");
		return;
	}
	if (cmd != VTL_CMD_SOCKS_NEW)
		return;
	/*
	 * Ask again: a notification may not carry the password, and the
	 * service may have changed since.
	 */
	err = vtl_nl_socks_get(d->ctl, s->ifindex, &full);
	if (err == -ENOENT || err == -ENODEV)
		return;		/* gone already: its DEL follows */
	if (err) {
		vtl_nl_perror(d->ctl, s->ifname, err);
		d->resync = true;
		return;
	}
	port_update(d, &full);
}

/* The pollfds: netlink, then each port's ring and sockets. */
static unsigned int fill_pollfds(struct daemon *d)
{
	unsigned int want = 1, n = 1;
	struct port *pt;

	for (pt = d->ports; pt; pt = pt->next)
		want += 1 + proxy_nr_pollfds(pt->proxy);
	if (want > d->cap) {
		struct pollfd *pfd = realloc(d->pfd, 2 * want * sizeof(*pfd));

		if (!pfd)
			return 0;
		d->pfd = pfd;
		d->cap = 2 * want;
	}
	d->pfd[0].fd = vtl_nl_monitor_fd(d->mon);
	d->pfd[0].events = POLLIN;
	d->pfd[0].revents = 0;
	for (pt = d->ports; pt; pt = pt->next) {
		pt->pfd = n;
		d->pfd[n].fd = pt->ring.fd;
		d->pfd[n].events = POLLIN;
		d->pfd[n].revents = 0;
		n++;
		pt->nfds = proxy_pollfds(pt->proxy, d->pfd + n, d->cap - n);
		n += pt->nfds;
	}
	return n;
}

static int next_timeout(const struct daemon *d, struct timespec *ts)
{
	uint64_t next = UINT64_MAX, now = proxy_now(), t;
	const struct port *pt;

	for (pt = d->ports; pt; pt = pt->next) {
		t = proxy_next_deadline(pt->proxy);
		if (t < next)
			next = t;
	}
	if (next == UINT64_MAX)
		return -1;
	t = next > now ? next - now : 0;
	ts->tv_sec = t / 1000000000ULL;
	ts->tv_nsec = t % 1000000000ULL;
	return 0;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int run(struct daemon *d, const sigset_t *waitmask)
{
	struct port *pt, *next;
	struct timespec ts;
	unsigned int n;
	int err;

	while (!stop_sig) {
		n = fill_pollfds(d);
		if (!n) {
			dlog("%s", strerror(ENOMEM));
			return -ENOMEM;
		}
		err = ppoll(d->pfd, n, next_timeout(d, &ts) ? NULL : &ts,
			    waitmask);
		if (err < 0 && errno != EINTR) {
			err = -errno;
			dlog("poll: %s", strerror(-err));
			return err;
		}
		if (stop_sig)
			break;
		if (err > 0 && d->pfd[0].revents) {
			err = vtl_nl_monitor_read(d->mon, on_config, d);
			if (err == -ENOBUFS) {
				dlog("configuration notifications lost: "
				     "dumping again");
				d->resync = true;
			} else if (err && err != -EAGAIN) {
				vtl_nl_perror(d->mon, "config", err);
			}
		}
		if (d->resync)
			reconcile(d);
		for (pt = d->ports; pt; pt = next) {
			short rev = 0;

			next = pt->next;
			/* a port started just now has no pollfd yet */
			if (pt->pfd < n && d->pfd[pt->pfd].fd == pt->ring.fd)
				rev = d->pfd[pt->pfd].revents;
			if (rev & (POLLERR | POLLHUP | POLLNVAL)) {
				pt->gone = true;
				port_stop(d, pt, "stopped (port gone)");
				continue;
			}
			/*
			 * Every ring is looked at, not only those poll()
			 * woke for: a frame that came since is as good.
			 */
			port_drain(pt);
			proxy_timer(pt->proxy);
			if (ring_down_pending(&pt->ring))
				ring_kick(&pt->ring);
			if (pt->sock && !ring_down_pending(&pt->ring))
				proxy_output_done(pt->proxy);
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: vtlctl daemon [ verbose ]\n");
}

int daemon_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct daemon d = { 0 };
	sigset_t block, waitmask;
	int err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "help")) {
			usage(stdout);
			return VTL_EXIT_OK;
		}
		if (strcmp(argv[i], "verbose")) {
			vtl_err("unknown argument \"%s\", try \"vtlctl daemon "
				"help\"", argv[i]);
			return VTL_EXIT_USAGE;
		}
		d.verbose = true;
	}
	if (vtl_netns_enter(opts->netns))
		return VTL_EXIT_ERROR;

	/* SIGTERM and SIGINT only in ppoll(): see the top of this file. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The group first, then the dump: no change falls in between. */
	if (vtl_nl_monitor_open(&d.mon))
		return VTL_EXIT_ERROR;
	if (vtl_nl_open(&d.ctl)) {
		vtl_nl_close(d.mon);
		return VTL_EXIT_ERROR;
	}
	dlog("running (pid %d)", (int)getpid());
	err = reconcile(&d);
	if (!err)
		err = run(&d, &waitmask);

	if (stop_sig)
		dlog("%s: stopping", strsignal(stop_sig));
	while (d.ports)
		port_stop(&d, d.ports, "stopped");
	dlog("CPU time: %.2f s", cpu_seconds());
	free(d.pfd);
	vtl_nl_close(d.ctl);
	vtl_nl_close(d.mon);
	return err ? VTL_EXIT_ERROR : VTL_EXIT_OK;
}
