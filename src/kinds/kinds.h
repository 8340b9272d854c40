/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kinds: one parser per dump kind besides the ELF core (elfcore.c).
 *
 * Each reads a byte source through the bounded reader (reader.h), so a multi-gigabyte heap
 * dump or a hostile header costs a bounded amount of memory and time, and fills the process
 * facts it knows into core_info (initialised with elfcore_init) and the rest into
 * dump_meta.  Strings are kept as raw bytes; printing sanitises them.  A problem met is
 * written to core_info.problem, as the ELF parser does.  A parser needs only these two
 * structures: none includes dump.h, and dump.c, the dispatcher, is the only caller. */
#ifndef COREDU_KINDS_H
#define COREDU_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kinds/elfcore.h"
#include "kinds/reader.h"

/* What each kind adds to the process facts in core_info. */
struct dump_meta {
	int64_t time;        /* when it happened, from the content or the name; 0 if unknown */
	char *title;         /* one line: hs_err's problematic frame, ABRT's reason, apport's
			      * SignalName or Title, a kdump's utsname */
	char *release;       /* the kernel release (vmcore, kdump, apport), the JRE (hs_err) */
	char *host;          /* the host it happened on, when recorded */
	char *boot_id;       /* systemd-core */
	char *format;        /* hprof "JAVA PROFILE 1.0.2", kdump "diskdump header v6" */
	char *linked;        /* hs_err: the core it says it wrote; ABRT: its core's file name */
	uint64_t count;      /* ABRT: how many times this crash happened */
	uint64_t embedded;   /* Apport: bytes of the embedded CoreDump (gzip), 0 if none */
	uint64_t embedded_original; /* Apport: the core's size from the gzip trailer (mod 4 GiB) */
	uint32_t streams;    /* minidump */
	uint32_t id_size;    /* hprof: identifier size, 4 or 8 */
	uint32_t block_size; /* kdump */
	uint32_t files;      /* ABRT: files in the problem directory */
	bool incomplete;     /* kdump's incomplete flag, an unfinished vmcore */
	bool flattened;      /* kdump in makedumpfile's flattened (streamed) format */
	bool xattrs;         /* systemd-core: the user.coredump.* attributes were read */
	uint64_t dir_digest; /* ABRT: names, inodes, sizes and times of its files (deletion) */
};

/* Free the strings (dump.c). */
void dump_meta_free(struct dump_meta *m);

/* hprof.c: "JAVA PROFILE 1.0.x\0", id size, creation time. */
bool hprof_sniff(const unsigned char *head, size_t n);
void hprof_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m);

/* minidump.c: Breakpad/Crashpad "MDMP": streams, time, exception, Linux process streams. */
bool minidump_sniff(const unsigned char *head, size_t n);
void minidump_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m);

/* kdump.c: makedumpfile's "KDUMP   " header, or its flattened stream ("makedumpfile" at
 * 0, the header at 0x1010). */
bool kdump_sniff(const unsigned char *head, size_t n);
bool kdump_sniff_flat(const unsigned char *head, size_t n);
#define KDUMP_FLAT_DATA 0x1010 /* where a flattened file's first data block starts */
void kdump_parse(const struct bsrc *src, bool flattened, struct core_info *ci,
		 struct dump_meta *m);

/* hserr.c: HotSpot's hs_err_pid<PID>.log. */
bool hserr_sniff(const unsigned char *head, size_t n);
void hserr_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m);

/* apport.c: an Apport .crash report. */
bool apport_sniff(const unsigned char *head, size_t n);
void apport_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m);

/* sdcore.c: what systemd-coredump records outside the core: the file name
 * core.COMM.UID.BOOTID.PID.USEC[.zst|.xz|.lz4] and the user.coredump.* attributes.  Both
 * return true when they recognised something; fields the core's notes gave are kept. */
bool sdcore_parse_name(const char *name, struct core_info *ci, struct dump_meta *m);
bool sdcore_read_xattrs(int fd, struct core_info *ci, struct dump_meta *m);
/* An .#core* temporary of systemd-coredump. */
bool sdcore_is_temp(const char *name);

/* abrt.c: an ABRT problem directory (detect_dir recognises one): its text items and which
 * file is its core.  Items are opened only when they are regular files. */
/* Its core ("coredump", or compressed: coredump.zst, .xz, .lz4), open, with its name; -1 if
 * it has none. */
int abrt_open_core(int dirfd, const char **name);
/* The text items, after the core's notes were read into ci: the core's own pid and uid
 * win.  m->dir_digest must be set (abrt_digest): 0 makes a `problem`. */
void abrt_parse_items(int dirfd, struct core_info *ci, struct dump_meta *m);
/* The digest of a problem directory's files (names, inodes, sizes, mtimes); 0 if it holds
 * anything but regular files. */
uint64_t abrt_digest(int dirfd, uint32_t *files, uint64_t *apparent, uint64_t *disk);

#endif
