/* report: the non-interactive outputs: the `list` table, the JSON document, `info`. */
#ifndef COREDU_REPORT_H
#define COREDU_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "doctor/doctor.h"
#include "kinds/dump.h"
#include "model/index.h"
#include "kinds/mdesc.h"
#include "scan/scan.h"

struct report_fs {
	bool ok;
	const char *path;
	uint64_t size, free, avail;
};

struct report {
	const struct scan *scan; /* roots */
	const struct index *ix;
	struct scan_totals totals;
	double seconds;
	struct report_fs fs; /* the filesystem of the first operand */
	bool si;             /* sizes in powers of 1000 */
	bool legend;         /* header and totals lines in `list` */
	unsigned san_flags;  /* SAN_* for text going to a terminal or a text file */
	struct mdesc *magic;
	int64_t now;
};

/* The other dumps of one crash that json and info name; the count has them all. */
#define REPORT_SAME_CRASH_SHOWN 8

/* Fill fs from statvfs(path). */
void report_statfs(struct report_fs *fs, const char *path);
void report_list(FILE *f, const struct report *r);
void report_json(FILE *f, const struct report *r);
/* Every field of one dump, as coredumpctl info; `first` omits the separating blank line. */
void report_info(FILE *f, const struct report *r, const struct dump *d, bool first);

/* The members every JSON document starts with: version, tool, scanned. */
struct json_out;
void report_json_header(struct json_out *j, const struct report *r);

struct doctor_text_opts {
	int width;              /* columns to fill */
	bool all_processes;     /* every process that can dump, not the largest ten */
	const bool *only_groups; /* the browser's w screen: these groups, no summary or
				  * process table; NULL: the whole report */
};
void report_doctor_text(FILE *f, const struct report *r, const struct doctor *doc,
			const struct doctor_text_opts *t);
void report_doctor_json(FILE *f, const struct report *r, const struct doctor *doc);

/* Shared by the writers and the browser. */
const char *report_signal_name(const struct dump *d, char buf[16]);

#endif
