// SPDX-License-Identifier: GPL-2.0
/*
 * The shared ring between vtl.ko and a userspace daemon (<linux/vtl_ring.h>):
 * the ring service and the ring mechanism that ringdev.c's character device
 * drives.
 *
 * A ring belongs to the file that attached it, and is linked to its port
 * while both live: @vtl_ring_port.ring and @vtl_ring.port, both written
 * under RTNL and read by the data path under RCU.  Whichever goes first
 * unlinks them: the port's uninit (the device deleted, VTL detached, the
 * module unloaded) leaves the file a ring without a port, on which kick
 * fails and poll reports an error; the file's release unlinks it from its
 * port, waits for the data path to let go of it, and frees it.
 *
 * The data path is the up ring's producer, from any CPU at once, so it
 * produces under @vtl_ring.up_lock; the kick ioctl is the down ring's
 * consumer, one at a time under @vtl_ring.down_lock.  Each side keeps the
 * index it writes in the ring structure and only publishes it to the shared
 * memory; what userspace writes there is read once and checked before use.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/virtio_net.h>
#include <net/checksum.h>
/* skb_gso_segment(): in <net/gso.h> since 6.4, which this includes. */
#include <net/udp.h>

#include "port.h"
#include "ring.h"
#include "skb.h"
#include "tcpq.h"

/* The ring's counters of a port: see &enum vtl_ring_port_attr. */
enum vtl_ring_counter {
	VTL_RING_C_UP,
	VTL_RING_C_DOWN,
	VTL_RING_C_LOST,
	VTL_RING_C_FAIL_CLOSED,
	VTL_RING_C_DOWN_ERRORS,
	VTL_RING_C_COUNT
};

static_assert(VTL_RING_C_COUNT <= VTL_COUNTERS_MAX);

/* The linear part of a large down frame: room for any headers. */
#define VTL_RING_DOWN_LINEAR	256

/**
 * struct vtl_ring_port - the ring service's state of a port
 * @ring: the attached ring, or NULL; RTNL for writers, RCU for readers
 * @owned: userspace owns the port's traffic (VTL_RING_F_OWN); RTNL for
 *	writers, read locklessly by the data path
 * @stats: the counters, for the port's life
 */
struct vtl_ring_port {
	struct vtl_ring __rcu *ring;
	bool owned;
	struct vtl_pcpu_counters __percpu *stats;
};

/**
 * struct vtl_ring - a pair of rings shared with a daemon
 * @port: the port, or NULL once either side let go; RTNL for writers, RCU
 *	for readers
 * @area: the shared memory (vmalloc_user()), @size bytes
 * @size: a whole number of pages
 * @slots: slots of each ring, a power of two
 * @up_hdr: the up ring's header in @area
 * @down_hdr: the down ring's header in @area
 * @up_slots: the up ring's first slot in @area
 * @down_slots: the down ring's first slot in @area
 * @up_lock: serialises the producers of the up ring
 * @up_prod: the up ring's producer index, under @up_lock
 * @vnet: up frames start with a virtio_net_hdr (%VTL_RING_F_VNET_HDR)
 * @user_payload: down frames may name their payload in the daemon's memory
 *	(%VTL_RING_F_USER_PAYLOAD)
 * @sock_payload: down frames may name their payload in a TCP socket's
 *	receive queue (%VTL_RING_F_SOCK_PAYLOAD)
 * @down_lock: serialises the consumers (kicks) of the down ring
 * @down_cons: the down ring's consumer index, under @down_lock
 * @wait: poll()ers of the file
 */
struct vtl_ring {
	struct vtl_port __rcu *port;
	void *area;
	size_t size;
	u32 slots;
	struct vtl_ring_hdr *up_hdr;
	struct vtl_ring_hdr *down_hdr;
	u8 *up_slots;
	u8 *down_slots;
	spinlock_t up_lock;		/* the up ring's producers */
	u32 up_prod;
	bool vnet;
	bool user_payload;
	bool sock_payload;
	struct mutex down_lock;		/* the down ring's consumer */
	u32 down_cons;
	wait_queue_head_t wait;
};

static struct vtl_ring_port *vtl_ring_port(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_ring_id);
}

/* Context: softirq, or BH disabled. */
static void vtl_ring_count(struct vtl_ring_port *rp, enum vtl_ring_counter c,
			   unsigned int n)
{
	vtl_counter_add(rp->stats, c, n);
}

