/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ELF core parser on real fixture cores of seven architectures, on truncated copies of
 * them, on decoys, on crafted hostile headers, and on hostile cores as big as the parser's
 * resource limits (time and memory bounded whatever the headers claim). */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kinds/elfcore.h"
#include "kinds/prstatus.h"
#include "kinds/reader.h"
#include "scan/detect.h"
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
	char *fields = tv_json_fields(tu_fixture_dir());
	for (size_t i = 0; i < nfixtures; i++) {
		bool kernel = strcmp(fixtures[i].machine, "x86-64") == 0 &&
			      strcmp(fixtures[i].kase, "gcore") != 0;
		tv_verify_json_fields(fields, &fixtures[i], kernel);
	}
	free(fields);
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

/* AArch64 pointer authentication: the mask comes from NT_ARM_PAC_MASK when the kernel wrote
 * one, else (qemu-user's cores) from the highest address mapped; no other machine has one. */
START_TEST(pac_mask_from_note_or_mappings)
{
	struct synth s;
	synth_core(&s, 1);
	put16(s.buf + 18, EM_AARCH64);
	uint64_t masks[2] = {0x007f000000000000ull, 0x00ff000000000000ull}; /* data, insn */
	uint64_t nl = *(uint64_t *)(s.buf + 64 + 32);
	nl += add_note(s.buf + 256 + nl, "LINUX", 0x406 /* NT_ARM_PAC_MASK */, masks, 16);
	put64(s.buf + 64 + 32, nl);
	s.len = 256 + nl;
	struct core_info ci;
	parse_buf(s.buf, s.len, &ci);
	ck_assert_uint_eq(elfcore_pac_mask(&ci), 0x00ff000000000000ull);
	elfcore_free(&ci);
	put16(s.buf + 18, EM_X86_64); /* the same note on another machine means nothing */
	parse_buf(s.buf, s.len, &ci);
	ck_assert_uint_eq(elfcore_pac_mask(&ci), 0);
	elfcore_free(&ci);

	const char *names[] = {"abort-aarch64.core", "abort-x86-64.core"};
	for (int i = 0; i < 2; i++) {
		char *p = fixture_path(names[i]);
		int fd = open(p, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		struct stat st;
		ck_assert_int_eq(fstat(fd, &st), 0);
		struct bsrc src;
		bsrc_from_fd(&src, fd, (uint64_t)st.st_size);
		ck_assert_int_eq(elfcore_parse(&src, &ci, ELFCORE_KEEP_MEM), 0);
		uint64_t mask = elfcore_pac_mask(&ci);
		if (i == 1) {
			ck_assert_uint_eq(mask, 0);
		} else {
			/* No note: every bit above the highest mapping, and the pc kept. */
			ck_assert(ci.pac_insn_mask == 0 && ci.has_pc);
			ck_assert_uint_ne(mask, 0);
			ck_assert_uint_eq(~mask & (~mask + 1), 0); /* bits k..63 */
			ck_assert_uint_eq(ci.pc & mask, 0);
			ck_assert_uint_ge(__builtin_ctzll(mask), 39);
			uint64_t start, end;
			ck_assert(elfcore_segment(&ci, ci.pc, &start, &end));
			ck_assert_uint_eq(end & mask, 0);
		}
		elfcore_free(&ci);
		close(fd);
		free(p);
	}
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

/* ---- resource limits -------------------------------------------------------------------- */

/* Hostile cores as big as their headers claim, or as big as the limits let through.  Each is
 * written to disk in pieces, then parsed in a child process whose peak RSS is compared with
 * what it was before the parse.  The limits of src/elfcore.c these tests lean on (a changed
 * limit must change them): */
#define LIM_PHDRS (1u << 20)      /* PHDR_LIMIT */
#define LIM_NOTES (1u << 22)      /* NOTE_LIMIT */
#define LIM_NOTE_SEGMENTS 16      /* NOTE_SEGMENTS_MAX */
#define LIM_FILE_NOTE (16u << 20) /* FILE_NOTE_LIMIT */
#define LIM_STRING 4096           /* STRING_LIMIT */

/* What one parse of the cores below may add to the peak RSS.  The costliest is the NT_FILE at
 * FILE_NOTE_LIMIT, ~58 MiB: the 16 MiB note, the 16 MiB reader window it was read through and
 * 20 MiB of mappings; then PHDR_LIMIT PT_LOADs actually present (a 59 MB header table),
 * ~56 MiB: the PT_LOAD array and qsort's buffer. */
#define LIM_RSS_KIB (64L * 1024)

/* ASan's shadow memory and quarantine count in RSS: the bound is not asserted under it. */
#if defined(__SANITIZE_ADDRESS__)
#define LIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LIM_ASAN 1
#endif
#endif
#ifndef LIM_ASAN
#define LIM_ASAN 0
#endif

#define LIM_NT_SIGINFO 0x53494749
#define LIM_NT_FILE 0x46494c45

/* Class and byte order of a crafted core. */
struct shape {
	bool is64, be;
};

static void putn(const struct shape *s, unsigned char *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[s->be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void put_word(const struct shape *s, unsigned char *p, uint64_t v)
{
	putn(s, p, v, s->is64 ? 8 : 4);
}

/* ELF header; a non-zero shoff announces one section header (PN_XNUM's sh_info). */
static size_t lim_ehdr(const struct shape *s, unsigned char *b, uint16_t machine, uint64_t phoff,
		       uint16_t phnum, uint64_t shoff)
{
	size_t eh = s->is64 ? 64 : 52;
	memset(b, 0, eh);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	b[EI_DATA] = s->be ? ELFDATA2MSB : ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	putn(s, b + 16, ET_CORE, 2);
	putn(s, b + 18, machine, 2);
	putn(s, b + 20, EV_CURRENT, 4);
	if (s->is64) {
		putn(s, b + 32, phoff, 8);
		putn(s, b + 40, shoff, 8);
		putn(s, b + 52, 64, 2);
		putn(s, b + 54, 56, 2);
		putn(s, b + 56, phnum, 2);
		putn(s, b + 58, shoff ? 64 : 0, 2);
		putn(s, b + 60, shoff ? 1 : 0, 2);
	} else {
		putn(s, b + 28, phoff, 4);
		putn(s, b + 32, shoff, 4);
		putn(s, b + 40, 52, 2);
		putn(s, b + 42, 32, 2);
		putn(s, b + 44, phnum, 2);
		putn(s, b + 46, shoff ? 40 : 0, 2);
		putn(s, b + 48, shoff ? 1 : 0, 2);
	}
	return eh;
}

static size_t lim_phdr(const struct shape *s, unsigned char *b, uint32_t type, uint64_t off,
		       uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	size_t n = s->is64 ? 56 : 32;
	uint32_t flags = type == PT_LOAD ? PF_R | PF_W : 0;
	memset(b, 0, n);
	putn(s, b, type, 4);
	if (s->is64) {
		putn(s, b + 4, flags, 4);
		putn(s, b + 8, off, 8);
		putn(s, b + 16, vaddr, 8);
		putn(s, b + 32, filesz, 8);
		putn(s, b + 40, memsz, 8);
		putn(s, b + 48, align, 8);
	} else {
		putn(s, b + 4, off, 4);
		putn(s, b + 8, vaddr, 4);
		putn(s, b + 16, filesz, 4);
		putn(s, b + 20, memsz, 4);
		putn(s, b + 24, flags, 4);
		putn(s, b + 28, align, 4);
	}
	return n;
}

/* A note's header and owner; its descriptor (descsz bytes, padded to 4) is the caller's. */
static size_t lim_note_head(const struct shape *s, unsigned char *p, const char *owner,
			    uint32_t type, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(owner) + 1;
	putn(s, p, namesz, 4);
	putn(s, p + 4, descsz, 4);
	putn(s, p + 8, type, 4);
	memset(p + 12, 0, (namesz + 3) & ~3u);
	memcpy(p + 12, owner, namesz);
	return 12 + ((namesz + 3) & ~3u);
}

static size_t lim_note(const struct shape *s, unsigned char *p, const char *owner, uint32_t type,
		       const void *desc, uint32_t descsz)
{
	size_t n = lim_note_head(s, p, owner, type, descsz);
	memset(p + n, 0, (descsz + 3) & ~3u);
	memcpy(p + n, desc, descsz);
	return n + ((descsz + 3) & ~3u);
}

/* NT_PRPSINFO and NT_PRSTATUS of pid 4242 (signal 11 at `pc`), in the class's layout:
 * x86-64, or i386's 16-bit uids (a 32-bit core of any machine, chosen by descsz). */
static size_t lim_proc_notes(const struct shape *s, unsigned char *p, uint64_t pc)
{
	unsigned char ps[136] = {0}, st[336] = {0};
	size_t pid = s->is64 ? 24 : 12, fname = s->is64 ? 40 : 28, psargs = s->is64 ? 56 : 44;
	putn(s, ps + pid, 4242, 4);
	putn(s, ps + pid + 4, 4241, 4);
	memcpy(ps + fname, "limits", 7);
	memcpy(ps + psargs, "limits --hostile", 16);
	putn(s, st + 12, 11, 2);                                    /* pr_cursig */
	putn(s, st + (s->is64 ? 32 : 24), 4242, 4);                 /* pr_pid: the tid */
	put_word(s, st + (s->is64 ? 112 + 16 * 8 : 72 + 12 * 4), pc); /* rip, eip */
	size_t n = lim_note(s, p, "CORE", NT_PRPSINFO, ps, s->is64 ? 136 : 124);
	return n + lim_note(s, p + n, "CORE", NT_PRSTATUS, st, s->is64 ? 336 : 144);
}

/* NT_AUXV of n (type, value) pairs. */
static size_t lim_auxv(const struct shape *s, unsigned char *p, const uint64_t av[][2], size_t n)
{
	unsigned char d[16 * 16];
	size_t w = s->is64 ? 8 : 4;
	ck_assert_uint_le(n, 16);
	for (size_t i = 0; i < n; i++) {
		put_word(s, d + 2 * w * i, av[i][0]);
		put_word(s, d + 2 * w * i + w, av[i][1]);
	}
	return lim_note(s, p, "CORE", NT_AUXV, d, (uint32_t)(2 * w * n));
}

/* A small core at `b` (64 KiB at least): one PT_NOTE at 256 holding the process notes, then
 * `tail` (made by the caller).  x86-64, i386, or ppc for big-endian 32-bit.  Returns its
 * length; the PT_NOTE header is right after the ELF header. */
static size_t small_core(const struct shape *s, unsigned char *b, const void *tail, size_t tail_len)
{
	uint16_t machine = s->is64 ? EM_X86_64 : s->be ? EM_PPC : EM_386;
	size_t eh = lim_ehdr(s, b, machine, s->is64 ? 64 : 52, 1, 0);
	memset(b + eh, 0, 256 - eh);
	size_t n = lim_proc_notes(s, b + 256, 0);
	if (tail_len)
		memcpy(b + 256 + n, tail, tail_len);
	n += tail_len;
	lim_phdr(s, b + eh, PT_NOTE, 256, 0, n, 0, 4);
	return 256 + n;
}

/* The file the crafted cores are written to: made in a fresh temporary directory, then
 * unlinked with it at once, so that a failing assertion leaves nothing behind. */
static int lim_file(void)
{
	char *dir = tu_mkdtemp("limits"), *path = tu_path(dir, "core");
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	return fd;
}

static void pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = pwrite(fd, (const char *)p + done, n - done, (off_t)(off + done));
		ck_assert_msg(w > 0, "write: %s", strerror(errno));
		done += (size_t)w;
	}
}

/* Replace the file's contents with a core built in memory. */
static void lim_write(int fd, const void *p, size_t n)
{
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	pwrite_all(fd, p, n, 0);
}

/* Sequential writes in 64 KiB pieces: the test never holds a big core in memory, so the
 * parsing child starts from a small RSS. */
struct ostream {
	int fd;
	uint64_t off; /* bytes put, the buffered ones included */
	size_t n;
	unsigned char b[1 << 16];
};

static void os_open(struct ostream *o, int fd)
{
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	o->fd = fd;
	o->off = 0;
	o->n = 0;
}

static void os_flush(struct ostream *o)
{
	pwrite_all(o->fd, o->b, o->n, o->off - o->n);
	o->n = 0;
}

static void os_put(struct ostream *o, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n > 0) {
		if (o->n == sizeof(o->b))
			os_flush(o);
		size_t k = sizeof(o->b) - o->n < n ? sizeof(o->b) - o->n : n;
		memcpy(o->b + o->n, c, k);
		o->n += k;
		o->off += k;
		c += k;
		n -= k;
	}
}

/* Zeros up to file offset `to`. */
static void os_pad_to(struct ostream *o, uint64_t to)
{
	static const unsigned char zeros[4096];
	ck_assert_uint_le(o->off, to);
	while (o->off < to)
		os_put(o, zeros, to - o->off < sizeof(zeros) ? (size_t)(to - o->off) : sizeof(zeros));
}

/* End at `size` bytes if that is more than was written: the rest a hole, read as zeros. */
static void os_close(struct ostream *o, uint64_t size)
{
	os_flush(o);
	if (size > o->off)
		ck_assert_int_eq(ftruncate(o->fd, (off_t)size), 0);
}

/* What a parse found, sent back by the child that parsed. */
struct lim_result {
	struct core_info ci; /* pointers cleared: the strings are copied below */
	bool has_exe, has_platform;
	char exe[LIM_STRING + 1], exe_mapped[256], platform[64], crash_module[64], last_map[64];
	long before_kib, peak_kib; /* ru_maxrss before the parse, and at the child's exit */
};

static _Noreturn void lim_child(int fd, int out)
{
	struct lim_result r;
	struct rusage ru;
	memset(&r, 0, sizeof(r));
	getrusage(RUSAGE_SELF, &ru);
	r.before_kib = ru.ru_maxrss;

	struct stat st;
	if (fstat(fd, &st) != 0)
		_exit(2);
	struct bsrc src;
	struct core_info ci;
	bsrc_from_fd(&src, fd, (uint64_t)st.st_size);
	if (elfcore_parse(&src, &ci, ELFCORE_KEEP_MAPS) != 0)
		_exit(3);

	r.has_exe = ci.exe != NULL;
	r.has_platform = ci.platform != NULL;
	snprintf(r.exe, sizeof(r.exe), "%s", ci.exe ? ci.exe : "");
	snprintf(r.exe_mapped, sizeof(r.exe_mapped), "%s", ci.exe_mapped ? ci.exe_mapped : "");
	snprintf(r.platform, sizeof(r.platform), "%s", ci.platform ? ci.platform : "");
	snprintf(r.crash_module, sizeof(r.crash_module), "%s", ci.crash_module ? ci.crash_module : "");
	if (ci.nmaps)
		snprintf(r.last_map, sizeof(r.last_map), "%s",
			 elfcore_map_name(&ci, &ci.maps[ci.nmaps - 1]));
	r.ci = ci;
	r.ci.exe = r.ci.exe_mapped = r.ci.platform = r.ci.crash_module = r.ci.build_id = NULL;
	r.ci.maps = NULL;
	r.ci.map_names = NULL;
	elfcore_free(&ci);

	for (size_t done = 0; done < sizeof(r);) {
		ssize_t w = write(out, (const char *)&r + done, sizeof(r) - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(4);
		done += (size_t)w;
	}
	_exit(0);
}

/* Parse the core in fd in a child process, then empty the file.  Fails the test if the parse
 * crashes or fails, or if it grew the child's peak RSS by LIM_RSS_KIB or more (not under
 * ASan).  The figures go to the test's log. */
static void lim_parse(int fd, const char *what, struct lim_result *r)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		lim_child(fd, fds[1]);
	}
	close(fds[1]);
	size_t got = 0;
	while (got < sizeof(*r)) {
		ssize_t k = read(fds[0], (char *)r + got, sizeof(*r) - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fds[0]);
	int status;
	struct rusage ru;
	pid_t w;
	do
		w = wait4(pid, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(w, pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the parse %s %d", what,
		      WIFSIGNALED(status) ? "died of signal" : "exited with",
		      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	ck_assert_uint_eq(got, sizeof(*r));
	r->peak_kib = ru.ru_maxrss;
	long grew = r->peak_kib - r->before_kib;
	fprintf(stderr, "limits: %-58s peak RSS %7ld KiB, %+7ld KiB in the parse\n", what,
		r->peak_kib, grew);
	if (!LIM_ASAN)
		ck_assert_msg(grew < LIM_RSS_KIB, "%s: the parse grew the peak RSS by %ld KiB (bound %ld)",
			      what, grew, LIM_RSS_KIB);
}

/* ---- many program headers ---- */

#define MANY_EXE_PHDR 40001 /* the PT_LOAD whose dumped page holds AT_EXECFN's string */

static uint64_t many_vaddr(uint32_t n, uint32_t i)
{
	return 0x10000000ull + (uint64_t)(n - i) * 0x2000; /* descending: the parser must sort */
}

/* n program headers, every 16th a PT_NOTE, the others PT_LOADs of one undumped page, except
 * MANY_EXE_PHDR.  Note segments: the first holds the process notes and an NT_AUXV whose
 * AT_EXECFN lies in that PT_LOAD's page; the next 15 a LINUX note each; the later ones a GDB
 * note, which must never be seen. */
static void write_many_phdrs(int fd, uint32_t n, bool xnum)
{
	const struct shape s = {true, false};
	static const unsigned char zeros[16];
	unsigned char b[4096], proc[1024], linux_note[64], gdb_note[64];
	uint64_t phoff = xnum ? 128 : 64;
	uint64_t notes = (phoff + (uint64_t)n * 56 + 4095) & ~4095ull;
	uint64_t linux_at = notes + 4096, gdb_at = linux_at + 64, page = notes + 8192;
	uint64_t end = page + 4096;
	const uint64_t av[][2] = {{AT_EXECFN, many_vaddr(n, MANY_EXE_PHDR) + 0x100}, {AT_NULL, 0}};
	size_t lp = lim_proc_notes(&s, proc, 0);
	lp += lim_auxv(&s, proc + lp, av, 2);
	size_t ll = lim_note(&s, linux_note, "LINUX", 0x202, zeros, 16);
	size_t lg = lim_note(&s, gdb_note, "GDB", 0xff000000, zeros, 4);

	struct ostream *o = malloc(sizeof(*o));
	os_open(o, fd);
	lim_ehdr(&s, b, EM_X86_64, phoff, xnum ? PN_XNUM : (uint16_t)n, xnum ? 64 : 0);
	os_put(o, b, 64);
	if (xnum) {
		memset(b, 0, 64);
		putn(&s, b + 44, n, 4); /* sh_info */
		os_put(o, b, 64);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i % 16 == 0) {
			uint32_t k = i / 16;
			if (k == 0)
				lim_phdr(&s, b, PT_NOTE, notes, 0, lp, 0, 4);
			else if (k < LIM_NOTE_SEGMENTS)
				lim_phdr(&s, b, PT_NOTE, linux_at, 0, ll, 0, 4);
			else
				lim_phdr(&s, b, PT_NOTE, gdb_at, 0, lg, 0, 4);
		} else if (i == MANY_EXE_PHDR) {
			lim_phdr(&s, b, PT_LOAD, page, many_vaddr(n, i), 4096, 4096, 4096);
		} else {
			lim_phdr(&s, b, PT_LOAD, end, many_vaddr(n, i), 0, 4096, 4096);
		}
		os_put(o, b, 56);
	}
	os_pad_to(o, notes);
	os_put(o, proc, lp);
	os_pad_to(o, linux_at);
	os_put(o, linux_note, ll);
	os_pad_to(o, gdb_at);
	os_put(o, gdb_note, lg);
	os_pad_to(o, page);
	memset(b, 0, sizeof(b));
	memcpy(b + 0x100, "/usr/bin/many-maps", 19);
	os_put(o, b, 4096);
	os_close(o, end);
	free(o);
}

START_TEST(limits_65535_program_headers)
{
	/* 65534 in e_phnum, and 65535 the way the kernel writes it: e_phnum = PN_XNUM (0xffff),
	 * so 0xffff in e_phnum always means "see sh_info". */
	int fd = lim_file();
	for (int xnum = 0; xnum < 2; xnum++) {
		uint32_t n = xnum ? 65535 : 65534;
		struct lim_result r;
		write_many_phdrs(fd, n, xnum);
		lim_parse(fd, xnum ? "65535 phdrs (PN_XNUM), 4096 PT_NOTE" : "65534 phdrs, 4096 PT_NOTE",
			  &r);
		ck_assert_uint_eq(r.ci.phnum, n);
		ck_assert_uint_eq(r.ci.nloads, n - (n + 15) / 16);
		/* Only the first 16 note segments are walked: three notes in the first, a LINUX
		 * note in each of the next 15; the GDB note of the 4,080 others is never seen. */
		ck_assert_uint_eq(r.ci.notes, 3 + LIM_NOTE_SEGMENTS - 1);
		ck_assert(!r.ci.gcore);
		ck_assert_uint_eq(r.ci.threads, 1);
		ck_assert_int_eq(r.ci.pid, 4242);
		ck_assert_str_eq(r.exe, "/usr/bin/many-maps"); /* found among 61,000 PT_LOADs */
		ck_assert(!r.ci.truncated && !r.ci.headers_cut);
		ck_assert_str_eq(r.ci.problem, "");
	}
	close(fd);
}
END_TEST

/* PN_XNUM with sh_info `claim`: the process notes at 128, `real` program headers at 4096 (a
 * PT_NOTE, then PT_LOADs), and `size` bytes in all (0: the file ends after the headers); the
 * rest is a hole, i.e. PT_NULL headers. */
static void write_xnum(int fd, uint32_t claim, uint32_t real, uint64_t size)
{
	const struct shape s = {true, false};
	unsigned char b[1024];
	struct ostream *o = malloc(sizeof(*o));
	os_open(o, fd);
	lim_ehdr(&s, b, EM_X86_64, 4096, PN_XNUM, 64);
	os_put(o, b, 64);
	memset(b, 0, 64);
	putn(&s, b + 44, claim, 4); /* sh_info */
	os_put(o, b, 64);
	size_t lp = lim_proc_notes(&s, b, 0);
	os_put(o, b, lp);
	os_pad_to(o, 4096);
	lim_phdr(&s, b, PT_NOTE, 128, 0, lp, 0, 4);
	os_put(o, b, 56);
	for (uint32_t i = 1; i < real; i++) {
		lim_phdr(&s, b, PT_LOAD, 4096, 0x10000000ull + (uint64_t)(real - i) * 0x2000, 0, 4096,
			 4096);
		os_put(o, b, 56);
	}
	os_close(o, size);
	free(o);
}

START_TEST(limits_pn_xnum_huge_counts)
{
	/* vm.max_map_count=262144 (Elasticsearch's setting) makes cores with this many segments. */
	const uint32_t real = 262144;
	int fd = lim_file();
	struct lim_result r;

	/* sh_info claims 4,294,967,295 headers (240 GB); the file ends after the 262,144 present. */
	write_xnum(fd, UINT32_MAX, real, 0);
	lim_parse(fd, "PN_XNUM: 2^32-1 phdrs claimed, 262144 present", &r);
	ck_assert_uint_eq(r.ci.phnum, UINT32_MAX);
	ck_assert_uint_eq(r.ci.nloads, real - 1);
	ck_assert(r.ci.headers_cut && r.ci.truncated);
	ck_assert_uint_eq(r.ci.expected_size, 4096 + 56ull * UINT32_MAX);
	ck_assert_int_eq(r.ci.pid, 4242);
	ck_assert_ptr_nonnull(strstr(r.ci.problem, "program headers run past the end"));

	/* More PT_LOADs present than the walk takes (a 59 MB table): the walk stops at PHDR_LIMIT
	 * and says so, and the PT_LOAD array it keeps is the costliest thing a core can make. */
	const uint32_t claim = LIM_PHDRS + 4096;
	write_xnum(fd, claim, claim, 0);
	lim_parse(fd, "PN_XNUM: PHDR_LIMIT+4096 phdrs present", &r);
	ck_assert_uint_eq(r.ci.phnum, claim);
	ck_assert_uint_eq(r.ci.nloads, LIM_PHDRS - 1);
	ck_assert(!r.ci.headers_cut && !r.ci.truncated);
	ck_assert_int_eq(r.ci.pid, 4242);
	char want[112];
	snprintf(want, sizeof(want), "%u program headers; only the first %u were read", claim, LIM_PHDRS);
	ck_assert_str_eq(r.ci.problem, want);

	close(fd);
}
END_TEST

/* ---- notes bigger than their segment, and too many notes ---- */

/* 16 PT_NOTE segments: the process notes at 4096, then 15 over the same 4 MiB hole, i.e.
 * 349,525 empty notes each. */
static void write_empty_notes(int fd)
{
	const struct shape s = {true, false};
	unsigned char b[64], proc[1024];
	size_t lp = lim_proc_notes(&s, proc, 0);
	struct ostream *o = malloc(sizeof(*o));
	os_open(o, fd);
	lim_ehdr(&s, b, EM_X86_64, 64, LIM_NOTE_SEGMENTS, 0);
	os_put(o, b, 64);
	for (unsigned i = 0; i < LIM_NOTE_SEGMENTS; i++) {
		lim_phdr(&s, b, PT_NOTE, i ? 8192 : 4096, 0, i ? 4u << 20 : lp, 0, 4);
		os_put(o, b, 56);
	}
	os_pad_to(o, 4096);
	os_put(o, proc, lp);
	os_close(o, 8192 + (4u << 20));
	free(o);
}

START_TEST(limits_note_sizes_past_segment_and_file)
{
	const struct shape s = {true, false};
	const size_t cap = 64 * 1024, auxv_len = 1u << 20;
	unsigned char *b = malloc(cap + auxv_len + 64), *t = malloc(auxv_len + 64);
	int fd = lim_file();
	struct lim_result r;
	size_t n;

	/* The first note's descsz, then its namesz, claim more than the segment and the file. */
	for (int name = 0; name < 2; name++) {
		n = small_core(&s, b, NULL, 0);
		putn(&s, b + 256 + (name ? 0 : 4), name ? 0xfffffff0u : 0x7ffffff0u, 4);
		lim_write(fd, b, n);
		lim_parse(fd, name ? "note: namesz 0xfffffff0" : "note: descsz 0x7ffffff0", &r);
		ck_assert_uint_eq(r.ci.notes, 0);
		ck_assert(!r.ci.has_prpsinfo && !r.ci.has_prstatus);
		ck_assert_str_eq(r.ci.problem, "note 0 is larger than its segment");
	}

	/* The segment claims 1 GiB and the file ends 100 bytes into a 4 KiB NT_SIGINFO: the notes
	 * before it are kept, the core is cut, not malformed. */
	memset(t, 0, 256);
	n = lim_note_head(&s, t, "CORE", LIM_NT_SIGINFO, 4096) + 100;
	n = small_core(&s, b, t, n);
	put_word(&s, b + 64 + 32, 1u << 30); /* p_filesz */
	lim_write(fd, b, n);
	lim_parse(fd, "PT_NOTE of 1 GiB, note cut by the end of the file", &r);
	ck_assert_uint_eq(r.ci.notes, 2);
	ck_assert(r.ci.has_prpsinfo && r.ci.has_prstatus && !r.ci.has_siginfo);
	ck_assert(r.ci.notes_cut && r.ci.truncated);
	ck_assert_uint_eq(r.ci.expected_size, 256 + (1u << 30));
	ck_assert_str_eq(r.ci.problem, "");

	/* A 1 MiB NT_AUXV, all present: only AUXV_LIMIT (64 KiB) is kept.  AT_IGNORE pairs fill
	 * it, so nothing but the limit keeps AT_SECURE at its end from being seen. */
	size_t h = lim_note_head(&s, t, "CORE", NT_AUXV, (uint32_t)auxv_len);
	for (size_t i = 0; i < auxv_len; i += 16) {
		put_word(&s, t + h + i, i == 0 ? AT_EUID : i == auxv_len - 32 ? AT_SECURE : AT_IGNORE);
		put_word(&s, t + h + i + 8, i == 0 ? 77 : 1);
	}
	put_word(&s, t + h + auxv_len - 16, AT_NULL);
	n = small_core(&s, b, t, h + auxv_len);
	lim_write(fd, b, n);
	lim_parse(fd, "NT_AUXV of 1 MiB", &r);
	ck_assert(r.ci.has_auxv);
	ck_assert_int_eq(r.ci.euid, 77);
	ck_assert_int_eq(r.ci.secure, -1);
	ck_assert_str_eq(r.ci.problem, "");

	/* 5.2 million empty notes: the walk stops at NOTE_LIMIT and says so. */
	write_empty_notes(fd);
	lim_parse(fd, "16 PT_NOTE, 5.2 million empty notes (sparse)", &r);
	ck_assert_uint_eq(r.ci.notes, LIM_NOTES);
	ck_assert_int_eq(r.ci.pid, 4242);
	ck_assert_uint_eq(r.ci.threads, 1);
	char want[112];
	snprintf(want, sizeof(want), "more than %u notes; the rest were skipped", LIM_NOTES);
	ck_assert_str_eq(r.ci.problem, want);

	close(fd);
	free(t);
	free(b);
}
END_TEST

/* ---- NT_FILE ---- */

/* One PT_NOTE at 4096: the process notes (pc in the last mapping), an NT_FILE of `count`
 * entries named "/a".."/z" in turn, padded with NULs to `descsz` bytes, then a second
 * NT_PRSTATUS.  Written in pieces: 2,000,000 entries are 54 MB. */
static void write_file_note(int fd, uint32_t count, uint32_t descsz)
{
	const struct shape s = {true, false};
	const uint64_t base = 0x10000000;
	static const unsigned char zeros[336];
	unsigned char b[1024];
	size_t lp = lim_proc_notes(&s, b, base + (uint64_t)(count - 1) * 0x1000 + 0x10);
	lp += lim_note_head(&s, b + lp, "CORE", LIM_NT_FILE, descsz);
	uint64_t total = lp + ((descsz + 3ull) & ~3ull) + 20 + sizeof(zeros);
	ck_assert_uint_le(16 + 27ull * count, descsz);

	struct ostream *o = malloc(sizeof(*o));
	os_open(o, fd);
	unsigned char h[128];
	lim_ehdr(&s, h, EM_X86_64, 64, 1, 0);
	lim_phdr(&s, h + 64, PT_NOTE, 4096, 0, total, 0, 4);
	os_put(o, h, 120);
	os_pad_to(o, 4096);
	os_put(o, b, lp);
	uint64_t desc = o->off;
	put_word(&s, h, count);
	put_word(&s, h + 8, 4096); /* page size */
	os_put(o, h, 16);
	for (uint32_t i = 0; i < count; i++) {
		put_word(&s, h, base + (uint64_t)i * 0x1000);
		put_word(&s, h + 8, base + (uint64_t)i * 0x1000 + 0x1000);
		put_word(&s, h + 16, i);
		os_put(o, h, 24);
	}
	for (uint32_t i = 0; i < count; i++) {
		char name[3] = {'/', (char)('a' + i % 26), '\0'};
		os_put(o, name, 3);
	}
	os_pad_to(o, desc + ((descsz + 3ull) & ~3ull));
	lp = lim_note(&s, b, "CORE", NT_PRSTATUS, zeros, sizeof(zeros));
	os_put(o, b, lp);
	os_close(o, 0);
	free(o);
}

START_TEST(limits_file_note)
{
	int fd = lim_file();
	struct lim_result r;

	/* 2,000,000 mappings present (54 MB): over FILE_NOTE_LIMIT (the kernel writes 4 MiB at
	 * most by default), so ignored and said so; the notes after it are still walked. */
	write_file_note(fd, 2000000, 16 + 2000000u * 27);
	lim_parse(fd, "NT_FILE of 2,000,000 entries (54 MB)", &r);
	ck_assert(!r.ci.has_file_note);
	ck_assert_uint_eq(r.ci.nmaps, 0);
	ck_assert_uint_eq(r.ci.threads, 2);
	ck_assert_int_eq(r.ci.pid, 4242);
	ck_assert_str_eq(r.ci.problem, "NT_FILE of 54000016 bytes ignored (limit 16777216)");

	/* As many entries as FILE_NOTE_LIMIT holds, all kept: the costliest core by design. */
	const uint32_t most = (LIM_FILE_NOTE - 16) / 27;
	write_file_note(fd, most, LIM_FILE_NOTE);
	lim_parse(fd, "NT_FILE at FILE_NOTE_LIMIT (621,377 entries)", &r);
	ck_assert(r.ci.has_file_note);
	ck_assert_uint_eq(r.ci.nmaps, most);
	ck_assert_uint_eq(r.ci.mapped_files, 26);
	const char last[3] = {'/', (char)('a' + (most - 1) % 26), '\0'};
	ck_assert_str_eq(r.last_map, last);
	ck_assert_str_eq(r.crash_module, last); /* pc lies in the last mapping */
	ck_assert_uint_eq(r.ci.threads, 2);
	ck_assert_str_eq(r.ci.problem, "");

	/* Counts that do not fit the note, including ones whose count * 3 * word wraps to 8 bytes:
	 * refused before anything is allocated for them, in both classes. */
	static const struct {
		struct shape s;
		uint64_t count;
		const char *what;
	} bad[] = {
		{{true, false}, 0x0aaaaaaaaaaaaaabull, "NT_FILE: 64-bit count * 24 = 2^64 + 8"},
		{{true, false}, 2, "NT_FILE: 64-bit count one more than present"},
		{{false, false}, 0x15555556u, "NT_FILE: i386 count * 12 = 2^32 + 8"},
		{{false, true}, UINT32_MAX, "NT_FILE: ppc count 2^32-1"},
	};
	unsigned char *b = malloc(64 * 1024);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const struct shape *s = &bad[i].s;
		unsigned char t[128], d[40];
		size_t w = s->is64 ? 8 : 4;
		put_word(s, d, bad[i].count);
		put_word(s, d + w, 4096);
		put_word(s, d + 2 * w, 0x10000000); /* room for one entry, no names */
		put_word(s, d + 3 * w, 0x10001000);
		put_word(s, d + 4 * w, 0);
		size_t n = small_core(s, b, t, lim_note(s, t, "CORE", LIM_NT_FILE, d, (uint32_t)(5 * w)));
		lim_write(fd, b, n);
		lim_parse(fd, bad[i].what, &r);
		ck_assert(r.ci.has_file_note);
		ck_assert_uint_eq(r.ci.nmaps, 0);
		ck_assert_int_eq(r.ci.pid, 4242);
		ck_assert_msg(strncmp(r.ci.problem, "NT_FILE claims ", 15) == 0, "%s: problem \"%s\"",
			      bad[i].what, r.ci.problem);
	}
	free(b);

	close(fd);
}
END_TEST

/* ---- auxv pointers, on a real core ---- */

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Offset of the first program header of `type` in a little-endian 64-bit core; for PT_LOAD,
 * one whose dumped bytes hold vaddr, or (want_empty) one that was not dumped.  0 if none. */
static size_t fx_phdr(const unsigned char *core, uint32_t type, uint64_t vaddr, bool want_empty)
{
	uint64_t phoff = le64(core + 32);
	uint16_t phnum;
	memcpy(&phnum, core + 56, 2);
	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *ph = core + phoff + i * 56;
		if (le32(ph) != type)
			continue;
		if (type != PT_LOAD || (want_empty ? le64(ph + 32) == 0 && le64(ph + 40) > 0x1000
						   : vaddr - le64(ph + 16) < le64(ph + 32)))
			return phoff + i * 56;
	}
	return 0;
}

