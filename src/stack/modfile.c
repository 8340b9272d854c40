/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "stack/modfile.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* path under the root directory descriptor, opened with flags. */
static int open_in_root(int root, const char *path, int flags)
{
	while (*path == '/')
		path++;
	struct open_how how = {.flags = (uint64_t)flags,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	/* Kernels before 5.6: the name under the root as it is.  An absolute link inside the
	 * root then resolves on this machine; the build-id check still refuses a wrong file. */
	return openat(root, *path ? path : ".", flags);
}

/* path (under sysroot, if one is given) opened with flags. */
static int resolve(const char *sysroot, const char *path, int flags)
{
	if (!sysroot || !*sysroot)
		return open(path, flags);
	int root = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	int fd = open_in_root(root, path, flags);
	int e = errno;
	close(root);
	errno = e;
	return fd;
}

int modfile_open(const char *sysroot, const char *path)
{
	if (!path || path[0] != '/' || strlen(path) >= 4096) {
		errno = path && path[0] == '/' ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	int pfd = resolve(sysroot, path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	struct stat st;
	if (fstat(pfd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(pfd);
		errno = EINVAL; /* a FIFO, a device, a directory: never opened */
		return -1;
	}
	/* Reopen the same inode through its O_PATH descriptor; without /proc (a bare
	 * container), by its name again, with O_NONBLOCK against a FIFO swapped in meanwhile. */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	int fd = open(self, OPEN_FLAGS);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		fd = resolve(sysroot, path, OPEN_FLAGS);
	int e = errno;
	close(pfd);
	struct stat st2;
	if (fd >= 0 && (fstat(fd, &st2) != 0 || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev)) {
		close(fd);
		fd = -1;
		e = ESTALE;
	}
	errno = e;
	return fd;
}

size_t modfile_build_id(int fd, unsigned char *out, size_t cap)
{
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e)
		return 0;
	const void *id;
	ssize_t n = elf_kind(e) == ELF_K_ELF ? dwelf_elf_gnu_build_id(e, &id) : -1;
	size_t len = 0;
	if (n > 0 && (size_t)n <= cap) {
		memcpy(out, id, (size_t)n);
		len = (size_t)n;
	}
	elf_end(e);
	return len;
}
