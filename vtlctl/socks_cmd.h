/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socks object's command-line parsing, exported for the tests: what a
 * command line says, before anything is looked up or sent.
 * (daemon/socks_client.h is the daemon's SOCKS client, another thing.)
 */
#ifndef VTLCTL_SOCKS_CMD_H
#define VTLCTL_SOCKS_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/objects.h"
#include "common/parse.h"
#include "vtlctl.h"

/* The keywords of the socks commands, as bits of a set. */
enum socks_key {
	SOCKS_KEY_DEV		= 1 << 0,
	SOCKS_KEY_PROXY		= 1 << 1,
	SOCKS_KEY_VERSION	= 1 << 2,
	SOCKS_KEY_USER		= 1 << 3,
	SOCKS_KEY_PASSWORD	= 1 << 4,
	SOCKS_KEY_DNS		= 1 << 5,
	SOCKS_KEY_IPV6		= 1 << 6,
	SOCKS_KEY_HELP		= 1 << 7,	/* always taken */
};

/* What "socks add" takes after "dev VMIF". */
#define SOCKS_KEYS_CONF (SOCKS_KEY_PROXY | SOCKS_KEY_VERSION | \
			 SOCKS_KEY_USER | SOCKS_KEY_PASSWORD | \
			 SOCKS_KEY_DNS | SOCKS_KEY_IPV6)

/*
 * What the words said: @conf as VTL_CMD_SOCKS_NEW sends it (0 and "": not
 * given, the kernel's default).
 */
struct socks_args {
	const char *dev;
	struct vtlctl_socks conf;
	bool dns_automap;	/* "dns automap": a prefix may follow */
	bool has_prefix;
};

int socks_parse(int argc, char *argv[], unsigned int takes,
		unsigned int needs, struct socks_args *args);
int socks_parse_proxy(const char *arg, struct vtlctl_socks *s);

int socks_main(const struct vtl_opts *opts, int argc, char *argv[]);

#endif /* VTLCTL_SOCKS_CMD_H */
