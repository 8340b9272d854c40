/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/liveproc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/util.h"
#include "doctor/coreconf.h"
#include "kinds/program.h"

/* The last ".service" in the cgroup path: the unit a systemd host runs the process in. */
static char *cgroup_unit(const char *proc, long pid)
{
	char buf[4096];
	if (procfs_read_pid(proc, pid, "cgroup", buf, sizeof(buf)) <= 0)
		return NULL;
	/* cgroup v2 has one line; v1's lines name the same unit: the first line will do. */
	buf[strcspn(buf, "\n")] = '\0';
	char *path = strrchr(buf, ':'), *save = NULL, *found = NULL;
	for (char *c = path ? strtok_r(path + 1, "/", &save) : NULL; c; c = strtok_r(NULL, "/", &save)) {
		size_t n = strlen(c);
		if (n > 8 && strcmp(c + n - 8, ".service") == 0) {
			free(found);
			found = xstrdup(c);
		}
	}
	return found;
}

/* Where the next core of p lands, and the room there, from core_pattern. */
static void find_dest(struct liveproc *p, const struct liveproc_opts *o)
{
	const struct coreconf *c = o->conf;
	struct sbuf probe;
	sbuf_init(&probe);
	switch (c->kind) {
	case PAT_RELATIVE:
	case PAT_EMPTY:
		if (!p->cwd)
			break;
		procfs_pid_path(&probe, o->proc, p->pid, "cwd");
		if (c->dir[0])
			sbuf_printf(&probe, "/%s", c->dir);
		p->dest = c->dir[0] ? xasprintf("%s%s%s", p->cwd, strcmp(p->cwd, "/") ? "/" : "",
						c->dir)
				    : xstrdup(p->cwd);
		break;
	case PAT_ABSOLUTE:
		/* In the process's mount namespace: through its root. */
		procfs_pid_path(&probe, o->proc, p->pid, "root");
		sbuf_adds(&probe, c->dir);
		p->dest = xstrdup(c->dir);
		break;
	case PAT_PIPE:
	case PAT_SOCKET:
		/* Written on the host by the handler, which applies its own limits. */
		if (c->handler_dir)
			p->dest = xasprintf("%s (host)", c->handler_dir);
		break;
	case PAT_UNKNOWN:
		break;
	}
	if (probe.len) {
		struct statvfs sv;
		if (statvfs(probe.s, &sv) == 0) {
			p->has_fs = true;
			p->fs_avail = (uint64_t)sv.f_bavail * sv.f_frsize;
			p->fs_size = (uint64_t)sv.f_blocks * sv.f_frsize;
			if (sv.f_flag & ST_RDONLY)
				p->can_dump = false, p->why_not = "read-only file system";
		} else if (errno == ENOENT || errno == ENOTDIR) {
			p->can_dump = false, p->why_not = "no such directory";
		}
	}
	sbuf_free(&probe);
}

static void assess_risk(struct liveproc *p, const struct liveproc_opts *o)
{
	if (!p->can_dump || !p->has_fs || !p->has_anon || p->next_core == 0)
		return;
	p->crashes_to_full = p->fs_avail / p->next_core;
	p->wont_fit = p->next_core > p->fs_avail;
	bool piles_up = o->conf->accumulation == ACC_UNBOUNDED;
	p->at_risk = p->wont_fit || (piles_up && p->crashes_to_full < o->crashes);
}

static void read_one(struct liveproc *p, const struct liveproc_opts *o)
{
	char buf[4096];
	struct sbuf tmp;
	sbuf_init(&tmp);
	p->crashes_to_full = UINT64_MAX;
	procfs_comm(o->proc, p->pid, p->comm);
	procfs_cmdline(o->proc, p->pid, LIVEPROC_CMDLINE_MAX, &tmp);
	p->cmdline = sbuf_take(&tmp);
	sbuf_free(&tmp);
	if (procfs_readlink_pid(o->proc, p->pid, "exe", buf, sizeof(buf)) > 0)
		p->exe = xstrdup(buf);
	if (procfs_readlink_pid(o->proc, p->pid, "cwd", buf, sizeof(buf)) > 0)
		p->cwd = xstrdup(buf);
	p->program = program_of_process(p->cmdline, p->exe, p->comm);
	p->unit = cgroup_unit(o->proc, p->pid);
	int64_t start;
	if (procfs_start_time(o->proc, p->pid, &start) == 0)
		p->start_time = start;

	p->has_limits = procfs_read_pid(o->proc, p->pid, "limits", buf, sizeof(buf)) > 0 &&
			procfs_parse_core_limit(buf, &p->core_soft, &p->core_hard) == 0;
	if (procfs_read_pid(o->proc, p->pid, "coredump_filter", buf, sizeof(buf)) > 0) {
		char *end;
		unsigned long f = strtoul(buf, &end, 16);
		p->has_filter = end != buf;
		p->filter = (uint32_t)f;
	}
	/* The kernel writes nothing below a page (binfmt min_coredump). */
	long page = sysconf(_SC_PAGESIZE);
	const struct coreconf *c = o->conf;
	bool pattern_writes = c->accumulation != ACC_NONE && c->kind != PAT_UNKNOWN;
	p->can_dump = p->has_limits && p->core_soft >= (uint64_t)(page > 0 ? page : 4096) &&
		      pattern_writes;
	p->why_not = !p->has_limits ? "limits unreadable"
		     : !pattern_writes ? "core_pattern writes nothing"
		     : p->core_soft == 0 ? "core limit 0"
		     : !p->can_dump ? "core limit below a page"
				    : NULL;
	if (!p->can_dump)
		return;
	if (procfs_read_pid(o->proc, p->pid, "smaps_rollup", buf, sizeof(buf)) > 0 &&
	    procfs_parse_anon(buf, &p->anon) == 0) {
		p->has_anon = true;
		p->next_core = p->anon < p->core_soft ? p->anon : p->core_soft;
	}
	find_dest(p, o);
	assess_risk(p, o);
}

void liveproc_read(struct liveprocs *lp, const struct liveproc_opts *o)
{
	memset(lp, 0, sizeof(*lp));
	long *pids;
	size_t n = procfs_pids(o->proc, &pids);
	for (size_t i = 0; i < n; i++) {
		char st[2048];
		struct procfs_stat ps;
		if (pids[i] == o->self || procfs_read_pid(o->proc, pids[i], "stat", st, sizeof(st)) < 0 ||
		    procfs_parse_stat(st, &ps) != 0 || ps.kernel_thread || ps.state == 'Z' ||
		    ps.state == 'X')
			continue;
		lp->v = xgrow(lp->v, &lp->cap, lp->n + 1, sizeof(*lp->v));
		struct liveproc *p = &lp->v[lp->n++];
		memset(p, 0, sizeof(*p));
		p->pid = pids[i];
		p->ppid = ps.ppid;
		read_one(p, o);
		lp->can_dump += p->can_dump;
		lp->at_risk += p->at_risk;
		lp->unreadable += !p->has_limits;
	}
	free(pids);
}

void liveproc_free(struct liveprocs *lp)
{
	for (size_t i = 0; i < lp->n; i++) {
		struct liveproc *p = &lp->v[i];
		free(p->cmdline);
		free(p->program);
		free(p->exe);
		free(p->cwd);
		free(p->unit);
		free(p->dest);
	}
	free(lp->v);
	memset(lp, 0, sizeof(*lp));
}

const struct liveproc *liveproc_find(const struct liveprocs *lp, long pid)
{
	size_t lo = 0, hi = lp->n; /* ascending by pid */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (lp->v[mid].pid == pid)
			return &lp->v[mid];
		if (lp->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
