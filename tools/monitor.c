// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan monitor": FDB events (KVXLAN_CMD_FDB_NTF on the kvxlan
 * family's "events" multicast group), one line or one JSON object per
 * event, until killed.
 */
#include <string.h>
#include <net/if.h>
#include <linux/kvxlan.h>

#include "kvxlan.h"
#include "genl.h"
#include "json.h"
#include "nl.h"
#include "utils.h"

/* A burst of learning should not overflow the socket. */
#define MONITOR_RCVBUF	(4 * 1024 * 1024)

static const char * const monitor_events[] = {
	[KVXLAN_EVENT_ADDED] = "added",
	[KVXLAN_EVENT_REPLACED] = "replaced",
	[KVXLAN_EVENT_DELETED] = "deleted",
	[KVXLAN_EVENT_LEARNED] = "learned",
	[KVXLAN_EVENT_MOVED] = "moved",
	[KVXLAN_EVENT_AGED] = "aged",
	[KVXLAN_EVENT_APPENDED] = "appended",
	[KVXLAN_EVENT_REMOVED] = "removed",
};

struct monitor {
	uint16_t family;
	unsigned int ifindex;	/* 0: every device */
};

void monitor_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan monitor [ dev DEV ]\n"
		"       kvxlan monitor help\n");
}

static const char *monitor_event(uint8_t event)
{
	if (event < ARRAY_SIZE(monitor_events) && monitor_events[event])
		return monitor_events[event];
	return "unknown";
}

static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct monitor *mon = data;
	char ifname[IF_NAMESIZE], addr[KVX_ADDRSTRLEN], mac[KVX_MACSTRLEN];
	struct fdb_entry e;

	if (nlh->nlmsg_type != mon->family ||
	    genl_cmd(nlh) != KVXLAN_CMD_FDB_NTF || fdb_entry_parse(nlh, &e))
		return MNL_CB_OK;
	if (mon->ifindex && e.ifindex != mon->ifindex)
		return MNL_CB_OK;

	kvx_ifname(e.ifindex, ifname);
	format_mac(e.mac, mac);
	format_addr(e.addr, e.addr_len, addr, sizeof(addr));

	if (kvx_opts.json) {
		/* JSON Lines: the writer flushes after each object. */
		json_open_object(NULL);
		json_string("event", monitor_event(e.event));
		json_string("ifname", ifname);
		json_string("mac", mac);
		json_string("dst", addr);
		if (e.has_port)
			json_uint("port", e.port);
		if (e.has_vni)
			json_uint("vni", e.vni);
		json_string("kind", fdb_kind_name(e.kind));
		json_close_object();
		return MNL_CB_OK;
	}

	printf("%s %s dev %s dst %s", monitor_event(e.event), mac, ifname,
	       addr);
	if (e.has_port)
		printf(" port %u", e.port);
	if (e.has_vni)
		printf(" vni %u", e.vni);
	printf("\n");
	fflush(stdout);
	return MNL_CB_OK;
}

int monitor_run(int argc, char **argv)
{
	struct monitor mon = {};
	const struct kvx_genl *g;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help")) {
			monitor_usage(stdout);
			return KVX_EXIT_OK;
		} else if (!strcmp(argv[i], "dev")) {
			if (mon.ifindex)
				return kvx_err("\"%s\" is given twice", argv[i]);
			if (i + 1 >= argc)
				return kvx_try_help("monitor", "Missing argument for \"%s\"",
						    argv[i]);
			ret = kvx_ifindex(argv[++i], &mon.ifindex);
			if (ret)
				return ret;
		} else {
			return kvx_try_help("monitor", "Unknown keyword \"%s\"",
					    argv[i]);
		}
	}

	g = kvx_genl();
	if (!g)
		return KVX_EXIT_KERNEL;
	if (!g->fam.group) {
		kvx_report("Error", "The kvxlan family has no \""
			   KVXLAN_MCGRP_EVENTS "\" multicast group");
		return KVX_EXIT_KERNEL;
	}
	mon.family = g->fam.id;

	/* One JSON object per line, whatever -p says. */
	json_init(stdout, false);
	nl_set_rcvbuf(g->nl, MONITOR_RCVBUF);
	ret = nl_join(g->nl, g->fam.group);
	if (ret) {
		kvx_err("Cannot join the \"%s\" multicast group: %s",
			KVXLAN_MCGRP_EVENTS, strerror(-ret));
		return KVX_EXIT_KERNEL;
	}
	nl_listen(g->nl, monitor_cb, &mon);
	return KVX_EXIT_KERNEL;
}
