/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each command of an object does around its request: enter the
 * namespace, look up the device, connect; report the kernel's verdict;
 * print a document.  Each reports its own failures.
 */
#ifndef VTLCTL_CMD_H
#define VTLCTL_CMD_H

#include <stdint.h>
#include <net/if.h>

#include "common/genl.h"
#include "common/host.h"
#include "print.h"
#include "vtlctl.h"

int vtl_cmd_enter(const struct vtl_opts *opts, const char *dev,
		  uint32_t *ifindex);
int vtl_cmd_prepare(const struct vtl_opts *opts, const char *dev,
		    uint32_t *ifindex, struct vtl_nl **nl);
int vtl_cmd_lookup(const char *dev, uint32_t *ifindex);
int vtl_cmd_finish(struct vtl_nl *nl, const char *dev, int err);
int vtl_cmd_print(const struct vtl_opts *opts,
		  void (*print)(struct printer *p, const struct vtl_opts *opts,
				const void *data),
		  const void *data);

#endif /* VTLCTL_CMD_H */
