// SPDX-License-Identifier: GPL-2.0
/*
 * The port object: attach VTL to a VM's device, detach it, show ports.
 *
 *   vtlctl port add dev VMIF [ peer UPIF ] [ mode MODE ] [ max-conns N ]
 *                  [ track { on | off } ]
 *   vtlctl port set dev VMIF { max-conns N | track { on | off } }...
 *   vtlctl port suspend dev VMIF
 *   vtlctl port resume dev VMIF
 *   vtlctl port del dev VMIF
 *   vtlctl port show [ dev VMIF ]
 *
 * Each command parses its whole line first (port_parse()), then enters the
 * namespace of -n, then looks up device names, and only then talks to the
 * kernel: a wrong line never reaches it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "addr.h"
#include "cmd.h"
#include "export_file.h"
#include "fw_cmd.h"
#include "common/objects.h"
#include "common/genl.h"
#include "common/parse.h"
#include "port_cmd.h"
#include "print.h"
#include "rewrite_cmd.h"
#include "vtlctl.h"

static const struct vtl_word port_modes[] = {
	{ "host-only",	VTL_PORT_MODE_HOST_ONLY },
	{ "standalone",	VTL_PORT_MODE_STANDALONE },
	{ "bridge",	VTL_PORT_MODE_BRIDGE },
};

static const struct vtl_word port_keys[] = {
	{ "dev",	PORT_KEY_DEV },
	{ "peer",	PORT_KEY_PEER },
	{ "mode",	PORT_KEY_MODE },
	/* "m" meant "mode" before "max-conns" came, and still does */
	{ "m",		PORT_KEY_MODE },
	{ "max-conns",	PORT_KEY_MAX_CONNS },
	{ "track",	PORT_KEY_TRACK },
	{ "help",	PORT_KEY_HELP },
};

static const struct vtl_word port_onoff[] = {
	{ "on",		1 },
	{ "off",	0 },
};

/* The name of a mode, or NULL for one this program does not know. */
const char *port_mode_name(uint32_t mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(port_modes); i++) {
		if ((uint32_t)port_modes[i].id == mode)
			return port_modes[i].name;
	}
	return NULL;
}

static int parse_mode(const char *arg, uint32_t *mode)
{
	int i = vtl_match(arg, port_modes, ARRAY_SIZE(port_modes));

	if (i < 0) {
		vtl_err("invalid mode \"%s\"", arg);
		return -EINVAL;
	}
	*mode = port_modes[i].id;
	return 0;
}

