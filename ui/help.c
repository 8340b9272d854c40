/* SPDX-License-Identifier: GPL-2.0-or-later */
/* help: every key, as a declarative table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "screens.h"

static const struct {
	const char *keys, *what;
} help[] = {
	{NULL, "Moving"},
	{"up, k / down, j", "previous / next row"},
	{"PgUp / PgDn", "previous / next page"},
	{"Home / End", "first / last row"},
	{"Enter, Right, l", "open the group, or inspect the dump"},
	{"Left, h, Backspace", "back to the groups; close a pane"},
	{NULL, "Views and order"},
	{"g", "view: flat, by cause (program, signal, cause: what one fix stops), by program, by signal, by directory, by kind (by host: imports)"},
	{"s", "sort by size (again: reverse)"},
	{"n", "sort by name: command or group (again: reverse)"},
	{"M", "sort by time, newest first (again: reverse)"},
	{"C", "sort groups by dump count (again: reverse)"},
	{"a", "use apparent size instead of disk usage for sizes, bars and sorting"},
	{"/", "filter by command, path or signal name (Enter finishes; empty clears)"},
	{"t", "where the dumps are: their directories as ncdu shows a disk (Enter/Right down, Left/Backspace up; t or q back)"},
	{"o", "the rest of the disk: the 10 largest directories without dumps (their own files, as du -S)"},
	{NULL, "Dumps"},
	{"i", "inspect: every field, the cause, the mapped files"},
	{"w", "why: what keeps making dumps like this one and how to stop it; d there deletes exactly those dumps"},
	{"G", "the gdb command that debugs the core (as coredumpctl debug)"},
	{"space", "mark or unmark (a group: all its dumps) and move down"},
	{"A", "mark every visible row (in a group: the whole group)"},
	{"U", "unmark all"},
	{"d", "delete the marked dumps (or the dump or group under the cursor)"},
	{"z", "compress them instead: NAME.zst, checked, then the original removed"},
	{NULL, "Other"},
	{"r", "scan again (marks of unchanged files stay)"},
	{"?", "this help"},
	{"q", "stop the scan; quit; close a pane (Ctrl-C too)"},
	{NULL, ""},
	{NULL, "Row flags: * marked, + partly marked (group), T truncated core, S snapshot (gcore,"},
	{NULL, "or a dump requested), = one crash stored more than once (inspect lists the others);"},
	{NULL, "a compressed dump's second size is the original's."},
	{NULL, "No key needs Esc or Ctrl. Options: coredu --help; manual: man coredu."},
};

void help_open(struct ui *u)
{
	struct sbuf t;
	sbuf_init(&t);
	for (size_t i = 0; i < ARRAY_SIZE(help); i++) {
		if (help[i].keys)
			sbuf_printf(&t, "  %-20s %s\n", help[i].keys, help[i].what);
		else
			sbuf_printf(&t, "%s\n", help[i].what[0] ? help[i].what : " ");
	}
	char title[64];
	snprintf(title, sizeof(title), "coredu %s: keys", PACKAGE_VERSION);
	pane_open(u, title, t.s);
	sbuf_free(&t);
}
