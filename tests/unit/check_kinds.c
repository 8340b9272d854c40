/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parsers of the other dump kinds (hs_err, hprof, kdump, minidump, apport, ABRT,
 * systemd-coredump names, compressed heads) on real fixtures, on files built from their
 * specifications by tests/kinds/mkkinds.py, on every truncation of them, and on crafted
 * hostile headers whose claims must not cost memory or time; detection by content; and the
 * links between dumps of one crash. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lz4frame.h>
#include <lzma.h>
#include <zstd.h>

#include "base/util.h"
#include "kinds/bsrc.h"
#include "kinds/cause.h"
#include "kinds/decomp.h"
#include "kinds/dump.h"
#include "kinds/kinds.h"
#include "kinds/mdesc.h"
#include "kinds/program.h"
#include "model/index.h"
#include "scan/detect.h"
#include "testutil.h"

/* Parse bytes as a dump of the kind detect_kind() finds (compressed heads too), from
 * memory, as the scanner would from a file. */
static struct dump *parse_mem(const void *data, size_t n, const char *name)
{
	struct dump *d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(name ? name : "/x/dump");
	d->size_apparent = n;
	size_t h = n < DUMP_HEAD_LEN ? n : DUMP_HEAD_LEN;
	memcpy(d->head, data, h);
	d->head_len = (uint8_t)h;
	struct bsrc src;
	bsrc_from_mem(&src, data, n);
	d->kind = detect_kind(data, h);
	d->compression = COMP_NONE;
	if (d->kind == DUMP_NONE) {
		d->compression = decomp_sniff(data, h);
		unsigned char inner[DUMP_HEAD_LEN];
		ssize_t got = d->compression ? decomp_peek(d->compression, &src, inner, sizeof(inner)) : -1;
		d->kind = got > 0 ? detect_kind(inner, (size_t)got) : DUMP_NONE;
		if (d->kind == DUMP_NONE && kdump_sniff_flat(data, h))
			d->kind = DUMP_KDUMP;
	}
	elfcore_init(&d->core);
	if (d->kind != DUMP_NONE)
		dump_parse_src(d, &src, -1, ELFCORE_KEEP_MAPS);
	return d;
}

static void *fixture(const char *name, size_t *n)
{
	char *p = tu_path(tu_fixture_dir(), name);
	void *b = tu_read_file(p, n);
	free(p);
	return b;
}

/* A file made by mkkinds.py SUBCOMMAND ARGS into a fresh directory; its bytes. */
static void *made(const char *dir, const char *name, const char *args, size_t *n)
{
	const char *src = getenv("TESTS_SRCDIR");
	ck_assert_msg(src && *src, "TESTS_SRCDIR is not set");
	char *out = tu_path(dir, name), *cmd;
	ck_assert(asprintf(&cmd, "python3 %s/tests/kinds/mkkinds.py %s 2>&1", src, args) > 0);
	char *res = NULL;
	int rc = tu_run(cmd, &res);
	ck_assert_msg(rc == 0, "%s: %s", cmd, res);
	void *b = tu_read_file(out, n);
	free(res);
	free(cmd);
	free(out);
	return b;
}

/* ---- detection ------------------------------------------------------------------------------- */

START_TEST(detection_by_content)
{
	static const struct {
		const char *bytes;
		size_t n;
		enum dump_kind kind;
	} cases[] = {
		{"MDMP\x93\xa7\x00\x00", 8, DUMP_MINIDUMP},
		{"MDMP\x94\xa7\x00\x00", 8, DUMP_NONE},           /* not the minidump version */
		{"JAVA PROFILE 1.0.2", 18, DUMP_HPROF},
		{"JAVA PROFILE 1.0", 16, DUMP_NONE},
		{"KDUMP   \x06\x00\x00\x00", 12, DUMP_KDUMP},
		{"KDUMP  x", 8, DUMP_NONE},
		{"ProblemType: Crash\n", 19, DUMP_APPORT},
		{"ProblemType:Crash\n", 18, DUMP_NONE},
		{"#\n# A fatal error has been detected by the Java Runtime Environment:\n", 70, DUMP_HS_ERR},
		{"#\n# A fatal error has been detected by the Java Runtime", 55, DUMP_NONE},
		{"# A fatal error has been detected by the Java Runtime Environment:\n", 67, DUMP_NONE},
		{"makedumpfile", 12, DUMP_NONE}, /* flattened: needs the header at 0x1010 */
		{"\x28\xb5\x2f\xfd", 4, DUMP_NONE}, /* compressed: needs the content */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ck_assert_msg(detect_kind((const unsigned char *)cases[i].bytes, cases[i].n) == cases[i].kind,
			      "case %zu: %s", i, dump_kind_name(detect_kind((const unsigned char *)cases[i].bytes,
									  cases[i].n)));
	for (int k = DUMP_ELF_CORE; k < DUMP_KINDS; k++)
		ck_assert_int_eq(dump_kind_parse(dump_kind_name((enum dump_kind)k)), k);
	ck_assert_int_eq(dump_kind_parse("core"), DUMP_NONE);
}
END_TEST

/* ---- real fixtures -------------------------------------------------------------------------- */

START_TEST(real_hs_err_and_hprof)
{
	size_t n;
	void *b = fixture("hs_err_pid6383.log", &n);
	struct dump *d = parse_mem(b, n, "/x/hs_err_pid6383.log");
	ck_assert_int_eq(d->kind, DUMP_HS_ERR);
	ck_assert_int_eq(d->core.pid, 6383);
	ck_assert_int_eq(d->core.tid, 6384);
	ck_assert_int_eq(d->core.signal, 11);
	ck_assert(d->core.has_fault_addr && d->core.fault_addr == 0);
	ck_assert_str_eq(d->core.crash_module, "libjvm.so");
	ck_assert_str_eq(d->meta.title, "V  [libjvm.so+0xed2f94]  Unsafe_PutLong+0x124");
	ck_assert_str_eq(dump_command(d), "java");
	ck_assert_int_gt(d->meta.time, 1700000000);
	dump_free(d);
	free(b);

	b = fixture("java_pid6435.hprof", &n);
	d = parse_mem(b, n, "/x/java_pid6435.hprof");
	ck_assert_int_eq(d->kind, DUMP_HPROF);
	ck_assert_str_eq(d->meta.format, "JAVA PROFILE 1.0.2");
	ck_assert_uint_eq(d->meta.id_size, 8);
	ck_assert_int_eq(d->meta.time, 1795504309);
	ck_assert_int_eq(d->core.pid, 6435); /* from the name HotSpot gives it */
	/* Not a crash: no "signal 0, sender unknown". */
	ck_assert_int_eq(cause_classify(&d->core), CAUSE_SNAPSHOT);
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, &d->core);
	ck_assert_str_eq(why.s, "heap dump (written on OutOfMemoryError or on request)");
	sbuf_free(&why);
	dump_free(d);
	free(b);
}
END_TEST

