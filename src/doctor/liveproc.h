/* SPDX-License-Identifier: GPL-2.0-or-later */
/* liveproc: the running processes, seen as future core dumps.
 *
 * For each user-space process: its RLIMIT_CORE (from /proc/PID/limits: the operator's own
 * shell limit says nothing about the app), coredump_filter, working directory, where its
 * next core would land under the kernel's core_pattern and how much room is left there,
 * and its anonymous memory (smaps_rollup) as the expected size of that core. */
#ifndef COREDU_LIVEPROC_H
#define COREDU_LIVEPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct coreconf;

struct liveproc {
	long pid, ppid;
	int64_t start_time;   /* seconds since the epoch, 0 if unknown */
	char comm[17];
	char *cmdline;        /* at most LIVEPROC_CMDLINE_MAX bytes, "" if unreadable */
	char *program;        /* program.h's name: what its dumps would be grouped by */
	char *exe;            /* NULL when unreadable */
	char *cwd;            /* NULL when unreadable */
	char *unit;           /* the systemd unit from /proc/PID/cgroup, NULL if none */
	bool has_limits;
	uint64_t core_soft, core_hard; /* bytes, PROCFS_UNLIMITED */
	bool can_dump;        /* a crash now would write a core */
	const char *why_not;  /* when it would not: "core limit 0", "read-only file system"... */
	bool has_filter;
	uint32_t filter;      /* coredump_filter */
	bool has_anon;
	uint64_t anon;        /* "Anonymous" of smaps_rollup */
	uint64_t next_core;   /* min(anon, soft limit): the expected size of its next core */
	char *dest;           /* where that core would land, NULL if unknown */
	bool has_fs;
	uint64_t fs_avail, fs_size;
	bool wont_fit;        /* its next core is larger than the free space there */
	uint64_t crashes_to_full; /* cores of next_core bytes that fit, UINT64_MAX if unknown */
	bool at_risk;         /* wont_fit, or fewer than `crashes` cores fill it (cores pile up) */
};

#define LIVEPROC_CMDLINE_MAX 4096

struct liveprocs {
	struct liveproc *v;
	size_t n, cap;
	size_t can_dump, at_risk;
	size_t unreadable; /* processes whose limits could not be read */
};

struct liveproc_opts {
	const char *proc;             /* procfs root */
	const struct coreconf *conf;
	unsigned crashes;             /* N: "fills the disk within N crashes" */
	long self;                    /* a pid to leave out (coredu itself), 0 for none */
};

void liveproc_read(struct liveprocs *lp, const struct liveproc_opts *o);
void liveproc_free(struct liveprocs *lp);
const struct liveproc *liveproc_find(const struct liveprocs *lp, long pid);

#endif
