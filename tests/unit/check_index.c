/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The index: deduplication of hard links, the time window, every sort key. */
#include "config.h"

#include <sched.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/mdesc.h"
#include "model/index.h"
#include "output/report.h"
#include "testutil.h"

#define mk tu_fake_dump /* pid = inode */

static void fill(struct index *ix)
{
	index_init(ix);
	index_add(ix, mk("/c/core.3", 3, 300, 3000, 1000, "gunicorn", SIGABRT));
	index_add(ix, mk("/a/core.1", 1, 100, 9000, 3000, "python3", SIGSEGV));
	index_add(ix, mk("/b/core.2", 2, 200, 200, 2000, "node", SIGQUIT));
}

static const char *order(const struct index *ix)
{
	static char buf[64];
	buf[0] = '\0';
	for (size_t i = 0; i < ix->n; i++)
		strcat(buf, strrchr(ix->v[i]->path, '.') + 1);
	return buf;
}

START_TEST(sort_keys)
{
	struct index ix;
	fill(&ix);
	static const struct {
		enum index_sort key;
		const char *want;
	} cases[] = {
		{SORT_DISK, "321"},  {SORT_SIZE, "132"}, {SORT_TIME, "123"}, {SORT_PID, "123"},
		{SORT_COMMAND, "321"}, /* gunicorn, node, python3 */
		{SORT_SIGNAL, "321"},  /* SIGABRT, SIGQUIT, SIGSEGV */
		{SORT_PATH, "123"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		index_sort(&ix, cases[i].key, false);
		ck_assert_str_eq(order(&ix), cases[i].want);
		index_sort(&ix, cases[i].key, true);
		char rev[8];
		for (size_t k = 0; k < 3; k++)
			rev[k] = cases[i].want[2 - k];
		rev[3] = '\0';
		ck_assert_str_eq(order(&ix), rev);
	}
	for (const char *const *n = (const char *const[]){"disk", "size", "time", "pid", "command",
							   "signal", "path", NULL}; *n; n++)
		ck_assert_str_eq(index_sort_name((enum index_sort)index_sort_parse(*n)), *n);
	ck_assert_int_eq(index_sort_parse("bogus"), -1);
	index_free(&ix);
}
END_TEST

START_TEST(hard_links_once_smallest_path)
{
	struct index ix;
	fill(&ix);
	ck_assert(!index_add(&ix, mk("/z/link-to-2", 2, 200, 200, 2000, "node", SIGQUIT)));
	ck_assert(!index_add(&ix, mk("/0/link-to-2", 2, 200, 200, 2000, "node", SIGQUIT)));
	ck_assert_uint_eq(ix.n, 3);
	index_sort(&ix, SORT_PATH, false);
	ck_assert_str_eq(ix.v[0]->path, "/0/link-to-2");
	/* After a sort the (dev, inode) lookup still works. */
	ck_assert(!index_add(&ix, mk("/y/again", 1, 1, 1, 1, "x", 1)));
	ck_assert_uint_eq(ix.n, 3);
	ck_assert_uint_eq(index_total_disk(&ix), 600);
	ck_assert_uint_eq(index_total_apparent(&ix), 12200);
	index_free(&ix);
}
END_TEST

START_TEST(time_window)
{
	struct index ix;
	index_init(&ix);
	ix.has_since = true;
	ix.since = 1500;
	ix.has_until = true;
	ix.until = 2500;
	ck_assert(!index_add(&ix, mk("/old", 1, 1, 1, 1000, "a", 6)));
	ck_assert(index_add(&ix, mk("/mid", 2, 1, 1, 2000, "a", 6)));
	ck_assert(index_add(&ix, mk("/edge", 3, 1, 1, 2500, "a", 6)));
	ck_assert(!index_add(&ix, mk("/new", 4, 1, 1, 3000, "a", 6)));
	ck_assert_uint_eq(ix.n, 2);
	index_free(&ix);
}
END_TEST

START_TEST(many_dumps_and_errors)
{
	struct index ix;
	index_init(&ix);
	for (int i = 0; i < 5000; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/d/%05d", i);
		ck_assert(index_add(&ix, mk(p, (uint64_t)i + 10, (uint64_t)i, 1, i, "x", 6)));
	}
	index_sort(&ix, SORT_DISK, false);
	ck_assert_uint_eq(ix.v[0]->size_disk, 4999);
	for (int i = 0; i < INDEX_ERRORS_KEPT + 10; i++)
		index_add_error(&ix, "/p", "cannot open");
	ck_assert_uint_eq(ix.nerrors, INDEX_ERRORS_KEPT);
	ck_assert_uint_eq(ix.errors_total, INDEX_ERRORS_KEPT + 10);
	index_free(&ix);
}
END_TEST

/* Finding 4 of issue 14: `json` and `info` looked for a dump's fellow copies among all the
 * dumps, for every dump: N copies of one crash cost N^2 (40,000: 13 s).  They are grouped
 * once now.  No timing assertion: this case's timeout (60 s) is far beyond the grouped
 * time (1.6 s of CPU here) and below the quadratic one (the first 20 s of a run before the
 * fix got through less than the JSON).  The ASan build (SANITIZERS=yes) runs a tenth of it:
 * there every allocation is slow, and the normal build is the one that catches the walk. */
START_TEST(same_crash_reports_are_linear)
{
	const char *san = getenv("SANITIZERS");
	const int N = san && strcmp(san, "yes") == 0 ? 6000 : 60000;
	struct index ix;
	index_init(&ix);
	for (int i = 0; i < N; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/d/core.%05d", i);
		struct dump *d = mk(p, (uint64_t)i + 10, 1, 1, 1000, "gunicorn", 6);
		d->core.pid = 4242; /* copies of one crash */
		ck_assert(index_add(&ix, d));
	}
	index_add(&ix, mk("/e/core.1", 1, 1, 1, 1000, "alone", 11)); /* pid 1: no copy */
	ck_assert_uint_eq(index_link_same_crash(&ix), 1);
	struct report r = {.ix = &ix, .now = 2000};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	report_json(f, &r);
	fclose(f);
	/* every copy names the others' count, and at most REPORT_SAME_CRASH_SHOWN paths */
	size_t counts = 0;
	char want[48];
	snprintf(want, sizeof(want), "\"same_crash_count\": %d", N - 1);
	for (const char *q = text; (q = strstr(q, want)); q++)
		counts++;
	ck_assert_uint_eq(counts, N);
	ck_assert_ptr_nonnull(strstr(text, "\"same_crash_count\": 0"));
	free(text);
	f = fopen("/dev/null", "w");
	struct report_crashes *crashes = report_crashes_new(&ix); /* as cmd_info does */
	r.crashes = crashes;
	for (size_t i = 0; i < ix.n; i++)
		report_info(f, &r, ix.v[i], NULL, i == 0);
	report_crashes_free(crashes);
	fclose(f);
	index_free(&ix);
}
END_TEST

/* The document of n dumps as report_json writes it, on every CPU the test may use or on one
 * (then without the helper that renders every other block of dumps). */
static char *json_of_index(const struct index *ix, struct mdesc *magic, bool one_cpu)
{
	cpu_set_t all, one;
	ck_assert_int_eq(sched_getaffinity(0, sizeof(all), &all), 0);
	if (one_cpu) {
		CPU_ZERO(&one);
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &all)) {
				CPU_SET(c, &one);
				break;
			}
		ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	}
	struct report r = {.ix = ix, .now = 2000, .magic = magic};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	report_json(f, &r);
	fclose(f);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(all), &all), 0);
	return text;
}

