/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: every field is printed by one call that serves both the text and
 * the JSON form (the print_* idea of iproute2), so the two cannot drift.
 * The JSON document is built with json-c and written whole by
 * printer_finish(), so a failure never leaves half a document behind.
 */
#ifndef VTLCTL_PRINT_H
#define VTLCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

struct printer;

/* Which form a print_*() call contributes to. */
enum print_kind {
	PRINT_ANY,	/* both: JSON member @key, and text per @fmt */
	PRINT_JSON,	/* JSON only; @fmt is ignored */
	PRINT_TEXT,	/* text only; @key is ignored */
};

struct printer *printer_new(bool json, bool pretty);
int printer_finish(struct printer *p);
void printer_free(struct printer *p);
bool printer_is_json(const struct printer *p);

/*
 * Containers exist in JSON only.  @key names the member of the enclosing
 * object; it is NULL for an element of an array or for the document itself.
 */
void print_open_object(struct printer *p, const char *key);
void print_close_object(struct printer *p);
void print_open_array(struct printer *p, const char *key);
void print_close_array(struct printer *p);

void print_string(struct printer *p, enum print_kind kind, const char *key,
		  const char *fmt, const char *value);
void print_u64(struct printer *p, enum print_kind kind, const char *key,
	       const char *fmt, uint64_t value);
void print_bool(struct printer *p, enum print_kind kind, const char *key,
		const char *fmt, bool value);
void print_text(struct printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VTLCTL_PRINT_H */
