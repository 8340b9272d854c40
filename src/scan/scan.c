/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/idset.h"
#include "base/thread.h"
#include "base/util.h"
#include "scan/detect.h"
#include "scan/jobpool.h"
#include "scan/safeopen.h"
#include "scan/sniffring.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
/* O_NONBLOCK: a FIFO swapped in after getdents cannot block us; O_NOCTTY: nor grab a tty. */
#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define DENTS_BUF (64 * 1024)
#define FLUSH_EVERY 4096 /* files between publications of a worker's counters */
#define MAX_THREADS 64
/* A thief opens what it steals by its path from the root, at a cost that grows with the depth:
 * taking turns at every level of a 10,000-deep chain cost ~n²/2 openat calls (9 million, 3 to
 * 14 s with two threads).  Deeper directories stay with the worker holding their parent. */
#define STEAL_MAX_DEPTH 64

/*
 * Concurrency model.  Each worker thread has a private descriptor table (unshare
 * CLONE_FILES): with a shared one, every open and close of two threads contends on the
 * table's lock, which cost 12% of a 500,000-file scan.  So a directory's descriptor belongs
 * to the worker that read it (its owner) and is never used by another thread.
 *
 * A worker pushes the subdirectories it finds onto its own deque and pops them newest
 * first (depth first, few descriptors), opening each relative to its parent's descriptor.
 * An idle worker steals the oldest entry of another worker's deque (the shallowest
 * directory, the biggest piece of work) and, not having the parent's descriptor, opens it
 * by its path below its own descriptor of the root with safeopen_beneath (no symlink in any
 * component), then checks the inode getdents reported.  Evicted descriptors (a per-worker
 * budget keeps a deep tree within RLIMIT_NOFILE) are handled the same way.
 *
 * Workers are started one at a time, by scan_run's thread, when work is pushed and nobody
 * is idle to take it (want_worker, run_workers): one directory is one worker's work.  The
 * dumps it finds are parsed by the worker or by its parse helpers (jobpool), threads it
 * starts itself after its table became its own, so that they use the descriptors it opened:
 * a directory of a thousand cores is read on as many CPUs as there are parse slots.
 */

struct node {
	struct node *parent;
	struct node *open_prev, *open_next; /* the owner's list of nodes holding a descriptor */
	_Atomic unsigned refs; /* 1 while queued or being read, plus one per live child */
	unsigned unopened;     /* children queued, not yet opened (under the owner's lock) */
	int fd;                /* in the owner's descriptor table, or -1 */
	int owner;             /* worker that read this directory, -1 before */
	bool reading;
	unsigned depth;
	uint32_t root;
	uint64_t dev, ino;     /* set when opened; immutable afterwards */
	uint64_t hint_ino;     /* d_ino from the parent's getdents, to check path opens */
	bool dump_place;       /* a well-known dump directory or below one (detect_dump_place) */
	char name[];           /* the canonical path for a root, a plain name otherwise */
};


struct worker {
	struct scan *s;
	int id;
	pthread_t tid;
	bool started;

	pthread_mutex_t lock; /* deque, and the unopened counts of nodes this worker owns */
	struct node **deque;
	size_t head, tail, cap;

	struct node *open_head; /* nodes whose descriptor lives in this worker's table */
	unsigned nopen;
	int *root_fds;          /* this worker's descriptors of the roots, -1 until needed */

	pthread_mutex_t current_lock;
	struct node *current;   /* directory being read, for progress */

	struct scan_totals local;
	unsigned since_flush;
	unsigned char *dents;
	struct sbuf dirpath;    /* path of the directory being read, built on demand */
	bool dirpath_ok;
	bool in_dump_dir;       /* reading a directory that is a dump: files are counted only */
	struct scan_dir_size here; /* the non-dump files of the directory being read (no path) */
	struct sbuf tmp;
	struct sniffring *ring; /* this worker's batched sniffs, NULL: synchronous ones */
	bool ring_tried;
	struct jobpool *parsers; /* its helpers for the parses, made at its first dump */
};

/* The largest directories (scan_top_dirs): a fixed array, largest first.  Behind a pointer so
 * that readers of a const scan can take its lock. */
struct top_dirs {
	pthread_mutex_t lock;
	struct scan_dir_size v[SCAN_TOP_DIRS];
	size_t n;
	_Atomic uint64_t floor; /* the smallest kept once full: smaller ones skip the lock */
};

struct scan {
	struct scan_opts opts;
	struct top_dirs *top;
	char **excludes;
	struct scan_sink sink;
	struct scan_root *roots;
	size_t nroots, caproots;

	struct worker *workers;
	unsigned nworkers;
	/* Workers start as the work shows it needs them (want_worker); scan_run's thread
	 * starts them, so that each begins from that thread's descriptor table. */
	pthread_mutex_t spawn_lock;
	pthread_cond_t spawn_cond;
	unsigned nstarted, spawn_limit; /* under spawn_lock */
	bool spawn_wanted, workers_done;
	unsigned fd_budget;    /* directory descriptors per worker */
	_Atomic size_t queued; /* entries in all deques */
	_Atomic size_t pending;/* directories queued or being read */
	pthread_mutex_t idle_lock;
	pthread_cond_t idle_cond;
	unsigned nidle;

	pthread_mutex_t sink_lock;
	pthread_mutex_t hl_lock; /* hard-linked inodes already counted */
	sem_t parse_slots;       /* dumps parsed at once: see parse_slot_count */
	struct jobpool_budget helpers; /* parse helpers all workers may still start */
	struct idset hl;

	volatile sig_atomic_t cancelled;
	_Atomic bool running;
	_Atomic bool ring_refused; /* io_uring refused here: no worker asks again */
	int noatime;
	struct timespec started;
	double seconds;
	_Atomic uint64_t files, dirs, bytes_apparent, bytes_disk, errors, dumps;
};

/* ---- raw system calls ------------------------------------------------------------------ */

