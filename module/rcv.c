// SPDX-License-Identifier: GPL-2.0
/*
 * kvxlan: receive. Called by UDP for every datagram on a kvxlan socket,
 * under RCU, with the UDP checksum already verified. Everything in the
 * packet is hostile: each field is bounds-checked before it is read, and
 * every packet that is not delivered is counted under its reason.
 */
#include <linux/etherdevice.h>
#include <net/gro.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "compat.h"
#include "device.h"
#include "learn.h"
#include "rcv.h"
#include "remote.h"
#include "socket.h"
#include "stats.h"

/*
 * The kernel's drop reason of each rx drop counter, for perf/dropwatch:
 * the in-tree driver's where it has one (compat.h: 6.12's VXLAN reasons).
 */
static enum skb_drop_reason kvx_net_drop_reason(enum kvx_net_cnt why)
{
	switch (why) {
	case KVX_NET_DROP_SHORT_HEADER:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case KVX_NET_DROP_UNKNOWN_VNI:
		return KVX_DROP_REASON_VXLAN_VNI_NOT_FOUND;
	default:		/* the I flag clear, a reserved bit set */
		return KVX_DROP_REASON_VXLAN_INVALID_HDR;
	}
}

static enum skb_drop_reason kvx_dev_drop_reason(enum kvx_dev_cnt why)
{
	switch (why) {
	case KVX_RX_DROP_SHORT_INNER:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case KVX_RX_DROP_ECN:
		return KVX_DROP_REASON_IP_TUNNEL_ECN;
	case KVX_RX_DROP_BAD_SRC_MAC:
		return KVX_DROP_REASON_MAC_INVALID_SOURCE;
	case KVX_RX_DROP_OWN_MAC:
		return KVX_DROP_REASON_LOCAL_MAC;
	case KVX_RX_DROP_UDP6_ZERO_CSUM:
		return SKB_DROP_REASON_UDP_CSUM;
	case KVX_RX_DROP_OVERSIZE:
		return SKB_DROP_REASON_PKT_TOO_BIG;
	default:		/* KVX_RX_DROP_UNKNOWN_PEER: none fits */
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
}

static int kvx_rcv_drop_net(struct kvx_net *kn, struct sk_buff *skb,
			    enum kvx_net_cnt why)
{
	kvx_cnt_inc(kn->cnt, why);
	kfree_skb_reason(skb, kvx_net_drop_reason(why));
	return 0;
}

static int kvx_rcv_drop_dev(struct kvx_dev *kvx, struct sk_buff *skb,
			    enum kvx_dev_cnt why)
{
	kvx_cnt_inc(kvx->cnt, why);
	kfree_skb_reason(skb, kvx_dev_drop_reason(why));
	return 0;
}

/* The device up on @vni on @vs, under RCU: inline in the receive path. */
static __always_inline struct kvx_dev *kvx_sock_lookup_vni(struct kvx_sock *vs,
							   u32 vni)
{
	struct kvx_vni_node *n;

	hlist_for_each_entry_rcu(n, kvx_vni_head(vs, vni), node)
		if (READ_ONCE(n->kvx->vni_key) == vni)
			return n->kvx;
	return NULL;
}

int kvx_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kvx_sock *vs = rcu_dereference_sk_user_data(sk);
	struct kvx_ip src = {};
	const struct ipv6hdr *oip6h;
	const struct kvx_cfg *cfg;
	const struct iphdr *oiph;
	const struct vxlanhdr *vxh;
	unsigned int outer_nh;
	struct kvx_dev *kvx;
	int ecn;
	struct kvx_net *kn;
	u32 vni;

	if (unlikely(!vs)) {
		/* The socket is being closed. */
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return 0;
	}
	kn = vs->kn;

	/* The UDP layer has the outer IP header in the linear area. */
	src.family = vs->family;
	if (vs->family == AF_INET)
		src.v4 = ip_hdr(skb)->saddr;
	else
		src.v6 = ipv6_hdr(skb)->saddr;

	/* skb->data is at the UDP header. */
	if (!pskb_may_pull(skb, KVX_VXLAN_HLEN))
		return kvx_rcv_drop_net(kn, skb, KVX_NET_DROP_SHORT_HEADER);

