// SPDX-License-Identifier: GPL-2.0
/*
 * tap-proxy: the test harness of vtlctl/daemon/proxy.c (tcpep, the SOCKS
 * client, DNS), one proxy instance with a TAP device standing in for the
 * kernel's ring.
 *
 *   tap-proxy [--drop-rate P] [--mtu N] [--seed N] TAPDEV HOST:PORT
 *   tap-proxy [--drop-rate P] [--mtu N] [--seed N] --socks HOST:PORT
 *	[--socks-version 5|4a] [--user U --password P]
 *	[--dns automap:PREFIX|resolve|drop] [--ipv6 proxy|drop]
 *	[--socks-timeout SECONDS] TAPDEV
 *
 * Every TCP connection the VM behind TAPDEV opens, to any address, is
 * played by tcpep and relayed, both directions, to a new TCP connection to
 * HOST:PORT.  The VM's connection is accepted only once the upstream one
 * is: a refused upstream refuses the VM's (RST), as a SOCKS proxy would.
 * Backpressure: bytes from the VM are read from tcpep only while the
 * upstream socket takes them, so a slow upstream reader closes the window
 * tcpep advertises to the VM; bytes toward the VM are read from upstream
 * only while tcpep's send buffer has room.
 *
 * With --socks, each VM connection is opened instead through the SOCKS
 * proxy at HOST:PORT (vtlctl/daemon/socks_client.c) to where the VM
 * dialled: by address, or by hostname when that is an address automap
 * handed out.  The VM's SYN is answered once the proxy granted the request;
 * a refusal, a protocol error or no answer within --socks-timeout (10 s)
 * resets it.  The VM's DNS queries, UDP and TCP port 53, never leave:
 * vtlctl/daemon/dns.c answers them (automap, the default, from
 * 10.192.0.0/10; resolve: through the proxy's RESOLVE command, cached 60 s;
 * drop: REFUSED).  Everything else the VM sends (other UDP, ICMP, IPv6
 * unless --ipv6 proxy) is dropped and counted ("filtered").
 *
 * --drop-rate P drops each frame toward the VM with probability P (0 to
 * 1), to exercise tcpep's retransmissions.  On SIGTERM or SIGINT it prints
 * its counters, "name value" a line, and exits 0; on SIGUSR1 it prints
 * them and goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../vtlctl/daemon/dns.h"
#include "../../vtlctl/daemon/proxy.h"
#include "../../vtlctl/daemon/upstream_fixed.h"
#include "../../vtlctl/daemon/upstream_socks.h"

#define MAX_BATCH	64
#define FRAME_MAX	65536

struct tap {
	int fd;
	double drop_rate;
	unsigned long long dropped, tap_errors;
};

static volatile sig_atomic_t stop, dump;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

static void output(void *arg, const uint8_t *frame, size_t len,
		   const struct virtio_net_hdr *vh)
{
	struct tap *t = arg;

	(void)vh;	/* no offload asked for */
	if (t->drop_rate > 0 && drand48() < t->drop_rate) {
		t->dropped++;
		return;
	}
	if (write(t->fd, frame, len) != (ssize_t)len)
		t->tap_errors++;
}

static void read_tap(struct tap *t, struct proxy *p)
{
	static uint8_t frame[FRAME_MAX];
	int i;

	for (i = 0; i < MAX_BATCH; i++) {
		ssize_t n = read(t->fd, frame, sizeof(frame));

		if (n <= 0)
			return;
		proxy_input(p, frame, n);
	}
}

