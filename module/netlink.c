// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: the "kvxlan" generic netlink family (see uapi/linux/kvxlan.h and
 * uapi/kvxlan.yaml for the contract).
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "kvx.h"

static struct genl_family kvx_genl_family;

enum kvx_mcgrp { KVX_MCGRP_EVENTS };

static const struct genl_multicast_group kvx_mcgrps[] = {
	[KVX_MCGRP_EVENTS] = { .name = KVXLAN_MCGRP_EVENTS,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/* ----- policies ----- */

/* Not const: the policy macros of older kernels take a plain pointer. */
static struct netlink_range_validation kvx_vni_range = {
	.max = KVXLAN_VNI_MAX,
};

static const struct nla_policy kvx_fdb_policy[KVXLAN_FDB_A_MAX + 1] = {
	[KVXLAN_FDB_A_MAC]	= NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[KVXLAN_FDB_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[KVXLAN_FDB_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KVXLAN_FDB_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_vni_range),
	[KVXLAN_FDB_A_KIND]	= NLA_POLICY_RANGE(NLA_U8,
						   KVXLAN_FDB_KIND_STATIC,
						   KVXLAN_FDB_KIND_MAX),
};

static const struct nla_policy kvx_remote_policy[KVXLAN_REMOTE_A_MAX + 1] = {
	[KVXLAN_REMOTE_A_ADDR]	= { .type = NLA_BINARY,
				    .len = sizeof(struct in6_addr) },
	[KVXLAN_REMOTE_A_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KVXLAN_REMOTE_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &kvx_vni_range),
	[KVXLAN_REMOTE_A_IFINDEX] = { .type = NLA_U32 },
};

static const struct nla_policy kvx_policy[KVXLAN_A_MAX + 1] = {
	[KVXLAN_A_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[KVXLAN_A_FDB]		= NLA_POLICY_NESTED(kvx_fdb_policy),
	[KVXLAN_A_REMOTE]	= NLA_POLICY_NESTED(kvx_remote_policy),
};

/*
 * A required attribute: reported both the structured way (the missing
 * type, for tools) and as a message (for people).
 */
#define KVX_REQ_ATTR(extack, nest, tb, type, name) ({			\
	bool __missing = NL_REQ_ATTR_CHECK(extack, nest, tb, type);	\
	if (__missing)							\
		NL_SET_ERR_MSG_MOD(extack, "Missing attribute: " name);	\
	__missing;							\
})

#define KVX_GENL_REQ(info, type, name)					\
	KVX_REQ_ATTR((info)->extack, NULL, (info)->attrs, type, name)

/* ----- helpers ----- */

/* The device named by KVXLAN_A_IFINDEX, with a reference held. */
static struct kvx_dev *kvx_nl_dev(struct genl_info *info)
{
	struct nlattr *nla = info->attrs[KVXLAN_A_IFINDEX];
	struct net_device *dev;
	struct kvx_dev *kvx;

	if (KVX_GENL_REQ(info, KVXLAN_A_IFINDEX, "IFINDEX"))
		return ERR_PTR(-EINVAL);
	dev = dev_get_by_index(genl_info_net(info), nla_get_u32(nla));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "No such device");
		return ERR_PTR(-ENODEV);
	}
	kvx = kvx_from_dev(dev);
	if (!kvx) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "Device is not a kvxlan device");
		return ERR_PTR(-EINVAL);
	}
	return kvx;
}

static void kvx_nl_dev_put(struct kvx_dev *kvx)
{
	dev_put(kvx->dev);
}

/* A remote address attribute that must be set and acceptable. */
static int kvx_nl_remote_ip(struct kvx_dev *kvx, struct nlattr *nla,
			    enum kvx_addr_kind kind, struct kvx_ip *ip,
			    struct netlink_ext_ack *extack)
{
	int err = kvx_ip_from_nla(nla, ip, extack);

	if (err)
		return err;
	if (!kvx_ip_set(ip)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "Address must not be empty");
		return -EINVAL;
	}
	return kvx_check_remote(kvx, ip, kind, nla, extack);
}

static int kvx_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

/*
 * Milliseconds from @then to @now, in 64 bits: jiffies_to_msecs() returns
 * an unsigned int, which wraps after 49.7 days.
 */
static u64 kvx_nl_age_ms(unsigned long now, unsigned long then)
{
	return jiffies64_to_msecs((u64)(now - then));
}

/* ----- FDB ----- */

