/* The ELF core parser on real fixture cores of seven architectures, on truncated copies of
 * them, on decoys, and on crafted hostile headers. */
#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "elfcore.h"
#include "reader.h"
#include "testutil.h"
#include "verify.h"

#define MAX_FIXTURES 32

static struct tu_expect fixtures[MAX_FIXTURES];
static size_t nfixtures;

static void load_manifest(void)
{
	nfixtures = tu_manifest(fixtures, MAX_FIXTURES);
	ck_assert_uint_ge(nfixtures, 10);
	for (size_t i = 0; i < nfixtures; i++) /* fixtures are decompressed without .xz */
		fixtures[i].file[strlen(fixtures[i].file) - 3] = '\0';
}

static char *fixture_path(const char *name)
{
	return tu_path(tu_fixture_dir(), name);
}

/* Parse a memory buffer as a core. */
static void parse_buf(const void *buf, size_t n, struct core_info *ci)
{
	char *dir = tu_mkdtemp("buf");
	char *p = tu_path(dir, "core");
	tu_write_file(p, buf, n);
	int fd = open(p, O_RDONLY);
	struct bsrc src;
	bsrc_from_fd(&src, fd, n);
	ck_assert_int_eq(elfcore_parse(&src, ci, ELFCORE_KEEP_MAPS), 0);
	close(fd);
	tu_rmtree(dir);
	free(p);
	free(dir);
}

START_TEST(every_fixture)
{
	load_manifest();
	for (size_t i = 0; i < nfixtures; i++) {
		char *p = fixture_path(fixtures[i].file);
		bool kernel = strcmp(fixtures[i].machine, "x86-64") == 0 &&
			      strcmp(fixtures[i].kase, "gcore") != 0;
		tv_verify_core(p, &fixtures[i], kernel);
		free(p);
	}
}
END_TEST

START_TEST(four_class_and_byte_order_combinations)
{
	load_manifest();
	bool seen[2][2] = {{false}};
	for (size_t i = 0; i < nfixtures; i++)
		seen[fixtures[i].elf_class == 64][fixtures[i].big_endian] = true;
	ck_assert_msg(seen[0][0] && seen[0][1] && seen[1][0] && seen[1][1],
		      "fixtures must cover 32/64-bit x little/big-endian");
	const char *required[] = {"x86-64", "i386", "aarch64", "s390x"};
	for (size_t r = 0; r < 4; r++) {
		bool found = false;
		for (size_t i = 0; i < nfixtures; i++)
			found |= strcmp(fixtures[i].machine, required[r]) == 0;
		ck_assert_msg(found, "no fixture for %s", required[r]);
	}
}
END_TEST

START_TEST(json_over_all_fixtures)
{
	load_manifest();
	for (size_t i = 0; i < nfixtures; i++) {
		bool kernel = strcmp(fixtures[i].machine, "x86-64") == 0 &&
			      strcmp(fixtures[i].kase, "gcore") != 0;
		tv_verify_json(tu_fixture_dir(), &fixtures[i], kernel);
	}
}
END_TEST

START_TEST(gcore_notes_found_by_owner_and_type)
{
	/* gcore writes NT_PRPSINFO first and its notes at the end of the file. */
	char *p = fixture_path("gcore-x86-64.core");
	struct core_info ci;
	tv_parse(p, &ci);
	ck_assert(ci.gcore);
	ck_assert(ci.has_prpsinfo && ci.has_prstatus && ci.has_auxv && ci.has_file_note);
	ck_assert_int_eq(ci.signal, 0);
	ck_assert_str_eq(ci.comm, "sleep");
	elfcore_free(&ci);
	free(p);
}
END_TEST

START_TEST(mappings_and_crash_module)
{
	char *p = fixture_path("thread-segv-x86-64.core");
	struct core_info ci;
	tv_parse(p, &ci);
	/* The NULL write happens in the program itself, in boom(). */
	ck_assert_ptr_nonnull(ci.crash_module);
	ck_assert_ptr_nonnull(strstr(ci.crash_module, "crash_thread_segv"));
	ck_assert_ptr_nonnull(ci.exe_mapped);
	ck_assert_str_eq(ci.crash_module, ci.exe_mapped);
	bool libc = false;
	for (uint32_t i = 0; i < ci.nmaps; i++) {
		libc |= strstr(elfcore_map_name(&ci, &ci.maps[i]), "libc.so") != NULL;
		ck_assert(ci.maps[i].perms & CORE_MAP_PERMS_KNOWN);
		ck_assert_uint_lt(ci.maps[i].start, ci.maps[i].end);
	}
	ck_assert(libc);
	ck_assert_uint_ge(ci.mapped_files, 3);
	ck_assert_uint_le(ci.mapped_files, ci.nmaps);
	elfcore_free(&ci);
	free(p);
}
END_TEST

