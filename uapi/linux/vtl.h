/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VTL (Virtual Traffic Layer): the kernel/user contract.
 *
 * VTL attaches to the host side of a virtual machine's network interface
 * (a TAP or Xen vif device, or any Ethernet device standing in for one) and
 * runs network services on the VM's traffic without the guest noticing.
 *
 * Everything is configured through the generic netlink family VTL_GENL_NAME.
 * Each network namespace has its own VTL instance: a request acts on the
 * namespace of the socket it arrives on, and ports of other namespaces are
 * neither visible nor reachable from it.  Every command needs CAP_NET_ADMIN
 * in the initial user namespace (GENL_ADMIN_PERM): a user namespace's root
 * gets EPERM.
 *
 * Conventions (as in <linux/openvswitch.h>): every attribute enum starts at
 * _UNSPEC and ends with a __MAX sentinel; values are never renumbered, new
 * ones are appended.  Attributes are scalars or nests, never binary structs
 * (but one: &struct vtl_export_model, see there);
 * counters are 64 bits (with a _PAD attribute for alignment).  Requests are
 * validated strictly: an unknown attribute, a wrong type or length, or an
 * attribute a command does not take is rejected with EINVAL and an extended
 * ACK message naming it.
 */
#ifndef _UAPI_LINUX_VTL_H
#define _UAPI_LINUX_VTL_H

#include <linux/types.h>

#define VTL_GENL_NAME		"vtl"
#define VTL_GENL_VERSION	1

/**
 * enum vtl_cmd - generic netlink commands of the "vtl" family
 * @VTL_CMD_UNSPEC: invalid
 * @VTL_CMD_PORT_NEW: attach VTL to a device.  Takes a flat set of
 *	&enum vtl_port_attr attributes: %VTL_PORT_A_IFINDEX (required),
 *	%VTL_PORT_A_MODE (optional, see &enum vtl_port_mode) and
 *	%VTL_PORT_A_PEER_IFINDEX (required for, and only accepted with,
 *	standalone mode).  Fails with ENODEV for a missing device, EEXIST
 *	for a device that is already attached (as port or as peer), EBUSY for
 *	a device whose rx_handler belongs to someone else (a bridge port, a
 *	bond slave, ...), EOPNOTSUPP for a loopback, a bridge master or a
 *	non-Ethernet device, EINVAL for an inconsistent mode.
 * @VTL_CMD_PORT_DEL: detach VTL from a device.  Takes %VTL_PORT_A_IFINDEX
 *	of the port (not of its peer); ENODEV if it is not attached.
 * @VTL_CMD_PORT_GET: with %VTL_PORT_A_IFINDEX, return that port; as a
 *	dump (NLM_F_DUMP), return every port of the namespace.  Replies carry
 *	%VTL_PORT_A_IFINDEX, %VTL_PORT_A_IFNAME, %VTL_PORT_A_MODE, the peer's
 *	attributes for a standalone port, and %VTL_PORT_A_STATS (and
 *	%VTL_PORT_A_PEER_STATS).  A dump that raced with a change is flagged
 *	NLM_F_DUMP_INTR, as genl_dump_check_consistent() does.
 * @VTL_CMD_PORT_SET: change a port's settings.  Takes %VTL_PORT_A_IFINDEX
 *	(required) and at least one of %VTL_PORT_A_MAX_CONNS,
 *	%VTL_PORT_A_TRACK and %VTL_PORT_A_SUSPENDED; the mode and the peer are fixed for a port's
 *	life and rejected here.  ENODEV if the device is not attached;
 *	suspending a suspended port or resuming a running one is not an
 *	error.
 * @VTL_CMD_CONN_GET: dump only (NLM_F_DUMP): the tracked connections of
 *	every port of the namespace, or of the port given by
 *	%VTL_CONN_A_IFINDEX (ENODEV if it is not attached).  One message per
 *	connection, of &enum vtl_conn_attr attributes.  Connections come and
 *	go while a dump runs: it is a snapshot of each connection, not of the
 *	table, and only a change of the ports flags it NLM_F_DUMP_INTR.
 * @VTL_CMD_CONN_FLUSH: forget the tracked connections of the port given by
 *	%VTL_CONN_A_IFINDEX, or of every port of the namespace without it.
 * @VTL_CMD_FW_NEW: append a firewall rule to one direction of a port's
 *	rule set.  Takes &enum vtl_fw_attr: %VTL_FW_A_IFINDEX, %VTL_FW_A_DIR
 *	and %VTL_FW_A_ACTION (required) and the optional match attributes.
 *	The reply is the new rule, with the %VTL_FW_A_ID VTL gave it.  EINVAL
 *	for a rule that can never match (a prefix longer than its family's
 *	address, ports with a protocol that has none, ICMP of the other
 *	family); E2BIG when the set would grow past %VTL_FW_MAX_RULES rules
 *	or its compiled size past what VTL allows.
 * @VTL_CMD_FW_DEL: delete the rule %VTL_FW_A_ID of the port
 *	%VTL_FW_A_IFINDEX; ENOENT if it has no such rule.
 * @VTL_CMD_FW_GET: dump only: the rules of the port %VTL_FW_A_IFINDEX
 *	(required), the "in" direction first, each in order, with its hit
 *	counters.  A dump that raced with a change of the rules is flagged
 *	NLM_F_DUMP_INTR.
 * @VTL_CMD_FW_FLUSH: delete every rule of the port %VTL_FW_A_IFINDEX, or
 *	only of the direction %VTL_FW_A_DIR if given.  Policies stay.
 * @VTL_CMD_FW_POLICY: set the default policy (%VTL_FW_A_POLICY, accept or
 *	drop) of direction %VTL_FW_A_DIR of the port %VTL_FW_A_IFINDEX: what
 *	happens to a packet no rule matches.  The default is accept.
 * @VTL_CMD_FW_LOAD: replace every rule of the port %VTL_FW_A_IFINDEX, both
 *	directions, by the %VTL_FW_A_RULE nests of the request, in order
 *	(none: no rules), and optionally the policies (%VTL_FW_A_POLICY_IN,
 *	%VTL_FW_A_POLICY_OUT), in one step: a packet sees either the old rules
 *	and policies or the new ones.  The rules are top-level attributes, as
 *	many as the message holds, not one nest, whose 16-bit length would
 *	hold about a thousand.  A bad rule fails the whole request, changes
 *	nothing, and the extended ACK points at its nest.  Rules get new ids
 *	in order; counters start at 0.
 * @VTL_CMD_REWRITE_NEW: add a rewrite rule to a port: frames from its VM
 *	to an address in %VTL_REWRITE_A_DST/%VTL_REWRITE_A_DST_LEN get the
 *	destination MAC %VTL_REWRITE_A_DMAC (required) and optionally a new
 *	source MAC, new IP addresses (checksums fixed) and a way straight out
 *	of another attached port of the namespace (%VTL_REWRITE_A_OUT_IFINDEX),
 *	into that port's VM.  Takes &enum vtl_rewrite_attr.  The longest
 *	matching prefix wins.  EEXIST for a prefix the port already has
 *	("conflicting rule"); ENODEV for an unattached device or out port;
 *	EINVAL for an out port that is the port itself or for addresses of
 *	another family than the prefix.
 * @VTL_CMD_REWRITE_DEL: delete the rule of %VTL_REWRITE_A_IFINDEX with the
 *	prefix %VTL_REWRITE_A_DST/%VTL_REWRITE_A_DST_LEN; ENOENT if none.
 * @VTL_CMD_REWRITE_GET: dump only: the rewrite rules of every port, or of
 *	the port %VTL_REWRITE_A_IFINDEX, with their counters.
 * @VTL_CMD_REWRITE_FLUSH: delete every rewrite rule of the port
 *	%VTL_REWRITE_A_IFINDEX, or of every port of the namespace without it
 *	(automatic shortcuts included).
 * @VTL_CMD_TUNNEL_SET: turn automatic subnet tunneling of the namespace on
 *	or off (%VTL_TUNNEL_A_AUTO).  While on, VTL learns each port's VM
 *	addresses from the frames it sends and, when a VM sends a frame to a
 *	learned address of another port's VM through a gateway (the frame's
 *	destination MAC is not that VM's), installs the rewrite rule that
 *	sends such frames straight to that VM (flagged automatic), and
 *	removes it when that VM's port goes or its address moves.  Turning
 *	it off removes every automatic rule.
 * @VTL_CMD_TUNNEL_GET: the namespace's %VTL_TUNNEL_A_AUTO; as a dump, the
 *	learned VM addresses (&enum vtl_tunnel_attr: %VTL_TUNNEL_A_IFINDEX,
 *	%VTL_TUNNEL_A_ADDR, %VTL_TUNNEL_A_MAC, %VTL_TUNNEL_A_AGE_MS).
 * @VTL_CMD_SOCKS_NEW: proxy every connection of a port's VM through a
 *	SOCKS proxy (see &enum vtl_socks_attr).  Takes %VTL_SOCKS_A_IFINDEX
 *	and %VTL_SOCKS_A_PROXY_ADDR with %VTL_SOCKS_A_PROXY_PORT (required)
 *	and the optional settings.  From then on nothing the VM sends reaches
 *	the network and nothing from the network reaches the VM: its TCP
 *	segments and DNS queries go up the port's ring to the daemon, its ARP
 *	requests are answered in the kernel with %VTL_SOCKS_FAKE_MAC, the
 *	rest is dropped and counted.  With no daemon (no ring attached) the
 *	VM's TCP segments are answered with a RST.  EEXIST if the port
 *	already has a SOCKS service (delete it first), ENODEV for a device
 *	that is not attached, EINVAL for inconsistent settings (a user
 *	without a password, credentials with version 4a, dns resolve with
 *	version 4a, a DNS prefix without automap or with host bits set, a
 *	proxy address that is not unicast), ERANGE for a value out of its
 *	range (a prefix length outside 1 to 30, say).  Notified to the
 *	"config" multicast group.
 * @VTL_CMD_SOCKS_DEL: stop proxying the port %VTL_SOCKS_A_IFINDEX: its VM
 *	is back on the network as before.  ENOENT if it had no SOCKS service.
 *	Notified to the "config" multicast group (%VTL_SOCKS_A_IFINDEX only),
 *	as is the end of a port that had one (VTL detached, the device gone).
 * @VTL_CMD_SOCKS_GET: the SOCKS service of the port %VTL_SOCKS_A_IFINDEX,
 *	with its counters (%VTL_SOCKS_A_STATS); as a dump, of every port of
 *	the namespace that has one.  %VTL_SOCKS_A_PASSWORD is returned only
 *	to a caller with CAP_NET_ADMIN.
 * @VTL_CMD_PORT_EXPORT: dump only: the state of the port
 *	%VTL_EXPORT_A_IFINDEX (required; ENODEV if it is not attached), as
 *	&enum vtl_export_attr attributes spread over as many messages as it
 *	takes: first the header (%VTL_EXPORT_A_VERSION, %VTL_EXPORT_A_MODE,
 *	%VTL_EXPORT_A_MAX_CONNS), then each service's %VTL_EXPORT_A_SERVICE
 *	chunks, then a %VTL_EXPORT_A_CONN per tracked connection.  The
 *	attributes of every message, concatenated in order, are what
 *	%VTL_CMD_PORT_IMPORT takes.  Counters are not exported.  A dump
 *	that raced with a change of the namespace's ports or of the port's
 *	firewall or rewrite rules is flagged NLM_F_DUMP_INTR; connections
 *	are a snapshot of each connection, as in %VTL_CMD_CONN_GET.
 * @VTL_CMD_PORT_IMPORT: make the port %VTL_EXPORT_A_IFINDEX's service
 *	configuration and connections those of an export (replacing, not
 *	merging, what it had), in one step and all or nothing: an unknown
 *	version, a malformed attribute, a port of another mode, a service
 *	this module lacks, more connections than the port's max_conns or
 *	VTL's global limit leave the port as it was and fail with EINVAL
 *	(EPROTONOSUPPORT for the version, EOPNOTSUPP for a service, ENOSPC
 *	for room, ENODEV for a device that is not attached, or a service's
 *	own errno) and an extended ACK saying why.  The port's max_conns is
 *	kept.  The connections' idle times and ages carry over; counters
 *	start at 0, firewall rules get new ids.  The request holds the
 *	port's %VTL_EXPORT_A_IFINDEX and the export's attributes, in order:
 *	its size is bounded by the sender's socket buffer, what it makes
 *	VTL allocate by what the port may hold.
 * @__VTL_CMD_MAX: sentinel
 */
