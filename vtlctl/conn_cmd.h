/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conn object's names of what the kernel returns, exported for the
 * tests.
 */
#ifndef VTLCTL_CONN_CMD_H
#define VTLCTL_CONN_CMD_H

#include <stdint.h>
#include "common/genl.h"

const char *conn_state_name(uint8_t state);
const char *conn_proto_name(uint8_t proto);

/* its requests */
int vtl_nl_conn_dump(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtlctl_conn_list *list);
int vtl_nl_conn_flush(struct vtl_nl *nl, uint32_t ifindex);

#endif /* VTLCTL_CONN_CMD_H */
