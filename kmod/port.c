// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: attaching VTL to a VM's interface, detaching it, and keeping the
 * two in step with the life of the devices.
 *
 * All configuration runs under RTNL: rx_handler registration needs it
 * anyway, and it orders netlink requests against device events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/slab.h>
#include <linux/rtnetlink.h>

#include "datapath.h"
#include "port.h"

static const char * const vtl_mode_names[] = {
	[VTL_PORT_MODE_HOST_ONLY] = "host-only",
	[VTL_PORT_MODE_STANDALONE] = "standalone",
	[VTL_PORT_MODE_BRIDGE] = "bridge",
};

const char *vtl_port_mode_name(enum vtl_port_mode mode)
{
	if (mode <= VTL_PORT_MODE_UNSPEC || mode > VTL_PORT_MODE_MAX)
		return "unknown";
	return vtl_mode_names[mode];
}

/* Find the port @dev belongs to, as its VM-side device or as its peer. */
static struct vtl_port *vtl_port_find_dev(struct vtl_net *vn,
					  const struct net_device *dev)
{
	struct vtl_port *port;

	ASSERT_RTNL();
	list_for_each_entry(port, &vn->ports, list)
		if (port->dev == dev || port->peer == dev)
			return port;
	return NULL;
}

/**
 * vtl_port_find() - the port whose VM-side device has @ifindex
 * @vn: the namespace instance
 * @ifindex: the device's ifindex
 *
 * Context: RTNL.
 * Return: the port, or NULL.
 */
struct vtl_port *vtl_port_find(struct vtl_net *vn, int ifindex)
{
	struct vtl_port *port;

	ASSERT_RTNL();
	hash_for_each_possible(vn->port_hash, port, hnode, ifindex)
		if (port->dev->ifindex == ifindex)
			return port;
	return NULL;
}

/**
 * vtl_port_find_rcu() - vtl_port_find() for the data path
 * @vn: the namespace instance
 * @ifindex: the device's ifindex
 *
 * Context: RCU read side.  The port stays valid until rcu_read_unlock().
 * Return: the port, or NULL.
 */
struct vtl_port *vtl_port_find_rcu(struct vtl_net *vn, int ifindex)
{
	struct vtl_port *port;

	hash_for_each_possible_rcu(vn->port_hash, port, hnode, ifindex)
		if (READ_ONCE(port->dev->ifindex) == ifindex)
			return port;
	return NULL;
}

/**
 * vtl_port_track() - say whether one user needs a port's connections tracked
 * @port: the port
 * @user: a service's &enum vtl_svc_id, or %VTL_CT_USER_PORT
 * @on: it needs them (else it no longer does)
 *
 * The port tracks its connections while at least one user needs them.  The
 * first one starts with an empty table: a connection begins to be tracked
 * at its first packet that may start one (vtl_model_starts()), so a TCP
 * connection already open is not picked up.  When the last one goes, the
 * data path stops using the table and, once no frame in flight can add to
 * it any more, the table is emptied: a port that tracks again does not
 * find stale models.  The table itself (its buckets, its GC) stays for the
 * port's life.
 *
 * Context: process, RTNL; may sleep (a grace period) when tracking stops.
 */
void vtl_port_track(struct vtl_port *port, unsigned int user, bool on)
{
	unsigned long was = port->ct_users, users;

	ASSERT_RTNL();
	users = on ? was | BIT(user) : was & ~BIT(user);
	if (users == was)
		return;
	WRITE_ONCE(port->ct_users, users);
	if (was && !users) {
		synchronize_net();
		vtl_conntable_flush(port->conns);
	}
}

/*
 * NL_SET_ERR_MSG() for a message chosen at run time: a peer's problem gets
 * its own message so that the user can tell which device it is about.  Both
 * are string literals, which is all extack asks of a message.
 */
static void vtl_dev_err(struct netlink_ext_ack *extack, bool is_peer,
			const char *dev_msg, const char *peer_msg)
{
	const char *msg = is_peer ? peer_msg : dev_msg;

	do_trace_netlink_extack(msg);
	if (extack)
		extack->_msg = msg;
}

