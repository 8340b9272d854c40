/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_watch: `coredu watch PATH...`: the options and the configuration file made into
 * watch_opts (src/watch/watch.h), the signals (SIGHUP reloads the file, SIGTERM and SIGINT
 * end cleanly), and the exit status. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/identity.h"
#include "base/sanitize.h"
#include "base/stopsig.h"
#include "cli.h"
#include "kinds/mdesc.h"
#include "watch/watch.h"

extern char **environ;

#define CONFIG_MAX (64 * 1024)

/* What the options point into and the files they opened, for one configuration. */
struct setup {
	struct cli c;
	char **argv;        /* the command line, then the configuration's options */
	char *text;         /* the configuration file's bytes, which argv points into */
	FILE *events, *journal;
	struct watch_opts o;
};

/* The options of a configuration file: one per line, "name=value", "name value" or
 * "name", with or without "--"; '#' starts a comment line.  Returns the count, or -1 with
 * errno. */
static int read_config(const char *path, char **text, char ***out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	*text = xmalloc(CONFIG_MAX + 1);
	size_t len = fread(*text, 1, CONFIG_MAX, f);
	bool too_big = !feof(f);
	fclose(f);
	if (too_big) {
		errno = EFBIG;
		return -1;
	}
	(*text)[len] = '\0';
	int n = 0;
	*out = NULL;
	for (char *line = strtok(*text, "\n"); line; line = strtok(NULL, "\n")) {
		while (isspace((unsigned char)*line))
			line++;
		size_t l = strlen(line);
		while (l && isspace((unsigned char)line[l - 1]))
			line[--l] = '\0';
		if (!*line || *line == '#')
			continue;
		while (*line == '-')
			line++;
		line[strcspn(line, " \t")] = line[strcspn(line, " \t")] ? '=' : '\0';
		*out = xrealloc(*out, (size_t)(n + 1) * sizeof(**out));
		(*out)[n++] = xasprintf("--%s", line);
	}
	return n;
}

static void setup_free(struct setup *s)
{
	if (s->events && s->events != stdout)
		fclose(s->events);
	if (s->journal)
		fclose(s->journal);
	free(s->text);
	cli_free(&s->c);
	memset(s, 0, sizeof(*s));
}

/* The command line plus the configuration file, parsed as one command line. */
static int parse_setup(struct setup *s, const struct cli *first, char ***tokens, int *ntokens)
{
	*ntokens = 0;
	*tokens = NULL;
	if (first->config) {
		*ntokens = read_config(first->config, &s->text, tokens);
		if (*ntokens < 0) {
			fprintf(stderr, "coredu: watch: cannot read the configuration '%s': %s\n",
				first->config, strerror(errno));
			return 2;
		}
	}
	int argc = first->argc + *ntokens;
	s->argv = xcalloc((size_t)argc + 1, sizeof(*s->argv));
	memcpy(s->argv, first->argv, (size_t)first->argc * sizeof(*s->argv));
	if (*ntokens) /* memcpy from NULL is undefined even for no bytes */
		memcpy(s->argv + first->argc, *tokens, (size_t)*ntokens * sizeof(*s->argv));
	int rc = cli_parse(&s->c, argc, s->argv);
	return rc >= 0 ? rc : -1;
}

static int open_outputs(struct setup *s)
{
	const struct cli *c = &s->c;
	s->events = stdout;
	if (c->events && strcmp(c->events, "-") != 0 &&
	    !(s->events = cli_journal_open("the events file", c->events, cli_san_flags())))
		return 2;
	if (c->log_path && !(s->journal = cli_journal_open("the log", c->log_path, cli_san_flags())))
		return 2;
	if (!c->prune_on && (c->prune.has_older || c->prune.has_keep || c->prune.has_max ||
			     c->prune.has_min || c->prune.match || c->compress)) {
		fprintf(stderr, "coredu: watch: the policy options need --prune to be applied\n");
		return 2;
	}
	if (c->prune_on && c->read_only) {
		fprintf(stderr, "coredu: watch: --prune and -r/--read-only contradict each other\n");
		return 2;
	}
	return -1;
}

