// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace VTL instances.
 *
 * A namespace's ports are detached by the netdevice notifier when their
 * devices go away, which happens before a dying namespace reaches
 * vtl_net_exit(); on module unload the notifier's unregistration replays
 * NETDEV_UNREGISTER for every device first.  So by the time an instance is
 * torn down it has no ports left, and saying otherwise is a bug.
 */
#include "netns.h"
#include "port.h"

unsigned int vtl_net_id __read_mostly;

static int __net_init vtl_net_init(struct net *net)
{
	struct vtl_net *vn = vtl_net(net);

	vn->net = net;
	INIT_LIST_HEAD(&vn->ports);
	hash_init(vn->port_hash);
	return vtl_services_net_init(vn);
}

static void __net_exit vtl_net_exit(struct net *net)
{
	struct vtl_net *vn = vtl_net(net);

	rtnl_lock();
	vtl_port_destroy_all(vn);
	rtnl_unlock();
	WARN_ON(vn->nbridge || vn->br_ops);
	vtl_services_net_exit(vn);
}

static struct pernet_operations vtl_net_ops = {
	.init = vtl_net_init,
	.exit = vtl_net_exit,
	.id = &vtl_net_id,
	.size = sizeof(struct vtl_net),
};

int vtl_netns_init(void)
{
	return register_pernet_subsys(&vtl_net_ops);
}

void vtl_netns_uninit(void)
{
	unregister_pernet_subsys(&vtl_net_ops);
}
