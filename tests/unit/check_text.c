/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The text paths: sanitiser, JSON writer, sizes, times. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/charset.h"
#include "base/fmt.h"
#include "base/json.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/when.h"
#include "kinds/dump.h"
#include "output/report.h"
#include "testutil.h"

static char *san(const char *s, size_t n, unsigned flags)
{
	struct sbuf b;
	sbuf_init(&b);
	sanitize_append(&b, s, n, flags);
	return b.s;
}

#define CHECK_SAN(in, out) \
	do { \
		char *got_ = san(in, sizeof(in) - 1, 0); \
		ck_assert_str_eq(got_, out); \
		free(got_); \
	} while (0)

START_TEST(sanitize_controls)
{
	CHECK_SAN("plain name.core", "plain name.core");
	CHECK_SAN("a\nb\tc\rd", "a\\nb\\tc\\rd");
	CHECK_SAN("\x1b]0;owned\x07", "\\x1b]0;owned\\x07");          /* OSC title */
	CHECK_SAN("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");       /* colours */
	CHECK_SAN("\x1b[200~paste", "\\x1b[200~paste");                /* bracketed paste */
	CHECK_SAN("back\\slash", "back\\\\slash");
	CHECK_SAN("del\x7f", "del\\x7f");
	CHECK_SAN("nul\0byte", "nul\\x00byte");
}
END_TEST

START_TEST(sanitize_utf8)
{
	CHECK_SAN("caf\xc3\xa9", "caf\xc3\xa9");                      /* valid UTF-8 stays */
	CHECK_SAN("\xe2\x9c\x93 ok", "\xe2\x9c\x93 ok");
	CHECK_SAN("raw\x9b" "31m", "raw\\x9b31m");                     /* raw C1 CSI byte */
	CHECK_SAN("\xc2\x9b" "31m", "\\u009b31m");                     /* C1 CSI as UTF-8 */
	CHECK_SAN("\xe2\x80\xae" "gpj.exe", "\\u202egpj.exe");         /* bidi override */
	CHECK_SAN("\xd8\x9c" "ALM", "\\u061cALM");                     /* ARABIC LETTER MARK */
	/* every other Bidi_Control character: LRM, RLM, LRE..RLO, LRI..PDI */
	static const unsigned bidi[] = {0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
					0x2066, 0x2067, 0x2068, 0x2069};
	for (size_t i = 0; i < ARRAY_SIZE(bidi); i++) {
		char in[4] = {(char)(0xe0 | bidi[i] >> 12), (char)(0x80 | (bidi[i] >> 6 & 0x3f)),
			      (char)(0x80 | (bidi[i] & 0x3f)), 0}, want[8];
		snprintf(want, sizeof(want), "\\u%04x", bidi[i]);
		CHECK_SAN(in, want);
	}
	CHECK_SAN("bad\xff\xfe", "bad\\xff\\xfe");                     /* invalid bytes */
	CHECK_SAN("\xc0\xaf", "\\xc0\\xaf");                           /* overlong '/' */
	CHECK_SAN("\xed\xa0\x80", "\\xed\\xa0\\x80");                  /* surrogate */
	CHECK_SAN("cut\xe2\x9c", "cut\\xe2\\x9c");                     /* truncated sequence */
	char *a = san("caf\xc3\xa9", 5, SAN_ASCII);
	ck_assert_str_eq(a, "caf\\xc3\\xa9");
	free(a);
}
END_TEST

START_TEST(sanitize_output_has_no_controls)
{
	/* Every byte value, alone and in pairs: no control byte may survive. */
	unsigned char in[512];
	for (int i = 0; i < 256; i++)
		in[2 * i] = (unsigned char)i, in[2 * i + 1] = (unsigned char)(255 - i);
	char *out = san((const char *)in, sizeof(in), 0);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
		ck_assert_msg(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x survived", *p);
		if (*p == 0xc2)
			ck_assert_msg(p[1] < 0x80 || p[1] > 0x9f, "UTF-8 C1 control survived");
	}
	free(out);
}
END_TEST

