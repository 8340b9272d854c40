/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unwind: see unwind.h.  The modules are reported here, the registers and the memory come
 * from elfcore, and libdwfl only walks the frames. */
#include "config.h"

#include "stack/unwind.h"

#include <dwarf.h>
#include <elf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "kinds/elfcore.h"
#include "kinds/prstatus.h"
#include "stack/modfile.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define BUILD_ID_MAX 64
#define VDSO_MAX (64u * 1024) /* the vDSO image is a page or two */

struct unwind_ctx;

/* What we know of a reported module: libdwfl hands it back as the module's userdata. */
struct modrec {
	struct unwind_ctx *ctx;
	/* why it has no file (NO_FILE, BUILD_ID); UNCHECKED: a file, build-id not compared;
	 * NONE: the core's build */
	enum unwind_note note;
	unsigned char *image;    /* the vDSO's bytes, for find_elf */
	size_t image_len;
};

/* What set_initial_registers is given for a thread. */
struct thread_arg {
	struct unwind_ctx *c;
	const struct core_thread *t;
};

struct unwind_ctx {
	const struct core_info *ci;
	struct thread_arg targs[UNWIND_MAX_THREADS];
	const struct unwind_opts *o;
	Dwfl *dwfl;
	unsigned char arch_hdr[sizeof(Elf64_Ehdr)]; /* the core's ELF header alone */
	Elf *arch;
	struct modrec *mods;
	size_t nmods;
	size_t next_thread;
	unsigned reads;
	bool missed;       /* the last read of this thread failed: not in the dump */
	uint64_t missed_at;
	struct unwind_result *res;
	struct unwind_thread *cur; /* the thread being unwound */
	uint64_t pac_mask;         /* elfcore_pac_mask: cleared from every frame's pc */
};

bool unwind_past(const struct timespec *d)
{
	if (!d->tv_sec && !d->tv_nsec)
		return false;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > d->tv_sec || (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

const char *unwind_note_text(enum unwind_note n)
{
	static const char *const text[] = {
		[UNWIND_NOTE_NONE] = NULL,
		[UNWIND_NOTE_NO_FILE] = "no file",
		[UNWIND_NOTE_BUILD_ID] = "build-id differs",
		[UNWIND_NOTE_NO_SYMBOL] = "no symbol",
		[UNWIND_NOTE_NO_MODULE] = "no module",
		[UNWIND_NOTE_UNCHECKED] = "build-id not checked",
	};
	return (unsigned)n < ARRAY_SIZE(text) ? text[n] : NULL;
}

/* ---- libdwfl's callbacks ------------------------------------------------------------------ */

static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	(void)mod, (void)modname, (void)base, (void)file_name;
	struct modrec *r = *userdata;
	/* Files were opened when reported; only the vDSO's image comes from the core. */
	if (r && r->image) {
		*elfp = elf_memory((char *)r->image, r->image_len);
		return -1;
	}
	return -1;
}

/* Debug files only by build-id, under the sysroot's /usr/lib/debug/.build-id: no
 * debuginfod, no .gnu_debuglink names taken from the file. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)modname, (void)base, (void)file_name, (void)debuglink_file, (void)debuglink_crc;
	struct modrec *r = *userdata;
	const unsigned char *id;
	GElf_Addr va;
	int n = dwfl_module_build_id(mod, &id, &va);
	if (!r || n < 2 || n > BUILD_ID_MAX)
		return -1;
	char rel[48 + 2 * BUILD_ID_MAX];
	int k = snprintf(rel, sizeof(rel), "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (int i = 1; i < n; i++)
		k += snprintf(rel + k, sizeof(rel) - (size_t)k, "%02x", id[i]);
	snprintf(rel + k, sizeof(rel) - (size_t)k, ".debug");
	int fd = modfile_open(r->ctx->o->sysroot, rel);
	unsigned char have[BUILD_ID_MAX];
	if (fd >= 0 && (modfile_build_id(fd, have, sizeof(have)) != (size_t)n ||
			memcmp(have, id, (size_t)n) != 0)) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		*debuginfo_file_name = xstrdup(rel);
	return fd;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = find_debuginfo,
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	(void)dwfl;
	struct unwind_ctx *c = arg;
	if (c->next_thread >= c->ci->nthread_regs)
		return 0;
	if (c->next_thread == UNWIND_MAX_THREADS) {
		c->res->threads_cut = true;
		return 0;
	}
	size_t i = c->next_thread++;
	const struct core_thread *t = &c->ci->thread_regs[i];
	c->targs[i] = (struct thread_arg){c, t};
	*thread_argp = &c->targs[i];
	/* libdwfl wants a positive tid; a hostile core's is whatever it says. */
	return t->tid > 0 && t->tid <= INT32_MAX ? (pid_t)t->tid : (pid_t)c->next_thread;
}

