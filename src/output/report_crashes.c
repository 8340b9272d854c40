/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_crashes: the other dumps of one crash, for `json` and `info`, grouped once by the
 * crash's number (a hash from number to group): a dump's fellows cost a lookup, not a walk
 * over the index, so N copies of one crash cost N, not N^2. */
#include "config.h"

#include <stdlib.h>

#include "base/idset.h"
#include "base/util.h"
#include "kinds/dump.h"
#include "model/index.h"
#include "output/report.h"

struct crash_group {
	size_t count; /* dumps of the crash, all of them */
	/* the first ones in index order: one more than shown, so that the dump itself can be
	 * left out and REPORT_SAME_CRASH_SHOWN others remain */
	const struct dump *first[REPORT_SAME_CRASH_SHOWN + 1];
};

struct report_crashes {
	struct idset ids; /* crash number -> group */
	struct crash_group *g;
	size_t n, cap;
};

struct report_crashes *report_crashes_new(const struct index *ix)
{
	struct report_crashes *c = xcalloc(1, sizeof(*c));
	idset_init(&c->ids);
	for (size_t i = 0; i < ix->n; i++) {
		const struct dump *d = ix->v[i];
		if (!d->same_crash)
			continue;
		uint64_t *slot = idset_find(&c->ids, d->same_crash, 0);
		if (!slot) {
			c->g = xgrow(c->g, &c->cap, c->n + 1, sizeof(*c->g));
			c->g[c->n] = (struct crash_group){0};
			idset_add(&c->ids, d->same_crash, 0, c->n);
			slot = idset_find(&c->ids, d->same_crash, 0);
			c->n++;
		}
		struct crash_group *g = &c->g[*slot];
		if (g->count < ARRAY_SIZE(g->first))
			g->first[g->count] = d;
		g->count++;
	}
	return c;
}

void report_crashes_free(struct report_crashes *c)
{
	if (!c)
		return;
	idset_free(&c->ids);
	free(c->g);
	free(c);
}

size_t report_crashes_of(const struct report *r, const struct dump *d,
			 const struct dump *shown[REPORT_SAME_CRASH_SHOWN], size_t *nshown)
{
	*nshown = 0;
	if (!d->same_crash || !r->ix)
		return 0;
	if (!r->crashes) { /* one dump (the browser's inspect): one walk */
		size_t count = 0;
		for (size_t i = 0; i < r->ix->n; i++) {
			const struct dump *x = r->ix->v[i];
			if (x != d && x->same_crash == d->same_crash && count++ < REPORT_SAME_CRASH_SHOWN)
				shown[(*nshown)++] = x;
		}
		return count;
	}
	const uint64_t *slot = idset_find(&r->crashes->ids, d->same_crash, 0);
	if (!slot)
		return 0;
	const struct crash_group *g = &r->crashes->g[*slot];
	size_t kept = g->count < ARRAY_SIZE(g->first) ? g->count : ARRAY_SIZE(g->first);
	for (size_t i = 0; i < kept && *nshown < REPORT_SAME_CRASH_SHOWN; i++)
		if (g->first[i] != d)
			shown[(*nshown)++] = g->first[i];
	return g->count - 1;
}
