/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the compressed-head reader.  The first byte picks zstd, xz or lz4 and
 * how far to read; the rest is the compressed file. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kinds/bsrc.h"
#include "kinds/decomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const enum dump_compression comp[3] = {COMP_ZSTD, COMP_XZ, COMP_LZ4};
	enum dump_compression c = comp[data[0] % 3];
	uint64_t far = (uint64_t)(data[0] >> 2) << 16; /* up to ~4 MiB in */
	struct bsrc file, src;
	bsrc_from_mem(&file, data + 1, size - 1);
	uint64_t original;
	struct decomp *d = decomp_open(c, &file, &src, &original);
	if (d) {
		unsigned char buf[4096];
		(void)src.read_at(&src, buf, sizeof(buf), 0);
		(void)src.read_at(&src, buf, sizeof(buf), far);
		(void)src.read_at(&src, buf, 16, DECOMP_HEAD_LIMIT - 8);
		decomp_close(d);
	}
	unsigned char head[128];
	(void)decomp_peek(c, &file, head, sizeof(head));
	return 0;
}
