/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uibench: the browser's cost with 100,000 dumps indexed (a generated index: the same view
 * model and drawing code as the program, a terminal of 80x24 whose output goes to
 * /dev/null).  Reports the median of many runs for a keypress redraw and for each re-sort,
 * regrouping and filter.
 *
 *   make bench/uibench && bench/uibench [DUMPS]
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* A reproducible pile: 200 programs, 6 signals, 2,000 directories. */
static void fill(struct view *v, size_t n)
{
	static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGQUIT, SIGILL, SIGFPE};
	unsigned seed = 12345;
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		struct dump *d = xcalloc(1, sizeof(*d));
		d->path = xasprintf("/srv/app%04u/worker/core.%zu", seed % 2000, 100000 + i);
		d->dev = 1;
		d->ino = i + 1;
		d->size_disk = (uint64_t)(seed % 200000) * 4096;
		d->size_apparent = d->size_disk * 3;
		d->mtime = 1790000000 + (int64_t)(seed % 10000000);
		d->kind = DUMP_ELF_CORE;
		d->core.pid = (int64_t)(100000 + i);
		d->core.machine = 62;
		d->core.signal = sigs[seed % 6];
		snprintf(d->core.comm, sizeof(d->core.comm), "prog%03u", (seed >> 8) % 200);
		view_add(v, d);
	}
}

/* One more dump during a scan: a copy of the first, under a new path and inode. */
static struct dump *dump_like(const struct view *v, size_t k)
{
	struct dump *d = xcalloc(1, sizeof(*d));
	*d = *v->ix.v[0];
	d->path = xasprintf("/srv/new/core.%zu", k);
	d->ino = 10000000 + k;
	memset(&d->core, 0, sizeof(d->core));
	d->core = v->ix.v[0]->core;
	d->core.exe = d->core.exe_mapped = d->core.platform = d->core.crash_module = NULL;
	d->core.build_id = NULL;
	d->core.maps = NULL;
	d->core.map_names = NULL;
	return d;
}

#define TIME(label, runs, setup, body) \
	do { \
		double t_[runs]; \
		for (int r_ = 0; r_ < (runs); r_++) { \
			setup; \
			double s_ = now_ms(); \
			body; \
			t_[r_] = now_ms() - s_; \
		} \
		printf("| %s | %.2f |\n", label, median(t_, runs)); \
	} while (0)

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	setlocale(LC_ALL, "C.UTF-8");
	struct ui_opts o = {0};
	struct ui u;
	memset(&u, 0, sizeof(u));
	u.opts = &o;
	u.scan.now = 1800000000;
	sbuf_init(&u.tmp);
	sbuf_init(&u.list.filter_edit);
	view_init(&u.view);
	fill(&u.view, n);

	FILE *out = fopen("/dev/null", "w");
	FILE *in = fopen("/dev/null", "r");
	SCREEN *s = newterm("xterm-256color", out, in);
	if (!s) {
		fprintf(stderr, "uibench: cannot set up xterm-256color\n");
		return 1;
	}
	set_term(s);
	resizeterm(24, 80);
	u.term.attrs[UA_HEADER] = u.term.attrs[UA_SELECTED] = A_REVERSE;
	u.term.attrs[UA_MARKED] = u.term.attrs[UA_TRUNCATED] = A_BOLD;

	printf("%zu dumps indexed; 80x24 terminal; median of the runs, in ms\n\n", n);
	printf("| Operation | Median [ms] |\n|:---|---:|\n");
	size_t extra = 0;
	TIME("refresh after a new dump arrived (paths ranked again)", 5,
	     view_add(&u.view, dump_like(&u.view, extra++)), view_refresh(&u.view));
	TIME("keypress redraw: cursor down, draw, refresh", 500, (void)0,
	     (view_move(&u.view, 1), view_refresh(&u.view), erase(), list_draw(&u), refresh()));
	TIME("keypress redraw at the end of the list", 200, view_end(&u.view),
	     (view_move(&u.view, -1), view_refresh(&u.view), erase(), list_draw(&u), refresh()));
	TIME("re-sort by size (s)", 11, view_sort_by(&u.view, VSORT_SIZE), view_refresh(&u.view));
	TIME("re-sort by name (n)", 11, view_sort_by(&u.view, VSORT_NAME), view_refresh(&u.view));
	TIME("re-sort by time (M)", 11, view_sort_by(&u.view, VSORT_TIME), view_refresh(&u.view));
	TIME("apparent size (a)", 11, view_toggle_apparent(&u.view), view_refresh(&u.view));
	TIME("view change (g), each of the five", 11, view_cycle_mode(&u.view), view_refresh(&u.view));
	TIME("filter by a substring (/)", 11, view_set_filter(&u.view, "app01"), view_refresh(&u.view));
	view_set_filter(&u.view, NULL);
	TIME("mark all visible (A)", 11, view_unmark_all(&u.view), view_mark_visible(&u.view));
	TIME("keypress redraw with everything marked", 200, (void)0,
	     (view_move(&u.view, 1), view_refresh(&u.view), erase(), list_draw(&u), refresh()));

	endwin();
	delscreen(s);
	view_free(&u.view);
	sbuf_free(&u.tmp);
	sbuf_free(&u.list.filter_edit);
	return 0;
}
