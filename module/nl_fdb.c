// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: genl FDB commands (FDB_ADD, _REPLACE, _APPEND, _DEL, _GET,
 * _FLUSH) and events. An entry with several remotes (a multicast MAC's)
 * is one message per remote, everywhere.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "mdst.h"
#include "netlink.h"
#include "nl.h"

/* The FDB nest of the remote @e of @f. */
static int kvx_nl_put_fdb(struct sk_buff *skb, const struct kvx_fdb *f,
			  const struct kvx_flood_ent *e)
{
	const struct kvx_remote *r = e->remote;
	unsigned long now = jiffies;
	struct nlattr *nest;
	__be16 port = e->port;
	u32 vni = e->vni;

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
			   const struct kvx_fdb *f,
			   const struct kvx_flood_ent *e, u32 portid, u32 seq,
			   int flags, u8 cmd, enum kvxlan_event event,
			   struct netlink_callback *cb)
{
	void *hdr;

	hdr = kvx_nl_msg_put(skb, kvx, portid, seq, flags, cmd, cb);
	if (!hdr)
		return -EMSGSIZE;
	if ((event && nla_put_u8(skb, KVXLAN_A_EVENT, event)) ||
	    kvx_nl_put_fdb(skb, f, e)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* An FDB event of the remote @e of @f; fdb_lock held, any context. */
void kvx_nl_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       const struct kvx_flood_ent *e, enum kvxlan_event event)
{
	struct net *net = dev_net(kvx->dev);
	struct sk_buff *skb;

	if (!genl_has_listeners(&kvx_genl_family, net, KVX_MCGRP_EVENTS))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return;
	if (kvx_nl_fill_fdb(skb, kvx, f, e, 0, 0, 0, KVXLAN_CMD_FDB_NTF, event,
			    NULL)) {
		kfree_skb(skb);
		return;
	}
	genlmsg_multicast_netns(&kvx_genl_family, net, skb, 0,
				KVX_MCGRP_EVENTS, GFP_ATOMIC);
}

/* The FDB nest of a request about one entry: it names the entry's MAC. */
static int kvx_nl_parse_fdb(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *fdb = info->attrs[KVXLAN_A_FDB];
	int err;

	if (KVX_GENL_REQ(info, KVXLAN_A_FDB, "FDB"))
		return -EINVAL;
	err = nla_parse_nested(tb, KVXLAN_FDB_A_MAX, fdb, kvx_fdb_policy,
			       info->extack);
	if (err)
		return err;
	if (KVX_REQ_ATTR(info->extack, fdb, tb, KVXLAN_FDB_A_MAC, "FDB MAC"))
		return -EINVAL;
	return 0;
}

enum kvx_nl_fdb_op { KVX_FDB_ADD, KVX_FDB_REPLACE, KVX_FDB_APPEND };

static int kvx_nl_fdb_set(struct sk_buff *skb, struct genl_info *info,
			  enum kvx_nl_fdb_op op)
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
	if (KVX_REQ_ATTR(info->extack, fdb, tb, KVXLAN_FDB_A_ADDR, "FDB ADDR"))
		return -EINVAL;
	if (op != KVX_FDB_APPEND &&
	    !is_valid_ether_addr(nla_data(tb[KVXLAN_FDB_A_MAC]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KVXLAN_FDB_A_MAC],
				    "MAC must be unicast and non-zero (a multicast MAC's remotes are added with APPEND, the flood list with the flood commands)");
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

	kvx = kvx_nl_dev_admin(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	err = kvx_nl_remote_ip(kvx, tb[KVXLAN_FDB_A_ADDR], KVX_ADDR_UNICAST,
			       &ip, info->extack);
	if (!err && op == KVX_FDB_APPEND)
		err = kvx_fdb_append(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]), &ip,
				     port, vni, info->extack);
	else if (!err)
		err = kvx_fdb_set(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]), &ip,
				  port, vni, op == KVX_FDB_REPLACE,
				  info->extack);
	kvx_nl_dev_put(kvx);
	return err;
}

int kvx_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_fdb_set(skb, info, KVX_FDB_ADD);
}

int kvx_nl_fdb_replace(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_fdb_set(skb, info, KVX_FDB_REPLACE);
}

int kvx_nl_fdb_append(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_fdb_set(skb, info, KVX_FDB_APPEND);
}

