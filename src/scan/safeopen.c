/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/safeopen.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* Remembered once the kernel says openat2 does not exist (or a seccomp filter says no). */
static atomic_bool no_openat2;

static int walk_components(int dirfd, const char *rel, int flags)
{
	char *copy = xstrdup(rel);
	int cur = dirfd;
	char *save = NULL;
	char *name = strtok_r(copy, "/", &save);
	int fd = -1;

	while (name) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0) {
			errno = EINVAL;
			fd = -1;
			break;
		}
		fd = openat(cur, name,
			    next ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
				 : flags | O_NOFOLLOW | O_CLOEXEC);
		int err = errno;
		if (cur != dirfd)
			close(cur);
		errno = err;
		if (fd < 0 || !next)
			break;
		cur = fd;
		name = next;
	}
	free(copy);
	return fd;
}

int safeopen_beneath(int dirfd, const char *rel, int flags)
{
	if (!atomic_load_explicit(&no_openat2, memory_order_relaxed) && strlen(rel) < PATH_MAX) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
		};
		long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
			return (int)fd;
		if (errno == ENOSYS || errno == E2BIG)
			atomic_store(&no_openat2, true);
	}
	return walk_components(dirfd, rel, flags);
}

int safeopen_abs(const char *abs, int flags)
{
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	while (*abs == '/')
		abs++;
	int fd = *abs ? safeopen_beneath(root, abs, flags) : fcntl(root, F_DUPFD_CLOEXEC, 0);
	int err = errno;
	close(root);
	errno = err;
	return fd;
}
