// SPDX-License-Identifier: GPL-2.0
/*
 * ringtest: the daemon side of VTL's shared ring, for selftests/ring.sh,
 * on vtlctl/common/ring_map.c.  One subcommand per role a test needs:
 *
 *   echo IFINDEX          own the port; answer ARP requests (with
 *                         02:00:00:00:00:02) and ICMP echo requests toward
 *                         the VM; "ready" once attached; runs until killed
 *   sink IFINDEX SECONDS  own the port; read and count frames for SECONDS
 *                         (or until killed), printing "up N big B badcsum C"
 *                         at the end: B frames over 1514 bytes, C IPv4 UDP
 *                         frames whose checksum is wrong
 *   inject IFINDEX N DMAC SMAC DIP SIP DPORT [net|ref|sock]
 *                         attach (not owned) and send N UDP frames down, to
 *                         the VM (or the network), in batches; prints "sent N".
 *                         ref: each with 1200 bytes of payload by reference
 *                         (VTL_RING_F_USER_PAYLOAD), under a UDP checksum;
 *                         sock: the same bytes, named in a TCP socket's
 *                         receive queue (VTL_RING_F_SOCK_PAYLOAD; needs lo
 *                         up), and "sent N kept all" if each batch's bytes
 *                         were still in the socket after its kick (else
 *                         "kept K of B")
 *   refbad IFINDEX DMAC SMAC DIP SIP
 *                         send 7 down frames naming payloads the kernel must
 *                         refuse and one good one (see cmd_refbad())
 *   sockbad IFINDEX DMAC SMAC DIP SIP
 *                         send 11 down frames naming socket payloads the
 *                         kernel must refuse and one good one (see
 *                         cmd_sockbad()); needs lo up
 *   attach IFINDEX [SLOTS [FLAGS]]
 *                         open and attach; prints OK or the errno's name
 *   attach2 IFINDEX       two fds attach the same port, then one fd twice:
 *                         prints what the second attach of each got
 *   hold IFINDEX          attach (owned), "ready", wait until the port goes;
 *                         prints "gone" and what a kick then returns
 *   hostile IFINDEX       attach (owned) and write nonsense in the shared
 *                         memory: indices, lengths, flags, kicking after
 *                         each; then "ready" and wait until killed
 *   udpsend DIP DPORT N   send N UDP datagrams (any namespace)
 *   udpgso DIP DPORT SEG N
 *                         send one datagram of N segments of SEG bytes with
 *                         UDP_SEGMENT: one GSO frame through veth
 *   udprecv PORT N MS [ref|sock]
 *                         count datagrams on PORT until N, or MS of silence
 *                         after the first (which may take 20 s); ref, sock:
 *                         also count those whose payload is not inject
 *                         ref's (or sock's: the same)
 *   stats IFINDEX         the port's ring counters from VTL_CMD_PORT_GET:
 *                         "attached A owned O up U down D lost L
 *                         fail_closed F down_errors E"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/virtio_net.h>
#include <linux/vtl.h>
#include "../../vtlctl/common/ring_map.h"

#define BATCH 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "ringtest: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static const char *errname(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	case EPIPE: return "EPIPE";
	default: return "E?";
	}
}

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static void open_or_die(struct ring *r, unsigned int ifindex, uint32_t flags)
{
	int ret = ring_open(r, ifindex, 0, flags);

	if (ret)
		die("attach", ret);
}

/* The answer to an ARP request or an ICMP echo request, or 0. */
static uint32_t answer(const uint8_t *in, uint32_t len, uint8_t *out)
{
	static const uint8_t mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
	const struct ether_header *eh = (const void *)in;
	struct ether_header *oh = (void *)out;

	if (len < sizeof(*eh))
		return 0;
	if (ntohs(eh->ether_type) == ETHERTYPE_ARP && len >= 14 + 28) {
		const uint8_t *a = in + 14;
		uint8_t *o = out + 14;

		if (a[6] != 0 || a[7] != 1)	/* a request */
			return 0;
		memcpy(oh->ether_dhost, eh->ether_shost, ETH_ALEN);
		memcpy(oh->ether_shost, mac, ETH_ALEN);
		oh->ether_type = htons(ETHERTYPE_ARP);
		memcpy(o, a, 6);
		o[6] = 0;
		o[7] = 2;
		memcpy(o + 8, mac, ETH_ALEN);
		memcpy(o + 14, a + 24, 4);	/* the asked address */
		memcpy(o + 18, a + 8, 10);	/* the asker's MAC and IP */
		return 14 + 28;
	}
	if (ntohs(eh->ether_type) == ETHERTYPE_IP && len >= 14 + 20 + 8) {
		const struct iphdr *ip = (const void *)(in + 14);
		size_t ihl = ip->ihl * 4, tot = ntohs(ip->tot_len);
		struct iphdr *oip = (void *)(out + 14);
		struct icmphdr *icmp;

		if (ip->protocol != IPPROTO_ICMP || ihl < 20 ||
		    tot < ihl + 8 || 14 + tot > len)
			return 0;
		if (((const struct icmphdr *)((const uint8_t *)ip + ihl))->type
		    != ICMP_ECHO)
			return 0;
		memcpy(out, in, 14 + tot);
		memcpy(oh->ether_dhost, eh->ether_shost, ETH_ALEN);
		memcpy(oh->ether_shost, eh->ether_dhost, ETH_ALEN);
		oip->saddr = ip->daddr;
		oip->daddr = ip->saddr;
		icmp = (void *)((uint8_t *)oip + ihl);
		icmp->type = ICMP_ECHOREPLY;
		icmp->checksum = 0;
		icmp->checksum = csum(icmp, tot - ihl);
		return 14 + tot;
	}
	return 0;
}

