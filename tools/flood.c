// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan flood": the flood list of a kvxlan device, the remote
 * VTEPs that get a copy of every broadcast, unknown-unicast and multicast
 * frame (KVXLAN_CMD_FLOOD_ADD, _DEL, _REPLACE, _GET). A remote may be a
 * multicast group, joined on the underlay device given with "via".
 *
 * "kvxlan group" is the same list seen through its groups alone
 * (KVXLAN_CMD_GROUP_ADD, _DEL, _GET): "group add ADDR dev DEV" is
 * "flood add dev DEV dst ADDR" for a multicast ADDR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/kvxlan.h>

#include "kvxlan.h"
#include "genl.h"
#include "json.h"
#include "nl.h"
#include "utils.h"

/* Keywords, one bit each in flood_req.seen and flood_remote.seen. */
enum {
	FLOOD_KW_DEV,
	FLOOD_KW_DST,
	FLOOD_KW_PORT,
	FLOOD_KW_VNI,
	FLOOD_KW_VIA,
};

#define FLOOD_BIT(kw)	(1u << FLOOD_KW_##kw)
#define FLOOD_REMOTE	(FLOOD_BIT(DST) | FLOOD_BIT(PORT) | FLOOD_BIT(VNI) | \
			 FLOOD_BIT(VIA))

struct flood_remote {
	unsigned int seen;
	struct kvx_addr dst;
	uint16_t port;
	uint32_t vni;
	unsigned int via;	/* ifindex of a group's underlay device */
};

/* A parsed command line. */
struct flood_req {
	unsigned int seen;
	unsigned int ifindex;
	struct flood_remote *r;
	size_t n;
	size_t size;
};

struct flood_cmd {
	const char *name;
	uint8_t cmd;
	unsigned int need;
	unsigned int allow;
	bool many;		/* any number of remotes */
};

static const struct flood_cmd flood_cmds[] = {
	{ "add", KVXLAN_CMD_FLOOD_ADD, FLOOD_BIT(DEV) | FLOOD_BIT(DST),
	  FLOOD_BIT(DEV) | FLOOD_REMOTE, false },
	{ "del", KVXLAN_CMD_FLOOD_DEL, FLOOD_BIT(DEV) | FLOOD_BIT(DST),
	  FLOOD_BIT(DEV) | FLOOD_BIT(DST), false },
	{ "replace", KVXLAN_CMD_FLOOD_REPLACE, FLOOD_BIT(DEV),
	  FLOOD_BIT(DEV) | FLOOD_REMOTE, true },
	{ "show", KVXLAN_CMD_FLOOD_GET, FLOOD_BIT(DEV), FLOOD_BIT(DEV),
	  false },
};

static const struct flood_cmd group_cmds[] = {
	{ "add", KVXLAN_CMD_GROUP_ADD, FLOOD_BIT(DEV) | FLOOD_BIT(DST),
	  FLOOD_BIT(DEV) | FLOOD_REMOTE, false },
	{ "del", KVXLAN_CMD_GROUP_DEL, FLOOD_BIT(DEV) | FLOOD_BIT(DST),
	  FLOOD_BIT(DEV) | FLOOD_BIT(DST), false },
	{ "show", KVXLAN_CMD_GROUP_GET, FLOOD_BIT(DEV), FLOOD_BIT(DEV),
	  false },
};

/* The remotes of a FLOOD_GET (GROUP_GET) dump, in list order. */
struct flood_list {
	unsigned int ifindex;
	struct flood_remote *r;
	size_t n;
	size_t size;
};

/* A dump interrupted by a change starts over: forget what came. */
static void flood_show_restart(void *data)
{
	struct flood_list *l = data;

	l->n = 0;
}

void group_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan group add ADDR dev DEV [ via IFNAME ] [ port PORT ] [ vni VNI ]\n"
		"       kvxlan group del ADDR dev DEV\n"
		"       kvxlan group show dev DEV\n"
		"       kvxlan group help\n");
}

