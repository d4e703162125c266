// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan save [ dev NAME ]": the configuration of the kvxlan
 * devices of the namespace (or of NAME) as a batch that "kvxlan -b"
 * replays to the same state:
 *
 *   link add NAME vni ... (every option, "up" if it is up)   one per device
 *   flood replace dev NAME dst ... dst ...   the flood list: the link's
 *                                            remote or group, the other
 *                                            remotes and groups, in order
 *   fdb add MAC dev NAME dst ADDR [ port ] [ vni ]   each static entry
 *   (fdb append ...: each remote of a multicast MAC's list)
 *
 * Learned entries, counters and the devices' addresses are not saved.
 * The underlay devices ("dev", "via") must exist when it is replayed.
 */
#include <stdlib.h>
#include <string.h>

#include "kvxlan.h"
#include "utils.h"

void save_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan save [ [ dev ] NAME ]\n"
		"       kvxlan save help\n");
}

int save_run(int argc, char **argv)
{
	struct link_saved saved = {};
	const char *name = NULL;
	size_t i;
	int ret;

	if (argc > 0 && is_help(argv[0])) {
		save_usage(stdout);
		return KVX_EXIT_OK;
	}
	if (argc > 0 && !strcmp(argv[0], "dev")) {
		if (argc < 2)
			return kvx_try_help("save", "Missing argument for \"dev\"");
		argc--;
		argv++;
	}
	if (argc > 1)
		return kvx_try_help("save", "Unknown keyword \"%s\"", argv[1]);
	if (argc == 1)
		name = argv[0];

	/* A batch file is text, whatever -j says. */
	kvx_opts.json = false;

	ret = link_save(name, &saved);
	for (i = 0; !ret && i < saved.n; i++)
		ret = flood_save(saved.dev[i].ifindex, saved.dev[i].name);
	for (i = 0; !ret && i < saved.n; i++)
		ret = fdb_save(saved.dev[i].ifindex, saved.dev[i].name);
	free(saved.dev);
	return ret;
}
