/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options: the verb table and the option table, and everything they drive: getopt's
 * arguments, --help, and the usage errors (an option given with a verb it does not go with,
 * a verb without the operand it needs). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/fmt.h"
#include "base/when.h"
#include "cli.h"
#include "output/report_metrics.h"

/* ---- verbs ------------------------------------------------------------------------------ */

static const struct verb verbs[] = {
	{NULL, VERB_DEFAULT, "(none)", "the interactive browser on a terminal; the list report when\n"
	 "stdin or stdout is not a terminal, or with --batch.  Keys: ? lists\n"
	 "them; t shows where the dumps are (as ncdu), o the largest other dirs", NULL, SORT_DISK, false, false},
	{"list", VERB_LIST, "", "a table of dumps and a totals line", NULL, SORT_DISK, false, false},
	{"json", VERB_JSON, "", "one JSON document: scan totals, every dump, errors", NULL,
	 SORT_DISK, false, true},
	{"info", VERB_INFO, "FILE..", "every field of the given dumps, mapped files included",
	 "info needs at least one FILE", SORT_PATH, true, true},
	{"prune", VERB_PRUNE, "PATH..", "delete (or --compress) dumps chosen by policy; prints the plan",
	 "prune needs at least one PATH (it deletes: say where)", SORT_DISK, false, false},
	{"doctor", VERB_DOCTOR, "", "why dumps keep appearing and how to stop them: kernel settings,\n"
	 "processes that can dump, dump groups with cause, cadence and\n"
	 "growth, hints, and the fix for this environment", NULL, SORT_DISK, false, false},
	{"metrics", VERB_METRICS, "", "the dumps as Prometheus/OpenMetrics text (node_exporter's\n"
	 "textfile collector) or CloudWatch EMF lines", NULL, SORT_DISK, false, false},
	{"watch", VERB_WATCH, "PATH..", "scan, then follow the trees (inotify): an event line per new\n"
	 "dump, metrics kept current, and prune's policy applied\ncontinuously",
	 "watch needs at least one PATH to follow", SORT_DISK, false, false},
};

/* ---- options ---------------------------------------------------------------------------- */

enum { OPT_EXCLUDE = 256, OPT_SI, OPT_SORT, OPT_REVERSE, OPT_NO_LEGEND, OPT_BATCH, OPT_TERM,
       OPT_ASCII, OPT_NO_COLOR, OPT_LOG, OPT_PROC, OPT_OLDER, OPT_KEEP, OPT_PER, OPT_MAX_TOTAL,
       OPT_MIN_SIZE, OPT_MATCH, OPT_COMPRESS, OPT_DRY_RUN, OPT_JSON, OPT_CRASHES, OPT_ALL,
       OPT_MAGIC, OPT_IMPORT, OPT_EVENTS, OPT_METRICS, OPT_FORMAT, OPT_METRICS_INTERVAL,
       OPT_RESCAN_INTERVAL, OPT_SETTLE, OPT_PRUNE, OPT_CONFIG, OPT_BACKTRACE, OPT_BACKTRACE_TIMEOUT,
       OPT_SYSROOT, OPT_FORCE_OPEN,
       OPT_ENV, OPT_SNIFF_ALL };

enum section { SEC_GENERAL, SEC_PRUNE, SEC_DOCTOR, SEC_WATCH, SEC_BROWSER, SEC_STACKS };
static const char *const section_titles[] = {
	[SEC_GENERAL] = "Options:",
	[SEC_PRUNE] = "Prune (a dump goes if any limit given needs it gone; with none, all that match):",
	[SEC_DOCTOR] = "Doctor:",
	[SEC_WATCH] = "Watch and metrics:",
	[SEC_BROWSER] = "Browser:",
	[SEC_STACKS] = "Stacks (info, the browser's inspect, json --backtrace, the doctor's hints):",
};

