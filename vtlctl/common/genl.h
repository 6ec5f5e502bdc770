/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel transport's core: the socket, the family, a request's
 * transaction, the dump loop, the kernel's verdict.  Each object's
 * requests and the parsing of its replies are in the object's own file, on
 * these.  Every function returns 0 or a negative errno; after a failure,
 * vtl_nl_perror() says what went wrong, with the kernel's own words (its
 * extended ACK message) when it gave some.
 */
#ifndef VTLCTL_GENL_H
#define VTLCTL_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/genl/genl.h>

#include "objects.h"

struct vtl_nl;

/* How often a dump that raced with a change (NLM_F_DUMP_INTR) is redone. */
#define VTL_NL_DUMP_TRIES 8

int vtl_nl_open(struct vtl_nl **nlp);
void vtl_nl_close(struct vtl_nl *nl);
void vtl_nl_perror(const struct vtl_nl *nl, const char *what, int err);

/* The object files' tools: a request, its transaction, its replies. */
struct nl_msg *vtl_nl_msg_size(const struct vtl_nl *nl, uint8_t cmd,
			       int flags, size_t size);
struct nl_msg *vtl_nl_msg(const struct vtl_nl *nl, uint8_t cmd, int flags);
struct nl_msg *vtl_nl_ifindex_msg(struct vtl_nl *nl, uint8_t cmd, int flags,
				  int attr, uint32_t ifindex);
/*
 * Send @msg and read until the kernel has answered it in full, each reply
 * to @parse (NULL: none expected).  Return 0 or a negative errno; @intr
 * (if not NULL) tells of NLM_F_DUMP_INTR.
 */
int vtl_nl_transact(struct vtl_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct nl_msg *, void *), void *arg,
		    bool *intr);
/* Send @msg, which needs no answer but the ACK, and free it. */
int vtl_nl_simple(struct vtl_nl *nl, struct nl_msg *msg);

/*
 * A list of the model (struct vtlctl_port_list, ...) that a dump fills, an
 * element per reply, each parsed by @parse.
 */
struct vtl_nl_list {
	void **items;
	size_t *len;
	size_t *cap;
	size_t size;
	int (*parse)(struct nl_msg *msg, void *item);
};

#define VTL_NL_LIST(list, field, fn) {					\
	(void **)&(list)->field, &(list)->len, &(list)->cap,		\
	sizeof(*(list)->field), fn					\
}

/* A doit's reply of which one scalar attribute matters. */
struct vtl_nl_one {
	int max;			/* of the command's attributes */
	int attr;
	const struct nla_policy *policy; /* of @attr: its width */
	uint64_t val;
	bool found;
};

/* Send @msg (and free it), whose answer is @one; @missing: if it is not. */
int vtl_nl_transact_one(struct vtl_nl *nl, struct nl_msg *msg,
			struct vtl_nl_one *one, const char *missing);
/*
 * Dump @cmd (of the port @ifindex, in attribute @attr, if not 0) into
 * @list, redone from an emptied list while the kernel flags it
 * NLM_F_DUMP_INTR; @what says what kept changing, if it always does.
 */
int vtl_nl_dump(struct vtl_nl *nl, uint8_t cmd, int attr, uint32_t ifindex,
		struct vtl_nl_list *list, const char *what);

/* Make the socket's send buffer hold one request of @len bytes. */
void vtl_nl_fit_sndbuf(struct vtl_nl *nl, size_t len);
/* Where the next attribute of @msg goes, from the start of the request. */
uint32_t vtl_nl_tail_offset(struct nl_msg *msg);
/* Why the request failed, in our words (the kernel's extack otherwise). */
void vtl_nl_set_msg(struct vtl_nl *nl, const char *msg);
/* Where in the last request the kernel's extack pointed, or 0. */
uint32_t vtl_nl_bad_offs(const struct vtl_nl *nl);
int vtl_nl_family(const struct vtl_nl *nl);
struct nl_sock *vtl_nl_sock(const struct vtl_nl *nl);

/* Attributes more than one object has: each returns 0 or -EBADMSG. */
uint64_t vtl_nl_scalar(struct nlattr *attr, int type);
int vtl_nl_parse_scalars(struct nlattr *nest, int max,
			 const struct nla_policy *policy, uint64_t *val,
			 uint32_t *present);
int vtl_nl_parse_stats(struct nlattr *nest, struct vtlctl_stats *stats);
int vtl_nl_get_addr(struct nlattr *attr, uint8_t family, uint8_t *addr);
int vtl_nl_put_prefix(struct nl_msg *msg, int attr, int len_attr,
		      uint8_t family, const uint8_t *addr, uint8_t len);
int vtl_nl_get_prefix(struct nlattr *attr, struct nlattr *len_attr,
		      uint8_t family, bool *has, uint8_t *addr, uint8_t *len);
int vtl_nl_get_mac(struct nlattr *attr, bool *has, uint8_t *mac);
int vtl_nl_get_ip(struct nlattr *attr, uint8_t family, bool *has,
		  uint8_t *addr);
uint8_t vtl_nl_addr_family(struct nlattr *attr);

/*
 * A monitor: a socket of its own, subscribed to the family's "config"
 * multicast group (VTL_MCGRP_CONFIG), non-blocking, for nothing but
 * vtl_nl_monitor_recv() (and close).  vtl_nl_monitor_open() reports its
 * own failures, like vtl_nl_open(): a module without the group is named as
 * such (-ENOENT), a caller without CAP_NET_ADMIN is refused by the kernel
 * (-EPERM).  vtl_nl_monitor_recv() reads what is pending, without
 * blocking, and gives each notification to @parse (NL_OK or NL_SKIP); it
 * returns 0, or -ENOBUFS when notifications were lost (the socket's
 * buffer overran): the caller must dump again.
 */
int vtl_nl_monitor_open(struct vtl_nl **nlp);
int vtl_nl_monitor_fd(const struct vtl_nl *nl);
int vtl_nl_monitor_recv(struct vtl_nl *nl,
			int (*parse)(struct nl_msg *msg, void *arg), void *arg);

#endif /* VTLCTL_GENL_H */
