/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread: a thread that takes no signal.  Signals stay with the thread that handles them
 * (the browser's, `watch`'s); every helper and worker is started with all of them blocked. */
#ifndef COREDU_THREAD_H
#define COREDU_THREAD_H

#include <pthread.h>
#include <stdbool.h>

/* pthread_create with every signal blocked in the new thread; false if it could not start. */
bool thread_start(pthread_t *t, void *(*run)(void *), void *arg);

#endif