struct opt {
	const char *name;   /* the long option */
	int key;            /* its short letter, or an OPT_* */
	const char *arg;    /* the argument's name in --help; NULL: takes none */
	unsigned verbs;     /* VERB_BIT()s of the verbs it goes with */
	enum section section;
	/* Apply it: returns -1 to go on, or an exit status (after --help, or an error). */
	int (*set)(struct cli *c, const struct opt *o, const char *arg);
	size_t field;       /* set_flag, set_string: the member of struct cli */
	int requires;       /* the key of an option that must be given too; 0: none */
	const char *note;   /* added to the error when used with another verb */
	const char *help;   /* lines separated by '\n' */
};

#define FIELD(m) offsetof(struct cli, m)
#define PRUNE VERB_BIT(VERB_PRUNE)
#define DOCTOR VERB_BIT(VERB_DOCTOR)
#define WATCH VERB_BIT(VERB_WATCH)
#define METRICS VERB_BIT(VERB_METRICS)
#define POLICY (PRUNE | WATCH)
#define INFO VERB_BIT(VERB_INFO)
#define STACKS (VERB_BIT(VERB_DEFAULT) | VERB_BIT(VERB_JSON) | VERB_BIT(VERB_INFO) | DOCTOR)

static int set_flag(struct cli *c, const struct opt *o, const char *arg);
static int set_string(struct cli *c, const struct opt *o, const char *arg);
static int set_exclude(struct cli *c, const struct opt *o, const char *arg);
static int set_time(struct cli *c, const struct opt *o, const char *arg);
static int set_sort(struct cli *c, const struct opt *o, const char *arg);
static int set_threads(struct cli *c, const struct opt *o, const char *arg);
static int set_number(struct cli *c, const struct opt *o, const char *arg);
static int set_size(struct cli *c, const struct opt *o, const char *arg);
static int set_per(struct cli *c, const struct opt *o, const char *arg);
static int set_older(struct cli *c, const struct opt *o, const char *arg);
static int set_format(struct cli *c, const struct opt *o, const char *arg);
static int set_seconds(struct cli *c, const struct opt *o, const char *arg);
static int set_timeout(struct cli *c, const struct opt *o, const char *arg);
static int show_help(struct cli *c, const struct opt *o, const char *arg);
static int show_version(struct cli *c, const struct opt *o, const char *arg);

