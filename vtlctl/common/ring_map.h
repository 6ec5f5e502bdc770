/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's side of VTL's shared ring (<linux/vtl_ring.h>): open
 * /dev/vtl, attach to a port, map the rings, receive and send frames in
 * batches.  Not thread-safe: one thread receives and sends per ring.
 *
 *	struct ring r;
 *	struct ring_frame fr[64];
 *
 *	ring_open(&r, ifindex, 0, VTL_RING_F_OWN);
 *	for (;;) {
 *		ring_wait(&r, -1);
 *		n = ring_recv(&r, fr, 64);
 *		... read fr[i].data, fr[i].len; ring_send(&r, ...) answers
 *		ring_release(&r, n);
 *		ring_kick(&r);
 *	}
 *	ring_close(&r);
 *
 * Functions return 0 (or a count) on success and a negative errno on
 * failure.
 */
#ifndef VTLCTL_RING_MAP_H
#define VTLCTL_RING_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>
#include <linux/vtl_ring.h>

/**
 * struct ring - an attached ring
 * @fd: the open /dev/vtl, for poll() and epoll
 * @map: the mapped rings, @map_size bytes
 * @map_size: as the kernel said
 * @slots: slots of each ring
 * @up: the up ring's header
 * @down: the down ring's header
 * @up_slots: the up ring's slots
 * @down_slots: the down ring's slots
 * @up_cons: the up ring's consumer index, published by ring_release()
 * @up_seen: how far ring_recv() has handed out frames
 * @down_prod: the down ring's producer index, published by ring_kick()
 * @bounce: with VTL_RING_F_VNET_HDR, a copy of the frame of a batch that
 *	runs round the ring's end
 */
struct ring {
	int fd;
	void *map;
	size_t map_size;
	uint32_t slots;
	struct vtl_ring_hdr *up;
	struct vtl_ring_hdr *down;
	uint8_t *up_slots;
	uint8_t *down_slots;
	uint32_t up_cons;
	uint32_t up_seen;
	uint32_t down_prod;
	uint8_t *bounce;
};

/*
 * A frame of the up ring, in place in its slots until ring_release() (one
 * that runs round the ring's end: copied, until the next ring_recv()); @vh
 * is its virtio_net_hdr with VTL_RING_F_VNET_HDR, else NULL.
 */
struct ring_frame {
	const uint8_t *data;
	uint32_t len;
	uint32_t flags;
	const struct virtio_net_hdr *vh;
};

/* Open /dev/vtl (or @path if not NULL) without attaching: ring->fd. */
int ring_open_dev(struct ring *ring, const char *path);
/* Attach an open ring to the port @ifindex and map it. */
int ring_attach(struct ring *ring, unsigned int ifindex, uint32_t slots,
		uint32_t flags);
/* ring_open_dev() and ring_attach() in one; closes the fd on failure. */
int ring_open(struct ring *ring, unsigned int ifindex, uint32_t slots,
	      uint32_t flags);
void ring_close(struct ring *ring);

/* Up to @max frames of the up ring, not yet handed out. */
unsigned int ring_recv(struct ring *ring, struct ring_frame *frames,
		       unsigned int max);
/* Give the kernel back the @n oldest frames handed out. */
void ring_release(struct ring *ring, unsigned int n);

/*
 * Put a frame in the down ring (@flags: VTL_RING_SLOT_F_TO_NET or 0); the
 * kernel sees it at the next ring_kick().  A frame longer than a slot
 * takes as many as it needs.  -ENOBUFS when the ring has not the room,
 * -EMSGSIZE for a frame longer than VTL_RING_FRAME_MAX or the whole ring.
 */
int ring_send(struct ring *ring, const void *frame, uint32_t len,
	      uint32_t flags);
/* The same, the frame after @vh (VTL_RING_SLOT_F_VNET_HDR) if not NULL. */
int ring_send_vnet(struct ring *ring, const struct virtio_net_hdr *vh,
		   const void *frame, uint32_t len, uint32_t flags);
/*
 * Where a frame of @len bytes (after a virtio_net_hdr if @vnet) can be
 * written in place in the down ring: ring_send_vnet() (with a @vh if and
 * only if @vnet) then sends it from there without a copy.  NULL if the
 * ring has no room for it or the frame would run round the ring's end.
 */
uint8_t *ring_reserve(struct ring *ring, uint32_t len, bool vnet);
/*
 * ring_send_vnet() of a frame whose last @plen bytes are not copied into
 * the ring but named where they are, at @payload in this process's memory
 * (VTL_RING_SLOT_F_USER_PAYLOAD, on a ring attached with
 * VTL_RING_F_USER_PAYLOAD): the kernel copies them at the next
 * ring_kick(), so they must stay as they are until it returns.  @frame
 * holds the @len bytes before them, the headers.
 */
int ring_send_ref(struct ring *ring, const struct virtio_net_hdr *vh,
		  const void *frame, uint32_t len, const void *payload,
		  uint32_t plen, uint32_t flags);
/*
 * ring_send_vnet() of a frame whose last @plen bytes are bytes the TCP
 * socket @fd has received and this process not yet read, @offset bytes
 * past the first recv() would return (VTL_RING_SLOT_F_SOCK_PAYLOAD, on a
 * ring attached with VTL_RING_F_SOCK_PAYLOAD): the kernel copies them from
 * the socket at the next ring_kick(), and leaves them there.  Nothing may
 * read them from the socket before that kick returns.
 */
int ring_send_sock(struct ring *ring, const struct virtio_net_hdr *vh,
		   const void *frame, uint32_t len, int fd, uint64_t offset,
		   uint32_t plen, uint32_t flags);
/*
 * ring_reserve() for the @len bytes in the ring of ring_send_ref()'s or
 * ring_send_sock()'s.
 */
uint8_t *ring_reserve_ref(struct ring *ring, uint32_t len, bool vnet,
			  uint32_t plen);
/* Publish the frames put and have the kernel send them: how many it took. */
int ring_kick(struct ring *ring);
/* Frames in the down ring the kernel has not taken yet. */
uint32_t ring_down_pending(const struct ring *ring);

/*
 * Wait until the up ring has frames: 1, or 0 after @timeout_ms (-1: no
 * limit), or -EPIPE once the port is gone.  Release what was received
 * first: the kernel counts unreleased frames as unread and returns at once.
 */
int ring_wait(struct ring *ring, int timeout_ms);

#endif /* VTLCTL_RING_MAP_H */