static int open_tap(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* HOST:PORT, or [V6]:PORT. */
static int parse_addr(const char *arg, struct sockaddr_storage *ss,
		      socklen_t *ss_len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char host[256];
	const char *colon = strrchr(arg, ':');
	size_t len;

	if (!colon || colon == arg)
		return -1;
	len = colon - arg;
	if (arg[0] == '[' && arg[len - 1] == ']') {
		arg++;
		len -= 2;
	}
	if (len >= sizeof(host))
		return -1;
	memcpy(host, arg, len);
	host[len] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*ss_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void print_stats(const struct tap *t, const struct proxy *p,
			bool socks)
{
	struct proxy_counters c;
	const struct tcpep_stats *s = &c.tcpep;

	proxy_counters(p, &c);
#define S(f) printf("%s %llu\n", #f, (unsigned long long)s->f)
	S(frames_in); S(frames_out); S(bad_frames); S(ignored);
	S(arp_replies); S(nd_replies); S(conns_opened); S(conns_refused);
	S(conns_closed); S(conns_reset); S(rst_unknown); S(invalid);
	S(bytes_in); S(bytes_out); S(retransmits); S(timeouts);
	S(ooo_queued); S(ooo_dropped); S(zero_windows); S(window_probes);
	S(window_resends);
	S(conns);
#undef S
	printf("dropped %llu\ntap_errors %llu\n", t->dropped, t->tap_errors);
#define S(f) printf("%s %llu\n", #f, (unsigned long long)c.f)
	S(relays_opened); S(refused); S(closed); S(reset); S(bytes_up);
	S(bytes_down);
	if (socks) {
		S(socks_granted); S(socks_refused); S(socks_errors);
		S(socks_timeouts); S(filtered); S(dns_queries); S(dns_bad);
		S(dns_answers); S(dns_refused); S(dns_failed); S(dns_tcp);
		S(resolves); S(automapped); S(unmapped); S(cache_hits);
	}
#undef S
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: tap-proxy [--drop-rate P] [--mtu N] "
		"[--seed N] TAPDEV HOST:PORT\n"
		"       tap-proxy [--drop-rate P] [--mtu N] [--seed N] "
		"--socks HOST:PORT\n"
		"\t[--socks-version 5|4a] [--user U --password P]\n"
		"\t[--dns automap:PREFIX|resolve|drop] [--ipv6 proxy|drop]\n"
		"\t[--socks-timeout SECONDS] TAPDEV\n");
	exit(2);
}

/* --dns MODE */
static int parse_dns(const char *arg, struct proxy_config *cfg)
{
	if (!strcmp(arg, "resolve"))
		cfg->dns = PROXY_DNS_RESOLVE;
	else if (!strcmp(arg, "drop"))
		cfg->dns = PROXY_DNS_DROP;
	else if (!strncmp(arg, "automap:", 8))
		return dns_parse_prefix(arg + 8, &cfg->dns_prefix,
					&cfg->dns_prefix_len);
	else if (strcmp(arg, "automap"))
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct proxy_config cfg = {
		.mac = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		.output = output,
		.dns = PROXY_DNS_AUTOMAP,
		/* Tor's default VirtualAddrNetworkIPv4 */
		.dns_prefix = 0x0ac00000, .dns_prefix_len = 10,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct tap t = { .fd = -1 };
	struct pollfd *pfd = NULL;
	unsigned int cap = 0;
	struct proxy *p;
	const char *socks = NULL, *user = NULL, *password = NULL;
	enum socks_version version = SOCKS_V5;
	struct upstream_socks_config socks_cfg;
	struct upstream_fixed_config fixed_cfg;
	struct sockaddr_storage ss;
	socklen_t ss_len;
	double timeout_s = 10;
	long seed = 1;
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--drop-rate"))
			t.drop_rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--mtu"))
			cfg.mtu = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--socks"))
			socks = argv[i + 1];
		else if (!strcmp(argv[i], "--socks-version") &&
			 !strcmp(argv[i + 1], "5"))
			version = SOCKS_V5;
		else if (!strcmp(argv[i], "--socks-version") &&
			 !strcmp(argv[i + 1], "4a"))
			version = SOCKS_V4A;
		else if (!strcmp(argv[i], "--user"))
			user = argv[i + 1];
		else if (!strcmp(argv[i], "--password"))
			password = argv[i + 1];
		else if (!strcmp(argv[i], "--socks-timeout"))
			timeout_s = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--ipv6") &&
			 !strcmp(argv[i + 1], "proxy"))
			cfg.ipv6 = true;
		else if (!strcmp(argv[i], "--ipv6") &&
			 !strcmp(argv[i + 1], "drop"))
			cfg.ipv6 = false;
		else if (!strcmp(argv[i], "--dns") &&
			 !parse_dns(argv[i + 1], &cfg))
			;
		else
			usage();
	}
	if (argc - i != (socks ? 1 : 2) || t.drop_rate < 0 ||
	    t.drop_rate >= 1 || timeout_s <= 0 ||
	    (password && !user))
		usage();
	srand48(seed);
	if (parse_addr(socks ? socks : argv[i + 1], &ss, &ss_len)) {
		fprintf(stderr, "tap-proxy: bad address %s\n",
			socks ? socks : argv[i + 1]);
		return 1;
	}
	if (socks) {
		if (upstream_socks_config(&socks_cfg, (struct sockaddr *)&ss,
					  ss_len, version, user, password)) {
			fprintf(stderr, "tap-proxy: credentials too long\n");
			return 1;
		}
		cfg.upstream = &upstream_socks_ops;
		cfg.upstream_cfg = &socks_cfg;
	} else {
		memcpy(&fixed_cfg.addr, &ss, ss_len);
		fixed_cfg.addr_len = ss_len;
		cfg.upstream = &upstream_fixed_ops;
		cfg.upstream_cfg = &fixed_cfg;
	}
	cfg.sealed = socks;
	cfg.up_timeout = timeout_s * 1e9;
	cfg.arg = &t;
	t.fd = open_tap(argv[i]);
	if (t.fd < 0) {
		perror("tap-proxy: open tap");
		return 1;
	}
	p = proxy_create(&cfg);
	if (!p) {
		perror("tap-proxy: proxy_create");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	while (!stop) {
		uint64_t now = proxy_now(), next = proxy_next_deadline(p);
		unsigned int want = proxy_nr_pollfds(p) + 1, n;
		int timeout = -1;

		if (want > cap) {
			struct pollfd *np = realloc(pfd, 2 * want *
						    sizeof(*np));

			if (!np)
				break;
			pfd = np;
			cap = want * 2;
		}
		if (next != UINT64_MAX)
			timeout = next <= now ? 0 :
				  (int)((next - now + 999999) / 1000000);
		pfd[0].fd = t.fd;
		pfd[0].events = POLLIN;
		n = 1 + proxy_pollfds(p, pfd + 1, cap - 1);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			break;
		if (stop)
			break;
		if (dump) {
			dump = 0;
			print_stats(&t, p, socks);
		}
		read_tap(&t, p);
		proxy_timer(p);
	}
	free(pfd);
	print_stats(&t, p, socks);
	proxy_destroy(p, false);
	return 0;
}
