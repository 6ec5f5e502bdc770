// SPDX-License-Identifier: GPL-2.0
/*
 * Write the fuzzer's seed corpus: one file per frame, a control byte (see
 * fuzz_pkt.c) then the frame, built by the unit tests' frames.c.
 *
 *	gen_corpus DIR
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
	char name[64];
	unsigned int i;
	struct tf f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
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
	return 0;
}
