/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "verify.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kinds/cause.h"
#include "kinds/reader.h"

void tv_parse(const char *path, struct core_info *ci)
{
	int fd = open(path, O_RDONLY);
	ck_assert_msg(fd >= 0, "open %s", path);
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	struct bsrc src;
	bsrc_from_fd(&src, fd, (uint64_t)st.st_size);
	ck_assert_int_eq(elfcore_parse(&src, ci, ELFCORE_KEEP_MAPS), 0);
	close(fd);
}

void tv_verify_core(const char *path, const struct tu_expect *e, bool kernel)
{
	struct core_info ci;
	char mbuf[24];
	tv_parse(path, &ci);

	ck_assert_msg(ci.problem[0] == '\0', "%s: unexpected problem: %s", e->file, ci.problem);
	ck_assert_int_eq(ci.elf_class, e->elf_class);
	ck_assert_int_eq(ci.big_endian, e->big_endian);
	ck_assert_str_eq(elfcore_machine_name(ci.machine, ci.elf_class, ci.big_endian, mbuf,
					      sizeof(mbuf)), e->machine);
	ck_assert_int_eq(ci.pid, e->pid);
	ck_assert_int_eq(ci.tid, e->tid);
	if (e->ppid >= 0)
		ck_assert_int_eq(ci.ppid, e->ppid);
	ck_assert_uint_eq(ci.threads, e->threads);
	ck_assert_int_eq(ci.gcore ? 0 : ci.signal, e->signal);
	ck_assert_str_eq(ci.comm, e->comm);
	ck_assert_str_eq(ci.cmdline, e->cmdline);
	ck_assert(!ci.cmdline_cut);
	if (e->argv[0]) { /* the whole argv, read back from the dumped stack */
		ck_assert_msg(ci.argv_stack, "%s: argv was not recovered", e->file);
		char want[sizeof(e->argv)];
		snprintf(want, sizeof(want), "%s", e->argv);
		uint32_t i = 0;
		for (char *save, *a = strtok_r(want, "|", &save); a; a = strtok_r(NULL, "|", &save), i++) {
			ck_assert_uint_lt(i, ci.argc);
			size_t n;
			const char *got = elfcore_arg(&ci, i, &n);
			ck_assert_msg(n == strlen(a) && memcmp(got, a, n) == 0, "%s: argv[%u] is '%.*s', want '%s'",
				      e->file, i, (int)n, got, a);
		}
		ck_assert_uint_eq(i, ci.argc);
	}
	if (e->exe[0]) {
		ck_assert_ptr_nonnull(ci.exe);
		ck_assert_str_eq(ci.exe, e->exe);
	}
	ck_assert_str_eq(cause_class_id(cause_classify(&ci)), e->cause);
	if (e->sender >= 0) {
		ck_assert(ci.has_sender);
		ck_assert_int_eq(ci.sender_pid, e->sender);
	} else if (strcmp(e->cause, "snapshot") != 0) {
		ck_assert(!ci.has_sender);
	}
	if (e->fault[0]) {
		ck_assert(ci.has_fault_addr);
		ck_assert_uint_eq(ci.fault_addr, strtoull(e->fault, NULL, 16));
	} else {
		ck_assert(!ci.has_fault_addr);
	}
	ck_assert_msg(!ci.truncated, "%s: complete core reported truncated", e->file);
	ck_assert_uint_le(ci.expected_size, ci.file_size);
	ck_assert_int_eq(ci.gcore, strcmp(e->kase, "gcore") == 0);
	if (kernel) {
		ck_assert(ci.has_file_note && ci.nmaps > 0 && ci.mapped_files > 0);
		ck_assert_msg(ci.crash_module != NULL, "%s: no crash module", e->file);
		ck_assert_msg(ci.build_id != NULL && strlen(ci.build_id) == 40, "%s: no build-id",
			      e->file);
		struct utsname u;
		uname(&u);
		ck_assert_ptr_nonnull(ci.platform);
		ck_assert_str_eq(ci.platform, u.machine);
	}
	elfcore_free(&ci);
}

