/* SPDX-License-Identifier: GPL-2.0-or-later */
/* when: parse the TIME argument of --since and --until. */
#ifndef COREDU_WHEN_H
#define COREDU_WHEN_H

#include <stdint.h>

/* Accepted forms (as in coredumpctl and find -newermt where they overlap):
 *   absolute  2026-11-24, 2026-11-24 10:00, 2026-11-24T10:00:05, optionally ending in Z or UTC
 *             (local time otherwise); @1764000000 (seconds since the epoch)
 *   relative  2h, 3d, 90min, 1h30m, 2w, "2h ago", -2h: that long before `now`
 *             units: s sec, m min, h hour, d day, w week (plural forms too)
 *   words     now, today, yesterday (midnight, local time)
 * Returns 0 and stores unix seconds, or -1 when the text is not a time. */
int when_parse(const char *text, int64_t now, int64_t *out);

/* An age: "90s", "2h", "3d", "1h30m", "2 weeks".  Returns 0 and the seconds, or -1. */
int when_parse_age(const char *text, int64_t *secs);

#endif
