/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/stopsig.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

volatile sig_atomic_t stopsig_caught;

static const int stopsig_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction stopsig_old[ARRAY_SIZE(stopsig_signals)];
static bool stopsig_set[ARRAY_SIZE(stopsig_signals)];

static void stopsig_note(int sig)
{
	stopsig_caught = sig;
}

void stopsig_catch(bool hup_reloads)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stopsig_note;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a write blocked on a stalled pipe or terminal returns, so the signal is
	 * acted on.  File operations on local disks are not interrupted; the compressor retries
	 * EINTR; anything else that fails is undone like any other failure. */
	sa.sa_flags = 0;
	for (size_t i = 0; i < ARRAY_SIZE(stopsig_signals); i++) {
		bool take_ignored = hup_reloads && stopsig_signals[i] == SIGHUP;
		if (stopsig_set[i] || sigaction(stopsig_signals[i], NULL, &stopsig_old[i]) != 0 ||
		    (stopsig_old[i].sa_handler == SIG_IGN && !take_ignored))
			continue;
		stopsig_set[i] = sigaction(stopsig_signals[i], &sa, NULL) == 0;
	}
}

void stopsig_restore(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(stopsig_signals); i++) {
		if (stopsig_set[i])
			sigaction(stopsig_signals[i], &stopsig_old[i], NULL);
		stopsig_set[i] = false;
	}
}

const char *stopsig_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

void stopsig_reraise(void)
{
	int sig = stopsig_caught;
	if (!sig)
		return;
	fflush(NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig); /* not reached: the default action of all three is to terminate */
}
