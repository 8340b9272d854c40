/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "scan/sniffring.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <liburing.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"

/* The parts of one file's chain, and the cancellation of a stalled one, in the low bits of
 * user_data. */
enum { OP_OPEN, OP_ADVISE, OP_READ, OP_CLOSE, OP_CANCEL, OP_BITS = 3 };
#define PENDING INT_MIN /* no completion yet */

/* A batch that completes nothing for this long has its open and read requests cancelled: a
 * FIFO swapped in between fstatat and the open, held by a writer that never writes, would
 * otherwise keep the read waiting for data, since io_uring polls a FIFO opened O_NONBLOCK
 * instead of failing with EAGAIN.  A cancelled file goes to the synchronous path, which reads
 * nothing from a FIFO.  A slow disk that trips it costs only that fallback. */
#define STALL_SECONDS 1

struct slot {
	const char *name;
	struct stat st;
	int open_res, read_res;
	unsigned char head[DUMP_HEAD_LEN];
};

struct sniffring {
	struct io_uring ring;
	int open_flags;
	unsigned queued;  /* files queued since the last drain */
	unsigned sqes;    /* their submission entries: one completion each */
	bool dead;        /* the ring failed: every later sniff reports an error */
	struct slot slot[SNIFFRING_BATCH];
};

/* Everything the chains use, known before the first file: a kernel that lacks a part would
 * fail every chain, which the synchronous path would then redo one file at a time. */
static bool ring_usable(struct io_uring *ring)
{
	/* A fixed file installed by an open is visible to the read linked after it. */
	if (!(ring->features & IORING_FEAT_LINKED_FILE))
		return false;
	struct io_uring_probe *p = io_uring_get_probe_ring(ring);
	bool ok = p && io_uring_opcode_supported(p, IORING_OP_OPENAT) &&
		  io_uring_opcode_supported(p, IORING_OP_FADVISE) &&
		  io_uring_opcode_supported(p, IORING_OP_READ) &&
		  io_uring_opcode_supported(p, IORING_OP_CLOSE);
	io_uring_free_probe(p);
	return ok && io_uring_register_files_sparse(ring, SNIFFRING_BATCH) == 0;
}

struct sniffring *sniffring_new(int open_flags)
{
	struct sniffring *r = xcalloc(1, sizeof(*r));
	/* Completions are reaped only when the worker waits for them, by that worker alone:
	 * no task work interrupting it in between (Linux 6.1; older kernels refuse the flags). */
	unsigned flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |
			 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	int e = io_uring_queue_init(SNIFFRING_BATCH * 4, &r->ring, flags);
	if (e == -EINVAL)
		e = io_uring_queue_init(SNIFFRING_BATCH * 4, &r->ring, 0);
	if (e < 0) { /* EPERM under a seccomp policy or io_uring_disabled, ENOSYS before 5.1 */
		free(r);
		return NULL;
	}
	if (!ring_usable(&r->ring)) {
		io_uring_queue_exit(&r->ring);
		free(r);
		return NULL;
	}
	/* A direct descriptor has no close-on-exec flag: the kernel refuses O_CLOEXEC there. */
	r->open_flags = open_flags & ~O_CLOEXEC;
	return r;
}

void sniffring_free(struct sniffring *r)
{
	if (!r)
		return;
	io_uring_queue_exit(&r->ring);
	free(r);
}

bool sniffring_full(const struct sniffring *r)
{
	return r->queued == SNIFFRING_BATCH;
}

/* The next entry; io_uring_prep_* clears an entry's flags, so mark() comes after it. */
static struct io_uring_sqe *next_sqe(struct sniffring *r)
{
	r->sqes++;
	return io_uring_get_sqe(&r->ring); /* never NULL: four entries for each of the batch */
}

static void mark(struct io_uring_sqe *sqe, unsigned slot, unsigned op, unsigned char flags)
{
	sqe->user_data = (uint64_t)slot << OP_BITS | op;
	sqe->flags |= flags;
}

