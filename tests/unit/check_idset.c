/* SPDX-License-Identifier: GPL-2.0-or-later */
/* base/idset: the one hash set (the scanner's hard links, the index, the browser's marks and
 * group keys), against a plain array model. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/idset.h"
#include "testutil.h"

START_TEST(empty_set)
{
	struct idset s;
	idset_init(&s);
	ck_assert_ptr_null(idset_find(&s, 1, 2));
	ck_assert(!idset_remove(&s, 1, 2));
	ck_assert_uint_eq(idset_count(&s), 0);
	idset_clear(&s);
	idset_free(&s);
}
END_TEST

START_TEST(add_find_put_remove)
{
	struct idset s;
	idset_init(&s);
	ck_assert(idset_add(&s, 0, 0, 7)); /* (0, 0) is a key like any other */
	ck_assert(idset_add(&s, 1, 0, 8));
	ck_assert(idset_add(&s, 0, 1, 9));
	ck_assert(!idset_add(&s, 1, 0, 99)); /* present: the value stays */
	ck_assert_uint_eq(*idset_find(&s, 1, 0), 8);
	idset_put(&s, 1, 0, 42);
	ck_assert_uint_eq(*idset_find(&s, 1, 0), 42);
	idset_put(&s, 5, 5, 5); /* put adds */
	ck_assert_uint_eq(idset_count(&s), 4);
	*idset_find(&s, 0, 0) = 70; /* the value can be changed in place */
	ck_assert_uint_eq(*idset_find(&s, 0, 0), 70);
	ck_assert(idset_remove(&s, 0, 0));
	ck_assert(!idset_remove(&s, 0, 0));
	ck_assert_ptr_null(idset_find(&s, 0, 0));
	ck_assert_uint_eq(*idset_find(&s, 0, 1), 9);
	ck_assert_uint_eq(idset_count(&s), 3);
	idset_free(&s);
}
END_TEST

START_TEST(grows_and_clears)
{
	struct idset s;
	idset_init(&s);
	const uint64_t n = 300000; /* consecutive inodes on two devices, as a scan sees them */
	for (uint64_t i = 0; i < n; i++)
		ck_assert(idset_add(&s, i & 1, i, i * 3));
	ck_assert_uint_eq(idset_count(&s), n);
	ck_assert_uint_le(s.cap, 4 * n); /* at most half full, doubled: no runaway growth */
	for (uint64_t i = 0; i < n; i++)
		ck_assert_uint_eq(*idset_find(&s, i & 1, i), i * 3);
	ck_assert_ptr_null(idset_find(&s, 1, 0));
	size_t cap = s.cap;
	idset_clear(&s);
	ck_assert_uint_eq(idset_count(&s), 0);
	ck_assert_uint_eq(s.cap, cap);
	for (uint64_t i = 0; i < n; i += 997)
		ck_assert_ptr_null(idset_find(&s, i & 1, i));
	idset_free(&s);
}
END_TEST

struct model {
	uint64_t dev, ino, value;
	bool used;
};

/* Random adds, puts and removes over a small key space (long probe clusters, removals in
 * their middle), compared after every step with a plain array. */
START_TEST(matches_a_model)
{
	enum { DEVS = 4, INOS = 700, STEPS = 200000 };
	struct model *m = calloc(DEVS * INOS, sizeof(*m));
	struct idset s;
	idset_init(&s);
	size_t count = 0;
	unsigned seed = 42;
	for (int step = 0; step < STEPS; step++) {
		seed = seed * 1103515245u + 12345u;
		uint64_t dev = (seed >> 8) % DEVS, ino = (seed >> 12) % INOS;
		struct model *e = &m[dev * INOS + ino];
		uint64_t value = seed;
		switch ((seed >> 28) % 4) {
		case 0:
		case 1:
			ck_assert(idset_add(&s, dev, ino, value) == !e->used);
			if (!e->used)
				*e = (struct model){dev, ino, value, true}, count++;
			break;
		case 2:
			idset_put(&s, dev, ino, value);
			count += !e->used;
			*e = (struct model){dev, ino, value, true};
			break;
		case 3:
			ck_assert(idset_remove(&s, dev, ino) == e->used);
			count -= e->used;
			e->used = false;
			break;
		}
		ck_assert_uint_eq(idset_count(&s), count);
		if (step % 5000 == 0)
			for (size_t k = 0; k < DEVS * INOS; k++) {
				const uint64_t *v = idset_find(&s, k / INOS, k % INOS);
				ck_assert(m[k].used == (v != NULL));
				if (v)
					ck_assert_uint_eq(*v, m[k].value);
			}
	}
	idset_free(&s);
	free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("idset");
	TCase *tc = tcase_create("idset");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, empty_set);
	tcase_add_test(tc, add_find_put_remove);
	tcase_add_test(tc, grows_and_clears);
	tcase_add_test(tc, matches_a_model);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
