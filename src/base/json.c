/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/json.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/utf8.h"

/* One writer owns its stream while it writes: the unlocked calls save a lock per call, the
 * most of the time `coredu json` spends (bench/run.sh, 1,000 cores). */
#define PUTC(c, f) fputc_unlocked((c), (f))
#define PUTS(s, f) fputs_unlocked((s), (f))
#define WRITE(p, n, f) fwrite_unlocked((p), 1, (n), (f))

void json_init(struct json_out *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

static void indent(struct json_out *j)
{
	if (!j->pretty)
		return;
	PUTC('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		PUTS("  ", j->f);
}

/* Comma, newline and indentation before a value, then the key if there is one. */
static void value_prefix(struct json_out *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			PUTC(',', j->f);
		j->has_items[j->depth] = true;
		indent(j);
	}
	if (key) {
		PUTC('"', j->f);
		json_write_escaped(j->f, key, strlen(key));
		PUTS(j->pretty ? "\": " : "\":", j->f);
	}
}

static void open_container(struct json_out *j, const char *key, char c)
{
	value_prefix(j, key);
	PUTC(c, j->f);
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
	PUTC(c, j->f);
}

void json_obj_begin(struct json_out *j, const char *key) { open_container(j, key, '{'); }
void json_obj_end(struct json_out *j) { close_container(j, '}'); }
void json_arr_begin(struct json_out *j, const char *key) { open_container(j, key, '['); }
void json_arr_end(struct json_out *j) { close_container(j, ']'); }

void json_write_escaped(FILE *f, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			WRITE(s + i, run - i, f);
			i = run;
			continue;
		}
		unsigned char c = s[i];
		uint32_t cp;
		size_t len;
		switch (c) {
		case '"': PUTS("\\\"", f); i++; continue;
		case '\\': PUTS("\\\\", f); i++; continue;
		case '\n': PUTS("\\n", f); i++; continue;
		case '\r': PUTS("\\r", f); i++; continue;
		case '\t': PUTS("\\t", f); i++; continue;
		case '\b': PUTS("\\b", f); i++; continue;
		case '\f': PUTS("\\f", f); i++; continue;
		default: break;
		}
		if (c < 0x80) { /* other C0 controls and DEL */
			fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 0xf]);
			i++;
		} else if ((len = utf8_decode(s + i, n - i, &cp)) > 0) {
			if (utf8_unsafe_codepoint(cp)) /* C1, bidi: same text, but never raw */
				fprintf(f, "\\u%04" PRIx32, cp);
			else
				WRITE(s + i, len, f);
			i += len;
		} else {
			fprintf(f, "\\udc%c%c", hex[c >> 4], hex[c & 0xf]);
			i++;
		}
	}
}

void json_strn(struct json_out *j, const char *key, const char *s, size_t n)
{
	value_prefix(j, key);
	PUTC('"', j->f);
	json_write_escaped(j->f, s, n);
	PUTC('"', j->f);
}

void json_str(struct json_out *j, const char *key, const char *s)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, s, strlen(s));
}

static void put_u64(FILE *f, uint64_t v, bool negative)
{
	char buf[24];
	char *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	WRITE(p, (size_t)(buf + sizeof(buf) - p), f);
}

void json_u64(struct json_out *j, const char *key, uint64_t v)
{
	value_prefix(j, key);
	put_u64(j->f, v, false);
}

void json_i64(struct json_out *j, const char *key, int64_t v)
{
	value_prefix(j, key);
	put_u64(j->f, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void json_bool(struct json_out *j, const char *key, bool v)
{
	value_prefix(j, key);
	PUTS(v ? "true" : "false", j->f);
}

void json_null(struct json_out *j, const char *key)
{
	value_prefix(j, key);
	PUTS("null", j->f);
}

void json_double(struct json_out *j, const char *key, double v)
{
	value_prefix(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6f", v);
	else
		PUTS("null", j->f);
}

void json_hex(struct json_out *j, const char *key, uint64_t v)
{
	value_prefix(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void json_end(struct json_out *j)
{
	PUTC('\n', j->f);
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
