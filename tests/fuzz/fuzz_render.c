/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness, the render oracle: a file name and a file's bytes go through detection
 * and the parser of their kind, then through the writers of `info` and `list` (UTF-8 and
 * ASCII) and `json`.  It aborts when the text holds a byte a terminal would act on
 * (tests/fuzz/oracle.h).
 *
 * Input: the first byte is the length of the file name, then the name ('/' and NUL become
 * '_'), then the content. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/util.h"
#include "kinds/dump.h"
#include "kinds/kinds.h"
#include "kinds/mdesc.h"
#include "model/index.h"
#include "output/report.h"
#include "scan/detect.h"
#include "scan/scan.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scan root the reports name, and libmagic: set up once for the whole run. */
static struct scan *the_scan(void)
{
	static struct scan *s;
	if (!s) {
		struct scan_opts o = {0};
		struct scan_sink k = {0};
		char err[256];
		s = scan_new(&o, &k);
		if (scan_add_root(s, "/", err, sizeof(err)) < 0)
			abort();
	}
	return s;
}

static struct mdesc *the_magic(void)
{
	static struct mdesc *m;
	static bool tried;
	if (!tried) {
		tried = true;
		m = mdesc_open(NULL, NULL);
	}
	return m;
}

/* Detection as the scanner does it, through a compressed head too. */
static enum dump_kind sniff(struct dump *d, const struct bsrc *src, const uint8_t *data, size_t h)
{
	enum dump_kind k = detect_kind(data, h);
	if (k == DUMP_NONE && kdump_sniff_flat(data, h))
		k = DUMP_KDUMP;
	if (k == DUMP_NONE && (d->compression = decomp_sniff(data, h)) != COMP_NONE) {
		unsigned char inner[DUMP_HEAD_LEN];
		ssize_t got = decomp_peek(d->compression, src, inner, sizeof(inner));
		k = got > 0 ? detect_kind(inner, (size_t)got) : DUMP_NONE;
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size - 1 < data[0])
		return 0;
	size_t namelen = data[0];
	const uint8_t *body = data + 1 + namelen;
	size_t bodylen = size - 1 - namelen;
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xmalloc(namelen + 2);
	d->path[0] = '/';
	for (size_t i = 0; i < namelen; i++)
		d->path[1 + i] = data[1 + i] == '/' || data[1 + i] == 0 ? '_' : (char)data[1 + i];
	d->path[namelen + 1] = 0;
	d->rel = 1;
	d->size_apparent = d->size_disk = bodylen;
	d->nlink = 1;
	d->mode = 0100600;
	size_t h = bodylen < DUMP_HEAD_LEN ? bodylen : DUMP_HEAD_LEN;
	memcpy(d->head, body, h);
	d->head_len = (uint8_t)h;
	struct bsrc src;
	bsrc_from_mem(&src, body, bodylen);
	elfcore_init(&d->core);
	d->kind = sniff(d, &src, body, h);
	if (d->kind == DUMP_NONE)
		d->kind = DUMP_ELF_CORE; /* the name alone: the reports must cope with nothing parsed */
	else
		dump_parse_src(d, &src, -1, ELFCORE_KEEP_MAPS);
	struct index ix;
	index_init(&ix);
	index_add(&ix, d);
	index_link_same_crash(&ix);
	struct report r = {.scan = the_scan(), .ix = &ix, .legend = true, .magic = the_magic(),
			   .now = 1795514400};
	for (int ascii = 0; ascii < 2; ascii++) {
		r.san_flags = ascii ? SAN_ASCII : 0;
		for (size_t i = 0; i < ix.n; i++)
			render("info", &r, ix.v[i], ascii);
		render("list", &r, NULL, ascii);
	}
	render("json", &r, NULL, false);
	index_free(&ix);
	return 0;
}
