/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/procargs.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kinds/bytes.h"

#define CHUNK_FIRST (16u * 1024) /* bytes of stack searched by the first read, */
#define CHUNK_MAX (64u * 1024)   /* and by each later one at most */
#define PATTERN_MAX 512      /* bytes of NT_AUXV looked for */
#define PSARGS_LEN 79        /* ELF_PRARGSZ - 1: what the kernel copies of argv */

/* The stack's words, read a chunk at a time: the walk below asks for them one by one, from
 * the auxv down, and a read per word was a fifth of the pile's parse (callgrind). */
#define WORDS_CHUNK 4096u

struct words {
	const struct procargs_mem *m;
	const unsigned char *b; /* the chunk [lo, hi), valid until the next read */
	uint64_t lo, hi;
};

static bool word_at(struct words *w, uint64_t va, uint64_t *v)
{
	const struct procargs_mem *m = w->m;
	if (va < m->lo || va >= m->hi || m->hi - va < m->word)
		return false;
	if (!w->b || va < w->lo || va + m->word > w->hi) {
		/* The chunk that ends with this word: the next words asked are below it. */
		uint64_t end = va + m->word, start = end - m->lo > WORDS_CHUNK ? end - WORDS_CHUNK : m->lo;
		size_t got;
		w->b = m->read(m->ctx, start, (size_t)(end - start), &got);
		w->lo = start;
		w->hi = start + got;
		if (!w->b || w->hi < end)
			return false;
	}
	const unsigned char *b = w->b + (va - w->lo);
	*v = m->word == 8 ? bytes_u64(b, m->be) : bytes_u32(b, m->be);
	return true;
}

/* Where NT_AUXV's bytes lie in the stack: the highest word-aligned copy below execfn.  It lies
 * just below the argument and environment strings, so the search walks down from execfn in
 * growing chunks. */
static uint64_t find_auxv(const struct procargs_mem *m, uint64_t execfn, const unsigned char *auxv,
			  size_t n)
{
	size_t plen = n < PATTERN_MAX ? n : PATTERN_MAX;
	uint64_t floor = execfn - m->lo > PROCARGS_SEARCH ? execfn - PROCARGS_SEARCH : m->lo;
	uint64_t end = execfn;
	for (size_t chunk = CHUNK_FIRST; end > floor; chunk = chunk < CHUNK_MAX ? chunk * 2 : chunk) {
		uint64_t start = end - floor > chunk ? end - chunk : floor;
		/* Overlap the next chunk up by the pattern's length, so no copy is split. */
		size_t want = (size_t)(end - start) + plen - 1, got;
		if (want > execfn - start)
			want = (size_t)(execfn - start);
		const unsigned char *b = m->read(m->ctx, start, want, &got);
		/* From the highest aligned offset a copy can start at, down a word at a time. */
		size_t top = b && got >= plen ? got - plen : 0, skew = (size_t)((start + top) % m->word);
		if (b && got >= plen && top >= skew)
			for (size_t off = top - skew;; off -= m->word) {
				if (b[off] == auxv[0] && memcmp(b + off, auxv, plen) == 0)
					return start + off;
				if (off < m->word)
					break;
			}
		end = start;
	}
	return 0;
}

struct arrays {
	uint64_t auxv;        /* where the auxv starts */
	uint64_t arg0, env0;  /* argv[0], envp[0] (0 when there is no environment) */
	uint64_t argc, envc;
};

/* Walk down from the auxv: NULL, envp[] (top down), NULL, argv[] (top down), argc.  Every
 * pointer must point into the strings, above the auxv and below execfn, in order. */
static bool walk_arrays(const struct procargs_mem *m, uint64_t execfn, struct arrays *a)
{
	uint64_t p = a->auxv, v, last = execfn + 1;
	struct words w = {.m = m};
	if (p - m->lo < m->word || !word_at(&w, p -= m->word, &v) || v != 0)
		return false;
	for (;;) { /* envp, from its last entry down to envp[0] */
		if (p - m->lo < m->word || !word_at(&w, p -= m->word, &v))
			return false;
		if (v == 0)
			break;
		if (v <= a->auxv || v >= last || ++a->envc > PROCARGS_WALK)
			return false;
		a->env0 = last = v;
	}
	for (;;) { /* argv, down to argc */
		if (p - m->lo < m->word || !word_at(&w, p -= m->word, &v))
			return false;
		/* argc ends the array; some start code (ARM's glibc _start) has reused its slot
		 * by then, so any word that is no string pointer ends it too. */
		if (v <= a->auxv || v >= last)
			return a->argc > 0;
		if (++a->argc > PROCARGS_WALK)
			return false;
		a->arg0 = last = v;
	}
}

