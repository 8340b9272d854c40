/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The doctor's text and JSON writers. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/json.h"
#include "base/procfs.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "doctor/doctor.h"
#include "output/report.h"
#include "output/report_doctor.h"

#define PROCS_SHOWN 10

struct dout {
	FILE *f;
	const struct report *r;
	const struct doctor *doc;
	int width;
	bool pane;
	struct sbuf tmp, line;
};

static const char *safe(struct dout *o, const char *s)
{
	return sanitize_str(&o->tmp, s ? s : "", o->r->san_flags);
}

/* Words of `text` (trusted or sanitised) filled to the width: the first line after
 * `first`, the rest indented by `indent` columns. */
static void wrap(struct dout *o, int indent, const char *first, const char *text)
{
	int col = fprintf(o->f, "%s", first);
	bool start = true;
	for (const char *p = text; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (!start && col + 1 + (int)n > o->width) {
			fprintf(o->f, "\n%*s", indent, "");
			col = indent;
			start = true;
		}
		col += fprintf(o->f, "%s%.*s", start ? "" : " ", (int)n, p);
		start = false;
		p += n;
	}
	fputc('\n', o->f);
}

static void wrapf(struct dout *o, int indent, const char *first, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void wrapf(struct dout *o, int indent, const char *first, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf_reset(&o->line);
	sbuf_vprintf(&o->line, fmt, ap);
	va_end(ap);
	char *text = sbuf_take(&o->line);
	wrap(o, indent, first, text);
	free(text);
}

/* A line meant to be copied, on its own line and never wrapped: the pane cuts it visibly
 * where the terminal is narrower (REPORT_COPYABLE); text output keeps it whole. */
static void copyable(struct dout *o, int indent, const char *text)
{
	if (o->pane)
		fputc(REPORT_COPYABLE, o->f);
	fprintf(o->f, "%*s%s\n", indent, "", text);
}

/* One line of prose cut to the width with an ellipsis (the summary's lines stay one each). */
static void one_line(struct dout *o, const char *first, const char *text)
{
	int room = o->width - (int)strlen(first);
	size_t n = strlen(text);
	if (room < 2 || (int)n <= room) {
		fprintf(o->f, "%s%s\n", first, text);
		return;
	}
	size_t cut = (size_t)room - 1; /* at a word's end, for the ellipsis */
	while (cut > 0 && text[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = (size_t)room - 1;
	while (cut > 0 && (text[cut] & 0xc0) == 0x80)
		cut--; /* never inside a UTF-8 character */
	fprintf(o->f, "%s%.*s%s\n", first, (int)cut, text,
		o->r->san_flags & SAN_ASCII ? "..." : "\xe2\x80\xa6");
}

static const char *size(struct dout *o, char buf[FMT_SIZE_LEN], uint64_t v)
{
	return fmt_size(buf, v, o->r->si);
}

static const char *limit_text(char buf[FMT_SIZE_LEN], uint64_t v, bool si)
{
	return v == PROCFS_UNLIMITED ? "unlimited" : v == 0 ? "0" : fmt_size(buf, v, si);
}

/* "2.7 h", "3.5 d", "40 min" */
static const char *hours_text(char buf[32], double h)
{
	if (h < 1)
		snprintf(buf, 32, "%.0f min", h * 60 < 1 ? 1 : h * 60);
	else if (h < 48)
		snprintf(buf, 32, "%.1f h", h);
	else
		snprintf(buf, 32, "%.1f days", h / 24);
	return buf;
}

static const char *interval_text(char buf[32], int64_t s)
{
	if (s < 120)
		snprintf(buf, 32, "%" PRId64 " s", s);
	else if (s < 7200)
		snprintf(buf, 32, "%" PRId64 " min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, 32, "%.1f h", (double)s / 3600);
	else
		snprintf(buf, 32, "%.1f days", (double)s / 86400);
	return buf;
}

/* ---- kernel settings -------------------------------------------------------------------- */

/* What the settings imply, in words, checked against the files found; shared by the text
 * and the JSON. */
static void kernel_notes(const struct doctor *doc, struct sbuf *out, size_t *n)
{
	const struct coreconf *c = &doc->conf;
	const struct doctor_files *files = &doc->files;
#define NOTE(...) (sbuf_printf(out, __VA_ARGS__), sbuf_addc(out, '\n'), (*n)++)
	*n = 0;
	sbuf_reset(out);
	switch (c->kind) {
	case PAT_UNKNOWN:
		NOTE("core_pattern could not be read: the kernel settings are unknown.");
		break;
	case PAT_EMPTY:
		if (c->pid_appended)
			NOTE("Empty core_pattern with core_uses_pid=1: each crash writes a hidden "
			     "file named .PID in the crashing process's working directory.");
		else
			NOTE("Empty core_pattern with core_uses_pid=0: no core dump is written.");
		break;
	case PAT_RELATIVE:
		NOTE("Relative file pattern: a crashing process writes its core into its own "
		     "working directory%s%s%s: in a container, the app directory, on the "
		     "container's own storage.", c->dir[0] ? " (under " : "", c->dir,
		     c->dir[0] ? ")" : "");
		break;
	case PAT_ABSOLUTE:
		NOTE("Absolute file pattern: cores go to %s, as seen by the crashing process: a "
		     "container writes it inside its own file system.", c->dir[0] ? c->dir : "/");
		break;
	case PAT_PIPE:
		if (c->handler == HANDLER_DISCARD)
			NOTE("Pipe to %s: cores are discarded.", c->handler_path);
		else if (c->handler == HANDLER_OTHER)
			NOTE("Pipe to the handler %s, run by the kernel as root on the host: nothing "
			     "lands in a container; RLIMIT_CORE is not enforced for pipes, the handler "
			     "decides.", c->handler_path);
		else
			NOTE("Pipe to %s on the host: cores go to %s on the host (not inside any "
			     "container), bounded by the handler's own limits; RLIMIT_CORE is applied "
			     "by the handler, not the kernel.", coreconf_handler_id(c->handler),
			     c->handler_dir);
		break;
	case PAT_SOCKET:
		NOTE("Socket pattern: cores are sent to a daemon listening on the host; nothing "
		     "lands in a container.");
		break;
	}
	switch (c->accumulation) {
	case ACC_UNBOUNDED:
		if (c->pid_appended && c->kind != PAT_EMPTY)
			NOTE("core_uses_pid=1 and no %%p: \".PID\" is appended, so every crash adds "
			     "a file (core.PID): cores accumulate without bound.");
		else if (c->kind != PAT_EMPTY)
			NOTE("The pattern has %s: every crash adds a file; cores accumulate without "
			     "bound.", c->has_pid ? "%p" : c->has_tid ? "%i" : "%t");
		else
			NOTE("Every crash adds a hidden file: they accumulate without bound.");
		break;
	case ACC_ONE_PER_DIR:
		if (files->crowded_dir)
			NOTE("No pid or time in the name and core_uses_pid=0: a crash replaces the "
			     "core in its directory, so these settings leave one per directory; yet "
			     "%s holds %zu process cores: they were written under other settings "
			     "(core_uses_pid=1, another pattern, another host's) or copied there.",
			     files->crowded_dir, files->crowded);
		else
			NOTE("No pid or time in the name and core_uses_pid=0: each crash replaces the "
			     "previous core, so there is at most one core per directory.");
		break;
	case ACC_PER_NAME:
		NOTE("No pid or time in the name: at most one core per program (or user, signal) "
		     "per directory; a new crash replaces the old one.");
		break;
	default:
		break;
	}
	if (files->kernel_cores && (c->kind == PAT_PIPE || c->kind == PAT_SOCKET ||
				    (c->kind == PAT_EMPTY && !c->pid_appended)))
		NOTE("The %zu process core%s found %s not written under these settings (the kernel "
		     "writes no file here): another host's, an earlier setting's, or copied.",
		     files->kernel_cores, files->kernel_cores == 1 ? "" : "s",
		     files->kernel_cores == 1 ? "was" : "were");
	if (c->suid_dumpable == 1)
		NOTE("suid_dumpable=1: set-id and capability programs dump too, readable by their "
		     "user: their cores may hold secrets.");
	else if (c->suid_dumpable == 2 && c->kind == PAT_RELATIVE)
		NOTE("suid_dumpable=2 with a relative pattern: set-id programs dump nothing (the "
		     "pattern must be absolute or a pipe).");
#undef NOTE
}

static void text_kernel(struct dout *o)
{
	const struct coreconf *c = &o->doc->conf;
	fprintf(o->f, "Kernel core dump settings (host-wide: a container sees the host's)\n");
	fprintf(o->f, "  core_pattern     %s\n", c->kind == PAT_UNKNOWN ? "(unreadable)"
							: c->pattern[0] ? safe(o, c->pattern) : "(empty)");
	static const char *const names[] = {"core_uses_pid", "core_pipe_limit", "suid_dumpable",
					    "core_sort_vma"};
	const int values[] = {c->uses_pid, c->pipe_limit, c->suid_dumpable, c->sort_vma};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (values[i] >= 0)
			fprintf(o->f, "  %-16s %d\n", names[i], values[i]);
	if (c->modes[0])
		fprintf(o->f, "  %-16s %s\n", "core_modes", safe(o, c->modes));
	struct sbuf notes;
	sbuf_init(&notes);
	size_t n;
	kernel_notes(o->doc, &notes, &n);
	for (char *p = notes.s; *p;) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		wrap(o, 4, "  - ", safe(o, p));
		p = nl + 1;
	}
	sbuf_free(&notes);
	fputc('\n', o->f);
}

/* ---- processes -------------------------------------------------------------------------- */

static int proc_order(const void *a, const void *b)
{
	const struct liveproc *x = *(const struct liveproc *const *)a;
	const struct liveproc *y = *(const struct liveproc *const *)b;
	if (x->at_risk != y->at_risk)
		return x->at_risk ? -1 : 1;
	if (x->next_core != y->next_core)
		return x->next_core > y->next_core ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Processes that can dump, at risk first, then by expected core size. */
static const struct liveproc **dumpers(const struct doctor *doc, size_t *n)
{
	const struct liveproc **v = xmalloc((doc->procs.n ? doc->procs.n : 1) * sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < doc->procs.n; i++)
		if (doc->procs.v[i].can_dump)
			v[(*n)++] = &doc->procs.v[i];
	sort_array(v, *n, sizeof(*v), proc_order);
	return v;
}

static void text_processes(struct dout *o, bool all)
{
	const struct doctor *doc = o->doc;
	size_t n;
	const struct liveproc **v = dumpers(doc, &n);
	fprintf(o->f, "Processes that can dump core: %zu of %zu", n, doc->procs.n);
	if (doc->procs.unreadable)
		fprintf(o->f, " (%zu more unreadable)", doc->procs.unreadable);
	fputc('\n', o->f);
	if (doc->ngroups)
		wrapf(o, 4, "  ", "%zu of them %s tied to the dumps above (running their programs, or "
		      "having sent their signals): the prlimit lines below.", doc->ntied,
		      doc->ntied == 1 ? "is" : "are");
	if (!n)
		wrap(o, 4, "  ", "None: a crash now would write no core (each core limit read is "
				 "below a page, or core_pattern writes nothing).");
	size_t shown = all ? n : n < PROCS_SHOWN ? n : PROCS_SHOWN;
	while (shown < n && v[shown]->at_risk)
		shown++;
	for (size_t i = 0; i < shown; i++) {
		const struct liveproc *p = v[i];
		char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], c[FMT_SIZE_LEN];
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "core limit %s", limit_text(a, p->core_soft, o->r->si));
		if (p->has_filter)
			sbuf_printf(&o->line, ", filter 0x%" PRIx32, p->filter);
		if (p->has_anon)
			sbuf_printf(&o->line, ", next core about %s", size(o, b, p->next_core));
		if (p->dest)
			sbuf_printf(&o->line, ", into %s", safe(o, p->dest));
		if (p->has_fs)
			sbuf_printf(&o->line, " (%s free)", size(o, c, p->fs_avail));
		char *facts = sbuf_take(&o->line), first[24];
		snprintf(first, sizeof(first), "  %c %7ld  ", p->at_risk ? '!' : ' ', p->pid);
		wrap(o, 13, first, facts);
		free(facts);
		/* The command line on its own line, cut to the width: a reminder, not a snippet. */
		one_line(o, "             ", safe(o, p->cmdline[0] ? p->cmdline : p->comm));
	}
	if (shown < n)
		fprintf(o->f, "    ... and %zu more (doctor --all lists them)\n", n - shown);
	for (size_t i = 0; i < n && v[i]->at_risk; i++) {
		const struct liveproc *p = v[i];
		char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
		size(o, a, p->next_core);
		size(o, b, p->fs_avail);
		if (p->wont_fit)
			wrapf(o, 4, "  ! ", "pid %ld: its next core (about %s) would not fit in the %s "
			      "free at %s.", p->pid, a, b, safe(o, p->dest));
		else
			wrapf(o, 4, "  ! ", "pid %ld: %" PRIu64 " more core%s of about %s fill%s %s "
			      "(%s free).", p->pid, p->crashes_to_full + 1,
			      p->crashes_to_full ? "s" : "", a, p->crashes_to_full ? "" : "s",
			      safe(o, p->dest), b);
	}
	free(v);
	const struct liveproc *sh = doc->shell;
	if (sh && sh->has_limits) {
		char a[FMT_SIZE_LEN];
		wrapf(o, 4, "  ", "Your shell (pid %ld) has a core limit of %s: a shell's limit "
		      "says nothing about the app's, which is read above from /proc/PID/limits.",
		      sh->pid, limit_text(a, sh->core_soft, o->r->si));
	}
	fputc('\n', o->f);
}

/* ---- groups ----------------------------------------------------------------------------- */

/* Where the newest dump's Python code was, for a hint that asks (stack: python). */
static void text_frame(struct dout *o, const struct doctor_group *g)
{
	if (g->frame_file) {
		char line[16] = "";
		if (g->frame_line >= 0)
			snprintf(line, sizeof(line), ":%d", g->frame_line);
		char *where = xasprintf("%s%s %s", g->frame_file, line, g->frame_function);
		wrapf(o, 13, "      it was in: ", "%s (%s; the newest dump's Python stack)",
		      safe(o, where), g->frame_coroutine ? "awaiting, in a suspended coroutine"
							 : "on a thread's stack");
		free(where);
	} else if (g->frame_problem) {
		wrapf(o, 13, "      it was in: ", "unknown (%s)", safe(o, g->frame_problem));
	}
}

/* "2.6 min", "47 s", "3.1 h" */
static const char *span_text(char buf[32], int64_t s)
{
	if (s < 120)
		snprintf(buf, 32, "%" PRId64 " s", s);
	else if (s < 7200)
		snprintf(buf, 32, "%.1f min", (double)s / 60);
	else
		return interval_text(buf, s);
	return buf;
}

/* The pace over the true window, and what it means for the file system, with how sure it
 * is: few dumps over a short time are an estimate, never a reason to say less. */
static void pace(struct dout *o, const char *first, const struct doctor_group *g)
{
	const struct doctor_fs *fs = &o->doc->fs[g->fs];
	char a[FMT_SIZE_LEN], h[32], sp[32];
	if (g->rate < 0) {
		wrapf(o, (int)strlen(first), first, "%zu dump%s in the last 24 h (no pace from one)",
		      g->n_window, g->n_window == 1 ? "" : "s");
		return;
	}
	sbuf_reset(&o->line);
	sbuf_printf(&o->line, "%zu dumps in %s: %s/h", g->n_window, span_text(sp, g->span),
		    size(o, a, (uint64_t)g->rate));
	if (g->hours_to_full >= 0)
		sbuf_printf(&o->line, "; at this pace %s is full in about %s", safe(o, fs->path),
			    hours_text(h, g->hours_to_full));
	if (g->n_window < 10 || g->span < 3600)
		sbuf_printf(&o->line, " (from %zu dumps over %s: the pace may change)", g->n_window,
			    span_text(sp, g->span));
	char *text = sbuf_take(&o->line);
	wrap(o, (int)strlen(first), first, text);
	free(text);
}

static void group_hint(struct dout *o, size_t gi)
{
	const struct doctor *doc = o->doc;
	const struct doctor_group *g = &doc->groups[gi];
	const struct hint *x = g->hint;
	wrapf(o, 11, "      why: ", "%s%s", x->summary,
	      g->confidence == HINT_UNCONFIRMED ? " (likely: the sender is gone, so its command line "
						  "could not be checked)"
	      : g->confidence == HINT_OWN ? " (the sender is gone; the dump's own command line or "
					    "environment confirms it)" : "");
	text_frame(o, g);
	for (size_t i = 0; i < gi; i++) {
		if (doc->groups[i].hint == x) {
			fprintf(o->f, "           (as for [%zu] above)\n\n", i + 1);
			return;
		}
	}
	if (x->detail[0])
		wrap(o, 11, "           ", x->detail);
	for (size_t i = 0; i < x->remedies.n; i++)
		wrap(o, 13, i ? "           - " : "      fix: - ", x->remedies.v[i]);
	for (size_t i = 0; i < x->see.n; i++) {
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "see: %s", x->see.v[i]);
		copyable(o, 6, o->line.s);
	}
	fputc('\n', o->f);
}

static void text_group(struct dout *o, size_t gi)
{
	const struct doctor *doc = o->doc;
	const struct doctor_group *g = &doc->groups[gi];
	char a[FMT_SIZE_LEN], t1[FMT_TIME_LEN], t2[FMT_TIME_LEN], t3[FMT_TIME_LEN], h[32];

	fprintf(o->f, "  [%zu] %s  %s  %s: %zu dump%s, %s\n", gi + 1, safe(o, g->program), g->signal,
		cause_class_id(g->cause), g->n, g->n == 1 ? "" : "s", size(o, a, g->disk));
	fprintf(o->f, "      first %s, last %s (%s)\n", fmt_time(t1, g->first),
		fmt_time(t2, g->last), fmt_ago(t3, doc->now, g->last));
	if (g->cadence == 0)
		fprintf(o->f, "      in bursts (median interval under a second)\n");
	else if (g->cadence > 0)
		fprintf(o->f, "      one every %s (median interval)\n", interval_text(h, g->cadence));
	pace(o, "      last 24 h: ", g);
	const struct core_info *c = &g->dumps[g->n - 1]->core;
	if (c->cmdline) {
		sbuf_reset(&o->tmp);
		dump_cmdline_text(&o->tmp, c, o->r->san_flags);
		char *cmd = sbuf_take(&o->tmp);
		wrapf(o, 15, "      command: ", "%s%s", cmd, c->argv_stack ? " (argv read from the core)" : "");
		free(cmd);
	}
	wrapf(o, 13, "      cause: ", "%s", safe(o, g->cause_text));
	if (g->sender > 0) {
		if (g->sender_cmdline)
			wrapf(o, 13, "      sender ", "pid %ld is still running: %s", g->sender,
			      safe(o, g->sender_cmdline));
		else
			fprintf(o->f, "      sender pid %ld is no longer running\n", g->sender);
	}
	if (g->nrunning) {
		sbuf_reset(&o->line);
		for (size_t i = 0; i < g->nrunning && i < 8; i++)
			sbuf_printf(&o->line, "%s%ld", i ? ", " : "", g->running[i]);
		if (g->nrunning > 8)
			sbuf_printf(&o->line, ", ... (%zu in all)", g->nrunning);
		char *pids = sbuf_take(&o->line);
		wrapf(o, 13, "      running: ", "%s: pid%s %s; %zu can dump core now",
		      safe(o, g->program), g->nrunning == 1 ? "" : "s", pids, g->nrunning_can_dump);
		free(pids);
	}
	if (g->hint)
		group_hint(o, gi);
	else
		fputc('\n', o->f);
}

/* ---- summary and remedies --------------------------------------------------------------- */

/* A snippet's lines, each copyable. */
static void snippet(struct dout *o, int indent, const char *text)
{
	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		copyable(o, indent, safe(o, line));
		free(line);
		p += n + (p[n] == '\n');
	}
}

