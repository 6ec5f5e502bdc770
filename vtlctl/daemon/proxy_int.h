/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proxy_int: what the relay core (proxy.c) and a sealed proxy's DNS
 * (proxy_dns.c) share of one proxy instance.  Not for the proxy's users:
 * they have proxy.h.
 */
#ifndef VTLCTL_PROXY_INT_H
#define VTLCTL_PROXY_INT_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../kmod/lib/pkt.h"
#include "dns.h"
#include "proxy.h"
#include "upstream.h"

#define UPBUF		(64 * 1024)
#define DNS_PORT	53

struct rjob;

/* One VM connection and its far end. */
struct relay {
	struct relay *next;
	struct proxy *p;
	struct tcpep_conn *c;
	struct vtl_upstream *up;	/* NULL: DNS over TCP, answered here */
	bool ready;		/* upstream is: the VM's connection accepted */
	bool vm_eof;		/* tcpep_read() said end of stream */
	bool shut_wr;		/* and upstream was told */
	bool up_eof;		/* upstream said end of stream */
	bool vm_closed;		/* TCPEP_EV_CLOSED */
	bool vm_reset;		/* TCPEP_EV_RESET */
	bool dns;		/* a DNS-over-TCP connection, answered here */
	uint64_t deadline;	/* of a negotiating upstream's handshake */
	uint32_t automap_addr;	/* the automap address it holds, or 0 */
	uint64_t bytes_up, bytes_down;
	bool up_blocked;	/* upstream took not all: POLLOUT */
	/*
	 * With @ext, the bytes toward the VM stay in the upstream socket
	 * until the VM acknowledges them (output_sock): @given of them were
	 * handed to tcpep, @dropped dropped from the socket.
	 */
	bool ext;
	int sfd;		/* with @ext: the upstream's stream socket */
	uint64_t given, dropped;
	size_t dns_len;		/* DNS over TCP: bytes of messages */
	unsigned char dns_buf[];	/* DNS over TCP only: UPBUF of them */
};

/*
 * A RESOLVE request to the proxy for a query of the VM's, and where its
 * answer goes: back as UDP (the query's frame, kept), or to a DNS-over-TCP
 * relay.
 */
struct rjob {
	struct rjob *next;
	struct vtl_upstream *up;
	uint64_t deadline;
	struct dns_query q;
	struct relay *relay;	/* TCP: its relay, NULL when it went */
	uint8_t frame[128];	/* UDP: the query's headers */
	size_t frame_len;
};

struct proxy {
	struct proxy_config cfg;
	void *up_cfg;		/* our copy of the upstream's configuration */
	struct tcpep *ep;
	struct relay *relays;
	unsigned int nr_relays;
	struct rjob *rjobs;
	unsigned int nr_rjobs;
	struct dns_automap *automap;
	struct dns_cache cache;
	uint64_t last_upstream_log;
	struct proxy_counters n;
	unsigned char buf[UPBUF];	/* upstream -> VM, transient */
};

/* proxy.c */
void __attribute__((format(printf, 2, 3)))
plog(struct proxy *p, const char *fmt, ...);
/* A failure to reach the far end itself: worth a line, once in 10 s. */
void log_upstream(struct proxy *p, int err);
/* A new upstream of the configured kind, not yet connected, or NULL. */
struct vtl_upstream *upstream_new(struct proxy *p);
void upstream_free(struct vtl_upstream *up, bool abort);

/*
 * proxy_dns.c: a sealed proxy's frames sorted (false: not tcpep's, taken
 * or dropped here), its DNS over TCP relay's input, its RESOLVEs to the
 * far end (moved, polled, timed, forgotten by a relay that goes, freed).
 */
bool proxy_dns_filter(struct proxy *p, uint8_t *frame, size_t len);
void proxy_dns_tcp_input(struct relay *r);
void proxy_dns_handle(struct proxy *p, uint64_t now);
unsigned int proxy_dns_pollfds(const struct proxy *p, struct pollfd *pfd,
			       unsigned int n, unsigned int max);
uint64_t proxy_dns_deadline(const struct proxy *p, uint64_t next);
void proxy_dns_forget(struct proxy *p, const struct relay *r);
void proxy_dns_destroy(struct proxy *p);

#endif /* VTLCTL_PROXY_INT_H */
