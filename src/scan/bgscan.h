/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bgscan: a scan running in its own thread, for the browser.
 *
 * The scanning threads put what they find into an inbox; the browser's thread takes it out
 * when it redraws, so the view model is only ever touched by one thread.  Errors met during
 * the scan are kept (count and the last message) instead of being printed over the screen. */
#ifndef COREDU_BGSCAN_H
#define COREDU_BGSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct dump;
struct sbuf;
struct scan;
struct scan_opts;
struct scan_progress;

struct bgscan;

/* Start scanning the operands.  Operands that cannot be scanned are described in
 * `problems` (one line each) and skipped.  Returns NULL if none can be scanned. */
struct bgscan *bgscan_start(const struct scan_opts *opts, char *const *operands, size_t n,
			    struct sbuf *problems);
/* Hand every dump found since the last call to take(); returns how many. */
size_t bgscan_drain(struct bgscan *b, void (*take)(void *ctx, struct dump *d), void *ctx);
void bgscan_progress(struct bgscan *b, struct scan_progress *p);
bool bgscan_finished(struct bgscan *b);
bool bgscan_cancelled(struct bgscan *b);
/* Ask the scan to stop soon and keep what it found; async-signal-safe. */
void bgscan_cancel(struct bgscan *b);
/* Errors so far, and the last one as "what 'path': reason" (raw bytes; sanitise to show). */
size_t bgscan_errors(struct bgscan *b, char *last, size_t len);
const struct scan *bgscan_scan(const struct bgscan *b);
/* Stop (if running), wait for the thread, free what was not drained. */
void bgscan_free(struct bgscan *b);

#endif
