/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VTL instance per network namespace.
 */
#ifndef _VTL_NETNS_H
#define _VTL_NETNS_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "constants.h"
#include "service.h"

/**
 * struct vtl_net - the VTL instance of one network namespace
 * @net: the namespace
 * @ports: every port, in attach order; RTNL
 * @port_hash: ports by the ifindex of their VM-side device; writers hold
 *	RTNL, the bridge-mode data path reads it under RCU
 * @genid: bumped on every change of @ports, so a dump can tell it changed
 *	underneath; RTNL
 * @nbridge: how many bridge-mode ports use @br_ops; RTNL
 * @br_ops: this namespace's copy of the bridge hooks (their priv is this
 *	instance), registered while @nbridge is non-zero
 * @svc: each service's state of the namespace, by &enum vtl_svc_id, or
 *	NULL; fixed for the instance's life
 */
struct vtl_net {
	struct net *net;
	struct list_head ports;
	DECLARE_HASHTABLE(port_hash, VTL_PORT_HASH_BITS);
	u32 genid;
	unsigned int nbridge;
	struct nf_hook_ops *br_ops;
	void *svc[VTL_SVC_COUNT];
};

extern unsigned int vtl_net_id;

static inline struct vtl_net *vtl_net(const struct net *net)
{
	return net_generic(net, vtl_net_id);
}

int vtl_netns_init(void);
void vtl_netns_uninit(void);

#endif /* _VTL_NETNS_H */
