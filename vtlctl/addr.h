/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses on the command line and in the output: IP prefixes and
 * addresses (family 4 or 6, network order, 16 bytes of room) and MAC
 * addresses.  The parsers report what is wrong, naming @key and @arg.
 */
#ifndef VTLCTL_ADDR_H
#define VTLCTL_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <arpa/inet.h>

#define VTL_ETH_ALEN 6

/* Room for an address, a prefix "ADDRESS/LEN" or a MAC, as text. */
#define VTL_ADDR_STRLEN (INET6_ADDRSTRLEN + 4)

int vtl_parse_prefix(const char *key, const char *arg, uint8_t *family,
		     uint8_t *addr, uint8_t *len);
int vtl_parse_ip(const char *key, const char *arg, uint8_t *family,
		 uint8_t *addr);
int vtl_parse_mac(const char *key, const char *arg, uint8_t *mac);

const char *vtl_format_prefix(char buf[VTL_ADDR_STRLEN], uint8_t family,
			      const uint8_t *addr, uint8_t len, bool full_len);
const char *vtl_format_ip(char buf[VTL_ADDR_STRLEN], uint8_t family,
			  const uint8_t *addr);
const char *vtl_format_mac(char buf[VTL_ADDR_STRLEN], const uint8_t *mac);

#endif /* VTLCTL_ADDR_H */
