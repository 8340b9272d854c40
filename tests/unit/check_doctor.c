/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The doctor's parts against fixture /proc and / trees: core_pattern classification, the
 * /proc parsers, processes as future dumps, environment detection, the hints table and its
 * matching, the remedies, and the group analysis (cadence, growth, time to full, the
 * sender still alive or not) on fake and on real cores. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/procfs.h"
#include "doctor/coreconf.h"
#include "doctor/doctor.h"
#include "doctor/envinfo.h"
#include "doctor/hints.h"
#include "doctor/liveproc.h"
#include "doctor/remedy.h"
#include "model/index.h"
#include "output/report.h"
#include "output/report_doctor.h"
#include "scan/scan.h"
#include "testutil.h"

/* ---- core_pattern ------------------------------------------------------------------------- */

static const struct {
	const char *pattern;
	int uses_pid;
	enum corepat_kind kind;
	enum corepat_handler handler;
	enum core_accumulation acc;
	const char *dir;
	bool appended;
} patterns[] = {
	{"core", 0, PAT_RELATIVE, HANDLER_NONE, ACC_ONE_PER_DIR, "", false},
	{"core", 1, PAT_RELATIVE, HANDLER_NONE, ACC_UNBOUNDED, "", true},
	{"core.%p", 0, PAT_RELATIVE, HANDLER_NONE, ACC_UNBOUNDED, "", false},
	{"core.%p", 1, PAT_RELATIVE, HANDLER_NONE, ACC_UNBOUNDED, "", false},
	{"core.%P", 1, PAT_RELATIVE, HANDLER_NONE, ACC_UNBOUNDED, "", true},
	{"core.%e", 0, PAT_RELATIVE, HANDLER_NONE, ACC_PER_NAME, "", false},
	{"core.%s.%u", 0, PAT_RELATIVE, HANDLER_NONE, ACC_PER_NAME, "", false},
	{"core%%p", 0, PAT_RELATIVE, HANDLER_NONE, ACC_ONE_PER_DIR, "", false},
	{"cores/core.%t", 0, PAT_RELATIVE, HANDLER_NONE, ACC_UNBOUNDED, "cores", false},
	{"/var/crash/core.%e.%p.%t", 0, PAT_ABSOLUTE, HANDLER_NONE, ACC_UNBOUNDED, "/var/crash", false},
	{"/cores/%e/core", 0, PAT_ABSOLUTE, HANDLER_NONE, ACC_PER_NAME, "/cores", false},
	{"/%e/core.%i", 0, PAT_ABSOLUTE, HANDLER_NONE, ACC_UNBOUNDED, "/", false},
	{"/core.%e.%p.%t", 0, PAT_ABSOLUTE, HANDLER_NONE, ACC_UNBOUNDED, "/", false},
	{"|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h", 1, PAT_PIPE, HANDLER_SYSTEMD,
	 ACC_HANDLER, "", false},
	{"|/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g -- %E", 0, PAT_PIPE,
	 HANDLER_APPORT, ACC_HANDLER, "", false},
	{"|/usr/libexec/abrt-hook-ccpp %s %c %p %u %g %t e %P %I %h", 0, PAT_PIPE, HANDLER_ABRT,
	 ACC_HANDLER, "", false},
	{"|/bin/false", 0, PAT_PIPE, HANDLER_DISCARD, ACC_NONE, "", false},
	{"| /opt/dumper/handle %p", 0, PAT_PIPE, HANDLER_OTHER, ACC_HANDLER, "", false},
	{"@/run/coredump.socket", 0, PAT_SOCKET, HANDLER_NONE, ACC_HANDLER, "", false},
	{"@@/run/coredump.socket", 0, PAT_SOCKET, HANDLER_NONE, ACC_HANDLER, "", false},
	{"", 0, PAT_EMPTY, HANDLER_NONE, ACC_NONE, "", false},
	{"", 1, PAT_EMPTY, HANDLER_NONE, ACC_UNBOUNDED, "", true},
};

START_TEST(pattern_classification)
{
	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		struct coreconf c;
		memset(&c, 0, sizeof(c));
		snprintf(c.pattern, sizeof(c.pattern), "%s", patterns[i].pattern);
		c.uses_pid = patterns[i].uses_pid;
		coreconf_classify(&c);
		ck_assert_msg(c.kind == patterns[i].kind, "'%s': kind %s", patterns[i].pattern,
			      coreconf_kind_id(c.kind));
		ck_assert_msg(c.handler == patterns[i].handler, "'%s': handler %s", patterns[i].pattern,
			      coreconf_handler_id(c.handler));
		ck_assert_msg(c.accumulation == patterns[i].acc, "'%s' uses_pid=%d: accumulation %s",
			      patterns[i].pattern, patterns[i].uses_pid,
			      coreconf_accumulation_id(c.accumulation));
		ck_assert_msg(strcmp(c.dir, patterns[i].dir) == 0, "'%s': dir '%s'", patterns[i].pattern,
			      c.dir);
		ck_assert_msg(c.pid_appended == patterns[i].appended, "'%s' uses_pid=%d: appended",
			      patterns[i].pattern, patterns[i].uses_pid);
	}
	struct coreconf c;
	memset(&c, 0, sizeof(c));
	strcpy(c.pattern, "|/usr/lib/systemd/systemd-coredump %P %u");
	coreconf_classify(&c);
	ck_assert_str_eq(c.handler_path, "/usr/lib/systemd/systemd-coredump");
	ck_assert_str_eq(c.handler_dir, "/var/lib/systemd/coredump");
	strcpy(c.pattern, "|  /opt/x");
	coreconf_classify(&c);
	ck_assert_str_eq(c.handler_path, "/opt/x");
}
END_TEST

