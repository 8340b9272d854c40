/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list: `coredu list`, and no verb outside a terminal: the table of dumps. */
#include "config.h"

#include <stdio.h>

#include "cli.h"

int cmd_list(struct cli *c)
{
	struct cli_scan s;
	if (cli_scan(c, &s) > 0)
		report_list(stdout, &s.rep);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
