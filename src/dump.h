/* dump: one found dump, as the index, the reports and the browser see it. */
#ifndef COREDU_DUMP_H
#define COREDU_DUMP_H

#include <stdint.h>

#include "elfcore.h"
#include "util.h"

enum dump_kind {
	DUMP_NONE = 0,
	DUMP_ELF_CORE, /* "elf-core": a kernel, qemu-user or gcore ELF core file */
};

enum dump_compression {
	COMP_NONE,
	COMP_ZSTD, /* NAME.zst: coredu --compress, zstd(1), systemd-coredump */
};

#define DUMP_HEAD_LEN 64 /* bytes sniffed from the start of every regular file */

struct dump {
	char *path;    /* absolute, raw bytes from the file system */
	uint32_t root; /* index of the scan root it was found under */
	uint32_t rel;  /* offset in path of the part below the root */
	uint64_t dev, ino, nlink;
	uint64_t size_apparent; /* st_size */
	uint64_t size_disk;     /* st_blocks * 512 */
	int64_t mtime;
	int32_t mtime_nsec;
	uint32_t owner_uid, owner_gid, mode;
	enum dump_kind kind;
	enum dump_compression compression;
	uint64_t size_original; /* decompressed size of a compressed dump, 0 if unknown */
	uint8_t head_len;
	unsigned char head[DUMP_HEAD_LEN];
	struct core_info core;
};

const char *dump_kind_name(enum dump_kind k);
void dump_free(struct dump *d);
/* What the reports call COMMAND: the comm of the process, else the executable's base name. */
const char *dump_command(const struct dump *d);
const char *dump_compression_name(enum dump_compression c);
/* Read the metadata of the dump open at fd (st_size bytes), decompressing the head of a
 * compressed one; fills d->core and d->size_original. */
void dump_parse_fd(struct dump *d, int fd, uint64_t st_size, unsigned flags);
/* Parse the dump's file again with `flags` (ELFCORE_KEEP_MAPS for the mapped files), if it
 * is still the same file (device, inode, size, mtime).  Returns 0, or -1 with errno
 * (ESTALE when the file changed since the scan). */
int dump_reparse(const struct dump *d, unsigned flags, struct core_info *out);
/* The path as reached from the operand the user gave, e.g. "./app/core.1058". */
void dump_display_path(struct sbuf *out, const struct dump *d, const char *root_display);

#endif
