/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump: makedumpfile's compressed kernel dumps (the "diskdump" format that crash(8)
 * reads; makedumpfile diskdump_mod.h, crash-utility diskdump.h), plain or flattened.
 *
 * struct disk_dump_header, in the dumped machine's byte order:
 *   0 signature "KDUMP   ", 8 header_version, 12 utsname (6 x 65: sysname, nodename,
 *   release, version, machine, domainname), then a struct timeval aligned to the word
 *   (64-bit: 408 tv_sec, 416 tv_usec; 32-bit: 404, 408), then status, block_size,
 *   sub_hdr_size, ... (u32 each).  status 0x8 is DUMP_DH_COMPRESSED_INCOMPLETE.
 * The sub header (one block_size later, 64-bit layout) holds the offset and size of
 * VMCOREINFO from header_version 3 on: OSRELEASE and CRASHTIME come from there.
 *
 * The flattened format (makedumpfile -F, for pipes and ssh) is a 4096-byte header starting
 * "makedumpfile", then blocks of {int64 offset, int64 size} (big endian) and data, ending
 * with offset -1.  The block headers are read once per file, at most FLAT_BLOCKS_MAX of
 * them, and sorted by offset; a logical read finds the blocks that cover it by binary
 * search.  Blocks in any order cost the same. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kinds/bytes.h"
#include "kinds/kinds.h"

#define KDUMP_SIG "KDUMP   "
#define FLAT_SIG "makedumpfile"
#define FLAT_HEADER 4096
#define FLAT_BLOCKS_MAX 4096
#define UTS_LEN 65
#define VMCOREINFO_MAX (64u * 1024)

enum { DH_ZLIB = 0x1, DH_LZO = 0x2, DH_SNAPPY = 0x4, DH_INCOMPLETE = 0x8, DH_ZSTD = 0x20 };

bool kdump_sniff(const unsigned char *h, size_t n)
{
	return n >= 8 && memcmp(h, KDUMP_SIG, 8) == 0;
}

bool kdump_sniff_flat(const unsigned char *h, size_t n)
{
	return n >= sizeof(FLAT_SIG) && memcmp(h, FLAT_SIG, sizeof(FLAT_SIG)) == 0;
}

/* ---- the flattened view ------------------------------------------------------------------- */

struct flat_block {
	uint64_t off, size; /* logical */
	uint64_t pos;       /* where its data is in the file */
};

/* The blocks, indexed once per file (at most FLAT_BLOCKS_MAX headers read, in all) and
 * sorted by logical offset: a read is a binary search, whatever order the blocks came in. */
struct flat {
	const struct bsrc *file;
	struct flat_block *v;
	size_t n;
};

static int by_offset(const void *a, const void *b)
{
	const struct flat_block *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos); /* of two at one offset, the first */
}

static void flat_index(struct flat *f)
{
	uint64_t pos = FLAT_HEADER;
	size_t cap = 0;
	for (int i = 0; i < FLAT_BLOCKS_MAX; i++) {
		unsigned char h[16];
		if (f->file->read_at(f->file, h, sizeof(h), pos) != (ssize_t)sizeof(h))
			break;
		int64_t boff = (int64_t)bytes_u64(h, true), bsize = (int64_t)bytes_u64(h + 8, true);
		if (boff < 0 || bsize < 0 || (uint64_t)bsize > f->file->size ||
		    (uint64_t)boff > UINT64_MAX - (uint64_t)bsize)
			break; /* the end marker, or nonsense */
		f->v = xgrow(f->v, &cap, f->n + 1, sizeof(*f->v));
		f->v[f->n++] = (struct flat_block){(uint64_t)boff, (uint64_t)bsize, pos + 16};
		pos += 16 + (uint64_t)bsize;
	}
	sort_array(f->v, f->n, sizeof(*f->v), by_offset);
}

/* The block that holds logical byte `want`, or NULL. */
static const struct flat_block *flat_find(const struct flat *f, uint64_t want)
{
	size_t lo = 0, hi = f->n; /* the last block starting at or before want */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v[mid].off <= want)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct flat_block *b = &f->v[lo - 1];
	return want - b->off < b->size ? b : NULL;
}

