/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Automatic subnet tunneling: VTL learns where each VM's addresses are and
 * installs the rewrite rule that sends a VM's frames for another local VM
 * straight to it, when they would otherwise take a gateway.
 */
#ifndef _VTL_TUNNEL_H
#define _VTL_TUNNEL_H

#include "service.h"

struct vtl_net;
struct vtl_port;

int vtl_tunnel_net_init(struct vtl_net *vn);
void vtl_tunnel_net_exit(struct vtl_net *vn);
void vtl_tunnel_learn(const struct vtl_frame *f);
void vtl_tunnel_detect(const struct vtl_frame *f);
void vtl_tunnel_forget_port(struct vtl_port *port);
bool vtl_tunnel_auto(const struct vtl_net *vn);
u32 *vtl_tunnel_genid(const struct vtl_net *vn);
int vtl_tunnel_set_auto(struct vtl_net *vn, bool on);
int vtl_tunnel_walk(struct vtl_net *vn, unsigned long *pos,
		    int (*fn)(int ifindex, u8 family, const u8 *addr,
			      const u8 *mac, u64 age_ms, void *arg),
		    void *arg);

#endif /* _VTL_TUNNEL_H */
