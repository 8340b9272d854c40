/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dirtree: where the dumps are, as ncdu shows a disk: the directories that hold dumps, each
 * with the size and number of the dumps below it, one directory at a time.
 *
 * The tree starts at the deepest directory that holds every dump (`top`); `dir` is the one
 * shown.  Its rows are its subdirectories that lead to dumps and the dumps directly in it,
 * largest first (equal sizes by name), as ncdu.  Rows are rebuilt from the view's dumps by
 * dirtree_refresh (O(n log n) in the dumps, only on a change); nothing is kept per
 * directory, so memory is the rows of one directory.  Curses-free and unit-tested. */
#ifndef COREDU_DIRTREE_H
#define COREDU_DIRTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/view.h"

struct dirtree_row {
	char *name;               /* a subdirectory's or a dump's name: raw bytes */
	const struct dump *dump;  /* NULL: a directory */
	uint64_t size;            /* on disk, or apparent with view.apparent */
	size_t dumps;             /* dumps below (1 for a dump) */
};

struct dirtree {
	char *top;   /* NULL: no dumps */
	char *dir;   /* the directory shown: top or below it */
	struct dirtree_row *rows;
	size_t nrows, caprows;
	size_t cursor;
	uint64_t size, max_size; /* of the directory shown, and of its largest row (the bars) */
	size_t dumps;
	char *select; /* the row to put the cursor on at the next refresh (going up) */
};

void dirtree_init(struct dirtree *t);
void dirtree_free(struct dirtree *t);
/* Rebuild the rows of the directory shown from the dumps of v (all of them, whatever the
 * filter), keeping the cursor on the same name.  A directory that no longer leads to a dump
 * (they were deleted) gives way to the nearest one above it that does. */
void dirtree_refresh(struct dirtree *t, const struct view *v);
/* Into the directory under the cursor (false on a dump row); dirtree_refresh follows. */
bool dirtree_enter(struct dirtree *t);
/* To the parent, the cursor on where we came from; false at the top. */
bool dirtree_up(struct dirtree *t);
void dirtree_move(struct dirtree *t, long delta);

#endif
