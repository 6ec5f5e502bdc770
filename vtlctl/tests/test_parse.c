// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vtlctl's command-line parsing: prefix matching, the port
 * keywords, and the message each wrong line gets.  No kernel involved.
 */
#include <linux/vtl.h>

#include <endian.h>
#include <stdlib.h>
#include <netinet/in.h>

#include "../addr.h"
#include "../conn_cmd.h"
#include "../export_file.h"
#include "../fw_cmd.h"
#include "../common/parse.h"
#include "../port_cmd.h"
#include "../rewrite_cmd.h"
#include "../socks_cmd.h"
#include "../../selftests/tap.h"

enum { A_ADD = 1, A_DEL };

static const struct vtl_word words[] = {
	{ "add", A_ADD }, { "del", A_DEL }, { "delete", A_DEL },
	{ "debug", 9 },
};

static void test_match(void)
{
	CHECK(vtl_match("add", words, ARRAY_SIZE(words)) == 0, "exact word");
	CHECK(vtl_match("a", words, ARRAY_SIZE(words)) == 0, "prefix");
	CHECK(vtl_match("del", words, ARRAY_SIZE(words)) == 1,
	      "exact match wins over longer words");
	CHECK(vtl_match("dele", words, ARRAY_SIZE(words)) == 2,
	      "prefix of an alias");
	CHECK(vtl_match("de", words, ARRAY_SIZE(words)) == VTL_MATCH_AMBIGUOUS,
	      "prefix of two different words is ambiguous");
	CHECK(vtl_match("deb", words, ARRAY_SIZE(words)) == 3,
	      "longer prefix resolves it");
	CHECK(vtl_match("x", words, ARRAY_SIZE(words)) == VTL_MATCH_NONE,
	      "unknown word");
	CHECK(vtl_match("", words, ARRAY_SIZE(words)) == VTL_MATCH_NONE,
	      "empty word matches nothing");
	CHECK(vtl_match("addx", words, ARRAY_SIZE(words)) == VTL_MATCH_NONE,
	      "longer than the word");
}

static void test_ifname(void)
{
	CHECK(vtl_ifname_valid("vmif0"), "valid name");
	CHECK(vtl_ifname_valid("123456789012345"), "15 characters");
	CHECK(!vtl_ifname_valid("1234567890123456"), "16 characters");
	CHECK(!vtl_ifname_valid(""), "empty name");
	CHECK(!vtl_ifname_valid("a/b"), "slash");
	CHECK(!vtl_ifname_valid("a b"), "space");
	CHECK(!vtl_ifname_valid("a:1"), "colon");
	CHECK(!vtl_ifname_valid(".."), "dot-dot");
}

#define ADD_KEYS (PORT_KEY_DEV | PORT_KEY_PEER | PORT_KEY_MODE)

/* Split @line at spaces into @argv; the words live until the next call. */
static int split(const char *line, char *argv[32])
{
	static char buf[512];
	int argc = 0;
	char *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok && argc < 31; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

/* Parse @line (words split at spaces); @err: the expected stderr. */
static int parse(const char *line, unsigned int takes, unsigned int needs,
		 struct port_args *args, const char *err, const char *what)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = port_parse(argc, argv, takes, needs, args);
	CHECK_STR(capture_end(&cap), err, "%s: message", what);
	return ret;
}

static void test_port_parse(void)
{
	struct port_args a;
	int ret;

	ret = parse("dev vmif0", ADD_KEYS, PORT_KEY_DEV, &a, "", "host-only");
	CHECK(ret == PORT_PARSE_OK && !strcmp(a.dev, "vmif0") && !a.peer &&
	      a.mode == VTL_PORT_MODE_UNSPEC, "host-only: parsed");

	ret = parse("dev vmif0 peer up0", ADD_KEYS, PORT_KEY_DEV, &a, "",
		    "standalone");
	CHECK(ret == PORT_PARSE_OK && !strcmp(a.peer, "up0") && !a.mode,
	      "standalone: parsed, mode left to the kernel");

	ret = parse("m s p up0 d vmif0", ADD_KEYS, PORT_KEY_DEV, &a, "",
		    "prefixes, any order");
	CHECK(ret == PORT_PARSE_OK && !strcmp(a.dev, "vmif0") &&
	      !strcmp(a.peer, "up0") && a.mode == VTL_PORT_MODE_STANDALONE,
	      "prefixes, any order: parsed");

	ret = parse("dev v mode host-only", ADD_KEYS, 0, &a, "", "host-only");
	CHECK(a.mode == VTL_PORT_MODE_HOST_ONLY, "mode host-only");
	ret = parse("dev v mode bridge", ADD_KEYS, 0, &a, "", "bridge");
	CHECK(a.mode == VTL_PORT_MODE_BRIDGE, "mode bridge");

	ret = parse("dev v foo x", ADD_KEYS, 0, &a,
		    "Error: unknown keyword \"foo\"\n", "unknown keyword");
	CHECK(ret == PORT_PARSE_ERROR, "unknown keyword: error");
	ret = parse("dev v mode", ADD_KEYS, 0, &a,
		    "Error: \"mode\" needs a value\n", "missing value");
	CHECK(ret == PORT_PARSE_ERROR, "missing value: error");
	ret = parse("dev v mode x", ADD_KEYS, 0, &a,
		    "Error: invalid mode \"x\"\n", "invalid mode");
	CHECK(ret == PORT_PARSE_ERROR, "invalid mode: error");
	ret = parse("dev v dev w", ADD_KEYS, 0, &a,
		    "Error: duplicate \"dev\"\n", "duplicate");
	CHECK(ret == PORT_PARSE_ERROR, "duplicate: error");
	ret = parse("peer up0", ADD_KEYS, PORT_KEY_DEV, &a,
		    "Error: \"dev\" is required\n", "required");
	CHECK(ret == PORT_PARSE_ERROR, "required: error");
	ret = parse("dev a/b", ADD_KEYS, 0, &a,
		    "Error: invalid device name \"a/b\"\n", "bad name");
	CHECK(ret == PORT_PARSE_ERROR, "bad name: error");
	ret = parse("dev v peer x", PORT_KEY_DEV, 0, &a,
		    "Error: unknown keyword \"peer\"\n", "keyword of another command");
	CHECK(ret == PORT_PARSE_ERROR, "keyword of another command: error");

	ret = parse("help", PORT_KEY_DEV, PORT_KEY_DEV, &a, "", "help");
	CHECK(ret == PORT_PARSE_HELP, "help beats a missing \"dev\"");
	ret = parse("dev help", PORT_KEY_DEV, 0, &a, "", "dev help");
	CHECK(ret == PORT_PARSE_OK && !strcmp(a.dev, "help"),
	      "\"help\" as a value is a device name");
	ret = parse("", PORT_KEY_DEV, 0, &a, "", "nothing");
	CHECK(ret == PORT_PARSE_OK && !a.dev, "nothing: parsed");
}

