/* SPDX-License-Identifier: GPL-2.0-or-later */
/* list: the main screen: header, one row per dump or group, footer. */
#include "config.h"

#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/sig.h"
#include "output/report.h"
#include "output/report_doctor.h"
#include "screens.h"

/* Three lines of facts and a line of column names when there is room, else one line. */
static int header_lines(void)
{
	return LINES >= 10 ? 4 : 1;
}

int list_rows_visible(void)
{
	int n = LINES - header_lines() - 1;
	return n > 0 ? n : 0;
}

static int layout_width(void)
{
	return COLS < UI_MAX_WIDTH ? COLS : UI_MAX_WIDTH;
}

/* The columns of a dump row, left to right, for a terminal width.  The path comes last and
 * takes what is left.  Group rows use the size and bar columns, then their own. */
enum col_id { COL_SIZE, COL_BAR, COL_OTHER_SIZE, COL_AGE, COL_SIG, COL_PID, COL_CMD };

struct column {
	enum col_id id;
	int width;
	bool right;
};

struct layout {
	struct column col[7];
	size_t n;
	int path_x; /* where the path starts */
	int bar_end; /* where a group row's own columns start */
};

static void add_col(struct layout *l, enum col_id id, int width, bool right)
{
	l->col[l->n++] = (struct column){id, width, right};
	l->path_x += width + (id == COL_BAR ? 3 : 1);
	if (id == COL_SIZE || id == COL_BAR)
		l->bar_end = l->path_x;
}

/* Every field fits at 80 columns (the path shortened from the left); wider terminals widen
 * the bar and the command.  Narrower ones drop whole columns, never wrap, in this order (the
 * order doc/coredu.1 states, tests/narrow.sh checks): the other size below 80 columns, the
 * PID below 72, the bar below 64, the program below 56, the age below 46, the signal below
 * 36.  The marks, the size and the path always stay: the path takes what is left. */
static struct layout layout_for(int w)
{
	struct layout l = {.path_x = 2};
	add_col(&l, COL_SIZE, 10, true);
	if (w >= 64)
		add_col(&l, COL_BAR, w >= 100 ? 10 : 5, false);
	if (w >= 80)
		add_col(&l, COL_OTHER_SIZE, w >= 120 ? 10 : 9, true);
	if (w >= 46)
		add_col(&l, COL_AGE, 5, true);
	if (w >= 36)
		add_col(&l, COL_SIG, 7, false);
	if (w >= 72)
		add_col(&l, COL_PID, w >= 120 ? 7 : 6, true);
	if (w >= 56)
		add_col(&l, COL_CMD, w >= 100 ? 15 : 10, false);
	return l;
}

/* Group rows: size, bar, then the count and the newest and oldest ages, then the key. */
#define GROUP_COUNT_WIDTH 8
#define GROUP_AGES_WIDTH 14

static int group_key_column(const struct layout *l, int w)
{
	return l->bar_end + GROUP_COUNT_WIDTH + 2 + (w >= 46 ? GROUP_AGES_WIDTH + 2 : 0);
}

/* ---- header ------------------------------------------------------------------------------- */

static void header_title(struct ui *u, int w)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, " coredu %s ~ ", PACKAGE_VERSION);
	if (u->opts->imported)
		sbuf_adds(&b, "imported: ");
	for (size_t i = 0; u->opts->imported && i < u->opts->noperands; i++) {
		sbuf_adds(&b, draw_safe(u, u->opts->operands[i]));
		sbuf_addc(&b, ' ');
	}
	const struct scan *s = u->scan.bg ? bgscan_scan(u->scan.bg) : NULL;
	for (size_t i = 0; s && i < scan_root_count(s); i++) {
		sbuf_adds(&b, draw_safe(u, scan_get_root(s, i)->display));
		sbuf_addc(&b, ' ');
	}
	draw_fill(0, 0, COLS, u->term.attrs[UA_HEADER]);
	const char *help = "? help  q quit ";
	int hw = (int)strlen(help);
	int room = w - (w > hw + 20 ? hw : 0);
	draw_text(0, 0, room, b.s, u->term.attrs[UA_HEADER]);
	if (w > hw + 20)
		draw_text(0, w - hw, hw, help, u->term.attrs[UA_HEADER]);
	sbuf_free(&b);
}