/* In --help's order.  (-h and -V sit with the general options, as in the manual.) */
static const struct opt opts[] = {
	{"one-file-system", 'x', NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(scan.one_file_system),
	 0, NULL, "stay on the file system of each PATH"},
	{"sniff-all", OPT_SNIFF_ALL, NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(scan.sniff_all),
	 0, NULL, "check every file by content; by default one under\n4 KiB only if named or placed "
	 "as a dump (core.*,\n*.dmp, /var/crash/...)"},
	{"exclude", OPT_EXCLUDE, "GLOB", VERB_ALL, SEC_GENERAL, set_exclude, 0, 0, NULL,
	 "skip entries matching GLOB (repeatable); a GLOB\nwith '/' is matched against the absolute path"},
	{"since", 'S', "TIME", VERB_ALL, SEC_GENERAL, set_time, 0, 0, NULL,
	 "only dumps written at or after TIME"},
	{"until", 'U', "TIME", VERB_ALL, SEC_GENERAL, set_time, 0, 0, NULL,
	 "only dumps written at or before TIME\nTIME: 2026-11-24, '2026-11-24 10:00', @EPOCH,\n"
	 "2h, 3d, 1h30m (that long ago), today, yesterday"},
	{"sort", OPT_SORT, "KEY", VERB_ALL, SEC_GENERAL, set_sort, 0, 0, NULL,
	 "disk (default), size, time, pid, command,\nsignal or path"},
	{"reverse", OPT_REVERSE, NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(reverse), 0, NULL,
	 "reverse the sort order"},
	{"no-legend", OPT_NO_LEGEND, NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(no_legend), 0,
	 NULL, "list: no header and no totals line"},
	{"si", OPT_SI, NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(si), 0, NULL,
	 "sizes in powers of 1000 (kB, MB) not 1024"},
	{"magic", OPT_MAGIC, "FILE", VERB_ALL, SEC_GENERAL, set_string, FIELD(magic), 0, NULL,
	 "libmagic database for descriptions, instead of the\nsystem's (or $MAGIC); coredu's own is used too"},
	{"threads", 'j', "N", VERB_ALL, SEC_GENERAL, set_threads, 0, 0, NULL,
	 "directories read in parallel (default: 16, or the\nCPUs up to 32; at most 64)"},
	{"read-only", 'r', NULL, VERB_ALL, SEC_GENERAL, set_flag, FIELD(read_only), 0, NULL,
	 "never delete or compress anything"},
	{"log", OPT_LOG, "FILE", VERB_ALL, SEC_GENERAL, set_string, FIELD(log_path), 0, NULL,
	 "append the deletion journal to FILE (default: stderr)"},
	{"json", OPT_JSON, NULL, PRUNE | DOCTOR, SEC_GENERAL, set_flag, FIELD(json), 0,
	 " (for the dump list: coredu json)", "prune, doctor: JSON instead of text"},
	{"import", OPT_IMPORT, NULL, VERB_BIT(VERB_DEFAULT) | VERB_BIT(VERB_LIST), SEC_GENERAL,
	 set_flag, FIELD(import), 0, NULL,
	 "the operands are `coredu json` documents (- for\nstandard input) from many hosts: browse or list\n"
	 "them together, read-only"},
	{"env", OPT_ENV, NULL, INFO, SEC_GENERAL, set_flag, FIELD(env), 0, NULL,
	 "info: every environment variable's value (they may\nhold secrets; by default only an "
	 "allow-list's)"},
	{"help", 'h', NULL, VERB_ALL, SEC_GENERAL, show_help, 0, 0, NULL, "show this help and exit"},
	{"version", 'V', NULL, VERB_ALL, SEC_GENERAL, show_version, 0, 0, NULL,
	 "show the version and exit"},

	{"older-than", OPT_OLDER, "AGE", POLICY, SEC_PRUNE, set_older, 0, 0, NULL,
	 "dumps written more than AGE ago (90min, 12h, 3d, 2w)"},
	{"keep-newest", OPT_KEEP, "N", POLICY, SEC_PRUNE, set_number, 0, 0, NULL,
	 "all but the N newest..."},
	{"per", OPT_PER, "KEY", POLICY, SEC_PRUNE, set_per, 0, OPT_KEEP, NULL,
	 "...of each program, signal or dir"},
	{"max-total", OPT_MAX_TOTAL, "SIZE", POLICY, SEC_PRUNE, set_size, 0, 0, NULL,
	 "the oldest, until the rest fit in SIZE (500M, 2G)"},
	{"min-size", OPT_MIN_SIZE, "SIZE", POLICY, SEC_PRUNE, set_size, 0, 0, NULL,
	 "only dumps taking at least SIZE on disk"},
	{"match", OPT_MATCH, "TEXT", POLICY, SEC_PRUNE, set_string, FIELD(prune.match), 0, NULL,
	 "only dumps whose command, path or signal contain TEXT"},
	{"compress", OPT_COMPRESS, NULL, POLICY, SEC_PRUNE, set_flag, FIELD(compress), 0, NULL,
	 "write NAME.zst, check it, then delete the original"},
	{"dry-run", OPT_DRY_RUN, NULL, PRUNE, SEC_PRUNE, set_flag, FIELD(dry_run), 0, NULL,
	 "print the plan, change nothing"},
	{"yes", 'y', NULL, PRUNE, SEC_PRUNE, set_flag, FIELD(yes), 0, NULL,
	 "do not ask (required when not on a terminal); dumps\nheld open are still left alone"},
	{"force-open", OPT_FORCE_OPEN, NULL, PRUNE, SEC_PRUNE, set_flag, FIELD(force_open), 0, NULL,
	 "with --yes, delete or compress dumps held open or\nbeing written too (what is written later is lost)"},

	{"crashes", OPT_CRASHES, "N", DOCTOR, SEC_DOCTOR, set_number, 0, 0, NULL,
	 "flag processes whose next N cores would fill the\nfile system they go to (default: 10)"},
	{"all", OPT_ALL, NULL, DOCTOR, SEC_DOCTOR, set_flag, FIELD(all_processes), 0, NULL,
	 "list every process that can dump, not the ten largest"},
	{"proc", OPT_PROC, "DIR", VERB_ALL, SEC_DOCTOR, set_string, FIELD(proc), 0, NULL,
	 "read processes and kernel settings from DIR, not /proc"},

	{"events", OPT_EVENTS, "FILE", WATCH, SEC_WATCH, set_string, FIELD(events), 0, NULL,
	 "watch: event lines to FILE (default -: stdout)"},
	{"metrics", OPT_METRICS, "FILE", WATCH, SEC_WATCH, set_string, FIELD(metrics), 0, NULL,
	 "watch: keep metrics in FILE (replaced whole; EMF:\nappended), or - for stdout"},
	{"output", 'o', "FILE", METRICS, SEC_WATCH, set_string, FIELD(output), 0, NULL,
	 "metrics: write FILE (replaced whole) not stdout"},
	{"format", OPT_FORMAT, "FMT", METRICS | WATCH, SEC_WATCH, set_format, 0, 0, NULL,
	 "prometheus (default), openmetrics or emf\n(CloudWatch Embedded Metric Format)"},
	{"metrics-interval", OPT_METRICS_INTERVAL, "S", WATCH, SEC_WATCH, set_seconds, 0, 0, NULL,
	 "watch: metrics at least every S seconds (60)"},
	{"rescan-interval", OPT_RESCAN_INTERVAL, "S", WATCH, SEC_WATCH, set_seconds, 0, 0, NULL,
	 "watch: unwatched directories rescanned and the\npolicy re-applied every S seconds (300)"},
	{"settle", OPT_SETTLE, "S", WATCH, SEC_WATCH, set_seconds, 0, 0, NULL,
	 "watch: a dump unchanged for S seconds is complete\neven if not closed or short (5)"},
	{"prune", OPT_PRUNE, NULL, WATCH, SEC_WATCH, set_flag, FIELD(prune_on), 0, NULL,
	 "watch: apply the prune options above continuously"},
	{"config", OPT_CONFIG, "FILE", WATCH, SEC_WATCH, set_string, FIELD(config), 0, NULL,
	 "watch: more options, one per line (keep-newest=5);\nread again on SIGHUP"},

	{"batch", OPT_BATCH, NULL, VERB_ALL, SEC_BROWSER, set_flag, FIELD(batch), 0, NULL,
	 "never open the browser: print the list report"},
	{"term", OPT_TERM, "NAME", VERB_ALL, SEC_BROWSER, set_string, FIELD(term), 0, NULL,
	 "terminal type to use instead of $TERM"},
	{"ascii", OPT_ASCII, NULL, VERB_ALL, SEC_BROWSER, set_flag, FIELD(ascii), 0, NULL,
	 "ASCII drawing only (the default outside UTF-8 locales)"},
	{"no-color", OPT_NO_COLOR, NULL, VERB_ALL, SEC_BROWSER, set_flag, FIELD(no_color), 0, NULL,
	 "no colours (also when NO_COLOR is set)"},

	{"backtrace", OPT_BACKTRACE, NULL, VERB_BIT(VERB_JSON), SEC_STACKS, set_flag,
	 FIELD(backtrace), 0, " (info and the browser's inspect always read them)",
	 "json: also each core's native backtrace and\nPython stack (backtrace, python_stack)"},
	{"backtrace-timeout", OPT_BACKTRACE_TIMEOUT, "SEC", STACKS, SEC_STACKS, set_timeout, 0, 0,
	 NULL, "time limit to read one core's stacks\n(default 2; 0: do not read them)"},
	{"sysroot", OPT_SYSROOT, "DIR", STACKS, SEC_STACKS, set_string, FIELD(sysroot), 0, NULL,
	 "look the files a core maps up under DIR (a\ncontainer's root, /proc/PID/root), not /"},
};
_Static_assert(ARRAY_SIZE(opts) <= 64, "options are tracked in a 64-bit set");