int kvx_nl_fdb_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	struct kvx_dev *kvx;
	struct kvx_ip ip;
	int err;

	err = kvx_nl_parse_fdb(info, tb);
	if (err)
		return err;
	kvx = kvx_nl_dev_admin(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	/* with ADDR: only that remote (of a multicast MAC's list) */
	err = tb[KVXLAN_FDB_A_ADDR] ?
	      kvx_nl_remote_ip(kvx, tb[KVXLAN_FDB_A_ADDR], KVX_ADDR_UNICAST,
			       &ip, info->extack) : 0;
	if (!err)
		err = kvx_fdb_del(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]),
				  tb[KVXLAN_FDB_A_ADDR] ? &ip : NULL);
	if (err == -ENOENT && tb[KVXLAN_FDB_A_ADDR])
		NL_SET_ERR_MSG_MOD(info->extack,
				   "No FDB entry for this MAC and ADDR");
	else if (err == -ENOENT)
		NL_SET_ERR_MSG_MOD(info->extack, "No FDB entry for this MAC");
	kvx_nl_dev_put(kvx);
	return err;
}

/* Filters for FDB dumps and flushes: the FDB nest's ADDR, KIND, VNI. */
int kvx_nl_fdb_filter(struct nlattr *fdb, struct kvx_fdb_filter *flt,
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

int kvx_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct kvx_fdb_filter flt;
	struct kvx_dev *kvx;
	int err;

	kvx = kvx_nl_dev_admin(info);
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

/* The most one FDB message takes (about 150 bytes). */
#define KVX_NL_FDB_MSG_MAX	256

int kvx_nl_fdb_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KVXLAN_FDB_A_MAX + 1];
	const struct kvx_flood_ent *e;
	struct kvx_flood_ent one;
	struct sk_buff *msg;
	struct kvx_dev *kvx;
	unsigned int i, n;
	struct kvx_fdb *f;
	int err;

	err = kvx_nl_parse_fdb(info, tb);
	if (err)
		return err;
	kvx = kvx_nl_dev(info);
	if (IS_ERR(kvx))
		return PTR_ERR(kvx);
	/* one message per remote: sized for the list, again if it grew */
	n = 1;
again:
	msg = genlmsg_new(n * KVX_NL_FDB_MSG_MAX, GFP_KERNEL);
	err = -ENOMEM;
	if (!msg)
		goto out;
	rcu_read_lock();
	f = kvx_fdb_lookup(kvx, nla_data(tb[KVXLAN_FDB_A_MAC]));
	e = f ? kvx_fdb_dsts(kvx, f, &one, &i) : NULL;
	if (e && i > n) {
		rcu_read_unlock();
		nlmsg_free(msg);
		n = i;
		goto again;
	}
	err = f ? 0 : -ENOENT;
	for (n = i, i = 0; !err && i < n; i++)
		err = kvx_nl_fill_fdb(msg, kvx, f, &e[i], info->snd_portid,
				      info->snd_seq, 0, KVXLAN_CMD_FDB_GET, 0,
				      NULL);
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
 * The messages of @f's remotes that match the filters. A part that fills
 * up within an entry resumes at that entry, after the remotes already
 * sent (kvx_dump_ctx.rdst).
 */
static int kvx_nl_dump_fdb_one(struct kvx_dev *kvx, struct kvx_fdb *f,
			       void *arg)
{
	struct kvx_nl_dump_arg *a = arg;
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(a->cb);
	const struct kvx_flood_ent *e;
	struct kvx_flood_ent one;
	unsigned int i, n;
	int err;

	e = kvx_fdb_dsts(kvx, f, &one, &n);
	for (i = ctx->rdst; i < n; i++) {
		if (!kvx_fdb_match_dst(f, &e[i], &a->flt))
			continue;
		err = kvx_nl_fill_fdb(a->skb, kvx, f, &e[i],
				      NETLINK_CB(a->cb->skb).portid,
				      a->cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      KVXLAN_CMD_FDB_GET, 0, a->cb);
		if (err) {
			ctx->rdst = i;
			return err;
		}
	}
	ctx->rdst = 0;
	return 0;
}

static int kvx_nl_fdb_dump_fill(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct kvx_dev *kvx, u8 cmd)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_nl_dump_arg a = { .skb = skb, .cb = cb };
	struct kvx_fdb_pos pos;
	int err;

	a.flt.ip = ctx->fdb.ip;
	a.flt.kind = ctx->fdb.kind;
	a.flt.vni = ctx->fdb.vni;
	a.flt.dev_vni = rcu_dereference(kvx->cfg)->vni;
	cb->seq = READ_ONCE(kvx->fdb_gen);
	pos.seq = ctx->seq;
	ether_addr_copy(pos.mac, ctx->fdb.mac);
	err = kvx_fdb_walk(kvx, KVX_WALK_ALL, &pos, UINT_MAX,
			   kvx_nl_dump_fdb_one, &a);
	ctx->seq = pos.seq;
	ether_addr_copy(ctx->fdb.mac, pos.mac);
	return err;
}

int kvx_nl_fdb_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kvx_nl_dump_dev_part(skb, cb, KVXLAN_CMD_FDB_GET,
				    kvx_nl_fdb_dump_fill);
}
