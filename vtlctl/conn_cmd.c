// SPDX-License-Identifier: GPL-2.0
/*
 * The conn object: the connections VTL tracks through its ports.
 *
 *   vtlctl conn show [ dev VMIF ]
 *   vtlctl conn flush [ dev VMIF ]
 *
 * The command line is the port object's grammar (port_parse()), with the
 * one keyword "dev".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "cmd.h"
#include "conn_cmd.h"
#include "common/objects.h"
#include "common/genl.h"
#include "common/parse.h"
#include "port_cmd.h"
#include "print.h"
#include "vtlctl.h"

/* As the kernel's vtl_model_state_name(); VTL_CONN_A_STATE documents them. */
static const char *const conn_states[] = {
	"new", "syn-recv", "established", "fin-wait", "closing", "time-wait",
	"closed",
};

/* The name of a state, or NULL for one this program does not know. */
const char *conn_state_name(uint8_t state)
{
	return state < ARRAY_SIZE(conn_states) ? conn_states[state] : NULL;
}

/* The name of a protocol of a connection, or NULL. */
const char *conn_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	}
	return NULL;
}

static void conn_usage(FILE *f);

/* port_parse() with only "dev"; an exit status, or -1 to go on. */
static int conn_parse(int argc, char *argv[], struct port_args *args)
{
	return vtl_parse_status(port_parse(argc, argv, PORT_KEY_DEV, 0, args),
				conn_usage);
}

static void print_ep(struct printer *p, const char *key, const char *who,
		     const struct vtlctl_conn_ep *ep, bool tcp)
{
	print_open_object(p, key);
	print_text(p, "\n    %s:", who);
	print_u64(p, tcp ? PRINT_ANY : PRINT_JSON, "seq", " seq %" PRIu64,
		  ep->seq);
	print_u64(p, tcp ? PRINT_ANY : PRINT_JSON, "ack", " ack %" PRIu64,
		  ep->ack);
	print_u64(p, tcp ? PRINT_ANY : PRINT_JSON, "window",
		  " window %" PRIu64, ep->window);
	print_u64(p, PRINT_ANY, "packets", " packets %" PRIu64, ep->packets);
	print_u64(p, PRINT_ANY, "bytes", " bytes %" PRIu64, ep->bytes);
	print_close_object(p);
}

/*
 * One connection: "vmif: tcp 10.9.0.1:40000 -> 10.9.0.2:5201 established
 * age 1200ms idle 3ms", then a line per endpoint.
 */
static void print_conn(struct printer *p, const struct vtlctl_conn *c)
{
	char dev[IF_NAMESIZE], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char proto_buf[16], state_buf[16];
	int af = c->family == 4 ? AF_INET : AF_INET6;
	const char *proto = conn_proto_name(c->proto);
	const char *state = conn_state_name(c->state);
	bool tcp = c->proto == IPPROTO_TCP;
	bool ports = tcp || c->proto == IPPROTO_UDP;

	if (!if_indextoname(c->ifindex, dev))
		snprintf(dev, sizeof(dev), "if%" PRIu32, c->ifindex);
	if (!proto) {
		snprintf(proto_buf, sizeof(proto_buf), "%u", c->proto);
		proto = proto_buf;
	}
	if (!state) {
		snprintf(state_buf, sizeof(state_buf), "unknown(%u)", c->state);
		state = state_buf;
	}
	inet_ntop(af, c->src, src, sizeof(src));
	inet_ntop(af, c->dst, dst, sizeof(dst));

	print_open_object(p, NULL);
	print_string(p, PRINT_ANY, "dev", "%s:", dev);
	print_string(p, PRINT_ANY, "proto", " %s", proto);
	print_u64(p, PRINT_JSON, "family", NULL, c->family);
	print_string(p, PRINT_ANY, "src", af == AF_INET6 ? " [%s]" : " %s", src);
	print_u64(p, ports ? PRINT_ANY : PRINT_JSON, "sport", ":%" PRIu64,
		  c->sport);
	print_string(p, PRINT_ANY, "dst", af == AF_INET6 ? " -> [%s]" : " -> %s",
		     dst);
	print_u64(p, ports ? PRINT_ANY : PRINT_JSON, "dport", ":%" PRIu64,
		  c->dport);
	if (!ports)
		print_u64(p, PRINT_TEXT, NULL, " id %" PRIu64, c->sport);
	print_string(p, PRINT_ANY, "state", " %s", state);
	print_u64(p, PRINT_ANY, "age_ms", " age %" PRIu64 "ms", c->age_ms);
	print_u64(p, PRINT_ANY, "idle_ms", " idle %" PRIu64 "ms", c->idle_ms);
	print_ep(p, "orig", "orig ", &c->orig, tcp);
	print_ep(p, "reply", "reply", &c->reply, tcp);
	print_text(p, "\n");
	print_close_object(p);
}