void flood_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan flood add dev DEV REMOTE\n"
		"       kvxlan flood del dev DEV dst ADDR\n"
		"       kvxlan flood replace dev DEV [ REMOTE ]...\n"
		"       kvxlan flood show dev DEV\n"
		"       kvxlan flood help\n"
		"where  REMOTE := dst ADDR [ port PORT ] [ vni VNI ] [ via IFNAME ]\n");
}

/* The object being run: "flood" or "group" (whose help to point at). */
static const char *flood_obj = "flood";

/* Room for one more remote; NULL when out of memory. */
static struct flood_remote *flood_new_remote(struct flood_remote **r,
					     size_t *n, size_t *size)
{
	struct flood_remote *p;
	size_t want;

	if (*n == *size) {
		want = *size ? 2 * *size : 8;
		p = realloc(*r, want * sizeof(*p));
		if (!p)
			return NULL;
		*r = p;
		*size = want;
	}
	p = &(*r)[(*n)++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The keyword at argv[*i] and its argument; returns an exit status. */
static int flood_parse_kw(const struct flood_cmd *c, int argc, char **argv,
			  int *i, struct flood_req *req)
{
	const char *kw = argv[*i];
	struct flood_remote *r;
	unsigned long long v;
	unsigned int *seen;
	const char *arg;
	int bit;

	if (!strcmp(kw, "dev"))
		bit = FLOOD_KW_DEV;
	else if (!strcmp(kw, "dst"))
		bit = FLOOD_KW_DST;
	else if (!strcmp(kw, "port"))
		bit = FLOOD_KW_PORT;
	else if (!strcmp(kw, "vni"))
		bit = FLOOD_KW_VNI;
	else if (!strcmp(kw, "via"))
		bit = FLOOD_KW_VIA;
	else
		return kvx_try_help(flood_obj, "Unknown keyword \"%s\"", kw);
	if (!(c->allow & (1u << bit)))
		return kvx_try_help(flood_obj,
				    "\"%s\" does not go with \"%s %s\"",
				    kw, flood_obj, c->name);
	if (*i + 1 >= argc)
		return kvx_try_help(flood_obj, "Missing argument for \"%s\"",
				    kw);
	arg = argv[++*i];

	if (bit == FLOOD_KW_DEV) {
		if (req->seen & FLOOD_BIT(DEV))
			return kvx_err("\"%s\" is given twice", kw);
		req->seen |= FLOOD_BIT(DEV);
		return kvx_ifindex(arg, &req->ifindex);
	}

	/* "dst" starts a remote; the others belong to the last one. */
	if (bit == FLOOD_KW_DST) {
		if (req->n && !c->many)
			return kvx_err("\"%s\" is given twice", kw);
		r = flood_new_remote(&req->r, &req->n, &req->size);
		if (!r)
			return kvx_err("%s", strerror(ENOMEM));
		req->seen |= FLOOD_BIT(DST);
	} else {
		if (!req->n)
			return kvx_try_help(flood_obj,
					    "\"%s\" must follow \"dst ADDR\"",
					    kw);
		r = &req->r[req->n - 1];
	}
	seen = &r->seen;
	if (*seen & (1u << bit))
		return kvx_err("\"%s\" is given twice for one remote", kw);
	*seen |= 1u << bit;

	switch (bit) {
	case FLOOD_KW_DST:
		if (parse_addr(arg, &r->dst))
			return kvx_err("Invalid dst \"%s\": expected an IPv4 or IPv6 address",
				       arg);
		break;
	case FLOOD_KW_PORT:
		if (parse_range(kw, arg, 1, UINT16_MAX, &v))
			return KVX_EXIT_USAGE;
		r->port = v;
		break;
	case FLOOD_KW_VNI:
		if (parse_range(kw, arg, 0, KVXLAN_VNI_MAX, &v))
			return KVX_EXIT_USAGE;
		r->vni = v;
		break;
	case FLOOD_KW_VIA:
		return kvx_ifindex(arg, &r->via);
	}
	return KVX_EXIT_OK;
}

/* Returns an exit status, or -1 when help was printed. */
static int flood_parse(const struct flood_cmd *c, int argc, char **argv,
		       struct flood_req *req)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (is_help(argv[i]))
			return -1;
		ret = flood_parse_kw(c, argc, argv, &i, req);
		if (ret)
			return ret;
	}
	if (c->need & ~req->seen & FLOOD_BIT(DEV))
		return kvx_try_help(flood_obj, "Missing \"dev\"");
	if (c->need & ~req->seen & FLOOD_BIT(DST))
		return kvx_try_help(flood_obj, "Missing \"dst\"");
	return KVX_EXIT_OK;
}

