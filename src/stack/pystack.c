/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pystack: see pystack.h.  Where every offset comes from: pyoffsets/ (generated from the
 * CPython headers) and, for 3.13, the interpreter's own _Py_DebugOffsets. */
#include "config.h"

#include "stack/pystack.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "kinds/elfcore.h"
#include "stack/modfile.h"
#include "stack/unwind.h"

/* ---- layouts ------------------------------------------------------------------------------ */

/* Byte offsets into CPython's structures for one version on LP64 little-endian: x86-64 and
 * aarch64 share them (same type sizes and alignments; pyoffsets/generate.sh checks it). */
struct pylayout {
	uint32_t hexversion;
	uint32_t rt_interp_head;
	uint32_t is_next, is_threads_head, is_gc;
	uint32_t gc_generations, gc_permanent, gc_generation_size, gc_head_size;
	uint32_t ts_next, ts_thread_id, ts_native_thread_id;
	uint32_t ts_cframe, cf_current_frame; /* 3.11, 3.12: tstate->cframe->current_frame */
	uint32_t ts_current_frame;            /* 3.13: tstate->current_frame */
	uint32_t fr_code, fr_instr, fr_previous, fr_owner, fr_stacktop, fr_localsplus;
	uint32_t ob_type;
	uint32_t co_filename, co_name, co_qualname, co_linetable, co_firstlineno;
	uint32_t co_firsttraceable, co_code_adaptive;
	uint32_t bytes_size, bytes_sval;
	uint32_t str_length, str_state, str_ascii_size, str_compact_size;
	uint32_t gen_frame_state, gen_iframe;
	int frame_suspended, frame_suspended_yf, owner_cstack;
	int op_resume, op_resume_alt;
};

static const struct pylayout layout_311 =
#include "stack/pyoffsets/layout-3.11.inc"
	;
/* For 3.13 only what _Py_DebugOffsets lacks is taken from here (generators, GC lists,
 * incomplete frames); every field both have must agree. */
static const struct pylayout layout_313 =
#include "stack/pyoffsets/layout-3.13.inc"
	;

/* Where the fields read here lie inside _Py_DebugOffsets (3.13): that structure itself
 * changes between minor versions, so it is known per minor version. */
struct pydebugpos {
	uint32_t hexversion, total, version, free_threaded;
	uint32_t rt_interp_head;
	uint32_t is_size, is_next, is_threads_head, is_gc;
	uint32_t ts_size, ts_next, ts_current_frame, ts_thread_id, ts_native_thread_id;
	uint32_t fr_size, fr_previous, fr_code, fr_instr, fr_localsplus, fr_owner;
	uint32_t co_size, co_filename, co_name, co_qualname, co_linetable, co_firstlineno;
	uint32_t co_code_adaptive;
	uint32_t ob_type, bytes_size, bytes_sval, str_state, str_length, str_ascii_size;
};

static const struct pydebugpos debugpos_313 =
#include "stack/pyoffsets/debugpos-3.13.inc"
	;

#define OWNER_GENERATOR 1 /* FRAME_OWNED_BY_GENERATOR, 3.11 to 3.13 */
#define DEBUG_OFFSETS_MAX 1024

/* ---- context ------------------------------------------------------------------------------ */

struct pyctx {
	const struct core_info *ci;
	const struct pystack_opts *o;
	struct pystack_result *res;
	struct pylayout L;
	uint64_t code_type, str_type, bytes_type, coro_type; /* type objects, load bias applied */
	int major, minor;
	bool table_mismatch; /* _Py_DebugOffsets differ from the generated table */
};

static void problem(struct pystack_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void problem(struct pystack_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->problem, sizeof(r->problem), fmt, ap);
	va_end(ap);
}

/* Little-endian only: pystack_read checked the core is LP64 little-endian. */
static uint64_t le64(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static int rd(const struct pyctx *c, uint64_t addr, void *buf, size_t n)
{
	if (addr == 0 || addr + n < addr)
		return -1;
	return elfcore_mem_read(c->ci->mem, addr, buf, n);
}

static int rd_ptr(const struct pyctx *c, uint64_t addr, uint64_t *out)
{
	unsigned char b[8];
	if (rd(c, addr, b, 8) < 0)
		return -1;
	*out = le64(b);
	return 0;
}

static int rd_u32(const struct pyctx *c, uint64_t addr, uint32_t *out)
{
	unsigned char b[4];
	if (rd(c, addr, b, 4) < 0)
		return -1;
	*out = le32(b);
	return 0;
}

/* True if the object at obj has type `type` (a type object's address from the symbols). */
static bool has_type(const struct pyctx *c, uint64_t obj, uint64_t type)
{
	uint64_t t;
	return type && rd_ptr(c, obj + c->L.ob_type, &t) == 0 && t == type;
}

/* ---- strings ------------------------------------------------------------------------------ */

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp < 0xE000)
		cp = 0xFFFD; /* a lone surrogate has no UTF-8 */
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* A str object as UTF-8, at most PYSTACK_STR_MAX bytes (a longer one ends in "..."); NULL if
 * it is not a compact str in the dumped memory.  The bytes are the dump's: not sanitised. */