static const char *pct(char buf[16], uint64_t part, uint64_t whole)
{
	if (!whole)
		return "-";
	snprintf(buf, 16, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

static void header_facts(struct ui *u, int w)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], c[FMT_SIZE_LEN], p1[16], p2[16];
	struct scan_progress pr = {0};
	if (u->scan.bg)
		bgscan_progress(u->scan.bg, &pr);
	/* What was deleted since is no longer there. */
	pr.totals.bytes_disk -= pr.totals.bytes_disk > u->scan.gone_bytes ? u->scan.gone_bytes
									   : pr.totals.bytes_disk;
	pr.totals.files -= pr.totals.files > u->scan.gone_files ? u->scan.gone_files : pr.totals.files;
	struct sbuf line;
	sbuf_init(&line);
	bool si = u->opts->si;
	if (u->opts->imported) {
		pr.totals = u->opts->import_totals;
		sbuf_printf(&line, "read-only: %zu host%s | ", u->opts->import_hosts,
			    u->opts->import_hosts == 1 ? "" : "s");
	}

	if (u->scan.fs.ok)
		sbuf_printf(&line, "fs %s: %s used, %s free", fmt_size(a, u->scan.fs.size, si),
			    fmt_size(b, u->scan.fs.size - u->scan.fs.free, si), fmt_size(c, u->scan.fs.avail, si));
	sbuf_printf(&line, "%sscanned %s in %" PRIu64 " file%s", u->scan.fs.ok ? " | " : "",
		    fmt_size(a, pr.totals.bytes_disk, si), pr.totals.files,
		    pr.totals.files == 1 ? "" : "s");
	if (u->scan.errors)
		sbuf_printf(&line, " | %zu unreadable", u->scan.errors);
	draw_text(1, 0, w, line.s, A_NORMAL);

	uint64_t dumps_disk = index_total_disk(&u->view.ix);
	sbuf_reset(&line);
	sbuf_printf(&line, "%zu dump%s, %s (%s of scanned, %s of fs) | %s", u->view.ix.n,
		    u->view.ix.n == 1 ? "" : "s", fmt_size(a, dumps_disk, si),
		    pct(p1, dumps_disk, pr.totals.bytes_disk),
		    pct(p2, dumps_disk, u->scan.fs.ok ? u->scan.fs.size : 0), view_mode_name(u->view.mode));
	if (u->view.at_group)
		sbuf_printf(&line, " %s", draw_safe(u, u->view.open_key));
	const char *arrow = u->view.reverse ? (u->term.ascii ? "^" : "\xe2\x96\xb2")
					    : (u->term.ascii ? "v" : "\xe2\x96\xbc");
	sbuf_printf(&line, ", by %s%s%s", u->view.sort == VSORT_SIZE && u->view.apparent ? "apparent " : "",
		    view_sort_name(u->view.sort), arrow);
	/* The filter at the right end, whole: the facts before it give way. */
	int fw = 0;
	if (u->view.filter) {
		struct sbuf f;
		sbuf_init(&f);
		sbuf_printf(&f, " | /%s (%zu)", draw_safe(u, u->view.filter), u->view.nrows);
		fw = draw_width(f.s) < w ? draw_width(f.s) : w / 2;
		draw_text(2, w - fw, fw, f.s, A_BOLD);
		sbuf_free(&f);
	}
	draw_text(2, 0, w - fw, line.s, A_NORMAL);
	sbuf_free(&line);
}

