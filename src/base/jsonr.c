/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/jsonr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* What may come next. */
enum { ST_VALUE, ST_ARR_FIRST, ST_OBJ_FIRST, ST_KEY, ST_AFTER, ST_FAILED };

void jsonr_init(struct jsonr *r, FILE *f)
{
	memset(r, 0, sizeof(*r));
	r->f = f;
	r->ahead = -2;
	r->state = ST_VALUE;
	r->max_string = JSONR_MAX_STRING;
	r->cap = 64;
	r->s = xmalloc(r->cap);
	r->s[0] = '\0';
}

void jsonr_free(struct jsonr *r)
{
	free(r->s);
	r->s = NULL;
}

static int get(struct jsonr *r)
{
	int c;
	if (r->ahead != -2) {
		c = r->ahead;
		r->ahead = -2;
	} else {
		c = getc_unlocked(r->f);
	}
	if (c != EOF)
		r->off++;
	return c;
}

static void unget(struct jsonr *r, int c)
{
	if (c == EOF)
		return;
	r->ahead = c;
	r->off--;
}

static enum jsonr_type fail_at(struct jsonr *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum jsonr_type fail_at(struct jsonr *r, uint64_t off, const char *fmt, ...)
{
	if (r->state == ST_FAILED)
		return JSONR_ERROR;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->err_off = off;
	r->state = ST_FAILED;
	return JSONR_ERROR;
}

/* The byte c, just read, was not what the grammar allows here. */
static enum jsonr_type unexpected(struct jsonr *r, int c, const char *want)
{
	if (c == EOF) {
		if (ferror(r->f))
			return fail_at(r, r->off, "read error: %s", strerror(errno));
		return fail_at(r, r->off, "unexpected end of input (truncated?), expected %s", want);
	}
	if (c > 0x20 && c < 0x7f)
		return fail_at(r, r->off - 1, "unexpected '%c', expected %s", c, want);
	return fail_at(r, r->off - 1, "unexpected byte 0x%02x, expected %s", c, want);
}

static int skip_space(struct jsonr *r)
{
	int c;
	do
		c = get(r);
	while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
	return c;
}

/* ---- strings ---------------------------------------------------------------------------- */

static bool put_byte(struct jsonr *r, unsigned char b)
{
	if (r->len >= r->max_string) {
		fail_at(r, r->tok_off, "a string longer than %zu bytes", r->max_string);
		return false;
	}
	if (r->len + 2 > r->cap)
		r->s = xgrow(r->s, &r->cap, r->len + 2, 1);
	r->s[r->len++] = (char)b;
	return true;
}

static bool put_utf8(struct jsonr *r, uint32_t cp)
{
	unsigned char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12), b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18), b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	for (size_t i = 0; i < n; i++)
		if (!put_byte(r, b[i]))
			return false;
	return true;
}

static bool escape(struct jsonr *r);

/* Four hex digits after \u; -1 after an error. */
static long hex4(struct jsonr *r)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = get(r);
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0) {
			unexpected(r, c, "a hex digit of \\uXXXX");
			return -1;
		}
		v = v * 16 + d;
	}
	return v;
}

/* A code point from \uXXXX (its 'u' read): pairs joined; \udc80..\udcff, the bytes json.c
 * escaped, become those bytes again; any other lone surrogate U+FFFD. */
static bool unicode_escape(struct jsonr *r)
{
	long cp = hex4(r);
	while (cp >= 0xd800 && cp <= 0xdbff) { /* a high surrogate: a low one should follow */
		int c = get(r);
		if (c != '\\') {
			unget(r, c);
			return put_utf8(r, 0xfffd);
		}
		c = get(r);
		if (c != 'u') { /* not a pair: U+FFFD, then this other escape as usual */
			unget(r, c);
			return put_utf8(r, 0xfffd) && escape(r);
		}
		long lo = hex4(r);
		if (lo < 0)
			return false;
		if (lo >= 0xdc00 && lo <= 0xdfff)
			return put_utf8(r, (uint32_t)(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)));
		if (!put_utf8(r, 0xfffd))
			return false;
		cp = lo;
	}
	if (cp < 0)
		return false;
	if (cp >= 0xdc80 && cp <= 0xdcff)
		return put_byte(r, (unsigned char)(cp - 0xdc00));
	if (cp >= 0xdc00 && cp <= 0xdfff)
		cp = 0xfffd;
	return put_utf8(r, (uint32_t)cp);
}

