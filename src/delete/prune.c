/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "delete/prune.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fmt.h"
#include "base/idset.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "model/view.h"

int prune_parse_per(const char *s)
{
	if (strcmp(s, "program") == 0)
		return PER_PROGRAM;
	if (strcmp(s, "signal") == 0)
		return PER_SIGNAL;
	if (strcmp(s, "dir") == 0 || strcmp(s, "directory") == 0)
		return PER_DIR;
	return -1;
}

static bool candidate(const struct prune_policy *p, const struct dump *d)
{
	if (p->has_min && d->size_disk < p->min_size)
		return false;
	return !p->match || dump_matches(d, p->match);
}

static int newest_first(const void *a, const void *b)
{
	const struct dump *x = *(const struct dump *const *)a, *y = *(const struct dump *const *)b;
	if (x->mtime != y->mtime)
		return x->mtime > y->mtime ? -1 : 1;
	if (x->mtime_nsec != y->mtime_nsec)
		return x->mtime_nsec > y->mtime_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static void add_reason(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_reason(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static enum view_mode per_mode(enum prune_per per)
{
	return per == PER_PROGRAM ? VIEW_PROGRAM : per == PER_SIGNAL ? VIEW_SIGNAL : VIEW_DIR;
}

/* Groups by exact key: a hash of the key to the group, the keys compared on a hit. */
struct groups {
	struct idset ids;
	char **keys;
	size_t *count;
	size_t n, cap, capc;
};

static size_t group_of(struct groups *g, const char *key)
{
	uint64_t h = view_key_hash(key);
	const uint64_t *hit = idset_find(&g->ids, h, 0);
	if (hit && strcmp(g->keys[*hit], key) == 0)
		return (size_t)*hit;
	for (size_t i = 0; hit && i < g->n; i++) /* two keys, one hash: never seen, possible */
		if (strcmp(g->keys[i], key) == 0)
			return i;
	g->keys = xgrow(g->keys, &g->cap, g->n + 1, sizeof(*g->keys));
	g->count = xgrow(g->count, &g->capc, g->n + 1, sizeof(*g->count));
	g->keys[g->n] = xstrdup(key);
	g->count[g->n] = 0;
	if (!hit)
		idset_add(&g->ids, h, 0, g->n);
	return g->n++;
}

/* Newest first: a dump is past the limit when `keep` newer ones share its group (its
 * program, signal or directory, by the whole key). */
static void keep_newest(const struct prune_policy *p, const struct dump **c, size_t nc,
			char (*why)[160])
{
	struct groups g = {.n = 0};
	idset_init(&g.ids);
	struct sbuf key, esc;
	sbuf_init(&key);
	sbuf_init(&esc);
	static const char *const per_words[] = {[PER_ALL] = "", [PER_PROGRAM] = " of its program",
						[PER_SIGNAL] = " of its signal", [PER_DIR] = " of its directory"};
	for (size_t i = 0; i < nc; i++) {
		const char *k = p->per == PER_ALL ? "" : view_group_key(per_mode(p->per), c[i], &key);
		size_t at = group_of(&g, k);
		if (g.count[at]++ < p->keep)
			continue;
		add_reason(why[i], sizeof(why[i]), "not among the %zu newest%s%s%s%s", p->keep,
			   per_words[p->per], p->per == PER_ALL ? "" : " (",
			   p->per == PER_ALL ? "" : sanitize_str(&esc, k, SAN_ASCII),
			   p->per == PER_ALL ? "" : ")");
	}
	for (size_t i = 0; i < g.n; i++)
		free(g.keys[i]);
	free(g.keys);
	free(g.count);
	idset_free(&g.ids);
	sbuf_free(&key);
	sbuf_free(&esc);
}

/* Newest first: past the total once the newer ones fill it. */
static void max_total(const struct prune_policy *p, const struct dump **c, size_t nc,
		      char (*why)[160])
{
	char a[FMT_SIZE_LEN];
	uint64_t total = 0;
	bool over = false;
	for (size_t i = 0; i < nc; i++) {
		over = over || sat_add_u64(total, c[i]->size_disk) > p->max_total;
		if (over)
			add_reason(why[i], sizeof(why[i]), "beyond the %s total kept",
				   fmt_size(a, p->max_total, p->si));
		else
			total += c[i]->size_disk;
	}
}

struct prune_pick *prune_select(const struct index *ix, const struct prune_policy *p, size_t *n,
				size_t *compressed)
{
	const struct dump **c = xmalloc((ix->n ? ix->n : 1) * sizeof(*c));
	size_t nc = 0;
	for (size_t i = 0; i < ix->n; i++)
		if (candidate(p, ix->v[i]))
			c[nc++] = ix->v[i];
	sort_array(c, nc, sizeof(*c), newest_first);

	char (*why)[160] = xcalloc(nc ? nc : 1, sizeof(*why));
	char b[FMT_TIME_LEN];
	bool limits = p->has_older || p->has_keep || p->has_max;
	if (p->has_older) {
		for (size_t i = 0; i < nc; i++)
			if (c[i]->mtime < p->now - p->older_secs)
				add_reason(why[i], sizeof(why[i]), "older than the limit (%s old)",
					   fmt_age(b, p->now, c[i]->mtime));
	}
	if (p->has_keep)
		keep_newest(p, c, nc, why);
	if (p->has_max)
		max_total(p, c, nc, why);

	struct prune_pick *out = xcalloc(nc ? nc : 1, sizeof(*out));
	size_t k = 0;
	*compressed = 0;
	for (size_t i = nc; i-- > 0;) { /* oldest first */
		if (limits && !why[i][0])
			continue;
		if (p->compress && c[i]->compression != COMP_NONE) {
			++*compressed;
			continue;
		}
		out[k].d = c[i];
		snprintf(out[k].reason, sizeof(out[k].reason), "%s", /* esc: add_reason's, checked */
			 limits ? why[i] : "matches");
		k++;
	}
	free(why);
	free(c);
	*n = k;
	return out;
}
