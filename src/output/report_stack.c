/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_stack: the stacks of a core (src/stack/) as `info` and the inspect pane show them
 * (coredumpctl's "Stack trace of thread N", crashing thread first) and as the JSON keys
 * `backtrace` and `python_stack` (doc/json.md).  Every byte from the dump or its files goes
 * through the sanitiser or the JSON writer. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/sanitize.h"
#include "kinds/dump.h"
#include "output/report.h"
#include "stack/stack.h"

#define INDENT 17 /* the column the info fields' values start at */

static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p;
}

/* ---- text --------------------------------------------------------------------------------- */

struct text {
	FILE *f;
	unsigned san;
	struct sbuf tmp;
	int digits; /* of a pc: 16 or 8 */
};

static const char *safe(struct text *t, const char *s)
{
	return sanitize_str(&t->tmp, s ? s : "", t->san);
}

static void native_frame(struct text *t, unsigned i, const struct unwind_frame *f)
{
	fprintf(t->f, "%*s#%-2u 0x%0*" PRIx64 " ", INDENT, "", i, t->digits, f->pc);
	fprintf(t->f, "%s", f->function ? safe(t, f->function) : "n/a");
	if (f->module)
		fprintf(t->f, " (%s + 0x%" PRIx64 ")", safe(t, base_name(f->module)), f->offset);
	const char *note = unwind_note_text(f->note);
	if (note && f->note != UNWIND_NOTE_NO_SYMBOL)
		fprintf(t->f, " (%s)", note);
	fputc('\n', t->f);
}

static void native_thread(struct text *t, const struct unwind_thread *th, bool crashed)
{
	fprintf(t->f, "\n%*sStack trace of thread %" PRId64 "%s:\n", INDENT, "", th->tid,
		crashed ? " (the one that took the signal)" : "");
	for (uint32_t i = 0; i < th->nframes; i++)
		native_frame(t, i, &th->frames[i]);
	if (th->frames_cut)
		fprintf(t->f, "%*s(cut at %d frames)\n", INDENT, "", UNWIND_MAX_FRAMES);
	else if (th->error && th->nframes <= 1)
		fprintf(t->f, "%*s(unwinding stopped: %s)\n", INDENT, "", safe(t, th->error));
}

static void native_text(struct text *t, const struct stack_result *st, bool crashed_only)
{
	const struct unwind_result *u = &st->r.native;
	fprintf(t->f, "%*s: ", INDENT - 2, "Backtrace");
	fprintf(t->f, "%" PRIu32 " thread%s in %.2f s; %" PRIu32 " mapped file%s", u->nthreads,
		u->nthreads == 1 ? "" : "s", st->seconds, u->modules, u->modules == 1 ? "" : "s");
	if (u->modules_missing || u->modules_differ)
		fprintf(t->f, ", %" PRIu32 " not on this machine, %" PRIu32 " another build (no names)",
			u->modules_missing, u->modules_differ);
	fputc('\n', t->f);
	if (u->problem && !u->nthreads)
		fprintf(t->f, "%*s(%s)\n", INDENT, "", safe(t, u->problem));
	for (uint32_t i = 0; i < u->nthreads && (i == 0 || !crashed_only); i++)
		native_thread(t, &u->threads[i], i == 0);
	if (crashed_only && u->nthreads > 1)
		fprintf(t->f, "%*s(%" PRIu32 " more thread%s: coredu info shows them)\n", INDENT, "",
			u->nthreads - 1, u->nthreads == 2 ? "" : "s");
	if (u->threads_cut)
		fprintf(t->f, "%*s(only the first %d threads)\n", INDENT, "", UNWIND_MAX_THREADS);
	if (u->timed_out)
		fprintf(t->f, "%*s(stopped at the time limit: later threads not unwound)\n", INDENT, "");
}

static void py_frames(struct text *t, const struct pystack_stack *s)
{
	for (uint32_t i = 0; i < s->nframes; i++) {
		const struct pystack_frame *f = &s->frames[i];
		fprintf(t->f, "%*s#%-2u %s", INDENT, "", i, safe(t, f->file));
		if (f->line >= 0)
			fprintf(t->f, ":%d", f->line);
		fprintf(t->f, " %s\n", safe(t, f->function));
	}
	if (s->cut)
		fprintf(t->f, "%*s(cut at %d frames)\n", INDENT, "", PYSTACK_MAX_FRAMES);
	if (s->loop)
		fprintf(t->f, "%*s(the frame chain loops)\n", INDENT, "");
	if (s->unreadable)
		fprintf(t->f, "%*s(the next frame is not in the dump)\n", INDENT, "");
}