static int kvx_nl_put_fdb(struct sk_buff *skb, const struct kvx_fdb *f)
{
	const struct kvx_remote *r = rcu_dereference_check(f->remote, true);
	unsigned long now = jiffies;
	struct nlattr *nest;
	__be16 port = READ_ONCE(f->port);
	u32 vni = READ_ONCE(f->vni);

	nest = nla_nest_start(skb, KVXLAN_A_FDB);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, KVXLAN_FDB_A_MAC, ETH_ALEN, f->mac) ||
	    kvx_ip_put(skb, KVXLAN_FDB_A_ADDR, &r->ip) ||
	    (port && nla_put_u16(skb, KVXLAN_FDB_A_PORT, ntohs(port))) ||
	    (vni != KVX_VNI_DEV && nla_put_u32(skb, KVXLAN_FDB_A_VNI, vni)) ||
	    nla_put_u8(skb, KVXLAN_FDB_A_KIND, READ_ONCE(f->kind)) ||
	    kvx_nl_put_u64(skb, KVXLAN_FDB_A_CREATED,
			   kvx_nl_age_ms(now, f->created),
			   KVXLAN_FDB_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_FDB_A_UPDATED,
			   kvx_nl_age_ms(now, READ_ONCE(f->updated)),
			   KVXLAN_FDB_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_FDB_A_USED,
			   kvx_nl_age_ms(now, READ_ONCE(f->used)),
			   KVXLAN_FDB_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_FDB_A_HITS, atomic64_read(&f->hits),
			   KVXLAN_FDB_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_FDB_A_MOVES, READ_ONCE(f->moves),
			   KVXLAN_FDB_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int kvx_nl_fill_fdb(struct sk_buff *skb, struct kvx_dev *kvx,
			   const struct kvx_fdb *f, u32 portid, u32 seq,
			   int flags, u8 cmd, enum kvxlan_event event,
			   struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kvx_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, KVXLAN_A_IFINDEX, kvx->dev->ifindex) ||
	    (event && nla_put_u8(skb, KVXLAN_A_EVENT, event)) ||
	    kvx_nl_put_fdb(skb, f)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* An FDB event; called with fdb_lock held, from any context. */
void kvx_nl_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       enum kvxlan_event event)
{
	struct net *net = dev_net(kvx->dev);
	struct sk_buff *skb;

	if (!genl_has_listeners(&kvx_genl_family, net, KVX_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	if (kvx_nl_fill_fdb(skb, kvx, f, 0, 0, 0, KVXLAN_CMD_FDB_NTF, event,
			    NULL)) {
		kfree_skb(skb);
		return;
	}
	genlmsg_multicast_netns(&kvx_genl_family, net, skb, 0,
				KVX_MCGRP_EVENTS, GFP_ATOMIC);
}

static int kvx_nl_parse_fdb(struct genl_info *info, struct nlattr **tb)
{
	if (KVX_GENL_REQ(info, KVXLAN_A_FDB, "FDB"))
		return -EINVAL;
	return nla_parse_nested(tb, KVXLAN_FDB_A_MAX, info->attrs[KVXLAN_A_FDB],
				kvx_fdb_policy, info->extack);
}

static int kvx_nl_fdb_set(struct sk_buff *skb, struct genl_info *info,
			  bool replace)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	struct nlattr *fdb = info->attrs[KVXLAN_A_FDB];
	struct kvx_dev *kvx;
	struct kvx_ip ip;
	__be16 port = 0;
	u32 vni = KVX_VNI_DEV;
	int err;

	err = kvx_nl_parse_fdb(info, tb);
	if (err)
		return err;
	if (KVX_REQ_ATTR(info->extack, fdb, tb, KVXLAN_FDB_A_MAC, "FDB MAC") ||
	    KVX_REQ_ATTR(info->extack, fdb, tb, KVXLAN_FDB_A_ADDR, "FDB ADDR"))
		return -EINVAL;
	if (!is_valid_ether_addr(nla_data(tb[KVXLAN_FDB_A_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KVXLAN_FDB_A_MAC],
				    "MAC must be unicast and non-zero (the flood list is edited with the flood commands)");
		return -EINVAL;
	}
	if (tb[KVXLAN_FDB_A_KIND] &&
	    nla_get_u8(tb[KVXLAN_FDB_A_KIND]) != KVXLAN_FDB_KIND_STATIC) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KVXLAN_FDB_A_KIND],
				    "Only static entries can be added");
		return -EINVAL;
	}
	if (tb[KVXLAN_FDB_A_PORT])
		port = htons(nla_get_u16(tb[KVXLAN_FDB_A_PORT]));
	if (tb[KVXLAN_FDB_A_VNI])
		vni = nla_get_u32(tb[KVXLAN_FDB_A_VNI]);

	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	err = kvx_nl_remote_ip(kvx, tb[KVXLAN_FDB_A_ADDR], KVX_ADDR_UNICAST,
			       &ip, info->extack);
	if (!err)
		err = kvx_fdb_set(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]), &ip,
				  port, vni, replace, info->extack);
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_fdb_set(skb, info, false);
}

