/* utf8: strict UTF-8 decoding shared by every writer that must treat bytes honestly. */
#ifndef COREDU_UTF8_H
#define COREDU_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one well-formed UTF-8 sequence at s[0..n).  Returns its length (1-4) and stores the
 * code point, or returns 0 when the bytes are not valid UTF-8 (overlong forms, surrogates,
 * values above U+10FFFF and truncated sequences are all invalid). */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
