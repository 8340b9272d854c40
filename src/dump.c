#include "config.h"

#include "dump.h"

#include <stdlib.h>
#include <string.h>

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
