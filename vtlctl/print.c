// SPDX-License-Identifier: GPL-2.0
/*
 * Output in text or JSON.  Text goes straight to stdout: callers print only
 * once they have everything.  JSON is a json-c tree, written at the end.
 * An allocation failure is remembered and reported by printer_finish().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "print.h"

#define PRINT_MAX_DEPTH 8

struct printer {
	bool json;
	bool pretty;
	int err;			/* first failure, a negative errno */
	struct json_object *root;	/* the document */
	struct json_object *stack[PRINT_MAX_DEPTH]; /* open containers */
	int depth;
};

struct printer *printer_new(bool json, bool pretty)
{
	struct printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->json = json;
	p->pretty = pretty;
	return p;
}

void printer_free(struct printer *p)
{
	if (!p)
		return;
	json_object_put(p->root);
	free(p);
}

bool printer_is_json(const struct printer *p)
{
	return p->json;
}

static bool wants_json(const struct printer *p, enum print_kind kind)
{
	return p->json && kind != PRINT_TEXT;
}

static bool wants_text(const struct printer *p, enum print_kind kind)
{
	return !p->json && kind != PRINT_JSON;
}

/* Hang @val (a new reference, taken over) into the open container. */
static void attach(struct printer *p, const char *key, struct json_object *val)
{
	struct json_object *parent;
	int ret;

	if (!val) {
		p->err = p->err ?: -ENOMEM;
		return;
	}
	if (!p->depth) {
		if (p->root) {
			/* a second document: a bug in the caller */
			p->err = p->err ?: -EINVAL;
			json_object_put(val);
			return;
		}
		p->root = val;
		return;
	}
	parent = p->stack[p->depth - 1];
	if (!parent) {
		/* its creation failed, which is already recorded */
		json_object_put(val);
		return;
	}
	if (json_object_is_type(parent, json_type_array))
		ret = json_object_array_add(parent, val);
	else
		ret = json_object_object_add(parent, key, val);
	if (ret) {
		p->err = p->err ?: -ENOMEM;
		json_object_put(val);
	}
}

static void open_container(struct printer *p, const char *key,
			   struct json_object *val)
{
	if (!p->json) {
		json_object_put(val);
		return;
	}
	if (p->depth == PRINT_MAX_DEPTH) {
		p->err = p->err ?: -EINVAL;
		json_object_put(val);
		return;
	}
	/* pushed even on failure, so that opens and closes stay paired */
	json_object_get(val);
	attach(p, key, val);
	p->stack[p->depth++] = val;
}

static void close_container(struct printer *p)
{
	if (!p->json || !p->depth)
		return;
	json_object_put(p->stack[--p->depth]);
}

void print_open_object(struct printer *p, const char *key)
{
	open_container(p, key, p->json ? json_object_new_object() : NULL);
}

void print_close_object(struct printer *p)
{
	close_container(p);
}

void print_open_array(struct printer *p, const char *key)
{
	open_container(p, key, p->json ? json_object_new_array() : NULL);
}

void print_close_array(struct printer *p)
{
	close_container(p);
}

void print_string(struct printer *p, enum print_kind kind, const char *key,
		  const char *fmt, const char *value)
{
	if (wants_json(p, kind))
		attach(p, key, json_object_new_string(value));
	else if (wants_text(p, kind))
		printf(fmt, value);
}

void print_u64(struct printer *p, enum print_kind kind, const char *key,
	       const char *fmt, uint64_t value)
{
	if (wants_json(p, kind))
		attach(p, key, json_object_new_uint64(value));
	else if (wants_text(p, kind))
		printf(fmt, value);
}

/* A JSON boolean; in text, @fmt (a flag word) if @value is true. */
void print_bool(struct printer *p, enum print_kind kind, const char *key,
		const char *fmt, bool value)
{
	if (wants_json(p, kind))
		attach(p, key, json_object_new_boolean(value));
	else if (wants_text(p, kind) && value)
		printf("%s", fmt);
}

void print_text(struct printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static bool is_empty_container(struct json_object *obj)
{
	if (json_object_is_type(obj, json_type_array))
		return !json_object_array_length(obj);
	if (json_object_is_type(obj, json_type_object))
		return !json_object_object_length(obj);
	return false;
}

/*
 * Write the JSON document (text has been written already) and flush.
 * Return 0, or a negative errno if anything could not be built or written.
 */
int printer_finish(struct printer *p)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *doc;

	if (p->err)
		return p->err;
	if (p->json && p->root) {
		if (p->pretty)
			flags |= JSON_C_TO_STRING_PRETTY |
				 JSON_C_TO_STRING_SPACED;
		/* json-c spreads an empty container over lines when pretty */
		if (is_empty_container(p->root))
			doc = json_object_is_type(p->root, json_type_array) ?
			      "[]" : "{}";
		else
			doc = json_object_to_json_string_ext(p->root, flags);
		if (!doc)
			return -ENOMEM;
		printf("%s\n", doc);
	}
	if (fflush(stdout) || ferror(stdout))
		return -(errno ?: EIO);
	return 0;
}
