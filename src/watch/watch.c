/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "watch/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/afile.h"
#include "base/identity.h"
#include "base/idset.h"
#include "base/json.h"
#include "base/util.h"
#include "delete/delete.h"
#include "kinds/dump.h"
#include "model/index.h"
#include "output/report.h"
#include "scan/bgscan.h"
#include "scan/detect.h"
#include "scan/safeopen.h"
#include "watch/treewatch.h"

#define RECHECK_MS 1000   /* a candidate not yet complete is looked at again this often */
#define RENAME_MS 1000    /* a dump renamed away waits this long for its new name */
#define METRICS_GAP_MS 1000 /* metrics rewritten at most this often after changes */

/* A dump reported (or found by the first scan): the state. */
struct known {
	struct dump *d;
	int64_t gone_at; /* renamed away: reported deleted at this time unless seen again; 0 */
};

/* A file that may become a dump: not yet complete. */
struct pending {
	char *path;
	bool closed;        /* closed after writing, or renamed into place */
	bool dir;           /* a directory dump (ABRT): its parent is scanned again */
	uint64_t size;
	int64_t mtime_ns;
	int64_t stable_since, check_at; /* ms */
};

struct watch {
	struct watch_opts o;
	struct bgscan *first;        /* the first scan: its roots bound what deletion touches */
	const struct scan *roots;
	struct treewatch *tw;
	struct known *k;
	size_t nk, capk;
	struct idset byid, bypath;   /* (key dev, inode) and (hash of path, 0) -> index in k */
	struct pending *p;
	size_t np, capp;
	struct idset pbypath;        /* (hash of path, 0) -> index in p */
	bool overflow, told_limit;
	int64_t next_rescan, next_metrics, metrics_due, prune_due;
	double scan_seconds;
	uint64_t scan_errors;
	struct watch_stats stats;
	sigset_t waitmask;           /* the caller's mask without the signals it handles */
	struct sbuf tmp;
};

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static uint64_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

struct seen {
	struct watch *w;
	struct idset ids; /* what a reconciling scan found */
	bool reconcile;
};

static bool run_scan(struct watch *w, char *const *paths, size_t n, struct seen *s,
		     struct bgscan **keep);

/* ---- the known dumps -------------------------------------------------------------------- */

static ssize_t known_by_path(const struct watch *w, const char *path)
{
	const uint64_t *at = idset_find(&w->bypath, path_hash(path), 0);
	return at && strcmp(w->k[*at].d->path, path) == 0 ? (ssize_t)*at : -1;
}

static ssize_t known_by_id(const struct watch *w, const struct dump *d)
{
	const uint64_t *at = idset_find(&w->byid, dump_key_dev(d), d->ino);
	return at ? (ssize_t)*at : -1;
}

static void known_add(struct watch *w, struct dump *d)
{
	w->k = xgrow(w->k, &w->capk, w->nk + 1, sizeof(*w->k));
	w->k[w->nk] = (struct known){d, 0};
	idset_put(&w->byid, dump_key_dev(d), d->ino, w->nk);
	idset_put(&w->bypath, path_hash(d->path), 0, w->nk);
	w->nk++;
	w->metrics_due = w->prune_due = mono_ms();
}

/* Take the dump at i out of the state (the last fills its place); the caller frees it. */
static struct dump *known_take(struct watch *w, size_t i)
{
	struct dump *d = w->k[i].d;
	idset_remove(&w->byid, dump_key_dev(d), d->ino);
	idset_remove(&w->bypath, path_hash(d->path), 0);
	if (i != --w->nk) {
		w->k[i] = w->k[w->nk];
		idset_put(&w->byid, dump_key_dev(w->k[i].d), w->k[i].d->ino, i);
		idset_put(&w->bypath, path_hash(w->k[i].d->path), 0, i);
	}
	w->metrics_due = w->prune_due = mono_ms();
	return d;
}

/* The state as an index, for prune, the metrics and the doctor (the dumps stay owned). */
static void known_index(const struct watch *w, struct index *ix)
{
	index_init(ix);
	ix->v = xmalloc((w->nk ? w->nk : 1) * sizeof(*ix->v));
	for (size_t i = 0; i < w->nk; i++)
		ix->v[i] = w->k[i].d;
	ix->n = ix->cap = w->nk;
}

/* ---- events ----------------------------------------------------------------------------- */

