/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "output/report_metrics.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/identity.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "doctor/doctor.h"
#include "kinds/dump.h"
#include "model/index.h"

#define OTHER "other"
#define SEP '\x01' /* between the labels of a series key: the sanitiser never lets one through */

int report_metrics_format_parse(const char *name)
{
	static const char *const names[] = {"prometheus", "openmetrics", "emf"};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- labels ----------------------------------------------------------------------------- */

/* A label value: terminal-safe, valid UTF-8, at most METRICS_LABEL_BYTES bytes (cut at a
 * character boundary), never empty. */
static void label_value(struct sbuf *out, const char *raw)
{
	struct sbuf tmp;
	sbuf_init(&tmp);
	const char *s = sanitize_str(&tmp, raw && *raw ? raw : "unknown", 0);
	size_t n = strlen(s);
	if (n > METRICS_LABEL_BYTES) {
		n = METRICS_LABEL_BYTES;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	sbuf_add(out, s, n);
	sbuf_free(&tmp);
}

static void dir_of(struct sbuf *out, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash && slash != path ? (size_t)(slash - path) : 1;
	sbuf_add(out, slash ? path : ".", slash ? n : 1);
}

/* Names by how many dumps carry them; the first `keep` stay, the rest become "other". */
struct ranked {
	char *name;
	size_t count;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_ranked_name(const void *a, const void *b)
{
	return strcmp(((const struct ranked *)a)->name, ((const struct ranked *)b)->name);
}

/* The names that keep their label, sorted by name for bsearch; *n gets their number. */
static struct ranked *top_names(char **names, size_t count, size_t keep, size_t *n)
{
	char **sorted = xmalloc((count ? count : 1) * sizeof(*sorted));
	memcpy(sorted, names, count * sizeof(*sorted));
	sort_array(sorted, count, sizeof(*sorted), cmp_name);
	struct ranked *r = xmalloc((count ? count : 1) * sizeof(*r));
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		if (k && strcmp(r[k - 1].name, sorted[i]) == 0)
			r[k - 1].count++;
		else
			r[k++] = (struct ranked){sorted[i], 1};
	}
	free(sorted);
	sort_array(r, k, sizeof(*r), cmp_ranked);
	*n = k < keep ? k : keep;
	sort_array(r, *n, sizeof(*r), cmp_ranked_name);
	return r;
}

static const char *kept(const struct ranked *top, size_t n, const char *name)
{
	struct ranked key = {(char *)name, 0};
	return n && bsearch(&key, top, n, sizeof(*top), cmp_ranked_name) ? name : OTHER;
}

/* ---- series ----------------------------------------------------------------------------- */

struct series {
	char *key; /* program SEP signal SEP kind SEP dir, each a safe label value */
	uint64_t count, bytes;
};

static int cmp_series_key(const void *a, const void *b)
{
	return strcmp(((const struct series *)a)->key, ((const struct series *)b)->key);
}

static int cmp_series_count(const void *a, const void *b)
{
	const struct series *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Equal keys merged; *n shrinks. */
static void merge_equal(struct series *s, size_t *n)
{
	sort_array(s, *n, sizeof(*s), cmp_series_key);
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (k && strcmp(s[k - 1].key, s[i].key) == 0) {
			s[k - 1].count += s[i].count;
			s[k - 1].bytes = sat_add_u64(s[k - 1].bytes, s[i].bytes);
			free(s[i].key);
		} else {
			s[k++] = s[i];
		}
	}
	*n = k;
}

/* Beyond `max` series, the smallest fold into one labelled "other" throughout. */
static void cap_series(struct series *s, size_t *n, size_t max, int nlabels)
{
	if (*n <= max)
		return;
	sort_array(s, *n, sizeof(*s), cmp_series_count);
	struct series rest = {NULL, 0, 0};
	for (size_t i = max - 1; i < *n; i++) {
		rest.count += s[i].count;
		rest.bytes = sat_add_u64(rest.bytes, s[i].bytes);
		free(s[i].key);
	}
	struct sbuf k;
	sbuf_init(&k);
	for (int i = 0; i < nlabels; i++) {
		if (i)
			sbuf_addc(&k, SEP);
		sbuf_adds(&k, OTHER);
	}
	rest.key = sbuf_take(&k);
	s[max - 1] = rest;
	*n = max;
	merge_equal(s, n); /* an existing all-"other" series takes the rest */
}

/* The series of the dumps, by (program, signal, kind, dir), or (program, signal) for EMF,
 * sorted by key.  *n gets their number. */
static struct series *build_series(const struct index *ix, bool emf, size_t *n)
{
	char **progs = xmalloc((ix->n ? ix->n : 1) * sizeof(*progs));
	char **dirs = xmalloc((ix->n ? ix->n : 1) * sizeof(*dirs));
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < ix->n; i++) {
		sbuf_reset(&b);
		label_value(&b, dump_program(ix->v[i]));
		progs[i] = xstrdup(b.s);
		sbuf_reset(&b);
		struct sbuf d;
		sbuf_init(&d);
		dir_of(&d, ix->v[i]->path);
		label_value(&b, d.s);
		sbuf_free(&d);
		dirs[i] = xstrdup(b.s);
	}
	size_t np, nd;
	struct ranked *tp = top_names(progs, ix->n, METRICS_PROGRAMS, &np);
	struct ranked *td = top_names(dirs, ix->n, METRICS_DIRS, &nd);
	struct series *s = xmalloc((ix->n ? ix->n : 1) * sizeof(*s));
	for (size_t i = 0; i < ix->n; i++) {
		const struct dump *d = ix->v[i];
		char sig[16];
		sbuf_reset(&b);
		sbuf_printf(&b, "%s%c", kept(tp, np, progs[i]), SEP);
		label_value(&b, dump_signal_name(d, sig));
		if (!emf)
			sbuf_printf(&b, "%c%s%c%s", SEP, dump_kind_name(d->kind), SEP,
				    kept(td, nd, dirs[i]));
		s[i] = (struct series){xstrdup(b.s), 1, d->size_disk};
	}
	for (size_t i = 0; i < ix->n; i++) {
		free(progs[i]);
		free(dirs[i]);
	}
	free(progs), free(dirs), free(tp), free(td);
	sbuf_free(&b);
	*n = ix->n;
	merge_equal(s, n);
	cap_series(s, n, METRICS_SERIES, emf ? 2 : 4);
	sort_array(s, *n, sizeof(*s), cmp_series_key);
	return s;
}

static void free_series(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].key);
	free(s);
}

