/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The deletion engine removes exactly what was chosen: randomised trees of real cores and
 * other files, races between the scan and the deletion, permissions, held-open dumps, hard
 * links, and compression instead of deletion. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/procfs.h"
#include "delete/delete.h"
#include "delete/zst.h"
#include "model/index.h"
#include "scan/scan.h"
#include "testutil.h"

#include <zstd.h>

static const char *const cores[] = {"abort-x86-64.core", "thread-segv-x86-64.core",
				    "parent-kill-x86-64.core", "abort-aarch64.core"};

static void put_core(const char *path, unsigned which)
{
	char *f = tu_path(tu_fixture_dir(), cores[which % ARRAY_SIZE(cores)]);
	tu_copy_file(f, path);
	free(f);
}

static const struct dump *find(const struct index *ix, const char *path)
{
	for (size_t i = 0; i < ix->n; i++)
		if (strcmp(ix->v[i]->path, path) == 0)
			return ix->v[i];
	return NULL;
}

/* Plan and run the deletion of the dumps at these paths. */
static void delete_paths(struct scan *s, struct index *ix, char *const *paths, size_t n,
			 struct delete_plan *p, bool compress)
{
	const struct dump **set = calloc(n ? n : 1, sizeof(*set));
	for (size_t i = 0; i < n; i++) {
		set[i] = find(ix, paths[i]);
		ck_assert_msg(set[i] != NULL, "%s was not found by the scan", paths[i]);
	}
	delete_plan_init(p, set, n, "/proc", 0);
	struct delete_opts o = {.scan = s, .compress = compress};
	delete_run(p, &o);
	free(set);
}

/* ---- exactly the chosen set ----------------------------------------------------------------- */

struct entry {
	char *path;
	void *bytes;
	size_t n;
	bool dump, chosen;
};

START_TEST(exactly_the_chosen_set)
{
	for (unsigned seed = 1; seed <= 6; seed++) {
		srand(seed);
		char *root = tu_mkdtemp("del"), *real = realpath(root, NULL);
		const char *dirs[] = {"", "app", "app/sub", "var/crash"};
		for (size_t i = 1; i < ARRAY_SIZE(dirs); i++) {
			char *d = tu_path(real, dirs[i]);
			if (strchr(dirs[i], '/')) {
				char *parent = strndup(d, (size_t)(strrchr(d, '/') - d));
				mkdir(parent, 0755);
				free(parent);
			}
			mkdir(d, 0755);
			free(d);
		}
		struct entry e[40];
		size_t n = 24 + (size_t)(rand() % 16);
		for (size_t i = 0; i < n; i++) {
			char name[64];
			const char *dir = dirs[rand() % ARRAY_SIZE(dirs)];
			e[i].dump = rand() % 3 != 0;
			snprintf(name, sizeof(name), "%s%s%s.%zu", dir, *dir ? "/" : "",
				 e[i].dump ? (rand() % 2 ? "core" : "evidence") : (rand() % 2 ? "core" : "notes"), i);
			e[i].path = tu_path(real, name);
			if (e[i].dump) {
				put_core(e[i].path, (unsigned)rand());
			} else {
				char junk[300];
				for (size_t k = 0; k < sizeof(junk); k++)
					junk[k] = (char)rand();
				tu_write_file(e[i].path, junk, (size_t)(rand() % 300));
			}
			e[i].bytes = tu_read_file(e[i].path, &e[i].n);
			e[i].chosen = e[i].dump && rand() % 2;
		}
		char *link = tu_path(real, "app/link-to-a-core");
		for (size_t i = 0; i < n; i++)
			if (e[i].dump) {
				ck_assert_int_eq(symlink(e[i].path, link), 0);
				break;
			}

		struct index ix;
		struct scan *s = tu_scan(real, &ix);
		char *chosen[40];
		size_t nc = 0;
		for (size_t i = 0; i < n; i++)
			if (e[i].chosen)
				chosen[nc++] = e[i].path;
		struct delete_plan p;
		delete_paths(s, &ix, chosen, nc, &p, false);
		ck_assert_uint_eq(p.done, nc);

		for (size_t i = 0; i < n; i++) {
			struct stat st;
			if (e[i].chosen) {
				ck_assert_msg(lstat(e[i].path, &st) != 0, "seed %u: %s survived", seed, e[i].path);
				continue;
			}
			size_t got;
			void *b = tu_read_file(e[i].path, &got);
			ck_assert_msg(got == e[i].n && memcmp(b, e[i].bytes, got) == 0,
				      "seed %u: %s changed", seed, e[i].path);
			free(b);
		}
		struct stat st;
		ck_assert_int_eq(lstat(link, &st), 0); /* the symlink was not chosen: still there */
		ck_assert(S_ISLNK(st.st_mode));
		char *cmd = NULL;
		ck_assert_int_ge(asprintf(&cmd, "find '%s' -name '.coredu-*' | grep -q .", real), 0);
		ck_assert_int_ne(tu_run(cmd, NULL), 0); /* no private name left behind */
		free(cmd);
		delete_plan_free(&p);
		scan_free(s);
		index_free(&ix);
		for (size_t i = 0; i < n; i++) {
			free(e[i].path);
			free(e[i].bytes);
		}
		tu_rmtree(root);
		free(link), free(root), free(real);
	}
}
END_TEST

