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

#endif /* KVXLAN_JSON_H */
