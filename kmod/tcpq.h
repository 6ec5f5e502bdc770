/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bytes of a TCP socket's receive queue, copied without consuming them.
 */
#ifndef _VTL_TCPQ_H
#define _VTL_TCPQ_H

#include <linux/skbuff.h>
#include <linux/types.h>

int vtl_tcpq_copy(int fd, u64 offset, u32 len, struct sk_buff *skb, u32 off);

#endif /* _VTL_TCPQ_H */
