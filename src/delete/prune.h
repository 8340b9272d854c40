/* SPDX-License-Identifier: GPL-2.0-or-later */
/* prune: choose dumps to delete (or compress) by policy, for cron jobs and sidecars.
 *
 * Candidates are the dumps that match --match and --min-size.  Each limit given is enforced
 * on its own, and a dump goes if any limit needs it gone (as journalctl's --vacuum-*):
 *   --older-than AGE     dumps written more than AGE ago;
 *   --keep-newest N      all but the N newest (per program, signal or directory with --per);
 *   --max-total SIZE     the oldest ones, until the newest that remain fit in SIZE on disk.
 * With no limit, every candidate goes.  Each choice carries its reasons. */
#ifndef COREDU_PRUNE_H
#define COREDU_PRUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump;
struct index;

enum prune_per { PER_ALL, PER_PROGRAM, PER_SIGNAL, PER_DIR };

struct prune_policy {
	bool has_older;
	int64_t older_secs;
	bool has_keep;
	size_t keep;
	enum prune_per per;
	bool has_min;
	uint64_t min_size;
	bool has_max;
	uint64_t max_total;
	const char *match; /* NULL: all */
	int64_t now;
	bool si;           /* sizes in reasons in powers of 1000 */
	bool compress;     /* for compression: dumps already compressed are left out */
};

struct prune_pick {
	const struct dump *d;
	char reason[160]; /* names in it escaped: printed as it is */
};

/* The dumps to remove, oldest first; *n gets their number.  Free with free().  With
 * p->compress, dumps the limits chose that are already compressed are left out (a .zst.zst
 * is no dump to anyone) and counted in *compressed. */
struct prune_pick *prune_select(const struct index *ix, const struct prune_policy *p, size_t *n,
				size_t *compressed);
/* "program", "signal", "dir"; -1 if unknown. */
int prune_parse_per(const char *s);

#endif
