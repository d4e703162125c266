/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: "bridge fdb" (PF_BRIDGE RTM_*NEIGH) on a kvxlan device (bridge.c).
 */
#ifndef _KVX_BRIDGE_H
#define _KVX_BRIDGE_H

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

int kvx_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, u16 flags, struct netlink_ext_ack *extack);
int kvx_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		    struct net_device *dev, const unsigned char *addr,
		    u16 vid, struct netlink_ext_ack *extack);
int kvx_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     struct net_device *dev, struct net_device *filter_dev,
		     int *idx);

struct kvx_dev;
struct kvx_fdb;
struct kvx_flood;
struct kvx_flood_ent;
void kvx_br_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       const struct kvx_flood_ent *e, int type);
void kvx_br_flood_notify(struct kvx_dev *kvx, const struct kvx_flood *old,
			 const struct kvx_flood *new);
void kvx_br_uninit(struct kvx_dev *kvx);

#endif /* _KVX_BRIDGE_H */
