/* SPDX-License-Identifier: GPL-2.0-or-later */
/* view: what the browser shows, without a terminal.
 *
 * The rows of the current screen come from the dumps found so far: grouped (flat, by
 * cause, by program, by signal, by directory, by kind), filtered by a substring, and sorted.  A group
 * can be opened to list its dumps.  Marks belong to files, not rows: a mark is the file's
 * identity (device, inode, size, mtime), so it survives regrouping, sorting, filtering and a
 * rescan that finds the file unchanged, and is dropped if the file changed.  The cursor
 * stays on the same dump or group while rows move.  Everything here is unit-tested; the
 * curses front end in ui/ only draws rows and turns keys into these calls. */
#ifndef COREDU_VIEW_H
#define COREDU_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/index.h"

struct sbuf;

/* VIEW_CAUSE groups by program, signal and cause (cause.h): the doctor's groups, each one
 * that a single fix stops, so marking one marks exactly what that fix is about.  VIEW_HOST is
 * offered only when dumps of more than one host are loaded (view.sources). */
enum view_mode { VIEW_FLAT, VIEW_CAUSE, VIEW_PROGRAM, VIEW_SIGNAL, VIEW_DIR, VIEW_KIND, VIEW_HOST,
		 VIEW_MODES };
enum view_sort { VSORT_SIZE, VSORT_NAME, VSORT_TIME, VSORT_COUNT };
enum view_mark_state { MARK_NONE, MARK_SOME, MARK_ALL };

struct view_group {
	char *key;        /* program name, signal name, directory or kind: raw bytes */
	size_t *members;  /* positions in view.ix.v of the dumps that pass the filter */
	size_t n, cap;
	uint64_t disk, apparent;
	int64_t newest, oldest;
	size_t hosts;     /* distinct hosts among the members (imported scans) */
};

struct view_row {
	bool group;
	size_t idx; /* into view.groups, or into view.ix.v */
};

struct view_marks;

struct view {
	struct index ix; /* the dumps: deduplicated, filtered by the --since/--until window */
	struct view_marks *marks; /* private: identities and per-dump mark state */
	enum view_mode mode;
	enum view_sort sort;
	bool reverse;
	bool apparent; /* sizes, bars and size sorting use the apparent size, not disk */
	size_t sources; /* hosts the dumps come from (imports); more than one adds VIEW_HOST */
	char *filter;  /* NULL: no filter */
	char *open_key; /* the opened group's key, NULL at the top level */
	bool at_group;  /* true while a group is open */

	struct view_group *groups;
	size_t ngroups, capgroups;
	struct view_row *rows;
	size_t nrows, caprows;
	size_t cursor;
	uint64_t max_size; /* largest row size, for the bars */
	bool dirty;
};

void view_init(struct view *v);
void view_free(struct view *v);
/* Take ownership of a newly found dump. */
void view_add(struct view *v, struct dump *d);
/* Drop the dumps for which gone(d, ctx) is true (deleted ones), and their marks.  The cursor
 * stays at its position, on what was the next row. */
void view_remove_if(struct view *v, bool (*gone)(const struct dump *d, void *ctx), void *ctx);
/* Put dumps in the order the list shows them (the sort, then the path). */
void view_sort_dumps(const struct view *v, const struct dump **set, size_t n);
/* The marked dumps that are present now, in the index's order; *n gets their number. */
const struct dump **view_marked_dumps(const struct view *v, size_t *n);
/* Forget every dump (a rescan starts); settings and marks stay. */
void view_reset_dumps(struct view *v);
/* Recompute groups and rows after changes; cheap when nothing changed. */
void view_refresh(struct view *v);

void view_cycle_mode(struct view *v);
/* The same key again reverses; another key takes its natural order (sizes and counts
 * largest first, times newest first, names A to Z). */
void view_sort_by(struct view *v, enum view_sort s);
void view_toggle_apparent(struct view *v);
/* Case-insensitive substring of the program, comm, command line, executable, path or
 * signal name (dump_matches); NULL or "" clears. */
void view_set_filter(struct view *v, const char *text);

/* Open the group under the cursor; false on a dump row. */
bool view_open(struct view *v);
/* Back to the groups; false at the top level. */
bool view_back(struct view *v);

void view_move(struct view *v, long delta);
void view_home(struct view *v);
void view_end(struct view *v);

/* Row accessors (after view_refresh). */
const struct dump *view_row_dump(const struct view *v, size_t row);   /* NULL on a group */
const struct view_group *view_row_group(const struct view *v, size_t row); /* NULL on a dump */
uint64_t view_row_size(const struct view *v, size_t row);
enum view_mark_state view_row_marks(const struct view *v, size_t row);

/* Space: toggle the dump under the cursor (a group: all its dumps) and move down. */
void view_toggle_mark(struct view *v);
/* Mark every dump reachable from the visible rows (in an open group: the whole group). */
void view_mark_visible(struct view *v);
void view_unmark_all(struct view *v);
bool view_is_marked(const struct view *v, const struct dump *d);
/* Marked dumps that are present now, and their on-disk bytes. */
size_t view_marked_count(const struct view *v);
uint64_t view_marked_bytes(const struct view *v);

const char *view_mode_name(enum view_mode m);
const char *view_sort_name(enum view_sort s);
/* The group key of a dump in a mode: "program, signal, cause", program, signal name,
 * directory, kind or host; built in buf when needed.  Exact: a directory's key is its whole
 * path, however long. */
const char *view_group_key(enum view_mode m, const struct dump *d, struct sbuf *buf);
/* The hash that groups keys (FNV-1a, 64 bits); equal keys are compared on a hit. */
uint64_t view_key_hash(const char *key);

#endif
