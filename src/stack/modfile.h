/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modfile: open a file a core names (an NT_FILE path, AT_EXECFN, a build-id debug file)
 * on this machine, or under a sysroot, without letting the name do harm.
 *
 * The names come from the dump: a hostile core can name a FIFO (opening it would block), a
 * device (opening some has effects), or a path meant to leave the sysroot.  So a name is
 * resolved with O_PATH, which never calls a driver's open; only a regular file is then
 * opened for reading, through its O_PATH descriptor.  Under a sysroot, openat2's
 * RESOLVE_IN_ROOT resolves symbolic links inside the root, as they resolved on the crashed
 * system (/lib -> usr/lib), and ".." never climbs out of it. */
#ifndef COREDU_MODFILE_H
#define COREDU_MODFILE_H

#include <stddef.h>

/* A read-only descriptor of the regular file `path` (absolute, from the core) under
 * `sysroot` (NULL or "": this machine's root), or -1 with errno: ENOENT, EACCES, ELOOP,
 * EFTYPE-like EINVAL for anything but a regular file, ENAMETOOLONG. */
int modfile_open(const char *sysroot, const char *path);

/* The GNU build-id of the ELF file open at fd (raw bytes into out, at most cap): its count,
 * 0 if it has none or is not ELF. */
size_t modfile_build_id(int fd, unsigned char *out, size_t cap);

#endif