static void test_max_conns(void)
{
	unsigned int keys = ADD_KEYS | PORT_KEY_MAX_CONNS;
	struct port_args a;
	int ret;

	ret = parse("dev v max-conns 10", keys, 0, &a, "", "max-conns");
	CHECK(ret == PORT_PARSE_OK && a.has_max_conns && a.max_conns == 10,
	      "max-conns: parsed");
	ret = parse("dev v max 0", keys, 0, &a, "", "max-conns 0");
	CHECK(ret == PORT_PARSE_OK && a.has_max_conns && !a.max_conns,
	      "max-conns 0: given, not absent");
	ret = parse("dev v", keys, 0, &a, "", "no max-conns");
	CHECK(ret == PORT_PARSE_OK && !a.has_max_conns,
	      "no max-conns: not given");
	ret = parse("dev v m bridge", keys, 0, &a, "", "m");
	CHECK(ret == PORT_PARSE_OK && a.mode == VTL_PORT_MODE_BRIDGE,
	      "\"m\" is still \"mode\"");
	ret = parse("dev v ma 4294967295", keys, 0, &a, "", "max-conns max");
	CHECK(ret == PORT_PARSE_OK && a.max_conns == 4294967295u,
	      "max-conns: u32 max");
	ret = parse("dev v max-conns 4294967296", keys, 0, &a,
		    "Error: invalid max-conns \"4294967296\"\n", "too big");
	CHECK(ret == PORT_PARSE_ERROR, "max-conns too big: error");
	ret = parse("dev v max-conns -1", keys, 0, &a,
		    "Error: invalid max-conns \"-1\"\n", "negative");
	CHECK(ret == PORT_PARSE_ERROR, "max-conns negative: error");
	ret = parse("dev v max-conns 1x", keys, 0, &a,
		    "Error: invalid max-conns \"1x\"\n", "trailing junk");
	CHECK(ret == PORT_PARSE_ERROR, "max-conns trailing junk: error");
	ret = parse("dev v max-conns 5", ADD_KEYS, 0, &a,
		    "Error: unknown keyword \"max-conns\"\n", "not taken");
	CHECK(ret == PORT_PARSE_ERROR, "max-conns where not taken: error");
}

static void test_conn_names(void)
{
	CHECK_STR(conn_state_name(0), "new", "state 0 is new");
	CHECK_STR(conn_state_name(2), "established", "state 2 is established");
	CHECK_STR(conn_state_name(5), "time-wait", "state 5 is time-wait");
	CHECK_STR(conn_state_name(6), "closed", "state 6 is closed");
	CHECK(!conn_state_name(7), "an unknown state has no name");
	CHECK_STR(conn_proto_name(IPPROTO_TCP), "tcp", "tcp");
	CHECK_STR(conn_proto_name(IPPROTO_UDP), "udp", "udp");
	CHECK_STR(conn_proto_name(IPPROTO_ICMP), "icmp", "icmp");
	CHECK_STR(conn_proto_name(IPPROTO_ICMPV6), "icmpv6", "icmpv6");
	CHECK(!conn_proto_name(IPPROTO_SCTP), "an unknown protocol has no name");
}

static void test_mode_names(void)
{
	CHECK_STR(port_mode_name(VTL_PORT_MODE_HOST_ONLY), "host-only",
		  "host-only name");
	CHECK_STR(port_mode_name(VTL_PORT_MODE_STANDALONE), "standalone",
		  "standalone name");
	CHECK_STR(port_mode_name(VTL_PORT_MODE_BRIDGE), "bridge",
		  "bridge name");
	CHECK(!port_mode_name(VTL_PORT_MODE_UNSPEC), "unspec has no name");
	CHECK(!port_mode_name(99), "an unknown mode has no name");
}

#define FW_ADD (FW_KEY_DEV | FW_KEYS_RULE)
#define FW_ADD_NEEDS (FW_KEY_DEV | FW_KEY_DIR | FW_KEY_ACTION)

/* fw_parse() of @line for a command; @err: the expected stderr. */
static int fw_cmd(const char *line, unsigned int takes, unsigned int needs,
		  struct fw_args *a, const char *err)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = fw_parse(argc, argv, takes, needs, a);
	CHECK_STR(capture_end(&cap), err, "fw %s: message", line);
	return ret;
}

/* A line the command must refuse with "Error: @err\n". */
static void fw_bad(const char *line, unsigned int takes, unsigned int needs,
		   const char *err)
{
	char want[256];
	struct fw_args a;

	snprintf(want, sizeof(want), "Error: %s\n", err);
	CHECK(fw_cmd(line, takes, needs, &a, want) == VTL_PARSE_ERROR,
	      "fw %s: refused", line);
}

/* The same for "fw add". */
static int fw_add(const char *line, struct fw_args *a, const char *err)
{
	return fw_cmd(line, FW_ADD, FW_ADD_NEEDS, a, err);
}

static void fw_add_bad(const char *line, const char *err)
{
	fw_bad(line, FW_ADD, FW_ADD_NEEDS, err);
}