enum vtl_cmd {
	VTL_CMD_UNSPEC,
	VTL_CMD_PORT_NEW,
	VTL_CMD_PORT_DEL,
	VTL_CMD_PORT_GET,
	VTL_CMD_PORT_SET,
	VTL_CMD_CONN_GET,
	VTL_CMD_CONN_FLUSH,
	VTL_CMD_FW_NEW,
	VTL_CMD_FW_DEL,
	VTL_CMD_FW_GET,
	VTL_CMD_FW_FLUSH,
	VTL_CMD_FW_POLICY,
	VTL_CMD_FW_LOAD,
	VTL_CMD_REWRITE_NEW,
	VTL_CMD_REWRITE_DEL,
	VTL_CMD_REWRITE_GET,
	VTL_CMD_REWRITE_FLUSH,
	VTL_CMD_TUNNEL_SET,
	VTL_CMD_TUNNEL_GET,
	VTL_CMD_SOCKS_NEW,
	VTL_CMD_SOCKS_DEL,
	VTL_CMD_SOCKS_GET,
	VTL_CMD_PORT_EXPORT,
	VTL_CMD_PORT_IMPORT,
	__VTL_CMD_MAX
};

#define VTL_CMD_MAX (__VTL_CMD_MAX - 1)

/*
 * Multicast group of the family: changes of configuration a daemon acts on
 * (today %VTL_CMD_SOCKS_NEW and %VTL_CMD_SOCKS_DEL), sent to listeners of
 * the namespace where they happen.  Joining it needs CAP_NET_ADMIN; a
 * %VTL_CMD_SOCKS_NEW carries %VTL_SOCKS_A_PASSWORD only in a namespace of
 * the initial user namespace (elsewhere, ask %VTL_CMD_SOCKS_GET for it).
 */
#define VTL_MCGRP_CONFIG	"config"

/**
 * enum vtl_port_mode - how VTL sits on a VM's traffic
 * @VTL_PORT_MODE_UNSPEC: invalid; an absent %VTL_PORT_A_MODE means
 *	%VTL_PORT_MODE_STANDALONE if a peer is given, else
 *	%VTL_PORT_MODE_HOST_ONLY.
 * @VTL_PORT_MODE_HOST_ONLY: VTL takes the device's rx_handler and is the
 *	sole recipient of the VM's frames; nothing leaves unless a service
 *	produces it, and frames no service claims are dropped and counted.
 * @VTL_PORT_MODE_STANDALONE: VTL takes the rx_handler of the device and of
 *	its peer (an uplink) and joins them like a patch cable through its
 *	pipeline.
 * @VTL_PORT_MODE_BRIDGE: the device stays a Linux bridge port; VTL sees
 *	every frame from and to it through netfilter bridge hooks.
 * @__VTL_PORT_MODE_MAX: sentinel
 */
