/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/bsrc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static ssize_t fd_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	do
		n = pread(s->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n;
}

void bsrc_from_fd(struct bsrc *s, int fd, uint64_t size)
{
	s->read_at = fd_read_at;
	s->size = size;
	s->fd = fd;
	s->priv = NULL;
	s->head = NULL;
	s->head_len = 0;
}

/* A read that starts in the head is served from it, short at its end: the caller's loop asks
 * again for the rest, which the file gives.  One system call fewer for each read there. */
static ssize_t head_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	if (off >= s->head_len)
		return fd_read_at(s, buf, len, off);
	size_t n = s->head_len - off < len ? (size_t)(s->head_len - off) : len;
	memcpy(buf, s->head + off, n);
	return (ssize_t)n;
}

void bsrc_from_fd_head(struct bsrc *s, int fd, uint64_t size, const void *head, size_t head_len)
{
	bsrc_from_fd(s, fd, size);
	if (head && head_len) {
		s->read_at = head_read_at;
		s->head = head;
		s->head_len = head_len < size ? head_len : (size_t)size;
	}
}
static ssize_t mem_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	if (off >= s->size)
		return 0;
	size_t n = s->size - off < len ? (size_t)(s->size - off) : len;
	memcpy(buf, (const unsigned char *)s->priv + off, n);
	return (ssize_t)n;
}

void bsrc_from_mem(struct bsrc *s, const void *data, size_t size)
{
	s->read_at = mem_read_at;
	s->size = size;
	s->fd = -1;
	s->priv = (void *)data;
	s->head = NULL;
	s->head_len = 0;
}
