/* cmd_prune: the `coredu prune` verb: plan, confirm, delete or compress, report. */
#ifndef COREDU_CMD_PRUNE_H
#define COREDU_CMD_PRUNE_H

#include <stdbool.h>

#include "model/index.h"
#include "delete/prune.h"
#include "scan/scan.h"

struct prune_cmd {
	struct prune_policy policy;
	bool dry_run, yes, compress, json, read_only;
	const char *log_path; /* the journal; NULL: standard error */
	const char *proc;     /* procfs root for the held-open check */
	unsigned san_flags;
};

/* Returns the exit status: 0 all done (or planned, with --dry-run), 1 nothing matched,
 * 2 an error, 3 some dumps could not be deleted. */
int cmd_prune(const struct prune_cmd *c, const struct scan *scan, const struct index *ix);

#endif
