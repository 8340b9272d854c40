/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delui: the browser's deletion and compression: a confirmation box (No by default), a
 * second one for dumps held open or modified in the last minute, a run that keeps the screen
 * alive and stops on q (a compression in progress is abandoned, its original left as it
 * was), and a summary.  The safety checks themselves
 * are src/delete.c's. */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/fmt.h"
#include "base/sanitize.h"
#include "base/idset.h"
#include "base/stopsig.h"
#include "screens.h"

#define SLICE_MS 50   /* work between two looks at the keyboard */
#define POLL_MS 20    /* the same, inside a file being compressed */
#define SHOWN_PATHS 4 /* paths named in the second confirmation */

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *action_word(const struct ui *u, bool capital)
{
	return u->del.compress ? (capital ? "Compress" : "compress") : (capital ? "Delete" : "delete");
}

/* The marked dumps, else the group or the dump under the cursor. */
static const struct dump **chosen(struct ui *u, size_t *n)
{
	struct view *v = &u->view;
	view_refresh(v);
	const struct dump **set = view_marked_dumps(v, n);
	if (*n)
		return set;
	free(set);
	const struct view_group *g = view_row_group(v, v->cursor);
	if (g) {
		set = xmalloc((g->n ? g->n : 1) * sizeof(*set));
		for (size_t k = 0; k < g->n; k++)
			set[k] = v->ix.v[g->members[k]];
		*n = g->n;
		return set;
	}
	const struct dump *d = view_row_dump(v, v->cursor);
	set = xmalloc(sizeof(*set));
	set[0] = d;
	*n = d != NULL;
	return set;
}

/* Dumps already compressed leave the set (a .zst.zst is no dump); returns how many. */
static size_t drop_compressed(const struct dump **set, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (set[i]->compression == COMP_NONE)
			set[k++] = set[i];
	size_t dropped = *n - k;
	*n = k;
	return dropped;
}

static bool may_change(struct ui *u)
{
	if (u->opts->imported) {
		snprintf(u->message, sizeof(u->message),
			 " Read-only: imported scans of other hosts; delete there (coredu prune)");
		return false;
	}
	if (u->opts->read_only) {
		snprintf(u->message, sizeof(u->message),
			 " Read-only mode (-r): nothing can be deleted or compressed");
		return false;
	}
	return u->del.stage == DS_NONE;
}

void delui_start_set(struct ui *u, const struct dump **set, size_t n, bool compress)
{
	if (!may_change(u))
		return;
	size_t packed = compress ? drop_compressed(set, &n) : 0;
	if (packed)
		snprintf(u->message, sizeof(u->message), " %zu already compressed: left out "
			 "(compressing again would hide %s from coredu and coredumpctl)", packed,
			 packed == 1 ? "it" : "them");
	if (!n) {
		if (!packed)
			snprintf(u->message, sizeof(u->message), " Nothing to %s: no dump here",
				 compress ? "compress" : "delete");
		return;
	}
	u->del.compress = compress;
	view_sort_dumps(&u->view, set, n); /* the box lists them as the list does */
	delete_plan_init(&u->del.plan, set, n, u->opts->proc, (int64_t)time(NULL));
	u->del.stage = DS_CONFIRM;
	u->del.next = 0;
	u->del.stop = 0;
	u->del.skip_flagged = false;
}

void delui_start(struct ui *u, bool compress)
{
	if (!may_change(u))
		return;
	size_t n;
	const struct dump **set = chosen(u, &n);
	delui_start_set(u, set, n, compress);
	free(set);
}

void delui_close(struct ui *u)
{
	if (u->del.stage != DS_NONE)
		delete_plan_free(&u->del.plan);
	u->del.stage = DS_NONE;
}

/* ---- drawing ---------------------------------------------------------------------------------- */

/* A box in the middle of the screen; returns its inner left column and width. */
static int dialog_box(struct ui *u, int lines, int *y, int *inner_w)
{
	int w = COLS - 4 < 76 ? COLS - 4 : 76;
	if (w < 10)
		w = COLS;
	int h = lines + 2 < LINES ? lines + 2 : LINES;
	*y = (LINES - h) / 2;
	int x = (COLS - w) / 2;
	for (int r = 0; r < h; r++)
		draw_fill(*y + r, x, w, u->term.attrs[UA_HEADER]);
	if (!u->term.ascii && h > 2 && w > 2) {
		attron(u->term.attrs[UA_HEADER]);
		mvwhline(stdscr, *y, x + 1, ACS_HLINE, w - 2);
		mvwhline(stdscr, *y + h - 1, x + 1, ACS_HLINE, w - 2);
		attroff(u->term.attrs[UA_HEADER]);
	}
	*inner_w = w - 4;
	(*y)++;
	return x + 2;
}

static void box_line(struct ui *u, int *y, int x, int w, const char *text)
{
	if (*y < LINES - 1)
		draw_text((*y)++, x, w, text, u->term.attrs[UA_HEADER]);
}

