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
 * ones are appended.  Attributes are scalars or nests, never binary structs;
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
 * @__VTL_CMD_MAX: sentinel
 */
enum vtl_cmd {
	VTL_CMD_UNSPEC,
	VTL_CMD_PORT_NEW,
	VTL_CMD_PORT_DEL,
	VTL_CMD_PORT_GET,
	__VTL_CMD_MAX
};

#define VTL_CMD_MAX (__VTL_CMD_MAX - 1)

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

#endif /* _UAPI_LINUX_VTL_H */
