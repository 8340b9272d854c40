/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/json.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "base/utf8.h"

/* The writer gathers its output in its own buffer and hands it to stdio a buffer at a time:
 * a stdio call per key, quote and comma was half the instructions of `coredu json` on 1,000
 * cores (callgrind, bench/README.md). */
static void out(struct json_out *j, const void *p, size_t n)
{
	if (j->mem)
		sbuf_add(j->mem, p, n);
	else
		fwrite_unlocked(p, 1, n, j->f);
}

static void flush(struct json_out *j)
{
	if (j->len)
		out(j, j->buf, j->len);
	j->len = 0;
}

static void put_slow(struct json_out *j, const void *p, size_t n)
{
	flush(j);
	if (n > sizeof(j->buf))
		out(j, p, n);
	else
		memcpy(j->buf, p, j->len = n);
}

static inline void put(struct json_out *j, const void *p, size_t n)
{
	if (__builtin_expect(n > sizeof(j->buf) - j->len, 0)) {
		put_slow(j, p, n);
		return;
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
}

static inline void putch(struct json_out *j, char c)
{
	if (j->len == sizeof(j->buf))
		flush(j);
	j->buf[j->len++] = c;
}

static inline void putstr(struct json_out *j, const char *s) { put(j, s, strlen(s)); }

/* Numbers and \u escapes through a local buffer; a longer one (a double near DBL_MAX is
 * 300 digits with "%.6f") goes to the stream whole, after what is buffered. */
__attribute__((format(printf, 2, 3)))
static void printf_to(struct json_out *j, const char *fmt, ...)
{
	char tmp[64];
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	if (n > 0 && (size_t)n < sizeof(tmp)) {
		put(j, tmp, (size_t)n);
	} else if (n > 0) {
		flush(j);
		if (j->mem)
			sbuf_vprintf(j->mem, fmt, again);
		else
			vfprintf(j->f, fmt, again);
	}
	va_end(again);
	va_end(ap);
}

void json_init(struct json_out *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

struct json_place json_place(const struct json_out *j)
{
	return (struct json_place){.pretty = j->pretty, .depth = j->depth};
}

void json_init_within(struct json_out *j, struct sbuf *mem, struct json_place at)
{
	json_init(j, NULL, at.pretty);
	j->mem = mem;
	j->depth = at.depth;
	j->has_items[j->depth] = true;
}

void json_append(struct json_out *outer, const void *bytes, size_t n)
{
	put(outer, bytes, n);
	outer->has_items[outer->depth] = true;
}

void json_flush(struct json_out *j) { flush(j); }

/* A newline and the indentation of depth d, after an optional comma: one copy, not three.
 * The separator is ",\n" and then spaces enough for the deepest level. */
static const char separator[2 + 2 * JSON_MAX_DEPTH] = {',', '\n', [2 ... 2 * JSON_MAX_DEPTH + 1] = ' '};

static void indent(struct json_out *j)
{
	if (j->pretty)
		put(j, separator + 1, 1 + 2 * (size_t)j->depth);
}

static void escaped(struct json_out *j, const char *str, size_t n);

/* The bytes written as they are: printable ASCII but the quote and the backslash. */
static const bool plain[256] = {
	[' ' ... '!'] = true,  /* '"' is escaped */
	['#' ... '['] = true,  /* '\\' is escaped */
	[']' ... '~'] = true,
};

#define BYTES_1 0x0101010101010101ull
#define BYTES_80 0x8080808080808080ull

/* Whether any of the eight bytes of x is zero (exact for "any", the classic test). */
static inline uint64_t any_zero(uint64_t x) { return (x - BYTES_1) & ~x & BYTES_80; }

/* Whether all eight bytes are plain: none below ' ', none the quote, the backslash or DEL,
 * none with the high bit set. */
static inline bool all_plain(const unsigned char *s)
{
	uint64_t x;
	memcpy(&x, s, 8);
	uint64_t bad = x & BYTES_80;
	bad |= (x - BYTES_1 * ' ') & ~x & BYTES_80; /* a byte below 0x20 */
	bad |= any_zero(x ^ (BYTES_1 * '"')) | any_zero(x ^ (BYTES_1 * '\\'));
	bad |= any_zero(x ^ (BYTES_1 * 0x7f));
	return !bad;
}

/* How many bytes at s are plain: eight at a time, then one at a time. JSON's text is mostly
 * plain, and a byte at a time was the writer's largest cost (callgrind, bench/README.md). */
static size_t plain_run(const unsigned char *s, size_t n)
{
	size_t k = 0;
	if (n >= 8) {
		while (k + 8 <= n && all_plain(s + k))
			k += 8;
		/* The tail, by the last eight bytes, which overlap the words already checked. */
		if (k + 8 > n && all_plain(s + n - 8))
			return n;
	}
	while (k < n && plain[s[k]])
		k++;
	return k;
}

/* Keys up to this long are written by key_fast in one pass. */
#define KEY_FAST_MAX 64

/* The separator, the quoted key and its colon straight into the buffer when they fit: the
 * key prefix was half the instructions of the document (callgrind, bench/README.md).  A
 * literal key (json.h) is written as it is; any other only when none of it needs escaping. */
static bool key_fast(struct json_out *j, const char *key, size_t keylen, bool literal)
{
	size_t d = (size_t)j->depth;
	if (keylen > KEY_FAST_MAX || d == 0 || !j->pretty ||
	    sizeof(j->buf) - j->len < 2 + 2 * d + keylen + 4 ||
	    (!literal && plain_run((const unsigned char *)key, keylen) != keylen))
		return false;
	bool comma = j->has_items[d];
	j->has_items[d] = true;
	char *o = j->buf + j->len;
	size_t seplen = 1 + comma + 2 * d;
	memcpy(o, separator + !comma, seplen);
	o += seplen;
	*o++ = '"';
	memcpy(o, key, keylen);
	o += keylen;
	memcpy(o, "\": ", 3);
	j->len = (size_t)(o + 3 - j->buf);
	return true;
}

/* Comma, newline and indentation before a value, then the key (of keylen bytes) if there
 * is one. */
static void value_prefix_n(struct json_out *j, const char *key, size_t keylen, bool literal)
{
	if (key && key_fast(j, key, keylen, literal))
		return;
	if (j->depth > 0) {
		bool comma = j->has_items[j->depth];
		j->has_items[j->depth] = true;
		if (j->pretty)
			put(j, separator + !comma, 1 + comma + 2 * (size_t)j->depth);
		else if (comma)
			putch(j, ',');
	}
	if (key) {
		putch(j, '"');
		escaped(j, key, keylen);
		if (j->pretty)
			put(j, "\": ", 3);
		else
			put(j, "\":", 2);
	}
}

static void value_prefix(struct json_out *j, const char *key)
{
	value_prefix_n(j, key, key ? strlen(key) : 0, true);
}

static void open_container(struct json_out *j, const char *key, char c)
{
	value_prefix(j, key);
	putch(j, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_container(struct json_out *j, char c)
{
	bool had = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	putch(j, c);
}

void json_obj_begin(struct json_out *j, const char *key) { open_container(j, key, '{'); }
void json_obj_end(struct json_out *j) { close_container(j, '}'); }
void json_arr_begin(struct json_out *j, const char *key) { open_container(j, key, '['); }
void json_arr_end(struct json_out *j) { close_container(j, ']'); }

static void escaped(struct json_out *j, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t k = plain_run(s + i, n - i);
		if (k > 0) {
			put(j, s + i, k);
			i += k;
			continue;
		}
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;
		switch (c) {
		case '"': putstr(j, "\\\""); i++; continue;
		case '\\': putstr(j, "\\\\"); i++; continue;
		case '\n': putstr(j, "\\n"); i++; continue;
		case '\r': putstr(j, "\\r"); i++; continue;
		case '\t': putstr(j, "\\t"); i++; continue;
		case '\b': putstr(j, "\\b"); i++; continue;
		case '\f': putstr(j, "\\f"); i++; continue;
		default: break;
		}
		if (c < 0x80) { /* other C0 controls and DEL */
			put(j, (char[]){'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]}, 6);
			i++;
		} else if ((len = utf8_decode(s + i, n - i, &cp)) > 0) {
			if (utf8_unsafe_codepoint(cp)) /* C1, bidi: same text, but never raw */
				printf_to(j, "\\u%04" PRIx32, cp);
			else
				put(j, s + i, len);
			i += len;
		} else {
			put(j, (char[]){'\\', 'u', 'd', 'c', hex[c >> 4], hex[c & 0xf]}, 6);
			i++;
		}
	}
}

void json_strn(struct json_out *j, const char *key, const char *s, size_t n)
{
	value_prefix(j, key);
	putch(j, '"');
	escaped(j, s, n);
	putch(j, '"');
}

void json_str_keyn(struct json_out *j, const char *key, size_t keylen, const char *s)
{
	value_prefix_n(j, key, keylen, false);
	if (!s) {
		putstr(j, "null");
		return;
	}
	putch(j, '"');
	escaped(j, s, strlen(s));
	putch(j, '"');
}

void json_str(struct json_out *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

static void put_u64(struct json_out *j, uint64_t v, bool negative)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	put(j, p, (size_t)(buf + sizeof(buf) - p));
}

void json_u64(struct json_out *j, const char *key, uint64_t v)
{
	value_prefix(j, key);
	put_u64(j, v, false);
}

void json_i64(struct json_out *j, const char *key, int64_t v)
{
	value_prefix(j, key);
	put_u64(j, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void json_bool(struct json_out *j, const char *key, bool v)
{
	value_prefix(j, key);
	putstr(j, v ? "true" : "false");
}

void json_null(struct json_out *j, const char *key)
{
	value_prefix(j, key);
	putstr(j, "null");
}

void json_double(struct json_out *j, const char *key, double v)
{
	value_prefix(j, key);
	if (isfinite(v))
		printf_to(j, "%.6f", v);
	else
		putstr(j, "null");
}

void json_hex(struct json_out *j, const char *key, uint64_t v)
{
	char buf[20];
	char *p = buf + sizeof(buf);
	*--p = '"';
	do {
		*--p = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	value_prefix(j, key);
	put(j, p, (size_t)(buf + sizeof(buf) - p));
}

void json_end(struct json_out *j)
{
	putch(j, '\n');
	flush(j);
}

void json_opt_i64(struct json_out *j, const char *key, bool has, int64_t v)
{
	if (has)
		json_i64(j, key, v);
	else
		json_null(j, key);
}

void json_opt_u64(struct json_out *j, const char *key, bool has, uint64_t v)
{
	if (has)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

void json_opt_hex(struct json_out *j, const char *key, bool has, uint64_t v)
{
	if (has)
		json_hex(j, key, v);
	else
		json_null(j, key);
}

void json_opt_bool(struct json_out *j, const char *key, bool has, bool v)
{
	if (has)
		json_bool(j, key, v);
	else
		json_null(j, key);
}

void json_opt_double(struct json_out *j, const char *key, bool has, double v)
{
	if (has)
		json_double(j, key, v);
	else
		json_null(j, key);
}

void json_opt_str(struct json_out *j, const char *key, const char *s)
{
	json_str(j, key, s && *s ? s : NULL);
}
