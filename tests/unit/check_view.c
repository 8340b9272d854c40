/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The browser's view model, without a terminal: views, sorting, filtering, groups, marks
 * and their persistence, the cursor. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dirtree.h"
#include "model/view.h"
#include "testutil.h"

#define mk tu_fake_dump

/* Six dumps: three gunicorn SIGABRT in /app, a python SIGSEGV in /app, a node SIGQUIT and a
 * gunicorn SIGQUIT in /var/crash. */
static void fill(struct view *v)
{
	view_init(v);
	view_add(v, mk("/app/core.101", 1, 100, 1000, 1000, "gunicorn", SIGABRT));
	view_add(v, mk("/app/core.102", 2, 300, 900, 2000, "gunicorn", SIGABRT));
	view_add(v, mk("/app/core.103", 3, 200, 800, 3000, "gunicorn", SIGABRT));
	view_add(v, mk("/app/core.200", 4, 50, 5000, 4000, "python3", SIGSEGV));
	view_add(v, mk("/var/crash/core.node", 5, 400, 400, 500, "node", SIGQUIT));
	view_add(v, mk("/var/crash/core.g", 6, 10, 10, 6000, "gunicorn", SIGQUIT));
	view_refresh(v);
}

/* Cycle the views (g) to m. */
static void set_mode(struct view *v, enum view_mode m)
{
	for (int i = 0; i < VIEW_MODES && v->mode != m; i++)
		view_cycle_mode(v);
	ck_assert_int_eq(v->mode, m);
}

/* The last path component of each row's dump, or the group key, joined by spaces. */
static const char *rows(struct view *v)
{
	static char buf[512];
	view_refresh(v);
	buf[0] = '\0';
	for (size_t r = 0; r < v->nrows; r++) {
		const struct dump *d = view_row_dump(v, r);
		const struct view_group *g = view_row_group(v, r);
		const char *name = d ? strrchr(d->path, '/') + 1 : g->key;
		if (r)
			strcat(buf, " ");
		strcat(buf, name);
	}
	return buf;
}

START_TEST(flat_sorts)
{
	struct view v;
	fill(&v);
	ck_assert_str_eq(rows(&v), "core.node core.102 core.103 core.101 core.200 core.g");
	view_sort_by(&v, VSORT_SIZE); /* the same key again reverses */
	ck_assert_str_eq(rows(&v), "core.g core.200 core.101 core.103 core.102 core.node");
	view_sort_by(&v, VSORT_TIME); /* another key: its natural order, newest first */
	ck_assert_str_eq(rows(&v), "core.g core.200 core.103 core.102 core.101 core.node");
	view_sort_by(&v, VSORT_NAME); /* by command, then path */
	ck_assert_str_eq(rows(&v), "core.101 core.102 core.103 core.g core.node core.200");
	view_sort_by(&v, VSORT_SIZE);
	view_toggle_apparent(&v);     /* sizes and bars from the apparent size */
	ck_assert_str_eq(rows(&v), "core.200 core.101 core.102 core.103 core.node core.g");
	ck_assert_uint_eq(v.max_size, 5000);
	ck_assert_uint_eq(view_row_size(&v, 0), 5000);
	view_free(&v);
}
END_TEST

START_TEST(cause_view_splits_what_one_fix_stops)
{
	/* Three gunicorn SIGABRTs: two sent by the arbiter (the parent), one by the worker
	 * itself (abort()).  By program they are one group; by cause two, and marking the
	 * arbiter's group marks exactly its two dumps. */
	struct view v;
	view_init(&v);
	for (int i = 0; i < 3; i++) {
		char path[32];
		snprintf(path, sizeof(path), "/app/core.%d", 101 + i);
		struct dump *d = mk(path, (uint64_t)(101 + i), 100 + (uint64_t)i, 1000, 1000 + i,
				    "gunicorn", SIGABRT);
		d->core.has_siginfo = d->core.has_sender = true;
		d->core.si_signo = SIGABRT;
		d->core.ppid = 41;
		d->core.sender_pid = i < 2 ? 41 : d->core.pid;
		view_add(&v, d);
	}
	view_cycle_mode(&v);
	ck_assert_str_eq(view_mode_name(v.mode), "cause");
	ck_assert_str_eq(rows(&v), "gunicorn, SIGABRT, parent gunicorn, SIGABRT, self");
	view_toggle_mark(&v);
	ck_assert_uint_eq(view_marked_count(&v), 2);
	ck_assert_uint_eq(view_marked_bytes(&v), 201);
	view_cycle_mode(&v);
	ck_assert_str_eq(rows(&v), "gunicorn");
	view_free(&v);
}
END_TEST