static void test_fw_rule(void)
{
	static const uint8_t net10[4] = { 10 }, host[4] = { 192, 168, 1, 1 };
	static const uint8_t db8[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct vtlctl_fw_rule *r;
	struct fw_args a;
	int ret;

	r = &a.rule;
	ret = fw_add("dev vmif0 dir in proto tcp dport 22 state new action accept",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK && !strcmp(a.dev, "vmif0") &&
	      r->dir == VTL_FW_DIR_IN && r->has_proto &&
	      r->proto == IPPROTO_TCP && r->has_dport && r->dport_min == 22 &&
	      r->dport_max == 22 && !r->has_sport && r->state == VTL_FW_CT_NEW &&
	      r->action == VTL_FW_VERDICT_ACCEPT && !r->family &&
	      !r->has_src && !r->has_dst, "fw add: ssh rule parsed");

	ret = fw_add("dev v dir out src 10.0.0.0/8 dst 192.168.1.1 action drop",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK && r->dir == VTL_FW_DIR_OUT &&
	      r->family == 4 && r->has_src && r->src_len == 8 &&
	      !memcmp(r->src, net10, 4) && r->has_dst && r->dst_len == 32 &&
	      !memcmp(r->dst, host, 4) && !r->has_proto &&
	      r->action == VTL_FW_VERDICT_DROP,
	      "fw add: IPv4 prefixes, a host's of full length");

	ret = fw_add("dev v dir in src 2001:db8::/32 action reject", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->family == 6 && r->src_len == 32 &&
	      !memcmp(r->src, db8, 16) && r->action == VTL_FW_VERDICT_REJECT,
	      "fw add: IPv6 prefix, reject");
	ret = fw_add("dev v dir in dst ::1 action drop", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->family == 6 && r->dst_len == 128,
	      "fw add: IPv6 address, full length");
	ret = fw_add("dev v dir in src 0.0.0.0/0 action drop", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->src_len == 0, "fw add: /0");

	ret = fw_add("dev v dir in proto udp sport 1024-65535 dport 0-53 action accept",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK && r->has_sport && r->sport_min == 1024 &&
	      r->sport_max == 65535 && r->dport_min == 0 && r->dport_max == 53,
	      "fw add: port ranges");
	ret = fw_add("dev v dir in proto udplite dport 5-5 action accept", &a,
		     "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_UDPLITE &&
	      r->dport_min == 5 && r->dport_max == 5, "fw add: udplite, P-P");
	ret = fw_add("dev v dir in proto sctp sport 1 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_SCTP,
	      "fw add: sctp has ports");
	ret = fw_add("dev v dir in proto dccp dport 1 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_DCCP,
	      "fw add: dccp has ports");

	ret = fw_add("dev v dir in proto icmp src 10.0.0.0/8 action accept", &a,
		     "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_ICMP &&
	      r->family == 4, "fw add: icmp with IPv4");
	ret = fw_add("dev v dir in proto icmpv6 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_ICMPV6 && !r->family,
	      "fw add: icmpv6 alone (the kernel implies the family)");
	ret = fw_add("dev v dir in proto ipv6-icmp dst fe80::/10 action accept",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_ICMPV6 &&
	      r->family == 6, "fw add: ipv6-icmp is icmpv6");
	ret = fw_add("dev v dir in proto gre action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_GRE, "fw add: gre");
	ret = fw_add("dev v dir in proto esp action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_ESP, "fw add: esp");
	ret = fw_add("dev v dir in proto ah action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == IPPROTO_AH, "fw add: ah");
	ret = fw_add("dev v dir in proto 47 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == 47, "fw add: proto number");
	fw_add_bad("dev v dir in proto 0 action accept",
		   "invalid proto \"0\": 0 matches any protocol, leave proto out");
	ret = fw_add("dev v dir in proto 1 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->has_proto && r->proto == 1,
	      "fw add: proto 1");
	ret = fw_add("dev v dir in proto 255 action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK && r->proto == 255, "fw add: proto 255");

	ret = fw_add("dev v dir in state new,established,related,invalid action accept",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK &&
	      r->state == (VTL_FW_CT_NEW | VTL_FW_CT_ESTABLISHED |
			   VTL_FW_CT_RELATED | VTL_FW_CT_INVALID),
	      "fw add: every state");
	ret = fw_add("dev v dir in state est,rel action accept", &a, "");
	CHECK(ret == VTL_PARSE_OK &&
	      r->state == (VTL_FW_CT_ESTABLISHED | VTL_FW_CT_RELATED),
	      "fw add: state prefixes");
	ret = fw_add("a acc di o de v pr t sp 1 dp 2 st n sr 1.2.3.4 ds 1.2.3.5",
		     &a, "");
	CHECK(ret == VTL_PARSE_OK && r->action == VTL_FW_VERDICT_ACCEPT &&
	      r->dir == VTL_FW_DIR_OUT && !strcmp(a.dev, "v") &&
	      r->proto == IPPROTO_TCP && r->sport_min == 1 &&
	      r->dport_min == 2 && r->state == VTL_FW_CT_NEW &&
	      r->has_src && r->has_dst, "fw add: keyword prefixes, any order");
	ret = fw_add("dev v dir in action accept help", &a, "");
	CHECK(ret == VTL_PARSE_HELP, "fw add: help");

	/* every mistake, with its message */
	fw_add_bad("dev v dir in", "\"action\" is required");
	fw_add_bad("dev v action drop", "\"dir\" is required");
	fw_add_bad("dir in action drop", "\"dev\" is required");
	fw_add_bad("dev v dir in action", "\"action\" needs a value");
	fw_add_bad("dev v dir in dir out action drop", "duplicate \"dir\"");
	fw_add_bad("dev v d in action drop", "ambiguous keyword \"d\"");
	fw_add_bad("dev v s 1 dir in action drop", "ambiguous keyword \"s\"");
	fw_add_bad("dev v dir in action drop foo bar",
		   "unknown keyword \"foo\"");
	fw_add_bad("dev v id 3 dir in action drop", "unknown keyword \"id\"");
	fw_add_bad("dev a/b dir in action drop",
		   "invalid device name \"a/b\"");
	fw_add_bad("dev v dir x action drop", "invalid dir \"x\"");
	fw_add_bad("dev v dir in action x", "invalid action \"x\"");
	fw_add_bad("dev v dir in proto foo action drop",
		   "invalid proto \"foo\"");
	fw_add_bad("dev v dir in proto 256 action drop",
		   "invalid proto \"256\"");
	fw_add_bad("dev v dir in proto -1 action drop",
		   "invalid proto \"-1\"");
	fw_add_bad("dev v dir in proto i action drop", "invalid proto \"i\"");
	fw_add_bad("dev v dir in src foo action drop", "invalid src \"foo\"");
	fw_add_bad("dev v dir in src 10.0.0.256 action drop",
		   "invalid src \"10.0.0.256\"");
	fw_add_bad("dev v dir in src 10.0.0.0/ action drop",
		   "invalid src \"10.0.0.0/\"");
	fw_add_bad("dev v dir in src 10.0.0.0/x action drop",
		   "invalid src \"10.0.0.0/x\"");
	fw_add_bad("dev v dir in src 10.0.0.0/8/8 action drop",
		   "invalid src \"10.0.0.0/8/8\"");
	fw_add_bad("dev v dir in src 10.0.0.0/-1 action drop",
		   "invalid src \"10.0.0.0/-1\"");
	fw_add_bad("dev v dir in dst 10.0.0.0/33 action drop",
		   "invalid dst \"10.0.0.0/33\": the prefix length is at most 32");
	fw_add_bad("dev v dir in dst ::/129 action drop",
		   "invalid dst \"::/129\": the prefix length is at most 128");
	fw_add_bad("dev v dir in src 10.0.0.1/8 action drop",
		   "invalid src \"10.0.0.1/8\": host bits set (the prefix is 10.0.0.0/8)");
	fw_add_bad("dev v dir in src 10.1.2.3/31 action drop",
		   "invalid src \"10.1.2.3/31\": host bits set (the prefix is 10.1.2.2/31)");
	fw_add_bad("dev v dir in dst 2001:db8::1/64 action drop",
		   "invalid dst \"2001:db8::1/64\": host bits set (the prefix is 2001:db8::/64)");
	fw_add_bad("dev v dir in src 10.0.0.0/8 dst ::1 action drop",
		   "src and dst must be of the same family");
	fw_add_bad("dev v dir in dst ::1 src 10.0.0.0/8 action drop",
		   "src and dst must be of the same family");
	fw_add_bad("dev v dir in proto icmp src ::/0 action drop",
		   "proto icmp needs IPv4 addresses");
	fw_add_bad("dev v dir in proto icmpv6 dst 10.0.0.1 action drop",
		   "proto icmpv6 needs IPv6 addresses");
	fw_add_bad("dev v dir in dport 22 action drop",
		   "ports need proto tcp, udp, udplite, sctp or dccp");
	fw_add_bad("dev v dir in proto icmp sport 1 action drop",
		   "ports need proto tcp, udp, udplite, sctp or dccp");
	fw_add_bad("dev v dir in proto gre dport 1 action drop",
		   "ports need proto tcp, udp, udplite, sctp or dccp");
	fw_add_bad("dev v dir in proto tcp dport 30-20 action drop",
		   "invalid dport \"30-20\": the first port is above the last");
	fw_add_bad("dev v dir in proto tcp dport 65536 action drop",
		   "invalid dport \"65536\"");
	fw_add_bad("dev v dir in proto tcp sport x action drop",
		   "invalid sport \"x\"");
	fw_add_bad("dev v dir in proto tcp sport -1 action drop",
		   "invalid sport \"-1\"");
	fw_add_bad("dev v dir in proto tcp sport 1- action drop",
		   "invalid sport \"1-\"");
	fw_add_bad("dev v dir in proto tcp sport 1-2-3 action drop",
		   "invalid sport \"1-2-3\"");
	fw_add_bad("dev v dir in proto tcp sport 123456789-2 action drop",
		   "invalid sport \"123456789-2\"");
	fw_add_bad("dev v dir in state foo action drop",
		   "invalid state \"foo\"");
	fw_add_bad("dev v dir in state new,foo action drop",
		   "invalid state \"foo\"");
	fw_add_bad("dev v dir in state new, action drop",
		   "invalid state \"\"");
	fw_add_bad("dev v dir in state ,new action drop",
		   "invalid state \"\"");
}

static void test_fw_commands(void)
{
	unsigned int policy = FW_KEY_DEV | FW_KEY_DIR | FW_KEY_POLICY;
	unsigned int load = FW_KEY_DEV | FW_KEY_FILE;
	unsigned int del = FW_KEY_DEV | FW_KEY_ID;
	struct fw_args a;
	int ret;

	ret = fw_cmd("dev v id 7", del, del, &a, "");
	CHECK(ret == VTL_PARSE_OK && a.has_id && a.id == 7, "fw del: id");
	ret = fw_cmd("dev v id 0", del, del, &a, "");
	CHECK(ret == VTL_PARSE_OK && a.has_id && a.id == 0,
	      "fw del: id 0 is the kernel's to refuse");
	fw_bad("dev v", del, del, "\"id\" is required");
	fw_bad("dev v id x", del, del, "invalid id \"x\"");
	fw_bad("dev v id 4294967296", del, del,
	       "invalid id \"4294967296\"");
	fw_bad("dev v id 1 dir in", del, del,
	       "unknown keyword \"dir\"");

	ret = fw_cmd("dev v", FW_KEY_DEV | FW_KEY_DIR, FW_KEY_DEV, &a, "");
	CHECK(ret == VTL_PARSE_OK && !a.rule.dir, "fw flush: both directions");
	ret = fw_cmd("dev v dir out", FW_KEY_DEV | FW_KEY_DIR, FW_KEY_DEV, &a,
		     "");
	CHECK(ret == VTL_PARSE_OK && a.rule.dir == VTL_FW_DIR_OUT,
	      "fw flush: one direction");

	ret = fw_cmd("dev v dir in drop", policy, policy, &a, "");
	CHECK(ret == VTL_PARSE_OK && a.rule.dir == VTL_FW_DIR_IN &&
	      a.policy == VTL_FW_VERDICT_DROP, "fw policy: drop");
	ret = fw_cmd("acc dir out dev v", policy, policy, &a, "");
	CHECK(ret == VTL_PARSE_OK && a.rule.dir == VTL_FW_DIR_OUT &&
	      a.policy == VTL_FW_VERDICT_ACCEPT,
	      "fw policy: a prefix, anywhere");
	fw_bad("dev v dir in reject", policy, policy,
	       "invalid policy \"reject\"");
	fw_bad("dev v dir in", policy, policy,
	       "\"accept\" or \"drop\" is required");
	fw_bad("dev v accept", policy, policy,
	       "\"dir\" is required");
	fw_bad("dev v dir in accept drop", policy, policy,
	       "duplicate policy \"drop\"");

	ret = fw_cmd("dev v rules.txt", load, load, &a, "");
	CHECK(ret == VTL_PARSE_OK && !strcmp(a.file, "rules.txt"),
	      "fw load: the file");
	ret = fw_cmd("- dev v", load, load, &a, "");
	CHECK(ret == VTL_PARSE_OK && !strcmp(a.file, "-"),
	      "fw load: stdin, first");
	fw_bad("dev v", load, load,
	       "a FILE is required");
	fw_bad("dev v a b", load, load,
	       "unknown keyword \"b\"");
	fw_bad("dev v x", FW_KEY_DEV, FW_KEY_DEV,
	       "unknown keyword \"x\"");
	fw_bad("", FW_KEY_DEV, FW_KEY_DEV,
	       "\"dev\" is required");
}

/* fw_parse_file() of @text as FILE; @err: the expected stderr. */
static int fw_file(const char *text, struct vtlctl_fw_load *load,
		   const char *err, const char *what)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct capture cap;
	int ret;

	capture_begin(&cap, 2);
	ret = fw_parse_file(f, "FILE", load);
	CHECK_STR(capture_end(&cap), err, "fw file, %s: message", what);
	fclose(f);
	return ret;
}

/* A file fw_parse_file() must refuse with "Error: FILE:@err\n". */
static void fw_file_bad(const char *text, const char *err, const char *what)
{
	struct vtlctl_fw_load load = { 0 };
	char want[256];

	snprintf(want, sizeof(want), "Error: FILE:%s\n", err);
	CHECK(fw_file(text, &load, want, what) == -EINVAL && !load.list.len,
	      "fw file, %s: refused, no rule kept", what);
}

static void test_fw_file(void)
{
	struct vtlctl_fw_load load = { 0 };
	const char *rule = "dir in action drop\n";
	size_t i, n = VTL_FW_MAX_RULES + 1;
	struct vtlctl_fw_rule *r;
	char *big;
	int ret;

	ret = fw_file("# a firewall\n"
		      "\n"
		      "policy dir in drop\n"
		      "  dir in proto tcp dport 22 state new action accept # ssh\n"
		      "\tdir out action accept\t\n"
		      "po dir out accept\n"
		      "dir in proto icmp action accept", &load, "", "good");
	r = load.list.rules;
	CHECK(ret == 0 && load.list.len == 3, "fw file: three rules");
	CHECK(load.policy_in == VTL_FW_VERDICT_DROP &&
	      load.policy_out == VTL_FW_VERDICT_ACCEPT, "fw file: policies");
	CHECK(load.list.len == 3 && r[0].line == 4 && r[1].line == 5 &&
	      r[2].line == 7, "fw file: each rule knows its line");
	CHECK(load.list.len == 3 && r[0].proto == IPPROTO_TCP &&
	      r[0].dport_min == 22 && r[1].dir == VTL_FW_DIR_OUT &&
	      r[2].proto == IPPROTO_ICMP,
	      "fw file: rules as fw add parses them, last line unended");

	ret = fw_file("", &load, "", "empty");
	CHECK(ret == 0 && !load.list.len && !load.policy_in &&
	      !load.policy_out, "fw file: empty: no rule, policies unchanged");

	fw_file_bad("dir in action drop\n\ndir in proto tcp dport 2-1 action drop\n",
		    "3: invalid dport \"2-1\": the first port is above the last.",
		    "bad line");
	fw_file_bad("policy dir in drop\npolicy dir in accept\n",
		    "2: a second policy for dir in.", "two policies");
	fw_file_bad("policy dir in reject\n",
		    "1: invalid policy \"reject\".", "policy reject");
	fw_file_bad("policy drop\n",
		    "1: \"dir\" is required.", "policy no dir");
	fw_file_bad("policy dir in action drop\n",
		    "1: unknown keyword \"action\".", "policy with action");
	fw_file_bad("dev v dir in action drop\n",
		    "1: unknown keyword \"dev\".", "dev");
	fw_file_bad("dir in action drop help\n",
		    "1: unexpected \"help\".", "help");
	fw_file_bad("dir in\n",
		    "1: \"action\" is required.", "no action");
	fw_file_bad("dir in dir in dir in dir in dir in dir in dir in dir in "
		      "dir in dir in dir in dir in dir in dir in dir in dir in "
		      "dir in dir in dir in dir in dir in dir in dir in dir in "
		      "dir in dir in dir in dir in dir in dir in dir in dir in x\n",
		    "1: more than 64 words.", "too many words");

	big = malloc(n * strlen(rule) + 1);
	for (i = 0; i < n; i++)
		memcpy(big + i * strlen(rule), rule, strlen(rule));
	big[n * strlen(rule)] = '\0';
	ret = fw_file(big, &load, "Error: FILE:65537: more than 65536 rules.\n",
		      "65537 rules");
	CHECK(ret == -EINVAL, "fw file: more rules than a port takes");
	big[(n - 1) * strlen(rule)] = '\0';
	ret = fw_file(big, &load, "", "65536 rules");
	CHECK(ret == 0 && load.list.len == VTL_FW_MAX_RULES &&
	      load.list.rules[VTL_FW_MAX_RULES - 1].line == VTL_FW_MAX_RULES,
	      "fw file: as many rules as a port takes");
	free(big);
	vtl_fw_rule_list_free(&load.list);
}

static void test_fw_names(void)
{
	CHECK_STR(fw_proto_name(IPPROTO_TCP), "tcp", "proto 6 is tcp");
	CHECK_STR(fw_proto_name(IPPROTO_ICMPV6), "icmpv6",
		  "proto 58 is icmpv6, not its alias");
	CHECK_STR(fw_proto_name(IPPROTO_UDPLITE), "udplite",
		  "proto 136 is udplite");
	CHECK(!fw_proto_name(99), "proto 99 has no name here");
	CHECK_STR(fw_dir_name(VTL_FW_DIR_IN), "in", "dir in");
	CHECK_STR(fw_dir_name(VTL_FW_DIR_OUT), "out", "dir out");
	CHECK(!fw_dir_name(VTL_FW_DIR_UNSPEC), "dir 0 has no name");
	CHECK_STR(fw_verdict_name(VTL_FW_VERDICT_REJECT), "reject",
		  "verdict reject");
	CHECK(!fw_verdict_name(9), "verdict 9 has no name");
}

#define RW_ADD (RW_KEY_DEV | RW_KEYS_RULE)
#define RW_ADD_NEEDS (RW_KEY_DEV | RW_KEY_DST | RW_KEY_DMAC)
#define RW_DEL (RW_KEY_DEV | RW_KEY_MATCH | RW_KEY_DST)
#define RW_DEL_NEEDS (RW_KEY_DEV | RW_KEY_DST)

/* rw_parse() of @line for a command; @err: the expected stderr. */
static int rw_cmd(const char *line, unsigned int takes, unsigned int needs,
		  struct rw_args *a, const char *err)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = rw_parse(argc, argv, takes, needs, a);
	CHECK_STR(capture_end(&cap), err, "rewrite %s: message", line);
	return ret;
}

/* A line the command must refuse with "Error: @err\n". */
static void rw_bad(const char *line, unsigned int takes, unsigned int needs,
		   const char *err)
{
	char want[256];
	struct rw_args a;

	snprintf(want, sizeof(want), "Error: %s\n", err);
	CHECK(rw_cmd(line, takes, needs, &a, want) == VTL_PARSE_ERROR,
	      "rewrite %s: refused", line);
}

static void rw_add_bad(const char *line, const char *err)
{
	rw_bad(line, RW_ADD, RW_ADD_NEEDS, err);
}

static void test_rw_parse(void)
{
	static const uint8_t net[4] = { 10, 2 }, mac[6] = { 2, 0, 0, 0, 0, 0xb };
	static const uint8_t smac[6] = { 0x02, 0xab, 0xcd, 0xef, 0x01, 0x23 };
	static const uint8_t sa[4] = { 10, 1, 0, 1 }, da[4] = { 10, 2, 0, 9 };
	static const uint8_t db8[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2 };
	struct vtlctl_rw_rule *r;
	struct rw_args a;
	int ret;

	r = &a.rule;
	ret = rw_cmd("dev vmA match dst 10.2.0.0/24 set dmac 02:00:00:00:00:0b",
		     RW_ADD, RW_ADD_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_OK && !strcmp(a.dev, "vmA") && !a.out &&
	      r->family == 4 && r->dst_len == 24 && !memcmp(r->dst, net, 4) &&
	      !memcmp(r->dmac, mac, 6) && !r->has_smac && !r->has_saddr &&
	      !r->has_daddr && !r->out_ifindex,
	      "rewrite add: prefix and dmac, nothing else");
	ret = rw_cmd("dev vmA match dst 10.2.0.9 set dmac 2:0:0:0:0:b "
		     "smac 02:AB:cd:ef:01:23 saddr 10.1.0.1 daddr 10.2.0.9 out vmB",
		     RW_ADD, RW_ADD_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_OK && r->dst_len == 32 &&
	      !memcmp(r->dmac, mac, 6) && r->has_smac &&
	      !memcmp(r->smac, smac, 6) && r->has_saddr &&
	      !memcmp(r->saddr, sa, 4) && r->has_daddr &&
	      !memcmp(r->daddr, da, 4) && !strcmp(a.out, "vmB"),
	      "rewrite add: everything, a host's prefix of full length");
	ret = rw_cmd("out vmB set daddr 2001:db8:0:2::9 dmac 2:0:0:0:0:b "
		     "match dst 2001:db8:0:2::/64 dev vmA",
		     RW_ADD, RW_ADD_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_OK && r->family == 6 && r->dst_len == 64 &&
	      !memcmp(r->dst, db8, 16) && r->has_daddr && !r->has_saddr,
	      "rewrite add: IPv6, parts in any order");
	ret = rw_cmd("d vmA m ds 10.2.0.0/24 se dm 2:0:0:0:0:b sm 2:0:0:0:0:c "
		     "sa 10.1.0.1 da 10.2.0.9 o vmB", RW_ADD, RW_ADD_NEEDS, &a,
		     "Error: ambiguous keyword \"d\"\n");
	CHECK(ret == VTL_PARSE_ERROR, "rewrite add: \"d\" is ambiguous");
	ret = rw_cmd("de vmA m ds 10.2.0.0/24 se dm 2:0:0:0:0:b sm 2:0:0:0:0:c "
		     "sa 10.1.0.1 da 10.2.0.9 o vmB", RW_ADD, RW_ADD_NEEDS, &a,
		     "");
	CHECK(ret == VTL_PARSE_OK && r->has_smac && r->has_saddr &&
	      r->has_daddr && !strcmp(a.out, "vmB"),
	      "rewrite add: prefixes of every word");
	ret = rw_cmd("dev v match dst 0.0.0.0/0 set dmac 2:0:0:0:0:b",
		     RW_ADD, RW_ADD_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_OK && !r->dst_len, "rewrite add: /0");
	ret = rw_cmd("dev v match help", RW_ADD, RW_ADD_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_HELP, "rewrite add: help");

	/* every mistake, with its message */
	rw_add_bad("match dst 10.0.0.0/8 set dmac 2:0:0:0:0:1",
		   "\"dev\" is required");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1", "\"match dst\" is required");
	rw_add_bad("dev v match set dmac 2:0:0:0:0:1",
		   "\"match dst\" is required");
	rw_add_bad("dev v match dst 10.0.0.0/8", "\"set dmac\" is required");
	rw_add_bad("dev v match dst 10.0.0.0/8 set smac 2:0:0:0:0:1",
		   "\"set dmac\" is required");
	rw_add_bad("dev v dst 10.0.0.0/8 set dmac 2:0:0:0:0:1",
		   "\"dst\" comes after \"match\"");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1 dst 10.0.0.0/8",
		   "\"dst\" comes after \"match\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 dmac 2:0:0:0:0:1",
		   "\"dmac\" comes after \"set\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 smac 2:0:0:0:0:1",
		   "\"smac\" comes after \"set\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 saddr 10.0.0.1",
		   "\"saddr\" comes after \"set\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 daddr 10.0.0.1",
		   "\"daddr\" comes after \"set\"");
	rw_add_bad("dev v match match", "duplicate \"match\"");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1 set", "duplicate \"set\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 dst 10.0.0.0/9",
		   "duplicate \"dst\"");
	rw_add_bad("dev v match dst", "\"dst\" needs a value");
	rw_add_bad("dev v match dst 10.0.0.0/8 set dmac 2:0:0:0:0:1 foo",
		   "unknown keyword \"foo\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 s dmac 2:0:0:0:0:1",
		   "ambiguous keyword \"s\"");
	rw_add_bad("dev v id 1", "unknown keyword \"id\"");
	rw_add_bad("dev a/b", "invalid device name \"a/b\"");
	rw_add_bad("dev v out a/b", "invalid device name \"a/b\"");
	rw_add_bad("dev v match dst foo", "invalid dst \"foo\"");
	rw_add_bad("dev v match dst 10.0.0.0/", "invalid dst \"10.0.0.0/\"");
	rw_add_bad("dev v match dst 10.0.0.0/33",
		   "invalid dst \"10.0.0.0/33\": the prefix length is at most 32");
	rw_add_bad("dev v match dst ::/129",
		   "invalid dst \"::/129\": the prefix length is at most 128");
	rw_add_bad("dev v match dst 10.2.0.1/24",
		   "invalid dst \"10.2.0.1/24\": host bits set (the prefix is 10.2.0.0/24)");
	rw_add_bad("dev v match dst 2001:db8::1/64",
		   "invalid dst \"2001:db8::1/64\": host bits set (the prefix is 2001:db8::/64)");
	rw_add_bad("dev v set dmac 02:00:00:00:00",
		   "invalid dmac \"02:00:00:00:00\"");
	rw_add_bad("dev v set dmac 02:00:00:00:00:00:00",
		   "invalid dmac \"02:00:00:00:00:00:00\"");
	rw_add_bad("dev v set dmac 02:00:00:00:00:100",
		   "invalid dmac \"02:00:00:00:00:100\"");
	rw_add_bad("dev v set dmac 02:00:00:00::01",
		   "invalid dmac \"02:00:00:00::01\"");
	rw_add_bad("dev v set dmac 02-00-00-00-00-01",
		   "invalid dmac \"02-00-00-00-00-01\"");
	rw_add_bad("dev v set dmac g2:00:00:00:00:01",
		   "invalid dmac \"g2:00:00:00:00:01\"");
	rw_add_bad("dev v set dmac 01:00:5e:00:00:01",
		   "invalid dmac \"01:00:5e:00:00:01\": a multicast address, not a unicast one");
	rw_add_bad("dev v set dmac ff:ff:ff:ff:ff:ff",
		   "invalid dmac \"ff:ff:ff:ff:ff:ff\": a multicast address, not a unicast one");
	rw_add_bad("dev v set dmac 0:0:0:0:0:0",
		   "invalid dmac \"0:0:0:0:0:0\": the zero address, not a unicast one");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1 smac 33:33:00:00:00:01",
		   "invalid smac \"33:33:00:00:00:01\": a multicast address, not a unicast one");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1 saddr 10.0.0.0/8",
		   "invalid saddr \"10.0.0.0/8\"");
	rw_add_bad("dev v set dmac 2:0:0:0:0:1 daddr foo",
		   "invalid daddr \"foo\"");
	rw_add_bad("dev v match dst 10.0.0.0/8 set dmac 2:0:0:0:0:1 saddr ::1",
		   "saddr and dst must be of the same family");
	rw_add_bad("dev v match dst ::/0 set dmac 2:0:0:0:0:1 daddr 10.0.0.1",
		   "daddr and dst must be of the same family");
	rw_add_bad("dev v match dst 10.0.0.0/8 set dmac 2:0:0:0:0:1 out v",
		   "out device is the port itself");

	ret = rw_cmd("dev v match dst 10.2.0.0/24", RW_DEL, RW_DEL_NEEDS, &a, "");
	CHECK(ret == VTL_PARSE_OK && r->family == 4 && r->dst_len == 24 &&
	      !a.has_dmac, "rewrite del: the prefix");
	rw_bad("dev v", RW_DEL, RW_DEL_NEEDS, "\"match dst\" is required");
	rw_bad("match dst 10.0.0.0/8", RW_DEL, RW_DEL_NEEDS,
	       "\"dev\" is required");
	rw_bad("dev v match dst 10.0.0.0/8 set dmac 2:0:0:0:0:1", RW_DEL,
	       RW_DEL_NEEDS, "unknown keyword \"set\"");
	rw_bad("dev v match dst 10.0.0.0/8 out w", RW_DEL, RW_DEL_NEEDS,
	       "unknown keyword \"out\"");
	ret = rw_cmd("", RW_KEY_DEV, 0, &a, "");
	CHECK(ret == VTL_PARSE_OK && !a.dev, "rewrite show/flush: every port");
	ret = rw_cmd("dev v", RW_KEY_DEV, 0, &a, "");
	CHECK(ret == VTL_PARSE_OK && !strcmp(a.dev, "v"),
	      "rewrite show/flush: one port");
	rw_bad("dev v match dst 10.0.0.0/8", RW_KEY_DEV, 0,
	       "unknown keyword \"match\"");
	rw_bad("dst 10.0.0.0/8", RW_KEY_DEV, 0, "unknown keyword \"dst\"");
}

