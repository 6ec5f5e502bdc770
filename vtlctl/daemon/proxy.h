/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proxy: the relay core.  Transparent proxying of one VM's TCP
 * connections, frame in, frame out.  One &struct proxy per VM port joins a
 * tcpep endpoint (the remote end of every connection the VM opens,
 * vtlctl/daemon/tcpep.c) to one far end per connection, an upstream of the
 * kind @upstream names (upstream.h: through a SOCKS proxy to where the VM
 * dialled, upstream_socks.c; or a plain connection to a fixed address,
 * upstream_fixed.c).  This file knows no kind by name.  @sealed is the
 * SOCKS service's policy: the VM's DNS queries (UDP and TCP port 53) are
 * answered here (proxy_dns.c, on dns.c: automap, RESOLVE through the
 * upstream, or REFUSED) and never leave; everything else but TCP, ARP and
 * (with @ipv6) IPv6 TCP and neighbour discovery is dropped and counted.
 *
 * The VM's connection is accepted only once upstream is ready (connected;
 * and for a negotiating one, the far end granted the request): a refusal,
 * an error or no answer within @up_timeout resets it.  Backpressure both
 * ways: bytes from the VM are read from tcpep only as fast as the upstream
 * takes them, so tcpep's receive window closes on a slow upstream; bytes
 * toward the VM are read from upstream only while tcpep's send buffer has
 * room (with @output_sock, not read at all: they wait in the upstream's
 * socket, whose window closes in turn, until the VM has them).
 *
 * No I/O toward the VM and no global state: the caller feeds the VM's
 * frames to proxy_input() and gets those toward the VM through @output.
 * The upstreams are the proxy's; the caller polls their descriptors:
 *
 *	n = proxy_pollfds(p, pfd, max);	   (at most proxy_nr_pollfds())
 *	poll(pfd, n, timeout from proxy_next_deadline());
 *	proxy_input() each frame of the VM's that came meanwhile;
 *	proxy_handle(p);		   every socket, every connection
 *	proxy_timer(p);			   retransmissions, deadlines
 *	send the frames; proxy_output_done(p);	(with @output_sock)
 *
 * Not thread-safe: one thread drives a proxy.
 */
#ifndef VTLCTL_PROXY_H
#define VTLCTL_PROXY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tcpep.h"
#include "upstream.h"

struct proxy;

enum proxy_dns {
	PROXY_DNS_AUTOMAP,
	PROXY_DNS_RESOLVE,
	PROXY_DNS_DROP,
};

/* Defaults of &struct proxy_config, and limits. */
#define PROXY_UP_TIMEOUT	(10 * 1000000000ULL)
#define PROXY_AUTOMAP_MAX	65536
/* RESOLVEs in flight at once: a VM's retries must not take every fd. */
#define PROXY_RJOBS_MAX		64

/**
 * struct proxy_config - one VM's proxy
 * @mac: the source MAC of every frame toward the VM
 * @mtu: the VM's link MTU; 0: 1500
 * @trust_csum: the VM's frames have been checked (tcpep's @trust_csum)
 * @upstream: the kind of far end of every connection
 * @upstream_cfg: its configuration (@upstream->cfg_size bytes, copied)
 * @sealed: nothing leaves but the connections through @upstream: DNS
 *	answered here, the rest filtered (the SOCKS service)
 * @dns: how DNS queries are answered
 * @dns_prefix: the automap prefix, host order
 * @dns_prefix_len: its length
 * @ipv6: proxy the VM's IPv6 TCP too (else IPv6 is filtered)
 * @up_timeout: ns a negotiating upstream's handshake (or a RESOLVE) may
 *	take; 0: the default
 * @verbose: log a line per connection (opened, refused, closed)
 * @offload: @output takes frames with a virtio_net_hdr (see
 *	&struct tcpep_config): partial checksums, large TCP segments
 * @output: sends one frame to the VM, after the virtio_net_hdr @vh if
 *	not NULL (only with @offload, and not for every frame)
 * @frame_buf: where to build a frame for @output or @output_ref, or NULL
 *	(see &struct tcpep_config); NULL: the proxy's own buffer
 * @output_ref: sends one frame whose payload stays in a connection's send
 *	buffer, or NULL (see &struct tcpep_config); needs @offload and @sync
 * @sync: the output is done with what @output_ref or @output_sock named
 *	(see &struct tcpep_config)
 * @output_sock: sends one frame whose payload is @plen bytes the upstream
 *	socket @fd has received, @off bytes past its read position, or NULL
 *	(VTL_RING_F_SOCK_PAYLOAD); needs @offload and @sync.  The proxy then
 *	reads no byte toward the VM: it drops them from the socket in
 *	proxy_output_done(), which the caller calls once the output has
 *	sent every frame it was given (their offsets count from the read
 *	position as it was)
 * @log: a line worth logging (no newline); NULL: none
 * @arg: passed to the callbacks
 */