static int cmd_echo(unsigned int ifindex)
{
	struct ring_frame fr[BATCH];
	uint8_t out[VTL_RING_SLOT_DATA];
	struct ring r;
	int ret;

	open_or_die(&r, ifindex, VTL_RING_F_OWN);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		unsigned int n, i, sent = 0;

		ret = ring_wait(&r, 200);
		if (ret < 0)
			die("wait", ret);
		n = ring_recv(&r, fr, BATCH);
		for (i = 0; i < n; i++) {
			uint32_t len = answer(fr[i].data, fr[i].len, out);

			if (len && !ring_send(&r, out, len, 0))
				sent++;
		}
		ring_release(&r, n);
		if (sent)
			ring_kick(&r);
	}
	ring_close(&r);
	return 0;
}

/* An IPv4 UDP frame whose checksum (if any) is wrong? */
static int bad_udp_csum(const uint8_t *f, uint32_t len)
{
	const struct iphdr *ip = (const void *)(f + 14);
	uint8_t buf[VTL_RING_SLOT_DATA + 12];
	size_t ihl, ulen;

	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0 ||
	    ip->protocol != IPPROTO_UDP)
		return 0;
	ihl = ip->ihl * 4;
	if (14 + ihl + 8 > len)
		return 0;
	ulen = ntohs(((const struct udphdr *)((const uint8_t *)ip + ihl))->len);
	if (!((const struct udphdr *)((const uint8_t *)ip + ihl))->check ||
	    ulen < 8 || 14 + ihl + ulen > len)
		return 0;
	memcpy(buf, &ip->saddr, 4);
	memcpy(buf + 4, &ip->daddr, 4);
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	buf[10] = ulen >> 8;
	buf[11] = ulen & 0xff;
	memcpy(buf + 12, (const uint8_t *)ip + ihl, ulen);
	return csum(buf, 12 + ulen) != 0;
}