static struct vtl_ring_slot *vtl_ring_slot(const struct vtl_ring *ring,
					   u8 *base, u32 index)
{
	return (struct vtl_ring_slot *)(base + (size_t)(index &
				(ring->slots - 1)) * VTL_RING_SLOT_SIZE);
}

/*
 * Complete the checksum of a CHECKSUM_PARTIAL frame in its copy, as
 * skb_checksum_help() would in the skb: the field holds the pseudo-header's
 * sum, the rest is summed from csum_start on.
 */
static void vtl_ring_csum(const struct sk_buff *skb, u8 *data,
			  unsigned int len, unsigned int shift)
{
	int start = skb_checksum_start_offset(skb);
	unsigned int field;
	__sum16 sum;

	if (start < 0)
		return;
	start += shift;
	field = start + skb->csum_offset;
	if (field + sizeof(__sum16) > len)
		return;
	sum = csum_fold(csum_partial(data + start, len - start, 0));
	if (!sum)
		sum = CSUM_MANGLED_0;
	memcpy(data + field, &sum, sizeof(sum));
}

/*
 * Write @len bytes at @off of the up ring's slots, round the ring's end:
 * from @src, or from @skb at @skb_off if @src is NULL.
 */
static bool vtl_ring_write(struct vtl_ring *ring, size_t *off, const void *src,
			   const struct sk_buff *skb, int skb_off, u32 len)
{
	size_t area = (size_t)ring->slots * VTL_RING_SLOT_SIZE;
	u32 first = min_t(size_t, len, area - *off);

	if (src) {
		memcpy(ring->up_slots + *off, src, first);
		memcpy(ring->up_slots, src + first, len - first);
	} else if (skb_copy_bits(skb, skb_off, ring->up_slots + *off, first) ||
		   skb_copy_bits(skb, skb_off + first, ring->up_slots,
				 len - first)) {
		return false;
	}
	*off = (*off + len) % area;
	return true;
}

/*
 * Copy one frame, skb->data at its Ethernet header, into the next slots of
 * the up ring: one, or more for a large segment with a virtio_net_hdr.  An
 * out-of-band VLAN tag goes back into the copy.
 *
 * Context: @ring->up_lock held.
 * Return: true if it was copied, false if it is lost (the ring is full,
 * the frame is too long, or its virtio_net_hdr cannot say what it is).
 */
static bool vtl_ring_put(struct vtl_ring *ring, const struct sk_buff *skb,
			 u32 flags)
{
	/* Pairs with the daemon's release of the slots it has read. */
	u32 cons = smp_load_acquire(&ring->up_hdr->consumer);
	bool tag = skb_vlan_tag_present(skb);
	unsigned int len = skb->len, shift = 0, hlen = 0, total, nslots;
	struct virtio_net_hdr vh;
	u32 prod = ring->up_prod;
	struct vtl_ring_slot *slot;
	__be16 vlan[2];
	size_t off;

	if (tag) {
		if (len < 2 * ETH_ALEN)
			return false;
		shift = VLAN_HLEN;
	}
	if (ring->vnet) {
		if (virtio_net_hdr_from_skb(skb, &vh, true, false, shift))
			return false;
		hlen = sizeof(vh);
	}
	total = hlen + len + shift;
	if (total > (ring->vnet ? VTL_RING_FRAME_MAX : VTL_RING_SLOT_DATA))
		return false;
	nslots = VTL_RING_FRAME_SLOTS(total);
	/* Full, or a consumer index that is not one: lost either way. */
	if (prod - cons >= ring->slots || ring->slots - (prod - cons) < nslots)
		return false;
	slot = vtl_ring_slot(ring, ring->up_slots, prod);
	off = slot->data - ring->up_slots;
	if (hlen && !vtl_ring_write(ring, &off, &vh, NULL, 0, hlen))
		return false;
	if (tag) {
		vlan[0] = skb->vlan_proto;
		vlan[1] = htons(skb_vlan_tag_get(skb));
		if (!vtl_ring_write(ring, &off, NULL, skb, 0, 2 * ETH_ALEN) ||
		    !vtl_ring_write(ring, &off, vlan, NULL, 0, VLAN_HLEN) ||
		    !vtl_ring_write(ring, &off, NULL, skb, 2 * ETH_ALEN,
				    len - 2 * ETH_ALEN))
			return false;
	} else if (!vtl_ring_write(ring, &off, NULL, skb, 0, len)) {
		return false;
	}
	/* Without a virtio_net_hdr to say so, no checksum is left partial. */
	if (!hlen && skb->ip_summed == CHECKSUM_PARTIAL)
		vtl_ring_csum(skb, slot->data, len + shift, shift);
	WRITE_ONCE(slot->len, total);
	WRITE_ONCE(slot->flags, flags | (hlen ? VTL_RING_SLOT_F_VNET_HDR : 0));
	ring->up_prod = prod + nslots;
	/* The slots are written before the daemon can see them. */
	smp_store_release(&ring->up_hdr->producer, prod + nslots);
	return true;
}

