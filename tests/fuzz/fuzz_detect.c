/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the sniffers, on the first bytes of a file as the scanner reads them. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "kinds/decomp.h"
#include "kinds/kinds.h"
#include "scan/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < DUMP_HEAD_LEN ? size : DUMP_HEAD_LEN;
	(void)detect_kind(data, n);
	(void)decomp_sniff(data, n);
	(void)kdump_sniff_flat(data, n);
	return 0;
}
