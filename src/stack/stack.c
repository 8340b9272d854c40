/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stack: see stack.h.  The parent opens the dump (checking it is the one scanned), forks a
 * reader, and takes its records through a pipe until it ends, the time limit passes, or
 * the output limit is reached. */
#include "config.h"

#include "stack/stack.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kinds/decomp.h"
#include "kinds/dump.h"
#include "kinds/elfcore.h"

#define OUTPUT_MAX (8u << 20)       /* bytes of records taken from the reader */
#define AS_SLACK (4ull << 30)       /* address space the reader may add to coredu's */

#if defined(__SANITIZE_ADDRESS__)
#define STACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STACK_ASAN 1
#endif
#endif
#ifndef STACK_ASAN
#define STACK_ASAN 0
#endif

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct timespec at(double s)
{
	struct timespec t;
	t.tv_sec = (time_t)s;
	t.tv_nsec = (long)((s - (double)t.tv_sec) * 1e9);
	return t;
}

bool stack_applies(const struct dump *d)
{
	switch (d->kind) {
	case DUMP_ELF_CORE:
	case DUMP_GCORE:
	case DUMP_SYSTEMD_CORE:
	case DUMP_CORE_TEMP:
	case DUMP_ABRT:
		return d->core.elf_class != 0;
	default:
		return false;
	}
}

/* ---- the reader (in the child) ------------------------------------------------------------ */

/* Everything the child writes goes through here: whole records, or nothing more. */
struct sink {
	int fd;
	struct sbuf buf;
};

