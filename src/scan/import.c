/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/import.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/jsonr.h"
#include "base/util.h"
#include "kinds/dump.h"

/* ---- the keys of a dump (doc/json.md) --------------------------------------------------- */

enum ftype { F_STR, F_CHARS, F_I64, F_U64, F_U32, F_I32, F_INT, F_U8, F_BOOL, F_TRISTATE, F_HEX };

struct field {
	const char *key;
	enum ftype type;
	size_t off;  /* in struct dump */
	size_t size; /* F_CHARS: the array's size */
	size_t has;  /* a bool in struct dump set when the value is not null; 0: none */
};

#define D(m) offsetof(struct dump, m)
#define SZ(m) sizeof(((struct dump *)0)->m)

static const struct field dump_fields[] = {
	{"path", F_STR, D(path), 0, 0},
	{"size_apparent", F_U64, D(size_apparent), 0, 0},
	{"size_disk", F_U64, D(size_disk), 0, 0},
	{"mtime", F_I64, D(mtime), 0, 0},
	{"mtime_nsec", F_I32, D(mtime_nsec), 0, 0},
	{"dev", F_U64, D(dev), 0, 0},
	{"inode", F_U64, D(ino), 0, 0},
	{"nlink", F_U64, D(nlink), 0, 0},
	{"owner_uid", F_U32, D(owner_uid), 0, 0},
	{"owner_gid", F_U32, D(owner_gid), 0, 0},
	{"size_original", F_U64, D(size_original), 0, 0},
	{"class", F_U8, D(core.elf_class), 0, 0},
	{"pid", F_I64, D(core.pid), 0, 0},
	{"ppid", F_I64, D(core.ppid), 0, 0},
	{"tid", F_I64, D(core.tid), 0, 0},
	{"pgrp", F_I64, D(core.pgrp), 0, 0},
	{"sid", F_I64, D(core.sid), 0, 0},
	{"threads", F_U32, D(core.threads), 0, 0},
	{"uid", F_I64, D(core.uid), 0, 0},
	{"gid", F_I64, D(core.gid), 0, 0},
	{"euid", F_I64, D(core.euid), 0, 0},
	{"egid", F_I64, D(core.egid), 0, 0},
	{"secure", F_TRISTATE, D(core.secure), 0, 0},
	{"comm", F_CHARS, D(core.comm), SZ(core.comm), D(core.has_prpsinfo)},
	{"cmdline", F_STR, D(core.cmdline), 0, D(core.has_prpsinfo)},
	{"cmdline_truncated", F_BOOL, D(core.cmdline_cut), 0, 0},
	{"program", F_STR, D(program), 0, 0},
	{"exe", F_STR, D(core.exe), 0, 0},
	{"exe_mapped", F_STR, D(core.exe_mapped), 0, 0},
	{"platform", F_STR, D(core.platform), 0, 0},
	{"signal", F_INT, D(core.signal), 0, 0},
	{"si_code", F_INT, D(core.si_code), 0, D(core.has_siginfo)},
	{"sender_pid", F_I64, D(core.sender_pid), 0, D(core.has_sender)},
	{"sender_uid", F_I64, D(core.sender_uid), 0, 0},
	{"fault_addr", F_HEX, D(core.fault_addr), 0, D(core.has_fault_addr)},
	{"pc", F_HEX, D(core.pc), 0, D(core.has_pc)},
	{"truncated", F_BOOL, D(core.truncated), 0, 0},
	{"expected_size", F_U64, D(core.expected_size), 0, 0},
	{"build_id", F_STR, D(core.build_id), 0, 0},
	{"crash_module", F_STR, D(core.crash_module), 0, 0},
	{"crash_offset", F_HEX, D(core.crash_offset), 0, 0},
	{"mapped_files", F_U32, D(core.mapped_files), 0, 0},
	{"gcore", F_BOOL, D(core.gcore), 0, 0},
	{"problem", F_CHARS, D(core.problem), SZ(core.problem), 0},
	{"crash_time", F_I64, D(meta.time), 0, 0},
};

