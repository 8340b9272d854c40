/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

FILE *afile_open(struct afile *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	a->tmp = xasprintf("%.*s.%s.coredu-XXXXXX", dirlen, path, slash ? slash + 1 : path);
	int fd = mkostemp(a->tmp, O_CLOEXEC);
	if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(a->tmp);
		}
		free(a->tmp);
		a->tmp = NULL;
		errno = e;
		return NULL;
	}
	a->path = xstrdup(path);
	return a->f;
}

int afile_commit(struct afile *a)
{
	/* No fsync: a crash may lose the latest metrics, never show half of them; the next
	 * write replaces them anyway. */
	int rc = 0;
	if (fflush(a->f) != 0 || ferror(a->f) || fchmod(fileno(a->f), 0644) != 0)
		rc = -1;
	int e = errno;
	if (fclose(a->f) != 0 && rc == 0)
		rc = -1, e = errno;
	a->f = NULL;
	if (rc == 0 && rename(a->tmp, a->path) != 0)
		rc = -1, e = errno;
	if (rc != 0)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	a->tmp = a->path = NULL;
	errno = e;
	return rc;
}

void afile_abort(struct afile *a)
{
	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof(*a));
}