/* ---- races between the scan and the deletion ------------------------------------------------- */

struct race {
	char *root, *real, *precious;
	struct index ix;
	struct scan *s;
};

static void race_setup(struct race *r, const char *name)
{
	r->root = tu_mkdtemp("race");
	r->real = realpath(r->root, NULL);
	char *sub = tu_path(r->real, "sub"), *core = tu_path(r->real, name);
	mkdir(sub, 0755);
	put_core(core, 0);
	r->precious = tu_path(r->real, "precious.txt");
	tu_write_file(r->precious, "do not delete me\n", 17);
	r->s = tu_scan(r->real, &r->ix);
	free(sub), free(core);
}

static void race_expect_refused(struct race *r, const char *name, const char *reason)
{
	char *path = tu_path(r->real, name);
	const struct dump *d = find(&r->ix, path);
	ck_assert_ptr_nonnull(d);
	struct delete_plan p;
	delete_plan_init(&p, &d, 1, "/proc", 0);
	struct delete_opts o = {.scan = r->s};
	delete_run(&p, &o);
	ck_assert_int_eq(p.items[0].status, DELETE_REFUSED);
	ck_assert_msg(strstr(p.items[0].reason, reason), "reason '%s' lacks '%s'", p.items[0].reason,
		      reason);
	ck_assert_uint_eq(p.done, 0);
	size_t n;
	char *b = tu_read_file(r->precious, &n);
	ck_assert_str_eq(b, "do not delete me\n");
	free(b);
	delete_plan_free(&p);
	free(path);
}

static void race_teardown(struct race *r)
{
	scan_free(r->s);
	index_free(&r->ix);
	tu_rmtree(r->root);
	free(r->root), free(r->real), free(r->precious);
}

START_TEST(replaced_by_a_symlink)
{
	struct race r;
	race_setup(&r, "sub/core");
	char *core = tu_path(r.real, "sub/core");
	unlink(core);
	ck_assert_int_eq(symlink(r.precious, core), 0);
	race_expect_refused(&r, "sub/core", "symbolic link");
	free(core);
	race_teardown(&r);
}
END_TEST

START_TEST(path_component_replaced_by_a_symlink)
{
	struct race r;
	race_setup(&r, "sub/core");
	/* sub becomes a link to a directory holding another file called core */
	char *sub = tu_path(r.real, "sub"), *moved = tu_path(r.real, "moved"),
	     *elsewhere = tu_mkdtemp("elsewhere"), *other = tu_path(elsewhere, "core");
	tu_write_file(other, "another core\n", 13);
	ck_assert_int_eq(rename(sub, moved), 0);
	ck_assert_int_eq(symlink(elsewhere, sub), 0);
	race_expect_refused(&r, "sub/core", "symbolic link");
	size_t n;
	char *b = tu_read_file(other, &n);
	ck_assert_str_eq(b, "another core\n");
	free(b);
	tu_rmtree(elsewhere);
	free(sub), free(moved), free(elsewhere), free(other);
	race_teardown(&r);
}
END_TEST

START_TEST(same_name_new_inode)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core"), *copy = tu_path(r.real, "copy");
	tu_copy_file(core, copy);
	ck_assert_int_eq(rename(copy, core), 0); /* same bytes, another inode */
	race_expect_refused(&r, "core", "new inode");
	free(core), free(copy);
	race_teardown(&r);
}
END_TEST

START_TEST(grown_file)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core");
	int fd = open(core, O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, "more", 4), 4);
	close(fd);
	race_expect_refused(&r, "core", "size changed");
	free(core);
	race_teardown(&r);
}
END_TEST

