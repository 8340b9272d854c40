/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "stack/stackwire.h"

#include <stdio.h>
#include <string.h>

enum rec {
	REC_PYTHON = 'P',  /* the Python reader's status */
	REC_PYSTACK = 'S', /* one Python stack: a thread's or a coroutine chain's */
	REC_MODULES = 'M', /* the native unwinder's modules, before its threads */
	REC_THREAD = 'T',  /* one thread's native frames */
	REC_END = 'E',     /* the native unwinder finished (or stopped at its deadline) */
};

#define STR_MAX 8192  /* no string the readers make is longer */
#define NULL_STR UINT32_MAX

/* ---- encoding ----------------------------------------------------------------------------- */

static void put_u64(struct sbuf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	sbuf_add(b, x, 8);
}

static void put_u32(struct sbuf *b, uint32_t v)
{
	unsigned char x[4];
	for (int i = 0; i < 4; i++)
		x[i] = (unsigned char)(v >> (8 * i));
	sbuf_add(b, x, 4);
}

static void put_str(struct sbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > STR_MAX)
		n = STR_MAX;
	put_u32(b, s ? (uint32_t)n : NULL_STR);
	if (n) /* memcpy from NULL is undefined even for 0 bytes (found by fuzz_stack) */
		sbuf_add(b, s, n);
}

static size_t begin(struct sbuf *b, enum rec type)
{
	sbuf_addc(b, (char)type);
	put_u32(b, 0);
	return b->len;
}

static void end(struct sbuf *b, size_t start)
{
	uint32_t n = (uint32_t)(b->len - start);
	for (int i = 0; i < 4; i++)
		b->s[start - 4 + i] = (char)(n >> (8 * i));
}

static void put_pystack(struct sbuf *b, const struct pystack_stack *s, bool coro)
{
	size_t r = begin(b, REC_PYSTACK);
	put_u64(b, coro);
	put_u64(b, s->thread_id);
	put_u64(b, s->native_thread_id);
	put_u64(b, (uint64_t)s->cut | (uint64_t)s->loop << 1 | (uint64_t)s->unreadable << 2);
	put_u64(b, s->nframes);
	for (uint32_t i = 0; i < s->nframes; i++) {
		put_str(b, s->frames[i].file);
		put_str(b, s->frames[i].function);
		put_u64(b, (uint64_t)(int64_t)s->frames[i].line);
	}
	end(b, r);
}

void stackwire_python(struct sbuf *b, const struct pystack_result *py)
{
	size_t r = begin(b, REC_PYTHON);
	put_u64(b, py->status);
	put_str(b, py->problem);
	put_str(b, py->version);
	put_str(b, py->layout);
	put_str(b, py->module);
	put_u64(b, (uint64_t)py->build_id_checked | (uint64_t)py->threads_cut << 1 |
		       (uint64_t)py->threads_unreadable << 2 | (uint64_t)py->coros_cut << 3 |
		       (uint64_t)py->gc_cut << 4);
	put_u64(b, py->gc_objects);
	end(b, r);
	for (uint32_t i = 0; i < py->nthreads; i++)
		put_pystack(b, &py->threads[i], false);
	for (uint32_t i = 0; i < py->ncoros; i++)
		put_pystack(b, &py->coros[i], true);
}

void stackwire_modules(struct sbuf *b, const struct unwind_result *res)
{
	size_t r = begin(b, REC_MODULES);
	put_u64(b, res->done);
	put_u64(b, res->modules);
	put_u64(b, res->modules_missing);
	put_u64(b, res->modules_differ);
	put_str(b, res->problem);
	end(b, r);
}

void stackwire_thread(struct sbuf *b, const struct unwind_thread *t)
{
	size_t r = begin(b, REC_THREAD);
	put_u64(b, (uint64_t)t->tid);
	put_u64(b, t->frames_cut);
	put_str(b, t->error);
	put_u64(b, t->nframes);
	for (uint32_t i = 0; i < t->nframes; i++) {
		const struct unwind_frame *f = &t->frames[i];
		put_u64(b, f->pc);
		put_str(b, f->module);
		put_u64(b, f->offset);
		put_str(b, f->function);
		put_u64(b, f->function_offset);
		put_u64(b, f->note);
	}
	end(b, r);
}

