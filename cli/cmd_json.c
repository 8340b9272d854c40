/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_json: `coredu json`: one JSON document (doc/json.md). */
#include "config.h"

#include <stdio.h>

#include "cli.h"

int cmd_json(struct cli *c)
{
	struct cli_scan s;
	cli_scan(c, &s);
	report_json(stdout, &s.rep);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