START_TEST(group_views)
{
	struct view v;
	fill(&v);
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_CAUSE); /* first: the doctor's groups */
	ck_assert_str_eq(rows(&v), "gunicorn, SIGABRT, unknown node, SIGQUIT, unknown "
			 "python3, SIGSEGV, unknown gunicorn, SIGQUIT, unknown");
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_PROGRAM);
	ck_assert_str_eq(rows(&v), "gunicorn node python3"); /* by size: 610, 400, 50 */
	const struct view_group *g = view_row_group(&v, 0);
	ck_assert_uint_eq(g->n, 4);
	ck_assert_uint_eq(g->disk, 610);
	ck_assert_uint_eq(g->apparent, 2710);
	ck_assert_int_eq(g->newest, 6000);
	ck_assert_int_eq(g->oldest, 1000);
	view_sort_by(&v, VSORT_COUNT);
	ck_assert_str_eq(rows(&v), "gunicorn node python3");
	view_sort_by(&v, VSORT_COUNT);
	ck_assert_str_eq(rows(&v), "python3 node gunicorn"); /* reversed; ties by name */
	view_sort_by(&v, VSORT_TIME);
	ck_assert_str_eq(rows(&v), "gunicorn python3 node");
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_SIGNAL);
	view_sort_by(&v, VSORT_NAME);
	ck_assert_str_eq(rows(&v), "SIGABRT SIGQUIT SIGSEGV");
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_DIR);
	ck_assert_str_eq(rows(&v), "/app /var/crash");
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_KIND);
	ck_assert_str_eq(rows(&v), "elf-core");
	view_cycle_mode(&v);
	ck_assert_int_eq(v.mode, VIEW_FLAT);
	view_free(&v);
}
END_TEST

START_TEST(open_and_back)
{
	struct view v;
	fill(&v);
	set_mode(&v, VIEW_PROGRAM);
	view_move(&v, 2);    /* python3 */
	ck_assert(!view_back(&v));
	ck_assert(view_open(&v));
	ck_assert_str_eq(rows(&v), "core.200");
	ck_assert(!view_open(&v)); /* a dump row does not open */
	ck_assert(view_back(&v));
	ck_assert_str_eq(view_row_group(&v, v.cursor)->key, "python3"); /* where we came from */
	view_home(&v);
	ck_assert(view_open(&v));
	ck_assert_str_eq(rows(&v), "core.102 core.103 core.101 core.g");
	view_sort_by(&v, VSORT_TIME); /* sorting applies inside the group */
	ck_assert_str_eq(rows(&v), "core.g core.103 core.102 core.101");
	view_cycle_mode(&v); /* changing the view leaves the group */
	ck_assert(!v.at_group);
	view_free(&v);
}
END_TEST

START_TEST(filter)
{
	struct view v;
	fill(&v);
	view_set_filter(&v, "GUNI"); /* case-insensitive, on the command */
	ck_assert_str_eq(rows(&v), "core.102 core.103 core.101 core.g");
	view_set_filter(&v, "var/crash"); /* on the path */
	ck_assert_str_eq(rows(&v), "core.node core.g");
	view_set_filter(&v, "sigquit"); /* on the signal name */
	ck_assert_str_eq(rows(&v), "core.node core.g");
	set_mode(&v, VIEW_PROGRAM); /* groups hold only matching dumps */
	ck_assert_str_eq(rows(&v), "node gunicorn");
	ck_assert_uint_eq(view_row_group(&v, 1)->n, 1);
	view_set_filter(&v, "nothing matches this");
	ck_assert_str_eq(rows(&v), "");
	view_set_filter(&v, "");
	ck_assert_ptr_null(v.filter);
	ck_assert_str_eq(rows(&v), "gunicorn node python3");
	view_free(&v);
}
END_TEST