START_TEST(real_kernel_dumps)
{
	static const struct {
		const char *file;
		enum dump_kind kind;
		bool flattened;
	} cases[] = {
		{"vmcore-qemu.elf", DUMP_VMCORE, false},
		{"vmcore-qemu.kdump", DUMP_KDUMP, true},
		{"vmcore-qemu-raw.kdump", DUMP_KDUMP, false},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n;
		void *b = fixture(cases[i].file, &n);
		struct dump *d = parse_mem(b, n, cases[i].file);
		ck_assert_msg(d->kind == cases[i].kind, "%s: %s", cases[i].file, dump_kind_name(d->kind));
		ck_assert_str_eq(dump_command(d), "kernel");
		if (d->kind == DUMP_KDUMP) {
			ck_assert_int_eq(d->meta.flattened, cases[i].flattened);
			ck_assert_uint_eq(d->meta.block_size, 4096);
			ck_assert_str_eq(d->meta.title, "x86_64");
			ck_assert_ptr_nonnull(strstr(d->meta.format, "kdump-compressed v6, zlib"));
			ck_assert(!d->meta.incomplete);
		}
		dump_free(d);
		free(b);
	}
}
END_TEST

/* ---- built from the specifications ---------------------------------------------------------- */

START_TEST(spec_built_kinds)
{
	char *dir = tu_mkdtemp("spec");
	size_t n;
	void *b;
	char *args;
	ck_assert(asprintf(&args, "minidump %s/m.dmp --pid 4242 --comm crash_segv --signal 11 --code 1 "
			   "--addr 0xdeadbeef --cmdline './crash_segv one two' --time 1795514400", dir) > 0);
	b = made(dir, "m.dmp", args, &n);
	free(args);
	struct dump *d = parse_mem(b, n, "/x/m.dmp");
	ck_assert_int_eq(d->kind, DUMP_MINIDUMP);
	ck_assert_int_eq(d->core.pid, 4242);
	ck_assert_str_eq(d->core.comm, "crash_segv");
	ck_assert_int_eq(d->core.signal, 11);
	ck_assert(d->core.has_fault_addr && d->core.fault_addr == 0xdeadbeef);
	ck_assert_str_eq(d->core.cmdline, "./crash_segv one two");
	ck_assert_int_eq(d->meta.time, 1795514400);
	ck_assert_uint_eq(d->meta.streams, 5);
	dump_free(d);
	free(b);

	/* Exception codes are no signals: Windows' 0xC0000005, Crashpad's 'CPnx' and 'CPsx'. */
	static const struct {
		const char *code;
		const char *name, *words;
	} exc[] = {
		{"-1073741819", "exc 0xC0000005", "exception 0xC0000005 (access violation: an invalid memory access)"},
		{"1129344632", "exc 0x43506E78", "exception 0x43506E78 (an uncaught NSException "
						 "(Crashpad on macOS): a real crash)"},
		{"1129345912", "exc 0x43507378", "exception 0x43507378 (Crashpad's simulated exception: "
						 "a dump taken on request, not a crash)"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(exc); i++) {
		ck_assert(asprintf(&args, "minidump %s/w.dmp --pid 7 --comm app.exe --signal %s --code 0 "
				   "--addr 0x10 --cmdline 'app.exe' --time 1795514400", dir, exc[i].code) > 0);
		b = made(dir, "w.dmp", args, &n);
		free(args);
		d = parse_mem(b, n, "/x/w.dmp");
		ck_assert(d->core.has_exception);
		ck_assert_int_eq(d->core.signal, 0);
		char sig[16];
		ck_assert_str_eq(dump_signal_name(d, sig), exc[i].name);
		struct sbuf why;
		sbuf_init(&why);
		cause_describe(&why, &d->core);
		ck_assert_str_eq(why.s, exc[i].words);
		sbuf_free(&why);
		dump_free(d);
		free(b);
	}

	char *core = tu_path(tu_fixture_dir(), "abort-x86-64.core");
	struct stat st;
	ck_assert_int_eq(stat(core, &st), 0);
	ck_assert(asprintf(&args, "apport %s/a.crash --core %s --exe /usr/bin/crash_abort --cmdline "
			   "'/usr/bin/crash_abort x' --pid 7553 --uid 0 --signal 6 --date "
			   "'Tue Nov 24 10:00:00 2026'", dir, core) > 0);
	b = made(dir, "a.crash", args, &n);
	free(args);
	d = parse_mem(b, n, "/x/a.crash");
	ck_assert_int_eq(d->kind, DUMP_APPORT);
	ck_assert_int_eq(d->core.pid, 7553);
	ck_assert_int_eq(d->core.signal, 6);
	ck_assert_str_eq(d->core.exe, "/usr/bin/crash_abort");
	ck_assert_str_eq(d->core.comm, "crash_abort");
	ck_assert_uint_eq(d->meta.embedded_original, (uint64_t)st.st_size);
	ck_assert(d->meta.embedded > 0 && d->meta.embedded < n);
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 24, .tm_hour = 10, .tm_isdst = -1};
	ck_assert_int_eq(d->meta.time, (int64_t)mktime(&tm)); /* asctime(): local time */
	dump_free(d);
	free(b);

	ck_assert(asprintf(&args, "vmcoreinfo %s/vmcore --release 6.1.0-test --crashtime 1795514400", dir) > 0);
	b = made(dir, "vmcore", args, &n);
	free(args);
	d = parse_mem(b, n, "/x/vmcore");
	ck_assert_int_eq(d->kind, DUMP_VMCORE);
	ck_assert_str_eq(d->meta.release, "6.1.0-test");
	ck_assert_int_eq(d->meta.time, 1795514400);
	dump_free(d);
	free(b);
	free(core);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- every truncation ----------------------------------------------------------------------- */

/* Parse every prefix (all of the first 4 KiB, then every 509th byte): nothing may crash, and
 * a cut binary header says so. */
static void sweep(const unsigned char *b, size_t n, const char *what)
{
	for (size_t cut = 0; cut <= n; cut += cut < 4096 ? 1 : 509) {
		struct dump *d = parse_mem(b, cut, what);
		ck_assert_msg(d->core.problem[sizeof(d->core.problem) - 1] == '\0', "%s", what);
		dump_free(d);
	}
}

START_TEST(every_truncation)
{
	static const char *const files[] = {"hs_err_pid6383.log", "vmcore-qemu-raw.kdump",
					    "vmcore-qemu.kdump"};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		size_t n;
		unsigned char *b = fixture(files[i], &n);
		sweep(b, n < (256u << 10) ? n : (256u << 10), files[i]);
		free(b);
	}
	/* the hprof header and a cut minidump */
	size_t n;
	unsigned char *b = fixture("java_pid6435.hprof", &n);
	sweep(b, 4096, "hprof");
	struct dump *d = parse_mem(b, 25, "/x/java_pid1.hprof");
	ck_assert_int_eq(d->kind, DUMP_HPROF);
	ck_assert(d->core.truncated);
	dump_free(d);
	free(b);
}
END_TEST

