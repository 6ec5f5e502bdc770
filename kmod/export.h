/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Export and import of a port's state (VTL_CMD_PORT_EXPORT, _IMPORT): what
 * the framework offers the services' export callbacks (service.h).
 */
#ifndef _VTL_EXPORT_H
#define _VTL_EXPORT_H

#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/vtl.h>

/*
 * The most a service's chunk holds before it ends: its items (a rule, an
 * address) are well under a KiB, so its nest stays within the 64 KiB an
 * attribute's length can say.
 */
#define VTL_EXPORT_CHUNK_MAX	32768

/**
 * struct vtl_export_chunk - a service's chunk of an export being written
 * @msg: the message; the service adds its attributes here
 * @cursor: where the service is in its state: 0 at the start, advanced by
 *	the service past each item it added; kept between chunks
 * @start: @msg's length where the chunk began
 */
struct vtl_export_chunk {
	struct sk_buff *msg;
	unsigned long cursor;
	unsigned int start;
};

/* Should the service stop adding items to @ch (and return -EMSGSIZE)? */
static inline bool vtl_export_chunk_full(const struct vtl_export_chunk *ch)
{
	return ch->msg->len - ch->start > VTL_EXPORT_CHUNK_MAX;
}

int vtl_export_dump_start(struct netlink_callback *cb);
int vtl_export_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vtl_import_doit(struct sk_buff *skb, struct genl_info *info);

extern const struct nla_policy vtl_export_policy[VTL_EXPORT_A_MAX + 1];

#endif /* _VTL_EXPORT_H */
