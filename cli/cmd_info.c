/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_info: `coredu info FILE...`: every field of the given dumps, as coredumpctl info, with
 * the stacks of each process core (its native backtrace, and its Python stacks). */
#include "config.h"

#include <stdio.h>

#include "base/idset.h"
#include "base/sanitize.h"
#include "cli.h"
#include "stack/stack.h"

/* A FILE operand that is not a dump gets a clear line, not silence. */
static void report_non_dumps(struct cli_scan *s)
{
	for (size_t i = 0; i < scan_root_count(s->scan); i++) {
		const struct scan_root *r = scan_get_root(s->scan, i);
		if (r->is_dir || cli_root_failed(&s->ix, r))
			continue;
		if (!idset_find(&s->ix.ids, r->dev, r->ino))
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
	struct stack_opts so;
	cli_scan(c, &s);
	cli_stack_opts(c, &so);
	s.rep.gdb = report_info_gdb_installed(); /* coredumpctl debug's hand-off */
	struct report_crashes *crashes = report_crashes_new(&s.ix);
	s.rep.crashes = crashes;
	for (size_t i = 0; i < s.ix.n; i++) {
		struct stack_result st;
		stack_read(s.ix.v[i], &so, &st);
		report_info(stdout, &s.rep, s.ix.v[i], &st, i == 0);
		stack_result_free(&st);
	}
	s.rep.crashes = NULL;
	report_crashes_free(crashes);
	report_non_dumps(&s);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
