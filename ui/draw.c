/* SPDX-License-Identifier: GPL-2.0-or-later */
/* draw: width-aware text on stdscr.  Callers pass text that went through the sanitiser. */
#include "config.h"

#include <curses.h>
#include <string.h>
#include <wchar.h>

#include "base/fmt.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "screens.h"

static int char_width(const char *s, size_t n, size_t *len)
{
	uint32_t cp;
	*len = utf8_decode((const unsigned char *)s, n, &cp);
	if (*len == 0) { /* cannot happen after the sanitiser; be safe anyway */
		*len = 1;
		return 1;
	}
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int draw_width(const char *s)
{
	int w = 0;
	size_t n = strlen(s), len;
	for (size_t i = 0; i < n; i += len)
		w += char_width(s + i, n - i, &len);
	return w;
}

/* Bytes of s that fit in `width` columns; *used gets the columns. */
static size_t fit(const char *s, int width, int *used)
{
	size_t n = strlen(s), i = 0, len;
	int w = 0;
	while (i < n) {
		int cw = char_width(s + i, n - i, &len);
		if (w + cw > width)
			break;
		w += cw;
		i += len;
	}
	*used = w;
	return i;
}

size_t draw_fit(const char *s, int width)
{
	int used;
	return fit(s, width, &used);
}

int draw_text(int y, int x, int width, const char *s, int attr)
{
	if (width <= 0)
		return 0;
	int used;
	size_t bytes = fit(s, width, &used);
	attron(attr);
	mvaddnstr(y, x, s, (int)bytes);
	attroff(attr);
	return used;
}

int draw_text_right(int y, int x, int width, const char *s, int attr)
{
	int w = draw_width(s);
	if (w > width)
		return draw_text(y, x, width, s, attr);
	return draw_text(y, x + width - w, w, s, attr);
}

/* Paths are shortened from the left: the end of a path says most. */
int draw_path(struct ui *u, int y, int x, int width, const char *s, int attr)
{
	int w = draw_width(s);
	if (w <= width)
		return draw_text(y, x, width, s, attr);
	const char *ell = u->term.ascii ? "..." : "\xe2\x80\xa6";
	int ew = u->term.ascii ? 3 : 1;
	if (width <= ew)
		return draw_text(y, x, width, ell, attr);
	size_t n = strlen(s), i = 0, len;
	while (i < n && w > width - ew) {
		w -= char_width(s + i, n - i, &len);
		i += len;
	}
	draw_text(y, x, ew, ell, attr);
	return ew + draw_text(y, x + ew, width - ew, s + i, attr);
}

void draw_bar(struct ui *u, int y, int x, int width, uint64_t part, uint64_t whole, int attr)
{
	static const char *const eighths[] = {"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"};
	if (width <= 0)
		return;
	double frac = whole ? (double)part / (double)whole : 0;
	if (frac > 1)
		frac = 1;
	int units = (int)(frac * width * 8 + 0.5);
	attron(attr);
	move(y, x);
	for (int i = 0; i < units / 8; i++)
		addstr(u->term.ascii ? "#" : "\xe2\x96\x88");
	if (!u->term.ascii && units % 8)
		addstr(eighths[units % 8]);
	attroff(attr);
}

void draw_fill(int y, int x, int width, int attr)
{
	attron(attr);
	mvhline(y, x, ' ', width);
	attroff(attr);
}

const char *draw_safe(struct ui *u, const char *raw)
{
	return sanitize_str(&u->tmp, raw, u->term.san_flags);
}
