/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stopsig: SIGINT, SIGTERM and SIGHUP while coredu changes files (prune, the browser).
 * The handler only notes the signal.  The deletion loop finishes the file in hand (a rename
 * is always followed by its unlink), abandons a compression in progress (its temporary is
 * removed), leaves the rest alone, and coredu then dies of the same signal: status 128+N,
 * as GNU tools do, so a calling shell sees the interruption. */
#ifndef COREDU_STOPSIG_H
#define COREDU_STOPSIG_H

#include <signal.h>
#include <stdbool.h>

/* The number of the signal caught, 0 before one. */
extern volatile sig_atomic_t stopsig_caught;

/* Catch the three signals; one ignored on entry (nohup, a background job) stays ignored,
 * but for SIGHUP when hup_reloads: a daemon's reload signal (watch) is taken even under
 * nohup, as nginx and sshd take theirs. */
void stopsig_catch(bool hup_reloads);
/* Put back what stopsig_catch() replaced. */
void stopsig_restore(void);
/* "SIGINT", "SIGTERM" or "SIGHUP". */
const char *stopsig_name(int sig);
/* If a signal was caught: flush stdio, restore its default action and raise it again.
 * Returns only when none was. */
void stopsig_reraise(void);

#endif