/* tunnel_parse_auto() of @line; @err: the expected stderr. */
static int tunnel_cmd(const char *line, struct tunnel_args *a,
		      const char *err)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = tunnel_parse_auto(argc, argv, a);
	CHECK_STR(capture_end(&cap), err, "tunnel \"%s\": message", line);
	return ret;
}

static void test_tunnel_parse(void)
{
	struct tunnel_args a;

	CHECK(tunnel_cmd("on", &a, "") == VTL_PARSE_OK && a.has_auto && a.on,
	      "tunnel auto on");
	CHECK(tunnel_cmd("off", &a, "") == VTL_PARSE_OK && a.has_auto && !a.on,
	      "tunnel auto off");
	CHECK(tunnel_cmd("of", &a, "") == VTL_PARSE_OK && !a.on,
	      "tunnel auto of: a prefix");
	CHECK(tunnel_cmd("help", &a, "") == VTL_PARSE_HELP, "tunnel auto help");
	CHECK(tunnel_cmd("", &a, "Error: \"on\" or \"off\" is required\n") ==
	      VTL_PARSE_ERROR, "tunnel auto: refused without on or off");
	CHECK(tunnel_cmd("o", &a, "Error: invalid auto \"o\"\n") ==
	      VTL_PARSE_ERROR, "tunnel auto o: ambiguous, refused");
	CHECK(tunnel_cmd("yes", &a, "Error: invalid auto \"yes\"\n") ==
	      VTL_PARSE_ERROR, "tunnel auto yes: refused");
	CHECK(tunnel_cmd("on off", &a, "Error: duplicate auto \"off\"\n") ==
	      VTL_PARSE_ERROR, "tunnel auto on off: refused");
	CHECK(tunnel_cmd("", NULL, "") == VTL_PARSE_OK,
	      "tunnel show: takes nothing");
	CHECK(tunnel_cmd("on", NULL, "Error: unknown keyword \"on\"\n") ==
	      VTL_PARSE_ERROR, "tunnel show on: refused");
}

