/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the hserr parser (src/hserr.c). */
#include "config.h"

#include "fuzz_kind.h"

FUZZ_KIND_PARSER(hserr_parse)
