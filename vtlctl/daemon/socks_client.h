/* SPDX-License-Identifier: GPL-2.0 */
/*
 * socks_client: a non-blocking SOCKS client, one state machine per proxy
 * connection, with no I/O of its own.  The caller opens the socket to the
 * proxy, writes what socks_client_output() holds, feeds what it reads to
 * socks_client_input(), and goes on until the result is no longer
 * %SOCKS_PENDING.  Bytes the proxy sent after its reply (a server that
 * speaks first) are left to the caller: socks_client_input() says how many
 * it used.
 *
 * Speaks SOCKS5 (RFC 1928) with no authentication or username/password
 * (RFC 1929), and SOCKS4a; CONNECT to an IPv4 or IPv6 address or a
 * hostname, and Tor's RESOLVE (command 0xF0), which answers with the
 * address of a hostname and opens nothing.  SOCKS4a cannot carry IPv6.
 */
#ifndef VTLCTL_SOCKS_CLIENT_H
#define VTLCTL_SOCKS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOCKS_HOST_MAX		255	/* SOCKS5's one length byte */
#define SOCKS_CRED_MAX		255	/* RFC 1929's */
/* Tor's RESOLVE command, in SOCKS5 and SOCKS4a. */
#define SOCKS_CMD_RESOLVE	0xf0

enum socks_version {
	SOCKS_V5,
	SOCKS_V4A,
};

enum socks_cmd {
	SOCKS_CONNECT,
	SOCKS_RESOLVE,
};

/**
 * enum socks_result - where a request stands
 * @SOCKS_PENDING: more bytes to write or to read
 * @SOCKS_GRANTED: the proxy granted it; a RESOLVE's address is in the
 *	client's @bound
 * @SOCKS_REFUSED: the proxy said no: @reply has its code, @error an errno
 *	for it (EACCES: no acceptable authentication method; EPERM: bad
 *	credentials; the rest from the reply code)
 * @SOCKS_PROTO_ERROR: the proxy's bytes made no sense (@error EPROTO)
 */
enum socks_result {
	SOCKS_PENDING,
	SOCKS_GRANTED,
	SOCKS_REFUSED,
	SOCKS_PROTO_ERROR,
};

/**
 * struct socks_req - what to ask the proxy
 * @version: SOCKS5 or SOCKS4a
 * @cmd: CONNECT or RESOLVE (RESOLVE needs @host)
 * @family: AF_INET or AF_INET6 for @addr, 0 for @host
 * @addr: the destination address (network order)
 * @host: the destination hostname, when @family is 0
 * @port: the destination port (host order)
 * @user, @password: SOCKS5 credentials, or NULL for none; SOCKS4a sends
 *	@user as its USERID
 */
struct socks_req {
	enum socks_version version;
	enum socks_cmd cmd;
	int family;
	uint8_t addr[16];
	const char *host;
	uint16_t port;
	const char *user;
	const char *password;
};

/* One request's state: treat as opaque but for the results below. */
struct socks_client {
	struct socks_req req;
	char host[SOCKS_HOST_MAX + 1];
	char user[SOCKS_CRED_MAX + 1];
	char password[SOCKS_CRED_MAX + 1];
	int state;
	enum socks_result result;
	/* bytes to write */
	uint8_t out[600];
	size_t out_len, out_off;
	/* the reply being read */
	uint8_t in[300];
	size_t in_len;
	/* results */
	uint8_t reply;		/* the proxy's reply code */
	int error;		/* an errno for a refusal */
	int bound_family;	/* AF_INET/AF_INET6 of @bound, or 0 */
	uint8_t bound[16];	/* BND.ADDR: a RESOLVE's answer */
	uint16_t bound_port;
};

int socks_client_init(struct socks_client *s, const struct socks_req *req);
size_t socks_client_output(const struct socks_client *s,
			   const uint8_t **buf);
void socks_client_sent(struct socks_client *s, size_t n);
enum socks_result socks_client_input(struct socks_client *s,
				     const uint8_t *buf, size_t len,
				     size_t *used);
enum socks_result socks_client_result(const struct socks_client *s);
int socks_reply_errno(enum socks_version version, uint8_t reply);
const char *socks_result_name(enum socks_result r);

#endif /* VTLCTL_SOCKS_CLIENT_H */
