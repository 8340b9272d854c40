/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect: every field of one dump in the pane, as `coredu info` prints it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/mdesc.h"
#include "output/report.h"
#include "screens.h"

void inspect_open(struct ui *u, const struct dump *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	if (!u->magic)
		u->magic = mdesc_open(u->opts->magic, NULL); /* no warnings over the screen */

	struct report r = {0};
	r.si = u->opts->si;
	r.san_flags = u->term.san_flags;
	r.magic = u->magic;
	r.now = u->scan.now;
	r.ix = &u->view.ix; /* for the other dumps of the same crash */
	r.gdb = report_info_gdb_installed();

	/* The scan kept no mapped files (memory); read them again, if the file is the same. */
	struct dump copy = *d;
	struct core_info ci;
	struct dump_meta meta;
	bool fresh = dump_reparse(d, ELFCORE_KEEP_MAPS, &ci, &meta) == 0;
	int err = errno;
	if (fresh) {
		copy.core = ci;
		copy.meta = meta;
	}
	struct sbuf why;
	sbuf_init(&why);
	why_line(u, &why, d);
	fprintf(f, "%15s: %s\n%15s  (w: what keeps making dumps like this, and how to stop it)\n\n",
		"Why", draw_safe(u, why.s), "");
	sbuf_free(&why);
	report_info(f, &r, &copy, true);
	if (!fresh && d->core.elf_class)
		fprintf(f, "\n(mapped files unavailable: %s)\n",
			err == ESTALE ? "the file changed since the scan" : strerror(err));
	if (!mdesc_describe(u->magic, d->head, d->head_len))
		fprintf(f, "(no libmagic database: no magic description)\n");
	fclose(f);
	if (fresh) {
		elfcore_free(&ci);
		dump_meta_free(&meta);
	}

	struct sbuf title;
	sbuf_init(&title);
	sbuf_printf(&title, "Dump %s", draw_safe(u, d->path));
	pane_open(u, title.s, text);
	sbuf_free(&title);
	free(text);
}
