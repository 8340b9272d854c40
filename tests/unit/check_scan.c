/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The walker over real trees: detection by content, links, FIFOs, sockets, deep and oddly
 * named directories, excludes, byte totals against du, descriptor limits. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model/index.h"
#include "scan/jobpool.h"
#include "scan/scan.h"
#include "testutil.h"

struct collect {
	struct index ix;
	unsigned errors;
};

static void on_dump(void *ctx, struct dump *d)
{
	index_add(&((struct collect *)ctx)->ix, d);
}

static void on_error(void *ctx, const char *path, const char *what, int err)
{
	struct collect *c = ctx;
	c->errors++;
	index_add_error(&c->ix, path, what);
	(void)err;
}

/* Scan `root` with options; fills c (index sorted by path) and totals. */
static void run_scan(const char *root, struct scan_opts *opts, struct collect *c,
		     struct scan_totals *totals)
{
	memset(c, 0, sizeof(*c));
	index_init(&c->ix);
	struct scan_sink sink = {c, on_dump, on_error};
	struct scan *s = scan_new(opts, &sink);
	char why[256];
	ck_assert_msg(scan_add_root(s, root, why, sizeof(why)) == 0, "add root %s: %s", root, why);
	ck_assert_int_eq(scan_run(s), 0);
	struct scan_progress p;
	scan_get_progress(s, &p);
	if (totals)
		*totals = p.totals;
	scan_free(s);
	index_sort(&c->ix, SORT_PATH, false);
}

static char *fixture_core(void)
{
	return tu_path(tu_fixture_dir(), "abort-x86-64.core");
}

/* dir/name (relative to the tree root) or NULL in the index. */
static const struct dump *find_dump(const struct collect *c, const char *root, const char *rel)
{
	char *want = tu_path(root, rel);
	const struct dump *found = NULL;
	for (size_t i = 0; i < c->ix.n; i++)
		if (strcmp(c->ix.v[i]->path, want) == 0)
			found = c->ix.v[i];
	free(want);
	return found;
}

