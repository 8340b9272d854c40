/* SPDX-License-Identifier: GPL-2.0-or-later */
/* term: find a usable terminal description and set up curses for hostile terminals
 * (ECS Exec forces TERM=xterm-256color whatever the client is; kubectl and docker exec may
 * leave TERM unset; minimal images have no terminfo at all: a dozen entries are built in). */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "base/charset.h"
#include "base/sanitize.h"
#include "screens.h"
/* builtin_entries[]: compiled entries of the build machine's terminfo (Makefile.am). */
#include "terminfo-data.h"

#define DEFAULT_ESCDELAY 150 /* ms: ncurses' 1000 is sluggish, 25 breaks on slow links */

/* A terminfo entry we can draw with: known, not hard-copy, and able to address the cursor
 * and clear the screen (TERM=dumb passes setupterm but can do neither). */
static bool usable(const char *name)
{
	int err = 0;
	if (!name || !*name || setupterm(name, STDOUT_FILENO, &err) != OK || err != 1)
		return false;
	char *cup = tigetstr("cup"), *clear = tigetstr("clear");
	bool ok = cup && cup != (char *)-1 && clear && clear != (char *)-1;
	del_curterm(cur_term);
	return ok;
}

/* The built-in entry for name, as ncurses reads one inline from $TERMINFO, or NULL. */
static const char *builtin_entry(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(builtin_entries); i++)
		if (strcmp(builtin_entries[i].name, name) == 0)
			return builtin_entries[i].entry;
	return NULL;
}

/* $TERMINFO holds a built-in entry only while curses reads it; the user's value comes back. */
struct terminfo_env {
	char *saved;
	bool was_set;
};

static void terminfo_push(struct terminfo_env *e, const char *entry)
{
	const char *cur = getenv("TERMINFO");
	e->was_set = cur != NULL;
	e->saved = cur ? xstrdup(cur) : NULL;
	setenv("TERMINFO", entry, 1);
}

static void terminfo_pop(struct terminfo_env *e)
{
	if (e->was_set)
		setenv("TERMINFO", e->saved, 1);
	else
		unsetenv("TERMINFO");
	free(e->saved);
}

/* name usable with the system's terminfo, or else with its built-in entry (set in *entry):
 * ncurses reads $TERMINFO before its directories, so the built-in one is offered only after
 * the system had none. */
static bool usable_somewhere(const char *name, const char **entry)
{
	*entry = NULL;
	if (usable(name))
		return true;
	const char *builtin = builtin_entry(name);
	if (!builtin)
		return false;
	struct terminfo_env e;
	terminfo_push(&e, builtin);
	bool ok = usable(name);
	terminfo_pop(&e);
	*entry = ok ? builtin : NULL;
	return ok;
}

static const char *pick_term(const char *wanted, const char **entry)
{
	static const char *const fallbacks[] = {"xterm-256color", "xterm", "vt100"};
	if (wanted && strcmp(wanted, "dumb") != 0 && strcmp(wanted, "unknown") != 0 &&
	    usable_somewhere(wanted, entry))
		return wanted;
	for (size_t i = 0; i < ARRAY_SIZE(fallbacks); i++)
		if (usable_somewhere(fallbacks[i], entry))
			return fallbacks[i];
	return NULL;
}

/* Terminals do not always send what terminfo says (ECS Exec forces xterm-256color whatever
 * the client is; tmux sends its own sequences): accept the common forms of the keys we use,
 * so that none falls through as a bare Esc. */
static void define_alternate_keys(void)
{
	static const struct {
		const char *seq;
		int key;
	} alt[] = {
		{"\033[A", KEY_UP}, {"\033[B", KEY_DOWN}, {"\033[C", KEY_RIGHT}, {"\033[D", KEY_LEFT},
		{"\033OA", KEY_UP}, {"\033OB", KEY_DOWN}, {"\033OC", KEY_RIGHT}, {"\033OD", KEY_LEFT},
		{"\033[H", KEY_HOME}, {"\033[F", KEY_END}, {"\033OH", KEY_HOME}, {"\033OF", KEY_END},
		{"\033[1~", KEY_HOME}, {"\033[4~", KEY_END}, {"\033[7~", KEY_HOME}, {"\033[8~", KEY_END},
		{"\033[5~", KEY_PPAGE}, {"\033[6~", KEY_NPAGE},
	};
	for (size_t i = 0; i < ARRAY_SIZE(alt); i++)
		if (key_defined(alt[i].seq) == 0)
			define_key(alt[i].seq, alt[i].key);
}

static void setup_attrs(struct ui *u)
{
	u->term.attrs[UA_NORMAL] = A_NORMAL;
	u->term.attrs[UA_HEADER] = A_REVERSE;
	u->term.attrs[UA_SELECTED] = A_REVERSE;
	u->term.attrs[UA_MARKED] = A_BOLD;
	u->term.attrs[UA_TRUNCATED] = A_BOLD;
	u->term.attrs[UA_BAR] = A_NORMAL;
	u->term.attrs[UA_DIM] = A_NORMAL;
	if (!u->term.color)
		return; /* monochrome: reverse and bold carry every distinction */
	start_color();
	use_default_colors();
	init_pair(1, COLOR_BLACK, COLOR_CYAN);
	init_pair(2, COLOR_YELLOW, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_GREEN, -1);
	init_pair(5, COLOR_BLUE, -1);
	u->term.attrs[UA_HEADER] = COLOR_PAIR(1);
	u->term.attrs[UA_MARKED] = COLOR_PAIR(2) | A_BOLD;
	u->term.attrs[UA_TRUNCATED] = COLOR_PAIR(3) | A_BOLD;
	/* Bars stay uncoloured, as in ncdu: colour changes cost bytes on every redraw. */
	u->term.attrs[UA_DIM] = COLOR_PAIR(5);
}

int term_open(struct ui *u, char *why, size_t whylen)
{
	const char *wanted = u->opts->term ? u->opts->term : getenv("TERM");
	const char *entry;
	const char *name = pick_term(wanted, &entry);
	if (!name) {
		struct sbuf b;
		sbuf_init(&b);
		snprintf(why, whylen, "no usable terminal description for TERM=%s (nor xterm-256color, "
				      "xterm, vt100)", sanitize_str(&b, wanted ? wanted : "(unset)", SAN_ASCII));
		sbuf_free(&b);
		return -1;
	}
	/* The size comes from the terminal (TIOCGWINSZ), never from stale LINES/COLUMNS. */
	use_env(FALSE);
	use_tioctl(TRUE);
	struct terminfo_env e;
	if (entry)
		terminfo_push(&e, entry);
	SCREEN *s = newterm(name, stdout, stdin);
	if (entry)
		terminfo_pop(&e);
	if (!s) {
		snprintf(why, whylen, "cannot initialise the terminal");
		return -1;
	}
	u->term.screen = s;
	set_term(s);
	if (!getenv("ESCDELAY"))
		set_escdelay(DEFAULT_ESCDELAY);
	raw();       /* Ctrl-C reaches us as a key */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	leaveok(stdscr, TRUE); /* the cursor is hidden: never spend bytes moving it */
	define_alternate_keys();
	u->term.ascii = u->opts->ascii || !charset_utf8();
	u->term.san_flags = u->term.ascii ? SAN_ASCII : 0;
	u->term.color = !u->opts->no_color && has_colors();
	setup_attrs(u);
	return 0;
}

void term_close(struct ui *u)
{
	if (!u->term.screen)
		return;
	endwin();
	delscreen(u->term.screen);
	u->term.screen = NULL;
}