enum vtl_port_mode {
	VTL_PORT_MODE_UNSPEC,
	VTL_PORT_MODE_HOST_ONLY,
	VTL_PORT_MODE_STANDALONE,
	VTL_PORT_MODE_BRIDGE,
	__VTL_PORT_MODE_MAX
};

#define VTL_PORT_MODE_MAX (__VTL_PORT_MODE_MAX - 1)

/**
 * enum vtl_port_attr - attributes of %VTL_CMD_PORT_* messages
 * @VTL_PORT_A_UNSPEC: invalid
 * @VTL_PORT_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_PORT_A_IFINDEX: u32, ifindex of the VM-side device.  Required in
 *	every request except a dump; always returned.
 * @VTL_PORT_A_IFNAME: string, its name.  Returned; rejected in requests.
 * @VTL_PORT_A_MODE: u32, &enum vtl_port_mode.  Optional in
 *	%VTL_CMD_PORT_NEW; always returned.
 * @VTL_PORT_A_PEER_IFINDEX: u32, ifindex of the uplink of a standalone
 *	port.  Required for standalone mode in %VTL_CMD_PORT_NEW; returned for
 *	standalone ports.
 * @VTL_PORT_A_PEER_IFNAME: string, the uplink's name.  Returned.
 * @VTL_PORT_A_STATS: nest of &enum vtl_stats_attr, counters of the
 *	VM-side device.  Returned.
 * @VTL_PORT_A_PEER_STATS: nest of &enum vtl_stats_attr, counters of the
 *	uplink of a standalone port.  Returned.
 * @VTL_PORT_A_MAX_CONNS: u32, how many connections the port tracks at
 *	most (0: none).  Optional in %VTL_CMD_PORT_NEW (default 65536),
 *	required in %VTL_CMD_PORT_SET; always returned.  Lowering it below
 *	the current number forgets nothing: connections end as they would.
 * @VTL_PORT_A_CONNS: u32, how many connections the port tracks now.
 *	Returned; rejected in requests.
 * @VTL_PORT_A_CONN_DROPPED: u64, how many times a new connection was
 *	not tracked because the port's table (or VTL's global limit) was
 *	full and nothing could be evicted.  The packet passed regardless.
 *	Returned; rejected in requests.
 * @VTL_PORT_A_FW: nest of &enum vtl_fw_port_attr: the port's firewall
 *	policies, rule counts and counters.  Returned; rejected in requests.
 * @VTL_PORT_A_REWRITE: nest of &enum vtl_rewrite_port_attr: the port's
 *	rewrite rules and counters.  Returned; rejected in requests.
 * @VTL_PORT_A_SUSPENDED: u8, 1 while the port is suspended: VTL answers
 *	for the VM (see &enum vtl_persist_attr).  Optional in
 *	%VTL_CMD_PORT_SET (1 suspends, 0 resumes); always returned.
 * @VTL_PORT_A_PERSIST: nest of &enum vtl_persist_attr: what the port
 *	knows of its VM and its suspension counters.  Returned; rejected in requests.
 * @VTL_PORT_A_RING: nest of &enum vtl_ring_port_attr (<linux/vtl_ring.h>):
 *	the port's shared ring to userspace.  Returned; rejected in requests.
 * @VTL_PORT_A_TRACK: u8, 1: the port tracks its connections, and learns
 *	what suspending it needs (its VM's addresses), whatever its services
 *	need; 0: only while a service needs them (a firewall rule that
 *	matches connection states).  Turning tracking off forgets the
 *	connections.  Optional in %VTL_CMD_PORT_NEW (default 0) and
 *	%VTL_CMD_PORT_SET; always returned.
 * @__VTL_PORT_A_MAX: sentinel
 */
enum vtl_port_attr {
	VTL_PORT_A_UNSPEC,
	VTL_PORT_A_PAD,
	VTL_PORT_A_IFINDEX,
	VTL_PORT_A_IFNAME,
	VTL_PORT_A_MODE,
	VTL_PORT_A_PEER_IFINDEX,
	VTL_PORT_A_PEER_IFNAME,
	VTL_PORT_A_STATS,
	VTL_PORT_A_PEER_STATS,
	VTL_PORT_A_MAX_CONNS,
	VTL_PORT_A_CONNS,
	VTL_PORT_A_CONN_DROPPED,
	VTL_PORT_A_FW,
	VTL_PORT_A_REWRITE,
	VTL_PORT_A_SUSPENDED,
	VTL_PORT_A_PERSIST,
	VTL_PORT_A_RING,
	VTL_PORT_A_TRACK,
	__VTL_PORT_A_MAX
};

#define VTL_PORT_A_MAX (__VTL_PORT_A_MAX - 1)

/**
 * enum vtl_stats_attr - per-device counters, all u64
 * @VTL_STATS_A_UNSPEC: invalid
 * @VTL_STATS_A_PAD: padding; ignored
 * @VTL_STATS_A_RX_PACKETS: frames VTL took in from the device
 * @VTL_STATS_A_RX_BYTES: their bytes, from the Ethernet header on
 * @VTL_STATS_A_TX_PACKETS: frames VTL sent out of the device
 * @VTL_STATS_A_TX_BYTES: their bytes, from the Ethernet header on
 * @VTL_STATS_A_DROPPED: frames VTL took in from the device and dropped:
 *	claimed by no service in host-only mode, undeliverable (peer down,
 *	too big, queue full) in standalone mode, or dropped by a service
 * @__VTL_STATS_A_MAX: sentinel
 */
enum vtl_stats_attr {
	VTL_STATS_A_UNSPEC,
	VTL_STATS_A_PAD,
	VTL_STATS_A_RX_PACKETS,
	VTL_STATS_A_RX_BYTES,
	VTL_STATS_A_TX_PACKETS,
	VTL_STATS_A_TX_BYTES,
	VTL_STATS_A_DROPPED,
	__VTL_STATS_A_MAX
};

#define VTL_STATS_A_MAX (__VTL_STATS_A_MAX - 1)

/**
 * enum vtl_conn_attr - attributes of %VTL_CMD_CONN_* messages
 *
 * A connection is a TCP, UDP, ICMP or ICMPv6 (echo) flow through a port,
 * IPv4 or IPv6.  Its "original" direction is the one of its first packet,
 * from the initiator, whichever side of the port that was; %VTL_CONN_A_SRC
 * and %VTL_CONN_A_SPORT are the initiator's.  Every attribute but
 * %VTL_CONN_A_IFINDEX is returned only, and rejected in requests.
 *
 * @VTL_CONN_A_UNSPEC: invalid
 * @VTL_CONN_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_CONN_A_IFINDEX: u32, ifindex of the port's VM-side device.
 *	Optional in requests (a filter); always returned.
 * @VTL_CONN_A_FAMILY: u8, 4 or 6
 * @VTL_CONN_A_PROTO: u8, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or
 *	IPPROTO_ICMPV6
 * @VTL_CONN_A_SRC: binary, the initiator's address: 4 bytes for IPv4, 16
 *	for IPv6, network order
 * @VTL_CONN_A_DST: binary, the other endpoint's address, likewise
 * @VTL_CONN_A_SPORT: u16, the initiator's port, host order; for ICMP
 *	echo, the echo identifier
 * @VTL_CONN_A_DPORT: u16, the other endpoint's port, host order; 0 for
 *	ICMP
 * @VTL_CONN_A_STATE: u8, the connection's state: 0 new, 1 syn-recv,
 *	2 established, 3 fin-wait, 4 closing, 5 time-wait, 6 closed (UDP and
 *	ICMP: new until answered, then established)
 * @VTL_CONN_A_ORIG: nest of &enum vtl_conn_ep_attr, the initiator
 * @VTL_CONN_A_REPLY: nest of &enum vtl_conn_ep_attr, the other endpoint
 * @VTL_CONN_A_AGE_MS: u64, milliseconds since the first packet
 * @VTL_CONN_A_IDLE_MS: u64, milliseconds since the last packet
 * @__VTL_CONN_A_MAX: sentinel
 */
