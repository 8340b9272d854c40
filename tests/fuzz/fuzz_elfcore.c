/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the ELF core parser (headers, notes, NT_FILE, auxv strings, siginfo,
 * build-id) with the mapped files kept, and the words for its cause. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "doctor/cause.h"
#include "kinds/elfcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bsrc src;
	struct core_info ci;
	bsrc_from_mem(&src, data, size);
	elfcore_parse(&src, &ci, ELFCORE_KEEP_MAPS);
	for (uint32_t i = 0; ci.maps && i < ci.nmaps; i++)
		(void)elfcore_map_name(&ci, &ci.maps[i]);
	struct sbuf why;
	sbuf_init(&why);
	cause_describe(&why, &ci);
	sbuf_free(&why);
	elfcore_free(&ci);
	return 0;
}
