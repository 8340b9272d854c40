/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pane: a full-screen page of text with a title, scrolled with the usual keys.  Long lines
 * wrap at the terminal width. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "screens.h"

void pane_open(struct ui *u, const char *title, char *text)
{
	pane_close(u);
	u->pane.title = xstrdup(title);
	size_t cap = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		u->pane.text = xgrow(u->pane.text, &cap, u->pane.ntext + 1, sizeof(*u->pane.text));
		u->pane.text[u->pane.ntext++] = xstrdup(line);
		line = nl ? nl + 1 : NULL;
	}
	u->pane.top = 0;
	u->pane.why = false;
	u->pane.inspect = false;
	u->screen = SCR_PANE;
}

void pane_close(struct ui *u)
{
	for (size_t i = 0; i < u->pane.ntext; i++)
		free(u->pane.text[i]);
	free(u->pane.text);
	free(u->pane.title);
	u->pane.text = NULL;
	u->pane.title = NULL;
	u->pane.ntext = u->pane.top = 0;
	u->screen = SCR_LIST;
}

/* Screen lines a text line takes at width w. */
static size_t wrapped(const char *s, int w)
{
	int tw = draw_width(s);
	return tw <= w || w <= 0 ? 1 : (size_t)((tw + w - 1) / w);
}

static size_t total_lines(struct ui *u, int w)
{
	size_t n = 0;
	for (size_t i = 0; i < u->pane.ntext; i++)
		n += wrapped(u->pane.text[i], w);
	return n;
}

static int body_rows(void)
{
	return LINES - 2 > 0 ? LINES - 2 : 0;
}

void pane_draw(struct ui *u)
{
	int w = COLS < UI_MAX_WIDTH ? COLS : UI_MAX_WIDTH, rows = body_rows();
	size_t total = total_lines(u, w);
	if (u->pane.top + (size_t)rows > total)
		u->pane.top = total > (size_t)rows ? total - (size_t)rows : 0;
	draw_fill(0, 0, COLS, u->term.attrs[UA_HEADER]);
	draw_text(0, 1, w - 1, u->pane.title, u->term.attrs[UA_HEADER]);

	size_t vis = 0; /* visual line index: lines wrap at the width */
	int y = 1;
	for (size_t i = 0; i < u->pane.ntext && y <= rows; i++) {
		const char *s = u->pane.text[i];
		do {
			size_t n = draw_fit(s, w);
			if (n == 0 && *s)
				n = 1; /* a character wider than the screen */
			if (vis++ >= u->pane.top) {
				char *part = xstrndup(s, n);
				draw_text(y++, 0, w, part, A_NORMAL);
				free(part);
			}
			s += n;
		} while (*s && y <= rows);
	}
	draw_fill(LINES - 1, 0, COLS, u->term.attrs[UA_HEADER]);
	char foot[96];
	snprintf(foot, sizeof(foot), " %zu-%zu of %zu  |  up/down, PgUp/PgDn scroll  |  q close",
		 total ? u->pane.top + 1 : 0, u->pane.top + (size_t)rows < total ? u->pane.top + (size_t)rows : total,
		 total);
	draw_text(LINES - 1, 0, w, foot, u->term.attrs[UA_HEADER]);
}

enum ui_action pane_key(struct ui *u, int ch)
{
	size_t rows = (size_t)(body_rows() > 1 ? body_rows() - 1 : 1);
	switch (ch) {
	case KEY_UP: case 'k':
		if (u->pane.top)
			u->pane.top--;
		break;
	case KEY_DOWN: case 'j': case ' ': u->pane.top++; break;
	case KEY_PPAGE: u->pane.top = u->pane.top > rows ? u->pane.top - rows : 0; break;
	case KEY_NPAGE: u->pane.top += rows; break;
	case KEY_HOME: u->pane.top = 0; break;
	case KEY_END: u->pane.top = (size_t)-1 / 2; break; /* clamped when drawn */
	case 'w': /* from inspect to why; w again closes it */
		if (!u->pane.why)
			return UI_WHY;
		pane_close(u);
		break;
	case 'q': case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127: case 8: case 'i':
	case '?': case UI_KEY_CTRL_C:
		pane_close(u);
		break;
	default:
		break;
	}
	return UI_NONE;
}
