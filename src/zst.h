/* zst: zstd-compressed dumps.
 *
 * Reading: a byte source over the decompressed content of a .zst file that decompresses only
 * as far as a parser asks, up to a limit (a core's headers and notes sit at its start), so
 * the metadata of a 150 MB core costs a few hundred KB of decompression.
 *
 * Writing: compress a dump to NAME.zst beside it, keeping mode, owner and times, verified by
 * decompressing the result and comparing it with the original before it gets its name. */
#ifndef COREDU_ZST_H
#define COREDU_ZST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "reader.h"

/* Decompressed bytes a parser may read from a compressed dump. */
#define ZST_HEAD_LIMIT (8u << 20)

bool zst_sniff(const unsigned char *head, size_t n);
/* The first n decompressed bytes of the zstd file at fd; returns how many, or -1. */
ssize_t zst_peek(int fd, unsigned char *buf, size_t n);

struct zst_src;
/* A byte source over the file at fd, decompressed.  *original gets the content size from
 * the frame header (0 if the frame does not say).  NULL on error. */
struct zst_src *zst_open(int fd, struct bsrc *src, uint64_t *original);
void zst_close(struct zst_src *z);

struct zst_result {
	uint64_t original;   /* bytes read from the dump */
	uint64_t compressed; /* bytes of NAME.zst */
	uint64_t disk;       /* its st_blocks * 512 */
	char error[200];
};

/* Compress the regular file `name` in dirfd, open as `in` with status `st`, to `name`.zst
 * beside it.  The copy is written unnamed (O_TMPFILE, else a hidden temporary name), synced,
 * given the original's mode, owner (when permitted) and times, checked by decompressing it
 * against the original, and only then linked as `name`.zst (never over an existing file).
 * Returns 0, or -1 with r->error.  The original is left alone. */
int zst_compress_beside(int dirfd, const char *name, int in, const struct stat *st,
			struct zst_result *r);

#endif
