/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/thread.h"

#include <signal.h>

bool thread_start(pthread_t *t, void *(*run)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* the new thread inherits the mask */
	bool started = pthread_create(t, NULL, run, arg) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return started;
}