START_TEST(marks)
{
	struct view v;
	fill(&v);
	view_toggle_mark(&v); /* core.node, and the cursor moves down */
	ck_assert_uint_eq(v.cursor, 1);
	view_toggle_mark(&v); /* core.102 */
	ck_assert_uint_eq(view_marked_count(&v), 2);
	ck_assert_uint_eq(view_marked_bytes(&v), 700);
	ck_assert_int_eq(view_row_marks(&v, 0), MARK_ALL);
	ck_assert_int_eq(view_row_marks(&v, 2), MARK_NONE);
	view_move(&v, -1);
	view_toggle_mark(&v); /* unmark core.102 */
	ck_assert_uint_eq(view_marked_count(&v), 1);

	/* Groups: partly marked, then the whole group. */
	set_mode(&v, VIEW_PROGRAM); /* gunicorn node python3 */
	ck_assert_str_eq(rows(&v), "gunicorn node python3");
	ck_assert_int_eq(view_row_marks(&v, 1), MARK_ALL);
	view_home(&v);
	ck_assert_int_eq(view_row_marks(&v, 0), MARK_NONE);
	view_toggle_mark(&v);
	ck_assert_int_eq(view_row_marks(&v, 0), MARK_ALL);
	ck_assert_uint_eq(view_marked_count(&v), 5);
	view_home(&v);
	view_toggle_mark(&v); /* all marked: the same key unmarks the group */
	ck_assert_uint_eq(view_marked_count(&v), 1);

	/* A: every visible row; with a filter, only what matches. */
	set_mode(&v, VIEW_FLAT);
	view_unmark_all(&v);
	view_set_filter(&v, "/app/");
	view_mark_visible(&v);
	ck_assert_uint_eq(view_marked_count(&v), 4);
	view_set_filter(&v, NULL);
	ck_assert_uint_eq(view_marked_count(&v), 4); /* marks survive the filter */

	/* In an open group, A marks the whole group. */
	view_unmark_all(&v);
	ck_assert_uint_eq(view_marked_count(&v), 0);
	ck_assert_uint_eq(view_marked_bytes(&v), 0);
	set_mode(&v, VIEW_SIGNAL);
	view_sort_by(&v, VSORT_NAME);
	view_refresh(&v);
	view_home(&v);
	ck_assert(view_open(&v)); /* SIGABRT */
	view_mark_visible(&v);
	ck_assert_uint_eq(view_marked_count(&v), 3);
	ck_assert_uint_eq(view_marked_bytes(&v), 600);
	view_free(&v);
}
END_TEST

START_TEST(marks_survive_rescans_of_unchanged_files)
{
	struct view v;
	fill(&v);
	view_mark_visible(&v);
	ck_assert_uint_eq(view_marked_count(&v), 6);
	view_sort_by(&v, VSORT_TIME);
	view_cycle_mode(&v);
	ck_assert_uint_eq(view_marked_count(&v), 6);

	set_mode(&v, VIEW_FLAT);
	view_refresh(&v);
	view_home(&v);
	view_move(&v, 2); /* by time: core.g core.200 core.103 ... */
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.103");
	view_reset_dumps(&v); /* a rescan starts */
	ck_assert_str_eq(rows(&v), "");
	ck_assert_uint_eq(view_marked_count(&v), 0); /* nothing present is marked */
	/* Found again: five unchanged; core.102 was rewritten (new mtime), node grew. */
	view_add(&v, mk("/app/core.101", 1, 100, 1000, 1000, "gunicorn", SIGABRT));
	view_add(&v, mk("/app/core.102", 2, 300, 900, 2500, "gunicorn", SIGABRT));
	view_add(&v, mk("/app/core.103", 3, 200, 800, 3000, "gunicorn", SIGABRT));
	view_add(&v, mk("/app/core.200", 4, 50, 5000, 4000, "python3", SIGSEGV));
	view_add(&v, mk("/var/crash/core.node", 5, 400, 401, 500, "node", SIGQUIT));
	view_add(&v, mk("/var/crash/core.g", 6, 10, 10, 6000, "gunicorn", SIGQUIT));
	view_refresh(&v);
	ck_assert_uint_eq(view_marked_count(&v), 4);
	ck_assert(!view_is_marked(&v, v.ix.v[1]));
	ck_assert(!view_is_marked(&v, v.ix.v[4]));
	ck_assert(view_is_marked(&v, v.ix.v[0]));
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.103"); /* cursor kept */
	view_free(&v);
}
END_TEST

