/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fmt.h"
#include "base/sanitize.h"
#include "base/sig.h"
#include "base/util.h"
#include "kinds/cause.h"
#include "kinds/dump.h"
#include "kinds/mdesc.h"
#include "model/index.h"
#include "output/report.h"

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
	return sanitize_str(&o->tmp, s, o->r->san_flags);
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
	field(o, "Program", "%s", safe(o, dump_program(d)));
	if (c->pid >= 0)
		field(o, "PID", "%" PRId64 " (%s)", c->pid, safe(o, dump_command(d)));
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
	} else if (c->requested) {
		field(o, "Signal", "none (a dump the program requested, not a crash)");
	} else if (c->os[0] && !c->signal) {
		field(o, "Signal", "%s", safe(o, dump_signal_name(d, sig)));
	} else if (c->has_exception) {
		field(o, "Exception", "0x%08" PRIX32 " (no signal)", c->exception_code);
	} else if (c->has_prstatus || c->signal > 0) {
		field(o, "Signal", "%d (%s)", c->signal, dump_signal_name(d, sig));
	}
	if (c->os[0])
		field(o, "OS", "%s (its own signal numbers, as the dump writes them)", safe(o, c->os));
	if (c->has_siginfo && !c->gcore && !c->requested) {
		const char *code = elfcore_code_name(c);
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

	field(o, "Timestamp", "%s (%s, file mtime)", fmt_time_long(buf, d->mtime),
	      fmt_ago(age, o->r->now, d->mtime));
	if (d->meta.time > 0)
		field(o, "Crash time", "%s (%s, as recorded in the %s)",
		      fmt_time_long(buf, d->meta.time), fmt_ago(age, o->r->now, d->meta.time),
		      d->kind == DUMP_SYSTEMD_CORE && !d->meta.xattrs ? "file name" : "dump");
	if (c->cmdline) {
		sbuf_reset(&o->tmp);
		dump_cmdline_text(&o->tmp, c, o->r->san_flags);
		field(o, "Command Line", "%s", o->tmp.s);
	}
	if (c->exe)
		field(o, "Executable", "%s", safe(o, c->exe));
	if (c->exe_mapped && (!c->exe || strcmp(c->exe, c->exe_mapped) != 0))
		field(o, "Mapped exe", "%s", safe(o, c->exe_mapped));
	if (o->r->gdb) {
		sbuf_reset(&o->tmp);
		report_info_gdb(&o->tmp, d, o->r->san_flags, " ");
		if (o->tmp.len)
			field(o, "Debug", "%s", o->tmp.s);
	}
	if (c->platform)
		field(o, "Platform", "%s", safe(o, c->platform));
	if (c->elf_class)
		field(o, "Machine", "%s (%u-bit, %s-endian)",
		      elfcore_machine_name(c->machine, c->elf_class, c->big_endian, mbuf, sizeof(mbuf)),
		      (unsigned)c->elf_class, c->big_endian ? "big" : "little");
	if (c->has_prstatus)
		field(o, d->kind == DUMP_VMCORE ? "CPUs" : "Threads", "%" PRIu32, c->threads);
	if (c->build_id)
		field(o, "Build ID", "%s", safe(o, c->build_id)); /* hex from a core; anything from --import */
	if (c->crash_module)
		field(o, c->gcore ? "Stopped in" : "Crash module", "%s+0x%" PRIx64,
		      safe(o, c->crash_module), c->crash_offset);
	if (c->has_pc)
		field(o, "PC", "0x%" PRIx64, c->pc);
}

/* The environment from the stack: the values kept (the allow-list's, or all with info
 * --env) one per line, then the other names. */
static void environ_fields(struct info_out *o, const struct core_info *c)
{
	if (!c->env)
		return;
	size_t kept = 0;
	for (size_t i = 0; i < c->env_len; i += strlen(c->env + i) + 1)
		kept += strchr(c->env + i, '=') != NULL;
	field(o, "Environment", "%" PRIu32 " variable%s%s; %s", c->envc, c->envc == 1 ? "" : "s",
	      c->env_cut ? " (more not read)" : "",
	      kept == c->envc ? "every value shown" : "values only of the allow-list (info --env: all)");
	struct sbuf names;
	sbuf_init(&names);
	for (size_t i = 0; i < c->env_len; i += strlen(c->env + i) + 1) {
		const char *e = c->env + i;
		if (strchr(e, '='))
			fprintf(o->f, "%*s  %s\n", LABEL_WIDTH, "", safe(o, e));
		else
			sbuf_printf(&names, "%s%s", names.len ? " " : "", e);
	}
	if (names.len)
		fprintf(o->f, "%*s  names: %s\n", LABEL_WIDTH, "", safe(o, names.s));
	sbuf_free(&names);
}

