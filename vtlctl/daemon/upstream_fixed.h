/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upstream_fixed: every connection to one fixed address, over plain TCP,
 * wherever the VM dialled (tap-proxy's mode without --socks, for tcpep's
 * tests).  Ready once connected; a refusal resets the VM's connection.
 */
#ifndef VTLCTL_UPSTREAM_FIXED_H
#define VTLCTL_UPSTREAM_FIXED_H

#include <sys/socket.h>

#include "upstream.h"

struct upstream_fixed_config {
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

extern const struct vtl_upstream_ops upstream_fixed_ops;

#endif /* VTLCTL_UPSTREAM_FIXED_H */