static int cmd_sink(unsigned int ifindex, int seconds)
{
	struct ring_frame fr[BATCH];
	unsigned long long up = 0, big = 0, bad = 0;
	time_t end = time(NULL) + seconds;
	struct ring r;
	int ret;

	open_or_die(&r, ifindex, VTL_RING_F_OWN);
	printf("ready\n");
	fflush(stdout);
	while (!stop && time(NULL) < end) {
		unsigned int n, i;

		ret = ring_wait(&r, 100);
		if (ret < 0)
			die("wait", ret);
		n = ring_recv(&r, fr, BATCH);
		up += n;
		for (i = 0; i < n; i++) {
			big += fr[i].len > 1514;
			bad += bad_udp_csum(fr[i].data, fr[i].len);
		}
		ring_release(&r, n);
	}
	printf("up %llu big %llu badcsum %llu\n", up, big, bad);
	ring_close(&r);
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

#define UDP_PAYLOAD	32
#define UDP_FRAME_LEN	(14 + 20 + 8 + UDP_PAYLOAD)
#define UDP_HLEN	(14 + 20 + 8)
/* Payload of a frame sent by reference: far more than its headers. */
#define REF_PAYLOAD	1200

/*
 * A UDP frame of @plen bytes of payload: 'v's written after the headers,
 * without a checksum; or, with @payload, only the headers, the checksum
 * over @payload, which is to follow them.
 */
static uint32_t build_udp(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
			  struct in_addr dip, struct in_addr sip, uint16_t dport,
			  unsigned int seq, const uint8_t *payload, size_t plen)
{
	struct ether_header *eh = (void *)f;
	struct iphdr *ip = (void *)(f + 14);
	struct udphdr *udp = (void *)(f + 14 + 20);
	static uint8_t sum[12 + 8 + VTL_RING_FRAME_MAX];

	memcpy(eh->ether_dhost, dmac, ETH_ALEN);
	memcpy(eh->ether_shost, smac, ETH_ALEN);
	eh->ether_type = htons(ETHERTYPE_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(20 + 8 + plen);
	ip->id = htons(seq);
	ip->saddr = sip.s_addr;
	ip->daddr = dip.s_addr;
	ip->check = csum(ip, 20);
	udp->source = htons(40000);
	udp->dest = htons(dport);
	udp->len = htons(8 + plen);
	udp->check = 0;		/* none, which IPv4 allows */
	if (!payload) {
		memset(f + UDP_HLEN, 'v', plen);
		return UDP_HLEN + plen;
	}
	/* The pseudo-header, the UDP header and the payload, in one piece. */
	memcpy(sum, &ip->saddr, 8);
	sum[8] = 0;
	sum[9] = IPPROTO_UDP;
	memcpy(sum + 10, &udp->len, 2);
	memcpy(sum + 12, udp, 8);
	memcpy(sum + 20, payload, plen);
	udp->check = csum(sum, 20 + plen) ?: 0xffff;
	return UDP_HLEN;
}

/* The down ring's slot the next frame goes into, to write nonsense in. */
static struct vtl_ring_slot *next_down_slot(const struct ring *r)
{
	return (void *)(r->down_slots + (size_t)(r->down_prod &
		       (r->slots - 1)) * VTL_RING_SLOT_SIZE);
}

/* Frame @i's payload by reference: @i, then bytes that follow from it. */
static void ref_payload(uint8_t *p, uint32_t i)
{
	unsigned int k;

	memcpy(p, &i, sizeof(i));
	for (k = sizeof(i); k < REF_PAYLOAD; k++)
		p[k] = i * 7 + k;
}

/*
 * inject: N frames down in batches, every other one built in place.  With
 * "ref" each carries REF_PAYLOAD bytes by reference, different in every
 * frame and under a UDP checksum, from memory kept until the kick.
 */
static int cmd_inject(char **argv, int argc)
{
	unsigned int ifindex = atoi(argv[0]), n = atoi(argv[1]), done = 0;
	bool ref = argc > 7 && !strcmp(argv[7], "ref");
	uint32_t flags = argc > 7 && !strcmp(argv[7], "net") ?
			 VTL_RING_SLOT_F_TO_NET : 0;
	uint8_t dmac[6], smac[6], f[128], *pay = NULL;
	uint16_t dport = atoi(argv[6]);
	struct in_addr dip, sip;
	struct ring r;
	int ret;

	if (parse_mac(argv[2], dmac) || parse_mac(argv[3], smac) ||
	    !inet_aton(argv[4], &dip) || !inet_aton(argv[5], &sip))
		die("inject arguments", EINVAL);
	open_or_die(&r, ifindex, ref ? VTL_RING_F_USER_PAYLOAD : 0);
	if (ref) {
		pay = malloc((size_t)r.slots * REF_PAYLOAD);
		if (!pay)
			die("malloc", ENOMEM);
	}
	while (done < n) {
		unsigned int queued = 0;

		while (done + queued < n) {
			unsigned int i = done + queued;
			uint8_t *pl = pay + (size_t)queued * REF_PAYLOAD;
			uint8_t *p;

			if (!ref) {
				p = i % 2 ? ring_reserve(&r, UDP_FRAME_LEN,
							 false) : NULL;
				p = p ? p : f;
				if (ring_send(&r, p, build_udp(p, dmac, smac,
						dip, sip, dport, i, NULL,
						UDP_PAYLOAD), flags))
					break;
				queued++;
				continue;
			}
			if (queued == r.slots)
				break;
			ref_payload(pl, i);
			p = i % 2 ? ring_reserve_ref(&r, UDP_HLEN, false,
						     REF_PAYLOAD) : NULL;
			p = p ? p : f;
			if (ring_send_ref(&r, NULL, p, build_udp(p, dmac, smac,
					  dip, sip, dport, i, pl,
					  REF_PAYLOAD), pl, REF_PAYLOAD, 0))
				break;
			queued++;
		}
		ret = ring_kick(&r);
		if (ret < 0)
			die("kick", ret);
		done += queued;
	}
	printf("sent %u\n", done);
	free(pay);
	ring_close(&r);
	return 0;
}

/*
 * A TCP connection over loopback: *@rx receives what *@tx sends.  *@rx
 * gets a receive buffer of 4 MiB: the bytes it holds are what frames name,
 * and loopback's 64 KiB skbs would otherwise fill a default buffer (in
 * truesize) with the tail of one frame, for which nothing is sent until
 * the next frame's bytes arrive.
 */
static void tcp_pair(int *tx, int *rx)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), buf = 4 << 20;

	if (l < 0 ||
	    setsockopt(l, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) ||
	    bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &alen))
		die("listen", errno);
	*tx = socket(AF_INET, SOCK_STREAM, 0);
	if (*tx < 0 || connect(*tx, (void *)&a, sizeof(a)))
		die("connect", errno);
	*rx = accept(l, NULL, NULL);
	if (*rx < 0)
		die("accept", errno);
	close(l);
}