static void header_columns(struct ui *u, int w)
{
	struct layout l = layout_for(w);
	bool groups = u->view.mode != VIEW_FLAT && !u->view.at_group;
	int x = 2, a = u->term.attrs[UA_DIM] | A_UNDERLINE;
	draw_fill(3, 0, w, a);
	for (size_t i = 0; i < l.n; i++) {
		const struct column *c = &l.col[i];
		const char *h = NULL;
		switch (c->id) {
		case COL_SIZE: h = u->view.apparent ? "APPARENT" : "DISK"; break;
		case COL_BAR: break;
		case COL_OTHER_SIZE: h = u->view.apparent ? "DISK" : "APPARENT"; break;
		case COL_AGE: h = "AGE"; break;
		case COL_SIG: h = "SIGNAL"; break;
		case COL_PID: h = "PID"; break;
		case COL_CMD: h = "PROGRAM"; break;
		}
		if (groups && x >= l.bar_end)
			break;
		if (h)
			(c->right ? draw_text_right : draw_text)(3, x, c->width, h, a);
		x += c->width + (c->id == COL_BAR ? 3 : 1);
	}
	if (!groups) {
		draw_text(3, l.path_x, w - l.path_x, "PATH", a);
		return;
	}
	x = l.bar_end;
	draw_text_right(3, x, GROUP_COUNT_WIDTH, "DUMPS", a);
	if (w >= 46)
		draw_text(3, x + GROUP_COUNT_WIDTH + 2, GROUP_AGES_WIDTH, " NEWEST OLDEST", a);
	draw_text(3, group_key_column(&l, w), w - group_key_column(&l, w), view_mode_name(u->view.mode), a);
}

/* ---- rows --------------------------------------------------------------------------------- */

static int row_attr(struct ui *u, bool selected, int base)
{
	return selected ? (base | u->term.attrs[UA_SELECTED]) : base;
}

static void mark_cell(struct ui *u, int y, enum view_mark_state m, char flag, bool sel)
{
	char s[3] = {m == MARK_ALL ? '*' : m == MARK_SOME ? '+' : ' ', flag, '\0'};
	int a = m != MARK_NONE ? u->term.attrs[UA_MARKED] : flag != ' ' ? u->term.attrs[UA_TRUNCATED] : 0;
	draw_text(y, 0, 2, s, row_attr(u, sel, a));
}

/* The text of one cell of a dump row (NULL for the bar and for unknown values). */
static const char *dump_cell(struct ui *u, const struct dump *d, enum col_id id, char *buf,
			     size_t len)
{
	bool si = u->opts->si;
	uint64_t main = u->view.apparent ? d->size_apparent : d->size_disk;
	uint64_t other = u->view.apparent ? d->size_disk : d->size_apparent;
	switch (id) {
	case COL_SIZE: return fmt_size(buf, main, si);
	case COL_BAR: return NULL;
	case COL_OTHER_SIZE: return other != main ? fmt_size(buf, other, si) : NULL;
	case COL_AGE: return fmt_age(buf, u->scan.now, d->mtime);
	case COL_SIG: return dump_signal_name(d, buf);
	case COL_PID:
		if (d->core.pid < 0)
			return NULL;
		snprintf(buf, len, "%" PRId64, d->core.pid);
		return buf;
	case COL_CMD: return draw_safe(u, dump_program(d));
	}
	return NULL;
}

static void draw_bar_cell(struct ui *u, int y, int x, int width, uint64_t size, bool sel)
{
	int base = row_attr(u, sel, 0);
	draw_text(y, x, 1, "[", base);
	draw_bar(u, y, x + 1, width, size, u->view.max_size, row_attr(u, sel, u->term.attrs[UA_BAR]));
	draw_text(y, x + 1 + width, 1, "]", base);
}

static void draw_dump_row(struct ui *u, int y, size_t row, bool sel, int w)
{
	const struct dump *d = view_row_dump(&u->view, row);
	struct layout l = layout_for(w);
	char buf[FMT_TIME_LEN];
	int base = row_attr(u, sel, 0);

	/* The highlight is one run over every column but the path: gaps would each cost an
	 * attribute change, and leaving the path out keeps a one-row move within 200 bytes on
	 * 80x24 (tests/keybytes.py), whatever the paths. */
	if (sel)
		draw_fill(y, 0, l.path_x, base);
	char flag = d->core.truncated ? 'T' : d->core.gcore || d->core.requested ? 'S'
		    : d->same_crash ? '=' : ' ';
	mark_cell(u, y, view_row_marks(&u->view, row), flag, sel);
	int x = 2;
	for (size_t i = 0; i < l.n; i++) {
		const struct column *c = &l.col[i];
		if (c->id == COL_BAR)
			draw_bar_cell(u, y, x, c->width, view_row_size(&u->view, row), sel);
		const char *text = dump_cell(u, d, c->id, buf, sizeof(buf));
		if (text)
			(c->right ? draw_text_right : draw_text)(y, x, c->width, text, base);
		x += c->width + (c->id == COL_BAR ? 3 : 1);
	}
	struct sbuf path;
	sbuf_init(&path);
	const struct scan *s = u->scan.bg ? bgscan_scan(u->scan.bg) : NULL;
	if (d->source)
		dump_display_path(&path, d, NULL); /* HOST:/path */
	else if (s && d->root < scan_root_count(s))
		dump_display_path(&path, d, scan_get_root(s, d->root)->display);
	else
		sbuf_adds(&path, d->path);
	draw_path(u, y, l.path_x, w - l.path_x, draw_safe(u, path.s),
		  d->core.truncated ? u->term.attrs[UA_TRUNCATED] : 0);
	sbuf_free(&path);
}

