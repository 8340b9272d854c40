/* kinds: one parser per dump kind besides the ELF core (elfcore.c).
 *
 * Each reads a byte source through the bounded reader (reader.h), so a multi-gigabyte heap
 * dump or a hostile header costs a bounded amount of memory and time, and fills the process
 * facts it knows into core_info (initialised with elfcore_init) and the rest into
 * dump_meta.  Strings are kept as raw bytes; printing sanitises them.  A problem met is
 * written to core_info.problem, as the ELF parser does. */
#ifndef COREDU_KINDS_H
#define COREDU_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "kinds/dump.h"
#include "kinds/reader.h"

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

/* abrt.c: an ABRT problem directory: its text files and its (compressed) core. */
/* True when the directory open at dirfd looks like one: a "time" file and a "type" or
 * "analyzer" file, and an "executable", "reason" or "coredump*". */
bool abrt_probe(int dirfd);
/* Read it into d (path, dev, ino, mode and times set by the caller): sums its files into
 * the sizes, the digest that deletion re-checks, the text facts, and the notes of its core. */
void abrt_parse_dir(int dirfd, struct dump *d, unsigned flags);
/* The digest of a problem directory's files (names, inodes, sizes, mtimes); 0 if it holds
 * anything but regular files. */
uint64_t abrt_digest(int dirfd, uint32_t *files, uint64_t *apparent, uint64_t *disk);

#endif
