/* SPDX-License-Identifier: GPL-2.0-or-later */
/* program: the name an operator knows a dump's program by, and the key that groups dumps.
 *
 * For an interpreter or a launcher it is what runs inside: `python3 /usr/bin/gunicorn ...`
 * is gunicorn, `python -m celery` celery, `node server.js` server.js, `java -jar app.jar`
 * app.jar, `env A=1 nice -n5 ./worker` worker.  The rules are data: doc/programs.txt,
 * compiled in as text (program-data.c) and read line by line, no state kept.  Otherwise the
 * program is the executable's base name, or the comm. */
#ifndef COREDU_PROGRAM_H
#define COREDU_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "kinds/elfcore.h"

#define PROGRAM_NAME_MAX 255 /* bytes of a program name kept */

/* The program the command line names through the rules, malloc'd; NULL when its first word
 * is no interpreter or launcher of the table (or there is no command line).  `launcher`,
 * when not NULL, is put in front of the words (hs_err's Command Line lacks "java"). */
char *program_from_cmdline(const struct core_info *ci, const char *launcher);
/* A running process's program, malloc'd: the rules over its command line (words split at
 * spaces), else the base name of its first word (what exec was given, as a core's
 * AT_EXECFN), else of exe, else comm. */
char *program_of_process(const char *cmdline, const char *exe, const char *comm);
/* Check every rule of the table: 0, or -1 with the line and what is wrong in err. */
int program_check_table(const char *text, char *err, size_t errlen);

/* The text of doc/programs.txt (program-data.c). */
extern const char program_text[];

#endif