static void draw_group_row(struct ui *u, int y, size_t row, bool sel, int w)
{
	const struct view_group *g = view_row_group(&u->view, row);
	struct layout l = layout_for(w);
	char buf[FMT_TIME_LEN], old[FMT_TIME_LEN];
	int base = row_attr(u, sel, 0);
	uint64_t size = view_row_size(&u->view, row);
	int key_x = group_key_column(&l, w);

	if (sel)
		draw_fill(y, 0, key_x, base);
	mark_cell(u, y, view_row_marks(&u->view, row), ' ', sel);
	draw_text_right(y, 2, l.col[0].width, fmt_size(buf, size, u->opts->si), base);
	if (l.n > 1 && l.col[1].id == COL_BAR)
		draw_bar_cell(u, y, 2 + l.col[0].width + 1, l.col[1].width, size, sel);
	int x = l.bar_end;
	snprintf(buf, sizeof(buf), "%zu", g->n);
	draw_text_right(y, x, GROUP_COUNT_WIDTH, buf, base);
	if (w >= 46) {
		char span[2 * FMT_TIME_LEN + 2];
		fmt_age(buf, u->scan.now, g->newest);
		fmt_age(old, u->scan.now, g->oldest);
		snprintf(span, sizeof(span), "%7s %6s", buf, old);
		draw_text(y, x + GROUP_COUNT_WIDTH + 2, GROUP_AGES_WIDTH, span, base);
	}
	struct sbuf key;
	sbuf_init(&key);
	sbuf_adds(&key, draw_safe(u, g->key));
	if (u->view.sources > 1 && u->view.mode != VIEW_HOST) /* groups span hosts */
		sbuf_printf(&key, "  (on %zu host%s)", g->hosts, g->hosts == 1 ? "" : "s");
	draw_path(u, y, key_x, w - key_x, key.s, 0);
	sbuf_free(&key);
}

/* ---- footer ------------------------------------------------------------------------------- */

/* The directory of the dump under the cursor, at most half the width (its end: the end of a
 * path says most), so that the path column's few characters never hide where a dump is.
 * Returns the column after it. */
static int footer_dir(struct ui *u, int y, int w)
{
	const struct dump *d = view_row_dump(&u->view, u->view.cursor);
	const char *slash = d ? strrchr(d->path, '/') : NULL;
	if (!slash || w < 40)
		return 0;
	char *dir = xstrndup(d->path, (size_t)(slash - d->path) + 1);
	const char *safe = draw_safe(u, dir);
	int a = u->term.attrs[UA_HEADER], room = w / 2 - 1;
	draw_text(y, 0, 1, " ", a);
	int used = 1 + draw_path(u, y, 1, room, safe, a | A_BOLD);
	free(dir);
	draw_text(y, used, 2, " |", a);
	return used + 2;
}

