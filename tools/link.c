// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan link": create, change, delete and show kvxlan devices
 * over rtnetlink (RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK, link kind
 * "kvxlan", IFLA_KVXLAN_* nested in IFLA_LINKINFO / IFLA_INFO_DATA).
 *
 * Values are only checked here as far as they must be to be encoded (a
 * number that fits the attribute, a literal address, a known keyword); the
 * kernel judges the rest and its extack message is printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/kvxlan.h>

#include "kvxlan.h"
#include "json.h"
#include "nl.h"
#include "utils.h"

/*
 * Keywords of "add" and "set". Those that map to an attribute use its
 * IFLA_KVXLAN_* number; the others follow. One bit each in link_req.seen.
 */
enum {
	LINK_KW_MTU = IFLA_KVXLAN_MAX + 1,
	LINK_KW_STATE,		/* "up" or "down" */
	LINK_KW_NETNS,
	__LINK_KW_MAX
};

_Static_assert(__LINK_KW_MAX <= 32, "link_req.seen is too small");

#define LINK_KW_ATTRS	((1u << (IFLA_KVXLAN_MAX + 1)) - 2)

/* A parsed "link add" or "link set" command line. */
struct link_req {
	const char *name;
	uint32_t seen;			/* BIT(keyword) */
	uint32_t vni;
	struct kvx_addr local;
	struct kvx_addr remote;		/* family 0: "remote none" */
	struct kvx_addr group;		/* family 0: "group none" */
	uint32_t link;			/* 0: "dev none" */
	uint16_t port;
	struct kvxlan_port_range range;
	uint8_t ttl;
	uint8_t tos;
	uint8_t df;
	bool learning;
	uint32_t ageing;
	uint32_t max_learned;
	bool udp_csum;
	bool udp6_zero_tx;
	bool udp6_zero_rx;
	uint32_t label;
	uint32_t dampen_moves;
	uint32_t dampen_window;
	uint32_t dampen_hold;
	bool peers_only;
	bool proxy;
	uint32_t mtu;
	bool up;
	const char *netns;	/* NAME, path or PID */
};

/* One RTM_NEWLINK message taken apart; pointers into the receive buffer. */
struct link_msg {
	const struct ifinfomsg *ifm;
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct nlattr *info[IFLA_INFO_MAX + 1];
	const struct nlattr *data[IFLA_KVXLAN_MAX + 1];
	bool kvxlan;
};

/* State of "link show". */
struct link_show {
	const char *name;	/* show NAME: the device asked for */
	bool found;		/* ... it was a kvxlan device */
	bool array;		/* the JSON array is open */
	struct link_saved *saved;	/* "kvxlan save": the devices seen */
};

static const char * const link_df_names[] = {
	[KVXLAN_DF_UNSET] = "unset",
	[KVXLAN_DF_SET] = "set",
	[KVXLAN_DF_INHERIT] = "inherit",
};

static const char * const link_operstates[] = {
	[IF_OPER_UNKNOWN] = "UNKNOWN",
	[IF_OPER_NOTPRESENT] = "NOTPRESENT",
	[IF_OPER_DOWN] = "DOWN",
	[IF_OPER_LOWERLAYERDOWN] = "LOWERLAYERDOWN",
	[IF_OPER_TESTING] = "TESTING",
	[IF_OPER_DORMANT] = "DORMANT",
	[IF_OPER_UP] = "UP",
};

void link_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan link add NAME vni VNI [ OPTIONS ] [ up ]\n"
		"       kvxlan link set NAME [ vni VNI ] [ OPTIONS ] [ up | down ]\n"
		"       kvxlan link del [ dev ] NAME\n"
		"       kvxlan link show [ [ dev ] NAME ]\n"
		"       kvxlan link help\n"
		"where  OPTIONS := [ local ADDR ] [ remote { ADDR | none } ]\n"
		"                  [ group { ADDR | none } ]\n"
		"                  [ dev { IFNAME | none } ] [ port PORT ]\n"
		"                  [ srcport LOW HIGH ] [ ttl { TTL | auto } ]\n"
		"                  [ tos { TOS | inherit } ]\n"
		"                  [ df { unset | set | inherit } ]\n"
		"                  [ learning { on | off } ] [ ageing SECONDS ]\n"
		"                  [ max-learned N ] [ mtu MTU ]\n"
		"                  [ udpcsum { on | off } ]\n"
		"                  [ udp6zerocsumtx { on | off } ]\n"
		"                  [ udp6zerocsumrx { on | off } ]\n"
		"                  [ flowlabel { LABEL | auto } ]\n"
		"                  [ dampen-moves N ] [ dampen-window SECONDS ]\n"
		"                  [ dampen-hold SECONDS ]\n"
		"                  [ peers-only { on | off } ]\n"
		"                  [ proxy { on | off } ]\n"
		"                  [ netns { NETNS | PID } ]\n");
}

static int link_bad_value(const char *kw, const char *arg, const char *expect)
{
	return kvx_err("Invalid %s \"%s\": expected %s", kw, arg, expect);
}

/* The next argument of keyword kw, or NULL when it is missing. */
static const char *link_next(int argc, char **argv, int *i, const char *kw)
{
	if (*i + 1 >= argc) {
		kvx_try_help("link", "Missing argument for \"%s\"", kw);
		return NULL;
	}
	return argv[++*i];
}

static int link_parse_dev(const char *arg, uint32_t *ifindex)
{
	if (!strcmp(arg, "none")) {
		*ifindex = 0;
		return 0;
	}
	*ifindex = if_nametoindex(arg);
	if (!*ifindex)
		return kvx_err("Cannot find device \"%s\"", arg);
	return 0;
}

