// SPDX-License-Identifier: GPL-2.0
/*
 * vtlctl: configure VTL, the Virtual Traffic Layer.
 *
 *   vtlctl [ OPTIONS ] OBJECT { COMMAND | help } [ ARGS ]
 *
 * This file parses the global options and dispatches to an object.  An
 * object is one file with one entry point (see vtlctl.h) and one line in
 * the table below; it must take "help" as a command.
 */
#include <stdio.h>
#include <string.h>
#include <linux/vtl.h>

#include "common/parse.h"
#include "socks_cmd.h"
#include "vtlctl.h"

#ifndef VTLCTL_VERSION
#define VTLCTL_VERSION "unknown"
#endif

static int help_main(const struct vtl_opts *opts, int argc, char *argv[]);

static const struct vtl_command objects[] = {
	{ "port", port_main, "VTL on a VM's device: attach, detach, show" },
	{ "conn", conn_main, "the connections VTL tracks: show, flush" },
	{ "fw",   fw_main,   "a port's firewall: rules, policies, counters" },
	{ "rewrite", rewrite_main,
	  "rewrite rules: MACs, addresses, a shortcut to another VM" },
	{ "tunnel", tunnel_main, "automatic subnet tunneling between local VMs" },
	{ "socks", socks_main, "proxy a VM through a SOCKS proxy (Tor)" },
	{ "daemon", daemon_main, "proxy the VMs of SOCKS ports: run in the foreground" },
	{ "help", help_main, "show this help, or that of an OBJECT" },
};

enum { OPT_JSON, OPT_PRETTY, OPT_STATS, OPT_NETNS, OPT_VERSION, OPT_HELP };

static const struct vtl_word options[] = {
	{ "-json",	 OPT_JSON },
	{ "-pretty",	 OPT_PRETTY },
	{ "-stats",	 OPT_STATS },
	{ "-statistics", OPT_STATS },
	{ "-netns",	 OPT_NETNS },
	{ "-Version",	 OPT_VERSION },
	{ "-help",	 OPT_HELP },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] OBJECT { COMMAND | help } [ ARGS ]\n"
		"       vtlctl help [ OBJECT ]\n"
		"OPTIONS := { -j[son] | -p[retty] | -s[tats] | -n[etns] NETNS |\n"
		"             -V[ersion] | -h[elp] }\n"
		"Objects:\n");
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		fprintf(f, "  %-7s %s\n", objects[i].name, objects[i].help);
	fprintf(f, "Try \"vtlctl OBJECT help\" for the commands of an object.\n");
}

/* vtlctl help [ OBJECT ]: ours, or the object's own ("OBJECT help"). */
static int help_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	char *help_argv[] = { NULL, "help", NULL };
	int i;

	if (argc < 2) {
		usage(stdout);
		return VTL_EXIT_OK;
	}
	i = vtl_match_command(argv[1], objects, ARRAY_SIZE(objects));
	if (i < 0) {
		vtl_err_match(i, "object", argv[1], "\"vtlctl help\"");
		return VTL_EXIT_USAGE;
	}
	if (objects[i].fn == help_main)
		return help_main(opts, 1, argv);
	help_argv[0] = (char *)objects[i].name;
	return objects[i].fn(opts, 2, help_argv);
}

int main(int argc, char *argv[])
{
	struct vtl_opts opts = { 0 };
	const char *opt;
	int i;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		opt = argv[0];
		if (!strcmp(opt, "--")) {
			argc--, argv++;
			break;
		}
		/* --json is -json */
		if (opt[1] == '-')
			opt++;
		i = vtl_match(opt, options, ARRAY_SIZE(options));
		if (i < 0) {
			vtl_err_match(i, "option", argv[0], "\"vtlctl help\"");
			return VTL_EXIT_USAGE;
		}
		switch (options[i].id) {
		case OPT_JSON:
			opts.json = true;
			break;
		case OPT_PRETTY:
			opts.pretty = true;
			break;
		case OPT_STATS:
			opts.stats++;
			break;
		case OPT_NETNS:
			if (argc < 2) {
				vtl_err("\"%s\" needs a value", argv[0]);
				return VTL_EXIT_USAGE;
			}
			if (opts.netns) {
				vtl_err("duplicate \"%s\"", argv[0]);
				return VTL_EXIT_USAGE;
			}
			opts.netns = argv[1];
			argc--, argv++;
			break;
		case OPT_VERSION:
			printf("vtlctl %s (generic netlink family \"%s\", version %d)\n",
			       VTLCTL_VERSION, VTL_GENL_NAME, VTL_GENL_VERSION);
			return VTL_EXIT_OK;
		case OPT_HELP:
			usage(stdout);
			return VTL_EXIT_OK;
		}
	}

	if (argc < 1) {
		usage(stderr);
		return VTL_EXIT_USAGE;
	}
	i = vtl_match_command(argv[0], objects, ARRAY_SIZE(objects));
	if (i < 0) {
		vtl_err_match(i, "object", argv[0], "\"vtlctl help\"");
		return VTL_EXIT_USAGE;
	}
	return objects[i].fn(&opts, argc, argv);
}
