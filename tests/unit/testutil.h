/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the Check suites: temporary trees, fixtures, running programs. */
#ifndef COREDU_TESTUTIL_H
#define COREDU_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A fresh directory under $TMPDIR (or /tmp); removed with tu_rmtree. */
char *tu_mkdtemp(const char *tag);
void tu_rmtree(const char *path);
/* Path join into a malloc'd string. */
char *tu_path(const char *dir, const char *name);
void tu_write_file(const char *path, const void *data, size_t n);
/* ROOT/REL with `text` in it, making the directories on the way (fixture /proc trees). */
void tu_put(const char *root, const char *rel, const char *text);
/* ROOT/REL as a symbolic link to target, making the directories on the way. */
void tu_put_link(const char *root, const char *rel, const char *target);
/* Whole file into a malloc'd buffer; *n set. */
void *tu_read_file(const char *path, size_t *n);
void tu_copy_file(const char *from, const char *to);

/* Expected facts about one core, from the fixture MANIFEST or from a live crash. */
struct tu_expect {
	char file[128];
	char kase[32];
	char machine[16];
	int elf_class;
	bool big_endian;
	long pid, tid, ppid, sender; /* -1: not asserted */
	int signal;
	char cause[16];
	char fault[24]; /* "" if none */
	unsigned threads;
	char comm[17];
	char cmdline[256];
	char argv[256]; /* the arguments separated by '|', "" if not asserted */
	char exe[256];
};

/* Directory holding the decompressed fixtures ($FIXTURE_DIR, set by make check). */
const char *tu_fixture_dir(void);
/* Parse the MANIFEST; returns the number of entries (at most max). */
size_t tu_manifest(struct tu_expect *out, size_t max);
/* The manifest entry for a fixture file name, or NULL. */
const struct tu_expect *tu_manifest_find(const struct tu_expect *v, size_t n, const char *file);
/* Path of the built coredu ($COREDU). */
const char *tu_coredu(void);

/* Run a shell command, capture stdout (malloc'd, NUL-terminated); returns exit status or -1. */
int tu_run(const char *cmd, char **out);

/* A dump record made up for index and view tests (no file behind it): device 7, x86-64,
 * pid = ino. */
struct dump;
struct dump *tu_fake_dump(const char *path, uint64_t ino, uint64_t disk, uint64_t size,
			  int64_t mtime, const char *comm, int sig);

/* Scan `root` into ix (initialised here) with default options; the scan stays alive for its
 * roots (free with scan_free).  Fails the test on errors. */
struct index;
struct scan;
struct scan *tu_scan(const char *root, struct index *ix);

/* Standard main body: run one suite with CK_NORMAL output. */
int tu_run_suite(Suite *s);

#endif
