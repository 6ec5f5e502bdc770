// SPDX-License-Identifier: GPL-2.0
/*
 * dns: query parsing, replies, automap and the resolve cache (dns.h).
 * Everything here reads bytes a VM chose: every length is checked before
 * the byte it covers is read, and a bad message is an error, never more.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/**
 * dns_parse_query() - parse a DNS query of one question
 * @msg, @len: the message (a UDP payload, or a TCP message unframed)
 * @q: filled in
 *
 * Only standard queries (QR 0, opcode 0) of exactly one question, its name
 * uncompressed (a query has nothing to point back to); whatever follows the
 * question (an EDNS OPT record) is ignored.  Names of other bytes than
 * letters, digits, '-' and '_' are refused: the name goes to a SOCKS
 * proxy, and a dot or a NUL inside a label would change what it names.
 *
 * Return: 0, or -EINVAL for anything else.
 */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q)
{
	size_t off = DNS_HDR_LEN, n = 0;

	if (len < DNS_HDR_LEN)
		return -EINVAL;
	/* QR, opcode */
	if (msg[2] & 0xf8)
		return -EINVAL;
	if (get16(msg + 4) != 1)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->id = get16(msg);
	q->rd = msg[2] & 1;
	for (;;) {
		uint8_t l;
		size_t i;

		if (off >= len)
			return -EINVAL;
		l = msg[off++];
		if (!l)
			break;
		if (l > 63 || l > len - off)
			return -EINVAL;
		/* a label, and its dot before it */
		if (n + !!n + l > DNS_NAME_MAX)
			return -EINVAL;
		if (n)
			q->name[n++] = '.';
		for (i = 0; i < l; i++) {
			uint8_t c = msg[off + i];

			if (!isalnum(c) && c != '-' && c != '_')
				return -EINVAL;
			q->name[n++] = tolower(c);
		}
		off += l;
	}
	if (len - off < 4)
		return -EINVAL;
	q->name[n] = '\0';
	q->qtype = get16(msg + off);
	q->qclass = get16(msg + off + 2);
	off += 4;
	q->question_len = off - DNS_HDR_LEN;
	memcpy(q->question, msg + DNS_HDR_LEN, q->question_len);
	return 0;
}

/**
 * dns_tcp_message() - the next message of a DNS-over-TCP stream
 * @buf, @len: the bytes received so far
 * @msg, @msg_len: set to the message, without its length
 *
 * Return: the bytes the message took with its length (to drop from @buf),
 * 0 if it is not all there yet, -EINVAL for an empty message.
 */
ssize_t dns_tcp_message(const uint8_t *buf, size_t len, const uint8_t **msg,
			size_t *msg_len)
{
	size_t n;

	if (len < 2)
		return 0;
	n = get16(buf);
	if (!n)
		return -EINVAL;
	if (len - 2 < n)
		return 0;
	*msg = buf + 2;
	*msg_len = n;
	return n + 2;
}

/**
 * dns_build_reply() - the reply to a query
 * @q: the query
 * @rcode: its code (%DNS_RCODE_NOERROR with no @family: no data)
 * @family: AF_INET (an A record) or AF_INET6 (AAAA) for an answer, or 0
 * @addr: the answer's address, network order
 * @ttl: its TTL, seconds
 * @out, @size: where to build it
 *
 * Return: its length, or -ENOSPC.
 */
ssize_t dns_build_reply(const struct dns_query *q, uint8_t rcode, int family,
			const uint8_t *addr, uint32_t ttl, uint8_t *out,
			size_t size)
{
	size_t alen = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	size_t len = DNS_HDR_LEN + q->question_len + (alen ? 12 + alen : 0);
	uint8_t *p;

	if (len > size)
		return -ENOSPC;
	memset(out, 0, DNS_HDR_LEN);
	put16(out, q->id);
	out[2] = 0x80 | q->rd;		/* QR, opcode 0, RD echoed */
	out[3] = 0x80 | (rcode & 0xf);	/* RA */
	put16(out + 4, 1);
	put16(out + 6, alen ? 1 : 0);
	memcpy(out + DNS_HDR_LEN, q->question, q->question_len);
	if (!alen)
		return len;
	p = out + DNS_HDR_LEN + q->question_len;
	put16(p, 0xc000 | DNS_HDR_LEN);	/* the name: the question's */
	put16(p + 2, family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA);
	put16(p + 4, DNS_CLASS_IN);
	put16(p + 6, ttl >> 16);
	put16(p + 8, ttl & 0xffff);
	put16(p + 10, alen);
	memcpy(p + 12, addr, alen);
	return len;
}

