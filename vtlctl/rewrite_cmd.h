/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rewrite and tunnel objects' command-line parsing, exported for the
 * tests, and the printing of a port's rewrite counters, which "port show
 * -s" shares.
 */
#ifndef VTLCTL_REWRITE_CMD_H
#define VTLCTL_REWRITE_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/objects.h"
#include "common/parse.h"
#include "print.h"
#include "common/genl.h"

/* The keywords of the rewrite commands, as bits of a set. */
enum rw_key {
	RW_KEY_DEV	= 1 << 0,
	RW_KEY_DST	= 1 << 1,
	RW_KEY_DMAC	= 1 << 2,
	RW_KEY_SMAC	= 1 << 3,
	RW_KEY_SADDR	= 1 << 4,
	RW_KEY_DADDR	= 1 << 5,
	RW_KEY_OUT	= 1 << 6,
	RW_KEY_HELP	= 1 << 7,	/* always taken */
	RW_KEY_MATCH	= 1 << 8,	/* the bare word before dst */
	RW_KEY_SET	= 1 << 9,	/* the bare word before dmac ... daddr */
};

/* What "set" starts. */
#define RW_KEYS_SET (RW_KEY_DMAC | RW_KEY_SMAC | RW_KEY_SADDR | RW_KEY_DADDR)

/* What "rewrite add" takes after "dev VMIF". */
#define RW_KEYS_RULE (RW_KEY_MATCH | RW_KEY_DST | RW_KEY_SET | RW_KEYS_SET | \
		      RW_KEY_OUT)

/* What the words said; NULL or !has_*: not given. */
struct rw_args {
	const char *dev;
	const char *out;		/* looked up later: rule.out_ifindex */
	struct vtlctl_rw_rule rule;	/* family: of dst */
	bool has_dst;
	bool has_dmac;
	uint8_t saddr_family;
	uint8_t daddr_family;
	unsigned int takes;		/* what rw_parse() was told to take */
	unsigned int words;		/* the bare words given */
	unsigned int section;		/* RW_KEY_MATCH, RW_KEY_SET or 0 */
};

int rw_parse(int argc, char *argv[], unsigned int takes, unsigned int needs,
	     struct rw_args *args);
void rw_print_port(struct printer *p, const struct vtlctl_rw_port *rw);

/* "tunnel auto": on or off. */
struct tunnel_args {
	bool has_auto;
	bool on;
};

int tunnel_parse_auto(int argc, char *argv[], struct tunnel_args *args);

/* their requests; a port's VTL_PORT_A_REWRITE nest, for port_cmd.c */
int vtl_nl_rw_new(struct vtl_nl *nl, const struct vtlctl_rw_rule *rule);
int vtl_nl_rw_del(struct vtl_nl *nl, const struct vtlctl_rw_rule *rule);
int vtl_nl_rw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtlctl_rw_rule_list *list);
int vtl_nl_rw_flush(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_tunnel_set(struct vtl_nl *nl, bool on);
int vtl_nl_tunnel_get(struct vtl_nl *nl, bool *on);
int vtl_nl_tunnel_dump(struct vtl_nl *nl, struct vtlctl_tunnel_host_list *list);
int vtl_rw_port_parse(struct nlattr *nest, struct vtlctl_rw_port *rw);

#endif /* VTLCTL_REWRITE_CMD_H */
