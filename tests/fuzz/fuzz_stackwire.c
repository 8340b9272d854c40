/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the decoder of the stack reader child's stream (stackwire): any bytes,
 * cut anywhere, must decode to a well-formed result that frees cleanly. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "stack/stackwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stackwire_result w;
	stackwire_decode(data, size, &w);
	stackwire_result_free(&w);
	return 0;
}
