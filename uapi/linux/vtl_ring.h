/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VTL's shared ring: frames between vtl.ko and a userspace daemon.
 *
 * A daemon opens the misc device VTL_RING_DEV_PATH (mode 0600; open, the
 * attach ioctl and mmap all need CAP_NET_ADMIN in the initial user
 * namespace, as VTL's netlink commands do) and attaches the fd to one port
 * with VTL_RING_IOC_ATTACH, naming the port by the ifindex of its VM-side
 * device in the caller's network namespace.  The kernel then allocates a
 * pair of single-producer/single-consumer rings, which the daemon maps with
 * one mmap() of &struct vtl_ring_attach.mmap_size bytes at offset 0:
 *
 *   offset 0                        &struct vtl_ring_hdr of the up ring
 *   VTL_RING_HDR_SIZE               &struct vtl_ring_hdr of the down ring
 *   VTL_RING_UP_OFF                 the up ring's slots
 *   VTL_RING_DOWN_OFF(slots)        the down ring's slots
 *
 * each ring @slots slots of VTL_RING_SLOT_SIZE bytes (&struct vtl_ring_slot).
 * The "up" ring carries frames from the kernel to the daemon, the "down"
 * ring frames from the daemon to the kernel.
 *
 * Indices are free-running __u32 counters: slot i of a ring is
 * (i & (slots - 1)), the ring holds producer - consumer frames, and it is
 * full when that is slots.  Each index has one writer:
 *
 *   up:   producer written by the kernel, consumer by the daemon
 *   down: producer written by the daemon, consumer by the kernel
 *
 * and the two sides must order their accesses as follows (the kernel does
 * the same with smp_load_acquire()/smp_store_release(); userspace may use
 * __atomic_load_n(p, __ATOMIC_ACQUIRE) and __atomic_store_n(p, v,
 * __ATOMIC_RELEASE)):
 *
 *   producer: write the slot (len, flags, data), then
 *             smp_store_release(&hdr->producer, producer + 1)
 *   consumer: p = smp_load_acquire(&hdr->producer); read slots up to p,
 *             then smp_store_release(&hdr->consumer, consumer + n)
 *
 * The kernel keeps its own copy of the indices it writes and never trusts
 * the memory for them; what the daemon writes (its index, a down slot's
 * length and flags) is read once and checked: a down ring claiming more
 * than @slots frames is skipped whole, a bad slot is skipped, both counted
 * in %VTL_RING_PORT_A_DOWN_ERRORS.
 *
 * Wakeups and batching.  The kernel wakes a poll()ing daemon (EPOLLIN) when
 * the up ring goes from empty to non-empty, or when the daemon set
 * %VTL_RING_HDR_F_WAKEUP in the up header's flags; a daemon that is busy
 * draining never gets a syscall per frame.  Frames written to the down ring
 * are sent when the daemon calls VTL_RING_IOC_KICK, once per batch: the
 * kernel sends every frame up to the producer index (in process context)
 * and returns how many slots it consumed.  poll() reports EPOLLERR|EPOLLHUP
 * once the port is gone.
 *
 * Frames that do not fit: a GSO frame (a TAP's large TCP segment) is
 * segmented in the kernel and each segment takes a slot; a frame longer
 * than VTL_RING_SLOT_DATA after that, or one meeting a full up ring, is
 * lost and counted (%VTL_RING_PORT_A_LOST).  Frames handed up have complete
 * checksums.  A ring attached with %VTL_RING_F_VNET_HDR differs: see
 * "Offloads up".
 *
 * Large frames.  A frame may be longer than a slot, up to
 * VTL_RING_FRAME_MAX bytes, down, and up with %VTL_RING_F_VNET_HDR: it
 * then takes VTL_RING_FRAME_SLOTS(len) consecutive slots.  Its &struct
 * vtl_ring_slot header is in the first; its data runs on through the next
 * slots, over their headers, and from the ring's last slot on to its
 * first.  The producer index moves past all of them (and so must the up
 * ring's consumer index); a down frame claiming more slots than the
 * producer index covers is skipped with them, and counted as one error.
 *
 * Offloads up.  On a ring attached with %VTL_RING_F_VNET_HDR every up
 * frame is flagged %VTL_RING_SLOT_F_VNET_HDR and starts with a &struct
 * virtio_net_hdr (<linux/virtio_net.h>, little-endian), as a read from a
 * TAP with IFF_VNET_HDR does: a large TCP segment from the VM goes up
 * whole, with its gso_type and gso_size, and a checksum the VM left to
 * the device stays partial, with VIRTIO_NET_HDR_F_NEEDS_CSUM.  Other GSO
 * frames are segmented as above, each segment with its header.
 *
 * Offloads down.  A down frame flagged %VTL_RING_SLOT_F_VNET_HDR starts
 * with a &struct virtio_net_hdr (<linux/virtio_net.h>, little-endian),
 * as a frame written to a TAP with IFF_VNET_HDR does, and @len counts it.
 * With VIRTIO_NET_HDR_F_NEEDS_CSUM the L4 checksum field holds only the
 * pseudo-header sum, completed on the way if the receiver needs it; a TCP
 * frame with a gso_type (TCPV4 or TCPV6, needing NEEDS_CSUM) is a large
 * segment that reaches the VM cut to gso_size (by the VM's device if it
 * takes large segments, else by the kernel): the daemon hands down 64 KiB
 * of a stream at a time, and the VM's stack takes it in one piece.  Other
 * gso_types are rejected.
 *
 * Payload by reference.  On a ring attached with %VTL_RING_F_USER_PAYLOAD,
 * a down frame flagged %VTL_RING_SLOT_F_USER_PAYLOAD starts with a &struct
 * vtl_ring_user_payload, before any virtio_net_hdr: the frame's last
 * @len bytes are not in the ring but in the daemon's own memory at @addr.
 * The kick, which runs in the daemon's context, copies them from there
 * into the frame it sends: the daemon hands down a stream's bytes where
 * they are instead of copying them into the ring first.  The slot's @len
 * counts the struct and what follows it in the ring (the slots the frame
 * takes follow from it alone); the frame without the struct, its
 * virtio_net_hdr and all, is at most VTL_RING_FRAME_MAX.  The memory must
 * hold the payload until the kick that consumes the frame returns.  A
 * frame whose payload cannot be read, or with @reserved not 0, is a down
 * error.
 *
 * Payload from a socket.  On a ring attached with %VTL_RING_F_SOCK_PAYLOAD,
 * a down frame flagged %VTL_RING_SLOT_F_SOCK_PAYLOAD starts with a &struct
 * vtl_ring_sock_payload instead: the frame's last @len bytes are bytes a
 * TCP socket of the daemon, @fd, has received and the daemon not yet read,
 * @offset bytes past the first one recv() would return.  The kick copies
 * them from the socket's receive queue into the frame, kernel to kernel,
 * and leaves them there: a daemon relaying a connection to the VM need
 * not read its bytes at all, only drop them from the socket once the VM
 * has acknowledged them (recv() with MSG_TRUNC discards without copying),
 * after the kick that consumes the last frame naming them, since that
 * moves the read position the offsets count from.  Only bytes SIOCINQ
 * counts can be named (a socket with urgent data should have SO_OOBINLINE
 * set).  @len counts as with %VTL_RING_SLOT_F_USER_PAYLOAD; a frame naming
 * a descriptor that is not a TCP socket, or bytes the socket does not
 * hold, is a down error.
 *
 * Owned ports.  Attaching with %VTL_RING_F_OWN hands the port's traffic to
 * userspace: every frame from the VM goes up the ring, every frame from the
 * network to the VM is dropped, and the VM sees only what the daemon sends
 * down.  The port stays owned after the fd is closed (the daemon died):
 * frames from the VM are then dropped and counted
 * (%VTL_RING_PORT_A_FAIL_CLOSED), never let onto the network, until a
 * daemon attaches again, with %VTL_RING_F_OWN to go on, without it to give
 * the port back to the kernel, or the port is deleted.
 *
 * A port has at most one ring: a second attach gets EBUSY.  When the port
 * goes (its device deleted, VTL detached, the namespace gone), the ring is
 * detached: poll() reports EPOLLERR, VTL_RING_IOC_KICK fails with ENODEV,
 * and the memory stays mapped until the fd is closed and unmapped.
 */
#ifndef _UAPI_LINUX_VTL_RING_H
#define _UAPI_LINUX_VTL_RING_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VTL_RING_DEV_NAME	"vtl"
#define VTL_RING_DEV_PATH	"/dev/vtl"

/* Each ring's slots: a power of two in [MIN, MAX]; 0 asks for DEFAULT. */
#define VTL_RING_SLOTS_DEFAULT	1024
#define VTL_RING_SLOTS_MIN	8
#define VTL_RING_SLOTS_MAX	16384

#define VTL_RING_SLOT_SIZE	2048
#define VTL_RING_HDR_SIZE	4096
/* Bytes of frame a slot holds: 1514 and a VLAN tag, with room to spare. */
#define VTL_RING_SLOT_DATA	(VTL_RING_SLOT_SIZE - 8)
/*
 * The longest frame: a 64 KiB IP packet, its Ethernet header, a VLAN
 * tag and a virtio_net_hdr, with room to spare; and the slots one takes.
 */
#define VTL_RING_FRAME_MAX	(65536 + 128)
#define VTL_RING_FRAME_SLOTS(len) \
	(((len) + VTL_RING_SLOT_SIZE - VTL_RING_SLOT_DATA + \
	  VTL_RING_SLOT_SIZE - 1) / VTL_RING_SLOT_SIZE)

#define VTL_RING_UP_HDR_OFF	0
#define VTL_RING_DOWN_HDR_OFF	VTL_RING_HDR_SIZE
#define VTL_RING_UP_OFF		(2 * VTL_RING_HDR_SIZE)
#define VTL_RING_DOWN_OFF(slots) \
	(VTL_RING_UP_OFF + (__u64)(slots) * VTL_RING_SLOT_SIZE)
/* What the rings take; mmap_size is this rounded up to the page size. */
#define VTL_RING_AREA_SIZE(slots) \
	(VTL_RING_UP_OFF + 2 * (__u64)(slots) * VTL_RING_SLOT_SIZE)

/**
 * struct vtl_ring_hdr - the header of one ring, at the start of its page
 * @producer: the producer's index; its own cache line
 * @pad0: keeps @consumer off @producer's cache line
 * @consumer: the consumer's index; its own cache line
 * @pad1: keeps @flags off @consumer's cache line
 * @flags: &enum vtl_ring_hdr_flags, written by the up ring's consumer
 *	(the daemon); unused in the down ring
 * @slots: the ring's slots, as attached; written by the kernel, read-only
 * @slot_size: VTL_RING_SLOT_SIZE; written by the kernel, read-only
 */
struct vtl_ring_hdr {
	__u32 producer;
	__u32 pad0[15];
	__u32 consumer;
	__u32 pad1[15];
	__u32 flags;
	__u32 slots;
	__u32 slot_size;
};

/**
 * enum vtl_ring_hdr_flags - &struct vtl_ring_hdr.flags of the up ring
 * @VTL_RING_HDR_F_WAKEUP: the daemon is about to sleep in poll(): wake it
 *	for every frame, not only for the first into an empty ring
 */
enum vtl_ring_hdr_flags {
	VTL_RING_HDR_F_WAKEUP = 1 << 0,
};

/**
 * struct vtl_ring_slot - one frame, VTL_RING_SLOT_SIZE bytes apart
 * @len: bytes of @data: a whole Ethernet frame from its header on, without
 *	FCS (after a virtio_net_hdr with %VTL_RING_SLOT_F_VNET_HDR); the
 *	frame at least 14 bytes, and @len at most VTL_RING_SLOT_DATA, or
 *	VTL_RING_FRAME_MAX for a large frame (see "Large frames")
 * @flags: &enum vtl_ring_slot_flags
 * @data: the frame
 */
struct vtl_ring_slot {
	__u32 len;
	__u32 flags;
	__u8 data[];
};

/**
 * enum vtl_ring_slot_flags - &struct vtl_ring_slot.flags
 * @VTL_RING_SLOT_F_TO_NET: the frame's way is toward the network.  Up: it
 *	came from the VM (without it, it was on its way to the VM).  Down:
 *	send it to the network, out of a standalone port's uplink or into a
 *	bridge-mode port's bridge as if the VM had sent it (an owned
 *	bridge-mode port rejects it: it would come back up as the VM's, and
 *	a host-only port has no network); without it, send it to the VM, out
 *	of the port's device.
 * @VTL_RING_SLOT_F_VNET_HDR: @data starts with a &struct virtio_net_hdr
 *	(see "Offloads up" and "Offloads down")
 * @VTL_RING_SLOT_F_USER_PAYLOAD: down only, on a ring attached with
 *	%VTL_RING_F_USER_PAYLOAD: @data starts with a &struct
 *	vtl_ring_user_payload (see "Payload by reference")
 * @VTL_RING_SLOT_F_SOCK_PAYLOAD: down only, on a ring attached with
 *	%VTL_RING_F_SOCK_PAYLOAD: @data starts with a &struct
 *	vtl_ring_sock_payload (see "Payload from a socket"); not with
 *	%VTL_RING_SLOT_F_USER_PAYLOAD
 *
 * Other bits are reserved: 0 up, and a down slot with one set is rejected.
 * (Up, %VTL_RING_SLOT_F_VNET_HDR is set on every frame of a ring attached
 * with %VTL_RING_F_VNET_HDR, and on no other.)
 */
enum vtl_ring_slot_flags {
	VTL_RING_SLOT_F_TO_NET = 1 << 0,
	VTL_RING_SLOT_F_VNET_HDR = 1 << 1,
	VTL_RING_SLOT_F_USER_PAYLOAD = 1 << 2,
	VTL_RING_SLOT_F_SOCK_PAYLOAD = 1 << 3,
};

/**
 * struct vtl_ring_user_payload - where a down frame's payload is
 * @addr: its address in the daemon's memory
 * @len: its bytes, which end the frame
 * @reserved: 0
 */
struct vtl_ring_user_payload {
	__aligned_u64 addr;
	__u32 len;
	__u32 reserved;
};

/**
 * struct vtl_ring_sock_payload - which received bytes end a down frame
 * @offset: where they start, in bytes past the socket's read position
 * @len: their bytes, which end the frame (where &struct
 *	vtl_ring_user_payload has its @len)
 * @fd: the TCP socket, a file descriptor of the process that kicks
 */
struct vtl_ring_sock_payload {
	__aligned_u64 offset;
	__u32 len;
	__s32 fd;
};

/**
 * enum vtl_ring_attach_flags - &struct vtl_ring_attach.flags
 * @VTL_RING_F_OWN: own the port's traffic (see "Owned ports" above);
 *	attaching without it gives an owned port back to the kernel
 * @VTL_RING_F_VNET_HDR: up frames start with a virtio_net_hdr, and large
 *	TCP segments go up whole (see "Offloads up")
 * @VTL_RING_F_USER_PAYLOAD: down frames may name their payload in the
 *	daemon's memory (see "Payload by reference")
 * @VTL_RING_F_SOCK_PAYLOAD: down frames may name their payload in a TCP
 *	socket's receive queue (see "Payload from a socket")
 *
 * Other bits are rejected with EOPNOTSUPP.
 */
enum vtl_ring_attach_flags {
	VTL_RING_F_OWN = 1 << 0,
	VTL_RING_F_VNET_HDR = 1 << 1,
	VTL_RING_F_USER_PAYLOAD = 1 << 2,
	VTL_RING_F_SOCK_PAYLOAD = 1 << 3,
};

/**
 * struct vtl_ring_attach - argument of VTL_RING_IOC_ATTACH
 * @ifindex: in: the port's VM-side device, in the caller's namespace
 * @slots: in: slots of each ring, a power of two in [VTL_RING_SLOTS_MIN,
 *	VTL_RING_SLOTS_MAX], or 0 for VTL_RING_SLOTS_DEFAULT; out: the slots
 * @flags: in: &enum vtl_ring_attach_flags
 * @slot_size: out: VTL_RING_SLOT_SIZE
 * @mmap_size: out: the bytes to mmap() at offset 0
 */
struct vtl_ring_attach {
	__u32 ifindex;
	__u32 slots;
	__u32 flags;
	__u32 slot_size;
	__u64 mmap_size;
};

#define VTL_RING_IOC_MAGIC	0xb7

/*
 * VTL_RING_IOC_ATTACH: attach the fd to a port and allocate its rings.
 * Errors: EPERM without CAP_NET_ADMIN, ENODEV for no such device, ENOENT
 * for a device that is not a VTL port, EBUSY if the port already has a
 * ring or the fd is already attached, EINVAL for bad @slots, EOPNOTSUPP
 * for unknown @flags, ENOMEM; EFAULT for an argument it cannot read, or
 * cannot write the answer to (the fd is then attached nonetheless).
 *
 * VTL_RING_IOC_KICK: send the frames of the down ring; returns the number
 * of slots consumed (sent, or skipped and counted as errors).  ENODEV once
 * the port is gone, EINVAL before attaching.
 */
#define VTL_RING_IOC_ATTACH	_IOWR(VTL_RING_IOC_MAGIC, 1, struct vtl_ring_attach)
#define VTL_RING_IOC_KICK	_IO(VTL_RING_IOC_MAGIC, 2)

/**
 * enum vtl_ring_port_attr - a port's ring, in %VTL_PORT_A_RING
 * @VTL_RING_PORT_A_UNSPEC: invalid
 * @VTL_RING_PORT_A_PAD: padding for 64-bit attributes; ignored
 * @VTL_RING_PORT_A_ATTACHED: u8, 1 while a daemon has a ring attached
 * @VTL_RING_PORT_A_OWNED: u8, 1 while the port's traffic is owned by
 *	userspace (%VTL_RING_F_OWN), attached or not
 * @VTL_RING_PORT_A_SLOTS: u32, slots of each ring; only while attached
 * @VTL_RING_PORT_A_UP: u64, frames handed up to the daemon
 * @VTL_RING_PORT_A_DOWN: u64, frames the daemon sent down that the kernel
 *	sent on
 * @VTL_RING_PORT_A_LOST: u64, frames that were to go up but did not: the
 *	up ring was full, the frame was too long for a slot (or for
 *	VTL_RING_FRAME_MAX), or it could not be segmented
 * @VTL_RING_PORT_A_FAIL_CLOSED: u64, frames of an owned port (or handed
 *	up by a service) dropped because no daemon had a ring attached
 * @VTL_RING_PORT_A_DOWN_ERRORS: u64, down frames rejected (a bad length,
 *	flags or virtio_net_hdr, a payload that cannot be read, a frame
 *	the port cannot send that way) and
 *	down rings whose producer index claimed more than @slots slots
 * @__VTL_RING_PORT_A_MAX: sentinel
 *
 * All of them are returned in %VTL_CMD_PORT_GET replies and rejected in
 * requests; the counters live as long as the port, across daemons.
 */
enum vtl_ring_port_attr {
	VTL_RING_PORT_A_UNSPEC,
	VTL_RING_PORT_A_PAD,
	VTL_RING_PORT_A_ATTACHED,
	VTL_RING_PORT_A_OWNED,
	VTL_RING_PORT_A_SLOTS,
	VTL_RING_PORT_A_UP,
	VTL_RING_PORT_A_DOWN,
	VTL_RING_PORT_A_LOST,
	VTL_RING_PORT_A_FAIL_CLOSED,
	VTL_RING_PORT_A_DOWN_ERRORS,
	__VTL_RING_PORT_A_MAX
};

#define VTL_RING_PORT_A_MAX (__VTL_RING_PORT_A_MAX - 1)

#endif /* _UAPI_LINUX_VTL_RING_H */
