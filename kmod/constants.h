/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants and limits of vtl.ko, in one place.
 */
#ifndef _VTL_CONSTANTS_H
#define _VTL_CONSTANTS_H

#include <linux/bits.h>
#include <linux/netfilter_bridge.h>

/* Buckets of the per-namespace port table, keyed by ifindex. */
#define VTL_PORT_HASH_BITS	6

/*
 * Bridge-mode hook priorities: VTL sees a frame from the VM before any
 * bridge filter does (so the guest cannot hide from it), and a frame to the
 * VM after every bridge filter has had its say (so it counts what leaves).
 */
#define VTL_BR_PRI_FROM_VM	(NF_BR_PRI_FIRST + 1)
#define VTL_BR_PRI_TO_VM	(NF_BR_PRI_LAST - 1)

/* Connections a port tracks at most, unless told otherwise. */
#define VTL_CONN_DEFAULT_MAX	65536
/* What a port may be told: at most this many. */
#define VTL_CONN_LIMIT_MAX	BIT(22)
/*
 * All ports together track at most this many connections, and never more
 * than what fits in 1/VTL_CONN_RAM_SHARE of the RAM.
 */
#define VTL_CONN_GLOBAL_MAX	BIT(22)
#define VTL_CONN_RAM_SHARE	16
/* Buckets of a port's table: one per this many connections of its bound. */
#define VTL_CONN_PER_BUCKET	4
#define VTL_CONN_MIN_BUCKETS	16
#define VTL_CONN_MAX_BUCKETS	16384
/*
 * When a table is full, a new connection may evict an expired, closed or
 * unanswered one from its own bucket or the next ones, this many at most.
 */
#define VTL_CONN_EVICT_BUCKETS	8
/* The idle-timeout GC: how often it runs, and buckets per run at most. */
#define VTL_CONN_GC_INTERVAL	HZ
#define VTL_CONN_GC_BUCKETS	1024

#endif /* _VTL_CONSTANTS_H */
