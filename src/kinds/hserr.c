/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hserr: HotSpot's fatal error log, hs_err_pid<PID>.log (openjdk vmError.cpp).
 *
 * It starts "#\n# A fatal error has been detected by the Java Runtime Environment:" and its
 * header says what happened ("#  SIGSEGV (0xb) at pc=..., pid=..., tid=..." or
 * "#  Internal Error (...)"), the JRE, the problematic frame, and where the core went
 * ("(or dumping to /path/core.PID)").  The summary that follows has "Command Line:" and
 * "Time:" (JDK 8: "java_command:" and a "time:" line near the end).
 *
 * A JVM on another OS writes its own signal numbers ("SIGBUS (0xa)" on macOS, where Linux's
 * SIGBUS is 7): the OS comes from the "Java VM:" line's platform ("bsd-amd64",
 * "solaris-sparcv9") and the "Host:"/"OS:" lines, and for any OS but Linux the signal and
 * si_code are kept with their names and numbers as written. */
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

/* What the log says of the signal, taken as written and settled once the OS is known. */
struct written {
	char name[32];      /* "SIGSEGV", "EXCEPTION_ACCESS_VIOLATION" */
	long number;        /* "(0xb)" */
	char code_name[24]; /* siginfo's "si_code: 1 (SEGV_MAPERR)" */
	bool has_addr;
	uint64_t addr;
	char os[12];        /* "" until a line names it */
};

/* The platform of "# Java VM: ... (..., bsd-amd64)" or of the "Host:" and "OS:" lines. */
static void note_os(struct written *w, const char *line)
{
	static const struct {
		const char *mark, *os;
	} marks[] = {
		{"Darwin", "macos"}, {"macOS", "macos"}, {"Mac OS X", "macos"},
		{"bsd-", "bsd"}, {"FreeBSD", "bsd"}, {"OpenBSD", "bsd"},
		{"windows-", "windows"}, {"Windows", "windows"},
		{"solaris-", "solaris"}, {"SunOS", "solaris"}, {"aix-", "aix"}, {"AIX", "aix"},
		{"linux-", "linux"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		/* "bsd" is refined by a later "Darwin"; nothing else is overwritten */
		if (strstr(line, marks[i].mark) &&
		    (!w->os[0] || (strcmp(w->os, "bsd") == 0 && strcmp(marks[i].os, "macos") == 0))) {
			snprintf(w->os, sizeof(w->os), "%s", marks[i].os);
			return;
		}
	}
}

/* "#  SIGSEGV (0xb) at pc=..., pid=..., tid=..." or "#  Internal Error (...), pid=..." */
static void error_line(const char *v, struct core_info *ci, struct dump_meta *m,
		       struct written *w)
{
	if (sscanf(v, "%31[A-Za-z0-9_]", w->name) == 1 && strstr(v, " at pc=")) {
		const char *num = strstr(v, "(0x");
		w->number = num ? strtol(num + 1, NULL, 16) : -1;
	} else {
		w->name[0] = '\0';
		if (strstr(v, "pid=") && !m->title) /* "Internal Error (file.cpp:12)"; a frame
						       * may follow and replace it */
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
}

/* "siginfo: si_signo: 11 (SIGSEGV), si_code: 1 (SEGV_MAPERR), si_addr: 0x0000000000000000" */
static void siginfo_line(const char *v, struct core_info *ci, struct written *w)
{
	ci->has_siginfo = true;
	ci->si_signo = (int)strtol(v, NULL, 10);
	ci->si_code = (int)field_num(v, "si_code: ");
	const char *code = strstr(v, "si_code: ");
	const char *open = code ? strchr(code, '(') : NULL;
	if (open)
		sscanf(open + 1, "%23[A-Z_0-9]", w->code_name);
	const char *addr = strstr(v, "si_addr: ");
	if (addr) {
		w->has_addr = true;
		w->addr = strtoull(addr + 9, NULL, 16);
	}
}

/* The signal in Linux's numbering, or, for another OS, as written. */
static void settle_signal(struct core_info *ci, struct written *w)
{
	bool linux_log = !w->os[0] || strcmp(w->os, "linux") == 0;
	if (!linux_log) {
		snprintf(ci->os, sizeof(ci->os), "%s", w->os);
		snprintf(ci->signal_text, sizeof(ci->signal_text), "%s", w->name);
		snprintf(ci->si_code_text, sizeof(ci->si_code_text), "%s", w->code_name);
		ci->signal = strncmp(w->name, "SIG", 3) == 0 && w->number > 0 && w->number < 256
				     ? (int)w->number : 0;
	} else if (strncmp(w->name, "SIG", 3) == 0) {
		int signo = sig_parse(0, w->name);
		ci->signal = signo > 0 ? signo : 0;
	}
	if (w->has_addr && ci->has_siginfo && ci->si_code > 0 && elfcore_fault_signal(ci)) {
		ci->has_fault_addr = true;
		ci->fault_addr = w->addr;
	}
}

void hserr_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m)
{
	struct lines l;
	lines_init(&l, src, 0, HSERR_LIMIT);
	ci->file_size = src->size;
	bool frame_next = false;
	struct written w = {.number = -1};
	const char *line, *v;
	while ((line = lines_next(&l, NULL))) {
		if (frame_next) {
			frame_next = false;
			if ((v = after(line, "# ")))
				set_once(&m->title, v);
			frame_module(v, ci);
			continue;
		}
		if ((v = after(line, "#  ")) && v[0] != ' ' && !w.name[0] && ci->pid < 0) {
			error_line(v, ci, m, &w);
		} else if ((v = after(line, "siginfo: si_signo: ")) && !ci->has_siginfo) {
			siginfo_line(v, ci, &w);
		} else if (after(line, "# Java VM: ") || after(line, "Host: ") ||
			   after(line, "OS:") || after(line, "uname:")) {
			note_os(&w, line);
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
	settle_signal(ci, &w);
	if (ci->pid < 0 && !m->title)
		snprintf(ci->problem, sizeof(ci->problem), "no error line in the log's header");
	lines_free(&l);
}
