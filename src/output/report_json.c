/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include "base/identity.h"
#include "base/json.h"
#include "base/sig.h"
#include "base/thread.h"
#include "base/util.h"
#include "kinds/cause.h"
#include "kinds/dump.h"
#include "kinds/mdesc.h"
#include "model/index.h"
#include "output/report.h"
#include "stack/stack.h"

/* What the kind adds (doc/json.md): the same keys for every kind, null where it says
 * nothing. */
static void kind_info(struct json_out *j, const struct dump *d)
{
	const struct dump_meta *m = &d->meta;
	json_opt_i64(j, "crash_time", m->time > 0, m->time);
	json_obj_begin(j, "kind_info");
	json_opt_str(j, "title", m->title);
	json_opt_str(j, "release", m->release);
	json_opt_str(j, "host", m->host);
	json_opt_str(j, "boot_id", m->boot_id);
	json_opt_str(j, "format", m->format);
	json_opt_str(j, "linked", m->linked);
	json_opt_u64(j, "count", m->count != 0, m->count);
	json_opt_u64(j, "embedded_size", m->embedded != 0, m->embedded);
	json_opt_u64(j, "embedded_original", m->embedded_original != 0, m->embedded_original);
	json_opt_u64(j, "streams", m->streams != 0, m->streams);
	json_opt_u64(j, "id_size", m->id_size != 0, m->id_size);
	json_opt_u64(j, "block_size", m->block_size != 0, m->block_size);
	json_opt_u64(j, "files", m->files != 0, m->files);
	json_bool(j, "incomplete", m->incomplete);
	json_bool(j, "flattened", m->flattened);
	json_bool(j, "xattrs", m->xattrs);
	json_obj_end(j);
}

/* The other dumps of the same crash, by path. */
static void same_crash(struct json_out *j, const struct report *r, const struct dump *d)
{
	json_opt_u64(j, "same_crash", d->same_crash != 0, d->same_crash);
	/* The first few paths: a thousand copies of one core must not make the document
	 * quadratic.  same_crash_count has them all. */
	const struct dump *shown[REPORT_SAME_CRASH_SHOWN];
	size_t nshown, count = report_crashes_of(r, d, shown, &nshown);
	json_arr_begin(j, "same_crash_as");
	for (size_t i = 0; i < nshown; i++)
		json_str(j, NULL, shown[i]->path);
	json_arr_end(j);
	json_u64(j, "same_crash_count", count);
}

/* The file: where, what, how big (the contract's first keys, in its order: doc/json.md). */
static void file_fields(struct json_out *j, const struct dump *d, const char *magic)
{
	json_str(j, "path", d->path);
	json_str(j, "kind", dump_kind_name(d->kind));
	json_str(j, "magic", magic);
	json_u64(j, "size_apparent", d->size_apparent);
	json_u64(j, "size_disk", d->size_disk);
	json_i64(j, "mtime", d->mtime);
	json_u64(j, "dev", d->dev);
	json_u64(j, "inode", d->ino);
	json_u64(j, "nlink", d->nlink);
}

/* The process; unknown ids (-1 in the notes) are null rather than a made-up number. */
static void process_fields(struct json_out *j, const struct core_info *c)
{
	char mbuf[24];
	json_u64(j, "class", c->elf_class);
	json_str(j, "endian", c->big_endian ? "big" : "little");
	json_str(j, "machine", elfcore_machine_name(c->machine, c->elf_class, c->big_endian, mbuf,
						    sizeof(mbuf)));
	json_opt_i64(j, "pid", c->pid >= 0, c->pid);
	json_opt_i64(j, "ppid", c->ppid >= 0, c->ppid);
	json_opt_i64(j, "tid", c->tid >= 0, c->tid);
	json_u64(j, "threads", c->threads);
	json_opt_i64(j, "uid", c->uid >= 0, c->uid);
	json_opt_i64(j, "gid", c->gid >= 0, c->gid);
	json_str(j, "comm", c->has_prpsinfo || c->comm[0] ? c->comm : NULL);
	json_str(j, "cmdline", c->cmdline);
	json_str(j, "exe", c->exe);
	json_str(j, "platform", c->platform);
}