static void test_addr_format(void)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0, 0x0c, 0xd, 0xff };
	static const uint8_t a4[4] = { 10, 2 }, a6[16] = { 0x20, 0x01, 0xd, 0xb8 };
	char buf[VTL_ADDR_STRLEN];

	CHECK_STR(vtl_format_mac(buf, mac), "02:ab:00:0c:0d:ff", "MAC text");
	CHECK_STR(vtl_format_prefix(buf, 4, a4, 16, false), "10.2.0.0/16",
		  "IPv4 prefix");
	CHECK_STR(vtl_format_prefix(buf, 4, a4, 32, false), "10.2.0.0",
		  "IPv4 host, no /32");
	CHECK_STR(vtl_format_prefix(buf, 4, a4, 32, true), "10.2.0.0/32",
		  "IPv4 host, /32 asked for");
	CHECK_STR(vtl_format_prefix(buf, 6, a6, 128, true), "2001:db8::/128",
		  "IPv6 host, /128 asked for");
	CHECK_STR(vtl_format_ip(buf, 6, a6), "2001:db8::", "IPv6 address");
}

/* --- socks -------------------------------------------------------------- */

#define SOCKS_ADD (SOCKS_KEY_DEV | SOCKS_KEYS_CONF)
#define SOCKS_ADD_NEEDS (SOCKS_KEY_DEV | SOCKS_KEY_PROXY)

