// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters: allocation and a consistent read.
 */
#include "stats.h"

/**
 * vtl_stats_alloc() - allocate zeroed per-CPU counters
 *
 * Return: the counters, or NULL when out of memory.
 */
struct vtl_pcpu_stats __percpu *vtl_stats_alloc(void)
{
	struct vtl_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct vtl_pcpu_stats,
				 GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/**
 * vtl_stats_read() - sum the counters of every CPU
 * @stats: the per-CPU counters
 * @sum: where to put the totals
 *
 * Each CPU's counters are read under its seqcount, so a 64-bit counter is
 * never seen half-updated on a 32-bit machine.
 */
void vtl_stats_read(struct vtl_pcpu_stats __percpu *stats,
		    struct vtl_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct vtl_pcpu_stats *s = per_cpu_ptr(stats, cpu);
		u64 rxp, rxb, txp, txb, drop;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rxp = u64_stats_read(&s->rx_packets);
			rxb = u64_stats_read(&s->rx_bytes);
			txp = u64_stats_read(&s->tx_packets);
			txb = u64_stats_read(&s->tx_bytes);
			drop = u64_stats_read(&s->dropped);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum->rx_packets += rxp;
		sum->rx_bytes += rxb;
		sum->tx_packets += txp;
		sum->tx_bytes += txb;
		sum->dropped += drop;
	}
}

/**
 * vtl_hits_alloc() - allocate zeroed per-CPU hit counters
 *
 * Return: the counters, or NULL when out of memory.
 */
struct vtl_pcpu_hits __percpu *vtl_hits_alloc(void)
{
	struct vtl_pcpu_hits __percpu *hits;
	int cpu;

	hits = alloc_percpu_gfp(struct vtl_pcpu_hits,
				GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!hits)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(hits, cpu)->syncp);
	return hits;
}

/**
 * vtl_hits_read() - sum hit counters over every CPU
 * @hits: the per-CPU counters
 * @packets: set to the packets
 * @bytes: set to their bytes
 */
void vtl_hits_read(struct vtl_pcpu_hits __percpu *hits, u64 *packets,
		   u64 *bytes)
{
	unsigned int start;
	u64 p, b;
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct vtl_pcpu_hits *h = per_cpu_ptr(hits, cpu);

		do {
			start = u64_stats_fetch_begin(&h->syncp);
			p = u64_stats_read(&h->packets);
			b = u64_stats_read(&h->bytes);
		} while (u64_stats_fetch_retry(&h->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

/**
 * vtl_counters_alloc() - allocate a service's per-CPU counters, zeroed
 *
 * Return: the counters, or NULL.
 */
struct vtl_pcpu_counters __percpu *vtl_counters_alloc(void)
{
	struct vtl_pcpu_counters __percpu *cs;
	int cpu;

	cs = alloc_percpu_gfp(struct vtl_pcpu_counters,
			      GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!cs)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(cs, cpu)->syncp);
	return cs;
}

/**
 * vtl_counters_read() - sum a service's counters over every CPU
 * @cs: the per-CPU counters
 * @sum: set to the first @n sums
 * @n: how many, at most %VTL_COUNTERS_MAX
 */
void vtl_counters_read(struct vtl_pcpu_counters __percpu *cs, u64 *sum,
		       unsigned int n)
{
	u64 v[VTL_COUNTERS_MAX];
	unsigned int start, i;
	int cpu;

	n = min_t(unsigned int, n, VTL_COUNTERS_MAX);
	memset(sum, 0, n * sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct vtl_pcpu_counters *c = per_cpu_ptr(cs, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < n; i++)
				v[i] = u64_stats_read(&c->c[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (i = 0; i < n; i++)
			sum[i] += v[i];
	}
}
