// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan stats": a kvxlan device's configuration, FDB counts and
 * counters (KVXLAN_CMD_DEV_GET), or its remote VTEPs' counters
 * (KVXLAN_CMD_REMOTE_GET).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/kvxlan.h>

#include "kvxlan.h"
#include "genl.h"
#include "json.h"
#include "nl.h"
#include "utils.h"

/* Every KVXLAN_STATS_A_* counter, by the attribute's name. */
static const char * const stats_names[] = {
	[KVXLAN_STATS_A_RX_DROP_SHORT_INNER] = "rx_drop_short_inner",
	[KVXLAN_STATS_A_RX_DROP_ECN] = "rx_drop_ecn",
	[KVXLAN_STATS_A_RX_DROP_BAD_SRC_MAC] = "rx_drop_bad_src_mac",
	[KVXLAN_STATS_A_RX_DROP_OWN_MAC] = "rx_drop_own_mac",
	[KVXLAN_STATS_A_TX_DROP_SHORT] = "tx_drop_short",
	[KVXLAN_STATS_A_TX_DROP_NO_REMOTE] = "tx_drop_no_remote",
	[KVXLAN_STATS_A_TX_DROP_NO_ROUTE] = "tx_drop_no_route",
	[KVXLAN_STATS_A_TX_DROP_LOOP] = "tx_drop_loop",
	[KVXLAN_STATS_A_TX_DROP_NOMEM] = "tx_drop_nomem",
	[KVXLAN_STATS_A_TX_DROP_DOWN] = "tx_drop_down",
	[KVXLAN_STATS_A_LEARNED] = "learned",
	[KVXLAN_STATS_A_MOVED] = "moved",
	[KVXLAN_STATS_A_AGED] = "aged",
	[KVXLAN_STATS_A_LEARN_LIMIT] = "learn_limit",
	[KVXLAN_STATS_A_LEARN_DAMPENED] = "learn_dampened",
	[KVXLAN_STATS_A_RX_DROP_UDP6_ZERO_CSUM] = "rx_drop_udp6_zero_csum",
	[KVXLAN_STATS_A_RX_DROP_UNKNOWN_PEER] = "rx_drop_unknown_peer",
	[KVXLAN_STATS_A_RX_DROP_OVERSIZE] = "rx_drop_oversize",
	[KVXLAN_STATS_A_PROXY_ANSWERED] = "proxy_answered",
	[KVXLAN_STATS_A_PROXY_FLOODED] = "proxy_flooded",
};

_Static_assert(ARRAY_SIZE(stats_names) == KVXLAN_STATS_A_MAX + 1,
	       "a KVXLAN_STATS_A_* counter has no name");
_Static_assert(KVXLAN_STATS_A_MAX < KVX_STATS_SLOTS,
	       "struct kvx_dev_info has no room for every counter");

/* The u64 counters of a remote, by KVXLAN_REMOTE_A_* and their names. */
static const struct {
	int type;
	const char *name;
} stats_remote_u64[] = {
	{ KVXLAN_REMOTE_A_TX_PACKETS, "tx_packets" },
	{ KVXLAN_REMOTE_A_TX_BYTES, "tx_bytes" },
	{ KVXLAN_REMOTE_A_RX_PACKETS, "rx_packets" },
	{ KVXLAN_REMOTE_A_RX_BYTES, "rx_bytes" },
	{ KVXLAN_REMOTE_A_FLOOD_COPIES, "flood_copies" },
};

#define STATS_REMOTE_U64	ARRAY_SIZE(stats_remote_u64)

struct stats_remote {
	unsigned int ifindex;
	uint8_t addr[16];
	uint8_t addr_len;
	uint64_t v[STATS_REMOTE_U64];
	uint32_t fdb_refs;
};

struct stats_devs {
	struct kvx_dev_info *dev;
	size_t n;
	size_t size;
};

struct stats_remotes {
	unsigned int ifindex;
	size_t start;		/* the first remote of this device's dump */
	struct stats_remote *r;
	size_t n;
	size_t size;
};

void stats_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan stats [ dev DEV ] [ remotes ]\n"
		"       kvxlan stats help\n");
}

/* Make room for one more of size bytes in *v; false when out of memory. */
static bool stats_grow(void **v, size_t n, size_t *size, size_t elem)
{
	size_t want;
	void *p;

	if (n < *size)
		return true;
	want = *size ? 2 * *size : 16;
	p = realloc(*v, want * elem);
	if (!p)
		return false;
	*v = p;
	*size = want;
	return true;
}

static const char *stats_name(unsigned int type, char *buf, size_t size)
{
	if (type < ARRAY_SIZE(stats_names) && stats_names[type])
		return stats_names[type];
	/* A counter of a newer kernel. */
	snprintf(buf, size, "counter_%u", type);
	return buf;
}

