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
