/* SPDX-License-Identifier: GPL-2.0-or-later */
/* envinfo: where coredu runs (ECS or Fargate, Kubernetes, Docker, Podman, a systemd host),
 * from local markers only: environment variables, a few files, cgroup paths.  coredu makes
 * no network requests, so the ECS metadata endpoint is noticed, never called. */
#ifndef COREDU_ENVINFO_H
#define COREDU_ENVINFO_H

#include <stdbool.h>

enum env_kind { ENV_HOST, ENV_SYSTEMD, ENV_CONTAINER, ENV_DOCKER, ENV_PODMAN, ENV_KUBERNETES,
		ENV_ECS };

struct envinfo {
	enum env_kind kind;
	bool fargate;       /* ECS on Fargate (AWS_EXECUTION_ENV=AWS_ECS_FARGATE) */
	bool container;     /* any container */
	bool systemd;       /* outside containers: PID 1 is systemd */
	char markers[256];  /* what was seen, comma-separated */
};

struct envinfo_probe {
	const char *proc;         /* procfs root: PID 1's environment and cgroup */
	const char *rootfs;       /* "/" normally: /.dockerenv, /run/.containerenv, /run/systemd */
	char *const *envp;        /* our environment */
};

void envinfo_detect(struct envinfo *e, const struct envinfo_probe *p);
/* "ecs", "kubernetes", "docker", "podman", "container", "systemd", "host" */
const char *envinfo_kind_id(enum env_kind k);
/* "AWS ECS on Fargate", "Kubernetes", ... */
const char *envinfo_name(const struct envinfo *e);

#endif
