/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safeopen: open a path below a directory without following a symbolic link anywhere in it.
 * Used by the scanner to reopen directories and by anything that must reach a file the
 * scan found without being redirected by a swapped-in link. */
#ifndef COREDU_SAFEOPEN_H
#define COREDU_SAFEOPEN_H

/* Open `rel` (slash-separated plain names, no "..") relative to dirfd with `flags`
 * (O_NOFOLLOW and O_CLOEXEC are added).  openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH) where
 * the kernel has it (Linux 5.6), otherwise one component at a time with O_NOFOLLOW |
 * O_DIRECTORY.  Paths longer than PATH_MAX work too.  Returns a descriptor or -1 with errno
 * (ELOOP when a component is a symbolic link). */
int safeopen_beneath(int dirfd, const char *rel, int flags);

/* The same for an absolute path, from "/". */
int safeopen_abs(const char *abs, int flags);

#endif
