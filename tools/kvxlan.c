// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - configure kvxlan devices.
 *
 *   kvxlan [ OPTIONS ] OBJECT { COMMAND | help }
 *   kvxlan [ OPTIONS ] -batch FILE
 *
 * Each OBJECT lives in its own file and is listed in kvx_objects[] below.
 */
#define _GNU_SOURCE		/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvxlan.h"
#include "json.h"
#include "nl.h"
#include "utils.h"

#ifndef KVX_VERSION
#define KVX_VERSION "unknown"
#endif

struct kvx_opts kvx_opts;

static const struct kvx_object kvx_objects[] = {
	{ "link", link_run, link_usage },	/* rtnetlink: link.c */
	/* The "kvxlan" generic netlink family, one file each. */
	{ "fdb", fdb_run, fdb_usage },
	{ "flood", flood_run, flood_usage },
	{ "group", group_run, group_usage },
	{ "stats", stats_run, stats_usage },
	{ "monitor", monitor_run, monitor_usage },
	{ "save", save_run, save_usage },	/* all of them: save.c */
};

#define KVX_NR_OBJECTS	ARRAY_SIZE(kvx_objects)

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: kvxlan [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       kvxlan [ OPTIONS ] -b[atch] FILE\n"
		"       kvxlan [ -V | --version ]\n"
		"       kvxlan help\n"
		"where  OBJECT := {");
	for (i = 0; i < KVX_NR_OBJECTS; i++)
		fprintf(out, "%s %s", i ? " |" : "", kvx_objects[i].name);
	fprintf(out,
		" }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -n[etns] NAME | -h[elp] }\n"
		"       FILE := a file of commands (OBJECT COMMAND ...), one per line;\n"
		"               \"-\" reads them from standard input\n"
		"\n");
	for (i = 0; i < KVX_NR_OBJECTS; i++)
		kvx_objects[i].usage(out);
}

int kvx_run(int argc, char **argv)
{
	struct kvx_word words[KVX_NR_OBJECTS + 1];
	const struct kvx_object *obj;
	int i, id;

	if (is_help(argv[0])) {
		usage(stdout);
		return KVX_EXIT_OK;
	}

	json_init(stdout, kvx_opts.pretty);

	for (i = 0; i < (int)KVX_NR_OBJECTS; i++)
		words[i] = (struct kvx_word){ kvx_objects[i].name, i };
	words[i] = (struct kvx_word){ "help", i };
	id = kvx_lookup(argv[0], words, KVX_NR_OBJECTS + 1, "kvxlan help");
	if (id == -2)
		return KVX_EXIT_USAGE;
	if (id < 0)
		return kvx_err("Unknown object \"%s\". Try \"kvxlan help\"",
			       argv[0]);
	if (id == (int)KVX_NR_OBJECTS) {
		usage(stdout);
		return KVX_EXIT_OK;
	}
	obj = &kvx_objects[id];

	/* "-h" anywhere after the object: that object's grammar, as "help". */
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && is_help(argv[i])) {
			obj->usage(stdout);
			return KVX_EXIT_OK;
		}
	}
	return obj->run(argc - 1, argv + 1);
}

/*
 * Whatever went to standard output must have been written: "kvxlan ... >
 * /dev/full" fails, as a full disk must not pass for a saved file.
 */
static int output_flush(int ret)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return ret;
	/* the message goes to stderr; stdout's error is already known */
	fprintf(stderr, "Error: Cannot write the output: %s.\n",
		strerror(errno ? errno : EIO));
	return ret ? ret : KVX_EXIT_USAGE;
}

/*
 * "-netns NAME", as "ip -n NAME": enter the network namespace that
 * "ip netns add NAME" created, or the one bound at NAME if it holds a '/'.
 * Called before any netlink socket is opened: every socket, and so every
 * command, then works in that namespace. Unlike "ip netns exec", the mount
 * namespace (and /sys) is left alone; the tool reads nothing from it.
 */
static int netns_switch(const char *name)
{
	/* ip's NETNS_RUN_DIR first; /var/run is usually a link to /run */
	static const char * const dirs[] = { "/var/run/netns", "/run/netns" };
	char path[4096];
	size_t i;
	int fd = -1;

	if (!*name)
		return kvx_err("Network namespace name is empty");
	if (strchr(name, '/')) {
		fd = open(name, O_RDONLY | O_CLOEXEC);
	} else {
		for (i = 0; i < ARRAY_SIZE(dirs); i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 || errno != ENOENT)
				break;
		}
	}
	if (fd < 0)
		return kvx_err("Cannot open network namespace \"%s\": %s",
			       name, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		kvx_err("Cannot enter network namespace \"%s\": %s", name,
			strerror(errno));
		close(fd);
		return KVX_EXIT_USAGE;
	}
	close(fd);
	return KVX_EXIT_OK;
}

int main(int argc, char **argv)
{
	/* getopt_long_only(): "-batch" is a long option, "-jp" two short ones. */
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "batch", required_argument, NULL, 'b' },
		{ "netns", required_argument, NULL, 'n' },
		{}
	};
	const char *batch = NULL, *netns = NULL;
	bool version = false, help = false;
	int opt, ret;

	/* "+": options end at the object, as in "kvxlan -j link show". */
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "+:jpVhb:n:", long_opts,
				       NULL)) != -1) {
		switch (opt) {
		case 'j':
			kvx_opts.json = true;
			break;
		case 'p':
			kvx_opts.json = true;
			kvx_opts.pretty = true;
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case ':':
			return kvx_err("Option \"%s\" needs a %s. Try \"kvxlan help\"",
				       argv[optind - 1],
				       optopt == 'n' ? "NAME" : "FILE");
		default:
			if (optopt)
				return kvx_err("Invalid option \"-%c\". Try \"kvxlan help\"",
					       optopt);
			return kvx_err("Invalid option \"%s\". Try \"kvxlan help\"",
				       argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	/* "-V" stands alone; "-h OBJECT" is that object's help. */
	if (version) {
		if (argc > 0)
			return kvx_err("Nothing may follow \"-V\" (\"%s\"). Try \"kvxlan help\"",
				       argv[0]);
		printf("kvxlan %s\n", KVX_VERSION);
		return output_flush(KVX_EXIT_OK);
	}
	if (help) {
		if (argc > 0) {
			/* "-h OBJECT ..." is "OBJECT help" (argv[argc] is ours) */
			argv[1] = (char *)"help";
			return output_flush(kvx_run(2, argv));
		}
		usage(stdout);
		return output_flush(KVX_EXIT_OK);
	}

	if (batch && argc > 0)
		return kvx_err("Nothing may follow \"-batch FILE\" (\"%s\"). Try \"kvxlan help\"",
			       argv[0]);
	if (!batch && argc < 1) {
		usage(stderr);
		return KVX_EXIT_USAGE;
	}
	if (netns && netns_switch(netns))
		return KVX_EXIT_USAGE;

	ret = batch ? kvx_batch(batch) : kvx_run(argc, argv);
	nl_shared_close();
	return output_flush(ret);
}