START_TEST(kernel_settings_from_a_tree)
{
	char *root = tu_mkdtemp("kernel");
	tu_put(root, "sys/kernel/core_pattern", "core.%e.%p\n");
	tu_put(root, "sys/kernel/core_uses_pid", "1\n");
	tu_put(root, "sys/kernel/core_pipe_limit", "0\n");
	tu_put(root, "sys/fs/suid_dumpable", "2\n");
	tu_put(root, "sys/kernel/core_modes", "file pipe socket\n");
	struct coreconf c;
	coreconf_read(&c, root);
	ck_assert_str_eq(c.pattern, "core.%e.%p");
	ck_assert_int_eq(c.kind, PAT_RELATIVE);
	ck_assert_int_eq(c.uses_pid, 1);
	ck_assert_int_eq(c.pipe_limit, 0);
	ck_assert_int_eq(c.suid_dumpable, 2);
	ck_assert_int_eq(c.sort_vma, -1); /* absent before Linux 6.13 */
	ck_assert_str_eq(c.modes, "file pipe socket");
	ck_assert_int_eq(c.accumulation, ACC_UNBOUNDED);

	/* Nothing readable: unknown, not "empty pattern". */
	char *none = tu_mkdtemp("nokernel");
	coreconf_read(&c, none);
	ck_assert_int_eq(c.kind, PAT_UNKNOWN);
	ck_assert_int_eq(c.uses_pid, -1);
	ck_assert_str_eq(c.modes, "");

	/* A FIFO where a setting should be is never opened (it would block). */
	char *fifo = tu_mkdtemp("fifo");
	tu_put(fifo, "sys/kernel/core_uses_pid", "1\n");
	char *p = tu_path(fifo, "sys/kernel/core_pattern");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	char buf[64];
	errno = 0;
	ck_assert_int_eq(procfs_read(fifo, "sys/kernel/core_pattern", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
	coreconf_read(&c, fifo);
	ck_assert_int_eq(c.kind, PAT_UNKNOWN);
	/* Nor followed when it is a symbolic link. */
	unlink(p);
	ck_assert_int_eq(symlink("/proc/sys/kernel/core_pattern", p), 0);
	errno = 0;
	ck_assert_int_eq(procfs_read(fifo, "sys/kernel/core_pattern", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ELOOP);
	tu_rmtree(root);
	tu_rmtree(none);
	tu_rmtree(fifo);
	free(root), free(none), free(fifo), free(p);
}
END_TEST

/* ---- /proc parsers ---------------------------------------------------------------------------- */

static const char limits_text[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max file size             unlimited            unlimited            bytes     \n"
	"Max core file size        0                    unlimited            bytes     \n"
	"Max resident set          unlimited            unlimited            bytes     \n";

START_TEST(proc_parsers)
{
	uint64_t soft = 1, hard = 1;
	ck_assert_int_eq(procfs_parse_core_limit(limits_text, &soft, &hard), 0);
	ck_assert_uint_eq(soft, 0);
	ck_assert_uint_eq(hard, PROCFS_UNLIMITED);
	ck_assert_int_eq(procfs_parse_core_limit("Max core file size        52428800    "
						 "104857600    bytes\n", &soft, &hard), 0);
	ck_assert_uint_eq(soft, 52428800);
	ck_assert_uint_eq(hard, 104857600);
	ck_assert_int_eq(procfs_parse_core_limit("Max cpu time 0 0\n", &soft, &hard), -1);
	ck_assert_int_eq(procfs_parse_core_limit("Max core file size  lots  0\n", &soft, &hard), -1);

	/* Our own limits, as the kernel writes them. */
	struct rlimit_pair { uint64_t s, h; } mine;
	char buf[4096];
	ck_assert_int_gt(procfs_read_pid("/proc", (long)getpid(), "limits", buf, sizeof(buf)), 0);
	ck_assert_int_eq(procfs_parse_core_limit(buf, &mine.s, &mine.h), 0);

	uint64_t anon = 0;
	ck_assert_int_eq(procfs_parse_anon("Rss:  100 kB\nAnonymous:   2048 kB\nSwap: 0 kB\n", &anon), 0);
	ck_assert_uint_eq(anon, 2048 * 1024);
	ck_assert_int_eq(procfs_parse_anon("Rss: 1 kB\n", &anon), -1);

	/* comm may hold ") " and digits: fields are counted from the last ')'. */
	struct procfs_stat st;
	ck_assert_int_eq(procfs_parse_stat("42 (evil) 1 2 (x) S 7 42 42 0 -1 4194560 0 0 0 0 1 2 0 0 "
					   "20 0 1 0 12345 1000 10", &st), 0);
	ck_assert_int_eq(st.state, 'S');
	ck_assert_int_eq(st.ppid, 7);
	ck_assert(!st.kernel_thread);
	ck_assert_uint_eq(st.start_ticks, 12345);
	ck_assert_int_eq(procfs_parse_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 "
					   "3 0 0", &st), 0);
	ck_assert(st.kernel_thread);
	ck_assert_int_eq(procfs_parse_stat("7 (cut", &st), -1);
	ck_assert_int_eq(procfs_parse_stat("7 (x) S 1 2", &st), -1);

	/* Our own stat and start time. */
	int64_t started;
	ck_assert_int_eq(procfs_start_time("/proc", (long)getpid(), &started), 0);
	int64_t now = (int64_t)time(NULL);
	ck_assert_msg(started <= now + 1 && started > now - 3600, "started %" PRId64 ", now %" PRId64,
		      started, now);
}
END_TEST

/* ---- processes ---------------------------------------------------------------------------------- */

/* A fixture process: stat, limits, smaps_rollup and cwd (a link to `cwd`). */
static void put_proc(const char *proc, long pid, const char *comm, const char *state,
		     unsigned long flags, const char *core_limit, uint64_t anon_kb, const char *cwd,
		     const char *cmdline, size_t cmdlen)
{
	char rel[64], text[512];
	snprintf(rel, sizeof(rel), "%ld/stat", pid);
	snprintf(text, sizeof(text), "%ld (%s) %s 1 %ld %ld 0 -1 %lu 0 0 0 0 0 0 0 0 20 0 1 0 100 "
		 "0 0\n", pid, comm, state, pid, pid, flags);
	tu_put(proc, rel, text);
	snprintf(rel, sizeof(rel), "%ld/comm", pid);
	snprintf(text, sizeof(text), "%s\n", comm);
	tu_put(proc, rel, text);
	if (core_limit) {
		snprintf(rel, sizeof(rel), "%ld/limits", pid);
		snprintf(text, sizeof(text), "Limit Soft Hard Units\nMax core file size        %s bytes\n",
			 core_limit);
		tu_put(proc, rel, text);
	}
	snprintf(rel, sizeof(rel), "%ld/coredump_filter", pid);
	tu_put(proc, rel, "00000033\n");
	snprintf(rel, sizeof(rel), "%ld/smaps_rollup", pid);
	snprintf(text, sizeof(text), "00400000-7fff [rollup]\nRss: 10 kB\nAnonymous:  %" PRIu64 " kB\n",
		 anon_kb);
	tu_put(proc, rel, text);
	if (cwd) {
		snprintf(rel, sizeof(rel), "%ld/cwd", pid);
		tu_put_link(proc, rel, cwd);
	}
	snprintf(rel, sizeof(rel), "%ld/cmdline", pid);
	char *path = tu_path(proc, rel);
	tu_write_file(path, cmdline, cmdlen);
	free(path);
}

static const struct liveproc *find_proc(const struct liveprocs *lp, long pid)
{
	const struct liveproc *p = liveproc_find(lp, pid);
	ck_assert_msg(p != NULL, "pid %ld not listed", pid);
	return p;
}

START_TEST(processes_as_future_dumps)
{
	char *root = tu_mkdtemp("procs"), *real = realpath(root, NULL);
	char *proc = tu_path(real, "proc"), *app = tu_path(real, "app");
	mkdir(app, 0755);
	struct statvfs sv;
	ck_assert_int_eq(statvfs(app, &sv), 0);
	uint64_t avail_kb = (uint64_t)sv.f_bavail * sv.f_frsize / 1024;

	tu_put(proc, "uptime", "1000.00 900.00\n");
	tu_put(proc, "sys/kernel/core_pattern", "core\n");
	tu_put(proc, "sys/kernel/core_uses_pid", "1\n");
	/* 1: limit 0.  10: unlimited, a core of 2/7 of the free space: 3 more fit, and still 3
	 * if the free space moves by a tenth while the test runs (other tests write files).
	 * 11: a core larger than the free space.  12: limit 1 MiB caps a large core.
	 * 2: a kernel thread, 13: a zombie, 14: limits unreadable, 15: cwd gone. */
	put_proc(proc, 1, "init", "S", 0, "0 unlimited", 100, "/", "/sbin/init\0", 11);
	uint64_t core_kb = avail_kb * 2 / 7;
	put_proc(proc, 10, "gunicorn", "S", 0, "unlimited unlimited", core_kb, app,
		 "gunicorn: worker\0", 17);
	put_proc(proc, 11, "big", "S", 0, "unlimited unlimited", avail_kb * 2, app, "big\0", 4);
	put_proc(proc, 12, "capped", "S", 0, "1048576 unlimited", avail_kb * 2, app, "capped\0", 7);
	put_proc(proc, 2, "kthreadd", "S", 0x00200000, "0 0", 0, NULL, "", 0);
	put_proc(proc, 13, "defunct", "Z", 0, "unlimited unlimited", 0, NULL, "", 0);
	put_proc(proc, 14, "secret", "S", 0, NULL, 100, NULL, "secret\0", 7);
	char *gone = tu_path(real, "gone");
	put_proc(proc, 15, "lost", "S", 0, "unlimited unlimited", 100, gone, "lost\0", 5);

	struct coreconf conf;
	coreconf_read(&conf, proc);
	ck_assert_int_eq(conf.accumulation, ACC_UNBOUNDED);
	struct liveprocs lp;
	struct liveproc_opts o = {proc, &conf, 10, 0};
	liveproc_read(&lp, &o);
	ck_assert_uint_eq(lp.n, 6); /* not the kernel thread nor the zombie */
	ck_assert_ptr_null(liveproc_find(&lp, 2));
	ck_assert_ptr_null(liveproc_find(&lp, 13));

	const struct liveproc *p = find_proc(&lp, 1);
	ck_assert(!p->can_dump);
	ck_assert_str_eq(p->why_not, "core limit 0");

	p = find_proc(&lp, 10);
	ck_assert(p->can_dump);
	ck_assert_str_eq(p->comm, "gunicorn");
	ck_assert_str_eq(p->cmdline, "gunicorn: worker");
	ck_assert_str_eq(p->cwd, app);
	ck_assert_str_eq(p->dest, app);
	ck_assert(p->has_fs);
	ck_assert_uint_eq(p->next_core, core_kb * 1024);
	ck_assert_uint_eq(p->crashes_to_full, 3);
	ck_assert(!p->wont_fit);
	ck_assert(p->at_risk); /* core.PID names: 4 crashes fill it */
	ck_assert_uint_eq(p->filter, 0x33);
	/* started 100 ticks after a boot 1000 s ago */
	long hz = sysconf(_SC_CLK_TCK);
	int64_t want = (int64_t)time(NULL) - 1000 + 100 / hz;
	ck_assert_msg(p->start_time >= want - 2 && p->start_time <= want + 2, "start %" PRId64,
		      p->start_time);

	p = find_proc(&lp, 11);
	ck_assert(p->wont_fit);
	ck_assert(p->at_risk);
	p = find_proc(&lp, 12);
	ck_assert_uint_eq(p->next_core, 1048576); /* the kernel stops at the limit */
	ck_assert(!p->at_risk);
	p = find_proc(&lp, 14);
	ck_assert(!p->has_limits);
	ck_assert(!p->can_dump);
	p = find_proc(&lp, 15);
	ck_assert(!p->can_dump);
	ck_assert_str_eq(p->why_not, "no such directory");
	ck_assert_uint_eq(lp.can_dump, 3);
	ck_assert_uint_eq(lp.at_risk, 2);
	ck_assert_uint_eq(lp.unreadable, 1);
	liveproc_free(&lp);

	/* One core per directory: repeated crashes replace it, only "won't fit" is a risk. */
	tu_put(proc, "sys/kernel/core_uses_pid", "0\n");
	coreconf_read(&conf, proc);
	liveproc_read(&lp, &o);
	ck_assert(!find_proc(&lp, 10)->at_risk);
	ck_assert(find_proc(&lp, 11)->at_risk);
	liveproc_free(&lp);

	/* An absolute pattern goes through the process's root; a pipe leaves it to the host. */
	tu_put(proc, "sys/kernel/core_pattern", "/var/crash/core.%p\n");
	tu_put_link(proc, "10/root", real);
	coreconf_read(&conf, proc);
	liveproc_read(&lp, &o);
	ck_assert_str_eq(find_proc(&lp, 10)->dest, "/var/crash");
	ck_assert(!find_proc(&lp, 10)->can_dump); /* no var/crash under that root */
	liveproc_free(&lp);
	tu_put(proc, "sys/kernel/core_pattern", "|/lib/systemd/systemd-coredump %P\n");
	coreconf_read(&conf, proc);
	liveproc_read(&lp, &o);
	ck_assert_str_eq(find_proc(&lp, 10)->dest, "/var/lib/systemd/coredump (host)");
	ck_assert(!find_proc(&lp, 10)->at_risk);
	liveproc_free(&lp);

	tu_rmtree(root);
	free(root), free(real), free(proc), free(app), free(gone);
}
END_TEST

START_TEST(live_proc_reads_this_process)
{
	/* The real /proc: a child with a known core limit, in a known directory.  It runs cat
	 * between two pipes: once a byte sent in comes back out, cat's main is running, so the
	 * exec is over and /proc/PID/cmdline is set (during an exec, comm already says "cat"
	 * while cmdline is still empty). */
	char *dir = tu_mkdtemp("live"), *real = realpath(dir, NULL);
	int in[2], out[2];
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid_t child = fork();
	if (child == 0) {
		struct rlimit rl;
		getrlimit(RLIMIT_CORE, &rl);
		rl.rlim_cur = rl.rlim_max < 24576 ? rl.rlim_max : 24576;
		if (chdir(real) != 0 || setrlimit(RLIMIT_CORE, &rl) != 0 ||
		    dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(1);
		close(in[1]), close(out[0]);
		execlp("cat", "cat", "-u", (char *)NULL);
		_exit(1);
	}
	ck_assert_int_gt(child, 0);
	close(in[0]), close(out[1]);
	char echo = 0;
	ck_assert_int_eq(write(in[1], "x", 1), 1);
	ck_assert_int_eq(read(out[0], &echo, 1), 1);
	ck_assert_int_eq(echo, 'x');
	struct liveprocs lp;
	struct coreconf conf;
	coreconf_read(&conf, "/proc");
	struct liveproc_opts o = {"/proc", &conf, 10, (long)getpid()};
	liveproc_read(&lp, &o);
	const struct liveproc *p = liveproc_find(&lp, child);
	ck_assert_msg(p != NULL, "the child is not listed");
	ck_assert_str_eq(p->comm, "cat");
	ck_assert(p->has_limits);
	struct rlimit rl;
	getrlimit(RLIMIT_CORE, &rl);
	uint64_t want = rl.rlim_max < 24576 ? rl.rlim_max : 24576;
	ck_assert_uint_eq(p->core_soft, want);
	ck_assert_str_eq(p->cwd, real);
	ck_assert_str_eq(p->cmdline, "cat -u");
	ck_assert_ptr_null(liveproc_find(&lp, getpid())); /* self is left out */
	if (conf.kind == PAT_RELATIVE && want >= 24576) {
		ck_assert(p->can_dump);
		ck_assert(p->has_anon);
		ck_assert_ptr_nonnull(p->dest);
	}
	liveproc_free(&lp);
	close(in[1]); /* cat sees the end of its input and exits */
	close(out[0]);
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	tu_rmtree(dir);
	free(dir), free(real);
}
END_TEST

/* ---- environment -------------------------------------------------------------------------------- */

static void detect(struct envinfo *e, const char *proc, const char *rootfs, char *const *envp)
{
	struct envinfo_probe p = {proc, rootfs, envp};
	envinfo_detect(e, &p);
}

START_TEST(environment_markers)
{
	char *root = tu_mkdtemp("env");
	char *proc = tu_path(root, "proc"), *fs = tu_path(root, "fs");
	mkdir(proc, 0755);
	mkdir(fs, 0755);
	struct envinfo e;
	char *none[] = {NULL};
	detect(&e, proc, fs, none);
	ck_assert_int_eq(e.kind, ENV_HOST);
	ck_assert(!e.container);
	ck_assert_str_eq(e.markers, "");

	tu_put(fs, "run/systemd/system/.keep", "");
	detect(&e, proc, fs, none);
	ck_assert_int_eq(e.kind, ENV_SYSTEMD);
	ck_assert(e.systemd);

	tu_put(fs, ".dockerenv", "");
	detect(&e, proc, fs, none);
	ck_assert_int_eq(e.kind, ENV_DOCKER);
	ck_assert(e.container);
	ck_assert(!e.systemd); /* a container's /run/systemd says nothing about the host */

	char *k8s[] = {"PATH=/bin", "KUBERNETES_SERVICE_HOST=10.0.0.1", NULL};
	detect(&e, proc, fs, k8s);
	ck_assert_int_eq(e.kind, ENV_KUBERNETES);
	ck_assert_ptr_nonnull(strstr(e.markers, "KUBERNETES_SERVICE_HOST"));

	char *ecs[] = {"ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/x", NULL};
	detect(&e, proc, fs, ecs);
	ck_assert_int_eq(e.kind, ENV_ECS);
	ck_assert(!e.fargate);
	ck_assert_str_eq(envinfo_name(&e), "AWS ECS");

	/* An ECS Exec shell need not carry the task's variables: PID 1's environment does. */
	char *p1 = tu_path(proc, "1/environ");
	tu_put(proc, "1/.keep", "");
	static const char block[] = "HOSTNAME=ip-10\0ECS_CONTAINER_METADATA_URI=http://x\0"
				    "AWS_EXECUTION_ENV=AWS_ECS_FARGATE\0";
	tu_write_file(p1, block, sizeof(block));
	detect(&e, proc, fs, none);
	ck_assert_int_eq(e.kind, ENV_ECS);
	ck_assert(e.fargate);
	ck_assert_str_eq(envinfo_name(&e), "AWS ECS on Fargate");
	unlink(p1);

	/* cgroup paths */
	char *bare = tu_path(root, "bare");
	mkdir(bare, 0755);
	tu_put(proc, "1/cgroup", "0::/kubepods/burstable/pod1234/abcdef\n");
	detect(&e, proc, bare, none);
	ck_assert_int_eq(e.kind, ENV_KUBERNETES);
	tu_put(proc, "1/cgroup", "0::/system.slice/docker-0123abcd.scope\n");
	detect(&e, proc, bare, none);
	ck_assert_int_eq(e.kind, ENV_DOCKER);
	tu_put(proc, "1/cgroup", "0::/init.scope\n");
	char *podman[] = {"container=podman", NULL};
	detect(&e, proc, bare, podman);
	ck_assert_int_eq(e.kind, ENV_PODMAN);
	tu_rmtree(root);
	free(root), free(proc), free(fs), free(p1), free(bare);
}
END_TEST

/* ---- hints -------------------------------------------------------------------------------------- */

START_TEST(hints_table_parses)
{
	struct hints h;
	char err[200] = "";
	ck_assert_msg(hints_builtin(&h, err, sizeof(err)) == 0, "doc/hints.txt: %s", err);
	ck_assert_uint_ge(h.n, 10);
	const char *must[] = {"gunicorn-worker-timeout", "gunicorn-sigquit", "php-fpm-crash",
			      "jvm-fatal-error", "node-abort"};
	for (size_t i = 0; i < ARRAY_SIZE(must); i++) {
		bool found = false;
		for (size_t k = 0; k < h.n; k++)
			found = found || strcmp(h.v[k].id, must[i]) == 0;
		ck_assert_msg(found, "hint %s is missing", must[i]);
	}
	for (size_t k = 0; k < h.n; k++) {
		ck_assert_msg(h.v[k].summary[0], "%s has no summary", h.v[k].id);
		ck_assert_msg(!strchr(h.v[k].summary, '\n'), "%s: one line", h.v[k].id);
	}
	const struct hint *g = &h.v[0];
	ck_assert_str_eq(g->id, "gunicorn-worker-timeout");
	ck_assert_uint_eq(g->remedies.n, 4);
	ck_assert_uint_eq(g->causes, 1u << CAUSE_PARENT);
	ck_assert_ptr_nonnull(strstr(g->detail, "--max-requests recycles a worker"));
	hints_free(&h);
}
END_TEST

START_TEST(hints_parse_errors)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{"id: a\nsummary: s\nbogus: x\n", "line 3: unknown field 'bogus'"},
		{"id: a\n", "line 1: a record needs 'id' and 'summary'"},
		{"id: a\nsummary: s\n\nid: a\nsummary: t\n", "line 4: id 'a' used twice"},
		{"id: a\nsummary: s\ncause: parent | sideways\n", "line 3: unknown cause"},
		{"  dangling\n", "line 1: continuation line without a field"},
		{"id: a\nsummary: s\nno colon here\n", "line 3: expected 'field: value'"},
		{"id: a\nid: b\nsummary: s\n", "line 2: 'id' given twice"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hints h;
		char err[200] = "";
		ck_assert_msg(hints_parse(&h, bad[i].text, err, sizeof(err)) == -1, "case %zu parsed", i);
		ck_assert_msg(strncmp(err, bad[i].error, strlen(bad[i].error)) == 0,
			      "case %zu: '%s', want '%s'", i, err, bad[i].error);
		ck_assert_uint_eq(h.n, 0);
	}
	struct hints h;
	char err[200];
	ck_assert_int_eq(hints_parse(&h, "# c\n\nid: x\nsummary: one\n  two\n# between\nremedy: r1\n"
				     "remedy: r2\n   more\n", err, sizeof(err)), 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.v[0].summary, "one two");
	ck_assert_str_eq(h.v[0].remedies.v[1], "r2 more");
	ck_assert_str_eq(h.v[0].detail, "");
	hints_free(&h);
}
END_TEST

static const struct {
	const char *comm, *cmdline, *signal;
	enum cause_class cause;
	const char *parent; /* the live sender's command line, NULL: gone */
	const char *want;
	enum hint_confidence conf;
	const char *env; /* the dump's kept variables */
} matches[] = {
#define GU "/usr/bin/python3 /usr/bin/gunicorn -k uvicorn.workers.UvicornWorker app:app"
	{"gunicorn", GU, "SIGABRT", CAUSE_PARENT, GU, "gunicorn-worker-timeout", HINT_MATCHED, NULL},
	{"gunicorn", GU, "SIGABRT", CAUSE_PARENT, NULL, "gunicorn-worker-timeout", HINT_UNCONFIRMED, NULL},
	/* The arbiter is gone, but the worker's own argv (or GUNICORN_CMD_ARGS) has the cause. */
	{"gunicorn", GU " --max-requests 500", "SIGABRT", CAUSE_PARENT, NULL,
	 "gunicorn-worker-timeout", HINT_OWN, NULL},
	{"gunicorn", GU, "SIGABRT", CAUSE_PARENT, NULL, "gunicorn-worker-timeout", HINT_OWN,
	 "HOSTNAME=ip-10-0-1-5 GUNICORN_CMD_ARGS=--max-requests=500 --timeout 30"},
	/* A word elsewhere is no confirmation: --max-requests-jitter alone is not it. */
	{"gunicorn", GU " --max-requests-jitter 50", "SIGABRT", CAUSE_PARENT, NULL,
	 "gunicorn-worker-timeout", HINT_UNCONFIRMED, NULL},
	/* The parent is alive and is not gunicorn: the general supervisor hint instead. */
	{"gunicorn", GU, "SIGABRT", CAUSE_PARENT, "/usr/bin/supervisord", "supervisor-abort", HINT_MATCHED, NULL},
	{"python3", "python3 -m uvicorn main:app", "SIGABRT", CAUSE_PARENT, "gunicorn: master [main]",
	 "gunicorn-worker-timeout", HINT_MATCHED, NULL},
	{"gunicorn", GU, "SIGQUIT", CAUSE_OTHER, NULL, "gunicorn-sigquit", HINT_MATCHED, NULL},
#undef GU
	{"php-fpm8.2", "php-fpm: pool www", "SIGSEGV", CAUSE_FAULT, NULL, "php-fpm-crash", HINT_MATCHED, NULL},
	{"php-fpm8.2", "php-fpm: pool www", "SIGQUIT", CAUSE_OTHER, NULL, "php-fpm", HINT_MATCHED, NULL},
	{"java", "java -jar app.jar", "SIGABRT", CAUSE_SELF, NULL, "jvm-fatal-error", HINT_MATCHED, NULL},
	{"node", "node server.js", "SIGABRT", CAUSE_SELF, NULL, "node-abort", HINT_MATCHED, NULL},
	{"python3.11", "python3.11 job.py", "SIGSEGV", CAUSE_FAULT, NULL, "python-native-crash", HINT_MATCHED, NULL},
	/* Words, not substrings: "--node-id" is not node, "myjava" is not java. */
	{"worker", "worker --node-id 3", "SIGABRT", CAUSE_SELF, NULL, "abort-self", HINT_MATCHED, NULL},
	{"myjava", "myjava", "SIGABRT", CAUSE_SELF, NULL, "abort-self", HINT_MATCHED, NULL},
	{"x", "x", "SIGSYS", CAUSE_KERNEL, NULL, "seccomp", HINT_MATCHED, NULL},
	{"x", "x", "SIGXFSZ", CAUSE_KERNEL, NULL, "resource-limit", HINT_MATCHED, NULL},
	{"x", "x", "SIGSEGV", CAUSE_FAULT, NULL, "memory-fault", HINT_MATCHED, NULL},
	{"x", "x", "SIGTERM", CAUSE_OTHER, NULL, "killed-by-other", HINT_MATCHED, NULL},
	{"sleep", "sleep 9", "-", CAUSE_SNAPSHOT, NULL, "gcore-snapshot", HINT_MATCHED, NULL},
	{"x", "x", "SIGTRAP", CAUSE_UNKNOWN, NULL, NULL, HINT_MATCHED, NULL},
};

START_TEST(hints_matching)
{
	struct hints h;
	char err[200];
	ck_assert_int_eq(hints_builtin(&h, err, sizeof(err)), 0);
	for (size_t i = 0; i < ARRAY_SIZE(matches); i++) {
		struct hint_subject s = {matches[i].comm, matches[i].cmdline, NULL, NULL,
					 matches[i].env, matches[i].signal, NULL, matches[i].cause,
					 matches[i].parent};
		enum hint_confidence c = HINT_MATCHED;
		const struct hint *x = hints_match(&h, &s, &c);
		const char *got = x ? x->id : NULL;
		ck_assert_msg(got == matches[i].want || (got && matches[i].want &&
							 strcmp(got, matches[i].want) == 0),
			      "case %zu (%s %s): got %s, want %s", i, matches[i].comm, matches[i].signal,
			      got ? got : "none", matches[i].want ? matches[i].want : "none");
		ck_assert_msg(!x || c == matches[i].conf, "case %zu: confidence", i);
	}
	/* A heap dump is no gcore snapshot: the kind decides. */
	struct hint_subject heap = {"", "", NULL, NULL, NULL, "-", "hprof", CAUSE_SNAPSHOT, NULL};
	ck_assert_str_eq(hints_match(&h, &heap, NULL)->id, "jvm-heap-dump");
	heap.kind = "elf-core";
	ck_assert_str_eq(hints_match(&h, &heap, NULL)->id, "gcore-snapshot");
	hints_free(&h);
}
END_TEST

/* ---- remedies ----------------------------------------------------------------------------------- */

static const struct remedy *remedy(const struct remedies *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}

START_TEST(remedies_per_environment)
{
	struct coreconf conf;
	memset(&conf, 0, sizeof(conf));
	strcpy(conf.pattern, "core");
	coreconf_classify(&conf);
	struct envinfo env = {.kind = ENV_ECS, .fargate = true, .container = true};
	long pids[] = {41, 1058};
	struct remedy_ctx c = {&env, &conf, NULL, pids, 2, true, "/srv/my app"};
	struct remedies r;

	remedy_build(&r, &c);
	ck_assert_str_eq(r.v[0].id, "ecs-task-ulimits");
	ck_assert_int_eq(r.v[0].kind, REMEDY_STOP);
	ck_assert_str_eq(r.v[0].snippet, "\"ulimits\":[{\"name\":\"core\",\"softLimit\":0,\"hardLimit\":0}]");
	ck_assert_str_eq(remedy(&r, "prlimit")->snippet,
			 "prlimit --core=0:0 --pid 41\nprlimit --core=0:0 --pid 1058");
	ck_assert_str_eq(remedy(&r, "prune-loop")->snippet,
			 "while sleep 600; do coredu prune --keep-newest=3 --per=program --yes "
			 "'/srv/my app'; done");
	ck_assert_ptr_null(remedy(&r, "limits-conf")); /* PAM means nothing in a container */
	remedy_free(&r);

	env = (struct envinfo){.kind = ENV_KUBERNETES, .container = true};
	remedy_build(&r, &c);
	ck_assert_str_eq(r.v[0].id, "kubernetes-entrypoint");
	ck_assert_ptr_nonnull(strstr(r.v[0].snippet, "ulimit -c 0 && exec"));
	remedy_free(&r);

	env = (struct envinfo){.kind = ENV_DOCKER, .container = true};
	remedy_build(&r, &c);
	ck_assert_str_eq(remedy(&r, "docker-run")->snippet, "docker run --ulimit core=0 ...");
	ck_assert_str_eq(remedy(&r, "docker-compose")->snippet, "ulimits: {core: 0}");
	remedy_free(&r);

	strcpy(conf.pattern, "|/usr/lib/systemd/systemd-coredump %P");
	coreconf_classify(&conf);
	env = (struct envinfo){.kind = ENV_SYSTEMD, .systemd = true};
	c.unit = "myapp.service";
	c.npids = 0;
	c.root = "/var/lib/app";
	remedy_build(&r, &c);
	ck_assert_str_eq(r.v[0].id, "systemd-unit");
	ck_assert_ptr_nonnull(strstr(r.v[0].text, "systemctl edit myapp.service"));
	ck_assert_str_eq(r.v[0].snippet, "[Service]\nLimitCORE=0");
	ck_assert_str_eq(remedy(&r, "systemd-coredump")->snippet, "[Coredump]\nStorage=none\nProcessSizeMax=0");
	ck_assert_ptr_nonnull(strstr(remedy(&r, "limits-conf")->text, "PAM logins only"));
	ck_assert_ptr_null(remedy(&r, "prlimit"));
	ck_assert_str_eq(remedy(&r, "prune-cron")->snippet,
			 "*/10 * * * * root coredu prune --keep-newest=3 --per=program --yes /var/lib/app");
	ck_assert_ptr_nonnull(remedy(&r, "systemd-coredump-maxuse"));
	remedy_free(&r);
}
END_TEST

/* ---- the group analysis ------------------------------------------------------------------------- */

static struct dump *fake(const char *dir, const char *name, uint64_t ino, uint64_t disk,
			 int64_t mtime, const char *comm, long ppid, long sender)
{
	char *path = tu_path(dir, name);
	struct dump *d = tu_fake_dump(path, ino, disk, disk, mtime, comm, 6);
	free(path);
	d->core.ppid = ppid;
	d->core.tid = d->core.pid;
	d->core.has_siginfo = true;
	d->core.si_signo = 6;
	d->core.has_sender = true;
	d->core.sender_pid = sender;
	elfcore_set_cmdline(&d->core, comm, strlen(comm), CORE_CMDLINE_MAX, false);
	return d;
}

static const struct doctor_group *group_named(const struct doctor *doc, const char *program,
					      enum cause_class cause)
{
	for (size_t i = 0; i < doc->ngroups; i++)
		if (strcmp(doc->groups[i].program, program) == 0 && doc->groups[i].cause == cause)
			return &doc->groups[i];
	ck_abort_msg("no group %s/%s", program, cause_class_id(cause));
	return NULL;
}

START_TEST(groups_cadence_and_growth)
{
	char *root = tu_mkdtemp("groups"), *real = realpath(root, NULL);
	char *proc = tu_path(real, "proc"), *app = tu_path(real, "app");
	mkdir(app, 0755);
	int64_t now = (int64_t)time(NULL);
	const uint64_t MiB = 1024 * 1024;

	/* The arbiter, pid 41, started 1000 s after a boot 100000 s ago: before every dump. */
	tu_put(proc, "uptime", "100000.00 1.00\n");
	tu_put(proc, "sys/kernel/core_pattern", "core\n");
	tu_put(proc, "sys/kernel/core_uses_pid", "1\n");
	long hz = sysconf(_SC_CLK_TCK);
	char st[256];
	snprintf(st, sizeof(st), "41 (gunicorn) S 1 41 41 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %ld 0 0\n",
		 1000 * hz);
	tu_put(proc, "41/stat", st);
	tu_put(proc, "41/comm", "gunicorn\n");
	tu_put(proc, "41/limits", "Max core file size        unlimited            unlimited  bytes\n");
	tu_put(proc, "41/smaps_rollup", "Anonymous: 1000 kB\n");
	tu_put_link(proc, "41/cwd", app);
	char *cl = tu_path(proc, "41/cmdline");
	static const char argv41[] = "/usr/bin/python3\0/usr/bin/gunicorn\0app:app\0";
	tu_write_file(cl, argv41, sizeof(argv41));
	/* pid 77 sent a signal but started after that dump: a reused pid, not the sender. */
	snprintf(st, sizeof(st), "77 (bash) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %ld 0 0\n",
		 99990 * hz);
	tu_put(proc, "77/stat", st);
	tu_put(proc, "77/comm", "bash\n");
	char *cl77 = tu_path(proc, "77/cmdline");
	tu_write_file(cl77, "bash\0", 5);

	struct index ix;
	index_init(&ix);
	/* gunicorn workers killed by the arbiter: 3 h, 2 h, 1 h ago and now, 100 MiB each. */
	for (int i = 0; i < 4; i++) {
		char name[32];
		snprintf(name, sizeof(name), "core.%d", 100 + i);
		index_add(&ix, fake(app, name, 100 + i, 100 * MiB, now - (3 - i) * 3600, "gunicorn", 41, 41));
	}
	/* Two old aborts 30 h and 50 h ago, and one 10 min ago: a group older than the window. */
	index_add(&ix, fake(app, "core.200", 200, 10 * MiB, now - 50 * 3600, "cron-job", 1, 200));
	index_add(&ix, fake(app, "core.201", 201, 10 * MiB, now - 30 * 3600, "cron-job", 1, 201));
	index_add(&ix, fake(app, "core.202", 202, 10 * MiB, now - 600, "cron-job", 1, 202));
	index_add(&ix, fake(app, "core.203", 203, 10 * MiB, now - 300, "cron-job", 1, 203));
	/* Killed by pid 77, which has been reused since. */
	index_add(&ix, fake(app, "core.300", 300, 1 * MiB, now - 7200, "worker", 1, 77));

	struct doctor doc;
	char err[200];
	struct doctor_opts o = {.proc = proc, .rootfs = real, .envp = (char *[]){NULL}, .now = now,
				.crashes = 10, .root = app};
	ck_assert_int_eq(doctor_run(&doc, &o, (const struct dump *const *)ix.v, ix.n, err, sizeof(err)), 0);
	ck_assert_uint_eq(doc.ngroups, 3);
	ck_assert_uint_eq(doc.dumps, 9);
	ck_assert(doc.attention);

	const struct doctor_group *g = &doc.groups[0]; /* largest first */
	ck_assert_str_eq(g->program, "gunicorn");
	ck_assert_str_eq(g->signal, "SIGABRT");
	ck_assert_int_eq(g->cause, CAUSE_PARENT);
	ck_assert_uint_eq(g->n, 4);
	ck_assert_uint_eq(g->disk, 400 * MiB);
	ck_assert_int_eq(g->first, now - 3 * 3600);
	ck_assert_int_eq(g->cadence, 3600);
	ck_assert_uint_eq(g->n_window, 4);
	/* the 300 MiB written after the first dump, over the 3 h from the first to the last */
	ck_assert_int_eq(g->span, 3 * 3600);
	ck_assert_msg(fabs(g->rate - 100.0 * MiB) < 1, "rate %f", g->rate);
	const struct doctor_fs *fs = &doc.fs[g->fs];
	ck_assert(fs->ok);
	ck_assert_msg(g->hours_to_full > 0 &&
		      fabs(g->hours_to_full - (double)fs->avail / g->rate) < 1e-6, "%f", g->hours_to_full);
	ck_assert_int_eq(g->sender, 41);
	ck_assert_str_eq(g->sender_cmdline, "/usr/bin/python3 /usr/bin/gunicorn app:app");
	ck_assert_ptr_nonnull(g->hint);
	ck_assert_str_eq(g->hint->id, "gunicorn-worker-timeout");
	ck_assert_int_eq(g->confidence, HINT_MATCHED);
	ck_assert_uint_eq(g->nrunning, 1);
	ck_assert_int_eq(g->running[0], 41);
	ck_assert_uint_eq(g->nrunning_can_dump, 1);

	g = group_named(&doc, "cron-job", CAUSE_SELF);
	ck_assert_uint_eq(g->n, 4);
	ck_assert_uint_eq(g->n_window, 2);
	/* older than the window: its last day's pace is 10 MiB in the 5 min between its two
	 * dumps of the window, not 20 MiB spread over 24 h (never understate) */
	ck_assert_int_eq(g->span, 300);
	ck_assert_msg(fabs(g->rate - 120.0 * MiB) < 1, "rate %f", g->rate);
	/* gaps 20 h, 29 h 50 min, 5 min: the median is 20 h */
	ck_assert_int_eq(g->cadence, 20 * 3600);
	ck_assert_str_eq(g->hint->id, "abort-self");

	g = group_named(&doc, "worker", CAUSE_OTHER);
	ck_assert_int_eq(g->sender, 77);
	ck_assert_ptr_null(g->sender_cmdline); /* pid 77 started after the dump: reused */
	ck_assert_uint_eq(g->n_window, 1);
	ck_assert(g->rate < 0); /* one dump makes no rate */
	ck_assert(g->hours_to_full < 0);

	/* The prlimit remedy names the running arbiter; the group's dump maps back to it. */
	ck_assert_str_eq(remedy(&doc.remedies, "prlimit")->snippet, "prlimit --core=0:0 --pid 41");
	ck_assert_int_eq(doctor_group_of(&doc, ix.v[0]), 0);

	/* The text report: all the parts, in order. */
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct report r = {.ix = &ix, .now = now};
	struct doctor_text_opts t = {80, false, false};
	report_doctor_text(f, &r, &doc, &t);
	fclose(f);
	const char *parts[] = {"! gunicorn: 4 dumps, 400.0 MiB (SIGABRT, parent); 9 in all, 441.0 MiB\n",
			       "  why: gunicorn's arbiter killed this worker with SIGABRT",
			       "  pace: 4 dumps in 3.0 h: 100.0 MiB/h; its file system is full in about",
			       "> The fix (a host without systemd), in the start script",
			       "\n    ulimit -c 0\n",
			       "Dumps by program, signal and cause", "[1] gunicorn  SIGABRT  parent: 4 dumps",
			       "one every 60 min (median interval)", "sender pid 41 is still running",
			       "Kernel core dump settings", "core_uses_pid=1 and no %p",
			       "Processes that can dump core: 1 of 2", "Stop the dumps in a host",
			       "prlimit --core=0:0 --pid 41", "Or keep them, bounded"};
	const char *at = text;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		const char *hit = strstr(at, parts[i]);
		if (!hit)
			fprintf(stderr, "%s", text);
		ck_assert_msg(hit != NULL, "'%s' missing or out of order (report above)", parts[i]);
		at = hit;
	}
	ck_assert_ptr_nonnull(strstr(text, "sender pid 77 is no longer running"));
	for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "\n");
		/* prune snippets are pasted whole; everything else fits 80 columns */
		ck_assert_msg(n <= 80 || strstr(line, "coredu prune"), "long line: %.*s", (int)n, line);
		if (!line[n])
			break;
	}

	/* The summary is at most 6 lines, before the details. */
	const char *details = strstr(text, "Dumps by program, signal and cause");
	size_t summary_lines = 0;
	for (const char *p = strstr(text, "\n\n") + 2; p < details; p++)
		summary_lines += *p == '\n';
	ck_assert_msg(summary_lines <= 7, "summary of %zu lines", summary_lines - 1); /* + blank */
	free(text);

	/* The browser's w screen: no heading or process table; lines to copy are marked. */
	text = NULL;
	f = open_memstream(&text, &len);
	t.pane = true;
	report_doctor_text(f, &r, &doc, &t);
	fclose(f);
	ck_assert_ptr_null(strstr(text, "coredu doctor,"));
	ck_assert(strncmp(text, "! gunicorn: 4 dumps", 19) == 0);
	ck_assert_ptr_null(strstr(text, "Processes that can dump"));
	ck_assert_ptr_nonnull(strstr(text, "\x01      prlimit --core=0:0 --pid 41\n"));
	free(text);

	doctor_free(&doc);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(proc), free(app), free(cl), free(cl77);
}
END_TEST

