#include "config.h"

#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "detect.h"
#include "reader.h"
#include "util.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
/* O_NONBLOCK: a FIFO swapped in after getdents cannot block us; O_NOCTTY: nor grab a tty. */
#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define DENTS_BUF (64 * 1024)
#define FLUSH_EVERY 4096 /* files between publications of a worker's counters */
#define MAX_THREADS 8

/* A directory that is queued, being read, or still needed by queued descendants. */
struct node {
	struct node *parent;
	struct node *open_prev, *open_next; /* list of nodes holding a descriptor */
	int fd;
	unsigned refs;     /* 1 while queued or being read, plus one per live child */
	unsigned unopened; /* children queued but not opened yet: they need our fd */
	unsigned pins;     /* workers using fd right now */
	bool reading;
	unsigned depth;
	uint32_t root;
	uint64_t dev, ino;
	char name[]; /* the canonical path for a root, a plain name otherwise */
};

struct hl_entry {
	uint64_t dev, ino;
};

struct scan {
	struct scan_opts opts;
	char **excludes;
	bool slash_excludes;
	struct scan_sink sink;
	struct scan_root *roots;
	size_t nroots, caproots;

	pthread_mutex_t lock; /* queue, nodes and descriptors */
	pthread_cond_t cond;
	struct node **stack;
	size_t nstack, capstack;
	unsigned active;
	struct node *open_head; /* nodes with fd >= 0 */
	unsigned nopen, fd_budget;

	pthread_mutex_t sink_lock;
	pthread_mutex_t hl_lock; /* hard-linked inodes already counted */
	struct hl_entry *hl;
	size_t hl_cap, hl_used;

	volatile sig_atomic_t cancelled;
	bool running;
	int noatime;
	struct timespec started;
	double seconds;
	_Atomic uint64_t files, dirs, bytes_apparent, bytes_disk, errors, dumps;
	struct node *current[MAX_THREADS]; /* what each worker reads, for progress */
};

struct worker {
	struct scan *s;
	unsigned id;
	struct scan_totals local;
	unsigned since_flush;
	unsigned char *dents;
	struct sbuf dirpath; /* path of the directory being read, built on demand */
	bool dirpath_ok;
	struct sbuf tmp;
};

/* ---- setup ---------------------------------------------------------------------------- */

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static unsigned fd_budget(void)
{
	struct rlimit rl;
	rlim_t soft = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		soft = rl.rlim_cur;
	rlim_t b = soft > 96 ? (soft - 64) / 2 : 16;
	return b > 1024 ? 1024 : (unsigned)b;
}

struct scan *scan_new(const struct scan_opts *opts, const struct scan_sink *sink)
{
	struct scan *s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->opts.threads = opts->threads ? opts->threads : default_threads();
	if (s->opts.threads > MAX_THREADS)
		s->opts.threads = MAX_THREADS;
	s->excludes = xcalloc(opts->nexcludes + 1, sizeof(char *));
	for (size_t i = 0; i < opts->nexcludes; i++) {
		s->excludes[i] = xstrdup(opts->excludes[i]);
		s->slash_excludes |= strchr(opts->excludes[i], '/') != NULL;
	}
	s->opts.excludes = (const char *const *)s->excludes;
	s->sink = *sink;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	pthread_mutex_init(&s->sink_lock, NULL);
	pthread_mutex_init(&s->hl_lock, NULL);
	s->fd_budget = fd_budget();
	/* Reading a dump must not change its atime: that is evidence too.  Only the owner or
	 * CAP_FOWNER may ask for O_NOATIME; root usually has it. */
	s->noatime = geteuid() == 0 ? O_NOATIME : 0;
	return s;
}

