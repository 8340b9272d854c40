#include "config.h"

#include <string.h>

#include "doctor/cause.h"
#include "base/json.h"
#include "kinds/dump.h"
#include "kinds/mdesc.h"
#include "model/index.h"
#include "output/report.h"
#include "base/sig.h"

/* An integer field from the notes; unknown values are null rather than a made-up number. */
static void json_known(struct json_out *j, const char *key, int64_t v)
{
	if (v < 0)
		json_null(j, key);
	else
		json_i64(j, key, v);
}

static void opt_str(struct json_out *j, const char *key, const char *v)
{
	json_str(j, key, v && *v ? v : NULL);
}

static void opt_u64(struct json_out *j, const char *key, uint64_t v)
{
	if (v)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

/* What the kind adds (doc/json.md): the same keys for every kind, null where it says
 * nothing. */
static void kind_info(struct json_out *j, const struct dump *d)
{
	const struct dump_meta *m = &d->meta;
	if (m->time > 0)
		json_i64(j, "crash_time", m->time);
	else
		json_null(j, "crash_time");
	json_obj_begin(j, "kind_info");
	opt_str(j, "title", m->title);
	opt_str(j, "release", m->release);
	opt_str(j, "host", m->host);
	opt_str(j, "boot_id", m->boot_id);
	opt_str(j, "format", m->format);
	opt_str(j, "linked", m->linked);
	opt_u64(j, "count", m->count);
	opt_u64(j, "embedded_size", m->embedded);
	opt_u64(j, "embedded_original", m->embedded_original);
	opt_u64(j, "streams", m->streams);
	opt_u64(j, "id_size", m->id_size);
	opt_u64(j, "block_size", m->block_size);
	opt_u64(j, "files", m->files);
	json_bool(j, "incomplete", m->incomplete);
	json_bool(j, "flattened", m->flattened);
	json_bool(j, "xattrs", m->xattrs);
	json_obj_end(j);
}

/* The other dumps of the same crash, by path. */
static void same_crash(struct json_out *j, const struct report *r, const struct dump *d)
{
	if (d->same_crash)
		json_u64(j, "same_crash", d->same_crash);
	else
		json_null(j, "same_crash");
	/* The first few paths: a thousand copies of one core must not make the document
	 * quadratic.  same_crash_count has them all. */
	size_t count = 0;
	json_arr_begin(j, "same_crash_as");
	for (size_t i = 0; d->same_crash && i < r->ix->n; i++) {
		if (r->ix->v[i] != d && r->ix->v[i]->same_crash == d->same_crash &&
		    count++ < REPORT_SAME_CRASH_SHOWN)
			json_str(j, NULL, r->ix->v[i]->path);
	}
	json_arr_end(j);
	json_u64(j, "same_crash_count", count);
}

static void dump_object(struct json_out *j, const struct report *r, const struct dump *d)
{
	const struct core_info *c = &d->core;
	char mbuf[24];

	json_obj_begin(j, NULL);
	/* The contract's keys first, in its order (doc/json.md). */
	json_str(j, "path", d->path);
	json_str(j, "kind", dump_kind_name(d->kind));
	json_str(j, "magic", r->magic ? mdesc_describe(r->magic, d->head, d->head_len) : NULL);
	json_u64(j, "size_apparent", d->size_apparent);
	json_u64(j, "size_disk", d->size_disk);
	json_i64(j, "mtime", d->mtime);
	json_u64(j, "dev", d->dev);
	json_u64(j, "inode", d->ino);
	json_u64(j, "nlink", d->nlink);
	json_u64(j, "class", c->elf_class);
	json_str(j, "endian", c->big_endian ? "big" : "little");
	json_str(j, "machine", elfcore_machine_name(c->machine, c->elf_class, c->big_endian, mbuf,
						    sizeof(mbuf)));
	json_known(j, "pid", c->pid);
	json_known(j, "ppid", c->ppid);
	json_known(j, "tid", c->tid);
	json_u64(j, "threads", c->threads);
	json_known(j, "uid", c->uid);
	json_known(j, "gid", c->gid);
	json_str(j, "comm", c->has_prpsinfo || c->comm[0] ? c->comm : NULL);
	json_str(j, "cmdline", c->has_prpsinfo || c->cmdline[0] ? c->cmdline : NULL);
	json_str(j, "exe", c->exe);
	json_str(j, "platform", c->platform);
	json_i64(j, "signal", c->gcore ? 0 : c->signal);
	const char *sname = c->gcore ? NULL : sig_name(c->machine, c->signal);
	json_str(j, "signal_name", sname);
	if (c->has_siginfo)
		json_i64(j, "si_code", c->si_code);
	else
		json_null(j, "si_code");
	if (c->has_sender)
		json_i64(j, "sender_pid", c->sender_pid);
	else
		json_null(j, "sender_pid");
	if (c->has_fault_addr)
		json_hex(j, "fault_addr", c->fault_addr);
	else
		json_null(j, "fault_addr");
	json_bool(j, "truncated", c->truncated);
	json_u64(j, "expected_size", c->expected_size);
	json_str(j, "build_id", c->build_id);
	json_str(j, "crash_module", c->crash_module);
	if (c->crash_module)
		json_hex(j, "crash_offset", c->crash_offset);
	else
		json_null(j, "crash_offset");

	/* Extensions. */
	json_str(j, "si_code_name",
		 c->has_siginfo ? sig_code_name(c->machine, c->si_signo, c->si_code) : NULL);
	if (c->has_sender)
		json_i64(j, "sender_uid", c->sender_uid);
	else
		json_null(j, "sender_uid");
	json_str(j, "cause", cause_class_id(cause_classify(c)));
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, c);
	json_str(j, "cause_text", why.s);
	sbuf_free(&why);
	json_known(j, "euid", c->euid);
	json_known(j, "egid", c->egid);
	json_known(j, "pgrp", c->pgrp);
	json_known(j, "sid", c->sid);
	if (c->secure >= 0)
		json_bool(j, "secure", c->secure);
	else
		json_null(j, "secure");
	json_str(j, "exe_mapped", c->exe_mapped);
	if (c->has_pc)
		json_hex(j, "pc", c->pc);
	else
		json_null(j, "pc");
	json_u64(j, "mapped_files", c->mapped_files);
	json_bool(j, "gcore", c->gcore);
	json_str(j, "problem", c->problem[0] ? c->problem : NULL);
	json_i64(j, "mtime_nsec", d->mtime_nsec);
	json_str(j, "compression", dump_compression_name(d->compression));
	if (d->compression != COMP_NONE && d->size_original)
		json_u64(j, "size_original", d->size_original);
	else
		json_null(j, "size_original");
	json_u64(j, "owner_uid", d->owner_uid);
	json_u64(j, "owner_gid", d->owner_gid);
	kind_info(j, d);
	same_crash(j, r, d);
	json_obj_end(j);
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

void report_json(FILE *f, const struct report *r)
{
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
	json_obj_begin(&j, "summary");
	json_u64(&j, "dumps", r->ix->n);
	json_u64(&j, "size_disk", index_total_disk(r->ix));
	json_u64(&j, "size_apparent", index_total_apparent(r->ix));
	json_i64(&j, "time", r->now);
	json_obj_end(&j);
	json_arr_begin(&j, "dumps");
	for (size_t i = 0; i < r->ix->n; i++)
		dump_object(&j, r, r->ix->v[i]);
	json_arr_end(&j);
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
}