/* How a keyword's argument is read (struct link_kw). */
enum link_kw_type {
	LINK_ARG_RANGE,		/* a decimal number in min..max */
	LINK_ARG_NUM,		/* word, or a number up to max */
	LINK_ARG_ON_OFF,	/* "on" or "off" */
	LINK_ARG_ADDR,		/* an address, or word: none */
	LINK_ARG_OTHER,		/* link_parse_other() */
};

/*
 * A keyword of "add" and "set" with an argument: its bit in link_req.seen
 * (the IFLA_KVXLAN_* attribute it maps to, if any), its field of struct
 * link_req, how many bytes that has (the attribute's size), how the
 * argument is read, and what it should have been. In the order
 * link_put_info() puts the attributes.
 */
struct link_kw {
	const char *name;
	uint8_t bit;
	uint8_t type;		/* enum link_kw_type */
	uint16_t off;
	uint8_t size;
	bool hex;		/* LINK_ARG_NUM: "0x" for base 16 too */
	const char *word;	/* LINK_ARG_NUM, _ADDR: a word for ... */
	uint32_t word_val;	/* ... this value (LINK_ARG_NUM) */
	uint32_t min, max;	/* LINK_ARG_RANGE; max: LINK_ARG_NUM */
	const char *expect;	/* in "Invalid KW "ARG": expected ..." */
};

/* Field f of struct link_req: where it is, how large it is. */
#define LINK_OFF(f)	.off = offsetof(struct link_req, f)
#define LINK_SIZE(f)	.size = sizeof(((struct link_req){ 0 }).f)

static const struct link_kw link_kws[] = {
	{ "vni", IFLA_KVXLAN_VNI, LINK_ARG_RANGE, LINK_OFF(vni),
	  LINK_SIZE(vni), .max = KVXLAN_VNI_MAX },
	{ "local", IFLA_KVXLAN_LOCAL, LINK_ARG_ADDR, LINK_OFF(local),
	  .expect = "an IPv4 or IPv6 address" },
	{ "remote", IFLA_KVXLAN_REMOTE, LINK_ARG_ADDR, LINK_OFF(remote),
	  .word = "none",
	  .expect = "an IPv4 or IPv6 address or \"none\"" },
	{ "group", IFLA_KVXLAN_GROUP, LINK_ARG_ADDR, LINK_OFF(group),
	  .word = "none", .expect = "a multicast address or \"none\"" },
	{ "dev", IFLA_KVXLAN_LINK, LINK_ARG_OTHER, LINK_OFF(link),
	  LINK_SIZE(link) },
	{ "port", IFLA_KVXLAN_PORT, LINK_ARG_RANGE, LINK_OFF(port),
	  LINK_SIZE(port), .min = 1, .max = UINT16_MAX },
	{ "srcport", IFLA_KVXLAN_PORT_RANGE, LINK_ARG_OTHER, LINK_OFF(range),
	  LINK_SIZE(range) },
	{ "ttl", IFLA_KVXLAN_TTL, LINK_ARG_NUM, LINK_OFF(ttl), LINK_SIZE(ttl),
	  .word = "auto", .word_val = 0, .max = UINT8_MAX,
	  .expect = "0..255 or \"auto\"" },
	{ "tos", IFLA_KVXLAN_TOS, LINK_ARG_NUM, LINK_OFF(tos), LINK_SIZE(tos),
	  .hex = true, .word = "inherit", .word_val = KVXLAN_TOS_INHERIT,
	  .max = UINT8_MAX,
	  .expect = "0..255 (or 0x00..0xff) or \"inherit\"" },
	{ "df", IFLA_KVXLAN_DF, LINK_ARG_OTHER, LINK_OFF(df), LINK_SIZE(df),
	  .expect = "\"unset\", \"set\" or \"inherit\"" },
	{ "learning", IFLA_KVXLAN_LEARNING, LINK_ARG_ON_OFF,
	  LINK_OFF(learning), LINK_SIZE(learning) },
	{ "ageing", IFLA_KVXLAN_AGEING, LINK_ARG_NUM, LINK_OFF(ageing),
	  LINK_SIZE(ageing), .max = UINT32_MAX,
	  .expect = "a number of seconds" },
	{ "max-learned", IFLA_KVXLAN_MAX_LEARNED, LINK_ARG_NUM,
	  LINK_OFF(max_learned), LINK_SIZE(max_learned), .max = UINT32_MAX,
	  .expect = "a decimal number" },
	{ "udpcsum", IFLA_KVXLAN_UDP_CSUM, LINK_ARG_ON_OFF,
	  LINK_OFF(udp_csum), LINK_SIZE(udp_csum) },
	{ "udp6zerocsumtx", IFLA_KVXLAN_UDP6_ZERO_CSUM_TX, LINK_ARG_ON_OFF,
	  LINK_OFF(udp6_zero_tx), LINK_SIZE(udp6_zero_tx) },
	{ "udp6zerocsumrx", IFLA_KVXLAN_UDP6_ZERO_CSUM_RX, LINK_ARG_ON_OFF,
	  LINK_OFF(udp6_zero_rx), LINK_SIZE(udp6_zero_rx) },
	{ "flowlabel", IFLA_KVXLAN_FLOWLABEL, LINK_ARG_NUM, LINK_OFF(label),
	  LINK_SIZE(label), .hex = true, .word = "auto",
	  .word_val = KVXLAN_FLOWLABEL_AUTO, .max = KVXLAN_FLOWLABEL_MAX,
	  .expect = "0..0xfffff or \"auto\"" },
	{ "dampen-moves", IFLA_KVXLAN_DAMPEN_MOVES, LINK_ARG_RANGE,
	  LINK_OFF(dampen_moves), LINK_SIZE(dampen_moves),
	  .max = KVXLAN_DAMPEN_MOVES_MAX },
	{ "dampen-window", IFLA_KVXLAN_DAMPEN_WINDOW, LINK_ARG_RANGE,
	  LINK_OFF(dampen_window), LINK_SIZE(dampen_window), .min = 1,
	  .max = KVXLAN_DAMPEN_WINDOW_MAX },
	{ "dampen-hold", IFLA_KVXLAN_DAMPEN_HOLD, LINK_ARG_RANGE,
	  LINK_OFF(dampen_hold), LINK_SIZE(dampen_hold), .min = 1,
	  .max = KVXLAN_DAMPEN_HOLD_MAX },
	{ "peers-only", IFLA_KVXLAN_PEERS_ONLY, LINK_ARG_ON_OFF,
	  LINK_OFF(peers_only), LINK_SIZE(peers_only) },
	{ "proxy", IFLA_KVXLAN_PROXY, LINK_ARG_ON_OFF, LINK_OFF(proxy),
	  LINK_SIZE(proxy) },
	{ "mtu", LINK_KW_MTU, LINK_ARG_NUM, LINK_OFF(mtu), LINK_SIZE(mtu),
	  .max = UINT32_MAX, .expect = "a decimal number" },
	{ "netns", LINK_KW_NETNS, LINK_ARG_OTHER,
	  .expect = "a network namespace name or a PID" },
};