/* socks_parse() of @line as "socks add"; @err: the expected stderr. */
static int socks_cmd(const char *line, struct socks_args *a, const char *err)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = socks_parse(argc, argv, SOCKS_ADD, SOCKS_ADD_NEEDS, a);
	CHECK_STR(capture_end(&cap), err, "socks %s: message", line);
	return ret;
}

static void socks_bad(const char *line, const char *err)
{
	char want[256];
	struct socks_args a;

	snprintf(want, sizeof(want), "Error: %s\n", err);
	CHECK(socks_cmd(line, &a, want) == VTL_PARSE_ERROR,
	      "socks %s: refused", line);
}

static void test_socks_parse(void)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct vtlctl_socks *s;
	struct socks_args a;

	s = &a.conf;
	CHECK(socks_cmd("dev vm0 proxy 192.0.2.1:1080", &a, "") ==
	      VTL_PARSE_OK, "socks: the least line");
	CHECK(!strcmp(a.dev, "vm0") && s->family == AF_INET &&
	      s->proxy_addr[0] == 192 && s->proxy_addr[3] == 1 &&
	      s->proxy_port == 1080 && !s->version && !s->user[0] &&
	      !s->dns && !s->dns_prefix_len && !s->ipv6,
	      "socks: nothing else given: the kernel's defaults");

	CHECK(socks_cmd("dev vm0 proxy [2001:db8::1]:9050 version 5 user alice "
			"password s3cret dns automap 10.200.0.0/16 ipv6 proxy",
			&a, "") == VTL_PARSE_OK, "socks: everything");
	CHECK(s->family == AF_INET6 && !memcmp(s->proxy_addr, v6, 16) &&
	      s->proxy_port == 9050 && s->version == VTL_SOCKS_V5 &&
	      !strcmp(s->user, "alice") && !strcmp(s->password, "s3cret") &&
	      s->dns == VTL_SOCKS_DNS_AUTOMAP &&
	      s->dns_prefix == htonl(0x0ac80000) && s->dns_prefix_len == 16 &&
	      s->ipv6 == VTL_SOCKS_IPV6_PROXY, "socks: everything parsed");

	CHECK(socks_cmd("dev vm0 proxy 10.0.0.1:1 version 4a dns drop ipv6 drop",
			&a, "") == VTL_PARSE_OK &&
	      s->version == VTL_SOCKS_V4A && s->dns == VTL_SOCKS_DNS_DROP &&
	      s->ipv6 == VTL_SOCKS_IPV6_DROP, "socks: 4a, dns drop, ipv6 drop");
	CHECK(socks_cmd("dev vm0 proxy 10.0.0.1:65535 dns resolve", &a, "") ==
	      VTL_PARSE_OK && s->dns == VTL_SOCKS_DNS_RESOLVE &&
	      s->proxy_port == 65535, "socks: dns resolve, port 65535");
	CHECK(socks_cmd("dev vm0 dns automap proxy 10.0.0.1:5", &a, "") ==
	      VTL_PARSE_OK && s->dns == VTL_SOCKS_DNS_AUTOMAP &&
	      !s->dns_prefix_len, "socks: automap without a prefix");
	CHECK(socks_cmd("dev vm0 proxy 10.0.0.1:5 help", &a, "") ==
	      VTL_PARSE_HELP, "socks: help");

	socks_bad("dev vm0", "\"proxy\" is required");
	socks_bad("proxy 10.0.0.1:5", "\"dev\" is required");
	socks_bad("dev vm0 proxy 10.0.0.1",
		  "invalid proxy \"10.0.0.1\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy 10.0.0.1:0",
		  "invalid proxy \"10.0.0.1:0\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy 10.0.0.1:65536",
		  "invalid proxy \"10.0.0.1:65536\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy 2001:db8::1:1080",
		  "invalid proxy \"2001:db8::1:1080\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy [10.0.0.1]:5",
		  "invalid proxy \"[10.0.0.1]:5\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy tor:9050",
		  "invalid proxy \"tor:9050\": expected IPV4ADDR:PORT or [IPV6ADDR]:PORT");
	socks_bad("dev vm0 proxy 10.0.0.1:5 version 4",
		  "invalid version \"4\": 5 or 4a");
	socks_bad("dev vm0 proxy 10.0.0.1:5 dns maybe", "invalid dns \"maybe\"");
	socks_bad("dev vm0 proxy 10.0.0.1:5 ipv6 yes", "invalid ipv6 \"yes\"");
	socks_bad("dev vm0 proxy 10.0.0.1:5 user alice",
		  "a user needs a password");
	socks_bad("dev vm0 proxy 10.0.0.1:5 password x",
		  "a password needs a user");
	socks_bad("dev vm0 proxy 10.0.0.1:5 version 4a user a password b",
		  "SOCKS4a takes no credentials: they need version 5");
	socks_bad("dev vm0 proxy 10.0.0.1:5 version 4a dns resolve",
		  "dns resolve needs SOCKS5 (Tor's RESOLVE)");
	socks_bad("dev vm0 proxy 10.0.0.1:5 dns automap 10.0.0.0/31",
		  "invalid dns automap prefix \"10.0.0.0/31\": an IPv4 PREFIX/LEN, LEN from 1 to 30");
	socks_bad("dev vm0 proxy 10.0.0.1:5 dns automap 10.0.0.0",
		  "invalid dns automap prefix \"10.0.0.0\": an IPv4 PREFIX/LEN, LEN from 1 to 30");
	socks_bad("dev vm0 proxy 10.0.0.1:5 dns automap fd00::/64",
		  "invalid dns automap prefix \"fd00::/64\": an IPv4 PREFIX/LEN, LEN from 1 to 30");
	socks_bad("dev vm0 proxy 10.0.0.1:5 dns resolve 10.0.0.0/8",
		  "unknown keyword \"10.0.0.0/8\"");
	socks_bad("dev vm0 proxy 10.0.0.1:5 10.0.0.0/8",
		  "unknown keyword \"10.0.0.0/8\"");
}

