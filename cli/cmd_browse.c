/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_browse: no verb: the browser on a terminal; the list report in pipes and scripts, with
 * --batch, or when the terminal cannot host the browser. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "cli.h"
#include "ui/ui.h"

/* The operands, checked the way the reports check them: false when none can be scanned. */
static bool check_operands(const struct cli *c, bool *operand_error)
{
	struct scan_sink none = {0};
	struct scan *check = scan_new(&c->scan, &none);
	struct sbuf tmp;
	sbuf_init(&tmp);
	size_t npaths;
	char *const *paths = cli_paths(c, &npaths);
	for (size_t i = 0; i < npaths; i++) {
		char why[256];
		if (scan_add_root(check, paths[i], why, sizeof(why)) != 0) {
			fprintf(stderr, "coredu: cannot scan '%s': %s\n", sanitize_str(&tmp, paths[i], SAN_ASCII),
				why);
			*operand_error = true;
		}
	}
	size_t roots = scan_root_count(check);
	scan_free(check);
	sbuf_free(&tmp);
	return roots > 0;
}

/* Returns an exit status, or -1 when the terminal cannot host the browser. */
static int browse(const struct cli *c)
{
	bool operand_error = false;
	if (!check_operands(c, &operand_error))
		return 2;
	const char *no_color = getenv("NO_COLOR");
	struct ui_opts o = {
		.scan = c->scan, .term = c->term, .ascii = c->ascii,
		.no_color = c->no_color || (no_color && *no_color), .si = c->si,
		.has_since = c->has_since, .since = c->since, .has_until = c->has_until,
		.until = c->until, .read_only = c->read_only, .log_path = c->log_path,
		.proc = c->proc, .magic = c->magic,
	};
	o.operands = cli_paths(c, &o.noperands);
	cli_stack_opts(c, &o.stacks);
	char why[256];
	if (ui_browse(&o, why, sizeof(why)) != 0) {
		fprintf(stderr, "coredu: %s; printing the list report instead\n", why);
		return -1;
	}
	return operand_error ? 2 : 0;
}

int cmd_browse(struct cli *c)
{
	int rc = -1;
	if (!c->batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = browse(c);
	return rc >= 0 ? rc : cmd_list(c);
}