static int kvx_nl_fdb_replace(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_fdb_set(skb, info, true);
}

static int kvx_nl_fdb_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	struct kvx_dev *kvx;
	int err;

	err = kvx_nl_parse_fdb(info, tb);
	if (err)
		return err;
	if (KVX_REQ_ATTR(info->extack, info->attrs[KVXLAN_A_FDB], tb,
			 KVXLAN_FDB_A_MAC, "FDB MAC"))
		return -EINVAL;
	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	err = kvx_fdb_del(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]));
	if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "No FDB entry for this MAC");
	kvx_nl_dev_put(kvx);
	return err;
}

/* Filters for FDB dumps and flushes: the FDB nest's ADDR, KIND, VNI. */
static int kvx_nl_fdb_filter(struct nlattr *fdb,
			     struct kvx_fdb_filter *flt,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	int err;

	memset(flt, 0, sizeof(*flt));
	flt->vni = KVX_VNI_DEV;
	if (!fdb)
		return 0;
	err = nla_parse_nested(tb, KVXLAN_FDB_A_MAX, fdb, kvx_fdb_policy,
			       extack);
	if (err)
		return err;
	if (tb[KVXLAN_FDB_A_MAC] || tb[KVXLAN_FDB_A_PORT]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Entries can be filtered by ADDR, KIND and VNI only");
		return -EINVAL;
	}
	if (tb[KVXLAN_FDB_A_ADDR]) {
		err = kvx_ip_from_nla(tb[KVXLAN_FDB_A_ADDR], &flt->ip, extack);
		if (err)
			return err;
	}
	if (tb[KVXLAN_FDB_A_KIND])
		flt->kind = nla_get_u8(tb[KVXLAN_FDB_A_KIND]);
	if (tb[KVXLAN_FDB_A_VNI])
		flt->vni = nla_get_u32(tb[KVXLAN_FDB_A_VNI]);
	return 0;
}

static int kvx_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct kvx_fdb_filter flt;
	struct kvx_dev *kvx;
	int err;

	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	err = kvx_nl_fdb_filter(info->attrs[KVXLAN_A_FDB], &flt,
				info->extack);
	if (!err) {
		rcu_read_lock();
		flt.dev_vni = rcu_dereference(kvx->cfg)->vni;
		rcu_read_unlock();
		kvx_fdb_flush(kvx, &flt);
	}
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_fdb_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	struct sk_buff *msg;
	struct kvx_dev *kvx;
	struct kvx_fdb *f;
	int err;

	err = kvx_nl_parse_fdb(info, tb);
	if (err)
		return err;
	if (KVX_REQ_ATTR(info->extack, info->attrs[KVXLAN_A_FDB], tb,
			 KVXLAN_FDB_A_MAC, "FDB MAC"))
		return -EINVAL;
	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (!msg)
		goto out;
	rcu_read_lock();
	f = kvx_fdb_lookup(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]));
	if (f)
		err = kvx_nl_fill_fdb(msg, kvx, f, info->snd_portid,
				      info->snd_seq, 0, KVXLAN_CMD_FDB_GET, 0,
				      NULL);
	else
		err = -ENOENT;
	rcu_read_unlock();
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "No FDB entry for this MAC");
		nlmsg_free(msg);
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	kvx_nl_dev_put(kvx);
	return err;
}

/*
 * A dump's state between its parts. FDB and remote dumps resume after the
 * last object sent, by its key and sequence number (fdb.c: kvx_fdb_walk()),
 * so that resizes of the hash tables neither repeat nor skip entries; a
 * change of the FDB between two parts (fdb_gen) is flagged with
 * NLM_F_DUMP_INTR. The device and flood list dumps resume by index.
 */
struct kvx_dump_ctx {
	int ifindex;
	bool recheck;
	u64 seq;			/* FDB, remotes: position; else index */
	union {
		struct {
			struct kvx_ip ip;	/* filter */
			u8 mac[ETH_ALEN];	/* position */
			u8 kind;		/* filter */
			u32 vni;		/* filter */
		} fdb;
		struct kvx_ip remote;		/* position */
		struct {
			const void *list;	/* the list dumped */
			u32 changes;		/* new lists seen */
		} flood;
	};
};

static struct kvx_dump_ctx *kvx_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct kvx_dump_ctx) > sizeof(cb->ctx));
	return (struct kvx_dump_ctx *)cb->ctx;
}

