/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scanning: what the report verbs share: scan the operands into an index, the way every
 * verb words an operand it cannot scan, and the exit status that follows. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/charset.h"
#include "base/sanitize.h"
#include "cli.h"
#include "kinds/elfcore.h"
#include "kinds/mdesc.h"
#include "stack/stack.h"

unsigned cli_san_flags(void)
{
	return charset_utf8() ? 0 : SAN_ASCII;
}

void cli_stack_opts(const struct cli *c, struct stack_opts *o)
{
	o->timeout = c->has_backtrace_timeout ? c->backtrace_timeout : STACK_TIMEOUT_DEFAULT;
	o->sysroot = c->sysroot && *c->sysroot ? c->sysroot : NULL;
	o->python = true;
	o->native = true;
	o->cancel_fd = -1;
}

char *const *cli_paths(const struct cli *c, size_t *n)
{
	static char *const dot[] = {"."};
	*n = c->npaths ? c->npaths : 1;
	return c->npaths ? c->paths : dot;
}

static void sink_dump(void *ctx, struct dump *d)
{
	struct cli_scan *s = ctx;
	index_add(&s->ix, d);
}

static void sink_error(void *ctx, const char *path, const char *what, int err)
{
	struct cli_scan *s = ctx;
	char *msg = xasprintf("%s: %s", what, strerror(err));
	fprintf(stderr, "coredu: %s '%s': %s\n", what, sanitize_str(&s->tmp, path, s->san_flags),
		strerror(err));
	index_add_error(&s->ix, path, msg);
	free(msg);
}

bool cli_root_failed(const struct index *ix, const struct scan_root *r)
{
	for (size_t k = 0; !r->is_dir && k < ix->nerrors; k++)
		if (strcmp(ix->errors[k].path, r->path) == 0)
			return true;
	return false;
}

/* The operands as roots; an error line for each that cannot be scanned. */
static void add_roots(const struct cli *c, struct cli_scan *s)
{
	size_t npaths;
	char *const *paths = cli_paths(c, &npaths);
	for (size_t i = 0; i < npaths; i++) {
		char why[256];
		if (scan_add_root(s->scan, paths[i], why, sizeof(why)) != 0) {
			fprintf(stderr, "coredu: cannot scan '%s': %s\n",
				sanitize_str(&s->tmp, paths[i], s->san_flags), why);
			s->operand_error = true;
		}
	}
}

/* --import: the operands are documents; the report has no scan, only their totals. */
static size_t import_operands(const struct cli *c, struct cli_scan *s)
{
	struct scan_sink sink = {s, sink_dump, sink_error};
	for (size_t i = 0; i < c->npaths; i++) {
		char why[300];
		if (import_file(&s->imp, c->paths[i], &sink, why, sizeof(why)) != 0) {
			fprintf(stderr, "coredu: cannot import '%s': %s\n",
				sanitize_str(&s->tmp, c->paths[i], s->san_flags), why);
			s->operand_error = true;
		}
	}
	s->rep.totals = s->imp.totals;
	s->rep.seconds = s->imp.seconds;
	s->rep.hosts = s->imp.nhosts;
	return (size_t)s->imp.documents;
}

size_t cli_scan(const struct cli *c, struct cli_scan *s)
{
	memset(s, 0, sizeof(*s));
	index_init(&s->ix);
	sbuf_init(&s->tmp);
	s->san_flags = cli_san_flags();
	s->ix.has_since = c->has_since, s->ix.since = c->since;
	s->ix.has_until = c->has_until, s->ix.until = c->until;
	struct scan_opts o = c->scan;
	if (c->verb->keep_maps)
		o.parse_flags |= ELFCORE_KEEP_MAPS;
	if (c->env)
		o.parse_flags |= ELFCORE_KEEP_ENV;
	struct scan_sink sink = {s, sink_dump, sink_error};
	size_t roots = 0;
	import_init(&s->imp);
	if (c->import) {
		roots = import_operands(c, s);
	} else {
		s->scan = scan_new(&o, &sink);
		add_roots(c, s);
		roots = scan_root_count(s->scan);
	}
	if (roots > 0 && s->scan) {
		scan_run(s->scan);
		struct scan_progress pr;
		scan_get_progress(s->scan, &pr);
		s->rep.totals = pr.totals;
		s->rep.seconds = pr.seconds;
		fsusage_read(&s->rep.fs, scan_get_root(s->scan, 0)->path);
	}
	/* An unreadable FILE operand is an operand error, as an unreadable directory one is. */
	for (size_t i = 0; s->scan && i < roots; i++)
		if (cli_root_failed(&s->ix, scan_get_root(s->scan, i)))
			s->operand_error = true;
	s->rep.scan = s->scan;
	s->rep.ix = &s->ix;
	s->rep.si = c->si;
	s->rep.legend = !c->no_legend;
	s->rep.san_flags = s->san_flags;
	s->rep.now = (int64_t)time(NULL);
	index_link_same_crash(&s->ix);
	index_sort(&s->ix, (enum index_sort)(c->sort >= 0 ? c->sort : c->verb->sort), c->reverse);
	s->rep.magic = c->verb->magic ? mdesc_open(c->magic, stderr) : NULL;
	return roots;
}

int cli_scan_finish(struct cli_scan *s, int rc)
{
	if (s->operand_error)
		rc = 2;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "coredu: write error: %s\n", strerror(errno));
		rc = 2;
	}
	mdesc_close(s->rep.magic);
	if (s->scan)
		scan_free(s->scan);
	import_free(&s->imp);
	index_free(&s->ix);
	sbuf_free(&s->tmp);
	return rc;
}
