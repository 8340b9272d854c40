/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/remedy.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "doctor/coreconf.h"
#include "doctor/envinfo.h"

static void add(struct remedies *r, const char *id, enum remedy_kind kind, char *text,
		char *snippet)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct remedy){id, kind, text, snippet, NULL};
}

/* The last remedy added is a lasting fix the summary names by its place. */
static void where(struct remedies *r, const char *w)
{
	r->v[r->n - 1].where = w;
}

#define ADD(r, id, kind, text, snippet) add(r, id, kind, xstrdup(text), (snippet) ? xstrdup(snippet) : NULL)

/* A path as one shell word. */
static char *shell_word(const char *s)
{
	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+:,@%") ==
		      strlen(s))
		return xstrdup(s);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_addc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sbuf_adds(&b, "'\\''");
		else
			sbuf_addc(&b, *s);
	}
	sbuf_addc(&b, '\'');
	char *word = sbuf_take(&b);
	sbuf_free(&b);
	return word;
}

static void stop_ecs(struct remedies *r)
{
	ADD(r, "ecs-task-ulimits", REMEDY_STOP,
	    "In the task definition, add this to the app's container definition and deploy the "
	    "new revision (Fargate honours the core ulimit):",
	    "\"ulimits\":[{\"name\":\"core\",\"softLimit\":0,\"hardLimit\":0}]");
	where(r, "in the task definition's container");
}

static void stop_kubernetes(struct remedies *r)
{
	ADD(r, "kubernetes-entrypoint", REMEDY_STOP,
	    "A pod spec has no ulimit field (kubernetes#3595; KEP-5758's securityContext.ulimits is "
	    "alpha at best), so set the limit in the container's command:",
	    "command: [\"/bin/sh\", \"-c\", \"ulimit -c 0 && exec YOUR-COMMAND\"]");
	where(r, "in the container's command");
	ADD(r, "kubernetes-node", REMEDY_STOP,
	    "Or on every node (this affects all pods): give the container runtime a zero core "
	    "limit, e.g. systemctl edit containerd.service:",
	    "[Service]\nLimitCORE=0");
}

static void stop_docker(struct remedies *r, bool podman)
{
	if (podman) {
		ADD(r, "podman-run", REMEDY_STOP, "Start the container with a zero core limit:",
		    "podman run --ulimit core=0 ...");
		where(r, "when starting the container");
		ADD(r, "podman-containers-conf", REMEDY_STOP,
		    "Or for every container, in containers.conf:",
		    "[containers]\ndefault_ulimits = [\"core=0:0\"]");
		return;
	}
	ADD(r, "docker-run", REMEDY_STOP, "Start the container with a zero core limit:",
	    "docker run --ulimit core=0 ...");
	where(r, "when starting the container");
	ADD(r, "docker-compose", REMEDY_STOP, "With Compose, in the service:",
	    "ulimits: {core: 0}");
	ADD(r, "docker-daemon", REMEDY_STOP,
	    "Or for every container of the daemon, in /etc/docker/daemon.json:",
	    "\"default-ulimits\": {\"core\": {\"Name\": \"core\", \"Soft\": 0, \"Hard\": 0}}");
}

static void stop_systemd(struct remedies *r, const struct remedy_ctx *c)
{
	const char *unit = c->unit ? c->unit : "THE.service";
	add(r, "systemd-unit", REMEDY_STOP,
	    xasprintf("For the service: systemctl edit %s, add the lines below, then systemctl "
		      "restart %s:", unit, unit),
	    xstrdup("[Service]\nLimitCORE=0"));
	where(r, "in the service's unit (systemctl edit)");
	if (c->conf->handler == HANDLER_SYSTEMD)
		ADD(r, "systemd-coredump", REMEDY_STOP,
		    "Or keep systemd-coredump from storing or processing any core, in "
		    "/etc/systemd/coredump.conf:",
		    "[Coredump]\nStorage=none\nProcessSizeMax=0");
	ADD(r, "systemd-default", REMEDY_STOP,
	    "Or for every service: DefaultLimitCORE=0 in /etc/systemd/system.conf, then "
	    "systemctl daemon-reexec.", NULL);
}

