#include "config.h"

#include "dump.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"
#include "zst.h"

const char *dump_kind_name(enum dump_kind k)
{
	switch (k) {
	case DUMP_ELF_CORE: return "elf-core";
	case DUMP_NONE: break;
	}
	return "none";
}

void dump_free(struct dump *d)
{
	if (!d)
		return;
	elfcore_free(&d->core);
	free(d->path);
	free(d);
}

const char *dump_command(const struct dump *d)
{
	if (d->core.comm[0])
		return d->core.comm;
	const char *exe = d->core.exe ? d->core.exe : d->core.exe_mapped;
	if (exe && *exe) {
		const char *slash = strrchr(exe, '/');
		return slash && slash[1] ? slash + 1 : exe;
	}
	return "?";
}

void dump_display_path(struct sbuf *out, const struct dump *d, const char *root_display)
{
	const char *below = d->path + d->rel;
	sbuf_adds(out, root_display);
	if (!*below)
		return;
	if (out->len == 0 || out->s[out->len - 1] != '/')
		sbuf_addc(out, '/');
	sbuf_adds(out, below);
}

const char *dump_compression_name(enum dump_compression c)
{
	return c == COMP_ZSTD ? "zstd" : NULL;
}

void dump_parse_fd(struct dump *d, int fd, uint64_t st_size, unsigned flags)
{
	struct bsrc src;
	if (d->compression == COMP_ZSTD) {
		struct zst_src *z = zst_open(fd, &src, &d->size_original);
		if (z) {
			elfcore_parse(&src, &d->core, flags);
			zst_close(z);
			return;
		}
		memset(&d->core, 0, sizeof(d->core));
		snprintf(d->core.problem, sizeof(d->core.problem), "zstd data cannot be read");
		return;
	}
	bsrc_from_fd(&src, fd, st_size);
	elfcore_parse(&src, &d->core, flags);
}

int dump_reparse(const struct dump *d, unsigned flags, struct core_info *out)
{
	int fd = open(d->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_dev != d->dev ||
	    (uint64_t)st.st_ino != d->ino || (uint64_t)st.st_size != d->size_apparent ||
	    st.st_mtim.tv_sec != d->mtime || st.st_mtim.tv_nsec != d->mtime_nsec) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	struct dump copy = *d;
	memset(&copy.core, 0, sizeof(copy.core));
	dump_parse_fd(&copy, fd, (uint64_t)st.st_size, flags);
	*out = copy.core;
	close(fd);
	return 0;
}
