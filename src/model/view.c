/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "model/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idset.h"
#include "base/util.h"
#include "kinds/cause.h"

/* ---- marks: a set of file identities ---------------------------------------------------- */

/* A mark is a file's identity.  Its (device, inode) is the key of an idset whose value is
 * the mark's place in `stamps`, which holds the rest: a file that changed (size, mtime) no
 * longer matches its mark. */
struct mark_id {
	uint64_t dev, ino, size;
	int64_t mtime;
	int32_t nsec;
};

struct mark_set {
	struct idset ids;       /* (dev, inode) -> index in stamps */
	struct mark_id *stamps; /* dense */
	size_t n, cap;
};

static struct mark_id identity(const struct dump *d)
{
	return (struct mark_id){dump_key_dev(d), d->ino, d->size_apparent, d->mtime, d->mtime_nsec};
}

static bool same_id(const struct mark_id *a, const struct mark_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime == b->mtime &&
	       a->nsec == b->nsec;
}

static bool mark_find(const struct mark_set *s, const struct mark_id *m)
{
	const uint64_t *at = idset_find(&s->ids, m->dev, m->ino);
	return at && same_id(&s->stamps[*at], m);
}

/* A file has one identity at a time: marking it as it is now replaces an older mark. */
static void mark_insert(struct mark_set *s, const struct mark_id *m)
{
	uint64_t *at = idset_find(&s->ids, m->dev, m->ino);
	if (at) {
		s->stamps[*at] = *m;
		return;
	}
	s->stamps = xgrow(s->stamps, &s->cap, s->n + 1, sizeof(*s->stamps));
	s->stamps[s->n] = *m;
	idset_add(&s->ids, m->dev, m->ino, s->n++);
}

static void mark_remove(struct mark_set *s, const struct mark_id *m)
{
	const uint64_t *at = idset_find(&s->ids, m->dev, m->ino);
	if (!at || !same_id(&s->stamps[*at], m))
		return;
	size_t i = (size_t)*at;
	idset_remove(&s->ids, m->dev, m->ino);
	if (i != --s->n) { /* the last mark fills the hole */
		s->stamps[i] = s->stamps[s->n];
		idset_put(&s->ids, s->stamps[i].dev, s->stamps[i].ino, i);
	}
}

static void mark_clear(struct mark_set *s)
{
	idset_clear(&s->ids);
	s->n = 0;
}

static void mark_free(struct mark_set *s)
{
	idset_free(&s->ids);
	free(s->stamps);
	memset(s, 0, sizeof(*s));
}

/* What the cursor is on, to find it again after rows moved (or a rescan replaced them). */
struct cursor_id {
	bool valid, group;
	uint64_t dev, ino;
	char *key;
};

/* Marks, and per dump (aligned with ix.v, rebuilt on refresh) whether it is marked and
 * which group holds it, so that drawing and toggling never search. */
struct view_marks {
	struct cursor_id pending; /* set by view_reset_dumps: the rows are gone */
	struct mark_set set;
	struct idset keys;    /* view_refresh's group keys, kept for their memory */
	bool *marked;
	size_t *group_of;     /* SIZE_MAX when filtered out or in the flat view */
	size_t cap;
	size_t *group_marked; /* marked members per group */
	size_t nmarked;
	uint64_t marked_bytes;
	size_t *path_rank; /* order of each dump's path: ties in every sort, as integers */
	size_t rank_n;     /* dumps ranked; rank again when the index grew or changed */
};

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
	index_init(&v->ix);
	v->marks = xcalloc(1, sizeof(*v->marks));
	v->dirty = true;
}

static void free_groups(struct view *v)
{
	for (size_t i = 0; i < v->ngroups; i++) {
		free(v->groups[i].key);
		free(v->groups[i].members);
	}
	v->ngroups = 0;
}

void view_free(struct view *v)
{
	struct view_marks *x = v->marks;
	free_groups(v);
	free(v->groups);
	free(v->rows);
	free(x->marked);
	free(x->group_of);
	free(x->group_marked);
	free(x->pending.key);
	free(x->path_rank);
	mark_free(&v->marks->set);
	idset_free(&v->marks->keys);
	free(v->marks);
	free(v->filter);
	free(v->open_key);
	index_free(&v->ix);
	memset(v, 0, sizeof(*v));
}

