/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SOCKS service's settings of a port, as "vtlctl socks" sets them and
 * the daemon reads them: requests, replies, notifications.
 */
#ifndef VTLCTL_SOCKS_NL_H
#define VTLCTL_SOCKS_NL_H

#include <stdint.h>

#include "genl.h"

int vtl_nl_socks_new(struct vtl_nl *nl, const struct vtlctl_socks *s);
int vtl_nl_socks_del(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_socks_get(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtlctl_socks *s);
int vtl_nl_socks_dump(struct vtl_nl *nl, struct vtlctl_socks_list *list);

/*
 * The daemon's view of configuration changes, on a monitor socket
 * (vtl_nl_monitor_open(), common/genl.h).  Read what is pending, without
 * blocking, and call @cb for each
 * VTL_CMD_SOCKS_NEW (@s filled as a GET fills it, without the counters; the
 * password only if the kernel sent it, see uapi/linux/vtl.h) and each
 * VTL_CMD_SOCKS_DEL (@s->ifindex only, the rest zero).  Return 0, or a
 * negative errno: -ENOBUFS when notifications were lost (the socket's
 * buffer overran): the caller must dump again; -EBADMSG when one was
 * malformed (the others were still passed to @cb).
 */
int vtl_nl_monitor_read(struct vtl_nl *nl,
			void (*cb)(uint8_t cmd, const struct vtlctl_socks *s,
				   void *arg),
			void *arg);

#endif /* VTLCTL_SOCKS_NL_H */
