/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real crashes, made now: small programs and python3 dump core under `ulimit -c unlimited`
 * in a temporary directory, and every field is checked against what this test knows (the
 * pid from fork, argv, the signal, the threads, the parent as sender, the fault address).
 * Where the kernel cannot write cores here (core_pattern is a pipe or an absolute path, or
 * RLIMIT_CORE is pinned at 0) the same checks run on the committed fixtures, and the test
 * says so. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "scan/detect.h"
#include "testutil.h"
#include "verify.h"

static char *tmp;

static bool live_possible(char *why, size_t n)
{
	char pattern[256] = "";
	FILE *f = fopen("/proc/sys/kernel/core_pattern", "r");
	if (f) {
		if (!fgets(pattern, sizeof(pattern), f))
			pattern[0] = '\0';
		fclose(f);
	}
	pattern[strcspn(pattern, "\n")] = '\0';
	struct rlimit rl;
	getrlimit(RLIMIT_CORE, &rl);
	if (getenv("COREDU_TEST_NO_LIVE")) /* lets make check exercise the fallback too */
		snprintf(why, n, "COREDU_TEST_NO_LIVE is set");
	else if (pattern[0] == '|')
		snprintf(why, n, "core_pattern pipes cores to a handler ('%s')", pattern);
	else if (pattern[0] == '/')
		snprintf(why, n, "core_pattern is an absolute path ('%s')", pattern);
	else if (pattern[0] == '\0')
		snprintf(why, n, "core_pattern is empty");
	else if (rl.rlim_max == 0)
		snprintf(why, n, "the RLIMIT_CORE hard limit is 0");
	else
		return true;
	return false;
}

static void machine_facts(struct tu_expect *e)
{
	struct utsname u;
	uname(&u);
	static const struct {
		const char *uname, *name;
	} names[] = {{"x86_64", "x86-64"}, {"aarch64", "aarch64"}, {"s390x", "s390x"},
		     {"ppc64le", "ppc64le"}, {"riscv64", "riscv64"}, {"i686", "i386"}};
	snprintf(e->machine, sizeof(e->machine), "%.15s", u.machine);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(u.machine, names[i].uname) == 0)
			snprintf(e->machine, sizeof(e->machine), "%s", names[i].name);
	e->elf_class = sizeof(void *) == 8 ? 64 : 32;
	e->big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* Run argv in dir with an unlimited core size; returns its stdout, *pid and *status.  envp
 * NULL: this process's environment. */
static char *crash_env(const char *dir, const char *path, char *const argv[], char *const envp[],
		       pid_t *pid, int *status)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_CORE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_CORE, &rl);
		if (chdir(dir) != 0)
			_exit(127);
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		if (envp)
			execve(path, argv, envp);
		else
			execv(path, argv);
		_exit(127);
	}
	close(p[1]);
	static char out[512];
	size_t len = 0;
	ssize_t k;
	while ((k = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)k;
	out[len] = '\0';
	close(p[0]);
	waitpid(c, status, 0);
	*pid = c;
	return out;
}

static char *crash(const char *dir, const char *path, char *const argv[], pid_t *pid,
		   int *status)
{
	return crash_env(dir, path, argv, NULL, pid, status);
}

/* The file a crash left in dir, recognised by content; NULL if there is none. */
static char *find_core(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *found = NULL;
	while (d && (e = readdir(d)) && !found) {
		if (e->d_type != DT_REG)
			continue;
		char *p = tu_path(dir, e->d_name);
		int fd = open(p, O_RDONLY);
		unsigned char head[64];
		ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0 && detect_kind(head, (size_t)n) == DUMP_ELF_CORE)
			found = p;
		else
			free(p);
	}
	if (d)
		closedir(d);
	return found;
}

static char *case_dir(const char *name, const char *program)
{
	char *dir = tu_path(tmp, name);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	if (program) {
		char *from = tu_path(getenv("CRASHERS"), program), *to = tu_path(dir, program);
		tu_copy_file(from, to);
		chmod(to, 0755);
		free(from), free(to);
	}
	return dir;
}

/* Check the core in dir against e through the library and through `coredu json`. */
static void check_case(const char *dir, struct tu_expect *e)
{
	char *core = find_core(dir);
	ck_assert_msg(core != NULL, "%s: the crash left no core", e->kase);
	snprintf(e->file, sizeof(e->file), "%s", strrchr(core, '/') + 1);
	tv_verify_core(core, e, true);
	tv_verify_json(dir, e, true);
	printf("live %-12s pid %ld tid %ld signal %d cause %s: ok\n", e->kase, e->pid, e->tid,
	       e->signal, e->cause);
	free(core);
}

/* What a case expects besides its numbers. */
static struct tu_expect base(const char *kase, int signal, const char *cause, const char *comm,
			     const char *cmdline, const char *exe)
{
	struct tu_expect e;
	memset(&e, 0, sizeof(e));
	e.pid = e.tid = e.ppid = e.sender = -1;
	e.signal = signal;
	e.threads = 1;
	snprintf(e.kase, sizeof(e.kase), "%s", kase);
	snprintf(e.cause, sizeof(e.cause), "%s", cause);
	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	snprintf(e.cmdline, sizeof(e.cmdline), "%s", cmdline);
	snprintf(e.exe, sizeof(e.exe), "%s", exe);
	machine_facts(&e);
	return e;
}

static bool live_abort(void)
{
	char *dir = case_dir("abort", "crash_abort");
	char *const argv[] = {"./crash_abort", "first", "second arg", "third", NULL};
	pid_t pid;
	int st;
	crash(dir, "./crash_abort", argv, &pid, &st);
	if (!(WIFSIGNALED(st) && WCOREDUMP(st))) {
		free(dir);
		return false;
	}
	struct tu_expect e = base("abort", 6, "self", "crash_abort",
				  "./crash_abort first second arg third", "./crash_abort");
	e.pid = e.tid = e.sender = pid;
	e.ppid = getpid();
	check_case(dir, &e);
	free(dir);
	return true;
}