	vxh = (const struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (!(vxh->vx_flags & VXLAN_HF_VNI))
		return kvx_rcv_drop_net(kn, skb, KVX_NET_DROP_NO_VNI_FLAG);
	if ((vxh->vx_flags & ~VXLAN_HF_VNI) || (vxh->vx_vni & ~VXLAN_VNI_MASK))
		return kvx_rcv_drop_net(kn, skb, KVX_NET_DROP_RESERVED_BITS);

	vni = be32_to_cpu(vxh->vx_vni) >> 8;
	kvx = kvx_sock_lookup_vni(vs, vni);
	if (!kvx)
		return kvx_rcv_drop_net(kn, skb, KVX_NET_DROP_UNKNOWN_VNI);
	cfg = rcu_dereference(kvx->cfg);

	/*
	 * The IPv6 socket lets zero checksums through (RFC 6935/6936 allow
	 * them for tunnels); only a device configured for them takes them.
	 */
	if (vs->family == AF_INET6 && !udp_hdr(skb)->check &&
	    !cfg->udp6_zero_rx)
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_UDP6_ZERO_CSUM);
	if (cfg->peers_only && !kvx_remote_lookup(kvx, &src))
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_UNKNOWN_PEER);

	/*
	 * Pulls UDP + VXLAN, makes sure a whole inner Ethernet header is
	 * there, scrubs the skb (dst, mark across namespaces, ...). The outer
	 * IP header stays where skb_network_header() points.
	 */
	if (iptunnel_pull_header(skb, KVX_VXLAN_HLEN, htons(ETH_P_TEB),
				 !net_eq(sock_net(sk), dev_net(kvx->dev))))
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_SHORT_INNER);

	skb_reset_mac_header(skb);
	skb->protocol = eth_type_trans(skb, kvx->dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);

	/*
	 * As a veth or bridge port would: no frame larger than the MTU (a
	 * VLAN tag allowed), except GRO's merged ones.
	 */
	if (unlikely(skb->len > READ_ONCE(kvx->dev->mtu) + VLAN_HLEN &&
		     !skb_is_gso(skb)))
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_OVERSIZE);

	/*
	 * Remember the outer header by offset: the pulls below may move the
	 * data, and a cached pointer would then point into freed memory.
	 */
	outer_nh = skb_network_header(skb) - skb->head;
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb))
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_SHORT_INNER);

	/*
	 * An outer header that is not ECN-capable leaves the inner one as it
	 * is and drops nothing (INET_ECN_decapsulate() returns 0 for it
	 * without a change): the inner header is then not looked at.
	 */
	if (vs->family == AF_INET) {
		oiph = (const struct iphdr *)(skb->head + outer_nh);
		ecn = INET_ECN_is_not_ect(oiph->tos) ? 0 :
		      IP_ECN_decapsulate(oiph, skb);
	} else {
		oip6h = (const struct ipv6hdr *)(skb->head + outer_nh);
		ecn = INET_ECN_is_not_ect(ipv6_get_dsfield(oip6h)) ? 0 :
		      IP6_ECN_decapsulate(oip6h, skb);
	}
	if (unlikely(ecn > 1))
		return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_ECN);

	if (cfg->learning) {
		const u8 *mac = eth_hdr(skb)->h_source;

		if (!is_valid_ether_addr(mac))
			return kvx_rcv_drop_dev(kvx, skb,
						KVX_RX_DROP_BAD_SRC_MAC);
		if (ether_addr_equal(mac, kvx->dev->dev_addr))
			return kvx_rcv_drop_dev(kvx, skb, KVX_RX_DROP_OWN_MAC);
		kvx_fdb_learn(kvx, mac, &src, cfg, skb->len);
	} else {
		kvx_fdb_count_rx(kvx, &src, skb->len);
	}

	dev_sw_netstats_rx_add(kvx->dev, skb->len);
	gro_cells_receive(&kvx->gro_cells, skb);
	return 0;
}

/* What the GRO hook pulls at once: the VXLAN and inner Ethernet headers. */
#define KVX_GRO_HLEN	(sizeof(struct vxlanhdr) + ETH_HLEN)

/*
 * The GRO checksum's update for the KVX_GRO_HLEN bytes at @p (from an
 * even offset): what skb_gro_postpull_rcsum() computes with
 * csum_partial(), as five 32-bit and one 16-bit ones' complement
 * additions in line. Both sums of the same (never all-zero) data are the
 * same value in [1, 2^32 - 1].
 */