static const struct field kind_info_fields[] = {
	{"title", F_STR, D(meta.title), 0, 0},
	{"release", F_STR, D(meta.release), 0, 0},
	{"host", F_STR, D(meta.host), 0, 0},
	{"boot_id", F_STR, D(meta.boot_id), 0, 0},
	{"format", F_STR, D(meta.format), 0, 0},
	{"linked", F_STR, D(meta.linked), 0, 0},
	{"count", F_U64, D(meta.count), 0, 0},
	{"embedded_size", F_U64, D(meta.embedded), 0, 0},
	{"embedded_original", F_U64, D(meta.embedded_original), 0, 0},
	{"streams", F_U32, D(meta.streams), 0, 0},
	{"id_size", F_U32, D(meta.id_size), 0, 0},
	{"block_size", F_U32, D(meta.block_size), 0, 0},
	{"files", F_U32, D(meta.files), 0, 0},
	{"incomplete", F_BOOL, D(meta.incomplete), 0, 0},
	{"flattened", F_BOOL, D(meta.flattened), 0, 0},
	{"xattrs", F_BOOL, D(meta.xattrs), 0, 0},
};

/* ---- reading ---------------------------------------------------------------------------- */

struct ireader {
	struct jsonr r;
	char *err;
	size_t errlen;
	bool failed;
};

static bool fail(struct ireader *x, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail(struct ireader *x, uint64_t off, const char *fmt, ...)
{
	if (x->failed)
		return false;
	int n = snprintf(x->err, x->errlen, "byte %" PRIu64 ": ", off);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < x->errlen)
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	x->failed = true;
	return false;
}

/* The next token; false (with the reader's message) on a syntax error. */
static bool next(struct ireader *x, enum jsonr_type *t)
{
	*t = jsonr_next(&x->r);
	if (*t == JSONR_ERROR)
		return fail(x, x->r.err_off, "%s", x->r.err);
	return true;
}

static bool wrong_type(struct ireader *x, const char *key, const char *want, enum jsonr_type t)
{
	return fail(x, x->r.tok_off, "\"%s\" should be %s, not %s", key, want, jsonr_type_name(t));
}

/* The next member of an object: its key in key (cut to 31 bytes; the keys read are shorter)
 * and its value's first token in *t.  False at the object's end, or on an error (x->failed). */
static bool next_member(struct ireader *x, char key[32], enum jsonr_type *t)
{
	if (!next(x, t) || *t != JSONR_KEY)
		return false;
	snprintf(key, 32, "%s", x->r.s);
	return next(x, t);
}

static bool number_in(struct ireader *x, const struct field *f, int64_t lo, int64_t hi, int64_t *v)
{
	if (!jsonr_i64(&x->r, v) || *v < lo || *v > hi)
		return fail(x, x->r.tok_off, "\"%s\": %s is out of range", f->key, x->r.s);
	return true;
}

static bool set_number(struct ireader *x, void *p, const struct field *f)
{
	int64_t v;
	uint64_t u;
	switch (f->type) {
	case F_U64:
		if (!jsonr_u64(&x->r, &u))
			return fail(x, x->r.tok_off, "\"%s\": %s is out of range", f->key, x->r.s);
		*(uint64_t *)p = u;
		return true;
	case F_I64:
		if (!number_in(x, f, INT64_MIN, INT64_MAX, &v))
			return false;
		*(int64_t *)p = v;
		return true;
	case F_U32:
		if (!number_in(x, f, 0, UINT32_MAX, &v))
			return false;
		*(uint32_t *)p = (uint32_t)v;
		return true;
	case F_U8:
		if (!number_in(x, f, 0, UINT8_MAX, &v))
			return false;
		*(uint8_t *)p = (uint8_t)v;
		return true;
	default: /* F_I32, F_INT */
		if (!number_in(x, f, INT32_MIN, INT32_MAX, &v))
			return false;
		*(int32_t *)p = (int32_t)v;
		return true;
	}
}

static bool set_hex(struct ireader *x, uint64_t *p, const struct field *f)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(x->r.s, &end, 16);
	if (strncmp(x->r.s, "0x", 2) != 0 || errno || *end)
		return fail(x, x->r.tok_off, "\"%s\" should be an address like \"0x7f00\"", f->key);
	*p = v;
	return true;
}

/* The value of one known key, whose first token t has been read. */
static bool set_field(struct ireader *x, struct dump *d, const struct field *f, enum jsonr_type t)
{
	void *p = (char *)d + f->off;
	if (t == JSONR_NULL)
		return true;
	bool is_num = f->type != F_STR && f->type != F_CHARS && f->type != F_BOOL &&
		      f->type != F_TRISTATE && f->type != F_HEX;
	if (f->type == F_STR || f->type == F_CHARS || f->type == F_HEX) {
		if (t != JSONR_STRING)
			return wrong_type(x, f->key, "a string", t);
		if (f->type == F_STR) {
			free(*(char **)p);
			*(char **)p = xstrdup(x->r.s); /* cut at a NUL: paths and names have none */
		} else if (f->type == F_CHARS) {
			snprintf(p, f->size, "%s", x->r.s);
		} else if (!set_hex(x, p, f)) {
			return false;
		}
	} else if (is_num) {
		if (t != JSONR_NUMBER)
			return wrong_type(x, f->key, "a number", t);
		if (!set_number(x, p, f))
			return false;
	} else {
		if (t != JSONR_TRUE && t != JSONR_FALSE)
			return wrong_type(x, f->key, "true or false", t);
		if (f->type == F_BOOL)
			*(bool *)p = t == JSONR_TRUE;
		else
			*(int *)p = t == JSONR_TRUE;
	}
	if (f->has)
		*(bool *)((char *)d + f->has) = true;
	return true;
}