static int vtl_port_check_dev(struct vtl_net *vn, struct net_device *dev,
			      enum vtl_port_mode mode, bool is_peer,
			      struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		vtl_dev_err(extack, is_peer,
			    "device is a loopback device",
			    "peer is a loopback device");
		return -EOPNOTSUPP;
	}
	if (netif_is_bridge_master(dev)) {
		vtl_dev_err(extack, is_peer,
			    "device is a bridge: attach the VM's port of it in bridge mode",
			    "peer is a bridge: give one of its ports, or use bridge mode");
		return -EOPNOTSUPP;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		vtl_dev_err(extack, is_peer,
			    "device is not an Ethernet device",
			    "peer is not an Ethernet device");
		return -EOPNOTSUPP;
	}
	if (vtl_port_find_dev(vn, dev)) {
		vtl_dev_err(extack, is_peer,
			    "device is already attached",
			    "peer is already attached");
		return -EEXIST;
	}
	if (mode == VTL_PORT_MODE_BRIDGE) {
		if (!netif_is_bridge_port(dev)) {
			vtl_dev_err(extack, is_peer,
				    "device is not a bridge port",
				    "peer is not a bridge port");
			return -EINVAL;
		}
		return 0;
	}
	if (netif_is_bridge_port(dev)) {
		vtl_dev_err(extack, is_peer,
			    "device is a bridge port: attach it in bridge mode",
			    "peer is a bridge port: attach it in bridge mode");
		return -EBUSY;
	}
	if (netdev_is_rx_handler_busy(dev)) {
		vtl_dev_err(extack, is_peer,
			    "device is taken by another rx_handler owner (bond, team, macvlan, ...)",
			    "peer is taken by another rx_handler owner (bond, team, macvlan, ...)");
		return -EBUSY;
	}
	return 0;
}

static void vtl_port_free_rcu(struct rcu_head *rcu)
{
	struct vtl_port *port = container_of(rcu, struct vtl_port, rcu);

	netdev_put(port->peer, &port->peer_tracker);
	netdev_put(port->dev, &port->dev_tracker);
	vtl_services_port_free(port);
	vtl_conntable_free(port->conns);
	free_percpu(port->peer_stats);
	free_percpu(port->stats);
	kfree(port);
}

/**
 * vtl_port_create() - attach VTL to a device
 * @vn: the namespace instance of @dev
 * @dev: the VM-side device
 * @peer: the uplink for %VTL_PORT_MODE_STANDALONE, else NULL
 * @mode: how to attach
 * @max_conns: connections the port tracks at most
 * @extack: for the reason of a failure
 *
 * Context: RTNL.
 * Return: the port, or an ERR_PTR(): -EEXIST for a device that is already
 * attached, -EBUSY for one whose rx_handler is taken, -EOPNOTSUPP for a
 * device VTL cannot sit on, -EINVAL for an inconsistent request, -ENOMEM.
 */
struct vtl_port *vtl_port_create(struct vtl_net *vn, struct net_device *dev,
				 struct net_device *peer,
				 enum vtl_port_mode mode, u32 max_conns,
				 struct netlink_ext_ack *extack)
{
	struct vtl_port *port;
	int ret;

	ASSERT_RTNL();
	if (mode == VTL_PORT_MODE_STANDALONE ? !peer : !!peer) {
		if (peer)
			NL_SET_ERR_MSG(extack, "only standalone mode takes a peer");
		else
			NL_SET_ERR_MSG(extack, "standalone mode needs a peer");
		return ERR_PTR(-EINVAL);
	}
	if (peer == dev) {
		NL_SET_ERR_MSG(extack, "device and peer must differ");
		return ERR_PTR(-EINVAL);
	}
	ret = vtl_port_check_dev(vn, dev, mode, false, extack);
	if (ret)
		return ERR_PTR(ret);
	if (peer) {
		ret = vtl_port_check_dev(vn, peer, mode, true, extack);
		if (ret)
			return ERR_PTR(ret);
	}

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->vn = vn;
	port->mode = mode;
	port->stats = vtl_stats_alloc();
	if (!port->stats) {
		ret = -ENOMEM;
		goto err_free_port;
	}
	if (peer) {
		port->peer_stats = vtl_stats_alloc();
		if (!port->peer_stats) {
			ret = -ENOMEM;
			goto err_free_stats;
		}
	}
	port->conns = vtl_conntable_create(max_conns);
	if (IS_ERR(port->conns)) {
		ret = PTR_ERR(port->conns);
		goto err_free_peer_stats;
	}
	ret = vtl_services_port_init(port);
	if (ret)
		goto err_free_conns;
	port->dev = dev;
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	port->peer = peer;
	netdev_hold(peer, &port->peer_tracker, GFP_KERNEL);