/* The Python threads, the one that took the signal first, then the suspended coroutines. */
static void python_text(struct text *t, const struct pystack_result *py, int64_t crashed)
{
	fprintf(t->f, "%*s: ", INDENT - 2, "Python");
	if (py->status != PYSTACK_OK) {
		fprintf(t->f, "%s: %s\n", pystack_status_name(py->status), safe(t, py->problem));
		return;
	}
	/* safe() reuses one buffer: one string per call */
	fprintf(t->f, "CPython %s, ", safe(t, py->version));
	fprintf(t->f, "%s", safe(t, py->module));
	fprintf(t->f, "%s\n", py->build_id_checked ? " (build-id checked)" : "");
	if (py->problem[0])
		fprintf(t->f, "%*s(%s)\n", INDENT, "", safe(t, py->problem));
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < py->nthreads; i++) {
			const struct pystack_stack *s = &py->threads[i];
			bool is = crashed >= 0 && s->native_thread_id == (uint64_t)crashed;
			if (is != (pass == 0))
				continue;
			fprintf(t->f, "\n%*sPython stack of thread %" PRIu64 "%s:\n", INDENT, "",
				s->native_thread_id, is ? " (the one that took the signal)" : "");
			py_frames(t, s);
		}
	for (uint32_t i = 0; i < py->ncoros; i++) {
		fprintf(t->f, "\n%*sSuspended coroutine (awaiting, innermost first):\n", INDENT, "");
		py_frames(t, &py->coros[i]);
	}
	if (py->gc_cut)
		fprintf(t->f, "%*s(the heap walk stopped early: coroutines may be missing)\n", INDENT, "");
}

void report_stack_text(FILE *f, const struct stack_result *st, const struct dump *d,
		       unsigned san_flags, bool crashed_thread_only)
{
	if (!st || !st->attempted)
		return;
	struct text t = {f, san_flags, {0}, d->core.elf_class == 32 ? 8 : 16};
	sbuf_init(&t.tmp);
	if (st->problem)
		fprintf(f, "%*s: %s\n", INDENT - 2, "Stacks", safe(&t, st->problem));
	if (st->r.has_python && st->r.py.status != PYSTACK_NOT_PYTHON)
		python_text(&t, &st->r.py, d->core.tid);
	if (st->r.has_native)
		native_text(&t, st, crashed_thread_only);
	sbuf_free(&t.tmp);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void json_note(struct json_out *j, enum unwind_note n)
{
	json_str(j, "note", unwind_note_text(n));
}

static void json_native(struct json_out *j, const struct stack_result *st)
{
	const struct unwind_result *u = &st->r.native;
	json_obj_begin(j, "backtrace");
	json_bool(j, "complete", st->r.complete && !u->timed_out && !st->killed);
	json_opt_str(j, "problem", st->problem ? st->problem : u->problem);
	json_double(j, "seconds", st->seconds);
	json_u64(j, "modules", u->modules);
	json_u64(j, "modules_without_file", u->modules_missing);
	json_u64(j, "modules_build_id_differs", u->modules_differ);
	json_arr_begin(j, "threads");
	for (uint32_t i = 0; i < u->nthreads; i++) {
		const struct unwind_thread *t = &u->threads[i];
		json_obj_begin(j, NULL);
		json_i64(j, "tid", t->tid);
		json_bool(j, "crashed", i == 0);
		json_arr_begin(j, "frames");
		for (uint32_t k = 0; k < t->nframes; k++) {
			const struct unwind_frame *f = &t->frames[k];
			json_obj_begin(j, NULL);
			json_hex(j, "pc", f->pc);
			json_str(j, "module", f->module);
			json_opt_hex(j, "offset", f->module != NULL, f->offset);
			json_str(j, "function", f->function);
			json_opt_hex(j, "function_offset", f->function != NULL, f->function_offset);
			json_note(j, f->note);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_bool(j, "truncated", t->frames_cut);
		json_str(j, "stopped", t->error);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_bool(j, "threads_truncated", u->threads_cut);
	json_obj_end(j);
}

static void json_pystack(struct json_out *j, const struct pystack_stack *s, bool coro)
{
	json_obj_begin(j, NULL);
	if (!coro) {
		json_u64(j, "tid", s->native_thread_id);
		json_u64(j, "thread_id", s->thread_id);
	}
	json_arr_begin(j, "frames");
	for (uint32_t k = 0; k < s->nframes; k++) {
		json_obj_begin(j, NULL);
		json_str(j, "file", s->frames[k].file);
		json_opt_i64(j, "line", s->frames[k].line >= 0, s->frames[k].line);
		json_str(j, "function", s->frames[k].function);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "truncated", s->cut ? "frames" : s->loop ? "loop" : s->unreadable ? "unreadable"
										  : NULL);
	json_obj_end(j);
}

static void json_python(struct json_out *j, const struct pystack_result *py)
{
	json_obj_begin(j, "python_stack");
	json_str(j, "status", pystack_status_name(py->status));
	json_opt_str(j, "problem", py->problem);
	json_opt_str(j, "version", py->version);
	json_str(j, "layout", py->layout);
	json_str(j, "module", py->module);
	json_bool(j, "build_id_checked", py->build_id_checked);
	json_arr_begin(j, "threads");
	for (uint32_t i = 0; i < py->nthreads; i++)
		json_pystack(j, &py->threads[i], false);
	json_arr_end(j);
	json_str(j, "threads_truncated", py->threads_cut ? "limit" : py->threads_unreadable
									? "unreadable" : NULL);
	json_arr_begin(j, "coroutines");
	for (uint32_t i = 0; i < py->ncoros; i++)
		json_pystack(j, &py->coros[i], true);
	json_arr_end(j);
	json_str(j, "coroutines_truncated", py->coros_cut ? "limit" : py->gc_cut ? "heap-walk"
										: NULL);
	json_obj_end(j);
}

void report_stack_json(struct json_out *j, const struct stack_result *st)
{
	if (st && st->attempted)
		json_native(j, st);
	else
		json_null(j, "backtrace");
	if (st && st->r.has_python && st->r.py.status != PYSTACK_NOT_PYTHON)
		json_python(j, &st->r.py);
	else
		json_null(j, "python_stack");
}
