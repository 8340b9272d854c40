/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect: every field of one dump in the pane, as `coredu info` prints it; the stacks of a
 * process core (the thread that took the signal, and its Python stacks) are read in the
 * background and added to the page when they come. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/mdesc.h"
#include "output/report.h"
#include "screens.h"

/* The page for d: its fields, its stacks when st is given (else a line saying they are
 * being read), the mapped files read again from the file. */
static char *inspect_text(struct ui *u, const struct dump *d, const struct stack_result *st,
			  bool pending)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (!u->magic)
		u->magic = mdesc_open(u->opts->magic, NULL); /* no warnings over the screen */

	struct report r = {0};
	r.si = u->opts->si;
	r.san_flags = u->term.san_flags;
	r.magic = u->magic;
	r.now = u->scan.now;
	r.ix = &u->view.ix; /* for the other dumps of the same crash */
	r.gdb = report_info_gdb_installed();
	r.crashed_thread_only = true;

	/* The scan kept no mapped files (memory); read them again, if the file is the same. */
	struct dump copy = *d;
	struct core_info ci;
	struct dump_meta meta;
	/* An imported dump is a file on another host: its path here is not that file. */
	bool fresh = !d->source && dump_reparse(d, ELFCORE_KEEP_MAPS, &ci, &meta) == 0;
	int err = d->source ? 0 : errno;
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
	if (pending)
		fprintf(f, "%15s: reading the stacks in the background (up to %.1f s)...\n",
			"Stacks", u->opts->stacks.timeout);
	report_info(f, &r, &copy, st, true);
	if (d->source)
		fprintf(f, "\n(imported from %s: the file is not read here)\n", draw_safe(u, d->host));
	else if (!fresh && d->core.elf_class)
		fprintf(f, "\n(mapped files unavailable: %s)\n",
			err == ESTALE ? "the file changed since the scan" : strerror(err));
	if (!d->source && !mdesc_describe(u->magic, d->head, d->head_len))
		fprintf(f, "(no libmagic database: no magic description)\n");
	fclose(f);
	if (fresh) {
		elfcore_free(&ci);
		dump_meta_free(&meta);
	}
	return text;
}

static void show(struct ui *u, const struct dump *d, char *text, size_t top)
{
	struct sbuf title;
	sbuf_init(&title);
	sbuf_printf(&title, "Dump %s", draw_safe(u, d->path));
	pane_open(u, title.s, text);
	u->pane.inspect = true;
	u->pane.top = top;
	sbuf_free(&title);
	free(text);
}

void inspect_cancel(struct ui *u)
{
	bgstack_free(u->inspect.job);
	u->inspect.job = NULL;
	u->inspect.dump = NULL;
}

void inspect_open(struct ui *u, const struct dump *d)
{
	inspect_cancel(u);
	/* An imported dump's stacks are in a file on another host: none are read. */
	u->inspect.job = d->source ? NULL : bgstack_start(d, &u->opts->stacks);
	u->inspect.dump = d;
	char *text = inspect_text(u, d, NULL, u->inspect.job != NULL);
	if (text)
		show(u, d, text, 0);
}

bool inspect_poll(struct ui *u)
{
	if (!u->inspect.job)
		return false;
	if (u->screen != SCR_PANE || !u->pane.inspect) { /* the pane was closed */
		inspect_cancel(u);
		return false;
	}
	if (!bgstack_done(u->inspect.job))
		return false;
	char *text = inspect_text(u, u->inspect.dump, bgstack_result(u->inspect.job), false);
	const struct dump *d = u->inspect.dump;
	bgstack_free(u->inspect.job);
	u->inspect.job = NULL;
	if (text)
		show(u, d, text, u->pane.top); /* where the reader had scrolled to */
	return true;
}