	/* Fully set up before the data path can see it. */
	ret = vtl_dp_attach(port, extack);
	if (ret)
		goto err_put_devs;

	list_add_tail(&port->list, &vn->ports);
	hash_add_rcu(vn->port_hash, &port->hnode, dev->ifindex);
	vn->genid++;
	if (peer)
		netdev_info(dev, "vtl: attached in %s mode, peer %s\n",
			    vtl_port_mode_name(mode), peer->name);
	else
		netdev_info(dev, "vtl: attached in %s mode\n",
			    vtl_port_mode_name(mode));
	return port;

err_put_devs:
	netdev_put(peer, &port->peer_tracker);
	netdev_put(dev, &port->dev_tracker);
	vtl_services_port_free(port);
err_free_conns:
	vtl_conntable_stop(port->conns);
	vtl_conntable_free(port->conns);
err_free_peer_stats:
	free_percpu(port->peer_stats);
err_free_stats:
	free_percpu(port->stats);
err_free_port:
	kfree(port);
	return ERR_PTR(ret);
}

/**
 * vtl_port_destroy() - detach VTL from a port's devices and free the port
 * @port: the port
 *
 * Context: RTNL.  The data path may still hold @port until the next RCU
 * grace period; the port and its device references go after it.
 */
void vtl_port_destroy(struct vtl_port *port)
{
	struct vtl_net *vn = port->vn;

	ASSERT_RTNL();
	list_del(&port->list);
	hash_del_rcu(&port->hnode);
	vn->genid++;
	vtl_dp_detach(port);
	vtl_services_port_uninit(port);
	vtl_conntable_stop(port->conns);
	netdev_info(port->dev, "vtl: detached\n");
	call_rcu(&port->rcu, vtl_port_free_rcu);
}

/**
 * vtl_port_destroy_all() - detach every port of a namespace
 * @vn: the namespace instance
 *
 * Context: RTNL.
 */
void vtl_port_destroy_all(struct vtl_net *vn)
{
	struct vtl_port *port, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(port, tmp, &vn->ports, list)
		vtl_port_destroy(port);
}

static int vtl_port_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *upper;
	struct vtl_port *port;

	switch (event) {
	case NETDEV_UNREGISTER:
		/*
		 * The device is going away, or moving to another namespace
		 * (which unregisters it from this one first): either way
		 * this namespace's VTL lets go of it.
		 */
		port = vtl_port_find_dev(vtl_net(dev_net(dev)), dev);
		if (port)
			vtl_port_destroy(port);
		break;
	case NETDEV_CHANGEUPPER:
		/* A bridge-mode port that leaves its bridge sees nothing. */
		upper = ptr;
		if (upper->linking || !netif_is_bridge_master(upper->upper_dev))
			break;
		port = vtl_port_find_dev(vtl_net(dev_net(dev)), dev);
		if (port && port->mode == VTL_PORT_MODE_BRIDGE)
			vtl_port_destroy(port);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vtl_port_notifier = {
	.notifier_call = vtl_port_netdev_event,
};

int vtl_port_notifier_init(void)
{
	return register_netdevice_notifier(&vtl_port_notifier);
}

/*
 * Unregistering replays NETDEV_UNREGISTER for every device of every
 * namespace, which detaches every port: the module's unload path relies on
 * it.
 */
void vtl_port_notifier_uninit(void)
{
	unregister_netdevice_notifier(&vtl_port_notifier);
}