enum vtl_conn_attr {
	VTL_CONN_A_UNSPEC,
	VTL_CONN_A_PAD,
	VTL_CONN_A_IFINDEX,
	VTL_CONN_A_FAMILY,
	VTL_CONN_A_PROTO,
	VTL_CONN_A_SRC,
	VTL_CONN_A_DST,
	VTL_CONN_A_SPORT,
	VTL_CONN_A_DPORT,
	VTL_CONN_A_STATE,
	VTL_CONN_A_ORIG,
	VTL_CONN_A_REPLY,
	VTL_CONN_A_AGE_MS,
	VTL_CONN_A_IDLE_MS,
	__VTL_CONN_A_MAX
};

#define VTL_CONN_A_MAX (__VTL_CONN_A_MAX - 1)

/**
 * enum vtl_conn_ep_attr - one endpoint of a connection, as it sent
 * @VTL_CONN_EP_A_UNSPEC: invalid
 * @VTL_CONN_EP_A_PAD: padding; ignored
 * @VTL_CONN_EP_A_SEQ: u32, TCP: the sequence number after the last byte
 *	(or SYN/FIN) it sent; 0 otherwise
 * @VTL_CONN_EP_A_ACK: u32, TCP: the last acknowledgment number it sent
 * @VTL_CONN_EP_A_WINDOW: u32, TCP: its last advertised window, in bytes
 *	(scaled)
 * @VTL_CONN_EP_A_PACKETS: u64, packets from it
 * @VTL_CONN_EP_A_BYTES: u64, their bytes, from the Ethernet header on
 * @__VTL_CONN_EP_A_MAX: sentinel
 */
enum vtl_conn_ep_attr {
	VTL_CONN_EP_A_UNSPEC,
	VTL_CONN_EP_A_PAD,
	VTL_CONN_EP_A_SEQ,
	VTL_CONN_EP_A_ACK,
	VTL_CONN_EP_A_WINDOW,
	VTL_CONN_EP_A_PACKETS,
	VTL_CONN_EP_A_BYTES,
	__VTL_CONN_EP_A_MAX
};

#define VTL_CONN_EP_A_MAX (__VTL_CONN_EP_A_MAX - 1)

/**
 * enum vtl_fw_dir - the direction of a firewall rule set
 * @VTL_FW_DIR_UNSPEC: invalid
 * @VTL_FW_DIR_IN: packets toward the VM
 * @VTL_FW_DIR_OUT: packets from the VM
 * @__VTL_FW_DIR_MAX: sentinel
 */
enum vtl_fw_dir {
	VTL_FW_DIR_UNSPEC,
	VTL_FW_DIR_IN,
	VTL_FW_DIR_OUT,
	__VTL_FW_DIR_MAX
};

#define VTL_FW_DIR_MAX (__VTL_FW_DIR_MAX - 1)

/**
 * enum vtl_fw_verdict - what a firewall rule or policy does to a packet
 * @VTL_FW_VERDICT_UNSPEC: invalid
 * @VTL_FW_VERDICT_ACCEPT: let it through
 * @VTL_FW_VERDICT_DROP: discard it silently
 * @VTL_FW_VERDICT_REJECT: discard it and answer the sender: a TCP RST for
 *	TCP, else an ICMP (ICMPv6) port unreachable.  Rules only, not a
 *	policy.
 * @__VTL_FW_VERDICT_MAX: sentinel
 */
enum vtl_fw_verdict {
	VTL_FW_VERDICT_UNSPEC,
	VTL_FW_VERDICT_ACCEPT,
	VTL_FW_VERDICT_DROP,
	VTL_FW_VERDICT_REJECT,
	__VTL_FW_VERDICT_MAX
};

#define VTL_FW_VERDICT_MAX (__VTL_FW_VERDICT_MAX - 1)

/**
 * enum vtl_fw_ct_state - the connection states a rule matches, as bits
 * @VTL_FW_CT_NEW: the packet starts a connection (or VTL does not track its
 *	protocol: every such packet is new), or belongs to one that has not
 *	been answered yet
 * @VTL_FW_CT_ESTABLISHED: it belongs to a tracked connection that has seen
 *	packets both ways
 * @VTL_FW_CT_RELATED: an ICMP error about a tracked connection
 * @VTL_FW_CT_INVALID: it belongs to no tracked connection and cannot start
 *	one (a TCP segment without SYN), or is out of the window of the one
 *	it belongs to
 */
enum vtl_fw_ct_state {
	VTL_FW_CT_NEW		= 1 << 0,
	VTL_FW_CT_ESTABLISHED	= 1 << 1,
	VTL_FW_CT_RELATED	= 1 << 2,
	VTL_FW_CT_INVALID	= 1 << 3,
};

/* Rules per port, both directions together, at most. */
#define VTL_FW_MAX_RULES	65536

/**
 * enum vtl_fw_attr - attributes of %VTL_CMD_FW_* messages
 *
 * A rule matches a packet when each of its match attributes does; an
 * absent one matches anything.  Packets that are not IP (ARP, say) are not
 * filtered.  %VTL_CMD_FW_GET returns one message per rule, of the
 * attributes %VTL_CMD_FW_NEW takes plus %VTL_FW_A_ID, %VTL_FW_A_PACKETS
 * and %VTL_FW_A_BYTES; %VTL_CMD_FW_NEW's reply is the same message for
 * the new rule.  %VTL_FW_A_FAMILY is returned whenever the rule has one
 * (given, or implied by a prefix or ICMP).
 *
 * @VTL_FW_A_UNSPEC: invalid
 * @VTL_FW_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_FW_A_IFINDEX: u32, ifindex of the port's VM-side device
 * @VTL_FW_A_DIR: u8, &enum vtl_fw_dir
 * @VTL_FW_A_ID: u32, a rule's id, unique in its port; returned, and taken
 *	by %VTL_CMD_FW_DEL
 * @VTL_FW_A_FAMILY: u8, 4 or 6; needed with an address prefix, implied by
 *	ICMP (4) and ICMPv6 (6)
 * @VTL_FW_A_PROTO: u8, IPPROTO_*; 0, like its absence, is any protocol
 * @VTL_FW_A_SRC: binary, source address prefix: 4 bytes for family 4, 16
 *	for 6; bits past %VTL_FW_A_SRC_LEN must be zero
 * @VTL_FW_A_SRC_LEN: u8, its length in bits (default: the whole address)
 * @VTL_FW_A_DST: binary, destination address prefix, likewise
 * @VTL_FW_A_DST_LEN: u8, its length
 * @VTL_FW_A_SPORT_MIN: u16, lowest source port (TCP, UDP, UDP-Lite, SCTP,
 *	DCCP only)
 * @VTL_FW_A_SPORT_MAX: u16, highest source port (default: the lowest)
 * @VTL_FW_A_DPORT_MIN: u16, lowest destination port, likewise
 * @VTL_FW_A_DPORT_MAX: u16, highest destination port
 * @VTL_FW_A_CT_STATE: u8, &enum vtl_fw_ct_state bits: the packet's state
 *	is one of them
 * @VTL_FW_A_ACTION: u8, &enum vtl_fw_verdict
 * @VTL_FW_A_PACKETS: u64, packets the rule matched; returned
 * @VTL_FW_A_BYTES: u64, their bytes, from the Ethernet header; returned
 * @VTL_FW_A_POLICY: u8, &enum vtl_fw_verdict (accept or drop), for
 *	%VTL_CMD_FW_POLICY
 * @VTL_FW_A_RULES: unused, rejected (see %VTL_CMD_FW_LOAD)
 * @VTL_FW_A_RULE: nest of &enum vtl_fw_attr: one rule of %VTL_CMD_FW_LOAD,
 *	with %VTL_FW_A_DIR, %VTL_FW_A_ACTION and match attributes only
 * @VTL_FW_A_POLICY_IN: u8, for %VTL_CMD_FW_LOAD: the new "in" policy
 * @VTL_FW_A_POLICY_OUT: u8, the new "out" policy
 * @__VTL_FW_A_MAX: sentinel
 */
