// SPDX-License-Identifier: GPL-2.0
/*
 * IP prefixes, IP addresses and MAC addresses, read and written the way
 * ip(8) does, with one difference: a prefix with bits set past its length
 * is refused, not silently masked.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "common/parse.h"
#include "port_cmd.h"

/* Whether an address has a bit set past its first @len. */
static bool host_bits(const uint8_t *addr, int bytes, int len)
{
	int i;

	for (i = len / 8; i < bytes; i++) {
		if (addr[i] & (i == len / 8 ? 0xff >> (len % 8) : 0xff))
			return true;
	}
	return false;
}

static void mask(uint8_t *addr, int bytes, int len)
{
	int i;

	for (i = len / 8; i < bytes; i++)
		addr[i] &= i == len / 8 ? ~(0xff >> (len % 8)) : 0;
}

/* @len bytes of @arg as an IPv4 or IPv6 address; its family, or 0. */
static uint8_t parse_ip_len(const char *arg, size_t len, uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (len >= sizeof(buf))
		return 0;
	snprintf(buf, sizeof(buf), "%.*s", (int)len, arg);
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return 6;
	return 0;
}

/*
 * "ADDRESS[/LEN]" into a family (4 or 6), an address (16 bytes of room)
 * and a length (the whole address without one); reported.
 */
int vtl_parse_prefix(const char *key, const char *arg, uint8_t *family,
		     uint8_t *addr, uint8_t *len)
{
	const char *slash = strchr(arg, '/');
	char net[VTL_ADDR_STRLEN];
	uint32_t bits, max;

	*family = parse_ip_len(arg, slash ? (size_t)(slash - arg) : strlen(arg),
			       addr);
	if (!*family)
		goto invalid;
	max = *family == 4 ? 32 : 128;
	bits = max;
	if (slash && port_parse_u32(slash + 1, &bits))
		goto invalid;
	if (bits > max) {
		vtl_err("invalid %s \"%s\": the prefix length is at most %" PRIu32,
			key, arg, max);
		return -EINVAL;
	}
	if (host_bits(addr, max / 8, bits)) {
		mask(addr, max / 8, bits);
		vtl_err("invalid %s \"%s\": host bits set (the prefix is %s)",
			key, arg, vtl_format_prefix(net, *family, addr, bits,
						    true));
		return -EINVAL;
	}
	*len = bits;
	return 0;
invalid:
	vtl_err("invalid %s \"%s\"", key, arg);
	return -EINVAL;
}

/* "ADDRESS", IPv4 or IPv6, into a family and an address; reported. */
int vtl_parse_ip(const char *key, const char *arg, uint8_t *family,
		 uint8_t *addr)
{
	*family = parse_ip_len(arg, strlen(arg), addr);
	if (!*family) {
		vtl_err("invalid %s \"%s\"", key, arg);
		return -EINVAL;
	}
	return 0;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * "xx:xx:xx:xx:xx:xx" (a group may have one digit) into @mac, which must
 * be a unicast address, as the kernel's is_valid_ether_addr() wants it:
 * not multicast (broadcast included), not all zeros.  Reported.
 */
int vtl_parse_mac(const char *key, const char *arg, uint8_t *mac)
{
	const char *s = arg;
	int i, d, v;

	for (i = 0; i < VTL_ETH_ALEN; i++) {
		if (i && *s++ != ':')
			goto invalid;
		for (v = 0, d = 0; d < 2 && hex(*s) >= 0; d++)
			v = 16 * v + hex(*s++);
		if (!d)
			goto invalid;
		mac[i] = v;
	}
	if (*s)
		goto invalid;
	if (mac[0] & 1) {
		vtl_err("invalid %s \"%s\": a multicast address, not a unicast one",
			key, arg);
		return -EINVAL;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		vtl_err("invalid %s \"%s\": the zero address, not a unicast one",
			key, arg);
		return -EINVAL;
	}
	return 0;
invalid:
	vtl_err("invalid %s \"%s\"", key, arg);
	return -EINVAL;
}

/* "ADDRESS/LEN"; without "/LEN" for a whole address unless @full_len. */
const char *vtl_format_prefix(char buf[VTL_ADDR_STRLEN], uint8_t family,
			      const uint8_t *addr, uint8_t len, bool full_len)
{
	size_t n;

	vtl_format_ip(buf, family, addr);
	n = strlen(buf);
	if (full_len || len != (family == 4 ? 32 : 128))
		snprintf(buf + n, VTL_ADDR_STRLEN - n, "/%u", len);
	return buf;
}

const char *vtl_format_ip(char buf[VTL_ADDR_STRLEN], uint8_t family,
			  const uint8_t *addr)
{
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf,
		       VTL_ADDR_STRLEN))
		snprintf(buf, VTL_ADDR_STRLEN, "?");
	return buf;
}

const char *vtl_format_mac(char buf[VTL_ADDR_STRLEN], const uint8_t *mac)
{
	snprintf(buf, VTL_ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
