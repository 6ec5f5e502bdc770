// SPDX-License-Identifier: GPL-2.0
/*
 * oldring.so, for LD_PRELOAD: the program sees the vtl.ko of before
 * VTL_RING_F_USER_PAYLOAD, whose ring device refuses that attach flag (and
 * VTL_RING_F_SOCK_PAYLOAD, which came later) as it refuses any it does not
 * know, with EOPNOTSUPP; or with OLDRING=sock in the environment, the
 * vtl.ko of before VTL_RING_F_SOCK_PAYLOAD alone.  daemon.sh runs "vtlctl
 * daemon" under it to test the daemon's fallbacks: payloads by reference,
 * or copied into the ring.  Every other ioctl goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/vtl_ring.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int fd, unsigned long req, ...);
	const char *old = getenv("OLDRING");
	__u32 unknown = VTL_RING_F_SOCK_PAYLOAD;
	struct vtl_ring_attach *attach;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	attach = arg;
	if (!old || strcmp(old, "sock"))
		unknown |= VTL_RING_F_USER_PAYLOAD;
	if (req == VTL_RING_IOC_ATTACH && (attach->flags & unknown)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT,
							       "ioctl");
	return real(fd, req, arg);
}
