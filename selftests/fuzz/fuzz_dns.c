// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for vtlctl/daemon/dns.c's parsers: the bytes a VM sends
 * as a DNS query, over UDP (the whole input) and over TCP (the input as a
 * stream of length-prefixed messages).
 *
 * Invariants, any broken one an abort: a parsed query's name is at most
 * DNS_NAME_MAX characters of [a-z0-9_-] in dot-separated labels, none
 * empty; its question section is the input's bytes after the header; every
 * reply built from it has the query's ID and question and fits its
 * buffer; automap gives the name one address of its prefix, the same when
 * asked again, and the reverse lookup gives the name back.  The TCP framer
 * never returns a message past the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static struct dns_automap *map;

static void check_query(const uint8_t *msg, size_t len)
{
	static const uint8_t addr[16] = { 10, 192, 0, 1 };
	uint8_t out[DNS_REPLY_MAX];
	struct dns_query q;
	uint32_t a, b;
	size_t i, n;
	ssize_t r;

	if (dns_parse_query(msg, len, &q))
		return;
	n = strlen(q.name);
	FUZZ_ASSERT(n <= DNS_NAME_MAX);
	for (i = 0; i < n; i++) {
		char c = q.name[i];

		FUZZ_ASSERT((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_' || c == '.');
		if (c == '.')
			FUZZ_ASSERT(i > 0 && i + 1 < n && q.name[i + 1] != '.');
	}
	FUZZ_ASSERT(q.question_len >= 5 &&
		    q.question_len <= len - DNS_HDR_LEN &&
		    q.question_len <= sizeof(q.question));
	FUZZ_ASSERT(!memcmp(q.question, msg + DNS_HDR_LEN, q.question_len));
	for (i = 0; i < 3; i++) {
		static const int fam[] = { 0, AF_INET, AF_INET6 };

		r = dns_build_reply(&q, DNS_RCODE_NOERROR, fam[i], addr, 60,
				    out, sizeof(out));
		FUZZ_ASSERT(r > 0 && (size_t)r <= sizeof(out));
		FUZZ_ASSERT(out[0] == msg[0] && out[1] == msg[1]);
		FUZZ_ASSERT(!memcmp(out + DNS_HDR_LEN, q.question,
				    q.question_len));
	}
	if (!n)
		return;
	FUZZ_ASSERT(!dns_automap_map(map, q.name, &a));
	FUZZ_ASSERT(dns_automap_contains(map, a));
	FUZZ_ASSERT(!dns_automap_map(map, q.name, &b) && a == b);
	FUZZ_ASSERT(!strcmp(dns_automap_name(map, a), q.name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *msg;
	size_t off = 0, len;
	ssize_t n;

	if (!map) {
		/* small, so that the fuzzer reaches LRU reuse */
		map = dns_automap_create(0x0ac00000, 10, 64);
		FUZZ_ASSERT(map);
	}
	check_query(data, size);
	while ((n = dns_tcp_message(data + off, size - off, &msg, &len)) > 0) {
		FUZZ_ASSERT(msg == data + off + 2 && len + 2 == (size_t)n &&
			    (size_t)n <= size - off);
		check_query(msg, len);
		off += n;
	}
	return 0;
}