/* Offset of the value of the auxv entry `type` in a little-endian 64-bit core, 0 if none. */
static size_t fx_auxv(const unsigned char *core, uint64_t type)
{
	size_t ph = fx_phdr(core, PT_NOTE, 0, false);
	size_t off = le64(core + ph + 8), end = off + le64(core + ph + 32);
	while (off + 12 <= end) {
		uint32_t namesz = le32(core + off), descsz = le32(core + off + 4);
		size_t desc = off + 12 + ((namesz + 3) & ~3u);
		if (le32(core + off + 8) == NT_AUXV && namesz == 5 && memcmp(core + off + 12, "CORE", 5) == 0)
			for (size_t a = desc; a + 16 <= desc + descsz; a += 16)
				if (le64(core + a) == type)
					return a + 8;
		off = desc + ((descsz + 3) & ~3u);
	}
	return 0;
}

START_TEST(limits_auxv_pointers)
{
	char *fx = fixture_path("abort-x86-64.core");
	int fd = lim_file();
	size_t n;
	unsigned char *core = tu_read_file(fx, &n), *c = malloc(n);
	size_t execfn = fx_auxv(core, AT_EXECFN), platform = fx_auxv(core, AT_PLATFORM);
	ck_assert(execfn && platform);
	size_t stack = fx_phdr(core, PT_LOAD, le64(core + execfn), false);
	size_t undumped = fx_phdr(core, PT_LOAD, 0, true);
	ck_assert(stack && undumped);
	ck_assert(fx_phdr(core, PT_LOAD, le64(core + platform), false) == stack);
	uint64_t svaddr = le64(core + stack + 16), soff = le64(core + stack + 8);
	uint64_t ssize = le64(core + stack + 32), uvaddr = le64(core + undumped + 16);
	ck_assert_uint_ge(ssize, 2 * LIM_STRING + 16);
	struct lim_result r;

	/* As dumped: both strings are read from the stack. */
	lim_write(fd, core, n);
	lim_parse(fd, "auxv: fixture as dumped", &r);
	ck_assert_str_eq(r.exe, "./crash_abort");
	ck_assert_str_eq(r.platform, "x86_64");
	ck_assert_str_ne(r.exe_mapped, "");

	/* Each copy below leaves both strings unreadable: exe falls back to the NT_FILE mapping
	 * of AT_ENTRY, platform stays empty; nothing is read from elsewhere. */
	for (int v = 0; v < 6; v++) {
		const char *what = "";
		size_t len = n;
		memcpy(c, core, n);
		switch (v) {
		case 0:
			what = "auxv: addresses below and above every PT_LOAD";
			put64(c + execfn, 8);
			put64(c + platform, UINT64_MAX);
			break;
		case 1:
			what = "auxv: addresses in a PT_LOAD that was not dumped";
			put64(c + execfn, uvaddr + 8);
			put64(c + platform, uvaddr + 0x100);
			break;
		case 2:
			what = "auxv: the stack's bytes cut by the end of the file";
			len = soff + 16;
			break;
		case 3:
			what = "auxv: the stack's p_offset past the end of the file";
			put64(c + stack + 8, n + (1u << 20));
			break;
		case 4:
			/* AT_PLATFORM: 8 KiB before its NUL; AT_EXECFN: the segment's last byte. */
			what = "auxv: no NUL before STRING_LIMIT or the segment ends";
			memset(c + soff + ssize - 2 * LIM_STRING - 16, 'A', 2 * LIM_STRING);
			c[soff + ssize - 16] = '\0';
			c[soff + ssize - 1] = 'A';
			put64(c + execfn, svaddr + ssize - 1);
			put64(c + platform, svaddr + ssize - 2 * LIM_STRING - 16);
			break;
		case 5:
			what = "auxv: the stack's p_offset + address wraps 2^64";
			put64(c + stack + 8, UINT64_MAX - 0xfff);
			break;
		}
		lim_write(fd, c, len);
		lim_parse(fd, what, &r);
		ck_assert_int_eq(r.ci.pid, 7553);
		ck_assert_str_ne(r.exe_mapped, "");
		ck_assert_msg(r.has_exe && strcmp(r.exe, r.exe_mapped) == 0, "%s: exe \"%s\"", what, r.exe);
		ck_assert_msg(!r.has_platform, "%s: platform \"%s\"", what, r.platform);
		if (v == 2 || v == 3 || v == 5)
			ck_assert(r.ci.truncated);
		if (v == 5)
			ck_assert_ptr_nonnull(strstr(r.ci.problem, "out of range"));
	}

	/* AT_EXECFN's string zeroed in the dumped stack: a real execfn is never empty, so it is
	 * no name (exe is the NT_FILE mapping of AT_ENTRY, never ""); AT_PLATFORM still reads. */
	memcpy(c, core, n);
	size_t str = soff + (le64(core + execfn) - svaddr);
	memset(c + str, 0, strlen((const char *)core + str));
	lim_write(fd, c, n);
	lim_parse(fd, "auxv: AT_EXECFN's string zeroed", &r);
	ck_assert_msg(r.has_exe && strcmp(r.exe, r.exe_mapped) == 0, "zeroed: exe \"%s\"", r.exe);
	ck_assert_str_ne(r.exe, "");
	ck_assert_str_eq(r.platform, "x86_64");

	close(fd);
	free(c);
	free(core);
	free(fx);
}
END_TEST