static char *read_str(const struct pyctx *c, uint64_t obj)
{
	const struct pylayout *L = &c->L;
	unsigned char st[4];
	uint64_t len;
	if (!has_type(c, obj, c->str_type) || rd_ptr(c, obj + L->str_length, &len) < 0 ||
	    rd(c, obj + L->str_state, st, 4) < 0)
		return NULL;
	/* state bits, 3.11-3.13: interned:2 kind:3 compact:1 ascii:1 */
	unsigned kind = st[0] >> 2 & 7, compact = st[0] >> 5 & 1, ascii = st[0] >> 6 & 1;
	if (!compact || (kind != 1 && kind != 2 && kind != 4) || (ascii && kind != 1))
		return NULL; /* legacy (non-compact) strings do not name code; refuse them */
	uint64_t data = obj + (ascii ? L->str_ascii_size : L->str_compact_size);
	size_t take = len < PYSTACK_STR_MAX ? (size_t)len : PYSTACK_STR_MAX;
	unsigned char raw[PYSTACK_STR_MAX * 4];
	if (take && rd(c, data, raw, take * kind) < 0)
		return NULL;
	char *out = xcalloc(PYSTACK_STR_MAX + 8, 1), *o = out;
	bool cut = len > take;
	for (size_t i = 0; i < take; i++) {
		uint32_t cp = kind == 1   ? raw[i]
			      : kind == 2 ? (uint32_t)(raw[2 * i] | raw[2 * i + 1] << 8)
					  : le32(raw + 4 * i);
		if ((size_t)(o - out) + 4 > PYSTACK_STR_MAX) {
			cut = true;
			break;
		}
		o += put_utf8(o, cp);
	}
	if (cut)
		memcpy(o, "...", 4);
	return out;
}

/* ---- line numbers ------------------------------------------------------------------------- */

/* The 3.11+ location table (Objects/locations.md in CPython): entries start with a byte
 * whose top bit is set; bits 3-6 are the code, bits 0-2 the length in code units minus one;
 * codes 13 and 14 carry a zig-zag varint line delta, 11 and 12 mean +1 and +2, 15 no line,
 * the others the same line. */
static unsigned scan_varint(const unsigned char *p, const unsigned char *end)
{
	unsigned val = 0, shift = 0;
	for (size_t i = 0; p + i < end && shift < 32; i++) {
		unsigned b = p[i];
		val |= (b & 63) << shift;
		shift += 6;
		if (!(b & 64))
			break;
	}
	return val;
}

static int line_delta(const unsigned char *p, const unsigned char *end)
{
	switch ((*p >> 3) & 15) {
	case 13: /* no columns */
	case 14: /* long form */
		if (p + 1 >= end)
			return 0;
		{
			unsigned u = scan_varint(p + 1, end);
			return (u & 1) ? -(int)(u >> 1) : (int)(u >> 1);
		}
	case 11: return 1;
	case 12: return 2;
	default: return 0;
	}
}

/* PyCode_Addr2Line over a copy of the table: the line of the code unit at byte addr. */
static int addr2line(const unsigned char *t, size_t n, int firstlineno, uint64_t addr)
{
	const unsigned char *p = t, *end = t + n;
	int64_t line = firstlineno;
	uint64_t start = 0;
	while (p < end) {
		if (!(*p & 0x80))
			return -1; /* not an entry start: a corrupt table */
		line += line_delta(p, end);
		if (line < -(1 << 30) || line > (1 << 30))
			return -1;
		uint64_t stop = start + ((uint64_t)(*p & 7) + 1) * 2;
		bool noline = (*p >> 3) == 0x1F;
		if (addr >= start && addr < stop)
			return noline || line < 0 ? -1 : (int)line;
		start = stop;
		do
			p++;
		while (p < end && !(*p & 0x80));
	}
	return -1;
}

/* ---- frames ------------------------------------------------------------------------------- */

struct codeinfo {
	uint64_t addr;
	char *file, *func;
	unsigned char *table;
	size_t tlen;
	int firstlineno;
	uint32_t firsttraceable;
	uint64_t ncodeunits;
};

/* The frames of one stack share code objects: a small cache reads each table once. */
#define CODE_CACHE 32
struct codecache {
	struct codeinfo e[CODE_CACHE];
	unsigned n, next;
};

static void codeinfo_free(struct codeinfo *ci)
{
	free(ci->file);
	free(ci->func);
	free(ci->table);
	memset(ci, 0, sizeof(*ci));
}

static void cache_free(struct codecache *cc)
{
	for (unsigned i = 0; i < cc->n; i++)
		codeinfo_free(&cc->e[i]);
	cc->n = 0;
}

/* A free entry of the cache, the oldest one reused when it is full. */
static struct codeinfo *cache_slot(struct codecache *cc)
{
	if (cc->n < CODE_CACHE)
		return &cc->e[cc->n++];
	struct codeinfo *ci = &cc->e[cc->next];
	cc->next = (cc->next + 1) % CODE_CACHE;
	codeinfo_free(ci);
	return ci;
}

/* The location table of a code object: a bytes object, copied if it is not too large. */
static void read_linetable(const struct pyctx *c, uint64_t lt, struct codeinfo *ci)
{
	uint64_t tlen;
	if (!has_type(c, lt, c->bytes_type) || rd_ptr(c, lt + c->L.bytes_size, &tlen) < 0 ||
	    tlen > PYSTACK_LINETABLE_MAX)
		return;
	ci->table = xmalloc(tlen ? (size_t)tlen : 1);
	if (tlen && rd(c, lt + c->L.bytes_sval, ci->table, (size_t)tlen) < 0) {
		free(ci->table);
		ci->table = NULL;
		return;
	}
	ci->tlen = (size_t)tlen;
}