static const struct field *find_field(const struct field *fs, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fs[i].key, key) == 0)
			return &fs[i];
	return NULL;
}

/* A string value for the keys read by hand; NULL for null. */
static bool string_or_null(struct ireader *x, const char *key, enum jsonr_type t, char *buf,
			   size_t len)
{
	buf[0] = '\0';
	if (t == JSONR_NULL)
		return true;
	if (t != JSONR_STRING)
		return wrong_type(x, key, "a string", t);
	snprintf(buf, len, "%s", x->r.s);
	return true;
}

/* The keys of an object (its '{' read) into d through a table; `special` takes the rest. */
struct dump_extra {
	char machine[24], endian[8];
};

static bool read_kind_info(struct ireader *x, struct dump *d)
{
	enum jsonr_type t;
	while (next(x, &t) && t == JSONR_KEY) {
		const struct field *f = find_field(kind_info_fields, ARRAY_SIZE(kind_info_fields), x->r.s);
		if (!next(x, &t))
			return false;
		if (f ? !set_field(x, d, f, t) : !jsonr_skip(&x->r, t))
			return x->failed ? false : fail(x, x->r.err_off, "%s", x->r.err);
	}
	return !x->failed;
}

/* Keys that are not a plain copy: the kind, the machine's name, the compression. */
static bool special_key(struct ireader *x, struct dump *d, struct dump_extra *e, const char *key,
			enum jsonr_type t, bool *handled)
{
	char buf[32];
	*handled = true;
	if (strcmp(key, "kind") == 0) {
		if (!string_or_null(x, key, t, buf, sizeof(buf)))
			return false;
		d->kind = dump_kind_parse(buf); /* a kind from a newer coredu: "none" */
	} else if (strcmp(key, "machine") == 0) {
		return string_or_null(x, key, t, e->machine, sizeof(e->machine));
	} else if (strcmp(key, "endian") == 0) {
		return string_or_null(x, key, t, e->endian, sizeof(e->endian));
	} else if (strcmp(key, "compression") == 0) {
		if (!string_or_null(x, key, t, buf, sizeof(buf)))
			return false;
		d->compression = COMP_NONE;
		for (int c = COMP_ZSTD; c <= COMP_LZ4; c++)
			if (strcmp(buf, dump_compression_name((enum dump_compression)c)) == 0)
				d->compression = (enum dump_compression)c;
	} else if (strcmp(key, "kind_info") == 0 && t == JSONR_OBJ_BEGIN) {
		return read_kind_info(x, d);
	} else {
		*handled = false;
	}
	return true;
}

/* e_machine back from elfcore_machine_name's words, for the signal names of its numbering. */
static uint16_t machine_number(const struct dump_extra *e, uint8_t elf_class, bool big)
{
	static const uint16_t known[] = {EM_X86_64, EM_386, EM_AARCH64, EM_ARM, EM_S390, EM_PPC64,
					 EM_PPC, EM_RISCV, EM_MIPS, EM_LOONGARCH, EM_SPARCV9,
					 EM_SPARC, EM_IA_64, EM_PARISC, EM_SH, EM_68K, 0x9026};
	char buf[24];
	unsigned n;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(elfcore_machine_name(known[i], elf_class, big, buf, sizeof(buf)),
			   e->machine) == 0)
			return known[i];
	if (sscanf(e->machine, "em-%u", &n) == 1 && n <= UINT16_MAX)
		return (uint16_t)n;
	return 0;
}

static struct dump *new_dump(void)
{
	struct dump *d = xcalloc(1, sizeof(*d));
	elfcore_init(&d->core);
	d->nlink = 1;
	return d;
}

