/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "delete/delete.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "base/idset.h"
#include "base/procfs.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "delete/zst.h"
#include "kinds/kinds.h"
#include "scan/safeopen.h"
#include "scan/scan.h"

#define RECENT_SECONDS 60

/* ---- the plan -------------------------------------------------------------------------- */

static void flag_held(struct delete_item *it, const char *why)
{
	if (it->held_open)
		return;
	it->held_open = true;
	snprintf(it->held_by, sizeof(it->held_by), "%.*s", /* esc: find_holders escapes */
		 (int)sizeof(it->held_by) - 1, why);
}

static bool same_dir(const char *path, const char *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	return strlen(dir) == (n ? n : 1) && strncmp(path, dir, n ? n : 1) == 0;
}

/* Best effort: processes (readable to us) with one of the dumps open, and processes in the
 * middle of dumping core into one of their directories. */
static void find_holders(struct delete_plan *p, const char *proc)
{
	struct idset items; /* (dev, inode) -> the item */
	idset_init(&items);
	for (size_t i = 0; i < p->n; i++)
		idset_add(&items, p->items[i].d->dev, p->items[i].d->ino, i);

	long *pids;
	size_t npids = procfs_pids(proc, &pids);
	char buf[4096], who[112], comm[17];
	struct sbuf path, esc;
	sbuf_init(&path);
	sbuf_init(&esc);
	long self = (long)getpid();
	for (size_t pi = 0; pi < npids; pi++) {
		long pid = pids[pi];
		if (pid == self)
			continue;
		procfs_comm(proc, pid, comm);
		/* held_by goes into reasons and reports as it is: escaped here, once */
		snprintf(who, sizeof(who), "pid %ld (%.64s)", pid, sanitize_str(&esc, comm, SAN_ASCII));

		long dumping = 0;
		if (procfs_read_pid(proc, pid, "status", buf, sizeof(buf)) > 0 &&
		    procfs_status_field(buf, "CoreDumping", &dumping) == 0 && dumping == 1) {
			char cwd[4096], msg[128];
			if (procfs_readlink_pid(proc, pid, "cwd", cwd, sizeof(cwd)) < 0)
				cwd[0] = '\0';
			snprintf(msg, sizeof(msg), "%.96s is writing a core dump", who);
			for (size_t i = 0; i < p->n; i++) {
				const struct dump *d = p->items[i].d;
				if (d->core.pid == pid || (cwd[0] && same_dir(d->path, cwd)))
					flag_held(&p->items[i], msg);
			}
		}

		procfs_pid_path(&path, proc, pid, "fd");
		int fdd = open(path.s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *fds = fdd >= 0 ? fdopendir(fdd) : NULL;
		if (!fds) {
			if (fdd >= 0)
				close(fdd);
			continue; /* another user's process: not ours to see */
		}
		struct dirent *f;
		while ((f = readdir(fds))) {
			struct stat st;
			if (f->d_name[0] == '.' || fstatat(dirfd(fds), f->d_name, &st, 0) != 0 ||
			    !S_ISREG(st.st_mode))
				continue;
			const uint64_t *hit = idset_find(&items, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
			if (hit)
				flag_held(&p->items[*hit], who);
		}
		closedir(fds);
	}
	sbuf_free(&path);
	sbuf_free(&esc);
	free(pids);
	idset_free(&items);
}

void delete_plan_init(struct delete_plan *p, const struct dump *const *dumps, size_t n,
		   const char *proc, int64_t now)
{
	memset(p, 0, sizeof(*p));
	p->items = xcalloc(n ? n : 1, sizeof(*p->items));
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		struct delete_item *it = &p->items[i];
		it->d = dumps[i];
		it->recent = dumps[i]->mtime > now - RECENT_SECONDS;
		p->disk = sat_add_u64(p->disk, dumps[i]->size_disk);
		p->apparent = sat_add_u64(p->apparent, dumps[i]->size_apparent);
		p->hardlinked += delete_hardlinked(dumps[i]);
	}
	find_holders(p, proc ? proc : "/proc");
	for (size_t i = 0; i < n; i++) {
		p->held_open += p->items[i].held_open;
		p->recent += p->items[i].recent;
	}
}

void delete_plan_free(struct delete_plan *p)
{
	free(p->items);
	memset(p, 0, sizeof(*p));
}

const char *delete_status_name(enum delete_status s)
{
	static const char *const names[] = {"pending", "deleted", "refused", "failed", "skipped"};
	return names[s];
}

/* ---- one dump ---------------------------------------------------------------------------- */

/* Reasons are printed as they are, in reports, on terminals and in the journal: a name in
 * one is escaped (ASCII, so that --ascii output is clean too), through this only.
 * tests/hygiene.sh checks that no formatted reason takes a raw name. */
static const char *esc(struct sbuf *tmp, const char *name)
{
	return sanitize_str(tmp, name, SAN_ASCII);
}

static void set_reason(struct delete_item *it, enum delete_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_reason(struct delete_item *it, enum delete_status s, const char *fmt, ...)
{
	va_list ap;
	it->status = s;
	va_start(ap, fmt);
	vsnprintf(it->reason, sizeof(it->reason), fmt, ap);
	va_end(ap);
}

/* Whether a component of rel (below dirfd) is a symbolic link: to say why an open failed. */
static bool has_symlink(int dirfd, const char *rel)
{
	char *p = xstrdup(rel);
	bool link = false;
	for (char *c = p; !link; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char save = *c;
		*c = '\0';
		struct stat st;
		link = fstatat(dirfd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
		*c = save;
		if (!save)
			break;
	}
	free(p);
	return link;
}

/* The file's directory, reached from its scan root with no symbolic link on the way, and
 * its name there.  Returns a directory descriptor or -1 with the reason set. */
static int open_parent(const struct delete_opts *o, struct delete_item *it, char *name,
		       size_t namelen)
{
	const struct dump *d = it->d;
	if (!o->scan || d->root >= scan_root_count(o->scan)) {
		set_reason(it, DELETE_REFUSED, "not under a scanned root");
		return -1;
	}
	const struct scan_root *r = scan_get_root(o->scan, d->root);
	size_t rl = strlen(r->path);
	struct sbuf tmp;
	sbuf_init(&tmp);
	if (strncmp(d->path, r->path, rl) != 0 || (d->path[rl] && d->path[rl] != '/' && rl > 1)) {
		set_reason(it, DELETE_REFUSED, "not under its scanned root %s", esc(&tmp, r->path));
		sbuf_free(&tmp);
		return -1;
	}
	char *rel;
	int base;
	if (r->is_dir) {
		base = safeopen_abs(r->path, O_RDONLY | O_DIRECTORY);
		/* A root through /proc/PID/root (another container's) passes that link, as the walk
		 * did; the identity check below is what holds. */
		if (base < 0 && errno == ELOOP)
			base = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (base >= 0 && (fstat(base, &st) != 0 || (uint64_t)st.st_dev != r->dev ||
				  (uint64_t)st.st_ino != r->ino)) {
			close(base);
			set_reason(it, DELETE_REFUSED, "the scanned root %s was replaced", esc(&tmp, r->path));
			sbuf_free(&tmp);
			return -1;
		}
		rel = xstrdup(d->path + d->rel);
	} else { /* a file operand: its directory is where it is */
		const char *slash = strrchr(r->path, '/');
		char *dir = xstrndup(r->path, slash && slash != r->path ? (size_t)(slash - r->path) : 1);
		base = safeopen_abs(dir, O_RDONLY | O_DIRECTORY);
		free(dir);
		rel = xstrdup(slash ? slash + 1 : r->path);
	}
	if (base < 0) {
		int err = errno;
		set_reason(it, DELETE_REFUSED, "cannot reach %s: %s", esc(&tmp, r->path), strerror(err));
		sbuf_free(&tmp);
		return -1;
	}
	sbuf_free(&tmp);
	if (!*rel) {
		free(rel);
		close(base);
		set_reason(it, DELETE_REFUSED, "%s", it->d->kind == DUMP_ABRT
				   ? "it is a scanned directory itself: scan its parent to delete it"
				   : "not a file below its root");
		return -1;
	}
	char *slash = strrchr(rel, '/');
	int dir = base;
	if (slash) {
		*slash = '\0';
		dir = safeopen_beneath(base, rel, O_RDONLY | O_DIRECTORY);
		int err = errno;
		bool link = dir < 0 && (err == ELOOP || err == ENOTDIR) && has_symlink(base, rel);
		close(base);
		if (dir < 0) {
			free(rel);
			if (err == ELOOP || link)
				set_reason(it, DELETE_REFUSED, "a directory on its path is now a symbolic link");
			else if (err == ENOENT || err == ENOTDIR)
				set_reason(it, DELETE_REFUSED, "its directory is gone or was replaced");
			else
				set_reason(it, DELETE_FAILED, "cannot open its directory: %s", strerror(err));
			return -1;
		}
	}
	snprintf(name, namelen, "%s", slash ? slash + 1 : rel);
	free(rel);
	return dir;
}

/* The name must still be the regular file the scan saw, with the bytes it read. */
static bool still_the_same(struct delete_item *it, int dir, const char *name, struct stat *st)
{
	const struct dump *d = it->d;
	if (fstatat(dir, name, st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			set_reason(it, DELETE_REFUSED, "it is gone");
		else
			set_reason(it, DELETE_FAILED, "cannot stat it: %s", strerror(errno));
		return false;
	}
	if (S_ISLNK(st->st_mode)) {
		set_reason(it, DELETE_REFUSED, "it was replaced by a symbolic link");
		return false;
	}
	if (!S_ISREG(st->st_mode)) {
		set_reason(it, DELETE_REFUSED, "it is no longer a regular file");
		return false;
	}
	if ((uint64_t)st->st_dev != d->dev || (uint64_t)st->st_ino != d->ino) {
		set_reason(it, DELETE_REFUSED, "it was replaced by another file (new inode)");
		return false;
	}
	if ((uint64_t)st->st_size != d->size_apparent) {
		set_reason(it, DELETE_REFUSED, "its size changed since the scan (%" PRIu64 " -> %" PRIu64
			   " bytes)", d->size_apparent, (uint64_t)st->st_size);
		return false;
	}
	if (st->st_mtim.tv_sec != d->mtime || st->st_mtim.tv_nsec != d->mtime_nsec) {
		set_reason(it, DELETE_REFUSED, "it was modified since the scan");
		return false;
	}
	return true;
}

static bool same_bytes(struct delete_item *it, int fd)
{
	unsigned char head[DUMP_HEAD_LEN];
	ssize_t k = pread(fd, head, it->d->head_len, 0);
	if (k != it->d->head_len || memcmp(head, it->d->head, it->d->head_len) != 0) {
		set_reason(it, DELETE_REFUSED, "its first bytes are no longer the dump's");
		return false;
	}
	return true;
}

/* A journal value, sanitised and quoted for a shell where it needs it: a line pasted into a
 * shell must not run a name's `$(...)`, backquotes or `;`.  Reasons are escaped already. */
static void journal_value(struct sbuf *out, const char *v, bool escaped)
{
	struct sbuf t;
	sbuf_init(&t);
	if (escaped)
		sbuf_adds(&t, v);
	else
		sanitize_appends(&t, v, 0);
	if (t.len && strspn(t.s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				 "_./:@%+,=-") == t.len) {
		sbuf_adds(out, t.s);
	} else {
		sbuf_addc(out, '\'');
		for (const char *c = t.s; *c; c++)
			sbuf_adds(out, *c == '\'' ? "'\\''" : (char[]){*c, 0});
		sbuf_addc(out, '\'');
	}
	sbuf_free(&t);
}

static void journal(const struct delete_opts *o, const struct delete_item *it, const char *action)
{
	if (!o->journal)
		return;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct sbuf line;
	sbuf_init(&line);
	sbuf_printf(&line, "%s\t%s\tdisk=%" PRIu64 "\tsize=%" PRIu64 "\tfreed=%" PRIu64
		    "\tpid=%" PRId64 "\tcommand=", when, action, it->d->size_disk, it->d->size_apparent,
		    it->freed, it->d->core.pid);
	journal_value(&line, dump_command(it->d), false);
	sbuf_adds(&line, "\tpath=");
	journal_value(&line, it->d->path, false);
	if (it->reason[0]) {
		sbuf_adds(&line, "\treason=");
		journal_value(&line, it->reason, true);
	}
	fprintf(o->journal, "%s\n", line.s);
	fflush(o->journal);
	sbuf_free(&line);
}

FILE *delete_journal_open(const char *path)
{
	/* Never through a link (a planted one would make root append anywhere), never a FIFO or
	 * a device: a regular file, created 0600 if missing. */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
				    O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	FILE *f = fdopen(fd, "a");
	if (!f)
		close(fd);
	return f;
}

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

/* A container's root: a file of the image's lower layer is copied up whole by a rename,
 * and an unlink only hides it behind a whiteout. */
static bool on_overlayfs(int dir)
{
	struct statfs sf;
	return fstatfs(dir, &sf) == 0 && (unsigned long)sf.f_type == OVERLAYFS_SUPER_MAGIC;
}

/* Rename to a private name, check that what moved is what was checked, unlink.  On overlayfs
 * the rename is left out: it would copy a lower-layer core up in full (and fail with ENOSPC
 * where rm works); the checks just made must do, as where RENAME_NOREPLACE is missing. */
static void remove_checked(struct delete_item *it, int dir, const char *name, const struct stat *st)
{
	char tmp[96];
	static unsigned counter;
	snprintf(tmp, sizeof(tmp), ".coredu-delete-%d-%u", (int)getpid(), __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
	const char *victim = name;
	bool overlay = on_overlayfs(dir);
	if (overlay) {
		/* unlink the checked name below */
	} else if (renameat2(dir, name, dir, tmp, RENAME_NOREPLACE) == 0) {
		struct stat moved;
		if (fstatat(dir, tmp, &moved, AT_SYMLINK_NOFOLLOW) != 0 || moved.st_dev != st->st_dev ||
		    moved.st_ino != st->st_ino || !S_ISREG(moved.st_mode)) {
			bool back = renameat2(dir, tmp, dir, name, RENAME_NOREPLACE) == 0;
			set_reason(it, DELETE_REFUSED, "it changed during the deletion%s",
				   back ? "" : " (left as a hidden file beside it)");
			return;
		}
		victim = tmp;
	} else if (errno != EINVAL && errno != ENOSYS) {
		/* EINVAL/ENOSYS: no RENAME_NOREPLACE here; the checks just made must do. */
		set_reason(it, errno == ENOENT ? DELETE_REFUSED : DELETE_FAILED, "cannot delete it: %s",
			   strerror(errno));
		return;
	}
	if (unlinkat(dir, victim, 0) != 0) { /* never AT_REMOVEDIR */
		int err = errno;
		if (victim != name)
			renameat2(dir, tmp, dir, name, RENAME_NOREPLACE);
		set_reason(it, DELETE_FAILED, "cannot delete it: %s", strerror(err));
		return;
	}
	it->other_links = st->st_nlink > 1;
	it->freed = it->other_links || overlay ? 0 : (uint64_t)st->st_blocks * 512;
	it->status = DELETE_DONE;
	if (it->other_links)
		snprintf(it->reason, sizeof(it->reason), "other hard links remain: nothing freed");
	else if (overlay)
		snprintf(it->reason, sizeof(it->reason), "on overlayfs: frees space only if it was in the "
			 "writable upper layer; one from the image's lower layer is only hidden");
	else if (it->held_open)
		snprintf(it->reason, sizeof(it->reason), "held open by %s: freed once closed", it->held_by);
}

/* The directory `name` in parent must still be the problem directory the scan saw: the
 * same inode, holding the same regular files (names, inodes, sizes, times). */
static int same_problem_dir(struct delete_item *it, int parent, const char *name)
{
	const struct dump *d = it->d;
	struct stat st;
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		set_reason(it, errno == ENOENT ? DELETE_REFUSED : DELETE_FAILED, "%s",
			   errno == ENOENT ? "it is gone" : strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		set_reason(it, DELETE_REFUSED, "it is no longer a directory");
		return -1;
	}
	if ((uint64_t)st.st_dev != d->dev || (uint64_t)st.st_ino != d->ino) {
		set_reason(it, DELETE_REFUSED, "it was replaced by another directory (new inode)");
		return -1;
	}
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat fst;
	if (fd < 0 || fstat(fd, &fst) != 0 || fst.st_ino != st.st_ino || fst.st_dev != st.st_dev) {
		set_reason(it, DELETE_REFUSED, "it changed while being checked");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	uint32_t files;
	uint64_t apparent, disk;
	uint64_t digest = abrt_digest(fd, &files, &apparent, &disk);
	if (!digest || digest != d->meta.dir_digest) {
		set_reason(it, DELETE_REFUSED, "%s", !digest ? "it holds more than regular files"
							  : "its files changed since the scan");
		close(fd);
		return -1;
	}
	return fd;
}

/* An ABRT problem directory: checked, renamed to a private name, checked again, its files
 * removed, then the directory. */
static void remove_problem_dir(struct delete_item *it, int parent, const char *name)
{
	int fd = same_problem_dir(it, parent, name);
	if (fd < 0)
		return;
	char tmp[96];
	static unsigned counter;
	snprintf(tmp, sizeof(tmp), ".coredu-delete-%d-d%u", (int)getpid(),
		 __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
	if (renameat2(parent, name, parent, tmp, RENAME_NOREPLACE) != 0) {
		set_reason(it, DELETE_FAILED, "cannot delete it: %s", strerror(errno));
		close(fd);
		return;
	}
	int again = same_problem_dir(it, parent, tmp);
	if (again < 0) {
		bool back = renameat2(parent, tmp, parent, name, RENAME_NOREPLACE) == 0;
		if (!back)
			snprintf(it->reason + strlen(it->reason), sizeof(it->reason) - strlen(it->reason),
				 " (left as %s beside it)", tmp); /* esc: our own name, digits */
		close(fd);
		return;
	}
	close(again);
	uint64_t freed = 0;
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		struct stat st;
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue; /* checked just now: nothing else was there */
		if (unlinkat(fd, e->d_name, 0) == 0 && st.st_nlink == 1)
			freed += (uint64_t)st.st_blocks * 512;
	}
	if (dir)
		closedir(dir);
	else
		close(fd);
	struct stat dst;
	bool have = fstatat(parent, tmp, &dst, AT_SYMLINK_NOFOLLOW) == 0;
	if (unlinkat(parent, tmp, AT_REMOVEDIR) != 0) {
		int err = errno;
		bool back = renameat2(parent, tmp, parent, name, RENAME_NOREPLACE) == 0;
		set_reason(it, DELETE_FAILED, "its files were removed but not the directory: %s%s",
			   strerror(err), back ? "" : " (left under a hidden name)");
		it->freed = freed;
		return;
	}
	it->freed = freed + (have ? (uint64_t)dst.st_blocks * 512 : 0);
	it->status = DELETE_DONE;
}

/* Compress the checked dump open as fd to NAME.zst; false (the reason set) if it stays. */
static bool compress_checked(const struct delete_opts *o, struct delete_item *it, int dir,
			     const char *name, int fd, struct stat *st)
{
	struct zst_result zr;
	char err[200];
	struct zst_stop stop = {o->cancel, o->poll_stop, o->ctx};
	if (zst_compress_beside(dir, name, fd, st, &stop, &zr, err, sizeof(err)) != 0) {
		if (zr.cancelled)
			set_reason(it, DELETE_SKIPPED, "stopped while it was compressed: left as it was");
		else if (zr.pointless)
			set_reason(it, DELETE_SKIPPED, "not compressed: %s", err); /* esc: zst's words */
		else
			set_reason(it, DELETE_FAILED, "not compressed: %s", err); /* esc: zst's words */
		return false;
	}
	it->compressed_disk = zr.disk;
	/* The original may have changed while it was compressed: check again. */
	if (!still_the_same(it, dir, name, st)) {
		struct sbuf tmp;
		sbuf_init(&tmp);
		snprintf(it->reason + strlen(it->reason), sizeof(it->reason) - strlen(it->reason),
			 "; the compressed copy %s.zst was kept", esc(&tmp, name));
		sbuf_free(&tmp);
		return false;
	}
	return true;
}

/* What a compression freed: the original's blocks less the copy's, never less than 0. */
static void account_compressed(struct delete_item *it)
{
	if (it->status != DELETE_DONE || it->other_links)
		return;
	if (it->freed >= it->compressed_disk) {
		it->freed -= it->compressed_disk;
		return;
	}
	it->freed = 0;
	snprintf(it->reason, sizeof(it->reason),
		 "the compressed copy takes more space on disk than the dump did: nothing freed");
}

void delete_one(const struct delete_opts *o, struct delete_item *it)
{
	char name[4096];
	struct stat st;
	it->reason[0] = '\0';
	if (o->compress && it->d->compression != COMP_NONE) {
		/* a .zst.zst is no dump to anyone: not coredu, not coredumpctl, not retention */
		set_reason(it, DELETE_SKIPPED, "already compressed (%s): left as it is",
			   decomp_name(it->d->compression));
		goto out;
	}
	int dir = open_parent(o, it, name, sizeof(name));
	if (dir < 0)
		goto out;
	if (it->d->kind == DUMP_ABRT) {
		if (o->compress)
			set_reason(it, DELETE_REFUSED, "an ABRT problem directory is deleted whole, not compressed");
		else
			remove_problem_dir(it, dir, name);
		goto close_dir;
	}
	if (!still_the_same(it, dir, name, &st))
		goto close_dir;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat fst;
	if (fd < 0 || fstat(fd, &fst) != 0 || fst.st_ino != st.st_ino || fst.st_dev != st.st_dev) {
		set_reason(it, DELETE_REFUSED, fd < 0 ? "cannot open it to check its content"
						   : "it changed while being checked");
		if (fd >= 0)
			close(fd);
		goto close_dir;
	}
	bool go = same_bytes(it, fd) && (!o->compress || compress_checked(o, it, dir, name, fd, &st));
	close(fd);
	if (!go)
		goto close_dir;
	remove_checked(it, dir, name, &st);
	if (o->compress)
		account_compressed(it);
close_dir:
	close(dir);
out:
	journal(o, it, it->status == DELETE_DONE ? (o->compress ? "compressed" : "deleted")
					      : delete_status_name(it->status));
}

/* ---- the run ------------------------------------------------------------------------------ */

static bool fs_avail(const char *path, uint64_t *avail, uint64_t *dev)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	struct statvfs sv;
	struct stat st;
	bool ok = statvfs(dir, &sv) == 0 && stat(dir, &st) == 0;
	if (ok) {
		*avail = (uint64_t)sv.f_bavail * sv.f_frsize;
		*dev = (uint64_t)st.st_dev;
	}
	free(dir);
	return ok;
}

void delete_begin(struct delete_plan *p)
{
	if (p->n)
		p->fs.ok = fs_avail(p->items[0].d->path, &p->fs.avail_before, &p->fs.dev);
}

void delete_step(struct delete_plan *p, const struct delete_opts *o, size_t i)
{
	struct delete_item *it = &p->items[i];
	if (it->status != DELETE_PENDING)
		return;
	if ((o->stop && *o->stop) || (o->cancel && *o->cancel)) {
		set_reason(it, DELETE_SKIPPED, "stopped before it was reached");
		return;
	}
	if (o->skip_flagged && (it->held_open || it->recent)) {
		set_reason(it, DELETE_SKIPPED, "%s: not confirmed",
			   it->held_open ? "held open" : "modified in the last minute");
		journal(o, it, "skipped");
		return;
	}
	if (o->skip_held && it->held_open) {
		set_reason(it, DELETE_SKIPPED, "held open by %s: --force-open would %s it anyway",
			   it->held_by, o->compress ? "compress" : "delete");
		journal(o, it, "skipped");
		return;
	}
	delete_one(o, it);
	if (o->progress)
		o->progress(o->ctx, p, i);
}

void delete_finish(struct delete_plan *p)
{
	uint64_t dev;
	if (p->fs.ok)
		p->fs.ok = fs_avail(p->items[0].d->path, &p->fs.avail_after, &dev);
	p->done = p->refused = p->failed = p->skipped = 0;
	p->freed = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct delete_item *it = &p->items[i];
		p->done += it->status == DELETE_DONE;
		p->refused += it->status == DELETE_REFUSED;
		p->failed += it->status == DELETE_FAILED;
		p->skipped += it->status == DELETE_SKIPPED || it->status == DELETE_PENDING;
		if (it->status == DELETE_DONE)
			p->freed = sat_add_u64(p->freed, it->freed);
	}
}

void delete_run(struct delete_plan *p, const struct delete_opts *o)
{
	delete_begin(p);
	for (size_t i = 0; i < p->n; i++)
		delete_step(p, o, i);
	delete_finish(p);
}
