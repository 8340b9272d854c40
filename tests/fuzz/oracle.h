/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The terminal-safety oracle of the render and import harnesses: a writer's text must hold no
 * byte a terminal would act on: a C0 control other than newline, DEL, a C1 control, a
 * Bidi_Control character, a line or paragraph separator, or invalid UTF-8 (in ASCII, anything
 * but printable ASCII and newline).  The table of what is unsafe is written out here, not
 * taken from the sanitiser it checks. */
#ifndef COREDU_FUZZ_ORACLE_H
#define COREDU_FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/report.h"

/* Unicode's Bidi_Control set, the separators and BOM, and C1: what reorders or drives a
 * terminal although it is valid UTF-8. */
static bool unsafe_cp(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{0x80, 0x9f}, {0x061c, 0x061c}, {0x200e, 0x200f}, {0x2028, 0x202e},
		{0x2066, 0x2069}, {0xfeff, 0xfeff},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

/* Length of the well-formed UTF-8 sequence at s (its code point in *cp), 0 if malformed. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t c = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void reject(const char *what, const char *out, size_t at, const char *why)
{
	fprintf(stderr, "render oracle: %s output, byte %zu: %s\n%.*s\n", what, at, why,
		(int)(at + 40), out);
	abort();
}

static void check(const char *what, const char *out, size_t n, bool ascii)
{
	const unsigned char *s = (const unsigned char *)out;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = decode(s + i, n - i, &cp);
		if (k == 0)
			reject(what, out, i, "invalid UTF-8");
		if ((cp < 0x20 && cp != '\n') || cp == 0x7f)
			reject(what, out, i, "C0 control or DEL");
		if (unsafe_cp(cp))
			reject(what, out, i, "C1, bidi control or separator");
		if (ascii && cp > 0x7e)
			reject(what, out, i, "not ASCII");
		i += k;
	}
}

/* One writer into memory, then the oracle over what it wrote. */
static void render(const char *what, const struct report *r, const struct dump *d, bool ascii)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	if (!f)
		abort();
	if (d)
		report_info(f, r, d, NULL, true);
	else if (!strcmp(what, "json"))
		report_json(f, r);
	else
		report_list(f, r);
	fclose(f);
	check(what, out, n, ascii);
	free(out);
}

#endif
