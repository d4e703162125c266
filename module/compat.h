/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the only place that knows about differences between supported
 * kernels. Each KVX_HAVE_* macro comes from a feature probe in Kbuild.
 */
#ifndef _KVX_COMPAT_H
#define _KVX_COMPAT_H

#include <linux/netdevice.h>

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

#endif /* _KVX_COMPAT_H */