/* ---- wrapping note sizes, every class and byte order ---- */

/* ---- argv and the environment from the stack ---- */

static void parse_mem(const void *buf, size_t n, struct core_info *ci, unsigned flags)
{
	struct bsrc src;
	bsrc_from_mem(&src, buf, n);
	ck_assert_int_eq(elfcore_parse(&src, ci, flags), 0);
}

/* Every change to the stack's layout that breaks its rules (a string that disagrees with
 * pr_psargs, a pointer outside the strings or out of order, the NULL below the auxv, the
 * auxv's copy) makes the parser keep the kernel's 80 bytes: never bytes from elsewhere. */
START_TEST(argv_refuses_bad_layouts)
{
	char *fx = fixture_path("abort-x86-64.core");
	size_t n;
	unsigned char *core = tu_read_file(fx, &n), *c = malloc(n);
	size_t execfn = fx_auxv(core, AT_EXECFN);
	size_t stack = fx_phdr(core, PT_LOAD, le64(core + execfn), false);
	ck_assert(execfn && stack);
	uint64_t svaddr = le64(core + stack + 16), soff = le64(core + stack + 8);
	uint64_t ssize = le64(core + stack + 32);
	static const char want[] = "./crash_abort\0first\0second arg\0third\0";
	const unsigned char *args = memmem(core + soff, ssize, want, sizeof(want) - 1);
	ck_assert_ptr_nonnull(args);
	size_t args_off = (size_t)(args - core);
	uint64_t arg0 = svaddr + (args_off - soff), arg1 = arg0 + 14;
	size_t slot0 = 0; /* argv[0]'s word: the argv array starts there */
	for (size_t i = soff; i + 8 <= soff + ssize && !slot0; i += 8)
		if (le64(core + i) == arg0)
			slot0 = i;
	ck_assert(slot0);
	size_t auxv_mem = slot0 + 4 * 8 + 8; /* argv[0..3], NULL, then envp */
	while (le64(core + auxv_mem) != 0)
		auxv_mem += 8;
	auxv_mem += 8; /* past envp's NULL: the auxv */

	struct core_info ci;
	parse_mem(core, n, &ci, 0);
	ck_assert(ci.argv_stack);
	ck_assert_uint_eq(ci.argc, 4);
	size_t len;
	const char *a = elfcore_arg(&ci, 2, &len);
	ck_assert(len == 10 && memcmp(a, "second arg", 10) == 0);
	ck_assert_ptr_nonnull(ci.env);
	ck_assert_ptr_null(strchr(ci.env, '=')); /* no value of the fixture's is allowed */
	elfcore_free(&ci);

	static const char *const what[] = {
		"a string that disagrees with pr_psargs", "argv[0] outside every segment",
		"argv[1] above AT_EXECFN", "argv[1] and argv[2] swapped", "no NULL below envp",
		"the auxv's copy changed",
	};
	for (size_t v = 0; v < ARRAY_SIZE(what); v++) {
		memcpy(c, core, n);
		switch (v) {
		case 0: c[args_off + 2] = 'X'; break;
		case 1: put64(c + slot0, 0xffffffffffff0000ull); break;
		case 2: put64(c + slot0 + 8, le64(core + execfn) + 64); break;
		case 3:
			put64(c + slot0 + 8, le64(core + slot0 + 16));
			put64(c + slot0 + 16, arg1);
			break;
		case 4: put64(c + auxv_mem - 8, 1); break;
		case 5: c[auxv_mem + 8] ^= 0xff; break;
		}
		parse_mem(c, n, &ci, 0);
		ck_assert_msg(!ci.argv_stack, "%s: argv accepted", what[v]);
		ck_assert_ptr_null(ci.argv);
		ck_assert_str_eq(ci.cmdline, "./crash_abort first second arg third");
		ck_assert(!ci.cmdline_cut);
		ck_assert_ptr_null(ci.env);
		elfcore_free(&ci);
	}
	/* ELFCORE_KEEP_ENV keeps every value. */
	parse_mem(core, n, &ci, ELFCORE_KEEP_ENV);
	ck_assert_ptr_nonnull(strchr(ci.env, '='));
	elfcore_free(&ci);
	free(c);
	free(core);
	free(fx);
}
END_TEST

