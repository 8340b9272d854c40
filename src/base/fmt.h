/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fmt: human-readable sizes, times and ages for reports and the browser. */
#ifndef COREDU_FMT_H
#define COREDU_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FMT_SIZE_LEN 16
#define FMT_TIME_LEN 32

/* "512 B", "5.7 MiB"; with si: "6.0 MB" (powers of 1000, as ncdu --si). */
const char *fmt_size(char buf[FMT_SIZE_LEN], uint64_t bytes, bool si);
/* Local time as "2026-11-24 04:49:39". */
const char *fmt_time(char buf[FMT_TIME_LEN], int64_t t);
/* Local time with weekday and zone, as coredumpctl: "Tue 2026-11-24 04:49:39 UTC". */
const char *fmt_time_long(char buf[FMT_TIME_LEN], int64_t t);
/* Compact age: "45s", "12min", "3h", "5d", "7w"; "future" for times ahead of now. */
const char *fmt_age(char buf[FMT_TIME_LEN], int64_t now, int64_t t);

/* "100M", "1.5G", "512K", "10MB" (coreutils' rules: K M G T P and KiB... are powers of 1024,
 * KB MB GB... powers of 1000), a plain number is bytes.  Returns 0 or -1. */
/* "3h ago", or "in the future". */
const char *fmt_ago(char buf[FMT_TIME_LEN], int64_t now, int64_t t);
int fmt_parse_size(const char *s, uint64_t *out);

#endif
