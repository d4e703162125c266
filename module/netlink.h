/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: the "kvxlan" generic netlink family (netlink.c, nl_*.c).
 */
#ifndef _KVX_NETLINK_H
#define _KVX_NETLINK_H

#include "kvx.h"

struct kvx_fdb;
struct kvx_flood_ent;

int kvx_genl_init(void);
void kvx_genl_exit(void);
void kvx_nl_fdb_notify(struct kvx_dev *kvx, const struct kvx_fdb *f,
		       const struct kvx_flood_ent *e, enum kvxlan_event event);

#endif /* _KVX_NETLINK_H */