/* Every prefix class of a real core: each must parse without crashing, be flagged as
 * truncated, and keep what its bytes still hold. */
START_TEST(truncated_copies)
{
	char *p = fixture_path("abort-x86-64.core");
	size_t n;
	unsigned char *core = tu_read_file(p, &n);
	struct core_info full;
	tv_parse(p, &full);

	ck_assert(!detect_kind(core, 10)); /* too short to be recognised at all */
	ck_assert(detect_kind(core, 18) == DUMP_ELF_CORE);

	uint64_t phoff = *(uint64_t *)(core + 32);
	uint16_t phnum = *(uint16_t *)(core + 56);
	uint64_t phend = phoff + (uint64_t)phnum * 56;
	uint64_t noteoff = *(uint64_t *)(core + phoff + 8); /* first phdr is PT_NOTE */
	uint64_t notesz = *(uint64_t *)(core + phoff + 32);
	ck_assert_uint_eq(*(uint32_t *)(core + phoff), PT_NOTE);

	const size_t cuts[] = {18, 40, 64, phoff + 56, phend - 1, phend + 100,
			       noteoff + notesz - 1, noteoff + notesz + 10, n / 2, n - 1};
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		struct core_info ci;
		parse_buf(core, cuts[i], &ci);
		ck_assert_msg(ci.truncated, "cut at %zu not reported truncated", cuts[i]);
		ck_assert_int_eq(ci.elf_class, 64);
		ck_assert_uint_eq(ci.expected_size >= cuts[i] + 1 || ci.headers_cut, 1);
		if (cuts[i] < phend)
			ck_assert_msg(ci.headers_cut, "cut at %zu inside the headers", cuts[i]);
		if (cuts[i] >= noteoff + notesz) {
			/* Notes complete: every process field survives. */
			ck_assert_int_eq(ci.pid, full.pid);
			ck_assert_str_eq(ci.cmdline, full.cmdline);
			ck_assert_int_eq(ci.signal, full.signal);
			ck_assert_uint_eq(ci.threads, full.threads);
			ck_assert(ci.has_siginfo);
			ck_assert_uint_eq(ci.expected_size, full.expected_size);
		} else if (cuts[i] > phend && cuts[i] < noteoff + notesz) {
			ck_assert(ci.notes_cut);
		}
		elfcore_free(&ci);
	}
	elfcore_free(&full);
	free(core);
	free(p);
}
END_TEST

START_TEST(decoys_are_not_dumps)
{
	size_t n;
	unsigned char *exe = tu_read_file("/proc/self/exe", &n); /* an ELF executable */
	ck_assert_int_eq(detect_kind(exe, n < 64 ? n : 64), DUMP_NONE);
	free(exe);
	const char text[] = "core\nthis is a text file named core\n";
	ck_assert_int_eq(detect_kind((const unsigned char *)text, sizeof(text) - 1), DUMP_NONE);
	ck_assert_int_eq(detect_kind((const unsigned char *)"", 0), DUMP_NONE);
	unsigned char bad[64] = {0x7f, 'E', 'L', 'F', 3, 1, 1};
	bad[16] = ET_CORE;
	ck_assert_int_eq(detect_kind(bad, sizeof(bad)), DUMP_NONE); /* EI_CLASS 3 */
}
END_TEST

/* ---- crafted headers -------------------------------------------------------------------- */

/* A minimal little-endian 64-bit core: header, optional section header 0, program headers,
 * one note segment.  Real values where the tests do not override them. */
struct synth {
	unsigned char buf[8192];
	size_t len;
};

static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

