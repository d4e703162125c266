/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: a multicast MAC's own list of remotes (mdst.c).
 */
#ifndef _KVX_MDST_H
#define _KVX_MDST_H

#include <net/netlink.h>

#include "kvx.h"
#include "flood.h"

struct kvx_dev;
struct kvx_fdb;
struct kvx_fdb_filter;

int kvx_fdb_append(struct kvx_dev *kvx, const u8 *mac, const struct kvx_ip *ip,
		   __be16 port, u32 vni, struct netlink_ext_ack *extack);
int kvx_fdb_mcast_del(struct kvx_dev *kvx, const u8 *mac,
		      const struct kvx_ip *ip);
const struct kvx_flood *kvx_fdb_mcast_dst(struct kvx_dev *kvx, const u8 *mac);

/* For fdb.c and fdb_walk.c, under fdb_lock. */
void kvx_mdst_release(struct kvx_dev *kvx, struct kvx_flood *l);
bool kvx_mdst_flush(struct kvx_dev *kvx, struct kvx_fdb *f,
		    const struct kvx_fdb_filter *flt);

#endif /* _KVX_MDST_H */
