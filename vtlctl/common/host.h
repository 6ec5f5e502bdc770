/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host around vtlctl and its daemon: the network namespace of -n, and
 * the names of devices.
 */
#ifndef VTLCTL_HOST_H
#define VTLCTL_HOST_H

#include <stdint.h>
#include <net/if.h>

/* Enter the namespace @name (NULL: stay); on failure, say why, -errno. */
int vtl_netns_enter(const char *name);

/* A device's name: as the kernel gave it, else as known here, else if%u. */
const char *vtl_dev_name(const char *name, uint32_t ifindex,
			 char buf[IF_NAMESIZE]);

#endif /* VTLCTL_HOST_H */