/* A decimal u32, all of @arg; 0 or -EINVAL. */
int port_parse_u32(const char *arg, uint32_t *val)
{
	unsigned long long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

static int parse_max_conns(const char *arg, struct port_args *args)
{
	if (port_parse_u32(arg, &args->max_conns)) {
		vtl_err("invalid max-conns \"%s\"", arg);
		return -EINVAL;
	}
	args->has_max_conns = true;
	return 0;
}

static int parse_track(const char *arg, struct port_args *args)
{
	int i = vtl_match(arg, port_onoff, ARRAY_SIZE(port_onoff));

	if (i < 0) {
		vtl_err("invalid track \"%s\"", arg);
		return -EINVAL;
	}
	args->has_track = true;
	args->track = port_onoff[i].id;
	return 0;
}

int port_parse_dev(const char *arg, const char **dev)
{
	if (!vtl_ifname_valid(arg)) {
		vtl_err("invalid device name \"%s\"", arg);
		return -EINVAL;
	}
	*dev = arg;
	return 0;
}

static int port_value(void *ctx, int key, const char *arg)
{
	struct port_args *args = ctx;

	switch (key) {
	case PORT_KEY_DEV:
		return port_parse_dev(arg, &args->dev);
	case PORT_KEY_PEER:
		return port_parse_dev(arg, &args->peer);
	case PORT_KEY_MODE:
		return parse_mode(arg, &args->mode);
	case PORT_KEY_MAX_CONNS:
		return parse_max_conns(arg, args);
	case PORT_KEY_TRACK:
		return parse_track(arg, args);
	}
	return -EINVAL;
}

static const struct vtl_keys port_grammar = {
	.words = port_keys,
	.n = ARRAY_SIZE(port_keys),
	.help = PORT_KEY_HELP,
	.value = port_value,
};

/*
 * Parse "keyword value" pairs into @args.  @takes: the keywords this
 * command accepts (others are unknown to it); @needs: those it requires.
 */
int port_parse(int argc, char *argv[], unsigned int takes,
	       unsigned int needs, struct port_args *args)
{
	memset(args, 0, sizeof(*args));
	return vtl_parse_keys(&port_grammar, argc, argv, takes, needs, args);
}

static void port_usage(FILE *f);

/* Enter the namespace, then look up @dev (and @peer, if given). */
static int prepare(const struct vtl_opts *opts, const struct port_args *args,
		   struct vtlctl_port_req *req)
{
	memset(req, 0, sizeof(*req));
	if (vtl_netns_enter(opts->netns))
		return -EINVAL;
	if (args->dev && vtl_cmd_lookup(args->dev, &req->ifindex))
		return -ENODEV;
	if (args->peer && vtl_cmd_lookup(args->peer, &req->peer_ifindex))
		return -ENODEV;
	req->mode = args->mode;
	req->has_max_conns = args->has_max_conns;
	req->max_conns = args->max_conns;
	req->has_track = args->has_track;
	req->track = args->track;
	return 0;
}

/*
 * A command that sends one request about a port: parse the line (the
 * keywords @takes, of which @needs are required), look up the devices,
 * then @send; with @suspend, set VTL_PORT_A_SUSPENDED to it.
 */
static int port_command(const struct vtl_opts *opts, int argc, char *argv[],
			unsigned int takes, unsigned int needs,
			int (*send)(struct vtl_nl *,
				    const struct vtlctl_port_req *),
			const bool *suspend)
{
	struct port_args args;
	struct vtlctl_port_req req;
	struct vtl_nl *nl;
	int ret;

	ret = port_parse(argc - 1, argv + 1, takes, needs, &args);
	/* port set: max-conns unless track (suspend and resume send theirs) */
	if (ret == PORT_PARSE_OK && send == vtl_nl_port_set && !suspend &&
	    !args.has_max_conns && !args.has_track) {
		vtl_err("\"max-conns\" is required");
		ret = PORT_PARSE_ERROR;
	}
	if (ret != PORT_PARSE_OK)
		return vtl_parse_status(ret, port_usage);
	if (prepare(opts, &args, &req) || vtl_nl_open(&nl))
		return VTL_EXIT_ERROR;
	if (suspend) {
		req.has_suspended = true;
		req.suspended = *suspend;
	}
	ret = send(nl, &req);
	if (ret)
		vtl_nl_perror(nl, args.dev, ret);
	vtl_nl_close(nl);
	return ret ? VTL_EXIT_ERROR : VTL_EXIT_OK;
}

static int port_add(const struct vtl_opts *opts, int argc, char *argv[])
{
	return port_command(opts, argc, argv,
			    PORT_KEY_DEV | PORT_KEY_PEER | PORT_KEY_MODE |
			    PORT_KEY_MAX_CONNS | PORT_KEY_TRACK, PORT_KEY_DEV,
			    vtl_nl_port_new,
			    NULL);
}

static int port_set(const struct vtl_opts *opts, int argc, char *argv[])
{
	return port_command(opts, argc, argv,
			    PORT_KEY_DEV | PORT_KEY_MAX_CONNS | PORT_KEY_TRACK,
			    PORT_KEY_DEV, vtl_nl_port_set,
			    NULL);
}

static int port_suspend(const struct vtl_opts *opts, int argc, char *argv[])
{
	static const bool suspend = true;

	return port_command(opts, argc, argv, PORT_KEY_DEV, PORT_KEY_DEV,
			    vtl_nl_port_set, &suspend);
}

static int port_resume(const struct vtl_opts *opts, int argc, char *argv[])
{
	static const bool suspend;

	return port_command(opts, argc, argv, PORT_KEY_DEV, PORT_KEY_DEV,
			    vtl_nl_port_set, &suspend);
}

static int send_del(struct vtl_nl *nl, const struct vtlctl_port_req *req)
{
	return vtl_nl_port_del(nl, req->ifindex);
}

static int port_del(const struct vtl_opts *opts, int argc, char *argv[])
{
	return port_command(opts, argc, argv, PORT_KEY_DEV, PORT_KEY_DEV,
			    send_del, NULL);
}

struct counter {
	int attr;		/* enum vtl_stats_attr */
	const char *key;	/* JSON */
	const char *fmt;	/* text */
};

static const struct counter rx_counters[] = {
	{ VTL_STATS_A_RX_PACKETS, "rx_packets",	" packets %" PRIu64 },
	{ VTL_STATS_A_RX_BYTES,	  "rx_bytes",	" bytes %" PRIu64 },
	{ VTL_STATS_A_DROPPED,	  "dropped",	" dropped %" PRIu64 },
};

static const struct counter tx_counters[] = {
	{ VTL_STATS_A_TX_PACKETS, "tx_packets",	" packets %" PRIu64 },
	{ VTL_STATS_A_TX_BYTES,	  "tx_bytes",	" bytes %" PRIu64 },
};

/* Each counter of @c that was returned (bit attr of @present), from @val. */
static void print_present(struct printer *p, const struct counter *c, size_t n,
			  const uint64_t *val, uint32_t present)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (present & (1u << c[i].attr))
			print_u64(p, PRINT_ANY, c[i].key, c[i].fmt,
				  val[c[i].attr]);
	}
}

