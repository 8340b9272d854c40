/* SPDX-License-Identifier: GPL-2.0-or-later */
/* remedy: how to stop core dumps, or keep them bounded, in the environment coredu runs in:
 * the exact snippet for an ECS task definition, docker run or compose, a Kubernetes
 * container command, a systemd unit or coredump.conf, limits.conf; prlimit for the
 * processes running now; and coredu prune for keeping some. */
#ifndef COREDU_REMEDY_H
#define COREDU_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

struct coreconf;
struct envinfo;

enum remedy_kind {
	REMEDY_STOP,  /* the lasting fix for this environment */
	REMEDY_NOW,   /* takes effect at once, lost on restart */
	REMEDY_BOUND, /* keep dumps, but bounded */
};

struct remedy {
	const char *id;       /* stable, for JSON: "ecs-task-ulimits", ... */
	enum remedy_kind kind;
	char *text;           /* what to do, one paragraph */
	char *snippet;        /* the exact text to paste, lines separated by '\n'; NULL if none */
	const char *where;    /* a lasting fix's place in a few words, for the summary's one
			       * line ("in the task definition's container"); NULL if none */
};

struct remedies {
	struct remedy *v;
	size_t n;
};

struct remedy_ctx {
	const struct envinfo *env;
	const struct coreconf *conf;
	const char *unit;     /* the systemd unit running the dumping program, NULL if unknown */
	const long *pids;     /* running processes that can dump core now: tied to the dumps,
			       * or (no dumps) at risk */
	size_t npids;
	bool from_dumps;      /* pids are tied to dumps */
	const char *root;     /* the scanned directory, for coredu prune; NULL: none */
};

void remedy_build(struct remedies *r, const struct remedy_ctx *c);
void remedy_free(struct remedies *r);
const char *remedy_kind_id(enum remedy_kind k); /* "stop", "now", "bound" */

#endif
