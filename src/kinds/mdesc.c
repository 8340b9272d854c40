/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/mdesc.h"

#include <magic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

extern const char mdesc_magic_text[]; /* src/kinds/coredu.magic, made into magic-data.c */
/* mdesc_magic_mgc[]: the same compiled by `file -C` at build time (Makefile.am). */
#include "kinds/magic-mgc.h"


/* Descriptions kept, by the header's hash: a run of one crash stored many times asks once,
 * and a long `watch` of ever new dumps keeps a fixed size (a list that grew with every
 * header took 9.5 MiB and a linear search at 50,000 dumps). */
#define MDESC_SLOTS 256

struct entry {
	uint64_t hash;
	size_t n;
	unsigned char key[MDESC_BYTES_MAX];
	char *desc;
};

struct mdesc {
	magic_t system;  /* the system's database (or --magic FILE, or $MAGIC) */
	magic_t bundled; /* coredu's own (src/kinds/coredu.magic, compiled in) */
	void *bundled_mgc; /* its compiled form, which libmagic keeps and may byte-swap */
	const char *database;
	FILE *warn;
	bool tried;
	struct entry *cache; /* MDESC_SLOTS entries, by hash; desc NULL when empty */
};

struct mdesc *mdesc_open(const char *database, FILE *warn)
{
	struct mdesc *m = xcalloc(1, sizeof(*m));
	m->database = database;
	m->warn = warn;
	return m;
}

/* Never fork decompressors, never look inside archives or documents: only the ELF and dump
 * signatures matter here. */
#define FLAGS (MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_COMPRESS_FORK | MAGIC_NO_CHECK_TAR | \
	       MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ENCODING | MAGIC_ERROR)

/* The bundled magic from memory, compiled: that needs no file system at all (an empty root
 * has no /proc), but only a libmagic that reads this compiled format. */
static magic_t load_bundled_compiled(struct mdesc *m)
{
	magic_t cookie = magic_open(FLAGS);
	if (!cookie)
		return NULL;
	m->bundled_mgc = xmalloc(sizeof(mdesc_magic_mgc));
	memcpy(m->bundled_mgc, mdesc_magic_mgc, sizeof(mdesc_magic_mgc));
	void *bufs[1] = {m->bundled_mgc};
	size_t sizes[1] = {sizeof(mdesc_magic_mgc)};
	if (magic_load_buffers(cookie, bufs, sizes, 1) != 0) {
		magic_close(cookie);
		free(m->bundled_mgc);
		m->bundled_mgc = NULL;
		return NULL;
	}
	return cookie;
}

/* Else its source: libmagic loads that only from a path, so it is given one in
 * /proc/self/fd; nothing is written to disk. */
static magic_t load_bundled(struct mdesc *m)
{
	magic_t cookie = load_bundled_compiled(m);
	if (cookie)
		return cookie;
	int fd = memfd_create("coredu.magic", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t n = strlen(mdesc_magic_text);
	if (write(fd, mdesc_magic_text, n) == (ssize_t)n) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		cookie = magic_open(FLAGS);
		if (cookie && magic_load(cookie, path) != 0) {
			magic_close(cookie);
			cookie = NULL;
		}
	}
	close(fd);
	return cookie;
}

/* Whether libmagic's default database exists: an image or a root with none (a static
 * binary's usual home) is no reason to warn, nor for libmagic to complain on stderr. */
static bool default_database_exists(void)
{
	const char *path = magic_getpath(NULL, 0);
	char *list = xstrdup(path ? path : ""), *save = NULL;
	bool found = false;
	for (char *p = strtok_r(list, ":", &save); p && !found; p = strtok_r(NULL, ":", &save)) {
		char *mgc = xasprintf("%s.mgc", p);
		found = access(mgc, R_OK) == 0 || access(p, R_OK) == 0;
		free(mgc);
	}
	free(list);
	return found;
}

/* Opened on first use: `list` never pays for loading the databases. */
static void load(struct mdesc *m)
{
	m->tried = true;
	if (m->database || getenv("MAGIC") || default_database_exists())
		m->system = magic_open(FLAGS);
	if (m->system && magic_load(m->system, m->database) != 0) {
		if (m->warn)
			fprintf(m->warn, "coredu: warning: cannot load the libmagic database %s(%s); "
					 "descriptions come from coredu's own magic\n",
				m->database ? m->database : "", magic_error(m->system));
		magic_close(m->system);
		m->system = NULL;
	}
	m->bundled = load_bundled(m);
}

/* The system database knows these only as text or data. */
static bool generic(const char *d)
{
	return !d || strcmp(d, "data") == 0 || strcmp(d, "empty") == 0 || strstr(d, "text");
}

static uint64_t fnv1a(const unsigned char *b, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

const char *mdesc_describe(struct mdesc *m, const unsigned char *buf, size_t n)
{
	if (!m->tried)
		load(m);
	if (!m->system && !m->bundled)
		return NULL;
	if (n > MDESC_BYTES_MAX)
		n = MDESC_BYTES_MAX;
	uint64_t h = fnv1a(buf, n);
	if (!m->cache)
		m->cache = xcalloc(MDESC_SLOTS, sizeof(*m->cache));
	struct entry *e = &m->cache[h % MDESC_SLOTS];
	if (e->desc && e->hash == h && e->n == n && memcmp(e->key, buf, n) == 0)
		return e->desc;
	const char *d = m->system ? magic_buffer(m->system, buf, n) : NULL;
	if (generic(d) && m->bundled) {
		const char *own = magic_buffer(m->bundled, buf, n);
		if (own && !generic(own))
			d = own;
	}
	if (!d)
		return NULL;
	free(e->desc); /* another header had the slot */
	e->hash = h;
	e->n = n;
	memcpy(e->key, buf, n);
	e->desc = xstrdup(d);
	return e->desc;
}

void mdesc_close(struct mdesc *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->cache && i < MDESC_SLOTS; i++)
		free(m->cache[i].desc);
	free(m->cache);
	if (m->system)
		magic_close(m->system);
	if (m->bundled)
		magic_close(m->bundled);
	free(m->bundled_mgc);
	free(m);
}
