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
	bool pane;              /* the browser's w screen: no heading or process table, and
				 * each line meant to be copied starts with REPORT_COPYABLE */
};

/* In the browser's pane, a line meant to be copied (a snippet, a command) starts with this
 * byte, which the sanitiser never lets through: the pane cuts such a line with an ellipsis
 * where it is too wide, and never wraps it. */
#define REPORT_COPYABLE '\x01'

void report_doctor_text(FILE *f, const struct report *r, const struct doctor *doc,
			const struct doctor_text_opts *t);
void report_doctor_json(FILE *f, const struct report *r, const struct doctor *doc);

#endif
