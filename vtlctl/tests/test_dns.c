// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of dns.c: query parsing (good and malformed), replies,
 * TCP framing, automap (stable addresses, LRU reuse, holds, the reverse
 * lookup) and the resolve cache's TTL.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "../../selftests/tap.h"
#include "../daemon/dns.h"

#define SEC	1000000000ULL

/* A query for @name (dotted) of @qtype, with an EDNS OPT record. */
static size_t query(uint8_t *buf, const char *name, uint16_t qtype)
{
	static const uint8_t opt[] = { 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0 };
	size_t off = DNS_HDR_LEN;
	const char *p = name, *dot;

	memset(buf, 0, DNS_HDR_LEN);
	buf[0] = 0x12;
	buf[1] = 0x34;
	buf[2] = 1;	/* RD */
	buf[5] = 1;
	buf[11] = 1;
	for (; *p; p = *dot ? dot + 1 : dot) {
		dot = strchr(p, '.');
		if (!dot)
			dot = p + strlen(p);
		buf[off++] = dot - p;
		memcpy(buf + off, p, dot - p);
		off += dot - p;
	}
	buf[off++] = 0;
	buf[off++] = qtype >> 8;
	buf[off++] = qtype & 0xff;
	buf[off++] = 0;
	buf[off++] = 1;
	memcpy(buf + off, opt, sizeof(opt));
	return off + sizeof(opt);
}

static void test_parse(void)
{
	uint8_t buf[600], out[DNS_REPLY_MAX];
	struct dns_query q;
	size_t len = query(buf, "Some-Name.Example", DNS_TYPE_A), i;
	static const uint8_t addr[4] = { 10, 192, 0, 1 };
	ssize_t n;

	CHECK(!dns_parse_query(buf, len, &q) && q.id == 0x1234 && q.rd &&
	      !strcmp(q.name, "some-name.example") && q.qtype == DNS_TYPE_A &&
	      q.qclass == DNS_CLASS_IN && q.question_len == 19 + 4,
	      "parse: A query, lower-cased name, EDNS ignored");
	n = dns_build_reply(&q, DNS_RCODE_NOERROR, AF_INET, addr, 60, out,
			    sizeof(out));
	CHECK(n == DNS_HDR_LEN + 23 + 16 && out[0] == 0x12 && out[2] == 0x81 &&
	      out[3] == 0x80 && out[7] == 1 && out[11] == 0 &&
	      !memcmp(out + 12, buf + 12, 23) &&
	      out[35] == 0xc0 && out[36] == 12 && out[38] == DNS_TYPE_A &&
	      out[44] == 60 && out[46] == 4 && !memcmp(out + 47, addr, 4),
	      "reply: one A record, the question echoed");
	n = dns_build_reply(&q, DNS_RCODE_REFUSED, 0, NULL, 0, out,
			    sizeof(out));
	CHECK(n == DNS_HDR_LEN + 23 && (out[3] & 0xf) == DNS_RCODE_REFUSED &&
	      out[7] == 0, "reply: REFUSED, no answer");
	CHECK(dns_build_reply(&q, 0, AF_INET6, addr, 0, out, 40) == -ENOSPC,
	      "reply: too small a buffer: -ENOSPC");

	/* malformed */
	CHECK(dns_parse_query(buf, 11, &q) == -EINVAL, "parse: short header");
	for (i = DNS_HDR_LEN; i < 23 + DNS_HDR_LEN; i++)
		if (dns_parse_query(buf, i, &q) != -EINVAL)
			break;
	CHECK(i == 23 + DNS_HDR_LEN, "parse: every truncation is -EINVAL");
	buf[2] |= 0x80;
	CHECK(dns_parse_query(buf, len, &q) == -EINVAL, "parse: a response");
	buf[2] = 1;
	buf[5] = 2;
	CHECK(dns_parse_query(buf, len, &q) == -EINVAL, "parse: 2 questions");
	buf[5] = 1;
	buf[12] = 0xc0;
	CHECK(dns_parse_query(buf, len, &q) == -EINVAL,
	      "parse: a compression pointer");
	len = query(buf, "a.b", DNS_TYPE_A);
	buf[13] = '.';
	CHECK(dns_parse_query(buf, len, &q) == -EINVAL,
	      "parse: a dot inside a label");
	buf[13] = 0;
	CHECK(dns_parse_query(buf, len, &q) == -EINVAL,
	      "parse: a NUL inside a label");
	memset(buf + 13, 'a', 63);
	for (i = 0; i < 4; i++) {
		buf[12 + i * 64] = 63;
		memset(buf + 13 + i * 64, 'a', 63);
	}
	buf[12 + 4 * 64] = 0;
	memset(buf + 13 + 4 * 64, 0, 4);
	CHECK(dns_parse_query(buf, 12 + 4 * 64 + 5, &q) == -EINVAL,
	      "parse: a 255-character name");
	len = query(buf, ".", DNS_TYPE_A);
	CHECK(!dns_parse_query(buf, len, &q) && !q.name[0],
	      "parse: the root name");
}

