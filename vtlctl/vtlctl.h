/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtlctl: what every object needs -- the parsed global options, the exit
 * codes, and the entry point of each object.
 */
#ifndef VTLCTL_H
#define VTLCTL_H

#include <stdbool.h>

/* Exit status of vtlctl; documented in vtlctl(8), EXIT STATUS. */
enum {
	VTL_EXIT_OK	= 0,	/* done, or help was asked for */
	VTL_EXIT_ERROR	= 1,	/* the system or the kernel refused */
	VTL_EXIT_USAGE	= 2,	/* the command line is wrong */
};

/* The global options; the only state shared between files. */
struct vtl_opts {
	bool json;		/* -j: print a JSON document */
	bool pretty;		/* -p: indent it */
	unsigned int stats;	/* -s: show counters */
	const char *netns;	/* -n: act in this network namespace */
};

/*
 * An object ("port", later "fw", "conn", ...) or one of its commands.
 * @fn gets argv[0] = its own name.  Entries with the same @fn are aliases
 * of each other; an alias has a NULL @help and is left out of help texts.
 * A command's @fn is NULL for "help", which vtl_dispatch() answers.
 */
struct vtl_command {
	const char *name;
	int (*fn)(const struct vtl_opts *opts, int argc, char *argv[]);
	const char *help;
};

/* objects, one file each */
int port_main(const struct vtl_opts *opts, int argc, char *argv[]);
int conn_main(const struct vtl_opts *opts, int argc, char *argv[]);
int fw_main(const struct vtl_opts *opts, int argc, char *argv[]);
int rewrite_main(const struct vtl_opts *opts, int argc, char *argv[]);
int tunnel_main(const struct vtl_opts *opts, int argc, char *argv[]);
int daemon_main(const struct vtl_opts *opts, int argc, char *argv[]);

#endif /* VTLCTL_H */
