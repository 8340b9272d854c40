/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/dump.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/sig.h"
#include "kinds/kinds.h"
#include "kinds/program.h"
#include "kinds/reader.h"

static const char *const kind_names[DUMP_KINDS] = {
	[DUMP_NONE] = "none",         [DUMP_ELF_CORE] = "elf-core", [DUMP_GCORE] = "gcore",
	[DUMP_SYSTEMD_CORE] = "systemd-core", [DUMP_CORE_TEMP] = "core-temp",
	[DUMP_APPORT] = "apport",     [DUMP_ABRT] = "abrt",         [DUMP_VMCORE] = "vmcore",
	[DUMP_KDUMP] = "kdump",       [DUMP_HS_ERR] = "hs_err",     [DUMP_HPROF] = "hprof",
	[DUMP_MINIDUMP] = "minidump",
};

const char *dump_kind_name(enum dump_kind k)
{
	return k < DUMP_KINDS ? kind_names[k] : "none";
}

enum dump_kind dump_kind_parse(const char *name)
{
	for (int k = DUMP_ELF_CORE; k < DUMP_KINDS; k++)
		if (strcmp(kind_names[k], name) == 0)
			return (enum dump_kind)k;
	return DUMP_NONE;
}

void dump_meta_free(struct dump_meta *m)
{
	free(m->title);
	free(m->release);
	free(m->host);
	free(m->boot_id);
	free(m->format);
	free(m->linked);
	memset(m, 0, sizeof(*m));
}

void dump_free(struct dump *d)
{
	if (!d)
		return;
	elfcore_free(&d->core);
	dump_meta_free(&d->meta);
	free(d->program);
	free(d->path);
	free(d->host);
	free(d);
}

/* What the kind says when the process does not: a kernel, or a JVM. */
static const char *kind_default(const struct dump *d)
{
	switch (d->kind) {
	case DUMP_VMCORE:
	case DUMP_KDUMP: return "kernel";
	case DUMP_HPROF:
	case DUMP_HS_ERR: return "java";
	default: return "?";
	}
}

static const char *exe_base(const struct dump *d)
{
	const char *exe = d->core.exe ? d->core.exe : d->core.exe_mapped;
	if (!exe || !*exe)
		return NULL;
	const char *slash = strrchr(exe, '/');
	return slash && slash[1] ? slash + 1 : exe;
}

const char *dump_command(const struct dump *d)
{
	const char *exe = exe_base(d);
	return d->core.comm[0] ? d->core.comm : exe ? exe : kind_default(d);
}

const char *dump_program(const struct dump *d)
{
	const char *exe = exe_base(d);
	return d->program ? d->program : exe ? exe : d->core.comm[0] ? d->core.comm : kind_default(d);
}

/* The rules of program.h over the command line; hs_err's lacks the launcher's name. */
static void identify(struct dump *d)
{
	free(d->program);
	d->program = program_from_cmdline(&d->core, d->kind == DUMP_HS_ERR ? "java" : NULL);
}

const char *dump_signal_name(const struct dump *d, char buf[16])
{
	if (d->core.has_exception) { /* no signal: named as what it is */
		snprintf(buf, 16, "exc 0x%08" PRIX32, d->core.exception_code);
		return buf;
	}
	if (d->core.signal_text[0] && !d->core.gcore)
		return d->core.signal_text; /* another OS's name, as the dump writes it */
	if (d->core.gcore || d->core.signal == 0)
		return "-";
	const char *n = elfcore_signal_name(&d->core);
	if (n)
		return n;
	snprintf(buf, 16, "%d", d->core.signal);
	return buf;
}

void dump_cmdline_text(struct sbuf *out, const struct core_info *c, unsigned san_flags)
{
	if (!c->cmdline)
		return;
	sanitize_appends(out, c->cmdline, san_flags);
	if (c->cmdline_cut)
		sbuf_adds(out, san_flags & SAN_ASCII ? "..." : "\xe2\x80\xa6");
}

