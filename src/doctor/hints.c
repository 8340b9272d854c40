/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "doctor/hints.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

static void list_add(struct hint_list *l, const char *s, size_t n)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = xstrndup(s, n);
}

static void list_free(struct hint_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void hint_free(struct hint *h)
{
	free(h->id);
	free(h->summary);
	free(h->detail);
	list_free(&h->programs);
	list_free(&h->signals);
	list_free(&h->kinds);
	list_free(&h->parents);
	list_free(&h->confirms);
	list_free(&h->remedies);
	list_free(&h->see);
}

void hints_free(struct hints *h)
{
	for (size_t i = 0; i < h->n; i++)
		hint_free(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static int fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "line %u: %s", line, msg);
	return -1;
}

static const char *trim(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s))
		s++, (*n)--;
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* "a | b|c" into the list; "*" alone means any. */
static void split_alternatives(struct hint_list *l, const char *v)
{
	if (strcmp(v, "*") == 0)
		return;
	while (*v) {
		size_t n = strcspn(v, "|");
		size_t k = n;
		const char *w = trim(v, &k);
		if (k)
			list_add(l, w, k);
		v += n + (v[n] == '|');
	}
}

static int parse_causes(unsigned *mask, const char *v)
{
	struct hint_list l = {0};
	split_alternatives(&l, v);
	int rc = 0;
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		bool found = false;
		for (int c = CAUSE_UNKNOWN; c <= CAUSE_FAULT; c++) {
			if (strcmp(l.v[i], cause_class_id((enum cause_class)c)) == 0) {
				*mask |= 1u << c;
				found = true;
			}
		}
		if (!found)
			rc = -1;
	}
	list_free(&l);
	return rc;
}

/* Store one "key: value" field in the hint being built. */
static int set_field(struct hint *h, const char *key, const char *value, unsigned line,
		     char *err, size_t errlen)
{
	char **single = strcmp(key, "id") == 0        ? &h->id
			: strcmp(key, "summary") == 0 ? &h->summary
			: strcmp(key, "detail") == 0  ? &h->detail
						      : NULL;
	if (single) {
		if (*single)
			return fail(err, errlen, line, "'%s' given twice", key);
		*single = xstrdup(value);
		return 0;
	}
	if (strcmp(key, "program") == 0)
		split_alternatives(&h->programs, value);
	else if (strcmp(key, "signal") == 0)
		split_alternatives(&h->signals, value);
	else if (strcmp(key, "parent") == 0)
		split_alternatives(&h->parents, value);
	else if (strcmp(key, "kind") == 0)
		split_alternatives(&h->kinds, value);
	else if (strcmp(key, "confirm") == 0)
		split_alternatives(&h->confirms, value);
	else if (strcmp(key, "remedy") == 0)
		list_add(&h->remedies, value, strlen(value));
	else if (strcmp(key, "see") == 0)
		list_add(&h->see, value, strlen(value));
	else if (strcmp(key, "stack") == 0) {
		if (strcmp(value, "python") != 0)
			return fail(err, errlen, line, "stack: only 'python' is known, not '%s'", value);
		h->stack_python = true;
	} else if (strcmp(key, "cause") == 0) {
		if (parse_causes(&h->causes, value) != 0)
			return fail(err, errlen, line, "unknown cause in '%s'", value);
	} else
		return fail(err, errlen, line, "unknown field '%s'", key);
	return 0;
}

static int finish_record(struct hints *hs, struct hint *h, unsigned line, char *err,
			 size_t errlen)
{
	/* On failure the caller frees the record being built. */
	if (!h->id || !h->summary)
		return fail(err, errlen, line, "a record needs 'id' and 'summary'");
	for (size_t i = 0; i < hs->n; i++)
		if (strcmp(hs->v[i].id, h->id) == 0)
			return fail(err, errlen, line, "id '%s' used twice", h->id);
	if (!h->detail)
		h->detail = xstrdup("");
	hs->v = xrealloc(hs->v, (hs->n + 1) * sizeof(*hs->v));
	hs->v[hs->n++] = *h;
	memset(h, 0, sizeof(*h));
	return 0;
}

