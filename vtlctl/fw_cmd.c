// SPDX-License-Identifier: GPL-2.0
/*
 * The fw object: the stateful firewall of a port, a rule set and a default
 * policy per direction ("in": toward the VM, "out": from it).
 *
 *   vtlctl fw add dev VMIF RULE
 *   vtlctl fw del dev VMIF id ID
 *   vtlctl fw show dev VMIF
 *   vtlctl fw flush dev VMIF [ dir DIR ]
 *   vtlctl fw policy dev VMIF dir DIR { accept | drop }
 *   vtlctl fw load dev VMIF FILE
 *
 * One parser, fw_parse(), reads a rule on the command line and on each
 * line of a rule file, so the two cannot differ.  As for ports, the whole
 * line (and the whole file) is parsed and checked before the namespace is
 * entered, names are looked up or anything is sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "addr.h"
#include "cmd.h"
#include "fw_cmd.h"
#include "common/genl.h"
#include "port_cmd.h"
#include "vtlctl.h"

static const struct vtl_word fw_keys[] = {
	{ "dev",	FW_KEY_DEV },
	{ "dir",	FW_KEY_DIR },
	{ "proto",	FW_KEY_PROTO },
	{ "src",	FW_KEY_SRC },
	{ "dst",	FW_KEY_DST },
	{ "sport",	FW_KEY_SPORT },
	{ "dport",	FW_KEY_DPORT },
	{ "state",	FW_KEY_STATE },
	{ "action",	FW_KEY_ACTION },
	{ "id",		FW_KEY_ID },
	{ "help",	FW_KEY_HELP },
};

static const struct vtl_word fw_dirs[] = {
	{ "in",		VTL_FW_DIR_IN },
	{ "out",	VTL_FW_DIR_OUT },
};

static const struct vtl_word fw_verdicts[] = {
	{ "accept",	VTL_FW_VERDICT_ACCEPT },
	{ "drop",	VTL_FW_VERDICT_DROP },
	{ "reject",	VTL_FW_VERDICT_REJECT },
};

static const struct vtl_word fw_states[] = {
	{ "new",	 VTL_FW_CT_NEW },
	{ "established", VTL_FW_CT_ESTABLISHED },
	{ "related",	 VTL_FW_CT_RELATED },
	{ "invalid",	 VTL_FW_CT_INVALID },
};

/* Known without /etc/protocols; the first name of a number is its own. */
static const struct vtl_word fw_protos[] = {
	{ "tcp",	IPPROTO_TCP },
	{ "udp",	IPPROTO_UDP },
	{ "icmp",	IPPROTO_ICMP },
	{ "icmpv6",	IPPROTO_ICMPV6 },
	{ "ipv6-icmp",	IPPROTO_ICMPV6 },
	{ "udplite",	IPPROTO_UDPLITE },
	{ "sctp",	IPPROTO_SCTP },
	{ "dccp",	IPPROTO_DCCP },
	{ "gre",	IPPROTO_GRE },
	{ "esp",	IPPROTO_ESP },
	{ "ah",		IPPROTO_AH },
};

/* The name of a protocol, or NULL for one known only by its number. */
const char *fw_proto_name(uint8_t proto)
{
	return vtl_word_name(fw_protos, ARRAY_SIZE(fw_protos), proto);
}

const char *fw_dir_name(uint8_t dir)
{
	return vtl_word_name(fw_dirs, ARRAY_SIZE(fw_dirs), dir);
}

const char *fw_verdict_name(uint8_t verdict)
{
	return vtl_word_name(fw_verdicts, ARRAY_SIZE(fw_verdicts), verdict);
}

static int parse_proto(const char *arg, struct vtlctl_fw_rule *r)
{
	struct protoent *pe;
	uint32_t num;
	int i;

	i = vtl_match(arg, fw_protos, ARRAY_SIZE(fw_protos));
	if (i >= 0) {
		num = fw_protos[i].id;
	} else if (port_parse_u32(arg, &num)) {
		pe = i == VTL_MATCH_NONE ? getprotobyname(arg) : NULL;
		endprotoent();
		num = pe ? (uint32_t)pe->p_proto : 256;
	}
	if (num > 255) {
		vtl_err("invalid proto \"%s\"", arg);
		return -EINVAL;
	}
	/* VTL's rules take protocol 0 (IPv6 hop-by-hop) as "any" */
	if (!num) {
		vtl_err("invalid proto \"%s\": 0 matches any protocol, leave proto out",
			arg);
		return -EINVAL;
	}
	r->has_proto = true;
	r->proto = num;
	return 0;
}

static int parse_addr(const char *key, const char *arg,
		      struct vtlctl_fw_rule *r,
		      uint8_t *addr, uint8_t *len, bool *has)
{
	uint8_t family;

	if (vtl_parse_prefix(key, arg, &family, addr, len))
		return -EINVAL;
	if (r->family && r->family != family) {
		vtl_err("src and dst must be of the same family");
		return -EINVAL;
	}
	r->family = family;
	*has = true;
	return 0;
}