/* ---- errors ----------------------------------------------------------------------------- */

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("coredu: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'coredu --help' for more information.\n", stderr);
	return 2;
}

static int bad_value(const struct opt *o, const char *value, const char *want)
{
	return usage_error("invalid value '%s' for --%s: expected %s", value, o->name, want);
}

/* ---- setters ---------------------------------------------------------------------------- */

static int set_flag(struct cli *c, const struct opt *o, const char *arg)
{
	(void)arg;
	*(bool *)((char *)c + o->field) = true;
	return -1;
}

static int set_string(struct cli *c, const struct opt *o, const char *arg)
{
	*(const char **)((char *)c + o->field) = arg;
	return -1;
}

static int set_exclude(struct cli *c, const struct opt *o, const char *arg)
{
	(void)o;
	c->excludes = xrealloc(c->excludes, (c->nexcludes + 1) * sizeof(char *));
	c->excludes[c->nexcludes++] = arg;
	return -1;
}

static int set_time(struct cli *c, const struct opt *o, const char *arg)
{
	int64_t t;
	if (when_parse(arg, (int64_t)time(NULL), &t) != 0)
		return usage_error("invalid time '%s' for --%s", arg, o->name);
	if (o->key == 'S')
		c->has_since = true, c->since = t;
	else
		c->has_until = true, c->until = t;
	return -1;
}

