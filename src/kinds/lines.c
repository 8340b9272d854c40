/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/lines.h"

#include <string.h>

void lines_init(struct lines *l, const struct bsrc *src, uint64_t start, uint64_t limit)
{
	reader_init(&l->rd, src);
	l->off = start;
	l->limit = limit < src->size ? limit : src->size;
	sbuf_init(&l->line);
}

const char *lines_next(struct lines *l, size_t *len)
{
	sbuf_reset(&l->line);
	if (l->off >= l->limit)
		return NULL;
	while (l->off < l->limit) {
		size_t got;
		size_t want = l->limit - l->off < 4096 ? (size_t)(l->limit - l->off) : 4096;
		const unsigned char *p = reader_get_upto(&l->rd, l->off, want, &got);
		if (!p || !got) {
			l->off = l->limit;
			break;
		}
		const unsigned char *nl = memchr(p, '\n', got);
		size_t take = nl ? (size_t)(nl - p) : got;
		if (l->line.len < LINES_MAX)
			sbuf_add(&l->line, p, take < LINES_MAX - l->line.len ? take : LINES_MAX - l->line.len);
		l->off += take + (nl != NULL);
		if (nl)
			break;
	}
	if (len)
		*len = l->line.len;
	return l->line.s;
}

uint64_t lines_offset(const struct lines *l)
{
	return l->off;
}

void lines_free(struct lines *l)
{
	reader_free(&l->rd);
	sbuf_free(&l->line);
}
