/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/charset.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#ifdef COREDU_STATIC
#include <fcntl.h>
#include <lzma.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
/* cutf8_xz[]: the C.utf8 LC_CTYPE of the glibc linked, xz-compressed (Makefile.am). */
#include "base/cutf8-data.h"
#endif

bool charset_env_utf8(const char *lc_all, const char *lc_ctype, const char *lang)
{
	const char *v = lc_all && *lc_all ? lc_all : lc_ctype && *lc_ctype ? lc_ctype : lang;
	return v && (strcasestr(v, "utf-8") || strcasestr(v, "utf8"));
}

bool charset_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

#ifdef COREDU_STATIC
/* glibc has no built-in UTF-8 locale: C.UTF-8 is a file.  The static binary carries that
 * file, from the glibc it links, and gives it to glibc through LOCPATH from a private
 * directory that lives for one setlocale() (glibc maps the file and keeps the mapping). */
#define CUTF8_MAX (2u << 20) /* LC_CTYPE of C.utf8 is about 350 KiB */

/* glibc reads the locale from LOCPATH only during the setlocale() call. */
static bool setlocale_from(const char *dir)
{
	const char *old = getenv("LOCPATH");
	char *saved = old ? xstrdup(old) : NULL;
	setenv("LOCPATH", dir, 1);
	bool ok = setlocale(LC_CTYPE, "C.UTF-8") != NULL;
	if (saved)
		setenv("LOCPATH", saved, 1);
	else
		unsetenv("LOCPATH");
	free(saved);
	return ok;
}

/* DIR/C.utf8/LC_CTYPE in a new private DIR under base, for one setlocale(); then removed. */
static bool install_in(const char *base, const unsigned char *data, size_t n)
{
	char *dir = xasprintf("%s/coredu-locale-XXXXXX", base);
	if (!mkdtemp(dir)) {
		free(dir);
		return false;
	}
	char *sub = xasprintf("%s/C.utf8", dir), *file = xasprintf("%s/LC_CTYPE", sub);
	bool ok = false;
	if (mkdir(sub, 0700) == 0) {
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			bool written = write(fd, data, n) == (ssize_t)n;
			ok = close(fd) == 0 && written && setlocale_from(dir);
			unlink(file);
		}
		rmdir(sub);
	}
	rmdir(dir);
	free(file);
	free(sub);
	free(dir);
	return ok;
}

/* The built-in C.UTF-8, through the first of $TMPDIR, /dev/shm, /run and /tmp that takes
 * it (every container has a writable /dev/shm); false leaves the locale C. */
static bool builtin_utf8(void)
{
	uint64_t memlimit = 16u << 20;
	size_t in = 0, n = 0;
	unsigned char *data = xmalloc(CUTF8_MAX);
	bool ok = lzma_stream_buffer_decode(&memlimit, 0, NULL, cutf8_xz, &in, sizeof(cutf8_xz),
					    data, &n, CUTF8_MAX) == LZMA_OK;
	const char *bases[] = {getenv("TMPDIR"), "/dev/shm", "/run", "/tmp"};
	bool done = false;
	for (size_t i = 0; ok && !done && i < ARRAY_SIZE(bases); i++)
		if (bases[i] && bases[i][0] == '/')
			done = install_in(bases[i], data, n);
	free(data);
	return done;
}
#endif

void charset_init(void)
{
	bool utf8 = charset_env_utf8(getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG"));
#ifdef COREDU_STATIC
	/* Never another character set: static glibc would dlopen the root's converter module
	 * for it, built for another glibc (a Debian 13 root's ISO-8859-1 crashed it). */
	if (utf8 && !setlocale(LC_CTYPE, "C.UTF-8"))
		builtin_utf8();
#else
	if (!setlocale(LC_CTYPE, "") && utf8)
		setlocale(LC_CTYPE, "C.UTF-8");
#endif
}
