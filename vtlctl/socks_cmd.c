// SPDX-License-Identifier: GPL-2.0
/*
 * The socks object: proxy a port's VM through a SOCKS proxy.  The kernel
 * hands the VM's TCP segments and DNS queries up the port's ring to the
 * daemon (vtlctl daemon), which opens each connection through the proxy;
 * nothing else of the VM reaches the network.
 *
 *   vtlctl socks add dev VMIF proxy HOST:PORT [ version 5 | 4a ]
 *                    [ user USER password PASSWORD ]
 *                    [ dns { automap [ PREFIX/LEN ] | resolve | drop } ]
 *                    [ ipv6 { proxy | drop } ]
 *   vtlctl socks del dev VMIF
 *   vtlctl socks show [ dev VMIF ]
 *
 * HOST is a numeric address, an IPv6 one in brackets ([2001:db8::1]:1080).
 * As everywhere, the whole line is checked before the namespace is
 * entered, names are looked up or anything is sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "addr.h"
#include "cmd.h"
#include "common/genl.h"
#include "common/socks_nl.h"
#include "port_cmd.h"
#include "print.h"
#include "socks_cmd.h"

static const struct vtl_word socks_keys[] = {
	{ "dev",	SOCKS_KEY_DEV },
	{ "proxy",	SOCKS_KEY_PROXY },
	{ "version",	SOCKS_KEY_VERSION },
	{ "user",	SOCKS_KEY_USER },
	{ "password",	SOCKS_KEY_PASSWORD },
	{ "dns",	SOCKS_KEY_DNS },
	{ "ipv6",	SOCKS_KEY_IPV6 },
	{ "help",	SOCKS_KEY_HELP },
};

static const struct vtl_word socks_versions[] = {
	{ "5",		VTL_SOCKS_V5 },
	{ "4a",		VTL_SOCKS_V4A },
};

static const struct vtl_word socks_dns[] = {
	{ "automap",	VTL_SOCKS_DNS_AUTOMAP },
	{ "resolve",	VTL_SOCKS_DNS_RESOLVE },
	{ "drop",	VTL_SOCKS_DNS_DROP },
};

static const struct vtl_word socks_ipv6[] = {
	{ "proxy",	VTL_SOCKS_IPV6_PROXY },
	{ "drop",	VTL_SOCKS_IPV6_DROP },
};

/* The name of @id in @words, or "?". */
static const char *socks_word_name(const struct vtl_word *words, size_t n,
				   int id)
{
	const char *name = vtl_word_name(words, n, id);

	return name ? name : "?";
}

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric, into @s. */
int socks_parse_proxy(const char *arg, struct vtlctl_socks *s)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *start = arg;
	unsigned long port;
	size_t len;
	char *end;

	if (*arg == '[') {
		colon = strstr(arg, "]:");
		start = arg + 1;
		len = colon ? (size_t)(colon - start) : 0;
		colon = colon ? colon + 1 : NULL;
	} else {
		colon = strrchr(arg, ':');
		len = colon ? (size_t)(colon - arg) : 0;
	}
	if (!colon || !len || len >= sizeof(host))
		goto bad;
	memcpy(host, start, len);
	host[len] = '\0';
	if (*arg == '[' ? inet_pton(AF_INET6, host, s->proxy_addr) == 1 :
	    inet_pton(AF_INET, host, s->proxy_addr) == 1) {
		s->family = *arg == '[' ? AF_INET6 : AF_INET;
	} else {
		goto bad;
	}
	if (colon[1] < '0' || colon[1] > '9')
		goto bad;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !port || port > 65535)
		goto bad;
	s->proxy_port = port;
	return 0;

bad:
	vtl_err("invalid proxy \"%s\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT",
		arg);
	return -EINVAL;
}

/* A user name or password: 1 to 255 bytes. */
static int parse_name(const char *key, const char *arg, char *dst)
{
	size_t len = strlen(arg);

	if (!len || len > 255) {
		vtl_err("invalid %s: 1 to 255 bytes", key);
		return -EINVAL;
	}
	memcpy(dst, arg, len + 1);
	return 0;
}

static int socks_value(void *ctx, int key, const char *arg)
{
	struct socks_args *a = ctx;
	struct vtlctl_socks *s = &a->conf;

	a->dns_automap = false;
	switch (key) {
	case SOCKS_KEY_DEV:
		return port_parse_dev(arg, &a->dev);
	case SOCKS_KEY_PROXY:
		return socks_parse_proxy(arg, s);
	case SOCKS_KEY_VERSION:
		/* exactly: "4" is not SOCKS4a's prefix but SOCKS4 */
		if (strcmp(arg, "5") && strcmp(arg, "4a")) {
			vtl_err("invalid version \"%s\": 5 or 4a", arg);
			return -EINVAL;
		}
		s->version = arg[0] == '5' ? VTL_SOCKS_V5 : VTL_SOCKS_V4A;
		return 0;
	case SOCKS_KEY_USER:
		return parse_name("user", arg, s->user);
	case SOCKS_KEY_PASSWORD:
		return parse_name("password", arg, s->password);
	case SOCKS_KEY_DNS:
		if (vtl_parse_word("dns", arg, socks_dns, ARRAY_SIZE(socks_dns),
				   &s->dns))
			return -EINVAL;
		a->dns_automap = s->dns == VTL_SOCKS_DNS_AUTOMAP;
		return 0;
	case SOCKS_KEY_IPV6:
		return vtl_parse_word("ipv6", arg, socks_ipv6,
				      ARRAY_SIZE(socks_ipv6), &s->ipv6);
	}
	return -EINVAL;
}