/* One `key=value` line of tests/jsonfields.py output for the dump named file. */
static const char *field_of(const char *out, const char *file, const char *key, char *buf,
			    size_t len)
{
	char needle[256];
	snprintf(needle, sizeof(needle), "%s\t%s=", file, key);
	const char *p = strstr(out, needle);
	ck_assert_msg(p != NULL, "no %s for %s in coredu json output", key, file);
	p += strlen(needle);
	size_t n = strcspn(p, "\n");
	ck_assert_uint_lt(n, len);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

char *tv_json_fields(const char *dir)
{
	char cmd[4096];
	const char *srcdir = getenv("TESTS_SRCDIR") ? getenv("TESTS_SRCDIR") : ".";
	snprintf(cmd, sizeof(cmd), "'%s' json '%s' | python3 '%s/tests/jsonfields.py'", tu_coredu(),
		 dir, srcdir);
	char *out;
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	return out;
}

void tv_verify_json(const char *dir, const struct tu_expect *e, bool kernel)
{
	char *out = tv_json_fields(dir);
	tv_verify_json_fields(out, e, kernel);
	free(out);
}

void tv_verify_json_fields(const char *out, const struct tu_expect *e, bool kernel)
{
	char v[512], num[32];

#define EQ_NUM(key, val) \
	do { \
		snprintf(num, sizeof(num), "%ld", (long)(val)); \
		ck_assert_str_eq(field_of(out, e->file, key, v, sizeof(v)), num); \
	} while (0)
	EQ_NUM("pid", e->pid);
	EQ_NUM("tid", e->tid);
	EQ_NUM("threads", e->threads);
	EQ_NUM("signal", e->signal);
	EQ_NUM("class", e->elf_class);
	if (e->ppid >= 0)
		EQ_NUM("ppid", e->ppid);
	if (e->sender >= 0)
		EQ_NUM("sender_pid", e->sender);
	else
		ck_assert_str_eq(field_of(out, e->file, "sender_pid", v, sizeof(v)), "null");
	ck_assert_str_eq(field_of(out, e->file, "fault_addr", v, sizeof(v)),
			 e->fault[0] ? e->fault : "null");
	/* A gdb snapshot is its own kind; every other fixture is a crash's core. */
	ck_assert_str_eq(field_of(out, e->file, "kind", v, sizeof(v)),
			 strcmp(e->cause, "snapshot") == 0 ? "gcore" : "elf-core");
	ck_assert_str_eq(field_of(out, e->file, "machine", v, sizeof(v)), e->machine);
	ck_assert_str_eq(field_of(out, e->file, "endian", v, sizeof(v)),
			 e->big_endian ? "big" : "little");
	ck_assert_str_eq(field_of(out, e->file, "cmdline", v, sizeof(v)), e->cmdline);
	ck_assert_str_eq(field_of(out, e->file, "comm", v, sizeof(v)), e->comm);
	ck_assert_str_eq(field_of(out, e->file, "cause", v, sizeof(v)), e->cause);
	ck_assert_str_eq(field_of(out, e->file, "truncated", v, sizeof(v)), "false");
	if (e->exe[0])
		ck_assert_str_eq(field_of(out, e->file, "exe", v, sizeof(v)), e->exe);
	if (e->signal == 6)
		ck_assert_str_eq(field_of(out, e->file, "signal_name", v, sizeof(v)), "SIGABRT");
	if (e->signal == 11)
		ck_assert_str_eq(field_of(out, e->file, "signal_name", v, sizeof(v)), "SIGSEGV");
	if (kernel) {
		ck_assert_str_ne(field_of(out, e->file, "crash_module", v, sizeof(v)), "null");
		ck_assert_str_ne(field_of(out, e->file, "build_id", v, sizeof(v)), "null");
		ck_assert_str_ne(field_of(out, e->file, "magic", v, sizeof(v)), "null");
	}
#undef EQ_NUM
}
