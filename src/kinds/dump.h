/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dump: one found dump, as the index, the reports and the browser see it. */
#ifndef COREDU_DUMP_H
#define COREDU_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/stat.h>

#include "base/util.h"
#include "kinds/decomp.h"
#include "kinds/elfcore.h"
#include "kinds/kinds.h"
#include "kinds/reader.h"

/* The `kind` of the JSON contract.  Each is recognised by content (detect.c); the name only
 * refines an ELF core into systemd-core or core-temp. */
enum dump_kind {
	DUMP_NONE = 0,
	DUMP_ELF_CORE,     /* "elf-core": a process core written by the kernel or qemu-user */
	DUMP_GCORE,        /* "gcore": gdb's snapshot of a live process, not a crash */
	DUMP_SYSTEMD_CORE, /* "systemd-core": core.COMM.UID.BOOTID.PID.USEC[.zst|.xz|.lz4] */
	DUMP_CORE_TEMP,    /* "core-temp": an .#core* temporary an interrupted systemd-coredump
			    * left behind */
	DUMP_APPORT,       /* "apport": an Apport .crash report */
	DUMP_ABRT,         /* "abrt": an ABRT problem directory (one entry, all its files) */
	DUMP_VMCORE,       /* "vmcore": a kernel crash dump in ELF (VMCOREINFO), or a qemu guest */
	DUMP_KDUMP,        /* "kdump": makedumpfile's compressed format, plain or flattened */
	DUMP_HS_ERR,       /* "hs_err": a Java HotSpot fatal error log */
	DUMP_HPROF,        /* "hprof": a Java heap dump */
	DUMP_MINIDUMP,     /* "minidump": a Breakpad or Crashpad minidump */
	DUMP_KINDS
};

#define DUMP_HEAD_LEN 128 /* bytes sniffed from the start of every regular file */

struct dump {
	char *path;    /* absolute, raw bytes from the file system */
	uint32_t root; /* index of the scan root it was found under */
	uint32_t rel;  /* offset in path of the part below the root */
	uint64_t dev, ino, nlink;
	uint64_t size_apparent; /* st_size; for ABRT the sum over its files */
	uint64_t size_disk;     /* st_blocks * 512; the same */
	int64_t mtime;
	int32_t mtime_nsec;
	uint32_t owner_uid, owner_gid, mode;
	enum dump_kind kind;
	enum dump_compression compression;
	uint64_t size_original; /* decompressed size of a compressed dump, 0 if unknown */
	uint32_t same_crash;    /* dumps of one crash share a number (index_link_same_crash) */
	uint32_t source;        /* 0: found here; n: read from the n-th host's `coredu json` */
	char *host;             /* that host's name (imported dumps only), owned */
	uint8_t head_len;
	unsigned char head[DUMP_HEAD_LEN];
	struct core_info core;  /* the crashed process, as far as the kind tells */
	struct dump_meta meta;
	char *program;          /* program.h's name from the command line; NULL: none */
};

/* The device as the index and the marks key a dump by: an imported dump's source in the
 * top 16 bits, so that the same (device, inode) on two hosts stays two dumps.  (Real device
 * numbers use at most 44 bits.) */
static inline uint64_t dump_key_dev(const struct dump *d)
{
	return d->dev ^ ((uint64_t)d->source << 48);
}

const char *dump_kind_name(enum dump_kind k);
/* The kind for a name from dump_kind_name, DUMP_NONE if unknown. */
enum dump_kind dump_kind_parse(const char *name);
void dump_free(struct dump *d);
/* The file's facts from its status: identity, sizes, time, owner, mode. */
void dump_set_stat(struct dump *d, const struct stat *st);
/* What the reports call COMMAND: the comm of the process, else the executable's base name,
 * else what the kind says ("kernel" for vmcore and kdump, "java" for hprof). */
const char *dump_command(const struct dump *d);
/* The program, as an operator names it, and the key that groups dumps (program.h): the
 * script, module or class an interpreter or launcher runs, else the executable's base name,
 * else the comm, else what the kind says. */
const char *dump_program(const struct dump *d);
/* The signal's name as the reports and the browser show it ("SIGABRT"), its number where
 * the architecture's table has no name, "-" for a gcore snapshot or no signal, and
 * "exc 0xC0000005" for a minidump's exception code that is no signal. */
const char *dump_signal_name(const struct dump *d, char buf[16]);
/* The command line for people: sanitised (san_flags), ending in "…" ("..." with SAN_ASCII)
 * where it is cut; nothing when it is unknown. */
void dump_cmdline_text(struct sbuf *out, const struct core_info *c, unsigned san_flags);
/* Does the text occur (case-insensitively) in the dump's program, comm, command line,
 * executable, path or signal name?  The browser's filter and prune --match. */
bool dump_matches(const struct dump *d, const char *text);
/* When it happened: the time the content or the name records, else the file's mtime. */
int64_t dump_time(const struct dump *d);
const char *dump_compression_name(enum dump_compression c);
/* Read the metadata of the dump open at fd (st_size bytes), decompressing the head of a
 * compressed one; fills d->core, d->meta, d->size_original, and refines d->kind (gcore,
 * vmcore, systemd-core, core-temp). */
void dump_parse_fd(struct dump *d, int fd, uint64_t st_size, unsigned flags);
/* A dump that is a directory (detect_dir said which kind; today an ABRT problem directory),
 * open at dirfd: its files summed into the sizes (d->size_disk holds the directory's own
 * blocks), the digest that deletion re-checks, its text facts, and the notes of its core. */
void dump_parse_dir(struct dump *d, int dirfd, unsigned flags);
/* The same from any byte source (fd -1: no file, so no attributes): d->kind and
 * d->compression say what to read; d->core must be initialised (elfcore_init). */
void dump_parse_src(struct dump *d, const struct bsrc *src, int fd, unsigned flags);
/* Parse the dump's file again with `flags` (ELFCORE_KEEP_MAPS for the mapped files), if it
 * is still the same file (device, inode, size, mtime).  Returns 0, or -1 with errno
 * (ESTALE when the file changed since the scan).  The caller frees with dump_meta_free and
 * elfcore_free. */
int dump_reparse(const struct dump *d, unsigned flags, struct core_info *out,
		 struct dump_meta *meta);
/* The path as reached from the operand the user gave, e.g. "./app/core.1058"; for an
 * imported dump (root_display NULL) "HOST:/abs/path". */
void dump_display_path(struct sbuf *out, const struct dump *d, const char *root_display);

#endif
