/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one C test harness (TAP) of the userspace tests: the unit tests of
 * the code shared with the kernel (selftests/unit/) and vtlctl's
 * (vtlctl/tests/).
 *
 * A check is one TAP line: CHECK(cond, "what", ...), or CHECK_STR(got,
 * want, "what", ...), which shows both strings when they differ.  A group
 * of expectations is one line too: tap_begin(), any number of EXPECT() and
 * EXPECT_EQ(), each failing one explained on a "#" line, then
 * tap_end("what", ...).  main() returns tap_done(): the plan and the
 * counts.  capture_begin() and capture_end() catch what the code under
 * test writes to stdout or stderr.
 */
#ifndef _VTL_SELFTESTS_TAP_H
#define _VTL_SELFTESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned int tap_count, tap_failed;
/* The group since tap_begin() has had no failed expectation. */
static bool tap_group_ok;

static inline void tap_vcheck(bool ok, const char *fmt, va_list ap)
{
	printf("%sok %u - ", ok ? "" : "not ", ++tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	if (!ok)
		tap_failed++;
	fflush(stdout);
}

static inline void __attribute__((format(printf, 2, 3)))
tap_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vcheck(ok, fmt, ap);
	va_end(ap);
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

static inline void tap_begin(void)
{
	tap_group_ok = true;
}

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		tap_group_ok = false;					\
	}								\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("# %s:%d: %s == %s: %lld != %lld\n", __FILE__,	\
		       __LINE__, #a, #b, _a, _b);			\
		tap_group_ok = false;					\
	}								\
} while (0)

/* The group's line: ok if none of its expectations failed. */
static inline void __attribute__((format(printf, 1, 2)))
tap_end(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vcheck(tap_group_ok, fmt, ap);
	va_end(ap);
}

static inline int tap_done(void)
{
	printf("1..%u\n", tap_count);
	printf("%u passed, %u failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

/* Redirect file descriptor @fd (1 or 2) into a buffer until capture_end(). */
struct capture {
	int fd;
	int saved;
	FILE *tmp;
	char buf[8192];
};

static inline void capture_begin(struct capture *c, int fd)
{
	fflush(stdout);
	fflush(stderr);
	c->fd = fd;
	c->tmp = tmpfile();
	c->saved = dup(fd);
	dup2(fileno(c->tmp), fd);
}

static inline const char *capture_end(struct capture *c)
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

#endif /* _VTL_SELFTESTS_TAP_H */