static void text_remedy(struct dout *o, const struct remedy *m)
{
	wrap(o, 4, "  ", safe(o, m->text));
	snippet(o, 6, m->snippet);
}

static void text_remedies(struct dout *o)
{
	const struct doctor *doc = o->doc;
	static const char *const heads[] = {
		[REMEDY_STOP] = "Stop the dumps", [REMEDY_NOW] = "Right now",
		[REMEDY_BOUND] = "Or keep them, bounded",
	};
	for (int kind = REMEDY_STOP; kind <= REMEDY_BOUND; kind++) {
		bool head = false;
		for (size_t i = 0; i < doc->remedies.n; i++) {
			const struct remedy *m = &doc->remedies.v[i];
			if ((int)m->kind != kind)
				continue;
			if (!head) {
				if (kind == REMEDY_STOP)
					wrapf(o, 4, "", "%s in %s (seen: %s)", heads[kind],
					      envinfo_name(&doc->env),
					      doc->env.markers[0] ? safe(o, doc->env.markers) : "no markers");
				else
					fprintf(o->f, "%s\n", heads[kind]);
				head = true;
			}
			text_remedy(o, m);
		}
		if (head)
			fputc('\n', o->f);
	}
}

/* Each file system that holds dumps: the room left, and the pace of all its groups. */
static void text_filesystems(struct dout *o)
{
	const struct doctor *doc = o->doc;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], h[32];
	fprintf(o->f, "Where they go\n");
	for (size_t i = 0; i < doc->nfs; i++) {
		const struct doctor_fs *f = &doc->fs[i];
		if (!f->ok)
			wrapf(o, 4, "  ", "%s: its free space could not be read", safe(o, f->path));
		else if (f->hours_to_full >= 0)
			wrapf(o, 4, "  ", "%s: %s free; at the pace of all its groups (%s/h) full in about %s",
			      safe(o, f->path), size(o, a, f->avail), size(o, b, (uint64_t)f->rate),
			      hours_text(h, f->hours_to_full));
		else
			wrapf(o, 4, "  ", "%s: %s free of %s", safe(o, f->path), size(o, a, f->avail),
			      size(o, b, f->size));
	}
	fputc('\n', o->f);
}

