/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "delete/zst.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/limits.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zstd.h>

#include "base/fmt.h"
#include "base/sanitize.h"
#include "base/util.h"

#define CHUNK (1u << 20)
#define LEVEL 3             /* cores compress 10-1000x even at low levels */
#define MIN_FREE (1u << 20) /* refuse at once below this much free space */
#define FRAME_HEADER_MAX 18 /* ZSTD_FRAMEHEADERSIZE_MAX, which zstd.h exports only when static */

static ssize_t read_all(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* ---- writing --------------------------------------------------------------------------- */

static int write_all(int fd, const void *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, buf, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf = (const char *)buf + k;
		n -= (size_t)k;
	}
	return 0;
}

/* One compression: what it reports, what stops it, where its error goes. */
struct job {
	struct zst_result *r;
	const struct zst_stop *stop;
	char *err;
	size_t errlen;
};

/* ---- extents ------------------------------------------------------------------------------ */

/* Where the run of data or hole that holds `off` ends, and which it is.  Without SEEK_DATA
 * (or on any error) the rest of the file counts as data: correct, only slower. */
static uint64_t run_end(int fd, uint64_t off, uint64_t size, bool *data)
{
	*data = true;
	off_t d = lseek(fd, (off_t)off, SEEK_DATA);
	if (d < 0) {
		*data = errno != ENXIO; /* ENXIO: a hole to the end */
		return size;
	}
	if ((uint64_t)d > off) {
		*data = false;
		return (uint64_t)d < size ? (uint64_t)d : size;
	}
	off_t h = lseek(fd, (off_t)off, SEEK_HOLE);
	return h < 0 || (uint64_t)h > size || (uint64_t)h <= off ? size : (uint64_t)h;
}

/* The original's bytes [off, off+n): read where it has data, zeros (not read) in a hole.
 * Returns the bytes there (fewer if the file ended early), or -1. */
struct extents {
	int fd;
	uint64_t size, end; /* the current run is [.., end) */
	bool data;
	const unsigned char *zeros;
};

static ssize_t extents_get(struct extents *x, unsigned char *buf, const unsigned char **out,
			   size_t n, uint64_t off, uint64_t *read)
{
	if (off >= x->end)
		x->end = run_end(x->fd, off, x->size, &x->data);
	if (n > x->end - off)
		n = (size_t)(x->end - off);
	if (!x->data) {
		*out = x->zeros;
		return (ssize_t)n;
	}
	*out = buf;
	ssize_t k = read_all(x->fd, buf, n, off);
	if (k > 0)
		*read += (uint64_t)k;
	return k;
}