/* Every word libdwfl unwinds through is read from the dumped memory, bounds-checked, in the
 * core's word size and byte order. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	(void)dwfl;
	struct unwind_ctx *c = arg;
	unsigned char b[8];
	size_t w = c->ci->elf_class == 64 ? 8 : 4;
	if ((++c->reads & 255) == 0 && unwind_past(&c->o->deadline))
		return false;
	if (elfcore_mem_read(c->ci->mem, addr, b, w) != 0) {
		c->missed = true, c->missed_at = addr;
		return false;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < w; i++)
		v |= (uint64_t)b[c->ci->big_endian ? w - 1 - i : i] << (8 * i);
	*result = v;
	return true;
}

/* pr_reg in DWARF register order: dwarf[first + i] = pr_reg[map[i]]. */
static bool set_dwarf_regs(Dwfl_Thread *thread, const struct core_thread *t, const int8_t *map,
			   unsigned n, int first)
{
	Dwarf_Word d[64];
	for (unsigned i = 0; i < n; i++) {
		if ((unsigned)map[i] >= t->nregs)
			return false;
		d[i] = t->regs[map[i]];
	}
	return dwfl_thread_state_registers(thread, first, n, d);
}

/* The program counter from pr_reg, for the architectures whose DWARF numbering has none. */
static bool set_pc(Dwfl_Thread *thread, const struct unwind_ctx *c, const struct core_thread *t)
{
	const struct prstatus_layout *L = prstatus_layout(c->ci->machine, c->ci->elf_class,
							  c->ci->e_flags);
	if (L->pc < 0 || (unsigned)L->pc >= t->nregs)
		return false;
	uint64_t pc = t->regs[L->pc];
	if (c->ci->machine == EM_S390 && c->ci->elf_class == 32)
		pc &= 0x7fffffff;
	dwfl_thread_state_register_pc(thread, pc);
	return true;
}

/* Return addresses signed by pointer authentication (Debian 13's arm64 glibc is built with
 * it) lie in no module until the signature is cleared.  A libdwfl that knows the mask (it
 * takes it as register -2) then finds the caller's CFI; an older one (Debian 12's 0.188)
 * refuses it and walks on by frame pointers, and frame_cb clears the pc it reports. */
static void set_pac_mask(Dwfl_Thread *thread, const struct unwind_ctx *c)
{
	Dwarf_Word mask = c->pac_mask;
	if (mask)
		(void)dwfl_thread_state_registers(thread, -2, 1, &mask);
}

/* Each architecture's user_regs_struct (the order of pr_reg) mapped to its DWARF numbers. */
static const int8_t x86_64_map[17] = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
static const int8_t i386_map[9] = {6, 1, 2, 0, 15, 5, 3, 4, 12};
static const int8_t seq_map[32] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
				   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
