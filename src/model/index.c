/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "model/index.h"

#include <stdlib.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"


void index_init(struct index *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		dump_free(ix->v[i]);
	for (size_t i = 0; i < ix->nerrors; i++) {
		free(ix->errors[i].path);
		free(ix->errors[i].message);
	}
	free(ix->v);
	idset_free(&ix->ids);
	free(ix->errors);
	memset(ix, 0, sizeof(*ix));
}

/* Where each dump is, by its (device, inode): after a sort or a removal. */
static void reindex(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		idset_put(&ix->ids, dump_key_dev(ix->v[i]), ix->v[i]->ino, i);
}

bool index_add(struct index *ix, struct dump *d)
{
	if ((ix->has_since && d->mtime < ix->since) || (ix->has_until && d->mtime > ix->until)) {
		dump_free(d);
		return false;
	}
	const uint64_t *pos = idset_find(&ix->ids, dump_key_dev(d), d->ino);
	if (pos) {
		struct dump **have = &ix->v[*pos];
		if (strcmp(d->path, (*have)->path) < 0) { /* keep the smallest path: stable output */
			dump_free(*have);
			*have = d;
		} else {
			dump_free(d);
		}
		return false;
	}
	ix->v = xgrow(ix->v, &ix->cap, ix->n + 1, sizeof(*ix->v));
	idset_add(&ix->ids, dump_key_dev(d), d->ino, ix->n);
	ix->v[ix->n++] = d;
	return true;
}

void index_remove_if(struct index *ix, bool (*gone)(const struct dump *d, void *ctx), void *ctx)
{
	size_t k = 0;
	for (size_t i = 0; i < ix->n; i++) {
		if (gone(ix->v[i], ctx))
			dump_free(ix->v[i]);
		else
			ix->v[k++] = ix->v[i];
	}
	ix->n = k;
	idset_clear(&ix->ids);
	reindex(ix);
}

void index_add_error(struct index *ix, const char *path, const char *message)
{
	ix->errors_total++;
	if (ix->nerrors >= INDEX_ERRORS_KEPT)
		return;
	ix->errors = xgrow(ix->errors, &ix->caperrors, ix->nerrors + 1, sizeof(*ix->errors));
	ix->errors[ix->nerrors++] = (struct index_error){xstrdup(path), xstrdup(message)};
}

static const char *const sort_names[] = {
	[SORT_DISK] = "disk", [SORT_SIZE] = "size", [SORT_TIME] = "time", [SORT_PID] = "pid",
	[SORT_COMMAND] = "command", [SORT_SIGNAL] = "signal", [SORT_PATH] = "path",
};

int index_sort_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_names); i++)
		if (strcmp(name, sort_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *index_sort_name(enum index_sort key)
{
	return sort_names[key];
}

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

/* Natural order of each key: sizes and times largest/newest first, the rest ascending. */
static int compare_key(const struct dump *a, const struct dump *b, enum index_sort key)
{
	switch (key) {
	case SORT_DISK: return CMP(b->size_disk, a->size_disk);
	case SORT_SIZE: return CMP(b->size_apparent, a->size_apparent);
	case SORT_TIME:
		return b->mtime != a->mtime ? CMP(b->mtime, a->mtime) : CMP(b->mtime_nsec, a->mtime_nsec);
	case SORT_PID: return CMP(a->core.pid, b->core.pid);
	case SORT_COMMAND: return strcmp(dump_program(a), dump_program(b));
	case SORT_SIGNAL: {
		const char *x = elfcore_signal_name(&a->core);
		const char *y = elfcore_signal_name(&b->core);
		return strcmp(x ? x : "~", y ? y : "~");
	}
	case SORT_PATH: return 0;
	}
	return 0;
}

struct sort_ctx {
	enum index_sort key;
	bool reverse;
};

static int compare(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *ctx = arg;
	const struct dump *a = *(const struct dump *const *)pa, *b = *(const struct dump *const *)pb;
	int c = compare_key(a, b, ctx->key);
	if (c == 0)
		c = strcmp(a->path, b->path); /* ties: stable, documented order */
	return ctx->reverse ? -c : c;
}

void index_sort(struct index *ix, enum index_sort key, bool reverse)
{
	struct sort_ctx ctx = {key, reverse};
	sort_array_r(ix->v, ix->n, sizeof(*ix->v), compare, &ctx);
	reindex(ix);
}

uint64_t index_total_disk(const struct index *ix)
{
	uint64_t t = 0;
	for (size_t i = 0; i < ix->n; i++)
		t = sat_add_u64(t, ix->v[i]->size_disk);
	return t;
}

uint64_t index_total_apparent(const struct index *ix)
{
	uint64_t t = 0;
	for (size_t i = 0; i < ix->n; i++)
		t = sat_add_u64(t, ix->v[i]->size_apparent);
	return t;
}

/* ---- one crash, stored more than once ------------------------------------------------------ */

struct crash_key {
	uint32_t source; /* one host's pids say nothing of another's */
	int64_t pid, time;
	size_t i;
};

static int cmp_crash(const void *a, const void *b)
{
	const struct crash_key *x = a, *y = b;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Kinds whose pid is a process's: a kernel dump's is whatever ran on a CPU. */
static bool has_process(const struct dump *d)
{
	return d->kind != DUMP_VMCORE && d->kind != DUMP_KDUMP && d->core.pid > 0;
}

/* The same program, or the same process name: a JVM's core whose command line the kernel
 * cut before the main class, and its hs_err log that names the class, are both "java". */
static bool same_program(const struct dump *a, const struct dump *b)
{
	const char *x = dump_program(a), *y = dump_program(b);
	return strcmp(x, y) == 0 || strcmp(x, "?") == 0 || strcmp(y, "?") == 0 ||
	       strcmp(dump_command(a), dump_command(b)) == 0;
}

size_t index_link_same_crash(struct index *ix)
{
	struct crash_key *k = xmalloc((ix->n ? ix->n : 1) * sizeof(*k));
	size_t n = 0, groups = 0;
	for (size_t i = 0; i < ix->n; i++) {
		ix->v[i]->same_crash = 0;
		if (has_process(ix->v[i]))
			k[n++] = (struct crash_key){ix->v[i]->source, ix->v[i]->core.pid,
						    dump_time(ix->v[i]), i};
	}
	sort_array(k, n, sizeof(*k), cmp_crash);
	for (size_t a = 0; a < n;) {
		size_t b = a + 1;
		while (b < n && k[b].source == k[a].source && k[b].pid == k[a].pid &&
		       k[b].time - k[b - 1].time <= INDEX_SAME_CRASH_SECONDS &&
		       same_program(ix->v[k[a].i], ix->v[k[b].i]))
			b++;
		if (b - a > 1) {
			groups++;
			for (size_t m = a; m < b; m++)
				ix->v[k[m].i]->same_crash = (uint32_t)groups;
		}
		a = b;
	}
	free(k);
	return groups;
}
