/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/elfcore.h"

#include <elf.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"
#include "kinds/procargs.h"
#include "kinds/prstatus.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#ifndef NT_ARM_PAC_MASK
#define NT_ARM_PAC_MASK 0x406
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif

/* Resource bounds: whatever a hostile header claims, a core never costs more than this. */
#define PHDR_LIMIT (1u << 20)          /* program headers walked: 16x vm.max_map_count's default */
#define NOTE_LIMIT (1u << 22)          /* notes walked */
#define NOTE_SEGMENTS_MAX 16           /* PT_NOTE segments considered */
#define AUXV_LIMIT (64u * 1024)        /* bytes of NT_AUXV kept */
#define FILE_NOTE_LIMIT (16u << 20)    /* bytes of NT_FILE kept; the kernel default is 4 MiB */
#define VMCOREINFO_LIMIT (64u * 1024)   /* bytes of VMCOREINFO read; the kernel writes a page */
#define STRING_LIMIT 4096              /* AT_EXECFN, AT_PLATFORM */
#define IMAGE_PAGE_LIMIT (16u * 1024)  /* bytes of the executable's first segment read */
#define IMAGE_PAGE_FIRST 4096u         /* ... and read first */

struct load {
	uint64_t vaddr, filesz, memsz, offset;
	uint32_t flags;
};

struct notes_seg {
	uint64_t off, size, align;
};

struct parser {
	struct reader rd;
	struct core_info *ci;
	unsigned flags;
	bool be, is64;
	unsigned word;
	const struct prstatus_layout *prs; /* chosen once the header is read */
	struct load *loads;
	size_t nloads, capl;
	struct notes_seg segs[NOTE_SEGMENTS_MAX];
	size_t nsegs;
	unsigned char *auxv;
	size_t auxv_len;
	unsigned char *siginfo;
	size_t siginfo_len;
	unsigned char *filenote;
	size_t filenote_len;
	char psargs[81]; /* pr_psargs as the kernel wrote it: argv's NULs as spaces */
};

