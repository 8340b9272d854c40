/* SPDX-License-Identifier: GPL-2.0-or-later */
/* detect: recognise a dump from the first bytes of a file, never from its name (a name or
 * place only decides whether a file under DETECT_SNIFF_SIZE is looked at). */
#ifndef COREDU_DETECT_H
#define COREDU_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "kinds/dump.h"

/* Files shorter than this cannot be recognised as any kind of dump. */
#define DETECT_MIN_SIZE 12
/* The kernel never writes a core smaller than one page (min_coredump), so every regular file
 * of at least this size is checked by content; a smaller one only when its name or place
 * follows a dump convention (detect_small_name, detect_dump_place), or with --sniff-all. */
#define DETECT_SNIFF_SIZE 4096

#include <stdbool.h>

/* Whether a file name follows a dump convention: core, core.*, *.core, vmcore*, *.crash,
 * hs_err_pid*.log, java_pid*.hprof, *.dmp, .#core*. */
bool detect_small_name(const char *name);
/* Whether a directory path is, or lies below, a well-known dump directory (var/crash,
 * var/lib/systemd/coredump, var/spool/abrt, under any root: a container's or a chroot's). */
bool detect_dump_place(const char *dirpath);
/* The rule for one file known by its whole path (watch's candidates): checked by content
 * when it has DETECT_SNIFF_SIZE bytes, or a dump's name or place, or with sniff_all. */
bool detect_path_checked(const char *path, uint64_t size, bool sniff_all);

/* The kind the first bytes announce: an ELF core (elf-core; its notes may make it gcore or
 * vmcore), a minidump, an HPROF heap dump, a kdump (plain; a flattened one needs the
 * file), an Apport report, a HotSpot error log.  DUMP_NONE otherwise. */
enum dump_kind detect_kind(const unsigned char *head, size_t n);
/* The same for a file open at fd whose first bytes are `head`: a compressed dump is
 * recognised by the decompressed start of its content (*comp says how it is stored), a
 * flattened kdump by the header at 0x1010. */
enum dump_kind detect_file(int fd, uint64_t size, const unsigned char *head, size_t n,
			   enum dump_compression *comp);
/* Whether the first bytes alone say "not a dump", without the file: false for a dump and
 * for what detect_file must look further into (a compressed or a flattened kdump header). */
bool detect_head_rules_out(const unsigned char *head, size_t n);
/* The kind of a directory that is a dump in its own right (its files belong to it and are not
 * sniffed), DUMP_NONE for any other: an ABRT problem directory has a "time" file, a "type"
 * or "analyzer" file, and an "executable" or "reason" file, all regular files.  Costs one
 * fstatat for most directories. */
enum dump_kind detect_dir(int dirfd);

#endif
