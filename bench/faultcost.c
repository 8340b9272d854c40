/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a page fault costs here: touch N fresh anonymous pages, one fault each, or the same
 * pages after madvise(MADV_HUGEPAGE) (where transparent huge pages are "madvise" or
 * "always": one fault a 2 MiB).  bench/README.md reads it against a run with N = 1:
 *
 *   cc -O2 -o /tmp/faultcost bench/faultcost.c
 *   perf stat -r 30 -e task-clock,page-faults /tmp/faultcost 1 small
 *   perf stat -r 30 -e task-clock,page-faults /tmp/faultcost 1024 small
 *   perf stat -r 30 -e task-clock,page-faults /tmp/faultcost 1024 huge
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: faultcost PAGES small|huge\n");
		return 2;
	}
	size_t pages = strtoul(argv[1], NULL, 10), len = pages * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (strcmp(argv[2], "huge") == 0 && madvise(p, len, MADV_HUGEPAGE) != 0)
		perror("madvise");
	unsigned sum = 0;
	for (size_t i = 0; i < pages; i++) {
		p[i * 4096] = (char)i;
		sum += (unsigned char)p[i * 4096];
	}
	printf("%u\n", sum);
	return 0;
}
