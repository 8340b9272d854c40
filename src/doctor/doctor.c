/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "base/procfs.h"
#include "base/util.h"
#include "kinds/dump.h"

/* ---- grouping -------------------------------------------------------------------------- */

struct keyed {
	const struct dump *d;
	const char *program;
	char signal[16];
	enum cause_class cause;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->program, y->program);
	if (!c)
		c = strcmp(x->signal, y->signal);
	if (!c)
		c = (int)x->cause - (int)y->cause;
	if (!c)
		c = (x->d->mtime > y->d->mtime) - (x->d->mtime < y->d->mtime);
	if (!c)
		c = strcmp(x->d->path, y->d->path);
	return c;
}

static bool same_group(const struct keyed *x, const struct keyed *y)
{
	return strcmp(x->program, y->program) == 0 && strcmp(x->signal, y->signal) == 0 &&
	       x->cause == y->cause;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Median gap between consecutive dumps (oldest first). */
static int64_t median_interval(const struct doctor_group *g)
{
	if (g->n < 2)
		return -1;
	int64_t *gaps = xmalloc((g->n - 1) * sizeof(*gaps));
	for (size_t i = 1; i < g->n; i++)
		gaps[i - 1] = g->dumps[i]->mtime - g->dumps[i - 1]->mtime;
	sort_array(gaps, g->n - 1, sizeof(*gaps), cmp_i64);
	size_t m = (g->n - 1) / 2;
	int64_t med = (g->n - 1) % 2 ? gaps[m] : (gaps[m - 1] + gaps[m]) / 2;
	free(gaps);
	return med;
}

/* The pace over the true window: the dumps of the last 24 h, the bytes written after the
 * first of them over the seconds from the first to the last (at least one).  Four cores 47 s
 * apart are 141 s of writing, not an hour's.  One dump alone makes no pace. */
static void growth(struct doctor_group *g, int64_t now)
{
	int64_t since = now - DOCTOR_WINDOW, first = 0, last = 0;
	uint64_t first_bytes = 0;
	g->rate = -1;
	for (size_t i = 0; i < g->n; i++) {
		const struct dump *d = g->dumps[i];
		if (d->mtime < since || d->mtime > now)
			continue;
		if (!g->n_window++) {
			first = d->mtime;
			first_bytes = d->size_disk;
		}
		last = d->mtime;
		g->bytes_window = sat_add_u64(g->bytes_window, d->size_disk);
	}
	if (g->n_window < 2)
		return;
	g->span = last - first;
	g->rate = (double)(g->bytes_window - first_bytes) * 3600.0 / (double)(g->span > 0 ? g->span : 1);
}

/* The mount point holding path: climb while the parent is on the same device (lstat:
 * the path came from the scan, which never follows links). */
static char *mount_point(const char *path, uint64_t dev)
{
	char *p = xstrdup(path);
	char *file = strrchr(p, '/');
	if (file && file != p)
		*file = '\0'; /* the dump's directory, at least */
	else if (file)
		file[1] = '\0';
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
		struct stat st;
		if (lstat(p, &st) != 0 || (uint64_t)st.st_dev != dev) {
			*slash = '/';
			break;
		}
	}
	if (p[0] == '/' && strchr(p + 1, '/') == NULL) {
		struct stat st;
		if (lstat("/", &st) == 0 && (uint64_t)st.st_dev == dev)
			strcpy(p, "/");
	}
	return p;
}

static size_t fs_for(struct doctor *doc, const struct dump *d)
{
	for (size_t i = 0; i < doc->nfs; i++)
		if (doc->fs[i].dev == d->dev)
			return i;
	doc->fs = xrealloc(doc->fs, (doc->nfs + 1) * sizeof(*doc->fs));
	struct doctor_fs *f = &doc->fs[doc->nfs];
	memset(f, 0, sizeof(*f));
	f->dev = d->dev;
	f->hours_to_full = -1;
	f->path = mount_point(d->path, d->dev);
	struct statvfs sv;
	if (statvfs(f->path, &sv) == 0) {
		f->ok = true;
		f->size = (uint64_t)sv.f_blocks * sv.f_frsize;
		f->avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	}
	return doc->nfs++;
}

/* ---- live processes behind a group ------------------------------------------------------ */

/* The live processes of the group's program, by the same identity as the dumps': a
 * gunicorn worker is not any python3. */