/* ---- automap ------------------------------------------------------------ */

/*
 * Entry i has the address prefix + i + 1 (the prefix's own address is never
 * handed out), so the reverse lookup is an index.  Names hash into chains;
 * a doubly linked list keeps the entries most recently used first.
 */
struct automap_entry {
	char name[DNS_NAME_MAX + 1];
	int hnext;		/* chain, -1 ends */
	int prev, next;		/* LRU list, -1 ends */
	unsigned int holds;	/* connections using the address */
};

struct dns_automap {
	uint32_t prefix, mask;
	unsigned int cap, used;
	unsigned int nbuckets;
	int *buckets;
	int lru_head, lru_tail;
	struct automap_entry *e;
};

static uint32_t hash_name(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/**
 * dns_automap_create() - an empty automap of a prefix
 * @prefix: its first address (host order); host bits are ignored
 * @plen: its length, 1 to 30
 * @max: at most this many names at once (fewer if the prefix is smaller)
 *
 * Return: the map, or NULL (errno set).
 */
struct dns_automap *dns_automap_create(uint32_t prefix, unsigned int plen,
				       unsigned int max)
{
	struct dns_automap *m;
	uint64_t room;
	unsigned int i;

	if (plen < 1 || plen > 30 || !max) {
		errno = EINVAL;
		return NULL;
	}
	room = (1ULL << (32 - plen)) - 2;	/* not the first or last */
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->mask = ~(uint32_t)((1ULL << (32 - plen)) - 1);
	m->prefix = prefix & m->mask;
	m->cap = max < room ? max : room;
	for (m->nbuckets = 16; m->nbuckets < m->cap; m->nbuckets <<= 1)
		;
	m->buckets = malloc(m->nbuckets * sizeof(*m->buckets));
	m->e = calloc(m->cap, sizeof(*m->e));
	if (!m->buckets || !m->e) {
		dns_automap_destroy(m);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < m->nbuckets; i++)
		m->buckets[i] = -1;
	m->lru_head = m->lru_tail = -1;
	return m;
}

void dns_automap_destroy(struct dns_automap *m)
{
	if (!m)
		return;
	free(m->buckets);
	free(m->e);
	free(m);
}

unsigned int dns_automap_capacity(const struct dns_automap *m)
{
	return m->cap;
}

static void lru_unlink(struct dns_automap *m, int i)
{
	struct automap_entry *e = &m->e[i];

	if (e->prev >= 0)
		m->e[e->prev].next = e->next;
	else
		m->lru_head = e->next;
	if (e->next >= 0)
		m->e[e->next].prev = e->prev;
	else
		m->lru_tail = e->prev;
}

static void lru_push(struct dns_automap *m, int i)
{
	struct automap_entry *e = &m->e[i];

	e->prev = -1;
	e->next = m->lru_head;
	if (m->lru_head >= 0)
		m->e[m->lru_head].prev = i;
	m->lru_head = i;
	if (m->lru_tail < 0)
		m->lru_tail = i;
}

static void touch(struct dns_automap *m, int i)
{
	lru_unlink(m, i);
	lru_push(m, i);
}

static void hash_unlink(struct dns_automap *m, int i)
{
	int *p = &m->buckets[hash_name(m->e[i].name) & (m->nbuckets - 1)];

	while (*p != i)
		p = &m->e[*p].hnext;
	*p = m->e[i].hnext;
}

/**
 * dns_automap_map() - the address of a name, mapping it if need be
 * @m: the map
 * @name: the name (as dns_parse_query() gives it)
 * @addr: set to its address, host order
 *
 * A full map takes the least recently used address no connection holds.
 *
 * Return: 0, -EINVAL for a name too long or empty, -ENOSPC if every
 * address is held.
 */
int dns_automap_map(struct dns_automap *m, const char *name, uint32_t *addr)
{
	size_t len = strlen(name);
	uint32_t b = hash_name(name) & (m->nbuckets - 1);
	int i;

	if (!len || len > DNS_NAME_MAX)
		return -EINVAL;
	for (i = m->buckets[b]; i >= 0; i = m->e[i].hnext)
		if (!strcmp(m->e[i].name, name))
			goto found;
	if (m->used < m->cap) {
		i = m->used++;
	} else {
		for (i = m->lru_tail; i >= 0 && m->e[i].holds; i = m->e[i].prev)
			;
		if (i < 0)
			return -ENOSPC;
		hash_unlink(m, i);
		lru_unlink(m, i);
	}
	memcpy(m->e[i].name, name, len + 1);
	m->e[i].hnext = m->buckets[b];
	m->buckets[b] = i;
	m->e[i].holds = 0;
	lru_push(m, i);
found:
	touch(m, i);
	*addr = m->prefix + i + 1;
	return 0;
}

/*
 * @addr (host order) is of the map's prefix: the VM can only have it from
 * us, mapped now or once, so it never goes to the proxy as an address.
 */
bool dns_automap_contains(const struct dns_automap *m, uint32_t addr)
{
	return (addr & m->mask) == m->prefix;
}

static int index_of(const struct dns_automap *m, uint32_t addr)
{
	uint32_t i = addr - m->prefix - 1;

	return i < m->used ? (int)i : -1;
}

/* The name mapped to @addr now, or NULL; counts as a use. */
const char *dns_automap_name(struct dns_automap *m, uint32_t addr)
{
	int i = index_of(m, addr);

	if (i < 0)
		return NULL;
	touch(m, i);
	return m->e[i].name;
}

/*
 * The name of @addr, which keeps it until dns_automap_put(): a connection
 * to an automapped address holds it, so that its address never names
 * another host while it lives.
 */
const char *dns_automap_hold(struct dns_automap *m, uint32_t addr)
{
	int i = index_of(m, addr);

	if (i < 0)
		return NULL;
	m->e[i].holds++;
	touch(m, i);
	return m->e[i].name;
}

void dns_automap_put(struct dns_automap *m, uint32_t addr)
{
	int i = index_of(m, addr);

	if (i >= 0 && m->e[i].holds)
		m->e[i].holds--;
}

/* "A.B.C.D/LEN" (host order out). Return: 0 or -EINVAL. */
int dns_parse_prefix(const char *s, uint32_t *prefix, unsigned int *plen)
{
	char buf[32], *slash, *end;
	struct in_addr a;
	unsigned long l;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	l = strtoul(slash + 1, &end, 10);
	if (*end || end == slash + 1 || l < 1 || l > 30 ||
	    inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	*prefix = ntohl(a.s_addr);
	*plen = l;
	return 0;
}

/* ---- resolve cache ------------------------------------------------------ */

/* A hit: the address of @name for @family, not expired at @now. */
bool dns_cache_get(struct dns_cache *c, const char *name, int family,
		   uint64_t now, uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < DNS_CACHE_SIZE; i++) {
		struct dns_cache_entry *e = &c->e[i];

		if (e->expires > now && e->family == family &&
		    !strcmp(e->name, name)) {
			memcpy(addr, e->addr, family == AF_INET ? 4 : 16);
			c->hits++;
			return true;
		}
	}
	c->misses++;
	return false;
}

/*
 * Keep an answer for @ttl seconds, in place of the same name's, else of
 * the entry closest to expiring (an expired one first: it expired sooner).
 */
void dns_cache_put(struct dns_cache *c, const char *name, int family,
		   const uint8_t *addr, uint32_t ttl, uint64_t now)
{
	struct dns_cache_entry *victim = &c->e[0];
	unsigned int i;

	if (strlen(name) > DNS_NAME_MAX)
		return;
	for (i = 0; i < DNS_CACHE_SIZE; i++) {
		struct dns_cache_entry *e = &c->e[i];

		if (e->family == family && !strcmp(e->name, name)) {
			victim = e;
			break;
		}
		if (e->expires < victim->expires)
			victim = e;
	}
	strcpy(victim->name, name);
	victim->family = family;
	memcpy(victim->addr, addr, family == AF_INET ? 4 : 16);
	victim->expires = now + (uint64_t)ttl * 1000000000ULL;
}