enum vtl_fw_attr {
	VTL_FW_A_UNSPEC,
	VTL_FW_A_PAD,
	VTL_FW_A_IFINDEX,
	VTL_FW_A_DIR,
	VTL_FW_A_ID,
	VTL_FW_A_FAMILY,
	VTL_FW_A_PROTO,
	VTL_FW_A_SRC,
	VTL_FW_A_SRC_LEN,
	VTL_FW_A_DST,
	VTL_FW_A_DST_LEN,
	VTL_FW_A_SPORT_MIN,
	VTL_FW_A_SPORT_MAX,
	VTL_FW_A_DPORT_MIN,
	VTL_FW_A_DPORT_MAX,
	VTL_FW_A_CT_STATE,
	VTL_FW_A_ACTION,
	VTL_FW_A_PACKETS,
	VTL_FW_A_BYTES,
	VTL_FW_A_POLICY,
	VTL_FW_A_RULES,
	VTL_FW_A_RULE,
	VTL_FW_A_POLICY_IN,
	VTL_FW_A_POLICY_OUT,
	__VTL_FW_A_MAX
};

#define VTL_FW_A_MAX (__VTL_FW_A_MAX - 1)

/**
 * enum vtl_fw_port_attr - a port's firewall, in %VTL_PORT_A_FW
 * @VTL_FW_PORT_A_UNSPEC: invalid
 * @VTL_FW_PORT_A_PAD: padding; ignored
 * @VTL_FW_PORT_A_POLICY_IN: u8, the "in" policy, &enum vtl_fw_verdict
 * @VTL_FW_PORT_A_POLICY_OUT: u8, the "out" policy
 * @VTL_FW_PORT_A_RULES_IN: u32, rules of the "in" direction
 * @VTL_FW_PORT_A_RULES_OUT: u32, rules of the "out" direction
 * @VTL_FW_PORT_A_ACCEPTED: u64, packets the firewall let through, both
 *	directions (by a rule or the policy)
 * @VTL_FW_PORT_A_DROPPED: u64, packets it dropped silently
 * @VTL_FW_PORT_A_REJECTED: u64, packets it dropped and answered
 * @VTL_FW_PORT_A_POLICY_IN_PACKETS: u64, packets the "in" policy decided
 * @VTL_FW_PORT_A_POLICY_OUT_PACKETS: u64, packets the "out" policy
 *	decided
 * @__VTL_FW_PORT_A_MAX: sentinel
 */
enum vtl_fw_port_attr {
	VTL_FW_PORT_A_UNSPEC,
	VTL_FW_PORT_A_PAD,
	VTL_FW_PORT_A_POLICY_IN,
	VTL_FW_PORT_A_POLICY_OUT,
	VTL_FW_PORT_A_RULES_IN,
	VTL_FW_PORT_A_RULES_OUT,
	VTL_FW_PORT_A_ACCEPTED,
	VTL_FW_PORT_A_DROPPED,
	VTL_FW_PORT_A_REJECTED,
	VTL_FW_PORT_A_POLICY_IN_PACKETS,
	VTL_FW_PORT_A_POLICY_OUT_PACKETS,
	__VTL_FW_PORT_A_MAX
};

#define VTL_FW_PORT_A_MAX (__VTL_FW_PORT_A_MAX - 1)

/**
 * enum vtl_rewrite_attr - attributes of %VTL_CMD_REWRITE_* messages
 * @VTL_REWRITE_A_UNSPEC: invalid
 * @VTL_REWRITE_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_REWRITE_A_IFINDEX: u32, ifindex of the port's VM-side device
 * @VTL_REWRITE_A_DST: binary, the destination prefix matched: 4 bytes
 *	(IPv4) or 16 (IPv6); bits past the length must be zero
 * @VTL_REWRITE_A_DST_LEN: u8, its length (default: the whole address)
 * @VTL_REWRITE_A_DMAC: binary, 6 bytes: the new destination MAC
 * @VTL_REWRITE_A_SMAC: binary, 6 bytes: the new source MAC (optional)
 * @VTL_REWRITE_A_SADDR: binary, the new source IP address, of the
 *	prefix's family (optional)
 * @VTL_REWRITE_A_DADDR: binary, the new destination IP address (optional)
 * @VTL_REWRITE_A_OUT_IFINDEX: u32, an attached port of the namespace to
 *	send rewritten frames straight into (optional).  Frames enter that
 *	port as frames to its VM: its firewall and tracking see them.  While
 *	that port is not there, matching frames go their normal way.
 * @VTL_REWRITE_A_AUTO: u8, 1 for a rule tunnel auto installed; returned
 * @VTL_REWRITE_A_PACKETS: u64, frames the rule rewrote; returned
 * @VTL_REWRITE_A_BYTES: u64, their bytes; returned
 * @__VTL_REWRITE_A_MAX: sentinel
 */
enum vtl_rewrite_attr {
	VTL_REWRITE_A_UNSPEC,
	VTL_REWRITE_A_PAD,
	VTL_REWRITE_A_IFINDEX,
	VTL_REWRITE_A_DST,
	VTL_REWRITE_A_DST_LEN,
	VTL_REWRITE_A_DMAC,
	VTL_REWRITE_A_SMAC,
	VTL_REWRITE_A_SADDR,
	VTL_REWRITE_A_DADDR,
	VTL_REWRITE_A_OUT_IFINDEX,
	VTL_REWRITE_A_AUTO,
	VTL_REWRITE_A_PACKETS,
	VTL_REWRITE_A_BYTES,
	__VTL_REWRITE_A_MAX
};

#define VTL_REWRITE_A_MAX (__VTL_REWRITE_A_MAX - 1)

/* Rewrite rules per port, at most. */
#define VTL_REWRITE_MAX_RULES	4096

/**
 * enum vtl_rewrite_port_attr - a port's rewriting, in %VTL_PORT_A_REWRITE
 * @VTL_REWRITE_PORT_A_UNSPEC: invalid
 * @VTL_REWRITE_PORT_A_PAD: padding; ignored
 * @VTL_REWRITE_PORT_A_RULES: u32, rewrite rules of the port
 * @VTL_REWRITE_PORT_A_REWRITTEN: u64, frames rewritten
 * @VTL_REWRITE_PORT_A_FORWARDED: u64, of those, frames sent straight out
 *	of another port
 * @VTL_REWRITE_PORT_A_FAILED: u64, frames a rule matched but that went
 *	their normal way (out port gone, frame not rewritable) or were lost
 *	on their way out of the other port
 * @__VTL_REWRITE_PORT_A_MAX: sentinel
 */
enum vtl_rewrite_port_attr {
	VTL_REWRITE_PORT_A_UNSPEC,
	VTL_REWRITE_PORT_A_PAD,
	VTL_REWRITE_PORT_A_RULES,
	VTL_REWRITE_PORT_A_REWRITTEN,
	VTL_REWRITE_PORT_A_FORWARDED,
	VTL_REWRITE_PORT_A_FAILED,
	__VTL_REWRITE_PORT_A_MAX
};

#define VTL_REWRITE_PORT_A_MAX (__VTL_REWRITE_PORT_A_MAX - 1)

