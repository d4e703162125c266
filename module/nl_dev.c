// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: genl DEV_GET: a device's configuration and counters.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "flood.h"
#include "nl.h"
#include "stats.h"

static int kvx_nl_fill_dev(struct sk_buff *skb, struct kvx_dev *kvx,
			   u32 portid, u32 seq, int flags)
{
	u64 cnt[__KVX_DEV_CNT_MAX];
	const struct kvx_cfg *cfg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	hdr = kvx_nl_msg_put(skb, kvx, portid, seq, flags, KVXLAN_CMD_DEV_GET,
			     NULL);
	if (!hdr)
		return -EMSGSIZE;
	kvx_cnt_sum(kvx->cnt, __KVX_DEV_CNT_MAX, cnt);
	rcu_read_lock();
	cfg = rcu_dereference(kvx->cfg);
	if (nla_put_u32(skb, KVXLAN_A_VNI, cfg->vni) ||
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

int kvx_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
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

int kvx_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
	return kvx_nl_dump_end(skb, err);
}