int hints_parse(struct hints *hs, const char *text, char *err, size_t errlen)
{
	memset(hs, 0, sizeof(*hs));
	struct hint cur;
	memset(&cur, 0, sizeof(cur));
	bool in_record = false;
	struct sbuf key, value;
	sbuf_init(&key);
	sbuf_init(&value);
	unsigned line = 0, record_line = 0;
	int rc = 0;
	const char *p = text;

	/* A field ends at the next line that is not a continuation (leading blank). */
	while (rc == 0) {
		size_t n = strcspn(p, "\n");
		bool eof = !*p;
		line++;
		bool blank = true;
		for (size_t i = 0; i < n; i++)
			blank = blank && isspace((unsigned char)p[i]);
		bool comment = !blank && p[0] == '#';
		bool continuation = !blank && !comment && isspace((unsigned char)p[0]);

		if (key.len && !continuation) {
			rc = set_field(&cur, key.s, value.s, line - 1, err, errlen);
			sbuf_reset(&key);
			sbuf_reset(&value);
		}
		if (rc == 0 && (blank || eof) && !comment && in_record) {
			rc = finish_record(hs, &cur, record_line, err, errlen);
			in_record = false;
		}
		if (rc || eof)
			break;
		if (continuation) {
			if (!key.len) {
				rc = fail(err, errlen, line, "continuation line without a field");
				break;
			}
			size_t k = n;
			const char *w = trim(p, &k);
			sbuf_addc(&value, ' ');
			sbuf_add(&value, w, k);
		} else if (!blank && !comment) {
			const char *colon = memchr(p, ':', n);
			if (!colon || colon == p) {
				rc = fail(err, errlen, line, "expected 'field: value'");
				break;
			}
			size_t kl = (size_t)(colon - p), vl = n - kl - 1;
			const char *k = trim(p, &kl), *v = trim(colon + 1, &vl);
			sbuf_add(&key, k, kl);
			sbuf_add(&value, v, vl);
			if (!in_record)
				record_line = line;
			in_record = true;
		}
		p += n + (p[n] == '\n');
	}
	if (rc != 0) {
		hint_free(&cur);
		hints_free(hs);
	}
	sbuf_free(&key);
	sbuf_free(&value);
	return rc;
}

int hints_builtin(struct hints *h, char *err, size_t errlen)
{
	return hints_parse(h, hints_text, err, errlen);
}

/* Does a word of s (a run of letters, digits, '.', '_' or '-') start with w (whole: be w)? */
static bool has_word(const char *s, const char *w, bool whole)
{
	size_t wl = strlen(w);
	if (!s || !wl)
		return false;
	for (const char *p = s; *p;) {
		while (*p && !(isalnum((unsigned char)*p) || strchr("._-", *p)))
			p++;
		const char *start = p;
		while (*p && (isalnum((unsigned char)*p) || strchr("._-", *p)))
			p++;
		if ((size_t)(p - start) >= wl && strncasecmp(start, w, wl) == 0 &&
		    (!whole || (size_t)(p - start) == wl))
			return true;
	}
	return false;
}

static bool any_word(const struct hint_list *l, const char *const *subjects, size_t ns,
		     bool whole)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < ns; k++)
			if (has_word(subjects[k], l->v[i], whole))
				return true;
	return false;
}

const struct hint *hints_match(const struct hints *h, const struct hint_subject *s,
			       enum hint_confidence *conf)
{
	const char *prog[] = {s->comm, s->cmdline, s->exe, s->program};
	const char *own[] = {s->cmdline, s->env};
	for (size_t i = 0; i < h->n; i++) {
		const struct hint *x = &h->v[i];
		if (x->programs.n && !any_word(&x->programs, prog, ARRAY_SIZE(prog), false))
			continue;
		if (x->causes && !(x->causes & (1u << s->cause)))
			continue;
		bool kind = !x->kinds.n;
		for (size_t k = 0; k < x->kinds.n && !kind; k++)
			kind = s->kind && strcmp(x->kinds.v[k], s->kind) == 0;
		if (!kind)
			continue;
		bool sig = !x->signals.n;
		for (size_t k = 0; k < x->signals.n && !sig; k++)
			sig = s->signal && strcmp(x->signals.v[k], s->signal) == 0;
		if (!sig)
			continue;
		enum hint_confidence c = HINT_MATCHED;
		if (x->parents.n) {
			if (!s->parent_cmdline)
				c = any_word(&x->confirms, own, ARRAY_SIZE(own), true) ? HINT_OWN : HINT_UNCONFIRMED;
			else if (!any_word(&x->parents, &s->parent_cmdline, 1, false))
				continue;
		}
		if (conf)
			*conf = c;
		return x;
	}
	return NULL;
}
