// SPDX-License-Identifier: GPL-2.0
/*
 * The rewrite object: per port, rules that rewrite the frames its VM sends
 * to a destination prefix (the longest matching prefix wins), and may send
 * them straight into another port's VM: the paper's subnet tunneling.
 *
 *   vtlctl rewrite add dev VMIF match dst PREFIX set dmac MAC [ smac MAC ]
 *                      [ saddr ADDR ] [ daddr ADDR ] [ out VMIF2 ]
 *   vtlctl rewrite del dev VMIF match dst PREFIX
 *   vtlctl rewrite show [ dev VMIF ]
 *   vtlctl rewrite flush [ dev VMIF ]
 *
 * A rule reads as it is shown: "match" starts what a frame is matched on,
 * "set" what is written into it.  As everywhere, the whole line is checked
 * before the namespace is entered, names are looked up or anything is sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "addr.h"
#include "cmd.h"
#include "common/genl.h"
#include "port_cmd.h"
#include "rewrite_cmd.h"
#include "vtlctl.h"

static const struct vtl_word rw_keys[] = {
	{ "dev",	RW_KEY_DEV },
	{ "dst",	RW_KEY_DST },
	{ "dmac",	RW_KEY_DMAC },
	{ "smac",	RW_KEY_SMAC },
	{ "saddr",	RW_KEY_SADDR },
	{ "daddr",	RW_KEY_DADDR },
	{ "out",	RW_KEY_OUT },
	{ "help",	RW_KEY_HELP },
};

/* The bare words that start a part of a rule. */
static const struct vtl_word rw_sections[] = {
	{ "match",	RW_KEY_MATCH },
	{ "set",	RW_KEY_SET },
};

/* A keyword of a part of the rule given outside it: reported. */
static int in_section(const struct rw_args *a, int key, const char *name)
{
	int want = key == RW_KEY_DST ? RW_KEY_MATCH : RW_KEY_SET;

	if (a->section == (unsigned int)want)
		return 0;
	vtl_err("\"%s\" comes after \"%s\"", name,
		want == RW_KEY_MATCH ? "match" : "set");
	return -EINVAL;
}

static int rw_mac(struct rw_args *a, int key, const char *name,
		  const char *arg, uint8_t *mac, bool *has)
{
	if (in_section(a, key, name) || vtl_parse_mac(name, arg, mac))
		return -EINVAL;
	*has = true;
	return 0;
}

static int rw_ip(struct rw_args *a, int key, const char *name,
		 const char *arg, uint8_t *family, uint8_t *addr, bool *has)
{
	if (in_section(a, key, name) || vtl_parse_ip(name, arg, family, addr))
		return -EINVAL;
	*has = true;
	return 0;
}

static int rw_value(void *ctx, int key, const char *arg)
{
	struct rw_args *a = ctx;
	struct vtlctl_rw_rule *r = &a->rule;

	switch (key) {
	case RW_KEY_DEV:
		return port_parse_dev(arg, &a->dev);
	case RW_KEY_OUT:
		return port_parse_dev(arg, &a->out);
	case RW_KEY_DST:
		if (in_section(a, key, "dst") ||
		    vtl_parse_prefix("dst", arg, &r->family, r->dst,
				     &r->dst_len))
			return -EINVAL;
		a->has_dst = true;
		return 0;
	case RW_KEY_DMAC:
		return rw_mac(a, key, "dmac", arg, r->dmac, &a->has_dmac);
	case RW_KEY_SMAC:
		return rw_mac(a, key, "smac", arg, r->smac, &r->has_smac);
	case RW_KEY_SADDR:
		return rw_ip(a, key, "saddr", arg, &a->saddr_family, r->saddr,
			     &r->has_saddr);
	case RW_KEY_DADDR:
		return rw_ip(a, key, "daddr", arg, &a->daddr_family, r->daddr,
			     &r->has_daddr);
	}
	return -EINVAL;
}

/* "match" or "set": what the keywords that follow belong to. */
static int rw_bare(void *ctx, const char *arg)
{
	struct rw_args *a = ctx;
	int i = vtl_match(arg, rw_sections, ARRAY_SIZE(rw_sections));
	unsigned int id;

	if (i < 0 || !(a->takes & rw_sections[i].id)) {
		vtl_err_match(VTL_MATCH_NONE, "keyword", arg, NULL);
		return -EINVAL;
	}
	id = rw_sections[i].id;
	if (a->words & id) {
		vtl_err("duplicate \"%s\"", rw_sections[i].name);
		return -EINVAL;
	}
	a->words |= id;
	a->section = id;
	return 0;
}

