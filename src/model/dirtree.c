/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "model/dirtree.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void dirtree_init(struct dirtree *t)
{
	memset(t, 0, sizeof(*t));
}

static void clear_rows(struct dirtree *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		free(t->rows[i].name);
	t->nrows = 0;
}

void dirtree_free(struct dirtree *t)
{
	clear_rows(t);
	free(t->rows);
	free(t->top);
	free(t->dir);
	free(t->select);
	memset(t, 0, sizeof(*t));
}

/* What follows "dir/" in path, or NULL when path is not below dir. */
static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' && path[1] ? path + 1 : NULL;
	return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : NULL;
}

/* dir without its last component ("/" stays "/"). */
static void cut_last(char *dir)
{
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
}

/* The deepest directory that holds every dump (NULL: none). */
static char *common_dir(const struct view *v)
{
	char *top = NULL;
	for (size_t i = 0; i < v->ix.n; i++) {
		const char *p = v->ix.v[i]->path;
		if (!top) {
			top = xstrdup(p);
			cut_last(top);
		}
		while (!below(p, top) && strcmp(top, "/") != 0 && strchr(top, '/'))
			cut_last(top);
	}
	return top;
}

static uint64_t dump_size(const struct view *v, const struct dump *d)
{
	return v->apparent ? d->size_apparent : d->size_disk;
}

/* One row per dump directly in the directory and per dump below a subdirectory, then the
 * subdirectories' rows merged (sorted by name). */
static void add_row(struct dirtree *t, const char *name, size_t len, const struct dump *d,
		    uint64_t size)
{
	t->rows = xgrow(t->rows, &t->caprows, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows++] = (struct dirtree_row){xstrndup(name, len), d, size, 1};
}

static int by_name(const void *a, const void *b)
{
	const struct dirtree_row *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->dump != NULL) - (y->dump != NULL); /* directories first */
}

static int by_size(const void *a, const void *b)
{
	const struct dirtree_row *x = a, *y = b;
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return by_name(a, b);
}

/* Directory rows of the same name become one, their sizes and counts added. */
static void merge_dirs(struct dirtree *t)
{
	qsort(t->rows, t->nrows, sizeof(*t->rows), by_name);
	size_t k = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		struct dirtree_row *r = &t->rows[i];
		if (k > 0 && !r->dump && !t->rows[k - 1].dump && strcmp(t->rows[k - 1].name, r->name) == 0) {
			t->rows[k - 1].size = sat_add_u64(t->rows[k - 1].size, r->size);
			t->rows[k - 1].dumps += r->dumps;
			free(r->name);
		} else {
			t->rows[k++] = *r;
		}
	}
	t->nrows = k;
}

static void build_rows(struct dirtree *t, const struct view *v)
{
	clear_rows(t);
	t->size = t->max_size = 0;
	t->dumps = 0;
	for (size_t i = 0; i < v->ix.n; i++) {
		const struct dump *d = v->ix.v[i];
		const char *rest = below(d->path, t->dir);
		if (!rest)
			continue;
		size_t n = strcspn(rest, "/");
		add_row(t, rest, n, rest[n] ? NULL : d, dump_size(v, d));
		t->size = sat_add_u64(t->size, dump_size(v, d));
		t->dumps++;
	}
	merge_dirs(t);
	qsort(t->rows, t->nrows, sizeof(*t->rows), by_size);
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].size > t->max_size)
			t->max_size = t->rows[i].size;
}

/* The directory shown, kept where it still leads to dumps, else the nearest one above. */
static void settle_dir(struct dirtree *t, const struct view *v)
{
	char *top = common_dir(v);
	free(t->top);
	t->top = top;
	if (!top) {
		free(t->dir);
		t->dir = NULL;
		return;
	}
	if (t->dir && (strcmp(t->dir, top) == 0 || below(t->dir, top))) {
		for (;;) {
			bool leads = false;
			for (size_t i = 0; i < v->ix.n && !leads; i++)
				leads = below(v->ix.v[i]->path, t->dir) != NULL;
			if (leads || strcmp(t->dir, top) == 0)
				return;
			cut_last(t->dir);
		}
	}
	free(t->dir);
	t->dir = xstrdup(top);
}

void dirtree_refresh(struct dirtree *t, const struct view *v)
{
	const char *was = t->cursor < t->nrows ? t->rows[t->cursor].name : NULL;
	char *keep = xstrdup(t->select ? t->select : was ? was : "");
	free(t->select);
	t->select = NULL;
	settle_dir(t, v);
	if (t->dir)
		build_rows(t, v);
	else
		clear_rows(t);
	if (t->cursor >= t->nrows)
		t->cursor = t->nrows ? t->nrows - 1 : 0;
	for (size_t i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].name, keep) == 0)
			t->cursor = i;
	free(keep);
}

bool dirtree_enter(struct dirtree *t)
{
	if (t->cursor >= t->nrows || t->rows[t->cursor].dump)
		return false;
	char *dir = strcmp(t->dir, "/") == 0 ? xasprintf("/%s", t->rows[t->cursor].name)
					     : xasprintf("%s/%s", t->dir, t->rows[t->cursor].name);
	free(t->dir);
	t->dir = dir;
	t->cursor = 0;
	free(t->select);
	t->select = NULL;
	clear_rows(t);
	return true;
}

bool dirtree_up(struct dirtree *t)
{
	if (!t->dir || !t->top || strcmp(t->dir, t->top) == 0)
		return false;
	const char *slash = strrchr(t->dir, '/');
	free(t->select);
	t->select = xstrdup(slash + 1);
	cut_last(t->dir);
	clear_rows(t);
	t->cursor = 0;
	return true;
}

void dirtree_move(struct dirtree *t, long delta)
{
	if (!t->nrows)
		return;
	long c = (long)t->cursor + delta;
	if (c < 0)
		c = 0;
	if (c >= (long)t->nrows)
		c = (long)t->nrows - 1;
	t->cursor = (size_t)c;
}
