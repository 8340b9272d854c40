/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsusage: the size and free space of the file system holding a path (statvfs), for the
 * reports' and the browser's header. */
#ifndef COREDU_FSUSAGE_H
#define COREDU_FSUSAGE_H

#include <stdbool.h>
#include <stdint.h>

struct fsusage {
	bool ok;          /* statvfs succeeded; the rest is valid */
	const char *path; /* the path asked about (not copied) */
	uint64_t size, free, avail;
};

/* Fill fs from statvfs(path); fs->ok says whether it could. */
void fsusage_read(struct fsusage *fs, const char *path);

#endif
