/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "watch/treewatch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/idset.h"
#include "base/util.h"
#include "scan/safeopen.h"

#define MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | \
	      IN_ONLYDIR | IN_EXCL_UNLINK)

struct tw_entry {
	int wd;
	char *path;
};

struct treewatch {
	int fd;
	bool xdev;
	bool limited;
	struct tw_entry *e;
	size_t n, cap;
	struct idset bywd;       /* (wd, 0) -> index in e */
	char **unwatched;
	size_t nun, capun;
	struct sbuf path;
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
};

struct treewatch *treewatch_new(bool one_file_system)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct treewatch *tw = xcalloc(1, sizeof(*tw));
	tw->fd = fd;
	tw->xdev = one_file_system;
	idset_init(&tw->bywd);
	sbuf_init(&tw->path);
	return tw;
}

void treewatch_free(struct treewatch *tw)
{
	if (!tw)
		return;
	close(tw->fd);
	for (size_t i = 0; i < tw->n; i++)
		free(tw->e[i].path);
	for (size_t i = 0; i < tw->nun; i++)
		free(tw->unwatched[i]);
	free(tw->e);
	free(tw->unwatched);
	idset_free(&tw->bywd);
	sbuf_free(&tw->path);
	free(tw);
}

int treewatch_fd(const struct treewatch *tw)
{
	return tw->fd;
}

bool treewatch_limited(const struct treewatch *tw)
{
	return tw->limited;
}

size_t treewatch_count(const struct treewatch *tw)
{
	return tw->n;
}

size_t treewatch_unwatched(const struct treewatch *tw, const char *const **paths)
{
	*paths = (const char *const *)tw->unwatched;
	return tw->nun;
}

/* ---- the table of watches --------------------------------------------------------------- */

static void entry_put(struct treewatch *tw, int wd, const char *path)
{
	uint64_t *at = idset_find(&tw->bywd, (uint64_t)wd, 0);
	if (at) { /* the same directory reached again (a rename, a rescan): its new name */
		free(tw->e[*at].path);
		tw->e[*at].path = xstrdup(path);
		return;
	}
	tw->e = xgrow(tw->e, &tw->cap, tw->n + 1, sizeof(*tw->e));
	tw->e[tw->n] = (struct tw_entry){wd, xstrdup(path)};
	idset_add(&tw->bywd, (uint64_t)wd, 0, tw->n++);
}

static void entry_remove(struct treewatch *tw, size_t i)
{
	idset_remove(&tw->bywd, (uint64_t)tw->e[i].wd, 0);
	free(tw->e[i].path);
	if (i != --tw->n) { /* the last entry fills the hole */
		tw->e[i] = tw->e[tw->n];
		idset_put(&tw->bywd, (uint64_t)tw->e[i].wd, 0, i);
	}
}

static bool below(const char *path, const char *prefix, size_t plen)
{
	return strncmp(path, prefix, plen) == 0 && (path[plen] == '\0' || path[plen] == '/');
}

/* A directory went away, or moved: stop watching everything below it. */
static void remove_subtree(struct treewatch *tw, const char *prefix)
{
	size_t plen = strlen(prefix);
	for (size_t i = tw->n; i-- > 0;) {
		if (below(tw->e[i].path, prefix, plen)) {
			inotify_rm_watch(tw->fd, tw->e[i].wd);
			entry_remove(tw, i);
		}
	}
	for (size_t i = tw->nun; i-- > 0;) {
		if (below(tw->unwatched[i], prefix, plen)) {
			free(tw->unwatched[i]);
			tw->unwatched[i] = tw->unwatched[--tw->nun];
		}
	}
}

static void note_unwatched(struct treewatch *tw, const char *path)
{
	for (size_t i = 0; i < tw->nun; i++)
		if (strcmp(tw->unwatched[i], path) == 0)
			return;
	tw->unwatched = xgrow(tw->unwatched, &tw->capun, tw->nun + 1, sizeof(*tw->unwatched));
	tw->unwatched[tw->nun++] = xstrdup(path);
}

/* ---- adding ----------------------------------------------------------------------------- */

/* A watch on the open directory fd: through /proc/self/fd, so the kernel resolves nothing
 * by name; by its path (with IN_DONT_FOLLOW) where /proc is not mounted. */
static int add_watch(struct treewatch *tw, int fd, const char *path)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	int wd = inotify_add_watch(tw->fd, proc, MASK);
	if (wd < 0 && errno == ENOENT && access("/proc/self/fd", F_OK) != 0)
		wd = inotify_add_watch(tw->fd, path, MASK | IN_DONT_FOLLOW);
	return wd;
}