void stackwire_end(struct sbuf *b, const struct unwind_result *res)
{
	size_t r = begin(b, REC_END);
	put_u64(b, (uint64_t)res->timed_out | (uint64_t)res->threads_cut << 1);
	put_str(b, res->problem);
	end(b, r);
}

/* ---- decoding ----------------------------------------------------------------------------- */

struct in {
	const unsigned char *p, *end;
	bool bad; /* a field ran past its record: the rest of the record is ignored */
};

static uint64_t get_u64(struct in *in)
{
	if (in->end - in->p < 8) {
		in->bad = true;
		in->p = in->end;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | in->p[i];
	in->p += 8;
	return v;
}

static char *get_str(struct in *in)
{
	if (in->end - in->p < 4) {
		in->bad = true;
		in->p = in->end;
		return NULL;
	}
	uint32_t n = (uint32_t)in->p[0] | (uint32_t)in->p[1] << 8 | (uint32_t)in->p[2] << 16 |
		     (uint32_t)in->p[3] << 24;
	in->p += 4;
	if (n == NULL_STR)
		return NULL;
	if (n > STR_MAX || (size_t)(in->end - in->p) < n) {
		in->bad = true;
		in->p = in->end;
		return NULL;
	}
	char *s = xstrndup((const char *)in->p, n);
	in->p += n;
	return s;
}

/* A count, capped by what the record can still hold (each item takes at least min bytes). */
static uint32_t get_count(struct in *in, uint32_t cap, size_t min)
{
	uint64_t n = get_u64(in);
	size_t room = (size_t)(in->end - in->p) / min;
	if (n > cap)
		n = cap;
	return (uint32_t)(n < room ? n : room);
}

/* "_Py_DebugOffsets" or "table 3.11": the decoded result keeps pystack's static strings. */
static const char *known_layout(const char *s)
{
	static const char *const known[] = {"_Py_DebugOffsets", "table 3.11"};
	for (size_t i = 0; s && i < ARRAY_SIZE(known); i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return NULL;
}

static void copy_text(char *dst, size_t cap, char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
	free(s);
}

static void dec_python(struct in *in, struct stackwire_result *r)
{
	struct pystack_result *py = &r->py;
	if (r->has_python)
		return;
	r->has_python = true;
	uint64_t st = get_u64(in);
	py->status = st < PYSTACK_STATUSES ? (enum pystack_status)st : PYSTACK_UNREADABLE;
	copy_text(py->problem, sizeof(py->problem), get_str(in));
	copy_text(py->version, sizeof(py->version), get_str(in));
	char *layout = get_str(in);
	py->layout = known_layout(layout);
	free(layout);
	py->module = get_str(in);
	uint64_t f = get_u64(in);
	py->build_id_checked = f & 1, py->threads_cut = f >> 1 & 1;
	py->threads_unreadable = f >> 2 & 1, py->coros_cut = f >> 3 & 1, py->gc_cut = f >> 4 & 1;
	py->gc_objects = get_u64(in);
	py->threads = xcalloc(PYSTACK_MAX_THREADS, sizeof(*py->threads));
	py->coros = xcalloc(PYSTACK_MAX_COROS, sizeof(*py->coros));
}

static void dec_pystack(struct in *in, struct stackwire_result *r)
{
	struct pystack_result *py = &r->py;
	if (!r->has_python)
		return;
	bool coro = get_u64(in) != 0;
	uint32_t *n = coro ? &py->ncoros : &py->nthreads;
	if (*n == (coro ? PYSTACK_MAX_COROS : PYSTACK_MAX_THREADS))
		return;
	struct pystack_stack *s = coro ? &py->coros[(*n)++] : &py->threads[(*n)++];
	s->thread_id = get_u64(in);
	s->native_thread_id = get_u64(in);
	uint64_t f = get_u64(in);
	s->cut = f & 1, s->loop = f >> 1 & 1, s->unreadable = f >> 2 & 1;
	uint32_t nf = get_count(in, PYSTACK_MAX_FRAMES, 16);
	s->frames = xcalloc(nf ? nf : 1, sizeof(*s->frames));
	for (uint32_t i = 0; i < nf && !in->bad; i++) {
		struct pystack_frame *fr = &s->frames[s->nframes++];
		fr->file = get_str(in);
		fr->function = get_str(in);
		int64_t line = (int64_t)get_u64(in);
		fr->line = line >= -1 && line <= INT32_MAX ? (int)line : -1;
	}
}

/* The first one opens the native part (the threads follow); a later one, written once the
 * threads are done, brings the final counts. */
static void dec_modules(struct in *in, struct stackwire_result *r)
{
	struct unwind_result *u = &r->native;
	if (!r->has_native) {
		r->has_native = true;
		u->threads = xcalloc(UNWIND_MAX_THREADS, sizeof(*u->threads));
	}
	u->done = get_u64(in) != 0;
	u->modules = (uint32_t)get_u64(in);
	u->modules_missing = (uint32_t)get_u64(in);
	u->modules_differ = (uint32_t)get_u64(in);
	free(u->problem);
	u->problem = get_str(in);
}

static void dec_thread(struct in *in, struct stackwire_result *r)
{
	struct unwind_result *u = &r->native;
	if (!r->has_native || u->nthreads == UNWIND_MAX_THREADS)
		return;
	struct unwind_thread *t = &u->threads[u->nthreads++];
	t->tid = (int64_t)get_u64(in);
	t->frames_cut = get_u64(in) != 0;
	t->error = get_str(in);
	uint32_t nf = get_count(in, UNWIND_MAX_FRAMES, 40);
	t->frames = xcalloc(nf ? nf : 1, sizeof(*t->frames));
	for (uint32_t i = 0; i < nf && !in->bad; i++) {
		struct unwind_frame *f = &t->frames[t->nframes++];
		f->pc = get_u64(in);
		f->module = get_str(in);
		f->offset = get_u64(in);
		f->function = get_str(in);
		f->function_offset = get_u64(in);
		uint64_t note = get_u64(in);
		f->note = note <= UNWIND_NOTE_UNCHECKED ? (enum unwind_note)note : UNWIND_NOTE_NONE;
	}
}

static void dec_end(struct in *in, struct stackwire_result *r)
{
	if (!r->has_native)
		return;
	uint64_t f = get_u64(in);
	r->native.timed_out = f & 1;
	r->native.threads_cut = f >> 1 & 1;
	char *problem = get_str(in);
	if (problem) {
		free(r->native.problem);
		r->native.problem = problem;
	}
	r->complete = !in->bad;
}

void stackwire_decode(const unsigned char *buf, size_t len, struct stackwire_result *out)
{
	memset(out, 0, sizeof(*out));
	size_t pos = 0;
	while (len - pos >= 5) {
		uint32_t n = (uint32_t)buf[pos + 1] | (uint32_t)buf[pos + 2] << 8 |
			     (uint32_t)buf[pos + 3] << 16 | (uint32_t)buf[pos + 4] << 24;
		if (n > len - pos - 5)
			break; /* a record cut short: the stream ends here */
		struct in in = {buf + pos + 5, buf + pos + 5 + n, false};
		switch (buf[pos]) {
		case REC_PYTHON: dec_python(&in, out); break;
		case REC_PYSTACK: dec_pystack(&in, out); break;
		case REC_MODULES: dec_modules(&in, out); break;
		case REC_THREAD: dec_thread(&in, out); break;
		case REC_END: dec_end(&in, out); break;
		default: break;
		}
		pos += 5 + (size_t)n;
	}
}

void stackwire_result_free(struct stackwire_result *r)
{
	pystack_free(&r->py);
	unwind_result_free(&r->native);
	memset(r, 0, sizeof(*r));
}
