/* reader: bounded random-access reads from a dump.
 *
 * A `bsrc` is where bytes come from (a plain file today; a decompressing stream later).
 * A `rd` keeps one window of the source in memory, so parsers can ask for small pieces at
 * arbitrary offsets and sequential walks cost one read per window, never a whole file. */
#ifndef COREDU_READER_H
#define COREDU_READER_H

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

#define RD_WINDOW (16u * 1024)
#define RD_MAX_REQUEST (64u << 20) /* the largest single piece a parser may ask for */

struct rd {
	const struct bsrc *src;
	unsigned char *buf;
	size_t cap;
	uint64_t off; /* source offset of buf[0] */
	size_t len;   /* valid bytes in buf */
	int error;    /* errno of the first failed read, 0 if none */
	uint64_t bytes_read;
};

void rd_init(struct rd *r, const struct bsrc *src);
void rd_free(struct rd *r);
/* Exactly n bytes at off, or NULL if the source ends first.  Valid until the next call. */
const unsigned char *rd_get(struct rd *r, uint64_t off, size_t n);
/* Up to n bytes at off; *got says how many (0 with NULL at or past the end). */
const unsigned char *rd_get_upto(struct rd *r, uint64_t off, size_t n, size_t *got);

#endif
