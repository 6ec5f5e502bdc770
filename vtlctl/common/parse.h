/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line words: unambiguous-prefix matching of keywords, commands and
 * objects, the checks every argument needs, and error reporting.  Nothing
 * here touches the kernel, so all of it can be tested on its own.
 */
#ifndef VTLCTL_PARSE_H
#define VTLCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../vtlctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A keyword, option or value; words with the same @id are aliases. */
struct vtl_word {
	const char *name;
	int id;
};

/* vtl_match() and vtl_match_command() return an index or one of these. */
enum {
	VTL_MATCH_NONE		= -1,	/* nothing starts with it */
	VTL_MATCH_AMBIGUOUS	= -2,	/* it starts several different words */
};

int vtl_match(const char *arg, const struct vtl_word *words, size_t n);
const char *vtl_word_name(const struct vtl_word *words, size_t n, int id);
int vtl_parse_word(const char *key, const char *arg,
		   const struct vtl_word *words, size_t n, uint8_t *val);
int vtl_match_command(const char *arg, const struct vtl_command *cmds,
		      size_t n);
void vtl_err_match(int rc, const char *what, const char *arg,
		   const char *hint);
int vtl_dispatch(const struct vtl_opts *opts, int argc, char *argv[],
		 const struct vtl_command *cmds, size_t n,
		 void (*usage)(FILE *f));

/*
 * The keyword grammar of a command: "keyword value" pairs in any order,
 * each keyword at most once, and "help".  Keyword ids are bits of a set.
 */
struct vtl_keys {
	const struct vtl_word *words;
	size_t n;
	unsigned int help;	/* the id of "help" */
	/* store the value of keyword @key; 0, or -EINVAL once reported */
	int (*value)(void *ctx, int key, const char *arg);
	/* a word no keyword starts (NULL: an error); 0, or -EINVAL */
	int (*bare)(void *ctx, const char *arg);
};

/* vtl_parse_keys() returns one of these. */
enum {
	VTL_PARSE_OK,
	VTL_PARSE_HELP,		/* "help" was given */
	VTL_PARSE_ERROR,	/* reported on stderr */
};

int vtl_parse_keys(const struct vtl_keys *keys, int argc, char *argv[],
		   unsigned int takes, unsigned int needs, void *ctx);
int vtl_parse_status(int ret, void (*usage)(FILE *f));
void vtl_usage_commands(FILE *f, const struct vtl_command *cmds, size_t n);

bool vtl_ifname_valid(const char *name);

void vtl_err_where(const char *file, unsigned int line);
void vtl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vtl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VTLCTL_PARSE_H */