static bool is_kernfs(int fd)
{
	static const long magic[] = {
		PROC_SUPER_MAGIC, SYSFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC,
		DEBUGFS_MAGIC, TRACEFS_MAGIC, SECURITYFS_MAGIC, PSTOREFS_MAGIC, BPF_FS_MAGIC,
		BINFMTFS_MAGIC, DEVPTS_SUPER_MAGIC, SELINUX_MAGIC, SMACK_MAGIC, EFIVARFS_MAGIC,
		NSFS_MAGIC, 0x62656570 /* configfs */, 0x65735543 /* fusectl */,
	};
	struct statfs sf;
	if (fstatfs(fd, &sf) != 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(magic); i++)
		if ((long)sf.f_type == magic[i])
			return true;
	return false;
}

static char *display_form(const char *operand)
{
	size_t n = strlen(operand);
	while (n > 1 && operand[n - 1] == '/')
		n--;
	return xstrndup(operand, n);
}

int scan_add_root(struct scan *s, const char *operand, const char **why)
{
	*why = NULL;
	char *real = realpath(operand, NULL);
	if (!real) {
		*why = strerror(errno);
		return -1;
	}
	struct stat st;
	if (stat(real, &st) != 0) {
		*why = strerror(errno);
		free(real);
		return -1;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		*why = "not a directory or regular file";
		free(real);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		int fd = open(real, DIR_FLAGS);
		if (fd < 0) {
			*why = strerror(errno);
			free(real);
			return -1;
		}
		bool kern = is_kernfs(fd);
		close(fd);
		if (kern) {
			*why = "kernel pseudo-filesystem, not scanned";
			free(real);
			return -1;
		}
	}
	for (size_t i = 0; i < s->nroots; i++) {
		if (s->roots[i].dev == (uint64_t)st.st_dev && s->roots[i].ino == (uint64_t)st.st_ino) {
			free(real); /* the same tree twice: scan it once */
			return 0;
		}
	}
	s->roots = xgrow(s->roots, &s->caproots, s->nroots + 1, sizeof(*s->roots));
	s->roots[s->nroots++] = (struct scan_root){
		.path = real, .display = display_form(operand), .dev = (uint64_t)st.st_dev,
		.ino = (uint64_t)st.st_ino, .is_dir = S_ISDIR(st.st_mode),
	};
	return 0;
}

size_t scan_root_count(const struct scan *s) { return s->nroots; }
const struct scan_root *scan_get_root(const struct scan *s, size_t i) { return &s->roots[i]; }

/* A root inside another root would be counted twice; the outer walk covers it. */
static bool root_nested(const struct scan *s, size_t i)
{
	const char *p = s->roots[i].path;
	for (size_t k = 0; k < s->nroots; k++) {
		if (k == i || !s->roots[k].is_dir)
			continue;
		const char *q = s->roots[k].path;
		size_t n = strlen(q);
		if (strcmp(q, "/") == 0 ? p[1] != '\0' : strncmp(p, q, n) == 0 && p[n] == '/')
			return true;
	}
	return false;
}

/* ---- nodes and descriptors (s->lock held) ---------------------------------------------- */

static struct node *node_new(struct node *parent, const char *name, size_t len, uint32_t root)
{
	struct node *n = xmalloc(sizeof(*n) + len + 1);
	memset(n, 0, sizeof(*n));
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->parent = parent;
	n->fd = -1;
	n->refs = 1;
	n->root = root;
	n->depth = parent ? parent->depth + 1 : 0;
	return n;
}

static void open_list_add(struct scan *s, struct node *n, int fd)
{
	n->fd = fd;
	n->open_prev = NULL;
	n->open_next = s->open_head;
	if (s->open_head)
		s->open_head->open_prev = n;
	s->open_head = n;
	s->nopen++;
}

static void node_close_fd(struct scan *s, struct node *n)
{
	if (n->fd < 0)
		return;
	close(n->fd);
	n->fd = -1;
	if (n->open_prev)
		n->open_prev->open_next = n->open_next;
	else
		s->open_head = n->open_next;
	if (n->open_next)
		n->open_next->open_prev = n->open_prev;
	n->open_prev = n->open_next = NULL;
	s->nopen--;
}

