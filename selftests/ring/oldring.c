// SPDX-License-Identifier: GPL-2.0
/*
 * oldring.so, for LD_PRELOAD: the program sees the vtl.ko of before
 * VTL_RING_F_USER_PAYLOAD, whose ring device refuses that attach flag as
 * it refuses any it does not know, with EOPNOTSUPP.  daemon.sh runs
 * "vtlctl daemon" under it to test the daemon's fallback: payloads
 * copied into the ring.  Every other ioctl goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include <linux/vtl_ring.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int fd, unsigned long req, ...);
	struct vtl_ring_attach *attach;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	attach = arg;
	if (req == VTL_RING_IOC_ATTACH &&
	    (attach->flags & VTL_RING_F_USER_PAYLOAD)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT,
							       "ioctl");
	return real(fd, req, arg);
}
