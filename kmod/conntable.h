/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A port's connection table: the state model (model.h) of every TCP, UDP
 * and ICMP flow through the port, in an RCU hash bounded per port.
 */
#ifndef _VTL_CONNTABLE_H
#define _VTL_CONNTABLE_H

#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <uapi/linux/vtl.h>

#include "model.h"

/**
 * enum vtl_ct_state - a packet's connection state (vtl_conntable_classify())
 * @VTL_CT_NEW: it starts a connection, or one VTL does not track
 * @VTL_CT_ESTABLISHED: it belongs to a tracked connection already answered
 * @VTL_CT_RELATED: an ICMP error about a tracked connection
 * @VTL_CT_INVALID: it belongs to no tracked connection and cannot start one
 *
 * Bits, so that a service can match a set of them (the firewall's rules).
 */
enum vtl_ct_state {
	VTL_CT_NEW		= 1 << 0,
	VTL_CT_ESTABLISHED	= 1 << 1,
	VTL_CT_RELATED		= 1 << 2,
	VTL_CT_INVALID		= 1 << 3,
};

/**
 * struct vtl_conn - one tracked connection
 * @node: in its bucket; the table's lock for writers, RCU for readers
 * @rcu: freed after a grace period, as the data path may still hold it
 * @lock: serialises the model's updates and reads (softirq-safe)
 * @m: the state model; @m.key never changes once the entry is published
 *
 * The services' regions (vtl_conn_ext()) follow, guarded by @lock too.
 */
struct vtl_conn {
	struct hlist_node node;
	struct rcu_head rcu;
	spinlock_t lock;	/* @m's and the regions' updates and reads */
	struct vtl_model m;
};

/**
 * struct vtl_conntable - the connections of one port
 * @lock: taken (softirq-safe) to insert or remove an entry
 * @max: connections the table holds at most; changes with WRITE_ONCE()
 * @count: connections it holds now
 * @dropped: new connections not tracked because it was full
 * @seed: of the hash, random per table
 * @mask: buckets - 1
 * @gc_next: the bucket the next GC run starts at
 * @gc: the idle-timeout GC, rescheduling itself
 * @buckets: @mask + 1 of them
 */
struct vtl_conntable {
	spinlock_t lock;	/* inserts and removals */
	u32 max;
	atomic_t count;
	atomic64_t dropped;
	u32 seed;
	u32 mask;
	u32 gc_next;
	struct delayed_work gc;
	struct hlist_head *buckets;
};

/**
 * struct vtl_ct - a packet's place in the table, from classify to confirm
 * @key: its flow
 * @hash: of @key in the table
 * @insert: it starts a connection the table does not have yet
 */
struct vtl_ct {
	struct vtl_flow_key key;
	u32 hash;
	bool insert;
};

/**
 * struct vtl_conntable_cursor - where a walk of a table stopped
 * @bucket: the bucket to go on with
 * @pos: entries of it already seen
 */
struct vtl_conntable_cursor {
	u32 bucket;
	u32 pos;
};

int vtl_conntable_init(void);
void vtl_conntable_uninit(void);

struct vtl_conntable *vtl_conntable_create(u32 max);
void vtl_conntable_stop(struct vtl_conntable *t);
void vtl_conntable_free(struct vtl_conntable *t);
void vtl_conntable_set_max(struct vtl_conntable *t, u32 max);
void vtl_conntable_flush(struct vtl_conntable *t);
u8 vtl_conntable_classify(struct vtl_conntable *t, const struct vtl_pkt *pkt,
			  bool from_vm, struct vtl_ct *ct);
void vtl_conntable_confirm(struct vtl_conntable *t, const struct vtl_ct *ct,
			   const struct vtl_pkt *pkt, bool from_vm);
void vtl_conntable_track(struct vtl_conntable *t, const struct vtl_pkt *pkt,
			 bool from_vm);
struct vtl_conn *vtl_conntable_conn_alloc(void);
void vtl_conntable_conn_free(struct vtl_conn *c);
void vtl_conntable_replace(struct vtl_conntable *t, struct vtl_conn **conns,
			   u32 n);
struct vtl_conn *vtl_conntable_find(struct vtl_conntable *t,
				    const struct vtl_ct *ct);
int vtl_conntable_walk(struct vtl_conntable *t,
		       struct vtl_conntable_cursor *cur,
		       int (*fn)(const struct vtl_model *m, struct vtl_conn *c,
				 u64 now, void *arg),
		       void *arg);

static inline void vtl_conn_lock(struct vtl_conn *c)
{
	spin_lock_bh(&c->lock);
}

static inline void vtl_conn_unlock(struct vtl_conn *c)
{
	spin_unlock_bh(&c->lock);
}

static inline u32 vtl_conntable_max(const struct vtl_conntable *t)
{
	return READ_ONCE(t->max);
}

static inline u32 vtl_conntable_count(const struct vtl_conntable *t)
{
	return atomic_read(&t->count);
}

static inline u64 vtl_conntable_dropped(const struct vtl_conntable *t)
{
	return atomic64_read(&t->dropped);
}

#endif /* _VTL_CONNTABLE_H */