/*
 * Hand a frame's segments, or the frame, to the up ring.  A GSO frame is
 * segmented from a clone, so that the caller's skb (and whatever the
 * pipeline parsed of it) is left as it was.
 */
static void vtl_ring_put_frame(struct vtl_ring *ring, struct sk_buff *skb,
			       u32 flags, u32 *first, unsigned int *up,
			       unsigned int *lost)
{
	struct sk_buff *clone, *segs, *seg, *next;

	/* A large TCP segment goes up whole to a ring that takes them. */
	if (!skb_is_gso(skb) ||
	    (ring->vnet &&
	     (skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))) {
		spin_lock_bh(&ring->up_lock);
		*first = ring->up_prod;
		if (vtl_ring_put(ring, skb, flags))
			(*up)++;
		else
			(*lost)++;
		spin_unlock_bh(&ring->up_lock);
		return;
	}

	/*
	 * A GSO frame from a TAP comes with CHECKSUM_PARTIAL; segmenting
	 * anything else would take the stack's "bad offload" warning.
	 */
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		goto lost;
	clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone)
		goto lost;
	segs = skb_gso_segment(clone, 0);
	if (IS_ERR_OR_NULL(segs) || segs == clone) {
		consume_skb(clone);
		goto lost;
	}
	consume_skb(clone);
	spin_lock_bh(&ring->up_lock);
	*first = ring->up_prod;
	skb_list_walk_safe(segs, seg, next) {
		if (vtl_ring_put(ring, seg, flags))
			(*up)++;
		else
			(*lost)++;
	}
	spin_unlock_bh(&ring->up_lock);
	kfree_skb_list(segs);
	return;

lost:
	(*lost)++;
}

/**
 * vtl_ring_up() - copy a frame into a port's up ring
 * @port: the port
 * @skb: the frame, its MAC header set; not shared.  It stays the caller's
 *	and unchanged: the caller frees it (or sends it on)
 * @from_vm: it came from the VM (%VTL_RING_SLOT_F_TO_NET up), else it was
 *	on its way to the VM
 *
 * A GSO frame is segmented and each segment takes a slot, and frames
 * handed up have complete checksums; unless the ring was attached with
 * %VTL_RING_F_VNET_HDR, which takes a large TCP segment whole and leaves a
 * checksum partial, as its virtio_net_hdr says.  Counts each frame handed
 * up, and each lost (the ring full, a frame too long, a failed
 * segmentation); the daemon is woken if the ring was empty or it asked for
 * every frame.
 *
 * Context: softirq (or BH disabled), RCU read side.
 * Return: true if the port has a ring (the frame went up, or was lost and
 * counted); false if it has none, counted as failed closed: the caller
 * drops the frame.
 */
bool vtl_ring_up(struct vtl_port *port, struct sk_buff *skb, bool from_vm)
{
	struct vtl_ring_port *rp = vtl_ring_port(port);
	u32 flags = from_vm ? VTL_RING_SLOT_F_TO_NET : 0;
	unsigned int up = 0, lost = 0, mac_off = 0;
	struct vtl_ring *ring;
	u32 first = 0;

	ring = rcu_dereference(rp->ring);
	if (!ring) {
		vtl_ring_count(rp, VTL_RING_C_FAIL_CLOSED, 1);
		return false;
	}
	if (skb_mac_header_was_set(skb) && skb_mac_header(skb) < skb->data)
		mac_off = skb->data - skb_mac_header(skb);
	/* The daemon reads whole frames, from the Ethernet header on. */
	__skb_push(skb, mac_off);
	vtl_ring_put_frame(ring, skb, flags, &first, &up, &lost);
	__skb_pull(skb, mac_off);

	if (up)
		vtl_ring_count(rp, VTL_RING_C_UP, up);
	if (lost)
		vtl_ring_count(rp, VTL_RING_C_LOST, lost);
	if (!up)
		return true;
	/*
	 * Wake the daemon if it had read everything before these frames (it
	 * may be about to sleep in poll()) or asked for every frame.  The
	 * barrier orders the producer index published above before reading
	 * the consumer's; vtl_ring_poll() orders them the other way, so
	 * either the daemon's poll() sees these frames or this sees its
	 * index.
	 */
	smp_mb();	/* pairs with vtl_ring_poll()'s */
	if ((READ_ONCE(ring->up_hdr->consumer) == first ||
	     (READ_ONCE(ring->up_hdr->flags) & VTL_RING_HDR_F_WAKEUP)) &&
	    /* a sleeper is queued before its barrier: see above */
	    waitqueue_active(&ring->wait))
		wake_up_interruptible_poll(&ring->wait, EPOLLIN | EPOLLRDNORM);
	return true;
}

