#include "config.h"

#include "output/report.h"

#include <stdio.h>
#include <sys/statvfs.h>

#include "base/sig.h"
#include "base/util.h"

void report_statfs(struct report_fs *fs, const char *path)
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

const char *report_signal_name(const struct dump *d, char buf[16])
{
	if (d->core.gcore || d->core.signal == 0)
		return "-";
	const char *n = sig_name(d->core.machine, d->core.signal);
	if (n)
		return n;
	snprintf(buf, 16, "%d", d->core.signal);
	return buf;
}
