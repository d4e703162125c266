// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: transmit. Lockless: the configuration, the socket and the cached
 * route are read under RCU; counters are per CPU.
 *
 * Path MTU, per copy: the device MTU is only an upper bound. The route to
 * one remote may be narrower: a path MTU learned from an ICMP error about
 * the outer packets (kvx_err_lookup() in rcv.c lets UDP hand those to the
 * route), or the 20 more bytes of an IPv6 copy sent by a dual-stack device
 * whose MTU leaves room only for IPv4's 50. Each copy is checked against
 * its own route, and one that does not fit is either fragmented or
 * answered, never lost without a word:
 *
 *  - The outer packet may be fragmented (df unset, or df inherit and an
 *    inner packet that is not IPv4 with DF): over IPv4 by any router, over
 *    IPv6 by this host (skb->ignore_df; IPv6 routers never fragment). The
 *    frame arrives whole.
 *  - Otherwise the inner sender is told the usable inner MTU (the route's
 *    less the 50 or 70 bytes of encapsulation): behind a bridge (or OVS)
 *    with an ICMP "fragmentation needed" or ICMPv6 "packet too big" that
 *    skb_tunnel_check_pmtu() builds in place of the frame and that goes
 *    back up through the device, as in-tree; routed, by updating the inner
 *    route's path MTU and sending the same error from this host, as IP
 *    tunnels do (in-tree only updates the route, which a forwarded sender
 *    never learns of). The frame is dropped as PKT_TOO_BIG and counted in
 *    tx_dropped.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "device.h"
#include "fdb.h"
#include "flood.h"
#include "flowhash.h"
#include "mdst.h"
#include "proxy.h"
#include "stats.h"
#include "xmit.h"

/* The kernel's drop reason of each tx drop counter, for perf/dropwatch. */
static enum skb_drop_reason kvx_tx_drop_reason(enum kvx_dev_cnt why)
{
	switch (why) {
	case KVX_TX_DROP_SHORT:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case KVX_TX_DROP_NO_REMOTE:
		return KVX_DROP_REASON_NO_TX_TARGET;
	case KVX_TX_DROP_NO_ROUTE:
		return SKB_DROP_REASON_IP_OUTNOROUTES;
	case KVX_TX_DROP_NOMEM:
		return SKB_DROP_REASON_NOMEM;
	case KVX_TX_DROP_DOWN:
		return SKB_DROP_REASON_DEV_READY;
	default:			/* KVX_TX_DROP_LOOP: none fits */
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
}

static netdev_tx_t kvx_xmit_drop(struct kvx_dev *kvx, struct sk_buff *skb,
				 enum kvx_dev_cnt why)
{
	kvx_cnt_inc(kvx->cnt, why);
	kfree_skb_reason(skb, kvx_tx_drop_reason(why));
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

/*
 * Hands the ICMP error that skb_tunnel_check_pmtu() built in place of a
 * frame back up through the device, as if received from the tunnel, so
 * that the bridge delivers it to the inner sender.
 */
static void kvx_xmit_reply(struct kvx_dev *kvx, struct sk_buff *skb)
{
	struct net_device *dev = kvx->dev;
	unsigned int len;

	/* A new packet: none of the frame's conntrack, dst or extensions. */
	skb_scrub_packet(skb, false);
	skb->encapsulation = 0;
	skb->protocol = eth_type_trans(skb, dev);
	len = skb->len;
	if (netif_rx(skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
}

/*
 * Routed: the inner packet's route, which the path MTU update and
 * icmp_send() need. kvxlan's setup calls netif_keep_dst(), so a routed
 * frame arrives with the route its sender used (also one that a policy
 * rule chose); a frame without one (from a bridge, or a packet socket) is
 * given the route towards its inner destination through this device.
 */
static bool kvx_xmit_inner_dst(struct net_device *dev, struct sk_buff *skb)
{
	struct dst_entry *dst = NULL;

	if (skb_dst(skb))
		return true;
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		struct flowi4 fl4 = {
			.flowi4_oif	= dev->ifindex,
			.flowi4_mark	= skb->mark,
			.daddr		= ip_hdr(skb)->daddr,
		};
		struct rtable *rt = ip_route_output_key(dev_net(dev), &fl4);

		if (!IS_ERR(rt))
			dst = &rt->dst;
#if IS_ENABLED(CONFIG_IPV6)
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		struct flowi6 fl6 = {
			.flowi6_oif	= dev->ifindex,
			.flowi6_mark	= skb->mark,
			.daddr		= ipv6_hdr(skb)->daddr,
		};

		dst = ipv6_stub->ipv6_dst_lookup_flow(dev_net(dev), NULL, &fl6,
						      NULL);
		if (IS_ERR(dst))
			dst = NULL;
#endif
	}
	if (!dst)
		return false;
	skb_dst_set(skb, dst);
	return true;
}

/* Routed: tells the inner sender the usable MTU from this host. */
static void kvx_xmit_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		if (ip_hdr(skb)->frag_off & htons(IP_DF))
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				      htonl(mtu));
	} else if (IS_ENABLED(CONFIG_IPV6) &&
		   skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0,
				max_t(unsigned int, mtu, IPV6_MIN_MTU));
	}
}

