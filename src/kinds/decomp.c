/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/decomp.h"

#include <errno.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "base/util.h"
#include "kinds/bsrc.h"

#define IN_CHUNK (64u * 1024)
#define OUT_STEP (256u * 1024)
#define ZSTD_HEADER_MAX 18     /* ZSTD_FRAMEHEADERSIZE_MAX */
#define XZ_INDEX_MAX (1u << 20) /* larger indexes: the size stays unknown */

enum dump_compression decomp_sniff(const unsigned char *h, size_t n)
{
	static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd};
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
	static const unsigned char lz4[] = {0x04, 0x22, 0x4d, 0x18};
	if (n >= sizeof(zstd) && memcmp(h, zstd, sizeof(zstd)) == 0)
		return COMP_ZSTD;
	if (n >= sizeof(xz) && memcmp(h, xz, sizeof(xz)) == 0)
		return COMP_XZ;
	if (n >= sizeof(lz4) && memcmp(h, lz4, sizeof(lz4)) == 0)
		return COMP_LZ4;
	return COMP_NONE;
}

const char *decomp_name(enum dump_compression c)
{
	static const char *const names[] = {[COMP_NONE] = NULL, [COMP_ZSTD] = "zstd",
					    [COMP_XZ] = "xz", [COMP_LZ4] = "lz4"};
	return names[c];
}

const char *decomp_ext(enum dump_compression c)
{
	static const char *const ext[] = {[COMP_NONE] = "", [COMP_ZSTD] = ".zst", [COMP_XZ] = ".xz",
					  [COMP_LZ4] = ".lz4"};
	return ext[c];
}

struct decomp {
	enum dump_compression c;
	const struct bsrc *inner;
	uint64_t in_off;               /* next compressed byte to read */
	unsigned char *in;
	size_t in_len, in_pos;
	bool in_eof, done, failed;
	unsigned char *head;           /* decompressed bytes so far */
	size_t head_len, head_cap;
	ZSTD_DStream *zs;
	lzma_stream xs;
	LZ4F_dctx *lz;
};

/* One decoding step from d->in[in_pos..in_len) into out[0..room): bytes produced, or -1. */
static ssize_t step(struct decomp *d, unsigned char *out, size_t room)
{
	const unsigned char *src = d->in + d->in_pos;
	size_t avail = d->in_len - d->in_pos;
	switch (d->c) {
	case COMP_ZSTD: {
		ZSTD_inBuffer ib = {src, avail, 0};
		ZSTD_outBuffer ob = {out, room, 0};
		size_t rc = ZSTD_decompressStream(d->zs, &ob, &ib);
		d->in_pos += ib.pos;
		if (ZSTD_isError(rc))
			return -1;
		/* A frame ended: another may follow (concatenated frames decode as one). */
		if (rc == 0 && d->in_eof && d->in_pos == d->in_len)
			d->done = true;
		return (ssize_t)ob.pos;
	}
	case COMP_XZ: {
		d->xs.next_in = src;
		d->xs.avail_in = avail;
		d->xs.next_out = out;
		d->xs.avail_out = room;
		lzma_ret rc = lzma_code(&d->xs, d->in_eof ? LZMA_FINISH : LZMA_RUN);
		d->in_pos += avail - d->xs.avail_in;
		if (rc == LZMA_STREAM_END)
			d->done = true;
		else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			return -1;
		return (ssize_t)(room - d->xs.avail_out);
	}
	case COMP_LZ4: {
		size_t dst = room, used = avail;
		size_t rc = LZ4F_decompress(d->lz, out, &dst, src, &used, NULL);
		d->in_pos += used;
		if (LZ4F_isError(rc))
			return -1;
		if (rc == 0 && d->in_eof && d->in_pos == d->in_len)
			d->done = true;
		return (ssize_t)dst;
	}
	case COMP_NONE:
		break;
	}
	return -1;
}

