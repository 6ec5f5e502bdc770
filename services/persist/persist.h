/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection persistence (persist.c): a port's suspension and what it
 * learned of its VM, and its export and import (persist_export.c).
 */
#ifndef _VTL_PERSIST_H
#define _VTL_PERSIST_H

#include <linux/in6.h>
#include <linux/spinlock.h>
#include <net/netlink.h>
#include <uapi/linux/vtl.h>

#include "service.h"
#include "stats.h"

enum {
	PERSIST_ACKS,
	PERSIST_ARP_REPLIES,
	PERSIST_DROPPED,
	PERSIST_UPDATES,
	PERSIST_ND_REPLIES,
	PERSIST_COUNTERS
};

static_assert(PERSIST_COUNTERS <= VTL_COUNTERS_MAX);

/**
 * struct vtl_persist_addrs - addresses of the VM of one family
 * @a: the addresses (IPv4 ones IPv4-mapped), :: in unused slots; written
 *	a word at a time under the lock, read without it.  A reader racing
 *	a writer may see an address half old, half new: a mismatch, or a
 *	match with an address that is no host's, neither of which harms.
 * @next: the slot the next new address takes, round robin; the lock
 */
struct vtl_persist_addrs {
	struct in6_addr a[VTL_PERSIST_MAX_ADDRS];
	unsigned int next;
};

/**
 * struct vtl_persist - a port's suspension
 * @suspended: VTL answers for the VM; written under RTNL, read by the
 *	data path
 * @suspensions: times the port was suspended; RTNL
 * @lock: serialises learning (the writers of @mac, @addrs4 and @addrs6)
 * @mac: the VM's MAC as ether_addr_to_u64(), 0 until learned; read
 *	without the lock (a word: never torn)
 * @addrs4: the VM's IPv4 addresses
 * @addrs6: its IPv6 addresses
 * @stats: the PERSIST_* counters (the framework's: vtl_port_counters())
 */
struct vtl_persist {
	bool suspended;
	u64 suspensions;
	spinlock_t lock;	/* learning */
	u64 mac;
	struct vtl_persist_addrs addrs4;
	struct vtl_persist_addrs addrs6;
	struct vtl_pcpu_counters __percpu *stats;
};

/**
 * struct vtl_persist_conn - persistence's region of a connection
 * @window: the window the VM advertised when VTL first answered for it
 *	with a zero window, the one to give back on resume
 * @told_zero: VTL answered for the VM since the port was suspended
 *
 * Guarded by the connection's lock (vtl_conn_ext()).
 */
struct vtl_persist_conn {
	u32 window;
	bool told_zero;
};

extern const struct nla_policy
	vtl_persist_export_policy[VTL_PERSIST_EXPORT_A_MAX + 1];
int vtl_persist_port_export(struct vtl_export_chunk *ch,
			    const struct vtl_port *port);
int vtl_persist_import_parse(void **staged, const struct nlattr *data,
			     struct netlink_ext_ack *extack);
void vtl_persist_use(struct vtl_port *port);
void vtl_persist_import_commit(void *staged, struct vtl_port *port);
void vtl_persist_import_abort(void *staged);
int vtl_persist_conn_export(struct sk_buff *msg, const struct vtl_conn *c,
			    const void *ext);
int vtl_persist_conn_import(void *ext, const struct nlattr *data,
			    struct netlink_ext_ack *extack);

#endif /* _VTL_PERSIST_H */
