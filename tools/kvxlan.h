/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan - command line tool: what every object file shares.
 */
#ifndef KVXLAN_TOOL_H
#define KVXLAN_TOOL_H

#include <stdbool.h>
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

/* link.c */
int link_run(int argc, char **argv);
void link_usage(FILE *out);

#endif /* KVXLAN_TOOL_H */
