// SPDX-License-Identifier: GPL-2.0
/*
 * The shared ring between vtl.ko and the vtlctl daemon: not yet.
 */
#include "port.h"
#include "ring.h"

static int vtl_ring_port_init(struct vtl_port *port)
{
	return 0;
}

static void vtl_ring_port_free(struct vtl_port *port)
{
}

static enum vtl_verdict vtl_ring_frame(struct vtl_frame *f)
{
	return VTL_PASS;
}

static int vtl_ring_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	return 0;
}

const struct vtl_service vtl_ring_service = {
	.name = "ring",
	.port_init = vtl_ring_port_init,
	.port_free = vtl_ring_port_free,
	.frame = vtl_ring_frame,
	.fill_port = vtl_ring_fill_port,
};