static char *json_of(void (*write)(struct json_out *), bool pretty)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct json_out j;
	json_init(&j, f, pretty);
	write(&j);
	json_flush(&j);
	fclose(f);
	return buf;
}

static void write_strings(struct json_out *j)
{
	json_obj_begin(j, NULL);
	json_str(j, "a", "q\"b\\n\nt\t\x01\x1b");
	json_strn(j, "bad", "x\xff\xc3\xa9\x80", 5);
	json_str(j, "c1", "\xc2\x9b");
	json_str(j, "null", NULL);
	json_arr_begin(j, "list");
	json_u64(j, NULL, 18446744073709551615ull);
	json_i64(j, NULL, -5);
	json_bool(j, NULL, true);
	json_hex(j, NULL, 0xdeadbeefull);
	json_arr_end(j);
	json_arr_begin(j, "empty");
	json_arr_end(j);
	json_obj_end(j);
}

START_TEST(json_escapes)
{
	char *s = json_of(write_strings, false);
	ck_assert_str_eq(s, "{\"a\":\"q\\\"b\\\\n\\nt\\t\\u0001\\u001b\","
			    "\"bad\":\"x\\udcff\xc3\xa9\\udc80\","
			    "\"c1\":\"\\u009b\","
			    "\"null\":null,"
			    "\"list\":[18446744073709551615,-5,true,\"0xdeadbeef\"],"
			    "\"empty\":[]}");
	free(s);
}
END_TEST