static const int8_t s390_map[16] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
static const int8_t ppc_link[1] = {36}; /* pt_regs.link */

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct thread_arg *a = thread_arg;
	const struct core_thread *t = a->t;
	switch (a->c->ci->machine) {
	case EM_X86_64: /* also x32: the same 64-bit registers */
		return set_dwarf_regs(thread, t, x86_64_map, 17, 0);
	case EM_386:
		return set_dwarf_regs(thread, t, i386_map, 9, 0);
	case EM_ARM: /* r0-r15, r15 being the pc */
		return set_dwarf_regs(thread, t, seq_map, 16, 0);
	case EM_AARCH64: /* x0-x30 and sp, then the pc */
		set_pac_mask(thread, a->c);
		/* fall through */
	case EM_SPARCV9: /* g, o, l, i; then the pc */
		return set_dwarf_regs(thread, t, seq_map, 32, 0) && set_pc(thread, a->c, t);
	case EM_S390: /* psw mask, psw address, r0-r15 */
		return set_dwarf_regs(thread, t, s390_map, 16, 0) && set_pc(thread, a->c, t);
	case EM_PPC:
	case EM_PPC64: /* r0-r31; the link register is DWARF 65 and 108 */
		return set_dwarf_regs(thread, t, seq_map, 32, 0) &&
		       set_dwarf_regs(thread, t, ppc_link, 1, 65) &&
		       set_dwarf_regs(thread, t, ppc_link, 1, 108) && set_pc(thread, a->c, t);
	case EM_RISCV: /* pc, then x1-x31; x0 is zero */
		if (t->nregs < 32 || !set_dwarf_regs(thread, t, seq_map + 1, 31, 1))
			return false;
		dwfl_thread_state_register_pc(thread, t->regs[0]);
		return true;
	default:
		return false;
	}
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* ---- the modules -------------------------------------------------------------------------- */

/* Sort key for the NT_FILE entries: by name, then address. */
struct mapref {
	const char *name;
	const struct core_map *m;
};

static int cmp_mapref(const void *a, const void *b)
{
	const struct mapref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->m->start < y->m->start ? -1 : x->m->start > y->m->start;
}

static struct modrec *new_modrec(struct unwind_ctx *c, enum unwind_note note)
{
	struct modrec *r = &c->mods[c->nmods++];
	*r = (struct modrec){c, note, NULL, 0};
	return r;
}

static void set_userdata(Dwfl_Module *dm, struct modrec *r)
{
	void **ud;
	if (dm && dwfl_module_info(dm, &ud, NULL, NULL, NULL, NULL, NULL, NULL))
		*ud = r;
}

/* The file of a module: open, and the same build as the core's, or -1 with the reason.
 * *why is UNCHECKED for a file the core has no build-id to compare with. */
static int module_file(struct unwind_ctx *c, const char *path, uint64_t start,
		       enum unwind_note *why)
{
	char clean[4096];
	size_t len = strlen(path);
	/* A file replaced since it was mapped: the kernel appends " (deleted)" to its name. */
	if (len > 10 && len < sizeof(clean) && strcmp(path + len - 10, " (deleted)") == 0) {
		memcpy(clean, path, len - 10);
		clean[len - 10] = '\0';
		path = clean;
	}
	int fd = modfile_open(c->o->sysroot, path);
	if (fd < 0) {
		*why = UNWIND_NOTE_NO_FILE;
		return -1;
	}
	unsigned char want[BUILD_ID_MAX], have[BUILD_ID_MAX];
	size_t wl = elfcore_image_build_id(c->ci, start, want, sizeof(want));
	size_t hl = modfile_build_id(fd, have, sizeof(have));
	/* Without the core's copy of the build-id (a core filter without ELF headers, qemu's
	 * cores) nothing says the file differs; with it, only the same build is used. */
	if (wl && (wl != hl || memcmp(want, have, wl) != 0)) {
		close(fd);
		*why = UNWIND_NOTE_BUILD_ID;
		return -1;
	}
	*why = wl ? UNWIND_NOTE_NONE : UNWIND_NOTE_UNCHECKED;
	return fd;
}

/* One module: the file mapped from offset 0 at start, up to end.  A relative name (qemu's
 * AT_EXECFN) cannot be looked up: it is reported by name and range. */