/**
 * enum vtl_tunnel_attr - attributes of %VTL_CMD_TUNNEL_* messages
 * @VTL_TUNNEL_A_UNSPEC: invalid
 * @VTL_TUNNEL_A_PAD: padding; ignored
 * @VTL_TUNNEL_A_AUTO: u8, 0 or 1: automatic tunneling off or on
 * @VTL_TUNNEL_A_IFINDEX: u32, a learned address's port; returned
 * @VTL_TUNNEL_A_ADDR: binary, 4 or 16 bytes, the VM's address; returned
 * @VTL_TUNNEL_A_MAC: binary, 6 bytes, the VM's MAC; returned
 * @VTL_TUNNEL_A_AGE_MS: u64, milliseconds since the VM last sent from
 *	that address; returned
 * @__VTL_TUNNEL_A_MAX: sentinel
 */
enum vtl_tunnel_attr {
	VTL_TUNNEL_A_UNSPEC,
	VTL_TUNNEL_A_PAD,
	VTL_TUNNEL_A_AUTO,
	VTL_TUNNEL_A_IFINDEX,
	VTL_TUNNEL_A_ADDR,
	VTL_TUNNEL_A_MAC,
	VTL_TUNNEL_A_AGE_MS,
	__VTL_TUNNEL_A_MAX
};

#define VTL_TUNNEL_A_MAX (__VTL_TUNNEL_A_MAX - 1)

/**
 * enum vtl_persist_attr - a port's suspension, in %VTL_PORT_A_PERSIST
 *
 * While a port is suspended (%VTL_PORT_A_SUSPENDED), VTL answers for its
 * VM, which may be paused or migrating: every TCP segment for one of the
 * VM's tracked connections gets an ACK from the VM that acknowledges
 * nothing new and advertises a zero window, so the peer keeps its data and
 * keeps probing (zero-window probes and keep-alives are answered the same
 * way); ARP requests for the VM's IPv4 addresses are answered with its
 * MAC; every other frame toward the VM (new connections included) is
 * dropped.  VTL learns the VM's MAC and addresses from what the VM sends.
 * Resuming sends each connection that was told "zero window" the VM's
 * window again, so its peer goes on at once.
 *
 * @VTL_PERSIST_A_UNSPEC: invalid
 * @VTL_PERSIST_A_PAD: padding; ignored
 * @VTL_PERSIST_A_ACKS: u64, zero-window ACKs sent for the VM
 * @VTL_PERSIST_A_ARP_REPLIES: u64, ARP requests answered for the VM
 * @VTL_PERSIST_A_DROPPED: u64, frames toward the VM dropped while it was
 *	suspended (new connections, segments of connections VTL does not
 *	track, everything but TCP and ARP)
 * @VTL_PERSIST_A_UPDATES: u64, window updates sent on resume
 * @VTL_PERSIST_A_SUSPENSIONS: u64, times the port was suspended
 * @VTL_PERSIST_A_MAC: binary, 6 bytes: the VM's MAC, once learned
 * @VTL_PERSIST_A_ADDRS: u32, IPv4 addresses of the VM learned (at most
 *	%VTL_PERSIST_MAX_ADDRS; the most recent ones are kept)
 * @VTL_PERSIST_A_ND_REPLIES: u64, IPv6 neighbour solicitations answered
 *	for the VM
 * @VTL_PERSIST_A_ADDRS6: u32, IPv6 addresses of the VM learned (at most
 *	%VTL_PERSIST_MAX_ADDRS; the most recent ones are kept)
 * @__VTL_PERSIST_A_MAX: sentinel
 */
enum vtl_persist_attr {
	VTL_PERSIST_A_UNSPEC,
	VTL_PERSIST_A_PAD,
	VTL_PERSIST_A_ACKS,
	VTL_PERSIST_A_ARP_REPLIES,
	VTL_PERSIST_A_DROPPED,
	VTL_PERSIST_A_UPDATES,
	VTL_PERSIST_A_SUSPENSIONS,
	VTL_PERSIST_A_MAC,
	VTL_PERSIST_A_ADDRS,
	VTL_PERSIST_A_ND_REPLIES,
	VTL_PERSIST_A_ADDRS6,
	__VTL_PERSIST_A_MAX
};

#define VTL_PERSIST_A_MAX (__VTL_PERSIST_A_MAX - 1)

#define VTL_PERSIST_MAX_ADDRS	8

/**
 * enum vtl_socks_version - SOCKS protocol the daemon speaks to the proxy
 * @VTL_SOCKS_V4A: SOCKS4a (hostnames; no credentials, no RESOLVE)
 * @VTL_SOCKS_V5: SOCKS5 (RFC 1928; RFC 1929 credentials), the default
 */
enum vtl_socks_version {
	VTL_SOCKS_V4A = 4,
	VTL_SOCKS_V5 = 5,
};

/**
 * enum vtl_socks_dns - how the VM's DNS queries are answered
 * @VTL_SOCKS_DNS_UNSPEC: invalid
 * @VTL_SOCKS_DNS_AUTOMAP: each name gets an address of the automap prefix;
 *	a connection to it is opened through the proxy by name (the default)
 * @VTL_SOCKS_DNS_RESOLVE: names are resolved through the proxy (Tor's
 *	SOCKS RESOLVE command), answers cached within their lifetime
 * @VTL_SOCKS_DNS_DROP: every query is refused
 * @__VTL_SOCKS_DNS_MAX: sentinel
 */
enum vtl_socks_dns {
	VTL_SOCKS_DNS_UNSPEC,
	VTL_SOCKS_DNS_AUTOMAP,
	VTL_SOCKS_DNS_RESOLVE,
	VTL_SOCKS_DNS_DROP,
	__VTL_SOCKS_DNS_MAX
};

#define VTL_SOCKS_DNS_MAX (__VTL_SOCKS_DNS_MAX - 1)

/**
 * enum vtl_socks_ipv6 - what becomes of the VM's IPv6 traffic
 * @VTL_SOCKS_IPV6_UNSPEC: invalid
 * @VTL_SOCKS_IPV6_DROP: dropped and counted (the default)
 * @VTL_SOCKS_IPV6_PROXY: TCP proxied, DNS answered, neighbour
 *	solicitations answered, as for IPv4
 * @__VTL_SOCKS_IPV6_MAX: sentinel
 */
enum vtl_socks_ipv6 {
	VTL_SOCKS_IPV6_UNSPEC,
	VTL_SOCKS_IPV6_DROP,
	VTL_SOCKS_IPV6_PROXY,
	__VTL_SOCKS_IPV6_MAX
};

#define VTL_SOCKS_IPV6_MAX (__VTL_SOCKS_IPV6_MAX - 1)

/*
 * The MAC the VM's ARP requests (and the daemon's frames) name: the
 * proxy's side of the VM's link.  Locally administered, unicast.
 */
#define VTL_SOCKS_FAKE_MAC	{ 0x02, 0x56, 0x54, 0x4c, 0x00, 0x01 }

/* The automap prefix when none is given: 10.192.0.0/10. */
#define VTL_SOCKS_AUTOMAP_PREFIX	0x0ac00000
#define VTL_SOCKS_AUTOMAP_LEN		10

