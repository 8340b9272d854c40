/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodlopen: the static binary never loads code.  It links with --wrap=dlopen, so a library's
 * dlopen (libdw's optional debuginfod client) gets NULL, as when the library is missing, and
 * static glibc's dlopen, which would map the root's shared objects, built for another glibc,
 * is not called. */
#include "config.h"

#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}
