/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bsrc: a byte source, where a parser's bytes come from: a file, memory (tests, fuzzing), or
 * the decompressed content of another source (decomp.h). */
#ifndef COREDU_BSRC_H
#define COREDU_BSRC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bsrc {
	/* Read up to len bytes at off: bytes read (0 at the end), or -1 with errno set. */
	ssize_t (*read_at)(const struct bsrc *s, void *buf, size_t len, uint64_t off);
	uint64_t size; /* bytes the source holds */
	int fd;
	void *priv;
};

void bsrc_from_fd(struct bsrc *s, int fd, uint64_t size);
/* Bytes in memory (tests, fuzzing); `data` must outlive the source. */
void bsrc_from_mem(struct bsrc *s, const void *data, size_t size);

#endif
