// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: genl flood list and group commands (FLOOD_*, GROUP_*).
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "flood.h"
#include "nl.h"

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
		if (!__dev_get_by_index(kvx_link_net(kvx), req->ifindex)) {
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
	kvx = kvx_nl_dev_admin(info);
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

int kvx_nl_flood_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_ANY, true);
}

int kvx_nl_flood_del(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_ANY, false);
}

int kvx_nl_group_add(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_GROUP, true);
}

int kvx_nl_group_del(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_change(info, KVX_ADDR_GROUP, false);
}

int kvx_nl_flood_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct kvx_flood_req *reqs;
	unsigned int n = 0;
	struct kvx_dev *kvx;
	struct nlattr *nla;
	int rem, err = 0;

	kvx = kvx_nl_dev_admin(info);
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
	hdr = kvx_nl_msg_put(msg, kvx, info->snd_portid, info->snd_seq, 0, cmd,
			     NULL);
	if (!hdr)
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

int kvx_nl_flood_get(struct sk_buff *skb, struct genl_info *info)
{
	return kvx_nl_flood_reply(info, KVXLAN_CMD_FLOOD_GET);
}

int kvx_nl_group_get(struct sk_buff *skb, struct genl_info *info)
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
static int kvx_nl_flood_dump_fill(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct kvx_dev *kvx, u8 cmd)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	const struct kvx_flood_ent *e;
	const struct kvx_flood *fl;
	unsigned int n = 0;
	void *hdr;
	int err;

	fl = rcu_dereference(kvx->flood);
	if (!ctx->seq)
		ctx->flood.changes = 0;
	else if (fl != ctx->flood.list)
		ctx->flood.changes++;
	ctx->flood.list = fl;
	/* 0 would turn genl_dump_check_consistent() off */
	cb->seq = ctx->flood.changes + 1;
	if (!fl || ctx->seq >= fl->n)
		return 0;

	hdr = kvx_nl_msg_put(skb, kvx, NETLINK_CB(cb->skb).portid,
			     cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd, cb);
	if (!hdr)
		return -EMSGSIZE;
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
	return err;
}

int kvx_nl_flood_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kvx_nl_dump_dev_part(skb, cb, KVXLAN_CMD_FLOOD_GET,
				    kvx_nl_flood_dump_fill);
}

int kvx_nl_group_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kvx_nl_dump_dev_part(skb, cb, KVXLAN_CMD_GROUP_GET,
				    kvx_nl_flood_dump_fill);
}