/**
 * enum vtl_socks_attr - attributes of %VTL_CMD_SOCKS_* messages
 * @VTL_SOCKS_A_UNSPEC: invalid
 * @VTL_SOCKS_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_SOCKS_A_IFINDEX: u32, ifindex of the port's VM-side device
 * @VTL_SOCKS_A_IFNAME: string, its name; returned
 * @VTL_SOCKS_A_PROXY_ADDR: binary, 4 or 16 bytes: the proxy's address, as
 *	the daemon's namespace reaches it
 * @VTL_SOCKS_A_PROXY_PORT: u16, the proxy's TCP port (host order)
 * @VTL_SOCKS_A_VERSION: u8, &enum vtl_socks_version (default 5)
 * @VTL_SOCKS_A_USER: string, at most 255 bytes: RFC 1929 user name
 * @VTL_SOCKS_A_PASSWORD: string, at most 255 bytes: its password
 * @VTL_SOCKS_A_DNS: u8, &enum vtl_socks_dns (default automap)
 * @VTL_SOCKS_A_DNS_PREFIX: binary, 4 bytes: the automap prefix (default
 *	%VTL_SOCKS_AUTOMAP_PREFIX); only with automap
 * @VTL_SOCKS_A_DNS_PREFIX_LEN: u8, its length, 1 to 30 (default
 *	%VTL_SOCKS_AUTOMAP_LEN)
 * @VTL_SOCKS_A_IPV6: u8, &enum vtl_socks_ipv6 (default drop)
 * @VTL_SOCKS_A_MAC: binary, 6 bytes: %VTL_SOCKS_FAKE_MAC; returned
 * @VTL_SOCKS_A_STATS: nest of &enum vtl_socks_stats_attr; returned
 * @__VTL_SOCKS_A_MAX: sentinel
 */
enum vtl_socks_attr {
	VTL_SOCKS_A_UNSPEC,
	VTL_SOCKS_A_PAD,
	VTL_SOCKS_A_IFINDEX,
	VTL_SOCKS_A_IFNAME,
	VTL_SOCKS_A_PROXY_ADDR,
	VTL_SOCKS_A_PROXY_PORT,
	VTL_SOCKS_A_VERSION,
	VTL_SOCKS_A_USER,
	VTL_SOCKS_A_PASSWORD,
	VTL_SOCKS_A_DNS,
	VTL_SOCKS_A_DNS_PREFIX,
	VTL_SOCKS_A_DNS_PREFIX_LEN,
	VTL_SOCKS_A_IPV6,
	VTL_SOCKS_A_MAC,
	VTL_SOCKS_A_STATS,
	__VTL_SOCKS_A_MAX
};

#define VTL_SOCKS_A_MAX (__VTL_SOCKS_A_MAX - 1)

/**
 * enum vtl_socks_stats_attr - a SOCKS service's counters, all u64
 * @VTL_SOCKS_STATS_A_UNSPEC: invalid
 * @VTL_SOCKS_STATS_A_PAD: padding; ignored
 * @VTL_SOCKS_STATS_A_UP: frames of the VM handed up to the daemon
 * @VTL_SOCKS_STATS_A_ARP_REPLIES: ARP requests of the VM answered
 * @VTL_SOCKS_STATS_A_RESETS: TCP segments of the VM answered with a RST
 *	because no daemon was attached
 * @VTL_SOCKS_STATS_A_FAIL_CLOSED: frames of the VM dropped because no
 *	daemon was attached (the segments reset included)
 * @VTL_SOCKS_STATS_A_FILTERED: frames of the VM dropped as not proxied
 *	(UDP other than DNS, ICMP, IPv6 when dropped, other protocols)
 * @VTL_SOCKS_STATS_A_TO_VM_DROPPED: frames from the network toward the VM
 *	dropped
 * @__VTL_SOCKS_STATS_A_MAX: sentinel
 */
enum vtl_socks_stats_attr {
	VTL_SOCKS_STATS_A_UNSPEC,
	VTL_SOCKS_STATS_A_PAD,
	VTL_SOCKS_STATS_A_UP,
	VTL_SOCKS_STATS_A_ARP_REPLIES,
	VTL_SOCKS_STATS_A_RESETS,
	VTL_SOCKS_STATS_A_FAIL_CLOSED,
	VTL_SOCKS_STATS_A_FILTERED,
	VTL_SOCKS_STATS_A_TO_VM_DROPPED,
	__VTL_SOCKS_STATS_A_MAX
};

#define VTL_SOCKS_STATS_A_MAX (__VTL_SOCKS_STATS_A_MAX - 1)

/* The format of %VTL_CMD_PORT_EXPORT, checked by %VTL_CMD_PORT_IMPORT. */
#define VTL_EXPORT_VERSION	1

/**
 * enum vtl_export_attr - attributes of %VTL_CMD_PORT_EXPORT and _IMPORT
 * @VTL_EXPORT_A_UNSPEC: invalid
 * @VTL_EXPORT_A_PAD: padding; ignored
 * @VTL_EXPORT_A_IFINDEX: u32, the port's ifindex: required in requests,
 *	never in the exported state
 * @VTL_EXPORT_A_VERSION: u32, %VTL_EXPORT_VERSION; required on import,
 *	which takes no other
 * @VTL_EXPORT_A_MODE: u32, &enum vtl_port_mode of the exported port;
 *	required on import, which needs a port of the same mode
 * @VTL_EXPORT_A_MAX_CONNS: u32, the exported port's max_conns; for
 *	information (import keeps the port's own)
 * @VTL_EXPORT_A_SERVICE: nest of &enum vtl_export_svc_attr: a chunk of a
 *	service's state of the port.  A service's state may span several
 *	chunks, in order (a nest holds 64 KiB); a service with nothing to
 *	say sends one chunk without data.  A service without a chunk is
 *	reset to its defaults on import.
 * @VTL_EXPORT_A_CONN: nest of &enum vtl_export_conn_attr: one tracked
 *	connection
 * @__VTL_EXPORT_A_MAX: sentinel
 */
enum vtl_export_attr {
	VTL_EXPORT_A_UNSPEC,
	VTL_EXPORT_A_PAD,
	VTL_EXPORT_A_IFINDEX,
	VTL_EXPORT_A_VERSION,
	VTL_EXPORT_A_MODE,
	VTL_EXPORT_A_MAX_CONNS,
	VTL_EXPORT_A_SERVICE,
	VTL_EXPORT_A_CONN,
	__VTL_EXPORT_A_MAX
};

#define VTL_EXPORT_A_MAX (__VTL_EXPORT_A_MAX - 1)

/**
 * enum vtl_export_svc_attr - a service's chunk, or its region of a
 *	connection
 * @VTL_EXPORT_SVC_A_UNSPEC: invalid
 * @VTL_EXPORT_SVC_A_NAME: string: the service ("firewall", "persist",
 *	...); in %VTL_EXPORT_A_SERVICE only.  An import naming a service
 *	this module lacks fails.
 * @VTL_EXPORT_SVC_A_ID: u8, 1 to 255: the key the export gives the
 *	service, chosen by the exporter and declared in every one of its
 *	chunks; a connection's regions name their service by it
 * @VTL_EXPORT_SVC_A_DATA: nest: the service's own attributes (its chunk's
 *	part of its port state, or its region of a connection), in the
 *	service's attribute space: &enum vtl_fw_export_attr,
 *	&enum vtl_persist_export_attr, &enum vtl_rewrite_export_attr,
 *	&enum vtl_socks_attr
 * @__VTL_EXPORT_SVC_A_MAX: sentinel
 */
enum vtl_export_svc_attr {
	VTL_EXPORT_SVC_A_UNSPEC,
	VTL_EXPORT_SVC_A_NAME,
	VTL_EXPORT_SVC_A_ID,
	VTL_EXPORT_SVC_A_DATA,
	__VTL_EXPORT_SVC_A_MAX
};

#define VTL_EXPORT_SVC_A_MAX (__VTL_EXPORT_SVC_A_MAX - 1)

/**
 * enum vtl_export_conn_attr - one connection of an export
 * @VTL_EXPORT_CONN_A_UNSPEC: invalid
 * @VTL_EXPORT_CONN_A_MODEL: binary, &struct vtl_export_model: its state
 *	model (required)
 * @VTL_EXPORT_CONN_A_SVC: nest of &enum vtl_export_svc_attr with
 *	%VTL_EXPORT_SVC_A_ID and %VTL_EXPORT_SVC_A_DATA: a service's region
 *	of the connection, for the services that have something to say
 * @__VTL_EXPORT_CONN_A_MAX: sentinel
 */
