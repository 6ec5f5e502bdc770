// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the SOCKS client state machine (socks.c): the bytes it
 * writes for each request, and its results for proxies' replies fed whole,
 * byte by byte, and followed by stream data.
 */
#include <errno.h>
#include <sys/socket.h>

#include "../../selftests/tap.h"
#include "../daemon/socks_client.h"

/* The client wrote exactly @want (and nothing more is pending). */
static bool sent(struct socks_client *s, const void *want, size_t len)
{
	const uint8_t *buf;
	size_t n = socks_client_output(s, &buf);
	bool ok = n == len && !memcmp(buf, want, len);

	socks_client_sent(s, n);
	return ok;
}

/* Feed @len bytes, one at a time if @bytewise; the last result. */
static enum socks_result feed(struct socks_client *s, const void *buf,
			      size_t len, bool bytewise, size_t *used)
{
	enum socks_result r = SOCKS_PENDING;
	size_t off = 0, u;

	*used = 0;
	if (!bytewise) {
		r = socks_client_input(s, buf, len, used);
		return r;
	}
	for (; off < len; off++) {
		r = socks_client_input(s, (const uint8_t *)buf + off, 1, &u);
		*used += u;
	}
	return r;
}

static void test_v5_ip4(bool bytewise)
{
	static const uint8_t greet[] = { 5, 1, 0 };
	static const uint8_t req[] = { 5, 1, 0, 1, 198, 51, 100, 7, 0, 80 };
	static const uint8_t reply[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90,
					 'H', 'I' };
	struct socks_req r = { .version = SOCKS_V5, .family = AF_INET,
			       .addr = { 198, 51, 100, 7 }, .port = 80 };
	struct socks_client s;
	size_t used;

	CHECK(!socks_client_init(&s, &r), "v5: init");
	CHECK(sent(&s, greet, sizeof(greet)), "v5: greeting offers no-auth");
	CHECK(feed(&s, "\x05\x00", 2, bytewise, &used) == SOCKS_PENDING &&
	      used == 2, "v5: method 0 accepted (%s)",
	      bytewise ? "bytewise" : "whole");
	CHECK(sent(&s, req, sizeof(req)), "v5: CONNECT 198.51.100.7:80");
	CHECK(feed(&s, reply, sizeof(reply), bytewise, &used) ==
	      SOCKS_GRANTED && used == 10,
	      "v5: granted, %zu bytes used, stream data left", used);
	CHECK(s.bound_family == AF_INET && s.bound_port == 8080 &&
	      s.bound[0] == 127, "v5: bound address reported");
	CHECK(socks_client_input(&s, reply, 4, &used) == SOCKS_GRANTED &&
	      !used, "v5: done: more input used not");
}

static void test_v5_ip6_name(void)
{
	uint8_t req6[22] = { 5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t reqn[] = { 5, 1, 0, 3, 4, 'a', '.', 'b', 'c',
					0x01, 0xbb };
	static const uint8_t reply_name[] = { 5, 0, 0, 3, 3, 'x', 'y', 'z',
					      0, 1 };
	struct socks_req r = { .version = SOCKS_V5, .family = AF_INET6,
			       .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 },
			       .port = 443 };
	struct socks_client s;
	size_t used;

	req6[19] = 7;
	req6[20] = 0x01;
	req6[21] = 0xbb;
	socks_client_init(&s, &r);
	sent(&s, "\x05\x01\x00", 3);
	socks_client_input(&s, (const uint8_t *)"\x05\x00", 2, &used);
	CHECK(sent(&s, req6, sizeof(req6)), "v5: CONNECT [2001:db8::7]:443");
	r.family = 0;
	r.host = "a.bc";
	socks_client_init(&s, &r);
	sent(&s, "\x05\x01\x00", 3);
	socks_client_input(&s, (const uint8_t *)"\x05\x00", 2, &used);
	CHECK(sent(&s, reqn, sizeof(reqn)), "v5: CONNECT a.bc:443 by name");
	CHECK(feed(&s, reply_name, sizeof(reply_name), true, &used) ==
	      SOCKS_GRANTED && used == sizeof(reply_name) && !s.bound_family,
	      "v5: a reply with a bound name parses");
}

