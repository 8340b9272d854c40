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
#include "ui.h"

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
	return u->scan && !bgscan_finished(u->scan);
}

static void update_fs(struct ui *u)
{
	if (u->scan && scan_root_count(bgscan_scan(u->scan)) > 0)
		fsusage_read(&u->fs, scan_get_root(bgscan_scan(u->scan), 0)->path);
}

void ui_rescan(struct ui *u)
{
	bgscan_free(u->scan);
	view_reset_dumps(&u->view);
	struct sbuf problems;
	sbuf_init(&problems);
	u->scan = bgscan_start(&u->opts->scan, u->opts->operands, u->opts->noperands, &problems);
	u->scan_stopped = false;
	u->scan_errors = 0;
	if (problems.len) {
		problems.s[strcspn(problems.s, "\n")] = '\0';
		snprintf(u->message, sizeof(u->message), " %s", ui_safe(u, problems.s));
	}
	sbuf_free(&problems);
	update_fs(u);
	u->list_top = 0;
}

void ui_stop_scan(struct ui *u)
{
	if (!scanning(u))
		return;
	bgscan_cancel(u->scan);
	u->scan_stopped = true;
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
	} else {
		list_draw(u);
		delui_draw(u); /* a confirmation or the progress, over the list */
	}
	refresh();
}

/* Take what the scan found; true if the screen should change. */
static bool poll_scan(struct ui *u, bool *was_scanning)
{
	if (!u->scan)
		return false;
	bool changed = bgscan_drain(u->scan, take_dump, u) > 0;
	char last[512];
	size_t errs = bgscan_errors(u->scan, last, sizeof(last));
	if (errs != u->scan_errors) {
		u->scan_errors = errs;
		snprintf(u->scan_error, sizeof(u->scan_error), "%s", last);
		changed = true;
	}
	bool now = scanning(u);
	if (*was_scanning && !now) {
		changed = true;
		update_fs(u);
		u->now = (int64_t)time(NULL);
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

static void handle_key(struct ui *u, int ch)
{
	u->message[0] = '\0';
	if (ch == KEY_RESIZE) {
		apply_resize();
		return;
	}
	if (LINES < UI_MIN_LINES || COLS < UI_MIN_COLS) {
		if (ch == 'q' || ch == UI_KEY_CTRL_C)
			u->quit = true;
		return;
	}
	if (u->del_stage != DS_NONE) { /* a dialog or a run has the keyboard */
		delui_key(u, ch);
		return;
	}
	if (ch == UI_KEY_CTRL_C && !u->filtering) { /* stops a scan, else quits from anywhere */
		if (scanning(u) && !u->scan_stopped)
			ui_stop_scan(u);
		else
			u->quit = true;
		return;
	}
	if (u->screen == SCR_PANE)
		pane_key(u, ch);
	else
		list_key(u, ch);
}

int ui_browse(const struct ui_opts *o, char *why, size_t whylen)
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
	sbuf_init(&u.filter_edit);
	if (term_open(&u, why, whylen) != 0) {
		view_free(&u.view);
		sbuf_free(&u.tmp);
		sbuf_free(&u.filter_edit);
		return -1;
	}
	/* SIGINT, SIGTERM, SIGHUP: the loop sees one within a getch timeout (no SA_RESTART),
	 * restores the terminal, and main() then dies of it. */
	stopsig_catch();

	ui_rescan(&u);
	bool was_scanning = scanning(&u);
	double last_draw = 0;
	unsigned fast_errs = 0;
	u.dirty = true;
	while (!u.quit && !stopsig_caught) {
		if (poll_scan(&u, &was_scanning))
			u.dirty = true;
		double t = now_ms();
		if (was_scanning && t - last_draw >= PROGRESS_MS)
			u.dirty = true;
		if (u.dirty) {
			/* Ages are counted to the end of the scan, not to each keystroke: a ticking
			 * age column would rewrite rows (and cost bytes) on every key. */
			if (was_scanning || u.now == 0)
				u.now = (int64_t)time(NULL);
			view_refresh(&u.view);
			draw(&u);
			last_draw = t;
			u.dirty = false;
		}
		bool was_deleting = u.del_stage == DS_RUNNING;
		delui_work(&u);
		if (was_deleting) /* progress, or the summary once done */
			u.dirty = true;
		timeout(was_deleting ? 0 : was_scanning ? PROGRESS_MS / 2 : IDLE_MS);
		int ch = getch();
		if (ch == ERR && was_deleting)
			continue;
		if (ch == ERR) {
			/* getch failing at once, again and again, means the terminal is gone (an ECS
			 * Exec session cut): leave instead of spinning. */
			fast_errs = now_ms() - t < 5 ? fast_errs + 1 : 0;
			if (fast_errs > 50)
				break;
			continue;
		}
		fast_errs = 0;
		if (ch == 27) {
			swallow_escape_sequence();
			continue;
		}
		handle_key(&u, ch);
		u.dirty = true;
	}

	bgscan_free(u.scan);
	term_close(&u);
	stopsig_restore();
	delui_close(&u);
	if (u.journal) { /* the deletion journal: to the --log file, or now to stderr */
		fclose(u.journal);
		if (u.journal_text) {
			fwrite(u.journal_text, 1, u.journal_len, stderr);
			free(u.journal_text);
		}
	}
	pane_close(&u);
	mdesc_close(u.magic);
	hints_free(&u.hints);
	view_free(&u.view);
	sbuf_free(&u.tmp);
	sbuf_free(&u.filter_edit);
	return 0;
}
