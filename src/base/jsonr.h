/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonr: a small streaming JSON reader (a pull parser), the reverse of json.c.
 *
 * It hands out one token at a time and keeps nothing of what it read, so memory is bounded
 * by one string (JSONR_MAX_STRING) and the nesting (JSON_MAX_DEPTH), whatever the size of
 * the input: a 2 GiB document costs what its largest string costs.  Every token carries its
 * byte offset, and an error says where it was met and why, so a caller can name the file
 * and the offset.  The grammar is RFC 8259's, strictly (no comments, no trailing commas);
 * several top-level values may follow one another (a stream of documents, or JSON lines).
 *
 * Strings are decoded byte-exactly: the lone surrogates \udc80..\udcff that json.c writes for
 * bytes that are not UTF-8 (Python's "surrogateescape") become those bytes again; any other
 * lone surrogate becomes U+FFFD.  A decoded string may hold NUL bytes (\u0000): `len` says
 * how long it is.
 *
 * Why not a library: json-c and Jansson build the whole document in memory, and both refuse
 * or replace the lone surrogates that carry a file name's raw bytes (doc/json.md). */
#ifndef COREDU_JSONR_H
#define COREDU_JSONR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/json.h"

#define JSONR_MAX_STRING (1u << 20) /* a longer string is an error, not an allocation */
#define JSONR_MAX_NUMBER 64         /* characters of one number */

enum jsonr_type {
	JSONR_ERROR,     /* r->err says why, at r->err_off */
	JSONR_END,       /* the input ended between two top-level values */
	JSONR_OBJ_BEGIN,
	JSONR_OBJ_END,
	JSONR_ARR_BEGIN,
	JSONR_ARR_END,
	JSONR_KEY,       /* a member name, in s/len; its value follows */
	JSONR_STRING,    /* s/len */
	JSONR_NUMBER,    /* its text in s */
	JSONR_TRUE,
	JSONR_FALSE,
	JSONR_NULL,
};

struct jsonr {
	FILE *f;
	uint64_t off;      /* bytes consumed so far */
	uint64_t tok_off;  /* where the last token started */
	uint64_t err_off;
	char err[160];
	int depth;         /* containers open */
	char stack[JSON_MAX_DEPTH + 1];
	int state;         /* private: what may come next */
	int ahead;         /* private: a byte read ahead, or -2 */
	size_t max_string;
	char *s;           /* the last key, string or number, NUL-terminated */
	size_t len, cap;
};

/* Read from f (not closed by jsonr_free). */
void jsonr_init(struct jsonr *r, FILE *f);
void jsonr_free(struct jsonr *r);
/* The next token.  After JSONR_ERROR every call returns JSONR_ERROR again. */
enum jsonr_type jsonr_next(struct jsonr *r);
/* Skip the value whose first token `t` was just returned (a whole object or array; nothing
 * for a scalar).  Returns false after an error. */
bool jsonr_skip(struct jsonr *r, enum jsonr_type t);
/* The number just read, as an integer in range; false if it has a fraction, an exponent or
 * does not fit. */
bool jsonr_i64(const struct jsonr *r, int64_t *v);
bool jsonr_u64(const struct jsonr *r, uint64_t *v);
bool jsonr_double(const struct jsonr *r, double *v);
/* "an object", "a string", ... for messages. */
const char *jsonr_type_name(enum jsonr_type t);

#endif