/* The crash: signal, sender, fault, where. */
static void crash_fields(struct json_out *j, const struct core_info *c)
{
	json_i64(j, "signal", c->gcore || c->requested ? 0 : c->signal);
	json_str(j, "signal_name", c->gcore || c->requested ? NULL : elfcore_signal_name(c));
	json_opt_hex(j, "exception_code", c->has_exception, c->exception_code);
	json_opt_i64(j, "si_code", c->has_siginfo, c->si_code);
	json_opt_i64(j, "sender_pid", c->has_sender, c->sender_pid);
	json_opt_hex(j, "fault_addr", c->has_fault_addr, c->fault_addr);
	json_bool(j, "truncated", c->truncated);
	json_u64(j, "expected_size", c->expected_size);
	json_str(j, "build_id", c->build_id);
	json_str(j, "crash_module", c->crash_module);
	json_opt_hex(j, "crash_offset", c->crash_module != NULL, c->crash_offset);
}

/* The environment from the stack: each name, with its value where it was kept (the
 * allow-list), else null. */
static void environ_field(struct json_out *j, const struct core_info *c)
{
	if (!c->env) {
		json_null(j, "environ");
		return;
	}
	json_obj_begin(j, "environ");
	for (size_t i = 0; i < c->env_len; i += strlen(c->env + i) + 1) {
		const char *e = c->env + i, *eq = strchr(e, '=');
		json_str_keyn(j, e, eq ? (size_t)(eq - e) : strlen(e), eq ? eq + 1 : NULL);
	}
	json_obj_end(j);
}

/* coredu's extensions to the contract. */
static void extension_fields(struct json_out *j, const struct core_info *c)
{
	json_str(j, "si_code_name",
		 c->has_siginfo ? elfcore_code_name(c) : NULL);
	json_opt_i64(j, "sender_uid", c->has_sender, c->sender_uid);
	json_str(j, "cause", cause_class_id(cause_classify(c)));
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, c);
	json_str(j, "cause_text", why.s);
	sbuf_free(&why);
	json_opt_i64(j, "euid", c->euid >= 0, c->euid);
	json_opt_i64(j, "egid", c->egid >= 0, c->egid);
	json_opt_i64(j, "pgrp", c->pgrp >= 0, c->pgrp);
	json_opt_i64(j, "sid", c->sid >= 0, c->sid);
	json_opt_bool(j, "secure", c->secure >= 0, c->secure);
	json_str(j, "exe_mapped", c->exe_mapped);
	json_opt_hex(j, "pc", c->has_pc, c->pc);
	json_u64(j, "mapped_files", c->mapped_files);
	json_bool(j, "gcore", c->gcore);
	json_bool(j, "cmdline_truncated", c->cmdline_cut);
	if (c->argv) {
		json_arr_begin(j, "argv");
		for (uint32_t i = 0; i < c->argc; i++) {
			size_t n;
			const char *a = elfcore_arg(c, i, &n);
			json_strn(j, NULL, a, n);
		}
		json_arr_end(j);
	} else {
		json_null(j, "argv");
	}
	environ_field(j, c);
	json_bool(j, "requested", c->requested);
	json_opt_str(j, "os", c->os);
	json_opt_str(j, "problem", c->problem);
}

/* How it is stored. */
static void storage_fields(struct json_out *j, const struct dump *d)
{
	json_i64(j, "mtime_nsec", d->mtime_nsec);
	json_str(j, "compression", dump_compression_name(d->compression));
	json_opt_u64(j, "size_original", d->compression != COMP_NONE && d->size_original,
		     d->size_original);
	json_u64(j, "owner_uid", d->owner_uid);
	json_u64(j, "owner_gid", d->owner_gid);
}

/* libmagic's description of the dump's head; not thread-safe (mdesc.h). */
static const char *describe(const struct report *r, const struct dump *d)
{
	return r->magic ? mdesc_describe(r->magic, d->head, d->head_len) : NULL;
}

