#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "cause.h"
#include "fmt.h"
#include "report.h"
#include "sanitize.h"
#include "sig.h"
#include "zst.h"

#define LABEL_WIDTH 15

struct info_out {
	FILE *f;
	const struct report *r;
	struct sbuf tmp;
};

/* "          Label: value" with the value already safe to print. */
static void field(struct info_out *o, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field(struct info_out *o, const char *label, const char *fmt, ...)
{
	va_list ap;
	fprintf(o->f, "%*s: ", LABEL_WIDTH, label);
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}

/* Text from the file system or the dump: always through the sanitiser. */
static const char *safe(struct info_out *o, const char *s)
{
	return san_str(&o->tmp, s, o->r->san_flags);
}

static void ids(struct info_out *o, const char *label, int64_t real, int64_t eff)
{
	if (real < 0)
		return;
	if (eff >= 0 && eff != real)
		field(o, label, "%" PRId64 " (effective %" PRId64 ")", real, eff);
	else
		field(o, label, "%" PRId64, real);
}

static void process_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	if (c->pid >= 0)
		field(o, "PID", "%" PRId64 " (%s)", c->pid, safe(o, c->comm));
	if (c->tid >= 0)
		field(o, "TID", "%" PRId64 "%s", c->tid, c->tid != c->pid ? " (not the main thread)" : "");
	if (c->ppid >= 0)
		field(o, "PPID", "%" PRId64, c->ppid);
	ids(o, "UID", c->uid, c->euid);
	ids(o, "GID", c->gid, c->egid);
	if (c->secure > 0)
		field(o, "Secure", "yes (set-id or capabilities: AT_SECURE)");

	char sig[16];
	if (c->gcore) {
		field(o, "Signal", "none (snapshot)");
	} else if (c->has_prstatus) {
		field(o, "Signal", "%d (%s)", c->signal, report_signal_name(d, sig));
	}
	if (c->has_siginfo && !c->gcore) {
		const char *code = sig_code_name(c->machine, c->si_signo, c->si_code);
		field(o, "Signal code", "%s (%d)", code ? code : "?", c->si_code);
		if (c->has_sender)
			field(o, "Sent by", "pid %" PRId64 ", uid %" PRId64, c->sender_pid, c->sender_uid);
		if (c->has_fault_addr)
			field(o, "Fault address", "0x%" PRIx64, c->fault_addr);
	}
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, c);
	field(o, "Cause", "%s", safe(o, why.s));
	sbuf_free(&why);
}

static void image_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	char buf[FMT_TIME_LEN], age[FMT_TIME_LEN], mbuf[24];

	field(o, "Timestamp", "%s (%s ago, file mtime)", fmt_time_long(buf, d->mtime),
	      fmt_age(age, o->r->now, d->mtime));
	if (c->has_prpsinfo)
		field(o, "Command Line", "%s", safe(o, c->cmdline));
	if (c->exe)
		field(o, "Executable", "%s", safe(o, c->exe));
	if (c->exe_mapped && (!c->exe || strcmp(c->exe, c->exe_mapped) != 0))
		field(o, "Mapped exe", "%s", safe(o, c->exe_mapped));
	if (c->platform)
		field(o, "Platform", "%s", safe(o, c->platform));
	field(o, "Machine", "%s (%u-bit, %s-endian)",
	      elfcore_machine_name(c->machine, c->elf_class, c->big_endian, mbuf, sizeof(mbuf)),
	      (unsigned)c->elf_class, c->big_endian ? "big" : "little");
	field(o, "Threads", "%" PRIu32, c->threads);
	if (c->build_id)
		field(o, "Build ID", "%s", c->build_id);
	if (c->crash_module)
		field(o, c->gcore ? "Stopped in" : "Crash module", "%s+0x%" PRIx64,
		      safe(o, c->crash_module), c->crash_offset);
	if (c->has_pc)
		field(o, "PC", "0x%" PRIx64, c->pc);
}

static void storage_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
	const char *magic = o->r->magic ? mdesc_describe(o->r->magic, d->head, d->head_len) : NULL;

	field(o, "Storage", "%s", safe(o, d->path));
	field(o, "Kind", "%s%s", dump_kind_name(d->kind), c->gcore ? " (gdb gcore snapshot)" : "");
	if (magic)
		field(o, "Magic", "%s", safe(o, magic));
	if (c->truncated)
		field(o, "State", "truncated: %" PRIu64 " of %" PRIu64 " bytes present%s",
		      c->file_size, c->expected_size, c->headers_cut ? " (headers cut)" : "");
	else
		field(o, "State", "complete");
	field(o, "Size on Disk", "%s (%" PRIu64 " bytes)", fmt_size(a, d->size_disk, o->r->si),
	      d->size_disk);
	field(o, "Apparent Size", "%s (%" PRIu64 " bytes)%s", fmt_size(b, d->size_apparent, o->r->si),
	      d->size_apparent, d->size_disk < d->size_apparent ? ", sparse" : "");
	if (d->compression != COMP_NONE)
		field(o, "Compression", "%s, %s (%" PRIu64 " bytes) uncompressed; metadata read from the "
		      "first %u MiB", dump_compression_name(d->compression),
		      fmt_size(a, d->size_original, o->r->si), d->size_original, ZST_HEAD_LIMIT >> 20);
	field(o, "File", "owner %" PRIu32 ":%" PRIu32 ", mode %04o, inode %" PRIu64
	      ", device 0x%" PRIx64 ", %" PRIu64 " link%s", d->owner_uid, d->owner_gid,
	      (unsigned)(d->mode & 07777), d->ino, d->dev, d->nlink, d->nlink == 1 ? "" : "s");
	if (c->problem[0])
		field(o, "Problem", "%s", safe(o, c->problem));
}

static void mapping_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	if (!c->has_file_note) {
		field(o, "Mapped files", "unknown (no NT_FILE note)");
		return;
	}
	field(o, "Mapped files", "%" PRIu32 " files in %" PRIu32 " mappings", c->mapped_files,
	      c->nmaps);
	int digits = c->elf_class == 64 ? 16 : 8;
	for (uint32_t i = 0; c->maps && i < c->nmaps; i++) {
		const struct core_map *m = &c->maps[i];
		char perms[4] = "???";
		if (m->perms & CORE_MAP_PERMS_KNOWN) {
			perms[0] = m->perms & PF_R ? 'r' : '-';
			perms[1] = m->perms & PF_W ? 'w' : '-';
			perms[2] = m->perms & PF_X ? 'x' : '-';
		}
		fprintf(o->f, "%*s  0x%0*" PRIx64 "-0x%0*" PRIx64 " %s %10" PRIx64 " %s\n",
			LABEL_WIDTH, "", digits, m->start, digits, m->end, perms, m->offset,
			safe(o, elfcore_map_name(c, m)));
	}
}

void report_info(FILE *f, const struct report *r, const struct dump *d, bool first)
{
	struct info_out o = {f, r, {0}};
	sbuf_init(&o.tmp);
	if (!first)
		fputc('\n', f);
	process_fields(&o, d);
	image_fields(&o, d);
	storage_fields(&o, d);
	mapping_fields(&o, d);
	sbuf_free(&o.tmp);
}