static int set_sort(struct cli *c, const struct opt *o, const char *arg)
{
	(void)o;
	c->sort = index_sort_parse(arg);
	if (c->sort < 0)
		return usage_error("invalid sort key '%s' (use disk, size, time, pid, command, signal "
				   "or path)", arg);
	return -1;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static int set_threads(struct cli *c, const struct opt *o, const char *arg)
{
	(void)o;
	unsigned long n;
	if (!parse_uint(arg, 64, &n) || n == 0)
		return usage_error("invalid thread count '%s'", arg);
	c->scan.threads = (unsigned)n;
	return -1;
}

/* --keep-newest (any count) and --crashes (at least 1). */
static int set_number(struct cli *c, const struct opt *o, const char *arg)
{
	unsigned long n;
	if (o->key == OPT_KEEP) {
		if (!parse_uint(arg, 1000000000, &n))
			return bad_value(o, arg, "a count");
		c->prune.has_keep = true;
		c->prune.keep = n;
		return -1;
	}
	if (!parse_uint(arg, 1000000, &n) || n == 0)
		return bad_value(o, arg, "a count of at least 1");
	c->crashes = (unsigned)n;
	return -1;
}

/* --max-total and --min-size. */
static int set_size(struct cli *c, const struct opt *o, const char *arg)
{
	bool max = o->key == OPT_MAX_TOTAL;
	if (fmt_parse_size(arg, max ? &c->prune.max_total : &c->prune.min_size) != 0)
		return bad_value(o, arg, max ? "a size like 500M or 2G" : "a size like 100M");
	*(max ? &c->prune.has_max : &c->prune.has_min) = true;
	return -1;
}

static int set_per(struct cli *c, const struct opt *o, const char *arg)
{
	int per = prune_parse_per(arg);
	if (per < 0)
		return bad_value(o, arg, "program, signal or dir");
	c->prune.per = (enum prune_per)per;
	return -1;
}

static int set_older(struct cli *c, const struct opt *o, const char *arg)
{
	if (when_parse_age(arg, &c->prune.older_secs) != 0)
		return bad_value(o, arg, "an age like 90min, 12h, 3d or 2w");
	c->prune.has_older = true;
	return -1;
}

static int set_format(struct cli *c, const struct opt *o, const char *arg)
{
	c->metrics_format = report_metrics_format_parse(arg);
	if (c->metrics_format < 0)
		return bad_value(o, arg, "prometheus, openmetrics or emf");
	return -1;
}

/* Seconds, fractions allowed, from min to max: false when arg is not one. */
static bool parse_seconds(const char *arg, double min, double max, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(arg, &end);
	return !errno && end != arg && !*end && *v >= min && *v <= max;
}

/* --metrics-interval, --rescan-interval, --settle. */
static int set_seconds(struct cli *c, const struct opt *o, const char *arg)
{
	double v;
	if (!parse_seconds(arg, 0.01, 86400 * 7, &v))
		return bad_value(o, arg, "seconds, from 0.01 to 604800");
	*(o->key == OPT_SETTLE ? &c->settle : o->key == OPT_METRICS_INTERVAL ? &c->metrics_interval
									     : &c->rescan_interval) = v;
	return -1;
}

static int set_timeout(struct cli *c, const struct opt *o, const char *arg)
{
	double v;
	if (!parse_seconds(arg, 0, 3600, &v))
		return bad_value(o, arg, "seconds from 0 to 3600, like 2 or 0.5");
	c->has_backtrace_timeout = true;
	c->backtrace_timeout = v;
	return -1;
}

/* ---- help ------------------------------------------------------------------------------- */

/* Text in a column from `col`: the first line after `used` columns (on the next line when
 * they reach the column), the rest indented. */
static void print_column(const char *text, int used, int col)
{
	if (used >= col) { /* a long option: its help on the next line, as GNU tools do */
		putchar('\n');
		used = 0;
	}
	for (const char *line = text; line;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);
		printf("%*s%.*s\n", col - used, "", len, line);
		used = 0;
		line = nl ? nl + 1 : NULL;
	}
}