static void problem(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct parser *p, const char *fmt, ...)
{
	if (p->ci->problem[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->ci->problem, sizeof(p->ci->problem), fmt, ap);
	va_end(ap);
}

static uint16_t get16(const struct parser *p, const unsigned char *b)
{
	return p->be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static uint32_t get32(const struct parser *p, const unsigned char *b)
{
	return p->be ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
		     : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint64_t get64(const struct parser *p, const unsigned char *b)
{
	uint64_t hi = get32(p, p->be ? b : b + 4), lo = get32(p, p->be ? b + 4 : b);
	return hi << 32 | lo;
}

static uint64_t getword(const struct parser *p, const unsigned char *b)
{
	return p->is64 ? get64(p, b) : get32(p, b);
}

static bool mul_add_overflows(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
	uint64_t m;
	if (__builtin_mul_overflow(a, b, &m) || __builtin_add_overflow(m, c, out))
		return true;
	return false;
}

bool elfcore_sniff(const unsigned char *h, size_t n)
{
	if (n < ELFCORE_MIN_HEAD || memcmp(h, ELFMAG, SELFMAG) != 0)
		return false;
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64)
		return false;
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return false;
	uint16_t type = h[EI_DATA] == ELFDATA2MSB ? (uint16_t)(h[16] << 8 | h[17])
						  : (uint16_t)(h[17] << 8 | h[16]);
	return type == ET_CORE;
}

/* ---- headers -------------------------------------------------------------------------- */

/* Field offsets in Elf32/Elf64 headers; words are 4 or 8 bytes (getword), halves 2. */
static const struct ehdr_layout {
	uint8_t phoff, shoff, flags, phentsize, phnum, shentsize, shnum;
} ehdr32 = {28, 32, 36, 42, 44, 46, 48}, ehdr64 = {32, 40, 48, 54, 56, 58, 60};

static const struct phdr_layout {
	uint8_t flags, offset, vaddr, filesz, memsz, align;
} phdr32 = {24, 4, 8, 16, 20, 28}, phdr64 = {4, 8, 16, 32, 40, 48};

static void note_end(struct parser *p, uint64_t end)
{
	if (end > p->ci->expected_size)
		p->ci->expected_size = end;
}

/* Read e_phoff/e_phnum (resolving PN_XNUM); false when there are no program headers to walk. */
static bool parse_ehdr(struct parser *p, uint64_t *phoff, uint64_t *phnum, unsigned *phentsize)
{
	struct core_info *ci = p->ci;
	size_t ehsize = p->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t got;
	const unsigned char *h = reader_get_upto(&p->rd, 0, ehsize, &got);

	note_end(p, ehsize);
	if (got >= 20)
		ci->machine = get16(p, h + 18);
	if (got < ehsize) {
		ci->headers_cut = true;
		problem(p, "ELF header cut short: %zu of %zu bytes", got, ehsize);
		return false;
	}
	const struct ehdr_layout *L = p->is64 ? &ehdr64 : &ehdr32;
	uint64_t shoff = getword(p, h + L->shoff);
	unsigned shentsize = get16(p, h + L->shentsize);
	uint16_t phnum16 = get16(p, h + L->phnum), shnum = get16(p, h + L->shnum);
	*phoff = getword(p, h + L->phoff);
	*phentsize = get16(p, h + L->phentsize);
	ci->e_flags = get32(p, h + L->flags);
	*phnum = phnum16;

	/* Section headers only matter for PN_XNUM and for the expected size (gcore adds them). */
	size_t shmin = p->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (shoff != 0 && shentsize >= shmin) {
		uint64_t shend;
		if (mul_add_overflows(shnum ? shnum : 1, shentsize, shoff, &shend))
			shend = UINT64_MAX;
		note_end(p, shend);
	}
	if (phnum16 == PN_XNUM) {
		const unsigned char *sh = NULL;
		if (shoff != 0 && shentsize >= shmin)
			sh = reader_get(&p->rd, shoff, shmin);
		if (!sh) {
			ci->headers_cut = true;
			problem(p, "e_phnum is PN_XNUM but section header 0 cannot be read");
			return false;
		}
		*phnum = get32(p, sh + (p->is64 ? 44 : 28)); /* sh_info */
	}
	if (*phnum == 0)
		return false;
	size_t phmin = p->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (*phentsize < phmin) {
		problem(p, "bad e_phentsize %u", *phentsize);
		return false;
	}
	uint64_t phend;
	if (mul_add_overflows(*phnum, *phentsize, *phoff, &phend)) {
		ci->headers_cut = true;
		problem(p, "program header table out of range");
		note_end(p, UINT64_MAX);
		return false;
	}
	note_end(p, phend);
	/* libelf would silently clamp e_phnum on a short file: compare it ourselves. */
	if (phend > p->rd.src->size) {
		ci->headers_cut = true;
		problem(p, "program headers run past the end of the file (%" PRIu64 " of %" PRIu64
			   " bytes present)", p->rd.src->size, phend);
	}
	return true;
}

static int cmp_load(const void *a, const void *b)
{
	uint64_t x = ((const struct load *)a)->vaddr, y = ((const struct load *)b)->vaddr;
	return x < y ? -1 : x > y;
}

static void parse_phdrs(struct parser *p, uint64_t phoff, uint64_t phnum, unsigned phentsize)
{
	struct core_info *ci = p->ci;
	uint64_t walk = phnum;

	if (walk > PHDR_LIMIT) {
		problem(p, "%" PRIu64 " program headers; only the first %u were read", phnum, PHDR_LIMIT);
		walk = PHDR_LIMIT;
	}
	ci->phnum = (uint32_t)(phnum > UINT32_MAX ? UINT32_MAX : phnum);
	size_t phmin = p->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	for (uint64_t i = 0; i < walk; i++) {
		const unsigned char *ph = reader_get(&p->rd, phoff + i * phentsize, phmin);
		if (!ph)
			break; /* already reported as headers_cut */
		const struct phdr_layout *L = p->is64 ? &phdr64 : &phdr32;
		uint32_t type = get32(p, ph), flags = get32(p, ph + L->flags);
		uint64_t off = getword(p, ph + L->offset), vaddr = getword(p, ph + L->vaddr);
		uint64_t filesz = getword(p, ph + L->filesz), memsz = getword(p, ph + L->memsz);
		uint64_t end;
		if (__builtin_add_overflow(off, filesz, &end)) {
			problem(p, "segment %" PRIu64 " out of range", i);
			end = UINT64_MAX;
		}
		note_end(p, end);
		if (type == PT_LOAD) {
			p->loads = xgrow(p->loads, &p->capl, p->nloads + 1, sizeof(*p->loads));
			p->loads[p->nloads++] = (struct load){vaddr, filesz, memsz, off, flags};
		} else if (type == PT_NOTE && p->nsegs < NOTE_SEGMENTS_MAX) {
			uint64_t align = getword(p, ph + L->align);
			p->segs[p->nsegs++] = (struct notes_seg){off, filesz, align};
		}
	}
	ci->nloads = (uint32_t)p->nloads;
	/* core_sort_vma=1 writes segments smallest first: never assume address order. */
	sort_array(p->loads, p->nloads, sizeof(*p->loads), cmp_load);
}

/* ---- notes ---------------------------------------------------------------------------- */

/* Copy a note's descriptor, at most `limit` bytes; NULL if it cannot be read. */
static unsigned char *copy_desc(struct parser *p, uint64_t off, uint64_t size, size_t limit,
				size_t *len)
{
	size_t n = size > limit ? limit : (size_t)size;
	const unsigned char *d = reader_get(&p->rd, off, n);
	if (!d)
		return NULL;
	unsigned char *c = xmalloc(n ? n : 1);
	memcpy(c, d, n);
	*len = n;
	return c;
}

/* One register of pr_reg: its width is the architecture's elf_greg_t, not the ELF class
 * (x32 and MIPS n32 cores are class 32 with 64-bit registers). */
static uint64_t get_reg(const struct parser *p, const unsigned char *d, unsigned idx)
{
	const unsigned char *r = d + p->prs->reg + (size_t)idx * p->prs->regsize;
	return p->prs->regsize == 8 ? get64(p, r) : get32(p, r);
}

/* The program counter as an address: s390's 31-bit PSW carries the addressing mode in its
 * top bit, PA-RISC's instruction address queue the privilege level in its low two. */
static uint64_t pc_address(const struct core_info *ci, uint64_t pc)
{
	if (ci->machine == EM_S390 && ci->elf_class == 32)
		return pc & 0x7fffffff;
	if (ci->machine == EM_PARISC)
		return pc & ~(uint64_t)3;
	return pc;
}

/* Registers in pr_reg, as far as the note holds them. */
static unsigned regs_present(const struct parser *p, size_t len)
{
	const struct prstatus_layout *L = p->prs;
	if (len <= L->reg || !L->regsize)
		return 0;
	size_t n = (len - L->reg) / L->regsize;
	return (unsigned)(n < L->nregs ? n : L->nregs);
}

/* With ELFCORE_KEEP_MEM, every thread's id and registers (the stack readers unwind them). */
static void keep_thread(struct parser *p, const unsigned char *d, size_t len)
{
	struct core_info *ci = p->ci;
	if (ci->nthread_regs == CORE_THREADS_KEPT) {
		ci->thread_regs_cut = true;
		return;
	}
	if (!ci->thread_regs)
		ci->thread_regs = xcalloc(CORE_THREADS_KEPT, sizeof(*ci->thread_regs));
	struct core_thread *t = &ci->thread_regs[ci->nthread_regs++];
	t->tid = (int32_t)get32(p, d + p->prs->pid);
	unsigned n = regs_present(p, len);
	t->nregs = n < CORE_REGS_MAX ? n : CORE_REGS_MAX;
	for (unsigned i = 0; i < t->nregs; i++)
		t->regs[i] = get_reg(p, d, i);
}

/* One NT_PRSTATUS: the first is the thread that took the signal. */
static void parse_prstatus(struct parser *p, uint64_t off, uint64_t size, bool first)
{
	struct core_info *ci = p->ci;
	const struct prstatus_layout *L = p->prs;
	if (!first && !(p->flags & ELFCORE_KEEP_MEM))
		return;
	size_t want = L->reg + (size_t)CORE_REGS_MAX * L->regsize;
	if (size < want)
		want = (size_t)size;
	if (want < (size_t)L->pid + 16u) {
		if (first)
			problem(p, "NT_PRSTATUS too small (%" PRIu64 " bytes)", size);
		return;
	}
	const unsigned char *d = reader_get(&p->rd, off, want);
	if (!d)
		return;
	if (p->flags & ELFCORE_KEEP_MEM)
		keep_thread(p, d, want);
	if (!first)
		return;
	ci->signal = (int16_t)get16(p, d + 12);
	ci->tid = (int32_t)get32(p, d + L->pid);
	if (ci->ppid < 0)
		ci->ppid = (int32_t)get32(p, d + L->pid + 4);
	if (L->pc >= 0 && (unsigned)L->pc < regs_present(p, want)) {
		ci->pc = pc_address(ci, get_reg(p, d, (unsigned)L->pc));
		ci->has_pc = true;
	}
}

static void copy_cstr(char *dst, size_t dstlen, const unsigned char *src, size_t srclen)
{
	size_t n = 0;
	while (n < srclen && n + 1 < dstlen && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void parse_prpsinfo(struct parser *p, uint64_t off, uint64_t size)
{
	struct core_info *ci = p->ci;
	/* Layouts differ in pr_flag's width and __kernel_uid_t: choose by class and descsz. */
	size_t uid, gid, pid, fname, psargs, need;
	bool uid16 = false;
	if (p->is64) {
		uid = 16, gid = 20, pid = 24, fname = 40, psargs = 56, need = 136;
	} else if (size == 128) { /* 32-bit uid_t: PowerPC, MIPS */
		uid = 8, gid = 12, pid = 16, fname = 32, psargs = 48, need = 128;
	} else { /* 16-bit uid_t: i386, ARM and the compat layouts of 64-bit kernels */
		uid = 8, gid = 10, pid = 12, fname = 28, psargs = 44, need = 124;
		uid16 = true;
	}
	if (size < need) {
		problem(p, "NT_PRPSINFO of %" PRIu64 " bytes does not match the %s layout", size,
			p->is64 ? "64-bit" : "32-bit");
		return;
	}
	const unsigned char *d = reader_get(&p->rd, off, need);
	if (!d)
		return;
	ci->has_prpsinfo = true;
	ci->uid = uid16 ? get16(p, d + uid) : get32(p, d + uid);
	ci->gid = uid16 ? get16(p, d + gid) : get32(p, d + gid);
	ci->pid = (int32_t)get32(p, d + pid);
	ci->ppid = (int32_t)get32(p, d + pid + 4);
	ci->pgrp = (int32_t)get32(p, d + pid + 8);
	ci->sid = (int32_t)get32(p, d + pid + 12);
	copy_cstr(ci->comm, sizeof(ci->comm), d + fname, 16);
	copy_cstr(p->psargs, sizeof(p->psargs), d + psargs, 80);
	/* The kernel copies at most 79 bytes of argv, its NULs as spaces (the last one
	 * included): 79 means the line may go on. */
	size_t n = strlen(p->psargs);
	elfcore_set_cmdline(ci, p->psargs, n, 80, n >= 79);
}

/* VMCOREINFO is "KEY=value" lines; OSRELEASE comes first and CRASHTIME last. */
static void parse_vmcoreinfo(struct parser *p, uint64_t off, uint64_t size)
{
	size_t n;
	unsigned char *text = copy_desc(p, off, size, VMCOREINFO_LIMIT, &n);
	if (!text)
		return;
	for (size_t i = 0; i < n;) {
		const char *line = (const char *)text + i;
		size_t len = 0;
		while (i + len < n && text[i + len] != '\n' && text[i + len] != '\0')
			len++;
		if (len > 10 && memcmp(line, "OSRELEASE=", 10) == 0)
			copy_cstr(p->ci->osrelease, sizeof(p->ci->osrelease),
				  (const unsigned char *)line + 10, len - 10);
		else if (len > 10 && memcmp(line, "CRASHTIME=", 10) == 0) {
			char num[24];
			copy_cstr(num, sizeof(num), (const unsigned char *)line + 10, len - 10);
			p->ci->crashtime = strtoll(num, NULL, 10);
		}
		i += len + 1;
	}
	free(text);
}

static bool owner_is(const char *owner, const char *want)
{
	return strcmp(owner, want) == 0;
}

static void handle_note(struct parser *p, const char *owner, uint32_t type, uint64_t off,
			uint64_t size)
{
	struct core_info *ci = p->ci;

	if (owner_is(owner, "GDB")) {
		ci->gcore = true;
		return;
	}
	if (owner_is(owner, "VMCOREINFO")) {
		ci->vmcore = true;
		parse_vmcoreinfo(p, off, size);
		return;
	}
	if (owner_is(owner, "QEMU")) {
		ci->vmcore = true; /* a guest's memory, dumped by qemu's dump-guest-memory */
		return;
	}
	if (owner_is(owner, "LINUX") && type == NT_ARM_PAC_MASK && ci->machine == EM_AARCH64) {
		/* struct user_pac_mask: data_mask, then insn_mask */
		const unsigned char *d = size >= 16 ? reader_get(&p->rd, off, 16) : NULL;
		if (d)
			ci->pac_insn_mask = get64(p, d + 8);
		return;
	}
	if (!owner_is(owner, "CORE"))
		return;
	switch (type) {
	case NT_PRSTATUS:
		ci->threads++;
		parse_prstatus(p, off, size, !ci->has_prstatus);
		ci->has_prstatus = true;
		break;
	case NT_PRPSINFO:
		if (!ci->has_prpsinfo)
			parse_prpsinfo(p, off, size);
		break;
	case NT_SIGINFO:
		if (!p->siginfo)
			p->siginfo = copy_desc(p, off, size, 128, &p->siginfo_len);
		break;
	case NT_AUXV:
		if (!p->auxv)
			p->auxv = copy_desc(p, off, size, AUXV_LIMIT, &p->auxv_len);
		break;
	case NT_FILE:
		if (p->filenote)
			break;
		if (size > FILE_NOTE_LIMIT)
			problem(p, "NT_FILE of %" PRIu64 " bytes ignored (limit %u)", size,
				FILE_NOTE_LIMIT);
		else
			p->filenote = copy_desc(p, off, size, FILE_NOTE_LIMIT, &p->filenote_len);
		break;
	default:
		break;
	}
}

static void walk_notes(struct parser *p, const struct notes_seg *seg)
{
	struct core_info *ci = p->ci;
	uint64_t fsize = p->rd.src->size;
	if (seg->size == 0)
		return;
	if (seg->off >= fsize) {
		ci->notes_cut = true;
		return;
	}
	uint64_t avail = fsize - seg->off < seg->size ? fsize - seg->off : seg->size;
	if (avail < seg->size)
		ci->notes_cut = true;
	uint64_t a = seg->align == 8 ? 8 : 4;
	uint64_t pos = 0;

	while (avail - pos >= 12) {
		if (ci->notes >= NOTE_LIMIT) {
			problem(p, "more than %u notes; the rest were skipped", NOTE_LIMIT);
			break;
		}
		const unsigned char *h = reader_get(&p->rd, seg->off + pos, 12);
		if (!h) {
			ci->notes_cut = true;
			break;
		}
		uint64_t namesz = get32(p, h), descsz = get32(p, h + 4);
		uint32_t type = get32(p, h + 8);
		uint64_t name_off = pos + 12;
		uint64_t desc_off = name_off + ((namesz + a - 1) & ~(a - 1));
		uint64_t next = desc_off + ((descsz + a - 1) & ~(a - 1));
		if (desc_off + descsz > avail) {
			if (desc_off + descsz > seg->size)
				problem(p, "note %u is larger than its segment", ci->notes);
			else
				ci->notes_cut = true;
			break;
		}
		ci->notes++;
		char owner[32] = "";
		if (namesz > 0 && namesz < sizeof(owner)) {
			const unsigned char *nm = reader_get(&p->rd, seg->off + name_off, (size_t)namesz);
			if (nm)
				copy_cstr(owner, sizeof(owner), nm, (size_t)namesz);
		}
		handle_note(p, owner, type, seg->off + desc_off, descsz);
		if (next > avail)
			break;
		pos = next;
	}
}

/* ---- derived fields ------------------------------------------------------------------- */

/* The last PT_LOAD starting at or below vaddr (loads are sorted by address), or NULL. */
static const struct load *load_at_or_below(const struct load *loads, size_t n, uint64_t vaddr)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (loads[mid].vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &loads[lo - 1] : NULL;
}

/* The PT_LOAD whose dumped bytes contain vaddr. */
static const struct load *load_containing(const struct load *loads, size_t n, uint64_t vaddr)
{
	const struct load *l = load_at_or_below(loads, n, vaddr);
	return l && vaddr - l->vaddr < l->filesz ? l : NULL;
}

/* Up to `limit` bytes of the dumped memory at a virtual address, as far as its segment and
 * the file go; NULL if the address was not dumped. */
static const unsigned char *read_vmem(struct parser *p, uint64_t vaddr, size_t limit, size_t *got)
{
	const struct load *l = load_containing(p->loads, p->nloads, vaddr);
	*got = 0;
	if (!l)
		return NULL;
	uint64_t in_seg = l->filesz - (vaddr - l->vaddr), off;
	size_t want = in_seg < limit ? (size_t)in_seg : limit;
	/* A p_offset near 2^64 would wrap to the start of the file: bytes of something else. */
	if (__builtin_add_overflow(l->offset, vaddr - l->vaddr, &off))
		return NULL;
	return reader_get_alone(&p->rd, off, want, got);
}

/* A NUL-terminated string at a virtual address, read from the dumped memory. */
static char *read_vstring(struct parser *p, uint64_t vaddr)
{
	size_t got;
	const unsigned char *s = read_vmem(p, vaddr, STRING_LIMIT, &got);
	if (!s)
		return NULL;
	const unsigned char *nul = memchr(s, '\0', got);
	if (!nul)
		return NULL; /* cut by truncation or not a string: refuse to guess */
	return xstrndup((const char *)s, (size_t)(nul - s));
}

static void parse_siginfo(struct parser *p)
{
	struct core_info *ci = p->ci;
	const unsigned char *d = p->siginfo;
	size_t uoff = p->is64 ? 16 : 12;
	bool mips = ci->machine == EM_MIPS;

	if (!d || p->siginfo_len < 12)
		return;
	ci->has_siginfo = true;
	ci->si_signo = (int32_t)get32(p, d);
	ci->si_code = (int32_t)get32(p, d + (mips ? 4 : 8));
	ci->si_errno = (int32_t)get32(p, d + (mips ? 8 : 4));
	int code = ci->si_code;
	if ((code == CDU_SI_USER || code == CDU_SI_TKILL || code == CDU_SI_QUEUE) &&
	    p->siginfo_len >= uoff + 8) {
		ci->has_sender = true;
		ci->sender_pid = (int32_t)get32(p, d + uoff);
		ci->sender_uid = get32(p, d + uoff + 4);
	} else if (code > 0 && code != CDU_SI_KERNEL && sig_is_fault(ci->machine, ci->si_signo) &&
		   p->siginfo_len >= uoff + p->word) {
		ci->has_fault_addr = true;
		ci->fault_addr = getword(p, d + uoff);
	}
}

static const unsigned char *stack_read(void *ctx, uint64_t vaddr, size_t n, size_t *got)
{
	return read_vmem(ctx, vaddr, n, got);
}

/* The whole argv, and the environment, from the stack that holds AT_EXECFN. */
static void recover_args(struct parser *p, uint64_t execfn)
{
	const struct load *l = load_containing(p->loads, p->nloads, execfn);
	if (!l)
		return;
	struct procargs_mem m = {stack_read, p, p->be, p->word, l->vaddr, l->vaddr + l->filesz};
	struct procargs_found f;
	struct core_info *ci = p->ci;
	if (!procargs_recover(&m, execfn, p->auxv, p->auxv_len, ci->has_prpsinfo ? p->psargs : NULL,
			      p->flags & ELFCORE_KEEP_ENV, &f))
		return;
	elfcore_set_argv(ci, f.argv, f.argv_len, CORE_ARGV_MAX, f.argv_cut);
	free(f.argv);
	ci->argv_stack = true;
	ci->env = f.env;
	ci->env_len = f.env_len;
	ci->envc = f.envc;
	ci->env_cut = f.env_cut;
}

static void parse_auxv(struct parser *p, uint64_t *entry, uint64_t *phdr)
{
	struct core_info *ci = p->ci;
	size_t step = 2 * p->word;
	uint64_t execfn = 0, platform = 0;

	*entry = *phdr = 0;
	if (!p->auxv)
		return;
	ci->has_auxv = true;
	for (size_t i = 0; i + step <= p->auxv_len; i += step) {
		uint64_t type = getword(p, p->auxv + i), val = getword(p, p->auxv + i + p->word);
		switch (type) {
		case AT_NULL: i = p->auxv_len; break;
		case AT_UID: ci->uid = (int64_t)val; break;
		case AT_EUID: ci->euid = (int64_t)val; break;
		case AT_GID: ci->gid = (int64_t)val; break;
		case AT_EGID: ci->egid = (int64_t)val; break;
		case AT_SECURE: ci->secure = val != 0; break;
		case AT_ENTRY: *entry = val; break;
		case AT_PHDR: *phdr = val; break;
		case AT_PHNUM: ci->at_phnum = (uint32_t)val; break;
		case AT_EXECFN: execfn = val; break;
		case AT_PLATFORM: platform = val; break;
		case AT_SYSINFO_EHDR: ci->at_sysinfo_ehdr = val; break;
		default: break;
		}
	}
	ci->at_phdr = *phdr, ci->at_entry = *entry, ci->at_execfn = execfn;
	if (execfn) { /* the stack below execfn first: its pages hold execfn's too */
		recover_args(p, execfn);
		ci->exe = read_vstring(p, execfn);
	}
	if (ci->exe && !ci->exe[0]) {
		/* A real AT_EXECFN is never empty: zeroed stack bytes, not a name. */
		free(ci->exe);
		ci->exe = NULL;
	}
	if (platform)
		ci->platform = read_vstring(p, platform);
}

/* NT_FILE: count, page_size, {start, end, file_ofs}[count], then count NUL-terminated names. */
static void parse_file_note(struct parser *p)
{
	struct core_info *ci = p->ci;
	const unsigned char *d = p->filenote;
	size_t len = p->filenote_len, w = p->word;

	if (!d || len < 2 * w)
		return;
	ci->has_file_note = true;
	uint64_t count = getword(p, d), page = getword(p, d + w);
	uint64_t room = (len - 2 * w) / (3 * w);
	if (count > room) {
		problem(p, "NT_FILE claims %" PRIu64 " entries but holds at most %" PRIu64, count, room);
		return;
	}
	if (page == 0)
		page = 1;
	size_t names = 2 * w + (size_t)count * 3 * w;
	ci->maps = xcalloc(count ? (size_t)count : 1, sizeof(*ci->maps));
	ci->map_names_len = len - names;
	ci->map_names = xmalloc(ci->map_names_len + 1);
	memcpy(ci->map_names, d + names, ci->map_names_len);
	ci->map_names[ci->map_names_len] = '\0';
	size_t npos = 0;
	uint32_t n = 0;
	for (uint64_t i = 0; i < count && npos < ci->map_names_len; i++) {
		const unsigned char *e = d + 2 * w + (size_t)i * 3 * w;
		struct core_map *m = &ci->maps[n];
		m->start = getword(p, e);
		m->end = getword(p, e + w);
		if (__builtin_mul_overflow(getword(p, e + 2 * w), page, &m->offset))
			m->offset = UINT64_MAX;
		m->name = (uint32_t)npos;
		npos += strlen(ci->map_names + npos) + 1;
		n++;
	}
	ci->nmaps = n;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static const struct core_map *map_containing(const struct core_info *ci, uint64_t addr)
{
	for (uint32_t i = 0; i < ci->nmaps; i++)
		if (addr >= ci->maps[i].start && addr < ci->maps[i].end)
			return &ci->maps[i];
	return NULL;
}

static void derive_from_maps(struct parser *p, uint64_t entry)
{
	struct core_info *ci = p->ci;
	if (!ci->nmaps)
		return;

	uint32_t *hashes = xmalloc(ci->nmaps * sizeof(*hashes));
	for (uint32_t i = 0; i < ci->nmaps; i++)
		hashes[i] = hash_str(elfcore_map_name(ci, &ci->maps[i]));
	sort_array(hashes, ci->nmaps, sizeof(*hashes), cmp_u32);
	ci->mapped_files = 1;
	for (uint32_t i = 1; i < ci->nmaps; i++)
		ci->mapped_files += hashes[i] != hashes[i - 1];
	free(hashes);

	const struct core_map *m;
	if (ci->has_pc && (m = map_containing(ci, ci->pc))) {
		ci->crash_module = xstrdup(elfcore_map_name(ci, m));
		ci->crash_offset = ci->pc - m->start + m->offset;
	}
	if (entry && (m = map_containing(ci, entry)))
		ci->exe_mapped = xstrdup(elfcore_map_name(ci, m));
	if (!(p->flags & ELFCORE_KEEP_MAPS))
		return;
	for (uint32_t i = 0; i < ci->nmaps; i++) {
		/* Mappings that were not dumped (p_filesz 0) still have their PT_LOAD. */
		const struct load *l = load_at_or_below(p->loads, p->nloads, ci->maps[i].start);
		bool inside = l && ci->maps[i].start - l->vaddr < (l->memsz ? l->memsz : 1);
		if (inside)
			ci->maps[i].perms = (uint8_t)(CORE_MAP_PERMS_KNOWN | (l->flags & (PF_R | PF_W | PF_X)));
	}
}

static char *hex_string(const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *s = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hex[b[i] >> 4];
		s[2 * i + 1] = hex[b[i] & 0xf];
	}
	s[2 * n] = '\0';
	return s;
}

/* The GNU build-id of an ELF image from its first bytes (a page the core dumped): raw bytes
 * into out, their count, 0 if none.  The image is an ordinary (if partial) ELF file, so
 * libelf reads it; it checks every range against the bytes we hand it. */
static size_t image_bytes_build_id(const unsigned char *img, size_t got, unsigned char *out,
				   size_t cap)
{
	if (got < SELFMAG || memcmp(img, ELFMAG, SELFMAG) != 0)
		return 0;
	char *copy = xmalloc(got);
	memcpy(copy, img, got);
	size_t len = 0;
	Elf *e = elf_memory(copy, got);
	size_t nph;
	if (e && elf_kind(e) == ELF_K_ELF && elf_getphdrnum(e, &nph) == 0) {
		for (size_t i = 0; i < nph && !len; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			Elf_Data *data = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz,
							      ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
			if (!data)
				continue;
			GElf_Nhdr nh;
			size_t pos = 0, name_off, desc_off;
			while (!len && (pos = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
				const char *buf = data->d_buf;
				if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
				    memcmp(buf + name_off, "GNU", 4) == 0 && nh.n_descsz > 0 &&
				    nh.n_descsz <= cap) {
					memcpy(out, buf + desc_off, nh.n_descsz);
					len = nh.n_descsz;
				}
			}
		}
	}
	if (e)
		elf_end(e);
	free(copy);
	return len;
}

#define BUILD_ID_MAX 64

static char *image_build_id(struct parser *p, uint64_t vaddr)
{
	size_t got = 0, n = 0;
	unsigned char id[BUILD_ID_MAX];
	/* The linker puts .note.gnu.build-id in the first page: read that, and the rest of
	 * IMAGE_PAGE_LIMIT only for an image whose notes lie further. */
	for (size_t limit = IMAGE_PAGE_FIRST; !n; limit = IMAGE_PAGE_LIMIT) {
		const unsigned char *img = read_vmem(p, vaddr, limit, &got);
		n = img ? image_bytes_build_id(img, got, id, sizeof(id)) : 0;
		if (got < limit || limit == IMAGE_PAGE_LIMIT)
			break;
	}
	return n ? hex_string(id, n) : NULL;
}

static void find_build_id(struct parser *p, uint64_t phdr)
{
	struct core_info *ci = p->ci;
	/* AT_PHDR lies in the executable's first mapping, whose start holds its ELF header. */
	const struct load *l = phdr ? load_containing(p->loads, p->nloads, phdr) : NULL;
	if (l)
		ci->build_id = image_build_id(p, l->vaddr);
	if (!ci->build_id && ci->exe_mapped) {
		for (uint32_t i = 0; i < ci->nmaps && !ci->build_id; i++)
			if (ci->maps[i].offset == 0 &&
			    strcmp(elfcore_map_name(ci, &ci->maps[i]), ci->exe_mapped) == 0)
				ci->build_id = image_build_id(p, ci->maps[i].start);
	}
}

/* ---- the dumped memory (ELFCORE_KEEP_MEM) ---------------------------------------------- */

/* The stack readers ask for many small pieces (8 bytes per unwound word, 32 per Python
 * object): a direct-mapped cache of file blocks keeps that to one pread per 16 KiB. */
#define MEM_BLOCK (16u * 1024)
#define MEM_SLOTS 64

struct core_mem {
	const struct bsrc *src;
	struct load *loads; /* sorted by address, as the parser left them */
	size_t nloads;
	unsigned char *cache; /* MEM_SLOTS blocks, allocated on first use */
	uint64_t tag[MEM_SLOTS]; /* block number + 1; 0: empty */
	uint32_t len[MEM_SLOTS]; /* bytes of the block the file holds */
};

/* The bytes of file block b (at most MEM_BLOCK; fewer at the end of the file). */
static const unsigned char *mem_block(struct core_mem *m, uint64_t b, size_t *len)
{
	size_t slot = (size_t)(b % MEM_SLOTS);
	if (!m->cache)
		m->cache = xmalloc((size_t)MEM_SLOTS * MEM_BLOCK);
	unsigned char *buf = m->cache + slot * MEM_BLOCK;
	if (m->tag[slot] != b + 1) {
		ssize_t k = m->src->read_at(m->src, buf, MEM_BLOCK, b * MEM_BLOCK);
		if (k < 0)
			return NULL;
		m->tag[slot] = b + 1;
		m->len[slot] = (uint32_t)k;
	}
	*len = m->len[slot];
	return buf;
}

/* n bytes of the file at off, through the cache. */
static int mem_file_read(struct core_mem *m, uint64_t off, unsigned char *out, size_t n)
{
	while (n) {
		uint64_t b = off / MEM_BLOCK;
		size_t in = (size_t)(off % MEM_BLOCK), len;
		const unsigned char *blk = mem_block(m, b, &len);
		if (!blk || in >= len)
			return -1;
		size_t take = len - in < n ? len - in : n;
		memcpy(out, blk + in, take);
		out += take, off += take, n -= take;
	}
	return 0;
}

int elfcore_mem_read(struct core_mem *m, uint64_t addr, void *buf, size_t n)
{
	unsigned char *out = buf;
	if (!m)
		return -1;
	while (n) {
		const struct load *l = load_containing(m->loads, m->nloads, addr);
		uint64_t in, off;
		if (!l)
			return -1;
		in = addr - l->vaddr;
		if (__builtin_add_overflow(l->offset, in, &off))
			return -1;
		size_t take = l->filesz - in < n ? (size_t)(l->filesz - in) : n;
		if (mem_file_read(m, off, out, take) != 0)
			return -1;
		out += take, n -= take;
		if (n && __builtin_add_overflow(addr, take, &addr))
			return -1;
	}
	return 0;
}

/* Up to cap contiguous dumped bytes at addr: how many could be read. */
static size_t mem_read_upto(struct core_mem *m, uint64_t addr, unsigned char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		size_t step = cap - got < 512 ? cap - got : 512;
		if (elfcore_mem_read(m, addr + got, buf + got, step) != 0)
			break;
		got += step;
	}
	return got;
}

bool elfcore_segment(const struct core_info *ci, uint64_t vaddr, uint64_t *start, uint64_t *end)
{
	const struct core_mem *m = ci->mem;
	const struct load *l = m ? load_at_or_below(m->loads, m->nloads, vaddr) : NULL;
	if (!l || vaddr - l->vaddr >= (l->memsz > l->filesz ? l->memsz : l->filesz))
		return false;
	*start = l->vaddr;
	*end = l->vaddr + (l->memsz > l->filesz ? l->memsz : l->filesz);
	return true;
}

uint64_t elfcore_pac_mask(const struct core_info *ci)
{
	if (ci->machine != EM_AARCH64 || ci->elf_class != 64)
		return 0;
	if (ci->pac_insn_mask)
		return ci->pac_insn_mask;
	const struct core_mem *m = ci->mem;
	uint64_t top = 0;
	for (size_t i = 0; m && i < m->nloads; i++) {
		const struct load *l = &m->loads[i];
		uint64_t size = l->memsz > l->filesz ? l->memsz : l->filesz, end;
		if (!__builtin_add_overflow(l->vaddr, size, &end) && end - 1 > top && size)
			top = end - 1;
	}
	/* A core mapping the top bit of the space gets no mask: addresses stay as read. */
	int bits = top ? 64 - __builtin_clzll(top) : 64;
	return bits < 64 ? ~0ull << bits : 0;
}

size_t elfcore_image_build_id(const struct core_info *ci, uint64_t vaddr, unsigned char *out,
			      size_t cap)
{
	if (!ci->mem)
		return 0;
	unsigned char *img = xmalloc(IMAGE_PAGE_LIMIT);
	size_t got = mem_read_upto(ci->mem, vaddr, img, IMAGE_PAGE_LIMIT);
	size_t n = image_bytes_build_id(img, got, out, cap);
	free(img);
	return n;
}

static void keep_mem(struct parser *p, const struct bsrc *src)
{
	struct core_mem *m = xcalloc(1, sizeof(*m));
	m->src = src;
	m->loads = p->loads;
	m->nloads = p->nloads;
	p->loads = NULL; /* the memory owns them now */
	p->nloads = p->capl = 0;
	p->ci->mem = m;
}

static void mem_free(struct core_mem *m)
{
	if (!m)
		return;
	free(m->loads);
	free(m->cache);
	free(m);
}

static void free_maps(struct core_info *ci)
{
	free(ci->maps);
	free(ci->map_names);
	ci->maps = NULL;
	ci->map_names = NULL;
	ci->map_names_len = 0;
}

void elfcore_init(struct core_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->pid = ci->ppid = ci->tid = ci->pgrp = ci->sid = -1;
	ci->uid = ci->gid = ci->euid = ci->egid = -1;
	ci->secure = -1;
}

int elfcore_parse(const struct bsrc *src, struct core_info *ci, unsigned flags)
{
	struct parser p;
	size_t got;

	elfcore_init(ci);
	memset(&p, 0, sizeof(p));
	p.ci = ci;
	p.flags = flags;
	reader_init(&p.rd, src);
	ci->file_size = src->size;

	const unsigned char *h = reader_get_upto(&p.rd, 0, EI_NIDENT, &got);
	if (!h || got < EI_NIDENT || !(h[EI_CLASS] == ELFCLASS32 || h[EI_CLASS] == ELFCLASS64) ||
	    !(h[EI_DATA] == ELFDATA2LSB || h[EI_DATA] == ELFDATA2MSB)) {
		reader_free(&p.rd);
		snprintf(ci->problem, sizeof(ci->problem), "not an ELF file");
		return -1;
	}
	p.is64 = h[EI_CLASS] == ELFCLASS64;
	p.be = h[EI_DATA] == ELFDATA2MSB;
	p.word = p.is64 ? 8 : 4;
	ci->elf_class = p.is64 ? 64 : 32;
	ci->big_endian = p.be;

	uint64_t phoff, phnum;
	unsigned phentsize;
	bool have_phdrs = parse_ehdr(&p, &phoff, &phnum, &phentsize);
	p.prs = prstatus_layout(ci->machine, ci->elf_class, ci->e_flags);
	if (have_phdrs)
		parse_phdrs(&p, phoff, phnum, phentsize);
	for (size_t i = 0; i < p.nsegs; i++)
		walk_notes(&p, &p.segs[i]);

	uint64_t entry, phdr;
	parse_siginfo(&p);
	parse_auxv(&p, &entry, &phdr);
	parse_file_note(&p);
	derive_from_maps(&p, entry ? entry : phdr);
	if (!ci->exe && ci->exe_mapped)
		ci->exe = xstrdup(ci->exe_mapped);
	find_build_id(&p, phdr);
	if (!(flags & ELFCORE_KEEP_MAPS))
		free_maps(ci);

	if (!ci->has_prstatus && !ci->problem[0] && !ci->headers_cut && !ci->notes_cut)
		problem(&p, "no NT_PRSTATUS note");
	if (p.rd.error && !ci->problem[0])
		snprintf(ci->problem, sizeof(ci->problem), "read error: %s", strerror(p.rd.error));
	ci->truncated = ci->headers_cut || ci->expected_size > ci->file_size;

	if (flags & ELFCORE_KEEP_MEM)
		keep_mem(&p, src);
	free(p.loads);
	free(p.auxv);
	free(p.siginfo);
	free(p.filenote);
	reader_free(&p.rd);
	return 0;
}

/* Drop any command line, then take n bytes of s. */
static void take_cmdline(struct core_info *ci, const char *s, size_t n)
{
	free(ci->cmdline);
	free(ci->argv);
	ci->argv = NULL;
	ci->argc = 0;
	ci->argv_stack = false;
	ci->cmdline = xmalloc(n + 1);
	memcpy(ci->cmdline, s, n);
	ci->cmdline[n] = '\0';
}

void elfcore_set_cmdline(struct core_info *ci, const char *s, size_t n, size_t max, bool cut)
{
	if (n > max) {
		n = max;
		cut = true;
	}
	if (n > 0 && s[n - 1] == ' ')
		n--; /* pr_psargs ends with the space that was argv's last NUL */
	take_cmdline(ci, s, n);
	ci->cmdline_cut = cut;
}

void elfcore_set_argv(struct core_info *ci, const char *block, size_t n, size_t max, bool cut)
{
	if (n > max) {
		n = max;
		cut = true;
	}
	while (n > 0 && block[n - 1] == '\0')
		n--; /* the last argument's NUL, and any a rewritten title left */
	take_cmdline(ci, block, n);
	ci->cmdline_cut = cut;
	uint32_t cap = 0;
	if (!n)
		return;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && ci->cmdline[i] != '\0')
			continue;
		if (ci->argc == CORE_ARGC_MAX) { /* arguments beyond the bound are cut */
			ci->cmdline[start - 1] = '\0';
			cut = true;
			break;
		}
		if (ci->argc == cap) {
			cap = cap ? 2 * cap : 8;
			ci->argv = xrealloc(ci->argv, cap * sizeof(*ci->argv));
		}
		ci->argv[ci->argc++] = (uint32_t)start;
		if (i < n)
			ci->cmdline[i] = ' ';
		start = i + 1;
	}
	ci->cmdline_cut = cut;
}

const char *elfcore_arg(const struct core_info *ci, uint32_t i, size_t *len)
{
	size_t start = ci->argv[i], end = i + 1 < ci->argc ? ci->argv[i + 1] - 1 : strlen(ci->cmdline);
	*len = end > start ? end - start : 0;
	return ci->cmdline + start;
}

void elfcore_free(struct core_info *ci)
{
	free(ci->cmdline);
	free(ci->argv);
	free(ci->env);
	ci->cmdline = ci->env = NULL;
	ci->argv = NULL;
	free(ci->exe);
	free(ci->exe_mapped);
	free(ci->platform);
	free(ci->crash_module);
	free(ci->build_id);
	free_maps(ci);
	mem_free(ci->mem);
	free(ci->thread_regs);
	ci->mem = NULL;
	ci->thread_regs = NULL;
	ci->nthread_regs = 0;
	ci->exe = ci->exe_mapped = ci->platform = ci->crash_module = ci->build_id = NULL;
}

const char *elfcore_signal_name(const struct core_info *ci)
{
	return ci->signal_text[0] ? ci->signal_text : sig_name(ci->machine, ci->signal);
}

const char *elfcore_code_name(const struct core_info *ci)
{
	return ci->si_code_text[0] ? ci->si_code_text
				   : sig_code_name(ci->machine, ci->si_signo, ci->si_code);
}

bool elfcore_fault_signal(const struct core_info *ci)
{
	if (!ci->signal_text[0])
		return sig_is_fault(ci->machine, ci->si_signo);
	static const char *const faults[] = {"SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP"};
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++)
		if (strcmp(ci->signal_text, faults[i]) == 0)
			return true;
	return false;
}

