// SPDX-License-Identifier: GPL-2.0
/*
 * tcpep's byte rings; see tcpep_buf.h.  Callers keep offsets within @size:
 * these functions do not check, they are on the path of every byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcpep_buf.h"

int tcpep_buf_init(struct tcpep_buf *b, uint32_t size)
{
	/* malloc, not calloc: the pages are touched only when data comes. */
	b->data = malloc(size);
	if (!b->data)
		return -ENOMEM;
	b->size = size;
	b->head = 0;
	b->len = 0;
	return 0;
}

void tcpep_buf_free(struct tcpep_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
	b->len = 0;
}

/* Write @len bytes at @off bytes from the oldest; @len is not counted. */
void tcpep_buf_put(struct tcpep_buf *b, uint32_t off, const void *src,
		   uint32_t len)
{
	uint32_t at = (b->head + off) % b->size;
	uint32_t first = b->size - at < len ? b->size - at : len;

	memcpy(b->data + at, src, first);
	memcpy(b->data, (const uint8_t *)src + first, len - first);
}

void tcpep_buf_get(const struct tcpep_buf *b, uint32_t off, void *dst,
		   uint32_t len)
{
	uint32_t at = (b->head + off) % b->size;
	uint32_t first = b->size - at < len ? b->size - at : len;

	memcpy(dst, b->data + at, first);
	memcpy((uint8_t *)dst + first, b->data, len - first);
}

/* The @len bytes at @off, if they lie in one piece in the storage; or NULL. */
const uint8_t *tcpep_buf_span(const struct tcpep_buf *b, uint32_t off,
			      uint32_t len)
{
	uint32_t at = (b->head + off) % b->size;

	return len <= b->size - at ? b->data + at : NULL;
}

/* The oldest bytes in place: *@len of them, up to the ring's end. */
const uint8_t *tcpep_buf_head(const struct tcpep_buf *b, uint32_t *len)
{
	*len = b->size - b->head < b->len ? b->size - b->head : b->len;
	return b->data + b->head;
}

/*
 * Where the bytes after the held ones go, to be written in place: *@room
 * of them fit there, up to the free space or the ring's end.
 */
uint8_t *tcpep_buf_tail(const struct tcpep_buf *b, uint32_t *room)
{
	uint32_t at = (b->head + b->len) % b->size;
	uint32_t free = b->size - b->len;

	*room = b->size - at < free ? b->size - at : free;
	return b->data + at;
}

/* @len more bytes after the held ones are in order now. */
void tcpep_buf_commit(struct tcpep_buf *b, uint32_t len)
{
	b->len += len;
}

/* Forget the @len oldest bytes. */
void tcpep_buf_consume(struct tcpep_buf *b, uint32_t len)
{
	b->head = (b->head + len) % b->size;
	b->len -= len;
}