static void report_module(struct unwind_ctx *c, const char *path, uint64_t start, uint64_t end)
{
	enum unwind_note why = UNWIND_NOTE_NO_FILE;
	int fd = path[0] == '/' ? module_file(c, path, start, &why) : -1;
	c->res->modules++;
	if (fd >= 0) {
		Dwfl_Module *dm = dwfl_report_elf(c->dwfl, path, path, fd, start, false);
		if (dm) {
			set_userdata(dm, new_modrec(c, why));
			return;
		}
		why = UNWIND_NOTE_NO_FILE; /* not a loadable ELF file; libdwfl closed fd */
	}
	if (why == UNWIND_NOTE_BUILD_ID)
		c->res->modules_differ++;
	else
		c->res->modules_missing++;
	/* Known by name and range only: frames still say where they are. */
	set_userdata(dwfl_report_module(c->dwfl, path, start, end), new_modrec(c, why));
}

/* The NT_FILE entries grouped by file: one module per mapping of a file's offset 0, from
 * there to the end of the last mapping of that file before its next offset-0 mapping. */
static void report_mapped_files(struct unwind_ctx *c)
{
	const struct core_info *ci = c->ci;
	struct mapref *v = xmalloc((ci->nmaps ? ci->nmaps : 1) * sizeof(*v));
	for (uint32_t i = 0; i < ci->nmaps; i++)
		v[i] = (struct mapref){elfcore_map_name(ci, &ci->maps[i]), &ci->maps[i]};
	sort_array(v, ci->nmaps, sizeof(*v), cmp_mapref);
	for (uint32_t i = 0; i < ci->nmaps;) {
		uint32_t g = i;
		while (g < ci->nmaps && strcmp(v[g].name, v[i].name) == 0)
			g++;
		for (uint32_t k = i; k < g; k++) {
			if (v[k].m->offset != 0 || v[k].name[0] != '/')
				continue;
			uint64_t end = v[k].m->end;
			for (uint32_t j = k + 1; j < g && v[j].m->offset != 0; j++)
				end = v[j].m->end > end ? v[j].m->end : end;
			if (c->nmods == UNWIND_MAX_MODULES) {
				c->res->modules++;
				c->res->modules_missing++;
				continue;
			}
			report_module(c, v[k].name, v[k].m->start, end);
		}
		i = g;
	}
	free(v);
}

/* Where an ELF image in the dumped memory lies, from its program headers. */
struct image {
	uint64_t first;   /* p_vaddr of the segment at file offset 0 */
	uint64_t phdr;    /* p_vaddr of the program headers */
	uint64_t span;    /* bytes of the file its segments hold */
	uint64_t memspan; /* bytes of memory from first to the end of its last segment */
};

static bool image_layout(const struct core_info *ci, uint64_t at, struct image *im)
{
	unsigned char eh[64];
	bool is64 = ci->elf_class == 64;
	if (elfcore_mem_read(ci->mem, at, eh, is64 ? 64 : 52) != 0 ||
	    memcmp(eh, ELFMAG, SELFMAG) != 0)
		return false;
	Elf *e = elf_memory((char *)eh, is64 ? 64 : 52);
	GElf_Ehdr h;
	bool ok = e && gelf_getehdr(e, &h) && h.e_phnum > 0 && h.e_phnum <= 64;
	if (e)
		elf_end(e);
	if (!ok)
		return false;
	size_t phsz = (size_t)h.e_phnum * (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
	unsigned char *img = xmalloc((size_t)h.e_phoff + phsz);
	ok = h.e_phoff <= VDSO_MAX && elfcore_mem_read(ci->mem, at, img, (size_t)h.e_phoff + phsz) == 0;
	e = ok ? elf_memory((char *)img, (size_t)h.e_phoff + phsz) : NULL;
	uint64_t end = 0;
	*im = (struct image){UINT64_MAX, 0, 0, 0};
	for (int i = 0; e && i < h.e_phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && ph.p_offset == 0 && im->first == UINT64_MAX)
			im->first = ph.p_vaddr;
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > im->span)
			im->span = ph.p_offset + ph.p_filesz;
		if (ph.p_type == PT_LOAD && ph.p_vaddr + ph.p_memsz > end)
			end = ph.p_vaddr + ph.p_memsz;
		if (ph.p_type == PT_PHDR)
			im->phdr = ph.p_vaddr;
	}
	if (e)
		elf_end(e);
	free(img);
	if (im->first == UINT64_MAX || end <= im->first || end - im->first > (1ull << 40))
		return false;
	if (!im->phdr)
		im->phdr = im->first + h.e_phoff;
	im->memspan = end - im->first;
	return true;
}

