/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared ring between vtl.ko and a userspace daemon (<linux/vtl_ring.h>):
 * the ring service, its API for other services, and the ring mechanism the
 * character device (ringdev.c) drives.
 */
#ifndef _VTL_RING_H
#define _VTL_RING_H

#include <linux/mm_types.h>
#include <linux/poll.h>
#include <linux/skbuff.h>
#include <net/net_namespace.h>
#include <uapi/linux/vtl_ring.h>

#include "service.h"

struct vtl_port;
struct vtl_ring;

bool vtl_ring_up(struct vtl_port *port, struct sk_buff *skb, bool from_vm);

struct vtl_ring *vtl_ring_attach(struct net *net, struct vtl_ring_attach *req);
void vtl_ring_release(struct vtl_ring *ring);
int vtl_ring_kick(struct vtl_ring *ring);
__poll_t vtl_ring_poll(struct vtl_ring *ring, struct file *file,
		       poll_table *wait);
int vtl_ring_mmap(struct vtl_ring *ring, struct vm_area_struct *vma);

int vtl_ringdev_init(void);
void vtl_ringdev_uninit(void);

#endif /* _VTL_RING_H */
