/* SPDX-License-Identifier: GPL-2.0-or-later */
/* browser: the main loop.  One thread owns curses and the view model; the scan runs in the
 * background and its findings are taken in between keys.  Nothing is drawn unless something
 * changed: no idle animation, few bytes per key over slow links. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "base/stopsig.h"
#include "kinds/mdesc.h"
#include "screens.h"

#define PROGRESS_MS 200 /* redraw interval while scanning */
#define IDLE_MS 1000    /* getch timeout when idle: only to notice signals */

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void take_dump(void *ctx, struct dump *d)
{
	view_add(&((struct ui *)ctx)->view, d);
}

static bool scanning(const struct ui *u)
{
	return u->scan.bg && u->scan.live;
}

static void update_fs(struct ui *u)
{
	if (u->scan.bg && scan_root_count(bgscan_scan(u->scan.bg)) > 0)
		fsusage_read(&u->scan.fs, scan_get_root(bgscan_scan(u->scan.bg), 0)->path);
}

/* --import: the documents' dumps, read before the browser started, go to the view once. */
static void take_imported(struct ui *u)
{
	struct index *ix = u->opts->imported;
	if (!ix->n) {
		snprintf(u->message, sizeof(u->message),
			 " Imported scans: r cannot rescan them; run coredu json on the hosts again");
		return;
	}
	for (size_t i = 0; i < ix->n; i++)
		view_add(&u->view, ix->v[i]);
	ix->n = 0;
	u->view.sources = u->opts->import_hosts;
	u->scan.now = (int64_t)time(NULL);
}

static void rescan(struct ui *u)
{
	if (u->opts->imported) {
		take_imported(u);
		return;
	}
	inspect_cancel(u); /* the dump it shows is about to go */
	bgscan_free(u->scan.bg);
	view_reset_dumps(&u->view);
	struct sbuf problems;
	sbuf_init(&problems);
	u->scan.bg = bgscan_start(&u->opts->scan, u->opts->operands, u->opts->noperands, &problems);
	u->scan.live = u->scan.bg != NULL;
	u->scan.stopped = false;
	u->scan.errors = 0;
	u->scan.gone_bytes = u->scan.gone_files = 0;
	if (problems.len) {
		problems.s[strcspn(problems.s, "\n")] = '\0';
		snprintf(u->message, sizeof(u->message), " %s", draw_safe(u, problems.s));
	}
	sbuf_free(&problems);
	update_fs(u);
	u->list.top = 0;
}

static void stop_scan(struct ui *u)
{
	if (!scanning(u))
		return;
	bgscan_cancel(u->scan.bg);
	u->scan.stopped = true;
	snprintf(u->message, sizeof(u->message), " Scan stopped: the list is partial; r scans again");
}

static void draw(struct ui *u)
{
	erase();
	if (LINES < UI_MIN_LINES || COLS < UI_MIN_COLS) {
		char size[32];
		snprintf(size, sizeof(size), "(%dx%d)", COLS, LINES);
		const char *msg[] = {"Terminal too small", size, "Resize it, or", "press q to quit"};
		for (int i = 0; i < 4 && i < LINES; i++)
			mvaddnstr(i, 0, msg[i], COLS);
	} else if (u->screen == SCR_PANE) {
		pane_draw(u);
	} else if (u->screen == SCR_TREE) {
		tree_draw(u);
	} else {
		list_draw(u);
		delui_draw(u); /* a confirmation or the progress, over the list */
	}
	refresh();
}

