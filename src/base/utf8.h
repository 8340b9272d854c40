/* SPDX-License-Identifier: GPL-2.0-or-later */
/* utf8: strict UTF-8 decoding shared by every writer that must treat bytes honestly. */
#ifndef COREDU_UTF8_H
#define COREDU_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one well-formed UTF-8 sequence at s[0..n).  Returns its length (1-4) and stores the
 * code point, or returns 0 when the bytes are not valid UTF-8 (overlong forms, surrogates,
 * values above U+10FFFF and truncated sequences are all invalid). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Code points that are valid UTF-8 but still act on a terminal or reorder what it shows:
 * the sanitiser escapes them for the screen, the JSON writer as \uXXXX. */
static inline int utf8_unsafe_codepoint(uint32_t cp)
{
	/* Unicode's Bidi_Control set in full: U+061C, U+200E-F, U+202A-E, U+2066-9 */
	return (cp >= 0x80 && cp <= 0x9f) ||      /* C1 controls: 0x9b is CSI on many terminals */
	       cp == 0x061c ||                      /* ARABIC LETTER MARK */
	       cp == 0x2028 || cp == 0x2029 ||      /* line and paragraph separators */
	       (cp >= 0x200e && cp <= 0x200f) ||    /* LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) ||    /* embeddings and overrides */
	       (cp >= 0x2066 && cp <= 0x2069) ||    /* isolates */
	       cp == 0xfeff;                        /* BOM / zero-width no-break space */
}

#endif