/* glibc's wrappers are thread cancellation points; their bookkeeping measured 5% of the
 * per-file cost in a 500,000-file scan, and coredu never cancels threads. */
static int sys_openat(int dirfd, const char *name, int flags)
{
	return (int)syscall(SYS_openat, dirfd, name, flags, 0);
}

static ssize_t sys_pread(int fd, void *buf, size_t n)
{
	return (ssize_t)syscall(SYS_pread64, fd, buf, n, 0);
}

static int sys_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

/* ---- setup ---------------------------------------------------------------------------- */

/* Each worker has one read in flight, so the workers are the disk's queue depth: on the
 * reference machine's disk a cold 100,000-file tree took 6.4 s with 2 workers, 2.8 s with
 * 8 and 16 (bench/README.md).  16 by default, or the CPUs up to 32. */
#define DEFAULT_WORKERS 16
#define DEFAULT_WORKERS_MAX 32
/* Parses: the CPUs, at most 8. */
#define PARSE_SLOTS_MAX 8

static unsigned cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

unsigned scan_parse_slots(void)
{
	unsigned n = cpu_count();
	return n > PARSE_SLOTS_MAX ? PARSE_SLOTS_MAX : n;
}

static unsigned default_workers(void)
{
#ifdef __SANITIZE_ADDRESS__
	/* GCC 12's AddressSanitizer does not hold its allocator's locks across fork (LLVM 16's
	 * does), so the browser's stack reader, forked beside busy workers, can hang in malloc.
	 * glibc's malloc is fork-safe.  The sanitizer build keeps fewer workers busy. */
	return scan_parse_slots();
#else
	unsigned n = cpu_count();
	return n < DEFAULT_WORKERS ? DEFAULT_WORKERS : n > DEFAULT_WORKERS_MAX ? DEFAULT_WORKERS_MAX : n;
#endif
}

/* Parsing a dump is CPU and memory (a compressed one holds up to DECOMP_HEAD_LIMIT of its
 * head): as many at once as there are CPUs, at most 8, whatever the queue depth of the
 * sniffs, so that memory does not grow with the workers on a pile of compressed dumps. */
static unsigned parse_slot_count(unsigned workers)
{
	unsigned n = scan_parse_slots();
	return n < workers ? n : workers;
}

static void parse_slot_take(struct scan *s)
{
	while (sem_wait(&s->parse_slots) != 0 && errno == EINTR)
		;
}

static rlim_t fd_soft_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		return rl.rlim_cur;
	return 1024;
}

/* Above this soft limit a worker's table keeps 32 descriptors spare (fd_budget): room for
 * its parse helpers' (PARSE_QUEUE queued, one each being parsed).  Below it, no helpers. */
#define FD_ROOMY 64

/* Directory descriptors one worker may hold; each worker has its own table. */
static unsigned fd_budget(void)
{
	rlim_t soft = fd_soft_limit();
	rlim_t b = soft > FD_ROOMY ? soft - 32 : soft / 2;
	if (b < 4)
		b = 4;
	return b > 1024 ? 1024 : (unsigned)b;
}

