#include "config.h"

#include "mdesc.h"

#include <magic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"


struct entry {
	uint64_t hash;
	size_t n;
	unsigned char key[MDESC_BYTES_MAX];
	char *desc;
};

struct mdesc {
	magic_t cookie;
	bool loaded;
	const char *database;
	FILE *warn;
	bool tried;
	struct entry *cache;
	size_t ncache, capcache;
};

struct mdesc *mdesc_open(const char *database, FILE *warn)
{
	struct mdesc *m = xcalloc(1, sizeof(*m));
	m->database = database;
	m->warn = warn;
	return m;
}

/* Opened on first use: `list` never pays for loading the database. */
static void load(struct mdesc *m)
{
	m->tried = true;
	/* Never fork decompressors, never look inside archives or documents: only the ELF and
	 * dump signatures matter here. */
	int flags = MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_COMPRESS_FORK | MAGIC_NO_CHECK_TAR |
		    MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ENCODING | MAGIC_ERROR;
	m->cookie = magic_open(flags);
	if (m->cookie && magic_load(m->cookie, m->database) == 0) {
		m->loaded = true;
		return;
	}
	if (m->warn)
		fprintf(m->warn, "coredu: warning: cannot load a libmagic database (%s); "
				 "dump descriptions will be empty\n",
			m->cookie ? magic_error(m->cookie) : "magic_open failed");
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
	if (!m->loaded)
		return NULL;
	if (n > MDESC_BYTES_MAX)
		n = MDESC_BYTES_MAX;
	uint64_t h = fnv1a(buf, n);
	for (size_t i = 0; i < m->ncache; i++)
		if (m->cache[i].hash == h && m->cache[i].n == n && memcmp(m->cache[i].key, buf, n) == 0)
			return m->cache[i].desc;
	const char *d = magic_buffer(m->cookie, buf, n);
	if (!d)
		return NULL;
	/* One entry per distinct header: bounded by the number of dumps. */
	m->cache = xgrow(m->cache, &m->capcache, m->ncache + 1, sizeof(*m->cache));
	struct entry *e = &m->cache[m->ncache++];
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
	for (size_t i = 0; i < m->ncache; i++)
		free(m->cache[i].desc);
	free(m->cache);
	if (m->cookie)
		magic_close(m->cookie);
	free(m);
}
