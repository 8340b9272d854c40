/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_doctor: the doctor's analysis as text (`coredu doctor`, the browser's w screen)
 * and as JSON (`coredu doctor --json`). */
#ifndef COREDU_REPORT_DOCTOR_H
#define COREDU_REPORT_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

struct doctor;
struct report;

struct doctor_text_opts {
	int width;              /* columns to fill */
	bool all_processes;     /* every process that can dump, not the largest ten */
	const bool *only_groups; /* the browser's w screen: these groups, no summary or
				  * process table; NULL: the whole report */
};
void report_doctor_text(FILE *f, const struct report *r, const struct doctor *doc,
			const struct doctor_text_opts *t);
void report_doctor_json(FILE *f, const struct report *r, const struct doctor *doc);

#endif
