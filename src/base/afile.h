/* SPDX-License-Identifier: GPL-2.0-or-later */
/* afile: replace a file at once, for readers that may look at any moment (node_exporter's
 * textfile collector reads *.prom on every scrape): write a temporary in the same directory,
 * then rename it over the target, so that a reader sees the old file or the new one, never a
 * part.  The temporary's name, ".NAME.coredu-XXXXXX", does not end in ".prom", so the
 * collector never reads it. */
#ifndef COREDU_AFILE_H
#define COREDU_AFILE_H

#include <stdio.h>

struct afile {
	char *path; /* the target */
	char *tmp;  /* the temporary, while open */
	FILE *f;
};

/* Open the temporary for path.  Returns its stream, or NULL with errno. */
FILE *afile_open(struct afile *a, const char *path);
/* Close the temporary, make it readable by all (0644: the collector runs as another user)
 * and rename it over the target.  Returns 0, or -1 with errno, the temporary removed. */
int afile_commit(struct afile *a);
/* Remove the temporary (an error, a signal). */
void afile_abort(struct afile *a);

#endif