/*
 * The path MTU check of one copy whose outer packet must not be
 * fragmented (see the top of this file): false when it fits the route
 * @dst, true when it did not and was answered and consumed.
 */
static bool kvx_xmit_pmtu(struct kvx_dev *kvx, struct sk_buff *skb,
			  struct dst_entry *dst, unsigned int overhead)
{
	unsigned int mtu = dst_mtu(dst) - overhead;
	struct net_device *dev = kvx->dev;

	if (skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
			      skb->len - skb_network_offset(skb) <= mtu)
		return false;

	DEV_STATS_INC(dev, tx_dropped);
	if (netif_is_any_bridge_port(dev)) {
		/* > 0: the error is built; 0: the frame gets none (no DF) */
		if (skb_tunnel_check_pmtu(skb, dst, overhead, true) > 0) {
			kvx_xmit_reply(kvx, skb);
			return true;
		}
	} else if (kvx_xmit_inner_dst(dev, skb)) {
		/* Updates the inner route's path MTU, for local senders. */
		skb_tunnel_check_pmtu(skb, dst, overhead, false);
		kvx_xmit_too_big(skb, mtu);
	}
	kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_BIG);
	return true;
}

/*
 * Where one copy goes: the remote, and the port and VNI to use; and the
 * inner flow's hash (kvx_flow_hash(), once per frame, not per copy).
 */
struct kvx_dst {
	struct kvx_remote *remote;
	__be16 port;
	u32 vni;
	int ifindex;			/* underlay of a group, 0: the link */
	u32 hash;
};

/*
 * One copy's outer headers: what the per-family route step finds and the
 * common steps compute, for the per-family encap step.
 */
struct kvx_tx {
	struct dst_entry *route;	/* holds a reference */
	union {
		__be32 saddr4;
		struct in6_addr saddr6;
	};
	u8 tos;				/* TOS or traffic class */
	u8 ttl;				/* TTL or hop limit */
	bool df;			/* the outer packet must not fragment */
	__be16 sport;
	__be32 label;			/* IPv6 flow label */
};

/* IPv4 route step: the route to @dst's remote and its source address. */
static struct dst_entry *kvx_route4(struct kvx_dev *kvx,
				    const struct kvx_cfg *cfg,
				    const struct kvx_dst *dst,
				    struct sk_buff *skb, struct kvx_tx *tx)
{
	bool use_cache = cfg->tos != KVXLAN_TOS_INHERIT && !skb->mark;
	struct dst_cache *cache = &dst->remote->dst_cache;
	struct flowi4 fl4;
	struct rtable *rt;

