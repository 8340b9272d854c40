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
	uint64_t original;   /* bytes of the dump, holes included */
	uint64_t read;       /* bytes read from it: its data, never its holes */
	uint64_t compressed; /* bytes of NAME.zst */
	uint64_t disk;       /* its st_blocks * 512 */
	bool cancelled;      /* stopped: no copy was kept */
	bool pointless;      /* not tried: it would free nothing (mostly holes) */
};

/* What stops a compression in progress: a signal's flag, or a caller asked between chunks
 * (the browser's q).  Either may be NULL. */
struct zst_stop {
	const volatile sig_atomic_t *flag;
	bool (*poll)(void *ctx);
	void *ctx;
};

/* Holes beyond this are compressed only if the data is at least 1/64 of them: zstd spends
 * about 4 bytes and a fixed time per 128 KiB of zeros, so a sparse file of 8 GiB with 16 KiB
 * of data would grow on disk and take seconds, and one of 1 PiB days. */
#define ZST_HOLES_FREE (1ull << 30)
#define ZST_HOLES_PER_DATA 64

/* Compress the regular file `name` in dirfd, open as `in` with status `st`, to `name`.zst
 * beside it.  Only its data extents are read (SEEK_DATA, SEEK_HOLE); its holes go to zstd as
 * zeros from memory, which it stores as run-length blocks, and `zstd -d` writes them back as
 * holes.  The copy is written unnamed (O_TMPFILE, else a hidden temporary name), synced,
 * given the original's mode, owner (when permitted), times and user.* extended attributes
 * (systemd's user.coredump.*), checked by decompressing it against the original, and only
 * then linked as `name`.zst (never over an existing file).  Returns 0, or -1 with the reason
 * in err (names in it escaped).  The original is left alone.  When stop says so before the
 * copy is named (checked every MiB, data or hole), the copy is removed and -1 returned with
 * r->cancelled: no half-written temporary stays behind. */
int zst_compress_beside(int dirfd, const char *name, int in, const struct stat *st,
			const struct zst_stop *stop, struct zst_result *r, char *err,
			size_t errlen);

#endif
