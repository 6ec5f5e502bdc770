// SPDX-License-Identifier: GPL-2.0
/*
 * -n NETNS: act in another network namespace, as "ip -n" does.  vtlctl
 * switches before it opens its netlink socket and before it looks up any
 * device name, so both happen in that namespace.  And a device's name for
 * what the kernel named by its ifindex.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "host.h"

#define NETNS_RUN_DIR "/run/netns"

static int cannot_open(const char *name, int err)
{
	fprintf(stderr, "Cannot open network namespace \"%s\": %s\n", name,
		strerror(err));
	return -err;
}

/*
 * Enter the namespace @name of "ip netns add" (/run/netns/NAME), or the
 * one a path names (/proc/PID/ns/net).  NULL: stay.  Reports its errors.
 */
int vtl_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, err, len;

	if (!name)
		return 0;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return cannot_open(name, EINVAL);
	if (strchr(name, '/'))
		len = snprintf(path, sizeof(path), "%s", name);
	else
		len = snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR,
			       name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return cannot_open(name, ENAMETOOLONG);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cannot_open(name, errno);
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = errno;
		fprintf(stderr,
			"setting the network namespace \"%s\" failed: %s\n",
			name, strerror(err));
		close(fd);
		return -err;
	}
	close(fd);
	return 0;
}

/* A device's name: as the kernel gave it, else as known here, else if%u. */
const char *vtl_dev_name(const char *name, uint32_t ifindex,
			 char buf[IF_NAMESIZE])
{
	if (name && *name)
		return name;
	if (ifindex && if_indextoname(ifindex, buf))
		return buf;
	snprintf(buf, IF_NAMESIZE, "if%" PRIu32, ifindex);
	return buf;
}
