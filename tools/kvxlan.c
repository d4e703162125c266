// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - configure kvxlan devices.
 *
 *   kvxlan [ OPTIONS ] OBJECT { COMMAND | help }
 *
 * Each OBJECT lives in its own file and is listed in kvx_objects[] below.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kvxlan.h"
#include "json.h"
#include "utils.h"

#ifndef KVX_VERSION
#define KVX_VERSION "unknown"
#endif

struct kvx_opts kvx_opts;

static const struct kvx_object kvx_objects[] = {
	{ "link", link_run, link_usage },	/* rtnetlink: link.c */
	/*
	 * Objects of the "kvxlan" generic netlink family go here, one file
	 * each: fdb, flood, group, stats, monitor.
	 */
};

#define KVX_NR_OBJECTS	ARRAY_SIZE(kvx_objects)

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: kvxlan [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       kvxlan [ -V | --version ]\n"
		"       kvxlan help\n"
		"where  OBJECT := {");
	for (i = 0; i < KVX_NR_OBJECTS; i++)
		fprintf(out, "%s %s", i ? " |" : "", kvx_objects[i].name);
	fprintf(out,
		" }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -h[elp] }\n"
		"\n");
	for (i = 0; i < KVX_NR_OBJECTS; i++)
		kvx_objects[i].usage(out);
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *name;
	size_t i;
	int opt;

	/* "+": options end at the object, as in "kvxlan -j link show". */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jpVh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			kvx_opts.json = true;
			break;
		case 'p':
			kvx_opts.json = true;
			kvx_opts.pretty = true;
			break;
		case 'V':
			printf("kvxlan %s\n", KVX_VERSION);
			return KVX_EXIT_OK;
		case 'h':
			usage(stdout);
			return KVX_EXIT_OK;
		default:
			if (!strncmp(argv[optind - 1], "--", 2))
				return kvx_err("Invalid option \"%s\". Try \"kvxlan help\"",
					       argv[optind - 1]);
			return kvx_err("Invalid option \"-%c\". Try \"kvxlan help\"",
				       optopt);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc < 1) {
		usage(stderr);
		return KVX_EXIT_USAGE;
	}

	name = argv[0];
	if (!strcmp(name, "help")) {
		usage(stdout);
		return KVX_EXIT_OK;
	}

	json_init(stdout, kvx_opts.pretty);

	for (i = 0; i < KVX_NR_OBJECTS; i++)
		if (!strcmp(name, kvx_objects[i].name))
			return kvx_objects[i].run(argc - 1, argv + 1);

	return kvx_err("Unknown object \"%s\". Try \"kvxlan help\"", name);
}
