// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: genl REMOTE_GET: the remote VTEPs and their counters.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "nl.h"
#include "remote.h"

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
	hdr = kvx_nl_msg_put(skb, kvx, NETLINK_CB(cb->skb).portid,
			     cb->nlh->nlmsg_seq, NLM_F_MULTI,
			     KVXLAN_CMD_REMOTE_GET, cb);
	if (!hdr)
		return -EMSGSIZE;
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

static int kvx_nl_remote_dump_fill(struct sk_buff *skb,
				   struct netlink_callback *cb,
				   struct kvx_dev *kvx, u8 cmd)
{
	struct kvx_dump_ctx *ctx = kvx_dump_ctx(cb);
	struct kvx_nl_dump_arg a = { .skb = skb, .cb = cb };
	struct kvx_remote_pos pos;
	int err;

	/* Remotes come and go with FDB entries: the same generation. */
	cb->seq = READ_ONCE(kvx->fdb_gen);
	pos.seq = ctx->seq;
	pos.ip = ctx->remote;
	err = kvx_remote_walk(kvx, &pos, kvx_nl_dump_remote_one, &a);
	ctx->seq = pos.seq;
	ctx->remote = pos.ip;
	return err;
}

int kvx_nl_remote_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kvx_nl_dump_dev_part(skb, cb, KVXLAN_CMD_REMOTE_GET,
				    kvx_nl_remote_dump_fill);
}