/* Over budget, close the shallowest idle descriptor: DFS order reaches it last. */
static void enforce_fd_budget(struct scan *s)
{
	while (s->nopen > s->fd_budget) {
		struct node *victim = NULL;
		for (struct node *n = s->open_head; n; n = n->open_next)
			if (!n->reading && n->pins == 0 && (!victim || n->depth < victim->depth))
				victim = n;
		if (!victim)
			return;
		node_close_fd(s, victim);
	}
}

static void maybe_release_fd(struct scan *s, struct node *n)
{
	if (!n->reading && n->unopened == 0 && n->pins == 0)
		node_close_fd(s, n);
}

static void node_unref(struct scan *s, struct node *n)
{
	while (n && --n->refs == 0) {
		struct node *parent = n->parent;
		node_close_fd(s, n);
		free(n);
		n = parent;
	}
}

/* Give `n` a descriptor again after eviction: walk down from the nearest open ancestor,
 * one component at a time, never following a symlink, and insist on the same inode.
 * Intermediate descriptors are dropped as soon as the next level is open. */
static int reopen(struct scan *s, struct node *n)
{
	struct node **chain = NULL;
	size_t k = 0, cap = 0;
	int rc = 0;

	for (struct node *a = n; a && a->fd < 0; a = a->parent) {
		chain = xgrow(chain, &cap, k + 1, sizeof(*chain));
		chain[k++] = a;
	}
	while (k > 0) {
		struct node *c = chain[--k];
		int fd = c->parent ? openat(c->parent->fd, c->name, DIR_FLAGS) : open(c->name, DIR_FLAGS);
		struct stat st;
		if (fd >= 0 && (fstat(fd, &st) != 0 || (uint64_t)st.st_dev != c->dev ||
				(uint64_t)st.st_ino != c->ino)) {
			close(fd);
			fd = -1;
			errno = ESTALE;
		}
		if (fd < 0) {
			rc = -1;
			break;
		}
		open_list_add(s, c, fd);
		struct node *up = c->parent;
		if (up && s->nopen > s->fd_budget && !up->reading && up->pins == 0)
			node_close_fd(s, up);
	}
	free(chain);
	return rc;
}

static int pin_fd(struct scan *s, struct node *n)
{
	if (n->fd < 0 && reopen(s, n) != 0)
		return -1;
	n->pins++;
	enforce_fd_budget(s);
	return n->fd;
}

/* ---- counting and reporting (worker side) --------------------------------------------- */

static void flush_totals(struct worker *w)
{
	struct scan *s = w->s;
	atomic_fetch_add_explicit(&s->files, w->local.files, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->dirs, w->local.dirs, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->bytes_apparent, w->local.bytes_apparent, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->bytes_disk, w->local.bytes_disk, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->errors, w->local.errors, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->dumps, w->local.dumps, memory_order_relaxed);
	memset(&w->local, 0, sizeof(w->local));
	w->since_flush = 0;
}

/* True the first time an inode with several links is seen. */
static bool hl_first_sighting(struct scan *s, uint64_t dev, uint64_t ino)
{
	bool first = true;
	pthread_mutex_lock(&s->hl_lock);
	if (s->hl_used * 2 >= s->hl_cap) {
		size_t ncap = s->hl_cap ? s->hl_cap * 2 : 1024;
		struct hl_entry *n = xcalloc(ncap, sizeof(*n));
		for (size_t i = 0; i < s->hl_cap; i++) {
			if (!s->hl[i].ino && !s->hl[i].dev)
				continue;
			size_t h = (s->hl[i].ino * 0x9e3779b97f4a7c15ull ^ s->hl[i].dev) & (ncap - 1);
			while (n[h].ino || n[h].dev)
				h = (h + 1) & (ncap - 1);
			n[h] = s->hl[i];
		}
		free(s->hl);
		s->hl = n;
		s->hl_cap = ncap;
	}
	size_t h = (ino * 0x9e3779b97f4a7c15ull ^ dev) & (s->hl_cap - 1);
	while (s->hl[h].ino || s->hl[h].dev) {
		if (s->hl[h].ino == ino && s->hl[h].dev == dev) {
			first = false;
			break;
		}
		h = (h + 1) & (s->hl_cap - 1);
	}
	if (first) {
		s->hl[h] = (struct hl_entry){dev, ino};
		s->hl_used++;
	}
	pthread_mutex_unlock(&s->hl_lock);
	return first;
}

