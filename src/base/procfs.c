/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/procfs.h"
#include "base/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void procfs_pid_path(struct sbuf *out, const char *root, long pid, const char *name)
{
	sbuf_reset(out);
	sbuf_printf(out, "%s/%ld/%s", root, pid, name);
}

static ssize_t read_path(const char *path, char *buf, size_t len)
{
	struct stat st;
	buf[0] = '\0';
	if (lstat(path, &st) != 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL; /* never open a FIFO or a device that a fixture tree could hold */
		return -1;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got + 1 < len) {
		ssize_t k = read(fd, buf + got, len - 1 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k < 0 && got == 0) {
				int e = errno;
				close(fd);
				errno = e;
				return -1;
			}
			break;
		}
		got += (size_t)k;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

ssize_t procfs_read(const char *root, const char *rel, char *buf, size_t len)
{
	struct sbuf p;
	sbuf_init(&p);
	sbuf_printf(&p, "%s/%s", root, rel);
	ssize_t n = read_path(p.s, buf, len);
	int e = errno;
	sbuf_free(&p);
	errno = e;
	return n;
}

ssize_t procfs_read_pid(const char *root, long pid, const char *name, char *buf, size_t len)
{
	char rel[96];
	snprintf(rel, sizeof(rel), "%ld/%s", pid, name);
	return procfs_read(root, rel, buf, len);
}

ssize_t procfs_readlink_pid(const char *root, long pid, const char *name, char *buf, size_t len)
{
	struct sbuf p;
	sbuf_init(&p);
	procfs_pid_path(&p, root, pid, name);
	ssize_t n = readlink(p.s, buf, len - 1);
	int e = errno;
	sbuf_free(&p);
	buf[n > 0 ? n : 0] = '\0';
	errno = e;
	return n;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

size_t procfs_pids(const char *root, long **out)
{
	size_t n = 0, cap = 0;
	long *v = NULL;
	DIR *d = opendir(root);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n++] = pid;
	}
	if (d)
		closedir(d);
	if (n > 1)
		sort_array(v, n, sizeof(*v), cmp_long);
	*out = v;
	return n;
}

/* A limits value: a number or "unlimited". */
static int limit_value(const char **p, uint64_t *out)
{
	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, "unlimited", 9) == 0) {
		*out = PROCFS_UNLIMITED;
		*p += 9;
		return 0;
	}
	if (!isdigit((unsigned char)**p))
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(*p, &end, 10);
	if (errno)
		return -1;
	*out = v;
	*p = end;
	return 0;
}

int procfs_parse_core_limit(const char *limits, uint64_t *soft, uint64_t *hard)
{
	static const char key[] = "Max core file size";
	for (const char *line = limits; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		const char *p = line + sizeof(key) - 1;
		if (limit_value(&p, soft) != 0 || limit_value(&p, hard) != 0)
			return -1;
		return 0;
	}
	return -1;
}

int procfs_status_field(const char *status, const char *key, long *value)
{
	size_t n = strlen(key);
	for (const char *line = status; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, n) != 0 || line[n] != ':')
			continue;
		const char *p = line + n + 1;
		p += strspn(p, " \t");
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno != 0 || (*end && *end != '\n' && *end != ' ' && *end != '\t'))
			return -1;
		*value = v;
		return 0;
	}
	return -1;
}

int procfs_parse_anon(const char *text, uint64_t *bytes)
{
	static const char key[] = "Anonymous:";
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		const char *p = line + sizeof(key) - 1;
		uint64_t kb;
		if (limit_value(&p, &kb) != 0 || kb == PROCFS_UNLIMITED || kb > UINT64_MAX / 1024)
			return -1;
		*bytes = kb * 1024;
		return 0;
	}
	return -1;
}

int procfs_parse_stat(const char *stat, struct procfs_stat *out)
{
	memset(out, 0, sizeof(*out));
	const char *close = strrchr(stat, ')'); /* comm may contain ") " itself */
	if (!close || close[1] != ' ' || !close[2])
		return -1;
	out->state = close[2];
	const char *p = close + 3;
	/* Fields 4 (ppid) to 22 (starttime); 9 is flags. */
	for (int field = 4; field <= 22; field++) {
		while (*p == ' ')
			p++;
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		if (end == p || errno)
			return -1;
		if (field == 4)
			out->ppid = (long)v;
		else if (field == 9)
			out->kernel_thread = ((unsigned long long)v & 0x00200000ull) != 0;
		else if (field == 22)
			out->start_ticks = (uint64_t)v;
		p = end;
	}
	return 0;
}

int procfs_cmdline(const char *root, long pid, size_t max, struct sbuf *out)
{
	sbuf_reset(out);
	char *buf = xmalloc(max + 1);
	ssize_t n = procfs_read_pid(root, pid, "cmdline", buf, max + 1);
	if (n < 0) {
		free(buf);
		return -1;
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	sbuf_add(out, buf, (size_t)n);
	free(buf);
	return 0;
}

void procfs_comm(const char *root, long pid, char comm[17])
{
	if (procfs_read_pid(root, pid, "comm", comm, 17) < 0)
		comm[0] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

int procfs_start_time(const char *root, long pid, int64_t *out)
{
	/* Boot time from uptime, not /proc/stat's btime: that comes after the "intr" line,
	 * which runs to many kilobytes on large machines. */
	char up[128], st[2048];
	struct procfs_stat ps;
	if (procfs_read(root, "uptime", up, sizeof(up)) < 0 ||
	    procfs_read_pid(root, pid, "stat", st, sizeof(st)) < 0 || procfs_parse_stat(st, &ps) != 0)
		return -1;
	char *end;
	double uptime = strtod(up, &end);
	if (end == up || uptime < 0)
		return -1;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long hz = sysconf(_SC_CLK_TCK);
	double boot = (double)now.tv_sec + now.tv_nsec / 1e9 - uptime;
	*out = (int64_t)(boot + (double)ps.start_ticks / (double)(hz > 0 ? hz : 100));
	return 0;
}