struct scan *scan_new(const struct scan_opts *opts, const struct scan_sink *sink)
{
	struct scan *s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->nworkers = opts->threads ? opts->threads : default_workers();
	if (s->nworkers > MAX_THREADS)
		s->nworkers = MAX_THREADS;
	s->opts.threads = s->nworkers;
	s->excludes = xcalloc(opts->nexcludes + 1, sizeof(char *));
	for (size_t i = 0; i < opts->nexcludes; i++)
		s->excludes[i] = xstrdup(opts->excludes[i]);
	s->opts.excludes = (const char *const *)s->excludes;
	s->sink = *sink;
	pthread_mutex_init(&s->idle_lock, NULL);
	pthread_cond_init(&s->idle_cond, NULL);
	pthread_mutex_init(&s->spawn_lock, NULL);
	pthread_cond_init(&s->spawn_cond, NULL);
	pthread_mutex_init(&s->sink_lock, NULL);
	pthread_mutex_init(&s->hl_lock, NULL);
	sem_init(&s->parse_slots, 0, parse_slot_count(s->nworkers));
	atomic_init(&s->helpers.left,
		    fd_soft_limit() > FD_ROOMY ? (int)parse_slot_count(s->nworkers) - 1 : 0);
	idset_init(&s->hl);
	s->top = xcalloc(1, sizeof(*s->top));
	pthread_mutex_init(&s->top->lock, NULL);
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

/* -1, with the reason in err. */
static int refuse(char *err, size_t errlen, const char *why, char *real)
{
	snprintf(err, errlen, "%s", why);
	free(real);
	return -1;
}

/* The operand made absolute, as written: for a path that realpath() cannot spell. */
static char *absolute_form(const char *operand, const struct stat *st)
{
	char *cwd = operand[0] == '/' ? NULL : getcwd(NULL, 0);
	char *d = display_form(operand);
	struct stat lst;
	/* "/proc/7/root" itself is a link; the walk opens the root with O_NOFOLLOW. */
	bool link = S_ISDIR(st->st_mode) && lstat(d, &lst) == 0 && S_ISLNK(lst.st_mode);
	char *abs = xasprintf("%s%s%s%s", cwd ? cwd : "", cwd && strcmp(cwd, "/") ? "/" : "", d,
			      link ? "/." : "");
	free(cwd);
	free(d);
	return abs;
}

/* The root's path, for the walk and for deletion: the canonical one, unless it names another
 * file.  It does through /proc/PID/root of a process in another mount namespace (a container
 * seen from `kubectl debug --target`): the link's text is in that namespace's terms. */
static char *root_path(const char *operand, const struct stat *st)
{
	char *real = realpath(operand, NULL);
	struct stat rst;
	if (real && stat(real, &rst) == 0 && rst.st_dev == st->st_dev && rst.st_ino == st->st_ino)
		return real;
	free(real);
	return absolute_form(operand, st);
}

int scan_add_root(struct scan *s, const char *operand, char *err, size_t errlen)
{
	struct stat st;
	if (stat(operand, &st) != 0)
		return refuse(err, errlen, strerror(errno), NULL);
	char *real = root_path(operand, &st);
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return refuse(err, errlen, "not a directory or regular file", real);
	/* A file there is not a dump either: `info /proc/kcore` must not read kernel memory,
	 * nor `info /proc/PID/status` a process's. */
	int fd = open(real, S_ISDIR(st.st_mode) ? DIR_FLAGS : O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse(err, errlen, strerror(errno), real);
	bool kern = is_kernfs(fd);
	close(fd);
	if (kern)
		return refuse(err, errlen, S_ISDIR(st.st_mode) ? "kernel pseudo-filesystem, not scanned"
							: "on a kernel pseudo-filesystem, not read", real);
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

/* ---- nodes ---------------------------------------------------------------------------- */

static struct node *node_new(struct node *parent, const char *name, uint32_t root)
{
	size_t len = strlen(name);
	struct node *n = xmalloc(sizeof(*n) + len + 1);
	memset(n, 0, sizeof(*n));
	memcpy(n->name, name, len + 1);
	n->parent = parent;
	n->fd = -1;
	n->owner = -1;
	atomic_init(&n->refs, 1);
	n->root = root;
	n->depth = parent ? parent->depth + 1 : 0;
	n->dump_place = parent && parent->dump_place;
	if (parent)
		atomic_fetch_add(&parent->refs, 1);
	return n;
}

/* Drop a reference; a node goes when nothing (queue, reader, child) needs it.  Its
 * descriptor has been closed by its owner before the last reference can drop. */
static void node_unref(struct node *n)
{
	while (n && atomic_fetch_sub(&n->refs, 1) == 1) {
		struct node *parent = n->parent;
		free(n);
		n = parent;
	}
}

/* The path of a node: names joined from its root down.  Iterative, any depth. */
static void node_path(const struct node *n, struct sbuf *out, bool below_root)
{
	const struct node **chain = NULL;
	size_t k = 0, cap = 0;
	for (const struct node *a = n; a && (!below_root || a->parent); a = a->parent) {
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

/* ---- descriptors (owner thread only) ---------------------------------------------------- */

/* The open list holds a reference: a thief may finish the last child of a node at any time,
 * and the node must outlive its descriptor. */
static void open_list_add(struct worker *w, struct node *n, int fd)
{
	atomic_fetch_add(&n->refs, 1);
	n->fd = fd;
	n->owner = w->id;
	n->open_prev = NULL;
	n->open_next = w->open_head;
	if (w->open_head)
		w->open_head->open_prev = n;
	w->open_head = n;
	w->nopen++;
}

static void node_close_fd(struct worker *w, struct node *n)
{
	if (n->fd < 0)
		return;
	sys_close(n->fd);
	n->fd = -1;
	if (n->open_prev)
		n->open_prev->open_next = n->open_next;
	else
		w->open_head = n->open_next;
	if (n->open_next)
		n->open_next->open_prev = n->open_prev;
	n->open_prev = n->open_next = NULL;
	w->nopen--;
	node_unref(n);
}

/* Close what no queued child needs any more, and keep under budget by closing the
 * shallowest idle descriptors: depth-first order comes back to them last. */
static void release_fds(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	for (struct node *n = w->open_head, *next; n; n = next) {
		next = n->open_next;
		if (!n->reading && n->unopened == 0)
			node_close_fd(w, n);
	}
	while (w->nopen > w->s->fd_budget) {
		struct node *victim = NULL;
		for (struct node *n = w->open_head; n; n = n->open_next)
			if (!n->reading && (!victim || n->depth < victim->depth))
				victim = n;
		if (!victim)
			break;
		node_close_fd(w, victim);
	}
	pthread_mutex_unlock(&w->lock);
}

static int root_fd(struct worker *w, uint32_t root)
{
	if (w->root_fds[root] >= 0)
		return w->root_fds[root];
	const struct scan_root *r = &w->s->roots[root];
	int fd = open(r->path, DIR_FLAGS);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || (uint64_t)st.st_dev != r->dev ||
			(uint64_t)st.st_ino != r->ino)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return w->root_fds[root] = fd;
}

/* Open directory n: relative to its parent's descriptor when this worker holds it, else by
 * its path below this worker's descriptor of the root.  scan_dir checks what it got. */
static int open_dir(struct worker *w, struct node *n)
{
	struct node *p = n->parent;
	if (!p)
		return root_fd(w, n->root) >= 0 ? fcntl(w->root_fds[n->root], F_DUPFD_CLOEXEC, 0) : -1;
	if (p->owner == w->id && p->fd >= 0)
		return sys_openat(p->fd, n->name, DIR_FLAGS);

	int rfd = root_fd(w, n->root);
	if (rfd < 0)
		return -1;
	node_path(n, &w->tmp, true);
	return safeopen_beneath(rfd, w->tmp.s, DIR_FLAGS);
}

/* ---- work queue ----------------------------------------------------------------------- */

/* New work and nobody idle to take it: ask scan_run's thread for one more worker.  A scan of
 * one directory (a pile of cores) then runs one thread, not sixteen: each costs about 0.3 ms
 * to start and end here, 5 ms of a 60 ms scan. */
static void want_worker(struct scan *s)
{
	pthread_mutex_lock(&s->spawn_lock);
	if (!s->spawn_wanted && s->nstarted < s->spawn_limit) {
		s->spawn_wanted = true;
		pthread_cond_signal(&s->spawn_cond);
	}
	pthread_mutex_unlock(&s->spawn_lock);
}

static void push(struct worker *w, struct node *n)
{
	struct scan *s = w->s;
	/* Read and counted before n is published: once the lock is released a thief may take
	 * n, read it and free it (ASan saw that use after free with 16 workers), and its
	 * work_done must not find pending at 0 while n's parent is still being read. */
	bool stealable = n->depth <= STEAL_MAX_DEPTH;
	atomic_fetch_add(&s->pending, 1);
	atomic_fetch_add(&s->queued, 1);
	pthread_mutex_lock(&w->lock);
	if (w->tail == w->cap && w->head > 0) { /* reclaim the space thieves freed */
		memmove(w->deque, w->deque + w->head, (w->tail - w->head) * sizeof(*w->deque));
		w->tail -= w->head;
		w->head = 0;
	}
	w->deque = xgrow(w->deque, &w->cap, w->tail + 1, sizeof(*w->deque));
	w->deque[w->tail++] = n;
	if (n->parent)
		n->parent->unopened++;
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_lock(&s->idle_lock);
	bool idle = s->nidle > 0;
	if (idle && stealable)
		pthread_cond_signal(&s->idle_cond);
	pthread_mutex_unlock(&s->idle_lock);
	if (!idle && stealable)
		want_worker(s);
}

/* Newest entry of our own deque (LIFO), or the oldest of a victim's (FIFO) unless it is too
 * deep to steal (then *refused is set). */
static struct node *take(struct worker *victim, bool own, bool *refused)
{
	struct node *n = NULL;
	pthread_mutex_lock(&victim->lock);
	if (victim->head < victim->tail && !own &&
	    victim->deque[victim->head]->depth > STEAL_MAX_DEPTH) {
		*refused = true;
	} else if (victim->head < victim->tail) {
		n = own ? victim->deque[--victim->tail] : victim->deque[victim->head++];
		if (victim->head == victim->tail)
			victim->head = victim->tail = 0;
		if (n->parent)
			n->parent->unopened--; /* parent is owned by `victim` */
	}
	pthread_mutex_unlock(&victim->lock);
	if (n)
		atomic_fetch_sub(&victim->s->queued, 1);
	return n;
}

static struct node *next_work(struct worker *w)
{
	struct scan *s = w->s;
	for (;;) {
		if (s->cancelled)
			return NULL;
		bool refused = false;
		struct node *n = take(w, true, &refused);
		for (unsigned i = 1; !n && i < s->nworkers; i++)
			n = take(&s->workers[(w->id + i) % s->nworkers], false, &refused);
		if (n && atomic_load(&s->queued) > 0)
			want_worker(s); /* more is waiting: several operands, say */
		if (n)
			return n;
		release_fds(w); /* nothing of ours is queued: drop idle descriptors */
		pthread_mutex_lock(&s->idle_lock);
		if (atomic_load(&s->pending) == 0 || s->cancelled) {
			pthread_cond_broadcast(&s->idle_cond);
			pthread_mutex_unlock(&s->idle_lock);
			return NULL;
		}
		if (atomic_load(&s->queued) == 0 || refused) {
			s->nidle++;
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 50 * 1000 * 1000; /* also notices cancellation */
			if (t.tv_nsec >= 1000000000L)
				t.tv_sec++, t.tv_nsec -= 1000000000L;
			pthread_cond_timedwait(&s->idle_cond, &s->idle_lock, &t);
			s->nidle--;
		}
		pthread_mutex_unlock(&s->idle_lock);
	}
}

static void work_done(struct scan *s)
{
	if (atomic_fetch_sub(&s->pending, 1) == 1) {
		pthread_mutex_lock(&s->idle_lock);
		pthread_cond_broadcast(&s->idle_cond);
		pthread_mutex_unlock(&s->idle_lock);
	}
}

/* ---- counting and reporting ------------------------------------------------------------ */

/* Sizes near 2^63 exist (tmpfs allows them): byte totals saturate rather than wrap. */
static void sat_add_atomic(_Atomic uint64_t *total, uint64_t v)
{
	uint64_t old = atomic_load_explicit(total, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(total, &old, sat_add_u64(old, v),
						      memory_order_relaxed, memory_order_relaxed))
		;
}

static void flush_totals(struct worker *w)
{
	struct scan *s = w->s;
	atomic_fetch_add_explicit(&s->files, w->local.files, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->dirs, w->local.dirs, memory_order_relaxed);
	sat_add_atomic(&s->bytes_apparent, w->local.bytes_apparent);
	sat_add_atomic(&s->bytes_disk, w->local.bytes_disk);
	atomic_fetch_add_explicit(&s->errors, w->local.errors, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->dumps, w->local.dumps, memory_order_relaxed);
	memset(&w->local, 0, sizeof(w->local));
	w->since_flush = 0;
}

/* True the first time an inode with several links is seen. */
static bool hl_first_sighting(struct scan *s, uint64_t dev, uint64_t ino)
{
	pthread_mutex_lock(&s->hl_lock);
	bool first = idset_add(&s->hl, dev, ino, 0);
	pthread_mutex_unlock(&s->hl_lock);
	return first;
}

/* Count an entry in the totals and, a file, in its directory's own bytes; false for another
 * link to a file already counted. */
static bool account(struct worker *w, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		w->local.files++;
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1 &&
	    !hl_first_sighting(w->s, (uint64_t)st->st_dev, (uint64_t)st->st_ino))
		return false;
	w->local.bytes_apparent = sat_add_u64(w->local.bytes_apparent, (uint64_t)st->st_size);
	w->local.bytes_disk = sat_add_u64(w->local.bytes_disk, (uint64_t)st->st_blocks * 512);
	if (!S_ISDIR(st->st_mode)) {
		w->here.apparent = sat_add_u64(w->here.apparent, (uint64_t)st->st_size);
		w->here.disk = sat_add_u64(w->here.disk, (uint64_t)st->st_blocks * 512);
		w->here.files++;
	}
	if (++w->since_flush >= FLUSH_EVERY)
		flush_totals(w);
	return true;
}

/* A dump is not "the rest of the disk": take it back out of its directory's bytes. */
static void unaccount_here(struct worker *w, const struct stat *st)
{
	uint64_t disk = (uint64_t)st->st_blocks * 512, size = (uint64_t)st->st_size;
	w->here.disk -= w->here.disk > disk ? disk : w->here.disk;
	w->here.apparent -= w->here.apparent > size ? size : w->here.apparent;
	w->here.files -= w->here.files > 0;
}

static const char *dir_path(struct worker *w, const struct node *n)
{
	if (!w->dirpath_ok) {
		node_path(n, &w->dirpath, false);
		w->dirpath_ok = true;
	}
	return w->dirpath.s;
}

/* dir_path(n) + "/" + name, or name itself for a file operand (n == NULL), in w->tmp. */
static const char *entry_path(struct worker *w, const struct node *n, const char *name)
{
	if (!n)
		return name;
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

/* A new dump record for `name` in directory n (NULL: a file operand, `name` its canonical
 * path; an empty name: the directory n itself), with its file status. */
static struct dump *new_dump(struct worker *w, const struct node *n, const char *name,
			     const struct stat *st)
{
	struct scan *s = w->s;
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(*name ? entry_path(w, n, name) : dir_path(w, n));
	if (n && (*name || n->parent)) {
		const char *root_path = s->roots[n->root].path;
		size_t rl = strlen(root_path);
		d->root = n->root;
		d->rel = (uint32_t)(rl + (root_path[rl - 1] != '/'));
	} else { /* an operand: its canonical path */
		for (uint32_t i = 0; i < s->nroots; i++)
			if (strcmp(s->roots[i].path, d->path) == 0)
				d->root = i;
		d->rel = (uint32_t)strlen(d->path);
	}
	dump_set_stat(d, st);
	return d;
}

static void emit_dump(struct scan *s, struct dump *d)
{
	pthread_mutex_lock(&s->sink_lock);
	if (s->sink.dump)
		s->sink.dump(s->sink.ctx, d);
	else
		dump_free(d);
	pthread_mutex_unlock(&s->sink_lock);
}

/* Readahead is turned off for the sniff only where it would read more than the file's first
 * pages: a first read at offset 0 starts a readahead of up to 16 KiB (more on some devices),
 * and for a smaller file that is one request anyway, which the fadvise call would cost more
 * than (warm, it is a quarter of a small file's system calls).  A file named or placed as a
 * dump keeps it too: the parser reads those 16 KiB next. */
#define SNIFF_RANDOM_FROM (16 * 1024)

/* A dump to parse from its open descriptor, by its finder or one of the finder's helpers
 * (which share the finder's descriptor table).  It owns the descriptor. */
struct parse_job {
	struct scan *s;
	struct dump *d;
	int fd;
	uint64_t size;
	bool ra_off;
};

static void parse_job_run(void *ctx, void *arg)
{
	(void)ctx;
	struct parse_job *j = arg;
	struct scan *s = j->s;
	if (s->cancelled) {
		dump_free(j->d);
	} else {
		/* The notes are read in order: readahead (turned off for the sniff) pays again,
		 * by half on a cold pile of 61-thread cores. */
		if (j->ra_off)
			posix_fadvise(j->fd, 0, 0, POSIX_FADV_NORMAL);
		parse_slot_take(s);
		dump_parse_fd(j->d, j->fd, j->size, s->opts.parse_flags);
		sem_post(&s->parse_slots);
		emit_dump(s, j->d);
	}
	sys_close(j->fd);
	free(j);
}

/* Parses queued beside a worker's walk: a few, so that the descriptors they hold stay well
 * inside the spare ones of its table (fd_budget), and so do the dumps held in memory. */
#define PARSE_QUEUE 8

/* A dump found at fd, which this takes over: parsed by a helper of this worker when there is
 * a CPU for one (a directory of a thousand cores is then read on several), else here. */
static void found_dump(struct worker *w, const struct node *n, const char *name, int fd,
		       const struct stat *st, const unsigned char *head, size_t headlen,
		       enum dump_kind kind, enum dump_compression comp, bool ra_off)
{
	struct parse_job *j = xmalloc(sizeof(*j));
	*j = (struct parse_job){w->s, new_dump(w, n, name, st), fd, (uint64_t)st->st_size, ra_off};
	j->d->kind = kind;
	j->d->compression = comp;
	j->d->head_len = (uint8_t)headlen;
	memcpy(j->d->head, head, headlen);
	w->local.dumps++;
	if (!w->parsers)
		w->parsers = jobpool_new(&w->s->helpers, PARSE_SLOTS_MAX, PARSE_QUEUE,
					 parse_job_run, NULL);
	jobpool_submit(w->parsers, j);
}

/* A directory that is a dump: one dump for the directory and all its files. */
static void found_dump_dir(struct worker *w, const struct node *n, int fd, const struct stat *st,
			   enum dump_kind kind)
{
	struct dump *d = new_dump(w, n, "", st);
	d->kind = kind;
	parse_slot_take(w->s);
	dump_parse_dir(d, fd, w->s->opts.parse_flags);
	sem_post(&w->s->parse_slots);
	w->local.dumps++;
	emit_dump(w->s, d);
}

static int open_entry(struct worker *w, int dirfd, const char *name)
{
	int fd = sys_openat(dirfd, name, FILE_FLAGS | w->s->noatime);
	if (fd < 0 && errno == EPERM && w->s->noatime)
		fd = sys_openat(dirfd, name, FILE_FLAGS);
	return fd;
}

/* The first DUMP_HEAD_LEN bytes of an open regular file of size bytes, and what they say it
 * is (DUMP_NONE); -1 when they cannot be read.  ra_off: turn readahead off first. */
static ssize_t read_head(int fd, off_t size, bool ra_off, unsigned char *head,
			 enum dump_kind *kind, enum dump_compression *comp)
{
	if (ra_off)
		posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
	ssize_t k = sys_pread(fd, head, DUMP_HEAD_LEN);
	*kind = k < 0 ? DUMP_NONE : detect_file(fd, (uint64_t)size, head, (size_t)k, comp);
	return k;
}

/* A regular file (by d_type) to be checked: open it without following links, stat the open
 * file, and sniff its first bytes.  One path lookup. */
static void sniff_file(struct worker *w, const struct node *n, int dirfd, const char *name)
{
	struct stat st;
	int fd = open_entry(w, dirfd, name);
	if (fd < 0) {
		int err = errno;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			account(w, &st);
			/* An unreadable regular file may hide a dump: say so. */
			if (S_ISREG(st.st_mode) && st.st_size >= DETECT_MIN_SIZE)
				report_error(w, entry_path(w, n, name), "cannot open", err);
		} else if (errno != ENOENT) {
			report_error(w, entry_path(w, n, name), "cannot stat", errno);
		}
		return;
	}
	if (fstat(fd, &st) != 0) {
		report_error(w, entry_path(w, n, name), "cannot stat", errno);
		sys_close(fd);
		return;
	}
	bool counted = account(w, &st);
	if (S_ISREG(st.st_mode) && st.st_size >= DETECT_MIN_SIZE) {
		unsigned char head[DUMP_HEAD_LEN];
		enum dump_kind kind;
		enum dump_compression comp;
		bool expected = !n || n->dump_place || detect_small_name(name);
		bool ra_off = st.st_size > SNIFF_RANDOM_FROM && !expected;
		ssize_t k = read_head(fd, st.st_size, ra_off, head, &kind, &comp);
		if (k < 0) {
			report_error(w, entry_path(w, n, name), "cannot read", errno);
		} else if (kind != DUMP_NONE) {
			if (counted)
				unaccount_here(w, &st);
			found_dump(w, n, name, fd, &st, head, (size_t)k, kind, comp, ra_off);
			return;
		}
	}
	sys_close(fd);
}

/* The batched sniffs of the directory being read (worker_ring): what the first bytes rule
 * out is counted with the stat it was queued with, as sniff_stated does; a dump, and a file
 * that could not be opened or read, are looked at again from the start by sniff_file, which
 * parses the dump from a descriptor checked against its own fstat, or says what failed. */
struct ring_dir {
	struct worker *w;
	const struct node *n;
	int dirfd;
};

static void ring_sniffed(void *ctx, const struct sniffring_result *res)
{
	const struct ring_dir *d = ctx;
	if (res->len >= 0 && detect_head_rules_out(res->head, (size_t)res->len))
		account(d->w, res->st);
	else
		sniff_file(d->w, d->n, d->dirfd, res->name);
}

/* Every queued file is in directory n, open at dirfd: the ring is drained before the next
 * getdents reuses the buffer their names are in, and before n is done. */
static void drain_ring(struct worker *w, const struct node *n, int dirfd)
{
	struct ring_dir d = {w, n, dirfd};
	if (w->ring)
		sniffring_drain(w->ring, ring_sniffed, &d);
}

/* A file that fstatat found regular and of DETECT_SNIFF_SIZE or more, the common case: open
 * and sniff it without a second stat.  The open file is checked against st only when its head
 * says dump or cannot be read.  If the name was swapped between the two calls, the cost is
 * 128 bytes read of something else, which sniff_file then looks at again from the start: the
 * open itself is what O_NOFOLLOW | O_NONBLOCK guard, with or without a second stat. */
static void sniff_stated(struct worker *w, const struct node *n, int dirfd, const char *name,
			 const struct stat *st)
{
	int fd = open_entry(w, dirfd, name);
	if (fd < 0) {
		sniff_file(w, n, dirfd, name); /* reports why, from a fresh stat */
		return;
	}
	unsigned char head[DUMP_HEAD_LEN];
	enum dump_kind kind;
	enum dump_compression comp;
	bool ra_off = st->st_size > SNIFF_RANDOM_FROM;
	ssize_t k = read_head(fd, st->st_size, ra_off, head, &kind, &comp);
	int err = errno;
	if (k >= 0 && kind == DUMP_NONE) {
		account(w, st);
		sys_close(fd);
		return;
	}
	struct stat now;
	if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino ||
	    now.st_size != st->st_size) {
		sys_close(fd);
		sniff_file(w, n, dirfd, name);
		return;
	}
	bool counted = account(w, &now);
	if (k < 0) {
		report_error(w, entry_path(w, n, name), "cannot read", err);
		sys_close(fd);
		return;
	}
	if (counted)
		unaccount_here(w, &now);
	found_dump(w, n, name, fd, &now, head, (size_t)k, kind, comp, ra_off);
}

/* This worker's ring, made at its first sniff (in its own thread, after its descriptor table
 * became its own), with room for one more file; NULL where io_uring is refused. */
static struct sniffring *worker_ring(struct worker *w, const struct node *n, int dirfd)
{
	if (!w->ring_tried) {
		w->ring_tried = true;
		if (!atomic_load_explicit(&w->s->ring_refused, memory_order_relaxed) &&
		    !(w->ring = sniffring_new(FILE_FLAGS | w->s->noatime)))
			atomic_store_explicit(&w->s->ring_refused, true, memory_order_relaxed);
	}
	if (w->ring && sniffring_full(w->ring))
		drain_ring(w, n, dirfd);
	return w->ring;
}

/* The detection rule (README, "What is checked"): a file operand, every file with
 * --sniff-all, and a file named or placed by a dump convention are checked whatever their
 * size; any other only from DETECT_SNIFF_SIZE up, which one fstatat tells without opening
 * it.  On a cold cache that spares the data read (a random one) of every small file. */
static void scan_file(struct worker *w, const struct node *n, int dirfd, const char *name)
{
	if (!n || w->s->opts.sniff_all || n->dump_place || detect_small_name(name)) {
		sniff_file(w, n, dirfd, name);
		return;
	}
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			report_error(w, entry_path(w, n, name), "cannot stat", errno);
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < DETECT_SNIFF_SIZE)
		account(w, &st);
	else if (worker_ring(w, n, dirfd))
		sniffring_add(w->ring, dirfd, name, &st, st.st_size > SNIFF_RANDOM_FROM);
	else
		sniff_stated(w, n, dirfd, name, &st);
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

/* getdents gives a mount point the inode of the directory it covers, not of the root mounted
 * on it: a bind mount from the same file system must not pass for a replaced directory. */
static bool is_mount_root(int fd)
{
#ifdef STATX_ATTR_MOUNT_ROOT
	struct statx stx;
	return statx(fd, "", AT_EMPTY_PATH, 0, &stx) == 0 &&
	       (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
#else
	(void)fd;
	return false;
#endif
}

static bool is_loop(const struct node *n)
{
	for (const struct node *a = n->parent; a; a = a->parent)
		if (a->dev == n->dev && a->ino == n->ino)
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
			if (type == DT_DIR) {
				struct node *c = node_new(n, name, n->root);
				c->hint_ino = e->d_ino;
				push(w, c);
			} else if (type == DT_REG && !w->in_dump_dir) {
				scan_file(w, n, fd, name);
			} else {
				scan_other(w, n, fd, name);
			}
		}
		drain_ring(w, n, fd); /* the names are in w->dents */
		if (s->cancelled)
			return;
	}
}

/* Larger first; of equal sizes the smaller path, so the list does not depend on the threads. */
static bool dir_size_before(const struct scan_dir_size *a, uint64_t disk, const char *path)
{
	return a->disk != disk ? a->disk > disk : strcmp(a->path, path) < 0;
}

/* Keep directory n among the largest if its own files make it one.  O(SCAN_TOP_DIRS). */
static void top_offer(struct worker *w, const struct node *n)
{
	struct top_dirs *t = w->s->top;
	uint64_t disk = w->here.disk;
	if (disk == 0 || disk < atomic_load_explicit(&t->floor, memory_order_relaxed))
		return;
	const char *path = dir_path(w, n);
	pthread_mutex_lock(&t->lock);
	size_t at = 0;
	while (at < t->n && dir_size_before(&t->v[at], disk, path))
		at++;
	if (at < SCAN_TOP_DIRS) {
		if (t->n == SCAN_TOP_DIRS)
			free(t->v[--t->n].path);
		memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof(t->v[0]));
		t->v[at] = w->here;
		t->v[at].path = xstrdup(path);
		t->n++;
		if (t->n == SCAN_TOP_DIRS)
			atomic_store_explicit(&t->floor, t->v[t->n - 1].disk, memory_order_relaxed);
	}
	pthread_mutex_unlock(&t->lock);
}