static const struct link_kw *link_kw_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(link_kws); i++)
		if (!strcmp(link_kws[i].name, name))
			return &link_kws[i];
	return NULL;
}

/* Stores v in k's field of req. */
static void link_store(struct link_req *req, const struct link_kw *k,
		       unsigned long long v)
{
	void *p = (char *)req + k->off;

	if (k->size == sizeof(uint8_t))
		*(uint8_t *)p = v;
	else if (k->size == sizeof(uint16_t))
		*(uint16_t *)p = v;
	else
		*(uint32_t *)p = v;
}

/* The arguments of "dev", "srcport", "df" and "netns"; an exit status. */
static int link_parse_other(int argc, char **argv, int *i,
			    struct link_req *req, const struct link_kw *k,
			    const char *arg)
{
	unsigned long long v;
	const char *arg2;
	size_t df;

	switch (k->bit) {
	case IFLA_KVXLAN_LINK:
		if (link_parse_dev(arg, &req->link))
			return KVX_EXIT_USAGE;
		break;
	case IFLA_KVXLAN_PORT_RANGE:
		if (parse_range("srcport LOW", arg, 1, UINT16_MAX, &v))
			return KVX_EXIT_USAGE;
		req->range.low = v;
		arg2 = link_next(argc, argv, i, k->name);
		if (!arg2)
			return KVX_EXIT_USAGE;
		/* 1 <= LOW <= HIGH */
		if (parse_range("srcport HIGH", arg2, req->range.low,
				UINT16_MAX, &v))
			return KVX_EXIT_USAGE;
		req->range.high = v;
		break;
	case IFLA_KVXLAN_DF:
		for (df = 0; df < ARRAY_SIZE(link_df_names); df++)
			if (!strcmp(arg, link_df_names[df]))
				break;
		if (df == ARRAY_SIZE(link_df_names))
			return link_bad_value(k->name, arg, k->expect);
		req->df = df;
		break;
	default:	/* LINK_KW_NETNS */
		if (!*arg)
			return link_bad_value(k->name, arg, k->expect);
		req->netns = arg;
	}
	return KVX_EXIT_OK;
}

/* The argument(s) of keyword k at argv[*i]; returns an exit status. */
static int link_parse_arg(int argc, char **argv, int *i,
			  struct link_req *req, const struct link_kw *k)
{
	void *p = (char *)req + k->off;
	unsigned long long v;
	const char *arg;

	arg = link_next(argc, argv, i, k->name);
	if (!arg)
		return KVX_EXIT_USAGE;
	switch (k->type) {
	case LINK_ARG_RANGE:
		if (parse_range(k->name, arg, k->min, k->max, &v))
			return KVX_EXIT_USAGE;
		link_store(req, k, v);
		break;
	case LINK_ARG_NUM:
		if (k->word && !strcmp(arg, k->word))
			v = k->word_val;
		else if (parse_uint(arg, k->hex ? 0 : 10, k->max, &v))
			return link_bad_value(k->name, arg, k->expect);
		link_store(req, k, v);
		break;
	case LINK_ARG_ON_OFF:
		if (parse_on_off(arg, p))
			return link_bad_value(k->name, arg, "\"on\" or \"off\"");
		break;
	case LINK_ARG_ADDR:
		if (k->word && !strcmp(arg, k->word))
			memset(p, 0, sizeof(struct kvx_addr));
		else if (parse_addr(arg, p))
			return link_bad_value(k->name, arg, k->expect);
		break;
	default:
		return link_parse_other(argc, argv, i, req, k, arg);
	}
	return KVX_EXIT_OK;
}

/* The keyword at argv[*i] and its arguments; returns an exit status. */
static int link_parse_kw(int argc, char **argv, int *i, struct link_req *req)
{
	const char *kw = argv[*i];
	const struct link_kw *k;
	int bit, ret;

	if (!strcmp(kw, "up") || !strcmp(kw, "down")) {
		if (req->seen & (1u << LINK_KW_STATE))
			return kvx_err("Only one of \"up\" and \"down\" may be given");
		bit = LINK_KW_STATE;
		req->up = !strcmp(kw, "up");
		goto once;
	}

	k = link_kw_find(kw);
	if (!k)
		return kvx_try_help("link", "Unknown keyword \"%s\"", kw);
	ret = link_parse_arg(argc, argv, i, req, k);
	if (ret)
		return ret;
	bit = k->bit;

once:
	if (req->seen & (1u << bit))
		return kvx_err("\"%s\" is given twice", kw);
	req->seen |= 1u << bit;
	return KVX_EXIT_OK;
}

/*
 * NAME and the keywords of "add" / "set" (cmd); returns an exit status, or
 * -1 when help was printed.
 */
