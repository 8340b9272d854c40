/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report: the writers of the non-interactive outputs: the `list` table, the JSON document,
 * `info` (the doctor's are in report_doctor.h).  They write to the FILE they are given. */
#ifndef COREDU_REPORT_H
#define COREDU_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/fsusage.h"
#include "scan/scan.h"

struct dump;
struct identity;
struct index;
struct json_out;
struct mdesc;
struct sbuf;
struct stack_result;
struct report_crashes;

struct report {
	const struct scan *scan; /* roots; NULL for imported documents */
	size_t hosts;            /* imported: the hosts they came from */
	const struct index *ix;
	struct scan_totals totals;
	double seconds;
	struct fsusage fs;   /* the filesystem of the first operand */
	bool si;             /* sizes in powers of 1000 */
	bool legend;         /* header and totals lines in `list` */
	unsigned san_flags;  /* SAN_* for text going to a terminal or a text file */
	struct mdesc *magic;
	int64_t now;
	const struct identity *identity; /* where it runs: `json` writes it; NULL: not */
	bool gdb;            /* gdb is installed: info gives the command that debugs a core */
	/* json: the stacks of each dump, in the order of ix->v (coredu json --backtrace);
	 * NULL: the keys are null */
	const struct stack_result *stacks;
	/* info: of the native stacks, only the thread that took the signal (the inspect pane) */
	bool crashed_thread_only;
	/* The dumps of each crash, grouped once (report_crashes_new); NULL: looked up by a
	 * walk over the index, fine for one dump, quadratic for all of them. */
	const struct report_crashes *crashes;
};

/* The other dumps of one crash that json and info name; the count has them all. */
#define REPORT_SAME_CRASH_SHOWN 8

/* Group the dumps of each crash stored more than once (dump.same_crash) once, for `info`
 * over many dumps; report_json groups on its own. */
struct report_crashes *report_crashes_new(const struct index *ix);
void report_crashes_free(struct report_crashes *c);
/* The other dumps of d's crash: how many there are, and the first of them (at most
 * REPORT_SAME_CRASH_SHOWN, in index order) in shown, *nshown of them. */
size_t report_crashes_of(const struct report *r, const struct dump *d,
			 const struct dump *shown[REPORT_SAME_CRASH_SHOWN], size_t *nshown);

void report_list(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
/* Every field of one dump, as coredumpctl info, with its stacks when st is not NULL;
 * `first` omits the separating blank line. */
void report_info(FILE *f, const struct report *r, const struct dump *d,
		 const struct stack_result *st, bool first);

/* report_stack.c: the stacks read from a core (src/stack/): the text `info` shows, and the
 * JSON members `backtrace` and `python_stack` (null when st is NULL or has none). */
void report_stack_text(FILE *f, const struct stack_result *st, const struct dump *d,
		       unsigned san_flags, bool crashed_thread_only);
void report_stack_json(struct json_out *j, const struct stack_result *st);

/* coredumpctl debug's hand-off: the gdb command that opens a process core, shell-quoted
 * and sanitised ("gdb /usr/bin/app /app/core.41"; with the sysroot when the core was
 * found under /proc/PID/root).  Its arguments are separated by sep: " ", or " \\\n  "
 * for one per line.  Nothing for the other kinds. */
void report_info_gdb(struct sbuf *out, const struct dump *d, unsigned san_flags,
		     const char *sep);
/* Is gdb an executable file in a directory of PATH? */
bool report_info_gdb_installed(void);

/* The members every JSON document starts with: version, tool, scanned. */
void report_json_header(struct json_out *j, const struct report *r);
/* The members of one dump's object in `dumps` (doc/json.md), inside an object the caller
 * opened, with its stacks st (NULL: the keys are null): `watch` adds its own to make an
 * event. */
void report_json_dump_members(struct json_out *j, const struct report *r, const struct dump *d,
			      const struct stack_result *st);

#endif
