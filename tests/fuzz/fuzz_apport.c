/* libFuzzer harness: the apport parser (src/apport.c). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bsrc src;
	struct core_info ci;
	struct dump_meta m = {0};
	bsrc_from_mem(&src, data, size);
	elfcore_init(&ci);
	apport_parse(&src, &ci, &m);
	elfcore_free(&ci);
	dump_meta_free(&m);
	return 0;
}