/* The lasting fix for this environment: the first with a snippet. */
static const struct remedy *the_fix(const struct doctor *doc)
{
	for (size_t i = 0; i < doc->remedies.n; i++)
		if (doc->remedies.v[i].kind == REMEDY_STOP && doc->remedies.v[i].snippet)
			return &doc->remedies.v[i];
	return NULL;
}

/* Cause and fix first, in six lines at most: what (how many, how big, which program), why
 * (one line), how fast, and the fix for this environment as the exact snippet. */
static void text_summary(struct dout *o)
{
	const struct doctor *doc = o->doc;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
	if (!doc->attention) {
		one_line(o, "", "Nothing needs attention: no dumps found and no process at risk.");
		return;
	}
	if (doc->ngroups) {
		const struct doctor_group *g = &doc->groups[0];
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "%s: %zu dump%s, %s (%s, %s)", safe(o, g->program), g->n,
			    g->n == 1 ? "" : "s", size(o, a, g->disk), g->signal, cause_class_id(g->cause));
		if (doc->ngroups > 1)
			sbuf_printf(&o->line, "; %zu in all, %s", doc->dumps, size(o, b, doc->disk));
		char *what = sbuf_take(&o->line);
		one_line(o, "! ", what);
		free(what);
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "%s%s", g->hint ? g->hint->summary : safe(o, g->cause_text),
			    g->hint && g->confidence == HINT_UNCONFIRMED ? " (likely)" : "");
		char *why = sbuf_take(&o->line);
		one_line(o, "  why: ", why);
		free(why);
		if (g->rate >= 0) {
			char h[32], sp[32];
			sbuf_reset(&o->line);
			sbuf_printf(&o->line, "%zu dumps in %s: %s/h", g->n_window, span_text(sp, g->span),
				    size(o, a, (uint64_t)g->rate));
			if (g->hours_to_full >= 0)
				sbuf_printf(&o->line, "; its file system is full in about %s",
					    hours_text(h, g->hours_to_full));
			char *p = sbuf_take(&o->line);
			one_line(o, "  pace: ", p);
			free(p);
		}
	} else {
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "%zu running process%s would fill the file system %s cores go to "
			    "within %u crashes, or could not fit one", doc->procs.at_risk,
			    doc->procs.at_risk == 1 ? "" : "es", doc->procs.at_risk == 1 ? "its" : "their",
			    doc->crashes);
		char *risk = sbuf_take(&o->line);
		one_line(o, "! ", risk);
		free(risk);
	}
	const struct remedy *m = the_fix(doc);
	if (m) {
		sbuf_reset(&o->line);
		sbuf_printf(&o->line, "The fix (%s)%s%s:", envinfo_name(&doc->env), m->where ? ", " : "",
			    m->where ? m->where : "");
		char *fix = sbuf_take(&o->line);
		one_line(o, "> ", fix);
		free(fix);
		snippet(o, 4, m->snippet);
	}
}