static const struct codeinfo *code_get(const struct pyctx *c, struct codecache *cc, uint64_t code)
{
	for (unsigned i = 0; i < cc->n; i++)
		if (cc->e[i].addr == code)
			return &cc->e[i];
	const struct pylayout *L = &c->L;
	uint64_t fn, nm, lt, size;
	uint32_t first, ftr = 0;
	if (!has_type(c, code, c->code_type) || rd_ptr(c, code + L->co_filename, &fn) < 0 ||
	    rd_ptr(c, code + L->co_qualname, &nm) < 0 || rd_ptr(c, code + L->co_linetable, &lt) < 0 ||
	    rd_u32(c, code + L->co_firstlineno, &first) < 0 ||
	    rd_ptr(c, code + L->bytes_size, &size) < 0) /* PyVarObject.ob_size, as for bytes */
		return NULL;
	if (L->co_firsttraceable && rd_u32(c, code + L->co_firsttraceable, &ftr) < 0)
		return NULL;
	struct codeinfo *ci = cache_slot(cc);
	ci->addr = code;
	ci->file = read_str(c, fn);
	ci->func = read_str(c, nm);
	ci->firstlineno = (int)first;
	ci->firsttraceable = ftr;
	ci->ncodeunits = size; /* PyCodeObject is a PyVarObject: ob_size counts code units */
	read_linetable(c, lt, ci);
	return ci;
}

/* Where a frame is: its code object, its current instruction and its owner. */
static bool frame_where(const struct pyctx *c, uint64_t fr, uint64_t *code, uint64_t *instr,
			int *owner)
{
	unsigned char o;
	if (rd_ptr(c, fr + c->L.fr_code, code) < 0 || rd_ptr(c, fr + c->L.fr_instr, instr) < 0 ||
	    rd(c, fr + c->L.fr_owner, &o, 1) < 0)
		return false;
	*owner = o;
	return true;
}

static void add_frame(const struct pyctx *c, struct codecache *cc, struct pystack_stack *s,
		      uint64_t code, uint64_t instr, int owner)
{
	const struct codeinfo *ci = code_get(c, cc, code);
	struct pystack_frame *f = &s->frames[s->nframes];
	if (!ci) {
		f->file = xstrdup("???");
		f->function = xstrdup("???");
		f->line = -1;
		s->nframes++;
		return;
	}
	uint64_t base = code + c->L.co_code_adaptive;
	/* Incomplete frames (pushed, not yet at their first traceable instruction) are left
	 * out, as CPython's own tracebacks do. */
	if (owner != OWNER_GENERATOR && c->L.co_firsttraceable &&
	    instr < base + 2ull * ci->firsttraceable)
		return;
	/* 3.11 keeps the last instruction started, 3.13 the one executing: the same formula
	 * as _PyInterpreterFrame_LASTI either way. */
	uint64_t lasti = instr >= base ? (instr - base) / 2 : UINT64_MAX;
	f->file = xstrdup(ci->file ? ci->file : "???");
	f->function = xstrdup(ci->func ? ci->func : "???");
	f->line = -1;
	if (lasti < ci->ncodeunits && ci->table)
		f->line = addr2line(ci->table, ci->tlen, ci->firstlineno, lasti * 2);
	s->nframes++;
}

static bool seen_before(const uint64_t *seen, unsigned n, uint64_t x)
{
	for (unsigned i = 0; i < n; i++)
		if (seen[i] == x)
			return true;
	return false;
}

/* Walk the previous-pointers from fr, innermost first. */
static void walk_frames(const struct pyctx *c, uint64_t fr, struct pystack_stack *s)
{
	struct codecache cc = {.n = 0};
	uint64_t seen[PYSTACK_MAX_FRAMES];
	unsigned nseen = 0;
	s->frames = xcalloc(PYSTACK_MAX_FRAMES, sizeof(*s->frames));
	while (fr) {
		if (seen_before(seen, nseen, fr)) {
			s->loop = true;
			break;
		}
		if (nseen == PYSTACK_MAX_FRAMES || s->nframes == PYSTACK_MAX_FRAMES) {
			s->cut = true;
			break;
		}
		seen[nseen++] = fr;
		uint64_t code, instr, prev;
		int owner;
		if (!frame_where(c, fr, &code, &instr, &owner) ||
		    rd_ptr(c, fr + c->L.fr_previous, &prev) < 0) {
			s->unreadable = true;
			break;
		}
		if (owner != c->L.owner_cstack)
			add_frame(c, &cc, s, code, instr, owner);
		fr = prev;
	}
	cache_free(&cc);
}

/* ---- threads ------------------------------------------------------------------------------ */

/* The innermost frame of a thread state: tstate->cframe->current_frame (3.11), or
 * tstate->current_frame (3.13).  A thread that never ran Python code may have none. */
static bool top_frame(const struct pyctx *c, uint64_t ts, uint64_t *fr)
{
	uint64_t cf;
	*fr = 0;
	if (c->L.ts_cframe)
		return rd_ptr(c, ts + c->L.ts_cframe, &cf) == 0 &&
		       (!cf || rd_ptr(c, cf + c->L.cf_current_frame, fr) == 0);
	return rd_ptr(c, ts + c->L.ts_current_frame, fr) == 0;
}