/* One text line, "    [peer ]RX: packets N ...", of the counters present. */
static void print_counters(struct printer *p, const char *who,
			   const char *dir, const struct counter *c, size_t n,
			   const struct vtlctl_stats *s)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++)
		any |= vtl_stats_has(s, c[i].attr);
	if (!any)
		return;
	print_text(p, "\n    %s%s:", who, dir);
	print_present(p, c, n, s->counter, s->present);
}

static void print_stats(struct printer *p, const char *key, const char *who,
			const struct vtlctl_stats *s)
{
	print_open_object(p, key);
	print_counters(p, who, "RX", rx_counters, ARRAY_SIZE(rx_counters), s);
	print_counters(p, who, "TX", tx_counters, ARRAY_SIZE(tx_counters), s);
	print_close_object(p);
}

static const struct counter persist_counters[] = {
	{ VTL_PERSIST_A_SUSPENSIONS, "suspensions",  " suspensions %" PRIu64 },
	{ VTL_PERSIST_A_ACKS,	     "acks",	     " acks %" PRIu64 },
	{ VTL_PERSIST_A_ARP_REPLIES, "arp_replies",  " arp-replies %" PRIu64 },
	{ VTL_PERSIST_A_ND_REPLIES,  "nd_replies",   " nd-replies %" PRIu64 },
	{ VTL_PERSIST_A_DROPPED,     "dropped",	     " dropped %" PRIu64 },
	{ VTL_PERSIST_A_UPDATES,     "updates",	     " updates %" PRIu64 },
	{ VTL_PERSIST_A_ADDRS,	     "vm_addrs",     " vm-addrs %" PRIu64 },
	{ VTL_PERSIST_A_ADDRS6,	     "vm_addrs6",    " vm-addrs6 %" PRIu64 },
};

/*
 * "\n    persist: suspensions N acks N ... vm-mac M": what VTL did while
 * the port was suspended, and what it knows of the VM.
 */