static uint32_t inq(int fd)
{
	int n;

	if (ioctl(fd, SIOCINQ, &n))
		die("SIOCINQ", errno);
	return n;
}

/*
 * inject sock: inject ref's payloads, one stream written into a TCP
 * connection, each frame naming its bytes in the receiving socket.  As the
 * daemon does: name what the socket holds, kick, check that the bytes are
 * still there, and only then drop them with MSG_TRUNC.
 */
static int cmd_sockinject(char **argv)
{
	unsigned int ifindex = atoi(argv[0]), n = atoi(argv[1]);
	uint16_t dport = atoi(argv[6]);
	uint8_t dmac[6], smac[6], f[128], *stream;
	size_t total = (size_t)n * REF_PAYLOAD, written = 0, dropped = 0;
	unsigned int named = 0, kept = 0, batches = 0;
	struct in_addr dip, sip;
	struct ring r;
	int tx, rx, ret;

	if (parse_mac(argv[2], dmac) || parse_mac(argv[3], smac) ||
	    !inet_aton(argv[4], &dip) || !inet_aton(argv[5], &sip))
		die("inject arguments", EINVAL);
	open_or_die(&r, ifindex, VTL_RING_F_SOCK_PAYLOAD);
	tcp_pair(&tx, &rx);
	stream = malloc(total);
	if (!stream)
		die("malloc", ENOMEM);
	for (unsigned int i = 0; i < n; i++)
		ref_payload(stream + (size_t)i * REF_PAYLOAD, i);
	while (named < n) {
		struct pollfd pfd = { .fd = rx, .events = POLLIN };
		unsigned int queued = 0;
		size_t held, drop;
		ssize_t w;

		while (written < total) {
			w = send(tx, stream + written, total - written,
				 MSG_DONTWAIT);
			if (w < 0 && errno == EAGAIN)
				break;
			if (w < 0)
				die("send", errno);
			written += w;
		}
		held = dropped + inq(rx);
		while (named < n && queued < r.slots &&
		       ((size_t)named + 1) * REF_PAYLOAD <= held) {
			size_t at = (size_t)named * REF_PAYLOAD;
			uint8_t *p;

			p = named % 2 ? ring_reserve_ref(&r, UDP_HLEN, false,
							 REF_PAYLOAD) : NULL;
			p = p ? p : f;
			if (ring_send_sock(&r, NULL, p, build_udp(p, dmac, smac,
					   dip, sip, dport, named, stream + at,
					   REF_PAYLOAD), rx, at - dropped,
					   REF_PAYLOAD, 0))
				break;
			named++;
			queued++;
		}
		if (!queued) {
			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR)
				die("poll", errno);
			continue;
		}
		ret = ring_kick(&r);
		if (ret < 0)
			die("kick", ret);
		drop = (size_t)named * REF_PAYLOAD - dropped;
		batches++;
		kept += inq(rx) >= drop;
		if (recv(rx, NULL, drop, MSG_TRUNC) != (ssize_t)drop)
			die("recv MSG_TRUNC", errno);
		dropped += drop;
	}
	if (kept == batches)
		printf("sent %u kept all\n", named);
	else
		printf("sent %u kept %u of %u\n", named, kept, batches);
	free(stream);
	close(tx);
	close(rx);
	ring_close(&r);
	return 0;
}

/*
 * refbad: down frames naming payloads the kernel must refuse, each a down
 * error: on a ring attached without VTL_RING_F_USER_PAYLOAD; then with it,
 * at NULL, at a kernel address, in a PROT_NONE page, running off the end
 * of a mapping, with @reserved set, and longer than VTL_RING_FRAME_MAX;
 * then one good frame.  Prints "refbad N", the slots the kicks consumed.
 */
