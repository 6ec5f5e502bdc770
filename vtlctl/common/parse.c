// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line words: prefix matching in the way of iproute2, except that a
 * prefix of two different words is refused instead of picking the first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "parse.h"

static bool is_prefix(const char *arg, const char *word)
{
	return *arg && !strncmp(arg, word, strlen(arg));
}

/*
 * Return the index of the word @arg names: the word itself, or the only
 * word (up to aliases) it is a prefix of.
 */
int vtl_match(const char *arg, const struct vtl_word *words, size_t n)
{
	int found = VTL_MATCH_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(arg, words[i].name))
			return i;
	}
	for (i = 0; i < n; i++) {
		if (!is_prefix(arg, words[i].name))
			continue;
		if (found >= 0 && words[found].id != words[i].id)
			return VTL_MATCH_AMBIGUOUS;
		if (found < 0)
			found = i;
	}
	return found;
}

/* The name of the word @id in @words, or NULL. */
const char *vtl_word_name(const struct vtl_word *words, size_t n, int id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (words[i].id == id)
			return words[i].name;
	}
	return NULL;
}

/* @arg as one of @words into @val, or an "invalid KEY" error. */
int vtl_parse_word(const char *key, const char *arg,
		   const struct vtl_word *words, size_t n, uint8_t *val)
{
	int i = vtl_match(arg, words, n);

	if (i < 0) {
		vtl_err("invalid %s \"%s\"", key, arg);
		return -EINVAL;
	}
	*val = words[i].id;
	return 0;
}

/* The same for a dispatch table, where aliases share their function. */
int vtl_match_command(const char *arg, const struct vtl_command *cmds,
		      size_t n)
{
	int found = VTL_MATCH_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(arg, cmds[i].name))
			return i;
	}
	for (i = 0; i < n; i++) {
		if (!is_prefix(arg, cmds[i].name))
			continue;
		if (found >= 0 && cmds[found].fn != cmds[i].fn)
			return VTL_MATCH_AMBIGUOUS;
		if (found < 0)
			found = i;
	}
	return found;
}

/*
 * vtl OBJECT COMMAND ...: argv[0] is the object; run the command it names,
 * or "show" when it names none.  A command without a function is "help":
 * the object's @usage.
 */
int vtl_dispatch(const struct vtl_opts *opts, int argc, char *argv[],
		 const struct vtl_command *cmds, size_t n,
		 void (*usage)(FILE *f))
{
	static char *show[] = { "show", NULL };
	char hint[64];
	int i;

	if (argc < 2) {
		i = vtl_match_command("show", cmds, n);
		return i < 0 ? VTL_EXIT_USAGE : cmds[i].fn(opts, 1, show);
	}
	i = vtl_match_command(argv[1], cmds, n);
	if (i < 0) {
		snprintf(hint, sizeof(hint), "\"vtlctl %s help\"", argv[0]);
		vtl_err_match(i, "command", argv[1], hint);
		return VTL_EXIT_USAGE;
	}
	if (!cmds[i].fn) {
		usage(stdout);
		return VTL_EXIT_OK;
	}
	return cmds[i].fn(opts, argc - 1, argv + 1);
}

/* Report a failed vtl_match*(): 'Error: unknown keyword "foo"'. */
void vtl_err_match(int rc, const char *what, const char *arg,
		   const char *hint)
{
	vtl_err("%s %s \"%s\"%s%s",
		rc == VTL_MATCH_AMBIGUOUS ? "ambiguous" : "unknown", what, arg,
		hint ? ", try " : "", hint ? hint : "");
}

/*
 * Parse "keyword value" pairs (and bare words, if @keys takes them) for
 * @ctx.  @takes: the keywords this command accepts (others are unknown to
 * it; "help" always is); @needs: those it requires.
 */