static void account(struct worker *w, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		w->local.files++;
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1 &&
	    !hl_first_sighting(w->s, (uint64_t)st->st_dev, (uint64_t)st->st_ino))
		return;
	w->local.bytes_apparent += (uint64_t)st->st_size;
	w->local.bytes_disk += (uint64_t)st->st_blocks * 512;
	if (++w->since_flush >= FLUSH_EVERY)
		flush_totals(w);
}

/* The path of a node: names joined from its root down.  Iterative, any depth. */
static void build_node_path(struct scan *s, const struct node *n, struct sbuf *out)
{
	const struct node **chain = NULL;
	size_t k = 0, cap = 0;
	(void)s;
	for (const struct node *a = n; a; a = a->parent) {
		chain = xgrow(chain, &cap, k + 1, sizeof(*chain));
		chain[k++] = a;
	}
	sbuf_reset(out);
	while (k > 0) {
		const struct node *c = chain[--k];
		if (out->len > 0 && out->s[out->len - 1] != '/')
			sbuf_addc(out, '/');
		sbuf_adds(out, c->name);
	}
	free(chain);
}

static const char *dir_path(struct worker *w, const struct node *n)
{
	if (!w->dirpath_ok) {
		if (n)
			build_node_path(w->s, n, &w->dirpath);
		else
			sbuf_reset(&w->dirpath);
		w->dirpath_ok = true;
	}
	return w->dirpath.s;
}

/* dir_path(n) + "/" + name into w->tmp. */
static const char *entry_path(struct worker *w, const struct node *n, const char *name)
{
	const char *dir = dir_path(w, n);
	sbuf_reset(&w->tmp);
	sbuf_adds(&w->tmp, dir);
	if (w->tmp.len > 0 && w->tmp.s[w->tmp.len - 1] != '/')
		sbuf_addc(&w->tmp, '/');
	sbuf_adds(&w->tmp, name);
	return w->tmp.s;
}

static void report_error(struct worker *w, const char *path, const char *what, int err)
{
	struct scan *s = w->s;
	w->local.errors++;
	if (!s->sink.error)
		return;
	pthread_mutex_lock(&s->sink_lock);
	s->sink.error(s->sink.ctx, path, what, err);
	pthread_mutex_unlock(&s->sink_lock);
}

static bool excluded(struct worker *w, const struct node *n, const char *name)
{
	struct scan *s = w->s;
	for (size_t i = 0; i < s->opts.nexcludes; i++) {
		const char *pat = s->excludes[i];
		const char *subject = strchr(pat, '/') ? entry_path(w, n, name) : name;
		if (fnmatch(pat, subject, 0) == 0)
			return true;
	}
	return false;
}

/* ---- files ---------------------------------------------------------------------------- */

static void found_dump(struct worker *w, const struct node *n, const char *name, int fd,
		       const struct stat *st, const unsigned char *head, size_t headlen,
		       enum dump_kind kind)
{
	struct scan *s = w->s;
	struct dump *d = xcalloc(1, sizeof(*d));
	const char *root_path;

