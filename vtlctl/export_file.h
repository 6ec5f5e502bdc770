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
#ifndef VTLCTL_EXPORT_H
#define VTLCTL_EXPORT_H

#include <stddef.h>
#include <stdint.h>

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

#endif /* VTLCTL_EXPORT_H */