START_TEST(real_core_killed_by_its_parent)
{
	/* A real core from a process its parent killed with SIGABRT; the parent, in a fixture
	 * /proc, is still alive: the generic supervisor hint, confirmed, with its command line. */
	struct tu_expect m[16];
	size_t nm = tu_manifest(m, 16);
	const struct tu_expect *e = tu_manifest_find(m, nm, "parent-kill-x86-64.core.xz");
	ck_assert_ptr_nonnull(e);
	char *root = tu_mkdtemp("realdoc"), *real = realpath(root, NULL);
	char *dumps = tu_path(real, "dumps"), *core = tu_path(dumps, "core"), *proc = tu_path(real, "proc");
	mkdir(dumps, 0755);
	char *src = tu_path(tu_fixture_dir(), "parent-kill-x86-64.core");
	tu_copy_file(src, core);
	tu_put(proc, "uptime", "100000.00 1.00\n");
	char rel[64], st[256];
	snprintf(rel, sizeof(rel), "%ld/stat", e->ppid);
	snprintf(st, sizeof(st), "%ld (supervisor) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n", e->ppid);
	tu_put(proc, rel, st);
	snprintf(rel, sizeof(rel), "%ld/cmdline", e->ppid);
	tu_put(proc, rel, "my-supervisor --watchdog=30");

	struct index ix;
	struct scan *s = tu_scan(dumps, &ix);
	ck_assert_uint_eq(ix.n, 1);
	struct doctor doc;
	char err[200];
	struct doctor_opts o = {.proc = proc, .rootfs = real, .envp = (char *[]){NULL},
				.now = (int64_t)time(NULL), .crashes = 10, .root = dumps};
	ck_assert_int_eq(doctor_run(&doc, &o, (const struct dump *const *)ix.v, ix.n, err, sizeof(err)), 0);
	ck_assert_uint_eq(doc.ngroups, 1);
	const struct doctor_group *g = &doc.groups[0];
	/* The program is the executable's base name: whole, where the comm is cut at 15. */
	ck_assert_str_eq(g->program, strrchr(e->exe, '/') + 1);
	ck_assert_int_eq(g->cause, CAUSE_PARENT);
	ck_assert_int_eq(g->sender, e->sender);
	ck_assert_str_eq(g->sender_cmdline, "my-supervisor --watchdog=30");
	ck_assert_str_eq(g->hint->id, "supervisor-abort");
	ck_assert_int_eq(g->confidence, HINT_MATCHED);
	ck_assert_int_eq(doc.conf.kind, PAT_UNKNOWN); /* no sys/ in this tree */
	doctor_free(&doc);
	scan_free(s);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(dumps), free(core), free(proc), free(src);
}
END_TEST

