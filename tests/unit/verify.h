/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Assertions shared by the fixture and live-crash suites. */
#ifndef COREDU_TEST_VERIFY_H
#define COREDU_TEST_VERIFY_H

#include <stdbool.h>

#include "kinds/elfcore.h"
#include "testutil.h"

/* Parse the core at path (keeping mappings) into ci; the caller frees with elfcore_free. */
void tv_parse(const char *path, struct core_info *ci);
/* Assert every fact in e about the core at path.  `kernel` adds what a core written by this
 * machine's kernel must also have: NT_FILE, a crash module, a build-id, the platform. */
void tv_verify_core(const char *path, const struct tu_expect *e, bool kernel);
/* Run `coredu json DIR` and assert the same facts on the dump whose file name is e->file. */
void tv_verify_json(const char *dir, const struct tu_expect *e, bool kernel);
/* The same in two steps, so that one scan serves many expectations: the fields of every
 * dump under dir (coredu json through tests/jsonfields.py; the caller frees), then one
 * dump's checks against them. */
char *tv_json_fields(const char *dir);
void tv_verify_json_fields(const char *fields, const struct tu_expect *e, bool kernel);

#endif