static void find_running(struct doctor *doc, struct doctor_group *g)
{
	for (size_t i = 0; i < doc->procs.n; i++) {
		const struct liveproc *p = &doc->procs.v[i];
		if (!p->program || strcmp(p->program, g->program) != 0)
			continue;
		g->running = xrealloc(g->running, (g->nrunning + 1) * sizeof(*g->running));
		g->running[g->nrunning++] = p->pid;
		g->nrunning_can_dump += p->can_dump;
	}
}

/* The command line of a dump's sender if that pid still belongs to the same process: it
 * must have started before the dump was written, or the pid was reused.  NULL if not. */
static char *live_sender_cmdline(const char *proc, const struct dump *d)
{
	int64_t started;
	long pid = (long)d->core.sender_pid;
	if (!d->core.has_sender || pid <= 0 || procfs_start_time(proc, pid, &started) != 0 ||
	    started > d->mtime + 1)
		return NULL;
	struct sbuf s;
	sbuf_init(&s);
	if (procfs_cmdline(proc, pid, LIVEPROC_CMDLINE_MAX, &s) != 0 || !s.len) {
		sbuf_free(&s);
		return NULL;
	}
	char *cmdline = sbuf_take(&s);
	sbuf_free(&s);
	return cmdline;
}

static void find_sender(struct doctor_group *g, const char *proc)
{
	const struct dump *d = g->dumps[g->n - 1];
	g->sender = -1;
	if (!d->core.has_sender || d->core.sender_pid <= 0 ||
	    (g->cause != CAUSE_PARENT && g->cause != CAUSE_OTHER))
		return;
	g->sender = (long)d->core.sender_pid;
	g->sender_cmdline = live_sender_cmdline(proc, d);
}

/* The environment values a dump keeps (the allow-list's), one string for the hints. */
static char *kept_env(const struct dump *d)
{
	struct sbuf s;
	sbuf_init(&s);
	const struct core_info *c = &d->core;
	for (size_t i = 0; c->env && i < c->env_len; i += strlen(c->env + i) + 1)
		if (strchr(c->env + i, '='))
			sbuf_printf(&s, "%s%s", s.len ? " " : "", c->env + i);
	char *env = sbuf_take(&s);
	sbuf_free(&s);
	return env;
}

static const struct hint *match(const struct hints *h, const struct dump *d, const char *signal,
				enum cause_class cause, const char *parent,
				enum hint_confidence *conf)
{
	char *env = kept_env(d);
	struct hint_subject s = {
		.comm = dump_command(d), .cmdline = d->core.cmdline ? d->core.cmdline : "",
		.exe = d->core.exe ? d->core.exe : d->core.exe_mapped, .program = dump_program(d),
		.env = env, .signal = signal, .kind = dump_kind_name(d->kind), .cause = cause,
		.parent_cmdline = parent,
	};
	const struct hint *x = hints_match(h, &s, conf);
	free(env);
	return x;
}

static void match_hint(struct doctor *doc, struct doctor_group *g)
{
	g->hint = match(&doc->hints, g->dumps[g->n - 1], g->signal, g->cause, g->sender_cmdline,
			&g->confidence);
}

static int larger_first(const void *a, const void *b)
{
	const struct doctor_group *x = a, *y = b;
	if (x->disk != y->disk)
		return x->disk > y->disk ? -1 : 1;
	return strcmp(x->program, y->program);
}

static void build_groups(struct doctor *doc, const struct dump *const *dumps, size_t n)
{
	struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i].d = dumps[i];
		k[i].program = dump_program(dumps[i]);
		char buf[16];
		snprintf(k[i].signal, sizeof(k[i].signal), "%s", dump_signal_name(dumps[i], buf));
		k[i].cause = cause_classify(&dumps[i]->core);
	}
	sort_array(k, n, sizeof(*k), cmp_keyed);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && same_group(&k[i], &k[j]))
			j++;
		doc->groups = xrealloc(doc->groups, (doc->ngroups + 1) * sizeof(*doc->groups));
		struct doctor_group *g = &doc->groups[doc->ngroups++];
		memset(g, 0, sizeof(*g));
		g->program = xstrdup(k[i].program);
		memcpy(g->signal, k[i].signal, sizeof(g->signal));
		g->cause = k[i].cause;
		g->n = j - i;
		g->dumps = xmalloc(g->n * sizeof(*g->dumps));
		for (size_t m = 0; m < g->n; m++) {
			g->dumps[m] = k[i + m].d;
			g->disk = sat_add_u64(g->disk, k[i + m].d->size_disk);
		}
		g->first = g->dumps[0]->mtime;
		g->last = g->dumps[g->n - 1]->mtime;
		i = j;
	}
	free(k);
	sort_array(doc->groups, doc->ngroups, sizeof(*doc->groups), larger_first);
}

