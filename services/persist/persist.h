/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection persistence while a VM is suspended (the paper's section 3.5).
 */
#ifndef _VTL_PERSIST_H
#define _VTL_PERSIST_H

#include "service.h"

extern const struct vtl_service vtl_persist_service;

#endif /* _VTL_PERSIST_H */
