// SPDX-License-Identifier: GPL-2.0
/*
 * tap-proxy: the test harness of tcpep (vtlctl/tcpep.c), the userspace TCP
 * endpoint, with a TAP device standing in for the kernel's ring.
 *
 *   tap-proxy [--drop-rate P] [--mtu N] [--seed N] TAPDEV HOST:PORT
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
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../vtlctl/tcpep.h"

#define UPBUF		(64 * 1024)
#define MAX_BATCH	64
#define FRAME_MAX	65536

/* One VM connection and its upstream socket. */
struct relay {
	struct relay *next;
	struct tcpep_conn *c;
	int fd;
	bool connecting;	/* upstream connect() in progress */
	bool vm_eof;		/* tcpep_read() said end of stream */
	bool shut_wr;		/* and upstream was told */
	bool up_eof;		/* upstream said end of stream */
	bool vm_closed;		/* TCPEP_EV_CLOSED */
	bool vm_reset;		/* TCPEP_EV_RESET */
	size_t up_len;		/* bytes from the VM not yet upstream */
	unsigned char up[UPBUF];
};

static struct {
	struct tcpep *ep;
	int tap;
	struct sockaddr_storage up_addr;
	socklen_t up_len;
	double drop_rate;
	struct relay *relays;
	unsigned int nr_relays;
	unsigned long long dropped, tap_errors, relays_opened, refused,
		closed, reset, bytes_up, bytes_down;
} P;

static volatile sig_atomic_t stop, dump;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void output(void *arg, const uint8_t *frame, size_t len)
{
	(void)arg;
	if (P.drop_rate > 0 && drand48() < P.drop_rate) {
		P.dropped++;
		return;
	}
	if (write(P.tap, frame, len) != (ssize_t)len)
		P.tap_errors++;
}

/* A new connection from the VM: connect upstream, decide when that does. */
static void relay_new(struct tcpep_conn *c)
{
	struct relay *r = calloc(1, sizeof(*r));

	if (!r) {
		tcpep_abort(c, now_ns());
		return;
	}
	r->c = c;
	r->fd = socket(P.up_addr.ss_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0 ||
	    (connect(r->fd, (struct sockaddr *)&P.up_addr, P.up_len) &&
	     errno != EINPROGRESS)) {
		if (r->fd >= 0)
			close(r->fd);
		free(r);
		P.refused++;
		tcpep_abort(c, now_ns());
		return;
	}
	r->connecting = true;
	tcpep_conn_set_user(c, r);
	r->next = P.relays;
	P.relays = r;
	P.nr_relays++;
	P.relays_opened++;
}

static void event(void *arg, struct tcpep_conn *c, enum tcpep_event ev)
{
	struct relay *r = tcpep_conn_user(c);

	(void)arg;
	switch (ev) {
	case TCPEP_EV_NEW:
		relay_new(c);
		break;
	case TCPEP_EV_CLOSED:
		r->vm_closed = true;
		break;
	case TCPEP_EV_RESET:
		r->vm_reset = true;
		break;
	default:
		break;	/* every relay is pumped after each batch anyway */
	}
}

/* Unlink and free @r, releasing its tcpep connection (@abort: with RST). */
static void relay_free(struct relay *r, bool abort)
{
	struct relay **p;

	for (p = &P.relays; *p != r; p = &(*p)->next)
		;
	*p = r->next;
	P.nr_relays--;
	if (abort) {
		/* A RST upstream too: SO_LINGER 0. */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		tcpep_abort(r->c, now_ns());
		P.reset++;
	} else {
		tcpep_close(r->c, now_ns());
		P.closed++;
	}
	close(r->fd);
	free(r);
}