/* The kernel's pr_psargs is the start of the same bytes, NULs turned into spaces (gdb's
 * gcore writes fewer arguments): it must be a prefix of what was found. */
static bool agrees(const unsigned char *b, size_t n, const char *psargs)
{
	size_t k = psargs ? strlen(psargs) : 0;
	if (k > n)
		return false;
	for (size_t i = 0; i < k; i++)
		if ((b[i] ? b[i] : ' ') != (unsigned char)psargs[i])
			return false;
	return true;
}

static void keep_env(const struct procargs_mem *m, uint64_t env0, uint64_t execfn, bool all,
		     struct procargs_found *f)
{
	size_t want = execfn - env0 > PROCARGS_ENV_MAX ? PROCARGS_ENV_MAX : (size_t)(execfn - env0), got;
	const unsigned char *b = m->read(m->ctx, env0, want, &got);
	if (!b)
		return;
	/* What is kept is never longer than what was read: one buffer, no growth, then cut to
	 * what it holds. */
	char *out = xmalloc(got + 1);
	size_t o = 0;
	f->env_cut = execfn - env0 > PROCARGS_ENV_MAX;
	for (size_t i = 0; i < got;) {
		const char *s = (const char *)b + i;
		const char *nul = memchr(s, '\0', got - i);
		size_t len = nul ? (size_t)(nul - s) : got - i;
		i += len + 1;
		if (!nul) /* cut by the bound: a name without its end is no name */
			break;
		if (!len)
			continue;
		if (f->envc == PROCARGS_ENVC_MAX) {
			f->env_cut = true;
			break;
		}
		const char *eq = memchr(s, '=', len);
		size_t name = eq ? (size_t)(eq - s) : len;
		size_t keep = all || procargs_env_allowed(s, name) ? len : name;
		memcpy(out + o, s, keep);
		out[o + keep] = '\0';
		o += keep + 1;
		f->envc++;
	}
	out[o] = '\0';
	f->env_len = o;
	/* Kept with the dump for the whole run: the names, not the bytes read (a page fault is
	 * dear, bench/README.md). */
	f->env = xrealloc(out, o + 1);
}

bool procargs_recover(const struct procargs_mem *m, uint64_t execfn, const unsigned char *auxv,
		      size_t auxv_len, const char *psargs, bool all_env, struct procargs_found *out)
{
	struct arrays a = {0};
	if (!auxv || auxv_len < 4 * (size_t)m->word || execfn <= m->lo || execfn >= m->hi)
		return false;
	a.auxv = find_auxv(m, execfn, auxv, auxv_len);
	if (!a.auxv || !walk_arrays(m, execfn, &a))
		return false;
	uint64_t end = a.envc ? a.env0 : execfn;
	if (a.arg0 >= end)
		return false;
	size_t want = end - a.arg0 > PROCARGS_ARGV_MAX ? PROCARGS_ARGV_MAX : (size_t)(end - a.arg0), got;
	const unsigned char *b = m->read(m->ctx, a.arg0, want, &got);
	if (!b || got < want || !agrees(b, got, psargs))
		return false;
	memset(out, 0, sizeof(*out));
	out->argv = xmalloc(got);
	memcpy(out->argv, b, got);
	out->argv_len = got;
	out->argv_cut = end - a.arg0 > PROCARGS_ARGV_MAX;
	if (a.envc)
		keep_env(m, a.env0, execfn, all_env, out);
	return true;
}

bool procargs_env_allowed(const char *name, size_t len)
{
#define ENV_NAME(s) {s, sizeof(s) - 1}
	static const struct {
		const char *s;
		size_t n;
	} allowed[] = {
		ENV_NAME("GUNICORN_CMD_ARGS"), ENV_NAME("WEB_CONCURRENCY"), ENV_NAME("PYTHONFAULTHANDLER"),
		ENV_NAME("LD_PRELOAD"), ENV_NAME("NODE_OPTIONS"), ENV_NAME("JAVA_TOOL_OPTIONS"),
		ENV_NAME("AWS_EXECUTION_ENV"), ENV_NAME("ECS_CONTAINER_METADATA_URI_V4"),
		ENV_NAME("ECS_CONTAINER_METADATA_URI"), ENV_NAME("KUBERNETES_SERVICE_HOST"),
		ENV_NAME("HOSTNAME"),
	};
#undef ENV_NAME
	if (len > 7 && memcmp(name, "MALLOC_", 7) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
		if (allowed[i].n == len && memcmp(allowed[i].s, name, len) == 0)
			return true;
	return false;
}

const char *procargs_env_value(const char *env, size_t env_len, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; env && i < env_len; i += strlen(env + i) + 1)
		if (strncmp(env + i, name, n) == 0 && env[i + n] == '=')
			return env + i + n + 1;
	return NULL;
}