/* "port export|import ARGS": its status, stderr as @err expects. */
static int export_cmd(const char *line, int import, struct export_args *a,
		      const char *err)
{
	char *argv[32];
	int argc = split(line, argv), ret;
	struct capture cap;

	capture_begin(&cap, 2);
	ret = export_parse(argc, argv, import, a);
	CHECK_STR(capture_end(&cap), err, "%s %s: message",
		  import ? "import" : "export", line);
	return ret;
}

static void test_export_parse(void)
{
	struct export_args a;

	CHECK(export_cmd("dev vm0", 0, &a, "") == VTL_PARSE_OK &&
	      !strcmp(a.dev, "vm0") && !a.file, "export dev: stdout");
	CHECK(export_cmd("dev vm0 out.vtlx", 0, &a, "") == VTL_PARSE_OK &&
	      !strcmp(a.file, "out.vtlx"), "export dev FILE");
	CHECK(export_cmd("x.vtlx dev vm0", 1, &a, "") == VTL_PARSE_OK &&
	      !strcmp(a.file, "x.vtlx") && !strcmp(a.dev, "vm0"),
	      "import FILE dev, in any order");
	CHECK(export_cmd("dev vm0 -", 1, &a, "") == VTL_PARSE_OK &&
	      !strcmp(a.file, "-"), "import -: stdin");
	CHECK(export_cmd("dev vm0 help", 1, &a, "") == VTL_PARSE_HELP,
	      "help");
	CHECK(export_cmd("dev vm0", 1, &a,
			 "Error: a FILE (or - for standard input) is required\n") ==
	      VTL_PARSE_ERROR, "import needs a file");
	CHECK(export_cmd("a.vtlx", 1, &a, "Error: dev VMIF is required\n") ==
	      VTL_PARSE_ERROR, "import needs dev");
	CHECK(export_cmd("dev", 0, &a, "Error: dev needs a device name\n") ==
	      VTL_PARSE_ERROR, "dev without a name");
	CHECK(export_cmd("dev vm0 dev vm1", 0, &a, "Error: dev given twice\n") ==
	      VTL_PARSE_ERROR, "dev twice");
	CHECK(export_cmd("dev vm0 a b", 1, &a, "Error: unexpected \"b\"\n") ==
	      VTL_PARSE_ERROR, "two files");
	CHECK(export_cmd("dev a/b", 0, &a,
			 "Error: invalid device name \"a/b\"\n") ==
	      VTL_PARSE_ERROR, "bad device name");
}