/* Logical bytes [off, off+len) from the blocks that hold them. */
static ssize_t flat_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	const struct flat *f = s->priv;
	size_t done = 0;
	while (done < len) {
		const struct flat_block *b = flat_find(f, off + done);
		if (!b)
			break;
		uint64_t in = off + done - b->off;
		size_t n = (size_t)(b->size - in < len - done ? b->size - in : len - done);
		ssize_t k = f->file->read_at(f->file, (char *)buf + done, n, b->pos + in);
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

/* ---- the header --------------------------------------------------------------------------- */

static char *uts_field(const unsigned char *h, int index)
{
	const char *f = (const char *)h + 12 + UTS_LEN * index;
	size_t n = strnlen(f, UTS_LEN);
	return n ? xstrndup(f, n) : NULL;
}

static void vmcoreinfo(struct reader *r, uint64_t off, uint64_t size, struct core_info *ci,
		       struct dump_meta *m)
{
	if (size == 0 || size > VMCOREINFO_MAX)
		return;
	const unsigned char *t = reader_get(r, off, (size_t)size);
	if (!t)
		return;
	char *text = xstrndup((const char *)t, (size_t)size);
	for (char *save, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "OSRELEASE=", 10) == 0) {
			snprintf(ci->osrelease, sizeof(ci->osrelease), "%s", line + 10);
			if (!m->release)
				m->release = xstrdup(line + 10);
		} else if (strncmp(line, "CRASHTIME=", 10) == 0) {
			ci->crashtime = strtoll(line + 10, NULL, 10);
			m->time = ci->crashtime;
		}
	}
	free(text);
}

void kdump_parse(const struct bsrc *src, bool flattened, struct core_info *ci,
		 struct dump_meta *m)
{
	struct flat flat = {src, NULL, 0};
	if (flattened)
		flat_index(&flat);
	struct bsrc view = {flat_read_at, src->size, -1, &flat};
	const struct bsrc *s = flattened ? &view : src;
	struct reader r;
	reader_init(&r, s);
	ci->file_size = src->size;
	m->flattened = flattened;
	const unsigned char *h = reader_get(&r, 0, 464);
	if (!h || memcmp(h, KDUMP_SIG, 8) != 0) {
		snprintf(ci->problem, sizeof(ci->problem), "the kdump header is cut short");
		ci->truncated = true;
		reader_free(&r);
		free(flat.v);
		return;
	}
	/* The header version is small: its byte order tells the machine's. */
	bool be = bytes_u32(h + 8, false) > 0xffff;
	uint32_t version = bytes_u32(h + 8, be);
	char *machine = uts_field(h, 4);
	bool is64 = !machine || strstr(machine, "64") || strcmp(machine, "s390x") == 0;
	size_t ts = is64 ? 408 : 404, rest = is64 ? 424 : 412;
	m->host = uts_field(h, 1);
	m->release = uts_field(h, 2);
	if (m->release)
		snprintf(ci->osrelease, sizeof(ci->osrelease), "%s", m->release);
	char *sysname = uts_field(h, 0);
	struct sbuf t; /* "Linux 6.1.0-13-amd64 x86_64", from the fields that are there */
	sbuf_init(&t);
	const char *parts[] = {sysname, m->release, machine};
	for (size_t i = 0; i < 3; i++)
		if (parts[i])
			sbuf_printf(&t, "%s%s", t.len ? " " : "", parts[i]);
	m->title = t.len ? sbuf_take(&t) : NULL;
	sbuf_free(&t);
	free(sysname);
	free(machine);
	m->time = is64 ? (int64_t)bytes_u64(h + ts, be) : (int32_t)bytes_u32(h + ts, be);
	uint32_t status = bytes_u32(h + rest, be);
	m->block_size = bytes_u32(h + rest + 4, be);
	m->incomplete = (status & DH_INCOMPLETE) != 0;
	ci->truncated = m->incomplete;
	const char *comp = status & DH_ZLIB ? ", zlib" : status & DH_LZO ? ", lzo"
			   : status & DH_SNAPPY ? ", snappy" : status & DH_ZSTD ? ", zstd" : "";
	m->format = xasprintf("kdump-compressed v%" PRIu32 "%s%s", version, comp,
			      flattened ? ", flattened" : "");
	if (m->incomplete)
		snprintf(ci->problem, sizeof(ci->problem),
			 "makedumpfile marked the dump incomplete (it was interrupted or ran out of space)");
	/* VMCOREINFO, from header version 3 on (64-bit sub header layout). */
	uint32_t bs = m->block_size;
	if (version >= 3 && is64 && bs >= 512 && bs <= (1u << 20)) {
		const unsigned char *sub = reader_get(&r, bs, 48);
		if (sub)
			vmcoreinfo(&r, bytes_u64(sub + 32, be), bytes_u64(sub + 40, be), ci, m);
	}
	reader_free(&r);
	free(flat.v);
}
