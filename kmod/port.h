/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A port: VTL attached to the host side of one VM's network interface.
 */
#ifndef _VTL_PORT_H
#define _VTL_PORT_H

#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <uapi/linux/vtl.h>

#include "conntable.h"
#include "netns.h"
#include "service.h"
#include "stats.h"

/**
 * struct vtl_port - VTL attached to one VM's interface
 * @list: in vtl_net.ports; RTNL
 * @hnode: in vtl_net.port_hash; RTNL for writers, RCU for readers
 * @vn: the namespace instance the port belongs to
 * @dev: the VM-side device (a TAP, a Xen vif, a veth standing in for one)
 * @dev_tracker: tracks the reference held on @dev
 * @peer: the uplink of a standalone port, else NULL
 * @peer_tracker: tracks the reference held on @peer
 * @mode: how the port sits on the traffic; never changes
 * @stats: counters of @dev
 * @peer_stats: counters of @peer (standalone only)
 * @conns: the connections through the port; fixed for the port's life
 * @svc: each service's state of the port, by &enum vtl_svc_id, allocated
 *	by the framework (&struct vtl_service.port_size); fixed for the
 *	port's life
 * @counters: each service's per-CPU counters of the port, by &enum
 *	vtl_svc_id, or NULL (&struct vtl_service.n_counters); fixed for the
 *	port's life
 * @svc_frames: by direction ([0] to the VM, [1] from it), the services
 *	that see the port's frames, one bit each by &enum vtl_svc_id: each
 *	service sets its own (vtl_service_frames()), atomically
 * @ct_users: who needs the port's connections tracked, one bit each: the
 *	services by &enum vtl_svc_id (vtl_service_conns()) and
 *	%VTL_CT_USER_PORT for the port's own setting; none, and the data
 *	path leaves @conns alone.  RTNL for writers (vtl_port_track())
 * @rcu: the port is freed after a grace period, as the data path may
 *	still hold it
 *
 * The data path reaches a port through @dev's (and @peer's) rx_handler_data
 * or, in bridge mode, through @hnode; it reads @dev, @peer and @mode only,
 * all fixed for the port's life, the counters, @conns and @svc, and
 * @svc_frames and @ct_users with READ_ONCE().
 */
struct vtl_port {
	struct list_head list;
	struct hlist_node hnode;
	struct vtl_net *vn;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct net_device *peer;
	netdevice_tracker peer_tracker;
	enum vtl_port_mode mode;
	struct vtl_pcpu_stats __percpu *stats;
	struct vtl_pcpu_stats __percpu *peer_stats;
	struct vtl_conntable *conns;
	void *svc[VTL_SVC_COUNT];
	struct vtl_pcpu_counters __percpu *counters[VTL_SVC_COUNT];
	unsigned long svc_frames[2];
	unsigned long ct_users;
	struct rcu_head rcu;
};

/* The bit of @ct_users for the port's own setting (%VTL_PORT_A_TRACK). */
#define VTL_CT_USER_PORT	VTL_SVC_COUNT

/* Does @port track its connections?  Context: RCU read side, or RTNL. */
static inline bool vtl_port_tracks(const struct vtl_port *port)
{
	return READ_ONCE(port->ct_users);
}

/* A service's state of @port: see service.h. */
static inline void *vtl_port_svc(const struct vtl_port *port,
				 enum vtl_svc_id id)
{
	return port->svc[id];
}

/* A service's counters of @port: see service.h. */
static inline struct vtl_pcpu_counters __percpu *
vtl_port_counters(const struct vtl_port *port, enum vtl_svc_id id)
{
	return port->counters[id];
}

struct vtl_port *vtl_port_create(struct vtl_net *vn, struct net_device *dev,
				 struct net_device *peer,
				 enum vtl_port_mode mode, u32 max_conns,
				 struct netlink_ext_ack *extack);
void vtl_port_destroy(struct vtl_port *port);
void vtl_port_destroy_all(struct vtl_net *vn);
struct vtl_port *vtl_port_find(struct vtl_net *vn, int ifindex);
struct vtl_port *vtl_port_find_rcu(struct vtl_net *vn, int ifindex);
void vtl_port_track(struct vtl_port *port, unsigned int user, bool on);
const char *vtl_port_mode_name(enum vtl_port_mode mode);

int vtl_port_notifier_init(void);
void vtl_port_notifier_uninit(void);

#endif /* _VTL_PORT_H */