size_t scan_top_dirs(const struct scan *s, struct scan_dir_size out[SCAN_TOP_DIRS])
{
	struct top_dirs *t = s->top;
	pthread_mutex_lock(&t->lock);
	size_t n = t->n;
	for (size_t i = 0; i < n; i++) {
		out[i] = t->v[i];
		out[i].path = xstrdup(t->v[i].path);
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

void scan_dir_sizes_free(struct scan_dir_size *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
}

static void set_current(struct worker *w, struct node *n)
{
	pthread_mutex_lock(&w->current_lock);
	w->current = n;
	pthread_mutex_unlock(&w->current_lock);
}

static void scan_dir(struct worker *w, struct node *n)
{
	struct scan *s = w->s;
	struct stat st;

	w->dirpath_ok = false;
	int fd = open_dir(w, n);
	if (fd >= 0 && fstat(fd, &st) != 0) {
		int err = errno;
		sys_close(fd);
		fd = -1;
		errno = err;
	}
	if (fd < 0) {
		if (errno != ENOENT) /* vanished during the scan: not an error */
			report_error(w, dir_path(w, n), "cannot open directory", errno);
		return;
	}
	n->dev = (uint64_t)st.st_dev;
	n->ino = (uint64_t)st.st_ino;
	/* The directory getdents listed must be the one we opened, whichever way we reached
	 * it (a mount point shows the mounted root, with another device: not comparable). */
	if (n->hint_ino && n->parent && n->dev == n->parent->dev && n->ino != n->hint_ino &&
	    !is_mount_root(fd)) {
		report_error(w, dir_path(w, n), "directory replaced during scan", ESTALE);
		sys_close(fd);
		return;
	}
	if (n->parent && n->dev != n->parent->dev && (s->opts.one_file_system || is_kernfs(fd))) {
		sys_close(fd);
		return;
	}
	if (is_loop(n)) {
		report_error(w, dir_path(w, n), "directory loop (a bind mount?) not followed", ELOOP);
		sys_close(fd);
		return;
	}
	w->local.dirs++;
	account(w, &st);
	/* Only a root or a directory named like the last component of one can make a dump
	 * place: the path is built for those only. */
	if (!n->dump_place && (!n->parent || !strcmp(n->name, "crash") ||
			       !strcmp(n->name, "coredump") || !strcmp(n->name, "abrt")))
		n->dump_place = detect_dump_place(dir_path(w, n));
	w->here = (struct scan_dir_size){0};
	/* A directory that is a dump (ABRT's) is one dump; its core is not listed on its own. */
	enum dump_kind dir_kind = detect_dir(fd);
	w->in_dump_dir = dir_kind != DUMP_NONE;
	if (w->in_dump_dir)
		found_dump_dir(w, n, fd, &st, dir_kind);

	pthread_mutex_lock(&w->lock);
	n->reading = true;
	open_list_add(w, n, fd);
	pthread_mutex_unlock(&w->lock);
	set_current(w, n);

	read_entries(w, n, fd);
	if (!w->in_dump_dir) /* a dump directory's files are the dump */
		top_offer(w, n);
	w->in_dump_dir = false;

	set_current(w, NULL);
	pthread_mutex_lock(&w->lock);
	n->reading = false;
	pthread_mutex_unlock(&w->lock);
	release_fds(w);
}

/* Every dump this worker found is parsed and in the sink, and its helpers are gone: before
 * its thread (or, for the file operands, scan_run's) goes on to other descriptors. */
static void finish_parsers(struct worker *w)
{
	jobpool_free(w->parsers);
	w->parsers = NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *s = w->s;
	/* A private descriptor table: see the concurrency model above.  Where a seccomp
	 * policy refuses, sharing the table is slower but still correct. */
	if (s->nworkers > 1)
		unshare(CLONE_FILES);
	struct node *n;
	while ((n = next_work(w))) {
		scan_dir(w, n);
		flush_totals(w);
		node_unref(n);
		work_done(s);
	}
	finish_parsers(w);
	/* Leaving: every descriptor in this private table closes with the thread, but nodes
	 * must not point at them. */
	pthread_mutex_lock(&w->lock);
	while (w->open_head)
		node_close_fd(w, w->open_head);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < s->nroots; i++)
		if (w->root_fds[i] >= 0)
			sys_close(w->root_fds[i]);
	sniffring_free(w->ring);
	w->ring = NULL;
	flush_totals(w);
	/* No work is left (or the scan is cancelled): no more workers either. */
	pthread_mutex_lock(&s->spawn_lock);
	s->workers_done = true;
	pthread_cond_signal(&s->spawn_cond);
	pthread_mutex_unlock(&s->spawn_lock);
	return NULL;
}

/* Start the next worker, with every signal blocked in it: signals stay with the caller's
 * thread (the browser handles them there).  Under spawn_lock. */
static bool start_worker(struct scan *s)
{
	struct worker *w = &s->workers[s->nstarted];
	w->started = thread_start(&w->tid, worker_main, w);
	if (w->started)
		s->nstarted++;
	else
		s->spawn_limit = s->nstarted; /* out of threads: make do with those running */
	return w->started;
}

/* Start workers as they are asked for until one finds no work left. */
static void run_workers(struct scan *s)
{
	pthread_mutex_lock(&s->spawn_lock);
	s->spawn_limit = s->nworkers;
	if (!start_worker(s)) { /* no threads at all: do the work here, sharing our table */
		pthread_mutex_unlock(&s->spawn_lock);
		s->nworkers = 1;
		worker_main(&s->workers[0]);
		return;
	}
	s->spawn_wanted = false; /* the roots' pushes asked for the first one */
	while (!s->workers_done) {
		if (s->spawn_wanted && s->nstarted < s->spawn_limit) {
			s->spawn_wanted = false;
			start_worker(s);
		} else {
			s->spawn_wanted = false;
			pthread_cond_wait(&s->spawn_cond, &s->spawn_lock);
		}
	}
	unsigned n = s->nstarted;
	pthread_mutex_unlock(&s->spawn_lock);
	for (unsigned i = 0; i < n; i++)
		pthread_join(s->workers[i].tid, NULL);
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void worker_init(struct worker *w, struct scan *s, int id)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->id = id;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->current_lock, NULL);
	w->dents = xmalloc(DENTS_BUF);
	w->root_fds = xmalloc((s->nroots ? s->nroots : 1) * sizeof(int));
	for (size_t i = 0; i < s->nroots; i++)
		w->root_fds[i] = -1;
	sbuf_init(&w->dirpath);
	sbuf_init(&w->tmp);
}