/* core[0..n) through zstd (level 3; its frame records the size if content_size), xz and lz4,
 * into z[i] (allocated) of zn[i] bytes, in the order of COMP_ZSTD, COMP_XZ, COMP_LZ4. */
static void compress_three(const unsigned char *core, size_t n, bool content_size,
			   unsigned char *z[3], size_t zn[3])
{
	size_t cap = n + n / 2 + 65536;
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, content_size);
	z[0] = xmalloc(cap);
	zn[0] = ZSTD_compress2(cc, z[0], cap, core, n);
	ck_assert(!ZSTD_isError(zn[0]));
	ZSTD_freeCCtx(cc);
	z[1] = xmalloc(cap);
	zn[1] = 0;
	ck_assert_int_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, core, n, z[1], &zn[1], cap),
			 LZMA_OK);
	z[2] = xmalloc(cap);
	zn[2] = LZ4F_compressFrame(z[2], cap, core, n, NULL);
	ck_assert(!LZ4F_isError(zn[2]));
}

/* Compressed heads: a real core through zstd, xz and lz4, whole and cut anywhere. */
START_TEST(compressed_heads)
{
	size_t n;
	unsigned char *core = fixture("abort-x86-64.core", &n);
	unsigned char *z[3];
	size_t zn[3];
	compress_three(core, n, true, z, zn);
	static const enum dump_compression comp[3] = {COMP_ZSTD, COMP_XZ, COMP_LZ4};
	for (int i = 0; i < 3; i++) {
		struct dump *d = parse_mem(z[i], zn[i], "/x/core.zzz");
		ck_assert_int_eq(d->compression, comp[i]);
		ck_assert_int_eq(d->kind, DUMP_ELF_CORE);
		ck_assert_int_eq(d->core.pid, 7553);
		ck_assert_int_eq(d->core.signal, 6);
		ck_assert(!d->core.truncated);
		if (comp[i] != COMP_LZ4) /* lz4 frames record the size only on request */
			ck_assert_uint_eq(d->size_original, n);
		dump_free(d);
		for (size_t cut = 0; cut < zn[i]; cut += cut < 2048 ? 7 : 997) {
			d = parse_mem(z[i], cut, "/x/core.cut");
			dump_free(d);
		}
		free(z[i]);
	}
	free(core);
}
END_TEST

