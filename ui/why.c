/* SPDX-License-Identifier: GPL-2.0-or-later */
/* why: the doctor's analysis for the dump or group under the cursor, in the pane; and the
 * one-line "why" that the inspect pane starts with. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "doctor/doctor.h"
#include "output/report.h"
#include "output/report_doctor.h"
#include "screens.h"

extern char **environ;

static const char *proc_root(const struct ui *u)
{
	return u->opts->proc ? u->opts->proc : "/proc";
}

static const struct hints *why_hints(struct ui *u)
{
	if (!u->why.ready) {
		char err[200];
		u->why.ready = true;
		if (hints_builtin(&u->why.hints, err, sizeof(err)) != 0)
			memset(&u->why.hints, 0, sizeof(u->why.hints)); /* no hints: causes only */
	}
	return &u->why.hints;
}

void why_line(struct ui *u, struct sbuf *out, const struct dump *d)
{
	doctor_why(out, d, why_hints(u), proc_root(u));
}

/* The doctor groups holding the dump under the cursor, or any dump of the group there. */
static size_t mark_groups(const struct ui *u, const struct doctor *doc, bool *only)
{
	const struct view *v = &u->view;
	const struct dump *d = view_row_dump(v, v->cursor);
	const struct view_group *vg = view_row_group(v, v->cursor);
	size_t n = 0;
	for (size_t i = 0; d ? i < 1 : vg && i < vg->n; i++) {
		ssize_t g = doctor_group_of(doc, d ? d : v->ix.v[vg->members[i]]);
		if (g >= 0 && !only[g]) {
			only[g] = true;
			n++;
		}
	}
	return n;
}

void why_open(struct ui *u)
{
	const struct view *v = &u->view;
	if (!v->nrows) {
		snprintf(u->message, sizeof(u->message), " w explains a dump or a group: none here yet");
		return;
	}
	if (u->opts->imported) { /* its analysis reads this machine's processes and settings */
		snprintf(u->message, sizeof(u->message),
			 " Imported scans: run coredu doctor on the host; i shows the cause and hint");
		return;
	}
	char *root = u->opts->noperands ? realpath(u->opts->operands[0], NULL) : NULL;
	struct doctor doc;
	char err[200];
	struct doctor_opts o = {
		.proc = proc_root(u), .rootfs = "/", .envp = environ, .now = (int64_t)time(NULL),
		.crashes = 10, .self = (long)getpid(), .shell = (long)getppid(), .root = root,
		.stacks = u->opts->stacks,
	};
	if (doctor_run(&doc, &o, &v->ix, err, sizeof(err)) != 0) {
		snprintf(u->message, sizeof(u->message), " hints table: %.200s", err);
		free(root);
		return;
	}
	bool *only = xcalloc(doc.ngroups ? doc.ngroups : 1, sizeof(*only));
	size_t n = mark_groups(u, &doc, only);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		struct report r = {0};
		r.ix = &v->ix;
		r.si = u->opts->si;
		r.san_flags = u->term.san_flags;
		r.now = o.now;
		struct doctor_text_opts t = {COLS - 1 < UI_MAX_WIDTH ? COLS - 1 : UI_MAX_WIDTH, false, only};
		report_doctor_text(f, &r, &doc, &t);
		fclose(f);
		struct sbuf title;
		sbuf_init(&title);
		const struct doctor_group *g = NULL;
		for (size_t i = 0; i < doc.ngroups && !g; i++)
			g = only[i] ? &doc.groups[i] : NULL;
		if (n == 1)
			sbuf_printf(&title, "Why: %s, %s, %s", draw_safe(u, g->program), g->signal,
				    cause_class_id(g->cause));
		else
			sbuf_printf(&title, "Why: %zu groups of dumps", n);
		pane_open(u, title.s, text);
		u->pane.why = true;
		sbuf_free(&title);
		free(text);
	}
	free(only);
	free(root);
	doctor_free(&doc);
}
