/* SPDX-License-Identifier: GPL-2.0 */
/*
 * upstream_socks: each connection through a SOCKS proxy to where the VM
 * dialled, by address or by the name DNS automap gave it, and Tor's
 * RESOLVE for a name (see upstream.h).  The protocol is socks_client.c's;
 * this file is its I/O on a non-blocking socket to the proxy.  Ready once
 * the proxy granted the request: a refusal, a protocol error or the proxy
 * closing first fail it ("the proxy refused", "SOCKS protocol error", "the
 * proxy closed").  Only the handshake's bytes are taken from the socket:
 * what the proxy sent past its reply (a server that speaks first) is the
 * stream's.
 */
#ifndef VTLCTL_UPSTREAM_SOCKS_H
#define VTLCTL_UPSTREAM_SOCKS_H

#include <sys/socket.h>

#include "socks_client.h"
#include "upstream.h"

/**
 * struct upstream_socks_config - the proxy, and how to speak to it
 * @proxy: its address
 * @proxy_len: its length
 * @version: SOCKS version
 * @user: RFC 1929 user name, "" for none
 * @password: its password
 */
struct upstream_socks_config {
	struct sockaddr_storage proxy;
	socklen_t proxy_len;
	enum socks_version version;
	char user[SOCKS_CRED_MAX + 1];
	char password[SOCKS_CRED_MAX + 1];
};

/*
 * Fill @c from its parts (@user, @password: NULL or "" for none): 0, or
 * -EINVAL if a credential is longer than SOCKS allows.
 */
int upstream_socks_config(struct upstream_socks_config *c,
			  const struct sockaddr *proxy, socklen_t len,
			  enum socks_version version, const char *user,
			  const char *password);

extern const struct vtl_upstream_ops upstream_socks_ops;

#endif /* VTLCTL_UPSTREAM_SOCKS_H */