void view_add(struct view *v, struct dump *d)
{
	index_add(&v->ix, d);
	v->marks->rank_n = 0; /* a smaller path may have replaced a hard link */
	v->dirty = true;
}

static struct cursor_id remember_cursor(const struct view *v);

struct remove_ctx {
	struct view *v;
	bool (*gone)(const struct dump *d, void *ctx);
	void *ctx;
};

static bool remove_and_unmark(const struct dump *d, void *arg)
{
	struct remove_ctx *rc = arg;
	if (!rc->gone(d, rc->ctx))
		return false;
	struct mark_id id = identity(d);
	mark_remove(&rc->v->marks->set, &id);
	return true;
}

void view_remove_if(struct view *v, bool (*gone)(const struct dump *d, void *ctx), void *ctx)
{
	/* The cursor moves to the nearest row that stays: the next one, else the one before. */
	view_refresh(v);
	size_t keep = v->cursor;
	for (size_t r = v->cursor; r < v->nrows; r++) {
		const struct dump *d = view_row_dump(v, r);
		if (!d || !gone(d, ctx)) {
			keep = r;
			break;
		}
		keep = SIZE_MAX;
	}
	for (size_t r = v->cursor; keep == SIZE_MAX && r-- > 0;) {
		const struct dump *d = view_row_dump(v, r);
		if (!d || !gone(d, ctx))
			keep = r;
	}
	if (keep != SIZE_MAX && keep < v->nrows) {
		v->cursor = keep;
		free(v->marks->pending.key);
		v->marks->pending = remember_cursor(v);
	}
	struct remove_ctx rc = {v, gone, ctx};
	index_remove_if(&v->ix, remove_and_unmark, &rc);
	v->nrows = 0; /* rows point into the index that changed */
	v->marks->rank_n = 0;
	v->dirty = true;
}

const struct dump **view_marked_dumps(const struct view *v, size_t *n)
{
	const struct dump **out = xmalloc((v->ix.n ? v->ix.n : 1) * sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < v->ix.n; i++)
		if (view_is_marked(v, v->ix.v[i]))
			out[k++] = v->ix.v[i];
	*n = k;
	return out;
}

void view_reset_dumps(struct view *v)
{
	free(v->marks->pending.key);
	v->marks->pending = remember_cursor(v);
	v->nrows = 0; /* rows point into the index that goes now */
	struct index fresh;
	index_init(&fresh);
	fresh.has_since = v->ix.has_since;
	fresh.since = v->ix.since;
	fresh.has_until = v->ix.has_until;
	fresh.until = v->ix.until;
	index_free(&v->ix);
	v->ix = fresh;
	v->marks->rank_n = 0;
	v->dirty = true;
}

/* ---- keys, filter, sizes ------------------------------------------------------------------ */

const char *view_group_key(enum view_mode m, const struct dump *d, struct sbuf *buf)
{
	sbuf_reset(buf);
	switch (m) {
	case VIEW_CAUSE: {
		char sig[16];
		sbuf_printf(buf, "%s, %s, %s", dump_program(d), dump_signal_name(d, sig),
			    cause_class_id(cause_classify(&d->core)));
		return buf->s;
	}
	case VIEW_PROGRAM:
		return dump_program(d);
	case VIEW_SIGNAL: {
		char sig[16];
		sbuf_adds(buf, dump_signal_name(d, sig));
		return buf->s;
	}
	case VIEW_DIR: {
		const char *slash = strrchr(d->path, '/');
		size_t n = slash ? (size_t)(slash - d->path) : 0;
		sbuf_add(buf, d->path, n ? n : 1); /* "/" itself */
		return buf->s;
	}
	case VIEW_KIND:
		return dump_kind_name(d->kind);
	case VIEW_HOST:
		return d->host ? d->host : "(this host)";
	case VIEW_FLAT:
	case VIEW_MODES:
		break;
	}
	return "";
}

static bool matches(const struct view *v, const struct dump *d)
{
	return !v->filter || dump_matches(d, v->filter);
}

static uint64_t dump_size(const struct view *v, const struct dump *d)
{
	return v->apparent ? d->size_apparent : d->size_disk;
}

static uint64_t group_size(const struct view *v, const struct view_group *g)
{
	return v->apparent ? g->apparent : g->disk;
}