static void draw_confirm(struct ui *u)
{
	const struct delete_plan *p = &u->del.plan;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], line[512];
	/* As many paths as the screen has rows for: title, sizes, a blank line and the answer
	 * take 4, the box's edges 2, and a line more when some are not shown. */
	int room = LINES - 2 - 4 - (p->hardlinked > 0) - 2;
	size_t shown = p->n <= (size_t)(room > 1 ? room : 1) ? p->n : (size_t)(room > 2 ? room - 1 : 1);
	int y, w, x = dialog_box(u, (int)shown + 4 + (p->n > shown) + (p->hardlinked > 0), &y, &w);
	snprintf(line, sizeof(line), "%s %zu dump%s?", action_word(u, true), p->n, p->n == 1 ? "" : "s");
	box_line(u, &y, x, w, line);
	snprintf(line, sizeof(line), "%s on disk, %s apparent%s", fmt_size(a, p->disk, u->opts->si),
		 fmt_size(b, p->apparent, u->opts->si),
		 u->del.compress ? ": each becomes NAME.zst, checked, then removed" : "");
	box_line(u, &y, x, w, line);
	for (size_t i = 0; i < shown; i++) {
		snprintf(line, sizeof(line), "  %s", draw_safe(u, p->items[i].d->path));
		box_line(u, &y, x, w, line);
	}
	if (p->n > shown) {
		snprintf(line, sizeof(line), "  ... and %zu more", p->n - shown);
		box_line(u, &y, x, w, line);
	}
	if (p->hardlinked) {
		snprintf(line, sizeof(line), "%zu have other hard links: removing them frees nothing",
			 p->hardlinked);
		box_line(u, &y, x, w, line);
	}
	y++;
	box_line(u, &y, x, w, "y: yes    any other key: no");
}

static void draw_confirm_flagged(struct ui *u)
{
	const struct delete_plan *p = &u->del.plan;
	char line[512];
	size_t flagged = 0;
	for (size_t i = 0; i < p->n; i++)
		flagged += p->items[i].held_open || p->items[i].recent;
	size_t shown = flagged < SHOWN_PATHS ? flagged : SHOWN_PATHS;
	int y, w, x = dialog_box(u, (int)shown + 5, &y, &w);
	snprintf(line, sizeof(line), "%zu of them %s held open by a process or modified in the last minute",
		 flagged, flagged == 1 ? "is" : "are");
	box_line(u, &y, x, w, line);
	for (size_t i = 0, k = 0; i < p->n && k < shown; i++) {
		const struct delete_item *it = &p->items[i];
		if (!it->held_open && !it->recent)
			continue;
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "  %s: ", draw_safe(u, it->d->path));
		sanitize_appends(&b, it->held_open ? it->held_by : "modified in the last minute",
				 u->term.san_flags);
		box_line(u, &y, x, w, b.s);
		sbuf_free(&b);
		k++;
	}
	box_line(u, &y, x, w, "A core may still be being written; removing one that is open");
	box_line(u, &y, x, w, "frees nothing until it is closed.");
	y++;
	snprintf(line, sizeof(line), "y: %s them too    any other key: skip them", action_word(u, false));
	box_line(u, &y, x, w, line);
}

static void draw_running(struct ui *u)
{
	const struct delete_plan *p = &u->del.plan;
	char line[512];
	int y, w, x = dialog_box(u, 4, &y, &w);
	snprintf(line, sizeof(line), "%s: %zu of %zu", u->del.compress ? "Compressing" : "Deleting",
		 u->del.next, p->n);
	box_line(u, &y, x, w, line);
	if (u->del.next < p->n) {
		snprintf(line, sizeof(line), "  %s", draw_safe(u, p->items[u->del.next].d->path));
		box_line(u, &y, x, w, line);
	}
	y++;
	box_line(u, &y, x, w, u->del.stop ? "stopping..." : u->del.compress
		 ? "q: stop (the file in hand is left as it was)" : "q: stop after this file");
}

void delui_draw(struct ui *u)
{
	switch (u->del.stage) {
	case DS_CONFIRM: draw_confirm(u); break;
	case DS_CONFIRM_FLAGGED: draw_confirm_flagged(u); break;
	case DS_RUNNING: draw_running(u); break;
	case DS_NONE: break;
	}
}

/* ---- running ---------------------------------------------------------------------------------- */

static void open_journal(struct ui *u)
{
	if (u->del.journal)
		return;
	if (u->opts->log_path && !(u->del.journal = delete_journal_open(u->opts->log_path)))
		snprintf(u->message, sizeof(u->message), " Cannot open the log (%s): the journal goes "
			 "to stderr when the browser closes", errno == ELOOP ? "a symbolic link" : strerror(errno));
	if (!u->del.journal) /* printed to stderr when the browser is gone */
		u->del.journal = open_memstream(&u->del.journal_text, &u->del.journal_len);
}

static void start_run(struct ui *u)
{
	open_journal(u);
	u->del.stage = DS_RUNNING;
	delete_begin(&u->del.plan);
}