/* The subdirectories of the open directory fd onto the stack (fd is closed). */
static void push_children(int fd, const char *path, char ***stack, size_t *n, size_t *cap)
{
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		struct stat st;
		bool is_dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN)
			is_dir = fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				 S_ISDIR(st.st_mode);
		if (!is_dir)
			continue;
		*stack = xgrow(*stack, cap, *n + 1, sizeof(**stack));
		(*stack)[(*n)++] = xasprintf("%s%s%s", path, path[1] ? "/" : "", de->d_name);
	}
	closedir(dir);
}

/* Open a directory of the walk without a link anywhere in its path; -1 to skip it. */
static int open_dir(const struct treewatch *tw, const char *path, bool is_root, dev_t *root_dev)
{
	int fd = safeopen_abs(path, O_RDONLY | O_DIRECTORY);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || (!is_root && tw->xdev && st.st_dev != *root_dev)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	if (is_root)
		*root_dev = st.st_dev;
	return fd;
}

long treewatch_add_tree(struct treewatch *tw, const char *root)
{
	char **stack = xmalloc(sizeof(*stack));
	size_t n = 0, cap = 1;
	long limited = 0;
	dev_t root_dev = 0;
	int fd = open_dir(tw, root, true, &root_dev);
	if (fd < 0) {
		free(stack);
		return -1;
	}
	close(fd);
	stack[n++] = xstrdup(root);
	while (n > 0) {
		char *path = stack[--n];
		fd = open_dir(tw, path, false, &root_dev);
		int wd = fd >= 0 ? add_watch(tw, fd, path) : -1;
		if (fd >= 0 && wd < 0 && errno == ENOSPC) { /* the limit: rescanned instead */
			tw->limited = true;
			note_unwatched(tw, path);
			limited++;
			close(fd);
		} else if (fd >= 0) { /* a directory that vanished or refused a watch is skipped */
			if (wd >= 0)
				entry_put(tw, wd, path);
			push_children(fd, path, &stack, &n, &cap);
		}
		free(path);
	}
	free(stack);
	return limited;
}

size_t treewatch_retry(struct treewatch *tw)
{
	size_t n = tw->nun;
	char **paths = tw->unwatched;
	tw->unwatched = NULL;
	tw->nun = tw->capun = 0;
	for (size_t i = 0; i < n; i++) {
		treewatch_add_tree(tw, paths[i]);
		free(paths[i]);
	}
	free(paths);
	return tw->nun;
}

/* ---- events ----------------------------------------------------------------------------- */

static void dispatch(struct treewatch *tw, const struct inotify_event *ev,
		     void (*cb)(void *ctx, const struct treewatch_event *e), void *ctx)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		struct treewatch_event e = {TW_OVERFLOW, NULL};
		cb(ctx, &e);
		return;
	}
	uint64_t *at = idset_find(&tw->bywd, (uint64_t)ev->wd, 0);
	if (!at)
		return; /* a watch removed a moment ago */
	if (ev->mask & IN_IGNORED) {
		entry_remove(tw, (size_t)*at);
		return;
	}
	if (!ev->len)
		return;
	const char *dir = tw->e[*at].path;
	sbuf_reset(&tw->path);
	sbuf_printf(&tw->path, "%s%s%s", dir, dir[1] ? "/" : "", ev->name);
	char *path = xstrdup(tw->path.s); /* add_tree below may move the table */
	struct treewatch_event e = {TW_CLOSED, path};
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
			treewatch_add_tree(tw, path);
			e.type = TW_DIR_NEW;
		} else {
			remove_subtree(tw, path);
			e.type = TW_DIR_GONE;
		}
	} else {
		e.type = ev->mask & IN_CLOSE_WRITE ? TW_CLOSED : ev->mask & IN_CREATE ? TW_CREATED
			 : ev->mask & IN_MOVED_TO ? TW_MOVED_IN : ev->mask & IN_DELETE ? TW_GONE
							       : TW_MOVED_OUT;
	}
	cb(ctx, &e);
	free(path);
}

size_t treewatch_read(struct treewatch *tw, void (*cb)(void *ctx, const struct treewatch_event *e),
		      void *ctx)
{
	size_t count = 0;
	for (;;) {
		ssize_t len = read(tw->fd, tw->buf, sizeof(tw->buf));
		if (len <= 0)
			return count;
		for (char *p = tw->buf; p < tw->buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			dispatch(tw, ev, cb, ctx);
			count++;
			p += sizeof(*ev) + ev->len;
		}
	}
}
