/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_json: `coredu json`: one JSON document (doc/json.md). */
#include "config.h"

#include <stdio.h>

#include "base/identity.h"
#include "cli.h"

extern char **environ;

int cmd_json(struct cli *c)
{
	struct cli_scan s;
	struct identity id;
	cli_scan(c, &s);
	identity_read(&id, environ); /* the host's name: imports group by it */
	s.rep.identity = &id;
	report_json(stdout, &s.rep);
	identity_free(&id);
	return cli_scan_finish(&s, s.ix.n > 0 ? 0 : 1);
}
