// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: transmit. Lockless: the configuration, the socket and the cached
 * route are read under RCU; counters are per CPU.
 */
#include <linux/etherdevice.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "kvx.h"

static netdev_tx_t kvx_xmit_drop(struct kvx_dev *kvx, struct sk_buff *skb,
				 enum kvx_dev_cnt why)
{
	kvx_cnt_inc(kvx->cnt, why);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/*
 * The inner packet's DS field and DF bit, or zeroes when the inner packet
 * is not IP or its header is not all there.
 */
static void kvx_inner_ip(struct sk_buff *skb, u8 *dsfield, bool *df)
{
	*dsfield = 0;
	*df = false;
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		*dsfield = ip_hdr(skb)->tos;
		*df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		*dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	}
}

/* Where one copy goes: the remote, and the port and VNI to use. */
struct kvx_dst {
	struct kvx_remote *remote;
	__be16 port;
	u32 vni;
	int ifindex;			/* underlay of a group, 0: the link */
};

static struct rtable *kvx_route4(struct kvx_dev *kvx,
				 const struct kvx_cfg *cfg,
				 const struct kvx_dst *dst,
				 struct sk_buff *skb, u8 tos, __be16 sport,
				 __be32 *saddr)
{
	bool use_cache = cfg->tos != KVXLAN_TOS_INHERIT && !skb->mark;
	struct dst_cache *cache = &dst->remote->dst_cache;
	struct flowi4 fl4 = {
		.flowi4_oif	= dst->ifindex ?: cfg->link,
		.flowi4_tos	= RT_TOS(tos),
		.flowi4_mark	= skb->mark,
		.flowi4_proto	= IPPROTO_UDP,
		.daddr		= dst->remote->ip.v4,
		.saddr		= cfg->local.v4,
		.fl4_dport	= dst->port,
		.fl4_sport	= sport,
	};
	struct rtable *rt;

	if (use_cache) {
		rt = dst_cache_get_ip4(cache, saddr);
		if (rt)
			return rt;
	}
	rt = ip_route_output_key(dev_net(kvx->dev), &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == kvx->dev) {
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	if (use_cache)
		dst_cache_set_ip4(cache, &rt->dst, fl4.saddr);
	return rt;
}

/* Encapsulates @skb for @dst and sends it; consumes @skb. */
static void kvx_xmit4(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		      struct kvx_sock *vs, struct sk_buff *skb,
		      const struct kvx_dst *dst, bool flood)
{
	/* Bytes are counted from the inner network header, as ip -s link does. */
	unsigned int len = skb->len - ETH_HLEN;
	struct net_device *dev = kvx->dev;
	struct vxlanhdr *vxh;
	u8 tos, ttl, inner_ds;
	struct rtable *rt;
	__be16 sport, df;
	bool inner_df;
	__be32 saddr;
	int err;

	kvx_inner_ip(skb, &inner_ds, &inner_df);
	tos = cfg->tos == KVXLAN_TOS_INHERIT ? inner_ds & ~INET_ECN_MASK :
					      cfg->tos;
	sport = udp_flow_src_port(dev_net(dev), skb, cfg->port_min,
				  cfg->port_max, true);

	rt = kvx_route4(kvx, cfg, dst, skb, tos, sport, &saddr);
	if (IS_ERR(rt)) {
		kvx_xmit_drop(kvx, skb, PTR_ERR(rt) == -ELOOP ?
			      KVX_TX_DROP_LOOP : KVX_TX_DROP_NO_ROUTE);
		return;
	}

	tos = INET_ECN_encapsulate(tos, inner_ds);
	ttl = cfg->ttl;
	if (!ttl)
		ttl = ipv4_is_multicast(dst->remote->ip.v4) ? 1 :
		      ip4_dst_hoplimit(&rt->dst);
	df = 0;
	if (cfg->df == KVXLAN_DF_SET ||
	    (cfg->df == KVXLAN_DF_INHERIT && inner_df))
		df = htons(IP_DF);

	err = skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			   rt->dst.header_len + KVX_HEADROOM4);
	if (unlikely(err))
		goto drop_nomem;
	err = iptunnel_handle_offloads(skb, SKB_GSO_UDP_TUNNEL);
	if (unlikely(err))
		goto drop_nomem;

	vxh = __skb_push(skb, sizeof(*vxh));
	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(dst->vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));

	kvx_remote_count_tx(dst->remote, len, flood);
	/* IPv4 VXLAN goes with a zero UDP checksum, as RFC 7348 allows. */
	udp_tunnel_xmit_skb(rt, vs->sock->sk, skb, saddr, dst->remote->ip.v4,
			    tos, ttl, df, sport, dst->port, false, true);
	return;

drop_nomem:
	ip_rt_put(rt);
	kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NOMEM);
}

/* Head-end replication: one copy per flood remote; consumes @skb. */
static void kvx_flood(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		      struct kvx_sock *vs, struct sk_buff *skb)
{
	const struct kvx_flood *fl = rcu_dereference(kvx->flood);
	struct kvx_dst dst;
	struct sk_buff *c;
	unsigned int i;

	if (!fl) {
		kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NO_REMOTE);
		return;
	}
	for (i = 0; i < fl->n; i++) {
		/*
		 * Clones share the frame's data; each gets its own headers
		 * when skb_cow_head() copies the head, never the fragments.
		 */
		c = i + 1 < fl->n ? skb_clone(skb, GFP_ATOMIC) : skb;
		if (unlikely(!c)) {
			kvx_cnt_inc(kvx->cnt, KVX_TX_DROP_NOMEM);
			continue;
		}
		dst.remote = fl->ent[i].remote;
		dst.port = fl->ent[i].port ?: cfg->port;
		dst.vni = fl->ent[i].vni == KVX_VNI_DEV ? cfg->vni :
							  fl->ent[i].vni;
		dst.ifindex = fl->ent[i].ifindex;
		kvx_xmit4(kvx, cfg, vs, c, &dst, true);
	}
}

netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	const struct ethhdr *eth;
	const struct kvx_cfg *cfg;
	struct kvx_sock *vs;
	struct kvx_fdb *f;
	struct kvx_dst dst;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		return kvx_xmit_drop(kvx, skb, KVX_TX_DROP_SHORT);
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);

	rcu_read_lock();
	cfg = rcu_dereference(kvx->cfg);
	vs = rcu_dereference(kvx->sock);
	if (unlikely(!vs)) {
		kvx_xmit_drop(kvx, skb, KVX_TX_DROP_DOWN);
		goto out;
	}

	f = is_multicast_ether_addr(eth->h_dest) ? NULL :
	    kvx_fdb_lookup(kvx, eth->h_dest);
	if (!f) {
		kvx_flood(kvx, cfg, vs, skb);
		goto out;
	}

	kvx_touch(&f->used);
	atomic64_inc(&f->hits);
	dst.remote = rcu_dereference(f->remote);
	dst.ifindex = 0;
	dst.port = READ_ONCE(f->port) ?: cfg->port;
	dst.vni = READ_ONCE(f->vni);
	if (dst.vni == KVX_VNI_DEV)
		dst.vni = cfg->vni;
	kvx_xmit4(kvx, cfg, vs, skb, &dst, false);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