/* REMOTE { ADDR, [PORT], [VNI], [IFINDEX] }; -1 when it does not fit. */
static int flood_put_remote(struct nlmsghdr *nlh,
			    const struct flood_remote *r)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, NL_REQ_SIZE, KVXLAN_A_REMOTE);
	if (!nest ||
	    !mnl_attr_put_check(nlh, NL_REQ_SIZE, KVXLAN_REMOTE_A_ADDR,
				addr_len(&r->dst), &r->dst.v6) ||
	    (r->seen & FLOOD_BIT(PORT) &&
	     !mnl_attr_put_u16_check(nlh, NL_REQ_SIZE, KVXLAN_REMOTE_A_PORT,
				     r->port)) ||
	    (r->seen & FLOOD_BIT(VNI) &&
	     !mnl_attr_put_u32_check(nlh, NL_REQ_SIZE, KVXLAN_REMOTE_A_VNI,
				     r->vni)) ||
	    (r->seen & FLOOD_BIT(VIA) &&
	     !mnl_attr_put_u32_check(nlh, NL_REQ_SIZE,
				     KVXLAN_REMOTE_A_IFINDEX, r->via)))
		return -1;
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

static int flood_change(const struct flood_cmd *c,
			const struct flood_req *req)
{
	const struct kvx_genl *g = kvx_genl();
	struct nlmsghdr *nlh;
	size_t i;

	if (!g)
		return KVX_EXIT_KERNEL;
	nlh = kvx_genl_msg(g, c->cmd, 0);
	mnl_attr_put_u32(nlh, KVXLAN_A_IFINDEX, req->ifindex);
	for (i = 0; i < req->n; i++)
		if (flood_put_remote(nlh, &req->r[i]))
			return kvx_err("Too many remotes for one request (%zu fit)",
				       i);
	return nl_do(g->nl, nlh) ? KVX_EXIT_KERNEL : KVX_EXIT_OK;
}

static int flood_show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *rb[KVXLAN_REMOTE_A_MAX + 1];
	const struct nlattr *tb[KVXLAN_A_MAX + 1];
	struct flood_list *l = data;
	const struct nlattr *attr;
	struct flood_remote *r;
	size_t len;

	if (genl_cmd(nlh) != KVXLAN_CMD_FLOOD_GET &&
	    genl_cmd(nlh) != KVXLAN_CMD_GROUP_GET)
		return MNL_CB_OK;
	genl_parse(nlh, tb, KVXLAN_A_MAX, kvx_a_types);
	if (!tb[KVXLAN_A_IFINDEX] ||
	    mnl_attr_get_u32(tb[KVXLAN_A_IFINDEX]) != l->ifindex)
		return MNL_CB_OK;

	/* REMOTE repeats: walk every attribute. */
	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) != KVXLAN_A_REMOTE ||
		    mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
			continue;
		nl_parse_nested(attr, rb, KVXLAN_REMOTE_A_MAX,
				kvx_remote_a_types);
		if (!rb[KVXLAN_REMOTE_A_ADDR])
			continue;
		len = mnl_attr_get_payload_len(rb[KVXLAN_REMOTE_A_ADDR]);
		if (len != 4 && len != 16)
			continue;
		r = flood_new_remote(&l->r, &l->n, &l->size);
		if (!r) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		r->dst.family = len == 4 ? AF_INET : AF_INET6;
		memcpy(&r->dst.v6, mnl_attr_get_payload(rb[KVXLAN_REMOTE_A_ADDR]),
		       len);
		r->seen = FLOOD_BIT(DST);
		if (rb[KVXLAN_REMOTE_A_PORT]) {
			r->seen |= FLOOD_BIT(PORT);
			r->port = mnl_attr_get_u16(rb[KVXLAN_REMOTE_A_PORT]);
		}
		if (rb[KVXLAN_REMOTE_A_VNI]) {
			r->seen |= FLOOD_BIT(VNI);
			r->vni = mnl_attr_get_u32(rb[KVXLAN_REMOTE_A_VNI]);
		}
		if (rb[KVXLAN_REMOTE_A_IFINDEX]) {
			r->seen |= FLOOD_BIT(VIA);
			r->via = mnl_attr_get_u32(rb[KVXLAN_REMOTE_A_IFINDEX]);
		}
	}
	return MNL_CB_OK;
}

