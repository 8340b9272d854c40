/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/reader.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define READER_BUF_FIRST (32u * 1024)

void reader_init(struct reader *r, const struct bsrc *src)
{
	r->src = src;
	r->buf = NULL;
	r->cap = 0;
	r->off = 0;
	r->len = 0;
	r->error = 0;
	r->bytes_read = 0;
}

void reader_free(struct reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->len = 0;
}

/* Refill the window so it starts at off and holds up to `want` bytes. */
static void refill(struct reader *r, uint64_t off, size_t want)
{
	if (want > r->cap) { /* one buffer for a core's headers, notes and stack pages */
		size_t cap = want > READER_BUF_FIRST ? want : READER_BUF_FIRST;
		free(r->buf);
		r->buf = xmalloc(cap);
		r->cap = cap;
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

/* Up to n bytes at off, from the buffer or after reading [start, start + want): want is at
 * least what lies between start and off + n. */
static const unsigned char *get_upto(struct reader *r, uint64_t off, size_t n, size_t *got,
				     bool paged)
{
	*got = 0;
	if (n > READER_MAX_REQUEST || off >= r->src->size)
		return NULL;
	uint64_t avail = r->src->size - off;
	if (n > avail)
		n = (size_t)avail;
	if (n == 0)
		return NULL;
	if (!(off >= r->off && off - r->off <= r->len && r->len - (off - r->off) >= n)) {
		uint64_t start = off, end = off + (n > READER_WINDOW ? n : READER_WINDOW);
		if (paged) { /* the pages holding the piece, so a walk either way stays in them */
			start = off & ~(uint64_t)(READER_PAGE - 1);
			end = (off + n + READER_PAGE - 1) & ~(uint64_t)(READER_PAGE - 1);
		}
		if (end > r->src->size)
			end = r->src->size;
		refill(r, start, (size_t)(end - start));
		if (r->len <= off - start)
			return NULL;
	}
	size_t have = r->len - (size_t)(off - r->off);
	*got = have < n ? have : n;
	return r->buf + (off - r->off);
}

const unsigned char *reader_get_upto(struct reader *r, uint64_t off, size_t n, size_t *got)
{
	return get_upto(r, off, n, got, false);
}

const unsigned char *reader_get_alone(struct reader *r, uint64_t off, size_t n, size_t *got)
{
	return get_upto(r, off, n, got, true);
}

const unsigned char *reader_get(struct reader *r, uint64_t off, size_t n)
{
	size_t got;
	const unsigned char *p = reader_get_upto(r, off, n, &got);
	return p && got == n ? p : NULL;
}