static int link_parse(const char *cmd, int argc, char **argv,
		      struct link_req *req)
{
	int i, ret;

	memset(req, 0, sizeof(*req));

	if (argc < 1)
		return kvx_try_help("link", "Missing device NAME");
	req->name = argv[0];
	if (is_help(req->name)) {
		link_usage(stdout);
		return -1;
	}
	if (!strcmp(req->name, "dev"))
		return kvx_err("The device NAME comes first (\"kvxlan link %s NAME ...\"); \"dev\" names the underlay device",
			       cmd);

	if (check_ifname(req->name))
		return KVX_EXIT_USAGE;

	for (i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			link_usage(stdout);
			return -1;
		}
		ret = link_parse_kw(argc, argv, &i, req);
		if (ret)
			return ret;
	}
	return KVX_EXIT_OK;
}

static struct ifinfomsg *link_put_ifinfomsg(struct nlmsghdr *nlh,
					    unsigned int ifindex)
{
	struct ifinfomsg *ifm;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return ifm;
}

static bool link_has(const struct link_req *req, int bit)
{
	return req->seen & (1u << bit);
}

/* IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { IFLA_KVXLAN_* } } */
static void link_put_info(struct nlmsghdr *nlh, const struct link_req *req,
			  bool create)
{
	const struct kvx_addr *addr;
	struct nlattr *linkinfo, *data;
	const struct link_kw *k;
	const void *p;

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, KVXLAN_KIND);

	if (!(req->seen & LINK_KW_ATTRS))
		goto out;

	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	for (k = link_kws; k < link_kws + ARRAY_SIZE(link_kws); k++) {
		p = (const char *)req + k->off;
		if (k->bit > IFLA_KVXLAN_MAX || !link_has(req, k->bit))
			continue;
		if (k->type != LINK_ARG_ADDR) {
			mnl_attr_put(nlh, k->bit, k->size, p);
			continue;
		}
		/* "remote none": an empty attribute removes the remote. */
		addr = p;
		if (addr->family)
			mnl_attr_put(nlh, k->bit, addr_len(addr), &addr->v6);
		else if (!create)
			mnl_attr_put(nlh, k->bit, 0, NULL);
	}
	mnl_attr_nest_end(nlh, data);
out:
	mnl_attr_nest_end(nlh, linkinfo);
}

/*
 * "netns NETNS | PID": where the device goes, as with "ip link ... netns".
 * NETNS is a name that "ip netns add" bound (or a path if it holds a '/'),
 * opened into ns->fd; a number that names no such namespace is a PID.
 * The device's link namespace, where its socket and underlay are, stays
 * the one the command runs in. Returns an exit status.
 */
struct link_netns {
	int fd;			/* -1: by PID */
	uint32_t pid;
};

static int link_netns_open(const char *arg, struct link_netns *ns)
{
	static const char * const dirs[] = { "/var/run/netns", "/run/netns" };
	char path[4096];
	size_t i;

	ns->fd = -1;
	if (strchr(arg, '/')) {
		ns->fd = open(arg, O_RDONLY | O_CLOEXEC);
	} else {
		for (i = 0; i < ARRAY_SIZE(dirs); i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], arg);
			ns->fd = open(path, O_RDONLY | O_CLOEXEC);
			if (ns->fd >= 0 || errno != ENOENT)
				break;
		}
		if (ns->fd < 0 && errno == ENOENT &&
		    !parse_u32(arg, &ns->pid) && ns->pid)
			return KVX_EXIT_OK;
	}
	if (ns->fd < 0)
		return kvx_err("Cannot open network namespace \"%s\": %s", arg,
			       strerror(errno));
	return KVX_EXIT_OK;
}

/* IFLA_NET_NS_FD or IFLA_NET_NS_PID */
static void link_put_netns(struct nlmsghdr *nlh, const struct link_netns *ns)
{
	if (ns->fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, ns->fd);
	else
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, ns->pid);
}

static void link_netns_close(struct link_netns *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
}

/*
 * Parsing answers. Attributes this tool does not know (a newer kernel's)
 * and attributes of an unexpected size are skipped.
 */
static const enum mnl_attr_data_type link_data_types[IFLA_KVXLAN_MAX + 1] = {
	[IFLA_KVXLAN_VNI] = MNL_TYPE_U32,
	[IFLA_KVXLAN_LOCAL] = MNL_TYPE_BINARY,
	[IFLA_KVXLAN_REMOTE] = MNL_TYPE_BINARY,
	[IFLA_KVXLAN_LINK] = MNL_TYPE_U32,
	[IFLA_KVXLAN_PORT] = MNL_TYPE_U16,
	[IFLA_KVXLAN_PORT_RANGE] = MNL_TYPE_BINARY,
	[IFLA_KVXLAN_TTL] = MNL_TYPE_U8,
	[IFLA_KVXLAN_TOS] = MNL_TYPE_U8,
	[IFLA_KVXLAN_DF] = MNL_TYPE_U8,
	[IFLA_KVXLAN_LEARNING] = MNL_TYPE_U8,
	[IFLA_KVXLAN_AGEING] = MNL_TYPE_U32,
	[IFLA_KVXLAN_MAX_LEARNED] = MNL_TYPE_U32,
	[IFLA_KVXLAN_GROUP] = MNL_TYPE_BINARY,
	[IFLA_KVXLAN_UDP_CSUM] = MNL_TYPE_U8,
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX] = MNL_TYPE_U8,
	[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX] = MNL_TYPE_U8,
	[IFLA_KVXLAN_FLOWLABEL] = MNL_TYPE_U32,
	[IFLA_KVXLAN_DAMPEN_MOVES] = MNL_TYPE_U32,
	[IFLA_KVXLAN_DAMPEN_WINDOW] = MNL_TYPE_U32,
	[IFLA_KVXLAN_DAMPEN_HOLD] = MNL_TYPE_U32,
	[IFLA_KVXLAN_PEERS_ONLY] = MNL_TYPE_U8,
	[IFLA_KVXLAN_PROXY] = MNL_TYPE_U8,
};

