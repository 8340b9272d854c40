/* pane: a full-screen page of text with a title, scrolled with the usual keys.  Long lines
 * wrap at the terminal width. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"

void pane_open(struct ui *u, const char *title, char *text)
{
	pane_close(u);
	u->pane_title = xstrdup(title);
	size_t cap = 0;
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		u->pane_text = xgrow(u->pane_text, &cap, u->npane_text + 1, sizeof(*u->pane_text));
		u->pane_text[u->npane_text++] = xstrdup(line);
		line = nl ? nl + 1 : NULL;
	}
	u->pane_top = 0;
	u->pane_why = false;
	u->screen = SCR_PANE;
}

void pane_close(struct ui *u)
{
	for (size_t i = 0; i < u->npane_text; i++)
		free(u->pane_text[i]);
	free(u->pane_text);
	free(u->pane_title);
	u->pane_text = NULL;
	u->pane_title = NULL;
	u->npane_text = u->pane_top = 0;
	u->screen = SCR_LIST;
}

/* Screen lines a text line takes at width w. */
static size_t wrapped(const char *s, int w)
{
	int tw = text_width(s);
	return tw <= w || w <= 0 ? 1 : (size_t)((tw + w - 1) / w);
}

static size_t total_lines(struct ui *u, int w)
{
	size_t n = 0;
	for (size_t i = 0; i < u->npane_text; i++)
		n += wrapped(u->pane_text[i], w);
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
	if (u->pane_top + (size_t)rows > total)
		u->pane_top = total > (size_t)rows ? total - (size_t)rows : 0;
	draw_fill(0, 0, COLS, u->attrs[UA_HEADER]);
	draw_text(0, 1, w - 1, u->pane_title, u->attrs[UA_HEADER]);

	size_t vis = 0; /* visual line index: lines wrap at the width */
	int y = 1;
	for (size_t i = 0; i < u->npane_text && y <= rows; i++) {
		const char *s = u->pane_text[i];
		do {
			size_t n = text_fit(s, w);
			if (n == 0 && *s)
				n = 1; /* a character wider than the screen */
			if (vis++ >= u->pane_top) {
				char *part = xstrndup(s, n);
				draw_text(y++, 0, w, part, A_NORMAL);
				free(part);
			}
			s += n;
		} while (*s && y <= rows);
	}
	draw_fill(LINES - 1, 0, COLS, u->attrs[UA_HEADER]);
	char foot[96];
	snprintf(foot, sizeof(foot), " %zu-%zu of %zu  |  up/down, PgUp/PgDn scroll  |  q close",
		 total ? u->pane_top + 1 : 0, u->pane_top + (size_t)rows < total ? u->pane_top + (size_t)rows : total,
		 total);
	draw_text(LINES - 1, 0, w, foot, u->attrs[UA_HEADER]);
}

void pane_key(struct ui *u, int ch)
{
	size_t rows = (size_t)(body_rows() > 1 ? body_rows() - 1 : 1);
	switch (ch) {
	case KEY_UP: case 'k':
		if (u->pane_top)
			u->pane_top--;
		break;
	case KEY_DOWN: case 'j': case ' ': u->pane_top++; break;
	case KEY_PPAGE: u->pane_top = u->pane_top > rows ? u->pane_top - rows : 0; break;
	case KEY_NPAGE: u->pane_top += rows; break;
	case KEY_HOME: u->pane_top = 0; break;
	case KEY_END: u->pane_top = (size_t)-1 / 2; break; /* clamped when drawn */
	case 'w': /* from inspect to why; w again closes it */
		if (u->pane_why)
			pane_close(u);
		else
			why_open(u);
		break;
	case 'q': case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127: case 8: case 'i':
	case '?': case UI_KEY_CTRL_C:
		pane_close(u);
		break;
	default:
		break;
	}
}