/* A hint that names a frame: the newest dump's Python stack, read within the time limit. */
static void find_frame(struct doctor_group *g, const struct stack_opts *so)
{
	if (!g->hint || !g->hint->stack_python || so->timeout <= 0)
		return;
	struct stack_opts o = *so;
	o.native = false, o.python = true;
	struct stack_result st;
	stack_read(g->dumps[g->n - 1], &o, &st);
	const struct pystack_result *py = &st.r.py;
	const struct pystack_frame *f = NULL;
	if (st.r.has_python && py->status == PYSTACK_OK)
		f = pystack_app_frame(py, &g->frame_coroutine);
	if (f) {
		g->frame_file = xstrdup(f->file ? f->file : "?");
		g->frame_function = xstrdup(f->function ? f->function : "?");
		g->frame_line = f->line;
	} else if (st.r.has_python && py->status != PYSTACK_OK) {
		g->frame_problem = xasprintf("%s: %s", pystack_status_name(py->status), py->problem);
	} else {
		g->frame_problem = xstrdup(st.problem ? st.problem : !stack_applies(g->dumps[g->n - 1])
					   ? "not a process core" : "no frame of the application's own");
	}
	stack_result_free(&st);
}

static void analyse_group(struct doctor *doc, struct doctor_group *g, const char *proc)
{
	g->cadence = median_interval(g);
	growth(g, doc->now);
	g->fs = fs_for(doc, g->dumps[g->n - 1]);
	struct doctor_fs *f = &doc->fs[g->fs];
	g->hours_to_full = g->rate > 0 && f->ok ? (double)f->avail / g->rate : -1;
	if (g->rate > 0)
		f->rate += g->rate;
	struct sbuf s;
	sbuf_init(&s);
	cause_describe(&s, &g->dumps[g->n - 1]->core);
	g->cause_text = sbuf_take(&s);
	sbuf_free(&s);
	find_sender(g, proc);
	find_running(doc, g);
	match_hint(doc, g);
}

/* ---- remedies --------------------------------------------------------------------------- */

