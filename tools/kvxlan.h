/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - command line tool: what every object file shares.
 */
#ifndef KVXLAN_TOOL_H
#define KVXLAN_TOOL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit status of the tool. */
enum {
	KVX_EXIT_OK = 0,	/* success */
	KVX_EXIT_USAGE = 1,	/* bad command line, unknown device, ... */
	KVX_EXIT_KERNEL = 2,	/* the kernel (or the netlink socket) failed */
};

/* Global options, set by main() before an object's handler runs. */
struct kvx_opts {
	bool json;		/* -j: JSON output */
	bool pretty;		/* -p: indented JSON (implies -j) */
};

extern struct kvx_opts kvx_opts;

/*
 * An object ("link", "fdb", ...): run() gets the words after the object's
 * name and returns the exit status; usage() prints the object's grammar.
 */
struct kvx_object {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

/* kvxlan.c: run one command line (OBJECT COMMAND ...); an exit status. */
int kvx_run(int argc, char **argv);

/* batch.c: "-batch FILE" */
int kvx_batch(const char *name);

/* link.c */
int link_run(int argc, char **argv);
void link_usage(FILE *out);

/* The kvxlan devices "kvxlan save" found (link_save()), in dump order. */
struct link_saved_dev {
	unsigned int ifindex;
	char name[16];			/* IF_NAMESIZE */
};

struct link_saved {
	struct link_saved_dev *dev;
	size_t n;
	size_t size;
};

/*
 * Print the "link add" line of every kvxlan device, or of name alone,
 * and list them in saved (the caller frees saved->dev); an exit status.
 */
int link_save(const char *name, struct link_saved *saved);

/* fdb.c */
int fdb_run(int argc, char **argv);
void fdb_usage(FILE *out);
/* "fdb add" lines of the static entries of ifindex (name); exit status. */
int fdb_save(unsigned int ifindex, const char *name);

struct nlmsghdr;

/* An FDB entry as KVXLAN_CMD_FDB_GET and KVXLAN_CMD_FDB_NTF carry it. */
struct fdb_entry {
	unsigned int ifindex;
	uint8_t event;			/* enum kvxlan_event, 0: none */
	uint8_t kind;			/* enum kvxlan_fdb_kind */
	uint8_t mac[6];
	uint8_t addr[16];
	uint8_t addr_len;		/* 4 or 16 */
	bool has_port;
	bool has_vni;
	uint16_t port;
	uint32_t vni;
	uint64_t created_ms;
	uint64_t updated_ms;
	uint64_t used_ms;
	uint64_t hits;
	uint64_t moves;
};

/* Take an FDB message apart; -1 if it has no complete entry. */
int fdb_entry_parse(const struct nlmsghdr *nlh, struct fdb_entry *e);
const char *fdb_kind_name(uint8_t kind);

/* flood.c */
int flood_run(int argc, char **argv);
void flood_usage(FILE *out);
int group_run(int argc, char **argv);
void group_usage(FILE *out);
/* The "flood replace" line of ifindex's flood list, if any; exit status. */
int flood_save(unsigned int ifindex, const char *name);

/* stats.c */
int stats_run(int argc, char **argv);
void stats_usage(FILE *out);

/* save.c */
int save_run(int argc, char **argv);
void save_usage(FILE *out);

/* monitor.c */
int monitor_run(int argc, char **argv);
void monitor_usage(FILE *out);

#endif /* KVXLAN_TOOL_H */
