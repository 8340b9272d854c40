/* ui: the ncurses browser.  Screens are modules with draw and key functions, as in ncdu
 * 1.x; their state lives in struct ui, never in globals, and everything they show comes
 * from the curses-free view model (src/view.h). */
#ifndef COREDU_UI_H
#define COREDU_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/bgscan.h"
#include "delete/delete.h"
#include "doctor/hints.h"
#include "kinds/mdesc.h"
#include "output/report.h"
#include "scan/scan.h"
#include "base/util.h"
#include "model/view.h"

struct ui_opts {
	struct scan_opts scan;
	char *const *operands;
	size_t noperands;
	const char *term;   /* --term, or NULL for $TERM */
	bool ascii;         /* --ascii */
	bool no_color;      /* --no-color or $NO_COLOR */
	bool si;
	bool has_since, has_until;
	int64_t since, until;
	bool read_only;       /* -r: no deletion, no compression */
	const char *log_path; /* the deletion journal; NULL: standard error, after the browser */
	const char *proc;     /* procfs root for the held-open check (tests) */
	const char *magic;    /* --magic FILE */
};

/* Run the browser on the terminal at stdin/stdout.  Returns 0 when the user quit, or -1
 * with a one-line reason when no usable terminal could be set up (the caller then prints
 * the list report instead). */
int ui_browse(const struct ui_opts *o, char *why, size_t whylen);

/* ---- internal -------------------------------------------------------------------------- */

enum ui_screen { SCR_LIST, SCR_PANE };

/* Deleting or compressing: confirm, confirm the flagged ones, run with progress. */
enum del_stage { DS_NONE, DS_CONFIRM, DS_CONFIRM_FLAGGED, DS_RUNNING };

enum ui_attr { UA_NORMAL, UA_HEADER, UA_SELECTED, UA_MARKED, UA_TRUNCATED, UA_BAR, UA_DIM,
	       UA_COUNT };

struct ui {
	const struct ui_opts *opts;
	void *term_screen; /* SCREEN * */
	bool ascii, color;
	unsigned san_flags;
	int attrs[UA_COUNT];

	struct view view;
	struct bgscan *scan;
	bool scan_stopped;     /* the user stopped it: results are partial */
	size_t scan_errors;
	char scan_error[512];
	struct fsusage fs;
	int64_t now;

	enum ui_screen screen;
	size_t list_top;       /* first list row shown */
	bool filtering;        /* the filter prompt has the keyboard */
	struct sbuf filter_edit;
	char message[256];     /* a one-line notice in the footer, until the next key */

	char *pane_title;      /* the scrollable pane (inspect, help): sanitised text */
	char **pane_text;
	size_t npane_text, pane_top;
	bool pane_why;         /* the pane shows w's analysis */

	enum del_stage del_stage;
	bool del_compress;
	struct del_plan del_plan;
	size_t del_next;                 /* next item to act on */
	volatile sig_atomic_t del_stop;  /* q while running: stop after the current file */
	bool del_skip_flagged;
	FILE *journal;                   /* --log, or a memory buffer printed after the browser */
	char *journal_text;
	size_t journal_len;

	struct mdesc *magic;
	struct hints hints;    /* the hints table, parsed on first use */
	bool hints_ready;
	struct sbuf tmp;
	bool quit;
	bool dirty;
};

/* term.c */
int term_open(struct ui *u, char *why, size_t whylen);
void term_close(struct ui *u);

/* draw.c: text is already sanitised; widths are terminal columns. */
int draw_text(int y, int x, int width, const char *s, int attr);
int draw_text_right(int y, int x, int width, const char *s, int attr);
int draw_path(struct ui *u, int y, int x, int width, const char *s, int attr);
void draw_bar(struct ui *u, int y, int x, int width, uint64_t part, uint64_t whole, int attr);
void draw_fill(int y, int x, int width, int attr);
int text_width(const char *s);
/* Bytes of s that fit in `width` columns. */
size_t text_fit(const char *s, int width);
const char *ui_safe(struct ui *u, const char *raw);

/* list.c */
void list_draw(struct ui *u);
void list_key(struct ui *u, int ch);
int list_rows_visible(void);

/* pane.c: a scrollable page of text over the list; q, Left or Backspace close it. */
void pane_open(struct ui *u, const char *title, char *text);
void pane_close(struct ui *u);
void pane_draw(struct ui *u);
void pane_key(struct ui *u, int ch);

/* inspect.c: every field of a dump, with the mapped files read again from the file. */
void inspect_open(struct ui *u, const struct dump *d);

/* why.c: w, the doctor's analysis of the group under the cursor; the inspect pane's
 * one-line why. */
void why_open(struct ui *u);
void why_line(struct ui *u, struct sbuf *out, const struct dump *d);
const struct hints *why_hints(struct ui *u);

/* help.c */
void help_open(struct ui *u);

/* delete.c (the browser's side of src/delete.c) */
void delui_start(struct ui *u, bool compress);
void delui_draw(struct ui *u);
void delui_key(struct ui *u, int ch);
/* Work for a slice of time; true while there is more to do. */
bool delui_work(struct ui *u);
void delui_close(struct ui *u);

/* browser.c */
void ui_rescan(struct ui *u);
void ui_stop_scan(struct ui *u);

#define UI_KEY_CTRL_C 3
#define UI_MAX_WIDTH 200 /* beyond this the layout does not grow */
#define UI_MIN_COLS 20
#define UI_MIN_LINES 5

#endif