/*
 * A device: its configuration, FDB counts and counters, each field from
 * one call (json.h). The JSON keys of the configuration are those of
 * "kvxlan -j link show" (and of the in-tree driver's "ip -j -d link":
 * the VNI is "id"), the text's words those of "kvxlan link".
 */
static void stats_print_dev(const struct kvx_dev_info *d)
{
	char ifname[IF_NAMESIZE], name[32], fmt[48];
	unsigned int i;

	kvx_ifname(d->ifindex, ifname);
	print_open_object(NULL);
	print_string(PRINT_ANY, "ifname", "%s:\n", ifname);

#define STATS_FIELD(attr, key, word, val)				\
	do {								\
		if (d->has & (1ULL << (attr)))				\
			print_u64(PRINT_ANY, key,			\
				  "    " word " %" PRIu64 "\n", val);	\
	} while (0)

	STATS_FIELD(KVXLAN_A_VNI, "id", "vni", d->vni);
	STATS_FIELD(KVXLAN_A_PORT, "port", "port", d->port);
	if (d->has & (1ULL << KVXLAN_A_LEARNING))
		print_on_off(PRINT_ANY, "learning", "    learning %s\n",
			     d->learning);
	STATS_FIELD(KVXLAN_A_AGEING, "ageing", "ageing", d->ageing);
	STATS_FIELD(KVXLAN_A_MAX_LEARNED, "max_learned", "max_learned",
		    d->max_learned);
	STATS_FIELD(KVXLAN_A_DAMPEN_MOVES, "dampen_moves", "dampen_moves",
		    d->dampen_moves);
	STATS_FIELD(KVXLAN_A_DAMPEN_WINDOW, "dampen_window", "dampen_window",
		    d->dampen_window);
	STATS_FIELD(KVXLAN_A_DAMPEN_HOLD, "dampen_hold", "dampen_hold",
		    d->dampen_hold);
	STATS_FIELD(KVXLAN_A_FDB_STATIC, "fdb_static", "fdb_static",
		    d->fdb_static);
	STATS_FIELD(KVXLAN_A_FDB_LEARNED, "fdb_learned", "fdb_learned",
		    d->fdb_learned);
#undef STATS_FIELD

	print_open_object("counters");
	for (i = 0; i < KVX_STATS_SLOTS; i++) {
		if (!(d->stats_has & (1ULL << i)))
			continue;
		snprintf(fmt, sizeof(fmt), "    %s %%" PRIu64 "\n",
			 stats_name(i, name, sizeof(name)));
		print_u64(PRINT_ANY, stats_name(i, name, sizeof(name)), fmt,
			  d->stats[i]);
	}
	print_close_object();
	print_close_object();
}

static int stats_dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_devs *l = data;

	if (!stats_grow((void **)&l->dev, l->n, &l->size, sizeof(*l->dev))) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (!kvx_dev_info_parse(nlh, &l->dev[l->n]))
		l->n++;
	return MNL_CB_OK;
}

static void stats_dev_restart(void *data)
{
	struct stats_devs *l = data;

	l->n = 0;
}

static int stats_remote_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *rb[KVXLAN_REMOTE_A_MAX + 1];
	const struct nlattr *tb[KVXLAN_A_MAX + 1];
	struct stats_remotes *l = data;
	struct stats_remote *r;
	size_t len, i;

	if (genl_cmd(nlh) != KVXLAN_CMD_REMOTE_GET)
		return MNL_CB_OK;
	genl_parse(nlh, tb, KVXLAN_A_MAX, kvx_a_types);
	if (!tb[KVXLAN_A_IFINDEX] || !tb[KVXLAN_A_REMOTE] ||
	    mnl_attr_get_u32(tb[KVXLAN_A_IFINDEX]) != l->ifindex)
		return MNL_CB_OK;
	nl_parse_nested(tb[KVXLAN_A_REMOTE], rb, KVXLAN_REMOTE_A_MAX,
			kvx_remote_a_types);
	if (!rb[KVXLAN_REMOTE_A_ADDR])
		return MNL_CB_OK;
	len = mnl_attr_get_payload_len(rb[KVXLAN_REMOTE_A_ADDR]);
	if (len != 4 && len != 16)
		return MNL_CB_OK;

	if (!stats_grow((void **)&l->r, l->n, &l->size, sizeof(*l->r))) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	r = &l->r[l->n++];
	memset(r, 0, sizeof(*r));
	r->ifindex = l->ifindex;
	r->addr_len = len;
	memcpy(r->addr, mnl_attr_get_payload(rb[KVXLAN_REMOTE_A_ADDR]), len);
	for (i = 0; i < STATS_REMOTE_U64; i++)
		if (rb[stats_remote_u64[i].type])
			r->v[i] = mnl_attr_get_u64(rb[stats_remote_u64[i].type]);
	if (rb[KVXLAN_REMOTE_A_FDB_REFS])
		r->fdb_refs = mnl_attr_get_u32(rb[KVXLAN_REMOTE_A_FDB_REFS]);
	return MNL_CB_OK;
}

