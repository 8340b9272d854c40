/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <wchar.h>

#include "base/fmt.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "kinds/dump.h"
#include "model/index.h"
#include "output/report.h"

/* Columns a sanitised string takes on a terminal. */
static size_t text_width(const char *s)
{
	size_t w = 0, n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (len == 0) {
			len = 1;
			cp = '?';
		}
		int cw = wcwidth((wchar_t)cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += len;
	}
	return w;
}

enum col { C_TIME, C_PID, C_UID, C_SIG, C_DISK, C_SIZE, C_KIND, C_CMD, C_PATH, NCOLS };

static const char *const headers[NCOLS] = {
	"TIME", "PID", "UID", "SIG", "DISK", "SIZE", "KIND", "PROGRAM", "PATH",
};
static const bool right_aligned[NCOLS] = {
	[C_PID] = true, [C_UID] = true, [C_DISK] = true, [C_SIZE] = true,
};

/* The cells of one row, sanitised. */
static void row_cells(const struct report *r, const struct dump *d, struct sbuf cells[NCOLS])
{
	char buf[FMT_TIME_LEN], sig[16];
	for (int c = 0; c < NCOLS; c++)
		sbuf_reset(&cells[c]);
	sbuf_adds(&cells[C_TIME], fmt_time(buf, d->mtime));
	if (d->core.pid >= 0)
		sbuf_printf(&cells[C_PID], "%" PRId64, d->core.pid);
	else
		sbuf_addc(&cells[C_PID], '-');
	if (d->core.uid >= 0)
		sbuf_printf(&cells[C_UID], "%" PRId64, d->core.uid);
	else
		sbuf_addc(&cells[C_UID], '-');
	sbuf_adds(&cells[C_SIG], dump_signal_name(d, sig));
	sbuf_adds(&cells[C_DISK], fmt_size(buf, d->size_disk, r->si));
	sbuf_adds(&cells[C_SIZE], fmt_size(buf, d->size_apparent, r->si));
	sbuf_adds(&cells[C_KIND], dump_kind_name(d->kind));
	if (d->compression != COMP_NONE) {
		sbuf_printf(&cells[C_KIND], " (%s", dump_compression_name(d->compression));
		if (d->size_original)
			sbuf_printf(&cells[C_KIND], " of %s", fmt_size(buf, d->size_original, r->si));
		sbuf_addc(&cells[C_KIND], ')');
	}
	if (d->core.truncated)
		sbuf_adds(&cells[C_KIND], " (truncated)");
	if (d->same_crash)
		sbuf_printf(&cells[C_KIND], " [crash %" PRIu32 "]", d->same_crash);
	sanitize_appends(&cells[C_CMD], dump_program(d), r->san_flags);
	struct sbuf path;
	sbuf_init(&path);
	const char *root = d->source || !r->scan ? NULL : scan_get_root(r->scan, d->root)->display;
	dump_display_path(&path, d, root); /* imported: HOST:/path */
	sanitize_appends(&cells[C_PATH], path.s, r->san_flags);
	sbuf_free(&path);
}

static void print_row(FILE *f, struct sbuf cells[NCOLS], const size_t width[NCOLS])
{
	for (int c = 0; c < NCOLS; c++) {
		size_t w = text_width(cells[c].s);
		size_t pad = width[c] > w ? width[c] - w : 0;
		if (right_aligned[c])
			fprintf(f, "%*s", (int)pad, "");
		fputs(cells[c].s, f);
		if (c == NCOLS - 1)
			break;
		fprintf(f, "%*s", (int)(right_aligned[c] ? 2 : pad + 2), "");
	}
	fputc('\n', f);
}

static void print_totals(FILE *f, const struct report *r)
{
	char disk[FMT_SIZE_LEN], app[FMT_SIZE_LEN], scanned[FMT_SIZE_LEN];
	size_t truncated = 0, linked = 0;
	uint32_t crashes = 0;
	for (size_t i = 0; i < r->ix->n; i++) {
		truncated += r->ix->v[i]->core.truncated;
		linked += r->ix->v[i]->same_crash != 0;
		if (r->ix->v[i]->same_crash > crashes)
			crashes = r->ix->v[i]->same_crash;
	}
	fprintf(f, "%zu dump%s, %s on disk, %s apparent", r->ix->n, r->ix->n == 1 ? "" : "s",
		fmt_size(disk, index_total_disk(r->ix), r->si),
		fmt_size(app, index_total_apparent(r->ix), r->si));
	if (truncated)
		fprintf(f, ", %zu truncated", truncated);
	if (linked)
		fprintf(f, ", %zu from %" PRIu32 " crash%s stored more than once", linked, crashes,
			crashes == 1 ? "" : "es");
	fprintf(f, "; scanned %" PRIu64 " file%s in %" PRIu64 " director%s, %s, in %.2f s",
		r->totals.files, r->totals.files == 1 ? "" : "s", r->totals.dirs,
		r->totals.dirs == 1 ? "y" : "ies", fmt_size(scanned, r->totals.bytes_disk, r->si),
		r->seconds);
	if (r->totals.errors)
		fprintf(f, "; %" PRIu64 " error%s", r->totals.errors, r->totals.errors == 1 ? "" : "s");
	if (r->hosts)
		fprintf(f, "; imported from %zu host%s", r->hosts, r->hosts == 1 ? "" : "s");
	fputc('\n', f);
}

void report_list(FILE *f, const struct report *r)
{
	struct sbuf cells[NCOLS];
	size_t width[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		sbuf_init(&cells[c]);
		width[c] = r->legend ? strlen(headers[c]) : 0;
	}
	for (size_t i = 0; i < r->ix->n; i++) {
		row_cells(r, r->ix->v[i], cells);
		for (int c = 0; c < NCOLS; c++) {
			size_t w = text_width(cells[c].s);
			if (w > width[c])
				width[c] = w;
		}
	}
	if (r->legend && r->ix->n > 0) {
		for (int c = 0; c < NCOLS; c++) {
			sbuf_reset(&cells[c]);
			sbuf_adds(&cells[c], headers[c]);
		}
		print_row(f, cells, width);
	}
	for (size_t i = 0; i < r->ix->n; i++) {
		row_cells(r, r->ix->v[i], cells);
		print_row(f, cells, width);
	}
	if (r->legend)
		print_totals(f, r);
	for (int c = 0; c < NCOLS; c++)
		sbuf_free(&cells[c]);
}
