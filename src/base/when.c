/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/when.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t local_midnight(int64_t now, int days_back)
{
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday -= days_back;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int64_t unit_seconds(const char *u, size_t n)
{
	static const struct {
		const char *name;
		int64_t secs;
	} units[] = {
		{"s", 1}, {"sec", 1}, {"secs", 1}, {"second", 1}, {"seconds", 1},
		{"m", 60}, {"min", 60}, {"mins", 60}, {"minute", 60}, {"minutes", 60},
		{"h", 3600}, {"hr", 3600}, {"hour", 3600}, {"hours", 3600},
		{"d", 86400}, {"day", 86400}, {"days", 86400},
		{"w", 604800}, {"week", 604800}, {"weeks", 604800},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && strncmp(units[i].name, u, n) == 0)
			return units[i].secs;
	return -1;
}

/* "1h30m", "2 days", "90min ago": a sum of NUMBER UNIT pairs. */
static int parse_relative(const char *s, int64_t *secs)
{
	int64_t total = 0;
	bool any = false;

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (any && strcmp(s, "ago") == 0)
			break;
		if (!isdigit((unsigned char)*s))
			return -1;
		char *end;
		long long n = strtoll(s, &end, 10);
		if (n < 0 || n > 1000000000LL)
			return -1;
		s = end;
		while (isspace((unsigned char)*s))
			s++;
		const char *u = s;
		while (isalpha((unsigned char)*s))
			s++;
		int64_t mult = unit_seconds(u, (size_t)(s - u));
		if (mult < 0)
			return -1;
		total += (int64_t)n * mult;
		any = true;
	}
	if (!any)
		return -1;
	*secs = total;
	return 0;
}

static int parse_absolute(const char *s, int64_t *out)
{
	static const char *const formats[] = {
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
		"%Y-%m-%dT%H:%M", "%Y-%m-%d",
	};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		const char *end = strptime(s, formats[i], &tm);
		if (!end)
			continue;
		while (isspace((unsigned char)*end))
			end++;
		bool utc = false;
		if (strcmp(end, "Z") == 0 || strcmp(end, "UTC") == 0)
			utc = true;
		else if (*end)
			continue;
		tm.tm_isdst = -1;
		time_t t = utc ? timegm(&tm) : mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = (int64_t)t;
		return 0;
	}
	return -1;
}

int when_parse(const char *text, int64_t now, int64_t *out)
{
	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return -1;
	if (strcmp(text, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strcmp(text, "today") == 0) {
		*out = local_midnight(now, 0);
		return 0;
	}
	if (strcmp(text, "yesterday") == 0) {
		*out = local_midnight(now, 1);
		return 0;
	}
	if (text[0] == '@') {
		char *end;
		long long v = strtoll(text + 1, &end, 10);
		if (end == text + 1 || *end)
			return -1;
		*out = v;
		return 0;
	}
	if (parse_absolute(text, out) == 0)
		return 0;
	int64_t secs;
	if (parse_relative(text[0] == '-' ? text + 1 : text, &secs) == 0) {
		*out = now - secs;
		return 0;
	}
	return -1;
}

int when_parse_age(const char *text, int64_t *secs)
{
	return parse_relative(text, secs);
}
