/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bgstack: one core's stacks read in a thread, for the browser: the inspect pane opens at
 * once and shows them when they come.  Cancelling kills the reader process at once, so
 * closing the pane or quitting never waits for the time limit. */
#ifndef COREDU_BGSTACK_H
#define COREDU_BGSTACK_H

#include <stdbool.h>

#include "stack/stack.h"

struct bgstack;
struct dump;

/* Start reading d's stacks (d is copied: it may go away).  NULL when there is nothing to
 * read (not a process core, a time limit of 0) or no thread could be started. */
struct bgstack *bgstack_start(const struct dump *d, const struct stack_opts *o);
/* True once the result is complete; it stays owned by b. */
bool bgstack_done(struct bgstack *b);
const struct stack_result *bgstack_result(const struct bgstack *b);
/* Stop the reader if it still runs, wait for the thread, free everything.  NULL is fine. */
void bgstack_free(struct bgstack *b);

#endif