static int cmd_refbad(char **argv)
{
	unsigned int ifindex = atoi(argv[0]);
	struct in_addr dip, sip;
	uint8_t dmac[6], smac[6], f[128], *m;
	struct vtl_ring_user_payload *up;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *bad[4];
	struct ring r;
	int n = 0, ret, i;
	uint32_t hlen;

	if (parse_mac(argv[1], dmac) || parse_mac(argv[2], smac) ||
	    !inet_aton(argv[3], &dip) || !inet_aton(argv[4], &sip))
		die("refbad arguments", EINVAL);
	m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap", errno);
	memset(m, 'r', 3 * page);
	/* m: readable; m + page: PROT_NONE; m + 2 * page: unmapped. */
	if (mprotect(m + page, page, PROT_NONE) || munmap(m + 2 * page, page))
		die("mprotect", errno);
	hlen = build_udp(f, dmac, smac, dip, sip, 9, 0, m, 200);

	open_or_die(&r, ifindex, 0);
	ring_send_ref(&r, NULL, f, hlen, m, 200, 0);
	ret = ring_kick(&r);
	n += ret > 0 ? ret : 0;
	ring_close(&r);

	open_or_die(&r, ifindex, VTL_RING_F_USER_PAYLOAD);
	bad[0] = NULL;
	bad[1] = (uint8_t *)(uintptr_t)0xffff888000000000ULL;
	bad[2] = m + page;
	bad[3] = m + page - 100;	/* 100 bytes in, the rest not */
	for (i = 0; i < 4; i++)
		ring_send_ref(&r, NULL, f, hlen, bad[i], 200, 0);
	for (i = 0; i < 2; i++) {
		up = (void *)next_down_slot(&r)->data;
		ring_send_ref(&r, NULL, f, hlen, m, 200, 0);
		if (i)
			up->len = VTL_RING_FRAME_MAX - hlen + 1;
		else
			up->reserved = 1;
	}
	ring_send_ref(&r, NULL, f, hlen, m, 200, 0);
	ret = ring_kick(&r);
	n += ret > 0 ? ret : 0;
	ring_close(&r);
	munmap(m, 2 * page);
	printf("refbad %d\n", n);
	return 0;
}

/*
 * sockbad: down frames naming socket payloads the kernel must refuse, each
 * a down error: on a ring attached without VTL_RING_F_SOCK_PAYLOAD; then
 * with it, in fd -1, in a descriptor that is not open, in /dev/null, in a
 * UDP socket, in a listening TCP socket, and in a TCP socket holding 1000
 * bytes: 200 at 900, at 1000 and at 2^40; one with a length over
 * VTL_RING_FRAME_MAX, one flagged as by reference as well; then one good
 * frame, 200 bytes at 800.  Prints "sockbad N kept K": the slots the kicks
 * consumed, and the bytes the socket still holds.
 */
static int cmd_sockbad(char **argv)
{
	unsigned int ifindex = atoi(argv[0]);
	struct { int fd; uint64_t off; } bad[8];
	uint8_t dmac[6], smac[6], f[128], m[1000];
	struct pollfd pfd;
	struct vtl_ring_slot *s;
	int n = 0, ret, i, tx, rx, udp, lsn, nul;
	struct in_addr dip, sip;
	struct ring r;
	uint32_t hlen;

	if (parse_mac(argv[1], dmac) || parse_mac(argv[2], smac) ||
	    !inet_aton(argv[3], &dip) || !inet_aton(argv[4], &sip))
		die("sockbad arguments", EINVAL);
	memset(m, 's', sizeof(m));
	hlen = build_udp(f, dmac, smac, dip, sip, 9, 0, m, 200);
	tcp_pair(&tx, &rx);
	if (send(tx, m, sizeof(m), 0) != sizeof(m))
		die("send", errno);
	pfd = (struct pollfd){ .fd = rx, .events = POLLIN };
	while (inq(rx) < sizeof(m))
		poll(&pfd, 1, 100);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	lsn = socket(AF_INET, SOCK_STREAM, 0);
	nul = open("/dev/null", O_RDONLY);
	if (udp < 0 || lsn < 0 || nul < 0 || listen(lsn, 1))
		die("sockets", errno);

	open_or_die(&r, ifindex, 0);
	ring_send_sock(&r, NULL, f, hlen, rx, 800, 200, 0);
	ret = ring_kick(&r);
	n += ret > 0 ? ret : 0;
	ring_close(&r);

	open_or_die(&r, ifindex, VTL_RING_F_SOCK_PAYLOAD);
	bad[0].fd = -1;
	bad[1].fd = 1000000;
	bad[2].fd = nul;
	bad[3].fd = udp;
	bad[4].fd = lsn;
	for (i = 0; i < 5; i++)
		bad[i].off = 0;
	bad[5].fd = bad[6].fd = bad[7].fd = rx;
	bad[5].off = 900;
	bad[6].off = 1000;
	bad[7].off = 1ULL << 40;
	for (i = 0; i < 8; i++)
		ring_send_sock(&r, NULL, f, hlen, bad[i].fd, bad[i].off, 200,
			       0);
	for (i = 0; i < 2; i++) {
		s = next_down_slot(&r);
		ring_send_sock(&r, NULL, f, hlen, rx, 800, 200, 0);
		if (i)
			s->flags |= VTL_RING_SLOT_F_USER_PAYLOAD;
		else
			((struct vtl_ring_sock_payload *)s->data)->len =
				VTL_RING_FRAME_MAX - hlen + 1;
	}
	ring_send_sock(&r, NULL, f, hlen, rx, 800, 200, 0);
	ret = ring_kick(&r);
	n += ret > 0 ? ret : 0;
	ring_close(&r);
	printf("sockbad %d kept %u\n", n, inq(rx));
	close(nul);
	close(lsn);
	close(udp);
	close(tx);
	close(rx);
	return 0;
}