static int parse_port_num(const char *arg, uint16_t *port)
{
	uint32_t v;

	if (port_parse_u32(arg, &v) || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/* "P" or "P-Q", P <= Q. */
static int parse_ports(const char *key, const char *arg, uint16_t *min,
		       uint16_t *max, bool *has)
{
	const char *dash = strchr(arg, '-');
	char buf[8];

	if (!dash) {
		if (parse_port_num(arg, min))
			goto invalid;
		*max = *min;
	} else {
		if (dash - arg >= (int)sizeof(buf))
			goto invalid;
		snprintf(buf, sizeof(buf), "%.*s", (int)(dash - arg), arg);
		if (parse_port_num(buf, min) || parse_port_num(dash + 1, max))
			goto invalid;
		if (*min > *max) {
			vtl_err("invalid %s \"%s\": the first port is above the last",
				key, arg);
			return -EINVAL;
		}
	}
	*has = true;
	return 0;
invalid:
	vtl_err("invalid %s \"%s\"", key, arg);
	return -EINVAL;
}

/* "S[,S]...": bits of enum vtl_fw_ct_state. */
static int parse_states(const char *arg, uint8_t *state)
{
	const char *s = arg, *comma;
	char buf[32];
	int i;

	*state = 0;
	do {
		comma = strchr(s, ',');
		snprintf(buf, sizeof(buf), "%.*s",
			 (int)(comma ? comma - s : (int)strlen(s)), s);
		i = vtl_match(buf, fw_states, ARRAY_SIZE(fw_states));
		if (i < 0) {
			vtl_err("invalid state \"%s\"", buf);
			return -EINVAL;
		}
		*state |= fw_states[i].id;
		s = comma + 1;
	} while (comma);
	return 0;
}

static int fw_value(void *ctx, int key, const char *arg)
{
	struct fw_args *a = ctx;
	struct vtlctl_fw_rule *r = &a->rule;

	switch (key) {
	case FW_KEY_DEV:
		return port_parse_dev(arg, &a->dev);
	case FW_KEY_DIR:
		return vtl_parse_word("dir", arg, fw_dirs, ARRAY_SIZE(fw_dirs),
				      &r->dir);
	case FW_KEY_PROTO:
		return parse_proto(arg, r);
	case FW_KEY_SRC:
		return parse_addr("src", arg, r, r->src, &r->src_len,
				  &r->has_src);
	case FW_KEY_DST:
		return parse_addr("dst", arg, r, r->dst, &r->dst_len,
				  &r->has_dst);
	case FW_KEY_SPORT:
		return parse_ports("sport", arg, &r->sport_min, &r->sport_max,
				   &r->has_sport);
	case FW_KEY_DPORT:
		return parse_ports("dport", arg, &r->dport_min, &r->dport_max,
				   &r->has_dport);
	case FW_KEY_STATE:
		return parse_states(arg, &r->state);
	case FW_KEY_ACTION:
		return vtl_parse_word("action", arg, fw_verdicts,
				      ARRAY_SIZE(fw_verdicts), &r->action);
	case FW_KEY_ID:
		a->has_id = true;
		if (port_parse_u32(arg, &a->id)) {
			vtl_err("invalid id \"%s\"", arg);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

/* A word that is no keyword: the policy, the file, or a mistake. */
static int fw_bare(void *ctx, const char *arg)
{
	struct fw_args *a = ctx;
	uint8_t verdict;
	size_t i;

	/* a keyword of another command is no policy or file name */
	for (i = 0; i < ARRAY_SIZE(fw_keys); i++) {
		if (!strcmp(arg, fw_keys[i].name))
			goto unknown;
	}
	if (a->takes & FW_KEY_POLICY) {
		if (a->policy) {
			vtl_err("duplicate policy \"%s\"", arg);
			return -EINVAL;
		}
		/* accept and drop, the first two verdicts: not reject */
		if (vtl_parse_word("policy", arg, fw_verdicts, 2, &verdict))
			return -EINVAL;
		a->policy = verdict;
		return 0;
	}
	if ((a->takes & FW_KEY_FILE) && !a->file) {
		a->file = arg;
		return 0;
	}
unknown:
	vtl_err_match(VTL_MATCH_NONE, "keyword", arg, NULL);
	return -EINVAL;
}

static const struct vtl_keys fw_grammar = {
	.words = fw_keys,
	.n = ARRAY_SIZE(fw_keys),
	.help = FW_KEY_HELP,
	.value = fw_value,
	.bare = fw_bare,
};

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP ||
	       proto == IPPROTO_DCCP;
}

/* What no single keyword can see: a rule that can never match. */
static int check_rule(const struct vtlctl_fw_rule *r)
{
	if (r->has_proto && r->proto == IPPROTO_ICMP && r->family == 6) {
		vtl_err("proto icmp needs IPv4 addresses");
		return -EINVAL;
	}
	if (r->has_proto && r->proto == IPPROTO_ICMPV6 && r->family == 4) {
		vtl_err("proto icmpv6 needs IPv6 addresses");
		return -EINVAL;
	}
	if ((r->has_sport || r->has_dport) &&
	    !(r->has_proto && has_ports(r->proto))) {
		vtl_err("ports need proto tcp, udp, udplite, sctp or dccp");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse @argv into @args.  @takes: the keywords this command accepts
 * (FW_KEY_POLICY and FW_KEY_FILE: the bare words it takes); @needs: those
 * it requires.  A VTL_PARSE_* value.
 */
int fw_parse(int argc, char *argv[], unsigned int takes, unsigned int needs,
	     struct fw_args *args)
{
	int ret;

	memset(args, 0, sizeof(*args));
	args->takes = takes;
	ret = vtl_parse_keys(&fw_grammar, argc, argv, takes, needs, args);
	if (ret != VTL_PARSE_OK)
		return ret;
	if ((needs & FW_KEY_POLICY) && !args->policy) {
		vtl_err("\"accept\" or \"drop\" is required");
		return VTL_PARSE_ERROR;
	}
	if ((needs & FW_KEY_FILE) && !args->file) {
		vtl_err("a FILE is required");
		return VTL_PARSE_ERROR;
	}
	if ((takes & FW_KEY_ACTION) && check_rule(&args->rule))
		return VTL_PARSE_ERROR;
	return VTL_PARSE_OK;
}

/* The most words a line of a rule file can sensibly have. */
#define FW_LINE_WORDS 64

/* A line of a rule file: a rule, or "policy dir DIR VERDICT". */
static int parse_line(int argc, char *argv[], unsigned int lineno,
		      struct vtlctl_fw_load *load)
{
	static const struct vtl_word starts[] = {
		{ "policy", FW_KEY_POLICY }, { "proto", FW_KEY_PROTO },
	};
	struct vtlctl_fw_rule_list *list = &load->list;
	uint8_t *policy;
	struct fw_args a;
	int ret;

	if (vtl_match(argv[0], starts, ARRAY_SIZE(starts)) == 0) {
		ret = fw_parse(argc - 1, argv + 1, FW_KEY_DIR | FW_KEY_POLICY,
			       FW_KEY_DIR | FW_KEY_POLICY, &a);
		if (ret != VTL_PARSE_OK)
			goto err;
		policy = a.rule.dir == VTL_FW_DIR_IN ? &load->policy_in :
						       &load->policy_out;
		if (*policy) {
			vtl_err("a second policy for dir %s",
				fw_dir_name(a.rule.dir));
			return -EINVAL;
		}
		*policy = a.policy;
		return 0;
	}
	ret = fw_parse(argc, argv, FW_KEYS_RULE, FW_KEY_DIR | FW_KEY_ACTION,
		       &a);
	if (ret != VTL_PARSE_OK)
		goto err;
	if (list->len == VTL_FW_MAX_RULES) {
		vtl_err("more than %d rules", VTL_FW_MAX_RULES);
		return -EINVAL;
	}
	if (vtl_grow((void **)&list->rules, &list->cap, list->len,
		     sizeof(*list->rules))) {
		vtl_err("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	a.rule.line = lineno;
	list->rules[list->len++] = a.rule;
	return 0;
err:
	if (ret == VTL_PARSE_HELP)
		vtl_err("unexpected \"help\"");
	return -EINVAL;
}

/*
 * Read a rule file into @load (emptied first): a rule or a policy a line,
 * '#' to the end of a line a comment.  Errors are reported as "FILE:LINE:",
 * the first ends the reading.  0, or a negative errno.
 */
int fw_parse_file(FILE *f, const char *name, struct vtlctl_fw_load *load)
{
	char *line = NULL, *argv[FW_LINE_WORDS + 1], *tok, *save;
	unsigned int lineno = 0;
	size_t size = 0;
	int argc, err = 0;

	vtl_fw_rule_list_free(&load->list);
	load->policy_in = load->policy_out = 0;
	while (!err && getline(&line, &size, f) >= 0) {
		vtl_err_where(name, ++lineno);
		argc = 0;
		for (tok = strtok_r(line, " \t\r\n\v\f", &save);
		     tok && *tok != '#';
		     tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
			if (argc == FW_LINE_WORDS) {
				vtl_err("more than %d words", FW_LINE_WORDS);
				err = -EINVAL;
				break;
			}
			argv[argc++] = tok;
		}
		argv[argc] = NULL;
		if (!err && argc)
			err = parse_line(argc, argv, lineno, load);
	}
	vtl_err_where(NULL, 0);
	if (!err && ferror(f)) {
		vtl_err("cannot read \"%s\": %s.", name,
			strerror(errno ?: EIO));
		err = -EIO;
	}
	free(line);
	if (err)
		vtl_fw_rule_list_free(&load->list);
	return err;
}

/* --- output ------------------------------------------------------------- */

/* The JSON and text of each member of VTL_PORT_A_FW. */
struct fw_field {
	int attr;		/* enum vtl_fw_port_attr */
	const char *key;	/* JSON */
	const char *fmt;	/* text */
};

static const struct fw_field fw_config[] = {
	{ VTL_FW_PORT_A_POLICY_IN,	"policy_in",	" policy in %s" },
	{ VTL_FW_PORT_A_POLICY_OUT,	"policy_out",	" out %s" },
	{ VTL_FW_PORT_A_RULES_IN,	"rules_in",	" rules in %" PRIu64 },
	{ VTL_FW_PORT_A_RULES_OUT,	"rules_out",	" out %" PRIu64 },
};

static const struct fw_field fw_counters[] = {
	{ VTL_FW_PORT_A_ACCEPTED,	"accepted",	" accepted %" PRIu64 },
	{ VTL_FW_PORT_A_DROPPED,	"dropped",	" dropped %" PRIu64 },
	{ VTL_FW_PORT_A_REJECTED,	"rejected",	" rejected %" PRIu64 },
	{ VTL_FW_PORT_A_POLICY_IN_PACKETS,  "policy_in_packets",
	  " policy-in %" PRIu64 },
	{ VTL_FW_PORT_A_POLICY_OUT_PACKETS, "policy_out_packets",
	  " policy-out %" PRIu64 },
};

/*
 * Print @name, or for a value without one (newer than this program, or a
 * protocol known by its number only) @num in @unknown's format.
 */
static void print_name(struct printer *p, const char *key, const char *fmt,
		       const char *name, unsigned int num, const char *unknown)
{
	char buf[32];

	if (!name) {
		snprintf(buf, sizeof(buf), unknown, num);
		name = buf;
	}
	print_string(p, PRINT_ANY, key, fmt, name);
}

static void print_fields(struct printer *p, const struct vtlctl_fw_port *fw,
			 const struct fw_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!vtl_fw_port_has(fw, f[i].attr))
			continue;
		if (f[i].attr == VTL_FW_PORT_A_POLICY_IN ||
		    f[i].attr == VTL_FW_PORT_A_POLICY_OUT)
			print_name(p, f[i].key, f[i].fmt,
				   fw_verdict_name(fw->val[f[i].attr]),
				   fw->val[f[i].attr], "unknown(%u)");
		else
			print_u64(p, PRINT_ANY, f[i].key, f[i].fmt,
				  fw->val[f[i].attr]);
	}
}

/* " policy in accept out drop rules in 2 out 0", of what was returned. */
void fw_print_config(struct printer *p, const struct vtlctl_fw_port *fw)
{
	print_fields(p, fw, fw_config, ARRAY_SIZE(fw_config));
}

/* " accepted N dropped N rejected N policy-in N policy-out N" */
void fw_print_counters(struct printer *p, const struct vtlctl_fw_port *fw)
{
	print_fields(p, fw, fw_counters, ARRAY_SIZE(fw_counters));
}

static void print_prefix(struct printer *p, const char *key, uint8_t family,
			 const uint8_t *addr, uint8_t len)
{
	char buf[VTL_ADDR_STRLEN], fmt[16];

	snprintf(fmt, sizeof(fmt), " %s %%s", key);
	print_string(p, PRINT_ANY, key, fmt,
		     vtl_format_prefix(buf, family, addr, len, false));
}

static void print_ports(struct printer *p, const char *key, uint16_t min,
			uint16_t max)
{
	print_text(p, " %s %u", key, min);
	if (max != min)
		print_text(p, "-%u", max);
	print_open_object(p, key);
	print_u64(p, PRINT_JSON, "min", NULL, min);
	print_u64(p, PRINT_JSON, "max", NULL, max);
	print_close_object(p);
}

static void print_states(struct printer *p, uint8_t state)
{
	const char *sep = " state ";
	unsigned int i;

	print_open_array(p, "state");
	for (i = 0; i < 8; i++) {
		if (!(state & (1u << i)))
			continue;
		print_text(p, "%s", sep);
		print_name(p, NULL, "%s",
			   vtl_word_name(fw_states, ARRAY_SIZE(fw_states),
					 1u << i),
			   1u << i, "unknown(%u)");
		sep = ",";
	}
	print_close_array(p);
}

/*
 * "    id 1 dir in proto tcp dport 22 state new action accept", a rule as
 * "fw add" takes it, and with -s its counters.
 */
static void print_rule(struct printer *p, const struct vtlctl_fw_rule *r,
		       bool stats)
{
	bool implied = r->has_src || r->has_dst ||
		       (r->has_proto && (r->proto == IPPROTO_ICMP ||
					 r->proto == IPPROTO_ICMPV6));

	print_open_object(p, NULL);
	print_u64(p, PRINT_ANY, "id", "    id %" PRIu64, r->id);
	print_name(p, "dir", " dir %s", fw_dir_name(r->dir), r->dir,
		   "unknown(%u)");
	if (r->family)
		print_u64(p, implied ? PRINT_JSON : PRINT_ANY, "family",
			  " family %" PRIu64, r->family);
	if (r->has_proto)
		print_name(p, "proto", " proto %s", fw_proto_name(r->proto),
			   r->proto, "%u");
	if (r->has_src)
		print_prefix(p, "src", r->family, r->src, r->src_len);
	if (r->has_dst)
		print_prefix(p, "dst", r->family, r->dst, r->dst_len);
	if (r->has_sport)
		print_ports(p, "sport", r->sport_min, r->sport_max);
	if (r->has_dport)
		print_ports(p, "dport", r->dport_min, r->dport_max);
	if (r->state)
		print_states(p, r->state);
	print_name(p, "action", " action %s", fw_verdict_name(r->action),
		   r->action, "unknown(%u)");
	if (stats && r->has_counters) {
		print_u64(p, PRINT_ANY, "packets", " packets %" PRIu64,
			  r->packets);
		print_u64(p, PRINT_ANY, "bytes", " bytes %" PRIu64, r->bytes);
	}
	print_text(p, "\n");
	print_close_object(p);
}

/*
 * "vmif0: policy in accept out drop rules in 1 out 0", with -s a line of
 * counters, then a line per rule.  In JSON, an array of one object.
 */
struct fw_shown {
	const struct vtlctl_port *port;
	const struct vtlctl_fw_rule_list *list;
};

static void print_fw(struct printer *p, const struct vtl_opts *opts,
		     const void *data)
{
	const struct fw_shown *shown = data;
	const struct vtlctl_port *port = shown->port;
	const struct vtlctl_fw_rule_list *list = shown->list;
	char buf[IF_NAMESIZE];
	size_t i;

	print_open_array(p, NULL);
	print_open_object(p, NULL);
	print_u64(p, PRINT_JSON, "ifindex", NULL, port->ifindex);
	print_string(p, PRINT_ANY, "dev", "%s:",
		     vtl_dev_name(port->ifname, port->ifindex, buf));
	if (port->has_fw)
		fw_print_config(p, &port->fw);
	if (port->has_fw && opts->stats) {
		print_text(p, "\n   ");
		fw_print_counters(p, &port->fw);
	}
	print_text(p, "\n");
	print_open_array(p, "rules");
	for (i = 0; i < list->len; i++)
		print_rule(p, &list->rules[i], opts->stats);
	print_close_array(p);
	print_close_object(p);
	print_close_array(p);
}

/* --- commands ----------------------------------------------------------- */

static void fw_usage(FILE *f);

/* fw_parse() for a command; an exit status, or -1 to go on. */
static int parse_cmd(int argc, char *argv[], unsigned int takes,
		     unsigned int needs, struct fw_args *args)
{
	return vtl_parse_status(fw_parse(argc - 1, argv + 1, takes, needs,
					 args), fw_usage);
}

static void print_id(struct printer *p, const struct vtl_opts *opts,
		     const void *data)
{
	(void)opts;
	print_open_object(p, NULL);
	print_u64(p, PRINT_ANY, "id", "id %" PRIu64 "\n",
		  *(const uint32_t *)data);
	print_close_object(p);
}

/* Prints the new rule's id: "id 7", or {"id":7}; scripts need it. */
static int fw_add(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct fw_args args;
	struct vtl_nl *nl;
	uint32_t ifindex, id;
	int ret;

	ret = parse_cmd(argc, argv, FW_KEY_DEV | FW_KEYS_RULE,
			FW_KEY_DEV | FW_KEY_DIR | FW_KEY_ACTION, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	ret = vtl_nl_fw_new(nl, ifindex, &args.rule, &id);
	ret = vtl_cmd_finish(nl, args.dev, ret);
	return ret ? ret : vtl_cmd_print(opts, print_id, &id);
}

/*
 * A command that sends one request and prints nothing: parse the line
 * (@takes, @needs), then @send() what it said to the port.
 */
static int request(const struct vtl_opts *opts, int argc, char *argv[],
		   unsigned int takes, unsigned int needs,
		   int (*send)(struct vtl_nl *nl, uint32_t ifindex,
			       const struct fw_args *args))
{
	struct fw_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, takes, needs, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, args.dev, send(nl, ifindex, &args));
}

static int send_del(struct vtl_nl *nl, uint32_t ifindex,
		    const struct fw_args *args)
{
	return vtl_nl_fw_del(nl, ifindex, args->id);
}

static int fw_del(const struct vtl_opts *opts, int argc, char *argv[])
{
	return request(opts, argc, argv, FW_KEY_DEV | FW_KEY_ID,
		       FW_KEY_DEV | FW_KEY_ID, send_del);
}

static int send_flush(struct vtl_nl *nl, uint32_t ifindex,
		      const struct fw_args *args)
{
	return vtl_nl_fw_flush(nl, ifindex, args->rule.dir);
}

static int fw_flush(const struct vtl_opts *opts, int argc, char *argv[])
{
	return request(opts, argc, argv, FW_KEY_DEV | FW_KEY_DIR, FW_KEY_DEV,
		       send_flush);
}

static int send_policy(struct vtl_nl *nl, uint32_t ifindex,
		       const struct fw_args *args)
{
	return vtl_nl_fw_policy(nl, ifindex, args->rule.dir, args->policy);
}

static int fw_policy(const struct vtl_opts *opts, int argc, char *argv[])
{
	unsigned int keys = FW_KEY_DEV | FW_KEY_DIR | FW_KEY_POLICY;

	return request(opts, argc, argv, keys, keys, send_policy);
}

static int fw_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_fw_rule_list list = { 0 };
	struct vtlctl_port port;
	struct fw_args args;
	struct fw_shown shown;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = parse_cmd(argc, argv, FW_KEY_DEV, FW_KEY_DEV, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	/* the policies and counters, then the rules */
	ret = vtl_nl_port_get(nl, ifindex, &port);
	if (!ret)
		ret = vtl_nl_fw_dump(nl, ifindex, &list);
	ret = vtl_cmd_finish(nl, args.dev, ret);
	/* print only a complete answer, and nothing after an error */
	if (!ret) {
		shown.port = &port;
		shown.list = &list;
		ret = vtl_cmd_print(opts, print_fw, &shown);
	}
	vtl_fw_rule_list_free(&list);
	return ret;
}

/* Read FILE ("-": stdin) whole; an exit status, or -1 to go on. */
static int read_rules(const char *file, const char **name,
		      struct vtlctl_fw_load *load)
{
	bool is_stdin = !strcmp(file, "-");
	FILE *f = is_stdin ? stdin : fopen(file, "re");
	int err;

	*name = is_stdin ? "<stdin>" : file;
	if (!f) {
		vtl_err("cannot open \"%s\": %s.", file, strerror(errno));
		return VTL_EXIT_ERROR;
	}
	err = fw_parse_file(f, *name, load);
	if (!is_stdin)
		fclose(f);
	return err ? VTL_EXIT_ERROR : -1;
}

static int fw_load(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_fw_load load = { 0 };
	const char *name;
	char where[PATH_MAX + 16];
	struct fw_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	size_t bad;
	int ret;

	ret = parse_cmd(argc, argv, FW_KEY_DEV | FW_KEY_FILE,
			FW_KEY_DEV | FW_KEY_FILE, &args);
	if (ret >= 0)
		return ret;
	ret = read_rules(args.file, &name, &load);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl)) {
		ret = VTL_EXIT_ERROR;
		goto out;
	}
	ret = vtl_nl_fw_load(nl, ifindex, &load, &bad);
	/* the kernel's words about a rule name its line */
	if (ret && bad < load.list.len) {
		snprintf(where, sizeof(where), "%s:%u", name,
			 load.list.rules[bad].line);
		ret = vtl_cmd_finish(nl, where, ret);
	} else {
		ret = vtl_cmd_finish(nl, args.dev, ret);
	}
out:
	vtl_fw_rule_list_free(&load.list);
	return ret;
}

static const struct vtl_command fw_commands[] = {
	{ "add",	fw_add,		"append a rule to a port's firewall" },
	{ "del",	fw_del,		"delete a rule" },
	{ "delete",	fw_del,		NULL },
	{ "show",	fw_show,	"show the policies and rules of a port" },
	{ "list",	fw_show,	NULL },
	{ "flush",	fw_flush,	"delete the rules of a port" },
	{ "policy",	fw_policy,	"set what a packet no rule matches gets" },
	{ "load",	fw_load,	"replace every rule (and policy) from a file" },
	{ "help",	NULL,		"show this help" },
};

static const size_t fw_ncommands = ARRAY_SIZE(fw_commands);

static void fw_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] fw add dev VMIF RULE\n"
		"       vtlctl [ OPTIONS ] fw del dev VMIF id ID\n"
		"       vtlctl [ OPTIONS ] fw show dev VMIF\n"
		"       vtlctl [ OPTIONS ] fw flush dev VMIF [ dir DIR ]\n"
		"       vtlctl [ OPTIONS ] fw policy dev VMIF dir DIR { accept | drop }\n"
		"       vtlctl [ OPTIONS ] fw load dev VMIF FILE\n"
		"       vtlctl fw help\n"
		"RULE := dir DIR [ proto PROTO ] [ src PREFIX ] [ dst PREFIX ]\n"
		"        [ sport PORTS ] [ dport PORTS ] [ state STATE[,STATE]... ]\n"
		"        action { accept | drop | reject }\n"
		"DIR := { in | out }   (in: toward the VM, out: from it)\n"
		"PROTO := { tcp | udp | icmp | icmpv6 | udplite | sctp | dccp | gre |\n"
		"           esp | ah | NUMBER }\n"
		"PREFIX := { IPV4ADDR | IPV6ADDR }[/LEN]   PORTS := PORT[-PORT]\n"
		"STATE := { new | established | related | invalid }\n"
		"FILE: a RULE or \"policy dir DIR { accept | drop }\" a line, '#' comments;\n"
		"      - is standard input\n");
	vtl_usage_commands(f, fw_commands, fw_ncommands);
}

/* vtlctl fw COMMAND ... */
int fw_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, fw_commands, fw_ncommands,
			    fw_usage);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