void sniffring_add(struct sniffring *r, int dirfd, const char *name, const struct stat *st,
		   bool random)
{
	unsigned i = r->queued++;
	struct slot *s = &r->slot[i];
	s->name = name;
	s->st = *st;
	s->open_res = s->read_res = PENDING;
	if (r->dead)
		return;
	/* A failed open cancels the rest (IOSQE_IO_LINK); after a successful one, the close
	 * runs whatever the advice and the read did (IOSQE_IO_HARDLINK), so the slot is free
	 * for the next batch. */
	struct io_uring_sqe *sqe = next_sqe(r);
	io_uring_prep_openat_direct(sqe, dirfd, name, r->open_flags, 0, i);
	mark(sqe, i, OP_OPEN, IOSQE_IO_LINK);
	if (random) {
		sqe = next_sqe(r);
		io_uring_prep_fadvise(sqe, (int)i, 0, 0, POSIX_FADV_RANDOM);
		mark(sqe, i, OP_ADVISE, IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK);
	}
	sqe = next_sqe(r);
	io_uring_prep_read(sqe, (int)i, s->head, DUMP_HEAD_LEN, 0);
	mark(sqe, i, OP_READ, IOSQE_FIXED_FILE | IOSQE_IO_HARDLINK);
	sqe = next_sqe(r);
	io_uring_prep_close_direct(sqe, i);
	mark(sqe, i, OP_CLOSE, 0);
}

static void reap(struct sniffring *r, struct io_uring_cqe *cqe)
{
	struct slot *s = &r->slot[cqe->user_data >> OP_BITS];
	switch (cqe->user_data & ((1u << OP_BITS) - 1)) {
	case OP_OPEN: s->open_res = cqe->res; break;
	case OP_READ: s->read_res = cqe->res; break;
	default: break; /* advice is only advice, a slot's close cannot fail, a cancel is done */
	}
}

/* Submit what is queued; false when the ring fails (what it did not take stays unsubmitted). */
static bool submit(struct sniffring *r, unsigned *submitted)
{
	while (*submitted < r->sqes) {
		int e = io_uring_submit(&r->ring);
		if (e == -EINTR)
			continue;
		if (e <= 0)
			return false;
		*submitted += (unsigned)e;
	}
	return true;
}

/* Ask the kernel to cancel every open and read of the batch still waiting. */
static bool cancel_stalled(struct sniffring *r, unsigned *submitted)
{
	for (unsigned i = 0; i < r->queued; i++) {
		const struct slot *s = &r->slot[i];
		unsigned op = s->open_res == PENDING ? OP_OPEN : s->read_res == PENDING ? OP_READ : OP_CANCEL;
		if (op == OP_CANCEL)
			continue;
		struct io_uring_sqe *sqe = next_sqe(r);
		io_uring_prep_cancel64(sqe, (uint64_t)i << OP_BITS | op, 0);
		mark(sqe, i, OP_CANCEL, 0);
	}
	return submit(r, submitted);
}

/* Submit everything and wait for every completion of what was submitted; false when the
 * ring itself failed. */
static bool wait_all(struct sniffring *r)
{
	unsigned submitted = 0, seen = 0;
	bool ok = submit(r, &submitted), cancelled = false;
	while (seen < submitted) {
		struct io_uring_cqe *cqe;
		struct __kernel_timespec stall = {.tv_sec = STALL_SECONDS};
		int e = io_uring_wait_cqes(&r->ring, &cqe, submitted - seen, cancelled ? NULL : &stall,
					   NULL);
		if (e < 0 && e != -EINTR && e != -ETIME)
			return false;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&r->ring, head, cqe) {
			reap(r, cqe);
			n++;
		}
		io_uring_cq_advance(&r->ring, n);
		seen += n;
		if (e == -ETIME && n == 0 && !cancelled) {
			cancelled = true;
			if (!cancel_stalled(r, &submitted))
				ok = false;
		}
	}
	return ok;
}

void sniffring_drain(struct sniffring *r, void (*fn)(void *ctx, const struct sniffring_result *),
		     void *ctx)
{
	if (r->queued == 0)
		return;
	/* A ring that failed keeps its unfinished entries unsubmitted for good: their names
	 * are about to go, so it is never submitted again. */
	if (!r->dead && r->sqes > 0 && !wait_all(r))
		r->dead = true;
	for (unsigned i = 0; i < r->queued; i++) {
		const struct slot *s = &r->slot[i];
		struct sniffring_result res = {
			.name = s->name, .st = &s->st, .head = s->head,
			.len = r->dead ? -EIO : s->open_res < 0 ? s->open_res : s->read_res,
		};
		if (res.len == PENDING) /* a chain cut short by a cancel */
			res.len = -ECANCELED;
		fn(ctx, &res);
	}
	r->queued = r->sqes = 0;
}
