// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line words: prefix matching in the way of iproute2, except that a
 * prefix of two different words is refused instead of picking the first.
 */
#include <stdarg.h>
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
 * or "show" when it names none.
 */
int vtl_dispatch(const struct vtl_opts *opts, int argc, char *argv[],
		 const struct vtl_command *cmds, size_t n)
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
	return cmds[i].fn(opts, argc - 1, argv + 1);
}

/* Report a failed vtl_match*(): 'Error: unknown keyword "foo"'. */
void vtl_err_match(int rc, const char *what, const char *arg,
		   const char *hint)
{
	fprintf(stderr, "Error: %s %s \"%s\"%s%s\n",
		rc == VTL_MATCH_AMBIGUOUS ? "ambiguous" : "unknown", what, arg,
		hint ? ", try " : "", hint ? hint : "");
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

static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
