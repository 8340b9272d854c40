/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reader: bounded random-access reads from a byte source (bsrc.h).
 *
 * A reader keeps one window of the source in memory, so parsers can ask for small pieces at
 * arbitrary offsets and sequential walks cost one read per window, never a whole file. */
#ifndef COREDU_READER_H
#define COREDU_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kinds/bsrc.h"

#define READER_WINDOW (16u * 1024)
#define READER_PAGE 4096u /* what reader_get_alone reads around a piece */
#define READER_MAX_REQUEST (64u << 20) /* the largest single piece a parser may ask for */

struct reader {
	const struct bsrc *src;
	unsigned char *buf;
	size_t cap;
	uint64_t off; /* source offset of buf[0] */
	size_t len;   /* valid bytes in buf */
	int error;    /* errno of the first failed read, 0 if none */
	uint64_t bytes_read;
};

void reader_init(struct reader *r, const struct bsrc *src);
void reader_free(struct reader *r);
/* Exactly n bytes at off, or NULL if the source ends first.  Valid until the next call. */
const unsigned char *reader_get(struct reader *r, uint64_t off, size_t n);
/* Up to n bytes at off; *got says how many (0 with NULL at or past the end). */
const unsigned char *reader_get_upto(struct reader *r, uint64_t off, size_t n, size_t *got);
/* The same for a piece on its own, away from the rest (the dumped memory): when it is not at
 * hand, only the READER_PAGE-aligned pages that hold it are read, not a whole window. */
const unsigned char *reader_get_alone(struct reader *r, uint64_t off, size_t n, size_t *got);

#endif
