/* SPDX-License-Identifier: GPL-2.0-or-later */
/* screens: what the modules of ui/ share, and nothing outside ui/ sees.
 *
 * Each screen owns a part of struct ui and has draw and key functions.  A key function
 * returns an action (htop's HandlerResult) instead of calling the loop or opening another
 * screen itself: browser.c carries the action out.  So the calls go one way, from the loop
 * to the screens, and from the screens to the pane and to draw.c. */
#ifndef COREDU_UI_SCREENS_H
#define COREDU_UI_SCREENS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/fsusage.h"
#include "base/util.h"
#include "delete/delete.h"
#include "doctor/hints.h"
#include "model/dirtree.h"
#include "model/view.h"
#include "scan/bgscan.h"
#include "stack/bgstack.h"
#include "ui.h"

struct mdesc;

/* What a key asks the loop to do. */
enum ui_action {
	UI_NONE,
	UI_QUIT,
	UI_STOP_SCAN, /* stop the background scan, keep what it found */
	UI_RESCAN,
	UI_INSPECT,   /* the dump under the cursor */
	UI_WHY,       /* the doctor's analysis of the row under the cursor */
	UI_HELP,
	UI_DELETE,    /* the marked dumps, or the row under the cursor */
	UI_COMPRESS,  /* the same, to NAME.zst */
	UI_DELETE_EXPLAINED, /* the dumps w's pane explains (pane.dumps) */
	UI_DELETED,   /* a deletion ended: refresh the header's facts */
	UI_TREE,      /* t: where the dumps are, as ncdu */
	UI_REST,      /* o: the largest directories without dumps */
};

enum ui_screen { SCR_LIST, SCR_PANE, SCR_TREE };

enum ui_attr { UA_NORMAL, UA_HEADER, UA_SELECTED, UA_MARKED, UA_TRUNCATED, UA_BAR, UA_DIM,
	       UA_COUNT };

/* term.c: the terminal, and how text is drawn on it. */
struct ui_term {
	void *screen;        /* SCREEN * */
	bool ascii, color;
	unsigned san_flags;  /* SAN_ASCII outside UTF-8 locales and with --ascii */
	int attrs[UA_COUNT];
};

/* browser.c: the background scan and what the header says of it. */
struct ui_scan {
	struct bgscan *bg;
	bool live;           /* still running when its inbox was last drained (browser.c) */
	bool stopped;        /* the user stopped it: results are partial */
	size_t errors;
	char error[512];
	struct fsusage fs;   /* read again after each deletion */
	int64_t now;         /* ages are counted to this time: the end of the scan */
	uint64_t gone_bytes; /* deleted since the scan: taken off its totals in the header */
	uint64_t gone_files;
};

/* list.c */
struct ui_list {
	size_t top;          /* first row shown */
	bool filtering;      /* the filter prompt has the keyboard */
	struct sbuf filter_edit;
};

/* pane.c: a scrollable page of text (inspect, why, help, the deletion summary). */
struct ui_pane {
	char *title;         /* sanitised text */
	char **text;
	size_t ntext, top;
	bool why;            /* it shows w's analysis */
	const struct dump **dumps; /* w: the dumps it explains, which d deletes; else NULL */
	size_t ndumps;
	bool inspect;        /* it shows inspect's page */
	enum ui_screen back; /* the screen q returns to */
};

/* delui.c: deleting or compressing: confirm, confirm the flagged ones, run with progress. */
enum delui_stage { DS_NONE, DS_CONFIRM, DS_CONFIRM_FLAGGED, DS_RUNNING };

struct ui_del {
	enum delui_stage stage;
	bool compress;
	struct delete_plan plan;
	size_t next;                 /* next item to act on */
	volatile sig_atomic_t stop;  /* q while running: stop (a compression at once) */
	double polled;               /* when a compression last looked at the keyboard (ms) */
	bool skip_flagged;
	FILE *journal;               /* --log, or a memory buffer printed after the browser */
	char *journal_text;
	size_t journal_len;
};

/* inspect.c: the dump shown, and its stacks being read in the background. */
struct ui_inspect {
	struct bgstack *job;     /* NULL: none running or wanted */
	const struct dump *dump; /* valid until the next rescan (which cancels the job) */
};

