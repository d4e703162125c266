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
 * icmp_send() need. The core drops skb->dst before ndo_start_xmit unless
 * the device keeps it (netif_keep_dst(), which kvxlan's setup does not
 * call), so it is then looked up again: towards the inner destination,
 * through this device, the route whose path MTU a local sender uses.
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
	rt = ip_route_output_key(kvx_link_net(kvx), &fl4);
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

static void kvx_push_vxlan(struct sk_buff *skb, u32 vni)
{
	struct vxlanhdr *vxh = __skb_push(skb, sizeof(*vxh));

	vxh->vx_flags = VXLAN_HF_VNI;
	vxh->vx_vni = cpu_to_be32(vni << 8);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
}

/* Encapsulates @skb for @dst over IPv4 and sends it; consumes @skb. */
static void kvx_xmit4(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		      struct kvx_sock *vs, struct sk_buff *skb,
		      const struct kvx_dst *dst, bool flood)
{
	/* Bytes are counted from the inner network header, as ip -s link does. */
	unsigned int len = skb->len - ETH_HLEN;
	struct net_device *dev = kvx->dev;
	u8 tos, ttl, inner_ds;
	struct rtable *rt;
	__be16 sport, df;
	bool inner_df, xnet;
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
	if (df && kvx_xmit_pmtu(kvx, skb, &rt->dst, KVX_MTU_OVERHEAD4)) {
		ip_rt_put(rt);
		return;
	}
	/* Across namespaces when the device lives outside its link's. */
	xnet = !net_eq(sock_net(vs->sock->sk), dev_net(dev));

	err = skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			   rt->dst.header_len + KVX_HEADROOM4);
	if (unlikely(err))
		goto drop_nomem;
	err = iptunnel_handle_offloads(skb, cfg->udp_csum ?
				       SKB_GSO_UDP_TUNNEL_CSUM :
				       SKB_GSO_UDP_TUNNEL);
	if (unlikely(err))
		goto drop_nomem;

	kvx_push_vxlan(skb, dst->vni);
	kvx_remote_count_tx(dst->remote, len, flood);
	/*
	 * A zero UDP checksum unless udpcsum is on, as RFC 7348 allows. The
	 * skb is scrubbed in iptunnel_xmit().
	 */
	udp_tunnel_xmit_skb(rt, vs->sock->sk, skb, saddr, dst->remote->ip.v4,
			    tos, ttl, df, sport, dst->port, xnet,
			    !cfg->udp_csum);
	return;

drop_nomem:
	ip_rt_put(rt);
	kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NOMEM);
}

#if IS_ENABLED(CONFIG_IPV6)
static struct dst_entry *kvx_route6(struct kvx_dev *kvx,
				    const struct kvx_cfg *cfg,
				    struct kvx_sock *vs,
				    const struct kvx_dst *dst,
				    struct sk_buff *skb, u8 tclass,
				    __be32 label, __be16 sport,
				    struct in6_addr *saddr)
{
	bool use_cache = cfg->tos != KVXLAN_TOS_INHERIT && !skb->mark;
	struct dst_cache *cache = &dst->remote->dst_cache;
	struct flowi6 fl6 = {
		.flowi6_oif	= dst->ifindex ?: cfg->link,
		.flowlabel	= ip6_make_flowinfo(tclass, label),
		.flowi6_mark	= skb->mark,
		.flowi6_proto	= IPPROTO_UDP,
		.daddr		= dst->remote->ip.v6,
		.fl6_dport	= dst->port,
		.fl6_sport	= sport,
	};
	struct dst_entry *ndst;

