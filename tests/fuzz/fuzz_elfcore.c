/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the ELF core parser (headers, notes, NT_FILE, auxv strings, siginfo,
 * build-id, argv and the environment from the stack) with the mapped files and every
 * environment value kept, and the words for its cause. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"
#include "kinds/cause.h"
#include "kinds/elfcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bsrc src;
	struct core_info ci;
	bsrc_from_mem(&src, data, size);
	elfcore_parse(&src, &ci, ELFCORE_KEEP_MAPS | ELFCORE_KEEP_ENV);
	for (uint32_t i = 0; ci.maps && i < ci.nmaps; i++)
		(void)elfcore_map_name(&ci, &ci.maps[i]);
	size_t total = 0, len;
	for (uint32_t i = 0; i < ci.argc; i++) { /* every argument lies inside the command line */
		const char *a = elfcore_arg(&ci, i, &len);
		if (a < ci.cmdline || a + len > ci.cmdline + strlen(ci.cmdline))
			__builtin_trap();
		total += len;
	}
	if (ci.cmdline && strlen(ci.cmdline) > CORE_ARGV_MAX)
		__builtin_trap();
	for (size_t i = 0; ci.env && i < ci.env_len; i += strlen(ci.env + i) + 1)
		total += strlen(ci.env + i);
	(void)total;
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, &ci);
	sbuf_free(&why);
	elfcore_free(&ci);
	return 0;
}
