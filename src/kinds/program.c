/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "kinds/program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define WORDS_MAX 256 /* words of a command line looked at: a program comes early */
#define DEPTH_MAX 8   /* launchers inside launchers */

enum takes { TAKES_SCRIPT, TAKES_CLASS, TAKES_COMMAND, TAKES_SELF, TAKES_BAD };
enum opt { OPT_NONE, OPT_VALUE, OPT_MODULE, OPT_FILE, OPT_SELF };

/* A span of text: a field of a rule line, or a word of the command line. */
struct span {
	const char *s;
	size_t n;
};

struct words {
	struct span v[WORDS_MAX];
	size_t n;
};

/* One line of the table, as spans into it. */
struct rule {
	struct span names, takes;
	struct span fields[16]; /* KIND:LIST, skip:N, assign */
	size_t nfields;
	bool too_many;
};

static bool span_is(struct span a, const char *s)
{
	return a.n == strlen(s) && memcmp(a.s, s, a.n) == 0;
}

/* The next run of non-blanks of [*p, end), or an empty span. */
static struct span next_field(const char **p, const char *end)
{
	const char *s = *p;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	const char *e = s;
	while (e < end && *e != ' ' && *e != '\t')
		e++;
	*p = e;
	return (struct span){s, (size_t)(e - s)};
}

static void parse_rule(const char *line, const char *end, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->names = next_field(&line, end);
	r->takes = next_field(&line, end);
	for (struct span f; (f = next_field(&line, end)).n;) {
		if (r->nfields == ARRAY_SIZE(r->fields)) {
			r->too_many = true;
			break;
		}
		r->fields[r->nfields++] = f;
	}
}

static enum takes takes_of(struct span t)
{
	return span_is(t, "script") ? TAKES_SCRIPT : span_is(t, "class") ? TAKES_CLASS
	     : span_is(t, "command") ? TAKES_COMMAND : span_is(t, "self") ? TAKES_SELF : TAKES_BAD;
}

/* Does one of the '|' (or ',') separated items of list match w?  An item ending in '*'
 * matches any word that starts with the rest. */
static bool list_has(struct span list, char sep, struct span w)
{
	for (const char *p = list.s, *end = list.s + list.n; p < end;) {
		const char *q = memchr(p, sep, (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
		if (n && p[n - 1] == '*' ? w.n >= n - 1 && memcmp(p, w.s, n - 1) == 0
					 : n == w.n && memcmp(p, w.s, n) == 0)
			return true;
		p += n + 1;
	}
	return false;
}

/* The item of a ',' list that the word is, or starts with as an option with its value
 * attached (--opt=VALUE, -oVALUE); *attached gets where the value starts, 0 if none. */
static bool list_has_option(struct span list, struct span w, size_t *attached)
{
	*attached = 0;
	for (const char *p = list.s, *end = list.s + list.n; p < end;) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
		bool prefix = n && w.n > n && memcmp(p, w.s, n) == 0;
		if (n == w.n && memcmp(p, w.s, n) == 0)
			return true;
		if (prefix && n > 2 && p[1] == '-' && w.s[n] == '=') {
			*attached = n + 1;
			return true;
		}
		if (prefix && n == 2) {
			*attached = 2;
			return true;
		}
		p += n + 1;
	}
	return false;
}

static const struct {
	const char *kind;
	enum opt opt;
} opt_kinds[] = {
	{"value:", OPT_VALUE}, {"module:", OPT_MODULE}, {"file:", OPT_FILE}, {"self:", OPT_SELF},
};

/* What the rule says of an option word; *attached as list_has_option. */
static enum opt option_of(const struct rule *r, struct span w, size_t *attached)
{
	for (size_t i = 0; i < r->nfields; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(opt_kinds); k++) {
			size_t kl = strlen(opt_kinds[k].kind);
			struct span f = r->fields[i];
			if (f.n > kl && memcmp(f.s, opt_kinds[k].kind, kl) == 0 &&
			    list_has_option((struct span){f.s + kl, f.n - kl}, w, attached))
				return opt_kinds[k].opt;
		}
	}
	return OPT_NONE;
}

static unsigned skip_of(const struct rule *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].n > 5 && memcmp(r->fields[i].s, "skip:", 5) == 0)
			return (unsigned)strtoul(r->fields[i].s + 5, NULL, 10);
	return 0;
}

static bool assigns(const struct rule *r)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (span_is(r->fields[i], "assign"))
			return true;
	return false;
}

static struct span base_name(struct span w)
{
	while (w.n > 1 && w.s[w.n - 1] == '/')
		w.n--;
	for (size_t i = w.n; i > 0; i--)
		if (w.s[i - 1] == '/')
			return (struct span){w.s + i, w.n - i};
	return w;
}

/* The rule for a launcher's base name, from the table's text; false if none. */
static bool find_rule(const char *table, struct span name, struct rule *r)
{
	for (const char *line = table; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		/* Only the names field is read until one matches: most programs match no rule. */
		const char *rest = line;
		struct span names = *line != '#' ? next_field(&rest, end) : (struct span){line, 0};
		if (names.n && list_has(names, '|', name)) {
			parse_rule(line, end, r);
			return true;
		}
		line = *end ? end + 1 : end;
	}
	return false;
}

static char *name_of(struct span w)
{
	return xstrndup(w.s, w.n < PROGRAM_NAME_MAX ? w.n : PROGRAM_NAME_MAX);
}

/* A file operand's base name, unless it names nothing ("-", ".", a directory's "/"). */
static char *file_name(struct span w, struct span launcher)
{
	struct span b = base_name(w);
	if (!b.n || span_is(b, "-") || span_is(b, ".") || span_is(b, "..") || span_is(b, "/"))
		return name_of(launcher);
	return name_of(b);
}