static void event(struct watch *w, const char *what, const struct dump *d, const char *key,
		  const char *value)
{
	if (!w->o.events)
		return;
	struct index none;
	index_init(&none);
	struct report r = {.ix = &none, .magic = w->o.magic};
	struct json_out j;
	json_init(&j, w->o.events, false);
	json_obj_begin(&j, NULL);
	report_json_dump_members(&j, &r, d, NULL); /* no stacks, as json without --backtrace */
	json_str(&j, "event", what);
	json_i64(&j, "time", (int64_t)time(NULL));
	if (key)
		json_str(&j, key, value);
	if (w->o.identity)
		identity_json(&j, "identity", w->o.identity);
	json_obj_end(&j);
	json_end(&j);
	fflush(w->o.events);
}

static void notice(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notice(struct watch *w, const char *fmt, ...)
{
	if (!w->o.log)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("coredu: watch: ", w->o.log);
	vfprintf(w->o.log, fmt, ap);
	fputc('\n', w->o.log);
	va_end(ap);
	fflush(w->o.log);
}

/* ---- roots ------------------------------------------------------------------------------ */

/* The dump's place below the first scan's roots, as deletion needs it; false when it is
 * below none (it would never be deleted, nor reported). */
static bool fix_root(const struct watch *w, struct dump *d)
{
	size_t best = SIZE_MAX, bestlen = 0;
	for (size_t i = 0; i < scan_root_count(w->roots); i++) {
		const char *rp = scan_get_root(w->roots, i)->path;
		size_t n = strlen(rp);
		bool in = strncmp(d->path, rp, n) == 0 &&
			  (d->path[n] == '/' || d->path[n] == '\0' || rp[n - 1] == '/');
		if (in && n >= bestlen)
			best = i, bestlen = n;
	}
	if (best == SIZE_MAX)
		return false;
	const char *rp = scan_get_root(w->roots, best)->path;
	d->root = (uint32_t)best;
	d->rel = (uint32_t)(d->path[bestlen] == '\0' ? bestlen : bestlen + (rp[bestlen - 1] != '/'));
	return true;
}

/* A name that coredu's own deletion or compression uses for a moment. */
static bool ours(const char *path)
{
	const char *base = strrchr(path, '/');
	return strstr(base ? base : path, ".coredu-") != NULL;
}

/* ---- candidates ------------------------------------------------------------------------- */

static ssize_t pending_find(const struct watch *w, const char *path)
{
	const uint64_t *at = idset_find(&w->pbypath, path_hash(path), 0);
	return at && strcmp(w->p[*at].path, path) == 0 ? (ssize_t)*at : -1;
}

static void pending_drop(struct watch *w, size_t i)
{
	if (w->p[i].path) {
		idset_remove(&w->pbypath, path_hash(w->p[i].path), 0);
		free(w->p[i].path);
	}
	if (i != --w->np) {
		w->p[i] = w->p[w->np];
		idset_put(&w->pbypath, path_hash(w->p[i].path), 0, i);
	}
}

/* A candidate, new or seen again: `closed` when it was closed after writing. */
static void pending_note(struct watch *w, const char *path, bool closed, bool dir, int64_t at)
{
	if (ours(path))
		return;
	ssize_t i = pending_find(w, path);
	if (i < 0) {
		w->p = xgrow(w->p, &w->capp, w->np + 1, sizeof(*w->p));
		w->p[w->np] = (struct pending){xstrdup(path), false, dir, UINT64_MAX, 0, mono_ms(), at};
		idset_put(&w->pbypath, path_hash(path), 0, w->np);
		i = (ssize_t)w->np++;
	}
	w->p[i].closed |= closed;
	if (at < w->p[i].check_at)
		w->p[i].check_at = at;
}

static bool elf_kind(const struct dump *d)
{
	return d->compression == COMP_NONE &&
	       (d->kind == DUMP_ELF_CORE || d->kind == DUMP_GCORE || d->kind == DUMP_SYSTEMD_CORE ||
		d->kind == DUMP_CORE_TEMP || d->kind == DUMP_VMCORE);
}

/* Open a candidate without following a link and without opening anything but a regular
 * file; NULL when it is gone or is not one.  *st gets its status. */
static int open_candidate(const char *path, struct stat *st)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return -1;
	char *dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	int dfd = safeopen_abs(dir, O_RDONLY | O_DIRECTORY);
	free(dir);
	if (dfd < 0)
		return -1;
	int fd = -1;
	if (fstatat(dfd, slash + 1, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode))
		fd = openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(dfd);
	if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The dump in a candidate file, read as the scan reads it; NULL if it is none (yet). */
static struct dump *parse_candidate(const struct watch *w, const char *path, int fd,
				    const struct stat *st)
{
	if (st->st_size < DETECT_MIN_SIZE ||
	    !detect_path_checked(path, (uint64_t)st->st_size, w->o.scan.sniff_all))
		return NULL;
	unsigned char head[DUMP_HEAD_LEN];
	ssize_t k = pread(fd, head, sizeof(head), 0);
	if (k <= 0)
		return NULL;
	enum dump_compression comp;
	enum dump_kind kind = detect_file(fd, (uint64_t)st->st_size, head, (size_t)k, &comp);
	if (kind == DUMP_NONE)
		return NULL;
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	dump_set_stat(d, st);
	d->kind = kind;
	d->compression = comp;
	d->head_len = (uint8_t)k;
	memcpy(d->head, head, (size_t)k);
	dump_parse_fd(d, fd, (uint64_t)st->st_size, w->o.scan.parse_flags);
	return d;
}

static void report_deleted(struct watch *w, size_t i);

/* A complete dump: new, or one already known under another name or rewritten. */
static void found(struct watch *w, struct dump *d)
{
	if (!fix_root(w, d)) {
		dump_free(d);
		return;
	}
	ssize_t i = known_by_id(w, d);
	if (i >= 0) {
		struct known *k = &w->k[i];
		bool same = k->d->size_apparent == d->size_apparent && k->d->mtime == d->mtime &&
			    k->d->mtime_nsec == d->mtime_nsec;
		if (same) { /* renamed, or found again by a rescan: the same dump */
			dump_free(known_take(w, (size_t)i));
			known_add(w, d);
			return;
		}
		/* Its inode holds other bytes: the dump that had it was deleted (its event lost in
		 * an overflow, or not yet read) and the inode given to this one. */
		report_deleted(w, (size_t)i);
		ssize_t old = known_by_path(w, d->path);
		if (old >= 0)
			dump_free(known_take(w, (size_t)old));
		known_add(w, d);
	} else {
		ssize_t old = known_by_path(w, d->path); /* replaced by another file */
		if (old >= 0)
			dump_free(known_take(w, (size_t)old));
		known_add(w, d);
	}
	w->stats.events_new++;
	event(w, "new", d, NULL, NULL);
}

/* Look at candidate i: drop it, report it, or look again later.  Returns true when it left
 * the list (the caller does not advance). */
/* A directory dump (ABRT) that had not settled: its parent is scanned again, which finds
 * it complete, or makes it a candidate once more. */
static void recheck_dir(struct watch *w, size_t i)
{
	char *path = xstrdup(w->p[i].path);
	pending_drop(w, i);
	char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		*slash = '\0';
		struct seen s = {w, {0}, false};
		run_scan(w, &path, 1, &s, NULL);
	}
	free(path);
}