bool dump_matches(const struct dump *d, const char *text)
{
	char sig[16];
	const char *exe = d->core.exe ? d->core.exe : d->core.exe_mapped;
	return strcasestr(dump_program(d), text) || strcasestr(d->core.comm, text) ||
	       (d->core.cmdline && strcasestr(d->core.cmdline, text)) ||
	       (exe && strcasestr(exe, text)) || strcasestr(d->path, text) ||
	       strcasestr(dump_signal_name(d, sig), text);
}

int64_t dump_time(const struct dump *d)
{
	return d->meta.time > 0 ? d->meta.time : d->mtime;
}

void dump_display_path(struct sbuf *out, const struct dump *d, const char *root_display)
{
	if (!root_display) {
		sbuf_adds(out, d->host ? d->host : "");
		sbuf_addc(out, ':');
		sbuf_adds(out, d->path);
		return;
	}
	const char *below = d->path + d->rel;
	sbuf_adds(out, root_display);
	if (!*below)
		return;
	if (out->len == 0 || out->s[out->len - 1] != '/')
		sbuf_addc(out, '/');
	sbuf_adds(out, below);
}

void dump_set_stat(struct dump *d, const struct stat *st)
{
	d->dev = (uint64_t)st->st_dev;
	d->ino = (uint64_t)st->st_ino;
	d->nlink = (uint64_t)st->st_nlink;
	d->size_apparent = (uint64_t)st->st_size;
	d->size_disk = (uint64_t)st->st_blocks * 512;
	d->mtime = (int64_t)st->st_mtim.tv_sec;
	d->mtime_nsec = (int32_t)st->st_mtim.tv_nsec;
	d->owner_uid = st->st_uid;
	d->owner_gid = st->st_gid;
	d->mode = st->st_mode;
}

const char *dump_compression_name(enum dump_compression c)
{
	return decomp_name(c);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* An ELF core (vmcore and gcore included): the notes, then what they say it is. */
static void parse_elf(struct dump *d, const struct bsrc *src, int fd, unsigned flags)
{
	elfcore_parse(src, &d->core, flags);
	if (d->core.gcore)
		d->kind = DUMP_GCORE;
	if (d->core.vmcore) {
		d->kind = DUMP_VMCORE;
		d->meta.time = d->core.crashtime;
		if (d->core.osrelease[0])
			d->meta.release = xstrdup(d->core.osrelease);
		/* kdump-utils names an unfinished copy vmcore-incomplete */
		d->meta.incomplete = d->path && strstr(base_name(d->path), "incomplete") != NULL;
		return;
	}
	/* systemd-coredump's name and attributes, or its temporaries. */
	const char *name = d->path ? base_name(d->path) : "";
	bool named = sdcore_parse_name(name, &d->core, &d->meta);
	/* systemd names what it stores, and compresses it by default: other cores are not
	 * asked for attributes (a system call each). */
	bool attrs = fd >= 0 && (named || d->compression != COMP_NONE) &&
		     sdcore_read_xattrs(fd, &d->core, &d->meta);
	if (sdcore_is_temp(name))
		d->kind = DUMP_CORE_TEMP;
	else if ((named || attrs) && d->kind == DUMP_ELF_CORE)
		d->kind = DUMP_SYSTEMD_CORE;
}

/* "java_pid1234.hprof": HotSpot names heap dumps after the pid. */
static void hprof_pid(struct dump *d)
{
	const char *name = d->path ? base_name(d->path) : "";
	long pid;
	if (sscanf(name, "java_pid%ld.hprof", &pid) == 1 && pid > 0)
		d->core.pid = pid;
}

/* The parser for d->kind over src. */
static void parse_kind(struct dump *d, const struct bsrc *src, int fd, unsigned flags)
{
	switch (d->kind) {
	case DUMP_ELF_CORE:
	case DUMP_GCORE:
	case DUMP_SYSTEMD_CORE:
	case DUMP_CORE_TEMP:
	case DUMP_VMCORE:
		parse_elf(d, src, fd, flags);
		return;
	case DUMP_APPORT: apport_parse(src, &d->core, &d->meta); break;
	case DUMP_HS_ERR: hserr_parse(src, &d->core, &d->meta); break;
	case DUMP_HPROF:
		hprof_parse(src, &d->core, &d->meta);
		hprof_pid(d);
		break;
	case DUMP_MINIDUMP: minidump_parse(src, &d->core, &d->meta); break;
	case DUMP_KDUMP: {
		unsigned char h[16];
		ssize_t n = src->read_at(src, h, sizeof(h), 0);
		kdump_parse(src, n > 0 && kdump_sniff_flat(h, (size_t)n), &d->core, &d->meta);
		break;
	}
	case DUMP_ABRT: /* its core: the notes only, the directory is the dump */
		elfcore_parse(src, &d->core, flags);
		break;
	case DUMP_NONE:
	case DUMP_KINDS:
		break;
	}
}

void dump_parse_src(struct dump *d, const struct bsrc *file, int fd, unsigned flags)
{
	struct bsrc src;
	struct decomp *z = NULL;
	if (d->compression == COMP_NONE)
		parse_kind(d, file, fd, flags);
	else if ((z = decomp_open(d->compression, file, &src, &d->size_original)))
		parse_kind(d, &src, fd, flags);
	else
		snprintf(d->core.problem, sizeof(d->core.problem), "%s data cannot be read",
			 decomp_name(d->compression));
	decomp_close(z);
	identify(d);
}

static void parse_core(struct dump *d, int fd, uint64_t st_size, unsigned flags)
{
	struct bsrc file;
	bsrc_from_fd(&file, fd, st_size);
	dump_parse_src(d, &file, fd, flags);
}

void dump_parse_fd(struct dump *d, int fd, uint64_t st_size, unsigned flags)
{
	elfcore_init(&d->core);
	parse_core(d, fd, st_size, flags);
}

/* An ABRT problem directory's core: its notes, and its magic describes the dump. */
static void parse_dir_core(struct dump *d, int fd, const char *name, unsigned flags)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return;
	d->meta.linked = xstrdup(name);
	ssize_t n = pread(fd, d->head, sizeof(d->head), 0);
	d->head_len = n > 0 ? (uint8_t)n : 0;
	d->compression = n > 0 ? decomp_sniff(d->head, (size_t)n) : COMP_NONE;
	parse_core(d, fd, (uint64_t)st.st_size, flags);
}