static struct vtl_ring *vtl_ring_alloc(u32 slots)
{
	struct vtl_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return NULL;
	ring->size = PAGE_ALIGN(VTL_RING_AREA_SIZE(slots));
	/* Zeroed, and flagged for remap_vmalloc_range(). */
	ring->area = vmalloc_user(ring->size);
	if (!ring->area) {
		kfree(ring);
		return NULL;
	}
	ring->slots = slots;
	ring->up_hdr = ring->area + VTL_RING_UP_HDR_OFF;
	ring->down_hdr = ring->area + VTL_RING_DOWN_HDR_OFF;
	ring->up_slots = ring->area + VTL_RING_UP_OFF;
	ring->down_slots = ring->area + VTL_RING_DOWN_OFF(slots);
	ring->up_hdr->slots = slots;
	ring->up_hdr->slot_size = VTL_RING_SLOT_SIZE;
	ring->down_hdr->slots = slots;
	ring->down_hdr->slot_size = VTL_RING_SLOT_SIZE;
	spin_lock_init(&ring->up_lock);
	mutex_init(&ring->down_lock);
	init_waitqueue_head(&ring->wait);
	return ring;
}

static void vtl_ring_free(struct vtl_ring *ring)
{
	mutex_destroy(&ring->down_lock);
	vfree(ring->area);
	kfree(ring);
}

/* Context: RTNL.  The data path may hold @ring until a grace period. */
static void vtl_ring_unlink(struct vtl_ring_port *rp, struct vtl_ring *ring)
{
	ASSERT_RTNL();
	RCU_INIT_POINTER(rp->ring, NULL);
	RCU_INIT_POINTER(ring->port, NULL);
}

/**
 * vtl_ring_attach() - attach a new ring to a port
 * @net: the namespace the port is named in (the caller's)
 * @req: the request; its out fields are filled in on success
 *
 * A port attached with %VTL_RING_F_OWN becomes owned; attached without it,
 * it no longer is.
 *
 * Context: process; takes RTNL.
 * Return: the ring, or an ERR_PTR(): -EOPNOTSUPP for unknown flags,
 * -EINVAL for a bad number of slots, -ENODEV for no such device, -ENOENT
 * for a device that is not a port, -EBUSY for a port with a ring, -ENOMEM.
 */
struct vtl_ring *vtl_ring_attach(struct net *net, struct vtl_ring_attach *req)
{
	u32 slots = req->slots ?: VTL_RING_SLOTS_DEFAULT;
	struct vtl_ring_port *rp;
	struct vtl_port *port;
	struct vtl_ring *ring;
	int ret;

	if (req->flags & ~(VTL_RING_F_OWN | VTL_RING_F_VNET_HDR |
			   VTL_RING_F_USER_PAYLOAD | VTL_RING_F_SOCK_PAYLOAD))
		return ERR_PTR(-EOPNOTSUPP);
	if (slots < VTL_RING_SLOTS_MIN || slots > VTL_RING_SLOTS_MAX ||
	    !is_power_of_2(slots))
		return ERR_PTR(-EINVAL);
	if (!req->ifindex || req->ifindex > INT_MAX)
		return ERR_PTR(-ENODEV);
	/* Outside RTNL: it may be tens of megabytes. */
	ring = vtl_ring_alloc(slots);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->vnet = req->flags & VTL_RING_F_VNET_HDR;
	ring->user_payload = req->flags & VTL_RING_F_USER_PAYLOAD;
	ring->sock_payload = req->flags & VTL_RING_F_SOCK_PAYLOAD;