/* ---- sorting ---------------------------------------------------------------------------- */

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

/* Two dumps in the view's order, before ties. */
static int dump_order(const struct view *v, const struct dump *a, const struct dump *b)
{
	switch (v->sort) {
	case VSORT_SIZE:
	case VSORT_COUNT: return CMP(dump_size(v, b), dump_size(v, a));
	case VSORT_TIME:
		return a->mtime != b->mtime ? CMP(b->mtime, a->mtime) : CMP(b->mtime_nsec, a->mtime_nsec);
	case VSORT_NAME: return strcmp(dump_program(a), dump_program(b));
	}
	return 0;
}

static int compare_dumps(const void *pa, const void *pb, void *arg)
{
	const struct view *v = arg;
	const struct dump *a = *(const struct dump *const *)pa, *b = *(const struct dump *const *)pb;
	int c = dump_order(v, a, b);
	if (c == 0)
		c = strcmp(a->path, b->path);
	return v->reverse ? -c : c;
}

void view_sort_dumps(const struct view *v, const struct dump **set, size_t n)
{
	sort_array_r(set, n, sizeof(*set), compare_dumps, (void *)v);
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
	const struct view *v = arg;
	const struct view_row *ra = pa, *rb = pb;
	int c = 0;
	if (ra->group) {
		const struct view_group *a = &v->groups[ra->idx], *b = &v->groups[rb->idx];
		switch (v->sort) {
		case VSORT_SIZE: c = CMP(group_size(v, b), group_size(v, a)); break;
		case VSORT_COUNT: c = CMP(b->n, a->n); break;
		case VSORT_TIME: c = CMP(b->newest, a->newest); break;
		case VSORT_NAME: break;
		}
		if (c == 0)
			c = strcmp(a->key, b->key);
	} else {
		c = dump_order(v, v->ix.v[ra->idx], v->ix.v[rb->idx]);
		if (c == 0) /* paths order ties; their ranks were computed once, not per comparison */
			c = CMP(v->marks->path_rank[ra->idx], v->marks->path_rank[rb->idx]);
	}
	return v->reverse ? -c : c;
}

/* ---- refresh ------------------------------------------------------------------------------ */

static int compare_paths(const void *pa, const void *pb, void *arg)
{
	const struct view *v = arg;
	return strcmp(v->ix.v[*(const size_t *)pa]->path, v->ix.v[*(const size_t *)pb]->path);
}

static void rank_paths(struct view *v)
{
	struct view_marks *x = v->marks;
	if (x->rank_n == v->ix.n && v->ix.n)
		return;
	size_t *order = xmalloc((v->ix.n ? v->ix.n : 1) * sizeof(*order));
	for (size_t i = 0; i < v->ix.n; i++)
		order[i] = i;
	sort_array_r(order, v->ix.n, sizeof(*order), compare_paths, v);
	x->path_rank = xrealloc(x->path_rank, (v->ix.n ? v->ix.n : 1) * sizeof(*x->path_rank));
	for (size_t i = 0; i < v->ix.n; i++)
		x->path_rank[order[i]] = i;
	free(order);
	x->rank_n = v->ix.n;
	index_link_same_crash(&v->ix); /* the index changed: so may the crashes stored twice */
}

static struct cursor_id remember_cursor(const struct view *v)
{
	struct cursor_id id = {0};
	if (v->cursor >= v->nrows)
		return id;
	const struct view_row *r = &v->rows[v->cursor];
	id.valid = true;
	id.group = r->group;
	if (r->group) {
		id.key = xstrdup(v->groups[r->idx].key);
	} else {
		id.dev = dump_key_dev(v->ix.v[r->idx]);
		id.ino = v->ix.v[r->idx]->ino;
	}
	return id;
}

static void restore_cursor(struct view *v, struct cursor_id *id)
{
	if (id->valid) {
		for (size_t i = 0; i < v->nrows; i++) {
			const struct view_row *r = &v->rows[i];
			bool hit = r->group ? id->group && strcmp(v->groups[r->idx].key, id->key) == 0
					    : !id->group && dump_key_dev(v->ix.v[r->idx]) == id->dev &&
						      v->ix.v[r->idx]->ino == id->ino;
			if (hit) {
				v->cursor = i;
				break;
			}
		}
	}
	if (v->cursor >= v->nrows)
		v->cursor = v->nrows ? v->nrows - 1 : 0;
	free(id->key);
}