static void mkdirs(const char *root, const char *rel)
{
	char *p = tu_path(root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
	free(p);
}

static void put_core(const char *root, const char *rel)
{
	char *core = fixture_core(), *p = tu_path(root, rel);
	tu_copy_file(core, p);
	free(core);
	free(p);
}

START_TEST(found_by_content_not_name)
{
	char *root = tu_mkdtemp("scan"), *realroot = realpath(root, NULL);
	mkdirs(root, "app");
	put_core(root, "app/core.1058");
	put_core(root, "app/evidence.bin");          /* renamed core: found */
	char *exe = tu_path(root, "app/core.1");   /* an ELF executable named like a core */
	tu_copy_file("/proc/self/exe", exe);
	char *text = tu_path(root, "app/core");
	tu_write_file(text, "not a core\n", 11);
	char *empty = tu_path(root, "app/core.2");
	tu_write_file(empty, "", 0);

	struct collect c;
	struct scan_opts o = {0};
	run_scan(root, &o, &c, NULL);
	ck_assert_uint_eq(c.ix.n, 2);
	ck_assert_ptr_nonnull(find_dump(&c, realroot, "app/core.1058"));
	ck_assert_ptr_nonnull(find_dump(&c, realroot, "app/evidence.bin"));
	ck_assert_uint_eq(c.errors, 0);
	index_free(&c.ix);
	tu_rmtree(root);
	free(exe), free(text), free(empty), free(root), free(realroot);
}
END_TEST

START_TEST(links_are_not_followed)
{
	char *root = tu_mkdtemp("links"), *outside = tu_mkdtemp("outside");
	char *realroot = realpath(root, NULL);
	mkdirs(root, "a/b");
	put_core(root, "a/core");
	put_core(outside, "core.outside");
	char *l1 = tu_path(root, "a/b/link-to-core"), *t1 = tu_path(root, "a/core");
	ck_assert_int_eq(symlink(t1, l1), 0);
	char *l2 = tu_path(root, "a/b/link-outside"), *t2 = tu_path(outside, "core.outside");
	ck_assert_int_eq(symlink(t2, l2), 0);
	char *l3 = tu_path(root, "a/b/dirlink");
	ck_assert_int_eq(symlink(outside, l3), 0);   /* a symlink to a directory */
	char *l4 = tu_path(root, "a/b/loop");
	ck_assert_int_eq(symlink(".", l4), 0);       /* a symlink loop */
	char *h = tu_path(root, "a/b/hard.core");
	ck_assert_int_eq(link(t1, h), 0);            /* a hard link: one dump */

	struct collect c;
	struct scan_opts o = {0};
	struct scan_totals t;
	run_scan(root, &o, &c, &t);
	ck_assert_uint_eq(c.ix.n, 1);
	/* Of two links the smaller path is reported. */
	ck_assert_ptr_nonnull(find_dump(&c, realroot, "a/b/hard.core"));
	ck_assert_uint_eq(c.ix.v[0]->nlink, 2);
	ck_assert_uint_eq(t.files, 6);
	ck_assert_uint_eq(c.errors, 0);
	index_free(&c.ix);
	tu_rmtree(root);
	tu_rmtree(outside);
	free(l1), free(t1), free(l2), free(t2), free(l3), free(l4), free(h);
	free(root), free(outside), free(realroot);
}
END_TEST

START_TEST(fifos_sockets_devices_never_opened)
{
	char *root = tu_mkdtemp("fifo");
	put_core(root, "real.core");
	char *fifo = tu_path(root, "core");
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	/* A writer blocks in open() until some reader opens the FIFO: if the scan ever opened
	 * it, the writer would get through. */
	pid_t writer = fork();
	if (writer == 0) {
		int fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 ? 42 : 1);
	}
	char *sock = tu_path(root, "core.sock");
	int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	ck_assert_int_eq(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	char *dev = tu_path(root, "core.dev");
	bool have_dev = mknod(dev, S_IFCHR | 0600, makedev(1, 3)) == 0; /* root only */

	usleep(100000);
	struct collect c;
	struct scan_opts o = {0};
	struct scan_totals t;
	alarm(20); /* a hang is a failure, not a stuck test run */
	run_scan(root, &o, &c, &t);
	alarm(0);
	ck_assert_uint_eq(c.ix.n, 1);
	ck_assert_uint_eq(t.files, have_dev ? 4 : 3);
	usleep(200000); /* a writer let through needs a moment to exit */
	int status;
	ck_assert_int_eq(waitpid(writer, &status, WNOHANG), 0); /* still blocked: never opened */
	kill(writer, SIGKILL);
	waitpid(writer, &status, 0);
	close(sfd);
	index_free(&c.ix);
	tu_rmtree(root);
	free(fifo), free(sock), free(dev), free(root);
}
END_TEST

START_TEST(deep_and_odd_names)
{
	char *root = tu_mkdtemp("deep"), *realroot = realpath(root, NULL);
	/* 200 levels, then a core; the path is longer than many tools expect. */
	char rel[200 * 12 + 16] = "";
	for (int i = 0; i < 200; i++)
		strcat(rel, i ? "/level-xxxxx" : "level-xxxxx");
	mkdirs(root, rel);
	strcat(rel, "/core");
	put_core(root, rel);
	const char *odd[] = {"new\nline", "esc\x1b]0;title\x07", "bad\xff\xfeutf8", "caf\xc3\xa9"};
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		mkdirs(root, odd[i]);
		char *f = tu_path(odd[i], "co\nre\x1b[31m");
		put_core(root, f);
		free(f);
	}
	struct collect c;
	struct scan_opts o = {0};
	run_scan(root, &o, &c, NULL);
	ck_assert_uint_eq(c.ix.n, 1 + ARRAY_SIZE(odd));
	ck_assert_ptr_nonnull(find_dump(&c, realroot, rel));
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		char *f = tu_path(odd[i], "co\nre\x1b[31m");
		ck_assert_ptr_nonnull(find_dump(&c, realroot, f));
		free(f);
	}
	ck_assert_uint_eq(c.errors, 0);
	index_free(&c.ix);
	tu_rmtree(root);
	free(root), free(realroot);
}
END_TEST