/* VTL_PORT_A_FW: its scalars, each of the width the contract says. */
int vtl_fw_port_parse(struct nlattr *nest, struct vtlctl_fw_port *fw)
{
	static const struct nla_policy policy[VTL_FW_PORT_A_MAX + 1] = {
		[VTL_FW_PORT_A_POLICY_IN]	   = { .type = NLA_U8 },
		[VTL_FW_PORT_A_POLICY_OUT]	   = { .type = NLA_U8 },
		[VTL_FW_PORT_A_RULES_IN]	   = { .type = NLA_U32 },
		[VTL_FW_PORT_A_RULES_OUT]	   = { .type = NLA_U32 },
		[VTL_FW_PORT_A_ACCEPTED]	   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_DROPPED]		   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_REJECTED]	   = { .type = NLA_U64 },
		[VTL_FW_PORT_A_POLICY_IN_PACKETS]  = { .type = NLA_U64 },
		[VTL_FW_PORT_A_POLICY_OUT_PACKETS] = { .type = NLA_U64 },
	};

	return vtl_nl_parse_scalars(nest, VTL_FW_PORT_A_MAX, policy, fw->val,
				    &fw->present);
}

/* Room for the largest rule put_rule() writes, in its VTL_FW_A_RULE nest. */
#define RULE_SPACE (NLA_HDRLEN + 5 * NLA_ALIGN(NLA_HDRLEN + 1) + \
		    2 * (NLA_HDRLEN + 16 + NLA_ALIGN(NLA_HDRLEN + 1)) + \
		    4 * NLA_ALIGN(NLA_HDRLEN + 2))