static int fail(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err, j->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* An unnamed file in dirfd (O_TMPFILE) where the kernel and /proc allow linking it later;
 * else a hidden name that the caller removes on failure. */
static int make_temp(int dirfd, const char *name, char *tmpname, size_t len)
{
	tmpname[0] = '\0';
	if (access("/proc/self/fd", X_OK) == 0) {
		int fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
	}
	for (int i = 0; i < 100; i++) {
		snprintf(tmpname, len, ".%s.zst.coredu-%d-%d", name, (int)getpid(), i);
		int fd = openat(dirfd, tmpname, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int link_temp(int dirfd, int fd, const char *tmpname, const char *target)
{
	if (!tmpname[0]) {
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		return linkat(AT_FDCWD, proc, dirfd, target, AT_SYMLINK_FOLLOW);
	}
	/* A hard link, not rename: it fails rather than replace an existing target. */
	if (linkat(dirfd, tmpname, dirfd, target, 0) != 0)
		return -1;
	unlinkat(dirfd, tmpname, 0);
	return 0;
}

/* Checked once per chunk and before the copy is named: a signal, or the caller, abandons
 * the copy. */
static bool stopped(struct job *j)
{
	const struct zst_stop *s = j->stop;
	if (!s || (!(s->flag && *s->flag) && !(s->poll && s->poll(s->ctx))))
		return false;
	j->r->cancelled = true;
	fail(j, "stopped before the copy was complete");
	return true;
}

static ZSTD_CCtx *new_cctx(uint64_t size)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	if (!cc)
		return NULL;
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_nbWorkers, cpus > 4 ? 4 : cpus > 1 ? (int)cpus : 0);
	ZSTD_CCtx_setPledgedSrcSize(cc, size); /* the frame records the original size */
	return cc;
}

/* Feed bytes to zstd and write what it makes; -1 with the reason set. */
static int feed(ZSTD_CCtx *cc, const void *src, size_t n, bool last, int out, unsigned char *obuf,
		uint64_t *written, struct job *j)
{
	ZSTD_inBuffer ib = {src, n, 0};
	size_t left;
	do {
		ZSTD_outBuffer ob = {obuf, CHUNK, 0};
		left = ZSTD_compressStream2(cc, &ob, &ib, last ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return fail(j, "zstd: %s", ZSTD_getErrorName(left));
		if (write_all(out, obuf, ob.pos) != 0) {
			if (errno == ENOSPC || errno == EDQUOT)
				return fail(j, "not enough free space for the compressed copy (the disk "
					       "filled after %llu bytes)", (unsigned long long)*written);
			return fail(j, "writing the compressed copy: %s", strerror(errno));
		}
		*written += ob.pos;
	} while (last ? left != 0 : ib.pos < ib.size);
	return 0;
}

/* The dump, extent by extent, into one zstd frame. */
static int compress_into(int in, uint64_t size, int out, struct job *j)
{
	ZSTD_CCtx *cc = new_cctx(size);
	if (!cc)
		return fail(j, "zstd: out of memory");
	unsigned char *ibuf = xmalloc(CHUNK), *obuf = xmalloc(CHUNK), *z = xcalloc(1, CHUNK);
	struct extents x = {in, size, 0, true, z};
	uint64_t off = 0, written = 0;
	int rc = 0;
	for (bool last = false; !last && rc == 0;) {
		if (stopped(j)) {
			rc = -1;
			break;
		}
		const unsigned char *src = NULL;
		ssize_t k = off < size ? extents_get(&x, ibuf, &src, CHUNK, off, &j->r->read) : 0;
		if (k < 0) {
			rc = fail(j, "reading the dump: %s", strerror(errno));
			break;
		}
		off += (uint64_t)k;
		last = off >= size || k == 0;
		rc = feed(cc, src, (size_t)k, last, out, obuf, &written, j);
	}
	if (rc == 0 && off != size)
		rc = fail(j, "the dump changed size while it was compressed");
	j->r->original = off;
	free(ibuf);
	free(obuf);
	free(z);
	ZSTD_freeCCtx(cc);
	return rc;
}

/* Whether decompressed bytes a[0..n) are the original's at pos: read where it has data,
 * compared with zeros in its holes. */
static bool same_as_original(struct extents *x, const unsigned char *a, size_t n, uint64_t pos,
			     unsigned char *b, uint64_t *read)
{
	for (size_t done = 0; done < n;) {
		const unsigned char *orig;
		ssize_t k = extents_get(x, b, &orig, n - done, pos + done, read);
		if (k <= 0 || memcmp(a + done, orig, (size_t)k) != 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

/* Decompress `out` and compare every byte with `in`. */
static int verify(int in, int out, uint64_t size, struct job *j)
{
	unsigned char hdr[FRAME_HEADER_MAX];
	ssize_t n = read_all(out, hdr, sizeof(hdr), 0);
	if (n < 4 || ZSTD_getFrameContentSize(hdr, (size_t)n) != size)
		return fail(j, "the compressed copy does not record the dump's size");
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (!ds)
		return fail(j, "zstd: out of memory");
	ZSTD_initDStream(ds);
	unsigned char *a = xmalloc(CHUNK), *b = xmalloc(CHUNK), *cin = xmalloc(CHUNK);
	unsigned char *z = xcalloc(1, CHUNK);
	struct extents x = {in, size, 0, true, z};
	uint64_t coff = 0, pos = 0;
	int rc = 0;
	ZSTD_inBuffer ib = {cin, 0, 0};
	for (size_t ret = 1; rc == 0 && ret != 0;) {
		if (stopped(j)) { /* every MiB of output too: holes decompress fast but not free */
			rc = -1;
			break;
		}
		if (ib.pos == ib.size) {
			ssize_t k = read_all(out, cin, CHUNK, coff);
			if (k <= 0) {
				rc = fail(j, "the compressed copy ends early");
				break;
			}
			coff += (uint64_t)k;
			ib = (ZSTD_inBuffer){cin, (size_t)k, 0};
		}
		ZSTD_outBuffer ob = {a, CHUNK, 0};
		ret = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(ret)) {
			rc = fail(j, "the compressed copy does not decompress: %s", ZSTD_getErrorName(ret));
			break;
		}
		if (ob.pos > size - pos || !same_as_original(&x, a, ob.pos, pos, b, &j->r->read)) {
			rc = fail(j, "the compressed copy differs from the dump at byte %llu",
				  (unsigned long long)pos);
			break;
		}
		pos += ob.pos;
	}
	if (rc == 0 && pos != size)
		rc = fail(j, "the compressed copy holds %llu bytes, the dump %llu",
			  (unsigned long long)pos, (unsigned long long)size);
	free(a);
	free(b);
	free(cin);
	free(z);
	ZSTD_freeDStream(ds);
	return rc;
}

/* The user.* extended attributes of `in` on `out` (systemd's user.coredump.hostname, exe,
 * ...): the copy loses nothing the original said.  Others (security.*, trusted.*) are the
 * system's to set. */
static int copy_xattrs(int in, int out, struct job *j)
{
	char names[16384];
	ssize_t n = flistxattr(in, names, sizeof(names));
	if (n < 0)
		return errno == ENOTSUP ? 0 : fail(j, "reading its extended attributes: %s", strerror(errno));
	char *value = xmalloc(XATTR_SIZE_MAX);
	int rc = 0;
	for (char *a = names; rc == 0 && a < names + n; a += strlen(a) + 1) {
		if (strncmp(a, "user.", 5) != 0)
			continue;
		ssize_t v = fgetxattr(in, a, value, XATTR_SIZE_MAX);
		if (v < 0 || fsetxattr(out, a, value, (size_t)v, 0) != 0)
			rc = fail(j, "the copy cannot keep its extended attributes: %s", strerror(errno));
	}
	free(value);
	return rc;
}

/* Mode, owner, times and attributes of the original, on the copy. */
static int copy_metadata(int in, int out, const struct stat *st, struct job *j)
{
	fchmod(out, st->st_mode & 07777);
	if (fchown(out, st->st_uid, st->st_gid) != 0 && errno != EPERM)
		return fail(j, "setting the owner of the copy: %s", strerror(errno));
	if (copy_xattrs(in, out, j) != 0)
		return -1;
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	if (futimens(out, times) != 0)
		return fail(j, "setting the times of the copy: %s", strerror(errno));
	return 0;
}

/* Refusals before anything is written: the name taken, no space, nothing to gain. */
static int precheck(int dirfd, const char *name, const char *target, const struct stat *st,
		    struct job *j)
{
	struct sbuf esc;
	sbuf_init(&esc);
	struct stat tst;
	int rc = 0;
	if (fstatat(dirfd, target, &tst, AT_SYMLINK_NOFOLLOW) == 0)
		rc = fail(j, "%s.zst already exists", sanitize_str(&esc, name, SAN_ASCII));
	sbuf_free(&esc);
	struct statvfs sv;
	if (rc == 0 && fstatvfs(dirfd, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize < MIN_FREE)
		rc = fail(j, "not enough free space for the compressed copy (%llu bytes free)",
			  (unsigned long long)sv.f_bavail * sv.f_frsize);
	uint64_t data = (uint64_t)st->st_blocks * 512, size = (uint64_t)st->st_size;
	uint64_t holes = size > data ? size - data : 0;
	if (rc == 0 && holes > ZST_HOLES_FREE && holes / ZST_HOLES_PER_DATA > data) {
		char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
		j->r->pointless = true;
		rc = fail(j, "mostly holes (%s apparent, %s on disk): a copy would free little or "
			  "nothing",
			  fmt_size(a, size, false), fmt_size(b, data, false));
	}
	return rc;
}

int zst_compress_beside(int dirfd, const char *name, int in, const struct stat *st,
			const struct zst_stop *stop, struct zst_result *r, char *err,
			size_t errlen)
{
	memset(r, 0, sizeof(*r));
	struct job job = {r, stop, err, errlen}, *j = &job;
	char target[4096], tmpname[4200];
	if (snprintf(target, sizeof(target), "%s.zst", name) >= (int)sizeof(target))
		return fail(j, "the name is too long");
	if (precheck(dirfd, name, target, st, j) != 0)
		return -1;
	int out = make_temp(dirfd, name, tmpname, sizeof(tmpname));
	if (out < 0)
		return fail(j, "cannot create the compressed copy: %s", strerror(errno));
	int rc = compress_into(in, (uint64_t)st->st_size, out, j);
	if (rc == 0 && fsync(out) != 0)
		rc = fail(j, "syncing the compressed copy: %s", strerror(errno));
	if (rc == 0)
		rc = verify(in, out, (uint64_t)st->st_size, j);
	if (rc == 0)
		rc = copy_metadata(in, out, st, j);
	if (rc == 0 && stopped(j)) /* the last moment it can be abandoned */
		rc = -1;
	if (rc == 0 && link_temp(dirfd, out, tmpname, target) != 0) {
		int why = errno;
		struct sbuf esc;
		sbuf_init(&esc);
		const char *name_esc = sanitize_str(&esc, name, SAN_ASCII);
		rc = why == EEXIST ? fail(j, "%s.zst appeared meanwhile", name_esc)
				   : fail(j, "naming the copy %s.zst: %s", name_esc, strerror(why));
		sbuf_free(&esc);
	}
	if (rc == 0) {
		struct stat ost;
		fstat(out, &ost);
		r->compressed = (uint64_t)ost.st_size;
		r->disk = (uint64_t)ost.st_blocks * 512;
		fsync(dirfd);
	} else if (tmpname[0]) {
		unlinkat(dirfd, tmpname, 0);
	}
	close(out);
	return rc;
}