static int kvx_nl_dump_parse(struct netlink_callback *cb,
			     struct netlink_ext_ack *extack)
{
	struct nlattr **attrs = kvx_compat_dump_attrs(cb);
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_fdb_filter flt;
	struct net_device *dev;
	int err;

	memset(ctx, 0, sizeof(*ctx));
	if (!attrs[KVXLAN_A_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack, "Missing attribute: IFINDEX");
		return -EINVAL;
	}
	ctx->ifindex = nla_get_u32(attrs[KVXLAN_A_IFINDEX]);
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(cb->skb->sk), ctx->ifindex);
	err = !dev ? -ENODEV : kvx_from_dev(dev) ? 0 : -EINVAL;
	rcu_read_unlock();
	if (err == -ENODEV) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVXLAN_A_IFINDEX],
				    "No such device");
		return err;
	}
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KVXLAN_A_IFINDEX],
				    "Device is not a kvxlan device");
		return err;
	}
	err = kvx_nl_fdb_filter(attrs[KVXLAN_A_FDB], &flt, extack);
	if (err)
		return err;
	ctx->fdb.ip = flt.ip;
	ctx->fdb.kind = flt.kind;
	ctx->fdb.vni = flt.vni;
	return 0;
}

/*
 * Older kernels (6.1) give a dump's start callback no extack: a request
 * that fails there would get a bare errno.  So on those kernels a
 * failed check is made again by the first part of the dump, whose error
 * reaches the caller in NLMSG_DONE with its message.
 */
static int kvx_nl_dump_start(struct netlink_callback *cb)
{
	int err = kvx_nl_dump_parse(cb, cb->extack);

	if (err && !cb->extack) {
		kvx_dump_ctx(cb)->recheck = true;
		return 0;
	}
	return err;
}

/* The first part of a dump reports what kvx_nl_dump_start() deferred. */
static int kvx_nl_dump_recheck(struct netlink_callback *cb)
{
	if (!kvx_dump_ctx(cb)->recheck)
		return 0;
	return kvx_nl_dump_parse(cb, cb->extack);
}

/*
 * Resolves the device of a dump part, under RCU: devices may come and go
 * between parts, so no reference is kept across them. NULL when there is
 * none, with *err set: -ENODEV on the first part, 0 (the dump ends) on a
 * later one.
 */
static struct kvx_dev *kvx_nl_dump_dev(struct netlink_callback *cb,
				       struct kvx_dump_ctx *ctx, int *err)
{
	struct net_device *dev;
	struct kvx_dev *kvx;

	dev = dev_get_by_index_rcu(sock_net(cb->skb->sk), ctx->ifindex);
	kvx = dev ? kvx_from_dev(dev) : NULL;
	if (!kvx)
		*err = cb->prev_seq ? 0 : -ENODEV;
	return kvx;
}

struct kvx_nl_dump_arg {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct kvx_fdb_filter flt;
};

static int kvx_nl_dump_fdb_one(struct kvx_dev *kvx, struct kvx_fdb *f,
			       void *arg)
{
	struct kvx_nl_dump_arg *a = arg;

	if (!kvx_fdb_match(f, &a->flt))
		return 0;
	return kvx_nl_fill_fdb(a->skb, kvx, f,
			       NETLINK_CB(a->cb->skb).portid,
			       a->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			       KVXLAN_CMD_FDB_GET, 0, a->cb);
}

static int kvx_nl_fdb_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_nl_dump_arg a = { .skb = skb, .cb = cb };
	struct kvx_fdb_pos pos;
	struct kvx_dev *kvx;
	int err = 0;

	err = kvx_nl_dump_recheck(cb);
	if (err)
		return err;

	a.flt.ip = ctx->fdb.ip;
	a.flt.kind = ctx->fdb.kind;
	a.flt.vni = ctx->fdb.vni;

	rcu_read_lock();
	kvx = kvx_nl_dump_dev(cb, ctx, &err);
	if (!kvx)
		goto out;
	a.flt.dev_vni = rcu_dereference(kvx->cfg)->vni;
	cb->seq = READ_ONCE(kvx->fdb_gen);
	pos.seq = ctx->seq;
	ether_addr_copy(pos.mac, ctx->fdb.mac);
	err = kvx_fdb_walk(kvx, KVX_WALK_ALL, &pos, UINT_MAX,
			   kvx_nl_dump_fdb_one, &a);
	ctx->seq = pos.seq;
	ether_addr_copy(ctx->fdb.mac, pos.mac);
out:
	rcu_read_unlock();
	/* A full skb ends this part; the next one resumes. */
	if (err == -EMSGSIZE)
		err = skb->len ? skb->len : -EMSGSIZE;
	return err ?: skb->len;
}

