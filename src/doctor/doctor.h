/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor: why dumps keep appearing and how to stop them.
 *
 * It joins four views: the kernel's settings (coreconf), the running processes as future
 * dumps (liveproc), the dumps found grouped by program, signal and cause, with their
 * cadence and growth, each matched against the hints table (hints), and the environment
 * coredu runs in with its remedies (envinfo, remedy).  The writers are in
 * report_doctor.c; the browser's `w` screen shows the same analysis for one group. */
#ifndef COREDU_DOCTOR_H
#define COREDU_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kinds/cause.h"
#include "doctor/coreconf.h"
#include "doctor/envinfo.h"
#include "doctor/hints.h"
#include "doctor/liveproc.h"
#include "doctor/remedy.h"
#include "stack/stack.h"

struct dump;
struct index;
struct sbuf;

#define DOCTOR_WINDOW (24 * 3600) /* growth is measured over the last 24 hours */

/* A file system that holds dumps. */
struct doctor_fs {
	uint64_t dev;
	char *path;      /* its mount point (as far as the dumps' path shows it) */
	bool ok;
	uint64_t size, avail;
	double rate;     /* bytes per hour, all groups on it */
	double hours_to_full; /* avail / rate, -1 when not growing */
};

/* Dumps of one program, killed by one signal for one class of cause. */
struct doctor_group {
	char *program;
	char signal[16];
	enum cause_class cause;
	const struct dump **dumps; /* oldest first */
	size_t n;
	uint64_t disk;
	int64_t first, last;
	int64_t cadence;         /* median seconds between consecutive dumps, -1 if n < 2 */
	size_t n_window;         /* dumps written in the last 24 h */
	uint64_t bytes_window;
	int64_t span;            /* seconds from the first to the last of them */
	double rate;             /* bytes per hour over that span: the pace, -1 with fewer than
				  * 2 dumps in the window */
	double hours_to_full;    /* at this group's pace, -1 if unknown */
	size_t fs;               /* index in doctor.fs */
	char *cause_text;        /* of the newest dump */
	long sender;             /* its sender, -1 if none */
	char *sender_cmdline;    /* when the sender is alive and started before the dump */
	const struct hint *hint;
	enum hint_confidence confidence;
	long *running;           /* live processes of the same program (program.h), ascending */
	size_t nrunning, nrunning_can_dump;
	/* A hint with "stack: python": the application's frame in the newest dump's Python
	 * stack (pystack_app_frame), or why there is none. */
	char *frame_file, *frame_function;
	int frame_line;           /* -1: unknown */
	bool frame_coroutine;     /* found in a suspended coroutine, not a thread */
	char *frame_problem;      /* NULL when a frame was found */
};

/* What the files found show against the kernel's settings. */
struct doctor_files {
	char *crowded_dir;       /* a directory with more process cores than the settings allow
				  * (one per directory), NULL if none */
	size_t crowded;          /* its process cores */
	size_t kernel_cores;     /* process cores found at all (elf-core) */
};

struct doctor {
	int64_t now;
	unsigned crashes;
	struct coreconf conf;
	struct liveprocs procs;
	struct envinfo env;
	struct hints hints;
	struct doctor_group *groups; /* largest first */
	size_t ngroups;
	struct doctor_fs *fs;
	size_t nfs;
	size_t dumps;
	uint64_t disk;
	const struct liveproc *shell; /* the operator's shell (coredu's parent), if seen */
	long *tied;                   /* processes tied to the dumps, ascending: they run a
				       * group's program or sent its signal, and can dump now:
				       * the prlimit lines, exactly */
	size_t ntied;
	struct doctor_files files;
	struct remedies remedies;
	bool attention;               /* dumps found, or a process at risk: exit status 4 */
};

struct doctor_opts {
	const char *proc;    /* procfs root, "/proc" */
	const char *rootfs;  /* "/" */
	char *const *envp;
	int64_t now;
	unsigned crashes;    /* N in "fills the file system within N crashes" */
	long self, shell;    /* coredu's pid (left out) and its parent's; 0 for none */
	const char *root;    /* the first scanned directory, for the prune remedies */
	struct stack_opts stacks; /* for the hints that read a stack; timeout 0: none */
};

/* Over the given dumps (all that were found, or the browser's in view).  Returns 0, or -1
 * with a reason (the hints table does not parse). */
int doctor_run(struct doctor *d, const struct doctor_opts *o, const struct dump *const *dumps,
	       size_t n, char *err, size_t errlen);
void doctor_free(struct doctor *d);
/* One line for one dump: the summary of the hint that matches it, else its cause (the
 * browser's inspect pane).  proc: the procfs root, to check that the sender is alive. */
void doctor_why(struct sbuf *out, const struct dump *d, const struct hints *h, const char *proc);
/* The group holding a dump (by identity), or -1. */
ssize_t doctor_group_of(const struct doctor *d, const struct dump *dump);

#endif
