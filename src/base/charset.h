/* SPDX-License-Identifier: GPL-2.0-or-later */
/* charset: the one locale category coredu takes from the environment, LC_CTYPE, and whether
 * it is UTF-8.  Numbers, dates, collation and messages stay C: a JSON number keeps its '.'
 * under LANG=de_DE.UTF-8, and nothing else of a locale can change what coredu writes. */
#ifndef COREDU_CHARSET_H
#define COREDU_CHARSET_H

#include <stdbool.h>

/* Whether the environment's locale names UTF-8: the first of LC_ALL, LC_CTYPE and LANG that
 * is set and not empty (POSIX's order) says "UTF-8" or "utf8" in any case.  NULL is unset. */
bool charset_env_utf8(const char *lc_all, const char *lc_ctype, const char *lang);

/* Set LC_CTYPE, once, before anything else runs: the environment's locale, and C.UTF-8 when
 * it names a UTF-8 locale that is not installed (LANG=en_US.UTF-8 in a slim image).  The
 * static binary takes only C.UTF-8 or C (doc/design.md): the root's own C.UTF-8, else the
 * copy built into it, else C. */
void charset_init(void);

/* Whether LC_CTYPE is UTF-8 now: text may then go out as UTF-8; else as ASCII. */
bool charset_utf8(void);

#endif
