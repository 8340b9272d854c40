/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/sig.h"

#include <elf.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#ifndef EM_PARISC
#define EM_PARISC 15
#endif
#ifndef EM_ALPHA
#define EM_ALPHA 0x9026
#endif

/* Index = signal number; names of 1..31 in each numbering family. */
static const char *const generic_names[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};
static const char *const mips_names[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE",
	"SIGKILL", "SIGBUS", "SIGSEGV", "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGUSR1",
	"SIGUSR2", "SIGCHLD", "SIGPWR", "SIGWINCH", "SIGURG", "SIGIO", "SIGSTOP", "SIGTSTP",
	"SIGCONT", "SIGTTIN", "SIGTTOU", "SIGVTALRM", "SIGPROF", "SIGXCPU", "SIGXFSZ",
};
static const char *const sparc_alpha_names[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGEMT", "SIGFPE",
	"SIGKILL", "SIGBUS", "SIGSEGV", "SIGSYS", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGURG",
	"SIGSTOP", "SIGTSTP", "SIGCONT", "SIGCHLD", "SIGTTIN", "SIGTTOU", "SIGIO", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGPWR", "SIGUSR1", "SIGUSR2",
};
static const char *const parisc_names[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGSTKFLT", "SIGFPE",
	"SIGKILL", "SIGBUS", "SIGSEGV", "SIGXCPU", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGUSR1",
	"SIGUSR2", "SIGCHLD", "SIGPWR", "SIGVTALRM", "SIGPROF", "SIGIO", "SIGWINCH", "SIGSTOP",
	"SIGTSTP", "SIGCONT", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXFSZ", "SIGSYS",
};

static const char *const *names_for(unsigned machine)
{
	switch (machine) {
	case EM_MIPS:
	case EM_MIPS_RS3_LE:
		return mips_names;
	case EM_SPARC:
	case EM_SPARC32PLUS:
	case EM_SPARCV9:
	case EM_ALPHA:
		return sparc_alpha_names;
	case EM_PARISC:
		return parisc_names;
	default:
		return generic_names;
	}
}

static const char *const id_names[] = {
	[SIG_HUP] = "SIGHUP", [SIG_INT] = "SIGINT", [SIG_QUIT] = "SIGQUIT", [SIG_ILL] = "SIGILL",
	[SIG_TRAP] = "SIGTRAP", [SIG_ABRT] = "SIGABRT", [SIG_BUS] = "SIGBUS", [SIG_FPE] = "SIGFPE",
	[SIG_KILL] = "SIGKILL", [SIG_SEGV] = "SIGSEGV", [SIG_PIPE] = "SIGPIPE", [SIG_TERM] = "SIGTERM",
	[SIG_STOP] = "SIGSTOP", [SIG_SYS] = "SIGSYS", [SIG_XCPU] = "SIGXCPU", [SIG_XFSZ] = "SIGXFSZ",
};

int sig_number(unsigned machine, enum sig_id id)
{
	const char *const *names = names_for(machine);
	for (int i = 1; i < 32; i++)
		if (names[i] && strcmp(names[i], id_names[id]) == 0)
			return i;
	return -1;
}

int sig_parse(unsigned machine, const char *name)
{
	const char *const *names = names_for(machine);
	for (int i = 1; i < 32; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *sig_name(unsigned machine, int signo)
{
	static const char *const rt[] = {
		"SIGRTMIN", "SIGRTMIN+1", "SIGRTMIN+2", "SIGRTMIN+3", "SIGRTMIN+4", "SIGRTMIN+5",
		"SIGRTMIN+6", "SIGRTMIN+7", "SIGRTMIN+8", "SIGRTMIN+9", "SIGRTMIN+10", "SIGRTMIN+11",
		"SIGRTMIN+12", "SIGRTMIN+13", "SIGRTMIN+14", "SIGRTMIN+15", "SIGRTMIN+16",
		"SIGRTMIN+17", "SIGRTMIN+18", "SIGRTMIN+19", "SIGRTMIN+20", "SIGRTMIN+21",
		"SIGRTMIN+22", "SIGRTMIN+23", "SIGRTMIN+24", "SIGRTMIN+25", "SIGRTMIN+26",
		"SIGRTMIN+27", "SIGRTMIN+28", "SIGRTMIN+29", "SIGRTMIN+30", "SIGRTMIN+31",
		"SIGRTMAX",
	};
	if (signo >= 1 && signo < 32)
		return names_for(machine)[signo];
	/* MIPS has 128 signals; everything else in range is real-time from 32 on. */
	if (signo >= 32 && signo <= 64 && machine != EM_MIPS && machine != EM_MIPS_RS3_LE)
		return rt[signo - 32];
	return NULL;
}

bool sig_is_fault(unsigned machine, int signo)
{
	return signo > 0 && (signo == sig_number(machine, SIG_SEGV) ||
			     signo == sig_number(machine, SIG_BUS) ||
			     signo == sig_number(machine, SIG_ILL) ||
			     signo == sig_number(machine, SIG_FPE) ||
			     signo == sig_number(machine, SIG_TRAP));
}

const char *sig_code_name(unsigned machine, int signo, int code)
{
	static const char *const segv[] = {NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
		"SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR",
		"SEGV_MTESERR", "SEGV_CPERR"};
	static const char *const bus[] = {NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
		"BUS_MCEERR_AR", "BUS_MCEERR_AO"};
	static const char *const ill[] = {NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
		"ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR"};
	static const char *const fpe[] = {NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
		"FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB", NULL, NULL,
		NULL, NULL, NULL, "FPE_FLTUNK", "FPE_CONDTRAP"};
	static const char *const trap[] = {NULL, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
		"TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"};
	bool mips = machine == EM_MIPS || machine == EM_MIPS_RS3_LE;

	switch (code) {
	case CDU_SI_USER: return "SI_USER";
	case CDU_SI_KERNEL: return "SI_KERNEL";
	case CDU_SI_QUEUE: return "SI_QUEUE";
	case -2: return mips ? "SI_ASYNCIO" : "SI_TIMER";
	case -3: return mips ? "SI_TIMER" : "SI_MESGQ";
	case -4: return mips ? "SI_MESGQ" : "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case CDU_SI_TKILL: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	default: break;
	}
	if (code <= 0)
		return NULL;
#define PICK(tab) ((size_t)code < sizeof(tab) / sizeof(tab[0]) ? tab[code] : NULL)
	if (signo == sig_number(machine, SIG_SEGV))
		return PICK(segv);
	if (signo == sig_number(machine, SIG_BUS))
		return PICK(bus);
	if (signo == sig_number(machine, SIG_ILL))
		return PICK(ill);
	if (signo == sig_number(machine, SIG_FPE))
		return PICK(fpe);
	if (signo == sig_number(machine, SIG_TRAP))
		return PICK(trap);
#undef PICK
	return NULL;
}