/*
 * The list of @ifindex (FLOOD_GET or GROUP_GET, @cmd) into @l. A dump: a
 * list of KVXLAN_FLOOD_MAX remotes would not fit one message of a sane
 * size; each message carries a run of the list. Returns an exit status.
 */
static int flood_fetch(const struct kvx_genl *g, uint8_t cmd,
		       struct flood_list *l)
{
	struct nlmsghdr *nlh;

	nlh = kvx_genl_msg(g, cmd, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, KVXLAN_A_IFINDEX, l->ifindex);
	if (nl_dump(g->nl, nlh, flood_show_cb, l, flood_show_restart))
		return KVX_EXIT_KERNEL;
	return KVX_EXIT_OK;
}

/*
 * A remote's fields, each from one call (json.h): for "flood show" (text
 * or JSON) and "kvxlan save" (a REMOTE of "flood replace"), @dst_fmt the
 * text of the first.
 */
static void flood_print_remote(const struct flood_remote *r,
			       const char *dst_fmt)
{
	char buf[KVX_ADDRSTRLEN], via[IF_NAMESIZE];

	inet_ntop(r->dst.family, &r->dst.v6, buf, sizeof(buf));
	print_string(PRINT_ANY, "dst", dst_fmt, buf);
	if (r->seen & FLOOD_BIT(PORT))
		print_uint(PRINT_ANY, "port", " port %u", r->port);
	if (r->seen & FLOOD_BIT(VNI))
		print_uint(PRINT_ANY, "vni", " vni %u", r->vni);
	if (r->seen & FLOOD_BIT(VIA))
		print_string(PRINT_ANY, "via", " via %s",
			     kvx_ifname(r->via, via));
}

static int flood_show(const struct flood_cmd *c, const struct flood_req *req)
{
	const struct kvx_genl *g = kvx_genl();
	struct flood_list l = { .ifindex = req->ifindex };
	size_t i;
	int ret;

	if (!g)
		return KVX_EXIT_KERNEL;
	ret = flood_fetch(g, c->cmd, &l);
	if (ret)
		goto out;

	print_open_array(NULL);
	for (i = 0; i < l.n; i++) {
		print_open_object(NULL);
		flood_print_remote(&l.r[i], "dst %s");
		print_string(PRINT_FP, NULL, "%s", "\n");
		print_close_object();
	}
	print_close_array();
	fflush(stdout);
out:
	free(l.r);
	return ret;
}

