/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP scaffolding of the packet library's unit tests: a test is
 * begin(), any number of CHECK()/CHECK_EQ(), then end("name").
 */
#ifndef _VTL_UNIT_CHECK_H
#define _VTL_UNIT_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned int nr_test, nr_pass, nr_fail;
static bool cur_ok;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
		cur_ok = false;						\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		printf("# %s:%d: %s == %s: %lld != %lld\n", __FILE__,	\
		       __LINE__, #a, #b, _a, _b);			\
		cur_ok = false;						\
	}								\
} while (0)

static void begin(void)
{
	cur_ok = true;
}

static void end(const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u ", cur_ok ? "" : "not ", ++nr_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cur_ok)
		nr_pass++;
	else
		nr_fail++;
}

#endif /* _VTL_UNIT_CHECK_H */
