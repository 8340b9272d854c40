/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idset: a hash set of file identities (device, inode), each with a 64-bit value.
 *
 * The one hash table of coredu: the scanner's hard links already counted, the index's
 * position of each dump, the browser's marks, the browser's group keys (two hashes of the
 * key as the pair).  Open addressing with linear probing, at most half full: a lookup is a
 * probe or two.  Not thread-safe: a shared set needs its owner's lock. */
#ifndef COREDU_IDSET_H
#define COREDU_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idset_slot;

struct idset {
	struct idset_slot *slots;
	size_t cap, n;
};

void idset_init(struct idset *s);
void idset_free(struct idset *s);
/* Remove everything, keeping the memory. */
void idset_clear(struct idset *s);
size_t idset_count(const struct idset *s);
/* The value of (dev, ino), or NULL when absent; valid until the set changes. */
uint64_t *idset_find(const struct idset *s, uint64_t dev, uint64_t ino);
/* Add (dev, ino) with value unless it is present.  True when it was added. */
bool idset_add(struct idset *s, uint64_t dev, uint64_t ino, uint64_t value);
/* Set the value of (dev, ino), adding it when absent. */
void idset_put(struct idset *s, uint64_t dev, uint64_t ino, uint64_t value);
/* False when it was absent. */
bool idset_remove(struct idset *s, uint64_t dev, uint64_t ino);

#endif