	rtnl_lock();
	port = vtl_port_find(vtl_net(net), req->ifindex);
	if (!port) {
		ret = __dev_get_by_index(net, req->ifindex) ? -ENOENT : -ENODEV;
		goto err_unlock;
	}
	rp = vtl_ring_port(port);
	if (rtnl_dereference(rp->ring)) {
		ret = -EBUSY;
		goto err_unlock;
	}
	rcu_assign_pointer(ring->port, port);
	rcu_assign_pointer(rp->ring, ring);
	WRITE_ONCE(rp->owned, !!(req->flags & VTL_RING_F_OWN));
	vtl_service_frames(port, vtl_ring_id, rp->owned ? VTL_SVC_BOTH : 0);
	netdev_info(port->dev, "vtl: ring attached, %u slots%s\n", slots,
		    rp->owned ? ", owned" : "");
	rtnl_unlock();

	req->slots = slots;
	req->slot_size = VTL_RING_SLOT_SIZE;
	req->mmap_size = ring->size;
	return ring;

err_unlock:
	rtnl_unlock();
	vtl_ring_free(ring);
	return ERR_PTR(ret);
}

/**
 * vtl_ring_release() - detach a ring from its port and free it
 * @ring: the ring, of a file being released (so no kick or poll runs)
 *
 * An owned port stays owned: its frames now fail closed.
 *
 * Context: process; takes RTNL, waits for a grace period.
 */
void vtl_ring_release(struct vtl_ring *ring)
{
	struct vtl_port *port;

	rtnl_lock();
	port = rtnl_dereference(ring->port);
	if (port) {
		vtl_ring_unlink(vtl_ring_port(port), ring);
		netdev_info(port->dev, "vtl: ring detached\n");
	}
	rtnl_unlock();
	/* The data path may still be producing into it. */
	synchronize_rcu();
	vtl_ring_free(ring);
}

/*
 * Check a large TCP segment from the daemon as the GSO layer checks an
 * untrusted one (SKB_GSO_DODGY), and more: it parses as TCP over the IP
 * version of its gso_type, its checksum is TCP's, and its IP length ends
 * where the frame does.  It is then trusted, so that a device taking large
 * segments (the VM's) takes it whole instead of the kernel cutting it
 * first.  Every frame gets its network header set, for the GSO layer.
 */
static bool vtl_ring_gso_ok(struct sk_buff *skb)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct vtl_pkt pkt;
	u32 ip;

	if (vtl_skb_parse(skb, &pkt))
		return !skb_is_gso(skb);
	skb_set_network_header(skb, pkt.l3_off);
	if (!skb_is_gso(skb))
		return true;
	ip = shinfo->gso_type & SKB_GSO_TCPV4 ? VTL_PKT_IPV4 : VTL_PKT_IPV6;
	if (!(pkt.flags & VTL_PKT_TCP) || !(pkt.flags & ip) ||
	    (pkt.flags & (VTL_PKT_FRAG | VTL_PKT_RTHDR)) ||
	    pkt.l4_off != skb_transport_offset(skb) ||
	    pkt.l4_end != skb->len || !vtl_pkt_payload_len(&pkt))
		return false;
	shinfo->gso_segs = DIV_ROUND_UP(vtl_pkt_payload_len(&pkt),
					shinfo->gso_size);
	shinfo->gso_type &= ~SKB_GSO_DODGY;
	return true;
}

/*
 * Copy the payload @up names from the daemon's memory to @skb at @off.
 * The kick runs in the daemon's context, so its address space is
 * current's; an address it cannot read fails the copy.
 *
 * Context: process; may fault pages in.
 */
static int vtl_ring_user_copy(struct sk_buff *skb, u32 off,
			      const struct vtl_ring_user_payload *up)
{
	struct iov_iter it;

	if (!up->len)
		return 0;
	if (up->addr != (unsigned long)up->addr)
		return -EFAULT;
	iov_iter_ubuf(&it, ITER_SOURCE, u64_to_user_ptr(up->addr), up->len);
	return skb_copy_datagram_from_iter(skb, off, &it, up->len);
}

/*
 * Copy the @size bytes at @off of the down ring's slots, of the @len a
 * frame has left, to @dst and step over them; false if it is shorter.
 * For what starts a frame: in its first slot, whose data holds more.
 */
static bool vtl_ring_take(const struct vtl_ring *ring, size_t *off, u32 *len,
			  void *dst, u32 size)
{
	if (*len < size)
		return false;
	memcpy(dst, ring->down_slots + *off, size);
	*off += size;
	*len -= size;
	return true;
}

