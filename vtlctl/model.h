/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data model: what the kernel said about a port, kept apart from how it
 * travelled (netlink.c) and how it is shown (port.c).  "Not returned" and
 * "zero" are different things here: each optional part has a flag.
 */
#ifndef VTLCTL_MODEL_H
#define VTLCTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <net/if.h>
#include <linux/vtl.h>

/* Counters of one device, indexed by enum vtl_stats_attr. */
struct vtl_stats {
	uint64_t counter[VTL_STATS_A_MAX + 1];
	uint32_t present;	/* bit n set: counter[n] was returned */
};

static inline bool vtl_stats_has(const struct vtl_stats *s, int attr)
{
	return s->present & (1u << attr);
}

struct vtl_port {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" if not returned */
	uint32_t mode;			/* enum vtl_port_mode */
	bool has_peer;
	uint32_t peer_ifindex;
	char peer_ifname[IF_NAMESIZE];	/* "" if not returned */
	bool has_stats;
	struct vtl_stats stats;
	bool has_peer_stats;
	struct vtl_stats peer_stats;
};

struct vtl_port_list {
	struct vtl_port *ports;
	size_t len;
	size_t cap;
};

static inline void vtl_port_list_free(struct vtl_port_list *list)
{
	free(list->ports);
	list->ports = NULL;
	list->len = 0;
	list->cap = 0;
}

/* A VTL_CMD_PORT_NEW request; zero means "not given" for each field. */
struct vtl_port_req {
	uint32_t ifindex;
	uint32_t peer_ifindex;
	uint32_t mode;		/* VTL_PORT_MODE_UNSPEC: let the kernel pick */
};

#endif /* VTLCTL_MODEL_H */