static void test_export_file(void)
{
	static const char data[] = "123456789";
	struct vtlx_header h = { .magic = "VTLX" };
	const char *why = NULL;

	CHECK(vtlx_crc32(data, 9) == 0xcbf43926, "CRC-32 check value");
	h.version = htole32(VTLX_VERSION);
	h.crc = htole32(vtlx_crc32(data, 9));
	h.len = htole64(9);
	CHECK(!vtlx_check(&h, 9, data, &why), "a good header");
	CHECK(vtlx_check(&h, 8, data, &why) && strstr(why, "truncated"),
	      "truncated");
	h.crc ^= 1;
	CHECK(vtlx_check(&h, 9, data, &why) && strstr(why, "checksum"),
	      "corrupt");
	h.crc ^= 1;
	h.version = htole32(2);
	CHECK(vtlx_check(&h, 9, data, &why) &&
	      !strcmp(why, "file format version 2, and this vtlctl reads version 1"),
	      "another version");
	h.magic[0] = 'X';
	CHECK(vtlx_check(&h, 9, data, &why) && strstr(why, "VTLX"),
	      "no magic");
}

int main(void)
{
	printf("# test_parse\n");
	test_match();
	test_ifname();
	test_port_parse();
	test_mode_names();
	test_max_conns();
	test_conn_names();
	test_fw_rule();
	test_fw_commands();
	test_fw_file();
	test_fw_names();
	test_rw_parse();
	test_tunnel_parse();
	test_socks_parse();
	test_addr_format();
	test_export_parse();
	test_export_file();
	return tap_done();
}
