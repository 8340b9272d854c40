/* SPDX-License-Identifier: GPL-2.0-or-later */
/* coreconf: the kernel's core dump settings, and what they mean for where cores land and
 * whether they pile up.  These settings are host-wide: a container sees the host's values
 * (see core(5) and fs/coredump.c). */
#ifndef COREDU_CORECONF_H
#define COREDU_CORECONF_H

#include <stdbool.h>

/* What the first bytes of core_pattern select. */
enum corepat_kind {
	PAT_UNKNOWN,  /* core_pattern could not be read */
	PAT_EMPTY,    /* "": no dump, or a hidden ".PID" file with core_uses_pid=1 */
	PAT_RELATIVE, /* "core", "cores/core.%p": resolved against the crashing process's cwd */
	PAT_ABSOLUTE, /* "/var/crash/core.%e.%p": in the crashing process's mount namespace */
	PAT_PIPE,     /* "|/path/handler args": a helper on the host, in the initial namespaces */
	PAT_SOCKET,   /* "@/path" or "@@/path" (Linux 6.16): a daemon on the host */
};

enum corepat_handler { HANDLER_NONE, HANDLER_SYSTEMD, HANDLER_APPORT, HANDLER_ABRT,
		       HANDLER_DISCARD, HANDLER_OTHER };

/* How many files a stream of crashes leaves behind. */
enum core_accumulation {
	ACC_UNKNOWN,
	ACC_NONE,        /* nothing is written */
	ACC_ONE_PER_DIR, /* the name has no pid or time: each crash replaces the last core */
	ACC_PER_NAME,    /* one per value of %e/%u/%s/...: bounded by the programs that crash */
	ACC_UNBOUNDED,   /* %p, %t, core_uses_pid=1...: every crash adds a file */
	ACC_HANDLER,     /* the handler decides (systemd-coredump's MaxUse, apport's one per program) */
};

struct coreconf {
	char pattern[256];  /* the kernel caps it at 128 bytes; "" if empty or unreadable */
	enum corepat_kind kind;
	int uses_pid;       /* core_uses_pid, -1 when unreadable (likewise below) */
	int pipe_limit;     /* core_pipe_limit */
	int suid_dumpable;  /* fs.suid_dumpable */
	int sort_vma;       /* core_sort_vma (Linux 6.13+), -1 when absent */
	char modes[64];     /* core_modes (Linux 6.16+): "file pipe socket"; "" when absent */

	enum corepat_handler handler;
	char handler_path[128]; /* the helper's program, for pipes */
	char dir[256];          /* the fixed directory part of a file pattern: "" for "core",
				 * "cores" for "cores/core.%p", "/var/crash" for an absolute one */
	bool has_pid, has_time, has_tid, has_comm, has_exe, has_host;
	bool pid_appended;     /* core_uses_pid=1 and no %p: ".PID" is appended */
	enum core_accumulation accumulation;
	const char *handler_dir; /* where the recognised handler keeps its files */
};

/* Read the settings from PROC/sys/kernel and PROC/sys/fs, then classify. */
void coreconf_read(struct coreconf *c, const char *proc);
/* Classify c->pattern with c->uses_pid (exposed for tests). */
void coreconf_classify(struct coreconf *c);

/* Stable identifiers for JSON. */
const char *coreconf_kind_id(enum corepat_kind k);       /* "relative", "pipe", ... */
const char *coreconf_handler_id(enum corepat_handler h); /* "systemd-coredump", ... */
const char *coreconf_accumulation_id(enum core_accumulation a); /* "unbounded", ... */

#endif