START_TEST(modified_same_size)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core");
	struct timespec t[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
	ck_assert_int_eq(utimensat(AT_FDCWD, core, t, 0), 0);
	race_expect_refused(&r, "core", "modified since the scan");
	free(core);
	race_teardown(&r);
}
END_TEST

START_TEST(content_replaced_in_place)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core");
	struct stat st;
	ck_assert_int_eq(stat(core, &st), 0);
	int fd = open(core, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, "XXXX", 4, 0), 4); /* no longer ELF */
	close(fd);
	struct timespec t[2] = {st.st_atim, st.st_mtim}; /* and the mtime put back */
	ck_assert_int_eq(utimensat(AT_FDCWD, core, t, 0), 0);
	race_expect_refused(&r, "core", "first bytes");
	free(core);
	race_teardown(&r);
}
END_TEST

START_TEST(replaced_by_a_directory_or_gone)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core");
	unlink(core);
	race_expect_refused(&r, "core", "gone");
	ck_assert_int_eq(mkdir(core, 0755), 0);
	race_expect_refused(&r, "core", "no longer a regular file");
	struct stat st;
	ck_assert_int_eq(stat(core, &st), 0); /* a directory is never removed */
	ck_assert(S_ISDIR(st.st_mode));
	free(core);
	race_teardown(&r);
}
END_TEST

START_TEST(outside_the_roots)
{
	struct race r;
	race_setup(&r, "core");
	char *core = tu_path(r.real, "core");
	struct dump *d = (struct dump *)find(&r.ix, core);
	char *saved = d->path;
	d->path = strdup("/etc/passwd"); /* a record pointing outside its root */
	const struct dump *cd = d;
	struct delete_plan p;
	delete_plan_init(&p, &cd, 1, "/proc", 0);
	struct delete_opts o = {.scan = r.s};
	delete_run(&p, &o);
	ck_assert_int_eq(p.items[0].status, DELETE_REFUSED);
	ck_assert_ptr_nonnull(strstr(p.items[0].reason, "not under"));
	struct stat st;
	ck_assert_int_eq(stat("/etc/passwd", &st), 0);
	free(d->path);
	d->path = saved;
	delete_plan_free(&p);
	free(core);
	race_teardown(&r);
}
END_TEST

/* ---- permissions, held open, hard links -------------------------------------------------------- */

START_TEST(directory_permission_error)
{
	char *root = tu_mkdtemp("perm"), *real = realpath(root, NULL);
	char *dir = tu_path(real, "locked"), *core = tu_path(real, "locked/core");
	mkdir(dir, 0755);
	put_core(core, 0);
	chmod(root, 0755);
	if (geteuid() == 0) { /* root ignores modes: act as nobody */
		ck_assert_int_eq(chown(real, 65534, 65534), 0);
		ck_assert_int_eq(chown(dir, 65534, 65534), 0);
		ck_assert_int_eq(chown(core, 65534, 65534), 0);
	}
	chmod(dir, 0555);
	pid_t pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		struct index ix;
		struct scan *s = tu_scan(real, &ix);
		char *paths[] = {core};
		struct delete_plan p;
		delete_paths(s, &ix, paths, 1, &p, false);
		bool ok = p.items[0].status == DELETE_FAILED && strstr(p.items[0].reason, "Permission denied");
		_exit(ok ? 0 : 11);
	}
	int st;
	waitpid(pid, &st, 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", WEXITSTATUS(st));
	struct stat sb;
	ck_assert_int_eq(stat(core, &sb), 0); /* still there */
	chmod(dir, 0755);
	tu_rmtree(root);
	free(root), free(real), free(dir), free(core);
}
END_TEST