/* ---- hostile headers: bounded memory and time ----------------------------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* ---- sparse compressed files: bounded input ------------------------------------------------ */

/* A byte source over a file that counts what it reads: work measured in bytes, not time. */
struct counting {
	struct bsrc file;
	uint64_t bytes, calls;
};

static ssize_t counting_read_at(const struct bsrc *s, void *buf, size_t len, uint64_t off)
{
	struct counting *c = s->priv;
	ssize_t k = c->file.read_at(&c->file, buf, len, off);
	c->calls++;
	if (k > 0)
		c->bytes += (uint64_t)k;
	return k;
}

/* Parse the file at path as the scanner would (compression from its first bytes), through a
 * counting source; returns the bytes read. */
static uint64_t parse_counting(const char *path, struct dump *d)
{
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	struct counting c = {.bytes = 0};
	bsrc_from_fd(&c.file, fd, (uint64_t)st.st_size);
	struct bsrc src = {counting_read_at, (uint64_t)st.st_size, fd, &c};
	memset(d, 0, sizeof(*d));
	d->head_len = (uint8_t)pread(fd, d->head, DUMP_HEAD_LEN, 0);
	d->compression = decomp_sniff(d->head, d->head_len);
	unsigned char inner[DUMP_HEAD_LEN];
	ssize_t got = decomp_peek(d->compression, &src, inner, sizeof(inner));
	d->kind = got > 0 ? detect_kind(inner, (size_t)got) : DUMP_NONE;
	elfcore_init(&d->core);
	dump_parse_src(d, &src, fd, ELFCORE_KEEP_MAPS);
	close(fd);
	return c.bytes;
}

/* The head of a real core compressed, then a tail of `tail` bytes left as a hole: zeros that
 * xz takes as stream padding, or a skippable frame (zstd, lz4) whose content is the hole. */
static void write_sparse_compressed(const char *path, int format, const void *z, size_t zn,
				    uint64_t tail)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, z, zn), (ssize_t)zn);
	if (format != 1) { /* a skippable frame: magic 0x184D2A50, its size, then the hole */
		unsigned char skip[8];
		put32(skip, 0x184d2a50u);
		put32(skip + 4, (uint32_t)(tail > 0xffffffffu ? 0xffffffffu : tail));
		ck_assert_int_eq(write(fd, skip, 8), 8);
		tail = 8 + (tail > 0xffffffffu ? 0xffffffffu : tail);
	}
	ck_assert_int_eq(ftruncate(fd, (off_t)(zn + tail)), 0);
	close(fd);
}

/* Finding 1 of issue 14: a compressed core followed by gigabytes of holes made every command
 * read them all (64 GiB: 107 s).  The compressed input read is now capped, and holes at the
 * end are skipped with SEEK_DATA. */
START_TEST(sparse_compressed_tails)
{
	size_t n;
	unsigned char *core = fixture("abort-x86-64.core", &n);
	if (n > 458752)
		n = 458752; /* the head the attack compressed */
	size_t zn[3];
	unsigned char *z[3];
	/* As `head -c N core | zstd` writes it: no content size in the frame. */
	compress_three(core, n, false, z, zn);
	char *dir = tu_mkdtemp("sparse-comp");
	char *path = tu_path(dir, "core.1.z");
	static const char *const names[] = {"zstd", "xz", "lz4"};
	for (int i = 0; i < 3; i++) {
		/* 3 GiB of hole: unbounded, the reader would take it all */
		write_sparse_compressed(path, i, z[i], zn[i], 3ull << 30);
		struct dump d;
		uint64_t read = parse_counting(path, &d);
		ck_assert_msg(read <= DECOMP_INPUT_LIMIT + (1u << 20),
			      "%s: read %llu bytes of a %zu-byte stream and a hole", names[i],
			      (unsigned long long)read, zn[i]);
		ck_assert_int_eq(d.kind, DUMP_ELF_CORE);
		ck_assert_int_eq(d.core.pid, 7553); /* the head is still parsed */
		elfcore_free(&d.core);
		dump_meta_free(&d.meta);
		/* the same with data after the hole: the cap, not the hole, stops it */
		int fd = open(path, O_WRONLY | O_APPEND);
		ck_assert_int_eq(write(fd, "tail", 4), 4);
		close(fd);
		read = parse_counting(path, &d);
		ck_assert_msg(read <= DECOMP_INPUT_LIMIT + (1u << 20), "%s with data after the hole: "
			      "read %llu bytes", names[i], (unsigned long long)read);
		elfcore_free(&d.core);
		dump_meta_free(&d.meta);
		free(z[i]);
	}
	unlink(path);
	free(path);
	tu_rmtree(dir);
	free(dir);
	free(core);
}
END_TEST