static void test_tcp(void)
{
	static const uint8_t stream[] = { 0, 3, 'a', 'b', 'c', 0, 2, 'd' };
	const uint8_t *msg;
	size_t mlen;

	CHECK(dns_tcp_message(stream, 1, &msg, &mlen) == 0,
	      "tcp: a length byte alone: wait");
	CHECK(dns_tcp_message(stream, 5, &msg, &mlen) == 5 && mlen == 3 &&
	      msg == stream + 2, "tcp: a whole message");
	CHECK(dns_tcp_message(stream + 5, 3, &msg, &mlen) == 0,
	      "tcp: part of one: wait");
	CHECK(dns_tcp_message((const uint8_t *)"\0\0", 2, &msg, &mlen) ==
	      -EINVAL, "tcp: an empty message: -EINVAL");
}

static void test_automap(void)
{
	struct dns_automap *m;
	uint32_t prefix, a, b, c, d;
	unsigned int plen;

	CHECK(!dns_parse_prefix("10.192.0.0/10", &prefix, &plen) &&
	      prefix == 0x0ac00000 && plen == 10, "prefix: 10.192.0.0/10");
	CHECK(dns_parse_prefix("10.0.0.0/31", &prefix, &plen) == -EINVAL &&
	      dns_parse_prefix("10.0.0.0", &prefix, &plen) == -EINVAL &&
	      dns_parse_prefix("10.0.0/8", &prefix, &plen) == -EINVAL,
	      "prefix: bad ones refused");
	m = dns_automap_create(0x0ac00000, 10, 3);
	CHECK(m && dns_automap_capacity(m) == 3, "automap: 3 entries");
	dns_automap_map(m, "a.example", &a);
	dns_automap_map(m, "b.example", &b);
	CHECK(a == 0x0ac00001 && b == 0x0ac00002,
	      "automap: the first addresses of the prefix");
	dns_automap_map(m, "a.example", &c);
	CHECK(c == a, "automap: the same name, the same address");
	CHECK(!strcmp(dns_automap_name(m, b), "b.example") &&
	      !dns_automap_name(m, 0x0ac00003) &&
	      !dns_automap_name(m, 0x0a000001) &&
	      dns_automap_contains(m, 0x0ac00003) &&
	      dns_automap_contains(m, 0x0affffff) &&
	      !dns_automap_contains(m, 0x0b000000) &&
	      !dns_automap_contains(m, 0x0abfffff),
	      "automap: reverse lookup");
	dns_automap_map(m, "c.example", &c);
	/* LRU order now: c, b, a; hold a */
	CHECK(!strcmp(dns_automap_hold(m, a), "a.example"), "automap: hold");
	dns_automap_map(m, "b.example", &b);
	dns_automap_map(m, "d.example", &d);
	CHECK(d == c && !strcmp(dns_automap_name(m, a), "a.example") &&
	      !strcmp(dns_automap_name(m, b), "b.example"),
	      "automap: full: the least recently used unheld address reused");
	dns_automap_map(m, "b.example", &b);
	dns_automap_hold(m, b);
	dns_automap_hold(m, d);
	CHECK(dns_automap_map(m, "e.example", &c) == -ENOSPC,
	      "automap: every address held: -ENOSPC");
	dns_automap_put(m, d);
	CHECK(!dns_automap_map(m, "e.example", &c) && c == d,
	      "automap: put frees it for reuse");
	CHECK(dns_automap_map(m, "", &c) == -EINVAL, "automap: empty name");
	dns_automap_destroy(m);
	m = dns_automap_create(0xc0a80000, 30, 100);
	CHECK(m && dns_automap_capacity(m) == 2,
	      "automap: a /30 has 2 addresses");
	dns_automap_destroy(m);
	CHECK(!dns_automap_create(0, 31, 10) && errno == EINVAL,
	      "automap: a /31 refused");
}

static void test_cache(void)
{
	static struct dns_cache c;
	uint8_t a[16] = { 93, 184, 216, 34 }, got[16];
	unsigned int i;
	char name[32];

	dns_cache_put(&c, "a.org", AF_INET, a, 60, 100 * SEC);
	CHECK(dns_cache_get(&c, "a.org", AF_INET, 159 * SEC, got) &&
	      !memcmp(got, a, 4), "cache: a hit within the TTL");
	CHECK(!dns_cache_get(&c, "a.org", AF_INET, 160 * SEC, got),
	      "cache: expired after it");
	CHECK(!dns_cache_get(&c, "a.org", AF_INET6, 101 * SEC, got),
	      "cache: per family");
	for (i = 0; i < DNS_CACHE_SIZE + 10; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		dns_cache_put(&c, name, AF_INET, a, 60, (200 + i) * SEC);
	}
	CHECK(dns_cache_get(&c, "n265", AF_INET, 300 * SEC, got) &&
	      !dns_cache_get(&c, "n0", AF_INET, 300 * SEC, got),
	      "cache: full: the soonest to expire goes");
}

int main(void)
{
	/* tap.h's output capture is for the command-line tests. */
	(void)capture_begin;
	(void)capture_end;
	test_parse();
	test_tcp();
	test_automap();
	test_cache();
	return tap_done();
}
