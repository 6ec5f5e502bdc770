// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel object: automatic subnet tunneling of the namespace.  While
 * on, VTL learns each VM's addresses and, when a VM sends to another local
 * VM through a gateway, installs the rewrite rule that sends such frames
 * straight to it (shown by "rewrite show" as "auto").
 *
 *   vtlctl tunnel auto { on | off }
 *   vtlctl tunnel show
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "addr.h"
#include "cmd.h"
#include "common/genl.h"
#include "rewrite_cmd.h"
#include "vtlctl.h"

enum { TUNNEL_KEY_HELP = 1 << 0 };

static const struct vtl_word tunnel_keys[] = {
	{ "help",	TUNNEL_KEY_HELP },
};

static const struct vtl_word tunnel_onoff[] = {
	{ "on",		1 },
	{ "off",	0 },
};

static int tunnel_bare(void *ctx, const char *arg)
{
	struct tunnel_args *a = ctx;
	int i;

	if (!a) {
		vtl_err_match(VTL_MATCH_NONE, "keyword", arg, NULL);
		return -EINVAL;
	}
	if (a->has_auto) {
		vtl_err("duplicate auto \"%s\"", arg);
		return -EINVAL;
	}
	i = vtl_match(arg, tunnel_onoff, ARRAY_SIZE(tunnel_onoff));
	if (i < 0) {
		vtl_err("invalid auto \"%s\"", arg);
		return -EINVAL;
	}
	a->has_auto = true;
	a->on = tunnel_onoff[i].id;
	return 0;
}

static const struct vtl_keys tunnel_grammar = {
	.words = tunnel_keys,
	.n = ARRAY_SIZE(tunnel_keys),
	.help = TUNNEL_KEY_HELP,
	.bare = tunnel_bare,
};

/*
 * "on" or "off", and nothing else, into @args; or (@args NULL) nothing
 * at all but "help".  A VTL_PARSE_* value.
 */
int tunnel_parse_auto(int argc, char *argv[], struct tunnel_args *args)
{
	int ret;

	if (args)
		memset(args, 0, sizeof(*args));
	ret = vtl_parse_keys(&tunnel_grammar, argc, argv, 0, 0, args);
	if (ret == VTL_PARSE_OK && args && !args->has_auto) {
		vtl_err("\"on\" or \"off\" is required");
		return VTL_PARSE_ERROR;
	}
	return ret;
}

static void tunnel_usage(FILE *f);

/* tunnel_parse_auto() for a command; an exit status, or -1 to go on. */
static int parse_cmd(int argc, char *argv[], struct tunnel_args *args)
{
	return vtl_parse_status(tunnel_parse_auto(argc - 1, argv + 1, args),
				tunnel_usage);
}

static int tunnel_auto(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct tunnel_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, NULL, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, NULL, vtl_nl_tunnel_set(nl, args.on));
}

/* "dev vmA addr 10.1.0.2 mac 02:00:00:00:00:01 age 12s" */
static void print_host(struct printer *p, const struct vtlctl_tunnel_host *h)
{
	char dev[IF_NAMESIZE], buf[VTL_ADDR_STRLEN];

	print_open_object(p, NULL);
	print_string(p, PRINT_ANY, "dev", "dev %s",
		     vtl_dev_name(NULL, h->ifindex, dev));
	print_u64(p, PRINT_JSON, "ifindex", NULL, h->ifindex);
	print_string(p, PRINT_ANY, "addr", " addr %s",
		     vtl_format_ip(buf, h->family, h->addr));
	print_string(p, PRINT_ANY, "mac", " mac %s",
		     vtl_format_mac(buf, h->mac));
	print_u64(p, PRINT_JSON, "age_ms", NULL, h->age_ms);
	print_u64(p, PRINT_TEXT, NULL, " age %" PRIu64 "s\n",
		  h->age_ms / 1000);
	print_close_object(p);
}

struct tunnel_shown {
	bool on;
	const struct vtlctl_tunnel_host_list *list;
};

/* "auto on", then a line per learned address; {"auto":..,"hosts":[..]} */
static void print_tunnel(struct printer *p, const struct vtl_opts *opts,
			 const void *data)
{
	const struct tunnel_shown *shown = data;
	size_t i;

	(void)opts;
	print_open_object(p, NULL);
	print_bool(p, PRINT_JSON, "auto", NULL, shown->on);
	print_text(p, "auto %s\n", shown->on ? "on" : "off");
	print_open_array(p, "hosts");
	for (i = 0; i < shown->list->len; i++)
		print_host(p, &shown->list->hosts[i]);
	print_close_array(p);
	print_close_object(p);
}