static const char *const kind_words[DUMP_KINDS] = {
	[DUMP_NONE] = "?",
	[DUMP_ELF_CORE] = "a process core",
	[DUMP_GCORE] = "gdb gcore snapshot of a live process, not a crash",
	[DUMP_SYSTEMD_CORE] = "stored by systemd-coredump",
	[DUMP_CORE_TEMP] = "systemd-coredump's temporary, left by an interrupted run: reclaimable",
	[DUMP_APPORT] = "Apport crash report",
	[DUMP_ABRT] = "ABRT problem directory: deleting it removes the whole directory",
	[DUMP_VMCORE] = "kernel crash dump, ELF",
	[DUMP_KDUMP] = "kernel crash dump, makedumpfile format",
	[DUMP_HS_ERR] = "Java HotSpot fatal error log",
	[DUMP_HPROF] = "Java heap dump",
	[DUMP_MINIDUMP] = "Breakpad/Crashpad minidump",
};

/* What each kind adds, under its own words. */
static void kind_fields(struct info_out *o, const struct dump *d)
{
	const struct dump_meta *m = &d->meta;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
	static const struct {
		enum dump_kind kind;
		const char *title, *release, *linked;
	} labels[] = {
		{DUMP_HS_ERR, "Problem frame", "JRE", "Core written to"},
		{DUMP_APPORT, "Title", "Uname", NULL},
		{DUMP_ABRT, "Reason", "Kernel", "Core file"},
		{DUMP_VMCORE, NULL, "Kernel release", NULL},
		{DUMP_KDUMP, "System", "Kernel release", NULL},
	};
	const char *title = "Title", *release = "Release", *linked = "Linked";
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
		if (labels[i].kind == d->kind) {
			title = labels[i].title ? labels[i].title : title;
			release = labels[i].release ? labels[i].release : release;
			linked = labels[i].linked ? labels[i].linked : linked;
		}
	}
	if (m->title)
		field(o, title, "%s", safe(o, m->title));
	if (m->release)
		field(o, release, "%s", safe(o, m->release));
	if (m->host)
		field(o, "Hostname", "%s", safe(o, m->host));
	if (m->boot_id)
		field(o, "Boot ID", "%s", safe(o, m->boot_id));
	if (m->format)
		field(o, "Format", "%s", safe(o, m->format));
	if (m->linked)
		field(o, linked, "%s", safe(o, m->linked));
	if (m->count)
		field(o, "Count", "%" PRIu64 " occurrence%s", m->count, m->count == 1 ? "" : "s");
	if (m->files)
		field(o, "Files", "%" PRIu32, m->files);
	if (m->embedded)
		field(o, "Embedded core", "about %s gzip-compressed, %s uncompressed",
		      fmt_size(a, m->embedded, o->r->si), fmt_size(b, m->embedded_original, o->r->si));
	if (m->streams)
		field(o, "Streams", "%" PRIu32, m->streams);
	if (m->id_size)
		field(o, "Identifier size", "%" PRIu32 " bytes", m->id_size);
	if (m->block_size)
		field(o, "Block size", "%" PRIu32, m->block_size);
	if (d->kind == DUMP_SYSTEMD_CORE)
		field(o, "Attributes", "%s", m->xattrs ? "user.coredump.* read" : "none (name only)");
	if (m->incomplete)
		field(o, "Incomplete", "yes: the dump was not finished");
	const struct dump *shown[REPORT_SAME_CRASH_SHOWN];
	size_t nshown, count = report_crashes_of(o->r, d, shown, &nshown);
	for (size_t i = 0; i < nshown; i++)
		field(o, "Same crash as", "%s (%s)", safe(o, shown[i]->path), dump_kind_name(shown[i]->kind));
	if (count > REPORT_SAME_CRASH_SHOWN)
		field(o, "Same crash as", "... and %zu more", count - REPORT_SAME_CRASH_SHOWN);
}

