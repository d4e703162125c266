/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: ARP and IPv6 neighbour discovery suppression (proxy.c), the
 * transmit path's one hook.
 */
#ifndef _KVX_PROXY_H
#define _KVX_PROXY_H

#include "device.h"

bool kvx_proxy_reduce(struct kvx_dev *kvx, struct sk_buff *skb);

/*
 * Called first thing by the transmit path, under RCU, with the Ethernet
 * header pulled: true when @skb was an ARP request or neighbour
 * solicitation that was answered from the device's neighbour table (the
 * answer went up the device, @skb is consumed); false when it is to be
 * sent as any frame. It may pull more of @skb's headers into its linear
 * part: pointers into it taken before are stale.
 */
static inline bool kvx_proxy_xmit(struct kvx_dev *kvx,
				  const struct kvx_cfg *cfg,
				  struct sk_buff *skb)
{
	if (likely(!cfg->proxy))
		return false;
	return kvx_proxy_reduce(kvx, skb);
}

#endif /* _KVX_PROXY_H */
