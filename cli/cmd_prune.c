/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_prune: `coredu prune`: choose dumps by policy (delete/prune.c), print the plan, ask,
 * delete or compress them (delete/delete.c), report the outcome as text or JSON. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/stopsig.h"
#include "base/util.h"
#include "cli.h"
#include "delete/delete.h"
#include "output/report.h"

/* What prune_select chose, and what --compress left out. */
struct picks {
	struct prune_pick *v;
	size_t n, compressed;
};

/* ---- text ------------------------------------------------------------------------------------ */

/* What --compress leaves out, and why. */
static void print_compressed(size_t compressed)
{
	if (compressed)
		printf("Left out %zu already compressed dump%s (compressing again would hide %s from "
		       "coredu, coredumpctl and retention).\n", compressed, compressed == 1 ? "" : "s",
		       compressed == 1 ? "it" : "them");
}

static void print_plan(const struct cli *c, const struct cli_scan *s, const struct delete_plan *p,
		       const struct picks *pk)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], age[FMT_TIME_LEN];
	struct sbuf path, tmp;
	sbuf_init(&path);
	sbuf_init(&tmp);
	bool si = c->prune.si;
	printf("%s%s %zu dump%s: %s on disk, %s apparent\n", c->dry_run ? "Would " : "",
	       c->compress ? (c->dry_run ? "compress" : "Compress") : (c->dry_run ? "delete" : "Delete"),
	       p->n, p->n == 1 ? "" : "s",
	       fmt_size(a, p->disk, si), fmt_size(b, p->apparent, si));
	print_compressed(pk->compressed);
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		sbuf_reset(&path);
		dump_display_path(&path, it->d, scan_get_root(s->scan, it->d->root)->display);
		printf("  %10s %6s  %s  (%s", fmt_size(a, it->d->size_disk, si),
		       fmt_age(age, c->prune.now, it->d->mtime), sanitize_str(&tmp, path.s, s->san_flags),
		       pk->v[i].reason); /* escaped when it was made */
		if (it->held_open) /* escaped when it was made */
			printf("; held open by %s", it->held_by);
		if (it->recent)
			printf("; modified in the last minute");
		if (delete_hardlinked(it->d))
			printf("; %" PRIu64 " hard links: frees nothing until the last goes", it->d->nlink);
		printf(")\n");
	}
	sbuf_free(&path);
	sbuf_free(&tmp);
	fflush(stdout);
}

static void print_outcome(const struct cli *c, const struct cli_scan *s,
			  const struct delete_plan *p)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], f[FMT_SIZE_LEN];
	bool si = c->prune.si;
	printf("%s %zu dump%s, freed %s", c->compress ? "Compressed" : "Deleted", p->done,
	       p->done == 1 ? "" : "s", fmt_size(f, p->freed, si));
	if (p->fs.ok)
		printf(" (free space %s -> %s)", fmt_size(a, p->fs.avail_before, si),
		       fmt_size(b, p->fs.avail_after, si));
	printf(".\n");
	size_t bad = p->refused + p->failed + p->skipped;
	if (bad)
		printf("%zu not %s:\n", bad, c->compress ? "compressed" : "deleted");
	struct sbuf path, tmp;
	sbuf_init(&path);
	sbuf_init(&tmp);
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		if (it->status == DELETE_DONE)
			continue;
		sbuf_reset(&path);
		dump_display_path(&path, it->d, scan_get_root(s->scan, it->d->root)->display);
		printf("  %s: %s (%s)\n", sanitize_str(&tmp, path.s, s->san_flags),
		       delete_status_name(it->status), it->reason); /* escaped when it was made */
	}
	sbuf_free(&path);
	sbuf_free(&tmp);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void print_json(const struct cli *c, const struct cli_scan *s,
		       const struct delete_plan *p, const struct picks *pk, bool ran)
{
	struct json_out j;
	struct report r = {.scan = s->scan};
	json_init(&j, stdout, true);
	json_obj_begin(&j, NULL);
	report_json_header(&j, &r);
	json_bool(&j, "dry_run", c->dry_run);
	json_bool(&j, "compress", c->compress);
	json_u64(&j, "already_compressed", pk->compressed);
	json_u64(&j, "size_disk", p->disk);
	json_u64(&j, "size_apparent", p->apparent);
	json_arr_begin(&j, "plan");
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "path", it->d->path);
		json_str(&j, "reason", pk->v[i].reason);
		json_u64(&j, "size_disk", it->d->size_disk);
		json_u64(&j, "size_apparent", it->d->size_apparent);
		json_i64(&j, "mtime", it->d->mtime);
		json_u64(&j, "nlink", it->d->nlink);
		json_bool(&j, "held_open", it->held_open);
		json_str(&j, "held_by", it->held_open ? it->held_by : NULL);
		json_bool(&j, "recent", it->recent);
		if (ran) {
			json_str(&j, "status", delete_status_name(it->status));
			json_opt_str(&j, "status_reason", it->reason);
			json_u64(&j, "freed", it->freed);
			if (c->compress)
				json_u64(&j, "compressed_disk", it->compressed_disk);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (ran) {
		json_obj_begin(&j, "outcome");
		json_u64(&j, "done", p->done);
		json_u64(&j, "refused", p->refused);
		json_u64(&j, "failed", p->failed);
		json_u64(&j, "skipped", p->skipped);
		json_u64(&j, "freed", p->freed);
		json_opt_u64(&j, "free_before", p->fs.ok, p->fs.avail_before);
		json_opt_u64(&j, "free_after", p->fs.ok, p->fs.avail_after);
		json_obj_end(&j);
	} else {
		json_null(&j, "outcome");
	}
	json_obj_end(&j);
	json_end(&j);
}

