/* coredu: find crash dumps by content, read their metadata, report them. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <libelf.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cmd_doctor.h"
#include "cmd_prune.h"
#include "base/fmt.h"
#include "model/index.h"
#include "ui/ui.h"
#include "kinds/mdesc.h"
#include "output/report.h"
#include "base/sanitize.h"
#include "scan/scan.h"
#include "base/stopsig.h"
#include "base/when.h"

enum verb { VERB_DEFAULT, VERB_LIST, VERB_JSON, VERB_INFO, VERB_PRUNE, VERB_DOCTOR };

struct cli {
	enum verb verb;
	struct scan_opts scan;
	const char **excludes;
	size_t nexcludes;
	bool si, reverse, legend;
	int sort; /* enum index_sort, or -1 for the verb's default */
	bool has_since, has_until;
	int64_t since, until;
	bool batch, ascii, no_color, read_only, json;
	bool all_processes;
	unsigned crashes;
	const char *term;
	const char *log_path;
	const char *proc;
	const char *magic; /* --magic FILE, NULL: the system's (or $MAGIC) */
	struct prune_cmd prune;
	bool has_per;
	char **paths;
	size_t npaths;
};

/* What the scan sink needs: the index to fill and how to word errors. */
struct run {
	struct index ix;
	unsigned san_flags;
	struct sbuf tmp;
};

static void usage_hint(void)
{
	fprintf(stderr, "Try 'coredu --help' for more information.\n");
}

static void print_help(void)
{
	fputs("Usage: coredu [VERB] [OPTION]... [PATH]...\n"
	      "Find crash dumps under each PATH (default: .) by their content, read their\n"
	      "metadata, and browse or report them.  Kinds: ELF cores (kernel, qemu-user,\n"
	      "gdb gcore), systemd-coredump's (zstd, xz, lz4) and its .#core temporaries,\n"
	      "Apport reports, ABRT problem directories, kernel vmcores and kdump files, JVM\n"
	      "hs_err logs and heap dumps, Breakpad/Crashpad minidumps.\n"
	      "\n"
	      "Verbs:\n"
	      "  (none)      the interactive browser on a terminal; the list report when\n"
	      "              stdin or stdout is not a terminal, or with --batch\n"
	      "  list        a table of dumps and a totals line\n"
	      "  json        one JSON document: scan totals, every dump, errors\n"
	      "  info FILE.. every field of the given dumps, mapped files included\n"
	      "  prune PATH..  delete (or --compress) dumps chosen by policy; prints the plan\n"
	      "  doctor      why dumps keep appearing and how to stop them: kernel settings,\n"
	      "              processes that can dump, dump groups with cause, cadence and\n"
	      "              growth, hints, and the fix for this environment\n"
	      "\n"
	      "Options:\n"
	      "  -x, --one-file-system  stay on the file system of each PATH\n"
	      "      --exclude=GLOB     skip entries matching GLOB (repeatable); a GLOB\n"
	      "                         with '/' is matched against the absolute path\n"
	      "  -S, --since=TIME       only dumps written at or after TIME\n"
	      "  -U, --until=TIME       only dumps written at or before TIME\n"
	      "                         TIME: 2026-11-24, '2026-11-24 10:00', @EPOCH,\n"
	      "                         2h, 3d, 1h30m (that long ago), today, yesterday\n"
	      "      --sort=KEY         disk (default), size, time, pid, command,\n"
	      "                         signal or path\n"
	      "      --reverse          reverse the sort order\n"
	      "      --no-legend        list: no header and no totals line\n"
	      "      --si               sizes in powers of 1000 (kB, MB) not 1024\n"
	      "      --magic=FILE       libmagic database for descriptions, instead of the\n"
	      "                         system's (or $MAGIC); coredu's own is used too\n"
	      "  -j, --threads=N        directories read in parallel (default: CPUs, max 8)\n"
	      "  -r, --read-only        never delete or compress anything\n"
	      "      --log=FILE         append the deletion journal to FILE (default: stderr)\n"
	      "      --json             prune, doctor: JSON instead of text\n"
	      "\n"
	      "Prune (a dump goes if any limit given needs it gone; with none, all that match):\n"
	      "      --older-than=AGE   dumps written more than AGE ago (90min, 12h, 3d, 2w)\n"
	      "      --keep-newest=N    all but the N newest...\n"
	      "      --per=KEY          ...of each program, signal or dir\n"
	      "      --max-total=SIZE   the oldest, until the rest fit in SIZE (500M, 2G)\n"
	      "      --min-size=SIZE    only dumps taking at least SIZE on disk\n"
	      "      --match=TEXT       only dumps whose command, path or signal contain TEXT\n"
	      "      --compress         write NAME.zst, check it, then delete the original\n"
	      "      --dry-run          print the plan, change nothing\n"
	      "  -y, --yes              do not ask (required when not on a terminal)\n"
	      "\n"
	      "Doctor:\n"
	      "      --crashes=N        flag processes whose next N cores would fill the\n"
	      "                         file system they go to (default: 10)\n"
	      "      --all              list every process that can dump, not the ten largest\n"
	      "      --proc=DIR         read processes and kernel settings from DIR, not /proc\n"
	      "\n"
	      "Browser:\n"
	      "      --batch            never open the browser: print the list report\n"
	      "      --term=NAME        terminal type to use instead of $TERM\n"
	      "      --ascii            ASCII drawing only (the default outside UTF-8 locales)\n"
	      "      --no-color         no colours (also when NO_COLOR is set)\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Symbolic links are never followed below a PATH; FIFOs, sockets and devices\n"
	      "are never opened; /proc, /sys and other kernel file systems are skipped.\n"
	      "\n"
	      "Exit status: 0 if dumps were found, 1 if none were, 2 on an error such as a\n"
	      "missing PATH or a bad option; prune: 0 all done, 1 nothing matched, 2 error,\n"
	      "3 some could not be deleted; doctor: 0 nothing needs attention, 4 it found\n"
	      "something to fix (dumps, or a process at risk), 2 error.  SIGINT, SIGTERM\n"
	      "or SIGHUP stop prune and the browser after the dump in hand, leaving no\n"
	      "temporary file; coredu then dies of the signal (128+N in a shell).\n",
	      stdout);
}