START_TEST(hostile_minidumps)
{
	unsigned char b[4096];
	memset(b, 0, sizeof(b));
	memcpy(b, "MDMP", 4);
	put32(b + 4, 0xa793);
	/* 4 billion streams, the directory past the end */
	put32(b + 8, 0xffffffffu);
	put32(b + 12, 0xfffffff0u);
	struct dump *d = parse_mem(b, sizeof(b), "/x/m.dmp");
	ck_assert_int_eq(d->kind, DUMP_MINIDUMP);
	ck_assert(d->core.truncated);
	ck_assert_ptr_nonnull(strstr(d->core.problem, "stream"));
	dump_free(d);
	/* streams pointing anywhere: an exception stream past the end, a module list whose
	 * name claims 4 GiB, a text stream claiming 4 GiB */
	put32(b + 8, 3);
	put32(b + 12, 32);
	unsigned char *e = b + 32;
	put32(e, 6), put32(e + 4, 168), put32(e + 8, 0xfffff000u);
	put32(e + 12, 4), put32(e + 16, 4 + 108), put32(e + 20, 100);
	put32(b + 100, 1);           /* one module */
	put32(b + 104 + 20, 300);    /* its name at 300 */
	put32(b + 300, 0xfffffffeu); /* of 4 GiB */
	put32(e + 24, 0x47670004), put32(e + 28, 0xffffffffu), put32(e + 32, 400);
	d = parse_mem(b, sizeof(b), "/x/m.dmp");
	ck_assert_ptr_null(d->core.exe);
	ck_assert_int_eq(d->core.signal, 0);
	dump_free(d);
}
END_TEST

START_TEST(hostile_flattened_kdump)
{
	/* A flattened stream of 200,000 one-byte blocks: the reader gives up after its budget
	 * of block headers instead of walking them for every byte. */
	size_t blocks = 200000, n = 4096 + blocks * 17 + 16;
	unsigned char *b = xcalloc(1, n);
	memcpy(b, "makedumpfile", 12);
	unsigned char *p = b + 4096;
	for (size_t i = 0; i < blocks; i++, p += 17) {
		memset(p, 0, 16);
		p[7] = (unsigned char)(i & 0xff); /* offset, big endian, 0..255 */
		p[15] = 1;                         /* size 1 */
		p[16] = "KDUMP   "[i % 8];
	}
	memset(p, 0xff, 16);
	struct dump *d = parse_mem(b, n, "/x/flat");
	ck_assert_int_eq(d->kind, DUMP_KDUMP);
	dump_free(d);
	free(b);
}
END_TEST

/* Finding 3 of issue 14: a flattened kdump of 4,096 one-byte blocks in reverse order took 9
 * million reads (12.7 s for a 72 KiB file): every hit restarted the walk from the first
 * block, with a budget per call.  The blocks are now indexed once per file. */
START_TEST(flattened_kdump_reverse_blocks)
{
	enum { BLOCKS = 4096 };
	unsigned char content[BLOCKS];
	memset(content, 0, sizeof(content));
	memcpy(content, "KDUMP   ", 8);
	put32(content + 8, 6);                  /* header_version */
	memcpy(content + 12, "Linux", 5);       /* utsname.sysname */
	memcpy(content + 12 + 65 * 2, "6.1.0-flat", 10); /* release */
	memcpy(content + 12 + 65 * 4, "x86_64", 6);      /* machine */
	size_t n = 4096 + BLOCKS * 17 + 16;
	unsigned char *b = xcalloc(1, n);
	memcpy(b, "makedumpfile", 12);
	unsigned char *p = b + 4096;
	for (size_t k = 0; k < BLOCKS; k++, p += 17) {
		size_t i = BLOCKS - 1 - k; /* the last byte first */
		memset(p, 0, 16);
		p[6] = (unsigned char)(i >> 8); /* offset, big endian */
		p[7] = (unsigned char)i;
		p[15] = 1; /* size 1 */
		p[16] = content[i];
	}
	memset(p, 0xff, 16);
	struct counting c;
	memset(&c, 0, sizeof(c));
	bsrc_from_mem(&c.file, b, n);
	struct bsrc src = {counting_read_at, n, -1, &c};
	struct core_info ci;
	struct dump_meta m;
	memset(&m, 0, sizeof(m));
	elfcore_init(&ci);
	kdump_parse(&src, true, &ci, &m);
	ck_assert_msg(c.calls <= 4 * BLOCKS, "%llu reads for %d blocks",
		      (unsigned long long)c.calls, BLOCKS);
	ck_assert_str_eq(m.release, "6.1.0-flat"); /* read through the blocks, in any order */
	elfcore_free(&ci);
	dump_meta_free(&m);
	free(b);
}
END_TEST

START_TEST(hostile_text_kinds)
{
	/* an Apport report whose CoreDump never ends and whose lines are megabytes long */
	size_t n = 8u << 20;
	char *b = xmalloc(n);
	memset(b, 'A', n);
	const char *head = "ProblemType: Crash\nExecutablePath: /bin/x\nCoreDump: base64\n ";
	memcpy(b, head, strlen(head));
	struct dump *d = parse_mem(b, n, "/x/a.crash");
	ck_assert_int_eq(d->kind, DUMP_APPORT);
	ck_assert_str_eq(d->core.exe, "/bin/x");
	ck_assert_uint_gt(d->meta.embedded, (6u << 20) * 3 / 4);
	dump_free(d);
	/* an hs_err log of one 8 MiB line after its magic */
	const char *hs = "#\n# A fatal error has been detected by the Java Runtime Environment:\n#  SIG";
	memset(b, 'x', n);
	memcpy(b, hs, strlen(hs));
	d = parse_mem(b, n, "/x/hs_err_pid1.log");
	ck_assert_int_eq(d->kind, DUMP_HS_ERR);
	ck_assert_int_lt(d->core.pid, 0);
	dump_free(d);
	free(b);

	/* an xz file whose footer claims a 4 GiB index */
	unsigned char x[64];
	memset(x, 0, sizeof(x));
	memcpy(x, "\xfd" "7zXZ\0", 6);
	memcpy(x + sizeof(x) - 2, "YZ", 2);
	put32(x + sizeof(x) - 8, 0xffffffffu);
	d = parse_mem(x, sizeof(x), "/x/core.xz");
	ck_assert_uint_eq(d->size_original, 0);
	dump_free(d);
}
END_TEST

