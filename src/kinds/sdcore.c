/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sdcore: what systemd-coredump records beside the core itself.
 *
 * The file name, from make_filename() in src/coredump/coredump-submit.c:
 *   core.COMM.UID.BOOTID.PID.USEC[.zst|.xz|.lz4]
 * where COMM is xescape()d (".", "/" and " " as \xNN), BOOTID 32 hex digits, USEC the
 * crash time in microseconds.  The attributes, set "because we can" (errors ignored):
 *   user.coredump.pid .uid .gid .signal .timestamp .rlimit .hostname .comm .exe
 * Interrupted runs leave ".#core.<...>" temporaries behind (systemd#2804). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "base/util.h"
#include "kinds/kinds.h"

static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A number of n digits (all_digits said so), not reading past them. */
static int64_t number(const char *s, size_t n)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%.*s", (int)n, s);
	return strtoll(buf, NULL, 10);
}

/* Undo xescape(): "\x2e" back to ".". */
static void unescape(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < dstlen; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' && isxdigit((unsigned char)s[i + 2]) &&
		    isxdigit((unsigned char)s[i + 3])) {
			char hex[3] = {s[i + 2], s[i + 3], 0};
			dst[o++] = (char)strtol(hex, NULL, 16);
			i += 3;
		} else {
			dst[o++] = s[i];
		}
	}
	dst[o] = '\0';
}

bool sdcore_is_temp(const char *name)
{
	return strncmp(name, ".#core", 6) == 0;
}

bool sdcore_parse_name(const char *name, struct core_info *ci, struct dump_meta *m)
{
	size_t n = strlen(name);
	if (sdcore_is_temp(name)) {
		/* tempfn_random(): ".#" + the name + 16 random hex digits */
		name += 2;
		n -= 2;
		if (n > 16 && all_hex(name + n - 16, 16))
			n -= 16;
	}
	if (strncmp(name, "core.", 5) != 0)
		return false;
	static const char *const exts[] = {".zst", ".xz", ".lz4"};
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t el = strlen(exts[i]);
		if (n > el && strcmp(name + n - el, exts[i]) == 0) {
			n -= el;
			break;
		}
	}
	/* From the right: USEC, PID, BOOTID, UID; what is left after "core." is COMM. */
	const char *end = name + n, *fields[4];
	size_t lens[4];
	for (int k = 0; k < 4; k++) {
		const char *dot = end;
		while (dot > name + 5 && dot[-1] != '.')
			dot--;
		if (dot <= name + 5)
			return false;
		fields[k] = dot;
		lens[k] = (size_t)(end - dot);
		end = dot - 1;
	}
	/* fields: 0 USEC, 1 PID, 2 BOOTID, 3 UID */
	if (!all_digits(fields[0], lens[0]) || !all_digits(fields[1], lens[1]) || lens[2] != 32 ||
	    !all_hex(fields[2], lens[2]) || !all_digits(fields[3], lens[3]) || end <= name + 5)
		return false;
	if (!ci->comm[0])
		unescape(ci->comm, sizeof(ci->comm), name + 5, (size_t)(end - (name + 5)));
	if (ci->pid < 0)
		ci->pid = number(fields[1], lens[1]);
	if (ci->uid < 0)
		ci->uid = number(fields[3], lens[3]);
	free(m->boot_id);
	m->boot_id = xstrndup(fields[2], 32);
	m->time = number(fields[0], lens[0]) / 1000000;
	return true;
}

/* One attribute as a NUL-terminated string, or false. */
static bool get_attr(int fd, const char *name, char *buf, size_t len)
{
	ssize_t n = fgetxattr(fd, name, buf, len - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

bool sdcore_read_xattrs(int fd, struct core_info *ci, struct dump_meta *m)
{
	char v[4096];
	/* One call says whether there is anything to read: most cores have no attributes. */
	ssize_t names = flistxattr(fd, v, sizeof(v));
	if (names == 0 || (names < 0 && errno != ERANGE) ||
	    (names > 0 && !memmem(v, (size_t)names, "user.coredump.", 14)))
		return false;
	/* Numbers fill what the notes did not say (-1). */
	int64_t signal = ci->signal ? ci->signal : -1, usec = -1;
	const struct {
		const char *name;
		int64_t *field;
	} nums[] = {
		{"user.coredump.pid", &ci->pid}, {"user.coredump.uid", &ci->uid},
		{"user.coredump.gid", &ci->gid}, {"user.coredump.signal", &signal},
		{"user.coredump.timestamp", &usec},
	};
	bool any = false;
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (get_attr(fd, nums[i].name, v, sizeof(v))) {
			any = true;
			if (*nums[i].field < 0)
				*nums[i].field = strtoll(v, NULL, 10);
		}
	}
	if (!ci->signal && signal > 0)
		ci->signal = (int)signal;
	if (usec > 0)
		m->time = usec / 1000000;
	if (get_attr(fd, "user.coredump.comm", v, sizeof(v))) {
		any = true;
		if (!ci->comm[0])
			snprintf(ci->comm, sizeof(ci->comm), "%.16s", v);
	}
	const struct {
		const char *name;
		char **field;
	} strs[] = {{"user.coredump.exe", &ci->exe}, {"user.coredump.hostname", &m->host}};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		if (get_attr(fd, strs[i].name, v, sizeof(v))) {
			any = true;
			if (!*strs[i].field)
				*strs[i].field = xstrdup(v);
		}
	}
	m->xattrs = any;
	return any;
}