	if (n) {
		d->path = xstrdup(entry_path(w, n, name));
		d->root = n->root;
		root_path = s->roots[n->root].path;
		size_t rl = strlen(root_path);
		d->rel = (uint32_t)(rl + (root_path[rl - 1] != '/'));
	} else { /* a file operand: `name` is its canonical path */
		d->path = xstrdup(name);
		for (uint32_t i = 0; i < s->nroots; i++)
			if (strcmp(s->roots[i].path, name) == 0)
				d->root = i;
		d->rel = (uint32_t)strlen(d->path);
	}
	d->dev = (uint64_t)st->st_dev;
	d->ino = (uint64_t)st->st_ino;
	d->nlink = (uint64_t)st->st_nlink;
	d->size_apparent = (uint64_t)st->st_size;
	d->size_disk = (uint64_t)st->st_blocks * 512;
	d->mtime = (int64_t)st->st_mtim.tv_sec;
	d->mtime_nsec = (int32_t)st->st_mtim.tv_nsec;
	d->owner_uid = st->st_uid;
	d->owner_gid = st->st_gid;
	d->mode = st->st_mode;
	d->kind = kind;
	d->head_len = (uint8_t)headlen;
	memcpy(d->head, head, headlen);

	struct bsrc src;
	bsrc_from_fd(&src, fd, (uint64_t)st->st_size);
	elfcore_parse(&src, &d->core, s->opts.parse_flags);

	w->local.dumps++;
	pthread_mutex_lock(&s->sink_lock);
	if (s->sink.dump)
		s->sink.dump(s->sink.ctx, d);
	else
		dump_free(d);
	pthread_mutex_unlock(&s->sink_lock);
}

/* A regular file (by d_type): open it without following links, stat the open file, and
 * sniff its first bytes.  One path lookup per file. */
static void scan_file(struct worker *w, const struct node *n, int dirfd, const char *name)
{
	struct scan *s = w->s;
	struct stat st;
	int fd = openat(dirfd, name, FILE_FLAGS | s->noatime);
	if (fd < 0 && errno == EPERM && s->noatime)
		fd = openat(dirfd, name, FILE_FLAGS);
	if (fd < 0) {
		int err = errno;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			account(w, &st);
			/* An unreadable regular file may hide a dump: say so. */
			if (S_ISREG(st.st_mode) && st.st_size >= DETECT_MIN_SIZE)
				report_error(w, n ? entry_path(w, n, name) : name, "cannot open", err);
		} else if (errno != ENOENT) {
			report_error(w, n ? entry_path(w, n, name) : name, "cannot stat", errno);
		}
		return;
	}
	if (fstat(fd, &st) != 0) {
		report_error(w, n ? entry_path(w, n, name) : name, "cannot stat", errno);
		close(fd);
		return;
	}
	account(w, &st);
	if (S_ISREG(st.st_mode) && st.st_size >= DETECT_MIN_SIZE) {
		unsigned char head[DUMP_HEAD_LEN];
		ssize_t k = pread(fd, head, sizeof(head), 0);
		if (k < 0) {
			report_error(w, n ? entry_path(w, n, name) : name, "cannot read", errno);
		} else {
			enum dump_kind kind = detect_kind(head, (size_t)k);
			if (kind != DUMP_NONE)
				found_dump(w, n, name, fd, &st, head, (size_t)k, kind);
		}
	}
	close(fd);
}

/* Symlinks, FIFOs, sockets, devices: counted, never opened. */
static void scan_other(struct worker *w, const struct node *n, int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		account(w, &st);
	else if (errno != ENOENT)
		report_error(w, entry_path(w, n, name), "cannot stat", errno);
}

/* ---- directories ---------------------------------------------------------------------- */

