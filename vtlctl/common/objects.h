/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtlctl's data model: what the kernel said about a port, a connection or a
 * firewall rule, kept apart from how it travelled (each object's requests,
 * on common/genl.c) and how it is shown (port_cmd.c, conn_cmd.c, fw_cmd.c).
 * "Not returned" and "zero" are different things here: each optional part
 * has a flag.  The types are vtlctl_*: userspace's pictures of the kernel's
 * objects, not the kernel's own (struct vtl_port is kmod/port.h's).
 */
#ifndef VTLCTL_OBJECTS_H
#define VTLCTL_OBJECTS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <net/if.h>
#include <linux/vtl.h>
#include <linux/vtl_ring.h>

/* Counters of one device, indexed by enum vtl_stats_attr. */
struct vtlctl_stats {
	uint64_t counter[VTL_STATS_A_MAX + 1];
	uint32_t present;	/* bit n set: counter[n] was returned */
};

static inline bool vtl_stats_has(const struct vtlctl_stats *s, int attr)
{
	return s->present & (1u << attr);
}

/* A port's firewall, indexed by enum vtl_fw_port_attr. */
struct vtlctl_fw_port {
	uint64_t val[VTL_FW_PORT_A_MAX + 1];
	uint32_t present;	/* bit n set: val[n] was returned */
};

static inline bool vtl_fw_port_has(const struct vtlctl_fw_port *fw, int attr)
{
	return fw->present & (1u << attr);
}

/* A port's rewriting, indexed by enum vtl_rewrite_port_attr. */
struct vtlctl_rw_port {
	uint64_t val[VTL_REWRITE_PORT_A_MAX + 1];
	uint32_t present;	/* bit n set: val[n] was returned */
};

/* A port's suspension, indexed by enum vtl_persist_attr. */
struct vtlctl_persist_port {
	uint64_t val[VTL_PERSIST_A_MAX + 1];
	uint32_t present;	/* bit n set: val[n] was returned */
	bool has_mac;
	uint8_t mac[6];		/* the VM's, as VTL learned it */
};

/* A port's shared ring, indexed by enum vtl_ring_port_attr. */
struct vtlctl_ring_port {
	uint64_t val[VTL_RING_PORT_A_MAX + 1];
	uint32_t present;	/* bit n set: val[n] was returned */
};

struct vtlctl_port {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];	/* "" if not returned */
	uint32_t mode;			/* enum vtl_port_mode */
	bool has_peer;
	uint32_t peer_ifindex;
	char peer_ifname[IF_NAMESIZE];	/* "" if not returned */
	bool has_stats;
	struct vtlctl_stats stats;
	bool has_peer_stats;
	struct vtlctl_stats peer_stats;
	bool has_max_conns;
	uint32_t max_conns;
	bool has_track;
	bool track;
	bool has_conns;
	uint32_t conns;
	bool has_conn_dropped;
	uint64_t conn_dropped;
	bool has_fw;
	struct vtlctl_fw_port fw;
	bool has_rewrite;
	struct vtlctl_rw_port rewrite;
	bool has_suspended;
	bool suspended;
	bool has_persist;
	struct vtlctl_persist_port persist;
	bool has_ring;
	struct vtlctl_ring_port ring;
};

struct vtlctl_port_list {
	struct vtlctl_port *ports;
	size_t len;
	size_t cap;
};

/*
 * Make room in @*items (of @*cap elements of @size bytes, @len used) for
 * one more; 0 or -ENOMEM.
 */
