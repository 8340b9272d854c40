/* SPDX-License-Identifier: GPL-2.0-or-later */
/* import: dumps read from `coredu json` documents instead of a scan, so that scans made on
 * many hosts are browsed together (`coredu --import FILE.json...`).
 *
 * A file (or standard input) holds one document or several one after another.  Each is read
 * as a stream (base/jsonr.h): memory grows with its dumps, never with the file, and a
 * document's dumps are handed to the sink only once it has been read whole and said
 * "version": 1, whatever the order of its keys (`jq -S` sorts them).  Keys it does not know
 * are skipped (doc/json.md: readers ignore new keys).  Each dump gets the number and the
 * name of its host: the document's identity.hostname, else the file's name without
 * ".json".  Imported dumps are facts about files on other machines: nothing here, nor in
 * their consumers, opens their paths. */
#ifndef COREDU_IMPORT_H
#define COREDU_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scan/scan.h"

#define IMPORT_MAX_HOSTS 65535 /* dump.source has 16 bits of the index's key */

struct import {
	char **hosts;               /* hosts[k - 1] is source k's name */
	size_t nhosts, caphosts;
	uint64_t documents, dumps;
	struct scan_totals totals;  /* the documents' "scan" totals added up */
	double seconds;
};

void import_init(struct import *im);
void import_free(struct import *im);
/* Read the documents in `path` ("-": standard input); the sink gets each dump (sink->dump,
 * called from this thread).  Returns 0, or -1 with "byte N: what went wrong" in err; the
 * documents read whole before the error were handed over. */
int import_file(struct import *im, const char *path, const struct scan_sink *sink, char *err,
		size_t errlen);
/* The same over an open stream (not closed); `path` names it for hosts without an identity
 * (the fuzz harness reads from memory). */
int import_stream(struct import *im, FILE *f, const char *path, const struct scan_sink *sink,
		  char *err, size_t errlen);

#endif
