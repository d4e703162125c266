/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the only place that knows about differences between supported
 * kernels. Each KVX_HAVE_* macro comes from a feature probe in Kbuild.
 */
#ifndef _KVX_COMPAT_H
#define _KVX_COMPAT_H

#include <linux/netdevice.h>
#include <net/genetlink.h>

/* A kvxlan device stays in the namespace it was created in. */
static inline void kvx_compat_set_netns_local(struct net_device *dev)
{
#ifdef KVX_HAVE_NETNS_IMMUTABLE
	dev->netns_immutable = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

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

#endif /* _KVX_COMPAT_H */