static int link_data_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);
	uint16_t len = mnl_attr_get_payload_len(attr);

	if (type > IFLA_KVXLAN_MAX || type == IFLA_KVXLAN_UNSPEC)
		return MNL_CB_OK;

	switch (type) {
	case IFLA_KVXLAN_LOCAL:
	case IFLA_KVXLAN_REMOTE:
	case IFLA_KVXLAN_GROUP:
		/* Empty or all zeroes: no address. */
		if ((len != 4 && len != 16) ||
		    mem_is_zero(mnl_attr_get_payload(attr), len))
			return MNL_CB_OK;
		break;
	case IFLA_KVXLAN_PORT_RANGE:
		if (mnl_attr_validate2(attr, MNL_TYPE_BINARY,
				       sizeof(struct kvxlan_port_range)) < 0)
			return MNL_CB_OK;
		break;
	default:
		if (mnl_attr_validate(attr, link_data_types[type]) < 0)
			return MNL_CB_OK;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* The link attributes this tool reads, and those of IFLA_LINKINFO. */
static const enum mnl_attr_data_type link_types[IFLA_LINK_NETNSID + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING,
	[IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_OPERSTATE] = MNL_TYPE_U8,
	[IFLA_LINKINFO] = MNL_TYPE_NESTED,
	[IFLA_LINK_NETNSID] = MNL_TYPE_U32,	/* s32 */
};

static const enum mnl_attr_data_type link_info_types[IFLA_INFO_DATA + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_STRING,
	[IFLA_INFO_DATA] = MNL_TYPE_NESTED,
};

/* Is attr the string s (with or without its terminating NUL)? */
static bool attr_str_eq(const struct nlattr *attr, const char *s)
{
	size_t len = mnl_attr_get_payload_len(attr);
	const char *p = mnl_attr_get_payload(attr);

	if (len && !p[len - 1])
		len--;
	return len == strlen(s) && !memcmp(p, s, len);
}

/* Take an RTM_NEWLINK apart; false if it is not one. */
static bool link_msg_parse(const struct nlmsghdr *nlh, struct link_msg *m)
{
	memset(m, 0, sizeof(*m));

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m->ifm))
		return false;
	m->ifm = mnl_nlmsg_get_payload(nlh);

	nl_parse(nlh, sizeof(*m->ifm), m->tb, IFLA_LINK_NETNSID, link_types);
	if (!m->tb[IFLA_LINKINFO])
		return true;
	nl_parse_nested(m->tb[IFLA_LINKINFO], m->info, IFLA_INFO_DATA,
			link_info_types);
	if (!m->info[IFLA_INFO_KIND] ||
	    !attr_str_eq(m->info[IFLA_INFO_KIND], KVXLAN_KIND))
		return true;
	m->kvxlan = true;
	if (m->info[IFLA_INFO_DATA])
		mnl_attr_parse_nested(m->info[IFLA_INFO_DATA],
				      link_data_attr_cb, m->data);
	return true;
}

static const char *link_ifname(unsigned int ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}

static const char *link_df_name(uint8_t df, char *buf, size_t size)
{
	if (df < ARRAY_SIZE(link_df_names))
		return link_df_names[df];
	snprintf(buf, size, "%u", df);
	return buf;
}

static const char *link_operstate(uint8_t state)
{
	if (state < ARRAY_SIZE(link_operstates))
		return link_operstates[state];
	return "UNKNOWN";
}

/* An address attribute as text, or NULL if it is not 4 or 16 bytes. */
static const char *link_addr(const struct nlattr *attr, char *buf,
			     size_t size)
{
	return format_addr(mnl_attr_get_payload(attr),
			   mnl_attr_get_payload_len(attr), buf, size);
}

/*
 * One device, text or JSON from the same calls (json.h): the JSON keys
 * are those of the in-tree driver's "ip -j -d link show" where the
 * meaning is the same (id, port_range, udp_csum, udp_zero_csum6_tx,
 * udp_zero_csum6_rx, label, ...), and each JSON value is what the text
 * shows: "ttl": "auto", "tos": "inherit", "label": "0x12345" or "auto".
 *
 * save: the "link add" line of "kvxlan save" instead (text only), the
 * same keywords and values, which "link add" takes back: without remote
 * or group (the flood list's first entry, which the saved "flood
 * replace" restores with the rest of the list) and state, with "up" if
 * the device is administratively up.
 */