START_TEST(few_descriptors_deep_comb)
{
	/* A comb 600 deep with a core in every tooth, under a descriptor limit far below the
	 * depth: evicted ancestors are reopened, nothing is lost. */
	struct rlimit rl = {48, 48};
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	char *root = tu_mkdtemp("comb");
	char *cur = strdup(root);
	for (int i = 0; i < 600; i++) {
		char *tooth = tu_path(cur, "tooth");
		mkdir(tooth, 0755);
		if (i % 50 == 0) {
			char *f = tu_path(tooth, "core"), *fx = fixture_core();
			tu_copy_file(fx, f);
			free(f), free(fx);
		}
		free(tooth);
		char *next = tu_path(cur, "d");
		mkdir(next, 0755);
		free(cur);
		cur = next;
	}
	for (unsigned threads = 1; threads <= 2; threads++) {
		struct collect c;
		struct scan_opts o = {.threads = threads};
		struct scan_totals t;
		run_scan(root, &o, &c, &t);
		ck_assert_uint_eq(c.ix.n, 12);
		ck_assert_uint_eq(t.dirs, 1 + 600 * 2);
		ck_assert_uint_eq(c.errors, 0);
		index_free(&c.ix);
	}
	tu_rmtree(root);
	free(cur), free(root);
}
END_TEST

/* When the first dump is reported, swap the other top-level subtree for an empty directory:
 * that directory must later be refused as replaced, not scanned as if it were the old one. */
struct swapper {
	struct collect c;
	char *root;
	bool swapped;
};

static void swap_on_dump(void *ctx, struct dump *d)
{
	struct swapper *sw = ctx;
	if (!sw->swapped) {
		sw->swapped = true;
		const char *other = strstr(d->path, "/left/") ? "right" : "left";
		char *p = tu_path(sw->root, other), *q = tu_path(sw->root, "moved-away");
		ck_assert_int_eq(rename(p, q), 0);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		free(p), free(q);
	}
	index_add(&sw->c.ix, d);
}

START_TEST(replaced_directory_is_refused)
{
	/* Checked whichever way the directory is reached; a budget of 4 directory descriptors
	 * makes the path-based reopening likely too. */
	struct rlimit rl = {36, 36};
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	struct swapper sw;
	memset(&sw, 0, sizeof(sw));
	sw.root = tu_mkdtemp("swap");
	const char *deep = "/a/b/c/d/e/f/g/h/i/j/k/l";
	for (int side = 0; side < 2; side++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%s%s", side ? "right" : "left", deep);
		mkdirs(sw.root, rel);
		strcat(rel, "/core");
		put_core(sw.root, rel);
	}
	index_init(&sw.c.ix);
	struct scan_sink sink = {&sw, swap_on_dump, on_error};
	struct scan_opts o = {.threads = 1};
	struct scan *s = scan_new(&o, &sink);
	char why[256];
	ck_assert_int_eq(scan_add_root(s, sw.root, why, sizeof(why)), 0);
	ck_assert_int_eq(scan_run(s), 0);
	scan_free(s);
	ck_assert(sw.swapped);
	ck_assert_uint_eq(sw.c.ix.n, 1);
	ck_assert_uint_eq(sw.c.errors, 1);
	ck_assert_ptr_nonnull(strstr(sw.c.ix.errors[0].message, "replaced"));
	index_free(&sw.c.ix);
	tu_rmtree(sw.root);
	free(sw.root);
}
END_TEST

