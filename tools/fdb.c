// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan - "kvxlan fdb": the forwarding database of a kvxlan device (MAC ->
 * remote VTEP), over the kvxlan generic netlink family: KVXLAN_CMD_FDB_ADD,
 * _REPLACE, _APPEND, _DEL, _GET (do and dump) and _FLUSH. A multicast MAC
 * may have several remotes (append): one message, one line each.
 *
 * As for links, values are only checked as far as they must be to be
 * encoded; the kernel judges the rest (a multicast MAC, a VNI above
 * 16777215, port 0, ...) and its extack message is printed.
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

/* Keywords, one bit each in fdb_req.seen. */
enum {
	FDB_KW_MAC,
	FDB_KW_DEV,
	FDB_KW_DST,
	FDB_KW_PORT,
	FDB_KW_VNI,
	FDB_KW_KIND,		/* "static" or "learned" */
};

#define FDB_BIT(kw)	(1u << FDB_KW_##kw)
#define FDB_FILTERS	(FDB_BIT(DEV) | FDB_BIT(DST) | FDB_BIT(VNI) | \
			 FDB_BIT(KIND))
#define FDB_SET		(FDB_BIT(MAC) | FDB_BIT(DEV) | FDB_BIT(DST) | \
			 FDB_BIT(PORT) | FDB_BIT(VNI))

/* A parsed command line. */
struct fdb_req {
	unsigned int seen;
	uint8_t mac[KVX_MAC_LEN];
	unsigned int ifindex;
	struct kvx_addr dst;
	uint16_t port;
	uint32_t vni;
	uint8_t kind;
};

struct fdb_cmd {
	const char *name;
	int (*run)(const struct fdb_cmd *c, const struct fdb_req *req);
	uint8_t cmd;		/* KVXLAN_CMD_* */
	unsigned int need;	/* keywords required */
	unsigned int allow;	/* keywords accepted */
};

/* The entries of an answer, in the order they came. */
struct fdb_list {
	unsigned int ifindex;
	struct fdb_entry *ent;
	size_t n;
	size_t size;
};

/* Minimum column widths, as the seed draws the table. */
#define FDB_W_MAC	17
#define FDB_W_DST	15
#define FDB_W_VNI	5
#define FDB_W_KIND	7
#define FDB_W_AGE	4

static const char * const fdb_kind_names[] = {
	[KVXLAN_FDB_KIND_STATIC] = "static",
	[KVXLAN_FDB_KIND_LEARNED] = "learned",
};

void fdb_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvxlan fdb { add | replace | append } MAC dev DEV dst ADDR\n"
		"                                      [ port PORT ] [ vni VNI ]\n"
		"       kvxlan fdb del MAC dev DEV [ dst ADDR ]\n"
		"       kvxlan fdb get MAC dev DEV\n"
		"       kvxlan fdb show dev DEV [ FILTER ]\n"
		"       kvxlan fdb flush dev DEV [ FILTER ]\n"
		"       kvxlan fdb help\n"
		"where  FILTER := [ dst ADDR ] [ static | learned ] [ vni VNI ]\n");
}

const char *fdb_kind_name(uint8_t kind)
{
	if (kind < ARRAY_SIZE(fdb_kind_names) && fdb_kind_names[kind])
		return fdb_kind_names[kind];
	return "unknown";
}