static const struct vtl_keys rw_grammar = {
	.words = rw_keys,
	.n = ARRAY_SIZE(rw_keys),
	.help = RW_KEY_HELP,
	.value = rw_value,
	.bare = rw_bare,
};

/* What no single keyword can see. */
static int check_rule(const struct rw_args *a, unsigned int needs)
{
	const struct vtlctl_rw_rule *r = &a->rule;

	if ((needs & RW_KEY_DST) && !a->has_dst) {
		vtl_err("\"match dst\" is required");
		return -EINVAL;
	}
	if ((needs & RW_KEY_DMAC) && !a->has_dmac) {
		vtl_err("\"set dmac\" is required");
		return -EINVAL;
	}
	if ((r->has_saddr && a->saddr_family != r->family) ||
	    (r->has_daddr && a->daddr_family != r->family)) {
		vtl_err("%s and dst must be of the same family",
			r->has_saddr && a->saddr_family != r->family ?
			"saddr" : "daddr");
		return -EINVAL;
	}
	if (a->dev && a->out && !strcmp(a->dev, a->out)) {
		vtl_err("out device is the port itself");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse @argv into @args.  @takes: the keywords this command accepts
 * (RW_KEY_MATCH, RW_KEY_SET: the bare words); @needs: those it requires.
 * A VTL_PARSE_* value.
 */
int rw_parse(int argc, char *argv[], unsigned int takes, unsigned int needs,
	     struct rw_args *args)
{
	int ret;

	memset(args, 0, sizeof(*args));
	args->takes = takes;
	/* dst and dmac are checked below, with their "match" and "set" */
	ret = vtl_parse_keys(&rw_grammar, argc, argv, takes,
			     needs & ~(RW_KEY_DST | RW_KEY_DMAC), args);
	if (ret != VTL_PARSE_OK)
		return ret;
	if (check_rule(args, needs))
		return VTL_PARSE_ERROR;
	return VTL_PARSE_OK;
}

/* --- output ------------------------------------------------------------- */

static const struct {
	int attr;		/* enum vtl_rewrite_port_attr */
	const char *key;	/* JSON */
	const char *fmt;	/* text */
} rw_counters[] = {
	{ VTL_REWRITE_PORT_A_RULES,	"rules",	" rules %" PRIu64 },
	{ VTL_REWRITE_PORT_A_REWRITTEN,	"rewritten",	" rewritten %" PRIu64 },
	{ VTL_REWRITE_PORT_A_FORWARDED,	"forwarded",	" forwarded %" PRIu64 },
	{ VTL_REWRITE_PORT_A_FAILED,	"failed",	" failed %" PRIu64 },
};

/*
 * "\n    rewrite: rules N rewritten N forwarded N failed N", of what was
 * returned; in JSON, the object "rewrite".
 */
void rw_print_port(struct printer *p, const struct vtlctl_rw_port *rw)
{
	size_t i;

	print_open_object(p, "rewrite");
	print_text(p, "\n    rewrite:");
	for (i = 0; i < ARRAY_SIZE(rw_counters); i++) {
		if (rw->present & (1u << rw_counters[i].attr))
			print_u64(p, PRINT_ANY, rw_counters[i].key,
				  rw_counters[i].fmt,
				  rw->val[rw_counters[i].attr]);
	}
	print_close_object(p);
}

static void print_mac(struct printer *p, const char *key, const char *fmt,
		      const uint8_t *mac)
{
	char buf[VTL_ADDR_STRLEN];

	print_string(p, PRINT_ANY, key, fmt, vtl_format_mac(buf, mac));
}

static void print_ip(struct printer *p, const char *key, const char *fmt,
		     uint8_t family, const uint8_t *addr)
{
	char buf[VTL_ADDR_STRLEN];

	print_string(p, PRINT_ANY, key, fmt, vtl_format_ip(buf, family, addr));
}

/*
 * "vmA: match dst 10.2.0.0/24 set dmac 02:00:00:00:00:02 out vmB auto",
 * a rule as "rewrite add" takes it, and with -s its counters.
 */
static void print_rule(struct printer *p, const struct vtlctl_rw_rule *r,
		       bool stats)
{
	char dev[IF_NAMESIZE], out[IF_NAMESIZE], dst[VTL_ADDR_STRLEN];

	print_open_object(p, NULL);
	print_u64(p, PRINT_JSON, "ifindex", NULL, r->ifindex);
	print_string(p, PRINT_ANY, "dev", "%s:",
		     vtl_dev_name(NULL, r->ifindex, dev));
	print_string(p, PRINT_ANY, "dst", " match dst %s",
		     vtl_format_prefix(dst, r->family, r->dst, r->dst_len,
				       true));
	print_mac(p, "dmac", " set dmac %s", r->dmac);
	if (r->has_smac)
		print_mac(p, "smac", " smac %s", r->smac);
	if (r->has_saddr)
		print_ip(p, "saddr", " saddr %s", r->family, r->saddr);
	if (r->has_daddr)
		print_ip(p, "daddr", " daddr %s", r->family, r->daddr);
	if (r->out_ifindex) {
		print_string(p, PRINT_ANY, "out", " out %s",
			     vtl_dev_name(NULL, r->out_ifindex, out));
		print_u64(p, PRINT_JSON, "out_ifindex", NULL, r->out_ifindex);
	}
	print_bool(p, PRINT_ANY, "auto", " auto", r->is_auto);
	if (stats && r->has_counters) {
		print_u64(p, PRINT_ANY, "packets", " packets %" PRIu64,
			  r->packets);
		print_u64(p, PRINT_ANY, "bytes", " bytes %" PRIu64, r->bytes);
	}
	print_text(p, "\n");
	print_close_object(p);
}

static void print_rules(struct printer *p, const struct vtl_opts *opts,
			const void *data)
{
	const struct vtlctl_rw_rule_list *list = data;
	size_t i;

	print_open_array(p, NULL);
	for (i = 0; i < list->len; i++)
		print_rule(p, &list->rules[i], opts->stats);
	print_close_array(p);
}

/* --- commands ----------------------------------------------------------- */

static void rw_usage(FILE *f);

/* rw_parse() for a command; an exit status, or -1 to go on. */
static int parse_cmd(int argc, char *argv[], unsigned int takes,
		     unsigned int needs, struct rw_args *args)
{
	return vtl_parse_status(rw_parse(argc - 1, argv + 1, takes, needs,
					 args), rw_usage);
}

/*
 * A command that sends one request and prints nothing: parse the line
 * (@takes, @needs), look up its devices, then @send() the rule it said
 * (of every port, for a line without dev).
 */
static int request(const struct vtl_opts *opts, int argc, char *argv[],
		   unsigned int takes, unsigned int needs,
		   int (*send)(struct vtl_nl *nl,
			       const struct vtlctl_rw_rule *r))
{
	struct rw_args args;
	struct vtl_nl *nl;
	int ret;

	ret = parse_cmd(argc, argv, takes, needs, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_enter(opts, args.dev, &args.rule.ifindex) ||
	    (args.out && vtl_cmd_lookup(args.out, &args.rule.out_ifindex)) ||
	    vtl_nl_open(&nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, args.dev, send(nl, &args.rule));
}

static int rw_add(const struct vtl_opts *opts, int argc, char *argv[])
{
	return request(opts, argc, argv, RW_KEY_DEV | RW_KEYS_RULE,
		       RW_KEY_DEV | RW_KEY_DST | RW_KEY_DMAC, vtl_nl_rw_new);
}

static int rw_del(const struct vtl_opts *opts, int argc, char *argv[])
{
	return request(opts, argc, argv, RW_KEY_DEV | RW_KEY_MATCH | RW_KEY_DST,
		       RW_KEY_DEV | RW_KEY_DST, vtl_nl_rw_del);
}

static int send_flush(struct vtl_nl *nl, const struct vtlctl_rw_rule *r)
{
	return vtl_nl_rw_flush(nl, r->ifindex);
}

static int rw_flush(const struct vtl_opts *opts, int argc, char *argv[])
{
	return request(opts, argc, argv, RW_KEY_DEV, 0, send_flush);
}

static int rw_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_rw_rule_list list = { 0 };
	struct rw_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, RW_KEY_DEV, 0, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	ret = vtl_cmd_finish(nl, args.dev, vtl_nl_rw_dump(nl, ifindex, &list));
	/* print only a complete answer, and nothing after an error */
	if (!ret)
		ret = vtl_cmd_print(opts, print_rules, &list);
	vtl_rw_rule_list_free(&list);
	return ret;
}

static const struct vtl_command rw_commands[] = {
	{ "add",	rw_add,		"add a rule to a port" },
	{ "del",	rw_del,		"delete the rule of a prefix" },
	{ "delete",	rw_del,		NULL },
	{ "show",	rw_show,	"show the rules of a port, or of all" },
	{ "list",	rw_show,	NULL },
	{ "flush",	rw_flush,	"delete the rules of a port, or of all" },
	{ "help",	NULL,		"show this help" },
};

static const size_t rw_ncommands = ARRAY_SIZE(rw_commands);

static void rw_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] rewrite add dev VMIF match dst PREFIX\n"
		"                          set dmac MAC [ smac MAC ] [ saddr ADDR ] [ daddr ADDR ]\n"
		"                          [ out VMIF2 ]\n"
		"       vtlctl [ OPTIONS ] rewrite del dev VMIF match dst PREFIX\n"
		"       vtlctl [ OPTIONS ] rewrite show [ dev VMIF ]\n"
		"       vtlctl [ OPTIONS ] rewrite flush [ dev VMIF ]\n"
		"       vtlctl rewrite help\n"
		"PREFIX := { IPV4ADDR | IPV6ADDR }[/LEN]   ADDR: an address of PREFIX's family\n"
		"MAC := a unicast MAC address, XX:XX:XX:XX:XX:XX\n"
		"out: send the frames straight into the VM of the port VMIF2\n");
	vtl_usage_commands(f, rw_commands, rw_ncommands);
}

