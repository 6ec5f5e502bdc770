/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared ring between vtl.ko and the vtlctl daemon (<linux/vtl_ring.h>).
 */
#ifndef _VTL_RING_H
#define _VTL_RING_H

#include "service.h"

extern const struct vtl_service vtl_ring_service;

#endif /* _VTL_RING_H */