static void print_conns(struct printer *p, const struct vtl_opts *opts,
			const void *data)
{
	const struct vtlctl_conn_list *list = data;
	size_t i;

	(void)opts;
	print_open_array(p, NULL);
	for (i = 0; i < list->len; i++)
		print_conn(p, &list->conns[i]);
	print_close_array(p);
}

static int conn_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_conn_list list = { 0 };
	struct port_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = conn_parse(argc - 1, argv + 1, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	ret = vtl_nl_conn_dump(nl, ifindex, &list);
	/* print only a complete answer, and nothing after an error */
	if (ret)
		vtl_nl_perror(nl, args.dev, ret);
	else
		ret = vtl_cmd_print(opts, print_conns, &list);
	vtl_conn_list_free(&list);
	vtl_nl_close(nl);
	return ret ? VTL_EXIT_ERROR : VTL_EXIT_OK;
}

static int conn_flush(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct port_args args;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = conn_parse(argc - 1, argv + 1, &args);
	if (ret >= 0)
		return ret;
	if (vtl_cmd_prepare(opts, args.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	return vtl_cmd_finish(nl, args.dev, vtl_nl_conn_flush(nl, ifindex));
}

static const struct vtl_command conn_commands[] = {
	{ "show",	conn_show,	"show the tracked connections" },
	{ "list",	conn_show,	NULL },
	{ "flush",	conn_flush,	"forget the tracked connections" },
	{ "help",	NULL,		"show this help" },
};

static const size_t conn_ncommands = ARRAY_SIZE(conn_commands);

static void conn_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] conn show [ dev VMIF ]\n"
		"       vtlctl [ OPTIONS ] conn flush [ dev VMIF ]\n"
		"       vtlctl conn help\n");
	vtl_usage_commands(f, conn_commands, conn_ncommands);
}

/* vtlctl conn COMMAND ... */
int conn_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, conn_commands, conn_ncommands,
			    conn_usage);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

static int parse_conn_ep(struct nlattr *nest, struct vtlctl_conn_ep *ep)
{
	static const struct nla_policy policy[VTL_CONN_EP_A_MAX + 1] = {
		[VTL_CONN_EP_A_SEQ]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_ACK]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_WINDOW]	= { .type = NLA_U32 },
		[VTL_CONN_EP_A_PACKETS]	= { .type = NLA_U64 },
		[VTL_CONN_EP_A_BYTES]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_CONN_EP_A_MAX + 1];

	if (!nest || nla_parse_nested(tb, VTL_CONN_EP_A_MAX, nest, policy) < 0)
		return -EBADMSG;
	if (tb[VTL_CONN_EP_A_SEQ])
		ep->seq = nla_get_u32(tb[VTL_CONN_EP_A_SEQ]);
	if (tb[VTL_CONN_EP_A_ACK])
		ep->ack = nla_get_u32(tb[VTL_CONN_EP_A_ACK]);
	if (tb[VTL_CONN_EP_A_WINDOW])
		ep->window = nla_get_u32(tb[VTL_CONN_EP_A_WINDOW]);
	if (tb[VTL_CONN_EP_A_PACKETS])
		ep->packets = nla_get_u64(tb[VTL_CONN_EP_A_PACKETS]);
	if (tb[VTL_CONN_EP_A_BYTES])
		ep->bytes = nla_get_u64(tb[VTL_CONN_EP_A_BYTES]);
	return 0;
}

