/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection persistence while a VM is suspended (the paper's section
 * 3.5): VTL answers for the VM.  Set with VTL_CMD_PORT_SET.
 */
#ifndef _VTL_PERSIST_H
#define _VTL_PERSIST_H

#include "service.h"

struct vtl_port;

extern const struct vtl_service vtl_persist_service;

void vtl_persist_set(struct vtl_port *port, bool suspend);

#endif /* _VTL_PERSIST_H */