struct proxy_config {
	uint8_t mac[6];
	uint32_t mtu;
	bool trust_csum;
	const struct vtl_upstream_ops *upstream;
	const void *upstream_cfg;
	bool sealed;
	enum proxy_dns dns;
	uint32_t dns_prefix;
	unsigned int dns_prefix_len;
	bool ipv6;
	uint64_t up_timeout;
	bool verbose;
	bool offload;
	void (*output)(void *arg, const uint8_t *frame, size_t len,
		       const struct virtio_net_hdr *vh);
	uint8_t *(*frame_buf)(void *arg, size_t len, size_t ref);
	void (*output_ref)(void *arg, const uint8_t *frame, size_t len,
			   const uint8_t *payload, size_t plen,
			   const struct virtio_net_hdr *vh);
	void (*sync)(void *arg);
	void (*output_sock)(void *arg, const uint8_t *frame, size_t len, int fd,
			    uint64_t off, size_t plen,
			    const struct virtio_net_hdr *vh);
	void (*log)(void *arg, const char *line);
	void *arg;
};

/*
 * A proxy's counters; @tcpep are its endpoint's.  socks_granted,
 * _refused, _errors and _timeouts count what a negotiating upstream's
 * handshakes ended in (named for SOCKS, the first with one, as the
 * daemon's and tap-proxy's output name them).
 */
struct proxy_counters {
	struct tcpep_stats tcpep;
	uint64_t relays_opened, refused, closed, reset, bytes_up, bytes_down;
	uint64_t socks_granted, socks_refused, socks_errors, socks_timeouts,
		filtered, dns_queries, dns_bad, dns_answers, dns_refused,
		dns_failed, dns_tcp, resolves, automapped, unmapped,
		cache_hits;
	uint64_t relays;	/* VM connections relayed now */
};

/* NULL and errno set on failure. */
struct proxy *proxy_create(const struct proxy_config *cfg);
/* @reset_vm: first a RST to the VM for each of its connections. */
void proxy_destroy(struct proxy *p, bool reset_vm);

/* A frame the VM sent (modified in place: tcpep may). */
void proxy_input(struct proxy *p, uint8_t *frame, size_t len);
/* pollfds proxy_pollfds() fills at most. */
unsigned int proxy_nr_pollfds(const struct proxy *p);
/* Fill @pfd with the upstream sockets and their events: how many. */
unsigned int proxy_pollfds(const struct proxy *p, struct pollfd *pfd,
			   unsigned int max);
/* Move what can move, on every connection and socket. */
void proxy_handle(struct proxy *p);
/* Retransmissions, handshake and RESOLVE deadlines, then proxy_handle(). */
void proxy_timer(struct proxy *p);
/*
 * With @output_sock: the output has sent every frame it was given, so the
 * bytes the VM acknowledged can go from the upstream sockets.
 */
void proxy_output_done(struct proxy *p);
/* When proxy_timer() has work next (CLOCK_MONOTONIC ns), or UINT64_MAX. */
uint64_t proxy_next_deadline(const struct proxy *p);
void proxy_counters(const struct proxy *p, struct proxy_counters *c);

/* CLOCK_MONOTONIC in ns, the clock of the deadlines. */
uint64_t proxy_now(void);

#endif /* VTLCTL_PROXY_H */
