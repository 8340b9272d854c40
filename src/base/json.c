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
static void flush(struct json_out *j)
{
	if (j->len)
		fwrite_unlocked(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void put_slow(struct json_out *j, const void *p, size_t n)
{
	flush(j);
	if (n > sizeof(j->buf))
		fwrite_unlocked(p, 1, n, j->f);
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

void json_flush(struct json_out *j) { flush(j); }

static void indent(struct json_out *j)
{
	if (!j->pretty)
		return;
	static const char spaces[2 * JSON_MAX_DEPTH] = {[0 ... 2 * JSON_MAX_DEPTH - 1] = ' '};
	putch(j, '\n');
	put(j, spaces, 2 * (size_t)j->depth);
}

static void escaped(struct json_out *j, const char *str, size_t n);

/* Comma, newline and indentation before a value, then the key if there is one. */
static void value_prefix(struct json_out *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			putch(j, ',');
		j->has_items[j->depth] = true;
		indent(j);
	}
	if (key) {
		putch(j, '"');
		escaped(j, key, strlen(key));
		putstr(j, j->pretty ? "\": " : "\":");
	}
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

/* The bytes written as they are: printable ASCII but the quote and the backslash. One load
 * a byte instead of five comparisons. */
static const bool plain[256] = {
	[' ' ... '!'] = true,  /* '"' is escaped */
	['#' ... '['] = true,  /* '\\' is escaped */
	[']' ... '~'] = true,
};

static void escaped(struct json_out *j, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		/* Plain bytes go straight into the buffer, checked and copied in one pass. */
		if (j->len == sizeof(j->buf))
			flush(j);
		size_t room = sizeof(j->buf) - j->len, k = 0;
		size_t lim = n - i < room ? n - i : room;
		char *d = j->buf + j->len;
		while (k < lim && plain[s[i + k]]) {
			d[k] = (char)s[i + k];
			k++;
		}
		j->len += k;
		i += k;
		if (k > 0)
			continue;
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
	value_prefix(j, key);
	printf_to(j, "\"0x%" PRIx64 "\"", v);
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