static int tunnel_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_tunnel_host_list list = { 0 };
	struct tunnel_shown shown = { .list = &list };
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, NULL);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, NULL, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	ret = vtl_nl_tunnel_get(nl, &shown.on);
	if (!ret)
		ret = vtl_nl_tunnel_dump(nl, &list);
	ret = vtl_cmd_finish(nl, NULL, ret);
	if (!ret)
		ret = vtl_cmd_print(opts, print_tunnel, &shown);
	vtl_tunnel_host_list_free(&list);
	return ret;
}

static const struct vtl_command tunnel_commands[] = {
	{ "auto",	tunnel_auto,	"turn automatic tunneling on or off" },
	{ "show",	tunnel_show,	"show whether it is on, and the VM addresses learned" },
	{ "list",	tunnel_show,	NULL },
	{ "help",	NULL,		"show this help" },
};

static const size_t tunnel_ncommands = ARRAY_SIZE(tunnel_commands);

static void tunnel_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] tunnel auto { on | off }\n"
		"       vtlctl [ OPTIONS ] tunnel show\n"
		"       vtlctl tunnel help\n");
	vtl_usage_commands(f, tunnel_commands, tunnel_ncommands);
}

/* vtlctl tunnel COMMAND ... */
int tunnel_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, tunnel_commands,
			    tunnel_ncommands, tunnel_usage);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

/* Turn tunnel auto of the namespace on or off. */
int vtl_nl_tunnel_set(struct vtl_nl *nl, bool on)
{
	struct nl_msg *msg = vtl_nl_msg(nl, VTL_CMD_TUNNEL_SET, 0);

	if (msg && nla_put_u8(msg, VTL_TUNNEL_A_AUTO, on) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

/* Whether tunnel auto of the namespace is on. */
int vtl_nl_tunnel_get(struct vtl_nl *nl, bool *on)
{
	static const struct nla_policy policy[VTL_TUNNEL_A_MAX + 1] = {
		[VTL_TUNNEL_A_AUTO] = { .type = NLA_U8 },
	};
	struct vtl_nl_one one = { .max = VTL_TUNNEL_A_MAX,
				  .attr = VTL_TUNNEL_A_AUTO, .policy = policy };
	int err;

	err = vtl_nl_transact_one(nl, vtl_nl_msg(nl, VTL_CMD_TUNNEL_GET, 0),
				  &one, "the kernel did not say whether tunnel auto is on");
	*on = one.val;
	return err;
}

/* One reply of a VTL_CMD_TUNNEL_GET dump into @h. */
static int parse_tunnel_host(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_TUNNEL_A_MAX + 1] = {
		[VTL_TUNNEL_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_TUNNEL_A_ADDR]	= { .type = NLA_UNSPEC },
		[VTL_TUNNEL_A_MAC]	= { .type = NLA_UNSPEC },
		[VTL_TUNNEL_A_AGE_MS]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_TUNNEL_A_MAX + 1];
	struct vtlctl_tunnel_host *h = item;
	bool has_addr = false, has_mac = false;

	memset(h, 0, sizeof(*h));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_TUNNEL_A_MAX, policy) < 0 ||
	    !tb[VTL_TUNNEL_A_IFINDEX])
		return -EBADMSG;
	h->ifindex = nla_get_u32(tb[VTL_TUNNEL_A_IFINDEX]);
	h->family = vtl_nl_addr_family(tb[VTL_TUNNEL_A_ADDR]);
	if (!h->family ||
	    vtl_nl_get_ip(tb[VTL_TUNNEL_A_ADDR], h->family, &has_addr,
			  h->addr) ||
	    vtl_nl_get_mac(tb[VTL_TUNNEL_A_MAC], &has_mac, h->mac) || !has_mac)
		return -EBADMSG;
	if (tb[VTL_TUNNEL_A_AGE_MS])
		h->age_ms = nla_get_u64(tb[VTL_TUNNEL_A_AGE_MS]);
	return 0;
}

/* The VM addresses tunnel auto has learned, into @list. */
int vtl_nl_tunnel_dump(struct vtl_nl *nl, struct vtlctl_tunnel_host_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, hosts, parse_tunnel_host);

	return vtl_nl_dump(nl, VTL_CMD_TUNNEL_GET, 0, 0, &dl, "learned addresses");
}
