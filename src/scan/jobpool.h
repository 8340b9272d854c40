/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobpool: a thread's helpers.  A worker that finds several dumps in a row hands their
 * parses to helper threads it starts itself, so they share its descriptor table and can use
 * the descriptors it opened.  The owner submits jobs; a helper runs each exactly once, or
 * the owner does: at once when it has no helper, else the oldest when the queue is full.
 * Helpers come from a budget the caller shares between pools (jobpool_budget), started
 * with every signal blocked.  Only the owner's thread calls jobpool_submit and
 * jobpool_free. */
#ifndef COREDU_JOBPOOL_H
#define COREDU_JOBPOOL_H

#include <stdatomic.h>
#include <stdbool.h>

/* Helper threads that all pools together may still start. */
struct jobpool_budget {
	_Atomic int left;
};

typedef void (*jobpool_run_fn)(void *ctx, void *job);

struct jobpool;

/* A pool of at most max_helpers helpers and queue_cap queued jobs (both at least 1); run
 * does a job, with ctx.  No thread starts before the first submit. */
struct jobpool *jobpool_new(struct jobpool_budget *budget, unsigned max_helpers,
			    unsigned queue_cap, jobpool_run_fn run, void *ctx);
/* Have the job run: queued for a helper (from the second job on, one is started when every
 * one is busy and the budget allows), or run here before returning when there is none: a
 * single dump costs no thread. */
void jobpool_submit(struct jobpool *p, void *job);
/* Every job submitted has run when this returns (the owner runs what is still queued);
 * the helpers are joined and their budget given back.  NULL is allowed. */
void jobpool_free(struct jobpool *p);
/* Helpers started so far (for tests). */
unsigned jobpool_helpers(const struct jobpool *p);

#endif
