/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "delete/zst.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <zstd.h>

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
	const volatile sig_atomic_t *cancel;
	char *err;
	size_t errlen;
};

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

/* Checked once per chunk and before the copy is named: a signal abandons the copy. */
static bool stopped(struct job *j)
{
	if (!j->cancel || !*j->cancel)
		return false;
	j->r->cancelled = true;
	fail(j, "stopped by a signal before the copy was complete");
	return true;
}

static int compress_into(int in, uint64_t size, int out, struct job *j)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	if (!cc)
		return fail(j, "zstd: out of memory");
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_nbWorkers, cpus > 4 ? 4 : cpus > 1 ? (int)cpus : 0);
	ZSTD_CCtx_setPledgedSrcSize(cc, size); /* the frame records the original size */
	unsigned char *ibuf = xmalloc(CHUNK), *obuf = xmalloc(CHUNK);
	uint64_t off = 0, written = 0;
	int rc = 0;
	for (bool last = false; !last && rc == 0;) {
		if (stopped(j)) {
			rc = -1;
			break;
		}
		ssize_t k = read_all(in, ibuf, CHUNK, off);
		if (k < 0) {
			rc = fail(j, "reading the dump: %s", strerror(errno));
			break;
		}
		off += (uint64_t)k;
		last = off >= size || k == 0;
		ZSTD_inBuffer ib = {ibuf, (size_t)k, 0};
		size_t left;
		do {
			ZSTD_outBuffer ob = {obuf, CHUNK, 0};
			left = ZSTD_compressStream2(cc, &ob, &ib, last ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left)) {
				rc = fail(j, "zstd: %s", ZSTD_getErrorName(left));
				break;
			}
			if (write_all(out, obuf, ob.pos) != 0) {
				if (errno == ENOSPC || errno == EDQUOT)
					rc = fail(j, "not enough free space for the compressed copy (the disk "
						     "filled after %llu bytes)", (unsigned long long)written);
				else
					rc = fail(j, "writing the compressed copy: %s", strerror(errno));
				break;
			}
			written += ob.pos;
		} while (last ? left != 0 : ib.pos < ib.size);
	}
	if (rc == 0 && off != size)
		rc = fail(j, "the dump changed size while it was compressed");
	j->r->original = off;
	free(ibuf);
	free(obuf);
	ZSTD_freeCCtx(cc);
	return rc;
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
	uint64_t coff = 0, pos = 0;
	int rc = 0;
	ZSTD_inBuffer ib = {cin, 0, 0};
	for (size_t ret = 1; rc == 0 && ret != 0;) {
		if (ib.pos == ib.size) {
			if (stopped(j)) {
				rc = -1;
				break;
			}
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
		if (ob.pos == 0)
			continue;
		ssize_t k = read_all(in, b, ob.pos, pos);
		if (k != (ssize_t)ob.pos || memcmp(a, b, ob.pos) != 0) {
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
	ZSTD_freeDStream(ds);
	return rc;
}

int zst_compress_beside(int dirfd, const char *name, int in, const struct stat *st,
			const volatile sig_atomic_t *cancel, struct zst_result *r, char *err,
			size_t errlen)
{
	memset(r, 0, sizeof(*r));
	struct job job = {r, cancel, err, errlen}, *j = &job;
	char target[4096], tmpname[4200];
	if (snprintf(target, sizeof(target), "%s.zst", name) >= (int)sizeof(target))
		return fail(j, "the name is too long");
	struct stat tst;
	if (fstatat(dirfd, target, &tst, AT_SYMLINK_NOFOLLOW) == 0)
		return fail(j, "%s already exists", target);
	struct statvfs sv;
	if (fstatvfs(dirfd, &sv) == 0 && (uint64_t)sv.f_bavail * sv.f_frsize < MIN_FREE)
		return fail(j, "not enough free space for the compressed copy (%llu bytes free)",
			    (unsigned long long)sv.f_bavail * sv.f_frsize);

	int out = make_temp(dirfd, name, tmpname, sizeof(tmpname));
	if (out < 0)
		return fail(j, "cannot create the compressed copy: %s", strerror(errno));
	int rc = compress_into(in, (uint64_t)st->st_size, out, j);
	if (rc == 0 && fsync(out) != 0)
		rc = fail(j, "syncing the compressed copy: %s", strerror(errno));
	if (rc == 0)
		rc = verify(in, out, (uint64_t)st->st_size, j);
	if (rc == 0) {
		fchmod(out, st->st_mode & 07777);
		if (fchown(out, st->st_uid, st->st_gid) != 0 && errno != EPERM)
			rc = fail(j, "setting the owner of the copy: %s", strerror(errno));
		struct timespec times[2] = {st->st_atim, st->st_mtim};
		if (rc == 0 && futimens(out, times) != 0)
			rc = fail(j, "setting the times of the copy: %s", strerror(errno));
	}
	if (rc == 0 && stopped(j)) /* the last moment it can be abandoned */
		rc = -1;
	if (rc == 0 && link_temp(dirfd, out, tmpname, target) != 0)
		rc = fail(j, errno == EEXIST ? "%s appeared meanwhile" : "naming the copy %s: %s", target,
			  strerror(errno));
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
