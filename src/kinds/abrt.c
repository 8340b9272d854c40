/* SPDX-License-Identifier: GPL-2.0-or-later */
/* abrt: ABRT problem directories (libreport's dump_dir: one small text file per item, and
 * the core as "coredump", or compressed as coredump.zst/.xz/.lz4 when abrt-dump-journal-core
 * copies it from systemd-coredump's store).
 *
 * A pure parser like the others: it reads the text items (executable, cmdline, reason, time,
 * count, pid, uid, hostname, kernel), sums the files, and says which file is the core;
 * dump.c parses that core.  The digest over the files' names, inodes, sizes and
 * modification times lets deletion check that the directory still holds exactly what the
 * scan saw.  Recognising a problem directory is detect.c's job. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "kinds/kinds.h"

#define TEXT_MAX 4096 /* bytes read of each text item */

static bool is_file(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

/* An item of the directory, opened only if it is a regular file: a FIFO is never opened (that
 * would release a writer blocked on it), a link never followed.  fstat confirms after. */
static int open_item(int dirfd, const char *name)
{
	return is_file(dirfd, name)
		       ? openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
		       : -1;
}

/* A text item, without trailing newlines; NULL if missing or not a regular file. */
/* An item's text, at most max bytes (*cut: there was more). */
static char *read_item_max(int dirfd, const char *name, size_t max, bool *cut)
{
	int fd = open_item(dirfd, name);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = xmalloc(max + 1);
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = pread(fd, buf, max + 1, 0);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*cut = (size_t)n > max;
	if (*cut)
		n = (ssize_t)max;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	char *text = xstrndup(buf, (size_t)n);
	free(buf);
	return text;
}

static char *read_item(int dirfd, const char *name)
{
	bool cut;
	return read_item_max(dirfd, name, TEXT_MAX, &cut);
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static uint64_t entry_hash(const char *name, const struct stat *st)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a over the name */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h = mix(h ^ (uint64_t)st->st_ino);
	h = mix(h ^ (uint64_t)st->st_size);
	h = mix(h ^ (uint64_t)st->st_mtim.tv_sec);
	return mix(h ^ (uint64_t)st->st_mtim.tv_nsec);
}

uint64_t abrt_digest(int dirfd, uint32_t *files, uint64_t *apparent, uint64_t *disk)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	uint64_t digest = 0x9e3779b97f4a7c15ull;
	bool only_files = true;
	*files = 0;
	*apparent = *disk = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			only_files = false;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			only_files = false;
		/* Order does not matter: the sum of the entries' hashes. */
		digest += entry_hash(e->d_name, &st);
		(*files)++;
		*apparent = sat_add_u64(*apparent, (uint64_t)st.st_size);
		*disk = sat_add_u64(*disk, (uint64_t)st.st_blocks * 512);
	}
	closedir(d);
	return only_files ? digest : 0;
}

int abrt_open_core(int dirfd, const char **name)
{
	static const char *const names[] = {"coredump", "coredump.zst", "coredump.xz", "coredump.lz4"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int fd = open_item(dirfd, names[i]);
		if (fd < 0)
			continue;
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			*name = names[i];
			return fd;
		}
		close(fd);
	}
	return -1;
}

void abrt_parse_items(int dirfd, struct core_info *ci, struct dump_meta *m)
{
	char *v;
	if ((v = read_item(dirfd, "executable"))) {
		free(ci->exe);
		ci->exe = v;
	}
	bool cut;
	if ((v = read_item_max(dirfd, "cmdline", CORE_CMDLINE_MAX, &cut))) {
		elfcore_set_cmdline(ci, v, strlen(v), CORE_CMDLINE_MAX, cut);
		free(v);
	}
	/* The core's own pid and uid first; the text items where there is no core. */
	if (ci->pid < 0 && (v = read_item(dirfd, "pid"))) {
		ci->pid = strtoll(v, NULL, 10);
		free(v);
	}
	if (ci->uid < 0 && (v = read_item(dirfd, "uid"))) {
		ci->uid = strtoll(v, NULL, 10);
		free(v);
	}
	if ((v = read_item(dirfd, "time"))) {
		m->time = strtoll(v, NULL, 10);
		free(v);
	}
	if ((v = read_item(dirfd, "count"))) {
		m->count = strtoull(v, NULL, 10);
		free(v);
	}
	m->title = read_item(dirfd, "reason");
	m->host = read_item(dirfd, "hostname");
	m->release = read_item(dirfd, "kernel");
	char *type = read_item(dirfd, "type");
	if (!type)
		type = read_item(dirfd, "analyzer");
	m->format = xasprintf("ABRT problem directory, type %s", type ? type : "?");
	free(type);
	if (!m->dir_digest)
		snprintf(ci->problem, sizeof(ci->problem),
			 "the problem directory holds more than regular files");
}
