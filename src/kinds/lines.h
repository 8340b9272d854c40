/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lines: text lines from a byte source, for the text kinds (hs_err, Apport, ABRT files).
 * Bounded: a line longer than LINES_MAX is cut (the rest skipped), and reading stops at
 * `limit` bytes, so a hostile or huge file costs a bounded amount of memory and time. */
#ifndef COREDU_LINES_H
#define COREDU_LINES_H

#include <stdint.h>

#include "base/util.h"
#include "kinds/reader.h"

#define LINES_MAX (32 * 1024) /* a command line (hs_err, Apport) is kept whole up to this */

struct lines {
	struct reader rd;
	uint64_t off, limit;
	struct sbuf line;
};

void lines_init(struct lines *l, const struct bsrc *src, uint64_t start, uint64_t limit);
/* The next line without its newline, NUL-terminated (and *len its length); NULL at the end
 * or the limit. */
const char *lines_next(struct lines *l, size_t *len);
/* Where the next line starts. */
uint64_t lines_offset(const struct lines *l);
void lines_free(struct lines *l);

#endif
