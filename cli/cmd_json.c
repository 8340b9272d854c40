/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_json: `coredu json`: one JSON document (doc/json.md). */
#include "config.h"

#include <stdio.h>

#include <stdlib.h>

#include "cli.h"
#include "stack/stack.h"

int cmd_json(struct cli *c)
{
	struct cli_scan s;
	cli_scan(c, &s);
	struct stack_result *stacks = NULL;
	if (c->backtrace) { /* one core at a time, each bounded by --backtrace-timeout */
		struct stack_opts so;
		cli_stack_opts(c, &so);
		stacks = xcalloc(s.ix.n ? s.ix.n : 1, sizeof(*stacks));
		for (size_t i = 0; i < s.ix.n; i++)
			stack_read(s.ix.v[i], &so, &stacks[i]);
		s.rep.stacks = stacks;
	}
	report_json(stdout, &s.rep);
	for (size_t i = 0; stacks && i < s.ix.n; i++)
		stack_result_free(&stacks[i]);
	free(stacks);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
