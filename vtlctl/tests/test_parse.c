// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of vtlctl's command-line parsing: prefix matching, the port
 * keywords, and the message each wrong line gets.  No kernel involved.
 */
#include <linux/vtl.h>

#include <netinet/in.h>

#include "conn.h"
#include "parse.h"
#include "port.h"
#include "tap.h"

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

/* Parse @line (words split at spaces); @err: the expected stderr. */
static int parse(const char *line, unsigned int takes, unsigned int needs,
		 struct port_args *args, const char *err, const char *what)
{
	static char buf[256];
	char *argv[16];
	struct capture cap;
	int argc = 0, ret;
	char *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok && argc < 15; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
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

int main(void)
{
	printf("# test_parse\n");
	test_match();
	test_ifname();
	test_port_parse();
	test_mode_names();
	test_max_conns();
	test_conn_names();
	return tap_done();
}