static void print_persist(struct printer *p,
			  const struct vtlctl_persist_port *ps)
{
	char buf[VTL_ADDR_STRLEN];

	print_open_object(p, "persist");
	print_text(p, "\n    persist:");
	print_present(p, persist_counters, ARRAY_SIZE(persist_counters),
		      ps->val, ps->present);
	if (ps->has_mac)
		print_string(p, PRINT_ANY, "vm_mac", " vm-mac %s",
			     vtl_format_mac(buf, ps->mac));
	print_close_object(p);
}

static const struct counter ring_counters[] = {
	{ VTL_RING_PORT_A_SLOTS,       "slots",	      " slots %" PRIu64 },
	{ VTL_RING_PORT_A_UP,	       "up",	      " up %" PRIu64 },
	{ VTL_RING_PORT_A_DOWN,	       "down",	      " down %" PRIu64 },
	{ VTL_RING_PORT_A_LOST,	       "lost",	      " lost %" PRIu64 },
	{ VTL_RING_PORT_A_FAIL_CLOSED, "fail_closed", " fail-closed %" PRIu64 },
	{ VTL_RING_PORT_A_DOWN_ERRORS, "down_errors", " down-errors %" PRIu64 },
};

static bool ring_has(const struct vtlctl_ring_port *r, int attr)
{
	return r->present & (1u << attr);
}

/*
 * "\n    ring: attached owned slots N up N down N lost N ...": the port's
 * shared ring to the daemon, as OVS shows its upcalls.
 */
static void print_ring(struct printer *p, const struct vtlctl_ring_port *r)
{
	print_open_object(p, "ring");
	print_text(p, "\n    ring:");
	if (ring_has(r, VTL_RING_PORT_A_ATTACHED)) {
		print_bool(p, PRINT_JSON, "attached", NULL,
			   r->val[VTL_RING_PORT_A_ATTACHED]);
		print_text(p, r->val[VTL_RING_PORT_A_ATTACHED] ?
			   " attached" : " detached");
	}
	if (ring_has(r, VTL_RING_PORT_A_OWNED)) {
		print_bool(p, PRINT_JSON, "owned", NULL,
			   r->val[VTL_RING_PORT_A_OWNED]);
		if (r->val[VTL_RING_PORT_A_OWNED])
			print_text(p, " owned");
	}
	print_present(p, ring_counters, ARRAY_SIZE(ring_counters), r->val,
		      r->present);
	print_close_object(p);
}

/*
 * One port: "vmif0: mode standalone peer up0", and with -s a line per
 * direction and device.  In JSON, an object with the same fields.
 */
static void print_port(struct printer *p, const struct vtl_opts *opts,
		       const struct vtlctl_port *port)
{
	char buf[IF_NAMESIZE], peer_buf[IF_NAMESIZE], mode_buf[32];
	const char *mode = port_mode_name(port->mode);

	if (!mode) {
		snprintf(mode_buf, sizeof(mode_buf), "unknown(%" PRIu32 ")",
			 port->mode);
		mode = mode_buf;
	}
	print_open_object(p, NULL);
	print_u64(p, PRINT_JSON, "ifindex", NULL, port->ifindex);
	print_string(p, PRINT_ANY, "dev", "%s:",
		     vtl_dev_name(port->ifname, port->ifindex, buf));
	print_string(p, PRINT_ANY, "mode", " mode %s", mode);
	if (port->has_peer) {
		if (port->peer_ifindex)
			print_u64(p, PRINT_JSON, "peer_ifindex", NULL,
				  port->peer_ifindex);
		print_string(p, PRINT_ANY, "peer", " peer %s",
			     vtl_dev_name(port->peer_ifname, port->peer_ifindex,
				  peer_buf));
	}
	if (port->has_max_conns)
		print_u64(p, PRINT_ANY, "max_conns", " max-conns %" PRIu64,
			  port->max_conns);
	if (port->has_track) {
		print_bool(p, PRINT_JSON, "track", NULL, port->track);
		if (port->track)
			print_text(p, " track on");
	}
	if (port->has_suspended) {
		print_bool(p, PRINT_JSON, "suspended", NULL, port->suspended);
		if (port->suspended)
			print_text(p, " suspended");
	}
	if (opts->stats && (port->has_conns || port->has_conn_dropped))
		print_text(p, "\n    conns:");
	if (opts->stats && port->has_conns)
		print_u64(p, PRINT_ANY, "conns", " tracked %" PRIu64,
			  port->conns);
	if (opts->stats && port->has_conn_dropped)
		print_u64(p, PRINT_ANY, "conn_dropped", " dropped %" PRIu64,
			  port->conn_dropped);
	if (opts->stats && port->has_fw) {
		print_open_object(p, "fw");
		print_text(p, "\n    fw:");
		fw_print_config(p, &port->fw);
		print_text(p, "\n    fw:");
		fw_print_counters(p, &port->fw);
		print_close_object(p);
	}
	if (opts->stats && port->has_rewrite)
		rw_print_port(p, &port->rewrite);
	if (opts->stats && port->has_persist)
		print_persist(p, &port->persist);
	if (opts->stats && port->has_ring)
		print_ring(p, &port->ring);
	if (opts->stats && port->has_stats)
		print_stats(p, "stats", "", &port->stats);
	if (opts->stats && port->has_peer_stats)
		print_stats(p, "peer_stats", "peer ", &port->peer_stats);
	print_text(p, "\n");
	print_close_object(p);
}

