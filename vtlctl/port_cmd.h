/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port object's command-line parsing, exported for the tests: what a
 * command line says, before anything is looked up or sent.
 */
#ifndef VTLCTL_PORT_CMD_H
#define VTLCTL_PORT_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include "common/parse.h"
#include "common/genl.h"

/* The keywords of the port commands, as bits of a set. */
enum port_key {
	PORT_KEY_DEV	= 1 << 0,
	PORT_KEY_PEER	= 1 << 1,
	PORT_KEY_MODE	= 1 << 2,
	PORT_KEY_HELP	= 1 << 3,	/* always taken */
	PORT_KEY_MAX_CONNS = 1 << 4,
	PORT_KEY_TRACK	= 1 << 5,
};

/*
 * What the keywords said; NULL, VTL_PORT_MODE_UNSPEC or !has_max_conns:
 * not given.
 */
struct port_args {
	const char *dev;
	const char *peer;
	uint32_t mode;
	bool has_max_conns;
	uint32_t max_conns;
	bool has_track;
	bool track;
};

/* port_parse() returns one of these. */
enum {
	PORT_PARSE_OK		= VTL_PARSE_OK,
	PORT_PARSE_HELP		= VTL_PARSE_HELP,
	PORT_PARSE_ERROR	= VTL_PARSE_ERROR,
};

int port_parse(int argc, char *argv[], unsigned int takes,
	       unsigned int needs, struct port_args *args);
const char *port_mode_name(uint32_t mode);
int port_parse_u32(const char *arg, uint32_t *val);
int port_parse_dev(const char *arg, const char **dev);

/* its requests (port_cmd.c) */
int vtl_nl_port_new(struct vtl_nl *nl, const struct vtlctl_port_req *req);
int vtl_nl_port_del(struct vtl_nl *nl, uint32_t ifindex);
int vtl_nl_port_get(struct vtl_nl *nl, uint32_t ifindex,
		    struct vtlctl_port *port);
int vtl_nl_port_dump(struct vtl_nl *nl, struct vtlctl_port_list *list);
int vtl_nl_port_set(struct vtl_nl *nl, const struct vtlctl_port_req *req);

#endif /* VTLCTL_PORT_CMD_H */
