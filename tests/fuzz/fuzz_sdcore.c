/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: systemd-coredump's file names (src/sdcore.c). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/kinds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0; /* a file name is at most 255 bytes; longer ones cost only time */
	char *name = malloc(size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	struct core_info ci;
	struct dump_meta m = {0};
	elfcore_init(&ci);
	(void)sdcore_parse_name(name, &ci, &m);
	(void)sdcore_is_temp(name);
	elfcore_free(&ci);
	dump_meta_free(&m);
	free(name);
	return 0;
}
