/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/coreconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/procfs.h"
#include "base/util.h"

static int read_int(const char *proc, const char *rel)
{
	char buf[64];
	char *end;
	if (procfs_read(proc, rel, buf, sizeof(buf)) <= 0)
		return -1;
	long v = strtol(buf, &end, 10);
	return end == buf || v < 0 || v > 1000000 ? -1 : (int)v;
}

static void read_line(const char *proc, const char *rel, char *buf, size_t len)
{
	if (procfs_read(proc, rel, buf, len) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

void coreconf_read(struct coreconf *c, const char *proc)
{
	memset(c, 0, sizeof(*c));
	char buf[sizeof(c->pattern)];
	bool readable = procfs_read(proc, "sys/kernel/core_pattern", buf, sizeof(buf)) >= 0;
	buf[strcspn(buf, "\n")] = '\0';
	memcpy(c->pattern, buf, sizeof(buf));
	c->uses_pid = read_int(proc, "sys/kernel/core_uses_pid");
	c->pipe_limit = read_int(proc, "sys/kernel/core_pipe_limit");
	c->suid_dumpable = read_int(proc, "sys/fs/suid_dumpable");
	c->sort_vma = read_int(proc, "sys/kernel/core_sort_vma");
	read_line(proc, "sys/kernel/core_modes", c->modes, sizeof(c->modes));
	coreconf_classify(c);
	if (!readable)
		c->kind = PAT_UNKNOWN, c->accumulation = ACC_UNKNOWN;
}

static const struct {
	const char *program;
	enum corepat_handler handler;
	const char *dir;
} known_handlers[] = {
	{"systemd-coredump", HANDLER_SYSTEMD, "/var/lib/systemd/coredump"},
	{"apport", HANDLER_APPORT, "/var/crash"},
	{"abrt-hook-ccpp", HANDLER_ABRT, "/var/spool/abrt"},
	{"false", HANDLER_DISCARD, NULL},
	{"true", HANDLER_DISCARD, NULL},
};

static void classify_pipe(struct coreconf *c)
{
	const char *p = c->pattern + 1;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " ");
	snprintf(c->handler_path, sizeof(c->handler_path), "%.*s", (int)n, p);
	const char *base = strrchr(c->handler_path, '/');
	base = base ? base + 1 : c->handler_path;
	c->handler = HANDLER_OTHER;
	c->accumulation = ACC_HANDLER;
	for (size_t i = 0; i < ARRAY_SIZE(known_handlers); i++) {
		if (strcmp(base, known_handlers[i].program) == 0) {
			c->handler = known_handlers[i].handler;
			c->handler_dir = known_handlers[i].dir;
		}
	}
	if (c->handler == HANDLER_DISCARD)
		c->accumulation = ACC_NONE;
}

/* The specifiers of a file pattern, and its directory up to the first component that
 * depends on the crash. */
static void classify_file(struct coreconf *c)
{
	bool per_name = false;
	for (const char *p = c->pattern; *p; p++) {
		if (*p != '%' || !p[1])
			continue;
		switch (*++p) {
		case 'p': case 'P': c->has_pid = true; break;
		case 'i': case 'I': c->has_tid = true; break;
		case 't': c->has_time = true; break;
		case 'e': case 'f': c->has_comm = true; break;
		case 'E': c->has_exe = true; break;
		case 'h': c->has_host = true; break;
		case 'u': case 'g': case 's': case 'c': case 'd': case 'C': per_name = true; break;
		default: break; /* %% and unknown pairs add no variety */
		}
	}
	/* fs/coredump.c appends ".PID" only when %p (not %P) is absent. */
	c->pid_appended = c->uses_pid > 0 && !strstr(c->pattern, "%p");
	const char *slash = strrchr(c->pattern, '/');
	size_t dirlen = slash ? (size_t)(slash - c->pattern) : 0;
	const char *pct = memchr(c->pattern, '%', dirlen);
	if (pct) {
		while (pct > c->pattern && *pct != '/')
			pct--;
		dirlen = (size_t)(pct - c->pattern);
	}
	if (dirlen == 0 && c->pattern[0] == '/')
		dirlen = 1;
	snprintf(c->dir, sizeof(c->dir), "%.*s", (int)dirlen, c->pattern);

	if (c->has_pid || c->has_tid || c->has_time || c->pid_appended)
		c->accumulation = ACC_UNBOUNDED;
	else if (per_name || c->has_comm || c->has_exe || c->has_host)
		c->accumulation = ACC_PER_NAME;
	else
		c->accumulation = ACC_ONE_PER_DIR;
}

void coreconf_classify(struct coreconf *c)
{
	c->handler = HANDLER_NONE;
	c->handler_dir = NULL;
	c->handler_path[0] = c->dir[0] = '\0';
	c->has_pid = c->has_time = c->has_tid = c->has_comm = c->has_exe = c->has_host = false;
	c->pid_appended = false;
	if (c->pattern[0] == '|') {
		c->kind = PAT_PIPE;
		classify_pipe(c);
	} else if (c->pattern[0] == '@') {
		c->kind = PAT_SOCKET;
		c->accumulation = ACC_HANDLER;
	} else if (c->pattern[0] == '\0') {
		/* core(5): nothing, or a hidden ".PID" in the cwd when core_uses_pid is set. */
		c->kind = PAT_EMPTY;
		c->pid_appended = c->uses_pid > 0;
		c->accumulation = c->pid_appended ? ACC_UNBOUNDED : ACC_NONE;
	} else {
		c->kind = c->pattern[0] == '/' ? PAT_ABSOLUTE : PAT_RELATIVE;
		classify_file(c);
	}
}

const char *coreconf_kind_id(enum corepat_kind k)
{
	static const char *const ids[] = {
		[PAT_UNKNOWN] = "unknown", [PAT_EMPTY] = "empty", [PAT_RELATIVE] = "relative",
		[PAT_ABSOLUTE] = "absolute", [PAT_PIPE] = "pipe", [PAT_SOCKET] = "socket",
	};
	return ids[k];
}

const char *coreconf_handler_id(enum corepat_handler h)
{
	static const char *const ids[] = {
		[HANDLER_NONE] = "none", [HANDLER_SYSTEMD] = "systemd-coredump",
		[HANDLER_APPORT] = "apport", [HANDLER_ABRT] = "abrt", [HANDLER_DISCARD] = "discard",
		[HANDLER_OTHER] = "other",
	};
	return ids[h];
}

const char *coreconf_accumulation_id(enum core_accumulation a)
{
	static const char *const ids[] = {
		[ACC_UNKNOWN] = "unknown", [ACC_NONE] = "none", [ACC_ONE_PER_DIR] = "one-per-directory",
		[ACC_PER_NAME] = "one-per-name", [ACC_UNBOUNDED] = "unbounded",
		[ACC_HANDLER] = "handler",
	};
	return ids[a];
}