static int cmd_attach(unsigned int ifindex, uint32_t slots, uint32_t flags)
{
	struct ring r;
	int ret = ring_open_dev(&r, NULL);

	if (!ret) {
		ret = ring_attach(&r, ifindex, slots, flags);
		ring_close(&r);
	}
	printf("%s\n", errname(ret));
	return 0;
}

static int cmd_attach2(unsigned int ifindex)
{
	struct ring a, b;
	int ret;

	open_or_die(&a, ifindex, 0);
	ret = ring_open_dev(&b, NULL);
	if (ret)
		die("open", ret);
	printf("%s ", errname(ring_attach(&b, ifindex, 0, 0)));
	ring_close(&b);
	printf("%s\n", errname(ring_attach(&a, ifindex, 0, 0)));
	ring_close(&a);
	return 0;
}

static int cmd_hold(unsigned int ifindex)
{
	struct ring r;
	int ret;

	open_or_die(&r, ifindex, VTL_RING_F_OWN);
	printf("ready\n");
	fflush(stdout);
	do {
		struct ring_frame fr[BATCH];

		ring_release(&r, ring_recv(&r, fr, BATCH));
		ret = ring_wait(&r, 100);
	} while (ret >= 0 && !stop);
	printf("gone %s kick %s\n", errname(ret), errname(ring_kick(&r)));
	ring_close(&r);
	return 0;
}

/*
 * Down frames with a virtio_net_hdr the kernel must refuse, each one
 * error: a UDP GSO type, TCP GSO without NEEDS_CSUM, a checksum start past
 * the frame, a TCP frame of 20000 bytes cut to segments over the MTU; and
 * a frame claiming 10 slots with 2 queued.  Prints "vnet N", the slots
 * consumed (15).
 */
static void hostile_vnet(struct ring *r)
{
	static uint8_t f[14 + 40 + 20000];
	struct iphdr *ip = (void *)(f + 14);
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = VIRTIO_NET_HDR_GSO_UDP, .gso_size = 1000,
		.csum_start = 34, .csum_offset = 6,
	};
	struct vtl_ring_slot *s;
	int ret;

	memset(f, 0, sizeof(f));
	f[12] = 0x08;				/* IPv4 */
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(f) - 14);
	ip->check = csum(ip, 20);
	f[14 + 20 + 12] = 5 << 4;		/* TCP data offset */
	r->down_prod = r->down->consumer;
	ring_send_vnet(r, &vh, f, 60, 0);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.csum_offset = 16;
	vh.flags = 0;
	ring_send_vnet(r, &vh, f, 60, 0);
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.csum_start = 100;
	ring_send_vnet(r, &vh, f, 60, 0);
	vh.csum_start = 34;
	vh.gso_size = 9000;
	ring_send_vnet(r, &vh, f, sizeof(f), 0);
	s = next_down_slot(r);
	s->len = 10 * VTL_RING_SLOT_SIZE - 100;
	s->flags = 0;
	r->down_prod += 2;
	ret = ring_kick(r);
	printf("vnet %d\n", ret);
}