/* A live process tied to the dumps, once: it can dump now. */
static void tie(struct doctor *doc, const struct liveproc *p, const char **unit)
{
	if (!p || !p->can_dump)
		return;
	for (size_t k = 0; k < doc->ntied; k++)
		if (doc->tied[k] == p->pid)
			return;
	doc->tied = xrealloc(doc->tied, (doc->ntied + 1) * sizeof(*doc->tied));
	doc->tied[doc->ntied++] = p->pid;
	if (!*unit)
		*unit = p->unit;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* prlimit targets: the processes tied to the dumps (their programs, and the senders still
 * running), largest group first; with no dumps, the processes at risk. */
static void build_remedies(struct doctor *doc, const struct doctor_opts *o)
{
	const char *unit = NULL;
	for (size_t gi = 0; gi < doc->ngroups; gi++) {
		const struct doctor_group *g = &doc->groups[gi];
		if (g->sender_cmdline)
			tie(doc, liveproc_find(&doc->procs, g->sender), &unit);
		for (size_t i = 0; i < g->nrunning; i++)
			tie(doc, liveproc_find(&doc->procs, g->running[i]), &unit);
	}
	for (size_t i = 0; i < doc->procs.n && doc->ngroups == 0; i++)
		if (doc->procs.v[i].at_risk)
			tie(doc, &doc->procs.v[i], &unit);
	sort_array(doc->tied, doc->ntied, sizeof(*doc->tied), cmp_long);
	struct remedy_ctx rc = {&doc->env, &doc->conf, unit, doc->tied, doc->ntied, doc->ngroups > 0,
				o->root};
	remedy_build(&doc->remedies, &rc);
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp((*(const struct dump *const *)a)->path, (*(const struct dump *const *)b)->path);
}

/* The settings say one core per directory; do the files agree?  The directory holding the
 * most process cores, when it holds more than one. */
static void check_files(struct doctor *doc, const struct dump *const *dumps, size_t n)
{
	const struct dump **v = xmalloc((n ? n : 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (dumps[i]->kind == DUMP_ELF_CORE)
			v[k++] = dumps[i];
	doc->files.kernel_cores = k;
	sort_array(v, k, sizeof(*v), cmp_paths);
	for (size_t i = 0, run = 0; i < k; i++) {
		const char *a = v[i]->path, *sa = strrchr(a, '/');
		const char *b = i ? v[i - 1]->path : NULL, *sb = b ? strrchr(b, '/') : NULL;
		bool same = sb && sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
		run = same ? run + 1 : 1;
		if (run > 1 && run > doc->files.crowded && doc->conf.accumulation == ACC_ONE_PER_DIR) {
			free(doc->files.crowded_dir);
			doc->files.crowded_dir = xstrndup(a, (size_t)(sa - a));
			doc->files.crowded = run;
		}
	}
	free(v);
}

int doctor_run(struct doctor *doc, const struct doctor_opts *o, const struct dump *const *dumps,
	       size_t n, char *err, size_t errlen)
{
	memset(doc, 0, sizeof(*doc));
	doc->now = o->now;
	doc->crashes = o->crashes ? o->crashes : 10;
	if (hints_builtin(&doc->hints, err, errlen) != 0)
		return -1;
	coreconf_read(&doc->conf, o->proc);
	struct liveproc_opts lo = {o->proc, &doc->conf, doc->crashes, o->self};
	liveproc_read(&doc->procs, &lo);
	if (o->shell > 0)
		doc->shell = liveproc_find(&doc->procs, o->shell);
	struct envinfo_probe ep = {o->proc, o->rootfs ? o->rootfs : "/", o->envp};
	envinfo_detect(&doc->env, &ep);

	build_groups(doc, dumps, n);
	check_files(doc, dumps, n);
	for (size_t i = 0; i < doc->ngroups; i++) {
		analyse_group(doc, &doc->groups[i], o->proc);
		find_frame(&doc->groups[i], &o->stacks);
		doc->dumps += doc->groups[i].n;
		doc->disk = sat_add_u64(doc->disk, doc->groups[i].disk);
	}
	for (size_t i = 0; i < doc->nfs; i++)
		if (doc->fs[i].rate > 0 && doc->fs[i].ok)
			doc->fs[i].hours_to_full = (double)doc->fs[i].avail / doc->fs[i].rate;
	build_remedies(doc, o);
	doc->attention = doc->ngroups > 0 || doc->procs.at_risk > 0;
	return 0;
}

void doctor_free(struct doctor *doc)
{
	for (size_t i = 0; i < doc->ngroups; i++) {
		struct doctor_group *g = &doc->groups[i];
		free(g->program);
		free(g->dumps);
		free(g->cause_text);
		free(g->sender_cmdline);
		free(g->running);
		free(g->frame_file);
		free(g->frame_function);
		free(g->frame_problem);
	}
	free(doc->groups);
	for (size_t i = 0; i < doc->nfs; i++)
		free(doc->fs[i].path);
	free(doc->fs);
	liveproc_free(&doc->procs);
	free(doc->tied);
	free(doc->files.crowded_dir);
	hints_free(&doc->hints);
	remedy_free(&doc->remedies);
	memset(doc, 0, sizeof(*doc));
}

ssize_t doctor_group_of(const struct doctor *doc, const struct dump *dump)
{
	for (size_t i = 0; i < doc->ngroups; i++)
		for (size_t k = 0; k < doc->groups[i].n; k++)
			if (doc->groups[i].dumps[k]->dev == dump->dev &&
			    doc->groups[i].dumps[k]->ino == dump->ino)
				return (ssize_t)i;
	return -1;
}

void doctor_why(struct sbuf *out, const struct dump *d, const struct hints *h, const char *proc)
{
	char sig[16];
	enum cause_class cause = cause_classify(&d->core);
	/* An imported dump's sender ran on its own host: no process here says anything of it. */
	bool local_sender = (cause == CAUSE_PARENT || cause == CAUSE_OTHER) && !d->source;
	char *parent = local_sender ? live_sender_cmdline(proc, d) : NULL;
	enum hint_confidence conf;
	const struct hint *x = h ? match(h, d, dump_signal_name(d, sig), cause, parent, &conf) : NULL;
	if (x)
		sbuf_printf(out, "%s%s", x->summary, conf == HINT_UNCONFIRMED ? " (likely)" : "");
	else
		cause_describe(out, &d->core);
	free(parent);
}
