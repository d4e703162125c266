/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the transmit path (xmit.c).
 */
#ifndef _KVX_XMIT_H
#define _KVX_XMIT_H

#include <linux/netdevice.h>

netdev_tx_t kvx_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _KVX_XMIT_H */
