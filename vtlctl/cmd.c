// SPDX-License-Identifier: GPL-2.0
/*
 * The steps every command takes, in the order every command takes them:
 * the line is parsed first (by the object), then the namespace of -n is
 * entered, then device names are looked up, and only then is the kernel
 * asked anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "cmd.h"
#include "common/parse.h"

/* The ifindex of @dev, or "Cannot find device" as ip(8) says it. */
int vtl_cmd_lookup(const char *dev, uint32_t *ifindex)
{
	*ifindex = if_nametoindex(dev);
	if (!*ifindex) {
		fprintf(stderr, "Cannot find device \"%s\"\n", dev);
		return -ENODEV;
	}
	return 0;
}

/* Enter the namespace, look up @dev (NULL: none, @ifindex 0); reported. */
int vtl_cmd_enter(const struct vtl_opts *opts, const char *dev,
		  uint32_t *ifindex)
{
	*ifindex = 0;
	if (vtl_netns_enter(opts->netns))
		return -EINVAL;
	if (dev && vtl_cmd_lookup(dev, ifindex))
		return -ENODEV;
	return 0;
}

/* vtl_cmd_enter(), then connect.  0 or a negative errno, reported. */
int vtl_cmd_prepare(const struct vtl_opts *opts, const char *dev,
		    uint32_t *ifindex, struct vtl_nl **nl)
{
	return vtl_cmd_enter(opts, dev, ifindex) ?: vtl_nl_open(nl);
}

/* The exit status after a request about @dev (or NULL); reports @err. */
int vtl_cmd_finish(struct vtl_nl *nl, const char *dev, int err)
{
	if (err)
		vtl_nl_perror(nl, dev, err);
	vtl_nl_close(nl);
	return err ? VTL_EXIT_ERROR : VTL_EXIT_OK;
}

/*
 * Print @data with @print, in a document of @opts' form, and write it
 * whole; an exit status.
 */
int vtl_cmd_print(const struct vtl_opts *opts,
		  void (*print)(struct printer *p, const struct vtl_opts *opts,
				const void *data),
		  const void *data)
{
	struct printer *p = printer_new(opts->json, opts->pretty);
	int err;

	if (!p) {
		vtl_err("%s.", strerror(ENOMEM));
		return VTL_EXIT_ERROR;
	}
	print(p, opts, data);
	err = printer_finish(p);

	printer_free(p);
	if (err) {
		vtl_err("cannot write the output: %s.", strerror(-err));
		return VTL_EXIT_ERROR;
	}
	return VTL_EXIT_OK;
}