/* A container's environment can be tens of KiB: the auxv lies below all of it, so finding it
 * (to read the whole argv past pr_psargs' 80 bytes) takes more than the first chunk read. */
static void live_big_environment(void)
{
	char *dir = case_dir("big-env", "crash_abort");
	enum { VARS = 800, VALUE = 60 }; /* 800 x 67 bytes: about 52 KiB of strings */
	char **envp = xcalloc(VARS + 1, sizeof(*envp));
	for (int i = 0; i < VARS; i++)
		envp[i] = xasprintf("V%04d=%0*d", i, VALUE, i);
	char *const argv[] = {"./crash_abort", "--bind", "0.0.0.0:8000", "--workers", "4",
			      "--worker-class", "uvicorn.workers.UvicornWorker", "--max-requests",
			      "500", NULL};
	pid_t pid;
	int st;
	crash_env(dir, "./crash_abort", argv, envp, &pid, &st);
	ck_assert(WIFSIGNALED(st) && WCOREDUMP(st));
	struct tu_expect e = base("big-env", 6, "self", "crash_abort",
				  "./crash_abort --bind 0.0.0.0:8000 --workers 4 --worker-class "
				  "uvicorn.workers.UvicornWorker --max-requests 500",
				  "./crash_abort");
	e.pid = e.tid = e.sender = pid;
	e.ppid = getpid();
	check_case(dir, &e);
	for (int i = 0; i < VARS; i++)
		free(envp[i]);
	free(envp);
	free(dir);
}

static void live_thread_segv(void)
{
	char *dir = case_dir("thread-segv", "crash_thread_segv");
	char *const argv[] = {"./crash_thread_segv", NULL};
	pid_t pid;
	int st;
	const char *out = crash(dir, "./crash_thread_segv", argv, &pid, &st);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && WCOREDUMP(st));
	struct tu_expect e = base("thread-segv", 11, "fault", "crash_thread_se",
				  "./crash_thread_segv", "./crash_thread_segv");
	long p, t, pp;
	unsigned n;
	ck_assert_int_eq(sscanf(out, "pid=%ld tid=%ld ppid=%ld threads=%u", &p, &t, &pp, &n), 4);
	ck_assert_int_eq(p, pid);
	ck_assert_int_ne(t, pid); /* the crash is in a thread that is not the main one */
	e.pid = p;
	e.tid = t;
	e.ppid = getpid();
	e.threads = n;
	snprintf(e.fault, sizeof(e.fault), "0x0");
	check_case(dir, &e);
	free(dir);
}

static void live_parent_kill(void)
{
	char *dir = case_dir("parent-kill", "crash_parent_kill");
	char *const argv[] = {"./crash_parent_kill", NULL};
	pid_t pid;
	int st;
	const char *out = crash(dir, "./crash_parent_kill", argv, &pid, &st);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long parent, child;
	int dumped;
	ck_assert_int_eq(sscanf(out, "parent=%ld child=%ld dumped=%d", &parent, &child, &dumped), 3);
	ck_assert_int_eq(parent, pid);
	ck_assert_int_eq(dumped, 1);
	struct tu_expect e = base("parent-kill", 6, "parent", "crash_parent_ki",
				  "./crash_parent_kill", "./crash_parent_kill");
	e.pid = e.tid = child;
	e.ppid = e.sender = parent;
	check_case(dir, &e);
	free(dir);
}

static void live_python_abort(void)
{
	const char *py = "/usr/bin/python3";
	if (access(py, X_OK) != 0) {
		printf("SKIP: live python-abort: %s is not installed (apt-get install python3)\n", py);
		return;
	}
	char *dir = case_dir("python-abort", NULL);
	char *const argv[] = {"python3", "-c", "import os; os.abort()", NULL};
	pid_t pid;
	int st;
	crash(dir, py, argv, &pid, &st);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && WCOREDUMP(st));
	struct tu_expect e = base("python-abort", 6, "self", "python3",
				  "python3 -c import os; os.abort()", py);
	e.pid = e.tid = e.sender = pid;
	e.ppid = getpid();
	check_case(dir, &e);
	free(dir);
}

static void fixture_fallback(const char *why)
{
	printf("NOTE: no live crash can dump core here: %s.\n"
	       "NOTE: checking the committed fixture cores (tests/fixtures) instead.\n", why);
	struct tu_expect v[32];
	size_t n = tu_manifest(v, 32);
	size_t checked = 0;
	char *fields = tv_json_fields(tu_fixture_dir());
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].machine, "x86-64") != 0 || strcmp(v[i].kase, "gcore") == 0)
			continue;
		v[i].file[strlen(v[i].file) - 3] = '\0';
		char *p = tu_path(tu_fixture_dir(), v[i].file);
		tv_verify_core(p, &v[i], true);
		tv_verify_json_fields(fields, &v[i], true);
		free(p);
		checked++;
	}
	free(fields);
	ck_assert_uint_ge(checked, 3);
}

START_TEST(live_crashes)
{
	char why[320] = "";
	tmp = tu_mkdtemp("live");
	bool live = live_possible(why, sizeof(why));
	if (live && !live_abort()) {
		snprintf(why, sizeof(why), "a crash under an unlimited RLIMIT_CORE left no core");
		live = false;
	}
	if (!live) {
		fixture_fallback(why);
	} else {
		live_thread_segv();
		live_big_environment();
		live_parent_kill();
		live_python_abort();
	}
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("crashes");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, live_crashes);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