/* Forget what the interrupted dump of this device gave. */
static void stats_remote_restart(void *data)
{
	struct stats_remotes *l = data;

	l->n = l->start;
}

/* Within a device, by address. */
static int stats_remote_cmp(const void *a, const void *b)
{
	const struct stats_remote *x = a, *y = b;

	if (x->addr_len != y->addr_len)
		return x->addr_len - y->addr_len;
	return memcmp(x->addr, y->addr, x->addr_len);
}

static void stats_print_remote(const struct stats_remote *r)
{
	char ifname[IF_NAMESIZE], addr[KVX_ADDRSTRLEN], fmt[48];
	size_t i;

	kvx_ifname(r->ifindex, ifname);
	if (!format_addr(r->addr, r->addr_len, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");

	print_open_object(NULL);
	print_string(PRINT_ANY, "dst", "dst %s", addr);
	print_string(PRINT_ANY, "ifname", " dev %s", ifname);
	for (i = 0; i < STATS_REMOTE_U64; i++) {
		snprintf(fmt, sizeof(fmt), " %s %%" PRIu64,
			 stats_remote_u64[i].name);
		print_u64(PRINT_ANY, stats_remote_u64[i].name, fmt, r->v[i]);
	}
	print_uint(PRINT_ANY, "fdb_refs", " fdb_refs %u\n", r->fdb_refs);
	print_close_object();
}

static int stats_remotes(const struct kvx_genl *g,
			 const struct stats_devs *devs)
{
	struct stats_remotes l = {};
	struct nlmsghdr *nlh;
	int ret = KVX_EXIT_OK;
	size_t i;

	for (i = 0; i < devs->n; i++) {
		l.ifindex = devs->dev[i].ifindex;
		l.start = l.n;
		nlh = kvx_genl_msg(g, KVXLAN_CMD_REMOTE_GET, NLM_F_DUMP);
		mnl_attr_put_u32(nlh, KVXLAN_A_IFINDEX, l.ifindex);
		if (nl_dump(g->nl, nlh, stats_remote_cb, &l,
			    stats_remote_restart)) {
			ret = KVX_EXIT_KERNEL;
			goto out;
		}
		qsort(l.r + l.start, l.n - l.start, sizeof(*l.r),
		      stats_remote_cmp);
	}

	print_open_array(NULL);
	for (i = 0; i < l.n; i++)
		stats_print_remote(&l.r[i]);
	print_close_array();
	fflush(stdout);
out:
	free(l.r);
	return ret;
}

int stats_run(int argc, char **argv)
{
	const struct kvx_genl *g;
	struct stats_devs devs = {};
	unsigned int ifindex = 0;
	bool remotes = false;
	struct nlmsghdr *nlh;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help")) {
			stats_usage(stdout);
			return KVX_EXIT_OK;
		} else if (!strcmp(argv[i], "dev")) {
			if (ifindex)
				return kvx_err("\"%s\" is given twice", argv[i]);
			if (i + 1 >= argc)
				return kvx_try_help("stats", "Missing argument for \"%s\"",
						    argv[i]);
			ret = kvx_ifindex(argv[++i], &ifindex);
			if (ret)
				return ret;
		} else if (!strcmp(argv[i], "remotes")) {
			if (remotes)
				return kvx_err("\"%s\" is given twice", argv[i]);
			remotes = true;
		} else {
			return kvx_try_help("stats", "Unknown keyword \"%s\"",
					    argv[i]);
		}
	}

	g = kvx_genl();
	if (!g)
		return KVX_EXIT_KERNEL;

	if (ifindex) {
		devs.dev = malloc(sizeof(*devs.dev));
		if (!devs.dev)
			return kvx_err("%s", strerror(ENOMEM));
		devs.size = 1;
		ret = kvx_dev_get(g, ifindex, devs.dev);
		if (ret)
			goto out;
		devs.n = 1;
	} else {
		nlh = kvx_genl_msg(g, KVXLAN_CMD_DEV_GET, NLM_F_DUMP);
		if (nl_dump(g->nl, nlh, stats_dev_cb, &devs,
			    stats_dev_restart)) {
			ret = KVX_EXIT_KERNEL;
			goto out;
		}
	}

	if (remotes) {
		ret = stats_remotes(g, &devs);
		goto out;
	}

	/* One device asked for: an object; all of them: an array. */
	if (!ifindex)
		print_open_array(NULL);
	for (i = 0; i < (int)devs.n; i++) {
		if (i)
			print_string(PRINT_FP, NULL, "%s", "\n");
		stats_print_dev(&devs.dev[i]);
	}
	if (!ifindex)
		print_close_array();
	fflush(stdout);
	ret = KVX_EXIT_OK;
out:
	free(devs.dev);
	return ret;
}
