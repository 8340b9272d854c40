/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index: the set of dumps a scan found, deduplicated, filtered and sorted for the consumers. */
#ifndef COREDU_INDEX_H
#define COREDU_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/idset.h"
#include "kinds/dump.h"

enum index_sort { SORT_DISK, SORT_SIZE, SORT_TIME, SORT_PID, SORT_COMMAND, SORT_SIGNAL, SORT_PATH };

struct index_error {
	char *path;
	char *message;
};

/* Errors kept for the JSON report; the count stays exact beyond this. */
#define INDEX_ERRORS_KEPT 1000

struct index {
	struct dump **v;
	size_t n, cap;
	struct idset ids;         /* (dev, inode) -> position: a hard-linked dump appears once */
	bool has_since, has_until;
	int64_t since, until;     /* dump time window, inclusive */
	struct index_error *errors;
	size_t nerrors, caperrors;
	uint64_t errors_total;
};

void index_init(struct index *ix);
void index_free(struct index *ix);
/* Take ownership of d.  Returns false (and frees d) when it is outside the time window or
 * is another link to a dump already present; of several links the smallest path stays. */
bool index_add(struct index *ix, struct dump *d);
/* Drop (and free) every dump for which gone(d, ctx) is true; keeps the others' order. */
void index_remove_if(struct index *ix, bool (*gone)(const struct dump *d, void *ctx), void *ctx);
void index_add_error(struct index *ix, const char *path, const char *message);
void index_sort(struct index *ix, enum index_sort key, bool reverse);
/* "disk", "size", "time", "pid", "command", "signal", "path"; -1 if unknown. */
int index_sort_parse(const char *name);
const char *index_sort_name(enum index_sort key);
uint64_t index_total_disk(const struct index *ix);
/* Number the dumps of one crash stored more than once (systemd's core and ABRT's copy, a
 * JVM's hs_err log and its core, a copied core): same process id, the same program, and
 * times within INDEX_SAME_CRASH_SECONDS of each other.  Sets dump.same_crash (0: alone);
 * returns how many such crashes there are. */
#define INDEX_SAME_CRASH_SECONDS 600
size_t index_link_same_crash(struct index *ix);
uint64_t index_total_apparent(const struct index *ix);

#endif
