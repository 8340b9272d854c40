/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_doctor: `coredu doctor`: why dumps keep appearing and how to stop them, over the dumps
 * the scan found. */
#include "config.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "doctor/doctor.h"
#include "output/report_doctor.h"

extern char **environ;

/* The terminal's width when printing to one, else 80 columns. */
static int output_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col > 160 ? 160 : ws.ws_col;
	return 80;
}

/* Prints the report.  Returns 0 when nothing needs attention, 4 when something does, 2 on an
 * error. */
static int doctor(const struct cli *c, const struct report *r)
{
	struct doctor doc;
	char err[200];
	const struct scan_root *root = scan_root_count(r->scan) ? scan_get_root(r->scan, 0) : NULL;
	struct doctor_opts o = {
		.proc = c->proc ? c->proc : "/proc", .rootfs = "/", .envp = environ, .now = r->now,
		.crashes = c->crashes, .self = (long)getpid(), .shell = (long)getppid(),
		.root = root ? root->path : NULL,
	};
	cli_stack_opts(c, &o.stacks);
	if (doctor_run(&doc, &o, (const struct dump *const *)r->ix->v, r->ix->n, err,
		       sizeof(err)) != 0) {
		fprintf(stderr, "coredu: the hints table does not parse: %s\n", err);
		return 2;
	}
	if (c->json) {
		report_doctor_json(stdout, r, &doc);
	} else {
		struct doctor_text_opts t = {output_width(), c->all_processes, false};
		report_doctor_text(stdout, r, &doc, &t);
	}
	int rc = doc.attention ? 4 : 0;
	doctor_free(&doc);
	return rc;
}

int cmd_doctor(struct cli *c)
{
	struct cli_scan s;
	int rc = cli_scan(c, &s) > 0 ? doctor(c, &s.rep) : 2;
	return cli_scan_finish(&s, rc);
}
