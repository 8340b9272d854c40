/* SPDX-License-Identifier: GPL-2.0-or-later */
/* coredu: find crash dumps by content, read their metadata, report them.
 *
 * main sets the process up and runs the verb the command line names: the verb and option
 * tables are in options.c, each verb in a cmd_*.c file of its own, run from the table here
 * (not from options.c: `watch` parses its configuration again with cli_parse). */
#include "config.h"

#include <libelf.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "base/charset.h"
#include "base/stopsig.h"
#include "cli.h"

/* A crash of coredu must never add a core next to the ones it reads, nor leak their bytes
 * through a core or ptrace. */
static void harden_process(void)
{
	struct rlimit zero = {0, 0};
	setrlimit(RLIMIT_CORE, &zero);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* A malloc arena for each thread that parses at once, and one for this thread.  glibc gives
 * each thread an arena of its own (up to 8 per CPU), and each keeps its high-water mark: with
 * the scan's 16 workers, `coredu list -x /` here peaked at 211 MiB against 71 MiB with one
 * arena.  One arena for all made a worker and its parse helper wait on its lock in turn:
 * 479 futex calls on the 1,000-core pile, none with three arenas (bench/README.md). */
static void few_arenas(void)
{
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, (int)scan_parse_slots() + 1);
#endif
}

static int (*const verb_run[VERBS])(struct cli *c) = {
	[VERB_DEFAULT] = cmd_browse, [VERB_LIST] = cmd_list, [VERB_JSON] = cmd_json,
	[VERB_INFO] = cmd_info, [VERB_PRUNE] = cmd_prune, [VERB_DOCTOR] = cmd_doctor,
	[VERB_METRICS] = cmd_metrics, [VERB_WATCH] = cmd_watch,
};

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	harden_process();
	few_arenas();
	charset_init(); /* LC_CTYPE only: numbers and dates stay C */
	int rc = cli_parse(&c, argc, argv);
	if (rc < 0 && elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "coredu: libelf is too old: %s\n", elf_errmsg(-1));
		rc = 2;
	}
	if (rc < 0)
		rc = verb_run[c.verb->id](&c);
	cli_free(&c);
	stopsig_reraise(); /* prune or the browser stopped by a signal: die of it (128+N) */
	return rc;
}