/* A byte-at-a-time escaper, the rule json.h states, to hold the writer's output against. */
static size_t ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		const char *named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
				  : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b"
				  : c == '\f' ? "\\f" : NULL;
		if (named)
			o += (size_t)sprintf(out + o, "%s", named);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(out + o, "\\u%04x", c);
		else if (c >= 0x80) /* alone between ASCII bytes: never well-formed UTF-8 */
			o += (size_t)sprintf(out + o, "\\udc%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

START_TEST(json_every_byte_at_the_buffer_edge)
{
	/* The writer gathers output in an 8 KiB buffer and copies plain runs in one pass: every
	 * byte value, in a key and in a value, before, on and after the buffer's edge and in
	 * strings longer than the buffer, comes out as the byte-at-a-time rule says. */
	static const size_t fills[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				       17, 23, 24, 25, 8180, 8185, 8188, 8189, 8190, 8191, 8192,
				       8193, 8194, 8200, 16383, 16384, 16390, 20000};
	size_t cap = 20000 + 16;
	unsigned char *in = malloc(cap);
	char *want = malloc(6 * cap + 16), *body = malloc(6 * cap);
	for (size_t f = 0; f < ARRAY_SIZE(fills); f++) {
		for (unsigned c = 0; c < 256; c++) {
			size_t n = fills[f];
			memset(in, 'x', n);
			in[n++] = (unsigned char)c;
			memcpy(in + n, "yz", 2);
			n += 2;
			ref_escape(body, in, n);
			char *buf = NULL;
			size_t len = 0;
			FILE *fp = open_memstream(&buf, &len);
			struct json_out j;
			json_init(&j, fp, false);
			json_strn(&j, NULL, (const char *)in, n);
			json_end(&j);
			fclose(fp);
			sprintf(want, "\"%s\"\n", body);
			ck_assert_msg(strcmp(buf, want) == 0, "byte 0x%02x after %zu bytes", c, fills[f]);
			free(buf);

			/* A key from a dump (json_str_keyn), compact and pretty: the pretty one
			 * takes key_fast's path up to its length, whose check must see every byte. */
			for (int pretty = 0; pretty < 2; pretty++) {
				fp = open_memstream(&buf, &len);
				json_init(&j, fp, pretty);
				json_obj_begin(&j, NULL);
				json_str_keyn(&j, (const char *)in, n, "v");
				json_obj_end(&j);
				json_end(&j);
				fclose(fp);
				sprintf(want, pretty ? "{\n  \"%s\": \"v\"\n}\n" : "{\"%s\":\"v\"}\n", body);
				ck_assert_msg(strcmp(buf, want) == 0, "key byte 0x%02x after %zu bytes%s", c,
					      fills[f], pretty ? ", pretty" : "");
				free(buf);
			}
		}
	}
	free(in);
	free(want);
	free(body);
}
END_TEST

static void write_nested(struct json_out *j)
{
	json_obj_begin(j, NULL);
	json_u64(j, "a", 1);
	json_arr_begin(j, "b");
	json_obj_begin(j, NULL);
	json_null(j, "c");
	json_str(j, "d", "e");
	json_obj_end(j);
	json_arr_begin(j, NULL);
	json_arr_end(j);
	json_hex(j, NULL, 0);
	json_arr_end(j);
	json_obj_begin(j, "f");
	json_obj_end(j);
	json_obj_end(j);
}

START_TEST(json_pretty_layout)
{
	/* Commas, newlines and indentation come from one separator string: each depth, the
	 * first item and the later ones, empty containers. */
	char *buf = json_of(write_nested, true);
	ck_assert_str_eq(buf, "{\n  \"a\": 1,\n  \"b\": [\n    {\n      \"c\": null,\n"
			      "      \"d\": \"e\"\n    },\n    [],\n    \"0x0\"\n  ],\n"
			      "  \"f\": {}\n}");
	free(buf);
	/* Deeper than JSON_MAX_DEPTH: the indentation stops growing, and stays well-formed. */
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct json_out j;
	json_init(&j, fp, true);
	for (int i = 0; i < JSON_MAX_DEPTH + 8; i++)
		json_arr_begin(&j, NULL);
	json_u64(&j, NULL, 7);
	json_u64(&j, NULL, 8);
	for (int i = 0; i < JSON_MAX_DEPTH + 8; i++)
		json_arr_end(&j);
	json_end(&j);
	fclose(fp);
	const char *seven = strstr(buf, "7,\n");
	ck_assert_ptr_nonnull(seven);
	size_t spaces = 0;
	for (const char *p = seven + 3; *p == ' '; p++)
		spaces++;
	ck_assert_uint_eq(spaces, 2 * (JSON_MAX_DEPTH - 1));
	ck_assert_int_eq(seven[3 + spaces], '8');
	free(buf);
}
END_TEST

START_TEST(json_long_numbers_whole)
{
	/* "%.6f" of a double near DBL_MAX is over 300 characters: written whole, in place. */
	char *buf = NULL, want[1024];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct json_out j;
	json_init(&j, fp, false);
	json_arr_begin(&j, NULL);
	json_u64(&j, NULL, 7);
	json_double(&j, NULL, 1e300);
	json_double(&j, NULL, -1.7e308);
	json_u64(&j, NULL, 8);
	json_arr_end(&j);
	json_end(&j);
	fclose(fp);
	snprintf(want, sizeof(want), "[7,%.6f,%.6f,8]\n", 1e300, -1.7e308);
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

static void write_optional(struct json_out *j)
{
	json_obj_begin(j, NULL);
	json_opt_i64(j, "i", true, -3);
	json_opt_i64(j, "ni", false, -3);
	json_opt_u64(j, "u", true, 0);
	json_opt_u64(j, "nu", false, 7);
	json_opt_hex(j, "h", true, 0x10);
	json_opt_hex(j, "nh", false, 0x10);
	json_opt_bool(j, "b", true, false);
	json_opt_bool(j, "nb", false, true);
	json_opt_double(j, "d", true, 0.5);
	json_opt_double(j, "nd", false, 0.5);
	json_opt_str(j, "s", "x");
	json_opt_str(j, "es", "");
	json_opt_str(j, "ns", NULL);
	json_obj_end(j);
}

START_TEST(json_optional_values)
{
	/* "unknown" is null, a real 0 or false stays a value. */
	char *s = json_of(write_optional, false);
	ck_assert_str_eq(s, "{\"i\":-3,\"ni\":null,\"u\":0,\"nu\":null,\"h\":\"0x10\",\"nh\":null,"
			    "\"b\":false,\"nb\":null,\"d\":0.500000,\"nd\":null,\"s\":\"x\","
			    "\"es\":null,\"ns\":null}");
	free(s);
}
END_TEST

START_TEST(json_roundtrip_python)
{
	/* The surrogateescape encoding is reversible with Python's standard library. */
	char *s = json_of(write_strings, false);
	char *dir = tu_mkdtemp("json");
	char *path = tu_path(dir, "doc.json");
	tu_write_file(path, s, strlen(s));
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "sys.stdout.write(d[\"bad\"].encode(\"utf-8\",\"surrogateescape\").hex())' %s", path);
	char *out;
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_str_eq(out, "78ffc3a980");
	free(out);
	tu_rmtree(dir);
	free(path);
	free(dir);
	free(s);
}
END_TEST

START_TEST(sizes)
{
	char b[FMT_SIZE_LEN];
	ck_assert_str_eq(fmt_size(b, 0, false), "0 B");
	ck_assert_str_eq(fmt_size(b, 1023, false), "1023 B");
	ck_assert_str_eq(fmt_size(b, 1024, false), "1.0 KiB");
	ck_assert_str_eq(fmt_size(b, 1048575, false), "1.0 MiB");
	ck_assert_str_eq(fmt_size(b, 180355072, false), "172.0 MiB");
	ck_assert_str_eq(fmt_size(b, 180355072, true), "180.4 MB");
	ck_assert_str_eq(fmt_size(b, 999, true), "999 B");
	ck_assert_str_eq(fmt_size(b, 1000, true), "1.0 kB");
	ck_assert_str_eq(fmt_size(b, UINT64_MAX, false), "16.0 EiB");
}
END_TEST

START_TEST(times)
{
	const int64_t now = 1800000000; /* 2027-01-15 08:00:00 UTC */
	int64_t t;
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(when_parse("2h", now, &t), 0);
	ck_assert_int_eq(t, now - 7200);
	ck_assert_int_eq(when_parse("3d", now, &t), 0);
	ck_assert_int_eq(t, now - 3 * 86400);
	ck_assert_int_eq(when_parse("1h30m", now, &t), 0);
	ck_assert_int_eq(t, now - 5400);
	ck_assert_int_eq(when_parse("90 min ago", now, &t), 0);
	ck_assert_int_eq(t, now - 5400);
	ck_assert_int_eq(when_parse("-1w", now, &t), 0);
	ck_assert_int_eq(t, now - 604800);
	ck_assert_int_eq(when_parse("@1700000000", now, &t), 0);
	ck_assert_int_eq(t, 1700000000);
	ck_assert_int_eq(when_parse("2026-11-24", now, &t), 0);
	ck_assert_int_eq(t, 1795478400);
	ck_assert_int_eq(when_parse("2026-11-24 10:00", now, &t), 0);
	ck_assert_int_eq(t, 1795478400 + 36000);
	ck_assert_int_eq(when_parse("2026-11-24T10:00:05Z", now, &t), 0);
	ck_assert_int_eq(t, 1795478400 + 36005);
	ck_assert_int_eq(when_parse("today", now, &t), 0);
	ck_assert_int_eq(t, 1799971200);
	ck_assert_int_eq(when_parse("yesterday", now, &t), 0);
	ck_assert_int_eq(t, 1799971200 - 86400);
	ck_assert_int_eq(when_parse("now", now, &t), 0);
	ck_assert_int_eq(t, now);
	ck_assert_int_eq(when_parse("", now, &t), -1);
	ck_assert_int_eq(when_parse("2x", now, &t), -1);
	ck_assert_int_eq(when_parse("h", now, &t), -1);
	ck_assert_int_eq(when_parse("2026-13-45", now, &t), -1);
	ck_assert_int_eq(when_parse("@12abc", now, &t), -1);
}
END_TEST

START_TEST(ages)
{
	char b[FMT_TIME_LEN];
	ck_assert_str_eq(fmt_age(b, 1000, 1000), "0s");
	ck_assert_str_eq(fmt_age(b, 1000, 955), "45s");
	ck_assert_str_eq(fmt_age(b, 10000, 10000 - 720), "12min");
	ck_assert_str_eq(fmt_age(b, 100000, 100000 - 3 * 3600), "3h");
	ck_assert_str_eq(fmt_age(b, 1000000, 1000000 - 5 * 86400), "5d");
	ck_assert_str_eq(fmt_age(b, 1000, 2000), "future");
}
END_TEST

START_TEST(gdb_hand_off)
{
	/* coredumpctl debug's command: the executable and the core, quoted for a shell; the
	 * sysroot for a core under /proc/PID/root; nothing for other kinds. */
	static const struct {
		int kind;
		const char *path, *exe, *want;
	} cases[] = {
		{DUMP_ELF_CORE, "/app/core.41", "/usr/bin/python3.11", "gdb /usr/bin/python3.11 /app/core.41"},
		{DUMP_ELF_CORE, "/srv/my app/core.7", "/opt/it's/x", "gdb '/opt/it'\\''s/x' '/srv/my app/core.7'"},
		{DUMP_ELF_CORE, "/proc/123/root/app/core.9", "/usr/bin/x",
		 "gdb -ex 'set sysroot /proc/123/root' /proc/123/root/usr/bin/x /proc/123/root/app/core.9"},
		{DUMP_GCORE, "/tmp/core.5", NULL, "gdb -c /tmp/core.5"},
		{DUMP_MINIDUMP, "/tmp/m.dmp", "/usr/bin/x", ""},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct dump d;
		memset(&d, 0, sizeof(d));
		d.kind = cases[i].kind;
		d.path = (char *)cases[i].path;
		d.core.exe_mapped = (char *)cases[i].exe;
		struct sbuf s;
		sbuf_init(&s);
		report_info_gdb(&s, &d, 0, " ");
		ck_assert_str_eq(s.len ? s.s : "", cases[i].want);
		sbuf_free(&s);
	}
}
END_TEST

/* POSIX's order: the first of LC_ALL, LC_CTYPE, LANG that is set and not empty decides. */
START_TEST(charset_env)
{
	ck_assert(charset_env_utf8(NULL, NULL, "C.UTF-8"));
	ck_assert(charset_env_utf8(NULL, NULL, "en_US.utf8"));
	ck_assert(charset_env_utf8(NULL, NULL, "de_DE.Utf-8@euro"));
	ck_assert(!charset_env_utf8(NULL, NULL, NULL));
	ck_assert(!charset_env_utf8(NULL, NULL, "C"));
	ck_assert(!charset_env_utf8(NULL, NULL, "en_US.ISO-8859-1"));
	ck_assert(!charset_env_utf8("C", NULL, "C.UTF-8"));     /* LC_ALL first */
	ck_assert(!charset_env_utf8(NULL, "POSIX", "C.UTF-8")); /* then LC_CTYPE */
	ck_assert(charset_env_utf8("", "", "C.UTF-8"));         /* empty is unset */
	ck_assert(charset_env_utf8("", "C.UTF-8", "C"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60); /* python3 starts slowly on a loaded machine */
	tcase_add_test(tc, sanitize_controls);
	tcase_add_test(tc, sanitize_utf8);
	tcase_add_test(tc, sanitize_output_has_no_controls);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_every_byte_at_the_buffer_edge);
	tcase_add_test(tc, json_pretty_layout);
	tcase_add_test(tc, json_long_numbers_whole);
	tcase_add_test(tc, json_optional_values);
	tcase_add_test(tc, json_roundtrip_python);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, times);
	tcase_add_test(tc, ages);
	tcase_add_test(tc, gdb_hand_off);
	tcase_add_test(tc, charset_env);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
