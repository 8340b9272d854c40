/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the hprof parser (src/hprof.c). */
#include "config.h"

#include "fuzz_kind.h"

FUZZ_KIND_PARSER(hprof_parse)