static void walk_threads(struct pyctx *c, uint64_t interp)
{
	const struct pylayout *L = &c->L;
	struct pystack_result *r = c->res;
	uint64_t ts, seen[PYSTACK_MAX_THREADS];
	unsigned nseen = 0;
	if (rd_ptr(c, interp + L->is_threads_head, &ts) < 0) {
		r->threads_unreadable = true;
		return;
	}
	while (ts && !seen_before(seen, nseen, ts)) {
		if (r->nthreads == PYSTACK_MAX_THREADS || nseen == PYSTACK_MAX_THREADS) {
			r->threads_cut = true;
			return;
		}
		seen[nseen++] = ts;
		struct pystack_stack *s = &r->threads[r->nthreads];
		uint64_t fr, next;
		if (rd_ptr(c, ts + L->ts_thread_id, &s->thread_id) < 0 ||
		    rd_ptr(c, ts + L->ts_native_thread_id, &s->native_thread_id) < 0 ||
		    rd_ptr(c, ts + L->ts_next, &next) < 0) {
			r->threads_unreadable = true; /* the thread list leaves the dump */
			return;
		}
		r->nthreads++;
		if (!top_frame(c, ts, &fr))
			s->unreadable = true;
		walk_frames(c, fr, s);
		ts = next;
	}
}

/* ---- coroutines --------------------------------------------------------------------------- */

/* The object a suspended coroutine awaits (genobject.c, _PyGen_yf), or 0. */
static uint64_t coro_awaits(const struct pyctx *c, uint64_t coro, int8_t state)
{
	const struct pylayout *L = &c->L;
	uint64_t fr = coro + L->gen_iframe, instr, top;
	uint32_t stacktop;
	if (state == L->frame_suspended_yf) {
		/* 3.13 records it in the state */
	} else if (state == L->frame_suspended && L->op_resume >= 0) {
		/* 3.11: the next instruction is RESUME with an oparg of 2 or more */
		unsigned char next[2];
		if (rd_ptr(c, fr + L->fr_instr, &instr) < 0 || rd(c, instr + 2, next, 2) < 0)
			return 0;
		if ((next[0] != L->op_resume && next[0] != L->op_resume_alt) || next[1] < 2)
			return 0;
	} else {
		return 0;
	}
	if (rd_u32(c, fr + L->fr_stacktop, &stacktop) < 0 || stacktop == 0 || stacktop > 1u << 20 ||
	    rd_ptr(c, fr + L->fr_localsplus + 8ull * (stacktop - 1), &top) < 0)
		return 0;
	return top;
}

