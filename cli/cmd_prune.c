#include "config.h"

#include "cmd_prune.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "delete/delete.h"
#include "base/fmt.h"
#include "base/json.h"
#include "output/report.h"
#include "base/sanitize.h"
#include "base/stopsig.h"
#include "base/util.h"

/* ---- text ------------------------------------------------------------------------------------ */

static void print_plan(const struct prune_cmd *c, const struct scan *scan, const struct del_plan *p,
		       const struct prune_pick *picks)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], age[FMT_TIME_LEN];
	struct sbuf path, tmp;
	sbuf_init(&path);
	sbuf_init(&tmp);
	bool si = c->policy.si;
	printf("%s%s %zu dump%s: %s on disk, %s apparent\n", c->dry_run ? "Would " : "",
	       c->compress ? (c->dry_run ? "compress" : "Compress") : (c->dry_run ? "delete" : "Delete"),
	       p->n, p->n == 1 ? "" : "s",
	       fmt_size(a, p->disk, si), fmt_size(b, p->apparent, si));
	for (size_t i = 0; i < p->n; i++) {
		const struct del_item *it = &p->items[i];
		sbuf_reset(&path);
		dump_display_path(&path, it->d, scan_get_root(scan, it->d->root)->display);
		printf("  %10s %6s  %s  (%s", fmt_size(a, it->d->size_disk, si),
		       fmt_age(age, c->policy.now, it->d->mtime), san_str(&tmp, path.s, c->san_flags),
		       picks[i].reason);
		if (it->held_open)
			printf("; held open by %s", san_str(&tmp, it->held_by, c->san_flags));
		if (it->recent)
			printf("; modified in the last minute");
		if (del_hardlinked(it->d))
			printf("; %" PRIu64 " hard links: frees nothing until the last goes", it->d->nlink);
		printf(")\n");
	}
	sbuf_free(&path);
	sbuf_free(&tmp);
	fflush(stdout);
}

static void print_outcome(const struct prune_cmd *c, const struct scan *scan, const struct del_plan *p)
{
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN], f[FMT_SIZE_LEN];
	bool si = c->policy.si;
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
		const struct del_item *it = &p->items[i];
		if (it->status == DEL_DONE)
			continue;
		sbuf_reset(&path);
		dump_display_path(&path, it->d, scan_get_root(scan, it->d->root)->display);
		printf("  %s: %s (%s)\n", san_str(&tmp, path.s, c->san_flags), del_status_name(it->status),
		       it->reason);
	}
	sbuf_free(&path);
	sbuf_free(&tmp);
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void print_json(const struct prune_cmd *c, const struct scan *scan,
		       const struct del_plan *p, const struct prune_pick *picks, bool ran)
{
	struct json_out j;
	struct report r = {.scan = scan};
	json_init(&j, stdout, true);
	json_obj_begin(&j, NULL);
	report_json_header(&j, &r);
	json_bool(&j, "dry_run", c->dry_run);
	json_bool(&j, "compress", c->compress);
	json_u64(&j, "size_disk", p->disk);
	json_u64(&j, "size_apparent", p->apparent);
	json_arr_begin(&j, "plan");
	for (size_t i = 0; i < p->n; i++) {
		const struct del_item *it = &p->items[i];
		json_obj_begin(&j, NULL);
		json_str(&j, "path", it->d->path);
		json_str(&j, "reason", picks[i].reason);
		json_u64(&j, "size_disk", it->d->size_disk);
		json_u64(&j, "size_apparent", it->d->size_apparent);
		json_i64(&j, "mtime", it->d->mtime);
		json_u64(&j, "nlink", it->d->nlink);
		json_bool(&j, "held_open", it->held_open);
		json_str(&j, "held_by", it->held_open ? it->held_by : NULL);
		json_bool(&j, "recent", it->recent);
		if (ran) {
			json_str(&j, "status", del_status_name(it->status));
			json_str(&j, "status_reason", it->reason[0] ? it->reason : NULL);
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
		if (p->fs.ok) {
			json_u64(&j, "free_before", p->fs.avail_before);
			json_u64(&j, "free_after", p->fs.avail_after);
		} else {
			json_null(&j, "free_before");
			json_null(&j, "free_after");
		}
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

int cmd_prune(const struct prune_cmd *c, const struct scan *scan, const struct index *ix)
{
	size_t n;
	struct prune_pick *picks = prune_select(ix, &c->policy, &n);
	const struct dump **chosen = xmalloc((n ? n : 1) * sizeof(*chosen));
	for (size_t i = 0; i < n; i++)
		chosen[i] = picks[i].d;
	struct del_plan p;
	del_plan_init(&p, chosen, n, c->proc, c->policy.now);
	free(chosen);
	int rc = 0;

	if (n == 0) {
		if (c->json)
			print_json(c, scan, &p, picks, false);
		else
			printf("Nothing to %s.\n", c->compress ? "compress" : "delete");
		rc = 1;
		goto out;
	}
	if (c->json && c->dry_run) {
		print_json(c, scan, &p, picks, false);
		goto out;
	}
	if (!c->json)
		print_plan(c, scan, &p, picks);
	if (c->dry_run) {
		printf("Dry run: nothing was changed.\n");
		goto out;
	}
	if (c->read_only) {
		fprintf(stderr, "coredu: read-only mode (-r): nothing is deleted; use --dry-run\n");
		rc = 2;
		goto out;
	}
	bool skip_flagged = false;
	if (!c->yes) {
		if (c->json || !isatty(STDIN_FILENO)) {
			fprintf(stderr, "coredu: not on a terminal: add --yes to %s, or --dry-run to see the plan\n",
				c->compress ? "compress" : "delete");
			rc = 2;
			goto out;
		}
		char q[160], a[FMT_SIZE_LEN];
		snprintf(q, sizeof(q), "%s these %zu dumps (%s on disk)?", c->compress ? "Compress" : "Delete",
			 n, fmt_size(a, p.disk, c->policy.si));
		if (!ask(q)) {
			printf("Nothing was changed.\n");
			goto out;
		}
		if (p.held_open || p.recent) {
			snprintf(q, sizeof(q), "%zu of them are held open or were modified in the last minute "
					       "(deleting frees nothing until closed). Those too?",
				 p.held_open + p.recent);
			skip_flagged = !ask(q);
		}
	}

	FILE *journal = stderr;
	if (c->log_path && !(journal = fopen(c->log_path, "a"))) {
		fprintf(stderr, "coredu: cannot open the log '%s': %s\n", c->log_path, strerror(errno));
		rc = 2;
		goto out;
	}
	/* From here a signal stops at a safe point: no temporary left, nothing half-done. */
	stopsig_catch();
	struct del_opts o = {.scan = scan, .journal = journal, .compress = c->compress,
			     .skip_flagged = skip_flagged, .cancel = &stopsig_caught};
	del_run(&p, &o);
	if (journal != stderr)
		fclose(journal);
	if (stopsig_caught)
		fprintf(stderr, "coredu: stopped by %s: the rest was left as it was\n",
			stopsig_name(stopsig_caught));
	if (c->json)
		print_json(c, scan, &p, picks, true);
	else
		print_outcome(c, scan, &p);
	rc = p.done == p.n ? 0 : 3;
out:
	del_plan_free(&p);
	free(picks);
	return rc;
}