/* One dump object, its '{' read. */
static struct dump *read_dump(struct ireader *x)
{
	uint64_t start = x->r.tok_off;
	struct dump *d = new_dump();
	struct dump_extra e = {{0}, {0}};
	enum jsonr_type t;
	char key[32];
	while (next_member(x, key, &t)) {
		const struct field *f = find_field(dump_fields, ARRAY_SIZE(dump_fields), key);
		bool handled = false;
		if (f ? !set_field(x, d, f, t) : !special_key(x, d, &e, key, t, &handled))
			break;
		if (!f && !handled && !jsonr_skip(&x->r, t)) {
			fail(x, x->r.err_off, "%s", x->r.err);
			break;
		}
	}
	if (!x->failed && !d->path)
		fail(x, start, "a dump without \"path\"");
	if (x->failed) {
		dump_free(d);
		return NULL;
	}
	d->core.big_endian = strcmp(e.endian, "big") == 0;
	d->core.machine = machine_number(&e, d->core.elf_class, d->core.big_endian);
	d->core.si_signo = d->core.signal;
	return d;
}

/* ---- documents -------------------------------------------------------------------------- */

struct doc {
	struct dump **dumps;
	size_t n, cap;
	bool has_version;
	char *hostname;
	struct scan_totals totals;
	double seconds;
};

static void doc_free(struct doc *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		dump_free(doc->dumps[i]);
	free(doc->dumps);
	free(doc->hostname);
	memset(doc, 0, sizeof(*doc));
}

static bool read_dumps(struct ireader *x, struct doc *doc)
{
	enum jsonr_type t;
	while (next(x, &t) && t != JSONR_ARR_END) {
		if (t != JSONR_OBJ_BEGIN)
			return fail(x, x->r.tok_off, "\"dumps\" should hold objects, not %s",
				    jsonr_type_name(t));
		struct dump *d = read_dump(x);
		if (!d)
			return false;
		doc->dumps = xgrow(doc->dumps, &doc->cap, doc->n + 1, sizeof(*doc->dumps));
		doc->dumps[doc->n++] = d;
	}
	return !x->failed;
}

/* "identity": {"hostname": ...} and "scan": {...}: the members of an object by name. */
static bool read_members(struct ireader *x, struct doc *doc, bool identity)
{
	enum jsonr_type t;
	char key[32];
	while (next_member(x, key, &t)) {
		uint64_t u = 0;
		double s;
		if (identity && strcmp(key, "hostname") == 0 && t == JSONR_STRING && x->r.len) {
			free(doc->hostname);
			doc->hostname = xstrdup(x->r.s);
		} else if (!identity && t == JSONR_NUMBER && strcmp(key, "seconds") == 0 &&
			   jsonr_double(&x->r, &s)) {
			doc->seconds = s;
		} else if (!identity && t == JSONR_NUMBER && jsonr_u64(&x->r, &u)) {
			struct scan_totals *tt = &doc->totals;
			uint64_t *into = strcmp(key, "files") == 0 ? &tt->files
					 : strcmp(key, "dirs") == 0 ? &tt->dirs
					 : strcmp(key, "bytes_apparent") == 0 ? &tt->bytes_apparent
					 : strcmp(key, "bytes_disk") == 0 ? &tt->bytes_disk
					 : strcmp(key, "errors") == 0 ? &tt->errors : NULL;
			if (into)
				*into = u;
		} else if (!jsonr_skip(&x->r, t)) {
			return fail(x, x->r.err_off, "%s", x->r.err);
		}
	}
	return !x->failed;
}

static bool read_version(struct ireader *x, struct doc *doc, enum jsonr_type t)
{
	int64_t v;
	if (t != JSONR_NUMBER || !jsonr_i64(&x->r, &v))
		return wrong_type(x, "version", "an integer", t);
	if (v != 1)
		return fail(x, x->r.tok_off, "version %" PRId64 " is not supported: this coredu reads "
			    "version 1", v);
	doc->has_version = true;
	return true;
}

/* One document, its '{' read. */
static bool read_document(struct ireader *x, struct doc *doc)
{
	uint64_t start = x->r.tok_off;
	enum jsonr_type t;
	char key[32];
	while (next_member(x, key, &t)) {
		bool ok;
		if (strcmp(key, "version") == 0)
			ok = read_version(x, doc, t);
		else if (strcmp(key, "dumps") == 0 && t == JSONR_ARR_BEGIN)
			ok = read_dumps(x, doc);
		else if (strcmp(key, "dumps") == 0)
			ok = wrong_type(x, key, "an array", t);
		else if ((strcmp(key, "identity") == 0 || strcmp(key, "scan") == 0) &&
			 t == JSONR_OBJ_BEGIN)
			ok = read_members(x, doc, key[0] == 'i');
		else
			ok = jsonr_skip(&x->r, t) || fail(x, x->r.err_off, "%s", x->r.err);
		if (!ok)
			return false;
	}
	if (!x->failed && !doc->has_version)
		return fail(x, start, "not a coredu json document: no \"version\"");
	return !x->failed;
}

