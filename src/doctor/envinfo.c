/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/envinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/procfs.h"
#include "base/util.h"

static void mark(struct envinfo *e, const char *what)
{
	size_t n = strlen(e->markers);
	if (strstr(e->markers, what))
		return;
	snprintf(e->markers + n, sizeof(e->markers) - n, "%s%s", n ? ", " : "", what);
}

/* The value of NAME in a NUL-separated environment block, or NULL. */
static const char *env_block_get(const char *block, size_t len, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < len;) {
		const char *entry = block + i;
		size_t el = strnlen(entry, len - i);
		if (el > nl && strncmp(entry, name, nl) == 0 && entry[nl] == '=')
			return entry + nl + 1;
		i += el + 1;
	}
	return NULL;
}

/* Our environment first, then PID 1's: an ECS Exec or kubectl exec shell need not carry
 * the variables the task or pod gave the app. */
struct envsrc {
	char *const *envp;
	char block[32768];
	size_t len;
};

static const char *env_get(const struct envsrc *s, const char *name)
{
	size_t nl = strlen(name);
	for (char *const *e = s->envp; e && *e; e++)
		if (strncmp(*e, name, nl) == 0 && (*e)[nl] == '=')
			return *e + nl + 1;
	return env_block_get(s->block, s->len, name);
}

static bool exists(const char *rootfs, const char *rel, bool want_dir)
{
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", strcmp(rootfs, "/") ? rootfs : "", rel);
	return lstat(path, &st) == 0 && (!want_dir || S_ISDIR(st.st_mode));
}

static void check_cgroup(struct envinfo *e, const char *proc, const char *who)
{
	char buf[4096];
	char rel[32];
	snprintf(rel, sizeof(rel), "%s/cgroup", who);
	if (procfs_read(proc, rel, buf, sizeof(buf)) <= 0)
		return;
	static const struct {
		const char *needle;
		enum env_kind kind;
	} marks[] = {
		{"kubepods", ENV_KUBERNETES}, {"/ecs/", ENV_ECS}, {"libpod", ENV_PODMAN},
		{"docker", ENV_DOCKER},
	};
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		if (strstr(buf, marks[i].needle)) {
			char m[48];
			snprintf(m, sizeof(m), "cgroup '%s'", marks[i].needle);
			mark(e, m);
			e->container = true;
			if (e->kind < marks[i].kind)
				e->kind = marks[i].kind;
			return;
		}
	}
}

void envinfo_detect(struct envinfo *e, const struct envinfo_probe *p)
{
	memset(e, 0, sizeof(*e));
	struct envsrc *s = xcalloc(1, sizeof(*s));
	s->envp = p->envp;
	ssize_t n = procfs_read(p->proc, "1/environ", s->block, sizeof(s->block));
	s->len = n > 0 ? (size_t)n : 0;
	e->kind = ENV_HOST;

	if (exists(p->rootfs, ".dockerenv", false)) {
		mark(e, "/.dockerenv");
		e->kind = ENV_DOCKER;
	}
	if (exists(p->rootfs, "run/.containerenv", false)) {
		mark(e, "/run/.containerenv");
		e->kind = ENV_PODMAN;
	}
	const char *container = env_get(s, "container");
	if (container && *container) {
		mark(e, "$container");
		if (e->kind < ENV_CONTAINER)
			e->kind = strcmp(container, "podman") == 0 ? ENV_PODMAN
				  : strcmp(container, "docker") == 0 ? ENV_DOCKER : ENV_CONTAINER;
	}
	check_cgroup(e, p->proc, "1");
	check_cgroup(e, p->proc, "self");
	if (env_get(s, "KUBERNETES_SERVICE_HOST")) {
		mark(e, "KUBERNETES_SERVICE_HOST");
		e->kind = ENV_KUBERNETES;
	}
	static const char *const ecs_vars[] = {"ECS_CONTAINER_METADATA_URI_V4",
					       "ECS_CONTAINER_METADATA_URI"};
	for (size_t i = 0; i < ARRAY_SIZE(ecs_vars); i++) {
		if (env_get(s, ecs_vars[i])) {
			mark(e, ecs_vars[i]);
			e->kind = ENV_ECS;
		}
	}
	const char *exec_env = env_get(s, "AWS_EXECUTION_ENV");
	if (exec_env && strcmp(exec_env, "AWS_ECS_FARGATE") == 0) {
		mark(e, "AWS_EXECUTION_ENV=AWS_ECS_FARGATE");
		e->kind = ENV_ECS;
		e->fargate = true;
	}
	e->container = e->container || e->kind != ENV_HOST;
	if (!e->container && exists(p->rootfs, "run/systemd/system", true)) {
		/* sd_booted(3): the test systemd itself documents. */
		mark(e, "/run/systemd/system");
		e->systemd = true;
		e->kind = ENV_SYSTEMD;
	}
	free(s);
}

const char *envinfo_kind_id(enum env_kind k)
{
	static const char *const ids[] = {
		[ENV_HOST] = "host", [ENV_SYSTEMD] = "systemd", [ENV_CONTAINER] = "container",
		[ENV_DOCKER] = "docker", [ENV_PODMAN] = "podman", [ENV_KUBERNETES] = "kubernetes",
		[ENV_ECS] = "ecs",
	};
	return ids[k];
}

const char *envinfo_name(const struct envinfo *e)
{
	switch (e->kind) {
	case ENV_ECS: return e->fargate ? "AWS ECS on Fargate" : "AWS ECS";
	case ENV_KUBERNETES: return "Kubernetes";
	case ENV_DOCKER: return "a Docker container";
	case ENV_PODMAN: return "a Podman container";
	case ENV_CONTAINER: return "a container";
	case ENV_SYSTEMD: return "a systemd host";
	case ENV_HOST: break;
	}
	return "a host without systemd";
}
