/* SPDX-License-Identifier: GPL-2.0-or-later */
/* coredu: find crash dumps by content, read their metadata, report them.
 *
 * main sets the process up and runs the verb the command line names: the verb and option
 * tables are in options.c, each verb in a cmd_*.c file of its own. */
#include "config.h"

#include <libelf.h>
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

int main(int argc, char **argv)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	harden_process();
	charset_init(); /* LC_CTYPE only: numbers and dates stay C */
	int rc = cli_parse(&c, argc, argv);
	if (rc < 0 && elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "coredu: libelf is too old: %s\n", elf_errmsg(-1));
		rc = 2;
	}
	if (rc < 0)
		rc = c.verb->run(&c);
	cli_free(&c);
	stopsig_reraise(); /* prune or the browser stopped by a signal: die of it (128+N) */
	return rc;
}
