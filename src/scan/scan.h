/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan: walk trees and hand every dump found, with its metadata, to a sink.
 *
 * Rules kept by the walker (doc/design.md explains each):
 *  - symbolic links are never followed below a PATH operand; FIFOs, sockets and devices are
 *    never opened; only regular files are read (those of DETECT_SNIFF_SIZE or more, smaller
 *    ones named or placed as dumps are, or all with sniff_all), and only their first
 *    DUMP_HEAD_LEN bytes unless they turn out to be dumps;
 *  - directories are opened relative to their parent's descriptor (no PATH_MAX limit, no
 *    recursion); descriptors are bounded, and an evicted ancestor is reopened step by step
 *    with O_NOFOLLOW and checked against its recorded device and inode;
 *  - kernel pseudo-filesystems (/proc, /sys, cgroup, ...) are skipped, and -x keeps to the
 *    filesystem of each operand;
 *  - memory grows with pending directories and dumps, never with the number of files.
 *
 * Several threads read different directories at once.  Sink calls are serialised. */
#ifndef COREDU_SCAN_H
#define COREDU_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kinds/dump.h"

struct scan_opts {
	bool one_file_system;
	const char *const *excludes; /* fnmatch(3) globs; with a '/' they match the full path */
	size_t nexcludes;
	unsigned threads;     /* 0: one per CPU, at most 8 */
	unsigned parse_flags; /* ELFCORE_* */
	bool sniff_all;       /* check every regular file by content, whatever its size */
};

struct scan_root {
	char *path;    /* canonical absolute path */
	char *display; /* as the user wrote it, for reports */
	uint64_t dev, ino;
	bool is_dir;
};

struct scan_totals {
	uint64_t files; /* non-directory entries */
	uint64_t dirs;  /* directories read */
	uint64_t bytes_apparent, bytes_disk; /* every entry once, hard links once, as du */
	uint64_t errors;
	uint64_t dumps;
};

struct scan_progress {
	struct scan_totals totals;
	double seconds;
	bool running;
	char current[1024]; /* a directory being read (raw bytes, may be cut) */
};

/* The largest directories by the files they hold themselves, dumps not counted (issue 13):
 * the rest of the disk.  A directory's own files, not its subtree (du -S): subtree sizes would
 * fill the list with the ancestors of one big directory (/, /var, /var/log), and the operator
 * wants the one that holds the bytes.  A fixed SCAN_TOP_DIRS are kept while walking. */
#define SCAN_TOP_DIRS 10
struct scan_dir_size {
	char *path;     /* raw bytes */
	uint64_t disk;  /* on-disk bytes of the non-dump files directly inside, hard links once */
	uint64_t apparent;
	uint64_t files;
};

struct scan_sink {
	void *ctx;
	/* Called from scanning threads, one call at a time.  `dump` takes ownership. */
	void (*dump)(void *ctx, struct dump *d);
	void (*error)(void *ctx, const char *path, const char *what, int err);
};

struct scan;

struct scan *scan_new(const struct scan_opts *opts, const struct scan_sink *sink);
/* Dumps parsed at once, at most: the CPUs, at most 8 (and no more than a scan's threads).
 * A worker's parse helpers (jobpool) make up the difference in a directory of many dumps. */
unsigned scan_parse_slots(void);
/* Add a PATH operand (a directory or a regular file; a symbolic link operand is resolved,
 * and kept as written where its canonical form names another file: /proc/PID/root/...).
 * Returns 0, or -1 with the reason in err. */
int scan_add_root(struct scan *s, const char *operand, char *err, size_t errlen);
size_t scan_root_count(const struct scan *s);
const struct scan_root *scan_get_root(const struct scan *s, size_t i);
/* Walk every root; blocks until done or cancelled.  Returns 0, or -1 if cancelled. */
int scan_run(struct scan *s);
/* Ask a running scan to stop soon; async-signal-safe. */
void scan_cancel(struct scan *s);
void scan_get_progress(struct scan *s, struct scan_progress *p);
/* The largest directories found so far (any time, also while scanning), largest first, ties
 * by path; copies into out, which scan_dir_sizes_free releases.  Returns how many. */
size_t scan_top_dirs(const struct scan *s, struct scan_dir_size out[SCAN_TOP_DIRS]);
void scan_dir_sizes_free(struct scan_dir_size *v, size_t n);
void scan_free(struct scan *s);

#endif