START_TEST(totals_match_du)
{
	char *root = tu_mkdtemp("du");
	mkdirs(root, "x/y");
	put_core(root, "x/core");
	char *h = tu_path(root, "x/y/hard"), *t1 = tu_path(root, "x/core");
	ck_assert_int_eq(link(t1, h), 0);
	char *sp = tu_path(root, "x/sparse");
	int fd = open(sp, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(ftruncate(fd, 50 << 20), 0); /* a 50 MiB hole */
	ck_assert_int_eq(pwrite(fd, "x", 1, 10 << 20), 1);
	close(fd);
	char *l = tu_path(root, "x/y/sym");
	ck_assert_int_eq(symlink("../core", l), 0);
	for (int i = 0; i < 50; i++) {
		char name[32];
		snprintf(name, sizeof(name), "x/y/f%02d", i);
		char *f = tu_path(root, name);
		tu_write_file(f, "0123456789", (size_t)i * 7 % 11);
		free(f);
	}

	struct collect c;
	struct scan_opts o = {0};
	struct scan_totals t;
	run_scan(root, &o, &c, &t);
	/* The oracle is find, not du: coreutils 9.2 stopped counting directories in
	 * du --apparent-size.  coredu counts every inode once, directories too, as ncdu does:
	 * one line per device:inode, then the sums of st_size and of st_blocks. */
	char cmd[4200], *out;
	snprintf(cmd, sizeof(cmd),
		 "find '%s' -printf '%%D:%%i %%s %%b\\n' | sort -u -k1,1 | "
		 "awk '{a += $2; d += $3 * 512} END {printf \"%%.0f %%.0f\\n\", a, d}'",
		 root);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	unsigned long long apparent = 0, disk = 0;
	ck_assert_int_eq(sscanf(out, "%llu %llu", &apparent, &disk), 2);
	ck_assert_uint_eq(t.bytes_apparent, apparent);
	ck_assert_uint_eq(t.bytes_disk, disk);
	free(out);
	snprintf(cmd, sizeof(cmd), "find '%s' ! -type d | wc -l", root);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_uint_eq(t.files, strtoull(out, NULL, 10));
	free(out);
	ck_assert_uint_eq(t.dirs, 3);
	ck_assert_uint_eq(c.ix.n, 1);
	index_free(&c.ix);
	tu_rmtree(root);
	free(h), free(t1), free(sp), free(l), free(root);
}
END_TEST

/* On-disk bytes of a file, from stat: the oracle for the scan's own sums. */
static uint64_t disk_of(const char *path)
{
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return (uint64_t)st.st_blocks * 512;
}

/* The rest of the disk: the SCAN_TOP_DIRS directories whose own non-dump files are largest,
 * largest first, with two threads taking the directories in any order. */
START_TEST(largest_dirs_without_dumps)
{
	char *root = tu_mkdtemp("top"), *realroot = realpath(root, NULL);
	uint64_t want[14];
	static char block[64 * 1024];
	memset(block, 'x', sizeof(block));
	for (int i = 0; i < 14; i++) {
		char rel[32];
		snprintf(rel, sizeof(rel), "p/d%02d/sub", i); /* sub is empty: only d's files count */
		mkdirs(root, rel);
		snprintf(rel, sizeof(rel), "p/d%02d/f", i);
		char *f = tu_path(root, rel);
		tu_write_file(f, block, (size_t)(i + 1) * 4096);
		want[i] = disk_of(f);
		free(f);
	}
	mkdirs(root, "crash");
	put_core(root, "crash/core.1"); /* larger than any of them, and a dump */
	char *small = tu_path(root, "crash/note");
	tu_write_file(small, "x", 1);
	char *core = tu_path(root, "crash/core.1");
	ck_assert_uint_gt(disk_of(core), want[13]);

	struct collect c;
	memset(&c, 0, sizeof(c));
	index_init(&c.ix);
	struct scan_sink sink = {&c, on_dump, on_error};
	struct scan_opts o = {.threads = 2};
	struct scan *s = scan_new(&o, &sink);
	char why[256];
	ck_assert_int_eq(scan_add_root(s, root, why, sizeof(why)), 0);
	ck_assert_int_eq(scan_run(s), 0);
	struct scan_dir_size top[SCAN_TOP_DIRS];
	size_t n = scan_top_dirs(s, top);
	ck_assert_uint_eq(n, SCAN_TOP_DIRS);
	for (size_t k = 0; k < n; k++) {
		int i = 13 - (int)k;
		char rel[32];
		snprintf(rel, sizeof(rel), "p/d%02d", i);
		char *p = tu_path(realroot, rel);
		ck_assert_str_eq(top[k].path, p);
		ck_assert_uint_eq(top[k].disk, want[i]);
		ck_assert_uint_eq(top[k].apparent, (uint64_t)(i + 1) * 4096);
		ck_assert_uint_eq(top[k].files, 1);
		free(p);
	}
	ck_assert_uint_eq(c.ix.n, 1);
	scan_dir_sizes_free(top, n);
	scan_free(s);
	index_free(&c.ix);
	tu_rmtree(root);
	free(small), free(core), free(realroot), free(root);
}
END_TEST

START_TEST(excludes)
{
	char *root = tu_mkdtemp("excl"), *realroot = realpath(root, NULL);
	mkdirs(root, "keep");
	mkdirs(root, "skip/deeper");
	put_core(root, "keep/core.1");
	put_core(root, "keep/evidence.bin");
	put_core(root, "skip/deeper/core.2");
	const char *pats[] = {"*.bin", "*/skip"};
	struct collect c;
	struct scan_opts o = {.excludes = pats, .nexcludes = 2};
	run_scan(root, &o, &c, NULL);
	ck_assert_uint_eq(c.ix.n, 1);
	ck_assert_ptr_nonnull(find_dump(&c, realroot, "keep/core.1"));
	index_free(&c.ix);
	tu_rmtree(root);
	free(root), free(realroot);
}
END_TEST

START_TEST(file_operand_and_nested_roots)
{
	char *root = tu_mkdtemp("roots");
	mkdirs(root, "in");
	put_core(root, "in/core");
	char *inner = tu_path(root, "in"), *file = tu_path(root, "in/core");
	struct collect c;
	memset(&c, 0, sizeof(c));
	index_init(&c.ix);
	struct scan_sink sink = {&c, on_dump, on_error};
	struct scan_opts o = {0};
	struct scan *s = scan_new(&o, &sink);
	char why[256];
	ck_assert_int_eq(scan_add_root(s, root, why, sizeof(why)), 0);
	ck_assert_int_eq(scan_add_root(s, inner, why, sizeof(why)), 0);
	ck_assert_int_eq(scan_add_root(s, file, why, sizeof(why)), 0);
	ck_assert_int_eq(scan_add_root(s, root, why, sizeof(why)), 0); /* the same root twice */
	ck_assert_uint_eq(scan_root_count(s), 3);
	ck_assert_int_eq(scan_add_root(s, "/nonexistent/coredu", why, sizeof(why)), -1);
	ck_assert_str_eq(why, strerror(ENOENT));
	ck_assert_int_eq(scan_add_root(s, "/proc", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "kernel pseudo-filesystem, not scanned");
	ck_assert_int_eq(scan_run(s), 0);
	struct scan_progress p;
	scan_get_progress(s, &p);
	ck_assert_uint_eq(p.totals.files, 1); /* nested operands are not counted twice */
	ck_assert_uint_eq(c.ix.n, 1);
	scan_free(s);
	index_free(&c.ix);
	tu_rmtree(root);
	free(inner), free(file), free(root);
}
END_TEST

START_TEST(one_file_system_and_kernfs)
{
	char *root = tu_mkdtemp("xdev");
	mkdirs(root, "mnt");
	mkdirs(root, "proc");
	put_core(root, "top.core");
	char *mnt = tu_path(root, "mnt"), *proc = tu_path(root, "proc");
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=8m") != 0) {
		fprintf(stderr, "one_file_system_and_kernfs: skipped, cannot mount (%s)\n",
			strerror(errno));
		tu_rmtree(root);
		free(mnt), free(proc), free(root);
		return;
	}
	put_core(root, "mnt/other-fs.core");
	bool have_proc = mount("proc", proc, "proc", 0, NULL) == 0;
	struct collect c;
	struct scan_opts o = {0};
	run_scan(root, &o, &c, NULL);
	ck_assert_uint_eq(c.ix.n, 2); /* /proc (and its kcore) is skipped */
	index_free(&c.ix);
	o.one_file_system = true;
	run_scan(root, &o, &c, NULL);
	ck_assert_uint_eq(c.ix.n, 1);
	index_free(&c.ix);
	if (have_proc)
		umount(proc);
	umount(mnt);
	tu_rmtree(root);
	free(mnt), free(proc), free(root);
}
END_TEST


/* ---- jobpool: a worker's parse helpers -------------------------------------------------- */

#define POOL_JOBS 200

struct pool_log {
	int fd;                   /* opened by the owner after its table became its own */
	pid_t owner;
	_Atomic unsigned ran[POOL_JOBS];
	_Atomic pid_t tid[POOL_JOBS];
	_Atomic unsigned done;
	_Atomic unsigned read_ok;
};

static pid_t this_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void pool_job(void *ctx, void *job)
{
	struct pool_log *l = ctx;
	size_t i = (size_t)(uintptr_t)job;
	char b[4];
	if (l->fd >= 0 && pread(l->fd, b, 4, 0) == 4 && memcmp(b, "\177ELF", 4) == 0)
		atomic_fetch_add(&l->read_ok, 1);
	atomic_store(&l->tid[i], this_tid());
	atomic_fetch_add(&l->ran[i], 1);
	atomic_fetch_add(&l->done, 1);
}

/* A log for jobs that read nothing. */
static struct pool_log *pool_log_new(void)
{
	struct pool_log *l = calloc(1, sizeof(*l));
	l->fd = -1;
	return l;
}

static void wait_done(struct pool_log *l, unsigned n)
{
	for (int k = 0; k < 10000 && atomic_load(&l->done) < n; k++)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
}

/* A worker, as scan's are: its own descriptor table, a file opened in it, helpers made after
 * (they share that table, so they read the descriptor).  The first job runs in the owner (a
 * single dump costs no thread); the others are queued, never run by the owner before the
 * pool is freed while the queue has room. */
static void *pool_owner(void *arg)
{
	struct pool_log *l = arg;
	ck_assert_int_eq(unshare(CLONE_FILES), 0);
	char *core = fixture_core();
	l->fd = open(core, O_RDONLY | O_CLOEXEC);
	free(core);
	ck_assert_int_ge(l->fd, 0);
	l->owner = this_tid();
	struct jobpool_budget budget = {1};
	struct jobpool *p = jobpool_new(&budget, 4, 64, pool_job, l);
	for (size_t i = 0; i < 10; i++)
		jobpool_submit(p, (void *)(uintptr_t)i);
	wait_done(l, 10);
	ck_assert_uint_eq(jobpool_helpers(p), 1); /* the budget's one */
	ck_assert_int_eq(atomic_load(&budget.left), 0);
	jobpool_free(p);
	ck_assert_int_eq(atomic_load(&budget.left), 1); /* given back */
	close(l->fd);
	return NULL;
}

START_TEST(jobpool_helpers_share_the_table)
{
	struct pool_log *l = calloc(1, sizeof(*l));
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, pool_owner, l), 0);
	pthread_join(t, NULL);
	ck_assert_uint_eq(atomic_load(&l->done), 10);
	ck_assert_uint_eq(atomic_load(&l->read_ok), 10);
	for (size_t i = 0; i < 10; i++) {
		ck_assert_uint_eq(atomic_load(&l->ran[i]), 1);
		if (i == 0)
			ck_assert_int_eq(atomic_load(&l->tid[i]), l->owner);
		else
			ck_assert_int_ne(atomic_load(&l->tid[i]), l->owner);
	}
	free(l);
}
END_TEST

