/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the apport parser (src/apport.c). */
#include "config.h"

#include "fuzz_kind.h"

FUZZ_KIND_PARSER(apport_parse)
