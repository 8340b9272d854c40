/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_metrics: `coredu metrics [PATH...]`: the dumps as Prometheus or OpenMetrics text, or
 * CloudWatch EMF lines (output/report_metrics.c); with --output FILE, written beside FILE
 * and renamed over it, as node_exporter's textfile collector needs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/afile.h"
#include "base/identity.h"
#include "base/sanitize.h"
#include "cli.h"
#include "output/report_metrics.h"

extern char **environ;

/* The metrics of a finished scan, to f. */
static void write_metrics(const struct cli *c, struct cli_scan *s, FILE *f)
{
	struct identity id;
	identity_read(&id, environ);
	size_t n = scan_root_count(s->scan);
	struct metrics_in in = {
		.ix = &s->ix, .roots = xcalloc(n ? n : 1, sizeof(*in.roots)), .nroots = n,
		.scan_seconds = s->rep.seconds, .scan_errors = s->rep.totals.errors,
		.now = s->rep.now, .identity = &id,
	};
	for (size_t i = 0; i < n; i++)
		in.roots[i].path = scan_get_root(s->scan, i)->path;
	report_metrics_roots(&in, c->proc ? c->proc : "/proc", environ);
	report_metrics(f, &in, (enum metrics_format)c->metrics_format);
	free(in.roots);
	identity_free(&id);
}

int cmd_metrics(struct cli *c)
{
	struct cli_scan s;
	if (cli_scan(c, &s) == 0)
		return cli_scan_finish(&s, 2);
	if (!c->output) {
		write_metrics(c, &s, stdout);
		return cli_scan_finish(&s, 0);
	}
	struct afile a;
	FILE *f = afile_open(&a, c->output);
	int rc = 0;
	if (f) {
		write_metrics(c, &s, f);
		rc = afile_commit(&a);
	}
	if (!f || rc != 0) {
		fprintf(stderr, "coredu: cannot write '%s': %s\n", sanitize_str(&s.tmp, c->output, s.san_flags),
			strerror(errno));
		rc = 2;
	}
	return cli_scan_finish(&s, rc);
}