/* An ABRT problem directory whose items are not what they claim: a directory for
 * `executable`, a link to a secret for `cmdline`, a FIFO with a blocked writer for `pid`, a
 * 1 MiB line for `reason`, a link to a real core for `coredump`.  Nothing is followed or
 * opened but regular files, and the line is cut at 4 KiB. */
START_TEST(hostile_abrt_items)
{
	char *root = tu_mkdtemp("abrt-items");
	tu_put(root, "p/time", "1795514400\n");
	tu_put(root, "p/type", "CCpp\n");
	tu_put(root, "secret", "SECRET\n");
	tu_put_link(root, "p/cmdline", "../secret");
	char *core = tu_path(tu_fixture_dir(), "abort-x86-64.core");
	tu_put_link(root, "p/coredump", core);
	char *exe = tu_path(root, "p/executable"), *fifo = tu_path(root, "p/pid");
	ck_assert_int_eq(mkdir(exe, 0755), 0);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	size_t n = 1u << 20;
	char *line = xmalloc(n + 1);
	memset(line, 'r', n);
	line[n] = '\0';
	tu_put(root, "p/reason", line);
	pid_t writer = fork();
	if (writer == 0) { /* blocks in open() until a reader opens the FIFO */
		int fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 ? 42 : 1);
	}
	usleep(100000);

	char *dir = tu_path(root, "p");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(detect_dir(dfd), DUMP_ABRT);
	struct dump d;
	memset(&d, 0, sizeof(d));
	alarm(20); /* a hang is a failure */
	dump_parse_dir(&d, dfd, 0);
	alarm(0);
	close(dfd);
	usleep(200000); /* a writer let through needs a moment to exit */
	int status;
	ck_assert_int_eq(waitpid(writer, &status, WNOHANG), 0); /* the FIFO was never opened */
	kill(writer, SIGKILL);
	waitpid(writer, &status, 0);

	ck_assert_ptr_null(d.meta.linked);            /* the linked core was not read */
	ck_assert(!d.core.cmdline || !strstr(d.core.cmdline, "SECRET"));
	ck_assert(d.core.exe == NULL || d.core.exe[0] == '\0');
	ck_assert_int_lt(d.core.pid, 0);
	ck_assert_uint_eq(strlen(d.meta.title), 4096); /* TEXT_MAX */
	ck_assert_int_eq(d.meta.time, 1795514400);
	ck_assert_str_ne(d.core.problem, "");         /* not only regular files: said so */
	elfcore_free(&d.core);
	dump_meta_free(&d.meta);
	tu_rmtree(root);
	free(line), free(core), free(exe), free(fifo), free(dir), free(root);
}
END_TEST

/* ---- systemd-coredump's names ---------------------------------------------------------------- */

/* ---- program identity ---- */

/* The program of a command line given as argv (words separated by '|'), or as a joined line
 * (no '|': split at spaces, as pr_psargs). */
static char *program_of(const char *cmd, const char *launcher)
{
	struct core_info ci;
	elfcore_init(&ci);
	if (strchr(cmd, '|')) {
		char *block = xstrdup(cmd);
		size_t n = strlen(block);
		for (size_t i = 0; i < n; i++)
			if (block[i] == '|')
				block[i] = '\0';
		elfcore_set_argv(&ci, block, n, CORE_ARGV_MAX, false);
		free(block);
	} else {
		elfcore_set_cmdline(&ci, cmd, strlen(cmd), CORE_CMDLINE_MAX, false);
	}
	char *p = program_from_cmdline(&ci, launcher);
	elfcore_free(&ci);
	return p;
}

