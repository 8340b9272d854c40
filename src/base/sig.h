/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sig: signal and si_code names for the architecture that wrote a dump.
 * Linux numbers most signals the same everywhere, but MIPS, SPARC, Alpha and PA-RISC differ,
 * and a core from any of them can land on an x86-64 disk. */
#ifndef COREDU_SIG_H
#define COREDU_SIG_H

#include <stdbool.h>

/* Portable identities, translated to the dump's numbering by sig_number(). */
enum sig_id { SIG_HUP, SIG_INT, SIG_QUIT, SIG_ILL, SIG_TRAP, SIG_ABRT, SIG_BUS, SIG_FPE,
	      SIG_KILL, SIG_SEGV, SIG_PIPE, SIG_TERM, SIG_STOP, SIG_SYS, SIG_XCPU, SIG_XFSZ };

/* "SIGABRT", "SIGRTMIN+3", or NULL for numbers the architecture does not define. */
const char *sig_name(unsigned machine, int signo);
int sig_number(unsigned machine, enum sig_id id);
/* The number of "SIGSEGV" etc. on that architecture, -1 if it has no such signal. */
int sig_parse(unsigned machine, const char *name);
/* Signals whose si_code > 0 describes a hardware fault with an address. */
bool sig_is_fault(unsigned machine, int signo);
/* "SI_USER", "SI_TKILL", "SEGV_MAPERR", ... or NULL. */
const char *sig_code_name(unsigned machine, int signo, int code);

/* si_code values shared by all Linux architectures. */
#define CDU_SI_USER 0
#define CDU_SI_KERNEL 0x80
#define CDU_SI_QUEUE (-1)
#define CDU_SI_TKILL (-6)

#endif