/* ----- flood list ----- */

static int kvx_nl_parse_remote(struct kvx_dev *kvx, struct nlattr *nest,
			       enum kvx_addr_kind kind,
			       struct kvx_flood_req *req,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVXLAN_REMOTE_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, KVXLAN_REMOTE_A_MAX, nest,
			       kvx_remote_policy, extack);
	if (err)
		return err;
	if (KVX_REQ_ATTR(extack, nest, tb, KVXLAN_REMOTE_A_ADDR, "REMOTE ADDR"))
		return -EINVAL;
	err = kvx_nl_remote_ip(kvx, tb[KVXLAN_REMOTE_A_ADDR], kind, &req->ip,
			       extack);
	if (err)
		return err;
	req->ifindex = 0;
	if (tb[KVXLAN_REMOTE_A_IFINDEX]) {
		if (!kvx_ip_multicast(&req->ip)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KVXLAN_REMOTE_A_IFINDEX],
					    "Only a group has its own underlay device");
			return -EINVAL;
		}
		req->ifindex = nla_get_u32(tb[KVXLAN_REMOTE_A_IFINDEX]);
		if (!__dev_get_by_index(dev_net(kvx->dev), req->ifindex)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[KVXLAN_REMOTE_A_IFINDEX],
					    "Unknown underlay device");
			return -ENODEV;
		}
	}
	req->port = tb[KVXLAN_REMOTE_A_PORT] ?
		    htons(nla_get_u16(tb[KVXLAN_REMOTE_A_PORT])) : 0;
	req->vni = tb[KVXLAN_REMOTE_A_VNI] ?
		   nla_get_u32(tb[KVXLAN_REMOTE_A_VNI]) : KVX_VNI_DEV;
	return 0;
}

static int kvx_nl_flood_change(struct genl_info *info, enum kvx_addr_kind kind,
			       bool add)
{
	struct kvx_flood_req req;
	struct kvx_dev *kvx;
	int err;

	if (KVX_GENL_REQ(info, KVXLAN_A_REMOTE, "REMOTE"))
		return -EINVAL;
	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	rtnl_lock();
	err = kvx_nl_parse_remote(kvx, info->attrs[KVXLAN_A_REMOTE], kind,
				  &req, info->extack);
	if (!err && add) {
		err = kvx_flood_add(kvx, &req, info->extack);
	} else if (!err) {
		err = kvx_flood_del(kvx, &req.ip);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_MOD(info->extack,
					   "Address is not in the flood list");
	}
	rtnl_unlock();
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_flood_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_ANY, true);
}

static int kvx_nl_flood_del(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_ANY, false);
}

static int kvx_nl_group_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_GROUP, true);
}

static int kvx_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_GROUP, false);
}

static int kvx_nl_flood_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct kvx_flood_req *reqs;
	unsigned int n = 0;
	struct kvx_dev *kvx;
	struct nlattr *nla;
	int rem, err = 0;

	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == KVXLAN_A_REMOTE)
			n++;
	if (n > KVXLAN_FLOOD_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "Too many flood remotes");
		err = -E2BIG;
		goto out;
	}
	reqs = kvmalloc_array(max(n, 1U), sizeof(*reqs), GFP_KERNEL);
	if (!reqs) {
		err = -ENOMEM;
		goto out;
	}
	n = 0;
	rtnl_lock();
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != KVXLAN_A_REMOTE)
			continue;
		err = kvx_nl_parse_remote(kvx, nla, KVX_ADDR_ANY, &reqs[n++],
					  info->extack);
		if (err)
			break;
	}
	if (!err)
		err = kvx_flood_replace(kvx, reqs, n, info->extack);
	rtnl_unlock();
	kvfree(reqs);
