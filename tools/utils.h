/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - command line parsing and formatting helpers.
 */
#ifndef KVXLAN_UTILS_H
#define KVXLAN_UTILS_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Room for any address format_addr() prints. */
#define KVX_ADDRSTRLEN	INET6_ADDRSTRLEN

/* An IPv4 or IPv6 address as it goes on the wire (network byte order). */
struct kvx_addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/*
 * Print "<level>: <msg>" on stderr the way iproute2 prints extack messages:
 * a full stop is added when msg does not end with one. Standard output is
 * flushed first, so that messages and output come in order. When
 * kvx_report_gate is set, it runs first and the message is dropped if it
 * returns false (batch mode: see nl_report_gate()).
 */
void kvx_report(const char *level, const char *msg);
extern bool (*kvx_report_gate)(void);

/* kvx_report("Error", ...) with a format; returns KVX_EXIT_USAGE. */
int kvx_err(const char *fmt, ...) __printf(1, 2);

/*
 * kvx_err() of a usage error of "kvxlan OBJ ...", pointing at that
 * object's help: "<msg>. Try \"kvxlan OBJ help\"". Returns KVX_EXIT_USAGE.
 */
int kvx_try_help(const char *obj, const char *fmt, ...) __printf(2, 3);

/*
 * Numbers. parse_uint() takes base 10, or 0 for "decimal, or hexadecimal
 * after 0x" (never octal); it refuses signs, spaces, empty strings and
 * values above max. All return 0 or -1.
 */
int parse_uint(const char *arg, int base, unsigned long long max,
	       unsigned long long *val);
int parse_u32(const char *arg, uint32_t *val);

/* A MAC address: six groups of one or two hex digits separated by ':'. */
#define KVX_MAC_LEN	6
#define KVX_MACSTRLEN	18
int parse_mac(const char *arg, uint8_t mac[KVX_MAC_LEN]);
const char *format_mac(const uint8_t *mac, char *buf);

/*
 * The index of interface name; prints 'Cannot find device "name"' and
 * returns KVX_EXIT_USAGE when there is none. The last answer is kept
 * until kvx_ifindex_forget() (which "link" commands call), so that a batch
 * does not look the same name up once per line.
 */
int kvx_ifindex(const char *name, unsigned int *ifindex);
void kvx_ifindex_forget(void);

/* The name of ifindex, or "if<N>" when it has none here. */
const char *kvx_ifname(unsigned int ifindex, char *buf);

/* "on" or "off". */
int parse_on_off(const char *arg, bool *val);

/* A literal IPv4 or IPv6 address (inet_pton). */
int parse_addr(const char *arg, struct kvx_addr *addr);
size_t addr_len(const struct kvx_addr *addr);

/*
 * Format a raw 4 or 16 byte address into buf (KVX_ADDRSTRLEN bytes).
 * Returns buf, or NULL for any other length.
 */
const char *format_addr(const void *raw, size_t len, char *buf, size_t size);

/* "help", "-h", "-help" or "--help": a request for help, anywhere. */
bool is_help(const char *arg);

/*
 * A word of a table: a command or object name, or a synonym of one (same
 * id). kvx_lookup() takes the exact word or, as ip does, a prefix of it
 * ("sh" for "show"), as long as every word it starts names the same id.
 * Returns the id; -1 when nothing matches (nothing printed), -2 when the
 * prefix is ambiguous (an error naming the candidates is printed, ending
 * with "Try \"help\"").
 */
struct kvx_word {
	const char *name;
	int id;
};

int kvx_lookup(const char *arg, const struct kvx_word *words, size_t n,
	       const char *help);

/*
 * An interface name as the kernel takes it (dev_valid_name()): 1 to
 * IFNAMSIZ - 1 characters, not "." or "..", no '/', ':' or blank. Prints
 * why not and returns KVX_EXIT_USAGE.
 */
int check_ifname(const char *name);

/*
 * A decimal number within [min, max], as the uapi header limits it. On
 * error prints "Invalid WHAT "ARG": expected a decimal number" or "...:
 * out of range, expected MIN..MAX" and returns KVX_EXIT_USAGE.
 */
int parse_range(const char *what, const char *arg, unsigned long long min,
		unsigned long long max, unsigned long long *val);

/* True if the len bytes at raw are all zero. */
bool mem_is_zero(const void *raw, size_t len);

#endif /* KVXLAN_UTILS_H */
