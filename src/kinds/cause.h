/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cause: why a process dumped core, in one class and in words, from NT_SIGINFO. */
#ifndef COREDU_CAUSE_H
#define COREDU_CAUSE_H

struct core_info;
struct sbuf;

enum cause_class {
	CAUSE_UNKNOWN,  /* no NT_SIGINFO (qemu-user, old kernels): only the signal is known */
	CAUSE_SNAPSHOT, /* gdb gcore: no crash at all */
	CAUSE_SELF,     /* the process signalled itself: abort(), raise(), kill(getpid()) */
	CAUSE_PARENT,   /* sent by the parent process: e.g. gunicorn's arbiter on WORKER TIMEOUT */
	CAUSE_OTHER,    /* sent by another process */
	CAUSE_KERNEL,   /* sent by the kernel without a fault address (SI_KERNEL) */
	CAUSE_FAULT,    /* a hardware fault: invalid memory access, illegal instruction, ... */
};

enum cause_class cause_classify(const struct core_info *ci);
/* Stable identifiers for JSON: "self", "parent", "other-process", "kernel", "fault",
 * "snapshot", "unknown". */
const char *cause_class_id(enum cause_class c);
/* "abort() called by the process itself", "killed by its parent (pid 41)",
 * "invalid memory access at 0x0 (address not mapped) in libfoo.so+0x1234", ... */
void cause_describe(struct sbuf *out, const struct core_info *ci);

#endif
