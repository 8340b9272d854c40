/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json: a small streaming JSON writer.
 *
 * Strings are written byte-exactly and stay reversible: well-formed UTF-8 passes through,
 * control characters are escaped, and each byte that is not part of well-formed UTF-8 is
 * written as the lone surrogate \udc80..\udcff (Python's "surrogateescape", PEP 383).
 * json.loads(text)[...].encode("utf-8", "surrogateescape") gives the original bytes back. */
#ifndef COREDU_JSON_H
#define COREDU_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"

#define JSON_MAX_DEPTH 32

struct json_out {
	FILE *f;
	struct sbuf *mem; /* instead of f: the output is appended here */
	int depth;
	bool pretty;
	bool has_items[JSON_MAX_DEPTH];
	size_t len;      /* bytes waiting in buf */
	char buf[8192];  /* handed to f when full, by json_flush and by json_end */
};

void json_init(struct json_out *j, FILE *f, bool pretty);
/* Where a writer is: what json_init_within needs to continue its document. */
struct json_place {
	bool pretty;
	int depth;
};
struct json_place json_place(const struct json_out *j);
/* A writer of more items for the container open at `at`, after at least one item, into
 * memory (appended to mem at each json_flush): those bytes, given back with json_append,
 * continue that document exactly (another thread can render part of an array this way). */
void json_init_within(struct json_out *j, struct sbuf *mem, struct json_place at);
/* Bytes a json_init_within writer made, written after what outer has written. */
void json_append(struct json_out *outer, const void *bytes, size_t n);
/* `key` is the member name inside objects and NULL inside arrays or at the top level: a
 * literal of the caller's, which needs no escape and is written as it is.  A name that comes
 * from a dump goes through json_str_keyn, which escapes it. */
void json_obj_begin(struct json_out *j, const char *key);
void json_obj_end(struct json_out *j);
void json_arr_begin(struct json_out *j, const char *key);
void json_arr_end(struct json_out *j);
void json_str(struct json_out *j, const char *key, const char *s); /* NULL writes null */
void json_strn(struct json_out *j, const char *key, const char *s, size_t n);
/* A member whose name is the first keylen bytes at key (not NUL-terminated there), escaped
 * like a value; s as json_str's. */
void json_str_keyn(struct json_out *j, const char *key, size_t keylen, const char *s);
void json_u64(struct json_out *j, const char *key, uint64_t v);
void json_i64(struct json_out *j, const char *key, int64_t v);
void json_bool(struct json_out *j, const char *key, bool v);
void json_null(struct json_out *j, const char *key);
void json_double(struct json_out *j, const char *key, double v);
/* A number written as a "0x..." string, so 64-bit addresses survive every JSON reader. */
void json_hex(struct json_out *j, const char *key, uint64_t v);
/* Optional values: the value when `has`, else null, so that a reader tells "unknown" from
 * a real 0. */
void json_opt_i64(struct json_out *j, const char *key, bool has, int64_t v);
void json_opt_u64(struct json_out *j, const char *key, bool has, uint64_t v);
void json_opt_hex(struct json_out *j, const char *key, bool has, uint64_t v);
void json_opt_bool(struct json_out *j, const char *key, bool has, bool v);
void json_opt_double(struct json_out *j, const char *key, bool has, double v);
/* null for NULL and for "". */
void json_opt_str(struct json_out *j, const char *key, const char *s);
/* Finish the document with a newline, and hand everything to the stream. */
void json_end(struct json_out *j);
/* Hand what is written so far to the stream (json_end does it too). */
void json_flush(struct json_out *j);

#endif
