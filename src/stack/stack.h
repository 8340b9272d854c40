/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stack: what a process was doing when it dumped core: the native backtrace of each thread
 * (unwind.h) and, for a CPython interpreter, its Python stacks (pystack.h).
 *
 * Reading them costs far more than the notes (files opened, CFI parsed, the heap walked),
 * so it is never part of a scan: `info`, the inspect pane (in the background), `json
 * --backtrace` and the doctor's hint for one core ask for it.  The readers run in a child
 * process with resource limits (address space, CPU), which coredu kills at the deadline:
 * no libdw call, however long a hostile file makes it, outlives the time limit, and no
 * crash in a reader takes coredu down.  What the child sent before that is kept. */
#ifndef COREDU_STACK_H
#define COREDU_STACK_H

#include <stdbool.h>

#include "stack/stackwire.h"

struct dump;

#define STACK_TIMEOUT_DEFAULT 2.0 /* seconds per core */

struct stack_opts {
	double timeout;      /* seconds for the whole core; <= 0: do not read */
	const char *sysroot; /* where the core's files are looked up; NULL: this machine */
	bool python;         /* read Python stacks (and suspended coroutines) */
	bool native;         /* unwind the native stacks */
	int cancel_fd;       /* readable: stop at once, keeping what came (bgstack); -1: none */
};

struct stack_result {
	bool attempted;  /* the dump is a process core, and reading was asked for */
	char *problem;   /* why nothing (or not all) could be read: "the file changed since the
			  * scan", "stopped at the 2.0 s time limit", "the reader died: ..." */
	bool killed;     /* the time limit stopped the reader: what came before it is kept */
	double seconds;  /* wall time spent */
	struct stackwire_result r;
};

/* Whether the dump's kind has process stacks to read (ELF process cores, gcore snapshots,
 * systemd's and ABRT's copies). */
bool stack_applies(const struct dump *d);
/* Read the stacks of d, reopening its file and checking it is still the one scanned (device,
 * inode, size, mtime).  Never fails: st->problem says what went wrong.  May be called from
 * any thread; it forks. */
void stack_read(const struct dump *d, const struct stack_opts *o, struct stack_result *st);
/* The same on a core already open (tests): fd, its size, the dump's compression. */
void stack_read_fd(int fd, uint64_t size, int compression, const struct stack_opts *o,
		   struct stack_result *st);
void stack_result_free(struct stack_result *st);
#endif
