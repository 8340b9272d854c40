/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pane: a full-screen page of text with a title, scrolled with the usual keys.  Prose wraps
 * at word boundaries with a hanging indent; a line meant to be copied (REPORT_COPYABLE) is
 * never wrapped: it is cut with an ellipsis where the terminal is narrower. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "output/report_doctor.h"
#include "screens.h"

void pane_open(struct ui *u, const char *title, char *text)
{
	enum ui_screen back = u->screen == SCR_PANE ? u->pane.back : u->screen;
	pane_close(u);
	u->pane.back = back; /* q returns to the screen that opened it (the list or t's tree) */
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
	free(u->pane.dumps);
	u->pane.dumps = NULL;
	u->pane.ndumps = 0;
	u->screen = u->pane.back;
	u->pane.back = SCR_LIST;
}

/* Where a wrapped line continues: after a leading "label: " (inspect's fields, the doctor's
 * "why: "), else under its own indent. */
static int hang(const char *s, int w)
{
	int lead = (int)strspn(s, " "), limit = w / 3 < 24 ? w / 3 : 24;
	const char *colon = strstr(s + lead, ": ");
	if (colon && colon - s + 2 <= limit) {
		char *label = xstrndup(s, (size_t)(colon - s));
		int at = draw_width(label) + 2;
		free(label);
		if (at <= limit)
			return at;
	}
	return lead <= limit ? lead : 0;
}

/* Bytes of s shown on one screen line of `room` columns: up to the last space that fits.
 * A word longer than the line (a path, a URL) is never broken: it is cut visibly (*cut) and
 * *next gets the bytes to skip, its whole length. */
static size_t segment(const char *s, int room, int ellipsis, bool *cut, size_t *next)
{
	size_t n = draw_fit(s, room > 0 ? room : 1);
	*cut = false;
	*next = n;
	if (n == 0 && *s)
		return *next = 1; /* a character wider than the screen */
	if (!s[n] || s[n] == ' ')
		return n;
	size_t k = n;
	while (k > 0 && s[k - 1] != ' ')
		k--;
	if (k)
		return *next = k;
	*cut = true;
	*next = strcspn(s, " ");
	return draw_fit(s, room > ellipsis ? room - ellipsis : 1);
}

/* Lay out one text line at width w: calls show(column, bytes, whether cut) for each screen
 * line, in order, and returns their number.  show may be NULL (counting). */
typedef void show_fn(void *ctx, int x, const char *s, size_t n, bool cut);

static size_t layout(const char *s, int w, int ellipsis, show_fn *show, void *ctx)
{
	if (*s == REPORT_COPYABLE) { /* one line, cut visibly */
		s++;
		bool cut = draw_width(s) > w;
		if (show)
			show(ctx, 0, s, cut ? draw_fit(s, w - ellipsis) : strlen(s), cut);
		return 1;
	}
	int hanging = hang(s, w), indent = 0;
	if (w - hanging < 12)
		hanging = 0;
	size_t lines = 0;
	do {
		bool cut;
		size_t next, n = segment(s, w - indent, ellipsis, &cut, &next);
		if (show)
			show(ctx, indent, s, n, cut);
		lines++;
		s += next;
		s += strspn(s, " ");
		indent = hanging;
	} while (*s);
	return lines;
}

static size_t total_lines(struct ui *u, int w)
{
	size_t n = 0;
	for (size_t i = 0; i < u->pane.ntext; i++)
		n += layout(u->pane.text[i], w, u->term.ascii ? 3 : 1, NULL, NULL);
	return n;
}

struct drawing {
	struct ui *u;
	size_t vis;  /* screen lines laid out so far */
	int y, rows, w;
};

static void show_line(void *ctx, int x, const char *s, size_t n, bool cut)
{
	struct drawing *d = ctx;
	if (d->vis++ < d->u->pane.top || d->y > d->rows)
		return;
	char *part = xstrndup(s, n);
	int used = draw_text(d->y, x, d->w - x, part, A_NORMAL);
	if (cut)
		draw_text(d->y, x + used, d->w - x - used, d->u->term.ascii ? "..." : "\xe2\x80\xa6",
			  A_NORMAL);
	d->y++;
	free(part);
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

	struct drawing d = {u, 0, 1, rows, w};
	for (size_t i = 0; i < u->pane.ntext && d.y <= rows; i++)
		layout(u->pane.text[i], w, u->term.ascii ? 3 : 1, show_line, &d);
	draw_fill(LINES - 1, 0, COLS, u->term.attrs[UA_HEADER]);
	char foot[128], del[48] = "";
	if (u->pane.ndumps)
		snprintf(del, sizeof(del), "  |  d delete these %zu", u->pane.ndumps);
	snprintf(foot, sizeof(foot), " %zu-%zu of %zu  |  up/down, PgUp/PgDn scroll%s  |  q close",
		 total ? u->pane.top + 1 : 0, u->pane.top + (size_t)rows < total ? u->pane.top + (size_t)rows : total,
		 total, del);
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
	case 'd': /* w's pane: delete exactly the dumps it explains */
		if (u->pane.ndumps)
			return UI_DELETE_EXPLAINED;
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