static void print_ports(struct printer *p, const struct vtl_opts *opts,
			const void *data)
{
	const struct vtlctl_port_list *list = data;
	size_t i;

	print_open_array(p, NULL);
	for (i = 0; i < list->len; i++) {
		/* with counters, a port takes lines: set them apart */
		if (i && opts->stats)
			print_text(p, "\n");
		print_port(p, opts, &list->ports[i]);
	}
	print_close_array(p);
}

static int port_show(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtlctl_port_list list = { 0 };
	struct vtlctl_port port;
	struct port_args args;
	struct vtlctl_port_req req;
	struct vtl_nl *nl;
	int ret;

	ret = port_parse(argc - 1, argv + 1, PORT_KEY_DEV, 0, &args);
	if (ret != PORT_PARSE_OK)
		return vtl_parse_status(ret, port_usage);
	if (prepare(opts, &args, &req) || vtl_nl_open(&nl))
		return VTL_EXIT_ERROR;
	if (args.dev) {
		ret = vtl_nl_port_get(nl, req.ifindex, &port);
		list.ports = &port;
		list.len = ret ? 0 : 1;
	} else {
		ret = vtl_nl_port_dump(nl, &list);
	}
	/* print only a complete answer, and nothing after an error */
	if (ret)
		vtl_nl_perror(nl, args.dev, ret);
	else
		ret = vtl_cmd_print(opts, print_ports, &list);
	if (!args.dev)
		vtl_port_list_free(&list);
	vtl_nl_close(nl);
	return ret ? VTL_EXIT_ERROR : VTL_EXIT_OK;
}

static const struct vtl_command port_commands[] = {
	{ "add",	port_add,	"attach VTL to a device" },
	{ "set",	port_set,	"change a port's settings" },
	{ "suspend",	port_suspend,	"answer for the VM while it is suspended" },
	{ "resume",	port_resume,	"hand its connections back to the VM" },
	{ "del",	port_del,	"detach VTL from a device" },
	{ "delete",	port_del,	NULL },
	{ "show",	port_show,	"show one port, or all of them" },
	{ "list",	port_show,	NULL },
	{ "export",	port_export,	"write a port's state to a file" },
	{ "import",	port_import,	"make an attached port's state a file's" },
	{ "help",	NULL,		"show this help" },
};

static const size_t port_ncommands = ARRAY_SIZE(port_commands);

