/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/fmt.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

const char *fmt_size(char buf[FMT_SIZE_LEN], uint64_t bytes, bool si)
{
	static const char *const iec[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	static const char *const dec[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	const double base = si ? 1000.0 : 1024.0;
	double v = (double)bytes;
	int u = 0;

	if (bytes < (uint64_t)base) {
		snprintf(buf, FMT_SIZE_LEN, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= base && u < 6) {
		v /= base;
		u++;
	}
	/* 1023.96 KiB would print as "1024.0 KiB"; step up instead. */
	if (v >= base - 0.05 && u < 6) {
		v /= base;
		u++;
	}
	snprintf(buf, FMT_SIZE_LEN, "%.1f %s", v, si ? dec[u] : iec[u]);
	return buf;
}

static const char *format_local(char buf[FMT_TIME_LEN], int64_t t, const char *format)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(buf, FMT_TIME_LEN, format, &tm))
		snprintf(buf, FMT_TIME_LEN, "@%" PRId64, t);
	return buf;
}

const char *fmt_time(char buf[FMT_TIME_LEN], int64_t t)
{
	return format_local(buf, t, "%Y-%m-%d %H:%M:%S");
}

const char *fmt_time_long(char buf[FMT_TIME_LEN], int64_t t)
{
	return format_local(buf, t, "%a %Y-%m-%d %H:%M:%S %Z");
}

const char *fmt_age(char buf[FMT_TIME_LEN], int64_t now, int64_t t)
{
	static const struct {
		int64_t secs;
		const char *unit;
	} units[] = {
		{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"},
	};
	if (t > now + 1) {
		snprintf(buf, FMT_TIME_LEN, "future");
		return buf;
	}
	int64_t d = now > t ? now - t : 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (d >= units[i].secs || units[i].secs == 1) {
			snprintf(buf, FMT_TIME_LEN, "%" PRId64 "%s", d / units[i].secs, units[i].unit);
			break;
		}
	}
	return buf;
}

const char *fmt_ago(char buf[FMT_TIME_LEN], int64_t now, int64_t t)
{
	if (t > now + 1)
		return snprintf(buf, FMT_TIME_LEN, "in the future"), buf;
	char age[FMT_TIME_LEN];
	snprintf(buf, FMT_TIME_LEN, "%s ago", fmt_age(age, now, t));
	return buf;
}

int fmt_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	double v = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	double mult = 1;
	if (*end && *end != 'B' && *end != 'b') {
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -1;
		int power = (int)(u - units) + 1;
		end++;
		double base = 1024;
		if ((end[0] == 'B' || end[0] == 'b') && end[1] == '\0')
			base = 1000, end++;
		else if (end[0] == 'i' && (end[1] == 'B' || end[1] == 'b') && end[2] == '\0')
			end += 2;
		mult = pow(base, power);
	} else if (*end) {
		end++; /* "B" */
	}
	if (*end || v < 0 || v * mult > 1.8e19)
		return -1;
	*out = (uint64_t)llround(v * mult);
	return 0;
}
