/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvxlan: multicast group memberships of the shared sockets (mcast.c).
 */
#ifndef _KVX_MCAST_H
#define _KVX_MCAST_H

#include "kvx.h"

struct kvx_cfg;
struct kvx_flood;
struct kvx_sock;

/*
 * A multicast membership of a shared socket: (group, underlay device),
 * joined once however many devices use it.
 */
struct kvx_mc {
	struct list_head list;		/* in kvx_sock.mcs, RTNL */
	struct kvx_ip group;
	int ifindex;
	struct kvx_sock *vs;		/* whose membership it is */
	unsigned int refs;		/* devices holding it, RTNL */
};

/* Memberships taken for a flood list, not yet the device's (RTNL). */
struct kvx_mc_set {
	struct kvx_mc **mcs;
	unsigned int n;
};

int kvx_mcast_prepare(struct kvx_dev *kvx, struct kvx_sock *const *socks,
		      const struct kvx_cfg *cfg, const struct kvx_flood *fl,
		      bool strict, struct kvx_mc_set *set,
		      struct netlink_ext_ack *extack);
void kvx_mcast_commit(struct kvx_dev *kvx, struct kvx_mc_set *set);
void kvx_mcast_abort(struct kvx_mc_set *set);
int kvx_mcast_sync(struct kvx_dev *kvx, bool strict,
		   struct netlink_ext_ack *extack);
bool kvx_mcast_uses(const struct kvx_dev *kvx, int ifindex);
void kvx_mcast_leave_all(struct kvx_dev *kvx);
int kvx_route_ifindex(struct net *net, struct kvx_sock *vs,
		      const struct kvx_ip *dst, const struct kvx_ip *src);

#endif /* _KVX_MCAST_H */