static void footer(struct ui *u, int w)
{
	int y = LINES - 1, a = u->term.attrs[UA_HEADER];
	char buf[FMT_SIZE_LEN];
	struct sbuf line;
	sbuf_init(&line);
	draw_fill(y, 0, COLS, a);
	if (u->list.filtering) {
		sbuf_printf(&line, " Filter (command, path or signal; Enter to finish): %s",
			    draw_safe(u, u->list.filter_edit.s));
		draw_text(y, 0, w, line.s, a);
		int cx = draw_width(line.s);
		if (cx < w)
			draw_text(y, cx, 1, "_", a | A_BLINK);
	} else if (u->message[0]) {
		draw_text(y, 0, w, u->message, a | A_BOLD);
	} else if (u->scan.bg && u->scan.live) {
		struct scan_progress pr;
		bgscan_progress(u->scan.bg, &pr);
		double rate = pr.seconds > 0 ? (double)pr.totals.files / pr.seconds : 0;
		sbuf_printf(&line, " Scanning: %" PRIu64 " files (%.0f/s), %" PRIu64 " dumps, %s | %s",
			    pr.totals.files, rate, pr.totals.dumps,
			    fmt_size(buf, pr.totals.bytes_disk, u->opts->si), draw_safe(u, pr.current));
		const char *stop = " q: stop ";
		int sw = (int)strlen(stop);
		draw_text(y, 0, w - sw, line.s, a);
		draw_text(y, w - sw, sw, stop, a | A_BOLD);
	} else {
		size_t n = view_marked_count(&u->view);
		if (n)
			sbuf_printf(&line, " %zu marked, %s on disk | d delete  z compress  space mark  "
				    "A all  U none", n, fmt_size(buf, view_marked_bytes(&u->view), u->opts->si));
		else
			sbuf_printf(&line, " %zu rows | space mark  g view  s/n/M/C sort  / filter  i inspect  w why",
				    u->view.nrows);
		if (u->scan.stopped)
			sbuf_adds(&line, " | scan stopped: partial, r rescans");
		int x = footer_dir(u, y, w);
		draw_text(y, x, w - x, line.s, a);
	}
	sbuf_free(&line);
}

/* ---- screen ------------------------------------------------------------------------------- */

static void keep_cursor_visible(struct ui *u, int rows)
{
	if (rows <= 0)
		return;
	if (u->view.cursor < u->list.top)
		u->list.top = u->view.cursor;
	if (u->view.cursor >= u->list.top + (size_t)rows)
		u->list.top = u->view.cursor - (size_t)rows + 1;
	if (u->list.top + (size_t)rows > u->view.nrows)
		u->list.top = u->view.nrows > (size_t)rows ? u->view.nrows - (size_t)rows : 0;
}

void list_draw(struct ui *u)
{
	int w = layout_width();
	int top = header_lines(), rows = list_rows_visible();
	header_title(u, w);
	if (top > 1) {
		header_facts(u, w);
		header_columns(u, w);
	}
	keep_cursor_visible(u, rows);
	for (int i = 0; i < rows; i++) {
		size_t row = u->list.top + (size_t)i;
		if (row >= u->view.nrows)
			break;
		bool sel = row == u->view.cursor;
		if (view_row_group(&u->view, row))
			draw_group_row(u, top + i, row, sel, w);
		else
			draw_dump_row(u, top + i, row, sel, w);
	}
	if (u->view.nrows == 0 && rows > 0) {
		const char *empty = u->scan.bg && u->scan.live ? "  (scanning: no dump found yet)"
			: u->view.filter ? "  (no dump matches the filter; / then Enter clears it)"
					 : "  (no dumps found)";
		draw_text(top, 0, w, empty, A_NORMAL);
	}
	footer(u, w);
}

/* ---- keys --------------------------------------------------------------------------------- */

/* G: coredumpctl debug's hand-off, as a line to copy: the gdb command for the core under
 * the cursor, in the footer. */
