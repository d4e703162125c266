/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the only place that knows about differences between supported
 * kernels. Each KVX_HAVE_* macro comes from a feature probe in Kbuild.
 */
#ifndef _KVX_COMPAT_H
#define _KVX_COMPAT_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <net/udp.h>

/* Transmit takes no queue lock. */
static inline void kvx_compat_set_lltx(struct net_device *dev)
{
#ifdef KVX_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/* The attributes of a dump request, parsed with the family's policy. */
static inline struct nlattr **kvx_compat_dump_attrs(struct netlink_callback *cb)
{
#ifdef KVX_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* The UDP hash table @sk is in: its namespace's since 6.2, else the global one. */
static inline struct udp_table *kvx_compat_udp_table(struct sock *sk)
{
#ifdef KVX_HAVE_NETNS_UDP_TABLE
	return sk->sk_prot->h.udp_table ?: sock_net(sk)->ipv4.udp_table;
#else
	return sk->sk_prot->h.udp_table;
#endif
}

/*
 * Before 6.9 (no network_offsets in napi_gro_cb), GRO keeps one network
 * header per packet, and the inner IP's gro_receive moves it to the inner
 * header; udp's gro_complete then looks the tunnel socket up by the inner
 * addresses (ip_hdr()), which finds a socket bound to the wildcard only,
 * and merged packets of a bound one are taken for plain UDP and split
 * again. kvxlan's GRO hook puts the outer header back after the inner
 * gro_receive (kvx_compat_gro_outer_nh()) and sets the inner one again
 * before the inner gro_complete, whose pseudo-header checksum reads it
 * (kvx_compat_gro_inner_nh()). Since 6.9 GRO keeps both offsets itself.
 */
#ifdef KVX_HAVE_GRO_NETWORK_OFFSETS
static inline u16 kvx_compat_gro_nh(const struct sk_buff *skb) { return 0; }
static inline void kvx_compat_gro_outer_nh(struct sk_buff *skb, u16 nh) {}
static inline void kvx_compat_gro_inner_nh(struct sk_buff *skb, int off) {}
#else
static inline u16 kvx_compat_gro_nh(const struct sk_buff *skb)
{
	return skb->network_header;
}

static inline void kvx_compat_gro_outer_nh(struct sk_buff *skb, u16 nh)
{
	skb->network_header = nh;
}

static inline void kvx_compat_gro_inner_nh(struct sk_buff *skb, int off)
{
	skb_set_network_header(skb, off);
}
#endif

/*
 * The kernel's own VXLAN drop reasons, in 6.12's dropreason-core.h (which
 * linux/skbuff.h includes: its guard is the probe); 6.1 has neither that
 * header nor the reasons, and gets the reason kfree_skb() reports anyway.
 * Kernels 6.4 to 6.11 have the header without the reasons; none of them
 * is supported (a Kbuild probe for "FN(VXLAN_INVALID_HDR)" would be exact).
 */
#ifdef _LINUX_DROPREASON_CORE_H
#define KVX_DROP_REASON_VXLAN_INVALID_HDR	SKB_DROP_REASON_VXLAN_INVALID_HDR
#define KVX_DROP_REASON_VXLAN_VNI_NOT_FOUND	SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND
#define KVX_DROP_REASON_MAC_INVALID_SOURCE	SKB_DROP_REASON_MAC_INVALID_SOURCE
#define KVX_DROP_REASON_LOCAL_MAC		SKB_DROP_REASON_LOCAL_MAC
#define KVX_DROP_REASON_IP_TUNNEL_ECN		SKB_DROP_REASON_IP_TUNNEL_ECN
#define KVX_DROP_REASON_NO_TX_TARGET		SKB_DROP_REASON_NO_TX_TARGET
#else
#define KVX_DROP_REASON_VXLAN_INVALID_HDR	SKB_DROP_REASON_NOT_SPECIFIED
#define KVX_DROP_REASON_VXLAN_VNI_NOT_FOUND	SKB_DROP_REASON_NOT_SPECIFIED
#define KVX_DROP_REASON_MAC_INVALID_SOURCE	SKB_DROP_REASON_NOT_SPECIFIED
#define KVX_DROP_REASON_LOCAL_MAC		SKB_DROP_REASON_NOT_SPECIFIED
#define KVX_DROP_REASON_IP_TUNNEL_ECN		SKB_DROP_REASON_NOT_SPECIFIED
#define KVX_DROP_REASON_NO_TX_TARGET		SKB_DROP_REASON_NOT_SPECIFIED
#endif

#endif /* _KVX_COMPAT_H */