static bool check_pending(struct watch *w, size_t i, int64_t now)
{
	struct pending *p = &w->p[i];
	struct stat st;
	if (p->dir) {
		recheck_dir(w, i);
		return true;
	}
	int fd = open_candidate(p->path, &st);
	if (fd < 0) { /* gone, or not a regular file */
		pending_drop(w, i);
		return true;
	}
	int64_t mns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if ((uint64_t)st.st_size != p->size || mns != p->mtime_ns) {
		p->size = (uint64_t)st.st_size;
		p->mtime_ns = mns;
		p->stable_since = now;
	}
	bool settled = now - p->stable_since >= (int64_t)(w->o.settle * 1000);
	struct dump *d = parse_candidate(w, p->path, fd, &st);
	close(fd);
	bool agree = d && (!elf_kind(d) || !d->core.truncated);
	if (d && ((p->closed && agree) || settled)) {
		pending_drop(w, i);
		found(w, d);
		return true;
	}
	dump_free(d);
	if (!d && (settled || (p->closed && st.st_size >= DETECT_MIN_SIZE && !p->dir))) {
		pending_drop(w, i); /* not a dump, and finished */
		return true;
	}
	p->check_at = now + RECHECK_MS;
	return false;
}

static void check_candidates(struct watch *w, int64_t now)
{
	for (size_t i = 0; i < w->np;)
		if (w->p[i].check_at > now || !check_pending(w, i, now))
			i++;
}

