/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zst: compress a dump to NAME.zst beside it, keeping mode, owner and times, verified by
 * decompressing the result and comparing it with the original before it gets its name.
 * (Reading compressed dumps is decomp.c's job.) */
#ifndef COREDU_ZST_H
#define COREDU_ZST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct zst_result {
	uint64_t original;   /* bytes read from the dump */
	uint64_t compressed; /* bytes of NAME.zst */
	uint64_t disk;       /* its st_blocks * 512 */
	bool cancelled;      /* stopped by *cancel: no copy was kept */
};

/* Compress the regular file `name` in dirfd, open as `in` with status `st`, to `name`.zst
 * beside it.  The copy is written unnamed (O_TMPFILE, else a hidden temporary name), synced,
 * given the original's mode, owner (when permitted) and times, checked by decompressing it
 * against the original, and only then linked as `name`.zst (never over an existing file).
 * Returns 0, or -1 with the reason in err.  The original is left alone.  When *cancel (if not NULL)
 * becomes non-zero before the copy is named, the copy is removed and -1 returned with
 * r->cancelled: a signal must not leave a half-written temporary behind. */
int zst_compress_beside(int dirfd, const char *name, int in, const struct stat *st,
			const volatile sig_atomic_t *cancel, struct zst_result *r, char *err,
			size_t errlen);

#endif