static void print_options(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt *o = &opts[i];
		if (i == 0 || o->section != opts[i - 1].section)
			printf("%s%s\n", i ? "\n" : "", section_titles[o->section]);
		char name[40];
		snprintf(name, sizeof(name), "--%s%s%s", o->name, o->arg ? "=" : "", o->arg ? o->arg : "");
		int used = printf("  %c%c%c %-17s", o->key < 256 ? '-' : ' ', o->key < 256 ? o->key : ' ',
				  o->key < 256 ? ',' : ' ', name);
		print_column(o->help, used, 25);
	}
}

static int show_help(struct cli *c, const struct opt *o, const char *arg)
{
	(void)c, (void)o, (void)arg;
	fputs("Usage: coredu [VERB] [OPTION]... [PATH]...\n"
	      "Find crash dumps under each PATH (default: .) by their content, read their\n"
	      "metadata, and browse or report them.  Kinds: ELF cores (kernel, qemu-user,\n"
	      "gdb gcore), systemd-coredump's (zstd, xz, lz4) and its .#core temporaries,\n"
	      "Apport reports, ABRT problem directories, kernel vmcores and kdump files, JVM\n"
	      "hs_err logs and heap dumps, Breakpad/Crashpad minidumps.\n\nVerbs:\n", stdout);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		char name[24];
		snprintf(name, sizeof(name), "%s%s%s", verbs[i].name ? verbs[i].name : "",
			 verbs[i].name && *verbs[i].operands ? " " : "", verbs[i].operands);
		print_column(verbs[i].help, printf("  %s", name), 16);
	}
	putchar('\n');
	print_options();
	fputs("\nSymbolic links are never followed below a PATH; FIFOs, sockets and devices\n"
	      "are never opened; /proc, /sys and other kernel file systems are skipped.\n"
	      "\n"
	      "Exit status: 0 if dumps were found, 1 if none were, 2 on an error such as a\n"
	      "missing PATH or a bad option; prune: 0 all done, 1 nothing matched, 2 error,\n"
	      "3 some could not be deleted; doctor: 0 nothing needs attention, 4 it found\n"
	      "something to fix (dumps, or a process at risk), 2 error.  SIGINT, SIGTERM\n"
	      "or SIGHUP stop prune and the browser after the dump in hand, leaving no\n"
	      "temporary file; coredu then dies of the signal (128+N in a shell).\n",
	      stdout);
	return 0;
}

