/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util: allocation that cannot fail silently, and a growable byte buffer. */
#ifndef COREDU_UTIL_H
#define COREDU_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of `*cap` elements of `size` bytes so it holds at least `need`. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A NUL-terminated byte buffer; `s` is never NULL after sbuf_init. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_add(struct sbuf *b, const void *data, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Hand the string to the caller and leave the buffer empty. */
char *sbuf_take(struct sbuf *b);

/* Adding sizes read from hostile files must not wrap. */
static inline uint64_t sat_add_u64(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* qsort of an empty array is undefined when its base is NULL (C11 7.22.5), and an empty
 * array often is: a core without PT_LOAD, a scan without dumps.  Sort through these. */
static inline void sort_array(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	/* Arrays that come sorted (a core's PT_LOADs, in address order unless core_sort_vma)
	 * cost one pass instead of glibc's merge sort and its buffer. */
	const char *b = base;
	size_t i = 1;
	while (i < n && cmp(b + (i - 1) * size, b + i * size) <= 0)
		i++;
	if (i < n)
		qsort(base, n, size, cmp);
}

static inline void sort_array_r(void *base, size_t n, size_t size,
				int (*cmp)(const void *, const void *, void *), void *arg)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, arg);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
