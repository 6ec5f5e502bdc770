/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dns: just enough DNS to answer a VM's queries without any DNS packet
 * leaving the host.  A query is parsed (a UDP payload, or one message of
 * TCP's 2-byte length framing), and answered with an address, no data, or
 * an error code; the question is echoed from the query as it came.
 *
 * Automap (Tor's AutomapHostsOnResolve): each hostname gets an address of
 * a prefix, the same one while it is asked for or held by a connection; a
 * bounded table reuses the least recently used unheld address.  The
 * reverse lookup gives a connection to a mapped address its hostname, for
 * a SOCKS CONNECT by name.
 *
 * The resolve cache keeps the answers of SOCKS RESOLVE requests until
 * their TTL runs out.  No I/O, no clock of its own: "now" is the caller's,
 * in nanoseconds.  Automap addresses are IPv4, in host byte order.
 */
#ifndef VTLCTL_DNS_H
#define VTLCTL_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DNS_NAME_MAX		253	/* dotted, without the final dot */
#define DNS_QUESTION_MAX	(DNS_NAME_MAX + 2 + 4)
#define DNS_HDR_LEN		12
#define DNS_TYPE_A		1
#define DNS_TYPE_AAAA		28
#define DNS_CLASS_IN		1
#define DNS_RCODE_NOERROR	0
#define DNS_RCODE_FORMERR	1
#define DNS_RCODE_SERVFAIL	2
#define DNS_RCODE_NXDOMAIN	3
#define DNS_RCODE_NOTIMP	4
#define DNS_RCODE_REFUSED	5
/* Our answers fit a plain UDP DNS message. */
#define DNS_REPLY_MAX		512
/* The TTL of automapped and resolved answers, in seconds. */
#define DNS_TTL			60

/**
 * struct dns_query - one parsed question
 * @id: the query's ID
 * @rd: its "recursion desired" bit, echoed
 * @name: the name asked, lower case, dotted, without the final dot
 * @qtype, @qclass: what was asked
 * @question, @question_len: the question section's bytes, to echo
 */
struct dns_query {
	uint16_t id;
	bool rd;
	char name[DNS_NAME_MAX + 1];
	uint16_t qtype;
	uint16_t qclass;
	uint8_t question[DNS_QUESTION_MAX];
	size_t question_len;
};

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q);
ssize_t dns_tcp_message(const uint8_t *buf, size_t len, const uint8_t **msg,
			size_t *msg_len);
ssize_t dns_build_reply(const struct dns_query *q, uint8_t rcode, int family,
			const uint8_t *addr, uint32_t ttl, uint8_t *out,
			size_t size);

struct dns_automap;

struct dns_automap *dns_automap_create(uint32_t prefix, unsigned int plen,
				       unsigned int max);
void dns_automap_destroy(struct dns_automap *m);
int dns_automap_map(struct dns_automap *m, const char *name,
		    uint32_t *addr);
bool dns_automap_contains(const struct dns_automap *m, uint32_t addr);
const char *dns_automap_name(struct dns_automap *m, uint32_t addr);
const char *dns_automap_hold(struct dns_automap *m, uint32_t addr);
void dns_automap_put(struct dns_automap *m, uint32_t addr);
unsigned int dns_automap_capacity(const struct dns_automap *m);
int dns_parse_prefix(const char *s, uint32_t *prefix, unsigned int *plen);

/* Answers of RESOLVE requests, by name and family, until they expire. */
#define DNS_CACHE_SIZE		256

struct dns_cache_entry {
	char name[DNS_NAME_MAX + 1];
	int family;
	uint8_t addr[16];
	uint64_t expires;
};

struct dns_cache {
	struct dns_cache_entry e[DNS_CACHE_SIZE];
	uint64_t hits, misses;
};

bool dns_cache_get(struct dns_cache *c, const char *name, int family,
		   uint64_t now, uint8_t *addr);
void dns_cache_put(struct dns_cache *c, const char *name, int family,
		   const uint8_t *addr, uint32_t ttl, uint64_t now);

#endif /* VTLCTL_DNS_H */
