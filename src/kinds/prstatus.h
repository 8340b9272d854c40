/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prstatus: where NT_PRSTATUS keeps the thread id and the registers, per architecture.
 *
 * The kernel's struct elf_prstatus (include/linux/elfcore.h) is one declaration, but its
 * layout is not: `long` is 4 or 8 bytes, m68k aligns it (and int) to 2 bytes, and each
 * architecture's elf_gregset_t (asm/elf.h, or the regset a core dump copies) has its own
 * size and order.  x32 and MIPS n32 tasks are ELF class 32 with 64-bit registers.  The
 * table, and where each row comes from, is doc/prstatus.md; tests/unit/check_elfcore.c
 * holds the two to each other. */
#ifndef COREDU_PRSTATUS_H
#define COREDU_PRSTATUS_H

#include <stdbool.h>
#include <stdint.h>

struct prstatus_layout {
	const char *abi;  /* "x86-64", "x32", "m68k", ... as doc/prstatus.md names it */
	uint16_t machine; /* e_machine */
	uint8_t elf_class; /* 32 or 64 */
	uint8_t variant;  /* PRSTATUS_N32 for MIPS n32 (e_flags EF_MIPS_ABI2), else 0 */
	uint8_t pid;      /* offset of pr_pid (pr_ppid, pr_pgrp, pr_sid follow, 4 bytes each) */
	uint8_t reg;      /* offset of pr_reg */
	uint8_t regsize;  /* bytes of one elf_greg_t */
	uint8_t nregs;    /* ELF_NGREG */
	int8_t pc, sp;    /* indexes of the program counter and the stack pointer, -1 unknown */
	uint16_t size;    /* sizeof(struct elf_prstatus): the note's descsz */
};

#define PRSTATUS_N32 1

/* The layout for a core's e_machine, class and e_flags.  An architecture not in the table
 * gets the natural layout of its class with no register known (pc and sp -1). */
const struct prstatus_layout *prstatus_layout(uint16_t machine, uint8_t elf_class,
					      uint32_t e_flags);
/* The rows of the table, for the documentation test. */
const struct prstatus_layout *prstatus_table(unsigned *n);

#endif
