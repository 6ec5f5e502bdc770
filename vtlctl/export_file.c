// SPDX-License-Identifier: GPL-2.0
/*
 * vtlctl port export dev VMIF [ FILE | - ]
 * vtlctl port import dev VMIF { FILE | - }
 *
 * Export writes the port's state (its services' configuration and its
 * tracked connections, see VTL_CMD_PORT_EXPORT) to a file, or to standard
 * output; import makes an attached port's state that of a file, in one
 * request the kernel applies whole or not at all.  The file format is in
 * export_file.h.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <linux/netlink.h>

#include "cmd.h"
#include "common/genl.h"
#include "common/parse.h"
#include "vtlctl.h"
#include "export_file.h"

/* The largest file import reads: far above what a port's state takes. */
#define VTLX_MAX_LEN	(1ULL << 30)

static void export_usage(FILE *f, int import)
{
	fprintf(f, import ?
		"Usage: vtlctl [ OPTIONS ] port import dev VMIF { FILE | - }\n" :
		"Usage: vtlctl [ OPTIONS ] port export dev VMIF [ FILE | - ]\n");
}

static void export_usage_out(FILE *f)
{
	export_usage(f, 0);
}

static void import_usage_out(FILE *f)
{
	export_usage(f, 1);
}

/* "dev VMIF" and a file name, in any order; a VTL_PARSE_* value. */
int export_parse(int argc, char *argv[], int import, struct export_args *a)
{
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help"))
			return VTL_PARSE_HELP;
		if (!strcmp(argv[i], "dev")) {
			if (a->dev) {
				vtl_err("dev given twice");
				return VTL_PARSE_ERROR;
			}
			if (++i == argc) {
				vtl_err("dev needs a device name");
				return VTL_PARSE_ERROR;
			}
			if (!vtl_ifname_valid(argv[i])) {
				vtl_err("invalid device name \"%s\"", argv[i]);
				return VTL_PARSE_ERROR;
			}
			a->dev = argv[i];
		} else if (!a->file && *argv[i]) {
			a->file = argv[i];
		} else {
			vtl_err("unexpected \"%s\"", argv[i]);
			return VTL_PARSE_ERROR;
		}
	}
	if (!a->dev) {
		vtl_err("dev VMIF is required");
		return VTL_PARSE_ERROR;
	}
	if (import && !a->file) {
		vtl_err("a FILE (or - for standard input) is required");
		return VTL_PARSE_ERROR;
	}
	return VTL_PARSE_OK;
}

/* The file's CRC-32: zlib's (IEEE 802.3, as gzip and PNG). */
uint32_t vtlx_crc32(const void *data, size_t len)
{
	return crc32_z(0, data, len);
}

/*
 * Is @h (in file order) the header of @avail bytes at @data?  0, or
 * -EINVAL with @why set.
 */