/*
 * The skb of the down frame of @len bytes whose first slot is @index, as
 * &struct vtl_ring_slot's @flags say; NULL if it cannot be sent.  The
 * frame is in memory the daemon may be writing: its vtl_ring_user_payload
 * or vtl_ring_sock_payload and its virtio_net_hdr are read once, and only
 * the copies are used.  A
 * large frame goes into page fragments behind a linear part that holds any
 * headers.
 *
 * Context: process.
 */
static struct sk_buff *vtl_ring_down_skb(struct vtl_ring *ring, u32 index,
					 u32 len, u32 flags)
{
	size_t area = (size_t)ring->slots * VTL_RING_SLOT_SIZE;
	size_t off = vtl_ring_slot(ring, ring->down_slots, index)->data -
		     ring->down_slots;
	struct vtl_ring_user_payload up = {};
	struct vtl_ring_sock_payload sp = {};
	struct virtio_net_hdr vh;
	struct sk_buff *skb;
	u32 linear, first, total, plen = 0;
	int err;

	if (flags & VTL_RING_SLOT_F_USER_PAYLOAD) {
		if (!vtl_ring_take(ring, &off, &len, &up, sizeof(up)) ||
		    up.reserved)
			return NULL;
		plen = up.len;
	} else if (flags & VTL_RING_SLOT_F_SOCK_PAYLOAD) {
		if (!vtl_ring_take(ring, &off, &len, &sp, sizeof(sp)))
			return NULL;
		plen = sp.len;
	}
	if (plen > VTL_RING_FRAME_MAX - len)
		return NULL;
	if (flags & VTL_RING_SLOT_F_VNET_HDR) {
		if (!vtl_ring_take(ring, &off, &len, &vh, sizeof(vh)))
			return NULL;
		switch (vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
		case VIRTIO_NET_HDR_GSO_NONE:
			break;
		case VIRTIO_NET_HDR_GSO_TCPV4:
		case VIRTIO_NET_HDR_GSO_TCPV6:
			if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
				break;
			fallthrough;
		default:
			return NULL;
		}
	}
	total = len + plen;
	if (total < ETH_HLEN)
		return NULL;
	linear = total <= VTL_RING_SLOT_DATA ? total : VTL_RING_DOWN_LINEAR;
	skb = alloc_skb_with_frags(NET_SKB_PAD + NET_IP_ALIGN + linear,
				   total - linear, PAGE_ALLOC_COSTLY_ORDER,
				   &err, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put(skb, linear);
	skb->data_len = total - linear;
	skb->len += total - linear;
	/* From the ring's last slot, a frame runs on to its first. */
	first = min_t(size_t, len, area - off);
	if (skb_store_bits(skb, 0, ring->down_slots + off, first) ||
	    (len > first &&
	     skb_store_bits(skb, first, ring->down_slots, len - first)) ||
	    (sp.len ? vtl_tcpq_copy(sp.fd, sp.offset, sp.len, skb, len) :
		      vtl_ring_user_copy(skb, len, &up)))
		goto err;
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;
	if ((flags & VTL_RING_SLOT_F_VNET_HDR) &&
	    virtio_net_hdr_to_skb(skb, &vh, true))
		goto err;
	if (!vtl_ring_gso_ok(skb))
		goto err;
	return skb;

err:
	kfree_skb(skb);
	return NULL;
}

/* Does @skb fit @dev's MTU, each of its segments if it is a GSO frame? */
static bool vtl_ring_fits(const struct sk_buff *skb,
			  const struct net_device *dev)
{
	unsigned int max = READ_ONCE(dev->mtu) + ETH_HLEN + VLAN_HLEN;

	return skb_is_gso(skb) ? skb_gso_validate_mac_len(skb, max) :
				 skb->len <= max;
}

/*
 * Send the down frame whose first slot is @index on, or count it as an
 * error.  Its length and flags are read once, and only the copies used.
 *
 * Context: process, @ring->down_lock held.
 * Return: the slots the frame took (at least 1), or -ENODEV if the port is
 * gone.  More slots than @avail: the caller skips the rest of the ring.
 */
static int vtl_ring_send(struct vtl_ring *ring, u32 index, u32 avail)
{
	struct vtl_ring_slot *slot = vtl_ring_slot(ring, ring->down_slots,
						   index);
	u32 len = READ_ONCE(slot->len), flags = READ_ONCE(slot->flags);
	u32 known = VTL_RING_SLOT_F_TO_NET | VTL_RING_SLOT_F_VNET_HDR;
	bool to_net = flags & VTL_RING_SLOT_F_TO_NET;
	struct vtl_ring_port *rp;
	struct net_device *out;
	struct vtl_frame f = {};
	struct vtl_port *port;
	struct sk_buff *skb = NULL;
	u32 nslots = 1;
	int ret;

	if (len <= VTL_RING_FRAME_MAX)
		nslots = VTL_RING_FRAME_SLOTS(len);
	ret = nslots;
	if (ring->user_payload)
		known |= VTL_RING_SLOT_F_USER_PAYLOAD;
	if (ring->sock_payload)
		known |= VTL_RING_SLOT_F_SOCK_PAYLOAD;
	/* One place for the payload, not two. */
	if ((flags & VTL_RING_SLOT_F_USER_PAYLOAD) &&
	    (flags & VTL_RING_SLOT_F_SOCK_PAYLOAD))
		known = 0;
	if (len <= VTL_RING_FRAME_MAX && nslots <= avail && !(flags & ~known))
		skb = vtl_ring_down_skb(ring, index, len, flags);

	local_bh_disable();
	rcu_read_lock();
	port = rcu_dereference(ring->port);
	if (!port) {
		ret = -ENODEV;
		goto err_free;
	}
	rp = vtl_ring_port(port);
	if (!skb)
		goto err_count;
	out = port->dev;
	if (to_net) {
		/*
		 * A host-only port has no network; an owned bridge-mode
		 * port's frame would re-enter as the VM's and come back up.
		 */
		if (port->mode == VTL_PORT_MODE_HOST_ONLY ||
		    (port->mode == VTL_PORT_MODE_BRIDGE &&
		     READ_ONCE(rp->owned)))
			goto err_count;
		if (port->peer)
			out = port->peer;
	}
	if (!vtl_ring_fits(skb, out))
		goto err_count;
	/* Sent back the way a frame from the other side would be answered. */
	f.port = port;
	f.from_vm = !to_net;
	vtl_frame_reply(&f, skb);
	vtl_ring_count(rp, VTL_RING_C_DOWN, 1);
	rcu_read_unlock();
	local_bh_enable();
	return ret;

err_count:
	vtl_ring_count(rp, VTL_RING_C_DOWN_ERRORS, 1);
err_free:
	rcu_read_unlock();
	local_bh_enable();
	kfree_skb(skb);
	return ret;
}

static void vtl_ring_count_down_error(struct vtl_ring *ring)
{
	struct vtl_port *port;

	local_bh_disable();
	rcu_read_lock();
	port = rcu_dereference(ring->port);
	if (port)
		vtl_ring_count(vtl_ring_port(port), VTL_RING_C_DOWN_ERRORS, 1);
	rcu_read_unlock();
	local_bh_enable();
}

/**
 * vtl_ring_kick() - send the frames the daemon put in the down ring
 * @ring: the ring
 *
 * Consumes every slot up to the daemon's producer index, each frame (of
 * one slot or more) sent on or counted as an error.  A producer index more
 * than a ring ahead is not one: the ring is skipped to it, and counted as
 * one error; so is a frame claiming more slots than the index covers.
 *
 * Context: process; may sleep.
 * Return: how many slots were consumed, or -ENODEV once the port is gone,
 * -EINTR on a fatal signal.
 */
int vtl_ring_kick(struct vtl_ring *ring)
{
	u32 prod, cons, used;
	int ret = 0, n = 0;

	mutex_lock(&ring->down_lock);
	if (!rcu_access_pointer(ring->port)) {
		ret = -ENODEV;
		goto out;
	}
	/* Pairs with the daemon's release after writing its slots. */
	prod = smp_load_acquire(&ring->down_hdr->producer);
	cons = ring->down_cons;
	if (prod - cons > ring->slots) {
		vtl_ring_count_down_error(ring);
		cons = prod;
		goto publish;
	}
	while (cons != prod) {
		ret = vtl_ring_send(ring, cons, prod - cons);
		if (ret < 0)
			break;
		/* A frame claiming more slots than there are takes them all. */
		used = min_t(u32, ret, prod - cons);
		cons += used;
		n += used;
		ret = 0;
		/* The slot is read before the daemon may reuse it. */
		smp_store_release(&ring->down_hdr->consumer, cons);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
publish:
	ring->down_cons = cons;
	/* Every slot up to cons is read: the daemon may reuse them. */
	smp_store_release(&ring->down_hdr->consumer, cons);
out:
	mutex_unlock(&ring->down_lock);
	return n ? n : ret;
}

/**
 * vtl_ring_poll() - what the daemon may do with a ring
 * @ring: the ring
 * @file: its file
 * @wait: the poll table
 *
 * Return: EPOLLIN when the up ring has frames; EPOLLOUT always (a kick
 * never blocks); EPOLLERR|EPOLLHUP once the port is gone.
 */
__poll_t vtl_ring_poll(struct vtl_ring *ring, struct file *file,
		       poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &ring->wait, wait);
	smp_mb();	/* pairs with vtl_ring_up()'s */
	if (!rcu_access_pointer(ring->port))
		return EPOLLERR | EPOLLHUP;
	if (READ_ONCE(ring->up_prod) != READ_ONCE(ring->up_hdr->consumer))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/**
 * vtl_ring_mmap() - map a ring's memory
 * @ring: the ring
 * @vma: a shared mapping at offset 0, at most the ring's size
 *
 * Return: 0 or a negative errno.
 */
int vtl_ring_mmap(struct vtl_ring *ring, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > ring->size)
		return -EINVAL;
	return remap_vmalloc_range(vma, ring->area, 0);
}

static int vtl_ring_port_init(struct vtl_port *port)
{
	vtl_ring_port(port)->stats = vtl_port_counters(port, vtl_ring_id);
	return 0;
}

/* The port is going: its ring, if any, is left to its file. */
static void vtl_ring_port_uninit(struct vtl_port *port)
{
	struct vtl_ring_port *rp = vtl_ring_port(port);
	struct vtl_ring *ring = rtnl_dereference(rp->ring);

	if (!ring)
		return;
	vtl_ring_unlink(rp, ring);
	wake_up_interruptible_poll(&ring->wait, EPOLLERR | EPOLLHUP);
}

/*
 * An owned port's frames from the VM all go up (or fail closed), and
 * nothing from the network reaches the VM: it sees what the daemon sends.
 */
static enum vtl_verdict vtl_ring_frame(struct vtl_frame *f)
{
	struct vtl_ring_port *rp = vtl_ring_port(f->port);

	if (likely(!READ_ONCE(rp->owned)))
		return VTL_PASS;
	if (!f->from_vm || !vtl_ring_up(f->port, f->skb, true))
		return VTL_DROP;
	/*
	 * Freed later, not here: the data path still reads the parsed frame
	 * (f->pkt points into it) after the services.
	 */
	dev_consume_skb_irq(f->skb);
	return VTL_STOLEN;
}

static int vtl_ring_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	struct vtl_ring_port *rp = vtl_ring_port(port);
	struct vtl_ring *ring = rtnl_dereference(rp->ring);
	u64 c[VTL_RING_C_COUNT];
	struct nlattr *nest;

	vtl_counters_read(rp->stats, c, VTL_RING_C_COUNT);
	nest = nla_nest_start(msg, VTL_PORT_A_RING);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, VTL_RING_PORT_A_ATTACHED, !!ring) ||
	    nla_put_u8(msg, VTL_RING_PORT_A_OWNED, READ_ONCE(rp->owned)) ||
	    (ring && nla_put_u32(msg, VTL_RING_PORT_A_SLOTS, ring->slots)) ||
	    nla_put_u64_64bit(msg, VTL_RING_PORT_A_UP, c[VTL_RING_C_UP],
			      VTL_RING_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_RING_PORT_A_DOWN, c[VTL_RING_C_DOWN],
			      VTL_RING_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_RING_PORT_A_LOST, c[VTL_RING_C_LOST],
			      VTL_RING_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_RING_PORT_A_FAIL_CLOSED,
			      c[VTL_RING_C_FAIL_CLOSED], VTL_RING_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_RING_PORT_A_DOWN_ERRORS,
			      c[VTL_RING_C_DOWN_ERRORS], VTL_RING_PORT_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static const struct nla_policy vtl_ring_port_policy[VTL_PORT_A_MAX + 1] = {
	[VTL_PORT_A_RING] = {
		.type = NLA_REJECT,
		.reject_message = "the ring is attached through /dev/vtl",
	},
};

const struct vtl_service vtl_ring_service = {
	.name = "ring",
	.port_size = sizeof(struct vtl_ring_port),
	.n_counters = VTL_RING_C_COUNT,
	.port_policy = vtl_ring_port_policy,
	.port_init = vtl_ring_port_init,
	.port_uninit = vtl_ring_port_uninit,
	.frame = vtl_ring_frame,
	.fill_port = vtl_ring_fill_port,
};
