/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ui: the ncurses browser, as the command line sees it: the options, and the session.
 *
 * Everything else of ui/ is private to it (screens.h).  Screens are modules with draw and
 * key functions, as in ncdu 1.x; their state lives in struct ui, never in globals, and
 * everything they show comes from the curses-free view model (src/model/view.h). */
#ifndef COREDU_UI_H
#define COREDU_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"
#include "stack/stack.h"

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
	struct stack_opts stacks; /* inspect reads the stacks in the background with these */
};

/* Run the browser on the terminal at stdin/stdout.  Returns 0 when the user quit, or -1
 * with a one-line reason in err when no usable terminal could be set up (the caller then
 * prints the list report instead). */
int ui_browse(const struct ui_opts *o, char *err, size_t errlen);

#endif
