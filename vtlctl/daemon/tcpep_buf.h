/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A byte ring for tcpep's send and receive buffers: bytes are addressed by
 * their offset from the oldest one, so that a segment can be written where
 * its sequence number puts it (out of order, ahead of the bytes held) and
 * read again from anywhere (retransmission).
 */
#ifndef VTLCTL_TCPEP_BUF_H
#define VTLCTL_TCPEP_BUF_H

#include <stdint.h>

/**
 * struct tcpep_buf - a ring of @size bytes
 * @data: the storage
 * @size: its size
 * @head: index of the oldest byte
 * @len: bytes held from @head, in order; bytes written past them (out of
 *	order) are not counted until tcpep_buf_commit()
 */
struct tcpep_buf {
	uint8_t *data;
	uint32_t size;
	uint32_t head;
	uint32_t len;
};

int tcpep_buf_init(struct tcpep_buf *b, uint32_t size);
void tcpep_buf_free(struct tcpep_buf *b);
void tcpep_buf_put(struct tcpep_buf *b, uint32_t off, const void *src,
		   uint32_t len);
void tcpep_buf_get(const struct tcpep_buf *b, uint32_t off, void *dst,
		   uint32_t len);
const uint8_t *tcpep_buf_head(const struct tcpep_buf *b, uint32_t *len);
const uint8_t *tcpep_buf_span(const struct tcpep_buf *b, uint32_t off,
			      uint32_t len);
uint8_t *tcpep_buf_tail(const struct tcpep_buf *b, uint32_t *room);
void tcpep_buf_commit(struct tcpep_buf *b, uint32_t len);
void tcpep_buf_consume(struct tcpep_buf *b, uint32_t len);

#endif /* VTLCTL_TCPEP_BUF_H */