struct awaiting {
	uint64_t coro;   /* first: sorted and searched with cmp_u64 */
	uint64_t awaits; /* what its frame awaits, 0 if nothing */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct u64vec {
	uint64_t *v;
	size_t n, cap;
};

/* One GC list (a doubly linked ring through PyGC_Head._gc_next, whose low bits are flags
 * during a collection): the coroutine objects on it.  False when the walk stopped early. */
static bool gc_list(struct pyctx *c, uint64_t head, struct u64vec *coros)
{
	const struct pylayout *L = &c->L;
	struct pystack_result *r = c->res;
	uint64_t gc;
	if (rd_ptr(c, head, &gc) < 0)
		return false;
	while ((gc & ~(uint64_t)3) != head && gc) {
		gc &= ~(uint64_t)3;
		if (r->gc_objects >= PYSTACK_MAX_GC_OBJECTS)
			return false;
		if ((++r->gc_objects & 0xffff) == 0 && unwind_past(&c->o->deadline))
			return false;
		unsigned char b[32];
		if (rd(c, gc, b, sizeof(b)) < 0)
			return false; /* the list leaves the dump: coroutines may be missing */
		if (L->gc_head_size == 16 && L->ob_type == 8 && le64(b + 24) == c->coro_type &&
		    coros->n < (1u << 20)) {
			coros->v = xgrow(coros->v, &coros->cap, coros->n + 1, sizeof(*coros->v));
			coros->v[coros->n++] = gc + L->gc_head_size;
		}
		gc = le64(b);
	}
	return true;
}

/* The coroutines the interpreter's GC tracks (every live one is): its three generations
 * and the permanent one. */
static void gc_coroutines(struct pyctx *c, uint64_t interp, struct u64vec *coros)
{
	const struct pylayout *L = &c->L;
	uint64_t heads[4];
	for (int g = 0; g < 3; g++)
		heads[g] = interp + L->is_gc + L->gc_generations + (uint64_t)g * L->gc_generation_size;
	heads[3] = interp + L->is_gc + L->gc_permanent;
	for (int g = 0; g < 4 && !c->res->gc_cut; g++)
		if (!gc_list(c, heads[g], coros))
			c->res->gc_cut = true;
}

/* One await chain, from the outermost coroutine: reversed into a stack, innermost first. */
static void coro_stack(struct pyctx *c, const struct awaiting *aw, size_t m, uint64_t root,
		       struct pystack_stack *s)
{
	uint64_t chain[PYSTACK_MAX_FRAMES];
	unsigned len = 0;
	for (uint64_t co = root; co;) {
		if (seen_before(chain, len, co)) {
			s->loop = true;
			break;
		}
		if (len == PYSTACK_MAX_FRAMES) {
			s->cut = true;
			break;
		}
		chain[len++] = co;
		struct awaiting key = {.coro = co};
		const struct awaiting *hit = bsearch(&key, aw, m, sizeof(*aw), cmp_u64);
		uint64_t next = hit ? hit->awaits : 0;
		key.coro = next;
		co = next && bsearch(&key, aw, m, sizeof(*aw), cmp_u64) ? next : 0;
	}
	struct codecache cc = {.n = 0};
	s->frames = xcalloc(len ? len : 1, sizeof(*s->frames));
	for (unsigned k = len; k-- > 0;) {
		uint64_t code, instr;
		int owner;
		if (!frame_where(c, chain[k] + c->L.gen_iframe, &code, &instr, &owner)) {
			s->unreadable = true;
			break;
		}
		add_frame(c, &cc, s, code, instr, OWNER_GENERATOR);
	}
	cache_free(&cc);
}

/* Suspended coroutines (asyncio tasks and what they await, which no thread's stack shows),
 * grouped into await chains: one stack per chain.  Sorted arrays and bsearch: a hostile
 * dump can hold a million "coroutines", and nothing here is quadratic. */
static void walk_coroutines(struct pyctx *c, uint64_t interp)
{
	const struct pylayout *L = &c->L;
	struct pystack_result *r = c->res;
	if (!c->coro_type || !L->gc_head_size)
		return;
	struct u64vec coros = {0};
	gc_coroutines(c, interp, &coros);
	struct awaiting *aw = xcalloc(coros.n ? coros.n : 1, sizeof(*aw));
	size_t m = 0;
	for (size_t i = 0; i < coros.n; i++) {
		int8_t st;
		if (rd(c, coros.v[i] + L->gen_frame_state, &st, 1) < 0 ||
		    (st != L->frame_suspended && st != L->frame_suspended_yf))
			continue;
		aw[m].coro = coros.v[i];
		aw[m++].awaits = coro_awaits(c, coros.v[i], st);
	}
	sort_array(aw, m, sizeof(*aw), cmp_u64); /* by .coro, the first member */
	uint64_t *awaited = xcalloc(m ? m : 1, sizeof(*awaited));
	for (size_t i = 0; i < m; i++)
		awaited[i] = aw[i].awaits;
	sort_array(awaited, m, sizeof(*awaited), cmp_u64);
	if (!r->coros)
		r->coros = xcalloc(PYSTACK_MAX_COROS, sizeof(*r->coros));
	for (size_t i = 0; i < m; i++) {
		/* Roots: suspended coroutines no other suspended coroutine awaits. */
		if (m && bsearch(&aw[i].coro, awaited, m, sizeof(*awaited), cmp_u64))
			continue;
		if (r->ncoros == PYSTACK_MAX_COROS) {
			r->coros_cut = true;
			break;
		}
		coro_stack(c, aw, m, aw[i].coro, &r->coros[r->ncoros++]);
	}
	free(coros.v);
	free(aw);
	free(awaited);
}

/* ---- finding the interpreter -------------------------------------------------------------- */

struct syms {
	uint64_t runtime, version, code_type, str_type, bytes_type, coro_type;
};

/* .symtab first (a build with symbols), then .dynsym (Debian's python exports them all). */
static void find_syms(Elf *e, struct syms *s)
{
	static const char *const want[] = {"_PyRuntime",     "Py_Version",   "PyCode_Type",
					   "PyUnicode_Type", "PyBytes_Type", "PyCoro_Type"};
	uint64_t *dst[] = {&s->runtime,  &s->version,    &s->code_type,
			   &s->str_type, &s->bytes_type, &s->coro_type};
	for (int pass = 0; pass < 2; pass++) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(e, scn))) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh) ||
			    sh.sh_type != (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM) || !sh.sh_entsize)
				continue;
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t count = sh.sh_size / sh.sh_entsize;
			for (size_t i = 0; d && i < count && i < (1u << 24); i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
					continue;
				const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
				if (!name || (name[0] != '_' && name[0] != 'P'))
					continue;
				for (size_t k = 0; k < ARRAY_SIZE(want); k++)
					if (!*dst[k] && strcmp(name, want[k]) == 0)
						*dst[k] = sym.st_value;
			}
		}
	}
}

/* 4 bytes of the file at a virtual address (Py_Version lives in .rodata, not dumped). */
static int file_u32_at(Elf *e, uint64_t va, uint32_t *out)
{
	size_t phnum, fsize;
	const unsigned char *raw = (const unsigned char *)elf_rawfile(e, &fsize);
	if (!raw || elf_getphdrnum(e, &phnum) != 0)
		return -1;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || va < ph.p_vaddr ||
		    va - ph.p_vaddr + 4 > ph.p_filesz)
			continue;
		uint64_t off = ph.p_offset + (va - ph.p_vaddr);
		if (off + 4 > fsize || off + 4 < off)
			return -1;
		*out = le32(raw + off);
		return 0;
	}
	return -1;
}

/* The file's offset-0 PT_LOAD's vaddr (its mapping's start minus it is the load bias), and
 * where its program headers are (PT_PHDR, else that vaddr plus e_phoff). */
static int file_layout(Elf *e, uint64_t *first, uint64_t *phdr)
{
	GElf_Ehdr eh;
	size_t phnum;
	if (!gelf_getehdr(e, &eh) || elf_getphdrnum(e, &phnum) != 0)
		return -1;
	*first = UINT64_MAX, *phdr = UINT64_MAX;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && ph.p_offset == 0 && *first == UINT64_MAX)
			*first = ph.p_vaddr;
		if (ph.p_type == PT_PHDR)
			*phdr = ph.p_vaddr;
	}
	if (*first == UINT64_MAX)
		return -1;
	if (*phdr == UINT64_MAX)
		*phdr = *first + eh.e_phoff;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* python3.11, python3, libpython3.11.so.1.0, python3.13d ...: files worth opening. */