static void print_version(void)
{
	printf("coredu %s\n", PACKAGE_VERSION);
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

enum { OPT_EXCLUDE = 256, OPT_SI, OPT_SORT, OPT_REVERSE, OPT_NO_LEGEND, OPT_BATCH, OPT_TERM,
       OPT_ASCII, OPT_NO_COLOR, OPT_LOG, OPT_PROC, OPT_OLDER, OPT_KEEP, OPT_PER, OPT_MAX_TOTAL,
       OPT_MIN_SIZE, OPT_MATCH, OPT_COMPRESS, OPT_DRY_RUN, OPT_JSON, OPT_CRASHES, OPT_ALL,
       OPT_MAGIC };

static int bad_value(const char *opt, const char *value, const char *want)
{
	fprintf(stderr, "coredu: invalid value '%s' for %s: expected %s\n", value, opt, want);
	usage_hint();
	return 2;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"one-file-system", no_argument, NULL, 'x'},
		{"exclude", required_argument, NULL, OPT_EXCLUDE},
		{"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'},
		{"sort", required_argument, NULL, OPT_SORT},
		{"reverse", no_argument, NULL, OPT_REVERSE},
		{"no-legend", no_argument, NULL, OPT_NO_LEGEND},
		{"si", no_argument, NULL, OPT_SI},
		{"threads", required_argument, NULL, 'j'},
		{"batch", no_argument, NULL, OPT_BATCH},
		{"term", required_argument, NULL, OPT_TERM},
		{"ascii", no_argument, NULL, OPT_ASCII},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"read-only", no_argument, NULL, 'r'},
		{"log", required_argument, NULL, OPT_LOG},
		{"proc", required_argument, NULL, OPT_PROC},
		{"older-than", required_argument, NULL, OPT_OLDER},
		{"keep-newest", required_argument, NULL, OPT_KEEP},
		{"per", required_argument, NULL, OPT_PER},
		{"max-total", required_argument, NULL, OPT_MAX_TOTAL},
		{"min-size", required_argument, NULL, OPT_MIN_SIZE},
		{"match", required_argument, NULL, OPT_MATCH},
		{"compress", no_argument, NULL, OPT_COMPRESS},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"yes", no_argument, NULL, 'y'},
		{"json", no_argument, NULL, OPT_JSON},
		{"crashes", required_argument, NULL, OPT_CRASHES},
		{"all", no_argument, NULL, OPT_ALL},
		{"magic", required_argument, NULL, OPT_MAGIC},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int64_t now = (int64_t)time(NULL);
	int c;
	unsigned long n;

	cli->sort = -1;
	cli->legend = true;
	struct prune_policy *pp = &cli->prune.policy;
	while ((c = getopt_long(argc, argv, "xS:U:j:hVry", longopts, NULL)) != -1) {
		switch (c) {
		case 'x':
			cli->scan.one_file_system = true;
			break;
		case OPT_EXCLUDE:
			cli->excludes = xrealloc(cli->excludes, (cli->nexcludes + 1) * sizeof(char *));
			cli->excludes[cli->nexcludes++] = optarg;
			break;
		case 'S':
		case 'U': {
			int64_t t;
			if (when_parse(optarg, now, &t) != 0) {
				fprintf(stderr, "coredu: invalid time '%s' for --%s\n", optarg,
					c == 'S' ? "since" : "until");
				usage_hint();
				return 2;
			}
			if (c == 'S')
				cli->has_since = true, cli->since = t;
			else
				cli->has_until = true, cli->until = t;
			break;
		}
		case OPT_SORT:
			cli->sort = index_sort_parse(optarg);
			if (cli->sort < 0) {
				fprintf(stderr, "coredu: invalid sort key '%s' (use disk, size, time, pid, "
						"command, signal or path)\n", optarg);
				usage_hint();
				return 2;
			}
			break;
		case OPT_REVERSE:
			cli->reverse = true;
			break;
		case OPT_NO_LEGEND:
			cli->legend = false;
			break;
		case OPT_SI:
			cli->si = true;
			break;
		case OPT_BATCH:
			cli->batch = true;
			break;
		case OPT_TERM:
			cli->term = optarg;
			break;
		case OPT_ASCII:
			cli->ascii = true;
			break;
		case OPT_NO_COLOR:
			cli->no_color = true;
			break;
		case 'r':
			cli->read_only = true;
			break;
		case OPT_LOG:
			cli->log_path = optarg;
			break;
		case OPT_PROC:
			cli->proc = optarg;
			break;
		case OPT_OLDER:
			if (when_parse_age(optarg, &pp->older_secs) != 0)
				return bad_value("--older-than", optarg, "an age like 90min, 12h, 3d or 2w");
			pp->has_older = true;
			break;
		case OPT_KEEP:
			if (!parse_uint(optarg, 1000000000, &n))
				return bad_value("--keep-newest", optarg, "a count");
			pp->has_keep = true;
			pp->keep = n;
			break;
		case OPT_PER: {
			int per = prune_parse_per(optarg);
			if (per < 0)
				return bad_value("--per", optarg, "program, signal or dir");
			pp->per = (enum prune_per)per;
			cli->has_per = true;
			break;
		}
		case OPT_MAX_TOTAL:
			if (fmt_parse_size(optarg, &pp->max_total) != 0)
				return bad_value("--max-total", optarg, "a size like 500M or 2G");
			pp->has_max = true;
			break;
		case OPT_MIN_SIZE:
			if (fmt_parse_size(optarg, &pp->min_size) != 0)
				return bad_value("--min-size", optarg, "a size like 100M");
			pp->has_min = true;
			break;
		case OPT_MATCH:
			pp->match = optarg;
			break;
		case OPT_COMPRESS:
			cli->prune.compress = true;
			break;
		case OPT_DRY_RUN:
			cli->prune.dry_run = true;
			break;
		case 'y':
			cli->prune.yes = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_CRASHES:
			if (!parse_uint(optarg, 1000000, &n) || n == 0)
				return bad_value("--crashes", optarg, "a count of at least 1");
			cli->crashes = (unsigned)n;
			break;
		case OPT_ALL:
			cli->all_processes = true;
			break;
		case OPT_MAGIC:
			cli->magic = optarg;
			break;
		case 'j':
			if (!parse_uint(optarg, 64, &n) || n == 0) {
				fprintf(stderr, "coredu: invalid thread count '%s'\n", optarg);
				usage_hint();
				return 2;
			}
			cli->scan.threads = (unsigned)n;
			break;
		case 'h':
			print_help();
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			usage_hint();
			return 2;
		}
	}
	cli->scan.excludes = cli->excludes;
	cli->scan.nexcludes = cli->nexcludes;

	int i = optind;
	static const struct {
		const char *name;
		enum verb verb;
	} verbs[] = {{"list", VERB_LIST}, {"json", VERB_JSON}, {"info", VERB_INFO},
		     {"prune", VERB_PRUNE}, {"doctor", VERB_DOCTOR}};
	/* The first operand may name a verb; a directory called "list" is "./list". */
	if (i < argc) {
		for (size_t k = 0; k < ARRAY_SIZE(verbs); k++) {
			if (strcmp(argv[i], verbs[k].name) == 0) {
				cli->verb = verbs[k].verb;
				i++;
				break;
			}
		}
	}
	cli->paths = argv + i;
	cli->npaths = (size_t)(argc - i);
	if (cli->verb == VERB_INFO && cli->npaths == 0) {
		fprintf(stderr, "coredu: info needs at least one FILE\n");
		usage_hint();
		return 2;
	}
	if (cli->verb == VERB_PRUNE && cli->npaths == 0) {
		fprintf(stderr, "coredu: prune needs at least one PATH (it deletes: say where)\n");
		usage_hint();
		return 2;
	}
	if (cli->has_per && !pp->has_keep) {
		fprintf(stderr, "coredu: --per goes with --keep-newest\n");
		usage_hint();
		return 2;
	}
	bool prune_only = pp->has_older || pp->has_keep || pp->has_max || pp->has_min || pp->match ||
			  cli->prune.compress || cli->prune.dry_run || cli->prune.yes;
	if (prune_only && cli->verb != VERB_PRUNE) {
		fprintf(stderr, "coredu: prune options need the prune verb\n");
		usage_hint();
		return 2;
	}
	if ((cli->crashes || cli->all_processes) && cli->verb != VERB_DOCTOR) {
		fprintf(stderr, "coredu: --crashes and --all go with the doctor verb\n");
		usage_hint();
		return 2;
	}
	if (cli->json && cli->verb != VERB_PRUNE && cli->verb != VERB_DOCTOR) {
		fprintf(stderr, "coredu: --json goes with prune or doctor (for the dump list: coredu json)\n");
		usage_hint();
		return 2;
	}
	cli->prune.json = cli->json;
	return -1;
}