/* A text kind's command line is kept whole up to CORE_CMDLINE_MAX and marked where cut;
 * an argv block keeps CORE_ARGC_MAX arguments. */
START_TEST(cmdline_bounds)
{
	struct core_info ci;
	elfcore_init(&ci);
	size_t big = CORE_CMDLINE_MAX + 100;
	char *s = malloc(big);
	memset(s, 'a', big);
	elfcore_set_cmdline(&ci, s, big, CORE_CMDLINE_MAX, false);
	ck_assert_uint_eq(strlen(ci.cmdline), CORE_CMDLINE_MAX);
	ck_assert(ci.cmdline_cut);
	elfcore_set_cmdline(&ci, "python3 app.py ", 15, CORE_CMDLINE_MAX, false);
	ck_assert_str_eq(ci.cmdline, "python3 app.py");
	ck_assert(!ci.cmdline_cut);
	for (size_t i = 0; i < big; i += 2)
		s[i + 1] = '\0';
	elfcore_set_argv(&ci, s, big, CORE_ARGV_MAX, false);
	ck_assert_uint_eq(ci.argc, CORE_ARGC_MAX);
	ck_assert(ci.cmdline_cut);
	ck_assert_uint_eq(strlen(ci.cmdline), 2 * CORE_ARGC_MAX - 1);
	elfcore_set_argv(&ci, "x\0\0y\0", 5, CORE_ARGV_MAX, false);
	ck_assert_uint_eq(ci.argc, 3); /* an empty argument is one */
	ck_assert_str_eq(ci.cmdline, "x  y");
	size_t len;
	elfcore_arg(&ci, 1, &len);
	ck_assert_uint_eq(len, 0);
	elfcore_free(&ci);
	free(s);
}
END_TEST