	if (use_cache) {
		rt = dst_cache_get_ip4(cache, &tx->saddr4);
		if (rt)
			return &rt->dst;
	}
	/* the flow only for a lookup: most frames find the cached route */
	fl4 = (struct flowi4) {
		.flowi4_oif	= dst->ifindex ?: cfg->link,
		.flowi4_tos	= RT_TOS(tx->tos),
		.flowi4_mark	= skb->mark,
		.flowi4_proto	= IPPROTO_UDP,
		.daddr		= dst->remote->ip.v4,
		.saddr		= cfg->local.v4,
		.fl4_dport	= dst->port,
		.fl4_sport	= tx->sport,
	};
	rt = ip_route_output_key(kvx_link_net(kvx), &fl4);
	if (IS_ERR(rt))
		return ERR_CAST(rt);
	if (rt->dst.dev == kvx->dev) {
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	tx->saddr4 = fl4.saddr;
	if (use_cache)
		dst_cache_set_ip4(cache, &rt->dst, fl4.saddr);
	return &rt->dst;
}

/* IPv4 encap step: the outer IPv4 and UDP headers; consumes @skb. */
static void kvx_encap4(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		       struct kvx_sock *vs, struct sk_buff *skb,
		       const struct kvx_dst *dst, const struct kvx_tx *tx,
		       bool xnet)
{
	/*
	 * A zero UDP checksum unless udpcsum is on, as RFC 7348 allows. The
	 * skb is scrubbed in iptunnel_xmit().
	 */
	udp_tunnel_xmit_skb(container_of(tx->route, struct rtable, dst), vs->sock->sk, skb,
			    tx->saddr4, dst->remote->ip.v4, tx->tos, tx->ttl,
			    tx->df ? htons(IP_DF) : 0, tx->sport, dst->port,
			    xnet, !cfg->udp_csum);
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * IPv6 route step: the route to @dst's remote and its source address.
 * Always inline, as GCC already makes kvx_route4(): out of line, its
 * call, arguments and frame were paid by every IPv6 copy (BENCHMARKS.md).
 */
static __always_inline struct dst_entry *
kvx_route6(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
	   struct kvx_sock *vs, const struct kvx_dst *dst,
	   struct sk_buff *skb, struct kvx_tx *tx)
{
	bool use_cache = cfg->tos != KVXLAN_TOS_INHERIT && !skb->mark;
	struct dst_cache *cache = &dst->remote->dst_cache;
	struct dst_entry *ndst;
	struct flowi6 fl6;

	if (use_cache) {
		ndst = dst_cache_get_ip6(cache, &tx->saddr6);
		if (ndst)
			return ndst;
	}
	/* the flow only for a lookup: most frames find the cached route */
	fl6 = (struct flowi6) {
		.flowi6_oif	= dst->ifindex ?: cfg->link,
		.flowlabel	= ip6_make_flowinfo(tx->tos, tx->label),
		.flowi6_mark	= skb->mark,
		.flowi6_proto	= IPPROTO_UDP,
		.daddr		= dst->remote->ip.v6,
		.fl6_dport	= dst->port,
		.fl6_sport	= tx->sport,
	};
	if (cfg->family == AF_INET6)
		fl6.saddr = cfg->local.v6;
	ndst = ipv6_stub->ipv6_dst_lookup_flow(kvx_link_net(kvx),
					       vs->sock->sk, &fl6, NULL);
	if (IS_ERR(ndst))
		return ndst;
	if (ndst->dev == kvx->dev) {
		dst_release(ndst);
		return ERR_PTR(-ELOOP);
	}
	tx->saddr6 = fl6.saddr;
	if (use_cache)
		dst_cache_set_ip6(cache, ndst, &fl6.saddr);
	return ndst;
}

/* IPv6 encap step: the outer IPv6 and UDP headers; consumes @skb. */
static void kvx_encap6(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		       struct kvx_sock *vs, struct sk_buff *skb,
		       const struct kvx_dst *dst, struct kvx_tx *tx)
{
	udp_tunnel6_xmit_skb(tx->route, vs->sock->sk, skb, kvx->dev,
			     &tx->saddr6, &dst->remote->ip.v6, tx->tos, tx->ttl,
			     tx->label, tx->sport, dst->port, cfg->udp6_zero_tx);
}
#else
static struct dst_entry *kvx_route6(struct kvx_dev *kvx,
				    const struct kvx_cfg *cfg,
				    struct kvx_sock *vs,
				    const struct kvx_dst *dst,
				    struct sk_buff *skb, struct kvx_tx *tx)
{
	return ERR_PTR(-EAFNOSUPPORT);
}

static void kvx_encap6(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		       struct kvx_sock *vs, struct sk_buff *skb,
		       const struct kvx_dst *dst, struct kvx_tx *tx)
{
}
#endif

/*
 * The outer UDP source port: the inner flow's hash scaled into the
 * configured range [min, max), as udp_flow_src_port() does with the
 * kernel's flow hash.
 */
static __be16 kvx_src_port(struct net *net, const struct kvx_cfg *cfg,
			   u32 hash)
{
	int min = cfg->port_min, max = cfg->port_max;

	if (unlikely(min >= max))
		inet_get_local_port_range(net, &min, &max);
	/* the upper bits pick the port: fold the lower ones in */
	hash ^= hash << 16;
	return htons((((u64)hash * (max - min)) >> 32) + min);
}

/* The flow label of an IPv6 copy; auto: the inner flow's hash. */
static __be32 kvx_flowlabel(const struct kvx_cfg *cfg, u32 hash)
{
	if (cfg->label == KVXLAN_FLOWLABEL_AUTO)
		return htonl(rol32(hash, 16) & KVXLAN_FLOWLABEL_MAX);
	return htonl(cfg->label);
}

static void kvx_push_vxlan(struct sk_buff *skb, u32 vni)
{
	struct vxlanhdr *vxh = __skb_push(skb, sizeof(*vxh));

	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
}

/*
 * Encapsulates @skb for @dst and sends it; consumes @skb. One routine for
 * both underlay families: only the route and the outer IP header (the
 * route and encap steps above) differ; the TOS/ECN, TTL, DF, path MTU,
 * headroom, offload and VXLAN steps are the same.
 */
static __always_inline void kvx_xmit_copy(struct kvx_dev *kvx,
					  const struct kvx_cfg *cfg,
					  struct kvx_sock *vs,
					  struct sk_buff *skb,
					  const struct kvx_dst *dst, bool flood)
{
	bool v6 = IS_ENABLED(CONFIG_IPV6) && dst->remote->ip.family == AF_INET6;
	/* Bytes are counted from the inner network header, as ip -s link does. */
	unsigned int len = skb->len - ETH_HLEN;
	struct net_device *dev = kvx->dev;
	/* every field is set before it is read: no zeroing per copy */
	struct kvx_tx tx;
	bool inner_df, xnet, csum;
	u8 inner_ds;
	int err;

	kvx_inner_ip(skb, &inner_ds, &inner_df);
	tx.tos = cfg->tos == KVXLAN_TOS_INHERIT ? inner_ds & ~INET_ECN_MASK :
						 cfg->tos;
	tx.sport = kvx_src_port(dev_net(dev), cfg, dst->hash);
	if (v6)
		tx.label = kvx_flowlabel(cfg, dst->hash);

	tx.route = v6 ? kvx_route6(kvx, cfg, vs, dst, skb, &tx) :
			kvx_route4(kvx, cfg, dst, skb, &tx);
	if (IS_ERR(tx.route)) {
		kvx_xmit_drop(kvx, skb, PTR_ERR(tx.route) == -ELOOP ?
			      KVX_TX_DROP_LOOP : KVX_TX_DROP_NO_ROUTE);
		return;
	}

	tx.tos = INET_ECN_encapsulate(tx.tos, inner_ds);
	tx.ttl = cfg->ttl;
	if (!tx.ttl)
		tx.ttl = kvx_ip_multicast(&dst->remote->ip) ? 1 :
			 v6 ? ip6_dst_hoplimit(tx.route) :
			      ip4_dst_hoplimit(tx.route);
	tx.df = cfg->df == KVXLAN_DF_SET ||
		(cfg->df == KVXLAN_DF_INHERIT && inner_df);
	if (tx.df && kvx_xmit_pmtu(kvx, skb, tx.route,
				   v6 ? KVX_MTU_OVERHEAD6 : KVX_MTU_OVERHEAD4)) {
		dst_release(tx.route);
		return;
	}
	/* Across namespaces when the device lives outside its link's. */
	xnet = !net_eq(sock_net(vs->sock->sk), dev_net(dev));
	if (v6) {
		/*
		 * None of the inner packet's state (conntrack, secpath, dst,
		 * ...) rides on the outer one: what iptunnel_xmit() does
		 * over IPv4.
		 */
		skb_scrub_packet(skb, xnet);
		/* Without DF, this host fragments what the path cannot carry. */
		skb->ignore_df = !tx.df;
	}

	err = skb_cow_head(skb, LL_RESERVED_SPACE(tx.route->dev) +
			   tx.route->header_len +
			   (v6 ? KVX_HEADROOM6 : KVX_HEADROOM4));
	if (unlikely(err))
		goto drop_nomem;
	csum = v6 ? !cfg->udp6_zero_tx : cfg->udp_csum;
	err = iptunnel_handle_offloads(skb, csum ? SKB_GSO_UDP_TUNNEL_CSUM :
						   SKB_GSO_UDP_TUNNEL);
	if (unlikely(err))
		goto drop_nomem;

	kvx_push_vxlan(skb, dst->vni);
	kvx_remote_count_tx(dst->remote, len, flood);
	if (v6)
		kvx_encap6(kvx, cfg, vs, skb, dst, &tx);
	else
		kvx_encap4(kvx, cfg, vs, skb, dst, &tx, xnet);
	return;

drop_nomem:
	dst_release(tx.route);
	kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NOMEM);
}

/*
 * Sends one copy to @dst over the socket of its family; consumes @skb. The
 * socket is missing only while the device goes down or, for an IPv6
 * remote, when IPv6 is disabled on the host.
 */
static __always_inline void kvx_xmit_one(struct kvx_dev *kvx,
					 const struct kvx_cfg *cfg,
					 struct sk_buff *skb,
					 const struct kvx_dst *dst, bool flood)
{
	sa_family_t family = dst->remote->ip.family;
	struct kvx_sock *vs;

	vs = rcu_dereference(kvx->sock[kvx_sock_idx(family)]);
	if (unlikely(!vs)) {
		kvx_xmit_drop(kvx, skb, rcu_access_pointer(kvx->sock[0]) ?
			      KVX_TX_DROP_NO_ROUTE : KVX_TX_DROP_DOWN);
		return;
	}
	kvx_xmit_copy(kvx, cfg, vs, skb, dst, flood);
}

/*
 * Sends one copy of @skb to each of the @n destinations @ents: a flood
 * list's or a multicast MAC's (head-end replication, @flood), or a
 * unicast FDB entry's one (kvx_fdb_ent()); consumes @skb. One loop for
 * both, into which the copy's steps inline: no copy pays a call or a
 * stack frame of its own (BENCHMARKS.md).
 */
static __always_inline void kvx_xmit_to(struct kvx_dev *kvx,
					const struct kvx_cfg *cfg,
					struct sk_buff *skb,
					const struct kvx_flood_ent *ents,
					unsigned int n, bool flood, u32 hash)
{
	struct kvx_dst dst;
	struct sk_buff *c;
	unsigned int i;

	if (unlikely(!n)) {
		kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NO_REMOTE);
		return;
	}
	dst.hash = hash;
	for (i = 0; i < n; i++) {
		/*
		 * Clones share the frame's data; each gets its own headers
		 * when skb_cow_head() copies the head, never the fragments.
		 */
		c = i + 1 < n ? skb_clone(skb, GFP_ATOMIC) : skb;
		if (unlikely(!c)) {
			kvx_cnt_inc(kvx->cnt, KVX_TX_DROP_NOMEM);
			continue;
		}
		dst.remote = ents[i].remote;
		dst.port = ents[i].port ?: cfg->port;
		dst.vni = ents[i].vni == KVX_VNI_DEV ? cfg->vni : ents[i].vni;
		dst.ifindex = ents[i].ifindex;
		kvx_xmit_one(kvx, cfg, c, &dst, flood);
	}
}

netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	const struct ethhdr *eth;
	const struct kvx_flood_ent *ents;
	const struct kvx_flood *fl;
	const struct kvx_cfg *cfg;
	struct kvx_flood_ent one;
	struct kvx_fdb *f = NULL;
	unsigned int n;
	u32 hash;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		return kvx_xmit_drop(kvx, skb, KVX_TX_DROP_SHORT);
	skb_reset_mac_header(skb);

	rcu_read_lock();
	cfg = rcu_dereference(kvx->cfg);
	if (unlikely(!rcu_access_pointer(kvx->sock[KVX_SOCK4]) &&
		     !rcu_access_pointer(kvx->sock[KVX_SOCK6]))) {
		kvx_xmit_drop(kvx, skb, KVX_TX_DROP_DOWN);
		goto out;
	}
	if (kvx_proxy_xmit(kvx, cfg, skb))
		goto out;

	/* the source port's and flow label's, once for all the copies */
	hash = kvx_flow_hash(skb);
	eth = eth_hdr(skb);
	if (is_multicast_ether_addr(eth->h_dest)) {
		/* to the MAC's own list of remotes if it has one */
		fl = kvx_fdb_mcast_dst(kvx, eth->h_dest);
	} else {
		f = kvx_fdb_lookup_in(&kvx->fdb, eth->h_dest);
		fl = f ? NULL : rcu_dereference(kvx->flood);
	}
	if (f) {
		kvx_touch(&f->used);
		atomic64_inc(&f->hits);
		kvx_fdb_ent(f, rcu_dereference(f->remote), &one);
		ents = &one;
		n = 1;
	} else {
		ents = fl ? fl->ent : NULL;
		n = fl ? fl->n : 0;
	}
	kvx_xmit_to(kvx, cfg, skb, ents, n, !f, hash);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
