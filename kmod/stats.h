/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of one device VTL is attached to.
 */
#ifndef _VTL_STATS_H
#define _VTL_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct vtl_pcpu_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t dropped;
	struct u64_stats_sync syncp;
};

/* A consistent snapshot, summed over all CPUs. */
struct vtl_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 dropped;
};

static inline void vtl_stats_rx(struct vtl_pcpu_stats __percpu *stats,
				unsigned int len)
{
	struct vtl_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void vtl_stats_tx(struct vtl_pcpu_stats __percpu *stats,
				unsigned int len)
{
	struct vtl_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void vtl_stats_drop(struct vtl_pcpu_stats __percpu *stats)
{
	struct vtl_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->dropped);
	u64_stats_update_end(&s->syncp);
}

/* Packets and bytes something (a service's rule, say) matched, per CPU. */
struct vtl_pcpu_hits {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

static inline void vtl_hits_add(struct vtl_pcpu_hits __percpu *hits,
				unsigned int len)
{
	struct vtl_pcpu_hits *h = this_cpu_ptr(hits);

	u64_stats_update_begin(&h->syncp);
	u64_stats_inc(&h->packets);
	u64_stats_add(&h->bytes, len);
	u64_stats_update_end(&h->syncp);
}

/* A service's own counters, per CPU: up to %VTL_COUNTERS_MAX of them. */
#define VTL_COUNTERS_MAX	8

struct vtl_pcpu_counters {
	u64_stats_t c[VTL_COUNTERS_MAX];
	struct u64_stats_sync syncp;
};

static inline void vtl_counter_add(struct vtl_pcpu_counters __percpu *cs,
				   unsigned int i, unsigned int n)
{
	struct vtl_pcpu_counters *c = this_cpu_ptr(cs);

	u64_stats_update_begin(&c->syncp);
	u64_stats_add(&c->c[i], n);
	u64_stats_update_end(&c->syncp);
}

static inline void vtl_counter_inc(struct vtl_pcpu_counters __percpu *cs,
				   unsigned int i)
{
	vtl_counter_add(cs, i, 1);
}

struct vtl_pcpu_stats __percpu *vtl_stats_alloc(void);
struct vtl_pcpu_counters __percpu *vtl_counters_alloc(void);
void vtl_counters_read(struct vtl_pcpu_counters __percpu *cs, u64 *sum,
		       unsigned int n);
struct vtl_pcpu_hits __percpu *vtl_hits_alloc(void);
void vtl_hits_read(struct vtl_pcpu_hits __percpu *hits, u64 *packets,
		   u64 *bytes);
void vtl_stats_read(struct vtl_pcpu_stats __percpu *stats,
		    struct vtl_stats *sum);

#endif /* _VTL_STATS_H */