/* The vDSO: not in NT_FILE, always dumped; its image in memory is its ELF file. */
static void report_vdso(struct unwind_ctx *c)
{
	uint64_t at = c->ci->at_sysinfo_ehdr;
	struct image im;
	if (!at || c->nmods == UNWIND_MAX_MODULES || !image_layout(c->ci, at, &im) ||
	    im.span == 0 || im.span > VDSO_MAX || im.memspan > VDSO_MAX)
		return;
	unsigned char *img = xmalloc((size_t)im.span);
	if (elfcore_mem_read(c->ci->mem, at, img, (size_t)im.span) != 0) {
		free(img);
		return;
	}
	struct modrec *r = new_modrec(c, UNWIND_NOTE_NONE);
	r->image = img;
	r->image_len = (size_t)im.span;
	set_userdata(dwfl_report_module(c->dwfl, "[vdso]", at, at + im.memspan), r);
}

/* qemu-user's cores have no NT_FILE: the executable named by AT_EXECFN, placed by AT_PHDR
 * (the program headers' address in memory minus their vaddr in the file is the bias). */
static void report_exe_from_auxv(struct unwind_ctx *c)
{
	const struct core_info *ci = c->ci;
	if (!ci->at_phdr || !ci->exe)
		return;
	/* The header page the kernel or qemu dumped, when it is there: the page holding AT_PHDR
	 * usually starts with the ELF header. */
	uint64_t page = ci->at_phdr & ~(uint64_t)0xfff, start, end;
	struct image im;
	if (c->nmods == UNWIND_MAX_MODULES)
		return;
	if (image_layout(ci, page, &im)) {
		start = ci->at_phdr - im.phdr + im.first;
		report_module(c, ci->exe, start, start + im.memspan);
	} else if (elfcore_segment(ci, ci->at_phdr, &start, &end)) {
		/* Its text not dumped (qemu 7.2 dumps no read-only file mapping): the segment
		 * holding its program headers begins at its file offset 0. */
		report_module(c, ci->exe, start, end);
	}
}

/* ---- the frames --------------------------------------------------------------------------- */

/* Name and place of the code at pc: the module and the function, as far as they are known. */
static void describe_frame(struct unwind_ctx *c, struct unwind_frame *f, bool activation)
{
	/* A return address points after the call: look the call itself up. */
	Dwarf_Addr look = activation || f->pc == 0 ? f->pc : f->pc - 1;
	Dwfl_Module *m = dwfl_addrmodule(c->dwfl, look);
	if (!m) {
		f->note = UNWIND_NOTE_NO_MODULE;
		return;
	}
	void **ud;
	Dwarf_Addr start;
	const char *name = dwfl_module_info(m, &ud, &start, NULL, NULL, NULL, NULL, NULL);
	struct modrec *r = ud ? *ud : NULL;
	f->module = xstrdup(name ? name : "?");
	f->offset = f->pc - start;
	if (r && r->note != UNWIND_NOTE_NONE && r->note != UNWIND_NOTE_UNCHECKED) {
		f->note = r->note; /* never a name from another build, or from nothing */
		return;
	}
	GElf_Off off;
	GElf_Sym sym;
	const char *fn = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL, NULL);
	if (fn && *fn) {
		f->function = xstrdup(fn);
		f->function_offset = off + (look != f->pc);
		f->note = r ? r->note : UNWIND_NOTE_NONE;
	} else {
		f->note = UNWIND_NOTE_NO_SYMBOL;
	}
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct unwind_ctx *c = arg;
	struct unwind_thread *t = c->cur;
	if (unwind_past(&c->o->deadline)) {
		c->res->timed_out = true;
		return DWARF_CB_ABORT;
	}
	if (t->nframes == UNWIND_MAX_FRAMES) {
		t->frames_cut = true;
		return DWARF_CB_ABORT;
	}
	Dwarf_Addr pc;
	bool activation;
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	struct unwind_frame *f = &t->frames[t->nframes++];
	memset(f, 0, sizeof(*f));
	f->pc = pc & ~c->pac_mask;
	describe_frame(c, f, activation);
	return DWARF_CB_OK;
}