static bool escape(struct jsonr *r)
{
	int c = get(r);
	switch (c) {
	case '"': case '\\': case '/': return put_byte(r, (unsigned char)c);
	case 'b': return put_byte(r, '\b');
	case 'f': return put_byte(r, '\f');
	case 'n': return put_byte(r, '\n');
	case 'r': return put_byte(r, '\r');
	case 't': return put_byte(r, '\t');
	case 'u': return unicode_escape(r);
	default:
		unexpected(r, c, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
		return false;
	}
}

/* The rest of a string, its opening quote read. */
static bool string_body(struct jsonr *r)
{
	r->len = 0;
	for (;;) {
		int c = get(r);
		if (c == '"')
			break;
		if (c == '\\') {
			if (!escape(r))
				return false;
		} else if (c == EOF || c < 0x20) {
			unexpected(r, c, c == EOF ? "the end of the string" : "no control byte in a string");
			return false;
		} else if (!put_byte(r, (unsigned char)c)) {
			return false;
		}
	}
	r->s[r->len] = '\0';
	return true;
}

/* ---- numbers and literals --------------------------------------------------------------- */

/* RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static bool number_valid(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		if (*++s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static enum jsonr_type number(struct jsonr *r, int c)
{
	r->len = 0;
	while ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
		if (r->len >= JSONR_MAX_NUMBER)
			return fail_at(r, r->tok_off, "a number longer than %d characters",
				       JSONR_MAX_NUMBER);
		put_byte(r, (unsigned char)c);
		c = get(r);
	}
	unget(r, c);
	r->s[r->len] = '\0';
	if (!number_valid(r->s))
		return fail_at(r, r->tok_off, "an invalid number");
	return JSONR_NUMBER;
}

static enum jsonr_type literal(struct jsonr *r, const char *word, enum jsonr_type t)
{
	for (const char *p = word + 1; *p; p++) {
		int c = get(r);
		if (c != *p)
			return unexpected(r, c, word);
	}
	return t;
}

/* ---- the grammar ------------------------------------------------------------------------ */

static enum jsonr_type open_container(struct jsonr *r, char c)
{
	if (r->depth >= JSON_MAX_DEPTH)
		return fail_at(r, r->tok_off, "nested deeper than %d", JSON_MAX_DEPTH);
	r->stack[r->depth++] = c;
	r->state = c == '{' ? ST_OBJ_FIRST : ST_ARR_FIRST;
	return c == '{' ? JSONR_OBJ_BEGIN : JSONR_ARR_BEGIN;
}

static enum jsonr_type close_container(struct jsonr *r)
{
	char c = r->stack[--r->depth];
	r->state = ST_AFTER;
	return c == '{' ? JSONR_OBJ_END : JSONR_ARR_END;
}

/* A value starting with c (or the end of the input between top-level values). */
static enum jsonr_type value(struct jsonr *r, int c)
{
	enum jsonr_type t;
	switch (c) {
	case '{': case '[': return open_container(r, (char)c);
	case '"':
		if (!string_body(r))
			return JSONR_ERROR;
		t = JSONR_STRING;
		break;
	case 't': t = literal(r, "true", JSONR_TRUE); break;
	case 'f': t = literal(r, "false", JSONR_FALSE); break;
	case 'n': t = literal(r, "null", JSONR_NULL); break;
	default:
		if (c == '-' || (c >= '0' && c <= '9')) {
			t = number(r, c);
			break;
		}
		if (c == EOF && r->depth == 0 && !ferror(r->f))
			return JSONR_END;
		return unexpected(r, c, "a value");
	}
	if (t != JSONR_ERROR)
		r->state = ST_AFTER;
	return t;
}

static enum jsonr_type key(struct jsonr *r, int c)
{
	if (c != '"')
		return unexpected(r, c, "a member name in quotes");
	if (!string_body(r))
		return JSONR_ERROR;
	c = skip_space(r);
	if (c != ':')
		return unexpected(r, c, "':' after a member name");
	r->state = ST_VALUE;
	return JSONR_KEY;
}

static enum jsonr_type after(struct jsonr *r, int c)
{
	char in = r->stack[r->depth - 1];
	if (c == ',') {
		r->state = in == '{' ? ST_KEY : ST_VALUE;
		return JSONR_ERROR; /* not a token: the caller reads on */
	}
	if ((in == '{' && c == '}') || (in == '[' && c == ']'))
		return close_container(r);
	return unexpected(r, c, in == '{' ? "',' or '}'" : "',' or ']'");
}

enum jsonr_type jsonr_next(struct jsonr *r)
{
	for (;;) {
		if (r->state == ST_FAILED)
			return JSONR_ERROR;
		int c = skip_space(r);
		r->tok_off = r->off - (c != EOF);
		switch (r->state) {
		case ST_VALUE: return value(r, c);
		case ST_KEY: return key(r, c);
		case ST_OBJ_FIRST: return c == '}' ? close_container(r) : key(r, c);
		case ST_ARR_FIRST: return c == ']' ? close_container(r) : value(r, c);
		case ST_AFTER:
			if (r->depth == 0) { /* between top-level values */
				unget(r, c);
				r->state = ST_VALUE;
				continue;
			}
			enum jsonr_type t = after(r, c);
			if (t != JSONR_ERROR || r->state == ST_FAILED)
				return t;
			continue; /* a comma */
		}
	}
}

bool jsonr_skip(struct jsonr *r, enum jsonr_type t)
{
	if (t == JSONR_ERROR)
		return false;
	if (t != JSONR_OBJ_BEGIN && t != JSONR_ARR_BEGIN)
		return true;
	int depth = r->depth - 1;
	while (r->depth > depth) {
		t = jsonr_next(r);
		if (t == JSONR_ERROR || t == JSONR_END)
			return false;
	}
	return true;
}

/* ---- numbers for the caller ------------------------------------------------------------- */

bool jsonr_i64(const struct jsonr *r, int64_t *v)
{
	if (strpbrk(r->s, ".eE"))
		return false;
	errno = 0;
	char *end;
	long long x = strtoll(r->s, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

bool jsonr_u64(const struct jsonr *r, uint64_t *v)
{
	if (strpbrk(r->s, ".eE-"))
		return false;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(r->s, &end, 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

bool jsonr_double(const struct jsonr *r, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(r->s, &end);
	return *end == '\0' && errno == 0;
}

const char *jsonr_type_name(enum jsonr_type t)
{
	switch (t) {
	case JSONR_OBJ_BEGIN: return "an object";
	case JSONR_ARR_BEGIN: return "an array";
	case JSONR_STRING: return "a string";
	case JSONR_NUMBER: return "a number";
	case JSONR_TRUE: case JSONR_FALSE: return "a boolean";
	case JSONR_NULL: return "null";
	case JSONR_KEY: return "a member name";
	case JSONR_OBJ_END: return "'}'";
	case JSONR_ARR_END: return "']'";
	case JSONR_END: return "the end of the input";
	case JSONR_ERROR: break;
	}
	return "an error";
}