void dump_parse_dir(struct dump *d, int dirfd, unsigned flags)
{
	uint64_t apparent, disk;
	d->meta.dir_digest = abrt_digest(dirfd, &d->meta.files, &apparent, &disk);
	d->size_apparent = apparent;
	d->size_disk = sat_add_u64(d->size_disk, disk); /* the directory's own blocks, and its files */
	elfcore_init(&d->core);
	const char *name;
	int fd = abrt_open_core(dirfd, &name);
	if (fd >= 0) {
		parse_dir_core(d, fd, name, flags);
		close(fd);
	}
	abrt_parse_items(dirfd, &d->core, &d->meta);
	identify(d);
}

int dump_reparse(const struct dump *d, unsigned flags, struct core_info *out,
		 struct dump_meta *meta)
{
	bool dir = d->kind == DUMP_ABRT;
	int fd = open(d->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
				       (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return -1;
	struct stat st;
	bool same = fstat(fd, &st) == 0 && (uint64_t)st.st_dev == d->dev &&
		    (uint64_t)st.st_ino == d->ino;
	if (same && !dir)
		same = S_ISREG(st.st_mode) && (uint64_t)st.st_size == d->size_apparent &&
		       st.st_mtim.tv_sec == d->mtime && st.st_mtim.tv_nsec == d->mtime_nsec;
	if (!same) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	struct dump copy = *d;
	memset(&copy.core, 0, sizeof(copy.core));
	memset(&copy.meta, 0, sizeof(copy.meta));
	copy.program = NULL;
	if (dir) {
		copy.size_disk = (uint64_t)st.st_blocks * 512;
		dump_parse_dir(&copy, fd, flags);
	} else {
		dump_parse_fd(&copy, fd, (uint64_t)st.st_size, flags);
	}
	close(fd);
	free(copy.program);
	if (dir && copy.meta.dir_digest != d->meta.dir_digest) {
		elfcore_free(&copy.core);
		dump_meta_free(&copy.meta);
		errno = ESTALE;
		return -1;
	}
	*out = copy.core;
	*meta = copy.meta;
	return 0;
}
