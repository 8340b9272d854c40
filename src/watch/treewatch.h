/* SPDX-License-Identifier: GPL-2.0-or-later */
/* treewatch: inotify over whole directory trees.
 *
 * Every directory below a root gets a watch for IN_CLOSE_WRITE, IN_MOVED_TO, IN_MOVED_FROM,
 * IN_CREATE and IN_DELETE.  Directories are reached with safeopen (no symbolic link in any
 * component) and watched through /proc/self/fd, so a link swapped in on the way is never
 * followed; links, FIFOs and devices are reported by name only, never opened.  When the
 * kernel's limit (fs.inotify.max_user_watches) is reached, the directories that could not
 * be watched are kept in a list: the caller rescans them, and treewatch_retry watches them
 * once room frees.  IN_Q_OVERFLOW (events were lost) is passed on: the caller rescans. */
#ifndef COREDU_TREEWATCH_H
#define COREDU_TREEWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tw_event {
	TW_CLOSED,     /* a file written and closed (IN_CLOSE_WRITE) */
	TW_CREATED,    /* a file created, maybe still being written (IN_CREATE) */
	TW_MOVED_IN,   /* a file renamed into a watched directory (IN_MOVED_TO) */
	TW_GONE,       /* a file deleted (IN_DELETE) */
	TW_MOVED_OUT,  /* a file renamed away (IN_MOVED_FROM): maybe to another watched name */
	TW_DIR_NEW,    /* a directory created or moved in: now watched, its contents unknown */
	TW_DIR_GONE,   /* a directory deleted or moved away, with everything below it */
	TW_OVERFLOW,   /* the kernel's queue overflowed: events were lost */
};

struct treewatch_event {
	enum tw_event type;
	const char *path; /* absolute; NULL for TW_OVERFLOW */
};

struct treewatch;

/* NULL with errno when inotify is not available. */
struct treewatch *treewatch_new(bool one_file_system);
void treewatch_free(struct treewatch *tw);
/* The descriptor to poll for events. */
int treewatch_fd(const struct treewatch *tw);
/* Watch the directory `path` (canonical, absolute) and every directory below it.  Returns
 * the number of directories that could not be watched because of the limit (they are in
 * the unwatched list), or -1 with errno when `path` itself cannot be opened. */
long treewatch_add_tree(struct treewatch *tw, const char *path);
/* Read what the kernel queued and pass each event on; returns how many.  Never blocks. */
size_t treewatch_read(struct treewatch *tw, void (*cb)(void *ctx, const struct treewatch_event *e),
		      void *ctx);
/* Directories waiting for a watch (the limit was reached), for the caller to rescan. */
size_t treewatch_unwatched(const struct treewatch *tw, const char *const **paths);
/* Try to watch them again; returns how many still could not be. */
size_t treewatch_retry(struct treewatch *tw);
/* Whether the limit was ever hit, and the number of watches held. */
bool treewatch_limited(const struct treewatch *tw);
size_t treewatch_count(const struct treewatch *tw);

#endif
