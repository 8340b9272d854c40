/* SPDX-License-Identifier: GPL-2.0-or-later */
/* minidump: Breakpad and Crashpad minidumps (google-breakpad's minidump_format.h).
 *
 * The header (32 bytes, little endian): 'MDMP', a version whose low 16 bits are 0xA793, the
 * stream count, the directory's offset, a checksum, the time, flags.  The directory lists
 * (type, size, offset) per stream.  On Linux the exception stream carries the signal as its
 * code, si_code as its flags and si_addr as its address; Breakpad's Linux streams add
 * /proc/PID/status and /proc/PID/cmdline; the module list's first module is the executable. */
#include "config.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sig.h"
#include "base/util.h"
#include "kinds/bytes.h"
#include "kinds/kinds.h"

#define MD_SIGNATURE 0x504d444du
#define MD_VERSION 0xa793u
#define MD_STREAMS_MAX 4096         /* streams looked at */
#define MD_TEXT_MAX (64u * 1024)    /* bytes of a text stream read */

enum {
	MD_MODULE_LIST = 4,
	MD_EXCEPTION = 6,
	MD_SYSTEM_INFO = 7,
	MD_MISC_INFO = 15,
	MD_LINUX_PROC_STATUS = 0x47670004,
	MD_LINUX_CMD_LINE = 0x47670006,
};

/* minidump_exception_linux.h: the "exception" of a dump written on request. */
#define MD_EXCEPTION_CODE_LIN_DUMP_REQUESTED 0xFFFFFFFFu

bool minidump_sniff(const unsigned char *h, size_t n)
{
	return n >= 8 && bytes_u32(h, false) == MD_SIGNATURE &&
	       (bytes_u32(h + 4, false) & 0xffff) == MD_VERSION;
}

static void problem(struct core_info *ci, const char *what)
{
	if (!ci->problem[0])
		snprintf(ci->problem, sizeof(ci->problem), "%s", what);
}

/* "Key:\tvalue" from a /proc/PID/status text. */
static long status_field(const char *text, const char *key)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, key, kl) == 0)
			return strtol(l + kl, NULL, 10);
	return -1;
}

static void proc_status(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	size_t n = size < MD_TEXT_MAX ? size : MD_TEXT_MAX;
	const unsigned char *t = reader_get(r, rva, n);
	if (!t)
		return;
	char *text = xstrndup((const char *)t, n);
	const char *name = strstr(text, "Name:");
	if (name == text || (name && name[-1] == '\n')) {
		name += 5;
		name += strspn(name, " \t");
		size_t len = strcspn(name, "\n");
		snprintf(ci->comm, sizeof(ci->comm), "%.*s", (int)(len < 16 ? len : 16), name);
	}
	long pid = status_field(text, "Pid:"), ppid = status_field(text, "PPid:");
	long uid = status_field(text, "Uid:"), gid = status_field(text, "Gid:");
	if (pid > 0)
		ci->pid = pid;
	if (ppid >= 0)
		ci->ppid = ppid;
	if (uid >= 0)
		ci->uid = uid;
	if (gid >= 0)
		ci->gid = gid;
	free(text);
}

/* NUL-separated argv, as /proc/PID/cmdline. */
static void cmd_line(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	size_t n = size < CORE_CMDLINE_MAX ? size : CORE_CMDLINE_MAX;
	const unsigned char *t = reader_get(r, rva, n);
	if (t)
		elfcore_set_argv(ci, (const char *)t, n, CORE_CMDLINE_MAX, size > CORE_CMDLINE_MAX);
}

static void exception(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	const unsigned char *e = reader_get(r, rva, 32);
	if (size < 32 || !e) {
		problem(ci, "the exception stream is cut short");
		return;
	}
	ci->tid = bytes_u32(e, false);
	uint32_t raw = bytes_u32(e + 8, false);
	int code = (int)raw, flags = (int)bytes_u32(e + 12, false);
	uint64_t addr = bytes_u64(e + 24, false);
	if (raw == MD_EXCEPTION_CODE_LIN_DUMP_REQUESTED) {
		/* ExceptionHandler::WriteMinidump(): a snapshot on request, no signal at all */
		ci->requested = true;
		ci->signal = 0;
		return;
	}
	if (code <= 0 || code > 64) { /* no signal: a Windows exception code, or Crashpad's own */
		ci->has_exception = true;
		ci->exception_code = raw;
		return;
	}
	/* Breakpad on Linux: the signal, si_code, si_addr. */
	ci->signal = code;
	ci->has_siginfo = true;
	ci->si_signo = code;
	ci->si_code = flags;
	if (flags > 0 && sig_is_fault(ci->machine, code)) {
		ci->has_fault_addr = true;
		ci->fault_addr = addr;
	}
}