static void dump_members(struct json_out *j, const struct report *r, const struct dump *d,
			 const struct stack_result *st, const char *magic)
{
	file_fields(j, d, magic);
	process_fields(j, &d->core);
	crash_fields(j, &d->core);
	extension_fields(j, &d->core);
	json_str(j, "program", dump_program(d));
	storage_fields(j, d);
	kind_info(j, d);
	same_crash(j, r, d);
	report_stack_json(j, st);
}

void report_json_dump_members(struct json_out *j, const struct report *r, const struct dump *d,
			      const struct stack_result *st)
{
	dump_members(j, r, d, st, describe(r, d));
}

/* ---- the dumps array, on two CPUs ------------------------------------------------------
 * The scan's parses run on every CPU; writing the document after it ran on one, and was the
 * largest part left of `coredu json` on a pile of cores (bench/README.md).  A helper thread
 * renders every other block of dumps into memory while this one writes its own block to
 * the stream; the helper's block follows, so the document is byte for byte what one thread
 * writes.  Its magic descriptions come from this thread (libmagic is not thread-safe). */
#define BLOCK_DUMPS 64
#define PARALLEL_FROM (4 * BLOCK_DUMPS) /* fewer: one thread, a helper is not worth it */

struct helper {
	const struct report *r;
	struct json_place at; /* the array's, taken before the helper starts */
	size_t block;         /* the block to render, set before `go` */
	bool stop;
	char *magic[BLOCK_DUMPS];
	struct sbuf out;      /* what it rendered, after `ready`; kept from block to block */
	sem_t go, ready;
	pthread_t tid;
};

static void render_block(struct json_out *j, const struct report *r, size_t block,
			 char *const *magic)
{
	size_t from = block * BLOCK_DUMPS, to = from + BLOCK_DUMPS;
	for (size_t i = from; i < to && i < r->ix->n; i++) {
		const struct dump *d = r->ix->v[i];
		json_obj_begin(j, NULL);
		dump_members(j, r, d, r->stacks ? &r->stacks[i] : NULL,
			     magic ? magic[i - from] : describe(r, d));
		json_obj_end(j);
	}
}

static void sem_take(sem_t *s)
{
	while (sem_wait(s) != 0)
		;
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	for (;;) {
		sem_take(&h->go);
		if (h->stop)
			return NULL;
		struct json_out j;
		json_init_within(&j, &h->out, h->at);
		render_block(&j, h->r, h->block, h->magic);
		json_flush(&j);
		sem_post(&h->ready);
	}
}

/* A helper when there are dumps enough and a second CPU to run it on; signals stay with
 * the threads that handle them. */
static bool helper_start(struct helper *h, const struct report *r, const struct json_out *outer)
{
	cpu_set_t cpus;
	if (r->ix->n < PARALLEL_FROM || sched_getaffinity(0, sizeof(cpus), &cpus) != 0 ||
	    CPU_COUNT(&cpus) < 2)
		return false;
	memset(h, 0, sizeof(*h));
	h->r = r;
	h->at = json_place(outer);
	sbuf_init(&h->out);
	sem_init(&h->go, 0, 0);
	sem_init(&h->ready, 0, 0);
	if (thread_start(&h->tid, helper_main, h))
		return true;
	sem_destroy(&h->go);
	sem_destroy(&h->ready);
	return false;
}

static void helper_stop(struct helper *h)
{
	h->stop = true;
	sem_post(&h->go);
	pthread_join(h->tid, NULL);
	sem_destroy(&h->go);
	sem_destroy(&h->ready);
	sbuf_free(&h->out);
}

/* Block b + 1 to the helper (its descriptions made here first), block b here, then the
 * helper's bytes. */
