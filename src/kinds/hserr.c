/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hserr: HotSpot's fatal error log, hs_err_pid<PID>.log (openjdk vmError.cpp).
 *
 * It starts "#\n# A fatal error has been detected by the Java Runtime Environment:" and its
 * header says what happened ("#  SIGSEGV (0xb) at pc=..., pid=..., tid=..." or
 * "#  Internal Error (...)"), the JRE, the problematic frame, and where the core went
 * ("(or dumping to /path/core.PID)").  The summary that follows has "Command Line:" and
 * "Time:" (JDK 8: "java_command:" and a "time:" line near the end). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sig.h"
#include "base/util.h"
#include "kinds/kinds.h"
#include "kinds/lines.h"

#define HSERR_MAGIC "#\n# A fatal error has been detected by the Java Runtime Environment:"
#define HSERR_LIMIT (1u << 20) /* the header and summary sit in the first few KB */

bool hserr_sniff(const unsigned char *h, size_t n)
{
	size_t k = sizeof(HSERR_MAGIC) - 1;
	return n >= k && memcmp(h, HSERR_MAGIC, k) == 0;
}

/* The number after "key=" in s, or -1. */
static long field_num(const char *s, const char *key)
{
	const char *p = strstr(s, key);
	return p ? strtol(p + strlen(key), NULL, 0) : -1;
}

static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* "Tue Nov 24 10:00:00 2026 UTC elapsed time: ..." */
static int64_t parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *rest = strptime(s, "%a %b %d %H:%M:%S %Y", &tm);
	if (!rest)
		return 0;
	rest += strspn(rest, " ");
	tm.tm_isdst = -1;
	/* HotSpot prints the zone's abbreviation; only UTC/GMT are unambiguous, others are
	 * taken as local time. */
	bool utc = strncmp(rest, "UTC", 3) == 0 || strncmp(rest, "GMT", 3) == 0;
	time_t t = utc ? timegm(&tm) : mktime(&tm);
	return t == (time_t)-1 ? 0 : (int64_t)t;
}

/* "V  [libjvm.so+0xed2f94]  Unsafe_PutLong+0x124": the module and offset, as a core's
 * crash module. */
static void frame_module(const char *frame, struct core_info *ci)
{
	const char *open = frame ? strchr(frame, '[') : NULL;
	const char *plus = open ? strchr(open, '+') : NULL;
	const char *close = plus ? strchr(plus, ']') : NULL;
	if (!close || ci->crash_module)
		return;
	ci->crash_module = xstrndup(open + 1, (size_t)(plus - open - 1));
	ci->crash_offset = strtoull(plus + 1, NULL, 16);
}

static void set_once(char **field, const char *value)
{
	if (!*field && value && *value)
		*field = xstrdup(value);
}

void hserr_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m)
{
	struct lines l;
	lines_init(&l, src, 0, HSERR_LIMIT);
	ci->file_size = src->size;
	bool frame_next = false;
	const char *line, *v;
	while ((line = lines_next(&l, NULL))) {
		if (frame_next) {
			frame_next = false;
			if ((v = after(line, "# ")))
				set_once(&m->title, v);
			frame_module(v, ci);
			continue;
		}
		if ((v = after(line, "#  ")) && v[0] != ' ' && !ci->signal && ci->pid < 0) {
			/* "SIGSEGV (0xb) at pc=..., pid=..., tid=..." or "Internal Error (...), pid=..." */
			char name[16];
			if (sscanf(v, "%15[A-Z0-9]", name) == 1 && strncmp(name, "SIG", 3) == 0) {
				int signo = sig_parse(0, name);
				ci->signal = signo > 0 ? signo : 0;
			} else if (strstr(v, "pid=") && !m->title) {
				/* "Internal Error (file.cpp:12)"; a frame may follow and replace it */
				m->title = xstrndup(v, strcspn(v, ","));
			}
			const char *pc = strstr(v, "pc=0x");
			if (pc) {
				ci->has_pc = true;
				ci->pc = strtoull(pc + 3, NULL, 16);
			}
			long pid = field_num(v, "pid="), tid = field_num(v, "tid=");
			ci->pid = pid > 0 ? pid : ci->pid;
			ci->tid = tid > 0 ? tid : ci->tid;
		} else if ((v = after(line, "siginfo: si_signo: ")) && !ci->has_siginfo) {
			/* "11 (SIGSEGV), si_code: 1 (SEGV_MAPERR), si_addr: 0x0000000000000000" */
			ci->has_siginfo = true;
			ci->si_signo = (int)strtol(v, NULL, 10);
			ci->si_code = (int)field_num(v, "si_code: ");
			const char *addr = strstr(v, "si_addr: ");
			if (addr && ci->si_code > 0 && sig_is_fault(0, ci->si_signo)) {
				ci->has_fault_addr = true;
				ci->fault_addr = strtoull(addr + 9, NULL, 16);
			}
		} else if ((v = after(line, "# JRE version: "))) {
			set_once(&m->release, v);
		} else if (strcmp(line, "# Problematic frame:") == 0) {
			free(m->title); /* the frame says more than "Internal Error" */
			m->title = NULL;
			frame_next = true;
		} else if (strncmp(line, "# Core dump will be written", 27) == 0 && !m->linked) {
			/* "(or dumping to /dir/core.PID)" with a pipe pattern, else
			 * "Default location: /dir/core (max size ...)" */
			const char *to = strstr(line, "dumping to ");
			const char *loc = strstr(line, "Default location: ");
			if (to)
				m->linked = xstrndup(to + 11, strcspn(to + 11, ")"));
			else if (loc && loc[18] == '/')
				m->linked = xstrndup(loc + 18, strcspn(loc + 18, " "));
		} else if ((v = after(line, "Command Line: ")) || (v = after(line, "java_command: "))) {
			if (!ci->cmdline)
				elfcore_set_cmdline(ci, v, strlen(v), CORE_CMDLINE_MAX,
						    strlen(v) >= LINES_MAX);
		} else if ((v = after(line, "Time: ")) || (v = after(line, "time: "))) {
			if (!m->time)
				m->time = parse_time(v);
		}
	}
	if (ci->pid < 0 && !m->title)
		snprintf(ci->problem, sizeof(ci->problem), "no error line in the log's header");
	lines_free(&l);
}