/* Take what the scan found; true if the screen should change. */
static bool poll_scan(struct ui *u, bool *was_scanning)
{
	if (!u->scan.bg)
		return false;
	/* Whether the scan is over, read before the drain: it is over only once every dump is in
	 * the inbox, so the screen never says so with the last ones still to be taken (a parse
	 * helper's dump can come last, just before the scan ends). */
	u->scan.live = !bgscan_finished(u->scan.bg);
	bool changed = bgscan_drain(u->scan.bg, take_dump, u) > 0;
	char last[512];
	size_t errs = bgscan_errors(u->scan.bg, last, sizeof(last));
	if (errs != u->scan.errors) {
		u->scan.errors = errs;
		snprintf(u->scan.error, sizeof(u->scan.error), "%s", last);
		changed = true;
	}
	bool now = scanning(u);
	if (*was_scanning && !now) {
		changed = true;
		update_fs(u);
		u->scan.now = (int64_t)time(NULL);
	}
	*was_scanning = now;
	return changed;
}

/* With use_env(FALSE) and use_tioctl(TRUE), ncurses 6.4 reports KEY_RESIZE but keeps the old
 * LINES and COLS (measured under tmux): ask the terminal ourselves.  Repaint everything: a
 * multiplexer may have reflowed what was on the screen. */
static void apply_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* A bare Esc does nothing: no action needs it.  What follows it is eaten if it looks like the
 * rest of an escape sequence, because slow links (SSM forwards input in pieces) can split an
 * arrow key into Esc, '[' and 'A', and 'A' would otherwise mark every row. */
static void swallow_escape_sequence(void)
{
	timeout(150);
	int ch = getch();
	if (ch != '[' && ch != 'O') {
		if (ch != ERR)
			ungetch(ch);
		return;
	}
	for (int i = 0; i < 16; i++) { /* parameters and intermediates, up to a final byte */
		ch = getch();
		if (ch == ERR || (ch >= 0x40 && ch <= 0x7e))
			return;
	}
}

/* Carry out what a screen asked for: the loop is the only caller of the screens' openers. */
static void act(struct ui *u, enum ui_action a)
{
	const struct dump *d;
	switch (a) {
	case UI_NONE: break;
	case UI_QUIT: u->quit = true; break;
	case UI_STOP_SCAN: stop_scan(u); break;
	case UI_RESCAN: rescan(u); break;
	case UI_INSPECT:
		if ((d = view_row_dump(&u->view, u->view.cursor)))
			inspect_open(u, d);
		break;
	case UI_WHY: why_open(u); break;
	case UI_HELP: help_open(u); break;
	case UI_DELETE:
	case UI_COMPRESS: delui_start(u, a == UI_COMPRESS); break;
	case UI_DELETED: update_fs(u); break;
	case UI_TREE: tree_open(u); break;
	case UI_REST: tree_rest_open(u); break;
	case UI_DELETE_EXPLAINED: {
		const struct dump **set = u->pane.dumps;
		size_t n = u->pane.ndumps;
		u->pane.dumps = NULL;
		u->pane.ndumps = 0;
		pane_close(u);
		delui_start_set(u, set, n, false);
		free(set);
		break;
	}
	}
}

/* Who has the keyboard: a terminal too small, a dialog, Ctrl-C, else the screen shown. */
static enum ui_action key_action(struct ui *u, int ch)
{
	u->message[0] = '\0';
	if (ch == KEY_RESIZE) {
		apply_resize();
		return UI_NONE;
	}
	if (LINES < UI_MIN_LINES || COLS < UI_MIN_COLS)
		return ch == 'q' || ch == UI_KEY_CTRL_C ? UI_QUIT : UI_NONE;
	if (u->del.stage != DS_NONE) { /* a dialog or a run has the keyboard */
		delui_key(u, ch);
		return UI_NONE;
	}
	if (ch == UI_KEY_CTRL_C && !u->list.filtering) /* stops a scan, else quits from anywhere */
		return ui_scan_stoppable(u) ? UI_STOP_SCAN : UI_QUIT;
	return u->screen == SCR_PANE ? pane_key(u, ch)
	       : u->screen == SCR_TREE ? tree_key(u, ch) : list_key(u, ch);
}

