/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sniffio: what io_uring would save the scan (issue 16), measured outside coredu.  One thread
 * walks a tree as coredu's worker does (getdents, fstatat of every file) and reads the first
 * 128 bytes of every regular file of 4 KiB or more:
 *
 *   sync   openat, pread, close: three system calls a file, one read in flight
 *   uring  the same three as one linked io_uring chain (openat into a fixed-file slot, read
 *          from the slot, close the slot), 64 files a submission
 *
 * Not built by make: it needs liburing-dev, which coredu does not (yet) depend on.
 *
 *   cc -O2 -o /tmp/sniffio bench/sniffio.c -luring
 *   hyperfine -N "ncdu -0 -o /dev/null TREE" "/tmp/sniffio sync TREE" "/tmp/sniffio uring TREE"
 *
 * It prints the files seen and sniffed and how many began with an ELF header, so that both
 * modes can be checked against each other and against the planted cores. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 64
#define HEAD 128
#define SNIFF_FROM 4096
#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)

struct walk {
	bool uring;
	struct io_uring ring;
	char head[BATCH][HEAD];
	char name[BATCH][256];
	int queued;
	long files, sniffed, elf;
};

static bool is_elf(const char *h, long n) { return n >= 4 && memcmp(h, "\177ELF", 4) == 0; }

/* Wait for every queued chain; a read's result tells whether its file began with ELF. */
static void drain(struct walk *w)
{
	if (!w->queued)
		return;
	io_uring_submit_and_wait(&w->ring, (unsigned)w->queued * 3);
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	io_uring_for_each_cqe(&w->ring, head, cqe) {
		unsigned slot = (unsigned)(cqe->user_data >> 2);
		if ((cqe->user_data & 3) == 1 && is_elf(w->head[slot], cqe->res))
			w->elf++;
		seen++;
	}
	io_uring_cq_advance(&w->ring, seen);
	w->queued = 0;
}

static void sniff(struct walk *w, int dirfd, const char *name)
{
	w->sniffed++;
	if (!w->uring) {
		char h[HEAD];
		int fd = openat(dirfd, name, FILE_FLAGS | O_CLOEXEC);
		if (fd < 0)
			return;
		w->elf += is_elf(h, pread(fd, h, HEAD, 0));
		close(fd);
		return;
	}
	int slot = w->queued;
	snprintf(w->name[slot], sizeof(w->name[slot]), "%s", name);
	struct io_uring_sqe *sqe = io_uring_get_sqe(&w->ring);
	io_uring_prep_openat_direct(sqe, dirfd, w->name[slot], FILE_FLAGS, 0, (unsigned)slot);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = (uint64_t)slot << 2;
	sqe = io_uring_get_sqe(&w->ring);
	io_uring_prep_read(sqe, slot, w->head[slot], HEAD, 0);
	sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
	sqe->user_data = (uint64_t)slot << 2 | 1;
	sqe = io_uring_get_sqe(&w->ring);
	io_uring_prep_close_direct(sqe, (unsigned)slot);
	sqe->user_data = (uint64_t)slot << 2 | 2;
	if (++w->queued == BATCH)
		drain(w);
}

/* Depth first; the names of a directory's entries live until its chains are drained. */
static void walk_dir(struct walk *w, int dirfd)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		const char *n = e->d_name;
		if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
			continue;
		if (e->d_type == DT_DIR) {
			int sub = openat(dirfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			drain(w);
			if (sub >= 0)
				walk_dir(w, sub);
			continue;
		}
		struct stat st;
		w->files++;
		if (fstatat(dirfd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size >= SNIFF_FROM)
			sniff(w, dirfd, n);
	}
	drain(w);
	closedir(d);
}

int main(int argc, char **argv)
{
	static struct walk w;
	if (argc != 3 || (strcmp(argv[1], "sync") && strcmp(argv[1], "uring"))) {
		fprintf(stderr, "usage: sniffio sync|uring DIR\n");
		return 2;
	}
	w.uring = strcmp(argv[1], "uring") == 0;
	if (w.uring && (io_uring_queue_init(BATCH * 4, &w.ring, 0) < 0 ||
			io_uring_register_files_sparse(&w.ring, BATCH) < 0)) {
		fprintf(stderr, "sniffio: io_uring refused here (seccomp, io_uring_disabled?)\n");
		return 1;
	}
	int root = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		perror(argv[2]);
		return 1;
	}
	walk_dir(&w, root);
	printf("%ld files, %ld sniffed, %ld ELF\n", w.files, w.sniffed, w.elf);
	return 0;
}