/* ---- deletions -------------------------------------------------------------------------- */

static void report_deleted(struct watch *w, size_t i)
{
	struct dump *d = known_take(w, i);
	w->stats.events_deleted++;
	event(w, "deleted", d, NULL, NULL);
	dump_free(d);
}

/* Every known dump at or below path went away (a directory removed or moved out). */
static void gone_below(struct watch *w, const char *path)
{
	size_t n = strlen(path);
	for (size_t i = w->nk; i-- > 0;) {
		const char *p = w->k[i].d->path;
		if (strncmp(p, path, n) == 0 && (p[n] == '/' || p[n] == '\0'))
			report_deleted(w, i);
	}
	for (size_t i = w->np; i-- > 0;)
		if (strncmp(w->p[i].path, path, n) == 0 && w->p[i].path[n] == '/')
			pending_drop(w, i);
}

/* Whether a candidate is d under a new name (the watcher lags: its check is yet to come). */
static bool renamed_pending(const struct watch *w, const struct dump *d)
{
	struct stat st;
	for (size_t i = 0; i < w->np; i++)
		if (lstat(w->p[i].path, &st) == 0 && (uint64_t)st.st_ino == d->ino &&
		    (uint64_t)st.st_dev == d->dev)
			return true;
	return false;
}

/* Dumps renamed away whose new name did not show up: deleted, or moved out of the trees. */
static void check_renamed(struct watch *w, int64_t now)
{
	for (size_t i = w->nk; i-- > 0;) {
		if (!w->k[i].gone_at || w->k[i].gone_at > now)
			continue;
		struct stat st;
		if (lstat(w->k[i].d->path, &st) == 0 && (uint64_t)st.st_ino == w->k[i].d->ino)
			w->k[i].gone_at = 0; /* back under its name */
		else if (renamed_pending(w, w->k[i].d))
			w->k[i].gone_at = now + RENAME_MS; /* its new name is a candidate not yet seen */
		else
			report_deleted(w, i);
	}
}

/* ---- scans ------------------------------------------------------------------------------ */

/* A dump a scan found: known (maybe renamed: its new name), or a candidate. */
static void take_scanned(void *ctx, struct dump *d)
{
	struct seen *s = ctx;
	struct watch *w = s->w;
	if (s->reconcile)
		idset_put(&s->ids, dump_key_dev(d), d->ino, 0);
	ssize_t i = known_by_id(w, d);
	if (i >= 0 && w->k[i].d->size_apparent == d->size_apparent && w->k[i].d->mtime == d->mtime &&
	    w->k[i].d->mtime_nsec == d->mtime_nsec) {
		if (strcmp(w->k[i].d->path, d->path) != 0 && fix_root(w, d)) { /* renamed */
			dump_free(known_take(w, (size_t)i));
			known_add(w, d);
			return;
		}
		w->k[i].gone_at = 0;
		dump_free(d);
		return;
	}
	if (d->kind == DUMP_ABRT) { /* a directory: complete once it has settled */
		int64_t age_ms = ((int64_t)time(NULL) - d->mtime) * 1000;
		if (age_ms >= (int64_t)(w->o.settle * 1000)) {
			found(w, d);
			return;
		}
		pending_note(w, d->path, true, true, mono_ms() + (int64_t)(w->o.settle * 1000));
	} else {
		pending_note(w, d->path, false, false, mono_ms());
	}
	dump_free(d);
}

/* Scan paths in the background, taking its dumps, until done or a signal (false). */
static bool run_scan(struct watch *w, char *const *paths, size_t n, struct seen *s,
		     struct bgscan **keep)
{
	struct sbuf problems;
	sbuf_init(&problems);
	struct bgscan *b = bgscan_start(&w->o.scan, paths, n, &problems);
	if (problems.len)
		notice(w, "%.*s", (int)strcspn(problems.s, "\n"), problems.s);
	sbuf_free(&problems);
	bool done = false;
	while (!done) {
		done = bgscan_finished(b);
		bgscan_drain(b, take_scanned, s);
		if (!done && *w->o.signal) {
			bgscan_cancel(b);
			break;
		}
		if (!done) {
			struct timespec t = {0, 50 * 1000000};
			nanosleep(&t, NULL);
		}
	}
	struct scan_progress pr;
	bgscan_progress(b, &pr);
	w->scan_seconds = pr.seconds;
	w->scan_errors = pr.totals.errors;
	w->stats.rescans++;
	if (keep && done)
		*keep = b;
	else
		bgscan_free(b);
	return done;
}

