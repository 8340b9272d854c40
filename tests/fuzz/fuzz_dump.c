/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: a whole file as the scanner sees it: detection by content (through a
 * compressed head too), then the parser of its kind, then the reports' words for it. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/cause.h"
#include "kinds/dump.h"
#include "kinds/kinds.h"
#include "scan/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump d;
	memset(&d, 0, sizeof(d));
	d.path = (char *)"/fuzz/core.x.0.0123456789abcdef0123456789abcdef.1.1795514400000000.zst";
	size_t h = size < DUMP_HEAD_LEN ? size : DUMP_HEAD_LEN;
	memcpy(d.head, data, h);
	d.head_len = (uint8_t)h;
	struct bsrc src;
	bsrc_from_mem(&src, data, size);
	d.kind = detect_kind(data, h);
	if (d.kind == DUMP_NONE && kdump_sniff_flat(data, h))
		d.kind = DUMP_KDUMP;
	if (d.kind == DUMP_NONE && (d.compression = decomp_sniff(data, h)) != COMP_NONE) {
		unsigned char inner[DUMP_HEAD_LEN];
		ssize_t got = decomp_peek(d.compression, &src, inner, sizeof(inner));
		d.kind = got > 0 ? detect_kind(inner, (size_t)got) : DUMP_NONE;
	}
	if (d.kind == DUMP_NONE)
		return 0;
	elfcore_init(&d.core);
	dump_parse_src(&d, &src, -1, ELFCORE_KEEP_MAPS);
	(void)dump_command(&d);
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, &d.core);
	sbuf_free(&why);
	elfcore_free(&d.core);
	dump_meta_free(&d.meta);
	free(d.program); /* dump_parse_src names the program */
	return 0;
}