/* Whether only a hole follows `off` in the file behind the source: zeros to the end, which
 * the decoders would take as padding or a skippable frame's content, byte by byte. */
static bool hole_to_end(const struct bsrc *s, uint64_t off)
{
	if (s->fd < 0 || off >= s->size)
		return false;
	return lseek(s->fd, (off_t)off, SEEK_DATA) < 0 && errno == ENXIO;
}

/* The next chunk of compressed input, within DECOMP_INPUT_LIMIT; false on a read error. */
static bool refill(struct decomp *d)
{
	size_t want = IN_CHUNK;
	if (d->in_off >= DECOMP_INPUT_LIMIT || hole_to_end(d->inner, d->in_off))
		want = 0; /* the end of the input, as far as the head is concerned */
	else if (DECOMP_INPUT_LIMIT - d->in_off < want)
		want = (size_t)(DECOMP_INPUT_LIMIT - d->in_off);
	ssize_t k = want ? d->inner->read_at(d->inner, d->in, want, d->in_off) : 0;
	if (k < 0)
		return false;
	d->in_eof = k == 0;
	d->in_off += (uint64_t)k;
	d->in_len = (size_t)k;
	d->in_pos = 0;
	return true;
}

/* Decompress until `want` bytes of content are there, the limit, the end or an error. */
static void fill_to(struct decomp *d, size_t want)
{
	if (want > DECOMP_HEAD_LIMIT)
		want = DECOMP_HEAD_LIMIT;
	int stalls = 0;
	while (d->head_len < want && !d->done && !d->failed) {
		if (d->in_pos == d->in_len && !d->in_eof && !refill(d)) {
			d->failed = true;
			break;
		}
		size_t room = want - d->head_len < OUT_STEP ? OUT_STEP : want - d->head_len;
		if (room > DECOMP_HEAD_LIMIT - d->head_len)
			room = DECOMP_HEAD_LIMIT - d->head_len;
		d->head = xgrow(d->head, &d->head_cap, d->head_len + room, 1);
		size_t before = d->in_pos;
		ssize_t got = step(d, d->head + d->head_len, room);
		if (got < 0) {
			d->failed = true;
			break;
		}
		d->head_len += (size_t)got;
		if (got > 0 || d->in_pos != before) {
			stalls = 0;
		} else if (d->in_eof) {
			d->failed = true; /* no input left and nothing made: cut short */
		} else if (d->in_pos < d->in_len && ++stalls > 2) {
			d->failed = true; /* input the decoder will not take */
		}
	}
}

static ssize_t decomp_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	struct decomp *d = s->priv;
	if (off >= DECOMP_HEAD_LIMIT)
		return 0; /* beyond the head: not read, by design */
	if (off + len > DECOMP_HEAD_LIMIT)
		len = (size_t)(DECOMP_HEAD_LIMIT - off);
	fill_to(d, (size_t)(off + len));
	if (off >= d->head_len)
		return 0;
	size_t n = d->head_len - (size_t)off < len ? d->head_len - (size_t)off : len;
	memcpy(buf, d->head + off, n);
	return (ssize_t)n;
}