/* ---- asking ---------------------------------------------------------------------------------- */

/* One line from the terminal; true for y or yes.  The default is no. */
static bool ask(const char *question)
{
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0 || strcmp(line, "yes\n") == 0;
}

/* Ask on a terminal (twice for dumps held open or just written); elsewhere --yes is needed.
 * Returns -1 to go on, else the exit status. */
static int confirm(const struct cli *c, const struct delete_plan *p, bool *skip_flagged)
{
	if (c->yes)
		return -1;
	if (c->json || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "coredu: not on a terminal: add --yes to %s, or --dry-run to see the plan\n",
			c->compress ? "compress" : "delete");
		return 2;
	}
	char q[160], a[FMT_SIZE_LEN];
	snprintf(q, sizeof(q), "%s these %zu dumps (%s on disk)?", c->compress ? "Compress" : "Delete",
		 p->n, fmt_size(a, p->disk, c->prune.si));
	if (!ask(q)) {
		printf("Nothing was changed.\n");
		return 0;
	}
	if (p->held_open || p->recent) {
		snprintf(q, sizeof(q), "%zu of them are held open or were modified in the last minute "
				       "(deleting frees nothing until closed). Those too?",
			 p->held_open + p->recent);
		*skip_flagged = !ask(q);
	}
	return -1;
}

FILE *cli_journal_open(const char *what, const char *path, unsigned san_flags)
{
	FILE *journal = delete_journal_open(path);
	if (!journal) {
		int err = errno;
		struct sbuf tmp;
		sbuf_init(&tmp);
		fprintf(stderr, "coredu: cannot open %s '%s': %s\n", what,
			sanitize_str(&tmp, path, san_flags),
			err == ELOOP ? "it is a symbolic link" : err == EINVAL ? "not a regular file"
								: strerror(err));
		sbuf_free(&tmp);
	}
	return journal;
}

/* Delete or compress, journaled; returns the exit status. */
static int run_plan(const struct cli *c, const struct cli_scan *s, struct delete_plan *p,
		    const struct picks *pk, bool skip_flagged)
{
	FILE *journal = stderr;
	if (c->log_path && !(journal = cli_journal_open("the log", c->log_path, s->san_flags)))
		return 2;
	/* From here a signal stops at a safe point: no temporary left, nothing half-done. */
	stopsig_catch(false);
	/* --yes answers the question, not the second one: a dump held open (a debugger, a core
	 * still being written) needs --force-open too, or anything written later is lost. */
	struct delete_opts o = {.scan = s->scan, .journal = journal, .compress = c->compress,
			     .skip_flagged = skip_flagged, .skip_held = c->yes && !c->force_open,
			     .cancel = &stopsig_caught};
	delete_run(p, &o);
	if (journal != stderr)
		fclose(journal);
	if (stopsig_caught)
		fprintf(stderr, "coredu: stopped by %s: the rest was left as it was\n",
			stopsig_name(stopsig_caught));
	if (c->json)
		print_json(c, s, p, pk, true);
	else
		print_outcome(c, s, p);
	return p->done == p->n ? 0 : 3;
}

/* The plan, as text or JSON.  Returns -1 to go on and act on it, else the exit status:
 * nothing to do, or a dry run. */
static int show_plan(const struct cli *c, const struct cli_scan *s, const struct delete_plan *p,
		     const struct picks *pk)
{
	if (p->n == 0) {
		if (c->json)
			print_json(c, s, p, pk, false);
		else
			print_compressed(pk->compressed);
		if (!c->json)
			printf("Nothing to %s.\n", c->compress ? "compress" : "delete");
		return 1;
	}
	if (c->json) {
		if (!c->dry_run)
			return -1;
		print_json(c, s, p, pk, false);
		return 0;
	}
	print_plan(c, s, p, pk);
	if (!c->dry_run)
		return -1;
	printf("Dry run: nothing was changed.\n");
	return 0;
}

/* Plan, show, ask, act: the exit status. */
static int prune(const struct cli *c, const struct cli_scan *s)
{
	struct picks pk;
	struct prune_policy policy = c->prune;
	policy.compress = c->compress;
	pk.v = prune_select(&s->ix, &policy, &pk.n, &pk.compressed);
	const struct dump **chosen = xmalloc((pk.n ? pk.n : 1) * sizeof(*chosen));
	for (size_t i = 0; i < pk.n; i++)
		chosen[i] = pk.v[i].d;
	struct delete_plan p;
	delete_plan_init(&p, chosen, pk.n, c->proc, c->prune.now);
	free(chosen);
	int rc = show_plan(c, s, &p, &pk);
	if (rc < 0 && c->read_only) {
		fprintf(stderr, "coredu: read-only mode (-r): nothing is deleted; use --dry-run\n");
		rc = 2;
	}
	bool skip_flagged = false;
	if (rc < 0)
		rc = confirm(c, &p, &skip_flagged);
	if (rc < 0)
		rc = run_plan(c, s, &p, &pk, skip_flagged);
	delete_plan_free(&p);
	free(pk.v);
	return rc;
}

int cmd_prune(struct cli *c)
{
	struct cli_scan s;
	size_t roots = cli_scan(c, &s);
	c->prune.now = s.rep.now;
	c->prune.si = c->si;
	int rc = roots > 0 ? prune(c, &s) : 2;
	/* "some could not be deleted" says more than a bad operand */
	if (rc == 3)
		s.operand_error = false;
	return cli_scan_finish(&s, rc);
}
