/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vtlctl port export" and "port import": the command lines and the file
 * format, exported for the tests.
 *
 * The file is a header (struct vtlx_header, little-endian) and the
 * netlink attributes of the kernel's export, exactly as it gave them
 * (host byte order, as netlink is): a file moves between hosts of the
 * same byte order.  The header's CRC-32 (IEEE 802.3, zlib's) covers
 * them, so a corrupt or truncated file is refused before the kernel sees
 * it.
 */
#ifndef VTLCTL_EXPORT_FILE_H
#define VTLCTL_EXPORT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "common/genl.h"

struct vtl_opts;

#define VTLX_MAGIC	"VTLX"
#define VTLX_VERSION	1

/*
 * @magic: VTLX_MAGIC; @version: VTLX_VERSION, of this header (the
 * kernel's format version is in the attributes); @flags: 0; @crc: of the
 * @len bytes that follow.
 */
struct vtlx_header {
	char magic[4];
	uint32_t version;
	uint32_t flags;
	uint32_t crc;
	uint64_t len;
};

/* What a command line said. */
struct export_args {
	const char *dev;
	const char *file;	/* NULL or "-": standard input or output */
};

int export_parse(int argc, char *argv[], int import, struct export_args *a);
uint32_t vtlx_crc32(const void *data, size_t len);
int vtlx_check(const struct vtlx_header *h, size_t avail, const void *data,
	       const char **why);

int port_export(const struct vtl_opts *opts, int argc, char *argv[]);
int port_import(const struct vtl_opts *opts, int argc, char *argv[]);

/*
 * A port's export (VTL_CMD_PORT_EXPORT): the attributes of every message of
 * the dump, as the kernel gave them, concatenated into @data (malloc()ed,
 * @len bytes; free() it).  VTL_CMD_PORT_IMPORT takes the same bytes, sent
 * in one request after the port's ifindex, so the kernel applies them in
 * one step.
 */
struct vtl_blob {
	uint8_t *data;
	size_t len;
	size_t cap;
};

int vtl_nl_port_export(struct vtl_nl *nl, uint32_t ifindex,
		       struct vtl_blob *out);
int vtl_nl_port_import(struct vtl_nl *nl, uint32_t ifindex,
		       const void *attrs, size_t len);

#endif /* VTLCTL_EXPORT_FILE_H */
