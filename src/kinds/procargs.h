/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procargs: a process's argv and environment, read back from its dumped stack.
 *
 * The kernel's NT_PRPSINFO keeps 80 bytes of the command line (79 and a NUL); the whole of
 * it is still in the core, where exec put it: at the top of the stack, the argv strings,
 * then the environment's, then the AT_EXECFN string.  Below the strings lie argc, the argv
 * pointers, a NULL, the envp pointers, a NULL and the auxiliary vector, whose bytes are
 * exactly NT_AUXV's.  So: find NT_AUXV's bytes in the stack below AT_EXECFN, walk the two
 * pointer arrays down from there to argc (or to the first word that is no string pointer:
 * ARM's start code reuses argc's slot), and read [argv[0], envp[0]) and [envp[0],
 * AT_EXECFN) as /proc/PID/cmdline and /proc/PID/environ would.  Every pointer must fall in
 * the string area, the counts must agree, and the first bytes must match pr_psargs when
 * there is one: anything else is refused, and the caller keeps the kernel's 80 bytes.
 * Bounded: PROCARGS_ARGV_MAX bytes of argv, PROCARGS_ENV_MAX bytes and
 * PROCARGS_ENVC_MAX variables, PROCARGS_SEARCH bytes searched, PROCARGS_WALK pointers. */
#ifndef COREDU_PROCARGS_H
#define COREDU_PROCARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCARGS_ARGV_MAX (128u * 1024) /* bytes of argv read */
#define PROCARGS_ENV_MAX (64u * 1024) /* bytes of the environment read */
#define PROCARGS_ENVC_MAX 4096        /* variables kept */
#define PROCARGS_SEARCH (1u << 20)    /* bytes below AT_EXECFN searched for the auxv */
#define PROCARGS_WALK 65536           /* argv and envp pointers walked */

/* The dumped memory, as the ELF parser sees it. */
struct procargs_mem {
	/* Up to n bytes at vaddr, within the segment that holds it; NULL if not dumped. */
	const unsigned char *(*read)(void *ctx, uint64_t vaddr, size_t n, size_t *got);
	void *ctx;
	bool be;
	unsigned word;    /* 4 or 8 */
	uint64_t lo, hi;  /* the dumped bytes of the stack segment: [lo, hi) */
};

/* What was found, malloc'd. */
struct procargs_found {
	char *argv;       /* argv's strings as exec laid them out: NUL-separated */
	size_t argv_len;
	bool argv_cut;    /* longer than PROCARGS_ARGV_MAX */
	char *env;        /* "NAME=value" or "NAME" (value not kept), each NUL-terminated */
	size_t env_len;
	uint32_t envc;
	bool env_cut;     /* more than the bounds */
};

/* Recover argv and the environment from the stack around execfn, the AT_EXECFN pointer;
 * auxv is NT_AUXV's bytes.  psargs: the kernel's command line with its NULs as spaces, to
 * agree with (NULL: nothing to check).  all_env keeps every value, else only the
 * allow-list's.  Returns true, and fills *out, if argv was recovered. */
bool procargs_recover(const struct procargs_mem *m, uint64_t execfn, const unsigned char *auxv,
		      size_t auxv_len, const char *psargs, bool all_env, struct procargs_found *out);

/* Whether a variable's value may be shown without asking: it explains crashes and holds
 * no secret (GUNICORN_CMD_ARGS, MALLOC_*, the ECS and Kubernetes markers...). */
bool procargs_env_allowed(const char *name, size_t len);
/* The value of NAME in an environment block as procargs_found's, if it was kept; NULL
 * otherwise. */
const char *procargs_env_value(const char *env, size_t env_len, const char *name);

#endif
