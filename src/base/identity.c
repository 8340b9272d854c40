/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "base/identity.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/jsonr.h"
#include "base/util.h"

#define METADATA_MAX (1 << 20) /* the agent's file is a few KiB */

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return (*e)[n + 1] ? *e + n + 1 : NULL;
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The top-level strings TaskARN, ContainerName and Cluster of the ECS agent's container
 * metadata file: a regular file, opened without following a link, read as a stream. */
static void read_ecs_metadata(struct identity *id, const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	FILE *f = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > METADATA_MAX ||
	    !(f = fdopen(fd, "r"))) {
		close(fd);
		return;
	}
	struct jsonr r;
	jsonr_init(&r, f);
	enum jsonr_type t = jsonr_next(&r);
	while (t == JSONR_OBJ_BEGIN && jsonr_next(&r) == JSONR_KEY) {
		char **into = strcmp(r.s, "TaskARN") == 0 ? &id->ecs_task_arn
			      : strcmp(r.s, "ContainerName") == 0 ? &id->ecs_container
			      : strcmp(r.s, "Cluster") == 0 ? &id->ecs_cluster : NULL;
		enum jsonr_type v = jsonr_next(&r);
		if (into && v == JSONR_STRING && !*into && strlen(r.s) == r.len)
			*into = xstrdup(r.s);
		if (!jsonr_skip(&r, v))
			break;
	}
	jsonr_free(&r);
	fclose(f);
}

void identity_read(struct identity *id, char *const *envp)
{
	memset(id, 0, sizeof(*id));
	char host[HOST_NAME_MAX + 1];
	if (gethostname(host, sizeof(host)) == 0) {
		host[HOST_NAME_MAX] = '\0';
		id->hostname = xstrdup(host);
	}
	const char *meta = env_get(envp, "ECS_CONTAINER_METADATA_FILE");
	if (meta)
		read_ecs_metadata(id, meta);
	id->k8s_pod = dup_or_null(env_get(envp, "POD_NAME"));
	id->k8s_namespace = dup_or_null(env_get(envp, "POD_NAMESPACE"));
	id->k8s_node = dup_or_null(env_get(envp, "NODE_NAME"));
}

void identity_free(struct identity *id)
{
	free(id->hostname);
	free(id->ecs_task_arn);
	free(id->ecs_container);
	free(id->ecs_cluster);
	free(id->k8s_pod);
	free(id->k8s_namespace);
	free(id->k8s_node);
	memset(id, 0, sizeof(*id));
}

void identity_json(struct json_out *j, const char *key, const struct identity *id)
{
	json_obj_begin(j, key);
	json_str(j, "hostname", id->hostname);
	json_str(j, "ecs_task_arn", id->ecs_task_arn);
	json_str(j, "ecs_container", id->ecs_container);
	json_str(j, "ecs_cluster", id->ecs_cluster);
	json_str(j, "k8s_pod", id->k8s_pod);
	json_str(j, "k8s_namespace", id->k8s_namespace);
	json_str(j, "k8s_node", id->k8s_node);
	json_obj_end(j);
}