uint64_t view_key_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The group of a key, made when new.  keys maps a key's hash to a group; a second key with
 * the same 64-bit hash (never seen, but possible) is found by a search instead. */
static size_t group_for(struct view *v, struct idset *keys, const char *key)
{
	uint64_t h = view_key_hash(key);
	const uint64_t *g = idset_find(keys, h, 0);
	if (g && strcmp(v->groups[*g].key, key) == 0)
		return (size_t)*g;
	for (size_t i = 0; g && i < v->ngroups; i++)
		if (strcmp(v->groups[i].key, key) == 0)
			return i;
	v->groups = xgrow(v->groups, &v->capgroups, v->ngroups + 1, sizeof(*v->groups));
	struct view_group *grp = &v->groups[v->ngroups];
	memset(grp, 0, sizeof(*grp));
	grp->key = xstrdup(key);
	grp->newest = INT64_MIN;
	grp->oldest = INT64_MAX;
	if (!g)
		idset_add(keys, h, 0, v->ngroups);
	return v->ngroups++;
}

static void add_row(struct view *v, bool group, size_t idx)
{
	v->rows = xgrow(v->rows, &v->caprows, v->nrows + 1, sizeof(*v->rows));
	v->rows[v->nrows++] = (struct view_row){group, idx};
}

/* Marks of the present dumps, per dump and per group, and their totals. */
static void recount_marks(struct view *v)
{
	struct view_marks *x = v->marks;
	x->nmarked = 0;
	x->marked_bytes = 0;
	x->group_marked = xrealloc(x->group_marked, (v->ngroups ? v->ngroups : 1) * sizeof(size_t));
	memset(x->group_marked, 0, (v->ngroups ? v->ngroups : 1) * sizeof(size_t));
	for (size_t i = 0; i < v->ix.n; i++) {
		struct mark_id id = identity(v->ix.v[i]);
		x->marked[i] = x->set.n && mark_find(&x->set, &id);
		if (!x->marked[i])
			continue;
		x->nmarked++;
		x->marked_bytes = sat_add_u64(x->marked_bytes, v->ix.v[i]->size_disk);
		if (x->group_of[i] != SIZE_MAX)
			x->group_marked[x->group_of[i]]++;
	}
}

/* Distinct hosts per group, for "gunicorn: 412 dumps on 37 hosts": one pass over the
 * members, each source stamped with the last group that counted it. */
static void count_hosts(struct view *v)
{
	uint32_t top = 0;
	for (size_t i = 0; i < v->ix.n; i++)
		if (v->ix.v[i]->source > top)
			top = v->ix.v[i]->source;
	size_t *stamp = xcalloc((size_t)top + 1, sizeof(*stamp));
	for (size_t g = 0; g < v->ngroups; g++) {
		struct view_group *grp = &v->groups[g];
		grp->hosts = 0;
		for (size_t k = 0; k < grp->n; k++) {
			uint32_t s = v->ix.v[grp->members[k]]->source;
			if (stamp[s] != g + 1) {
				stamp[s] = g + 1;
				grp->hosts++;
			}
		}
	}
	free(stamp);
}