/* ---- hosts ------------------------------------------------------------------------------ */

/* The source number of a host name, a new one when first seen; 0 when there are too many. */
static uint32_t source_of(struct import *im, const char *host)
{
	for (size_t i = im->nhosts; i-- > 0;) /* the last few files are the likely ones */
		if (strcmp(im->hosts[i], host) == 0)
			return (uint32_t)i + 1;
	if (im->nhosts >= IMPORT_MAX_HOSTS)
		return 0;
	im->hosts = xgrow(im->hosts, &im->caphosts, im->nhosts + 1, sizeof(*im->hosts));
	im->hosts[im->nhosts++] = xstrdup(host);
	return (uint32_t)im->nhosts;
}

/* The host of a document without an identity: the file's name without ".json"; "stdin". */
static char *host_from_file(const char *path, uint64_t nth)
{
	const char *base = strcmp(path, "-") == 0 ? "stdin" : strrchr(path, '/');
	base = base ? base + (*base == '/') : path;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	return nth > 1 ? xasprintf("%.*s#%" PRIu64, (int)n, base, nth) : xstrndup(base, n);
}

static bool hand_over(struct import *im, struct doc *doc, const char *path, uint64_t nth,
		      const struct scan_sink *sink, struct ireader *x)
{
	char *host = doc->hostname ? xstrdup(doc->hostname) : host_from_file(path, nth);
	uint32_t source = source_of(im, host);
	if (source == 0) {
		free(host);
		return fail(x, x->r.off, "more than %d hosts", IMPORT_MAX_HOSTS);
	}
	for (size_t i = 0; i < doc->n; i++) {
		doc->dumps[i]->source = source;
		doc->dumps[i]->host = xstrdup(host);
		sink->dump(sink->ctx, doc->dumps[i]);
	}
	im->dumps += doc->n;
	im->documents++;
	doc->n = 0;
	struct scan_totals *t = &im->totals;
	t->files += doc->totals.files;
	t->dirs += doc->totals.dirs;
	t->bytes_apparent = sat_add_u64(t->bytes_apparent, doc->totals.bytes_apparent);
	t->bytes_disk = sat_add_u64(t->bytes_disk, doc->totals.bytes_disk);
	t->errors += doc->totals.errors;
	im->seconds += doc->seconds;
	free(host);
	return true;
}

/* Every document of the stream. */
static int read_stream(struct import *im, struct ireader *x, const char *path,
		       const struct scan_sink *sink)
{
	enum jsonr_type t;
	uint64_t nth = 1;
	for (; next(x, &t) && t != JSONR_END; nth++) {
		if (t != JSONR_OBJ_BEGIN) {
			fail(x, x->r.tok_off, "expected a coredu json document (an object), not %s",
			     jsonr_type_name(t));
			break;
		}
		struct doc doc;
		memset(&doc, 0, sizeof(doc));
		bool ok = read_document(x, &doc) && hand_over(im, &doc, path, nth, sink, x);
		doc_free(&doc);
		if (!ok)
			break;
	}
	if (!x->failed && nth == 1)
		fail(x, x->r.off, "no coredu json document in it (empty)");
	return x->failed ? -1 : 0;
}

static FILE *open_input(const char *path, char *err, size_t errlen)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	/* The operand is followed if it is a link (find -H); a pipe is fine (<(ssh host coredu
	 * json)), a device or a directory is not. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "not a regular file or a pipe");
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
	}
	return f;
}

int import_stream(struct import *im, FILE *f, const char *path, const struct scan_sink *sink,
		  char *err, size_t errlen)
{
	struct ireader x = {.err = err, .errlen = errlen};
	jsonr_init(&x.r, f);
	int rc = read_stream(im, &x, path, sink);
	jsonr_free(&x.r);
	return rc;
}

int import_file(struct import *im, const char *path, const struct scan_sink *sink, char *err,
		size_t errlen)
{
	FILE *f = open_input(path, err, errlen);
	if (!f)
		return -1;
	int rc = import_stream(im, f, path, sink, err, errlen);
	if (f != stdin)
		fclose(f);
	return rc;
}

void import_init(struct import *im)
{
	memset(im, 0, sizeof(*im));
}

void import_free(struct import *im)
{
	for (size_t i = 0; i < im->nhosts; i++)
		free(im->hosts[i]);
	free(im->hosts);
	memset(im, 0, sizeof(*im));
}