static bool looks_like_python(const char *path)
{
	const char *b = base_name(path);
	return strncmp(b, "python", 6) == 0 || strncmp(b, "libpython", 9) == 0;
}

/* "python3.10" -> 3, 10 from a file name, to say which version is unsupported. */
static bool version_from_name(const char *path, int *maj, int *min)
{
	const char *p = strstr(base_name(path), "python");
	return p && sscanf(p + 6, "%d.%d", maj, min) == 2;
}

/* A candidate interpreter file: mapped from offset 0 at start (0: placed by AT_PHDR). */
struct candidate {
	const char *path;
	uint64_t start;
};

struct found {
	struct syms sy;
	uint64_t bias;
	uint32_t hexversion;
};

/* The core's build-id for the file mapped at start must be the file's, when the core has
 * one; false (and the status) when it differs. */
static bool same_build(struct pyctx *c, int fd, const char *path, uint64_t start)
{
	unsigned char fid[64], cid[64];
	size_t fl = modfile_build_id(fd, fid, sizeof(fid));
	size_t cl = elfcore_image_build_id(c->ci, start, cid, sizeof(cid));
	if (!fl || !cl)
		return true;
	if (fl != cl || memcmp(fid, cid, fl) != 0) {
		c->res->status = PYSTACK_MISMATCH;
		problem(c->res, "%s: build-id differs from the core's", path);
		return false;
	}
	c->res->build_id_checked = true;
	return true;
}

