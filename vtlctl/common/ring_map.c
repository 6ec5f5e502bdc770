// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of VTL's shared ring: see ring_map.h and
 * <linux/vtl_ring.h>, whose memory ordering this follows with the
 * compiler's acquire loads and release stores.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "ring_map.h"

static uint32_t load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static struct vtl_ring_slot *slot_at(const struct ring *ring, uint8_t *base,
				     uint32_t index)
{
	return (struct vtl_ring_slot *)(base + (size_t)(index &
				(ring->slots - 1)) * VTL_RING_SLOT_SIZE);
}

int ring_open_dev(struct ring *ring, const char *path)
{
	memset(ring, 0, sizeof(*ring));
	ring->map = MAP_FAILED;
	ring->fd = open(path ? path : VTL_RING_DEV_PATH, O_RDWR | O_CLOEXEC);
	return ring->fd < 0 ? -errno : 0;
}

int ring_attach(struct ring *ring, unsigned int ifindex, uint32_t slots,
		uint32_t flags)
{
	struct vtl_ring_attach req = {
		.ifindex = ifindex,
		.slots = slots,
		.flags = flags,
	};
	void *map;

	if (flags & VTL_RING_F_VNET_HDR) {
		ring->bounce = malloc(VTL_RING_FRAME_MAX);
		if (!ring->bounce)
			return -ENOMEM;
	}
	if (ioctl(ring->fd, VTL_RING_IOC_ATTACH, &req) < 0)
		return -errno;
	map = mmap(NULL, req.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ring->fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	ring->map = map;
	ring->map_size = req.mmap_size;
	ring->slots = req.slots;
	ring->up = (struct vtl_ring_hdr *)((uint8_t *)map +
					   VTL_RING_UP_HDR_OFF);
	ring->down = (struct vtl_ring_hdr *)((uint8_t *)map +
					     VTL_RING_DOWN_HDR_OFF);
	ring->up_slots = (uint8_t *)map + VTL_RING_UP_OFF;
	ring->down_slots = (uint8_t *)map + VTL_RING_DOWN_OFF(req.slots);
	ring->up_cons = load_acquire(&ring->up->consumer);
	ring->up_seen = ring->up_cons;
	ring->down_prod = load_acquire(&ring->down->producer);
	return 0;
}

int ring_open(struct ring *ring, unsigned int ifindex, uint32_t slots,
	      uint32_t flags)
{
	int ret = ring_open_dev(ring, NULL);

	if (ret)
		return ret;
	ret = ring_attach(ring, ifindex, slots, flags);
	if (ret)
		ring_close(ring);
	return ret;
}

void ring_close(struct ring *ring)
{
	if (ring->map && ring->map != MAP_FAILED)
		munmap(ring->map, ring->map_size);
	if (ring->fd >= 0)
		close(ring->fd);
	free(ring->bounce);
	ring->bounce = NULL;
	ring->map = MAP_FAILED;
	ring->fd = -1;
}

/* Slots a frame of @len bytes takes; 1 for a length that is not one. */
static uint32_t frame_slots(uint32_t len)
{
	return len <= VTL_RING_FRAME_MAX ? VTL_RING_FRAME_SLOTS(len) : 1;
}

unsigned int ring_recv(struct ring *ring, struct ring_frame *frames,
		       unsigned int max)
{
	uint32_t prod = load_acquire(&ring->up->producer);
	size_t area = (size_t)ring->slots * VTL_RING_SLOT_SIZE;
	unsigned int n = 0;

	while (n < max && ring->up_seen != prod) {
		struct vtl_ring_slot *s = slot_at(ring, ring->up_slots,
						  ring->up_seen);
		struct ring_frame *f = &frames[n];
		uint32_t len = s->len, nslots = frame_slots(len);
		size_t off = s->data - ring->up_slots;

		/* The kernel's: trusted, but never read past the ring. */
		if (nslots > prod - ring->up_seen ||
		    (nslots > 1 && !ring->bounce)) {
			len = 0;
			nslots = prod - ring->up_seen;
		}
		f->data = s->data;
		f->len = len;
		f->flags = s->flags;
		f->vh = NULL;
		if (off + len > area) {
			/* Round the ring's end: one such frame a batch. */
			memcpy(ring->bounce, s->data, area - off);
			memcpy(ring->bounce + area - off, ring->up_slots,
			       len - (area - off));
			f->data = ring->bounce;
		}
		if (f->flags & VTL_RING_SLOT_F_VNET_HDR) {
			if (f->len < sizeof(*f->vh)) {
				f->len = 0;
			} else {
				f->vh = (const void *)f->data;
				f->data += sizeof(*f->vh);
				f->len -= sizeof(*f->vh);
			}
		}
		ring->up_seen += nslots;
		n++;
	}
	return n;
}

void ring_release(struct ring *ring, unsigned int n)
{
	while (n-- && ring->up_cons != ring->up_seen) {
		struct vtl_ring_slot *s = slot_at(ring, ring->up_slots,
						  ring->up_cons);
		uint32_t nslots = frame_slots(s->len);

		if (nslots > ring->up_seen - ring->up_cons)
			nslots = ring->up_seen - ring->up_cons;
		ring->up_cons += nslots;
	}
	store_release(&ring->up->consumer, ring->up_cons);
}

uint32_t ring_down_pending(const struct ring *ring)
{
	return ring->down_prod - load_acquire(&ring->down->consumer);
}

/* Copy @len bytes to @off of the down ring's slots, wrapping; the end. */
static size_t down_put(struct ring *ring, size_t off, const void *src,
		       size_t len)
{
	size_t area = (size_t)ring->slots * VTL_RING_SLOT_SIZE;
	size_t first = len < area - off ? len : area - off;

	memcpy(ring->down_slots + off, src, first);
	memcpy(ring->down_slots, (const uint8_t *)src + first, len - first);
	return (off + len) % area;
}

/*
 * The slots a down frame takes, the room for them checked: @inring bytes
 * in its slots, the frame @total bytes.  -EMSGSIZE for one that no ring
 * takes, -ENOBUFS when this one has not the room now.
 */
static int down_room(const struct ring *ring, uint64_t inring,
		     uint64_t total)
{
	uint32_t n;

	if (total > VTL_RING_FRAME_MAX || inring > VTL_RING_FRAME_MAX ||
	    VTL_RING_FRAME_SLOTS(inring) > ring->slots)
		return -EMSGSIZE;
	n = VTL_RING_FRAME_SLOTS(inring);
	return ring->slots - ring_down_pending(ring) < n ? -ENOBUFS : (int)n;
}

/* What goes in the slots before a frame: the payload's place, @vh. */
static uint32_t down_prefix(bool vnet, bool ref)
{
	return (vnet ? sizeof(struct virtio_net_hdr) : 0) +
	       (ref ? sizeof(struct vtl_ring_user_payload) : 0);
}

/* down_room() of a frame of @len bytes after the prefix, @plen by ref. */
static int down_room_for(const struct ring *ring, bool vnet, bool ref,
			 uint32_t len, uint32_t plen)
{
	uint64_t inring = (uint64_t)down_prefix(vnet, ref) + len;

	return down_room(ring, inring, inring + plen -
			 (ref ? sizeof(struct vtl_ring_user_payload) : 0));
}

static uint8_t *reserve(struct ring *ring, bool vnet, bool ref, uint32_t len,
			uint32_t plen)
{
	size_t area = (size_t)ring->slots * VTL_RING_SLOT_SIZE;
	uint32_t prefix = down_prefix(vnet, ref);
	struct vtl_ring_slot *s;

	if (down_room_for(ring, vnet, ref, len, plen) < 0)
		return NULL;
	s = slot_at(ring, ring->down_slots, ring->down_prod);
	if ((size_t)(s->data - ring->down_slots) + prefix + len > area)
		return NULL;
	return s->data + prefix;
}

uint8_t *ring_reserve(struct ring *ring, uint32_t len, bool vnet)
{
	return reserve(ring, vnet, false, len, 0);
}

uint8_t *ring_reserve_ref(struct ring *ring, uint32_t len, bool vnet,
			  uint32_t plen)
{
	return reserve(ring, vnet, true, len, plen);
}

/* Both places a payload is named in: one size, @len at one offset. */
_Static_assert(sizeof(struct vtl_ring_sock_payload) ==
	       sizeof(struct vtl_ring_user_payload), "payload places");
_Static_assert(offsetof(struct vtl_ring_sock_payload, len) ==
	       offsetof(struct vtl_ring_user_payload, len), "payload len");

/*
 * Put a frame in the down ring: @ref (where its payload is, a struct
 * vtl_ring_user_payload or vtl_ring_sock_payload as @ref_flag says) and
 * @vh first if not NULL, then @len bytes of @frame, copied unless
 * ring_reserve*() put them in place.
 */
static int down_send(struct ring *ring, const void *ref, uint32_t ref_flag,
		     const struct virtio_net_hdr *vh, const void *frame,
		     uint32_t len, uint32_t flags)
{
	const struct vtl_ring_user_payload *up = ref;
	int n = down_room_for(ring, vh, ref, len, ref ? up->len : 0);
	struct vtl_ring_slot *s;
	size_t off;

	if (n < 0)
		return n;
	s = slot_at(ring, ring->down_slots, ring->down_prod);
	off = s->data - ring->down_slots;
	if (ref)
		off = down_put(ring, off, ref, sizeof(*up));
	if (vh)
		off = down_put(ring, off, vh, sizeof(*vh));
	if (frame != ring->down_slots + off)	/* not ring_reserve()'s */
		down_put(ring, off, frame, len);
	s->len = down_prefix(vh, ref) + len;
	s->flags = flags | (vh ? VTL_RING_SLOT_F_VNET_HDR : 0) |
		   (ref ? ref_flag : 0);
	ring->down_prod += n;
	return 0;
}

int ring_send_vnet(struct ring *ring, const struct virtio_net_hdr *vh,
		   const void *frame, uint32_t len, uint32_t flags)
{
	return down_send(ring, NULL, 0, vh, frame, len, flags);
}

int ring_send_ref(struct ring *ring, const struct virtio_net_hdr *vh,
		  const void *frame, uint32_t len, const void *payload,
		  uint32_t plen, uint32_t flags)
{
	struct vtl_ring_user_payload up = {
		.addr = (uintptr_t)payload,
		.len = plen,
	};

	return down_send(ring, &up, VTL_RING_SLOT_F_USER_PAYLOAD, vh, frame, len,
			 flags);
}

int ring_send_sock(struct ring *ring, const struct virtio_net_hdr *vh,
		   const void *frame, uint32_t len, int fd, uint64_t offset,
		   uint32_t plen, uint32_t flags)
{
	struct vtl_ring_sock_payload sp = {
		.offset = offset,
		.len = plen,
		.fd = fd,
	};

	return down_send(ring, &sp, VTL_RING_SLOT_F_SOCK_PAYLOAD, vh, frame,
			 len, flags);
}

int ring_send(struct ring *ring, const void *frame, uint32_t len,
	      uint32_t flags)
{
	return ring_send_vnet(ring, NULL, frame, len, flags);
}

int ring_kick(struct ring *ring)
{
	int ret;

	store_release(&ring->down->producer, ring->down_prod);
	ret = ioctl(ring->fd, VTL_RING_IOC_KICK);
	return ret < 0 ? -errno : ret;
}

int ring_wait(struct ring *ring, int timeout_ms)
{
	struct pollfd pfd = { .fd = ring->fd, .events = POLLIN };
	int ret;

	if (ring->up_seen != load_acquire(&ring->up->producer))
		return 1;
	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -EPIPE;
	return ret > 0;
}