START_TEST(json_blocks_in_order)
{
	/* Around each block boundary (64 dumps; a helper from 256), with odd and even block
	 * counts: the same document from two threads as from one.  On a one-CPU machine both
	 * runs take the one-thread path. */
	static const int counts[] = {255, 256, 257, 319, 320, 321, 383, 384, 1000};
	static const unsigned char elf_core[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, [16] = 4, 0,
						   62, 0, 1};
	struct mdesc *magic = mdesc_open(NULL, NULL);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct index ix;
		index_init(&ix);
		for (int i = 0; i < counts[c]; i++) {
			char p[48];
			snprintf(p, sizeof(p), "/d/%d/core.\x1b[%d\"%d", i % 7, i, i);
			struct dump *d = mk(p, (uint64_t)i + 10, 4096, 8192, 1000 + i, i % 3 ? "a" : "b", 6);
			if (i % 5 == 0) { /* a head for libmagic, some of them */
				memcpy(d->head, elf_core, sizeof(elf_core));
				d->head_len = sizeof(elf_core);
			}
			ck_assert(index_add(&ix, d));
		}
		char *two = json_of_index(&ix, magic, false), *one = json_of_index(&ix, magic, true);
		ck_assert_msg(strcmp(one, two) == 0, "%d dumps: the documents differ", counts[c]);
		ck_assert_ptr_nonnull(strstr(one, "\"magic\": \"ELF 64-bit LSB core file"));
		free(one);
		free(two);
		index_free(&ix);
	}
	mdesc_close(magic);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("index");
	TCase *tc = tcase_create("index");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sort_keys);
	tcase_add_test(tc, hard_links_once_smallest_path);
	tcase_add_test(tc, time_window);
	tcase_add_test(tc, many_dumps_and_errors);
	tcase_add_test(tc, json_blocks_in_order);
	suite_add_tcase(s, tc);
	TCase *scale = tcase_create("scale");
	tcase_set_timeout(scale, 60);
	tcase_add_test(scale, same_crash_reports_are_linear);
	suite_add_tcase(s, scale);
	return tu_run_suite(s);
}