/* Move bytes both ways as far as they go; false if @r was freed. */
static bool relay_pump(struct relay *r)
{
	static unsigned char buf[UPBUF];
	uint64_t now = now_ns();
	ssize_t n;
	size_t room;

	if (r->vm_reset) {
		relay_free(r, true);
		return false;
	}
	if (r->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);
		struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };

		if (poll(&pfd, 1, 0) <= 0)
			return true;
		getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			/* Refused: the VM's connect() gets a RST. */
			P.refused++;
			relay_free(r, true);
			return false;
		}
		r->connecting = false;
		if (tcpep_accept(r->c, now)) {
			relay_free(r, true);
			return false;
		}
		return true;
	}
	/*
	 * VM -> upstream, only as fast as upstream takes it: until upstream
	 * would block (POLLOUT wakes us) or tcpep has nothing more (a frame
	 * from the VM does).
	 */
	for (;;) {
		while (!r->vm_eof && r->up_len < UPBUF) {
			n = tcpep_read(r->c, r->up + r->up_len,
				       UPBUF - r->up_len, now);
			if (n == -EAGAIN || n == -ENOTCONN)
				break;
			if (n < 0) {
				relay_free(r, true);
				return false;
			}
			if (!n)
				r->vm_eof = true;
			r->up_len += n;
		}
		if (!r->up_len)
			break;
		n = send(r->fd, r->up, r->up_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			relay_free(r, true);
			return false;
		}
		P.bytes_up += n;
		memmove(r->up, r->up + n, r->up_len - n);
		r->up_len -= n;
	}
	if (r->vm_eof && !r->up_len && !r->shut_wr) {
		shutdown(r->fd, SHUT_WR);
		r->shut_wr = true;
	}
	/* Upstream -> VM, only as fast as tcpep's send buffer drains. */
	while (!r->up_eof && (room = tcpep_writable(r->c)) > 0) {
		n = recv(r->fd, buf, room < sizeof(buf) ? room : sizeof(buf),
			 0);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			relay_free(r, true);
			return false;
		}
		if (!n) {
			r->up_eof = true;
			tcpep_shutdown(r->c, now);
			break;
		}
		P.bytes_down += n;
		tcpep_write(r->c, buf, n, now);
	}
	if (r->vm_closed && r->shut_wr && r->up_eof) {
		relay_free(r, false);
		return false;
	}
	return true;
}

static void pump_all(void)
{
	struct relay *r, *next;

	for (r = P.relays; r; r = next) {
		next = r->next;
		relay_pump(r);
	}
}

static void read_tap(void)
{
	static uint8_t frame[FRAME_MAX];
	int i;

	for (i = 0; i < MAX_BATCH; i++) {
		ssize_t n = read(P.tap, frame, sizeof(frame));

		if (n <= 0)
			return;
		tcpep_input(P.ep, frame, n, now_ns());
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
static int parse_addr(const char *arg)
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
	memcpy(&P.up_addr, ai->ai_addr, ai->ai_addrlen);
	P.up_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void print_stats(void)
{
	const struct tcpep_stats *s = tcpep_get_stats(P.ep);

#define S(f) printf("%s %llu\n", #f, (unsigned long long)s->f)
	S(frames_in); S(frames_out); S(bad_frames); S(ignored);
	S(arp_replies); S(nd_replies); S(conns_opened); S(conns_refused);
	S(conns_closed); S(conns_reset); S(rst_unknown); S(invalid);
	S(bytes_in); S(bytes_out); S(retransmits); S(timeouts);
	S(ooo_queued); S(ooo_dropped); S(zero_windows); S(window_probes);
	S(conns);
#undef S
#define S(f) printf("%s %llu\n", #f, P.f)
	S(dropped); S(tap_errors); S(relays_opened); S(refused); S(closed);
	S(reset); S(bytes_up); S(bytes_down);
#undef S
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: tap-proxy [--drop-rate P] [--mtu N] "
		"[--seed N] TAPDEV HOST:PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct tcpep_config cfg = {
		.mac = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		.output = output, .event = event,
	};
	struct sigaction sa = { .sa_handler = on_signal };
	long seed = 1;
	int i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--drop-rate"))
			P.drop_rate = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--mtu"))
			cfg.mtu = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = atol(argv[i + 1]);
		else
			usage();
	}
	if (argc - i != 2 || P.drop_rate < 0 || P.drop_rate >= 1)
		usage();
	srand48(seed);
	if (parse_addr(argv[i + 1])) {
		fprintf(stderr, "tap-proxy: bad address %s\n", argv[i + 1]);
		return 1;
	}
	P.tap = open_tap(argv[i]);
	if (P.tap < 0) {
		perror("tap-proxy: open tap");
		return 1;
	}
	P.ep = tcpep_create(&cfg);
	if (!P.ep) {
		perror("tap-proxy: tcpep_create");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	while (!stop) {
		struct pollfd *pfd = calloc(P.nr_relays + 1, sizeof(*pfd));
		struct relay *r;
		uint64_t now = now_ns(), next = tcpep_next_deadline(P.ep);
		int timeout = -1, n = 1;

		if (!pfd)
			break;
		if (next != UINT64_MAX)
			timeout = next <= now ? 0 :
				  (int)((next - now + 999999) / 1000000);
		pfd[0].fd = P.tap;
		pfd[0].events = POLLIN;
		for (r = P.relays; r; r = r->next, n++) {
			pfd[n].fd = r->fd;
			if (r->connecting || r->up_len)
				pfd[n].events |= POLLOUT;
			if (!r->connecting && !r->up_eof &&
			    tcpep_writable(r->c))
				pfd[n].events |= POLLIN;
		}
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			free(pfd);
			break;
		}
		free(pfd);
		if (stop)
			break;
		if (dump) {
			dump = 0;
			print_stats();
		}
		read_tap();
		tcpep_timer(P.ep, now_ns());
		pump_all();
	}
	print_stats();
	tcpep_destroy(P.ep);
	return 0;
}