static void flush(struct sink *k)
{
	size_t off = 0;
	while (off < k->buf.len) {
		ssize_t n = write(k->fd, k->buf.s + off, k->buf.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		off += (size_t)n;
	}
	sbuf_reset(&k->buf);
}

static void thread_done(void *arg, const struct unwind_thread *t)
{
	struct sink *k = arg;
	stackwire_thread(&k->buf, t);
	flush(k);
}

/* Address space and CPU time: whatever a hostile file makes libdw do, it cannot take the
 * machine's memory, and it dies of SIGXCPU if the parent is not there to kill it. */
static void limit_self(double timeout)
{
	struct rlimit cpu = {(rlim_t)timeout + 1, (rlim_t)timeout + 2};
	setrlimit(RLIMIT_CPU, &cpu);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (STACK_ASAN)
		return; /* ASan's shadow memory needs terabytes of address space */
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");
	if (f && fscanf(f, "%lu", &pages) == 1) {
		rlim_t as = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + AS_SLACK;
		struct rlimit r = {as, as};
		setrlimit(RLIMIT_AS, &r);
	}
	if (f)
		fclose(f);
}

static void read_core(const struct bsrc *src, const struct stack_opts *o, double deadline,
		      struct sink *k)
{
	struct core_info ci;
	elfcore_parse(src, &ci, ELFCORE_KEEP_MAPS | ELFCORE_KEEP_MEM);
	if (o->python) {
		struct pystack_opts po = {o->sysroot, true, at(deadline)};
		struct pystack_result py;
		pystack_read(&ci, &po, &py);
		stackwire_python(&k->buf, &py);
		flush(k);
		pystack_free(&py);
	}
	if (o->native) {
		struct unwind_opts uo = {o->sysroot, at(deadline), thread_done, k};
		struct unwind_result res;
		/* The modules record first: the threads follow as each is done. */
		struct unwind_result head = {.done = true};
		stackwire_modules(&k->buf, &head);
		unwind_core(&ci, &uo, &res);
		stackwire_modules(&k->buf, &res);
		stackwire_end(&k->buf, &res);
		flush(k);
		unwind_result_free(&res);
	}
	elfcore_free(&ci);
}

static _Noreturn void child(int fd, uint64_t size, int compression, const struct stack_opts *o,
			    double deadline, int out)
{
	limit_self(o->timeout);
	struct sink k = {out, {0}};
	sbuf_init(&k.buf);
	struct bsrc file, src;
	bsrc_from_fd(&file, fd, size);
	if (compression == COMP_NONE) {
		read_core(&file, o, deadline, &k);
	} else {
		uint64_t original;
		struct decomp *z = decomp_open((enum dump_compression)compression, &file, &src,
					       &original);
		if (z) {
			read_core(&src, o, deadline, &k);
			decomp_close(z);
		}
	}
	_exit(0);
}

/* ---- coredu's side ------------------------------------------------------------------------ */

static void set_problem(struct stack_result *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_problem(struct stack_result *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(st->problem);
	st->problem = sbuf_take(&b);
	sbuf_free(&b);
}

/* Take the reader's records until it closes the pipe, the deadline passes, the cancel
 * descriptor becomes readable, or the output limit is reached; true if it ended by itself. */
static bool collect(int in, int cancel_fd, double deadline, struct sbuf *buf)
{
	char chunk[65536];
	for (;;) {
		double left = deadline - now_s();
		struct pollfd pf[2] = {{in, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
		if (left <= 0)
			return false;
		int n = poll(pf, cancel_fd >= 0 ? 2 : 1, (int)(left * 1000) + 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (cancel_fd >= 0 && pf[1].revents))
			return false;
		ssize_t k = read(in, chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return true;
		if (buf->len + (size_t)k > OUTPUT_MAX)
			return false;
		sbuf_add(buf, chunk, (size_t)k);
	}
}

/* Why the reader ended, in words, when it did not end well. */
static void reader_status(struct stack_result *st, int status, bool ended, double timeout)
{
	if (!ended && !st->problem) {
		st->killed = true;
		set_problem(st, "stopped at the %.1f s time limit", timeout);
	} else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		set_problem(st, "the reader died of signal %d%s", WTERMSIG(status),
			    WTERMSIG(status) == SIGXCPU ? " (its CPU limit)" : "");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		set_problem(st, "the reader failed (exit %d)", WEXITSTATUS(status));
	}
}

void stack_read_fd(int fd, uint64_t size, int compression, const struct stack_opts *o,
		   struct stack_result *st)
{
	memset(st, 0, sizeof(*st));
	st->attempted = true;
	double start = now_s(), end = start + o->timeout;
	/* The reader stops itself a little before the limit, to send what it has. */
	double soft = start + o->timeout * 0.9;
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		set_problem(st, "cannot start the reader: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		set_problem(st, "cannot start the reader: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		child(fd, size, compression, o, soft, p[1]);
	}
	close(p[1]);
	struct sbuf buf;
	sbuf_init(&buf);
	bool ended = collect(p[0], o->cancel_fd, end, &buf);
	close(p[0]);
	if (!ended)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	reader_status(st, status, ended, o->timeout);
	stackwire_decode((const unsigned char *)buf.s, buf.len, &st->r);
	sbuf_free(&buf);
	st->seconds = now_s() - start;
}

/* The dump's file (an ABRT directory's core), if it is still the one scanned. */
static int open_dump(const struct dump *d, uint64_t *size, int *compression)
{
	bool dir = d->kind == DUMP_ABRT;
	int fd = open(d->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
				       (dir ? O_DIRECTORY : 0));
	struct stat st;
	if (fd < 0)
		return -1;
	bool same = fstat(fd, &st) == 0 && (uint64_t)st.st_dev == d->dev &&
		    (uint64_t)st.st_ino == d->ino &&
		    (dir || (S_ISREG(st.st_mode) && (uint64_t)st.st_size == d->size_apparent &&
			     st.st_mtim.tv_sec == d->mtime && st.st_mtim.tv_nsec == d->mtime_nsec));
	if (!same) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	*compression = d->compression;
	if (dir) {
		const char *name;
		int core = abrt_open_core(fd, &name);
		close(fd);
		if (core < 0 || fstat(core, &st) != 0) {
			if (core >= 0)
				close(core);
			errno = ENOENT;
			return -1;
		}
		unsigned char h[DUMP_HEAD_LEN];
		ssize_t n = pread(core, h, sizeof(h), 0);
		*compression = n > 0 ? (int)decomp_sniff(h, (size_t)n) : COMP_NONE;
		fd = core;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

void stack_read(const struct dump *d, const struct stack_opts *o, struct stack_result *st)
{
	memset(st, 0, sizeof(*st));
	if (!stack_applies(d) || o->timeout <= 0 || (!o->python && !o->native))
		return;
	uint64_t size;
	int compression;
	int fd = open_dump(d, &size, &compression);
	if (fd < 0) {
		st->attempted = true;
		set_problem(st, "%s", errno == ESTALE ? "the file changed since the scan"
						       : strerror(errno));
		return;
	}
	stack_read_fd(fd, size, compression, o, st);
	close(fd);
}

void stack_result_free(struct stack_result *st)
{
	stackwire_result_free(&st->r);
	free(st->problem);
	memset(st, 0, sizeof(*st));
}