START_TEST(cursor_stays_on_its_row)
{
	struct view v;
	fill(&v);
	view_move(&v, 2); /* core.103 */
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.103");
	view_sort_by(&v, VSORT_NAME);
	view_refresh(&v);
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.103");
	/* New dumps arriving during the scan move rows, not the cursor's dump. */
	view_add(&v, mk("/app/core.000", 9, 1, 1, 1, "aaa", SIGABRT));
	view_refresh(&v);
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.103");
	ck_assert_str_eq(view_row_dump(&v, 0)->path, "/app/core.000");
	view_end(&v);
	ck_assert_uint_eq(v.cursor, v.nrows - 1);
	view_move(&v, 100);
	ck_assert_uint_eq(v.cursor, v.nrows - 1);
	view_move(&v, -100);
	ck_assert_uint_eq(v.cursor, 0);
	/* The filtered-out cursor row: the cursor stays in range. */
	view_end(&v);
	view_set_filter(&v, "core.000");
	view_refresh(&v);
	ck_assert_uint_eq(v.cursor, 0);
	view_free(&v);
}
END_TEST

static bool is_102_or_103(const struct dump *d, void *ctx)
{
	(void)ctx;
	return strstr(d->path, "core.102") || strstr(d->path, "core.103");
}

START_TEST(removed_rows_leave_the_cursor_on_a_neighbour)
{
	struct view v;
	fill(&v); /* by size: core.node core.102 core.103 core.101 core.200 core.g */
	view_move(&v, 1);
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.102");
	view_toggle_mark(&v); /* 102, cursor to 103 */
	view_toggle_mark(&v); /* 103, cursor to 101 */
	view_toggle_mark(&v); /* 101 */
	view_move(&v, -2);
	ck_assert_uint_eq(view_marked_count(&v), 3);
	view_remove_if(&v, is_102_or_103, NULL); /* as after deleting them */
	ck_assert_str_eq(rows(&v), "core.node core.101 core.200 core.g");
	ck_assert_str_eq(view_row_dump(&v, v.cursor)->path, "/app/core.101"); /* the next row */
	ck_assert_uint_eq(view_marked_count(&v), 1); /* what was not deleted stays marked */
	ck_assert_uint_eq(v.ix.n, 4);
	view_free(&v);
}
END_TEST

START_TEST(group_keys)
{
	struct sbuf buf;
	sbuf_init(&buf);
	struct dump *d = mk("/var/crash/core.1", 1, 1, 1, 1, "comm", SIGSEGV);
	ck_assert_str_eq(view_group_key(VIEW_PROGRAM, d, &buf), "comm");
	ck_assert_str_eq(view_group_key(VIEW_SIGNAL, d, &buf), "SIGSEGV");
	ck_assert_str_eq(view_group_key(VIEW_DIR, d, &buf), "/var/crash");
	ck_assert_str_eq(view_group_key(VIEW_KIND, d, &buf), "elf-core");
	free(d->path);
	d->path = strdup("/core");
	ck_assert_str_eq(view_group_key(VIEW_DIR, d, &buf), "/");
	dump_free(d);
	sbuf_free(&buf);
}
END_TEST

/* Finding 6 of issue 14: directories whose paths share a prefix longer than 4,095 bytes were
 * one group (the key was cut).  The key is the whole directory path. */
START_TEST(dir_groups_with_long_paths)
{
	size_t n = 5000;
	char *prefix = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		prefix[i] = i % 100 == 0 ? '/' : 'd';
	prefix[n] = '\0';
	char *a = xasprintf("%s/a/core.1", prefix), *b = xasprintf("%s/b/core.2", prefix);
	struct view v;
	view_init(&v);
	view_add(&v, mk(a, 1, 100, 100, 1000, "x", SIGABRT));
	view_add(&v, mk(b, 2, 100, 100, 2000, "x", SIGABRT));
	while (v.mode != VIEW_DIR)
		view_cycle_mode(&v);
	view_refresh(&v);
	ck_assert_uint_eq(v.ngroups, 2);
	ck_assert_uint_eq(v.groups[0].n, 1);
	struct sbuf key;
	sbuf_init(&key);
	ck_assert_uint_eq(strlen(view_group_key(VIEW_DIR, v.ix.v[0], &key)), n + 2);
	sbuf_free(&key);
	view_free(&v);
	free(a), free(b), free(prefix);
}
END_TEST