static void push_child(struct worker *w, struct node *parent, const char *name)
{
	struct scan *s = w->s;
	struct node *c = node_new(parent, name, strlen(name), parent->root);
	pthread_mutex_lock(&s->lock);
	parent->refs++;
	parent->unopened++;
	s->stack = xgrow(s->stack, &s->capstack, s->nstack + 1, sizeof(*s->stack));
	s->stack[s->nstack++] = c;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static bool is_loop(const struct node *n, uint64_t dev, uint64_t ino)
{
	for (const struct node *a = n->parent; a; a = a->parent)
		if (a->dev == dev && a->ino == ino)
			return true;
	return false;
}

static void read_entries(struct worker *w, struct node *n, int fd)
{
	struct scan *s = w->s;
	for (;;) {
		ssize_t nb = getdents64(fd, w->dents, DENTS_BUF);
		if (nb < 0) {
			if (errno == EINTR)
				continue;
			report_error(w, dir_path(w, n), "cannot read directory", errno);
			return;
		}
		if (nb == 0)
			return;
		for (ssize_t off = 0; off < nb;) {
			struct dirent64 *e = (struct dirent64 *)(w->dents + off);
			off += e->d_reclen;
			const char *name = e->d_name;
			if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
				continue;
			if (s->opts.nexcludes && excluded(w, n, name))
				continue;
			unsigned char type = e->d_type;
			if (type == DT_UNKNOWN) { /* some file systems do not fill d_type */
				struct stat st;
				if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
					continue;
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
			}
			if (type == DT_DIR)
				push_child(w, n, name);
			else if (type == DT_REG)
				scan_file(w, n, fd, name);
			else
				scan_other(w, n, fd, name);
		}
		if (s->cancelled)
			return;
	}
}

static void scan_dir(struct worker *w, struct node *n)
{
	struct scan *s = w->s;
	int pfd = AT_FDCWD, fd, err = 0;

	w->dirpath_ok = false;
	pthread_mutex_lock(&s->lock);
	if (n->parent)
		pfd = pin_fd(s, n->parent);
	if (pfd == -1)
		err = errno;
	pthread_mutex_unlock(&s->lock);

	fd = pfd == -1 ? -1 : openat(pfd, n->name, DIR_FLAGS);
	if (pfd != -1 && fd < 0)
		err = errno;

	pthread_mutex_lock(&s->lock);
	if (n->parent) {
		if (pfd != -1)
			n->parent->pins--;
		n->parent->unopened--;
		maybe_release_fd(s, n->parent);
	}
	pthread_mutex_unlock(&s->lock);

	struct stat st;
	if (fd >= 0 && fstat(fd, &st) != 0) {
		err = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if (err != ENOENT) /* vanished during the scan: not an error */
			report_error(w, dir_path(w, n), err == ESTALE ? "directory replaced during scan"
								      : "cannot open directory", err);
		goto done;
	}
	n->dev = (uint64_t)st.st_dev;
	n->ino = (uint64_t)st.st_ino;
	if (n->parent && n->dev != n->parent->dev) {
		if (s->opts.one_file_system || is_kernfs(fd)) {
			close(fd);
			goto done;
		}
	}
	if (is_loop(n, n->dev, n->ino)) {
		report_error(w, dir_path(w, n), "directory loop (a bind mount?) not followed", ELOOP);
		close(fd);
		goto done;
	}
	w->local.dirs++;
	account(w, &st);

	pthread_mutex_lock(&s->lock);
	open_list_add(s, n, fd);
	n->reading = true;
	s->current[w->id] = n;
	enforce_fd_budget(s);
	pthread_mutex_unlock(&s->lock);

	read_entries(w, n, fd);

	pthread_mutex_lock(&s->lock);
	s->current[w->id] = NULL;
	n->reading = false;
	maybe_release_fd(s, n);
	pthread_mutex_unlock(&s->lock);
done:
	flush_totals(w);
	pthread_mutex_lock(&s->lock);
	node_unref(s, n);
	pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->nstack == 0 && s->active > 0 && !s->cancelled)
			pthread_cond_wait(&s->cond, &s->lock);
		if (s->cancelled || s->nstack == 0)
			break;
		struct node *n = s->stack[--s->nstack];
		s->active++;
		pthread_mutex_unlock(&s->lock);
		scan_dir(w, n);
		pthread_mutex_lock(&s->lock);
		s->active--;
		if (s->active == 0 && s->nstack == 0)
			pthread_cond_broadcast(&s->cond);
	}
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void worker_init(struct worker *w, struct scan *s, unsigned id)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->id = id;
	w->dents = xmalloc(DENTS_BUF);
	sbuf_init(&w->dirpath);
	sbuf_init(&w->tmp);
}

