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
}