out:
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_put_flood_ent(struct sk_buff *skb,
				const struct kvx_flood_ent *e)
{
	struct nlattr *nest = nla_nest_start(skb, KVXLAN_A_REMOTE);

	if (!nest)
		return -EMSGSIZE;
	if (kvx_ip_put(skb, KVXLAN_REMOTE_A_ADDR, &e->remote->ip) ||
	    (e->port && nla_put_u16(skb, KVXLAN_REMOTE_A_PORT,
				    ntohs(e->port))) ||
	    (e->vni != KVX_VNI_DEV &&
	     nla_put_u32(skb, KVXLAN_REMOTE_A_VNI, e->vni)) ||
	    (e->ifindex &&
	     nla_put_u32(skb, KVXLAN_REMOTE_A_IFINDEX, e->ifindex))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static unsigned int kvx_nl_flood_len(struct kvx_dev *kvx)
{
	const struct kvx_flood *fl;
	unsigned int n;

	rcu_read_lock();
	fl = rcu_dereference(kvx->flood);
	n = fl ? fl->n : 0;
	rcu_read_unlock();
	return n;
}

/*
 * The flood list (FLOOD_GET) or its groups alone (GROUP_GET) in one
 * message, as before the dump existed: up to KVXLAN_FLOOD_MAX entries,
 * about 280 KB. Without RTNL: the reply is sized for the list read under
 * RCU, and sized again if a longer one replaced it before it is filled.
 */
static int kvx_nl_flood_reply(struct genl_info *info, u8 cmd)
{
	const struct kvx_flood *fl;
	struct sk_buff *msg;
	struct kvx_dev *kvx;
	unsigned int i, n;
	void *hdr;
	int err;

	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	n = kvx_nl_flood_len(kvx);
again:
	msg = genlmsg_new(nla_total_size(sizeof(u32)) + n * nla_total_size(64),
			  GFP_KERNEL);
	err = -ENOMEM;
	if (!msg)
		goto out;
	rcu_read_lock();
	fl = rcu_dereference(kvx->flood);
	if (fl && fl->n > n) {
		n = fl->n;
		rcu_read_unlock();
		nlmsg_free(msg);
		goto again;
	}
	err = -EMSGSIZE;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &kvx_genl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, KVXLAN_A_IFINDEX, kvx->dev->ifindex))
		goto unlock;
	for (i = 0; fl && i < fl->n; i++) {
		if (cmd == KVXLAN_CMD_GROUP_GET &&
		    !kvx_ip_multicast(&fl->ent[i].remote->ip))
			continue;
		if (kvx_nl_put_flood_ent(msg, &fl->ent[i]))
			goto unlock;
	}
	genlmsg_end(msg, hdr);
	err = 0;
unlock:
	rcu_read_unlock();
	if (err)
		nlmsg_free(msg);
	else
		err = genlmsg_reply(msg, info);
out:
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_flood_get(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_reply(info, KVXLAN_CMD_FLOOD_GET);
}

static int kvx_nl_group_get(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_reply(info, KVXLAN_CMD_GROUP_GET);
}

/*
 * The flood list (FLOOD_GET) or its groups (GROUP_GET) as a dump, under
 * RCU: one message per part, IFINDEX and as many REMOTE nests, in list
 * order, as fit. A part that finds a list other than the previous part's
 * (each change publishes a new one) flags NLM_F_DUMP_INTR; the old
 * list's address is only compared, never followed.
 */
static int kvx_nl_flood_dump(struct sk_buff *skb, struct netlink_callback *cb,
			     u8 cmd)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	const struct kvx_flood_ent *e;
	const struct kvx_flood *fl;
	unsigned int n = 0;
	struct kvx_dev *kvx;
	void *hdr;
	int err;

	err = kvx_nl_dump_recheck(cb);
	if (err)
		return err;

	rcu_read_lock();
	kvx = kvx_nl_dump_dev(cb, ctx, &err);
	if (!kvx)
		goto out;
	fl = rcu_dereference(kvx->flood);
	if (!ctx->seq)
		ctx->flood.changes = 0;
	else if (fl != ctx->flood.list)
		ctx->flood.changes++;
	ctx->flood.list = fl;
	/* 0 would turn genl_dump_check_consistent() off */
	cb->seq = ctx->flood.changes + 1;
	if (!fl || ctx->seq >= fl->n)
		goto out;

	err = -EMSGSIZE;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kvx_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		goto out;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, KVXLAN_A_IFINDEX, kvx->dev->ifindex)) {
		genlmsg_cancel(skb, hdr);
		goto out;
	}
	err = 0;
	for (; ctx->seq < fl->n; ctx->seq++) {
		e = &fl->ent[ctx->seq];
		if (cmd == KVXLAN_CMD_GROUP_GET && !kvx_ip_multicast(&e->remote->ip))
			continue;
		err = kvx_nl_put_flood_ent(skb, e);
		if (err)
			break;
		n++;
	}
	if (n)
		genlmsg_end(skb, hdr);
	else
		genlmsg_cancel(skb, hdr);
out:
	rcu_read_unlock();
	if (err == -EMSGSIZE)
		err = skb->len ? skb->len : -EMSGSIZE;
	return err ?: skb->len;
}

static int kvx_nl_flood_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return kvx_nl_flood_dump(skb, cb, KVXLAN_CMD_FLOOD_GET);
}

static int kvx_nl_group_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return kvx_nl_flood_dump(skb, cb, KVXLAN_CMD_GROUP_GET);
}

/* ----- remotes ----- */