static size_t add_note(unsigned char *p, const char *owner, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(owner) + 1;
	put32(p, namesz);
	put32(p + 4, descsz);
	put32(p + 8, type);
	memcpy(p + 12, owner, namesz);
	size_t off = 12 + ((namesz + 3) & ~3u);
	memcpy(p + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

/* Header at 0, PT_NOTE phdr at 64, notes at 256.  Notes: PRPSINFO then PRSTATUS. */
static void synth_core(struct synth *s, uint16_t e_phnum)
{
	memset(s, 0, sizeof(*s));
	unsigned char *b = s->buf;
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put16(b + 16, ET_CORE);
	put16(b + 18, EM_X86_64);
	put32(b + 20, EV_CURRENT);
	put64(b + 32, 64);     /* e_phoff */
	put16(b + 52, 64);     /* e_ehsize */
	put16(b + 54, 56);     /* e_phentsize */
	put16(b + 56, e_phnum);
	unsigned char ps[136] = {0}, st[336] = {0};
	put32(ps + 24, 4242);   /* pr_pid */
	put32(ps + 28, 4241);   /* pr_ppid */
	memcpy(ps + 40, "synth", 6);
	memcpy(ps + 56, "synth --crafted ", 16);
	put16(st + 12, 6);      /* pr_cursig */
	put32(st + 32, 4242);   /* pr_pid: tid */
	size_t nl = add_note(b + 256, "CORE", NT_PRPSINFO, ps, sizeof(ps));
	nl += add_note(b + 256 + nl, "CORE", NT_PRSTATUS, st, sizeof(st));
	unsigned char *ph = b + 64;
	put32(ph, PT_NOTE);
	put64(ph + 8, 256);
	put64(ph + 32, nl);
	s->len = 256 + nl;
}

START_TEST(crafted_notes_in_any_order)
{
	struct synth s;
	synth_core(&s, 1);
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert_int_eq(ci.pid, 4242);
	ck_assert_int_eq(ci.ppid, 4241);
	ck_assert_int_eq(ci.tid, 4242);
	ck_assert_int_eq(ci.signal, 6);
	ck_assert_str_eq(ci.comm, "synth");
	ck_assert_str_eq(ci.cmdline, "synth --crafted");
	ck_assert(!ci.truncated);
	elfcore_free(&ci);
}
END_TEST

START_TEST(crafted_pn_xnum)
{
	struct synth s;
	synth_core(&s, PN_XNUM);
	/* Section header 0 at 128 carries the real count in sh_info. */
	put64(s.buf + 40, 128); /* e_shoff */
	put16(s.buf + 58, 64);  /* e_shentsize */
	put16(s.buf + 60, 1);   /* e_shnum */
	put32(s.buf + 128 + 44, 1);
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert_uint_eq(ci.phnum, 1);
	ck_assert_int_eq(ci.pid, 4242);
	ck_assert(!ci.truncated);
	elfcore_free(&ci);

	/* PN_XNUM without a readable section header: reported, not fatal. */
	synth_core(&s, PN_XNUM);
	parse_buf(s.buf, s.len, &ci);
	ck_assert(ci.headers_cut && ci.truncated);
	ck_assert_ptr_nonnull(strstr(ci.problem, "PN_XNUM"));
	elfcore_free(&ci);
}
END_TEST

START_TEST(crafted_phnum_past_eof)
{
	/* 65534 claimed program headers in a 700-byte file: libelf would clamp silently.  The
	 * headers that are present are still walked (the later ones are note bytes). */
	struct synth s;
	synth_core(&s, 65534);
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert(ci.headers_cut && ci.truncated);
	ck_assert_uint_ge(ci.expected_size, 64 + 65534ull * 56);
	ck_assert_uint_eq(ci.phnum, 65534);
	ck_assert_int_eq(ci.pid, 4242);
	ck_assert_ptr_nonnull(strstr(ci.problem, "program headers run past the end"));
	elfcore_free(&ci);
}
END_TEST

START_TEST(crafted_descsz_wraps)
{
	struct synth s;
	synth_core(&s, 1);
	put32(s.buf + 256 + 4, 0xfffffffdu); /* first note's descsz */
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert(!ci.has_prpsinfo);
	ck_assert_ptr_nonnull(strstr(ci.problem, "larger than its segment"));
	elfcore_free(&ci);
}
END_TEST

START_TEST(crafted_file_note_count_overflows)
{
	struct synth s;
	synth_core(&s, 1);
	unsigned char fn[40] = {0};
	put64(fn, 0x2000000000000000ull); /* count: * 24 overflows 64 bits */
	put64(fn + 8, 4096);
	size_t nl = *(uint64_t *)(s.buf + 64 + 32);
	nl += add_note(s.buf + 256 + nl, "CORE", 0x46494c45, fn, sizeof(fn));
	put64(s.buf + 64 + 32, nl);
	s.len = 256 + nl;
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert_int_eq(ci.pid, 4242);
	ck_assert_uint_eq(ci.nmaps, 0);
	ck_assert_ptr_nonnull(strstr(ci.problem, "NT_FILE"));
	elfcore_free(&ci);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elfcore");
	TCase *tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_fixture);
	tcase_add_test(tc, four_class_and_byte_order_combinations);
	tcase_add_test(tc, json_over_all_fixtures);
	tcase_add_test(tc, gcore_notes_found_by_owner_and_type);
	tcase_add_test(tc, mappings_and_crash_module);
	tcase_add_test(tc, truncated_copies);
	tcase_add_test(tc, decoys_are_not_dumps);
	suite_add_tcase(s, tc);
	TCase *cr = tcase_create("crafted");
	tcase_add_test(cr, crafted_notes_in_any_order);
	tcase_add_test(cr, crafted_pn_xnum);
	tcase_add_test(cr, crafted_phnum_past_eof);
	tcase_add_test(cr, crafted_descsz_wraps);
	tcase_add_test(cr, crafted_file_note_count_overflows);
	suite_add_tcase(s, cr);
	return tu_run_suite(s);
}
