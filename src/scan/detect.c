/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/detect.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "kinds/elfcore.h"
#include "kinds/kinds.h"

enum dump_kind detect_kind(const unsigned char *head, size_t n)
{
	if (elfcore_sniff(head, n))
		return DUMP_ELF_CORE;
	if (minidump_sniff(head, n))
		return DUMP_MINIDUMP;
	if (hprof_sniff(head, n))
		return DUMP_HPROF;
	if (kdump_sniff(head, n))
		return DUMP_KDUMP;
	if (apport_sniff(head, n))
		return DUMP_APPORT;
	if (hserr_sniff(head, n))
		return DUMP_HS_ERR;
	return DUMP_NONE;
}

/* "makedumpfile" at 0 and "KDUMP   " where the first data block starts. */
static enum dump_kind flattened_kdump(const struct bsrc *src, const unsigned char *head, size_t n)
{
	unsigned char inner[8];
	if (!kdump_sniff_flat(head, n) ||
	    src->read_at(src, inner, sizeof(inner), KDUMP_FLAT_DATA) != (ssize_t)sizeof(inner))
		return DUMP_NONE;
	return kdump_sniff(inner, sizeof(inner)) ? DUMP_KDUMP : DUMP_NONE;
}

enum dump_kind detect_file(int fd, uint64_t size, const unsigned char *head, size_t n,
			   enum dump_compression *comp)
{
	*comp = COMP_NONE;
	enum dump_kind k = detect_kind(head, n);
	if (k != DUMP_NONE)
		return k;
	struct bsrc file;
	bsrc_from_fd(&file, fd, size);
	if ((k = flattened_kdump(&file, head, n)) != DUMP_NONE)
		return k;
	enum dump_compression c = decomp_sniff(head, n);
	if (c == COMP_NONE)
		return DUMP_NONE;
	unsigned char inner[DUMP_HEAD_LEN];
	ssize_t got = decomp_peek(c, &file, inner, sizeof(inner));
	if (got <= 0)
		return DUMP_NONE;
	k = detect_kind(inner, (size_t)got);
	if (k != DUMP_NONE)
		*comp = c;
	return k;
}

bool detect_head_rules_out(const unsigned char *head, size_t n)
{
	return detect_kind(head, n) == DUMP_NONE && !kdump_sniff_flat(head, n) &&
	       decomp_sniff(head, n) == COMP_NONE;
}

static bool is_file(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

enum dump_kind detect_dir(int dirfd)
{
	if (is_file(dirfd, "time") && (is_file(dirfd, "type") || is_file(dirfd, "analyzer")) &&
	    (is_file(dirfd, "executable") || is_file(dirfd, "reason")))
		return DUMP_ABRT;
	return DUMP_NONE;
}

static bool affixed(const char *name, size_t len, const char *prefix, size_t pl,
		    const char *suffix, size_t sl)
{
	return len >= pl + sl && memcmp(name, prefix, pl) == 0 &&
	       memcmp(name + len - sl, suffix, sl) == 0;
}

bool detect_small_name(const char *name)
{
	/* Called for every file of a scan: switches on the first and last bytes, and lengths
	 * known at compile time, keep it to a few instructions for most names.  A table of
	 * affixes with strlen and memcmp calls was half the user time of a warm scan. */
#define AFFIXED(prefix, suffix) \
	affixed(name, len, prefix, sizeof(prefix) - 1, suffix, sizeof(suffix) - 1)
	size_t len = strlen(name);
	bool named = false;
	switch (name[0]) {
	case 'c': named = AFFIXED("core", "") && (len == 4 || name[4] == '.'); break; /* core, core.* */
	case 'v': named = AFFIXED("vmcore", ""); break;
	case 'h': named = AFFIXED("hs_err_pid", ".log"); break;
	case 'j': named = AFFIXED("java_pid", ".hprof"); break;
	case '.': named = AFFIXED(".#core", ""); break;
	default: break;
	}
	switch (named || !len ? 0 : name[len - 1]) {
	case 'e': named = AFFIXED("", ".core"); break;
	case 'h': named = AFFIXED("", ".crash"); break;
	case 'p': named = AFFIXED("", ".dmp"); break;
	default: break;
	}
	return named;
#undef AFFIXED
}

/* "/var/crash" inside path as whole components: at its end or followed by '/'. */
static bool has_components(const char *path, const char *dirs)
{
	size_t n = strlen(dirs);
	for (const char *p = strstr(path, dirs); p; p = strstr(p + 1, dirs))
		if (p[n] == '\0' || p[n] == '/')
			return true;
	return false;
}

bool detect_dump_place(const char *dirpath)
{
	return has_components(dirpath, "/var/crash") ||
	       has_components(dirpath, "/var/lib/systemd/coredump") ||
	       has_components(dirpath, "/var/spool/abrt");
}

bool detect_path_checked(const char *path, uint64_t size, bool sniff_all)
{
	if (size >= DETECT_SNIFF_SIZE || sniff_all)
		return true;
	const char *slash = strrchr(path, '/');
	if (detect_small_name(slash ? slash + 1 : path))
		return true;
	if (!slash)
		return false;
	char *dir = xstrndup(path, (size_t)(slash - path));
	bool place = detect_dump_place(dir);
	free(dir);
	return place;
}