/* tree.c: the directory view of the dumps (the rows live in the model). */
struct ui_tree {
	struct dirtree t;
	size_t top; /* first row shown */
};

/* why.c: the hints table, parsed on first use. */
struct ui_why {
	struct hints hints;
	bool ready;
};

struct ui {
	const struct ui_opts *opts;
	struct ui_term term;
	struct ui_scan scan;
	struct view view;
	enum ui_screen screen;
	struct ui_list list;
	struct ui_pane pane;
	struct ui_del del;
	struct ui_why why;
	struct ui_inspect inspect;
	struct ui_tree tree;
	struct mdesc *magic;   /* inspect.c: libmagic, opened on first use */
	char message[256];     /* a one-line notice in the footer, until the next key */
	struct sbuf tmp;
	bool quit;
	bool dirty;
};

/* A scan runs that the user has not stopped yet: the first q or Ctrl-C stops it. */
static inline bool ui_scan_stoppable(const struct ui *u)
{
	return u->scan.bg && u->scan.live && !u->scan.stopped;
}

/* term.c */
int term_open(struct ui *u, char *err, size_t errlen);
void term_close(struct ui *u);

/* draw.c: text is already sanitised; widths are terminal columns. */
int draw_text(int y, int x, int width, const char *s, int attr);
int draw_text_right(int y, int x, int width, const char *s, int attr);
int draw_path(struct ui *u, int y, int x, int width, const char *s, int attr);
void draw_bar(struct ui *u, int y, int x, int width, uint64_t part, uint64_t whole, int attr);
void draw_fill(int y, int x, int width, int attr);
int draw_width(const char *s);
/* Bytes of s that fit in `width` columns. */
size_t draw_fit(const char *s, int width);
/* raw, sanitised for the terminal (valid until the next call). */
const char *draw_safe(struct ui *u, const char *raw);

/* list.c */
void list_draw(struct ui *u);
enum ui_action list_key(struct ui *u, int ch);
int list_rows_visible(void);

/* pane.c: a scrollable page of text over the list; q, Left or Backspace close it. */
void pane_open(struct ui *u, const char *title, char *text);
void pane_close(struct ui *u);
void pane_draw(struct ui *u);
enum ui_action pane_key(struct ui *u, int ch);

/* inspect.c: every field of a dump, with the mapped files read again from the file, and
 * its stacks, read in the background: inspect_poll shows them when they come (true when
 * the page changed), inspect_cancel stops the reading (the pane closed, a rescan). */
void inspect_open(struct ui *u, const struct dump *d);
bool inspect_poll(struct ui *u);
void inspect_cancel(struct ui *u);

/* why.c: w, the doctor's analysis of the group under the cursor; the inspect pane's
 * one-line why. */
void why_open(struct ui *u);
void why_line(struct ui *u, struct sbuf *out, const struct dump *d);

/* tree.c: t, the dumps' directories as ncdu shows them; o, the rest of the disk (a pane). */
void tree_open(struct ui *u);
void tree_close(struct ui *u);
void tree_draw(struct ui *u);
enum ui_action tree_key(struct ui *u, int ch);
void tree_rest_open(struct ui *u);

/* help.c */
void help_open(struct ui *u);

/* delui.c (the browser's side of src/delete/delete.c) */
void delui_start(struct ui *u, bool compress);
/* The same for a given set of dumps (w's pane), whatever is marked. */
void delui_start_set(struct ui *u, const struct dump **set, size_t n, bool compress);
void delui_draw(struct ui *u);
void delui_key(struct ui *u, int ch);
/* Work for a slice of time while a run is on (del.stage DS_RUNNING); at its end, the
 * summary, and UI_RESCAN after a compression (the NAME.zst files are new dumps). */
enum ui_action delui_work(struct ui *u);
void delui_close(struct ui *u);

#define UI_KEY_CTRL_C 3
#define UI_MAX_WIDTH 200 /* beyond this the layout does not grow */
#define UI_MIN_COLS 20
#define UI_MIN_LINES 5

#endif
