/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tree: the disk around the dumps.  t shows where the dumps are as ncdu shows a disk (a
 * directory at a time, model/dirtree.c); o pages the largest directories that hold no dumps,
 * for the operator whose disk is full of something else (scan.h's top list). */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "output/report_doctor.h"
#include "screens.h"

#define TREE_SIZE_W 10
#define TREE_COUNT_W 9

void tree_open(struct ui *u)
{
	u->screen = SCR_TREE;
	u->tree.top = 0;
}

void tree_close(struct ui *u)
{
	u->screen = SCR_LIST;
}

static int tree_rows_visible(void)
{
	return LINES - 3 > 0 ? LINES - 3 : 0;
}

static void tree_row(struct ui *u, int y, const struct dirtree_row *r, bool sel, int w)
{
	const struct dirtree *t = &u->tree.t;
	char size[FMT_SIZE_LEN], count[32];
	int a = sel ? u->term.attrs[UA_SELECTED] : 0, x = 1;
	if (sel)
		draw_fill(y, 0, w, a);
	draw_text_right(y, x, TREE_SIZE_W, fmt_size(size, r->size, u->opts->si), a);
	x += TREE_SIZE_W + 1;
	int bar = w >= 60 ? 10 : 0; /* narrower: the names keep the room */
	if (bar) {
		draw_text(y, x, 1, "[", a);
		draw_bar(u, y, x + 1, bar, r->size, t->max_size, a | u->term.attrs[UA_BAR]);
		draw_text(y, x + 1 + bar, 1, "]", a);
		x += bar + 3;
	}
	if (!r->dump)
		snprintf(count, sizeof(count), "%zu dump%s", r->dumps, r->dumps == 1 ? "" : "s");
	draw_text_right(y, x, TREE_COUNT_W, r->dump ? "" : count, a);
	x += TREE_COUNT_W + 1;
	struct sbuf name;
	sbuf_init(&name);
	sbuf_adds(&name, draw_safe(u, r->name));
	if (!r->dump)
		sbuf_addc(&name, '/');
	draw_path(u, y, x, w - x, name.s, a | (r->dump ? 0 : A_BOLD));
	sbuf_free(&name);
}

void tree_draw(struct ui *u)
{
	struct dirtree *t = &u->tree.t;
	int w = COLS < UI_MAX_WIDTH ? COLS : UI_MAX_WIDTH, rows = tree_rows_visible();
	char size[FMT_SIZE_LEN];
	dirtree_refresh(t, &u->view);
	draw_fill(0, 0, COLS, u->term.attrs[UA_HEADER]);
	draw_text(0, 0, w, " coredu ~ where the dumps are (t)", u->term.attrs[UA_HEADER]);
	struct sbuf line;
	sbuf_init(&line);
	/* ncdu's "--- /dir ---", the path cut from the left, then what the dumps below take */
	sbuf_printf(&line, " --- %s %s in %zu dump%s", fmt_size(size, t->size, u->opts->si),
		    u->view.apparent ? "apparent" : "on disk", t->dumps, t->dumps == 1 ? "" : "s");
	int facts = draw_width(line.s), used = draw_text(1, 0, 4, "--- ", A_BOLD);
	if (t->dir)
		used += draw_path(u, 1, used, w - used - facts > 8 ? w - used - facts : 8,
				  draw_safe(u, t->dir), A_BOLD);
	draw_text(1, used, w - used, line.s, A_BOLD);
	if (t->cursor < u->tree.top)
		u->tree.top = t->cursor;
	if (rows > 0 && t->cursor >= u->tree.top + (size_t)rows)
		u->tree.top = t->cursor - (size_t)rows + 1;
	for (int i = 0; i < rows && u->tree.top + (size_t)i < t->nrows; i++) {
		size_t r = u->tree.top + (size_t)i;
		tree_row(u, 2 + i, &t->rows[r], r == t->cursor, w);
	}
	if (!t->nrows && rows > 0)
		draw_text(2, 0, w, "  (no dumps found)", A_NORMAL);
	draw_fill(LINES - 1, 0, COLS, u->term.attrs[UA_HEADER]);
	draw_text(LINES - 1, 0, w, " Enter/Right open  Left/Backspace up  o other dirs  q back",
		  u->term.attrs[UA_HEADER]);
	sbuf_free(&line);
}

enum ui_action tree_key(struct ui *u, int ch)
{
	struct dirtree *t = &u->tree.t;
	long page = tree_rows_visible() > 1 ? tree_rows_visible() - 1 : 1;
	switch (ch) {
	case KEY_UP: case 'k': dirtree_move(t, -1); break;
	case KEY_DOWN: case 'j': dirtree_move(t, 1); break;
	case KEY_PPAGE: dirtree_move(t, -page); break;
	case KEY_NPAGE: dirtree_move(t, page); break;
	case KEY_HOME: dirtree_move(t, -(long)t->nrows); break;
	case KEY_END: dirtree_move(t, (long)t->nrows); break;
	case '\r': case '\n': case KEY_ENTER: case KEY_RIGHT: case 'l':
		if (dirtree_enter(t))
			u->tree.top = 0;
		break;
	case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127: case 8: case '<':
		if (!dirtree_up(t)) /* at the top: back to the list, as a pane closes */
			tree_close(u);
		break;
	case 'o': return UI_REST;
	case '?': return UI_HELP;
	case 'q': case 't': tree_close(u); break;
	default: break;
	}
	return UI_NONE;
}

/* o: the largest directories without dumps, as a page. */
void tree_rest_open(struct ui *u)
{
	struct scan_dir_size top[SCAN_TOP_DIRS];
	const struct scan *s = u->scan.bg ? bgscan_scan(u->scan.bg) : NULL;
	size_t n = s ? scan_top_dirs(s, top) : 0;
	struct scan_progress pr = {0};
	if (u->scan.bg)
		bgscan_progress(u->scan.bg, &pr);
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
	bool si = u->opts->si;
	struct sbuf text;
	sbuf_init(&text);
	uint64_t dumps = index_total_disk(&u->view.ix);
	sbuf_printf(&text, "Dumps take %s of the %s scanned%s. The largest directories without "
		    "dumps, by the files directly in them (not their subdirectories, as du -S):\n",
		    fmt_size(a, dumps, si), fmt_size(b, pr.totals.bytes_disk, si),
		    pr.running ? " so far (the scan is running)" : "");
	for (size_t i = 0; i < n; i++) {
		double pct = pr.totals.bytes_disk ? 100.0 * (double)top[i].disk / (double)pr.totals.bytes_disk : 0;
		sbuf_printf(&text, "%c%10s %5.1f%%  %s  (%" PRIu64 " file%s)\n", REPORT_COPYABLE,
			    fmt_size(a, top[i].disk, si), pct, draw_safe(u, top[i].path), top[i].files,
			    top[i].files == 1 ? "" : "s");
	}
	if (!n)
		sbuf_adds(&text, u->opts->imported ? "Imported scans: see scan.largest_dirs in their JSON.\n"
						   : "(none: every file found is a dump)\n");
	pane_open(u, "o: the rest of the disk", text.s);
	sbuf_free(&text);
	scan_dir_sizes_free(top, n);
}