/* No helper to be had: each job runs in the owner before jobpool_submit returns. */
START_TEST(jobpool_without_budget_runs_here)
{
	struct pool_log *l = pool_log_new();
	struct jobpool_budget budget = {0};
	struct jobpool *p = jobpool_new(&budget, 4, 8, pool_job, l);
	for (size_t i = 0; i < 20; i++) {
		jobpool_submit(p, (void *)(uintptr_t)i);
		ck_assert_uint_eq(atomic_load(&l->done), i + 1);
		ck_assert_int_eq(atomic_load(&l->tid[i]), this_tid());
	}
	ck_assert_uint_eq(jobpool_helpers(p), 0);
	jobpool_free(p);
	free(l);
}
END_TEST

/* A small queue and many jobs: the owner takes turns when it is full; every job runs once,
 * all of them by the time jobpool_free returns. */
START_TEST(jobpool_every_job_once)
{
	struct pool_log *l = pool_log_new();
	struct jobpool_budget budget = {3};
	struct jobpool *p = jobpool_new(&budget, 3, 2, pool_job, l);
	for (size_t i = 0; i < POOL_JOBS; i++)
		jobpool_submit(p, (void *)(uintptr_t)i);
	ck_assert_uint_le(jobpool_helpers(p), 3);
	jobpool_free(p);
	ck_assert_uint_eq(atomic_load(&l->done), POOL_JOBS);
	for (size_t i = 0; i < POOL_JOBS; i++)
		ck_assert_uint_eq(atomic_load(&l->ran[i]), 1);
	ck_assert_int_eq(atomic_load(&budget.left), 3);
	free(l);
}
END_TEST

