// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of proxy.c in SOCKS mode, the VM played by generated frames:
 * DNS over UDP answered from automap (the reply frame checked whole),
 * other UDP filtered, a connection to an automap address never handed out
 * refused, a pending handshake reset on proxy_destroy(p, true), and two
 * instances kept apart.  Then the relay core on a fake far end (the
 * upstream interface): connect() with the VM's destination, the VM's
 * connection accepted once ready, bytes both ways, a refusal.  The only socket is a listening one on loopback
 * that never answers, so that a handshake stays pending.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "../../kmod/lib/pkt.h"
#include "../../kmod/lib/model.h"
#include "../../selftests/tap.h"
#include "../daemon/dns.h"
#include "../daemon/proxy.h"
#include "../daemon/upstream_socks.h"

#define MAX_FRAMES	16

static const u8 vm_mac[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 1 };
static const u8 fake_mac[ETH_ALEN] = { 0x02, 0x56, 0x54, 0x4c, 0, 1 };

/* What an instance sent toward its VM. */
struct sink {
	u8 frames[MAX_FRAMES][2048];
	size_t lens[MAX_FRAMES];
	unsigned int n;
};

static void out_cb(void *arg, const uint8_t *frame, size_t len,
		   const struct virtio_net_hdr *vh)
{
	struct sink *s = arg;

	(void)vh;
	if (s->n == MAX_FRAMES || len > sizeof(s->frames[0]))
		abort();
	memcpy(s->frames[s->n], frame, len);
	s->lens[s->n++] = len;
}

static bool make_ipv6;	/* the next make() proxies IPv6 too */

