// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tables: one per port, holding the state model of every TCP,
 * UDP and ICMP flow through it.
 *
 * Concurrency.  The data path (softirq, under RCU) looks a flow up without
 * a lock and updates its model under the entry's own lock; only creating
 * or removing an entry takes the table's lock.  An entry's key never
 * changes once published, so the lockless compare is safe, and a removed
 * entry is freed after a grace period: a packet that still found it just
 * updates a model nobody will read again.  Lock order: the table's lock,
 * then an entry's.  Every lock is taken with softirqs off, as the data path
 * may run on the same CPU.
 *
 * Memory.  An entry is allocated in softirq, where no process is there to
 * charge: memory cgroups charge the interrupted task or nobody, so
 * __GFP_ACCOUNT would bound nothing.  What bounds the memory is the count:
 * each port tracks at most its max_conns connections (65536 by default),
 * and all ports together at most vtl_conn_global_max, itself at most
 * 1/VTL_CONN_RAM_SHARE of the RAM.  A flood of new flows fills the table,
 * evicts what is cheap to lose (expired, closed, never answered), and is
 * then counted as dropped, not tracked: the packets still pass.  The bucket
 * array, allocated by the process configuring the port, is charged to it,
 * as are the entries an import allocates (vtl_conntable_conn_alloc(), in
 * process context): they count toward the same global bound from their
 * allocation on, and the import puts no more in a table than its
 * max_conns.
 *
 * An entry takes sizeof(struct vtl_conn) and the regions services ask for
 * (vtl_services_conn_layout()), rounded up to 8 bytes by its slab cache:
 * 264 + 8 (persistence's) bytes on x86_64, 15 to a 4 KiB slab page (more
 * with lock debugging); the module says so at load with pr_debug.  A table
 * adds 8 bytes of bucket per VTL_CONN_PER_BUCKET connections of its bound
 * (128 KiB for the default).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "constants.h"
#include "conntable.h"
#include "service.h"

static struct kmem_cache *vtl_conn_cache __read_mostly;
/* A connection's size: &struct vtl_conn and the services' regions. */
static size_t vtl_conn_size __ro_after_init;
static unsigned long vtl_conn_global_max __read_mostly;
/* Entries of every table, including those waiting for their grace period. */
static atomic_long_t vtl_conn_total = ATOMIC_LONG_INIT(0);

static u32 vtl_conn_hash(const struct vtl_conntable *t,
			 const struct vtl_flow_key *key)
{
	return jhash(key, sizeof(*key), t->seed);
}

static struct vtl_conn *vtl_conn_find(struct vtl_conntable *t,
				      struct hlist_head *head,
				      const struct vtl_flow_key *key)
{
	struct vtl_conn *c;

	hlist_for_each_entry_rcu(c, head, node, lockdep_is_held(&t->lock))
		if (!memcmp(&c->m.key, key, sizeof(*key)))
			return c;
	return NULL;
}

static void vtl_conn_free(struct vtl_conn *c)
{
	vtl_services_conn_destroy(c);
	kmem_cache_free(vtl_conn_cache, c);
	atomic_long_dec(&vtl_conn_total);
}

static void vtl_conn_free_rcu(struct rcu_head *rcu)
{
	vtl_conn_free(container_of(rcu, struct vtl_conn, rcu));
}

static void vtl_conn_unlink(struct vtl_conntable *t, struct vtl_conn *c)
{
	lockdep_assert_held(&t->lock);
	hlist_del_rcu(&c->node);
	atomic_dec(&t->count);
	call_rcu(&c->rcu, vtl_conn_free_rcu);
}

/* Idle for longer than its state allows?  Context: @c->lock. */
static bool vtl_conn_expired(const struct vtl_conn *c, u64 now)
{
	lockdep_assert_held(&c->lock);
	/* Signed: a packet on another CPU may be newer than @now. */
	return (s64)(now - c->m.last_seen) > (s64)vtl_model_timeout(&c->m);
}

/* May a new connection take @c's place?  Context: the table's lock. */
static bool vtl_conn_evictable(struct vtl_conn *c, u64 now)
{
	bool ret;

	spin_lock(&c->lock);
	ret = c->m.state == VTL_CONN_NEW || c->m.state == VTL_CONN_CLOSED ||
	      c->m.state == VTL_CONN_TIME_WAIT || vtl_conn_expired(c, now);
	spin_unlock(&c->lock);
	return ret;
}