/* vtlctl rewrite COMMAND ... */
int rewrite_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, rw_commands, rw_ncommands,
			    rw_usage);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

/* VTL_PORT_A_REWRITE: the number of rules, then 64-bit counters. */
int vtl_rw_port_parse(struct nlattr *nest, struct vtlctl_rw_port *rw)
{
	static const struct nla_policy policy[VTL_REWRITE_PORT_A_MAX + 1] = {
		[VTL_REWRITE_PORT_A_RULES]	= { .type = NLA_U32 },
		[VTL_REWRITE_PORT_A_REWRITTEN]	= { .type = NLA_U64 },
		[VTL_REWRITE_PORT_A_FORWARDED]	= { .type = NLA_U64 },
		[VTL_REWRITE_PORT_A_FAILED]	= { .type = NLA_U64 },
	};

	return vtl_nl_parse_scalars(nest, VTL_REWRITE_PORT_A_MAX, policy,
				    rw->val, &rw->present);
}

/* The port and prefix of @r; with @all, what the rule sets too. */
static int put_rw_rule(struct nl_msg *msg, const struct vtlctl_rw_rule *r,
		       bool all)
{
	int alen = r->family == 4 ? 4 : 16;

	if (nla_put_u32(msg, VTL_REWRITE_A_IFINDEX, r->ifindex) < 0 ||
	    vtl_nl_put_prefix(msg, VTL_REWRITE_A_DST, VTL_REWRITE_A_DST_LEN,
			      r->family, r->dst, r->dst_len))
		return -EMSGSIZE;
	if (!all)
		return 0;
	if (nla_put(msg, VTL_REWRITE_A_DMAC, 6, r->dmac) < 0 ||
	    (r->has_smac && nla_put(msg, VTL_REWRITE_A_SMAC, 6, r->smac) < 0) ||
	    (r->has_saddr &&
	     nla_put(msg, VTL_REWRITE_A_SADDR, alen, r->saddr) < 0) ||
	    (r->has_daddr &&
	     nla_put(msg, VTL_REWRITE_A_DADDR, alen, r->daddr) < 0) ||
	    (r->out_ifindex &&
	     nla_put_u32(msg, VTL_REWRITE_A_OUT_IFINDEX, r->out_ifindex) < 0))
		return -EMSGSIZE;
	return 0;
}