static void test_v5_auth(void)
{
	static const uint8_t greet[] = { 5, 2, 0, 2 };
	static const uint8_t auth[] = { 1, 2, 'u', 'x', 3, 'p', 'w', 'd' };
	struct socks_req r = { .version = SOCKS_V5, .family = AF_INET,
			       .addr = { 10, 0, 0, 1 }, .port = 22,
			       .user = "ux", .password = "pwd" };
	struct socks_client s;
	size_t used;

	socks_client_init(&s, &r);
	CHECK(sent(&s, greet, sizeof(greet)),
	      "auth: greeting offers no-auth and username/password");
	socks_client_input(&s, (const uint8_t *)"\x05\x02", 2, &used);
	CHECK(sent(&s, auth, sizeof(auth)), "auth: RFC 1929 request");
	CHECK(socks_client_input(&s, (const uint8_t *)"\x01\x00", 2, &used) ==
	      SOCKS_PENDING, "auth: accepted");
	CHECK(socks_client_output(&s, &(const uint8_t *){ NULL }) == 10,
	      "auth: then the CONNECT");

	socks_client_init(&s, &r);
	sent(&s, greet, sizeof(greet));
	socks_client_input(&s, (const uint8_t *)"\x05\x02", 2, &used);
	sent(&s, auth, sizeof(auth));
	CHECK(socks_client_input(&s, (const uint8_t *)"\x01\x01", 2, &used) ==
	      SOCKS_REFUSED && s.error == EPERM,
	      "auth: a wrong password is refused, EPERM");

	socks_client_init(&s, &r);
	CHECK(socks_client_input(&s, (const uint8_t *)"\x05\xff", 2, &used) ==
	      SOCKS_REFUSED && s.error == EACCES,
	      "auth: no acceptable method: refused, EACCES");

	r.user = NULL;
	socks_client_init(&s, &r);
	CHECK(socks_client_input(&s, (const uint8_t *)"\x05\x02", 2, &used) ==
	      SOCKS_PROTO_ERROR && s.error == EPROTO,
	      "auth: a method not offered is a protocol error");
}

static void test_v5_refused(void)
{
	static const struct { uint8_t rep; int err; } codes[] = {
		{ 1, ECONNREFUSED }, { 2, EACCES }, { 3, ENETUNREACH },
		{ 4, EHOSTUNREACH }, { 5, ECONNREFUSED }, { 6, ETIMEDOUT },
		{ 7, EOPNOTSUPP }, { 8, EAFNOSUPPORT }, { 0xf6, EHOSTUNREACH },
	};
	struct socks_req r = { .version = SOCKS_V5, .family = AF_INET,
			       .port = 1 };
	struct socks_client s;
	unsigned int i;
	size_t used;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		uint8_t rep[] = { 5, 0, 5, codes[i].rep, 0, 1, 0, 0, 0, 0,
				  0, 0 };

		socks_client_init(&s, &r);
		CHECK(socks_client_input(&s, rep, sizeof(rep), &used) ==
		      SOCKS_REFUSED && s.reply == codes[i].rep &&
		      s.error == codes[i].err,
		      "v5: reply %#x refused, errno %d", codes[i].rep,
		      codes[i].err);
	}
	socks_client_init(&s, &r);
	CHECK(socks_client_input(&s, (const uint8_t *)"\x05\x00\x04\x00\x00\x09",
				 6, &used) == SOCKS_PROTO_ERROR,
	      "v5: reply with a bad ATYP is a protocol error");
	socks_client_init(&s, &r);
	CHECK(socks_client_input(&s, (const uint8_t *)"\x04\x5a", 2, &used) ==
	      SOCKS_PROTO_ERROR, "v5: a SOCKS4 answer is a protocol error");
}

