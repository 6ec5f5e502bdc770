/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection state models (the paper's section 2.5): the state of one TCP,
 * UDP or ICMP flow through a port, for both of its endpoints, kept in step
 * with the flow's packets, able to recognise them and to create packets of
 * the connection from either endpoint.
 *
 * Pure code over parsed packets (pkt.h), shared by the kernel module and the
 * userspace unit tests and fuzzer.  Nothing here allocates, locks or reads a
 * clock: the caller passes "now" (nanoseconds of any monotonic clock) and
 * serialises calls on one model.
 *
 * Endpoints are named by where they are, not by who spoke first: the VM
 * behind the port (%VTL_EP_VM) and its peer out in the network
 * (%VTL_EP_PEER).  A packet is "from the VM" when it came out of the VM's
 * device.
 *
 * A model changes only through vtl_model_init*() and vtl_model_update()
 * (or a service writing its fields).  vtl_model_build() does not change
 * it: a service that sends a built frame also passes it to
 * vtl_model_update(), as if seen on the wire, which keeps the model in step.
 */
#ifndef _VTL_MODEL_H
#define _VTL_MODEL_H

#include "pkt.h"

enum vtl_ep_id {
	VTL_EP_VM,
	VTL_EP_PEER,
	VTL_EP_COUNT
};

/**
 * struct vtl_flow_key - what identifies a flow, seen from the VM
 * @vm_addr: the VM's IP address (IPv4 in the first 4 bytes, rest zero)
 * @peer_addr: the peer's IP address, likewise
 * @vm_port: the VM's TCP/UDP port; for ICMP echo, the echo identifier
 * @peer_port: the peer's port; 0 for ICMP
 * @family: 4 or 6
 * @proto: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_ICMPV6
 *
 * Compared with memcmp(): vtl_model_key() zeroes every byte it does not
 * set, padding included.
 */
struct vtl_flow_key {
	u8 vm_addr[16];
	u8 peer_addr[16];
	__be16 vm_port;
	__be16 peer_port;
	u8 family;
	u8 proto;
	u8 pad[2];
};

/**
 * enum vtl_conn_state - the connection's state, TCP's as conntrack sees it
 * @VTL_CONN_NEW: one side has spoken (TCP: SYN sent)
 * @VTL_CONN_SYN_RECV: TCP: the SYN was answered with SYN-ACK
 * @VTL_CONN_ESTABLISHED: both sides have spoken (TCP: handshake done)
 * @VTL_CONN_FIN_WAIT: TCP: one side has sent FIN
 * @VTL_CONN_CLOSING: TCP: both sides have sent FIN, last ACK pending
 * @VTL_CONN_TIME_WAIT: TCP: both FINs acknowledged
 * @VTL_CONN_CLOSED: TCP: reset
 */
enum vtl_conn_state {
	VTL_CONN_NEW,
	VTL_CONN_SYN_RECV,
	VTL_CONN_ESTABLISHED,
	VTL_CONN_FIN_WAIT,
	VTL_CONN_CLOSING,
	VTL_CONN_TIME_WAIT,
	VTL_CONN_CLOSED,
	VTL_CONN_STATE_COUNT
};

/**
 * struct vtl_ep - what one endpoint has sent, and what it can take
 * @mac: its MAC address, as the last frame from it said
 * @isn: its initial sequence number (TCP)
 * @snd_nxt: the sequence number after the last byte (or SYN/FIN) it sent
 * @ack: the highest acknowledgment number it sent (0 before its first ACK)
 * @window: its last advertised window, in bytes (scaled; a SYN's window
 *	is never scaled)
 * @mss: the MSS it announced, 0 if none
 * @wscale: the window scale it announced (at most 14, RFC 7323)
 * @wscale_ok: it announced window scaling (and so did the other side)
 * @sack_ok: it announced SACK-permitted
 * @ts_ok: it uses timestamps: its SYN carried them, and so did the other
 *	side's once that has been seen
 * @tsval: its highest timestamp value
 * @tsecr: its timestamp echo reply, from the segment with @tsval
 * @ip_id: its last IPv4 ID
 * @ttl: its last TTL / hop limit
 * @fin: it has sent FIN (at @snd_nxt - 1)
 * @packets: packets from it
 * @bytes: their bytes, from the Ethernet header on
 * @syn_opts: the options its SYN carried: %VTL_PKT_TCP_MSS,
 *	%VTL_PKT_TCP_WSCALE, %VTL_PKT_TCP_SACKOK, %VTL_PKT_TCP_TS
 * @max_end: the right edge of the window the other side has offered it:
 *	the highest ack + window the other side sent (conntrack's td_maxend);
 *	its segments may not start after this
 * @max_win: the largest window it has advertised, in bytes (conntrack's
 *	td_maxwin); 0 until it has sent a segment.  The other side's
 *	segments may not end more than this before the other side's @snd_nxt
 */
struct vtl_ep {
	u8 mac[ETH_ALEN];
	u32 isn;
	u32 snd_nxt;
	u32 ack;
	u32 window;
	u16 mss;
	u8 wscale;
	bool wscale_ok;
	bool sack_ok;
	bool ts_ok;
	u32 tsval;
	u32 tsecr;
	u16 ip_id;
	u8 ttl;
	bool fin;
	u64 packets;
	u64 bytes;
	u32 syn_opts;
	u32 max_end;
	u32 max_win;
};

/**
 * struct vtl_model - the state model of one flow
 * @key: the flow
 * @state: &enum vtl_conn_state
 * @initiator: the endpoint that spoke first
 * @ep: the two endpoints, indexed by &enum vtl_ep_id
 * @created: "now" of the first packet
 * @last_seen: "now" of the last packet
 */
struct vtl_model {
	struct vtl_flow_key key;
	u8 state;
	u8 initiator;
	struct vtl_ep ep[VTL_EP_COUNT];
	u64 created;
	u64 last_seen;
};

/**
 * enum vtl_model_verdict - what vtl_model_update() made of a packet
 * @VTL_MODEL_VALID: in window and in sequence with the state; applied
 * @VTL_MODEL_INVALID: not part of the connection as tracked (out of
 *	window, wrong flags for the state); the model is unchanged
 */
enum vtl_model_verdict {
	VTL_MODEL_VALID,
	VTL_MODEL_INVALID,
};

/* Idle timeouts by state, in nanoseconds: nf_conntrack's defaults. */
#define VTL_MODEL_SEC			1000000000ULL
#define VTL_MODEL_TIMEOUT_SYN_SENT	(120 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_SYN_RECV	(60 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_ESTABLISHED	(5 * 24 * 3600 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_FIN_WAIT	(120 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_CLOSE_WAIT	(60 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_LAST_ACK	(30 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_TIME_WAIT	(120 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_CLOSE		(10 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_UDP		(30 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_UDP_REPLIED	(120 * VTL_MODEL_SEC)
#define VTL_MODEL_TIMEOUT_ICMP		(30 * VTL_MODEL_SEC)

/* The TTL or hop limit of a built frame when the endpoint's is not known. */
#define VTL_MODEL_DEFAULT_TTL		64

/* Window scale shift counts above this are taken as this (RFC 7323). */
#define VTL_MODEL_MAX_WSCALE		14

int vtl_model_key(const struct vtl_pkt *pkt, bool from_vm,
		  struct vtl_flow_key *key);
int vtl_model_key_icmp_error(const struct vtl_pkt *pkt, bool from_vm,
			     struct vtl_flow_key *key);
bool vtl_model_starts(const struct vtl_pkt *pkt);
void vtl_model_init(struct vtl_model *m, const struct vtl_pkt *pkt,
		    bool from_vm, u64 now);
void vtl_model_init_tcp(struct vtl_model *m, const struct vtl_flow_key *key,
			const struct vtl_ep *vm, const struct vtl_ep *peer,
			u8 state, u64 now);
enum vtl_model_verdict vtl_model_update(struct vtl_model *m,
					const struct vtl_pkt *pkt,
					bool from_vm, u64 now);
bool vtl_model_match(const struct vtl_model *m, const struct vtl_pkt *pkt,
		     bool from_vm);
u64 vtl_model_timeout(const struct vtl_model *m);
int vtl_model_build(const struct vtl_model *m, enum vtl_ep_id from,
		    u8 tcp_flags, u32 window, const void *payload,
		    u32 payload_len, u8 *buf, u32 size);
int vtl_model_tcp(const struct vtl_model *m, enum vtl_ep_id from,
		  u8 tcp_flags, u32 window, struct vtl_pkt_tcp *out);
const char *vtl_model_state_name(u8 state);

#endif /* _VTL_MODEL_H */