START_TEST(held_open_is_flagged)
{
	char *root = tu_mkdtemp("held"), *real = realpath(root, NULL);
	char *core = tu_path(real, "core.1"), *fresh = tu_path(real, "core.2");
	put_core(core, 0);
	put_core(fresh, 1);
	struct timespec old[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
	utimensat(AT_FDCWD, core, old, 0);
	int go[2];
	ck_assert_int_eq(pipe(go), 0);
	pid_t holder = fork();
	if (holder == 0) { /* a debugger, say, keeps the core open */
		int fd = open(core, O_RDONLY);
		ck_assert_int_eq(write(go[1], "r", 1), 1);
		pause();
		_exit(fd >= 0 ? 0 : 1);
	}
	char c;
	ck_assert_int_eq(read(go[0], &c, 1), 1);
	struct index ix;
	struct scan *s = tu_scan(real, &ix);
	const struct dump *set[] = {find(&ix, core), find(&ix, fresh)};
	struct delete_plan p;
	delete_plan_init(&p, set, 2, "/proc", (int64_t)time(NULL));
	ck_assert(p.items[0].held_open);
	char want[32];
	snprintf(want, sizeof(want), "pid %d", (int)holder);
	ck_assert_ptr_nonnull(strstr(p.items[0].held_by, want));
	ck_assert(!p.items[0].recent);
	ck_assert(!p.items[1].held_open);
	ck_assert(p.items[1].recent); /* written just now: maybe still being written */
	ck_assert_uint_eq(p.held_open, 1);
	ck_assert_uint_eq(p.recent, 1);
	/* Not confirmed again: both are left alone. */
	struct delete_opts o = {.scan = s, .skip_flagged = true};
	delete_run(&p, &o);
	ck_assert_uint_eq(p.skipped, 2);
	struct stat st;
	ck_assert_int_eq(stat(core, &st), 0);
	ck_assert_int_eq(stat(fresh, &st), 0);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(core), free(fresh);
}
END_TEST

START_TEST(held_open_from_a_proc_tree)
{
	/* A fixture procfs: pid 4242 is dumping core in the dump's directory. */
	char *root = tu_mkdtemp("proc"), *real = realpath(root, NULL);
	char *dumps = tu_path(real, "dumps"), *core = tu_path(real, "dumps/core.7");
	mkdir(dumps, 0755);
	put_core(core, 0);
	char *proc = tu_path(real, "proc");
	tu_put(proc, "4242/comm", "worker\n");
	tu_put(proc, "4242/status", "Name:\tworker\nCoreDumping:\t1\n");
	tu_put_link(proc, "4242/cwd", dumps);
	struct index ix;
	struct scan *s = tu_scan(dumps, &ix);
	const struct dump *d = find(&ix, core);
	struct delete_plan p;
	delete_plan_init(&p, &d, 1, proc, 0);
	ck_assert(p.items[0].held_open);
	ck_assert_ptr_nonnull(strstr(p.items[0].held_by, "pid 4242 (worker) is writing a core dump"));
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(dumps), free(core), free(proc);
}
END_TEST

/* Finding 8 of issue 14: any process could name itself "CoreDumping: 1" (PR_SET_NAME) and
 * match the search over /proc/PID/status: dumps in its directory were then flagged as being
 * written.  The field is read at the start of its line only. */
START_TEST(core_dumping_is_a_field_not_a_name)
{
	char *root = tu_mkdtemp("proc"), *real = realpath(root, NULL);
	char *dumps = tu_path(real, "dumps"), *core = tu_path(real, "dumps/core.7");
	mkdir(dumps, 0755);
	put_core(core, 0);
	char *proc = tu_path(real, "proc");
	/* the kernel escapes a newline in Name (seq_escape), so a line cannot start in it */
	tu_put(proc, "5000/comm", "CoreDumping: 1\n");
	tu_put(proc, "5000/status", "Name:\tCoreDumping: 1\nUmask:\t0022\nState:\tS (sleeping)\n"
				    "Pid:\t5000\nCoreDumping:\t0\nThreads:\t1\n");
	tu_put_link(proc, "5000/cwd", dumps);
	tu_put(proc, "5001/comm", "x\n");
	tu_put(proc, "5001/status", "Name:\tx\nXCoreDumping:\t1\n"); /* not the field either */
	tu_put_link(proc, "5001/cwd", dumps);
	struct index ix;
	struct scan *s = tu_scan(dumps, &ix);
	const struct dump *d = find(&ix, core);
	struct delete_plan p;
	delete_plan_init(&p, &d, 1, proc, 0);
	ck_assert_msg(!p.items[0].held_open, "flagged: %s", p.items[0].held_by);
	delete_plan_free(&p);
	long v = -1;
	ck_assert_int_eq(procfs_status_field("Name:\tCoreDumping: 1\nCoreDumping:\t1\n", "CoreDumping", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(procfs_status_field("Name:\tCoreDumping: 1\n", "CoreDumping", &v), -1);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(dumps), free(core), free(proc);
}
END_TEST

/* Finding 5 of issue 14: a compressed dump (systemd's core.*.zst, a core.xz) was compressed
 * again, to a .zst.zst that is no dump to anyone.  It is skipped, with the reason. */
START_TEST(compressed_dumps_are_not_compressed_again)
{
	char *root = tu_mkdtemp("zz"), *real = realpath(root, NULL);
	char *core = tu_path(real, "core.1"), *zst = tu_path(real, "core.1.zst");
	char *twice = tu_path(real, "core.1.zst.zst");
	put_core(core, 0);
	char *cmd = xasprintf("zstd -q --rm '%s' -o '%s' 2>&1", core, zst), *res = NULL;
	ck_assert_int_eq(tu_run(cmd, &res), 0);
	struct index ix;
	struct scan *s = tu_scan(real, &ix);
	ck_assert_uint_eq(ix.n, 1);
	char *paths[] = {zst};
	struct delete_plan p;
	delete_paths(s, &ix, paths, 1, &p, true);
	ck_assert_int_eq(p.items[0].status, DELETE_SKIPPED);
	ck_assert_msg(strstr(p.items[0].reason, "already compressed (zstd)"), "%s", p.items[0].reason);
	struct stat st;
	ck_assert_int_ne(stat(twice, &st), 0);
	ck_assert_int_eq(stat(zst, &st), 0);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(core), free(zst), free(twice), free(cmd), free(res);
}
END_TEST

/* ---- ABRT problem directories: one dump, deleted whole, only if unchanged -------------------- */

static char *make_problem_dir(const char *real);

/* A scanned tree with an ABRT problem directory and a precious file beside it. */
static char *abrt_setup(struct race *r, const char *precious)
{
	r->root = tu_mkdtemp("abrt");
	r->real = realpath(r->root, NULL);
	char *dir = make_problem_dir(r->real);
	r->precious = tu_path(r->real, precious);
	tu_write_file(r->precious, "do not delete me\n", 17);
	r->s = tu_scan(r->real, &r->ix);
	return dir;
}

static char *make_problem_dir(const char *real)
{
	char *dir = tu_path(real, "spool/ccpp-2026-11-24-10:00:00.123456-7553");
	tu_put(real, "spool/ccpp-2026-11-24-10:00:00.123456-7553/time", "1795514400");
	tu_put(real, "spool/ccpp-2026-11-24-10:00:00.123456-7553/type", "CCpp");
	tu_put(real, "spool/ccpp-2026-11-24-10:00:00.123456-7553/executable", "/usr/bin/crash_abort");
	tu_put(real, "spool/ccpp-2026-11-24-10:00:00.123456-7553/reason", "crash_abort killed by SIGABRT");
	char *core = tu_path(dir, "coredump");
	put_core(core, 0);
	free(core);
	return dir;
}

static void expect_abrt(struct race *r, const char *dir, bool compress, enum delete_status want,
			const char *reason)
{
	const struct dump *d = find(&r->ix, dir);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->kind, DUMP_ABRT);
	struct delete_plan p;
	delete_plan_init(&p, &d, 1, "/proc", 0);
	struct delete_opts o = {.scan = r->s, .compress = compress};
	delete_run(&p, &o);
	ck_assert_msg(p.items[0].status == want, "status %s: %s", delete_status_name(p.items[0].status),
		      p.items[0].reason);
	if (reason)
		ck_assert_msg(strstr(p.items[0].reason, reason), "reason '%s' lacks '%s'",
			      p.items[0].reason, reason);
	if (want == DELETE_DONE)
		ck_assert_uint_gt(p.items[0].freed, 0);
	delete_plan_free(&p);
}

START_TEST(abrt_directory_deleted_whole)
{
	struct race r;
	char *dir = abrt_setup(&r, "spool/precious.txt");
	ck_assert_uint_eq(r.ix.n, 1); /* the directory; its core is not a dump of its own */
	ck_assert_uint_eq(r.ix.v[0]->meta.files, 5);
	expect_abrt(&r, dir, true, DELETE_REFUSED, "deleted whole, not compressed");
	struct stat st;
	ck_assert_int_eq(stat(dir, &st), 0);
	expect_abrt(&r, dir, false, DELETE_DONE, NULL);
	ck_assert_int_eq(stat(dir, &st), -1);
	char *spool = tu_path(r.real, "spool");
	ck_assert_int_eq(stat(spool, &st), 0);
	size_t n;
	char *b = tu_read_file(r.precious, &n);
	ck_assert_str_eq(b, "do not delete me\n");
	free(b), free(spool), free(dir);
	race_teardown(&r);
}
END_TEST

START_TEST(abrt_directory_changed_is_refused)
{
	static const char *const changes[] = {"file changed", "file added", "subdirectory added",
					      "replaced by a link"};
	for (size_t c = 0; c < ARRAY_SIZE(changes); c++) {
		struct race r;
		char *dir = abrt_setup(&r, "precious.txt");
		char *f = tu_path(dir, c == 1 ? "new-file" : c == 2 ? "subdir" : "reason");
		const char *reason = "its files changed since the scan";
		switch (c) {
		case 0: tu_write_file(f, "something else entirely", 23); break;
		case 1: tu_write_file(f, "x", 1); break;
		case 2:
			ck_assert_int_eq(mkdir(f, 0755), 0);
			reason = "holds more than regular files";
			break;
		case 3: {
			char *moved = tu_path(r.real, "moved");
			ck_assert_int_eq(rename(dir, moved), 0);
			ck_assert_int_eq(symlink(moved, dir), 0);
			reason = "no longer a directory";
			free(moved);
			break;
		}
		}
		expect_abrt(&r, dir, false, DELETE_REFUSED, reason);
		struct stat st;
		ck_assert_msg(stat(dir, &st) == 0 && S_ISDIR(st.st_mode), "%s: the directory stays", changes[c]);
		char *core = tu_path(dir, "coredump");
		ck_assert_msg(stat(core, &st) == 0, "%s: its core stays", changes[c]);
		free(core), free(f), free(dir);
		race_teardown(&r);
	}
}
END_TEST

START_TEST(hard_links_free_nothing)
{
	char *root = tu_mkdtemp("links"), *real = realpath(root, NULL);
	char *a = tu_path(real, "core.a"), *b = tu_path(real, "core.b");
	put_core(a, 0);
	ck_assert_int_eq(link(a, b), 0);
	struct index ix;
	struct scan *s = tu_scan(real, &ix);
	ck_assert_uint_eq(ix.n, 1); /* one dump, under the smaller path */
	char *paths[] = {a};
	struct delete_plan p;
	delete_paths(s, &ix, paths, 1, &p, false);
	ck_assert_uint_eq(p.hardlinked, 1);
	ck_assert_int_eq(p.items[0].status, DELETE_DONE);
	ck_assert(p.items[0].other_links);
	ck_assert_uint_eq(p.freed, 0);
	struct stat st;
	ck_assert_int_eq(stat(b, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 1);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(a), free(b);
}
END_TEST

/* ---- compression ------------------------------------------------------------------------------- */

START_TEST(compress_round_trip)
{
	char *root = tu_mkdtemp("zst"), *real = realpath(root, NULL);
	char *core = tu_path(real, "core.1058"), *zst = tu_path(real, "core.1058.zst");
	put_core(core, 1);
	chmod(core, 0640);
	struct timespec t[2] = {{1700000000, 5}, {1700000001, 123456789}};
	ck_assert_int_eq(utimensat(AT_FDCWD, core, t, 0), 0);
	size_t n;
	void *orig = tu_read_file(core, &n);
	struct index ix;
	struct scan *s = tu_scan(real, &ix);
	int64_t pid = find(&ix, core)->core.pid;
	char *paths[] = {core};
	struct delete_plan p;
	delete_paths(s, &ix, paths, 1, &p, true);
	ck_assert_msg(p.items[0].status == DELETE_DONE, "%s", p.items[0].reason);
	ck_assert_uint_gt(p.freed, 0);
	struct stat st;
	ck_assert_int_ne(stat(core, &st), 0); /* the original is gone */
	ck_assert_int_eq(stat(zst, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1700000001);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 123456789);
	/* Decompressed (by libzstd in one piece, not by coredu's reader), it is the original,
	 * byte for byte. */
	size_t zn;
	void *zbuf = tu_read_file(zst, &zn);
	ck_assert_uint_eq(ZSTD_getFrameContentSize(zbuf, zn), n);
	char *back = malloc(n);
	ck_assert_uint_eq(ZSTD_decompress(back, n, zbuf, zn), n);
	ck_assert(memcmp(back, orig, n) == 0);
	ck_assert_uint_lt(zn * 10, n); /* and it was worth it */
	free(zbuf);
	/* And the scanner still reads the dump's metadata from it. */
	struct index ix2;
	struct scan *s2 = tu_scan(real, &ix2);
	ck_assert_uint_eq(ix2.n, 1);
	ck_assert_int_eq(ix2.v[0]->compression, COMP_ZSTD);
	ck_assert_uint_eq(ix2.v[0]->size_original, n);
	ck_assert_int_eq(ix2.v[0]->core.pid, pid);
	ck_assert(!ix2.v[0]->core.truncated);
	scan_free(s2);
	index_free(&ix2);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(core), free(zst), free(orig), free(back);
}
END_TEST

/* A signal noted while a dump is compressed: the copy is dropped, no temporary stays, the
 * original is untouched and the item is skipped; the items after it are not reached. */
START_TEST(compress_stopped_by_a_signal)
{
	char *root = tu_mkdtemp("zst"), *real = realpath(root, NULL);
	char *a = tu_path(real, "core.1"), *b = tu_path(real, "core.2");
	put_core(a, 3);
	put_core(b, 3);
	size_t n;
	void *orig = tu_read_file(a, &n);
	struct index ix;
	struct scan *s = tu_scan(real, &ix);
	const struct dump *set[] = {find(&ix, a), find(&ix, b)};
	struct delete_plan p;
	delete_plan_init(&p, set, 2, "/proc", 0);
	volatile sig_atomic_t caught = SIGTERM;
	struct delete_opts o = {.scan = s, .compress = true, .cancel = &caught};
	delete_one(&o, &p.items[0]); /* the dump in hand when the signal came */
	ck_assert_msg(p.items[0].status == DELETE_SKIPPED, "%s: %s", delete_status_name(p.items[0].status),
		      p.items[0].reason);
	ck_assert_msg(strstr(p.items[0].reason, "stopped while it was compressed"), "%s", p.items[0].reason);
	delete_step(&p, &o, 1); /* the next one */
	ck_assert_msg(strstr(p.items[1].reason, "stopped before it was reached"), "%s", p.items[1].reason);
	size_t m;
	void *now = tu_read_file(a, &m);
	ck_assert(m == n && memcmp(now, orig, n) == 0);
	DIR *d = opendir(real);
	struct dirent *e;
	size_t entries = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ck_assert_msg(!strcmp(e->d_name, "core.1") || !strcmp(e->d_name, "core.2"),
			      "left behind: %s", e->d_name);
		entries++;
	}
	closedir(d);
	ck_assert_uint_eq(entries, 2);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(a), free(b), free(orig), free(now);
}
END_TEST

/* Finding 2 of issue 14: compression read a sparse file's whole apparent size (1 GiB read
 * twice here, 2.1 GB; 8 GiB took 3.2 s, 1 PiB would take days).  Only the data extents are
 * read now, the holes are zeros from memory, and the copy decompresses to the same bytes. */
START_TEST(compress_reads_data_extents_only)
{
	char *root = tu_mkdtemp("sparse"), *real = realpath(root, NULL);
	char *core = tu_path(real, "core.1"), *zst = tu_path(real, "core.1.zst");
	put_core(core, 0);
	int fd = open(core, O_RDWR);
	ck_assert_int_ge(fd, 0);
	char block[65536];
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)(i * 7919 >> 3);
	ck_assert_int_eq(pwrite(fd, block, sizeof(block), 512 << 20), (ssize_t)sizeof(block));
	ck_assert_int_eq(ftruncate(fd, 1000 << 20), 0); /* 1000 MiB, about 600 KiB of data */
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	int dir = open(real, O_RDONLY | O_DIRECTORY);
	struct zst_result r;
	char err[200];
	struct zst_stop stop = {0};
	int rc = zst_compress_beside(dir, "core.1", fd, &st, &stop, &r, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(r.original, (uint64_t)st.st_size);
	/* compressed, then verified: the data twice, and nothing of the holes */
	ck_assert_msg(r.read <= 2 * (uint64_t)st.st_blocks * 512 + (2u << 20),
		      "read %llu bytes of a file with %llu on disk", (unsigned long long)r.read,
		      (unsigned long long)st.st_blocks * 512);
	char *cmd = xasprintf("zstd -q -d -c '%s' | cmp - '%s' 2>&1", zst, core), *res = NULL;
	ck_assert_msg(tu_run(cmd, &res) == 0, "the copy is not the dump: %s", res);
	free(cmd), free(res);
	/* 64 GiB with a few hundred KiB of data: not worth a copy, and nothing is read */
	unlink(zst);
	ck_assert_int_eq(ftruncate(fd, 64ll << 30), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	rc = zst_compress_beside(dir, "core.1", fd, &st, &stop, &r, err, sizeof(err));
	ck_assert_int_eq(rc, -1);
	ck_assert(r.pointless);
	ck_assert_uint_eq(r.read, 0);
	ck_assert_msg(strstr(err, "mostly holes"), "%s", err);
	ck_assert_int_ne(access(zst, F_OK), 0);
	close(fd);
	close(dir);
	tu_rmtree(root);
	free(root), free(real), free(core), free(zst);
}
END_TEST

/* A caller's poll (the browser's q) stops a compression between two chunks: no copy, no
 * temporary, the original as it was. */
static bool stop_after_three(void *ctx)
{
	int *calls = ctx;
	return ++*calls > 3;
}

START_TEST(compress_stopped_inside_a_file)
{
	char *root = tu_mkdtemp("zstop"), *real = realpath(root, NULL);
	char *core = tu_path(real, "core.1");
	put_core(core, 1); /* 24 MiB */
	size_t n;
	void *orig = tu_read_file(core, &n);
	int fd = open(core, O_RDONLY), dir = open(real, O_RDONLY | O_DIRECTORY);
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	int calls = 0;
	struct zst_stop stop = {NULL, stop_after_three, &calls};
	struct zst_result r;
	char err[200];
	ck_assert_int_eq(zst_compress_beside(dir, "core.1", fd, &st, &stop, &r, err, sizeof(err)), -1);
	ck_assert(r.cancelled);
	ck_assert_int_eq(calls, 4); /* asked every chunk, stopped at the first yes */
	DIR *d = opendir(real);
	struct dirent *e;
	while ((e = readdir(d)))
		ck_assert_msg(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
			      !strcmp(e->d_name, "core.1"), "left behind: %s", e->d_name);
	closedir(d);
	size_t m;
	void *now = tu_read_file(core, &m);
	ck_assert(m == n && memcmp(now, orig, n) == 0);
	close(fd);
	close(dir);
	tu_rmtree(root);
	free(root), free(real), free(core), free(orig), free(now);
}
END_TEST

START_TEST(compress_refused_without_space)
{
	char *root = tu_mkdtemp("full");
	if (mount("tmpfs", root, "tmpfs", 0, "size=640k") != 0) {
		fprintf(stderr, "compress_refused_without_space: skipped, cannot mount (%s)\n",
			strerror(errno));
		tu_rmtree(root);
		free(root);
		return;
	}
	char *core = tu_path(root, "core"), *filler = tu_path(root, "filler");
	put_core(core, 2); /* 316 KiB, mostly zeros on disk here */
	char block[4096] = {1};
	int fd = open(filler, O_WRONLY | O_CREAT, 0644);
	while (write(fd, block, sizeof(block)) == sizeof(block))
		; /* fill the file system */
	close(fd);
	size_t n;
	void *orig = tu_read_file(core, &n);
	struct index ix;
	struct scan *s = tu_scan(root, &ix);
	char *paths[] = {core};
	struct delete_plan p;
	delete_paths(s, &ix, paths, 1, &p, true);
	ck_assert_int_eq(p.items[0].status, DELETE_FAILED);
	ck_assert_msg(strstr(p.items[0].reason, "not enough free space"), "%s", p.items[0].reason);
	size_t m;
	void *now = tu_read_file(core, &m); /* the original is untouched */
	ck_assert(m == n && memcmp(now, orig, n) == 0);
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "ls -A '%s' | grep -v -x -e core -e filler | grep -q .", root), 0);
	ck_assert_int_ne(tu_run(cmd, NULL), 0); /* no copy, no temporary left */
	free(cmd);
	delete_plan_free(&p);
	scan_free(s);
	index_free(&ix);
	umount(root);
	tu_rmtree(root);
	free(root), free(core), free(filler), free(orig), free(now);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("delete");
	TCase *tc = tcase_create("delete");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, exactly_the_chosen_set);
	tcase_add_test(tc, replaced_by_a_symlink);
	tcase_add_test(tc, path_component_replaced_by_a_symlink);
	tcase_add_test(tc, same_name_new_inode);
	tcase_add_test(tc, grown_file);
	tcase_add_test(tc, modified_same_size);
	tcase_add_test(tc, content_replaced_in_place);
	tcase_add_test(tc, replaced_by_a_directory_or_gone);
	tcase_add_test(tc, outside_the_roots);
	tcase_add_test(tc, directory_permission_error);
	tcase_add_test(tc, held_open_is_flagged);
	tcase_add_test(tc, held_open_from_a_proc_tree);
	tcase_add_test(tc, core_dumping_is_a_field_not_a_name);
	tcase_add_test(tc, compressed_dumps_are_not_compressed_again);
	tcase_add_test(tc, hard_links_free_nothing);
	tcase_add_test(tc, abrt_directory_deleted_whole);
	tcase_add_test(tc, abrt_directory_changed_is_refused);
	tcase_add_test(tc, compress_round_trip);
	tcase_add_test(tc, compress_stopped_by_a_signal);
	tcase_add_test(tc, compress_refused_without_space);
	tcase_add_test(tc, compress_reads_data_extents_only);
	tcase_add_test(tc, compress_stopped_inside_a_file);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
