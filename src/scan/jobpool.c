/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jobpool: helper threads that share their owner's descriptor table (see jobpool.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/thread.h"
#include "base/util.h"
#include "scan/jobpool.h"

struct jobpool {
	struct jobpool_budget *budget;
	unsigned max_helpers, cap;
	jobpool_run_fn run;
	void *ctx;

	pthread_mutex_t lock;
	pthread_cond_t work;   /* a job was queued, or the pool is stopping */
	void **queue;          /* a ring of cap jobs, oldest at head */
	unsigned head, n;
	unsigned nhelpers, idle;
	bool used;             /* a job was submitted: the next may start a helper */
	bool stopping;
	pthread_t *tids;
};

struct jobpool *jobpool_new(struct jobpool_budget *budget, unsigned max_helpers,
			    unsigned queue_cap, jobpool_run_fn run, void *ctx)
{
	struct jobpool *p = xcalloc(1, sizeof(*p));
	p->budget = budget;
	p->max_helpers = max_helpers ? max_helpers : 1;
	p->cap = queue_cap ? queue_cap : 1;
	p->run = run;
	p->ctx = ctx;
	p->queue = xcalloc(p->cap, sizeof(*p->queue));
	p->tids = xcalloc(p->max_helpers, sizeof(*p->tids));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	return p;
}

/* Under the lock: the oldest queued job. */
static void *pop(struct jobpool *p)
{
	void *job = p->queue[p->head];
	p->head = (p->head + 1) % p->cap;
	p->n--;
	return job;
}

static void push(struct jobpool *p, void *job)
{
	p->queue[(p->head + p->n) % p->cap] = job;
	p->n++;
}

static void *helper_main(void *arg)
{
	struct jobpool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->n == 0 && !p->stopping) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
		}
		if (p->n == 0)
			break;
		void *job = pop(p);
		pthread_mutex_unlock(&p->lock);
		p->run(p->ctx, job);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static bool budget_take(struct jobpool_budget *b)
{
	int left = atomic_load_explicit(&b->left, memory_order_relaxed);
	while (left > 0)
		if (atomic_compare_exchange_weak(&b->left, &left, left - 1))
			return true;
	return false;
}

/* Under the lock: one more helper, if the pool and the budget allow.  Signals stay with the
 * threads that handle them: a helper has them all blocked. */
static void start_helper(struct jobpool *p)
{
	if (p->nhelpers >= p->max_helpers || !budget_take(p->budget))
		return;
	if (thread_start(&p->tids[p->nhelpers], helper_main, p))
		p->nhelpers++;
	else
		atomic_fetch_add(&p->budget->left, 1);
}

void jobpool_submit(struct jobpool *p, void *job)
{
	pthread_mutex_lock(&p->lock);
	if (p->idle == 0 && p->used)
		start_helper(p);
	p->used = true;
	if (p->nhelpers == 0) {
		pthread_mutex_unlock(&p->lock);
		p->run(p->ctx, job);
		return;
	}
	bool full = p->n == p->cap;
	void *oldest = full ? pop(p) : NULL;
	push(p, job);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	if (full) /* the helpers are behind: the owner takes a turn */
		p->run(p->ctx, oldest);
}

void jobpool_free(struct jobpool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work);
	while (p->n > 0) {
		void *job = pop(p);
		pthread_mutex_unlock(&p->lock);
		p->run(p->ctx, job);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nhelpers; i++)
		pthread_join(p->tids[i], NULL);
	atomic_fetch_add(&p->budget->left, (int)p->nhelpers);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->tids);
	free(p->queue);
	free(p);
}

unsigned jobpool_helpers(const struct jobpool *p)
{
	return p ? p->nhelpers : 0;
}
