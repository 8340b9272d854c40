/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prstatus: the per-architecture NT_PRSTATUS layouts.  Each row is derived from the kernel's
 * definitions; doc/prstatus.md gives the source of every number. */
#include "config.h"

#include "kinds/prstatus.h"

#include <elf.h>
#include <stddef.h>

#include "base/util.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_ALPHA
#define EM_ALPHA 0x9026
#endif
#ifndef EF_MIPS_ABI2
#define EF_MIPS_ABI2 0x20
#endif

/* struct elf_prstatus with natural alignment: 12 bytes of elf_siginfo, a short, two longs,
 * four pids, four timevals of two longs each, then pr_reg.  So with 4-byte longs pr_pid is
 * at 24 and pr_reg at 72; with 8-byte longs at 32 and 112.  m68k aligns long and int to 2:
 * pr_sigpend follows pr_cursig at 14, pr_pid is at 22 and pr_reg at 70. */
#define L32 24, 72
#define L64 32, 112

static const struct prstatus_layout table[] = {
	/* abi          machine        class var  pid,reg regsz ngreg  pc  sp  size */
	{"x86-64",      EM_X86_64,     64, 0, L64,    8,  27,  16, 19, 336},
	{"x32",         EM_X86_64,     32, 0, L32,    8,  27,  16, 19, 296},
	{"i386",        EM_386,        32, 0, L32,    4,  17,  12, 15, 144},
	{"aarch64",     EM_AARCH64,    64, 0, L64,    8,  34,  32, 31, 392},
	{"arm",         EM_ARM,        32, 0, L32,    4,  18,  15, 13, 148},
	{"s390x",       EM_S390,       64, 0, L64,    8,  27,   1, 17, 336},
	/* s390_regs has an aligned(8) psw: 140 bytes of registers padded to 144 */
	{"s390",        EM_S390,       32, 0, L32,    4,  36,   1, 17, 224},
	{"ppc64",       EM_PPC64,      64, 0, L64,    8,  48,  32,  1, 504},
	{"ppc",         EM_PPC,        32, 0, L32,    4,  48,  32,  1, 268},
	{"riscv64",     EM_RISCV,      64, 0, L64,    8,  32,   0,  2, 376},
	{"riscv32",     EM_RISCV,      32, 0, L32,    4,  32,   0,  2, 204},
	{"mips64",      EM_MIPS,       64, 0, L64,    8,  45,  34, 29, 480},
	{"mips n32",    EM_MIPS,       32, PRSTATUS_N32, L32, 8, 45, 34, 29, 440},
	{"mips o32",    EM_MIPS,       32, 0, L32,    4,  45,  40, 35, 256},
	{"loongarch64", EM_LOONGARCH,  64, 0, L64,    8,  45,  33,  3, 480},
	{"sparc64",     EM_SPARCV9,    64, 0, L64,    8,  36,  33, 14, 408},
	{"sparc",       EM_SPARC,      32, 0, L32,    4,  38,  33, 14, 228},
	{"sparc32plus", EM_SPARC32PLUS, 32, 0, L32,   4,  38,  33, 14, 228},
	{"ia64",        EM_IA_64,      64, 0, L64,    8, 128,  42, 12, 1144},
	{"parisc64",    EM_PARISC,     64, 0, L64,    8,  80,  40, 30, 760},
	{"parisc",      EM_PARISC,     32, 0, L32,    4,  80,  40, 30, 396},
	{"sh",          EM_SH,         32, 0, L32,    4,  23,  16, 15, 168},
	{"m68k",        EM_68K,        32, 0, 22, 70, 4,  20,  18, 15, 154},
	{"alpha",       EM_ALPHA,      64, 0, L64,    8,  33,  31, 30, 384},
};

static const struct prstatus_layout natural[2] = {
	{"other 32-bit", 0, 32, 0, L32, 4, 0, -1, -1, 0},
	{"other 64-bit", 0, 64, 0, L64, 8, 0, -1, -1, 0},
};

const struct prstatus_layout *prstatus_layout(uint16_t machine, uint8_t elf_class,
					      uint32_t e_flags)
{
	uint8_t variant = machine == EM_MIPS && elf_class == 32 && (e_flags & EF_MIPS_ABI2)
				  ? PRSTATUS_N32 : 0;
	/* EM_MIPS_RS3_LE is an old name for little-endian MIPS: the same layouts. */
	if (machine == EM_MIPS_RS3_LE)
		machine = EM_MIPS;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].machine == machine && table[i].elf_class == elf_class &&
		    table[i].variant == variant)
			return &table[i];
	return &natural[elf_class == 64];
}

const struct prstatus_layout *prstatus_table(unsigned *n)
{
	*n = ARRAY_SIZE(table);
	return table;
}
