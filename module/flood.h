/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the flood list: remotes and groups that get a copy of
 * every broadcast, multicast and unknown unicast frame (flood.c).
 */
#ifndef _KVX_FLOOD_H
#define _KVX_FLOOD_H

#include "kvx.h"

struct kvx_remote;

/* One flood remote; a multicast address makes it a group. */
struct kvx_flood_ent {
	struct kvx_remote *remote;	/* holds a ref */
	__be16 port;			/* 0: the device's */
	u32 vni;			/* KVX_VNI_DEV: the device's */
	int ifindex;			/* a group's underlay; 0: the link */
};

/* The flood list, replaced whole on every change (copy on write). */
struct kvx_flood {
	unsigned int n;
	struct rcu_head rcu;
	struct kvx_flood_ent ent[];
};

struct kvx_flood_req {
	struct kvx_ip ip;
	__be16 port;
	u32 vni;
	int ifindex;
};

int kvx_flood_add(struct kvx_dev *kvx, const struct kvx_flood_req *req,
		  struct netlink_ext_ack *extack);
int kvx_flood_del(struct kvx_dev *kvx, const struct kvx_ip *ip);
int kvx_flood_replace(struct kvx_dev *kvx, const struct kvx_flood_req *reqs,
		      unsigned int n, struct netlink_ext_ack *extack);
int kvx_flood_set_first(struct kvx_dev *kvx, const struct kvx_ip *ip,
			struct netlink_ext_ack *extack);
int kvx_flood_del_all(struct kvx_dev *kvx);
struct kvx_flood *kvx_flood_build_first(struct kvx_dev *kvx,
					const struct kvx_ip *ip);
void kvx_flood_drop(struct kvx_dev *kvx, struct kvx_flood *fl);
void kvx_flood_install(struct kvx_dev *kvx, struct kvx_flood *fl);
bool kvx_flood_uses(struct kvx_dev *kvx, int ifindex);
void kvx_flood_clear(struct kvx_dev *kvx);
void kvx_flood_first(struct kvx_dev *kvx, struct kvx_ip *ip);

#endif /* _KVX_FLOOD_H */