void report_doctor_text(FILE *f, const struct report *r, const struct doctor *doc,
			const struct doctor_text_opts *t)
{
	struct dout o = {f, r, doc, t->width > 40 ? t->width : 40, t->pane, {0}, {0}};
	sbuf_init(&o.tmp);
	sbuf_init(&o.line);
	if (!t->pane) {
		char tb[FMT_TIME_LEN];
		fprintf(f, "coredu doctor, %s, in %s\n\n", fmt_time(tb, doc->now), envinfo_name(&doc->env));
	}
	text_summary(&o);
	fputc('\n', f);
	if (doc->ngroups) {
		fprintf(f, "Dumps by program, signal and cause\n");
		for (size_t i = 0; i < doc->ngroups; i++)
			text_group(&o, i);
		text_filesystems(&o);
	} else {
		fprintf(f, "Dumps: none found under the scanned paths.\n\n");
	}
	text_kernel(&o);
	if (!t->pane)
		text_processes(&o, t->all_processes);
	text_remedies(&o);
	sbuf_free(&o.tmp);
	sbuf_free(&o.line);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void json_limit(struct json_out *j, const char *key, uint64_t v)
{
	if (v == PROCFS_UNLIMITED)
		json_str(j, key, "unlimited");
	else
		json_u64(j, key, v);
}

/* Rates and hours: -1 (or not finite) when unknown. */
static void json_known_double(struct json_out *j, const char *key, double v)
{
	json_opt_double(j, key, v >= 0 && isfinite(v), v);
}

static void json_kernel(struct json_out *j, const struct doctor *doc)
{
	const struct coreconf *c = &doc->conf;
	json_obj_begin(j, "kernel");
	json_str(j, "core_pattern", c->kind == PAT_UNKNOWN ? NULL : c->pattern);
	json_str(j, "pattern_kind", coreconf_kind_id(c->kind));
	json_str(j, "handler", coreconf_handler_id(c->handler));
	json_opt_str(j, "handler_path", c->handler_path);
	json_str(j, "handler_dir", c->handler_dir);
	json_str(j, "directory", c->kind == PAT_RELATIVE || c->kind == PAT_ABSOLUTE ? c->dir : NULL);
	static const char *const names[] = {"core_uses_pid", "core_pipe_limit", "suid_dumpable",
					    "core_sort_vma"};
	const int values[] = {c->uses_pid, c->pipe_limit, c->suid_dumpable, c->sort_vma};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		json_opt_i64(j, names[i], values[i] >= 0, values[i]);
	json_opt_str(j, "core_modes", c->modes);
	json_bool(j, "pid_appended", c->pid_appended);
	json_str(j, "accumulation", coreconf_accumulation_id(c->accumulation));
	struct sbuf notes;
	sbuf_init(&notes);
	size_t n;
	kernel_notes(doc, &notes, &n);
	json_arr_begin(j, "notes");
	for (char *p = notes.s; *p;) {
		size_t k = strcspn(p, "\n");
		json_strn(j, NULL, p, k);
		p += k + 1;
	}
	json_arr_end(j);
	sbuf_free(&notes);
	json_obj_end(j);
}

static void json_process(struct json_out *j, const struct liveproc *p)
{
	json_obj_begin(j, NULL);
	json_i64(j, "pid", p->pid);
	json_i64(j, "ppid", p->ppid);
	json_str(j, "comm", p->comm);
	json_str(j, "cmdline", p->cmdline);
	json_str(j, "exe", p->exe);
	json_str(j, "cwd", p->cwd);
	json_str(j, "unit", p->unit);
	if (p->has_limits) {
		json_obj_begin(j, "core_limit");
		json_limit(j, "soft", p->core_soft);
		json_limit(j, "hard", p->core_hard);
		json_obj_end(j);
	} else {
		json_null(j, "core_limit");
	}
	json_opt_hex(j, "coredump_filter", p->has_filter, p->filter);
	json_bool(j, "can_dump", p->can_dump);
	json_str(j, "why_not", p->why_not);
	json_opt_u64(j, "anonymous", p->has_anon, p->anon);
	json_opt_u64(j, "next_core", p->has_anon, p->next_core);
	json_str(j, "destination", p->dest);
	json_opt_u64(j, "destination_avail", p->has_fs, p->fs_avail);
	json_opt_u64(j, "destination_size", p->has_fs, p->fs_size);
	json_opt_u64(j, "cores_that_fit", p->crashes_to_full != UINT64_MAX, p->crashes_to_full);
	json_bool(j, "wont_fit", p->wont_fit);
	json_bool(j, "at_risk", p->at_risk);
	json_obj_end(j);
}

static void json_hint(struct json_out *j, const struct doctor_group *g)
{
	if (!g->hint) {
		json_null(j, "hint");
		return;
	}
	json_obj_begin(j, "hint");
	json_str(j, "id", g->hint->id);
	json_bool(j, "confirmed", g->confidence != HINT_UNCONFIRMED);
	json_str(j, "confirmed_by", g->confidence == HINT_UNCONFIRMED ? NULL
				    : g->confidence == HINT_OWN ? "dump" : g->hint->parents.n ? "sender"
				    : "match");
	json_str(j, "summary", g->hint->summary);
	json_str(j, "detail", g->hint->detail);
	json_arr_begin(j, "remedies");
	for (size_t i = 0; i < g->hint->remedies.n; i++)
		json_str(j, NULL, g->hint->remedies.v[i]);
	json_arr_end(j);
	json_arr_begin(j, "see");
	for (size_t i = 0; i < g->hint->see.n; i++)
		json_str(j, NULL, g->hint->see.v[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void json_group(struct json_out *j, const struct doctor *doc, const struct doctor_group *g)
{
	json_obj_begin(j, NULL);
	json_str(j, "program", g->program);
	json_str(j, "signal", g->signal);
	json_str(j, "cause", cause_class_id(g->cause));
	json_str(j, "cause_text", g->cause_text);
	json_u64(j, "count", g->n);
	json_u64(j, "size_disk", g->disk);
	json_i64(j, "first", g->first);
	json_i64(j, "last", g->last);
	json_opt_i64(j, "cadence_seconds", g->cadence >= 0, g->cadence);
	json_u64(j, "window_count", g->n_window);
	json_u64(j, "window_bytes", g->bytes_window);
	json_i64(j, "window_seconds", g->span);
	json_known_double(j, "rate_bytes_per_hour", g->rate);
	json_known_double(j, "hours_to_full", g->hours_to_full);
	json_str(j, "filesystem", doc->fs[g->fs].path);
	if (g->sender > 0) {
		json_obj_begin(j, "sender");
		json_i64(j, "pid", g->sender);
		json_bool(j, "running", g->sender_cmdline != NULL);
		json_str(j, "cmdline", g->sender_cmdline);
		json_obj_end(j);
	} else {
		json_null(j, "sender");
	}
	json_arr_begin(j, "running");
	for (size_t i = 0; i < g->nrunning; i++)
		json_i64(j, NULL, g->running[i]);
	json_arr_end(j);
	json_hint(j, g);
	if (g->frame_file) {
		json_obj_begin(j, "stack_frame");
		json_str(j, "file", g->frame_file);
		json_opt_i64(j, "line", g->frame_line >= 0, g->frame_line);
		json_str(j, "function", g->frame_function);
		json_bool(j, "coroutine", g->frame_coroutine);
		json_str(j, "dump", g->dumps[g->n - 1]->path);
		json_obj_end(j);
	} else {
		json_null(j, "stack_frame");
	}
	json_str(j, "stack_problem", g->frame_problem);
	json_arr_begin(j, "dumps");
	for (size_t i = 0; i < g->n; i++)
		json_str(j, NULL, g->dumps[i]->path);
	json_arr_end(j);
	json_obj_end(j);
}

/* A process a group points at: it runs the group's program or sent its signal, or it is
 * the operator's shell.  The JSON lists these and the ones that can dump, not every
 * command line on the machine. */
static bool referenced(const struct doctor *doc, long pid)
{
	if (doc->shell && doc->shell->pid == pid)
		return true;
	for (size_t i = 0; i < doc->ngroups; i++) {
		const struct doctor_group *g = &doc->groups[i];
		if (g->sender == pid)
			return true;
		for (size_t k = 0; k < g->nrunning; k++)
			if (g->running[k] == pid)
				return true;
	}
	return false;
}

void report_doctor_json(FILE *f, const struct report *r, const struct doctor *doc)
{
	struct json_out j;
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	report_json_header(&j, r);
	json_i64(&j, "time", doc->now);
	json_bool(&j, "attention", doc->attention);
	json_kernel(&j, doc);

	json_obj_begin(&j, "processes");
	json_u64(&j, "seen", doc->procs.n);
	json_u64(&j, "can_dump", doc->procs.can_dump);
	json_u64(&j, "at_risk", doc->procs.at_risk);
	json_u64(&j, "unreadable", doc->procs.unreadable);
	json_u64(&j, "crashes", doc->crashes);
	json_opt_i64(&j, "shell_pid", doc->shell != NULL, doc->shell ? doc->shell->pid : 0);
	json_arr_begin(&j, "list");
	for (size_t i = 0; i < doc->procs.n; i++)
		if (doc->procs.v[i].can_dump || referenced(doc, doc->procs.v[i].pid))
			json_process(&j, &doc->procs.v[i]);
	json_arr_end(&j);
	json_obj_end(&j);

	json_arr_begin(&j, "tied");
	for (size_t i = 0; i < doc->ntied; i++)
		json_i64(&j, NULL, doc->tied[i]);
	json_arr_end(&j);
	json_obj_begin(&j, "files");
	json_u64(&j, "process_cores", doc->files.kernel_cores);
	json_str(&j, "crowded_dir", doc->files.crowded_dir);
	json_u64(&j, "crowded", doc->files.crowded);
	json_obj_end(&j);

	json_arr_begin(&j, "groups");
	for (size_t i = 0; i < doc->ngroups; i++)
		json_group(&j, doc, &doc->groups[i]);
	json_arr_end(&j);

	json_arr_begin(&j, "filesystems");
	for (size_t i = 0; i < doc->nfs; i++) {
		const struct doctor_fs *fs = &doc->fs[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "path", fs->path);
		json_opt_u64(&j, "size", fs->ok, fs->size);
		json_opt_u64(&j, "avail", fs->ok, fs->avail);
		json_known_double(&j, "rate_bytes_per_hour", fs->rate > 0 ? fs->rate : -1);
		json_known_double(&j, "hours_to_full", fs->hours_to_full);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_obj_begin(&j, "environment");
	json_str(&j, "kind", envinfo_kind_id(doc->env.kind));
	json_str(&j, "name", envinfo_name(&doc->env));
	json_bool(&j, "fargate", doc->env.fargate);
	json_bool(&j, "container", doc->env.container);
	json_arr_begin(&j, "markers");
	for (const char *m = doc->env.markers; *m;) {
		size_t k = strcspn(m, ",");
		json_strn(&j, NULL, m, k);
		m += k;
		m += strspn(m, ", ");
	}
	json_arr_end(&j);
	json_obj_end(&j);

	json_arr_begin(&j, "remedies");
	for (size_t i = 0; i < doc->remedies.n; i++) {
		const struct remedy *m = &doc->remedies.v[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "id", m->id);
		json_str(&j, "kind", remedy_kind_id(m->kind));
		json_str(&j, "text", m->text);
		json_str(&j, "snippet", m->snippet);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}