static void gdb_command(struct ui *u)
{
	const struct dump *d = view_row_dump(&u->view, u->view.cursor);
	struct sbuf cmd;
	sbuf_init(&cmd);
	if (d)
		report_info_gdb(&cmd, d, u->term.san_flags, " ");
	if (!report_info_gdb_installed())
		snprintf(u->message, sizeof(u->message), " G: gdb is not installed (apt-get install gdb)");
	else if (!cmd.len)
		snprintf(u->message, sizeof(u->message), " G: gdb opens process cores (a dump row)");
	else if (cmd.len + 2 < sizeof(u->message) && draw_width(cmd.s) < COLS)
		snprintf(u->message, sizeof(u->message), " %s", cmd.s);
	else { /* too wide for the footer: a pane, an argument a line, each line to copy */
		struct sbuf text;
		sbuf_init(&text);
		sbuf_reset(&cmd);
		report_info_gdb(&cmd, d, u->term.san_flags, " \\\n  ");
		for (const char *p = cmd.s; *p;) {
			size_t n = strcspn(p, "\n");
			sbuf_printf(&text, "%c%.*s\n", REPORT_COPYABLE, (int)n, p);
			p += n + (p[n] == '\n');
		}
		sbuf_adds(&text, "\nCopy it, quit (q), and run it.\n");
		pane_open(u, "G: debug with gdb", text.s);
		sbuf_free(&text);
	}
	sbuf_free(&cmd);
}

static void filter_key(struct ui *u, int ch)
{
	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		u->list.filtering = false;
		break;
	case UI_KEY_CTRL_C:
		u->list.filtering = false;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		while (u->list.filter_edit.len > 0) { /* one UTF-8 character */
			unsigned char c = (unsigned char)u->list.filter_edit.s[--u->list.filter_edit.len];
			if ((c & 0xc0) != 0x80)
				break;
		}
		u->list.filter_edit.s[u->list.filter_edit.len] = '\0';
		break;
	default:
		if (ch >= 32 && ch < 256 && ch != 127)
			sbuf_addc(&u->list.filter_edit, (char)ch);
		else
			return;
	}
	view_set_filter(&u->view, u->list.filter_edit.s);
	u->list.top = 0;
}

enum ui_action list_key(struct ui *u, int ch)
{
	struct view *v = &u->view;
	int page = list_rows_visible() > 1 ? list_rows_visible() - 1 : 1;
	if (u->list.filtering) {
		filter_key(u, ch);
		return UI_NONE;
	}
	switch (ch) {
	case KEY_UP: case 'k': view_move(v, -1); break;
	case KEY_DOWN: case 'j': view_move(v, 1); break;
	case KEY_PPAGE: view_move(v, -page); break;
	case KEY_NPAGE: view_move(v, page); break;
	case KEY_HOME: view_home(v); break;
	case KEY_END: view_end(v); break;
	case '\r': case '\n': case KEY_ENTER: case KEY_RIGHT: case 'l':
		u->list.top = 0;
		if (!view_open(v) && view_row_dump(v, v->cursor))
			return UI_INSPECT;
		break;
	case 'w': return UI_WHY;
	case 'G': gdb_command(u); break;
	case 'i':
		if (view_row_dump(v, v->cursor))
			return UI_INSPECT;
		if (v->nrows)
			snprintf(u->message, sizeof(u->message), " i inspects a dump: Enter opens the group");
		break;
	case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127: case 8: case '<':
		view_back(v);
		break;
	case 'g': view_cycle_mode(v); u->list.top = 0; break;
	case 's': view_sort_by(v, VSORT_SIZE); break;
	case 'n': view_sort_by(v, VSORT_NAME); break;
	case 'M': view_sort_by(v, VSORT_TIME); break;
	case 'C':
		if (v->mode == VIEW_FLAT || v->at_group)
			snprintf(u->message, sizeof(u->message),
				 " C sorts groups by their count: press g for a grouped view");
		else
			view_sort_by(v, VSORT_COUNT);
		break;
	case 'a': view_toggle_apparent(v); break;
	case '/':
		u->list.filtering = true; /* an empty filter, finished with Enter, clears it */
		sbuf_reset(&u->list.filter_edit);
		view_set_filter(v, NULL);
		break;
	case ' ': view_toggle_mark(v); break;
	case 'A': view_mark_visible(v); break;
	case 'U': view_unmark_all(v); break;
	case 'd': return UI_DELETE;
	case 'z': return UI_COMPRESS;
	case 't': return UI_TREE;
	case 'o': return UI_REST;
	case 'r': return UI_RESCAN;
	case '?': return UI_HELP;
	case 'q': /* the first q stops the scan, the next one quits */
		return ui_scan_stoppable(u) ? UI_STOP_SCAN : UI_QUIT;
	default:
		break;
	}
	return UI_NONE;
}
