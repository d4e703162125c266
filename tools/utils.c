// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - command line parsing and formatting helpers.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>

#include "kvxlan.h"
#include "utils.h"

bool (*kvx_report_gate)(void);

void kvx_report(const char *level, const char *msg)
{
	size_t len = strlen(msg);

	if (kvx_report_gate && !kvx_report_gate())
		return;
	fflush(stdout);
	fprintf(stderr, "%s: %s%s\n", level, msg,
		len && msg[len - 1] == '.' ? "" : ".");
}

int kvx_err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kvx_report("Error", msg);
	return KVX_EXIT_USAGE;
}

int kvx_try_help(const char *obj, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kvx_err("%s. Try \"kvxlan %s help\"", msg, obj);
}

int parse_uint(const char *arg, int base, unsigned long long max,
	       unsigned long long *val)
{
	unsigned long long v;
	char *end;

	if (base == 0) {
		if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
			arg += 2;
			base = 16;
		} else {
			base = 10;
		}
	}

	/* strtoull() would accept leading blanks and a sign: refuse them. */
	if (!isxdigit((unsigned char)arg[0]))
		return -1;

	errno = 0;
	v = strtoull(arg, &end, base);
	if (errno || end == arg || *end || v > max)
		return -1;

	*val = v;
	return 0;
}

int parse_u32(const char *arg, uint32_t *val)
{
	unsigned long long v;

	if (parse_uint(arg, 10, UINT32_MAX, &v))
		return -1;
	*val = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_mac(const char *arg, uint8_t mac[KVX_MAC_LEN])
{
	int i, d, v, n;

	for (i = 0; i < KVX_MAC_LEN; i++) {
		if (i && *arg++ != ':')
			return -1;
		v = 0;
		for (n = 0; n < 2 && (d = hex_digit(*arg)) >= 0; n++, arg++)
			v = v * 16 + d;
		if (!n)
			return -1;
		mac[i] = v;
	}
	return *arg ? -1 : 0;
}

const char *format_mac(const uint8_t *mac, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < KVX_MAC_LEN; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 0xf];
		buf[3 * i + 2] = i < KVX_MAC_LEN - 1 ? ':' : '\0';
	}
	return buf;
}

static struct {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
} kvx_ifcache;

int kvx_ifindex(const char *name, unsigned int *ifindex)
{
	if (kvx_ifcache.ifindex && !strcmp(name, kvx_ifcache.name)) {
		*ifindex = kvx_ifcache.ifindex;
		return KVX_EXIT_OK;
	}
	*ifindex = if_nametoindex(name);
	if (!*ifindex)
		return kvx_err("Cannot find device \"%s\"", name);
	if (strlen(name) < sizeof(kvx_ifcache.name)) {
		snprintf(kvx_ifcache.name, sizeof(kvx_ifcache.name), "%s", name);
		kvx_ifcache.ifindex = *ifindex;
	}
	return KVX_EXIT_OK;
}

void kvx_ifindex_forget(void)
{
	kvx_ifcache.ifindex = 0;
}

const char *kvx_ifname(unsigned int ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

int parse_on_off(const char *arg, bool *val)
{
	if (!strcmp(arg, "on"))
		*val = true;
	else if (!strcmp(arg, "off"))
		*val = false;
	else
		return -1;
	return 0;
}

int parse_addr(const char *arg, struct kvx_addr *addr)
{
	memset(addr, 0, sizeof(*addr));

	if (inet_pton(AF_INET, arg, &addr->v4) == 1) {
		addr->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &addr->v6) == 1) {
		addr->family = AF_INET6;
		return 0;
	}
	return -1;
}

size_t addr_len(const struct kvx_addr *addr)
{
	return addr->family == AF_INET ? sizeof(addr->v4) : sizeof(addr->v6);
}

const char *format_addr(const void *raw, size_t len, char *buf, size_t size)
{
	int family;

	if (len == sizeof(struct in_addr))
		family = AF_INET;
	else if (len == sizeof(struct in6_addr))
		family = AF_INET6;
	else
		return NULL;

	return inet_ntop(family, raw, buf, size);
}

bool mem_is_zero(const void *raw, size_t len)
{
	const unsigned char *p = raw;

	while (len--)
		if (*p++)
			return false;
	return true;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "-help") || !strcmp(arg, "--help");
}

int kvx_lookup(const char *arg, const struct kvx_word *words, size_t n,
	       const char *help)
{
	size_t i, len = strlen(arg), off = 0;
	char list[256];
	int id = -1;

	for (i = 0; i < n; i++)
		if (!strcmp(arg, words[i].name))
			return words[i].id;
	if (!len)
		return -1;
	for (i = 0; i < n; i++) {
		if (strncmp(arg, words[i].name, len))
			continue;
		if (id == -1)
			id = words[i].id;
		else if (id != words[i].id)
			id = -2;
	}
	if (id != -2)
		return id;

	list[0] = '\0';
	for (i = 0; i < n; i++)
		if (!strncmp(arg, words[i].name, len) && off < sizeof(list))
			off += snprintf(list + off, sizeof(list) - off, "%s%s",
					off ? ", " : "", words[i].name);
	kvx_err("\"%s\" is ambiguous: %s. Try \"%s\"", arg, list, help);
	return -2;
}

int check_ifname(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!len)
		return kvx_err("Invalid device name \"\": empty");
	if (len >= IF_NAMESIZE)
		return kvx_err("Invalid device name \"%s\": longer than %d characters",
			       name, IF_NAMESIZE - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return kvx_err("Invalid device name \"%s\"", name);
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return kvx_err("Invalid device name \"%s\": no '/', ':' or blank",
				       name);
	return KVX_EXIT_OK;
}

int parse_range(const char *what, const char *arg, unsigned long long min,
		unsigned long long max, unsigned long long *val)
{
	if (parse_uint(arg, 10, ULLONG_MAX, val))
		return kvx_err("Invalid %s \"%s\": expected a decimal number",
			       what, arg);
	if (*val < min || *val > max)
		return kvx_err("Invalid %s \"%s\": out of range, expected %llu..%llu",
			       what, arg, min, max);
	return KVX_EXIT_OK;
}
