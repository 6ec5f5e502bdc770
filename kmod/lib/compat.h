/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few definitions kmod/lib/ needs, from the kernel when built in the
 * module and from libc and the uapi headers when built for userspace.  Only
 * lib/'s headers (pkt.h, fwclass.h) include this; nothing here may need an
 * skb.
 *
 * The byte-order types stay __bitwise in both builds, so sparse checks the
 * shared code in the kernel build (make C=2) exactly as it runs in userspace.
 */
#ifndef _VTL_COMPAT_H
#define _VTL_COMPAT_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>
/* Not <linux/if_ether.h>, which would pull in all of skbuff.h. */
#include <uapi/linux/if_ether.h>

#else /* !__KERNEL__ */

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;

#ifndef __force
#define __force
#endif

#define BIT(nr)			(1UL << (nr))

#define be16_to_cpu(x)		((u16)be16toh((__force u16)(x)))
#define be32_to_cpu(x)		((u32)be32toh((__force u32)(x)))
#define cpu_to_be16(x)		((__force __be16)htobe16((u16)(x)))
#define cpu_to_be32(x)		((__force __be32)htobe32((u32)(x)))

#endif /* __KERNEL__ */

#endif /* _VTL_COMPAT_H */
