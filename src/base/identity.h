/* SPDX-License-Identifier: GPL-2.0-or-later */
/* identity: where coredu runs, as the events, `coredu json` and the metrics name it: the
 * host name; the ECS task, container and cluster from the container metadata file that the
 * ECS agent names in ECS_CONTAINER_METADATA_FILE; the Kubernetes pod, namespace and node
 * from the downward API's variables (POD_NAME, POD_NAMESPACE, NODE_NAME).  Local facts
 * only: the metadata endpoint is never called (coredu makes no network request). */
#ifndef COREDU_IDENTITY_H
#define COREDU_IDENTITY_H

struct json_out;

struct identity {
	char *hostname;
	char *ecs_task_arn, *ecs_container, *ecs_cluster; /* NULL when unknown */
	char *k8s_pod, *k8s_namespace, *k8s_node;
};

/* From gethostname(2) and the environment block envp (environ; tests pass their own). */
void identity_read(struct identity *id, char *const *envp);
void identity_free(struct identity *id);
/* The object {"hostname": ..., "ecs_task_arn": ..., ...} under `key`; unknown ones null. */
void identity_json(struct json_out *j, const char *key, const struct identity *id);

#endif