static __always_inline void kvx_gro_postpull_rcsum(struct sk_buff *skb,
						   const void *p)
{
	const u32 *w = p;
	__wsum sum;

	/* the additions below cover exactly the pulled headers */
	BUILD_BUG_ON(KVX_GRO_HLEN != 5 * sizeof(u32) + sizeof(u16));
	if (!NAPI_GRO_CB(skb)->csum_valid)
		return;
	sum = wsum_negate(NAPI_GRO_CB(skb)->csum);
	sum = csum_add(sum, (__force __wsum)get_unaligned(w));
	sum = csum_add(sum, (__force __wsum)get_unaligned(w + 1));
	sum = csum_add(sum, (__force __wsum)get_unaligned(w + 2));
	sum = csum_add(sum, (__force __wsum)get_unaligned(w + 3));
	sum = csum_add(sum, (__force __wsum)get_unaligned(w + 4));
	sum = csum_add(sum, (__force __wsum)(u32)get_unaligned((const u16 *)(w + 5)));
	NAPI_GRO_CB(skb)->csum = wsum_negate(sum);
}

/*
 * GRO: merges the inner flows of consecutive packets that carry the same
 * VXLAN header (flags and VNI) and the same inner Ethernet header, so
 * that the stack above sees one large frame per flow. A header that rcv
 * would drop is never merged: it is flushed to kvx_udp_encap_rcv(),
 * which counts it.
 *
 * This runs for every frame that reaches the socket (about 30 per merged
 * packet of a TCP stream), so it does eth_gro_receive()'s work itself:
 * one header fetch and one walk of the held packets for both headers,
 * and their checksum update in line.
 */
static struct sk_buff *kvx_gro_receive(struct sock *sk,
				       struct list_head *head,
				       struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	const struct packet_offload *ptype;
	const struct vxlanhdr *vh;
	struct sk_buff *pp = NULL, *p;
	const struct ethhdr *eh;
	int flush = 1;
	u16 nh;

	vh = skb_gro_header(skb, off + KVX_GRO_HLEN, off);
	if (unlikely(!vh))
		goto out;
	if (vh->vx_flags != VXLAN_HF_VNI || (vh->vx_vni & ~VXLAN_VNI_MASK))
		goto out;
	eh = (const struct ethhdr *)(vh + 1);

	list_for_each_entry(p, head, list) {
		const struct vxlanhdr *vh2;

		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (const struct vxlanhdr *)(p->data + off);
		if (vh->vx_vni != vh2->vx_vni ||
		    compare_ether_header(eh, vh2 + 1))
			NAPI_GRO_CB(p)->same_flow = 0;
	}

	ptype = gro_find_receive_by_type(eh->h_proto);
	if (!ptype)
		goto out;
	skb_gro_pull(skb, KVX_GRO_HLEN);
	kvx_gro_postpull_rcsum(skb, vh);
	nh = kvx_compat_gro_nh(skb);
	pp = call_gro_receive(ptype->callbacks.gro_receive, head, skb);
	kvx_compat_gro_outer_nh(skb, nh);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

static int kvx_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	kvx_compat_gro_inner_nh(skb, nhoff + sizeof(struct vxlanhdr) + ETH_HLEN);
	/* skb->encapsulation is set: this also sets the inner MAC header. */
	return eth_gro_complete(skb, nhoff + sizeof(struct vxlanhdr));
}

/*
 * An ICMP error quoting one of our outer packets: ours when it quotes a
 * VXLAN header with a VNI a device here is up on. UDP then acts on it as
 * for a socket's own packet (path MTU, redirect), as for the in-tree
 * driver's vxlan_err_lookup(); that is how the path MTU that xmit checks
 * each copy against is learned where udp_err() does not already update
 * it for any UDP packet (6.12's does). The quote starts at the outer IP
 * header; the transport header points at UDP.
 */
static int kvx_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	const struct vxlanhdr *vxh;
	struct kvx_sock *vs;

	if (!pskb_may_pull(skb, skb_transport_offset(skb) + KVX_VXLAN_HLEN))
		return -EINVAL;
	vxh = (const struct vxlanhdr *)(udp_hdr(skb) + 1);
	if (!(vxh->vx_flags & VXLAN_HF_VNI))
		return -EINVAL;
	vs = rcu_dereference_sk_user_data(sk);
	if (!vs || !kvx_sock_lookup_vni(vs, be32_to_cpu(vxh->vx_vni) >> 8))
		return -ENOENT;
	return 0;
}

/* The socket's hooks besides encap_rcv: GRO, and ICMP errors. */
void kvx_sock_set_gro(struct udp_tunnel_sock_cfg *tcfg)
{
	tcfg->gro_receive = kvx_gro_receive;
	tcfg->gro_complete = kvx_gro_complete;
	tcfg->encap_err_lookup = kvx_err_lookup;
}
