/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/sanitize.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"

void sanitize_append(struct sbuf *out, const void *data, size_t n, unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = data;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			size_t j = i + 1;
			while (j < n && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '\\')
				j++;
			sbuf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		char esc[12];
		size_t elen = 0;
		size_t step = 1;
		uint32_t cp;
		size_t ulen;
		switch (c) {
		case '\\': memcpy(esc, "\\\\", 2); elen = 2; break;
		case '\n': memcpy(esc, "\\n", 2); elen = 2; break;
		case '\t': memcpy(esc, "\\t", 2); elen = 2; break;
		case '\r': memcpy(esc, "\\r", 2); elen = 2; break;
		default:
			if (c >= 0x80 && !(flags & SAN_ASCII) && (ulen = utf8_decode(s + i, n - i, &cp)) > 0) {
				if (!utf8_unsafe_codepoint(cp)) {
					sbuf_add(out, s + i, ulen);
					i += ulen;
					continue;
				}
				esc[0] = '\\';
				esc[1] = 'u';
				for (int k = 0; k < 4; k++)
					esc[2 + k] = hex[(cp >> (12 - 4 * k)) & 0xf];
				elen = 6;
				step = ulen;
			} else {
				esc[0] = '\\';
				esc[1] = 'x';
				esc[2] = hex[c >> 4];
				esc[3] = hex[c & 0xf];
				elen = 4;
			}
		}
		sbuf_add(out, esc, elen);
		i += step;
	}
}

void sanitize_appends(struct sbuf *out, const char *s, unsigned flags)
{
	sanitize_append(out, s, strlen(s), flags);
}

const char *sanitize_str(struct sbuf *tmp, const char *s, unsigned flags)
{
	sbuf_reset(tmp);
	sanitize_appends(tmp, s, flags);
	return tmp->s;
}