/* The keyword at argv[*i] and its argument; returns an exit status. */
static int fdb_parse_kw(const struct fdb_cmd *c, int argc, char **argv,
			int *i, struct fdb_req *req)
{
	const char *kw = argv[*i];
	const char *arg = NULL;
	unsigned long long v;
	int bit, ret;

	if (!strcmp(kw, "static") || !strcmp(kw, "learned")) {
		bit = FDB_KW_KIND;
		if (req->seen & FDB_BIT(KIND) && c->allow & FDB_BIT(KIND))
			return kvx_err("Only one of \"static\" and \"learned\" may be given");
		req->kind = !strcmp(kw, "static") ? KVXLAN_FDB_KIND_STATIC :
						    KVXLAN_FDB_KIND_LEARNED;
	} else if (!strcmp(kw, "dev") || !strcmp(kw, "dst") ||
		   !strcmp(kw, "port") || !strcmp(kw, "vni")) {
		if (*i + 1 >= argc)
			return kvx_try_help("fdb", "Missing argument for \"%s\"",
					    kw);
		arg = argv[++*i];
		if (!strcmp(kw, "dev"))
			bit = FDB_KW_DEV;
		else if (!strcmp(kw, "dst"))
			bit = FDB_KW_DST;
		else if (!strcmp(kw, "port"))
			bit = FDB_KW_PORT;
		else
			bit = FDB_KW_VNI;
	} else if (c->allow & FDB_BIT(MAC) && !(req->seen & FDB_BIT(MAC))) {
		/* Any other word where the MAC goes is one, or a bad one. */
		bit = FDB_KW_MAC;
		if (parse_mac(kw, req->mac))
			return kvx_err("Invalid MAC address \"%s\": expected six hex bytes separated by ':' (00:11:22:33:44:55)",
				       kw);
	} else {
		return kvx_try_help("fdb", "Unknown keyword \"%s\"", kw);
	}

	if (!(c->allow & (1u << bit)))
		return kvx_try_help("fdb",
				    "\"%s\" does not go with \"fdb %s\"",
				    kw, c->name);
	if (req->seen & (1u << bit))
		return kvx_err("\"%s\" is given twice", kw);
	req->seen |= 1u << bit;

	switch (bit) {
	case FDB_KW_DEV:
		ret = kvx_ifindex(arg, &req->ifindex);
		if (ret)
			return ret;
		break;
	case FDB_KW_DST:
		if (parse_addr(arg, &req->dst))
			return kvx_err("Invalid dst \"%s\": expected an IPv4 or IPv6 address",
				       arg);
		break;
	case FDB_KW_PORT:
		if (parse_range(kw, arg, 1, UINT16_MAX, &v))
			return KVX_EXIT_USAGE;
		req->port = v;
		break;
	case FDB_KW_VNI:
		if (parse_range(kw, arg, 0, KVXLAN_VNI_MAX, &v))
			return KVX_EXIT_USAGE;
		req->vni = v;
		break;
	}
	return KVX_EXIT_OK;
}

/* Returns an exit status, or -1 when help was printed. */
static int fdb_parse(const struct fdb_cmd *c, int argc, char **argv,
		     struct fdb_req *req)
{
	int i, ret;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			fdb_usage(stdout);
			return -1;
		}
		ret = fdb_parse_kw(c, argc, argv, &i, req);
		if (ret)
			return ret;
	}

	if (c->need & ~req->seen & FDB_BIT(MAC))
		return kvx_try_help("fdb", "Missing MAC address");
	if (c->need & ~req->seen & FDB_BIT(DEV))
		return kvx_try_help("fdb", "Missing \"dev\"");
	if (c->need & ~req->seen & FDB_BIT(DST))
		return kvx_try_help("fdb", "Missing \"dst\"");
	return KVX_EXIT_OK;
}

/* IFINDEX and, when anything goes in it, the FDB nest. */
static void fdb_put(struct nlmsghdr *nlh, const struct fdb_req *req)
{
	struct nlattr *nest;

	mnl_attr_put_u32(nlh, KVXLAN_A_IFINDEX, req->ifindex);
	if (!(req->seen & ~FDB_BIT(DEV)))
		return;

	nest = mnl_attr_nest_start(nlh, KVXLAN_A_FDB);
	if (req->seen & FDB_BIT(MAC))
		mnl_attr_put(nlh, KVXLAN_FDB_A_MAC, KVX_MAC_LEN, req->mac);
	if (req->seen & FDB_BIT(DST))
		mnl_attr_put(nlh, KVXLAN_FDB_A_ADDR, addr_len(&req->dst),
			     &req->dst.v6);
	if (req->seen & FDB_BIT(PORT))
		mnl_attr_put_u16(nlh, KVXLAN_FDB_A_PORT, req->port);
	if (req->seen & FDB_BIT(VNI))
		mnl_attr_put_u32(nlh, KVXLAN_FDB_A_VNI, req->vni);
	if (req->seen & FDB_BIT(KIND))
		mnl_attr_put_u8(nlh, KVXLAN_FDB_A_KIND, req->kind);
	mnl_attr_nest_end(nlh, nest);
}