static void two_blocks(struct json_out *j, const struct report *r, struct helper *h, size_t b)
{
	size_t from = (b + 1) * BLOCK_DUMPS;
	for (size_t i = 0; i < BLOCK_DUMPS; i++) { /* libmagic's string lasts until its next call */
		const char *m = from + i < r->ix->n ? describe(r, r->ix->v[from + i]) : NULL;
		h->magic[i] = m ? xstrdup(m) : NULL;
	}
	h->block = b + 1;
	h->out.len = 0;
	sem_post(&h->go);
	render_block(j, r, b, NULL);
	sem_take(&h->ready);
	json_append(j, h->out.s, h->out.len);
	for (size_t i = 0; i < BLOCK_DUMPS; i++)
		free(h->magic[i]);
}

static void dumps_array(struct json_out *j, const struct report *r)
{
	json_arr_begin(j, "dumps");
	size_t nblocks = (r->ix->n + BLOCK_DUMPS - 1) / BLOCK_DUMPS;
	struct helper h;
	bool two = helper_start(&h, r, j);
	for (size_t b = 0; b < nblocks; b += two ? 2 : 1) {
		if (two && b + 1 < nblocks)
			two_blocks(j, r, &h, b);
		else
			render_block(j, r, b, NULL);
	}
	if (two)
		helper_stop(&h);
	json_arr_end(j);
}

void report_json_header(struct json_out *j, const struct report *r)
{
	json_u64(j, "version", 1);
	json_obj_begin(j, "tool");
	json_str(j, "name", PACKAGE_NAME);
	json_str(j, "version", PACKAGE_VERSION);
	json_obj_end(j);
	json_arr_begin(j, "scanned");
	for (size_t i = 0; r->scan && i < scan_root_count(r->scan); i++)
		json_str(j, NULL, scan_get_root(r->scan, i)->path);
	json_arr_end(j);
}

/* The rest of the disk: the directories whose own non-dump files are largest (scan.h). */
static void largest_dirs(struct json_out *j, const struct report *r)
{
	struct scan_dir_size top[SCAN_TOP_DIRS];
	size_t n = r->scan ? scan_top_dirs(r->scan, top) : 0;
	json_arr_begin(j, "largest_dirs");
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "path", top[i].path);
		json_u64(j, "disk", top[i].disk);
		json_u64(j, "apparent", top[i].apparent);
		json_u64(j, "files", top[i].files);
		json_obj_end(j);
	}
	json_arr_end(j);
	scan_dir_sizes_free(top, n);
}

void report_json(FILE *f, const struct report *r)
{
	struct report grouped = *r;
	struct report_crashes *crashes = r->crashes ? NULL : report_crashes_new(r->ix);
	if (crashes)
		grouped.crashes = crashes;
	r = &grouped;
	struct json_out j;
	json_init(&j, f, true);
	json_obj_begin(&j, NULL);
	report_json_header(&j, r);
	json_obj_begin(&j, "scan");
	json_u64(&j, "files", r->totals.files);
	json_u64(&j, "dirs", r->totals.dirs);
	json_u64(&j, "bytes_apparent", r->totals.bytes_apparent);
	json_u64(&j, "bytes_disk", r->totals.bytes_disk);
	json_u64(&j, "errors", r->totals.errors);
	json_double(&j, "seconds", r->seconds);
	largest_dirs(&j, r);
	json_obj_end(&j);
	if (r->fs.ok) {
		json_obj_begin(&j, "filesystem");
		json_str(&j, "path", r->fs.path);
		json_u64(&j, "size", r->fs.size);
		json_u64(&j, "free", r->fs.free);
		json_u64(&j, "avail", r->fs.avail);
		json_obj_end(&j);
	} else {
		json_null(&j, "filesystem");
	}
	if (r->identity)
		identity_json(&j, "identity", r->identity);
	json_obj_begin(&j, "summary");
	json_u64(&j, "dumps", r->ix->n);
	json_u64(&j, "size_disk", index_total_disk(r->ix));
	json_u64(&j, "size_apparent", index_total_apparent(r->ix));
	json_i64(&j, "time", r->now);
	json_obj_end(&j);
	dumps_array(&j, r);
	json_arr_begin(&j, "errors");
	for (size_t i = 0; i < r->ix->nerrors; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "path", r->ix->errors[i].path);
		json_str(&j, "error", r->ix->errors[i].message);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	report_crashes_free(crashes);
}
