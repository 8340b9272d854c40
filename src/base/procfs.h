/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs: small, bounded reads from a procfs tree.
 *
 * The root is a parameter ("/proc" normally; tests pass fixture trees built to look like
 * one), so nothing here reads global state.  Files are opened only when they are regular
 * files reached without following a symbolic link; the per-process magic links (cwd, exe,
 * root) are only ever read with readlink(2) or passed to statvfs(2) by the caller. */
#ifndef COREDU_PROCFS_H
#define COREDU_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sbuf;

#define PROCFS_UNLIMITED UINT64_MAX

/* What /proc/PID/stat says (fields 3 to 22). */
struct procfs_stat {
	char state;
	long ppid;
	bool kernel_thread;  /* PF_KTHREAD */
	uint64_t start_ticks; /* clock ticks after boot */
};

/* Up to len-1 bytes of ROOT/REL into buf, NUL-terminated.  Returns the byte count, or -1
 * with errno (ELOOP for a symbolic link, EINVAL for anything but a regular file). */
ssize_t procfs_read(const char *root, const char *rel, char *buf, size_t len);
/* The same for ROOT/PID/NAME. */
ssize_t procfs_read_pid(const char *root, long pid, const char *name, char *buf, size_t len);
/* readlink(ROOT/PID/NAME) into a NUL-terminated buf; -1 with errno. */
ssize_t procfs_readlink_pid(const char *root, long pid, const char *name, char *buf,
			    size_t len);
/* "ROOT/PID/NAME" into out (reset first). */
void procfs_pid_path(struct sbuf *out, const char *root, long pid, const char *name);

/* The numeric entries of ROOT, ascending, in a malloc'd array; returns their count. */
size_t procfs_pids(const char *root, long **out);

/* The "Max core file size" soft and hard limits from a /proc/PID/limits text, in bytes
 * (PROCFS_UNLIMITED for "unlimited").  Returns 0, or -1 when the line is missing. */
int procfs_parse_core_limit(const char *limits, uint64_t *soft, uint64_t *hard);
/* The number after "KEY:" on a line of a /proc/PID/status text that starts with KEY: by
 * field, never a search (a process may name itself "CoreDumping: 1").  0, or -1 if absent. */
int procfs_status_field(const char *status, const char *key, long *value);
/* "Anonymous:" of a smaps_rollup text, in bytes; -1 when missing. */
int procfs_parse_anon(const char *smaps_rollup, uint64_t *bytes);
/* Fields of a /proc/PID/stat text; comm (in parentheses) may hold any byte, even ')'. */
int procfs_parse_stat(const char *stat, struct procfs_stat *out);

/* The command line of ROOT/PID, arguments joined by spaces, at most max bytes; "" for
 * kernel threads and zombies.  Returns 0 or -1. */
int procfs_cmdline(const char *root, long pid, size_t max, struct sbuf *out);
/* comm, without the newline; "" when unreadable. */
void procfs_comm(const char *root, long pid, char comm[17]);
/* When ROOT/PID started, in seconds since the epoch (boot time from ROOT/stat plus the
 * start ticks).  Returns 0 or -1. */
int procfs_start_time(const char *root, long pid, int64_t *out);

#endif