static void system_info(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	const unsigned char *s = reader_get(r, rva, 2);
	if (size < 2 || !s)
		return;
	static const struct {
		uint16_t arch, machine;
		uint8_t elf_class;
	} map[] = {
		{0, EM_386, 32}, {5, EM_ARM, 32}, {9, EM_X86_64, 64}, {12, EM_AARCH64, 64},
		{0x8003, EM_AARCH64, 64}, {0x8001, EM_ARM, 32}, {0x8002, EM_PPC, 32},
		{0x8004, EM_MIPS, 32}, {0x8005, EM_MIPS, 64}, {0x8006, EM_RISCV, 64},
	};
	uint16_t arch = bytes_u16(s, false);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].arch == arch) {
			ci->machine = map[i].machine;
			ci->elf_class = map[i].elf_class;
		}
	}
}

static void misc_info(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	const unsigned char *m = reader_get(r, rva, 12);
	if (size >= 12 && m && (bytes_u32(m + 4, false) & 1) && ci->pid < 0)
		ci->pid = bytes_u32(m + 8, false); /* MINIDUMP_MISC1_PROCESS_ID */
}

/* The first module's name, a MINIDUMP_STRING (u32 byte length, UTF-16LE), to UTF-8. */
static void main_module(struct reader *r, uint32_t rva, uint32_t size, struct core_info *ci)
{
	const unsigned char *l = reader_get(r, rva, 4);
	if (size < 4 + 108 || !l || bytes_u32(l, false) == 0)
		return;
	const unsigned char *mod = reader_get(r, (uint64_t)rva + 4, 108);
	if (!mod)
		return;
	uint32_t name_rva = bytes_u32(mod + 20, false);
	const unsigned char *len = reader_get(r, name_rva, 4);
	if (!len)
		return;
	uint32_t bytes = bytes_u32(len, false);
	if (bytes == 0 || bytes > 8192 || bytes % 2)
		return;
	const unsigned char *u = reader_get(r, (uint64_t)name_rva + 4, bytes);
	if (!u)
		return;
	struct sbuf out;
	sbuf_init(&out);
	for (uint32_t i = 0; i + 1 < bytes; i += 2) {
		uint32_t c = bytes_u16(u + i, false);
		if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd; /* surrogates: file names here are not expected to need them */
		if (c < 0x80) {
			sbuf_addc(&out, (char)c);
		} else if (c < 0x800) {
			sbuf_addc(&out, (char)(0xc0 | c >> 6));
			sbuf_addc(&out, (char)(0x80 | (c & 0x3f)));
		} else {
			sbuf_addc(&out, (char)(0xe0 | c >> 12));
			sbuf_addc(&out, (char)(0x80 | (c >> 6 & 0x3f)));
			sbuf_addc(&out, (char)(0x80 | (c & 0x3f)));
		}
	}
	ci->exe = sbuf_take(&out);
	sbuf_free(&out);
}

void minidump_parse(const struct bsrc *src, struct core_info *ci, struct dump_meta *m)
{
	struct reader r;
	reader_init(&r, src);
	ci->file_size = src->size;
	const unsigned char *h = reader_get(&r, 0, 32);
	if (!h) {
		problem(ci, "the minidump header is cut short");
		ci->truncated = true;
		reader_free(&r);
		return;
	}
	uint32_t streams = bytes_u32(h + 8, false), dir = bytes_u32(h + 12, false);
	m->streams = streams;
	m->time = bytes_u32(h + 20, false);
	m->format = xasprintf("minidump version 0x%" PRIx32, bytes_u32(h + 4, false));
	if (streams > MD_STREAMS_MAX) {
		problem(ci, "more streams than coredu reads; the rest were skipped");
		streams = MD_STREAMS_MAX;
	}
	/* System info first: the architecture decides the signal numbering. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < streams; i++) {
			const unsigned char *e = reader_get(&r, (uint64_t)dir + 12ull * i, 12);
			if (!e) {
				problem(ci, "the stream directory runs past the end of the file");
				ci->truncated = true;
				break;
			}
			uint32_t type = bytes_u32(e, false), size = bytes_u32(e + 4, false);
			uint32_t rva = bytes_u32(e + 8, false);
			if ((uint64_t)rva + size > src->size)
				ci->truncated = true;
			if (pass == 0) {
				if (type == MD_SYSTEM_INFO)
					system_info(&r, rva, size, ci);
				continue;
			}
			switch (type) {
			case MD_EXCEPTION: exception(&r, rva, size, ci); break;
			case MD_LINUX_PROC_STATUS: proc_status(&r, rva, size, ci); break;
			case MD_LINUX_CMD_LINE: cmd_line(&r, rva, size, ci); break;
			case MD_MISC_INFO: misc_info(&r, rva, size, ci); break;
			case MD_MODULE_LIST:
				if (!ci->exe)
					main_module(&r, rva, size, ci);
				break;
			default: break;
			}
		}
	}
	reader_free(&r);
}
