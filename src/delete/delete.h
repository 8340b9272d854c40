/* SPDX-License-Identifier: GPL-2.0-or-later */
/* delete: remove exactly the chosen dumps, and nothing else.
 *
 * Before each removal the engine
 *  - reaches the dump's directory from its scan root without following a symbolic link in
 *    any component (openat2 RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH, or one component at a time
 *    with O_NOFOLLOW|O_DIRECTORY), so nothing outside the scanned roots can be reached;
 *  - checks that the name is still a regular file with the device, inode, size and mtime
 *    the scan saw, and that its first bytes are still the ones the scan read;
 *  - renames it to a private name, checks that the renamed file is the one it checked, and
 *    only then unlinks it (unlinkat without AT_REMOVEDIR: never a directory).
 * Anything that changed is refused, with the reason.  Dumps that a process holds open (or
 * a core still being written) and dumps modified in the last minute are flagged when the
 * plan is made, so that callers can ask again.  Every outcome goes to a journal. */
#ifndef COREDU_DELETE_H
#define COREDU_DELETE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kinds/dump.h"

struct scan;

enum delete_status { DELETE_PENDING, DELETE_DONE, DELETE_REFUSED, DELETE_FAILED, DELETE_SKIPPED };

struct delete_item {
	const struct dump *d;
	bool held_open;     /* open in a process, or a process is dumping core right there */
	char held_by[128];  /* "pid 1234 (gdb)", the comm escaped: printed as it is */
	bool recent;        /* modified in the last minute: maybe still being written */
	enum delete_status status;
	char reason[200];   /* built from escaped parts: printed as it is */
	uint64_t freed;     /* st_blocks * 512, when the last link went */
	bool other_links;   /* another hard link keeps the data */
	uint64_t compressed_disk; /* with compression: on-disk size of NAME.zst */
};

struct delete_fs {
	bool ok;
	uint64_t dev;
	uint64_t avail_before, avail_after;
};

struct delete_plan {
	struct delete_item *items;
	size_t n;
	uint64_t disk, apparent; /* of the chosen dumps */
	size_t held_open, recent, hardlinked;
	/* outcome */
	size_t done, refused, failed, skipped;
	uint64_t freed;
	struct delete_fs fs; /* free space of the first dump's file system, before and after */
};

/* Build the plan for n dumps.  `proc` is the procfs root searched for processes holding
 * them open ("/proc"; tests pass a fixture tree).  `now` decides "modified in the last
 * minute". */
void delete_plan_init(struct delete_plan *p, const struct dump *const *dumps, size_t n,
		   const char *proc, int64_t now);
void delete_plan_free(struct delete_plan *p);
/* Whether removing the dump frees nothing while other hard links remain.  An ABRT problem
 * directory's link count is its subdirectories plus two: never a hard link. */
static inline bool delete_hardlinked(const struct dump *d)
{
	return d->kind != DUMP_ABRT && d->nlink > 1;
}

struct delete_opts {
	const struct scan *scan;   /* the roots: nothing outside them is touched */
	FILE *journal;             /* one line per dump; NULL for none */
	bool compress;             /* write NAME.zst, verify it, then remove the original */
	bool skip_flagged;         /* leave held-open and recent dumps alone */
	bool skip_held;            /* leave held-open dumps alone (--yes without --force-open) */
	volatile sig_atomic_t *stop; /* when set, stop after the current file */
	/* When set (by a signal), stop too, and abandon a compression in progress: its copy
	 * is removed and the original left as it was.  A deletion in hand always completes. */
	volatile sig_atomic_t *cancel;
	/* Asked while a dump is compressed (every chunk): true abandons it as a signal would,
	 * leaving the original as it was (the browser's q and Ctrl-C).  NULL: never. */
	bool (*poll_stop)(void *ctx);
	void (*progress)(void *ctx, const struct delete_plan *p, size_t i);
	void *ctx;
};

/* Act on every pending item, in order; fills statuses, reasons and the totals.  The same in
 * steps, for a caller that keeps a screen alive: begin, step through the items, finish. */
void delete_run(struct delete_plan *p, const struct delete_opts *o);
void delete_begin(struct delete_plan *p);
void delete_step(struct delete_plan *p, const struct delete_opts *o, size_t i);
void delete_finish(struct delete_plan *p);
/* One item: the checks, then the removal (or compression and removal). */
void delete_one(const struct delete_opts *o, struct delete_item *it);
const char *delete_status_name(enum delete_status s);
/* The journal file (--log): appended to, created 0600; never opened through a symbolic
 * link (ELOOP) nor when it is not a regular file (EINVAL).  NULL with errno. */
FILE *delete_journal_open(const char *path);

#endif