START_TEST(nothing_to_fix)
{
	char *root = tu_mkdtemp("calm"), *real = realpath(root, NULL), *proc = tu_path(real, "proc");
	tu_put(proc, "sys/kernel/core_pattern", "core\n");
	tu_put(proc, "1/stat", "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0\n");
	tu_put(proc, "1/limits", "Max core file size        0            unlimited  bytes\n");
	struct index ix;
	index_init(&ix);
	struct doctor doc;
	char err[200];
	struct doctor_opts o = {.proc = proc, .rootfs = real, .envp = (char *[]){NULL},
				.now = (int64_t)time(NULL)};
	ck_assert_int_eq(doctor_run(&doc, &o, (const struct dump *const *)ix.v, ix.n, err, sizeof(err)), 0);
	ck_assert(!doc.attention);
	ck_assert_uint_eq(doc.crashes, 10); /* the default */
	ck_assert_uint_eq(doc.procs.can_dump, 0);
	doctor_free(&doc);
	index_free(&ix);
	tu_rmtree(root);
	free(root), free(real), free(proc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("doctor");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pattern_classification);
	tcase_add_test(tc, kernel_settings_from_a_tree);
	tcase_add_test(tc, proc_parsers);
	tcase_add_test(tc, processes_as_future_dumps);
	tcase_add_test(tc, live_proc_reads_this_process);
	tcase_add_test(tc, environment_markers);
	tcase_add_test(tc, hints_table_parses);
	tcase_add_test(tc, hints_parse_errors);
	tcase_add_test(tc, hints_matching);
	tcase_add_test(tc, remedies_per_environment);
	tcase_add_test(tc, groups_cadence_and_growth);
	tcase_add_test(tc, real_core_killed_by_its_parent);
	tcase_add_test(tc, nothing_to_fix);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