struct loop {
	bool was_scanning;
	double last_draw;
	unsigned fast_errs; /* getch failures in a row that came at once */
};

/* Take what the scan found, and redraw when something changed, or while scanning when the
 * progress is due.  Returns the time it looked at the clock. */
static double maybe_draw(struct ui *u, struct loop *l)
{
	if (poll_scan(u, &l->was_scanning))
		u->dirty = true;
	if (inspect_poll(u))
		u->dirty = true;
	double t = now_ms();
	if (l->was_scanning && t - l->last_draw >= PROGRESS_MS)
		u->dirty = true;
	if (!u->dirty)
		return t;
	/* Ages are counted to the end of the scan, not to each keystroke: a ticking age column
	 * would rewrite rows (and cost bytes) on every key. */
	if (l->was_scanning || u->scan.now == 0)
		u->scan.now = (int64_t)time(NULL);
	view_refresh(&u->view);
	draw(u);
	l->last_draw = t;
	u->dirty = false;
	return t;
}

/* Wait for a key (not at all while deleting) and act on it.  False when the terminal is gone:
 * getch failing at once, again and again (an ECS Exec session cut), instead of spinning. */
static bool take_key(struct ui *u, struct loop *l, double t, bool deleting)
{
	/* While stacks are read in the background, look for them as while scanning. */
	bool busy = l->was_scanning || u->inspect.job;
	timeout(deleting ? 0 : busy ? PROGRESS_MS / 2 : IDLE_MS);
	int ch = getch();
	if (ch == ERR) {
		if (!deleting)
			l->fast_errs = now_ms() - t < 5 ? l->fast_errs + 1 : 0;
		return l->fast_errs <= 50;
	}
	l->fast_errs = 0;
	if (ch == 27) {
		swallow_escape_sequence();
		return true;
	}
	act(u, key_action(u, ch));
	u->dirty = true;
	return true;
}

static void run(struct ui *u)
{
	rescan(u);
	struct loop l = {.was_scanning = scanning(u)};
	u->dirty = true;
	while (!u->quit && !stopsig_caught) {
		double t = maybe_draw(u, &l);
		bool deleting = u->del.stage == DS_RUNNING;
		act(u, delui_work(u));
		if (deleting) /* progress, or the summary once done */
			u->dirty = true;
		if (!take_key(u, &l, t, deleting))
			break;
	}
}

static void ui_free(struct ui *u)
{
	inspect_cancel(u);
	delui_close(u);
	if (u->del.journal) { /* the deletion journal: to the --log file, or now to stderr */
		fclose(u->del.journal);
		if (u->del.journal_text) {
			fwrite(u->del.journal_text, 1, u->del.journal_len, stderr);
			free(u->del.journal_text);
		}
	}
	pane_close(u);
	mdesc_close(u->magic);
	hints_free(&u->why.hints);
	dirtree_free(&u->tree.t);
	view_free(&u->view);
	sbuf_free(&u->tmp);
	sbuf_free(&u->list.filter_edit);
}

int ui_browse(const struct ui_opts *o, char *err, size_t errlen)
{
	struct ui u;
	memset(&u, 0, sizeof(u));
	u.opts = o;
	view_init(&u.view);
	u.view.ix.has_since = o->has_since;
	u.view.ix.since = o->since;
	u.view.ix.has_until = o->has_until;
	u.view.ix.until = o->until;
	sbuf_init(&u.tmp);
	sbuf_init(&u.list.filter_edit);
	if (term_open(&u, err, errlen) != 0) {
		ui_free(&u);
		return -1;
	}
	/* SIGINT, SIGTERM, SIGHUP: the loop sees one within a getch timeout (no SA_RESTART),
	 * restores the terminal, and main() then dies of it. */
	stopsig_catch(false);
	run(&u);
	bgscan_free(u.scan.bg);
	term_close(&u);
	stopsig_restore();
	ui_free(&u);
	return 0;
}
