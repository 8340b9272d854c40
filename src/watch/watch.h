/* SPDX-License-Identifier: GPL-2.0-or-later */
/* watch: `coredu watch`, the long-running mode for a sidecar, a DaemonSet or a service.
 *
 * It scans the trees once, then follows them with inotify (treewatch.h).  A file that
 * appears becomes a candidate; it is reported, once, when it is complete: closed after
 * writing and, for an ELF core, with headers that agree with its size (a core the kernel is
 * still writing is shorter than its program headers say), or else unchanged for --settle
 * seconds.  Renames within the trees are the same dump; deletions are reported.  Events
 * are JSON lines: the dump's object of `coredu json` plus "event" (new, deleted, pruned,
 * compressed), "time" and "identity".  With a policy (prune's options) it deletes or
 * compresses through the deletion engine, never a dump held open, being written or written
 * in the last minute, and every action is an event.  Metrics (report_metrics.h) are
 * rewritten after changes and every --metrics-interval.  When events were lost (the
 * kernel's queue overflowed) it rescans; directories it could not watch (the watch limit)
 * are rescanned every --rescan-interval.  Memory follows the dumps present, not the events
 * seen. */
#ifndef COREDU_WATCH_H
#define COREDU_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "delete/prune.h"
#include "output/report_metrics.h"
#include "scan/scan.h"

struct identity;
struct mdesc;

struct watch_opts {
	struct scan_opts scan;
	char *const *paths;        /* the trees (directories or files) */
	size_t npaths;
	FILE *events;              /* event lines; NULL: none */
	FILE *log;                 /* notices and errors, one line each ("coredu: watch: ...") */
	FILE *journal;             /* the deletion journal (--log); NULL: the events say it */
	const char *metrics_path;  /* NULL: none; "-": to the events stream */
	enum metrics_format metrics_format;
	double metrics_interval;   /* seconds: metrics at least this often (EMF: this often) */
	double rescan_interval;    /* seconds: unwatched directories rescanned, policy re-applied */
	double settle;             /* seconds unchanged after which a dump is complete anyway */
	bool prune;                /* apply the policy continuously */
	struct prune_policy policy;
	bool compress;             /* the policy compresses instead of deleting */
	const char *proc;          /* procfs root: held-open checks, the doctor's time to full */
	char *const *envp;
	const struct identity *identity;
	struct mdesc *magic;       /* for the events' "magic"; NULL: null */
	volatile sig_atomic_t *signal; /* set by the caller's handler: watch_run returns */
};

struct watch_stats {
	uint64_t events_new, events_deleted, events_pruned, events_compressed;
	uint64_t overflows, rescans, dumps;
	size_t watches, unwatched;
};

struct watch;

/* Set up inotify and scan the trees (the dumps found are the state; no events for them).
 * Returns NULL with the reason in err (no inotify, no tree could be watched), or when a
 * signal came during the scan (err empty). */
struct watch *watch_start(const struct watch_opts *o, char *err, size_t errlen);
/* Follow the trees until *o->signal is set; returns that signal.  The caller blocks the
 * signals it handles outside watch_run: they are taken only while it waits, and while the
 * policy runs (a compression in progress is abandoned, its temporary removed). */
int watch_run(struct watch *w);
/* New options (SIGHUP reloaded the configuration): policy, metrics, events, intervals.
 * The trees stay. */
void watch_set_opts(struct watch *w, const struct watch_opts *o);
void watch_get_stats(const struct watch *w, struct watch_stats *s);
/* Free everything (nothing is left on disk: metrics are written whole or not at all). */
void watch_free(struct watch *w);

#endif
