// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - a small streaming JSON writer.
 */
#include <assert.h>
#include <inttypes.h>

#include "json.h"

static struct {
	FILE *out;
	bool pretty;
	int depth;
	/* per open container: nothing written in it yet */
	bool empty[JSON_MAX_DEPTH];
} jw;

void json_init(FILE *out, bool pretty)
{
	jw.out = out;
	jw.pretty = pretty;
	jw.depth = 0;
}

static void json_indent(int depth)
{
	fputc('\n', jw.out);
	while (depth-- > 0)
		fputs("    ", jw.out);
}

static void json_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', jw.out);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", jw.out);
			break;
		case '\\':
			fputs("\\\\", jw.out);
			break;
		case '\b':
			fputs("\\b", jw.out);
			break;
		case '\f':
			fputs("\\f", jw.out);
			break;
		case '\n':
			fputs("\\n", jw.out);
			break;
		case '\r':
			fputs("\\r", jw.out);
			break;
		case '\t':
			fputs("\\t", jw.out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(jw.out, "\\u%04x", *p);
			else
				fputc(*p, jw.out);
		}
	}
	fputc('"', jw.out);
}

/* Separator, indentation and key before a value. */
static void json_begin_value(const char *key)
{
	if (!jw.out)
		jw.out = stdout;

	if (jw.depth > 0) {
		if (!jw.empty[jw.depth - 1])
			fputc(',', jw.out);
		jw.empty[jw.depth - 1] = false;
		if (jw.pretty)
			json_indent(jw.depth);
	}
	if (key) {
		json_escape(key);
		fputs(jw.pretty ? ": " : ":", jw.out);
	}
}

/* After a complete value: end the document at the top level. */
static void json_end_value(void)
{
	if (jw.depth == 0) {
		fputc('\n', jw.out);
		fflush(jw.out);
	}
}

static void json_open(const char *key, char c)
{
	json_begin_value(key);
	fputc(c, jw.out);
	assert(jw.depth < JSON_MAX_DEPTH);
	jw.empty[jw.depth++] = true;
}

static void json_close(char c)
{
	assert(jw.depth > 0);
	jw.depth--;
	if (jw.pretty && !jw.empty[jw.depth])
		json_indent(jw.depth);
	fputc(c, jw.out);
	json_end_value();
}

void json_open_object(const char *key)
{
	json_open(key, '{');
}

void json_close_object(void)
{
	json_close('}');
}

void json_open_array(const char *key)
{
	json_open(key, '[');
}

void json_close_array(void)
{
	json_close(']');
}

void json_string(const char *key, const char *val)
{
	json_begin_value(key);
	json_escape(val);
	json_end_value();
}

void json_uint(const char *key, uint64_t val)
{
	json_begin_value(key);
	fprintf(jw.out, "%" PRIu64, val);
	json_end_value();
}

void json_int(const char *key, int64_t val)
{
	json_begin_value(key);
	fprintf(jw.out, "%" PRId64, val);
	json_end_value();
}

void json_bool(const char *key, bool val)
{
	json_begin_value(key);
	fputs(val ? "true" : "false", jw.out);
	json_end_value();
}

void json_null(const char *key)
{
	json_begin_value(key);
	fputs("null", jw.out);
	json_end_value();
}

static bool print_json(enum output_type t)
{
	return kvx_opts.json && (t & PRINT_JSON);
}

static bool print_fp(enum output_type t)
{
	return !kvx_opts.json && (t & PRINT_FP);
}

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val)
{
	if (print_json(t))
		json_string(key, val);
	else if (print_fp(t) && fmt)
		printf(fmt, val);
}

void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int val)
{
	if (print_json(t))
		json_uint(key, val);
	else if (print_fp(t) && fmt)
		printf(fmt, val);
}

void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t val)
{
	if (print_json(t))
		json_uint(key, val);
	else if (print_fp(t) && fmt)
		printf(fmt, val);
}

void print_ms_as_s(enum output_type t, const char *key, const char *fmt,
		   uint64_t ms)
{
	char buf[24];

	if (print_json(t)) {
		json_uint(key, ms);
	} else if (print_fp(t) && fmt) {
		snprintf(buf, sizeof(buf), "%" PRIu64 "s", ms / 1000);
		printf(fmt, buf);
	}
}

void print_on_off(enum output_type t, const char *key, const char *fmt,
		  bool val)
{
	if (print_json(t))
		json_bool(key, val);
	else if (print_fp(t) && fmt)
		printf(fmt, val ? "on" : "off");
}

void print_0xhex(enum output_type t, const char *key, const char *fmt,
		 uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#" PRIx64, val);
	print_string(t, key, fmt, buf);
}

void print_open_object(const char *key)
{
	if (kvx_opts.json)
		json_open_object(key);
}

void print_close_object(void)
{
	if (kvx_opts.json)
		json_close_object();
}

void print_open_array(const char *key)
{
	if (kvx_opts.json)
		json_open_array(key);
}

void print_close_array(void)
{
	if (kvx_opts.json)
		json_close_array();
}

void print_pad(int n)
{
	if (!kvx_opts.json && n > 0)
		printf("%*s", n, "");
}
