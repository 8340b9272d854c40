/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "stack/bgstack.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "kinds/dump.h"

struct bgstack {
	pthread_t thread;
	struct dump d;          /* what stack_read needs: identity, path, kind, compression */
	struct stack_opts o;
	int cancel[2];          /* writing to cancel[1] stops the reader */
	struct stack_result st;
	atomic_bool done;
};

static void *run(void *arg)
{
	struct bgstack *b = arg;
	stack_read(&b->d, &b->o, &b->st);
	atomic_store(&b->done, true);
	return NULL;
}

struct bgstack *bgstack_start(const struct dump *d, const struct stack_opts *o)
{
	if (!stack_applies(d) || o->timeout <= 0)
		return NULL;
	struct bgstack *b = xcalloc(1, sizeof(*b));
	b->d.path = xstrdup(d->path);
	b->d.kind = d->kind;
	b->d.compression = d->compression;
	b->d.dev = d->dev, b->d.ino = d->ino, b->d.size_apparent = d->size_apparent;
	b->d.mtime = d->mtime, b->d.mtime_nsec = d->mtime_nsec;
	b->d.core.elf_class = d->core.elf_class;
	b->o = *o;
	if (o->sysroot)
		b->o.sysroot = xstrdup(o->sysroot);
	if (pipe2(b->cancel, O_CLOEXEC) != 0) {
		b->cancel[0] = b->cancel[1] = -1;
		bgstack_free(b);
		return NULL;
	}
	b->o.cancel_fd = b->cancel[0];
	if (pthread_create(&b->thread, NULL, run, b) != 0) {
		close(b->cancel[0]);
		close(b->cancel[1]);
		b->cancel[0] = b->cancel[1] = -1;
		free(b->d.path);
		free((char *)b->o.sysroot);
		free(b);
		return NULL;
	}
	return b;
}

bool bgstack_done(struct bgstack *b)
{
	return b && atomic_load(&b->done);
}

const struct stack_result *bgstack_result(const struct bgstack *b)
{
	return &b->st;
}

void bgstack_free(struct bgstack *b)
{
	if (!b)
		return;
	if (b->cancel[1] >= 0) {
		if (!atomic_load(&b->done) && write(b->cancel[1], "x", 1) < 0) {
			/* the pipe is ours and empty: this cannot fail; the reader's own
			 * deadline would end it anyway */
		}
		pthread_join(b->thread, NULL);
		close(b->cancel[0]);
		close(b->cancel[1]);
	}
	stack_result_free(&b->st);
	free(b->d.path);
	free((char *)b->o.sysroot);
	free(b);
}