enum vtl_export_conn_attr {
	VTL_EXPORT_CONN_A_UNSPEC,
	VTL_EXPORT_CONN_A_MODEL,
	VTL_EXPORT_CONN_A_SVC,
	__VTL_EXPORT_CONN_A_MAX
};

#define VTL_EXPORT_CONN_A_MAX (__VTL_EXPORT_CONN_A_MAX - 1)

/**
 * enum vtl_export_ep_flags - &struct vtl_export_ep's flags
 * @VTL_EXPORT_EP_WSCALE_OK: it announced window scaling, and so did the
 *	other side
 * @VTL_EXPORT_EP_SACK_OK: it announced SACK-permitted
 * @VTL_EXPORT_EP_TS_OK: it uses timestamps
 * @VTL_EXPORT_EP_FIN: it has sent FIN
 * @VTL_EXPORT_EP_FLAGS: all of them; others are invalid
 */
enum vtl_export_ep_flags {
	VTL_EXPORT_EP_WSCALE_OK	= 1 << 0,
	VTL_EXPORT_EP_SACK_OK	= 1 << 1,
	VTL_EXPORT_EP_TS_OK	= 1 << 2,
	VTL_EXPORT_EP_FIN	= 1 << 3,
	VTL_EXPORT_EP_FLAGS	= 0x0f,
};

/**
 * struct vtl_export_ep - one endpoint of an exported connection
 * @mac: its MAC address
 * @wscale: the window scale it announced, at most 14
 * @flags: &enum vtl_export_ep_flags bits
 * @isn: its initial sequence number (TCP)
 * @snd_nxt: the sequence number after the last it sent
 * @ack: the highest acknowledgment number it sent
 * @window: its last advertised window, in bytes
 * @mss: the MSS it announced, 0 if none
 * @ip_id: its last IPv4 ID
 * @ttl: its last TTL or hop limit
 * @pad: zero
 * @tsval: its highest timestamp value
 * @tsecr: its timestamp echo reply
 * @syn_opts: the options its SYN carried (VTL's own bits)
 * @max_end: the right edge of the window the other side offered it
 * @max_win: the largest window it advertised
 * @pad2: zero
 * @packets: packets from it
 * @bytes: their bytes
 *
 * Host byte order, explicit widths: the layout is the format's, not the
 * kernel's, and changes only with %VTL_EXPORT_VERSION.
 */
struct vtl_export_ep {
	__u8 mac[6];
	__u8 wscale;
	__u8 flags;
	__u32 isn;
	__u32 snd_nxt;
	__u32 ack;
	__u32 window;
	__u16 mss;
	__u16 ip_id;
	__u8 ttl;
	__u8 pad[3];
	__u32 tsval;
	__u32 tsecr;
	__u32 syn_opts;
	__u32 max_end;
	__u32 max_win;
	__u32 pad2;
	__u64 packets;
	__u64 bytes;
};

/**
 * struct vtl_export_model - an exported connection's state model
 * @vm_addr: the VM's address (IPv4 in the first 4 bytes, the rest zero)
 * @peer_addr: its peer's, likewise
 * @vm_port: the VM's port (network order); the echo id for ICMP
 * @peer_port: the peer's port (network order); 0 for ICMP
 * @family: 4 or 6
 * @proto: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_ICMPV6
 * @state: &enum vtl_conn_state as %VTL_CONN_A_STATE gives it
 * @initiator: 0 if the VM spoke first, 1 if the peer did
 * @ep: the VM's endpoint, then the peer's
 * @age_ns: nanoseconds from its first packet to the export
 * @idle_ns: nanoseconds from its last packet to the export
 *
 * This is the one binary structure of the family: an export of a
 * port's connections is read and written whole, and is as large as
 * many thousands of them (as <linux/openvswitch.h> does for flow keys).
 */
struct vtl_export_model {
	__u8 vm_addr[16];
	__u8 peer_addr[16];
	__be16 vm_port;
	__be16 peer_port;
	__u8 family;
	__u8 proto;
	__u8 state;
	__u8 initiator;
	struct vtl_export_ep ep[2];
	__u64 age_ns;
	__u64 idle_ns;
};

/**
 * enum vtl_fw_export_attr - the firewall's chunks of an export
 * @VTL_FW_EXPORT_A_UNSPEC: invalid
 * @VTL_FW_EXPORT_A_POLICY_IN: u8, the "in" policy (first chunk)
 * @VTL_FW_EXPORT_A_POLICY_OUT: u8, the "out" policy (first chunk)
 * @VTL_FW_EXPORT_A_RULE: nest of &enum vtl_fw_attr, one rule as
 *	%VTL_CMD_FW_LOAD's %VTL_FW_A_RULE takes it; "in" rules first, each
 *	direction in order
 * @__VTL_FW_EXPORT_A_MAX: sentinel
 */
enum vtl_fw_export_attr {
	VTL_FW_EXPORT_A_UNSPEC,
	VTL_FW_EXPORT_A_POLICY_IN,
	VTL_FW_EXPORT_A_POLICY_OUT,
	VTL_FW_EXPORT_A_RULE,
	__VTL_FW_EXPORT_A_MAX
};

#define VTL_FW_EXPORT_A_MAX (__VTL_FW_EXPORT_A_MAX - 1)

/**
 * enum vtl_persist_export_attr - persistence's part of an export
 * @VTL_PERSIST_EXPORT_A_UNSPEC: invalid
 * @VTL_PERSIST_EXPORT_A_SUSPENDED: u8, 1 if the port is suspended
 * @VTL_PERSIST_EXPORT_A_MAC: binary, 6 bytes: the VM's MAC, once learned
 * @VTL_PERSIST_EXPORT_A_ADDR: binary, 16 bytes: a learned address of the
 *	VM (IPv4-mapped for IPv4), at most %VTL_PERSIST_MAX_ADDRS per family
 * @VTL_PERSIST_EXPORT_A_WINDOW: u32, in a connection's region: the window
 *	to give back to its peer on resume (VTL told it "zero")
 * @__VTL_PERSIST_EXPORT_A_MAX: sentinel
 */
enum vtl_persist_export_attr {
	VTL_PERSIST_EXPORT_A_UNSPEC,
	VTL_PERSIST_EXPORT_A_SUSPENDED,
	VTL_PERSIST_EXPORT_A_MAC,
	VTL_PERSIST_EXPORT_A_ADDR,
	VTL_PERSIST_EXPORT_A_WINDOW,
	__VTL_PERSIST_EXPORT_A_MAX
};

#define VTL_PERSIST_EXPORT_A_MAX (__VTL_PERSIST_EXPORT_A_MAX - 1)

/**
 * enum vtl_rewrite_export_attr - rewrite's chunks of an export
 * @VTL_REWRITE_EXPORT_A_UNSPEC: invalid
 * @VTL_REWRITE_EXPORT_A_RULE: nest of &enum vtl_rewrite_attr, one rule as
 *	%VTL_CMD_REWRITE_NEW takes it (without %VTL_REWRITE_A_IFINDEX).
 *	Rules tunnel auto installed are not exported: they are the
 *	namespace's, learned again.  An out port must be attached on import.
 * @__VTL_REWRITE_EXPORT_A_MAX: sentinel
 */
enum vtl_rewrite_export_attr {
	VTL_REWRITE_EXPORT_A_UNSPEC,
	VTL_REWRITE_EXPORT_A_RULE,
	__VTL_REWRITE_EXPORT_A_MAX
};

#define VTL_REWRITE_EXPORT_A_MAX (__VTL_REWRITE_EXPORT_A_MAX - 1)

#endif /* _UAPI_LINUX_VTL_H */