static int cmd_hostile(unsigned int ifindex)
{
	struct vtl_ring_slot *s;
	uint32_t i, cons;
	struct ring r;
	int ret;

	open_or_die(&r, ifindex, VTL_RING_F_OWN);
	/* A producer index more than a ring ahead. */
	cons = r.down->consumer;
	r.down->producer = cons + r.slots * 7 + 3;
	ret = ioctl(r.fd, VTL_RING_IOC_KICK);
	printf("far %d\n", ret < 0 ? -errno : ret);
	/* Bad lengths and flags in every slot, then all of them queued. */
	cons = r.down->consumer;
	for (i = 0; i < r.slots; i++) {
		s = (void *)(r.down_slots + (size_t)i * VTL_RING_SLOT_SIZE);
		switch (i % 4) {
		case 0: s->len = 0xffffffff; break;
		case 1: s->len = 3; break;
		case 2: s->len = VTL_RING_FRAME_MAX + 1; break;
		case 3: s->len = 60; s->flags = 0x80000000; break;
		}
	}
	r.down->producer = cons + r.slots;
	ret = ioctl(r.fd, VTL_RING_IOC_KICK);
	printf("bad %d\n", ret < 0 ? -errno : ret);
	/* The indices the kernel writes, overwritten: it does not use them. */
	r.down->consumer = 12345;
	r.up->producer = 777;
	r.up->consumer = 0xdeadbeef;
	r.down->producer = r.down->producer;	/* nothing new */
	ret = ioctl(r.fd, VTL_RING_IOC_KICK);
	printf("again %d\n", ret < 0 ? -errno : ret);
	hostile_vnet(&r);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	ring_close(&r);
	return 0;
}

static int cmd_udpsend(const char *ip, int port, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	char buf[32] = "vtl";
	int fd, i;

	if (!inet_aton(ip, &sin.sin_addr))
		die("address", EINVAL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket", errno);
	for (i = 0; i < n; i++) {
		if (sendto(fd, buf, sizeof(buf), 0, (void *)&sin,
			   sizeof(sin)) < 0)
			die("sendto", errno);
		/* Paced, so that nothing is lost before VTL sees it. */
		if (i % 50 == 49)
			usleep(1000);
	}
	printf("sent %d\n", n);
	close(fd);
	return 0;
}

static int cmd_udpgso(const char *ip, int port, int seg, int n)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	static char buf[65000];
	int fd;

	if (!inet_aton(ip, &sin.sin_addr) || seg * n > (int)sizeof(buf))
		die("arguments", EINVAL);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket", errno);
	if (setsockopt(fd, SOL_UDP, 103 /* UDP_SEGMENT */, &seg, sizeof(seg)))
		die("UDP_SEGMENT", errno);
	memset(buf, 'g', sizeof(buf));
	if (sendto(fd, buf, seg * n, 0, (void *)&sin, sizeof(sin)) < 0)
		die("sendto", errno);
	printf("sent %d\n", seg * n);
	close(fd);
	return 0;
}

/* Is @p, of @len bytes, what ref_payload() wrote? */
static bool ref_payload_ok(const uint8_t *p, ssize_t len)
{
	uint8_t want[REF_PAYLOAD];
	uint32_t i;

	if (len != REF_PAYLOAD)
		return false;
	memcpy(&i, p, sizeof(i));
	ref_payload(want, i);
	return !memcmp(p, want, REF_PAYLOAD);
}

static int cmd_udprecv(int port, int n, int ms, bool ref)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };
	int fd, got = 0, bad = 0, rcvbuf = 16 << 20;
	uint8_t buf[2048];
	ssize_t len;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket", errno);
	/* Past rmem_max: the frames come faster than this reads them. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (void *)&sin, sizeof(sin)) < 0)
		die("bind", errno);
	printf("ready\n");
	fflush(stdout);
	/* The first may take a while on an emulated machine; then silence. */
	tv.tv_sec = 20;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (got < n && !stop && (len = recv(fd, buf, sizeof(buf), 0)) >= 0) {
		bad += ref && !ref_payload_ok(buf, len);
		if (!got++) {
			tv.tv_sec = ms / 1000;
			tv.tv_usec = (ms % 1000) * 1000;
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
	}
	if (ref)
		printf("received %d bad %d\n", got, bad);
	else
		printf("received %d\n", got);
	close(fd);
	return 0;
}

