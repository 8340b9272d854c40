/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hprof: the header of a Java heap dump (HotSpot's heapDumper.cpp, and the HPROF format of
 * the JDK's demo agent): "JAVA PROFILE 1.0.x", a NUL, the identifier size (u4), and the
 * creation time in milliseconds since the epoch (u4 high word, u4 low word), big endian. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "kinds/bytes.h"
#include "kinds/kinds.h"

#define HPROF_MAGIC "JAVA PROFILE 1.0."
#define HPROF_HEADER_MAX 32 /* the version string and the twelve bytes after it */

bool hprof_sniff(const unsigned char *h, size_t n)
{
	return n >= sizeof(HPROF_MAGIC) - 1 && memcmp(h, HPROF_MAGIC, sizeof(HPROF_MAGIC) - 1) == 0;
}

void hprof_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m)
{
	struct reader r;
	size_t got;
	reader_init(&r, src);
	ci->file_size = src->size;
	ci->heap_dump = true;
	const unsigned char *h = reader_get_upto(&r, 0, HPROF_HEADER_MAX, &got);
	const unsigned char *nul = h ? memchr(h, '\0', got) : NULL;
	if (!nul || (size_t)(nul - h) + 13 > got) {
		snprintf(ci->problem, sizeof(ci->problem), "the HPROF header is cut short");
		ci->truncated = true;
		reader_free(&r);
		return;
	}
	m->format = xstrndup((const char *)h, (size_t)(nul - h));
	m->id_size = bytes_u32(nul + 1, true);
	uint64_t ms = bytes_u64(nul + 5, true);
	m->time = (int64_t)(ms / 1000);
	if (m->id_size != 4 && m->id_size != 8)
		snprintf(ci->problem, sizeof(ci->problem), "identifier size %u (4 or 8 expected)",
			 m->id_size);
	reader_free(&r);
}