	if (cfg->family == AF_INET6)
		fl6.saddr = cfg->local.v6;
	if (use_cache) {
		ndst = dst_cache_get_ip6(cache, saddr);
		if (ndst)
			return ndst;
	}
	ndst = ipv6_stub->ipv6_dst_lookup_flow(kvx_link_net(kvx),
					       vs->sock->sk, &fl6, NULL);
	if (IS_ERR(ndst))
		return ndst;
	if (ndst->dev == kvx->dev) {
		dst_release(ndst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	if (use_cache)
		dst_cache_set_ip6(cache, ndst, &fl6.saddr);
	return ndst;
}

/* Encapsulates @skb for @dst over IPv6 and sends it; consumes @skb. */
static void kvx_xmit6(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		      struct kvx_sock *vs, struct sk_buff *skb,
		      const struct kvx_dst *dst, bool flood)
{
	unsigned int len = skb->len - ETH_HLEN;
	struct net_device *dev = kvx->dev;
	struct in6_addr saddr, daddr;
	struct dst_entry *ndst;
	u8 tclass, ttl, inner_ds;
	bool inner_df, df;
	__be16 sport;
	__be32 label;
	int err;

	kvx_inner_ip(skb, &inner_ds, &inner_df);
	tclass = cfg->tos == KVXLAN_TOS_INHERIT ? inner_ds & ~INET_ECN_MASK :
						 cfg->tos;
	sport = udp_flow_src_port(dev_net(dev), skb, cfg->port_min,
				  cfg->port_max, true);
	/* auto: the inner flow's hash, so that each flow keeps one label */
	if (cfg->label == KVXLAN_FLOWLABEL_AUTO)
		label = htonl(rol32(skb_get_hash(skb), 16) & KVXLAN_FLOWLABEL_MAX);
	else
		label = htonl(cfg->label);

	ndst = kvx_route6(kvx, cfg, vs, dst, skb, tclass, label, sport,
			  &saddr);
	if (IS_ERR(ndst)) {
		kvx_xmit_drop(kvx, skb, PTR_ERR(ndst) == -ELOOP ?
			      KVX_TX_DROP_LOOP : KVX_TX_DROP_NO_ROUTE);
		return;
	}

	tclass = INET_ECN_encapsulate(tclass, inner_ds);
	ttl = cfg->ttl;
	if (!ttl)
		ttl = ipv6_addr_is_multicast(&dst->remote->ip.v6) ? 1 :
		      ip6_dst_hoplimit(ndst);
	df = cfg->df == KVXLAN_DF_SET ||
	     (cfg->df == KVXLAN_DF_INHERIT && inner_df);
	if (df && kvx_xmit_pmtu(kvx, skb, ndst, KVX_MTU_OVERHEAD6)) {
		dst_release(ndst);
		return;
	}

	/*
	 * None of the inner packet's state (conntrack, secpath, dst, ...)
	 * rides on the outer one: what iptunnel_xmit() does over IPv4.
	 */
	skb_scrub_packet(skb, !net_eq(sock_net(vs->sock->sk), dev_net(dev)));
	/* Without DF, this host fragments what the path cannot carry. */
	skb->ignore_df = !df;

	err = skb_cow_head(skb, LL_RESERVED_SPACE(ndst->dev) +
			   ndst->header_len + KVX_HEADROOM6);
	if (unlikely(err))
		goto drop_nomem;
	err = iptunnel_handle_offloads(skb, cfg->udp6_zero_tx ?
				       SKB_GSO_UDP_TUNNEL :
				       SKB_GSO_UDP_TUNNEL_CSUM);
	if (unlikely(err))
		goto drop_nomem;

	kvx_push_vxlan(skb, dst->vni);
	kvx_remote_count_tx(dst->remote, len, flood);
	daddr = dst->remote->ip.v6;
	udp_tunnel6_xmit_skb(ndst, vs->sock->sk, skb, dev, &saddr, &daddr,
			     tclass, ttl, label, sport, dst->port,
			     cfg->udp6_zero_tx);
	return;

drop_nomem:
	dst_release(ndst);
	kvx_xmit_drop(kvx, skb, KVX_TX_DROP_NOMEM);
}
#endif

/*
 * Sends one copy to @dst over the socket of its family; consumes @skb. The
 * socket is missing only while the device goes down or, for an IPv6
 * remote, when IPv6 is disabled on the host.
 */
static void kvx_xmit_one(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
			 struct sk_buff *skb, const struct kvx_dst *dst,
			 bool flood)
{
	sa_family_t family = dst->remote->ip.family;
	struct kvx_sock *vs;

	vs = rcu_dereference(kvx->sock[kvx_sock_idx(family)]);
	if (unlikely(!vs)) {
		kvx_xmit_drop(kvx, skb, rcu_access_pointer(kvx->sock[0]) ?
			      KVX_TX_DROP_NO_ROUTE : KVX_TX_DROP_DOWN);
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (family == AF_INET6) {
		kvx_xmit6(kvx, cfg, vs, skb, dst, flood);
		return;
	}
#endif
	kvx_xmit4(kvx, cfg, vs, skb, dst, flood);
}

/*
 * Head-end replication: one copy per remote of @fl, the flood list or a
 * multicast MAC's own (NULL: empty); consumes @skb.
 */
static void kvx_flood(struct kvx_dev *kvx, const struct kvx_cfg *cfg,
		      struct sk_buff *skb, const struct kvx_flood *fl)
{
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
		kvx_xmit_one(kvx, cfg, c, &dst, true);
	}
}

netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kvx_dev *kvx = netdev_priv(dev);
	const struct ethhdr *eth;
	const struct kvx_cfg *cfg;
	struct kvx_fdb *f;
	struct kvx_dst dst;

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

	eth = eth_hdr(skb);
	if (is_multicast_ether_addr(eth->h_dest)) {
		/* to the MAC's own list of remotes if it has one */
		kvx_flood(kvx, cfg, skb, kvx_fdb_mcast_dst(kvx, eth->h_dest));
		goto out;
	}
	f = kvx_fdb_lookup(kvx, eth->h_dest);
	if (!f) {
		kvx_flood(kvx, cfg, skb, rcu_dereference(kvx->flood));
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
	kvx_xmit_one(kvx, cfg, skb, &dst, false);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