/* What libdwfl cannot unwind (an architecture without its register support, or no
 * registers): the frame the program counter gives. */
static void pc_only(struct unwind_ctx *c, struct unwind_thread *t, const struct core_thread *ct)
{
	const struct prstatus_layout *L = prstatus_layout(c->ci->machine, c->ci->elf_class,
							  c->ci->e_flags);
	if (L->pc < 0 || (unsigned)L->pc >= ct->nregs)
		return;
	struct unwind_frame *f = &t->frames[t->nframes++];
	memset(f, 0, sizeof(*f));
	f->pc = ct->regs[L->pc];
	if (c->ci->machine == EM_S390 && c->ci->elf_class == 32)
		f->pc &= 0x7fffffff;
	describe_frame(c, f, true);
}

/* Every thread's first frame, when libdw cannot unwind the architecture at all. */
static void pc_only_threads(struct unwind_ctx *c)
{
	struct unwind_result *res = c->res;
	for (uint32_t i = 0; i < c->ci->nthread_regs && i < UNWIND_MAX_THREADS; i++) {
		struct unwind_thread *t = &res->threads[res->nthreads++];
		t->tid = c->ci->thread_regs[i].tid;
		t->frames = xcalloc(1, sizeof(*t->frames));
		pc_only(c, t, &c->ci->thread_regs[i]);
		if (c->o->thread_done)
			c->o->thread_done(c->o->arg, t);
	}
}

/* The architectures set_initial_registers knows the registers of. */
static bool regs_known(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64: case EM_386: case EM_ARM: case EM_AARCH64: case EM_SPARCV9:
	case EM_S390: case EM_PPC: case EM_PPC64: case EM_RISCV:
		return true;
	default:
		return false;
	}
}