/* The k-th label of a series key, into buf. */
static const char *key_part(const char *key, int k, struct sbuf *buf)
{
	for (; k > 0; k--)
		key = strchr(key, SEP) + 1;
	const char *end = strchr(key, SEP);
	sbuf_reset(buf);
	sbuf_add(buf, key, end ? (size_t)(end - key) : strlen(key));
	return buf->s;
}

/* ---- Prometheus and OpenMetrics text ---------------------------------------------------- */

static void put_label(FILE *f, const char *name, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void dump_families(FILE *f, const struct series *s, size_t n)
{
	static const char *const labels[] = {"program", "signal", "kind", "dir"};
	struct sbuf part;
	sbuf_init(&part);
	for (int fam = 0; fam < 2; fam++) {
		const char *name = fam ? "coredu_dump_bytes" : "coredu_dumps";
		family(f, name, fam ? "Bytes on disk taken by crash dumps, by program, signal, kind "
				      "and directory."
				    : "Crash dumps found, by program, signal, kind and directory.");
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%s{", name);
			for (int k = 0; k < 4; k++)
				put_label(f, labels[k], key_part(s[i].key, k, &part), k == 0);
			fprintf(f, "} %" PRIu64 "\n", fam ? s[i].bytes : s[i].count);
		}
	}
	sbuf_free(&part);
}

/* One family with a series per scanned path: its room, or the doctor's time to full. */
static void root_family(FILE *f, const struct metrics_in *in, bool eta)
{
	const char *name = eta ? "coredu_filesystem_full_eta_seconds" : "coredu_filesystem_avail_bytes";
	family(f, name, eta ? "Seconds until the dumps fill the file system at their rate of the "
			      "last 24 h (coredu doctor); +Inf when they are not filling it."
			    : "Bytes available to unprivileged users on the file system of a scanned "
			      "path.");
	struct sbuf v;
	sbuf_init(&v);
	for (size_t i = 0; i < in->nroots; i++) {
		const struct metrics_root *r = &in->roots[i];
		if (!r->fs.ok)
			continue;
		sbuf_reset(&v);
		label_value(&v, r->path);
		fprintf(f, "%s{", name);
		put_label(f, "path", v.s, true);
		if (!eta)
			fprintf(f, "} %" PRIu64 "\n", r->fs.avail);
		else if (r->full_eta < 0)
			fputs("} +Inf\n", f);
		else
			fprintf(f, "} %.0f\n", r->full_eta);
	}
	sbuf_free(&v);
}

static void text_metrics(FILE *f, const struct metrics_in *in, bool openmetrics)
{
	size_t n;
	struct series *s = build_series(in->ix, false, &n);
	dump_families(f, s, n);
	free_series(s, n);
	int64_t newest = INT64_MIN;
	for (size_t i = 0; i < in->ix->n; i++)
		if (in->ix->v[i]->mtime > newest)
			newest = in->ix->v[i]->mtime;
	family(f, "coredu_newest_dump_timestamp_seconds",
	       "Modification time of the newest dump (absent when there is none).");
	if (in->ix->n)
		fprintf(f, "coredu_newest_dump_timestamp_seconds %" PRId64 "\n", newest);
	root_family(f, in, false);
	root_family(f, in, true);
	family(f, "coredu_scan_duration_seconds", "Wall time of the last scan.");
	fprintf(f, "coredu_scan_duration_seconds %.6f\n", in->scan_seconds);
	family(f, "coredu_scan_errors", "Entries the last scan could not read.");
	fprintf(f, "coredu_scan_errors %" PRIu64 "\n", in->scan_errors);
	family(f, "coredu_scan_timestamp_seconds", "When these metrics were made.");
	fprintf(f, "coredu_scan_timestamp_seconds %" PRId64 "\n", in->now);
	if (openmetrics)
		fputs("# EOF\n", f);
}

/* ---- CloudWatch Embedded Metric Format -------------------------------------------------- */

static void emf_metadata(struct json_out *j, int64_t now)
{
	json_obj_begin(j, "_aws");
	json_i64(j, "Timestamp", now * 1000);
	json_arr_begin(j, "CloudWatchMetrics");
	json_obj_begin(j, NULL);
	json_str(j, "Namespace", "coredu");
	json_arr_begin(j, "Dimensions");
	json_arr_begin(j, NULL);
	json_str(j, NULL, "program");
	json_str(j, NULL, "signal");
	json_arr_end(j);
	json_arr_end(j);
	json_arr_begin(j, "Metrics");
	static const char *const metrics[][2] = {{"Dumps", "Count"}, {"DumpBytes", "Bytes"}};
	for (size_t i = 0; i < ARRAY_SIZE(metrics); i++) {
		json_obj_begin(j, NULL);
		json_str(j, "Name", metrics[i][0]);
		json_str(j, "Unit", metrics[i][1]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
	json_arr_end(j);
	json_obj_end(j);
}

/* One line per (program, signal): the metrics, the dimensions, and where it runs as plain
 * properties (searchable in CloudWatch Logs, not dimensions: they would multiply the
 * metrics). */
static void emf_metrics(FILE *f, const struct metrics_in *in)
{
	size_t n;
	struct series *s = build_series(in->ix, true, &n);
	struct sbuf part;
	sbuf_init(&part);
	const struct identity *id = in->identity;
	for (size_t i = 0; i < n; i++) {
		struct json_out j;
		json_init(&j, f, false);
		json_obj_begin(&j, NULL);
		emf_metadata(&j, in->now);
		json_str(&j, "program", key_part(s[i].key, 0, &part));
		json_str(&j, "signal", key_part(s[i].key, 1, &part));
		json_u64(&j, "Dumps", s[i].count);
		json_u64(&j, "DumpBytes", s[i].bytes);
		if (id) {
			json_opt_str(&j, "hostname", id->hostname);
			json_opt_str(&j, "ecs_task_arn", id->ecs_task_arn);
			json_opt_str(&j, "ecs_container", id->ecs_container);
			json_opt_str(&j, "k8s_pod", id->k8s_pod);
			json_opt_str(&j, "k8s_namespace", id->k8s_namespace);
		}
		json_obj_end(&j);
		json_end(&j);
	}
	sbuf_free(&part);
	free_series(s, n);
}

void report_metrics(FILE *f, const struct metrics_in *in, enum metrics_format format)
{
	if (format == METRICS_EMF)
		emf_metrics(f, in);
	else
		text_metrics(f, in, format == METRICS_OPENMETRICS);
}

void report_metrics_roots(struct metrics_in *in, const char *proc, char *const *envp)
{
	struct doctor doc;
	char err[200];
	struct doctor_opts o = {.proc = proc, .rootfs = "/", .envp = envp, .now = in->now,
				.crashes = 10, .self = (long)getpid()};
	bool have = doctor_run(&doc, &o, (const struct dump *const *)in->ix->v, in->ix->n, err,
			       sizeof(err)) == 0;
	for (size_t i = 0; i < in->nroots; i++) {
		struct metrics_root *r = &in->roots[i];
		struct stat st;
		fsusage_read(&r->fs, r->path);
		r->full_eta = -1;
		for (size_t k = 0; have && stat(r->path, &st) == 0 && k < doc.nfs; k++)
			if (doc.fs[k].dev == (uint64_t)st.st_dev && doc.fs[k].hours_to_full >= 0)
				r->full_eta = doc.fs[k].hours_to_full * 3600.0;
	}
	if (have)
		doctor_free(&doc);
}
