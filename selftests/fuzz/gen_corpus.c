// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzer's seed corpus: one file per frame, a control byte (see
 * fuzz_pkt.c) then the frame, built by the unit tests' frames.c.  With
 * MODEL_DIR, also fuzz_model's seeds of ICMP errors (the others there are
 * kept as they are).
 *
 *	gen_corpus DIR [MODEL_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

static void put(const char *dir, const char *name, u8 ctl, const u8 *frame,
		u32 len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fputc(ctl, f) == EOF || fwrite(frame, 1, len, f) != len ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* fuzz_model's record header: a frame from the VM or not, operation 0. */
static u32 model_record(u8 *p, const struct tf *f, bool from_vm)
{
	p[0] = (from_vm ? 0x80 : 0) | (f->len >> 8 & 7);
	p[1] = f->len & 0xff;
	memcpy(p + 2, f->b, f->len);
	return 2 + f->len;
}

/*
 * ICMP errors about a flow, as a router sends them: for fuzz_pkt, alone;
 * for fuzz_model, after the packet that starts the flow.
 */
static void put_icmp_errors(const char *dir, const char *model_dir)
{
	static const struct {
		const char *name;
		struct tf_opts o;
		u8 type;
		u32 quote;
		bool from_vm;
	} errs[] = {
		{ "ipv4-icmp-unreach-tcp-syn", { .proto = IPPROTO_TCP,
		  .tcp_opts = true, .tcp_flags = VTL_TCP_SYN }, 3, 9999, true },
		{ "ipv4-icmp-ttl-udp-ipopts-short", { .proto = IPPROTO_UDP,
		  .ip4_optlen = 8, .payload = 30 }, 11, 36, false },
		{ "ipv4-icmp-unreach-echo", { .proto = IPPROTO_ICMP,
		  .payload = 56 }, 3, 9999, true },
		{ "ipv6-icmpv6-unreach-udp-ext", { .v6 = true,
		  .proto = IPPROTO_UDP, .v6_ext = TF_EXT_HBH | TF_EXT_DST |
		  TF_EXT_FRAG, .payload = 20 }, 1, 9999, true },
		{ "ipv6-icmpv6-toobig-tcp", { .v6 = true, .proto = IPPROTO_TCP,
		  .tcp_flags = VTL_TCP_SYN, .payload = 40 }, 2, 9999, false },
		{ "ipv6-icmpv6-ttl-echo", { .v6 = true,
		  .proto = IPPROTO_ICMPV6, .payload = 8 }, 3, 48, true },
	};
	static u8 rec[2 * (2 + sizeof(((struct tf *)0)->b))];
	struct tf f, e;
	unsigned int i;
	u32 n;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		tf_build(&f, &errs[i].o);
		tf_icmp_error(&e, &f, errs[i].o.v6, errs[i].type, 0,
			      errs[i].quote);
		put(dir, errs[i].name, 0x80, e.b, e.len);
		if (!model_dir)
			continue;
		/* the flow's first packet, then the error going back */
		n = model_record(rec, &f, errs[i].from_vm);
		n += model_record(rec + n, &e, !errs[i].from_vm);
		/* put() writes a first byte, then the rest */
		put(model_dir, errs[i].name, rec[0], rec + 1, n - 1);
	}
}

int main(int argc, char **argv)
{
	static const struct tf_opts frames[] = {
		{ .name = "ipv4-tcp-opts-vlan", .nr_vlan = 1,
		  .proto = IPPROTO_TCP, .tcp_opts = true, .payload = 20 },
		{ .name = "ipv4-tcp-syn-qinq-ipopts", .nr_vlan = 2,
		  .proto = IPPROTO_TCP, .ip4_optlen = 8, .tcp_opts = true,
		  .tcp_flags = VTL_TCP_SYN },
		{ .name = "ipv4-tcp-first-frag", .proto = IPPROTO_TCP,
		  .ip4_frag = 0x2000, .payload = 8 },
		{ .name = "ipv4-udp", .proto = IPPROTO_UDP, .payload = 12,
		  .pad = 6 },
		{ .name = "ipv4-udp-nocsum", .proto = IPPROTO_UDP,
		  .payload = 4, .udp_nocsum = true },
		{ .name = "ipv4-icmp", .proto = IPPROTO_ICMP, .payload = 8 },
		{ .name = "ipv6-tcp-ext", .v6 = true, .proto = IPPROTO_TCP,
		  .tcp_opts = true, .v6_ext = TF_EXT_HBH | TF_EXT_DST |
		  TF_EXT_RT | TF_EXT_FRAG | TF_EXT_AH, .payload = 4 },
		{ .name = "ipv6-tcp-rthdr", .v6 = true, .proto = IPPROTO_TCP,
		  .v6_ext = TF_EXT_RT_LEFT },
		{ .name = "ipv6-udp-vlan", .nr_vlan = 1, .v6 = true,
		  .proto = IPPROTO_UDP, .payload = 10 },
		{ .name = "ipv6-icmpv6", .v6 = true, .proto = IPPROTO_ICMPV6,
		  .payload = 8 },
	};
	static const u8 arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
		0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		2, 0, 0, 0, 0, 1, 10, 0, 0, 2, 0, 0, 0, 0, 0, 0,
		10, 0, 0, 1,
	};
	/* a neighbour solicitation from fe80::1 for fe80::2, checksum 0 */
	static const u8 ns[86] = {
		0x33, 0x33, 0xff, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 32, IPPROTO_ICMPV6, 255,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2,
		135, 0, 0, 0, 0, 0, 0, 0,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		1, 1, 2, 0, 0, 0, 0, 1,
	};
	char name[64];
	unsigned int i;
	struct tf f;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s DIR [MODEL_DIR]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		tf_build(&f, &frames[i]);
		put(argv[1], frames[i].name, 0x80, f.b, f.len);
		/* the same in partial mode, parsed from a short view */
		snprintf(name, sizeof(name), "%s-partial", frames[i].name);
		put(argv[1], name, 0x41, f.b, f.len);
	}
	put(argv[1], "arp-request", 0, arp, sizeof(arp));
	put(argv[1], "ipv6-nd-solicit", 0, ns, sizeof(ns));
	put_icmp_errors(argv[1], argc == 3 ? argv[2] : NULL);
	return 0;
}