static int rw_request(struct vtl_nl *nl, uint8_t cmd,
		      const struct vtlctl_rw_rule *rule, bool all)
{
	struct nl_msg *msg = vtl_nl_msg(nl, cmd, 0);

	if (msg && put_rw_rule(msg, rule, all)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

/* Add @rule to its port (@rule->ifindex). */
int vtl_nl_rw_new(struct vtl_nl *nl, const struct vtlctl_rw_rule *rule)
{
	return rw_request(nl, VTL_CMD_REWRITE_NEW, rule, true);
}

/* Delete the rule of @rule's port with @rule's prefix. */
int vtl_nl_rw_del(struct vtl_nl *nl, const struct vtlctl_rw_rule *rule)
{
	return rw_request(nl, VTL_CMD_REWRITE_DEL, rule, false);
}

/* One VTL_CMD_REWRITE_GET reply into @r. */
static int parse_rw_rule(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_REWRITE_A_MAX + 1] = {
		[VTL_REWRITE_A_IFINDEX]	    = { .type = NLA_U32 },
		[VTL_REWRITE_A_DST]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_DST_LEN]	    = { .type = NLA_U8 },
		[VTL_REWRITE_A_DMAC]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_SMAC]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_SADDR]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_DADDR]	    = { .type = NLA_UNSPEC },
		[VTL_REWRITE_A_OUT_IFINDEX] = { .type = NLA_U32 },
		[VTL_REWRITE_A_AUTO]	    = { .type = NLA_U8 },
		[VTL_REWRITE_A_PACKETS]	    = { .type = NLA_U64 },
		[VTL_REWRITE_A_BYTES]	    = { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_REWRITE_A_MAX + 1];
	struct vtlctl_rw_rule *r = item;
	bool has_dst = false, has_dmac = false;

	memset(r, 0, sizeof(*r));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_REWRITE_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_REWRITE_A_IFINDEX])
		return -EBADMSG;
	r->ifindex = nla_get_u32(tb[VTL_REWRITE_A_IFINDEX]);
	r->family = vtl_nl_addr_family(tb[VTL_REWRITE_A_DST]);
	if (vtl_nl_get_prefix(tb[VTL_REWRITE_A_DST], tb[VTL_REWRITE_A_DST_LEN],
			      r->family, &has_dst, r->dst, &r->dst_len) ||
	    vtl_nl_get_mac(tb[VTL_REWRITE_A_DMAC], &has_dmac, r->dmac) ||
	    vtl_nl_get_mac(tb[VTL_REWRITE_A_SMAC], &r->has_smac, r->smac) ||
	    vtl_nl_get_ip(tb[VTL_REWRITE_A_SADDR], r->family, &r->has_saddr,
			  r->saddr) ||
	    vtl_nl_get_ip(tb[VTL_REWRITE_A_DADDR], r->family, &r->has_daddr,
			  r->daddr) ||
	    !has_dst || !has_dmac)
		return -EBADMSG;
	if (tb[VTL_REWRITE_A_OUT_IFINDEX])
		r->out_ifindex = nla_get_u32(tb[VTL_REWRITE_A_OUT_IFINDEX]);
	if (tb[VTL_REWRITE_A_AUTO])
		r->is_auto = nla_get_u8(tb[VTL_REWRITE_A_AUTO]);
	r->has_counters = tb[VTL_REWRITE_A_PACKETS] || tb[VTL_REWRITE_A_BYTES];
	if (tb[VTL_REWRITE_A_PACKETS])
		r->packets = nla_get_u64(tb[VTL_REWRITE_A_PACKETS]);
	if (tb[VTL_REWRITE_A_BYTES])
		r->bytes = nla_get_u64(tb[VTL_REWRITE_A_BYTES]);
	return 0;
}

/* The rewrite rules of the port @ifindex, or (0) of every port. */
int vtl_nl_rw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtlctl_rw_rule_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, rules, parse_rw_rule);

	return vtl_nl_dump(nl, VTL_CMD_REWRITE_GET, VTL_REWRITE_A_IFINDEX,
			   ifindex, &dl, "ports");
}

/* Delete the rewrite rules of the port @ifindex, or (0) of every port. */
int vtl_nl_rw_flush(struct vtl_nl *nl, uint32_t ifindex)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_REWRITE_FLUSH, 0,
						VTL_REWRITE_A_IFINDEX, ifindex);

	return vtl_nl_simple(nl, msg);
}