static int put_range(struct nl_msg *msg, int min_attr, uint16_t min,
		     uint16_t max)
{
	/* the _MAX attribute follows its _MIN one in enum vtl_fw_attr */
	if (nla_put_u16(msg, min_attr, min) < 0 ||
	    nla_put_u16(msg, min_attr + 1, max) < 0)
		return -EMSGSIZE;
	return 0;
}

/* The direction, verdict and matches of @r, as attributes of @msg. */
static int put_rule(struct nl_msg *msg, const struct vtlctl_fw_rule *r)
{
	if (nla_put_u8(msg, VTL_FW_A_DIR, r->dir) < 0 ||
	    nla_put_u8(msg, VTL_FW_A_ACTION, r->action) < 0)
		return -EMSGSIZE;
	if (r->family && nla_put_u8(msg, VTL_FW_A_FAMILY, r->family) < 0)
		return -EMSGSIZE;
	if (r->has_proto && nla_put_u8(msg, VTL_FW_A_PROTO, r->proto) < 0)
		return -EMSGSIZE;
	if (r->has_src && vtl_nl_put_prefix(msg, VTL_FW_A_SRC, VTL_FW_A_SRC_LEN,
					    r->family, r->src, r->src_len))
		return -EMSGSIZE;
	if (r->has_dst && vtl_nl_put_prefix(msg, VTL_FW_A_DST, VTL_FW_A_DST_LEN,
					    r->family, r->dst, r->dst_len))
		return -EMSGSIZE;
	if (r->has_sport && put_range(msg, VTL_FW_A_SPORT_MIN, r->sport_min,
				      r->sport_max))
		return -EMSGSIZE;
	if (r->has_dport && put_range(msg, VTL_FW_A_DPORT_MIN, r->dport_min,
				      r->dport_max))
		return -EMSGSIZE;
	if (r->state && nla_put_u8(msg, VTL_FW_A_CT_STATE, r->state) < 0)
		return -EMSGSIZE;
	return 0;
}