/* Long: one loop reads a launcher's options as its rule says; splitting it would pass the
 * walk's whole state around. */
static char *identify(const char *table, const struct words *w, size_t at, unsigned depth)
{
	struct rule r;
	struct span self = base_name(w->v[at]);
	if (!find_rule(table, self, &r) || depth > DEPTH_MAX)
		return depth ? file_name(w->v[at], self) : NULL;
	enum takes takes = takes_of(r.takes);
	unsigned skip = skip_of(&r);
	size_t i = at + 1;
	for (; i < w->n; i++) {
		struct span t = w->v[i];
		size_t attached;
		if (span_is(t, "--")) {
			i++;
			break;
		}
		bool option = t.n > 1 && (t.s[0] == '-' || t.s[0] == '+');
		enum opt o = option ? option_of(&r, t, &attached) : OPT_NONE;
		if (o == OPT_SELF)
			return name_of(self);
		if (o == OPT_MODULE || o == OPT_FILE) {
			struct span v = attached ? (struct span){t.s + attached, t.n - attached}
				      : i + 1 < w->n ? w->v[i + 1] : (struct span){"", 0};
			return o == OPT_FILE ? file_name(v, self) : v.n ? name_of(v) : name_of(self);
		}
		if (o == OPT_VALUE && !attached)
			i++;
		/* A launcher that runs itself takes no operand: its options go on (uwsgi). */
		if (option || takes == TAKES_SELF || (assigns(&r) && memchr(t.s, '=', t.n)))
			continue;
		if (!skip)
			break;
		skip--;
	}
	if (i >= w->n || takes == TAKES_SELF)
		return name_of(self);
	if (takes == TAKES_COMMAND)
		return identify(table, w, i, depth + 1);
	return takes == TAKES_CLASS ? name_of(w->v[i]) : file_name(w->v[i], self);
}

/* The words of the command line: argv where it is known, else its spaces split it. */
static void words_of(const struct core_info *ci, const char *launcher, struct words *w)
{
	w->n = 0;
	if (launcher)
		w->v[w->n++] = (struct span){launcher, strlen(launcher)};
	if (ci->argv) {
		for (uint32_t i = 0; i < ci->argc && w->n < WORDS_MAX; i++) {
			size_t n;
			const char *a = elfcore_arg(ci, i, &n);
			w->v[w->n++] = (struct span){a, n};
		}
		return;
	}
	size_t first = w->n;
	for (const char *p = ci->cmdline; p && *p && w->n < WORDS_MAX;) {
		p += strspn(p, " ");
		size_t n = strcspn(p, " ");
		if (n)
			w->v[w->n++] = (struct span){p, n};
		p += n;
	}
	/* A line cut short (the kernel's 80 bytes) may end inside a word: never a name. */
	if (ci->cmdline_cut && w->n > first)
		w->n--;
}

char *program_from_cmdline(const struct core_info *ci, const char *launcher)
{
	struct words *w = xmalloc(sizeof(*w));
	words_of(ci, launcher, w);
	char *name = w->n && w->v[0].n ? identify(program_text, w, 0, 0) : NULL;
	free(w);
	return name;
}

char *program_of_process(const char *cmdline, const char *exe, const char *comm)
{
	struct core_info ci;
	elfcore_init(&ci);
	size_t n = cmdline ? strlen(cmdline) : 0;
	if (n)
		elfcore_set_cmdline(&ci, cmdline, n, n, false);
	char *name = program_from_cmdline(&ci, NULL);
	elfcore_free(&ci);
	if (name)
		return name;
	size_t first = n ? strcspn(cmdline, " ") : 0;
	if (first)
		return file_name((struct span){cmdline, first}, (struct span){cmdline, first});
	if (exe && *exe)
		return name_of(base_name((struct span){exe, strlen(exe)}));
	return xstrdup(comm ? comm : "");
}

static bool option_list_ok(struct span list)
{
	for (const char *p = list.s, *end = list.s + list.n; p < end;) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);
		if (n < 2 || (p[0] != '-' && p[0] != '+'))
			return false;
		p += n + 1;
	}
	return true;
}

/* What is wrong with one option field, NULL if nothing. */
static const char *field_problem(struct span f)
{
	if (span_is(f, "assign"))
		return NULL;
	if (f.n > 5 && memcmp(f.s, "skip:", 5) == 0)
		return strspn(f.s + 5, "0123456789") == f.n - 5 ? NULL : "skip: takes a number";
	for (size_t k = 0; k < ARRAY_SIZE(opt_kinds); k++) {
		size_t kl = strlen(opt_kinds[k].kind);
		if (f.n > kl && memcmp(f.s, opt_kinds[k].kind, kl) == 0)
			return option_list_ok((struct span){f.s + kl, f.n - kl})
				       ? NULL : "options start with '-' or '+', separated by ','";
	}
	return "unknown field (value:, module:, file:, self:, skip:N, assign)";
}

int program_check_table(const char *text, char *err, size_t errlen)
{
	unsigned lineno = 0;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		lineno++;
		struct rule r;
		parse_rule(line, end, &r);
		const char *why = NULL;
		if (*line == '#' || !r.names.n)
			why = NULL;
		else if (takes_of(r.takes) == TAKES_BAD)
			why = "the second field must be script, class, command or self";
		else if (r.too_many)
			why = "too many fields";
		for (size_t i = 0; *line != '#' && r.names.n && !why && i < r.nfields; i++)
			why = field_problem(r.fields[i]);
		if (why) {
			snprintf(err, errlen, "programs.txt line %u: %s", lineno, why);
			return -1;
		}
		line = *end ? end + 1 : end;
	}
	return 0;
}