static void stop_host(struct remedies *r)
{
	ADD(r, "start-script", REMEDY_STOP,
	    "In the service's start script, before it starts the program:", "ulimit -c 0");
	where(r, "in the start script, before the program");
}

static void stop_everywhere(struct remedies *r, const struct remedy_ctx *c)
{
	if (!c->env->container)
		ADD(r, "limits-conf", REMEDY_STOP,
		    "/etc/security/limits.conf applies to PAM logins only (ssh, login, su): not to "
		    "services, containers or ECS Exec.  For login sessions:",
		    "*    hard    core    0");
	ADD(r, "in-process", REMEDY_STOP,
	    "Or in the program itself: setrlimit(RLIMIT_CORE) to 0, or prctl(PR_SET_DUMPABLE, 0); "
	    "in Python:",
	    "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))");
}

static void now(struct remedies *r, const struct remedy_ctx *c)
{
	if (!c->npids)
		return;
	struct sbuf s;
	sbuf_init(&s);
	size_t shown = c->npids < 8 ? c->npids : 8;
	for (size_t i = 0; i < shown; i++)
		sbuf_printf(&s, "%sprlimit --core=0:0 --pid %ld", i ? "\n" : "", c->pids[i]);
	add(r, "prlimit", REMEDY_NOW,
	    xasprintf("Without a restart: lower the core limit of the %zu process%s %s that can "
		      "dump core%s.  Children forked later inherit it; a restart undoes it, so "
		      "make the lasting change too.",
		      c->npids, c->npids == 1 ? "" : "es",
		      c->from_dumps ? "tied to these dumps (running their programs, or having sent "
				      "their signals)" : "at risk",
		      shown < c->npids ? " (the first 8 shown)" : ""),
	    sbuf_take(&s));
	sbuf_free(&s);
}

static void bound(struct remedies *r, const struct remedy_ctx *c)
{
	char *root = shell_word(c->root ? c->root : "/PATH");
	if (c->env->container)
		add(r, "prune-loop", REMEDY_BOUND,
		    xstrdup("To keep some cores but bound them: prune in a loop (a sidecar sharing "
			    "the volume, or next to the app):"),
		    xasprintf("while sleep 600; do coredu prune --keep-newest=3 --per=program --yes "
			      "%s; done", root));
	else
		add(r, "prune-cron", REMEDY_BOUND,
		    xstrdup("To keep some cores but bound them, in /etc/cron.d/coredu:"),
		    xasprintf("*/10 * * * * root coredu prune --keep-newest=3 --per=program --yes %s",
			      root));
	add(r, "prune-compress", REMEDY_BOUND,
	    xstrdup("Or compress the older ones (zstd, checked before the original goes):"),
	    xasprintf("coredu prune --compress --older-than=1h --yes %s", root));
	if (c->conf->handler == HANDLER_SYSTEMD)
		ADD(r, "systemd-coredump-maxuse", REMEDY_BOUND,
		    "systemd-coredump bounds its own store: MaxUse= and KeepFree= in "
		    "/etc/systemd/coredump.conf.", NULL);
	free(root);
}

void remedy_build(struct remedies *r, const struct remedy_ctx *c)
{
	memset(r, 0, sizeof(*r));
	switch (c->env->kind) {
	case ENV_ECS: stop_ecs(r); break;
	case ENV_KUBERNETES: stop_kubernetes(r); break;
	case ENV_DOCKER: stop_docker(r, false); break;
	case ENV_PODMAN: stop_docker(r, true); break;
	case ENV_CONTAINER:
		ADD(r, "container-entrypoint", REMEDY_STOP,
		    "Give the container a zero core limit with its runtime's ulimit option, or in "
		    "its entrypoint:", "ulimit -c 0 && exec YOUR-COMMAND");
		where(r, "in the container's entrypoint");
		break;
	case ENV_SYSTEMD: stop_systemd(r, c); break;
	case ENV_HOST: stop_host(r); break;
	}
	stop_everywhere(r, c);
	now(r, c);
	bound(r, c);
}

void remedy_free(struct remedies *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].text);
		free(r->v[i].snippet);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const char *remedy_kind_id(enum remedy_kind k)
{
	return k == REMEDY_STOP ? "stop" : k == REMEDY_NOW ? "now" : "bound";
}