/* A directory of many dumps (parsed by a worker and its helpers where there are CPUs for
 * them) gives what one thread gives, every dump read from its own file. */
START_TEST(many_dumps_one_directory)
{
	char *root = tu_mkdtemp("scan"), *realroot = realpath(root, NULL);
	const char *cores[] = {"abort-x86-64.core", "abort-aarch64.core", "abort-s390x.core"};
	for (int i = 0; i < 48; i++) {
		char rel[64], *from = tu_path(tu_fixture_dir(), cores[i % 3]), *to;
		snprintf(rel, sizeof(rel), i % 2 ? "core.%d" : "renamed-%d.bin", 1000 + i);
		tu_copy_file(from, to = tu_path(root, rel));
		free(from), free(to);
		snprintf(rel, sizeof(rel), "data-%d.txt", i);
		tu_put(root, rel, "not a dump\n");
	}
	struct collect one, many;
	struct scan_opts o1 = {.threads = 1}, on = {0};
	run_scan(root, &o1, &one, NULL);
	run_scan(root, &on, &many, NULL);
	ck_assert_uint_eq(one.ix.n, 48);
	ck_assert_uint_eq(many.ix.n, 48);
	for (size_t i = 0; i < 48; i++) {
		const struct dump *a = one.ix.v[i], *b = many.ix.v[i];
		ck_assert_str_eq(a->path, b->path);
		ck_assert_uint_eq(a->ino, b->ino);
		ck_assert_int_gt(b->core.pid, 0);
		ck_assert_int_eq(a->core.pid, b->core.pid);
		ck_assert_int_eq(a->core.machine, b->core.machine);
		ck_assert_int_eq(a->core.si_signo, b->core.si_signo);
	}
	ck_assert_uint_eq(many.errors, 0);
	index_free(&one.ix);
	index_free(&many.ix);
	tu_rmtree(root);
	free(root), free(realroot);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("trees");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, found_by_content_not_name);
	tcase_add_test(tc, links_are_not_followed);
	tcase_add_test(tc, fifos_sockets_devices_never_opened);
	tcase_add_test(tc, deep_and_odd_names);
	tcase_add_test(tc, few_descriptors_deep_comb);
	tcase_add_test(tc, replaced_directory_is_refused);
	tcase_add_test(tc, totals_match_du);
	tcase_add_test(tc, excludes);
	tcase_add_test(tc, largest_dirs_without_dumps);
	tcase_add_test(tc, file_operand_and_nested_roots);
	tcase_add_test(tc, one_file_system_and_kernfs);
	tcase_add_test(tc, many_dumps_one_directory);
	suite_add_tcase(s, tc);
	TCase *pool = tcase_create("jobpool");
	tcase_set_timeout(pool, 60);
	tcase_add_test(pool, jobpool_helpers_share_the_table);
	tcase_add_test(pool, jobpool_without_budget_runs_here);
	tcase_add_test(pool, jobpool_every_job_once);
	suite_add_tcase(s, pool);
	return tu_run_suite(s);
}