static struct proxy *make(struct sink *s, uint16_t upstream_port)
{
	struct upstream_socks_config up;
	struct proxy_config cfg = {
		.upstream = &upstream_socks_ops, .upstream_cfg = &up,
		.sealed = true, .dns = PROXY_DNS_AUTOMAP,
		.dns_prefix = 0x0ac00000, .dns_prefix_len = 10,
		.output = out_cb, .arg = s, .ipv6 = make_ipv6,
	};
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(upstream_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	memcpy(cfg.mac, fake_mac, ETH_ALEN);
	if (upstream_socks_config(&up, (struct sockaddr *)&sin, sizeof(sin),
				  SOCKS_V5, NULL, NULL))
		abort();
	memset(s, 0, sizeof(*s));
	return proxy_create(&cfg);
}

static uint16_t csum_fold(const void *buf, size_t len, uint32_t sum)
{
	return (uint16_t)vtl_pkt_csum_fold(vtl_pkt_csum_bytes(buf, len, sum));
}

/* A UDP datagram from the VM (10.0.0.2:5353) to 192.0.2.53:@dport. */
static size_t udp_frame(u8 *f, uint16_t dport, const u8 *msg, size_t len)
{
	u8 *ip = f + ETH_HLEN, *udp = ip + 20;
	size_t ulen = 8 + len;
	u8 pseudo[12];
	uint16_t sum;

	memcpy(f, fake_mac, 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x08;
	f[13] = 0;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (20 + ulen) >> 8;
	ip[3] = (20 + ulen) & 0xff;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	ip[12] = 10, ip[15] = 2;
	ip[16] = 192, ip[18] = 2, ip[19] = 53;
	sum = csum_fold(ip, 20, 0);
	memcpy(ip + 10, &sum, 2);
	udp[0] = 5353 >> 8;
	udp[1] = 5353 & 0xff;
	udp[2] = dport >> 8;
	udp[3] = dport & 0xff;
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, msg, len);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = udp[4];
	pseudo[11] = udp[5];
	sum = csum_fold(udp, ulen, vtl_pkt_csum_bytes(pseudo, 12, 0));
	memcpy(udp + 6, &sum, 2);
	return ETH_HLEN + 20 + ulen;
}

/* A DNS query for "a.example", type A. */
static size_t query(u8 *q)
{
	static const u8 msg[] = {
		0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
	};

	memcpy(q, msg, sizeof(msg));
	return sizeof(msg);
}

/* A SYN from the VM to @daddr:80. */
static size_t syn(u8 *f, size_t size, uint32_t daddr, uint16_t sport)
{
	struct vtl_pkt_tcp t = {
		.ttl = 64, .flags = VTL_TCP_SYN, .seq = 1000, .window = 65535,
		.opts = 0, .mss = 1460,
	};
	int n;

	memcpy(t.eth_src, vm_mac, ETH_ALEN);
	memcpy(t.eth_dst, fake_mac, ETH_ALEN);
	t.saddr.ip4 = htonl(0x0a000002);
	t.daddr.ip4 = htonl(daddr);
	t.sport = htons(sport);
	t.dport = htons(80);
	n = vtl_pkt_build_tcp(f, size, &t);
	if (n < 0)
		abort();
	return n;
}

static bool is_rst(const u8 *f, size_t len)
{
	struct vtl_pkt pkt;

	return !vtl_pkt_parse(&pkt, (u8 *)f, len, len) &&
	       (pkt.flags & VTL_PKT_TCP) &&
	       (f[pkt.l4_off + 13] & VTL_TCP_RST);
}

static void test_dns(void)
{
	struct proxy_counters c;
	struct sink s;
	struct proxy *p = make(&s, 9);
	u8 f[256], q[64], *ip, *udp;
	struct vtl_pkt pkt;
	size_t n = udp_frame(f, 53, q, query(q));

	CHECK(p, "create: an automap SOCKS instance");
	proxy_input(p, f, n);
	CHECK(s.n == 1, "dns: one UDP query, one frame back (%u)", s.n);
	ip = s.frames[0] + ETH_HLEN;
	udp = ip + 20;
	CHECK(!memcmp(s.frames[0], vm_mac, 6) &&
	      !memcmp(s.frames[0] + 6, fake_mac, 6),
	      "dns: to the VM's MAC, from the configured one");
	CHECK(ip[12] == 192 && ip[15] == 53 && ip[16] == 10 && ip[19] == 2 &&
	      udp[0] == 0 && udp[1] == 53 && udp[2] == 5353 >> 8 &&
	      udp[3] == (5353 & 0xff),
	      "dns: addresses and ports swapped");
	CHECK(!vtl_pkt_parse(&pkt, s.frames[0], s.lens[0], s.lens[0]) &&
	      !vtl_pkt_ip4_csum_check(&pkt) && !vtl_pkt_l4_csum_check(&pkt),
	      "dns: IP and UDP checksums right");
	/* the answer's address: the last 4 bytes, in 10.192.0.0/10 */
	ip = s.frames[0] + s.lens[0] - 4;
	CHECK(ip[0] == 10 && (ip[1] & 0xc0) == 0xc0 && udp[8] == 0xab &&
	      udp[9] == 0xcd, "dns: an automap answer to the query's id");
	n = udp_frame(f, 9999, q, query(q));
	proxy_input(p, f, n);
	proxy_counters(p, &c);
	CHECK(s.n == 1 && c.filtered == 1 && c.dns_queries == 1 &&
	      c.dns_answers == 1 && c.tcpep.frames_in == 0,
	      "filter: other UDP dropped and counted, tcpep never saw it");
	/* 10.255.255.254: of the prefix, never handed out */
	n = syn(f, sizeof(f), 0x0afffffe, 40000);
	proxy_input(p, f, n);
	proxy_counters(p, &c);
	CHECK(s.n == 2 && is_rst(s.frames[1], s.lens[1]) && c.unmapped == 1 &&
	      c.refused == 1 && c.relays == 0,
	      "automap: a connection to an address never mapped: RST");
	proxy_destroy(p, true);
}

/* A UDP datagram from the VM ([fd00::2]:5353) to [2001:db8::53]:53. */
static size_t udp6_frame(u8 *f, const u8 *msg, size_t len)
{
	u8 *ip = f + ETH_HLEN, *udp = ip + 40;
	size_t ulen = 8 + len;
	struct vtl_pkt pkt;

	memcpy(f, fake_mac, 6);
	memcpy(f + 6, vm_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(ip, 0, 40 + 8);
	ip[0] = 0x60;
	ip[5] = ulen;
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	ip[8] = 0xfd, ip[23] = 2;
	ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8;
	ip[39] = 0x53;
	udp[0] = 5353 >> 8;
	udp[1] = 5353 & 0xff;
	udp[3] = 53;
	udp[5] = ulen;
	memcpy(udp + 8, msg, len);
	if (vtl_pkt_parse(&pkt, f, ETH_HLEN + 40 + ulen, ETH_HLEN + 40 + ulen) ||
	    vtl_pkt_l4_csum_fill(&pkt))
		abort();
	return ETH_HLEN + 40 + ulen;
}

static void test_dns6(void)
{
	struct proxy_counters c;
	struct sink s;
	struct proxy *p;
	u8 f[256], q[64], *ip, *udp;
	struct vtl_pkt pkt;
	size_t n = udp6_frame(f, q, query(q));

	p = make(&s, 9);
	proxy_input(p, f, n);
	proxy_counters(p, &c);
	CHECK(s.n == 0 && c.filtered == 1 && c.dns_queries == 0,
	      "dns6: without ipv6 proxy, a query over IPv6 is filtered");
	proxy_destroy(p, true);
	make_ipv6 = true;
	p = make(&s, 9);
	make_ipv6 = false;
	proxy_input(p, f, n);
	CHECK(s.n == 1, "dns6: with ipv6 proxy, one frame back (%u)", s.n);
	ip = s.frames[0] + ETH_HLEN;
	udp = ip + 40;
	CHECK(s.frames[0][12] == 0x86 && s.frames[0][13] == 0xdd &&
	      !memcmp(s.frames[0], vm_mac, 6) && ip[8] == 0x20 &&
	      ip[23] == 0x53 && ip[24] == 0xfd && ip[39] == 2 &&
	      udp[1] == 53 && udp[2] == 5353 >> 8,
	      "dns6: IPv6 to the VM, addresses and ports swapped");
	CHECK(!vtl_pkt_parse(&pkt, s.frames[0], s.lens[0], s.lens[0]) &&
	      (pkt.flags & VTL_PKT_UDP) && !vtl_pkt_l4_csum_check(&pkt) &&
	      udp[8] == 0xab && udp[9] == 0xcd,
	      "dns6: the UDP checksum right, the answer to the query's id");
	proxy_counters(p, &c);
	CHECK(c.dns_answers == 1 && c.filtered == 0,
	      "dns6: counted as an answer");
	proxy_destroy(p, true);
}

static void test_destroy(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	struct proxy_counters c;
	struct sink s, s2;
	struct proxy *p, *p2;
	struct pollfd pfd[4];
	u8 f[256];
	size_t n;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(l, 4) || getsockname(l, (struct sockaddr *)&sin, &len)) {
		CHECK(0, "a listening socket on loopback");
		return;
	}
	p = make(&s, ntohs(sin.sin_port));
	p2 = make(&s2, ntohs(sin.sin_port));
	CHECK(p && p2, "create: two instances");
	n = syn(f, sizeof(f), 0xc0000207, 40001);
	proxy_input(p, f, n);
	proxy_handle(p);
	proxy_counters(p, &c);
	CHECK(c.relays == 1 && s.n == 0 && proxy_nr_pollfds(p) == 1 &&
	      proxy_pollfds(p, pfd, 4) == 1 && proxy_nr_pollfds(p2) == 0,
	      "syn: a relay waits for the proxy, one socket, no answer yet");
	CHECK(proxy_next_deadline(p) != UINT64_MAX &&
	      proxy_next_deadline(p) <= proxy_now() + PROXY_UP_TIMEOUT,
	      "syn: the handshake's deadline is the next");
	proxy_destroy(p2, true);
	CHECK(s.n == 0 && s2.n == 0,
	      "instances apart: destroying the other touches nothing");
	proxy_destroy(p, true);
	CHECK(s.n == 1 && is_rst(s.frames[0], s.lens[0]),
	      "destroy(reset_vm): the VM's pending connection gets a RST");
	close(l);
}

/* ---- the relay core on a fake far end (upstream.h) --------------------- */

static struct {
	int connects, closes, shutdowns;
	bool aborted;
	struct vtl_upstream_dst dst;
	enum vtl_upstream_state state;	/* what handshake() says */
	u8 sent[64];
	size_t sent_len;
	const char *toward_vm;		/* what recv() gives, once */
} fake;

static enum vtl_upstream_state fake_connect(struct vtl_upstream *up,
					    const struct vtl_upstream_dst *dst)
{
	(void)up;
	fake.connects++;
	fake.dst = *dst;
	return VTL_UP_PENDING;
}

static enum vtl_upstream_state fake_handshake(struct vtl_upstream *up)
{
	if (fake.state == VTL_UP_REFUSED)
		up->why = "the fake refused";
	return fake.state;
}

static short fake_events(const struct vtl_upstream *up)
{
	(void)up;
	return POLLIN;
}

static ssize_t fake_send(struct vtl_upstream *up, const void *buf,
			 size_t len)
{
	(void)up;
	if (len > sizeof(fake.sent) - fake.sent_len)
		len = sizeof(fake.sent) - fake.sent_len;
	memcpy(fake.sent + fake.sent_len, buf, len);
	fake.sent_len += len;
	return len;
}

static ssize_t fake_recv(struct vtl_upstream *up, void *buf, size_t len)
{
	size_t n;

	(void)up;
	if (!fake.toward_vm)
		return -EAGAIN;
	n = strlen(fake.toward_vm);
	if (n > len)
		n = len;
	memcpy(buf, fake.toward_vm, n);
	fake.toward_vm = NULL;
	return n;
}

static int fake_shutdown(struct vtl_upstream *up)
{
	(void)up;
	fake.shutdowns++;
	return 0;
}

static void fake_close(struct vtl_upstream *up, bool abort)
{
	(void)up;
	fake.closes++;
	fake.aborted = abort;
}

static const struct vtl_upstream_ops fake_ops = {
	.name = "fake", .far = "fake end", .size = sizeof(struct vtl_upstream),
	.cfg_size = 1, .negotiates = true, .timeout = "fake timeout",
	.connect = fake_connect, .handshake = fake_handshake,
	.events = fake_events, .send = fake_send, .recv = fake_recv,
	.shutdown = fake_shutdown, .close = fake_close,
};

/* The TCP payload of @f, or NULL; its flags in @flags. */
static const u8 *tcp_payload(u8 *f, size_t len, size_t *plen, u8 *flags,
			     uint32_t *seq)
{
	struct vtl_pkt pkt;
	uint32_t v;

	if (vtl_pkt_parse(&pkt, f, len, len) || !(pkt.flags & VTL_PKT_TCP))
		return NULL;
	*flags = f[pkt.l4_off + 13];
	memcpy(&v, f + pkt.l4_off + 4, 4);
	*seq = ntohl(v);
	*plen = len - pkt.payload_off;
	return f + pkt.payload_off;
}

static void test_upstream(void)
{
	char dummy_cfg = 0;
	struct proxy_config cfg = {
		.upstream = &fake_ops, .upstream_cfg = &dummy_cfg,
		.output = NULL, .dns = PROXY_DNS_DROP,
	};
	struct vtl_pkt_tcp t = {
		.ttl = 64, .flags = VTL_TCP_ACK | VTL_TCP_PSH, .seq = 1001,
		.window = 65535, .payload = "hello", .payload_len = 5,
	};
	struct proxy_counters c;
	struct sink s;
	struct proxy *p;
	const u8 *pl;
	u8 f[256], flags = 0;
	uint32_t seq = 0;
	size_t n, plen = 0;
	unsigned int i;
	bool got = false;

	memset(&s, 0, sizeof(s));
	cfg.output = out_cb;
	cfg.arg = &s;
	memcpy(cfg.mac, fake_mac, ETH_ALEN);
	p = proxy_create(&cfg);
	CHECK(p, "upstream: a relay on a fake far end");
	if (!p)
		return;
	n = syn(f, sizeof(f), 0xc0000207, 40002);
	proxy_input(p, f, n);
	proxy_handle(p);
	CHECK(fake.connects == 1 && fake.dst.family == AF_INET &&
	      fake.dst.port == 80 && !memcmp(fake.dst.addr, "\xc0\x00\x02\x07", 4) &&
	      !fake.dst.name && !fake.dst.resolve && s.n == 0,
	      "upstream: connect() to where the VM dialled, no answer while pending");
	fake.state = VTL_UP_READY;
	proxy_handle(p);
	proxy_counters(p, &c);
	pl = s.n == 1 ? tcp_payload(s.frames[0], s.lens[0], &plen, &flags,
				    &seq) : NULL;
	CHECK(pl && flags == (VTL_TCP_SYN | VTL_TCP_ACK) && c.socks_granted == 1,
	      "upstream: ready, the VM's connection accepted (SYN-ACK), counted as granted");
	memcpy(t.eth_src, vm_mac, ETH_ALEN);
	memcpy(t.eth_dst, fake_mac, ETH_ALEN);
	t.saddr.ip4 = htonl(0x0a000002);
	t.daddr.ip4 = htonl(0xc0000207);
	t.sport = htons(40002);
	t.dport = htons(80);
	t.ack = seq + 1;
	n = vtl_pkt_build_tcp(f, sizeof(f), &t);
	proxy_input(p, f, n);
	proxy_handle(p);
	CHECK(fake.sent_len == 5 && !memcmp(fake.sent, "hello", 5),
	      "upstream: the VM's bytes go through send()");
	fake.toward_vm = "world";
	proxy_timer(p);
	for (i = 1; i < s.n; i++) {
		pl = tcp_payload(s.frames[i], s.lens[i], &plen, &flags, &seq);
		if (pl && plen == 5 && !memcmp(pl, "world", 5))
			got = true;
	}
	CHECK(got, "upstream: recv()'s bytes reach the VM");
	fake.state = VTL_UP_REFUSED;
	n = syn(f, sizeof(f), 0xc0000207, 40003);
	i = s.n;
	proxy_input(p, f, n);
	proxy_handle(p);
	proxy_counters(p, &c);
	CHECK(fake.connects == 2 && s.n == i + 1 && is_rst(s.frames[i], s.lens[i]) &&
	      c.socks_refused == 1 && fake.closes == 1 && fake.aborted &&
	      c.relays == 1,
	      "upstream: refused, the VM's connection reset, the far end closed with a reset");
	proxy_destroy(p, true);
	CHECK(fake.closes == 2 && fake.aborted,
	      "upstream: destroy(reset_vm) closes the far end too, with a reset");
}

int main(void)
{
	(void)capture_begin;
	(void)capture_end;
	test_dns();
	test_dns6();
	test_destroy();
	test_upstream();
	return tap_done();
}
