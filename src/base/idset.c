/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/idset.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct idset_slot {
	uint64_t dev, ino, value;
	bool used;
};

void idset_init(struct idset *s)
{
	memset(s, 0, sizeof(*s));
}

void idset_free(struct idset *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

void idset_clear(struct idset *s)
{
	if (s->slots)
		memset(s->slots, 0, s->cap * sizeof(*s->slots));
	s->n = 0;
}

size_t idset_count(const struct idset *s)
{
	return s->n;
}

/* Inodes are often consecutive and devices few: multiply by odd constants (the golden ratio's
 * for the inode) and fold the high bits down, since the mask keeps the low ones. */
static size_t home(uint64_t dev, uint64_t ino, size_t mask)
{
	uint64_t h = ino * 0x9e3779b97f4a7c15ull ^ dev * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h ^ (h >> 32)) & mask;
}

/* The slot holding (dev, ino), or the empty one where it would go.  The set is never full. */
static struct idset_slot *probe(const struct idset *s, uint64_t dev, uint64_t ino)
{
	size_t mask = s->cap - 1, h = home(dev, ino, mask);
	while (s->slots[h].used && !(s->slots[h].dev == dev && s->slots[h].ino == ino))
		h = (h + 1) & mask;
	return &s->slots[h];
}

static void grow(struct idset *s)
{
	struct idset old = *s;
	s->cap = old.cap ? old.cap * 2 : 64;
	s->slots = xcalloc(s->cap, sizeof(*s->slots));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].used)
			*probe(s, old.slots[i].dev, old.slots[i].ino) = old.slots[i];
	free(old.slots);
}

uint64_t *idset_find(const struct idset *s, uint64_t dev, uint64_t ino)
{
	if (!s->n)
		return NULL;
	struct idset_slot *slot = probe(s, dev, ino);
	return slot->used ? &slot->value : NULL;
}

/* The slot of (dev, ino), claimed if it was empty (*added says so). */
static struct idset_slot *claim(struct idset *s, uint64_t dev, uint64_t ino, bool *added)
{
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	struct idset_slot *slot = probe(s, dev, ino);
	*added = !slot->used;
	if (*added) {
		*slot = (struct idset_slot){dev, ino, 0, true};
		s->n++;
	}
	return slot;
}

bool idset_add(struct idset *s, uint64_t dev, uint64_t ino, uint64_t value)
{
	bool added;
	struct idset_slot *slot = claim(s, dev, ino, &added);
	if (added)
		slot->value = value;
	return added;
}

void idset_put(struct idset *s, uint64_t dev, uint64_t ino, uint64_t value)
{
	bool added;
	claim(s, dev, ino, &added)->value = value;
}

/* Linear probing: what follows the removed slot in its cluster is put back in place. */
bool idset_remove(struct idset *s, uint64_t dev, uint64_t ino)
{
	if (!s->n)
		return false;
	struct idset_slot *hit = probe(s, dev, ino);
	if (!hit->used)
		return false;
	size_t mask = s->cap - 1, h = (size_t)(hit - s->slots);
	hit->used = false;
	s->n--;
	for (h = (h + 1) & mask; s->slots[h].used; h = (h + 1) & mask) {
		struct idset_slot moved = s->slots[h];
		s->slots[h].used = false;
		*probe(s, moved.dev, moved.ino) = moved;
	}
	return true;
}