void view_refresh(struct view *v)
{
	if (!v->dirty)
		return;
	struct view_marks *x = v->marks;
	struct cursor_id id = x->pending.valid ? x->pending : remember_cursor(v);
	if (x->pending.valid && v->ix.n > 0)
		memset(&x->pending, 0, sizeof(x->pending)); /* handed over to id */
	else if (x->pending.valid)
		id.key = id.key ? xstrdup(id.key) : NULL; /* keep waiting for the rescan */
	struct sbuf buf;
	sbuf_init(&buf);

	free_groups(v);
	v->nrows = 0;
	v->max_size = 0;
	if (x->cap < v->ix.n) {
		x->cap = v->ix.cap;
		x->marked = xrealloc(x->marked, x->cap * sizeof(bool));
		x->group_of = xrealloc(x->group_of, x->cap * sizeof(size_t));
	}
	idset_clear(&x->keys);
	size_t open_group = SIZE_MAX;
	for (size_t i = 0; i < v->ix.n; i++) {
		const struct dump *d = v->ix.v[i];
		x->group_of[i] = SIZE_MAX;
		if (!matches(v, d))
			continue;
		if (v->mode == VIEW_FLAT) {
			add_row(v, false, i);
			continue;
		}
		size_t g = group_for(v, &x->keys, view_group_key(v->mode, d, &buf));
		struct view_group *grp = &v->groups[g];
		grp->members = xgrow(grp->members, &grp->cap, grp->n + 1, sizeof(size_t));
		grp->members[grp->n++] = i;
		grp->disk = sat_add_u64(grp->disk, d->size_disk);
		grp->apparent = sat_add_u64(grp->apparent, d->size_apparent);
		if (d->mtime > grp->newest)
			grp->newest = d->mtime;
		if (d->mtime < grp->oldest)
			grp->oldest = d->mtime;
		x->group_of[i] = g;
	}
	if (v->mode != VIEW_FLAT) {
		for (size_t g = 0; g < v->ngroups; g++)
			if (v->at_group && strcmp(v->groups[g].key, v->open_key) == 0)
				open_group = g;
		if (!v->at_group)
			for (size_t g = 0; g < v->ngroups; g++)
				add_row(v, true, g);
		else if (open_group != SIZE_MAX)
			for (size_t k = 0; k < v->groups[open_group].n; k++)
				add_row(v, false, v->groups[open_group].members[k]);
	}
	count_hosts(v);
	rank_paths(v);
	sort_array_r(v->rows, v->nrows, sizeof(*v->rows), compare_rows, v);
	for (size_t r = 0; r < v->nrows; r++)
		if (view_row_size(v, r) > v->max_size)
			v->max_size = view_row_size(v, r);
	recount_marks(v);
	v->dirty = false;
	restore_cursor(v, &id);
	sbuf_free(&buf);
}

/* ---- settings ----------------------------------------------------------------------------- */

static void leave_group(struct view *v)
{
	free(v->open_key);
	v->open_key = NULL;
	v->at_group = false;
}

void view_cycle_mode(struct view *v)
{
	leave_group(v);
	v->mode = (enum view_mode)((v->mode + 1) % VIEW_MODES);
	if (v->mode == VIEW_HOST && v->sources < 2)
		v->mode = VIEW_FLAT;
	if (v->mode == VIEW_FLAT && v->sort == VSORT_COUNT)
		v->sort = VSORT_SIZE; /* dumps have no count */
	v->cursor = 0;
	v->dirty = true;
}

void view_sort_by(struct view *v, enum view_sort s)
{
	if (v->sort == s) {
		v->reverse = !v->reverse;
	} else {
		v->sort = s;
		v->reverse = false;
	}
	v->dirty = true;
}

void view_toggle_apparent(struct view *v)
{
	v->apparent = !v->apparent;
	v->dirty = true;
}

void view_set_filter(struct view *v, const char *text)
{
	free(v->filter);
	v->filter = text && *text ? xstrdup(text) : NULL;
	v->dirty = true;
}

bool view_open(struct view *v)
{
	view_refresh(v);
	if (v->cursor >= v->nrows || !v->rows[v->cursor].group)
		return false;
	if (v->sort == VSORT_COUNT)
		v->sort = VSORT_SIZE; /* inside a group the rows are dumps */
	free(v->open_key);
	v->open_key = xstrdup(v->groups[v->rows[v->cursor].idx].key);
	v->at_group = true;
	v->cursor = 0;
	v->dirty = true;
	view_refresh(v);
	v->cursor = 0;
	return true;
}

bool view_back(struct view *v)
{
	if (!v->at_group)
		return false;
	char *key = v->open_key;
	v->open_key = NULL;
	v->at_group = false;
	v->dirty = true;
	view_refresh(v);
	for (size_t i = 0; i < v->nrows; i++) /* land on the group we came from */
		if (strcmp(v->groups[v->rows[i].idx].key, key) == 0)
			v->cursor = i;
	free(key);
	return true;
}

/* ---- cursor ------------------------------------------------------------------------------- */

void view_move(struct view *v, long delta)
{
	if (v->nrows == 0) {
		v->cursor = 0;
		return;
	}
	long c = (long)v->cursor + delta;
	if (c < 0)
		c = 0;
	if ((size_t)c >= v->nrows)
		c = (long)v->nrows - 1;
	v->cursor = (size_t)c;
}