static int thread_cb(Dwfl_Thread *thread, void *arg)
{
	struct unwind_ctx *c = arg;
	struct unwind_result *res = c->res;
	if (unwind_past(&c->o->deadline)) {
		res->timed_out = true;
		return DWARF_CB_ABORT;
	}
	struct unwind_thread *t = &res->threads[res->nthreads++];
	const struct core_thread *ct = &c->ci->thread_regs[res->nthreads - 1];
	t->tid = ct->tid;
	t->frames = xcalloc(UNWIND_MAX_FRAMES, sizeof(*t->frames));
	c->cur = t;
	c->missed = false;
	int rc = dwfl_thread_getframes(thread, frame_cb, c);
	if (rc == -1 && !res->timed_out) {
		const char *why = regs_known(c->ci->machine) ? dwfl_errmsg(-1)
							      : "coredu has no register map for this architecture";
		if (t->nframes == 0) /* not even the registers: at least the pc */
			pc_only(c, t, ct);
		/* libdwfl says only "Callback returned failure" when our read failed */
		if (c->missed && regs_known(c->ci->machine))
			t->error = xasprintf("memory at 0x%" PRIx64 " is not in the dump",
					     c->missed_at);
		else
			t->error = xstrdup(why ? why : "unwinding failed");
	}
	if (c->o->thread_done)
		c->o->thread_done(c->o->arg, t);
	return res->timed_out ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/* An ELF header alone, in the core's class and byte order: libdwfl learns the architecture
 * from it and can read nothing else of the core. */
static Elf *arch_elf(struct unwind_ctx *c)
{
	const struct core_info *ci = c->ci;
	unsigned char *h = c->arch_hdr;
	bool is64 = ci->elf_class == 64, be = ci->big_endian;
	size_t size = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	memset(h, 0, sizeof(c->arch_hdr));
	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	h[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	h[EI_VERSION] = EV_CURRENT;
#define PUT(off, v, n)                                                                       \
	for (unsigned i_ = 0; i_ < (n); i_++)                                                \
		h[(off) + (be ? (n) - 1 - i_ : i_)] = (unsigned char)((uint64_t)(v) >> (8 * i_))
	PUT(16, ET_CORE, 2);
	PUT(18, ci->machine, 2);
	PUT(20, EV_CURRENT, 4);
	PUT(is64 ? 48 : 36, ci->e_flags, 4);
	PUT(is64 ? 52 : 40, size, 2);
#undef PUT
	return elf_memory((char *)h, size);
}

static void problem(struct unwind_result *res, const char *what, const char *detail)
{
	free(res->problem);
	res->problem = detail ? xasprintf("%s: %s", what, detail) : xstrdup(what);
}

void unwind_core(const struct core_info *ci, const struct unwind_opts *o,
		 struct unwind_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!ci->mem || !ci->nthread_regs) {
		problem(res, ci->has_prstatus ? "no registers to unwind" : "no threads (no NT_PRSTATUS)",
			NULL);
		return;
	}
	elf_version(EV_CURRENT);
	struct unwind_ctx *c = xcalloc(1, sizeof(*c));
	c->ci = ci, c->o = o, c->res = res;
	c->pac_mask = elfcore_pac_mask(ci);
	c->mods = xcalloc(UNWIND_MAX_MODULES, sizeof(*c->mods));
	c->dwfl = dwfl_begin(&callbacks);
	dwfl_report_begin(c->dwfl);
	if (ci->nmaps)
		report_mapped_files(c);
	else
		report_exe_from_auxv(c);
	report_vdso(c);
	dwfl_report_end(c->dwfl, NULL, NULL);
	res->threads = xcalloc(ci->nthread_regs < UNWIND_MAX_THREADS ? ci->nthread_regs
								       : UNWIND_MAX_THREADS,
			       sizeof(*res->threads));
	c->arch = arch_elf(c);
	res->done = true;
	if (!c->arch || !dwfl_attach_state(c->dwfl, c->arch, ci->pid > 0 ? (pid_t)ci->pid : 1,
					   &thread_callbacks, c)) {
		problem(res, "libdw cannot unwind this architecture", dwfl_errmsg(-1));
		pc_only_threads(c);
	} else if (dwfl_getthreads(c->dwfl, thread_cb, c) == -1 && !res->timed_out) {
		problem(res, "unwinding failed", dwfl_errmsg(-1));
	}
	if (ci->thread_regs_cut || res->threads_cut)
		res->threads_cut = true;
	dwfl_end(c->dwfl);
	if (c->arch)
		elf_end(c->arch);
	for (size_t i = 0; i < c->nmods; i++)
		free(c->mods[i].image);
	free(c->mods);
	free(c);
}

void unwind_thread_free(struct unwind_thread *t)
{
	for (uint32_t i = 0; i < t->nframes; i++) {
		free(t->frames[i].module);
		free(t->frames[i].function);
	}
	free(t->frames);
	free(t->error);
	memset(t, 0, sizeof(*t));
}

void unwind_result_free(struct unwind_result *res)
{
	for (uint32_t i = 0; i < res->nthreads; i++)
		unwind_thread_free(&res->threads[i]);
	free(res->threads);
	free(res->problem);
	memset(res, 0, sizeof(*res));
}