int vtl_parse_keys(const struct vtl_keys *keys, int argc, char *argv[],
		   unsigned int takes, unsigned int needs, void *ctx)
{
	struct vtl_word taken[keys->n];
	unsigned int seen = 0;
	size_t i, n = 0;
	int k, err;

	takes |= keys->help;
	for (i = 0; i < keys->n; i++) {
		if (takes & keys->words[i].id)
			taken[n++] = keys->words[i];
	}

	while (argc > 0) {
		k = vtl_match(argv[0], taken, n);
		if (k == VTL_MATCH_NONE && keys->bare) {
			if (keys->bare(ctx, argv[0]))
				return VTL_PARSE_ERROR;
			argc--, argv++;
			continue;
		}
		if (k < 0) {
			vtl_err_match(k, "keyword", argv[0], NULL);
			return VTL_PARSE_ERROR;
		}
		if ((unsigned int)taken[k].id == keys->help)
			return VTL_PARSE_HELP;
		if (seen & taken[k].id) {
			vtl_err("duplicate \"%s\"", taken[k].name);
			return VTL_PARSE_ERROR;
		}
		seen |= taken[k].id;
		if (argc < 2) {
			vtl_err("\"%s\" needs a value", taken[k].name);
			return VTL_PARSE_ERROR;
		}
		err = keys->value(ctx, taken[k].id, argv[1]);
		if (err)
			return VTL_PARSE_ERROR;
		argc -= 2, argv += 2;
	}

	for (i = 0; i < keys->n; i++) {
		if ((needs & keys->words[i].id) && !(seen & keys->words[i].id)) {
			vtl_err("\"%s\" is required", keys->words[i].name);
			return VTL_PARSE_ERROR;
		}
	}
	return VTL_PARSE_OK;
}

/*
 * What a command does after parsing its line (@ret, a VTL_PARSE_* value):
 * go on (-1), or exit with the status returned, after printing @usage if
 * help was asked for.
 */
int vtl_parse_status(int ret, void (*usage)(FILE *f))
{
	if (ret == VTL_PARSE_OK)
		return -1;
	if (ret == VTL_PARSE_HELP) {
		usage(stdout);
		return VTL_EXIT_OK;
	}
	return VTL_EXIT_USAGE;
}

/* The "Commands:" part of an object's usage: those with a help text. */
void vtl_usage_commands(FILE *f, const struct vtl_command *cmds, size_t n)
{
	int w = 6;
	size_t i;

	/* one column for the descriptions, wide enough for the longest name */
	for (i = 0; i < n; i++) {
		if (cmds[i].help && (int)strlen(cmds[i].name) > w)
			w = strlen(cmds[i].name);
	}
	fprintf(f, "Commands:\n");
	for (i = 0; i < n; i++) {
		if (cmds[i].help)
			fprintf(f, "  %-*s %s\n", w, cmds[i].name, cmds[i].help);
	}
}

/* The kernel's dev_valid_name(), so a bad name is refused by name. */
bool vtl_ifname_valid(const char *name)
{
	if (!*name || strlen(name) >= IF_NAMESIZE)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++) {
		if (*name == '/' || *name == ':' || *name == ' ' ||
		    (*name >= '\t' && *name <= '\r'))
			return false;
	}
	return true;
}

/* Where the words being parsed come from: a file's line, or (NULL) argv. */
static const char *err_file;
static unsigned int err_line;

/*
 * Say "Error: FILE:LINE: ...." from now on (@file NULL: the command line
 * again, "Error: ...").
 */
void vtl_err_where(const char *file, unsigned int line)
{
	err_file = file;
	err_line = line;
}

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;
	size_t len;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	len = msg ? strlen(msg) : 0;
	if (err_file)
		fprintf(stderr, "%s%s:%u: %s%s\n", prefix, err_file, err_line,
			msg ? msg : "", len && msg[len - 1] == '.' ? "" : ".");
	else
		fprintf(stderr, "%s%s\n", prefix, msg ? msg : "");
	free(msg);
}

/* Every error goes through here or vtl_nl_perror(): "Error: ..." on stderr. */
void vtl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("Error: ", fmt, ap);
	va_end(ap);
}

void vtl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("Warning: ", fmt, ap);
	va_end(ap);
}