/* Rescan paths; the known dumps below them that it did not find are deleted, unless their
 * new name shows up within RENAME_MS: one renamed during the scan, from a directory not yet
 * read to one already read, is missed by it, and its new name waits in the event queue. */
static void reconcile(struct watch *w, char *const *paths, size_t n)
{
	struct seen s = {w, {0}, true};
	idset_init(&s.ids);
	if (run_scan(w, paths, n, &s, NULL)) {
		int64_t gone_at = mono_ms() + RENAME_MS;
		for (size_t i = w->nk; i-- > 0;) {
			const struct dump *d = w->k[i].d;
			bool under = false;
			for (size_t k = 0; k < n && !under; k++) {
				size_t len = strlen(paths[k]);
				under = strncmp(d->path, paths[k], len) == 0 &&
					(d->path[len] == '/' || d->path[len] == '\0');
			}
			if (under && !w->k[i].gone_at && !idset_find(&s.ids, dump_key_dev(d), d->ino))
				w->k[i].gone_at = gone_at;
		}
	}
	idset_free(&s.ids);
}

static char **root_paths(const struct watch *w, size_t *n)
{
	*n = scan_root_count(w->roots);
	char **v = xmalloc((*n ? *n : 1) * sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = scan_get_root(w->roots, i)->path;
	return v;
}

/* Events were lost: watch again what is there, and compare everything with a new scan. */
static void after_overflow(struct watch *w)
{
	w->stats.overflows++;
	notice(w, "the kernel's event queue overflowed (fs.inotify.max_queued_events): rescanning");
	size_t n;
	char **paths = root_paths(w, &n);
	for (size_t i = 0; i < n; i++)
		if (scan_get_root(w->roots, i)->is_dir)
			treewatch_add_tree(w->tw, paths[i]);
	reconcile(w, paths, n);
	free(paths);
}

/* The number in a /proc/sys file; -1 if it cannot be read. */
static long long sysctl_number(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[k > 0 ? k : 0] = '\0';
	char *end;
	long long v = strtoll(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* Says which limit was reached and where it is set: the host's fs.inotify.max_user_watches,
 * or, when it is lower, the user namespace's own user.max_inotify_watches (Linux 5.11 and
 * later count watches per user namespace; a container's may be set below the host's). */
static void tell_limit(struct watch *w)
{
	const char *const *paths;
	size_t n = treewatch_unwatched(w->tw, &paths);
	if (w->told_limit || !n)
		return;
	w->told_limit = true;
	long long host = sysctl_number("/proc/sys/fs/inotify/max_user_watches");
	long long ns = sysctl_number("/proc/sys/user/max_inotify_watches");
	char where[200];
	if (ns >= 0 && (host < 0 || ns < host))
		snprintf(where, sizeof(where), "this user namespace's user.max_inotify_watches = %lld, "
			 "set in /proc/sys/user/max_inotify_watches inside it; the host's "
			 "fs.inotify.max_user_watches is %lld", ns, host);
	else if (host >= 0)
		snprintf(where, sizeof(where), "fs.inotify.max_user_watches = %lld", host);
	else
		snprintf(where, sizeof(where), "fs.inotify.max_user_watches, unreadable here");
	notice(w, "the inotify watch limit is reached (%s): %zu director%s not watched, rescanned "
	       "every %.0f s instead", where, n, n == 1 ? "y is" : "ies are", w->o.rescan_interval);
}

/* The directories without a watch: watch them if room freed, rescan the others. */
static void rescan_unwatched(struct watch *w)
{
	if (!treewatch_limited(w->tw))
		return;
	treewatch_retry(w->tw);
	const char *const *paths;
	size_t n = treewatch_unwatched(w->tw, &paths);
	if (!n)
		return;
	char **copy = xmalloc(n * sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(paths[i]);
	reconcile(w, copy, n);
	for (size_t i = 0; i < n; i++)
		free(copy[i]);
	free(copy);
}

/* ---- inotify events --------------------------------------------------------------------- */

static void on_event(void *ctx, const struct treewatch_event *e)
{
	struct watch *w = ctx;
	int64_t now = mono_ms();
	ssize_t i;
	switch (e->type) {
	case TW_OVERFLOW: w->overflow = true; break;
	case TW_CLOSED:
	case TW_MOVED_IN: pending_note(w, e->path, true, false, now); break;
	case TW_CREATED: pending_note(w, e->path, false, false, now + RECHECK_MS); break;
	case TW_GONE:
		if ((i = known_by_path(w, e->path)) >= 0)
			report_deleted(w, (size_t)i);
		else if ((i = pending_find(w, e->path)) >= 0)
			pending_drop(w, (size_t)i);
		break;
	case TW_MOVED_OUT: /* its new name, if any, follows in a moment */
		if ((i = known_by_path(w, e->path)) >= 0)
			w->k[i].gone_at = now + RENAME_MS;
		else if ((i = pending_find(w, e->path)) >= 0)
			pending_drop(w, (size_t)i);
		break;
	case TW_DIR_NEW: {
		char *paths[] = {(char *)e->path};
		struct seen s = {w, {0}, false};
		run_scan(w, paths, 1, &s, NULL); /* what was written before its watch was set */
		break;
	}
	case TW_DIR_GONE: gone_below(w, e->path); break;
	}
}

/* ---- the policy ------------------------------------------------------------------------- */

/* Events for what the policy did; the dumps it removed leave the state. */
static void after_prune(struct watch *w, struct delete_plan *p, const struct prune_pick *picks)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		if (it->status == DELETE_REFUSED || it->status == DELETE_FAILED)
			notice(w, "%s: %s", it->status == DELETE_REFUSED ? "refused" : "failed",
			       it->reason);
		if (it->status != DELETE_DONE)
			continue;
		ssize_t k = known_by_id(w, it->d);
		if (k < 0)
			continue;
		struct dump *d = known_take(w, (size_t)k);
		if (w->o.compress) {
			char *zst = xasprintf("%s.zst", d->path);
			w->stats.events_compressed++;
			event(w, "compressed", d, "compressed_path", zst);
			pending_note(w, zst, true, false, mono_ms()); /* known at once, no "new" */
			free(zst);
		} else {
			w->stats.events_pruned++;
			event(w, "pruned", d, "reason", picks[i].reason);
		}
		dump_free(d);
	}
}

static void prune_pass(struct watch *w)
{
	struct index ix;
	known_index(w, &ix);
	struct prune_policy pol = w->o.policy;
	pol.now = (int64_t)time(NULL);
	size_t n, already; /* dumps already compressed are left out, as prune does, silently */
	struct prune_pick *picks = prune_select(&ix, &pol, &n, &already);
	if (n) {
		const struct dump **chosen = xmalloc(n * sizeof(*chosen));
		for (size_t i = 0; i < n; i++)
			chosen[i] = picks[i].d;
		struct delete_plan p;
		delete_plan_init(&p, chosen, n, w->o.proc, pol.now);
		free(chosen);
		/* Never a dump held open (a core being written) or written in the last minute. */
		struct delete_opts o = {.scan = w->roots, .journal = w->o.journal,
					.compress = w->o.compress, .skip_flagged = true,
					.cancel = w->o.signal};
		sigset_t old;
		pthread_sigmask(SIG_SETMASK, &w->waitmask, &old); /* a signal may stop it */
		delete_run(&p, &o);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		after_prune(w, &p, picks);
		delete_plan_free(&p);
	}
	free(picks);
	free(ix.v);
}

/* Compressing leaves the new NAME.zst files as candidates: take them in now, silently. */
static void take_compressed(struct watch *w)
{
	int64_t now = mono_ms();
	for (size_t i = 0; i < w->np;) {
		struct stat st;
		int fd = -1;
		size_t len = strlen(w->p[i].path);
		if (len > 4 && strcmp(w->p[i].path + len - 4, ".zst") == 0)
			fd = open_candidate(w->p[i].path, &st);
		struct dump *d = fd >= 0 ? parse_candidate(w, w->p[i].path, fd, &st) : NULL;
		if (fd >= 0)
			close(fd);
		if (d && fix_root(w, d) && known_by_id(w, d) < 0 && now - w->p[i].stable_since < 2000 &&
		    w->p[i].closed && !d->core.truncated) {
			pending_drop(w, i);
			known_add(w, d);
			continue;
		}
		dump_free(d);
		i++;
	}
}

/* ---- metrics ---------------------------------------------------------------------------- */

static void write_metrics(struct watch *w)
{
	struct index ix;
	known_index(w, &ix);
	size_t n;
	char **paths = root_paths(w, &n);
	struct metrics_in in = {.ix = &ix, .roots = xcalloc(n ? n : 1, sizeof(*in.roots)),
				.nroots = n, .scan_seconds = w->scan_seconds,
				.scan_errors = w->scan_errors, .now = (int64_t)time(NULL),
				.identity = w->o.identity};
	for (size_t i = 0; i < n; i++)
		in.roots[i].path = paths[i];
	report_metrics_roots(&in, w->o.proc, w->o.envp);
	if (strcmp(w->o.metrics_path, "-") == 0) {
		if (w->o.events) {
			report_metrics(w->o.events, &in, w->o.metrics_format);
			fflush(w->o.events);
		}
	} else if (w->o.metrics_format == METRICS_EMF) { /* lines, appended */
		FILE *f = fopen(w->o.metrics_path, "ae");
		if (f) {
			report_metrics(f, &in, METRICS_EMF);
			fclose(f);
		}
	} else {
		struct afile a;
		FILE *f = afile_open(&a, w->o.metrics_path);
		if (f)
			report_metrics(f, &in, w->o.metrics_format);
		if (!f || afile_commit(&a) != 0)
			notice(w, "cannot write the metrics to %s: %s", w->o.metrics_path, strerror(errno));
	}
	free(in.roots);
	free(paths);
	free(ix.v);
}

static void maybe_metrics(struct watch *w, int64_t now)
{
	if (!w->o.metrics_path)
		return;
	bool emf = w->o.metrics_format == METRICS_EMF;
	bool changed = w->metrics_due && !emf && now - w->metrics_due >= 0 &&
		       now >= w->next_metrics - (int64_t)(w->o.metrics_interval * 1000) + METRICS_GAP_MS;
	if (!changed && now < w->next_metrics)
		return;
	write_metrics(w);
	w->metrics_due = 0;
	w->next_metrics = now + (int64_t)(w->o.metrics_interval * 1000);
}

/* ---- the loop --------------------------------------------------------------------------- */

static int64_t next_deadline(const struct watch *w, int64_t now)
{
	int64_t t = now + 1000;
	for (size_t i = 0; i < w->np; i++)
		if (w->p[i].check_at < t)
			t = w->p[i].check_at;
	for (size_t i = 0; i < w->nk; i++)
		if (w->k[i].gone_at && w->k[i].gone_at < t)
			t = w->k[i].gone_at;
	if (w->o.metrics_path && w->next_metrics < t)
		t = w->next_metrics;
	return t;
}

/* What inotify queued: its events, then a rescan if the queue overflowed. */
static void read_events(struct watch *w)
{
	treewatch_read(w->tw, on_event, w);
	if (w->overflow) {
		w->overflow = false;
		after_overflow(w);
	}
}

static bool renames_due(const struct watch *w, int64_t now)
{
	for (size_t i = 0; i < w->nk; i++)
		if (w->k[i].gone_at && w->k[i].gone_at <= now)
			return true;
	return false;
}

static void tick(struct watch *w)
{
	read_events(w);
	tell_limit(w);
	int64_t now = mono_ms();
	check_candidates(w, now);
	/* Checking the candidates can take seconds when watch lags; a dump renamed away and
	 * renamed again meanwhile has its new name in the queue.  Read it before calling any
	 * dump deleted, or the rename comes out as deleted and new. */
	now = mono_ms();
	if (renames_due(w, now))
		read_events(w);
	check_renamed(w, now);
	if (now >= w->next_rescan) {
		rescan_unwatched(w);
		w->next_rescan = now + (int64_t)(w->o.rescan_interval * 1000);
		w->prune_due = now;
	}
	if (w->o.prune && w->prune_due && !*w->o.signal) {
		w->prune_due = 0;
		prune_pass(w);
		take_compressed(w);
	}
	maybe_metrics(w, mono_ms());
}

int watch_run(struct watch *w)
{
	while (!*w->o.signal) {
		int64_t now = mono_ms();
		int64_t wait = next_deadline(w, now) - now;
		struct timespec ts = {wait > 0 ? wait / 1000 : 0, wait > 0 ? (wait % 1000) * 1000000 : 0};
		struct pollfd pfd = {treewatch_fd(w->tw), POLLIN, 0};
		ppoll(&pfd, 1, &ts, &w->waitmask); /* signals are taken only here */
		if (*w->o.signal)
			break;
		tick(w);
	}
	return *w->o.signal;
}

/* ---- set-up ----------------------------------------------------------------------------- */

void watch_set_opts(struct watch *w, const struct watch_opts *o)
{
	w->o = *o;
	w->next_metrics = 0;
	w->prune_due = mono_ms();
}

void watch_get_stats(const struct watch *w, struct watch_stats *s)
{
	*s = w->stats;
	s->dumps = w->nk;
	s->watches = treewatch_count(w->tw);
	const char *const *paths;
	s->unwatched = treewatch_unwatched(w->tw, &paths);
}

/* A dump of the first scan: the state, without an event. */
static void first_take(void *ctx, struct dump *d)
{
	struct watch *w = ctx;
	if (!fix_root(w, d) || known_by_id(w, d) >= 0)
		dump_free(d);
	else
		known_add(w, d);
}

/* The first scan, with the trees watched as soon as its roots are known: a dump written
 * meanwhile is seen twice and kept once. */
static bool first_scan(struct watch *w, char *err, size_t errlen)
{
	struct sbuf problems;
	sbuf_init(&problems);
	w->first = bgscan_start(&w->o.scan, w->o.paths, w->o.npaths, &problems);
	for (char *line = problems.s; problems.len && *line;) {
		size_t n = strcspn(line, "\n");
		notice(w, "%.*s", (int)n, line);
		line += n + (line[n] == '\n');
	}
	sbuf_free(&problems);
	w->roots = bgscan_scan(w->first);
	size_t watched = 0;
	for (size_t i = 0; i < scan_root_count(w->roots); i++)
		if (scan_get_root(w->roots, i)->is_dir &&
		    treewatch_add_tree(w->tw, scan_get_root(w->roots, i)->path) >= 0)
			watched++;
	if (watched == 0) {
		snprintf(err, errlen, "no PATH is a directory that can be watched");
		return false;
	}
	for (bool done = false; !done;) {
		done = bgscan_finished(w->first);
		bgscan_drain(w->first, first_take, w);
		if (!done && *w->o.signal) {
			bgscan_cancel(w->first);
			err[0] = '\0';
			return false;
		}
		if (!done) {
			struct timespec t = {0, 20 * 1000000};
			nanosleep(&t, NULL);
		}
	}
	struct scan_progress pr;
	bgscan_progress(w->first, &pr);
	w->scan_seconds = pr.seconds;
	w->scan_errors = pr.totals.errors;
	return true;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nk; i++)
		dump_free(w->k[i].d);
	for (size_t i = 0; i < w->np; i++)
		free(w->p[i].path);
	free(w->k);
	free(w->p);
	idset_free(&w->byid);
	idset_free(&w->bypath);
	idset_free(&w->pbypath);
	treewatch_free(w->tw);
	bgscan_free(w->first);
	sbuf_free(&w->tmp);
	free(w);
}

struct watch *watch_start(const struct watch_opts *o, char *err, size_t errlen)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	w->o = *o;
	idset_init(&w->byid);
	idset_init(&w->bypath);
	idset_init(&w->pbypath);
	sbuf_init(&w->tmp);
	pthread_sigmask(SIG_BLOCK, NULL, &w->waitmask);
	sigdelset(&w->waitmask, SIGINT);
	sigdelset(&w->waitmask, SIGTERM);
	sigdelset(&w->waitmask, SIGHUP);
	w->tw = treewatch_new(o->scan.one_file_system);
	if (!w->tw) {
		snprintf(err, errlen, "inotify: %s", strerror(errno));
		watch_free(w);
		return NULL;
	}
	if (!first_scan(w, err, errlen)) {
		watch_free(w);
		return NULL;
	}
	notice(w, "watching %zu directories, %zu dumps present", treewatch_count(w->tw), w->nk);
	int64_t now = mono_ms();
	w->next_rescan = now + (int64_t)(w->o.rescan_interval * 1000);
	w->prune_due = now;
	w->next_metrics = now;
	return w;
}