static void port_usage(FILE *f)
{
	fprintf(f,
		"Usage: vtlctl [ OPTIONS ] port add dev VMIF [ peer UPIF ] [ mode MODE ]\n"
		"                                   [ max-conns N ] [ track { on | off } ]\n"
		"       vtlctl [ OPTIONS ] port set dev VMIF { max-conns N | track { on | off } }...\n"
		"       vtlctl [ OPTIONS ] port { suspend | resume } dev VMIF\n"
		"       vtlctl [ OPTIONS ] port del dev VMIF\n"
		"       vtlctl [ OPTIONS ] port show [ dev VMIF ]\n"
		"       vtlctl [ OPTIONS ] port export dev VMIF [ FILE | - ]\n"
		"       vtlctl [ OPTIONS ] port import dev VMIF { FILE | - }\n"
		"       vtlctl port help\n"
		"MODE := { host-only | standalone | bridge }\n");
	vtl_usage_commands(f, port_commands, port_ncommands);
}

/* vtlctl port COMMAND ... */
int port_main(const struct vtl_opts *opts, int argc, char *argv[])
{
	return vtl_dispatch(opts, argc, argv, port_commands, port_ncommands,
			    port_usage);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

/* VTL_PORT_A_PERSIST: 64-bit counters, the number of addresses, the MAC. */
static int parse_persist_port(struct nlattr *nest,
			      struct vtlctl_persist_port *ps)
{
	static const struct nla_policy policy[VTL_PERSIST_A_MAX + 1] = {
		[VTL_PERSIST_A_ACKS]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_ARP_REPLIES]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_DROPPED]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_UPDATES]		= { .type = NLA_U64 },
		[VTL_PERSIST_A_SUSPENSIONS]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_ADDRS]		= { .type = NLA_U32 },
		[VTL_PERSIST_A_ND_REPLIES]	= { .type = NLA_U64 },
		[VTL_PERSIST_A_ADDRS6]		= { .type = NLA_U32 },
	};
	struct nlattr *mac;

	if (vtl_nl_parse_scalars(nest, VTL_PERSIST_A_MAX, policy, ps->val,
				 &ps->present))
		return -EBADMSG;
	mac = nla_find(nla_data(nest), nla_len(nest), VTL_PERSIST_A_MAC);
	ps->has_mac = false;
	if (mac) {
		if (nla_len(mac) != sizeof(ps->mac))
			return -EBADMSG;
		memcpy(ps->mac, nla_data(mac), sizeof(ps->mac));
		ps->has_mac = true;
	}
	return 0;
}

/* VTL_PORT_A_RING: flags, the slot count, 64-bit counters. */
static int parse_ring_port(struct nlattr *nest, struct vtlctl_ring_port *ring)
{
	static const struct nla_policy policy[VTL_RING_PORT_A_MAX + 1] = {
		[VTL_RING_PORT_A_ATTACHED]	= { .type = NLA_U8 },
		[VTL_RING_PORT_A_OWNED]		= { .type = NLA_U8 },
		[VTL_RING_PORT_A_SLOTS]		= { .type = NLA_U32 },
		[VTL_RING_PORT_A_UP]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_DOWN]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_LOST]		= { .type = NLA_U64 },
		[VTL_RING_PORT_A_FAIL_CLOSED]	= { .type = NLA_U64 },
		[VTL_RING_PORT_A_DOWN_ERRORS]	= { .type = NLA_U64 },
	};

	return vtl_nl_parse_scalars(nest, VTL_RING_PORT_A_MAX, policy,
				    ring->val, &ring->present);
}

/*
 * One VTL_CMD_PORT_GET reply into @port.  Attributes newer than this
 * program are ignored; a known one of the wrong size is an error.
 */