const char *elfcore_map_name(const struct core_info *ci, const struct core_map *m)
{
	return m->name < ci->map_names_len ? ci->map_names + m->name : "";
}

const char *elfcore_machine_name(uint16_t machine, uint8_t elf_class, bool big_endian,
				 char *buf, size_t buflen)
{
	bool is64 = elf_class == 64;
	switch (machine) {
	case EM_X86_64: return is64 ? "x86-64" : "x32";
	case EM_386: return "i386";
	case EM_AARCH64: return big_endian ? "aarch64_be" : "aarch64";
	case EM_ARM: return big_endian ? "armeb" : "arm";
	case EM_S390: return is64 ? "s390x" : "s390";
	case EM_PPC64: return big_endian ? "ppc64" : "ppc64le";
	case EM_PPC: return big_endian ? "ppc" : "ppcle";
	case EM_RISCV: return is64 ? "riscv64" : "riscv32";
	case EM_MIPS: return is64 ? (big_endian ? "mips64" : "mips64el")
				  : (big_endian ? "mips" : "mipsel");
	case EM_LOONGARCH: return is64 ? "loongarch64" : "loongarch32";
	case EM_SPARCV9: return "sparc64";
	case EM_SPARC: return "sparc";
	case EM_IA_64: return "ia64";
	case EM_PARISC: return "parisc";
	case EM_SH: return "sh";
	case EM_68K: return "m68k";
	case 0x9026: return "alpha";
	default:
		snprintf(buf, buflen, "em-%u", (unsigned)machine);
		return buf;
	}
}