static void storage_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	char a[FMT_SIZE_LEN], b[FMT_SIZE_LEN];
	const char *magic = o->r->magic ? mdesc_describe(o->r->magic, d->head, d->head_len) : NULL;

	field(o, "Storage", "%s", safe(o, d->path));
	field(o, "Kind", "%s (%s)", dump_kind_name(d->kind), kind_words[d->kind]);
	if (magic)
		field(o, "Magic", "%s", safe(o, magic));
	if (c->truncated && c->expected_size)
		field(o, "State", "truncated: %" PRIu64 " of %" PRIu64 " bytes present%s",
		      c->file_size, c->expected_size, c->headers_cut ? " (headers cut)" : "");
	else if (c->truncated)
		field(o, "State", "incomplete or cut short");
	else
		field(o, "State", "complete");
	field(o, "Size on Disk", "%s (%" PRIu64 " bytes)", fmt_size(a, d->size_disk, o->r->si),
	      d->size_disk);
	field(o, "Apparent Size", "%s (%" PRIu64 " bytes)%s", fmt_size(b, d->size_apparent, o->r->si),
	      d->size_apparent, d->size_disk < d->size_apparent ? ", sparse" : "");
	if (d->compression != COMP_NONE)
		field(o, "Compression", "%s, %s (%" PRIu64 " bytes) uncompressed; metadata read from the "
		      "first %u MiB", dump_compression_name(d->compression),
		      fmt_size(a, d->size_original, o->r->si), d->size_original, DECOMP_HEAD_LIMIT >> 20);
	field(o, "File", "owner %" PRIu32 ":%" PRIu32 ", mode %04o, inode %" PRIu64
	      ", device 0x%" PRIx64 ", %" PRIu64 " link%s", d->owner_uid, d->owner_gid,
	      (unsigned)(d->mode & 07777), d->ino, d->dev, d->nlink, d->nlink == 1 ? "" : "s");
	if (c->problem[0])
		field(o, "Problem", "%s", safe(o, c->problem));
}

static void mapping_fields(struct info_out *o, const struct dump *d)
{
	const struct core_info *c = &d->core;
	if (!c->elf_class || d->kind == DUMP_VMCORE)
		return; /* not a process core */
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

void report_info(FILE *f, const struct report *r, const struct dump *d,
		 const struct stack_result *st, bool first)
{
	struct info_out o = {f, r, {0}};
	sbuf_init(&o.tmp);
	if (!first)
		fputc('\n', f);
	process_fields(&o, d);
	image_fields(&o, d);
	environ_fields(&o, &d->core);
	kind_fields(&o, d);
	storage_fields(&o, d);
	report_stack_text(f, st, d, r->san_flags, r->crashed_thread_only);
	mapping_fields(&o, d);
	sbuf_free(&o.tmp);
}

/* A word for a POSIX shell, sanitised first (the quoting's own backslash must not be
 * escaped again): as it is when it holds nothing the shell reads, else in single quotes. */
static void shell_word(struct sbuf *out, const char *raw, unsigned san_flags)
{
	struct sbuf safe;
	sbuf_init(&safe);
	sanitize_appends(&safe, raw, san_flags);
	const char *w = safe.len ? safe.s : "";
	if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_./:=+-@%,") == strlen(w)) {
		sbuf_adds(out, w);
	} else {
		sbuf_addc(out, '\'');
		for (; *w; w++)
			*w == '\'' ? sbuf_adds(out, "'\\''") : sbuf_addc(out, *w);
		sbuf_addc(out, '\'');
	}
	sbuf_free(&safe);
}

void report_info_gdb(struct sbuf *out, const struct dump *d, unsigned san_flags, const char *sep)
{
	if (d->kind != DUMP_ELF_CORE && d->kind != DUMP_GCORE)
		return;
	const char *exe = d->core.exe_mapped ? d->core.exe_mapped : d->core.exe;
	/* A container's core seen through /proc/PID/root: its executable and libraries are
	 * there too. */
	size_t root = 0;
	if (strncmp(d->path, "/proc/", 6) == 0) {
		size_t digits = strspn(d->path + 6, "0123456789");
		if (digits && strncmp(d->path + 6 + digits, "/root/", 6) == 0)
			root = 6 + digits + 5;
	}
	sbuf_adds(out, "gdb ");
	if (root) {
		char *sysroot = xstrndup(d->path, root);
		char *set = xasprintf("set sysroot %s", sysroot);
		sbuf_adds(out, "-ex ");
		shell_word(out, set, san_flags);
		sbuf_adds(out, sep);
		free(set);
		if (exe && exe[0] == '/') {
			char *inside = xasprintf("%s%s", sysroot, exe);
			shell_word(out, inside, san_flags);
			free(inside);
			sbuf_adds(out, sep);
		}
		free(sysroot);
	} else if (exe) {
		shell_word(out, exe, san_flags);
		sbuf_adds(out, sep);
	}
	if (!exe)
		sbuf_adds(out, "-c ");
	shell_word(out, d->path, san_flags);
}

bool report_info_gdb_installed(void)
{
	const char *path = getenv("PATH");
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		char *gdb = xasprintf("%.*s/gdb", (int)n, p);
		bool ok = n && access(gdb, X_OK) == 0;
		free(gdb);
		if (ok)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}
