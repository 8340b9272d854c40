/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_browse: no verb: the browser on a terminal; the list report in pipes and scripts, with
 * --batch, or when the terminal cannot host the browser. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void ui_options(const struct cli *c, struct ui_opts *o)
{
	const char *no_color = getenv("NO_COLOR");
	*o = (struct ui_opts){
		.scan = c->scan, .term = c->term, .ascii = c->ascii,
		.no_color = c->no_color || (no_color && *no_color), .si = c->si,
		.has_since = c->has_since, .since = c->since, .has_until = c->has_until,
		.until = c->until, .read_only = c->read_only, .log_path = c->log_path,
		.proc = c->proc, .magic = c->magic,
	};
	o->operands = cli_paths(c, &o->noperands);
	cli_stack_opts(c, &o->stacks);
}

/* Returns an exit status, or -1 when the terminal cannot host the browser. */
static int browse(const struct cli *c)
{
	bool operand_error = false;
	if (!check_operands(c, &operand_error))
		return 2;
	struct ui_opts o;
	ui_options(c, &o);
	char why[256];
	if (ui_browse(&o, why, sizeof(why)) != 0) {
		fprintf(stderr, "coredu: %s; printing the list report instead\n", why);
		return -1;
	}
	return operand_error ? 2 : 0;
}

/* A document read from standard input took it: the browser reads keys from the terminal,
 * as ncdu -f - does. */
static bool keys_from_tty(const struct cli *c)
{
	bool used_stdin = false;
	for (size_t i = 0; i < c->npaths; i++)
		used_stdin |= strcmp(c->paths[i], "-") == 0;
	if (!used_stdin || isatty(STDIN_FILENO))
		return isatty(STDIN_FILENO);
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = dup2(fd, STDIN_FILENO) == STDIN_FILENO;
	close(fd);
	return ok;
}

/* --import: the documents read once, then browsed, or listed when there is no terminal. */
static int browse_imported(struct cli *c)
{
	struct cli_scan s;
	cli_scan(c, &s);
	int rc = -1;
	if (!c->batch && isatty(STDOUT_FILENO) && keys_from_tty(c)) {
		struct ui_opts o;
		ui_options(c, &o);
		o.imported = &s.ix;
		o.import_hosts = s.imp.nhosts;
		o.import_totals = s.imp.totals;
		o.read_only = true;
		char why[256];
		if (ui_browse(&o, why, sizeof(why)) == 0)
			rc = 0;
		else
			fprintf(stderr, "coredu: %s; printing the list report instead\n", why);
	}
	if (rc < 0) {
		report_list(stdout, &s.rep);
		rc = s.ix.n > 0 ? 0 : 1;
	}
	return cli_scan_finish(&s, rc);
}

int cmd_browse(struct cli *c)
{
	if (c->import)
		return browse_imported(c);
	int rc = -1;
	if (!c->batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		rc = browse(c);
	return rc >= 0 ? rc : cmd_list(c);
}