static void test_v4a(void)
{
	static const uint8_t req_ip[] = { 4, 1, 0, 80, 192, 0, 2, 1,
					  'u', 0 };
	static const uint8_t req_name[] = { 4, 1, 0x1f, 0x90, 0, 0, 0, 1, 0,
					    'e', 'x', '.', 'o', 'r', 'g', 0 };
	struct socks_req r = { .version = SOCKS_V4A, .family = AF_INET,
			       .addr = { 192, 0, 2, 1 }, .port = 80,
			       .user = "u" };
	struct socks_client s;
	size_t used;

	CHECK(!socks_client_init(&s, &r) && sent(&s, req_ip, sizeof(req_ip)),
	      "v4a: CONNECT by address, USERID");
	CHECK(feed(&s, "\0\x5a\0\0\0\0\0\0!", 9, true, &used) ==
	      SOCKS_GRANTED && used == 8, "v4a: granted (bytewise)");
	r.family = 0;
	r.host = "ex.org";
	r.user = NULL;
	r.port = 8080;
	socks_client_init(&s, &r);
	CHECK(sent(&s, req_name, sizeof(req_name)),
	      "v4a: CONNECT by name: 0.0.0.1, then the name");
	CHECK(socks_client_input(&s, (const uint8_t *)"\0\x5b\0\0\0\0\0\0", 8,
				 &used) == SOCKS_REFUSED &&
	      s.error == ECONNREFUSED, "v4a: 0x5b refused, ECONNREFUSED");
	socks_client_init(&s, &r);
	CHECK(socks_client_input(&s, (const uint8_t *)"\0\x10\0\0\0\0\0\0", 8,
				 &used) == SOCKS_PROTO_ERROR,
	      "v4a: an unknown code is a protocol error");
	r.family = AF_INET6;
	CHECK(socks_client_init(&s, &r) == -EAFNOSUPPORT,
	      "v4a: no IPv6: -EAFNOSUPPORT");
}

static void test_resolve(void)
{
	static const uint8_t req[] = { 5, 0xf0, 0, 3, 5, 'a', '.', 'o',
				       'r', 'g', 0, 0 };
	static const uint8_t reply[] = { 5, 0, 0, 1, 93, 184, 216, 34, 0, 0 };
	struct socks_req r = { .version = SOCKS_V5, .cmd = SOCKS_RESOLVE,
			       .host = "a.org" };
	struct socks_client s;
	size_t used;

	CHECK(!socks_client_init(&s, &r), "resolve: init");
	sent(&s, "\x05\x01\x00", 3);
	socks_client_input(&s, (const uint8_t *)"\x05\x00", 2, &used);
	CHECK(sent(&s, req, sizeof(req)), "resolve: command 0xf0 by name");
	CHECK(socks_client_input(&s, reply, sizeof(reply), &used) ==
	      SOCKS_GRANTED && s.bound_family == AF_INET &&
	      !memcmp(s.bound, reply + 4, 4), "resolve: the answer's address");
	socks_client_init(&s, &r);
	sent(&s, "\x05\x01\x00", 3);
	socks_client_input(&s, (const uint8_t *)"\x05\x00", 2, &used);
	CHECK(socks_client_input(&s, (const uint8_t *)"\x05\x04\x00\x01\0\0\0\0\0\0",
				 10, &used) == SOCKS_REFUSED &&
	      s.error == EHOSTUNREACH, "resolve: Tor's failure, EHOSTUNREACH");
	r.family = AF_INET;
	CHECK(socks_client_init(&s, &r) == -EINVAL,
	      "resolve: needs a name, -EINVAL");
}

static void test_bad_requests(void)
{
	char longname[300];
	struct socks_req r = { .version = SOCKS_V5 };
	struct socks_client s;

	CHECK(socks_client_init(&s, &r) == -EINVAL,
	      "init: no address and no name: -EINVAL");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r.host = longname;
	CHECK(socks_client_init(&s, &r) == -EINVAL,
	      "init: a 299-byte name: -EINVAL");
	r.host = "x";
	r.family = 17;
	CHECK(socks_client_init(&s, &r) == -EINVAL,
	      "init: an unknown family: -EINVAL");
	CHECK(!strcmp(socks_result_name(SOCKS_REFUSED), "refused"),
	      "result names");
}

int main(void)
{
	/* tap.h's output capture is for the command-line tests. */
	(void)capture_begin;
	(void)capture_end;
	test_v5_ip4(false);
	test_v5_ip4(true);
	test_v5_ip6_name();
	test_v5_auth();
	test_v5_refused();
	test_v4a();
	test_resolve();
	test_bad_requests();
	return tap_done();
}
