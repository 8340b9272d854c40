/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/cause.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"
#include "kinds/elfcore.h"

enum cause_class cause_classify(const struct core_info *ci)
{
	if (ci->gcore || ci->heap_dump || ci->requested)
		return CAUSE_SNAPSHOT;
	if (!ci->has_siginfo || (ci->signal && ci->si_signo != ci->signal))
		return CAUSE_UNKNOWN;
	if (ci->has_sender) {
		if (ci->sender_pid == ci->pid || ci->sender_pid == ci->tid)
			return CAUSE_SELF;
		if (ci->ppid > 0 && ci->sender_pid == ci->ppid)
			return CAUSE_PARENT;
		return CAUSE_OTHER;
	}
	if (ci->si_code == CDU_SI_KERNEL)
		return CAUSE_KERNEL;
	if (ci->si_code > 0 && elfcore_fault_signal(ci))
		return CAUSE_FAULT;
	return CAUSE_UNKNOWN;
}

const char *cause_class_id(enum cause_class c)
{
	static const char *const ids[] = {
		[CAUSE_UNKNOWN] = "unknown", [CAUSE_SNAPSHOT] = "snapshot", [CAUSE_SELF] = "self",
		[CAUSE_PARENT] = "parent", [CAUSE_OTHER] = "other-process",
		[CAUSE_KERNEL] = "kernel", [CAUSE_FAULT] = "fault",
	};
	return ids[c];
}

/* What a fault si_code means, for the signals that carry an address. */
static const char *fault_words(const struct core_info *ci)
{
	const char *code = elfcore_code_name(ci);
	static const struct {
		const char *code, *words;
	} table[] = {
		{"SEGV_MAPERR", "invalid memory access at %s (address not mapped)"},
		{"SEGV_ACCERR", "invalid memory access at %s (permission denied)"},
		{"SEGV_PKUERR", "invalid memory access at %s (protection key)"},
		{"SEGV_MTEAERR", "memory tag mismatch at %s"},
		{"SEGV_MTESERR", "memory tag mismatch at %s"},
		{"SEGV_CPERR", "control-flow protection violation at %s"},
		{"BUS_ADRALN", "misaligned memory access at %s"},
		{"BUS_ADRERR", "access to a nonexistent physical address at %s"},
		{"BUS_OBJERR", "access beyond the end of a mapped file at %s"},
		{"BUS_MCEERR_AR", "hardware memory error at %s"},
		{"BUS_MCEERR_AO", "hardware memory error at %s"},
		{"ILL_ILLOPC", "illegal instruction at %s"},
		{"ILL_ILLOPN", "illegal operand at %s"},
		{"ILL_PRVOPC", "privileged instruction at %s"},
		{"FPE_INTDIV", "integer division by zero at %s"},
		{"FPE_INTOVF", "integer overflow at %s"},
		{"FPE_FLTDIV", "floating-point division by zero at %s"},
		{"TRAP_BRKPT", "breakpoint trap at %s"},
	};
	for (size_t i = 0; code && i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].code, code) == 0)
			return table[i].words;
	return "hardware fault at %s";
}

/* A minidump's exception code, named where it is a well-known one. */
static void exception_words(struct sbuf *out, uint32_t code)
{
	static const struct {
		uint32_t code;
		const char *words;
	} table[] = {
		{0xC0000005, "access violation: an invalid memory access"},
		{0xC00000FD, "stack overflow"},
		{0xC0000094, "integer division by zero"},
		{0xC000001D, "illegal instruction"},
		{0xC0000374, "heap corruption"},
		{0xC0000409, "stack buffer overrun, or a fail-fast exit"},
		{0x80000003, "breakpoint"},
		{0x40000015, "abort() (fatal application exit)"},
		{0xE06D7363, "an uncaught C++ exception"},
		{0x43507378, "Crashpad's simulated exception: a dump taken on request, not a crash"},
		{0x43506E78, "an uncaught NSException (Crashpad on macOS): a real crash"},
	};
	sbuf_printf(out, "exception 0x%08" PRIX32, code);
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].code == code)
			sbuf_printf(out, " (%s)", table[i].words);
}

void cause_describe(struct sbuf *out, const struct core_info *ci)
{
	const char *name = elfcore_signal_name(ci);
	bool abrt = ci->signal == sig_number(ci->machine, SIG_ABRT);
	char addr[24];

	switch (cause_classify(ci)) {
	case CAUSE_SNAPSHOT:
		sbuf_adds(out, ci->heap_dump   ? "heap dump (written on OutOfMemoryError or on request)"
			       : ci->requested ? "a dump the program requested (Breakpad's "
						 "dump-requested exception), not a crash"
					       : "snapshot of a live process taken by gdb's gcore, not a crash");
		return;
	case CAUSE_SELF:
		if (abrt && ci->si_code == CDU_SI_TKILL)
			sbuf_adds(out, "abort() called by the process itself");
		else if (ci->si_code == CDU_SI_TKILL)
			sbuf_printf(out, "%s raised by the process itself", name ? name : "signal");
		else
			sbuf_printf(out, "%s sent by the process to itself with kill()",
				    name ? name : "signal");
		return;
	case CAUSE_PARENT:
		sbuf_printf(out, "killed by its parent (pid %" PRId64 ")", ci->sender_pid);
		return;
	case CAUSE_OTHER:
		sbuf_printf(out, "killed by another process (pid %" PRId64 ", uid %" PRId64 ")",
			    ci->sender_pid, ci->sender_uid);
		return;
	case CAUSE_KERNEL:
		sbuf_printf(out, "%s sent by the kernel", name ? name : "signal");
		if (ci->signal == sig_number(ci->machine, SIG_SEGV))
			sbuf_adds(out, " (general protection fault: bad pointer or instruction)");
		break;
	case CAUSE_FAULT:
		snprintf(addr, sizeof(addr), "0x%" PRIx64, ci->fault_addr);
		sbuf_printf(out, fault_words(ci), ci->has_fault_addr ? addr : "an unknown address");
		break;
	case CAUSE_UNKNOWN:
		if (ci->has_exception)
			exception_words(out, ci->exception_code);
		else if (name)
			sbuf_printf(out, "%s (no NT_SIGINFO note: sender unknown)", name);
		else
			sbuf_printf(out, "signal %d (sender unknown)", ci->signal);
		break;
	}
	if (ci->crash_module) {
		const char *base = strrchr(ci->crash_module, '/');
		sbuf_printf(out, " in %s+0x%" PRIx64, base ? base + 1 : ci->crash_module,
			    ci->crash_offset);
	}
}