static void kvx_remote_sum(const struct kvx_remote *r,
			   struct kvx_remote_pcpu *sum)
{
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct kvx_remote_pcpu *s = per_cpu_ptr(r->stats, cpu);
		u64 v[5];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v[0] = u64_stats_read(&s->tx_packets);
			v[1] = u64_stats_read(&s->tx_bytes);
			v[2] = u64_stats_read(&s->rx_packets);
			v[3] = u64_stats_read(&s->rx_bytes);
			v[4] = u64_stats_read(&s->flood_copies);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		u64_stats_add(&sum->tx_packets, v[0]);
		u64_stats_add(&sum->tx_bytes, v[1]);
		u64_stats_add(&sum->rx_packets, v[2]);
		u64_stats_add(&sum->rx_bytes, v[3]);
		u64_stats_add(&sum->flood_copies, v[4]);
	}
}

static int kvx_nl_fill_remote(struct sk_buff *skb, struct kvx_dev *kvx,
			      const struct kvx_remote *r,
			      struct netlink_callback *cb)
{
	struct kvx_remote_pcpu sum;
	struct nlattr *nest;
	void *hdr;

	kvx_remote_sum(r, &sum);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kvx_genl_family, NLM_F_MULTI, KVXLAN_CMD_REMOTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, KVXLAN_A_IFINDEX, kvx->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, KVXLAN_A_REMOTE);
	if (!nest ||
	    kvx_ip_put(skb, KVXLAN_REMOTE_A_ADDR, &r->ip) ||
	    kvx_nl_put_u64(skb, KVXLAN_REMOTE_A_TX_PACKETS,
			   u64_stats_read(&sum.tx_packets),
			   KVXLAN_REMOTE_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_REMOTE_A_TX_BYTES,
			   u64_stats_read(&sum.tx_bytes), KVXLAN_REMOTE_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_REMOTE_A_RX_PACKETS,
			   u64_stats_read(&sum.rx_packets),
			   KVXLAN_REMOTE_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_REMOTE_A_RX_BYTES,
			   u64_stats_read(&sum.rx_bytes), KVXLAN_REMOTE_A_PAD) ||
	    kvx_nl_put_u64(skb, KVXLAN_REMOTE_A_FLOOD_COPIES,
			   u64_stats_read(&sum.flood_copies),
			   KVXLAN_REMOTE_A_PAD) ||
	    nla_put_u32(skb, KVXLAN_REMOTE_A_FDB_REFS, READ_ONCE(r->fdb_refs)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int kvx_nl_dump_remote_one(struct kvx_dev *kvx, struct kvx_remote *r,
				  void *arg)
{
	struct kvx_nl_dump_arg *a = arg;

	return kvx_nl_fill_remote(a->skb, kvx, r, a->cb);
}

static int kvx_nl_remote_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_nl_dump_arg a = { .skb = skb, .cb = cb };
	struct kvx_remote_pos pos;
	struct kvx_dev *kvx;
	int err = 0;

	err = kvx_nl_dump_recheck(cb);
	if (err)
		return err;

	rcu_read_lock();
	kvx = kvx_nl_dump_dev(cb, ctx, &err);
	if (!kvx)
		goto out;
	/* Remotes come and go with FDB entries: the same generation. */
	cb->seq = READ_ONCE(kvx->fdb_gen);
	pos.seq = ctx->seq;
	pos.ip = ctx->remote;
	err = kvx_remote_walk(kvx, &pos, kvx_nl_dump_remote_one, &a);
	ctx->seq = pos.seq;
	ctx->remote = pos.ip;
out:
	rcu_read_unlock();
	if (err == -EMSGSIZE)
		err = skb->len ? skb->len : -EMSGSIZE;
	return err ?: skb->len;
}

/* ----- device ----- */

static int kvx_nl_fill_dev(struct sk_buff *skb, struct kvx_dev *kvx,
			   u32 portid, u32 seq, int flags)
{
	u64 cnt[__KVX_DEV_CNT_MAX];
	const struct kvx_cfg *cfg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kvx_genl_family, flags,
			  KVXLAN_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	kvx_cnt_sum(kvx->cnt, __KVX_DEV_CNT_MAX, cnt);
	rcu_read_lock();
	cfg = rcu_dereference(kvx->cfg);
	if (nla_put_u32(skb, KVXLAN_A_IFINDEX, kvx->dev->ifindex) ||
	    nla_put_u32(skb, KVXLAN_A_VNI, cfg->vni) ||
	    nla_put_u16(skb, KVXLAN_A_PORT, ntohs(cfg->port)) ||
	    nla_put_u8(skb, KVXLAN_A_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, KVXLAN_A_AGEING, cfg->ageing) ||
	    nla_put_u32(skb, KVXLAN_A_MAX_LEARNED, cfg->max_learned) ||
	    nla_put_u32(skb, KVXLAN_A_DAMPEN_MOVES, cfg->dampen_moves) ||
	    nla_put_u32(skb, KVXLAN_A_DAMPEN_WINDOW, cfg->dampen_window) ||
	    nla_put_u32(skb, KVXLAN_A_DAMPEN_HOLD, cfg->dampen_hold) ||
	    nla_put_u32(skb, KVXLAN_A_FDB_STATIC, READ_ONCE(kvx->n_static)) ||
	    nla_put_u32(skb, KVXLAN_A_FDB_LEARNED, READ_ONCE(kvx->n_learned))) {
		rcu_read_unlock();
		goto cancel;
	}
	rcu_read_unlock();

	nest = nla_nest_start(skb, KVXLAN_A_STATS);
	if (!nest)
		goto cancel;
	BUILD_BUG_ON(KVXLAN_STATS_A_RX_DROP_SHORT_INNER + __KVX_DEV_CNT_MAX !=
		     __KVXLAN_STATS_A_MAX);
	for (i = 0; i < __KVX_DEV_CNT_MAX; i++)
		if (kvx_nl_put_u64(skb, KVXLAN_STATS_A_RX_DROP_SHORT_INNER + i,
				   cnt[i], KVXLAN_STATS_A_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int kvx_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct kvx_dev *kvx;
	int err;

	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = -ENOMEM;
	if (msg) {
		err = kvx_nl_fill_dev(msg, kvx, info->snd_portid,
				      info->snd_seq, 0);
		if (err)
			nlmsg_free(msg);
		else
			err = genlmsg_reply(msg, info);
	}
	kvx_nl_dev_put(kvx);
	return err;
}

static int kvx_nl_dev_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct net_device *dev;
	struct kvx_dev *kvx;
	u64 idx = 0;
	int err = 0;

	/*
	 * Resume by position among the namespace's kvxlan devices: the
	 * device list is not in ifindex order (an ifindex can be chosen).
	 */
	rcu_read_lock();
	for_each_netdev_rcu(sock_net(skb->sk), dev) {
		kvx = kvx_from_dev(dev);
		if (!kvx || idx++ < ctx->seq)
			continue;
		err = kvx_nl_fill_dev(skb, kvx, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		ctx->seq++;
	}
	rcu_read_unlock();
	if (err == -EMSGSIZE && skb->len)
		err = 0;
	return err ?: skb->len;
}

/* ----- the family ----- */

static const struct genl_ops kvx_genl_ops[] = {
	{
		.cmd	= KVXLAN_CMD_DEV_GET,
		.doit	= kvx_nl_dev_get_doit,
		.dumpit	= kvx_nl_dev_get_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_ADD,
		.doit	= kvx_nl_fdb_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_REPLACE,
		.doit	= kvx_nl_fdb_replace,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_DEL,
		.doit	= kvx_nl_fdb_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_GET,
		.doit	= kvx_nl_fdb_get_doit,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_fdb_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FDB_FLUSH,
		.doit	= kvx_nl_fdb_flush,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_ADD,
		.doit	= kvx_nl_flood_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_DEL,
		.doit	= kvx_nl_flood_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_GET,
		.doit	= kvx_nl_flood_get,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_flood_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_FLOOD_REPLACE,
		.doit	= kvx_nl_flood_replace,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_REMOTE_GET,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_remote_dumpit,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_ADD,
		.doit	= kvx_nl_group_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_DEL,
		.doit	= kvx_nl_group_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= KVXLAN_CMD_GROUP_GET,
		.doit	= kvx_nl_group_get,
		.start	= kvx_nl_dump_start,
		.dumpit	= kvx_nl_group_dumpit,
	},
};

static struct genl_family kvx_genl_family __ro_after_init = {
	.name		= KVXLAN_GENL_NAME,
	.version	= KVXLAN_GENL_VERSION,
	.maxattr	= KVXLAN_A_MAX,
	.policy		= kvx_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= kvx_genl_ops,
	.n_ops		= ARRAY_SIZE(kvx_genl_ops),
	/*
	 * A new family: every command has a strict header (reserved byte
	 * zero, no request flags the core does not use: EINVAL).
	 */
	.resv_start_op	= 0,
	.mcgrps		= kvx_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(kvx_mcgrps),
};

int __init kvx_genl_init(void)
{
	return genl_register_family(&kvx_genl_family);
}

void kvx_genl_exit(void)
{
	genl_unregister_family(&kvx_genl_family);
}
