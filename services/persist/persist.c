// SPDX-License-Identifier: GPL-2.0
/*
 * Connection persistence while a VM is suspended: not yet.
 */
#include "port.h"
#include "persist.h"

static int vtl_persist_port_init(struct vtl_port *port)
{
	return 0;
}

static void vtl_persist_port_free(struct vtl_port *port)
{
}

static enum vtl_verdict vtl_persist_frame(struct vtl_frame *f)
{
	return VTL_PASS;
}

static int vtl_persist_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	return 0;
}

const struct vtl_service vtl_persist_service = {
	.name = "persist",
	.port_init = vtl_persist_port_init,
	.port_free = vtl_persist_port_free,
	.frame = vtl_persist_frame,
	.fill_port = vtl_persist_fill_port,
};
