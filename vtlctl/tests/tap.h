/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP harness for vtlctl's unit tests, with capture of what the
 * code under test writes to stdout or stderr.
 */
#ifndef VTLCTL_TAP_H
#define VTLCTL_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int tap_count, tap_failed;

static void __attribute__((format(printf, 2, 3)))
tap_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		tap_failed++;
	fflush(stdout);
}

#define CHECK(cond, ...) tap_check(!!(cond), __VA_ARGS__)

/* Compare strings, and show both when they differ. */
#define CHECK_STR(got, want, ...) do {					\
	const char *_g = (got), *_w = (want);				\
	bool _ok = _g && !strcmp(_g, _w);				\
	tap_check(_ok, __VA_ARGS__);					\
	if (!_ok)							\
		printf("# got:  \"%s\"\n# want: \"%s\"\n",		\
		       _g ? _g : "(null)", _w);				\
} while (0)

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	printf("%d passed, %d failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

/* Redirect file descriptor @fd (1 or 2) into a buffer until capture_end(). */
struct capture {
	int fd;
	int saved;
	FILE *tmp;
	char buf[8192];
};

static void capture_begin(struct capture *c, int fd)
{
	fflush(stdout);
	fflush(stderr);
	c->fd = fd;
	c->tmp = tmpfile();
	c->saved = dup(fd);
	dup2(fileno(c->tmp), fd);
}

static const char *capture_end(struct capture *c)
{
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	rewind(c->tmp);
	n = fread(c->buf, 1, sizeof(c->buf) - 1, c->tmp);
	c->buf[n] = '\0';
	fclose(c->tmp);
	return c->buf;
}

#endif /* VTLCTL_TAP_H */
