/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - a small streaming JSON writer.
 *
 * There is one writer per process. Containers nest up to JSON_MAX_DEPTH;
 * key is the member name inside an object and NULL inside an array or at the
 * top level. A newline follows the outermost value.
 */
#ifndef KVXLAN_JSON_H
#define KVXLAN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kvxlan.h"

#define JSON_MAX_DEPTH	16

void json_init(FILE *out, bool pretty);

void json_open_object(const char *key);
void json_close_object(void);
void json_open_array(const char *key);
void json_close_array(void);

void json_string(const char *key, const char *val);
void json_uint(const char *key, uint64_t val);
void json_int(const char *key, int64_t val);
void json_bool(const char *key, bool val);
void json_null(const char *key);

/*
 * One call per field, for text and JSON alike, as iproute2's print_*():
 * with -j the value goes to the JSON writer under key (PRINT_JSON, or
 * PRINT_ANY), else fmt is printed with it (PRINT_FP, or PRINT_ANY). So a
 * field's text and its JSON value are the same value: "ttl auto" is
 * "ttl": "auto", never "ttl": 0. fmt or key may be NULL when that side
 * prints nothing.
 */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void print_string(enum output_type t, const char *key, const char *fmt,
		  const char *val);
void print_uint(enum output_type t, const char *key, const char *fmt,
		unsigned int val);
/* A 64-bit counter: fmt takes a uint64_t ("%" PRIu64). */
void print_u64(enum output_type t, const char *key, const char *fmt,
	       uint64_t val);
/*
 * A time in milliseconds: JSON the number of milliseconds, text fmt with
 * the whole seconds as a string ("12s").
 */
void print_ms_as_s(enum output_type t, const char *key, const char *fmt,
		   uint64_t ms);
/* JSON true / false; text: fmt with "on" / "off". */
void print_on_off(enum output_type t, const char *key, const char *fmt,
		  bool val);
/* JSON: the string "0x..." (as iproute2's print_0xhex); text: fmt. */
void print_0xhex(enum output_type t, const char *key, const char *fmt,
		 uint64_t val);
/* JSON only: a nested object (key) and its end. */
void print_open_object(const char *key);
void print_close_object(void);
/* JSON only: an array (key) and its end. */
void print_open_array(const char *key);
void print_close_array(void);
/* Text only: n spaces (a table's padding). */
void print_pad(int n);

#endif /* KVXLAN_JSON_H */
