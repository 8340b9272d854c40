/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_metrics: the dumps as metrics for the engines operators already run, written to a
 * FILE: the Prometheus text format (what node_exporter's textfile collector reads),
 * OpenMetrics, or CloudWatch's Embedded Metric Format (JSON lines that the awslogs driver
 * turns into metrics).  Families and labels: doc/fleet.md.
 *
 * Label values come from file names and dumps, so they are made safe and bounded: escaped
 * as the sanitiser does for a terminal (no control byte, valid UTF-8), cut to
 * METRICS_LABEL_BYTES, then escaped for the format.  Cardinality is capped: the
 * METRICS_PROGRAMS programs and METRICS_DIRS directories with the most dumps keep their
 * names, the rest become "other", and beyond METRICS_SERIES series the smallest fold into
 * one series labelled "other" throughout.  A hostile comm or path can neither break the
 * file nor explode the series. */
#ifndef COREDU_REPORT_METRICS_H
#define COREDU_REPORT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/fsusage.h"

struct identity;
struct index;

#define METRICS_PROGRAMS 100
#define METRICS_DIRS 100
#define METRICS_SERIES 1000
#define METRICS_LABEL_BYTES 128

enum metrics_format { METRICS_PROMETHEUS, METRICS_OPENMETRICS, METRICS_EMF };

/* A scanned root: the room on its file system, and the doctor's time until it is full. */
struct metrics_root {
	const char *path;
	struct fsusage fs;
	double full_eta;  /* seconds; < 0 when the dumps are not filling it (+Inf) */
};

struct metrics_in {
	const struct index *ix;
	struct metrics_root *roots;
	size_t nroots;
	double scan_seconds;
	uint64_t scan_errors;
	int64_t now;
	const struct identity *identity; /* EMF: written as properties of each line; may be NULL */
};

/* "prometheus", "openmetrics", "emf"; -1 if unknown. */
int report_metrics_format_parse(const char *name);
/* Fill each root's fs and full_eta: statvfs, and the doctor's growth of the dumps on that
 * file system (proc: the procfs root it reads, "/proc"). */
void report_metrics_roots(struct metrics_in *in, const char *proc, char *const *envp);
void report_metrics(FILE *f, const struct metrics_in *in, enum metrics_format format);

#endif