static void get_range(struct nlattr *min, struct nlattr *max, bool *has,
		      uint16_t *lo, uint16_t *hi)
{
	if (!min)
		return;
	*has = true;
	*lo = nla_get_u16(min);
	*hi = max ? nla_get_u16(max) : *lo;
}

/* One VTL_CMD_FW_GET (or _NEW) reply into @r. */
static int parse_rule(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_FW_A_MAX + 1] = {
		[VTL_FW_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_FW_A_DIR]		= { .type = NLA_U8 },
		[VTL_FW_A_ID]		= { .type = NLA_U32 },
		[VTL_FW_A_FAMILY]	= { .type = NLA_U8 },
		[VTL_FW_A_PROTO]	= { .type = NLA_U8 },
		[VTL_FW_A_SRC]		= { .type = NLA_UNSPEC },
		[VTL_FW_A_SRC_LEN]	= { .type = NLA_U8 },
		[VTL_FW_A_DST]		= { .type = NLA_UNSPEC },
		[VTL_FW_A_DST_LEN]	= { .type = NLA_U8 },
		[VTL_FW_A_SPORT_MIN]	= { .type = NLA_U16 },
		[VTL_FW_A_SPORT_MAX]	= { .type = NLA_U16 },
		[VTL_FW_A_DPORT_MIN]	= { .type = NLA_U16 },
		[VTL_FW_A_DPORT_MAX]	= { .type = NLA_U16 },
		[VTL_FW_A_CT_STATE]	= { .type = NLA_U8 },
		[VTL_FW_A_ACTION]	= { .type = NLA_U8 },
		[VTL_FW_A_PACKETS]	= { .type = NLA_U64 },
		[VTL_FW_A_BYTES]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_FW_A_MAX + 1];
	struct vtlctl_fw_rule *r = item;

	memset(r, 0, sizeof(*r));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_FW_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_FW_A_ID] || !tb[VTL_FW_A_DIR] || !tb[VTL_FW_A_ACTION])
		return -EBADMSG;
	r->id = nla_get_u32(tb[VTL_FW_A_ID]);
	r->dir = nla_get_u8(tb[VTL_FW_A_DIR]);
	r->action = nla_get_u8(tb[VTL_FW_A_ACTION]);
	if (tb[VTL_FW_A_FAMILY]) {
		r->family = nla_get_u8(tb[VTL_FW_A_FAMILY]);
		if (r->family != 4 && r->family != 6)
			return -EBADMSG;
	}
	if (tb[VTL_FW_A_PROTO]) {
		r->has_proto = true;
		r->proto = nla_get_u8(tb[VTL_FW_A_PROTO]);
	}
	if (vtl_nl_get_prefix(tb[VTL_FW_A_SRC], tb[VTL_FW_A_SRC_LEN], r->family,
			      &r->has_src, r->src, &r->src_len) ||
	    vtl_nl_get_prefix(tb[VTL_FW_A_DST], tb[VTL_FW_A_DST_LEN], r->family,
			      &r->has_dst, r->dst, &r->dst_len))
		return -EBADMSG;
	get_range(tb[VTL_FW_A_SPORT_MIN], tb[VTL_FW_A_SPORT_MAX],
		  &r->has_sport, &r->sport_min, &r->sport_max);
	get_range(tb[VTL_FW_A_DPORT_MIN], tb[VTL_FW_A_DPORT_MAX],
		  &r->has_dport, &r->dport_min, &r->dport_max);
	if (tb[VTL_FW_A_CT_STATE])
		r->state = nla_get_u8(tb[VTL_FW_A_CT_STATE]);
	r->has_counters = tb[VTL_FW_A_PACKETS] || tb[VTL_FW_A_BYTES];
	if (tb[VTL_FW_A_PACKETS])
		r->packets = nla_get_u64(tb[VTL_FW_A_PACKETS]);
	if (tb[VTL_FW_A_BYTES])
		r->bytes = nla_get_u64(tb[VTL_FW_A_BYTES]);
	return 0;
}