static inline int vtl_grow(void **items, size_t *cap, size_t len,
			   size_t size)
{
	size_t n = *cap ? 2 * *cap : 16;
	void *p;

	if (len < *cap)
		return 0;
	p = realloc(*items, n * size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = n;
	return 0;
}

/* Free an array of @*len used and @*cap elements, and empty it. */
static inline void vtl_array_free(void **items, size_t *len, size_t *cap)
{
	free(*items);
	*items = NULL;
	*len = 0;
	*cap = 0;
}

static inline void vtl_port_list_free(struct vtlctl_port_list *list)
{
	vtl_array_free((void **)&list->ports, &list->len, &list->cap);
}

/*
 * A VTL_CMD_PORT_NEW or _SET request; zero means "not given" for each
 * field but max_conns and suspended, which have their own flags.
 */
struct vtlctl_port_req {
	uint32_t ifindex;
	uint32_t peer_ifindex;
	uint32_t mode;		/* VTL_PORT_MODE_UNSPEC: let the kernel pick */
	bool has_max_conns;
	uint32_t max_conns;
	bool has_suspended;
	bool suspended;
	bool has_track;
	bool track;
};

/* One endpoint of a connection, as enum vtl_conn_ep_attr says. */
struct vtlctl_conn_ep {
	uint32_t seq;
	uint32_t ack;
	uint32_t window;
	uint64_t packets;
	uint64_t bytes;
};

/* One tracked connection, as enum vtl_conn_attr says. */
struct vtlctl_conn {
	uint32_t ifindex;
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t src[16];	/* the initiator's address, network order */
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t state;
	struct vtlctl_conn_ep orig;	/* the initiator */
	struct vtlctl_conn_ep reply;
	uint64_t age_ms;
	uint64_t idle_ms;
};

struct vtlctl_conn_list {
	struct vtlctl_conn *conns;
	size_t len;
	size_t cap;
};

static inline void vtl_conn_list_free(struct vtlctl_conn_list *list)
{
	vtl_array_free((void **)&list->conns, &list->len, &list->cap);
}

/*
 * A firewall rule, as enum vtl_fw_attr says.  A match that is not given
 * (has_* false, @state 0) matches anything.
 */
struct vtlctl_fw_rule {
	uint32_t id;		/* given by the kernel */
	uint8_t dir;		/* enum vtl_fw_dir */
	uint8_t action;		/* enum vtl_fw_verdict */
	uint8_t family;		/* 4 or 6: of @src and @dst; 0: no address */
	bool has_proto;
	uint8_t proto;		/* IPPROTO_* */
	bool has_src;
	bool has_dst;
	uint8_t src_len;	/* prefix lengths, in bits */
	uint8_t dst_len;
	uint8_t src[16];	/* network order; bits past the length are 0 */
	uint8_t dst[16];
	bool has_sport;
	bool has_dport;
	uint16_t sport_min, sport_max;
	uint16_t dport_min, dport_max;
	uint8_t state;		/* VTL_FW_CT_* bits; 0: any */
	bool has_counters;
	uint64_t packets;
	uint64_t bytes;
	unsigned int line;	/* fw load: the rule's line in its file */
};

struct vtlctl_fw_rule_list {
	struct vtlctl_fw_rule *rules;
	size_t len;
	size_t cap;
};

static inline void vtl_fw_rule_list_free(struct vtlctl_fw_rule_list *list)
{
	vtl_array_free((void **)&list->rules, &list->len, &list->cap);
}

/* A VTL_CMD_FW_LOAD request: every rule, and the policies (0: unchanged). */
struct vtlctl_fw_load {
	struct vtlctl_fw_rule_list list;
	uint8_t policy_in;
	uint8_t policy_out;
};

/*
 * A rewrite rule, as enum vtl_rewrite_attr says: frames from the VM of
 * port @ifindex to @dst/@dst_len get @dmac, and what has_* says.
 */
struct vtlctl_rw_rule {
	uint32_t ifindex;
	uint8_t family;		/* 4 or 6: of @dst, @saddr and @daddr */
	uint8_t dst_len;
	uint8_t dst[16];	/* network order; bits past the length are 0 */
	uint8_t dmac[6];
	bool has_smac;
	uint8_t smac[6];
	bool has_saddr;
	uint8_t saddr[16];
	bool has_daddr;
	uint8_t daddr[16];
	uint32_t out_ifindex;	/* 0: none */
	bool is_auto;		/* installed by tunnel auto */
	bool has_counters;
	uint64_t packets;
	uint64_t bytes;
};

struct vtlctl_rw_rule_list {
	struct vtlctl_rw_rule *rules;
	size_t len;
	size_t cap;
};

static inline void vtl_rw_rule_list_free(struct vtlctl_rw_rule_list *list)
{
	vtl_array_free((void **)&list->rules, &list->len, &list->cap);
}

/* A VM's address tunnel auto learned, as enum vtl_tunnel_attr says. */
struct vtlctl_tunnel_host {
	uint32_t ifindex;
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];
	uint8_t mac[6];
	uint64_t age_ms;
};

struct vtlctl_tunnel_host_list {
	struct vtlctl_tunnel_host *hosts;
	size_t len;
	size_t cap;
};

static inline void vtl_tunnel_host_list_free(struct vtlctl_tunnel_host_list *l)
{
	vtl_array_free((void **)&l->hosts, &l->len, &l->cap);
}

/* A SOCKS service's counters, as enum vtl_socks_stats_attr says. */
struct vtlctl_socks_stats {
	bool present;		/* VTL_SOCKS_A_STATS was returned */
	uint64_t up, arp_replies, resets, fail_closed, filtered, to_vm_dropped;
};

/*
 * A port's SOCKS service, as enum vtl_socks_attr says: a VTL_CMD_SOCKS_NEW
 * request, a VTL_CMD_SOCKS_GET reply or a "config" notification.  For a
 * request, @user and @password "" mean none and @dns_prefix_len 0 the
 * default prefix; @ifname, @mac and @stats are only returned.
 */
struct vtlctl_socks {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	uint8_t family;			/* AF_INET or AF_INET6: of proxy_addr */
	uint8_t proxy_addr[16];
	uint16_t proxy_port;		/* host order */
	uint8_t version;		/* VTL_SOCKS_V5 or VTL_SOCKS_V4A */
	char user[256];			/* "" if none */
	char password[256];		/* "" if none or not returned */
	uint8_t dns;			/* enum vtl_socks_dns */
	uint32_t dns_prefix;		/* network order */
	uint8_t dns_prefix_len;
	uint8_t ipv6;			/* enum vtl_socks_ipv6 */
	uint8_t mac[6];
	struct vtlctl_socks_stats stats;
};

struct vtlctl_socks_list {
	struct vtlctl_socks *socks;
	size_t len;
	size_t cap;
};

static inline void vtl_socks_list_free(struct vtlctl_socks_list *list)
{
	vtl_array_free((void **)&list->socks, &list->len, &list->cap);
}

#endif /* VTLCTL_OBJECTS_H */
