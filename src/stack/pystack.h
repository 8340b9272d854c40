/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pystack: the Python stacks of every thread of a CPython interpreter, read from its core.
 *
 * Nothing runs: the interpreter's state is read from the dumped memory (elfcore's bounded
 * reader), guided by the symbol table of the python binary or libpython the core maps
 * (NT_FILE; AT_EXECFN in qemu-user's cores), opened by modfile and used only if its
 * build-id is the core's.  CPython 3.13 and later describe their own layout in
 * _Py_DebugOffsets at the start of _PyRuntime; 3.11 uses a table generated from its headers
 * (pyoffsets/, which says how).  Other versions are reported as unsupported, never guessed.
 *
 * Bounds: every pointer is read through the bounded reader, which fails for undumped
 * addresses; a frame chain stops at PYSTACK_MAX_FRAMES or on a loop; at most
 * PYSTACK_MAX_THREADS threads and PYSTACK_MAX_COROS coroutine stacks; the GC lists walked
 * for suspended coroutines stop after PYSTACK_MAX_GC_OBJECTS objects or at the deadline;
 * strings are cut at PYSTACK_STR_MAX bytes and are the dump's raw bytes (the caller
 * sanitises them).  No globals: everything lives in the context and the result. */
#ifndef COREDU_PYSTACK_H
#define COREDU_PYSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct core_info;

#define PYSTACK_MAX_FRAMES 256
#define PYSTACK_MAX_THREADS 256
#define PYSTACK_MAX_INTERPS 16
#define PYSTACK_MAX_COROS 256
#define PYSTACK_MAX_GC_OBJECTS (4u << 20)
#define PYSTACK_STR_MAX 512
#define PYSTACK_LINETABLE_MAX (256u * 1024)
#define PYSTACK_CANDIDATES_MAX 8 /* python or libpython files opened */

struct pystack_frame {
	char *file;     /* co_filename */
	char *function; /* co_qualname */
	int line;       /* -1 when the location table says none or could not be read */
};

struct pystack_stack {
	uint64_t thread_id;        /* pthread id; 0 for a coroutine stack */
	uint64_t native_thread_id; /* the kernel's tid (NT_PRSTATUS pr_pid); 0 for coroutines */
	uint32_t nframes;
	struct pystack_frame *frames; /* innermost first */
	bool cut;        /* PYSTACK_MAX_FRAMES reached */
	bool loop;       /* the chain came back to a frame already seen */
	bool unreadable; /* a frame pointer led outside the dumped memory */
};

enum pystack_status {
	PYSTACK_NOT_PYTHON,  /* no python binary or libpython in the core's mappings */
	PYSTACK_UNSUPPORTED, /* a CPython (or a core) there is no layout for; `problem` says */
	PYSTACK_NO_SYMBOLS,  /* the binary could not be opened, or lacks _PyRuntime */
	PYSTACK_MISMATCH,    /* the file on disk is not the one the core mapped (build-id) */
	PYSTACK_UNREADABLE,  /* _PyRuntime or the interpreter list is not in the dump */
	PYSTACK_OK,
	PYSTACK_STATUSES
};

struct pystack_result {
	enum pystack_status status;
	char problem[192];
	char version[24];      /* "3.11.2" */
	const char *layout;    /* "_Py_DebugOffsets", "table 3.11" (static strings) */
	char *module;          /* the file whose symbols were used */
	bool build_id_checked; /* the file's build-id matched the core's copy of its notes */
	struct pystack_stack *threads;
	uint32_t nthreads;
	bool threads_cut;        /* PYSTACK_MAX_THREADS reached */
	bool threads_unreadable; /* the thread list left the dumped memory */
	struct pystack_stack *coros; /* suspended coroutine stacks (asyncio tasks and the like) */
	uint32_t ncoros;
	bool coros_cut;
	uint64_t gc_objects; /* GC-tracked objects walked to find them */
	bool gc_cut;         /* the walk stopped early: coroutines may be missing */
};

struct pystack_opts {
	const char *sysroot;      /* NULL: this machine's files */
	bool coroutines;          /* walk the GC lists for suspended coroutines */
	struct timespec deadline; /* CLOCK_MONOTONIC; {0, 0}: none */
};

/* Fill res from a core parsed with ELFCORE_KEEP_MEM | ELFCORE_KEEP_MAPS; returns its status.
 * The result is freed with pystack_free. */
enum pystack_status pystack_read(const struct core_info *ci, const struct pystack_opts *o,
				 struct pystack_result *res);
void pystack_free(struct pystack_result *res);
/* "ok", "not-python", "unsupported", "no-symbols", "mismatch", "unreadable". */
const char *pystack_status_name(enum pystack_status s);
/* The first frame that is the application's own: not in the standard library or an
 * installed package (site-packages, dist-packages), from the suspended coroutines first
 * (an asyncio server's handlers wait there), then the threads; NULL if none.  *coroutine
 * says where it was found. */
const struct pystack_frame *pystack_app_frame(const struct pystack_result *res, bool *coroutine);

#endif
