/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sanitize: the only way a byte from a file name or a dump reaches a terminal or a text report.
 *
 * Printable ASCII and well-formed, printable UTF-8 pass through.  Everything else becomes a
 * visible escape, so a crafted name or command line cannot move the cursor, change colours or
 * retitle the terminal:
 *   backslash        \\            newline, tab, CR   \n \t \r
 *   other C0, DEL    \x1b          invalid UTF-8 byte  \xff
 *   C1 controls, bidi overrides and isolates, line/paragraph separators   \u009b  \u202e
 * The escapes are unambiguous: every backslash in the output starts one. */
#ifndef COREDU_SANITIZE_H
#define COREDU_SANITIZE_H

#include <stddef.h>

struct sbuf;

enum {
	SAN_ASCII = 1 << 0, /* escape every non-ASCII byte too (non-UTF-8 locales, --ascii) */
};

void sanitize_append(struct sbuf *out, const void *data, size_t n, unsigned flags);
void sanitize_appends(struct sbuf *out, const char *s, unsigned flags);
/* Reset `tmp`, sanitise `s` into it and return the result (valid until `tmp` changes). */
const char *sanitize_str(struct sbuf *tmp, const char *s, unsigned flags);

#endif
