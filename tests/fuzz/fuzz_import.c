/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness for `coredu --import`: the input is a stream of `coredu json` documents.
 *
 * 1. base/jsonr alone, token by token: every offset lies within the input and never goes
 *    back, a string is no longer than the bound and NUL-terminated, the nesting stays within
 *    JSON_MAX_DEPTH, and after an error the reader keeps saying error.
 * 2. scan/import over it: an error starts "byte N: " with N within the input and, as the
 *    CLI prints it as it is, holds no byte a terminal would act on (tests/fuzz/oracle.h).
 * 3. The imported dumps through the writers of `info`, `list` (UTF-8 and ASCII) and `json`,
 *    under the terminal oracle; then the json written is imported again: it must be read
 *    whole and give back as many dumps (the writer and the reader agree). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonr.h"
#include "base/sanitize.h"
#include "model/index.h"
#include "output/report.h"
#include "scan/import.h"
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void tokens(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	struct jsonr r;
	jsonr_init(&r, f);
	uint64_t last = 0;
	enum jsonr_type t;
	while ((t = jsonr_next(&r)) != JSONR_END && t != JSONR_ERROR) {
		if (r.tok_off < last || r.tok_off > r.off || r.off > size || r.depth < 0 ||
		    r.depth > JSON_MAX_DEPTH)
			abort();
		last = r.tok_off;
		if ((t == JSONR_STRING || t == JSONR_KEY) &&
		    (r.len > r.max_string || r.s[r.len] != 0))
			abort();
		if (t == JSONR_NUMBER && strlen(r.s) > JSONR_MAX_NUMBER)
			abort();
	}
	if (t == JSONR_ERROR && (r.err_off > size || !r.err[0] || jsonr_next(&r) != JSONR_ERROR))
		abort();
	jsonr_free(&r);
	fclose(f);
}

static void to_index(void *ctx, struct dump *d)
{
	index_add(ctx, d);
}

/* Import `n` bytes at `p` into ix; the number of the error's byte, or -1 if none. */
static int64_t import_mem(struct import *im, struct index *ix, const void *p, size_t n)
{
	struct scan_sink sink = {ix, to_index, NULL};
	char err[300] = "";
	FILE *f = fmemopen((void *)p, n, "r");
	if (!f)
		abort();
	int rc = import_stream(im, f, "fuzz.json", &sink, err, sizeof(err));
	fclose(f);
	if (rc == 0)
		return -1;
	uint64_t at;
	if (sscanf(err, "byte %" SCNu64 ": ", &at) != 1 || at > n) {
		fprintf(stderr, "import error without its byte: %s\n", err);
		abort();
	}
	check("import error", err, strlen(err), false);
	return (int64_t)at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0; /* fmemopen wants a buffer */
	tokens(data, size);

	struct import im;
	struct index ix;
	import_init(&im);
	index_init(&ix);
	import_mem(&im, &ix, data, size);
	index_link_same_crash(&ix);
	struct report r = {.ix = &ix, .hosts = im.nhosts, .legend = true, .now = 1795514400};
	for (int ascii = 0; ascii < 2; ascii++) {
		r.san_flags = ascii ? SAN_ASCII : 0;
		for (size_t i = 0; i < ix.n; i++)
			render("info", &r, ix.v[i], ascii);
		render("list", &r, NULL, ascii);
	}

	if (ix.n > 0) {
		char *out = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&out, &n);
		if (!f)
			abort();
		report_json(f, &r);
		fclose(f);
		struct import again;
		struct index ix2;
		import_init(&again);
		index_init(&ix2);
		int64_t at = import_mem(&again, &ix2, out, n);
		if (at >= 0 || ix2.n != ix.n) {
			fprintf(stderr, "json of %zu imported dumps read back as %zu (error at byte %" PRId64
				"):\n%.*s\n", ix.n, ix2.n, at, (int)(at >= 0 ? at + 80 : 2000), out);
			abort();
		}
		index_free(&ix2);
		import_free(&again);
		free(out);
	}
	index_free(&ix);
	import_free(&im);
	return 0;
}
