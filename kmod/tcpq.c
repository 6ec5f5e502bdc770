// SPDX-License-Identifier: GPL-2.0
/*
 * Bytes of a TCP socket's receive queue, copied without consuming them:
 * the payload of a down frame that names a range of what one of the
 * daemon's sockets has received (<linux/vtl_ring.h>, "Payload from a
 * socket").  The kernel copies them from the socket's buffers into the
 * frame; the daemon never reads them, and drops them from the socket once
 * the VM has them.
 *
 * The walk is tcp_recvmsg()'s with MSG_PEEK and a peek offset, minus the
 * copy to userspace: under the socket's lock, the receive queue holds the
 * bytes from copied_seq to rcv_nxt, in order, and nothing else moves them.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tcpq.h"

/* Copy @len bytes of @from at @at to @to at @off. */
static int vtl_tcpq_copy_skb(struct sk_buff *to, u32 off,
			     struct sk_buff *from, u32 at, u32 len)
{
	struct skb_seq_state st;
	unsigned int n, done = 0;
	const u8 *data;
	int err = 0;

	skb_prepare_seq_read(from, at, at + len, &st);
	while (done < len) {
		n = skb_seq_read(done, &data, &st);
		if (!n) {
			err = -EFAULT;
			break;
		}
		n = min(n, len - done);
		err = skb_store_bits(to, off + done, data, n);
		if (err)
			break;
		done += n;
	}
	skb_abort_seq_read(&st);
	return err;
}

/**
 * vtl_tcpq_copy() - copy bytes a TCP socket received into an skb
 * @fd: the socket: a file descriptor of the current process
 * @offset: where the bytes start, counted from the socket's read position
 *	(the first byte recv() would return)
 * @len: how many
 * @skb: where they go
 * @off: at which offset of @skb; it has room for them
 *
 * The bytes stay in the socket.  Only what SIOCINQ counts can be copied:
 * bytes received in order, up to an urgent byte not read inline.
 *
 * Context: process; takes the socket's lock.
 * Return: 0; -EBADF or -ENOTSOCK for an @fd that is not a socket,
 * -EPROTOTYPE for a socket that is not TCP, -ERANGE for bytes it does not
 * hold.
 */
int vtl_tcpq_copy(int fd, u64 offset, u32 len, struct sk_buff *skb, u32 off)
{
	struct socket *sock;
	struct sk_buff *q;
	struct sock *sk;
	u32 seq, at, n, inq;
	int err;

	if (!len)
		return 0;
	sock = sockfd_lookup(fd, &err);
	if (!sock)
		return err;
	sk = sock->sk;
	if (!sk || !sk_is_tcp(sk)) {
		err = -EPROTOTYPE;
		goto out_put;
	}
	lock_sock(sk);
	err = -ERANGE;
	if (sk->sk_state == TCP_LISTEN)
		goto out_release;
	inq = tcp_inq(sk);
	if (offset > inq || len > inq - offset)
		goto out_release;
	seq = tcp_sk(sk)->copied_seq + (u32)offset;
	skb_queue_walk(&sk->sk_receive_queue, q) {
		at = seq - TCP_SKB_CB(q)->seq;
		/* As tcp_recvmsg(): a SYN takes a sequence number, no byte. */
		if (unlikely(TCP_SKB_CB(q)->tcp_flags & TCPHDR_SYN))
			at--;
		if (at >= q->len)
			continue;
		n = min(q->len - at, len);
		err = vtl_tcpq_copy_skb(skb, off, q, at, n);
		if (err)
			goto out_release;
		seq += n;
		off += n;
		len -= n;
		if (!len)
			break;
	}
	/* SIOCINQ counted bytes the queue did not have: not expected. */
	err = len ? -ERANGE : 0;
out_release:
	release_sock(sk);
out_put:
	sockfd_put(sock);
	return err;
}
