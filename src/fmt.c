#include "config.h"

#include "fmt.h"

#include <inttypes.h>
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