static ssize_t read_exact(const struct bsrc *s, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = s->read_at(s, (char *)buf + got, n - got, off + got);
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The uncompressed size from the xz index at the end of a single-stream file. */
static uint64_t xz_original(const struct bsrc *inner)
{
	unsigned char footer[LZMA_STREAM_HEADER_SIZE];
	lzma_stream_flags flags;
	if (inner->size < 2 * LZMA_STREAM_HEADER_SIZE ||
	    read_exact(inner, footer, sizeof(footer), inner->size - sizeof(footer)) !=
		    (ssize_t)sizeof(footer) ||
	    lzma_stream_footer_decode(&flags, footer) != LZMA_OK ||
	    flags.backward_size > XZ_INDEX_MAX ||
	    flags.backward_size > inner->size - 2 * LZMA_STREAM_HEADER_SIZE)
		return 0;
	size_t n = (size_t)flags.backward_size;
	unsigned char *buf = xmalloc(n);
	uint64_t size = 0;
	lzma_index *idx = NULL;
	uint64_t memlimit = 16u << 20;
	size_t pos = 0;
	if (read_exact(inner, buf, n, inner->size - sizeof(footer) - n) == (ssize_t)n &&
	    lzma_index_buffer_decode(&idx, &memlimit, NULL, buf, &pos, n) == LZMA_OK) {
		size = lzma_index_uncompressed_size(idx);
		lzma_index_end(idx, NULL);
	}
	free(buf);
	return size;
}

/* Set up the decoder; read the original size where the format records it. */
static bool start(struct decomp *d, uint64_t *original)
{
	unsigned char hdr[ZSTD_HEADER_MAX];
	ssize_t n = read_exact(d->inner, hdr, sizeof(hdr), 0);
	if (n < 4 || decomp_sniff(hdr, (size_t)n) != d->c)
		return false;
	*original = 0;
	switch (d->c) {
	case COMP_ZSTD: {
		unsigned long long size = ZSTD_getFrameContentSize(hdr, (size_t)n);
		if (size != ZSTD_CONTENTSIZE_UNKNOWN && size != ZSTD_CONTENTSIZE_ERROR)
			*original = size;
		d->zs = ZSTD_createDStream();
		if (!d->zs)
			return false;
		ZSTD_initDStream(d->zs);
		/* a window of 2^27 bytes at most: 128 MiB */
		ZSTD_DCtx_setParameter(d->zs, ZSTD_d_windowLogMax, 27);
		return true;
	}
	case COMP_XZ:
		*original = xz_original(d->inner);
		d->xs = (lzma_stream)LZMA_STREAM_INIT;
		return lzma_stream_decoder(&d->xs, DECOMP_MEMLIMIT, LZMA_CONCATENATED) == LZMA_OK;
	case COMP_LZ4: {
		if (LZ4F_isError(LZ4F_createDecompressionContext(&d->lz, LZ4F_VERSION)))
			return false;
		LZ4F_frameInfo_t info;
		size_t used = (size_t)n;
		/* Reads only the frame header; decoding starts again from offset 0. */
		if (!LZ4F_isError(LZ4F_getFrameInfo(d->lz, &info, hdr, &used)))
			*original = info.contentSize;
		LZ4F_resetDecompressionContext(d->lz);
		return true;
	}
	case COMP_NONE:
		break;
	}
	return false;
}

void decomp_close(struct decomp *d)
{
	if (!d)
		return;
	if (d->zs)
		ZSTD_freeDStream(d->zs);
	if (d->c == COMP_XZ)
		lzma_end(&d->xs);
	if (d->lz)
		LZ4F_freeDecompressionContext(d->lz);
	free(d->in);
	free(d->head);
	free(d);
}

struct decomp *decomp_open(enum dump_compression c, const struct bsrc *inner, struct bsrc *out,
			   uint64_t *original)
{
	struct decomp *d = xcalloc(1, sizeof(*d));
	d->c = c;
	d->inner = inner;
	if (!start(d, original)) {
		decomp_close(d);
		return NULL;
	}
	d->in = xmalloc(IN_CHUNK);
	/* Without a recorded size, the parser sees what the head holds. */
	*out = (struct bsrc){.read_at = decomp_read_at,
			     .size = *original ? *original : DECOMP_HEAD_LIMIT,
			     .fd = -1,
			     .priv = d};
	return d;
}

ssize_t decomp_peek(enum dump_compression c, const struct bsrc *inner, unsigned char *buf,
		    size_t n)
{
	struct bsrc src;
	uint64_t original;
	struct decomp *d = decomp_open(c, inner, &src, &original);
	if (!d)
		return -1;
	ssize_t got = decomp_read_at(&src, buf, n, 0);
	decomp_close(d);
	return got;
}