START_TEST(limits_wrapping_note_sizes)
{
	/* Sizes whose sums wrap in 32 bits (a parser adding them in 32 bits would loop on the same
	 * note or step backwards), or round up past 2^32, after two good notes. */
	static const struct {
		struct shape s;
		uint32_t namesz, descsz, align;
		const char *what;
	} v[] = {
		{{true, false}, 0xffffffffu, 0xffffffffu, 8, "wrap: x86-64, 8-aligned, both 2^32-1"},
		{{true, false}, 5, 0xffffffffu, 4, "wrap: x86-64, descsz 2^32-1"},
		{{false, false}, 0xfffffff4u, 0, 4, "wrap: i386, 12 + namesz = 2^32"},
		{{false, false}, 5, 0xfffffff0u, 4, "wrap: i386, descsz 2^32-16"},
		{{false, true}, 0x80000000u, 0x80000000u, 4, "wrap: ppc, namesz + descsz = 2^32"},
		{{false, true}, 0xfffffffdu, 0xfffffffdu, 4, "wrap: ppc, both round up to 2^32"},
	};
	int fd = lim_file();
	unsigned char *b = malloc(64 * 1024);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		const struct shape *s = &v[i].s;
		unsigned char t[20];
		struct lim_result r;
		lim_note_head(s, t, "CORE", NT_AUXV, v[i].descsz);
		putn(s, t, v[i].namesz, 4);
		size_t n = small_core(s, b, t, sizeof(t));
		put_word(s, b + (s->is64 ? 64 + 48 : 52 + 28), v[i].align); /* p_align */
		lim_write(fd, b, n);
		lim_parse(fd, v[i].what, &r);
		ck_assert_uint_eq(r.ci.notes, 2);
		ck_assert_int_eq(r.ci.pid, 4242);
		ck_assert(!r.ci.has_auxv);
		ck_assert_str_eq(r.ci.problem, "note 2 is larger than its segment");
	}
	free(b);
	close(fd);
}
END_TEST

