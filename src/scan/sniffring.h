/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sniffring: the first bytes of many files at once, through one io_uring per scan worker.
 * Each file is one linked chain (open into a fixed-file slot, readahead advice, read, close
 * the slot), so a directory's sniffs cost one system call per batch instead of three or four
 * per file, and keep a batch of reads in flight on a cold disk.  Where io_uring is refused
 * (Docker's default seccomp profile, kernel.io_uring_disabled, an old kernel) sniffring_new
 * says so and the scanner keeps its synchronous calls. */
#ifndef COREDU_SNIFFRING_H
#define COREDU_SNIFFRING_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "kinds/dump.h"

#define SNIFFRING_BATCH 64 /* files in flight, per worker */

struct sniffring;

/* One finished sniff.  name and st are what sniffring_add was given; len is the bytes read
 * into head, or -errno when the file could not be opened or read (the caller then looks at
 * it again by the synchronous path, which reports why). */
struct sniffring_result {
	const char *name;
	const struct stat *st;
	const unsigned char *head;
	ssize_t len;
};

/* A ring, or NULL when this kernel or its policy refuses io_uring or an operation it needs.
 * open_flags: the flags of every open (O_NOFOLLOW, O_NONBLOCK and the like). */
struct sniffring *sniffring_new(int open_flags);
void sniffring_free(struct sniffring *r);

/* Queue the head of `name` in directory dirfd, a regular file of st->st_size bytes (from
 * fstatat).  `name` and dirfd must stay valid until the next sniffring_drain; st is copied.
 * random: advise random access first (a large file: no readahead for 128 bytes).  Call
 * sniffring_drain first when sniffring_full. */
void sniffring_add(struct sniffring *r, int dirfd, const char *name, const struct stat *st,
		   bool random);
bool sniffring_full(const struct sniffring *r);
/* Submit what is queued, wait for all of it and hand each result to fn, in queue order.  A
 * batch that completes nothing for a second has what is still waiting cancelled: those
 * files come back with -ECANCELED (a FIFO swapped in: io_uring waits on one for data). */
void sniffring_drain(struct sniffring *r, void (*fn)(void *ctx, const struct sniffring_result *),
		     void *ctx);

#endif
