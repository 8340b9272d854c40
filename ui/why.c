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

/* The dumps w explains: those of the group under the cursor, or, on a dump, those in view
 * that share its doctor group (program, signal and cause): what one fix stops. */
static const struct dump **explained(const struct view *v, const struct doctor *all, size_t *n)
{
	const struct dump *d = view_row_dump(v, v->cursor);
	const struct view_group *vg = view_row_group(v, v->cursor);
	const struct dump **set;
	*n = 0;
	if (vg) {
		set = xmalloc((vg->n ? vg->n : 1) * sizeof(*set));
		for (size_t i = 0; i < vg->n; i++)
			set[(*n)++] = v->ix.v[vg->members[i]];
		return set;
	}
	ssize_t gi = d ? doctor_group_of(all, d) : -1;
	const struct doctor_group *g = gi >= 0 ? &all->groups[gi] : NULL;
	set = xmalloc((g ? g->n : 1) * sizeof(*set));
	for (size_t i = 0; g && i < g->n; i++)
		set[(*n)++] = g->dumps[i];
	if (!g && d)
		set[(*n)++] = d;
	return set;
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
	/* First over every dump in view, to find the doctor group of the dump under the cursor
	 * (no stack read: timeout 0); then over the dumps explained alone, so that counts, pace,
	 * prlimit lines and the Python frame are theirs. */
	o.stacks.timeout = 0;
	if (doctor_run(&doc, &o, (const struct dump *const *)v->ix.v, v->ix.n, err, sizeof(err)) != 0) {
		snprintf(u->message, sizeof(u->message), " hints table: %.200s", err);
		free(root);
		return;
	}
	size_t n;
	const struct dump **set = explained(v, &doc, &n);
	doctor_free(&doc);
	o.stacks = u->opts->stacks;
	doctor_run(&doc, &o, set, n, err, sizeof(err));

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		struct report r = {0};
		r.ix = &v->ix;
		r.si = u->opts->si;
		r.san_flags = u->term.san_flags;
		r.now = o.now;
		struct doctor_text_opts t = {COLS - 1 < UI_MAX_WIDTH ? COLS - 1 : UI_MAX_WIDTH, false, true};
		report_doctor_text(f, &r, &doc, &t);
		fclose(f);
		struct sbuf title;
		sbuf_init(&title);
		const struct doctor_group *g = doc.ngroups ? &doc.groups[0] : NULL;
		if (doc.ngroups == 1)
			sbuf_printf(&title, "Why: %s, %s, %s", draw_safe(u, g->program), g->signal,
				    cause_class_id(g->cause));
		else
			sbuf_printf(&title, "Why: %zu groups of dumps", doc.ngroups);
		pane_open(u, title.s, text);
		u->pane.why = true;
		u->pane.dumps = set;
		u->pane.ndumps = n;
		set = NULL;
		sbuf_free(&title);
		free(text);
	}
	free(set);
	free(root);
	doctor_free(&doc);
}
