/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: the stack readers as the reader child runs them, in-process: the core
 * parsed with its memory kept, the CPython reader (threads and the heap walk for suspended
 * coroutines) and libdwfl's unwinding, both fed only through elfcore's bounded reader, then
 * both results through stackwire and back.  Files the input names are looked up under
 * $COREDU_FUZZ_SYSROOT (default: this machine, as coredu does without --sysroot); each
 * input gets a 1 s deadline, the reader child's own bound. */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "kinds/elfcore.h"
#include "stack/stackwire.h"

static struct timespec soon(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += 1;
	return t;
}

/* With $COREDU_FUZZ_WIRE_SEEDS set, each stream is also written there: tests/fuzz/run.sh
 * seeds the stackwire harness with real streams so. */
static void save_seed(const struct sbuf *b)
{
	const char *dir = getenv("COREDU_FUZZ_WIRE_SEEDS");
	if (!dir || !b->len)
		return;
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a: one file per distinct stream */
	for (size_t i = 0; i < b->len; i++)
		h = (h ^ (unsigned char)b->s[i]) * 0x100000001b3u;
	char path[4096];
	snprintf(path, sizeof(path), "%s/wire-%016llx", dir, (unsigned long long)h);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd >= 0) {
		if (write(fd, b->s, b->len) < 0)
			perror(path);
		close(fd);
	}
}

/* Encode, decode, free: the wire's encoders on whatever the readers made of the input. */
static void round_trip(const struct pystack_result *py, const struct unwind_result *res)
{
	struct sbuf b;
	sbuf_init(&b);
	stackwire_python(&b, py);
	stackwire_modules(&b, res);
	for (uint32_t i = 0; i < res->nthreads; i++)
		stackwire_thread(&b, &res->threads[i]);
	stackwire_end(&b, res);
	struct stackwire_result w;
	stackwire_decode((const unsigned char *)b.s, b.len, &w);
	save_seed(&b);
	stackwire_result_free(&w);
	sbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sysroot = getenv("COREDU_FUZZ_SYSROOT");
	struct bsrc src;
	struct core_info ci;
	bsrc_from_mem(&src, data, size);
	elfcore_parse(&src, &ci, ELFCORE_KEEP_MAPS | ELFCORE_KEEP_MEM);
	struct pystack_opts po = {sysroot, true, soon()};
	struct pystack_result py;
	pystack_read(&ci, &po, &py);
	(void)pystack_app_frame(&py, &(bool){false});
	struct unwind_opts uo = {sysroot, soon(), NULL, NULL};
	struct unwind_result res;
	unwind_core(&ci, &uo, &res);
	round_trip(&py, &res);
	unwind_result_free(&res);
	pystack_free(&py);
	elfcore_free(&ci);
	return 0;
}
