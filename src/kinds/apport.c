/* SPDX-License-Identifier: GPL-2.0-or-later */
/* apport: Apport's .crash reports (canonical/apport problem_report.py, ProblemReport.write).
 *
 * "Key: value" lines, "ProblemType" first, the other text keys sorted, multi-line values
 * continued on lines that start with a space; binary keys last, as "Key: base64" followed
 * by lines " <base64>": a gzip header, the deflate blocks, and last the deflate tail with
 * the gzip trailer (CRC32, then ISIZE: the original size modulo 2^32).
 *
 * The text keys are read up to APPORT_TEXT_LIMIT; the CoreDump value is never decoded: its
 * size comes from its extent (base64 is 4 characters per 3 bytes) and the original size from
 * the last 8 bytes of its last line, read from the file's tail. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "kinds/kinds.h"
#include "kinds/lines.h"

#define APPORT_TEXT_LIMIT (16u << 20)
#define APPORT_TAIL (64u * 1024)

bool apport_sniff(const unsigned char *h, size_t n)
{
	return n >= 13 && memcmp(h, "ProblemType: ", 13) == 0;
}

static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);
	return strncmp(line, key, n) == 0 && line[n] == ':' && line[n + 1] == ' ' ? line + n + 2
										: NULL;
}

/* A line of ProcStatus's value: " Pid:\t1234". */
static void proc_status(const char *line, struct core_info *ci)
{
	line += strspn(line, " ");
	const char *v = strchr(line, ':');
	if (!v)
		return;
	size_t kl = (size_t)(v - line);
	v += 1 + strspn(v + 1, " \t");
	if (kl == 4 && strncmp(line, "Name", 4) == 0)
		snprintf(ci->comm, sizeof(ci->comm), "%.*s", (int)strcspn(v, "\t "), v);
	else if (kl == 3 && strncmp(line, "Pid", 3) == 0)
		ci->pid = strtoll(v, NULL, 10);
	else if (kl == 4 && strncmp(line, "PPid", 4) == 0)
		ci->ppid = strtoll(v, NULL, 10);
	else if (kl == 3 && strncmp(line, "Uid", 3) == 0)
		ci->uid = strtoll(v, NULL, 10);
	else if (kl == 3 && strncmp(line, "Gid", 3) == 0)
		ci->gid = strtoll(v, NULL, 10);
}

/* asctime() in the reporting machine's local time: "Tue Nov 24 10:00:00 2026". */
static int64_t parse_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(s, "%a %b %d %H:%M:%S %Y", &tm))
		return 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 ? 0 : (int64_t)t;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* The CoreDump value: [start, end) of the file.  Its size from its extent, the original
 * size from the gzip trailer at the end of its last line. */
static void core_extent(struct reader *r, uint64_t start, uint64_t fsize, struct dump_meta *m)
{
	uint64_t tail = fsize > APPORT_TAIL ? fsize - APPORT_TAIL : 0;
	if (tail < start)
		tail = start;
	size_t got;
	const unsigned char *t = reader_get_upto(r, tail, (size_t)(fsize - tail), &got);
	if (!t || !got)
		return;
	/* A later key ends the value: a line that starts with a letter. */
	uint64_t end = fsize;
	for (size_t i = got; i-- > 0;)
		if (t[i] == '\n' && i + 1 < got && t[i + 1] != ' ')
			end = tail + i + 1;
	/* The last line of the value: back from `end` over the newline. */
	size_t e = (size_t)(end - tail);
	while (e > 0 && (t[e - 1] == '\n' || t[e - 1] == '\r'))
		e--;
	size_t b = e;
	while (b > 0 && t[b - 1] != '\n')
		b--;
	const unsigned char *last = t + b + (b < e && t[b] == ' ');
	size_t len = (size_t)(t + e - last);
	uint64_t extent = end - start;
	m->embedded = extent * 3 / 4; /* line breaks and padding: a few bytes per MiB */
	/* Its last 16 characters decode to at most 12 bytes: the trailer is the last 8. */
	if (len < 16 || len % 4)
		return;
	unsigned char out[12];
	size_t o = 0;
	for (size_t i = len - 16; i + 4 <= len; i += 4) {
		int v[4];
		for (int k = 0; k < 4; k++)
			v[k] = last[i + k] == '=' ? 0 : b64_value(last[i + k]);
		if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0)
			return;
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[o++] = (unsigned char)(w >> 16);
		if (last[i + 2] != '=')
			out[o++] = (unsigned char)(w >> 8);
		if (last[i + 3] != '=')
			out[o++] = (unsigned char)w;
	}
	if (o < 8)
		return;
	const unsigned char *isize = out + o - 4;
	uint32_t original = (uint32_t)isize[0] | (uint32_t)isize[1] << 8 | (uint32_t)isize[2] << 16 |
			    (uint32_t)isize[3] << 24;
	m->embedded_original = original; /* modulo 4 GiB: gzip's limit */
}

void apport_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m)
{
	struct lines l;
	lines_init(&l, src, 0, APPORT_TEXT_LIMIT);
	ci->file_size = src->size;
	const char *line, *v;
	bool in_status = false, core = false;
	uint64_t core_start = 0;
	while ((line = lines_next(&l, NULL))) {
		if (line[0] == ' ') {
			if (in_status)
				proc_status(line, ci);
			continue;
		}
		in_status = strcmp(line, "ProcStatus:") == 0;
		if ((v = value_of(line, "ExecutablePath"))) {
			if (!ci->exe)
				ci->exe = xstrdup(v);
		} else if ((v = value_of(line, "ProcCmdline"))) {
			elfcore_set_cmdline(ci, v, strlen(v), CORE_CMDLINE_MAX, strlen(v) >= LINES_MAX);
		} else if ((v = value_of(line, "Signal"))) {
			ci->signal = (int)strtol(v, NULL, 10);
		} else if ((v = value_of(line, "Date"))) {
			m->time = parse_date(v);
		} else if ((v = value_of(line, "Uname"))) {
			if (!m->release)
				m->release = xstrdup(v);
		} else if ((v = value_of(line, "Title"))) {
			if (!m->title)
				m->title = xstrdup(v);
		} else if ((v = value_of(line, "ProblemType")) && strcmp(v, "Crash") != 0) {
			if (!m->title)
				m->title = xasprintf("ProblemType %s", v);
		} else if (strcmp(line, "CoreDump: base64") == 0) {
			core = true;
			core_start = lines_offset(&l);
			break; /* binary keys come last: no text key follows */
		}
	}
	lines_free(&l);
	if (core) {
		struct reader r;
		reader_init(&r, src);
		core_extent(&r, core_start, src->size, m);
		reader_free(&r);
	}
}
