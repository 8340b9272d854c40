/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_info: `coredu info FILE...`: every field of the given dumps, as coredumpctl info. */
#include "config.h"

#include <stdio.h>

#include "base/sanitize.h"
#include "cli.h"

/* A FILE operand that is not a dump gets a clear line, not silence. */
static void report_non_dumps(struct cli_scan *s)
{
	for (size_t i = 0; i < scan_root_count(s->scan); i++) {
		const struct scan_root *r = scan_get_root(s->scan, i);
		if (r->is_dir || cli_root_failed(&s->ix, r))
			continue;
		bool found = false;
		for (size_t k = 0; k < s->ix.n && !found; k++)
			found = s->ix.v[k]->dev == r->dev && s->ix.v[k]->ino == r->ino;
		if (!found)
			fprintf(stderr, "coredu: '%s': not a recognised dump\n",
				sanitize_str(&s->tmp, r->display, s->san_flags));
	}
}

int cmd_info(struct cli *c)
{
	struct cli_scan s;
	if (c->env) /* one line, before anything a secret could be in */
		fputs("coredu: --env: the environment values below may hold secrets (keys, passwords)\n",
		      stderr);
	cli_scan(c, &s);
	s.rep.gdb = report_info_gdb_installed(); /* coredumpctl debug's hand-off */
	for (size_t i = 0; i < s.ix.n; i++)
		report_info(stdout, &s.rep, s.ix.v[i], i == 0);
	report_non_dumps(&s);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