/* ---- scan sink ------------------------------------------------------------------------ */

static void sink_dump(void *ctx, struct dump *d)
{
	struct run *run = ctx;
	index_add(&run->ix, d);
}

static void sink_error(void *ctx, const char *path, const char *what, int err)
{
	struct run *run = ctx;
	char *msg = xasprintf("%s: %s", what, strerror(err));
	fprintf(stderr, "coredu: %s '%s': %s\n", what, san_str(&run->tmp, path, run->san_flags),
		strerror(err));
	index_add_error(&run->ix, path, msg);
	free(msg);
}

/* ---- process hygiene ------------------------------------------------------------------ */

/* A crash of coredu must never add a core next to the ones it reads, nor leak their bytes
 * through a core or ptrace. */
static void harden_process(void)
{
	struct rlimit zero = {0, 0};
	setrlimit(RLIMIT_CORE, &zero);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static unsigned locale_san_flags(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0) ? 0 : SAN_ASCII;
}

/* Whether the scan could not read the FILE operand r (its error line is already out). */
static bool file_root_failed(const struct index *ix, const struct scan_root *r)
{
	for (size_t k = 0; !r->is_dir && k < ix->nerrors; k++)
		if (strcmp(ix->errors[k].path, r->path) == 0)
			return true;
	return false;
}

