/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mdesc: libmagic's description of a dump, computed from bytes already read.
 *
 * libmagic is called with magic_buffer() on a dump's first bytes, for dumps only and never
 * in the scan loop.  Its answer depends only on those bytes, so answers are cached by
 * content: a pile of cores from one program costs one call.  Two databases: the system's
 * (or --magic FILE, or $MAGIC), and coredu's own (src/coredu.magic, compiled in), which
 * describes every dump kind and answers where the system's is missing or says only "ASCII
 * text" or "data" (Apport reports, hs_err logs). */
#ifndef COREDU_MDESC_H
#define COREDU_MDESC_H

#include <stddef.h>
#include <stdio.h>

struct mdesc;

/* `database` NULL means libmagic's default (which honours $MAGIC).  Warnings go to `warn`
 * (may be NULL): told once when the system database cannot be loaded. */
struct mdesc *mdesc_open(const char *database, FILE *warn);
#define MDESC_BYTES_MAX 128

/* The description of buf (at most its first MDESC_BYTES_MAX bytes), or NULL without a
 * database.  Valid until the next call or mdesc_close: copy it to keep it. */
const char *mdesc_describe(struct mdesc *m, const unsigned char *buf, size_t n);
void mdesc_close(struct mdesc *m);

#endif