/* Each row of the directory tree as "name/:size:count" (a directory) or "name:size". */
static const char *tree_rows(struct dirtree *t, const struct view *v)
{
	static char buf[512];
	dirtree_refresh(t, v);
	buf[0] = '\0';
	for (size_t r = 0; r < t->nrows; r++) {
		char one[96];
		const struct dirtree_row *w = &t->rows[r];
		int k = snprintf(one, sizeof(one), "%s%s%s%s:%llu", r ? " " : "", r == t->cursor ? ">" : "",
				 w->name, w->dump ? "" : "/", (unsigned long long)w->size);
		if (!w->dump)
			snprintf(one + k, sizeof(one) - (size_t)k, ":%zu", w->dumps);
		strcat(buf, one);
	}
	return buf;
}

static bool in_deep(const struct dump *d, void *ctx)
{
	(void)ctx;
	return strncmp(d->path, "/srv/b/deep/", 12) == 0;
}

/* ncdu's view of where the dumps are: from the directory holding them all, down and up. */
START_TEST(dir_tree)
{
	struct view v;
	view_init(&v);
	view_add(&v, mk("/srv/a/core.1", 1, 100, 1000, 1000, "x", SIGABRT));
	view_add(&v, mk("/srv/a/core.2", 2, 300, 1000, 1000, "x", SIGABRT));
	view_add(&v, mk("/srv/b/deep/core.3", 3, 50, 5000, 1000, "x", SIGABRT));
	view_add(&v, mk("/srv/b/deep/er/core.4", 4, 70, 70, 1000, "x", SIGABRT));
	view_add(&v, mk("/srv/core.5", 5, 200, 200, 1000, "x", SIGABRT));
	view_add(&v, mk("/srv/ab/core.6", 6, 1, 1, 1000, "x", SIGABRT)); /* "ab" is not "a" */
	view_refresh(&v);
	struct dirtree t;
	dirtree_init(&t);
	ck_assert_str_eq(tree_rows(&t, &v), ">a/:400:2 core.5:200 b/:120:2 ab/:1:1");
	ck_assert_str_eq(t.top, "/srv");
	ck_assert_uint_eq(t.size, 721);
	ck_assert_uint_eq(t.max_size, 400);
	ck_assert(!dirtree_up(&t)); /* the top: nothing above holds a dump */
	dirtree_move(&t, 2);
	ck_assert(dirtree_enter(&t));
	ck_assert_str_eq(tree_rows(&t, &v), ">deep/:120:2");
	ck_assert(dirtree_enter(&t));
	ck_assert_str_eq(t.dir, "/srv/b/deep");
	ck_assert_str_eq(tree_rows(&t, &v), ">er/:70:1 core.3:50");
	dirtree_move(&t, 1);
	ck_assert(!dirtree_enter(&t)); /* a dump */
	ck_assert(dirtree_up(&t));
	ck_assert(dirtree_up(&t)); /* back at the top, the cursor on where we came from */
	ck_assert_str_eq(tree_rows(&t, &v), "a/:400:2 core.5:200 >b/:120:2 ab/:1:1");
	view_toggle_apparent(&v); /* sizes follow a */
	ck_assert_str_eq(tree_rows(&t, &v), ">b/:5070:2 a/:2000:2 core.5:200 ab/:1:1"); /* on b still */
	view_toggle_apparent(&v);
	ck_assert(dirtree_enter(&t));
	ck_assert_str_eq(tree_rows(&t, &v), ">deep/:120:2");
	ck_assert(dirtree_enter(&t));
	ck_assert_str_eq(tree_rows(&t, &v), ">er/:70:1 core.3:50");
	view_remove_if(&v, in_deep, NULL); /* deleted: the tree climbs to what still holds dumps */
	view_refresh(&v);
	ck_assert_str_eq(tree_rows(&t, &v), ">a/:400:2 core.5:200 ab/:1:1");
	ck_assert_str_eq(t.dir, "/srv");
	dirtree_free(&t);
	view_free(&v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("view");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, flat_sorts);
	tcase_add_test(tc, group_views);
	tcase_add_test(tc, cause_view_splits_what_one_fix_stops);
	tcase_add_test(tc, open_and_back);
	tcase_add_test(tc, filter);
	tcase_add_test(tc, marks);
	tcase_add_test(tc, marks_survive_rescans_of_unchanged_files);
	tcase_add_test(tc, cursor_stays_on_its_row);
	tcase_add_test(tc, removed_rows_leave_the_cursor_on_a_neighbour);
	tcase_add_test(tc, group_keys);
	tcase_add_test(tc, dir_groups_with_long_paths);
	tcase_add_test(tc, dir_tree);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
