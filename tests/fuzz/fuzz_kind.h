/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The harness shared by the parsers of the other kinds: parse(src, ci, meta) over the input,
 * then free what it built, so LeakSanitizer sees every allocation a parse makes. */
#ifndef COREDU_FUZZ_KIND_H
#define COREDU_FUZZ_KIND_H

#include <stddef.h>
#include <stdint.h>

#include "kinds/kinds.h"

#define FUZZ_KIND_PARSER(parse)                                                   \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);             \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)              \
	{                                                                         \
		struct bsrc src;                                                  \
		struct core_info ci;                                              \
		struct dump_meta m = {0};                                         \
		bsrc_from_mem(&src, data, size);                                  \
		elfcore_init(&ci);                                                \
		parse(&src, &ci, &m);                                             \
		elfcore_free(&ci);                                                \
		dump_meta_free(&m);                                               \
		return 0;                                                         \
	}

#endif