/* The word after "dns automap": its prefix. */
static int socks_bare(void *ctx, const char *arg)
{
	struct socks_args *a = ctx;
	struct vtlctl_socks *s = &a->conf;
	uint8_t family, addr[16], len;

	if (!a->dns_automap) {
		vtl_err_match(VTL_MATCH_NONE, "keyword", arg, NULL);
		return -EINVAL;
	}
	a->dns_automap = false;
	if (vtl_parse_prefix("dns automap", arg, &family, addr, &len))
		return -EINVAL;
	if (family != 4 || !strchr(arg, '/') || len < 1 || len > 30) {
		vtl_err("invalid dns automap prefix \"%s\": an IPv4 PREFIX/LEN, LEN from 1 to 30",
			arg);
		return -EINVAL;
	}
	memcpy(&s->dns_prefix, addr, 4);
	s->dns_prefix_len = len;
	a->has_prefix = true;
	return 0;
}

static const struct vtl_keys socks_grammar = {
	.words = socks_keys,
	.n = ARRAY_SIZE(socks_keys),
	.help = SOCKS_KEY_HELP,
	.value = socks_value,
	.bare = socks_bare,
};

/* What no single keyword can see. */
static int check_conf(const struct vtlctl_socks *s)
{
	if (!s->user[0] != !s->password[0]) {
		vtl_err("%s", s->user[0] ? "a user needs a password" :
					   "a password needs a user");
		return -EINVAL;
	}
	if (s->user[0] && s->version == VTL_SOCKS_V4A) {
		vtl_err("SOCKS4a takes no credentials: they need version 5");
		return -EINVAL;
	}
	if (s->dns == VTL_SOCKS_DNS_RESOLVE && s->version == VTL_SOCKS_V4A) {
		vtl_err("dns resolve needs SOCKS5 (Tor's RESOLVE)");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse @argv into @args.  @takes: the keywords this command accepts;
 * @needs: those it requires.  A VTL_PARSE_* value.
 */
int socks_parse(int argc, char *argv[], unsigned int takes,
		unsigned int needs, struct socks_args *args)
{
	int ret;

	memset(args, 0, sizeof(*args));
	ret = vtl_parse_keys(&socks_grammar, argc, argv, takes, needs, args);
	if (ret != VTL_PARSE_OK)
		return ret;
	if (check_conf(&args->conf))
		return VTL_PARSE_ERROR;
	return VTL_PARSE_OK;
}

/* --- output ------------------------------------------------------------- */

static const struct {
	size_t off;		/* in struct vtlctl_socks_stats */
	const char *key;	/* JSON */
	const char *fmt;	/* text */
} socks_counters[] = {
#define COUNTER(f, t) { offsetof(struct vtlctl_socks_stats, f), #f, t }
	COUNTER(up, " up %" PRIu64),
	COUNTER(arp_replies, " arp_replies %" PRIu64),
	COUNTER(resets, " resets %" PRIu64),
	COUNTER(fail_closed, " fail_closed %" PRIu64),
	COUNTER(filtered, " filtered %" PRIu64),
	COUNTER(to_vm_dropped, " to_vm_dropped %" PRIu64),
#undef COUNTER
};

/*
 * "vm0: proxy 192.0.2.1:1080 version 5 user alice dns automap
 * 10.192.0.0/10 ipv6 drop", as "socks add" takes it (the password shown
 * as "password *" if the kernel returned it); with -s its counters.
 */
static void print_socks(struct printer *p, const struct vtlctl_socks *s,
			bool stats)
{
	char dev[IF_NAMESIZE], addr[VTL_ADDR_STRLEN], proxy[VTL_ADDR_STRLEN + 8];
	char prefix[VTL_ADDR_STRLEN];
	uint8_t family = s->family == AF_INET6 ? 6 : 4;
	size_t i;

	vtl_format_ip(addr, family, s->proxy_addr);
	snprintf(proxy, sizeof(proxy), family == 6 ? "[%s]:%u" : "%s:%u",
		 addr, s->proxy_port);
	print_open_object(p, NULL);
	print_u64(p, PRINT_JSON, "ifindex", NULL, s->ifindex);
	print_string(p, PRINT_ANY, "dev", "%s:",
		     vtl_dev_name(s->ifname, s->ifindex, dev));
	print_string(p, PRINT_ANY, "proxy", " proxy %s", proxy);
	print_string(p, PRINT_ANY, "version", " version %s",
		     socks_word_name(socks_versions, ARRAY_SIZE(socks_versions),
				     s->version));
	if (s->user[0])
		print_string(p, PRINT_ANY, "user", " user %s", s->user);
	if (s->password[0]) {
		print_string(p, PRINT_JSON, "password", NULL, s->password);
		print_text(p, " password *");
	}
	print_string(p, PRINT_ANY, "dns", " dns %s",
		     socks_word_name(socks_dns, ARRAY_SIZE(socks_dns), s->dns));
	if (s->dns == VTL_SOCKS_DNS_AUTOMAP && s->dns_prefix_len)
		print_string(p, PRINT_ANY, "dns_prefix", " %s",
			     vtl_format_prefix(prefix, 4,
					       (const uint8_t *)&s->dns_prefix,
					       s->dns_prefix_len, true));
	print_string(p, PRINT_ANY, "ipv6", " ipv6 %s",
		     socks_word_name(socks_ipv6, ARRAY_SIZE(socks_ipv6),
				     s->ipv6));
	print_string(p, PRINT_ANY, "mac", " mac %s",
		     vtl_format_mac(addr, s->mac));
	if (stats && s->stats.present) {
		print_open_object(p, "stats");
		print_text(p, "\n    stats:");
		for (i = 0; i < ARRAY_SIZE(socks_counters); i++)
			print_u64(p, PRINT_ANY, socks_counters[i].key,
				  socks_counters[i].fmt,
				  *(const uint64_t *)((const char *)&s->stats +
						      socks_counters[i].off));
		print_close_object(p);
	}
	print_text(p, "\n");
	print_close_object(p);
}

static void print_list(struct printer *p, const struct vtl_opts *opts,
		       const void *data)
{
	const struct vtlctl_socks_list *list = data;
	size_t i;

	print_open_array(p, NULL);
	for (i = 0; i < list->len; i++)
		print_socks(p, &list->socks[i], opts->stats);
	print_close_array(p);
}

/* --- commands ----------------------------------------------------------- */

static void socks_usage(FILE *f);

/* socks_parse() for a command; an exit status, or -1 to go on. */
static int parse_cmd(int argc, char *argv[], unsigned int takes,
		     unsigned int needs, struct socks_args *args)
{
	return vtl_parse_status(socks_parse(argc - 1, argv + 1, takes, needs,
					    args), socks_usage);
}

static int socks_add(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct socks_args args;
	struct vtl_nl *nl;
	int ret;

	ret = parse_cmd(argc, argv, SOCKS_KEY_DEV | SOCKS_KEYS_CONF,
			SOCKS_KEY_DEV | SOCKS_KEY_PROXY, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &args.conf.ifindex, &nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, args.dev, vtl_nl_socks_new(nl, &args.conf));
}

static int socks_del(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct socks_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, SOCKS_KEY_DEV, SOCKS_KEY_DEV, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, args.dev, vtl_nl_socks_del(nl, ifindex));
}

static int socks_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_socks_list list = { 0 };
	struct socks_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, SOCKS_KEY_DEV, 0, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	if (ifindex) {
		ret = vtl_grow((void **)&list.socks, &list.cap, 0,
			       sizeof(*list.socks));
		if (!ret)
			ret = vtl_nl_socks_get(nl, ifindex, &list.socks[0]);
		if (!ret)
			list.len = 1;
	} else {
		ret = vtl_nl_socks_dump(nl, &list);
	}
	ret = vtl_cmd_finish(nl, args.dev, ret);
	/* print only a complete answer, and nothing after an error */
	if (!ret)
		ret = vtl_cmd_print(opts, print_list, &list);
	vtl_socks_list_free(&list);
	return ret;
}

