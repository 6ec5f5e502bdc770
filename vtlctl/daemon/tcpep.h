/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpep: a userspace TCP endpoint that plays the remote end of every TCP
 * connection a VM opens (the paper's Open, Established, Close and Error
 * stages), so that a daemon can relay each connection's byte stream to a
 * socket (SOCKS, Tor, a fixed upstream).
 *
 * Frame in, frame out, no I/O of its own: the caller feeds the Ethernet
 * frames the VM sends to tcpep_input(), and gets the frames for the VM
 * through the output callback of its &struct tcpep_config.  The connection
 * state is kmod/lib/model.c's, the same model the kernel keeps; packets
 * are parsed and built with kmod/lib/pkt.h's packet library.  Every entry
 * point takes "now", in nanoseconds of any monotonic clock, so that tests
 * can drive time.
 *
 * The endpoint also answers the VM's ARP requests and IPv6 neighbour
 * solicitations for any address with its own MAC address: it owns the VM's
 * whole view of the network.
 *
 * Connection life: a SYN from the VM creates a connection and raises
 * %TCPEP_EV_NEW; the application decides with tcpep_accept() (SYN-ACK) or
 * tcpep_abort() (RST: the VM's connect() fails with ECONNREFUSED), in the
 * callback or later.  %TCPEP_EV_ESTABLISHED, %TCPEP_EV_READABLE (data or the
 * VM's FIN), %TCPEP_EV_WRITABLE (send buffer space freed) follow, and one of
 * %TCPEP_EV_CLOSED (both FINs sent and acknowledged) or %TCPEP_EV_RESET.
 * The application releases a connection with tcpep_close() (orderly: FIN
 * after the queued data) or tcpep_abort() (RST) exactly once, after which
 * it must not touch it and gets no more events; the library frees it when
 * the protocol is done with it as well.
 *
 * Not thread-safe: one thread drives a &struct tcpep and its connections.
 * Callbacks may call back into the library (accept, write, close, abort).
 */
#ifndef VTLCTL_TCPEP_H
#define VTLCTL_TCPEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vtl_flow_key;
struct tcpep;
struct tcpep_conn;
struct virtio_net_hdr;

/* Defaults of &struct tcpep_config, and limits. */
#define TCPEP_DEFAULT_MTU	1500
#define TCPEP_DEFAULT_RCVBUF	(256 * 1024)
#define TCPEP_DEFAULT_SNDBUF	(256 * 1024)
#define TCPEP_MAX_BUF		(16 * 1024 * 1024)
/*
 * Segments in flight toward the VM, at most: a fixed congestion window;
 * with offload, four large segments of 44.
 */
#define TCPEP_MAX_FLIGHT	64
#define TCPEP_MAX_FLIGHT_GSO	176
/* Retransmissions of one segment before the connection is reset. */
#define TCPEP_MAX_RETRIES	8
/* Timers, in nanoseconds (RFC 6298: initial 1 s; Linux's 200 ms floor). */
#define TCPEP_MS		1000000ULL
#define TCPEP_RTO_INIT		(1000 * TCPEP_MS)
#define TCPEP_RTO_MIN		(200 * TCPEP_MS)
#define TCPEP_RTO_MAX		(60000 * TCPEP_MS)
/* Re-sends of a window update that reopened a shut window, at most. */
#define TCPEP_WUPD_TRIES	6
/* How long a connection closed by our side first re-ACKs the VM's FIN. */
#define TCPEP_TIME_WAIT		(2000 * TCPEP_MS)

/**
 * enum tcpep_event - what the library tells the application
 * @TCPEP_EV_NEW: the VM wants a connection (its SYN): tcpep_accept() or
 *	tcpep_abort() it; tcpep_conn_key() has its original destination
 * @TCPEP_EV_ESTABLISHED: the handshake completed
 * @TCPEP_EV_READABLE: tcpep_read() has data, or end of stream
 * @TCPEP_EV_WRITABLE: tcpep_write() has room again
 * @TCPEP_EV_CLOSED: both directions closed in order
 * @TCPEP_EV_RESET: the VM reset the connection, or it stopped answering
 *	(tcpep_conn_error() says which); no more data either way
 */
enum tcpep_event {
	TCPEP_EV_NEW,
	TCPEP_EV_ESTABLISHED,
	TCPEP_EV_READABLE,
	TCPEP_EV_WRITABLE,
	TCPEP_EV_CLOSED,
	TCPEP_EV_RESET,
};

/**
 * struct tcpep_config - how an endpoint behaves, and whom it calls
 * @mac: its MAC address (the source of every frame toward the VM)
 * @mtu: the link MTU (the MSS it offers follows from it); 0: 1500
 * @rcvbuf: bytes from the VM a connection buffers for the application
 *	(its receive window); 0: %TCPEP_DEFAULT_RCVBUF
 * @sndbuf: bytes toward the VM a connection buffers, sent or not yet
 *	acknowledged; 0: %TCPEP_DEFAULT_SNDBUF
 * @output: sends one frame to the VM; with @offload, after the
 *	virtio_net_hdr @vh (else NULL) that says how to complete it
 * @frame_buf: if not NULL, where to build a frame of @len bytes that
 *	@output is then given: in the output's own memory (a ring slot),
 *	to save a copy; NULL from it: tcpep's own buffer.  With @ref not 0
 *	the frame is for @output_ref or @output_ext: @len bytes of headers,
 *	then @ref bytes of payload named elsewhere
 * @output_ref: if not NULL, with @offload: sends a frame whose payload is
 *	not copied but named where it is, in the connection's send buffer:
 *	@frame holds its first @len bytes (the headers), the @plen bytes at
 *	@payload end it.  Until @sync, tcpep writes over those bytes only
 *	once the VM has acknowledged them (a frame carrying them is then old
 *	news to the VM).  Used for a payload that lies in one piece in the
 *	buffer; one that runs round its end is copied, for @output
 * @sync: with @output_ref, called before tcpep frees a send buffer: the
 *	output must be done with the frames pointing into it when it returns
 * @output_ext: if not NULL, with @offload: sends a frame of a connection
 *	whose stream toward the VM the application holds
 *	(tcpep_set_external()): @frame holds its first @len bytes (the
 *	headers), and its payload is the @plen bytes at offset @off of @c's
 *	stream, counted from its first byte
 * @event: tells the application about a connection
 * @isn: chooses our initial sequence number for a connection; NULL: random
 * @arg: passed to the callbacks
 * @trust_csum: do not verify the checksums of the VM's frames: the caller
 *	has (or they were never computed: a local VM's CHECKSUM_PARTIAL
 *	frames, handed over as they are)
 * @delay_acks: ACK in-order data in tcpep_flush(), once a batch, not per
 *	frame
 * @offload: the output takes frames with a virtio_net_hdr, as a TAP with
 *	IFF_VNET_HDR does: they leave with the TCP checksum partial, and
 *	carry up to 64 KiB of the stream each, cut to the MSS on the way
 */
struct tcpep_config {
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t rcvbuf;
	uint32_t sndbuf;
	void (*output)(void *arg, const uint8_t *frame, size_t len,
		       const struct virtio_net_hdr *vh);
	uint8_t *(*frame_buf)(void *arg, size_t len, size_t ref);
	void (*output_ref)(void *arg, const uint8_t *frame, size_t len,
			   const uint8_t *payload, size_t plen,
			   const struct virtio_net_hdr *vh);
	void (*sync)(void *arg);
	void (*output_ext)(void *arg, struct tcpep_conn *c,
			   const uint8_t *frame, size_t len, uint64_t off,
			   size_t plen, const struct virtio_net_hdr *vh);
	void (*event)(void *arg, struct tcpep_conn *c, enum tcpep_event ev);
	uint32_t (*isn)(void *arg, const struct vtl_flow_key *key);
	void *arg;
	bool trust_csum;
	bool delay_acks;
	bool offload;
};

/* Counters of an endpoint, for logs and tests. */
struct tcpep_stats {
	uint64_t frames_in;
	uint64_t frames_out;
	uint64_t bad_frames;	/* unparsable, bad checksum */
	uint64_t ignored;	/* neither TCP nor ARP/ND for us */
	uint64_t arp_replies;
	uint64_t nd_replies;
	uint64_t conns_opened;
	uint64_t conns_refused;	/* tcpep_abort() before accepting */
	uint64_t conns_closed;
	uint64_t conns_reset;	/* by the VM, by us, or timed out */
	uint64_t rst_unknown;	/* RSTs for segments of no connection */
	uint64_t invalid;	/* segments the model rejected */
	uint64_t bytes_in;	/* payload from the VM, in order */
	uint64_t bytes_out;	/* payload to the VM, first transmissions */
	uint64_t retransmits;	/* segments sent again: timeouts, dup ACKs */
	uint64_t timeouts;	/* retransmission timer expiries */
	uint64_t ooo_queued;	/* out-of-order segments kept */
	uint64_t ooo_dropped;	/* out-of-order segments dropped */
	uint64_t zero_windows;	/* ACKs advertising a zero window */
	uint64_t window_probes;	/* zero-window probes sent to the VM */
	uint64_t window_resends;	/* window updates sent again */
	uint64_t conns;		/* connections now */
};

struct tcpep *tcpep_create(const struct tcpep_config *cfg);
void tcpep_destroy(struct tcpep *ep);
int tcpep_input(struct tcpep *ep, uint8_t *frame, size_t len, uint64_t now);
void tcpep_timer(struct tcpep *ep, uint64_t now);
void tcpep_flush(struct tcpep *ep, uint64_t now);
uint64_t tcpep_next_deadline(const struct tcpep *ep);
const struct tcpep_stats *tcpep_get_stats(const struct tcpep *ep);

int tcpep_accept(struct tcpep_conn *c, uint64_t now);
ssize_t tcpep_read(struct tcpep_conn *c, void *buf, size_t len,
		   uint64_t now);
ssize_t tcpep_read_peek(struct tcpep_conn *c, const void **buf);
void tcpep_read_done(struct tcpep_conn *c, size_t len, uint64_t now);
ssize_t tcpep_write(struct tcpep_conn *c, const void *buf, size_t len,
		    uint64_t now);
ssize_t tcpep_write_space(struct tcpep_conn *c, void **buf);
void tcpep_write_done(struct tcpep_conn *c, size_t len, uint64_t now);
int tcpep_set_external(struct tcpep_conn *c);
ssize_t tcpep_write_ext(struct tcpep_conn *c, size_t len, uint64_t now);
uint64_t tcpep_acked(const struct tcpep_conn *c);
int tcpep_shutdown(struct tcpep_conn *c, uint64_t now);
void tcpep_close(struct tcpep_conn *c, uint64_t now);
void tcpep_abort(struct tcpep_conn *c, uint64_t now);

size_t tcpep_readable(const struct tcpep_conn *c);
size_t tcpep_writable(const struct tcpep_conn *c);
bool tcpep_eof(const struct tcpep_conn *c);
int tcpep_conn_error(const struct tcpep_conn *c);
const struct vtl_flow_key *tcpep_conn_key(const struct tcpep_conn *c);
void tcpep_conn_set_user(struct tcpep_conn *c, void *user);
void *tcpep_conn_user(const struct tcpep_conn *c);

#endif /* VTLCTL_TCPEP_H */