/* doc/prstatus.md's table and src/kinds/prstatus.c say the same, row for row. */
START_TEST(prstatus_table_is_documented)
{
	const char *src = getenv("TESTS_SRCDIR");
	ck_assert_msg(src && *src, "TESTS_SRCDIR is not set");
	char *path = tu_path(src, "doc/prstatus.md");
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	unsigned n;
	const struct prstatus_layout *t = prstatus_table(&n);
	unsigned rows = 0;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char abi[32];
		int cls, pid, reg, rsz, ngreg, pc, sp, size;
		/* | ABI | e_machine | class | pr_pid | pr_reg | greg | NGREG | pc | sp | size | */
		if (sscanf(line, "| %31[^|]| %*[^|]| %d | %d | %d | %d | %d | %d | %d | %d |", abi, &cls,
			   &pid, &reg, &rsz, &ngreg, &pc, &sp, &size) != 9)
			continue;
		abi[strcspn(abi, " ")] = '\0';
		ck_assert_msg(rows < n, "doc/prstatus.md has more rows than the table (%s)", abi);
		const struct prstatus_layout *r = &t[rows++];
		char want[32];
		snprintf(want, sizeof(want), "%s", r->abi);
		want[strcspn(want, " ")] = '\0'; /* "mips n32" is "mips" then "n32" in the doc */
		ck_assert_str_eq(abi, want);
		ck_assert_int_eq(cls, r->elf_class);
		ck_assert_int_eq(pid, r->pid);
		ck_assert_int_eq(reg, r->reg);
		ck_assert_int_eq(rsz, r->regsize);
		ck_assert_int_eq(ngreg, r->nregs);
		ck_assert_int_eq(pc, r->pc);
		ck_assert_int_eq(sp, r->sp);
		ck_assert_int_eq(size, r->size);
		/* pr_reg holds ELF_NGREG registers, then pr_fpvalid, then the struct's padding */
		ck_assert_int_ge(size, r->reg + r->regsize * r->nregs + 4);
		ck_assert_int_lt(size, r->reg + r->regsize * r->nregs + 4 + 8);
	}
	fclose(f);
	free(path);
	ck_assert_uint_eq(rows, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elfcore");
	TCase *tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 300); /* a bound on hangs: every fixture, slow on a loaded machine */
	tcase_add_test(tc, every_fixture);
	tcase_add_test(tc, four_class_and_byte_order_combinations);
	tcase_add_test(tc, json_over_all_fixtures);
	tcase_add_test(tc, gcore_notes_found_by_owner_and_type);
	tcase_add_test(tc, mappings_and_crash_module);
	tcase_add_test(tc, pac_mask_from_note_or_mappings);
	tcase_add_test(tc, truncated_copies);
	tcase_add_test(tc, decoys_are_not_dumps);
	tcase_add_test(tc, prstatus_table_is_documented);
	suite_add_tcase(s, tc);
	TCase *cr = tcase_create("crafted");
	tcase_set_timeout(cr, 60);
	tcase_add_test(cr, crafted_notes_in_any_order);
	tcase_add_test(cr, crafted_pn_xnum);
	tcase_add_test(cr, crafted_phnum_past_eof);
	tcase_add_test(cr, crafted_descsz_wraps);
	tcase_add_test(cr, crafted_file_note_count_overflows);
	suite_add_tcase(s, cr);
	TCase *lim = tcase_create("limits");
	/* A hang guard only, never a timing assertion: these write ~100 MB and walk millions of
	 * headers and notes, on machines that may be busy. */
	tcase_set_timeout(lim, 300);
	tcase_add_test(lim, limits_65535_program_headers);
	tcase_add_test(lim, limits_pn_xnum_huge_counts);
	tcase_add_test(lim, limits_note_sizes_past_segment_and_file);
	tcase_add_test(lim, limits_file_note);
	tcase_add_test(lim, limits_auxv_pointers);
	tcase_add_test(lim, limits_wrapping_note_sizes);
	tcase_add_test(lim, argv_refuses_bad_layouts);
	tcase_add_test(lim, cmdline_bounds);
	suite_add_tcase(s, lim);
	return tu_run_suite(s);
}
