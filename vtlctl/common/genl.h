/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel transport: the only part of vtlctl that speaks netlink.
 * Every function returns 0 or a negative errno; after a failure,
 * vtl_nl_perror() says what went wrong, with the kernel's own words
 * (its extended ACK message) when it gave some.
 */
#ifndef VTLCTL_NETLINK_H
#define VTLCTL_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "objects.h"

struct vtl_nl;

/* How often a dump that raced with a change (NLM_F_DUMP_INTR) is redone. */
#define VTL_NL_DUMP_TRIES 8

int vtl_nl_open(struct vtl_nl **nlp);
void vtl_nl_close(struct vtl_nl *nl);
void vtl_nl_perror(const struct vtl_nl *nl, const char *what, int err);

int vtl_nl_port_new(struct vtl_nl *nl, const struct vtl_port_req *req);
int vtl_nl_port_del(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_port_get(struct vtl_nl *nl, uint32_t ifindex,
		    struct vtl_port *port);
int vtl_nl_port_dump(struct vtl_nl *nl, struct vtl_port_list *list);
int vtl_nl_port_set(struct vtl_nl *nl, const struct vtl_port_req *req);
int vtl_nl_conn_dump(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtl_conn_list *list);
int vtl_nl_conn_flush(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_fw_new(struct vtl_nl *nl, uint32_t ifindex,
		  const struct vtl_fw_rule *rule, uint32_t *id);
int vtl_nl_fw_del(struct vtl_nl *nl, uint32_t ifindex, uint32_t id);
int vtl_nl_fw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtl_fw_rule_list *list);
int vtl_nl_fw_flush(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir);
int vtl_nl_fw_policy(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir,
		     uint8_t verdict);
int vtl_nl_fw_load(struct vtl_nl *nl, uint32_t ifindex,
		   const struct vtl_fw_load *load, size_t *bad);

int vtl_nl_rw_new(struct vtl_nl *nl, const struct vtl_rw_rule *rule);
int vtl_nl_rw_del(struct vtl_nl *nl, const struct vtl_rw_rule *rule);
int vtl_nl_rw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtl_rw_rule_list *list);
int vtl_nl_rw_flush(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_tunnel_set(struct vtl_nl *nl, bool on);
int vtl_nl_tunnel_get(struct vtl_nl *nl, bool *on);
int vtl_nl_tunnel_dump(struct vtl_nl *nl, struct vtl_tunnel_host_list *list);

int vtl_nl_socks_new(struct vtl_nl *nl, const struct vtl_socks *s);
int vtl_nl_socks_del(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_socks_get(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtl_socks *s);
int vtl_nl_socks_dump(struct vtl_nl *nl, struct vtl_socks_list *list);

/*
 * A port's export (VTL_CMD_PORT_EXPORT): the attributes of every message of
 * the dump, as the kernel gave them, concatenated into @data (malloc()ed,
 * @len bytes; free() it).  VTL_CMD_PORT_IMPORT takes the same bytes, sent
 * in one request after the port's ifindex, so the kernel applies them in
 * one step.
 */
struct vtl_blob {
	uint8_t *data;
	size_t len;
	size_t cap;
};

int vtl_nl_port_export(struct vtl_nl *nl, uint32_t ifindex,
		       struct vtl_blob *out);
int vtl_nl_port_import(struct vtl_nl *nl, uint32_t ifindex,
		       const void *attrs, size_t len);

/*
 * The daemon's view of configuration changes: a socket of its own,
 * subscribed to the family's "config" multicast group (VTL_MCGRP_CONFIG),
 * non-blocking, for nothing but vtl_nl_monitor_read() (and close).
 * vtl_nl_monitor_open() reports its own failures, like vtl_nl_open(): a
 * module without the group is named as such (-ENOENT), a caller without
 * CAP_NET_ADMIN is refused by the kernel (-EPERM).
 */
int vtl_nl_monitor_open(struct vtl_nl **nlp);
int vtl_nl_monitor_fd(const struct vtl_nl *nl);
/*
 * Read what is pending, without blocking, and call @cb for each
 * VTL_CMD_SOCKS_NEW (@s filled as a GET fills it, without the counters; the
 * password only if the kernel sent it, see uapi/linux/vtl.h) and each
 * VTL_CMD_SOCKS_DEL (@s->ifindex only, the rest zero).  Return 0, or a
 * negative errno: -ENOBUFS when notifications were lost (the socket's
 * buffer overran): the caller must dump again; -EBADMSG when one was
 * malformed (the others were still passed to @cb).
 */
int vtl_nl_monitor_read(struct vtl_nl *nl,
			void (*cb)(uint8_t cmd, const struct vtl_socks *s,
				   void *arg),
			void *arg);

#endif /* VTLCTL_NETLINK_H */
