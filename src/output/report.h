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
};

/* The other dumps of one crash that json and info name; the count has them all. */
#define REPORT_SAME_CRASH_SHOWN 8

void report_list(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
/* Every field of one dump, as coredumpctl info; `first` omits the separating blank line. */
void report_info(FILE *f, const struct report *r, const struct dump *d, bool first);

/* The members every JSON document starts with: version, tool, scanned. */
void report_json_header(struct json_out *j, const struct report *r);
/* The members of one dump's object in `dumps` (doc/json.md), inside an object the caller
 * opened: `watch` adds its own to make an event. */
void report_json_dump_members(struct json_out *j, const struct report *r, const struct dump *d);

#endif