int flood_save(unsigned int ifindex, const char *name)
{
	const struct kvx_genl *g = kvx_genl();
	struct flood_list l = { .ifindex = ifindex };
	size_t i;
	int ret;

	if (!g)
		return KVX_EXIT_KERNEL;
	ret = flood_fetch(g, KVXLAN_CMD_FLOOD_GET, &l);
	if (ret)
		goto out;
	/* One request: the whole list, groups and the link's remote. */
	if (l.n)
		printf("flood replace dev %s", name);
	/* (save has turned -j off: this is text) */
	for (i = 0; i < l.n; i++)
		flood_print_remote(&l.r[i], " dst %s");
	if (l.n)
		printf("\n");
out:
	free(l.r);
	return ret;
}

/* ip's other names (bridge fdb append is a flood add): { alias, command }. */
static const char * const flood_aliases[][2] = {
	{ "append", "add" },
	{ "delete", "del" },
	{ "list", "show" },
	{ "lst", "show" },
};

static int flood_main(const char *obj, const struct flood_cmd *cmds,
		      size_t ncmds, void (*usage)(FILE *out), int argc,
		      char **argv)
{
	struct kvx_word words[8 + ARRAY_SIZE(flood_aliases)];
	const struct flood_cmd *c;
	struct flood_req req = {};
	const char *cmd;
	char help[32];
	size_t i, j, n = 0;
	int ret, id;

	flood_obj = obj;
	/* "kvxlan flood" alone is "kvxlan flood show", which needs a device. */
	cmd = argc > 0 ? argv[0] : "show";
	if (is_help(cmd)) {
		usage(stdout);
		return KVX_EXIT_OK;
	}
	for (i = 0; i < ncmds && n < ARRAY_SIZE(words); i++)
		words[n++] = (struct kvx_word){ cmds[i].name, i };
	for (j = 0; j < ARRAY_SIZE(flood_aliases); j++)
		for (i = 0; i < ncmds && n < ARRAY_SIZE(words); i++)
			if (!strcmp(flood_aliases[j][1], cmds[i].name))
				words[n++] = (struct kvx_word){
					flood_aliases[j][0], i };
	snprintf(help, sizeof(help), "kvxlan %s help", obj);
	id = kvx_lookup(cmd, words, n, help);
	if (id == -2)
		return KVX_EXIT_USAGE;
	if (id < 0)
		return kvx_try_help(flood_obj, "Unknown %s command \"%s\"",
				    obj, cmd);
	c = &cmds[id];
	if (argc > 0) {
		argc--;
		argv++;
	}

	ret = flood_parse(c, argc, argv, &req);
	if (ret < 0)
		usage(stdout);
	if (ret)
		ret = ret < 0 ? KVX_EXIT_OK : ret;
	else if (c->cmd == KVXLAN_CMD_FLOOD_GET ||
		 c->cmd == KVXLAN_CMD_GROUP_GET)
		ret = flood_show(c, &req);
	else
		ret = flood_change(c, &req);
	free(req.r);
	return ret;
}

int flood_run(int argc, char **argv)
{
	return flood_main("flood", flood_cmds, ARRAY_SIZE(flood_cmds),
			  flood_usage, argc, argv);
}

/* "group add ADDR ..." is "add dst ADDR ...": name the bare address. */
int group_run(int argc, char **argv)
{
	static const char * const with_arg[] = {
		"dev", "dst", "port", "vni", "via",
	};
	char **args;
	bool named = false;
	int i, n = 0, ret;
	size_t k;

	args = calloc(argc + 2, sizeof(*args));
	if (!args)
		return kvx_err("Out of memory");
	for (i = 0; i < argc; i++) {
		for (k = 0; k < ARRAY_SIZE(with_arg); k++)
			if (!strcmp(argv[i], with_arg[k]))
				break;
		if (k < ARRAY_SIZE(with_arg)) {
			args[n++] = argv[i];
			if (i + 1 < argc)
				args[n++] = argv[++i];
			continue;
		}
		if (i > 0 && !named && !is_help(argv[i])) {
			args[n++] = "dst";
			named = true;
		}
		args[n++] = argv[i];
	}
	ret = flood_main("group", group_cmds, ARRAY_SIZE(group_cmds),
			 group_usage, n, args);
	free(args);
	return ret;
}