static const struct vtl_command socks_commands[] = {
	{ "add",	socks_add,	"proxy a port's VM through a SOCKS proxy" },
	{ "del",	socks_del,	"stop proxying it" },
	{ "delete",	socks_del,	NULL },
	{ "show",	socks_show,	"show the SOCKS service of a port, or of all" },
	{ "list",	socks_show,	NULL },
	{ "help",	NULL,		"show this help" },
};

static const size_t socks_ncommands = ARRAY_SIZE(socks_commands);

static void socks_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] socks add dev VMIF proxy HOST:PORT [ version { 5 | 4a } ]\n"
		"                        [ user USER password PASSWORD ]\n"
		"                        [ dns { automap [ PREFIX/LEN ] | resolve | drop } ]\n"
		"                        [ ipv6 { proxy | drop } ]\n"
		"       vtlctl [ OPTIONS ] socks del dev VMIF\n"
		"       vtlctl [ OPTIONS ] socks show [ dev VMIF ]\n"
		"       vtlctl socks help\n"
		"HOST := { IPV4ADDR | [IPV6ADDR] }   PREFIX/LEN: IPv4, LEN 1 to 30 (default 10.192.0.0/10)\n"
		"defaults: version 5, dns automap, ipv6 drop\n");
	vtl_usage_commands(f, socks_commands, socks_ncommands);
}

/* vtlctl socks COMMAND ... */
int socks_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, socks_commands, socks_ncommands,
			    socks_usage);
}