static int stats_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *a[VTL_PORT_A_MAX + 1], *r[VTL_RING_PORT_A_MAX + 1];
	static const char * const names[VTL_RING_PORT_A_MAX + 1] = {
		[VTL_RING_PORT_A_UP] = "up",
		[VTL_RING_PORT_A_DOWN] = "down",
		[VTL_RING_PORT_A_LOST] = "lost",
		[VTL_RING_PORT_A_FAIL_CLOSED] = "fail_closed",
		[VTL_RING_PORT_A_DOWN_ERRORS] = "down_errors",
	};
	int i;

	*(int *)arg = 1;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, VTL_PORT_A_MAX, NULL) ||
	    !a[VTL_PORT_A_RING] ||
	    nla_parse_nested(r, VTL_RING_PORT_A_MAX, a[VTL_PORT_A_RING], NULL)) {
		printf("no ring attributes\n");
		return NL_STOP;
	}
	printf("attached %u owned %u slots %u",
	       r[VTL_RING_PORT_A_ATTACHED] ?
	       nla_get_u8(r[VTL_RING_PORT_A_ATTACHED]) : 0,
	       r[VTL_RING_PORT_A_OWNED] ? nla_get_u8(r[VTL_RING_PORT_A_OWNED]) : 0,
	       r[VTL_RING_PORT_A_SLOTS] ? nla_get_u32(r[VTL_RING_PORT_A_SLOTS]) : 0);
	for (i = 0; i <= VTL_RING_PORT_A_MAX; i++)
		if (names[i])
			printf(" %s %llu", names[i], r[i] ?
			       (unsigned long long)nla_get_u64(r[i]) : 0ULL);
	printf("\n");
	return NL_OK;
}

static int cmd_stats(unsigned int ifindex)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg;
	int family, ret, got = 0;

	if (!sk || genl_connect(sk))
		die("netlink", ENOMEM);
	family = genl_ctrl_resolve(sk, VTL_GENL_NAME);
	if (family < 0)
		die("vtl family", ENOENT);
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 VTL_CMD_PORT_GET, VTL_GENL_VERSION) ||
	    nla_put_u32(msg, VTL_PORT_A_IFINDEX, ifindex))
		die("message", ENOMEM);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, stats_cb, &got);
	ret = nl_send_auto(sk, msg);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	nlmsg_free(msg);
	nl_socket_free(sk);
	if (ret < 0 || !got) {
		printf("error %s\n", nl_geterror(ret));
		return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ringtest echo|sink|inject|refbad|sockbad|attach|attach2|hold|hostile|udpsend|udpgso|udprecv|stats ARGS (see the source)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *cmd;

	if (argc < 3)
		usage();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cmd = argv[1];
	argv += 2;
	argc -= 2;
	if (!strcmp(cmd, "echo"))
		return cmd_echo(atoi(argv[0]));
	if (!strcmp(cmd, "sink") && argc >= 2)
		return cmd_sink(atoi(argv[0]), atoi(argv[1]));
	if (!strcmp(cmd, "inject") && argc >= 8 && !strcmp(argv[7], "sock"))
		return cmd_sockinject(argv);
	if (!strcmp(cmd, "inject") && argc >= 7)
		return cmd_inject(argv, argc);
	if (!strcmp(cmd, "refbad") && argc >= 5)
		return cmd_refbad(argv);
	if (!strcmp(cmd, "sockbad") && argc >= 5)
		return cmd_sockbad(argv);
	if (!strcmp(cmd, "attach"))
		return cmd_attach(strtoul(argv[0], NULL, 0),
				  argc > 1 ? strtoul(argv[1], NULL, 0) : 0,
				  argc > 2 ? strtoul(argv[2], NULL, 0) : 0);
	if (!strcmp(cmd, "attach2"))
		return cmd_attach2(atoi(argv[0]));
	if (!strcmp(cmd, "hold"))
		return cmd_hold(atoi(argv[0]));
	if (!strcmp(cmd, "hostile"))
		return cmd_hostile(atoi(argv[0]));
	if (!strcmp(cmd, "udpsend") && argc >= 3)
		return cmd_udpsend(argv[0], atoi(argv[1]), atoi(argv[2]));
	if (!strcmp(cmd, "udpgso") && argc >= 4)
		return cmd_udpgso(argv[0], atoi(argv[1]), atoi(argv[2]),
				  atoi(argv[3]));
	if (!strcmp(cmd, "udprecv") && argc >= 3)
		return cmd_udprecv(atoi(argv[0]), atoi(argv[1]), atoi(argv[2]),
				   argc > 3 && (!strcmp(argv[3], "ref") ||
						!strcmp(argv[3], "sock")));
	if (!strcmp(cmd, "stats"))
		return cmd_stats(atoi(argv[0]));
	usage();
	return 2;
}
