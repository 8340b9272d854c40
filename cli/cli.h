/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli: the command line.  One table of verbs and one of options (options.c) drive the
 * parsing, --help and the usage errors, as coredumpctl's VERB() table does; each verb is a
 * file of its own (cmd_*.c).  This is the only code, with ui/, that prints and chooses exit
 * statuses: the library below it never prints on its own. */
#ifndef COREDU_CLI_H
#define COREDU_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/util.h"
#include "delete/prune.h"
#include "model/index.h"
#include "output/report.h"
#include "scan/import.h"
#include "scan/scan.h"

enum verb_id { VERB_DEFAULT, VERB_LIST, VERB_JSON, VERB_INFO, VERB_PRUNE, VERB_DOCTOR, VERB_METRICS,
	       VERB_WATCH, VERBS };
#define VERB_BIT(v) (1u << (v))
#define VERB_ALL ((1u << VERBS) - 1)

struct cli;

struct verb {
	const char *name;      /* NULL: no verb given */
	enum verb_id id;
	const char *operands;  /* --help: "FILE.." */
	const char *help;      /* --help: lines separated by '\n' */
	const char *needs;     /* the error when no operand is given; NULL: "." is the default */
	int sort;              /* enum index_sort without --sort */
	bool keep_maps;        /* read the mapped files (ELFCORE_KEEP_MAPS) */
	bool magic;            /* open libmagic for the descriptions */
};

/* What the options and operands say (options.c fills it). */
struct cli {
	const struct verb *verb;
	struct scan_opts scan;
	const char **excludes;
	size_t nexcludes;
	bool si, reverse, no_legend;
	int sort; /* enum index_sort, or -1 for the verb's default */
	bool has_since, has_until;
	int64_t since, until;
	bool batch, ascii, no_color, read_only, json;
	bool import;       /* --import: the operands are `coredu json` documents */
	int metrics_format; /* --format: enum metrics_format */
	const char *output; /* metrics --output FILE */
	const char *events, *metrics, *config; /* watch */
	double metrics_interval, rescan_interval, settle;
	bool prune_on;      /* watch --prune */
	int argc;           /* the command line, for watch's reload */
	char **argv;
	bool all_processes;
	bool env; /* info --env: every environment value */
	unsigned crashes;
	const char *term;
	const char *log_path;
	const char *proc;
	const char *magic; /* --magic FILE, NULL: the system's (or $MAGIC) */
	struct prune_policy prune;
	bool dry_run, yes, compress, force_open;
	/* The stacks (src/stack/): json --backtrace, the time limit per core, the sysroot. */
	bool backtrace;
	bool has_backtrace_timeout;
	double backtrace_timeout;
	const char *sysroot;
	char **paths;
	size_t npaths;
};

/* options.c: returns -1 to go on with c->verb, else the exit status (after --help, --version
 * or a usage error, which it prints). */
int cli_parse(struct cli *c, int argc, char **argv);
void cli_free(struct cli *c);

/* scanning.c: what the verbs share: the operands ("." when there are none), and for the
 * reports, the operands scanned into an index, sorted, the dumps of one crash linked, and
 * the report over them. */
char *const *cli_paths(const struct cli *c, size_t *n);
struct cli_scan {
	struct index ix;
	struct scan *scan;
	struct report rep;
	struct sbuf tmp;
	struct import imp;   /* --import: the hosts read */
	unsigned san_flags;  /* SAN_ASCII outside UTF-8 locales */
	bool operand_error;  /* an operand could not be scanned: exit status 2 */
};
/* Scan (or with --import, read the documents); each operand that cannot be scanned or read
 * gets an error line.  Returns the number of roots scanned (documents read). */
size_t cli_scan(const struct cli *c, struct cli_scan *s);
/* The exit status: rc, or 2 after an operand error or a failed write to stdout; frees s. */
int cli_scan_finish(struct cli_scan *s, int rc);
/* Whether the scan could not read the FILE operand r (its error line is already out). */
bool cli_root_failed(const struct index *ix, const struct scan_root *r);
unsigned cli_san_flags(void);
/* How to read the stacks of a core: --backtrace-timeout (default STACK_TIMEOUT_DEFAULT) and
 * --sysroot; both kinds of stack.  A timeout of 0 turns the reading off. */
struct stack_opts;
void cli_stack_opts(const struct cli *c, struct stack_opts *o);

/* One file each: the verbs' run functions. */
int cmd_browse(struct cli *c);
int cmd_list(struct cli *c);
int cmd_json(struct cli *c);
int cmd_info(struct cli *c);
int cmd_prune(struct cli *c);
/* cmd_prune.c: an append-only file we write as root (--log's journal, watch's --events):
 * delete_journal_open, so never through a symbolic link and only a regular file; NULL after
 * an error line that names `what` and the file. */
FILE *cli_journal_open(const char *what, const char *path, unsigned san_flags);
int cmd_doctor(struct cli *c);
int cmd_metrics(struct cli *c);
int cmd_watch(struct cli *c);

#endif