/*
 * Make room in a full table, as conntrack's early_drop does: the first
 * evictable entry in @hash's bucket or the next few.
 */
static bool vtl_conntable_evict(struct vtl_conntable *t, u32 hash, u64 now)
{
	struct vtl_conn *c;
	u32 i;

	lockdep_assert_held(&t->lock);
	for (i = 0; i < VTL_CONN_EVICT_BUCKETS && i <= t->mask; i++) {
		hlist_for_each_entry(c, &t->buckets[(hash + i) & t->mask],
				     node) {
			if (vtl_conn_evictable(c, now)) {
				vtl_conn_unlink(t, c);
				return true;
			}
		}
	}
	return false;
}

/* A flow the table does not know: add it, if there is room. */
static void vtl_conntable_insert(struct vtl_conntable *t,
				 const struct vtl_ct *ct,
				 const struct vtl_pkt *pkt, bool from_vm)
{
	struct hlist_head *head = &t->buckets[ct->hash & t->mask];
	u64 now = ktime_get_coarse_ns();
	struct vtl_conn *c;

	spin_lock_bh(&t->lock);
	/*
	 * Another CPU may have added it since the lockless lookup; the packet
	 * was judged as a new connection's and is applied as such.
	 */
	c = vtl_conn_find(t, head, &ct->key);
	if (c) {
		spin_unlock_bh(&t->lock);
		spin_lock_bh(&c->lock);
		vtl_model_update(&c->m, pkt, from_vm, now);
		spin_unlock_bh(&c->lock);
		return;
	}
	if (atomic_read(&t->count) >= READ_ONCE(t->max) &&
	    !vtl_conntable_evict(t, ct->hash, now))
		goto err_dropped;
	if (atomic_long_inc_return(&vtl_conn_total) > vtl_conn_global_max)
		goto err_uncount;
	c = kmem_cache_alloc(vtl_conn_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		goto err_uncount;
	spin_lock_init(&c->lock);
	vtl_model_init(&c->m, pkt, from_vm, now);
	vtl_services_conn_init(c);
	hlist_add_head_rcu(&c->node, head);
	atomic_inc(&t->count);
	spin_unlock_bh(&t->lock);
	return;

err_uncount:
	atomic_long_dec(&vtl_conn_total);
err_dropped:
	spin_unlock_bh(&t->lock);
	atomic64_inc(&t->dropped);
}

/* The state of an ICMP error: related to a connection of the table, or not. */
static u8 vtl_conntable_classify_error(struct vtl_conntable *t,
				       const struct vtl_pkt *pkt, bool from_vm)
{
	struct vtl_flow_key key;

	if (vtl_model_key_icmp_error(pkt, from_vm, &key))
		return 0;
	if (vtl_conn_find(t, &t->buckets[vtl_conn_hash(t, &key) & t->mask],
			  &key))
		return VTL_CT_RELATED;
	return VTL_CT_INVALID;
}

/**
 * vtl_conntable_classify() - a packet's connection state, and its update
 * @t: the port's table
 * @pkt: the parsed frame, with IP
 * @from_vm: it came out of the VM's device (else it goes to the VM)
 * @ct: filled in for vtl_conntable_confirm()
 *
 * A packet of a known connection updates its model at once, as conntrack
 * does before any filtering: %VTL_CT_ESTABLISHED once the connection
 * has been answered, %VTL_CT_NEW before, %VTL_CT_INVALID (and no
 * update) if the model finds it out of window or state.  A packet that may
 * start a connection (vtl_model_starts()) is %VTL_CT_NEW, and creates
 * it only in vtl_conntable_confirm(), once no service dropped it.  An ICMP
 * error about a known connection is %VTL_CT_RELATED.  What VTL does not
 * track (other protocols, ICMP other than echo and errors) is always
 * %VTL_CT_NEW; what it tracks but cannot place is %VTL_CT_INVALID.
 *
 * Context: softirq, RCU read side.
 * Return: one &enum vtl_ct_state bit.
 */
u8 vtl_conntable_classify(struct vtl_conntable *t, const struct vtl_pkt *pkt,
			  bool from_vm, struct vtl_ct *ct)
{
	enum vtl_model_verdict verdict;
	struct vtl_conn *c;
	bool answered;
	u8 state;

	ct->insert = false;
	if (vtl_model_key(pkt, from_vm, &ct->key)) {
		/* No flow: vtl_conntable_find() finds nothing for it. */
		memset(&ct->key, 0, sizeof(ct->key));
		ct->hash = 0;
		state = vtl_conntable_classify_error(t, pkt, from_vm);
		return state ?: VTL_CT_NEW;
	}
	ct->hash = vtl_conn_hash(t, &ct->key);
	c = vtl_conn_find(t, &t->buckets[ct->hash & t->mask], &ct->key);
	if (likely(c)) {
		spin_lock_bh(&c->lock);
		verdict = vtl_model_update(&c->m, pkt, from_vm,
					   ktime_get_coarse_ns());
		answered = c->m.ep[!c->m.initiator].packets;
		spin_unlock_bh(&c->lock);
		if (verdict != VTL_MODEL_VALID)
			return VTL_CT_INVALID;
		return answered ? VTL_CT_ESTABLISHED : VTL_CT_NEW;
	}
	if (!vtl_model_starts(pkt))
		return VTL_CT_INVALID;
	ct->insert = READ_ONCE(t->max);
	return VTL_CT_NEW;
}

/**
 * vtl_conntable_confirm() - create the connection a passed packet starts
 * @t: the port's table
 * @ct: as vtl_conntable_classify() left it for the packet
 * @pkt: the packet
 * @from_vm: its direction
 *
 * Never fails: a connection that cannot be tracked is counted in
 * @t->dropped.
 *
 * Context: softirq, RCU read side.
 */
void vtl_conntable_confirm(struct vtl_conntable *t, const struct vtl_ct *ct,
			   const struct vtl_pkt *pkt, bool from_vm)
{
	if (ct->insert)
		vtl_conntable_insert(t, ct, pkt, from_vm);
}

/**
 * vtl_conntable_track() - bring a table up to date with a packet VTL sends
 * @t: the port's table
 * @pkt: the parsed frame
 * @from_vm: it goes out as if from the VM (else to the VM)
 *
 * vtl_conntable_classify() and vtl_conntable_confirm() in one, for frames
 * no service needs to judge.
 *
 * Context: softirq, RCU read side.
 */
void vtl_conntable_track(struct vtl_conntable *t, const struct vtl_pkt *pkt,
			 bool from_vm)
{
	struct vtl_ct ct;

	if (!(pkt->flags & VTL_PKT_IP))
		return;
	vtl_conntable_classify(t, pkt, from_vm, &ct);
	vtl_conntable_confirm(t, &ct, pkt, from_vm);
}

/*
 * The idle-timeout GC: a slice of the buckets per run, so that a big table
 * never holds the CPU for long; every bucket is seen within
 * (buckets / VTL_CONN_GC_BUCKETS) runs.
 */
static void vtl_conntable_gc(struct work_struct *work)
{
	struct vtl_conntable *t = container_of(to_delayed_work(work),
					       struct vtl_conntable, gc);
	u32 i, n = min_t(u32, t->mask + 1, VTL_CONN_GC_BUCKETS);
	u64 now = ktime_get_coarse_ns();
	struct hlist_head *head;
	struct hlist_node *tmp;
	struct vtl_conn *c;
	bool expired;

	for (i = 0; i < n && atomic_read(&t->count); i++) {
		head = &t->buckets[t->gc_next++ & t->mask];
		if (hlist_empty(head))
			continue;
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(c, tmp, head, node) {
			spin_lock(&c->lock);
			expired = vtl_conn_expired(c, now);
			spin_unlock(&c->lock);
			if (expired)
				vtl_conn_unlink(t, c);
		}
		spin_unlock_bh(&t->lock);
		cond_resched();
	}
	queue_delayed_work(system_power_efficient_wq, &t->gc,
			   VTL_CONN_GC_INTERVAL);
}

/**
 * vtl_conntable_create() - a port's empty table
 * @max: connections it may hold; its buckets are sized from it
 *
 * Context: process; may sleep.
 * Return: the table, or ERR_PTR(-ENOMEM).
 */
struct vtl_conntable *vtl_conntable_create(u32 max)
{
	struct vtl_conntable *t;
	u32 n;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	n = roundup_pow_of_two(max_t(u32, max / VTL_CONN_PER_BUCKET, 1));
	n = clamp_t(u32, n, VTL_CONN_MIN_BUCKETS, VTL_CONN_MAX_BUCKETS);
	t->buckets = kvcalloc(n, sizeof(*t->buckets), GFP_KERNEL_ACCOUNT);
	if (!t->buckets) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	t->mask = n - 1;
	t->max = max;
	t->seed = get_random_u32();
	spin_lock_init(&t->lock);
	atomic_set(&t->count, 0);
	atomic64_set(&t->dropped, 0);
	INIT_DELAYED_WORK(&t->gc, vtl_conntable_gc);
	queue_delayed_work(system_power_efficient_wq, &t->gc,
			   VTL_CONN_GC_INTERVAL);
	return t;
}

/**
 * vtl_conntable_set_max() - change how many connections a table may hold
 * @t: the table
 * @max: the new bound; entries above it are not evicted, they expire
 */
void vtl_conntable_set_max(struct vtl_conntable *t, u32 max)
{
	WRITE_ONCE(t->max, max);
}

/**
 * vtl_conntable_flush() - forget every connection of a table
 * @t: the table
 *
 * The data path may add new ones right after.
 *
 * Context: process; may sleep.
 */
void vtl_conntable_flush(struct vtl_conntable *t)
{
	struct hlist_node *tmp;
	struct vtl_conn *c;
	u32 i;

	for (i = 0; i <= t->mask; i++) {
		if (hlist_empty(&t->buckets[i]))
			continue;
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(c, tmp, &t->buckets[i], node)
			vtl_conn_unlink(t, c);
		spin_unlock_bh(&t->lock);
		cond_resched();
	}
}

/**
 * vtl_conntable_stop() - stop a table's GC and empty it, before freeing it
 * @t: the table of a port the data path no longer reaches (except for
 *	packets already in flight, until the next grace period)
 *
 * Context: process; may sleep.
 */
void vtl_conntable_stop(struct vtl_conntable *t)
{
	/* Also waits for a run in progress, which then does not requeue. */
	cancel_delayed_work_sync(&t->gc);
	vtl_conntable_flush(t);
}

/**
 * vtl_conntable_free() - free a stopped table
 * @t: the table, or NULL
 *
 * Frees what packets in flight added after vtl_conntable_stop().
 *
 * Context: any, after a grace period following vtl_conntable_stop(): no
 * reader is left, so entries go at once.
 */
void vtl_conntable_free(struct vtl_conntable *t)
{
	struct hlist_node *tmp;
	struct vtl_conn *c;
	u32 i;

	if (!t)
		return;
	for (i = 0; i <= t->mask; i++) {
		hlist_for_each_entry_safe(c, tmp, &t->buckets[i], node)
			vtl_conn_free(c);
	}
	kvfree(t->buckets);
	kfree(t);
}

/**
 * vtl_conntable_find() - a packet's connection
 * @t: the port's table
 * @ct: as vtl_conntable_classify() left it for the packet
 *
 * Context: softirq, RCU read side, which keeps the connection: its model
 * and regions are read and written under vtl_conn_lock().
 * Return: the connection, or NULL if the table does not track it.
 */
struct vtl_conn *vtl_conntable_find(struct vtl_conntable *t,
				    const struct vtl_ct *ct)
{
	if (!ct->key.family)
		return NULL;
	return vtl_conn_find(t, &t->buckets[ct->hash & t->mask], &ct->key);
}

/**
 * vtl_conntable_walk() - call @fn on a copy of each connection's model
 * @t: the table
 * @cur: where to start, zeroed for the beginning; where to go on after
 *	@fn failed
 * @fn: gets the model, the connection itself (unlocked: for the services'
 *	regions, under its lock) and "now"; a non-zero return stops the
 *	walk there, and the same connection comes first next time
 * @arg: for @fn
 *
 * Entries that come or go during a walk may be seen or not, and one that
 * moves up in a bucket between two walks may be skipped or seen twice.
 *
 * Context: process or softirq; @fn runs under RCU and must not sleep.
 * Return: 0 at the end of the table, else what @fn returned.
 */
int vtl_conntable_walk(struct vtl_conntable *t,
		       struct vtl_conntable_cursor *cur,
		       int (*fn)(const struct vtl_model *m, struct vtl_conn *c,
				 u64 now, void *arg),
		       void *arg)
{
	u64 now = ktime_get_coarse_ns();
	struct vtl_model m;
	struct vtl_conn *c;
	int ret = 0;
	u32 pos;

	rcu_read_lock();
	for (; cur->bucket <= t->mask; cur->bucket++, cur->pos = 0) {
		pos = 0;
		hlist_for_each_entry_rcu(c, &t->buckets[cur->bucket], node) {
			if (pos++ < cur->pos)
				continue;
			spin_lock_bh(&c->lock);
			m = c->m;
			spin_unlock_bh(&c->lock);
			ret = fn(&m, c, now, arg);
			if (ret)
				goto out;
			cur->pos++;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}

/**
 * vtl_conntable_conn_alloc() - a connection for vtl_conntable_replace()
 *
 * Counts toward the global bound at once.  The caller fills in @c->m and
 * the services' regions (zeroed here).
 *
 * Context: process; may sleep.
 * Return: the connection, ERR_PTR(-ENOSPC) at VTL's global limit, or
 * ERR_PTR(-ENOMEM).
 */
struct vtl_conn *vtl_conntable_conn_alloc(void)
{
	struct vtl_conn *c;

	if (atomic_long_inc_return(&vtl_conn_total) > vtl_conn_global_max) {
		atomic_long_dec(&vtl_conn_total);
		return ERR_PTR(-ENOSPC);
	}
	c = kmem_cache_zalloc(vtl_conn_cache, GFP_KERNEL_ACCOUNT);
	if (!c) {
		atomic_long_dec(&vtl_conn_total);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&c->lock);
	vtl_services_conn_init(c);
	return c;
}

/**
 * vtl_conntable_conn_free() - free a connection no table got
 * @c: from vtl_conntable_conn_alloc(), or NULL
 *
 * Context: any; does not sleep.
 */
void vtl_conntable_conn_free(struct vtl_conn *c)
{
	if (c)
		vtl_conn_free(c);
}

/**
 * vtl_conntable_replace() - make a table hold exactly the given connections
 * @t: the table
 * @conns: connections from vtl_conntable_conn_alloc(), their keys
 *	distinct; the table takes them
 * @n: how many, at most the table's max
 *
 * In one step under the table's lock, so a packet sees the old connections
 * or the new ones: the cost is linear in what the table held and @n, with
 * softirqs off on this CPU (a few milliseconds for tens of thousands).
 *
 * Context: process.
 */
void vtl_conntable_replace(struct vtl_conntable *t, struct vtl_conn **conns,
			   u32 n)
{
	struct hlist_node *tmp;
	struct vtl_conn *c;
	u32 i;

	spin_lock_bh(&t->lock);
	for (i = 0; i <= t->mask; i++)
		hlist_for_each_entry_safe(c, tmp, &t->buckets[i], node)
			vtl_conn_unlink(t, c);
	for (i = 0; i < n; i++) {
		c = conns[i];
		hlist_add_head_rcu(&c->node,
				   &t->buckets[vtl_conn_hash(t, &c->m.key) &
					       t->mask]);
		atomic_inc(&t->count);
	}
	spin_unlock_bh(&t->lock);
}

/**
 * vtl_conntable_init() - create the cache of connections
 *
 * Return: 0 or -ENOMEM.
 */
int __init vtl_conntable_init(void)
{
	unsigned long ram = (totalram_pages() << PAGE_SHIFT) /
			    VTL_CONN_RAM_SHARE;
	int ret;

	ret = vtl_services_conn_layout(sizeof(struct vtl_conn), &vtl_conn_size);
	if (ret)
		return ret;
	vtl_conn_cache = kmem_cache_create("vtl_conn", vtl_conn_size,
					   __alignof__(struct vtl_conn), 0,
					   NULL);
	if (!vtl_conn_cache)
		return -ENOMEM;
	vtl_conn_global_max = min_t(unsigned long, VTL_CONN_GLOBAL_MAX,
				    ram / vtl_conn_size);
	pr_debug("a connection takes %zu bytes; %lu at most\n",
		 ALIGN(vtl_conn_size, sizeof(void *)), vtl_conn_global_max);
	return 0;
}

/**
 * vtl_conntable_uninit() - destroy the cache of connections
 *
 * Context: after every table is freed and rcu_barrier().
 */
void vtl_conntable_uninit(void)
{
	WARN_ON(atomic_long_read(&vtl_conn_total));
	kmem_cache_destroy(vtl_conn_cache);
}
