#include "config.h"

#include "kinds/reader.h"

#include <string.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"

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

void rd_init(struct rd *r, const struct bsrc *src)
{
	r->src = src;
	r->buf = NULL;
	r->cap = 0;
	r->off = 0;
	r->len = 0;
	r->error = 0;
	r->bytes_read = 0;
}

void rd_free(struct rd *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->len = 0;
}

/* Refill the window so it starts at off and holds up to `want` bytes. */
static void refill(struct rd *r, uint64_t off, size_t want)
{
	if (want > r->cap) {
		free(r->buf);
		r->buf = xmalloc(want);
		r->cap = want;
	}
	r->off = off;
	r->len = 0;
	while (r->len < want) {
		ssize_t n = r->src->read_at(r->src, r->buf + r->len, want - r->len, off + r->len);
		if (n < 0) {
			if (!r->error)
				r->error = errno;
			break;
		}
		if (n == 0)
			break; /* the file ended early: it shrank since stat, or is truncated */
		r->len += (size_t)n;
		r->bytes_read += (uint64_t)n;
	}
}

const unsigned char *rd_get_upto(struct rd *r, uint64_t off, size_t n, size_t *got)
{
	*got = 0;
	if (n > RD_MAX_REQUEST || off >= r->src->size)
		return NULL;
	uint64_t avail = r->src->size - off;
	if (n > avail)
		n = (size_t)avail;
	if (n == 0)
		return NULL;
	if (!(off >= r->off && off - r->off <= r->len && r->len - (off - r->off) >= n)) {
		size_t want = n > RD_WINDOW ? n : RD_WINDOW;
		if (want > avail)
			want = (size_t)avail;
		refill(r, off, want);
		if (r->len == 0)
			return NULL;
	}
	size_t have = r->len - (size_t)(off - r->off);
	*got = have < n ? have : n;
	return r->buf + (off - r->off);
}

const unsigned char *rd_get(struct rd *r, uint64_t off, size_t n)
{
	size_t got;
	const unsigned char *p = rd_get_upto(r, off, n, &got);
	return p && got == n ? p : NULL;
}