/* A FILE operand of `info` that is not a dump gets a clear line, not silence. */
static void report_non_dumps(const struct scan *s, const struct index *ix, struct sbuf *tmp,
			     unsigned flags)
{
	for (size_t i = 0; i < scan_root_count(s); i++) {
		const struct scan_root *r = scan_get_root(s, i);
		if (r->is_dir || file_root_failed(ix, r))
			continue;
		bool found = false;
		for (size_t k = 0; k < ix->n && !found; k++)
			found = ix->v[k]->dev == r->dev && ix->v[k]->ino == r->ino;
		if (!found) {
			fprintf(stderr, "coredu: '%s': not a recognised dump\n",
				san_str(tmp, r->display, flags));
		}
	}
}

static int finish_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "coredu: write error: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

/* The browser, after checking the operands the way the reports do.  Returns an exit status,
 * or -1 when the terminal cannot host it: the caller prints the list report instead. */
static int browse(const struct cli *cli, char *const *paths, size_t npaths)
{
	struct scan_sink none = {0};
	struct scan *check = scan_new(&cli->scan, &none);
	struct sbuf tmp;
	sbuf_init(&tmp);
	bool operand_error = false;
	for (size_t i = 0; i < npaths; i++) {
		const char *why;
		if (scan_add_root(check, paths[i], &why) != 0) {
			fprintf(stderr, "coredu: cannot scan '%s': %s\n", san_str(&tmp, paths[i], SAN_ASCII),
				why);
			operand_error = true;
		}
	}
	size_t roots = scan_root_count(check);
	scan_free(check);
	sbuf_free(&tmp);
	if (roots == 0)
		return 2;

	struct ui_opts o = {
		.scan = cli->scan, .operands = paths, .noperands = npaths, .term = cli->term,
		.ascii = cli->ascii, .no_color = cli->no_color || (getenv("NO_COLOR") && *getenv("NO_COLOR")), .si = cli->si,
		.has_since = cli->has_since, .since = cli->since, .has_until = cli->has_until,
		.until = cli->until, .read_only = cli->read_only, .log_path = cli->log_path,
		.proc = cli->proc, .magic = cli->magic,
	};
	char why[256];
	if (ui_browse(&o, why, sizeof(why)) != 0) {
		fprintf(stderr, "coredu: %s; printing the list report instead\n", why);
		return -1;
	}
	return operand_error ? 2 : 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct run run;
	int rc;

	harden_process();
	setlocale(LC_ALL, "");
	memset(&cli, 0, sizeof(cli));
	if ((rc = parse_args(&cli, argc, argv)) >= 0) {
		free(cli.excludes);
		return rc;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "coredu: libelf is too old: %s\n", elf_errmsg(-1));
		return 2;
	}

	memset(&run, 0, sizeof(run));
	index_init(&run.ix);
	sbuf_init(&run.tmp);
	run.san_flags = locale_san_flags();
	run.ix.has_since = cli.has_since;
	run.ix.since = cli.since;
	run.ix.has_until = cli.has_until;
	run.ix.until = cli.until;
	if (cli.verb == VERB_INFO)
		cli.scan.parse_flags |= ELFCORE_KEEP_MAPS;

	static char *const dot[] = {"."};
	char *const *paths = cli.npaths ? cli.paths : dot;
	size_t npaths = cli.npaths ? cli.npaths : 1;
	if (cli.verb == VERB_DEFAULT && !cli.batch && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		rc = browse(&cli, paths, npaths);
		if (rc >= 0) {
			index_free(&run.ix);
			sbuf_free(&run.tmp);
			free(cli.excludes);
			stopsig_reraise(); /* the browser ended by a signal: die of it (128+N) */
			return rc;
		}
	}

	struct scan_sink sink = {&run, sink_dump, sink_error};
	struct scan *scan = scan_new(&cli.scan, &sink);
	bool operand_error = false;
	for (size_t i = 0; i < npaths; i++) {
		const char *why;
		if (scan_add_root(scan, paths[i], &why) != 0) {
			fprintf(stderr, "coredu: cannot scan '%s': %s\n",
				san_str(&run.tmp, paths[i], run.san_flags), why);
			operand_error = true;
		}
	}

	struct report rep;
	memset(&rep, 0, sizeof(rep));
	if (scan_root_count(scan) > 0) {
		scan_run(scan);
		struct scan_progress pr;
		scan_get_progress(scan, &pr);
		rep.totals = pr.totals;
		rep.seconds = pr.seconds;
		fsusage_read(&rep.fs, scan_get_root(scan, 0)->path);
	}
	/* An unreadable FILE operand is an operand error, as an unreadable directory one is. */
	for (size_t i = 0; i < scan_root_count(scan); i++)
		if (file_root_failed(&run.ix, scan_get_root(scan, i)))
			operand_error = true;
	rep.scan = scan;
	rep.ix = &run.ix;
	rep.si = cli.si;
	rep.legend = cli.legend;
	rep.san_flags = run.san_flags;
	rep.now = (int64_t)time(NULL);

	index_link_same_crash(&run.ix);
	int sort = cli.sort >= 0 ? cli.sort : cli.verb == VERB_INFO ? SORT_PATH : SORT_DISK;
	index_sort(&run.ix, (enum index_sort)sort, cli.reverse);

	struct mdesc *magic = NULL;
	if (cli.verb == VERB_JSON || cli.verb == VERB_INFO)
		magic = mdesc_open(cli.magic, stderr);
	rep.magic = magic;

	switch (cli.verb) {
	case VERB_JSON:
		report_json(stdout, &rep);
		rc = run.ix.n > 0 ? 0 : 1;
		break;
	case VERB_INFO:
		for (size_t i = 0; i < run.ix.n; i++)
			report_info(stdout, &rep, run.ix.v[i], i == 0);
		report_non_dumps(scan, &run.ix, &run.tmp, run.san_flags);
		rc = run.ix.n > 0 ? 0 : 1;
		break;
	case VERB_DEFAULT:
	case VERB_LIST:
		if (scan_root_count(scan) > 0)
			report_list(stdout, &rep);
		rc = run.ix.n > 0 ? 0 : 1;
		break;
	case VERB_PRUNE:
		cli.prune.policy.now = rep.now;
		cli.prune.policy.si = cli.si;
		cli.prune.read_only = cli.read_only;
		cli.prune.log_path = cli.log_path;
		cli.prune.proc = cli.proc;
		cli.prune.san_flags = run.san_flags;
		rc = scan_root_count(scan) > 0 ? cmd_prune(&cli.prune, scan, &run.ix) : 2;
		/* "some could not be deleted" says more than a bad operand */
		if (rc == 3)
			operand_error = false;
		break;
	case VERB_DOCTOR: {
		struct doctor_cmd dc = {cli.json, cli.all_processes, cli.crashes, cli.proc};
		rc = scan_root_count(scan) > 0 ? cmd_doctor(&dc, &rep) : 2;
		break;
	}
	}
	if (operand_error)
		rc = 2;
	if (finish_stdout() != 0)
		rc = 2;
	mdesc_close(magic);
	scan_free(scan);
	index_free(&run.ix);
	sbuf_free(&run.tmp);
	free(cli.excludes);
	stopsig_reraise(); /* prune stopped by a signal: die of it (128+N) */
	return rc;
}
