/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hints: what a known pattern of dumps means and how to stop it.
 *
 * The table is doc/hints.txt, compiled into the program as text (src/hints-data.c is made
 * from it at build time) and parsed here, so adding a program means adding a paragraph
 * there.  The format is described at the top of that file. */
#ifndef COREDU_HINTS_H
#define COREDU_HINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "kinds/cause.h"

struct hint_list {
	char **v;
	size_t n;
};

struct hint {
	char *id;
	struct hint_list programs; /* empty: any program */
	struct hint_list kinds;    /* "hprof"... (dump_kind_name); empty: any */
	struct hint_list signals;  /* "SIGABRT"...; empty: any */
	unsigned causes;           /* bit (1 << enum cause_class); 0: any */
	struct hint_list parents;  /* words the live sender's command line must hold */
	struct hint_list confirms; /* words of the dump's own command line or environment that
				    * confirm it when the sender is gone */
	char *summary;             /* one line */
	char *detail;              /* a paragraph, "" if none */
	struct hint_list remedies;
	struct hint_list see;
	bool stack_python;         /* "stack: python": show where the Python code was */
};

struct hints {
	struct hint *v;
	size_t n;
};

/* What a group of dumps offers to match against. */
struct hint_subject {
	const char *comm, *cmdline, *exe; /* any may be "" or NULL */
	const char *program;              /* program.h's name, or NULL */
	const char *env;                  /* the dump's kept "NAME=value"s, space-separated, or NULL */
	const char *signal;               /* "SIGABRT" */
	const char *kind;                 /* dump_kind_name: "elf-core", "hprof"; NULL: unknown */
	enum cause_class cause;
	const char *parent_cmdline; /* the sender's command line if it is still alive, else NULL */
};

enum hint_confidence {
	HINT_MATCHED,     /* every condition held */
	HINT_UNCONFIRMED, /* the parent condition could not be checked: the sender is gone */
	HINT_OWN,         /* the sender is gone, but the dump's own command line or environment
			   * holds a `confirm` word */
};

/* Parse a table.  Returns 0, or -1 with a message naming the line in err. */
int hints_parse(struct hints *h, const char *text, char *err, size_t errlen);
void hints_free(struct hints *h);
/* The table from doc/hints.txt, parsed (the tests make sure it parses). */
int hints_builtin(struct hints *h, char *err, size_t errlen);
/* The first hint, in table order, that matches; NULL if none. */
const struct hint *hints_match(const struct hints *h, const struct hint_subject *s,
			       enum hint_confidence *conf);

/* The text of doc/hints.txt (src/hints-data.c). */
extern const char hints_text[];

#endif