/* Append @rule to its direction of the port @ifindex; its new id in @id. */
int vtl_nl_fw_new(struct vtl_nl *nl, uint32_t ifindex,
		  const struct vtlctl_fw_rule *rule, uint32_t *id)
{
	static const struct nla_policy policy[VTL_FW_A_MAX + 1] = {
		[VTL_FW_A_ID] = { .type = NLA_U32 },
	};
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_FW_NEW, 0,
						VTL_FW_A_IFINDEX, ifindex);
	struct vtl_nl_one one = { .max = VTL_FW_A_MAX, .attr = VTL_FW_A_ID,
				  .policy = policy };
	int err;

	if (msg && put_rule(msg, rule)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = vtl_nl_transact_one(nl, msg, &one, "the kernel sent no rule id");
	*id = one.val;
	return err;
}

int vtl_nl_fw_del(struct vtl_nl *nl, uint32_t ifindex, uint32_t id)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_FW_DEL, 0,
						VTL_FW_A_IFINDEX, ifindex);

	if (msg && nla_put_u32(msg, VTL_FW_A_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

/* The rules of the port @ifindex, both directions, into @list. */
int vtl_nl_fw_dump(struct vtl_nl *nl, uint32_t ifindex,
		   struct vtlctl_fw_rule_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, rules, parse_rule);

	return vtl_nl_dump(nl, VTL_CMD_FW_GET, VTL_FW_A_IFINDEX, ifindex, &dl,
			   "rules");
}

/* Delete the rules of direction @dir of the port, or (0) of both. */
int vtl_nl_fw_flush(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_FW_FLUSH, 0,
						VTL_FW_A_IFINDEX, ifindex);

	if (msg && dir && nla_put_u8(msg, VTL_FW_A_DIR, dir) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

int vtl_nl_fw_policy(struct vtl_nl *nl, uint32_t ifindex, uint8_t dir,
		     uint8_t verdict)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_FW_POLICY, 0,
						VTL_FW_A_IFINDEX, ifindex);

	if (msg && (nla_put_u8(msg, VTL_FW_A_DIR, dir) < 0 ||
		    nla_put_u8(msg, VTL_FW_A_POLICY, verdict) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

static int put_load(struct nl_msg *msg, uint32_t ifindex,
		    const struct vtlctl_fw_load *load, uint32_t *offs)
{
	const struct vtlctl_fw_rule_list *list = &load->list;
	struct nlattr *rule;
	size_t i;

	if (nla_put_u32(msg, VTL_FW_A_IFINDEX, ifindex) < 0 ||
	    (load->policy_in &&
	     nla_put_u8(msg, VTL_FW_A_POLICY_IN, load->policy_in) < 0) ||
	    (load->policy_out &&
	     nla_put_u8(msg, VTL_FW_A_POLICY_OUT, load->policy_out) < 0))
		return -EMSGSIZE;
	/* top-level nests: one nest's 16-bit length holds too few rules */
	for (i = 0; i < list->len; i++) {
		offs[i] = vtl_nl_tail_offset(msg);
		rule = nla_nest_start(msg, VTL_FW_A_RULE);
		if (!rule || put_rule(msg, &list->rules[i]) ||
		    nla_nest_end(msg, rule) < 0)
			return -EMSGSIZE;
	}
	offs[i] = vtl_nl_tail_offset(msg);
	return 0;
}

/*
 * Replace the rules (and the policies given) of the port @ifindex by
 * @load, in one request.  If the kernel refuses a rule and says which (its
 * extended ACK's offset falls into the rule's nest), @bad is its index;
 * else SIZE_MAX.
 */
int vtl_nl_fw_load(struct vtl_nl *nl, uint32_t ifindex,
		   const struct vtlctl_fw_load *load, size_t *bad)
{
	size_t n = load->list.len, i;
	uint32_t *offs, bad_offs;
	struct nl_msg *msg;
	int err;

	*bad = SIZE_MAX;
	offs = calloc(n + 1, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	msg = vtl_nl_msg_size(nl, VTL_CMD_FW_LOAD, 0,
			      4 * NLA_ALIGN(NLA_HDRLEN + 4) + NLA_HDRLEN +
			      n * RULE_SPACE);
	if (!msg) {
		free(offs);
		return -ENOMEM;
	}
	err = put_load(msg, ifindex, load, offs);
	if (!err) {
		vtl_nl_fit_sndbuf(nl, nlmsg_hdr(msg)->nlmsg_len);
		err = vtl_nl_transact(nl, msg, NULL, NULL, NULL);
	}
	bad_offs = vtl_nl_bad_offs(nl);
	for (i = 0; err && bad_offs && i < n; i++) {
		if (bad_offs >= offs[i] && bad_offs < offs[i + 1])
			*bad = i;
	}
	nlmsg_free(msg);
	free(offs);
	return err;
}
