/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "testutil.h"

#include "kinds/dump.h"
#include "model/index.h"
#include "scan/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_mkdtemp(const char *tag)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base)
		base = "/tmp";
	size_t n = strlen(base) + strlen(tag) + 32;
	char *p = malloc(n);
	snprintf(p, n, "%s/coredu-%s-XXXXXX", base, tag);
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp %s: %s", p, strerror(errno));
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700), rmdir(path);
	else
		unlink(path);
	return 0;
}

void tu_rmtree(const char *path)
{
	if (!path)
		return;
	/* Unreadable directories left by a test are made readable first. */
	chmod(path, 0700);
	/* Few descriptors: a test may have lowered RLIMIT_NOFILE (the 600-deep comb runs with 48). */
	nftw(path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	rmdir(path);
}

char *tu_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

void tu_write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* mkdir -p for the directories of ROOT/REL; returns the full path. */
static char *make_parents(const char *root, const char *rel)
{
	char *path = tu_path(root, rel);
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
			      strerror(errno));
		*p = '/';
	}
	return path;
}

void tu_put(const char *root, const char *rel, const char *text)
{
	char *path = make_parents(root, rel);
	tu_write_file(path, text, strlen(text));
	free(path);
}

void tu_put_link(const char *root, const char *rel, const char *target)
{
	char *path = make_parents(root, rel);
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
	free(path);
}

void *tu_read_file(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	char *b = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, b + got, (size_t)st.st_size - got);
		ck_assert_int_gt(k, 0);
		got += (size_t)k;
	}
	b[got] = '\0';
	close(fd);
	*n = got;
	return b;
}

void tu_copy_file(const char *from, const char *to)
{
	size_t n;
	void *b = tu_read_file(from, &n);
	tu_write_file(to, b, n);
	free(b);
}

const char *tu_fixture_dir(void)
{
	const char *d = getenv("FIXTURE_DIR");
	ck_assert_msg(d && *d, "FIXTURE_DIR is not set (run the tests through make check)");
	return d;
}

const char *tu_coredu(void)
{
	const char *c = getenv("COREDU");
	ck_assert_msg(c && *c, "COREDU is not set (run the tests through make check)");
	return c;
}

static void set_field(struct tu_expect *e, const char *key, const char *val)
{
#define STR(k, f) \
	if (strcmp(key, k) == 0) { \
		snprintf(e->f, sizeof(e->f), "%s", val); \
		return; \
	}
#define NUM(k, f) \
	if (strcmp(key, k) == 0) { \
		e->f = strtol(val, NULL, 10); \
		return; \
	}
	STR("file", file) STR("case", kase) STR("machine", machine) STR("cause", cause)
	STR("fault", fault) STR("comm", comm) STR("cmdline", cmdline) STR("exe", exe)
	STR("argv", argv)
	NUM("pid", pid) NUM("tid", tid) NUM("ppid", ppid) NUM("sender", sender)
	NUM("signal", signal) NUM("class", elf_class) NUM("threads", threads)
	if (strcmp(key, "endian") == 0)
		e->big_endian = strcmp(val, "big") == 0;
#undef STR
#undef NUM
}

size_t tu_manifest(struct tu_expect *out, size_t max)
{
	char *path = tu_path(tu_fixture_dir(), "MANIFEST");
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	char line[2048];
	size_t n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		struct tu_expect *e = &out[n++];
		memset(e, 0, sizeof(*e));
		e->pid = e->tid = e->ppid = e->sender = -1;
		for (char *save, *tok = strtok_r(line, "\t", &save); tok;
		     tok = strtok_r(NULL, "\t", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq)
				continue;
			*eq = '\0';
			set_field(e, tok, eq + 1);
		}
	}
	fclose(f);
	free(path);
	return n;
}

const struct tu_expect *tu_manifest_find(const struct tu_expect *v, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].file, file) == 0)
			return &v[i];
	return NULL;
}

int tu_run(const char *cmd, char **out)
{
	FILE *p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "popen %s", cmd);
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	size_t k;
	while ((k = fread(b + len, 1, cap - len - 1, p)) > 0) {
		len += k;
		if (cap - len < 2)
			b = realloc(b, cap *= 2);
	}
	b[len] = '\0';
	int st = pclose(p);
	if (out)
		*out = b;
	else
		free(b);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Entries left in dir (names on stderr); 0 when it is empty or gone. */
static int leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fprintf(stderr, "%s: left behind by a test: %s/%s\n", program_invocation_short_name,
				dir, e->d_name), n++;
	closedir(d);
	return n;
}

int tu_run_suite(Suite *s)
{
	/* The commands the tests run (find, sort, python3) see one locale whatever the caller's. */
	static const char *const lc[] = {"LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES",
					 "LC_NUMERIC", "LC_TIME", "LANGUAGE"};
	for (size_t i = 0; i < sizeof(lc) / sizeof(lc[0]); i++)
		unsetenv(lc[i]);
	setenv("LANG", "C.UTF-8", 1);
	/* The suite's temporary directories (tu_mkdtemp, and $TMPDIR for the programs tests
	 * run) go under one of its own, removed here, in the parent: a test that fails or
	 * times out, whose child is killed before it can clean up, leaves nothing behind.  A
	 * suite whose tests all passed must have removed what they made. */
	const char *base = getenv("TMPDIR");
	char *dir = tu_path(base && *base ? base : "/tmp", "coredu-unit-XXXXXX");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "%s: mkdtemp %s: %s\n", program_invocation_short_name, dir,
			strerror(errno));
		return 1;
	}
	chmod(dir, 0755); /* tests that drop to nobody reach their directories through it */
	setenv("TMPDIR", dir, 1);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (!failed && leftovers(dir))
		failed = 1;
	tu_rmtree(dir);
	free(dir);
	return failed ? 1 : 0;
}

struct dump *tu_fake_dump(const char *path, uint64_t ino, uint64_t disk, uint64_t size,
			  int64_t mtime, const char *comm, int sig)
{
	struct dump *d = calloc(1, sizeof(*d));
	d->path = strdup(path);
	d->dev = 7;
	d->ino = ino;
	d->size_disk = disk;
	d->size_apparent = size;
	d->mtime = mtime;
	d->kind = DUMP_ELF_CORE;
	d->core.pid = (int64_t)ino;
	d->core.machine = 62; /* EM_X86_64 */
	d->core.signal = sig;
	snprintf(d->core.comm, sizeof(d->core.comm), "%s", comm);
	return d;
}

static void tu_on_dump(void *ctx, struct dump *d)
{
	index_add(ctx, d);
}

static void tu_on_error(void *ctx, const char *path, const char *what, int err)
{
	(void)ctx;
	ck_abort_msg("scan error: %s %s: %s", what, path, strerror(err));
}

struct scan *tu_scan(const char *root, struct index *ix)
{
	index_init(ix);
	struct scan_sink sink = {ix, tu_on_dump, tu_on_error};
	struct scan_opts o = {0};
	struct scan *s = scan_new(&o, &sink);
	char why[256];
	ck_assert_msg(scan_add_root(s, root, why, sizeof(why)) == 0, "root %s: %s", root, why);
	ck_assert_int_eq(scan_run(s), 0);
	index_sort(ix, SORT_PATH, false);
	return s;
}
