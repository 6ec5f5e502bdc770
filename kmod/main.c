// SPDX-License-Identifier: GPL-2.0
/*
 * VTL, the Virtual Traffic Layer: transparent network services for
 * unmodified virtual machines, from outside them.
 *
 * This file only sequences initialisation and its reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <uapi/linux/vtl.h>

#include "conntable.h"
#include "netlink.h"
#include "netns.h"
#include "port.h"
#include "ring.h"
#include "service.h"
#include "skb.h"
#include "version.h"

static int __init vtl_mod_init(void)
{
	int ret;

	/* Built with VTL_SELFTEST only; otherwise a stub that passes. */
	if (!vtl_pkt_selftest())
		return -ENOTRECOVERABLE;

	ret = vtl_conntable_init();
	if (ret)
		return ret;
	ret = vtl_services_init();
	if (ret)
		goto err_conntable;
	ret = vtl_netns_init();
	if (ret)
		goto err_services;
	ret = vtl_port_notifier_init();
	if (ret)
		goto err_netns;
	ret = vtl_genl_init();
	if (ret)
		goto err_notifier;
	ret = vtl_ringdev_init();
	if (ret)
		goto err_genl;

	pr_info("VTL " VTL_VERSION " loaded\n");
	return 0;

err_genl:
	vtl_genl_uninit();
err_notifier:
	vtl_port_notifier_uninit();
err_netns:
	vtl_netns_uninit();
err_services:
	/* The failed steps may have freed ports: let them all go first. */
	rcu_barrier();
	vtl_services_uninit();
err_conntable:
	vtl_conntable_uninit();
	return ret;
}

static void __exit vtl_mod_exit(void)
{
	vtl_ringdev_uninit();
	vtl_genl_uninit();
	/* Detaches every port of every namespace. */
	vtl_port_notifier_uninit();
	vtl_netns_uninit();
	/*
	 * Ports and connections are freed by RCU callbacks, and services'
	 * state by work those queue: let them all run.
	 */
	rcu_barrier();
	vtl_services_uninit();
	vtl_conntable_uninit();
	pr_info("VTL " VTL_VERSION " unloaded\n");
}

module_init(vtl_mod_init);
module_exit(vtl_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VTL: transparent network services for virtual machines");
MODULE_AUTHOR("The VTL developers");
MODULE_VERSION(VTL_VERSION);
MODULE_ALIAS_GENL_FAMILY(VTL_GENL_NAME);