/* Open one candidate: symbols, bias, build-id, version.  0 when _PyRuntime was found. */
static int try_module(struct pyctx *c, const struct candidate *m, struct found *f)
{
	struct pystack_result *r = c->res;
	int fd = modfile_open(c->o->sysroot, m->path);
	if (fd < 0) {
		r->status = PYSTACK_NO_SYMBOLS;
		problem(r, "cannot open %s%s: %s", c->o->sysroot ? c->o->sysroot : "", m->path,
			errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	uint64_t first, phv;
	int ret = -1;
	memset(f, 0, sizeof(*f));
	if (!e || elf_kind(e) != ELF_K_ELF || file_layout(e, &first, &phv) < 0) {
		r->status = PYSTACK_NO_SYMBOLS;
		problem(r, "%s is not a loadable ELF file", m->path);
		goto out;
	}
	/* The build first: never a symbol from another build of the file. */
	uint64_t start = m->start ? m->start : c->ci->at_phdr - phv + first;
	f->bias = start - first;
	if (!same_build(c, fd, m->path, start))
		goto out;
	find_syms(e, &f->sy);
	if (!f->sy.runtime) {
		r->status = PYSTACK_NO_SYMBOLS;
		problem(r, "%s has no _PyRuntime symbol", m->path);
		goto out;
	}
	uint32_t v;
	if (f->sy.version && (rd_u32(c, f->bias + f->sy.version, &v) == 0 ||
			      file_u32_at(e, f->sy.version, &v) == 0))
		f->hexversion = v;
	free(r->module);
	r->module = xstrdup(m->path);
	ret = 0;
out:
	if (e)
		elf_end(e);
	close(fd);
	return ret;
}

/* The python or libpython files the core maps from offset 0, each once, at most
 * PYSTACK_CANDIDATES_MAX; with no NT_FILE (qemu-user), the executable AT_EXECFN names. */
static size_t candidates(const struct core_info *ci, struct candidate *out)
{
	size_t n = 0;
	for (uint32_t i = 0; i < ci->nmaps && n < PYSTACK_CANDIDATES_MAX; i++) {
		const struct core_map *m = &ci->maps[i];
		const char *path = elfcore_map_name(ci, m);
		if (m->offset != 0 || path[0] != '/' || !looks_like_python(path))
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= strcmp(out[k].path, path) == 0;
		if (!dup)
			out[n++] = (struct candidate){path, m->start};
	}
	if (!ci->nmaps && ci->exe && ci->exe[0] == '/' && ci->at_phdr && looks_like_python(ci->exe))
		out[n++] = (struct candidate){ci->exe, 0};
	return n;
}

/* The interpreter among the candidates; NULL with the status and problem set. */
static const struct candidate *find_interpreter(struct pyctx *c, const struct candidate *cand,
						size_t n, struct found *f)
{
	struct pystack_result *r = c->res;
	for (size_t i = 0; i < n; i++) {
		if (try_module(c, &cand[i], f) == 0)
			return &cand[i];
		if (r->status == PYSTACK_MISMATCH)
			return NULL; /* the right file, but not the same build: stop here */
		/* python3.10 and older have no Py_Version: say which one it is */
		int maj, min;
		if (version_from_name(cand[i].path, &maj, &min) && (maj < 3 || (maj == 3 && min < 11))) {
			r->status = PYSTACK_UNSUPPORTED;
			problem(r, "CPython %d.%d is not supported (3.11 and 3.13 are)", maj, min);
			return NULL;
		}
	}
	if (!n) {
		r->status = PYSTACK_NOT_PYTHON;
		if (c->ci->nmaps)
			problem(r, "no python or libpython among the %u mappings", c->ci->nmaps);
		else
			problem(r, "the core lists no mapped files (no NT_FILE)");
	}
	return NULL;
}

static void version_text(struct pystack_result *r, uint32_t hex)
{
	unsigned micro = hex >> 8 & 0xff, lvl = hex >> 4 & 0xf, ser = hex & 0xf;
	snprintf(r->version, sizeof(r->version), "%u.%u.%u%s", hex >> 24, hex >> 16 & 0xff, micro,
		 lvl == 0xA ? "a" : lvl == 0xB ? "b" : lvl == 0xC ? "rc" : "");
	if (lvl >= 0xA && lvl < 0xF) {
		size_t l = strlen(r->version);
		snprintf(r->version + l, sizeof(r->version) - l, "%u", ser);
	}
}

/* Long: the one list of every field taken from _Py_DebugOffsets, each checked to lie inside
 * the structure its size field gives; splitting it would only scatter that list. */
/* 3.13: the layout from the interpreter's own _Py_DebugOffsets.  The generated table still
 * supplies what the structure lacks (generator and GC fields), so every field both have
 * must agree, else those extras are not trusted. */
static int from_debug_offsets(struct pyctx *c, uint64_t runtime, uint32_t hexversion)
{
	const struct pydebugpos *P = &debugpos_313;
	unsigned char d[DEBUG_OFFSETS_MAX];
	struct pystack_result *r = c->res;
	if (P->total > sizeof(d) || rd(c, runtime, d, P->total) < 0) {
		r->status = PYSTACK_UNREADABLE;
		problem(r, "_Py_DebugOffsets at 0x%llx is not in the dump", (unsigned long long)runtime);
		return -1;
	}
	if (memcmp(d, "xdebugpy", 8) != 0) {
		r->status = PYSTACK_UNREADABLE;
		problem(r, "no _Py_DebugOffsets cookie at _PyRuntime");
		return -1;
	}
	uint64_t v = le64(d + P->version);
	if ((v >> 16) != (hexversion >> 16) || (v >> 16) != (P->hexversion >> 16)) {
		r->status = PYSTACK_MISMATCH;
		problem(r, "_Py_DebugOffsets says version 0x%llx, Py_Version 0x%x",
			(unsigned long long)v, hexversion);
		return -1;
	}
	if (le64(d + P->free_threaded)) {
		r->status = PYSTACK_UNSUPPORTED;
		problem(r, "free-threaded CPython %s is not supported", r->version);
		return -1;
	}
	struct pylayout D = c->L; /* the generated table, overwritten field by field */
	bool bad = false;
#define G(field, limit)                                                                       \
	do {                                                                                  \
		uint64_t o_ = le64(d + P->field);                                             \
		if (o_ >= (limit) || o_ > UINT32_MAX)                                         \
			bad = true;                                                           \
		D.field = (uint32_t)o_;                                                       \
	} while (0)
	uint64_t is_size = le64(d + P->is_size), ts_size = le64(d + P->ts_size);
	uint64_t fr_size = le64(d + P->fr_size), co_size = le64(d + P->co_size);
	G(rt_interp_head, 1u << 24);
	G(is_next, is_size);
	G(is_threads_head, is_size);
	G(is_gc, is_size);
	G(ts_next, ts_size);
	G(ts_current_frame, ts_size);
	G(ts_thread_id, ts_size);
	G(ts_native_thread_id, ts_size);
	G(fr_previous, fr_size);
	G(fr_code, fr_size);
	G(fr_instr, fr_size);
	G(fr_localsplus, fr_size);
	G(fr_owner, fr_size);
	G(co_filename, co_size);
	G(co_name, co_size);
	G(co_qualname, co_size);
	G(co_linetable, co_size);
	G(co_firstlineno, co_size);
	G(co_code_adaptive, co_size + 1);
	G(ob_type, 64);
	G(bytes_size, 64);
	G(bytes_sval, 64);
	G(str_state, 64);
	G(str_length, 64);
	G(str_ascii_size, 128);
#undef G
	if (bad) {
		r->status = PYSTACK_UNSUPPORTED;
		problem(r, "_Py_DebugOffsets: an offset lies outside its structure");
		return -1;
	}
	if (memcmp(&D, &c->L, sizeof(D)) != 0) {
		/* Another 3.13 build: stacks are still read with its own offsets, but the
		 * table-only fields (coroutines, incomplete frames) are not trusted. */
		D.gc_head_size = 0;
		D.co_firsttraceable = 0;
		c->table_mismatch = true;
	}
	c->L = D;
	return 0;
}

/* The layout for the version found; -1 (and the status) for one there is none for. */
static int choose_layout(struct pyctx *c, const struct found *f, const char *path)
{
	struct pystack_result *r = c->res;
	c->major = (int)(f->hexversion >> 24);
	c->minor = (int)(f->hexversion >> 16 & 0xff);
	if (f->hexversion)
		version_text(r, f->hexversion);
	if (c->major == 3 && c->minor == 11) {
		c->L = layout_311;
		r->layout = "table 3.11";
		return 0;
	}
	if (c->major == 3 && c->minor == 13) {
		c->L = layout_313; /* generators, GC; the rest comes from _Py_DebugOffsets */
		if (from_debug_offsets(c, f->bias + f->sy.runtime, f->hexversion) < 0)
			return -1;
		r->layout = "_Py_DebugOffsets";
		return 0;
	}
	r->status = PYSTACK_UNSUPPORTED;
	if (f->hexversion)
		problem(r, "CPython %s is not supported (3.11 and 3.13 are)", r->version);
	else
		problem(r, "%s: CPython version unknown (no Py_Version)", path);
	return -1;
}

/* Every interpreter (the main one, then sub-interpreters), its threads and coroutines. */
static void walk_interpreters(struct pyctx *c, uint64_t interp)
{
	struct pystack_result *r = c->res;
	uint64_t seen[PYSTACK_MAX_INTERPS];
	unsigned n = 0;
	r->threads = xcalloc(PYSTACK_MAX_THREADS, sizeof(*r->threads));
	while (interp && n < PYSTACK_MAX_INTERPS && !seen_before(seen, n, interp)) {
		seen[n++] = interp;
		walk_threads(c, interp);
		if (c->o->coroutines)
			walk_coroutines(c, interp);
		if (rd_ptr(c, interp + c->L.is_next, &interp) < 0)
			break;
	}
}

/* What makes the core readable at all: 64-bit little-endian x86-64 or aarch64. */
static bool supported_core(const struct core_info *ci, struct pystack_result *r)
{
	if (ci->machine != EM_X86_64 && ci->machine != EM_AARCH64) {
		r->status = PYSTACK_UNSUPPORTED;
		problem(r, "Python stacks are read on x86-64 and aarch64 only");
		return false;
	}
	if (ci->elf_class != 64 || ci->big_endian) {
		r->status = PYSTACK_UNSUPPORTED;
		problem(r, "only 64-bit little-endian cores are supported");
		return false;
	}
	return true;
}

enum pystack_status pystack_read(const struct core_info *ci, const struct pystack_opts *o,
				 struct pystack_result *res)
{
	memset(res, 0, sizeof(*res));
	struct pyctx c = {.ci = ci, .o = o, .res = res};
	struct candidate cand[PYSTACK_CANDIDATES_MAX + 1];
	struct found f;
	res->status = PYSTACK_NOT_PYTHON;
	if (!ci->mem)
		return res->status;
	elf_version(EV_CURRENT);
	const struct candidate *mod = find_interpreter(&c, cand, candidates(ci, cand), &f);
	if (!mod || !supported_core(ci, res) || choose_layout(&c, &f, mod->path) < 0)
		return res->status;
	c.code_type = f.sy.code_type ? f.bias + f.sy.code_type : 0;
	c.str_type = f.sy.str_type ? f.bias + f.sy.str_type : 0;
	c.bytes_type = f.sy.bytes_type ? f.bias + f.sy.bytes_type : 0;
	c.coro_type = f.sy.coro_type ? f.bias + f.sy.coro_type : 0;
	if (!c.code_type || !c.str_type) {
		res->status = PYSTACK_NO_SYMBOLS;
		problem(res, "%s lacks PyCode_Type or PyUnicode_Type", mod->path);
		return res->status;
	}
	uint64_t runtime = f.bias + f.sy.runtime, interp;
	if (rd_ptr(&c, runtime + c.L.rt_interp_head, &interp) < 0) {
		res->status = PYSTACK_UNREADABLE;
		problem(res, "_PyRuntime at 0x%llx is not in the dump", (unsigned long long)runtime);
		return res->status;
	}
	res->status = PYSTACK_OK;
	res->problem[0] = '\0';
	if (c.table_mismatch)
		problem(res, "_Py_DebugOffsets differ from the %d.%d table: coroutines not read",
			c.major, c.minor);
	walk_interpreters(&c, interp);
	return res->status;
}

static void stack_free(struct pystack_stack *s)
{
	for (uint32_t i = 0; i < s->nframes; i++) {
		free(s->frames[i].file);
		free(s->frames[i].function);
	}
	free(s->frames);
}

void pystack_free(struct pystack_result *res)
{
	for (uint32_t i = 0; i < res->nthreads; i++)
		stack_free(&res->threads[i]);
	for (uint32_t i = 0; i < res->ncoros; i++)
		stack_free(&res->coros[i]);
	free(res->threads);
	free(res->coros);
	free(res->module);
	memset(res, 0, sizeof(*res));
}

const char *pystack_status_name(enum pystack_status s)
{
	static const char *const n[] = {
		[PYSTACK_NOT_PYTHON] = "not-python", [PYSTACK_UNSUPPORTED] = "unsupported",
		[PYSTACK_NO_SYMBOLS] = "no-symbols", [PYSTACK_MISMATCH] = "mismatch",
		[PYSTACK_UNREADABLE] = "unreadable", [PYSTACK_OK] = "ok",
	};
	return (unsigned)s < ARRAY_SIZE(n) ? n[s] : "?";
}

/* The standard library and installed packages, by their paths on Debian and in venvs. */
static bool library_file(const char *file)
{
	return !file || file[0] != '/' || strstr(file, "/site-packages/") ||
	       strstr(file, "/dist-packages/") ||
	       (strncmp(file, "/usr/lib/python", 15) == 0 && strchr(file + 15, '/')) ||
	       (strncmp(file, "/usr/local/lib/python", 21) == 0 && strchr(file + 21, '/'));
}

const struct pystack_frame *pystack_app_frame(const struct pystack_result *res, bool *coroutine)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct pystack_stack *v = pass == 0 ? res->coros : res->threads;
		uint32_t n = pass == 0 ? res->ncoros : res->nthreads;
		*coroutine = pass == 0;
		for (uint32_t i = 0; v && i < n; i++)
			for (uint32_t k = 0; k < v[i].nframes; k++)
				if (!library_file(v[i].frames[k].file))
					return &v[i].frames[k];
	}
	return NULL;
}
