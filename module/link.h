/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the rtnetlink link type (link.c).
 */
#ifndef _KVX_LINK_H
#define _KVX_LINK_H

#include <net/rtnetlink.h>

#include "kvx.h"

struct kvx_cfg;

extern struct rtnl_link_ops kvx_link_ops;
void kvx_net_destroy_devs(struct kvx_net *kn);
void kvx_dellink(struct net_device *dev, struct list_head *head);
void kvx_update_max_mtu(struct kvx_dev *kvx, const struct kvx_cfg *cfg);
bool kvx_link_net_capable(const struct kvx_dev *kvx,
			  struct netlink_ext_ack *extack);

#endif /* _KVX_LINK_H */