/* One VTL_CMD_CONN_GET reply into @conn. */
static int parse_conn(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_CONN_A_MAX + 1] = {
		[VTL_CONN_A_IFINDEX]	= { .type = NLA_U32 },
		[VTL_CONN_A_FAMILY]	= { .type = NLA_U8 },
		[VTL_CONN_A_PROTO]	= { .type = NLA_U8 },
		[VTL_CONN_A_SRC]	= { .type = NLA_UNSPEC },
		[VTL_CONN_A_DST]	= { .type = NLA_UNSPEC },
		[VTL_CONN_A_SPORT]	= { .type = NLA_U16 },
		[VTL_CONN_A_DPORT]	= { .type = NLA_U16 },
		[VTL_CONN_A_STATE]	= { .type = NLA_U8 },
		[VTL_CONN_A_ORIG]	= { .type = NLA_NESTED },
		[VTL_CONN_A_REPLY]	= { .type = NLA_NESTED },
		[VTL_CONN_A_AGE_MS]	= { .type = NLA_U64 },
		[VTL_CONN_A_IDLE_MS]	= { .type = NLA_U64 },
	};
	struct nlattr *tb[VTL_CONN_A_MAX + 1];
	struct vtlctl_conn *conn = item;

	memset(conn, 0, sizeof(*conn));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_CONN_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_CONN_A_IFINDEX] || !tb[VTL_CONN_A_FAMILY] ||
	    !tb[VTL_CONN_A_PROTO] || !tb[VTL_CONN_A_STATE])
		return -EBADMSG;
	conn->ifindex = nla_get_u32(tb[VTL_CONN_A_IFINDEX]);
	conn->family = nla_get_u8(tb[VTL_CONN_A_FAMILY]);
	if (conn->family != 4 && conn->family != 6)
		return -EBADMSG;
	conn->proto = nla_get_u8(tb[VTL_CONN_A_PROTO]);
	conn->state = nla_get_u8(tb[VTL_CONN_A_STATE]);
	if (vtl_nl_get_addr(tb[VTL_CONN_A_SRC], conn->family, conn->src) ||
	    vtl_nl_get_addr(tb[VTL_CONN_A_DST], conn->family, conn->dst) ||
	    parse_conn_ep(tb[VTL_CONN_A_ORIG], &conn->orig) ||
	    parse_conn_ep(tb[VTL_CONN_A_REPLY], &conn->reply))
		return -EBADMSG;
	if (tb[VTL_CONN_A_SPORT])
		conn->sport = nla_get_u16(tb[VTL_CONN_A_SPORT]);
	if (tb[VTL_CONN_A_DPORT])
		conn->dport = nla_get_u16(tb[VTL_CONN_A_DPORT]);
	if (tb[VTL_CONN_A_AGE_MS])
		conn->age_ms = nla_get_u64(tb[VTL_CONN_A_AGE_MS]);
	if (tb[VTL_CONN_A_IDLE_MS])
		conn->idle_ms = nla_get_u64(tb[VTL_CONN_A_IDLE_MS]);
	return 0;
}

/*
 * The connections of one port (@ifindex) or all, into @list (emptied
 * first).  Connections change all the time; only a change of the ports
 * makes the kernel flag the dump, and then it is redone.
 */
int vtl_nl_conn_dump(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtlctl_conn_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, conns, parse_conn);

	return vtl_nl_dump(nl, VTL_CMD_CONN_GET, VTL_CONN_A_IFINDEX, ifindex,
			   &dl, "ports");
}

int vtl_nl_conn_flush(struct vtl_nl *nl, uint32_t ifindex)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_CONN_FLUSH, 0,
						VTL_CONN_A_IFINDEX, ifindex);

	return vtl_nl_simple(nl, msg);
}