int vtlx_check(const struct vtlx_header *h, size_t avail, const void *data,
	       const char **why)
{
	static char buf[128];

	if (memcmp(h->magic, VTLX_MAGIC, 4)) {
		*why = "not a vtlctl export (no VTLX header)";
		return -EINVAL;
	}
	if (le32toh(h->version) != VTLX_VERSION) {
		snprintf(buf, sizeof(buf),
			 "file format version %u, and this vtlctl reads version %u",
			 le32toh(h->version), VTLX_VERSION);
		*why = buf;
		return -EINVAL;
	}
	if (le64toh(h->len) != avail) {
		snprintf(buf, sizeof(buf),
			 "truncated or padded: the header says %llu bytes, and %zu follow it",
			 (unsigned long long)le64toh(h->len), avail);
		*why = buf;
		return -EINVAL;
	}
	if (h->flags || vtlx_crc32(data, avail) != le32toh(h->crc)) {
		*why = "corrupt: its checksum does not match";
		return -EINVAL;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

static int write_export(const char *file, const struct vtl_blob *b)
{
	struct vtlx_header h;
	int fd = STDOUT_FILENO, err;

	memcpy(h.magic, VTLX_MAGIC, 4);
	h.version = htole32(VTLX_VERSION);
	h.flags = 0;
	h.crc = htole32(vtlx_crc32(b->data, b->len));
	h.len = htole64(b->len);
	if (file && strcmp(file, "-")) {
		/* it may hold a SOCKS password: the owner's alone */
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			vtl_err("%s: %s.", file, strerror(errno));
			return -errno;
		}
	}
	err = write_all(fd, &h, sizeof(h));
	if (!err)
		err = write_all(fd, b->data, b->len);
	if (fd != STDOUT_FILENO && close(fd) && !err)
		err = -errno;
	if (err)
		vtl_err("%s: %s.", file && strcmp(file, "-") ? file :
			"standard output", strerror(-err));
	return err;
}

/* The whole of @file (or standard input) into @b. */
static int read_all(const char *file, struct vtl_blob *b)
{
	int fd = STDIN_FILENO, err = 0;
	ssize_t n;
	void *p;

	if (strcmp(file, "-")) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	for (;;) {
		if (b->len == b->cap) {
			if (b->cap >= VTLX_MAX_LEN) {
				err = -EFBIG;
				break;
			}
			p = realloc(b->data, b->cap ? 2 * b->cap : 65536);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			b->data = p;
			b->cap = b->cap ? 2 * b->cap : 65536;
		}
		n = read(fd, b->data + b->len, b->cap - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (!n)
			break;
		b->len += n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return err;
}

int port_export(const struct vtl_opts *opts, int argc, char *argv[])
{
	struct vtl_blob b = { 0 };
	struct export_args a;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = export_parse(argc - 1, argv + 1, 0, &a);
	if (ret != VTL_PARSE_OK)
		return vtl_parse_status(ret, export_usage_out);
	/* as ip route save: no binary stream to a terminal */
	if ((!a.file || !strcmp(a.file, "-")) && isatty(STDOUT_FILENO)) {
		vtl_err("not writing an export to a terminal: give a FILE, or redirect standard output");
		return VTL_EXIT_USAGE;
	}
	if (vtl_cmd_prepare(opts, a.dev, &ifindex, &nl))
		return VTL_EXIT_ERROR;
	ret = vtl_nl_port_export(nl, ifindex, &b);
	if (!ret && write_export(a.file, &b)) {
		vtl_nl_close(nl);
		free(b.data);
		return VTL_EXIT_ERROR;
	}
	free(b.data);
	return vtl_cmd_finish(nl, a.dev, ret);
}

int port_import(const struct vtl_opts *opts, int argc, char *argv[])
{
	const char *name, *why;
	struct vtlx_header h;
	struct vtl_blob b = { 0 };
	struct export_args a;
	struct vtl_nl *nl;
	uint32_t ifindex;
	int ret;

	ret = export_parse(argc - 1, argv + 1, 1, &a);
	if (ret != VTL_PARSE_OK)
		return vtl_parse_status(ret, import_usage_out);
	name = strcmp(a.file, "-") ? a.file : "standard input";
	ret = read_all(a.file, &b);
	if (ret) {
		vtl_err("%s: %s.", name, strerror(-ret));
		free(b.data);
		return VTL_EXIT_ERROR;
	}
	if (b.len < sizeof(h)) {
		vtl_err("%s: truncated: %zu bytes, not even a header.", name,
			b.len);
		free(b.data);
		return VTL_EXIT_ERROR;
	}
	memcpy(&h, b.data, sizeof(h));
	if (vtlx_check(&h, b.len - sizeof(h), b.data + sizeof(h), &why)) {
		vtl_err("%s: %s.", name, why);
		free(b.data);
		return VTL_EXIT_ERROR;
	}
	if (vtl_cmd_prepare(opts, a.dev, &ifindex, &nl)) {
		free(b.data);
		return VTL_EXIT_ERROR;
	}
	ret = vtl_nl_port_import(nl, ifindex, b.data + sizeof(h),
				 b.len - sizeof(h));
	free(b.data);
	return vtl_cmd_finish(nl, a.dev, ret);
}

/* --- its requests and replies (on the genl core, common/genl.h) ------- */

/* Append the attributes of one message of the export to the blob. */
static int parse_export(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));
	int len = genlmsg_attrlen(gnlh, 0);
	struct vtl_blob *b = arg;
	size_t cap;
	void *p;

	if (len <= 0)
		return 0;
	if (b->len + len > b->cap) {
		cap = b->cap ? 2 * b->cap : 65536;
		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, genlmsg_attrdata(gnlh, 0), len);
	b->len += len;
	return 0;
}

int vtl_nl_port_export(struct vtl_nl *nl, uint32_t ifindex,
		       struct vtl_blob *out)
{
	struct nl_msg *msg;
	int tries, err;
	bool intr;

	/* the kernel fills dump messages as large as we read them */
	nl_socket_set_msg_buf_size(vtl_nl_sock(nl), 32768);
	for (tries = 0; tries < VTL_NL_DUMP_TRIES; tries++) {
		out->len = 0;
		msg = vtl_nl_ifindex_msg(nl, VTL_CMD_PORT_EXPORT, NLM_F_DUMP,
					 VTL_EXPORT_A_IFINDEX, ifindex);
		if (!msg)
			return -ENOMEM;
		err = vtl_nl_transact(nl, msg, parse_export, out, &intr);
		nlmsg_free(msg);
		if (err || !intr)
			return err;
	}
	vtl_nl_set_msg(nl, "the ports kept changing while the port was exported, try again");
	return -EAGAIN;
}

int vtl_nl_port_import(struct vtl_nl *nl, uint32_t ifindex,
		       const void *attrs, size_t len)
{
	struct nl_msg *msg;
	int err;

	if (len > INT_MAX / 2) {
		vtl_nl_set_msg(nl, "the export is too large for one request");
		return -E2BIG;
	}
	msg = vtl_nl_msg_size(nl, VTL_CMD_PORT_IMPORT, 0,
			      NLA_ALIGN(NLA_HDRLEN + 4) + len);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, VTL_EXPORT_A_IFINDEX, ifindex) < 0 ||
	    nlmsg_append(msg, (void *)attrs, len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	/* one request, applied whole: as large as the export */
	vtl_nl_fit_sndbuf(nl, nlmsg_hdr(msg)->nlmsg_len);
	err = vtl_nl_transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	return err;
}
