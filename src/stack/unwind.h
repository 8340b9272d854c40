/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unwind: the native stack of every thread of an ELF core, with libdwfl (elfutils), as
 * coredumpctl shows them, but bounded whatever the core says.
 *
 * libdwfl's own core reporting (dwfl_core_file_report) opens every name the core holds,
 * those of the dumped link_map included, with a plain open(): a FIFO named there blocks it
 * for ever, and its standard callbacks reach debuginfod over the network.  So libdwfl is
 * never given the core: the modules are reported here from NT_FILE (or from AT_EXECFN and
 * AT_PHDR in qemu-user's cores, which have no NT_FILE), each file opened by modfile and
 * used only if its build-id is the one in the core's copy of its first page; the memory,
 * the threads and their registers reach it through dwfl_attach_state's callbacks, fed by
 * elfcore's bounded reader.  Debug files are looked up only by build-id under the sysroot's
 * /usr/lib/debug/.build-id; .gnu_debugdata (MiniDebugInfo) is read by libdwfl itself.
 *
 * Bounds: UNWIND_MAX_FRAMES a thread, UNWIND_MAX_THREADS threads, UNWIND_MAX_MODULES files,
 * and a deadline checked in every callback.  One libdw call cannot be interrupted, so the
 * caller runs this in a process it can kill (stack.c). */
#ifndef COREDU_UNWIND_H
#define COREDU_UNWIND_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct core_info;

#define UNWIND_MAX_FRAMES 64
#define UNWIND_MAX_THREADS 256
#define UNWIND_MAX_MODULES 1024

/* Why a frame has no function name. */
enum unwind_note {
	UNWIND_NOTE_NONE,
	UNWIND_NOTE_NO_FILE,       /* the module's file is not on this machine (or sysroot) */
	UNWIND_NOTE_BUILD_ID,      /* it is, but another build: never used */
	UNWIND_NOTE_NO_SYMBOL,     /* the file has no symbol for the address */
	UNWIND_NOTE_NO_MODULE,     /* no mapped file covers the address */
	/* The function is named, from a file the core kept no build-id to compare with
	 * (qemu-user's cores, a coredump_filter without ELF headers). */
	UNWIND_NOTE_UNCHECKED,
};

struct unwind_frame {
	uint64_t pc;
	char *module;         /* the file's path as the core names it; NULL: none */
	uint64_t offset;      /* pc minus the module's load address */
	char *function;       /* NULL: unknown (note says why) */
	uint64_t function_offset;
	enum unwind_note note;
};

struct unwind_thread {
	int64_t tid;
	uint32_t nframes;
	struct unwind_frame *frames; /* innermost first */
	bool frames_cut;             /* UNWIND_MAX_FRAMES reached */
	char *error;                 /* why unwinding stopped before the outermost frame */
};

struct unwind_result {
	bool done;          /* unwinding was attempted (a process core with registers) */
	char *problem;      /* why there is nothing, or what limited it */
	uint32_t modules, modules_missing, modules_differ;
	struct unwind_thread *threads; /* in note order: the crashing thread first */
	uint32_t nthreads;
	bool threads_cut;   /* UNWIND_MAX_THREADS reached */
	bool timed_out;     /* the deadline stopped it: the last thread may be partial */
};

struct unwind_opts {
	const char *sysroot;       /* NULL: this machine's files */
	struct timespec deadline;  /* CLOCK_MONOTONIC; {0, 0}: none */
	/* Called after each thread, e.g. to stream it to the parent process. */
	void (*thread_done)(void *arg, const struct unwind_thread *t);
	void *arg;
};

/* Unwind the threads of a core parsed with ELFCORE_KEEP_MEM | ELFCORE_KEEP_MAPS.  Never
 * fails: what could not be done is in res->problem and each thread's error. */
void unwind_core(const struct core_info *ci, const struct unwind_opts *o,
		 struct unwind_result *res);
void unwind_result_free(struct unwind_result *res);
void unwind_thread_free(struct unwind_thread *t);
/* "no file", "build-id differs", ...; NULL for UNWIND_NOTE_NONE. */
const char *unwind_note_text(enum unwind_note n);
/* True once the deadline (if any) has passed. */
bool unwind_past(const struct timespec *deadline);

#endif