static void worker_fini(struct worker *w)
{
	/* A cancelled scan leaves queued directories behind. */
	while (w->head < w->tail)
		node_unref(w->deque[w->head++]);
	free(w->deque);
	free(w->dents);
	free(w->root_fds);
	sbuf_free(&w->dirpath);
	sbuf_free(&w->tmp);
	pthread_mutex_destroy(&w->lock);
	/* current_lock stays: progress readers may still take it; scan_free destroys it. */
}

int scan_run(struct scan *s)
{
	s->workers = xcalloc(s->nworkers, sizeof(*s->workers));
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_init(&s->workers[i], s, (int)i);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	atomic_store(&s->running, true);

	/* File operands first, on this thread; directory operands go to the workers. */
	for (size_t i = 0; i < s->nroots; i++) {
		if (!s->roots[i].is_dir && !root_nested(s, i) && !s->cancelled) {
			scan_file(&s->workers[0], NULL, AT_FDCWD, s->roots[i].path);
			flush_totals(&s->workers[0]);
		}
	}
	/* Their helpers share this thread's table, which worker 0 leaves for its own. */
	finish_parsers(&s->workers[0]);
	for (size_t i = s->nroots, k = 0; i-- > 0;) {
		if (!s->roots[i].is_dir || root_nested(s, i))
			continue;
		struct node *r = node_new(NULL, s->roots[i].path, (uint32_t)i);
		push(&s->workers[k++ % s->nworkers], r);
	}

	run_workers(s);

	for (unsigned i = 0; i < s->opts.threads; i++)
		worker_fini(&s->workers[i]);
	s->seconds = elapsed_since(&s->started);
	atomic_store(&s->running, false);
	/* Progress readers may still look at the workers array: keep it until scan_free. */
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
	p->running = atomic_load(&s->running);
	p->seconds = p->running ? elapsed_since(&s->started) : s->seconds;
	if (!p->running || !s->workers)
		return;
	struct sbuf b;
	sbuf_init(&b);
	for (unsigned i = 0; i < s->nworkers && !p->current[0]; i++) {
		struct worker *w = &s->workers[i];
		pthread_mutex_lock(&w->current_lock);
		if (w->current) { /* referenced until the worker clears current under this lock */
			node_path(w->current, &b, false);
			snprintf(p->current, sizeof(p->current), "%s", b.s);
		}
		pthread_mutex_unlock(&w->current_lock);
	}
	sbuf_free(&b);
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
	for (unsigned i = 0; s->workers && i < s->opts.threads; i++)
		pthread_mutex_destroy(&s->workers[i].current_lock);
	free(s->workers);
	idset_free(&s->hl);
	scan_dir_sizes_free(s->top->v, s->top->n);
	pthread_mutex_destroy(&s->top->lock);
	free(s->top);
	pthread_mutex_destroy(&s->idle_lock);
	pthread_cond_destroy(&s->idle_cond);
	pthread_mutex_destroy(&s->spawn_lock);
	pthread_cond_destroy(&s->spawn_cond);
	pthread_mutex_destroy(&s->sink_lock);
	pthread_mutex_destroy(&s->hl_lock);
	sem_destroy(&s->parse_slots);
	free(s);
}
