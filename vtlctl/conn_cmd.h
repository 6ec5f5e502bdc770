/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conn object's names of what the kernel returns, exported for the
 * tests.
 */
#ifndef VTLCTL_CONN_H
#define VTLCTL_CONN_H

#include <stdint.h>

const char *conn_state_name(uint8_t state);
const char *conn_proto_name(uint8_t proto);

#endif /* VTLCTL_CONN_H */
