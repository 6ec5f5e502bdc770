/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Constants and limits of vtl.ko, in one place.
 */
#ifndef _VTL_CONSTANTS_H
#define _VTL_CONSTANTS_H

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

#endif /* _VTL_CONSTANTS_H */
