/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stackwire: the stacks as bytes, from the process that reads them (stack.c runs the readers
 * in a child it can kill) to coredu.
 *
 * A stream of records, each a type byte, a 32-bit length and its fields (64-bit integers and
 * length-prefixed strings, little-endian).  The child writes each record as soon as it is
 * complete (a thread once unwound), so whatever arrived before a kill is kept; the decoder
 * takes only whole records, checks every length against what is left, and caps every count,
 * so a stream cut anywhere, or garbage, yields a well-formed (if partial) result. */
#ifndef COREDU_STACKWIRE_H
#define COREDU_STACKWIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "stack/pystack.h"
#include "stack/unwind.h"

/* The encoders append one record to out. */
void stackwire_python(struct sbuf *out, const struct pystack_result *py);
void stackwire_modules(struct sbuf *out, const struct unwind_result *res);
void stackwire_thread(struct sbuf *out, const struct unwind_thread *t);
void stackwire_end(struct sbuf *out, const struct unwind_result *res);

/* What a stream decodes to.  complete: the end record arrived. */
struct stackwire_result {
	bool has_python, has_native, complete;
	struct pystack_result py;
	struct unwind_result native;
};

void stackwire_decode(const unsigned char *buf, size_t len, struct stackwire_result *out);
void stackwire_result_free(struct stackwire_result *r);

#endif