int fdb_entry_parse(const struct nlmsghdr *nlh, struct fdb_entry *e)
{
	const struct nlattr *fb[KVXLAN_FDB_A_MAX + 1];
	const struct nlattr *tb[KVXLAN_A_MAX + 1];
	size_t len;

	memset(e, 0, sizeof(*e));
	genl_parse(nlh, tb, KVXLAN_A_MAX, kvx_a_types);
	if (!tb[KVXLAN_A_IFINDEX] || !tb[KVXLAN_A_FDB])
		return -1;
	nl_parse_nested(tb[KVXLAN_A_FDB], fb, KVXLAN_FDB_A_MAX,
			kvx_fdb_a_types);
	if (!fb[KVXLAN_FDB_A_MAC] || !fb[KVXLAN_FDB_A_ADDR] ||
	    mnl_attr_get_payload_len(fb[KVXLAN_FDB_A_MAC]) != KVX_MAC_LEN)
		return -1;
	len = mnl_attr_get_payload_len(fb[KVXLAN_FDB_A_ADDR]);
	if (len != 4 && len != 16)
		return -1;

	e->ifindex = mnl_attr_get_u32(tb[KVXLAN_A_IFINDEX]);
	if (tb[KVXLAN_A_EVENT])
		e->event = mnl_attr_get_u8(tb[KVXLAN_A_EVENT]);
	memcpy(e->mac, mnl_attr_get_payload(fb[KVXLAN_FDB_A_MAC]),
	       KVX_MAC_LEN);
	memcpy(e->addr, mnl_attr_get_payload(fb[KVXLAN_FDB_A_ADDR]), len);
	e->addr_len = len;
	if (fb[KVXLAN_FDB_A_PORT]) {
		e->has_port = true;
		e->port = mnl_attr_get_u16(fb[KVXLAN_FDB_A_PORT]);
	}
	if (fb[KVXLAN_FDB_A_VNI]) {
		e->has_vni = true;
		e->vni = mnl_attr_get_u32(fb[KVXLAN_FDB_A_VNI]);
	}
	if (fb[KVXLAN_FDB_A_KIND])
		e->kind = mnl_attr_get_u8(fb[KVXLAN_FDB_A_KIND]);
	if (fb[KVXLAN_FDB_A_CREATED])
		e->created_ms = mnl_attr_get_u64(fb[KVXLAN_FDB_A_CREATED]);
	if (fb[KVXLAN_FDB_A_UPDATED])
		e->updated_ms = mnl_attr_get_u64(fb[KVXLAN_FDB_A_UPDATED]);
	if (fb[KVXLAN_FDB_A_USED])
		e->used_ms = mnl_attr_get_u64(fb[KVXLAN_FDB_A_USED]);
	if (fb[KVXLAN_FDB_A_HITS])
		e->hits = mnl_attr_get_u64(fb[KVXLAN_FDB_A_HITS]);
	if (fb[KVXLAN_FDB_A_MOVES])
		e->moves = mnl_attr_get_u64(fb[KVXLAN_FDB_A_MOVES]);
	return 0;
}

static int fdb_collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fdb_list *l = data;
	struct fdb_entry *ent;
	struct fdb_entry e;
	size_t size;

	if (genl_cmd(nlh) != KVXLAN_CMD_FDB_GET || fdb_entry_parse(nlh, &e) ||
	    e.ifindex != l->ifindex)
		return MNL_CB_OK;
	if (l->n == l->size) {
		size = l->size ? 2 * l->size : 256;
		ent = realloc(l->ent, size * sizeof(*ent));
		if (!ent) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		l->ent = ent;
		l->size = size;
	}
	l->ent[l->n++] = e;
	return MNL_CB_OK;
}

/* An interrupted dump starts over: forget what it gave. */
static void fdb_restart(void *data)
{
	struct fdb_list *l = data;

	l->n = 0;
}

/* Sorting by MAC: a 48-bit key and the entry's index, 16 bytes to move. */
struct fdb_order {
	uint64_t key;
	size_t idx;
};