static void fill_opts(struct setup *s, const struct identity *id, struct mdesc *magic)
{
	const struct cli *c = &s->c;
	s->o = (struct watch_opts){
		.scan = c->scan, .paths = c->paths, .npaths = c->npaths, .events = s->events,
		.log = stderr, .journal = s->journal, .metrics_path = c->metrics,
		.metrics_format = (enum metrics_format)c->metrics_format,
		.metrics_interval = c->metrics_interval > 0 ? c->metrics_interval : 60,
		.rescan_interval = c->rescan_interval > 0 ? c->rescan_interval : 300,
		.settle = c->settle > 0 ? c->settle : 5, .prune = c->prune_on,
		.policy = c->prune, .compress = c->compress, .proc = c->proc ? c->proc : "/proc",
		.envp = environ, .identity = id, .magic = magic, .signal = &stopsig_caught,
	};
	s->o.policy.si = c->si;
}

/* A complete setup from the command line and the configuration; -1 on success, else the
 * exit status (the error said). */
static int make_setup(struct setup *s, const struct cli *first, const struct identity *id,
		      struct mdesc *magic, char ***tokens, int *ntokens)
{
	memset(s, 0, sizeof(*s));
	int rc = parse_setup(s, first, tokens, ntokens);
	if (rc < 0)
		rc = open_outputs(s);
	if (rc < 0)
		fill_opts(s, id, magic);
	return rc;
}

static void free_tokens(char **tokens, int n)
{
	for (int i = 0; i < n; i++)
		free(tokens[i]);
	free(tokens);
}

/* SIGHUP: the configuration read again; the old one stays if the new one is wrong. */
static void reload(struct watch *w, struct setup *cur, char ***tokens, int *ntokens,
		   const struct cli *first, const struct identity *id, struct mdesc *magic)
{
	if (!first->config) {
		fprintf(stderr, "coredu: watch: SIGHUP: no --config file to read again\n");
		return;
	}
	struct setup next;
	char **ntok;
	int nn;
	if (make_setup(&next, first, id, magic, &ntok, &nn) >= 0) {
		fprintf(stderr, "coredu: watch: SIGHUP: the configuration was not changed\n");
		free(next.argv);
		setup_free(&next);
		free_tokens(ntok, nn);
		return;
	}
	watch_set_opts(w, &next.o);
	free(cur->argv);
	setup_free(cur);
	free_tokens(*tokens, *ntokens);
	*cur = next;
	*tokens = ntok;
	*ntokens = nn;
	fprintf(stderr, "coredu: watch: SIGHUP: configuration read again from %s\n", first->config);
}

int cmd_watch(struct cli *c)
{
	struct identity id;
	identity_read(&id, environ);
	struct mdesc *magic = mdesc_open(c->magic, stderr);
	struct setup s;
	char **tokens;
	int ntokens;
	int rc = make_setup(&s, c, &id, magic, &tokens, &ntokens);
	sigset_t handled, old;
	sigemptyset(&handled);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &handled, &old);
	stopsig_catch(true); /* the handler notes the signal; watch takes it while it waits */
	char err[256] = "";
	struct watch *w = rc < 0 ? watch_start(&s.o, err, sizeof(err)) : NULL;
	if (rc < 0 && !w && err[0]) {
		fprintf(stderr, "coredu: watch: %s\n", err);
		rc = 2;
	}
	while (w) {
		int sig = watch_run(w);
		stopsig_caught = 0;
		if (sig != SIGHUP)
			break;
		reload(w, &s, &tokens, &ntokens, c, &id, magic);
	}
	watch_free(w);
	stopsig_caught = 0; /* a clean end: exit 0, not death by the signal */
	stopsig_restore();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(s.argv);
	setup_free(&s);
	free_tokens(tokens, ntokens);
	mdesc_close(magic);
	identity_free(&id);
	return rc < 0 ? 0 : rc;
}
