/* SPDX-License-Identifier: GPL-2.0-or-later */
/* decomp: compressed dumps (zstd, xz, lz4: what systemd-coredump, ABRT, zstd(1), xz(1),
 * lz4(1) and coredu --compress write), read through their decompressed content.
 *
 * decomp_open gives a byte source over the decompressed bytes of another byte source.  It
 * decompresses only as far as a parser asks, and never beyond DECOMP_HEAD_LIMIT: a core's
 * headers and notes sit at its start, so the metadata of a 150 MB core costs a few hundred
 * KB of decompression.  The compressed input read is bounded too (DECOMP_INPUT_LIMIT; a hole
 * that runs to the end of the file ends the input, found with SEEK_DATA), and so is the
 * decoders' memory (DECOMP_MEMLIMIT), whatever a hostile header claims. */
#ifndef COREDU_DECOMP_H
#define COREDU_DECOMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bsrc;

enum dump_compression {
	COMP_NONE,
	COMP_ZSTD, /* NAME.zst */
	COMP_XZ,   /* NAME.xz */
	COMP_LZ4,  /* NAME.lz4 (the lz4 frame format) */
};

/* Decompressed bytes a parser may read from a compressed dump. */
#define DECOMP_HEAD_LIMIT (8u << 20)
/* Compressed bytes read from a dump, at most.  The head of a real core needs a few MiB of
 * input; without this cap, zeros after the data (xz stream padding, a zstd or lz4 skippable
 * frame, a hole) are input the decoders accept, and a 64 GiB sparse tail was read whole. */
#define DECOMP_INPUT_LIMIT (16u << 20)
/* The most memory a decoder may take (xz dictionary, zstd window). */
#define DECOMP_MEMLIMIT (160u << 20)

/* The compression the first bytes announce, COMP_NONE if none. */
enum dump_compression decomp_sniff(const unsigned char *head, size_t n);
/* "zstd", "xz", "lz4"; NULL for COMP_NONE. */
const char *decomp_name(enum dump_compression c);
/* ".zst", ".xz", ".lz4"; "" for COMP_NONE. */
const char *decomp_ext(enum dump_compression c);

struct decomp;
/* A byte source (`out`) over the decompressed content of `inner`.  *original gets the
 * content size when the format records it (zstd frame header, xz index, lz4 frame header),
 * else 0.  NULL if `inner` does not start with that format. */
struct decomp *decomp_open(enum dump_compression c, const struct bsrc *inner, struct bsrc *out,
			   uint64_t *original);
void decomp_close(struct decomp *d);
/* The first n decompressed bytes of `inner`; returns how many, or -1. */
ssize_t decomp_peek(enum dump_compression c, const struct bsrc *inner, unsigned char *buf,
		    size_t n);

#endif