static int parse_port(struct nl_msg *msg, void *item)
{
	static const struct nla_policy policy[VTL_PORT_A_MAX + 1] = {
		[VTL_PORT_A_IFINDEX]	  = { .type = NLA_U32 },
		[VTL_PORT_A_IFNAME]	  = { .type = NLA_STRING,
					      .maxlen = IF_NAMESIZE },
		[VTL_PORT_A_MODE]	  = { .type = NLA_U32 },
		[VTL_PORT_A_PEER_IFINDEX] = { .type = NLA_U32 },
		[VTL_PORT_A_PEER_IFNAME]  = { .type = NLA_STRING,
					      .maxlen = IF_NAMESIZE },
		[VTL_PORT_A_STATS]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_PEER_STATS]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_MAX_CONNS]	  = { .type = NLA_U32 },
		[VTL_PORT_A_TRACK]	  = { .type = NLA_U8 },
		[VTL_PORT_A_CONNS]	  = { .type = NLA_U32 },
		[VTL_PORT_A_CONN_DROPPED] = { .type = NLA_U64 },
		[VTL_PORT_A_FW]		  = { .type = NLA_NESTED },
		[VTL_PORT_A_REWRITE]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_SUSPENDED]	  = { .type = NLA_U8 },
		[VTL_PORT_A_PERSIST]	  = { .type = NLA_NESTED },
		[VTL_PORT_A_RING]	  = { .type = NLA_NESTED },
	};
	struct nlattr *tb[VTL_PORT_A_MAX + 1];
	struct vtlctl_port *port = item;

	memset(port, 0, sizeof(*port));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VTL_PORT_A_MAX, policy) < 0)
		return -EBADMSG;
	if (!tb[VTL_PORT_A_IFINDEX] || !tb[VTL_PORT_A_MODE])
		return -EBADMSG;
	port->ifindex = nla_get_u32(tb[VTL_PORT_A_IFINDEX]);
	port->mode = nla_get_u32(tb[VTL_PORT_A_MODE]);
	if (tb[VTL_PORT_A_IFNAME])
		nla_strlcpy(port->ifname, tb[VTL_PORT_A_IFNAME],
			    sizeof(port->ifname));
	if (tb[VTL_PORT_A_PEER_IFINDEX]) {
		port->has_peer = true;
		port->peer_ifindex = nla_get_u32(tb[VTL_PORT_A_PEER_IFINDEX]);
	}
	if (tb[VTL_PORT_A_PEER_IFNAME]) {
		port->has_peer = true;
		nla_strlcpy(port->peer_ifname, tb[VTL_PORT_A_PEER_IFNAME],
			    sizeof(port->peer_ifname));
	}
	if (tb[VTL_PORT_A_STATS]) {
		if (vtl_nl_parse_stats(tb[VTL_PORT_A_STATS], &port->stats))
			return -EBADMSG;
		port->has_stats = true;
	}
	if (tb[VTL_PORT_A_PEER_STATS]) {
		if (vtl_nl_parse_stats(tb[VTL_PORT_A_PEER_STATS],
				       &port->peer_stats))
			return -EBADMSG;
		port->has_peer_stats = true;
	}
	if (tb[VTL_PORT_A_MAX_CONNS]) {
		port->has_max_conns = true;
		port->max_conns = nla_get_u32(tb[VTL_PORT_A_MAX_CONNS]);
	}
	if (tb[VTL_PORT_A_TRACK]) {
		port->has_track = true;
		port->track = nla_get_u8(tb[VTL_PORT_A_TRACK]);
	}
	if (tb[VTL_PORT_A_CONNS]) {
		port->has_conns = true;
		port->conns = nla_get_u32(tb[VTL_PORT_A_CONNS]);
	}
	if (tb[VTL_PORT_A_CONN_DROPPED]) {
		port->has_conn_dropped = true;
		port->conn_dropped = nla_get_u64(tb[VTL_PORT_A_CONN_DROPPED]);
	}
	if (tb[VTL_PORT_A_FW]) {
		if (vtl_fw_port_parse(tb[VTL_PORT_A_FW], &port->fw))
			return -EBADMSG;
		port->has_fw = true;
	}
	if (tb[VTL_PORT_A_REWRITE]) {
		if (vtl_rw_port_parse(tb[VTL_PORT_A_REWRITE], &port->rewrite))
			return -EBADMSG;
		port->has_rewrite = true;
	}
	if (tb[VTL_PORT_A_SUSPENDED]) {
		port->has_suspended = true;
		port->suspended = nla_get_u8(tb[VTL_PORT_A_SUSPENDED]);
	}
	if (tb[VTL_PORT_A_PERSIST]) {
		if (parse_persist_port(tb[VTL_PORT_A_PERSIST], &port->persist))
			return -EBADMSG;
		port->has_persist = true;
	}
	if (tb[VTL_PORT_A_RING]) {
		if (parse_ring_port(tb[VTL_PORT_A_RING], &port->ring))
			return -EBADMSG;
		port->has_ring = true;
	}
	return 0;
}

