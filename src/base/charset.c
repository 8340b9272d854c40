/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/charset.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

bool charset_env_utf8(const char *lc_all, const char *lc_ctype, const char *lang)
{
	const char *v = lc_all && *lc_all ? lc_all : lc_ctype && *lc_ctype ? lc_ctype : lang;
	return v && (strcasestr(v, "utf-8") || strcasestr(v, "utf8"));
}

bool charset_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

void charset_init(void)
{
	bool utf8 = charset_env_utf8(getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG"));
	if (!setlocale(LC_CTYPE, "") && utf8)
		setlocale(LC_CTYPE, "C.UTF-8");
}