static void link_print(const struct link_msg *m, const char *ifname,
		       bool save)
{
	const struct nlattr * const *d = m->data;
	int32_t netnsid;
	char buf[KVX_ADDRSTRLEN];
	const struct kvxlan_port_range *r;
	uint8_t u8;
	uint32_t u32;

	print_open_object(NULL);
	if (save)
		printf("link add %s", ifname);
	else
		print_string(PRINT_ANY, "ifname", "%s:", ifname);
	print_uint(PRINT_JSON, "ifindex", NULL, m->ifm->ifi_index);
	if (d[IFLA_KVXLAN_VNI])
		print_uint(PRINT_ANY, "id", " vni %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_VNI]));
	if (d[IFLA_KVXLAN_LOCAL] &&
	    link_addr(d[IFLA_KVXLAN_LOCAL], buf, sizeof(buf)))
		print_string(PRINT_ANY, "local", " local %s", buf);
	if (d[IFLA_KVXLAN_REMOTE] && !save &&
	    link_addr(d[IFLA_KVXLAN_REMOTE], buf, sizeof(buf)))
		print_string(PRINT_ANY, "remote", " remote %s", buf);
	if (d[IFLA_KVXLAN_GROUP] && !save &&
	    link_addr(d[IFLA_KVXLAN_GROUP], buf, sizeof(buf)))
		print_string(PRINT_ANY, "group", " group %s", buf);
	/*
	 * A device moved out of its link namespace (where its socket and
	 * underlay are) says which one that is, by its id here; its dev is
	 * an ifindex there, which no name here stands for.
	 */
	netnsid = m->tb[IFLA_LINK_NETNSID] ?
		  (int32_t)mnl_attr_get_u32(m->tb[IFLA_LINK_NETNSID]) : -1;
	if (d[IFLA_KVXLAN_LINK] && mnl_attr_get_u32(d[IFLA_KVXLAN_LINK])) {
		u32 = mnl_attr_get_u32(d[IFLA_KVXLAN_LINK]);
		if (m->tb[IFLA_LINK_NETNSID])
			snprintf(buf, sizeof(buf), "if%u", u32);
		else
			link_ifname(u32, buf);
		print_string(PRINT_ANY, "link", " dev %s", buf);
	}
	if (!save && netnsid >= 0)
		print_uint(PRINT_ANY, "link_netnsid", " link-netnsid %u",
			   netnsid);
	if (d[IFLA_KVXLAN_PORT])
		print_uint(PRINT_ANY, "port", " port %u",
			   mnl_attr_get_u16(d[IFLA_KVXLAN_PORT]));
	if (d[IFLA_KVXLAN_PORT_RANGE]) {
		r = mnl_attr_get_payload(d[IFLA_KVXLAN_PORT_RANGE]);
		print_open_object("port_range");
		print_uint(PRINT_ANY, "low", " srcport %u", r->low);
		print_uint(PRINT_ANY, "high", " %u", r->high);
		print_close_object();
	}
	if (d[IFLA_KVXLAN_TTL]) {
		u8 = mnl_attr_get_u8(d[IFLA_KVXLAN_TTL]);
		if (u8)
			print_uint(PRINT_ANY, "ttl", " ttl %u", u8);
		else
			print_string(PRINT_ANY, "ttl", " ttl %s", "auto");
	}
	if (d[IFLA_KVXLAN_TOS]) {
		u8 = mnl_attr_get_u8(d[IFLA_KVXLAN_TOS]);
		if (u8 == KVXLAN_TOS_INHERIT)
			print_string(PRINT_ANY, "tos", " tos %s", "inherit");
		else
			print_0xhex(PRINT_ANY, "tos", " tos %s", u8);
	}
	if (d[IFLA_KVXLAN_DF])
		print_string(PRINT_ANY, "df", " df %s",
			     link_df_name(mnl_attr_get_u8(d[IFLA_KVXLAN_DF]),
					  buf, sizeof(buf)));
	if (d[IFLA_KVXLAN_LEARNING])
		print_on_off(PRINT_ANY, "learning", " learning %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_LEARNING]));
	if (d[IFLA_KVXLAN_AGEING])
		print_uint(PRINT_ANY, "ageing", " ageing %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_AGEING]));
	if (d[IFLA_KVXLAN_MAX_LEARNED])
		print_uint(PRINT_ANY, "max_learned", " max-learned %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_MAX_LEARNED]));
	if (d[IFLA_KVXLAN_UDP_CSUM])
		print_on_off(PRINT_ANY, "udp_csum", " udpcsum %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_UDP_CSUM]));
	if (d[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX])
		print_on_off(PRINT_ANY, "udp_zero_csum6_tx", " udp6zerocsumtx %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_UDP6_ZERO_CSUM_TX]));
	if (d[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX])
		print_on_off(PRINT_ANY, "udp_zero_csum6_rx", " udp6zerocsumrx %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_UDP6_ZERO_CSUM_RX]));
	if (d[IFLA_KVXLAN_FLOWLABEL]) {
		u32 = mnl_attr_get_u32(d[IFLA_KVXLAN_FLOWLABEL]);
		if (u32 == KVXLAN_FLOWLABEL_AUTO)
			print_string(PRINT_ANY, "label", " flowlabel %s",
				     "auto");
		else
			print_0xhex(PRINT_ANY, "label", " flowlabel %s", u32);
	}
	if (d[IFLA_KVXLAN_DAMPEN_MOVES])
		print_uint(PRINT_ANY, "dampen_moves", " dampen-moves %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_DAMPEN_MOVES]));
	if (d[IFLA_KVXLAN_DAMPEN_WINDOW])
		print_uint(PRINT_ANY, "dampen_window", " dampen-window %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_DAMPEN_WINDOW]));
	if (d[IFLA_KVXLAN_DAMPEN_HOLD])
		print_uint(PRINT_ANY, "dampen_hold", " dampen-hold %u",
			   mnl_attr_get_u32(d[IFLA_KVXLAN_DAMPEN_HOLD]));
	if (d[IFLA_KVXLAN_PEERS_ONLY])
		print_on_off(PRINT_ANY, "peers_only", " peers-only %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_PEERS_ONLY]));
	/* "proxy": the in-tree driver's key */
	if (d[IFLA_KVXLAN_PROXY])
		print_on_off(PRINT_ANY, "proxy", " proxy %s",
			     mnl_attr_get_u8(d[IFLA_KVXLAN_PROXY]));
	if (m->tb[IFLA_MTU])
		print_uint(PRINT_ANY, "mtu", " mtu %u",
			   mnl_attr_get_u32(m->tb[IFLA_MTU]));
	if (save) {
		if (m->ifm->ifi_flags & IFF_UP)
			printf(" up");
	} else if (m->tb[IFLA_OPERSTATE]) {
		print_string(PRINT_ANY, "operstate", " state %s",
			     link_operstate(mnl_attr_get_u8(m->tb[IFLA_OPERSTATE])));
	}
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_close_object();
}

static int link_show_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_show *s = data;
	char buf[IF_NAMESIZE];
	struct link_msg m;
	const char *ifname;

	if (!link_msg_parse(nlh, &m) || !m.kvxlan)
		return MNL_CB_OK;
	s->found = true;

	if (m.tb[IFLA_IFNAME])
		ifname = mnl_attr_get_str(m.tb[IFLA_IFNAME]);
	else
		ifname = link_ifname(m.ifm->ifi_index, buf);

	if (s->saved && m.tb[IFLA_LINK_NETNSID]) {
		/*
		 * Moved here from its link namespace: "link add" here would
		 * make it with its socket and underlay here. It is saved
		 * where it was made ("link add ... netns"), not here.
		 */
		printf("# %s: not saved: its link namespace is link-netnsid %d, save it there\n",
		       ifname,
		       (int32_t)mnl_attr_get_u32(m.tb[IFLA_LINK_NETNSID]));
		return MNL_CB_OK;
	}
	if (s->saved) {
		if (s->saved->n == s->saved->size) {
			size_t size = s->saved->size ? 2 * s->saved->size : 16;
			struct link_saved_dev *d;

			d = realloc(s->saved->dev, size * sizeof(*d));
			if (!d) {
				errno = ENOMEM;
				return MNL_CB_ERROR;
			}
			s->saved->dev = d;
			s->saved->size = size;
		}
		s->saved->dev[s->saved->n].ifindex = m.ifm->ifi_index;
		snprintf(s->saved->dev[s->saved->n].name, IF_NAMESIZE, "%s",
			 ifname);
		s->saved->n++;
		link_print(&m, ifname, true);
		return MNL_CB_OK;
	}
	if (kvx_opts.json && !s->array) {
		json_open_array(NULL);
		s->array = true;
	}
	link_print(&m, ifname, false);
	return MNL_CB_OK;
}

/* Whether a single-device answer is a kvxlan device. */
static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	bool *kvxlan = data;
	struct link_msg m;

	if (link_msg_parse(nlh, &m) && m.kvxlan)
		*kvxlan = true;
	return MNL_CB_OK;
}

/* RTM_GETLINK for one ifindex. */
static int link_get(struct nl_sock *nl, unsigned int ifindex, mnl_cb_t cb,
		    void *data)
{
	struct nlmsghdr *nlh;

	nlh = nl_msg(nl, RTM_GETLINK, 0);
	link_put_ifinfomsg(nlh, ifindex);
	return nl_talk(nl, nlh, cb, data);
}

/*
 * The ifindex of the kvxlan device name, so that "set" and "del" never touch
 * another kind of device. Returns an exit status.
 */
static int link_resolve(struct nl_sock *nl, const char *name,
			unsigned int *ifindex)
{
	bool kvxlan = false;

	*ifindex = if_nametoindex(name);
	if (!*ifindex)
		return kvx_err("Cannot find device \"%s\"", name);
	if (link_get(nl, *ifindex, link_kind_cb, &kvxlan))
		return KVX_EXIT_KERNEL;
	if (!kvxlan)
		return kvx_err("\"%s\" is not a kvxlan device", name);
	return KVX_EXIT_OK;
}

static int link_add(int argc, char **argv)
{
	struct link_netns ns = { .fd = -1 };
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	struct link_req req;
	struct nl_sock *nl;
	int ret;

	ret = link_parse("add", argc, argv, &req);
	if (ret)
		return ret < 0 ? KVX_EXIT_OK : ret;

	if (req.netns) {
		ret = link_netns_open(req.netns, &ns);
		if (ret)
			return ret;
	}

	nl = nl_shared(NETLINK_ROUTE);
	if (!nl) {
		link_netns_close(&ns);
		return KVX_EXIT_KERNEL;
	}

	nlh = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifm = link_put_ifinfomsg(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, req.name);
	if (link_has(&req, LINK_KW_MTU))
		mnl_attr_put_u32(nlh, IFLA_MTU, req.mtu);
	if (req.netns) {
		link_put_netns(nlh, &ns);
		/*
		 * The name means nothing here once the device is elsewhere:
		 * "up" goes with the creation (if it fails, so does that).
		 */
		if (link_has(&req, LINK_KW_STATE) && req.up) {
			ifm->ifi_change = IFF_UP;
			ifm->ifi_flags = IFF_UP;
		}
	}
	link_put_info(nlh, &req, true);
	ret = nl_talk(nl, nlh, NULL, NULL);
	link_netns_close(&ns);
	/* "Unknown device type": no "kvxlan" link kind, even after the
	 * kernel's own request_module("rtnl-link-kvxlan").
	 */
	if (ret == -EOPNOTSUPP)
		kvx_report("Hint",
			   "the kvxlan module is not loaded: \"modprobe kvxlan\" loads an installed one, \"insmod kvxlan.ko\" a built one");
	ret = ret ? KVX_EXIT_KERNEL : KVX_EXIT_OK;

	if (!ret && !req.netns && link_has(&req, LINK_KW_STATE) && req.up) {
		nlh = nl_msg(nl, RTM_NEWLINK, 0);
		ifm = link_put_ifinfomsg(nlh, 0);
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = IFF_UP;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, req.name);
		if (nl_talk(nl, nlh, NULL, NULL))
			ret = KVX_EXIT_KERNEL;
	}

	return ret;
}

static int link_set(int argc, char **argv)
{
	struct link_netns ns = { .fd = -1 };
	unsigned int ifindex;
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;
	struct link_req req;
	struct nl_sock *nl;
	int ret;

	ret = link_parse("set", argc, argv, &req);
	if (ret)
		return ret < 0 ? KVX_EXIT_OK : ret;
	if (!req.seen)
		return kvx_try_help("link", "Nothing to change on \"%s\"",
				    req.name);
	if (req.netns) {
		ret = link_netns_open(req.netns, &ns);
		if (ret)
			return ret;
	}

	nl = nl_shared(NETLINK_ROUTE);
	if (!nl) {
		ret = KVX_EXIT_KERNEL;
		goto out;
	}

	ret = link_resolve(nl, req.name, &ifindex);
	if (ret)
		goto out;

	nlh = nl_msg(nl, RTM_NEWLINK, 0);
	ifm = link_put_ifinfomsg(nlh, ifindex);
	if (link_has(&req, LINK_KW_STATE)) {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = req.up ? IFF_UP : 0;
	}
	if (link_has(&req, LINK_KW_MTU))
		mnl_attr_put_u32(nlh, IFLA_MTU, req.mtu);
	if (req.netns)
		link_put_netns(nlh, &ns);
	link_put_info(nlh, &req, false);
	ret = nl_talk(nl, nlh, NULL, NULL) ? KVX_EXIT_KERNEL : KVX_EXIT_OK;
out:
	link_netns_close(&ns);
	return ret;
}

/* "[ dev ] NAME" of del and show; NULL name when argc is 0. */
static int link_parse_name(int argc, char **argv, const char **name)
{
	*name = NULL;
	if (argc > 0 && is_help(argv[0])) {
		link_usage(stdout);
		return -1;
	}
	if (argc > 0 && !strcmp(argv[0], "dev")) {
		if (argc < 2)
			return kvx_try_help("link", "Missing argument for \"%s\"",
					    "dev");
		argc--;
		argv++;
	}
	if (argc > 1)
		return kvx_try_help("link", "Unknown keyword \"%s\"", argv[1]);
	if (argc == 1)
		*name = argv[0];
	return KVX_EXIT_OK;
}

static int link_del(int argc, char **argv)
{
	unsigned int ifindex;
	struct nlmsghdr *nlh;
	struct nl_sock *nl;
	const char *name;
	int ret;

	ret = link_parse_name(argc, argv, &name);
	if (ret)
		return ret < 0 ? KVX_EXIT_OK : ret;
	if (!name)
		return kvx_try_help("link", "Missing device NAME");

	nl = nl_shared(NETLINK_ROUTE);
	if (!nl)
		return KVX_EXIT_KERNEL;

	ret = link_resolve(nl, name, &ifindex);
	if (ret)
		goto out;

	nlh = nl_msg(nl, RTM_DELLINK, 0);
	link_put_ifinfomsg(nlh, ifindex);
	ret = nl_talk(nl, nlh, NULL, NULL) ? KVX_EXIT_KERNEL : KVX_EXIT_OK;
out:
	return ret;
}

/*
 * The device s->name (every device without one) through link_show_cb();
 * returns an exit status.
 */
static int link_query(struct link_show *s)
{
	unsigned int ifindex = 0;
	struct nlmsghdr *nlh;
	struct nl_sock *nl;
	int ret;

	if (s->name) {
		ifindex = if_nametoindex(s->name);
		if (!ifindex)
			return kvx_err("Cannot find device \"%s\"", s->name);
	}
	nl = nl_shared(NETLINK_ROUTE);
	if (!nl)
		return KVX_EXIT_KERNEL;
	if (s->name) {
		ret = link_get(nl, ifindex, link_show_cb, s);
	} else {
		nlh = nl_msg(nl, RTM_GETLINK, NLM_F_DUMP);
		link_put_ifinfomsg(nlh, 0);
		ret = nl_talk(nl, nlh, link_show_cb, s);
	}
	if (ret)
		return KVX_EXIT_KERNEL;
	if (s->name && !s->found)
		return kvx_err("\"%s\" is not a kvxlan device", s->name);
	return KVX_EXIT_OK;
}

static int link_show(int argc, char **argv)
{
	struct link_show s = {};
	int ret;

	ret = link_parse_name(argc, argv, &s.name);
	if (ret)
		return ret < 0 ? KVX_EXIT_OK : ret;

	ret = link_query(&s);

	/* A JSON document whenever something was, or should be, listed. */
	if (kvx_opts.json && (s.array || !ret)) {
		if (!s.array)
			json_open_array(NULL);
		json_close_array();
	}

	return ret;
}

int link_save(const char *name, struct link_saved *saved)
{
	struct link_show s = { .name = name, .saved = saved };

	kvx_ifindex_forget();
	return link_query(&s);
}

enum { LINK_ADD, LINK_SET, LINK_DEL, LINK_SHOW, LINK_HELP };

/* ip's names too: "delete", "list", "lst"; and unambiguous prefixes. */
static const struct kvx_word link_cmds[] = {
	{ "add", LINK_ADD },
	{ "set", LINK_SET },
	{ "change", LINK_SET },
	{ "del", LINK_DEL },
	{ "delete", LINK_DEL },
	{ "show", LINK_SHOW },
	{ "list", LINK_SHOW },
	{ "lst", LINK_SHOW },
	{ "help", LINK_HELP },
};

int link_run(int argc, char **argv)
{
	const char *cmd;

	/* Any link command may change which name has which index. */
	kvx_ifindex_forget();

	if (argc < 1)
		return link_show(0, NULL);

	cmd = argv[0];
	argc--;
	argv++;

	switch (kvx_lookup(cmd, link_cmds, ARRAY_SIZE(link_cmds),
			   "kvxlan link help")) {
	case LINK_ADD:
		return link_add(argc, argv);
	case LINK_SET:
		return link_set(argc, argv);
	case LINK_DEL:
		return link_del(argc, argv);
	case LINK_SHOW:
		return link_show(argc, argv);
	case LINK_HELP:
		link_usage(stdout);
		return KVX_EXIT_OK;
	case -2:
		return KVX_EXIT_USAGE;
	}
	return kvx_try_help("link", "Unknown link command \"%s\"", cmd);
}