static int show_version(struct cli *c, const struct opt *o, const char *arg)
{
	(void)c, (void)o, (void)arg;
	printf("coredu %s\n", PACKAGE_VERSION);
	return 0;
}

/* ---- parsing ---------------------------------------------------------------------------- */

static void getopt_tables(struct option *longopts, char *shortopts)
{
	size_t k = 0;
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		longopts[i] = (struct option){opts[i].name, opts[i].arg ? required_argument : no_argument,
					      NULL, opts[i].key};
		if (opts[i].key < 256) {
			shortopts[k++] = (char)opts[i].key;
			if (opts[i].arg)
				shortopts[k++] = ':';
		}
	}
	longopts[ARRAY_SIZE(opts)] = (struct option){NULL, 0, NULL, 0};
	shortopts[k] = '\0';
}

static const struct opt *opt_by_key(int key)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].key == key)
			return &opts[i];
	return NULL;
}

/* "prune", "prune or doctor". */
static void verb_names(unsigned set, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (verbs[i].name && (set & VERB_BIT(verbs[i].id)))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " or " : "",
				 verbs[i].name);
}

/* The verb's operand, the verbs each option goes with, the options that need another. */
static int check_rules(const struct cli *c, uint64_t seen)
{
	if (c->verb->needs && c->npaths == 0)
		return usage_error("%s", c->verb->needs);
	if (c->import && c->npaths == 0)
		return usage_error("--import needs at least one FILE.json (- for standard input)");
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
		const struct opt *o = &opts[i];
		if (!(seen & (UINT64_C(1) << i)))
			continue;
		if (!(o->verbs & VERB_BIT(c->verb->id))) {
			char names[64];
			verb_names(o->verbs, names, sizeof(names));
			return usage_error("--%s goes with %s%s", o->name, names, o->note ? o->note : "");
		}
		if (o->requires && !(seen & (UINT64_C(1) << (opt_by_key(o->requires) - opts))))
			return usage_error("--%s goes with --%s", o->name, opt_by_key(o->requires)->name);
	}
	return -1;
}

int cli_parse(struct cli *c, int argc, char **argv)
{
	struct option longopts[ARRAY_SIZE(opts) + 1];
	char shortopts[2 * ARRAY_SIZE(opts) + 1];
	getopt_tables(longopts, shortopts);
	c->sort = -1;
	c->argc = argc;
	c->argv = argv;
	optind = 0; /* parsed again when watch reloads its configuration */
	uint64_t seen = 0;
	int key;
	while ((key = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct opt *o = opt_by_key(key);
		if (!o) { /* getopt has said what is wrong */
			fputs("Try 'coredu --help' for more information.\n", stderr);
			return 2;
		}
		int rc = o->set(c, o, optarg);
		if (rc >= 0)
			return rc;
		seen |= UINT64_C(1) << (o - opts);
	}
	c->scan.excludes = c->excludes;
	c->scan.nexcludes = c->nexcludes;
	/* The first operand may name a verb; a directory called "list" is "./list". */
	c->verb = &verbs[0];
	for (size_t k = 1; optind < argc && k < ARRAY_SIZE(verbs); k++) {
		if (strcmp(argv[optind], verbs[k].name) == 0) {
			c->verb = &verbs[k];
			optind++;
			break;
		}
	}
	c->paths = argv + optind;
	c->npaths = (size_t)(argc - optind);
	return check_rules(c, seen);
}

void cli_free(struct cli *c)
{
	free(c->excludes);
}