struct one_port {
	struct vtlctl_port *port;
	bool found;
};

static int parse_one_port(struct nl_msg *msg, void *arg)
{
	struct one_port *one = arg;
	int err;

	if (one->found)		/* a doit answers once */
		return -EBADMSG;
	err = parse_port(msg, one->port);
	if (!err)
		one->found = true;
	return err;
}

/* Send a command that takes only the port's ifindex (and more, from @req). */
static int port_request(struct vtl_nl *nl, uint8_t cmd,
			const struct vtlctl_port_req *req,
			int (*parse)(struct nl_msg *, void *), void *arg)
{
	struct nl_msg *msg = vtl_nl_msg(nl, cmd, 0);
	int err = -EMSGSIZE;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, VTL_PORT_A_IFINDEX, req->ifindex) < 0)
		goto out;
	if (req->mode && nla_put_u32(msg, VTL_PORT_A_MODE, req->mode) < 0)
		goto out;
	if (req->peer_ifindex &&
	    nla_put_u32(msg, VTL_PORT_A_PEER_IFINDEX, req->peer_ifindex) < 0)
		goto out;
	if (req->has_max_conns &&
	    nla_put_u32(msg, VTL_PORT_A_MAX_CONNS, req->max_conns) < 0)
		goto out;
	if (req->has_suspended &&
	    nla_put_u8(msg, VTL_PORT_A_SUSPENDED, req->suspended) < 0)
		goto out;
	if (req->has_track && nla_put_u8(msg, VTL_PORT_A_TRACK, req->track) < 0)
		goto out;
	err = vtl_nl_transact(nl, msg, parse, arg, NULL);
out:
	nlmsg_free(msg);
	return err;
}

int vtl_nl_port_new(struct vtl_nl *nl, const struct vtlctl_port_req *req)
{
	return port_request(nl, VTL_CMD_PORT_NEW, req, NULL, NULL);
}

int vtl_nl_port_del(struct vtl_nl *nl, uint32_t ifindex)
{
	struct vtlctl_port_req req = { .ifindex = ifindex };

	return port_request(nl, VTL_CMD_PORT_DEL, &req, NULL, NULL);
}

int vtl_nl_port_get(struct vtl_nl *nl, uint32_t ifindex,
		    struct vtlctl_port *port)
{
	struct vtlctl_port_req req = { .ifindex = ifindex };
	struct one_port one = { .port = port };
	int err;

	err = port_request(nl, VTL_CMD_PORT_GET, &req, parse_one_port, &one);
	if (!err && !one.found) {
		vtl_nl_set_msg(nl, "the kernel sent no port");
		err = -EBADMSG;
	}
	return err;
}

/* Every port of the namespace into @list (emptied first), consistently. */
int vtl_nl_port_dump(struct vtl_nl *nl, struct vtlctl_port_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, ports, parse_port);

	return vtl_nl_dump(nl, VTL_CMD_PORT_GET, VTL_PORT_A_IFINDEX, 0, &dl, "ports");
}

int vtl_nl_port_set(struct vtl_nl *nl, const struct vtlctl_port_req *req)
{
	return port_request(nl, VTL_CMD_PORT_SET, req, NULL, NULL);
}