void delui_key(struct ui *u, int ch)
{
	switch (u->del.stage) {
	case DS_CONFIRM:
		if (ch != 'y' && ch != 'Y') {
			delui_close(u);
			snprintf(u->message, sizeof(u->message), " Nothing was %s", u->del.compress ? "compressed" : "deleted");
		} else if (u->del.plan.held_open || u->del.plan.recent) {
			u->del.stage = DS_CONFIRM_FLAGGED;
		} else {
			start_run(u);
		}
		break;
	case DS_CONFIRM_FLAGGED:
		u->del.skip_flagged = ch != 'y' && ch != 'Y';
		start_run(u);
		break;
	case DS_RUNNING:
		if (ch == 'q' || ch == UI_KEY_CTRL_C)
			u->del.stop = 1;
		break;
	case DS_NONE:
		break;
	}
}

/* The dumps the run removed, by identity: a lookup per dump, not a walk of the plan. */
static bool was_removed(const struct dump *d, void *ctx)
{
	return idset_find(ctx, d->dev, d->ino) != NULL;
}

static void summary(struct ui *u)
{
	const struct delete_plan *p = &u->del.plan;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], f[FMT_SIZE_LEN];
	bool si = u->opts->si;
	struct sbuf t;
	sbuf_init(&t);
	sbuf_printf(&t, "%s %zu dump%s, freed %s on disk", u->del.compress ? "Compressed" : "Deleted",
		    p->done, p->done == 1 ? "" : "s", fmt_size(f, p->freed, si));
	if (p->fs.ok)
		sbuf_printf(&t, " (free space %s -> %s)", fmt_size(a, p->fs.avail_before, si),
			    fmt_size(b, p->fs.avail_after, si));
	sbuf_adds(&t, ".\n");
	size_t bad = p->n - p->done;
	if (bad)
		sbuf_printf(&t, "\n%zu not %s (they stay marked and listed):\n", bad,
			    u->del.compress ? "compressed" : "deleted");
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		if (it->status == DELETE_DONE && !it->reason[0])
			continue;
		sbuf_printf(&t, "  %s\n    %s%s", draw_safe(u, it->d->path),
			    it->status == DELETE_DONE ? "" : delete_status_name(it->status),
			    it->status == DELETE_DONE ? "" : ": ");
		sbuf_adds(&t, it->reason); /* escaped when it was made */
		sbuf_addc(&t, '\n');
	}
	sbuf_adds(&t, "\nq closes this summary.\n");
	char title[64];
	snprintf(title, sizeof(title), "%s: summary", u->del.compress ? "Compression" : "Deletion");
	pane_open(u, title, t.s);
	sbuf_free(&t);
}

/* Asked between the chunks of a compression: q or Ctrl-C abandons the file in hand, within
 * a chunk's time (a MiB), not after the whole file.  Other keys wait for the loop. */
static bool poll_stop(void *ctx)
{
	struct ui *u = ctx;
	double t = now_ms();
	if (u->del.stop)
		return true;
	if (t - u->del.polled < POLL_MS)
		return false;
	u->del.polled = t;
	timeout(0);
	int ch = getch();
	if (ch == 'q' || ch == UI_KEY_CTRL_C)
		u->del.stop = 1;
	else if (ch != ERR)
		ungetch(ch);
	return u->del.stop;
}

enum ui_action delui_work(struct ui *u)
{
	if (u->del.stage != DS_RUNNING)
		return UI_NONE;
	struct delete_opts o = {
		.scan = u->scan.bg ? bgscan_scan(u->scan.bg) : NULL, .journal = u->del.journal,
		.compress = u->del.compress, .skip_flagged = u->del.skip_flagged, .stop = &u->del.stop,
		.cancel = &stopsig_caught, .poll_stop = poll_stop, .ctx = u,
	};
	double until = now_ms() + SLICE_MS;
	while (u->del.next < u->del.plan.n && now_ms() < until && !u->del.stop && !stopsig_caught)
		delete_step(&u->del.plan, &o, u->del.next++);
	if (u->del.next < u->del.plan.n && !u->del.stop)
		return UI_NONE;
	while (u->del.next < u->del.plan.n) /* stopped: the rest is marked skipped */
		delete_step(&u->del.plan, &o, u->del.next++);
	delete_finish(&u->del.plan);
	summary(u);
	bool compressed = u->del.compress && u->del.plan.done;
	if (!u->del.compress) {
		u->scan.gone_bytes += u->del.plan.freed;
		u->scan.gone_files += u->del.plan.done;
	}
	struct idset gone;
	idset_init(&gone);
	for (size_t i = 0; i < u->del.plan.n; i++)
		if (u->del.plan.items[i].status == DELETE_DONE)
			idset_add(&gone, u->del.plan.items[i].d->dev, u->del.plan.items[i].d->ino, i);
	view_remove_if(&u->view, was_removed, &gone);
	idset_free(&gone);
	delui_close(u);
	return compressed ? UI_RESCAN : UI_DELETED; /* the NAME.zst files are new dumps: find them */
}
