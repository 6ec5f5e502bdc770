/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel services, in the order a frame meets them: the one place
 * the framework names them (as include/linux/cgroup_subsys.h lists the
 * cgroup controllers).  Multiple inclusion is intended: the includer
 * defines VTL_SERVICE(name) first.
 *
 * VTL_SERVICE(name) stands for the service defined as
 * `const struct vtl_service vtl_<name>_service` (service.h) and makes
 * `vtl_<name>_id` its index in a port's and a namespace's slots.
 *
 * Adding a service: its folder under services/ (with a Kbuild fragment),
 * one line here, its uapi attributes and its vtlctl object file.
 */

/* The stateful firewall: drops first, before any other service. */
VTL_SERVICE(firewall)
/* Answers for a suspended VM. */
VTL_SERVICE(persist)
/* Rewriting and subnet tunneling, which may send a frame elsewhere. */
VTL_SERVICE(rewrite)
/* SOCKS: the VM's TCP and DNS go up the ring, nothing else anywhere. */
VTL_SERVICE(socks)
/* The shared ring to the daemon: last, it takes what the others leave. */
VTL_SERVICE(ring)
