/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elfcore: metadata of an ELF core file (kernel, qemu-user or gdb gcore), any class, any
 * byte order.  See doc/design.md for the note layouts and the rules followed here:
 *  - notes are found by owner and type, never by position;
 *  - every size and offset from the file is checked before use, and reads are bounded: the
 *    headers, the note segment and a few pages (AT_EXECFN, the executable's ELF header page);
 *  - truncated or malformed cores yield whatever could be read, plus `truncated`/`problem`. */
#ifndef COREDU_ELFCORE_H
#define COREDU_ELFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kinds/procargs.h"
#include "kinds/reader.h"

/* One NT_FILE entry: [start, end) maps `offset` bytes into the file named at names[name]. */
struct core_map {
	uint64_t start, end, offset;
	uint32_t name;  /* offset into core_info.map_names */
	uint8_t perms;  /* PF_R|PF_W|PF_X of the matching PT_LOAD, with CORE_MAP_PERMS_KNOWN */
};

#define CORE_MAP_PERMS_KNOWN 0x80 /* gcore omits segments, so permissions may be unknown */

/* One thread's NT_PRSTATUS: its id and pr_reg, each register widened to 64 bits in the host's
 * byte order (the order is the architecture's elf_gregset_t: kinds/prstatus.h). */
#define CORE_REGS_MAX 64      /* registers kept per thread: every gregset but ia64's and
			       * parisc's, whose pc and sp lie within the first 64 */
#define CORE_THREADS_KEPT 256 /* threads whose registers are kept */
struct core_thread {
	int64_t tid;
	uint32_t nregs;
	uint64_t regs[CORE_REGS_MAX];
};

struct core_mem;

struct core_info {
	uint8_t elf_class; /* 32 or 64; 0 if the header could not be read */
	bool big_endian;
	uint16_t machine; /* e_machine */
	uint32_t phnum;   /* real count, after PN_XNUM */
	uint32_t nloads;  /* PT_LOAD segments */
	uint32_t notes;   /* notes walked */

	bool has_prstatus, has_prpsinfo, has_siginfo, has_auxv, has_file_note;
	bool gcore;  /* written by gdb's gcore: a snapshot, not a crash */
	bool heap_dump; /* a JVM heap dump (hprof): written on OutOfMemoryError or on request */
	bool has_exception;      /* a minidump's exception code that is no signal: signal is 0 */
	uint32_t exception_code; /* Windows' NTSTATUS (0xC0000005), Crashpad's 0x43507378 */
	bool requested; /* a dump the program asked for (Breakpad's "dump requested"): not a
			 * crash either */
	bool vmcore; /* a VMCOREINFO or QEMU note: a kernel crash dump, or a guest's memory */
	char osrelease[65]; /* VMCOREINFO's OSRELEASE */
	int64_t crashtime;  /* VMCOREINFO's CRASHTIME, 0 if absent */

	int64_t pid, ppid, tid, pgrp, sid; /* -1 when unknown */
	uint32_t threads;                  /* NT_PRSTATUS notes */
	int64_t uid, gid, euid, egid;      /* -1 when unknown */
	int secure;                        /* AT_SECURE, -1 when unknown */
	char comm[17];                     /* pr_fname */
	/* The command line: the arguments joined by spaces, raw bytes.  From the dumped stack
	 * when argv could be recovered (up to CORE_ARGV_MAX bytes), else what the kind records
	 * (the kernel's pr_psargs: 79 bytes at most; a text kind's, up to CORE_CMDLINE_MAX).
	 * NULL when unknown.  Set it with elfcore_set_cmdline or elfcore_set_argv only. */
	char *cmdline;
	uint32_t *argv;    /* where each argument starts in cmdline; NULL if argv is unknown */
	uint32_t argc;     /* arguments in argv */
	bool cmdline_cut;  /* cmdline is, or may be, cut: the kernel's 80 bytes, or a bound */
	bool argv_stack;   /* argv came from the dumped stack */
	/* The environment from the dumped stack: "NAME=value" or, for a value not kept, "NAME",
	 * each NUL-terminated (env_len bytes, envc entries).  Values are kept only for the
	 * allow-list (procargs.h), or all of them with ELFCORE_KEEP_ENV. */
	char *env;
	size_t env_len;
	uint32_t envc;
	bool env_cut;      /* more entries or bytes than the bounds */
	char *exe;                         /* AT_EXECFN read from the dumped stack */
	char *exe_mapped;                  /* NT_FILE path that maps AT_ENTRY */
	char *platform;                    /* AT_PLATFORM */

	int signal;                 /* pr_cursig of the crashing thread */
	/* A dump written on another OS (a HotSpot log from macOS, Solaris...): the OS, and the
	 * signal and si_code names as the dump writes them, since its numbers are not Linux's
	 * ("" on Linux).  signal and si_signo are then the numbers as written. */
	char os[12];
	char signal_text[32];
	char si_code_text[24];
	int si_signo, si_errno, si_code; /* NT_SIGINFO, valid if has_siginfo */
	bool has_sender;
	int64_t sender_pid, sender_uid;
	bool has_fault_addr;
	uint64_t fault_addr;
	bool has_pc;
	uint64_t pc;
	char *crash_module; /* NT_FILE path that maps pc */
	uint64_t crash_offset;
	char *build_id;     /* hex GNU build-id of the main executable */

	uint64_t file_size;     /* bytes available when parsed */
	uint64_t expected_size; /* max(p_offset + p_filesz) and the header table ends */
	bool truncated;
	bool headers_cut; /* ELF or program headers run past the end of the file */
	bool notes_cut;   /* the note segment ends early */
	char problem[112]; /* first structural problem found, "" if none */

	uint32_t mapped_files; /* distinct NT_FILE paths */
	uint32_t nmaps;        /* NT_FILE entries */
	struct core_map *maps; /* only with ELFCORE_KEEP_MAPS */
	char *map_names;
	size_t map_names_len;

	/* Only with ELFCORE_KEEP_MEM: the dumped memory, the threads' registers, and where the
	 * auxiliary vector says the executable was loaded. */
	struct core_mem *mem;
	struct core_thread *thread_regs; /* in note order: the crashing thread first */
	uint32_t nthread_regs;
	bool thread_regs_cut;            /* more than CORE_THREADS_KEPT threads */
	uint32_t e_flags;
	uint64_t at_phdr, at_entry, at_execfn, at_sysinfo_ehdr; /* 0 when absent */
	uint32_t at_phnum;
	/* AArch64 pointer authentication: the bits of a code address that hold its signature
	 * (NT_ARM_PAC_MASK's insn_mask); 0 when the core has no such note. */
	uint64_t pac_insn_mask;
};

enum {
	ELFCORE_KEEP_MAPS = 1 << 0, /* keep the NT_FILE list for `info` and the inspect pane */
	/* keep the dumped memory (for the stack readers, src/stack/) and every thread's
	 * registers; the byte source must outlive the core_info */
	ELFCORE_KEEP_MEM = 1 << 1,
	ELFCORE_KEEP_ENV = 1 << 2, /* keep every environment value (info --env) */
};

#define CORE_CMDLINE_MAX (32u * 1024) /* bytes of a text kind's command line kept */
#define CORE_ARGV_MAX PROCARGS_ARGV_MAX /* bytes of argv read from the dumped stack */
#define CORE_ARGC_MAX 4096            /* arguments kept */

/* Minimum bytes needed to recognise an ELF core: e_ident plus e_type. */
#define ELFCORE_MIN_HEAD 18

/* True if the first bytes are an ELF header with e_type ET_CORE. */
bool elfcore_sniff(const unsigned char *head, size_t n);
/* Parse the core in `src`.  Always fills `ci` as far as it can; returns 0, or -1 when not even
 * the ELF identification could be read. */
int elfcore_parse(const struct bsrc *src, struct core_info *ci, unsigned flags);
void elfcore_free(struct core_info *ci);
/* Every field unknown (ids -1): the starting point for the other kinds' parsers. */
void elfcore_init(struct core_info *ci);
/* Replace the command line with n bytes of s (at most `max`; more, or `cut`, sets
 * cmdline_cut); argv becomes unknown.  A trailing space (pr_psargs) is dropped. */
void elfcore_set_cmdline(struct core_info *ci, const char *s, size_t n, size_t max, bool cut);
/* Replace it with a NUL-separated argv of n bytes (as /proc/PID/cmdline; trailing NULs are
 * not arguments), at most `max` bytes and CORE_ARGC_MAX arguments. */
void elfcore_set_argv(struct core_info *ci, const char *block, size_t n, size_t max, bool cut);
/* The i-th argument (i < argc) and its length. */
const char *elfcore_arg(const struct core_info *ci, uint32_t i, size_t *len);
/* The signal's name ("SIGSEGV"), as the dump writes it for another OS's numbering, else
 * from the architecture's table; NULL if unknown.  The si_code's name likewise. */
const char *elfcore_signal_name(const struct core_info *ci);
const char *elfcore_code_name(const struct core_info *ci);
/* The signal is a hardware fault whose positive si_code carries an address. */
bool elfcore_fault_signal(const struct core_info *ci);
/* Name of the i-th mapping's file. */
const char *elfcore_map_name(const struct core_info *ci, const struct core_map *m);
/* Exactly n bytes of the memory the core dumped at virtual address addr (across adjacent
 * segments), into buf: 0, or -1 when any byte was not dumped, lies past the end of the file,
 * or cannot be read.  Never more than n bytes are read from the source: a hostile segment
 * table costs nothing.  Needs ELFCORE_KEEP_MEM. */
int elfcore_mem_read(struct core_mem *m, uint64_t addr, void *buf, size_t n);
/* The PT_LOAD whose memory (dumped or not) contains vaddr: its [start, end).  false if none.
 * Needs ELFCORE_KEEP_MEM. */
bool elfcore_segment(const struct core_info *ci, uint64_t vaddr, uint64_t *start, uint64_t *end);
/* The GNU build-id (raw bytes, at most cap) of the ELF image whose first page the core dumped
 * at vaddr; 0 if there is none.  Needs ELFCORE_KEEP_MEM. */
size_t elfcore_image_build_id(const struct core_info *ci, uint64_t vaddr, unsigned char *out,
			      size_t cap);
/* The bits to clear from a return address to undo AArch64 pointer authentication: the
 * core's NT_ARM_PAC_MASK, or, for a core written without it (qemu-user's), every bit above
 * the highest address the core maps, which no code address uses.  0 for other machines.
 * Needs ELFCORE_KEEP_MEM. */
uint64_t elfcore_pac_mask(const struct core_info *ci);
/* "x86-64", "aarch64", "s390x", ... for e_machine, class and byte order. */
const char *elfcore_machine_name(uint16_t machine, uint8_t elf_class, bool big_endian,
				 char *buf, size_t buflen);

#endif
