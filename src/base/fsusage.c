/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/fsusage.h"

#include <sys/statvfs.h>

void fsusage_read(struct fsusage *fs, const char *path)
{
	struct statvfs sv;
	fs->ok = statvfs(path, &sv) == 0;
	fs->path = path;
	if (!fs->ok)
		return;
	fs->size = (uint64_t)sv.f_blocks * sv.f_frsize;
	fs->free = (uint64_t)sv.f_bfree * sv.f_frsize;
	fs->avail = (uint64_t)sv.f_bavail * sv.f_frsize;
}