static void worker_fini(struct worker *w)
{
	flush_totals(w);
	free(w->dents);
	sbuf_free(&w->dirpath);
	sbuf_free(&w->tmp);
}

int scan_run(struct scan *s)
{
	unsigned nthreads = s->opts.threads;
	struct worker *workers = xcalloc(nthreads, sizeof(*workers));
	pthread_t *tids = xcalloc(nthreads, sizeof(*tids));

	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->running = true;
	for (unsigned i = 0; i < nthreads; i++)
		worker_init(&workers[i], s, i);

	/* File operands first, on this thread; directories go to the queue in reverse so the
	 * first operand is read first. */
	for (size_t i = 0; i < s->nroots; i++)
		if (!s->roots[i].is_dir && !root_nested(s, i) && !s->cancelled)
			scan_file(&workers[0], NULL, AT_FDCWD, s->roots[i].path);
	pthread_mutex_lock(&s->lock);
	for (size_t i = s->nroots; i-- > 0;) {
		if (!s->roots[i].is_dir || root_nested(s, i))
			continue;
		struct node *r = node_new(NULL, s->roots[i].path, strlen(s->roots[i].path), (uint32_t)i);
		r->dev = s->roots[i].dev;
		r->ino = s->roots[i].ino;
		s->stack = xgrow(s->stack, &s->capstack, s->nstack + 1, sizeof(*s->stack));
		s->stack[s->nstack++] = r;
	}
	pthread_mutex_unlock(&s->lock);

	unsigned started = 0;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* signals stay with the caller's thread */
	for (unsigned i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker_main, &workers[i]) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started == 0)
		worker_main(&workers[0]);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);

	/* A cancelled scan leaves queued directories behind. */
	pthread_mutex_lock(&s->lock);
	while (s->nstack > 0) {
		struct node *n = s->stack[--s->nstack];
		if (n->parent)
			n->parent->unopened--;
		node_unref(s, n);
	}
	pthread_mutex_unlock(&s->lock);

	for (unsigned i = 0; i < nthreads; i++)
		worker_fini(&workers[i]);
	free(workers);
	free(tids);
	s->seconds = elapsed_since(&s->started);
	s->running = false;
	return s->cancelled ? -1 : 0;
}

void scan_cancel(struct scan *s)
{
	s->cancelled = 1;
}

void scan_get_progress(struct scan *s, struct scan_progress *p)
{
	memset(p, 0, sizeof(*p));
	p->totals.files = atomic_load(&s->files);
	p->totals.dirs = atomic_load(&s->dirs);
	p->totals.bytes_apparent = atomic_load(&s->bytes_apparent);
	p->totals.bytes_disk = atomic_load(&s->bytes_disk);
	p->totals.errors = atomic_load(&s->errors);
	p->totals.dumps = atomic_load(&s->dumps);
	p->running = s->running;
	p->seconds = s->running ? elapsed_since(&s->started) : s->seconds;

	pthread_mutex_lock(&s->lock);
	for (unsigned i = 0; i < s->opts.threads && i < MAX_THREADS; i++) {
		if (!s->current[i])
			continue;
		struct sbuf b;
		sbuf_init(&b);
		build_node_path(s, s->current[i], &b);
		snprintf(p->current, sizeof(p->current), "%s", b.s);
		sbuf_free(&b);
		break;
	}
	pthread_mutex_unlock(&s->lock);
}

void scan_free(struct scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nroots; i++) {
		free(s->roots[i].path);
		free(s->roots[i].display);
	}
	for (size_t i = 0; i < s->opts.nexcludes; i++)
		free(s->excludes[i]);
	free(s->excludes);
	free(s->roots);
	free(s->stack);
	free(s->hl);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->sink_lock);
	pthread_mutex_destroy(&s->hl_lock);
	free(s);
}