START_TEST(program_identity)
{
	char err[200] = "";
	ck_assert_msg(program_check_table(program_text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(program_check_table("python  script  value:W\n", err, sizeof(err)), -1);
	ck_assert_int_eq(program_check_table("# x\npython  scrip\n", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "programs.txt line 2: the second field must be script, class, command or self");
	static const struct {
		const char *cmd, *want; /* want NULL: no rule applies */
	} cases[] = {
		{"/usr/bin/python3 /usr/bin/gunicorn --chdir /app -w 4 app:app", "gunicorn"},
		{"python3|/usr/bin/gunicorn|--max-requests|500", "gunicorn"},
		{"python -m celery -A proj worker", "celery"},
		{"python3 -mhttp.server 8000", "http.server"},
		{"python3 -u -W ignore -X dev scripts/migrate.py --all", "migrate.py"},
		{"python3.11 -OO app.py", "app.py"},
		{"python3 -c import os", "python3"},
		{"python3", "python3"},
		{"node server.js", "server.js"},
		{"/usr/bin/node --require ./tracing.js --max-old-space-size=4096 dist/main.js", "main.js"},
		{"node -e process.abort()", "node"},
		{"java -Xmx512m -jar /opt/app/app.jar --port 8080", "app.jar"},
		{"java -cp lib/*:. -Dx=y com.x.Main arg", "com.x.Main"},
		{"java -m com.x/com.x.Main", "com.x/com.x.Main"},
		{"ruby -I lib bin/rails server", "rails"},
		{"perl -Ilib -w script.pl", "script.pl"},
		{"php -d memory_limit=-1 artisan queue:work", "artisan"},
		{"php -f /srv/index.php", "index.php"},
		{"bash -x ./deploy.sh now", "deploy.sh"},
		{"sh -c exec ./worker", "sh"},
		{"uwsgi --ini app.ini --module app.wsgi:application", "app.wsgi:application"},
		{"uwsgi --ini app.ini", "uwsgi"},
		{"env A=1 B=2 nice -n 5 ./worker --fast", "worker"},
		{"env -u HOME python3 app.py", "app.py"},
		{"/sbin/tini -- /usr/local/bin/python3 /app/main.py", "main.py"},
		{"dumb-init --single-child gunicorn app:app", "gunicorn"},
		{"timeout -s KILL 30 ./job", "job"},
		{"taskset -c 0-3 ./crunch", "crunch"},
		{"gosu app node .", "node"},
		{"nohup", "nohup"},
		{"./crash_abort first", NULL},
		{"/usr/sbin/php-fpm8.2 --nodaemonize", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = program_of(cases[i].cmd, NULL);
		if (cases[i].want)
			ck_assert_msg(p && strcmp(p, cases[i].want) == 0, "%s: got %s, want %s",
				      cases[i].cmd, p ? p : "NULL", cases[i].want);
		else
			ck_assert_msg(!p, "%s: got %s, want none", cases[i].cmd, p);
		free(p);
	}
	/* hs_err's Command Line has no launcher: the JVM's rule reads it. */
	char *p = program_of("-Xmx64m -XX:+CreateCoredumpOnCrash JvmCrash", "java");
	ck_assert_str_eq(p, "JvmCrash");
	free(p);
	/* Every launcher inside another: bounded. */
	struct sbuf deep;
	sbuf_init(&deep);
	for (int i = 0; i < 50; i++)
		sbuf_adds(&deep, "nice ");
	sbuf_adds(&deep, "./x");
	p = program_of(deep.s, NULL);
	ck_assert_ptr_nonnull(p);
	free(p);
	sbuf_free(&deep);
}
END_TEST

START_TEST(dump_names_below_one_page)
{
	/* The detection rule's names (README, "What is checked"), and near misses. */
	static const char *const named[] = {
		"core", "core.", "core.1058", "core.gunicorn.1058.zst", "a.core", ".core", "vmcore",
		"vmcore-dmesg.txt", "vmcore.flat", "x.crash", "_usr_bin_python3.12.0.crash",
		"hs_err_pid1.log", "hs_err_pid.log", "java_pid7.hprof", "java_pid.hprof", "m.dmp", ".dmp",
		".#core", ".#core.x.0.0123.7.1795514400", "core.h",
	};
	static const char *const other[] = {
		"", "c", "cor", "Core", "core1", "acore", "corex", "a.cor", "a.corex", "vmcor", "xvmcore",
		"crash", "a.crash.txt", "hs_err_pid1.txt", "hs_err_pi1.log", "x_hs_err_pid1.log",
		"java_pid1.hpro", "java_pid1.log", "dmp", "a.dmp.gz", ".#cor", "#core", "s0001", "f.h",
		"index.html", "Makefile", "main.cpp",
	};
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		ck_assert_msg(detect_small_name(named[i]), "%s", named[i]);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		ck_assert_msg(!detect_small_name(other[i]), "%s", other[i]);
}
END_TEST

START_TEST(systemd_names)
{
	static const struct {
		const char *name;
		bool ok;
		const char *comm;
		long pid, uid;
		long long time;
	} cases[] = {
		{"core.crash_abort.1000.0123456789abcdef0123456789abcdef.4242.1795514400123456.zst", true,
		 "crash_abort", 4242, 1000, 1795514400},
		{"core.gunicorn\\x3a\\x20worker.0.0123456789abcdef0123456789abcdef.7.1795514400000000", true,
		 "gunicorn: worker", 7, 0, 1795514400},
		{"core.a.b.c.0.0123456789abcdef0123456789abcdef.7.1795514400000000.xz", true, "a.b.c", 7, 0,
		 1795514400},
		{".#core.x.0.0123456789abcdef0123456789abcdef.7.17955144000000000123456789abcdef", true, "x", 7,
		 0, 1795514400},
		{"core.x.0.0123456789abcdef0123456789abcdef.7", false, NULL, 0, 0, 0},
		{"core.x.0.0123456789abcdef0123456789abcdeZ.7.1795514400000000", false, NULL, 0, 0, 0},
		{"core..0.0123456789abcdef0123456789abcdef.7.1795514400000000", false, NULL, 0, 0, 0},
		{"core.1234", false, NULL, 0, 0, 0},
		{"notcore.x.0.0123456789abcdef0123456789abcdef.7.1795514400000000", false, NULL, 0, 0, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct core_info ci;
		struct dump_meta m;
		elfcore_init(&ci);
		memset(&m, 0, sizeof(m));
		bool ok = sdcore_parse_name(cases[i].name, &ci, &m);
		ck_assert_msg(ok == cases[i].ok, "%s", cases[i].name);
		if (ok) {
			ck_assert_str_eq(ci.comm, cases[i].comm);
			ck_assert_int_eq(ci.pid, cases[i].pid);
			ck_assert_int_eq(ci.uid, cases[i].uid);
			ck_assert_int_eq(m.time, cases[i].time);
			ck_assert_str_eq(m.boot_id, "0123456789abcdef0123456789abcdef");
		}
		dump_meta_free(&m);
	}
	ck_assert(sdcore_is_temp(".#core.x"));
	ck_assert(!sdcore_is_temp("core.x"));
}
END_TEST

/* ---- one crash, several dumps ---------------------------------------------------------------- */

/* libmagic's descriptions are kept by header, in a fixed number of slots: a `watch` that
 * meets ever new headers (each core's own pids and addresses) must not grow with them (it
 * did: 9.5 MiB after 50,000 dumps).  The same header is described alike after eviction. */
START_TEST(magic_descriptions_bounded)
{
	char *path = tu_path(tu_fixture_dir(), "abort-x86-64.core");
	size_t n;
	unsigned char *core = tu_read_file(path, &n);
	ck_assert_uint_ge(n, MDESC_BYTES_MAX);
	struct mdesc *m = mdesc_open(NULL, NULL);
	const char *first = mdesc_describe(m, core, MDESC_BYTES_MAX);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(strstr(first, "core file"));
	char *want = xstrdup(first);
	unsigned char head[MDESC_BYTES_MAX];
	memcpy(head, core, sizeof(head));
	size_t before = 0;
	for (uint32_t i = 0; i < 20000; i++) {
		if (i == 1000)
			before = mallinfo2().uordblks;
		memcpy(head + 120, &i, sizeof(i)); /* a program header's bytes: the same kind */
		const char *d = mdesc_describe(m, head, sizeof(head));
		ck_assert_ptr_nonnull(d);
	}
	size_t after = mallinfo2().uordblks;
	ck_assert_msg(after < before + 256 * 1024, "19,000 more headers took %zu bytes",
		      after - before);
	ck_assert_str_eq(mdesc_describe(m, core, MDESC_BYTES_MAX), want);
	mdesc_close(m);
	free(want);
	free(core);
	free(path);
}
END_TEST

START_TEST(same_crash_links)
{
	struct index ix;
	index_init(&ix);
	int64_t t = 1795514400;
	struct {
		const char *path;
		enum dump_kind kind;
		long pid;
		int64_t time;
		const char *comm;
	} d[] = {
		{"/a/core.x", DUMP_SYSTEMD_CORE, 42, t, "x"},
		{"/b/ccpp-42", DUMP_ABRT, 42, t + 1, "x"},      /* ABRT's copy: linked */
		{"/c/core.42", DUMP_ELF_CORE, 42, t + 599, "x"}, /* within 600 s of the last: linked */
		{"/d/core.42", DUMP_ELF_CORE, 42, t + 5000, "x"}, /* much later: pid reused */
		{"/e/core.42", DUMP_ELF_CORE, 42, t + 5001, "y"}, /* another program */
		{"/f/vmcore", DUMP_VMCORE, 42, t, ""},            /* a kernel dump's pid is no process */
		{"/g/hs_err_pid77.log", DUMP_HS_ERR, 77, t, ""},  /* the JVM's log ... */
		{"/g/core", DUMP_ELF_CORE, 77, t + 2, "java"},    /* ... and its core */
	};
	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		struct dump *x = tu_fake_dump(d[i].path, i + 1, 4096, 4096, d[i].time, d[i].comm, 6);
		x->kind = d[i].kind;
		x->core.pid = d[i].pid;
		index_add(&ix, x);
	}
	ck_assert_uint_eq(index_link_same_crash(&ix), 2);
	uint32_t g[ARRAY_SIZE(d)];
	for (size_t i = 0; i < ix.n; i++)
		for (size_t k = 0; k < ARRAY_SIZE(d); k++)
			if (strcmp(ix.v[i]->path, d[k].path) == 0)
				g[k] = ix.v[i]->same_crash;
	ck_assert(g[0] && g[0] == g[1] && g[1] == g[2]);
	ck_assert_uint_eq(g[3], 0);
	ck_assert_uint_eq(g[4], 0);
	ck_assert_uint_eq(g[5], 0);
	ck_assert(g[6] && g[6] == g[7] && g[6] != g[0]);
	index_free(&ix);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kinds");
	TCase *tc = tcase_create("kinds");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, detection_by_content);
	tcase_add_test(tc, real_hs_err_and_hprof);
	tcase_add_test(tc, real_kernel_dumps);
	tcase_add_test(tc, spec_built_kinds);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, compressed_heads);
	tcase_add_test(tc, sparse_compressed_tails);
	tcase_add_test(tc, hostile_minidumps);
	tcase_add_test(tc, hostile_flattened_kdump);
	tcase_add_test(tc, flattened_kdump_reverse_blocks);
	tcase_add_test(tc, hostile_text_kinds);
	tcase_add_test(tc, hostile_abrt_items);
	tcase_add_test(tc, systemd_names);
	tcase_add_test(tc, dump_names_below_one_page);
	tcase_add_test(tc, program_identity);
	tcase_add_test(tc, same_crash_links);
	tcase_add_test(tc, magic_descriptions_bounded);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
