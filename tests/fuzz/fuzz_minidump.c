/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the minidump parser (src/minidump.c). */
#include "config.h"

#include "fuzz_kind.h"

FUZZ_KIND_PARSER(minidump_parse)
