/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/bgscan.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/thread.h"
#include "base/util.h"
#include "kinds/dump.h"
#include "scan/scan.h"

struct bgscan {
	struct scan *scan;
	pthread_t thread;
	bool started;
	atomic_bool finished;
	volatile sig_atomic_t cancelled;
	pthread_mutex_t lock; /* inbox and errors */
	struct dump **inbox;
	size_t n, cap;
	size_t nerrors;
	char last_error[512];
};

static void on_dump(void *ctx, struct dump *d)
{
	struct bgscan *b = ctx;
	pthread_mutex_lock(&b->lock);
	b->inbox = xgrow(b->inbox, &b->cap, b->n + 1, sizeof(*b->inbox));
	b->inbox[b->n++] = d;
	pthread_mutex_unlock(&b->lock);
}

static void on_error(void *ctx, const char *path, const char *what, int err)
{
	struct bgscan *b = ctx;
	pthread_mutex_lock(&b->lock);
	b->nerrors++;
	snprintf(b->last_error, sizeof(b->last_error), "%s '%s': %s", what, path, strerror(err));
	pthread_mutex_unlock(&b->lock);
}

static void *run(void *arg)
{
	struct bgscan *b = arg;
	scan_run(b->scan);
	atomic_store(&b->finished, true);
	return NULL;
}

struct bgscan *bgscan_start(const struct scan_opts *opts, char *const *operands, size_t n,
			    struct sbuf *problems)
{
	struct bgscan *b = xcalloc(1, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	struct scan_sink sink = {b, on_dump, on_error};
	b->scan = scan_new(opts, &sink);
	for (size_t i = 0; i < n; i++) {
		char err[256];
		if (scan_add_root(b->scan, operands[i], err, sizeof(err)) != 0 && problems)
			sbuf_printf(problems, "cannot scan '%s': %s\n", operands[i], err);
	}
	if (scan_root_count(b->scan) == 0) {
		bgscan_free(b);
		return NULL;
	}
	/* The scanning thread must not take the signals meant for the browser. */
	b->started = thread_start(&b->thread, run, b);
	if (!b->started)
		run(b); /* no thread to be had: scan now, the browser shows the result */
	return b;
}

size_t bgscan_drain(struct bgscan *b, void (*take)(void *ctx, struct dump *d), void *ctx)
{
	pthread_mutex_lock(&b->lock);
	struct dump **got = b->inbox;
	size_t n = b->n;
	b->inbox = NULL;
	b->n = b->cap = 0;
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < n; i++)
		take(ctx, got[i]);
	free(got);
	return n;
}

void bgscan_progress(struct bgscan *b, struct scan_progress *p)
{
	scan_get_progress(b->scan, p);
}

bool bgscan_finished(struct bgscan *b)
{
	return atomic_load(&b->finished);
}

bool bgscan_cancelled(struct bgscan *b)
{
	return b->cancelled;
}

void bgscan_cancel(struct bgscan *b)
{
	b->cancelled = 1;
	scan_cancel(b->scan);
}

size_t bgscan_errors(struct bgscan *b, char *last, size_t len)
{
	pthread_mutex_lock(&b->lock);
	size_t n = b->nerrors;
	if (last && len)
		snprintf(last, len, "%s", b->last_error);
	pthread_mutex_unlock(&b->lock);
	return n;
}

const struct scan *bgscan_scan(const struct bgscan *b)
{
	return b->scan;
}

void bgscan_free(struct bgscan *b)
{
	if (!b)
		return;
	if (b->started) {
		scan_cancel(b->scan);
		pthread_join(b->thread, NULL);
	}
	for (size_t i = 0; i < b->n; i++)
		dump_free(b->inbox[i]);
	free(b->inbox);
	scan_free(b->scan);
	pthread_mutex_destroy(&b->lock);
	free(b);
}
