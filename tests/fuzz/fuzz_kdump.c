/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the kdump parser (src/kdump.c), plain and flattened. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "kinds/kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bsrc src;
	bsrc_from_mem(&src, data, size);
	for (int flat = 0; flat < 2; flat++) {
		struct core_info ci;
		struct dump_meta m = {0};
		elfcore_init(&ci);
		kdump_parse(&src, flat, &ci, &m);
		elfcore_free(&ci);
		dump_meta_free(&m);
	}
	return 0;
}