/* By MAC, then in the kernel's order (the remotes of one MAC's list). */
static int fdb_order_cmp(const void *a, const void *b)
{
	const struct fdb_order *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The entries' indices by MAC; NULL when out of memory. */
static struct fdb_order *fdb_sort(const struct fdb_list *l)
{
	struct fdb_order *o;
	size_t i;
	int j;

	o = malloc((l->n ? l->n : 1) * sizeof(*o));
	if (!o)
		return NULL;
	for (i = 0; i < l->n; i++) {
		o[i].key = 0;
		for (j = 0; j < KVX_MAC_LEN; j++)
			o[i].key = o[i].key << 8 | l->ent[i].mac[j];
		o[i].idx = i;
	}
	qsort(o, l->n, sizeof(*o), fdb_order_cmp);
	return o;
}

/* "ADDR", or "ADDR:PORT" ("[ADDR]:PORT" for IPv6) when the entry has one. */
static const char *fdb_remote(const struct fdb_entry *e, char *buf,
			      size_t size)
{
	char addr[KVX_ADDRSTRLEN];

	if (!format_addr(e->addr, e->addr_len, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	if (!e->has_port)
		snprintf(buf, size, "%s", addr);
	else if (e->addr_len == 16)
		snprintf(buf, size, "[%s]:%u", addr, e->port);
	else
		snprintf(buf, size, "%s:%u", addr, e->port);
	return buf;
}

static uint32_t fdb_vni(const struct fdb_entry *e, uint32_t dev_vni)
{
	return e->has_vni ? e->vni : dev_vni;
}

static int fdb_digits(unsigned long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int fdb_max(int a, int b)
{
	return a > b ? a : b;
}

/* Length of the REMOTE VTEP column of an entry. */
static int fdb_remote_len(const struct fdb_entry *e)
{
	char buf[KVX_ADDRSTRLEN + 8];
	int i, len;

	if (e->addr_len != 4)
		return strlen(fdb_remote(e, buf, sizeof(buf)));
	len = 3;
	for (i = 0; i < 4; i++)
		len += fdb_digits(e->addr[i]);
	if (e->has_port)
		len += 1 + fdb_digits(e->port);
	return len;
}

/* The text table's column widths (the MAC's and KIND's are fixed). */
struct fdb_widths {
	int dst;
	int vni;
	int age;
};

static void fdb_widths(const struct fdb_list *l, uint32_t dev_vni,
		       struct fdb_widths *w)
{
	const struct fdb_entry *e;
	size_t i;

	w->dst = FDB_W_DST;
	w->vni = FDB_W_VNI;
	w->age = FDB_W_AGE;
	for (i = 0; i < l->n; i++) {
		e = &l->ent[i];
		w->dst = fdb_max(w->dst, fdb_remote_len(e));
		w->vni = fdb_max(w->vni, fdb_digits(fdb_vni(e, dev_vni)));
		w->age = fdb_max(w->age, fdb_digits(e->updated_ms / 1000) + 1);
	}
}

/*
 * One entry: a row of the table, or a JSON object, each field from one
 * call (json.h). The REMOTE VTEP column is dst, and ":port" when the
 * entry has one ("[dst]:port" for IPv6); AGE is updated_ms in seconds.
 */
static void fdb_print_entry(const struct fdb_entry *e, uint32_t dev_vni,
			    const struct fdb_widths *w)
{
	char addr[KVX_ADDRSTRLEN], mac[KVX_MACSTRLEN], fmt[16];
	bool brackets = e->has_port && e->addr_len == 16;

	if (!format_addr(e->addr, e->addr_len, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	print_open_object(NULL);
	snprintf(fmt, sizeof(fmt), "%%-%ds  ", FDB_W_MAC);
	print_string(PRINT_ANY, "mac", fmt, format_mac(e->mac, mac));
	print_string(PRINT_FP, NULL, "%s", brackets ? "[" : "");
	print_string(PRINT_ANY, "dst", "%s", addr);
	if (e->has_port)
		print_uint(PRINT_ANY, "port", brackets ? "]:%u" : ":%u",
			   e->port);
	print_pad(w->dst - fdb_remote_len(e) + 2);
	snprintf(fmt, sizeof(fmt), "%%-%du  ", w->vni);
	print_uint(PRINT_ANY, "vni", fmt, fdb_vni(e, dev_vni));
	snprintf(fmt, sizeof(fmt), "%%-%ds  ", FDB_W_KIND);
	print_string(PRINT_ANY, "kind", fmt, fdb_kind_name(e->kind));
	print_u64(PRINT_JSON, "created_ms", NULL, e->created_ms);
	snprintf(fmt, sizeof(fmt), "%%-%ds  ", w->age);
	print_ms_as_s(PRINT_ANY, "updated_ms", fmt, e->updated_ms);
	print_u64(PRINT_JSON, "used_ms", NULL, e->used_ms);
	print_u64(PRINT_ANY, "hits", "%" PRIu64 "\n", e->hits);
	print_u64(PRINT_JSON, "moves", NULL, e->moves);
	print_close_object();
}

/*
 * The entries in MAC order: a table under its header, or a JSON array
 * (one object alone for the get of a MAC with one remote).
 */
static void fdb_print(const struct fdb_list *l, const struct fdb_order *o,
		      uint32_t dev_vni, bool one)
{
	struct fdb_widths w;
	size_t i;

	fdb_widths(l, dev_vni, &w);
	if (!kvx_opts.json)
		printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", FDB_W_MAC, "MAC",
		       w.dst, "REMOTE VTEP", w.vni, "VNI", FDB_W_KIND, "KIND",
		       w.age, "AGE", "HITS");
	if (!one)
		print_open_array(NULL);
	for (i = 0; i < l->n; i++)
		fdb_print_entry(&l->ent[o[i].idx], dev_vni, &w);
	if (!one)
		print_close_array();
}

/*
 * Sends @nlh (a dump, or the get of one MAC) and collects the entries of
 * the answer in @l, with their order by MAC in *@order (freed by the
 * caller, as l->ent). Returns an exit status.
 */
static int fdb_fetch(const struct kvx_genl *g, struct nlmsghdr *nlh,
		     bool get, struct fdb_list *l, struct fdb_order **order)
{
	int ret;

	*order = NULL;
	if (get)
		ret = nl_talk(g->nl, nlh, fdb_collect_cb, l);
	else
		ret = nl_dump(g->nl, nlh, fdb_collect_cb, l, fdb_restart);
	if (ret)
		return KVX_EXIT_KERNEL;
	if (get && !l->n) {
		kvx_report("Error", "The kernel's answer has no FDB entry in it");
		return KVX_EXIT_KERNEL;
	}
	*order = fdb_sort(l);
	if (!*order)
		return kvx_err("%s", strerror(ENOMEM));
	return KVX_EXIT_OK;
}

/* add, replace, del, flush: no answer but the ACK. */
static int fdb_change(const struct fdb_cmd *c, const struct fdb_req *req)
{
	const struct kvx_genl *g = kvx_genl();
	struct nlmsghdr *nlh;

	if (!g)
		return KVX_EXIT_KERNEL;
	nlh = kvx_genl_msg(g, c->cmd, 0);
	fdb_put(nlh, req);
	return nl_do(g->nl, nlh) ? KVX_EXIT_KERNEL : KVX_EXIT_OK;
}

/* get (one entry, do) and show (dump, with filters). */
static int fdb_show(const struct fdb_cmd *c, const struct fdb_req *req)
{
	const struct kvx_genl *g = kvx_genl();
	struct fdb_list l = { .ifindex = req->ifindex };
	bool get = req->seen & FDB_BIT(MAC);
	struct fdb_order *order = NULL;
	struct kvx_dev_info dev;
	struct nlmsghdr *nlh;
	int ret;

	if (!g)
		return KVX_EXIT_KERNEL;

	/* The device's VNI stands in for entries that have none. */
	ret = kvx_dev_get(g, req->ifindex, &dev);
	if (ret)
		return ret;

	nlh = kvx_genl_msg(g, c->cmd, get ? 0 : NLM_F_DUMP);
	fdb_put(nlh, req);
	ret = fdb_fetch(g, nlh, get, &l, &order);
	if (ret)
		goto out;
	fdb_print(&l, order, dev.vni, get && l.n == 1);
	fflush(stdout);
out:
	free(order);
	free(l.ent);
	return ret;
}

int fdb_save(unsigned int ifindex, const char *name)
{
	const struct kvx_genl *g = kvx_genl();
	struct fdb_req req = {
		.seen = FDB_BIT(DEV) | FDB_BIT(KIND),
		.ifindex = ifindex,
		.kind = KVXLAN_FDB_KIND_STATIC,
	};
	struct fdb_list l = { .ifindex = ifindex };
	char addr[KVX_ADDRSTRLEN], mac[KVX_MACSTRLEN];
	struct fdb_order *order = NULL;
	const struct fdb_entry *e;
	struct nlmsghdr *nlh;
	size_t i;
	int ret;

	if (!g)
		return KVX_EXIT_KERNEL;
	nlh = kvx_genl_msg(g, KVXLAN_CMD_FDB_GET, NLM_F_DUMP);
	fdb_put(nlh, &req);
	ret = fdb_fetch(g, nlh, false, &l, &order);
	if (ret)
		goto out;
	for (i = 0; i < l.n; i++) {
		e = &l.ent[order[i].idx];
		if (e->kind != KVXLAN_FDB_KIND_STATIC ||
		    !format_addr(e->addr, e->addr_len, addr, sizeof(addr)))
			continue;
		/* a multicast MAC's remotes: one append each, in order */
		printf("fdb %s %s dev %s dst %s",
		       e->mac[0] & 1 ? "append" : "add",
		       format_mac(e->mac, mac), name, addr);
		if (e->has_port)
			printf(" port %u", e->port);
		if (e->has_vni)
			printf(" vni %u", e->vni);
		printf("\n");
	}
out:
	free(order);
	free(l.ent);
	return ret;
}

static const struct fdb_cmd fdb_cmds[] = {
	{ "add", fdb_change, KVXLAN_CMD_FDB_ADD,
	  FDB_BIT(MAC) | FDB_BIT(DEV) | FDB_BIT(DST), FDB_SET },
	{ "replace", fdb_change, KVXLAN_CMD_FDB_REPLACE,
	  FDB_BIT(MAC) | FDB_BIT(DEV) | FDB_BIT(DST), FDB_SET },
	{ "append", fdb_change, KVXLAN_CMD_FDB_APPEND,
	  FDB_BIT(MAC) | FDB_BIT(DEV) | FDB_BIT(DST), FDB_SET },
	{ "del", fdb_change, KVXLAN_CMD_FDB_DEL,
	  FDB_BIT(MAC) | FDB_BIT(DEV),
	  FDB_BIT(MAC) | FDB_BIT(DEV) | FDB_BIT(DST) },
	{ "get", fdb_show, KVXLAN_CMD_FDB_GET,
	  FDB_BIT(MAC) | FDB_BIT(DEV), FDB_BIT(MAC) | FDB_BIT(DEV) },
	{ "show", fdb_show, KVXLAN_CMD_FDB_GET, FDB_BIT(DEV), FDB_FILTERS },
	{ "flush", fdb_change, KVXLAN_CMD_FDB_FLUSH, FDB_BIT(DEV),
	  FDB_FILTERS },
};

/* ip's other names of fdb_cmds[]: { alias, command }. */
static const char * const fdb_aliases[][2] = {
	{ "a", "add" },		/* as bridge fdb: not append */
	{ "delete", "del" },
	{ "list", "show" },
	{ "lst", "show" },
};

int fdb_run(int argc, char **argv)
{
	struct kvx_word words[ARRAY_SIZE(fdb_cmds) + ARRAY_SIZE(fdb_aliases)];
	const struct fdb_cmd *c;
	struct fdb_req req;
	const char *cmd;
	size_t i, j, n;
	int id, ret;

	/* "kvxlan fdb" alone is "kvxlan fdb show", which needs a device. */
	cmd = argc > 0 ? argv[0] : "show";
	if (is_help(cmd)) {
		fdb_usage(stdout);
		return KVX_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(fdb_cmds); i++)
		words[i] = (struct kvx_word){ fdb_cmds[i].name, i };
	n = i;
	for (j = 0; j < ARRAY_SIZE(fdb_aliases); j++)
		for (i = 0; i < ARRAY_SIZE(fdb_cmds); i++)
			if (!strcmp(fdb_aliases[j][1], fdb_cmds[i].name))
				words[n++] = (struct kvx_word){
					fdb_aliases[j][0], i };
	i = n;
	id = kvx_lookup(cmd, words, i, "kvxlan fdb help");
	if (id == -2)
		return KVX_EXIT_USAGE;
	if (id < 0)
		return kvx_try_help("fdb", "Unknown fdb command \"%s\"", cmd);
	c = &fdb_cmds[id];

	if (argc > 0) {
		argc--;
		argv++;
	}
	ret = fdb_parse(c, argc, argv, &req);
	if (ret)
		return ret < 0 ? KVX_EXIT_OK : ret;
	return c->run(c, &req);
}