void view_home(struct view *v) { v->cursor = 0; }

void view_end(struct view *v)
{
	v->cursor = v->nrows ? v->nrows - 1 : 0;
}

/* ---- rows --------------------------------------------------------------------------------- */

const struct dump *view_row_dump(const struct view *v, size_t row)
{
	return row < v->nrows && !v->rows[row].group ? v->ix.v[v->rows[row].idx] : NULL;
}

const struct view_group *view_row_group(const struct view *v, size_t row)
{
	return row < v->nrows && v->rows[row].group ? &v->groups[v->rows[row].idx] : NULL;
}

uint64_t view_row_size(const struct view *v, size_t row)
{
	if (row >= v->nrows)
		return 0;
	const struct view_row *r = &v->rows[row];
	return r->group ? group_size(v, &v->groups[r->idx]) : dump_size(v, v->ix.v[r->idx]);
}

enum view_mark_state view_row_marks(const struct view *v, size_t row)
{
	const struct view_marks *x = v->marks;
	if (row >= v->nrows)
		return MARK_NONE;
	const struct view_row *r = &v->rows[row];
	if (!r->group)
		return x->marked[r->idx] ? MARK_ALL : MARK_NONE;
	size_t m = x->group_marked[r->idx];
	return m == 0 ? MARK_NONE : m == v->groups[r->idx].n ? MARK_ALL : MARK_SOME;
}

/* ---- marks -------------------------------------------------------------------------------- */

static void set_mark(struct view *v, size_t i, bool on)
{
	struct view_marks *x = v->marks;
	if (x->marked[i] == on)
		return;
	struct mark_id id = identity(v->ix.v[i]);
	size_t *in_group = x->group_of[i] != SIZE_MAX ? &x->group_marked[x->group_of[i]] : NULL;
	x->marked[i] = on;
	if (on) {
		mark_insert(&x->set, &id);
		x->nmarked++;
		x->marked_bytes += v->ix.v[i]->size_disk;
		if (in_group)
			(*in_group)++;
	} else {
		mark_remove(&x->set, &id);
		x->nmarked--;
		x->marked_bytes -= v->ix.v[i]->size_disk;
		if (in_group)
			(*in_group)--;
	}
}

static void mark_row(struct view *v, size_t row, bool on)
{
	const struct view_row *r = &v->rows[row];
	if (!r->group) {
		set_mark(v, r->idx, on);
		return;
	}
	const struct view_group *g = &v->groups[r->idx];
	for (size_t k = 0; k < g->n; k++)
		set_mark(v, g->members[k], on);
}

void view_toggle_mark(struct view *v)
{
	view_refresh(v);
	if (v->cursor >= v->nrows)
		return;
	mark_row(v, v->cursor, view_row_marks(v, v->cursor) != MARK_ALL);
	view_move(v, 1);
}

void view_mark_visible(struct view *v)
{
	view_refresh(v);
	for (size_t r = 0; r < v->nrows; r++)
		mark_row(v, r, true);
}

void view_unmark_all(struct view *v)
{
	struct view_marks *x = v->marks;
	mark_clear(&x->set);
	if (x->marked)
		memset(x->marked, 0, (x->cap < v->ix.n ? x->cap : v->ix.n) * sizeof(bool));
	if (x->group_marked)
		memset(x->group_marked, 0, (v->ngroups ? v->ngroups : 1) * sizeof(size_t));
	x->nmarked = 0;
	x->marked_bytes = 0;
}

bool view_is_marked(const struct view *v, const struct dump *d)
{
	struct mark_id id = identity(d);
	return mark_find(&v->marks->set, &id);
}

size_t view_marked_count(const struct view *v) { return v->marks->nmarked; }
uint64_t view_marked_bytes(const struct view *v) { return v->marks->marked_bytes; }

const char *view_mode_name(enum view_mode m)
{
	static const char *const names[] = {"flat", "cause", "program", "signal", "directory", "kind",
					     "host"};
	return m < VIEW_MODES ? names[m] : "?";
}

const char *view_sort_name(enum view_sort s)
{
	static const char *const names[] = {"size", "name", "time", "count"};
	return names[s];
}
